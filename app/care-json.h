/* care-json.h: a strict JSON reader that builds JSON-GLib nodes.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CARE_JSON_ERROR (care_json_error_quark ())
GQuark    care_json_error_quark (void);

/* Deep enough for any record and any answer of the protocol (a request
 * body is held to CARE_MAX_DEPTH); bounds the reader's stack. */
#define CARE_JSON_MAX_DEPTH 64

/* The value that len bytes of RFC 8259 text hold, as JSON-GLib nodes
 * (what JsonParser would give, not yet sealed: integers as int64,
 * other numbers as doubles, members in the text's order, a repeated name's
 * last value), or NULL with an error naming the byte where the text stops
 * being JSON. Stricter than JsonParser where JSON is: UTF-8 only, no raw
 * control characters in strings, no unpaired surrogates, no integer
 * outside int64, nothing nested deeper than max_depth. An escaped NUL
 * ("\u0000") is read as U+001F. */
JsonNode *care_json_parse       (const char *data,
                                 gsize       len,
                                 guint       max_depth,
                                 GError    **error);

G_END_DECLS
