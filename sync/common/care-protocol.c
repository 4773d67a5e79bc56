/* care-protocol.c: Carelog sync protocols 1 and 2, encoding and validation.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>
#include <gio/gio.h>

#include "care-chain.h"
#include "care-json.h"
#include "care-protocol.h"
#include "care-sign.h"

G_DEFINE_QUARK (care-sync-error-quark, care_sync_error)

static gboolean
bad_request (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad_request (GError    **error,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST, message);
  return FALSE;
}

gboolean
care_protocol_check_json (const char *data,
                          gsize       len,
                          guint       max_depth,
                          GError    **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  if (!g_utf8_validate_len (data, len, NULL))
    return bad_request (error, "The request body is not valid UTF-8 text (or contains a NUL byte).");
  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          if (++depth > max_depth)
            return bad_request (error, "The request body nests JSON deeper than %u levels.", max_depth);
          break;
        case '}':
        case ']':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

JsonNode *
care_protocol_parse_object (const char *data,
                            gsize       len,
                            GError    **error)
{
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (len == 0)
    return bad_request (error, "The request body is empty; a JSON object was expected."), NULL;
  if (!care_protocol_check_json (data, len, CARE_MAX_DEPTH, error))
    return NULL;
  /* An escaped NUL ("\u0000") is read as another control character, which
   * validation refuses for the one record that carries it (care-json.h). */
  root = care_json_parse (data, len, CARE_MAX_DEPTH, &local);
  if (root == NULL)
    return bad_request (error, "The request body is not valid JSON: %s.", local->message), NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      json_node_unref (root);
      return bad_request (error, "The request body must be a JSON object."), NULL;
    }
  json_node_seal (root);
  return root;
}

/* Runs converter over data into one buffer, which starts at `hint` bytes
 * (the output's expected size) and doubles from there; the converter
 * writes into it directly. */
static GBytes *
convert_all (GConverter *converter,
             const void *data,
             gsize       len,
             gsize       max_out,
             gsize       hint,
             GError    **error)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (MAX (hint, 4096));
  const guint8 *in = data;
  gsize in_left = len;
  gsize used = 0;

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r;
      g_autoptr(GError) local = NULL;

      /* At least 64 KiB free for the converter, the array's room doubled
       * when it has less. */
      if (out->len - used < 65536)
        g_byte_array_set_size (out, MAX (used + 65536, MAX (hint, used * 2)));
      r = g_converter_convert (converter, in, in_left, out->data + used, out->len - used,
                               G_CONVERTER_INPUT_AT_END, &read, &written, &local);
      if (r == G_CONVERTER_ERROR)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NO_SPACE) && used < max_out)
            {
              g_byte_array_set_size (out, out->len * 2);
              continue;
            }
          g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                       "The compressed body is damaged: %s.", local->message);
          return NULL;
        }
      in += read;
      in_left -= read;
      if (used + written > max_out)
        {
          g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TOO_LARGE,
                       "The body is larger than %" G_GSIZE_FORMAT " bytes once decompressed.", max_out);
          return NULL;
        }
      used += written;
      if (r == G_CONVERTER_FINISHED)
        break;
      if (read == 0 && written == 0 && in_left == 0)
        {
          g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                       "The compressed body is cut short.");
          return NULL;
        }
    }
  g_byte_array_set_size (out, used);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
care_gzip (const void *data,
           gsize       len,
           int         level)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, level);

  return convert_all (G_CONVERTER (z), data, len, G_MAXSIZE, len / 4, NULL);
}

GBytes *
care_gunzip (const void *data,
             gsize       len,
             gsize       max_out,
             GError    **error)
{
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  gsize hint = 0;

  /* A gzip member ends with its size (mod 2^32, little-endian): the buffer
   * starts there rather than growing to it by copies. Only a hint, and
   * bounded (max_out, and 64 times the compressed size): a body that
   * claims more only costs what it really holds. */
  if (len >= 18)
    {
      const guint8 *end = (const guint8 *) data + len - 4;

      hint = (gsize) end[0] | (gsize) end[1] << 8 | (gsize) end[2] << 16 | (gsize) end[3] << 24;
      hint = MIN (hint, MIN (max_out, len * 64));
    }
  return convert_all (G_CONVERTER (z), data, len, max_out, hint, error);
}

void
care_json_append_string (GString    *out,
                         const char *s)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      const unsigned char *run = p;

      /* Characters that need no escape go in one append, not one by one
       * (the server builds every stored body with this). */
      while (*p >= 0x20 && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (*p == '\0')
        break;
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        default:
          if (*p < 0x20)
            {
              g_string_append (out, "\\u00");
              g_string_append_c (out, hex[*p >> 4]);
              g_string_append_c (out, hex[*p & 15]);
            }
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_object (GString    *out,
               JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      care_json_append_string (out, name);
      g_string_append_c (out, ':');
      care_json_append_node (out, member);
    }
  g_string_append_c (out, '}');
}

void
care_json_append_node (GString  *out,
                       JsonNode *node)
{
  switch (node ? json_node_get_node_type (node) : JSON_NODE_NULL)
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
            care_json_append_node (out, json_array_get_element (array, i));
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
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          care_json_append_string (out, json_node_get_string (node));
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
care_json_object_to_string (JsonObject *object)
{
  GString *out = g_string_sized_new (128);

  append_object (out, object);
  return g_string_free (out, FALSE);
}

gboolean
care_protocol_id_is_valid (const char *id)
{
  gsize n = 0;

  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *p = id; *p; p++, n++)
    if (*p < 0x21 || *p > 0x7e || n >= CARE_ID_MAX_LEN)
      return FALSE;
  return TRUE;
}

gboolean
care_request_id_is_valid (const char *id)
{
  gsize n = 0;

  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *p = id; *p; p++, n++)
    if (n >= CARE_MAX_REQUEST_ID
        || !(g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
node_is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_bool (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* ---- push ---- */

GBytes *
care_push_request_encode (GPtrArray *events)
{
  return care_push_request_encode_signed (events, NULL, NULL);
}

/* The start of a push batch of either version, up to its records:
 * {"s":…,"a":…[,"g":…][,"gk":…],"e":[ */
static void
append_batch_head (GString         *out,
                   const CareEvent *first,
                   const char      *signature,
                   const char      *sign_key)
{
  g_string_append_printf (out, "{\"s\":%" G_GINT64_FORMAT ",\"a\":", first ? first->seq : 1);
  care_json_append_string (out, first ? first->author : "");
  if (signature != NULL)
    {
      g_string_append (out, ",\"g\":");
      care_json_append_string (out, signature);
    }
  if (sign_key != NULL)
    {
      g_string_append (out, ",\"gk\":");
      care_json_append_string (out, sign_key);
    }
  g_string_append (out, ",\"e\":[");
}

GBytes *
care_push_request_encode_signed (GPtrArray  *events,
                                 const char *signature,
                                 const char *sign_key)
{
  g_autoptr(GString) out = g_string_sized_new (256 + events->len * 200);
  const CareEvent *first = events->len > 0 ? g_ptr_array_index (events, 0) : NULL;
  gint64 prev_hlc = 0;

  append_batch_head (out, first, signature, sign_key);
  for (guint i = 0; i < events->len; i++)
    {
      const CareEvent *e = g_ptr_array_index (events, i);
      /* Wrapping (unsigned) arithmetic: never undefined, and a value that
       * wrapped is refused by the decoder's overflow checks. */
      gint64 wall_delta = (gint64) ((guint64) e->wall - (guint64) (e->hlc >> 16));
      gint64 hlc_delta = (gint64) ((guint64) e->hlc - (guint64) prev_hlc);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"i\":");
      care_json_append_string (out, e->id);
      g_string_append_printf (out, ",\"h\":%" G_GINT64_FORMAT, i == 0 ? e->hlc : hlc_delta);
      if (wall_delta != 0)
        g_string_append_printf (out, ",\"w\":%" G_GINT64_FORMAT, wall_delta);
      if (g_strcmp0 (e->author, first->author) != 0)
        {
          g_string_append (out, ",\"a\":");
          care_json_append_string (out, e->author);
        }
      /* The link only where the server cannot imply it: a linked record
       * links to the record before it in the batch (docs/sync-protocol.md). */
      if (e->link != NULL && (i == 0 || ((const CareEvent *) g_ptr_array_index (events, i - 1))->link == NULL))
        {
          g_string_append (out, ",\"l\":");
          care_json_append_string (out, e->link);
        }
      g_string_append (out, ",\"t\":");
      care_json_append_string (out, care_event_type_to_string (e->type) ?: "");
      g_string_append (out, ",\"b\":");
      {
        g_autoptr(JsonObject) body = care_event_body_ref (e);

        append_object (out, body);
      }
      g_string_append_c (out, '}');
      prev_hlc = e->hlc;
    }
  g_string_append (out, "]}");
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

static void
push_entry_free (gpointer data)
{
  CarePushEntry *entry = data;

  g_free (entry->id);
  g_clear_pointer (&entry->event, care_event_free);
  g_free (entry->message);
  g_free (entry->hash);
  g_free (entry->hash_link);
  g_free (entry);
}

void
care_push_request_free (CarePushRequest *request)
{
  if (request == NULL)
    return;
  g_clear_pointer (&request->entries, g_ptr_array_unref);
  g_free (request->signature);
  g_free (request->sign_key);
  g_free (request);
}

/* Whether o has only the members known names. */
static gboolean
keys_are (JsonObject         *o,
          const char * const *known)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (known, name))
      return FALSE;
  return TRUE;
}

/* The keys of a pushed record ("l": its link, when sent). */
static gboolean
envelope_is_known (JsonObject *o)
{
  static const char *known[] = { "i", "h", "w", "a", "t", "b", "l", NULL };

  return keys_are (o, known);
}

static CareEvent *
decode_push_event (JsonNode   *node,
                   const char *device,
                   const char *batch_author,
                   gint64      seq,
                   gboolean    first,
                   gint64     *hlc,
                   GError    **error)
{
  g_autoptr(CareEvent) event = care_event_new ();
  g_autoptr(GError) local = NULL;
  JsonObject *o;
  JsonNode *n;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_request (error, "The record is not a JSON object."), NULL;
  o = json_node_get_object (node);
  n = json_object_get_member (o, "i");
  if (!node_is_string (n) || !care_protocol_id_is_valid (json_node_get_string (n)))
    return bad_request (error, "The record has no valid id (\"i\")."), NULL;
  event->id = g_strdup (json_node_get_string (n));
  n = json_object_get_member (o, "h");
  if (!node_is_int (n))
    return bad_request (error, "The record has no clock stamp (\"h\")."), NULL;
  /* Deltas from a hostile device must not overflow (undefined in C). */
  if (first)
    event->hlc = json_node_get_int (n);
  else if (__builtin_add_overflow (*hlc, json_node_get_int (n), &event->hlc))
    return bad_request (error, "The record's clock stamp (\"h\") is out of range."), NULL;
  *hlc = event->hlc;
  event->wall = *hlc >> 16;
  n = json_object_get_member (o, "w");
  if (n != NULL)
    {
      if (!node_is_int (n))
        return bad_request (error, "The record's \"w\" is not a whole number."), NULL;
      if (__builtin_add_overflow (event->wall, json_node_get_int (n), &event->wall))
        return bad_request (error, "The record's wall time (\"w\") is out of range."), NULL;
    }
  if (!envelope_is_known (o))
    return bad_request (error, "The record has a key this server does not know; only i, h, w, a, t, b and l are "
                        "used."), NULL;
  n = json_object_get_member (o, "l");
  if (n != NULL && (!node_is_string (n) || !care_hash_is_valid (json_node_get_string (n))))
    return bad_request (error, "The record's link (\"l\") is not a record hash."), NULL;
  event->link = n != NULL ? g_strdup (json_node_get_string (n)) : NULL;
  n = json_object_get_member (o, "a");
  if (n != NULL && !node_is_string (n))
    return bad_request (error, "The record's author (\"a\") is not text."), NULL;
  event->author = g_strdup (n != NULL ? json_node_get_string (n) : batch_author);
  n = json_object_get_member (o, "t");
  if (!node_is_string (n))
    return bad_request (error, "The record has no type (\"t\")."), NULL;
  event->type = care_event_type_from_string (json_node_get_string (n));
  if (event->type == CARE_EVENT_INVALID)
    return bad_request (error, "The record type “%s” is not known to this server.",
                        json_node_get_string (n)), NULL;
  n = json_object_get_member (o, "b");
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return bad_request (error, "The record's body (\"b\") is not a JSON object."), NULL;
  event->body = json_node_dup_object (n);
  event->device = g_strdup (device);
  event->seq = seq;
  if (!care_event_validate (event, &local))
    return bad_request (error, "%s", local->message), NULL;
  return g_steal_pointer (&event);
}

/* A push batch's head as either version sends it. */
typedef struct
{
  gboolean has_s;
  gint64 s;
  const char *author;       /* NULL: missing or not text */
  int n_events;             /* -1: "e" missing or not an array */
  gboolean has_signature;
  const char *signature;    /* NULL: not text */
  gboolean has_sign_key;
  const char *sign_key;     /* NULL: not text */
} BatchHead;

/* What a push batch of either version must have: "s" (the first sequence
 * number), "a", and "e" with 1 to CARE_MAX_BATCH records; and may have:
 * "g" (the signature of the head it extends) and "gk" (the device's
 * public signing key). Fills request's first_seq, signature and sign_key. */
static gboolean
check_batch_head (const BatchHead *h,
                  CarePushRequest *request,
                  GError         **error)
{
  if (!h->has_s || h->s < 1)
    return bad_request (error, "The push needs \"s\", the first sequence number (1 or more).");
  if (h->s > G_MAXINT64 / 2)
    return bad_request (error, "The first sequence number is out of range.");
  if (h->author == NULL)
    return bad_request (error, "The push needs \"a\", the author's member id, as text.");
  if (h->n_events < 0)
    return bad_request (error, "The push needs \"e\", an array of records.");
  if (h->n_events == 0)
    return bad_request (error, "The push has no records.");
  if (h->n_events > CARE_MAX_BATCH)
    {
      g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TOO_LARGE,
                   "The push has %d records; this server accepts at most %d per push.",
                   h->n_events, CARE_MAX_BATCH);
      return FALSE;
    }
  if (h->has_signature && (h->signature == NULL || strlen (h->signature) > 1024))
    return bad_request (error, "The push's signature (\"g\") is not text of at most 1024 characters.");
  if (h->has_sign_key && (h->sign_key == NULL || !care_sign_key_is_valid (h->sign_key)))
    return bad_request (error, "The push's signing key (\"gk\") is not an Ed25519 public key.");
  request->first_seq = h->s;
  request->signature = g_strdup (h->signature);
  request->sign_key = g_strdup (h->sign_key);
  return TRUE;
}

static const char *
string_or_null (JsonNode *node)
{
  return node_is_string (node) ? json_node_get_string (node) : NULL;
}

static gboolean
decode_batch_head (JsonObject      *o,
                   CarePushRequest *request,
                   GError         **error)
{
  JsonNode *s = json_object_get_member (o, "s");
  JsonNode *e = json_object_get_member (o, "e");
  JsonNode *g = json_object_get_member (o, "g");
  JsonNode *gk = json_object_get_member (o, "gk");
  BatchHead head = {
    .has_s = node_is_int (s),
    .s = node_is_int (s) ? json_node_get_int (s) : 0,
    .author = string_or_null (json_object_get_member (o, "a")),
    .n_events = e != NULL && JSON_NODE_HOLDS_ARRAY (e) ? (int) MIN (json_array_get_length (json_node_get_array (e)),
                                                                     G_MAXINT) : -1,
    .has_signature = g != NULL,
    .signature = string_or_null (g),
    .has_sign_key = gk != NULL,
    .sign_key = string_or_null (gk),
  };

  return check_batch_head (&head, request, error);
}

CarePushRequest *
care_push_request_decode (JsonNode   *root,
                          const char *device,
                          GError    **error)
{
  g_autoptr(CarePushRequest) request = g_new0 (CarePushRequest, 1);
  JsonObject *o = json_node_get_object (root);
  JsonArray *events;
  gint64 hlc = 0;
  guint n;

  if (!decode_batch_head (o, request, error))
    return NULL;
  events = json_object_get_array_member (o, "e");
  n = json_array_get_length (events);
  request->entries = g_ptr_array_new_full (n, push_entry_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      CarePushEntry *entry = g_new0 (CarePushEntry, 1);
      g_autoptr(GError) local = NULL;

      entry->seq = request->first_seq + i;
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          const char *id = json_object_get_string_member_with_default (json_node_get_object (node), "i", NULL);
          JsonNode *idn = json_object_get_member (json_node_get_object (node), "i");

          if (node_is_string (idn) && id != NULL)
            entry->id = g_strdup (id);
        }
      entry->event = decode_push_event (node, device, json_object_get_string_member (o, "a"),
                                        entry->seq, i == 0, &hlc, &local);
      if (entry->event == NULL)
        entry->message = g_strdup (local->message);
      /* Linked: it carries "l", or follows a linked record of the batch
       * (then its link is that record's hash, which the core computes). */
      entry->linked = JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (json_node_get_object (node), "l");
      if (!entry->linked && i > 0)
        entry->linked = ((CarePushEntry *) g_ptr_array_index (request->entries, i - 1))->linked;
      g_ptr_array_add (request->entries, entry);
    }
  return g_steal_pointer (&request);
}

static CarePushStatus
decode_push_item (JsonNode *node,
                  char    **reason,
                  char    **code)
{
  if (node_is_int (node))
    return json_node_get_int (node) == 1 ? CARE_PUSH_DUPLICATE : CARE_PUSH_ACCEPTED;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);

      *reason = g_strdup (json_object_get_string_member_with_default (o, "m", "The co-op refused this record."));
      *code = g_strdup (json_object_get_string_member_with_default (o, "c", "invalid"));
      return CARE_PUSH_REJECTED;
    }
  return -1;
}

static void
push_item_free (gpointer data)
{
  CarePushItem *item = data;

  g_free (item->id);
  g_free (item->reason);
  g_free (item->code);
  g_free (item);
}

CarePushResult *
care_push_result_decode (JsonNode  *root,
                         GPtrArray *events,
                         GError   **error)
{
  g_autoptr(CarePushResult) result = g_new0 (CarePushResult, 1);
  JsonObject *o = json_node_get_object (root);
  JsonNode *k = json_object_get_member (o, "k");
  JsonNode *x = json_object_get_member (o, "x");
  JsonNode *r = json_object_get_member (o, "r");
  JsonNode *t = json_object_get_member (o, "t");
  JsonNode *q = json_object_get_member (o, "q");
  JsonArray *items;

  if (!node_is_int (k) || (x != NULL && !node_is_int (x)) || (q != NULL && !node_is_int (q))
      || r == NULL || !JSON_NODE_HOLDS_ARRAY (r))
    return bad_request (error, "The server's answer to a push is malformed."), NULL;
  result->received = q != NULL ? MAX (json_node_get_int (q), 0) : 0;
  result->acked_seq = json_node_get_int (k);
  result->expected_seq = x != NULL ? json_node_get_int (x) : 0;
  result->server_time = node_is_int (t) ? json_node_get_int (t) : 0;
  result->items = g_ptr_array_new_with_free_func (push_item_free);
  items = json_node_get_array (r);
  if (result->expected_seq == 0 && json_array_get_length (items) != events->len)
    return bad_request (error, "The server answered for %u records instead of %u.",
                        json_array_get_length (items), events->len), NULL;
  for (guint i = 0; i < json_array_get_length (items) && i < events->len; i++)
    {
      CarePushItem *item = g_new0 (CarePushItem, 1);
      const CareEvent *e = g_ptr_array_index (events, i);
      int status;

      g_ptr_array_add (result->items, item);
      item->id = g_strdup (e->id);
      status = decode_push_item (json_array_get_element (items, i), &item->reason, &item->code);
      if (status < 0)
        return bad_request (error, "The server's answer for a record is malformed."), NULL;
      item->status = status;
    }
  return g_steal_pointer (&result);
}

/* ---- protocol 2: compact push batches (docs/sync-protocol.md) ---- */


static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* A canonical UUIDv7 (lowercase, version 7, variant 10): its millisecond
 * time and its 74 random bits. */
static gboolean
parse_uuid7 (const char        *id,
             gint64            *ms,
             unsigned __int128 *random)
{
  unsigned __int128 v = 0;
  guint digits = 0;

  if (id == NULL || strlen (id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-'
      || id[14] != '7' || hex_value (id[19]) < 8 || hex_value (id[19]) > 11)
    return FALSE;
  for (const char *p = id; *p; p++)
    {
      int h;

      if (*p == '-')
        continue;
      h = hex_value (*p);
      if (h < 0)
        return FALSE;
      v = (v << 4) | (unsigned) h;
      digits++;
    }
  if (digits != 32)
    return FALSE;
  *ms = (gint64) (v >> 80);
  /* rand_a (12 bits) then rand_b (62 bits) */
  *random = (((v >> 64) & 0xfff) << 62) | (v & (((unsigned __int128) 1 << 62) - 1));
  return TRUE;
}

static char *
format_uuid7 (gint64            ms,
              unsigned __int128 random)
{
  unsigned __int128 v = ((unsigned __int128) ms << 80) | ((unsigned __int128) 7 << 76)
                        | ((random >> 62) << 64) | ((unsigned __int128) 2 << 62)
                        | (random & (((unsigned __int128) 1 << 62) - 1));
  char *id = g_malloc (37);

  /* 8-4-4-4-12 hex digits, from the last */
  for (int i = 35; i >= 0; i--)
    if (i == 8 || i == 13 || i == 18 || i == 23)
      id[i] = '-';
    else
      {
        id[i] = "0123456789abcdef"[(unsigned) (v & 15)];
        v >>= 4;
      }
  id[36] = '\0';
  return id;
}

/* An id as protocol 2 sends it: a UUIDv7 as "<ms delta>.<13 base64url
 * characters>" (its time as the difference from the batch's previous
 * UUID, its 74 random bits in binary), anything else as "=" and the id. */
static void
append_compact_id (GString    *out,
                   const char *id,
                   gint64     *prev_ms)
{
  unsigned __int128 random;
  unsigned __int128 v;
  gint64 ms;
  char chars[14];

  if (!parse_uuid7 (id, &ms, &random))
    {
      g_autofree char *literal = g_strconcat ("=", id, NULL);

      care_json_append_string (out, literal);
      return;
    }
  v = random << 4;
  for (int i = 12; i >= 0; i--, v >>= 6)
    chars[i] = care_base64url_alphabet[(unsigned) (v & 63)];
  chars[13] = '\0';
  g_string_append_printf (out, "\"%" G_GINT64_FORMAT ".%s\"", ms - *prev_ms, chars);
  *prev_ms = ms;
}

/* The id back, or NULL when text is not exactly one of the two forms. */
static char *
decode_compact_id (const char *text,
                   gint64     *prev_ms)
{
  const char *dot;
  const char *p = text;
  gboolean negative = FALSE;
  guint64 delta = 0;
  unsigned __int128 v = 0;
  gint64 ms;

  if (text == NULL)
    return NULL;
  if (text[0] == '=')
    return care_protocol_id_is_valid (text + 1) ? g_strdup (text + 1) : NULL;
  dot = strchr (text, '.');
  if (dot == NULL || strlen (dot + 1) != 13)
    return NULL;
  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  /* Decimal, no leading zeros, at most 15 digits (a 48-bit time). */
  if (p == dot || dot - p > 15 || (*p == '0' && dot - p > 1) || (negative && *p == '0'))
    return NULL;
  for (; p < dot; p++)
    {
      if (!g_ascii_isdigit (*p))
        return NULL;
      delta = delta * 10 + (guint64) (*p - '0');
    }
  ms = negative ? *prev_ms - (gint64) delta : *prev_ms + (gint64) delta;
  if (ms < 0 || ms >= ((gint64) 1 << 48))
    return NULL;
  for (p = dot + 1; *p; p++)
    {
      int b = care_base64url_value (*p);

      if (b < 0)
        return NULL;
      v = (v << 6) | (unsigned) b;
    }
  if ((v & 15) != 0)
    return NULL;
  *prev_ms = ms;
  return format_uuid7 (ms, v >> 4);
}

static void append_value_v2 (GString *out, JsonNode *node, gint64 wall, gint64 *prev_ms);

static void
append_object_v2 (GString    *out,
                  JsonObject *object,
                  gint64      wall,
                  gint64     *prev_ms,
                  gboolean    skip_first)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (skip_first)
        {
          skip_first = FALSE;
          continue;
        }
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      care_json_append_string (out, name);
      g_string_append_c (out, ':');
      append_value_v2 (out, member, wall, prev_ms);
    }
  g_string_append_c (out, '}');
}

/* Inside a body: a UUIDv7 string as {"~":"<compact id>"}, the record's own
 * wall time as {"~":"w"}; valid bodies never have a "~" member, so these
 * cannot be mistaken for anything a body says. */
static void
append_value_v2 (GString  *out,
                 JsonNode *node,
                 gint64    wall,
                 gint64   *prev_ms)
{
  gint64 ms;
  unsigned __int128 random;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    append_object_v2 (out, json_node_get_object (node), wall, prev_ms, FALSE);
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_value_v2 (out, json_array_get_element (array, i), wall, prev_ms);
        }
      g_string_append_c (out, ']');
    }
  else if (node_is_string (node) && parse_uuid7 (json_node_get_string (node), &ms, &random))
    {
      g_string_append (out, "{\"~\":");
      append_compact_id (out, json_node_get_string (node), prev_ms);
      g_string_append_c (out, '}');
    }
  else if (node_is_int (node) && json_node_get_int (node) == wall)
    g_string_append (out, "{\"~\":\"w\"}");
  else
    care_json_append_node (out, node);
}

GBytes *
care_push_request_encode_v2 (GPtrArray  *events,
                             const char *signature)
{
  return care_push_request_encode_v2_signed (events, signature, NULL);
}

/* A stored body's text as append_value_v2 writes the same value as a
 * tree (r checked by a first pass: it cannot fail here). Scalars that need
 * no compact form are copied as they are. */
static void
append_text_value_v2 (GString        *out,
                      CareJsonReader *r,
                      gint64          wall,
                      gint64         *prev_ms)
{
  char open = care_json_reader_peek (r);
  const char *start = r->p;
  gboolean first = TRUE;
  gint64 integer = 0;
  gint64 ms;
  unsigned __int128 random;
  guint n = 0;

  if (open == '{' || open == '[')
    {
      care_json_reader_enter (r, open);
      g_string_append_c (out, open);
      while (care_json_reader_next (r, open == '{' ? '}' : ']', &first))
        {
          if (n++ > 0)
            g_string_append_c (out, ',');
          if (open == '{')
            {
              care_json_reader_name (r);
              care_json_append_string (out, r->scratch->str);
              g_string_append_c (out, ':');
            }
          append_text_value_v2 (out, r, wall, prev_ms);
        }
      g_string_append_c (out, open == '{' ? '}' : ']');
      return;
    }
  switch (care_json_reader_scalar (r, &integer, NULL))
    {
    case CARE_JSON_STRING:
      if (parse_uuid7 (r->scratch->str, &ms, &random))
        {
          g_string_append (out, "{\"~\":");
          append_compact_id (out, r->scratch->str, prev_ms);
          g_string_append_c (out, '}');
        }
      else
        care_json_append_string (out, r->scratch->str);
      break;
    case CARE_JSON_INT:
      if (integer == wall)
        {
          g_string_append (out, "{\"~\":\"w\"}");
          break;
        }
      G_GNUC_FALLTHROUGH;
    default:
      g_string_append_len (out, start, r->p - start);
      break;
    }
}

/* A record whose body is text (read to be sent): r over it, checked to be
 * a JSON object (FALSE: it is sent as {}, as the tree would read it), and
 * its first member's value in *visit when that member is "visit" and text
 * (hoisted). */
static gboolean
text_body_start (const CareEvent *e,
                 CareJsonReader  *r,
                 GString         *scratch,
                 char           **visit)
{
  CareJsonReader check;
  gboolean first = TRUE;

  *visit = NULL;
  care_json_reader_init (&check, e->body_text, strlen (e->body_text), CARE_JSON_MAX_DEPTH, scratch, NULL);
  if (care_json_reader_peek (&check) != '{' || !care_json_reader_skip (&check, NULL, NULL)
      || !care_json_reader_finish (&check))
    return FALSE;
  care_json_reader_init (r, e->body_text, strlen (e->body_text), CARE_JSON_MAX_DEPTH, scratch, NULL);
  care_json_reader_enter (r, '{');
  check = *r;
  if (care_json_reader_next (&check, '}', &first) && care_json_reader_name (&check)
      && g_str_equal (scratch->str, "visit") && care_json_reader_scalar (&check, NULL, NULL) == CARE_JSON_STRING)
    *visit = g_strdup (scratch->str);
  return TRUE;
}

/* The members of the body r has entered, from the next one on. */
static void
append_text_members_v2 (GString        *out,
                        CareJsonReader *r,
                        gboolean        first,
                        gint64          wall,
                        gint64         *prev_ms)
{
  guint n = 0;

  g_string_append_c (out, '{');
  while (care_json_reader_next (r, '}', &first))
    {
      if (n++ > 0)
        g_string_append_c (out, ',');
      care_json_reader_name (r);
      care_json_append_string (out, r->scratch->str);
      g_string_append_c (out, ':');
      append_text_value_v2 (out, r, wall, prev_ms);
    }
  g_string_append_c (out, '}');
}

GBytes *
care_push_request_encode_v2_signed (GPtrArray  *events,
                                    const char *signature,
                                    const char *sign_key)
{
  g_autoptr(GString) out = g_string_sized_new (256 + events->len * 120);
  g_autoptr(GString) scratch = g_string_sized_new (64);
  const CareEvent *first = events->len > 0 ? g_ptr_array_index (events, 0) : NULL;
  g_autofree char *prev_visit = NULL;
  gint64 prev_hlc = 0, prev_ms = 0;

  append_batch_head (out, first, signature, sign_key);
  for (guint i = 0; i < events->len; i++)
    {
      const CareEvent *e = g_ptr_array_index (events, i);
      gint64 wall_delta = (gint64) ((guint64) e->wall - (guint64) (e->hlc >> 16));
      gint64 hlc_delta = (gint64) ((guint64) e->hlc - (guint64) prev_hlc);
      g_autofree char *visit = NULL;
      CareJsonReader text;
      gboolean text_body = FALSE, hoist;

      /* The visit is hoisted out of the body when it is the body's first
       * member, so the body comes back exactly as it was. */
      if (e->body == NULL && e->body_text != NULL)
        text_body = text_body_start (e, &text, scratch, &visit);
      else if (e->body != NULL && node_is_string (json_object_get_member (e->body, "visit")))
        {
          JsonObjectIter iter;
          const char *name = NULL;

          json_object_iter_init_ordered (&iter, e->body);
          if (json_object_iter_next_ordered (&iter, &name, NULL) && g_str_equal (name, "visit"))
            visit = g_strdup (json_object_get_string_member (e->body, "visit"));
        }
      hoist = visit != NULL;
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"i\":");
      append_compact_id (out, e->id, &prev_ms);
      g_string_append_printf (out, ",\"h\":%" G_GINT64_FORMAT, i == 0 ? e->hlc : hlc_delta);
      if (wall_delta != 0)
        g_string_append_printf (out, ",\"w\":%" G_GINT64_FORMAT, wall_delta);
      if (g_strcmp0 (e->author, first->author) != 0)
        {
          g_string_append (out, ",\"a\":");
          care_json_append_string (out, e->author);
        }
      g_string_append (out, ",\"t\":");
      care_json_append_string (out, care_event_type_to_string (e->type) ?: "");
      if (visit != NULL)
        {
          if (g_strcmp0 (visit, prev_visit) == 0)
            g_string_append (out, ",\"v\":1");
          else
            {
              g_string_append (out, ",\"v\":");
              append_compact_id (out, visit, &prev_ms);
            }
          g_free (prev_visit);
          prev_visit = g_steal_pointer (&visit);
        }
      /* The link only where the server cannot imply it, as in protocol 1. */
      if (e->link != NULL && (i == 0 || ((const CareEvent *) g_ptr_array_index (events, i - 1))->link == NULL))
        {
          g_string_append (out, ",\"l\":");
          care_json_append_string (out, e->link);
        }
      g_string_append (out, ",\"b\":");
      if (text_body)
        {
          gboolean first_member = TRUE;

          /* A hoisted visit is the body's first member: past it. */
          if (hoist)
            {
              care_json_reader_next (&text, '}', &first_member);
              care_json_reader_name (&text);
              care_json_reader_skip (&text, NULL, NULL);
            }
          append_text_members_v2 (out, &text, first_member, e->wall, &prev_ms);
        }
      else if (e->body != NULL)
        append_object_v2 (out, e->body, e->wall, &prev_ms, hoist);
      else
        g_string_append (out, "{}");
      g_string_append_c (out, '}');
      prev_hlc = e->hlc;
    }
  g_string_append (out, "]}");
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* ---- protocol 2: decoding a batch straight from its text ----
 *
 * A batch is read in two passes over its text, without a JSON tree of the
 * whole batch: the first checks the syntax and notes where each member's
 * value is (a record's members may come in any order, but its ids are
 * deltas in the order id, visit, body); the second reads the values in
 * that order and builds each record's body as the rule book reads it.
 * Stricter than a tree could be: a name given twice, in the batch, a
 * record or a body, fails the batch. */

/* Where a syntax failure is reported (the reader's own error), apart from
 * what the protocol refuses (error). */
typedef struct
{
  CareJsonReader r;
  GError *syntax;
  GString *scratch;
} TextBatch;

static gboolean
syntax_failure (TextBatch *t,
                GError   **error)
{
  return bad_request (error, "The request body is not valid JSON: %s.",
                      t->syntax != NULL ? t->syntax->message : "cut short");
}

/* The scalar at span (NULL: absent), its string in r->scratch. */
static CareJsonKind
span_scalar (CareJsonReader     *r,
             const CareJsonSpan *span,
             gint64             *integer)
{
  CareJsonReader sub;

  if (span == NULL || span->start == NULL)
    return CARE_JSON_NONE;
  care_json_reader_init_span (&sub, r, span);
  return care_json_reader_scalar (&sub, integer, NULL);
}

static JsonNode *expand_text_value (CareJsonReader *r, gint64 wall, gint64 *prev_ms, GError **error);

/* The members of an object that r has entered, into `into`. Inside a body
 * (compact TRUE) an object may instead be one compact value, {"~":"w"}
 * (the record's own wall time) or {"~":"<compact id>"}, returned in
 * *compact; the body itself (compact FALSE) cannot be one. */
static gboolean
expand_text_members (CareJsonReader *r,
                     JsonObject     *into,
                     gboolean        compact_allowed,
                     JsonNode      **compact,
                     gint64          wall,
                     gint64         *prev_ms,
                     GError        **error)
{
  gboolean first = TRUE;
  guint n = 0;

  while (care_json_reader_next (r, '}', &first))
    {
      char small[64];
      g_autofree char *large = NULL;
      const char *name;
      JsonNode *value;

      if (!care_json_reader_name (r))
        return FALSE;
      if (compact_allowed && r->scratch->len == 1 && r->scratch->str[0] == '~')
        {
          g_autofree char *id = NULL;

          if (n > 0 || care_json_reader_scalar (r, NULL, NULL) != CARE_JSON_STRING
              || care_json_reader_next (r, '}', &first))
            return r->failed ? FALSE
                             : bad_request (error, "A compact value in the record's body (\"~\") is malformed.");
          if (r->failed)
            return FALSE;
          if (g_str_equal (r->scratch->str, "w"))
            *compact = json_node_init_int (json_node_alloc (), wall);
          else
            {
              if (r->scratch->str[0] == '=' || (id = decode_compact_id (r->scratch->str, prev_ms)) == NULL)
                return bad_request (error, "A compact id in the record's body (\"~\") is malformed.");
              *compact = json_node_init_string (json_node_alloc (), id);
            }
          return TRUE;
        }
      n++;
      name = care_json_reader_keep_name (r, small, sizeof small, &large);
      value = expand_text_value (r, wall, prev_ms, error);
      if (value == NULL)
        return FALSE;
      if (json_object_has_member (into, name))
        {
          json_node_unref (value);
          return bad_request (error, "The record's body names \"%s\" twice.", name);
        }
      json_object_set_member (into, name, value);
    }
  return !r->failed;
}

static JsonNode *
expand_text_value (CareJsonReader *r,
                   gint64          wall,
                   gint64         *prev_ms,
                   GError        **error)
{
  switch (care_json_reader_peek (r))
    {
    case '{':
      {
        g_autoptr(JsonObject) object = json_object_new ();
        JsonNode *compact = NULL;

        if (!care_json_reader_enter (r, '{')
            || !expand_text_members (r, object, TRUE, &compact, wall, prev_ms, error))
          return NULL;
        return compact != NULL ? compact : json_node_init_object (json_node_alloc (), object);
      }
    case '[':
      {
        g_autoptr(JsonArray) array = json_array_new ();
        gboolean first = TRUE;

        if (!care_json_reader_enter (r, '['))
          return NULL;
        while (care_json_reader_next (r, ']', &first))
          {
            JsonNode *value = expand_text_value (r, wall, prev_ms, error);

            if (value == NULL)
              return NULL;
            json_array_add_element (array, value);
          }
        return r->failed ? NULL : json_node_init_array (json_node_alloc (), array);
      }
    default:
      return care_json_reader_value (r);
    }
}

/* A record's keys, in the order of this enum. */
enum { E_I, E_H, E_W, E_A, E_T, E_V, E_L, E_B, E_KEYS };
static const char entry_keys[] = "ihwatvlb";

static int
entry_key (const GString *name)
{
  const char *k;

  if (name->len != 1 || name->str[0] == '\0' || (k = strchr (entry_keys, name->str[0])) == NULL)
    return -1;
  return (int) (k - entry_keys);
}

/* One record of a protocol-2 batch, r before it. The envelope (ids, clock
 * and visit chains) failing is the whole batch's failure (FALSE, error
 * set, or the reader failed); the record itself failing validation is
 * entry->message. */
static gboolean
decode_text_entry (CareJsonReader *r,
                   CarePushEntry  *entry,
                   const char     *device,
                   const char     *batch_author,
                   gboolean        first_entry,
                   gint64         *hlc,
                   gint64         *prev_ms,
                   char          **prev_visit,
                   GError        **error)
{
  CareJsonSpan spans[E_KEYS] = { { NULL, NULL, 0 } };
  g_autoptr(CareEvent) event = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) local = NULL;
  CareJsonReader sub;
  CareJsonKind kind;
  gboolean first = TRUE;
  gint64 v = 0;

  if (care_json_reader_peek (r) != '{')
    return care_json_reader_skip (r, NULL, NULL)
           && bad_request (error, "Record %" G_GINT64_FORMAT " is not a JSON object.", entry->seq);
  care_json_reader_enter (r, '{');
  while (care_json_reader_next (r, '}', &first))
    {
      int k;

      if (!care_json_reader_name (r))
        return FALSE;
      k = entry_key (r->scratch);
      if (k < 0)
        return bad_request (error, "Record %" G_GINT64_FORMAT " has a key protocol 2 does not have; only i, h, w, a, "
                            "t, v, l and b are used.", entry->seq);
      if (spans[k].start != NULL)
        return bad_request (error, "Record %" G_GINT64_FORMAT " names \"%c\" twice.", entry->seq, entry_keys[k]);
      if (!care_json_reader_skip (r, &spans[k], NULL))
        return FALSE;
    }
  if (r->failed)
    return FALSE;
  entry->linked = spans[E_L].start != NULL;

  event = care_event_new ();
  if (span_scalar (r, &spans[E_I], NULL) == CARE_JSON_STRING)
    entry->id = decode_compact_id (r->scratch->str, prev_ms);
  if (entry->id == NULL)
    return bad_request (error, "Record %" G_GINT64_FORMAT " has no valid id (\"i\").", entry->seq);
  if (span_scalar (r, &spans[E_H], &v) != CARE_JSON_INT)
    return bad_request (error, "Record %" G_GINT64_FORMAT " has no clock stamp (\"h\").", entry->seq);
  if (first_entry)
    event->hlc = v;
  else if (__builtin_add_overflow (*hlc, v, &event->hlc))
    return bad_request (error, "Record %" G_GINT64_FORMAT "'s clock stamp (\"h\") is out of range.", entry->seq);
  *hlc = event->hlc;
  event->wall = event->hlc >> 16;
  if (spans[E_W].start != NULL
      && (span_scalar (r, &spans[E_W], &v) != CARE_JSON_INT || __builtin_add_overflow (event->wall, v, &event->wall)))
    return bad_request (error, "Record %" G_GINT64_FORMAT "'s wall time (\"w\") is not a whole number in range.",
                        entry->seq);
  if (spans[E_A].start != NULL && span_scalar (r, &spans[E_A], NULL) != CARE_JSON_STRING)
    return bad_request (error, "Record %" G_GINT64_FORMAT "'s author (\"a\") is not text.", entry->seq);
  event->author = g_strdup (spans[E_A].start != NULL ? r->scratch->str : batch_author);
  body = json_object_new ();
  if (spans[E_V].start != NULL)
    {
      kind = span_scalar (r, &spans[E_V], &v);
      if (kind != CARE_JSON_INT || v != 1 || *prev_visit == NULL)
        {
          g_autofree char *visit = kind == CARE_JSON_STRING ? decode_compact_id (r->scratch->str, prev_ms) : NULL;

          if (visit == NULL)
            return bad_request (error, "Record %" G_GINT64_FORMAT "'s visit (\"v\") is neither 1 after a record "
                                "with a visit nor an id.", entry->seq);
          g_free (*prev_visit);
          *prev_visit = g_steal_pointer (&visit);
        }
      json_object_set_string_member (body, "visit", *prev_visit);
    }
  if (spans[E_L].start != NULL
      && (span_scalar (r, &spans[E_L], NULL) != CARE_JSON_STRING || !care_hash_is_valid (r->scratch->str)))
    return bad_request (error, "Record %" G_GINT64_FORMAT "'s link (\"l\") is not a record hash.", entry->seq);
  event->link = spans[E_L].start != NULL ? g_strdup (r->scratch->str) : NULL;
  if (spans[E_B].start == NULL || span_scalar (r, &spans[E_B], NULL) != CARE_JSON_OBJECT)
    return bad_request (error, "Record %" G_GINT64_FORMAT "'s body (\"b\") is not a JSON object.", entry->seq);
  care_json_reader_init_span (&sub, r, &spans[E_B]);
  if (!care_json_reader_enter (&sub, '{')
      || !expand_text_members (&sub, body, FALSE, NULL, event->wall, prev_ms, error))
    {
      r->failed = sub.failed;
      return FALSE;
    }
  if (span_scalar (r, &spans[E_T], NULL) != CARE_JSON_STRING)
    return bad_request (error, "Record %" G_GINT64_FORMAT " has no type (\"t\").", entry->seq);

  /* From here on, what is wrong is this record's, not the batch's. */
  event->type = care_event_type_from_string (r->scratch->str);
  if (event->type == CARE_EVENT_INVALID)
    {
      entry->message = g_strdup_printf ("The record type “%s” is not known to this server.", r->scratch->str);
      return TRUE;
    }
  event->id = g_strdup (entry->id);
  event->body = g_steal_pointer (&body);
  event->device = g_strdup (device);
  event->seq = entry->seq;
  if (!care_event_validate (event, &local))
    entry->message = g_strdup (local->message);
  else
    entry->event = g_steal_pointer (&event);
  return TRUE;
}

/* A batch's keys, in the order of this enum. */
enum { B_S, B_A, B_G, B_GK, B_E, B_KEYS };
static const char *const batch_keys[] = { "s", "a", "g", "gk", "e" };

static int
batch_key (const GString *name)
{
  for (int k = 0; k < B_KEYS; k++)
    if (strlen (batch_keys[k]) == name->len && g_str_equal (name->str, batch_keys[k]))
      return k;
  return -1;
}

static CarePushRequest *
decode_text_batch (TextBatch  *t,
                   const char *device,
                   GError    **error)
{
  CareJsonSpan spans[B_KEYS] = { { NULL, NULL, 0 } };
  g_autoptr(CarePushRequest) request = g_new0 (CarePushRequest, 1);
  g_autofree char *author = NULL, *signature = NULL, *sign_key = NULL, *prev_visit = NULL;
  CareJsonReader *r = &t->r;
  CareJsonReader events;
  BatchHead head = { 0 };
  gboolean first = TRUE;
  gint64 hlc = 0, prev_ms = 0;
  guint n = 0;

  if (care_json_reader_peek (r) != '{')
    {
      if (care_json_reader_skip (r, NULL, NULL) && care_json_reader_finish (r))
        bad_request (error, "The request body must be a JSON object.");
      return NULL;
    }
  care_json_reader_enter (r, '{');
  while (care_json_reader_next (r, '}', &first))
    {
      int k;

      if (!care_json_reader_name (r))
        return NULL;
      k = batch_key (r->scratch);
      if (k < 0)
        return bad_request (error, "The push has a key protocol 2 does not have; only s, a, g, gk and e are used."), NULL;
      if (spans[k].start != NULL)
        return bad_request (error, "The push names \"%s\" twice.", batch_keys[k]), NULL;
      if (!care_json_reader_skip (r, &spans[k], k == B_E ? &n : NULL))
        return NULL;
    }
  if (!care_json_reader_finish (r))
    return NULL;

  head.has_s = span_scalar (r, &spans[B_S], &head.s) == CARE_JSON_INT;
  if (span_scalar (r, &spans[B_A], NULL) == CARE_JSON_STRING)
    head.author = author = g_strdup (r->scratch->str);
  head.n_events = span_scalar (r, &spans[B_E], NULL) == CARE_JSON_ARRAY ? (int) MIN (n, G_MAXINT) : -1;
  head.has_signature = spans[B_G].start != NULL;
  if (span_scalar (r, &spans[B_G], NULL) == CARE_JSON_STRING)
    head.signature = signature = g_strdup (r->scratch->str);
  head.has_sign_key = spans[B_GK].start != NULL;
  if (span_scalar (r, &spans[B_GK], NULL) == CARE_JSON_STRING)
    head.sign_key = sign_key = g_strdup (r->scratch->str);
  if (!check_batch_head (&head, request, error))
    return NULL;

  request->entries = g_ptr_array_new_full (n, push_entry_free);
  care_json_reader_init_span (&events, r, &spans[B_E]);
  care_json_reader_enter (&events, '[');
  first = TRUE;
  for (guint i = 0; care_json_reader_next (&events, ']', &first); i++)
    {
      CarePushEntry *entry = g_new0 (CarePushEntry, 1);

      entry->seq = request->first_seq + i;
      g_ptr_array_add (request->entries, entry);
      if (!decode_text_entry (&events, entry, device, author, i == 0, &hlc, &prev_ms, &prev_visit, error))
        {
          r->failed = events.failed;
          return NULL;
        }
      /* Linked as in protocol 1: it carries "l", or follows a linked record
       * of the batch (the core computes its link then). */
      if (!entry->linked && i > 0)
        entry->linked = ((CarePushEntry *) g_ptr_array_index (request->entries, i - 1))->linked;
    }
  if (events.failed)
    {
      r->failed = TRUE;
      return NULL;
    }
  return g_steal_pointer (&request);
}

CarePushRequest *
care_push_request_decode_v2 (const char *data,
                             gsize       len,
                             const char *device,
                             GError    **error)
{
  TextBatch t = { { 0 }, NULL, g_string_sized_new (64) };
  g_autoptr(GError) local = NULL;
  CarePushRequest *request = NULL;

  if (len == 0)
    bad_request (&local, "The request body is empty; a JSON object was expected.");
  else if (care_protocol_check_json (data, len, CARE_MAX_DEPTH, &local))
    {
      care_json_reader_init (&t.r, data, len, CARE_MAX_DEPTH, t.scratch, &t.syntax);
      request = decode_text_batch (&t, device, &local);
      if (request == NULL && local == NULL)
        syntax_failure (&t, &local);
    }
  g_string_free (t.scratch, TRUE);
  g_clear_error (&t.syntax);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return request;
}

/* ---- pull ---- */

GBytes *
care_pull_request_encode (const char *cursor,
                          gint64      acked_seq,
                          guint       limit)
{
  return care_pull_request_encode_wait (cursor, acked_seq, limit, 0);
}

GBytes *
care_pull_request_encode_wait (const char *cursor,
                               gint64      acked_seq,
                               guint       limit,
                               guint       wait)
{
  g_autoptr(GString) out = g_string_new ("{\"c\":");

  care_json_append_string (out, cursor ? cursor : "");
  g_string_append_printf (out, ",\"k\":%" G_GINT64_FORMAT ",\"n\":%u", acked_seq, limit ? limit : CARE_DEFAULT_PULL);
  if (wait > 0)
    g_string_append_printf (out, ",\"w\":%u", MIN (wait, CARE_MAX_WAIT));
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

void
care_pull_request_free (CarePullRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->cursor);
  g_free (request);
}

CarePullRequest *
care_pull_request_decode (JsonNode *root,
                          GError  **error)
{
  g_autoptr(CarePullRequest) request = g_new0 (CarePullRequest, 1);
  JsonObject *o = json_node_get_object (root);
  JsonNode *c = json_object_get_member (o, "c");
  JsonNode *k = json_object_get_member (o, "k");
  JsonNode *n = json_object_get_member (o, "n");
  JsonNode *w = json_object_get_member (o, "w");

  if (c != NULL && !node_is_string (c))
    return bad_request (error, "The pull's cursor (\"c\") must be text."), NULL;
  if (c != NULL && strlen (json_node_get_string (c)) > 128)
    return bad_request (error, "The pull's cursor (\"c\") is too long."), NULL;
  if (k != NULL && (!node_is_int (k) || json_node_get_int (k) < 0))
    return bad_request (error, "The pull's \"k\" must be the device's acknowledged sequence (0 or more)."), NULL;
  if (n != NULL && (!node_is_int (n) || json_node_get_int (n) < 1 || json_node_get_int (n) > CARE_MAX_PULL))
    return bad_request (error, "The pull's page size (\"n\") must be 1 to %d.", CARE_MAX_PULL), NULL;
  request->cursor = g_strdup (c ? json_node_get_string (c) : "");
  request->acked_seq = k ? json_node_get_int (k) : 0;
  request->limit = n ? (guint) json_node_get_int (n) : CARE_DEFAULT_PULL;
  if (w != NULL && (!node_is_int (w) || json_node_get_int (w) < 0 || json_node_get_int (w) > CARE_MAX_WAIT))
    return bad_request (error, "The pull's wait (\"w\") must be 0 to %d seconds.", CARE_MAX_WAIT), NULL;
  request->wait = w ? (guint) json_node_get_int (w) : 0;
  return g_steal_pointer (&request);
}

void
care_pull_append_record (GString    *out,
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
                         const char *link)
{
  g_string_append_printf (out, "{\"p\":%" G_GINT64_FORMAT ",\"i\":", pos);
  care_json_append_string (out, id);
  g_string_append (out, ",\"d\":");
  care_json_append_string (out, device);
  g_string_append_printf (out, ",\"s\":%" G_GINT64_FORMAT ",\"a\":", seq);
  care_json_append_string (out, author);
  g_string_append_printf (out, ",\"h\":%" G_GINT64_FORMAT ",\"w\":%" G_GINT64_FORMAT ",\"t\":",
                          hlc, wall);
  care_json_append_string (out, type);
  g_string_append (out, ",\"b\":");
  g_string_append (out, body_json);
  if (received > 0)
    g_string_append_printf (out, ",\"q\":%" G_GINT64_FORMAT, received);
  if (link != NULL)
    {
      g_string_append (out, ",\"l\":");
      care_json_append_string (out, link);
    }
  g_string_append_c (out, '}');
}

static CareEvent *
decode_pull_record (JsonNode *node,
                    GError  **error)
{
  g_autoptr(CareEvent) event = care_event_new ();
  JsonObject *o;
  JsonNode *i, *d, *s, *a, *h, *w, *t, *b, *q, *l;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_request (error, "A pulled record is not a JSON object."), NULL;
  o = json_node_get_object (node);
  i = json_object_get_member (o, "i");
  d = json_object_get_member (o, "d");
  s = json_object_get_member (o, "s");
  a = json_object_get_member (o, "a");
  h = json_object_get_member (o, "h");
  w = json_object_get_member (o, "w");
  t = json_object_get_member (o, "t");
  b = json_object_get_member (o, "b");
  q = json_object_get_member (o, "q");
  l = json_object_get_member (o, "l");
  if ((l != NULL && (!node_is_string (l) || !care_hash_is_valid (json_node_get_string (l))))
      || !node_is_string (i) || !node_is_string (d) || !node_is_int (s) || !node_is_string (a)
      || !node_is_int (h) || !node_is_int (w) || !node_is_string (t)
      || b == NULL || !JSON_NODE_HOLDS_OBJECT (b)
      || (q != NULL && !node_is_int (q)))
    return bad_request (error, "A pulled record lacks a field or has a wrong type."), NULL;
  event->id = g_strdup (json_node_get_string (i));
  event->device = g_strdup (json_node_get_string (d));
  event->seq = json_node_get_int (s);
  event->author = g_strdup (json_node_get_string (a));
  event->hlc = json_node_get_int (h);
  event->wall = json_node_get_int (w);
  event->type = care_event_type_from_string (json_node_get_string (t));
  event->body = json_node_dup_object (b);
  /* Older servers do not send "q": 0 = unknown. */
  event->received = q != NULL ? MAX (json_node_get_int (q), 0) : 0;
  /* The chain link; absent: a record from before the chain. */
  event->link = l != NULL ? g_strdup (json_node_get_string (l)) : NULL;
  return g_steal_pointer (&event);
}

CarePullResult *
care_pull_result_decode (JsonNode *root,
                         GError  **error)
{
  g_autoptr(CarePullResult) result = g_new0 (CarePullResult, 1);
  JsonObject *o = json_node_get_object (root);
  JsonNode *k = json_object_get_member (o, "k");
  JsonNode *c = json_object_get_member (o, "c");
  JsonNode *m = json_object_get_member (o, "m");
  JsonNode *r = json_object_get_member (o, "r");
  JsonNode *t = json_object_get_member (o, "t");
  JsonArray *records;

  if (!node_is_int (k) || !node_is_string (c) || !node_is_bool (m) || r == NULL || !JSON_NODE_HOLDS_ARRAY (r))
    return bad_request (error, "The server's answer to a pull is malformed."), NULL;
  result->acked_seq = json_node_get_int (k);
  result->next_cursor = g_strdup (json_node_get_string (c));
  result->more = json_node_get_boolean (m);
  result->server_time = node_is_int (t) ? json_node_get_int (t) : 0;
  records = json_node_get_array (r);
  result->records = g_ptr_array_new_full (json_array_get_length (records), (GDestroyNotify) care_event_free);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      CareEvent *event = decode_pull_record (json_array_get_element (records, i), error);

      if (event == NULL)
        return NULL;
      g_ptr_array_add (result->records, event);
    }
  return g_steal_pointer (&result);
}

/* ---- errors ---- */

static const struct
{
  CareSyncError error;
  const char *code;
} error_codes[] = {
  { CARE_SYNC_ERROR_VERSION, "version" },
  { CARE_SYNC_ERROR_BAD_REQUEST, "bad-request" },
  { CARE_SYNC_ERROR_UNAUTHORIZED, "unauthorized" },
  { CARE_SYNC_ERROR_ENROLMENT, "enrolment" },
  { CARE_SYNC_ERROR_FORBIDDEN, "forbidden" },
  { CARE_SYNC_ERROR_CURSOR_INVALID, "cursor-invalid" },
  { CARE_SYNC_ERROR_SERVER_BEHIND, "server-behind" },
  { CARE_SYNC_ERROR_TOO_LARGE, "too-large" },
  { CARE_SYNC_ERROR_RATE_LIMITED, "rate-limited" },
  { CARE_SYNC_ERROR_SERVER, "internal" },
  { CARE_SYNC_ERROR_SERVER, "unavailable" },
  { CARE_SYNC_ERROR_BAD_REQUEST, "not-found" },
  { CARE_SYNC_ERROR_BAD_REQUEST, "method" },
  { CARE_SYNC_ERROR_BAD_REQUEST, "length-required" },
  { CARE_SYNC_ERROR_REMOVED, "removed" },
  { CARE_SYNC_ERROR_RETIRED, "retired" },
  { CARE_SYNC_ERROR_UNENCRYPTED, "unencrypted" },
  { CARE_SYNC_ERROR_LOG, "log" },
};

const char *
care_sync_error_to_code (CareSyncError error)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_codes); i++)
    if (error_codes[i].error == error)
      return error_codes[i].code;
  return "internal";
}

CareSyncError
care_sync_error_from_code (const char *code,
                           int         status)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (error_codes); i++)
    if (g_str_equal (error_codes[i].code, code))
      return error_codes[i].error;
  if (status == 401)
    return CARE_SYNC_ERROR_UNAUTHORIZED;
  if (status == 403)
    return CARE_SYNC_ERROR_FORBIDDEN;
  if (status == 413)
    return CARE_SYNC_ERROR_TOO_LARGE;
  if (status == 429)
    return CARE_SYNC_ERROR_RATE_LIMITED;
  if (status >= 500)
    return CARE_SYNC_ERROR_SERVER;
  return CARE_SYNC_ERROR_BAD_REQUEST;
}

gboolean
care_protocol_equal_constant_time (const char *a,
                                   const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}
