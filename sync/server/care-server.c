/* care-server.c: the co-op server's HTTP side.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP is libmicrohttpd's (docs/server-http.md says why not libsoup's
 * server): one event-loop thread owns every connection. When a request's
 * headers are in, that thread checks them, the limits and rates, and the
 * device's key (one indexed lookup), and refuses there and then what it
 * will not take, before a byte of the body is read. A body is read into
 * memory reserved from a fixed budget, then the connection is suspended
 * (no thread waits with it) and the work goes to threads: decoders
 * decompress and parse, pushes and enrolments go to the single writer
 * thread, which commits every push waiting at that moment in one
 * transaction (group commit, synchronous=FULL), pulls to a small pool of
 * readers. The thread that finished builds the answer, after the COMMIT
 * returned, and resumes the connection.
 *
 * A watchdog thread closes (shutdown(2)) connections past their deadline:
 * headers, body, idle keep-alive. Connections are counted per address
 * (per /64 for IPv6) and in all; over the limit a request is answered 503
 * with Retry-After, far over it the connection is not accepted.
 */
#define G_LOG_DOMAIN "carelog-server"

#include "care-config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <microhttpd.h>

#include "care-protocol.h"
#include "care-id.h"
#include "care-server.h"
#include "care-chain.h"
#include "care-sign.h"
#include "care-server-core.h"
#include "care-server-ledger.h"

#define MAX_GROUP 64
/* How long a pipelined push that arrived before the one ahead of it waits
 * for it before it is answered as a gap. */
#define GAP_WAIT_US (500 * 1000)
#define MAX_HEADERS_TOTAL (16 * 1024)
#define GZIP_THRESHOLD 256
/* libmicrohttpd's buffer per connection: request line, headers and the
 * read buffer for the body all come out of it. */
#define CONNECTION_MEMORY (32 * 1024)
/* Descriptors kept for the database, its log, threads' wake-ups and the
 * administration: connections never take the last ones. */
#define RESERVED_FDS 48
#define WATCHDOG_PERIOD_MS 250
/* The co-op log is signed at least this often while it grows. */
#define LOG_CHECKPOINT_PERIOD_US (60 * G_USEC_PER_SEC)
#define STORE_STALE_US (10 * G_USEC_PER_SEC)
/* Requests of one device between their headers and their answer: a tablet
 * syncs with one or two at a time (and one waiting for live updates). */
#define MAX_IN_FLIGHT_PER_DEVICE 4

typedef enum
{
  JOB_PUSH,
  JOB_PULL,
  JOB_ENROL,
  JOB_TOUCH,
  JOB_ERASED,
  JOB_LOG,      /* the co-op log: checkpoint and proofs (anonymous or a device) */
  JOB_COSIGN,   /* a witness's cosignature */
  JOB_STOP,
} JobKind;

typedef enum
{
  CONN_HEADERS,   /* opened, the first request's headers not complete */
  CONN_BODY,      /* reading a request's body */
  CONN_WORKING,   /* suspended while a thread works on the request */
  CONN_SENDING,   /* sending the answer */
  CONN_IDLE,      /* kept alive, waiting for the next request */
} ConnState;

typedef struct _RawBody RawBody;
static void raw_body_free (RawBody *body);
static GBytes *inflate_body (RawBody *body, GError **error);

/* One TCP connection (libmicrohttpd's socket context). */
typedef struct
{
  int fd;
  char *where;          /* the address limits count by: IPv4 address, IPv6 /64 */
  ConnState state;
  gint64 deadline;      /* monotonic µs, 0: none */
  gboolean over_limit;  /* answer its requests 503 */
} Conn;

/* One request on a connection (libmicrohttpd's request context). */
typedef struct
{
  CareServer *server;
  struct MHD_Connection *mhd;
  Conn *conn;
  char *request_id;
  char *method;
  char *path;
  GByteArray *body;
  gsize reserved;       /* bytes of the body budget held */
  char *counted_device; /* counted in the device's requests in flight */
  gboolean dispatched;
  /* The answer, built by whichever thread finished, queued by the event
   * thread. */
  struct MHD_Response *response;
  guint status;
  gboolean drop;        /* fault hook: close without answering */
  gboolean close_after; /* the answer closes the connection */
  gboolean has_body;    /* a body was announced */
  gboolean ordering;    /* a push counted in the server's pushes_coming (order_lock) */
  gint64 first_seq;     /* a push's Carelog-First-Seq; G_MAXINT64 when not said */
  int version;          /* the protocol version asked in (answers are in it); 1 until known */
  struct _Job *pending; /* prepared from the headers, sent off when the body is in */
} Request;

typedef struct _Job
{
  JobKind kind;
  CareServer *server;
  Request *request;     /* not owned: the connection waits, suspended */
  char *request_id;
  gboolean gzip_ok;
  char *device;
  char *key;
  CarePushJob *push;
  CarePullRequest *pull;
  char *code;
  char *name;
  char *storage;          /* Carelog-Storage, as the tablet said */
  RawBody *raw;
  char *sign_key;         /* POST /v1/enrol: the tablet's signing public key */
  gint64 log_from;        /* POST /v1/log: the size the asker saw last */
  char *log_hash;         /* POST /v1/log: the record to prove included */
  /* out */
  GString *body;
  GError *error;
  gint64 server_acked;
  CareEnrolResult *enrol;
  int version;            /* the protocol version of the request */
  gint64 first_seq_said;  /* a push's Carelog-First-Seq, 0 = not said */
  gint64 gap_deadline;    /* monotonic µs until which a push answered as a gap waits instead */
  gint64 wait_deadline;   /* a live pull: monotonic µs when it is answered, records or not */
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
  CareLedger *ledger;
  CareServerOptions options;
  char *data_dir;
  char *listen;
  char *cert_path;
  char *key_path;
  char *public_url;
  char *cert_pem;
  char *key_pem;
  struct MHD_Daemon *daemon;
  GThread *writer;
  GAsyncQueue *write_queue;
  GThreadPool *readers;
  GThreadPool *decoders;
  /* Answers to stored pushes are built (gzip), sent and freed here, not
   * on the writer, whose time bounds how fast a co-op takes records. */
  GThreadPool *finishers;
  /* The database's health as the checkpoint thread last saw it (it asks
   * every second): GET /v1/status answers 503 while it did not answer, or
   * when the last answer is older than STORE_STALE_US (a query hangs). */
  GMutex health_lock;
  char *health_error;           /* NULL: it answered */
  gint64 health_at;             /* monotonic µs of the last answer */
  GThread *checkpointer;
  GThread *watchdog;
  GMutex stop_lock;
  GCond stop_cond;
  gboolean stopping;
  /* Taken around handing work to the threads, so that stopping never
   * races a request being dispatched. */
  GMutex dispatch_lock;
  gboolean closed;
  /* Event thread only. */
  GHashTable *device_buckets;
  GHashTable *in_flight;    /* device → requests between headers and answer */
  /* order_lock: device → the first sequence numbers (GArray of gint64) of
   * its pushes between their headers and the writer. A tablet sends two
   * batches at once; the writer holds a device's batch while an earlier
   * one is still on its way, so that batches are stored in sequence order,
   * not in the order their bodies were decoded. */
  GMutex order_lock;
  GHashTable *pushes_coming;
  /* wait_lock: live sync. device → its pull (Job) waiting for records in
   * its scope: one a device, answered when a commit may have brought it
   * something, at its deadline, or when the device makes another request.
   * A waiting pull holds no thread: its connection is suspended. */
  GMutex wait_lock;
  GCond wait_cond;
  GHashTable *waiters;
  gboolean waiting_closed;
  GThread *wait_timer;
  GHashTable *address_buckets;
  GHashTable *enrol_buckets;
  gsize body_memory;    /* bytes reserved by bodies being read or worked on */
  /* conn_lock: the connections, for the event thread and the watchdog. */
  GMutex conn_lock;
  GHashTable *conns;        /* Conn* set */
  GHashTable *per_address;  /* where → count */
  guint n_conns;
  guint hard_limit;         /* beyond it, connections are not accepted */
  int fault_drop_after_commit;   /* atomic */
  int n_suspended;                /* atomic: connections suspended, not yet resumed */
  char *retention_days;          /* the co-op's setting, read at start (docs/privacy.md) */
  gboolean require_encryption;   /* the co-op's setting, read at start (docs/privacy.md) */
};

G_DEFINE_FINAL_TYPE (CareServer, care_server, G_TYPE_OBJECT)

static void
job_free (Job *job)
{
  g_free (job->request_id);
  g_free (job->device);
  if (job->key)
    memset (job->key, 0, strlen (job->key));
  g_free (job->key);
  g_clear_pointer (&job->push, care_push_job_free);
  g_clear_pointer (&job->pull, care_pull_request_free);
  g_free (job->code);
  g_free (job->name);
  g_free (job->storage);
  g_free (job->log_hash);
  g_free (job->sign_key);
  g_clear_pointer (&job->raw, raw_body_free);
  if (job->body)
    g_string_free (job->body, TRUE);
  g_clear_error (&job->error);
  g_clear_pointer (&job->enrol, care_enrol_result_free);
  g_clear_object (&job->server);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static const char *
request_header (Request    *req,
                const char *name)
{
  return MHD_lookup_connection_value (req->mhd, MHD_HEADER_KIND, name);
}

/* Any thread: the push of req is no longer coming (it reached the writer,
 * or it failed before). */
static void
push_arrived (CareServer *self,
              Request    *req,
              const char *device)
{
  g_mutex_lock (&self->order_lock);
  if (req->ordering)
    {
      GArray *seqs = g_hash_table_lookup (self->pushes_coming, device);

      req->ordering = FALSE;
      for (guint i = 0; seqs != NULL && i < seqs->len; i++)
        if (g_array_index (seqs, gint64, i) == req->first_seq)
          {
            g_array_remove_index_fast (seqs, i);
            break;
          }
      if (seqs != NULL && seqs->len == 0)
        g_hash_table_remove (self->pushes_coming, device);
    }
  g_mutex_unlock (&self->order_lock);
}

static void
push_coming (CareServer *self,
             Request    *req,
             const char *device)
{
  const char *said = request_header (req, CARE_FIRST_SEQ_HEADER);
  guint64 seq;
  GArray *seqs;

  req->first_seq = said != NULL && g_ascii_string_to_unsigned (said, 10, 1, G_MAXINT64, &seq, NULL)
                   ? (gint64) seq : G_MAXINT64;
  g_mutex_lock (&self->order_lock);
  seqs = g_hash_table_lookup (self->pushes_coming, device);
  if (seqs == NULL)
    {
      seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->pushes_coming, g_strdup (device), seqs);
    }
  g_array_append_val (seqs, req->first_seq);
  req->ordering = TRUE;
  g_mutex_unlock (&self->order_lock);
}

/* Whether a push of device that starts before first_seq is on its way. */
static gboolean
push_is_coming (CareServer *self,
                const char *device,
                gint64      first_seq)
{
  gboolean coming = FALSE;
  GArray *seqs;

  g_mutex_lock (&self->order_lock);
  seqs = g_hash_table_lookup (self->pushes_coming, device);
  for (guint i = 0; seqs != NULL && i < seqs->len && !coming; i++)
    coming = g_array_index (seqs, gint64, i) < first_seq;
  g_mutex_unlock (&self->order_lock);
  return coming;
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
request_free (Request *req)
{
  g_clear_pointer (&req->pending, job_free);
  g_free (req->request_id);
  g_free (req->counted_device);
  g_free (req->method);
  g_free (req->path);
  if (req->body != NULL)
    g_byte_array_unref (req->body);
  g_clear_pointer (&req->response, MHD_destroy_response);
  g_free (req);
}

/* ---- responses ---- */

static void
log_request (Request    *req,
             const char *device,
             guint       status,
             const char *detail)
{
  GLogLevelFlags level = status >= 500 ? G_LOG_LEVEL_WARNING
                         : status >= 400 ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_INFO;
  g_autofree char *status_text = g_strdup_printf ("%u", status);

  g_log_structured (G_LOG_DOMAIN, level,
                    "CARELOG_REQUEST_ID", req->request_id,
                    "CARELOG_DEVICE", device ? device : "-",
                    "CARELOG_PATH", req->path,
                    "CARELOG_STATUS", status_text,
                    "MESSAGE", "request %s %s %s device=%s status=%u%s%s",
                    req->request_id, req->method, req->path, device ? device : "-", status,
                    detail ? ": " : "", detail ? detail : "");
}

static void
add_header (Request    *req,
            const char *name,
            const char *value)
{
  /* libmicrohttpd removes a header only given its value too: with NULL
   * nothing was removed, and a header set twice went out twice. */
  const char *old = MHD_get_response_header (req->response, name);

  if (old != NULL)
    {
      g_autofree char *copy = g_strdup (old);

      MHD_del_response_header (req->response, name, copy);
    }
  MHD_add_response_header (req->response, name, value);
}

/* Builds the answer; any thread. */
static void
respond (Request  *req,
         guint     status,
         GString  *body,
         gboolean  gzip_ok)
{
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, now_ms ());
  gboolean gzip = gzip_ok && body->len > GZIP_THRESHOLD;

  g_clear_pointer (&req->response, MHD_destroy_response);
  if (gzip)
    {
      g_autoptr(GBytes) gz = care_gzip (body->str, body->len, body->len > 65536 ? 1 : 6);
      gsize len;
      gpointer data = g_bytes_unref_to_data (g_steal_pointer (&gz), &len);

      req->response = MHD_create_response_from_buffer_with_free_callback (len, data, g_free);
    }
  else
    {
      req->response = MHD_create_response_from_buffer_with_free_callback (body->len,
                                                                          g_memdup2 (body->str, body->len + 1),
                                                                          g_free);
    }
  req->status = status;
  MHD_add_response_header (req->response, "Content-Type", "application/json");
  MHD_add_response_header (req->response, "Server", "carelog-server");
  if (gzip)
    MHD_add_response_header (req->response, "Content-Encoding", "gzip");
  MHD_add_response_header (req->response, CARE_PROTOCOL_HEADER, req->version == 2 ? "2" : "1");
  MHD_add_response_header (req->response, CARE_TIME_HEADER, t);
  MHD_add_response_header (req->response, CARE_REQUEST_ID_HEADER, req->request_id);
}

static void
respond_error (Request    *req,
               const char *device,
               guint       status,
               const char *code,
               const char *message,
               gint64      limit,
               gint64      k)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT ",\"error\":", req->version, now_ms ());
  care_json_append_string (body, code);
  g_string_append (body, ",\"message\":");
  care_json_append_string (body, message);
  if (limit >= 0)
    g_string_append_printf (body, ",\"limit\":%" G_GINT64_FORMAT, limit);
  if (k >= 0)
    g_string_append_printf (body, ",\"k\":%" G_GINT64_FORMAT, k);
  g_string_append_c (body, '}');
  respond (req, status, body, FALSE);
  log_request (req, device, status, message);
}

/* An answer after which the connection is closed: what it would send next
 * is not read. */
static void
respond_and_close (Request    *req,
                   const char *device,
                   guint       status,
                   const char *code,
                   const char *message,
                   gint64      limit,
                   guint       retry_after)
{
  respond_error (req, device, status, code, message, limit, -1);
  if (retry_after > 0)
    {
      g_autofree char *secs = g_strdup_printf ("%u", retry_after);

      add_header (req, "Retry-After", secs);
    }
  add_header (req, "Connection", "close");
  req->close_after = TRUE;
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
    case CARE_SYNC_ERROR_REMOVED: return 401;
    case CARE_SYNC_ERROR_RETIRED: return 401;
    case CARE_SYNC_ERROR_ENROLMENT: return 403;
    case CARE_SYNC_ERROR_FORBIDDEN: return 403;
    case CARE_SYNC_ERROR_UNENCRYPTED: return 403;
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

/* ---- finishing jobs, on the thread that did the work ---- */

static gboolean
fault_drop (CareServer *self,
            Job        *job)
{
#if CARE_FAULT_HOOKS
  if (job->kind == JOB_PUSH && job->error == NULL
      && g_atomic_int_get (&self->fault_drop_after_commit) > 0)
    {
      g_atomic_int_dec_and_test (&self->fault_drop_after_commit);
      g_message ("fault hook: dropping the connection of request %s after its commit", job->request_id);
      return TRUE;
    }
#endif
  return FALSE;
}

static void
build_answer (Job *job)
{
  Request *req = job->request;

  if (job->error == NULL && job->kind == JOB_PUSH && job->push->error != NULL)
    job->error = g_steal_pointer (&job->push->error);
  if (job->error != NULL)
    {
      const char *code;
      guint status = status_for_error (job->error, &code);

      respond_error (req, job->device, status, code, job->error->message,
                     limit_for_error (job->error),
                     g_error_matches (job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER_BEHIND)
                     ? job->server_acked : -1);
      if (status == 503)
        add_header (req, "Retry-After", "5");
    }
  else
    {
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *detail = NULL;

      switch (job->kind)
        {
        case JOB_PUSH:
          g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT ",\"k\":%" G_GINT64_FORMAT,
                                  job->version, now_ms (), job->push->acked_seq);
          if (job->push->expected_seq > 0)
            g_string_append_printf (body, ",\"x\":%" G_GINT64_FORMAT, job->push->expected_seq);
          if (job->push->received > 0)
            g_string_append_printf (body, ",\"q\":%" G_GINT64_FORMAT, job->push->received);
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
          /* The store writes a page as protocol 1 does; a page of
           * protocol 2 differs only in its "v". */
          if (job->version == 2 && g_str_has_prefix (body->str, "{\"v\":1,"))
            body->str[5] = '2';
          detail = g_strdup_printf ("pull %" G_GSIZE_FORMAT " bytes", job->body->len);
          break;
        case JOB_ENROL:
          g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT ",\"device\":", job->version, now_ms ());
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
          /* The co-op log key, for the tablet to pin now. */
          g_string_append (body, ",\"lk\":");
          care_json_append_string (body, care_ledger_public_key (job->server->ledger));
          g_string_append_c (body, '}');
          detail = g_strdup_printf ("enrolled %s for %s", job->enrol->device, job->enrol->member);
          break;
        case JOB_ERASED:
          g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT "}", job->version, now_ms ());
          detail = g_strdup ("revoked tablet confirmed its erasure");
          break;
        case JOB_LOG:
          /* The ledger's answer is an object: the envelope's members go first. */
          g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT ",", job->version, now_ms ());
          g_string_append_len (body, job->body->str + 1, job->body->len - 1);
          detail = g_strdup ("co-op log");
          break;
        case JOB_COSIGN:
          g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT "}", job->version, now_ms ());
          detail = g_strdup ("witness cosigned");
          break;
        default:
          g_assert_not_reached ();
        }
      respond (req, 200, body, job->gzip_ok);
      /* The co-op's retention period for carers' tablets (docs/privacy.md). */
      if (job->kind == JOB_PULL && job->server->retention_days != NULL)
        add_header (req, CARE_RETENTION_HEADER, job->server->retention_days);
      log_request (req, job->device, 200, detail);
    }
}

/* Any thread: the answer is ready; the event thread sends it. */
static void
finish_job (Job *job)
{
  Request *req = job->request;

  if (job->kind == JOB_PUSH)
    push_arrived (job->server, req, job->device);
  if (fault_drop (job->server, job))
    req->drop = TRUE;
  else
    build_answer (job);
  g_atomic_int_add (&job->server->n_suspended, -1);
  MHD_resume_connection (req->mhd);
  job_free (job);
}

/* ---- worker threads ---- */

static void
finisher_func (gpointer data,
               gpointer user_data)
{
  CareServer *self = user_data;
  gboolean stored = ((Job *) data)->push->accepted > 0;

  finish_job (data);
  /* The tree each process keeps of the co-op log, once a log request read
   * it, follows the pushes, so that the tablet's log request that ends its
   * sync finds it grown. */
  if (stored && self->ledger != NULL && g_thread_pool_unprocessed (self->finishers) == 0)
    care_ledger_refresh (self->ledger, NULL);
}

static void wake_waiters (CareServer *self);

/* A device's batches in sequence order (other devices' in any order). */
static int
compare_pushes (gconstpointer a,
                gconstpointer b)
{
  const Job *x = *(Job * const *) a, *y = *(Job * const *) b;
  int c = strcmp (x->device, y->device);

  if (c != 0)
    return c;
  return x->push->request->first_seq < y->push->request->first_seq ? -1
         : x->push->request->first_seq > y->push->request->first_seq;
}

/* Writer: a device's first signing key (never replaced). */
static void
register_sign_key (CareServer *self,
                   const char *device,
                   const char *sign_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareDeviceRow) row = NULL;
  CareServerTx *tx = self->store->vtable->tx_begin (self->store, &error);

  if (tx == NULL)
    return;
  row = self->store->vtable->tx_device (tx, device);
  if (row == NULL || row->sign_key != NULL || !self->store->vtable->tx_set_sign_key (tx, device, sign_key))
    {
      self->store->vtable->tx_rollback (tx);
      return;
    }
  if (!self->store->vtable->tx_commit (tx, &error))
    g_warning ("Could not register a tablet's signing key at enrolment; it registers it at its first push: %s",
               error->message);
}

static gpointer
writer_thread (gpointer data)
{
  CareServer *self = data;
  gboolean stop = FALSE;
  g_autoptr(GPtrArray) held = g_ptr_array_new ();   /* Job: pushes waiting for an earlier one */
  g_autoptr(GPtrArray) gapped = g_ptr_array_new (); /* Job: pushes that found a gap, waiting a moment */

  while (!stop)
    {
      Job *group[MAX_GROUP];
      Job *push_jobs[MAX_GROUP];
      CarePushJob *pushes[MAX_GROUP];
      g_autoptr(GPtrArray) waiting = g_ptr_array_new ();
      guint n = 0, n_push = 0;
      Job *first;

      /* Held pushes are looked at again soon: the batch they wait for
       * may also have failed before reaching here. */
      first = held->len > 0 || gapped->len > 0 ? g_async_queue_timeout_pop (self->write_queue, 2000)
                                               : g_async_queue_pop (self->write_queue);
      if (first != NULL)
        group[n++] = first;
      while (n < MAX_GROUP)
        {
          Job *more = g_async_queue_try_pop (self->write_queue);

          if (more == NULL)
            break;
          group[n++] = more;
        }
      for (guint i = 0; i < held->len; i++)
        g_ptr_array_add (waiting, g_ptr_array_index (held, i));
      g_ptr_array_set_size (held, 0);
      /* A gapped push is tried again when another push of its device came,
       * or when its wait is over (then it is answered as a gap). */
      for (guint i = 0; i < gapped->len;)
        {
          Job *job = g_ptr_array_index (gapped, i);
          gboolean again = g_get_monotonic_time () >= job->gap_deadline || stop;

          for (guint j = 0; j < n && !again; j++)
            again = group[j]->kind == JOB_PUSH && g_str_equal (group[j]->device, job->device);
          if (again)
            {
              g_ptr_array_add (waiting, job);
              g_ptr_array_remove_index (gapped, i);
            }
          else
            i++;
        }
      for (guint i = 0, others = 0; i < n; i++)
        {
          if (group[i]->kind == JOB_PUSH)
            g_ptr_array_add (waiting, group[i]);
          else
            group[others++] = group[i];
          if (i == n - 1)
            n = others;
        }
      for (guint i = 0; i < waiting->len; i++)
        {
          Job *job = g_ptr_array_index (waiting, i);

          if (n_push < MAX_GROUP && !push_is_coming (self, job->device, job->push->request->first_seq))
            push_jobs[n_push++] = job;
          else
            g_ptr_array_add (held, job);
        }
      qsort (push_jobs, n_push, sizeof *push_jobs, compare_pushes);
      for (guint i = 0; i < n_push; i++)
        pushes[i] = push_jobs[i]->push;
      if (n_push > 0 && care_server_core_push (self->store, pushes, n_push))
        {
          gboolean stored = FALSE;

          for (guint i = 0; i < n_push && !stored; i++)
            stored = pushes[i]->accepted > 0;
          if (stored)
            wake_waiters (self);
        }
      for (guint i = 0; i < n_push; i++)
        {
          Job *job = push_jobs[i];

          /* A batch of a tablet that sends two at once can still reach
           * the writer before the one ahead of it has even started to
           * arrive (two connections). A gap stores nothing: such a batch
           * waits a moment for its predecessor instead of being answered. */
          if (job->push->expected_seq > 0 && job->push->error == NULL && job->first_seq_said > 0
              && (job->gap_deadline == 0 || g_get_monotonic_time () < job->gap_deadline))
            {
              if (job->gap_deadline == 0)
                job->gap_deadline = g_get_monotonic_time () + GAP_WAIT_US;
              job->push->expected_seq = 0;
              job->push->accepted = job->push->duplicates = job->push->rejected = 0;
              g_string_truncate (job->push->results, 0);
              g_ptr_array_add (gapped, job);
              continue;
            }
          if (job->storage != NULL)
            self->store->vtable->set_device_storage (self->store, job->device, job->storage);
          g_thread_pool_push (self->finishers, job, NULL);
        }
      for (guint i = 0; i < n; i++)
        {
          Job *job = group[i];

          switch (job->kind)
            {
            case JOB_ENROL:
              job->enrol = self->store->vtable->enrol (self->store, job->code, job->name, job->device,
                                                       &job->error);
              /* Its signing key, registered with the enrolment (a tablet
               * taken back under its device id keeps the key it had). */
              if (job->enrol != NULL && job->sign_key != NULL)
                register_sign_key (self, job->enrol->device, job->sign_key);
              if (job->enrol != NULL && job->storage != NULL)
                self->store->vtable->set_device_storage (self->store, job->enrol->device, job->storage);
              finish_job (job);
              break;
            case JOB_ERASED:
              self->store->vtable->confirm_erased (self->store, job->device, job->key, &job->error);
              finish_job (job);
              break;
            case JOB_TOUCH:
              self->store->vtable->touch (self->store, job->device, job->server_acked);
              if (job->storage != NULL)
                self->store->vtable->set_device_storage (self->store, job->device, job->storage);
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
  /* Stopping: pushes still held are answered as not stored. */
  g_ptr_array_extend_and_steal (held, g_steal_pointer (&gapped));
  for (guint i = 0; i < held->len; i++)
    {
      Job *job = g_ptr_array_index (held, i);

      g_set_error_literal (&job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER,
                           "The co-op server is stopping; the records were not stored. Try again in a minute.");
      finish_job (job);
    }
  return NULL;
}

/* Decompresses and parses a request's body, then hands it on; any
 * failure is answered from here. */
static void
decoder_func (gpointer data,
              gpointer user_data)
{
  Job *job = data;
  CareServer *self = user_data;
  g_autoptr(GBytes) text = inflate_body (job->raw, &job->error);
  g_autoptr(JsonNode) root = NULL;

  g_clear_pointer (&job->raw, raw_body_free);
  /* A protocol-2 push is read straight into records; anything else as a
   * tree first. */
  if (text != NULL && !(job->kind == JOB_PUSH && job->version == 2))
    root = care_protocol_parse_object (g_bytes_get_data (text, NULL) ?: "", g_bytes_get_size (text), &job->error);
  if (text == NULL || (root == NULL && job->error != NULL))
    {
      finish_job (job);
      return;
    }
  switch (job->kind)
    {
    case JOB_PUSH:
      {
        CarePushRequest *request = root == NULL ? care_push_request_decode_v2 (g_bytes_get_data (text, NULL) ?: "",
                                                                               g_bytes_get_size (text), job->device,
                                                                               &job->error)
                                                : care_push_request_decode (root, job->device, &job->error);

        if (request == NULL)
          break;
        care_server_core_prehash (request);
        job->push = g_new0 (CarePushJob, 1);
        job->push->device = g_strdup (job->device);
        job->push->key = g_strdup (job->key);
        job->push->request = request;
        job->push->results = g_string_sized_new (request->entries->len * 2 + 16);
        push_arrived (self, job->request, job->device);
        g_async_queue_push (self->write_queue, job);
        return;
      }
    case JOB_PULL:
      job->pull = care_pull_request_decode (root, &job->error);
      if (job->pull == NULL)
        break;
      g_thread_pool_push (self->readers, job, NULL);
      return;
    case JOB_LOG:
      {
        JsonObject *o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
        JsonNode *from = o ? json_object_get_member (o, "from") : NULL;
        JsonNode *hash = o ? json_object_get_member (o, "hash") : NULL;

        if (o == NULL || (from != NULL && (json_node_get_value_type (from) != G_TYPE_INT64
                                           || json_node_get_int (from) < 0))
            || (hash != NULL && (json_node_get_value_type (hash) != G_TYPE_STRING
                                 || !care_hash_is_valid (json_node_get_string (hash)))))
          {
            g_set_error_literal (&job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                                 "Ask the co-op log with a JSON object: \"from\", the size of the last "
                                 "checkpoint you kept (a whole number), and \"hash\", a record's hash (43 "
                                 "characters), both optional.");
            break;
          }
        job->log_from = from ? json_node_get_int (from) : 0;
        job->log_hash = hash ? g_strdup (json_node_get_string (hash)) : NULL;
        g_thread_pool_push (self->readers, job, NULL);
        return;
      }
    case JOB_COSIGN:
      care_ledger_cosign (self->ledger, root, &job->error);
      break;
    case JOB_ERASED:
      /* A revoked tablet's last word (docs/privacy.md): the body says nothing. */
      g_async_queue_push (self->write_queue, job);
      return;
    case JOB_ENROL:
      {
        JsonObject *o = json_node_get_object (root);
        JsonNode *code = json_object_get_member (o, "code");
        JsonNode *name = json_object_get_member (o, "name");
        JsonNode *device = json_object_get_member (o, "device");
        JsonNode *gk = json_object_get_member (o, "gk");

        if (code == NULL || json_node_get_value_type (code) != G_TYPE_STRING
            || strlen (json_node_get_string (code)) == 0 || strlen (json_node_get_string (code)) > 64)
          {
            g_set_error_literal (&job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                                 "The enrolment needs \"code\", the enrolment code, as text.");
            break;
          }
        if (name != NULL && (json_node_get_value_type (name) != G_TYPE_STRING
                             || g_utf8_strlen (json_node_get_string (name), -1) > CARE_MAX_DEVICE_NAME))
          {
            g_set_error (&job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                         "The device name must be text of at most %d characters.", CARE_MAX_DEVICE_NAME);
            break;
          }
        if (device != NULL && (json_node_get_value_type (device) != G_TYPE_STRING
                               || !care_server_device_id_is_valid (json_node_get_string (device))))
          {
            g_set_error_literal (&job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                                 "The enrolment's \"device\" must be a device id this co-op gave the tablet (\"d-\" and 12 characters).");
            break;
          }
        if (gk != NULL && (json_node_get_value_type (gk) != G_TYPE_STRING
                           || !care_sign_key_is_valid (json_node_get_string (gk))))
          {
            g_set_error_literal (&job->error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                                 "The enrolment's \"gk\" must be the tablet's Ed25519 public key (43 characters).");
            break;
          }
        job->sign_key = gk ? g_strdup (json_node_get_string (gk)) : NULL;
        job->code = g_strdup (json_node_get_string (code));
        job->name = g_strdup (name ? json_node_get_string (name) : NULL);
        g_free (job->device);
        job->device = g_strdup (device ? json_node_get_string (device) : NULL);
        g_async_queue_push (self->write_queue, job);
        return;
      }
    default:
      g_assert_not_reached ();
    }
  finish_job (job);
}

static gpointer
checkpoint_thread (gpointer data)
{
  CareServer *self = data;
  gint64 next_log_checkpoint = g_get_monotonic_time () + LOG_CHECKPOINT_PERIOD_US;

  g_mutex_lock (&self->stop_lock);
  while (!self->stopping)
    {
      gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

      g_mutex_unlock (&self->stop_lock);
      {
        g_autoptr(GError) error = NULL;
        gboolean ok = self->store->vtable->ping (self->store, &error);

        g_mutex_lock (&self->health_lock);
        if (ok != (self->health_error == NULL))
          {
            if (ok)
              g_message ("The co-op database answers again");
            else
              g_warning ("%s", error->message);
          }
        g_clear_pointer (&self->health_error, g_free);
        if (ok)
          self->health_at = g_get_monotonic_time ();
        else
          self->health_error = g_strdup (error->message);
        g_mutex_unlock (&self->health_lock);
      }
      self->store->vtable->checkpoint (self->store);
      /* The co-op log's checkpoints at a steady pace, whoever asks (a new
       * one only when the log grew). */
      if (g_get_monotonic_time () >= next_log_checkpoint && self->ledger != NULL)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(CareCheckpoint) cp = care_ledger_checkpoint (self->ledger, &error);

          if (cp == NULL)
            g_warning ("Could not sign a checkpoint of the co-op log: %s", error->message);
          next_log_checkpoint = g_get_monotonic_time () + LOG_CHECKPOINT_PERIOD_US;
        }
      g_mutex_lock (&self->stop_lock);
      while (!self->stopping && g_cond_wait_until (&self->stop_cond, &self->stop_lock, until))
        ;
    }
  g_mutex_unlock (&self->stop_lock);
  return NULL;
}

/* Live sync: whether a pull's page has no records (the store writes the
 * page as protocol 1's text; an empty one has "r":[]). */
static gboolean
page_is_empty (GString *body)
{
  return strstr (body->str, ",\"r\":[],") != NULL;
}

/* Any thread: job (a pull with an empty page and a wait) waits for records.
 * A device has one waiting pull; an older one is answered now. Returns
 * FALSE when it cannot wait (the server is stopping): answer it. */
static gboolean
wait_for_records (CareServer *self,
                  Job        *job)
{
  Job *older = NULL;

  g_mutex_lock (&self->wait_lock);
  if (self->waiting_closed)
    {
      g_mutex_unlock (&self->wait_lock);
      return FALSE;
    }
  if (job->wait_deadline == 0)
    job->wait_deadline = g_get_monotonic_time () + (gint64) job->pull->wait * G_USEC_PER_SEC;
  older = g_hash_table_lookup (self->waiters, job->device);
  if (older != NULL && older->wait_deadline > job->wait_deadline)
    {
      /* A newer pull of the device waits already: this one is answered. */
      g_mutex_unlock (&self->wait_lock);
      return FALSE;
    }
  g_hash_table_steal (self->waiters, job->device);
  g_hash_table_insert (self->waiters, job->device, job);
  g_cond_signal (&self->wait_cond);
  g_mutex_unlock (&self->wait_lock);
  if (older != NULL)
    finish_job (older);
  return TRUE;
}

/* Writer: records were committed. Every waiting pull looks again (an
 * indexed query each; the scope decides whether anything is for it). */
static void
wake_waiters (CareServer *self)
{
  g_autoptr(GPtrArray) woken = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer job;

  g_mutex_lock (&self->wait_lock);
  g_hash_table_iter_init (&iter, self->waiters);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    {
      g_ptr_array_add (woken, job);
      g_hash_table_iter_steal (&iter);
    }
  g_mutex_unlock (&self->wait_lock);
  for (guint i = 0; i < woken->len; i++)
    g_thread_pool_push (self->readers, g_ptr_array_index (woken, i), NULL);
}

/* The store's thread: another server process committed records. */
static void
records_elsewhere (gpointer data)
{
  wake_waiters (data);
}

/* Event thread: the device made another request; its waiting pull is
 * answered with what it has (an empty page), so it does not hold one of
 * the device's requests under way. */
static void
end_wait_of (CareServer *self,
             const char *device)
{
  Job *job;

  g_mutex_lock (&self->wait_lock);
  job = g_hash_table_lookup (self->waiters, device);
  if (job != NULL)
    g_hash_table_steal (self->waiters, device);
  g_mutex_unlock (&self->wait_lock);
  if (job != NULL)
    finish_job (job);
}

/* Answers waiting pulls at their deadline (with a page read again, so a
 * record written by an administration command arrives then at the latest). */
static gpointer
wait_timer_thread (gpointer data)
{
  CareServer *self = data;

  g_mutex_lock (&self->wait_lock);
  while (!self->waiting_closed)
    {
      gint64 now = g_get_monotonic_time (), next = now + 60 * G_USEC_PER_SEC;
      g_autoptr(GPtrArray) due = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->waiters);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Job *job = value;

          if (job->wait_deadline <= now)
            {
              g_ptr_array_add (due, job);
              g_hash_table_iter_steal (&iter);
            }
          else
            next = MIN (next, job->wait_deadline);
        }
      if (due->len > 0)
        {
          g_mutex_unlock (&self->wait_lock);
          for (guint i = 0; i < due->len; i++)
            g_thread_pool_push (self->readers, g_ptr_array_index (due, i), NULL);
          g_mutex_lock (&self->wait_lock);
          continue;
        }
      g_cond_wait_until (&self->wait_cond, &self->wait_lock, next);
    }
  g_mutex_unlock (&self->wait_lock);
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

  if (job->kind == JOB_LOG)
    {
      job->body = care_ledger_answer (self->ledger, job->log_from, job->log_hash, &job->error);
      finish_job (job);
      return;
    }
  if (job->body != NULL)
    g_string_truncate (job->body, 0);
  else
    job->body = g_string_sized_new (4096);
  if (self->store->vtable->pull (self->store, job->device, job->key, job->pull, job->body,
                                 &job->server_acked, &sent_pos, &job->error))
    {
      /* Live sync: nothing for the device yet; it waits (protocol 2). */
      if (job->version == 2 && job->pull->wait > 0 && page_is_empty (job->body)
          && (job->wait_deadline == 0 || g_get_monotonic_time () < job->wait_deadline)
          && wait_for_records (self, job))
        return;
      /* The device has been sent everything up to the end of this page:
       * device list counts as pending only what comes after it. */
      touch = g_new0 (Job, 1);
      touch->kind = JOB_TOUCH;
      touch->device = g_strdup (job->device);
      touch->server_acked = sent_pos;
      touch->storage = g_strdup (job->storage);
      g_async_queue_push (self->write_queue, touch);
    }
  finish_job (job);
}

/* ---- rate limits (event thread) ---- */

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

/* ---- connections ---- */

/* What limits count by: an IPv4 address, or the /64 an IPv6 address is in
 * (one subscriber's network, where every address is the same client). */
char *
care_server_address_key (const struct sockaddr *sa)
{
  char text[INET6_ADDRSTRLEN];

  if (sa == NULL)
    return g_strdup ("?");
  if (sa->sa_family == AF_INET)
    {
      inet_ntop (AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, text, sizeof text);
      return g_strdup (text);
    }
  if (sa->sa_family == AF_INET6)
    {
      struct in6_addr a = ((const struct sockaddr_in6 *) sa)->sin6_addr;

      if (IN6_IS_ADDR_V4MAPPED (&a))
        {
          inet_ntop (AF_INET, &a.s6_addr[12], text, sizeof text);
          return g_strdup (text);
        }
      memset (&a.s6_addr[8], 0, 8);
      inet_ntop (AF_INET6, &a, text, sizeof text);
      return g_strconcat (text, "/64", NULL);
    }
  return g_strdup ("?");
}

static void
conn_set_state (CareServer *self,
                Conn       *conn,
                ConnState   state,
                guint       timeout_s)
{
  if (conn == NULL)
    return;
  g_mutex_lock (&self->conn_lock);
  conn->state = state;
  conn->deadline = timeout_s > 0 ? g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC : 0;
  g_mutex_unlock (&self->conn_lock);
}

/* Before a connection is accepted: far over its address's limit, it is
 * closed at once (up to the limit it is answered 503, see conn_started). */
static enum MHD_Result
accept_cb (void                  *cls,
           const struct sockaddr *addr,
           socklen_t              addrlen)
{
  CareServer *self = cls;
  g_autofree char *where = care_server_address_key (addr);
  guint n;

  g_mutex_lock (&self->conn_lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, where));
  g_mutex_unlock (&self->conn_lock);
  return n >= 2 * self->options.max_connections_per_address ? MHD_NO : MHD_YES;
}

static void
conn_started (CareServer            *self,
              struct MHD_Connection *mhd,
              void                 **socket_context)
{
  const union MHD_ConnectionInfo *fd = MHD_get_connection_info (mhd, MHD_CONNECTION_INFO_CONNECTION_FD);
  const union MHD_ConnectionInfo *addr = MHD_get_connection_info (mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  Conn *conn = g_new0 (Conn, 1);
  guint n;

  conn->fd = fd != NULL ? fd->connect_fd : -1;
  conn->where = care_server_address_key (addr != NULL ? addr->client_addr : NULL);
  conn->state = CONN_HEADERS;
  conn->deadline = g_get_monotonic_time () + self->options.header_timeout * G_USEC_PER_SEC;
  g_mutex_lock (&self->conn_lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->where)) + 1;
  g_hash_table_replace (self->per_address, g_strdup (conn->where), GUINT_TO_POINTER (n));
  self->n_conns++;
  conn->over_limit = n > self->options.max_connections_per_address
                     || self->n_conns > self->options.max_connections;
  g_hash_table_add (self->conns, conn);
  g_mutex_unlock (&self->conn_lock);
  *socket_context = conn;
}

/* libmicrohttpd calls this before it closes the descriptor: once the
 * connection is out of the table, the watchdog cannot touch the number. */
static void
conn_closed (CareServer *self,
             Conn       *conn)
{
  guint n;

  g_mutex_lock (&self->conn_lock);
  g_hash_table_remove (self->conns, conn);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->where));
  if (n <= 1)
    g_hash_table_remove (self->per_address, conn->where);
  else
    g_hash_table_replace (self->per_address, g_strdup (conn->where), GUINT_TO_POINTER (n - 1));
  self->n_conns--;
  g_mutex_unlock (&self->conn_lock);
  g_free (conn->where);
  g_free (conn);
}

static void
notify_connection_cb (void                                  *cls,
                      struct MHD_Connection                 *mhd,
                      void                                 **socket_context,
                      enum MHD_ConnectionNotificationCode    code)
{
  CareServer *self = cls;

  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    conn_started (self, mhd, socket_context);
  else if (*socket_context != NULL)
    {
      conn_closed (self, *socket_context);
      *socket_context = NULL;
    }
}

/* Closes the connections past their deadline. shutdown(2), not close(2):
 * the descriptor stays libmicrohttpd's, which sees the end of the stream
 * and closes it itself. */
static gpointer
watchdog_thread (gpointer data)
{
  CareServer *self = data;

  g_mutex_lock (&self->stop_lock);
  while (!self->stopping)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 until = now + WATCHDOG_PERIOD_MS * 1000;
      GHashTableIter iter;
      Conn *conn;
      guint closed = 0;

      g_mutex_unlock (&self->stop_lock);
      g_mutex_lock (&self->conn_lock);
      g_hash_table_iter_init (&iter, self->conns);
      while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL))
        if (conn->deadline != 0 && now > conn->deadline && conn->fd >= 0)
          {
            shutdown (conn->fd, SHUT_RDWR);
            conn->deadline = 0;
            closed++;
          }
      g_mutex_unlock (&self->conn_lock);
      if (closed > 0)
        g_info ("closed %u connection(s) that went past a time limit (headers %us, body %us, idle %us)",
                closed, self->options.header_timeout, self->options.body_timeout, self->options.idle_timeout);
      g_mutex_lock (&self->stop_lock);
      while (!self->stopping && g_cond_wait_until (&self->stop_cond, &self->stop_lock, until))
        ;
    }
  g_mutex_unlock (&self->stop_lock);
  return NULL;
}

/* ---- request handling (event thread) ---- */

static gboolean
parse_authorization (Request *req,
                     char   **device,
                     char   **key)
{
  const char *auth = request_header (req, "Authorization");
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

static enum MHD_Result
check_header_cb (void              *cls,
                 enum MHD_ValueKind kind,
                 const char        *name,
                 const char        *value)
{
  HeaderCheck *check = cls;
  gsize len = value ? strlen (value) : 0;

  check->total += strlen (name) + len + 4;
  if (len > CARE_MAX_HEADER_VALUE)
    check->too_long = TRUE;
  return MHD_YES;
}

static gboolean
accepts_gzip (Request *req)
{
  const char *ae = request_header (req, "Accept-Encoding");
  g_auto(GStrv) tokens = NULL;

  if (ae == NULL)
    return FALSE;
  tokens = g_strsplit (ae, ",", 16);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      char *semi = strchr (tokens[i], ';');

      if (semi != NULL)
        *semi = '\0';
      if (g_ascii_strcasecmp (g_strstrip (tokens[i]), "gzip") == 0)
        return TRUE;
    }
  return FALSE;
}

/* A refusal of a request without a valid key: counted against its
 * address; past the address's allowance it becomes a 429. Either way the
 * connection is closed. */
static void
refuse_anonymous (CareServer *self,
                  Request    *req,
                  const char *claimed,
                  guint       status,
                  const char *code,
                  const char *message)
{
  guint wait = take_token (self->address_buckets, req->conn->where, self->options.anonymous_rate,
                           self->options.anonymous_burst);

  if (wait > 0)
    {
      g_autofree char *text = g_strdup_printf ("Too many refused requests from this address; try again in %u seconds.",
                                               wait);

      respond_and_close (req, claimed, 429, "rate-limited", text, -1, wait);
      return;
    }
  respond_and_close (req, claimed, status, code, message, -1, 0);
}

/* An answer to a request that needs no key, if its address may have one. */
static gboolean
anonymous_allowed (CareServer *self,
                   Request    *req)
{
  guint wait = take_token (self->address_buckets, req->conn->where, self->options.anonymous_rate,
                           self->options.anonymous_burst);
  g_autofree char *text = NULL;

  if (wait == 0)
    return TRUE;
  text = g_strdup_printf ("Too many requests from this address; try again in %u seconds.", wait);
  respond_and_close (req, NULL, 429, "rate-limited", text, -1, wait);
  return FALSE;
}

/* When the headers are in, before any of the body is read: every check
 * that does not need the body. Either sets an answer (and the connection
 * is closed after it when a body was announced) or prepares req->job. */
/* What the tablet says about its data folder, one of the known words. */
static char *
storage_said (Request *req)
{
  static const char *const known[] = { "dm-crypt", "fscrypt", "plain", "unknown" };
  const char *value = request_header (req, CARE_STORAGE_HEADER);

  for (guint i = 0; value != NULL && i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (value, known[i]))
      return g_strdup (value);
  return value != NULL ? g_strdup ("unknown") : NULL;
}

static void
begin_request (CareServer *self,
               Request    *req,
               Job       **job_out)
{
  const char *path = req->path;
  const char *version = request_header (req, CARE_PROTOCOL_HEADER);
  const char *te = request_header (req, "Transfer-Encoding");
  const char *cl = request_header (req, "Content-Length");
  gboolean is_push = g_str_equal (path, "/v1/push");
  gboolean is_pull = g_str_equal (path, "/v1/pull");
  gboolean is_enrol = g_str_equal (path, "/v1/enrol");
  gboolean is_erased = g_str_equal (path, "/v1/erased");
  gboolean is_log = g_str_equal (path, "/v1/log");
  gboolean is_cosign = g_str_equal (path, "/v1/log/cosign");
  HeaderCheck check = { 0 };
  guint64 length = 0;
  g_autoptr(Job) job = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CareServerAuth) auth = { 0 };
  guint wait;

  /* Answers are in the version asked (1 when none or an unknown one was). */
  req->version = g_strcmp0 (version, "2") == 0 ? 2 : 1;
  if (req->conn->over_limit)
    {
      respond_and_close (req, NULL, 503, "unavailable",
                         "The co-op server has too many connections open, from this address or in all; "
                         "try again in a minute.", -1, 10);
      return;
    }
  MHD_get_connection_values (req->mhd, MHD_HEADER_KIND, check_header_cb, &check);
  if (check.too_long || check.total > MAX_HEADERS_TOTAL)
    {
      g_autofree char *text = g_strdup_printf ("A request header is longer than %d bytes, or all of them "
                                               "together longer than %d bytes.",
                                               CARE_MAX_HEADER_VALUE, MAX_HEADERS_TOTAL);

      respond_and_close (req, NULL, 400, "bad-request", text, CARE_MAX_HEADER_VALUE, 0);
      return;
    }
  if (te != NULL && g_ascii_strcasecmp (te, "identity") != 0)
    {
      respond_and_close (req, NULL, 411, "length-required",
                         "Send the request body with a Content-Length, not in chunks.", -1, 0);
      return;
    }
  if (cl != NULL)
    length = g_ascii_strtoull (cl, NULL, 10);
  req->has_body = length > 0;
  if (length > CARE_MAX_BODY)
    {
      g_autofree char *text = g_strdup_printf ("The request body is %" G_GUINT64_FORMAT " bytes; this server accepts "
                                               "at most %d. Send fewer records per batch.", length, CARE_MAX_BODY);

      respond_and_close (req, NULL, 413, "too-large", text, CARE_MAX_BODY, 0);
      return;
    }
  if (g_str_equal (path, "/v1/status"))
    {
      g_autoptr(GString) body = g_string_new (NULL);

      g_autofree char *unhealthy = NULL;

      if (!anonymous_allowed (self, req))
        return;
      g_mutex_lock (&self->health_lock);
      /* Anyone may ask: what the database said (its address, its user)
       * stays in the server's log, where the checkpoint thread wrote it. */
      if (self->health_error != NULL)
        unhealthy = g_strdup ("This server process cannot reach the co-op database just now (its log says why). "
                              "Records cannot be stored or sent by this process until it answers again.");
      else if (g_get_monotonic_time () - self->health_at > STORE_STALE_US)
        unhealthy = g_strdup ("The co-op database has not answered for more than 10 seconds. Records cannot be "
                              "stored or sent by this server process until it answers again.");
      g_mutex_unlock (&self->health_lock);
      if (unhealthy != NULL)
        {
          respond_error (req, NULL, 503, "store", unhealthy, -1, -1);
          add_header (req, "Retry-After", "5");
          return;
        }
      g_string_append_printf (body, "{\"v\":%d,\"t\":%" G_GINT64_FORMAT ",\"versions\":[1,2],\"store\":\"ok\"}",
                              req->version, now_ms ());
      respond (req, 200, body, FALSE);
      return;
    }
  if (!is_push && !is_pull && !is_enrol && !is_erased && !is_log && !is_cosign)
    {
      if (anonymous_allowed (self, req))
        respond_error (req, NULL, 404, "not-found",
                       "There is no such address on a Carelog server; check the server URL.", -1, -1);
      return;
    }
  if (!g_str_equal (req->method, "POST"))
    {
      if (!anonymous_allowed (self, req))
        return;
      respond_error (req, NULL, 405, "method", "Use POST for this address.", -1, -1);
      add_header (req, "Allow", "POST");
      return;
    }
  if (g_strcmp0 (version, "1") != 0 && g_strcmp0 (version, "2") != 0)
    {
      if (anonymous_allowed (self, req))
        respond_error (req, NULL, 400, "version",
                       "This server speaks Carelog sync protocols 1 and 2 only: update Carelog on this device.",
                       -1, -1);
      return;
    }

  job = g_new0 (Job, 1);
  job->server = g_object_ref (self);
  job->version = req->version;
  job->request = req;
  job->request_id = g_strdup (req->request_id);
  job->gzip_ok = accepts_gzip (req);
  job->storage = storage_said (req);

  if (is_cosign || (is_log && request_header (req, "Authorization") == NULL))
    {
      /* The co-op log is public (hashes only): anyone may read and check
       * it, as often as the anonymous rate allows; a witness cosigns. */
      job->kind = is_log ? JOB_LOG : JOB_COSIGN;
      if (!anonymous_allowed (self, req))
        return;
    }
  else if (is_enrol)
    {
      job->kind = JOB_ENROL;
      wait = take_token (self->enrol_buckets, req->conn->where, self->options.enrolments_per_minute / 60.0,
                         self->options.enrolments_per_minute);
      if (wait > 0)
        {
          g_autofree char *text = g_strdup_printf ("Too many enrolments from this address; try again in %u seconds.",
                                                   wait);

          respond_and_close (req, NULL, 429, "rate-limited", text, -1, wait);
          return;
        }
    }
  else
    {
      job->kind = is_push ? JOB_PUSH : is_pull ? JOB_PULL : is_log ? JOB_LOG : JOB_ERASED;
      if (!parse_authorization (req, &job->device, &job->key))
        {
          refuse_anonymous (self, req, NULL, 401, "unauthorized",
                            "This request has no valid device credentials: enrol this tablet with the co-op.");
          return;
        }
      /* The key first: nothing of a body is read, let alone decompressed
       * or parsed, for a device that is not who it says. */
      if (!care_server_core_authenticate (self->store, job->device, job->key, &auth, &error)
          && !(is_erased && g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REMOVED)))
        {
          /* A revoked tablet is told what to do: erase at once ("removed"). */
          if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED)
              || g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REMOVED))
            refuse_anonymous (self, req, job->device, 401, care_sync_error_to_code (error->code), error->message);
          else
            respond_and_close (req, job->device, 503, "unavailable",
                               "The co-op server cannot read its database just now; try again in a minute.", -1, 5);
          return;
        }
      g_clear_error (&error);
      wait = take_token (self->device_buckets, job->device, self->options.rate, self->options.burst);
      if (wait > 0)
        {
          g_autofree char *text = g_strdup_printf ("Too many requests from this device; try again in %u seconds.",
                                                   wait);

          respond_and_close (req, job->device, 429, "rate-limited", text, -1, wait);
          return;
        }
      /* However many connections it opens, a device's requests being
       * received, worked on or waiting are few. */
      if (GPOINTER_TO_UINT (g_hash_table_lookup (self->in_flight, job->device)) >= MAX_IN_FLIGHT_PER_DEVICE)
        {
          g_autofree char *text = g_strdup_printf ("This device has %d requests under way already; try again "
                                                   "when they are answered.", MAX_IN_FLIGHT_PER_DEVICE);

          respond_and_close (req, job->device, 429, "rate-limited", text, -1, 1);
          return;
        }
    }

  /* A co-op that requires an encrypted data folder sends nothing to, and
   * enrols no, tablet without one; what such a tablet made is still
   * accepted (docs/privacy.md). */
  if (self->require_encryption && (is_pull || is_enrol)
      && g_strcmp0 (job->storage, "dm-crypt") != 0 && g_strcmp0 (job->storage, "fscrypt") != 0)
    {
      respond_and_close (req, job->device, 403, "unencrypted",
                         "The co-op accepts only tablets whose data folder is on an encrypted disk, and this "
                         "tablet's is not: set up disk encryption on it (see docs/privacy.md).", -1, 0);
      return;
    }

  /* The body's memory is reserved from its announced length, before any
   * of it arrives. */
  if (self->body_memory + length > (gsize) self->options.body_memory * 1024 * 1024)
    {
      respond_and_close (req, job->device, 503, "unavailable",
                         "The co-op server is receiving too much at once; try again in a few seconds.", -1, 5);
      return;
    }
  self->body_memory += length;
  req->reserved = length;
  if (job->device != NULL)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->in_flight, job->device));

      g_hash_table_replace (self->in_flight, g_strdup (job->device), GUINT_TO_POINTER (n + 1));
      req->counted_device = g_strdup (job->device);
    }
  if (job->device != NULL && job->kind != JOB_ENROL)
    end_wait_of (self, job->device);
  if (job->kind == JOB_PUSH)
    {
      push_coming (self, req, job->device);
      job->first_seq_said = req->first_seq != G_MAXINT64 ? req->first_seq : 0;
    }
  req->body = g_byte_array_sized_new (MIN (length, 64 * 1024));
  *job_out = g_steal_pointer (&job);
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

/* On the event thread: what inflate_body needs, so that it can run on
 * another. */
static RawBody *
capture_body (Request *req)
{
  RawBody *body = g_new0 (RawBody, 1);
  const char *type = request_header (req, "Content-Type");

  body->raw = g_byte_array_free_to_bytes (g_steal_pointer (&req->body));
  body->encoding = g_strdup (request_header (req, "Content-Encoding"));
  if (type != NULL)
    {
      body->type = g_strndup (type, strcspn (type, ";"));
      g_strstrip (body->type);
    }
  return body;
}

/* The request's body as text: checked for its size and type, and
 * decompressed. */
static GBytes *
inflate_body (RawBody *body,
              GError **error)
{
  g_autoptr(GBytes) inflated = NULL;

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
  return g_steal_pointer (&inflated);
}

/* The whole body is in: hand the request to the threads and suspend the
 * connection until they answer. TRUE when it answered itself (the server
 * is stopping); FALSE when the job is the threads': from then on the
 * answer (req->response) is theirs to write, and the event thread reads it
 * only once the connection is resumed. */
static gboolean
dispatch (CareServer *self,
          Request    *req,
          Job        *job)
{
  req->dispatched = TRUE;
  job->raw = capture_body (req);
  g_mutex_lock (&self->dispatch_lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->dispatch_lock);
      respond_and_close (req, job->device, 503, "unavailable",
                         "The co-op server is stopping; try again in a minute.", -1, 10);
      job_free (job);
      return TRUE;
    }
  MHD_suspend_connection (req->mhd);
  g_atomic_int_inc (&self->n_suspended);
  conn_set_state (self, req->conn, CONN_WORKING, 0);
  g_thread_pool_push (self->decoders, job, NULL);
  g_mutex_unlock (&self->dispatch_lock);
  return FALSE;
}

static enum MHD_Result
queue_answer (CareServer *self,
              Request    *req)
{
  enum MHD_Result ret = MHD_queue_response (req->mhd, req->status, req->response);

  g_clear_pointer (&req->response, MHD_destroy_response);
  conn_set_state (self, req->conn, CONN_SENDING, self->options.body_timeout);
  return ret;
}

static enum MHD_Result
access_cb (void                  *cls,
           struct MHD_Connection *mhd,
           const char            *url,
           const char            *method,
           const char            *version,
           const char            *upload_data,
           size_t                *upload_data_size,
           void                 **req_cls)
{
  CareServer *self = cls;
  Request *req = *req_cls;

  if (req == NULL)
    {
      /* First call: the headers are in. */
      const union MHD_ConnectionInfo *info = MHD_get_connection_info (mhd, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
      const char *id;

      req = g_new0 (Request, 1);
      req->server = self;
      req->version = 1;
      req->mhd = mhd;
      req->conn = info != NULL ? info->socket_context : NULL;
      req->method = g_strdup (method);
      req->path = g_strdup (url);
      id = request_header (req, CARE_REQUEST_ID_HEADER);
      req->request_id = care_request_id_is_valid (id) ? g_strdup (id) : g_uuid_string_random ();
      *req_cls = req;
      conn_set_state (self, req->conn, CONN_BODY, self->options.body_timeout);
      req->has_body = MHD_lookup_connection_value (mhd, MHD_HEADER_KIND, "Transfer-Encoding") != NULL;
      begin_request (self, req, &req->pending);
      /* An answer queued now closes the connection without reading what
       * follows (libmicrohttpd discards the rest of the request): right
       * for a refused body, wasteful for a request without one, whose
       * answer waits for the next call so the connection stays open. */
      if (req->response != NULL && (req->has_body || req->close_after))
        return queue_answer (self, req);
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      /* libmicrohttpd never hands over more than Content-Length, which
       * begin_request checked and reserved. */
      if (req->body != NULL && req->body->len + *upload_data_size <= req->reserved)
        g_byte_array_append (req->body, (const guint8 *) upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
  if (req->drop)
    return MHD_NO;
  if (req->response != NULL)
    return queue_answer (self, req);
  /* Once dispatched, req->response is the threads' until they resume the
   * connection: reading it here raced with finish_job writing it. */
  if (!req->dispatched && req->pending != NULL && dispatch (self, req, g_steal_pointer (&req->pending)))
    return queue_answer (self, req);
  return MHD_YES;
}

static void
completed_cb (void                            *cls,
              struct MHD_Connection           *mhd,
              void                           **req_cls,
              enum MHD_RequestTerminationCode  toe)
{
  CareServer *self = cls;
  Request *req = *req_cls;
  const union MHD_ConnectionInfo *info = MHD_get_connection_info (mhd, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

  if (req != NULL)
    {
      if (req->counted_device != NULL)
        push_arrived (self, req, req->counted_device);
      self->body_memory -= req->reserved;
      if (req->counted_device != NULL)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->in_flight, req->counted_device));

          if (n <= 1)
            g_hash_table_remove (self->in_flight, req->counted_device);
          else
            g_hash_table_replace (self->in_flight, g_strdup (req->counted_device), GUINT_TO_POINTER (n - 1));
        }
      request_free (req);
      *req_cls = NULL;
    }
  if (info != NULL)
    conn_set_state (self, info->socket_context, CONN_IDLE, self->options.idle_timeout);
}

static void
mhd_log_cb (void       *cls,
            const char *format,
            va_list     ap)
{
  static gint64 last;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = NULL;

  /* A flood of the same complaint is not worth a flood of log lines. */
  if (now - last < G_USEC_PER_SEC)
    return;
  last = now;
  text = g_strdup_vprintf (format, ap);
  g_strchomp (text);
  g_message ("HTTP: %s", text);
}

/* ---- lifecycle ---- */

static void
care_server_finalize (GObject *object)
{
  CareServer *self = (CareServer *) object;

  care_server_stop (self);
  g_clear_pointer (&self->ledger, care_ledger_free);
  g_clear_pointer (&self->store, care_server_store_close);
  g_free (self->data_dir);
  g_clear_pointer (&self->device_buckets, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->pushes_coming, g_hash_table_unref);
  g_mutex_clear (&self->order_lock);
  g_clear_pointer (&self->waiters, g_hash_table_unref);
  g_mutex_clear (&self->wait_lock);
  g_cond_clear (&self->wait_cond);
  g_clear_pointer (&self->address_buckets, g_hash_table_unref);
  g_clear_pointer (&self->enrol_buckets, g_hash_table_unref);
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);
  g_clear_pointer (&self->write_queue, g_async_queue_unref);
  g_mutex_clear (&self->stop_lock);
  g_mutex_clear (&self->health_lock);
  g_free (self->health_error);
  g_cond_clear (&self->stop_cond);
  g_mutex_clear (&self->dispatch_lock);
  g_mutex_clear (&self->conn_lock);
  g_free (self->listen);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_free (self->retention_days);
  g_free (self->public_url);
  g_free (self->cert_pem);
  if (self->key_pem != NULL)
    memset (self->key_pem, 0, strlen (self->key_pem));
  g_free (self->key_pem);
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
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pushes_coming = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  g_mutex_init (&self->order_lock);
  g_mutex_init (&self->wait_lock);
  g_cond_init (&self->wait_cond);
  self->waiters = g_hash_table_new (g_str_hash, g_str_equal);
  self->address_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->enrol_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->conns = g_hash_table_new (NULL, NULL);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->write_queue = g_async_queue_new ();
  g_mutex_init (&self->stop_lock);
  g_mutex_init (&self->health_lock);
  g_cond_init (&self->stop_cond);
  g_mutex_init (&self->dispatch_lock);
  g_mutex_init (&self->conn_lock);
}

CareServer *
care_server_new (CareServerStore         *store,
                 const CareServerOptions *options)
{
  CareServer *self = g_object_new (CARE_TYPE_SERVER, NULL);
  CareServerOptions *o = &self->options;

  self->store = store;
  *o = *options;
  self->listen = g_strdup (options->listen ? options->listen : "127.0.0.1:8443");
  self->cert_path = g_strdup (options->cert_path);
  self->key_path = g_strdup (options->key_path);
  self->public_url = g_strdup (options->public_url);
  self->data_dir = g_strdup (options->data_dir);
  o->data_dir = self->data_dir;
  o->listen = self->listen;
  o->cert_path = self->cert_path;
  o->key_path = self->key_path;
  o->public_url = self->public_url;
  if (o->rate <= 0)
    o->rate = CARE_SERVER_DEFAULT_RATE;
  if (o->burst == 0)
    o->burst = CARE_SERVER_DEFAULT_BURST;
  if (o->enrolments_per_minute == 0)
    o->enrolments_per_minute = CARE_SERVER_DEFAULT_ENROLMENTS_PER_MINUTE;
  if (o->header_timeout == 0)
    o->header_timeout = CARE_SERVER_DEFAULT_HEADER_TIMEOUT;
  if (o->body_timeout == 0)
    o->body_timeout = CARE_SERVER_DEFAULT_BODY_TIMEOUT;
  if (o->idle_timeout == 0)
    o->idle_timeout = CARE_SERVER_DEFAULT_IDLE_TIMEOUT;
  if (o->max_connections == 0)
    o->max_connections = CARE_SERVER_DEFAULT_MAX_CONNECTIONS;
  if (o->max_connections_per_address == 0)
    o->max_connections_per_address = CARE_SERVER_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  if (o->body_memory == 0)
    o->body_memory = CARE_SERVER_DEFAULT_BODY_MEMORY;
  if (o->anonymous_rate <= 0)
    o->anonymous_rate = CARE_SERVER_DEFAULT_ANONYMOUS_RATE;
  if (o->anonymous_burst == 0)
    o->anonymous_burst = CARE_SERVER_DEFAULT_ANONYMOUS_BURST;
#if CARE_FAULT_HOOKS
  {
    const char *fault = g_getenv ("CARELOG_FAULT");

    if (fault != NULL && g_str_has_prefix (fault, "drop-after-commit"))
      self->fault_drop_after_commit = fault[strlen ("drop-after-commit")] == ':'
                                      ? (int) g_ascii_strtoull (fault + strlen ("drop-after-commit:"), NULL, 10)
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

/* How many connections the descriptor limit leaves room for: the soft
 * limit is raised to the hard one first (as systemd's LimitNOFILE= sets
 * both, this is usually a no-op). */
static guint
connections_allowed_by_fds (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return G_MAXUINT;
  if (rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
      getrlimit (RLIMIT_NOFILE, &rl);
    }
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > G_MAXUINT)
    return G_MAXUINT;
  return rl.rlim_cur > RESERVED_FDS + 8 ? (guint) rl.rlim_cur - RESERVED_FDS : 8;
}

/* The limits the connections live by: beyond max_connections requests are
 * answered 503, beyond the hard limit connections are not accepted; both
 * leave the descriptors the server needs for itself. */
static void
plan_connection_limits (CareServer *self)
{
  guint by_fds = connections_allowed_by_fds ();
  guint margin = MAX (16, self->options.max_connections / 8);

  self->hard_limit = self->options.max_connections + margin;
  if (self->hard_limit > by_fds)
    {
      self->hard_limit = by_fds;
      self->options.max_connections = by_fds > 2 * margin ? by_fds - margin : by_fds / 2;
      g_warning ("The descriptor limit leaves room for %u connections only (%u answered, the rest refused "
                 "with 503); raise LimitNOFILE in the service to allow more.",
                 self->hard_limit, self->options.max_connections);
    }
}

gboolean
care_server_start (CareServer *self,
                   char      **url,
                   char      **pin,
                   GError    **error)
{
  g_autoptr(GInetSocketAddress) address = parse_listen (self->listen, error);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *host = NULL;
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
                       | MHD_USE_ERROR_LOG | MHD_USE_ITC;
  int fd;

  if (address == NULL)
    return FALSE;
  if (self->ledger == NULL)
    {
      self->ledger = care_ledger_new (self->store, self->data_dir, error);
      if (self->ledger == NULL)
        return FALSE;
    }
  g_free (self->retention_days);
  self->retention_days = self->store->vtable->get_meta (self->store, "retention_days");
  {
    g_autofree char *require = self->store->vtable->get_meta (self->store, "require_encryption");

    self->require_encryption = g_strcmp0 (require, "1") == 0;
  }
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
      if (!g_file_get_contents (self->cert_path, &self->cert_pem, NULL, error)
          || !g_file_get_contents (self->key_path, &self->key_pem, NULL, error))
        return FALSE;
      flags |= MHD_USE_TLS;
    }
  /* Writes to a connection the client has closed fail with EPIPE, not a
   * signal that would end the server. */
  signal (SIGPIPE, SIG_IGN);
  plan_connection_limits (self);

  /* Our own socket, for a listen backlog that takes a co-op's tablets all
   * reconnecting at once. */
  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error)
      || !g_socket_listen (socket, error))
    return FALSE;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;
  /* libmicrohttpd closes its copy when it stops; the GSocket closes its own. */
  fd = dup (g_socket_get_fd (socket));
  if (fd < 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot listen: %s", g_strerror (errno));
      return FALSE;
    }
  if (g_socket_address_get_family (G_SOCKET_ADDRESS (address)) == G_SOCKET_FAMILY_IPV6)
    flags |= MHD_USE_IPv6;

  self->health_at = g_get_monotonic_time ();
  self->finishers = g_thread_pool_new (finisher_func, self, 1, FALSE, NULL);
  self->writer = g_thread_new ("carelog-writer", writer_thread, self);
  self->readers = g_thread_pool_new (reader_func, self, 2, FALSE, NULL);
  self->wait_timer = g_thread_new ("carelog-waits", wait_timer_thread, self);
  if (self->store->vtable->watch != NULL)
    self->store->vtable->watch (self->store, records_elsewhere, self);
  self->decoders = g_thread_pool_new (decoder_func, self, 2, FALSE, NULL);
  self->checkpointer = g_thread_new ("carelog-checkpoint", checkpoint_thread, self);
  self->watchdog = g_thread_new ("carelog-watchdog", watchdog_thread, self);

  {
    /* The TLS options come last, and only with a certificate. */
    struct MHD_OptionItem tls[] = {
      { MHD_OPTION_HTTPS_MEM_CERT, 0, self->cert_pem },
      { MHD_OPTION_HTTPS_MEM_KEY, 0, self->key_pem },
      { MHD_OPTION_END, 0, NULL },
    };

    self->daemon = MHD_start_daemon (flags, 0, accept_cb, self, access_cb, self,
                                     MHD_OPTION_EXTERNAL_LOGGER, mhd_log_cb, self,
                                     MHD_OPTION_LISTEN_SOCKET, (MHD_socket) fd,
                                     MHD_OPTION_CONNECTION_LIMIT, (unsigned int) self->hard_limit,
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) self->options.idle_timeout,
                                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) CONNECTION_MEMORY,
                                     MHD_OPTION_NOTIFY_COMPLETED, completed_cb, self,
                                     MHD_OPTION_NOTIFY_CONNECTION, notify_connection_cb, self,
                                     MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int) 1,
                                     MHD_OPTION_ARRAY, cert != NULL ? tls : &tls[2],
                                     MHD_OPTION_END);
  }
  if (self->daemon == NULL)
    {
      close (fd);
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO,
                           "The HTTP server could not start (libmicrohttpd refused its settings or the certificate).");
      care_server_stop (self);
      return FALSE;
    }

  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  if (self->public_url != NULL)
    *url = g_strdup (self->public_url);
  else
    *url = g_strdup_printf ("%s://%s%s%s:%u", cert ? "https" : "http",
                            strchr (host, ':') ? "[" : "", host, strchr (host, ':') ? "]" : "",
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
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
  /* Requests that arrive from now on are answered 503; those being worked
   * on are finished and answered; then the HTTP side stops (it must not
   * hold a suspended connection by then). */
  g_mutex_lock (&self->dispatch_lock);
  self->closed = TRUE;
  g_mutex_unlock (&self->dispatch_lock);
  if (self->decoders != NULL)
    {
      g_thread_pool_free (self->decoders, FALSE, TRUE);
      self->decoders = NULL;
    }
  /* Waiting pulls are answered with what they have; none waits again. */
  if (self->wait_timer != NULL)
    {
      g_autoptr(GList) left = NULL;

      /* No more wake-ups from the other server processes' commits. */
      if (self->store->vtable->watch != NULL)
        self->store->vtable->watch (self->store, NULL, NULL);
      g_mutex_lock (&self->wait_lock);
      self->waiting_closed = TRUE;
      g_cond_signal (&self->wait_cond);
      left = g_hash_table_get_values (self->waiters);
      g_hash_table_steal_all (self->waiters);
      g_mutex_unlock (&self->wait_lock);
      g_thread_join (self->wait_timer);
      self->wait_timer = NULL;
      for (GList *l = left; l != NULL; l = l->next)
        finish_job (l->data);
    }
  if (self->readers != NULL)
    {
      g_thread_pool_free (self->readers, FALSE, TRUE);
      self->readers = NULL;
    }
  g_mutex_lock (&self->stop_lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->stop_cond);
  g_mutex_unlock (&self->stop_lock);
  if (self->checkpointer != NULL)
    {
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
  if (self->finishers != NULL)
    {
      g_thread_pool_free (self->finishers, FALSE, TRUE);
      self->finishers = NULL;
    }
  /* Every request handed to a thread has been answered by now. Whatever
   * else suspends a connection (a pull waiting for new records) must answer
   * it once self->closed is set: libmicrohttpd aborts the process if it is
   * stopped with a connection still suspended, so the HTTP side is then
   * left to the end of the process instead. */
  if (self->daemon != NULL && g_atomic_int_get (&self->n_suspended) > 0)
    g_critical ("%d requests are still waiting; the HTTP server is left running until the process ends",
                g_atomic_int_get (&self->n_suspended));
  else if (self->daemon != NULL)
    {
      MHD_stop_daemon (self->daemon);
      self->daemon = NULL;
    }
  if (self->watchdog != NULL)
    {
      g_thread_join (self->watchdog);
      self->watchdog = NULL;
    }
}
