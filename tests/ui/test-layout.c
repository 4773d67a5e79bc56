/* test-layout.c: every screen builds at phone and tablet sizes without a
 * warning (they are fatal here), every interactive control has an
 * accessible role and name, and touch targets are at least 44 px.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-demo.h"
#include "care-test-util.h"
#include "care-ui-util.h"

#define MIN_TARGET 44

static const struct
{
  const char *name;
  int width;
  int height;
  double text_scale;
} sizes[] = {
  { "narrow", 360, 640, 1.0 },
  { "portrait", 800, 1280, 1.0 },
  { "landscape", 1280, 800, 1.0 },
  { "narrow-large-text", 360, 640, 1.5 },
};

/* Inside these, GTK's own parts are not ours to label. */
static gboolean
is_composite_part (GtkWidget *widget)
{
  for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL; p = gtk_widget_get_parent (p))
    if (GTK_IS_DROP_DOWN (p) || GTK_IS_SPIN_BUTTON (p) || GTK_IS_MENU_BUTTON (p)
        || GTK_IS_WINDOW_CONTROLS (p) || GTK_IS_ENTRY (p) || GTK_IS_SEARCH_ENTRY (p)
        || ADW_IS_ENTRY_ROW (p) || GTK_IS_POPOVER (p))
      return TRUE;
  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
      || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      return gtk_button_get_label (GTK_BUTTON (widget)) != NULL
             || GTK_IS_LABEL (child) || ADW_IS_BUTTON_CONTENT (child);
    }
  return FALSE;
}

typedef struct
{
  guint checked;
  GString *problems;
  gboolean check_size;
} Audit;

static void
audit (GtkWidget *widget,
       Audit     *a)
{
  gboolean interactive;
  graphene_rect_t bounds;
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  if (!gtk_widget_get_mapped (widget))
    return;
  interactive = !is_composite_part (widget)
                && (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_ENTRY (widget)
                    || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget)
                    || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget)
                    || ADW_IS_ENTRY_ROW (widget)
                    || (GTK_IS_LIST_BOX_ROW (widget)
                        && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget))));
  if (interactive)
    {
      const char *type = G_OBJECT_TYPE_NAME (widget);
      const char *name = gtk_widget_get_name (widget);

      a->checked++;
      if (!has_name (widget))
        g_string_append_printf (a->problems, "%s “%s” has no accessible name\n", type, name);
      if (role == GTK_ACCESSIBLE_ROLE_NONE || role == GTK_ACCESSIBLE_ROLE_GENERIC
          || role == GTK_ACCESSIBLE_ROLE_PRESENTATION)
        g_string_append_printf (a->problems, "%s “%s” has no accessible role\n", type, name);
      if (GTK_IS_BUTTON (widget) && !GTK_IS_TOGGLE_BUTTON (widget))
        g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_ROLE_BUTTON));
      /* The border box, what a finger hits. */
      if (a->check_size && !GTK_IS_TEXT_VIEW (widget)
          && gtk_widget_compute_bounds (widget, widget, &bounds)
          && (bounds.size.height < MIN_TARGET || bounds.size.width < MIN_TARGET))
        g_string_append_printf (a->problems, "%s “%s” is %.0f×%.0f, smaller than %d px\n", type,
                                name, bounds.size.width, bounds.size.height, MIN_TARGET);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    audit (child, a);
}

static int expected_width;

/* The deepest widgets whose minimum width exceeds the window's: what to fix
 * when a screen overflows. */
static void
name_too_wide (GtkWidget *widget,
               int        width,
               GString   *out)
{
  gboolean child_too_wide = FALSE;
  int min = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min = 0;

      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
      if (child_min > width)
        {
          child_too_wide = TRUE;
          name_too_wide (child, width, out);
        }
    }
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (!child_too_wide && min > width)
    {
      g_string_append_printf (out, "  %s “%s” needs %d px, in", G_OBJECT_TYPE_NAME (widget),
                              gtk_widget_get_name (widget), min);
      for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL; p = gtk_widget_get_parent (p))
        g_string_append_printf (out, " %s", G_OBJECT_TYPE_NAME (p));
      g_string_append_c (out, '\n');
    }
}

static void
audit_screen (CareWindow *window,
              const char *screen)
{
  Audit a = { 0, g_string_new (NULL), TRUE };
  int min_width = 0;

  care_test_settle (GTK_WIDGET (window));
  /* Nothing is wider than the window: no horizontal overflow. */
  gtk_widget_measure (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)),
                      GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  if (min_width > expected_width || gtk_widget_get_width (GTK_WIDGET (window)) != expected_width)
    {
      g_autoptr(GString) culprits = g_string_new (NULL);

      name_too_wide (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)),
                     expected_width, culprits);
      g_error ("%s: needs %d px, the window is %d px wide instead of %d:\n%s", screen, min_width,
               gtk_widget_get_width (GTK_WIDGET (window)), expected_width, culprits->str);
    }
  audit (GTK_WIDGET (window), &a);
  if (a.problems->len > 0)
    g_error ("%s:\n%s", screen, a.problems->str);
  if (a.checked < 3)
    g_error ("%s: only %u controls found", screen, a.checked);
  g_string_free (a.problems, TRUE);
}

static gboolean
hours_loaded (gpointer data)
{
  /* The week's total row comes with the week's hours. */
  return care_find_named (data, "this-total") != NULL;
}

/* The first row of the list in a drop-down's open popover, or NULL. */
static GtkWidget *
first_popup_row (GtkWidget *widget)
{
  if (g_strcmp0 (gtk_widget_get_css_name (widget), "row") == 0
      && GTK_IS_LIST_VIEW (gtk_widget_get_parent (widget)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = first_popup_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static gboolean
popup_laid_out (gpointer data)
{
  GtkWidget *row = first_popup_row (data);

  return row != NULL && gtk_widget_get_mapped (row) && gtk_widget_get_height (row) > 0;
}

/* A drop-down's choices are touch targets: rows of 44 px (Adwaita's are
 * 34). */
static void
check_dropdown_rows (GtkWidget  *root,
                     const char *name)
{
  GtkWidget *dropdown = care_test_find (root, name);
  GtkWidget *popover;

  g_signal_emit_by_name (dropdown, "activate");
  care_test_wait (popup_laid_out, dropdown, 30, "the drop-down's choices");
  g_assert_cmpint (gtk_widget_get_height (first_popup_row (dropdown)), >=, 44);
  popover = gtk_widget_get_ancestor (first_popup_row (dropdown), GTK_TYPE_POPOVER);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
test_layout (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *empty_dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autofree char *empty_path = care_test_make_empty_store (empty_dir);
  CareWindow *window;
  GtkWidget *root;
  int dpi = 0;

  /* Large text, as the accessibility setting does it: a higher font DPI. */
  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    dpi = 96 * 1024;
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) (dpi * sizes[i].text_scale), NULL);

  expected_width = sizes[i].width;
  window = care_test_window_new (empty_path, sizes[i].width, sizes[i].height);
  audit_screen (window, "first run");
  care_test_window_destroy (window);

  window = care_test_window_new (path, sizes[i].width, sizes[i].height);
  root = GTK_WIDGET (window);
  audit_screen (window, "today");
  {
    g_autofree char *sync = care_test_text_of (care_test_find (root, "sync-summary"));

    /* At every width the header says in words where the records are, not
     * with a bare number or a tick. */
    g_assert_true (care_test_is_visible (care_test_find (root, "sync-summary")));
    g_assert_true (g_regex_match_simple ("[[:alpha:]]{3}", sync, 0, 0));
  }
  care_test_activate (root, "previous-day");
  audit_screen (window, "the day before");
  care_test_activate (root, "back-to-today");
  care_test_activate (root, "start-unscheduled");
  audit_screen (window, "today, choosing a client");

  care_test_activate_row (root, "visits-list", 1);
  audit_screen (window, "visit before check-in");
  care_test_activate (root, "check-in");
  care_test_activate (care_test_row (root, "tasks-list", 0), "task-not-done");
  audit_screen (window, "visit in progress");
  gtk_widget_activate_action (root, "win.back", NULL);
  care_test_activate_row (root, "visits-list", 0);
  care_test_activate (root, "amend-finish");
  audit_screen (window, "done visit, correcting a time");

  gtk_widget_activate_action (root, "win.back", NULL);
  audit_screen (window, "today, with a visit in progress");

  care_window_set_view (window, "hours");
  care_test_wait (hours_loaded, window, 30, "the hours to load");
  audit_screen (window, "hours");
  check_dropdown_rows (root, "hours-kind");
  care_window_set_view (window, "search");
  audit_screen (window, "search");
  if (sizes[i].text_scale != 1.0)
    {
      g_autofree char *shot = NULL;

      care_window_set_view (window, "today");
      shot = care_test_screenshot (root, "today-large-text-360x640");
    }
  care_test_window_destroy (window);
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", dpi, NULL);
}

/* A supervisor's window has two more views (review, timesheets): it must
 * fit a phone too. */
static void
test_supervisor_layout (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_supervisor_store (dir);
  CareWindow *window;

  /* First measured in a wider window (still narrow enough for the bottom
   * view switcher), so an overflow names its culprits instead of the window
   * never taking its size. */
  window = care_test_window_new (path, MAX (sizes[i].width, 600), sizes[i].height);
  /* Then asked for the real size, so that what depends on the width (the
   * sync state's short form) is what that size shows. */
  gtk_window_set_default_size (GTK_WINDOW (window), sizes[i].width, sizes[i].height);
  for (guint v = 0; v < 2; v++)
    {
      const char *view = v == 0 ? "review" : "timesheets";
      g_autoptr(GString) culprits = g_string_new (NULL);
      GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
      int min_width = 0;

      care_window_set_view (window, view);
      care_test_settle (GTK_WIDGET (window));
      gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      name_too_wide (content, sizes[i].width, culprits);
      if (min_width > sizes[i].width)
        g_error ("supervisor: %s needs %d px, more than %d:\n%s", view, min_width, sizes[i].width,
                 culprits->str);
    }
  care_test_window_destroy (window);

  expected_width = sizes[i].width;
  window = care_test_window_new (path, sizes[i].width, sizes[i].height);
  care_window_set_view (window, "review");
  audit_screen (window, "supervisor: review");
  care_window_set_view (window, "timesheets");
  audit_screen (window, "supervisor: timesheets");
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("/ui/layout/%s", sizes[i].name);

      g_autofree char *supervisor = g_strdup_printf ("/ui/layout/supervisor/%s", sizes[i].name);

      g_test_add_data_func (name, GUINT_TO_POINTER (i), test_layout);
      if (sizes[i].text_scale == 1.0)
        g_test_add_data_func (supervisor, GUINT_TO_POINTER (i), test_supervisor_layout);
    }
  return g_test_run ();
}
