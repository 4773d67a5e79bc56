/* care-id.h: client-generated, time-ordered record ids (UUID version 7).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new lower-case UUIDv7 whose 48-bit timestamp is unix_ms. */
char     *care_id_new      (gint64 unix_ms) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE for 1..CARE_ID_MAX_LEN printable ASCII characters (no spaces). */
gboolean  care_id_is_valid (const char *id);

G_END_DECLS
