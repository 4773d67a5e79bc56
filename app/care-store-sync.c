/* care-store-sync.c: the sync-facing API.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync daemon reads unsent local events in sequence order, marks them
 * acknowledged once the server has committed them, and applies pages of
 * server records together with the pull cursor in one transaction, so the
 * cursor can never run ahead of the data it covers.
 */
#include "care-config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "care-chain.h"
#include "care-store-private.h"

/* SQL --------------------------------------------------------------------- */

static const char SQL_UNSENT[] =
  "SELECT " EVENT_COLUMNS " FROM events WHERE device = ? AND seq > ? AND sync = 0 ORDER BY seq LIMIT ?";
/* Only the range not yet acknowledged (?3 the acknowledged sequence), so
 * marking a batch costs that batch, not the whole log. */
static const char SQL_MARK_ACKED[] =
  "UPDATE events SET sync = 1, sync_reason = NULL WHERE device = ?1 AND seq > ?3 AND seq <= ?2 AND sync = 0";
/* A run the co-op received, acknowledged in the same statement where the
 * acknowledgement covers it (?6 < seq <= ?5): each row is rewritten once,
 * not once per column (a sync's acknowledgements were about a sixth of the
 * daemon's time taking 50,000 records). */
static const char SQL_MARK_RECEIVED[] =
  "UPDATE events SET received_at = coalesce (received_at, ?4),"
  " sync = CASE WHEN sync = 0 AND seq > ?6 AND seq <= ?5 THEN 1 ELSE sync END,"
  " sync_reason = CASE WHEN sync = 0 AND seq > ?6 AND seq <= ?5 THEN NULL ELSE sync_reason END"
  " WHERE device = ?1 AND seq BETWEEN ?2 AND ?3"
  " AND (received_at IS NULL OR (sync = 0 AND seq > ?6 AND seq <= ?5))";
static const char SQL_RESET_ACKED[] =
  "UPDATE events SET sync = 0 WHERE device = ? AND seq > ? AND sync = 1";
static const char SQL_LAST_SEQ[] = "SELECT coalesce(max(seq), 0) FROM events WHERE device = ?";
static const char SQL_EVENT_SYNC[] = "SELECT sync, sync_reason FROM events WHERE id = ?";
static const char SQL_QUARANTINE[] =
  "UPDATE events SET sync = ?3, sync_code = ?4, sync_reason = ?1 WHERE id = ?2 AND device = ?5";

static gint64
get_int_meta (CareStore  *self,
              const char *key)
{
  g_autofree char *value = care_store_get_meta (self, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static gboolean
set_int_meta (CareStore  *self,
              const char *key,
              gint64      value,
              GError    **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return care_store_set_meta (self, key, text, error);
}

static gboolean
require_identity (CareStore *self,
                  GError   **error)
{
  if (self->device != NULL)
    return TRUE;
  g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_ENROLLED,
               _("This profile is not set up yet: enrol this tablet first."));
  return FALSE;
}

GPtrArray *
care_store_read_unsent (CareStore *self,
                        gint64     after_seq,
                        guint      limit,
                        GError   **error)
{
  g_autoptr(CareStmt) stmt = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  if (!require_identity (self, error))
    return NULL;
  stmt = care_store_stmt (self, SQL_UNSENT, error);
  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, self->device);
  sqlite3_bind_int64 (stmt, 2, after_seq);
  sqlite3_bind_int (stmt, 3, limit ? limit : 500);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (events, care_store_event_to_send_from_row (stmt, 0));
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&events);
}

static gint64
last_seq (CareStore *self,
          GError   **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_LAST_SEQ, error);

  if (stmt == NULL)
    return -1;
  care_store_bind_text (stmt, 1, self->device);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
update_seq (CareStore  *self,
            const char *sql,
            gint64      seq,
            gint64      after,
            GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, self->device);
  sqlite3_bind_int64 (stmt, 2, seq);
  if (after >= 0)
    sqlite3_bind_int64 (stmt, 3, after);
  return care_store_run (self, stmt, error);
}

gboolean
care_store_get_sync_position (CareStore *self,
                              gint64    *acked,
                              gint64    *last,
                              GError   **error)
{
  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  *acked = *last = 0;
  if (self->device == NULL)
    return TRUE;
  *last = last_seq (self, error);
  if (*last < 0)
    return FALSE;
  *acked = get_int_meta (self, "acked_seq");
  return TRUE;
}

/* The acknowledgement seq as it can be taken, into *to (from the stored
 * *acked): never backwards, and never beyond the last sequence this
 * device wrote (a server claiming more cannot make records written later
 * count as sent). FALSE: the store failed. */
static gboolean
ack_range (CareStore *self,
           gint64     seq,
           gint64    *acked,
           gint64    *to,
           GError   **error)
{
  gint64 last;

  *acked = get_int_meta (self, "acked_seq");
  *to = *acked;
  if (seq <= *acked)
    return TRUE;
  last = last_seq (self, error);
  if (last < 0)
    return FALSE;
  *to = MAX (MIN (seq, last), *acked);
  return TRUE;
}

static gboolean
mark_acked_locked (CareStore *self,
                   gint64     acked,
                   gint64     to,
                   GError   **error)
{
  if (to <= acked)
    return TRUE;
  return update_seq (self, SQL_MARK_ACKED, to, acked, error)
         && set_int_meta (self, "acked_seq", to, error);
}

static gboolean
mark_received_locked (CareStore         *self,
                      const CareReceipt *receipt,
                      gint64             acked,
                      gint64             to,
                      GError           **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_MARK_RECEIVED, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, self->device);
  sqlite3_bind_int64 (stmt, 2, receipt->first_seq);
  sqlite3_bind_int64 (stmt, 3, receipt->last_seq);
  sqlite3_bind_int64 (stmt, 4, receipt->received);
  sqlite3_bind_int64 (stmt, 5, to);
  sqlite3_bind_int64 (stmt, 6, acked);
  return care_store_run (self, stmt, error);
}

gboolean
care_store_mark_acked (CareStore *self,
                       gint64     seq,
                       GError   **error)
{
  return care_store_mark_acked_received (self, seq, NULL, 0, error);
}

gboolean
care_store_mark_acked_received (CareStore         *self,
                                gint64             seq,
                                const CareReceipt *receipts,
                                guint              n_receipts,
                                GError           **error)
{
  gint64 acked = 0, to = 0;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (receipts != NULL || n_receipts == 0, FALSE);

  if (!require_identity (self, error) || !care_store_begin (self, error))
    return FALSE;
  if (!ack_range (self, seq, &acked, &to, error))
    goto failed;
  /* The runs received first, acknowledged with them; then what the
   * acknowledgement covers beyond them. */
  for (guint i = 0; i < n_receipts; i++)
    if (receipts[i].received > 0 && !mark_received_locked (self, &receipts[i], acked, to, error))
      goto failed;
  if (!mark_acked_locked (self, acked, to, error))
    goto failed;
  return care_store_commit (self, error);

failed:
  care_store_rollback (self);
  return FALSE;
}

gboolean
care_store_reset_acked (CareStore *self,
                        gint64     seq,
                        GError   **error)
{
  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  if (!require_identity (self, error) || !care_store_begin (self, error))
    return FALSE;
  seq = MAX (seq, 0);
  if (!update_seq (self, SQL_RESET_ACKED, seq, -1, error)
      || (get_int_meta (self, "acked_seq") > seq && !set_int_meta (self, "acked_seq", seq, error)))
    {
      care_store_rollback (self);
      return FALSE;
    }
  return care_store_commit (self, error);
}

gboolean
care_store_quarantine (CareStore  *self,
                       const char *event_id,
                       const char *code,
                       const char *reason,
                       GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_QUARANTINE, error);

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, reason ? reason : "");
  care_store_bind_text (stmt, 2, event_id);
  sqlite3_bind_int (stmt, 3, g_strcmp0 (code, "held") == 0 ? SYNC_HELD : SYNC_QUARANTINED);
  care_store_bind_text (stmt, 4, code);
  care_store_bind_text (stmt, 5, self->device);
  if (!care_store_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND,
                   _("There is no record %s in this care log."), event_id);
      return FALSE;
    }
  return TRUE;
}

CareSyncState
care_store_get_event_sync (CareStore  *self,
                           const char *event_id,
                           char      **reason,
                           GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_EVENT_SYNC, error);
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), CARE_SYNC_LOCAL);
  if (reason != NULL)
    *reason = NULL;
  if (stmt == NULL)
    return CARE_SYNC_LOCAL;
  care_store_bind_text (stmt, 1, event_id);
  rc = care_store_step (self, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND,
                 _("There is no record %s in this care log."), event_id);
  if (rc != SQLITE_ROW)
    return CARE_SYNC_LOCAL;
  if (reason != NULL)
    *reason = care_store_column_dup (stmt, 1);
  switch (sqlite3_column_int (stmt, 0))
    {
    case SYNC_SYNCED:
      return CARE_SYNC_SYNCED;
    case SYNC_QUARANTINED:
      return CARE_SYNC_QUARANTINED;
    case SYNC_SET_ASIDE:
      return CARE_SYNC_SET_ASIDE;
    case SYNC_HELD:
      return CARE_SYNC_HELD;
    default:
      return CARE_SYNC_LOCAL;
    }
}

/* The co-op's records as this device already holds them: a pulled record
 * must be the one held under its (device, seq), and a linked one must link
 * to the device's record before it when this device holds that one (a
 * supervisor's store holds every record; a carer's only its scope, so it
 * checks the links it can). Anything else means the co-op's copy changed
 * after this device received it. */
static gboolean
check_chain (CareStore       *self,
             const CareEvent *event,
             GError         **error)
{
  g_autofree char *held = care_store_chain_hash (self, event->device, event->seq, NULL);
  g_autofree char *previous = NULL;
  g_autofree char *hash = NULL;

  if (held != NULL)
    {
      hash = care_event_hash (event);
      if (strcmp (held, hash) != 0)
        goto changed;
      return TRUE;
    }
  if (event->link == NULL || event->seq < 2)
    return TRUE;
  previous = care_store_chain_hash (self, event->device, event->seq - 1, NULL);
  if (previous == NULL || strcmp (previous, event->link) == 0)
    return TRUE;
changed:
  g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CHAIN,
               _("The co-op sent record %s (%s, number %" PRId64 ") in a form that contradicts the "
                 "records this device already holds: the co-op's copy was changed after this device received "
                 "it. Nothing was taken from the co-op; tell your co-ordinator and keep this device as it is."),
               event->id, event->device, event->seq);
  return FALSE;
}

static gboolean
apply_locked (CareStore  *self,
              GPtrArray  *events,
              const char *cursor,
              GError    **error)
{
  g_autoptr(CareDirty) dirty = care_dirty_new ();

  for (guint i = 0; i < events->len; i++)
    {
      const CareEvent *event = events->pdata[i];
      g_autoptr(GError) invalid = NULL;
      gboolean inserted;

      /* A record that fails validation is set aside, not allowed to block
       * the rest of the page. */
      if (!care_event_validate (event, &invalid))
        {
          g_message ("Skipped server record %s: %s", event->id ? event->id : "(no id)", invalid->message);
          continue;
        }
      if (!check_chain (self, event, error)
          || !care_store_insert_event (self, event, SYNC_SYNCED, dirty, &inserted, error))
        return FALSE;
    }
  if (!care_store_derive_flush (self, dirty, error))
    return FALSE;
  return cursor == NULL || care_store_set_meta (self, "pull_cursor", cursor, error);
}

gboolean
care_store_apply_page (CareStore  *self,
                       GPtrArray  *events,
                       const char *cursor,
                       GError    **error)
{
  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (events != NULL, FALSE);
  /* A record read to be sent has its body as text. */
  for (guint i = 0; i < events->len; i++)
    care_event_ensure_body (events->pdata[i]);
  if (!care_store_begin (self, error))
    return FALSE;
  if (!apply_locked (self, events, cursor, error))
    {
      care_store_rollback (self);
      return FALSE;
    }
  return care_store_commit (self, error);
}

char *
care_store_get_pull_cursor (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  return care_store_get_meta (self, "pull_cursor");
}

gboolean
care_store_reset_pull_cursor (CareStore *self,
                              GError   **error)
{
  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  return care_store_set_meta (self, "pull_cursor", NULL, error);
}
