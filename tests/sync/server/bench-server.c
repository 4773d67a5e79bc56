/* bench-server.c: carelog-server benchmarks (suite 'bench').
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1. Ingest: 50 devices push 100-event batches concurrently (real client,
 *    gzip, plain HTTP on loopback): events/s, p50/p99 push latency, bytes
 *    per record on the wire.
 * 1b. The rule book's cost, and the tamper-evident log's (chains,
 *    signatures, the co-op log), each as a ratio in the same run.
 * 2. A supervisor's initial sync of 1,000,000 events (pages of 5000).
 * Prints medians over several runs. The machine is shared: figures are
 * noisy when other builds run.
 */
#include "care-config.h"

#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <libpq-fe.h>

#include "care-chain.h"
#include "care-sign.h"
#include "server-fixture.h"

#define MAX_DEVICES 50
static guint N_DEVICES = MAX_DEVICES;
#define BATCH 100

static GHashTable *chain_heads;   /* bench_chain: TestDevice → its chain head */
static void link_batch (GHashTable *heads, TestDevice *d, GPtrArray *batch);

static GPtrArray *
typical_batch (TestDevice *d)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  while (events->len < BATCH)
    {
      g_autofree char *visit = g_uuid_string_random ();
      g_autofree char *json = NULL;
      gint64 at = 1763900000000 + events->len * 60000;

      json = g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}", visit, at);
      g_ptr_array_add (events, device_event (d, "visit.started", json));
      for (int t = 1; t <= 2 && events->len < BATCH; t++)
        {
          g_free (json);
          json = g_strdup_printf ("{\"visit\":\"%s\",\"task\":\"t-%d\",\"done\":true}", visit, t);
          g_ptr_array_add (events, device_event (d, "task.answered", json));
        }
      if (events->len < BATCH)
        {
          g_autofree char *note = g_uuid_string_random ();

          g_free (json);
          json = g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"%s\",\"category\":\"wellbeing\",\"text\":\"In good spirits, ate well.\"}",
                                  visit, note);
          g_ptr_array_add (events, device_event (d, "note.added", json));
        }
      if (events->len < BATCH)
        {
          g_free (json);
          json = g_strdup_printf ("{\"visit\":\"%s\",\"at\":%" G_GINT64_FORMAT "}", visit, at + 1800000);
          g_ptr_array_add (events, device_event (d, "visit.finished", json));
        }
    }
  return events;
}

typedef struct
{
  TestDevice *device;
  GPtrArray *batches;     /* of GPtrArray */
  guint next;
  gint64 started;
} Pusher;

typedef struct
{
  Pusher pushers[MAX_DEVICES];
  guint running;
  GArray *latencies;      /* ms */
  gsize bytes;
  guint events;
  guint accepted;
  gboolean failed;
} IngestRun;

static void push_next (IngestRun *run, Pusher *p);

static void
pushed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  IngestRun *run = user_data;
  Pusher *p = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePushResult) r = NULL;
  double ms;

  for (guint i = 0; i < N_DEVICES; i++)
    if ((GObject *) run->pushers[i].device->client == source)
      p = &run->pushers[i];
  r = care_sync_client_push_finish (CARE_SYNC_CLIENT (source), result, &error);
  if (r == NULL || r->expected_seq != 0)
    {
      g_printerr ("push failed: %s\n", error ? error->message : "gap");
      run->failed = TRUE;
      run->running--;
      return;
    }
  ms = (g_get_monotonic_time () - p->started) / 1000.0;
  g_array_append_val (run->latencies, ms);
  run->bytes += r->bytes_sent;
  run->events += r->items->len;
  for (guint i = 0; i < r->items->len; i++)
    run->accepted += ((CarePushItem *) g_ptr_array_index (r->items, i))->status == CARE_PUSH_ACCEPTED;
  push_next (run, p);
}

static void
push_next (IngestRun *run,
           Pusher    *p)
{
  if (p->next == p->batches->len)
    {
      run->running--;
      return;
    }
  p->started = g_get_monotonic_time ();
  care_sync_client_push_async (p->device->client, g_ptr_array_index (p->batches, p->next++), NULL, pushed_cb, run);
}

static void
bench_ingest (ServerFixture *f,
              TestDevice   **devices,
              guint          batches_per_device,
              double        *events_per_s,
              GArray        *all_latencies,
              double        *bytes_per_event)
{
  IngestRun run = { 0 };
  gint64 t0;

  run.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < N_DEVICES; i++)
    {
      Pusher *p = &run.pushers[i];

      p->device = devices[i];
      p->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      for (guint b = 0; b < batches_per_device; b++)
        {
          GPtrArray *batch = typical_batch (devices[i]);

          /* bench_chain's chained devices sign (their client has a key)
           * and link their records. */
          if (chain_heads != NULL && care_sync_client_has_signing_key (devices[i]->client))
            link_batch (chain_heads, devices[i], batch);
          g_ptr_array_add (p->batches, batch);
        }
    }
  t0 = g_get_monotonic_time ();
  run.running = N_DEVICES;
  for (guint i = 0; i < N_DEVICES; i++)
    push_next (&run, &run.pushers[i]);
  while (run.running > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (run.failed);
  /* Every record is one the rules accept: a refusal would be cheaper and
   * flatter the figure. */
  g_assert_cmpuint (run.accepted, ==, run.events);
  *events_per_s = run.events / ((g_get_monotonic_time () - t0) / 1e6);
  *bytes_per_event = (double) run.bytes / run.events;
  g_array_append_vals (all_latencies, run.latencies->data, run.latencies->len);
  for (guint i = 0; i < N_DEVICES; i++)
    g_ptr_array_unref (run.pushers[i].batches);
  g_array_unref (run.latencies);
}

/* Push throughput with the rule book's checks against the same server
 * without them (CARELOG_BENCH_SKIP_RULES, test builds only), on two fresh
 * co-ops, runs interleaved so that both see the same machine. */
static void
bench_rules (const char * const *args,
             guint               runs)
{
  ServerFixture with, without;
  TestDevice *dw[MAX_DEVICES], *dn[MAX_DEVICES];
  const char *skip[] = { "CARELOG_BENCH_SKIP_RULES=1", NULL };
  GArray *rw = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *rn = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *lat = g_array_new (FALSE, FALSE, sizeof (double));
  double bytes = 0, mw, mn;

  fixture_setup (&with);
  fixture_start (&with, args, NULL);
  fixture_setup (&without);
  fixture_start (&without, args, skip);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      dw[i] = device_enrol (&with, "m-carer");
      dn[i] = device_enrol (&without, "m-carer");
    }
  for (guint r = 0; r < runs; r++)
    {
      double a, b;

      bench_ingest (&without, dn, 10, &a, lat, &bytes);
      bench_ingest (&with, dw, 10, &b, lat, &bytes);
      g_array_append_val (rn, a);
      g_array_append_val (rw, b);
      g_print ("# rules run %u: %.0f events/s without the rule checks, %.0f with\n", r + 1, a, b);
    }
  mw = bench_percentile (rw, 0.5);
  mn = bench_percentile (rn, 0.5);
  g_print ("# push throughput, %u devices x 100-event batches: median %.0f events/s with the rule checks, "
           "%.0f without: ratio %.2f\n", N_DEVICES, mw, mn, mw / mn);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      device_free (dw[i]);
      device_free (dn[i]);
    }
  fixture_teardown (&with);
  fixture_teardown (&without);
  g_array_unref (rw);
  g_array_unref (rn);
  g_array_unref (lat);
}

/* Links a device's batch into its chain (app/care-chain.h), as a tablet
 * does: each record's link is the hash of the one before. */
static void
link_batch (GHashTable *heads,
            TestDevice *d,
            GPtrArray  *batch)
{
  for (guint i = 0; i < batch->len; i++)
    {
      CareEvent *e = g_ptr_array_index (batch, i);
      const char *head = g_hash_table_lookup (heads, d);

      g_free (e->link);
      e->link = g_strdup (head != NULL ? head : CARE_CHAIN_START);
      g_hash_table_insert (heads, d, care_event_hash (e));
    }
}

/* What the tamper-evident log costs (issue 12): push throughput and bytes
 * per record of tablets that chain and sign their records, against tablets
 * that do neither (records "before the chain"), on one server; and the
 * chained tablets' throughput on a server that keeps no co-op log
 * (CARELOG_BENCH_SKIP_LOG, test builds only). Runs alternate. */
static void
bench_chain (const char * const *args,
             guint               runs)
{
  ServerFixture f, nolog;
  TestDevice *plain[MAX_DEVICES], *chained[MAX_DEVICES], *bare[MAX_DEVICES];
  const char *skip[] = { "CARELOG_BENCH_SKIP_LOG=1", NULL };
  g_autoptr(GHashTable) heads = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GArray) rp = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rc = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rb = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
  double bytes_plain = 0, bytes_chained = 0, bytes_bare = 0, mp, mc, mb;

  fixture_setup (&f);
  fixture_start (&f, args, NULL);
  fixture_setup (&nolog);
  fixture_start (&nolog, args, skip);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autofree char *key = care_sign_key_new (NULL);

      plain[i] = device_enrol (&f, "m-carer");
      chained[i] = device_enrol (&f, "m-carer");
      bare[i] = device_enrol (&nolog, "m-carer");
      care_sync_client_set_signing_key (chained[i]->client, key);
      care_sync_client_set_signing_key (bare[i]->client, key);
    }
  chain_heads = heads;
  for (guint r = 0; r < runs; r++)
    {
      double a, b, c;

      bench_ingest (&nolog, bare, 10, &c, lat, &bytes_bare);
      bench_ingest (&f, plain, 10, &a, lat, &bytes_plain);
      bench_ingest (&f, chained, 10, &b, lat, &bytes_chained);
      g_array_append_val (rb, c);
      g_array_append_val (rp, a);
      g_array_append_val (rc, b);
      g_print ("# chain run %u: %.0f events/s plain, %.0f chained and signed, %.0f chained and signed without "
               "the co-op log\n", r + 1, a, b, c);
    }
  chain_heads = NULL;
  mb = bench_percentile (rb, 0.5);
  mp = bench_percentile (rp, 0.5);
  mc = bench_percentile (rc, 0.5);
  g_print ("# push throughput, %u devices x 100-event batches: median %.0f events/s with chains and signatures, "
           "%.0f without (ratio %.2f); with the co-op log %.0f, without it %.0f (ratio %.2f)\n",
           N_DEVICES, mc, mp, mc / mp, mc, mb, mc / mb);
  g_print ("# wire size of a typical batch (gzip): %.1f bytes per record chained and signed, %.1f without "
           "(ratio %.2f)\n", bytes_chained, bytes_plain, bytes_chained / bytes_plain);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      device_free (plain[i]);
      device_free (chained[i]);
      device_free (bare[i]);
    }
  fixture_teardown (&f);
  fixture_teardown (&nolog);
}

/* The same records in a co-op kept in PostgreSQL (CARELOG_TEST_STORE=
 * postgresql), made by the database itself. */
static void
fill_events_pg (const char *data_dir,
                guint       n)
{
  g_autofree char *ini = g_build_filename (data_dir, "store.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *url = NULL;
  char hlc[24], count[24];
  const char *params[] = { hlc, count };
  PGconn *conn;
  PGresult *r;

  g_assert_true (g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, NULL));
  url = g_key_file_get_string (kf, "store", "postgres", NULL);
  conn = PQconnectdb (url);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  g_snprintf (hlc, sizeof hlc, "%" G_GINT64_FORMAT, (gint64) 1763900000000 << 16);
  g_snprintf (count, sizeof count, "%u", n);
  r = PQexecParams (conn,
                    "INSERT INTO events (pos, id, device, seq, author, hlc, wall, type, client, carer, body, received)"
                    " SELECT mm.m + i + 1,"
                    "  format ('019a%s-%s-7%s-8%s-%s', lpad (to_hex (i >> 16), 4, '0'), lpad (to_hex (i & 65535), 4, '0'),"
                    "          lpad (to_hex (i % 4096), 3, '0'), lpad (to_hex ((i * 7) % 4096), 3, '0'), lpad (to_hex (i), 12, '0')),"
                    "  'd-bulk' || lpad ((i % 50)::text, 2, '0'), i / 50 + 1 + 1000000, 'm-carer', $1::bigint + i,"
                    "  ($1::bigint + i) >> 16,"
                    "  CASE i % 5 WHEN 0 THEN 'visit.started' WHEN 4 THEN 'note.added' ELSE 'task.answered' END,"
                    "  'c-1', 'm-carer',"
                    "  CASE i % 5"
                    "   WHEN 0 THEN format ('{\"visit\":\"v-%s\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%s}',"
                    "                       i / 5, 1763900000000 + i)"
                    "   WHEN 4 THEN format ('{\"visit\":\"v-%s\",\"note\":\"n-%s\",\"category\":\"wellbeing\","
                    "                        \"text\":\"In good spirits, ate well.\"}', i / 5, i)"
                    "   ELSE format ('{\"visit\":\"v-%s\",\"task\":\"t-%s\",\"done\":true}', i / 5, i % 5) END,"
                    "  0"
                    " FROM generate_series (0, $2::bigint - 1) i, (SELECT coalesce (max (pos), 0) AS m FROM events) mm",
                    2, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (r) != PGRES_COMMAND_OK)
    g_error ("filling the events: %s", PQerrorMessage (conn));
  PQclear (r);
  /* A co-op's million records came over months, and autovacuum has long
   * been through them; right after this bulk insert it has not, and the
   * first ingest run measured the database working that off (about 9,000
   * events/s against 20,000 after). migrate-store does the same VACUUM. */
  r = PQexec (conn, "VACUUM (ANALYZE) events");
  if (PQresultStatus (r) != PGRES_COMMAND_OK)
    g_error ("vacuuming the events: %s", PQerrorMessage (conn));
  PQclear (r);
  PQfinish (conn);
}

static void
fill_events (const char *data_dir,
             guint       n)
{
  g_autofree char *path = g_build_filename (data_dir, "carelog.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  gint64 hlc = (gint64) 1763900000000 << 16;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO events (id, device, seq, author, hlc, wall, type, client, carer, body, received)"
                                            " VALUES (?1, ?2, ?3, 'm-carer', ?4, ?5, ?6, 'c-1', 'm-carer', ?7, 0)", -1, &s, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n; i++)
    {
      char id[40], dev[16], body[256];
      const char *type;

      g_snprintf (id, sizeof id, "019a%04x-%04x-7%03x-8%03x-%012x", i >> 16, i & 0xffff, i % 4096, (i * 7) % 4096, i);
      g_snprintf (dev, sizeof dev, "d-bulk%02u", i % 50);
      if (i % 5 == 0)
        {
          type = "visit.started";
          g_snprintf (body, sizeof body, "{\"visit\":\"v-%u\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}",
                      i / 5, (gint64) 1763900000000 + i);
        }
      else if (i % 5 == 4)
        {
          type = "note.added";
          g_snprintf (body, sizeof body, "{\"visit\":\"v-%u\",\"note\":\"n-%u\",\"category\":\"wellbeing\",\"text\":\"In good spirits, ate well.\"}",
                      i / 5, i);
        }
      else
        {
          type = "task.answered";
          g_snprintf (body, sizeof body, "{\"visit\":\"v-%u\",\"task\":\"t-%u\",\"done\":true}", i / 5, i % 5);
        }
      sqlite3_reset (s);
      sqlite3_bind_text (s, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (s, 2, dev, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (s, 3, i / 50 + 1 + 1000000);
      sqlite3_bind_int64 (s, 4, hlc + i);
      sqlite3_bind_int64 (s, 5, (hlc + i) >> 16);
      sqlite3_bind_text (s, 6, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (s, 7, body, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (s), ==, SQLITE_DONE);
    }
  sqlite3_finalize (s);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static double
bench_initial_sync (ServerFixture *f,
                    TestDevice    *super,
                    guint          expect_at_least,
                    gsize         *bytes)
{
  g_autofree char *cursor = g_strdup ("");
  gint64 t0 = g_get_monotonic_time ();
  guint n = 0;

  *bytes = 0;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CarePullResult) r = sync_pull (super->client, cursor, 0, CARE_MAX_PULL, &error);

      g_assert_no_error (error);
      n += r->records->len;
      *bytes += r->bytes_received;
      g_free (cursor);
      cursor = g_strdup (r->next_cursor);
      if (!r->more)
        break;
    }
  g_assert_cmpuint (n, >=, expect_at_least);
  return (g_get_monotonic_time () - t0) / 1e6;
}

int
main (int argc, char **argv)
{
  ServerFixture f;
  TestDevice *devices[MAX_DEVICES];
  TestDevice *super;
  const char *args[] = { "--rate", "10000", "--burst", "10000", "--enrolments-per-minute", "1000", NULL };
  guint runs = g_getenv ("CARELOG_BENCH_RUNS") ? atoi (g_getenv ("CARELOG_BENCH_RUNS")) : 5;
  guint sync_events = g_getenv ("CARELOG_BENCH_SYNC") ? atoi (g_getenv ("CARELOG_BENCH_SYNC")) : 1000000;
  GArray *rates = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  double bytes_per_event = 0;
  gsize sync_bytes = 0;

  /* Measure what a co-op runs, not the test suite's debugging allocator
   * settings (G_DEBUG=gc-friendly, MALLOC_CHECK_): re-run without them, for
   * this process and the server it starts. */
  if (g_getenv ("G_DEBUG") != NULL || g_getenv ("MALLOC_CHECK_") != NULL)
    {
      g_unsetenv ("G_DEBUG");
      g_unsetenv ("MALLOC_CHECK_");
      execv ("/proc/self/exe", argv);
    }
  if (g_getenv ("CARELOG_BENCH_DEVICES"))
    N_DEVICES = CLAMP (atoi (g_getenv ("CARELOG_BENCH_DEVICES")), 1, MAX_DEVICES);
  g_print ("1..1\n");
  /* CARELOG_BENCH_ONLY_INGEST: the 50-tablet ingest alone, on an empty
   * co-op (a quick figure while working on the store). */
  if (g_getenv ("CARELOG_BENCH_ONLY_INGEST") != NULL)
    {
      fixture_setup (&f);
      fixture_start (&f, args, NULL);
      for (guint i = 0; i < N_DEVICES; i++)
        devices[i] = device_enrol (&f, "m-carer");
      for (guint r = 0; r < runs; r++)
        {
          double rate;

          bench_ingest (&f, devices, 10, &rate, latencies, &bytes_per_event);
          g_array_append_val (rates, rate);
          g_print ("# ingest run %u: %.0f events/s\n", r + 1, rate);
        }
      g_print ("# ingest, %u devices x 100-event batches: median %.0f events/s\n", N_DEVICES,
               bench_percentile (rates, 0.5));
      g_print ("ok 1 /bench/server\n");
      for (guint i = 0; i < N_DEVICES; i++)
        device_free (devices[i]);
      fixture_teardown (&f);
      return 0;
    }
  bench_rules (args, runs);
  bench_chain (args, runs);
  if (g_getenv ("CARELOG_BENCH_ONLY_RULES") != NULL)
    {
      g_print ("ok 1 /bench/server\n");
      return 0;
    }
  fixture_setup (&f);
  if (fixture_on_postgresql ())
    fill_events_pg (f.data, sync_events);
  else
    fill_events (f.data, sync_events);
  g_print ("# store: %s\n", fixture_on_postgresql () ? g_strcmp0 (g_getenv ("CARELOG_PG_DURABLE"), "1") == 0 ? "PostgreSQL (fsync on)" : "PostgreSQL (fsync off)" : "SQLite");
  fixture_start (&f, args, NULL);
  for (guint i = 0; i < N_DEVICES; i++)
    devices[i] = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");

  for (guint r = 0; r < runs; r++)
    {
      double rate;
      GArray *lat = g_array_new (FALSE, FALSE, sizeof (double));

      bench_ingest (&f, devices, 10, &rate, lat, &bytes_per_event);
      g_array_append_val (rates, rate);
      g_print ("# ingest run %u: %.0f events/s, push p50 %.1f ms, p99 %.1f ms\n", r + 1, rate,
               bench_percentile (lat, 0.5), bench_percentile (lat, 0.99));
      g_array_append_vals (latencies, lat->data, lat->len);
      g_array_unref (lat);
    }
  /* Latency of one tablet's 100-event push when the server is not saturated
   * (the figure a carer's tablet sees); the 50-device figures above include
   * queueing behind 49 other tablets pushing back to back. */
  {
    GArray *solo = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint r = 0; r < runs; r++)
      {
        g_autoptr(GPtrArray) batch = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(CarePushResult) res = NULL;

        for (guint k = 0; k < 20; k++)
          {
            gint64 t0;
            double ms;

            g_clear_pointer (&batch, g_ptr_array_unref);
            g_clear_pointer (&res, care_push_result_free);
            batch = typical_batch (devices[0]);
            t0 = g_get_monotonic_time ();
            res = sync_push (devices[0]->client, batch, &error);
            g_assert_no_error (error);
            ms = (g_get_monotonic_time () - t0) / 1000.0;
            g_array_append_val (solo, ms);
          }
      }
    g_print ("# push latency of a 100-event batch, one tablet at a time: p50 %.1f ms, p99 %.1f ms (target p99 < 50 ms)\n",
             bench_percentile (solo, 0.5), bench_percentile (solo, 0.99));
    g_array_unref (solo);
  }
  g_print ("# ingest, %u devices x 100-event batches: median %.0f events/s (target >= 20000)\n",
           N_DEVICES, bench_percentile (rates, 0.5));
  /* Several server processes over one PostgreSQL database: the same
   * tablets, half of them through a second process, runs interleaved with
   * the same through one. */
  if (fixture_on_postgresql ())
    {
      ServerFixture second;
      CareSyncClient *own[MAX_DEVICES], *other[MAX_DEVICES];
      GArray *one = g_array_new (FALSE, FALSE, sizeof (double));
      GArray *two = g_array_new (FALSE, FALSE, sizeof (double));
      GArray *lat = g_array_new (FALSE, FALSE, sizeof (double));

      fixture_start_alongside (&f, &second, args);
      for (guint i = 0; i < N_DEVICES; i++)
        {
          own[i] = devices[i]->client;
          other[i] = i % 2 == 1 ? client_for (&second, devices[i]->device, devices[i]->key) : NULL;
        }
      for (guint r = 0; r < runs; r++)
        {
          double rate;

          bench_ingest (&f, devices, 10, &rate, lat, &bytes_per_event);
          g_array_append_val (one, rate);
          for (guint i = 1; i < N_DEVICES; i += 2)
            devices[i]->client = other[i];
          bench_ingest (&f, devices, 10, &rate, lat, &bytes_per_event);
          g_array_append_val (two, rate);
          for (guint i = 1; i < N_DEVICES; i += 2)
            devices[i]->client = own[i];
          g_print ("# ingest run %u: %.0f events/s through one process, %.0f through two\n", r + 1,
                   g_array_index (one, double, r), rate);
        }
      g_print ("# ingest through two server processes (half the tablets each): median %.0f events/s, against %.0f "
               "through one in the same runs (ratio %.2f)\n", bench_percentile (two, 0.5),
               bench_percentile (one, 0.5), bench_percentile (two, 0.5) / bench_percentile (one, 0.5));
      for (guint i = 1; i < N_DEVICES; i += 2)
        g_object_unref (other[i]);
      fixture_stop_alongside (&second);
      g_array_unref (one);
      g_array_unref (two);
      g_array_unref (lat);
    }
  g_print ("# push latency with 50 tablets pushing back to back (queueing included): p50 %.1f ms, p99 %.1f ms\n",
           bench_percentile (latencies, 0.5), bench_percentile (latencies, 0.99));
  g_print ("# wire size of a typical tablet batch (gzip): %.1f bytes per record\n", bytes_per_event);

  for (guint r = 0; r < MAX (1, runs / 2); r++)
    {
      double t = bench_initial_sync (&f, super, sync_events, &sync_bytes);

      g_array_append_val (times, t);
      g_print ("# supervisor initial sync run %u: %.1f s, %.1f MB on the wire\n", r + 1, t, sync_bytes / 1e6);
    }
  g_print ("# supervisor initial sync of %u+ events: median %.1f s (target < 60 s)\n",
           sync_events, bench_percentile (times, 0.5));
  g_print ("# (shared 2-core machine: client and server share the CPU; figures are noisy)\n");
  g_print ("ok 1 /bench/server\n");

  for (guint i = 0; i < N_DEVICES; i++)
    device_free (devices[i]);
  device_free (super);
  fixture_teardown (&f);
  return 0;
}
