/* care-chain.c: a record's hash, and the chain of a device's records.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/verifying-records.md is the description for people; if it and this
 * file disagree, one of them is wrong.
 */
#include "care-config.h"

#include <math.h>
#include <string.h>
#include <nettle/sha2.h>

#include "care-chain.h"
#include "care-json.h"

/* Strings, escaped exactly as Python's json.dumps (ensure_ascii=False)
 * does: quote, backslash and the C0 controls; everything else as UTF-8. */
static void
append_string (GString    *out,
               const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      const guchar *run = p;

      /* Characters that need no escape go in one append, not one by one:
       * every record's hash goes through here. */
      while (*p >= 0x20 && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (*p == '\0')
        break;
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* The shortest decimal that reads back as d: its digits (no dot, no
 * trailing zeros) and the power of ten of the first one. */
static void
shortest_digits (double  d,
                 char   *digits,
                 int    *exp10)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *e;
  int n = 0;

  for (int precision = 0; precision < 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  /* buf is "D.DDDDe±XX" (or "De±XX"). */
  e = strchr (buf, 'e');
  *exp10 = (int) g_ascii_strtoll (e + 1, NULL, 10);
  for (const char *p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      digits[n++] = *p;
  while (n > 1 && digits[n - 1] == '0')
    n--;
  digits[n] = '\0';
}

/* Numbers: an integral value below 10^15 as an integer; any other as
 * Python's repr() writes a float (shortest round trip; positional from
 * 1e-4 to below 1e16, else d.ddde±XX). */
static void
append_double (GString *out,
               double   d)
{
  char digits[24];
  int exp10, n;

  if (!isfinite (d))
    {
      g_string_append (out, "null");
      return;
    }
  if (d == floor (d) && fabs (d) < 1e15)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) d);
      return;
    }
  if (d < 0)
    {
      g_string_append_c (out, '-');
      d = -d;
    }
  shortest_digits (d, digits, &exp10);
  n = (int) strlen (digits);
  if (exp10 < -4 || exp10 >= 16)
    {
      g_string_append_c (out, digits[0]);
      if (n > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%02d", exp10 < 0 ? '-' : '+', ABS (exp10));
    }
  else if (exp10 < 0)
    {
      g_string_append (out, "0.");
      for (int i = 0; i < -exp10 - 1; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      for (int i = 0; i <= exp10; i++)
        g_string_append_c (out, i < n ? digits[i] : '0');
      g_string_append_c (out, '.');
      g_string_append (out, n > exp10 + 1 ? digits + exp10 + 1 : "0");
    }
}

static void append_node (GString  *out,
                         JsonNode *node);

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
append_object (GString    *out,
               JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, compare_names);
  g_string_append_c (out, '{');
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];

      if (i > 0)
        g_string_append_c (out, ',');
      append_string (out, name);
      g_string_append_c (out, ':');
      append_node (out, json_object_get_member (object, name));
    }
  g_string_append_c (out, '}');
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
        }
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
    }
}

char *
care_event_canonical (const CareEvent *event)
{
  GString *out = g_string_sized_new (256);
  /* A record read only to be sent has its body as text. */
  g_autoptr(JsonObject) body = care_event_body_ref (event);

  /* The members in sorted order: author, body, device, hlc, id, link, seq,
   * type, wall. */
  g_string_append (out, "{\"author\":");
  append_string (out, event->author != NULL ? event->author : "");
  g_string_append (out, ",\"body\":");
  append_object (out, body);
  g_string_append (out, ",\"device\":");
  append_string (out, event->device != NULL ? event->device : "");
  g_string_append_printf (out, ",\"hlc\":%" G_GINT64_FORMAT ",\"id\":", event->hlc);
  append_string (out, event->id != NULL ? event->id : "");
  if (event->link != NULL)
    {
      g_string_append (out, ",\"link\":");
      append_string (out, event->link);
    }
  g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT ",\"type\":", event->seq);
  append_string (out, care_event_type_to_string (event->type) != NULL ? care_event_type_to_string (event->type) : "");
  g_string_append_printf (out, ",\"wall\":%" G_GINT64_FORMAT "}", event->wall);
  return g_string_free (out, FALSE);
}

const char care_base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
#define B64URL care_base64url_alphabet

char *
care_base64url_encode (const guint8 *data,
                       gsize         len)
{
  char *text = g_malloc ((len * 4 + 2) / 3 + 1);
  char *o = text;
  gsize i = 0;

  for (; i + 3 <= len; i += 3)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8 | data[i + 2];

      *o++ = B64URL[v >> 18];
      *o++ = B64URL[(v >> 12) & 63];
      *o++ = B64URL[(v >> 6) & 63];
      *o++ = B64URL[v & 63];
    }
  if (len - i == 1)
    {
      *o++ = B64URL[data[i] >> 2];
      *o++ = B64URL[(data[i] & 3) << 4];
    }
  else if (len - i == 2)
    {
      guint32 v = (guint32) data[i] << 8 | data[i + 1];

      *o++ = B64URL[v >> 10];
      *o++ = B64URL[(v >> 4) & 63];
      *o++ = B64URL[(v & 15) << 2];
    }
  *o = '\0';
  return text;
}

int
care_base64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/* Exactly len bytes in unpadded base64url, spelt canonically: the unused
 * low bits of the last character are zero (one spelling per value). */
gboolean
care_base64url_decode (const char *text,
                       guint8     *out,
                       gsize       len)
{
  gsize text_len, o = 0;
  guint32 acc = 0;
  guint bits = 0;

  if (text == NULL)
    return FALSE;
  text_len = strlen (text);
  if (text_len != (len * 4 + 2) / 3)
    return FALSE;
  for (gsize i = 0; i < text_len; i++)
    {
      int v = care_base64url_value (text[i]);

      if (v < 0)
        return FALSE;
      acc = acc << 6 | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[o++] = (guint8) (acc >> bits);
          acc &= (1u << bits) - 1;
        }
    }
  return o == len && acc == 0;
}

char *
care_event_hash (const CareEvent *event)
{
  g_autofree char *canonical = care_event_canonical (event);
  struct sha256_ctx sha;
  guint8 digest[SHA256_DIGEST_SIZE];

  sha256_init (&sha);
  sha256_update (&sha, strlen (canonical), (const guint8 *) canonical);
  sha256_digest (&sha, sizeof digest, digest);
  return care_base64url_encode (digest, sizeof digest);
}

gboolean
care_hash_is_valid (const char *text)
{
  guint8 digest[32];

  return care_base64url_decode (text, digest, sizeof digest);
}

char *
care_chain_head_message (const char *device,
                         gint64      seq,
                         const char *hash)
{
  return g_strdup_printf ("carelog-head:1 %s %" G_GINT64_FORMAT " %s", device, seq, hash);
}
