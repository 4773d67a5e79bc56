/* care-server.c: the co-op server's HTTP side.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main thread runs the SoupServer: it checks headers, limits and rates,
 * decompresses and decodes bodies, then pauses the message and hands the
 * work to a thread. Pushes and enrolments go to the single writer thread,
 * which commits every push waiting at that moment in one transaction (group
 * commit, synchronous=FULL); pulls go to a small pool of readers. The answer
 * is set back on the main thread, after the COMMIT returned, and the message
 * is unpaused.
 */
#define G_LOG_DOMAIN "carelog-server"

#include "care-config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "care-protocol.h"
#include "care-server.h"

#define MAX_GROUP 64
#define MAX_HEADERS_TOTAL (16 * 1024)
#define GZIP_THRESHOLD 256

typedef enum
{
  JOB_PUSH,
  JOB_PULL,
  JOB_ENROL,
  JOB_TOUCH,
  JOB_STOP,
} JobKind;

typedef struct _RawBody RawBody;
static void raw_body_free (RawBody *body);
static JsonNode *decode_body (RawBody *body, GError **error);

typedef struct
{
  JobKind kind;
  CareServer *server;
  SoupServerMessage *msg;
  char *request_id;
  gint64 started;
  gboolean gzip_ok;
  char *device;
  char *key;
  CarePushJob *push;
  CarePullRequest *pull;
  char *code;
  char *name;
  RawBody *raw;
  /* out */
  GString *body;
  GError *error;
  gint64 server_acked;
  CareEnrolResult *enrol;
} Job;

typedef struct
{
  double tokens;
  gint64 last;
} Bucket;

struct _CareServer
{
  GObject parent_instance;

  CareServerStore *store;
  CareServerOptions options;
  char *listen;
  char *cert_path;
  char *key_path;
  char *public_url;
  SoupServer *soup;
  GMainContext *context;
  GThread *writer;
  GAsyncQueue *write_queue;
  GThreadPool *readers;
  GThreadPool *decoders;
  GThread *checkpointer;
  GMutex stop_lock;
  GCond stop_cond;
  gboolean stopping;
  GHashTable *device_buckets;
  GHashTable *enrol_buckets;
  guint fault_drop_after_commit;
};

G_DEFINE_FINAL_TYPE (CareServer, care_server, G_TYPE_OBJECT)

static void
job_free (Job *job)
{
  g_clear_object (&job->msg);
  g_free (job->request_id);
  g_free (job->device);
  if (job->key)
    memset (job->key, 0, strlen (job->key));
  g_free (job->key);
  g_clear_pointer (&job->push, care_push_job_free);
  g_clear_pointer (&job->pull, care_pull_request_free);
  g_free (job->code);
  g_free (job->name);
  g_clear_pointer (&job->raw, raw_body_free);
  if (job->body)
    g_string_free (job->body, TRUE);
  g_clear_error (&job->error);
  g_clear_pointer (&job->enrol, care_enrol_result_free);
  g_clear_object (&job->server);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* ---- responses ---- */

static void
log_request (SoupServerMessage *msg,
             const char        *request_id,
             const char        *device,
             guint              status,
             const char        *detail)
{
  GLogLevelFlags level = status >= 500 ? G_LOG_LEVEL_WARNING
                         : status >= 400 ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_INFO;
  g_autofree char *status_text = g_strdup_printf ("%u", status);

  g_log_structured (G_LOG_DOMAIN, level,
                    "CARELOG_REQUEST_ID", request_id,
                    "CARELOG_DEVICE", device ? device : "-",
                    "CARELOG_PATH", g_uri_get_path (soup_server_message_get_uri (msg)),
                    "CARELOG_STATUS", status_text,
                    "MESSAGE", "request %s %s %s device=%s status=%u%s%s",
                    request_id, soup_server_message_get_method (msg),
                    g_uri_get_path (soup_server_message_get_uri (msg)), device ? device : "-", status,
                    detail ? ": " : "", detail ? detail : "");
}

static void
set_common_headers (SoupServerMessage *msg,
                    const char        *request_id)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, now_ms ());

  soup_message_headers_replace (h, CARE_PROTOCOL_HEADER, G_STRINGIFY (CARE_PROTOCOL_VERSION));
  soup_message_headers_replace (h, CARE_TIME_HEADER, t);
  soup_message_headers_replace (h, CARE_REQUEST_ID_HEADER, request_id);
}

static void
respond (SoupServerMessage *msg,
         const char        *request_id,
         guint              status,
         GString           *body,
         gboolean           gzip_ok)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  set_common_headers (msg, request_id);
  soup_server_message_set_status (msg, status, NULL);
  if (gzip_ok && body->len > GZIP_THRESHOLD)
    {
      g_autoptr(GBytes) gz = care_gzip (body->str, body->len, body->len > 65536 ? 1 : 6);
      gsize len;
      gconstpointer data = g_bytes_get_data (gz, &len);

      soup_message_headers_replace (h, "Content-Encoding", "gzip");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, len);
    }
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

static void
respond_error (SoupServerMessage *msg,
               const char        *request_id,
               const char        *device,
               guint              status,
               const char        *code,
               const char        *message,
               gint64             limit,
               gint64             k)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_string_append_printf (body, "{\"v\":1,\"t\":%" G_GINT64_FORMAT ",\"error\":", now_ms ());
  care_json_append_string (body, code);
  g_string_append (body, ",\"message\":");
  care_json_append_string (body, message);
  if (limit >= 0)
    g_string_append_printf (body, ",\"limit\":%" G_GINT64_FORMAT, limit);
  if (k >= 0)
    g_string_append_printf (body, ",\"k\":%" G_GINT64_FORMAT, k);
  g_string_append_c (body, '}');
  respond (msg, request_id, status, body, FALSE);
  log_request (msg, request_id, device, status, message);
}

static guint
status_for_error (const GError *error,
                  const char  **code)
{
  if (error->domain != CARE_SYNC_ERROR)
    {
      *code = "internal";
      return 500;
    }
  *code = care_sync_error_to_code (error->code);
  switch (error->code)
    {
    case CARE_SYNC_ERROR_UNAUTHORIZED: return 401;
    case CARE_SYNC_ERROR_ENROLMENT: return 403;
    case CARE_SYNC_ERROR_FORBIDDEN: return 403;
    case CARE_SYNC_ERROR_CURSOR_INVALID: return 409;
    case CARE_SYNC_ERROR_SERVER_BEHIND: return 409;
    case CARE_SYNC_ERROR_TOO_LARGE: return 413;
    case CARE_SYNC_ERROR_RATE_LIMITED: return 429;
    case CARE_SYNC_ERROR_SERVER:
      *code = "unavailable";
      return 503;
    case CARE_SYNC_ERROR_VERSION:
    case CARE_SYNC_ERROR_BAD_REQUEST:
    default:
      return 400;
    }
}

static gint64
limit_for_error (const GError *error)
{
  if (!g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TOO_LARGE))
    return -1;
  if (g_str_has_prefix (error->message, "The push has"))
    return CARE_MAX_BATCH;
  if (g_strrstr (error->message, "decompressed") != NULL)
    return CARE_MAX_INFLATED_BODY;
  return CARE_MAX_BODY;
}

/* ---- finishing jobs on the main thread ---- */

static gboolean
fault_drop (CareServer *self,
            Job        *job)
{
#if CARE_FAULT_HOOKS
  if (job->kind == JOB_PUSH && self->fault_drop_after_commit > 0 && job->error == NULL)
    {
      GSocket *socket = soup_server_message_get_socket (job->msg);

      self->fault_drop_after_commit--;
      g_message ("fault hook: dropping the connection of request %s after its commit", job->request_id);
      if (socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
      return TRUE;
    }
#endif
  return FALSE;
}

static gboolean
finish_job_cb (gpointer data)
{
  g_autoptr(Job) job = data;
  CareServer *self = job->server;
  SoupServerMessage *msg = job->msg;

  if (fault_drop (self, job))
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_unpause (msg);
      return G_SOURCE_REMOVE;
    }
  if (job->error == NULL && job->kind == JOB_PUSH && job->push->error != NULL)
    job->error = g_steal_pointer (&job->push->error);
  if (job->error != NULL)
    {
      const char *code;
      guint status = status_for_error (job->error, &code);

      if (status == 503)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "5");
      respond_error (msg, job->request_id, job->device, status, code, job->error->message,
                     limit_for_error (job->error),
                     g_error_matches (job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER_BEHIND)
                     ? job->server_acked : -1);
    }
  else
    {
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *detail = NULL;

      switch (job->kind)
        {
        case JOB_PUSH:
          g_string_append_printf (body, "{\"v\":1,\"t\":%" G_GINT64_FORMAT ",\"k\":%" G_GINT64_FORMAT,
                                  now_ms (), job->push->acked_seq);
          if (job->push->expected_seq > 0)
            g_string_append_printf (body, ",\"x\":%" G_GINT64_FORMAT, job->push->expected_seq);
          g_string_append (body, ",\"r\":[");
          g_string_append_len (body, job->push->results->str, job->push->results->len);
          g_string_append (body, "]}");
          detail = g_strdup_printf ("push s=%" G_GINT64_FORMAT " n=%u accepted=%u duplicate=%u rejected=%u k=%"
                                    G_GINT64_FORMAT "%s", job->push->request->first_seq,
                                    job->push->request->entries->len, job->push->accepted,
                                    job->push->duplicates, job->push->rejected, job->push->acked_seq,
                                    job->push->expected_seq ? " gap" : "");
          break;
        case JOB_PULL:
          g_string_append_len (body, job->body->str, job->body->len);
          detail = g_strdup_printf ("pull %" G_GSIZE_FORMAT " bytes", job->body->len);
          break;
        case JOB_ENROL:
          g_string_append_printf (body, "{\"v\":1,\"t\":%" G_GINT64_FORMAT ",\"device\":", now_ms ());
          care_json_append_string (body, job->enrol->device);
          g_string_append (body, ",\"key\":");
          care_json_append_string (body, job->enrol->key);
          g_string_append (body, ",\"member\":");
          care_json_append_string (body, job->enrol->member);
          g_string_append (body, ",\"name\":");
          care_json_append_string (body, job->enrol->name);
          g_string_append (body, ",\"role\":");
          care_json_append_string (body, care_role_to_string (job->enrol->role));
          g_string_append (body, ",\"tz\":");
          care_json_append_string (body, job->enrol->timezone ? job->enrol->timezone : "UTC");
          g_string_append_c (body, '}');
          detail = g_strdup_printf ("enrolled %s for %s", job->enrol->device, job->enrol->member);
          break;
        default:
          g_assert_not_reached ();
        }
      respond (msg, job->request_id, 200, body, job->gzip_ok);
      log_request (msg, job->request_id, job->device, 200, detail);
    }
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
finish_job (Job *job)
{
  g_main_context_invoke (job->server->context, finish_job_cb, job);
}

/* ---- worker threads ---- */

static gpointer
writer_thread (gpointer data)
{
  CareServer *self = data;
  gboolean stop = FALSE;

  while (!stop)
    {
      Job *group[MAX_GROUP];
      CarePushJob *pushes[MAX_GROUP];
      guint n = 0, n_push = 0;

      group[n++] = g_async_queue_pop (self->write_queue);
      while (n < MAX_GROUP)
        {
          Job *more = g_async_queue_try_pop (self->write_queue);

          if (more == NULL)
            break;
          group[n++] = more;
        }
      for (guint i = 0; i < n; i++)
        if (group[i]->kind == JOB_PUSH)
          pushes[n_push++] = group[i]->push;
      if (n_push > 0)
        self->store->vtable->push (self->store, pushes, n_push);
      for (guint i = 0; i < n; i++)
        {
          Job *job = group[i];

          switch (job->kind)
            {
            case JOB_PUSH:
              finish_job (job);
              break;
            case JOB_ENROL:
              job->enrol = self->store->vtable->enrol (self->store, job->code, job->name, &job->error);
              finish_job (job);
              break;
            case JOB_TOUCH:
              self->store->vtable->touch (self->store, job->device, job->server_acked);
              job_free (job);
              break;
            case JOB_STOP:
              stop = TRUE;
              job_free (job);
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }
  return NULL;
}

static void
decoder_func (gpointer data,
              gpointer user_data)
{
  Job *job = data;
  CareServer *self = user_data;
  g_autoptr(JsonNode) root = decode_body (job->raw, &job->error);
  CarePushRequest *request;

  g_clear_pointer (&job->raw, raw_body_free);
  if (root == NULL)
    {
      finish_job (job);
      return;
    }
  request = care_push_request_decode (root, job->device, &job->error);
  if (request == NULL)
    {
      finish_job (job);
      return;
    }
  job->push = g_new0 (CarePushJob, 1);
  job->push->device = g_strdup (job->device);
  job->push->key = g_strdup (job->key);
  job->push->request = request;
  job->push->results = g_string_sized_new (request->entries->len * 2 + 16);
  g_async_queue_push (self->write_queue, job);
}

static gpointer
checkpoint_thread (gpointer data)
{
  CareServer *self = data;

  g_mutex_lock (&self->stop_lock);
  while (!self->stopping)
    {
      gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

      g_mutex_unlock (&self->stop_lock);
      self->store->vtable->checkpoint (self->store);
      g_mutex_lock (&self->stop_lock);
      while (!self->stopping && g_cond_wait_until (&self->stop_cond, &self->stop_lock, until))
        ;
    }
  g_mutex_unlock (&self->stop_lock);
  return NULL;
}

static void
reader_func (gpointer data,
             gpointer user_data)
{
  Job *job = data;
  CareServer *self = user_data;
  Job *touch;
  gint64 sent_pos = 0;

  job->body = g_string_sized_new (4096);
  if (self->store->vtable->pull (self->store, job->device, job->key, job->pull, job->body,
                                 &job->server_acked, &sent_pos, &job->error))
    {
      /* The device has been sent everything up to the end of this page:
       * device list counts as pending only what comes after it. */
      touch = g_new0 (Job, 1);
      touch->kind = JOB_TOUCH;
      touch->device = g_strdup (job->device);
      touch->server_acked = sent_pos;
      g_async_queue_push (self->write_queue, touch);
    }
  finish_job (job);
}

/* ---- rate limits ---- */

/* 0 when allowed, else the seconds to wait. */
static guint
take_token (GHashTable *buckets,
            const char *name,
            double      rate,
            guint       burst)
{
  Bucket *b = g_hash_table_lookup (buckets, name);
  gint64 now = g_get_monotonic_time ();

  if (b == NULL)
    {
      if (g_hash_table_size (buckets) > 100000)
        g_hash_table_remove_all (buckets);
      b = g_new0 (Bucket, 1);
      b->tokens = burst;
      b->last = now;
      g_hash_table_insert (buckets, g_strdup (name), b);
    }
  b->tokens = MIN ((double) burst, b->tokens + (now - b->last) * rate / G_USEC_PER_SEC);
  b->last = now;
  if (b->tokens >= 1.0)
    {
      b->tokens -= 1.0;
      return 0;
    }
  return (guint) MAX (1.0, (1.0 - b->tokens) / rate + 0.999);
}

/* ---- request handling ---- */

static gboolean
parse_authorization (SoupServerMessage *msg,
                     char             **device,
                     char             **key)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *colon;

  if (auth == NULL || !g_str_has_prefix (auth, "Carelog "))
    return FALSE;
  auth += strlen ("Carelog ");
  colon = strchr (auth, ':');
  if (colon == NULL || colon == auth || colon[1] == '\0')
    return FALSE;
  *device = g_strndup (auth, colon - auth);
  *key = g_strdup (colon + 1);
  if (!care_protocol_id_is_valid (*device) || strlen (*key) > 128)
    {
      g_clear_pointer (device, g_free);
      g_clear_pointer (key, g_free);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gsize total;
  gboolean too_long;
} HeaderCheck;

static void
check_header_cb (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  HeaderCheck *check = user_data;
  gsize len = strlen (value);

  check->total += strlen (name) + len + 4;
  if (len > CARE_MAX_HEADER_VALUE)
    check->too_long = TRUE;
}

static const char *
request_id_for (SoupServerMessage *msg)
{
  const char *id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                 CARE_REQUEST_ID_HEADER);
  char *generated;

  if (care_request_id_is_valid (id))
    return id;
  generated = g_object_get_data (G_OBJECT (msg), "carelog-request-id");
  if (generated == NULL)
    {
      generated = g_uuid_string_random ();
      g_object_set_data_full (G_OBJECT (msg), "carelog-request-id", generated, g_free);
    }
  return generated;
}

/* Runs when the headers are in, before the body is read: refuse what is
 * too big without reading it. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  HeaderCheck check = { 0 };
  goffset length;
  const char *request_id = request_id_for (msg);

  soup_message_headers_foreach (h, check_header_cb, &check);
  if (check.too_long || check.total > MAX_HEADERS_TOTAL)
    {
      g_autofree char *text = g_strdup_printf ("A request header is longer than %d bytes, or all of them "
                                               "together longer than %d bytes.",
                                               CARE_MAX_HEADER_VALUE, MAX_HEADERS_TOTAL);

      respond_error (msg, request_id, NULL, 400, "bad-request", text, CARE_MAX_HEADER_VALUE, -1);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      return;
    }
  if (soup_message_headers_get_encoding (h) == SOUP_ENCODING_CHUNKED)
    {
      respond_error (msg, request_id, NULL, 411, "length-required",
                     "Send the request body with a Content-Length, not in chunks.", -1, -1);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      return;
    }
  length = soup_message_headers_get_content_length (h);
  if (length > CARE_MAX_BODY)
    {
      g_autofree char *text = g_strdup_printf ("The request body is %" G_GOFFSET_FORMAT " bytes; this server accepts "
                                               "at most %d. Send fewer records per batch.", length, CARE_MAX_BODY);

      respond_error (msg, request_id, NULL, 413, "too-large", text, CARE_MAX_BODY, -1);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
    }
}

static void
handle_unknown_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  if (soup_server_message_get_status (msg) != 0 && soup_server_message_get_status (msg) != SOUP_STATUS_NONE)
    return;
  respond_error (msg, request_id_for (msg), NULL, 404, "not-found",
                 "There is no such address on a Carelog server; check the server URL.", -1, -1);
}

struct _RawBody
{
  GBytes *raw;
  char *encoding;
  char *type;
};

static void
raw_body_free (RawBody *body)
{
  if (body == NULL)
    return;
  g_clear_pointer (&body->raw, g_bytes_unref);
  g_free (body->encoding);
  g_free (body->type);
  g_free (body);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawBody, raw_body_free)

/* On the main thread: what decode_body needs, so that it can run on another. */
static RawBody *
capture_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  RawBody *body = g_new0 (RawBody, 1);

  body->raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  body->encoding = g_strdup (soup_message_headers_get_one (h, "Content-Encoding"));
  body->type = g_strdup (soup_message_headers_get_content_type (h, NULL));
  return body;
}

static JsonNode *
decode_body (RawBody *body,
             GError **error)
{
  g_autoptr(GBytes) inflated = NULL;
  gsize len;
  const char *data;

  if (g_bytes_get_size (body->raw) > CARE_MAX_BODY)
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TOO_LARGE,
                   "The request body is %" G_GSIZE_FORMAT " bytes; this server accepts at most %d.",
                   g_bytes_get_size (body->raw), CARE_MAX_BODY);
      return NULL;
    }
  if (body->type != NULL && g_ascii_strcasecmp (body->type, "application/json") != 0)
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                   "The request body is %s; send application/json.", body->type);
      return NULL;
    }
  if (body->encoding != NULL && g_ascii_strcasecmp (body->encoding, "gzip") == 0)
    {
      inflated = care_gunzip (g_bytes_get_data (body->raw, NULL), g_bytes_get_size (body->raw),
                              CARE_MAX_INFLATED_BODY, error);
      if (inflated == NULL)
        return NULL;
    }
  else if (body->encoding == NULL || g_ascii_strcasecmp (body->encoding, "identity") == 0)
    inflated = g_bytes_ref (body->raw);
  else
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                   "The request body is encoded as “%s”; send gzip or nothing.", body->encoding);
      return NULL;
    }
  data = g_bytes_get_data (inflated, &len);
  return care_protocol_parse_object (data ? data : "", len, error);
}

static JsonNode *
read_body (SoupServerMessage *msg,
           GError           **error)
{
  g_autoptr(RawBody) body = capture_body (msg);

  return decode_body (body, error);
}

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *ae = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Accept-Encoding");

  return ae != NULL && soup_header_contains (ae, "gzip");
}

static void
handle_v1_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  CareServer *self = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *request_id = request_id_for (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *version = soup_message_headers_get_one (h, CARE_PROTOCOL_HEADER);
  g_autoptr(Job) job = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_push = g_str_equal (path, "/v1/push");
  gboolean is_pull = g_str_equal (path, "/v1/pull");
  gboolean is_enrol = g_str_equal (path, "/v1/enrol");
  guint wait;

  if (soup_server_message_get_status (msg) != 0 && soup_server_message_get_status (msg) != SOUP_STATUS_NONE)
    return;   /* answered by the early handler */
  if (g_str_equal (path, "/v1/status"))
    {
      g_autoptr(GString) body = g_string_new (NULL);

      g_string_append_printf (body, "{\"v\":1,\"t\":%" G_GINT64_FORMAT "}", now_ms ());
      respond (msg, request_id, 200, body, FALSE);
      return;
    }
  if (!is_push && !is_pull && !is_enrol)
    {
      respond_error (msg, request_id, NULL, 404, "not-found",
                     "There is no such address on a Carelog server; check the server URL.", -1, -1);
      return;
    }
  if (!g_str_equal (method, "POST"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      respond_error (msg, request_id, NULL, 405, "method", "Use POST for this address.", -1, -1);
      return;
    }
  if (g_strcmp0 (version, G_STRINGIFY (CARE_PROTOCOL_VERSION)) != 0)
    {
      respond_error (msg, request_id, NULL, 400, "version",
                     "This server speaks Carelog sync protocol 1 only: update Carelog on this device.", -1, -1);
      return;
    }

  job = g_new0 (Job, 1);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->request_id = g_strdup (request_id);
  job->gzip_ok = accepts_gzip (msg);
  job->started = g_get_monotonic_time ();

  if (is_enrol)
    {
      GInetSocketAddress *remote = G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg));
      g_autofree char *who = remote ? g_inet_address_to_string (g_inet_socket_address_get_address (remote)) : g_strdup ("?");

      wait = take_token (self->enrol_buckets, who, self->options.enrolments_per_minute / 60.0,
                         self->options.enrolments_per_minute);
      if (wait > 0)
        goto rate_limited;
    }
  else
    {
      GInetSocketAddress *remote = G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg));
      g_autofree char *where = remote ? g_inet_address_to_string (g_inet_socket_address_get_address (remote)) : g_strdup ("?");
      g_autofree char *bucket = NULL;

      if (!parse_authorization (msg, &job->device, &job->key))
        {
          respond_error (msg, request_id, NULL, 401, "unauthorized",
                         "This request has no valid device credentials: enrol this tablet with the co-op.", -1, -1);
          return;
        }
      /* Keyed by device and address: requests that merely claim a tablet's
       * id from elsewhere cannot use up that tablet's allowance. */
      bucket = g_strconcat (job->device, "@", where, NULL);
      wait = take_token (self->device_buckets, bucket, self->options.rate, self->options.burst);
      if (wait > 0)
        goto rate_limited;
    }

  if (is_push)
    {
      /* Decompressing, parsing and validating a batch is the heaviest
       * per-request work: done by the decoder threads, not here. */
      job->kind = JOB_PUSH;
      job->raw = capture_body (msg);
      soup_server_message_pause (msg);
      g_thread_pool_push (self->decoders, g_steal_pointer (&job), NULL);
      return;
    }

  root = read_body (msg, &error);
  if (root == NULL)
    goto fail;

  if (is_enrol)
    {
      JsonObject *o = json_node_get_object (root);
      JsonNode *code = json_object_get_member (o, "code");
      JsonNode *name = json_object_get_member (o, "name");

      if (code == NULL || json_node_get_value_type (code) != G_TYPE_STRING
          || strlen (json_node_get_string (code)) == 0 || strlen (json_node_get_string (code)) > 64)
        {
          g_set_error_literal (&error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                               "The enrolment needs \"code\", the enrolment code, as text.");
          goto fail;
        }
      if (name != NULL && (json_node_get_value_type (name) != G_TYPE_STRING
                           || g_utf8_strlen (json_node_get_string (name), -1) > CARE_MAX_DEVICE_NAME))
        {
          g_set_error (&error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                       "The device name must be text of at most %d characters.", CARE_MAX_DEVICE_NAME);
          goto fail;
        }
      job->kind = JOB_ENROL;
      job->code = g_strdup (json_node_get_string (code));
      job->name = g_strdup (name ? json_node_get_string (name) : NULL);
      soup_server_message_pause (msg);
      g_async_queue_push (self->write_queue, g_steal_pointer (&job));
    }
  else
    {
      job->pull = care_pull_request_decode (root, &error);
      if (job->pull == NULL)
        goto fail;
      job->kind = JOB_PULL;
      soup_server_message_pause (msg);
      g_thread_pool_push (self->readers, g_steal_pointer (&job), NULL);
    }
  return;

rate_limited:
  {
    g_autofree char *secs = g_strdup_printf ("%u", wait);
    g_autofree char *text = g_strdup_printf ("Too many requests from this %s; try again in %u seconds.",
                                             is_enrol ? "address" : "device", wait);

    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", secs);
    respond_error (msg, request_id, job->device, 429, "rate-limited", text, -1, -1);
    return;
  }

fail:
  {
    const char *code;
    guint status = status_for_error (error, &code);

    respond_error (msg, request_id, job->device, status, code, error->message, limit_for_error (error), -1);
  }
}

/* ---- lifecycle ---- */

static void
care_server_finalize (GObject *object)
{
  CareServer *self = (CareServer *) object;

  care_server_stop (self);
  g_clear_pointer (&self->store, care_server_store_close);
  g_clear_pointer (&self->device_buckets, g_hash_table_unref);
  g_clear_pointer (&self->enrol_buckets, g_hash_table_unref);
  g_clear_pointer (&self->write_queue, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->stop_lock);
  g_cond_clear (&self->stop_cond);
  g_free (self->listen);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_free (self->public_url);
  G_OBJECT_CLASS (care_server_parent_class)->finalize (object);
}

static void
care_server_class_init (CareServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = care_server_finalize;
}

static void
care_server_init (CareServer *self)
{
  self->device_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->enrol_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->write_queue = g_async_queue_new ();
  g_mutex_init (&self->stop_lock);
  g_cond_init (&self->stop_cond);
}

CareServer *
care_server_new (CareServerStore         *store,
                 const CareServerOptions *options)
{
  CareServer *self = g_object_new (CARE_TYPE_SERVER, NULL);

  self->store = store;
  self->options = *options;
  self->listen = g_strdup (options->listen ? options->listen : "127.0.0.1:8443");
  self->cert_path = g_strdup (options->cert_path);
  self->key_path = g_strdup (options->key_path);
  self->public_url = g_strdup (options->public_url);
  self->options.listen = self->listen;
  self->options.cert_path = self->cert_path;
  self->options.key_path = self->key_path;
  self->options.public_url = self->public_url;
  if (self->options.rate <= 0)
    self->options.rate = 20;
  if (self->options.burst == 0)
    self->options.burst = 40;
  if (self->options.enrolments_per_minute == 0)
    self->options.enrolments_per_minute = 10;
#if CARE_FAULT_HOOKS
  {
    const char *fault = g_getenv ("CARELOG_FAULT");

    if (fault != NULL && g_str_has_prefix (fault, "drop-after-commit"))
      self->fault_drop_after_commit = fault[strlen ("drop-after-commit")] == ':'
                                      ? (guint) g_ascii_strtoull (fault + strlen ("drop-after-commit:"), NULL, 10)
                                      : 1;
  }
#endif
  return self;
}

static GInetSocketAddress *
parse_listen (const char *listen,
              GError    **error)
{
  const char *colon = strrchr (listen, ':');
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) addr = NULL;
  guint64 port;
  char *end;

  if (colon == NULL)
    goto bad;
  host = g_strndup (listen, colon - listen);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end != '\0' || colon[1] == '\0' || port > 65535)
    goto bad;
  addr = g_inet_address_new_from_string (host);
  if (addr == NULL)
    goto bad;
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (addr, (guint16) port));

bad:
  g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
               "“%s” is not an address to listen on; give ADDRESS:PORT, e.g. 0.0.0.0:8443 or 127.0.0.1:0.", listen);
  return NULL;
}

/* Checks that FILE (given with OPTION) holds what it should, so a swapped
 * --cert and --key, or a DER or empty file, gets a sentence naming the file
 * rather than the TLS library's bare message. */
static gboolean
check_pem_file (const char *path,
                const char *option,
                gboolean    want_key,
                GError    **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  gboolean has_cert, has_key;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Cannot read %s (given with %s): %s", path, option, local->message);
      return FALSE;
    }
  has_cert = strstr (text, "-----BEGIN CERTIFICATE-----") != NULL;
  has_key = strstr (text, "PRIVATE KEY-----") != NULL;
  if (want_key && !has_key)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "%s (given with --key) holds %s; --key takes the server's PEM private key "
                   "(“-----BEGIN PRIVATE KEY-----”).%s", path,
                   has_cert ? "a certificate, not a private key" : "no PEM private key",
                   has_cert ? " Were --cert and --key swapped?" : "");
      return FALSE;
    }
  if (!want_key && !has_cert)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "%s (given with --cert) holds %s; --cert takes the server's PEM certificate "
                   "followed by its chain (“-----BEGIN CERTIFICATE-----”).%s", path,
                   has_key ? "a private key, not a certificate" : "no PEM certificate",
                   has_key ? " Were --cert and --key swapped?" : "");
      return FALSE;
    }
  return TRUE;
}

static GTlsCertificate *
load_certificate (const char *cert_path,
                  const char *key_path,
                  GError    **error)
{
  GTlsCertificate *cert;

  if (!check_pem_file (cert_path, "--cert", FALSE, error)
      || !check_pem_file (key_path, "--key", TRUE, error))
    return NULL;
  cert = g_tls_certificate_new_from_files (cert_path, key_path, error);
  if (cert == NULL)
    g_prefix_error (error, "Cannot use the certificate in %s with the private key in %s (--cert takes the "
                    "PEM certificate and its chain, --key its own unencrypted PEM private key): ",
                    cert_path, key_path);
  return cert;
}

gboolean
care_server_start (CareServer *self,
                   char      **url,
                   char      **pin,
                   GError    **error)
{
  g_autoptr(GInetSocketAddress) address = parse_listen (self->listen, error);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *host = NULL;
  GUri *uri;

  if (address == NULL)
    return FALSE;
  if (self->options.insecure_http)
    {
      if (!g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address)))
        {
          g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                               "--insecure-http is allowed only on a loopback address (127.0.0.1 or ::1).");
          return FALSE;
        }
    }
  else
    {
      if (self->cert_path == NULL || self->key_path == NULL)
        {
          g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                               "Give the TLS certificate and key with --cert and --key.");
          return FALSE;
        }
      cert = load_certificate (self->cert_path, self->key_path, error);
      if (cert == NULL)
        return FALSE;
    }
  self->context = g_main_context_ref_thread_default ();
  self->soup = soup_server_new ("server-header", "carelog-server", "tls-certificate", cert, NULL);
  /* Early handlers are looked up per path like handlers: one for each. */
  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_early_handler (self->soup, "/v1", early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, "/v1", handle_v1_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_unknown_cb, self, NULL);
  /* Our own socket, for a listen backlog that takes a co-op's tablets all
   * reconnecting at once (GSocket's default is 10). */
  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error)
      || !g_socket_listen (socket, error)
      || !soup_server_listen_socket (self->soup, socket, cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;
  self->writer = g_thread_new ("carelog-writer", writer_thread, self);
  self->readers = g_thread_pool_new (reader_func, self, 2, FALSE, NULL);
  self->decoders = g_thread_pool_new (decoder_func, self, 2, FALSE, NULL);
  self->checkpointer = g_thread_new ("carelog-checkpoint", checkpoint_thread, self);

  uris = soup_server_get_uris (self->soup);
  uri = uris->data;
  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  if (self->public_url != NULL)
    *url = g_strdup (self->public_url);
  else
    *url = g_strdup_printf ("%s://%s%s%s:%d", cert ? "https" : "http",
                            strchr (host, ':') ? "[" : "", host, strchr (host, ':') ? "]" : "",
                            g_uri_get_port (uri));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  *pin = NULL;
  if (cert != NULL)
    {
      GTlsCertificate *top = cert;

      while (g_tls_certificate_get_issuer (top) != NULL)
        top = g_tls_certificate_get_issuer (top);
      *pin = care_sync_certificate_pin (top);
    }
  return TRUE;
}

void
care_server_stop (CareServer *self)
{
  if (self->soup != NULL)
    {
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  if (self->readers != NULL)
    {
      g_thread_pool_free (self->readers, FALSE, TRUE);
      self->readers = NULL;
    }
  if (self->decoders != NULL)
    {
      g_thread_pool_free (self->decoders, FALSE, TRUE);
      self->decoders = NULL;
    }
  if (self->checkpointer != NULL)
    {
      g_mutex_lock (&self->stop_lock);
      self->stopping = TRUE;
      g_cond_signal (&self->stop_cond);
      g_mutex_unlock (&self->stop_lock);
      g_thread_join (self->checkpointer);
      self->checkpointer = NULL;
    }
  if (self->writer != NULL)
    {
      Job *stop = g_new0 (Job, 1);

      stop->kind = JOB_STOP;
      g_async_queue_push (self->write_queue, stop);
      g_thread_join (self->writer);
      self->writer = NULL;
    }
  /* Answers still queued for the main context are dropped with it. */
}
