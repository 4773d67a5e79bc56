/* care-store-private.h: what the parts of CareStore share.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is split by concern: care-store.c (open, migrations, meta,
 * identity), care-store-write.c (local appends and the rules),
 * care-store-derive.c (derived state), care-store-query.c (queries) and
 * care-store-sync.c (the sync-facing API). Each keeps its own SQL at its top.
 */
#pragma once

#include <sqlite3.h>

#include "care-store.h"
#include "care-id.h"
#include "care-hlc.h"

G_BEGIN_DECLS

struct _CareStore
{
  GObject parent_instance;

  sqlite3 *db;
  char *path;
  char *device;
  char *member;
  CareRole role;
  CareClockFunc clock;
  gpointer clock_data;
  GHashTable *stmts;        /* SQL text (static) → sqlite3_stmt */
  int session_fd;           /* the session lock file, see care-store.c */
  CareStore *sibling_of;    /* care_store_open_sibling: the store it was opened beside */
  guint in_transaction;
};

/* Sync state values as stored in events.sync. */
#define SYNC_LOCAL 0
#define SYNC_SYNCED 1
#define SYNC_QUARANTINED 2
/* Refused records put right (docs/sync-protocol.md, "Refused records"):
 * set aside (corrected, or dismissed by a co-ordinator: sync_code says
 * which, sync_reason the correction's id or the co-ordinator's words), and
 * held by the co-op behind an earlier refused record of the same visit.
 * A set-aside record no longer counts in the visit it is about. */
#define SYNC_SET_ASIDE 3
#define SYNC_HELD 4

/* Visit base states as stored in visits.base. */
#define BASE_SCHEDULED 0
#define BASE_IN_PROGRESS 1
#define BASE_DONE 2
#define BASE_CANCELLED 3

#define EVENT_COLUMNS "id, device, seq, author, hlc, wall, type, body, sync, received_at, link"

/* A cached statement, reset (and its bindings cleared) when it goes out of
 * scope, so that no statement keeps a read transaction open. */
typedef sqlite3_stmt CareStmt;
static inline void
care_stmt_release (CareStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareStmt, care_stmt_release)

#define CARE_STORE_SCHEMA_VERSION 10

/* care-store.c: statements and errors. */
/* The SQL of one schema migration (1..CARE_STORE_SCHEMA_VERSION). */
const char   *care_store_migration_sql (int version);
sqlite3_stmt *care_store_stmt          (CareStore   *self,
                                        const char  *sql,
                                        GError     **error);
/* sqlite3_step with the error mapped; returns SQLITE_ROW, SQLITE_DONE or 0. */
int           care_store_step          (CareStore    *self,
                                        sqlite3_stmt *stmt,
                                        GError      **error);
/* Runs a statement with no result rows to completion. */
gboolean      care_store_run           (CareStore    *self,
                                        sqlite3_stmt *stmt,
                                        GError      **error);
gboolean      care_store_exec          (CareStore   *self,
                                        const char  *sql,
                                        GError     **error);
gboolean      care_store_set_error     (CareStore   *self,
                                        int          rc,
                                        GError     **error);
gboolean      care_store_begin         (CareStore   *self,
                                        GError     **error);
gboolean      care_store_commit        (CareStore   *self,
                                        GError     **error);
void          care_store_rollback      (CareStore   *self);
void          care_store_bind_text     (sqlite3_stmt *stmt,
                                        int           index,
                                        const char   *text);
char         *care_store_column_dup    (sqlite3_stmt *stmt,
                                        int           column);
/* A CareEvent from the EVENT_COLUMNS starting at column; sync (optional)
 * receives the stored sync state. */
CareEvent    *care_store_event_from_row (sqlite3_stmt *stmt,
                                         int           column,
                                         int          *sync);
/* The same for a record read to be sent: its body left as text
 * (CareEvent's body_text). */
CareEvent    *care_store_event_to_send_from_row (sqlite3_stmt *stmt,
                                                 int           column);
char         *care_store_format_time   (CareStore *self,
                                        gint64     ms) G_GNUC_WARN_UNUSED_RESULT;
/* [start, end) of a day in the co-op's time zone, in ms. */
void          care_store_day_bounds    (GTimeZone   *tz,
                                        const GDate *day,
                                        gint64      *start,
                                        gint64      *end);

/* care-store-write.c: the hash of the stored record (device, seq), from
 * its stored hash or (before the chain) recomputed; NULL when the store
 * does not hold it. */
char         *care_store_chain_hash    (CareStore  *self,
                                        const char *device,
                                        gint64      seq,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* care-store-derive.c */
typedef struct _CareDirty CareDirty;
CareDirty    *care_dirty_new           (void);
void          care_dirty_free          (CareDirty *dirty);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareDirty, care_dirty_free)
/* Inserts an event (already validated) and updates derived state now or
 * marks it dirty for care_store_derive_flush. *inserted is FALSE when the
 * event was already present (by id; a server copy then marks it synced) or
 * another event holds its (device, seq). Needs an open transaction. */
gboolean      care_store_insert_event  (CareStore       *self,
                                        const CareEvent *event,
                                        int              sync,
                                        CareDirty       *dirty,
                                        gboolean        *inserted,
                                        GError         **error);
/* Marks a visit for recomputation at the next care_store_derive_flush. */
void          care_dirty_add_visit     (CareDirty  *dirty,
                                        const char *visit);
gboolean      care_store_derive_flush  (CareStore *self,
                                        CareDirty *dirty,
                                        GError   **error);
/* Recomputes every derived table from the events (migrations, repair). */
gboolean      care_store_rebuild_derived (CareStore *self,
                                          GError   **error);
/* A canonical text dump of every derived table (tests). */
char         *care_store_dump_derived  (CareStore *self,
                                        GError   **error) G_GNUC_WARN_UNUSED_RESULT;
/* All events of a visit in (hlc, device, seq) order. */
GPtrArray    *care_store_load_visit_events (CareStore  *self,
                                            const char *visit,
                                            GArray     *syncs,
                                            GError    **error);
/* The hours.added records of a manual hours entry, in the log's order. */
GPtrArray    *care_store_load_entry_events (CareStore  *self,
                                            const char *entry,
                                            GError    **error);
/* Whether an approval (a review.added body) still holds for records ids
 * (the ids of what makes the visit or week now): every one is named in its
 * "saw"; for an approval without "saw", unless changed_after. */
gboolean      care_review_saw_all      (JsonObject *approval,
                                        GPtrArray  *ids,
                                        gboolean    changed_after);
/* The ids of the records that make a carer's ISO week (what a timesheet
 * approval names in "saw"), sorted. */
GPtrArray    *care_store_week_record_ids (CareStore  *self,
                                          const char *carer,
                                          int         iso_year,
                                          int         iso_week,
                                          GError    **error);
/* The care plan of a client: a JsonArray of tasks, or NULL. */
JsonArray    *care_store_load_careplan (CareStore  *self,
                                        const char *client,
                                        GError    **error);

G_END_DECLS

G_BEGIN_DECLS
/* Every event in the store, in insertion order (tests and tools). */
GPtrArray    *care_store_list_all_events (CareStore *self,
                                          GError   **error);
G_END_DECLS
