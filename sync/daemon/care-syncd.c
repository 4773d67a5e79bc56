/* care-syncd.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include <stdio.h>
#include <glib-unix.h>

#include "care-config.h"
#include "care-connectivity.h"
#include "care-enrol.h"
#include "care-erase.h"
#include "care-revocation.h"
#include "care-sync-engine.h"
#include "care-sync-service.h"
#include "care-syncd.h"

#define OBJECT_PATH "/coop/carelog/Carelog/Sync"

typedef struct
{
  GMainLoop *loop;
  CareStore *store;               /* NULL when this tablet was removed from the co-op */
  const char *store_path;
  char *profile;
  CareConnectivity *connectivity;
  CareSyncService *service;
  CareSyncEngine *engine;
  CareSyncClient *client;
  int status;
} Daemon;

static gboolean
quit_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  g_debug ("Asked to stop");
  g_main_loop_quit (daemon->loop);
  return G_SOURCE_CONTINUE;
}

/* --enrol ----------------------------------------------------------------- */

static void
enrol_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareEnrolment) enrolment = care_enrol_finish (result, &error);

  if (enrolment == NULL)
    {
      g_autofree char *sentence = care_sync_error_to_sentence (error);

      g_printerr ("%s\n", sentence);
      g_debug ("Enrolment failed: %s", error->message);
      daemon->status = 1;
    }
  else
    g_print ("Enrolled as %s (%s), device %s\n",
             enrolment->member_name ? enrolment->member_name : enrolment->member,
             care_role_to_string (enrolment->role), enrolment->device);
  g_main_loop_quit (daemon->loop);
}

/* --once ------------------------------------------------------------------ */

static void
once_erased_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  if (!care_revocation_erase_finish (result, NULL, &error))
    g_printerr ("%s\n", error->message);
  else
    g_printerr ("%s\n", care_revocation_sentence ());
  daemon->status = 1;
  g_main_loop_quit (daemon->loop);
}

static void
once_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;
  CareSyncReport report = { 0 };

  if (care_sync_engine_has_clock_offset (daemon->engine))
    {
      gint64 offset = care_sync_engine_get_clock_offset (daemon->engine);
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, offset);

      care_store_set_meta (daemon->store, "clock_offset_ms", value, NULL);
      if (ABS (offset) > 5 * 60 * 1000)
        g_printerr ("This tablet's clock is %" G_GINT64_FORMAT " minutes %s the co-op's: set "
                    "the date and time in Settings\n", ABS (offset) / 60000,
                    offset < 0 ? "ahead of" : "behind");
    }

  if (!care_sync_engine_run_finish (daemon->engine, result, &report, &error)
      && care_revocation_must_erase (error, daemon->store))
    {
      g_clear_object (&daemon->engine);
      care_revocation_erase_async (g_steal_pointer (&daemon->store), daemon->client, NULL, once_erased_cb, daemon);
      return;
    }
  if (error != NULL)
    {
      g_autofree char *sentence = care_sync_error_to_sentence (error);

      g_printerr ("%s\n", sentence);
      g_debug ("Sync failed: %s", error->message);
      daemon->status = 1;
    }
  else
    {
      g_print ("Sent %" G_GINT64_FORMAT " records, received %" G_GINT64_FORMAT "\n",
               report.pushed, report.pulled);
      if (report.quarantined > 0)
        g_print ("%" G_GINT64_FORMAT " records were refused by the co-op and set aside: see "
                 "them in the app\n", report.quarantined);
    }
  g_main_loop_quit (daemon->loop);
}

static void
once_client_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareSyncClient) client = care_enrol_client_finish (result, &error);

  if (client == NULL)
    {
      g_autofree char *sentence = care_sync_error_to_sentence (error);

      g_printerr ("%s\n", sentence);
      daemon->status = 1;
      g_main_loop_quit (daemon->loop);
      return;
    }
  daemon->engine = care_sync_engine_new (daemon->store, client);
  daemon->client = g_steal_pointer (&client);
  care_sync_engine_run_async (daemon->engine, TRUE, NULL, once_done_cb, daemon);
}

/* Service ----------------------------------------------------------------- */

static void
bus_acquired_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  daemon->connectivity = care_connectivity_new ();
  daemon->service = care_sync_service_new (daemon->store, daemon->store_path, daemon->profile,
                                           daemon->connectivity);
  /* The service holds the care log from now on (and lets it go if the
   * co-op removes this tablet). */
  g_clear_object (&daemon->store);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (daemon->service), connection,
                                         OBJECT_PATH, &error))
    {
      g_printerr ("Cannot export the sync service on D-Bus: %s\n", error->message);
      daemon->status = 1;
      g_main_loop_quit (daemon->loop);
      return;
    }
  care_sync_service_start (daemon->service);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  g_debug ("Serving %s", name);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Daemon *daemon = user_data;

  if (connection == NULL)
    g_printerr ("Cannot reach the session bus: the sync service needs a desktop session\n");
  else
    g_printerr ("Another sync daemon already serves %s in this session\n", name);
  daemon->status = 1;
  g_main_loop_quit (daemon->loop);
}

/* main -------------------------------------------------------------------- */

/* The app's rule: CARELOG_PROFILE, else the profile it opened last, else
 * "default"; so that the daemon started by D-Bus activation serves the profile
 * the carer is using. */
static char *
default_profile (void)
{
  const char *env = g_getenv ("CARELOG_PROFILE");
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (env != NULL && *env)
    return g_strdup (env);
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "last-profile"))
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      g_autofree char *last = g_settings_get_string (settings, "last-profile");

      if (last != NULL && *last)
        return g_steal_pointer (&last);
    }
  return g_strdup ("default");
}

int
care_syncd_main (int    argc,
                 char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *enrol_line = NULL;
  g_autofree char *device_name = NULL;
  g_autofree char *bus_name = NULL;
  gboolean once = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile, "The profile to sync (default: CARELOG_PROFILE, else the one the app opened last, else default)", "NAME" },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "The store file to sync (instead of a profile)", "PATH" },
    { "enrol", 0, 0, G_OPTION_ARG_STRING, &enrol_line, "Enrol this device with the line from the co-ordinator, then exit", "LINE" },
    { "device-name", 0, 0, G_OPTION_ARG_STRING, &device_name, "A name for this device (with --enrol)", "NAME" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, "Sync once (push and pull everything), then exit", NULL },
    { "bus-name", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &bus_name, "Own this bus name instead (tests)", "NAME" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Daemon daemon = { 0 };
  guint owner_id = 0;

  context = g_option_context_new ("- send this tablet's care records to the co-op");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("carelog-syncd %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (enrol_line != NULL && once)
    {
      g_printerr ("Use --enrol and --once separately\n");
      return 2;
    }
  if (profile == NULL)
    profile = default_profile ();
  if (store_path == NULL)
    store_path = care_store_default_path (profile);

  /* Enrolling again after the co-op removed this tablet starts a new care log. */
  if (enrol_line != NULL)
    care_erase_forget_removal (store_path);
  daemon.store = care_store_open (store_path, &error);
  /* A removed tablet's service still runs, to say so to the app. */
  if (daemon.store == NULL
      && !(g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_REMOVED) && !once && enrol_line == NULL))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  daemon.store_path = store_path;

  loop = g_main_loop_new (NULL, FALSE);
  daemon.loop = loop;
  daemon.profile = profile;
  g_unix_signal_add (SIGTERM, quit_cb, &daemon);
  g_unix_signal_add (SIGINT, quit_cb, &daemon);

  if (enrol_line != NULL)
    care_enrol_async (daemon.store, enrol_line, device_name, NULL, enrol_done_cb, &daemon);
  else if (once)
    care_enrol_client_async (daemon.store, NULL, once_client_cb, &daemon);
  else
    owner_id = g_bus_own_name (G_BUS_TYPE_SESSION, bus_name ? bus_name : SYNC_BUS_NAME,
                               G_BUS_NAME_OWNER_FLAGS_NONE,
                               bus_acquired_cb, name_acquired_cb, name_lost_cb,
                               &daemon, NULL);

  g_main_loop_run (loop);

  if (owner_id != 0)
    g_bus_unown_name (owner_id);
  g_clear_object (&daemon.service);
  g_clear_object (&daemon.connectivity);
  g_clear_object (&daemon.engine);
  g_clear_object (&daemon.client);
  g_clear_object (&daemon.store);
  return daemon.status;
}
