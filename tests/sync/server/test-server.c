/* test-server.c: push, pull, recovery and bad input against a real
 * carelog-server process on 127.0.0.1 port 0, with the real client.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "server-fixture.h"

static const char *proto_headers[] = { "Carelog-Protocol", "1", NULL };

static GPtrArray *
visit_batch (TestDevice *d,
             const char *client,
             guint       n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *visit = g_uuid_string_random ();
  g_autofree char *start = g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"%s\",\"service\":\"personal-care\",\"at\":1763900000000}",
                                            visit, client);

  g_ptr_array_add (events, device_event (d, "visit.started", start));
  for (guint i = 1; i < n; i++)
    {
      g_autofree char *note = g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"n-%u-%s\",\"category\":\"wellbeing\","
                                               "\"text\":\"Cheerful today, ate well (%u).\"}", visit, i, visit, i);

      g_ptr_array_add (events, device_event (d, "note.added", note));
    }
  return events;
}

static guint
count_id (GPtrArray  *records,
          const char *id)
{
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    n += g_str_equal (((CareEvent *) g_ptr_array_index (records, i))->id, id);
  return n;
}

static void
assert_serving (ServerFixture *f)
{
  g_autofree char *body = NULL;

  g_assert_cmpuint (raw_request (f, "GET", "/v1/status", NULL, NULL, &body), ==, 200);
  g_assert_nonnull (strstr (body, "\"versions\":[1,2]"));
}

static void
test_idempotent (void)
{
  ServerFixture f;
  TestDevice *d, *super;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");
  events = visit_batch (d, "c-1", 5);
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(CarePushResult) r = sync_push (d->client, events, &error);

      g_assert_no_error (error);
      g_assert_cmpint (r->acked_seq, ==, 5);
      g_assert_cmpint (r->expected_seq, ==, 0);
      g_assert_cmpuint (r->items->len, ==, 5);
      for (guint i = 0; i < 5; i++)
        g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, i))->status, ==,
                         round == 0 ? CARE_PUSH_ACCEPTED : CARE_PUSH_DUPLICATE);
    }
  all = pull_all (super->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (events, i))->id), ==, 1);
  device_free (d);
  device_free (super);
  fixture_teardown (&f);
}

/* The server commits, then the connection is cut before the answer. */
static void
test_drop_after_commit (void)
{
#if CARE_FAULT_HOOKS
  ServerFixture f;
  TestDevice *d, *super;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePushResult) lost = NULL;
  g_autoptr(CarePushResult) retry = NULL;
  const char *env[] = { "CARELOG_FAULT=drop-after-commit:1", NULL };

  fixture_setup (&f);
  fixture_start (&f, NULL, env);
  d = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");
  events = visit_batch (d, "c-1", 4);
  lost = sync_push (d->client, events, &error);
  if (lost != NULL)
    {
      /* libsoup resent the (idempotent) request on its own after the cut:
       * the server had committed, so every record is a duplicate. */
      g_assert_no_error (error);
      for (guint i = 0; i < 4; i++)
        g_assert_cmpint (((CarePushItem *) g_ptr_array_index (lost->items, i))->status, ==, CARE_PUSH_DUPLICATE);
    }
  else
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  retry = sync_push (d->client, events, &error);
  g_assert_no_error (error);
  g_assert_cmpint (retry->acked_seq, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (((CarePushItem *) g_ptr_array_index (retry->items, i))->status, ==, CARE_PUSH_DUPLICATE);
  all = pull_all (super->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (events, i))->id), ==, 1);
  device_free (d);
  device_free (super);
  fixture_teardown (&f);
#else
  g_test_skip ("built without fault hooks");
#endif
}

static GPtrArray *
slice (GPtrArray *events,
       guint      from,
       guint      to)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = from; i < to; i++)
    g_ptr_array_add (out, g_ptr_array_index (events, i));
  return out;
}

static void
assert_push (TestDevice *d,
             GPtrArray  *events,
             gint64      acked,
             gint64      expected,
             int         status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePushResult) r = sync_push (d->client, events, &error);

  g_assert_no_error (error);
  g_assert_cmpint (r->acked_seq, ==, acked);
  g_assert_cmpint (r->expected_seq, ==, expected);
  if (expected != 0)
    g_assert_cmpuint (r->items->len, ==, 0);
  else
    for (guint i = 0; i < r->items->len; i++)
      g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, i))->status, ==, status);
}

static void
test_gaps_and_order (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) a = NULL, b = NULL, c = NULL, overlap = NULL;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  events = visit_batch (d, "c-1", 9);
  a = slice (events, 0, 3);
  b = slice (events, 3, 6);
  c = slice (events, 6, 9);
  overlap = slice (events, 4, 9);
  assert_push (d, b, 0, 1, 0);                    /* out of order: gap, nothing stored */
  assert_push (d, c, 0, 1, 0);
  assert_push (d, a, 3, 0, CARE_PUSH_ACCEPTED);
  assert_push (d, c, 3, 4, 0);                    /* still a gap */
  assert_push (d, b, 6, 0, CARE_PUSH_ACCEPTED);
  assert_push (d, c, 9, 0, CARE_PUSH_ACCEPTED);
  assert_push (d, overlap, 9, 0, CARE_PUSH_DUPLICATE);
  device_free (d);
  fixture_teardown (&f);
}

/* A raw push of events (protocol 1, uncompressed) on stream; with
 * hold_body the body is not sent yet: it is returned, to send later. */
static char *
raw_push (GIOStream  *stream,
          TestDevice *d,
          GPtrArray  *events,
          gboolean    hold_body)
{
  g_autoptr(GBytes) body = care_push_request_encode (events);
  g_autofree char *head = g_strdup_printf ("POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Carelog-Protocol: 1\r\nAuthorization: Carelog %s:%s\r\n"
                                           "Carelog-First-Seq: %" G_GINT64_FORMAT "\r\n"
                                           "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           d->device, d->key, ((CareEvent *) g_ptr_array_index (events, 0))->seq,
                                           g_bytes_get_size (body));

  g_assert_true (raw_send (stream, head, strlen (head)));
  if (hold_body)
    return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_true (raw_send (stream, g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
  return NULL;
}

/* A tablet has two batches on their way at once; the later one's body
 * arrives (and is decoded) first. The server stores them in sequence
 * order: the later one is not answered as a gap. */
static void
test_pipeline_order (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) a = NULL, b = NULL;
  g_autoptr(GIOStream) first = NULL, second = NULL;
  g_autofree char *held = NULL, *body_a = NULL, *body_b = NULL;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  events = visit_batch (d, "c-1", 6);
  a = slice (events, 0, 3);
  b = slice (events, 3, 6);
  first = raw_connect (&f, NULL);
  second = raw_connect (&f, NULL);
  held = raw_push (first, d, a, TRUE);
  g_usleep (100 * 1000);                          /* a's headers are in */
  raw_push (second, d, b, FALSE);
  g_usleep (200 * 1000);                          /* b decoded and waiting for a */
  g_assert_true (raw_send (first, held, strlen (held)));
  g_assert_cmpuint (raw_read_response (first, NULL, &body_a), ==, 200);
  g_assert_cmpuint (raw_read_response (second, NULL, &body_b), ==, 200);
  g_assert_nonnull (strstr (body_a, "\"r\":[0,0,0]"));
  g_assert_nonnull (strstr (body_b, "\"k\":6"));
  g_assert_nonnull (strstr (body_b, "\"r\":[0,0,0]"));
  g_assert_null (strstr (body_b, "\"x\""));
  device_free (d);
  fixture_teardown (&f);
}

static void
test_poison (void)
{
  ServerFixture f;
  TestDevice *d, *super;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) more = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePushResult) r = NULL;
  g_autoptr(CarePushResult) r2 = NULL;
  CareEvent *bad;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");
  events = visit_batch (d, "c-1", 5);
  /* The third record breaks its type's schema; the fourth is about a client
   * this carer is not assigned to. */
  bad = g_ptr_array_index (events, 2);
  json_object_remove_member (bad->body, "text");
  bad = g_ptr_array_index (events, 3);
  bad->type = CARE_EVENT_VISIT_STARTED;
  json_object_set_string_member (bad->body, "visit", "v-other");
  json_object_set_string_member (bad->body, "client", "c-2");
  json_object_set_string_member (bad->body, "service", "personal-care");
  json_object_set_int_member (bad->body, "at", 1763900000000);
  json_object_remove_member (bad->body, "note");
  json_object_remove_member (bad->body, "category");
  json_object_remove_member (bad->body, "text");
  r = sync_push (d->client, events, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->acked_seq, ==, 5);
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, 0))->status, ==, CARE_PUSH_ACCEPTED);
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, 1))->status, ==, CARE_PUSH_ACCEPTED);
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, 2))->status, ==, CARE_PUSH_REJECTED);
  g_assert_nonnull (strstr (((CarePushItem *) g_ptr_array_index (r->items, 2))->reason, "text"));
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, 3))->status, ==, CARE_PUSH_REJECTED);
  g_assert_nonnull (strstr (((CarePushItem *) g_ptr_array_index (r->items, 3))->reason, "not assigned"));
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, 4))->status, ==, CARE_PUSH_ACCEPTED);
  /* The queue behind the poison keeps flowing. */
  more = visit_batch (d, "c-1", 3);
  r2 = sync_push (d->client, more, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r2->acked_seq, ==, 8);
  all = pull_all (super->client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (events, 2))->id), ==, 0);
  g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (events, 3))->id), ==, 0);
  g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (events, 4))->id), ==, 1);
  g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (more, 2))->id), ==, 1);
  device_free (d);
  device_free (super);
  fixture_teardown (&f);
}

static void
assert_error_body (const char *body,
                   const char *code)
{
  g_autoptr(JsonNode) node = json_from_string (body, NULL);
  JsonObject *o;

  g_assert_nonnull (node);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "message")), >, 10);
}

static guint
post (ServerFixture *f,
      TestDevice    *d,
      const char    *path,
      const void    *data,
      gsize          len,
      const char    *encoding,
      char         **body)
{
  g_autofree char *auth = g_strdup_printf ("Carelog %s:%s", d->device, d->key);
  const char *headers[] = { "Carelog-Protocol", "1", "Authorization", auth,
                            encoding ? "Content-Encoding" : NULL, encoding, NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);

  return raw_request (f, "POST", path, headers, bytes, body);
}

static void
test_bad_input (void)
{
  ServerFixture f;
  TestDevice *d, *super;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  struct
  {
    const char *name;
    const char *body;
    guint status;
    const char *code;
  } cases[] = {
    { "malformed", "{\"s\":1,\"a\":\"m-carer\",\"e\":[", 400, "bad-request" },
    { "not an object", "[1,2,3]", 400, "bad-request" },
    { "wrong type s", "{\"s\":\"1\",\"a\":\"m-carer\",\"e\":[]}", 400, "bad-request" },
    { "wrong type e", "{\"s\":1,\"a\":\"m-carer\",\"e\":{}}", 400, "bad-request" },
    { "missing e", "{\"s\":1,\"a\":\"m-carer\"}", 400, "bad-request" },
    { "empty", "", 400, "bad-request" },
    { "invalid utf-8", "{\"s\":1,\"a\":\"m-\xff\xfe\",\"e\":[]}", 400, "bad-request" },
    { "nul byte", "{\"s\":1,\"a\":\"m\0\",\"e\":[]}", 400, "bad-request" },
  };
  g_autofree char *deep = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GString) many = g_string_new ("{\"s\":1,\"a\":\"m-carer\",\"e\":[");
  g_autofree char *zeros = NULL;
  g_autoptr(GBytes) bomb = NULL;
  g_autofree char *long_header = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) sql_events = NULL;
  g_autoptr(CarePushResult) r = NULL;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      gsize len = g_str_equal (cases[i].name, "nul byte") ? 24 : strlen (cases[i].body);

      g_test_message ("case: %s", cases[i].name);
      g_assert_cmpuint (post (&f, d, "/v1/push", cases[i].body, len, NULL, &out), ==, cases[i].status);
      assert_error_body (out, cases[i].code);
      assert_serving (&f);
    }

  /* Deep nesting is refused before the parser sees it. */
  deep = g_strnfill (100000, '[');
  g_assert_cmpuint (post (&f, d, "/v1/push", deep, strlen (deep), NULL, &body), ==, 400);
  g_assert_nonnull (strstr (body, "deeper"));
  g_clear_pointer (&body, g_free);
  assert_serving (&f);

  /* More records than a batch may hold. */
  for (guint i = 0; i < CARE_MAX_BATCH + 1; i++)
    g_string_append_printf (many, "%s{\"i\":\"x%u\",\"h\":1,\"t\":\"hours.added\",\"b\":{}}", i ? "," : "", i);
  g_string_append (many, "]}");
  g_assert_cmpuint (post (&f, d, "/v1/push", many->str, many->len, NULL, &body), ==, 413);
  assert_error_body (body, "too-large");
  g_assert_nonnull (strstr (body, "\"limit\":1000"));
  g_clear_pointer (&body, g_free);

  /* A body over the limit: answered from its headers, and the connection
   * closed without reading the body (test-hostile sends one for real). */
  {
    g_autoptr(GIOStream) s = raw_connect (&f, &error);
    g_autofree char *req = g_strdup_printf ("POST /v1/push HTTP/1.1\r\nHost: x\r\nCarelog-Protocol: 1\r\n"
                                            "Authorization: Carelog %s:%s\r\nContent-Type: application/json\r\n"
                                            "Content-Length: %d\r\n\r\n", d->device, d->key, CARE_MAX_BODY + 1);

    g_assert_no_error (error);
    g_assert_true (raw_send (s, req, strlen (req)));
    g_assert_cmpuint (raw_read_response (s, NULL, &body), ==, 413);
    assert_error_body (body, "too-large");
    g_assert_nonnull (strstr (body, "\"limit\":4194304"));
    g_clear_pointer (&body, g_free);
    g_assert_true (raw_closed_within (s, 10));
  }
  assert_serving (&f);

  /* A zip bomb: 64 MiB of spaces in a few kilobytes. */
  zeros = g_strnfill (64 * 1024 * 1024, ' ');
  bomb = care_gzip (zeros, 64 * 1024 * 1024, 9);
  g_assert_cmpuint (g_bytes_get_size (bomb), <, CARE_MAX_BODY);
  g_assert_cmpuint (post (&f, d, "/v1/push", g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), "gzip", &body), ==, 413);
  assert_error_body (body, "too-large");
  g_clear_pointer (&body, g_free);
  assert_serving (&f);

  /* Damaged gzip, unknown encoding. */
  g_assert_cmpuint (post (&f, d, "/v1/push", "\x1f\x8b garbage", 10, "gzip", &body), ==, 400);
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (post (&f, d, "/v1/push", "{}", 2, "br", &body), ==, 400);
  g_clear_pointer (&body, g_free);

  /* A huge header. */
  long_header = g_strnfill (8192, 'x');
  {
    const char *headers[] = { "Carelog-Protocol", "1", "X-Junk", long_header, NULL };

    g_assert_cmpuint (raw_request (&f, "POST", "/v1/pull", headers, g_bytes_new_static ("{}", 2), &body), ==, 400);
    assert_error_body (body, "bad-request");
    g_clear_pointer (&body, g_free);
  }
  assert_serving (&f);

  /* Protocol version, method, path, credentials. */
  {
    g_autoptr(GBytes) empty = g_bytes_new_static ("{}", 2);
    const char *v3[] = { "Carelog-Protocol", "3", NULL };
    const char *bad_auth[] = { "Carelog-Protocol", "1", "Authorization", "Basic Zm9vOmJhcg==", NULL };

    g_assert_cmpuint (raw_request (&f, "POST", "/v1/pull", NULL, empty, &body), ==, 400);
    assert_error_body (body, "version");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (raw_request (&f, "POST", "/v1/pull", v3, empty, &body), ==, 400);
    assert_error_body (body, "version");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (raw_request (&f, "GET", "/v1/pull", proto_headers, NULL, &body), ==, 405);
    assert_error_body (body, "method");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (raw_request (&f, "POST", "/v2/pull", proto_headers, empty, &body), ==, 404);
    assert_error_body (body, "not-found");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (raw_request (&f, "POST", "/v1/pull", bad_auth, empty, &body), ==, 401);
    assert_error_body (body, "unauthorized");
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (post (&f, d, "/v1/pull", "{\"n\":0}", 7, NULL, &body), ==, 400);
    g_clear_pointer (&body, g_free);
    g_assert_cmpuint (post (&f, d, "/v1/pull", "{\"c\":\"1.zz.5.0\"}", 16, NULL, &body), ==, 409);
    assert_error_body (body, "cursor-invalid");
    g_clear_pointer (&body, g_free);
  }

  /* SQL-looking strings are data: stored and returned as they are. */
  sql = g_strdup ("x');DROP/**/TABLE/**/events;--");
  sql_events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  {
    g_autofree char *json = g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"other\",\"date\":\"2026-11-23\","
                                             "\"minutes\":15,\"comment\":\"' OR 1=1; --\"}", sql);

    g_ptr_array_add (sql_events, device_event (d, "hours.added", json));
  }
  r = sync_push (d->client, sql_events, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r->items, 0))->status, ==, CARE_PUSH_ACCEPTED);
  all = pull_all (super->client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (sql_events, 0))->id), ==, 1);
  assert_serving (&f);
  device_free (d);
  device_free (super);
  fixture_teardown (&f);
}

static void
test_enrolment_and_revoke (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *first = NULL;
  g_autoptr(CareEnrolmentLine) line = NULL;
  g_autoptr(CareSyncClient) c = NULL;
  g_autoptr(CareSyncClient) wrong = NULL;
  g_autoptr(CareEnrolment) e1 = NULL;
  g_autoptr(CareEnrolment) e2 = NULL;
  g_autoptr(CareEnrolment) e3 = NULL;
  g_autoptr(CarePullResult) p = NULL;
  g_autoptr(CarePullResult) p2 = NULL;
  g_autoptr(CarePullResult) p3 = NULL;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  out = fixture_admin (&f, TRUE, "device", "enrol", f.data, "m-carer", NULL);
  first = g_strndup (out, strcspn (out, "\n"));
  g_assert_true (g_str_has_prefix (first, "carelog:1:http://127.0.0.1:"));
  g_assert_nonnull (strstr (out, "█"));       /* the QR code */
  line = care_enrolment_line_parse (first, &error);
  g_assert_no_error (error);
  c = care_sync_client_new (line->url, line->pin, NULL, NULL);
  e1 = sync_enrol (c, line->code, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e1->role, ==, CARE_ROLE_CARER);
  g_assert_cmpstr (e1->timezone, ==, "Europe/Rome");
  g_assert_cmpuint (strlen (e1->key), ==, 43);
  e2 = sync_enrol (c, line->code, &error);           /* one time only */
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT);
  g_clear_error (&error);
  e3 = sync_enrol (c, "AAAA-BBBB-CCCC-DDDD", &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_ENROLMENT);
  g_clear_error (&error);

  /* A tablet enrolling again under its own id may name only an id of the
   * form the co-op hands out: not "coop" (the co-op's own records), not one
   * it made up. The refusal consumes nothing: the code still works. */
  {
    g_autofree char *again = fixture_admin (&f, TRUE, "device", "enrol", f.data, "m-carer", NULL);
    g_autofree char *again_line = g_strndup (again, strcspn (again, "\n"));
    g_autoptr(CareEnrolmentLine) l2 = care_enrolment_line_parse (again_line, &error);
    const char *claims[] = { "coop", "d-made-up", "d-AAAAAAAAAAA!", "m-carer" };
    const char *headers[] = { "Carelog-Protocol", "1", NULL };
    g_autofree char *body = NULL;
    g_autoptr(CareEnrolment) e4 = NULL;
    g_autoptr(CareSyncClient) fresh = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
      {
        g_autofree char *req = g_strdup_printf ("{\"code\":\"%s\",\"device\":\"%s\"}", l2->code, claims[i]);
        g_autoptr(GBytes) bytes = g_bytes_new (req, strlen (req));

        g_assert_cmpuint (raw_request (&f, "POST", "/v1/enrol", headers, bytes, &body), ==, 400);
        assert_error_body (body, "bad-request");
        g_clear_pointer (&body, g_free);
      }
    fresh = care_sync_client_new (l2->url, l2->pin, NULL, NULL);
    e4 = sync_enrol (fresh, l2->code, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (e4->device, "d-"));
    g_assert_cmpuint (strlen (e4->device), ==, 14);
  }

  d = device_enrol (&f, "m-carer");
  p = sync_pull (d->client, "", 0, 100, &error);
  g_assert_no_error (error);
  wrong = client_for (&f, d->device, "not-the-key");
  p2 = sync_pull (wrong, "", 0, 100, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_free (fixture_admin (&f, TRUE, "device", "revoke", f.data, d->device, NULL));
  /* Revoked to retire (the default): its pulls are refused with what to do. */
  p3 = sync_pull (d->client, "", 0, 100, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_RETIRED);
  g_clear_error (&error);
  /* A member who leaves the co-op: their tablets are refused at once. */
  {
    TestDevice *d2 = device_enrol (&f, "m-carer2");
    g_autoptr(CarePullResult) p4 = NULL;

    g_free (fixture_admin (&f, TRUE, "member", "deactivate", f.data, "m-carer2", NULL));
    p4 = sync_pull (d2->client, "", 0, 100, &error);
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
    device_free (d2);
  }
  g_clear_pointer (&out, g_free);
  out = fixture_admin (&f, TRUE, "device", "list", f.data, NULL);
  g_assert_nonnull (strstr (out, d->device));
  g_assert_nonnull (strstr (out, "retiring"));   /* revoked, to deliver then erase */
  device_free (d);
  fixture_teardown (&f);
}

static void
test_rate_limit (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--rate", "0.2", "--burst", "2", NULL };
  gboolean limited = FALSE;

  fixture_setup (&f);
  fixture_start (&f, args, NULL);
  d = device_enrol (&f, "m-carer");
  for (int i = 0; i < 4 && !limited; i++)
    {
      g_autoptr(CarePullResult) p = sync_pull (d->client, "", 0, 10, &error);

      if (p == NULL)
        {
          g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_RATE_LIMITED);
          g_assert_cmpuint (care_sync_client_get_retry_after (d->client), >=, 1);
          limited = TRUE;
        }
    }
  g_assert_true (limited);
  device_free (d);
  fixture_teardown (&f);
}

static void
portal_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  static const char page[] = "<html><body>Please sign in to CaféNet</body></html>";

  if (g_str_has_suffix (path, "/pull"))
    {
      soup_server_message_set_redirect (msg, 302, "http://127.0.0.1:1/login");
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, sizeof page - 1);
}

static void
test_captive_portal (void)
{
  g_autoptr(SoupServer) portal = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  g_autoptr(CareSyncClient) c = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  TestDevice fake = { .device = (char *) "d-x", .member = (char *) "m-carer", .next_seq = 1, .hlc = 1 << 20 };
  g_autoptr(CarePushResult) r = NULL;
  g_autoptr(CarePullResult) p = NULL;
  g_autoptr(CareEnrolment) e = NULL;

  soup_server_add_handler (portal, NULL, portal_cb, NULL, NULL);
  soup_server_listen_local (portal, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (portal);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  c = care_sync_client_new (url, NULL, "d-x", "key");
  g_ptr_array_add (events, device_event (&fake, "hours.added",
                                         "{\"entry\":\"e1\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":10}"));
  r = sync_push (c, events, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL);
  g_clear_error (&error);
  p = sync_pull (c, "", 0, 10, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL);
  g_clear_error (&error);
  e = sync_enrol (c, "ABCD", &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL);
}

/* Backup; more writes; restore the older backup: the device notices that
 * the server is behind it, re-sends, and nothing is lost. */
static void
test_backup_restore (void)
{
  ServerFixture f;
  TestDevice *d, *super;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL, second = NULL, third = NULL, resend = NULL, all = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(CarePushResult) r = NULL;
  g_autoptr(CarePushResult) gap = NULL;
  g_autoptr(CarePushResult) again = NULL;
  g_autoptr(CarePushResult) r3 = NULL;
  g_autoptr(CarePullResult) page = NULL;
  g_autoptr(CarePullResult) behind = NULL;
  g_autoptr(CarePullResult) stale = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GPtrArray) everything = g_ptr_array_new ();

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");
  first = visit_batch (d, "c-1", 10);
  r = sync_push (d->client, first, &error);
  g_assert_no_error (error);
  backup = g_build_filename (f.tmp, "backup.db", NULL);
  g_free (fixture_admin (&f, TRUE, "backup", f.data, backup, NULL));   /* online */
  second = visit_batch (d, "c-1", 10);
  g_clear_pointer (&r, care_push_result_free);
  r = sync_push (d->client, second, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->acked_seq, ==, 20);
  d->acked = 20;
  page = sync_pull (d->client, "", d->acked, 1000, &error);
  g_assert_no_error (error);
  cursor = g_strdup (page->next_cursor);

  /* restore refuses while the server runs */
  g_free (fixture_admin (&f, FALSE, "restore", f.data, backup, NULL));
  fixture_stop (&f);
  g_free (fixture_admin (&f, TRUE, "restore", f.data, backup, NULL));
  fixture_start (&f, NULL, NULL);
  g_clear_object (&d->client);
  d->client = client_for (&f, d->device, d->key);
  g_clear_object (&super->client);
  super->client = client_for (&f, super->device, super->key);

  /* Pull: the server says it is behind, and by how much. */
  behind = sync_pull (d->client, cursor, d->acked, 1000, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_SERVER_BEHIND);
  g_clear_error (&error);
  /* Push of new records: a gap whose expected seq is below what the
   * device had acknowledged — also "server behind". */
  third = visit_batch (d, "c-1", 3);
  gap = sync_push (d->client, third, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gap->expected_seq, ==, 11);
  g_assert_cmpint (gap->expected_seq, <=, d->acked);
  /* Recovery: re-send from the server's acked seq + 1. */
  resend = slice (second, 0, second->len);
  again = sync_push (d->client, resend, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->acked_seq, ==, 20);
  r3 = sync_push (d->client, third, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r3->acked_seq, ==, 23);
  /* The old cursor is from another epoch. */
  stale = sync_pull (d->client, cursor, 23, 1000, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_CURSOR_INVALID);
  g_clear_error (&error);
  all = pull_all (super->client, 0, &error);
  g_assert_no_error (error);
  g_ptr_array_extend (everything, first, NULL, NULL);
  g_ptr_array_extend (everything, second, NULL, NULL);
  g_ptr_array_extend (everything, third, NULL, NULL);
  for (guint i = 0; i < everything->len; i++)
    g_assert_cmpuint (count_id (all, ((CareEvent *) g_ptr_array_index (everything, i))->id), ==, 1);
  device_free (d);
  device_free (super);
  fixture_teardown (&f);
}

static void
test_scope_grows (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(CarePullResult) page = NULL;
  g_autoptr(CarePullResult) stale = NULL;
  gboolean saw_c2 = FALSE;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  page = sync_pull (d->client, "", 0, 1000, &error);
  g_assert_no_error (error);
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-2", "m-carer", NULL));
  stale = sync_pull (d->client, page->next_cursor, 0, 1000, &error);
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_CURSOR_INVALID);
  g_clear_error (&error);
  after = pull_all (d->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < after->len; i++)
    {
      CareEvent *e = g_ptr_array_index (after, i);

      if (e->type == CARE_EVENT_CAREPLAN_SET
          && g_str_equal (json_object_get_string_member (e->body, "client"), "c-2"))
        saw_c2 = TRUE;
    }
  g_assert_true (saw_c2);
  device_free (d);
  fixture_teardown (&f);
}

/* Paging (the server prepares the next page while the device reads one):
 * records written between pages still arrive, each exactly once. */
static void
test_pages (void)
{
  ServerFixture f;
  TestDevice *d, *super;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autofree char *cursor = g_strdup ("");
  guint pages = 0;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");
  for (int i = 0; i < 3; i++)
    {
      GPtrArray *batch = visit_batch (d, "c-1", 1000);
      g_autoptr(CarePushResult) r = sync_push (d->client, batch, &error);

      g_assert_no_error (error);
      g_ptr_array_add (written, batch);
    }
  for (;;)
    {
      g_autoptr(CarePullResult) page = sync_pull (super->client, cursor, 0, 1000, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->records->len; i++)
        {
          CareEvent *e = g_ptr_array_index (page->records, i);

          g_assert_true (g_hash_table_add (seen, g_strdup (e->id)));   /* never twice */
          g_assert_cmpint (e->received, >, 0);                           /* when the server stored it */
        }
      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
      if (++pages == 1)
        {
          /* Written while the second page is being prepared. */
          GPtrArray *batch = visit_batch (d, "c-1", 10);
          g_autoptr(CarePushResult) r = sync_push (d->client, batch, &error);

          g_assert_no_error (error);
          g_ptr_array_add (written, batch);
        }
      if (!page->more)
        break;
    }
  g_assert_cmpuint (pages, >=, 3);
  for (guint b = 0; b < written->len; b++)
    {
      GPtrArray *batch = g_ptr_array_index (written, b);

      for (guint i = 0; i < batch->len; i++)
        g_assert_true (g_hash_table_contains (seen, ((CareEvent *) g_ptr_array_index (batch, i))->id));
    }
  device_free (d);
  device_free (super);
  fixture_teardown (&f);
}

/* Pulls from CURSOR (updated) in pages of LIMIT; adds the ids to SEEN
 * (asserting none comes twice); returns how many records came. */
static guint
pull_into (TestDevice *d,
           char      **cursor,
           guint       limit,
           GHashTable *seen)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (;;)
    {
      g_autoptr(CarePullResult) page = sync_pull (d->client, *cursor, d->next_seq - 1, limit, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->records->len; i++)
        {
          CareEvent *e = g_ptr_array_index (page->records, i);

          g_assert_cmpstr (e->device, !=, d->device);                    /* never its own */
          g_assert_true (g_hash_table_add (seen, g_strdup (e->id)));   /* never twice */
        }
      n += page->records->len;
      g_free (*cursor);
      *cursor = g_strdup (page->next_cursor);
      if (!page->more)
        return n;
    }
}

/* No echo: a device is never sent its own records, its member's other
 * devices are; the push answer says when the server received the batch
 * (the "received" the server stores and sends others); the cursor stays
 * exact across the left-out records, with pages of one record as with
 * large pages, and when the device's own records are the newest. */
static void
test_no_echo (void)
{
  ServerFixture f;
  TestDevice *tablet, *phone, *super;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_one = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) by_page = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) phone_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) super_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *c_one = g_strdup ("");
  g_autofree char *c_page = g_strdup ("");
  g_autofree char *c_phone = g_strdup ("");
  g_autofree char *c_super = g_strdup ("");
  g_autoptr(GPtrArray) from_tablet = NULL;
  g_autoptr(GPtrArray) from_phone = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GPtrArray) all = NULL;
  gint64 before, received;
  guint roster;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  tablet = device_enrol (&f, "m-carer");
  phone = device_enrol (&f, "m-carer");
  super = device_enrol (&f, "m-super");

  /* Roster only, so far. */
  roster = pull_into (tablet, &c_one, 1, by_one);
  g_assert_cmpuint (roster, >, 0);
  g_assert_cmpuint (pull_into (tablet, &c_page, 1000, by_page), ==, roster);
  pull_into (super, &c_super, 1000, super_seen);

  before = g_get_real_time () / 1000;
  from_tablet = visit_batch (tablet, "c-1", 4);
  {
    g_autoptr(CarePushResult) r = sync_push (tablet->client, from_tablet, &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->received, >=, before);
    g_assert_cmpint (r->received, <=, r->server_time);
    received = r->received;
  }
  /* Its own records are the newest: nothing comes, the cursor moves on. */
  g_assert_cmpuint (pull_into (tablet, &c_one, 1, by_one), ==, 0);
  g_assert_cmpuint (pull_into (tablet, &c_page, 1000, by_page), ==, 0);

  /* Interleaved with the other device's records. */
  from_phone = visit_batch (phone, "c-1", 3);
  {
    g_autoptr(CarePushResult) r = sync_push (phone->client, from_phone, &error);

    g_assert_no_error (error);
  }
  later = visit_batch (tablet, "c-1", 2);
  {
    g_autoptr(CarePushResult) r = sync_push (tablet->client, later, &error);

    g_assert_no_error (error);
  }
  g_assert_cmpuint (pull_into (tablet, &c_one, 1, by_one), ==, 3);
  g_assert_cmpuint (pull_into (tablet, &c_page, 1000, by_page), ==, 3);
  for (guint i = 0; i < from_phone->len; i++)
    {
      const char *id = ((CareEvent *) g_ptr_array_index (from_phone, i))->id;

      g_assert_true (g_hash_table_contains (by_one, id));
      g_assert_true (g_hash_table_contains (by_page, id));
    }
  g_assert_cmpuint (g_hash_table_size (by_one), ==, roster + 3);
  g_assert_cmpuint (g_hash_table_size (by_page), ==, roster + 3);

  /* The member's other device gets all six of the tablet's records. */
  g_assert_cmpuint (pull_into (phone, &c_phone, 2, phone_seen), ==, roster + 6);
  /* The supervisor sees every record, with the receive time the tablet was
   * told in its push answer. */
  g_assert_cmpuint (pull_into (super, &c_super, 1000, super_seen), ==, 9);
  all = pull_all (super->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = g_ptr_array_index (all, i);

      if (g_str_equal (e->id, ((CareEvent *) g_ptr_array_index (from_tablet, 0))->id))
        g_assert_cmpint (e->received, ==, received);
    }

  device_free (tablet);
  device_free (phone);
  device_free (super);
  fixture_teardown (&f);
}

/* Administration: the rota (one visit and a CSV import) reaches the
 * assigned carer's tablet; device list shows what a co-ordinator needs. */
static void
test_admin_rota (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *csv = NULL, *bad_csv = NULL, *out = NULL, *err = NULL;
  guint schedules = 0;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer",
                         "--start", "2026-11-24T08:30", "--minutes", "45", "--service", "personal-care", NULL));
  csv = g_build_filename (f.tmp, "rota.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "schedule,client,carer,start,minutes,service\n"
                                           "s-2,c-1,m-carer,2026-11-24T12:00,30,meal\n"
                                           "s-3,c-2,m-carer2,2026-11-24T09:00,60,personal-care\n", -1, NULL));
  g_free (fixture_admin (&f, TRUE, "rota", "import", f.data, csv, NULL));
  bad_csv = g_build_filename (f.tmp, "bad.csv", NULL);
  g_assert_true (g_file_set_contents (bad_csv, "s-4,c-1,m-carer,tomorrow,30,meal\n", -1, NULL));
  err = fixture_admin (&f, FALSE, "rota", "import", f.data, bad_csv, NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "line 1"));
  g_free (fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-5", "--client", "c-9", "--carer", "m-carer",
                         "--start", "2026-11-24T08:30", "--minutes", "45", "--service", "x", NULL));

  records = pull_all (d->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      CareEvent *e = g_ptr_array_index (records, i);

      if (e->type == CARE_EVENT_SCHEDULE_SET)
        {
          const char *id = json_object_get_string_member (e->body, "schedule");

          g_assert_true (g_str_equal (id, "s-1") || g_str_equal (id, "s-2"));   /* not c-2's s-3 */
          if (g_str_equal (id, "s-1"))
            /* 08:30 in Rome on 24 November is 07:30 UTC */
            g_assert_cmpint (json_object_get_int_member (e->body, "start"), ==, 1795505400000);
          schedules++;
        }
    }
  g_assert_cmpuint (schedules, ==, 2);
  out = fixture_admin (&f, TRUE, "device", "list", f.data, NULL);
  g_assert_nonnull (strstr (out, d->device));
  g_assert_nonnull (strstr (out, "m-carer"));
  device_free (d);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/push/idempotent", test_idempotent);
  g_test_add_func ("/server/push/drop-after-commit", test_drop_after_commit);
  g_test_add_func ("/server/push/gaps-and-order", test_gaps_and_order);
  g_test_add_func ("/server/push/poison", test_poison);
  g_test_add_func ("/server/push/pipeline-order", test_pipeline_order);
  g_test_add_func ("/server/input/bad", test_bad_input);
  g_test_add_func ("/server/enrolment-and-revoke", test_enrolment_and_revoke);
  g_test_add_func ("/server/rate-limit", test_rate_limit);
  g_test_add_func ("/server/client/captive-portal", test_captive_portal);
  g_test_add_func ("/server/recovery/backup-restore", test_backup_restore);
  g_test_add_func ("/server/pull/scope-grows", test_scope_grows);
  g_test_add_func ("/server/pull/pages", test_pages);
  g_test_add_func ("/server/pull/no-echo", test_no_echo);
  g_test_add_func ("/server/admin/rota", test_admin_rota);
  return g_test_run ();
}
