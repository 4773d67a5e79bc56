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

/* Walking JSON text step by step, for a caller that builds its own
 * values (the same strictness as care_json_parse). A failure sets the
 * error once, at the byte where the text stops being JSON, and makes
 * every later step fail.
 *
 *   if (!care_json_reader_enter (r, '{'))
 *     return ...;
 *   while (care_json_reader_next (r, '}', &first))
 *     {
 *       if (!care_json_reader_name (r))    the name is in r->scratch
 *         return ...;
 *       ... one value: _scalar, _value, _skip or a nested _enter ...
 *     }
 *   if (r->failed)
 *     return ...;
 */
typedef struct
{
  const char *p;
  const char *start;
  const char *end;
  guint       depth;
  guint       max_depth;
  gboolean    failed;
  GError    **error;
  GString    *scratch;    /* the last string or name read */
} CareJsonReader;

/* Where a value's text is, to read it again later (care_json_reader_skip). */
typedef struct
{
  const char *start;
  const char *end;
  guint       depth;
} CareJsonSpan;

typedef enum
{
  CARE_JSON_NONE,         /* failed */
  CARE_JSON_OBJECT,       /* not consumed: enter it, skip it or read it as a value */
  CARE_JSON_ARRAY,        /* the same */
  CARE_JSON_STRING,       /* in r->scratch */
  CARE_JSON_INT,
  CARE_JSON_DOUBLE,
  CARE_JSON_TRUE,
  CARE_JSON_FALSE,
  CARE_JSON_NULL,
} CareJsonKind;

void         care_json_reader_init      (CareJsonReader       *r,
                                         const char           *data,
                                         gsize                 len,
                                         guint                 max_depth,
                                         GString              *scratch,
                                         GError              **error);
/* A reader over a span that parent skipped (sharing its scratch and error). */
void         care_json_reader_init_span (CareJsonReader       *r,
                                         const CareJsonReader *parent,
                                         const CareJsonSpan   *span);
/* The next character that is not white space ('\0' at the end or after a failure). */
char         care_json_reader_peek      (CareJsonReader       *r);
gboolean     care_json_reader_enter     (CareJsonReader       *r,
                                         char                  open);
/* TRUE while the object or array has another member or element (reading
 * the comma before it), FALSE at its end (read) or on a failure. *first
 * starts TRUE. */
gboolean     care_json_reader_next      (CareJsonReader       *r,
                                         char                  close,
                                         gboolean             *first);
gboolean     care_json_reader_name      (CareJsonReader       *r);
/* The name just read, kept past the value's text (which reuses the
 * scratch): copied into buf when it fits, else into *large (to free). */
const char  *care_json_reader_keep_name (CareJsonReader       *r,
                                         char                 *buf,
                                         gsize                 size,
                                         char                **large);
CareJsonKind care_json_reader_scalar    (CareJsonReader       *r,
                                         gint64               *integer,
                                         double               *real);
/* Reads a value without building it; span (optional) says where it was,
 * n_elements (optional) how many members or elements it had. */
gboolean     care_json_reader_skip      (CareJsonReader       *r,
                                         CareJsonSpan         *span,
                                         guint                *n_elements);
JsonNode    *care_json_reader_value     (CareJsonReader       *r);
/* Nothing but white space is left. */
gboolean     care_json_reader_finish    (CareJsonReader       *r);

G_END_DECLS
