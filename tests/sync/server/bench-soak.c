/* bench-soak.c: minutes of good and hostile traffic at once, on loopback.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Four real tablets (127.0.0.1) push a record and pull, five times a
 * second each, first alone (the baseline), then while hostile clients
 * from other loopback addresses slow-drip headers, flood made-up devices,
 * announce 2 GiB bodies, reset half-sent requests and hoard idle
 * connections. Prints the server's descriptors and resident memory, and
 * the median and 99th percentile of the good requests' latency, for the
 * baseline, the first and the last window of the hostile phase (with
 * their ratio to the baseline). The machine is shared: latencies are
 * figures, not assertions. What is asserted: every good request is
 * served, and the descriptors come back when the hostile clients stop.
 *
 *   bench-soak [--seconds=N]   (hostile phase, default 150)
 */
#include "care-config.h"

#include <string.h>

#include "care-id.h"
#include "server-fixture.h"

#define N_DEVICES 4
#define WINDOW_S 30

static guint soak_seconds = 150;

typedef struct
{
  ServerFixture *f;
  const char *source;
  volatile gint *stop;
  guint64 actions;
} Hostile;

/* ---- hostile clients, one thread each ---- */

static gpointer
slow_headers_thread (gpointer data)
{
  Hostile *h = data;
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);

  while (!g_atomic_int_get (h->stop))
    {
      /* Up to 100 connections dripping one header byte a second each. */
      while (conns->len < 100)
        {
          GIOStream *s = raw_connect_from (h->f, h->source, NULL);
          const char *start = "GET /v1/status HTTP/1.1\r\nX-Slow: ";

          if (s == NULL)
            break;
          raw_send (s, start, strlen (start));
          g_ptr_array_add (conns, s);
        }
      for (guint i = conns->len; i > 0; i--)
        if (!raw_send (conns->pdata[i - 1], "a", 1))
          g_ptr_array_remove_index_fast (conns, i - 1);
      h->actions++;
      g_usleep (G_USEC_PER_SEC);
    }
  return NULL;
}

static gpointer
made_up_devices_thread (gpointer data)
{
  Hostile *h = data;

  while (!g_atomic_int_get (h->stop))
    {
      g_autoptr(GIOStream) s = raw_connect_from (h->f, h->source, NULL);
      g_autofree char *text = g_strdup_printf ("POST /v1/push HTTP/1.1\r\nHost: x\r\nCarelog-Protocol: 1\r\n"
                                               "Authorization: Carelog d-made-up-%08x:%08x\r\n"
                                               "Content-Encoding: gzip\r\nContent-Length: 33000\r\n\r\n",
                                               g_random_int (), g_random_int ());

      if (s != NULL && raw_send (s, text, strlen (text)))
        raw_read_response (s, NULL, NULL);
      h->actions++;
    }
  return NULL;
}

static gpointer
huge_bodies_thread (gpointer data)
{
  Hostile *h = data;
  g_autofree char *junk = g_strnfill (64 * 1024, 'x');

  while (!g_atomic_int_get (h->stop))
    {
      g_autoptr(GIOStream) s = raw_connect_from (h->f, h->source, NULL);
      const char *text = "POST /v1/push HTTP/1.1\r\nHost: x\r\nCarelog-Protocol: 1\r\n"
                         "Authorization: Carelog d-x:y\r\nContent-Length: 2147483648\r\n\r\n";

      if (s == NULL)
        continue;
      raw_send (s, text, strlen (text));
      for (guint i = 0; i < 16 && raw_send (s, junk, 64 * 1024); i++)
        ;
      h->actions++;
      g_usleep (10 * 1000);
    }
  return NULL;
}

static gpointer
resets_thread (gpointer data)
{
  Hostile *h = data;

  while (!g_atomic_int_get (h->stop))
    {
      g_autoptr(GIOStream) s = raw_connect_from (h->f, h->source, NULL);
      const char *text = "POST /v1/pull HTTP/1.1\r\nHost: x\r\nContent-Le";

      if (s == NULL)
        continue;
      if (h->actions % 2 == 0)
        raw_send (s, text, strlen (text));
      raw_abort (s);
      h->actions++;
    }
  return NULL;
}

static gpointer
hoarder_thread (gpointer data)
{
  Hostile *h = data;
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);

  while (!g_atomic_int_get (h->stop))
    {
      /* More idle connections than one address may have. */
      while (conns->len < 600 && !g_atomic_int_get (h->stop))
        {
          GIOStream *s = raw_connect_from (h->f, h->source, NULL);

          if (s == NULL)
            break;
          g_ptr_array_add (conns, s);
        }
      h->actions++;
      g_usleep (G_USEC_PER_SEC);
      /* Let go of the ones the server closed. */
      for (guint i = conns->len; i > 0; i--)
        {
          GIOStream *s = conns->pdata[i - 1];
          GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (s));

          if (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0)
            g_ptr_array_remove_index_fast (conns, i - 1);
        }
    }
  return NULL;
}

/* ---- good traffic ---- */

/* One round: each tablet pushes a record and pulls; latencies in ms. */
static void
good_round (ServerFixture *f,
            TestDevice   **devices,
            char         **cursors,
            GArray        *latencies)
{
  for (guint i = 0; i < N_DEVICES; i++)
    {
      TestDevice *d = devices[i];
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
      g_autofree char *entry = care_id_new (g_get_real_time () / 1000);
      g_autofree char *json = g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"other\",\"date\":\"2026-11-23\","
                                               "\"minutes\":15}", entry);
      g_autoptr(CarePushResult) r = NULL;
      g_autoptr(CarePullResult) p = NULL;
      g_autoptr(GError) error = NULL;
      gint64 t;
      double ms;

      g_ptr_array_add (events, device_event (d, "hours.added", json));
      t = g_get_monotonic_time ();
      r = sync_push (d->client, events, &error);
      ms = (g_get_monotonic_time () - t) / 1e3;
      g_assert_no_error (error);
      g_array_append_val (latencies, ms);
      d->acked = r->acked_seq;

      t = g_get_monotonic_time ();
      p = sync_pull (d->client, cursors[i], d->acked, 100, &error);
      ms = (g_get_monotonic_time () - t) / 1e3;
      g_assert_no_error (error);
      g_array_append_val (latencies, ms);
      g_free (cursors[i]);
      cursors[i] = g_strdup (p->next_cursor);
    }
}

/* Good traffic for seconds; returns the latencies. */
static GArray *
good_traffic (ServerFixture *f,
              TestDevice   **devices,
              char         **cursors,
              guint          seconds)
{
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      good_round (f, devices, cursors, latencies);
      g_usleep (200 * 1000);
    }
  return latencies;
}

static void
report (const char *what,
        GArray     *latencies,
        double      baseline_p99)
{
  double p50 = bench_percentile (latencies, 0.5), p99 = bench_percentile (latencies, 0.99);

  g_print ("# %s: %u good requests, median %.1f ms, p99 %.1f ms%s",
           what, latencies->len, p50, p99, baseline_p99 > 0 ? "" : "\n");
  if (baseline_p99 > 0)
    g_print (" (p99 %.2fx the baseline)\n", p99 / baseline_p99);
}

static void
bench_soak (void)
{
  ServerFixture f;
  TestDevice *devices[N_DEVICES];
  char *cursors[N_DEVICES] = { NULL };
  volatile gint stop = 0;
  struct
  {
    const char *source;
    GThreadFunc func;
  } kinds[] = {
    { "127.0.0.2", slow_headers_thread },
    { "127.0.0.3", made_up_devices_thread },
    { "127.0.0.4", huge_bodies_thread },
    { "127.0.0.5", resets_thread },
    { "127.0.0.6", hoarder_thread },
  };
  Hostile hostile[G_N_ELEMENTS (kinds)];
  GThread *threads[G_N_ELEMENTS (kinds)];
  g_autoptr(GArray) baseline = NULL, first = NULL, last = NULL;
  guint fds_quiet, fds_start, fds_end, fds_after;
  guint64 rss_quiet, rss_start, rss_end, rss_after;
  double base_p99;
  guint middle;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      devices[i] = device_enrol (&f, i % 2 ? "m-carer2" : "m-carer");
      cursors[i] = g_strdup ("");
    }

  baseline = good_traffic (&f, devices, cursors, 15);
  fds_quiet = fixture_fd_count (&f);
  rss_quiet = fixture_rss_kib (&f);
  base_p99 = bench_percentile (baseline, 0.99);
  report ("baseline, no hostile clients (15 s)", baseline, 0);
  g_print ("# baseline: %u descriptors, %" G_GUINT64_FORMAT " KiB resident\n", fds_quiet, rss_quiet);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      hostile[i] = (Hostile) { .f = &f, .source = kinds[i].source, .stop = &stop };
      threads[i] = g_thread_new ("hostile", kinds[i].func, &hostile[i]);
    }
  first = good_traffic (&f, devices, cursors, WINDOW_S);
  fds_start = fixture_fd_count (&f);
  rss_start = fixture_rss_kib (&f);
  middle = soak_seconds > 2 * WINDOW_S ? soak_seconds - 2 * WINDOW_S : 0;
  g_array_unref (good_traffic (&f, devices, cursors, middle));
  last = good_traffic (&f, devices, cursors, WINDOW_S);
  fds_end = fixture_fd_count (&f);
  rss_end = fixture_rss_kib (&f);
  report ("hostile phase, first 30 s", first, base_p99);
  report ("hostile phase, last 30 s", last, base_p99);
  g_print ("# hostile phase: descriptors %u at 30 s, %u at the end; resident %" G_GUINT64_FORMAT " KiB at 30 s, %"
           G_GUINT64_FORMAT " KiB at the end (%.2fx)\n", fds_start, fds_end, rss_start, rss_end,
           (double) rss_end / rss_start);

  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_thread_join (threads[i]);
      g_print ("# hostile client %s: %" G_GUINT64_FORMAT " rounds\n", kinds[i].source, hostile[i].actions);
    }
  /* Quiet again: the descriptors come back. */
  for (guint i = 0; i < 200 && fixture_fd_count (&f) > fds_quiet; i++)
    g_usleep (100 * 1000);
  fds_after = fixture_fd_count (&f);
  rss_after = fixture_rss_kib (&f);
  g_print ("# after: %u descriptors (baseline %u), %" G_GUINT64_FORMAT " KiB resident\n",
           fds_after, fds_quiet, rss_after);
  /* The database keeps a connection per thread that has read at once: a
   * few more files at most, never one per client. */
  g_assert_cmpuint (fds_after, <=, fds_quiet + 6);

  for (guint i = 0; i < N_DEVICES; i++)
    {
      device_free (devices[i]);
      g_free (cursors[i]);
    }
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--seconds="))
      {
        soak_seconds = (guint) g_ascii_strtoull (argv[i] + strlen ("--seconds="), NULL, 10);
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        i--;
      }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/server/soak", bench_soak);
  return g_test_run ();
}
