/* test-hostile.c: the co-op server against hostile clients, on loopback:
 * descriptors after many connections (plain and TLS, kept alive or not,
 * aborted), bodies over the limit, slow clients, made-up devices,
 * connection limits, the descriptor limit and the memory bodies may take.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --connections=N sets how many connections the descriptor tests open
 * (3000 plain and a thirtieth of that over TLS by default; the bench
 * suite runs 100,000).
 */
#include "care-config.h"

#include <string.h>
#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "care-server.h"
#include "server-fixture.h"

static const char *fast_anonymous[] = { "--anonymous-rate", "1000000", "--anonymous-burst", "1000000",
                                        "--rate", "1000000", "--burst", "1000000", NULL };

static guint n_connections = 3000;

static guint
connections_to_open (void)
{
  return n_connections;
}

static char *
request_text (const char       *method,
              const char       *path,
              const TestDevice *d,
              gsize             content_length,
              const char       *extra)
{
  return g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCarelog-Protocol: 1\r\n%s%s%s%s%s"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n%s\r\n",
                          method, path, d ? "Authorization: Carelog " : "", d ? d->device : "",
                          d ? ":" : "", d ? d->key : "", d ? "\r\n" : "", content_length, extra ? extra : "");
}

/* The server's descriptors, but for its database files: the store keeps a
 * database connection for each thread that has read at the same time
 * (at most one per reading thread, see database_fd_count), which is not
 * what a client can make grow. */
static guint
fd_count_split (ServerFixture *f,
                guint         *database)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) f->pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0, db = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (path, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (target != NULL && g_str_has_prefix (target, f->data))
        db++;
      else
        n++;
    }
  if (database != NULL)
    *database = db;
  return n;
}

static guint
connection_fd_count (ServerFixture *f)
{
  return fd_count_split (f, NULL);
}

/* The server's descriptors once they stop changing (for 300 ms; at most
 * ten seconds). */
static guint
stable_fd_count (ServerFixture *f)
{
  guint last = connection_fd_count (f), same = 0;

  for (guint i = 0; i < 200 && same < 6; i++)
    {
      guint n;

      g_usleep (50 * 1000);
      n = connection_fd_count (f);
      same = n == last ? same + 1 : 0;
      last = n;
    }
  return last;
}

/* Waits (up to ten seconds) for the server's descriptors to come down to
 * target; returns the count it saw last. */
static guint
settled_fd_count (ServerFixture *f,
                  guint          target)
{
  for (guint i = 0; i < 200; i++)
    {
      guint n = connection_fd_count (f);

      if (n <= target)
        return n;
      g_usleep (50 * 1000);
    }
  return connection_fd_count (f);
}

/* What the server's descriptors are, for a failure message. */
static void
list_fds (ServerFixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) f->pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (path, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      g_test_message ("fd %s: %s", name, target ? target : "?");
    }
}

static GIOStream *
connect_or_die (ServerFixture *f)
{
  g_autoptr(GError) error = NULL;
  GIOStream *s = raw_connect (f, &error);

  g_assert_no_error (error);
  return s;
}

/* Reads an answer that must come: when it does not, the failure says why
 * (how the connection ended, whether the server process still runs, what
 * it holds), not only that it did not. */
static void
expect_answer (ServerFixture *f,
               GIOStream     *s,
               const char    *what,
               guint          expected)
{
  g_autoptr(GError) error = NULL;
  guint status = raw_read_answer (s, NULL, NULL, &error);

  if (status != expected)
    {
      g_autofree char *state = fixture_server_state (f);

      g_test_message ("%s: expected %u, got %u (%s); the server process %s", what, expected, status,
                      error != NULL ? error->message : "an answer", state);
      if (g_str_equal (state, "running"))
        {
          g_test_message ("it holds %u descriptors:", connection_fd_count (f));
          list_fds (f);
        }
    }
  g_assert_cmpuint (status, ==, expected);
}

static void
assert_status (ServerFixture *f,
               GIOStream     *s,
               guint          expected)
{
  static const char status[] = "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  g_assert_true (raw_send (s, status, strlen (status)));
  expect_answer (f, s, "a status check on a kept-alive connection", expected);
}

static void
pull_once (ServerFixture *f,
           TestDevice    *d)
{
  g_autoptr(CareSyncClient) c = client_for (f, d->device, d->key);
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePullResult) p = sync_pull (c, "", 0, 10, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
}

/* One connection of kind i: what clients do, politely or not. d is a
 * tablet that behaves (the daemon's own client); rude, an enrolled tablet
 * that sends pulls and resets them. Not the same tablet: the server works
 * on a reset pull until its answer is ready, and counts it against its
 * tablet until then (at most four under way, see device-in-flight); on a
 * loaded machine a polite pull of the same tablet was then refused 429. */
static void
one_connection (ServerFixture *f,
                TestDevice    *d,
                TestDevice    *rude,
                guint          i)
{
  g_autoptr(GIOStream) s = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  switch (i % 7)
    {
    case 0:   /* one request, Connection: close */
      s = connect_or_die (f);
      text = g_strdup ("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      g_assert_true (raw_send (s, text, strlen (text)));
      expect_answer (f, s, "a status check with Connection: close", 200);
      g_assert_true (raw_closed_within (s, 10));
      break;
    case 1:   /* kept alive for three requests, closed by the client */
      s = connect_or_die (f);
      for (guint k = 0; k < 3; k++)
        assert_status (f, s, 200);
      break;
    case 2:   /* half the headers, then a reset */
      s = connect_or_die (f);
      text = g_strdup ("POST /v1/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
      g_assert_true (raw_send (s, text, strlen (text)));
      raw_abort (s);
      break;
    case 3:   /* opened and closed without a word */
      s = connect_or_die (f);
      break;
    case 4:   /* a made-up device's push: refused from the headers */
      {
        TestDevice fake = { .device = (char *) "d-made-up", .key = (char *) "not-a-key" };

        s = connect_or_die (f);
        text = request_text ("POST", "/v1/push", &fake, 100000, NULL);
        g_assert_true (raw_send (s, text, strlen (text)));
        expect_answer (f, s, "a made-up tablet's push", 401);
        g_assert_true (raw_closed_within (s, 10));
      }
      break;
    case 5:   /* a whole request, then a reset before reading the answer */
      s = connect_or_die (f);
      text = request_text ("POST", "/v1/pull", rude, 2, NULL);
      g_assert_true (raw_send (s, text, strlen (text)));
      g_assert_true (raw_send (s, "{}", 2));
      raw_abort (s);
      break;
    case 6:   /* the daemon's own client: a pull on a new session */
      if (i % 70 == 6)
        pull_once (f, d);
      break;
    }
  if (s != NULL && !g_io_stream_is_closed (s))
    g_io_stream_close (s, NULL, NULL);
}

static void
run_descriptor_test (ServerFixture *f,
                     guint          n)
{
  TestDevice *d = device_enrol (f, "m-carer");
  TestDevice *rude = device_enrol (f, "m-carer");
  guint baseline, after;
  gint64 start;

  /* Warm up: the database's reader connections are opened on first use. */
  for (guint i = 0; i < 70; i++)
    one_connection (f, d, rude, i);
  baseline = stable_fd_count (f);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    one_connection (f, d, rude, i);
  after = settled_fd_count (f, baseline);
  g_test_message ("%u connections in %.1f s: the server held %u descriptors before, %u after",
                  n, (g_get_monotonic_time () - start) / 1e6, baseline, after);
  if (after > baseline)
    list_fds (f);
  g_assert_cmpuint (after, <=, baseline);
  /* The database's: at most three files for each thread that reads (the
   * event thread, two readers, the prefetcher), the writer and the
   * checkpointer. */
  {
    guint database;

    fd_count_split (f, &database);
    g_test_message ("database files open: %u", database);
    g_assert_cmpuint (database, <=, 3 * 6);
  }
  device_free (d);
  device_free (rude);
}

static void
test_descriptors_plain (void)
{
  ServerFixture f;

  fixture_setup (&f);
  fixture_start (&f, fast_anonymous, NULL);
  run_descriptor_test (&f, connections_to_open ());
  fixture_teardown (&f);
}

static void
make_certificate (ServerFixture *f,
                  char         **cert,
                  char         **key)
{
  g_autoptr(GError) error = NULL;
  int status;
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                         "-keyout", NULL, "-out", NULL, NULL };

  *cert = g_build_filename (f->tmp, "server.crt", NULL);
  *key = g_build_filename (f->tmp, "server.key", NULL);
  argv[15] = *key;
  argv[17] = *cert;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_descriptors_tls (void)
{
  ServerFixture f;
  g_autofree char *cert = NULL, *key = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  /* A TLS handshake costs the test's client about 50 ms on a busy machine. */
  guint n = MAX (connections_to_open () / 30, 70);

  fixture_setup (&f);
  make_certificate (&f, &cert, &key);
  for (guint i = 0; fast_anonymous[i] != NULL; i++)
    g_ptr_array_add (args, (char *) fast_anonymous[i]);
  g_ptr_array_add (args, (char *) "--cert");
  g_ptr_array_add (args, cert);
  g_ptr_array_add (args, (char *) "--key");
  g_ptr_array_add (args, key);
  g_ptr_array_add (args, NULL);
  fixture_start (&f, (const char * const *) args->pdata, NULL);
  g_assert_true (g_str_has_prefix (f.url, "https://"));
  run_descriptor_test (&f, n);

  /* And TLS handshakes broken off half-way: a plain TCP connection that
   * sends the start of a ClientHello and resets. */
  {
    g_autoptr(GUri) uri = g_uri_parse (f.url, G_URI_FLAGS_NONE, NULL);
    guint baseline = stable_fd_count (&f), after;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GSocketClient) client = g_socket_client_new ();
        g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                                             g_uri_get_port (uri), NULL, NULL);

        g_assert_nonnull (conn);
        g_assert_true (raw_send (G_IO_STREAM (conn), "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
        if (i % 2 == 0)
          raw_abort (G_IO_STREAM (conn));
        else
          g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
      }
    after = settled_fd_count (&f, baseline);
    g_assert_cmpuint (after, <=, baseline);
  }
  fixture_teardown (&f);
}

/* A body over the limit is answered from its headers and never read: the
 * server's memory does not grow by what the client sends after. */
static void
test_too_large (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autofree char *text = NULL, *body = NULL, *head = NULL, *junk = NULL;
  guint64 rss_before, rss_after;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  rss_before = fixture_rss_kib (&f);
  junk = g_strnfill (1024 * 1024, ' ');
  for (guint k = 0; k < 3; k++)
    {
      g_autoptr(GIOStream) s = connect_or_die (&f);

      g_clear_pointer (&text, g_free);
      g_clear_pointer (&body, g_free);
      text = request_text ("POST", "/v1/push", d, G_GUINT64_CONSTANT (2147483648),
                           k == 1 ? "Expect: 100-continue\r\n" : NULL);
      g_assert_true (raw_send (s, text, strlen (text)));
      if (k == 2)
        {
          /* Sends 64 MiB regardless; the server stops reading, so the
           * writes fail or block (then time out) long before. */
          g_socket_set_timeout (g_socket_connection_get_socket (G_SOCKET_CONNECTION (s)), 2);
          for (guint m = 0; m < 64; m++)
            if (!raw_send (s, junk, 1024 * 1024))
              break;
        }
      else
        {
          g_assert_cmpuint (raw_read_response (s, NULL, &body), ==, 413);
          g_assert_nonnull (strstr (body, "\"error\":\"too-large\""));
          g_assert_true (raw_closed_within (s, 10));
        }
    }
  rss_after = fixture_rss_kib (&f);
  g_test_message ("resident memory before %" G_GUINT64_FORMAT " KiB, after %" G_GUINT64_FORMAT " KiB",
                  rss_before, rss_after);
  g_assert_cmpuint (rss_after, <, rss_before + 8 * 1024);

  /* A chunked body: 411 from the headers, closed. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    g_clear_pointer (&text, g_free);
    text = g_strdup_printf ("POST /v1/push HTTP/1.1\r\nHost: x\r\nCarelog-Protocol: 1\r\n"
                            "Authorization: Carelog %s:%s\r\nTransfer-Encoding: chunked\r\n\r\n", d->device, d->key);
    g_assert_true (raw_send (s, text, strlen (text)));
    g_assert_cmpuint (raw_read_response (s, &head, NULL), ==, 411);
    g_assert_true (raw_closed_within (s, 10));
  }
  /* Still serving. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    assert_status (&f, s, 200);
  }
  device_free (d);
  fixture_teardown (&f);
}

/* Sends one byte every 200 ms until the server closes the connection;
 * FALSE if it has not after max_s seconds. */
static gboolean
drip_until_closed (GIOStream *s,
                   guint      max_s)
{
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (s));
  gint64 until = g_get_monotonic_time () + max_s * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      if (g_socket_condition_timed_wait (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, 200 * 1000, NULL, NULL))
        return raw_closed_within (s, 5);
      if (!raw_send (s, "a", 1))
        return TRUE;
    }
  return FALSE;
}

static void
test_timeouts (void)
{
  ServerFixture f;
  TestDevice *d;
  const char *args[] = { "--header-timeout", "1", "--body-timeout", "2", "--idle-timeout", "3", NULL };
  guint baseline;

  fixture_setup (&f);
  fixture_start (&f, args, NULL);
  d = device_enrol (&f, "m-carer");
  pull_once (&f, d);
  baseline = stable_fd_count (&f);

  /* Silent after connecting. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    g_assert_true (raw_closed_within (s, 20));
  }
  /* Headers a byte at a time: busy, so never idle, but never complete. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);
    const char *start = "GET /v1/status HTTP/1.1\r\nX-Slow: ";

    g_assert_true (raw_send (s, start, strlen (start)));
    g_assert_true (drip_until_closed (s, 20));
  }
  /* A body a byte at a time, 100 announced. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);
    g_autofree char *text = request_text ("POST", "/v1/pull", d, 100, NULL);

    g_assert_true (raw_send (s, text, strlen (text)));
    g_assert_true (raw_send (s, "{\"n\":", 5));
    g_assert_true (drip_until_closed (s, 20));
  }
  /* A body announced and never sent. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);
    g_autofree char *text = request_text ("POST", "/v1/pull", d, 5 * 1024 * 1024 / 2, NULL);

    g_assert_true (raw_send (s, text, strlen (text)));
    g_assert_true (raw_closed_within (s, 20));
  }
  /* Kept alive with nothing to do. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    assert_status (&f, s, 200);
    g_assert_true (raw_closed_within (s, 20));
  }
  g_assert_cmpuint (settled_fd_count (&f, baseline), <=, baseline);
  /* Well-behaved clients are served throughout. */
  pull_once (&f, d);
  device_free (d);
  fixture_teardown (&f);
}

/* A flood of pushes from made-up devices, each with a body that would
 * decompress to megabytes: every one is answered from its headers (the
 * body is never sent here, so a server that waited for it would hang),
 * the address's allowance runs out, and a real tablet at the same address
 * is still served. */
static void
test_made_up_devices (void)
{
  ServerFixture f;
  TestDevice *d;
  const char *args[] = { "--anonymous-rate", "1", "--anonymous-burst", "10", NULL };
  guint n401 = 0, n429 = 0, n = 100;
  gint64 start;
  double elapsed;

  fixture_setup (&f);
  fixture_start (&f, args, NULL);
  d = device_enrol (&f, "m-carer");
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GIOStream) s = connect_or_die (&f);
      g_autofree char *id = g_strdup_printf ("d-flood-%u-%08x", i, g_random_int ());
      TestDevice fake = { .device = id, .key = (char *) "guess" };
      g_autofree char *text = request_text ("POST", "/v1/push", &fake, 33 * 1024,
                                            "Content-Encoding: gzip\r\n");
      g_autofree char *head = NULL;
      guint status;

      g_assert_true (raw_send (s, text, strlen (text)));
      status = raw_read_response (s, &head, NULL);
      if (status == 401)
        n401++;
      else
        {
          g_assert_cmpuint (status, ==, 429);
          g_assert_nonnull (strstr (head, "Retry-After: "));
          n429++;
        }
      g_assert_true (raw_closed_within (s, 10));
    }
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%u made-up devices in %.2f s: %u refused 401, %u rate-limited 429", n, elapsed, n401, n429);
  g_assert_cmpuint (n401, <=, 10 + (guint) elapsed + 1);
  g_assert_cmpuint (n401, >=, 10);
  g_assert_cmpuint (n401 + n429, ==, n);

  /* The real tablet, same address: limited per device, not per address. */
  for (guint i = 0; i < 5; i++)
    pull_once (&f, d);
  /* Status checks from the address wait their turn too. */
  {
    guint limited = 0;

    for (guint i = 0; i < 20; i++)
      {
        g_autoptr(GIOStream) s = connect_or_die (&f);
        static const char status[] = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n";

        g_assert_true (raw_send (s, status, strlen (status)));
        limited += raw_read_response (s, NULL, NULL) == 429;
      }
    g_assert_cmpuint (limited, >, 0);
  }
  device_free (d);
  fixture_teardown (&f);
}

static void
test_connection_limits (void)
{
  ServerFixture f;
  const char *args[] = { "--max-connections-per-address", "4", NULL };
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *head = NULL;
  guint baseline;

  fixture_setup (&f);
  fixture_start (&f, args, NULL);
  baseline = stable_fd_count (&f);
  /* Four kept-alive connections, served. */
  for (guint i = 0; i < 4; i++)
    {
      GIOStream *s = connect_or_die (&f);

      assert_status (&f, s, 200);
      g_ptr_array_add (held, s);
    }
  /* The fifth: 503 with Retry-After, then closed. */
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);
    static const char status[] = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n";

    g_assert_true (raw_send (s, status, strlen (status)));
    g_assert_cmpuint (raw_read_response (s, &head, NULL), ==, 503);
    g_assert_nonnull (strstr (head, "Retry-After: "));
    g_assert_true (raw_closed_within (s, 10));
  }
  /* Four more that say nothing; beyond them (twice the limit) a connection
   * is closed at once. */
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (held, connect_or_die (&f));
  for (guint i = 0; i < 500 && connection_fd_count (&f) < baseline + 8; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (connection_fd_count (&f), ==, baseline + 8);
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    g_assert_true (raw_closed_within (s, 10));
  }
  /* The first four are still served. */
  for (guint i = 0; i < 4; i++)
    assert_status (&f, held->pdata[i], 200);
  /* When they go, new connections are served again. */
  g_ptr_array_set_size (held, 0);
  g_assert_cmpuint (settled_fd_count (&f, baseline), <=, baseline);
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    assert_status (&f, s, 200);
  }
  fixture_teardown (&f);
}

/* Started with few descriptors: it takes no more connections than they
 * allow (answering the excess 503 or closing it), keeps serving the
 * connections it has, and serves new ones when the load drops. */
static void
test_descriptor_limit (void)
{
  ServerFixture f;
  g_autoptr(GPtrArray) flood = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GIOStream) good = NULL;
  guint served = 0, busy = 0, closed = 0, baseline;

  fixture_setup (&f);
  f.nofile = 120;
  fixture_start (&f, fast_anonymous, NULL);
  good = connect_or_die (&f);
  assert_status (&f, good, 200);
  baseline = stable_fd_count (&f);
  for (guint i = 0; i < 200; i++)
    g_ptr_array_add (flood, connect_or_die (&f));
  /* The one it had is served. */
  for (guint i = 0; i < 3; i++)
    assert_status (&f, good, 200);
  /* The flood: some served, the excess answered 503 (and closed, which
   * lets the connections waiting in the listen queue in, one by one). */
  for (guint i = 0; i < flood->len; i++)
    {
      static const char status[] = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
      guint s;

      if (!raw_send (flood->pdata[i], status, strlen (status)))
        {
          closed++;
          continue;
        }
      s = raw_read_response (flood->pdata[i], NULL, NULL);
      if (s == 200)
        served++;
      else if (s == 503)
        busy++;
      else
        closed++;
    }
  g_test_message ("200 connections at a limit of 120 descriptors: %u served, %u answered 503, %u closed",
                  served, busy, closed);
  g_assert_cmpuint (served, >, 0);
  g_assert_cmpuint (busy, >, 0);
  /* It kept descriptors for itself: never more connections than they allow. */
  g_assert_cmpuint (served + 1, <=, 120 - 48);
  assert_status (&f, good, 200);
  /* Load drops: served again, descriptors back. */
  g_ptr_array_set_size (flood, 0);
  g_assert_cmpuint (settled_fd_count (&f, baseline), <=, baseline);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GIOStream) s = connect_or_die (&f);

      assert_status (&f, s, 200);
    }
  fixture_teardown (&f);
}

/* Bodies being received take memory from one budget: past it, requests are
 * answered 503 from their headers, so the server's memory stays bounded
 * however many connections send large bodies at once. */
static void
test_body_memory (void)
{
  ServerFixture f;
  TestDevice *d;
  const char *args[] = { "--body-memory", "8", "--rate", "1000", "--burst", "1000", NULL };
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *chunk = g_strnfill (3 * 1024 * 1024, ' ');
  guint64 rss_before, rss_after;
  guint accepted = 0, busy = 0;
  gsize length = 4 * 1024 * 1024 - 1;

  fixture_setup (&f);
  fixture_start (&f, args, NULL);
  d = device_enrol (&f, "m-carer");
  pull_once (&f, d);
  rss_before = fixture_rss_kib (&f);
  for (guint i = 0; i < 12; i++)
    {
      GIOStream *s = connect_or_die (&f);
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (s));
      g_autofree char *text = request_text ("POST", "/v1/push", d, length, NULL);

      g_ptr_array_add (held, s);
      g_assert_true (raw_send (s, text, strlen (text)));
      /* An answer from the headers, or silence while the body is awaited. */
      if (g_socket_condition_timed_wait (socket, G_IO_IN, 500 * 1000, NULL, NULL))
        {
          g_assert_cmpuint (raw_read_response (s, NULL, NULL), ==, 503);
          busy++;
        }
      else
        {
          g_assert_true (raw_send (s, chunk, 3 * 1024 * 1024));
          accepted++;
        }
    }
  g_usleep (500 * 1000);
  rss_after = fixture_rss_kib (&f);
  g_test_message ("12 bodies of 4 MiB at a budget of 8 MiB: %u being received, %u answered 503; "
                  "resident memory %" G_GUINT64_FORMAT " KiB before, %" G_GUINT64_FORMAT " KiB with them",
                  accepted, busy, rss_before, rss_after);
  g_assert_cmpuint (accepted, ==, 2);
  g_assert_cmpuint (busy, ==, 10);
  g_assert_cmpuint (rss_after, <, rss_before + 8 * 1024 + 4 * 1024);
  /* When they go, the budget is free again: a 4 MiB body is taken. */
  g_ptr_array_set_size (held, 0);
  {
    guint status = 0;

    for (guint i = 0; i < 100 && status != 400; i++)
      {
        g_autoptr(GIOStream) s = connect_or_die (&f);
        g_autofree char *text = request_text ("POST", "/v1/pull", d, length, NULL);
        GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (s));

        g_assert_true (raw_send (s, text, strlen (text)));
        if (g_socket_condition_timed_wait (socket, G_IO_IN, 200 * 1000, NULL, NULL))
          {
            g_assert_cmpuint (raw_read_response (s, NULL, NULL), ==, 503);
            continue;
          }
        g_assert_true (raw_send (s, chunk, 3 * 1024 * 1024));
        g_assert_true (raw_send (s, chunk, length - 3 * 1024 * 1024));
        /* Spaces are not a pull request: read whole, then refused. */
        status = raw_read_response (s, NULL, NULL);
      }
    g_assert_cmpuint (status, ==, 400);
  }
  device_free (d);
  fixture_teardown (&f);
}

/* One device, however many connections it opens, has at most four
 * requests under way: here five pushes whose bodies never come. */
static void
test_device_in_flight (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = NULL, *head = NULL, *body = NULL;

  fixture_setup (&f);
  fixture_start (&f, fast_anonymous, NULL);
  d = device_enrol (&f, "m-carer");
  text = request_text ("POST", "/v1/push", d, 1000, NULL);
  for (guint i = 0; i < 4; i++)
    {
      GIOStream *s = connect_or_die (&f);
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (s));

      g_assert_true (raw_send (s, text, strlen (text)));
      /* Accepted: the server waits for the body. */
      g_assert_false (g_socket_condition_timed_wait (socket, G_IO_IN, 300 * 1000, NULL, NULL));
      g_ptr_array_add (held, s);
    }
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    g_assert_true (raw_send (s, text, strlen (text)));
    g_assert_cmpuint (raw_read_response (s, &head, &body), ==, 429);
    g_assert_nonnull (strstr (head, "Retry-After: "));
    g_assert_nonnull (strstr (body, "under way"));
  }
  /* Another device is not held up. */
  {
    TestDevice *other = device_enrol (&f, "m-carer2");

    pull_once (&f, other);
    device_free (other);
  }
  /* When those connections go, the device may send again. */
  g_ptr_array_set_size (held, 0);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GIOStream) s = connect_or_die (&f);
      g_autofree char *pull = request_text ("POST", "/v1/pull", d, 2, NULL);
      guint status;

      g_assert_true (raw_send (s, pull, strlen (pull)));
      g_assert_true (raw_send (s, "{}", 2));
      status = raw_read_response (s, NULL, NULL);
      if (status == 200)
        break;
      g_assert_cmpuint (status, ==, 429);
      g_usleep (50 * 1000);
    }
  pull_once (&f, d);
  device_free (d);
  fixture_teardown (&f);
}

/* What a connection may cost: libmicrohttpd's buffer for its request line
 * and headers is 32 KiB, and a request whose headers outgrow it is
 * refused (431) and closed, so connections holding half-sent headers cost
 * at most that each, however large they make them. */
static void
test_connection_memory (void)
{
  ServerFixture f;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *junk = g_strnfill (24 * 1024, 'a');
  const char *start = "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Junk: ";
  guint64 rss_before, rss_after;
  guint n = 200;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    assert_status (&f, s, 200);
  }
  rss_before = fixture_rss_kib (&f);
  for (guint i = 0; i < n; i++)
    {
      GIOStream *s = connect_or_die (&f);

      g_assert_true (raw_send (s, start, strlen (start)));
      g_assert_true (raw_send (s, junk, 24 * 1024));
      g_ptr_array_add (held, s);
    }
  g_usleep (500 * 1000);
  rss_after = fixture_rss_kib (&f);
  g_test_message ("%u connections holding 24 KiB of unfinished headers: resident %" G_GUINT64_FORMAT " KiB before, %"
                  G_GUINT64_FORMAT " KiB with them (%.1f KiB each)", n, rss_before, rss_after,
                  (double) (rss_after - MIN (rss_before, rss_after)) / n);
  g_assert_cmpuint (rss_after, <, rss_before + n * 48);
  /* Another 24 KiB outgrows the buffer: refused, closed. */
  {
    GIOStream *s = held->pdata[0];
    g_autofree char *head = NULL;

    g_assert_true (raw_send (s, junk, 24 * 1024));
    g_assert_cmpuint (raw_read_response (s, &head, NULL), ==, 431);
    g_assert_true (raw_closed_within (s, 10));
  }
  g_ptr_array_set_size (held, 0);
  {
    g_autoptr(GIOStream) s = connect_or_die (&f);

    assert_status (&f, s, 200);
  }
  fixture_teardown (&f);
}

/* Limits count an IPv6 client by its /64: one subscriber's network, where
 * every address is the same client's. */
static void
test_address_key (void)
{
  struct
  {
    const char *address;
    const char *key;
  } cases[] = {
    { "192.0.2.7", "192.0.2.7" },
    { "2001:db8:1:2::1", "2001:db8:1:2::/64" },
    { "2001:db8:1:2:ffff:eeee:dddd:cccc", "2001:db8:1:2::/64" },
    { "2001:db8:1:3::1", "2001:db8:1:3::/64" },
    { "::ffff:192.0.2.7", "192.0.2.7" },
    { "::1", "::/64" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = NULL;

      if (strchr (cases[i].address, ':') != NULL)
        {
          struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

          g_assert_cmpint (inet_pton (AF_INET6, cases[i].address, &sa.sin6_addr), ==, 1);
          key = care_server_address_key ((struct sockaddr *) &sa);
        }
      else
        {
          struct sockaddr_in sa = { .sin_family = AF_INET };

          g_assert_cmpint (inet_pton (AF_INET, cases[i].address, &sa.sin_addr), ==, 1);
          key = care_server_address_key ((struct sockaddr *) &sa);
        }
      g_assert_cmpstr (key, ==, cases[i].key);
    }
}

int
main (int    argc,
      char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--connections="))
      {
        n_connections = (guint) g_ascii_strtoull (argv[i] + strlen ("--connections="), NULL, 10);
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        i--;
      }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hostile/address-key", test_address_key);
  g_test_add_func ("/hostile/descriptors/plain", test_descriptors_plain);
  g_test_add_func ("/hostile/descriptors/tls", test_descriptors_tls);
  g_test_add_func ("/hostile/too-large", test_too_large);
  g_test_add_func ("/hostile/timeouts", test_timeouts);
  g_test_add_func ("/hostile/made-up-devices", test_made_up_devices);
  g_test_add_func ("/hostile/connection-limits", test_connection_limits);
  g_test_add_func ("/hostile/descriptor-limit", test_descriptor_limit);
  g_test_add_func ("/hostile/body-memory", test_body_memory);
  g_test_add_func ("/hostile/connection-memory", test_connection_memory);
  g_test_add_func ("/hostile/device-in-flight", test_device_in_flight);
  return g_test_run ();
}
