/* care-server.h: the co-op server's HTTP side (libmicrohttpd).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "care-server-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *listen;        /* "ADDR:PORT", port 0 for any free port */
  const char *cert_path;     /* PEM: leaf, then the chain */
  const char *key_path;
  gboolean insecure_http;    /* plain HTTP, loopback only */
  const char *public_url;    /* what enrolment lines carry; default from listen */
  double rate;               /* requests per second per device */
  guint burst;
  guint enrolments_per_minute; /* per remote address */
  /* 0 (or <= 0) for the defaults below; docs/deployment.md explains them. */
  guint header_timeout;      /* s: from opening to a request's complete headers */
  guint body_timeout;        /* s: to receive a request's body, and to send an answer */
  guint idle_timeout;        /* s: a kept-alive connection with nothing to do */
  guint max_connections;     /* in all; beyond, requests are answered 503 */
  guint max_connections_per_address; /* per IPv4 address or IPv6 /64 */
  guint body_memory;         /* MiB: request bodies held at once, in all */
  double anonymous_rate;     /* per address: requests without a valid key, per second */
  guint anonymous_burst;
  const char *data_dir;      /* the co-op's directory: the co-op log key (DIR/log.key) */
} CareServerOptions;

#define CARE_SERVER_DEFAULT_RATE                         20
#define CARE_SERVER_DEFAULT_BURST                        40
#define CARE_SERVER_DEFAULT_ENROLMENTS_PER_MINUTE        10
#define CARE_SERVER_DEFAULT_HEADER_TIMEOUT               10
#define CARE_SERVER_DEFAULT_BODY_TIMEOUT                 60
#define CARE_SERVER_DEFAULT_IDLE_TIMEOUT                 75
#define CARE_SERVER_DEFAULT_MAX_CONNECTIONS              4096
#define CARE_SERVER_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS  256
#define CARE_SERVER_DEFAULT_BODY_MEMORY                  128
#define CARE_SERVER_DEFAULT_ANONYMOUS_RATE               2
#define CARE_SERVER_DEFAULT_ANONYMOUS_BURST              30

#define CARE_TYPE_SERVER (care_server_get_type ())
G_DECLARE_FINAL_TYPE (CareServer, care_server, CARE, SERVER, GObject)

/* Takes ownership of store. */
CareServer *care_server_new   (CareServerStore         *store,
                               const CareServerOptions *options) G_GNUC_WARN_UNUSED_RESULT;
/* Listens; *url is the real address (the port filled in), *pin the
 * certificate pin enrolment lines carry (NULL for plain HTTP). */
gboolean    care_server_start (CareServer *self,
                               char      **url,
                               char      **pin,
                               GError    **error);
void        care_server_stop  (CareServer *self);

struct sockaddr;
/* What connection and rate limits count a client by: its IPv4 address, or
 * the /64 its IPv6 address is in ("2001:db8:1:2::/64"); an IPv4-mapped
 * IPv6 address counts as the IPv4 one. */
char       *care_server_address_key (const struct sockaddr *address) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
