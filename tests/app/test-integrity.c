/* test-integrity.c: damaged files, full disks and schema migrations.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "care-store-private.h"
#include "test-util.h"

#define T0 G_GINT64_CONSTANT (1795082400000)

static CareStore *
filled_store (const char *dir,
              TestClock  *clock,
              int         visits)
{
  CareStore *store = test_store_open (dir, "t", CARE_ROLE_CARER, clock);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < visits; i++)
    {
      g_autofree char *visit = care_store_check_in (store, "c1", NULL, "home care", NULL, &error);
      g_autofree char *note = care_store_add_note (store, visit, "wellbeing",
                                                   "A long enough note to fill a few pages of the file "
                                                   "with text that looks like a real care note.", &error);

      g_assert_no_error (error);
      clock->now += 60000;
    }
  return store;
}

static char *
make_store (const char *dir,
            int         visits)
{
  TestClock clock = { T0 };
  CareStore *store = filled_store (dir, &clock, visits);
  char *path = g_strdup (care_store_get_path (store));

  g_assert_finalize_object (store);
  return path;
}

static GBytes *
read_all (const char *path)
{
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static void
expect_refused (const char *path,
                int         code,
                const char *needle)
{
  g_autoptr(GBytes) before = read_all (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);

  g_assert_null (store);
  g_assert_error (error, CARE_STORE_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not say “%s”", error->message, needle);
  g_test_message ("%s", error->message);
  after = read_all (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
overwrite (const char *path,
           goffset     offset,
           gsize       len,
           guint8      byte)
{
  int fd = open (path, O_WRONLY);
  g_autofree guint8 *junk = g_malloc (len);

  memset (junk, byte, len);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, len, offset), ==, (ssize_t) len);
  close (fd);
}

static void
test_corrupt_header (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = make_store (dir, 5);

  overwrite (path, 0, 16, 'x');
  expect_refused (path, CARE_STORE_ERROR_CORRUPT, "left exactly as it was");
  test_dir_free (dir);
}

static void
test_corrupt_truncated (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = make_store (dir, 200);
  goffset size;

  g_assert_cmpint (truncate (path, 4096 * 3 + 100), ==, 0);
  expect_refused (path, CARE_STORE_ERROR_CORRUPT, "cut short");
  g_assert_cmpint (truncate (path, 4096 * 3), ==, 0);
  expect_refused (path, CARE_STORE_ERROR_CORRUPT, "truncated");
  size = 0;
  (void) size;
  test_dir_free (dir);
}

static void
test_corrupt_page (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = make_store (dir, 200);

  /* Garbage over one page in the middle of the file, header intact. */
  overwrite (path, 4096 * 6, 4096, 0x5a);
  expect_refused (path, CARE_STORE_ERROR_CORRUPT, "damaged");
  test_dir_free (dir);
}

/* A large store (here: any size, by lowering the threshold) is fully
 * quick-checked only after a session that did not close cleanly. */
static void
test_unclean_session (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = make_store (dir, 200);
  g_autofree char *session = g_strconcat (path, "-session", NULL);
  g_autofree char *state = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (session, &state, NULL, NULL));
  g_assert_cmpstr (state, ==, "closed");
  overwrite (path, 4096 * 6, 4096, 0x5a);
  g_setenv ("CARELOG_QUICK_CHECK_MAX_BYTES", "0", TRUE);
  /* After a clean close the damage is not looked for at open… */
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  /* …but the full check finds it. */
  g_assert_false (care_store_verify (store, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&store);
  /* After a power cut, the open runs the quick check. */
  g_assert_true (g_file_set_contents (session, "open", -1, NULL));
  expect_refused (path, CARE_STORE_ERROR_CORRUPT, "quick check");
  g_unsetenv ("CARELOG_QUICK_CHECK_MAX_BYTES");
  test_dir_free (dir);
}

static void
test_not_a_store (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE songs (title TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refused (path, CARE_STORE_ERROR_UNREADABLE, "not a Carelog care log");
  g_assert_true (g_file_set_contents (text, "shopping list: milk, bread, eggs, tea, biscuits, soap, "
                                      "washing-up liquid, bin bags, stamps, and a birthday card", -1, NULL));
  expect_refused (text, CARE_STORE_ERROR_CORRUPT, "first bytes");
  test_dir_free (dir);
}

static void
test_too_new (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = make_store (dir, 2);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refused (path, CARE_STORE_ERROR_TOO_NEW, "newer version");
  test_dir_free (dir);
}

static void
test_verify (void)
{
  char *dir = test_dir_new ();
  TestClock clock = { T0 };
  g_autoptr(CareStore) store = filled_store (dir, &clock, 20);
  g_autoptr(GError) error = NULL;

  g_assert_true (care_store_verify (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (care_store_get_schema_version (store), ==, CARE_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  test_dir_free (dir);
}

/* Appends until the store says it is full; then checks what was saved. */
static void
fill_until_full (CareStore *store,
                 TestClock *clock)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *visit = care_store_check_in (store, "c1", NULL, "home care", NULL, &error);
  g_autofree char *filler = g_strnfill (8000, 'a');
  g_autoptr(CareVisitDetail) d = NULL;

  g_assert_no_error (error);
  for (int i = 0; i < 100000; i++)
    {
      char *note = care_store_add_note (store, visit, "wellbeing", filler, &error);

      clock->now += 1000;
      if (note == NULL)
        break;
      g_ptr_array_add (saved, note);
    }
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "nothing was saved"));
  g_test_message ("full after %u notes: %s", saved->len, error->message);
  g_assert_cmpuint (saved->len, >, 0);
  d = care_store_get_visit (store, visit, NULL);
  g_assert_nonnull (d);
  g_assert_cmpuint (d->notes->len, ==, saved->len);
}

static void
test_full_page_limit (void)
{
  char *dir = test_dir_new ();
  TestClock clock = { T0 };
  g_autoptr(CareStore) store = filled_store (dir, &clock, 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;

  g_assert_true (care_store_exec (store, "PRAGMA max_page_count = 200", &error));
  fill_until_full (store, &clock);
  g_assert_true (care_store_verify (store, &error));
  g_assert_true (care_store_exec (store, "PRAGMA max_page_count = 100000", &error));
  visit = care_store_check_in (store, "c1", NULL, "home care", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  test_dir_free (dir);
}

static void
test_full_filesystem (void)
{
  char *dir = test_dir_new ();
  g_autofree char *mnt = g_build_filename (dir, "small", NULL);
  TestClock clock = { T0 };
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (mount ("carelog-test", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=2m") != 0)
    {
      g_test_skip_printf ("cannot mount a small tmpfs here (%s); SQLite's own limit is tested instead",
                          g_strerror (errno));
      test_dir_free (dir);
      return;
    }
  store = filled_store (mnt, &clock, 5);
  fill_until_full (store, &clock);
  g_clear_object (&store);
  /* Reopening a store on a full disk still shows what was saved. */
  store = care_store_open (g_build_filename (mnt, "t.db", NULL), &error);
  g_assert_no_error (error);
  g_assert_true (care_store_verify (store, &error));
  g_clear_object (&store);
  g_assert_cmpint (umount2 (mnt, MNT_DETACH), ==, 0);
  test_dir_free (dir);
}

/* Migrations ------------------------------------------------------------- */

static void
insert_v1_event (sqlite3    *db,
                 CareEvent  *e)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *body = NULL;
  sqlite3_stmt *stmt = NULL;

  json_node_set_object (node, e->body);
  body = json_to_string (node, FALSE);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO events (id, device, seq, author, hlc, wall, type,"
                                       " subject, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, e->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, e->device, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, e->seq);
  sqlite3_bind_text (stmt, 4, e->author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, e->hlc);
  sqlite3_bind_int64 (stmt, 6, e->wall);
  sqlite3_bind_text (stmt, 7, care_event_type_to_string (e->type), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, care_event_get_subject (e), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, body, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  care_event_free (e);
}

/* A care log as version `version` of the schema left it: the events and,
 * from version 2 on, derived tables (left empty: the migration rebuilds
 * them from the events). */
static void
test_migrate (gconstpointer data)
{
  int version = GPOINTER_TO_INT (data);
  char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version);
  TestDevice coop = { "coop", "admin", 0, 0 };
  TestDevice tab = { "dev-t", "member-t", 0, 0 };
  g_autoptr(CareStore) store = NULL;
  g_autoptr(CareVisitDetail) d = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) unsent = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), ==, SQLITE_OK);
  for (int v = 1; v <= version; v++)
    g_assert_cmpint (sqlite3_exec (db, care_store_migration_sql (v), NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, set_version, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO meta VALUES ('device', 'dev-t'), ('member', 'member-t'), ('role', 'carer')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  insert_v1_event (db, test_device_event (&coop, T0, "client.set",
                                          "{\"client\":\"c1\",\"name\":\"Rose Field\",\"address\":\"1 High St\",\"active\":true}"));
  insert_v1_event (db, test_device_event (&tab, T0, "visit.started",
                                          "{\"visit\":\"v1\",\"client\":\"c1\",\"service\":\"home care\",\"at\":%" G_GINT64_FORMAT "}", T0));
  insert_v1_event (db, test_device_event (&tab, T0 + 1000, "note.added",
                                          "{\"visit\":\"v1\",\"note\":\"n1\",\"category\":\"nutrition\",\"text\":\"Soup for lunch\"}"));
  insert_v1_event (db, test_device_event (&tab, T0 + 3600000, "visit.finished",
                                          "{\"visit\":\"v1\",\"at\":%" G_GINT64_FORMAT "}", T0 + 3600000));
  sqlite3_close (db);

  store = care_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_store_get_schema_version (store), ==, CARE_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (care_store_get_device (store), ==, "dev-t");
  d = care_store_get_visit (store, "v1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->summary.state, ==, CARE_VISIT_DONE);
  g_assert_cmpstr (d->summary.client_name, ==, "Rose Field");
  hits = care_store_search_notes (store, "soup", 5, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_true (care_store_verify (store, &error));
  /* Version 5: records from before it have no receive time (unknown)... */
  for (guint i = 0; i < d->history->len; i++)
    g_assert_cmpint (((CareHistoryEntry *) d->history->pdata[i])->received, ==, 0);
  /* ...until the tablet's own records come back in a pull. */
  unsent = care_store_read_unsent (store, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unsent->len, ==, 3);
  page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  for (guint i = 0; i < unsent->len; i++)
    {
      CareEvent *e = care_event_copy (unsent->pdata[i]);

      e->received = T0 + 7200000 + i;
      g_ptr_array_add (page, e);
    }
  g_assert_true (care_store_apply_page (store, page, "cursor-1", &error));
  g_assert_no_error (error);
  g_clear_pointer (&d, care_visit_detail_free);
  d = care_store_get_visit (store, "v1", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < d->history->len; i++)
    {
      CareHistoryEntry *h = d->history->pdata[i];

      g_assert_cmpint (h->received, >=, T0 + 7200000);
      g_assert_cmpint (h->sync, ==, CARE_SYNC_SYNCED);
    }
  g_clear_object (&store);
  /* Opening again changes nothing. */
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_store_get_schema_version (store), ==, CARE_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  test_dir_free (dir);
}

static void
test_migrate_empty (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GError) error = NULL;

  /* A zero-length file (a crash before the first commit) is an empty store. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_store_get_schema_version (store), ==, CARE_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  test_dir_free (dir);
}

static void
test_append_only (void)
{
  char *dir = test_dir_new ();
  TestClock clock = { T0 };
  g_autoptr(CareStore) store = filled_store (dir, &clock, 1);
  g_autoptr(GError) error = NULL;

  g_assert_false (care_store_exec (store, "DELETE FROM events", &error));
  g_assert_nonnull (strstr (error->message, "never deleted"));
  g_clear_error (&error);
  g_assert_false (care_store_exec (store, "UPDATE events SET body = '{}'", &error));
  g_assert_nonnull (strstr (error->message, "never changed"));
  g_clear_error (&error);
  g_assert_true (care_store_exec (store, "UPDATE events SET sync = 1", &error));
  /* The co-op's receive time is a sync column too. */
  g_assert_true (care_store_exec (store, "UPDATE events SET received_at = 1795000000000", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  test_dir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/store/corrupt/header", test_corrupt_header);
  g_test_add_func ("/app/store/corrupt/truncated", test_corrupt_truncated);
  g_test_add_func ("/app/store/corrupt/page", test_corrupt_page);
  g_test_add_func ("/app/store/corrupt/not-a-store", test_not_a_store);
#if CARE_FAULT_HOOKS
  g_test_add_func ("/app/store/corrupt/unclean-session", test_unclean_session);
#endif
  g_test_add_func ("/app/store/too-new", test_too_new);
  g_test_add_func ("/app/store/verify", test_verify);
  g_test_add_func ("/app/store/append-only", test_append_only);
  g_test_add_func ("/app/store/full/page-limit", test_full_page_limit);
  g_test_add_func ("/app/store/full/filesystem", test_full_filesystem);
  for (int v = 1; v < CARE_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *name = g_strdup_printf ("/app/store/migrate/from-v%d", v);

      g_test_add_data_func (name, GINT_TO_POINTER (v), test_migrate);
    }
  g_test_add_func ("/app/store/migrate/empty", test_migrate_empty);
  return g_test_run ();
}
