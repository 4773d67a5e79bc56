/* care-rules.c: the care log's rule book.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-rules.h"
#include "care-store.h"

/* What the rules need to know of a visit, folded from its records in clock
 * order (hlc, device, seq), as the app derives the visit. */
typedef struct
{
  const CareEvent *started;
  const CareEvent *finished;
  const CareEvent *cancelled;
  gint64 started_at;
  gint64 finished_at;
  GHashTable *notes;        /* note id → the note.added record */
  GHashTable *retracted;    /* note ids */
  GHashTable *reviews;      /* review id → the review.added record */
  guint disputes;           /* visit.verified records that say "disputed" */
} VisitFacts;

/* An invalid record that names something unknown (a note, a review). */
#define NOT_FOUND ((CareVerdict) 100)

static void
visit_facts_clear (VisitFacts *f)
{
  g_clear_pointer (&f->notes, g_hash_table_unref);
  g_clear_pointer (&f->retracted, g_hash_table_unref);
  g_clear_pointer (&f->reviews, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VisitFacts, visit_facts_clear)

static gboolean
is_blank (const char *s)
{
  for (; s != NULL && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static int
clock_order (gconstpointer a,
             gconstpointer b)
{
  const CareEvent *x = *(const CareEvent * const *) a;
  const CareEvent *y = *(const CareEvent * const *) b;
  int c;

  if (x->hlc != y->hlc)
    return x->hlc < y->hlc ? -1 : 1;
  if ((c = g_strcmp0 (x->device, y->device)) != 0)
    return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
fold_one (VisitFacts      *f,
          const CareEvent *e)
{
  const char *field;

  switch (e->type)
    {
    case CARE_EVENT_VISIT_STARTED:
      if (f->started == NULL)
        {
          f->started = e;
          f->started_at = care_event_body_int (e, "at");
        }
      break;
    case CARE_EVENT_VISIT_FINISHED:
      if (f->finished == NULL)
        {
          f->finished = e;
          f->finished_at = care_event_body_int (e, "at");
        }
      break;
    case CARE_EVENT_VISIT_CANCELLED:
      f->cancelled = f->cancelled ? f->cancelled : e;
      break;
    case CARE_EVENT_VISIT_AMENDED:
      field = care_event_body_string (e, "field");
      if (g_strcmp0 (field, "started_at") == 0)
        f->started_at = care_event_body_int (e, "new");
      else if (g_strcmp0 (field, "finished_at") == 0)
        f->finished_at = care_event_body_int (e, "new");
      break;
    case CARE_EVENT_NOTE_ADDED:
      if (!g_hash_table_contains (f->notes, care_event_body_string (e, "note")))
        g_hash_table_insert (f->notes, (gpointer) care_event_body_string (e, "note"), (gpointer) e);
      break;
    case CARE_EVENT_NOTE_RETRACTED:
      g_hash_table_add (f->retracted, (gpointer) care_event_body_string (e, "note"));
      break;
    case CARE_EVENT_REVIEW_ADDED:
      g_hash_table_insert (f->reviews, (gpointer) care_event_body_string (e, "review"), (gpointer) e);
      break;
    case CARE_EVENT_VISIT_VERIFIED:
      if (g_strcmp0 (care_event_body_string (e, "outcome"), "disputed") == 0)
        f->disputes++;
      break;
    default:
      break;
    }
}

/* Folds history; with unseen, only the records the writer had. */
static void
fold (VisitFacts *f,
      GPtrArray  *history,
      GHashTable *unseen)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  f->notes = g_hash_table_new (g_str_hash, g_str_equal);
  f->retracted = g_hash_table_new (g_str_hash, g_str_equal);
  f->reviews = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; history != NULL && i < history->len; i++)
    if (unseen == NULL || !g_hash_table_contains (unseen, history->pdata[i]))
      g_ptr_array_add (sorted, history->pdata[i]);
  g_ptr_array_sort (sorted, clock_order);
  for (guint i = 0; i < sorted->len; i++)
    fold_one (f, sorted->pdata[i]);
}

static CareVerdict
verdict (CareVerdict  v,
         GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

/* The error code is CARE_STORE_ERROR_NOT_FOUND for a record naming
 * something that does not exist, CARE_STORE_ERROR_RULE otherwise. */
static CareVerdict
verdict (CareVerdict  v,
         GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CARE_STORE_ERROR,
                       v == CARE_VERDICT_NO_VISIT || v == NOT_FOUND ? CARE_STORE_ERROR_NOT_FOUND
                                                                     : CARE_STORE_ERROR_RULE,
                       message);
  return v == NOT_FOUND ? CARE_VERDICT_INVALID : v;
}

const char *
care_rules_client_of (const CareEvent *event,
                      GPtrArray       *history)
{
  const char *client = care_event_type_is_roster (event->type) ? NULL
                       : json_object_get_string_member_with_default (event->body, "client", NULL);

  for (guint i = 0; client == NULL && history != NULL && i < history->len; i++)
    {
      const CareEvent *e = history->pdata[i];

      if (e->type == CARE_EVENT_VISIT_STARTED)
        client = care_event_body_string (e, "client");
    }
  return client;
}

const char *
care_rules_visit_of (const CareEvent *event)
{
  /* Validated records have a "visit" only where their type lists one. */
  if (event->body == NULL || care_event_type_is_roster (event->type))
    return NULL;
  return json_object_get_string_member_with_default (event->body, "visit", NULL);
}

static gboolean
is_coordinator (const CareRuleContext *c)
{
  return c->role == CARE_ROLE_SUPERVISOR || c->role == CARE_ROLE_ADMINISTRATOR;
}

/* The client's word on a visit: the carer whose visit it is records it at
 * the door (or why nobody could give it); a family member linked to the
 * client confirms or disputes from their own device; a co-ordinator does
 * not speak for the client. */
static CareVerdict
judge_verified_error (const CareEvent       *e,
                      const CareRuleContext *c,
                      gboolean               own,
                      GError               **error)
{
  gboolean nobody = g_strcmp0 (care_event_body_string (e, "outcome"), "not-possible") == 0;

  if (c->role == CARE_ROLE_FAMILY)
    {
      if (!c->assigned)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("This visit is not to a client in your family circle, so you cannot confirm or "
                          "dispute it."));
      if (nobody || g_strcmp0 (care_event_body_string (e, "by"), "family") != 0)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("From a family member’s device, a visit is confirmed or disputed by the family."));
      return CARE_VERDICT_ACCEPT;
    }
  if (!own)
    return verdict (CARE_VERDICT_FORBIDDEN, error,
                    _("The client’s confirmation is recorded on the tablet of the carer whose visit it is, "
                      "or by their family."));
  return CARE_VERDICT_ACCEPT;
}

/* Who may write a record about someone's visit (docs/sync-protocol.md,
 * "Who may write what"). */
static CareVerdict
judge_owner (const CareEvent       *e,
             const CareRuleContext *c,
             const VisitFacts      *all,
             GError               **error)
{
  gboolean own = g_strcmp0 (all->started->author, c->member) == 0;
  const CareEvent *note;

  switch (e->type)
    {
    case CARE_EVENT_TASK_ANSWERED:
      if (!own)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("Only the carer whose visit this is answers its tasks; add a note to say what you saw."));
      break;
    case CARE_EVENT_NOTE_ADDED:
    case CARE_EVENT_VISIT_FINISHED:
    case CARE_EVENT_VISIT_AMENDED:
    case CARE_EVENT_VISIT_CANCELLED:
      if (!own && !is_coordinator (c))
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("This visit is another carer’s: only they, or a co-ordinator, can change it or add "
                          "to it. Ask a co-ordinator if something in it is wrong."));
      break;
    case CARE_EVENT_NOTE_AMENDED:
    case CARE_EVENT_NOTE_RETRACTED:
      note = g_hash_table_lookup (all->notes, care_event_body_string (e, "note"));
      if (note == NULL)
        return verdict (NOT_FOUND, error, _("There is no note %s on this visit."),
                        care_event_body_string (e, "note"));
      if (g_strcmp0 (note->author, c->member) != 0)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("Only the person who wrote a note can correct or withdraw it; add a note of your "
                          "own instead."));
      break;
    case CARE_EVENT_QUERY_ANSWERED:
      if (!own)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("Only the carer whose visit this is answers a query about it."));
      break;
    case CARE_EVENT_REVIEW_ADDED:
      if (!is_coordinator (c))
        return verdict (CARE_VERDICT_FORBIDDEN, error, _("Only a co-ordinator can review visits and timesheets."));
      break;
    case CARE_EVENT_VISIT_VERIFIED:
      return judge_verified_error (e, c, own, error);
    case CARE_EVENT_DISPUTE_ANSWERED:
      if (!is_coordinator (c))
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("Only a co-ordinator answers a dispute about a visit."));
      break;
    default:
      break;
    }
  return CARE_VERDICT_ACCEPT;
}

/* The rules against the history the writer had. */
static CareVerdict
judge_history (const CareEvent  *e,
               const VisitFacts *had,
               const VisitFacts *all,
               GError          **error)
{
  const char *field;
  gint64 value;
  const CareEvent *review;

  switch (e->type)
    {
    case CARE_EVENT_TASK_ANSWERED:
      if (had->cancelled != NULL)
        return verdict (CARE_VERDICT_INVALID, error, _("This visit was cancelled, so its tasks cannot be answered."));
      break;
    case CARE_EVENT_VISIT_FINISHED:
      if (had->finished != NULL)
        return verdict (CARE_VERDICT_INVALID, error,
                        _("This visit has already been checked out. To correct the time, amend the check-out."));
      if (had->cancelled != NULL)
        return verdict (CARE_VERDICT_INVALID, error, _("This visit was cancelled, so it cannot be checked out."));
      if (had->started != NULL && care_event_body_int (e, "at") < had->started_at)
        return verdict (CARE_VERDICT_INVALID, error,
                        _("The check-out time is before the check-in. Check the device’s clock, or amend the "
                          "check-in time first."));
      break;
    case CARE_EVENT_VISIT_AMENDED:
      field = care_event_body_string (e, "field");
      value = care_event_body_int (e, "new");
      if (is_blank (care_event_body_string (e, "reason")))
        return verdict (CARE_VERDICT_INVALID, error, _("An amendment needs a reason: say why the record was wrong."));
      if (g_strcmp0 (field, "finished_at") == 0 && had->finished == NULL)
        return verdict (CARE_VERDICT_INVALID, error,
                        _("This visit has not been checked out yet, so there is no check-out time to amend."));
      if (g_strcmp0 (field, "finished_at") == 0 && had->started != NULL && value < had->started_at)
        return verdict (CARE_VERDICT_INVALID, error,
                        _("The new check-out time is before the check-in. An end cannot come before a start."));
      if (g_strcmp0 (field, "started_at") == 0 && had->finished != NULL && value > had->finished_at)
        return verdict (CARE_VERDICT_INVALID, error,
                        _("The new check-in time is after the check-out. An end cannot come before a start."));
      break;
    case CARE_EVENT_NOTE_AMENDED:
    case CARE_EVENT_NOTE_RETRACTED:
      if (is_blank (care_event_body_string (e, "reason")))
        return verdict (CARE_VERDICT_INVALID, error,
                        _("Correcting or withdrawing a note needs a reason: say why it was wrong."));
      if (g_hash_table_contains (had->retracted, care_event_body_string (e, "note")))
        return verdict (CARE_VERDICT_INVALID, error,
                        _("This note has been withdrawn and can no longer be changed."));
      break;
    case CARE_EVENT_VISIT_CANCELLED:
      if (is_blank (care_event_body_string (e, "reason")))
        return verdict (CARE_VERDICT_INVALID, error, _("A cancellation needs a reason."));
      if (had->finished != NULL)
        return verdict (CARE_VERDICT_INVALID, error,
                        _("This visit has been checked out and cannot be cancelled; amend it instead."));
      if (had->cancelled != NULL)
        return verdict (CARE_VERDICT_INVALID, error, _("This visit has already been cancelled."));
      break;
    case CARE_EVENT_VISIT_VERIFIED:
      if (had->cancelled != NULL)
        return verdict (CARE_VERDICT_INVALID, error, _("This visit was cancelled: there is nothing to confirm."));
      break;
    case CARE_EVENT_DISPUTE_ANSWERED:
      if (all->disputes == 0)
        return verdict (CARE_VERDICT_INVALID, error, _("Nobody has disputed this visit, so there is nothing to answer."));
      if (is_blank (care_event_body_string (e, "message")))
        return verdict (CARE_VERDICT_INVALID, error,
                        _("An answer to a dispute needs words: the family reads them."));
      break;
    case CARE_EVENT_QUERY_ANSWERED:
      review = g_hash_table_lookup (all->reviews, care_event_body_string (e, "review"));
      if (review == NULL)
        return verdict (NOT_FOUND, error,
                        _("There is no review %s on this visit. Answer with the review id that "
                          "`carelog-cli show VISIT` prints."), care_event_body_string (e, "review"));
      if (g_strcmp0 (care_event_body_string (review, "action"), "query") != 0)
        return verdict (CARE_VERDICT_INVALID, error, _("Only a query can be answered."));
      break;
    default:
      break;
    }
  return CARE_VERDICT_ACCEPT;
}

/* Records about no visit. */
static CareVerdict
judge_other (const CareEvent       *e,
             const CareRuleContext *c,
             GError               **error)
{
  switch (e->type)
    {
    case CARE_EVENT_VISIT_CANCELLED:
      if (is_blank (care_event_body_string (e, "reason")))
        return verdict (CARE_VERDICT_INVALID, error, _("A cancellation needs a reason."));
      if (!is_coordinator (c) && c->schedule_carer != NULL && g_strcmp0 (c->schedule_carer, c->member) != 0)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("This scheduled visit is on another carer’s rota: ask a co-ordinator to cancel it."));
      break;
    case CARE_EVENT_REVIEW_ADDED:
      if (!is_coordinator (c))
        return verdict (CARE_VERDICT_FORBIDDEN, error, _("Only a co-ordinator can review visits and timesheets."));
      break;
    case CARE_EVENT_MESSAGE_SENT:
      if (c->role != CARE_ROLE_FAMILY)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("Messages to the co-ordinators come from a client’s family; add a note to a visit "
                          "instead."));
      if (!c->assigned)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("This client is not in your family circle: you can write only about your own."));
      if (is_blank (care_event_body_string (e, "text")))
        return verdict (CARE_VERDICT_INVALID, error, _("Write the message first."));
      break;
    case CARE_EVENT_QUERY_ANSWERED:
      if (c->review_action == NULL)
        return verdict (NOT_FOUND, error,
                        _("There is no review %s. Answer with the review id that the timesheet shows."),
                        care_event_body_string (e, "review"));
      if (!g_str_equal (c->review_action, "query"))
        return verdict (CARE_VERDICT_INVALID, error, _("Only a query can be answered."));
      if (c->review_carer != NULL && g_strcmp0 (c->review_carer, c->member) != 0)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("This query is about another carer’s timesheet: only they can answer it."));
      break;
    default:
      break;
    }
  return CARE_VERDICT_ACCEPT;
}

/* A second hours.added for an entry is a correction: only by the member
 * whose entry it is, and with a reason. An entry id is never taken over. */
static CareVerdict
judge_hours_correction (const CareEvent       *event,
                        const CareRuleContext *context,
                        GError               **error)
{
  const char *entry = json_object_get_string_member_with_default (event->body, "entry", "");

  for (guint i = 0; i < context->history->len; i++)
    {
      const CareEvent *earlier = g_ptr_array_index (context->history, i);

      if (g_strcmp0 (earlier->author, event->author) != 0)
        return verdict (CARE_VERDICT_CONFLICT, error,
                        _("The hours entry %s already exists; a new entry needs a new id."), entry);
    }
  if (!json_object_has_member (event->body, "reason"))
    return verdict (CARE_VERDICT_CONFLICT, error,
                    _("The hours entry %s already exists: a correction of it says why (a reason), "
                      "else a new entry needs a new id."), entry);
  return CARE_VERDICT_ACCEPT;
}

static CareVerdict judge (const CareEvent *event, const CareRuleContext *context, GError **error);

/* A correction is judged as if the record it corrects had never been
 * written: the co-op never took that one. */
CareVerdict
care_rules_judge (const CareEvent       *event,
                  const CareRuleContext *context,
                  GError               **error)
{
  const char *corrects = care_event_corrects (event);
  g_autoptr(GPtrArray) history = NULL;
  CareRuleContext without;

  if (corrects == NULL || context->history == NULL)
    return judge (event, context, error);
  history = g_ptr_array_new ();
  for (guint i = 0; i < context->history->len; i++)
    if (g_strcmp0 (((CareEvent *) context->history->pdata[i])->id, corrects) != 0)
      g_ptr_array_add (history, context->history->pdata[i]);
  without = *context;
  without.history = history;
  return judge (event, &without, error);
}

static CareVerdict
judge (const CareEvent       *event,
       const CareRuleContext *context,
       GError               **error)
{
  g_auto(VisitFacts) all = { 0 };
  g_auto(VisitFacts) had = { 0 };
  const char *visit = care_rules_visit_of (event);
  CareVerdict v;

  if (g_strcmp0 (event->author, context->member) != 0)
    return verdict (CARE_VERDICT_FORBIDDEN, error,
                    _("This record names “%s” as its author, but it was written on a device of “%s”."),
                    event->author, context->member);
  if (care_event_type_is_roster (event->type))
    return verdict (CARE_VERDICT_FORBIDDEN, error,
                    _("Members, clients, care plans, assignments and the rota are changed by the co-op’s "
                      "administrators with carelog-server."));
  if (context->role == CARE_ROLE_FAMILY && event->type != CARE_EVENT_VISIT_VERIFIED
      && event->type != CARE_EVENT_MESSAGE_SENT)
    return verdict (CARE_VERDICT_FORBIDDEN, error,
                    _("A family member’s device records only confirmations, disputes and messages about "
                      "their own client’s visits."));
  if (event->type == CARE_EVENT_HOURS_ADDED && context->history != NULL && context->history->len > 0)
    return judge_hours_correction (event, context, error);
  if (visit == NULL)
    return judge_other (event, context, error);
  fold (&all, context->history, NULL);
  if (event->type == CARE_EVENT_VISIT_STARTED)
    {
      if (all.started != NULL)
        return verdict (CARE_VERDICT_CONFLICT, error,
                        _("Visit %s already exists; a new visit needs a new id."), visit);
      if (context->role == CARE_ROLE_CARER && !context->assigned)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("You are not assigned to client %s: ask a co-ordinator to assign you before "
                          "visiting."), json_object_get_string_member_with_default (event->body, "client", ""));
      /* A scheduled visit is started by the carer whose rota it is on. */
      if (context->role == CARE_ROLE_CARER && context->schedule_carer != NULL
          && g_strcmp0 (context->schedule_carer, context->member) != 0)
        return verdict (CARE_VERDICT_FORBIDDEN, error,
                        _("This scheduled visit is on another carer’s rota: start an unscheduled visit, or ask "
                          "a co-ordinator to move it to you."));
      return CARE_VERDICT_ACCEPT;
    }
  if (all.started == NULL)
    return verdict (CARE_VERDICT_NO_VISIT, error,
                    _("There is no visit %s in this care log: its check-in has not arrived, or was refused."),
                    visit);
  if ((v = judge_owner (event, context, &all, error)) != CARE_VERDICT_ACCEPT)
    return v;
  /* Changing a task's answer on a finished visit needs a reason
   * (care_event_check_task_change, the rule as app/ states it). */
  if (event->type == CARE_EVENT_TASK_ANSWERED && !care_event_check_task_change (event, context->history, error))
    return CARE_VERDICT_INVALID;
  if (context->unseen == NULL || g_hash_table_size (context->unseen) == 0)
    return judge_history (event, &all, &all, error);
  fold (&had, context->history, context->unseen);
  return judge_history (event, &had, &all, error);
}
