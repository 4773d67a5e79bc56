/* care-json.c: a strict JSON reader that builds JSON-GLib nodes.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON-GLib's JsonParser reads through a general-purpose scanner and
 * emits a signal per member: on the co-op server it was a fifth of the
 * time spent taking a tablet's batch, and on the tablet reading its own
 * records back (issue 13). This reads RFC 8259 text in one pass and builds
 * the same nodes JsonParser would (tests/app/test-json.c compares
 * the two on valid and mutated documents).
 *
 * The same reader also walks text step by step (CareJsonReader), for a
 * caller that builds its own values: the server decodes a protocol-2 batch
 * straight into records that way, without a tree of the whole batch.
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>

#include "care-json.h"

G_DEFINE_QUARK (care-json-error-quark, care_json_error)

static gboolean
fail (CareJsonReader *r,
      const char     *what)
{
  if (!r->failed && r->error != NULL && *r->error == NULL)
    g_set_error (r->error, CARE_JSON_ERROR, 0, "%s at byte %" G_GSIZE_FORMAT, what, (gsize) (r->p - r->start));
  r->failed = TRUE;
  return FALSE;
}

static inline void
skip_space (CareJsonReader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (CareJsonReader *r,
           gunichar       *out)
{
  gunichar v = 0;

  if (r->end - r->p < 4)
    return fail (r, "Cut-short \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int d = hex_digit (r->p[i]);

      if (d < 0)
        return fail (r, "Bad \\u escape");
      v = v << 4 | (gunichar) d;
    }
  r->p += 4;
  *out = v;
  return TRUE;
}

/* A string's contents, after its opening quote, into r->scratch (valid
 * UTF-8; an escaped NUL is read as U+001F, another control character,
 * which the rules refuse where text is checked, instead of cutting the
 * string short). With keep FALSE the string is only checked. */
static gboolean
read_string (CareJsonReader *r,
             gboolean        keep)
{
  if (keep)
    g_string_truncate (r->scratch, 0);
  for (;;)
    {
      const char *run = r->p;

      while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (guchar) *r->p >= 0x20)
        r->p++;
      if (r->p > run)
        {
          if (!g_utf8_validate_len (run, (gsize) (r->p - run), NULL))
            return fail (r, "Text that is not UTF-8");
          if (keep)
            g_string_append_len (r->scratch, run, r->p - run);
        }
      if (r->p >= r->end)
        return fail (r, "Unterminated string");
      if (*r->p == '"')
        {
          r->p++;
          return TRUE;
        }
      if ((guchar) *r->p < 0x20)
        return fail (r, "Control character in a string");
      /* An escape. */
      r->p++;
      if (r->p >= r->end)
        return fail (r, "Cut-short escape");
      switch (*r->p++)
        {
        case '"': g_string_append_c (r->scratch, '"'); break;
        case '\\': g_string_append_c (r->scratch, '\\'); break;
        case '/': g_string_append_c (r->scratch, '/'); break;
        case 'b': g_string_append_c (r->scratch, '\b'); break;
        case 'f': g_string_append_c (r->scratch, '\f'); break;
        case 'n': g_string_append_c (r->scratch, '\n'); break;
        case 'r': g_string_append_c (r->scratch, '\r'); break;
        case 't': g_string_append_c (r->scratch, '\t'); break;
        case 'u':
          {
            gunichar c;

            if (!read_hex4 (r, &c))
              return FALSE;
            if (c >= 0xD800 && c <= 0xDBFF)
              {
                gunichar low;

                if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
                  return fail (r, "Unpaired surrogate in a \\u escape");
                r->p += 2;
                if (!read_hex4 (r, &low))
                  return FALSE;
                if (low < 0xDC00 || low > 0xDFFF)
                  return fail (r, "Unpaired surrogate in a \\u escape");
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
              }
            else if (c >= 0xDC00 && c <= 0xDFFF)
              return fail (r, "Unpaired surrogate in a \\u escape");
            if (c == 0)
              c = 0x1F;
            g_string_append_unichar (r->scratch, c);
          }
          break;
        default:
          r->p--;
          return fail (r, "Unknown escape");
        }
    }
}

/* A number: whole numbers as int64 (refused outside its range), others as
 * doubles. */
static CareJsonKind
read_number (CareJsonReader *r,
             gint64         *integer,
             double         *real)
{
  const char *s = r->p;
  gboolean whole = TRUE;
  char buf[64];

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p < r->end && *r->p == '0')
    r->p++;
  else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  else
    return fail (r, "Bad number"), CARE_JSON_NONE;
  if (r->p < r->end && *r->p == '.')
    {
      whole = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "Bad number"), CARE_JSON_NONE;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      whole = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "Bad number"), CARE_JSON_NONE;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if ((gsize) (r->p - s) >= sizeof buf)
    return fail (r, "Number too long"), CARE_JSON_NONE;
  memcpy (buf, s, (gsize) (r->p - s));
  buf[r->p - s] = '\0';
  if (!whole)
    {
      *real = g_ascii_strtod (buf, NULL);
      return CARE_JSON_DOUBLE;
    }
  errno = 0;
  *integer = g_ascii_strtoll (buf, NULL, 10);
  if (errno != 0)
    return fail (r, "Integer out of range"), CARE_JSON_NONE;
  return CARE_JSON_INT;
}

static gboolean
literal (CareJsonReader *r,
         const char     *word)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return fail (r, "Unexpected character");
  r->p += n;
  return TRUE;
}

void
care_json_reader_init (CareJsonReader *r,
                       const char     *data,
                       gsize           len,
                       guint           max_depth,
                       GString        *scratch,
                       GError        **error)
{
  *r = (CareJsonReader) { data, data, data + len, 0, max_depth, FALSE, error, scratch };
}

void
care_json_reader_init_span (CareJsonReader       *r,
                            const CareJsonReader *parent,
                            const CareJsonSpan   *span)
{
  *r = *parent;
  r->p = span->start;
  r->end = span->end;
  r->depth = span->depth;
}

char
care_json_reader_peek (CareJsonReader *r)
{
  skip_space (r);
  return r->p < r->end && !r->failed ? *r->p : '\0';
}

gboolean
care_json_reader_enter (CareJsonReader *r,
                        char            open)
{
  if (care_json_reader_peek (r) != open)
    return fail (r, open == '{' ? "An object was expected" : "An array was expected");
  if (++r->depth > r->max_depth)
    return fail (r, "Nested too deep");
  r->p++;
  return TRUE;
}

gboolean
care_json_reader_next (CareJsonReader *r,
                       char            close,
                       gboolean       *first)
{
  char c = care_json_reader_peek (r);

  if (r->failed)
    return FALSE;
  /* After a comma this is not reached: "[1,]" fails on the value that
   * the comma promised. */
  if (c == close)
    {
      r->p++;
      r->depth--;
      return FALSE;
    }
  if (*first)
    {
      *first = FALSE;
      return TRUE;
    }
  if (c == ',')
    {
      r->p++;
      return TRUE;
    }
  return fail (r, close == '}' ? "',' or '}' was expected" : "',' or ']' was expected");
}

gboolean
care_json_reader_name (CareJsonReader *r)
{
  if (care_json_reader_peek (r) != '"')
    return fail (r, "A member name was expected");
  r->p++;
  if (!read_string (r, TRUE))
    return FALSE;
  if (care_json_reader_peek (r) != ':')
    return fail (r, "':' was expected");
  r->p++;
  return TRUE;
}

const char *
care_json_reader_keep_name (CareJsonReader *r,
                            char           *buf,
                            gsize           size,
                            char          **large)
{
  if (r->scratch->len < size)
    return memcpy (buf, r->scratch->str, r->scratch->len + 1);
  return *large = g_strndup (r->scratch->str, r->scratch->len);
}

CareJsonKind
care_json_reader_scalar (CareJsonReader *r,
                         gint64         *integer,
                         double         *real)
{
  gint64 i = 0;
  double d = 0;
  CareJsonKind kind;

  switch (care_json_reader_peek (r))
    {
    case '\0':
      return fail (r, "A value was expected"), CARE_JSON_NONE;
    case '{':
      return CARE_JSON_OBJECT;
    case '[':
      return CARE_JSON_ARRAY;
    case '"':
      r->p++;
      return read_string (r, TRUE) ? CARE_JSON_STRING : CARE_JSON_NONE;
    case 't':
      return literal (r, "true") ? CARE_JSON_TRUE : CARE_JSON_NONE;
    case 'f':
      return literal (r, "false") ? CARE_JSON_FALSE : CARE_JSON_NONE;
    case 'n':
      return literal (r, "null") ? CARE_JSON_NULL : CARE_JSON_NONE;
    default:
      kind = read_number (r, &i, &d);
      if (integer != NULL)
        *integer = i;
      if (real != NULL)
        *real = d;
      return kind;
    }
}

gboolean
care_json_reader_skip (CareJsonReader *r,
                       CareJsonSpan   *span,
                       guint          *n_elements)
{
  char open = care_json_reader_peek (r);
  gboolean first = TRUE;
  guint n = 0;

  if (span != NULL)
    *span = (CareJsonSpan) { r->p, r->p, r->depth };
  if (open == '{' || open == '[')
    {
      if (!care_json_reader_enter (r, open))
        return FALSE;
      while (care_json_reader_next (r, open == '{' ? '}' : ']', &first))
        {
          if (open == '{' && !care_json_reader_name (r))
            return FALSE;
          if (!care_json_reader_skip (r, NULL, NULL))
            return FALSE;
          n++;
        }
    }
  else
    {
      gint64 i;
      double d;

      if (open == '"')
        {
          r->p++;
          read_string (r, FALSE);
        }
      else
        care_json_reader_scalar (r, &i, &d);
    }
  if (r->failed)
    return FALSE;
  if (span != NULL)
    span->end = r->p;
  if (n_elements != NULL)
    *n_elements = n;
  return TRUE;
}

JsonNode *
care_json_reader_value (CareJsonReader *r)
{
  JsonNode *node;
  gboolean first = TRUE;
  gint64 i = 0;
  double d = 0;

  switch (care_json_reader_scalar (r, &i, &d))
    {
    case CARE_JSON_OBJECT:
      {
        g_autoptr(JsonObject) object = json_object_new ();

        if (!care_json_reader_enter (r, '{'))
          return NULL;
        while (care_json_reader_next (r, '}', &first))
          {
            char small[64];
            g_autofree char *large = NULL;
            const char *name;
            JsonNode *value;

            if (!care_json_reader_name (r))
              return NULL;
            /* JSON-GLib copies the name again. */
            name = care_json_reader_keep_name (r, small, sizeof small, &large);
            value = care_json_reader_value (r);
            if (value == NULL)
              return NULL;
            json_object_set_member (object, name, value);
          }
        if (r->failed)
          return NULL;
        node = json_node_alloc ();
        json_node_init_object (node, object);
        return node;
      }
    case CARE_JSON_ARRAY:
      {
        g_autoptr(JsonArray) array = json_array_new ();

        if (!care_json_reader_enter (r, '['))
          return NULL;
        while (care_json_reader_next (r, ']', &first))
          {
            JsonNode *value = care_json_reader_value (r);

            if (value == NULL)
              return NULL;
            json_array_add_element (array, value);
          }
        if (r->failed)
          return NULL;
        node = json_node_alloc ();
        json_node_init_array (node, array);
        return node;
      }
    case CARE_JSON_STRING:
      return json_node_init_string (json_node_alloc (), r->scratch->str);
    case CARE_JSON_INT:
      return json_node_init_int (json_node_alloc (), i);
    case CARE_JSON_DOUBLE:
      return json_node_init_double (json_node_alloc (), d);
    case CARE_JSON_TRUE:
      return json_node_init_boolean (json_node_alloc (), TRUE);
    case CARE_JSON_FALSE:
      return json_node_init_boolean (json_node_alloc (), FALSE);
    case CARE_JSON_NULL:
      return json_node_init_null (json_node_alloc ());
    case CARE_JSON_NONE:
    default:
      return NULL;
    }
}

gboolean
care_json_reader_finish (CareJsonReader *r)
{
  skip_space (r);
  if (r->failed)
    return FALSE;
  if (r->p != r->end)
    return fail (r, "Text after the value");
  return TRUE;
}

JsonNode *
care_json_parse (const char *data,
                 gsize       len,
                 guint       max_depth,
                 GError    **error)
{
  g_autoptr(GString) scratch = g_string_sized_new (64);
  CareJsonReader r;
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error_literal (error, CARE_JSON_ERROR, 0, "No text");
      return NULL;
    }
  care_json_reader_init (&r, data, len, max_depth, scratch, error);
  root = care_json_reader_value (&r);
  if (root == NULL)
    return NULL;
  if (!care_json_reader_finish (&r))
    {
      json_node_unref (root);
      return NULL;
    }
  return root;
}
