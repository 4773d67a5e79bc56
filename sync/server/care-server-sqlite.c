/* care-server-sqlite.c: the co-op server's SQLite store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file, DIR/carelog.db, in WAL mode with synchronous=FULL: a COMMIT has
 * returned only once the records are on disk. One writer connection (group
 * commits from the server's writer thread, or an administration command in
 * another process, serialised by SQLite's lock and a busy timeout); a pool
 * of reader connections for pulls. All SQL is here, with bound parameters.
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sqlite3.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "care-private.h"
#include "care-chain.h"
#include "care-json.h"
#include "care-server-core.h"
#include "care-server-journal.h"
#include "care-server-log.h"
#include "care-server-sql.h"
#include "care-server-store.h"

#define SCHEMA_VERSION 13
#define BUSY_TIMEOUT_MS 10000

typedef struct
{
  sqlite3 *db;
  GHashTable *stmts;   /* const char *sql → sqlite3_stmt */
  /* The client and carer of the visit looked up or added last
   * (CARE_SQL_VISIT): a visit's records come one after another, and each
   * asked the visits table. Kept within a transaction only (forgotten by
   * every exec (): BEGIN, COMMIT, ROLLBACK, savepoints). */
  char *visit;
  char *visit_client;
  char *visit_carer;
  /* The core's memory of the write transaction (care_server_core_apply):
   * kept across its savepoints, forgotten by anything else exec () runs
   * (BEGIN, COMMIT, ROLLBACK, ROLLBACK TO). */
  CareServerMemo *memo;
} Conn;

static void
visit_forget (Conn *conn)
{
  g_clear_pointer (&conn->visit, g_free);
  g_clear_pointer (&conn->visit_client, g_free);
  g_clear_pointer (&conn->visit_carer, g_free);
}

static void
visit_remember (Conn       *conn,
                const char *visit,
                const char *client,
                const char *carer)
{
  g_clear_pointer (&conn->visit, g_free);
  g_clear_pointer (&conn->visit_client, g_free);
  g_clear_pointer (&conn->visit_carer, g_free);
  conn->visit = g_strdup (visit);
  conn->visit_client = g_strdup (client);
  conn->visit_carer = g_strdup (carer);
}

typedef struct
{
  CareServerStore parent;
  char *dir;
  char *path;
  GMutex write_lock;
  Conn *writer;
  GAsyncQueue *readers;
  Conn *checkpointer;
  char *epoch;
  /* The next page of the last big pull, built while the device reads the
   * page it has (a supervisor's initial sync is hundreds of pages). */
  GMutex cache_lock;
  struct _Prefetch *cache;
  GThreadPool *prefetcher;
} SqliteStore;

typedef struct _Prefetch
{
  char *device;
  CareScopeKind kind;
  char *member;      /* NULL: the whole co-op */
  gint64 pos;
  guint limit;
  gint64 scope;
  GString *records;
  gint64 last;
  gboolean more;
} Prefetch;

static void
prefetch_free (Prefetch *p)
{
  if (p == NULL)
    return;
  g_free (p->device);
  g_free (p->member);
  if (p->records)
    g_string_free (p->records, TRUE);
  g_free (p);
}

static const char *schema[SCHEMA_VERSION] = {
  /* 1 */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE events (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL,"
  "  seq INTEGER NOT NULL, author TEXT NOT NULL, hlc INTEGER NOT NULL, wall INTEGER NOT NULL,"
  "  type TEXT NOT NULL, client TEXT, carer TEXT, body TEXT NOT NULL, received INTEGER NOT NULL);"
  "CREATE UNIQUE INDEX events_device_seq ON events (device, seq);"
  "CREATE INDEX events_client ON events (client, pos) WHERE client IS NOT NULL;"
  "CREATE TABLE members (member TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
  "  active INTEGER NOT NULL, scope_version INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE clients (client TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, active INTEGER NOT NULL);"
  "CREATE TABLE assignments (client TEXT NOT NULL, carer TEXT NOT NULL, active INTEGER NOT NULL,"
  "  PRIMARY KEY (client, carer));"
  "CREATE INDEX assignments_carer ON assignments (carer, client);"
  "CREATE TABLE schedules (schedule TEXT PRIMARY KEY, client TEXT NOT NULL, carer TEXT NOT NULL);"
  "CREATE TABLE visits (visit TEXT PRIMARY KEY, client TEXT NOT NULL, carer TEXT NOT NULL);"
  "CREATE TABLE reviews (review TEXT PRIMARY KEY, visit TEXT, client TEXT, carer TEXT);"
  "CREATE TABLE devices (device TEXT PRIMARY KEY, member TEXT NOT NULL, name TEXT NOT NULL,"
  "  key_hash TEXT NOT NULL, enrolled INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,"
  "  last_contact INTEGER NOT NULL DEFAULT 0, acked_seq INTEGER NOT NULL DEFAULT 0,"
  "  pulled_pos INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE enrolments (code_hash TEXT PRIMARY KEY, member TEXT NOT NULL, created INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE rejections (device TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT, code TEXT NOT NULL,"
  "  message TEXT NOT NULL, at INTEGER NOT NULL);",
  /* 2: what a revoked tablet does at its next contact (erase at once, or
   * retire: deliver, then erase), and when it confirmed the erasure. */
  "ALTER TABLE devices ADD COLUMN revoke_mode TEXT;"
  "ALTER TABLE devices ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;",
  /* 3: what a record is about (care_event_get_subject: the visit, the hours
   * entry, ...), so the rules can read its history; and a review's action
   * (a query can be answered, an approval cannot). */
  "ALTER TABLE events ADD COLUMN subject TEXT;"
  "UPDATE events SET subject = coalesce (json_extract (body, '$.visit'), json_extract (body, '$.entry'),"
  "  json_extract (body, '$.schedule'), json_extract (body, '$.review'))"
  "  WHERE type IN ('visit.started', 'task.answered', 'note.added', 'visit.finished', 'visit.amended',"
  "  'note.amended', 'note.retracted', 'visit.cancelled', 'query.answered', 'hours.added');"
  "UPDATE events SET subject = coalesce (json_extract (body, '$.visit'), json_extract (body, '$.carer'))"
  "  WHERE type = 'review.added';"
  "CREATE INDEX events_subject ON events (subject, pos) WHERE subject IS NOT NULL;"
  "ALTER TABLE reviews ADD COLUMN action TEXT;"
  "UPDATE reviews SET action = (SELECT json_extract (e.body, '$.action') FROM events e"
  "  WHERE e.type = 'review.added' AND json_extract (e.body, '$.review') = reviews.review);"
  "CREATE INDEX rejections_device ON rejections (device, seq);",
  /* 4: whether the tablet's data folder is on an encrypted volume, as it
   * last said (docs/privacy.md). */
  "ALTER TABLE devices ADD COLUMN storage TEXT;",
  /* 5: the chain (app/care-chain.h, docs/verifying-records.md): each
   * record's link and hash, a refused record's hash (the device's chain
   * goes through it), each device's chain head (the hash of its record
   * acked_seq), its signing key and the signature of each push. Records
   * stored before this have no link: "before the chain". */
  "ALTER TABLE events ADD COLUMN link TEXT;"
  "ALTER TABLE events ADD COLUMN hash TEXT;"
  "ALTER TABLE rejections ADD COLUMN hash TEXT;"
  "ALTER TABLE devices ADD COLUMN head TEXT;"
  "ALTER TABLE devices ADD COLUMN sign_key TEXT;"
  "CREATE TABLE signatures (device TEXT NOT NULL, seq INTEGER NOT NULL, head TEXT NOT NULL,"
  "  signature TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (device, seq));",
  /* 6: refused records put right (docs/sync-protocol.md, "Refused
   * records"): a refused record as the tablet sent it (NULL when it did not
   * decode), what it is about, and where it stands: open, held (waiting
   * behind the refused record "behind"), or resolved (corrected, accepted,
   * dismissed, released) with who resolved it, when and why. Refusals
   * logged before this stay open without a record: they can be dismissed. */
  "ALTER TABLE rejections ADD COLUMN record TEXT;"
  "ALTER TABLE rejections ADD COLUMN subject TEXT;"
  "ALTER TABLE rejections ADD COLUMN state TEXT NOT NULL DEFAULT 'open';"
  "ALTER TABLE rejections ADD COLUMN behind TEXT;"
  "ALTER TABLE rejections ADD COLUMN resolution TEXT;"
  "ALTER TABLE rejections ADD COLUMN resolved_by TEXT;"
  "ALTER TABLE rejections ADD COLUMN resolved_at INTEGER;"
  "CREATE INDEX rejections_open ON rejections (device, subject, seq) WHERE state IN ('open', 'held');",
  /* 7: whether a carer has visited a client before (a family circle's
   * scope grows at the first visit) without reading every visit: without
   * it each check-in scanned the visits table, and ingest slowed as the
   * co-op's history grew (bench-server: 12,600 events/s at 50,000 records,
   * 2,100 at 250,000). */
  "CREATE INDEX visits_client_carer ON visits (client, carer);",
  /* 8: each client's standing choice of who may read notes of each
   * category (client.readership, docs/family.md): the scope narrows a
   * note's readers to it (NOTE_READERS). */
  "CREATE TABLE readership (client TEXT NOT NULL, category TEXT NOT NULL, readers TEXT NOT NULL,"
  "  PRIMARY KEY (client, category));",
  /* 9: the co-op log (docs/verifying-records.md, "The co-op log"): every
   * record the co-op stores, in the order it stored them, by its hash;
   * leaf idx - 1 of the Merkle tree. Only hashes: erasing a client's
   * records leaves the log whole. Filled from the stored records by
   * backfill_log when a co-op upgrades. */
  "CREATE TABLE log (idx INTEGER PRIMARY KEY, hash TEXT NOT NULL);"
  "CREATE INDEX log_hash ON log (hash);",
  /* 10: a record is found in the log through the tree each server process
   * keeps (care-server-ledger.c), not by an index on random hashes: each
   * commit rewrote about as many of its pages as it stored records, a
   * fifth of the cost of storing a record (issue 13). */
  "DROP INDEX log_hash;",
  /* 11: each device's latest run of positions that are all its own
   * records (CARE_SQL_OWN_RANGE), which its pulls start past. */
  "ALTER TABLE devices ADD COLUMN own_from INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE devices ADD COLUMN own_to INTEGER NOT NULL DEFAULT 0;",
  /* 12: a client's records are looked up by client only for its roster
   * (sqlite_client_records: the latest client.set, client.readership and
   * schedule.set); the index of every record by client also held every
   * visit record, one more index entry to write for each (issue 13). */
  "DROP INDEX events_client;"
  "CREATE INDEX events_client_roster ON events (client, type) WHERE client IS NOT NULL"
  "  AND type IN ('client.set', 'client.readership', 'schedule.set');",
  /* 13: the same index with its condition written as comparisons: SQLite
   * evaluated 12's "type IN (...)" for every record stored by building a
   * temporary table of the list (a 4 KiB page zeroed and freed per insert;
   * callgrind: +35% of insert_event). */
  "DROP INDEX events_client_roster;"
  "CREATE INDEX events_client_roster ON events (client, type) WHERE client IS NOT NULL"
  "  AND " CARE_SQL_ROSTER_TYPES ";",
};

/* ---- helpers ---- */

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gboolean
sql_failed (Conn       *conn,
            GError    **error,
            GQuark      domain,
            int         code,
            const char *what)
{
  int rc = sqlite3_extended_errcode (conn->db);

  if (domain == CARE_SYNC_ERROR)
    code = CARE_SYNC_ERROR_SERVER;
  else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    code = CARE_SERVER_ERROR_BUSY;
  g_set_error (error, domain, code, "%s: %s", what, sqlite3_errmsg (conn->db));
  return FALSE;
}

/* least (a, b): PostgreSQL's, which the shared SQL uses (care-server-sql.h). */
static void
sql_least (sqlite3_context *ctx,
           int              argc,
           sqlite3_value  **argv)
{
  int smaller = sqlite3_value_numeric_type (argv[1]) != SQLITE_NULL
                && (sqlite3_value_numeric_type (argv[0]) == SQLITE_NULL
                    || sqlite3_value_int64 (argv[1]) < sqlite3_value_int64 (argv[0]));

  sqlite3_result_value (ctx, argv[smaller ? 1 : 0]);
}

static void
conn_free (Conn *conn)
{
  if (conn == NULL)
    return;
  g_hash_table_unref (conn->stmts);
  visit_forget (conn);
  care_server_memo_free (conn->memo);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

/* SQLite's memory statistics take a global mutex around every allocation
 * it makes (each page of a growing table, each statement run): about 4% of
 * the writer's time storing a large push, for figures nothing here reads.
 * Only possible before SQLite initialises, that is before the first
 * connection of the process opens. */
static void
sqlite_configure (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&once, 1);
    }
}

static Conn *
conn_open (const char *path,
           gboolean    create,
           gboolean    readonly,
           GError    **error)
{
  Conn *conn;
  int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE)
              | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  int rc;

  /* 0600 before SQLite opens it: its -wal and -shm files take its mode. */
  if (create && !care_private_create (path, error))
    return NULL;
  sqlite_configure ();
  conn = g_new0 (Conn, 1);
  conn->memo = readonly ? NULL : care_server_memo_new ();
  rc = sqlite3_open_v2 (path, &conn->db, flags, NULL);

  conn->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify) sqlite3_finalize);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                   "Cannot open the co-op database %s: %s", path, sqlite3_errstr (rc));
      conn_free (conn);
      return NULL;
    }
  sqlite3_busy_timeout (conn->db, BUSY_TIMEOUT_MS);
  sqlite3_create_function (conn->db, "least", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_least, NULL, NULL);
  sqlite3_exec (conn->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-32000;"
                "PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
  return conn;
}

static sqlite3_stmt *
stmt (Conn       *conn,
      const char *sql)
{
  sqlite3_stmt *s = g_hash_table_lookup (conn->stmts, sql);

  if (s == NULL)
    {
      if (sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
        {
          g_critical ("SQL does not prepare: %s: %s", sqlite3_errmsg (conn->db), sql);
          return NULL;
        }
      g_hash_table_insert (conn->stmts, (gpointer) sql, s);
    }
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return s;
}

static void
bind_text (sqlite3_stmt *s,
           int           i,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (s, i);
  else
    sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
}

/* Runs sql, forgetting the visit looked up last but not the core's memory:
 * for what undoes no write (a savepoint, its release). */
static gboolean
exec_keeping_memo (Conn       *conn,
                   const char *sql,
                   GError    **error)
{
  char *msg = NULL;

  visit_forget (conn);
  if (sqlite3_exec (conn->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "%s: %s", sql, msg);
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec (Conn       *conn,
      const char *sql,
      GError    **error)
{
  care_server_memo_forget (conn->memo);
  return exec_keeping_memo (conn, sql, error);
}

static char *
meta_get (Conn       *conn,
          const char *key)
{
  sqlite3_stmt *s = stmt (conn, "SELECT value FROM meta WHERE key = ?1");
  char *value = NULL;

  bind_text (s, 1, key);
  if (sqlite3_step (s) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_reset (s);
  return value;
}

static gboolean
meta_set (Conn       *conn,
          const char *key,
          const char *value)
{
  sqlite3_stmt *s = stmt (conn, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                " ON CONFLICT (key) DO UPDATE SET value = excluded.value");

  bind_text (s, 1, key);
  bind_text (s, 2, value);
  return sqlite3_step (s) == SQLITE_DONE;
}

/* The core's SQL runner (care_server_core_apply, _resolve) on a connection. */
static gint64
sql_exec (gpointer            data,
          const char         *sql,
          guint               n,
          const char * const *params)
{
  Conn *conn = data;
  sqlite3_stmt *s = stmt (conn, sql);
  gint64 changes;

  if (s == NULL)
    return -1;
  for (guint i = 0; i < n; i++)
    bind_text (s, (int) i + 1, params[i]);
  if (sqlite3_step (s) != SQLITE_DONE)
    return -1;
  changes = sqlite3_changes64 (conn->db);
  /* A visit just added: its records that follow find it here. */
  if (changes == 1 && n == 3 && strcmp (sql, CARE_SQL_VISIT_ADD) == 0)
    visit_remember (conn, params[0], params[1], params[2]);
  return changes;
}

static gboolean
sql_pair (gpointer    data,
          const char *sql,
          const char *param,
          char      **a,
          char      **b)
{
  Conn *conn = data;
  gboolean visit = strcmp (sql, CARE_SQL_VISIT) == 0;
  sqlite3_stmt *s;

  if (visit && param != NULL && g_strcmp0 (conn->visit, param) == 0)
    {
      *a = g_strdup (conn->visit_client);
      *b = g_strdup (conn->visit_carer);
      return TRUE;
    }
  s = stmt (conn, sql);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, param);
  if (sqlite3_step (s) != SQLITE_ROW)
    return FALSE;
  *a = g_strdup ((const char *) sqlite3_column_text (s, 0));
  *b = g_strdup ((const char *) sqlite3_column_text (s, 1));
  sqlite3_reset (s);
  if (visit)
    visit_remember (conn, param, *a, *b);
  return TRUE;
}

static const CareServerSql sqlite_sql = { sql_exec, sql_pair };

static void
resolve (Conn            *conn,
         const CareEvent *e,
         char           **client,
         char           **carer)
{
  care_server_core_resolve (&sqlite_sql, conn, e, client, carer);
}

/* Appends a stored record to the co-op log, in the same transaction. A
 * record from before the chain has no stored hash; its hash is still
 * defined (app/care-chain.h). */
static gboolean
log_append (Conn            *conn,
            const CareEvent *e,
            const char      *hash)
{
  g_autofree char *computed = NULL;
  sqlite3_stmt *s;

#if CARE_FAULT_HOOKS
  /* The benchmark's baseline (bench-server.c): no co-op log, test builds
   * only. */
  static gsize once = 0;
  static gboolean skip = FALSE;

  if (g_once_init_enter (&once))
    {
      skip = g_getenv ("CARELOG_BENCH_SKIP_LOG") != NULL;
      g_once_init_leave (&once, 1);
    }
  if (skip)
    return TRUE;
#endif
  computed = hash == NULL ? care_event_hash (e) : NULL;
  s = stmt (conn, "INSERT INTO log (hash) VALUES (?1)");

  bind_text (s, 1, hash != NULL ? hash : computed);
  return sqlite3_step (s) == SQLITE_DONE;
}

static gboolean
insert_event (Conn            *conn,
              const CareEvent *e,
              const char      *client,
              const char      *carer,
              gint64           received,
              const char      *known_hash)
{
  g_autofree char *body = care_json_object_to_string (e->body);
  g_autofree char *computed = e->link != NULL && known_hash == NULL ? care_event_hash (e) : NULL;
  const char *hash = e->link == NULL ? NULL : known_hash != NULL ? known_hash : computed;
  sqlite3_stmt *s = stmt (conn, "INSERT INTO events (id, device, seq, author, hlc, wall, type, client, carer, body, received,"
                                " subject, link, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");

  bind_text (s, 1, e->id);
  bind_text (s, 2, e->device);
  sqlite3_bind_int64 (s, 3, e->seq);
  bind_text (s, 4, e->author);
  sqlite3_bind_int64 (s, 5, e->hlc);
  sqlite3_bind_int64 (s, 6, e->wall);
  sqlite3_bind_text (s, 7, care_event_type_to_string (e->type), -1, SQLITE_STATIC);
  bind_text (s, 8, client);
  bind_text (s, 9, carer);
  sqlite3_bind_text (s, 10, body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 11, received);
  bind_text (s, 12, care_event_type_is_roster (e->type) ? NULL : care_event_get_subject (e));
  bind_text (s, 13, e->link);
  bind_text (s, 14, hash);
  if (sqlite3_step (s) != SQLITE_DONE)
    return FALSE;
  if (!log_append (conn, e, hash))
    return FALSE;
  return care_server_core_apply (&sqlite_sql, conn, conn->memo, e, client, carer);
}

/* ---- devices ---- */

#define DEVICE_SQL \
  "SELECT d.key_hash, d.revoked, d.acked_seq, m.member, m.name, m.role, m.active, m.scope_version," \
  " d.pulled_pos, d.revoke_mode, d.head, d.sign_key FROM devices d JOIN members m ON m.member = d.member" \
  " WHERE d.device = ?1"

static CareDeviceRow *
read_device (Conn       *conn,
             const char *device)
{
  sqlite3_stmt *s = stmt (conn, DEVICE_SQL);
  CareDeviceRow *row;

  bind_text (s, 1, device);
  if (sqlite3_step (s) != SQLITE_ROW)
    {
      sqlite3_reset (s);
      return NULL;
    }
  row = g_new0 (CareDeviceRow, 1);
  row->key_hash = g_strdup ((const char *) sqlite3_column_text (s, 0));
  row->revoked = sqlite3_column_int64 (s, 1) != 0;
  row->acked_seq = sqlite3_column_int64 (s, 2);
  row->member = g_strdup ((const char *) sqlite3_column_text (s, 3));
  row->member_name = g_strdup ((const char *) sqlite3_column_text (s, 4));
  row->role = care_role_from_string ((const char *) sqlite3_column_text (s, 5));
  row->member_active = sqlite3_column_int (s, 6) != 0;
  row->scope_version = sqlite3_column_int64 (s, 7);
  row->pulled_pos = sqlite3_column_int64 (s, 8);
  row->revoke_mode = care_revoke_mode_from_string ((const char *) sqlite3_column_text (s, 9));
  row->head = g_strdup ((const char *) sqlite3_column_text (s, 10));
  row->sign_key = g_strdup ((const char *) sqlite3_column_text (s, 11));
  sqlite3_reset (s);
  return row;
}

static gboolean
is_assigned (Conn       *conn,
             const char *client,
             const char *carer)
{
  sqlite3_stmt *s = stmt (conn, "SELECT 1 FROM assignments WHERE client = ?1 AND carer = ?2 AND active = 1");
  gboolean found;

  bind_text (s, 1, client);
  bind_text (s, 2, carer);
  found = sqlite3_step (s) == SQLITE_ROW;
  sqlite3_reset (s);
  return found;
}

/* ---- the write transaction of a group of pushes ---- */

struct _CareServerTx
{
  SqliteStore *store;
  Conn *conn;
  /* A device known to have no open refusal in this transaction (NULL:
   * none known): a push of thousands of records asks for each record
   * whether its visit has one. Forgotten whenever a refusal is written or
   * a savepoint rolled back. */
  char *no_open_refusal;
};

static void
tx_free (CareServerTx *tx)
{
  g_free (tx->no_open_refusal);
  g_free (tx);
}

static Conn *reader_get (SqliteStore *self, GError **error);

static CareDeviceRow *
sqlite_lookup_device (CareServerStore *store,
                      const char      *device,
                      GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = reader_get (self, error);
  CareDeviceRow *row;

  if (conn == NULL)
    return NULL;
  row = read_device (conn, device);
  g_async_queue_push (self->readers, conn);
  return row;
}

static CareServerTx *
sqlite_tx_begin (CareServerStore *store,
                 GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  CareServerTx *tx;

  g_mutex_lock (&self->write_lock);
  if (!exec (self->writer, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->write_lock);
      return NULL;
    }
  tx = g_new0 (CareServerTx, 1);
  tx->store = self;
  tx->conn = self->writer;
  return tx;
}

static gboolean
sqlite_tx_commit (CareServerTx *tx,
                  GError      **error)
{
  SqliteStore *self = tx->store;
  gboolean ok = exec (tx->conn, "COMMIT", error);

  if (!ok)
    exec (tx->conn, "ROLLBACK", NULL);
  g_mutex_unlock (&self->write_lock);
  tx_free (tx);
  return ok;
}

static void
sqlite_tx_rollback (CareServerTx *tx)
{
  SqliteStore *self = tx->store;

  exec (tx->conn, "ROLLBACK", NULL);
  g_mutex_unlock (&self->write_lock);
  tx_free (tx);
}

static void
sqlite_tx_savepoint (CareServerTx *tx)
{
  exec_keeping_memo (tx->conn, "SAVEPOINT job", NULL);
}

static void
sqlite_tx_rollback_savepoint (CareServerTx *tx)
{
  g_clear_pointer (&tx->no_open_refusal, g_free);
  exec (tx->conn, "ROLLBACK TO job", NULL);
}

static void
sqlite_tx_release_savepoint (CareServerTx *tx)
{
  exec_keeping_memo (tx->conn, "RELEASE job", NULL);
}

static CareDeviceRow *
sqlite_tx_device (CareServerTx *tx,
                  const char   *device)
{
  return read_device (tx->conn, device);
}

static CareEvent *
event_from_row (sqlite3_stmt *s,
                int           first)
{
  g_autoptr(CareEvent) e = care_event_new ();
  g_autoptr(JsonNode) body = NULL;

  e->id = g_strdup ((const char *) sqlite3_column_text (s, first));
  e->device = g_strdup ((const char *) sqlite3_column_text (s, first + 1));
  e->seq = sqlite3_column_int64 (s, first + 2);
  e->author = g_strdup ((const char *) sqlite3_column_text (s, first + 3));
  e->hlc = sqlite3_column_int64 (s, first + 4);
  e->wall = sqlite3_column_int64 (s, first + 5);
  e->type = care_event_type_from_string ((const char *) sqlite3_column_text (s, first + 6));
  /* The one-pass reader the tablet's store reads its bodies with (app/
   * care-json.h): JsonParser took a third of reading a visit's history. */
  body = care_json_parse ((const char *) sqlite3_column_text (s, first + 7), (gsize) sqlite3_column_bytes (s, first + 7),
                          CARE_JSON_MAX_DEPTH, NULL);
  e->body = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_dup_object (body) : json_object_new ();
  e->received = sqlite3_column_int64 (s, first + 8);
  e->link = g_strdup ((const char *) sqlite3_column_text (s, first + 9));
  return g_steal_pointer (&e);
}

#define EVENT_COLUMNS "id, device, seq, author, hlc, wall, type, body, received, link"

static CareEvent *
sqlite_tx_event (CareServerTx *tx,
                 const char   *id)
{
  sqlite3_stmt *s = stmt (tx->conn, "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1");
  CareEvent *e = NULL;

  bind_text (s, 1, id);
  if (sqlite3_step (s) == SQLITE_ROW)
    e = event_from_row (s, 0);
  sqlite3_reset (s);
  return e;
}

static GPtrArray *
sqlite_tx_history (CareServerTx *tx,
                   const char   *subject,
                   guint         types)
{
  sqlite3_stmt *s = stmt (tx->conn, "SELECT pos, " EVENT_COLUMNS " FROM events WHERE subject = ?1 ORDER BY pos");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_stored_event_free);

  bind_text (s, 1, subject);
  while (sqlite3_step (s) == SQLITE_ROW)
    {
      CareEventType type = care_event_type_from_string ((const char *) sqlite3_column_text (s, 7));
      CareStoredEvent *stored;

      /* Only what the rules asked for: a busy visit's notes and task
       * answers are not read for every record. */
      if (type < 0 || (types & (1u << type)) == 0)
        continue;
      stored = g_new0 (CareStoredEvent, 1);
      stored->pos = sqlite3_column_int64 (s, 0);
      stored->event = event_from_row (s, 1);
      g_ptr_array_add (out, stored);
    }
  sqlite3_reset (s);
  return out;
}

static gboolean
sqlite_tx_is_assigned (CareServerTx *tx,
                       const char   *client,
                       const char   *carer)
{
  return is_assigned (tx->conn, client, carer);
}

static char *
sqlite_tx_schedule_carer (CareServerTx *tx,
                          const char   *schedule)
{
  sqlite3_stmt *s = stmt (tx->conn, "SELECT carer FROM schedules WHERE schedule = ?1");
  char *carer = NULL;

  bind_text (s, 1, schedule);
  if (sqlite3_step (s) == SQLITE_ROW)
    carer = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_reset (s);
  return carer;
}

static gboolean
sqlite_tx_review (CareServerTx *tx,
                  const char   *review,
                  char        **action,
                  char        **carer)
{
  sqlite3_stmt *s = stmt (tx->conn, "SELECT action, carer FROM reviews WHERE review = ?1");
  gboolean found;

  bind_text (s, 1, review);
  found = sqlite3_step (s) == SQLITE_ROW;
  if (found)
    {
      *action = g_strdup ((const char *) sqlite3_column_text (s, 0));
      *carer = g_strdup ((const char *) sqlite3_column_text (s, 1));
    }
  sqlite3_reset (s);
  return found;
}

static gboolean
sqlite_tx_insert (CareServerTx    *tx,
                  const CareEvent *event,
                  gint64           received,
                  const char      *hash)
{
  g_autofree char *client = NULL, *carer = NULL;

  resolve (tx->conn, event, &client, &carer);
  return insert_event (tx->conn, event, client, carer, received, hash);
}

/* The hash of a device's record seq: from its stored hash, recomputed
 * (a record before the chain), or a refused record's; NULL: unknown. */
static char *
record_hash (Conn       *conn,
             const char *device,
             gint64      seq)
{
  sqlite3_stmt *s = stmt (conn, "SELECT " EVENT_COLUMNS ", hash FROM events WHERE device = ?1 AND seq = ?2");
  char *hash = NULL;

  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      if (sqlite3_column_type (s, 10) != SQLITE_NULL)
        hash = g_strdup ((const char *) sqlite3_column_text (s, 10));
      else
        {
          g_autoptr(CareEvent) e = event_from_row (s, 0);

          hash = care_event_hash (e);
        }
    }
  sqlite3_reset (s);
  if (hash != NULL)
    return hash;
  s = stmt (conn, "SELECT hash FROM rejections WHERE device = ?1 AND seq = ?2 AND hash IS NOT NULL");
  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  if (sqlite3_step (s) == SQLITE_ROW)
    hash = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_reset (s);
  return hash;
}

static char *
sqlite_tx_record_hash (CareServerTx *tx,
                       const char   *device,
                       gint64        seq)
{
  return record_hash (tx->conn, device, seq);
}

static gboolean
sqlite_tx_set_sign_key (CareServerTx *tx,
                        const char   *device,
                        const char   *sign_key)
{
  sqlite3_stmt *s = stmt (tx->conn, "UPDATE devices SET sign_key = ?2 WHERE device = ?1 AND sign_key IS NULL");

  bind_text (s, 1, device);
  bind_text (s, 2, sign_key);
  return sqlite3_step (s) == SQLITE_DONE;
}

static gboolean
sqlite_tx_add_signature (CareServerTx *tx,
                         const char   *device,
                         gint64        seq,
                         const char   *head,
                         const char   *signature,
                         gint64        at)
{
  sqlite3_stmt *s = stmt (tx->conn, "INSERT OR REPLACE INTO signatures (device, seq, head, signature, at)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5)");

  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  bind_text (s, 3, head);
  bind_text (s, 4, signature);
  sqlite3_bind_int64 (s, 5, at);
  return sqlite3_step (s) == SQLITE_DONE;
}

static gboolean
sqlite_tx_reject (CareServerTx    *tx,
                  const char      *device,
                  gint64           seq,
                  const char      *id,
                  const char      *hash,
                  const char      *code,
                  const char      *message,
                  gint64           at,
                  const CareEvent *record,
                  const char      *subject,
                  const char      *behind)
{
  sqlite3_stmt *s;
  g_autofree char *text = NULL;

  g_clear_pointer (&tx->no_open_refusal, g_free);
  s = stmt (tx->conn, "INSERT INTO rejections (device, seq, id, code, message, at, hash, record,"
                      " subject, state, behind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (record != NULL)
    {
      g_autoptr(JsonNode) node = care_event_to_json (record);

      text = json_to_string (node, FALSE);
    }
  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  bind_text (s, 3, id);
  bind_text (s, 4, code);
  bind_text (s, 5, message);
  sqlite3_bind_int64 (s, 6, at);
  bind_text (s, 7, hash);
  bind_text (s, 8, text);
  bind_text (s, 9, subject);
  bind_text (s, 10, behind != NULL ? "held" : "open");
  bind_text (s, 11, behind);
  return sqlite3_step (s) == SQLITE_DONE;
}

#define REJECTION_COLUMNS \
  "r.device, d.member, r.seq, r.id, r.code, r.message, r.at, r.record, r.subject, r.state, r.behind," \
  " r.resolution, r.resolved_by, r.resolved_at FROM rejections r LEFT JOIN devices d ON d.device = r.device"

static CareRejection *
rejection_from_row (sqlite3_stmt *s)
{
  CareRejection *r = g_new0 (CareRejection, 1);

  r->device = g_strdup ((const char *) sqlite3_column_text (s, 0));
  r->member = g_strdup ((const char *) sqlite3_column_text (s, 1));
  r->seq = sqlite3_column_int64 (s, 2);
  r->id = g_strdup ((const char *) sqlite3_column_text (s, 3));
  r->code = g_strdup ((const char *) sqlite3_column_text (s, 4));
  r->message = g_strdup ((const char *) sqlite3_column_text (s, 5));
  r->at = sqlite3_column_int64 (s, 6);
  if (sqlite3_column_type (s, 7) != SQLITE_NULL)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (s, 7), NULL);

      /* Kept as the co-op decoded it: it decodes again. */
      r->record = node != NULL ? care_event_from_json (node, NULL) : NULL;
    }
  r->subject = g_strdup ((const char *) sqlite3_column_text (s, 8));
  r->state = g_strdup ((const char *) sqlite3_column_text (s, 9));
  r->behind = g_strdup ((const char *) sqlite3_column_text (s, 10));
  r->resolution = g_strdup ((const char *) sqlite3_column_text (s, 11));
  r->resolved_by = g_strdup ((const char *) sqlite3_column_text (s, 12));
  r->resolved_at = sqlite3_column_int64 (s, 13);
  return r;
}

static CareRejection *
sqlite_tx_open_refusal (CareServerTx *tx,
                        const char   *device,
                        const char   *subject)
{
  sqlite3_stmt *s;
  CareRejection *r = NULL;

  if (g_strcmp0 (tx->no_open_refusal, device) == 0)
    return NULL;
  s = stmt (tx->conn, "SELECT " REJECTION_COLUMNS " WHERE r.device = ?1 AND r.subject = ?2"
                      " AND r.state = 'open' ORDER BY r.seq LIMIT 1");
  bind_text (s, 1, device);
  bind_text (s, 2, subject);
  if (sqlite3_step (s) == SQLITE_ROW)
    r = rejection_from_row (s);
  sqlite3_reset (s);
  if (r != NULL)
    return r;
  /* None about this subject: whether the device has any. */
  s = stmt (tx->conn, "SELECT 1 FROM rejections WHERE device = ?1 AND state = 'open' LIMIT 1");
  bind_text (s, 1, device);
  if (sqlite3_step (s) == SQLITE_DONE)
    {
      g_free (tx->no_open_refusal);
      tx->no_open_refusal = g_strdup (device);
    }
  sqlite3_reset (s);
  return NULL;
}

static CareRejection *
sqlite_tx_refusal (CareServerTx *tx,
                   const char   *device,
                   gint64        seq,
                   const char   *id)
{
  sqlite3_stmt *s = stmt (tx->conn, "SELECT " REJECTION_COLUMNS " WHERE r.device = ?1"
                                    " AND ((?2 > 0 AND r.seq = ?2) OR (?2 = 0 AND r.id = ?3))"
                                    " ORDER BY r.at DESC LIMIT 1");
  CareRejection *r = NULL;

  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  bind_text (s, 3, id);
  if (sqlite3_step (s) == SQLITE_ROW)
    r = rejection_from_row (s);
  sqlite3_reset (s);
  return r;
}

static GPtrArray *
sqlite_tx_held_behind (CareServerTx *tx,
                       const char   *device,
                       const char   *id)
{
  sqlite3_stmt *s = stmt (tx->conn, "SELECT " REJECTION_COLUMNS " WHERE r.device = ?1 AND r.behind = ?2"
                                    " AND r.state = 'held' ORDER BY r.seq");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_rejection_free);

  bind_text (s, 1, device);
  bind_text (s, 2, id);
  while (sqlite3_step (s) == SQLITE_ROW)
    g_ptr_array_add (out, rejection_from_row (s));
  sqlite3_reset (s);
  return out;
}

static gboolean
sqlite_tx_resolve_refusal (CareServerTx *tx,
                           const char   *device,
                           gint64        seq,
                           const char   *state,
                           const char   *resolution,
                           const char   *resolved_by,
                           gint64        at)
{
  sqlite3_stmt *s = stmt (tx->conn, "UPDATE rejections SET state = ?3, resolution = ?4, resolved_by = ?5,"
                                    " resolved_at = ?6 WHERE device = ?1 AND seq = ?2");

  g_clear_pointer (&tx->no_open_refusal, g_free);
  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  bind_text (s, 3, state);
  bind_text (s, 4, resolution);
  bind_text (s, 5, resolved_by);
  sqlite3_bind_int64 (s, 6, at);
  return sqlite3_step (s) == SQLITE_DONE;
}

static gboolean
sqlite_tx_update_device (CareServerTx *tx,
                         const char   *device,
                         gint64        from_seq,
                         gint64        acked_seq,
                         gint64        contact,
                         gint64        rejected,
                         const char   *head)
{
  sqlite3_stmt *s;

  if (acked_seq > from_seq)
    {
      s = stmt (tx->conn, CARE_SQL_OWN_RANGE);
      bind_text (s, 1, device);
      sqlite3_bind_int64 (s, 2, from_seq);
      sqlite3_bind_int64 (s, 3, acked_seq);
      if (sqlite3_step (s) != SQLITE_DONE)
        return FALSE;
    }
  s = stmt (tx->conn, "UPDATE devices SET acked_seq = ?2, last_contact = ?3,"
                      " rejected = rejected + ?4, head = ?5 WHERE device = ?1");

  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, acked_seq);
  sqlite3_bind_int64 (s, 3, contact);
  sqlite3_bind_int64 (s, 4, rejected);
  bind_text (s, 5, head);
  return sqlite3_step (s) == SQLITE_DONE;
}

/* ---- pull ---- */

static Conn *
reader_get (SqliteStore *self,
            GError     **error)
{
  Conn *conn = g_async_queue_try_pop (self->readers);

  if (conn == NULL)
    conn = conn_open (self->path, FALSE, TRUE, error);
  return conn;
}

static gint64
max_position (Conn *conn)
{
  sqlite3_stmt *s = stmt (conn, "SELECT coalesce(max(pos), 0) FROM events");
  gint64 max_pos = 0;

  if (sqlite3_step (s) == SQLITE_ROW)
    max_pos = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  return max_pos;
}

/* The records of a page (without the brackets) for DEVICE, in the scope
 * the core decided (kind, and whose: member). The page's end (*last) is exact although records
 * are left out (the device's own, those outside a carer's scope): a full
 * page ends at its last record, since the records after it are still to
 * come; a page that is not full has looked at every position up to
 * max_pos, read in the same read transaction, so it ends there. Positions
 * are handed out in commit order by the single writer, so nothing can later
 * appear at or below max_pos. */
static void
build_records (Conn         *conn,
               const char   *device,
               CareScopeKind kind,
               const char   *member,
               gint64        pos,
               guint         limit,
               gint64        max_pos,
               GString      *out,
               gint64       *last,
               gboolean     *more)
{
  sqlite3_stmt *s = stmt (conn, kind == CARE_SCOPE_COOP ? CARE_SQL_PULL_ALL
                                : kind == CARE_SCOPE_FAMILY ? CARE_SQL_PULL_FAMILY : CARE_SQL_PULL_CARER);
  guint n = 0;

  sqlite3_bind_int64 (s, 1, pos);
  sqlite3_bind_int64 (s, 2, (gint64) limit + 1);
  if (kind != CARE_SCOPE_COOP)
    bind_text (s, 3, member);
  bind_text (s, 4, device);
  *last = pos;
  *more = FALSE;
  for (int rc = sqlite3_step (s); rc == SQLITE_ROW; rc = sqlite3_step (s))
    {
      if (n == limit)
        {
          *more = TRUE;
          break;
        }
      if (n++ > 0)
        g_string_append_c (out, ',');
      *last = sqlite3_column_int64 (s, 0);
      care_pull_append_record (out, *last,
                               (const char *) sqlite3_column_text (s, 1),
                               (const char *) sqlite3_column_text (s, 2),
                               sqlite3_column_int64 (s, 3),
                               (const char *) sqlite3_column_text (s, 4),
                               sqlite3_column_int64 (s, 5),
                               sqlite3_column_int64 (s, 6),
                               (const char *) sqlite3_column_text (s, 7),
                               (const char *) sqlite3_column_text (s, 8),
                               sqlite3_column_int64 (s, 9),
                               (const char *) sqlite3_column_text (s, 10));
    }
  sqlite3_reset (s);
  if (!*more)
    *last = MAX (*last, max_pos);
}

static Conn *reader_get (SqliteStore *self, GError **error);

/* Positions only grow, so a page built from a slightly older snapshot is
 * still a consistent page for its cursor; authentication and the cursor's
 * checks are done again when the device asks for it. */
static void
prefetch_func (gpointer data,
               gpointer user_data)
{
  Prefetch *p = data;
  SqliteStore *self = user_data;
  Conn *conn = reader_get (self, NULL);

  if (conn == NULL || !exec (conn, "BEGIN", NULL))
    {
      conn_free (conn);
      prefetch_free (p);
      return;
    }
  p->records = g_string_sized_new (p->limit * 300);
  build_records (conn, p->device, p->kind, p->member, p->pos, p->limit, max_position (conn), p->records, &p->last, &p->more);
  exec (conn, "COMMIT", NULL);
  g_async_queue_push (self->readers, conn);
  g_mutex_lock (&self->cache_lock);
  prefetch_free (self->cache);
  self->cache = p;
  g_mutex_unlock (&self->cache_lock);
}

static gboolean
pull_in_transaction (SqliteStore           *self,
                     Conn                  *conn,
                     const char            *device,
                     const char            *key,
                     const CarePullRequest *request,
                     GString               *out,
                     gint64                *server_acked,
                     gint64                *sent_pos,
                     GError               **error)
{
  g_auto(CareServerAuth) auth = { 0 };
  g_autoptr(CareDeviceRow) row = read_device (conn, device);
  gint64 pos, max_pos = max_position (conn), last = 0;
  gboolean whole, more = FALSE, begun;
  CareScope scope_of;
  Prefetch *hit = NULL;

  begun = care_server_core_pull_begin (row, key, request, self->epoch, max_pos, &auth, &scope_of, &pos, out, error);
  *server_acked = auth.acked_seq;
  if (!begun)
    return FALSE;
  whole = scope_of.kind == CARE_SCOPE_COOP;
  g_mutex_lock (&self->cache_lock);
  if (self->cache != NULL && g_str_equal (self->cache->device, device) && self->cache->pos == pos
      && self->cache->limit == request->limit && self->cache->scope == scope_of.version)
    hit = g_steal_pointer (&self->cache);
  g_mutex_unlock (&self->cache_lock);
  if (hit != NULL)
    {
      g_string_append_len (out, hit->records->str, hit->records->len);
      last = hit->last;
      more = hit->more;
      prefetch_free (hit);
    }
  else
    build_records (conn, device, scope_of.kind, whole ? NULL : scope_of.member, pos, request->limit, max_pos, out, &last, &more);
  if (more && request->limit >= 1000)
    {
      Prefetch *next_page = g_new0 (Prefetch, 1);

      next_page->device = g_strdup (device);
      next_page->kind = scope_of.kind;
      next_page->member = whole ? NULL : g_strdup (scope_of.member);
      next_page->pos = last;
      next_page->limit = request->limit;
      next_page->scope = scope_of.version;
      g_thread_pool_push (self->prefetcher, next_page, NULL);
    }
  *sent_pos = last;
  care_server_core_pull_end (out, self->epoch, &scope_of, last, more);
  return TRUE;
}

static gboolean
sqlite_pull (CareServerStore       *store,
             const char            *device,
             const char            *key,
             const CarePullRequest *request,
             GString               *out,
             gint64                *server_acked,
             gint64                *sent_pos,
             GError               **error)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = reader_get (self, error);
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  if (!exec (conn, "BEGIN", NULL))
    {
      sql_failed (conn, error, CARE_SYNC_ERROR, 0, "The co-op database cannot be read");
      conn_free (conn);
      return FALSE;
    }
  ok = pull_in_transaction (self, conn, device, key, request, out, server_acked, sent_pos, error);
  exec (conn, "COMMIT", NULL);
  g_async_queue_push (self->readers, conn);
  return ok;
}

static void
sqlite_touch (CareServerStore *store,
              const char      *device,
              gint64           pulled_pos)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *s;

  g_mutex_lock (&self->write_lock);
  /* Where the device's latest page ended, even if that is lower than
   * before: a device that starts again from the beginning (its cursor was
   * no longer valid) has everything after that page still to come. */
  s = stmt (self->writer, "UPDATE devices SET last_contact = ?2, pulled_pos = ?3 WHERE device = ?1");
  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, now_ms ());
  sqlite3_bind_int64 (s, 3, pulled_pos);
  sqlite3_step (s);
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
}

/* ---- enrolment ---- */

static gboolean row_found (Conn       *conn,
                           const char *sql,
                           const char *value);

static CareEnrolResult *
enrol_in_transaction (SqliteStore *self,
                      const char  *code,
                      const char  *name,
                      const char  *device,
                      GError     **error)
{
  Conn *conn = self->writer;
  g_autofree char *hash = care_server_store_code_hash (code);
  g_autoptr(CareEnrolResult) result = g_new0 (CareEnrolResult, 1);
  g_autofree char *key_hash = NULL;
  sqlite3_stmt *s = stmt (conn, "SELECT e.member, e.expires, e.used, m.name, m.role, m.active FROM enrolments e"
                                " JOIN members m ON m.member = e.member WHERE e.code_hash = ?1");
  gint64 now = now_ms ();

  gboolean found;

  bind_text (s, 1, hash);
  found = sqlite3_step (s) == SQLITE_ROW;
  if (!care_server_core_check_enrolment (found, found ? sqlite3_column_int64 (s, 1) : 0,
                                         found ? sqlite3_column_int64 (s, 2) : 0,
                                         found && sqlite3_column_int (s, 5) != 0, now,
                                         device != NULL && row_found (conn, "SELECT 1 FROM devices WHERE device = ?1", device),
                                         error))
    {
      sqlite3_reset (s);
      return NULL;
    }
  result->member = g_strdup ((const char *) sqlite3_column_text (s, 0));
  result->name = g_strdup ((const char *) sqlite3_column_text (s, 3));
  result->role = care_role_from_string ((const char *) sqlite3_column_text (s, 4));
  sqlite3_reset (s);
  s = stmt (conn, "UPDATE enrolments SET used = ?2 WHERE code_hash = ?1");
  bind_text (s, 1, hash);
  sqlite3_bind_int64 (s, 2, now);
  if (sqlite3_step (s) != SQLITE_DONE)
    return sql_failed (conn, error, CARE_SYNC_ERROR, 0, "Cannot record the enrolment"), NULL;
  result->device = device != NULL ? g_strdup (device) : care_server_new_device_id ();
  result->key = care_server_random_token (32);
  key_hash = care_server_sha256_hex (result->key);
  s = stmt (conn, "INSERT INTO devices (device, member, name, key_hash, enrolled) VALUES (?1, ?2, ?3, ?4, ?5)");
  bind_text (s, 1, result->device);
  bind_text (s, 2, result->member);
  bind_text (s, 3, name ? name : "");
  bind_text (s, 4, key_hash);
  sqlite3_bind_int64 (s, 5, now);
  if (sqlite3_step (s) != SQLITE_DONE)
    return sql_failed (conn, error, CARE_SYNC_ERROR, 0, "Cannot record the enrolment"), NULL;
  /* In the restore-safe journal before the commit: a restore from an older
   * backup re-admits this tablet. */
  {
    g_autoptr(GError) local = NULL;

    if (!care_server_journal_enrolled (self->dir, result->device, result->member, name, key_hash, now, &local))
      {
        g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER, "Cannot record the enrolment: %s", local->message);
        return NULL;
      }
  }
  result->timezone = meta_get (conn, "timezone");
  return g_steal_pointer (&result);
}

static CareEnrolResult *
sqlite_enrol (CareServerStore *store,
              const char      *code,
              const char      *name,
              const char      *device,
              GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  CareEnrolResult *result = NULL;

  g_mutex_lock (&self->write_lock);
  if (!exec (self->writer, "BEGIN IMMEDIATE", NULL))
    {
      sql_failed (self->writer, error, CARE_SYNC_ERROR, 0, "The co-op database is busy");
      goto out;
    }
  result = enrol_in_transaction (self, code, name, device, error);
  if (result == NULL || !exec (self->writer, "COMMIT", NULL))
    {
      if (result != NULL)
        sql_failed (self->writer, error, CARE_SYNC_ERROR, 0, "Cannot save the enrolment");
      g_clear_pointer (&result, care_enrol_result_free);
      exec (self->writer, "ROLLBACK", NULL);
    }
out:
  g_mutex_unlock (&self->write_lock);
  return result;
}

/* ---- verification (app/care-verify.h) ---- */

static gboolean
sqlite_feed_verifier (CareServerStore *store,
                      CareVerifier    *v,
                      GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = reader_get (self, error);
  sqlite3_stmt *s;
  g_autofree char *coop_head_hash = NULL;
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  ok = exec (conn, "BEGIN", error);
  /* Every device's records are all here; its row says its latest. */
  s = stmt (conn, "SELECT device, sign_key, acked_seq, head FROM devices");
  while (ok && sqlite3_step (s) == SQLITE_ROW)
    {
      const char *device = (const char *) sqlite3_column_text (s, 0);

      care_verifier_expect_all (v, device);
      if (sqlite3_column_type (s, 1) != SQLITE_NULL)
        care_verifier_add_key (v, device, (const char *) sqlite3_column_text (s, 1));
      if (sqlite3_column_type (s, 3) != SQLITE_NULL)
        care_verifier_set_head (v, device, sqlite3_column_int64 (s, 2), (const char *) sqlite3_column_text (s, 3));
    }
  sqlite3_reset (s);
  care_verifier_expect_all (v, CARE_COOP_DEVICE);
  coop_head_hash = meta_get (conn, "coop_head");
  if (coop_head_hash != NULL)
    {
      /* The number of the record coop_head is the hash of; a restore moves
       * coop_seq (the numbering) on past it. */
      g_autofree char *head_seq = meta_get (conn, "coop_head_seq");
      g_autofree char *seq = head_seq != NULL ? g_steal_pointer (&head_seq) : meta_get (conn, "coop_seq");

      care_verifier_set_head (v, CARE_COOP_DEVICE, seq ? g_ascii_strtoll (seq, NULL, 10) : 0, coop_head_hash);
    }
  /* A refused record released later is a stored record. */
  s = stmt (conn, "SELECT r.device, r.seq, r.hash FROM rejections r WHERE r.hash IS NOT NULL"
                  " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.device = r.device AND e.seq = r.seq)");
  while (ok && sqlite3_step (s) == SQLITE_ROW)
    care_verifier_add_known (v, (const char *) sqlite3_column_text (s, 0), sqlite3_column_int64 (s, 1),
                             (const char *) sqlite3_column_text (s, 2));
  sqlite3_reset (s);
  s = stmt (conn, "SELECT device, seq, head, signature FROM signatures");
  while (ok && sqlite3_step (s) == SQLITE_ROW)
    care_verifier_add_signature (v, (const char *) sqlite3_column_text (s, 0), sqlite3_column_int64 (s, 1),
                                 (const char *) sqlite3_column_text (s, 2), (const char *) sqlite3_column_text (s, 3));
  sqlite3_reset (s);
  s = stmt (conn, "SELECT " EVENT_COLUMNS ", hash FROM events ORDER BY device, seq");
  while (ok && sqlite3_step (s) == SQLITE_ROW)
    {
      g_autoptr(CareEvent) e = event_from_row (s, 0);

      care_verifier_add_record (v, e, (const char *) sqlite3_column_text (s, 10));
    }
  sqlite3_reset (s);
  if (ok)
    exec (conn, "COMMIT", NULL);
  g_async_queue_push (self->readers, conn);
  return ok;
}

/* ---- administration ---- */

/* The link of the co-op's next record: meta "coop_head", the hash of its
 * latest; a co-op from before the chain starts it from the hash of its
 * latest record; a new co-op from CARE_CHAIN_START. */
static char *
coop_head (Conn *conn)
{
  char *head = meta_get (conn, "coop_head");
  sqlite3_stmt *s;

  if (head != NULL)
    return head;
  s = stmt (conn, "SELECT max(seq) FROM events WHERE device = ?1");
  bind_text (s, 1, CARE_COOP_DEVICE);
  if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0) != SQLITE_NULL)
    {
      gint64 seq = sqlite3_column_int64 (s, 0);

      sqlite3_reset (s);
      head = record_hash (conn, CARE_COOP_DEVICE, seq);
    }
  else
    sqlite3_reset (s);
  return head != NULL ? head : g_strdup (CARE_CHAIN_START);
}

/* One co-op record, inside the writer's open transaction. */
static gboolean
append_in_transaction (Conn           *conn,
                       CareEventType   type,
                       JsonObject     *body,
                       const char     *author,
                       GError        **error)
{
  g_autofree char *seq_text = meta_get (conn, "coop_seq");
  g_autoptr(CareEvent) e = care_server_core_coop_record (type, body, author, seq_text, error);
  g_autofree char *client = NULL, *carer = NULL, *next = NULL, *head = NULL;

  if (e == NULL)
    return FALSE;
  /* The co-op's own chain: each record links to its previous one. */
  e->link = coop_head (conn);
  resolve (conn, e, &client, &carer);
  next = g_strdup_printf ("%" G_GINT64_FORMAT, e->seq);
  head = care_event_hash (e);
  if (!insert_event (conn, e, client, carer, e->wall, head) || !meta_set (conn, "coop_seq", next)
      || !meta_set (conn, "coop_head", head) || !meta_set (conn, "coop_head_seq", next))
    return sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot store the co-op record");
  return TRUE;
}

static gboolean
sqlite_tx_append_server_record (CareServerTx  *tx,
                                CareEventType  type,
                                JsonObject    *body,
                                const char    *author,
                                GError       **error)
{
  return append_in_transaction (tx->conn, type, body, author, error);
}

static gboolean
sqlite_append_server_records (CareServerStore     *store,
                              const CareEventType *types,
                              JsonObject         **bodies,
                              guint                n,
                              const char          *author,
                              GError             **error)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = self->writer;
  gboolean ok = FALSE;

  g_mutex_lock (&self->write_lock);
  if (!exec (conn, "BEGIN IMMEDIATE", error))
    goto out;
  for (guint i = 0; i < n; i++)
    if (!append_in_transaction (conn, types[i], bodies[i], author, error))
      {
        exec (conn, "ROLLBACK", NULL);
        goto out;
      }
  ok = exec (conn, "COMMIT", error);
  if (!ok)
    exec (conn, "ROLLBACK", NULL);
out:
  g_mutex_unlock (&self->write_lock);
  return ok;
}

static gboolean
sqlite_append_server_record (CareServerStore *store,
                             CareEventType    type,
                             JsonObject      *body,
                             const char      *author,
                             GError         **error)
{
  return sqlite_append_server_records (store, &type, &body, 1, author, error);
}

static GPtrArray *
sqlite_client_records (CareServerStore *store,
                       CareEventType    type,
                       const char      *client,
                       const char      *key)
{
  SqliteStore *self = (SqliteStore *) store;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *s;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, care_server_core_client_records_sql (type));
  bind_text (s, 1, client);
  bind_text (s, 2, care_event_type_to_string (type));
  while (sqlite3_step (s) == SQLITE_ROW)
    care_server_core_keep_latest (seen, (const char *) sqlite3_column_text (s, 0), key, out);
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  return out;
}

static char *
sqlite_schedule_client (CareServerStore *store,
                        const char      *schedule)
{
  SqliteStore *self = (SqliteStore *) store;
  g_autofree char *carer = NULL;
  char *client = NULL;

  g_mutex_lock (&self->write_lock);
  sql_pair (self->writer, CARE_SQL_SCHEDULE, schedule, &client, &carer);
  g_mutex_unlock (&self->write_lock);
  return client;
}

static gboolean
sqlite_member_exists (CareServerStore *store,
                      const char      *member,
                      CareRole        *role,
                      char           **name)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *s;
  gboolean found;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "SELECT role, name FROM members WHERE member = ?1");
  bind_text (s, 1, member);
  found = sqlite3_step (s) == SQLITE_ROW;
  if (found && role != NULL)
    *role = care_role_from_string ((const char *) sqlite3_column_text (s, 0));
  if (found && name != NULL)
    *name = g_strdup ((const char *) sqlite3_column_text (s, 1));
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  return found;
}

/* Whether the query, with one text parameter, finds a row (on the writer's
 * connection, so it sees what this process has just committed). */
static gboolean
row_exists (SqliteStore *self,
            const char  *sql,
            const char  *value)
{
  sqlite3_stmt *s;
  gboolean found;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, sql);
  bind_text (s, 1, value);
  found = sqlite3_step (s) == SQLITE_ROW;
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  return found;
}

static gboolean
sqlite_client_exists (CareServerStore *store,
                      const char      *client)
{
  return row_exists ((SqliteStore *) store, "SELECT 1 FROM clients WHERE client = ?1", client);
}

static gboolean
sqlite_export_client (CareServerStore *store,
                      const char      *client,
                      GString         *out,
                      guint           *count,
                      GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  g_autoptr(Conn) conn = conn_open (self->path, FALSE, TRUE, error);
  sqlite3_stmt *s;
  int rc;

  *count = 0;
  if (conn == NULL)
    return FALSE;
  /* One snapshot: the server may go on writing while this reads. */
  exec (conn, "BEGIN", NULL);
  s = stmt (conn, CARE_SQL_EXPORT_CLIENT);
  bind_text (s, 1, client);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      g_string_append (out, "{\"id\":");
      care_json_append_string (out, (const char *) sqlite3_column_text (s, 0));
      g_string_append (out, ",\"device\":");
      care_json_append_string (out, (const char *) sqlite3_column_text (s, 1));
      g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT ",\"author\":", (gint64) sqlite3_column_int64 (s, 2));
      care_json_append_string (out, (const char *) sqlite3_column_text (s, 3));
      g_string_append_printf (out, ",\"hlc\":%" G_GINT64_FORMAT ",\"wall\":%" G_GINT64_FORMAT ",\"type\":",
                              (gint64) sqlite3_column_int64 (s, 4), (gint64) sqlite3_column_int64 (s, 5));
      care_json_append_string (out, (const char *) sqlite3_column_text (s, 6));
      /* The body was validated JSON when it was stored. */
      g_string_append_printf (out, ",\"body\":%s,\"received\":%" G_GINT64_FORMAT "}\n",
                              (const char *) sqlite3_column_text (s, 7), (gint64) sqlite3_column_int64 (s, 8));
      (*count)++;
    }
  sqlite3_reset (s);
  exec (conn, "COMMIT", NULL);
  if (rc != SQLITE_DONE)
    {
      sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot read the co-op database");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_is_assigned (CareServerStore *store,
                    const char      *client,
                    const char      *carer)
{
  SqliteStore *self = (SqliteStore *) store;
  gboolean found;

  g_mutex_lock (&self->write_lock);
  found = is_assigned (self->writer, client, carer);
  g_mutex_unlock (&self->write_lock);
  return found;
}

static gboolean
sqlite_member_is_active (CareServerStore *store,
                         const char      *member)
{
  return row_exists ((SqliteStore *) store,
                     "SELECT 1 FROM members WHERE member = ?1 AND active = 1", member);
}

static char *
sqlite_create_enrolment (CareServerStore *store,
                         const char      *member,
                         gint64           expires,
                         GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  g_autofree char *hash = NULL;
  g_autofree char *code = care_server_store_new_enrolment_code (&hash);
  sqlite3_stmt *s;
  gboolean ok;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "INSERT INTO enrolments (code_hash, member, created, expires) VALUES (?1, ?2, ?3, ?4)");
  bind_text (s, 1, hash);
  bind_text (s, 2, member);
  sqlite3_bind_int64 (s, 3, now_ms ());
  sqlite3_bind_int64 (s, 4, expires);
  ok = sqlite3_step (s) == SQLITE_DONE;
  if (!ok)
    sql_failed (self->writer, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot store the enrolment code");
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  return ok ? g_steal_pointer (&code) : NULL;
}

static gboolean
sqlite_revoke_device (CareServerStore *store,
                      const char      *device,
                      CareRevokeMode   mode,
                      GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *s;
  gboolean ok;

  g_return_val_if_fail (mode == CARE_REVOKE_ERASE || mode == CARE_REVOKE_RETIRE, FALSE);
  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "UPDATE devices SET revoked = ?2, revoke_mode = ?3 WHERE device = ?1 AND revoked = 0");
  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, now_ms ());
  bind_text (s, 3, care_revoke_mode_to_string (mode));
  ok = sqlite3_step (s) == SQLITE_DONE && sqlite3_changes (self->writer->db) == 1;
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  if (!ok)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "There is no enrolled, unrevoked device “%s”; see “carelog-server device list”.", device);
      return FALSE;
    }
  /* So that a restore from an older backup revokes it again. */
  if (!care_server_journal_revoked (self->dir, device, care_revoke_mode_to_string (mode), now_ms (), error))
    {
      g_prefix_error (error, "Device %s is revoked, but a restore from an older backup would let it in again: ", device);
      return FALSE;
    }
  return TRUE;
}

static void
sqlite_set_device_storage (CareServerStore *store,
                           const char      *device,
                           const char      *storage)
{
  SqliteStore *self = (SqliteStore *) store;
  sqlite3_stmt *s;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "UPDATE devices SET storage = ?2 WHERE device = ?1 AND storage IS NOT ?2");
  bind_text (s, 1, device);
  bind_text (s, 2, storage);
  if (sqlite3_step (s) != SQLITE_DONE)
    g_debug ("Cannot record device %s's storage: %s", device, sqlite3_errmsg (self->writer->db));
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
}

static gboolean
sqlite_confirm_erased (CareServerStore *store,
                       const char      *device,
                       const char      *key,
                       GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  g_autofree char *hash = care_server_sha256_hex (key ? key : "");
  sqlite3_stmt *s;
  gboolean ok = FALSE;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "SELECT key_hash, revoked FROM devices WHERE device = ?1");
  bind_text (s, 1, device);
  if (sqlite3_step (s) == SQLITE_ROW)
    ok = care_protocol_equal_constant_time ((const char *) sqlite3_column_text (s, 0), hash)
         && sqlite3_column_int64 (s, 1) != 0;
  sqlite3_reset (s);
  if (ok)
    {
      s = stmt (self->writer, "UPDATE devices SET erased = ?2 WHERE device = ?1 AND erased = 0");
      bind_text (s, 1, device);
      sqlite3_bind_int64 (s, 2, now_ms ());
      ok = sqlite3_step (s) == SQLITE_DONE;
      sqlite3_reset (s);
      if (!ok)
        sql_failed (self->writer, error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER, "Cannot record the erasure");
    }
  else
    g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                         "Only a revoked tablet, with its own key, can say it has erased its care records.");
  g_mutex_unlock (&self->write_lock);
  return ok;
}

static GPtrArray *
sqlite_list_devices (CareServerStore *store,
                     GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_device_info_free);
  sqlite3_stmt *s, *count_all, *count_carer;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "SELECT d.device, d.member, d.name, m.role, d.revoked, d.enrolled, d.last_contact,"
                          " d.acked_seq, d.pulled_pos, d.rejected, d.revoke_mode, d.erased, d.storage FROM devices d"
                          " LEFT JOIN members m ON m.member = d.member ORDER BY d.member, d.enrolled");
  while (sqlite3_step (s) == SQLITE_ROW)
    {
      CareDeviceInfo *info = g_new0 (CareDeviceInfo, 1);
      gint64 pulled = sqlite3_column_int64 (s, 8);

      info->device = g_strdup ((const char *) sqlite3_column_text (s, 0));
      info->member = g_strdup ((const char *) sqlite3_column_text (s, 1));
      info->name = g_strdup ((const char *) sqlite3_column_text (s, 2));
      info->role = care_role_from_string ((const char *) sqlite3_column_text (s, 3));
      info->revoked = sqlite3_column_int64 (s, 4) != 0;
      info->enrolled = sqlite3_column_int64 (s, 5);
      info->last_contact = sqlite3_column_int64 (s, 6);
      info->acked_seq = sqlite3_column_int64 (s, 7);
      info->rejected = sqlite3_column_int64 (s, 9);
      info->revoke_mode = care_revoke_mode_from_string ((const char *) sqlite3_column_text (s, 10));
      info->erased = sqlite3_column_int64 (s, 11);
      info->storage = g_strdup ((const char *) sqlite3_column_text (s, 12));
      if (info->role == CARE_ROLE_CARER || info->role == CARE_ROLE_FAMILY)
        {
          count_carer = stmt (self->writer, info->role == CARE_ROLE_FAMILY
                                            ? CARE_SQL_PENDING_FAMILY : CARE_SQL_PENDING_CARER);
          sqlite3_bind_int64 (count_carer, 1, pulled);
          bind_text (count_carer, 3, info->member);
          bind_text (count_carer, 4, info->device);
          if (sqlite3_step (count_carer) == SQLITE_ROW)
            info->pending = sqlite3_column_int64 (count_carer, 0);
          sqlite3_reset (count_carer);
        }
      else
        {
          count_all = stmt (self->writer, CARE_SQL_PENDING_ALL);
          sqlite3_bind_int64 (count_all, 1, pulled);
          bind_text (count_all, 4, info->device);
          if (sqlite3_step (count_all) == SQLITE_ROW)
            info->pending = sqlite3_column_int64 (count_all, 0);
          sqlite3_reset (count_all);
        }
      g_ptr_array_add (out, info);
    }
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  return out;
}

static GPtrArray *
sqlite_list_rejections (CareServerStore *store,
                        const char      *device,
                        GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_rejection_free);
  sqlite3_stmt *s;

  g_mutex_lock (&self->write_lock);
  s = stmt (self->writer, "SELECT " REJECTION_COLUMNS " WHERE ?1 IS NULL OR r.device = ?1"
                          " ORDER BY r.at, r.device, r.seq");
  bind_text (s, 1, device);
  while (sqlite3_step (s) == SQLITE_ROW)
    g_ptr_array_add (out, rejection_from_row (s));
  sqlite3_reset (s);
  g_mutex_unlock (&self->write_lock);
  return out;
}

static char *
sqlite_get_meta (CareServerStore *store,
                 const char      *key)
{
  SqliteStore *self = (SqliteStore *) store;
  char *value;

  g_mutex_lock (&self->write_lock);
  value = meta_get (self->writer, key);
  g_mutex_unlock (&self->write_lock);
  return value;
}

static gboolean
sqlite_set_meta (CareServerStore *store,
                 const char      *key,
                 const char      *value,
                 GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  gboolean ok;

  g_mutex_lock (&self->write_lock);
  ok = meta_set (self->writer, key, value);
  if (!ok)
    sql_failed (self->writer, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot save a setting");
  g_mutex_unlock (&self->write_lock);
  return ok;
}

static gboolean
copy_database (sqlite3    *from,
               sqlite3    *to,
               GError    **error)
{
  sqlite3_backup *b = sqlite3_backup_init (to, "main", from, "main");
  int rc;

  if (b == NULL)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot start the copy: %s", sqlite3_errmsg (to));
      return FALSE;
    }
  do
    {
      rc = sqlite3_backup_step (b, 1024);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        g_usleep (10000);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (b);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The copy failed: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_backup (CareServerStore *store,
               const char      *path,
               GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  sqlite3 *to = NULL;
  g_autoptr(Conn) src = NULL;
  gboolean ok;

  /* A reader connection: the server keeps writing while the copy runs,
   * and the copy is of one consistent snapshot. */
  src = conn_open (self->path, FALSE, TRUE, error);
  if (src == NULL)
    return FALSE;
  g_unlink (tmp);
  if (!care_private_create (tmp, error))
    return FALSE;
  if (sqlite3_open_v2 (tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot create %s: %s", tmp, sqlite3_errmsg (to));
      sqlite3_close (to);
      return FALSE;
    }
  exec (src, "BEGIN", NULL);
  ok = copy_database (src->db, to, error);
  exec (src, "COMMIT", NULL);
  if (ok)
    ok = sqlite3_exec (to, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;", NULL, NULL, NULL) == SQLITE_OK;
  sqlite3_close (to);
  if (ok && g_rename (tmp, path) != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot rename %s to %s: %s",
                   tmp, path, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}

static void
sqlite_checkpoint (CareServerStore *store)
{
  SqliteStore *self = (SqliteStore *) store;

  if (self->checkpointer == NULL)
    {
      self->checkpointer = conn_open (self->path, FALSE, FALSE, NULL);
      if (self->checkpointer == NULL)
        return;
      /* From now on the writer leaves checkpoints to this connection. */
      g_mutex_lock (&self->write_lock);
      sqlite3_wal_autocheckpoint (self->writer->db, 0);
      g_mutex_unlock (&self->write_lock);
    }
  sqlite3_wal_checkpoint_v2 (self->checkpointer->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void
sqlite_close (CareServerStore *store)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn;

  if (self->prefetcher != NULL)
    g_thread_pool_free (self->prefetcher, TRUE, TRUE);
  prefetch_free (self->cache);
  g_mutex_clear (&self->cache_lock);
  while ((conn = g_async_queue_try_pop (self->readers)) != NULL)
    conn_free (conn);
  g_async_queue_unref (self->readers);
  conn_free (self->writer);
  conn_free (self->checkpointer);
  g_mutex_clear (&self->write_lock);
  g_free (self->dir);
  g_free (self->path);
  g_free (self->epoch);
  g_free (self);
}

static GBytes *sqlite_log_leaves (CareServerStore *store, guint64 from, guint64 *size, GError **error);
static gboolean sqlite_ping (CareServerStore *store, GError **error);
static gboolean sqlite_signed_head_after (CareServerStore *store, const char *device, gint64 seq,
                                          gint64 *head_seq, char **head, char **signature);

static const CareServerStoreVTable sqlite_vtable = {
  .close = sqlite_close,
  .lookup_device = sqlite_lookup_device,
  .tx_begin = sqlite_tx_begin,
  .tx_commit = sqlite_tx_commit,
  .tx_rollback = sqlite_tx_rollback,
  .tx_savepoint = sqlite_tx_savepoint,
  .tx_rollback_savepoint = sqlite_tx_rollback_savepoint,
  .tx_release_savepoint = sqlite_tx_release_savepoint,
  .tx_device = sqlite_tx_device,
  .tx_event = sqlite_tx_event,
  .tx_history = sqlite_tx_history,
  .tx_is_assigned = sqlite_tx_is_assigned,
  .tx_schedule_carer = sqlite_tx_schedule_carer,
  .tx_review = sqlite_tx_review,
  .tx_insert = sqlite_tx_insert,
  .tx_reject = sqlite_tx_reject,
  .tx_record_hash = sqlite_tx_record_hash,
  .tx_set_sign_key = sqlite_tx_set_sign_key,
  .tx_add_signature = sqlite_tx_add_signature,
  .feed_verifier = sqlite_feed_verifier,
  .tx_update_device = sqlite_tx_update_device,
  .pull = sqlite_pull,
  .touch = sqlite_touch,
  .enrol = sqlite_enrol,
  .append_server_record = sqlite_append_server_record,
  .append_server_records = sqlite_append_server_records,
  .client_records = sqlite_client_records,
  .schedule_client = sqlite_schedule_client,
  .member_exists = sqlite_member_exists,
  .client_exists = sqlite_client_exists,
  .create_enrolment = sqlite_create_enrolment,
  .revoke_device = sqlite_revoke_device,
  .confirm_erased = sqlite_confirm_erased,
  .set_device_storage = sqlite_set_device_storage,
  .export_client = sqlite_export_client,
  .list_devices = sqlite_list_devices,
  .list_rejections = sqlite_list_rejections,
  .tx_open_refusal = sqlite_tx_open_refusal,
  .tx_refusal = sqlite_tx_refusal,
  .tx_held_behind = sqlite_tx_held_behind,
  .tx_resolve_refusal = sqlite_tx_resolve_refusal,
  .tx_append_server_record = sqlite_tx_append_server_record,
  .get_meta = sqlite_get_meta,
  .set_meta = sqlite_set_meta,
  .checkpoint = sqlite_checkpoint,
  .backup = sqlite_backup,
  .is_assigned = sqlite_is_assigned,
  .member_is_active = sqlite_member_is_active,
  .ping = sqlite_ping,
  .log_leaves = sqlite_log_leaves,
  .signed_head_after = sqlite_signed_head_after,
};

/* A co-op that upgrades to the co-op log (migration 9) starts it with
 * every record it holds, in the order it stored them. */
static gboolean
backfill_log (Conn *conn)
{
  sqlite3_stmt *s = stmt (conn, "SELECT " EVENT_COLUMNS ", hash FROM events ORDER BY pos");
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (s, 10) != SQLITE_NULL)
        g_ptr_array_add (hashes, g_strdup ((const char *) sqlite3_column_text (s, 10)));
      else
        {
          g_autoptr(CareEvent) e = event_from_row (s, 0);

          g_ptr_array_add (hashes, care_event_hash (e));
        }
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return FALSE;
  for (guint i = 0; i < hashes->len; i++)
    {
      s = stmt (conn, "INSERT INTO log (hash) VALUES (?1)");
      bind_text (s, 1, g_ptr_array_index (hashes, i));
      if (sqlite3_step (s) != SQLITE_DONE)
        return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_ping (CareServerStore *store,
             GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = reader_get (self, error);
  sqlite3_stmt *s;
  int rc;

  if (conn == NULL)
    return FALSE;
  s = stmt (conn, "SELECT count(*) FROM meta");
  rc = s != NULL ? sqlite3_step (s) : SQLITE_ERROR;
  if (rc != SQLITE_ROW)
    g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database cannot be read: %s",
                 sqlite3_errmsg (conn->db));
  if (s != NULL)
    sqlite3_reset (s);
  g_async_queue_push (self->readers, conn);
  return rc == SQLITE_ROW;
}

/* The co-op log's leaves, in one snapshot: SHA-256(0x00 || record hash),
 * 32 bytes each (docs/verifying-records.md). */
static GBytes *
sqlite_log_leaves (CareServerStore *store,
                   guint64          from,
                   guint64         *size,
                   GError         **error)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = reader_get (self, error);
  g_autoptr(GByteArray) leaves = NULL;
  sqlite3_stmt *s;
  int rc;

  *size = 0;
  if (conn == NULL)
    return NULL;
  leaves = g_byte_array_new ();
  s = stmt (conn, "SELECT hash FROM log WHERE idx > ?1 ORDER BY idx");
  sqlite3_bind_int64 (s, 1, (gint64) from);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      guint8 raw[CARE_LOG_HASH_SIZE], leaf[CARE_LOG_HASH_SIZE];

      if (!care_base64url_decode ((const char *) sqlite3_column_text (s, 0), raw, sizeof raw))
        memset (raw, 0, sizeof raw);   /* a damaged row: the root will not match, verify says so */
      care_log_leaf_hash (raw, sizeof raw, leaf);
      g_byte_array_append (leaves, leaf, sizeof leaf);
    }
  sqlite3_reset (s);
  g_async_queue_push (self->readers, conn);
  if (rc != SQLITE_DONE)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                           "The co-op server cannot read its log just now; try again in a minute.");
      return NULL;
    }
  *size = from + leaves->len / CARE_LOG_HASH_SIZE;
  return g_byte_array_free_to_bytes (g_steal_pointer (&leaves));
}

static gboolean
sqlite_signed_head_after (CareServerStore *store,
                          const char      *device,
                          gint64           seq,
                          gint64          *head_seq,
                          char           **head,
                          char           **signature)
{
  SqliteStore *self = (SqliteStore *) store;
  Conn *conn = reader_get (self, NULL);
  sqlite3_stmt *s;
  gboolean found;

  if (conn == NULL)
    return FALSE;
  s = stmt (conn, "SELECT seq, head, signature FROM signatures WHERE device = ?1 AND seq >= ?2 ORDER BY seq LIMIT 1");
  bind_text (s, 1, device);
  sqlite3_bind_int64 (s, 2, seq);
  found = sqlite3_step (s) == SQLITE_ROW;
  if (found)
    {
      *head_seq = sqlite3_column_int64 (s, 0);
      *head = g_strdup ((const char *) sqlite3_column_text (s, 1));
      *signature = g_strdup ((const char *) sqlite3_column_text (s, 2));
    }
  sqlite3_reset (s);
  g_async_queue_push (self->readers, conn);
  return found;
}

static gboolean
migrate (Conn       *conn,
         const char *timezone,
         GError    **error)
{
  sqlite3_stmt *s = stmt (conn, "PRAGMA user_version");
  int version = 0;

  if (sqlite3_step (s) == SQLITE_ROW)
    version = sqlite3_column_int (s, 0);
  sqlite3_reset (s);
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                   "This co-op database was written by a newer carelog-server (schema %d); update carelog-server.", version);
      return FALSE;
    }
  if (version == SCHEMA_VERSION)
    return TRUE;
  if (!exec (conn, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (int v = version; v < SCHEMA_VERSION; v++)
    if (!exec (conn, schema[v], error))
      {
        exec (conn, "ROLLBACK", NULL);
        return FALSE;
      }
  if (version > 0 && version < 9 && !backfill_log (conn))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                   "Could not start the co-op log from the stored records: %s", sqlite3_errmsg (conn->db));
      exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }
  if (version == 0)
    {
      g_autofree char *epoch = care_server_store_new_epoch ();

      meta_set (conn, "epoch", epoch);
      meta_set (conn, "timezone", timezone ? timezone : "UTC");
      meta_set (conn, "coop_seq", "0");
    }
  {
    g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);

    if (!exec (conn, pragma, error))
      {
        exec (conn, "ROLLBACK", NULL);
        return FALSE;
      }
  }
  return exec (conn, "COMMIT", error);
}

CareServerStore *
care_server_sqlite_open (const char *dir,
                         gboolean    create,
                         const char *timezone,
                         GError    **error)
{
  SqliteStore *self;
  g_autofree char *path = g_build_filename (dir, "carelog.db", NULL);

  if (create)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_EXISTS,
                       "%s already holds a co-op database; choose another directory.", dir);
          return NULL;
        }
      if (!care_private_mkdir (dir, error))
        return NULL;
    }
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "%s holds no co-op database; create one with “carelog-server init %s”.", dir, dir);
      return NULL;
    }
  self = g_new0 (SqliteStore, 1);
  self->parent.vtable = &sqlite_vtable;
  self->dir = g_strdup (dir);
  self->path = g_steal_pointer (&path);
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->cache_lock);
  self->readers = g_async_queue_new ();
  self->prefetcher = g_thread_pool_new (prefetch_func, self, 1, FALSE, NULL);
  self->writer = conn_open (self->path, create, FALSE, error);
  if (self->writer == NULL)
    {
      sqlite_close (&self->parent);
      return NULL;
    }
  if (!exec (self->writer, "PRAGMA journal_mode=WAL", error) || !migrate (self->writer, timezone, error))
    {
      sqlite_close (&self->parent);
      return NULL;
    }
  self->epoch = meta_get (self->writer, "epoch");
  return &self->parent;
}

static gboolean
row_found (Conn       *conn,
           const char *sql,
           const char *value)
{
  sqlite3_stmt *s = stmt (conn, sql);
  gboolean found;

  bind_text (s, 1, value);
  found = sqlite3_step (s) == SQLITE_ROW;
  sqlite3_reset (s);
  return found;
}

gboolean
care_server_sqlite_restore (const char *dir,
                            const char *path,
                            char      **summary,
                            GError    **error)
{
  g_autofree char *db_path = g_build_filename (dir, "carelog.db", NULL);
  g_autoptr(Conn) from = NULL;
  g_autoptr(Conn) to = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GString) report = g_string_new (NULL);

  from = conn_open (path, FALSE, TRUE, error);
  if (from == NULL)
    return FALSE;
  if (!exec (from, "SELECT value FROM meta WHERE key = 'epoch'", NULL))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID, "%s is not a Carelog co-op backup.", path);
      return FALSE;
    }
  /* A journal that cannot be read stops the restore before it replaces
   * anything. */
  journal = care_server_journal_read (dir, error);
  if (journal == NULL)
    return FALSE;
  to = conn_open (db_path, TRUE, FALSE, error);
  if (to == NULL)
    return FALSE;
  if (!copy_database (from->db, to->db, error))
    return FALSE;
  if (!exec (to, "PRAGMA journal_mode=WAL", error) || !exec (to, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!care_server_core_restored (&sqlite_sql, to, dir, report, error) || !exec (to, "COMMIT", error))
    {
      exec (to, "ROLLBACK", NULL);
      return FALSE;
    }
  if (summary != NULL)
    *summary = g_string_free (g_steal_pointer (&report), FALSE);
  return TRUE;
}
