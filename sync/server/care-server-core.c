/* care-server-core.c: the co-op server's judgement, independent of its store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pushed record is judged once, in this order (docs/sync-protocol.md,
 * "The rule book"): authentication; sequence and idempotency; the record by
 * itself (care_event_validate in the decoder, care_event_check_times here);
 * who may write it and the care-log rules against the visit's history
 * (care_rules_judge). The rules are app/'s: the tablet applies the same
 * functions before it stores a record of its own.
 */
#include "care-config.h"

#include <string.h>

#include "care-chain.h"
#include "care-rules.h"
#include "care-sign.h"
#include "care-server-core.h"
#include "care-server-sql.h"
#include "care-server-journal.h"

/* The visit records the rules read, per record type: a busy visit's notes
 * and task answers are read only when the rules need them. */
#define BIT(t) (1u << (t))
#define VISIT_SHAPE (BIT (CARE_EVENT_VISIT_STARTED) | BIT (CARE_EVENT_VISIT_FINISHED) \
                     | BIT (CARE_EVENT_VISIT_CANCELLED) | BIT (CARE_EVENT_VISIT_AMENDED))
#define NOTES (BIT (CARE_EVENT_NOTE_ADDED) | BIT (CARE_EVENT_NOTE_RETRACTED))
#define REVIEWS BIT (CARE_EVENT_REVIEW_ADDED)

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
care_server_auth_clear (CareServerAuth *auth)
{
  g_clear_pointer (&auth->member, g_free);
  g_clear_pointer (&auth->member_name, g_free);
}

/* A revoked tablet is refused with what it must do: erase at once, or
 * (retire) deliver what it still holds, then erase. */
static gboolean
refuse_revoked (CareRevokeMode mode,
                gboolean       pushing,
                GError       **error)
{
  switch (mode)
    {
    case CARE_REVOKE_ERASE:
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REMOVED,
                           "This tablet was removed from the co-op: it erases the co-op's care records now.");
      return TRUE;
    case CARE_REVOKE_RETIRE:
      if (pushing)
        return FALSE;
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_RETIRED,
                           "This tablet was removed from the co-op: it sends the records it still holds, "
                           "then erases the co-op's care records.");
      return TRUE;
    case CARE_REVOKE_REFUSE:
    default:
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                           "This tablet was revoked by the co-op: ask your co-ordinator to enrol it again.");
      return TRUE;
    }
}

CareScope
care_server_core_scope (const CareServerAuth *auth)
{
  CareScope scope = { CARE_SCOPE_COOP, NULL, 0 };

  if (auth->role == CARE_ROLE_CARER || auth->role == CARE_ROLE_FAMILY)
    {
      scope.kind = auth->role == CARE_ROLE_FAMILY ? CARE_SCOPE_FAMILY : CARE_SCOPE_CARER;
      scope.member = auth->member;
      scope.version = auth->scope_version;
    }
  return scope;
}

gboolean
care_server_core_check_device (const CareDeviceRow *row,
                               const char          *key,
                               gboolean             pushing,
                               CareServerAuth      *auth,
                               GError             **error)
{
  g_autofree char *hash = care_server_sha256_hex (key ? key : "");

  if (row == NULL)
    {
      /* Do the same work as for a known device. */
      care_protocol_equal_constant_time (hash, hash);
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                           "The co-op server does not know this tablet: ask your co-ordinator to enrol it.");
      return FALSE;
    }
  if (!care_protocol_equal_constant_time (row->key_hash, hash))
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                           "The co-op server refused this tablet's key: ask your co-ordinator to enrol it again.");
      return FALSE;
    }
  if (row->revoked && refuse_revoked (row->revoke_mode, pushing, error))
    return FALSE;
  if (!row->member_active)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                           "The member this tablet belongs to is no longer active in the co-op.");
      return FALSE;
    }
  auth->member = g_strdup (row->member);
  auth->member_name = g_strdup (row->member_name);
  auth->role = row->role;
  auth->acked_seq = row->acked_seq;
  auth->scope_version = row->scope_version;
  auth->pulled_pos = row->pulled_pos;
  return TRUE;
}

gboolean
care_server_core_authenticate (CareServerStore *store,
                               const char      *device,
                               const char      *key,
                               CareServerAuth  *auth,
                               GError         **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CareDeviceRow) row = store->vtable->lookup_device (store, device, &local);

  if (local != NULL)
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER, "The co-op database cannot be read: %s",
                   local->message);
      return FALSE;
    }
  return care_server_core_check_device (row, key, TRUE, auth, error);
}

/* ---- one push ---- */

typedef struct
{
  CareServerStore *store;
  CareServerTx *tx;
  CarePushJob *job;
  CareServerAuth auth;
  gint64 received;
  /* The history of the subject the last record was about: a tablet's batch
   * holds a visit's records one after another, so it is read once, and the
   * records accepted since are added to it. */
  char *subject;
  guint subject_types;
  GPtrArray *subject_history;   /* CareStoredEvent */
  /* The device's chain as this push extends it: the hash of its record
   * acked_seq (NULL: not known, before the chain), and of the record being
   * judged (what a refusal logs). */
  char *head;
  char *hash;
  /* Per entry of the request: its hash (NULL: not past acked_seq, or did
   * not decode) and why its link is refused (NULL: it holds). */
  GPtrArray *hashes;
  const char **link_refusals;
  guint index;                  /* the entry being judged */
  gboolean unsigned_batch;      /* the signature did not hold: every new record is refused */
  /* The record being judged (NULL: it did not decode), kept with its
   * refusal; and the refused record it is held behind (NULL: none). */
  const CareEvent *judged;
  const char *behind;
} Push;

static void
push_clear (Push *p)
{
  care_server_auth_clear (&p->auth);
  g_clear_pointer (&p->subject, g_free);
  g_clear_pointer (&p->subject_history, g_ptr_array_unref);
  g_clear_pointer (&p->head, g_free);
  g_clear_pointer (&p->hash, g_free);
  g_clear_pointer (&p->hashes, g_ptr_array_unref);
  g_clear_pointer (&p->link_refusals, g_free);
}

/* The records about subject of the given types (from the cache when it
 * holds them). */
static GPtrArray *
subject_history (Push       *p,
                 const char *subject,
                 guint       types)
{
  if (p->subject_history == NULL || g_strcmp0 (p->subject, subject) != 0
      || (p->subject_types & types) != types)
    {
      g_clear_pointer (&p->subject_history, g_ptr_array_unref);
      g_free (p->subject);
      p->subject = g_strdup (subject);
      p->subject_types = types;
      p->subject_history = p->store->vtable->tx_history (p->tx, subject, types);
    }
  return p->subject_history;
}

/* An accepted record joins the cached history it belongs to. */
static void
remember (Push            *p,
          const CareEvent *e)
{
  CareStoredEvent *stored;

  if (p->subject_history == NULL || g_strcmp0 (p->subject, care_event_get_subject (e)) != 0
      || (p->subject_types & (1u << e->type)) == 0)
    return;
  stored = g_new0 (CareStoredEvent, 1);
  stored->event = care_event_copy (e);
  stored->pos = G_MAXINT64;   /* this device's own: never "unseen" */
  g_ptr_array_add (p->subject_history, stored);
}

static const CareServerStoreVTable *
vt (Push *p)
{
  return p->store->vtable;
}

static void
append_result (CarePushJob *job,
               const char  *item)
{
  if (job->results->len > 0)
    g_string_append_c (job->results, ',');
  g_string_append (job->results, item);
}

/* The tablet's answer for a refused record. */
static void
answer_refused (Push       *p,
                const char *code,
                const char *message)
{
  g_autoptr(GString) item = g_string_new ("{\"c\":");

  care_json_append_string (item, code);
  g_string_append (item, ",\"m\":");
  care_json_append_string (item, message);
  g_string_append_c (item, '}');
  append_result (p->job, item->str);
  p->job->rejected++;
}

static gboolean
refuse (Push       *p,
        gint64      seq,
        const char *id,
        const char *code,
        const char *message)
{
  answer_refused (p, code, message);
  /* A refused correction holds nothing back: the record it corrects does. */
  return vt (p)->tx_reject (p->tx, p->job->device, seq, id, p->hash, code, message, p->received, p->judged,
                            p->judged != NULL && care_event_corrects (p->judged) == NULL
                              ? care_event_get_subject (p->judged) : NULL,
                            p->behind);
}

/* A record at a sequence number the device had consumed (code "seq" or
 * "conflict"): refused, and recorded once per number while that refusal
 * stands open. Replaying consumed numbers with new ids, which no tablet's
 * own sync does, would otherwise add a refusal row, the record with it, for
 * every record of every replay. */
static gboolean
refuse_consumed (Push       *p,
                 gint64      seq,
                 const char *id,
                 const char *code,
                 const char *message)
{
  g_autoptr(CareRejection) known = vt (p)->tx_refusal (p->tx, p->job->device, seq, NULL);

  if (known != NULL && g_strcmp0 (known->code, code) == 0 && g_strcmp0 (known->state, "open") == 0)
    {
      answer_refused (p, code, message);
      return TRUE;
    }
  return refuse (p, seq, id, code, message);
}

static void
duplicate (Push *p)
{
  append_result (p->job, "1");
  p->job->duplicates++;
}

/* The same record: a duplicate is the same id *and* the same content. */
static gboolean
same_record (const CareEvent *stored,
             const CareEvent *e)
{
  return e != NULL && g_strcmp0 (stored->device, e->device) == 0 && stored->seq == e->seq
         && g_strcmp0 (stored->author, e->author) == 0 && stored->hlc == e->hlc && stored->wall == e->wall
         && stored->type == e->type && json_object_equal (stored->body, e->body);
}

static const char CONFLICT_MESSAGE[] =
  "This record's id is already used by a different record from this tablet; the co-op kept the first. "
  "The tablet's copy was changed after it was sent: keep it aside and tell your co-ordinator.";

/* The types of a visit's history the rules read for this record. */
static guint
history_types (const CareEvent *e)
{
  switch (e->type)
    {
    case CARE_EVENT_NOTE_AMENDED:
    case CARE_EVENT_NOTE_RETRACTED:
      return VISIT_SHAPE | NOTES;
    case CARE_EVENT_QUERY_ANSWERED:
      return VISIT_SHAPE | REVIEWS;
    case CARE_EVENT_HOURS_ADDED:
      return BIT (CARE_EVENT_HOURS_ADDED);
    case CARE_EVENT_TASK_ANSWERED:
      return VISIT_SHAPE | BIT (CARE_EVENT_TASK_ANSWERED);
    case CARE_EVENT_DISPUTE_ANSWERED:
      return VISIT_SHAPE | BIT (CARE_EVENT_VISIT_VERIFIED);
    default:
      return VISIT_SHAPE;
    }
}

/* Judges a valid record with app/'s rules; NULL code when accepted. */
static const char *
judge (Push            *p,
       const CareEvent *e,
       char           **message)
{
  CareRuleContext context = { .member = p->auth.member, .device = p->job->device, .role = p->auth.role };
  const char *visit = care_rules_visit_of (e);
  GPtrArray *stored = NULL;
  g_autoptr(GPtrArray) history = g_ptr_array_new ();
  g_autoptr(GHashTable) unseen = g_hash_table_new (NULL, NULL);
  g_autofree char *schedule_carer = NULL, *review_action = NULL, *review_carer = NULL;
  g_autoptr(GError) error = NULL;
  const char *schedule = json_object_get_string_member_with_default (e->body, "schedule", NULL);

  if (visit != NULL || e->type == CARE_EVENT_HOURS_ADDED)
    {
      guint types = history_types (e);

      stored = subject_history (p, care_event_get_subject (e), types);
      for (guint i = 0; i < stored->len; i++)
        {
          CareStoredEvent *s = stored->pdata[i];

          if ((types & (1u << s->event->type)) == 0)
            continue;
          g_ptr_array_add (history, s->event);
          /* What the device could not have had: another device's record
           * the server had not sent it when it last pulled. */
          if (g_strcmp0 (s->event->device, p->job->device) != 0 && s->pos > p->auth.pulled_pos)
            g_hash_table_add (unseen, s->event);
        }
    }
  context.history = history;
  context.unseen = unseen;
  if (e->type == CARE_EVENT_VISIT_STARTED && p->auth.role == CARE_ROLE_CARER)
    context.assigned = vt (p)->tx_is_assigned (p->tx, json_object_get_string_member (e->body, "client"),
                                               p->auth.member);
  /* A family member's circle: the store keeps circle.set links beside the
   * carers' assignments. */
  if (p->auth.role == CARE_ROLE_FAMILY && care_rules_client_of (e, history) != NULL)
    context.assigned = vt (p)->tx_is_assigned (p->tx, care_rules_client_of (e, history), p->auth.member);
  if (schedule != NULL
      && (e->type == CARE_EVENT_VISIT_STARTED || (e->type == CARE_EVENT_VISIT_CANCELLED && visit == NULL)))
    {
      schedule_carer = vt (p)->tx_schedule_carer (p->tx, schedule);
      if (schedule_carer == NULL && e->type == CARE_EVENT_VISIT_CANCELLED)
        {
          *message = g_strdup_printf ("The co-op has no scheduled visit %s: it may have been removed from the "
                                      "rota. Ask your co-ordinator.", schedule);
          return "invalid";
        }
      context.schedule_carer = schedule_carer;
    }
  if (e->type == CARE_EVENT_QUERY_ANSWERED && visit == NULL)
    {
      vt (p)->tx_review (p->tx, json_object_get_string_member (e->body, "review"), &review_action, &review_carer);
      context.review_action = review_action;
      context.review_carer = review_carer;
    }
  switch (care_rules_judge (e, &context, &error))
    {
    case CARE_VERDICT_ACCEPT:
      return NULL;
    case CARE_VERDICT_FORBIDDEN:
      *message = g_strdup (error->message);
      return "forbidden";
    case CARE_VERDICT_CONFLICT:
      *message = g_strdup (error->message);
      return "conflict";
    case CARE_VERDICT_NO_VISIT:
      *message = g_strdup_printf ("The co-op has no visit %s: its check-in has not reached the co-op or was "
                                  "refused. Correct the check-in first.", visit);
      return "invalid";
    case CARE_VERDICT_INVALID:
    default:
      *message = g_strdup (error->message);
      return "invalid";
    }
}

/* The benchmark's baseline (bench-server.c): the push path without the
 * rule book's checks, in test builds only. */
static gboolean
skip_rules (void)
{
#if CARE_FAULT_HOOKS
  static gsize once = 0;
  static gboolean skip = FALSE;

  if (g_once_init_enter (&once))
    {
      skip = g_getenv ("CARELOG_BENCH_SKIP_RULES") != NULL;
      g_once_init_leave (&once, 1);
    }
  return skip;
#else
  return FALSE;
#endif
}

static const char LINK_MESSAGE[] =
  "This record does not follow the record the co-op holds before it from this tablet (its link differs): "
  "the tablet's records and the co-op's disagree. Tell your co-ordinator; nothing the tablet holds is lost.";
static const char UNLINKED_MESSAGE[] =
  "This record follows one the co-op could not read, so the co-op cannot check that it belongs after it. "
  "Tell your co-ordinator; nothing the tablet holds is lost.";

static const char SIGNATURE_MESSAGE[] =
  "The co-op could not check this tablet's signature on these records, so it did not take them. "
  "Tell your co-ordinator; nothing the tablet holds is lost.";

/* The chain (app/care-chain.h), for the entries past acked_seq k, in
 * order: a linked record's link must be the hash of the device's record
 * before it, as the co-op holds it (or, for a refused one, as the tablet
 * sent it); without "l" it is that hash. A record without a link is from
 * before the chain. Fills p->hashes and p->link_refusals. */
static void
link_entries (Push  *p,
              gint64 k)
{
  GPtrArray *entries = p->job->request->entries;
  g_autofree char *head = g_strdup (p->head);

  p->hashes = g_ptr_array_new_full (entries->len, g_free);
  p->link_refusals = g_new0 (const char *, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      CarePushEntry *entry = entries->pdata[i];
      CareEvent *e = entry->event;

      if (entry->seq <= k)
        {
          g_ptr_array_add (p->hashes, NULL);
          continue;
        }
      if (e != NULL && entry->linked && e->link == NULL)
        {
          if (head != NULL)
            e->link = g_strdup (head);
          else
            p->link_refusals[i] = UNLINKED_MESSAGE;
        }
      else if (e != NULL && e->link != NULL && head != NULL && strcmp (e->link, head) != 0)
        p->link_refusals[i] = LINK_MESSAGE;
      /* A refused record's hash is what the tablet's next one links to. */
      g_free (head);
      if (e == NULL)
        head = NULL;
      else if (entry->hash != NULL && g_strcmp0 (entry->hash_link, e->link) == 0)
        head = g_strdup (entry->hash);
      else
        head = care_event_hash (e);
      g_ptr_array_add (p->hashes, g_strdup (head));
    }
}

const char *
care_server_core_client_records_sql (CareEventType type)
{
  return type == CARE_EVENT_CLIENT_SET || type == CARE_EVENT_CLIENT_READERSHIP || type == CARE_EVENT_SCHEDULE_SET
           ? CARE_SQL_CLIENT_ROSTER : CARE_SQL_CLIENT_RECORDS;
}

void
care_server_core_prehash (CarePushRequest *request)
{
  const char *previous = NULL;

  for (guint i = 0; i < request->entries->len; i++)
    {
      CarePushEntry *entry = request->entries->pdata[i];
      CareEvent *e = entry->event;
      gboolean lent = FALSE;

      if (e == NULL || (entry->linked && e->link == NULL && previous == NULL))
        {
          previous = NULL;
          continue;
        }
      /* Linked to the record before it in the batch, as link_entries will
       * link it when that record follows the co-op's head. */
      if (entry->linked && e->link == NULL)
        {
          e->link = (char *) previous;
          lent = TRUE;
        }
      entry->hash = care_event_hash (e);
      entry->hash_link = g_strdup (e->link);
      if (lent)
        e->link = NULL;
      previous = entry->hash;
    }
}

/* Device signatures (app/care-sign.h): a tablet that registered a signing
 * key signs the head of the chain each push extends (its last record);
 * the first push that carries a key ("gk") registers it. FALSE when the
 * batch must be refused: unsigned, or the signature does not hold. */
static gboolean
check_signature (Push                *p,
                 const CareDeviceRow *row,
                 gboolean            *ok)
{
  CarePushRequest *req = p->job->request;
  const char *key = row->sign_key;
  const char *hash = NULL;
  gint64 seq = 0;
  g_autofree char *head = NULL;

  *ok = TRUE;
  if (key == NULL && req->sign_key != NULL)
    {
      if (!vt (p)->tx_set_sign_key (p->tx, p->job->device, req->sign_key))
        return (*ok = FALSE);
      key = req->sign_key;
    }
  for (guint i = 0; i < req->entries->len; i++)
    if (((CarePushEntry *) req->entries->pdata[i])->seq > p->auth.acked_seq)
      {
        hash = p->hashes->pdata[i];
        seq = ((CarePushEntry *) req->entries->pdata[i])->seq;
      }
  if (key == NULL || seq == 0)
    return TRUE;
  head = hash != NULL ? care_chain_head_message (p->job->device, seq, hash) : NULL;
  if (head == NULL || req->signature == NULL || !care_sign_verify (key, head, req->signature))
    return FALSE;
  *ok = vt (p)->tx_add_signature (p->tx, p->job->device, seq, hash, req->signature, p->received);
  return TRUE;
}

/* ---- refused records put right (docs/sync-protocol.md, "Refused records") ---- */

static const char HELD_MESSAGE[] =
  "Held: the co-op refused an earlier record of this visit from this tablet. This one is kept, safe, and is "
  "taken as soon as that one is corrected, or accepted or dismissed by a co-ordinator.";

/* The verdict on a valid record received at received (NULL: accepted):
 * its times, then the rules; a record about a subject with an open
 * refusal (waits) is held behind it unless it is refused for itself: its
 * own time, or its writer's rights (anything else it says may depend on
 * the refused record). */
static const char *
decide (Push                *p,
        const CareEvent     *e,
        gint64               received,
        const CareRejection *waits,
        char               **message)
{
  g_autoptr(GError) error = NULL;
  const char *code;

  if (!care_event_check_times (e, received, &error))
    {
      *message = g_strdup (error->message);
      return "time";
    }
  code = judge (p, e, message);
  if (waits != NULL && (code == NULL || !g_str_equal (code, "forbidden")))
    {
      g_free (*message);
      *message = g_strdup (HELD_MESSAGE);
      return "held";
    }
  return code;
}

/* Whether a correction may put right the refusal it names; on FALSE,
 * message says why. */
static gboolean
correctable (const CareEvent     *correction,
             const CareRejection *refused,
             char               **message)
{
  g_autoptr(GError) error = NULL;

  if (refused == NULL || refused->record == NULL)
    *message = g_strdup_printf ("This record corrects %s, but the co-op refused no such record from this tablet.",
                                care_event_corrects (correction));
  else if (g_strcmp0 (refused->state, "open") != 0)
    *message = g_strdup_printf ("This record corrects %s, which is %s already: write a new record instead.",
                                refused->id,
                                g_strcmp0 (refused->state, "held") == 0 ? "held behind an earlier refused record"
                                                                        : "put right");
  else if (!care_event_check_correction (correction, refused->record, &error))
    *message = g_strdup (error->message);
  else
    return TRUE;
  return FALSE;
}

/* Judges a held record again, now that the refusal it waited behind was
 * put right; adds what became of it to released. */
static gboolean
release_one (Push          *p,
             CareRejection *held,
             CareRejection *root,
             JsonArray     *released)
{
  const CareEvent *e = held->record;
  const char *corrects = care_event_corrects (e);
  g_autoptr(CareRejection) open = NULL;
  g_autoptr(JsonObject) item = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *code = NULL;
  const char *outcome;

  json_object_set_string_member (item, "id", e->id);
  json_object_set_int_member (item, "seq", held->seq);
  if (corrects != NULL && g_strcmp0 (corrects, root->id) == 0)
    {
      /* A correction refused earlier, now superseded by the resolution. */
      code = "superseded";
      message = g_strdup ("An earlier correction of a record that has since been put right: it was not taken.");
      outcome = "refused";
      if (!vt (p)->tx_resolve_refusal (p->tx, p->job->device, held->seq, "dismissed", message, root->id,
                                       p->received))
        return FALSE;
    }
  else
    {
      if (!vt (p)->tx_resolve_refusal (p->tx, p->job->device, held->seq, "released", NULL, root->id,
                                       p->received))
        return FALSE;
      open = vt (p)->tx_open_refusal (p->tx, p->job->device, held->subject);
      code = decide (p, e, held->at, open, &message);
      outcome = code == NULL ? "accepted" : g_str_equal (code, "held") ? "held" : "refused";
      if (code == NULL)
        {
          if (!vt (p)->tx_insert (p->tx, e, p->received, NULL))
            return FALSE;
          remember (p, e);
        }
      else if (!vt (p)->tx_reject (p->tx, p->job->device, held->seq, e->id, NULL, code, message, p->received, e,
                                   held->subject, open != NULL ? open->id : NULL))
        return FALSE;
    }
  json_object_set_string_member (item, "outcome", outcome);
  if (code != NULL)
    {
      json_object_set_string_member (item, "c", code);
      json_object_set_string_member (item, "m", message);
    }
  json_array_add_object_element (released, g_steal_pointer (&item));
  return TRUE;
}

/* Records that a refusal was put right (outcome: corrected by correction,
 * accepted or dismissed by a co-ordinator, who said reason), releases the
 * records held behind it, and tells the device in a refusal.resolved. */
static gboolean
resolve_refusal (Push          *p,
                 CareRejection *root,
                 const char    *outcome,
                 const char    *correction,
                 const char    *reason,
                 const char    *by,
                 GError       **error)
{
  g_autoptr(GPtrArray) held = vt (p)->tx_held_behind (p->tx, p->job->device, root->id);
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *released = json_array_new ();

  if (!vt (p)->tx_resolve_refusal (p->tx, p->job->device, root->seq, outcome,
                                   correction != NULL ? correction : reason, by, p->received))
    {
      json_array_unref (released);
      return FALSE;
    }
  for (guint i = 0; i < held->len; i++)
    if (!release_one (p, held->pdata[i], root, released))
      {
        json_array_unref (released);
        return FALSE;
      }
  json_object_set_string_member (body, "device", p->job->device);
  json_object_set_string_member (body, "member", p->auth.member);
  json_object_set_int_member (body, "seq", root->seq);
  if (root->id != NULL)
    json_object_set_string_member (body, "refused", root->id);
  json_object_set_string_member (body, "outcome", outcome);
  if (correction != NULL)
    json_object_set_string_member (body, "correction", correction);
  if (reason != NULL)
    json_object_set_string_member (body, "reason", reason);
  if (json_array_get_length (released) > 0)
    json_object_set_array_member (body, "released", released);
  else
    json_array_unref (released);
  return vt (p)->tx_append_server_record (p->tx, CARE_EVENT_REFUSAL_RESOLVED, body, by, error);
}

/* One record of the push, whose seq is past the device's last one. */
static gboolean
push_entry (Push          *p,
            CarePushEntry *entry,
            CareEvent     *stored)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareRejection) refused = NULL;
  g_autoptr(CareRejection) waits = NULL;
  const char *code;
  const char *link_refusal = p->link_refusals[p->index];

  g_free (p->hash);
  p->hash = g_strdup (p->hashes->pdata[p->index]);
  if (p->unsigned_batch)
    link_refusal = SIGNATURE_MESSAGE;
  if (stored != NULL)
    {
      if (g_strcmp0 (stored->device, p->job->device) != 0)
        return refuse (p, entry->seq, entry->id, "id", "Another tablet's record already has this id.");
      if (!same_record (stored, entry->event))
        return refuse (p, entry->seq, entry->id, "conflict", CONFLICT_MESSAGE);
      duplicate (p);
      return TRUE;
    }
  if (entry->event == NULL)
    return refuse (p, entry->seq, entry->id, "invalid", entry->message);
  p->judged = entry->event;
  if (link_refusal != NULL)
    return refuse (p, entry->seq, entry->id, "link", link_refusal);
  if (skip_rules ())
    goto accept;
  /* A correction puts right an open refusal of this device. */
  if (care_event_corrects (entry->event) != NULL)
    {
      refused = vt (p)->tx_refusal (p->tx, p->job->device, 0, care_event_corrects (entry->event));
      if (!correctable (entry->event, refused, &message))
        return refuse (p, entry->seq, entry->id, "invalid", message);
      /* Refused itself, it waits behind the record it corrects, closed
       * when that one is put right. */
      p->behind = refused->id;
    }
  else if (care_event_get_subject (entry->event) != NULL)
    waits = vt (p)->tx_open_refusal (p->tx, p->job->device, care_event_get_subject (entry->event));
  code = decide (p, entry->event, p->received, waits, &message);
  if (code != NULL && g_str_equal (code, "held"))
    p->behind = waits->id;
  if (code != NULL)
    return refuse (p, entry->seq, entry->id, code, message);
accept:
  /* The hash link_entries computed for the chain. */
  if (!vt (p)->tx_insert (p->tx, entry->event, p->received, p->hash))
    return FALSE;
  remember (p, entry->event);
  append_result (p->job, "0");
  p->job->accepted++;
  if (refused != NULL && !resolve_refusal (p, refused, "corrected", entry->event->id, NULL, p->auth.member, NULL))
    return FALSE;
  return TRUE;
}

/* Tells the store what the push's records will ask (tx_expect). */
static void
expect (CareServerStore *store,
        CareServerTx    *tx,
        CarePushJob     *job)
{
  GPtrArray *entries = job->request->entries;
  g_autoptr(GPtrArray) ids = g_ptr_array_sized_new (entries->len);
  g_autoptr(GPtrArray) subjects = g_ptr_array_sized_new (entries->len);

  for (guint i = 0; i < entries->len; i++)
    {
      CarePushEntry *entry = entries->pdata[i];
      const char *subject = entry->event != NULL ? care_event_get_subject (entry->event) : NULL;

      if (entry->id != NULL)
        g_ptr_array_add (ids, entry->id);
      if (subject != NULL && (subjects->len == 0 || strcmp (subjects->pdata[subjects->len - 1], subject) != 0))
        g_ptr_array_add (subjects, (gpointer) subject);
    }
  store->vtable->tx_expect (tx, job->device, (const char * const *) ids->pdata, ids->len,
                            (const char * const *) subjects->pdata, subjects->len);
}

/* FALSE when the store failed (the savepoint is rolled back). */
static gboolean
push_one (Push *p)
{
  CarePushJob *job = p->job;
  CarePushRequest *req = job->request;
  g_autoptr(CareDeviceRow) row = vt (p)->tx_device (p->tx, job->device);
  gint64 k;

  /* Again inside the transaction: a revocation since the HTTP layer's
   * check holds. */
  if (!care_server_core_check_device (row, job->key, TRUE, &p->auth, &job->error))
    return TRUE;
  k = p->auth.acked_seq;
  job->acked_seq = k;
  p->head = row->head != NULL ? g_strdup (row->head)
            : k == 0 ? g_strdup (CARE_CHAIN_START) : vt (p)->tx_record_hash (p->tx, job->device, k);
  if (req->first_seq > k + 1)
    {
      job->expected_seq = k + 1;
      return vt (p)->tx_update_device (p->tx, job->device, k, k, p->received, 0, p->head);
    }
  link_entries (p, k);
  {
    gboolean ok;

    p->unsigned_batch = !check_signature (p, row, &ok);
    if (!ok)
      return FALSE;
  }
  for (guint i = 0; i < req->entries->len; i++)
    {
      CarePushEntry *entry = g_ptr_array_index (req->entries, i);
      g_autoptr(CareEvent) stored = entry->id != NULL ? vt (p)->tx_event (p->tx, entry->id) : NULL;
      gboolean ok = TRUE;

      p->index = i;

      if (entry->seq <= k)
        {
          /* Consumed before: only the very same record is a duplicate. */
          if (stored != NULL && same_record (stored, entry->event))
            duplicate (p);
          else if (stored != NULL && g_strcmp0 (stored->device, job->device) == 0)
            ok = refuse_consumed (p, entry->seq, entry->id, "conflict", CONFLICT_MESSAGE);
          else
            ok = refuse_consumed (p, entry->seq, entry->id, "seq",
                                  "This sequence number was already used by another record from this tablet.");
        }
      else
        {
          k = entry->seq;
          ok = push_entry (p, entry, stored);
          p->judged = NULL;
          p->behind = NULL;
          /* The chain goes on from this record, accepted or refused. */
          g_free (p->head);
          p->head = g_steal_pointer (&p->hash);
        }
      if (!ok)
        return FALSE;
    }
  job->acked_seq = k;
  job->received = p->received;
  return vt (p)->tx_update_device (p->tx, job->device, p->auth.acked_seq, k, p->received, job->rejected, p->head);
}

gboolean
care_server_core_push (CareServerStore *store,
                       CarePushJob    **jobs,
                       guint            n_jobs)
{
  g_autoptr(GError) error = NULL;
  CareServerTx *tx = store->vtable->tx_begin (store, &error);
  gboolean ok = tx != NULL;

  /* Everything the group will read, before its first write: a store
   * across a network then sends the group's writes without waiting. */
  for (guint i = 0; ok && store->vtable->tx_expect != NULL && i < n_jobs; i++)
    expect (store, tx, jobs[i]);
  for (guint i = 0; ok && i < n_jobs; i++)
    {
      Push p = { .store = store, .tx = tx, .job = jobs[i], .received = now_ms () };

      store->vtable->tx_savepoint (tx);
      if (!push_one (&p))
        {
          store->vtable->tx_rollback_savepoint (tx);
          g_clear_error (&p.job->error);
          g_set_error_literal (&p.job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER,
                               "The co-op server could not store the records; they were not stored. Try again later.");
          g_string_truncate (p.job->results, 0);
          p.job->accepted = p.job->duplicates = p.job->rejected = 0;
        }
      store->vtable->tx_release_savepoint (tx);
      push_clear (&p);
    }
  if (ok)
    ok = store->vtable->tx_commit (tx, &error);
  if (!ok)
    for (guint i = 0; i < n_jobs; i++)
      {
        g_clear_error (&jobs[i]->error);
        g_set_error (&jobs[i]->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER,
                     "The co-op server could not save the records (%s); they were not stored. Try again later.",
                     error ? error->message : "unknown error");
      }
  return ok;
}

gboolean
care_server_core_resolve_refusal (CareServerStore *store,
                                  const char      *device,
                                  gint64           seq,
                                  gboolean         accept,
                                  const char      *reason,
                                  const char      *by,
                                  GError         **error)
{
  g_autoptr(GError) local = NULL;
  CareServerTx *tx;
  g_autoptr(CareDeviceRow) row = NULL;
  g_autoptr(CareRejection) refused = NULL;
  g_autoptr(CareEvent) taken = NULL;
  g_autoptr(CarePushJob) job = g_new0 (CarePushJob, 1);
  Push p = { .store = store, .received = now_ms () };
  gboolean ok = FALSE;

  if (reason == NULL || *reason == '\0' || !care_text_is_clean (reason) || g_utf8_strlen (reason, -1) > 2000)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                           "Say why, in a few words (--reason): the carer sees it.");
      return FALSE;
    }
  tx = store->vtable->tx_begin (store, &local);
  if (tx == NULL)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database cannot be written: %s",
                   local->message);
      return FALSE;
    }
  p.tx = tx;
  job->device = g_strdup (device);
  job->results = g_string_new (NULL);
  p.job = job;
  row = store->vtable->tx_device (tx, device);
  refused = row != NULL ? store->vtable->tx_refusal (tx, device, seq, NULL) : NULL;
  if (row == NULL)
    g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID, "The co-op has no tablet %s.", device);
  else if (refused == NULL)
    g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                 "The co-op refused no record %" G_GINT64_FORMAT " from tablet %s: see carelog-server rejections.",
                 seq, device);
  else if (g_strcmp0 (refused->state, "open") != 0)
    g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                 g_strcmp0 (refused->state, "held") == 0
                   ? "This record is held behind an earlier refused record of the same visit (%s): answer that one."
                   : "This refusal was already put right (%s).",
                 g_strcmp0 (refused->state, "held") == 0 ? refused->behind : refused->state);
  else if (accept && (refused->record == NULL
                      || !(g_str_equal (refused->code, "time") || g_str_equal (refused->code, "invalid")
                           || g_str_equal (refused->code, "forbidden"))))
    g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                 "A record refused with code %s cannot be accepted (%s): dismiss it, and ask the carer to write "
                 "it again if it is needed.", refused->code,
                 refused->record == NULL ? "the co-op could not read it" : "its id or its place in the tablet's "
                                                                          "records is in question");
  else if (accept && (taken = store->vtable->tx_event (tx, refused->id)) != NULL)
    g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                 "Another record already has this record's id: it cannot be accepted; dismiss it.");
  else
    {
      p.auth.member = g_strdup (row->member);
      p.auth.member_name = g_strdup (row->member_name);
      p.auth.role = row->role;
      p.auth.acked_seq = row->acked_seq;
      p.auth.scope_version = row->scope_version;
      p.auth.pulled_pos = row->pulled_pos;
      ok = (!accept || store->vtable->tx_insert (tx, refused->record, p.received, NULL))
           && resolve_refusal (&p, refused, accept ? "accepted" : "dismissed", NULL, reason, by, &local);
      if (!ok)
        g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database could not record the "
                     "answer (%s); nothing changed.", local != NULL ? local->message : "store error");
    }
  if (ok)
    {
      ok = store->vtable->tx_commit (tx, &local);
      if (!ok)
        g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database could not record the "
                     "answer (%s); nothing changed.", local != NULL ? local->message : "store error");
    }
  else
    store->vtable->tx_rollback (tx);
  push_clear (&p);
  return ok;
}

/* ---- the derived tables ---- */

static const char *
body_string (JsonObject *body,
             const char *name)
{
  JsonNode *n = json_object_get_member (body, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
lookup_pair (const CareServerSql *sql,
             gpointer             conn,
             const char          *query,
             const char          *key,
             char               **a,
             char               **b)
{
  return key != NULL && sql->pair (conn, query, key, a, b);
}

void
care_server_core_resolve (const CareServerSql *sql,
                          gpointer             conn,
                          const CareEvent     *e,
                          char               **client,
                          char               **carer)
{
  JsonObject *b = e->body;

  *client = NULL;
  *carer = NULL;
  switch (e->type)
    {
    case CARE_EVENT_VISIT_STARTED:
      *client = g_strdup (body_string (b, "client"));
      *carer = g_strdup (e->author);
      break;
    case CARE_EVENT_TASK_ANSWERED:
    case CARE_EVENT_NOTE_ADDED:
    case CARE_EVENT_VISIT_FINISHED:
    case CARE_EVENT_VISIT_AMENDED:
    case CARE_EVENT_NOTE_AMENDED:
    case CARE_EVENT_NOTE_RETRACTED:
    case CARE_EVENT_VISIT_VERIFIED:
    case CARE_EVENT_DISPUTE_ANSWERED:
      if (!lookup_pair (sql, conn, CARE_SQL_VISIT, body_string (b, "visit"), client, carer))
        *carer = g_strdup (e->author);
      break;
    case CARE_EVENT_VISIT_CANCELLED:
      if (!lookup_pair (sql, conn, CARE_SQL_VISIT, body_string (b, "visit"), client, carer)
          && !lookup_pair (sql, conn, CARE_SQL_SCHEDULE, body_string (b, "schedule"), client, carer))
        *carer = g_strdup (e->author);
      break;
    case CARE_EVENT_QUERY_ANSWERED:
      if (!lookup_pair (sql, conn, CARE_SQL_VISIT, body_string (b, "visit"), client, carer)
          && !lookup_pair (sql, conn, CARE_SQL_REVIEW, body_string (b, "review"), client, carer))
        *carer = g_strdup (e->author);
      break;
    case CARE_EVENT_REVIEW_ADDED:
      if (!lookup_pair (sql, conn, CARE_SQL_VISIT, body_string (b, "visit"), client, carer))
        *carer = g_strdup (body_string (b, "carer"));
      break;
    case CARE_EVENT_HOURS_ADDED:
      *carer = g_strdup (e->author);
      break;
    case CARE_EVENT_MEMBER_SET:
    case CARE_EVENT_REFUSAL_RESOLVED:
      *carer = g_strdup (body_string (b, "member"));
      break;
    case CARE_EVENT_CLIENT_SET:
    case CARE_EVENT_CAREPLAN_SET:
    case CARE_EVENT_MESSAGE_SENT:
    case CARE_EVENT_CLIENT_READERSHIP:
      *client = g_strdup (body_string (b, "client"));
      break;
    case CARE_EVENT_CIRCLE_SET:
      *client = g_strdup (body_string (b, "client"));
      *carer = g_strdup (body_string (b, "member"));
      break;
    case CARE_EVENT_ASSIGNMENT_SET:
    case CARE_EVENT_SCHEDULE_SET:
      *client = g_strdup (body_string (b, "client"));
      *carer = g_strdup (body_string (b, "carer"));
      break;
    case CARE_EVENT_N_TYPES:
    case CARE_EVENT_INVALID:
    default:
      break;
    }
}

struct _CareServerMemo
{
  GHashTable *pairs;   /* "client\x1fcarer" → a visit of theirs in the visits table */
};

CareServerMemo *
care_server_memo_new (void)
{
  CareServerMemo *memo = g_new0 (CareServerMemo, 1);

  memo->pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return memo;
}

void
care_server_memo_forget (CareServerMemo *memo)
{
  if (memo != NULL)
    g_hash_table_remove_all (memo->pairs);
}

void
care_server_memo_free (CareServerMemo *memo)
{
  if (memo == NULL)
    return;
  g_hash_table_unref (memo->pairs);
  g_free (memo);
}

/* Whether a visit just added is its carer's first with its client (the
 * family circle's scope then grows); *client is then that client. A visit
 * of the same client and carer met earlier in the transaction answers
 * without the query: a push carries a carer's visits to the same few
 * clients one after another. The visit's own client and carer are read
 * back (CARE_SQL_VISIT, which each store answers from the visit it just
 * added): a visit keeps its first pair (ON CONFLICT DO NOTHING). */
static gboolean
first_of_pair (const CareServerSql *sql,
               gpointer             conn,
               CareServerMemo      *memo,
               const char          *visit,
               char               **client)
{
  g_autofree char *pair_client = NULL, *pair_carer = NULL, *carer = NULL, *key = NULL;
  const char *other;
  gboolean first;

  if (visit == NULL)
    return FALSE;
  if (memo == NULL || !sql->pair (conn, CARE_SQL_VISIT, visit, &pair_client, &pair_carer)
      || pair_client == NULL || pair_carer == NULL)
    return sql->pair (conn, CARE_SQL_VISIT_FIRST_OF_PAIR, visit, client, &carer);
  key = g_strconcat (pair_client, "\x1f", pair_carer, NULL);
  other = g_hash_table_lookup (memo->pairs, key);
  /* Another visit of the same pair is in the table: not the first. */
  if (other != NULL && !g_str_equal (other, visit))
    return FALSE;
  first = sql->pair (conn, CARE_SQL_VISIT_FIRST_OF_PAIR, visit, client, &carer);
  g_hash_table_replace (memo->pairs, g_steal_pointer (&key), g_strdup (visit));
  return first;
}

#define RUN(query, ...) \
  G_STMT_START { \
    const char *params_[] = { __VA_ARGS__ }; \
    if (sql->exec (conn, query, G_N_ELEMENTS (params_), params_) < 0) \
      return FALSE; \
  } G_STMT_END

gboolean
care_server_core_apply (const CareServerSql *sql,
                        gpointer             conn,
                        CareServerMemo      *memo,
                        const CareEvent     *e,
                        const char          *client,
                        const char          *carer)
{
  JsonObject *b = e->body;

  switch (e->type)
    {
    case CARE_EVENT_VISIT_STARTED:
      {
        g_autofree char *pair_client = NULL;

        RUN (CARE_SQL_VISIT_ADD, body_string (b, "visit"), client, carer);
        if (first_of_pair (sql, conn, memo, body_string (b, "visit"), &pair_client))
          RUN (CARE_SQL_VISIT_BUMP_FAMILY, pair_client);
      }
      break;
    case CARE_EVENT_REVIEW_ADDED:
      RUN (CARE_SQL_REVIEW_ADD, body_string (b, "review"), body_string (b, "visit"), client, carer,
           body_string (b, "action"));
      break;
    case CARE_EVENT_MEMBER_SET:
      {
        const char *role = body_string (b, "role");

        if (g_strcmp0 (role, "supervisor") == 0 || g_strcmp0 (role, "administrator") == 0)
          RUN (CARE_SQL_MEMBER_BUMP_CARERS, body_string (b, "member"));
        RUN (CARE_SQL_MEMBER_SET, body_string (b, "member"), body_string (b, "name"), role,
             json_object_get_boolean_member_with_default (b, "active", TRUE) ? "1" : "0");
      }
      break;
    case CARE_EVENT_CLIENT_SET:
      RUN (CARE_SQL_CLIENT_SET, client, body_string (b, "name"), body_string (b, "address"),
           json_object_get_boolean_member_with_default (b, "active", TRUE) ? "1" : "0");
      break;
    /* A family member's circle is kept beside the carers' assignments: the
     * same "may this member see and write about this client" question. */
    case CARE_EVENT_CIRCLE_SET:
    case CARE_EVENT_ASSIGNMENT_SET:
      RUN (CARE_SQL_ASSIGNMENT_SET, client, carer,
           json_object_get_boolean_member_with_default (b, "active", TRUE) ? "1" : "0");
      RUN (CARE_SQL_ASSIGNMENT_BUMP, carer, client);
      break;
    case CARE_EVENT_CLIENT_READERSHIP:
      {
        JsonObject *chosen = json_object_get_object_member (b, "readers");
        JsonObjectIter iter;
        const char *category;
        JsonNode *value;

        RUN (CARE_SQL_READERSHIP_CLEAR, client);
        json_object_iter_init (&iter, chosen);
        while (json_object_iter_next (&iter, &category, &value))
          RUN (CARE_SQL_READERSHIP_ADD, client, category, json_node_get_string (value));
        /* What the client's circle and carers receive changed (more or
         * less): their cursors start again. */
        RUN (CARE_SQL_READERSHIP_BUMP, client);
      }
      break;
    case CARE_EVENT_SCHEDULE_SET:
      RUN (CARE_SQL_SCHEDULE_SET, body_string (b, "schedule"), client, carer);
      break;
    default:
      break;
    }
  return TRUE;
}

/* ---- enrolment ---- */

gboolean
care_server_core_check_enrolment (gboolean  found,
                                  gint64    expires,
                                  gint64    used,
                                  gboolean  member_active,
                                  gint64    now,
                                  gboolean  device_known,
                                  GError  **error)
{
  if (!found || used != 0 || expires < now || !member_active)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT,
                           "This enrolment code is unknown, was already used or has expired: ask your co-ordinator for a new one.");
      return FALSE;
    }
  if (device_known)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT,
                           "The co-op already knows this tablet, so it cannot be enrolled again under the same "
                           "identity: ask your co-ordinator (this tablet keeps everything it holds).");
      return FALSE;
    }
  return TRUE;
}

/* ---- pull ---- */

static gboolean
parse_cursor (const char *cursor,
              const char *epoch,
              gint64     *pos,
              gint64     *scope)
{
  g_auto(GStrv) parts = NULL;
  char *end;

  *pos = 0;
  *scope = -1;
  if (cursor == NULL || *cursor == '\0')
    return TRUE;
  parts = g_strsplit (cursor, ".", 5);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], "1") || !g_str_equal (parts[1], epoch))
    return FALSE;
  *pos = g_ascii_strtoll (parts[2], &end, 10);
  if (*end != '\0' || *pos < 0 || parts[2][0] == '\0')
    return FALSE;
  *scope = g_ascii_strtoll (parts[3], &end, 10);
  return *end == '\0' && parts[3][0] != '\0' && *scope >= 0;
}

gboolean
care_server_core_pull_begin (const CareDeviceRow   *row,
                             const char            *key,
                             const CarePullRequest *request,
                             const char            *epoch,
                             gint64                 max_pos,
                             CareServerAuth        *auth,
                             CareScope             *scope,
                             gint64                *pos,
                             GString               *out,
                             GError               **error)
{
  gint64 cursor_scope;

  if (!care_server_core_check_device (row, key, FALSE, auth, error))
    return FALSE;
  *scope = care_server_core_scope (auth);
  if (request->acked_seq > auth->acked_seq)
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER_BEHIND,
                   "The co-op server has records from this tablet only up to number %" G_GINT64_FORMAT
                   " but the tablet had sent up to %" G_GINT64_FORMAT " (the server was restored from a backup): "
                   "the tablet sends the missing records again.", auth->acked_seq, request->acked_seq);
      return FALSE;
    }
  if (!parse_cursor (request->cursor, epoch, pos, &cursor_scope) || *pos > max_pos
      || (cursor_scope >= 0 && cursor_scope != scope->version))
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_CURSOR_INVALID,
                           "The tablet's download position is no longer valid (the server was restored, or this "
                           "member's clients changed): the tablet downloads the co-op's records again from the start.");
      return FALSE;
    }
  g_string_append_printf (out, "{\"v\":1,\"t\":%" G_GINT64_FORMAT ",\"k\":%" G_GINT64_FORMAT ",\"r\":[",
                          now_ms (), auth->acked_seq);
  return TRUE;
}

void
care_server_core_pull_end (GString         *out,
                           const char      *epoch,
                           const CareScope *scope,
                           gint64           last,
                           gboolean         more)
{
  g_autofree char *next = g_strdup_printf ("1.%s.%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, epoch, last,
                                           scope->version);

  g_string_append (out, "],\"c\":");
  care_json_append_string (out, next);
  g_string_append_printf (out, ",\"m\":%s}", more ? "true" : "false");
}

/* ---- co-op records ---- */

CareEvent *
care_server_core_coop_record (CareEventType  type,
                              JsonObject    *body,
                              const char    *author,
                              const char    *coop_seq,
                              GError       **error)
{
  g_autoptr(CareEvent) e = care_event_new ();
  g_autoptr(GError) local = NULL;

  e->id = care_server_uuid7 ();
  e->device = g_strdup (CARE_COOP_DEVICE);
  e->seq = (coop_seq ? g_ascii_strtoll (coop_seq, NULL, 10) : 0) + 1;
  e->author = g_strdup (author ? author : CARE_COOP_DEVICE);
  e->wall = now_ms ();
  e->hlc = e->wall << 16;
  e->type = type;
  e->body = json_object_ref (body);
  if (!care_event_validate (e, &local))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID, "%s", local->message);
      return NULL;
    }
  return g_steal_pointer (&e);
}

void
care_server_core_keep_latest (GHashTable *seen,
                              const char *body,
                              const char *key,
                              GPtrArray  *out)
{
  g_autoptr(JsonNode) root = json_from_string (body, NULL);
  const char *value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  value = body_string (json_node_get_object (root), key);
  if (value == NULL || g_hash_table_contains (seen, value))
    return;
  g_hash_table_add (seen, g_strdup (value));
  g_ptr_array_add (out, json_object_ref (json_node_get_object (root)));
}

/* ---- restore ---- */

/* The co-op's own numbering after a restore. Tablets may hold records the
 * co-op wrote after the backup, with the numbers that follow the backup's;
 * a new record with one of those numbers would be skipped by every tablet
 * as "already seen". So the numbering goes on from the restore's time in
 * microseconds (the server never hands out a million numbers a second),
 * and at least 2^32 past where the previous restore started it (a clock
 * set back, or two restores in a row). */
static gint64
restored_coop_seq (gint64     backup_seq,
                   GPtrArray *journal)
{
  gint64 next = MAX (backup_seq, g_get_real_time ());

  for (guint i = 0; i < journal->len; i++)
    {
      CareJournalEntry *e = g_ptr_array_index (journal, i);

      if (e->kind == CARE_JOURNAL_RESTORED && e->coop_seq < G_MAXINT64 - (G_GINT64_CONSTANT (1) << 32))
        next = MAX (next, e->coop_seq + (G_GINT64_CONSTANT (1) << 32));
    }
  return next;
}

static gboolean
row_found (const CareServerSql *sql,
           gpointer             conn,
           const char          *query,
           const char          *value)
{
  g_autofree char *a = NULL, *b = NULL;

  return sql->pair (conn, query, value, &a, &b);
}

/* Tablets enrolled after the backup come back with the key they hold and
 * nothing acknowledged (so they send everything again); tablets revoked
 * after it are revoked again. */
static gboolean
readmit_devices (const CareServerSql *sql,
                 gpointer             conn,
                 GPtrArray           *journal,
                 GString             *summary)
{
  guint readmitted = 0, revoked = 0;

  for (guint i = 0; i < journal->len; i++)
    {
      CareJournalEntry *e = g_ptr_array_index (journal, i);
      char at[24];

      g_snprintf (at, sizeof at, "%" G_GINT64_FORMAT, MAX (e->at, 1));
      if (e->kind == CARE_JOURNAL_ENROLLED
          && !row_found (sql, conn, "SELECT device, device FROM devices WHERE device = ?1", e->device))
        {
          RUN ("INSERT INTO devices (device, member, name, key_hash, enrolled) VALUES (?1, ?2, ?3, ?4, ?5)",
               e->device, e->member, e->name ? e->name : "", e->key_hash, at);
          readmitted++;
          if (!row_found (sql, conn, "SELECT member, member FROM members WHERE member = ?1", e->member))
            g_string_append_printf (summary,
                                    "Tablet %s (“%s”) belongs to member %s, who is not in the backup: add them again "
                                    "with “carelog-server member add DIR %s …” and the tablet sends its records by itself.\n",
                                    e->device, e->name ? e->name : "", e->member, e->member);
        }
      else if (e->kind == CARE_JOURNAL_REVOKED)
        {
          const char *params[] = { e->device, at, e->mode };
          gint64 changed = sql->exec (conn, "UPDATE devices SET revoked = ?2, revoke_mode = ?3"
                                            " WHERE device = ?1 AND revoked = 0", 3, params);

          if (changed < 0)
            return FALSE;
          revoked += (guint) changed;
        }
    }
  if (readmitted > 0)
    g_string_append_printf (summary, "%u tablet(s) enrolled after the backup are known again; they send what the "
                            "backup lacks by themselves.\n", readmitted);
  if (revoked > 0)
    g_string_append_printf (summary, "%u tablet(s) revoked after the backup are revoked again.\n", revoked);
  return TRUE;
}

#define META_GET "SELECT value, value FROM meta WHERE key = ?1"
#define META_SET "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value"

gboolean
care_server_core_restored (const CareServerSql *sql,
                           gpointer             conn,
                           const char          *dir,
                           GString             *summary,
                           GError             **error)
{
  g_autoptr(GPtrArray) journal = care_server_journal_read (dir, error);
  g_autofree char *seq_text = NULL, *head_seq = NULL, *unused = NULL, *unused2 = NULL;
  g_autofree char *epoch = care_server_store_new_epoch ();
  char next[24], at[24];
  gint64 coop_seq;

  if (journal == NULL)
    return FALSE;
  sql->pair (conn, META_GET, "coop_seq", &seq_text, &unused);
  /* The co-op's chain head stays the backup's latest record. */
  if (!sql->pair (conn, META_GET, "coop_head_seq", &head_seq, &unused2) && seq_text != NULL)
    {
      const char *params[] = { "coop_head_seq", seq_text };

      if (sql->exec (conn, META_SET, 2, params) < 0)
        goto failed;
    }
  coop_seq = restored_coop_seq (seq_text ? g_ascii_strtoll (seq_text, NULL, 10) : 0, journal);
  g_snprintf (next, sizeof next, "%" G_GINT64_FORMAT, coop_seq);
  g_snprintf (at, sizeof at, "%" G_GINT64_FORMAT, now_ms ());
  {
    const char *p1[] = { "epoch", epoch }, *p2[] = { "coop_seq", next }, *p3[] = { "restored_at", at };

    if (sql->exec (conn, META_SET, 2, p1) < 0 || sql->exec (conn, META_SET, 2, p2) < 0
        || sql->exec (conn, META_SET, 2, p3) < 0 || !readmit_devices (sql, conn, journal, summary))
      goto failed;
  }
  /* Journalled before the commit: the next restore starts past this one. */
  return care_server_journal_restored (dir, coop_seq, now_ms (), error);

failed:
  g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                       "Cannot finish the restore: the co-op database could not be written.");
  return FALSE;
}
