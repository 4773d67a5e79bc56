/* care-store-derive.c: derived state, a deterministic function of the set of events.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Roster records (members, clients, care plans, assignments, schedules,
 * manual hours, reviews) are last-writer-wins by (hlc, device, seq), which
 * does not depend on arrival order. A visit (with its notes) is recomputed
 * from all of its events, ordered by (hlc, device, seq), whenever one of them
 * arrives; so is a scheduled visit when its schedule changes, and every visit
 * of a client when the client's care plan changes.
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-chain.h"
#include "care-store-private.h"

#define MINUTE_MS (60 * 1000)
#define CLOCK_TOLERANCE_MS (5 * MINUTE_MS)
#define LATE_START_MS (15 * MINUTE_MS)

/* SQL --------------------------------------------------------------------- */

static const char SQL_FIND_EVENT[] = "SELECT sync, received_at IS NULL FROM events WHERE id = ?";
static const char SQL_MARK_RECEIVED[] =
  "UPDATE events SET received_at = ?2 WHERE id = ?1 AND received_at IS NULL";
static const char SQL_MARK_SYNCED[] =
  "UPDATE events SET sync = 1, sync_reason = NULL WHERE id = ? AND sync != 1";
static const char SQL_INSERT_EVENT[] =
  "INSERT INTO events (id, device, seq, author, hlc, wall, type, subject, body, sync, received_at, link, hash)"
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_VISIT_EVENTS[] =
  "SELECT " EVENT_COLUMNS " FROM events WHERE subject = ? ORDER BY hlc, device, seq";
/* Without the records put right (SYNC_SET_ASIDE): what the visit is. */
static const char SQL_VISIT_EVENTS_COUNTED[] =
  "SELECT " EVENT_COLUMNS " FROM events WHERE subject = ? AND sync != 3 ORDER BY hlc, device, seq";
static const char SQL_ALL_EVENTS[] = "SELECT " EVENT_COLUMNS " FROM events ORDER BY pos";

#define LWW_WHERE(t) " WHERE (excluded.hlc, excluded.device, excluded.seq) > (" t ".hlc, " t ".device, " t ".seq)"
static const char SQL_SET_MEMBER[] =
  "INSERT INTO members (member, name, role, active, hlc, device, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
  " ON CONFLICT (member) DO UPDATE SET name = excluded.name, role = excluded.role,"
  " active = excluded.active, hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("members");
static const char SQL_SET_CLIENT[] =
  "INSERT INTO clients (client, name, address, active, hlc, device, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
  " ON CONFLICT (client) DO UPDATE SET name = excluded.name, address = excluded.address,"
  " active = excluded.active, hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("clients");
static const char SQL_SET_READERSHIP[] =
  "INSERT INTO readership (client, readers, hlc, device, seq) VALUES (?, ?, ?, ?, ?)"
  " ON CONFLICT (client) DO UPDATE SET readers = excluded.readers,"
  " hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("readership");
static const char SQL_SET_CAREPLAN[] =
  "INSERT INTO careplans (client, tasks, hlc, device, seq) VALUES (?, ?, ?, ?, ?)"
  " ON CONFLICT (client) DO UPDATE SET tasks = excluded.tasks,"
  " hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("careplans");
static const char SQL_SET_ASSIGNMENT[] =
  "INSERT INTO assignments (client, carer, active, hlc, device, seq) VALUES (?, ?, ?, ?, ?, ?)"
  " ON CONFLICT (client, carer) DO UPDATE SET active = excluded.active,"
  " hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("assignments");
static const char SQL_SET_SCHEDULE[] =
  "INSERT INTO schedules (schedule, client, carer, start, minutes, service, cancelled, hlc, device, seq)"
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
  " ON CONFLICT (schedule) DO UPDATE SET client = excluded.client, carer = excluded.carer,"
  " start = excluded.start, minutes = excluded.minutes, service = excluded.service,"
  " cancelled = excluded.cancelled, hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("schedules");
static const char SQL_SET_HOURS[] =
  "INSERT INTO hours_entries (entry, carer, date, kind, minutes, comment, hlc, device, seq)"
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
  " ON CONFLICT (entry) DO UPDATE SET carer = excluded.carer, date = excluded.date,"
  " kind = excluded.kind, minutes = excluded.minutes, comment = excluded.comment,"
  " hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("hours_entries");
static const char SQL_SET_REVIEW[] =
  "INSERT INTO reviews (review, action, visit, carer, week, message, author, hlc, device, seq)"
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
  " ON CONFLICT (review) DO UPDATE SET action = excluded.action, visit = excluded.visit,"
  " carer = excluded.carer, week = excluded.week, message = excluded.message,"
  " author = excluded.author, hlc = excluded.hlc, device = excluded.device, seq = excluded.seq"
  LWW_WHERE ("reviews");
static const char SQL_ADD_ANSWER[] = "INSERT OR IGNORE INTO answers (review, event) VALUES (?, ?)";

static const char SQL_CLIENT_VISITS[] =
  "SELECT visit FROM visits WHERE client = ? AND visit IS NOT NULL";
static const char SQL_GET_SCHEDULE[] =
  "SELECT client, carer, start, minutes, service, cancelled FROM schedules WHERE schedule = ?";
static const char SQL_SCHEDULE_CANCELLED[] =
  "SELECT count(*) FROM events WHERE subject = ? AND type = 'visit.cancelled'";
static const char SQL_SCHEDULE_VISITS[] =
  "SELECT visit FROM visits WHERE schedule = ? AND visit IS NOT NULL";
static const char SQL_DELETE_VISIT[] = "DELETE FROM visits WHERE vkey = ?";
static const char SQL_PUT_VISIT[] =
  "INSERT OR REPLACE INTO visits (vkey, visit, schedule, client, carer, service, planned_start,"
  " planned_minutes, started_at, finished_at, recorded_started_at, recorded_finished_at,"
  " start_key, base, flags, review, open_query, has_location, lat, lon, accuracy)"
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_GET_CAREPLAN[] = "SELECT tasks FROM careplans WHERE client = ?";
static const char SQL_DELETE_NOTES_FTS[] =
  "DELETE FROM notes_fts WHERE rowid IN (SELECT pos FROM notes WHERE visit = ?)";
static const char SQL_DELETE_NOTES[] = "DELETE FROM notes WHERE visit = ?";
static const char SQL_INSERT_NOTE[] =
  "INSERT INTO notes (note, visit, client, category, text, retracted, author, created_at)"
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_INSERT_NOTE_FTS[] = "INSERT INTO notes_fts (rowid, text) VALUES (?, ?)";
static const char SQL_FIND_NOTE[] =
  "SELECT pos, client, category, text, retracted, author, created_at FROM notes"
  " WHERE visit = ? AND note = ?";
static const char SQL_UPDATE_NOTE[] =
  "UPDATE notes SET client = ?, category = ?, text = ?, retracted = ?, author = ?, created_at = ?"
  " WHERE pos = ?";
static const char SQL_DELETE_NOTE_FTS[] = "DELETE FROM notes_fts WHERE rowid = ?";
static const char SQL_CLEAR_DERIVED[] =
  "DELETE FROM members; DELETE FROM clients; DELETE FROM careplans; DELETE FROM assignments;"
  "DELETE FROM schedules; DELETE FROM visits; DELETE FROM notes; DELETE FROM notes_fts;"
  "DELETE FROM hours_entries; DELETE FROM reviews; DELETE FROM answers; DELETE FROM readership;";

/* The canonical dump used by the convergence tests. */
static const char *dump_queries[] = {
  "SELECT member, name, role, active FROM members ORDER BY member",
  "SELECT client, name, address, active FROM clients ORDER BY client",
  "SELECT client, tasks FROM careplans ORDER BY client",
  "SELECT client, readers FROM readership ORDER BY client",
  "SELECT client, carer, active FROM assignments ORDER BY client, carer",
  "SELECT schedule, client, carer, start, minutes, service, cancelled FROM schedules ORDER BY schedule",
  "SELECT vkey, visit, schedule, client, carer, service, planned_start, planned_minutes, started_at,"
  " finished_at, recorded_started_at, recorded_finished_at, start_key, base, flags, review,"
  " open_query, has_location, lat, lon, accuracy FROM visits ORDER BY vkey",
  "SELECT note, visit, client, category, text, retracted, author, created_at FROM notes"
  " ORDER BY visit, note",
  "SELECT n.visit, n.note, f.text FROM notes_fts f JOIN notes n ON n.pos = f.rowid"
  " ORDER BY n.visit, n.note",
  "SELECT entry, carer, date, kind, minutes, comment FROM hours_entries ORDER BY entry",
  "SELECT review, action, visit, carer, week, message, author FROM reviews ORDER BY review",
  "SELECT review, event FROM answers ORDER BY review, event",
};

/* Dirty sets -------------------------------------------------------------- */

struct _CareDirty
{
  GHashTable *visits;
  GHashTable *schedules;
  GHashTable *clients;
};

CareDirty *
care_dirty_new (void)
{
  CareDirty *dirty = g_new0 (CareDirty, 1);

  dirty->visits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  dirty->schedules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  dirty->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return dirty;
}

void
care_dirty_free (CareDirty *dirty)
{
  if (dirty == NULL)
    return;
  g_hash_table_unref (dirty->visits);
  g_hash_table_unref (dirty->schedules);
  g_hash_table_unref (dirty->clients);
  g_free (dirty);
}

static void
mark (GHashTable *set,
      const char *id)
{
  if (id != NULL)
    g_hash_table_add (set, g_strdup (id));
}

void
care_dirty_add_visit (CareDirty  *dirty,
                      const char *visit)
{
  mark (dirty->visits, visit);
}

/* Roster records ---------------------------------------------------------- */

static const char *
body_str (const CareEvent *event,
          const char      *name)
{
  return json_object_get_string_member_with_default (event->body, name, NULL);
}

static gint64
body_int (const CareEvent *event,
          const char      *name)
{
  return json_object_get_int_member_with_default (event->body, name, 0);
}

static gboolean
body_bool (const CareEvent *event,
           const char      *name)
{
  return json_object_get_boolean_member_with_default (event->body, name, FALSE);
}

static void
bind_lww (sqlite3_stmt    *stmt,
          int              first,
          const CareEvent *event)
{
  sqlite3_bind_int64 (stmt, first, event->hlc);
  care_store_bind_text (stmt, first + 1, event->device);
  sqlite3_bind_int64 (stmt, first + 2, event->seq);
}

/* Binds the body members named in order (strings, ints or bools) from
 * parameter 1, then the (hlc, device, seq) triple; runs it; returns
 * whether a row changed, or -1 on error. */
static int
lww_set (CareStore       *self,
         const char      *sql,
         const CareEvent *event,
         const char      *spec,
         GError         **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);
  g_auto(GStrv) names = g_strsplit (spec, " ", -1);
  int i = 0;

  if (stmt == NULL)
    return -1;
  for (; names[i] != NULL; i++)
    {
      const char *n = names[i] + 1;

      if (names[i][0] == 's')
        care_store_bind_text (stmt, i + 1, g_str_equal (n, "AUTHOR") ? event->author : body_str (event, n));
      else if (names[i][0] == 'i')
        sqlite3_bind_int64 (stmt, i + 1, body_int (event, n));
      else
        sqlite3_bind_int (stmt, i + 1, body_bool (event, n));
    }
  bind_lww (stmt, i + 1, event);
  if (!care_store_run (self, stmt, error))
    return -1;
  return sqlite3_changes (self->db) > 0;
}

/* A client's record whose body member (a list or an object) is kept as
 * JSON text, the latest by (hlc, device, seq); 1 when it changed what is
 * kept, 0 when an older record lost, -1 on error. */
static int
set_client_json (CareStore       *self,
                 const char      *sql,
                 const CareEvent *event,
                 const char      *member,
                 GError         **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *text = NULL;

  if (stmt == NULL)
    return -1;
  value = json_node_copy (json_object_get_member (event->body, member));
  text = json_to_string (value, FALSE);
  care_store_bind_text (stmt, 1, body_str (event, "client"));
  care_store_bind_text (stmt, 2, text);
  bind_lww (stmt, 3, event);
  if (!care_store_run (self, stmt, error))
    return -1;
  return sqlite3_changes (self->db) > 0;
}

static gboolean
set_careplan (CareStore       *self,
              const CareEvent *event,
              CareDirty       *dirty,
              GError         **error)
{
  int changed = set_client_json (self, SQL_SET_CAREPLAN, event, "tasks", error);

  if (changed > 0)
    mark (dirty->clients, body_str (event, "client"));
  return changed >= 0;
}

static gboolean
add_answer (CareStore       *self,
            const CareEvent *event,
            GError         **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_ADD_ANSWER, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, body_str (event, "review"));
  care_store_bind_text (stmt, 2, event->id);
  return care_store_run (self, stmt, error);
}

/* The co-op's answer about one of this tablet's records. */
static const char SQL_RESOLVE_OWN[] =
  "UPDATE events SET sync = ?2, sync_code = ?3, sync_reason = ?4 WHERE id = ?1 AND device = ?5";
static const char SQL_VISIT_OF_OWN[] =
  "SELECT json_extract (body, '$.visit') FROM events WHERE id = ?1 AND device = ?2";

static gboolean
resolve_own (CareStore  *self,
             const char *id,
             int         sync,
             const char *code,
             const char *reason,
             CareDirty  *dirty,
             GError    **error)
{
  g_autoptr(CareStmt) update = care_store_stmt (self, SQL_RESOLVE_OWN, error);
  g_autoptr(CareStmt) visit = NULL;
  int rc;

  if (update == NULL || id == NULL)
    return update != NULL;
  care_store_bind_text (update, 1, id);
  sqlite3_bind_int (update, 2, sync);
  care_store_bind_text (update, 3, code);
  care_store_bind_text (update, 4, reason);
  care_store_bind_text (update, 5, self->device);
  if (!care_store_run (self, update, error))
    return FALSE;
  /* What the visit is may have changed: a record counts again, or not. */
  visit = care_store_stmt (self, SQL_VISIT_OF_OWN, error);
  if (visit == NULL)
    return FALSE;
  care_store_bind_text (visit, 1, id);
  care_store_bind_text (visit, 2, self->device);
  if ((rc = care_store_step (self, visit, error)) == 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    mark (dirty->visits, (const char *) sqlite3_column_text (visit, 0));
  return TRUE;
}

/* refusal.resolved (docs/sync-protocol.md, "Refused records"): what became
 * of a refused record of this tablet's, and of those held behind it. Other
 * devices' answers are kept as records only. */
static gboolean
apply_resolution (CareStore       *self,
                  const CareEvent *event,
                  CareDirty       *dirty,
                  GError         **error)
{
  const char *outcome = body_str (event, "outcome");
  JsonNode *node = json_object_get_member (event->body, "released");
  JsonArray *released = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  gboolean ok;

  if (self->device == NULL || g_strcmp0 (body_str (event, "device"), self->device) != 0)
    return TRUE;
  if (g_strcmp0 (outcome, "accepted") == 0)
    ok = resolve_own (self, body_str (event, "refused"), SYNC_SYNCED, NULL, NULL, dirty, error);
  else
    ok = resolve_own (self, body_str (event, "refused"), SYNC_SET_ASIDE, outcome,
                      g_strcmp0 (outcome, "corrected") == 0 ? body_str (event, "correction") : body_str (event, "reason"),
                      dirty, error);
  for (guint i = 0; ok && released != NULL && i < json_array_get_length (released); i++)
    {
      JsonObject *r = json_array_get_object_element (released, i);
      const char *id = json_object_get_string_member (r, "id");
      const char *how = json_object_get_string_member (r, "outcome");
      const char *code = json_object_get_string_member_with_default (r, "c", NULL);
      const char *message = json_object_get_string_member_with_default (r, "m", NULL);

      if (g_str_equal (how, "accepted"))
        ok = resolve_own (self, id, SYNC_SYNCED, NULL, NULL, dirty, error);
      else if (g_str_equal (how, "held"))
        ok = resolve_own (self, id, SYNC_HELD, "held", message, dirty, error);
      else if (g_strcmp0 (code, "superseded") == 0)
        ok = resolve_own (self, id, SYNC_SET_ASIDE, "corrected", message, dirty, error);
      else
        ok = resolve_own (self, id, SYNC_QUARANTINED, code, message, dirty, error);
    }
  return ok;
}

static gboolean
derive_event (CareStore       *self,
              const CareEvent *event,
              CareDirty       *dirty,
              GError         **error)
{
  int changed = 0;

  switch (event->type)
    {
    case CARE_EVENT_MEMBER_SET:
      changed = lww_set (self, SQL_SET_MEMBER, event, "smember sname srole bactive", error);
      break;
    case CARE_EVENT_CLIENT_SET:
      changed = lww_set (self, SQL_SET_CLIENT, event, "sclient sname saddress bactive", error);
      break;
    case CARE_EVENT_ASSIGNMENT_SET:
      changed = lww_set (self, SQL_SET_ASSIGNMENT, event, "sclient scarer bactive", error);
      break;
    case CARE_EVENT_CAREPLAN_SET:
      return set_careplan (self, event, dirty, error);
    case CARE_EVENT_SCHEDULE_SET:
      changed = lww_set (self, SQL_SET_SCHEDULE, event,
                         "sschedule sclient scarer istart iminutes sservice bcancelled", error);
      if (changed > 0)
        mark (dirty->schedules, body_str (event, "schedule"));
      break;
    case CARE_EVENT_HOURS_ADDED:
      changed = lww_set (self, SQL_SET_HOURS, event, "sentry sAUTHOR sdate skind iminutes scomment", error);
      break;
    case CARE_EVENT_REVIEW_ADDED:
      changed = lww_set (self, SQL_SET_REVIEW, event,
                         "sreview saction svisit scarer sweek smessage sAUTHOR", error);
      mark (dirty->visits, body_str (event, "visit"));
      break;
    case CARE_EVENT_QUERY_ANSWERED:
      if (!add_answer (self, event, error))
        return FALSE;
      mark (dirty->visits, body_str (event, "visit"));
      break;
    case CARE_EVENT_VISIT_CANCELLED:
      mark (dirty->visits, body_str (event, "visit"));
      mark (dirty->schedules, body_str (event, "schedule"));
      break;
    case CARE_EVENT_REFUSAL_RESOLVED:
      return apply_resolution (self, event, dirty, error);
    case CARE_EVENT_CLIENT_READERSHIP:
      return set_client_json (self, SQL_SET_READERSHIP, event, "readers", error) >= 0;
    default:
      mark (dirty->visits, body_str (event, "visit"));
      break;
    }
  return changed >= 0;
}

gboolean
care_store_insert_event (CareStore       *self,
                         const CareEvent *event,
                         int              sync,
                         CareDirty       *dirty,
                         gboolean        *inserted,
                         GError         **error)
{
  g_autoptr(CareStmt) find = care_store_stmt (self, SQL_FIND_EVENT, error);
  g_autoptr(CareStmt) insert = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL, *hash = NULL;
  int rc;

  *inserted = FALSE;
  if (find == NULL)
    return FALSE;
  care_store_bind_text (find, 1, event->id);
  rc = care_store_step (self, find, error);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      g_autoptr(CareStmt) synced = NULL;
      g_autoptr(CareStmt) received = NULL;
      gboolean was_synced = sqlite3_column_int (find, 0) == SYNC_SYNCED;
      gboolean no_received = sqlite3_column_int (find, 1) != 0;

      if (sync != SYNC_SYNCED)
        return TRUE;
      /* A record already here coming back from the server (this device's
       * own, or a page applied twice): it is synced, and the first known
       * time the co-op received it is kept. */
      care_stmt_release (find);
      if (!was_synced)
        {
          synced = care_store_stmt (self, SQL_MARK_SYNCED, error);
          if (synced == NULL)
            return FALSE;
          care_store_bind_text (synced, 1, event->id);
          if (!care_store_run (self, synced, error))
            return FALSE;
        }
      if (!no_received || event->received <= 0)
        return TRUE;
      received = care_store_stmt (self, SQL_MARK_RECEIVED, error);
      if (received == NULL)
        return FALSE;
      care_store_bind_text (received, 1, event->id);
      sqlite3_bind_int64 (received, 2, event->received);
      return care_store_run (self, received, error);
    }
  insert = care_store_stmt (self, SQL_INSERT_EVENT, error);
  if (insert == NULL)
    return FALSE;
  body = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (body, event->body);
  text = json_to_string (body, FALSE);
  care_store_bind_text (insert, 1, event->id);
  care_store_bind_text (insert, 2, event->device);
  sqlite3_bind_int64 (insert, 3, event->seq);
  care_store_bind_text (insert, 4, event->author);
  sqlite3_bind_int64 (insert, 5, event->hlc);
  sqlite3_bind_int64 (insert, 6, event->wall);
  care_store_bind_text (insert, 7, care_event_type_to_string (event->type));
  care_store_bind_text (insert, 8, care_event_get_subject (event));
  care_store_bind_text (insert, 9, text);
  sqlite3_bind_int (insert, 10, sync);
  if (sync == SYNC_SYNCED && event->received > 0)
    sqlite3_bind_int64 (insert, 11, event->received);
  else
    sqlite3_bind_null (insert, 11);
  /* A record in the chain keeps its hash; one before the chain has none. */
  if (event->link != NULL)
    {
      hash = care_event_hash (event);
      care_store_bind_text (insert, 12, event->link);
      care_store_bind_text (insert, 13, hash);
    }
  rc = sqlite3_step (insert);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_message ("Record %s skipped: device %s already has a record with sequence %" G_GINT64_FORMAT,
                 event->id, event->device, event->seq);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return care_store_set_error (self, rc, error);
  *inserted = TRUE;
  return derive_event (self, event, dirty, error);
}

/* Visits ------------------------------------------------------------------ */

static gboolean
is_visit_scoped (CareEventType type)
{
  switch (type)
    {
    case CARE_EVENT_VISIT_STARTED:
    case CARE_EVENT_TASK_ANSWERED:
    case CARE_EVENT_NOTE_ADDED:
    case CARE_EVENT_VISIT_FINISHED:
    case CARE_EVENT_VISIT_AMENDED:
    case CARE_EVENT_NOTE_AMENDED:
    case CARE_EVENT_NOTE_RETRACTED:
    case CARE_EVENT_VISIT_CANCELLED:
    case CARE_EVENT_QUERY_ANSWERED:
    case CARE_EVENT_REVIEW_ADDED:
    case CARE_EVENT_VISIT_VERIFIED:
    case CARE_EVENT_DISPUTE_ANSWERED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The records whose subject is subject (a visit, an hours entry) and that
 * are about it, in the log's order; with their sync states when syncs is
 * given. */
static GPtrArray *
load_subject_events (CareStore  *self,
                     const char *subject,
                     gboolean    visit,
                     GArray     *syncs,
                     GError    **error)
{
  /* Asked with their sync states: for people, every record; else what
   * counts (the fold, the rules). */
  g_autoptr(CareStmt) stmt = care_store_stmt (self, syncs != NULL ? SQL_VISIT_EVENTS : SQL_VISIT_EVENTS_COUNTED,
                                              error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, subject);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      int sync = 0;
      g_autoptr(CareEvent) event = care_store_event_from_row (stmt, 0, &sync);

      if (visit ? !is_visit_scoped (event->type) || g_strcmp0 (body_str (event, "visit"), subject) != 0
                : event->type != CARE_EVENT_HOURS_ADDED)
        continue;
      g_ptr_array_add (events, g_steal_pointer (&event));
      if (syncs != NULL)
        g_array_append_val (syncs, sync);
    }
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&events);
}

GPtrArray *
care_store_load_visit_events (CareStore  *self,
                              const char *visit,
                              GArray     *syncs,
                              GError    **error)
{
  return load_subject_events (self, visit, TRUE, syncs, error);
}

GPtrArray *
care_store_load_entry_events (CareStore  *self,
                              const char *entry,
                              GError    **error)
{
  return load_subject_events (self, entry, FALSE, NULL, error);
}

JsonArray *
care_store_load_careplan (CareStore  *self,
                          const char *client,
                          GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_GET_CAREPLAN, error);
  g_autoptr(JsonNode) node = NULL;

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, client);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_dup_array (node);
}

typedef struct
{
  const CareEvent *event;   /* note.added */
  const char *text;
  gboolean retracted;
} NoteFold;

typedef struct
{
  const CareEvent *started;
  const CareEvent *finished;
  const CareEvent *cancelled;
  const char *service;
  gint64 started_at;
  gint64 finished_at;
  gboolean amended;
  gboolean clock_warning;
  gboolean concurrent;      /* see CARE_VISIT_FLAG_CONCURRENT */
  gboolean disputed;        /* an open dispute (CARE_VISIT_FLAG_DISPUTED) */
  GHashTable *answers;      /* task → "1" / "0" */
  GHashTable *notes;        /* note → NoteFold */
  GPtrArray *note_order;    /* note ids, in order */
  GHashTable *answered;     /* review ids answered */
  const CareEvent *review;  /* the latest review.added */
  gboolean query_resolved;  /* the carer amended the visit after the latest query */
  GPtrArray *changes;       /* ids of the records that make the visit (not reviews, not answers) */
  gboolean changed_after;   /* such a record came after the latest review */
} VisitFold;

static void
visit_fold_clear (VisitFold *f)
{
  g_clear_pointer (&f->answers, g_hash_table_unref);
  g_clear_pointer (&f->notes, g_hash_table_unref);
  g_clear_pointer (&f->note_order, g_ptr_array_unref);
  g_clear_pointer (&f->answered, g_hash_table_unref);
  g_clear_pointer (&f->changes, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VisitFold, visit_fold_clear)

static gboolean
time_is_suspicious (const CareEvent *event)
{
  gint64 at = body_int (event, "at");
  gint64 offset = body_int (event, "clock_offset_ms");

  return ABS (at - care_hlc_physical (event->hlc)) > CLOCK_TOLERANCE_MS
         || ABS (offset) > CLOCK_TOLERANCE_MS;
}

static void
fold_amendment (VisitFold       *f,
                const CareEvent *e)
{
  const char *field = body_str (e, "field");

  f->amended = TRUE;
  /* An amendment names the value it replaced: if that is not the value
   * now, its writer had not seen a change made elsewhere. */
  if (f->started != NULL
      && ((g_strcmp0 (field, "started_at") == 0 && body_int (e, "old") != f->started_at)
          || (g_strcmp0 (field, "finished_at") == 0 && f->finished != NULL && body_int (e, "old") != f->finished_at)
          || (g_strcmp0 (field, "service") == 0 && g_strcmp0 (body_str (e, "old"), f->service) != 0)))
    f->concurrent = TRUE;
  /* A corrected time ahead of when the correction was made cannot be right
   * (only a wrong clock or a typo makes one): flag it. */
  if ((g_strcmp0 (field, "started_at") == 0 || g_strcmp0 (field, "finished_at") == 0)
      && body_int (e, "new") > care_hlc_physical (e->hlc) + CLOCK_TOLERANCE_MS)
    f->clock_warning = TRUE;
  if (g_strcmp0 (field, "started_at") == 0)
    f->started_at = body_int (e, "new");
  else if (g_strcmp0 (field, "finished_at") == 0)
    f->finished_at = body_int (e, "new");
  else if (g_strcmp0 (field, "service") == 0)
    f->service = body_str (e, "new");
  if (f->review != NULL && g_str_equal (body_str (f->review, "action"), "query")
      && f->started != NULL && g_str_equal (e->author, f->started->author))
    f->query_resolved = TRUE;
}

static void
fold_note (VisitFold       *f,
           const CareEvent *e)
{
  const char *id = body_str (e, "note");
  NoteFold *n = g_hash_table_lookup (f->notes, id);

  if (e->type == CARE_EVENT_NOTE_ADDED && n == NULL)
    {
      n = g_new0 (NoteFold, 1);
      n->event = e;
      n->text = body_str (e, "text");
      g_hash_table_insert (f->notes, (gpointer) id, n);
      g_ptr_array_add (f->note_order, (gpointer) id);
    }
  else if (e->type == CARE_EVENT_NOTE_AMENDED && n != NULL)
    n->text = body_str (e, "new");
  else if (e->type == CARE_EVENT_NOTE_RETRACTED && n != NULL)
    n->retracted = TRUE;
}

static void
fold_event (VisitFold       *f,
            const CareEvent *e)
{
  if (e->type != CARE_EVENT_REVIEW_ADDED && e->type != CARE_EVENT_QUERY_ANSWERED)
    {
      if (f->changes != NULL)
        g_ptr_array_add (f->changes, e->id);
      f->changed_after = f->review != NULL;
    }
  switch (e->type)
    {
    case CARE_EVENT_VISIT_STARTED:
      if (f->started != NULL)
        break;
      f->started = e;
      f->service = body_str (e, "service");
      f->started_at = body_int (e, "at");
      f->clock_warning |= time_is_suspicious (e);
      break;
    case CARE_EVENT_VISIT_FINISHED:
      f->concurrent |= f->finished != NULL || f->cancelled != NULL;
      if (f->finished != NULL)
        break;
      f->finished = e;
      f->finished_at = body_int (e, "at");
      f->clock_warning |= time_is_suspicious (e);
      break;
    case CARE_EVENT_VISIT_CANCELLED:
      f->concurrent |= f->finished != NULL;
      f->cancelled = f->cancelled ? f->cancelled : e;
      break;
    case CARE_EVENT_VISIT_AMENDED:
      fold_amendment (f, e);
      break;
    case CARE_EVENT_TASK_ANSWERED:
      g_hash_table_insert (f->answers, (gpointer) body_str (e, "task"),
                           body_bool (e, "done") ? "1" : "0");
      break;
    case CARE_EVENT_REVIEW_ADDED:
      f->review = e;
      f->query_resolved = FALSE;
      f->changed_after = FALSE;
      break;
    case CARE_EVENT_QUERY_ANSWERED:
      g_hash_table_add (f->answered, (gpointer) body_str (e, "review"));
      break;
    /* The client's word itself is read from the records
     * (care_store_get_visit); the fold keeps whether a dispute is open. */
    case CARE_EVENT_VISIT_VERIFIED:
      f->disputed = g_strcmp0 (body_str (e, "outcome"), "disputed") == 0 || f->disputed;
      break;
    case CARE_EVENT_DISPUTE_ANSWERED:
      f->disputed = FALSE;
      break;
    default:
      fold_note (f, e);
      break;
    }
}

static guint
essential_flags (VisitFold  *f,
                 JsonArray  *plan)
{
  for (guint i = 0; plan != NULL && i < json_array_get_length (plan); i++)
    {
      JsonObject *t = json_array_get_object_element (plan, i);
      const char *answer = g_hash_table_lookup (f->answers,
                                                json_object_get_string_member (t, "task"));

      if (json_object_get_boolean_member (t, "essential") && g_strcmp0 (answer, "1") != 0)
        return CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE;
    }
  return 0;
}

static guint
note_flags (VisitFold *f)
{
  for (guint i = 0; i < f->note_order->len; i++)
    {
      NoteFold *n = g_hash_table_lookup (f->notes, f->note_order->pdata[i]);

      if (!n->retracted && g_strcmp0 (body_str (n->event, "category"), "safeguarding") == 0)
        return CARE_VISIT_FLAG_SAFEGUARDING;
    }
  return 0;
}

gboolean
care_review_saw_all (JsonObject *approval,
                     GPtrArray  *ids,
                     gboolean    changed_after)
{
  JsonNode *saw = json_object_get_member (approval, "saw");
  g_autoptr(GHashTable) named = NULL;
  JsonArray *array;

  /* An approval from before approvals named what they saw: what came after
   * it (in the care log's order) changed it. */
  if (saw == NULL || !JSON_NODE_HOLDS_ARRAY (saw))
    return !changed_after;
  array = json_node_get_array (saw);
  named = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_hash_table_add (named, (gpointer) json_array_get_string_element (array, i));
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (!g_hash_table_contains (named, g_ptr_array_index (ids, i)))
      return FALSE;
  return TRUE;
}

static CareReviewState
review_state (VisitFold *f)
{
  const char *action = f->review ? body_str (f->review, "action") : NULL;

  if (action == NULL || g_str_equal (action, "withdrawn"))
    return CARE_REVIEW_NONE;
  if (g_str_equal (action, "approve"))
    return care_review_saw_all (f->review->body, f->changes, f->changed_after)
           ? CARE_REVIEW_APPROVED : CARE_REVIEW_CHANGED;
  if (g_str_equal (action, "flag"))
    return CARE_REVIEW_FLAGGED;
  if (f->query_resolved || g_hash_table_contains (f->answered, body_str (f->review, "review")))
    return CARE_REVIEW_NONE;
  return CARE_REVIEW_QUERIED;
}

typedef struct
{
  gint64 start;
  gint64 minutes;
} Plan;

static gboolean
load_plan (CareStore  *self,
           const char *schedule,
           Plan       *plan,
           GError    **error)
{
  g_autoptr(CareStmt) stmt = NULL;
  int rc;

  plan->start = plan->minutes = 0;
  if (schedule == NULL)
    return TRUE;
  stmt = care_store_stmt (self, SQL_GET_SCHEDULE, error);
  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, schedule);
  rc = care_store_step (self, stmt, error);
  if (rc == SQLITE_ROW)
    {
      plan->start = sqlite3_column_int64 (stmt, 2);
      plan->minutes = sqlite3_column_int64 (stmt, 3);
    }
  return rc != 0;
}

static guint
visit_flags (VisitFold  *f,
             const Plan *plan,
             JsonArray  *careplan)
{
  guint flags = note_flags (f);

  if (plan->start > 0 && f->started_at > plan->start + LATE_START_MS)
    flags |= CARE_VISIT_FLAG_LATE_START;
  if (f->finished != NULL && plan->minutes > 0
      && (f->finished_at - f->started_at) * 4 < plan->minutes * MINUTE_MS * 3)
    flags |= CARE_VISIT_FLAG_SHORT;
  if (f->amended)
    flags |= CARE_VISIT_FLAG_AMENDED;
  if (f->clock_warning)
    flags |= CARE_VISIT_FLAG_CLOCK_WARNING;
  if (f->concurrent)
    flags |= CARE_VISIT_FLAG_CONCURRENT;
  if (f->disputed)
    flags |= CARE_VISIT_FLAG_DISPUTED;
  if (f->finished != NULL && f->cancelled == NULL)
    flags |= essential_flags (f, careplan);
  return flags;
}

static gboolean
delete_visit_row (CareStore  *self,
                  const char *vkey,
                  GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_DELETE_VISIT, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, vkey);
  return care_store_run (self, stmt, error);
}

static gboolean
delete_schedule_row (CareStore  *self,
                     const char *schedule,
                     GError    **error)
{
  g_autofree char *vkey = g_strconcat ("schedule:", schedule, NULL);

  return delete_visit_row (self, vkey, error);
}

static gboolean
put_visit (CareStore  *self,
           const char *visit,
           VisitFold  *f,
           const Plan *plan,
           guint       flags,
           GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_PUT_VISIT, error);
  const CareEvent *s = f->started;
  JsonObject *loc = json_object_get_member (s->body, "location")
                      ? json_object_get_object_member (s->body, "location") : NULL;
  CareReviewState review = review_state (f);
  int base = f->cancelled ? BASE_CANCELLED : f->finished ? BASE_DONE : BASE_IN_PROGRESS;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, visit);
  care_store_bind_text (stmt, 2, visit);
  care_store_bind_text (stmt, 3, body_str (s, "schedule"));
  care_store_bind_text (stmt, 4, body_str (s, "client"));
  care_store_bind_text (stmt, 5, s->author);
  care_store_bind_text (stmt, 6, f->service);
  sqlite3_bind_int64 (stmt, 7, plan->start);
  sqlite3_bind_int64 (stmt, 8, plan->minutes);
  sqlite3_bind_int64 (stmt, 9, f->started_at);
  sqlite3_bind_int64 (stmt, 10, f->finished ? f->finished_at : 0);
  sqlite3_bind_int64 (stmt, 11, body_int (s, "at"));
  sqlite3_bind_int64 (stmt, 12, f->finished ? body_int (f->finished, "at") : 0);
  sqlite3_bind_int64 (stmt, 13, f->started_at);
  sqlite3_bind_int (stmt, 14, base);
  sqlite3_bind_int (stmt, 15, flags);
  sqlite3_bind_int (stmt, 16, review);
  care_store_bind_text (stmt, 17, review == CARE_REVIEW_QUERIED ? body_str (f->review, "message") : NULL);
  sqlite3_bind_int (stmt, 18, loc != NULL);
  if (loc != NULL)
    {
      sqlite3_bind_double (stmt, 19, json_object_get_double_member (loc, "lat"));
      sqlite3_bind_double (stmt, 20, json_object_get_double_member (loc, "lon"));
      sqlite3_bind_double (stmt, 21, json_object_get_double_member (loc, "accuracy_m"));
    }
  return care_store_run (self, stmt, error);
}

static gboolean
delete_notes (CareStore  *self,
              const char *visit,
              GError    **error)
{
  g_autoptr(CareStmt) fts = care_store_stmt (self, SQL_DELETE_NOTES_FTS, error);
  g_autoptr(CareStmt) notes = NULL;

  if (fts == NULL)
    return FALSE;
  care_store_bind_text (fts, 1, visit);
  if (!care_store_run (self, fts, error))
    return FALSE;
  notes = care_store_stmt (self, SQL_DELETE_NOTES, error);
  if (notes == NULL)
    return FALSE;
  care_store_bind_text (notes, 1, visit);
  return care_store_run (self, notes, error);
}

static void
bind_note (sqlite3_stmt *stmt,
           const char   *client,
           NoteFold     *n)
{
  care_store_bind_text (stmt, 1, client);
  care_store_bind_text (stmt, 2, body_str (n->event, "category"));
  care_store_bind_text (stmt, 3, n->text);
  sqlite3_bind_int (stmt, 4, n->retracted);
  care_store_bind_text (stmt, 5, n->event->author);
  sqlite3_bind_int64 (stmt, 6, n->event->wall);
}

static gboolean
index_note (CareStore  *self,
            gint64      pos,
            gboolean    was_indexed,
            NoteFold   *n,
            GError    **error)
{
  if (was_indexed)
    {
      g_autoptr(CareStmt) del = care_store_stmt (self, SQL_DELETE_NOTE_FTS, error);

      if (del == NULL)
        return FALSE;
      sqlite3_bind_int64 (del, 1, pos);
      if (!care_store_run (self, del, error))
        return FALSE;
    }
  if (!n->retracted)
    {
      g_autoptr(CareStmt) fts = care_store_stmt (self, SQL_INSERT_NOTE_FTS, error);

      if (fts == NULL)
        return FALSE;
      sqlite3_bind_int64 (fts, 1, pos);
      care_store_bind_text (fts, 2, n->text);
      return care_store_run (self, fts, error);
    }
  return TRUE;
}

static gboolean
same_note (sqlite3_stmt *row,
           const char   *client,
           NoteFold     *n)
{
  return g_strcmp0 ((const char *) sqlite3_column_text (row, 1), client) == 0
         && g_strcmp0 ((const char *) sqlite3_column_text (row, 2), body_str (n->event, "category")) == 0
         && g_strcmp0 ((const char *) sqlite3_column_text (row, 3), n->text) == 0
         && sqlite3_column_int (row, 4) == n->retracted
         && g_strcmp0 ((const char *) sqlite3_column_text (row, 5), n->event->author) == 0
         && sqlite3_column_int64 (row, 6) == n->event->wall;
}

/* Writes one note only if it changed, so that a visit's other records do
 * not rewrite its notes and their full-text index. */
static gboolean
put_note (CareStore  *self,
          const char *visit,
          const char *client,
          NoteFold   *n,
          GError    **error)
{
  g_autoptr(CareStmt) find = care_store_stmt (self, SQL_FIND_NOTE, error);
  g_autoptr(CareStmt) write = NULL;
  gboolean was_indexed;
  gint64 pos;
  int rc;

  if (find == NULL)
    return FALSE;
  care_store_bind_text (find, 1, visit);
  care_store_bind_text (find, 2, body_str (n->event, "note"));
  rc = care_store_step (self, find, error);
  if (rc == 0 || (rc == SQLITE_ROW && same_note (find, client, n)))
    return rc != 0;
  pos = rc == SQLITE_ROW ? sqlite3_column_int64 (find, 0) : 0;
  was_indexed = rc == SQLITE_ROW && !sqlite3_column_int (find, 4);
  care_stmt_release (find);
  write = care_store_stmt (self, pos ? SQL_UPDATE_NOTE : SQL_INSERT_NOTE, error);
  if (write == NULL)
    return FALSE;
  if (pos)
    {
      bind_note (write, client, n);
      sqlite3_bind_int64 (write, 7, pos);
    }
  else
    {
      care_store_bind_text (write, 1, body_str (n->event, "note"));
      care_store_bind_text (write, 2, visit);
      care_store_bind_text (write, 3, client);
      care_store_bind_text (write, 4, body_str (n->event, "category"));
      care_store_bind_text (write, 5, n->text);
      sqlite3_bind_int (write, 6, n->retracted);
      care_store_bind_text (write, 7, n->event->author);
      sqlite3_bind_int64 (write, 8, n->event->wall);
    }
  if (!care_store_run (self, write, error))
    return FALSE;
  if (!pos)
    pos = sqlite3_last_insert_rowid (self->db);
  return index_note (self, pos, was_indexed, n, error);
}

static gboolean
put_notes (CareStore  *self,
           const char *visit,
           VisitFold  *f,
           GError    **error)
{
  const char *client = f->started ? body_str (f->started, "client") : NULL;

  /* Notes of a visit whose check-in has not arrived are kept out of sight
   * until it does, like the visit itself. A note, once there, never goes. */
  if (f->started == NULL)
    return delete_notes (self, visit, error);
  for (guint i = 0; i < f->note_order->len; i++)
    if (!put_note (self, visit, client, g_hash_table_lookup (f->notes, f->note_order->pdata[i]), error))
      return FALSE;
  return TRUE;
}

static gboolean
recompute_visit (CareStore  *self,
                 const char *visit,
                 GError    **error)
{
  g_autoptr(GPtrArray) events = care_store_load_visit_events (self, visit, NULL, error);
  g_auto(VisitFold) f = { 0 };
  g_autoptr(JsonArray) careplan = NULL;
  Plan plan;

  if (events == NULL)
    return FALSE;
  f.answers = g_hash_table_new (g_str_hash, g_str_equal);
  f.notes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  f.note_order = g_ptr_array_new ();
  f.answered = g_hash_table_new (g_str_hash, g_str_equal);
  f.changes = g_ptr_array_new ();
  for (guint i = 0; i < events->len; i++)
    fold_event (&f, events->pdata[i]);
  if (!put_notes (self, visit, &f, error))
    return FALSE;
  if (f.started == NULL)
    return delete_visit_row (self, visit, error);
  if (!load_plan (self, body_str (f.started, "schedule"), &plan, error))
    return FALSE;
  if (body_str (f.started, "schedule") != NULL
      && !delete_schedule_row (self, body_str (f.started, "schedule"), error))
    return FALSE;
  careplan = care_store_load_careplan (self, body_str (f.started, "client"), NULL);
  return put_visit (self, visit, &f, &plan, visit_flags (&f, &plan, careplan), error);
}

/* Scheduled visits -------------------------------------------------------- */

static gboolean
collect_ids (CareStore  *self,
             const char *sql,
             const char *key,
             GHashTable *into,
             GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, key);
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    mark (into, (const char *) sqlite3_column_text (stmt, 0));
  return rc == SQLITE_DONE;
}

static gint64
count_with_key (CareStore  *self,
                const char *sql,
                const char *key,
                GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);

  if (stmt == NULL)
    return -1;
  care_store_bind_text (stmt, 1, key);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
put_schedule_row (CareStore    *self,
                  const char   *schedule,
                  sqlite3_stmt *row,
                  gboolean      cancelled,
                  GError      **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_PUT_VISIT, error);
  g_autofree char *vkey = g_strconcat ("schedule:", schedule, NULL);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, vkey);
  care_store_bind_text (stmt, 3, schedule);
  care_store_bind_text (stmt, 4, (const char *) sqlite3_column_text (row, 0));
  care_store_bind_text (stmt, 5, (const char *) sqlite3_column_text (row, 1));
  care_store_bind_text (stmt, 6, (const char *) sqlite3_column_text (row, 4));
  sqlite3_bind_int64 (stmt, 7, sqlite3_column_int64 (row, 2));
  sqlite3_bind_int64 (stmt, 8, sqlite3_column_int64 (row, 3));
  for (int i = 9; i <= 12; i++)
    sqlite3_bind_int64 (stmt, i, 0);
  sqlite3_bind_int64 (stmt, 13, sqlite3_column_int64 (row, 2));
  sqlite3_bind_int (stmt, 14, cancelled ? BASE_CANCELLED : BASE_SCHEDULED);
  sqlite3_bind_int (stmt, 15, 0);
  sqlite3_bind_int (stmt, 16, CARE_REVIEW_NONE);
  sqlite3_bind_int (stmt, 18, 0);
  return care_store_run (self, stmt, error);
}

static gboolean
recompute_schedule (CareStore  *self,
                    const char *schedule,
                    CareDirty  *dirty,
                    GError    **error)
{
  g_autoptr(CareStmt) row = NULL;
  guint before = g_hash_table_size (dirty->visits);
  gint64 cancels;
  int rc;

  if (!collect_ids (self, SQL_SCHEDULE_VISITS, schedule, dirty->visits, error))
    return FALSE;
  if (g_hash_table_size (dirty->visits) > before
      || count_with_key (self, SQL_SCHEDULE_VISITS, schedule, error) > 0)
    return delete_schedule_row (self, schedule, error);
  cancels = count_with_key (self, SQL_SCHEDULE_CANCELLED, schedule, error);
  if (cancels < 0)
    return FALSE;
  row = care_store_stmt (self, SQL_GET_SCHEDULE, error);
  if (row == NULL)
    return FALSE;
  care_store_bind_text (row, 1, schedule);
  rc = care_store_step (self, row, error);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE;
  return put_schedule_row (self, schedule, row, cancels > 0 || sqlite3_column_int (row, 5), error);
}

gboolean
care_store_derive_flush (CareStore *self,
                         CareDirty *dirty,
                         GError   **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, dirty->clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!collect_ids (self, SQL_CLIENT_VISITS, key, dirty->visits, error))
      return FALSE;
  g_hash_table_iter_init (&iter, dirty->schedules);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!recompute_schedule (self, key, dirty, error))
      return FALSE;
  g_hash_table_iter_init (&iter, dirty->visits);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!recompute_visit (self, key, error))
      return FALSE;
  g_hash_table_remove_all (dirty->clients);
  g_hash_table_remove_all (dirty->schedules);
  g_hash_table_remove_all (dirty->visits);
  return TRUE;
}

gboolean
care_store_rebuild_derived (CareStore *self,
                            GError   **error)
{
  g_autoptr(CareDirty) dirty = care_dirty_new ();
  g_autoptr(CareStmt) stmt = NULL;
  int rc;

  if (!care_store_exec (self, SQL_CLEAR_DERIVED, error))
    return FALSE;
  stmt = care_store_stmt (self, SQL_ALL_EVENTS, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      g_autoptr(CareEvent) event = care_store_event_from_row (stmt, 0, NULL);

      if (event->type != CARE_EVENT_INVALID && !derive_event (self, event, dirty, error))
        return FALSE;
    }
  if (rc == 0)
    return FALSE;
  care_stmt_release (stmt);
  return care_store_derive_flush (self, dirty, error);
}

char *
care_store_dump_derived (CareStore *self,
                         GError   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (dump_queries); q++)
    {
      g_autoptr(CareStmt) stmt = care_store_stmt (self, dump_queries[q], error);
      int rc;

      if (stmt == NULL)
        return NULL;
      g_string_append_printf (out, "-- %u\n", q);
      while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s%s", c ? "|" : "",
                                    sqlite3_column_type (stmt, c) == SQLITE_NULL
                                      ? "∅" : (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
        }
      if (rc == 0)
        return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GPtrArray *
care_store_list_all_events (CareStore *self,
                            GError   **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_ALL_EVENTS, error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (events, care_store_event_from_row (stmt, 0, NULL));
  if (rc == 0)
    return NULL;
  return g_steal_pointer (&events);
}
