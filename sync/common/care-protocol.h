/* care-protocol.h: Carelog sync protocol 1, encoding and validation shared
 * by the co-op server and the device's client (see docs/sync-protocol.md).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Errors are in the CARE_SYNC_ERROR domain (care-sync-client.h):
 * CARE_SYNC_ERROR_BAD_REQUEST for malformed input, CARE_SYNC_ERROR_TOO_LARGE
 * for input over a limit.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "care-event.h"
#include "care-sync-client.h"

G_BEGIN_DECLS

/* The newest version this code speaks; the server accepts every version
 * from CARE_PROTOCOL_OLDEST and answers in the version it was asked in. */
#define CARE_PROTOCOL_VERSION         2
#define CARE_PROTOCOL_OLDEST          1
#define CARE_PROTOCOL_HEADER          "Carelog-Protocol"
#define CARE_TIME_HEADER              "Carelog-Time"
#define CARE_REQUEST_ID_HEADER        "Carelog-Request-Id"
/* On pull responses: the co-op's retention period for carers' tablets, in days (docs/privacy.md). */
#define CARE_RETENTION_HEADER         "Carelog-Retention-Days"
/* On requests: whether the tablet's data folder is on an encrypted volume
 * ("dm-crypt", "fscrypt", "plain" or "unknown"; docs/privacy.md). */
#define CARE_STORAGE_HEADER           "Carelog-Storage"
/* On push requests: the batch's first sequence number ("s"). A tablet has
 * two batches on their way at once; the server stores them in sequence
 * order whichever body arrives first (docs/sync-protocol.md). */
#define CARE_FIRST_SEQ_HEADER         "Carelog-First-Seq"

#define CARE_MAX_BODY                 (4 * 1024 * 1024)
#define CARE_MAX_INFLATED_BODY        (16 * 1024 * 1024)
#define CARE_MAX_RESPONSE             (256 * 1024 * 1024)
#define CARE_MAX_BATCH                1000
#define CARE_MAX_PULL                 5000
#define CARE_DEFAULT_PULL             1000
#define CARE_MAX_HEADER_VALUE         1024
#define CARE_MAX_DEPTH                16
#define CARE_MAX_REQUEST_ID           64
#define CARE_MAX_DEVICE_NAME          200
#define CARE_COOP_DEVICE              "coop"

/* Bytes in → checked JSON object out. Validates UTF-8 and nesting depth
 * before parsing, so a hostile body cannot exhaust the parser's stack. */
gboolean    care_protocol_check_json   (const char *data,
                                        gsize       len,
                                        guint       max_depth,
                                        GError    **error);
JsonNode   *care_protocol_parse_object (const char *data,
                                        gsize       len,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* gzip. care_gunzip stops at max_out bytes of output and fails with
 * CARE_SYNC_ERROR_TOO_LARGE (zip bombs). */
GBytes     *care_gzip                  (const void *data,
                                        gsize       len,
                                        int         level) G_GNUC_WARN_UNUSED_RESULT;
GBytes     *care_gunzip                (const void *data,
                                        gsize       len,
                                        gsize       max_out,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* JSON text helpers for hand-built bodies. */
void        care_json_append_string    (GString    *out,
                                        const char *s);
/* Compact JSON, members in insertion order (faster than JsonGenerator). */
void        care_json_append_node      (GString    *out,
                                        JsonNode   *node);
char       *care_json_object_to_string (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_protocol_id_is_valid  (const char *id);
gboolean    care_request_id_is_valid   (const char *id);

/* ---- push ---- */

typedef struct
{
  char *id;            /* as sent; NULL when missing or not a string */
  gint64 seq;
  CareEvent *event;    /* NULL when the entry did not decode or validate */
  char *message;       /* why not (a sentence), when event is NULL */
  /* In the chain: it carried "l", or (without "l") follows a linked record
   * of the batch and links to it; the core fills in event->link then. */
  gboolean linked;
  /* The record's hash, worked out before the writer takes the batch
   * (care_server_core_prehash) with the link hash_link (NULL: none); the
   * writer uses it only when the link it settles on is the same. */
  char *hash;
  char *hash_link;
} CarePushEntry;

typedef struct
{
  gint64 first_seq;
  GPtrArray *entries;  /* CarePushEntry, in request order */
  char *signature;     /* "g": the device's signature of the head it extends; NULL: none */
  char *sign_key;      /* "gk": the device's public signing key, to register; NULL: not sent */
} CarePushRequest;

/* events: CareEvent, consecutive seqs, all from one device. */
GBytes          *care_push_request_encode  (GPtrArray  *events) G_GNUC_WARN_UNUSED_RESULT;
/* With the batch's signature "g" and the signing key "gk" to register
 * (each NULL: left out); docs/verifying-records.md. */
GBytes          *care_push_request_encode_signed (GPtrArray  *events,
                                                  const char *signature,
                                                  const char *sign_key) G_GNUC_WARN_UNUSED_RESULT;
/* device: the authenticated device, which becomes every event's device.
 * Fails only when the batch as a whole is malformed or too large; entries
 * that do not decode are returned with event == NULL. */
CarePushRequest *care_push_request_decode  (JsonNode   *root,
                                            const char *device,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;
void             care_push_request_free    (CarePushRequest *request);

/* Protocol 2's compact batch (docs/sync-protocol.md): ids as clock deltas
 * and binary, the visit hoisted out of the body, the body's own UUIDs and
 * wall time compact; links as protocol 1 sends them (only where the server
 * cannot imply them). signature: NULL or the batch's "g". */
GBytes          *care_push_request_encode_v2 (GPtrArray  *events,
                                              const char *signature) G_GNUC_WARN_UNUSED_RESULT;
/* With the signing key "gk" to register too (NULL: left out). */
GBytes          *care_push_request_encode_v2_signed (GPtrArray  *events,
                                                     const char *signature,
                                                     const char *sign_key) G_GNUC_WARN_UNUSED_RESULT;
/* The batch's len bytes of text (decompressed), read straight into
 * records, without a JSON tree of the batch. Strict: text that is not
 * JSON, an envelope that does not decode (ids, clock and visit chains,
 * compact values, unknown keys, a name given twice) fails the whole batch;
 * a record that decodes but does not validate is returned with event ==
 * NULL. */
CarePushRequest *care_push_request_decode_v2 (const char *data,
                                              gsize       len,
                                              const char *device,
                                              GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* items: CarePushItem; codes parallel to items for rejected ones. */
CarePushResult  *care_push_result_decode   (JsonNode   *root,
                                            GPtrArray  *events,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- pull ---- */

typedef struct
{
  char *cursor;
  gint64 acked_seq;
  guint limit;
  guint wait;          /* protocol 2's "w": seconds to wait for records when there are none */
} CarePullRequest;

/* The longest a pull may wait for records (live sync), in seconds. */
#define CARE_MAX_WAIT                 120

GBytes          *care_pull_request_encode  (const char *cursor,
                                            gint64      acked_seq,
                                            guint       limit) G_GNUC_WARN_UNUSED_RESULT;
/* The same with a wait (protocol 2's live pull); wait 0 = none. */
GBytes          *care_pull_request_encode_wait (const char *cursor,
                                                gint64      acked_seq,
                                                guint       limit,
                                                guint       wait) G_GNUC_WARN_UNUSED_RESULT;
CarePullRequest *care_pull_request_decode  (JsonNode   *root,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;
void             care_pull_request_free    (CarePullRequest *request);

/* Appends one record of a pull page; body_json is the stored body text;
 * received is when the server stored the record (ms), 0 = unknown (omitted). */
void             care_pull_append_record   (GString    *out,
                                            gint64      pos,
                                            const char *id,
                                            const char *device,
                                            gint64      seq,
                                            const char *author,
                                            gint64      hlc,
                                            gint64      wall,
                                            const char *type,
                                            const char *body_json,
                                            gint64      received,
                                            const char *link);
CarePullResult  *care_pull_result_decode   (JsonNode   *root,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- errors ---- */

/* The machine code of a CareSyncError ("bad-request", ...) and back. */
const char      *care_sync_error_to_code   (CareSyncError error);
CareSyncError    care_sync_error_from_code (const char *code,
                                            int         status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarePushRequest, care_push_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarePullRequest, care_pull_request_free)

/* Compares two strings (secrets, hashes, pins) in time that does not depend
 * on where they differ. */
gboolean care_protocol_equal_constant_time (const char *a,
                                            const char *b);

G_END_DECLS
