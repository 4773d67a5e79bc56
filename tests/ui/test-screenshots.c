/* test-screenshots.c: the main screens rendered to PNG in the build
 * directory (screenshots/), at phone, tablet portrait and tablet landscape
 * sizes, so anyone can look at them.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-confirm-window.h"
#include "care-demo.h"
#include "care-review-detail.h"
#include "care-test-util.h"
#include "care-ui-util.h"

static const struct
{
  const char *name;
  int width;
  int height;
} sizes[] = {
  { "360x640", 360, 640 },
  { "800x1280", 800, 1280 },
  { "1280x800", 1280, 800 },
};

/* Every screen in the light and the dark style. */
static void
save (CareWindow *window,
      const char *screen,
      const char *size)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  /* Every icon on the screen is one the theme has (the carers saw a
   * broken image where an icon was missing). */
  care_test_assert_icons (GTK_WIDGET (window));
  for (guint dark = 0; dark < 2; dark++)
    {
      g_autofree char *name = g_strdup_printf ("%s%s-%s", screen, dark ? "-dark" : "", size);
      g_autofree char *path = NULL;

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_DEFAULT);
      path = care_test_screenshot (GTK_WIDGET (window), name);
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The confirmation screen over the visit just checked out, light and dark;
 * then closed. */
static void
save_confirm (const char *size)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
  GtkWidget *confirm = NULL;

  for (guint i = 0; confirm == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (CARE_IS_CONFIRM_WINDOW (w))
        confirm = w;
    }
  g_assert_nonnull (confirm);
  save ((CareWindow *) confirm, "confirm", size);
  gtk_window_destroy (GTK_WINDOW (confirm));
}

static gboolean
hours_loaded (gpointer data)
{
  GtkWidget *window = data;
  GtkWidget *total = care_find_named (window, "this-total");

  return total != NULL;
}

static void
test_screens (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *empty_dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autofree char *empty_path = care_test_make_empty_store (empty_dir);
  CareWindow *window;
  GtkWidget *root;

  /* First run */
  window = care_test_window_new (empty_path, sizes[i].width, sizes[i].height);
  g_assert_cmpstr (care_window_get_screen (window), ==, "first-run");
  save (window, "first-run", sizes[i].name);
  care_test_window_destroy (window);

  /* Today */
  window = care_test_window_new (path, sizes[i].width, sizes[i].height);
  root = GTK_WIDGET (window);
  g_assert_cmpstr (care_window_get_screen (window), ==, "home");
  /* Today has icons to check (the sync state's, the visits' and more). */
  g_assert_cmpuint (care_test_assert_icons (root), >, 3);
  save (window, "today", sizes[i].name);

  /* A visit in progress: checked in, one task answered. */
  care_test_activate_row (root, "visits-list", 1);
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  care_test_activate (root, "check-in");
  care_test_activate (care_test_row (root, "tasks-list", 0), "task-done");
  care_test_activate (care_test_row (root, "tasks-list", 2), "task-not-done");
  care_test_set_text (care_test_row (root, "tasks-list", 2), "task-reason", "Had a big breakfast");
  save (window, "visit", sizes[i].name);

  /* Check-out, then the client's word at the door. */
  care_test_activate (care_test_row (root, "tasks-list", 1), "task-done");
  care_test_set_text (care_test_row (root, "tasks-list", 2), "task-reason", "");
  care_test_activate (care_test_row (root, "tasks-list", 2), "task-done");
  care_test_activate (root, "check-out");
  save_confirm (sizes[i].name);

  /* The finished visit with a query and a corrected time. */
  gtk_widget_activate_action (root, "win.back", NULL);
  care_test_activate_row (root, "visits-list", 0);
  save (window, "visit-done", sizes[i].name);

  /* Hours */
  gtk_widget_activate_action (root, "win.back", NULL);
  care_window_set_view (window, "hours");
  care_test_wait (hours_loaded, window, 30, "the hours to load");
  save (window, "hours", sizes[i].name);

  /* Search */
  care_window_set_view (window, "search");
  care_test_set_text (root, "search-entry", "grandson");
  {
    GtkWidget *status = care_test_find (root, "search-status");

    while (g_strcmp0 (gtk_label_get_text (GTK_LABEL (status)), "1 note found") != 0)
      g_main_context_iteration (NULL, TRUE);
  }
  save (window, "search", sizes[i].name);

  care_test_window_destroy (window);
}

static gboolean
review_loaded (gpointer data)
{
  GtkWidget *list = care_find_named (data, "visit-list");

  return list != NULL && gtk_widget_get_first_child (list) != NULL;
}

static gboolean
detail_loaded (gpointer data)
{
  GtkWidget *detail = care_find_named (data, "review-detail");
  GtkWidget *title = care_find_named (data, "detail-title");

  return detail != NULL && gtk_widget_get_mapped (detail) && !care_review_detail_get_loading (CARE_REVIEW_DETAIL (detail))
         && title != NULL && *gtk_label_get_text (GTK_LABEL (title)) != '\0';
}

/* The co-ordinator's screens: the visits to review, one visit's detail
 * (the first of the list, exceptions first) and the timesheets. */
static void
test_coordinator_screens (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_supervisor_store (dir);
  CareWindow *window;

  window = care_test_window_new (path, sizes[i].width, sizes[i].height);
  care_window_set_view (window, "review");
  care_test_wait (review_loaded, window, 30, "the visits to review");
  save (window, "review", sizes[i].name);
  g_signal_emit_by_name (care_find_named (GTK_WIDGET (window), "visit-list"), "activate", 0);
  care_test_wait (detail_loaded, window, 30, "the visit's detail");
  save (window, "review-detail", sizes[i].name);
  g_assert_true (gtk_widget_activate_action (care_find_named (GTK_WIDGET (window), "review-detail"),
                                             "review.back", NULL));
  care_window_set_view (window, "timesheets");
  save (window, "timesheets", sizes[i].name);
  care_test_window_destroy (window);
}

/* A family member's device: their client's visits. */
static void
test_family_screens (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_family_store (dir);
  CareWindow *window = care_test_window_new (path, sizes[i].width, sizes[i].height);

  g_assert_cmpstr (care_window_get_view (window), ==, "family");
  save (window, "family", sizes[i].name);
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("/ui/screenshots/%s", sizes[i].name);

      g_autofree char *coordinator = g_strdup_printf ("/ui/screenshots/coordinator/%s", sizes[i].name);

      g_test_add_data_func (name, GUINT_TO_POINTER (i), test_screens);
      g_test_add_data_func (coordinator, GUINT_TO_POINTER (i), test_coordinator_screens);
      {
        g_autofree char *family = g_strdup_printf ("/ui/screenshots/family/%s", sizes[i].name);

        g_test_add_data_func (family, GUINT_TO_POINTER (i), test_family_screens);
      }
    }
  return g_test_run ();
}
