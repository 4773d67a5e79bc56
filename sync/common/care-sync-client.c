/* care-sync-client.c: the device side of Carelog sync protocol 1.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Certificate trust: the session has no TLS database at all, so GIO flags
 * every server certificate as unknown and libsoup asks the message's
 * "accept-certificate" handler during the handshake, before any request body
 * is sent. That handler accepts only the enrolled pin (see
 * docs/sync-protocol.md, "Certificate pinning"); a certificate a public CA
 * signed is refused like any other.
 */
#include "care-config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "care-chain.h"
#include "care-protocol.h"
#include "care-sign.h"
#include "care-json.h"
#include "care-sync-client.h"

struct _CareSyncClient
{
  GObject parent_instance;

  SoupSession *session;
  GUri *base;
  char *pin;
  char *device;
  char *key;
  guint retry_after;
  guint retention_days;  /* from Carelog-Retention-Days; 0 = not said */
  char *storage;         /* sent as Carelog-Storage */
  int protocol;          /* the version requests are made in */
  SoupSession *live_session;  /* live pulls: made on first use, a timeout past their wait */
  char *signing_key;     /* the device's Ed25519 private key; NULL: pushes are not signed */
  gboolean sign_key_sent; /* the public key went with a push this client made */
};

G_DEFINE_FINAL_TYPE (CareSyncClient, care_sync_client, G_TYPE_OBJECT)

typedef enum
{
  OP_ENROL,
  OP_PUSH,
  OP_PULL,
  OP_ERASED,
  OP_LOG,
  OP_COSIGN,
} Op;

typedef struct
{
  Op op;
  gboolean live;          /* a pull waiting for records (its own session) */
  SoupMessage *msg;
  gsize bytes_sent;
  GPtrArray *events;      /* push: the events sent */
  gboolean tls_refused;
  char *tls_reason;
} Request;

static void
request_free (Request *req)
{
  g_clear_object (&req->msg);
  g_clear_pointer (&req->events, g_ptr_array_unref);
  g_free (req->tls_reason);
  g_free (req);
}

/* ---- enrolment line ---- */

static gboolean
url_is_loopback_http (GUri *uri)
{
  const char *host = g_uri_get_host (uri);

  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 && host != NULL
         && (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1")
             || g_str_equal (host, "[::1]") || g_str_equal (host, "localhost"));
}

static gboolean
pin_is_valid (const char *pin)
{
  gsize len = 0;
  g_autofree guchar *raw = NULL;

  if (pin == NULL || !g_str_has_prefix (pin, "sha256/"))
    return FALSE;
  for (const char *p = pin + 7; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      return FALSE;
  raw = g_base64_decode (pin + 7, &len);
  return len == 32;
}

CareEnrolmentLine *
care_enrolment_line_parse (const char *line,
                           GError    **error)
{
  g_autofree char *copy = NULL;
  g_autoptr(CareEnrolmentLine) result = g_new0 (CareEnrolmentLine, 1);
  g_autoptr(GUri) uri = NULL;
  char *pin, *code;

  if (line == NULL || !g_str_has_prefix (line, "carelog:"))
    goto bad;
  if (!g_str_has_prefix (line, "carelog:1:"))
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_VERSION,
                           "This enrolment line is for a newer Carelog; update Carelog on this tablet.");
      return NULL;
    }
  copy = g_strstrip (g_strdup (line + strlen ("carelog:1:")));
  pin = strrchr (copy, ':');
  if (pin == NULL)
    goto bad;
  *pin++ = '\0';
  code = strrchr (copy, ':');
  if (code == NULL)
    goto bad;
  *code++ = '\0';
  if (*code == '\0' || strlen (code) > 64)
    goto bad;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      goto bad;
  uri = g_uri_parse (copy, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (g_uri_get_path (uri), "") != 0 && g_strcmp0 (g_uri_get_path (uri), "/") != 0))
    goto bad;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    {
      if (!pin_is_valid (pin))
        goto bad;
    }
  else if (!url_is_loopback_http (uri) || *pin != '\0')
    goto bad;
  result->url = g_strdup (copy);
  result->code = g_strdup (code);
  result->pin = *pin ? g_strdup (pin) : NULL;
  return g_steal_pointer (&result);

bad:
  g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT,
                       "This is not a complete Carelog enrolment line; scan the code again or ask your co-ordinator for a new one.");
  return NULL;
}

char *
care_enrolment_line_format (const CareEnrolmentLine *line)
{
  return g_strdup_printf ("carelog:1:%s:%s:%s", line->url, line->code, line->pin ? line->pin : "");
}

void
care_enrolment_line_free (CareEnrolmentLine *line)
{
  if (line == NULL)
    return;
  g_free (line->url);
  g_free (line->code);
  g_free (line->pin);
  g_free (line);
}

/* ---- certificate pinning ---- */

static char *
certificate_pin (GTlsCertificate *cert)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autofree char *b64 = NULL;

  g_object_get (cert, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, digest, &len);
  b64 = g_base64_encode (digest, len);
  return g_strconcat ("sha256/", b64, NULL);
}

char *
care_sync_certificate_pin (GTlsCertificate *cert)
{
  return certificate_pin (cert);
}

static gboolean
certificate_matches_pin (GTlsCertificate *leaf,
                         const char      *pin,
                         GUri            *base,
                         char           **reason)
{
  g_autofree char *leaf_pin = certificate_pin (leaf);
  GTlsCertificate *ca = NULL;

  if (leaf_pin != NULL && care_protocol_equal_constant_time (leaf_pin, pin))
    return TRUE;
  for (GTlsCertificate *c = g_tls_certificate_get_issuer (leaf); c != NULL; c = g_tls_certificate_get_issuer (c))
    {
      g_autofree char *p = certificate_pin (c);

      if (p != NULL && care_protocol_equal_constant_time (p, pin))
        {
          ca = c;
          break;
        }
    }
  if (ca != NULL)
    {
      g_autoptr(GSocketConnectable) identity =
        g_network_address_new (g_uri_get_host (base), (guint16) MAX (g_uri_get_port (base), 0));
      GTlsCertificateFlags flags = g_tls_certificate_verify (leaf, identity, ca);

      if (flags == 0)
        return TRUE;
      *reason = g_strdup_printf ("The server's certificate is not valid for %s under the enrolled co-op certificate (flags 0x%x).",
                                 g_uri_get_host (base), flags);
      return FALSE;
    }
  *reason = g_strdup ("The server's certificate is not the one this tablet was enrolled with: it may be an impostor. Ask your co-ordinator.");
  return FALSE;
}

static gboolean
accept_certificate_cb (SoupMessage         *msg,
                       GTlsCertificate     *cert,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  GTask *task = user_data;
  CareSyncClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autofree char *reason = NULL;

  if (self->pin == NULL)
    {
      req->tls_refused = TRUE;
      req->tls_reason = g_strdup ("This tablet has no certificate pin for the co-op server; enrol it again.");
      return FALSE;
    }
  if (certificate_matches_pin (cert, self->pin, self->base, &reason))
    return TRUE;
  req->tls_refused = TRUE;
  req->tls_reason = g_steal_pointer (&reason);
  return FALSE;
}

/* ---- the client ---- */

static void
care_sync_client_finalize (GObject *object)
{
  CareSyncClient *self = (CareSyncClient *) object;

  g_clear_object (&self->session);
  g_clear_object (&self->live_session);
  g_clear_pointer (&self->base, g_uri_unref);
  g_free (self->pin);
  g_free (self->device);
  g_free (self->storage);
  if (self->key != NULL)
    memset (self->key, 0, strlen (self->key));
  g_free (self->key);
  if (self->signing_key != NULL)
    memset (self->signing_key, 0, strlen (self->signing_key));
  g_free (self->signing_key);
  G_OBJECT_CLASS (care_sync_client_parent_class)->finalize (object);
}

static void
care_sync_client_class_init (CareSyncClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = care_sync_client_finalize;
}

static void
care_sync_client_init (CareSyncClient *self)
{
  /* CARELOG_SYNC_PROTOCOL=1 keeps a tablet on protocol 1 (and the tests
   * run a protocol-1 daemon against the new server with it). */
  self->protocol = g_strcmp0 (g_getenv ("CARELOG_SYNC_PROTOCOL"), "1") == 0 ? 1 : CARE_PROTOCOL_VERSION;
}

int
care_sync_client_get_protocol (CareSyncClient *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_CLIENT (self), 1);
  return self->protocol;
}

void
care_sync_client_set_protocol (CareSyncClient *self,
                               int             version)
{
  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  g_return_if_fail (version >= CARE_PROTOCOL_OLDEST && version <= CARE_PROTOCOL_VERSION);
  self->protocol = version;
}

CareSyncClient *
care_sync_client_new (const char *url,
                      const char *pin,
                      const char *device,
                      const char *key)
{
  CareSyncClient *self = g_object_new (CARE_TYPE_SYNC_CLIENT, NULL);

  self->base = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  self->pin = g_strdup (pin && *pin ? pin : NULL);
  self->device = g_strdup (device);
  self->key = g_strdup (key);
  self->session = soup_session_new_with_options ("tls-database", NULL,
                                                 "timeout", 60,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 2,
                                                 "user-agent", "carelog/" PACKAGE_VERSION,
                                                 NULL);
  /* We decode gzip ourselves, with a size cap, and count wire bytes. */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);
  return self;
}

void
care_sync_client_set_storage (CareSyncClient *self,
                              const char     *storage)
{
  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  g_free (self->storage);
  self->storage = g_strdup (storage);
}

void
care_sync_client_set_signing_key (CareSyncClient *self,
                                  const char     *signing_key)
{
  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  if (self->signing_key != NULL)
    memset (self->signing_key, 0, strlen (self->signing_key));
  g_free (self->signing_key);
  self->signing_key = g_strdup (signing_key);
  self->sign_key_sent = FALSE;
}

guint
care_sync_client_get_retention_days (CareSyncClient *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_CLIENT (self), 0);
  return self->retention_days;
}

guint
care_sync_client_get_retry_after (CareSyncClient *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_CLIENT (self), 0);
  return self->retry_after;
}

static gboolean
base_is_usable (CareSyncClient *self,
                GError        **error)
{
  if (self->base == NULL || g_uri_get_host (self->base) == NULL)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT,
                           "The co-op server address is not a valid URL; enrol this tablet again.");
      return FALSE;
    }
  if (g_strcmp0 (g_uri_get_scheme (self->base), "https") != 0 && !url_is_loopback_http (self->base))
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TLS,
                           "The co-op server address is not HTTPS; Carelog only syncs over an encrypted connection.");
      return FALSE;
    }
  return TRUE;
}

static void send_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* The session of live pulls: its timeout is past the longest wait, and a
 * waiting pull does not take one of the two connections pushes use. */
static SoupSession *
live_session (CareSyncClient *self)
{
  if (self->live_session == NULL)
    {
      self->live_session = soup_session_new_with_options ("tls-database", NULL,
                                                          "timeout", CARE_MAX_WAIT + 30,
                                                          "idle-timeout", CARE_MAX_WAIT + 30,
                                                          "max-conns-per-host", 1,
                                                          "user-agent", "carelog/" PACKAGE_VERSION,
                                                          NULL);
      soup_session_remove_feature_by_type (self->live_session, SOUP_TYPE_CONTENT_DECODER);
    }
  return self->live_session;
}

static void
start_request_full (CareSyncClient     *self,
                    Op                  op,
                    gboolean            live_request,
                    const char         *path,
                    GBytes             *body,
                    GPtrArray          *events,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data,
                    gpointer            source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) gz = NULL;
  g_autofree char *request_id = NULL;
  Request *req;
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, source_tag);
  if (!base_is_usable (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (op != OP_ENROL && op != OP_LOG && op != OP_COSIGN && (self->device == NULL || self->key == NULL))
    {
      g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                               "This tablet is not enrolled with a co-op yet.");
      return;
    }
  req = g_new0 (Request, 1);
  req->op = op;
  req->live = live_request;
  req->events = events ? g_ptr_array_ref (events) : NULL;
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  uri = g_uri_parse_relative (self->base, path, G_URI_FLAGS_NONE, NULL);
  req->msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  /* A captive portal redirects; a redirect is never the co-op's answer. */
  soup_message_add_flags (req->msg, SOUP_MESSAGE_NO_REDIRECT);
  /* Every request of the protocol is idempotent (pushes by event id, pulls
   * by cursor, enrolment fails safely on a retry). Saying so lets libsoup
   * reuse a kept-alive connection for a POST instead of opening (and on
   * HTTPS, handshaking) a new one every time, and resend on a connection
   * the server had already closed. */
  if (op != OP_ENROL)
    soup_message_add_flags (req->msg, SOUP_MESSAGE_IDEMPOTENT);
  gz = care_gzip (g_bytes_get_data (body, NULL), g_bytes_get_size (body), 6);
  req->bytes_sent = g_bytes_get_size (gz);
  soup_message_set_request_body_from_bytes (req->msg, "application/json", gz);
  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_message_headers_replace (headers, "Accept-Encoding", "gzip");
  soup_message_headers_replace (headers, CARE_PROTOCOL_HEADER, self->protocol == 2 ? "2" : "1");
  request_id = g_uuid_string_random ();
  soup_message_headers_replace (headers, CARE_REQUEST_ID_HEADER, request_id);
  if (self->storage != NULL)
    soup_message_headers_replace (headers, CARE_STORAGE_HEADER, self->storage);
  if (op == OP_PUSH)
    {
      char seq[24];

      g_snprintf (seq, sizeof seq, "%" G_GINT64_FORMAT, ((CareEvent *) g_ptr_array_index (events, 0))->seq);
      soup_message_headers_replace (headers, CARE_FIRST_SEQ_HEADER, seq);
    }
  if (op != OP_ENROL && op != OP_COSIGN && self->device != NULL && self->key != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Carelog %s:%s", self->device, self->key);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  g_signal_connect (req->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), task);
  soup_session_send_and_read_async (live_request ? live_session (self) : self->session,
                                    req->msg, G_PRIORITY_DEFAULT, cancellable, send_cb, g_object_ref (task));
}

static void
start_request (CareSyncClient     *self,
               Op                  op,
               const char         *path,
               GBytes             *body,
               GPtrArray          *events,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data,
               gpointer            source_tag)
{
  start_request_full (self, op, FALSE, path, body, events, cancellable, callback, user_data, source_tag);
}

static JsonNode *
read_protocol_body (CareSyncClient *self,
                    Request        *req,
                    GBytes         *raw,
                    GError        **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);
  const char *proto = soup_message_headers_get_one (headers, CARE_PROTOCOL_HEADER);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  /* The version asked, or an older server's 1 (its "version" refusal). */
  if ((g_strcmp0 (proto, "1") != 0 && g_strcmp0 (proto, "2") != 0) || g_strcmp0 (type, "application/json") != 0)
    goto portal;
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") == 0)
    {
      body = care_gunzip (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), CARE_MAX_RESPONSE, NULL);
      if (body == NULL)
        goto portal;
    }
  else if (encoding == NULL || g_ascii_strcasecmp (encoding, "identity") == 0)
    body = g_bytes_ref (raw);
  else
    goto portal;
  root = care_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), CARE_JSON_MAX_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto portal;
  o = json_node_get_object (root);
  if (json_object_get_int_member_with_default (o, "v", 0) != g_ascii_strtoll (proto, NULL, 10))
    goto portal;
  json_node_seal (root);
  return g_steal_pointer (&root);

portal:
  g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL,
               "The network answered with something that is not the co-op server (HTTP %u): "
               "you may need to sign in to this Wi-Fi network first.",
               soup_message_get_status (req->msg));
  return NULL;
}

static gboolean
check_peer (CareSyncClient *self,
            Request        *req,
            GError        **error)
{
  GTlsCertificate *cert;
  g_autofree char *reason = NULL;

  if (g_strcmp0 (g_uri_get_scheme (self->base), "https") != 0)
    return TRUE;
  cert = soup_message_get_tls_peer_certificate (req->msg);
  if (cert != NULL && self->pin != NULL && certificate_matches_pin (cert, self->pin, self->base, &reason))
    return TRUE;
  g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TLS, "%s",
               reason ? reason : "The connection to the co-op server was not verified.");
  return FALSE;
}

static CareEnrolment *
decode_enrolment (CareSyncClient *self,
                  JsonObject     *o,
                  GError        **error)
{
  g_autoptr(CareEnrolment) e = g_new0 (CareEnrolment, 1);
  const char *device = json_object_get_string_member_with_default (o, "device", NULL);
  const char *key = json_object_get_string_member_with_default (o, "key", NULL);
  const char *member = json_object_get_string_member_with_default (o, "member", NULL);
  const char *role = json_object_get_string_member_with_default (o, "role", NULL);

  if (!care_protocol_id_is_valid (device) || key == NULL || !care_protocol_id_is_valid (member)
      || care_role_from_string (role) == CARE_ROLE_INVALID)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL,
                           "The co-op server's enrolment answer is incomplete.");
      return NULL;
    }
  e->device = g_strdup (device);
  e->key = g_strdup (key);
  e->member = g_strdup (member);
  e->member_name = g_strdup (json_object_get_string_member_with_default (o, "name", member));
  e->role = care_role_from_string (role);
  e->url = g_uri_to_string (self->base);
  if (g_str_has_suffix (e->url, "/"))
    e->url[strlen (e->url) - 1] = '\0';
  e->pin = g_strdup (self->pin);
  e->timezone = g_strdup (json_object_get_string_member_with_default (o, "tz", "UTC"));
  e->server_time = json_object_get_int_member_with_default (o, "t", 0);
  {
    const char *lk = json_object_get_string_member_with_default (o, "lk", NULL);

    if (lk != NULL && care_sign_key_is_valid (lk))
      e->log_key = g_strdup (lk);
  }
  return g_steal_pointer (&e);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CareSyncClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  guint status;

  raw = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (raw == NULL)
    {
      if (req->tls_refused)
        g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TLS, "%s", req->tls_reason);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (error->domain == G_TLS_ERROR)
        g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TLS,
                                 "The secure connection to the co-op server failed: %s", error->message);
      else
        g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK,
                                 "The co-op server cannot be reached: %s", error->message);
      return;
    }
  if (!check_peer (self, req, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  root = read_protocol_body (self, req, raw, &error);
  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  o = json_node_get_object (root);
  status = soup_message_get_status (req->msg);
  if (status != 200)
    {
      const char *code = json_object_get_string_member_with_default (o, "error", NULL);
      const char *message = json_object_get_string_member_with_default (o, "message", NULL);
      CareSyncError e = care_sync_error_from_code (code, (int) status);
      const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (req->msg), "Retry-After");

      if (retry != NULL)
        self->retry_after = (guint) CLAMP (g_ascii_strtoull (retry, NULL, 10), 1, 3600);
      else if (e == CARE_SYNC_ERROR_RATE_LIMITED)
        self->retry_after = 1;
      if (e == CARE_SYNC_ERROR_SERVER_BEHIND && json_object_has_member (o, "k"))
        g_task_return_new_error (task, CARE_SYNC_ERROR, e, "%s (server has %" G_GINT64_FORMAT ")",
                                 message ? message : "The co-op server is behind this tablet.",
                                 json_object_get_int_member_with_default (o, "k", 0));
      else
        g_task_return_new_error (task, CARE_SYNC_ERROR, e, "%s",
                                 message ? message : "The co-op server refused the request.");
      return;
    }
  switch (req->op)
    {
    case OP_ENROL:
      {
        CareEnrolment *e = decode_enrolment (self, o, &error);

        if (e == NULL)
          g_task_return_error (task, g_steal_pointer (&error));
        else
          {
            g_free (self->device);
            g_free (self->key);
            self->device = g_strdup (e->device);
            self->key = g_strdup (e->key);
            g_task_return_pointer (task, e, (GDestroyNotify) care_enrolment_free);
          }
      }
      break;
    case OP_PUSH:
      {
        CarePushResult *r = care_push_result_decode (root, req->events, &error);

        if (r == NULL)
          {
            g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL, "%s", error->message);
            return;
          }
        r->bytes_sent = req->bytes_sent;
        r->bytes_received = g_bytes_get_size (raw);
        /* The server has the public key now (it went with every push
         * until one was answered). */
        self->sign_key_sent = self->signing_key != NULL;
        g_task_return_pointer (task, r, (GDestroyNotify) care_push_result_free);
      }
      break;
    case OP_PULL:
      {
        CarePullResult *r = care_pull_result_decode (root, &error);
        const char *days = soup_message_headers_get_one (soup_message_get_response_headers (req->msg),
                                                         CARE_RETENTION_HEADER);
        guint64 n;

        if (days != NULL && g_ascii_string_to_unsigned (days, 10, 1, 3650, &n, NULL))
          self->retention_days = (guint) n;

        if (r == NULL)
          {
            g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL, "%s", error->message);
            return;
          }
        r->bytes_received = g_bytes_get_size (raw);
        g_task_return_pointer (task, r, (GDestroyNotify) care_pull_result_free);
      }
      break;
    case OP_ERASED:
    case OP_COSIGN:
      g_task_return_boolean (task, TRUE);
      break;
    case OP_LOG:
      g_task_return_pointer (task, json_node_ref (root), (GDestroyNotify) json_node_unref);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
care_sync_client_enrol_async (CareSyncClient      *self,
                              const char          *code,
                              const char          *device_name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GString) body = g_string_new ("{\"code\":");
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  care_json_append_string (body, code ? code : "");
  if (device_name != NULL)
    {
      g_string_append (body, ",\"name\":");
      care_json_append_string (body, device_name);
    }
  /* A tablet that already has a device id (its server was restored from a
   * backup made before it was enrolled) asks to be taken back under it. */
  if (self->device != NULL)
    {
      g_string_append (body, ",\"device\":");
      care_json_append_string (body, self->device);
    }
  /* The signing key's public half is registered with the enrolment. */
  if (self->signing_key != NULL)
    {
      g_autofree char *public_key = care_sign_public_key (self->signing_key);

      g_string_append (body, ",\"gk\":");
      care_json_append_string (body, public_key);
    }
  g_string_append_c (body, '}');
  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  start_request (self, OP_ENROL, "/v1/enrol", bytes, NULL, cancellable, callback, user_data,
                 care_sync_client_enrol_async);
}

CareEnrolment *
care_sync_client_enrol_finish (CareSyncClient *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
care_sync_client_push_async (CareSyncClient      *self,
                             GPtrArray           *events,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  g_return_if_fail (events != NULL && events->len > 0);
  if (self->signing_key != NULL && self->device != NULL)
    {
      /* The batch signs the head of the chain it extends: its last record
       * (docs/verifying-records.md). The public key goes with each push
       * until one is answered, so a tablet enrolled before signing existed
       * registers it at its next sync. */
      const CareEvent *last = g_ptr_array_index (events, events->len - 1);
      g_autofree char *hash = care_event_hash (last);
      g_autofree char *head = care_chain_head_message (self->device, last->seq, hash);
      g_autofree char *signature = care_sign (self->signing_key, head);
      g_autofree char *public_key = self->sign_key_sent ? NULL : care_sign_public_key (self->signing_key);

      body = self->protocol == 2 ? care_push_request_encode_v2_signed (events, signature, public_key)
                                 : care_push_request_encode_signed (events, signature, public_key);
    }
  else
    body = self->protocol == 2 ? care_push_request_encode_v2 (events, NULL) : care_push_request_encode (events);
  start_request (self, OP_PUSH, "/v1/push", body, events, cancellable, callback, user_data,
                 care_sync_client_push_async);
}

CarePushResult *
care_sync_client_push_finish (CareSyncClient *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
care_sync_client_pull_async (CareSyncClient      *self,
                             const char          *cursor,
                             gint64               device_acked_seq,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  care_sync_client_pull_live_async (self, cursor, device_acked_seq, limit, 0, cancellable, callback, user_data);
}

void
care_sync_client_pull_live_async (CareSyncClient      *self,
                                  const char          *cursor,
                                  gint64               device_acked_seq,
                                  guint                limit,
                                  guint                wait,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  body = care_pull_request_encode_wait (cursor, device_acked_seq,
                                        MIN (limit ? limit : CARE_DEFAULT_PULL, CARE_MAX_PULL),
                                        self->protocol >= 2 ? wait : 0);
  /* The answer is a pull's: finished with care_sync_client_pull_finish. */
  start_request_full (self, OP_PULL, wait > 0 && self->protocol >= 2, "/v1/pull", body, NULL, cancellable,
                      callback, user_data, care_sync_client_pull_async);
}

CarePullResult *
care_sync_client_pull_finish (CareSyncClient *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
care_sync_client_confirm_erased_async (CareSyncClient      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  start_request (self, OP_ERASED, "/v1/erased", body, NULL, cancellable, callback, user_data,
                 care_sync_client_confirm_erased_async);
}

gboolean
care_sync_client_confirm_erased_finish (CareSyncClient *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
care_enrolment_free (CareEnrolment *enrolment)
{
  if (enrolment == NULL)
    return;
  g_free (enrolment->device);
  if (enrolment->key != NULL)
    memset (enrolment->key, 0, strlen (enrolment->key));
  g_free (enrolment->key);
  g_free (enrolment->member);
  g_free (enrolment->member_name);
  g_free (enrolment->url);
  g_free (enrolment->pin);
  g_free (enrolment->timezone);
  g_free (enrolment->log_key);
  g_free (enrolment);
}

void
care_push_result_free (CarePushResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_free (result);
}

void
care_pull_result_free (CarePullResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->records, g_ptr_array_unref);
  g_free (result->next_cursor);
  g_free (result);
}

void
care_sync_client_log_async (CareSyncClient      *self,
                            gint64               from,
                            const char          *hash,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  g_string_append_printf (text, "{\"from\":%" G_GINT64_FORMAT, MAX (from, 0));
  if (hash != NULL)
    {
      g_string_append (text, ",\"hash\":");
      care_json_append_string (text, hash);
    }
  g_string_append_c (text, '}');
  body = g_bytes_new (text->str, text->len);
  start_request (self, OP_LOG, "/v1/log", body, NULL, cancellable, callback, user_data,
                 care_sync_client_log_async);
}

JsonNode *
care_sync_client_log_finish (CareSyncClient *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
care_sync_client_cosign_async (CareSyncClient      *self,
                               JsonNode            *cosignature,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *text = json_to_string (cosignature, FALSE);
  gsize len = strlen (text);
  g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), len);

  g_return_if_fail (CARE_IS_SYNC_CLIENT (self));
  start_request (self, OP_COSIGN, "/v1/log/cosign", body, NULL, cancellable, callback, user_data,
                 care_sync_client_cosign_async);
}

gboolean
care_sync_client_cosign_finish (CareSyncClient *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
care_sync_client_has_signing_key (CareSyncClient *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_CLIENT (self), FALSE);
  return self->signing_key != NULL;
}
