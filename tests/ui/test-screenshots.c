/* test-screenshots.c: the main screens rendered to PNG in the build
 * directory (screenshots/), at phone, tablet portrait and tablet landscape
 * sizes, so anyone can look at them.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

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

static void
save (CareWindow *window,
      const char *screen,
      const char *size)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", screen, size);
  g_autofree char *path = care_test_screenshot (GTK_WIDGET (window), name);

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
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
  save (window, "today", sizes[i].name);

  /* A visit in progress: checked in, one task answered. */
  care_test_activate (root, "visit-row-1");
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  care_test_activate (root, "check-in");
  care_test_activate (root, "task-done-0");
  care_test_activate (root, "task-not-done-2");
  care_test_set_text (root, "task-reason-2", "Had a big breakfast");
  save (window, "visit", sizes[i].name);

  /* The finished visit with a query and a corrected time. */
  gtk_widget_activate_action (root, "win.back", NULL);
  care_test_activate (root, "visit-row-0");
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

  if (i == 0)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          ADW_COLOR_SCHEME_FORCE_DARK);
      care_window_set_view (window, "today");
      save (window, "today-dark", sizes[i].name);
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          ADW_COLOR_SCHEME_DEFAULT);
    }
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

      g_test_add_data_func (name, GUINT_TO_POINTER (i), test_screens);
    }
  return g_test_run ();
}
