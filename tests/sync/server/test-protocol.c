/* test-protocol.c: protocol 1 and 2 encoding and validation (no server).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-id.h"
#include "care-chain.h"
#include "care-protocol.h"
#include "care-sync-client.h"

static const char pin[] = "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

static void
test_enrolment_line (void)
{
  g_autofree char *good = g_strdup_printf ("carelog:1:https://care.example.coop:8443:K7QX-M2PD-9HVT-4WNA:%s", pin);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareEnrolmentLine) line = care_enrolment_line_parse (good, &error);
  g_autofree char *again = NULL;
  const char *bad[] = {
    "",
    "carelog:1:",
    "carelog:1:https://care.example.coop:8443:CODE:",                 /* https without pin */
    "carelog:1:https://care.example.coop:8443:CODE:sha256/short",
    "carelog:1:http://care.example.coop:8080:CODE:",                  /* plain HTTP, not loopback */
    "carelog:1:https://care.example.coop/path:CODE:sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "carelog:1:https://care.example.coop::sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "carelog:1:https://care.example.coop:CO DE:sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "https://care.example.coop",
  };
  g_autoptr(CareEnrolmentLine) loopback = NULL;
  g_autoptr(CareEnrolmentLine) v2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (line->url, ==, "https://care.example.coop:8443");
  g_assert_cmpstr (line->code, ==, "K7QX-M2PD-9HVT-4WNA");
  g_assert_cmpstr (line->pin, ==, pin);
  again = care_enrolment_line_format (line);
  g_assert_cmpstr (again, ==, good);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CareEnrolmentLine) l = care_enrolment_line_parse (bad[i], &error);

      g_assert_null (l);
      g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT);
      g_clear_error (&error);
    }
  loopback = care_enrolment_line_parse ("carelog:1:http://127.0.0.1:4000:ABCD:", &error);
  g_assert_no_error (error);
  g_assert_null (loopback->pin);
  v2 = care_enrolment_line_parse ("carelog:2:https://x:1:A:B", &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_VERSION);
}

static CareEvent *
make (gint64      seq,
      const char *author,
      gint64      hlc,
      gint64      wall,
      const char *type,
      const char *body)
{
  CareEvent *e = care_event_new ();
  g_autoptr(JsonNode) node = json_from_string (body, NULL);

  e->id = g_uuid_string_random ();
  e->device = g_strdup ("d-1");
  e->seq = seq;
  e->author = g_strdup (author);
  e->hlc = hlc;
  e->wall = wall;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (node);
  return e;
}

static void
assert_same_events (GPtrArray       *events,
                    CarePushRequest *req)
{
  g_assert_cmpuint (req->entries->len, ==, events->len);
  for (guint i = 0; i < events->len; i++)
    {
      CarePushEntry *entry = g_ptr_array_index (req->entries, i);
      CareEvent *a = g_ptr_array_index (events, i), *b = entry->event;
      g_autofree char *ja = care_json_object_to_string (a->body);
      g_autofree char *jb = NULL;

      g_assert_null (entry->message);
      g_assert_nonnull (b);
      jb = care_json_object_to_string (b->body);
      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpstr (a->id, ==, entry->id);
      g_assert_cmpint (a->seq, ==, b->seq);
      g_assert_cmpstr (a->author, ==, b->author);
      g_assert_cmpint (a->hlc, ==, b->hlc);
      g_assert_cmpint (a->wall, ==, b->wall);
      g_assert_cmpint (a->type, ==, b->type);
      g_assert_cmpstr (ja, ==, jb);
    }
}

static void
test_push_roundtrip (void)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  gint64 base = (gint64) 1763900000000 << 16;
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CarePushRequest) req = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (events, make (7, "m-anna", base + 5, 1763900000000, "visit.started",
                                 "{\"visit\":\"v-1\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":1763900000000,"
                                 "\"location\":{\"lat\":45.07,\"lon\":7.69,\"accuracy_m\":12.5}}"));
  g_ptr_array_add (events, make (8, "m-anna", base + 3, 1763899999990, "note.added",
                                 "{\"visit\":\"v-1\",\"note\":\"n-1\",\"category\":\"incident\",\"text\":\"Fell \\\"softly\\\"\\n\\u00e8\"}"));
  g_ptr_array_add (events, make (9, "m-bruno", base + 70000, 1763900000001, "hours.added",
                                 "{\"entry\":\"h\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":20}"));
  wire = care_push_request_encode (events);
  root = care_protocol_parse_object (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), &error);
  g_assert_no_error (error);
  req = care_push_request_decode (root, "d-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (req->first_seq, ==, 7);
  assert_same_events (events, req);
}

static void
test_push_bad_entries (void)
{
  const char *body = "{\"s\":1,\"a\":\"m\",\"e\":[7,{\"i\":\"a\",\"h\":1,\"t\":\"nope\",\"b\":{}},"
                     "{\"h\":1,\"t\":\"hours.added\",\"b\":{}},{\"i\":\"b\",\"h\":\"1\",\"t\":\"hours.added\",\"b\":{}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = care_protocol_parse_object (body, strlen (body), &error);
  g_autoptr(CarePushRequest) req = NULL;

  g_assert_no_error (error);
  req = care_push_request_decode (root, "d-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (req->entries->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      CarePushEntry *entry = g_ptr_array_index (req->entries, i);

      g_assert_null (entry->event);
      g_assert_nonnull (entry->message);
      g_assert_cmpint (entry->seq, ==, i + 1);
    }
}

/* Both versions read a batch's head (s, a, e, g, gk) with the same rules:
 * a signature longer than 1,024 characters or a signing key that is not
 * an Ed25519 public key is refused whichever version carries it (protocol
 * 1 took a signature of any length before the head had one decoder). */
static void
test_batch_head_both_versions (void)
{
  g_autofree char *long_g = g_strnfill (1025, 'A');
  const char *record_v1 = "{\"i\":\"x\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}";
  const char *record_v2 = "{\"i\":\"x\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}";
  g_autofree char *long_head = g_strdup_printf ("\"g\":\"%s\"", long_g);
  const char *heads[] = { long_head, "\"gk\":\"not-a-key\"", "\"s\":0", NULL };

  for (guint h = 0; heads[h] != NULL; h++)
    for (guint v = 1; v <= 2; v++)
      {
        const char *extra = heads[h];
        g_autofree char *body = g_str_has_prefix (extra, "\"s\"")
                                ? g_strdup_printf ("{%s,\"a\":\"m\",\"e\":[%s]}", extra, v == 1 ? record_v1 : record_v2)
                                : g_strdup_printf ("{\"s\":1,\"a\":\"m\",%s,\"e\":[%s]}", extra, v == 1 ? record_v1 : record_v2);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) root = care_protocol_parse_object (body, strlen (body), &error);
        g_autoptr(CarePushRequest) req = NULL;

        g_assert_no_error (error);
        req = v == 1 ? care_push_request_decode (root, "d-1", &error)
                     : care_push_request_decode_v2 (body, strlen (body), "d-1", &error);
        g_assert_null (req);
        g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST);
      }
}

/* A string's JSON: runs of plain characters copied whole, each character
 * that needs it escaped, in every position (first, last, twice in a row). */
static void
test_json_string (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "", "\"\"" },
    { "plain words \xc3\xa9", "\"plain words \xc3\xa9\"" },
    { "\"quoted\"", "\"\\\"quoted\\\"\"" },
    { "a\\b\n\nc", "\"a\\\\b\\n\\nc\"" },
    { "\x01tab\there\x1f", "\"\\u0001tab\\u0009here\\u001f\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new ("x");

      care_json_append_string (out, cases[i].in);
      g_assert_cmpstr (out->str + 1, ==, cases[i].out);
    }
}

static void
test_json_checks (void)
{
  g_autofree char *deep = g_strnfill (17, '[');
  g_autofree char *ok = g_strdup ("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_false (care_protocol_check_json (deep, strlen (deep), 16, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  /* Brackets inside strings do not count. */
  node = care_protocol_parse_object (ok, strlen (ok), &error);
  g_assert_no_error (error);
  g_assert_false (care_protocol_check_json ("\"\xc3\x28\"", 4, 16, &error));
  g_clear_error (&error);
}

static void
test_gzip_cap (void)
{
  g_autofree char *big = g_strnfill (1 << 20, 'a');
  g_autoptr(GBytes) gz = care_gzip (big, 1 << 20, 9);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) capped = NULL;
  g_autoptr(GError) error = NULL;

  out = care_gunzip (g_bytes_get_data (gz, NULL), g_bytes_get_size (gz), 1 << 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 1 << 20);
  capped = care_gunzip (g_bytes_get_data (gz, NULL), g_bytes_get_size (gz), 1000, &error);
  g_assert_null (capped);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_TOO_LARGE);
}

static void
test_pull_request (void)
{
  const char *bad[] = { "{\"c\":5}", "{\"k\":-1}", "{\"n\":0}", "{\"n\":5001}", "{\"k\":\"1\"}" };
  g_autoptr(GBytes) wire = care_pull_request_encode ("1.ab.5.0", 42, 100);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = care_protocol_parse_object (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), &error);
  g_autoptr(CarePullRequest) req = care_pull_request_decode (root, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (req->cursor, ==, "1.ab.5.0");
  g_assert_cmpint (req->acked_seq, ==, 42);
  g_assert_cmpuint (req->limit, ==, 100);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) r = care_protocol_parse_object (bad[i], strlen (bad[i]), &error);
      g_autoptr(CarePullRequest) p = NULL;

      g_assert_no_error (error);
      p = care_pull_request_decode (r, &error);
      g_assert_null (p);
      g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST);
      g_clear_error (&error);
    }
}

/* Pulled records carry the server's receive time ("q"); an older server's
 * records without it still decode (received 0 = unknown). */
static void
test_pull_received (void)
{
  g_autoptr(GString) page = g_string_new ("{\"v\":1,\"t\":1763900000456,\"k\":0,\"c\":\"1.ab.2.0\",\"m\":false,\"r\":[");
  const char *bad = "{\"v\":1,\"t\":1,\"k\":0,\"c\":\"\",\"m\":false,\"r\":[{\"p\":1,\"i\":\"e1\",\"d\":\"d1\",\"s\":1,"
                    "\"a\":\"m1\",\"h\":5,\"w\":5,\"t\":\"member.set\",\"b\":{},\"q\":\"soon\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) bad_root = NULL;
  CarePullResult *result;

  care_pull_append_record (page, 1, "e1", "d1", 1, "m1", 5, 1763900000000, "visit.started", "{\"visit\":\"v\"}",
                           1763900000123, NULL);
  g_string_append_c (page, ',');
  care_pull_append_record (page, 2, "e2", "coop", 1, "coop", 6, 1763900000001, "member.set", "{}", 0, NULL);
  g_string_append (page, "]}");
  g_assert_null (strstr (page->str, "\"b\":{},\"q\""));   /* 0 is left out */
  root = care_protocol_parse_object (page->str, page->len, &error);
  g_assert_no_error (error);
  result = care_pull_result_decode (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->records->len, ==, 2);
  g_assert_cmpint (((CareEvent *) result->records->pdata[0])->received, ==, 1763900000123);
  g_assert_cmpint (((CareEvent *) result->records->pdata[0])->wall, ==, 1763900000000);
  g_assert_cmpint (((CareEvent *) result->records->pdata[1])->received, ==, 0);
  g_clear_pointer (&result, care_pull_result_free);

  bad_root = care_protocol_parse_object (bad, strlen (bad), &error);
  g_assert_no_error (error);
  result = care_pull_result_decode (bad_root, &error);
  g_assert_null (result);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST);
}

/* ---- protocol 2 ---- */

static CarePushRequest *
decode_v2 (GBytes  *wire,
           GError **error)
{
  return care_push_request_decode_v2 (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), "d-1", error);
}

static CareEvent *
make_v2 (gint64      seq,
         gint64      ms,
         const char *type,
         const char *body_format,
         ...)
{
  va_list args;
  g_autofree char *body = NULL;
  CareEvent *e;

  va_start (args, body_format);
  body = g_strdup_vprintf (body_format, args);
  va_end (args);
  e = make (seq, "m-anna", (ms << 16) + seq, ms, type, body);
  g_free (e->id);
  e->id = care_id_new (ms);
  return e;
}

/* The members of obj in reverse order; with records TRUE, each record of
 * its "e" the same way (bodies as they are). */
static void
append_reversed (GString    *out,
                 JsonObject *obj,
                 gboolean    records)
{
  g_autoptr(GList) names = g_list_reverse (json_object_get_members (obj));

  g_string_append_c (out, '{');
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (obj, l->data);

      if (l != names)
        g_string_append_c (out, ',');
      care_json_append_string (out, l->data);
      g_string_append_c (out, ':');
      if (records && g_str_equal (l->data, "e"))
        {
          JsonArray *e = json_node_get_array (value);

          g_string_append_c (out, '[');
          for (guint i = 0; i < json_array_get_length (e); i++)
            {
              if (i > 0)
                g_string_append_c (out, ',');
              append_reversed (out, json_array_get_object_element (e, i), FALSE);
            }
          g_string_append_c (out, ']');
        }
      else
        care_json_append_node (out, value);
    }
  g_string_append_c (out, '}');
}

/* Whole visits as a tablet makes them, a record with an id that is not a
 * UUID, a visit that is not the body's first member, ids and the wall time
 * inside bodies, links on some records and a batch signature: decoded
 * exactly, and much smaller than protocol 1 before and after gzip. */
static void
test_v2_roundtrip (void)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  const char *link = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
  g_autofree char *signature = g_strnfill (86, 'A');
  gint64 ms = 1763900000000, seq = 41;
  g_autoptr(GBytes) wire = NULL, v1 = NULL, gz1 = NULL, gz2 = NULL;
  g_autoptr(CarePushRequest) req = NULL;
  g_autoptr(GError) error = NULL;

  for (guint v = 0; v < 20; v++)
    {
      g_autofree char *visit = care_id_new (ms);
      g_autofree char *note = care_id_new (ms + 2);

      g_ptr_array_add (events, make_v2 (seq++, ms, "visit.started",
                                        "{\"visit\":\"%s\",\"client\":\"c-7\",\"service\":\"personal-care\",\"at\":%"
                                        G_GINT64_FORMAT "}", visit, ms));
      g_ptr_array_add (events, make_v2 (seq++, ms + 1, "task.answered",
                                        "{\"visit\":\"%s\",\"task\":\"t-wash\",\"done\":true}", visit));
      g_ptr_array_add (events, make_v2 (seq++, ms + 2, "note.added",
                                        "{\"visit\":\"%s\",\"note\":\"%s\",\"category\":\"wellbeing\","
                                        "\"text\":\"Cheerful \\\"today\\\"\\n\\u00e8\"}", visit, note));
      g_ptr_array_add (events, make_v2 (seq++, ms + 900000, "visit.finished",
                                        "{\"visit\":\"%s\",\"at\":%" G_GINT64_FORMAT "}", visit, ms + 900000));
      ms += 3600000;
    }
  g_ptr_array_add (events, make_v2 (seq++, ms, "hours.added",
                                    "{\"entry\":\"h-literal\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":20}"));
  g_free (((CareEvent *) g_ptr_array_index (events, events->len - 1))->id);
  ((CareEvent *) g_ptr_array_index (events, events->len - 1))->id = g_strdup ("not-a-uuid:1");
  g_ptr_array_add (events, make_v2 (seq++, ms, "note.added",
                                    "{\"note\":\"%s\",\"visit\":\"%s\",\"category\":\"wellbeing\",\"text\":\"x\"}",
                                    "0190a000-0000-7000-8000-000000000001",
                                    ((CareEvent *) g_ptr_array_index (events, 0))->id));
  /* Records before the chain, then linked ones: "l" is sent on the
   * first linked record only (the server implies the rest). */
  for (guint i = 10; i < events->len; i++)
    ((CareEvent *) g_ptr_array_index (events, i))->link = g_strdup (link);

  wire = care_push_request_encode_v2 (events, signature);
  req = decode_v2 (wire, &error);
  g_assert_no_error (error);
  g_assert_cmpint (req->first_seq, ==, 41);
  g_assert_cmpstr (req->signature, ==, signature);
  assert_same_events (events, req);
  for (guint i = 0; i < events->len; i++)
    {
      CarePushEntry *entry = g_ptr_array_index (req->entries, i);

      g_assert_cmpint (entry->linked, ==, i >= 10);
      g_assert_cmpstr (entry->event->link, ==, i == 10 ? link : NULL);
    }

  /* Records read from a tablet's store to be sent carry their bodies as
   * text: encoded to the same bytes in both versions, hashed the same. */
  {
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
    g_autoptr(GBytes) from_text = NULL, v1_tree = NULL, v1_text = NULL;

    for (guint i = 0; i < events->len; i++)
      {
        CareEvent *copy = care_event_copy (g_ptr_array_index (events, i));
        g_autofree char *tree_hash = care_event_hash (copy);
        g_autofree char *text_hash = NULL;

        copy->body_text = care_json_object_to_string (copy->body);
        g_clear_pointer (&copy->body, json_object_unref);
        text_hash = care_event_hash (copy);
        g_assert_cmpstr (text_hash, ==, tree_hash);
        g_ptr_array_add (texts, copy);
      }
    from_text = care_push_request_encode_v2 (texts, signature);
    g_assert_cmpstr (g_bytes_get_data (from_text, NULL), ==, g_bytes_get_data (wire, NULL));
    g_assert_true (g_bytes_equal (from_text, wire));
    v1_tree = care_push_request_encode (events);
    v1_text = care_push_request_encode (texts);
    g_assert_true (g_bytes_equal (v1_text, v1_tree));
    /* A body text that is not an object goes as {}, as the tree reads it. */
    g_free (((CareEvent *) texts->pdata[0])->body_text);
    ((CareEvent *) texts->pdata[0])->body_text = g_strdup ("{\"visit\":\"x\",");
    g_clear_pointer (&from_text, g_bytes_unref);
    from_text = care_push_request_encode_v2 (texts, signature);
    g_assert_nonnull (strstr (g_bytes_get_data (from_text, NULL), "\"b\":{}"));
    g_assert_nonnull (care_event_ensure_body (texts->pdata[0]));
    g_assert_cmpuint (json_object_get_size (((CareEvent *) texts->pdata[0])->body), ==, 0);
  }

  /* The batch's and each record's members in another order (body last
   * but one, visit after body, ids after their deltas' users): the
   * deltas are still read in the order id, visit, body. */
  {
    g_autoptr(JsonNode) root = care_protocol_parse_object (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                                           &error);
    g_autoptr(GString) reversed = g_string_new (NULL);
    g_autoptr(CarePushRequest) again = NULL;

    g_assert_no_error (error);
    append_reversed (reversed, json_node_get_object (root), TRUE);
    g_assert_cmpstr (reversed->str, !=, g_bytes_get_data (wire, NULL));
    again = care_push_request_decode_v2 (reversed->str, reversed->len, "d-1", &error);
    g_assert_no_error (error);
    assert_same_events (events, again);
  }

  v1 = care_push_request_encode (events);
  gz1 = care_gzip (g_bytes_get_data (v1, NULL), g_bytes_get_size (v1), 6);
  gz2 = care_gzip (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), 6);
  g_test_message ("protocol 1: %" G_GSIZE_FORMAT " bytes, gzip %" G_GSIZE_FORMAT "; protocol 2 (with links): %"
                  G_GSIZE_FORMAT ", gzip %" G_GSIZE_FORMAT, g_bytes_get_size (v1), g_bytes_get_size (gz1),
                  g_bytes_get_size (wire), g_bytes_get_size (gz2));
  g_clear_pointer (&wire, g_bytes_unref);
  g_clear_pointer (&gz2, g_bytes_unref);
  wire = care_push_request_encode_v2 (events, NULL);
  gz2 = care_gzip (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), 6);
  g_assert_cmpuint (g_bytes_get_size (wire), <, g_bytes_get_size (v1) * 3 / 4);
  g_assert_cmpuint (g_bytes_get_size (gz2), <, g_bytes_get_size (gz1) * 4 / 5);
}

/* The compact encoding is decoded strictly: each of these fails the whole
 * batch with a sentence, never decodes to something else. */
static void
test_v2_strict (void)
{
  static const char *bad[] = {
    "{\"s\":1,\"a\":\"m\",\"e\":[],\"x\":1}",                                  /* unknown batch key */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"hours.added\",\"b\":{},\"z\":1}]}", /* unknown key */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"a\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}",   /* id in neither form */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"01.AAAAAAAAAAAAA\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}", /* leading 0 */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"-0.AAAAAAAAAAAAA\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}", /* -0 */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"1.AAAAAAAAAAAAB\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}", /* padding bits */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"1.AAAAAAAAAAAA\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}",  /* 12 chars */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"1.AAAAAAAAAAA+A\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}", /* not base64url */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"-1.AAAAAAAAAAAAA\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}", /* time < 0 */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"281474976710656.AAAAAAAAAAAAA\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"task.answered\",\"v\":1,\"b\":{}}]}", /* no visit before */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"task.answered\",\"v\":2,\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"v\":\"=v\",\"b\":{\"visit\":\"v\"}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{\"note\":{\"~\":\"=n\"}}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{\"note\":{\"~\":\"w\",\"x\":1}}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{\"note\":{\"~\":7}}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"l\":\"short\",\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"g\":7,\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":9223372036854775807,\"t\":\"note.added\",\"b\":{}},"
    "{\"i\":\"=b\",\"h\":1,\"t\":\"note.added\",\"b\":{}}]}",                  /* clock overflow */
    "{\"s\":0,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[]}",
    /* a name given twice: in the batch, a record, a body, inside a body */
    "{\"s\":1,\"s\":2,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"h\":2,\"t\":\"note.added\",\"b\":{}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{\"x\":1,\"x\":2}}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{\"x\":{\"y\":1,\"y\":1}}}]}",
    /* not JSON, or not a record */
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{},}]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{}}],}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{}}]} x",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":{}},7]}",
    "{\"s\":1,\"a\":\"m\",\"e\":[{\"i\":\"=a\",\"h\":1,\"t\":\"note.added\",\"b\":[]}]}",
    "[{\"s\":1}]",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CarePushRequest) req = care_push_request_decode_v2 (bad[i], strlen (bad[i]), "d-1", &error);

      if (req != NULL)
        g_error ("case %u decoded: %s", i, bad[i]);
      g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST);
      g_assert_true (g_str_has_suffix (error->message, "."));
    }
}

/* Property (seeded, short): random batches decode to exactly what was
 * encoded; random changes to an encoded batch either fail to decode or
 * decode to records that encode and decode again to themselves. */
static void
test_v2_property (void)
{
  static const char *words[] = { "\"s\"", "\"e\"", "\"i\"", "\"h\"", "\"v\":1", "\"~\"", "{", "}", "[", "]", ",",
                                 ":", "\"=x\"", "\"0.AAAAAAAAAAAAA\"", "-", "9", "\"w\"", "\"b\":{}", "null" };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 60; round++)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
      gint64 ms = 1600000000000 + g_rand_int_range (rand, 0, G_MAXINT32);
      guint n = g_rand_int_range (rand, 1, 30);
      g_autofree char *visit = care_id_new (ms);
      g_autoptr(GBytes) wire = NULL;
      g_autoptr(CarePushRequest) req = NULL;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < n; i++)
        {
          if (g_rand_int_range (rand, 0, 4) == 0)
            {
              g_free (visit);
              visit = care_id_new (ms);
              g_ptr_array_add (events, make_v2 (i + 1, ms, "visit.started",
                                                "{\"visit\":\"%s\",\"client\":\"c-1\",\"service\":\"s\",\"at\":%"
                                                G_GINT64_FORMAT "}", visit, ms + g_rand_int_range (rand, 0, 2)));
            }
          else
            {
              g_autofree char *note = care_id_new (ms + g_rand_int_range (rand, -5000, 5000));

              g_ptr_array_add (events, make_v2 (i + 1, ms, "note.added",
                                                "{\"visit\":\"%s\",\"note\":\"%s\",\"category\":\"wellbeing\","
                                                "\"text\":\"%u\"}", visit, note, g_rand_int (rand)));
            }
          ms += g_rand_int_range (rand, -100000, 3600000);
        }
      wire = care_push_request_encode_v2 (events, NULL);
      req = decode_v2 (wire, &error);
      g_assert_no_error (error);
      assert_same_events (events, req);

      for (guint m = 0; m < 40; m++)
        {
          g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
          g_autoptr(GBytes) mutated = NULL;
          g_autoptr(CarePushRequest) got = NULL;
          guint at = g_rand_int_range (rand, 0, text->len);

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              text->str[at] = (char) g_rand_int_range (rand, 32, 127);
              break;
            case 1:
              {
                gint len = g_rand_int_range (rand, 1, 8);

                g_string_erase (text, at, MIN (len, (gint) (text->len - at)));
              }
              break;
            default:
              g_string_insert (text, at, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
            }
          mutated = g_bytes_new (text->str, text->len);
          got = decode_v2 (mutated, NULL);
          if (got != NULL)
            {
              g_autoptr(GPtrArray) decoded = g_ptr_array_new ();
              g_autoptr(GBytes) again = NULL;
              g_autoptr(CarePushRequest) twice = NULL;
              g_autoptr(GError) again_error = NULL;

              for (guint i = 0; i < got->entries->len; i++)
                {
                  CarePushEntry *entry = g_ptr_array_index (got->entries, i);

                  if (entry->event != NULL)
                    g_ptr_array_add (decoded, entry->event);
                }
              if (decoded->len == 0)
                continue;
              /* Seqs must be consecutive to be one batch: re-number. */
              for (guint i = 0; i < decoded->len; i++)
                ((CareEvent *) g_ptr_array_index (decoded, i))->seq = i + 1;
              again = care_push_request_encode_v2 (decoded, NULL);
              twice = decode_v2 (again, &again_error);
              g_assert_no_error (again_error);
              assert_same_events (decoded, twice);
            }
        }
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/enrolment-line", test_enrolment_line);
  g_test_add_func ("/protocol/push/roundtrip", test_push_roundtrip);
  g_test_add_func ("/protocol/push/bad-entries", test_push_bad_entries);
  g_test_add_func ("/protocol/push/batch-head", test_batch_head_both_versions);
  g_test_add_func ("/protocol/json-checks", test_json_checks);
  g_test_add_func ("/protocol/json-string", test_json_string);
  g_test_add_func ("/protocol/gzip-cap", test_gzip_cap);
  g_test_add_func ("/protocol/pull-request", test_pull_request);
  g_test_add_func ("/protocol/pull-received", test_pull_received);
  g_test_add_func ("/protocol/v2/roundtrip", test_v2_roundtrip);
  g_test_add_func ("/protocol/v2/strict", test_v2_strict);
  g_test_add_func ("/protocol/v2/property", test_v2_property);
  return g_test_run ();
}
