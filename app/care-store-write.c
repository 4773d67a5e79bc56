/* care-store-write.c: local appends and the care-log rules.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One user action is one transaction: BEGIN IMMEDIATE (so the sequence
 * number and clock are read under the write lock, even with the app, the
 * command-line tool and the sync daemon on the same file), validate, check
 * the rules against the current derived state, insert, update the derived
 * state, COMMIT with synchronous=FULL. Only then does the call return.
 * The rules apply to local appends only: records from the server are facts
 * that already happened elsewhere.
 */
#include "care-config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "care-rules.h"
#include "care-chain.h"
#include "care-store-private.h"

#define CLOCK_TOLERANCE_MS (5 * 60 * 1000)

/* SQL --------------------------------------------------------------------- */

static const char SQL_MAX_HLC[] = "SELECT max(hlc) FROM events";
static const char SQL_MAX_SEQ[] = "SELECT max(seq) FROM events WHERE device = ?";
static const char SQL_RECORD_AT[] = "SELECT " EVENT_COLUMNS ", hash FROM events WHERE device = ? AND seq = ?";
static const char SQL_VISIT_ROW[] =
  "SELECT base, started_at, finished_at, client, schedule, service, carer FROM visits"
  " WHERE vkey = ? AND visit IS NOT NULL";
static const char SQL_NOTE_ROW[] =
  "SELECT visit, text, retracted FROM notes WHERE note = ? ORDER BY pos LIMIT 1";
static const char SQL_REVIEW_ROW[] = "SELECT action, visit FROM reviews WHERE review = ?";
static const char SQL_VISIT_REVIEW[] = "SELECT review FROM visits WHERE vkey = ? AND visit IS NOT NULL";
static const char SQL_SHEET_ACTION[] =
  "SELECT action FROM reviews WHERE carer = ? AND week = ? ORDER BY hlc DESC, device DESC, seq DESC LIMIT 1";
static const char SQL_SCHEDULE_ROW[] = "SELECT cancelled, service FROM schedules WHERE schedule = ?";
static const char SQL_SCHEDULE_CANCELLATION[] =
  "SELECT author, wall, json_extract (body, '$.reason') FROM events WHERE subject = ?"
  " AND type = 'visit.cancelled' ORDER BY hlc, device, seq LIMIT 1";
/* (Another visit: a correction of a refused check-in restates its own.) */
static const char SQL_SCHEDULE_STARTED[] =
  "SELECT visit FROM visits WHERE schedule = ?1 AND visit IS NOT NULL AND visit IS NOT ?2 LIMIT 1";
static const char SQL_CLIENT_KNOWN[] =
  "SELECT (SELECT count(*) FROM clients WHERE client = ?), EXISTS (SELECT 1 FROM clients)";

/* Errors ------------------------------------------------------------------ */

static gboolean
fail (GError    **error,
      int         code,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError    **error,
      int         code,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CARE_STORE_ERROR, code, message);
  return FALSE;
}

static const char *
body_str (JsonObject *body,
          const char *name)
{
  return json_object_get_string_member_with_default (body, name, NULL);
}

/* Current state, as the rules need it ------------------------------------ */

typedef struct
{
  gboolean found;
  int base;
  gint64 started_at;
  gint64 finished_at;
  char *client;
  char *schedule;
  char *service;
  char *carer;
} VisitRow;

static void
visit_row_clear (VisitRow *v)
{
  g_clear_pointer (&v->client, g_free);
  g_clear_pointer (&v->schedule, g_free);
  g_clear_pointer (&v->service, g_free);
  g_clear_pointer (&v->carer, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VisitRow, visit_row_clear)

static gboolean
load_visit_row (CareStore  *self,
                const char *visit,
                VisitRow   *v,
                GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_VISIT_ROW, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, visit);
  rc = care_store_step (self, stmt, error);
  if (rc == SQLITE_ROW)
    {
      v->found = TRUE;
      v->base = sqlite3_column_int (stmt, 0);
      v->started_at = sqlite3_column_int64 (stmt, 1);
      v->finished_at = sqlite3_column_int64 (stmt, 2);
      v->client = care_store_column_dup (stmt, 3);
      v->schedule = care_store_column_dup (stmt, 4);
      v->service = care_store_column_dup (stmt, 5);
      v->carer = care_store_column_dup (stmt, 6);
    }
  return rc != 0;
}

static gboolean
require_visit (CareStore  *self,
               const char *visit,
               VisitRow   *v,
               GError    **error)
{
  if (!load_visit_row (self, visit, v, error))
    return FALSE;
  if (!v->found)
    return fail (error, CARE_STORE_ERROR_NOT_FOUND,
                 _("There is no visit %s in this care log. Check the visit id (carelog-cli today "
                   "lists them)."), visit);
  return TRUE;
}

/* The essential tasks of the visit's care plan without a "done" answer, as
 * a list of labels; NULL when there are none. */
static char *
missing_essentials (CareStore  *self,
                    const char *visit,
                    const char *client,
                    GError    **error)
{
  g_autoptr(GPtrArray) events = care_store_load_visit_events (self, visit, NULL, error);
  g_autoptr(JsonArray) plan = care_store_load_careplan (self, client, NULL);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) missing = g_string_new (NULL);

  if (events == NULL)
    return NULL;
  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];

      if (e->type == CARE_EVENT_TASK_ANSWERED)
        g_hash_table_add (done, (gpointer) body_str (e->body, "task"));
    }
  for (guint i = 0; plan != NULL && i < json_array_get_length (plan); i++)
    {
      JsonObject *t = json_array_get_object_element (plan, i);

      if (json_object_get_boolean_member (t, "essential")
          && !g_hash_table_contains (done, json_object_get_string_member (t, "task")))
        g_string_append_printf (missing, "%s“%s”", missing->len ? ", " : "",
                                json_object_get_string_member (t, "label"));
    }
  return missing->len ? g_string_free (g_steal_pointer (&missing), FALSE) : NULL;
}

static gboolean
task_in_plan (CareStore  *self,
              const char *client,
              const char *task)
{
  g_autoptr(JsonArray) plan = care_store_load_careplan (self, client, NULL);

  if (plan == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (plan); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (plan, i), "task"), task) == 0)
      return TRUE;
  return FALSE;
}

/* Rules ------------------------------------------------------------------- */

/* A recorded time more than CLOCK_TOLERANCE_MS after the store's current
 * time is refused: care happens in the present, and suspicious times are
 * flagged or refused, never silently kept (PRODUCT.md). */
static gboolean
rule_not_future (CareStore  *self,
                 const char *what,
                 gint64      at,
                 GError    **error)
{
  gint64 now = care_store_now (self);
  g_autofree char *when = NULL;
  g_autofree char *current = NULL;

  if (at <= now + CLOCK_TOLERANCE_MS)
    return TRUE;
  when = care_store_format_time (self, at);
  current = care_store_format_time (self, now);
  return fail (error, CARE_STORE_ERROR_RULE,
               _("The %s time %s is %lld minutes in the future (it is now %s on this "
                 "tablet). Times cannot be recorded ahead of now: check the time you gave, or the "
                 "tablet’s clock."),
               what, when, (long long) ((at - now) / 60000), current);
}

static gboolean
rule_started (CareStore  *self,
              JsonObject *body,
              GError    **error)
{
  g_autoptr(CareStmt) known = care_store_stmt (self, SQL_CLIENT_KNOWN, error);
  const char *schedule = body_str (body, "schedule");

  if (known == NULL)
    return FALSE;
  if (!rule_not_future (self, _("check-in"), json_object_get_int_member (body, "at"), error))
    return FALSE;
  care_store_bind_text (known, 1, body_str (body, "client"));
  if (care_store_step (self, known, error) != SQLITE_ROW)
    return FALSE;
  if (sqlite3_column_int (known, 0) == 0 && sqlite3_column_int (known, 1) != 0)
    return fail (error, CARE_STORE_ERROR_NOT_FOUND,
                 _("Client %s is not in this tablet’s client list. Check the client, or sync to "
                   "receive the co-op’s latest list."), body_str (body, "client"));
  if (schedule != NULL)
    {
      g_autoptr(CareStmt) row = care_store_stmt (self, SQL_SCHEDULE_ROW, error);
      g_autoptr(CareStmt) started = NULL;
      int rc;

      if (row == NULL)
        return FALSE;
      care_store_bind_text (row, 1, schedule);
      rc = care_store_step (self, row, error);
      if (rc == 0)
        return FALSE;
      if (rc == SQLITE_DONE)
        return fail (error, CARE_STORE_ERROR_NOT_FOUND,
                     _("The scheduled visit %s is not on this tablet’s rota. Start an unscheduled "
                       "visit instead, or sync to receive the latest rota."), schedule);
      if (sqlite3_column_int (row, 0))
        return fail (error, CARE_STORE_ERROR_RULE,
                     _("This scheduled visit was cancelled by the co-op. Start an unscheduled "
                       "visit if you are with the client anyway."));
      started = care_store_stmt (self, SQL_SCHEDULE_STARTED, error);
      if (started == NULL)
        return FALSE;
      care_store_bind_text (started, 1, schedule);
      care_store_bind_text (started, 2, body_str (body, "visit"));
      rc = care_store_step (self, started, error);
      if (rc == SQLITE_ROW)
        return fail (error, CARE_STORE_ERROR_RULE,
                     _("This scheduled visit has already been started (visit %s)."),
                     (const char *) sqlite3_column_text (started, 0));
      if (rc == 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
rule_task (CareStore  *self,
           JsonObject *body,
           GError    **error)
{
  g_auto(VisitRow) v = { 0 };

  if (!require_visit (self, body_str (body, "visit"), &v, error))
    return FALSE;
  if (!task_in_plan (self, v.client, body_str (body, "task")))
    return fail (error, CARE_STORE_ERROR_NOT_FOUND,
                 _("Task %s is not part of this client’s care plan. Check the task id."),
                 body_str (body, "task"));
  return TRUE;
}

static gboolean
rule_finished (CareStore  *self,
               JsonObject *body,
               GError    **error)
{
  g_auto(VisitRow) v = { 0 };
  g_autofree char *missing = NULL;
  g_autoptr(GError) local = NULL;
  gint64 at = json_object_get_int_member (body, "at");

  if (!require_visit (self, body_str (body, "visit"), &v, error))
    return FALSE;
  if (!rule_not_future (self, _("check-out"), at, error))
    return FALSE;
  missing = missing_essentials (self, body_str (body, "visit"), v.client, &local);
  if (local != NULL)
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  if (missing != NULL)
    return fail (error, CARE_STORE_ERROR_RULE,
                 _("Answer the essential tasks before checking out: %s (done, or not done with a reason)."),
                 missing);
  return TRUE;
}

/* The tablet's own check on an amendment: the new time is not ahead of now
 * on this tablet (the rest is the shared rule book, care-rules.c). */
static gboolean
rule_amended (CareStore  *self,
              JsonObject *body,
              GError    **error)
{
  const char *field = body_str (body, "field");

  if (g_str_equal (field, "service"))
    return TRUE;
  return rule_not_future (self, g_str_equal (field, "started_at") ? _("new check-in") : _("new check-out"),
                          json_object_get_int_member (body, "new"), error);
}

/* Fails when a cancellation of the scheduled visit is already recorded. */
static gboolean
schedule_cancellation (CareStore  *self,
                       const char *schedule,
                       GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_SCHEDULE_CANCELLATION, error);
  g_autofree char *who = NULL;
  g_autofree char *when = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, schedule);
  rc = care_store_step (self, stmt, error);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE;
  who = care_store_get_member_name (self, (const char *) sqlite3_column_text (stmt, 0));
  when = care_store_format_time (self, sqlite3_column_int64 (stmt, 1));
  return fail (error, CARE_STORE_ERROR_RULE,
               _("The scheduled visit %s has already been cancelled (by %s at %s: “%s”)."), schedule,
               who ? who : (const char *) sqlite3_column_text (stmt, 0), when,
               sqlite3_column_text (stmt, 2) ? (const char *) sqlite3_column_text (stmt, 2) : "");
}

static gboolean
rule_cancelled (CareStore  *self,
                JsonObject *body,
                GError    **error)
{
  const char *schedule = body_str (body, "schedule");

  if (schedule != NULL)
    {
      g_autoptr(CareStmt) row = care_store_stmt (self, SQL_SCHEDULE_ROW, error);
      g_autoptr(CareStmt) started = NULL;
      int rc;

      if (row == NULL)
        return FALSE;
      care_store_bind_text (row, 1, schedule);
      if ((rc = care_store_step (self, row, error)) != SQLITE_ROW)
        return rc == 0 ? FALSE : fail (error, CARE_STORE_ERROR_NOT_FOUND,
                                       _("There is no scheduled visit %s on this tablet’s rota."), schedule);
      if (sqlite3_column_int (row, 0))
        return fail (error, CARE_STORE_ERROR_RULE,
                     _("The scheduled visit %s has already been cancelled by the co-op."), schedule);
      care_stmt_release (row);
      if (!schedule_cancellation (self, schedule, error))
        return FALSE;
      started = care_store_stmt (self, SQL_SCHEDULE_STARTED, error);
      if (started == NULL)
        return FALSE;
      care_store_bind_text (started, 1, schedule);
      if ((rc = care_store_step (self, started, error)) == SQLITE_ROW)
        return fail (error, CARE_STORE_ERROR_RULE,
                     _("This scheduled visit has been started (visit %s): cancel that visit instead."),
                     (const char *) sqlite3_column_text (started, 0));
      return rc != 0;
    }
  return TRUE;
}

static const char SQL_READERSHIP[] = "SELECT readers FROM readership WHERE client = ?";
static const char SQL_CLIENT_OF_VISIT[] = "SELECT client FROM visits WHERE visit = ?";

CareReaders
care_store_get_client_readers (CareStore  *self,
                               const char *client,
                               const char *category)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_READERSHIP, NULL);
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (CARE_IS_STORE (self), CARE_READERS_INVALID);
  if (stmt == NULL || client == NULL)
    return CARE_READERS_INVALID;
  care_store_bind_text (stmt, 1, client);
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return CARE_READERS_INVALID;
  node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return CARE_READERS_INVALID;
  {
    g_autoptr(JsonObject) body = json_object_new ();

    json_object_set_member (body, "readers", g_steal_pointer (&node));
    return care_readership_choice (body, category);
  }
}

/* A note is read by no more people than the client chose for its
 * category (the co-op's scope narrows it anyway; the tablet says so
 * before it is written). */
static gboolean
rule_note_readers (CareStore  *self,
                   JsonObject *body,
                   GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_CLIENT_OF_VISIT, error);
  CareReaders readers = care_readers_from_string (body_str (body, "readers"));
  CareReaders choice;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, body_str (body, "visit"));
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return TRUE;
  choice = care_store_get_client_readers (self, (const char *) sqlite3_column_text (stmt, 0),
                                          body_str (body, "category"));
  if (care_readers_effective (readers, choice) != readers)
    return fail (error, CARE_STORE_ERROR_RULE,
                 choice == CARE_READERS_COORDINATORS
                   ? _("The client chose that notes of this kind are read by the co-ordinators only.")
                   : _("The client chose that notes of this kind stay within the care team: they are not "
                       "shared with the family.")), FALSE;
  return TRUE;
}

/* Only an approval can be withdrawn. */
static gboolean
rule_withdrawn (CareStore  *self,
                JsonObject *body,
                GError    **error)
{
  const char *visit = body_str (body, "visit");
  g_autoptr(CareStmt) stmt = care_store_stmt (self, visit ? SQL_VISIT_REVIEW : SQL_SHEET_ACTION, error);
  gboolean approved = FALSE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, visit ? visit : body_str (body, "carer"));
  if (visit == NULL)
    care_store_bind_text (stmt, 2, body_str (body, "week"));
  rc = care_store_step (self, stmt, error);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    approved = visit ? (sqlite3_column_int (stmt, 0) == CARE_REVIEW_APPROVED
                        || sqlite3_column_int (stmt, 0) == CARE_REVIEW_CHANGED)
                     : g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "approve") == 0;
  if (!approved)
    return fail (error, CARE_STORE_ERROR_RULE,
                 visit ? _("This visit is not approved, so there is no approval to withdraw.")
                       : _("This timesheet is not approved, so there is no approval to withdraw."));
  return TRUE;
}

/* An approval names what it approved: the records of the visit, or those
 * that make the week, on this tablet when it is written. */
static gboolean
fill_saw (CareStore  *self,
          JsonObject *body,
          GError    **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  JsonArray *saw;

  if (g_strcmp0 (body_str (body, "action"), "approve") != 0 || json_object_has_member (body, "saw"))
    return TRUE;
  if (body_str (body, "visit") != NULL)
    {
      g_autoptr(GPtrArray) events = care_store_load_visit_events (self, body_str (body, "visit"), NULL, error);

      if (events == NULL)
        return FALSE;
      ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < events->len; i++)
        {
          CareEvent *e = g_ptr_array_index (events, i);

          if (e->type != CARE_EVENT_REVIEW_ADDED && e->type != CARE_EVENT_QUERY_ANSWERED)
            g_ptr_array_add (ids, g_strdup (e->id));
        }
    }
  else
    {
      int year = 0, week = 0;

      if (body_str (body, "week") == NULL || sscanf (body_str (body, "week"), "%d-W%d", &year, &week) != 2)
        return TRUE;   /* validation says what is wrong */
      ids = care_store_week_record_ids (self, body_str (body, "carer"), year, week, error);
      if (ids == NULL)
        return FALSE;
    }
  if (ids->len > CARE_REVIEW_SAW_MAX)
    return fail (error, CARE_STORE_ERROR_RULE,
                 _("This has more records than one approval can name; approve its visits one by one."));
  saw = json_array_sized_new (ids->len);
  for (guint i = 0; i < ids->len; i++)
    json_array_add_string_element (saw, g_ptr_array_index (ids, i));
  json_object_set_array_member (body, "saw", saw);
  return TRUE;
}

/* The shared rule book (care-rules.c), with what this tablet knows. */
static gboolean
judge (CareStore       *self,
       const CareEvent *event,
       GError         **error)
{
  CareRuleContext context = { .member = self->member, .device = self->device, .role = self->role,
                              /* the tablet's client list is its member's clients */
                              .assigned = TRUE };
  const char *visit = care_rules_visit_of (event);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(CareStmt) review = NULL;
  int rc;

  if (visit != NULL)
    {
      history = care_store_load_visit_events (self, visit, NULL, error);
      if (history == NULL)
        return FALSE;
    }
  else if (event->type == CARE_EVENT_HOURS_ADDED)
    {
      /* A correction is judged against the entry's earlier records. */
      history = care_store_load_entry_events (self, body_str (event->body, "entry"), error);
      if (history == NULL)
        return FALSE;
    }
  else if (event->type == CARE_EVENT_QUERY_ANSWERED)
    {
      review = care_store_stmt (self, SQL_REVIEW_ROW, error);
      if (review == NULL)
        return FALSE;
      care_store_bind_text (review, 1, body_str (event->body, "review"));
      if ((rc = care_store_step (self, review, error)) == 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        context.review_action = (const char *) sqlite3_column_text (review, 0);
    }
  context.history = history;
  return care_rules_judge (event, &context, error) == CARE_VERDICT_ACCEPT;
}

static gboolean
check_rules (CareStore       *self,
             const CareEvent *event,
             GError         **error)
{
  JsonObject *body = event->body;

  if (care_event_type_is_roster (event->type))
    {
      if (self->role != CARE_ROLE_ADMINISTRATOR)
        return fail (error, CARE_STORE_ERROR_RULE,
                     _("Members, clients, care plans and the rota are set by the co-op’s administrators."));
      return TRUE;
    }
  if (!care_event_check_times (event, care_store_now (self), error) || !judge (self, event, error))
    return FALSE;
  /* The tablet's own checks, against the co-op's lists as this tablet has
   * them and its clock (the server does not repeat these: the lists may
   * have changed while the tablet was offline). */
  switch (event->type)
    {
    case CARE_EVENT_VISIT_STARTED:
      return rule_started (self, body, error);
    case CARE_EVENT_TASK_ANSWERED:
      return rule_task (self, body, error);
    case CARE_EVENT_VISIT_FINISHED:
      return rule_finished (self, body, error);
    case CARE_EVENT_VISIT_AMENDED:
      return rule_amended (self, body, error);
    case CARE_EVENT_VISIT_CANCELLED:
      return rule_cancelled (self, body, error);
    case CARE_EVENT_REVIEW_ADDED:
      return g_strcmp0 (body_str (body, "action"), "withdrawn") != 0 || rule_withdrawn (self, body, error);
    case CARE_EVENT_NOTE_ADDED:
      return rule_note_readers (self, body, error);
    default:
      return TRUE;
    }
}

/* Appending --------------------------------------------------------------- */

static gint64
max_value (CareStore  *self,
           const char *sql,
           const char *key,
           GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, sql, error);

  if (stmt == NULL)
    return -1;
  if (key != NULL)
    care_store_bind_text (stmt, 1, key);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* The chain ------------------------------------------------------------- */

char *
care_store_chain_hash (CareStore  *self,
                       const char *device,
                       gint64      seq,
                       GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_RECORD_AT, error);
  g_autoptr(CareEvent) event = NULL;

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, device);
  sqlite3_bind_int64 (stmt, 2, seq);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  if (sqlite3_column_type (stmt, 11) != SQLITE_NULL)
    return care_store_column_dup (stmt, 11);
  event = care_store_event_from_row (stmt, 0, NULL);
  return care_event_hash (event);
}

char *
care_store_own_record_hash (CareStore *self,
                            gint64     seq)
{
  if (self->device == NULL || seq <= 0)
    return NULL;
  return care_store_chain_hash (self, self->device, seq, NULL);
}

/* The link of this device's record after seq: meta "chain_head" holds
 * "SEQ HASH" of its latest record (which retention may have purged since);
 * else the stored record's hash. NULL: the previous record is gone and was
 * made before the chain, so this one starts it without a link. */
static char *
own_link (CareStore *self,
          gint64     previous)
{
  g_autofree char *head = care_store_get_meta (self, "chain_head");
  g_auto(GStrv) parts = head != NULL ? g_strsplit (head, " ", 2) : NULL;

  if (previous == 0)
    return g_strdup (CARE_CHAIN_START);
  if (parts != NULL && g_strv_length (parts) == 2
      && g_ascii_strtoll (parts[0], NULL, 10) == previous && care_hash_is_valid (parts[1]))
    return g_strdup (parts[1]);
  return care_store_chain_hash (self, self->device, previous, NULL);
}

static gboolean
set_own_head (CareStore       *self,
              const CareEvent *event,
              GError         **error)
{
  g_autofree char *hash = care_event_hash (event);
  g_autofree char *head = g_strdup_printf ("%" G_GINT64_FORMAT " %s", event->seq, hash);

  return care_store_set_meta (self, "chain_head", head, error);
}

static CareEvent *
new_local_event (CareStore    *self,
                 CareEventType type,
                 JsonObject   *body,
                 GError      **error)
{
  g_autoptr(CareEvent) event = care_event_new ();
  gint64 now = care_store_now (self);
  gint64 last_hlc = max_value (self, SQL_MAX_HLC, NULL, error);
  gint64 last_seq = last_hlc >= 0 ? max_value (self, SQL_MAX_SEQ, self->device, error) : -1;

  if (last_seq < 0)
    return NULL;
  event->id = care_id_new (now);
  event->device = g_strdup (self->device);
  event->seq = last_seq + 1;
  event->author = g_strdup (self->member);
  event->hlc = care_hlc_now (last_hlc, now);
  event->wall = now;
  event->type = type;
  event->body = json_object_ref (body);
  event->link = own_link (self, last_seq);
  return g_steal_pointer (&event);
}

/* Refused records put right (docs/sync-protocol.md, "Refused records"). */
static const char SQL_OWN_EVENT[] =
  "SELECT " EVENT_COLUMNS ", sync_code FROM events WHERE id = ? AND device = ?";
/* The refused record, and the corrections of it the co-op refused too,
 * are set aside once a new correction is written. */
static const char SQL_SET_ASIDE_CORRECTED[] =
  "UPDATE events SET sync = 3, sync_code = 'corrected', sync_reason = ?2"
  " WHERE device = ?3 AND sync IN (2, 3) AND (id = ?1 OR json_extract (body, '$.corrects') = ?1)";

/* A correction names a record of this tablet's that the co-op refused (or
 * that an earlier correction already tried to put right), not one it holds
 * behind another. */
static gboolean
check_correction (CareStore       *self,
                  const CareEvent *event,
                  GError         **error)
{
  const char *corrects = care_event_corrects (event);
  g_autoptr(CareStmt) stmt = NULL;
  g_autoptr(CareEvent) refused = NULL;
  int sync = 0, rc;

  if (corrects == NULL)
    return TRUE;
  stmt = care_store_stmt (self, SQL_OWN_EVENT, error);
  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, corrects);
  care_store_bind_text (stmt, 2, self->device);
  if ((rc = care_store_step (self, stmt, error)) == 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    refused = care_store_event_from_row (stmt, 0, &sync);
  if (refused == NULL || (sync != SYNC_QUARANTINED
                          && !(sync == SYNC_SET_ASIDE && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 11),
                                                                    "corrected") == 0)))
    return fail (error, CARE_STORE_ERROR_RULE,
                 sync == SYNC_HELD ? _("This record is held until an earlier refused record of the same visit is put "
                                       "right: correct that one.")
                                   : _("Only a record the co-op refused can be corrected.")), FALSE;
  return care_event_check_correction (event, refused, error);
}

static gboolean
set_aside_corrected (CareStore       *self,
                     const CareEvent *event,
                     GError         **error)
{
  g_autoptr(CareStmt) stmt = NULL;

  if (care_event_corrects (event) == NULL)
    return TRUE;
  stmt = care_store_stmt (self, SQL_SET_ASIDE_CORRECTED, error);
  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, care_event_corrects (event));
  care_store_bind_text (stmt, 2, event->id);
  care_store_bind_text (stmt, 3, self->device);
  return care_store_run (self, stmt, error);
}

static CareEvent *
append_locked (CareStore    *self,
               CareEventType type,
               JsonObject   *body,
               GError      **error)
{
  g_autoptr(CareEvent) event = NULL;
  g_autoptr(CareDirty) dirty = care_dirty_new ();
  gboolean inserted = FALSE;

  if (type == CARE_EVENT_REVIEW_ADDED && !fill_saw (self, body, error))
    return NULL;
  event = new_local_event (self, type, body, error);
  if (event == NULL || !care_event_validate (event, error) || !check_correction (self, event, error))
    return NULL;
  /* The refused record stops counting before the correction is judged. */
  if (!set_aside_corrected (self, event, error) || !check_rules (self, event, error))
    return NULL;
  if (!care_store_insert_event (self, event, SYNC_LOCAL, dirty, &inserted, error)
      || !care_store_derive_flush (self, dirty, error) || !set_own_head (self, event, error))
    return NULL;
  if (!inserted)
    return fail (error, CARE_STORE_ERROR_FAILED, _("The record could not be added; try again.")), NULL;
  return g_steal_pointer (&event);
}

CareEvent *
care_store_append (CareStore    *self,
                   CareEventType type,
                   JsonObject   *body,
                   GError      **error)
{
  g_autoptr(CareEvent) event = NULL;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  g_return_val_if_fail (body != NULL, NULL);
  if (self->device == NULL || self->member == NULL)
    return fail (error, CARE_STORE_ERROR_NOT_ENROLLED,
                 _("This profile is not set up yet: enrol this tablet with the line from your "
                   "co-ordinator, or create the demo profile.")), NULL;
  if (!care_store_begin (self, error))
    return NULL;
  event = append_locked (self, type, body, error);
  if (event == NULL)
    {
      care_store_rollback (self);
      return NULL;
    }
  if (!care_store_commit (self, error))
    return NULL;
  return g_steal_pointer (&event);
}

/* Convenience wrappers ---------------------------------------------------- */

static JsonObject *
new_body (const char *first_name,
          ...) G_GNUC_NULL_TERMINATED;

/* Pairs of member name and string value (NULL values are left out). */
static JsonObject *
new_body (const char *first_name,
          ...)
{
  JsonObject *body = json_object_new ();
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        json_object_set_string_member (body, name, value);
    }
  va_end (args);
  return body;
}

static gboolean
append_body (CareStore    *self,
             CareEventType type,
             JsonObject   *body,
             GError      **error)
{
  g_autoptr(JsonObject) owned = body;
  g_autoptr(CareEvent) event = care_store_append (self, type, owned, error);

  return event != NULL;
}

static void
add_clock_offset (CareStore  *self,
                  JsonObject *body)
{
  g_autofree char *offset = care_store_get_meta (self, "clock_offset_ms");
  gint64 ms = offset != NULL ? g_ascii_strtoll (offset, NULL, 10) : 0;

  if (ABS (ms) > CLOCK_TOLERANCE_MS)
    json_object_set_int_member (body, "clock_offset_ms", ms);
}

static char *
service_of_schedule (CareStore  *self,
                     const char *schedule)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_SCHEDULE_ROW, NULL);

  if (stmt == NULL || schedule == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, schedule);
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return NULL;
  return care_store_column_dup (stmt, 1);
}

char *
care_store_check_in (CareStore    *self,
                     const char   *client,
                     const char   *schedule,
                     const char   *service,
                     const double *lat_lon_acc,
                     GError      **error)
{
  g_autofree char *visit = care_id_new (care_store_now (self));
  g_autofree char *planned = service == NULL ? service_of_schedule (self, schedule) : NULL;
  JsonObject *body = new_body ("visit", visit, "client", client, "schedule", schedule,
                               "service", service ? service : planned ? planned : "home care", NULL);

  json_object_set_int_member (body, "at", care_store_now (self));
  if (lat_lon_acc != NULL)
    {
      JsonObject *loc = json_object_new ();

      json_object_set_double_member (loc, "lat", lat_lon_acc[0]);
      json_object_set_double_member (loc, "lon", lat_lon_acc[1]);
      json_object_set_double_member (loc, "accuracy_m", lat_lon_acc[2]);
      json_object_set_object_member (body, "location", loc);
    }
  add_clock_offset (self, body);
  if (!append_body (self, CARE_EVENT_VISIT_STARTED, body, error))
    return NULL;
  return g_steal_pointer (&visit);
}

gboolean
care_store_answer_task (CareStore  *self,
                        const char *visit,
                        const char *task,
                        gboolean    done,
                        const char *reason,
                        GError    **error)
{
  JsonObject *body = new_body ("visit", visit, "task", task, "reason", reason, NULL);

  json_object_set_boolean_member (body, "done", done);
  return append_body (self, CARE_EVENT_TASK_ANSWERED, body, error);
}

char *
care_store_add_note (CareStore  *self,
                     const char *visit,
                     const char *category,
                     const char *text,
                     GError    **error)
{
  return care_store_add_note_for (self, visit, category, text, CARE_READERS_TEAM, error);
}

char *
care_store_add_note_for (CareStore   *self,
                         const char  *visit,
                         const char  *category,
                         const char  *text,
                         CareReaders  readers,
                         GError     **error)
{
  g_autofree char *note = care_id_new (care_store_now (self));
  JsonObject *body = new_body ("visit", visit, "note", note, "category", category, "text", text,
                               "readers", readers == CARE_READERS_TEAM ? NULL : care_readers_to_string (readers),
                               NULL);

  if (!append_body (self, CARE_EVENT_NOTE_ADDED, body, error))
    return NULL;
  return g_steal_pointer (&note);
}

CareEvent *
care_store_get_own_event (CareStore   *self,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(CareStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  stmt = care_store_stmt (self, SQL_OWN_EVENT, error);
  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, id);
  care_store_bind_text (stmt, 2, self->device);
  if ((rc = care_store_step (self, stmt, error)) == 0)
    return NULL;
  if (rc != SQLITE_ROW)
    return fail (error, CARE_STORE_ERROR_NOT_FOUND,
                 _("This tablet wrote no record %s: give the id of a refused record, as the outbox lists it."),
                 id), NULL;
  return care_store_event_from_row (stmt, 0, NULL);
}

CareEvent *
care_store_correct (CareStore   *self,
                    const char  *refused_id,
                    JsonObject  *changes,
                    GError     **error)
{
  g_autoptr(CareEvent) refused = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *hash = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  refused = care_store_get_own_event (self, refused_id, error);
  if (refused == NULL)
    return NULL;
  json_object_iter_init (&iter, refused->body);
  while (json_object_iter_next (&iter, &name, &member))
    json_object_set_member (body, name, json_node_copy (member));
  json_object_iter_init (&iter, changes);
  while (json_object_iter_next (&iter, &name, &member))
    json_object_set_member (body, name, json_node_copy (member));
  json_object_set_string_member (body, "corrects", care_event_corrects (refused) != NULL
                                                   ? care_event_corrects (refused) : refused->id);
  /* ... by id and by hash (docs/verifying-records.md, "Corrections"). */
  if (care_event_corrects (refused) != NULL)
    {
      g_autoptr(CareEvent) root = care_store_get_own_event (self, care_event_corrects (refused), error);

      if (root == NULL)
        return NULL;
      hash = care_event_hash (root);
    }
  else
    hash = care_event_hash (refused);
  json_object_set_string_member (body, "corrects_hash", hash);
  return care_store_append (self, refused->type, body, error);
}

gboolean
care_store_check_out (CareStore  *self,
                      const char *visit,
                      GError    **error)
{
  JsonObject *body = new_body ("visit", visit, NULL);

  json_object_set_int_member (body, "at", care_store_now (self));
  add_clock_offset (self, body);
  return append_body (self, CARE_EVENT_VISIT_FINISHED, body, error);
}

gboolean
care_store_verify_visit (CareStore  *self,
                         const char *visit,
                         const char *outcome,
                         const char *by,
                         const char *reason,
                         const char *text,
                         GError    **error)
{
  JsonObject *body = new_body ("visit", visit, "outcome", outcome, "by", by, "reason", reason,
                               "text", text != NULL && *text != '\0' ? text : NULL, NULL);

  return append_body (self, CARE_EVENT_VISIT_VERIFIED, body, error);
}

gboolean
care_store_answer_dispute (CareStore  *self,
                           const char *visit,
                           const char *message,
                           GError    **error)
{
  return append_body (self, CARE_EVENT_DISPUTE_ANSWERED, new_body ("visit", visit, "message", message, NULL), error);
}

char *
care_store_send_message (CareStore  *self,
                         const char *client,
                         const char *text,
                         GError    **error)
{
  g_autofree char *message = care_id_new (care_store_now (self));

  if (!append_body (self, CARE_EVENT_MESSAGE_SENT, new_body ("message", message, "client", client, "text", text, NULL),
                    error))
    return NULL;
  return g_steal_pointer (&message);
}

static gboolean
parse_ms (const char *text,
          gint64     *out,
          GError    **error)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return fail (error, CARE_STORE_ERROR_INVALID,
                 _("The new time must be given in milliseconds since 1970."));
  *out = (gint64) value;
  return TRUE;
}

gboolean
care_store_amend_visit (CareStore  *self,
                        const char *visit,
                        const char *field,
                        const char *new_value,
                        const char *reason,
                        GError    **error)
{
  g_auto(VisitRow) v = { 0 };
  g_autoptr(JsonObject) body = NULL;
  gint64 value = 0;
  gboolean is_service = g_strcmp0 (field, "service") == 0;

  if (!is_service && g_strcmp0 (field, "started_at") != 0 && g_strcmp0 (field, "finished_at") != 0)
    return fail (error, CARE_STORE_ERROR_INVALID,
                 _("Only the check-in time (started_at), the check-out time (finished_at) or the "
                   "service can be amended."));
  if (!is_service && !parse_ms (new_value, &value, error))
    return FALSE;
  if (!require_visit (self, visit, &v, error))
    return FALSE;
  body = new_body ("visit", visit, "field", field, "reason", reason ? reason : "", NULL);
  if (is_service)
    {
      json_object_set_string_member (body, "old", v.service);
      json_object_set_string_member (body, "new", new_value ? new_value : "");
    }
  else
    {
      json_object_set_int_member (body, "old", g_str_equal (field, "started_at") ? v.started_at : v.finished_at);
      json_object_set_int_member (body, "new", value);
    }
  return append_body (self, CARE_EVENT_VISIT_AMENDED, g_steal_pointer (&body), error);
}

static gboolean
find_note (CareStore  *self,
           const char *note,
           char      **visit,
           char      **text,
           GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_NOTE_ROW, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, note);
  rc = care_store_step (self, stmt, error);
  if (rc == SQLITE_DONE)
    return fail (error, CARE_STORE_ERROR_NOT_FOUND,
                 _("There is no note %s in this care log. Check the note id."), note);
  if (rc != SQLITE_ROW)
    return FALSE;
  *visit = care_store_column_dup (stmt, 0);
  *text = care_store_column_dup (stmt, 1);
  return TRUE;
}

gboolean
care_store_amend_note (CareStore  *self,
                       const char *note,
                       const char *new_text,
                       const char *reason,
                       GError    **error)
{
  g_autofree char *visit = NULL;
  g_autofree char *old = NULL;

  if (!find_note (self, note, &visit, &old, error))
    return FALSE;
  return append_body (self, CARE_EVENT_NOTE_AMENDED,
                      new_body ("visit", visit, "note", note, "old", old, "new", new_text,
                                "reason", reason ? reason : "", NULL),
                      error);
}

gboolean
care_store_retract_note (CareStore  *self,
                         const char *note,
                         const char *reason,
                         GError    **error)
{
  g_autofree char *visit = NULL;
  g_autofree char *old = NULL;

  if (!find_note (self, note, &visit, &old, error))
    return FALSE;
  return append_body (self, CARE_EVENT_NOTE_RETRACTED,
                      new_body ("visit", visit, "note", note, "reason", reason ? reason : "", NULL),
                      error);
}

char *
care_store_add_hours (CareStore   *self,
                      const char  *kind,
                      const GDate *date,
                      int          minutes,
                      const char  *comment,
                      GError     **error)
{
  g_autofree char *entry = care_id_new (care_store_now (self));
  char day[16] = "";
  JsonObject *body;

  if (date != NULL && g_date_valid (date))
    g_snprintf (day, sizeof day, "%04d-%02d-%02d", g_date_get_year (date),
                g_date_get_month (date), g_date_get_day (date));
  body = new_body ("entry", entry, "kind", kind, "date", day, "comment", comment, NULL);
  json_object_set_int_member (body, "minutes", minutes);
  if (!append_body (self, CARE_EVENT_HOURS_ADDED, body, error))
    return NULL;
  return g_steal_pointer (&entry);
}

gboolean
care_store_correct_hours (CareStore   *self,
                          const char  *entry,
                          const char  *kind,
                          const GDate *date,
                          int          minutes,
                          const char  *comment,
                          const char  *reason,
                          GError     **error)
{
  char day[16] = "";
  JsonObject *body;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (date != NULL && g_date_valid (date))
    g_snprintf (day, sizeof day, "%04d-%02d-%02d", g_date_get_year (date),
                g_date_get_month (date), g_date_get_day (date));
  body = new_body ("entry", entry, "kind", kind, "date", day, "comment", comment,
                   "reason", reason != NULL ? reason : "", NULL);
  json_object_set_int_member (body, "minutes", minutes);
  return append_body (self, CARE_EVENT_HOURS_ADDED, body, error);
}

gboolean
care_store_cancel_visit (CareStore  *self,
                         const char *visit,
                         const char *schedule,
                         const char *reason,
                         GError    **error)
{
  return append_body (self, CARE_EVENT_VISIT_CANCELLED,
                      new_body ("visit", visit, "schedule", schedule,
                                "reason", reason ? reason : "", NULL),
                      error);
}

char *
care_store_add_review (CareStore  *self,
                       const char *action,
                       const char *visit,
                       const char *carer,
                       const char *week,
                       const char *message,
                       GError    **error)
{
  g_autofree char *review = care_id_new (care_store_now (self));

  if (!append_body (self, CARE_EVENT_REVIEW_ADDED,
                    new_body ("review", review, "action", action, "visit", visit,
                              "carer", visit ? NULL : carer, "week", visit ? NULL : week,
                              "message", message, NULL),
                    error))
    return NULL;
  return g_steal_pointer (&review);
}

gboolean
care_store_answer_query (CareStore  *self,
                         const char *review,
                         const char *message,
                         GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_REVIEW_ROW, error);
  g_autofree char *visit = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, review);
  rc = care_store_step (self, stmt, error);
  if (rc == SQLITE_DONE)
    return fail (error, CARE_STORE_ERROR_NOT_FOUND, _("There is no review %s on this tablet. Answer with the visit id, or the review id "
                   "that `carelog-cli show VISIT` prints."), review);
  if (rc == 0)
    return FALSE;
  visit = care_store_column_dup (stmt, 1);
  care_stmt_release (stmt);
  return append_body (self, CARE_EVENT_QUERY_ANSWERED,
                      new_body ("review", review, "visit", visit, "message", message ? message : "", NULL),
                      error);
}
