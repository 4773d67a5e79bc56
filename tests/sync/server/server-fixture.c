/* server-fixture.c: a real carelog-server process for the tests.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "care-id.h"
#include "pg-cluster.h"
#include "server-fixture.h"

static char *
server_binary (void)
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");

  g_assert_nonnull (build);
  return g_build_filename (build, "sync", "server", "carelog-server", NULL);
}

static char *
run_admin_v (ServerFixture *f,
             gboolean       must_succeed,
             GPtrArray     *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_insert (argv, 0, server_binary ());
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (must_succeed && !g_spawn_check_wait_status (status, NULL))
    g_error ("carelog-server %s failed: %s", (char *) argv->pdata[1], err);
  if (!must_succeed && g_spawn_check_wait_status (status, NULL))
    return NULL;
  return must_succeed ? g_steal_pointer (&out) : g_strconcat (out, err, NULL);
}

char *
fixture_admin (ServerFixture *f,
               gboolean       must_succeed,
               const char    *first,
               ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  return run_admin_v (f, must_succeed, argv);
}

/* CARELOG_TEST_STORE=postgresql: each fixture's co-op in a database of its
 * own, in one throwaway cluster per test process (stopped when it ends). */
static PgCluster *pg_cluster;
static guint pg_databases;

gboolean
fixture_on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("CARELOG_TEST_STORE"), "postgresql") == 0;
}

char *
fixture_new_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *conninfo = NULL;
  char *url = NULL;

  if (pg_cluster == NULL)
    {
      pg_cluster = pg_cluster_start (&error);
      g_assert_no_error (error);
    }
  name = g_strdup_printf ("coop%u", ++pg_databases);
  conninfo = pg_cluster_create_db (pg_cluster, name, &url, &error);
  g_assert_no_error (error);
  return url;
}

void
fixture_pg_pause (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (pg_cluster);
  pg_cluster_pause (pg_cluster, &error);
  g_assert_no_error (error);
}

void
fixture_pg_resume (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (pg_cluster);
  pg_cluster_resume (pg_cluster, &error);
  g_assert_no_error (error);
}

void
fixture_setup (ServerFixture *f)
{
  g_autoptr(GError) error = NULL;
  const char *members[][3] = {
    { "m-carer", "Anna Rossi", "carer" },
    { "m-carer2", "Bruno Bianchi", "carer" },
    { "m-super", "Chiara Verdi", "supervisor" },
    { "m-admin", "Dario Neri", "administrator" },
  };

  memset (f, 0, sizeof *f);
  f->tmp = g_dir_make_tmp ("carelog-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->data = g_build_filename (f->tmp, "coop", NULL);
  if (fixture_on_postgresql ())
    {
      g_autofree char *url = fixture_new_database ();

      g_free (fixture_admin (f, TRUE, "init", f->data, "--timezone", "Europe/Rome", "--store", url, NULL));
    }
  else
    g_free (fixture_admin (f, TRUE, "init", f->data, "--timezone", "Europe/Rome", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_free (fixture_admin (f, TRUE, "member", "add", f->data, members[i][0], "--name", members[i][1],
                           "--role", members[i][2], NULL));
  g_free (fixture_admin (f, TRUE, "client", "add", f->data, "c-1", "--name", "Mario Gallo",
                         "--address", "Via Roma 1", "--task", "t-1:Morning medication:essential",
                         "--task", "t-2:Prepare lunch", NULL));
  g_free (fixture_admin (f, TRUE, "client", "add", f->data, "c-2", "--name", "Lucia Ferri",
                         "--address", "Via Po 2", "--task", "t-1:Help with shower:essential", NULL));
  g_free (fixture_admin (f, TRUE, "assign", f->data, "c-1", "m-carer", NULL));
  g_free (fixture_admin (f, TRUE, "assign", f->data, "c-2", "m-carer2", NULL));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
fixture_teardown (ServerFixture *f)
{
  fixture_stop (f);
  if (f->tmp != NULL && g_getenv ("CARELOG_KEEP_TMP") == NULL)
    remove_tree (f->tmp);
  g_clear_pointer (&f->tmp, g_free);
  g_clear_pointer (&f->data, g_free);
}

/* A server whose test died must not outlive it. */
static void
die_with_parent (gpointer data)
{
  ServerFixture *f = data;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (f->nofile > 0)
    {
      struct rlimit rl = { f->nofile, f->nofile };

      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

void
fixture_start (ServerFixture      *f,
               const char * const *args,
               const char * const *env)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  gboolean tls = FALSE;

  g_assert_null (f->proc);
  g_ptr_array_add (argv, server_binary ());
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, g_strdup (f->data));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1:0"));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      tls |= g_str_equal (args[i], "--cert");
      g_ptr_array_add (argv, g_strdup (args[i]));
    }
  if (!tls)
    g_ptr_array_add (argv, g_strdup ("--insecure-http"));
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, f, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  f->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  f->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (f->proc), NULL, 10);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->proc));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("carelog-server exited before listening");
      if (g_str_has_prefix (line, "carelog-server: listening on "))
        {
          g_free (f->url);
          f->url = g_strdup (line + strlen ("carelog-server: listening on "));
          if (!tls)
            break;
        }
      else if (g_str_has_prefix (line, "carelog-server: certificate pin "))
        {
          g_free (f->pin);
          f->pin = g_strdup (line + strlen ("carelog-server: certificate pin "));
          break;
        }
    }
}

void
fixture_stop (ServerFixture *f)
{
  if (f->proc == NULL)
    return;
  g_subprocess_send_signal (f->proc, SIGTERM);
  g_subprocess_wait (f->proc, NULL, NULL);
  /* A server that crashed says so, whatever its clients saw. */
  if (g_subprocess_get_if_signaled (f->proc) && g_subprocess_get_term_sig (f->proc) != SIGTERM)
    g_error ("carelog-server died of signal %d (%s) before the test stopped it", g_subprocess_get_term_sig (f->proc),
             g_strsignal (g_subprocess_get_term_sig (f->proc)));
  g_clear_object (&f->proc);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->pin, g_free);
}

char *
fixture_server_state (ServerFixture *f)
{
  /* A process that just died may not be reaped yet: a moment for it. */
  for (guint i = 0; i < 20 && g_subprocess_get_identifier (f->proc) != NULL; i++)
    g_usleep (10 * 1000);
  if (g_subprocess_get_identifier (f->proc) != NULL)
    return g_strdup ("running");
  g_subprocess_wait (f->proc, NULL, NULL);
  if (g_subprocess_get_if_signaled (f->proc))
    return g_strdup_printf ("died of signal %d (%s)", g_subprocess_get_term_sig (f->proc),
                            g_strsignal (g_subprocess_get_term_sig (f->proc)));
  return g_strdup_printf ("exited with status %d", g_subprocess_get_exit_status (f->proc));
}

/* ---- devices ---- */

static void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

CareEnrolment *
sync_enrol (CareSyncClient *c,
            const char     *code,
            GError        **error)
{
  GAsyncResult *res = NULL;
  CareEnrolment *e;

  care_sync_client_enrol_async (c, code, "test tablet", NULL, got_result_cb, &res);
  e = care_sync_client_enrol_finish (c, wait_result (&res), error);
  g_object_unref (res);
  return e;
}

CarePushResult *
sync_push (CareSyncClient *c,
           GPtrArray      *events,
           GError        **error)
{
  GAsyncResult *res = NULL;
  CarePushResult *r;

  care_sync_client_push_async (c, events, NULL, got_result_cb, &res);
  r = care_sync_client_push_finish (c, wait_result (&res), error);
  g_object_unref (res);
  return r;
}

CarePullResult *
sync_pull (CareSyncClient *c,
           const char     *cursor,
           gint64          acked,
           guint           limit,
           GError        **error)
{
  GAsyncResult *res = NULL;
  CarePullResult *r;

  care_sync_client_pull_async (c, cursor, acked, limit, NULL, got_result_cb, &res);
  r = care_sync_client_pull_finish (c, wait_result (&res), error);
  g_object_unref (res);
  return r;
}

GPtrArray *
pull_all (CareSyncClient *c,
          gint64          acked,
          GError        **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *cursor = g_strdup ("");

  for (;;)
    {
      g_autoptr(CarePullResult) r = sync_pull (c, cursor, acked, 1000, error);

      if (r == NULL)
        return NULL;
      for (guint i = 0; i < r->records->len; i++)
        g_ptr_array_add (all, care_event_copy (g_ptr_array_index (r->records, i)));
      g_free (cursor);
      cursor = g_strdup (r->next_cursor);
      if (!r->more)
        break;
    }
  return g_steal_pointer (&all);
}

void
fixture_start_alongside (ServerFixture      *f,
                         ServerFixture      *other,
                         const char * const *args)
{
  memset (other, 0, sizeof *other);
  other->data = g_strdup (f->data);
  fixture_start (other, args, NULL);
}

void
fixture_stop_alongside (ServerFixture *other)
{
  fixture_stop (other);
  g_clear_pointer (&other->data, g_free);
}

CareSyncClient *
client_for (ServerFixture *f,
            const char    *device,
            const char    *key)
{
  return care_sync_client_new (f->url, f->pin, device, key);
}

static TestDevice *
enrol_at (ServerFixture *f,
          ServerFixture *via,
          const char    *member)
{
  g_autofree char *out = fixture_admin (f, TRUE, "device", "enrol", f->data, member, NULL);
  g_autofree char *first = g_strndup (out, strcspn (out, "\n"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CareEnrolmentLine) line = care_enrolment_line_parse (first, &error);
  g_autoptr(CareEnrolment) e = NULL;
  TestDevice *d;

  g_assert_no_error (error);
  if (via == NULL)
    g_assert_cmpstr (line->url, ==, f->url);
  d = g_new0 (TestDevice, 1);
  d->client = care_sync_client_new (via != NULL ? via->url : line->url, line->pin, NULL, NULL);
  e = sync_enrol (d->client, line->code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->member, ==, member);
  d->device = g_strdup (e->device);
  d->key = g_strdup (e->key);
  d->member = g_strdup (member);
  d->next_seq = 1;
  d->hlc = (g_get_real_time () / 1000) << 16;
  return d;
}

TestDevice *
device_enrol (ServerFixture *f,
              const char    *member)
{
  return enrol_at (f, NULL, member);
}

TestDevice *
device_enrol_via (ServerFixture *f,
                  ServerFixture *via,
                  const char    *member)
{
  return enrol_at (f, via, member);
}

void
device_free (TestDevice *d)
{
  if (d == NULL)
    return;
  g_clear_object (&d->client);
  g_free (d->device);
  g_free (d->key);
  g_free (d->member);
  g_free (d);
}

CareEvent *
device_event (TestDevice *d,
              const char *type,
              const char *body_json)
{
  CareEvent *e = care_event_new ();
  g_autoptr(JsonNode) body = json_from_string (body_json, NULL);

  g_assert_nonnull (body);
  e->id = care_id_new (g_get_real_time () / 1000);     /* UUIDv7, as tablets make them */
  e->device = g_strdup (d->device);
  e->seq = d->next_seq++;
  e->author = g_strdup (d->member);
  e->hlc = ++d->hlc;
  e->wall = e->hlc >> 16;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (body);
  return e;
}

void
push_accepted (TestDevice *d,
               GPtrArray  *events)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePushResult) r = sync_push (d->client, events, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < r->items->len; i++)
    {
      CarePushItem *item = g_ptr_array_index (r->items, i);

      if (item->status != CARE_PUSH_ACCEPTED)
        g_error ("set-up record %u refused: %s", i, item->reason);
    }
}

/* ---- raw HTTP ---- */

guint
raw_request (ServerFixture *f,
             const char    *method,
             const char    *path,
             const char   **headers,
             GBytes        *body,
             char         **response_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (f->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  out = soup_session_send_and_read (session, msg, NULL, &error);
  if (out == NULL)
    {
      if (response_body)
        *response_body = g_strdup (error->message);
      return 0;
    }
  if (response_body)
    *response_body = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Carelog-Protocol"), ==, "1");
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Carelog-Time"));
  return soup_message_get_status (msg);
}

/* ---- raw HTTP ---- */

guint
fixture_fd_count (ServerFixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) f->pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

guint64
fixture_rss_kib (ServerFixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) f->pid);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

static gboolean
accept_any_cb (GTlsConnection       *conn,
               GTlsCertificate      *cert,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

GIOStream *
raw_connect (ServerFixture *f,
             GError       **error)
{
  return raw_connect_from (f, NULL, error);
}

GIOStream *
raw_connect_from (ServerFixture *f,
                  const char    *source,
                  GError       **error)
{
  g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GIOStream) tls = NULL;

  g_assert_nonnull (uri);
  if (source != NULL)
    {
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new_from_string (source, 0);

      g_socket_client_set_local_address (client, local);
    }
  conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, error);
  if (conn == NULL)
    return NULL;
  g_socket_set_timeout (g_socket_connection_get_socket (conn), 30);
  /* As the daemon's client does not wait on Nagle's algorithm either. */
  g_socket_set_option (g_socket_connection_get_socket (conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (!g_str_equal (g_uri_get_scheme (uri), "https"))
    return G_IO_STREAM (g_steal_pointer (&conn));
  tls = g_tls_client_connection_new (G_IO_STREAM (conn), NULL, error);
  if (tls == NULL)
    return NULL;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  return g_steal_pointer (&tls);
}

gboolean
raw_send (GIOStream  *stream,
          const char *request,
          gsize       len)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (stream), request, len, NULL, NULL, NULL);
}

guint
raw_read_response (GIOStream *stream,
                   char     **headers,
                   char     **body)
{
  return raw_read_answer (stream, headers, body, NULL);
}

guint
raw_read_answer (GIOStream *stream,
                 char     **headers,
                 char     **body,
                 GError   **error)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  g_autoptr(GString) head = g_string_new (NULL);
  g_autofree char *content = NULL;
  const char *cl;
  gsize length = 0, got = 0;
  guint status = 0;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      char c;
      gssize n = g_input_stream_read (in, &c, 1, NULL, error);

      if (n == 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                     "the connection ended after %" G_GSIZE_FORMAT " bytes of an answer", head->len);
      if (n != 1)
        return 0;
      if (head->len > 65536)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "the answer's headers never end");
          return 0;
        }
      g_string_append_c (head, c);
    }
  if (sscanf (head->str, "HTTP/1.%*d %u", &status) != 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the answer has no status line");
      return 0;
    }
  cl = strstr (head->str, "Content-Length:");
  if (cl == NULL)
    cl = strstr (head->str, "content-length:");
  if (cl != NULL)
    length = g_ascii_strtoull (cl + strlen ("Content-Length:"), NULL, 10);
  content = g_malloc0 (length + 1);
  if (length > 0 && (!g_input_stream_read_all (in, content, length, &got, NULL, error) || got != length))
    {
      if (got != length && error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                     "the connection ended after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes of a body", got, length);
      return 0;
    }
  if (headers != NULL)
    *headers = g_strdup (head->str);
  if (body != NULL)
    *body = g_steal_pointer (&content);
  return status;
}

static GSocket *
raw_socket (GIOStream *stream)
{
  if (G_IS_TLS_CONNECTION (stream))
    {
      g_autoptr(GIOStream) base = NULL;

      g_object_get (stream, "base-io-stream", &base, NULL);
      return g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
    }
  return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
}

gboolean
raw_closed_within (GIOStream *stream,
                   guint      timeout_s)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  GSocket *socket = raw_socket (stream);
  char buf[4096];
  gint64 until = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  g_socket_set_timeout (socket, timeout_s);
  while (g_get_monotonic_time () < until)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);

      if (n == 0)
        return TRUE;
      if (n < 0)
        return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    }
  return FALSE;
}

void
raw_abort (GIOStream *stream)
{
  GSocket *socket = raw_socket (stream);
  struct linger l = { 1, 0 };

  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &l, sizeof l);
  g_socket_close (socket, NULL);
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_percentile (GArray *values,
                  double  p)
{
  double pos;
  guint lo;

  if (values->len == 0)
    return 0;
  g_array_sort (values, cmp_double);
  /* Linear interpolation between closest ranks (a median of 2 is their mean). */
  pos = p * (values->len - 1);
  lo = (guint) pos;
  if (lo + 1 >= values->len)
    return g_array_index (values, double, values->len - 1);
  return g_array_index (values, double, lo) * (1 - (pos - lo)) + g_array_index (values, double, lo + 1) * (pos - lo);
}
