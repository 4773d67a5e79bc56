/* test-i18n.c: the app in French, from the translation built in po/:
 * the screens show translated strings, and screenshots are saved.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-test-util.h"

static void
test_french (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autofree char *text = NULL;
  g_autofree char *shot = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);

  text = care_test_text_of (root);
  g_assert_nonnull (strstr (text, "Aujourd’hui"));
  g_assert_nonnull (strstr (text, "Faite"));
  g_clear_pointer (&text, g_free);
  shot = care_test_screenshot (root, "today-fr-360x640");

  care_test_activate_row (root, "visits-list", 1);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (care_test_find (root, "check-in"))), ==, "Arrivée");
  care_test_activate (root, "check-in");
  care_test_activate (root, "check-out");
  text = care_test_text_of (care_test_find (root, "checkout-error"));
  g_assert_nonnull (strstr (text, "Renseignez ces tâches essentielles avant le départ"));
  g_clear_pointer (&shot, g_free);
  shot = care_test_screenshot (root, "visit-fr-360x640");
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *localedir = g_build_filename (g_getenv ("CARELOG_BUILD_DIR"), "po", NULL);

  g_setenv ("LANGUAGE", "fr", TRUE);
  g_setenv ("CARELOG_LOCALEDIR", localedir, TRUE);
  care_test_init (&argc, &argv);
  g_test_add_func ("/ui/i18n/french", test_french);
  return g_test_run ();
}
