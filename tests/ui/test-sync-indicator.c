/* test-sync-indicator.c: the header's sync state follows the sync daemon's
 * D-Bus properties, and "Sync now" calls it. The daemon is stood in for by
 * python-dbusmock on this test's own session bus, so every state can be
 * shown on demand.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-erase.h"
#include "care-sync-indicator.h"
#include "care-test-util.h"
#include "care-ui-util.h"

#define IFACE "coop.carelog.Carelog.Sync"
#define PATH "/coop/carelog/Carelog/Sync"

static GDBusConnection *bus;

static void
call_mock (const char *interface,
           const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, IFACE, PATH, interface, method,
                                                           parameters, NULL, G_DBUS_CALL_FLAGS_NONE,
                                                           10000, NULL, &error);

  g_assert_no_error (error);
}

static void
set_property (const char *name,
              GVariant   *value)
{
  call_mock ("org.freedesktop.DBus.Properties", "Set", g_variant_new ("(ssv)", IFACE, name, value));
}

static gboolean
name_owned (gpointer data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                                           "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", IFACE),
                                                           G_VARIANT_TYPE ("(b)"),
                                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

typedef struct
{
  GtkWidget *root;
  const char *name;
  const char *needle;
} TextWait;

static gboolean
shows (gpointer data)
{
  TextWait *wait = data;
  GtkWidget *widget = care_find_named (wait->root, wait->name);
  g_autofree char *text = widget != NULL ? care_test_text_of (widget) : NULL;

  return text != NULL && strstr (text, wait->needle) != NULL;
}

static void
wait_for_text (GtkWidget  *root,
               const char *name,
               const char *needle)
{
  TextWait wait = { root, name, needle };
  g_autofree char *what = g_strdup_printf ("“%s” in %s", needle, name);

  care_test_wait (shows, &wait, 30, what);
}

static GSubprocess *
start_mock (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                        "/usr/bin/python3", "-m", "dbusmock", "--session",
                                        IFACE, PATH, IFACE, NULL);
  GVariantBuilder props;

  g_assert_no_error (error);
  care_test_wait (name_owned, NULL, 30, "python-dbusmock to own the sync daemon's name");
  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "State", g_variant_new_string ("offline"));
  g_variant_builder_add (&props, "{sv}", "Profile", g_variant_new_string (""));
  g_variant_builder_add (&props, "{sv}", "RecordsPending", g_variant_new_int64 (5));
  g_variant_builder_add (&props, "{sv}", "RecordsQuarantined", g_variant_new_int64 (0));
  g_variant_builder_add (&props, "{sv}", "LastSync", g_variant_new_int64 (0));
  g_variant_builder_add (&props, "{sv}", "LastError", g_variant_new_string (""));
  g_variant_builder_add (&props, "{sv}", "ClockOffset", g_variant_new_int64 (0));
  g_variant_builder_add (&props, "{sv}", "ClockWarning", g_variant_new_boolean (FALSE));
  g_variant_builder_add (&props, "{sv}", "Metered", g_variant_new_boolean (FALSE));
  call_mock ("org.freedesktop.DBus.Mock", "AddProperties",
             g_variant_new ("(sa{sv})", IFACE, &props));
  call_mock ("org.freedesktop.DBus.Mock", "AddMethod",
             g_variant_new ("(sssss)", IFACE, "SyncNow", "", "",
                            "self.Set('" IFACE "', 'State', dbus.String('syncing'))"));
  return mock;
}

static gboolean
sync_now_called (gpointer data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, IFACE, PATH,
                                                           "org.freedesktop.DBus.Mock", "GetMethodCalls",
                                                           g_variant_new ("(s)", "SyncNow"),
                                                           NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_autoptr(GVariant) calls = reply != NULL ? g_variant_get_child_value (reply, 0) : NULL;

  return calls != NULL && g_variant_n_children (calls) > 0;
}

static gboolean
shows_removed (gpointer data)
{
  GtkWidget *root = data;
  g_autofree char *text = care_test_text_of (root);

  return g_strcmp0 (care_window_get_screen (CARE_WINDOW (root)), "error") == 0
         && strstr (text, "This tablet was removed from the co-op") != NULL;
}

static void
test_states (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autoptr(GSubprocess) mock = start_mock ();
  CareWindow *window = care_test_window_new (path, 800, 1000);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *indicator = gtk_widget_get_ancestor (care_test_find (root, "sync-button"),
                                                  CARE_TYPE_SYNC_INDICATOR);

  /* Offline, with what waits on the tablet. */
  wait_for_text (root, "sync-summary", "Offline");
  g_assert_true (care_sync_indicator_get_available (CARE_SYNC_INDICATOR (indicator)));
  wait_for_text (root, "sync-waiting", "5 records waiting to reach the co-op");

  /* Online, records still waiting; then everything sent. */
  set_property ("LastSync", g_variant_new_int64 (g_get_real_time () / 1000));
  set_property ("State", g_variant_new_string ("idle"));
  wait_for_text (root, "sync-summary", "5 waiting");

  /* A problem, in the daemon's words, and what to do. */
  set_property ("LastError", g_variant_new_string ("The server refused this tablet's key: ask your co-ordinator to enrol it again."));
  set_property ("State", g_variant_new_string ("error"));
  wait_for_text (root, "sync-summary", "Sync problem");
  wait_for_text (root, "sync-problem", "ask your co-ordinator to enrol it again");

  /* A captive portal. */
  set_property ("State", g_variant_new_string ("portal"));
  wait_for_text (root, "sync-summary", "Sign-in needed");
  wait_for_text (root, "sync-problem", "sign in");

  /* The device clock. */
  set_property ("ClockOffset", g_variant_new_int64 (-12 * 60000));
  set_property ("ClockWarning", g_variant_new_boolean (TRUE));
  wait_for_text (root, "sync-problem", "12 minutes");

  /* Sync now reaches the daemon, which starts a round. */
  gtk_widget_activate_action (indicator, "sync.now", NULL);
  care_test_wait (sync_now_called, NULL, 30, "SyncNow to be called");
  wait_for_text (root, "sync-summary", "Syncing");

  /* The co-op revoked the tablet and the daemon erased its care log: the
   * window says so and shows nothing about clients. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (care_erase_profile (path, &error));
    g_assert_no_error (error);
    set_property ("LastError", g_variant_new_string ("This tablet was removed from the co-op: its care records were erased from it."));
    set_property ("State", g_variant_new_string ("removed"));
    call_mock ("org.freedesktop.DBus.Mock", "EmitSignal",
               g_variant_new ("(sss@av)", IFACE, "StoreChanged", "", g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0)));
    wait_for_text (root, "sync-summary", "Removed from the co-op");
    care_test_wait (shows_removed, window, 30, "the window to say the tablet was removed");
  }

  /* The daemon goes away: the header says so. */
  g_subprocess_force_exit (mock);
  g_subprocess_wait (mock, NULL, NULL);
  wait_for_text (root, "sync-summary", "Not syncing");
  care_test_window_destroy (window);
}

/* The icon each sync state shows next to a visit is in the icon theme. */
static void
test_state_icons (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  const CareReviewState reviews[] = { CARE_REVIEW_NONE, CARE_REVIEW_QUERIED };

  for (guint r = 0; r < G_N_ELEMENTS (reviews); r++)
    for (CareSyncState sync = CARE_SYNC_LOCAL; sync <= CARE_SYNC_HELD; sync++)
      {
        const char *icon = care_sync_state_icon (sync, reviews[r]);

        if (!gtk_icon_theme_has_icon (theme, icon))
          g_error ("The sync state %d shows “%s”, which the icon theme does not have", sync, icon);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  care_test_init (&argc, &argv);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/ui/sync-indicator/states", test_states);
  g_test_add_func ("/ui/sync-indicator/state-icons", test_state_icons);
  return g_test_run ();
}
