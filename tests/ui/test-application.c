/* test-application.c: Carelog behaves like a GNOME application: About,
 * Ctrl+Q quits, a shortcuts window, and the window's size and maximised
 * state kept in GSettings (bound both ways).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real CareApplication runs (g_application_run with --store); the
 * checks run once its window is ready. The app's GSettings schema is
 * compiled into the test's own directory.
 */
#include "care-config.h"

#include <glib/gstdio.h>

#include "care-application.h"
#include "care-test-util.h"

typedef struct
{
  GtkApplication *application;
  CareWindow *window;
  gboolean checked;
} Fixture;

static gboolean
window_ready (gpointer data)
{
  return care_window_is_ready (data);
}

static gboolean
about_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (toplevel))
        {
          g_autofree char *name = NULL;

          g_object_get (toplevel, "application-name", &name, NULL);
          g_assert_cmpstr (name, ==, "Carelog");
          gtk_window_destroy (GTK_WINDOW (toplevel));
          return TRUE;
        }
    }
  return FALSE;
}

static void
check_cb (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (fixture->application, "app.quit");
  GtkWindow *window = GTK_WINDOW (fixture->window);
  int width, height;

  care_test_wait (window_ready, window, 30, "the window to open its store");

  /* Ctrl+Q is app.quit; the shortcuts window is there for Ctrl+?. */
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>q"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));

  /* About. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "about", NULL);
  care_test_wait (about_shown, NULL, 10, "About Carelog");

  /* The window's state follows GSettings, and GSettings the window. */
  g_settings_set_int (settings, "window-width", 700);
  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, ==, 700);
  gtk_window_set_default_size (window, 640, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 900);
  /* (Maximised is bound the same way; without a window manager under Xvfb
   * nothing maximises a window, so it is not checked here.) */

  /* A second window shares the application's one connection to the sync
   * daemon. */
  g_application_activate (G_APPLICATION (fixture->application));
  {
    GList *windows = gtk_application_get_windows (fixture->application);

    g_assert_cmpuint (g_list_length (windows), ==, 2);
    g_assert_true (care_window_get_sync_monitor (CARE_WINDOW (windows->data))
                   == care_window_get_sync_monitor (CARE_WINDOW (windows->next->data)));
  }

  /* Ctrl+Q closes every window, and the application ends. */
  fixture->checked = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "quit", NULL);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 Fixture        *fixture)
{
  if (fixture->window != NULL || !CARE_IS_WINDOW (window))
    return;
  fixture->window = CARE_WINDOW (window);
  g_idle_add_once (check_cb, fixture);
}

static void
test_application (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(CareApplication) application = care_application_new ();
  char *argv[] = { "carelog", "--store", path, NULL };
  Fixture fixture = { GTK_APPLICATION (application), NULL, FALSE };
  int status;

  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), &fixture);
  status = g_application_run (G_APPLICATION (application), 3, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (fixture.checked);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (application)));
}

int
main (int   argc,
      char *argv[])
{
  const char *source = g_getenv ("CARELOG_SOURCE_DIR");
  g_autofree char *schemas = g_dir_make_tmp ("carelog-schemas-XXXXXX", NULL);
  g_autofree char *packaging = g_build_filename (source != NULL ? source : ".", "packaging", NULL);
  const char *compile[] = { "glib-compile-schemas", "--strict", "--targetdir", schemas, packaging, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  /* Before GTK reads any settings: the schema source is made once. */
  g_spawn_sync (NULL, (char **) compile, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  care_test_init (&argc, &argv);
  g_test_add_func ("/ui/application/gnome", test_application);
  status = g_test_run ();
  {
    g_autofree char *compiled = g_build_filename (schemas, "gschemas.compiled", NULL);

    g_unlink (compiled);
    g_rmdir (schemas);
  }
  return status;
}
