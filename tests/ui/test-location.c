/* test-location.c: check-in records the device's location when GeoClue2
 * offers one, and nothing otherwise, without waiting.
 *
 * GeoClue2 is python-dbusmock on this test's own session bus
 * (CARELOG_GEOCLUE_BUS=session): its Manager's GetClient returns a Client
 * whose Start emits LocationUpdated for a Location object.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <signal.h>
#include <string.h>

#include "care-location.h"
#include "care-test-util.h"
#include "care-visit-page.h"

#define GEOCLUE_NAME "org.freedesktop.GeoClue2"
#define MANAGER_PATH "/org/freedesktop/GeoClue2/Manager"
#define CLIENT_PATH  "/org/freedesktop/GeoClue2/Client/1"
#define FIX_PATH     "/org/freedesktop/GeoClue2/Location/1"

static GDBusConnection *bus;

static gboolean
geoclue_owned (gpointer data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                                           "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", GEOCLUE_NAME),
                                                           G_VARIANT_TYPE ("(b)"),
                                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return GPOINTER_TO_INT (data) ? owned : !owned;
}

static void
call_mock (const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, GEOCLUE_NAME, MANAGER_PATH,
                                                           "org.freedesktop.DBus.Mock", method,
                                                           parameters, NULL, G_DBUS_CALL_FLAGS_NONE,
                                                           10000, NULL, &error);

  g_assert_no_error (error);
}

static GSubprocess *
start_geoclue (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                        "/usr/bin/python3", "-m", "dbusmock", "--session",
                                        GEOCLUE_NAME, MANAGER_PATH,
                                        "org.freedesktop.GeoClue2.Manager", NULL);
  GVariantBuilder props, methods;

  g_assert_no_error (error);
  care_test_wait (geoclue_owned, GINT_TO_POINTER (TRUE), 30, "python-dbusmock to own " GEOCLUE_NAME);
  call_mock ("AddMethod", g_variant_new ("(sssss)", "org.freedesktop.GeoClue2.Manager", "GetClient",
                                         "", "o", "ret = dbus.ObjectPath('" CLIENT_PATH "')"));

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "Latitude", g_variant_new_double (51.4545));
  g_variant_builder_add (&props, "{sv}", "Longitude", g_variant_new_double (-2.5879));
  g_variant_builder_add (&props, "{sv}", "Accuracy", g_variant_new_double (12.5));
  g_variant_builder_init (&methods, G_VARIANT_TYPE ("a(ssss)"));
  call_mock ("AddObject", g_variant_new ("(ssa{sv}a(ssss))", FIX_PATH,
                                         "org.freedesktop.GeoClue2.Location", &props, &methods));

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "DesktopId", g_variant_new_string (""));
  g_variant_builder_add (&props, "{sv}", "RequestedAccuracyLevel", g_variant_new_uint32 (0));
  g_variant_builder_init (&methods, G_VARIANT_TYPE ("a(ssss)"));
  g_variant_builder_add (&methods, "(ssss)", "Start", "", "",
                         "self.EmitSignal('org.freedesktop.GeoClue2.Client', 'LocationUpdated', 'oo', "
                         "[dbus.ObjectPath('/'), dbus.ObjectPath('" FIX_PATH "')])");
  call_mock ("AddObject", g_variant_new ("(ssa{sv}a(ssss))", CLIENT_PATH,
                                         "org.freedesktop.GeoClue2.Client", &props, &methods));
  return mock;
}

static void
stop_geoclue (GSubprocess *mock)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (mock, SIGTERM);
  g_subprocess_wait (mock, NULL, &error);
  g_assert_no_error (error);
  care_test_wait (geoclue_owned, GINT_TO_POINTER (FALSE), 30, "the mock GeoClue2 to leave the bus");
  g_object_unref (mock);
}

/* Starting is asked again while waiting, so that an earlier failed attempt
 * (no GeoClue yet) does not count. */
static gboolean
has_fix (gpointer data)
{
  double fix[3];

  care_location_start (care_location_get_default ());
  return care_location_get_fix (care_location_get_default (), fix);
}

/* Opens the first visit, checks in, returns the stored visit's detail and
 * the location row's text. */
static CareVisitDetail *
check_in (gboolean    wait_for_fix,
          char      **row_text)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);
  CareVisitDetail *detail;

  care_test_activate_row (root, "visits-list", 1);
  if (wait_for_fix)
    care_test_wait (has_fix, NULL, 30, "a location fix from the mock GeoClue2");
  care_test_activate (root, "check-in");
  visit = g_strdup (care_visit_page_get_visit (CARE_VISIT_PAGE (gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE))));
  g_assert_nonnull (visit);
  *row_text = care_test_text_of (care_test_find (root, "location-row"));
  care_test_window_destroy (window);

  store = care_store_open (path, &error);
  g_assert_no_error (error);
  detail = care_store_get_visit (store, visit, &error);
  g_assert_no_error (error);
  return detail;
}

static void
test_without_geoclue (void)
{
  g_autofree char *row = NULL;
  g_autoptr(CareVisitDetail) detail = NULL;

  g_assert_true (geoclue_owned (GINT_TO_POINTER (FALSE)));
  detail = check_in (FALSE, &row);
  g_assert_false (detail->has_location);
  g_assert_nonnull (strstr (row, "Unavailable"));
}

static void
test_with_geoclue (void)
{
  GSubprocess *mock = start_geoclue ();
  g_autofree char *row = NULL;
  g_autoptr(CareVisitDetail) detail = check_in (TRUE, &row);

  g_assert_true (detail->has_location);
  g_assert_cmpfloat (detail->lat, ==, 51.4545);
  g_assert_cmpfloat (detail->lon, ==, -2.5879);
  g_assert_cmpfloat (detail->accuracy_m, ==, 12.5);
  g_assert_nonnull (strstr (row, "51.45450"));
  g_assert_nonnull (strstr (row, "-2.58790"));
  stop_geoclue (mock);
}

/* Inside a Flatpak: the Location portal (python-dbusmock as
 * org.freedesktop.portal.Desktop on the session bus): CreateSession, then
 * Start, whose LocationUpdated carries the fix. */
#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define SESSION_PATH PORTAL_PATH "/session/1_1/carelog"

static gboolean
portal_owned (gpointer data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", PORTAL_NAME),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                           -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return GPOINTER_TO_INT (data) ? owned : !owned;
}

static void
test_with_portal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) mock = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(CareVisitDetail) detail = NULL;
  g_autofree char *row = NULL;

  care_location_stop (care_location_get_default ());
  g_setenv ("CARELOG_LOCATION", "portal", TRUE);
  mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "/usr/bin/python3", "-m", "dbusmock",
                           "--session", PORTAL_NAME, PORTAL_PATH, "org.freedesktop.portal.Location", NULL);
  g_assert_no_error (error);
  care_test_wait (portal_owned, GINT_TO_POINTER (TRUE), 30, "python-dbusmock to own " PORTAL_NAME);
  reply = g_dbus_connection_call_sync (bus, PORTAL_NAME, PORTAL_PATH, "org.freedesktop.DBus.Mock", "AddMethods",
                                       g_variant_new_parsed (
                                         "('org.freedesktop.portal.Location', ["
                                         "('CreateSession', 'a{sv}', 'o', 'ret = dbus.ObjectPath(\"" SESSION_PATH "\")'),"
                                         "('Start', 'osa{sv}', 'o', "
                                         "'self.EmitSignal(\"org.freedesktop.portal.Location\", \"LocationUpdated\", "
                                         "\"oa{sv}\", [args[0], {\"Latitude\": dbus.Double(53.7425), "
                                         "\"Longitude\": dbus.Double(-2.0145), \"Accuracy\": dbus.Double(8.0)}]); "
                                         "ret = dbus.ObjectPath(\"" PORTAL_PATH "/request/1_1/carelog\")')])"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);

  detail = check_in (TRUE, &row);
  g_assert_true (detail->has_location);
  g_assert_cmpfloat (detail->lat, ==, 53.7425);
  g_assert_cmpfloat (detail->lon, ==, -2.0145);
  g_assert_cmpfloat (detail->accuracy_m, ==, 8.0);
  g_assert_nonnull (strstr (row, "53.74250"));

  g_subprocess_send_signal (mock, SIGTERM);
  g_subprocess_wait (mock, NULL, &error);
  g_assert_no_error (error);
  care_test_wait (portal_owned, GINT_TO_POINTER (FALSE), 30, "the mock portal to leave the bus");
  care_location_stop (care_location_get_default ());
  g_unsetenv ("CARELOG_LOCATION");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_setenv ("CARELOG_GEOCLUE_BUS", "session", TRUE);
  care_test_init (&argc, &argv);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/ui/location/without-geoclue", test_without_geoclue);
  g_test_add_func ("/ui/location/with-portal", test_with_portal);
  g_test_add_func ("/ui/location/with-geoclue", test_with_geoclue);
  return g_test_run ();
}
