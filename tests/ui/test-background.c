/* test-background.c: the app asks the XDG Background portal to keep the
 * sync daemon running (autostart, command line carelog-syncd), and says in
 * the sync popover what happens: granted, refused, or no portal at all.
 *
 * The portal is python-dbusmock owning org.freedesktop.portal.Desktop on
 * this test's own session bus; its RequestBackground emits Response from the
 * Request object named by the app's handle_token, after replying, as
 * xdg-desktop-portal does.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <signal.h>
#include <string.h>

#include "care-background.h"
#include "care-test-util.h"
#include "care-ui-util.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define BACKGROUND  "org.freedesktop.portal.Background"

#define NOT_BY_ITSELF "open Carelog once after switching the tablet on"
#define BY_ITSELF     "starts by itself when this tablet is switched on"

static GDBusConnection *bus;

static gboolean
portal_owned (gpointer data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                                           "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", PORTAL_NAME),
                                                           G_VARIANT_TYPE ("(b)"),
                                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return GPOINTER_TO_INT (data) ? owned : !owned;
}

static GVariant *
call_mock (const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (bus, PORTAL_NAME, PORTAL_PATH,
                                                 "org.freedesktop.DBus.Mock", method,
                                                 parameters, NULL, G_DBUS_CALL_FLAGS_NONE,
                                                 10000, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

/* A mock portal; with response >= 0 its RequestBackground answers with
 * that response code and these results, else it has no such method. */
static GSubprocess *
start_portal (int         response,
              const char *background,
              const char *autostart)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                        "/usr/bin/python3", "-m", "dbusmock", "--session",
                                        PORTAL_NAME, PORTAL_PATH, BACKGROUND, NULL);

  g_assert_no_error (error);
  care_test_wait (portal_owned, GINT_TO_POINTER (TRUE), 30,
                  "python-dbusmock to own " PORTAL_NAME);
  if (response >= 0)
    {
      g_autofree char *sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);
      g_autofree char *code = NULL;

      g_strdelimit (sender, ".", '_');
      code = g_strdup_printf (
        "from gi.repository import GLib\n"
        "path = dbus.ObjectPath('" PORTAL_PATH "/request/%s/' + args[1]['handle_token'])\n"
        "GLib.idle_add(lambda o=self, p=path: o.EmitSignalDetailed("
        "'org.freedesktop.portal.Request', 'Response', 'ua{sv}', "
        "[dbus.UInt32(%d), dbus.Dictionary({'background': %s, 'autostart': %s}, signature='sv')], "
        "{'path': p}) and False)\n"
        "ret = path\n",
        sender, response, background, autostart);
      g_variant_unref (call_mock ("AddMethod",
                                  g_variant_new ("(sssss)", BACKGROUND, "RequestBackground",
                                                 "sa{sv}", "o", code)));
    }
  return mock;
}

static void
stop_portal (GSubprocess *mock)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (mock, SIGTERM);
  g_subprocess_wait (mock, NULL, &error);
  g_assert_no_error (error);
  care_test_wait (portal_owned, GINT_TO_POINTER (FALSE), 30, "the mock portal to leave the bus");
  g_object_unref (mock);
}

static gboolean
answered (gpointer data)
{
  return care_background_get_status (data) != CARE_BACKGROUND_ASKING;
}

/* Asks, waits for the answer, and returns the sync popover's line. */
static char *
ask (CareWindow *window)
{
  GtkWidget *label;

  care_background_request (window);
  care_test_wait (answered, window, 30, "the Background portal's answer");
  label = care_find_named (GTK_WIDGET (window), "sync-background");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  /* The line is in the sync popover, with the sync state. */
  g_assert_nonnull (gtk_widget_get_ancestor (label, GTK_TYPE_POPOVER));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, care_background_get_message (window));
  return care_test_text_of (label);
}

static CareWindow *
open_window (char **dir)
{
  g_autofree char *path = NULL;

  *dir = care_test_tmpdir ();
  path = care_test_make_store (*dir, FALSE);
  return care_test_window_new (path, 800, 1000);
}

static void
test_granted (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) calls = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) parent = NULL;
  g_autoptr(GVariant) options_v = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autofree const char **commandline = NULL;
  const char *reason = NULL, *token = NULL;
  gboolean autostart = FALSE, activatable = TRUE;
  guint64 when;
  GSubprocess *mock = start_portal (0, "True", "True");
  CareWindow *window = open_window (&dir);

  text = ask (window);
  g_assert_cmpint (care_background_get_status (window), ==, CARE_BACKGROUND_GRANTED);
  g_assert_nonnull (strstr (text, BY_ITSELF));

  /* What the app asked for. */
  reply = call_mock ("GetMethodCalls", g_variant_new ("(s)", "RequestBackground"));
  calls = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (calls), ==, 1);
  g_variant_get_child (calls, 0, "(t@av)", &when, &args);
  g_assert_cmpuint (g_variant_n_children (args), ==, 2);
  parent = g_variant_get_child_value (args, 0);
  options_v = g_variant_get_child_value (args, 1);
  options = g_variant_get_variant (options_v);
  g_assert_true (g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT));
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (options, "dbus-activatable", "b", &activatable));
  g_assert_false (activatable);
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_cmpuint (g_strv_length ((char **) commandline), ==, 1);
  g_assert_cmpstr (commandline[0], ==, "carelog-syncd");
  g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
  g_assert_nonnull (strstr (reason, "co-op"));
  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
  g_assert_true (g_str_has_prefix (token, "carelog"));

  care_test_window_destroy (window);
  stop_portal (mock);
}

static void
test_refused (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  GSubprocess *mock = start_portal (1, "False", "False");
  CareWindow *window = open_window (&dir);

  text = ask (window);
  g_assert_cmpint (care_background_get_status (window), ==, CARE_BACKGROUND_REFUSED);
  g_assert_nonnull (strstr (text, NOT_BY_ITSELF));
  care_test_window_destroy (window);
  stop_portal (mock);
}

/* Background allowed but not autostart: sync would stop at the next
 * restart, so the app says what the carer has to do. */
static void
test_no_autostart (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  GSubprocess *mock = start_portal (0, "True", "False");
  CareWindow *window = open_window (&dir);

  text = ask (window);
  g_assert_cmpint (care_background_get_status (window), ==, CARE_BACKGROUND_REFUSED);
  g_assert_nonnull (strstr (text, NOT_BY_ITSELF));
  care_test_window_destroy (window);
  stop_portal (mock);
}

/* A desktop portal without the Background interface (kiosk sessions). */
static void
test_no_background_interface (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  GSubprocess *mock = start_portal (-1, NULL, NULL);
  CareWindow *window = open_window (&dir);

  text = ask (window);
  g_assert_cmpint (care_background_get_status (window), ==, CARE_BACKGROUND_UNAVAILABLE);
  g_assert_nonnull (strstr (text, NOT_BY_ITSELF));
  /* The app goes on working: the Today page is there. */
  g_assert_cmpstr (care_window_get_screen (window), ==, "home");
  care_test_window_destroy (window);
  stop_portal (mock);
}

/* No portal on the bus at all. */
static void
test_missing_portal (void)
{
  g_autoptr(GVariant) names = NULL;
  g_autofree const char **activatable = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  CareWindow *window;

  names = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (names);
  g_variant_get (names, "(^a&s)", &activatable);
  if (g_strv_contains (activatable, PORTAL_NAME))
    {
      g_test_skip ("xdg-desktop-portal is installed and activatable on this bus");
      return;
    }
  g_assert_true (portal_owned (GINT_TO_POINTER (FALSE)));
  window = open_window (&dir);
  text = ask (window);
  g_assert_cmpint (care_background_get_status (window), ==, CARE_BACKGROUND_UNAVAILABLE);
  g_assert_nonnull (strstr (text, NOT_BY_ITSELF));
  care_test_window_destroy (window);
}

/* Outside Flatpak nothing is asked and nothing is shown. */
static void
test_not_flatpak (void)
{
  g_autofree char *dir = NULL;
  CareWindow *window;

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("running inside a Flatpak");
      return;
    }
  g_unsetenv ("CARELOG_BACKGROUND_PORTAL");
  window = open_window (&dir);
  care_background_request (window);
  g_assert_cmpint (care_background_get_status (window), ==, CARE_BACKGROUND_NOT_NEEDED);
  g_assert_null (care_background_get_message (window));
  /* The popover's line for it stays hidden. */
  g_assert_false (gtk_widget_get_visible (care_test_find (GTK_WIDGET (window), "sync-background")));
  care_test_window_destroy (window);
  g_setenv ("CARELOG_BACKGROUND_PORTAL", "1", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_setenv ("CARELOG_BACKGROUND_PORTAL", "1", TRUE);
  care_test_init (&argc, &argv);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/ui/background/not-flatpak", test_not_flatpak);
  g_test_add_func ("/ui/background/missing-portal", test_missing_portal);
  g_test_add_func ("/ui/background/no-background-interface", test_no_background_interface);
  g_test_add_func ("/ui/background/granted", test_granted);
  g_test_add_func ("/ui/background/refused", test_refused);
  g_test_add_func ("/ui/background/no-autostart", test_no_autostart);
  return g_test_run ();
}
