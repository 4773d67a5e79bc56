/* test-protocol.c: protocol 1 encoding and validation (no server).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

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
  g_assert_cmpuint (req->entries->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      CarePushEntry *entry = g_ptr_array_index (req->entries, i);
      CareEvent *a = g_ptr_array_index (events, i), *b = entry->event;
      g_autofree char *ja = care_json_object_to_string (a->body);
      g_autofree char *jb = NULL;

      g_assert_nonnull (b);
      jb = care_json_object_to_string (b->body);
      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpint (a->seq, ==, b->seq);
      g_assert_cmpstr (a->author, ==, b->author);
      g_assert_cmpint (a->hlc, ==, b->hlc);
      g_assert_cmpint (a->wall, ==, b->wall);
      g_assert_cmpint (a->type, ==, b->type);
      g_assert_cmpstr (ja, ==, jb);
    }
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/enrolment-line", test_enrolment_line);
  g_test_add_func ("/protocol/push/roundtrip", test_push_roundtrip);
  g_test_add_func ("/protocol/push/bad-entries", test_push_bad_entries);
  g_test_add_func ("/protocol/json-checks", test_json_checks);
  g_test_add_func ("/protocol/gzip-cap", test_gzip_cap);
  g_test_add_func ("/protocol/pull-request", test_pull_request);
  g_test_add_func ("/protocol/pull-received", test_pull_received);
  return g_test_run ();
}
