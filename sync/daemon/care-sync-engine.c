/* care-sync-engine.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include "care-config.h"
#include "care-sync-engine.h"

#include "care-log-answer.h"

/* Records per push request: large enough that 10,000 records take ten
 * requests and gzip finds the repetition between records, small enough for
 * the server's batch limit and a slow uplink. */
#define PUSH_BATCH 1000
#define PULL_PAGE 1000
/* Push batches read and encoded ahead: libsoup sends them on its two
 * connections to the host, so one is always queued when an answer comes
 * back, and the server always has the next batch decoded when it commits
 * one (it takes a device's batches in sequence order). 4 against 2: the
 * 10,000-visit sync 17% faster (daemon-bench-visits). */
#define PUSH_PIPELINE 4
#define ACK_FLUSH_US (G_USEC_PER_SEC / 5)
/* Recoveries (cursor reset, server behind) allowed per round before the
 * round gives up and is retried later. */
#define MAX_RECOVERIES 3

struct _CareSyncEngine
{
  GObject parent_instance;

  CareStore *store;
  CareSyncClient *client;
  GTask *task;              /* the running round */
  gint64 clock_offset;
  gboolean has_clock_offset;
  guint retry_after;
  guint push_batch;
  guint pull_page;
};

typedef struct
{
  gboolean allow_bulk;
  CareSyncReport report;
  gint64 push_total;
  gint64 push_after;        /* the highest sequence the server has, as far as we know */
  gint64 push_last_sent;
  gint64 request_started;   /* device wall ms when the request went out */
  guint recoveries;
  gboolean probe_acked;     /* pulling only to learn the server's acked sequence */
  gint64 ack_to;            /* acknowledged by the server, not yet marked in the store */
  GQueue *flights;          /* Flight: push requests on their way, in sending order */
  gboolean push_read_all;   /* nothing after push_last_sent to send */
  gboolean halted;          /* an answer said stop: the others are only waited for */
  GError *halt_error;       /* the round fails with it once nothing is on its way */
  guint live_wait;          /* live: the first pull waits this long for records */
  GArray *receipts;         /* CareReceipt: learnt, not yet in the store */
  gint64 acks_flushed;      /* monotonic µs of the last store update */
  char *cursor;
  char *log_hash;           /* the record whose inclusion this round asks proof of */
} Round;

G_DEFINE_FINAL_TYPE (CareSyncEngine, care_sync_engine, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct _Flight Flight;
static void flight_free (Flight *flight);
static void push_next (GTask *task);
static void pull_next (GTask *task);
static void log_next (GTask *task);

static void
round_free (Round *round)
{
  g_queue_free_full (round->flights, (GDestroyNotify) flight_free);
  g_clear_error (&round->halt_error);
  g_clear_pointer (&round->receipts, g_array_unref);
  g_free (round->cursor);
  g_free (round->log_hash);
  g_free (round);
}

static void
note_server_time (CareSyncEngine *self,
                  Round          *round,
                  gint64          server_time)
{
  gint64 now;

  if (server_time <= 0)
    return;
  now = care_store_now (self->store);
  /* The server stamped the response somewhere between send and receipt. */
  self->clock_offset = server_time - (round->request_started + now) / 2;
  self->has_clock_offset = TRUE;
}

static void
note_retry_after (CareSyncEngine *self,
                  const GError   *error)
{
  /* 429 and 503 carry Retry-After; other failures use the backoff alone. */
  if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_RATE_LIMITED)
      || g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER))
    self->retry_after = care_sync_client_get_retry_after (self->client);
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
}

static gboolean
store_failed (GTask  *task,
              GError *error)
{
  if (error == NULL)
    return FALSE;
  g_prefix_error (&error, "This tablet's care log could not be updated: ");
  fail (task, error);
  return TRUE;
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 100000, &n, NULL))
    return fallback;
  return (guint) n;
}

/* Acknowledgements, with when the co-op received the records, are written
 * to the store while later batches are on their way (at most every
 * ACK_FLUSH_US: the commit then overlaps the server's work instead of
 * adding to the round), and at the end of the push phase; not after every
 * batch: each is a durable commit, and one lost on a crash only means
 * records are sent again and answered as duplicates. */
static gboolean
flush_acks (CareSyncEngine  *self,
            Round           *round,
            GError         **error)
{
  gint64 to = round->ack_to;
  guint n = round->receipts->len;
  gboolean ok;

  round->ack_to = 0;
  round->acks_flushed = g_get_monotonic_time ();
  if (to <= 0 && n == 0)
    return TRUE;
  ok = care_store_mark_acked_received (self->store, to, (const CareReceipt *) round->receipts->data, n, error);
  g_array_set_size (round->receipts, 0);
  return ok;
}

/* The push answer's "q" is when the co-op received the batch: the device
 * learns it there, as its own records are never sent back to it. Runs of
 * records it kept (accepted or duplicate) become receipts. */
static void
note_receipts (Round          *round,
               CarePushResult *pushed,
               GPtrArray      *sent)
{
  CareReceipt run = { 0, 0, pushed->received };

  if (pushed->received <= 0 || pushed->expected_seq > 0)
    return;
  for (guint i = 0; i < pushed->items->len && i < sent->len; i++)
    {
      CarePushItem *item = g_ptr_array_index (pushed->items, i);
      const CareEvent *e = g_ptr_array_index (sent, i);

      if (item->status != CARE_PUSH_REJECTED && run.first_seq > 0 && e->seq == run.last_seq + 1)
        run.last_seq = e->seq;
      else
        {
          if (run.first_seq > 0)
            g_array_append_val (round->receipts, run);
          run.first_seq = run.last_seq = item->status != CARE_PUSH_REJECTED ? e->seq : 0;
        }
    }
  if (run.first_seq > 0)
    g_array_append_val (round->receipts, run);
}

/* The acknowledged and the last sequence only (counts.acked_seq and
 * counts.last_seq): two index lookups, where counting the outbox reads every
 * record of this device, which for a large outbox was most of the daemon's
 * time when it ran after every batch. */
static gboolean
sync_position (CareSyncEngine   *self,
               CareOutboxCounts *counts,
               GError          **error)
{
  memset (counts, 0, sizeof *counts);
  return care_store_get_sync_position (self->store, &counts->acked_seq, &counts->last_seq, error);
}

/* A co-op server not yet updated refuses protocol 2 as unknown: the
 * tablet speaks 1 to it from then on (this run of the daemon). */
static gboolean
server_is_older (CareSyncEngine *self,
                 const GError   *error)
{
  if (!g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_VERSION)
      || care_sync_client_get_protocol (self->client) <= 1)
    return FALSE;
  g_debug ("The co-op server does not speak protocol %d: using 1",
           care_sync_client_get_protocol (self->client));
  care_sync_client_set_protocol (self->client, 1);
  return TRUE;
}

/* Pull -------------------------------------------------------------------- */

/* The co-op log ---------------------------------------------------------- */

/* After a round that moved records (or before any checkpoint is kept): the
 * co-op's latest checkpoint must extend the one this tablet kept, and its
 * log must hold this tablet's latest delivered record (docs/sync-protocol.md,
 * "The co-op log"). A contradiction fails the round, and every later one,
 * with CARE_SYNC_ERROR_LOG: the kept checkpoint stays as it was. */
static void
log_ready_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = care_sync_client_log_finish (self->client, result, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareLogAnswer) answer = NULL;
  g_autoptr(CareCheckpoint) last = NULL;
  g_autofree char *kept = care_store_get_meta (self->store, "log.checkpoint");
  g_autofree char *pinned = care_store_get_meta (self->store, "log.key");
  g_autofree char *checkpoint = NULL;
  CareCheckpointStep step;
  gboolean included;

  round->report.requests++;
  g_debug ("The co-op log answered");
  /* A co-op server from before the log, or one that cannot answer now:
   * the records are delivered; the next round asks again. */
  if (root == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  answer = care_log_answer_decode (root, &error);
  last = kept != NULL ? care_checkpoint_from_string (kept, NULL) : NULL;
  if (answer == NULL
      || !care_log_answer_check (answer, last, pinned, round->log_hash, &step, &included, &error))
    {
      if (error->code == CARE_SYNC_ERROR_LOG)
        {
          g_warning ("The co-op's log contradicts this tablet's kept checkpoint");
          care_store_set_meta (self->store, "log.alarm", error->message, NULL);
        }
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (step == CARE_CHECKPOINT_NEW_EPOCH)
    {
      /* Declared, never silent: the tablet keeps a line for each restore
       * it saw (epoch, size of the log it restarted from, when). */
      g_autofree char *seen = care_store_get_meta (self->store, "log.restores");
      g_autofree char *line = g_strdup_printf ("%s%s %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                                               seen != NULL ? seen : "", answer->checkpoint->epoch,
                                               answer->checkpoint->size, answer->checkpoint->time);

      g_message ("The co-op declared a new epoch of its log (a restore from a backup): %s",
                 answer->checkpoint->epoch);
      if (!care_store_set_meta (self->store, "log.restores", line, &error))
        {
          store_failed (task, g_steal_pointer (&error));
          return;
        }
    }
  checkpoint = care_checkpoint_to_string (answer->checkpoint);
  if ((pinned == NULL && !care_store_set_meta (self->store, "log.key", answer->checkpoint->key, &error))
      || !care_store_set_meta (self->store, "log.checkpoint", checkpoint, &error))
    {
      store_failed (task, g_steal_pointer (&error));
      return;
    }
  if (included)
    {
      g_autofree char *receipt = care_log_answer_receipt (answer, round->log_hash);

      care_store_set_meta (self->store, "log.receipt", receipt, NULL);
    }
  if (answer->cosigned != NULL)
    {
      g_autofree char *cosigned = care_checkpoint_to_string (answer->cosigned);

      care_store_set_meta (self->store, "log.cosigned", cosigned, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
log_next (GTask *task)
{
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autofree char *kept = care_store_get_meta (self->store, "log.checkpoint");
  g_autoptr(CareCheckpoint) last = kept != NULL ? care_checkpoint_from_string (kept, NULL) : NULL;
  gint64 acked = 0, last_seq = 0;

  if (care_sync_client_get_protocol (self->client) < 2
      || (last != NULL && round->report.pushed == 0 && round->report.pulled == 0))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_clear_pointer (&round->log_hash, g_free);
  /* The receipt is renewed against each new checkpoint, so the one kept
   * always matches the kept checkpoint. */
  /* The acknowledged sequence only (index lookups): counting the outbox
   * would read every record this tablet wrote. */
  if (care_store_get_sync_position (self->store, &acked, &last_seq, NULL) && acked > 0)
    round->log_hash = care_store_own_record_hash (self->store, acked);
  care_sync_client_log_async (self->client, last != NULL ? (gint64) last->size : 0, round->log_hash,
                              g_task_get_cancellable (task), log_ready_cb, task);
}

static void
pull_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(CarePullResult) page = NULL;
  g_autoptr(GError) error = NULL;
  CareOutboxCounts counts = { 0 };

  page = care_sync_client_pull_finish (self->client, result, &error);
  round->report.requests++;
  g_debug ("Pull answered: %u records", page != NULL ? page->records->len : 0);

  if (page == NULL)
    {
      if (server_is_older (self, error))
        {
          pull_next (g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_CURSOR_INVALID)
          && round->recoveries++ < MAX_RECOVERIES)
        {
          g_debug ("The server no longer knows our cursor: pulling from the start");
          if (!care_store_reset_pull_cursor (self->store, &error))
            {
              store_failed (task, g_steal_pointer (&error));
              return;
            }
          g_clear_pointer (&round->cursor, g_free);
          round->report.cursor_reset = TRUE;
          pull_next (g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER_BEHIND)
          && round->recoveries++ < MAX_RECOVERIES)
        {
          /* Ask again without our claim to learn what the server has. */
          g_debug ("The server is behind this device: finding what it lacks");
          round->probe_acked = TRUE;
          round->ack_to = 0;
          round->report.server_behind = TRUE;
          pull_next (g_steal_pointer (&task));
          return;
        }
      note_retry_after (self, error);
      fail (task, g_steal_pointer (&error));
      return;
    }

  note_server_time (self, round, page->server_time);
  round->report.bytes_received += page->bytes_received;

  if (!sync_position (self, &counts, &error))
    {
      store_failed (task, g_steal_pointer (&error));
      return;
    }

  if (round->probe_acked)
    {
      round->probe_acked = FALSE;
      if (page->acked_seq < counts.acked_seq)
        {
          g_debug ("Server has our records up to %" G_GINT64_FORMAT ", we thought %"
                   G_GINT64_FORMAT ": sending the rest again", page->acked_seq, counts.acked_seq);
          if (!care_store_reset_acked (self->store, page->acked_seq, &error))
            {
              store_failed (task, g_steal_pointer (&error));
              return;
            }
        }
      /* Resend first, then pull on with our (now true) claim. */
      round->push_after = -1;
      push_next (g_steal_pointer (&task));
      return;
    }

  /* An empty page that does not move the cursor (a live pull's wait ran
   * out) changes nothing: no commit, so no wake-up of whoever watches the
   * care log. */
  if ((page->records->len > 0 || g_strcmp0 (page->next_cursor, round->cursor) != 0)
      && !care_store_apply_page (self->store, page->records, page->next_cursor, &error))
    {
      store_failed (task, g_steal_pointer (&error));
      return;
    }
  round->report.pulled += page->records->len;
  g_free (round->cursor);
  round->cursor = g_strdup (page->next_cursor);

  /* A push whose response was lost: the server tells us what it has. */
  if (page->acked_seq > counts.acked_seq && page->acked_seq <= counts.last_seq
      && !care_store_mark_acked (self->store, page->acked_seq, &error))
    {
      store_failed (task, g_steal_pointer (&error));
      return;
    }

  /* Progress only when something came (an idle live cycle sends nothing
   * on D-Bus). */
  if (page->records->len > 0)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, "pull", round->report.pulled, (gint64) -1);

  if (page->more && page->records->len > 0)
    pull_next (g_steal_pointer (&task));
  else
    log_next (g_steal_pointer (&task));
}

static void
pull_next (GTask *task)
{
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  CareOutboxCounts counts = { 0 };

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (round->cursor == NULL)
    round->cursor = care_store_get_pull_cursor (self->store);

  if ((round->cursor == NULL || round->cursor[0] == '\0') && !round->allow_bulk && !round->probe_acked)
    {
      g_debug ("Metered link: the first full download waits for an unmetered one");
      round->report.pull_deferred = TRUE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (!sync_position (self, &counts, &error))
    {
      store_failed (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  round->request_started = care_store_now (self->store);
  if (round->live_wait > 0 && !round->probe_acked)
    {
      guint wait = round->live_wait;

      round->live_wait = 0;
      care_sync_client_pull_live_async (self->client, round->cursor, counts.acked_seq, self->pull_page, wait,
                                        g_task_get_cancellable (task), pull_ready_cb, task);
      return;
    }
  care_sync_client_pull_async (self->client, round->cursor,
                               round->probe_acked ? 0 : counts.acked_seq,
                               round->probe_acked ? 1 : self->pull_page, g_task_get_cancellable (task),
                               pull_ready_cb, task);
}

/* Push -------------------------------------------------------------------- */

/* One push request on its way: the batch, and its answer once it came.
 * Answers are handled in the order the batches were sent, whatever order
 * they arrive in. */
struct _Flight
{
  GTask *task;              /* the round's, held until the answer */
  GPtrArray *events;
  gint64 started;           /* device wall ms when it went out */
  gboolean done;
  CarePushResult *result;
  GError *error;
};

static void
flight_free (Flight *flight)
{
  g_assert (flight->task == NULL);
  g_clear_pointer (&flight->events, g_ptr_array_unref);
  g_clear_pointer (&flight->result, care_push_result_free);
  g_clear_error (&flight->error);
  g_free (flight);
}

static void push_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* Sends batches until PUSH_PIPELINE are on their way: the next batch is
 * read from the store and encoded while the server stores the one before.
 * With nothing on its way and nothing left to send, the push phase ends
 * and the pull phase begins. Borrows task. */
static void
push_fill (GTask *task)
{
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (round->push_after < 0)
    {
      gint64 acked = 0, last = 0;

      /* Two index look-ups: counting the outbox read every record of the
       * device before the first batch could go (35 ms at 50,000 records).
       * Every record past the acknowledged one waits to be sent. */
      if (!care_store_get_sync_position (self->store, &acked, &last, &error))
        {
          store_failed (task, g_steal_pointer (&error));
          return;
        }
      round->push_after = round->push_last_sent = acked;
      round->push_total = round->report.pushed + round->report.quarantined + MAX (last - acked, 0);
      round->push_read_all = FALSE;
    }

  while (round->flights->length < PUSH_PIPELINE && !round->push_read_all
         && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_autoptr(GPtrArray) events = care_store_read_unsent (self->store, round->push_last_sent,
                                                            self->push_batch, &error);
      Flight *flight;

      if (events == NULL)
        {
          /* Nothing is returned while a batch is on its way. */
          round->halt_error = g_steal_pointer (&error);
          g_prefix_error (&round->halt_error, "This tablet's care log could not be updated: ");
          break;
        }
      if (events->len == 0)
        {
          round->push_read_all = TRUE;
          break;
        }
      flight = g_new0 (Flight, 1);
      flight->events = g_steal_pointer (&events);
      flight->started = care_store_now (self->store);
      round->push_last_sent = ((CareEvent *) g_ptr_array_index (flight->events, flight->events->len - 1))->seq;
      g_queue_push_tail (round->flights, flight);
      flight->task = g_object_ref (task);
      care_sync_client_push_async (self->client, flight->events, g_task_get_cancellable (task),
                                   push_ready_cb, flight);
    }

  if (round->flights->length > 0)
    return;
  if (round->halt_error != NULL)
    {
      flush_acks (self, round, NULL);
      fail (task, g_steal_pointer (&round->halt_error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!flush_acks (self, round, &error))
    {
      store_failed (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("Push phase over: acknowledgements stored");
  pull_next (g_object_ref (task));
}

/* One answer, in sending order. Returns FALSE when the batches after it
 * are not to be looked at (an error, or a gap: the server wants an earlier
 * sequence), with round->halt_error or round->push_after saying what next. */
static gboolean
push_handle (GTask  *task,
             Flight *flight)
{
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  CarePushResult *pushed = flight->result;
  g_autoptr(GError) error = NULL;
  CareOutboxCounts counts = { 0 };

  round->report.requests++;
  round->request_started = flight->started;
  if (pushed == NULL)
    {
      if (server_is_older (self, flight->error))
        {
          round->push_after = -1;
          return FALSE;
        }
      if (g_error_matches (flight->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER_BEHIND)
          && round->recoveries++ < MAX_RECOVERIES)
        {
          round->probe_acked = TRUE;
          round->ack_to = 0;
          round->report.server_behind = TRUE;
          return FALSE;
        }
      if (g_error_matches (flight->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TOO_LARGE)
          && self->push_batch > 1)
        {
          self->push_batch = MAX (self->push_batch / 2, 1);
          g_debug ("The server refused a batch as too large: sending %u at a time",
                   self->push_batch);
          round->push_after = -1;
          return FALSE;
        }
      note_retry_after (self, flight->error);
      round->halt_error = g_steal_pointer (&flight->error);
      return FALSE;
    }

  note_receipts (round, pushed, flight->events);
  g_debug ("Push of %u records up to seq %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " ms, %"
           G_GSIZE_FORMAT " bytes sent, server has %" G_GINT64_FORMAT,
           pushed->items->len, ((CareEvent *) g_ptr_array_index (flight->events, flight->events->len - 1))->seq,
           care_store_now (self->store) - flight->started, pushed->bytes_sent, pushed->acked_seq);
  note_server_time (self, round, pushed->server_time);
  round->report.bytes_sent += pushed->bytes_sent;
  round->report.bytes_received += pushed->bytes_received;

  for (guint i = 0; i < pushed->items->len; i++)
    {
      CarePushItem *item = g_ptr_array_index (pushed->items, i);

      if (item->status == CARE_PUSH_REJECTED)
        {
          g_debug ("The co-op refused record %s: %s", item->id, item->reason);
          if (!care_store_quarantine (self->store, item->id, item->code,
                                      item->reason ? item->reason : "Refused by the co-op server",
                                      &error))
            goto store_error;
          round->report.quarantined++;
        }
      else
        round->report.pushed++;
    }

  if (pushed->expected_seq > 0 && !flush_acks (self, round, &error))
    goto store_error;
  if (!sync_position (self, &counts, &error))
    goto store_error;

  if (pushed->expected_seq > 0)
    {
      /* A gap: the server wants an earlier sequence than we sent. */
      gint64 server_has = pushed->expected_seq - 1;

      if (server_has < counts.acked_seq)
        {
          if (round->recoveries++ >= MAX_RECOVERIES)
            {
              round->halt_error = g_error_new (CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER,
                                               "The co-op server keeps asking for records it was sent; "
                                               "sync will try again later");
              return FALSE;
            }
          g_debug ("Server expects %" G_GINT64_FORMAT ": re-sending", pushed->expected_seq);
          round->report.server_behind = TRUE;
          if (!care_store_reset_acked (self->store, server_has, &error))
            goto store_error;
        }
      else if (server_has > counts.acked_seq && server_has <= counts.last_seq
               && !care_store_mark_acked (self->store, server_has, &error))
        goto store_error;
      round->push_after = round->push_last_sent = server_has;
      round->push_read_all = FALSE;
      return FALSE;
    }

  if (pushed->acked_seq > counts.acked_seq)
    round->ack_to = MAX (round->ack_to, MIN (pushed->acked_seq, counts.last_seq));
  if (g_get_monotonic_time () - round->acks_flushed > G_USEC_PER_SEC
      && !flush_acks (self, round, &error))
    goto store_error;
  round->push_after = MAX (round->push_after, pushed->acked_seq);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, "push",
                 round->report.pushed + round->report.quarantined, round->push_total);
  return TRUE;

store_error:
  g_prefix_error (&error, "This tablet's care log could not be updated: ");
  round->halt_error = g_steal_pointer (&error);
  return FALSE;
}

/* After the next batches went out: while one is on its way, the
 * acknowledgements learnt so far are written (flush_acks), so the end of
 * the push phase has little left to write: at most every ACK_FLUSH_US,
 * and after every answer once the last batch is on its way (what is left
 * unwritten when the last answer comes is on the round's critical path: a
 * fifth of a second of acknowledgements took 64 ms there). A failure stops
 * the round once nothing is on its way, as an answer's would. */
static void
flush_while_in_flight (CareSyncEngine *self,
                       Round          *round)
{
  g_autoptr(GError) error = NULL;

  if (round->flights->length == 0 || round->halt_error != NULL
      || (round->ack_to <= 0 && round->receipts->len == 0)
      || (!round->push_read_all && g_get_monotonic_time () - round->acks_flushed < ACK_FLUSH_US))
    return;
  if (!flush_acks (self, round, &error))
    {
      g_prefix_error (&error, "This tablet's care log could not be updated: ");
      round->halt_error = g_steal_pointer (&error);
      round->halted = TRUE;
    }
}

static void
push_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&flight->task);
  CareSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);

  flight->done = TRUE;
  flight->result = care_sync_client_push_finish (self->client, result, &flight->error);

  /* Answers in sending order; after an error or a gap, the batches sent
   * after it are only waited for. */
  while (round->flights->head != NULL && ((Flight *) round->flights->head->data)->done)
    {
      Flight *head = g_queue_pop_head (round->flights);

      if (!round->halted && !push_handle (task, head))
        round->halted = TRUE;
      flight_free (head);
    }
  /* The next batches go out as soon as answers come back, not once every
   * batch on its way is answered: the server always has one to decode
   * while it stores another. */
  if (round->flights->length > 0)
    {
      if (!round->halted)
        push_fill (task);
      flush_while_in_flight (self, round);
      return;
    }
  if (round->halted)
    {
      round->halted = FALSE;
      if (round->halt_error != NULL)
        {
          flush_acks (self, round, NULL);
          fail (task, g_steal_pointer (&round->halt_error));
          return;
        }
      if (round->probe_acked)
        {
          flush_acks (self, round, NULL);
          pull_next (g_object_ref (task));
          return;
        }
      round->push_read_all = FALSE;
    }
  push_fill (task);
  flush_while_in_flight (self, round);
}

static void
push_next (GTask *task)
{
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  push_fill (task);
  g_object_unref (task);
}

/* GObject ----------------------------------------------------------------- */

static void
care_sync_engine_finalize (GObject *object)
{
  CareSyncEngine *self = CARE_SYNC_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (care_sync_engine_parent_class)->finalize (object);
}

static void
care_sync_engine_class_init (CareSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_sync_engine_finalize;

  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 3,
                                           G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);
}

static void
care_sync_engine_init (CareSyncEngine *self)
{
  self->push_batch = env_uint ("CARELOG_SYNC_BATCH", PUSH_BATCH);
  self->pull_page = env_uint ("CARELOG_SYNC_PAGE", PULL_PAGE);
}

/* Public API -------------------------------------------------------------- */

CareSyncEngine *
care_sync_engine_new (CareStore      *store,
                      CareSyncClient *client)
{
  CareSyncEngine *self;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_SYNC_CLIENT (client), NULL);

  self = g_object_new (CARE_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  return self;
}

/* A round's task and its Round. */
static GTask *
round_task_new (CareSyncEngine      *self,
                gboolean             allow_bulk,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Round *round = g_new0 (Round, 1);

  g_task_set_source_tag (task, care_sync_engine_run_async);
  round->allow_bulk = allow_bulk;
  round->push_after = -1;
  round->acks_flushed = g_get_monotonic_time ();
  round->receipts = g_array_new (FALSE, FALSE, sizeof (CareReceipt));
  round->flights = g_queue_new ();
  g_task_set_task_data (task, round, (GDestroyNotify) round_free);
  return task;
}

void
care_sync_engine_run_async (CareSyncEngine      *self,
                            gboolean             allow_bulk,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  task = round_task_new (self, allow_bulk, cancellable, callback, user_data);
  self->retry_after = 0;

  push_next (task);
}

/* Live sync: a pull that waits up to wait seconds for records for this
 * tablet (answered as soon as one commits on the server), then the pages
 * after it; no push. Finished with care_sync_engine_run_finish. */
void
care_sync_engine_live_async (CareSyncEngine      *self,
                             guint                wait,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  task = round_task_new (self, TRUE, cancellable, callback, user_data);
  ((Round *) g_task_get_task_data (task))->live_wait = wait;
  pull_next (task);
}

gboolean
care_sync_engine_run_finish (CareSyncEngine  *self,
                             GAsyncResult    *result,
                             CareSyncReport  *report,
                             GError         **error)
{
  Round *round;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  round = g_task_get_task_data (G_TASK (result));
  if (report != NULL)
    *report = round->report;
  return g_task_propagate_boolean (G_TASK (result), error);
}

gint64
care_sync_engine_get_clock_offset (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->clock_offset;
}

gboolean
care_sync_engine_has_clock_offset (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), FALSE);
  return self->has_clock_offset;
}

guint
care_sync_engine_get_retry_after (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->retry_after;
}
