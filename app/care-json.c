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
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>

#include "care-json.h"

G_DEFINE_QUARK (care-json-error-quark, care_json_error)

typedef struct
{
  const char *p;
  const char *start;
  const char *end;
  guint depth;
  guint max_depth;
  GError **error;
  GString *scratch;
} Reader;

static gboolean
fail (Reader     *r,
      const char *what)
{
  if (r->error != NULL && *r->error == NULL)
    g_set_error (r->error, CARE_JSON_ERROR, 0, "%s at byte %" G_GSIZE_FORMAT, what, (gsize) (r->p - r->start));
  return FALSE;
}

static void
skip_space (Reader *r)
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
read_hex4 (Reader  *r,
           gunichar *out)
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
 * string short). */
static gboolean
read_string (Reader *r)
{
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

static JsonNode *read_value (Reader *r);

static JsonNode *
read_number (Reader *r)
{
  const char *s = r->p;
  gboolean integer = TRUE;
  char buf[64];
  JsonNode *node;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p < r->end && *r->p == '0')
    r->p++;
  else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  else
    return fail (r, "Bad number"), NULL;
  if (r->p < r->end && *r->p == '.')
    {
      integer = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "Bad number"), NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      integer = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "Bad number"), NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if ((gsize) (r->p - s) >= sizeof buf)
    return fail (r, "Number too long"), NULL;
  memcpy (buf, s, (gsize) (r->p - s));
  buf[r->p - s] = '\0';
  node = json_node_alloc ();
  if (integer)
    {
      char *end = NULL;
      gint64 v;

      errno = 0;
      v = g_ascii_strtoll (buf, &end, 10);
      if (errno != 0)
        {
          json_node_unref (node);
          return fail (r, "Integer out of range"), NULL;
        }
      json_node_init_int (node, v);
    }
  else
    json_node_init_double (node, g_ascii_strtod (buf, NULL));
  return node;
}

static gboolean
literal (Reader     *r,
         const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return fail (r, "Unexpected character");
  r->p += n;
  return TRUE;
}

static JsonNode *
read_object (Reader *r)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node;

  skip_space (r);
  if (r->p < r->end && *r->p == '}')
    r->p++;
  else
    for (;;)
      {
        g_autofree char *name = NULL;
        JsonNode *value;

        skip_space (r);
        if (r->p >= r->end || *r->p != '"')
          return fail (r, "A member name was expected"), NULL;
        r->p++;
        if (!read_string (r))
          return NULL;
        name = g_strndup (r->scratch->str, r->scratch->len);
        skip_space (r);
        if (r->p >= r->end || *r->p != ':')
          return fail (r, "':' was expected"), NULL;
        r->p++;
        value = read_value (r);
        if (value == NULL)
          return NULL;
        json_object_set_member (object, name, value);
        skip_space (r);
        if (r->p < r->end && *r->p == ',')
          {
            r->p++;
            continue;
          }
        if (r->p < r->end && *r->p == '}')
          {
            r->p++;
            break;
          }
        return fail (r, "',' or '}' was expected"), NULL;
      }
  node = json_node_alloc ();
  json_node_init_object (node, object);
  return node;
}

static JsonNode *
read_array (Reader *r)
{
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node;

  skip_space (r);
  if (r->p < r->end && *r->p == ']')
    r->p++;
  else
    for (;;)
      {
        JsonNode *value = read_value (r);

        if (value == NULL)
          return NULL;
        json_array_add_element (array, value);
        skip_space (r);
        if (r->p < r->end && *r->p == ',')
          {
            r->p++;
            continue;
          }
        if (r->p < r->end && *r->p == ']')
          {
            r->p++;
            break;
          }
        return fail (r, "',' or ']' was expected"), NULL;
      }
  node = json_node_alloc ();
  json_node_init_array (node, array);
  return node;
}

static JsonNode *
read_value (Reader *r)
{
  JsonNode *node = NULL;

  skip_space (r);
  if (r->p >= r->end)
    return fail (r, "A value was expected"), NULL;
  switch (*r->p)
    {
    case '{':
    case '[':
      if (++r->depth > r->max_depth)
        return fail (r, "Nested too deep"), NULL;
      r->p++;
      node = r->p[-1] == '{' ? read_object (r) : read_array (r);
      r->depth--;
      return node;
    case '"':
      r->p++;
      if (!read_string (r))
        return NULL;
      node = json_node_alloc ();
      json_node_init_string (node, r->scratch->str);
      return node;
    case 't':
      return literal (r, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return literal (r, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return literal (r, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      return read_number (r);
    }
}

JsonNode *
care_json_parse (const char *data,
                 gsize       len,
                 guint       max_depth,
                 GError    **error)
{
  g_autoptr(GString) scratch = g_string_sized_new (64);
  Reader r = { data, data, data + len, 0, max_depth, error, scratch };
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error_literal (error, CARE_JSON_ERROR, 0, "No text");
      return NULL;
    }
  root = read_value (&r);
  if (root == NULL)
    return NULL;
  skip_space (&r);
  if (r.p != r.end)
    {
      json_node_unref (root);
      fail (&r, "Text after the value");
      return NULL;
    }
  return root;
}
