/* care-sync-client.h: the device side of the sync protocol over HTTPS.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One request per call, no retries and no scheduling here: the sync engine
 * (sync/daemon) decides when to call and how to back off. Every response is
 * checked for the protocol's own framing before it is believed (a captive
 * portal's "200 OK" page is a CARE_SYNC_ERROR_PORTAL, never a success).
 */
#pragma once

#include <gio/gio.h>
#include "care-event.h"

G_BEGIN_DECLS

#define CARE_SYNC_ERROR (care_sync_error_quark ())
GQuark care_sync_error_quark (void);

typedef enum
{
  CARE_SYNC_ERROR_NETWORK,        /* no route, refused, reset, timed out */
  CARE_SYNC_ERROR_TLS,            /* the server is not the one enrolled with */
  CARE_SYNC_ERROR_PORTAL,         /* an answer that is not the protocol's (captive portal) */
  CARE_SYNC_ERROR_UNAUTHORIZED,   /* device unknown, revoked or wrong key */
  CARE_SYNC_ERROR_FORBIDDEN,      /* this member may not do that */
  CARE_SYNC_ERROR_ENROLMENT,      /* enrolment code unknown, used or expired */
  CARE_SYNC_ERROR_RATE_LIMITED,   /* see retry_after */
  CARE_SYNC_ERROR_TOO_LARGE,
  CARE_SYNC_ERROR_CURSOR_INVALID, /* recovery: reset the pull cursor */
  CARE_SYNC_ERROR_SERVER_BEHIND,  /* recovery: reset acked seq, re-send */
  CARE_SYNC_ERROR_VERSION,        /* protocol version not supported */
  CARE_SYNC_ERROR_BAD_REQUEST,
  CARE_SYNC_ERROR_SERVER,         /* 5xx */
  CARE_SYNC_ERROR_REMOVED,        /* revoked with erase: erase the co-op's care data now */
  CARE_SYNC_ERROR_RETIRED,        /* revoked with retire: deliver what is left, then erase */
  CARE_SYNC_ERROR_UNENCRYPTED,    /* the co-op requires an encrypted data folder */
  CARE_SYNC_ERROR_LOG,            /* the co-op's log contradicts what this device saw: rewritten or forked */
} CareSyncError;

/* What a co-ordinator hands over, one line:
 *   carelog:1:<https-url>:<code>:<pin>
 * parsed by care_enrolment_line_parse (see docs/sync-protocol.md). */
typedef struct
{
  char *url;        /* https://host:port */
  char *code;       /* one-time enrolment code */
  char *pin;        /* "sha256/<base64>" of the certificate to trust, or NULL for plain-HTTP loopback */
} CareEnrolmentLine;

typedef struct
{
  char *device;
  char *key;        /* the secret; the server keeps only its hash */
  char *member;
  char *member_name;
  CareRole role;
  char *url;
  char *pin;
  char *timezone;   /* the co-op's time zone */
  gint64 server_time;
  char *log_key;    /* the co-op log key (its checkpoints' signer), or NULL from an older server */
} CareEnrolment;

typedef enum
{
  CARE_PUSH_ACCEPTED,
  CARE_PUSH_DUPLICATE,
  CARE_PUSH_REJECTED,
} CarePushStatus;

typedef struct
{
  char *id;
  CarePushStatus status;
  char *reason;     /* for REJECTED: a sentence */
  char *code;       /* for REJECTED: the code ("invalid", "forbidden", "conflict", "time", ...) */
} CarePushItem;

typedef struct
{
  gint64 acked_seq;     /* the device's last accepted sequence, after this push */
  gint64 expected_seq;  /* on a gap: the sequence the server expects next; else 0 */
  GPtrArray *items;     /* CarePushItem, in request order */
  gint64 received;      /* "q": when the server received the batch (ms); 0 = unknown */
  gint64 server_time;
  gsize bytes_sent;
  gsize bytes_received;
} CarePushResult;

typedef struct
{
  GPtrArray *records;   /* CareEvent, in cursor order */
  char *next_cursor;
  gboolean more;
  gint64 acked_seq;     /* the device's last accepted sequence on the server */
  gint64 server_time;
  gsize bytes_received;
} CarePullResult;

#define CARE_TYPE_SYNC_CLIENT (care_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncClient, care_sync_client, CARE, SYNC_CLIENT, GObject)

CareEnrolmentLine *care_enrolment_line_parse (const char *line,
                                              GError    **error) G_GNUC_WARN_UNUSED_RESULT;
char              *care_enrolment_line_format (const CareEnrolmentLine *line) G_GNUC_WARN_UNUSED_RESULT;
void               care_enrolment_line_free  (CareEnrolmentLine *line);

/* The protocol version requests are made in: 2 unless CARELOG_SYNC_PROTOCOL=1
 * is set (docs/sync-protocol.md); a tablet falls back to 1 when the server
 * refuses 2 as unknown. */
int             care_sync_client_get_protocol (CareSyncClient *self);
void            care_sync_client_set_protocol (CareSyncClient *self,
                                               int             version);

/* device/key NULL before enrolment. */
CareSyncClient *care_sync_client_new        (const char *url,
                                             const char *pin,
                                             const char *device,
                                             const char *key) G_GNUC_WARN_UNUSED_RESULT;

void            care_sync_client_enrol_async  (CareSyncClient      *self,
                                               const char          *code,
                                               const char          *device_name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CareEnrolment  *care_sync_client_enrol_finish (CareSyncClient *self,
                                               GAsyncResult   *result,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* events: CareEvent of this device, consecutive sequence numbers. */
void            care_sync_client_push_async   (CareSyncClient      *self,
                                               GPtrArray           *events,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CarePushResult *care_sync_client_push_finish  (CareSyncClient *self,
                                               GAsyncResult   *result,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* cursor NULL or "" for the beginning. device_acked_seq is what the device
 * believes the server has accepted from it: a server that has less answers
 * CARE_SYNC_ERROR_SERVER_BEHIND. */
void            care_sync_client_pull_async   (CareSyncClient      *self,
                                               const char          *cursor,
                                               gint64               device_acked_seq,
                                               guint                limit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* Live sync (protocol 2): the same pull, but when nothing is there yet the
 * server answers as soon as records for this device commit, or after wait
 * seconds (at most CARE_MAX_WAIT) with an empty page. Its own HTTP session.
 * Finished with care_sync_client_pull_finish. On protocol 1 it does not wait. */
void            care_sync_client_pull_live_async (CareSyncClient      *self,
                                                  const char          *cursor,
                                                  gint64               device_acked_seq,
                                                  guint                limit,
                                                  guint                wait,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CarePullResult *care_sync_client_pull_finish  (CareSyncClient *self,
                                               GAsyncResult   *result,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* A revoked tablet tells the co-op it has erased its care records
 * (POST /v1/erased, after CARE_SYNC_ERROR_REMOVED or _RETIRED). */
/* The co-op log (POST /v1/log): the latest signed checkpoint, a
 * consistency proof from `from` (the size of the checkpoint last kept; 0:
 * none) and an inclusion proof for the record with hash `hash` (NULL:
 * none). Works without enrolment (a witness). The answer's object. */
void            care_sync_client_log_async   (CareSyncClient      *self,
                                              gint64               from,
                                              const char          *hash,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode       *care_sync_client_log_finish  (CareSyncClient *self,
                                              GAsyncResult   *result,
                                              GError        **error);
/* A witness's cosignature (POST /v1/log/cosign). */
void            care_sync_client_cosign_async  (CareSyncClient      *self,
                                                JsonNode            *cosignature,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        care_sync_client_cosign_finish (CareSyncClient *self,
                                                GAsyncResult   *result,
                                                GError        **error);

void            care_sync_client_confirm_erased_async  (CareSyncClient      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        care_sync_client_confirm_erased_finish (CareSyncClient *self,
                                                        GAsyncResult   *result,
                                                        GError        **error);

/* "sha256/<base64>" of the DER certificate: the pin format of the
 * enrolment line. */
char           *care_sync_certificate_pin (GTlsCertificate *certificate) G_GNUC_WARN_UNUSED_RESULT;

/* What the tablet says about its data folder with every request
 * (Carelog-Storage; see care-storage.h in the daemon). */
void            care_sync_client_set_storage (CareSyncClient *self,
                                              const char     *storage);

/* The device's Ed25519 private key (care-sign.h): every push is then
 * signed, and the first one registers the public key. */
void            care_sync_client_set_signing_key (CareSyncClient *self,
                                                  const char     *signing_key);
gboolean        care_sync_client_has_signing_key (CareSyncClient *self);

/* The co-op's retention period for carers' tablets in days, from the last
 * pull's Carelog-Retention-Days header (docs/privacy.md); 0 when not said. */
guint           care_sync_client_get_retention_days (CareSyncClient *self);

/* After CARE_SYNC_ERROR_RATE_LIMITED: seconds the server asked us to wait. */
guint           care_sync_client_get_retry_after (CareSyncClient *self);

void care_enrolment_free    (CareEnrolment *enrolment);
void care_push_result_free  (CarePushResult *result);
void care_pull_result_free  (CarePullResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareEnrolmentLine, care_enrolment_line_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareEnrolment, care_enrolment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarePushResult, care_push_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarePullResult, care_pull_result_free)

G_END_DECLS
