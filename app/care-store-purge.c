/* care-store-purge.c: retention on a carer's tablet.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A carer's tablet keeps a visit's records (check-in, tasks, notes,
 * amendments, reviews, answers) only for the co-op's retention period
 * (meta "retention_days", default CARE_STORE_RETENTION_DAYS) after every
 * one of them reached the co-op, and only once the visit is finished or
 * cancelled with no open query; the rota records of a schedule go the same
 * way once it ended that long ago and no kept visit refers to it. Records
 * not yet delivered, refused by the co-op or about a visit with an open
 * query always stay. Supervisors' stores and the server keep everything.
 *
 * The store's append-only trigger (migration 6) allows exactly these
 * deletions and refuses any other, so a mistake here fails loudly instead
 * of losing a record. Each call removes at most a small batch of visits in
 * one short transaction: the daemon calls it repeatedly, off the main
 * thread, on a connection of its own.
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-store-private.h"

#define DAY_MS (G_GINT64_CONSTANT (24) * 3600 * 1000)

/* SQL --------------------------------------------------------------------- */

static const char SQL_PURGEABLE_VISITS[] =
  "SELECT v.visit FROM visits v WHERE v.visit IS NOT NULL AND v.base IN (2, 3) AND v.open_query IS NULL"
  " AND NOT EXISTS (SELECT 1 FROM events o WHERE o.subject = v.visit"
  "   AND (o.sync != 1 OR o.received_at IS NULL OR o.received_at >= ?1))"
  " ORDER BY v.start_key LIMIT ?2";
static const char SQL_PURGEABLE_SCHEDULES[] =
  "SELECT s.schedule FROM schedules s WHERE s.start + s.minutes * 60000 < ?1"
  " AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.visit IS NOT NULL AND v.schedule = s.schedule)"
  " AND NOT EXISTS (SELECT 1 FROM events o WHERE o.subject = s.schedule"
  "   AND (o.sync != 1 OR o.received_at IS NULL OR o.received_at >= ?1))"
  " ORDER BY s.start LIMIT ?2";
/* The chain goes on across what retention removes (care-verify.h). */
static const char SQL_KEEP_HASHES[] =
  "INSERT OR IGNORE INTO purged (device, seq, hash) SELECT device, seq, hash FROM events WHERE subject = ?";
static const char SQL_DELETE_EVENTS[] = "DELETE FROM events WHERE subject = ?";
static const char SQL_DELETE_ANSWERS[] =
  "DELETE FROM answers WHERE review IN (SELECT review FROM reviews WHERE visit = ?)";
static const char SQL_DELETE_REVIEWS[] = "DELETE FROM reviews WHERE visit = ?";
static const char SQL_DELETE_SCHEDULE[] = "DELETE FROM schedules WHERE schedule = ?";
static const char SQL_DELETE_SCHEDULE_ROW[] = "DELETE FROM visits WHERE vkey = 'schedule:' || ?";

static gboolean
run_with_id (CareStore  *self,
             const char *sql,
             const char *id,
             GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, id);
  return care_store_run (self, stmt, error);
}

static GPtrArray *
select_ids (CareStore  *self,
            const char *sql,
            gint64      before,
            guint       limit,
            GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, before);
  sqlite3_bind_int (stmt, 2, (int) limit);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (ids, care_store_column_dup (stmt, 0));
  return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
}

static gboolean
purge_locked (CareStore *self,
              gint64     before,
              guint      limit,
              guint     *purged,
              GError   **error)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, before);
  g_autoptr(CareDirty) dirty = care_dirty_new ();
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) schedules = NULL;

  /* What the trigger compares against: the same bound as the selection. */
  if (!care_store_set_meta (self, "purge_before", value, error))
    return FALSE;
  visits = select_ids (self, SQL_PURGEABLE_VISITS, before, limit, error);
  if (visits == NULL)
    return FALSE;
  for (guint i = 0; i < visits->len; i++)
    {
      const char *visit = visits->pdata[i];

      if (!run_with_id (self, SQL_KEEP_HASHES, visit, error) || !run_with_id (self, SQL_DELETE_EVENTS, visit, error)
          || !run_with_id (self, SQL_DELETE_ANSWERS, visit, error)
          || !run_with_id (self, SQL_DELETE_REVIEWS, visit, error))
        return FALSE;
      care_dirty_add_visit (dirty, visit);
    }
  /* With no events left, recomputing a visit drops its row, its notes and
   * their full-text index. */
  if (!care_store_derive_flush (self, dirty, error))
    return FALSE;
  schedules = select_ids (self, SQL_PURGEABLE_SCHEDULES, before, limit, error);
  if (schedules == NULL)
    return FALSE;
  for (guint i = 0; i < schedules->len; i++)
    {
      const char *schedule = schedules->pdata[i];

      if (!run_with_id (self, SQL_KEEP_HASHES, schedule, error) || !run_with_id (self, SQL_DELETE_EVENTS, schedule, error)
          || !run_with_id (self, SQL_DELETE_SCHEDULE, schedule, error)
          || !run_with_id (self, SQL_DELETE_SCHEDULE_ROW, schedule, error))
        return FALSE;
    }
  *purged = visits->len + schedules->len;
  return TRUE;
}

/* The retention period of this tablet, in days: the co-op's setting (meta
 * "retention_days"), else CARE_STORE_RETENTION_DAYS. */
guint
care_store_get_retention_days (CareStore *self)
{
  g_autofree char *value = NULL;
  guint64 days;

  g_return_val_if_fail (CARE_IS_STORE (self), CARE_STORE_RETENTION_DAYS);
  value = care_store_get_meta (self, "retention_days");
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 3650, &days, NULL))
    return CARE_STORE_RETENTION_DAYS;
  return (guint) days;
}

/* Removes at most LIMIT visits (and as many ended schedules) that a carer's
 * tablet no longer keeps, in one transaction; *purged says how many went
 * (0: nothing is left to remove now). Does nothing on a store that is not a
 * carer's. */
gboolean
care_store_purge (CareStore *self,
                  guint      limit,
                  guint     *purged,
                  GError   **error)
{
  gint64 before;
  guint n = 0;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (limit > 0, FALSE);
  if (purged != NULL)
    *purged = 0;
  if (self->role != CARE_ROLE_CARER)
    return TRUE;
  before = care_store_now (self) - (gint64) care_store_get_retention_days (self) * DAY_MS;
  if (!care_store_begin (self, error))
    return FALSE;
  if (!purge_locked (self, before, limit, &n, error))
    {
      care_store_rollback (self);
      return FALSE;
    }
  if (!care_store_commit (self, error))
    return FALSE;
  if (purged != NULL)
    *purged = n;
  return TRUE;
}
