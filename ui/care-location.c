/* care-location.c: see care-location.h.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-location.h"

#define GEOCLUE_NAME   "org.freedesktop.GeoClue2"
#define GEOCLUE_CLIENT "org.freedesktop.GeoClue2.Client"
#define PORTAL_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_PATH    "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE   "org.freedesktop.portal.Location"
#define FIX_MAX_AGE_US (2 * 60 * G_USEC_PER_SEC)

typedef enum { IDLE, STARTING, RUNNING } State;

struct _CareLocation
{
  GObject parent_instance;

  State state;
  int step;
  gboolean portal;   /* through the Location portal (in a Flatpak) */
  GDBusConnection *bus;
  char *client_path;
  guint signal_id;
  gboolean has_fix;
  double fix[3];
  gint64 fix_time;   /* monotonic */
};

G_DEFINE_FINAL_TYPE (CareLocation, care_location, G_TYPE_OBJECT)

static void next_step (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data);

static void
care_location_class_init (CareLocationClass *klass)
{
}

static void
care_location_init (CareLocation *self)
{
}

CareLocation *
care_location_get_default (void)
{
  static CareLocation *location;

  if (location == NULL)
    location = g_object_new (CARE_TYPE_LOCATION, NULL);
  return location;
}

static void
fail (CareLocation *self,
      GError       *error)
{
  g_debug ("No location from %s: %s", self->portal ? "the Location portal" : "GeoClue2", error->message);
  if (self->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->signal_id);
  self->signal_id = 0;
  g_clear_object (&self->bus);
  g_clear_pointer (&self->client_path, g_free);
  self->state = IDLE;
}

/* Keeps Latitude, Longitude and Accuracy from a{sv}, when all three are. */
static void
take_fix (CareLocation *self,
          GVariant     *props)
{
  const char *names[3] = { "Latitude", "Longitude", "Accuracy" };
  double fix[3];

  for (guint i = 0; i < 3; i++)
    if (!g_variant_lookup (props, names[i], "d", &fix[i]))
      return;
  memcpy (self->fix, fix, sizeof fix);
  self->has_fix = TRUE;
  self->fix_time = g_get_monotonic_time ();
}

static void
got_location (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(CareLocation) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr(GVariant) props = NULL;

  if (reply == NULL)
    {
      g_debug ("No location from GeoClue2: %s", error->message);
      return;
    }
  g_variant_get (reply, "(@a{sv})", &props);
  take_fix (self, props);
}

/* The portal's LocationUpdated (o session, a{sv} location): the fix is in
 * the signal. */
static void
portal_location_updated (GDBusConnection *bus,
                         const char      *sender,
                         const char      *path,
                         const char      *interface,
                         const char      *signal,
                         GVariant        *parameters,
                         gpointer         data)
{
  CareLocation *self = data;
  g_autoptr(GVariant) props = NULL;
  const char *session = NULL;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oa{sv})")))
    return;
  g_variant_get (parameters, "(&o@a{sv})", &session, &props);
  if (g_strcmp0 (session, self->client_path) != 0)
    return;
  take_fix (self, props);
}

/* Inside a Flatpak the sandbox has no system bus: CreateSession, then
 * Start, on the Location portal; fixes come as LocationUpdated. */
static void
portal_step (CareLocation *self,
             GVariant     *reply)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  switch (self->step++)
    {
    case 0:
      g_variant_builder_add (&options, "{sv}", "session_handle_token", g_variant_new_string ("carelog"));
      g_variant_builder_add (&options, "{sv}", "accuracy", g_variant_new_uint32 (5));   /* EXACT */
      g_dbus_connection_call (self->bus, PORTAL_NAME, PORTAL_PATH, PORTAL_IFACE, "CreateSession",
                              g_variant_new ("(a{sv})", &options), G_VARIANT_TYPE ("(o)"),
                              G_DBUS_CALL_FLAGS_NONE, -1, NULL, next_step, g_object_ref (self));
      return;
    case 1:
      g_variant_get (reply, "(o)", &self->client_path);
      self->signal_id = g_dbus_connection_signal_subscribe (self->bus, PORTAL_NAME, PORTAL_IFACE,
                                                            "LocationUpdated", PORTAL_PATH, NULL,
                                                            G_DBUS_SIGNAL_FLAGS_NONE,
                                                            portal_location_updated, self, NULL);
      g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string ("carelog"));
      g_dbus_connection_call (self->bus, PORTAL_NAME, PORTAL_PATH, PORTAL_IFACE, "Start",
                              g_variant_new ("(osa{sv})", self->client_path, "", &options),
                              G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                              next_step, g_object_ref (self));
      return;
    default:
      g_variant_builder_clear (&options);
      self->state = RUNNING;
      return;
    }
}

static void
location_updated (GDBusConnection *bus,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *signal,
                  GVariant        *parameters,
                  gpointer         data)
{
  const char *location;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oo)")))
    return;
  g_variant_get (parameters, "(o&o)", NULL, &location);
  g_dbus_connection_call (bus, GEOCLUE_NAME, location, "org.freedesktop.DBus.Properties",
                          "GetAll", g_variant_new ("(s)", "org.freedesktop.GeoClue2.Location"),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          got_location, g_object_ref (data));
}

/* GetClient, set DesktopId, set RequestedAccuracyLevel, Start: one step per
 * reply. */
static void
next_step (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(CareLocation) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *method = "Set";
  const char *interface = "org.freedesktop.DBus.Properties";
  GVariant *parameters = NULL;

  if (self->bus == NULL)
    {
      self->bus = g_bus_get_finish (result, &error);
      if (self->bus == NULL)
        {
          fail (self, error);
          return;
        }
    }
  else
    {
      reply = g_dbus_connection_call_finish (self->bus, result, &error);
      if (reply == NULL)
        {
          fail (self, error);
          return;
        }
    }

  if (self->portal)
    {
      portal_step (self, reply);
      return;
    }
  switch (self->step++)
    {
    case 0:
      g_dbus_connection_call (self->bus, GEOCLUE_NAME, "/org/freedesktop/GeoClue2/Manager",
                              "org.freedesktop.GeoClue2.Manager", "GetClient", NULL,
                              G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                              next_step, g_object_ref (self));
      return;
    case 1:
      g_variant_get (reply, "(o)", &self->client_path);
      parameters = g_variant_new ("(ssv)", GEOCLUE_CLIENT, "DesktopId",
                                  g_variant_new_string ("coop.carelog.Carelog"));
      break;
    case 2:
      parameters = g_variant_new ("(ssv)", GEOCLUE_CLIENT, "RequestedAccuracyLevel",
                                  g_variant_new_uint32 (8));   /* EXACT */
      break;
    case 3:
      self->signal_id = g_dbus_connection_signal_subscribe (self->bus, GEOCLUE_NAME, GEOCLUE_CLIENT,
                                                            "LocationUpdated", self->client_path,
                                                            NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                            location_updated, self, NULL);
      interface = GEOCLUE_CLIENT;
      method = "Start";
      break;
    default:
      self->state = RUNNING;
      return;
    }
  g_dbus_connection_call (self->bus, GEOCLUE_NAME, self->client_path, interface, method,
                          parameters, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          next_step, g_object_ref (self));
}

void
care_location_start (CareLocation *self)
{
  g_return_if_fail (CARE_IS_LOCATION (self));

  if (self->state != IDLE)
    return;
  self->state = STARTING;
  self->step = 0;
  /* A Flatpak's sandbox reaches location only through the portal;
   * elsewhere GeoClue2 is asked directly. CARELOG_LOCATION=portal or
   * geoclue chooses (the tests). */
  if (g_getenv ("CARELOG_LOCATION") != NULL)
    self->portal = g_strcmp0 (g_getenv ("CARELOG_LOCATION"), "portal") == 0;
  else
    self->portal = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  g_bus_get (self->portal || g_strcmp0 (g_getenv ("CARELOG_GEOCLUE_BUS"), "session") == 0
             ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM,
             NULL, next_step, g_object_ref (self));
}

gboolean
care_location_get_fix (CareLocation *self,
                       double        lat_lon_acc[3])
{
  g_return_val_if_fail (CARE_IS_LOCATION (self), FALSE);

  if (!self->has_fix || g_get_monotonic_time () - self->fix_time > FIX_MAX_AGE_US)
    return FALSE;
  memcpy (lat_lon_acc, self->fix, sizeof self->fix);
  return TRUE;
}

void
care_location_stop (CareLocation *self)
{
  g_return_if_fail (CARE_IS_LOCATION (self));

  if (self->signal_id != 0 && self->bus != NULL)
    g_dbus_connection_signal_unsubscribe (self->bus, self->signal_id);
  self->signal_id = 0;
  g_clear_object (&self->bus);
  g_clear_pointer (&self->client_path, g_free);
  self->has_fix = FALSE;
  self->state = IDLE;
}
