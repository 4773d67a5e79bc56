/* care-event.h: the immutable records of the care log.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every fact in Carelog is an event: it is created once, by one device, and
 * never changed or deleted. Corrections are new events that reference what
 * they correct. Derived state (visits, notes, hours) is computed from the
 * set of events and does not depend on the order in which they arrived.
 *
 * Common fields (all required):
 *   id        client-generated time-ordered UUID (version 7), lower case
 *   device    the id of the device that created the event
 *   seq       dense per-device sequence number, starting at 1
 *   author    member id of the person who created it
 *   hlc       hybrid logical clock stamp: (physical ms << 16) | logical
 *   wall      the device's wall-clock time when created, ms since the epoch
 *   type      one of the type names below
 *   body      a JSON object, validated against the type
 *
 * Times inside bodies are integers, milliseconds since the Unix epoch (UTC).
 * Ids inside bodies are strings of 1..64 printable ASCII characters.
 * Body members not listed here are refused (care_event_validate), so that
 * nothing a device does not understand is stored or sent on; a newer field
 * comes with a newer protocol. Text has no control characters but tab and
 * line breaks, and the whole record is at most CARE_RECORD_MAX_BYTES.
 * docs/events.md describes all of this for people.
 *
 * Bodies, by type (fields marked ? are optional):
 *
 * Written on a tablet:
 *   visit.started   { visit, client, service, at, schedule?, location?, clock_offset_ms? }
 *                   location: { lat, lon, accuracy_m } or absent ("unavailable")
 *                   clock_offset_ms: server time minus device time, added by the
 *                   store when the daemon has seen it more than 5 min off
 *   task.answered   { visit, task, done: bool, reason? }   reason required when !done
 *   note.added      { visit, note, category, text, readers? }
 *                   readers: team (default: the visit's carer and the
 *                            co-ordinators) | coordinators (co-ordinators and
 *                            the author's own devices only) | family (the
 *                            team and the client's family circle)
 *                   (care_note_readers; the co-op server's scope enforces it)
 *                   category: personal-care | nutrition | medication | wellbeing
 *                             | incident | safeguarding
 *   visit.finished  { visit, at, clock_offset_ms? }
 *   visit.amended   { visit, field, old, new, reason }
 *                   field: started_at | finished_at (old/new: integer ms)
 *                          | service (old/new: string)
 *   note.amended    { visit, note, old, new, reason }       old/new: the text
 *   note.retracted  { visit, note, reason }
 *   hours.added     { entry, kind, date, minutes, comment?, reason? }
 *                   kind: travel | training | other; date: "YYYY-MM-DD"
 *                   a second record for an entry is its carer's correction,
 *                   with a reason; minutes 0 (only then) withdraws it
 *   visit.cancelled { visit?, schedule?, reason }           one of visit or schedule
 *   query.answered  { review, visit?, message }             a carer's reply to a query
 *                   (visit is absent for a timesheet query)
 *   visit.verified  { visit, outcome, by?, reason?, text? } the client's word on a visit
 *                   (the EVV "client verification"): outcome confirmed | disputed
 *                   | not-possible. confirmed and disputed say by: client (at the
 *                   door, on the carer's tablet) | family (on the carer's tablet, or
 *                   a family member's own device); disputed needs text (what is
 *                   not right). not-possible is the carer's: reason asleep |
 *                   declined | unable, text optional. Never blocks check-out.
 *   message.sent    { message, client, text }               a family member's
 *                   message to the co-ordinators about their client
 *   dispute.answered { visit, message }                     a co-ordinator's answer to
 *                   the visit's dispute(s): closes them; the family sees it
 *
 * Written by the co-op (server records, pulled by devices):
 *   member.set      { member, name, role, active }   role: carer | supervisor | administrator
 *                                                    | family
 *   circle.set      { client, member, active: bool }   a family member linked to a client
 *   client.set      { client, name, address, active }
 *   careplan.set    { client, tasks: [ { task, label, essential: bool } ] }
 *   assignment.set  { client, carer, active: bool }
 *   schedule.set    { schedule, client, carer, start, minutes, service, cancelled?: bool }
 *   review.added    { review, action, visit?, carer?, week?, message?, saw? }
 *                   saw: ids of the records the approver saw
 *                   action: approve | query | flag; a visit review names the
 *                   visit; a timesheet review names carer and week ("2026-W47")
 *                   (review.added is written by supervisors' devices too)
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARE_EVENT_VISIT_STARTED,
  CARE_EVENT_TASK_ANSWERED,
  CARE_EVENT_NOTE_ADDED,
  CARE_EVENT_VISIT_FINISHED,
  CARE_EVENT_VISIT_AMENDED,
  CARE_EVENT_NOTE_AMENDED,
  CARE_EVENT_NOTE_RETRACTED,
  CARE_EVENT_HOURS_ADDED,
  CARE_EVENT_VISIT_CANCELLED,
  CARE_EVENT_QUERY_ANSWERED,
  CARE_EVENT_MEMBER_SET,
  CARE_EVENT_CLIENT_SET,
  CARE_EVENT_CAREPLAN_SET,
  CARE_EVENT_ASSIGNMENT_SET,
  CARE_EVENT_SCHEDULE_SET,
  CARE_EVENT_REVIEW_ADDED,
  CARE_EVENT_CIRCLE_SET,
  CARE_EVENT_VISIT_VERIFIED,
  CARE_EVENT_DISPUTE_ANSWERED,
  CARE_EVENT_MESSAGE_SENT,
  CARE_EVENT_REFUSAL_RESOLVED,
  CARE_EVENT_CLIENT_READERSHIP,
  CARE_EVENT_N_TYPES,
  CARE_EVENT_INVALID = -1,
} CareEventType;

typedef enum
{
  CARE_ROLE_CARER,
  CARE_ROLE_SUPERVISOR,
  CARE_ROLE_ADMINISTRATOR,
  CARE_ROLE_FAMILY,       /* a member of a client's family circle */
  CARE_ROLE_INVALID = -1,
} CareRole;

typedef struct
{
  char *id;
  char *device;
  gint64 seq;
  char *author;
  gint64 hlc;
  gint64 wall;
  CareEventType type;
  JsonObject *body;
  /* When the co-op server received it (ms since the epoch, from a pull);
   * 0 = unknown (not yet received, or an older server). Not validated, not
   * part of the device's push encoding. */
  gint64 received;
  /* The hash of this device's previous record (care-chain.h): NULL for a
   * record made before the chain existed ("before the chain"). */
  char *link;
  /* Only for a record read to be sent (care_store_read_unsent): body is
   * NULL and this is the body's JSON text as the store holds it, which the
   * protocol-2 encoder reads without building a tree (issue 13);
   * care_event_ensure_body builds the tree where one is needed. */
  char *body_text;
} CareEvent;

#define CARE_ID_MAX_LEN 64
#define CARE_TEXT_MAX_LEN 20000
/* The most record ids an approval's "saw" may name. */
#define CARE_REVIEW_SAW_MAX 5000
/* The whole record (its body as compact JSON) is at most this big; a note
 * correction with its old and new text and reason fits, and so does an
 * approval naming CARE_REVIEW_SAW_MAX ids. */
#define CARE_RECORD_MAX_BYTES (512 * 1024)
#define CARE_PLAN_MAX_TASKS 100
/* Times a record may carry (see care_event_check_times): not before
 * 2020-01-01T00:00:00Z, not more than 48 hours after the judge's clock. */
#define CARE_TIME_MIN_MS G_GINT64_CONSTANT (1577836800000)
#define CARE_TIME_AHEAD_MS (G_GINT64_CONSTANT (48) * 3600 * 1000)
#define CARE_CLOCK_OFFSET_MAX_MS (G_GINT64_CONSTANT (366) * 24 * 3600 * 1000)

const char   *care_event_type_to_string   (CareEventType type);
CareEventType care_event_type_from_string (const char *name);
/* TRUE for the types only the co-op (an administrator) may create. */
gboolean      care_event_type_is_roster   (CareEventType type);

const char   *care_role_to_string         (CareRole role);
CareRole      care_role_from_string       (const char *name);

CareEvent    *care_event_new              (void) G_GNUC_WARN_UNUSED_RESULT;
CareEvent    *care_event_copy             (const CareEvent *event) G_GNUC_WARN_UNUSED_RESULT;
void          care_event_free             (CareEvent *event);
/* The body as a tree, parsed from body_text the first time when the
 * record was read only to be sent (an empty object if that text is not a
 * JSON object). */
JsonObject   *care_event_ensure_body      (CareEvent *event);
/* The body as a tree, a new reference: body, or parsed from body_text (an
 * empty object when there is neither, or the text is not an object). */
JsonObject   *care_event_body_ref         (const CareEvent *event);

/* Checks the common fields and the body against the type's schema. The
 * error (CARE_STORE_ERROR_INVALID) names the field and what is wrong. */
gboolean      care_event_validate         (const CareEvent *event,
                                           GError         **error);

/* Checks that every time the record carries (its clock stamp, its wall
 * time, the times in its body corrected by clock_offset_ms) lies between
 * CARE_TIME_MIN_MS and now_ms + CARE_TIME_AHEAD_MS. The error
 * (CARE_STORE_ERROR_INVALID) says which time and what to do about it. */
gboolean      care_event_check_times      (const CareEvent *event,
                                           gint64           now_ms,
                                           GError         **error);

/* A body member of a validated record: the string (NULL when absent or
 * not text), the integer (0 when absent). */
const char   *care_event_body_string      (const CareEvent *event,
                                           const char      *name);
gint64        care_event_body_int         (const CareEvent *event,
                                           const char      *name);

/* TRUE when text has no control characters but tab, line feed and carriage
 * return (no NUL, U+0001..U+001F, U+007F..U+009F); text must be UTF-8. */
gboolean      care_text_is_clean          (const char      *text);

/* JSON object with the common fields and "body". */
JsonNode     *care_event_to_json          (const CareEvent *event) G_GNUC_WARN_UNUSED_RESULT;
CareEvent    *care_event_from_json        (JsonNode        *node,
                                           GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/* Who may read a note (note.added's "readers", docs/sync-protocol.md
 * "Who reads a note"). Checked once here; the server's scope
 * (care_server_core_scope) sends a note only to the devices its readers
 * allow, and the app shows it on both sides. */
typedef enum
{
  CARE_READERS_TEAM,
  CARE_READERS_COORDINATORS,
  CARE_READERS_FAMILY,
  CARE_READERS_INVALID = -1,
} CareReaders;

const char   *care_readers_to_string      (CareReaders readers);
/* NULL is the default, CARE_READERS_TEAM. */
CareReaders   care_readers_from_string    (const char *name);
/* A note.added's readers (the default when it says none). */
CareReaders   care_note_readers           (const CareEvent *note_added);
/* The client's standing choice (client.readership, docs/family.md) for
 * notes of category: who may read them at most; CARE_READERS_INVALID when
 * the client made none for it (then a note's own readers apply). */
CareReaders   care_readership_choice      (JsonObject *readership_body,
                                           const char *category);
/* Who reads a note: its own readers, narrowed to the client's choice for
 * its category (choice CARE_READERS_INVALID: none). Narrowest first:
 * co-ordinators only, the care team, shared with the family. The server's
 * scope applies the same rule in its query (care-server-sqlite.c,
 * NOTE_READERS). */
CareReaders   care_readers_effective      (CareReaders note,
                                           CareReaders choice);

/* The body's id that the event is about, used for scoping and indexing:
 * the visit for every visit-scoped record (notes, tasks, amendments, a
 * visit review, a visit's query answer), the schedule for a cancelled
 * scheduled visit, the review for a timesheet query's answer, the carer for
 * a timesheet review, the entry, member, client or schedule for the others;
 * NULL when it has none. */
const char   *care_event_get_subject      (const CareEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareEvent, care_event_free)

/* A correction of a record the co-op refused (docs/sync-protocol.md,
 * "Refused records"): a new record of the same type about the same
 * subject, from the same device, whose body says "corrects": the refused
 * record's id. Any record a tablet writes may carry it. NULL: not a
 * correction. */
const char   *care_event_corrects         (const CareEvent *event);
/* Whether correction may put right refused (same type, subject, device
 * and author); on FALSE, error says why in a sentence. Applied by the
 * tablet's store and by the server, before the rules judge correction
 * against the history without refused. */
gboolean      care_event_check_correction (const CareEvent *correction,
                                           const CareEvent *refused,
                                           GError         **error);

/* The care-log rule for changing a task's answer: on a finished visit, a
 * task.answered that changes the task's earlier answer (done ↔ not done)
 * is a correction and must say why in "reason". visit_events: the visit's
 * records (any order; only those before answer by (hlc, device, seq)
 * count). The store applies it to local records; the server to pushed ones. */
gboolean care_event_check_task_change (const CareEvent *answer,
                                       GPtrArray       *visit_events,
                                       GError         **error);

G_END_DECLS
