/* care-store.h: the local care log, one SQLite file per enrolled profile.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every write is one transaction committed with synchronous=FULL before the
 * call returns: when a function here returns TRUE, the record is on disk.
 * Several processes (the app, the command-line tool, the sync daemon) may
 * open the same file at once; SQLite's WAL and a busy timeout serialise them.
 * A CareStore is one connection and is not thread-safe: use it from one
 * thread at a time (open another for a worker thread, as ui/care-reader.c
 * does). Opening is cheap (a few milliseconds, see docs/architecture.md).
 */
#pragma once

#include <gio/gio.h>
#include "care-event.h"

G_BEGIN_DECLS

#define CARE_STORE_ERROR (care_store_error_quark ())
GQuark care_store_error_quark (void);

typedef enum
{
  CARE_STORE_ERROR_CORRUPT,      /* the file is damaged; it was left untouched */
  CARE_STORE_ERROR_UNREADABLE,   /* cannot open/read the file (permissions, not a store) */
  CARE_STORE_ERROR_TOO_NEW,      /* written by a newer Carelog */
  CARE_STORE_ERROR_FULL,         /* the disk is full; nothing was written */
  CARE_STORE_ERROR_IO,           /* another I/O error; nothing was written */
  CARE_STORE_ERROR_BUSY,         /* another process held the store too long */
  CARE_STORE_ERROR_INVALID,      /* a malformed record or argument */
  CARE_STORE_ERROR_RULE,         /* refused by a care-log rule (message says which) */
  CARE_STORE_ERROR_NOT_FOUND,    /* unknown visit, note, client, ... */
  CARE_STORE_ERROR_NOT_ENROLLED, /* the profile has no device/member identity yet */
  CARE_STORE_ERROR_FAILED,
  CARE_STORE_ERROR_REMOVED,      /* the tablet was removed from the co-op: its care log was erased */
  CARE_STORE_ERROR_CHAIN,        /* the co-op sent a record that contradicts one this device holds */
} CareStoreError;

typedef enum
{
  CARE_VISIT_UPCOMING,
  CARE_VISIT_LATE,         /* scheduled start passed, not started, not yet missed */
  CARE_VISIT_IN_PROGRESS,
  CARE_VISIT_DONE,
  CARE_VISIT_MISSED,       /* scheduled, not started by the planned end */
  CARE_VISIT_CANCELLED,
} CareVisitState;

typedef enum
{
  CARE_SYNC_LOCAL,         /* only on this tablet */
  CARE_SYNC_SYNCED,        /* acknowledged by the co-op (or came from it) */
  CARE_SYNC_QUARANTINED,   /* refused by the co-op; reason kept */
  CARE_SYNC_SET_ASIDE,     /* a refused record put right: corrected, or dismissed by a co-ordinator */
  CARE_SYNC_HELD,          /* held by the co-op behind an earlier refused record of its visit */
} CareSyncState;

typedef enum
{
  CARE_REVIEW_NONE,
  CARE_REVIEW_APPROVED,
  CARE_REVIEW_QUERIED,     /* an open query (not yet answered or amended) */
  CARE_REVIEW_FLAGGED,
  CARE_REVIEW_CHANGED,     /* approved, then changed by a record the approval did not name */
} CareReviewState;

typedef enum
{
  CARE_VISIT_FLAG_SAFEGUARDING       = 1 << 0,
  CARE_VISIT_FLAG_MISSED             = 1 << 1,
  CARE_VISIT_FLAG_LATE_START         = 1 << 2, /* > 15 min after schedule */
  CARE_VISIT_FLAG_SHORT              = 1 << 3, /* < 75 % of planned */
  CARE_VISIT_FLAG_AMENDED            = 1 << 4,
  CARE_VISIT_FLAG_CLOCK_WARNING      = 1 << 5, /* a time > 5 min off the HLC/server time */
  CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE = 1 << 6,
  /* Two devices changed the visit without seeing each other's change (two
   * check-outs, an amendment of a value that had changed meanwhile, a
   * check-out and a cancellation): all are kept; a person should look. */
  CARE_VISIT_FLAG_CONCURRENT         = 1 << 7,
  /* The client or their family disputed it, and no co-ordinator has
   * answered since (docs/family.md): listed right after safeguarding. */
  CARE_VISIT_FLAG_DISPUTED           = 1 << 8,
} CareVisitFlags;

typedef struct
{
  char *visit;             /* NULL for a scheduled visit not started */
  char *schedule;          /* NULL for an unscheduled visit */
  char *client;
  char *client_name;
  char *client_address;
  char *carer;
  char *carer_name;
  char *service;
  gint64 planned_start;    /* ms, 0 when unscheduled */
  gint64 planned_minutes;
  gint64 started_at;       /* effective (after amendments), ms, 0 = none */
  gint64 finished_at;
  gint64 recorded_started_at; /* as first recorded */
  gint64 recorded_finished_at;
  CareVisitState state;
  CareSyncState sync;      /* the least-synced of the visit's records: QUARANTINED if
                            * any was refused, else LOCAL if any is unsent */
  CareReviewState review;
  char *open_query;        /* the message of an open query, or NULL */
  char *answer;            /* the carer's answer to the query, while no review
                            * followed it (review NONE), or NULL */
  guint flags;             /* CareVisitFlags */
} CareVisitSummary;

typedef struct
{
  char *task;
  char *label;
  gboolean essential;
  int answer;              /* -1 unanswered, 0 not done, 1 done */
  char *reason;
} CareTaskState;

typedef struct
{
  char *text;
  char *reason;            /* NULL for the original */
  char *author;
  gint64 at;               /* wall time of the record */
} CareNoteVersion;

typedef struct
{
  char *note;
  char *category;
  char *text;              /* current text */
  CareReaders readers;     /* who may read it */
  gboolean retracted;
  gboolean urgent;         /* safeguarding */
  char *author;
  gint64 created_at;
  CareSyncState sync;
  GPtrArray *versions;     /* CareNoteVersion, oldest first */
} CareNote;

typedef struct
{
  char *event;             /* event id */
  CareEventType type;
  char *author;
  char *device;
  gint64 hlc;
  gint64 wall;
  char *description;       /* one plain sentence, e.g. "Check-out changed from 10:30 to 10:45" */
  char *reason;            /* for amendments, retractions, queries */
  CareSyncState sync;
  gint64 received;         /* when the co-op received it (ms); 0 = not yet, or unknown */
} CareHistoryEntry;

typedef struct
{
  CareVisitSummary summary;
  gboolean has_location;
  double lat, lon, accuracy_m;
  GPtrArray *tasks;        /* CareTaskState, care-plan order */
  GPtrArray *notes;        /* CareNote, oldest first */
  GPtrArray *history;      /* CareHistoryEntry, in (hlc, device, seq) order */
  /* The client's word on the visit (visit.verified, the latest counts; all
   * stay in history): outcome NULL when nobody recorded one. */
  char *verified;          /* "confirmed" | "disputed" | "not-possible" */
  char *verified_by;       /* "client" | "family"; NULL for not-possible */
  char *verified_reason;   /* not-possible: "asleep" | "declined" | "unable" */
  char *verified_text;     /* what is not right (a dispute), or a comment */
  char *verified_author;   /* the member who recorded it */
  gint64 verified_at;      /* when (its wall time) */
  /* Disputes: the carer's and the family's words are verified_text of
   * the disputes; the co-ordinator's latest answer closes them. */
  guint disputes;
  gboolean dispute_open;   /* a dispute after the latest answer */
  char *dispute_answer;    /* the latest answer, NULL when none */
} CareVisitDetail;

typedef struct
{
  char *note;
  char *visit;
  char *client_name;
  char *category;
  char *snippet;           /* with the match between [ and ] */
  gint64 created_at;
} CareNoteHit;

typedef struct
{
  GDate date;
  gint64 visit_minutes;
  gint64 travel_minutes;
  gint64 training_minutes;
  gint64 other_minutes;
} CareDayHours;

typedef struct
{
  char *entry;
  char *kind;              /* travel | training | other */
  GDate date;
  gint64 minutes;          /* 0: withdrawn by a correction */
  char *comment;           /* or NULL */
} CareHoursEntry;

typedef struct
{
  char *carer;
  int iso_year;
  int iso_week;
  CareDayHours days[7];    /* Monday first */
  gint64 total_minutes;
  gint64 planned_minutes;  /* from the schedule */
  CareReviewState review;  /* the week's timesheet review */
  char *review_id;         /* the latest review of the timesheet, or NULL */
  char *review_message;    /* its message (a query's question), or NULL */
  GPtrArray *entries;      /* CareHoursEntry: the week's manual hours, by date */
} CareWeekHours;

typedef struct
{
  const char *carer;       /* NULL = all */
  const char *client;      /* NULL = all */
  gint64 from, to;         /* [from, to) ms on start (planned or actual); 0 = open */
  int review;              /* -1 = any, else CareReviewState (NONE also matches CHANGED:
                            * both need a supervisor's review) */
  guint flags_any;         /* 0 = any; else visits with at least one of these */
  gboolean exceptions_first;
  guint offset, limit;     /* limit 0 = 100 */
} CareVisitFilter;

typedef struct
{
  gint64 pending;          /* local records not yet acknowledged */
  gint64 quarantined;
  gint64 acknowledged;
  gint64 last_seq;         /* highest local sequence number */
  gint64 acked_seq;        /* highest acknowledged sequence number */
} CareOutboxCounts;

#define CARE_TYPE_STORE (care_store_get_type ())
G_DECLARE_FINAL_TYPE (CareStore, care_store, CARE, STORE, GObject)

/* Profiles -------------------------------------------------------------- */

/* $XDG_DATA_HOME/carelog/profiles/NAME/carelog.db (the app's data dir in a
 * Flatpak). CARELOG_DATA_DIR overrides the base directory. */
char       *care_store_default_path       (const char *profile) G_GNUC_WARN_UNUSED_RESULT;

/* Opens (creating if absent) and verifies the store. A damaged file gives
 * CARE_STORE_ERROR_CORRUPT and is never modified or recreated. */
CareStore  *care_store_open               (const char *path,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* A second connection to an open store, for another thread of the same
 * process (the daemon's retention purge): it opens nothing but SQLite's
 * own files, so it never drops the locks the first connection holds (a
 * close() of any descriptor of the file would), and keeps the first one
 * open for as long as it lives. */
CareStore  *care_store_open_sibling       (CareStore *self,
                                           GError   **error) G_GNUC_WARN_UNUSED_RESULT;
const char *care_store_get_path           (CareStore *self);
/* Emits "changed": what the store holds changed (a write of the app's,
 * or the sync daemon's); every view of it connects to that itself. */
void        care_store_changed            (CareStore *self);
/* Full PRAGMA integrity_check. */
/* Feeds every record, and what this device knows of its own chain, to a
 * verifier (care-verify.h). */
typedef struct _CareVerifier CareVerifier;
gboolean    care_store_feed_verifier      (CareStore    *self,
                                           CareVerifier *verifier,
                                           GError      **error);
gboolean    care_store_verify             (CareStore *self,
                                           GError   **error);
int         care_store_get_schema_version (CareStore *self);

/* Identity of this profile: set at enrolment (or for the demo profile). */
gboolean    care_store_set_identity       (CareStore  *self,
                                           const char *device,
                                           const char *member,
                                           CareRole    role,
                                           GError    **error);
const char *care_store_get_device         (CareStore *self);   /* NULL if not enrolled */
const char *care_store_get_member         (CareStore *self);
CareRole    care_store_get_role           (CareStore *self);

char       *care_store_get_meta           (CareStore  *self,
                                           const char *key) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_store_set_meta           (CareStore  *self,
                                           const char *key,
                                           const char *value,
                                           GError    **error);
/* The hash of this device's own record seq (app/care-chain.h); NULL when
 * the store no longer holds it (retention) or holds no such record. */
char       *care_store_own_record_hash    (CareStore  *self,
                                           gint64      seq) G_GNUC_WARN_UNUSED_RESULT;

/* Retention on a carer's tablet (care-store-purge.c, docs/privacy.md). */
#define CARE_STORE_RETENTION_DAYS 14
guint       care_store_get_retention_days (CareStore *self);
gboolean    care_store_purge              (CareStore *self,
                                           guint      limit,
                                           guint     *purged,
                                           GError   **error);

/* The co-op's time zone (IANA id in meta "timezone"; local zone if unset). */
GTimeZone  *care_store_get_timezone       (CareStore *self) G_GNUC_WARN_UNUSED_RESULT;

/* Clock: wall-clock ms. Tests and the daemon may replace it. The offset
 * (server time minus device time, as last seen by the daemon) is kept in
 * meta "clock_offset_ms" and used to flag suspicious times. */
typedef gint64 (*CareClockFunc) (gpointer user_data);
void        care_store_set_clock          (CareStore    *self,
                                           CareClockFunc func,
                                           gpointer      user_data);
gint64      care_store_now                (CareStore *self);

/* Local writes: each validates, enforces the rules, assigns id, seq, hlc,
 * wall and author, and commits durably. Returns the new event. Besides the
 * care-log rules, review.added needs a supervisor or administrator profile
 * and the roster types (care_event_type_is_roster) an administrator's. */
CareEvent  *care_store_append             (CareStore    *self,
                                           CareEventType type,
                                           JsonObject   *body,
                                           GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* Convenience wrappers; the returned string is the new visit/note/entry id.
 * check_in: service NULL takes the scheduled visit's service, else
 * "home care"; once the co-op's client list has arrived, the client must be
 * in it. */
char       *care_store_check_in           (CareStore  *self,
                                           const char *client,
                                           const char *schedule,  /* nullable */
                                           const char *service,
                                           const double *lat_lon_acc, /* nullable, 3 values */
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_store_answer_task        (CareStore  *self,
                                           const char *visit,
                                           const char *task,
                                           gboolean    done,
                                           const char *reason,
                                           GError    **error);
char       *care_store_add_note           (CareStore  *self,
                                           const char *visit,
                                           const char *category,
                                           const char *text,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* As care_store_add_note, with who may read it (CARE_READERS_TEAM is the
 * default and is not written into the record). */
char       *care_store_add_note_for       (CareStore   *self,
                                           const char  *visit,
                                           const char  *category,
                                           const char  *text,
                                           CareReaders  readers,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Puts right a record of this tablet's that the co-op refused
 * (docs/sync-protocol.md, "Refused records"): a new record of the same
 * type, with refused_id's body changed by changes (each member replaces
 * the refused record's), that says "corrects". A correction of a refused
 * correction corrects the first refused record. Returns the new record. */
/* One of this tablet's own records, by id (CARE_STORE_ERROR_NOT_FOUND when
 * this tablet wrote none). */
CareEvent  *care_store_get_own_event      (CareStore   *self,
                                           const char  *id,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* The client's standing choice of who may read notes of category
 * (docs/family.md); CARE_READERS_INVALID when the client made none. */
CareReaders care_store_get_client_readers (CareStore   *self,
                                           const char  *client,
                                           const char  *category);
CareEvent  *care_store_correct            (CareStore   *self,
                                           const char  *refused_id,
                                           JsonObject  *changes,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_store_check_out          (CareStore  *self,
                                           const char *visit,
                                           GError    **error);
/* The client's word on a visit (visit.verified, docs/family.md): outcome
 * "confirmed" or "disputed" with by "client" or "family" (a dispute needs
 * text), or "not-possible" with reason "asleep", "declined" or "unable"
 * (text optional). */
gboolean    care_store_verify_visit       (CareStore  *self,
                                           const char *visit,
                                           const char *outcome,
                                           const char *by,
                                           const char *reason,
                                           const char *text,
                                           GError    **error);
/* The client's latest word on visit (one indexed read, for exports):
 * FALSE, and NULLs, when there is none. */
gboolean    care_store_get_verification   (CareStore  *self,
                                           const char *visit,
                                           char      **outcome,
                                           char      **by,
                                           char      **reason);
/* A co-ordinator's answer to a visit's dispute (closes it). */
gboolean    care_store_answer_dispute     (CareStore  *self,
                                           const char *visit,
                                           const char *message,
                                           GError    **error);
/* A family member's message to the co-ordinators about client; returns
 * the message id. */
char       *care_store_send_message       (CareStore  *self,
                                           const char *client,
                                           const char *text,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* field: "started_at" / "finished_at" (value: ms as decimal string) or "service" */
gboolean    care_store_amend_visit        (CareStore  *self,
                                           const char *visit,
                                           const char *field,
                                           const char *new_value,
                                           const char *reason,
                                           GError    **error);
gboolean    care_store_amend_note         (CareStore  *self,
                                           const char *note,
                                           const char *new_text,
                                           const char *reason,
                                           GError    **error);
gboolean    care_store_retract_note       (CareStore  *self,
                                           const char *note,
                                           const char *reason,
                                           GError    **error);
char       *care_store_add_hours          (CareStore  *self,
                                           const char *kind,
                                           const GDate *date,
                                           int         minutes,
                                           const char *comment,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* A correction of one of this member's manual hours entries: the entry's
 * new kind, date, minutes (0 withdraws it) and comment, and why. */
gboolean    care_store_correct_hours      (CareStore  *self,
                                           const char *entry,
                                           const char *kind,
                                           const GDate *date,
                                           int         minutes,
                                           const char *comment,
                                           const char *reason,
                                           GError    **error);
gboolean    care_store_cancel_visit       (CareStore  *self,
                                           const char *visit,     /* or NULL */
                                           const char *schedule,  /* or NULL */
                                           const char *reason,
                                           GError    **error);
char       *care_store_add_review         (CareStore  *self,
                                           const char *action,    /* approve | query | flag */
                                           const char *visit,     /* or NULL for a timesheet */
                                           const char *carer,     /* timesheet */
                                           const char *week,      /* timesheet, "2026-W47" */
                                           const char *message,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_store_answer_query       (CareStore  *self,
                                           const char *review,
                                           const char *message,
                                           GError    **error);

/* Queries --------------------------------------------------------------- */

/* Scheduled and actual visits of a carer whose (planned or actual) start
 * falls on the given day in the co-op's time zone; ordered by time. */
GPtrArray  *care_store_list_day           (CareStore   *self,
                                           const char  *carer,
                                           const GDate *day,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Supervisor listing over indexed derived tables; never loads everything.
 * Newest first. With exceptions_first: visits with a safeguarding note
 * first, then other visits with any flag (including missed), then the rest,
 * each group newest first. */
GPtrArray  *care_store_list_visits        (CareStore             *self,
                                           const CareVisitFilter *filter,
                                           GError               **error) G_GNUC_WARN_UNUSED_RESULT;
/* Number of visits per exception flag (index = bit number) for a filter. */
gboolean    care_store_count_exceptions   (CareStore             *self,
                                           const CareVisitFilter *filter,
                                           gint64                 counts[7],
                                           GError               **error);
/* visit: a visit id, or a scheduled visit not started as "schedule:ID" (a
 * bare schedule id is also accepted when no visit has that id). */
CareVisitDetail *care_store_get_visit     (CareStore  *self,
                                           const char *visit,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* The review id of the visit's open query (what care_store_answer_query
 * needs), or NULL when no query is open. */
char       *care_store_get_open_review    (CareStore  *self,
                                           const char *visit) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray  *care_store_search_notes       (CareStore  *self,
                                           const char *query,
                                           guint       limit,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* What a supervisor should know before approving a carer's week: open
 * queries, exceptions nobody has reviewed, days still to come; one
 * translated sentence each (an empty list when there is nothing). */
char      **care_store_week_approval_warnings (CareStore  *self,
                                               const char *carer,
                                               int         iso_year,
                                               int         iso_week,
                                               GError    **error) G_GNUC_WARN_UNUSED_RESULT;
CareWeekHours *care_store_get_week_hours  (CareStore  *self,
                                           const char *carer,
                                           int         iso_year,
                                           int         iso_week,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* Clients assigned to a carer (all clients for NULL), as CareEvent-free
 * pairs: the array holds char* ids; names through care_store_get_client_name. */
GPtrArray  *care_store_list_clients       (CareStore  *self,
                                           const char *carer,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
char       *care_store_get_client_name    (CareStore  *self,
                                           const char *client) G_GNUC_WARN_UNUSED_RESULT;
/* The client's address, or NULL when the client is unknown. */
char       *care_store_get_client_address (CareStore  *self,
                                           const char *client) G_GNUC_WARN_UNUSED_RESULT;
char       *care_store_get_member_name    (CareStore  *self,
                                           const char *member) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_store_get_outbox_counts  (CareStore        *self,
                                           CareOutboxCounts *counts,
                                           GError          **error);
/* Local events not yet acknowledged (pending and quarantined), seq order. */
GPtrArray  *care_store_list_outbox        (CareStore *self,
                                           guint      limit,
                                           GError   **error) G_GNUC_WARN_UNUSED_RESULT;

/* The sync state of one record, and for a quarantined one the co-op's
 * reason (*reason may be NULL). Unknown ids give CARE_SYNC_LOCAL and
 * CARE_STORE_ERROR_NOT_FOUND. */
CareSyncState care_store_get_event_sync   (CareStore  *self,
                                           const char *event_id,
                                           char      **reason,
                                           GError    **error);

/* Sync-facing API ------------------------------------------------------- */

/* Local events with seq > after_seq in sequence order (pending ones only,
 * quarantined ones are skipped), at most limit; read to be sent, their
 * bodies as text (CareEvent's body_text; care_event_ensure_body parses
 * one). */
GPtrArray  *care_store_read_unsent        (CareStore *self,
                                           gint64     after_seq,
                                           guint      limit,
                                           GError   **error) G_GNUC_WARN_UNUSED_RESULT;
/* The highest sequence number the co-op acknowledged and the highest this
 * device wrote: what care_store_get_outbox_counts gives as acked_seq and
 * last_seq, without counting the outbox (two index lookups, for the sync
 * daemon's every batch). */
gboolean    care_store_get_sync_position  (CareStore *self,
                                           gint64    *acked_seq,
                                           gint64    *last_seq,
                                           GError   **error);
/* Marks this device's events with seq <= seq as acknowledged. Never moves
 * the acknowledged sequence backwards (see care_store_reset_acked), nor
 * beyond the last sequence this device has written. */
gboolean    care_store_mark_acked         (CareStore *self,
                                           gint64     seq,
                                           GError   **error);
/* When the co-op received a run of this device's events (seq first_seq to
 * last_seq): a push answer's "q", in ms since the epoch. */
typedef struct
{
  gint64 first_seq;
  gint64 last_seq;
  gint64 received;
} CareReceipt;

/* care_store_mark_acked (nothing when seq <= 0) and, in the same
 * transaction, the receive time of each receipt's events whose time is not
 * known yet (the first time learnt is kept). */
gboolean    care_store_mark_acked_received (CareStore         *self,
                                            gint64             seq,
                                            const CareReceipt *receipts,
                                            guint              n_receipts,
                                            GError           **error);
/* The server is behind this device (restored from a backup): everything
 * after seq becomes pending again, to be re-sent. */
gboolean    care_store_reset_acked        (CareStore *self,
                                           gint64     seq,
                                           GError   **error);
/* The co-op refused the record (code: its push code, "held" for a record
 * it holds behind an earlier refused one; NULL: unknown) for reason. */
gboolean    care_store_quarantine         (CareStore  *self,
                                           const char *event_id,
                                           const char *code,
                                           const char *reason,
                                           GError    **error);
/* Applies server records (any device's events, roster records) and sets the
 * pull cursor, in one transaction. Idempotent: events already present are
 * skipped (this device's own events, which a server from before "no echo"
 * sends back, are marked synced); the
 * same page twice changes nothing. Events may arrive in any order; derived
 * state does not depend on it. A record failing validation is skipped (and
 * logged) rather than failing the page. */
gboolean    care_store_apply_page         (CareStore  *self,
                                           GPtrArray  *events,    /* CareEvent */
                                           const char *cursor,
                                           GError    **error);
char       *care_store_get_pull_cursor    (CareStore *self) G_GNUC_WARN_UNUSED_RESULT;
/* The server lost our cursor: drop it (server-owned data is re-fetched;
 * local unsent records are kept). */
gboolean    care_store_reset_pull_cursor  (CareStore *self,
                                           GError   **error);

/* Result types ---------------------------------------------------------- */

CareVisitSummary *care_visit_summary_copy (const CareVisitSummary *summary) G_GNUC_WARN_UNUSED_RESULT;
void care_visit_summary_free (CareVisitSummary *summary);
void care_visit_detail_free  (CareVisitDetail *detail);
void care_note_hit_free      (CareNoteHit *hit);
void care_week_hours_free    (CareWeekHours *week);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareVisitSummary, care_visit_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareVisitDetail, care_visit_detail_free)

/* A family member's message to the co-ordinators (message.sent). */
typedef struct
{
  char *id;
  char *client;
  char *client_name;       /* NULL when this device does not know the client */
  char *author;
  char *author_name;       /* NULL when this device does not know the member */
  gint64 wall;
  char *text;
} CareFamilyMessage;

void care_family_message_free (CareFamilyMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareFamilyMessage, care_family_message_free)

/* The families' messages this device holds, newest first, at most limit
 * (CareFamilyMessage). */
GPtrArray  *care_store_list_messages      (CareStore  *self,
                                           guint       limit,
                                           GError    **error) G_GNUC_WARN_UNUSED_RESULT;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareNoteHit, care_note_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareWeekHours, care_week_hours_free)

G_END_DECLS
