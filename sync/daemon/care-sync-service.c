/* care-sync-service.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include "care-config.h"
#include "care-backoff.h"
#include "care-enrol.h"
#include "care-erase.h"
#include "care-retention.h"
#include "care-revocation.h"
#include "care-sync-engine.h"
#include "care-sync-service.h"

/* A local commit is followed by more (an action can be several records):
 * wait a little so that they go in one request; little, because a
 * co-ordinator's query should reach a carer who is online within seconds. */
#define DEBOUNCE_MS 500
/* While online and idle, look for the co-op's news this often. */
#define PERIODIC_S (15 * 60)
#define BACKOFF_BASE_MS 1000
#define BACKOFF_MAX_MS (10 * 60 * 1000)
#define CLOCK_WARNING_MS (5 * 60 * 1000)

struct _CareSyncService
{
  CareDbusSyncSkeleton parent_instance;

  CareStore *store;              /* NULL once removed from the co-op */
  char *store_path;
  char *profile;
  CareConnectivity *connectivity;
  CareLink link;
  gboolean metered;

  CareSyncClient *client;
  CareSyncEngine *engine;
  GCancellable *cancellable;     /* lifetime of the service */
  GCancellable *round_cancellable;
  GCancellable *live_cancellable; /* a live pull is waiting on the server */
  GFileMonitor *monitor;
  char *store_basename;
  char *wal_basename;

  CareBackoff backoff;
  guint debounce_id;
  guint retry_id;
  guint periodic_id;

  gboolean loading;              /* looking up the key */

  gboolean key_reload;    /* reloading the key after a refusal: the retry timer goes on */
  gboolean running;
  gboolean again;                /* a trigger arrived during a round */
  gboolean bulk_requested;       /* SyncNow: pull even on a metered link */
  gboolean failed;
  gboolean portal_seen;          /* the last round met a captive portal */
  gboolean pull_deferred;
  gboolean removed;              /* revoked by the co-op: the care log is erased */
  gboolean erasing;              /* ... and the erasure is still under way */
  gboolean purging;              /* retention: a purge runs in a thread */
  GCancellable *purge_cancellable;
  GSettings *settings;           /* the app's, when its schema is installed */
  char *error_sentence;
};

static void care_sync_service_iface_init (CareDbusSyncIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CareSyncService, care_sync_service, CARE_DBUS_TYPE_SYNC_SKELETON,
                               G_IMPLEMENT_INTERFACE (CARE_DBUS_TYPE_SYNC, care_sync_service_iface_init))

static void request_round (CareSyncService *self);
static void maybe_start_live (CareSyncService *self);
static void stop_live (CareSyncService *self);
static void load_client (CareSyncService *self);

static const char *portal_sentence = "This network wants you to sign in before anything can be "
                                     "sent: open the browser and sign in to the network";

static gboolean
is_online (CareSyncService *self)
{
  return self->link == CARE_LINK_FULL || self->link == CARE_LINK_LIMITED;
}

static guint
env_seconds (const char *name,
             guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT / 1000, &n, NULL))
    return fallback;
  return (guint) n;
}

static char *
clock_sentence (gint64 offset_ms)
{
  gint64 minutes = ABS (offset_ms) / 60000;
  g_autofree char *amount = NULL;

  if (minutes >= 48 * 60)
    amount = g_strdup_printf ("%" G_GINT64_FORMAT " days", minutes / (24 * 60));
  else if (minutes >= 120)
    amount = g_strdup_printf ("%" G_GINT64_FORMAT " hours", minutes / 60);
  else
    amount = g_strdup_printf ("%" G_GINT64_FORMAT " minutes", minutes);
  /* offset = server - device: negative means the tablet is ahead. */
  return g_strdup_printf ("This tablet's clock is %s %s the co-op's: set the date and time in "
                          "Settings. Records already made keep their times and are marked for "
                          "checking", amount, offset_ms < 0 ? "ahead of" : "behind");
}

static void
update_state (CareSyncService *self)
{
  CareDbusSync *dbus = CARE_DBUS_SYNC (self);
  const char *state;
  g_autofree char *clock = NULL;
  const char *sentence = "";

  if (self->erasing)
    state = "syncing";
  else if (self->removed)
    state = "removed";
  else if (care_store_get_device (self->store) == NULL)
    state = "not-enrolled";
  else if (self->running)
    state = "syncing";
  else if (self->link == CARE_LINK_PORTAL || (self->portal_seen && self->failed))
    state = "portal";
  else if (!is_online (self))
    state = "offline";
  else if (self->failed)
    state = "error";
  else
    state = "idle";

  if (self->removed && !self->erasing)
    sentence = care_revocation_sentence ();
  else if (g_str_equal (state, "portal"))
    sentence = portal_sentence;
  else if (self->error_sentence != NULL)
    sentence = self->error_sentence;
  else if (care_dbus_sync_get_clock_warning (dbus))
    sentence = clock = clock_sentence (care_dbus_sync_get_clock_offset (dbus));

  care_dbus_sync_set_state (dbus, state);
  care_dbus_sync_set_last_error (dbus, sentence);
  care_dbus_sync_set_metered (dbus, self->metered);
  care_dbus_sync_set_pull_deferred (dbus, self->pull_deferred);
}

static gint64
refresh_counts (CareSyncService *self)
{
  CareOutboxCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    counts = (CareOutboxCounts) { 0 };
  else if (!care_store_get_outbox_counts (self->store, &counts, &error))
    {
      g_warning ("Cannot count unsent records: %s", error->message);
      return 0;
    }
  care_dbus_sync_set_records_pending (CARE_DBUS_SYNC (self), counts.pending);
  care_dbus_sync_set_records_quarantined (CARE_DBUS_SYNC (self), counts.quarantined);
  return counts.pending;
}

static void
update_clock (CareSyncService *self)
{
  gint64 offset;
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;

  if (self->engine == NULL || !care_sync_engine_has_clock_offset (self->engine))
    return;

  offset = care_sync_engine_get_clock_offset (self->engine);
  care_dbus_sync_set_clock_offset (CARE_DBUS_SYNC (self), offset);
  care_dbus_sync_set_clock_warning (CARE_DBUS_SYNC (self), ABS (offset) > CLOCK_WARNING_MS);

  /* The store flags suspicious times with it; rewrite only on a real change. */
  stored = care_store_get_meta (self->store, "clock_offset_ms");
  if (stored == NULL || ABS (g_ascii_strtoll (stored, NULL, 10) - offset) > 1000)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, offset);

      if (!care_store_set_meta (self->store, "clock_offset_ms", value, &error))
        g_warning ("Cannot keep the clock offset: %s", error->message);
    }
}

/* Timers ------------------------------------------------------------------ */

static gboolean
retry_cb (gpointer user_data)
{
  CareSyncService *self = user_data;

  self->retry_id = 0;
  g_debug ("Retrying after backoff");
  request_round (self);
  return G_SOURCE_REMOVE;
}

static gboolean
periodic_cb (gpointer user_data)
{
  CareSyncService *self = user_data;

  self->periodic_id = 0;
  request_round (self);
  return G_SOURCE_REMOVE;
}

static void
clear_timers (CareSyncService *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
}

/* Offline, the HTTP session is let go: its keep-alive connections and their
 * idle timers would wake the daemon once more for nothing. The client is
 * made again (the key looked up again) when the network returns. */
static void
release_client (CareSyncService *self)
{
  if (self->running || self->engine == NULL)
    return;
  g_clear_object (&self->engine);
  g_clear_object (&self->client);
}

/* Removal from the co-op ----------------------------------------------- */

static void
erased_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CareSyncService) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean confirmed = FALSE;

  if (!care_revocation_erase_finish (result, &confirmed, &error))
    g_warning ("Could not erase every care record file: %s", error->message);
  else
    g_debug ("Care log erased (the co-op %s)", confirmed ? "was told" : "could not be told");
  g_clear_object (&self->client);
  self->erasing = FALSE;
  care_dbus_sync_set_records_pending (CARE_DBUS_SYNC (self), 0);
  care_dbus_sync_set_records_quarantined (CARE_DBUS_SYNC (self), 0);
  update_state (self);
  care_dbus_sync_emit_store_changed (CARE_DBUS_SYNC (self));
}

/* The co-op revoked this tablet and asked it to erase (at once, or after
 * delivering everything it held, which the last round did). */
static void
erase_care_data (CareSyncService *self)
{
  g_debug ("Removed from the co-op: erasing the care log");
  self->removed = TRUE;
  self->erasing = TRUE;
  /* A purge holds the care log open: the erasure starts once it stops. */
  if (self->purge_cancellable != NULL)
    g_cancellable_cancel (self->purge_cancellable);
  clear_timers (self);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->engine);
  care_revocation_erase_async (g_steal_pointer (&self->store), self->client, self->cancellable, erased_cb,
                               g_object_ref (self));
  update_state (self);
}

/* Retention ------------------------------------------------------------- */

static void
purged_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CareSyncService) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 purged = care_retention_purge_finish (result, &error);

  self->purging = FALSE;
  g_clear_object (&self->purge_cancellable);
  if (purged < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not remove what this tablet no longer keeps: %s", error->message);
      return;
    }
  g_debug ("Retention: %" G_GINT64_FORMAT " visits and schedules removed", purged);
  if (purged > 0)
    care_dbus_sync_emit_store_changed (CARE_DBUS_SYNC (self));
}

/* After a round: keep the co-op's retention period, and let go of what it
 * no longer covers (a carer's tablet only; see docs/privacy.md). */
static void
apply_retention (CareSyncService *self)
{
  guint days = care_sync_client_get_retention_days (self->client);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || care_store_get_role (self->store) != CARE_ROLE_CARER)
    return;
  if (days > 0 && days != care_store_get_retention_days (self->store))
    {
      g_autofree char *value = g_strdup_printf ("%u", days);

      if (!care_store_set_meta (self->store, "retention_days", value, &error))
        g_warning ("Cannot keep the co-op's retention period: %s", error->message);
    }
  if (self->purging)
    return;
  self->purging = TRUE;
  self->purge_cancellable = g_cancellable_new ();
  care_retention_purge_async (self->store, self->purge_cancellable, purged_cb, g_object_ref (self));
}

/* Rounds ------------------------------------------------------------------ */

static void
round_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CareSyncService) self = user_data;
  g_autoptr(GError) error = NULL;
  CareSyncReport report = { 0 };
  gboolean ok;

  ok = care_sync_engine_run_finish (CARE_SYNC_ENGINE (source), result, &report, &error);
  self->running = FALSE;
  g_clear_object (&self->round_cancellable);
  if (!ok && care_revocation_must_erase (error, self->store))
    {
      erase_care_data (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled because the network went away (or for an enrolment); if
       * it came back meanwhile, that trigger is waiting in again. */
      update_state (self);
      if (self->again)
        {
          self->again = FALSE;
          request_round (self);
        }
      else if (!is_online (self))
        release_client (self);
      return;
    }

  g_debug ("Round %s: pushed %" G_GINT64_FORMAT ", quarantined %" G_GINT64_FORMAT
           ", pulled %" G_GINT64_FORMAT ", %u requests, %" G_GUINT64_FORMAT " bytes sent, %"
           G_GUINT64_FORMAT " received%s%s%s",
           ok ? "done" : "failed", report.pushed, report.quarantined, report.pulled,
           report.requests, report.bytes_sent, report.bytes_received,
           report.pull_deferred ? ", first download deferred (metered)" : "",
           report.server_behind ? ", server was behind: re-sent" : "",
           report.cursor_reset ? ", cursor reset" : "");

  update_clock (self);
  refresh_counts (self);
  if (report.pushed > 0 || report.pulled > 0 || report.quarantined > 0)
    care_dbus_sync_emit_store_changed (CARE_DBUS_SYNC (self));

  g_clear_pointer (&self->error_sentence, g_free);
  self->portal_seen = FALSE;
  if (ok)
    {
      self->failed = FALSE;
      self->pull_deferred = report.pull_deferred;
      self->bulk_requested = FALSE;
      care_backoff_reset (&self->backoff);
      care_dbus_sync_set_last_sync (CARE_DBUS_SYNC (self), g_get_real_time () / 1000);
      apply_retention (self);
    }
  else
    {
      guint delay = care_backoff_next (&self->backoff,
                                       care_sync_engine_get_retry_after (self->engine), NULL);

      self->failed = TRUE;
      self->portal_seen = g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL);
      self->error_sentence = care_sync_error_to_sentence (error);
      g_debug ("Round failed (%s); next try in %u ms", error->message, delay);
      /* Refused: the profile may have been enrolled again by another
       * process under the same device (a co-op restored without this
       * tablet), with a new key; read the key again before the retry. */
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED) && !self->loading)
        {
          self->key_reload = TRUE;
          load_client (self);
        }
      /* A failed round is always retried by a timer, never left waiting for
       * the next local write; but not while offline (the network's return
       * triggers a round). */
      g_clear_handle_id (&self->retry_id, g_source_remove);
      if (is_online (self))
        self->retry_id = g_timeout_add (delay, retry_cb, self);
    }
  update_state (self);

  if (ok && self->again)
    {
      request_round (self);
      return;
    }
  self->again = FALSE;
  if (!is_online (self))
    release_client (self);

  if (ok && is_online (self))
    {
      g_clear_handle_id (&self->periodic_id, g_source_remove);
      self->periodic_id = g_timeout_add_seconds (env_seconds ("CARELOG_SYNC_PERIOD", PERIODIC_S),
                                                 periodic_cb, self);
      maybe_start_live (self);
    }
}

/* Live sync ------------------------------------------------------------- */

static void
live_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CareSyncService) self = user_data;
  g_autoptr(GError) error = NULL;
  CareSyncReport report = { 0 };
  gboolean ok;

  ok = care_sync_engine_run_finish (CARE_SYNC_ENGINE (source), result, &report, &error);
  g_clear_object (&self->live_cancellable);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      care_dbus_sync_set_live (CARE_DBUS_SYNC (self), FALSE);
      return;   /* whoever stopped it starts it again */
    }
  if (!ok)
    {
      /* The next round (by the backoff's timer) tries again, and starts
       * live sync again when it succeeds. */
      g_debug ("Live sync stopped: %s", error->message);
      care_dbus_sync_set_live (CARE_DBUS_SYNC (self), FALSE);
      if (care_revocation_must_erase (error, self->store))
        {
          erase_care_data (self);
          return;
        }
      g_clear_handle_id (&self->retry_id, g_source_remove);
      if (is_online (self))
        self->retry_id = g_timeout_add (care_backoff_next (&self->backoff, care_sync_engine_get_retry_after (self->engine),
                                                           NULL),
                                        retry_cb, self);
      update_state (self);
      return;
    }
  if (report.pulled > 0)
    {
      g_debug ("Live sync: %" G_GINT64_FORMAT " records arrived", report.pulled);
      refresh_counts (self);
      care_dbus_sync_emit_store_changed (CARE_DBUS_SYNC (self));
      care_dbus_sync_set_last_sync (CARE_DBUS_SYNC (self), g_get_real_time () / 1000);
    }
  /* Live stays TRUE from one waiting pull to the next (no D-Bus signal,
   * no wake-up of the app, for an idle cycle). */
  maybe_start_live (self);
  if (self->live_cancellable == NULL)
    care_dbus_sync_set_live (CARE_DBUS_SYNC (self), FALSE);
}

/* While online and unmetered, after a good round, a pull waits on the
 * co-op server for records for this tablet (docs/sync-protocol.md, "Live
 * sync"): one request every CARELOG_SYNC_LIVE_WAIT seconds (120) when
 * nothing happens, no timer of its own. CARELOG_SYNC_LIVE=0 turns it off. */
static void
maybe_start_live (CareSyncService *self)
{
  g_autofree char *cursor = NULL;

  if (self->live_cancellable != NULL || self->running || self->engine == NULL || self->removed
      || self->failed || self->pull_deferred || !is_online (self) || self->metered
      || g_strcmp0 (g_getenv ("CARELOG_SYNC_LIVE"), "0") == 0
      || care_sync_client_get_protocol (self->client) < 2)
    return;
  cursor = care_store_get_pull_cursor (self->store);
  if (cursor == NULL || *cursor == '\0')
    return;
  self->live_cancellable = g_cancellable_new ();
  care_dbus_sync_set_live (CARE_DBUS_SYNC (self), TRUE);
  care_sync_engine_live_async (self->engine, env_seconds ("CARELOG_SYNC_LIVE_WAIT", 120), self->live_cancellable,
                               live_done_cb, g_object_ref (self));
}

static void
stop_live (CareSyncService *self)
{
  if (self->live_cancellable != NULL)
    g_cancellable_cancel (self->live_cancellable);
}

static gboolean
sync_on_metered (CareSyncService *self)
{
  return self->settings != NULL && g_settings_get_boolean (self->settings, "sync-on-metered");
}

static void
start_round (CareSyncService *self)
{
  gboolean allow_bulk = !self->metered || self->bulk_requested || sync_on_metered (self);

  /* The round pulls too; live sync starts again after it. */
  stop_live (self);
  clear_timers (self);
  self->running = TRUE;
  self->again = FALSE;
  self->round_cancellable = g_cancellable_new ();
  update_state (self);
  g_debug ("Round starting (%s%s)", care_link_to_string (self->link),
           allow_bulk ? "" : ", metered");
  care_sync_engine_run_async (self->engine, allow_bulk, self->round_cancellable,
                              round_done_cb, g_object_ref (self));
}

static void
request_round (CareSyncService *self)
{
  if (self->removed)
    return;
  if (self->engine == NULL)
    {
      if (!self->loading && care_store_get_device (self->store) != NULL)
        load_client (self);
      return;
    }
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  if (!is_online (self) && !self->bulk_requested)
    return;
  start_round (self);
}

/* Enrolment and the client ------------------------------------------------- */

static void
client_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CareSyncService) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareSyncClient) client = care_enrol_client_finish (result, &error);
  gboolean key_reload = self->key_reload;

  self->loading = FALSE;
  self->key_reload = FALSE;
  if (client == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->error_sentence);
      self->error_sentence = care_sync_error_to_sentence (error);
      self->failed = TRUE;
      update_state (self);
      return;
    }

  g_clear_object (&self->client);
  g_clear_object (&self->engine);
  self->client = g_steal_pointer (&client);
  self->engine = care_sync_engine_new (self->store, self->client);
  g_signal_connect_object (self->engine, "progress",
                           G_CALLBACK (care_dbus_sync_emit_progress), self, G_CONNECT_SWAPPED);
  update_state (self);
  /* After a refusal the retry timer starts the next round. */
  if (!key_reload)
    request_round (self);
}

static void
load_client (CareSyncService *self)
{
  self->loading = TRUE;
  care_enrol_client_async (self->store, self->cancellable, client_loaded_cb, g_object_ref (self));
}

static void
enrolled_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  CareSyncService *self = g_object_get_data (G_OBJECT (invocation), "care-service");
  g_autoptr(GError) error = NULL;
  g_autoptr(CareEnrolment) enrolment = care_enrol_finish (result, &error);

  if (enrolment == NULL)
    {
      g_autofree char *sentence = care_sync_error_to_sentence (error);

      g_dbus_method_invocation_return_error_literal (invocation, error->domain, error->code,
                                                     sentence);
      return;
    }

  care_dbus_sync_complete_enrol (CARE_DBUS_SYNC (self), g_steal_pointer (&invocation),
                                 enrolment->member_name ? enrolment->member_name : "",
                                 care_role_to_string (enrolment->role));
  g_clear_object (&self->engine);
  g_clear_object (&self->client);
  g_clear_pointer (&self->error_sentence, g_free);
  self->failed = FALSE;
  self->bulk_requested = TRUE;   /* the first download, asked for by a person */
  load_client (self);
}

/* Triggers ---------------------------------------------------------------- */

static void
connectivity_changed_cb (CareSyncService  *self,
                         CareConnectivity *connectivity)
{
  CareLink link = care_connectivity_get_link (connectivity);
  gboolean metered = care_connectivity_get_metered (connectivity);
  gboolean was_online = is_online (self);
  gboolean was_metered = self->metered;
  gboolean link_changed = link != self->link;

  self->link = link;
  self->metered = metered;
  if (!is_online (self))
    {
      /* Sleep until the network changes: no timer at all. */
      clear_timers (self);
      stop_live (self);
      if (self->round_cancellable != NULL)
        g_cancellable_cancel (self->round_cancellable);
      release_client (self);
      update_state (self);
      return;
    }

  update_state (self);
  if (!was_online || link_changed)
    {
      care_backoff_reset (&self->backoff);
      g_clear_handle_id (&self->retry_id, g_source_remove);
      request_round (self);
    }
  else if (was_metered && !metered && self->pull_deferred)
    request_round (self);
  else if (metered)
    stop_live (self);
  else
    maybe_start_live (self);
}

/* Enrolled by another process (carelog-cli enrol) while this one runs:
 * the identity is read when a store is opened, so open it again, as a
 * sibling connection: a second care_store_open of the file in this process
 * would close a descriptor of it and so drop the locks the first connection
 * holds, letting another process checkpoint and delete the WAL under it. */
static void
reload_if_enrolled_elsewhere (CareSyncService *self)
{
  g_autofree char *device = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (care_store_get_device (self->store) != NULL || self->loading)
    return;
  device = care_store_get_meta (self->store, "device");
  if (device == NULL)
    return;
  store = care_store_open_sibling (self->store, &error);
  if (store == NULL)
    {
      g_warning ("Cannot reopen the store after an enrolment: %s", error->message);
      return;
    }
  g_debug ("Enrolled by another process as %s", device);
  g_set_object (&self->store, store);
  g_clear_object (&self->engine);
  g_clear_object (&self->client);
  update_state (self);
  load_client (self);
}

static gboolean
debounce_cb (gpointer user_data)
{
  CareSyncService *self = user_data;
  gint64 pending;

  self->debounce_id = 0;
  if (self->removed)
    return G_SOURCE_REMOVE;
  reload_if_enrolled_elsewhere (self);
  pending = refresh_counts (self);
  /* After a failure the backoff timer decides; a new record does not
   * shorten it (it would hammer a struggling server). */
  if (pending > 0 && self->retry_id == 0)
    request_round (self);
  return G_SOURCE_REMOVE;
}

static void
store_file_changed_cb (GFileMonitor      *monitor,
                       GFile             *file,
                       GFile             *other,
                       GFileMonitorEvent  event,
                       gpointer           user_data)
{
  CareSyncService *self = user_data;
  g_autofree char *name = g_file_get_basename (file);

  if (event != G_FILE_MONITOR_EVENT_CHANGED && event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT
      && event != G_FILE_MONITOR_EVENT_CREATED)
    return;
  if (g_strcmp0 (name, self->store_basename) != 0 && g_strcmp0 (name, self->wal_basename) != 0)
    return;
  /* Fire DEBOUNCE_MS after the first change, not after the last: a busy
   * tablet still syncs. */
  if (self->debounce_id == 0)
    self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
}

static void
watch_store (CareSyncService *self)
{
  const char *path = care_store_get_path (self->store);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) dir = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;

  g_free (self->store_basename);
  g_free (self->wal_basename);
  self->store_basename = g_path_get_basename (path);
  self->wal_basename = g_strconcat (self->store_basename, "-wal", NULL);
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, self->cancellable, &error);
  if (self->monitor == NULL)
    {
      g_warning ("Cannot watch %s for new records (%s): they will be sent on the next "
                 "periodic round or SyncNow", path, error->message);
      return;
    }
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (store_file_changed_cb), self, 0);
}

static void
sync_on_metered_changed_cb (GSettings  *settings,
                            const char *key,
                            gpointer    user_data)
{
  CareSyncService *self = user_data;

  if (self->metered && self->pull_deferred && sync_on_metered (self))
    request_round (self);
}

static void
watch_settings (CareSyncService *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "sync-on-metered"))
    return;
  self->settings = g_settings_new_full (schema, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::sync-on-metered",
                           G_CALLBACK (sync_on_metered_changed_cb), self, 0);
}

/* D-Bus methods ----------------------------------------------------------- */

static gboolean
handle_sync_now (CareDbusSync          *object,
                 GDBusMethodInvocation *invocation)
{
  CareSyncService *self = CARE_SYNC_SERVICE (object);

  care_sync_service_sync_now (self);
  care_dbus_sync_complete_sync_now (object, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_enrol (CareDbusSync          *object,
              GDBusMethodInvocation *invocation,
              const char            *line,
              const char            *device_name)
{
  CareSyncService *self = CARE_SYNC_SERVICE (object);
  g_autoptr(GError) error = NULL;

  if (self->running)
    g_cancellable_cancel (self->round_cancellable);
  if (self->removed)
    {
      /* Enrolled again after being removed: a new, empty care log. */
      care_erase_forget_removal (self->store_path);
      self->store = care_store_open (self->store_path, &error);
      if (self->store == NULL)
        {
          g_dbus_method_invocation_return_error_literal (invocation, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT,
                                                         error->message);
          return G_DBUS_METHOD_INVOCATION_HANDLED;
        }
      self->removed = FALSE;
      watch_store (self);
    }
  g_object_set_data_full (G_OBJECT (invocation), "care-service", g_object_ref (self),
                          g_object_unref);
  care_enrol_async (self->store, line, device_name, self->cancellable, enrolled_cb,
                    g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
care_sync_service_iface_init (CareDbusSyncIface *iface)
{
  iface->handle_sync_now = handle_sync_now;
  iface->handle_enrol = handle_enrol;
}

/* GObject ----------------------------------------------------------------- */

static void
care_sync_service_dispose (GObject *object)
{
  CareSyncService *self = CARE_SYNC_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->round_cancellable != NULL)
    g_cancellable_cancel (self->round_cancellable);
  stop_live (self);
  if (self->purge_cancellable != NULL)
    g_cancellable_cancel (self->purge_cancellable);
  clear_timers (self);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);
  if (self->connectivity != NULL)
    g_signal_handlers_disconnect_by_data (self->connectivity, self);
  g_clear_object (&self->connectivity);

  G_OBJECT_CLASS (care_sync_service_parent_class)->dispose (object);
}

static void
care_sync_service_finalize (GObject *object)
{
  CareSyncService *self = CARE_SYNC_SERVICE (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->client);
  g_clear_object (&self->purge_cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_free (self->store_path);
  g_free (self->profile);
  g_free (self->store_basename);
  g_free (self->wal_basename);
  g_free (self->error_sentence);

  G_OBJECT_CLASS (care_sync_service_parent_class)->finalize (object);
}

/* The errors a D-Bus caller may get (from Enrol), by name rather than as an
 * opaque GLib quark. */
static void
register_dbus_errors (void)
{
  static const GDBusErrorEntry sync_errors[] = {
    { CARE_SYNC_ERROR_NETWORK, "coop.carelog.Carelog.Sync.Error.Network" },
    { CARE_SYNC_ERROR_TLS, "coop.carelog.Carelog.Sync.Error.Tls" },
    { CARE_SYNC_ERROR_PORTAL, "coop.carelog.Carelog.Sync.Error.Portal" },
    { CARE_SYNC_ERROR_UNAUTHORIZED, "coop.carelog.Carelog.Sync.Error.Unauthorized" },
    { CARE_SYNC_ERROR_FORBIDDEN, "coop.carelog.Carelog.Sync.Error.Forbidden" },
    { CARE_SYNC_ERROR_ENROLMENT, "coop.carelog.Carelog.Sync.Error.Enrolment" },
    { CARE_SYNC_ERROR_RATE_LIMITED, "coop.carelog.Carelog.Sync.Error.RateLimited" },
    { CARE_SYNC_ERROR_TOO_LARGE, "coop.carelog.Carelog.Sync.Error.TooLarge" },
    { CARE_SYNC_ERROR_CURSOR_INVALID, "coop.carelog.Carelog.Sync.Error.CursorInvalid" },
    { CARE_SYNC_ERROR_SERVER_BEHIND, "coop.carelog.Carelog.Sync.Error.ServerBehind" },
    { CARE_SYNC_ERROR_VERSION, "coop.carelog.Carelog.Sync.Error.Version" },
    { CARE_SYNC_ERROR_BAD_REQUEST, "coop.carelog.Carelog.Sync.Error.BadRequest" },
    { CARE_SYNC_ERROR_SERVER, "coop.carelog.Carelog.Sync.Error.Server" },
    { CARE_SYNC_ERROR_UNENCRYPTED, "coop.carelog.Carelog.Sync.Error.Unencrypted" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sync_errors); i++)
    g_dbus_error_register_error (CARE_SYNC_ERROR, sync_errors[i].error_code,
                                 sync_errors[i].dbus_error_name);
}

static void
care_sync_service_class_init (CareSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  register_dbus_errors ();

  object_class->dispose = care_sync_service_dispose;
  object_class->finalize = care_sync_service_finalize;
}

static void
care_sync_service_init (CareSyncService *self)
{
  self->cancellable = g_cancellable_new ();
  self->link = CARE_LINK_UNKNOWN;
  care_backoff_init (&self->backoff, BACKOFF_BASE_MS,
                     env_seconds ("CARELOG_SYNC_BACKOFF_MAX", BACKOFF_MAX_MS / 1000) * 1000);
}

/* Public API -------------------------------------------------------------- */

CareSyncService *
care_sync_service_new (CareStore        *store,
                       const char       *store_path,
                       const char       *profile,
                       CareConnectivity *connectivity)
{
  CareSyncService *self;

  g_return_val_if_fail (store == NULL || CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (CARE_IS_CONNECTIVITY (connectivity), NULL);

  self = g_object_new (CARE_TYPE_SYNC_SERVICE, NULL);
  self->store = store ? g_object_ref (store) : NULL;
  self->store_path = g_strdup (store_path);
  self->removed = store == NULL;
  self->profile = g_strdup (profile ? profile : "");
  self->connectivity = g_object_ref (connectivity);
  return self;
}

void
care_sync_service_start (CareSyncService *self)
{
  g_autofree char *offset = NULL;

  g_return_if_fail (CARE_IS_SYNC_SERVICE (self));

  care_dbus_sync_set_profile (CARE_DBUS_SYNC (self), self->profile);
  if (!self->removed)
    {
      offset = care_store_get_meta (self->store, "clock_offset_ms");
      if (offset != NULL)
        {
          gint64 ms = g_ascii_strtoll (offset, NULL, 10);

          care_dbus_sync_set_clock_offset (CARE_DBUS_SYNC (self), ms);
          care_dbus_sync_set_clock_warning (CARE_DBUS_SYNC (self), ABS (ms) > CLOCK_WARNING_MS);
        }
      refresh_counts (self);
      watch_store (self);
    }
  watch_settings (self);
  g_signal_connect_object (self->connectivity, "changed",
                           G_CALLBACK (connectivity_changed_cb), self, G_CONNECT_SWAPPED);
  self->link = care_connectivity_get_link (self->connectivity);
  self->metered = care_connectivity_get_metered (self->connectivity);
  update_state (self);
  if (!self->removed && care_store_get_device (self->store) != NULL)
    load_client (self);
}

void
care_sync_service_sync_now (CareSyncService *self)
{
  g_return_if_fail (CARE_IS_SYNC_SERVICE (self));

  self->bulk_requested = TRUE;
  care_backoff_reset (&self->backoff);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  request_round (self);
}
