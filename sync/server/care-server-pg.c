/* care-server-pg.c: the co-op server's PostgreSQL store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same tables as the SQLite store (care-server-sqlite.c), in a
 * PostgreSQL database named in the data directory's store.ini, so that
 * several carelog-server processes, on one machine or several, serve one
 * co-op. A pool of connections, each used by one thread at a time; every
 * statement is prepared once per connection and run with bound parameters.
 * The rules of the derived tables and the scopes' SQL are the core's and
 * care-server-sql.h's, shared with the SQLite store.
 *
 * Positions in commit order (docs/sync-protocol.md, "Positions with
 * several server processes"): every write transaction takes one
 * transaction-level advisory lock before it reads the last position, and
 * keeps it until its commit, so positions are handed out in the order the
 * transactions commit, whichever process writes.
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "care-private.h"
#include "care-chain.h"
#include "care-server-core.h"
#include "care-server-journal.h"
#include "care-server-log.h"
#include "care-server-pg.h"
#include "care-server-sql.h"
#include "care-server-store.h"

/* The key of the advisory lock every write transaction holds ("carelog"). */
#define WRITE_LOCK "7233188470834015079"
#define INT8OID 20
#define TEXTOID 25

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

typedef struct
{
  PGconn *pg;
  GHashTable *prepared;   /* const char *sql → statement name */
  guint n_prepared;
  /* Writes sent in pipeline mode whose results are not read yet (queue,
   * flush); failed: one of them failed, so the transaction is aborted. */
  guint pending;
  gboolean failed;
  /* Records to insert, sent as one statement (flush_rows): EVENT_ROW
   * values each, NULL for SQL NULL. */
  GPtrArray *rows;
  GPtrArray *visit_rows;  /* the visits table's new rows: visit, client, carer */
} Conn;

#define EVENT_ROW 17

typedef struct
{
  CareServerStore parent;
  char *dir;
  char *url;
  GAsyncQueue *pool;
  char *epoch;
  /* Other processes' commits (watch): a listening connection's thread. */
  char *token;                       /* this process's, in its notifications */
  GMutex watch_lock;
  void (*changed) (gpointer data);
  gpointer changed_data;
  GThread *listener;
  gint stop_listening;
} PgStore;

/* What a write transaction has read or written, so that a push's rows
 * are read in a few statements (pg_tx_expect) and not one round trip per
 * record and question. Only complete answers are kept: a key is present
 * when its whole answer is known (NULL value: known to be absent). The
 * transaction holds the write lock, so no other writer changes them; its
 * own writes update them; a rolled-back push forgets them all. */
typedef struct
{
  GHashTable *events;     /* id → CareEvent, or NULL: no such record */
  GHashTable *history;    /* subject → GPtrArray of CareStoredEvent, every type, position order */
  GHashTable *devices;    /* device → its CareDeviceRow */
  GHashTable *open;       /* device → the set of subjects it has no open refusal about */
  GHashTable *visits;     /* visit → char *[2] { client, carer }, or NULL: no such visit */
  CareServerMemo *memo;   /* the core's (care_server_core_apply) */
  GHashTable *assigned;   /* "client\x1fcarer" → GINT_TO_POINTER (1 + assigned) */
} Cache;

struct _CareServerTx
{
  PgStore *store;
  Conn *conn;
  gint64 first_pos;                 /* the first position it had */
  gint64 next_pos, next_idx;        /* the next record's position and log index */
  gint64 saved_pos, saved_idx;      /* at the push's savepoint */
  Cache cache;
};

#define T " TEXT COLLATE \"C\""

/* Numbered migrations: migration N brings a database from version N - 1
 * to N (meta "schema"). 1 is the SQLite store's schema 9. */
static const char *migrations[] = {
  /* 1 */
  "CREATE FUNCTION json_extract (doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
  "  AS $$ SELECT (doc::jsonb) ->> substr (path, 3) $$;"
  "CREATE TABLE meta (key" T " PRIMARY KEY, value" T " NOT NULL);"
  "CREATE TABLE events (pos BIGINT PRIMARY KEY, id" T " NOT NULL UNIQUE, device" T " NOT NULL,"
  "  seq BIGINT NOT NULL, author" T " NOT NULL, hlc BIGINT NOT NULL, wall BIGINT NOT NULL,"
  "  type" T " NOT NULL, client" T ", carer" T ", body" T " NOT NULL, received BIGINT NOT NULL,"
  "  subject" T ", link" T ", hash" T ");"
  "CREATE UNIQUE INDEX events_device_seq ON events (device, seq);"
  "CREATE INDEX events_client ON events (client, pos) WHERE client IS NOT NULL;"
  "CREATE INDEX events_subject ON events (subject, pos) WHERE subject IS NOT NULL;"
  "CREATE TABLE members (member" T " PRIMARY KEY, name" T " NOT NULL, role" T " NOT NULL,"
  "  active INTEGER NOT NULL, scope_version BIGINT NOT NULL DEFAULT 0);"
  "CREATE TABLE clients (client" T " PRIMARY KEY, name" T " NOT NULL, address" T " NOT NULL,"
  "  active INTEGER NOT NULL);"
  "CREATE TABLE assignments (client" T " NOT NULL, carer" T " NOT NULL, active INTEGER NOT NULL,"
  "  PRIMARY KEY (client, carer));"
  "CREATE INDEX assignments_carer ON assignments (carer, client);"
  "CREATE TABLE schedules (schedule" T " PRIMARY KEY, client" T " NOT NULL, carer" T " NOT NULL);"
  "CREATE TABLE visits (visit" T " PRIMARY KEY, client" T " NOT NULL, carer" T " NOT NULL);"
  "CREATE INDEX visits_client_carer ON visits (client, carer);"
  "CREATE TABLE reviews (review" T " PRIMARY KEY, visit" T ", client" T ", carer" T ", action" T ");"
  "CREATE TABLE devices (device" T " PRIMARY KEY, member" T " NOT NULL, name" T " NOT NULL,"
  "  key_hash" T " NOT NULL, enrolled BIGINT NOT NULL, revoked BIGINT NOT NULL DEFAULT 0,"
  "  last_contact BIGINT NOT NULL DEFAULT 0, acked_seq BIGINT NOT NULL DEFAULT 0,"
  "  pulled_pos BIGINT NOT NULL DEFAULT 0, rejected BIGINT NOT NULL DEFAULT 0, revoke_mode" T ","
  "  erased BIGINT NOT NULL DEFAULT 0, storage" T ", head" T ", sign_key" T ");"
  "CREATE TABLE enrolments (code_hash" T " PRIMARY KEY, member" T " NOT NULL, created BIGINT NOT NULL,"
  "  expires BIGINT NOT NULL, used BIGINT NOT NULL DEFAULT 0);"
  "CREATE TABLE rejections (device" T " NOT NULL, seq BIGINT NOT NULL, id" T ", code" T " NOT NULL,"
  "  message" T " NOT NULL, at BIGINT NOT NULL, hash" T ", record" T ", subject" T ","
  "  state" T " NOT NULL DEFAULT 'open', behind" T ", resolution" T ", resolved_by" T ", resolved_at BIGINT);"
  "CREATE INDEX rejections_device ON rejections (device, seq);"
  "CREATE INDEX rejections_open ON rejections (device, subject, seq) WHERE state IN ('open', 'held');"
  "CREATE TABLE signatures (device" T " NOT NULL, seq BIGINT NOT NULL, head" T " NOT NULL,"
  "  signature" T " NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (device, seq));"
  "CREATE TABLE readership (client" T " NOT NULL, category" T " NOT NULL, readers" T " NOT NULL,"
  "  PRIMARY KEY (client, category));"
  "CREATE TABLE log (idx BIGINT PRIMARY KEY, hash" T " NOT NULL);"
  "CREATE INDEX log_hash ON log (hash);",
  /* 2: each device's latest run of positions that are all its own records
   * (CARE_SQL_OWN_RANGE), which its pulls start past (SQLite's 11). */
  "ALTER TABLE devices ADD COLUMN own_from BIGINT NOT NULL DEFAULT 0;"
  "ALTER TABLE devices ADD COLUMN own_to BIGINT NOT NULL DEFAULT 0;",
  /* 3: a record's place in the co-op log is found in each process's
   * CareLogTree; nothing reads this index and it costs ingest (random keys
   * dirty about one index page per record per commit). */
  "DROP INDEX log_hash;",
  /* 4: records are looked up by client only for a client's roster
   * (pg_client_records); the index of every record by client cost an
   * entry per visit record (SQLite's 12). */
  "DROP INDEX events_client;"
  "CREATE INDEX events_client_roster ON events (client, type) WHERE client IS NOT NULL"
  "  AND " CARE_SQL_ROSTER_TYPES ";",
};

/* ---- helpers ---- */

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* A number as a text parameter, in a caller's buffer. */
typedef char Num[24];

static const char *
num (Num    buf,
     gint64 value)
{
  g_snprintf (buf, sizeof (Num), "%" G_GINT64_FORMAT, value);
  return buf;
}

static gint64
get_i64 (const PGresult *r,
         int             row,
         int             col)
{
  return PQgetisnull (r, row, col) ? 0 : g_ascii_strtoll (PQgetvalue (r, row, col), NULL, 10);
}

static char *
get_text (const PGresult *r,
          int             row,
          int             col)
{
  return PQgetisnull (r, row, col) ? NULL : g_strdup (PQgetvalue (r, row, col));
}

static const char *
peek_text (const PGresult *r,
           int             row,
           int             col)
{
  return PQgetisnull (r, row, col) ? NULL : PQgetvalue (r, row, col);
}

/* ?N → $N, outside quoted literals (care-server-sql.h writes ?N). */
static char *
translate (const char *sql)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  gboolean quoted = FALSE;

  for (const char *p = sql; *p; p++)
    {
      if (*p == '\'')
        quoted = !quoted;
      g_string_append_c (out, !quoted && *p == '?' && g_ascii_isdigit (p[1]) ? '$' : *p);
    }
  return g_string_free (out, FALSE);
}

/* Appends value to a PostgreSQL array literal (NULL: SQL NULL). */
static void
array_add (GString    *out,
           const char *value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  if (value == NULL)
    {
      g_string_append (out, "NULL");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = value; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static void
row_free (gpointer data)
{
  char **row = data;

  for (guint i = 0; i < EVENT_ROW; i++)
    g_free (row[i]);
  g_free (row);
}

static void
visit_row_free (gpointer data)
{
  char **row = data;

  for (guint i = 0; i < 3; i++)
    g_free (row[i]);
  g_free (row);
}

/* The column j of rows (each an array of strings) as an array literal. */
static char *
column_array (GPtrArray *rows,
              guint      j)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; i < rows->len; i++)
    array_add (out, ((char **) rows->pdata[i])[j]);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
conn_free (Conn *conn)
{
  if (conn == NULL)
    return;
  PQfinish (conn->pg);
  g_hash_table_unref (conn->prepared);
  g_ptr_array_unref (conn->rows);
  g_ptr_array_unref (conn->visit_rows);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static void
notice_ignore (void       *arg,
               const char *message)
{
}

static Conn *
conn_open (const char *url,
           GError    **error)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->prepared = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  conn->rows = g_ptr_array_new_with_free_func (row_free);
  conn->visit_rows = g_ptr_array_new_with_free_func (visit_row_free);
  conn->pg = PQconnectdb (url);
  if (PQstatus (conn->pg) != CONNECTION_OK)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                   "Cannot connect to the co-op's PostgreSQL database: %s", PQerrorMessage (conn->pg));
      conn_free (conn);
      return NULL;
    }
  PQsetNoticeProcessor (conn->pg, notice_ignore, NULL);
  return conn;
}

static Conn *
conn_get (PgStore *self,
          GError **error)
{
  Conn *conn = g_async_queue_try_pop (self->pool);

  if (conn != NULL && PQstatus (conn->pg) != CONNECTION_OK)
    {
      conn_free (conn);
      conn = NULL;
    }
  if (conn == NULL)
    conn = conn_open (self->url, error);
  return conn;
}

static void
conn_put (PgStore *self,
          Conn    *conn)
{
  /* A connection left inside a transaction (a failure half-way) is not
   * handed out again. */
  if (conn == NULL)
    return;
  if (PQstatus (conn->pg) != CONNECTION_OK || PQtransactionStatus (conn->pg) != PQTRANS_IDLE)
    conn_free (conn);
  else
    g_async_queue_push (self->pool, conn);
}

/* The name of sql's statement on conn, prepared on first use (types:
 * NULL, or the parameters' type OIDs where PostgreSQL cannot infer them);
 * NULL when it does not prepare. */
static const char *
prepare (Conn               *conn,
         const char         *sql,
         int                 n,
         const unsigned int *types);

static gboolean flush_rows (Conn *conn);

/* Ends the pipeline: sends a sync, reads the results of the queued writes
 * and then of n_keep reads sent after them (into kept, NULL for one that
 * failed), and leaves pipeline mode. One round trip for all of them. FALSE
 * when any failed: the transaction is then aborted, and conn->failed stays
 * set until it is rolled back. */
static gboolean
sync_and_read (Conn      *conn,
               guint      n_keep,
               PGresult **kept)
{
  gboolean good = PQpipelineSync (conn->pg) == 1;
  guint total = conn->pending + n_keep;
  PGresult *r;

  for (guint i = 0; i < n_keep; i++)
    kept[i] = NULL;
  for (guint i = 0; good && i < total; i++)
    {
      /* A statement's result, then NULL. */
      PGresult *first = PQgetResult (conn->pg);
      ExecStatusType st = first != NULL ? PQresultStatus (first) : PGRES_FATAL_ERROR;

      while (first != NULL && (r = PQgetResult (conn->pg)) != NULL)
        PQclear (r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        {
          if (st != PGRES_PIPELINE_ABORTED)
            g_debug ("SQL failed: %s", PQerrorMessage (conn->pg));
          conn->failed = TRUE;
          PQclear (first);
          if (PQstatus (conn->pg) != CONNECTION_OK)
            good = FALSE;
        }
      else if (i >= conn->pending)
        kept[i - conn->pending] = first;
      else
        PQclear (first);
    }
  /* Last, the sync's own result. */
  while (good && (r = PQgetResult (conn->pg)) != NULL)
    {
      ExecStatusType st = PQresultStatus (r);

      PQclear (r);
      if (st == PGRES_PIPELINE_SYNC)
        break;
    }
  conn->pending = 0;
  if (!good || PQexitPipelineMode (conn->pg) != 1)
    conn->failed = TRUE;
  if (conn->failed)
    for (guint i = 0; i < n_keep; i++)
      g_clear_pointer (&kept[i], PQclear);
  return !conn->failed;
}

/* Reads the results of the writes queued on conn (queue) and leaves
 * pipeline mode; FALSE when one failed. */
static gboolean
flush (Conn *conn)
{
  if (!flush_rows (conn))
    return FALSE;
  if (PQpipelineStatus (conn->pg) == PQ_PIPELINE_OFF)
    return !conn->failed;
  return sync_and_read (conn, 0, NULL);
}

/* Enters pipeline mode (queue); FALSE when a queued write failed. */
static gboolean
pipeline (Conn *conn)
{
  return !conn->failed
         && (PQpipelineStatus (conn->pg) != PQ_PIPELINE_OFF || PQenterPipelineMode (conn->pg) == 1);
}

/* Sends a write without waiting for its result (libpq's pipeline mode):
 * flush reads them, before the next read, savepoint or commit. A push's
 * inserts cost one round trip instead of one each. */
static gboolean
queue (Conn               *conn,
       const char         *sql,
       int                 n,
       const char * const *params)
{
  const char *name;

  /* The buffered records first, for a statement that may read them. */
  if ((conn->rows->len > 0 || conn->visit_rows->len > 0)
      && (strstr (sql, "events") != NULL || strstr (sql, "log") != NULL || strstr (sql, "visits") != NULL)
      && !flush_rows (conn))
    return FALSE;
  name = prepare (conn, sql, n, NULL);
  if (name == NULL || !pipeline (conn))
    return FALSE;
  if (PQsendQueryPrepared (conn->pg, name, n, params, NULL, NULL, 0) != 1)
    {
      flush (conn);
      return FALSE;
    }
  /* Bounded, so that neither side's socket buffer fills while the other
   * waits for it. */
  return ++conn->pending < 512 || flush (conn);
}

/* Queues the buffered rows' inserts, one statement per table whatever
 * their number: the co-op log's entries, the records, the new visits. */
static gboolean
flush_rows (Conn *conn)
{
  char *columns[EVENT_ROW];
  gboolean good = TRUE;

  if (conn->rows->len > 0)
    {
      for (guint j = 0; j < EVENT_ROW; j++)
        columns[j] = column_array (conn->rows, j);
      g_ptr_array_set_size (conn->rows, 0);
      good = queue (conn, "INSERT INTO log (idx, hash) SELECT * FROM unnest (?1::bigint[], ?2::text[])", 2,
                    (const char *[]) { columns[15], columns[16] })
             && queue (conn, "INSERT INTO events (pos, id, device, seq, author, hlc, wall, type, client, carer,"
                             " body, received, subject, link, hash) SELECT * FROM unnest (?1::bigint[], ?2::text[],"
                             " ?3::text[], ?4::bigint[], ?5::text[], ?6::bigint[], ?7::bigint[], ?8::text[],"
                             " ?9::text[], ?10::text[], ?11::text[], ?12::bigint[], ?13::text[], ?14::text[],"
                             " ?15::text[])",
                       15, (const char * const *) columns);
      for (guint j = 0; j < EVENT_ROW; j++)
        g_free (columns[j]);
    }
  if (good && conn->visit_rows->len > 0)
    {
      for (guint j = 0; j < 3; j++)
        columns[j] = column_array (conn->visit_rows, j);
      g_ptr_array_set_size (conn->visit_rows, 0);
      /* CARE_SQL_VISIT_ADD's, for many: a visit keeps its first pair. */
      good = queue (conn, "INSERT INTO visits (visit, client, carer) SELECT * FROM unnest (?1::text[], ?2::text[],"
                          " ?3::text[]) ON CONFLICT DO NOTHING", 3, (const char * const *) columns);
      for (guint j = 0; j < 3; j++)
        g_free (columns[j]);
    }
  return good;
}

/* A statement without parameters (SAVEPOINT, ...), queued like a write. */
static gboolean
queue_plain (Conn       *conn,
             const char *sql)
{
  if (!flush_rows (conn) || !pipeline (conn))
    return FALSE;
  if (PQsendQueryParams (conn->pg, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
    {
      flush (conn);
      return FALSE;
    }
  conn->pending++;
  return TRUE;
}

#define QUEUE(conn, sql, ...) \
  queue (conn, sql, G_N_ELEMENTS (((const char *[]) { __VA_ARGS__ })), (const char *[]) { __VA_ARGS__ })

static const char *
prepare (Conn               *conn,
         const char         *sql,
         int                 n,
         const unsigned int *types)
{
  const char *name = g_hash_table_lookup (conn->prepared, sql);
  g_autofree char *text = NULL;
  g_autofree char *new_name = NULL;
  g_autoptr(PGresult) prep = NULL;

  if (name != NULL)
    return name;
  /* Preparing waits for its answer: not inside a pipeline. */
  if (!flush (conn))
    return NULL;
  text = translate (sql);
  new_name = g_strdup_printf ("s%u", conn->n_prepared++);
  prep = PQprepare (conn->pg, new_name, text, types != NULL ? n : 0, types);
  if (PQresultStatus (prep) != PGRES_COMMAND_OK)
    {
      g_debug ("SQL does not prepare: %s: %s", PQresultErrorMessage (prep), text);
      return NULL;
    }
  name = new_name;
  g_hash_table_insert (conn->prepared, (gpointer) sql, g_steal_pointer (&new_name));
  return name;
}

/* Runs sql (prepared once per connection) with text parameters; types:
 * NULL, or the parameters' type OIDs where PostgreSQL cannot infer them.
 * Returns the result, or NULL when the statement failed (or a queued
 * write before it did). */
static PGresult *
run_typed (Conn               *conn,
           const char         *sql,
           int                 n,
           const char * const *params,
           const unsigned int *types)
{
  const char *name;
  PGresult *r;
  ExecStatusType st;

  if (!flush_rows (conn) || (name = prepare (conn, sql, n, types)) == NULL || conn->failed)
    return NULL;
  /* After queued writes: sent behind them, one round trip for all. */
  if (PQpipelineStatus (conn->pg) != PQ_PIPELINE_OFF)
    {
      if (PQsendQueryPrepared (conn->pg, name, n, params, NULL, NULL, 0) != 1)
        {
          flush (conn);
          return NULL;
        }
      sync_and_read (conn, 1, &r);
      return r;
    }
  r = PQexecPrepared (conn->pg, name, n, params, NULL, NULL, 0);
  st = PQresultStatus (r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    {
      g_debug ("SQL failed: %s", PQresultErrorMessage (r));
      PQclear (r);
      return NULL;
    }
  return r;
}

/* Runs n queries in one round trip, each planned for its parameters (for
 * a query over a list of keys, whose generic plan, made while a table was
 * small, could scan the whole table ever after); results[i] is NULL when
 * query i failed. FALSE when any failed. */
static gboolean
run_once_many (Conn                      *conn,
               guint                      n,
               const char * const        *sqls,
               const char * const * const *params,
               const int                 *n_params,
               PGresult                 **results)
{
  if (!flush_rows (conn) || !pipeline (conn))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = translate (sqls[i]);

      if (PQsendQueryParams (conn->pg, text, n_params[i], NULL, params[i], NULL, NULL, 0) != 1)
        {
          flush (conn);
          return FALSE;
        }
    }
  return sync_and_read (conn, n, results);
}

static PGresult *
run (Conn               *conn,
     const char         *sql,
     int                 n,
     const char * const *params)
{
  return run_typed (conn, sql, n, params, NULL);
}

/* Without parameters. */
#define Q0(conn, sql) run (conn, sql, 0, NULL)
#define Q(conn, sql, ...) \
  run (conn, sql, G_N_ELEMENTS (((const char *[]) { __VA_ARGS__ })), (const char *[]) { __VA_ARGS__ })

static gboolean
ok (PGresult *r)
{
  PQclear (r);
  return r != NULL;
}

/* A statement without parameters (BEGIN, COMMIT, ...). A COMMIT after a
 * queued write failed is refused (PostgreSQL would roll back and answer
 * as if it had committed); a ROLLBACK clears the failure. */
static gboolean
exec (Conn       *conn,
      const char *sql,
      GError    **error)
{
  gboolean rollback = g_str_has_prefix (sql, "ROLLBACK");
  gboolean flushed;
  g_autoptr(PGresult) r = NULL;

  /* Records buffered since the savepoint go with what it undoes. */
  if (rollback)
    {
      g_ptr_array_set_size (conn->rows, 0);
      g_ptr_array_set_size (conn->visit_rows, 0);
    }
  flushed = flush (conn);

  if (!flushed && !rollback)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database failed: %s",
                   PQerrorMessage (conn->pg));
      return FALSE;
    }
  r = PQexec (conn->pg, sql);
  if ((PQresultStatus (r) != PGRES_COMMAND_OK && PQresultStatus (r) != PGRES_TUPLES_OK)
      || (g_str_equal (sql, "COMMIT") && g_strcmp0 (PQcmdStatus (r), "COMMIT") != 0))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database failed: %s",
                   PQerrorMessage (conn->pg));
      return FALSE;
    }
  if (rollback)
    conn->failed = FALSE;
  return TRUE;
}

static gboolean
sql_failed (Conn       *conn,
            GError    **error,
            GQuark      domain,
            int         code,
            const char *what)
{
  if (domain == CARE_SYNC_ERROR)
    code = CARE_SYNC_ERROR_SERVER;
  g_set_error (error, domain, code, "%s: %s", what, PQerrorMessage (conn->pg));
  return FALSE;
}

/* The core's SQL runner (care_server_core_apply, _resolve). */
static gint64
sql_exec (gpointer            data,
          const char         *sql,
          guint               n,
          const char * const *params)
{
  g_autoptr(PGresult) r = run (data, sql, (int) n, params);

  return r == NULL ? -1 : g_ascii_strtoll (PQcmdTuples (r), NULL, 10);
}

static gboolean
sql_pair (gpointer    data,
          const char *sql,
          const char *param,
          char      **a,
          char      **b)
{
  g_autoptr(PGresult) r = Q (data, sql, param);

  if (r == NULL || PQntuples (r) == 0)
    return FALSE;
  *a = get_text (r, 0, 0);
  *b = get_text (r, 0, 1);
  return TRUE;
}

static const CareServerSql pg_sql = { sql_exec, sql_pair };

static char *
meta_get (Conn       *conn,
          const char *key)
{
  g_autoptr(PGresult) r = Q (conn, "SELECT value FROM meta WHERE key = ?1", key);

  return r != NULL && PQntuples (r) > 0 ? get_text (r, 0, 0) : NULL;
}

static gboolean
meta_set (Conn       *conn,
          const char *key,
          const char *value)
{
  return ok (Q (conn, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value));
}

/* ---- records ---- */

#define EVENT_COLUMNS "id, device, seq, author, hlc, wall, type, body, received, link"

static CareEvent *
event_from_row (const PGresult *r,
                int             row,
                int             first)
{
  g_autoptr(CareEvent) e = care_event_new ();
  g_autoptr(JsonNode) body = NULL;

  e->id = get_text (r, row, first);
  e->device = get_text (r, row, first + 1);
  e->seq = get_i64 (r, row, first + 2);
  e->author = get_text (r, row, first + 3);
  e->hlc = get_i64 (r, row, first + 4);
  e->wall = get_i64 (r, row, first + 5);
  e->type = care_event_type_from_string (peek_text (r, row, first + 6));
  body = json_from_string (peek_text (r, row, first + 7), NULL);
  e->body = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_dup_object (body) : json_object_new ();
  e->received = get_i64 (r, row, first + 8);
  e->link = get_text (r, row, first + 9);
  return g_steal_pointer (&e);
}

/* A stored record from a row: its position in column col, then the
 * EVENT_COLUMNS. */
static CareStoredEvent *
stored_from_row (const PGresult *r,
                 int             row,
                 int             col)
{
  CareStoredEvent *stored = g_new0 (CareStoredEvent, 1);

  stored->pos = get_i64 (r, row, col);
  stored->event = event_from_row (r, row, col + 1);
  return stored;
}

static void cache_inserted (CareServerTx    *tx,
                            const CareEvent *e,
                            gint64           pos,
                            gint64           received,
                            const char      *subject);

static const CareServerSql pg_tx_sql;

/* Stores a record at the transaction's next position, appends it to the
 * co-op log (the next index) and updates the derived tables. The writes
 * are buffered or queued (flush_rows, queue): a failure shows at the
 * transaction's next read or its commit, which then fails. */
static gboolean
insert_event (CareServerTx    *tx,
              const CareEvent *e,
              const char      *client,
              const char      *carer,
              gint64           received,
              const char      *known_hash)
{
  g_autofree char *body = care_json_object_to_string (e->body);
  g_autofree char *computed = e->link != NULL && known_hash == NULL ? care_event_hash (e) : NULL;
  g_autofree char *log_hash = NULL;
  const char *hash = e->link == NULL ? NULL : known_hash != NULL ? known_hash : computed;
  const char *subject = care_event_type_is_roster (e->type) ? NULL : care_event_get_subject (e);
  Num pos, seq, hlc, wall, rec, idx;

  /* A record from before the chain has no stored hash; its hash is still
   * defined (app/care-chain.h). Records are buffered and inserted with
   * their places in the co-op log in two statements per push (flush_rows). */
  log_hash = hash == NULL ? care_event_hash (e) : g_strdup (hash);
  {
    char **row = g_new (char *, EVENT_ROW);
    const char *values[EVENT_ROW] = {
      num (pos, tx->next_pos), e->id, e->device, num (seq, e->seq), e->author, num (hlc, e->hlc),
      num (wall, e->wall), care_event_type_to_string (e->type), client, carer, body, num (rec, received), subject,
      e->link, hash, num (idx, tx->next_idx), log_hash,
    };

    for (guint i = 0; i < EVENT_ROW; i++)
      row[i] = g_strdup (values[i]);
    g_ptr_array_add (tx->conn->rows, row);
    if (tx->conn->rows->len >= 1000 && !flush_rows (tx->conn))
      return FALSE;
  }
  cache_inserted (tx, e, tx->next_pos, received, subject);
  tx->next_pos++;
  tx->next_idx++;
  return care_server_core_apply (&pg_tx_sql, tx, tx->cache.memo, e, client, carer);
}

/* ---- devices ---- */

#define DEVICE_SQL \
  "SELECT d.key_hash, d.revoked, d.acked_seq, m.member, m.name, m.role, m.active, m.scope_version," \
  " d.pulled_pos, d.revoke_mode, d.head, d.sign_key FROM devices d JOIN members m ON m.member = d.member" \
  " WHERE d.device = ?1"

static CareDeviceRow *device_from_row (const PGresult *r);

static CareDeviceRow *
device_row_copy (const CareDeviceRow *row)
{
  CareDeviceRow *copy = g_memdup2 (row, sizeof *row);

  copy->key_hash = g_strdup (row->key_hash);
  copy->member = g_strdup (row->member);
  copy->member_name = g_strdup (row->member_name);
  copy->head = g_strdup (row->head);
  copy->sign_key = g_strdup (row->sign_key);
  return copy;
}

static CareDeviceRow *
read_device (Conn       *conn,
             const char *device)
{
  g_autoptr(PGresult) r = Q (conn, DEVICE_SQL, device);

  return r != NULL && PQntuples (r) > 0 ? device_from_row (r) : NULL;
}

static CareDeviceRow *
device_from_row (const PGresult *r)
{
  CareDeviceRow *row = g_new0 (CareDeviceRow, 1);

  row->key_hash = get_text (r, 0, 0);
  row->revoked = get_i64 (r, 0, 1) != 0;
  row->acked_seq = get_i64 (r, 0, 2);
  row->member = get_text (r, 0, 3);
  row->member_name = get_text (r, 0, 4);
  row->role = care_role_from_string (peek_text (r, 0, 5));
  row->member_active = get_i64 (r, 0, 6) != 0;
  row->scope_version = get_i64 (r, 0, 7);
  row->pulled_pos = get_i64 (r, 0, 8);
  row->revoke_mode = care_revoke_mode_from_string (peek_text (r, 0, 9));
  row->head = get_text (r, 0, 10);
  row->sign_key = get_text (r, 0, 11);
  return row;
}

static gboolean
found_row (Conn       *conn,
           const char *sql,
           const char *a,
           const char *b)
{
  g_autoptr(PGresult) r = b != NULL ? Q (conn, sql, a, b) : Q (conn, sql, a);

  return r != NULL && PQntuples (r) > 0;
}

static gboolean
is_assigned (Conn       *conn,
             const char *client,
             const char *carer)
{
  return found_row (conn, "SELECT 1 FROM assignments WHERE client = ?1 AND carer = ?2 AND active = 1",
                    client, carer);
}

static CareDeviceRow *
pg_lookup_device (CareServerStore *store,
                  const char      *device,
                  GError         **error)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, error);
  CareDeviceRow *row;

  if (conn == NULL)
    return NULL;
  row = read_device (conn, device);
  conn_put (self, conn);
  return row;
}

/* ---- what a write transaction knows (Cache) ---- */

static char *
pair_key (const char *client,
          const char *carer)
{
  return g_strconcat (client != NULL ? client : "", "\x1f", carer != NULL ? carer : "", NULL);
}

static void
cache_init (Cache *c)
{
  c->events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) care_event_free);
  c->history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  c->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) care_device_row_free);
  c->open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  c->visits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  c->memo = care_server_memo_new ();
  c->assigned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Forgets everything (a push was rolled back). */
static void
cache_forget (Cache *c)
{
  g_hash_table_remove_all (c->events);
  g_hash_table_remove_all (c->history);
  g_hash_table_remove_all (c->devices);
  g_hash_table_remove_all (c->open);
  g_hash_table_remove_all (c->visits);
  care_server_memo_forget (c->memo);
  g_hash_table_remove_all (c->assigned);
}

static void
cache_free (Cache *c)
{
  g_clear_pointer (&c->events, g_hash_table_unref);
  g_clear_pointer (&c->history, g_hash_table_unref);
  g_clear_pointer (&c->devices, g_hash_table_unref);
  g_clear_pointer (&c->open, g_hash_table_unref);
  g_clear_pointer (&c->visits, g_hash_table_unref);
  g_clear_pointer (&c->memo, care_server_memo_free);
  g_clear_pointer (&c->assigned, g_hash_table_unref);
}

static CareStoredEvent *
stored_new (const CareEvent *e,
            gint64           pos)
{
  CareStoredEvent *stored = g_new0 (CareStoredEvent, 1);

  stored->event = care_event_copy (e);
  stored->pos = pos;
  return stored;
}

/* A record this transaction stored joins what it knows. */
static void
cache_inserted (CareServerTx    *tx,
                const CareEvent *e,
                gint64           pos,
                gint64           received,
                const char      *subject)
{
  CareEvent *copy = care_event_copy (e);
  GPtrArray *history;

  copy->received = received;
  if (subject != NULL && (history = g_hash_table_lookup (tx->cache.history, subject)) != NULL)
    g_ptr_array_add (history, stored_new (copy, pos));
  g_hash_table_replace (tx->cache.events, g_strdup (e->id), copy);
}

/* The keys of wanted that table does not hold yet, as an array literal;
 * NULL when it holds them all. */
static char *
unknown_keys (GHashTable         *table,
              const char * const *wanted,
              guint               n,
              GPtrArray          *keys)
{
  GString *out;

  g_ptr_array_set_size (keys, 0);
  for (guint i = 0; i < n; i++)
    if (wanted[i] != NULL && !g_hash_table_contains (table, wanted[i]))
      g_ptr_array_add (keys, (gpointer) wanted[i]);
  if (keys->len == 0)
    return NULL;
  out = g_string_new ("{");
  for (guint i = 0; i < keys->len; i++)
    array_add (out, keys->pdata[i]);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* Marks the keys asked for and not found as known to be absent. */
static void
absent_keys (GHashTable *table,
             GPtrArray  *keys)
{
  for (guint i = 0; i < keys->len; i++)
    if (!g_hash_table_contains (table, keys->pdata[i]))
      g_hash_table_insert (table, g_strdup (keys->pdata[i]), NULL);
}

/* A list of keys as one parameter (run_once_many). */
#define ANY_TEXT "ANY (?1::text[])"

enum { WANT_EVENTS, WANT_HISTORY, WANT_OPEN, WANT_VISITS, WANT_DEVICE, N_WANT };

/* Reads, in one round trip, what a push of these records will ask: the
 * stored records with their ids, the histories of their subjects, whether
 * the device has open refusals about them, and the visits they name. */
static void
pg_tx_expect (CareServerTx       *tx,
              const char         *device,
              const char * const *ids,
              guint               n_ids,
              const char * const *subjects,
              guint               n_subjects)
{
  static const char * const sqls[N_WANT] = {
    "SELECT " EVENT_COLUMNS " FROM events WHERE id = " ANY_TEXT,
    /* One index search per subject, whatever the statistics say (a table
     * that grew since it was last analysed looks small, and = ANY over it
     * was planned as a scan of the whole table). */
    "SELECT k.subject, h.* FROM unnest (?1::text[]) AS k (subject) CROSS JOIN LATERAL"
    " (SELECT pos, " EVENT_COLUMNS " FROM events e WHERE e.subject = k.subject ORDER BY pos) AS h",
    "SELECT DISTINCT subject FROM rejections WHERE device = ?2 AND state = 'open' AND subject = " ANY_TEXT,
    "SELECT visit, client, carer FROM visits WHERE visit = " ANY_TEXT,
    DEVICE_SQL,
  };
  Cache *c = &tx->cache;
  GHashTable *no_refusal = g_hash_table_lookup (c->open, device);
  GHashTable *tables[N_WANT];
  GPtrArray *keys[N_WANT] = { NULL };
  char *want[N_WANT] = { NULL };
  const char *params[N_WANT][2];
  const char * const *param_lists[N_WANT];
  const char *run_sqls[N_WANT];
  int n_params[N_WANT], slot[N_WANT];
  PGresult *results[N_WANT] = { NULL };
  guint n = 0;

  if (no_refusal == NULL)
    {
      no_refusal = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (c->open, g_strdup (device), no_refusal);
    }
  tables[WANT_EVENTS] = c->events;
  tables[WANT_HISTORY] = c->history;
  tables[WANT_OPEN] = no_refusal;
  tables[WANT_VISITS] = c->visits;
  tables[WANT_DEVICE] = c->devices;
  for (guint w = 0; w < N_WANT; w++)
    {
      keys[w] = g_ptr_array_new ();
      if (w == WANT_DEVICE)
        want[w] = g_hash_table_contains (c->devices, device) ? NULL : g_strdup (device);
      else
        want[w] = unknown_keys (tables[w], w == WANT_EVENTS ? ids : subjects,
                                w == WANT_EVENTS ? n_ids : n_subjects, keys[w]);
      slot[w] = -1;
      if (want[w] == NULL)
        continue;
      params[w][0] = want[w];
      params[w][1] = device;
      param_lists[n] = params[w];
      n_params[n] = w == WANT_OPEN ? 2 : 1;
      run_sqls[n] = sqls[w];
      slot[w] = n++;
    }
  if (n > 0 && run_once_many (tx->conn, n, run_sqls, param_lists, n_params, results))
    {
      PGresult *r;

      if (slot[WANT_EVENTS] >= 0)
        {
          r = results[slot[WANT_EVENTS]];
          for (int i = 0; i < PQntuples (r); i++)
            g_hash_table_replace (c->events, get_text (r, i, 0), event_from_row (r, i, 0));
          absent_keys (c->events, keys[WANT_EVENTS]);
        }
      if (slot[WANT_HISTORY] >= 0)
        {
          r = results[slot[WANT_HISTORY]];
          for (guint i = 0; i < keys[WANT_HISTORY]->len; i++)
            g_hash_table_replace (c->history, g_strdup (keys[WANT_HISTORY]->pdata[i]),
                                  g_ptr_array_new_with_free_func ((GDestroyNotify) care_stored_event_free));
          for (int i = 0; i < PQntuples (r); i++)
            {
              GPtrArray *history = g_hash_table_lookup (c->history, peek_text (r, i, 0));

              g_ptr_array_add (history, stored_from_row (r, i, 1));
            }
        }
      if (slot[WANT_OPEN] >= 0)
        {
          /* Only "none is open" is kept: a subject with an open refusal is
           * asked again when it matters (rare). */
          g_autoptr(GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);

          r = results[slot[WANT_OPEN]];
          for (int i = 0; i < PQntuples (r); i++)
            g_hash_table_add (open, (gpointer) peek_text (r, i, 0));
          for (guint i = 0; i < keys[WANT_OPEN]->len; i++)
            if (!g_hash_table_contains (open, keys[WANT_OPEN]->pdata[i]))
              g_hash_table_add (no_refusal, g_strdup (keys[WANT_OPEN]->pdata[i]));
        }
      if (slot[WANT_VISITS] >= 0)
        {
          r = results[slot[WANT_VISITS]];
          for (int i = 0; i < PQntuples (r); i++)
            {
              char **pair = g_new0 (char *, 3);

              pair[0] = get_text (r, i, 1);
              pair[1] = get_text (r, i, 2);
              g_hash_table_replace (c->visits, get_text (r, i, 0), pair);
            }
          absent_keys (c->visits, keys[WANT_VISITS]);
        }
      if (slot[WANT_DEVICE] >= 0 && PQntuples (results[slot[WANT_DEVICE]]) > 0)
        g_hash_table_replace (c->devices, g_strdup (device), device_from_row (results[slot[WANT_DEVICE]]));
    }
  for (guint w = 0; w < N_WANT; w++)
    {
      g_free (want[w]);
      g_ptr_array_unref (keys[w]);
    }
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&results[i], PQclear);
}

/* The derived tables' writes (care_server_core_apply) inside a write
 * transaction: queued, and what the transaction knows kept true. */
static gint64
tx_sql_exec (gpointer            data,
             const char         *sql,
             guint               n,
             const char * const *params)
{
  CareServerTx *tx = data;

  if (g_str_equal (sql, CARE_SQL_VISIT_ADD))
    {
      char **known = NULL;

      /* Only a visit known to be new is known now (ON CONFLICT DO
       * NOTHING: a visit keeps its first pair). */
      if (g_hash_table_lookup_extended (tx->cache.visits, params[0], NULL, (gpointer *) &known) && known == NULL
          && params[1] != NULL && params[2] != NULL)
        {
          char **pair = g_new0 (char *, 3);

          pair[0] = g_strdup (params[1]);
          pair[1] = g_strdup (params[2]);
          g_hash_table_replace (tx->cache.visits, g_strdup (params[0]), pair);
        }
      {
        char **row = g_new0 (char *, 3);

        for (guint i = 0; i < 3; i++)
          row[i] = g_strdup (params[i]);
        g_ptr_array_add (tx->conn->visit_rows, row);
        return 0;
      }
    }
  else if (!g_str_equal (sql, CARE_SQL_REVIEW_ADD))
    {
      /* Anything else may change a member (role, scope) or who is
       * assigned to whom. */
      g_hash_table_remove_all (tx->cache.devices);
      if (!g_str_equal (sql, CARE_SQL_VISIT_BUMP_FAMILY))
        g_hash_table_remove_all (tx->cache.assigned);
    }
  return queue (tx->conn, sql, (int) n, params) ? 0 : -1;
}

/* The core's lookups inside a write transaction, from what it knows. */
static gboolean
tx_sql_pair (gpointer    data,
             const char *sql,
             const char *param,
             char      **a,
             char      **b)
{
  CareServerTx *tx = data;
  char **pair = NULL;

  if (param != NULL && g_str_equal (sql, CARE_SQL_VISIT)
      && g_hash_table_lookup_extended (tx->cache.visits, param, NULL, (gpointer *) &pair))
    {
      if (pair == NULL)
        return FALSE;
      *a = g_strdup (pair[0]);
      *b = g_strdup (pair[1]);
      return TRUE;
    }
  return sql_pair (tx->conn, sql, param, a, b);
}

static const CareServerSql pg_tx_sql = { tx_sql_exec, tx_sql_pair };

/* ---- the write transaction ---- */

/* Begins a write transaction: the advisory lock first, then the last
 * position and log index, read under it (see the file's comment). */
static CareServerTx *
tx_open (PgStore *self,
         GError **error)
{
  Conn *conn = conn_get (self, error);
  g_autoptr(PGresult) r = NULL;
  CareServerTx *tx;

  if (conn == NULL)
    return NULL;
  /* One round trip: BEGIN and the lock go with the read. */
  if (!queue_plain (conn, "BEGIN") || !queue_plain (conn, "SELECT pg_advisory_xact_lock (" WRITE_LOCK ")"))
    {
      sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database cannot be written");
      exec (conn, "ROLLBACK", NULL);
      conn_put (self, conn);
      return NULL;
    }
  r = Q0 (conn, "SELECT (SELECT coalesce (max (pos), 0) FROM events), (SELECT coalesce (max (idx), 0) FROM log)");
  if (r == NULL || PQntuples (r) != 1)
    {
      sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database cannot be read");
      exec (conn, "ROLLBACK", NULL);
      conn_put (self, conn);
      return NULL;
    }
  tx = g_new0 (CareServerTx, 1);
  tx->store = self;
  tx->conn = conn;
  tx->next_pos = tx->first_pos = get_i64 (r, 0, 0) + 1;
  tx->next_idx = get_i64 (r, 0, 1) + 1;
  cache_init (&tx->cache);
  return tx;
}

static gboolean
tx_close (CareServerTx *tx,
          gboolean      commit,
          GError      **error)
{
  gboolean done;

  /* The other server processes' waiting pulls look again once this
   * commits (a notification is delivered at the commit, or not at all). */
  if (commit && tx->next_pos > tx->first_pos)
    QUEUE (tx->conn, "SELECT pg_notify ('carelog_records', ?1)", tx->store->token);
  done = commit ? exec (tx->conn, "COMMIT", error) : FALSE;

  if (!done)
    exec (tx->conn, "ROLLBACK", NULL);
  conn_put (tx->store, tx->conn);
  cache_free (&tx->cache);
  g_free (tx);
  return done;
}

static CareServerTx *
pg_tx_begin (CareServerStore *store,
             GError         **error)
{
  return tx_open ((PgStore *) store, error);
}

static gboolean
pg_tx_commit (CareServerTx *tx,
              GError      **error)
{
  return tx_close (tx, TRUE, error);
}

static void
pg_tx_rollback (CareServerTx *tx)
{
  tx_close (tx, FALSE, NULL);
}

/* The savepoint and its release are queued: a failure shows at the
 * transaction's next read or its commit, which then fails. */
static void
pg_tx_savepoint (CareServerTx *tx)
{
  queue_plain (tx->conn, "SAVEPOINT job");
  tx->saved_pos = tx->next_pos;
  tx->saved_idx = tx->next_idx;
}

static void
pg_tx_rollback_savepoint (CareServerTx *tx)
{
  exec (tx->conn, "ROLLBACK TO job", NULL);
  cache_forget (&tx->cache);
  /* The log stays dense: what the push took is given back. */
  tx->next_pos = tx->saved_pos;
  tx->next_idx = tx->saved_idx;
}

static void
pg_tx_release_savepoint (CareServerTx *tx)
{
  queue_plain (tx->conn, "RELEASE job");
}

static CareDeviceRow *
pg_tx_device (CareServerTx *tx,
              const char   *device)
{
  CareDeviceRow *known = g_hash_table_lookup (tx->cache.devices, device);

  return known != NULL ? device_row_copy (known) : read_device (tx->conn, device);
}

static CareEvent *
pg_tx_event (CareServerTx *tx,
             const char   *id)
{
  CareEvent *known = NULL;
  g_autoptr(PGresult) r = NULL;

  if (g_hash_table_lookup_extended (tx->cache.events, id, NULL, (gpointer *) &known))
    return known != NULL ? care_event_copy (known) : NULL;
  r = Q (tx->conn, "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1", id);

  return r != NULL && PQntuples (r) > 0 ? event_from_row (r, 0, 0) : NULL;
}

static GPtrArray *
pg_tx_history (CareServerTx *tx,
               const char   *subject,
               guint         types)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_stored_event_free);
  GPtrArray *known = g_hash_table_lookup (tx->cache.history, subject);
  g_autoptr(PGresult) r = NULL;

  if (known != NULL)
    {
      for (guint i = 0; i < known->len; i++)
        {
          CareStoredEvent *s = known->pdata[i];

          if (s->event->type >= 0 && (types & (1u << s->event->type)) != 0)
            g_ptr_array_add (out, stored_new (s->event, s->pos));
        }
      return out;
    }
  r = Q (tx->conn, "SELECT pos, " EVENT_COLUMNS " FROM events WHERE subject = ?1 ORDER BY pos", subject);
  for (int i = 0; r != NULL && i < PQntuples (r); i++)
    {
      CareEventType type = care_event_type_from_string (peek_text (r, i, 7));

      if (type < 0 || (types & (1u << type)) == 0)
        continue;
      g_ptr_array_add (out, stored_from_row (r, i, 0));
    }
  return out;
}

static gboolean
pg_tx_is_assigned (CareServerTx *tx,
                   const char   *client,
                   const char   *carer)
{
  g_autofree char *key = pair_key (client, carer);
  int known = GPOINTER_TO_INT (g_hash_table_lookup (tx->cache.assigned, key));
  gboolean assigned;

  if (known != 0)
    return known == 2;
  assigned = is_assigned (tx->conn, client, carer);
  g_hash_table_replace (tx->cache.assigned, g_steal_pointer (&key), GINT_TO_POINTER (1 + assigned));
  return assigned;
}

static char *
pg_tx_schedule_carer (CareServerTx *tx,
                      const char   *schedule)
{
  g_autoptr(PGresult) r = Q (tx->conn, "SELECT carer FROM schedules WHERE schedule = ?1", schedule);

  return r != NULL && PQntuples (r) > 0 ? get_text (r, 0, 0) : NULL;
}

static gboolean
pg_tx_review (CareServerTx *tx,
              const char   *review,
              char        **action,
              char        **carer)
{
  g_autoptr(PGresult) r = Q (tx->conn, "SELECT action, carer FROM reviews WHERE review = ?1", review);

  if (r == NULL || PQntuples (r) == 0)
    return FALSE;
  *action = get_text (r, 0, 0);
  *carer = get_text (r, 0, 1);
  return TRUE;
}

static gboolean
pg_tx_insert (CareServerTx    *tx,
              const CareEvent *event,
              gint64           received,
              const char      *hash)
{
  g_autofree char *client = NULL, *carer = NULL;

  care_server_core_resolve (&pg_tx_sql, tx, event, &client, &carer);
  return insert_event (tx, event, client, carer, received, hash);
}

/* The hash of a device's record seq: from its stored hash, recomputed
 * (a record before the chain), or a refused record's; NULL: unknown. */
static char *
record_hash (Conn       *conn,
             const char *device,
             gint64      seq)
{
  Num s;
  g_autoptr(PGresult) r = Q (conn, "SELECT " EVENT_COLUMNS ", hash FROM events WHERE device = ?1 AND seq = ?2",
                             device, num (s, seq));
  g_autoptr(PGresult) refused = NULL;

  if (r != NULL && PQntuples (r) > 0)
    {
      g_autoptr(CareEvent) e = NULL;

      if (!PQgetisnull (r, 0, 10))
        return get_text (r, 0, 10);
      e = event_from_row (r, 0, 0);
      return care_event_hash (e);
    }
  refused = Q (conn, "SELECT hash FROM rejections WHERE device = ?1 AND seq = ?2 AND hash IS NOT NULL",
               device, num (s, seq));
  return refused != NULL && PQntuples (refused) > 0 ? get_text (refused, 0, 0) : NULL;
}

static char *
pg_tx_record_hash (CareServerTx *tx,
                   const char   *device,
                   gint64        seq)
{
  return record_hash (tx->conn, device, seq);
}

static gboolean
pg_tx_set_sign_key (CareServerTx *tx,
                    const char   *device,
                    const char   *sign_key)
{
  CareDeviceRow *known = g_hash_table_lookup (tx->cache.devices, device);

  if (known != NULL && known->sign_key == NULL)
    known->sign_key = g_strdup (sign_key);
  return ok (Q (tx->conn, "UPDATE devices SET sign_key = ?2 WHERE device = ?1 AND sign_key IS NULL",
                device, sign_key));
}

static gboolean
pg_tx_add_signature (CareServerTx *tx,
                     const char   *device,
                     gint64        seq,
                     const char   *head,
                     const char   *signature,
                     gint64        at)
{
  Num s, a;

  return QUEUE (tx->conn, "INSERT INTO signatures (device, seq, head, signature, at) VALUES (?1, ?2, ?3, ?4, ?5)"
                          " ON CONFLICT (device, seq) DO UPDATE SET head = excluded.head,"
                          " signature = excluded.signature, at = excluded.at",
                device, num (s, seq), head, signature, num (a, at));
}

static gboolean
pg_tx_reject (CareServerTx    *tx,
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
  g_autofree char *text = NULL;
  Num s, a;

  if (record != NULL)
    {
      g_autoptr(JsonNode) node = care_event_to_json (record);

      text = json_to_string (node, FALSE);
    }
  /* Which subjects have an open refusal may have changed. */
  g_hash_table_remove_all (tx->cache.open);
  return ok (Q (tx->conn, "INSERT INTO rejections (device, seq, id, code, message, at, hash, record, subject, state,"
                          " behind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                device, num (s, seq), id, code, message, num (a, at), hash, text, subject,
                behind != NULL ? "held" : "open", behind));
}

#define REJECTION_COLUMNS \
  "r.device, d.member, r.seq, r.id, r.code, r.message, r.at, r.record, r.subject, r.state, r.behind," \
  " r.resolution, r.resolved_by, r.resolved_at FROM rejections r LEFT JOIN devices d ON d.device = r.device"

static CareRejection *
rejection_from_row (const PGresult *res,
                    int             i)
{
  CareRejection *r = g_new0 (CareRejection, 1);

  r->device = get_text (res, i, 0);
  r->member = get_text (res, i, 1);
  r->seq = get_i64 (res, i, 2);
  r->id = get_text (res, i, 3);
  r->code = get_text (res, i, 4);
  r->message = get_text (res, i, 5);
  r->at = get_i64 (res, i, 6);
  if (!PQgetisnull (res, i, 7))
    {
      g_autoptr(JsonNode) node = json_from_string (peek_text (res, i, 7), NULL);

      r->record = node != NULL ? care_event_from_json (node, NULL) : NULL;
    }
  r->subject = get_text (res, i, 8);
  r->state = get_text (res, i, 9);
  r->behind = get_text (res, i, 10);
  r->resolution = get_text (res, i, 11);
  r->resolved_by = get_text (res, i, 12);
  r->resolved_at = get_i64 (res, i, 13);
  return r;
}

static GPtrArray *
rejections_from (PGresult *r)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_rejection_free);

  for (int i = 0; r != NULL && i < PQntuples (r); i++)
    g_ptr_array_add (out, rejection_from_row (r, i));
  PQclear (r);
  return out;
}

static CareRejection *
first_rejection (PGresult *r)
{
  g_autoptr(GPtrArray) all = rejections_from (r);

  return all->len > 0 ? g_ptr_array_steal_index (all, 0) : NULL;
}

static CareRejection *
pg_tx_open_refusal (CareServerTx *tx,
                    const char   *device,
                    const char   *subject)
{
  GHashTable *no_refusal = g_hash_table_lookup (tx->cache.open, device);

  if (no_refusal != NULL && g_hash_table_contains (no_refusal, subject))
    return NULL;
  return first_rejection (Q (tx->conn, "SELECT " REJECTION_COLUMNS " WHERE r.device = ?1 AND r.subject = ?2"
                                       " AND r.state = 'open' ORDER BY r.seq LIMIT 1", device, subject));
}

static CareRejection *
pg_tx_refusal (CareServerTx *tx,
               const char   *device,
               gint64        seq,
               const char   *id)
{
  Num s;

  return first_rejection (Q (tx->conn, "SELECT " REJECTION_COLUMNS " WHERE r.device = ?1"
                                       " AND ((?2::bigint > 0 AND r.seq = ?2) OR (?2 = 0 AND r.id = ?3::text))"
                                       " ORDER BY r.at DESC LIMIT 1", device, num (s, seq), id));
}

static GPtrArray *
pg_tx_held_behind (CareServerTx *tx,
                   const char   *device,
                   const char   *id)
{
  return rejections_from (Q (tx->conn, "SELECT " REJECTION_COLUMNS " WHERE r.device = ?1 AND r.behind = ?2"
                                       " AND r.state = 'held' ORDER BY r.seq", device, id));
}

static gboolean
pg_tx_resolve_refusal (CareServerTx *tx,
                       const char   *device,
                       gint64        seq,
                       const char   *state,
                       const char   *resolution,
                       const char   *resolved_by,
                       gint64        at)
{
  Num s, a;

  g_hash_table_remove_all (tx->cache.open);
  return ok (Q (tx->conn, "UPDATE rejections SET state = ?3, resolution = ?4, resolved_by = ?5, resolved_at = ?6"
                          " WHERE device = ?1 AND seq = ?2",
                device, num (s, seq), state, resolution, resolved_by, num (a, at)));
}

static gboolean
pg_tx_update_device (CareServerTx *tx,
                     const char   *device,
                     gint64        from_seq,
                     gint64        acked_seq,
                     gint64        contact,
                     gint64        rejected,
                     const char   *head)
{
  Num s, c, r, f;

  CareDeviceRow *known = g_hash_table_lookup (tx->cache.devices, device);

  if (known != NULL)
    {
      known->acked_seq = acked_seq;
      g_free (known->head);
      known->head = g_strdup (head);
    }
  /* Queued: the push's last writes go with the commit. */
  if (acked_seq > from_seq && !QUEUE (tx->conn, CARE_SQL_OWN_RANGE, device, num (f, from_seq), num (s, acked_seq)))
    return FALSE;
  return QUEUE (tx->conn, "UPDATE devices SET acked_seq = ?2, last_contact = ?3, rejected = rejected + ?4,"
                          " head = ?5 WHERE device = ?1",
                device, num (s, acked_seq), num (c, contact), num (r, rejected), head);
}

/* ---- pull ---- */

static gint64
max_position (Conn *conn)
{
  g_autoptr(PGresult) r = Q0 (conn, "SELECT coalesce (max (pos), 0) FROM events");

  return r != NULL && PQntuples (r) > 0 ? get_i64 (r, 0, 0) : 0;
}

/* The records of a page for DEVICE in the scope the core decided. As in
 * the SQLite store, a page that is not full ends at max_pos, read in the
 * same snapshot: nothing can later commit at or below it, since positions
 * are handed out under the write lock in commit order. */
static gboolean
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
  static const unsigned int types[] = { INT8OID, INT8OID, TEXTOID, TEXTOID };
  Num p, l;
  const char *params[] = { num (p, pos), num (l, (gint64) limit + 1), member, device };
  g_autoptr(PGresult) r = run_typed (conn, kind == CARE_SCOPE_COOP ? CARE_SQL_PULL_ALL
                                           : kind == CARE_SCOPE_FAMILY ? CARE_SQL_PULL_FAMILY : CARE_SQL_PULL_CARER,
                                     4, params, types);
  int n;

  *last = pos;
  *more = FALSE;
  if (r == NULL)
    return FALSE;
  n = PQntuples (r);
  for (int i = 0; i < n; i++)
    {
      if ((guint) i == limit)
        {
          *more = TRUE;
          break;
        }
      if (i > 0)
        g_string_append_c (out, ',');
      *last = get_i64 (r, i, 0);
      care_pull_append_record (out, *last, peek_text (r, i, 1), peek_text (r, i, 2), get_i64 (r, i, 3),
                               peek_text (r, i, 4), get_i64 (r, i, 5), get_i64 (r, i, 6), peek_text (r, i, 7),
                               peek_text (r, i, 8), get_i64 (r, i, 9), peek_text (r, i, 10));
    }
  if (!*more)
    *last = MAX (*last, max_pos);
  return TRUE;
}

static gboolean
pull_in_transaction (PgStore               *self,
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

  begun = care_server_core_pull_begin (row, key, request, self->epoch, max_pos, &auth, &scope_of, &pos, out, error);
  *server_acked = auth.acked_seq;
  if (!begun)
    return FALSE;
  whole = scope_of.kind == CARE_SCOPE_COOP;
  if (!build_records (conn, device, scope_of.kind, whole ? NULL : scope_of.member, pos, request->limit, max_pos,
                      out, &last, &more))
    return sql_failed (conn, error, CARE_SYNC_ERROR, 0, "The co-op database cannot be read");
  *sent_pos = last;
  care_server_core_pull_end (out, self->epoch, &scope_of, last, more);
  return TRUE;
}

/* A read-only transaction on one snapshot (the page and max_pos agree). */
static gboolean
snapshot_begin (Conn    *conn,
                GError **error)
{
  return exec (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
}

static gboolean
pg_pull (CareServerStore       *store,
         const char            *device,
         const char            *key,
         const CarePullRequest *request,
         GString               *out,
         gint64                *server_acked,
         gint64                *sent_pos,
         GError               **error)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, error);
  gboolean done;

  if (conn == NULL)
    return FALSE;
  if (!snapshot_begin (conn, NULL))
    {
      sql_failed (conn, error, CARE_SYNC_ERROR, 0, "The co-op database cannot be read");
      conn_free (conn);
      return FALSE;
    }
  done = pull_in_transaction (self, conn, device, key, request, out, server_acked, sent_pos, error);
  exec (conn, "COMMIT", NULL);
  conn_put (self, conn);
  return done;
}

static void
pg_touch (CareServerStore *store,
          const char      *device,
          gint64           pulled_pos)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, NULL);
  Num c, p;

  if (conn == NULL)
    return;
  /* Where the device's latest page ended, even if lower than before. */
  ok (Q (conn, "UPDATE devices SET last_contact = ?2, pulled_pos = ?3 WHERE device = ?1",
         device, num (c, now_ms ()), num (p, pulled_pos)));
  conn_put (self, conn);
}

/* ---- enrolment ---- */

static CareEnrolResult *
enrol_in_transaction (PgStore    *self,
                      Conn       *conn,
                      const char *code,
                      const char *name,
                      const char *device,
                      GError    **error)
{
  g_autofree char *hash = care_server_store_code_hash (code);
  g_autoptr(CareEnrolResult) result = g_new0 (CareEnrolResult, 1);
  g_autofree char *key_hash = NULL;
  g_autoptr(PGresult) r = Q (conn, "SELECT e.member, e.expires, e.used, m.name, m.role, m.active FROM enrolments e"
                                   " JOIN members m ON m.member = e.member WHERE e.code_hash = ?1 FOR UPDATE OF e",
                             hash);
  gint64 now = now_ms ();
  Num n;
  g_autoptr(GError) local = NULL;

  gboolean found = r != NULL && PQntuples (r) > 0;

  if (!care_server_core_check_enrolment (found, found ? get_i64 (r, 0, 1) : 0, found ? get_i64 (r, 0, 2) : 0,
                                         found && get_i64 (r, 0, 5) != 0, now,
                                         device != NULL && found_row (conn, "SELECT 1 FROM devices WHERE device = ?1",
                                                                      device, NULL),
                                         error))
    return NULL;
  result->member = get_text (r, 0, 0);
  result->name = get_text (r, 0, 3);
  result->role = care_role_from_string (peek_text (r, 0, 4));
  if (!ok (Q (conn, "UPDATE enrolments SET used = ?2 WHERE code_hash = ?1", hash, num (n, now))))
    return sql_failed (conn, error, CARE_SYNC_ERROR, 0, "Cannot record the enrolment"), NULL;
  result->device = device != NULL ? g_strdup (device) : care_server_new_device_id ();
  result->key = care_server_random_token (32);
  key_hash = care_server_sha256_hex (result->key);
  if (!ok (Q (conn, "INSERT INTO devices (device, member, name, key_hash, enrolled) VALUES (?1, ?2, ?3, ?4, ?5)",
              result->device, result->member, name ? name : "", key_hash, num (n, now))))
    return sql_failed (conn, error, CARE_SYNC_ERROR, 0, "Cannot record the enrolment"), NULL;
  /* In the restore-safe journal before the commit. */
  if (!care_server_journal_enrolled (self->dir, result->device, result->member, name, key_hash, now, &local))
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER, "Cannot record the enrolment: %s", local->message);
      return NULL;
    }
  result->timezone = meta_get (conn, "timezone");
  return g_steal_pointer (&result);
}

static CareEnrolResult *
pg_enrol (CareServerStore *store,
          const char      *code,
          const char      *name,
          const char      *device,
          GError         **error)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, error);
  CareEnrolResult *result;

  if (conn == NULL)
    return NULL;
  if (!exec (conn, "BEGIN", NULL))
    {
      sql_failed (conn, error, CARE_SYNC_ERROR, 0, "The co-op database is busy");
      conn_free (conn);
      return NULL;
    }
  result = enrol_in_transaction (self, conn, code, name, device, error);
  if (result == NULL || !exec (conn, "COMMIT", NULL))
    {
      if (result != NULL)
        sql_failed (conn, error, CARE_SYNC_ERROR, 0, "Cannot save the enrolment");
      g_clear_pointer (&result, care_enrol_result_free);
      exec (conn, "ROLLBACK", NULL);
    }
  conn_put (self, conn);
  return result;
}

/* ---- verification ---- */

static gboolean
pg_feed_verifier (CareServerStore *store,
                  CareVerifier    *v,
                  GError         **error)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, error);
  g_autoptr(PGresult) devices = NULL, known = NULL, signatures = NULL, records = NULL;
  g_autofree char *coop_head_hash = NULL;

  if (conn == NULL)
    return FALSE;
  if (!snapshot_begin (conn, error))
    {
      conn_free (conn);
      return FALSE;
    }
  devices = Q0 (conn, "SELECT device, sign_key, acked_seq, head FROM devices");
  for (int i = 0; devices != NULL && i < PQntuples (devices); i++)
    {
      const char *device = peek_text (devices, i, 0);

      care_verifier_expect_all (v, device);
      if (!PQgetisnull (devices, i, 1))
        care_verifier_add_key (v, device, peek_text (devices, i, 1));
      if (!PQgetisnull (devices, i, 3))
        care_verifier_set_head (v, device, get_i64 (devices, i, 2), peek_text (devices, i, 3));
    }
  care_verifier_expect_all (v, CARE_COOP_DEVICE);
  coop_head_hash = meta_get (conn, "coop_head");
  if (coop_head_hash != NULL)
    {
      g_autofree char *head_seq = meta_get (conn, "coop_head_seq");
      g_autofree char *seq = head_seq != NULL ? g_steal_pointer (&head_seq) : meta_get (conn, "coop_seq");

      care_verifier_set_head (v, CARE_COOP_DEVICE, seq ? g_ascii_strtoll (seq, NULL, 10) : 0, coop_head_hash);
    }
  known = Q0 (conn, "SELECT r.device, r.seq, r.hash FROM rejections r WHERE r.hash IS NOT NULL"
                   " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.device = r.device AND e.seq = r.seq)");
  for (int i = 0; known != NULL && i < PQntuples (known); i++)
    care_verifier_add_known (v, peek_text (known, i, 0), get_i64 (known, i, 1), peek_text (known, i, 2));
  signatures = Q0 (conn, "SELECT device, seq, head, signature FROM signatures");
  for (int i = 0; signatures != NULL && i < PQntuples (signatures); i++)
    care_verifier_add_signature (v, peek_text (signatures, i, 0), get_i64 (signatures, i, 1),
                                 peek_text (signatures, i, 2), peek_text (signatures, i, 3));
  records = Q0 (conn, "SELECT " EVENT_COLUMNS ", hash FROM events ORDER BY device, seq");
  for (int i = 0; records != NULL && i < PQntuples (records); i++)
    {
      g_autoptr(CareEvent) e = event_from_row (records, i, 0);

      care_verifier_add_record (v, e, peek_text (records, i, 10));
    }
  exec (conn, "COMMIT", NULL);
  conn_put (self, conn);
  if (devices == NULL || known == NULL || signatures == NULL || records == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                           "The co-op database cannot be read; try again in a minute.");
      return FALSE;
    }
  return TRUE;
}

/* ---- administration ---- */

/* The link of the co-op's next record (as in the SQLite store). */
static char *
coop_head (Conn *conn)
{
  char *head = meta_get (conn, "coop_head");
  g_autoptr(PGresult) r = NULL;

  if (head != NULL)
    return head;
  r = Q (conn, "SELECT max (seq) FROM events WHERE device = ?1", CARE_COOP_DEVICE);
  if (r != NULL && PQntuples (r) > 0 && !PQgetisnull (r, 0, 0))
    head = record_hash (conn, CARE_COOP_DEVICE, get_i64 (r, 0, 0));
  return head != NULL ? head : g_strdup (CARE_CHAIN_START);
}

static gboolean
append_in_transaction (CareServerTx  *tx,
                       CareEventType  type,
                       JsonObject    *body,
                       const char    *author,
                       GError       **error)
{
  g_autofree char *seq_text = meta_get (tx->conn, "coop_seq");
  g_autoptr(CareEvent) e = care_server_core_coop_record (type, body, author, seq_text, error);
  g_autofree char *client = NULL, *carer = NULL, *next = NULL, *head = NULL;

  if (e == NULL)
    return FALSE;
  e->link = coop_head (tx->conn);
  care_server_core_resolve (&pg_tx_sql, tx, e, &client, &carer);
  next = g_strdup_printf ("%" G_GINT64_FORMAT, e->seq);
  head = care_event_hash (e);
  if (!insert_event (tx, e, client, carer, e->wall, head) || !meta_set (tx->conn, "coop_seq", next)
      || !meta_set (tx->conn, "coop_head", head) || !meta_set (tx->conn, "coop_head_seq", next))
    return sql_failed (tx->conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot store the co-op record");
  return TRUE;
}

static gboolean
pg_tx_append_server_record (CareServerTx  *tx,
                            CareEventType  type,
                            JsonObject    *body,
                            const char    *author,
                            GError       **error)
{
  return append_in_transaction (tx, type, body, author, error);
}

static gboolean
pg_append_server_records (CareServerStore     *store,
                          const CareEventType *types,
                          JsonObject         **bodies,
                          guint                n,
                          const char          *author,
                          GError             **error)
{
  CareServerTx *tx = tx_open ((PgStore *) store, error);

  if (tx == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!append_in_transaction (tx, types[i], bodies[i], author, error))
      {
        tx_close (tx, FALSE, NULL);
        return FALSE;
      }
  return tx_close (tx, TRUE, error);
}

static gboolean
pg_append_server_record (CareServerStore *store,
                         CareEventType    type,
                         JsonObject      *body,
                         const char      *author,
                         GError         **error)
{
  return pg_append_server_records (store, &type, &body, 1, author, error);
}

/* A query run on a pooled connection outside any transaction. */
static PGresult *
query (PgStore            *self,
       const char         *sql,
       int                 n,
       const char * const *params)
{
  Conn *conn = conn_get (self, NULL);
  PGresult *r;

  if (conn == NULL)
    return NULL;
  r = run (conn, sql, n, params);
  conn_put (self, conn);
  return r;
}

#define QS(self, sql, ...) \
  query (self, sql, G_N_ELEMENTS (((const char *[]) { __VA_ARGS__ })), (const char *[]) { __VA_ARGS__ })

static GPtrArray *
pg_client_records (CareServerStore *store,
                   CareEventType    type,
                   const char      *client,
                   const char      *key)
{
  PgStore *self = (PgStore *) store;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PGresult) r = QS (self, care_server_core_client_records_sql (type), client,
                              care_event_type_to_string (type));

  for (int i = 0; r != NULL && i < PQntuples (r); i++)
    care_server_core_keep_latest (seen, peek_text (r, i, 0), key, out);
  return out;
}

static char *
pg_schedule_client (CareServerStore *store,
                    const char      *schedule)
{
  g_autoptr(PGresult) r = QS ((PgStore *) store, CARE_SQL_SCHEDULE, schedule);

  return r != NULL && PQntuples (r) > 0 ? get_text (r, 0, 0) : NULL;
}

static gboolean
pg_member_exists (CareServerStore *store,
                  const char      *member,
                  CareRole        *role,
                  char           **name)
{
  g_autoptr(PGresult) r = QS ((PgStore *) store, "SELECT role, name FROM members WHERE member = ?1", member);

  if (r == NULL || PQntuples (r) == 0)
    return FALSE;
  if (role != NULL)
    *role = care_role_from_string (peek_text (r, 0, 0));
  if (name != NULL)
    *name = get_text (r, 0, 1);
  return TRUE;
}

static gboolean
row_exists (PgStore    *self,
            const char *sql,
            const char *value)
{
  g_autoptr(PGresult) r = QS (self, sql, value);

  return r != NULL && PQntuples (r) > 0;
}

static gboolean
pg_client_exists (CareServerStore *store,
                  const char      *client)
{
  return row_exists ((PgStore *) store, "SELECT 1 FROM clients WHERE client = ?1", client);
}

static gboolean
pg_member_is_active (CareServerStore *store,
                     const char      *member)
{
  return row_exists ((PgStore *) store, "SELECT 1 FROM members WHERE member = ?1 AND active = 1", member);
}

static gboolean
pg_is_assigned (CareServerStore *store,
                const char      *client,
                const char      *carer)
{
  g_autoptr(PGresult) r = QS ((PgStore *) store,
                              "SELECT 1 FROM assignments WHERE client = ?1 AND carer = ?2 AND active = 1",
                              client, carer);

  return r != NULL && PQntuples (r) > 0;
}

static gboolean
pg_export_client (CareServerStore *store,
                  const char      *client,
                  GString         *out,
                  guint           *count,
                  GError         **error)
{
  g_autoptr(PGresult) r = QS ((PgStore *) store, CARE_SQL_EXPORT_CLIENT, client);

  *count = 0;
  if (r == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot read the co-op database.");
      return FALSE;
    }
  for (int i = 0; i < PQntuples (r); i++)
    {
      g_string_append (out, "{\"id\":");
      care_json_append_string (out, peek_text (r, i, 0));
      g_string_append (out, ",\"device\":");
      care_json_append_string (out, peek_text (r, i, 1));
      g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT ",\"author\":", get_i64 (r, i, 2));
      care_json_append_string (out, peek_text (r, i, 3));
      g_string_append_printf (out, ",\"hlc\":%" G_GINT64_FORMAT ",\"wall\":%" G_GINT64_FORMAT ",\"type\":",
                              get_i64 (r, i, 4), get_i64 (r, i, 5));
      care_json_append_string (out, peek_text (r, i, 6));
      g_string_append_printf (out, ",\"body\":%s,\"received\":%" G_GINT64_FORMAT "}\n",
                              peek_text (r, i, 7), get_i64 (r, i, 8));
      (*count)++;
    }
  return TRUE;
}

static char *
pg_create_enrolment (CareServerStore *store,
                     const char      *member,
                     gint64           expires,
                     GError         **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *code = care_server_store_new_enrolment_code (&hash);
  Num c, e;

  if (!ok (QS ((PgStore *) store, "INSERT INTO enrolments (code_hash, member, created, expires) VALUES (?1, ?2, ?3, ?4)",
               hash, member, num (c, now_ms ()), num (e, expires))))
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot store the enrolment code.");
      return NULL;
    }
  return g_steal_pointer (&code);
}

static gboolean
pg_revoke_device (CareServerStore *store,
                  const char      *device,
                  CareRevokeMode   mode,
                  GError         **error)
{
  PgStore *self = (PgStore *) store;
  Num n;
  g_autoptr(PGresult) r = NULL;

  g_return_val_if_fail (mode == CARE_REVOKE_ERASE || mode == CARE_REVOKE_RETIRE, FALSE);
  r = QS (self, "UPDATE devices SET revoked = ?2, revoke_mode = ?3 WHERE device = ?1 AND revoked = 0",
          device, num (n, now_ms ()), care_revoke_mode_to_string (mode));
  if (r == NULL || g_strcmp0 (PQcmdTuples (r), "1") != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "There is no enrolled, unrevoked device “%s”; see “carelog-server device list”.", device);
      return FALSE;
    }
  if (!care_server_journal_revoked (self->dir, device, care_revoke_mode_to_string (mode), now_ms (), error))
    {
      g_prefix_error (error, "Device %s is revoked, but a restore from an older backup would let it in again: ", device);
      return FALSE;
    }
  return TRUE;
}

static void
pg_set_device_storage (CareServerStore *store,
                       const char      *device,
                       const char      *storage)
{
  if (!ok (QS ((PgStore *) store, "UPDATE devices SET storage = ?2 WHERE device = ?1 AND storage IS DISTINCT FROM ?2",
               device, storage)))
    g_debug ("Cannot record device %s's storage", device);
}

static gboolean
pg_confirm_erased (CareServerStore *store,
                   const char      *device,
                   const char      *key,
                   GError         **error)
{
  PgStore *self = (PgStore *) store;
  g_autofree char *hash = care_server_sha256_hex (key ? key : "");
  g_autoptr(PGresult) r = QS (self, "SELECT key_hash, revoked FROM devices WHERE device = ?1", device);
  Num n;

  if (r == NULL || PQntuples (r) == 0
      || !care_protocol_equal_constant_time (peek_text (r, 0, 0), hash) || get_i64 (r, 0, 1) == 0)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                           "Only a revoked tablet, with its own key, can say it has erased its care records.");
      return FALSE;
    }
  if (!ok (QS (self, "UPDATE devices SET erased = ?2 WHERE device = ?1 AND erased = 0", device, num (n, now_ms ()))))
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER, "Cannot record the erasure.");
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
pg_list_devices (CareServerStore *store,
                 GError         **error)
{
  static const unsigned int types[] = { INT8OID, INT8OID, TEXTOID, TEXTOID };
  PgStore *self = (PgStore *) store;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_device_info_free);
  Conn *conn = conn_get (self, error);
  g_autoptr(PGresult) r = NULL;

  if (conn == NULL)
    return out;
  r = Q0 (conn, "SELECT d.device, d.member, d.name, m.role, d.revoked, d.enrolled, d.last_contact,"
               " d.acked_seq, d.pulled_pos, d.rejected, d.revoke_mode, d.erased, d.storage FROM devices d"
               " LEFT JOIN members m ON m.member = d.member ORDER BY d.member, d.enrolled");
  for (int i = 0; r != NULL && i < PQntuples (r); i++)
    {
      CareDeviceInfo *info = g_new0 (CareDeviceInfo, 1);
      Num pulled;
      const char *params[4];
      g_autoptr(PGresult) count = NULL;

      info->device = get_text (r, i, 0);
      info->member = get_text (r, i, 1);
      info->name = get_text (r, i, 2);
      info->role = care_role_from_string (peek_text (r, i, 3));
      info->revoked = get_i64 (r, i, 4) != 0;
      info->enrolled = get_i64 (r, i, 5);
      info->last_contact = get_i64 (r, i, 6);
      info->acked_seq = get_i64 (r, i, 7);
      info->rejected = get_i64 (r, i, 9);
      info->revoke_mode = care_revoke_mode_from_string (peek_text (r, i, 10));
      info->erased = get_i64 (r, i, 11);
      info->storage = get_text (r, i, 12);
      params[0] = num (pulled, get_i64 (r, i, 8));
      params[1] = "0";
      params[2] = info->member;
      params[3] = info->device;
      count = run_typed (conn, info->role == CARE_ROLE_FAMILY ? CARE_SQL_PENDING_FAMILY
                               : info->role == CARE_ROLE_CARER ? CARE_SQL_PENDING_CARER : CARE_SQL_PENDING_ALL,
                         4, params, types);
      if (count != NULL && PQntuples (count) > 0)
        info->pending = get_i64 (count, 0, 0);
      g_ptr_array_add (out, info);
    }
  conn_put (self, conn);
  return out;
}

static GPtrArray *
pg_list_rejections (CareServerStore *store,
                    const char      *device,
                    GError         **error)
{
  return rejections_from (QS ((PgStore *) store, "SELECT " REJECTION_COLUMNS " WHERE ?1::text IS NULL OR r.device = ?1"
                                                 " ORDER BY r.at, r.device, r.seq", device));
}

static char *
pg_get_meta (CareServerStore *store,
             const char      *key)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, NULL);
  char *value;

  if (conn == NULL)
    return NULL;
  value = meta_get (conn, key);
  conn_put (self, conn);
  return value;
}

static gboolean
pg_set_meta (CareServerStore *store,
             const char      *key,
             const char      *value,
             GError         **error)
{
  PgStore *self = (PgStore *) store;
  Conn *conn = conn_get (self, error);
  gboolean done;

  if (conn == NULL)
    return FALSE;
  done = meta_set (conn, key, value);
  if (!done)
    sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot save a setting");
  conn_put (self, conn);
  return done;
}

/* PostgreSQL checkpoints by itself. */
static void
pg_checkpoint (CareServerStore *store)
{
}

/* pg_dump's custom format, written beside path and renamed into place:
 * restore it with carelog-server restore (docs/deployment.md). */
static gboolean
pg_backup (CareServerStore *store,
           const char      *path,
           GError         **error)
{
  PgStore *self = (PgStore *) store;
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  g_autofree char *file_arg = g_strconcat ("--file=", tmp, NULL);
  g_autofree char *db_arg = g_strconcat ("--dbname=", self->url, NULL);
  const char *argv[] = { "pg_dump", "--format=custom", "--no-owner", file_arg, db_arg, NULL };
  g_autofree char *err = NULL;
  int status;

  g_unlink (tmp);
  if (!care_private_create (tmp, error))
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, error))
    {
      g_prefix_error (error, "Cannot run pg_dump (Debian's postgresql-client package has it): ");
      g_unlink (tmp);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "pg_dump failed: %s", err ? err : "");
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot rename %s to %s: %s",
                   tmp, path, g_strerror (errno));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

/* ---- the co-op log ---- */

static GBytes *
pg_log_leaves (CareServerStore *store,
               guint64          from,
               guint64         *size,
               GError         **error)
{
  Num f;
  g_autoptr(PGresult) r = QS ((PgStore *) store, "SELECT hash FROM log WHERE idx > ?1 ORDER BY idx",
                              num (f, (gint64) from));
  g_autoptr(GByteArray) leaves = NULL;

  *size = 0;
  if (r == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                           "The co-op server cannot read its log just now; try again in a minute.");
      return NULL;
    }
  leaves = g_byte_array_sized_new ((guint) PQntuples (r) * CARE_LOG_HASH_SIZE);
  for (int i = 0; i < PQntuples (r); i++)
    {
      guint8 raw[CARE_LOG_HASH_SIZE], leaf[CARE_LOG_HASH_SIZE];

      if (!care_base64url_decode (peek_text (r, i, 0), raw, sizeof raw))
        memset (raw, 0, sizeof raw);   /* a damaged row: the root will not match, verify says so */
      care_log_leaf_hash (raw, sizeof raw, leaf);
      g_byte_array_append (leaves, leaf, sizeof leaf);
    }
  *size = from + leaves->len / CARE_LOG_HASH_SIZE;
  return g_byte_array_free_to_bytes (g_steal_pointer (&leaves));
}

static gboolean
pg_ping (CareServerStore *store,
         GError         **error)
{
  PgStore *self = (PgStore *) store;
  g_autoptr(GError) local = NULL;
  Conn *conn = conn_get (self, &local);
  gboolean ok;

  if (conn == NULL)
    {
      local->message[strcspn (local->message, "\n")] = '\0';
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  {
    g_autoptr(PGresult) r = run (conn, "SELECT 1", 0, NULL);

    ok = r != NULL;
    if (!ok)
      {
        /* libpq's first line, without its severity ("FATAL:  …"). */
        g_autofree char *said = g_strdup (PQerrorMessage (conn->pg));
        char *line = said;

        line[strcspn (line, "\n")] = '\0';
        if (g_str_has_prefix (line, "FATAL:") || g_str_has_prefix (line, "ERROR:"))
          line = g_strchug (line + 6);
        g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                     "The co-op's PostgreSQL database does not answer (%s)",
                     *line != '\0' ? line : "no reason given");
      }
  }
  conn_put (self, conn);
  return ok;
}

static gboolean
pg_signed_head_after (CareServerStore *store,
                      const char      *device,
                      gint64           seq,
                      gint64          *head_seq,
                      char           **head,
                      char           **signature)
{
  Num s;
  g_autoptr(PGresult) r = QS ((PgStore *) store, "SELECT seq, head, signature FROM signatures WHERE device = ?1"
                                                 " AND seq >= ?2 ORDER BY seq LIMIT 1", device, num (s, seq));

  if (r == NULL || PQntuples (r) == 0)
    return FALSE;
  *head_seq = get_i64 (r, 0, 0);
  *head = get_text (r, 0, 1);
  *signature = get_text (r, 0, 2);
  return TRUE;
}

/* ---- other processes' commits ---- */

static gpointer
listen_thread (gpointer data)
{
  PgStore *self = data;
  g_autoptr(Conn) conn = NULL;

  while (!g_atomic_int_get (&self->stop_listening))
    {
      PGnotify *n;
      GPollFD fd = { 0 };

      if (conn == NULL || PQstatus (conn->pg) != CONNECTION_OK)
        {
          g_clear_pointer (&conn, conn_free);
          conn = conn_open (self->url, NULL);
          if (conn == NULL || !exec (conn, "LISTEN carelog_records", NULL))
            {
              g_clear_pointer (&conn, conn_free);
              g_usleep (G_USEC_PER_SEC);
              continue;
            }
          /* Whatever was missed while not listening: look again. */
          g_mutex_lock (&self->watch_lock);
          if (self->changed != NULL)
            self->changed (self->changed_data);
          g_mutex_unlock (&self->watch_lock);
        }
      fd.fd = PQsocket (conn->pg);
      fd.events = G_IO_IN;
      if (g_poll (&fd, 1, 250) <= 0)
        continue;
      if (!PQconsumeInput (conn->pg))
        continue;
      while ((n = PQnotifies (conn->pg)) != NULL)
        {
          gboolean mine = g_strcmp0 (n->extra, self->token) == 0;

          PQfreemem (n);
          if (mine)
            continue;
          g_mutex_lock (&self->watch_lock);
          if (self->changed != NULL)
            self->changed (self->changed_data);
          g_mutex_unlock (&self->watch_lock);
        }
    }
  return NULL;
}

static void
stop_listening (PgStore *self)
{
  if (self->listener == NULL)
    return;
  g_atomic_int_set (&self->stop_listening, 1);
  g_thread_join (self->listener);
  self->listener = NULL;
}

static void
pg_watch (CareServerStore *store,
          void           (*changed) (gpointer data),
          gpointer         data)
{
  PgStore *self = (PgStore *) store;

  g_mutex_lock (&self->watch_lock);
  self->changed = changed;
  self->changed_data = data;
  g_mutex_unlock (&self->watch_lock);
  if (changed == NULL)
    stop_listening (self);
  else if (self->listener == NULL)
    {
      g_atomic_int_set (&self->stop_listening, 0);
      self->listener = g_thread_new ("carelog-listen", listen_thread, self);
    }
}

static void
pg_close (CareServerStore *store)
{
  PgStore *self = (PgStore *) store;
  Conn *conn;

  stop_listening (self);
  g_mutex_clear (&self->watch_lock);
  g_free (self->token);

  while ((conn = g_async_queue_try_pop (self->pool)) != NULL)
    conn_free (conn);
  g_async_queue_unref (self->pool);
  g_free (self->dir);
  g_free (self->url);
  g_free (self->epoch);
  g_free (self);
}

static const CareServerStoreVTable pg_vtable = {
  .close = pg_close,
  .lookup_device = pg_lookup_device,
  .tx_begin = pg_tx_begin,
  .tx_commit = pg_tx_commit,
  .tx_rollback = pg_tx_rollback,
  .tx_savepoint = pg_tx_savepoint,
  .tx_rollback_savepoint = pg_tx_rollback_savepoint,
  .tx_release_savepoint = pg_tx_release_savepoint,
  .tx_device = pg_tx_device,
  .tx_event = pg_tx_event,
  .tx_expect = pg_tx_expect,
  .tx_history = pg_tx_history,
  .tx_is_assigned = pg_tx_is_assigned,
  .tx_schedule_carer = pg_tx_schedule_carer,
  .tx_review = pg_tx_review,
  .tx_insert = pg_tx_insert,
  .tx_reject = pg_tx_reject,
  .tx_record_hash = pg_tx_record_hash,
  .tx_set_sign_key = pg_tx_set_sign_key,
  .tx_add_signature = pg_tx_add_signature,
  .feed_verifier = pg_feed_verifier,
  .tx_update_device = pg_tx_update_device,
  .pull = pg_pull,
  .touch = pg_touch,
  .enrol = pg_enrol,
  .append_server_record = pg_append_server_record,
  .append_server_records = pg_append_server_records,
  .client_records = pg_client_records,
  .schedule_client = pg_schedule_client,
  .member_exists = pg_member_exists,
  .client_exists = pg_client_exists,
  .create_enrolment = pg_create_enrolment,
  .revoke_device = pg_revoke_device,
  .confirm_erased = pg_confirm_erased,
  .set_device_storage = pg_set_device_storage,
  .export_client = pg_export_client,
  .list_devices = pg_list_devices,
  .list_rejections = pg_list_rejections,
  .tx_open_refusal = pg_tx_open_refusal,
  .tx_refusal = pg_tx_refusal,
  .tx_held_behind = pg_tx_held_behind,
  .tx_resolve_refusal = pg_tx_resolve_refusal,
  .tx_append_server_record = pg_tx_append_server_record,
  .get_meta = pg_get_meta,
  .set_meta = pg_set_meta,
  .checkpoint = pg_checkpoint,
  .backup = pg_backup,
  .is_assigned = pg_is_assigned,
  .member_is_active = pg_member_is_active,
  .ping = pg_ping,
  .log_leaves = pg_log_leaves,
  .signed_head_after = pg_signed_head_after,
  .watch = pg_watch,
};

/* ---- migrations ---- */

/* The database's schema version: 0 when it holds no co-op. */
static gboolean
schema_version (Conn    *conn,
                gint64  *version,
                GError **error)
{
  g_autoptr(PGresult) r = Q0 (conn, "SELECT to_regclass ('meta') IS NOT NULL");
  g_autofree char *text = NULL;

  if (r == NULL)
    return sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot read the co-op database");
  *version = 0;
  if (!g_str_equal (PQgetvalue (r, 0, 0), "t"))
    return TRUE;
  text = meta_get (conn, "schema");
  *version = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
  return TRUE;
}

static gboolean
migrate (Conn       *conn,
         gboolean    create,
         const char *timezone,
         GError    **error)
{
  gint64 version;
  Num v;

  /* One process migrates; the others wait and find it done. */
  if (!exec (conn, "BEGIN", error) || !exec (conn, "SELECT pg_advisory_xact_lock (" WRITE_LOCK ")", error)
      || !schema_version (conn, &version, error))
    goto failed;
  if (create && version > 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_EXISTS,
                   "This PostgreSQL database already holds a co-op; give an empty database.");
      goto failed;
    }
  if (!create && version == 0)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                           "The co-op's PostgreSQL database holds no co-op; create one with "
                           "“carelog-server init DIR --store postgresql://…”.");
      goto failed;
    }
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                   "This co-op database was written by a newer carelog-server (schema %" G_GINT64_FORMAT
                   "); update carelog-server.", version);
      goto failed;
    }
  if (version == (gint64) G_N_ELEMENTS (migrations))
    return exec (conn, "COMMIT", error);
  for (gint64 m = version; m < (gint64) G_N_ELEMENTS (migrations); m++)
    if (!exec (conn, migrations[m], error))
      goto failed;
  if (version == 0)
    {
      g_autofree char *epoch = care_server_store_new_epoch ();

      if (!meta_set (conn, "epoch", epoch) || !meta_set (conn, "timezone", timezone ? timezone : "UTC")
          || !meta_set (conn, "coop_seq", "0"))
        goto failed;
    }
  if (!meta_set (conn, "schema", num (v, G_N_ELEMENTS (migrations))))
    goto failed;
  return exec (conn, "COMMIT", error);

failed:
  if (error != NULL && *error == NULL)
    sql_failed (conn, error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot set up the co-op database");
  exec (conn, "ROLLBACK", NULL);
  return FALSE;
}

/* ---- the data directory's store.ini ---- */

#define STORE_FILE "store.ini"

char *
care_server_pg_url (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, STORE_FILE, NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_key_file_get_string (kf, "store", "postgres", NULL);
}

gboolean
care_server_pg_is_url (const char *store)
{
  return store != NULL && (g_str_has_prefix (store, "postgresql://") || g_str_has_prefix (store, "postgres://"));
}

CareServerStore *
care_server_pg_open (const char *dir,
                     const char *url,
                     gboolean    create,
                     const char *timezone,
                     GError    **error)
{
  g_autofree char *path = g_build_filename (dir, STORE_FILE, NULL);
  g_autofree char *sqlite_path = g_build_filename (dir, "carelog.db", NULL);
  g_autoptr(Conn) conn = NULL;
  PgStore *self;

  if (create)
    {
      g_autoptr(GKeyFile) kf = g_key_file_new ();
      g_autofree char *text = NULL;

      if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (sqlite_path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_EXISTS,
                       "%s already holds a co-op; choose another directory.", dir);
          return NULL;
        }
      if (!care_private_mkdir (dir, error))
        return NULL;
      conn = conn_open (url, error);
      if (conn == NULL || !migrate (conn, TRUE, timezone, error))
        return NULL;
      /* The URL may carry a password: store.ini is the owner's only. */
      g_key_file_set_string (kf, "store", "postgres", url);
      text = g_key_file_to_data (kf, NULL, NULL);
      if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, CARE_PRIVATE_FILE_MODE, error))
        return NULL;
    }
  else
    {
      conn = conn_open (url, error);
      if (conn == NULL || !migrate (conn, FALSE, timezone, error))
        return NULL;
    }
  self = g_new0 (PgStore, 1);
  self->parent.vtable = &pg_vtable;
  self->dir = g_strdup (dir);
  self->url = g_strdup (url);
  self->pool = g_async_queue_new ();
  self->token = care_server_random_token (12);
  g_mutex_init (&self->watch_lock);
  self->epoch = meta_get (conn, "epoch");
  if (self->epoch == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "The co-op database has no epoch.");
      pg_close (&self->parent);
      return NULL;
    }
  g_async_queue_push (self->pool, g_steal_pointer (&conn));
  return &self->parent;
}

/* Replaces the co-op's database with a pg_dump backup (pg_restore --clean
 * in one transaction), then applies the restore's recovery rules
 * (care_server_core_restored) under the write lock. */
gboolean
care_server_pg_restore (const char *dir,
                        const char *url,
                        const char *path,
                        char      **summary,
                        GError    **error)
{
  g_autofree char *db_arg = g_strconcat ("--dbname=", url, NULL);
  const char *argv[] = { "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                         "--exit-on-error", db_arg, path, NULL };
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(Conn) conn = NULL;
  g_autofree char *err = NULL;
  g_autofree char *head = NULL;
  gsize len = 0;
  int status;

  /* pg_dump's custom format starts with "PGDMP". */
  if (!g_file_get_contents (path, &head, &len, error))
    return FALSE;
  if (len < 5 || memcmp (head, "PGDMP", 5) != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "%s is not a Carelog co-op backup of a PostgreSQL co-op (carelog-server backup writes one).", path);
      return FALSE;
    }
  g_clear_pointer (&head, g_free);
  /* A journal that cannot be read stops the restore before it replaces
   * anything. */
  journal = care_server_journal_read (dir, error);
  if (journal == NULL)
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, error))
    {
      g_prefix_error (error, "Cannot run pg_restore (Debian's postgresql-client package has it): ");
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "pg_restore failed: %s", err ? err : "");
      return FALSE;
    }
  conn = conn_open (url, error);
  if (conn == NULL)
    return FALSE;
  if (!exec (conn, "BEGIN", error) || !exec (conn, "SELECT pg_advisory_xact_lock (" WRITE_LOCK ")", error))
    return FALSE;
  if (!care_server_core_restored (&pg_sql, conn, dir, report, error) || !exec (conn, "COMMIT", error))
    {
      exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }
  if (summary != NULL)
    *summary = g_string_free (g_steal_pointer (&report), FALSE);
  return TRUE;
}

/* ---- moving a co-op from SQLite ---- */

/* Every table of the co-op, in an order the copy can follow. */
static const char *const coop_tables[] = {
  "meta", "members", "clients", "assignments", "schedules", "visits", "reviews", "devices", "enrolments",
  "rejections", "signatures", "readership", "events", "log",
};

/* Copies one table's rows, column by column by name, inside the open
 * transaction. */
static gboolean
copy_table (sqlite3    *from,
            Conn       *to,
            const char *table,
            guint64    *rows,
            GError    **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT * FROM \"%s\"", table);
  g_autoptr(GString) insert = g_string_new (NULL);
  sqlite3_stmt *s = NULL;
  int n, rc;
  g_autofree const char **params = NULL;

  if (sqlite3_prepare_v2 (from, select, -1, &s, NULL) != SQLITE_OK)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot read table %s of the SQLite co-op: %s",
                   table, sqlite3_errmsg (from));
      return FALSE;
    }
  n = sqlite3_column_count (s);
  g_string_printf (insert, "INSERT INTO \"%s\" (", table);
  for (int i = 0; i < n; i++)
    g_string_append_printf (insert, "%s\"%s\"", i ? ", " : "", sqlite3_column_name (s, i));
  g_string_append (insert, ") VALUES (");
  for (int i = 0; i < n; i++)
    g_string_append_printf (insert, "%s$%d", i ? ", " : "", i + 1);
  g_string_append_c (insert, ')');
  {
    g_autoptr(PGresult) prep = PQprepare (to->pg, table, insert->str, n, NULL);

    if (PQresultStatus (prep) != PGRES_COMMAND_OK)
      {
        g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot copy table %s: %s", table,
                     PQerrorMessage (to->pg));
        sqlite3_finalize (s);
        return FALSE;
      }
  }
  params = g_new0 (const char *, n);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      g_autoptr(PGresult) r = NULL;

      for (int i = 0; i < n; i++)
        params[i] = (const char *) sqlite3_column_text (s, i);
      r = PQexecPrepared (to->pg, table, n, params, NULL, NULL, 0);
      if (PQresultStatus (r) != PGRES_COMMAND_OK)
        {
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot copy table %s: %s", table,
                       PQerrorMessage (to->pg));
          sqlite3_finalize (s);
          return FALSE;
        }
      (*rows)++;
    }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot read table %s of the SQLite co-op: %s",
                   table, sqlite3_errmsg (from));
      return FALSE;
    }
  return TRUE;
}

gboolean
care_server_pg_migrate_store (const char *dir,
                              const char *url,
                              char      **summary,
                              GError    **error)
{
  g_autofree char *path = g_build_filename (dir, "carelog.db", NULL);
  g_autofree char *ini = g_build_filename (dir, STORE_FILE, NULL);
  g_autofree char *kept = g_build_filename (dir, "carelog.db.before-postgresql", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL;
  g_autoptr(Conn) conn = NULL;
  sqlite3 *from = NULL;
  guint64 rows = 0;
  gboolean copied = TRUE;

  if (g_file_test (ini, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_EXISTS, "The co-op in %s is already in PostgreSQL.", dir);
      return FALSE;
    }
  /* The SQLite co-op at this version's schema first (its numbered
   * migrations), so that both have the same tables. */
  {
    CareServerStore *sqlite = care_server_sqlite_open (dir, FALSE, NULL, error);

    if (sqlite == NULL)
      return FALSE;
    care_server_store_close (sqlite);
  }
  conn = conn_open (url, error);
  if (conn == NULL || !migrate (conn, TRUE, NULL, error))
    return FALSE;
  if (sqlite3_open_v2 (path, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot open %s: %s", path, sqlite3_errmsg (from));
      sqlite3_close (from);
      return FALSE;
    }
  /* One transaction on each side: all of it is copied, or none. The new
   * database's own settings (epoch, numbering) give way to the co-op's. */
  sqlite3_exec (from, "BEGIN", NULL, NULL, NULL);
  if (!exec (conn, "BEGIN", error) || !exec (conn, "SELECT pg_advisory_xact_lock (" WRITE_LOCK ")", error)
      || !exec (conn, "DELETE FROM meta", error))
    copied = FALSE;
  for (guint i = 0; copied && i < G_N_ELEMENTS (coop_tables); i++)
    copied = copy_table (from, conn, coop_tables[i], &rows, error);
  if (copied)
    {
      Num v;

      copied = meta_set (conn, "schema", num (v, G_N_ELEMENTS (migrations)))
               && exec (conn, "COMMIT", error);
    }
  sqlite3_exec (from, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (from);
  if (!copied)
    {
      exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }
  /* What autovacuum would do over the next minutes, at once: the copied
   * rows' visibility and the planner's statistics. Until then the first
   * pushes store at about half speed (README, "Benchmarks"). A failure
   * here loses nothing: autovacuum does it later. */
  if (!exec (conn, "VACUUM (ANALYZE)", NULL))
    g_message ("VACUUM after the copy failed; PostgreSQL's autovacuum will do it later.");
  g_key_file_set_string (kf, "store", "postgres", url);
  text = g_key_file_to_data (kf, NULL, NULL);
  if (!g_file_set_contents_full (ini, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, CARE_PRIVATE_FILE_MODE, error))
    return FALSE;
  /* The SQLite file is kept aside (it holds care records: delete it once
   * the co-op runs on PostgreSQL). */
  if (g_rename (path, kept) != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot rename %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  if (summary != NULL)
    *summary = g_strdup_printf ("Copied %" G_GUINT64_FORMAT " rows of the co-op into PostgreSQL; %s now names "
                                "that database, and the SQLite file is kept as %s until you delete it.\n",
                                rows, ini, kept);
  return TRUE;
}
