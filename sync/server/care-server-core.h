/* care-server-core.h: the co-op server's judgement, independent of its store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Authentication, the push's sequence and idempotency checks, strict input,
 * authorisation and the care-log rules (through app/care-rules.c), and the
 * device's scope are decided here; the store (care-server-store.h) only
 * reads and writes what the core asks for, inside the transaction the core
 * opens. A PostgreSQL store is therefore a data layer only.
 * docs/sync-protocol.md ("The rule book") is the description for people.
 */
#pragma once

#include <glib.h>

#include "care-server-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *member;
  char *member_name;
  CareRole role;
  gint64 acked_seq;
  gint64 scope_version;
  gint64 pulled_pos;
} CareServerAuth;

void     care_server_auth_clear          (CareServerAuth *auth);

/* What a device receives (docs/sync-protocol.md, "Scopes"). The core
 * decides it; the store turns it into its query:
 *   CARE_SCOPE_COOP   every record of the co-op;
 *   CARE_SCOPE_CARER  the member's own records, member.set for every member,
 *                     client.set, careplan.set and schedule.set for the
 *                     clients assigned to it, assignment.set, schedule.set
 *                     and review.added naming it, and the notes others
 *                     wrote on its visits whose readers include the team
 *                     (care_note_readers: not "coordinators"); never a
 *                     family member's member.set.
 *   CARE_SCOPE_FAMILY the member's own records and circle.set links; for
 *                     the clients in its circle: client.set, careplan.set,
 *                     the visits' records (check-in and out, tasks,
 *                     amendments, cancellations, verifications, answers to
 *                     disputes), the notes shared with the family; the
 *                     member.set of the carers who visited them. Nothing
 *                     else (no rota, no reviews, no other client, no
 *                     co-ordinator's or other family member's name).
 * version changes when the scope grows: a cursor from an older version is
 * no longer valid. A device is never sent its own records (no echo). */
typedef enum
{
  CARE_SCOPE_COOP,
  CARE_SCOPE_CARER,
  CARE_SCOPE_FAMILY,
} CareScopeKind;

typedef struct
{
  CareScopeKind kind;
  const char *member;     /* CARE_SCOPE_CARER: whose; owned by the auth */
  gint64 version;
} CareScope;

CareScope care_server_core_scope         (const CareServerAuth *auth);

/* Checks key against the device's stored row (constant time), then
 * revocation and the member's status. Fills auth on success; the error is
 * CARE_SYNC_ERROR_UNAUTHORIZED with a sentence, or for a revoked tablet
 * what it must do (CARE_SYNC_ERROR_REMOVED: erase now; _RETIRED: deliver,
 * then erase). A retiring tablet may still push (pushing TRUE): delivering
 * is what it is asked to do. row NULL: unknown device. */
gboolean care_server_core_check_device   (const CareDeviceRow *row,
                                          const char          *key,
                                          gboolean             pushing,
                                          CareServerAuth      *auth,
                                          GError             **error);

/* The cheap check the HTTP layer makes before it decompresses or parses a
 * body: one store lookup and the key comparison (a retiring tablet passes:
 * its pull is refused by the pull itself). */
gboolean care_server_core_authenticate   (CareServerStore *store,
                                          const char      *device,
                                          const char      *key,
                                          CareServerAuth  *auth,
                                          GError         **error);

/* Hashes a decoded push's records as the chain will link them, where that
 * does not depend on the store (all but a batch's first record without
 * "l"), so that the writer does not: on the thread that decoded it. */
void     care_server_core_prehash        (CarePushRequest *request);
/* The query of a client's latest records of one type (client_records):
 * CARE_SQL_CLIENT_ROSTER for the roster types, which have an index. */
const char *care_server_core_client_records_sql (CareEventType type);

/* Group commit of pushes: every job in one transaction, a savepoint per
 * job so that one job's failure leaves the others alone. Fills in each
 * job's answer. Returns FALSE (and sets every job's error) when the commit
 * itself failed: nothing was stored. */
gboolean care_server_core_push           (CareServerStore *store,
                                          CarePushJob    **jobs,
                                          guint            n_jobs);

/* A co-ordinator's answer to a refused record (docs/sync-protocol.md,
 * "Refused records"): accept stores it as the tablet sent it (only a
 * record refused for its time, its content or its writer's rights, whose
 * id is still free); dismiss leaves it out for good. Either way the
 * records held behind it are judged again, and the device is told in a
 * refusal.resolved record. reason: the co-ordinator's words (required);
 * by: who answers (a member id). On FALSE, error says why in a sentence
 * (CARE_SERVER_ERROR_INVALID: the answer does not apply; _IO: the store
 * failed, nothing changed). */
gboolean care_server_core_resolve_refusal (CareServerStore *store,
                                           const char      *device,
                                           gint64           seq,
                                           gboolean         accept,
                                           const char      *reason,
                                           const char      *by,
                                           GError         **error);


/* The derived tables (visits, reviews, assignments, schedules, members,
 * clients, readership) that the rules and the scopes read, kept by the core
 * through the store's SQL runner over care-server-sql.h's statements: the
 * rules of what a record changes live once, whatever the store. */
typedef struct
{
  /* Runs one statement with n text parameters (NULL: SQL NULL); returns
   * the number of rows it changed, -1 when it failed. */
  gint64   (*exec) (gpointer            conn,
                    const char         *sql,
                    guint               n,
                    const char * const *params);
  /* The first row's two text columns of a query with one parameter;
   * FALSE: no row. */
  gboolean (*pair) (gpointer            conn,
                    const char         *sql,
                    const char         *param,
                    char              **a,
                    char              **b);
} CareServerSql;

/* What the core remembers inside one write transaction, so that it asks
 * the store less: for a client and carer, a visit of theirs it knows to be
 * in the visits table (then another visit of theirs is not the pair's
 * first). A store keeps one with its write transaction and forgets it
 * whenever the transaction's writes may be undone (a rollback, whole or to
 * a savepoint); NULL: every question goes to the store. */
typedef struct _CareServerMemo CareServerMemo;

CareServerMemo *care_server_memo_new    (void);
void            care_server_memo_forget (CareServerMemo *memo);
void            care_server_memo_free   (CareServerMemo *memo);

/* The client a record is about and the carer it concerns, as far as the
 * co-op knows (either may be NULL): the events table's client and carer
 * columns, which the scopes read. */
void     care_server_core_resolve        (const CareServerSql *sql,
                                          gpointer             conn,
                                          const CareEvent     *e,
                                          char               **client,
                                          char               **carer);
/* Updates the derived tables for a record just stored (client and carer
 * as resolved), with the transaction's memo (or NULL); FALSE when the
 * store failed. */
gboolean care_server_core_apply          (const CareServerSql *sql,
                                          gpointer             conn,
                                          CareServerMemo      *memo,
                                          const CareEvent     *e,
                                          const char          *client,
                                          const char          *carer);

/* Whether a tablet may enrol with a code (POST /v1/enrol), from the code's
 * row (found, when it expires and was used, ms; whether its member is
 * active) and, for a tablet taken back under its own id, whether the co-op
 * knows that id already (only an unknown id can be taken back: a known one
 * belongs to an enrolled or revoked tablet). FALSE with
 * CARE_SYNC_ERROR_ENROLMENT and a sentence. */
gboolean care_server_core_check_enrolment (gboolean  found,
                                           gint64    expires,
                                           gint64    used,
                                           gboolean  member_active,
                                           gint64    now,
                                           gboolean  device_known,
                                           GError  **error);

/* A pull page (docs/sync-protocol.md, "Pull"), around the store's query:
 * begin authenticates the device from its row (read in the page's
 * snapshot), refuses a tablet ahead of the co-op (server-behind) and a
 * cursor that is not valid for this epoch, position (at most max_pos, the
 * snapshot's highest) and scope version, then writes the page's head into
 * out; *scope and *pos say what to read. The scope's member is owned by
 * auth. end writes the page's cursor (ending at last) and tail. */
gboolean care_server_core_pull_begin     (const CareDeviceRow   *row,
                                          const char            *key,
                                          const CarePullRequest *request,
                                          const char            *epoch,
                                          gint64                 max_pos,
                                          CareServerAuth        *auth,
                                          CareScope             *scope,
                                          gint64                *pos,
                                          GString               *out,
                                          GError               **error);
void     care_server_core_pull_end       (GString               *out,
                                          const char            *epoch,
                                          const CareScope       *scope,
                                          gint64                 last,
                                          gboolean               more);

/* A new co-op record (device "coop", the next of coop_seq, the co-op's
 * clock), validated like any record; the store adds its link and stores
 * it. NULL with CARE_SERVER_ERROR_INVALID: the body is not a valid one. */
CareEvent *care_server_core_coop_record  (CareEventType          type,
                                          JsonObject            *body,
                                          const char            *author,
                                          const char            *coop_seq,
                                          GError               **error);

/* client_records: reading bodies newest first, keeps one per distinct
 * value of KEY (the first seen), in out. */
void     care_server_core_keep_latest    (GHashTable            *seen,
                                          const char            *body,
                                          const char            *key,
                                          GPtrArray             *out);

/* A restore's recovery rules, whatever the store (docs/sync-protocol.md,
 * "Recovery"), inside the transaction in which the store has just put the
 * backup's data in place: a new epoch (every cursor is answered
 * "cursor-invalid"), the co-op's own numbering moved past anything a tablet
 * may hold, and from DIR's device journal the tablets enrolled after the
 * backup re-admitted and those revoked after it revoked again. summary gets
 * sentences for the administrator. The restore is journalled before the
 * caller commits. */
gboolean care_server_core_restored       (const CareServerSql *sql,
                                          gpointer             conn,
                                          const char          *dir,
                                          GString             *summary,
                                          GError             **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CareServerAuth, care_server_auth_clear)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerMemo, care_server_memo_free)

G_END_DECLS
