/* care-store-query.c: what the app, the supervisor and the CLI read.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists read the indexed derived tables only. The state of a scheduled
 * visit that has not started (upcoming, late, missed) depends on the time of
 * the query, so it is computed here from the planned times, not stored.
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-store-private.h"
#include "care-words.h"

#define MINUTE_MS (60 * 1000)
#define DAY_MS (24 * 60 * MINUTE_MS)

/* SQL --------------------------------------------------------------------- */

#define SUMMARY_COLUMNS \
  "v.vkey, v.visit, v.schedule, v.client, c.name, c.address, v.carer, m.name, v.service," \
  " v.planned_start, v.planned_minutes, v.started_at, v.finished_at, v.recorded_started_at," \
  " v.recorded_finished_at, v.base, v.review, v.open_query, v.flags," \
  " (SELECT max(CASE e.sync WHEN 2 THEN 2 WHEN 4 THEN 2 WHEN 0 THEN 1 ELSE 0 END) FROM events e" \
  "   WHERE v.visit IS NOT NULL AND e.subject = v.visit)," \
  " v.has_location, v.lat, v.lon, v.accuracy," \
  " (SELECT json_extract (e.body, '$.message') FROM events e WHERE v.review = 0 AND v.visit IS NOT NULL" \
  "   AND e.subject = v.visit AND e.type = 'query.answered' ORDER BY e.hlc DESC LIMIT 1)"
#define SUMMARY_FROM \
  " FROM visits v LEFT JOIN clients c ON c.client = v.client LEFT JOIN members m ON m.member = v.carer"
/* Flags including the time-dependent "missed"; ?7 is now. */
#define EFFECTIVE_FLAGS \
  "(v.flags | CASE WHEN v.base = 0 AND v.planned_start + v.planned_minutes * 60000 <= ?7" \
  " THEN 2 ELSE 0 END)"
#define FILTER_REST \
  " AND v.start_key >= ?3 AND v.start_key < ?4 AND (?5 < 0 OR v.review = ?5 OR (?5 = 0 AND v.review = 4))" \
  " AND (?6 = 0 OR (" EFFECTIVE_FLAGS " & ?6) != 0)"
#define ORDER_TIME " ORDER BY v.start_key DESC, v.vkey LIMIT ?8 OFFSET ?9"
/* Exceptions first runs in up to three steps, each newest first, so that
 * none needs to sort: visits with a safeguarding note, then other visits
 * needing attention (both found through the partial, covering index
 * visits_attention: flags set, or scheduled and possibly missed), then the
 * rest. An open dispute by the client or family comes right after
 * safeguarding concerns. */
#define ATTENTION " AND (v.flags != 0 OR v.base = 0) AND " EFFECTIVE_FLAGS " != 0"
#define SAFEGUARDING ATTENTION " AND (v.flags & 1) != 0"
#define DISPUTED ATTENTION " AND (v.flags & 1) = 0 AND (v.flags & 256) != 0"
#define OTHER_ATTENTION ATTENTION " AND (v.flags & 1) = 0 AND (v.flags & 256) = 0"
#define CALM " AND " EFFECTIVE_FLAGS " = 0"
#define WHERE_CARER " WHERE v.carer = ?1 AND ?2 IS NULL" FILTER_REST
#define WHERE_CLIENT " WHERE v.client = ?2 AND ?1 IS NULL" FILTER_REST
#define WHERE_BOTH " WHERE v.carer = ?1 AND v.client = ?2" FILTER_REST
#define WHERE_ALL " WHERE ?1 IS NULL AND ?2 IS NULL" FILTER_REST
#define LIST_VARIANTS(prefix, suffix) { \
    prefix WHERE_ALL suffix, prefix WHERE_CARER suffix, prefix WHERE_CLIENT suffix, prefix WHERE_BOTH suffix }

enum { LIST_TIME, LIST_SAFEGUARDING, LIST_DISPUTED, LIST_OTHER_ATTENTION, LIST_CALM, N_LISTS };

static const char *SQL_LIST[N_LISTS][4] = {
  LIST_VARIANTS ("SELECT " SUMMARY_COLUMNS SUMMARY_FROM, ORDER_TIME),
  LIST_VARIANTS ("SELECT " SUMMARY_COLUMNS SUMMARY_FROM, SAFEGUARDING ORDER_TIME),
  LIST_VARIANTS ("SELECT " SUMMARY_COLUMNS SUMMARY_FROM, DISPUTED ORDER_TIME),
  LIST_VARIANTS ("SELECT " SUMMARY_COLUMNS SUMMARY_FROM, OTHER_ATTENTION ORDER_TIME),
  LIST_VARIANTS ("SELECT " SUMMARY_COLUMNS SUMMARY_FROM, CALM ORDER_TIME),
};
static const char *SQL_COUNT_STEP[N_LISTS][4] = {
  LIST_VARIANTS ("SELECT count(*), ?8, ?9 FROM visits v", ""),
  LIST_VARIANTS ("SELECT count(*), ?8, ?9 FROM visits v", SAFEGUARDING),
  LIST_VARIANTS ("SELECT count(*), ?8, ?9 FROM visits v", DISPUTED),
  LIST_VARIANTS ("SELECT count(*), ?8, ?9 FROM visits v", OTHER_ATTENTION),
  LIST_VARIANTS ("SELECT count(*), ?8, ?9 FROM visits v", CALM),
};
#define COUNT_COLUMNS \
  "SELECT sum((" EFFECTIVE_FLAGS " & 1) != 0), sum((" EFFECTIVE_FLAGS " & 2) != 0)," \
  " sum((" EFFECTIVE_FLAGS " & 4) != 0), sum((" EFFECTIVE_FLAGS " & 8) != 0)," \
  " sum((" EFFECTIVE_FLAGS " & 16) != 0), sum((" EFFECTIVE_FLAGS " & 32) != 0)," \
  " sum((" EFFECTIVE_FLAGS " & 64) != 0), ?8, ?9 FROM visits v"
static const char *SQL_COUNT[4] = LIST_VARIANTS (COUNT_COLUMNS, ATTENTION);
static const char SQL_DAY[] =
  "SELECT " SUMMARY_COLUMNS SUMMARY_FROM
  " WHERE v.carer = ? AND v.start_key >= ? AND v.start_key < ? ORDER BY v.start_key, v.vkey";
static const char SQL_ONE[] = "SELECT " SUMMARY_COLUMNS SUMMARY_FROM " WHERE v.vkey = ?";
static const char SQL_OPEN_REVIEW[] =
  "SELECT r.review FROM visits v JOIN reviews r ON r.visit = v.visit"
  " WHERE v.vkey = ? AND v.review = 2 AND r.action = 'query'"
  " ORDER BY r.hlc DESC, r.device DESC, r.seq DESC LIMIT 1";
static const char SQL_SCHEDULE_EVENTS[] =
  "SELECT " EVENT_COLUMNS " FROM events WHERE subject = ? AND type = 'visit.cancelled'"
  " ORDER BY hlc, device, seq";
static const char SQL_NOTES_OF_VISIT[] =
  "SELECT note, category, text, retracted, author, created_at FROM notes WHERE visit = ? ORDER BY created_at, note";
static const char SQL_MESSAGES[] =
  "SELECT e.id, json_extract (e.body, '$.client'), c.name, e.author, m.name, e.wall,"
  " json_extract (e.body, '$.text') FROM events e"
  " LEFT JOIN clients c ON c.client = json_extract (e.body, '$.client')"
  " LEFT JOIN members m ON m.member = e.author"
  " WHERE e.type = 'message.sent' ORDER BY e.wall DESC LIMIT ?";
static const char SQL_SEARCH[] =
  "SELECT n.note, n.visit, c.name, n.category,"
  " snippet(notes_fts, 0, '[', ']', '…', 12), n.created_at"
  " FROM notes_fts f JOIN notes n ON n.pos = f.rowid LEFT JOIN clients c ON c.client = n.client"
  " WHERE notes_fts MATCH ? ORDER BY rank LIMIT ?";
static const char SQL_WEEK_VISITS[] =
  "SELECT started_at, finished_at FROM visits WHERE carer = ? AND start_key >= ? AND start_key < ?"
  " AND base = 2";
static const char SQL_WEEK_PLANNED[] =
  "SELECT coalesce(sum(planned_minutes), 0) FROM visits WHERE carer = ? AND start_key >= ?"
  " AND start_key < ? AND planned_start > 0 AND base != 3";
static const char SQL_WEEK_ENTRIES[] =
  "SELECT date, kind, minutes, entry, comment FROM hours_entries WHERE carer = ? AND date >= ? AND date <= ?"
  " ORDER BY date, hlc";
static const char SQL_SHEET_REVIEW[] =
  "SELECT r.action, EXISTS (SELECT 1 FROM answers a WHERE a.review = r.review), r.hlc,"
  " (SELECT json_extract (e.body, '$.saw') FROM events e WHERE e.device = r.device AND e.seq = r.seq),"
  " r.review, r.message"
  " FROM reviews r WHERE r.carer = ? AND r.week = ? ORDER BY r.hlc DESC, r.device DESC, r.seq DESC LIMIT 1";
/* The records that make a carer's week: check-ins, check-outs, amendments
 * and cancellations of the visits starting in it (from the evening before:
 * a visit can run into Monday) and its manual hours; and those of the
 * visits and entries that ?6 (a JSON list of record ids, an approval's
 * "saw") names, so that a visit moved out of an approved week changes it. */
static const char SQL_WEEK_RECORDS[] =
  "WITH subjects (s) AS ("
  "  SELECT visit FROM visits WHERE carer = ?1 AND start_key >= ?2 AND start_key < ?3 AND visit IS NOT NULL"
  "  UNION SELECT entry FROM hours_entries WHERE carer = ?1 AND date >= ?4 AND date <= ?5"
  "  UNION SELECT subject FROM events WHERE id IN (SELECT value FROM json_each (?6)))"
  " SELECT id, hlc FROM events WHERE subject IN (SELECT s FROM subjects) AND type IN"
  " ('visit.started', 'visit.finished', 'visit.amended', 'visit.cancelled', 'hours.added') ORDER BY id";
static const char SQL_WEEK_OPEN_QUERIES[] =
  "SELECT count(*) FROM visits WHERE carer = ? AND start_key >= ? AND start_key < ? AND review = 2";
static const char SQL_WEEK_UNREVIEWED[] =
  "SELECT count(*) FROM visits WHERE carer = ? AND start_key >= ? AND start_key < ? AND flags != 0"
  " AND review IN (0, 4) AND base != 3";
static const char SQL_ALL_CLIENTS[] =
  "SELECT client FROM clients WHERE active ORDER BY name, client";
static const char SQL_CARER_CLIENTS[] =
  "SELECT a.client FROM assignments a LEFT JOIN clients c ON c.client = a.client"
  " WHERE a.carer = ? AND a.active AND coalesce(c.active, 1) ORDER BY c.name, a.client";
static const char SQL_CLIENT_NAME[] = "SELECT name FROM clients WHERE client = ?";
static const char SQL_CLIENT_ADDRESS[] = "SELECT address FROM clients WHERE client = ?";
static const char SQL_MEMBER_NAME[] = "SELECT name FROM members WHERE member = ?";
static const char SQL_OUTBOX_COUNTS[] =
  "SELECT coalesce(sum(sync = 0), 0), coalesce(sum(sync IN (2, 4)), 0), coalesce(sum(sync = 1), 0),"
  " coalesce(max(seq), 0) FROM events WHERE device = ?";
static const char SQL_OUTBOX[] =
  "SELECT " EVENT_COLUMNS " FROM events WHERE device = ? AND sync NOT IN (1, 3) ORDER BY seq LIMIT ?";

/* Summaries --------------------------------------------------------------- */

CareVisitSummary *
care_visit_summary_copy (const CareVisitSummary *s)
{
  CareVisitSummary *copy = g_new0 (CareVisitSummary, 1);

  *copy = *s;
  copy->visit = g_strdup (s->visit);
  copy->schedule = g_strdup (s->schedule);
  copy->client = g_strdup (s->client);
  copy->client_name = g_strdup (s->client_name);
  copy->client_address = g_strdup (s->client_address);
  copy->carer = g_strdup (s->carer);
  copy->carer_name = g_strdup (s->carer_name);
  copy->service = g_strdup (s->service);
  copy->open_query = g_strdup (s->open_query);
  copy->answer = g_strdup (s->answer);
  return copy;
}

void
care_visit_summary_free (CareVisitSummary *s)
{
  if (s == NULL)
    return;
  g_free (s->visit);
  g_free (s->schedule);
  g_free (s->client);
  g_free (s->client_name);
  g_free (s->client_address);
  g_free (s->carer);
  g_free (s->carer_name);
  g_free (s->service);
  g_free (s->open_query);
  g_free (s->answer);
  g_free (s);
}

static CareVisitState
state_of (int    base,
          gint64 planned_start,
          gint64 planned_minutes,
          gint64 now)
{
  switch (base)
    {
    case BASE_IN_PROGRESS:
      return CARE_VISIT_IN_PROGRESS;
    case BASE_DONE:
      return CARE_VISIT_DONE;
    case BASE_CANCELLED:
      return CARE_VISIT_CANCELLED;
    default:
      if (now < planned_start)
        return CARE_VISIT_UPCOMING;
      if (now < planned_start + planned_minutes * MINUTE_MS)
        return CARE_VISIT_LATE;
      return CARE_VISIT_MISSED;
    }
}

static CareSyncState
sync_of_column (sqlite3_stmt *stmt,
                int           c)
{
  if (sqlite3_column_type (stmt, c) == SQLITE_NULL)
    return CARE_SYNC_SYNCED;
  switch (sqlite3_column_int (stmt, c))
    {
    case 2:
      return CARE_SYNC_QUARANTINED;
    case 1:
      return CARE_SYNC_LOCAL;
    default:
      return CARE_SYNC_SYNCED;
    }
}

static void
summary_fill (CareVisitSummary *s,
              sqlite3_stmt     *stmt,
              gint64            now)
{
  s->visit = care_store_column_dup (stmt, 1);
  s->schedule = care_store_column_dup (stmt, 2);
  s->client = care_store_column_dup (stmt, 3);
  s->client_name = care_store_column_dup (stmt, 4);
  s->client_address = care_store_column_dup (stmt, 5);
  s->carer = care_store_column_dup (stmt, 6);
  s->carer_name = care_store_column_dup (stmt, 7);
  s->service = care_store_column_dup (stmt, 8);
  s->planned_start = sqlite3_column_int64 (stmt, 9);
  s->planned_minutes = sqlite3_column_int64 (stmt, 10);
  s->started_at = sqlite3_column_int64 (stmt, 11);
  s->finished_at = sqlite3_column_int64 (stmt, 12);
  s->recorded_started_at = sqlite3_column_int64 (stmt, 13);
  s->recorded_finished_at = sqlite3_column_int64 (stmt, 14);
  s->state = state_of (sqlite3_column_int (stmt, 15), s->planned_start, s->planned_minutes, now);
  s->review = sqlite3_column_int (stmt, 16);
  s->open_query = care_store_column_dup (stmt, 17);
  s->flags = sqlite3_column_int (stmt, 18);
  if (s->state == CARE_VISIT_MISSED)
    s->flags |= CARE_VISIT_FLAG_MISSED;
  s->sync = sync_of_column (stmt, 19);
  s->answer = care_store_column_dup (stmt, 24);
  if (s->client_name == NULL)
    s->client_name = g_strdup (s->client);
  if (s->carer_name == NULL)
    s->carer_name = g_strdup (s->carer);
}

static CareVisitSummary *
summary_from_row (sqlite3_stmt *stmt,
                  gint64        now)
{
  CareVisitSummary *s = g_new0 (CareVisitSummary, 1);

  summary_fill (s, stmt, now);
  return s;
}

static GPtrArray *
collect_summaries (CareStore    *self,
                   sqlite3_stmt *stmt,
                   GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) care_visit_summary_free);
  gint64 now = care_store_now (self);
  int rc;

  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (list, summary_from_row (stmt, now));
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&list);
}

GPtrArray *
care_store_list_day (CareStore   *self,
                     const char  *carer,
                     const GDate *day,
                     GError     **error)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self);
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_DAY, error);
  gint64 start, end;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  if (stmt == NULL)
    return NULL;
  care_store_day_bounds (tz, day, &start, &end);
  care_store_bind_text (stmt, 1, carer);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_int64 (stmt, 3, end);
  return collect_summaries (self, stmt, error);
}

static sqlite3_stmt *
filter_stmt (CareStore             *self,
             const char            *sql,
             const CareVisitFilter *filter,
             GError               **error)
{
  sqlite3_stmt *stmt = care_store_stmt (self, sql, error);

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, filter->carer);
  care_store_bind_text (stmt, 2, filter->client);
  sqlite3_bind_int64 (stmt, 3, filter->from > 0 ? filter->from : G_MININT64);
  sqlite3_bind_int64 (stmt, 4, filter->to > 0 ? filter->to : G_MAXINT64);
  sqlite3_bind_int (stmt, 5, filter->review);
  sqlite3_bind_int (stmt, 6, filter->flags_any);
  sqlite3_bind_int64 (stmt, 7, care_store_now (self));
  sqlite3_bind_int (stmt, 8, filter->limit ? filter->limit : 100);
  sqlite3_bind_int (stmt, 9, filter->offset);
  return stmt;
}

static int
filter_variant (const CareVisitFilter *filter)
{
  return (filter->carer != NULL ? 1 : 0) | (filter->client != NULL ? 2 : 0);
}

static gboolean
collect_into (CareStore    *self,
              sqlite3_stmt *stmt,
              GPtrArray    *list,
              GError      **error)
{
  gint64 now = care_store_now (self);
  int rc;

  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (list, summary_from_row (stmt, now));
  return rc == SQLITE_DONE;
}

static gint64
count_step (CareStore             *self,
            int                    step,
            const CareVisitFilter *filter,
            GError               **error)
{
  g_autoptr(CareStmt) stmt = filter_stmt (self, SQL_COUNT_STEP[step][filter_variant (filter)], filter, error);

  if (stmt == NULL || care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
list_exceptions_first (CareStore             *self,
                       const CareVisitFilter *filter,
                       GPtrArray             *list,
                       GError               **error)
{
  CareVisitFilter step_filter = *filter;
  guint limit = filter->limit ? filter->limit : 100;

  for (int step = LIST_SAFEGUARDING; step <= LIST_CALM && list->len < limit; step++)
    {
      g_autoptr(CareStmt) stmt = NULL;
      guint before = list->len;

      step_filter.limit = limit - list->len;
      stmt = filter_stmt (self, SQL_LIST[step][filter_variant (filter)], &step_filter, error);
      if (stmt == NULL || !collect_into (self, stmt, list, error))
        return FALSE;
      /* Rows returned used up the offset; none returned may mean this
       * step had fewer rows than the offset still to skip. */
      if (list->len > before)
        step_filter.offset = 0;
      else if (step_filter.offset > 0 && step < LIST_CALM)
        {
          gint64 n = count_step (self, step, &step_filter, error);

          if (n < 0)
            return FALSE;
          step_filter.offset = (guint) MAX ((gint64) step_filter.offset - n, 0);
        }
    }
  return TRUE;
}

GPtrArray *
care_store_list_visits (CareStore             *self,
                        const CareVisitFilter *filter,
                        GError               **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) care_visit_summary_free);
  g_autoptr(CareStmt) stmt = NULL;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  if (filter->exceptions_first)
    return list_exceptions_first (self, filter, list, error) ? g_steal_pointer (&list) : NULL;
  stmt = filter_stmt (self, SQL_LIST[LIST_TIME][filter_variant (filter)], filter, error);
  if (stmt == NULL || !collect_into (self, stmt, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
care_store_count_exceptions (CareStore             *self,
                             const CareVisitFilter *filter,
                             gint64                 counts[7],
                             GError               **error)
{
  g_autoptr(CareStmt) stmt = NULL;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  stmt = filter_stmt (self, SQL_COUNT[filter_variant (filter)], filter, error);
  if (stmt == NULL || care_store_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  for (int i = 0; i < 7; i++)
    counts[i] = sqlite3_column_int64 (stmt, i);
  return TRUE;
}

/* One visit --------------------------------------------------------------- */

static void
task_state_free (CareTaskState *t)
{
  g_free (t->task);
  g_free (t->label);
  g_free (t->reason);
  g_free (t);
}

static void
note_version_free (CareNoteVersion *v)
{
  g_free (v->text);
  g_free (v->reason);
  g_free (v->author);
  g_free (v);
}

static void
care_note_free (CareNote *n)
{
  g_free (n->note);
  g_free (n->category);
  g_free (n->text);
  g_free (n->author);
  g_clear_pointer (&n->versions, g_ptr_array_unref);
  g_free (n);
}

static void
history_entry_free (CareHistoryEntry *h)
{
  g_free (h->event);
  g_free (h->author);
  g_free (h->device);
  g_free (h->description);
  g_free (h->reason);
  g_free (h);
}

void
care_visit_detail_free (CareVisitDetail *d)
{
  if (d == NULL)
    return;
  g_free (d->summary.visit);
  g_free (d->summary.schedule);
  g_free (d->summary.client);
  g_free (d->summary.client_name);
  g_free (d->summary.client_address);
  g_free (d->summary.carer);
  g_free (d->summary.carer_name);
  g_free (d->summary.service);
  g_free (d->summary.open_query);
  g_free (d->summary.answer);
  g_clear_pointer (&d->tasks, g_ptr_array_unref);
  g_clear_pointer (&d->notes, g_ptr_array_unref);
  g_free (d->verified);
  g_free (d->verified_by);
  g_free (d->verified_reason);
  g_free (d->verified_text);
  g_free (d->verified_author);
  g_free (d->dispute_answer);
  g_clear_pointer (&d->history, g_ptr_array_unref);
  g_free (d);
}

static const char *
str_member (const CareEvent *e,
            const char      *name)
{
  return json_object_get_string_member_with_default (e->body, name, NULL);
}

static void
fill_tasks (CareStore       *self,
            CareVisitDetail *d,
            GPtrArray       *events)
{
  g_autoptr(JsonArray) plan = care_store_load_careplan (self, d->summary.client, NULL);

  for (guint i = 0; plan != NULL && i < json_array_get_length (plan); i++)
    {
      JsonObject *t = json_array_get_object_element (plan, i);
      CareTaskState *state = g_new0 (CareTaskState, 1);

      state->task = g_strdup (json_object_get_string_member (t, "task"));
      state->label = g_strdup (json_object_get_string_member (t, "label"));
      state->essential = json_object_get_boolean_member (t, "essential");
      state->answer = -1;
      for (guint j = 0; j < events->len; j++)
        {
          CareEvent *e = events->pdata[j];

          if (e->type != CARE_EVENT_TASK_ANSWERED || g_strcmp0 (str_member (e, "task"), state->task) != 0)
            continue;
          state->answer = json_object_get_boolean_member (e->body, "done") ? 1 : 0;
          g_free (state->reason);
          state->reason = g_strdup (str_member (e, "reason"));
        }
      g_ptr_array_add (d->tasks, state);
    }
}

static CareSyncState
sync_state (int sync)
{
  switch (sync)
    {
    case SYNC_LOCAL:
      return CARE_SYNC_LOCAL;
    case SYNC_QUARANTINED:
      return CARE_SYNC_QUARANTINED;
    case SYNC_SET_ASIDE:
      return CARE_SYNC_SET_ASIDE;
    case SYNC_HELD:
      return CARE_SYNC_HELD;
    default:
      return CARE_SYNC_SYNCED;
    }
}

static void
note_add_version (CareNote        *n,
                  const CareEvent *e,
                  const char      *text,
                  int              sync)
{
  CareNoteVersion *v = g_new0 (CareNoteVersion, 1);

  v->text = g_strdup (text);
  v->reason = g_strdup (str_member (e, "reason"));
  v->author = g_strdup (e->author);
  v->at = e->wall;
  g_ptr_array_add (n->versions, v);
  if (sync_state (sync) == CARE_SYNC_QUARANTINED || n->sync == CARE_SYNC_QUARANTINED)
    n->sync = CARE_SYNC_QUARANTINED;
  else if (sync_state (sync) == CARE_SYNC_LOCAL)
    n->sync = CARE_SYNC_LOCAL;
}

static gboolean
fill_notes (CareStore       *self,
            CareVisitDetail *d,
            GPtrArray       *events,
            GArray          *syncs,
            GError         **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_NOTES_OF_VISIT, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, d->summary.visit);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      CareNote *n = g_new0 (CareNote, 1);

      n->note = care_store_column_dup (stmt, 0);
      n->category = care_store_column_dup (stmt, 1);
      n->text = care_store_column_dup (stmt, 2);
      n->retracted = sqlite3_column_int (stmt, 3);
      n->author = care_store_column_dup (stmt, 4);
      n->created_at = sqlite3_column_int64 (stmt, 5);
      n->urgent = g_strcmp0 (n->category, "safeguarding") == 0;
      n->sync = CARE_SYNC_SYNCED;
      n->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) note_version_free);
      for (guint i = 0; i < events->len; i++)
        {
          CareEvent *e = events->pdata[i];
          int sync = g_array_index (syncs, int, i);

          if (g_strcmp0 (str_member (e, "note"), n->note) != 0)
            continue;
          if (e->type == CARE_EVENT_NOTE_ADDED && n->versions->len == 0)
            {
              n->readers = care_note_readers (e);
              note_add_version (n, e, str_member (e, "text"), sync);
            }
          else if (e->type == CARE_EVENT_NOTE_AMENDED || e->type == CARE_EVENT_NOTE_RETRACTED)
            note_add_version (n, e, e->type == CARE_EVENT_NOTE_AMENDED ? str_member (e, "new") : "", sync);
        }
      g_ptr_array_add (d->notes, n);
    }
  return rc == SQLITE_DONE;
}

static char *
describe_amendment (CareStore       *self,
                    const CareEvent *e)
{
  const char *field = str_member (e, "field");

  if (g_strcmp0 (field, "service") == 0)
    return g_strdup_printf (_("Service changed from “%s” to “%s”"), str_member (e, "old"), str_member (e, "new"));
  else
    {
      g_autofree char *old = care_store_format_time (self, json_object_get_int_member (e->body, "old"));
      g_autofree char *new = care_store_format_time (self, json_object_get_int_member (e->body, "new"));

      if (g_strcmp0 (field, "started_at") == 0)
        return g_strdup_printf (_("Check-in changed from %s to %s"), old, new);
      return g_strdup_printf (_("Check-out changed from %s to %s"), old, new);
    }
}

static const char *
task_label (CareVisitDetail *d,
            const char      *task)
{
  for (guint i = 0; i < d->tasks->len; i++)
    {
      CareTaskState *t = d->tasks->pdata[i];

      if (g_strcmp0 (t->task, task) == 0)
        return t->label;
    }
  return task;
}

static char *
describe (CareStore       *self,
          CareVisitDetail *d,
          const CareEvent *e)
{
  g_autofree char *at = care_store_format_time (self, json_object_get_int_member_with_default (e->body, "at", 0));
  const char *action;

  switch (e->type)
    {
    case CARE_EVENT_VISIT_STARTED:
      /* Translators: a check-in time, then the service, e.g. "Checked in at 09:02 (Personal care)". */
      return g_strdup_printf (_("Checked in at %s (%s)"), at, care_service_label (str_member (e, "service")));
    case CARE_EVENT_VISIT_FINISHED:
      return g_strdup_printf (_("Checked out at %s"), at);
    case CARE_EVENT_TASK_ANSWERED:
      return json_object_get_boolean_member (e->body, "done")
               ? g_strdup_printf (_("Task “%s” done"), task_label (d, str_member (e, "task")))
               : g_strdup_printf (_("Task “%s” not done"), task_label (d, str_member (e, "task")));
    case CARE_EVENT_NOTE_ADDED:
      /* Translators: %s is the note's category, e.g. "Note added: Wellbeing and mood". */
      return g_strdup_printf (_("Note added: %s"), care_note_category_label (str_member (e, "category")));
    case CARE_EVENT_NOTE_AMENDED:
      return g_strdup (_("Note corrected"));
    case CARE_EVENT_NOTE_RETRACTED:
      return g_strdup (_("Note withdrawn"));
    case CARE_EVENT_VISIT_AMENDED:
      return describe_amendment (self, e);
    case CARE_EVENT_VISIT_CANCELLED:
      return str_member (e, "visit") ? g_strdup (_("Visit cancelled")) : g_strdup (_("Scheduled visit cancelled"));
    case CARE_EVENT_QUERY_ANSWERED:
      return g_strdup_printf (_("Query answered: %s"), str_member (e, "message"));
    case CARE_EVENT_REVIEW_ADDED:
      action = str_member (e, "action");
      if (g_strcmp0 (action, "approve") == 0)
        return g_strdup (_("Approved by a co-ordinator"));
      if (g_strcmp0 (action, "withdrawn") == 0)
        return g_strdup_printf (_("Approval withdrawn: %s"), str_member (e, "message"));
      if (g_strcmp0 (action, "query") == 0)
        return g_strdup_printf (_("A co-ordinator asked: %s"), str_member (e, "message"));
      return g_strdup_printf (_("Flagged by a co-ordinator%s%s"), str_member (e, "message") ? ": " : "",
                              str_member (e, "message") ? str_member (e, "message") : "");
    case CARE_EVENT_VISIT_VERIFIED:
      return care_verification_sentence (str_member (e, "outcome"), str_member (e, "by"),
                                         str_member (e, "reason"), str_member (e, "text"));
    case CARE_EVENT_DISPUTE_ANSWERED:
      return g_strdup_printf (_("A co-ordinator answered the dispute: %s"), str_member (e, "message"));
    default:
      return g_strdup (care_event_type_to_string (e->type));
    }
}

/* The client's word and the disputes, from the visit's records in the
 * care log's order. */
static void
fill_verification (CareVisitDetail *d,
                   GPtrArray       *events)
{
  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];

      if (e->type == CARE_EVENT_VISIT_VERIFIED)
        {
          g_free (d->verified);
          g_free (d->verified_by);
          g_free (d->verified_reason);
          g_free (d->verified_text);
          g_free (d->verified_author);
          d->verified = g_strdup (str_member (e, "outcome"));
          d->verified_by = g_strdup (str_member (e, "by"));
          d->verified_reason = g_strdup (str_member (e, "reason"));
          d->verified_text = g_strdup (str_member (e, "text"));
          d->verified_author = g_strdup (e->author);
          d->verified_at = e->wall;
          if (g_strcmp0 (d->verified, "disputed") == 0)
            {
              d->disputes++;
              d->dispute_open = TRUE;
            }
        }
      else if (e->type == CARE_EVENT_DISPUTE_ANSWERED)
        {
          g_free (d->dispute_answer);
          d->dispute_answer = g_strdup (str_member (e, "message"));
          d->dispute_open = FALSE;
        }
    }
}

static void
fill_history (CareStore       *self,
              CareVisitDetail *d,
              GPtrArray       *events,
              GArray          *syncs)
{
  g_autoptr(GHashTable) answers = g_hash_table_new (g_str_hash, g_str_equal);   /* task → "1" / "0" */

  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];
      CareHistoryEntry *h = g_new0 (CareHistoryEntry, 1);
      const char *before = NULL;

      h->event = g_strdup (e->id);
      h->type = e->type;
      h->author = g_strdup (e->author);
      h->device = g_strdup (e->device);
      h->hlc = e->hlc;
      h->wall = e->wall;
      if (e->type == CARE_EVENT_TASK_ANSWERED)
        {
          gboolean done = json_object_get_boolean_member (e->body, "done");

          before = g_hash_table_lookup (answers, str_member (e, "task"));
          g_hash_table_insert (answers, (gpointer) str_member (e, "task"), done ? "1" : "0");
          if (before != NULL && g_str_equal (before, "1") != done)
            h->description = done ? g_strdup_printf (_("Task “%s” changed from not done to done"),
                                                     task_label (d, str_member (e, "task")))
                                  : g_strdup_printf (_("Task “%s” changed from done to not done"),
                                                     task_label (d, str_member (e, "task")));
        }
      if (h->description == NULL)
        h->description = describe (self, d, e);
      h->reason = g_strdup (str_member (e, "reason"));
      h->sync = sync_state (g_array_index (syncs, int, i));
      h->received = e->received;
      g_ptr_array_add (d->history, h);
    }
}

static gboolean
load_summary (CareStore       *self,
              const char      *key,
              CareVisitDetail *d,
              GError         **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_ONE, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, key);
  rc = care_store_step (self, stmt, error);
  if (rc != SQLITE_ROW)
    return FALSE;
  summary_fill (&d->summary, stmt, care_store_now (self));
  d->has_location = sqlite3_column_int (stmt, 20);
  d->lat = sqlite3_column_double (stmt, 21);
  d->lon = sqlite3_column_double (stmt, 22);
  d->accuracy_m = sqlite3_column_double (stmt, 23);
  return TRUE;
}

/* A scheduled visit not started: its cancellations (by a carer or the
 * office), the only records about it besides the rota. */
static GPtrArray *
load_schedule_events (CareStore  *self,
                      const char *schedule,
                      GArray     *syncs,
                      GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_SCHEDULE_EVENTS, error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, schedule);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      int sync = 0;
      g_autoptr(CareEvent) event = care_store_event_from_row (stmt, 0, &sync);

      if (g_strcmp0 (str_member (event, "schedule"), schedule) != 0 || str_member (event, "visit") != NULL)
        continue;
      g_ptr_array_add (events, g_steal_pointer (&event));
      g_array_append_val (syncs, sync);
    }
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&events);
}

CareVisitDetail *
care_store_get_visit (CareStore  *self,
                      const char *visit,
                      GError    **error)
{
  g_autoptr(CareVisitDetail) d = g_new0 (CareVisitDetail, 1);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GArray) syncs = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) live_syncs = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *schedule_key = g_strconcat ("schedule:", visit, NULL);

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  d->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) task_state_free);
  d->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) care_note_free);
  d->history = g_ptr_array_new_with_free_func ((GDestroyNotify) history_entry_free);
  if (!load_summary (self, visit, d, &local) && local == NULL
      && !g_str_has_prefix (visit, "schedule:") && !load_summary (self, schedule_key, d, &local))
    {
      if (local != NULL)
        return g_propagate_error (error, g_steal_pointer (&local)), NULL;
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND,
                   _("There is no visit %s in this care log. Check the visit id."), visit);
      return NULL;
    }
  if (local != NULL)
    return g_propagate_error (error, g_steal_pointer (&local)), NULL;
  events = d->summary.visit ? care_store_load_visit_events (self, d->summary.visit, syncs, error)
                            : load_schedule_events (self, d->summary.schedule, syncs, error);
  if (events == NULL)
    return NULL;
  /* The history shows every record, put right or not; the tasks, notes
   * and the client's word only what counts. */
  live = g_ptr_array_new ();
  live_syncs = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < events->len; i++)
    if (g_array_index (syncs, int, i) != SYNC_SET_ASIDE)
      {
        g_ptr_array_add (live, events->pdata[i]);
        g_array_append_val (live_syncs, g_array_index (syncs, int, i));
      }
  fill_tasks (self, d, live);
  if (d->summary.visit != NULL && !fill_notes (self, d, live, live_syncs, error))
    return NULL;
  fill_history (self, d, events, syncs);
  fill_verification (d, live);
  return g_steal_pointer (&d);
}

char *
care_store_get_open_review (CareStore  *self,
                            const char *visit)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_OPEN_REVIEW, NULL);

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, visit);
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return NULL;
  return care_store_column_dup (stmt, 0);
}

/* Search ------------------------------------------------------------------ */

void
care_note_hit_free (CareNoteHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->note);
  g_free (hit->visit);
  g_free (hit->client_name);
  g_free (hit->category);
  g_free (hit->snippet);
  g_free (hit);
}

/* Each word of what a person typed becomes a quoted prefix term, so that
 * FTS5 syntax characters in it can never make the query fail. */
static char *
fts_query (const char *query)
{
  g_auto(GStrv) words = g_str_tokenize_and_fold (query, NULL, NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;
      g_auto(GStrv) parts = g_strsplit (words[i], "\"", -1);

      escaped = g_strjoinv ("\"\"", parts);
      g_string_append_printf (out, "%s\"%s\"*", out->len ? " " : "", escaped);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GPtrArray *
care_store_search_notes (CareStore  *self,
                         const char *query,
                         guint       limit,
                         GError    **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) care_note_hit_free);
  g_autofree char *match = fts_query (query != NULL ? query : "");
  g_autoptr(CareStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  if (*match == '\0')
    return g_steal_pointer (&hits);
  stmt = care_store_stmt (self, SQL_SEARCH, error);
  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 2, limit ? limit : 50);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      CareNoteHit *hit = g_new0 (CareNoteHit, 1);

      hit->note = care_store_column_dup (stmt, 0);
      hit->visit = care_store_column_dup (stmt, 1);
      hit->client_name = care_store_column_dup (stmt, 2);
      hit->category = care_store_column_dup (stmt, 3);
      hit->snippet = care_store_column_dup (stmt, 4);
      hit->created_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (hits, hit);
    }
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&hits);
}

/* Hours ------------------------------------------------------------------- */

void
care_week_hours_free (CareWeekHours *week)
{
  if (week == NULL)
    return;
  g_free (week->carer);
  g_free (week->review_id);
  g_free (week->review_message);
  g_clear_pointer (&week->entries, g_ptr_array_unref);
  g_free (week);
}

static void
hours_entry_free (CareHoursEntry *entry)
{
  g_free (entry->entry);
  g_free (entry->kind);
  g_free (entry->comment);
  g_free (entry);
}

static void
week_monday (int    iso_year,
             int    iso_week,
             GDate *monday)
{
  /* 4 January is always in week 1. */
  g_date_clear (monday, 1);
  g_date_set_dmy (monday, 4, G_DATE_JANUARY, iso_year);
  g_date_subtract_days (monday, g_date_get_weekday (monday) - G_DATE_MONDAY);
  g_date_add_days (monday, (iso_week - 1) * 7);
}

static void
add_visit_minutes (CareWeekHours *w,
                   const gint64   bounds[8],
                   gint64         start,
                   gint64         end)
{
  for (int d = 0; d < 7; d++)
    {
      gint64 a = MAX (start, bounds[d]);
      gint64 b = MIN (end, bounds[d + 1]);

      if (b > a)
        w->days[d].visit_minutes += (b - a + MINUTE_MS / 2) / MINUTE_MS;
    }
}

static gboolean
week_visits (CareStore     *self,
             CareWeekHours *w,
             const gint64   bounds[8],
             GError       **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_WEEK_VISITS, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, w->carer);
  /* A visit that started the evening before can run into Monday. */
  sqlite3_bind_int64 (stmt, 2, bounds[0] - DAY_MS);
  sqlite3_bind_int64 (stmt, 3, bounds[7]);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    add_visit_minutes (w, bounds, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1));
  return rc == SQLITE_DONE;
}

static gboolean
week_entries (CareStore     *self,
              CareWeekHours *w,
              const GDate   *monday,
              GError       **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_WEEK_ENTRIES, error);
  char first[16], last[16];
  GDate sunday = *monday;
  int rc;

  if (stmt == NULL)
    return FALSE;
  g_clear_pointer (&w->entries, g_ptr_array_unref);
  w->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) hours_entry_free);
  g_date_add_days (&sunday, 6);
  g_date_strftime (first, sizeof first, "%Y-%m-%d", monday);
  g_date_strftime (last, sizeof last, "%Y-%m-%d", &sunday);
  care_store_bind_text (stmt, 1, w->carer);
  care_store_bind_text (stmt, 2, first);
  care_store_bind_text (stmt, 3, last);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      GDate date;
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      gint64 minutes = sqlite3_column_int64 (stmt, 2);
      CareDayHours *day;

      g_date_clear (&date, 1);
      g_date_set_parse (&date, (const char *) sqlite3_column_text (stmt, 0));
      if (!g_date_valid (&date))
        continue;
      day = &w->days[g_date_days_between (monday, &date)];
      {
        CareHoursEntry *entry = g_new0 (CareHoursEntry, 1);

        entry->entry = care_store_column_dup (stmt, 3);
        entry->kind = g_strdup (kind);
        entry->date = date;
        entry->minutes = minutes;
        entry->comment = care_store_column_dup (stmt, 4);
        g_ptr_array_add (w->entries, entry);
      }
      if (g_strcmp0 (kind, "travel") == 0)
        day->travel_minutes += minutes;
      else if (g_strcmp0 (kind, "training") == 0)
        day->training_minutes += minutes;
      else
        day->other_minutes += minutes;
    }
  return rc == SQLITE_DONE;
}

static void
bind_week_range (CareStmt           *stmt,
                 const CareWeekHours *w,
                 const gint64        bounds[8])
{
  char first[16], last[16];

  g_date_strftime (first, sizeof first, "%Y-%m-%d", &w->days[0].date);
  g_date_strftime (last, sizeof last, "%Y-%m-%d", &w->days[6].date);
  care_store_bind_text (stmt, 1, w->carer);
  /* A visit that started the evening before can run into Monday. */
  sqlite3_bind_int64 (stmt, 2, bounds[0] - DAY_MS);
  sqlite3_bind_int64 (stmt, 3, bounds[7]);
  care_store_bind_text (stmt, 4, first);
  care_store_bind_text (stmt, 5, last);
}

/* The ids of the records that make the week (and, with saw, those of the
 * visits and entries it names), sorted; with hlc_out, their clock stamps. */
static GPtrArray *
week_record_ids (CareStore           *self,
                 const CareWeekHours *w,
                 const gint64         bounds[8],
                 const char          *saw,
                 GArray              *hlc_out,
                 GError             **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_WEEK_RECORDS, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_week_range (stmt, w, bounds);
  care_store_bind_text (stmt, 6, saw ? saw : "[]");
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 hlc = sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (ids, care_store_column_dup (stmt, 0));
      if (hlc_out != NULL)
        g_array_append_val (hlc_out, hlc);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
}

/* Whether the week is still what its approval saw: every record that makes
 * it now was named by the approval (or, for an approval from before they
 * named what they saw, none is later than it). */
static gboolean
week_unchanged (CareStore           *self,
                const CareWeekHours *w,
                const gint64         bounds[8],
                const char          *saw,
                gint64               approved_hlc,
                gboolean            *same,
                GError             **error)
{
  g_autoptr(GArray) hlcs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) ids = week_record_ids (self, w, bounds, saw, hlcs, error);
  g_autoptr(JsonNode) node = NULL;
  gboolean later = FALSE;

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < hlcs->len; i++)
    later |= g_array_index (hlcs, gint64, i) > approved_hlc;
  node = saw ? json_from_string (saw, NULL) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      *same = !later;
      return TRUE;
    }
  {
    g_autoptr(JsonObject) approval = json_object_new ();

    json_object_set_member (approval, "saw", g_steal_pointer (&node));
    *same = care_review_saw_all (approval, ids, later);
  }
  return TRUE;
}

static gboolean
week_bounds (CareStore     *self,
             CareWeekHours *w,
             gint64         bounds[8],
             GError       **error)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self);
  GDate monday;

  if (w->iso_week < 1 || w->iso_week > 53 || w->iso_year < 1970 || w->iso_year > 9999)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID,
                   _("Week %d of %d does not exist."), w->iso_week, w->iso_year);
      return FALSE;
    }
  week_monday (w->iso_year, w->iso_week, &monday);
  for (int d = 0; d < 7; d++)
    {
      GDate day = monday;
      gint64 end;

      g_date_add_days (&day, d);
      w->days[d].date = day;
      care_store_day_bounds (tz, &day, &bounds[d], &end);
      bounds[d + 1] = end;
    }
  return TRUE;
}

GPtrArray *
care_store_week_record_ids (CareStore  *self,
                            const char *carer,
                            int         iso_year,
                            int         iso_week,
                            GError    **error)
{
  CareWeekHours w = { .carer = (char *) carer, .iso_year = iso_year, .iso_week = iso_week };
  gint64 bounds[8];

  if (!week_bounds (self, &w, bounds, error))
    return NULL;
  return week_record_ids (self, &w, bounds, NULL, NULL, error);
}

static gint64
week_count (CareStore           *self,
            const char          *sql,
            const CareWeekHours *w,
            const gint64         bounds[8],
            GError             **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);

  if (stmt == NULL)
    return -1;
  care_store_bind_text (stmt, 1, w->carer);
  sqlite3_bind_int64 (stmt, 2, bounds[0]);
  sqlite3_bind_int64 (stmt, 3, bounds[7]);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

char **
care_store_week_approval_warnings (CareStore  *self,
                                   const char *carer,
                                   int         iso_year,
                                   int         iso_week,
                                   GError    **error)
{
  g_autoptr(CareWeekHours) w = care_store_get_week_hours (self, carer, iso_year, iso_week, error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  gint64 bounds[8], queries, unreviewed, now = care_store_now (self);
  int to_come = 0;

  if (w == NULL || !week_bounds (self, w, bounds, error))
    return NULL;
  queries = week_count (self, SQL_WEEK_OPEN_QUERIES, w, bounds, error);
  unreviewed = queries < 0 ? -1 : week_count (self, SQL_WEEK_UNREVIEWED, w, bounds, error);
  if (unreviewed < 0)
    return NULL;
  if (w->review == CARE_REVIEW_QUERIED)
    g_ptr_array_add (out, g_strdup (_("The timesheet itself has an open query the carer has not answered.")));
  if (queries > 0)
    g_ptr_array_add (out, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%lld visit this week has an open query.",
                                                            "%lld visits this week have an open query.",
                                                            queries), (long long) queries));
  if (unreviewed > 0)
    g_ptr_array_add (out, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%lld visit this week has an exception (late, short, "
                                                            "missed, amended…) that nobody has reviewed.",
                                                            "%lld visits this week have exceptions (late, short, "
                                                            "missed, amended…) that nobody has reviewed.",
                                                            unreviewed), (long long) unreviewed));
  for (int d = 0; d < 7; d++)
    to_come += bounds[d + 1] > now;
  if (to_come > 0)
    g_ptr_array_add (out, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "The week is not over: %d day is still to come.",
                                                            "The week is not over: %d days are still to come.",
                                                            to_come), to_come));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static gboolean
week_extras (CareStore     *self,
             CareWeekHours *w,
             const gint64   bounds[8],
             GError       **error)
{
  g_autoptr(CareStmt) planned = care_store_stmt (self, SQL_WEEK_PLANNED, error);
  g_autoptr(CareStmt) review = NULL;
  g_autofree char *week = g_strdup_printf ("%04d-W%02d", w->iso_year, w->iso_week);
  int rc;

  if (planned == NULL)
    return FALSE;
  care_store_bind_text (planned, 1, w->carer);
  sqlite3_bind_int64 (planned, 2, bounds[0]);
  sqlite3_bind_int64 (planned, 3, bounds[7]);
  if (care_store_step (self, planned, error) != SQLITE_ROW)
    return FALSE;
  w->planned_minutes = sqlite3_column_int64 (planned, 0);
  review = care_store_stmt (self, SQL_SHEET_REVIEW, error);
  if (review == NULL)
    return FALSE;
  care_store_bind_text (review, 1, w->carer);
  care_store_bind_text (review, 2, week);
  rc = care_store_step (self, review, error);
  if (rc == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (review, 0);

      w->review_id = care_store_column_dup (review, 4);
      w->review_message = care_store_column_dup (review, 5);
      if (g_strcmp0 (action, "approve") == 0)
        {
          g_autofree char *saw = care_store_column_dup (review, 3);
          gint64 approved_hlc = sqlite3_column_int64 (review, 2);
          gboolean same = FALSE;

          care_stmt_release (review);
          if (!week_unchanged (self, w, bounds, saw, approved_hlc, &same, error))
            return FALSE;
          w->review = same ? CARE_REVIEW_APPROVED : CARE_REVIEW_CHANGED;
        }
      else if (g_strcmp0 (action, "flag") == 0)
        w->review = CARE_REVIEW_FLAGGED;
      else if (g_strcmp0 (action, "query") == 0 && !sqlite3_column_int (review, 1))
        w->review = CARE_REVIEW_QUERIED;
    }
  return rc != 0;
}

CareWeekHours *
care_store_get_week_hours (CareStore  *self,
                           const char *carer,
                           int         iso_year,
                           int         iso_week,
                           GError    **error)
{
  g_autoptr(CareWeekHours) w = g_new0 (CareWeekHours, 1);
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self);
  gint64 bounds[8];
  GDate monday;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  w->carer = g_strdup (carer);
  w->iso_year = iso_year;
  w->iso_week = iso_week;
  if (!week_bounds (self, w, bounds, error))
    return NULL;
  monday = w->days[0].date;
  if (!week_visits (self, w, bounds, error) || !week_entries (self, w, &monday, error)
      || !week_extras (self, w, bounds, error))
    return NULL;
  for (int d = 0; d < 7; d++)
    w->total_minutes += w->days[d].visit_minutes + w->days[d].travel_minutes
                        + w->days[d].training_minutes + w->days[d].other_minutes;
  return g_steal_pointer (&w);
}

/* Roster ------------------------------------------------------------------ */

GPtrArray *
care_store_list_clients (CareStore  *self,
                         const char *carer,
                         GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, carer ? SQL_CARER_CLIENTS : SQL_ALL_CLIENTS, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (carer != NULL)
    care_store_bind_text (stmt, 1, carer);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (ids, care_store_column_dup (stmt, 0));
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&ids);
}

static char *
lookup_name (CareStore  *self,
             const char *sql,
             const char *id)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, NULL);

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, id);
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return NULL;
  return care_store_column_dup (stmt, 0);
}

char *
care_store_get_client_name (CareStore  *self,
                            const char *client)
{
  return lookup_name (self, SQL_CLIENT_NAME, client);
}

char *
care_store_get_client_address (CareStore  *self,
                               const char *client)
{
  return lookup_name (self, SQL_CLIENT_ADDRESS, client);
}

/* The latest visit.verified of a visit (the care log's order). */
static const char SQL_VERIFICATION[] =
  "SELECT json_extract (body, '$.outcome'), json_extract (body, '$.by'), json_extract (body, '$.reason')"
  " FROM events WHERE subject = ? AND type = 'visit.verified' ORDER BY hlc DESC, device DESC, seq DESC LIMIT 1";

gboolean
care_store_get_verification (CareStore  *self,
                             const char *visit,
                             char      **outcome,
                             char      **by,
                             char      **reason)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_VERIFICATION, NULL);

  *outcome = *by = *reason = NULL;
  if (stmt == NULL || visit == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, visit);
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return FALSE;
  *outcome = care_store_column_dup (stmt, 0);
  *by = care_store_column_dup (stmt, 1);
  *reason = care_store_column_dup (stmt, 2);
  return TRUE;
}

char *
care_store_get_member_name (CareStore  *self,
                            const char *member)
{
  return lookup_name (self, SQL_MEMBER_NAME, member);
}

/* Outbox ------------------------------------------------------------------ */

gboolean
care_store_get_outbox_counts (CareStore        *self,
                              CareOutboxCounts *counts,
                              GError          **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_OUTBOX_COUNTS, error);
  g_autofree char *acked = NULL;

  memset (counts, 0, sizeof *counts);
  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, self->device ? self->device : "");
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  counts->pending = sqlite3_column_int64 (stmt, 0);
  counts->quarantined = sqlite3_column_int64 (stmt, 1);
  counts->acknowledged = sqlite3_column_int64 (stmt, 2);
  counts->last_seq = sqlite3_column_int64 (stmt, 3);
  care_stmt_release (stmt);
  acked = care_store_get_meta (self, "acked_seq");
  counts->acked_seq = acked ? g_ascii_strtoll (acked, NULL, 10) : 0;
  return TRUE;
}

GPtrArray *
care_store_list_outbox (CareStore *self,
                        guint      limit,
                        GError   **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_OUTBOX, error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, self->device ? self->device : "");
  sqlite3_bind_int (stmt, 2, limit ? limit : G_MAXINT);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (events, care_store_event_from_row (stmt, 0, NULL));
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&events);
}

void
care_family_message_free (CareFamilyMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->id);
  g_free (message->client);
  g_free (message->client_name);
  g_free (message->author);
  g_free (message->author_name);
  g_free (message->text);
  g_free (message);
}

GPtrArray *
care_store_list_messages (CareStore  *self,
                          guint       limit,
                          GError    **error)
{
  g_autoptr(CareStmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_family_message_free);
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  stmt = care_store_stmt (self, SQL_MESSAGES, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) MIN (limit, G_MAXINT));
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      CareFamilyMessage *m = g_new0 (CareFamilyMessage, 1);

      m->id = care_store_column_dup (stmt, 0);
      m->client = care_store_column_dup (stmt, 1);
      m->client_name = care_store_column_dup (stmt, 2);
      m->author = care_store_column_dup (stmt, 3);
      m->author_name = care_store_column_dup (stmt, 4);
      m->wall = sqlite3_column_int64 (stmt, 5);
      m->text = care_store_column_dup (stmt, 6);
      g_ptr_array_add (out, m);
    }
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&out);
}
