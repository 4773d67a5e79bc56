/* care-server.h: the co-op server's HTTP side (libsoup 3).
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
} CareServerOptions;

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

G_END_DECLS
