/* server-fixture.h: a real carelog-server process on loopback port 0, and
 * real CareSyncClients talking to it, for the server tests and benchmarks.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "care-sync-client.h"
#include "care-protocol.h"

G_BEGIN_DECLS

typedef struct
{
  char *tmp;          /* temp dir, removed at the end */
  char *data;         /* tmp/coop */
  GSubprocess *proc;
  char *url;
  char *pin;
  GPid pid;
  guint nofile;       /* if set, the server's descriptor limit (RLIMIT_NOFILE) */
} ServerFixture;

typedef struct
{
  CareSyncClient *client;
  char *device;
  char *key;
  char *member;
  gint64 next_seq;
  gint64 acked;
  gint64 hlc;
} TestDevice;

/* A temp dir with an initialised co-op: members m-carer (carer, assigned
 * c-1), m-carer2 (carer, assigned c-2), m-super (supervisor), m-admin
 * (administrator); clients c-1, c-2 with care plans. */
void         fixture_setup      (ServerFixture *f);
/* Whether the co-ops are in PostgreSQL (CARELOG_TEST_STORE=postgresql), and
 * a new empty database there (a postgresql:// URL). */
gboolean     fixture_on_postgresql (void);
char        *fixture_new_database  (void);
/* Stops the fixtures' PostgreSQL cluster (every co-op's database
 * unreachable), and starts it again. */
void         fixture_pg_pause      (void);
void         fixture_pg_resume     (void);
void         fixture_teardown   (ServerFixture *f);
/* Starts "carelog-server serve" with extra arguments (NULL-terminated) and
 * environment variables ("NAME=value", NULL-terminated). Plain HTTP on
 * 127.0.0.1:0 unless args contain --cert. */
void         fixture_start      (ServerFixture      *f,
                                 const char * const *args,
                                 const char * const *env);
void         fixture_stop       (ServerFixture *f);
/* A second serve process of f's co-op (same data directory, same
 * database: PostgreSQL), and its end. */
void         fixture_start_alongside (ServerFixture      *f,
                                      ServerFixture      *other,
                                      const char * const *args);
void         fixture_stop_alongside  (ServerFixture      *other);
/* Runs "carelog-server ARGS..." with the data dir inserted after the
 * command words; returns stdout, asserts success when must_succeed. */
char        *fixture_admin      (ServerFixture *f,
                                 gboolean       must_succeed,
                                 const char    *first,
                                 ...) G_GNUC_NULL_TERMINATED;

TestDevice  *device_enrol       (ServerFixture *f,
                                 const char    *member);
/* The same, the code made on f's data directory and redeemed through
 * another server process of the co-op (via). */
TestDevice  *device_enrol_via   (ServerFixture *f,
                                 ServerFixture *via,
                                 const char    *member);
void         device_free        (TestDevice *d);
CareSyncClient *client_for      (ServerFixture *f,
                                 const char    *device,
                                 const char    *key);

/* A valid event of this device (next seq). body: JSON text. */
CareEvent   *device_event       (TestDevice *d,
                                 const char *type,
                                 const char *body_json);

/* Blocking wrappers (spin the default main context). */
CareEnrolment  *sync_enrol (CareSyncClient *c, const char *code, GError **error);
CarePushResult *sync_push  (CareSyncClient *c, GPtrArray *events, GError **error);
CarePullResult *sync_pull  (CareSyncClient *c, const char *cursor, gint64 acked, guint limit, GError **error);

/* Pushes events and asserts every one was accepted (test set-ups). */
void         push_accepted      (TestDevice *d,
                                 GPtrArray  *events);

/* Pulls everything from the start; returns the records (CareEvent). */
GPtrArray   *pull_all           (CareSyncClient *c,
                                 gint64          acked,
                                 GError        **error);

/* A raw HTTP request to the server: returns the status; body/headers out. */
guint        raw_request        (ServerFixture *f,
                                 const char    *method,
                                 const char    *path,
                                 const char   **headers,   /* name, value, ..., NULL */
                                 GBytes        *body,
                                 char         **response_body);

/* ---- raw HTTP, for the tests of hostile clients ---- */

/* The server process's open descriptors (/proc/PID/fd) and resident
 * memory in KiB (/proc/PID/status). */
guint        fixture_fd_count   (ServerFixture *f);
guint64      fixture_rss_kib    (ServerFixture *f);
/* A connection to the server: TLS (accepting its certificate) when its URL
 * is https. */
GIOStream   *raw_connect        (ServerFixture *f,
                                 GError       **error);
/* The same from a given loopback address (127.0.0.2 ...), as another
 * client would. */
GIOStream   *raw_connect_from   (ServerFixture *f,
                                 const char    *source,
                                 GError       **error);
/* What became of the server process, for a failure message: "running",
 * or how it ended ("died of signal 11 (Segmentation fault)", "exited with
 * status 1"). */
char        *fixture_server_state (ServerFixture *f);

/* Sends len bytes of request. */
gboolean     raw_send           (GIOStream     *stream,
                                 const char    *request,
                                 gsize          len);
/* Reads one response (headers, then a Content-Length body); returns its
 * status, 0 when the connection ended first. headers: the header block. */
guint        raw_read_response  (GIOStream     *stream,
                                 char         **headers,
                                 char         **body);
/* The same, and when no answer came (0), why: the read's error, or how
 * many bytes of an answer had come when the connection ended. */
guint        raw_read_answer    (GIOStream     *stream,
                                 char         **headers,
                                 char         **body,
                                 GError       **error);
/* Whether the server closes the connection (reads until end of stream or
 * an error) within timeout_s seconds. */
gboolean     raw_closed_within  (GIOStream     *stream,
                                 guint          timeout_s);
/* Closes with a TCP reset instead of an orderly close. */
void         raw_abort          (GIOStream     *stream);

/* The p-quantile (0..1) of values (doubles; sorts them), interpolating
 * between closest ranks; 0 for none. For the benchmarks. */
double       bench_percentile   (GArray        *values,
                                 double         p);

G_END_DECLS
