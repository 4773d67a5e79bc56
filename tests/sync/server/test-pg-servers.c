/* test-pg-servers.c: two carelog-server processes over one PostgreSQL
 * database (docs/deployment.md, "When one machine is not enough";
 * docs/sync-protocol.md, "Positions with several server processes").
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with CARELOG_TEST_STORE=postgresql (meson's test-pg-servers).
 */
#include "care-config.h"

#include <string.h>
#include <libpq-fe.h>

#include "server-fixture.h"

/* The office tablet pulls as fast as it can. */
static const char *const unlimited[] = { "--rate", "1000", "--burst", "2000", NULL };

static void
start_alongside (ServerFixture *f,
                 ServerFixture *other)
{
  fixture_start_alongside (f, other, unlimited);
}

static void
stop_alongside (ServerFixture *other)
{
  fixture_stop_alongside (other);
}

static GPtrArray *
hours (TestDevice *d,
       guint       n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *entry = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"travel\",\"date\":\"2026-11-23\","
                                               "\"minutes\":%u}", entry, 5 + i % 50);

      g_ptr_array_add (events, device_event (d, "hours.added", body));
    }
  return events;
}

/* ---- a live pull on one process is woken by a commit on the other ---- */

typedef struct
{
  CarePullResult *result;
  GError *error;
  gboolean done;
} Pending;

static void
pulled_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      data)
{
  Pending *p = data;

  p->result = care_sync_client_pull_finish (CARE_SYNC_CLIENT (source), res, &p->error);
  p->done = TRUE;
}

static void
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_live_wake (void)
{
  ServerFixture f, b;
  TestDevice *office = NULL;
  TestDevice *carer = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(CarePullResult) first = NULL;
  g_autoptr(GError) error = NULL;
  Pending p = { 0 };
  gboolean waited = FALSE;
  gint64 pushed_at;

  if (!fixture_on_postgresql ())
    {
      g_test_skip ("needs CARELOG_TEST_STORE=postgresql");
      return;
    }
  fixture_setup (&f);
  fixture_start (&f, unlimited, NULL);
  start_alongside (&f, &b);
  office = device_enrol_via (&f, &f, "m-super");
  carer = device_enrol_via (&f, &b, "m-carer");
  /* The office tablet has everything, then waits on process A. */
  first = sync_pull (office->client, "", 0, 1000, &error);
  g_assert_no_error (error);
  g_assert_false (first->more);
  care_sync_client_pull_live_async (office->client, first->next_cursor, 0, 1000, CARE_MAX_WAIT, NULL,
                                    pulled_cb, &p);
  /* Half a second for the wait to be registered on A (were it not yet,
   * the pull would find the records at once: the test would not fail,
   * only check less). */
  g_timeout_add_once (500, set_true, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (p.done);
  /* The carer's records reach process B. */
  events = hours (carer, 3);
  pushed_at = g_get_monotonic_time ();
  push_accepted (carer, events);
  /* A's waiting pull answers with them: B's commit woke it. Without that
   * it would answer only at the end of its wait (CARE_MAX_WAIT, 120 s),
   * with the same records read again then: so what tells the two apart is
   * that it answered before its wait was half over. */
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - pushed_at, <, CARE_MAX_WAIT / 2 * G_USEC_PER_SEC);
  g_assert_no_error (p.error);
  g_assert_cmpuint (p.result->records->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (((CareEvent *) g_ptr_array_index (p.result->records, i))->id, ==,
                     ((CareEvent *) g_ptr_array_index (events, i))->id);
  care_pull_result_free (p.result);
  device_free (office);
  device_free (carer);
  stop_alongside (&b);
  fixture_teardown (&f);
}

/* ---- concurrent pushes through both, pulls racing them ---- */

#define WRITERS 4
#define BATCHES 25
#define PER_BATCH 8

typedef struct
{
  TestDevice *device;
  guint sent;              /* batches pushed and answered */
  gboolean busy;
  GPtrArray *ids;          /* every id pushed */
} Writer;

typedef struct
{
  Writer writers[WRITERS];
  guint running;
} Race;

static void push_next (Writer *w);

static void
pushed_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      data)
{
  Writer *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePushResult) r = care_sync_client_push_finish (CARE_SYNC_CLIENT (source), res, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < r->items->len; i++)
    g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, i))->status, ==, CARE_PUSH_ACCEPTED);
  w->sent++;
  w->busy = FALSE;
  push_next (w);
}

static void
push_next (Writer *w)
{
  g_autoptr(GPtrArray) events = NULL;

  if (w->sent == BATCHES)
    return;
  events = hours (w->device, PER_BATCH);
  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (w->ids, g_strdup (((CareEvent *) g_ptr_array_index (events, i))->id));
  w->busy = TRUE;
  care_sync_client_push_async (w->device->client, events, NULL, pushed_cb, w);
}

static gboolean
race_done (Race *race)
{
  for (guint i = 0; i < WRITERS; i++)
    if (race->writers[i].sent < BATCHES)
      return FALSE;
  return TRUE;
}

static void
test_positions_race (void)
{
  ServerFixture f, b;
  ServerFixture *via[2] = { &f, &b };
  TestDevice *office = NULL;
  CareSyncClient *office_b = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("");
  Race race = { 0 };
  guint pulls = 0, pushed = 0;
  gboolean finished = FALSE;

  if (!fixture_on_postgresql ())
    {
      g_test_skip ("needs CARELOG_TEST_STORE=postgresql");
      return;
    }
  fixture_setup (&f);
  fixture_start (&f, unlimited, NULL);
  start_alongside (&f, &b);
  office = device_enrol_via (&f, &f, "m-super");
  office_b = client_for (&b, office->device, office->key);
  for (guint i = 0; i < WRITERS; i++)
    {
      race.writers[i].device = device_enrol_via (&f, via[i % 2], i % 2 ? "m-carer2" : "m-carer");
      race.writers[i].ids = g_ptr_array_new_with_free_func (g_free);
    }
  for (guint i = 0; i < WRITERS; i++)
    push_next (&race.writers[i]);
  /* The office tablet pulls small pages, alternately from each process,
   * while the writers push; one more round after the last push. Every
   * record must arrive exactly once: a page that ended past a record that
   * committed later with a smaller position would skip it for good. */
  while (!finished)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CarePullResult) r = NULL;
      gboolean done_before = race_done (&race);

      r = sync_pull (pulls++ % 2 ? office_b : office->client, cursor, 0, 7, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < r->records->len; i++)
        {
          CareEvent *e = g_ptr_array_index (r->records, i);

          if (g_str_equal (e->device, CARE_COOP_DEVICE))
            continue;
          g_assert_false (g_hash_table_contains (seen, e->id));
          g_hash_table_add (seen, g_strdup (e->id));
        }
      g_free (cursor);
      cursor = g_strdup (r->next_cursor);
      finished = done_before && !r->more;
    }
  for (guint i = 0; i < WRITERS; i++)
    {
      Writer *w = &race.writers[i];

      pushed += w->ids->len;
      for (guint j = 0; j < w->ids->len; j++)
        if (!g_hash_table_contains (seen, g_ptr_array_index (w->ids, j)))
          g_error ("record %s (writer %u) was never pulled", (char *) g_ptr_array_index (w->ids, j), i);
      g_ptr_array_unref (w->ids);
      device_free (w->device);
    }
  g_assert_cmpuint (pushed, ==, WRITERS * BATCHES * PER_BATCH);
  g_assert_cmpuint (g_hash_table_size (seen), ==, pushed);
  g_test_message ("%u records through two processes, %u pages pulled while they were pushed", pushed, pulls);
  g_clear_object (&office_b);
  device_free (office);
  stop_alongside (&b);
  fixture_teardown (&f);
}

/* ---- migrate-store: a co-op moves from SQLite, its tablets carry on ---- */

static char *
pull_to_end (CareSyncClient *c,
             const char     *cursor,
             GPtrArray      *into)
{
  g_autofree char *at = g_strdup (cursor);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CarePullResult) r = sync_pull (c, at, 0, 1000, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < r->records->len; i++)
        g_ptr_array_add (into, g_strdup (((CareEvent *) g_ptr_array_index (r->records, i))->id));
      g_free (at);
      at = g_strdup (r->next_cursor);
      if (!r->more)
        return g_steal_pointer (&at);
    }
}

static void
test_migrate_store (void)
{
  ServerFixture f;
  TestDevice *carer, *office;
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) more = NULL;
  g_autofree char *cursor = NULL, *end = NULL, *url = NULL, *out = NULL, *db = NULL, *kept = NULL;
  g_autoptr(CareSyncClient) again = NULL;

  if (!fixture_on_postgresql ())
    {
      g_test_skip ("needs CARELOG_TEST_STORE=postgresql");
      return;
    }
  /* A co-op on SQLite, with a tablet's records and an office tablet that
   * has downloaded everything. */
  g_unsetenv ("CARELOG_TEST_STORE");
  fixture_setup (&f);
  g_setenv ("CARELOG_TEST_STORE", "postgresql", TRUE);
  fixture_start (&f, unlimited, NULL);
  carer = device_enrol (&f, "m-carer");
  office = device_enrol (&f, "m-super");
  more = hours (carer, 20);
  push_accepted (carer, more);
  cursor = pull_to_end (office->client, "", before);
  fixture_stop (&f);

  url = fixture_new_database ();
  out = fixture_admin (&f, TRUE, "migrate-store", f.data, url, NULL);
  g_test_message ("%s", out);
  db = g_build_filename (f.data, "carelog.db", NULL);
  kept = g_build_filename (f.data, "carelog.db.before-postgresql", NULL);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  /* The same co-op, now in PostgreSQL: chains, signatures and the co-op
   * log check out. */
  g_free (fixture_admin (&f, TRUE, "verify", f.data, NULL));

  fixture_start (&f, unlimited, NULL);
  g_clear_object (&carer->client);
  carer->client = client_for (&f, carer->device, carer->key);
  g_clear_object (&office->client);
  office->client = client_for (&f, office->device, office->key);
  /* The carer's tablet goes on numbering where it was; the office tablet
   * goes on from its cursor (same epoch, same positions) and receives
   * just the new records. */
  g_ptr_array_unref (more);
  more = hours (carer, 5);
  push_accepted (carer, more);
  end = pull_to_end (office->client, cursor, after);
  g_assert_cmpuint (after->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (g_ptr_array_index (after, i), ==, ((CareEvent *) g_ptr_array_index (more, i))->id);
  /* A download from the start finds every record once. */
  again = client_for (&f, office->device, office->key);
  g_free (pull_to_end (again, "", fresh));
  g_assert_cmpuint (fresh->len, ==, before->len + 5);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fresh, i), ==, g_ptr_array_index (before, i));
  device_free (carer);
  device_free (office);
  fixture_teardown (&f);
}

/* ---- a load balancer's health check sees the database ---- */

/* GET /v1/status until it answers `want` (the server asks its database
 * every second); the last status. */
static guint
status_until (ServerFixture *f,
              guint          want,
              char         **body)
{
  gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint status = 0;

  while (g_get_monotonic_time () < give_up)
    {
      g_clear_pointer (body, g_free);
      status = raw_request (f, "GET", "/v1/status", NULL, NULL, body);
      if (status == want)
        break;
      g_usleep (G_USEC_PER_SEC / 5);
    }
  return status;
}

static void
test_status_health (void)
{
  ServerFixture f;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  TestDevice *carer;

  fixture_setup (&f);
  fixture_start (&f, unlimited, NULL);
  carer = device_enrol (&f, "m-carer");
  g_assert_cmpuint (status_until (&f, 200, &body), ==, 200);
  g_assert_nonnull (strstr (body, "\"store\":\"ok\""));

  /* The database goes away: the process says so, so that HAProxy or nginx
   * takes it out of the pool, in words an IT person can act on. */
  fixture_pg_pause ();
  g_assert_cmpuint (status_until (&f, 503, &body), ==, 503);
  g_assert_nonnull (strstr (body, "\"error\":\"store\""));
  g_assert_nonnull (strstr (body, "cannot reach the co-op database"));
  /* What the database said (the socket's folder, its user) is for the
   * server's log, not for anyone who asks. */
  g_assert_null (strstr (body, "carelog-pg-"));
  g_assert_null (strstr (body, "socket"));

  /* Back: the same process answers and stores again, on new connections. */
  fixture_pg_resume ();
  g_assert_cmpuint (status_until (&f, 200, &body), ==, 200);
  before = hours (carer, 3);
  push_accepted (carer, before);
  after = pull_all (carer->client, carer->acked, NULL);
  g_assert_nonnull (after);

  device_free (carer);
  fixture_teardown (&f);
}

/* ---- a write the database refuses after the store queued it ---- */

/* The co-op database of f (its store.ini), connected as the tests' superuser. */
static PGconn *
connect_coop (ServerFixture *f)
{
  g_autofree char *path = g_build_filename (f->data, "store.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *url = NULL;
  PGconn *db;

  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL));
  url = g_key_file_get_string (kf, "store", "postgres", NULL);
  g_assert_nonnull (url);
  db = PQconnectdb (url);
  g_assert_cmpint (PQstatus (db), ==, CONNECTION_OK);
  return db;
}

static gint64
db_count (PGconn     *db,
          const char *sql,
          const char *param)
{
  PGresult *r = PQexecParams (db, sql, 1, NULL, &param, NULL, NULL, 0);
  gint64 n;

  g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
  n = g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10);
  PQclear (r);
  return n;
}

static void
db_exec (PGconn     *db,
         const char *sql)
{
  PGresult *r = PQexec (db, sql);

  g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
  PQclear (r);
}

/* The store sends a push's inserts without waiting for each (libpq's
 * pipeline mode) and reads their results at the commit. A write the
 * database refuses there must fail the whole push: nothing of it stored,
 * the tablet told to try again, and the same records taken once the
 * database takes them. (PostgreSQL answers COMMIT on a failed transaction
 * with a rollback, not an error.) */
static void
test_refused_write (void)
{
  ServerFixture f;
  TestDevice *carer;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(CarePushResult) refused = NULL;
  g_autoptr(CarePushResult) taken = NULL;
  g_autoptr(GError) error = NULL;
  PGconn *db;

  fixture_setup (&f);
  fixture_start (&f, unlimited, NULL);
  carer = device_enrol (&f, "m-carer");
  first = hours (carer, 3);
  push_accepted (carer, first);
  db = connect_coop (&f);
  g_assert_cmpint (db_count (db, "SELECT count(*) FROM events WHERE device = $1", carer->device), ==, 3);

  /* The database refuses one record of the next push, at its insert. */
  db_exec (db, "ALTER TABLE events ADD CONSTRAINT test_refuse CHECK (body NOT LIKE '%\"minutes\":77%')");
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *entry = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"travel\",\"date\":\"2026-11-23\","
                                               "\"minutes\":%u}", entry, i == 4 ? 77 : 10 + i);

      g_ptr_array_add (batch, device_event (carer, "hours.added", body));
    }
  refused = sync_push (carer->client, batch, &error);
  g_assert_null (refused);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpint (db_count (db, "SELECT count(*) FROM events WHERE device = $1", carer->device), ==, 3);
  g_assert_cmpint (db_count (db, "SELECT acked_seq FROM devices WHERE device = $1", carer->device), ==, 3);
  g_assert_cmpint (db_count (db, "SELECT count(*) FROM log WHERE $1 = $1", "x"), ==,
                   db_count (db, "SELECT count(*) FROM events WHERE $1 = $1", "x"));

  /* The same process, on the same connections, takes them when it can. */
  db_exec (db, "ALTER TABLE events DROP CONSTRAINT test_refuse");
  taken = sync_push (carer->client, batch, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taken->acked_seq, ==, 9);
  g_assert_cmpuint (taken->items->len, ==, 6);
  for (guint i = 0; i < taken->items->len; i++)
    g_assert_cmpint (((CarePushItem *) taken->items->pdata[i])->status, ==, CARE_PUSH_ACCEPTED);
  g_assert_cmpint (db_count (db, "SELECT count(*) FROM events WHERE device = $1", carer->device), ==, 9);
  g_assert_cmpint (db_count (db, "SELECT count(*) FROM log WHERE $1 = $1", "x"), ==,
                   db_count (db, "SELECT count(*) FROM events WHERE $1 = $1", "x"));

  PQfinish (db);
  device_free (carer);
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/two-servers/live-wake", test_live_wake);
  g_test_add_func ("/pg/two-servers/positions-race", test_positions_race);
  g_test_add_func ("/pg/migrate-store", test_migrate_store);
  g_test_add_func ("/pg/status-health", test_status_health);
  g_test_add_func ("/pg/refused-write", test_refused_write);
  return g_test_run ();
}
