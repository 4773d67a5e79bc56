/* care-store.c: opening, verifying and migrating the store; meta and identity.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open-time verification. A full PRAGMA integrity_check reads every page,
 * which takes seconds on a supervisor's store of a million records, so it is
 * not run on every open (care_store_verify does it on request). Instead each
 * open:
 *   1. reads the 100-byte SQLite header itself, before SQLite touches the
 *      file: magic string, page size, and the page count against the file
 *      size (a truncated file is caught here);
 *   2. checks the schema version and that every table of the schema exists;
 *   3. runs PRAGMA quick_check when the file is small (below
 *      QUICK_CHECK_MAX_BYTES, where it costs a few milliseconds) or when the
 *      last session did not close cleanly (a power cut or a crash). Sessions
 *      are tracked in "<path>-session": the first process to open the store
 *      writes "open" there, the last to close writes "closed"; an advisory
 *      lock tells them apart.
 * A store found damaged is closed without a checkpoint, so not one byte of
 * it changes, and CARE_STORE_ERROR_CORRUPT says what to do.
 */
#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "care-erase.h"
#include "care-json.h"
#include "care-private.h"
#include "care-store-private.h"

#define QUICK_CHECK_MAX_BYTES (32 * 1024 * 1024)
#define BUSY_TIMEOUT_MS 10000

/* SQL --------------------------------------------------------------------- */

static const char *migrations[] = {
  NULL,
  /* 1: the care log itself. Events are append-only: only their sync state
   * columns may ever change. */
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE events ("
  "  pos INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  device TEXT NOT NULL,"
  "  seq INTEGER NOT NULL CHECK (seq >= 1),"
  "  author TEXT NOT NULL,"
  "  hlc INTEGER NOT NULL,"
  "  wall INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  subject TEXT,"
  "  body TEXT NOT NULL,"
  "  sync INTEGER NOT NULL DEFAULT 0,"
  "  sync_reason TEXT,"
  "  UNIQUE (device, seq));"
  "CREATE INDEX events_subject ON events (subject, hlc);"
  "CREATE INDEX events_hlc ON events (hlc);"
  "CREATE TRIGGER events_immutable BEFORE UPDATE OF id, device, seq, author, hlc, wall, type,"
  "  subject, body ON events BEGIN SELECT RAISE (ABORT, 'care-log records are never changed'); END;"
  "CREATE TRIGGER events_append_only BEFORE DELETE ON events"
  "  BEGIN SELECT RAISE (ABORT, 'care-log records are never deleted'); END;",
  /* 2: derived state (recomputed from the events after every migration). */
  "CREATE TABLE members (member TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,"
  "  active INTEGER NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL)"
  "  WITHOUT ROWID;"
  "CREATE TABLE clients (client TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL,"
  "  active INTEGER NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL)"
  "  WITHOUT ROWID;"
  "CREATE TABLE careplans (client TEXT PRIMARY KEY NOT NULL, tasks TEXT NOT NULL,"
  "  hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE assignments (client TEXT NOT NULL, carer TEXT NOT NULL, active INTEGER NOT NULL,"
  "  hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL,"
  "  PRIMARY KEY (client, carer)) WITHOUT ROWID;"
  "CREATE INDEX assignments_carer ON assignments (carer);"
  "CREATE TABLE schedules (schedule TEXT PRIMARY KEY NOT NULL, client TEXT NOT NULL,"
  "  carer TEXT NOT NULL, start INTEGER NOT NULL, minutes INTEGER NOT NULL, service TEXT NOT NULL,"
  "  cancelled INTEGER NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL)"
  "  WITHOUT ROWID;"
  "CREATE INDEX schedules_carer ON schedules (carer, start);"
  "CREATE TABLE visits (vkey TEXT PRIMARY KEY NOT NULL, visit TEXT, schedule TEXT,"
  "  client TEXT NOT NULL, carer TEXT NOT NULL, service TEXT NOT NULL,"
  "  planned_start INTEGER NOT NULL, planned_minutes INTEGER NOT NULL,"
  "  started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL,"
  "  recorded_started_at INTEGER NOT NULL, recorded_finished_at INTEGER NOT NULL,"
  "  start_key INTEGER NOT NULL, base INTEGER NOT NULL, flags INTEGER NOT NULL,"
  "  review INTEGER NOT NULL, open_query TEXT, has_location INTEGER NOT NULL,"
  "  lat REAL, lon REAL, accuracy REAL) WITHOUT ROWID;"
  "CREATE INDEX visits_carer ON visits (carer, start_key);"
  "CREATE INDEX visits_client ON visits (client, start_key);"
  "CREATE INDEX visits_start ON visits (start_key);"
  "CREATE INDEX visits_schedule ON visits (schedule);"
  "CREATE TABLE notes (pos INTEGER PRIMARY KEY, note TEXT NOT NULL, visit TEXT NOT NULL,"
  "  client TEXT, category TEXT NOT NULL, text TEXT NOT NULL, retracted INTEGER NOT NULL,"
  "  author TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (visit, note));"
  "CREATE INDEX notes_note ON notes (note);"
  "CREATE VIRTUAL TABLE notes_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');"
  "CREATE TABLE hours_entries (entry TEXT PRIMARY KEY NOT NULL, carer TEXT NOT NULL,"
  "  date TEXT NOT NULL, kind TEXT NOT NULL, minutes INTEGER NOT NULL, comment TEXT,"
  "  hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX hours_carer ON hours_entries (carer, date);"
  "CREATE TABLE reviews (review TEXT PRIMARY KEY NOT NULL, action TEXT NOT NULL, visit TEXT,"
  "  carer TEXT, week TEXT, message TEXT, author TEXT NOT NULL, hlc INTEGER NOT NULL,"
  "  device TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX reviews_sheet ON reviews (carer, week);"
  "CREATE TABLE answers (review TEXT NOT NULL, event TEXT NOT NULL,"
  "  PRIMARY KEY (review, event)) WITHOUT ROWID;",
  /* 3: the visits needing a supervisor's attention, for "exceptions first"
   * on a co-op's whole history. */
  "CREATE INDEX visits_attention ON visits (start_key) WHERE flags != 0 OR base = 0;",
  /* 4: the same index covering what decides "needs attention", so that
   * counting and filtering those visits never reads the table. */
  "DROP INDEX visits_attention;"
  "CREATE INDEX visits_attention ON visits (start_key, flags, base, planned_start, planned_minutes)"
  "  WHERE flags != 0 OR base = 0;",
  /* 5: when the co-op server received each record (ms, from a pull); NULL =
   * not yet received or unknown. A sync column: events_immutable does not
   * list it, so it may be filled in later, like sync. */
  "ALTER TABLE events ADD COLUMN received_at INTEGER;",
  /* 6: retention on a carer's tablet (docs/privacy.md). The append-only
   * rule allows exactly one deletion: on a carer's store, the records of a
   * finished or cancelled visit with no open query, every one of which
   * reached the co-op (sync = 1, received_at known) before "purge_before"
   * (set by care_store_purge); and the rota records of a schedule that ended
   * before then, that no kept visit refers to. Nothing else, and nothing at
   * all on a supervisor's store. */
  "DROP TRIGGER events_append_only;"
  "CREATE TRIGGER events_append_only BEFORE DELETE ON events"
  "  WHEN NOT ((SELECT value FROM meta WHERE key = 'role') IS 'carer'"
  "    AND OLD.subject IS NOT NULL"
  "    AND NOT EXISTS (SELECT 1 FROM events o WHERE o.subject = OLD.subject"
  "      AND (o.sync != 1 OR o.received_at IS NULL OR o.received_at >="
  "        coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'purge_before'), 0)))"
  "    AND ((OLD.type NOT IN ('schedule.set', 'member.set', 'client.set', 'careplan.set', 'assignment.set',"
  "                            'hours.added')"
  "          AND EXISTS (SELECT 1 FROM visits v WHERE v.vkey = OLD.subject AND v.visit IS NOT NULL"
  "                        AND v.base IN (2, 3) AND v.open_query IS NULL))"
  "      OR (OLD.type IN ('schedule.set', 'visit.cancelled')"
  "          AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.visit IS NOT NULL AND v.schedule = OLD.subject)"
  "          AND EXISTS (SELECT 1 FROM schedules s WHERE s.schedule = OLD.subject"
  "                        AND s.start + s.minutes * 60000 <"
  "                          (SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'purge_before')))))"
  "  BEGIN SELECT RAISE (ABORT, 'care-log records are never deleted'); END;",
  /* 7: the chain (care-chain.h, docs/verifying-records.md): each record's
   * link (the hash of its device's previous record) and its own hash, set
   * when it is stored and never changed. Records stored before this have
   * neither: they are "before the chain". */
  "ALTER TABLE events ADD COLUMN link TEXT;"
  "ALTER TABLE events ADD COLUMN hash TEXT;"
  "DROP TRIGGER events_immutable;"
  "CREATE TRIGGER events_immutable BEFORE UPDATE OF id, device, seq, author, hlc, wall, type,"
  "  subject, body, link, hash ON events BEGIN SELECT RAISE (ABORT, 'care-log records are never changed'); END;",
  /* 8: the hashes of records retention removed (no care data: device,
   * sequence and hash), so the chain can still be followed across them. */
  "CREATE TABLE purged (device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT,"
  "  PRIMARY KEY (device, seq)) WITHOUT ROWID;",
  /* 9: refused records put right (care-store-private.h, SYNC_SET_ASIDE): a
   * sync column like sync and sync_reason, changed as the co-op answers. */
  "ALTER TABLE events ADD COLUMN sync_code TEXT;",
  /* 10: each client's standing choice of who reads notes of each category
   * (client.readership, docs/family.md), latest by (hlc, device, seq). */
  "CREATE TABLE readership (client TEXT PRIMARY KEY NOT NULL, readers TEXT NOT NULL,"
  "  hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;"
  /* and the families' messages, newest first, without reading the log. */
  "CREATE INDEX events_messages ON events (wall) WHERE type = 'message.sent';",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CARE_STORE_SCHEMA_VERSION + 1);

static const char *schema_tables[] = {
  "meta", "events", "members", "clients", "careplans", "assignments", "schedules",
  "visits", "notes", "notes_fts", "hours_entries", "reviews", "answers",
};

static const char SQL_USER_VERSION[] = "PRAGMA user_version";
static const char SQL_COUNT_TABLES[] =
  "SELECT count(*) FROM sqlite_schema WHERE type IN ('table') AND name = ?";
static const char SQL_GET_META[] = "SELECT value FROM meta WHERE key = ?";
static const char SQL_SET_META[] =
  "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_DELETE_META[] = "DELETE FROM meta WHERE key = ?";
static const char SQL_COUNT_OWN[] = "SELECT count(*) FROM events WHERE device = ?";

/* Statements and errors --------------------------------------------------- */

G_DEFINE_QUARK (care-store-error-quark, care_store_error)

G_DEFINE_FINAL_TYPE (CareStore, care_store, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
care_store_migration_sql (int version)
{
  g_return_val_if_fail (version >= 1 && version <= CARE_STORE_SCHEMA_VERSION, NULL);
  return migrations[version];
}

gboolean
care_store_set_error (CareStore *self,
                      int        rc,
                      GError   **error)
{
  const char *detail = self != NULL && self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_FULL,
                   _("The storage is full, so nothing was saved. Free some space on this device "
                     "and try again; everything saved before is safe."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CORRUPT,
                   _("The care log is damaged (%s). It has been left exactly as it was: do not "
                     "delete it, and ask your co-op’s support to recover it."), detail);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_BUSY,
                   _("The care log is busy in another program. Nothing was saved: try again in a moment."));
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_UNREADABLE,
                   _("The care log cannot be opened for writing (%s). Check that the file and "
                     "its folder belong to you."), detail);
      break;
    case SQLITE_IOERR:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_IO,
                   _("The device’s storage reported an error (%s), so nothing was saved. Try "
                     "again; if it keeps happening, the storage may be failing."), detail);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID,
                   _("This record conflicts with one already in the care log (%s)."), detail);
      break;
    default:
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_FAILED,
                   _("The care log reported an unexpected error (%s)."), detail);
      break;
    }
  return FALSE;
}

sqlite3_stmt *
care_store_stmt (CareStore  *self,
                 const char *sql,
                 GError    **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      care_store_set_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

int
care_store_step (CareStore    *self,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  care_store_set_error (self, rc, error);
  sqlite3_reset (stmt);
  return 0;
}

gboolean
care_store_run (CareStore    *self,
                sqlite3_stmt *stmt,
                GError      **error)
{
  int rc;

  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    ;
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

gboolean
care_store_exec (CareStore  *self,
                 const char *sql,
                 GError    **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return care_store_set_error (self, rc, error);
  return TRUE;
}

gboolean
care_store_begin (CareStore *self,
                  GError   **error)
{
  return care_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
care_store_commit (CareStore *self,
                   GError   **error)
{
  if (care_store_exec (self, "COMMIT", error))
    return TRUE;
  care_store_rollback (self);
  return FALSE;
}

void
care_store_rollback (CareStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

void
care_store_bind_text (sqlite3_stmt *stmt,
                      int           index,
                      const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
care_store_column_dup (sqlite3_stmt *stmt,
                       int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static CareEvent *
event_from_row (sqlite3_stmt *stmt,
                int           c,
                int          *sync,
                gboolean      parse_body)
{
  g_autoptr(CareEvent) event = care_event_new ();
  g_autoptr(JsonNode) body = NULL;

  event->id = care_store_column_dup (stmt, c);
  event->device = care_store_column_dup (stmt, c + 1);
  event->seq = sqlite3_column_int64 (stmt, c + 2);
  event->author = care_store_column_dup (stmt, c + 3);
  event->hlc = sqlite3_column_int64 (stmt, c + 4);
  event->wall = sqlite3_column_int64 (stmt, c + 5);
  event->type = care_event_type_from_string ((const char *) sqlite3_column_text (stmt, c + 6));
  if (parse_body)
    {
      body = care_json_parse ((const char *) sqlite3_column_text (stmt, c + 7),
                              (gsize) sqlite3_column_bytes (stmt, c + 7), CARE_JSON_MAX_DEPTH, NULL);
      event->body = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_dup_object (body)
                                                                   : json_object_new ();
    }
  else
    event->body_text = care_store_column_dup (stmt, c + 7);
  if (sync != NULL)
    *sync = sqlite3_column_int (stmt, c + 8);
  /* NULL (not yet received by the co-op, or unknown) reads as 0. */
  event->received = sqlite3_column_int64 (stmt, c + 9);
  event->link = care_store_column_dup (stmt, c + 10);
  return g_steal_pointer (&event);
}

CareEvent *
care_store_event_from_row (sqlite3_stmt *stmt,
                           int           c,
                           int          *sync)
{
  return event_from_row (stmt, c, sync, TRUE);
}

CareEvent *
care_store_event_to_send_from_row (sqlite3_stmt *stmt,
                                   int           c)
{
  return event_from_row (stmt, c, NULL, FALSE);
}

/* Time helpers ------------------------------------------------------------ */

char *
care_store_format_time (CareStore *self,
                        gint64     ms)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;

  return local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("?");
}

void
care_store_day_bounds (GTimeZone   *tz,
                       const GDate *day,
                       gint64      *start,
                       gint64      *end)
{
  g_autoptr(GDateTime) a = g_date_time_new (tz, g_date_get_year (day), g_date_get_month (day),
                                            g_date_get_day (day), 0, 0, 0);
  g_autoptr(GDateTime) b = g_date_time_add_days (a, 1);

  *start = g_date_time_to_unix (a) * 1000;
  *end = g_date_time_to_unix (b) * 1000;
}

/* Object ------------------------------------------------------------------ */

static void
session_end (CareStore *self)
{
  if (self->session_fd < 0)
    return;
  /* The last process to close marks the session clean. */
  if (flock (self->session_fd, LOCK_EX | LOCK_NB) == 0)
    {
      if (ftruncate (self->session_fd, 0) == 0
          && pwrite (self->session_fd, "closed", 6, 0) == 6)
        fdatasync (self->session_fd);
    }
  close (self->session_fd);
  self->session_fd = -1;
}

static void
care_store_finalize (GObject *object)
{
  CareStore *self = CARE_STORE (object);

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  session_end (self);
  g_clear_object (&self->sibling_of);
  g_free (self->path);
  g_free (self->device);
  g_free (self->member);
  G_OBJECT_CLASS (care_store_parent_class)->finalize (object);
}

static void
care_store_class_init (CareStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = care_store_finalize;

  /* Emitted by care_store_changed(): see there. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* Tells everyone showing the store that what it holds changed: the app
 * calls it after its own writes and when the sync daemon says it wrote.
 * Each view connects to "changed" itself; the store does not emit it on
 * its own (a write's caller reloads once its write is over, not in the
 * middle of it). */
void
care_store_changed (CareStore *self)
{
  g_return_if_fail (CARE_IS_STORE (self));

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
care_store_init (CareStore *self)
{
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify) sqlite3_finalize);
  self->session_fd = -1;
  self->role = CARE_ROLE_INVALID;
}

/* Opening ----------------------------------------------------------------- */

static gboolean
corrupt (GError    **error,
         const char *path,
         const char *why)
{
  g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CORRUPT,
               _("The care log %s is damaged: %s. It has been left exactly as it was. Do not "
                 "delete it: ask your co-op’s support to recover it (records already sent to the "
                 "co-op are safe there)."), path, why);
  return FALSE;
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
wal_has_content (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

/* Step 1 of the open-time check: the header, read without SQLite. */
static gboolean
check_header (const char *path,
              goffset    *size_out,
              GError    **error)
{
  guint8 h[100];
  GStatBuf st;
  guint32 page_size, pages;
  int fd;
  ssize_t n;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_UNREADABLE,
                   _("The care log %s cannot be read (%s). Check that the file belongs to you."),
                   path, g_strerror (saved));
      return FALSE;
    }
  n = pread (fd, h, sizeof h, 0);
  close (fd);
  *size_out = st.st_size;
  if (st.st_size == 0)
    return TRUE;
  if (n != sizeof h)
    return corrupt (error, path, _("it is shorter than any care log can be"));
  if (memcmp (h, "SQLite format 3", 16) != 0)
    return corrupt (error, path, _("its first bytes are not those of a care log"));
  page_size = ((guint32) h[16] << 8) | h[17];
  if (page_size == 1)
    page_size = 65536;
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
    return corrupt (error, path, _("its header gives an impossible page size"));
  if (st.st_size % page_size != 0)
    return corrupt (error, path, _("it has been cut short in the middle of a page"));
  pages = be32 (h + 28);
  if (pages > 0 && be32 (h + 92) == be32 (h + 24) && (goffset) pages * page_size > st.st_size
      && !wal_has_content (path))
    return corrupt (error, path, _("it has been cut short (truncated)"));
  return TRUE;
}

/* Takes the session lock; *unclean is TRUE when this is the first process
 * and the previous session did not close cleanly (or is unknown). */
static gboolean
session_begin (CareStore *self,
               gboolean  *unclean,
               GError   **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, "-session", NULL);
  char buf[8] = { 0 };
  g_autoptr(GError) local_error = NULL;
  int fd = care_private_open (lock_path, O_RDWR, &local_error);

  *unclean = FALSE;
  if (fd < 0)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_UNREADABLE,
                   _("The care log %s cannot be opened for writing (%s). Check that its folder "
                     "belongs to you."), self->path, local_error->message);
      return FALSE;
    }
  self->session_fd = fd;
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      *unclean = pread (fd, buf, sizeof buf - 1, 0) != 6 || strcmp (buf, "closed") != 0;
      if (ftruncate (fd, 0) != 0 || pwrite (fd, "open", 4, 0) != 4)
        g_debug ("Could not mark the session open: %s", g_strerror (errno));
      fdatasync (fd);
    }
  flock (fd, LOCK_SH);
  return TRUE;
}

static int
get_user_version (CareStore *self,
                  GError   **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_USER_VERSION, error);

  if (stmt == NULL || care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

static gboolean
quick_check (CareStore *self,
             GError   **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, "PRAGMA quick_check(1)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = care_store_step (self, stmt, error);
  if (rc == 0)
    return FALSE;
  if (rc != SQLITE_ROW || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_autofree char *found = g_strdup (rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0) : "?");
      g_autofree char *why = g_strdup_printf (_("the quick check found “%s”"), g_strdelimit (found, "\n", ' '));

      return corrupt (error, self->path, why);
    }
  return TRUE;
}

/* All steps from the file's version to the current one run in one
 * transaction, and end with a rebuild of every derived table from the
 * events: the derived state is always what this version computes. */
static gboolean
migrate_locked (CareStore *self,
                GError   **error)
{
  int from = get_user_version (self, error);
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", CARE_STORE_SCHEMA_VERSION);

  if (from < 0)
    return FALSE;
  /* Another process may have migrated while we waited for the lock. */
  if (from >= CARE_STORE_SCHEMA_VERSION)
    return TRUE;
  for (int v = from + 1; v <= CARE_STORE_SCHEMA_VERSION; v++)
    if (!care_store_exec (self, migrations[v], error))
      return FALSE;
  return care_store_rebuild_derived (self, error) && care_store_exec (self, set_version, error);
}

static gboolean
migrate (CareStore *self,
         int        from,
         GError   **error)
{
  if (from >= CARE_STORE_SCHEMA_VERSION)
    return TRUE;
  if (!care_store_begin (self, error))
    return FALSE;
  if (!migrate_locked (self, error))
    {
      care_store_rollback (self);
      return FALSE;
    }
  return care_store_commit (self, error);
}

static gboolean
check_schema (CareStore *self,
              GError   **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema_tables); i++)
    {
      g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_COUNT_TABLES, error);

      if (stmt == NULL)
        return FALSE;
      care_store_bind_text (stmt, 1, schema_tables[i]);
      if (care_store_step (self, stmt, error) != SQLITE_ROW)
        return FALSE;
      if (sqlite3_column_int (stmt, 0) != 1)
        {
          g_autofree char *why = g_strdup_printf (_("its table “%s” is missing"), schema_tables[i]);

          return corrupt (error, self->path, why);
        }
    }
  return TRUE;
}

static gboolean
check_version (CareStore *self,
               gboolean   existed,
               int       *version,
               GError   **error)
{
  *version = get_user_version (self, error);
  if (*version < 0)
    return FALSE;
  if (*version > CARE_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_TOO_NEW,
                   _("The care log %s was written by a newer version of Carelog (format %d; this "
                     "version reads up to %d). Update Carelog to open it."),
                   self->path, *version, CARE_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (existed && *version == 0)
    {
      g_autoptr(CareStmt) stmt = care_store_stmt (self, "SELECT count(*) FROM sqlite_schema", error);

      if (stmt == NULL || care_store_step (self, stmt, error) != SQLITE_ROW)
        return FALSE;
      if (sqlite3_column_int (stmt, 0) > 0)
        {
          g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_UNREADABLE,
                       _("The file %s is a database, but not a Carelog care log. Check the path."),
                       self->path);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
configure (CareStore *self,
           GError   **error)
{
  g_autoptr(CareStmt) stmt = NULL;

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  if (!care_store_exec (self, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", error))
    return FALSE;
  stmt = care_store_stmt (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL || care_store_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    return care_store_set_error (self, SQLITE_CANTOPEN, error);
  return TRUE;
}

static void
load_identity (CareStore *self)
{
  g_autofree char *role = care_store_get_meta (self, "role");

  g_clear_pointer (&self->device, g_free);
  g_clear_pointer (&self->member, g_free);
  self->device = care_store_get_meta (self, "device");
  self->member = care_store_get_meta (self, "member");
  self->role = care_role_from_string (role);
}

static goffset
quick_check_max_bytes (void)
{
#if CARE_FAULT_HOOKS
  /* Test builds: the tests lower the threshold to exercise the session
   * logic on small files. */
  const char *value = g_getenv ("CARELOG_QUICK_CHECK_MAX_BYTES");

  if (value != NULL)
    return g_ascii_strtoll (value, NULL, 10);
#endif
  return QUICK_CHECK_MAX_BYTES;
}

static gboolean
open_db (CareStore *self,
         gboolean   existed,
         goffset    size,
         GError   **error)
{
  gboolean unclean = FALSE;
  int version = 0;
  int rc;

  if (!session_begin (self, &unclean, error))
    return FALSE;
  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return care_store_set_error (self, rc, error);
  /* Until the file has passed the checks, closing must not checkpoint. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  if (!check_version (self, existed && size > 0, &version, error))
    return FALSE;
  if (existed && size > 0 && (unclean || size <= quick_check_max_bytes ()) && !quick_check (self, error))
    return FALSE;
  if (version >= 2 && !check_schema (self, error))
    return FALSE;
  if (!configure (self, error) || !migrate (self, version, error))
    return FALSE;
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  load_identity (self);
  return TRUE;
}

/* The care log is created 0600 before SQLite opens it, so that SQLite
 * creates its -wal and -shm files 0600 too (it gives them the database
 * file's mode); files left wider by an older version are tightened. */
static gboolean
make_private (const char *path,
              GError    **error)
{
  static const char *const companions[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *companion = g_strconcat (path, companions[i], NULL);

      care_private_tighten (companion);
    }
  /* An existing file is only chmod-ed: opening and closing a descriptor of
   * it would drop the locks another connection of this process holds. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      care_private_tighten (path);
      return TRUE;
    }
  return care_private_create (path, error);
}

char *
care_store_default_path (const char *profile)
{
  const char *base = g_getenv ("CARELOG_DATA_DIR");
  g_autofree char *dir = NULL;

  g_return_val_if_fail (profile != NULL && *profile != '\0', NULL);
  if (base != NULL && *base != '\0')
    dir = g_build_filename (base, "profiles", profile, NULL);
  else
    dir = g_build_filename (g_get_user_data_dir (), "carelog", "profiles", profile, NULL);
  return g_build_filename (dir, "carelog.db", NULL);
}

CareStore *
care_store_open (const char *path,
                 GError    **error)
{
  g_autoptr(CareStore) self = g_object_new (CARE_TYPE_STORE, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean existed = g_file_test (path, G_FILE_TEST_EXISTS);
  g_autoptr(GError) local_error = NULL;
  goffset size = 0;

  self->path = g_strdup (path);
  if (care_erase_is_removed (path, NULL))
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_REMOVED,
                   _("This tablet was removed from the co-op and its care records were erased. To use "
                     "it again, ask your co-ordinator to enrol it."));
      return NULL;
    }
  if (existed && !check_header (path, &size, error))
    return NULL;
  if (!existed && !care_private_mkdir (dir, &local_error))
    {
      g_set_error_literal (error, CARE_STORE_ERROR, CARE_STORE_ERROR_UNREADABLE, local_error->message);
      return NULL;
    }
  if (!make_private (path, &local_error))
    {
      g_set_error_literal (error, CARE_STORE_ERROR, CARE_STORE_ERROR_UNREADABLE, local_error->message);
      return NULL;
    }
  if (!open_db (self, existed, size, error))
    return NULL;
  return g_steal_pointer (&self);
}

CareStore *
care_store_open_sibling (CareStore *self,
                         GError   **error)
{
  g_autoptr(CareStore) sibling = NULL;
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  sibling = g_object_new (CARE_TYPE_STORE, NULL);
  sibling->path = g_strdup (self->path);
  sibling->clock = self->clock;
  sibling->clock_data = self->clock_data;
  rc = sqlite3_open_v2 (self->path, &sibling->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      care_store_set_error (sibling, rc, error);
      return NULL;
    }
  if (!configure (sibling, error))
    return NULL;
  load_identity (sibling);
  sibling->sibling_of = g_object_ref (self);
  return g_steal_pointer (&sibling);
}

const char *
care_store_get_path (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  return self->path;
}

gboolean
care_store_verify (CareStore *self,
                   GError   **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, "PRAGMA integrity_check(10)", error);
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  if (rc == 0)
    return FALSE;
  if (problems->len > 0)
    {
      g_autofree char *why = g_strdup_printf (_("the full check found “%s”"), problems->str);

      return corrupt (error, self->path, why);
    }
  return TRUE;
}

int
care_store_get_schema_version (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), -1);
  return get_user_version (self, NULL);
}

/* Meta and identity ------------------------------------------------------- */

char *
care_store_get_meta (CareStore  *self,
                     const char *key)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_GET_META, NULL);

  if (stmt == NULL)
    return NULL;
  care_store_bind_text (stmt, 1, key);
  if (care_store_step (self, stmt, NULL) != SQLITE_ROW)
    return NULL;
  return care_store_column_dup (stmt, 0);
}

gboolean
care_store_set_meta (CareStore  *self,
                     const char *key,
                     const char *value,
                     GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, value ? SQL_SET_META : SQL_DELETE_META, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_text (stmt, 1, key);
  if (value != NULL)
    care_store_bind_text (stmt, 2, value);
  return care_store_run (self, stmt, error);
}

static gint64
count_own_events (CareStore  *self,
                  const char *device,
                  GError    **error)
{
  g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_COUNT_OWN, error);

  if (stmt == NULL)
    return -1;
  care_store_bind_text (stmt, 1, device);
  if (care_store_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
care_store_set_identity (CareStore  *self,
                         const char *device,
                         const char *member,
                         CareRole    role,
                         GError    **error)
{
  g_autofree char *old = NULL;
  gint64 n;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  if (!care_id_is_valid (device) || !care_id_is_valid (member) || care_role_to_string (role) == NULL)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID,
                   _("A device id, a member id and a role are needed to set up this profile."));
      return FALSE;
    }
  if (!care_store_begin (self, error))
    return FALSE;
  old = care_store_get_meta (self, "device");
  n = old != NULL && !g_str_equal (old, device) ? count_own_events (self, old, error) : 0;
  if (n != 0)
    {
      care_store_rollback (self);
      if (n > 0)
        g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_RULE,
                     _("This profile already holds records written as device %s. Use a new "
                       "profile for another enrolment."), old);
      return FALSE;
    }
  if (!care_store_set_meta (self, "device", device, error)
      || !care_store_set_meta (self, "member", member, error)
      || !care_store_set_meta (self, "role", care_role_to_string (role), error)
      || !care_store_commit (self, error))
    {
      care_store_rollback (self);
      return FALSE;
    }
  load_identity (self);
  return TRUE;
}

const char *
care_store_get_device (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  return self->device;
}

const char *
care_store_get_member (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  return self->member;
}

CareRole
care_store_get_role (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), CARE_ROLE_INVALID);
  return self->role;
}

GTimeZone *
care_store_get_timezone (CareStore *self)
{
  g_autofree char *id = care_store_get_meta (self, "timezone");
  GTimeZone *tz = id != NULL ? g_time_zone_new_identifier (id) : NULL;

  return tz != NULL ? tz : g_time_zone_new_local ();
}

static gint64
system_clock (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

void
care_store_set_clock (CareStore    *self,
                      CareClockFunc func,
                      gpointer      user_data)
{
  g_return_if_fail (CARE_IS_STORE (self));
  self->clock = func;
  self->clock_data = user_data;
}

gint64
care_store_now (CareStore *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return system_clock (NULL);
}
