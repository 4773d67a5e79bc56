/* care-server-store.h: the co-op server's storage interface.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP layer (care-server.c) and the administration commands
 * (care-server-admin.c) only talk to this interface. The SQLite
 * implementation is care-server-sqlite.c; a PostgreSQL one can be added
 * behind the same vtable. Every function may be called from any thread;
 * writes are serialised by the implementation, reads may run in parallel.
 *
 * Request-level failures use the CARE_SYNC_ERROR domain (they become HTTP
 * answers); administration failures use CARE_SERVER_ERROR.
 */
#pragma once

#include <glib.h>

#include "care-event.h"
#include "care-verify.h"
#include "care-protocol.h"

G_BEGIN_DECLS

#define CARE_SERVER_ERROR (care_server_error_quark ())
GQuark care_server_error_quark (void);

typedef enum
{
  CARE_SERVER_ERROR_INVALID,     /* bad argument: the message says which */
  CARE_SERVER_ERROR_NOT_FOUND,   /* unknown member, client, device, ... */
  CARE_SERVER_ERROR_EXISTS,
  CARE_SERVER_ERROR_IO,          /* the database could not be read or written */
  CARE_SERVER_ERROR_BUSY,
} CareServerError;

typedef struct _CareServerStore CareServerStore;
typedef struct _CareServerStoreVTable CareServerStoreVTable;
/* A write transaction the core opened (care-server-core.c). */
typedef struct _CareServerTx CareServerTx;

/* What a revoked tablet does at its next contact (docs/privacy.md). */
typedef enum
{
  CARE_REVOKE_REFUSE,     /* revoked before erasing existed: only refused */
  CARE_REVOKE_ERASE,      /* erase the co-op's care data at once */
  CARE_REVOKE_RETIRE,     /* deliver what it still holds, then erase */
} CareRevokeMode;

/* A device's row, as the core needs it to authenticate. */
typedef struct
{
  char *key_hash;         /* SHA-256 of the key, hex */
  gboolean revoked;
  char *member;
  char *member_name;
  CareRole role;
  gboolean member_active;
  gint64 acked_seq;
  gint64 scope_version;
  gint64 pulled_pos;      /* where the device's latest pull page ended */
  CareRevokeMode revoke_mode;
  char *head;             /* hash of its record acked_seq; NULL = not known yet (before the chain) */
  char *sign_key;         /* its Ed25519 public key, base64url; NULL = none registered */
} CareDeviceRow;

/* A stored record and its position. */
typedef struct
{
  CareEvent *event;
  gint64 pos;
} CareStoredEvent;

/* One push, as handed to the store; the store fills in the answer. */
typedef struct
{
  char *device;
  char *key;
  CarePushRequest *request;
  /* out */
  GError *error;          /* request-level: 401, 503 ... */
  gint64 acked_seq;
  gint64 expected_seq;    /* on a gap */
  gint64 received;        /* the server's receive time (ms) of the batch */
  GString *results;       /* the "r" array's elements, comma-separated */
  guint accepted, duplicates, rejected;
} CarePushJob;

typedef struct
{
  char *device;
  char *member;
  char *name;
  CareRole role;
  gboolean revoked;
  CareRevokeMode revoke_mode;
  gint64 erased;          /* when the tablet confirmed it erased the co-op's data; 0 = not yet */
  char *storage;          /* its data folder, as it last said (Carelog-Storage); NULL = never said */
  gint64 enrolled;
  gint64 last_contact;
  gint64 acked_seq;
  gint64 pending;         /* records in scope not yet pulled */
  gint64 rejected;
} CareDeviceInfo;

typedef struct
{
  char *device;
  char *key;
  char *member;
  char *name;
  CareRole role;
  char *timezone;
} CareEnrolResult;

/* A refused record, as the rejections log holds it. */
typedef struct
{
  char *device;
  char *member;
  gint64 seq;
  char *id;               /* NULL when the record had none */
  char *code;
  char *message;
  gint64 at;
  /* Refused records put right (docs/sync-protocol.md, "Refused records"):
   * the record as the tablet sent it (NULL: it did not decode, or was
   * refused before the co-op kept refused records), what it is about, its
   * state ("open", "held" behind the refused record "behind", or resolved:
   * "corrected", "accepted", "dismissed", "released"), and for a resolved
   * one how (the correction's id or the co-ordinator's reason), by whom
   * and when. */
  CareEvent *record;
  char *subject;
  char *state;
  char *behind;
  char *resolution;
  char *resolved_by;
  gint64 resolved_at;
} CareRejection;

struct _CareServerStoreVTable
{
  void      (*close)         (CareServerStore *self);

  /* The device's row, read outside any transaction: one indexed lookup,
   * done before a request's body is read. NULL without error: unknown
   * device; NULL with error: the database cannot be read. */
  CareDeviceRow *(*lookup_device) (CareServerStore *self,
                                   const char      *device,
                                   GError         **error);

  /* The write transaction of a group of pushes (one writer at a time):
   * begin takes the write lock, commit or rollback releases it. A savepoint
   * per push; rollback_savepoint undoes that push only. */
  CareServerTx *(*tx_begin)  (CareServerStore *self,
                              GError         **error);
  gboolean  (*tx_commit)     (CareServerTx    *tx,
                              GError         **error);
  void      (*tx_rollback)   (CareServerTx    *tx);
  void      (*tx_savepoint)  (CareServerTx    *tx);
  void      (*tx_rollback_savepoint) (CareServerTx *tx);
  void      (*tx_release_savepoint)  (CareServerTx *tx);
  /* Reads inside the transaction (they see its own writes). */
  CareDeviceRow *(*tx_device) (CareServerTx   *tx,
                               const char     *device);
  /* Optional: the record ids a push carries and the subjects of its new
   * records, told before its records are judged, so that a store across a
   * network reads what tx_event, tx_history, tx_open_refusal and the
   * visits' lookups will ask in a few statements instead of one round
   * trip per record (the answers must stay those of the calls). */
  void      (*tx_expect)     (CareServerTx       *tx,
                              const char         *device,
                              const char * const *ids,
                              guint               n_ids,
                              const char * const *subjects,
                              guint               n_subjects);
  /* The stored record with this id, or NULL. */
  CareEvent *(*tx_event)     (CareServerTx    *tx,
                              const char      *id);
  /* The records about subject (care_event_get_subject: a visit, an hours
   * entry, ...) whose types are in types (a bit per CareEventType), as
   * CareStoredEvent in position order. */
  GPtrArray *(*tx_history)   (CareServerTx    *tx,
                              const char      *subject,
                              guint            types);
  gboolean  (*tx_is_assigned) (CareServerTx   *tx,
                               const char     *client,
                               const char     *carer);
  /* The carer whose rota a scheduled visit is on (NULL: no such visit). */
  char     *(*tx_schedule_carer) (CareServerTx *tx,
                                  const char   *schedule);
  /* A review's action and the carer it concerns; FALSE: no such review. */
  gboolean  (*tx_review)     (CareServerTx    *tx,
                              const char      *review,
                              char           **action,
                              char           **carer);
  /* Stores an accepted record (received: the server's clock, ms; hash:
   * its hash when the caller has it, else NULL: computed when the record
   * has a link). */
  gboolean  (*tx_insert)     (CareServerTx    *tx,
                              const CareEvent *event,
                              gint64           received,
                              const char      *hash);
  /* Logs a refusal in the co-op's rejections log; hash: the refused
   * record's (the device's chain goes through it), NULL when it did not
   * decode; record: the record itself (NULL: it did not decode); subject:
   * what later records it holds back are about (NULL: it holds none back);
   * behind: the refused record this one is held behind (state "held"),
   * NULL for an open refusal. */
  gboolean  (*tx_reject)     (CareServerTx    *tx,
                              const char      *device,
                              gint64           seq,
                              const char      *id,
                              const char      *hash,
                              const char      *code,
                              const char      *message,
                              gint64           at,
                              const CareEvent *record,
                              const char      *subject,
                              const char      *behind);
  /* The device's earliest open refusal about subject (a record it must
   * put right before its later records about subject are taken), or NULL. */
  CareRejection *(*tx_open_refusal) (CareServerTx *tx,
                                     const char   *device,
                                     const char   *subject);
  /* The device's refusal of its record seq (or, seq 0, of the record id). */
  CareRejection *(*tx_refusal) (CareServerTx *tx,
                                const char   *device,
                                gint64        seq,
                                const char   *id);
  /* The device's records held behind its refused record id, seq order. */
  GPtrArray *(*tx_held_behind) (CareServerTx *tx,
                                const char   *device,
                                const char   *id);
  /* Sets where a refusal stands (state as CareRejection says). */
  gboolean  (*tx_resolve_refusal) (CareServerTx *tx,
                                   const char   *device,
                                   gint64        seq,
                                   const char   *state,
                                   const char   *resolution,
                                   const char   *resolved_by,
                                   gint64        at);
  /* A co-op record (like append_server_record), inside tx. */
  gboolean  (*tx_append_server_record) (CareServerTx  *tx,
                                        CareEventType  type,
                                        JsonObject    *body,
                                        const char    *author,
                                        GError       **error);
  /* The device's last accepted sequence, contact time, refusals and chain
   * head (the hash of its record acked_seq; NULL: unknown); and its run of
   * own positions (CARE_SQL_OWN_RANGE) by the records of sequences
   * (from_seq, acked_seq] this push stored. */
  gboolean  (*tx_update_device) (CareServerTx *tx,
                                 const char   *device,
                                 gint64        from_seq,
                                 gint64        acked_seq,
                                 gint64        contact,
                                 gint64        rejected,
                                 const char   *head);
  /* The hash of the device's record seq, stored or refused (recomputed for
   * a record stored before the chain); NULL when the co-op has none. */
  char     *(*tx_record_hash) (CareServerTx *tx,
                               const char   *device,
                               gint64        seq);
  /* Registers the device's Ed25519 public key (it has none yet). */
  gboolean  (*tx_set_sign_key) (CareServerTx *tx,
                                const char   *device,
                                const char   *sign_key);
  /* Keeps a push's signature of the head it extended: the device's
   * record seq, whose hash is head. */
  gboolean  (*tx_add_signature) (CareServerTx *tx,
                                 const char   *device,
                                 gint64        seq,
                                 const char   *head,
                                 const char   *signature,
                                 gint64        at);
  /* Appends the complete pull response body to out; sent_pos is the
   * position the page ends at (the one its returned cursor carries). */
  gboolean  (*pull)          (CareServerStore *self,
                              const char      *device,
                              const char      *key,
                              const CarePullRequest *request,
                              GString         *out,
                              gint64          *server_acked,
                              gint64          *sent_pos,
                              GError         **error);
  /* Records a device's contact after a pull (cheap, best effort):
   * pulled_pos is where the page it was sent ends. */
  void      (*touch)         (CareServerStore *self,
                              const char      *device,
                              gint64           pulled_pos);
  /* device: NULL for a new tablet; or the id a tablet already has, which
   * the co-op does not know (restored from a backup made before it was
   * enrolled, without the device journal): it is taken back under it. */
  CareEnrolResult *(*enrol)  (CareServerStore *self,
                              const char      *code,
                              const char      *name,
                              const char      *device,
                              GError         **error);

  /* Administration. */
  gboolean  (*append_server_record) (CareServerStore *self,
                                     CareEventType    type,
                                     JsonObject      *body,
                                     const char      *author,
                                     GError         **error);
  /* Several co-op records in one transaction: all are stored, or none. */
  gboolean  (*append_server_records) (CareServerStore     *self,
                                      const CareEventType *types,
                                      JsonObject         **bodies,
                                      guint                n,
                                      const char          *author,
                                      GError             **error);
  /* The latest body (by hlc, device, seq) of each TYPE record about CLIENT,
   * one per distinct value of its body's KEY member (e.g. the latest
   * schedule.set of each of the client's schedules). */
  GPtrArray *(*client_records) (CareServerStore *self,
                                CareEventType    type,
                                const char      *client,
                                const char      *key);
  /* The client of a scheduled visit, or NULL when the rota has no such visit. */
  char     *(*schedule_client) (CareServerStore *self,
                                const char      *schedule);
  gboolean  (*member_exists) (CareServerStore *self,
                              const char      *member,
                              CareRole        *role,
                              char           **name);
  gboolean  (*client_exists) (CareServerStore *self,
                              const char      *client);
  char     *(*create_enrolment) (CareServerStore *self,
                                 const char      *member,
                                 gint64           expires,
                                 GError         **error);
  gboolean  (*revoke_device) (CareServerStore *self,
                              const char      *device,
                              CareRevokeMode   mode,
                              GError         **error);
  /* Every record about CLIENT (its roster records, and every record of its
   * visits), one JSON object a line in the co-op's order, appended to out:
   * a subject-access request (docs/privacy.md). *count says how many. */
  gboolean  (*export_client) (CareServerStore *self,
                              const char      *client,
                              GString         *out,
                              guint           *count,
                              GError         **error);
  /* What a tablet says about its data folder (docs/privacy.md). */
  void      (*set_device_storage) (CareServerStore *self,
                                   const char      *device,
                                   const char      *storage);
  /* A revoked tablet says it has erased the co-op's care data. */
  gboolean  (*confirm_erased) (CareServerStore *self,
                               const char      *device,
                               const char      *key,
                               GError         **error);
  GPtrArray *(*list_devices) (CareServerStore *self,
                              GError         **error);
  /* The rejections log (CareRejection), oldest first; device NULL: all. */
  GPtrArray *(*list_rejections) (CareServerStore *self,
                                 const char      *device,
                                 GError         **error);
  char     *(*get_meta)      (CareServerStore *self,
                              const char      *key);
  gboolean  (*set_meta)      (CareServerStore *self,
                              const char      *key,
                              const char      *value,
                              GError         **error);
  /* Moves committed records from the log into the database; the server
   * calls it from its own thread so commits never wait for it. */
  void      (*checkpoint)    (CareServerStore *self);
  gboolean  (*backup)        (CareServerStore *self,
                              const char      *path,
                              GError         **error);
  /* Whether CARER is (actively) assigned to CLIENT. */
  gboolean  (*is_assigned)   (CareServerStore *self,
                              const char      *client,
                              const char      *carer);
  /* Feeds everything the co-op holds about its chains to a verifier
   * (app/care-verify.h): each device's key and latest record, refused
   * records' hashes, signatures, and every record in (device, seq) order.
   * It reads one snapshot; the server may be running. */
  gboolean  (*feed_verifier) (CareServerStore *self,
                              CareVerifier    *verifier,
                              GError         **error);
  /* Whether the database answers a query now (GET /v1/status, every
   * second): FALSE with a sentence in error when it does not. */
  gboolean  (*ping)          (CareServerStore *self,
                              GError         **error);
  /* Whether MEMBER exists and has not been deactivated. */
  gboolean  (*member_is_active) (CareServerStore *self,
                                 const char      *member);
  /* The co-op log (docs/verifying-records.md): its leaf hashes from leaf
   * `from` on, in one snapshot, 32 bytes each (*size: the log's size, so
   * size - from of them). Where a record is in it is found in the tree each
   * server process keeps (care-server-ledger.c). Records are appended to it by tx_insert and append_server_record(s),
   * in their transaction. */
  GBytes   *(*log_leaves)    (CareServerStore *self,
                              guint64          from,
                              guint64         *size,
                              GError         **error);
  /* The first signature device made over a head at or after seq (table
   * signatures): its seq, the head hash and the signature. FALSE: none. */
  gboolean  (*signed_head_after) (CareServerStore *self,
                                  const char      *device,
                                  gint64           seq,
                                  gint64          *head_seq,
                                  char           **head,
                                  char           **signature);
  /* Several server processes over one database (docs/deployment.md):
   * changed is called, from a thread of the store's, when another process
   * committed records, so that this one's waiting pulls look again.
   * changed NULL: no more calls (returns once none is under way). NULL
   * entry: the store has one serving process (SQLite). */
  void      (*watch)         (CareServerStore *self,
                              void           (*changed) (gpointer data),
                              gpointer         data);
};

struct _CareServerStore
{
  const CareServerStoreVTable *vtable;
};

/* The SQLite store in DIR/carelog.db. create: initialise a new directory. */
CareServerStore *care_server_sqlite_open    (const char *dir,
                                             gboolean    create,
                                             const char *timezone,
                                             GError    **error);
/* Replaces DIR's database with the backup at path, gives the co-op a new
 * epoch (every device's pull cursor is answered "cursor-invalid"), moves
 * the co-op's own record numbering past anything a tablet may hold, and
 * from DIR's device journal re-admits the tablets enrolled after the backup
 * and revokes again those revoked after it (care-server-journal.h).
 * summary: sentences for the administrator (may be empty). The server must
 * not be running. */
gboolean         care_server_sqlite_restore (const char *dir,
                                             const char *path,
                                             char      **summary,
                                             GError    **error);

void care_server_store_close  (CareServerStore *self);
void care_device_row_free     (CareDeviceRow *row);
void care_stored_event_free   (CareStoredEvent *stored);
void care_push_job_free       (CarePushJob *job);
void care_device_info_free    (CareDeviceInfo *info);
void care_rejection_free      (CareRejection *rejection);
void care_enrol_result_free   (CareEnrolResult *result);

/* Random ids and keys (getrandom). */
char *care_server_random_token (gsize n_bytes) G_GNUC_WARN_UNUSED_RESULT;
char *care_server_uuid7        (void) G_GNUC_WARN_UNUSED_RESULT;
/* Device ids the co-op hands out: "d-" and 12 base64url characters (72
 * random bits). A tablet that asks to be enrolled again under its own id
 * (docs/sync-protocol.md, Recovery) may name only an id of this form, never
 * "coop" (the co-op's own records) or an id it made up. */
char    *care_server_new_device_id      (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean care_server_device_id_is_valid (const char *device);
char *care_server_sha256_hex   (const char *text) G_GNUC_WARN_UNUSED_RESULT;

/* For the stores (care-server-store.c). A co-op's epoch (it changes at a
 * restore: cursors from before are invalid): 8 hex digits. */
char          *care_server_store_new_epoch          (void) G_GNUC_WARN_UNUSED_RESULT;
/* "erase", "retire"; NULL for CARE_REVOKE_REFUSE. */
const char    *care_revoke_mode_to_string           (CareRevokeMode mode);
CareRevokeMode care_revoke_mode_from_string         (const char    *mode);
/* An enrolment code as people type it (groups of four), and the hash the
 * store keeps; the hash of a code as a tablet sends it (case and dashes
 * do not matter). */
char          *care_server_store_new_enrolment_code (char         **code_hash) G_GNUC_WARN_UNUSED_RESULT;
char          *care_server_store_code_hash          (const char    *code) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerStore, care_server_store_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareDeviceRow, care_device_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarePushJob, care_push_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareDeviceInfo, care_device_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareEnrolResult, care_enrol_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareRejection, care_rejection_free)

G_END_DECLS
