/* test-rules.c: what the co-op server accepted that it must refuse (issue
 * 10's six findings), each through a real carelog-server on loopback, and
 * what the supervisor then sees.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "server-fixture.h"

typedef struct
{
  ServerFixture f;
  TestDevice *carer;     /* m-carer: c-1 (shared with m-carer2) */
  TestDevice *carer2;    /* m-carer2: c-1 and c-2 */
  TestDevice *super;
} Rules;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
rules_setup (Rules        *r,
             gconstpointer data)
{
  fixture_setup (&r->f);
  g_free (fixture_admin (&r->f, TRUE, "assign", r->f.data, "c-1", "m-carer2", NULL));
  fixture_start (&r->f, NULL, NULL);
  r->carer = device_enrol (&r->f, "m-carer");
  r->carer2 = device_enrol (&r->f, "m-carer2");
  r->super = device_enrol (&r->f, "m-super");
}

static void
rules_teardown (Rules        *r,
                gconstpointer data)
{
  device_free (r->carer);
  device_free (r->carer2);
  device_free (r->super);
  fixture_teardown (&r->f);
}

/* Pushes events (taking them); returns the result. */
static CarePushResult *
push (TestDevice *d,
      CareEvent  *first,
      ...)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;
  CarePushResult *result;
  va_list args;

  va_start (args, first);
  for (CareEvent *e = first; e != NULL; e = va_arg (args, CareEvent *))
    g_ptr_array_add (events, e);
  va_end (args);
  result = sync_push (d->client, events, &error);
  g_assert_no_error (error);
  return result;
}

static CarePushItem *
item (CarePushResult *r,
      guint           i)
{
  return g_ptr_array_index (r->items, i);
}

static void
assert_refused (CarePushResult *r,
                guint           i,
                const char     *code)
{
  g_test_message ("record %u: %s: %s", i, item (r, i)->code, item (r, i)->reason);
  g_assert_cmpint (item (r, i)->status, ==, CARE_PUSH_REJECTED);
  g_assert_cmpstr (item (r, i)->code, ==, code);
}

/* The supervisor's records about a visit. */
static GPtrArray *
supervisor_sees (Rules      *r,
                 const char *visit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pull_all (r->super->client, r->super->next_seq - 1, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = g_ptr_array_index (all, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (e->body, "visit", NULL), visit) == 0)
        g_ptr_array_add (out, care_event_copy (e));
    }
  return out;
}

static CareEvent *
started (TestDevice *d,
         const char *visit,
         const char *client,
         gint64      at)
{
  g_autofree char *body = g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"%s\",\"service\":\"personal-care\",\"at\":%"
                                           G_GINT64_FORMAT "}", visit, client, at);

  return device_event (d, "visit.started", body);
}

static CareEvent *
finished (TestDevice *d,
          const char *visit,
          gint64      at)
{
  g_autofree char *body = g_strdup_printf ("{\"visit\":\"%s\",\"at\":%" G_GINT64_FORMAT "}", visit, at);

  return device_event (d, "visit.finished", body);
}

/* 1. A carer amended, added a note to and checked out another carer's
 * visit at a client both are assigned to, and moved its check-out before
 * its check-in. */
static void
test_other_carers_visit (Rules        *r,
                         gconstpointer data)
{
  gint64 t = now_ms () - 7200000;
  g_autoptr(CarePushResult) own = push (r->carer2, started (r->carer2, "v-b", "c-1", t), NULL);
  g_autoptr(CarePushResult) own_end = NULL;
  g_autoptr(CarePushResult) attack = NULL;
  g_autoptr(CarePushResult) backwards = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *amend = g_strdup_printf ("{\"visit\":\"v-b\",\"field\":\"started_at\",\"old\":%" G_GINT64_FORMAT
                                            ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"Clock.\"}", t, t + 3600000);
  g_autofree char *back = g_strdup_printf ("{\"visit\":\"v-b\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"Clock.\"}", t + 1800000, t - 600000);

  CareEvent *a1, *a2, *a3;

  g_assert_cmpint (item (own, 0)->status, ==, CARE_PUSH_ACCEPTED);
  /* (Arguments are evaluated in no set order: the sequence numbers are
   * taken first.) */
  a1 = device_event (r->carer, "visit.amended", amend);
  a2 = device_event (r->carer, "note.added",
                     "{\"visit\":\"v-b\",\"note\":\"n-x\",\"category\":\"incident\",\"text\":\"She fell.\"}");
  a3 = finished (r->carer, "v-b", t + 60000);
  attack = push (r->carer, a1, a2, a3, NULL);
  for (guint i = 0; i < 3; i++)
    assert_refused (attack, i, "forbidden");

  /* Her own visit: the check-out cannot be moved before the check-in. */
  own_end = push (r->carer2, finished (r->carer2, "v-b", t + 1800000), NULL);
  g_assert_cmpint (item (own_end, 0)->status, ==, CARE_PUSH_ACCEPTED);
  backwards = push (r->carer2, device_event (r->carer2, "visit.amended", back), NULL);
  assert_refused (backwards, 0, "invalid");

  seen = supervisor_sees (r, "v-b");
  g_assert_cmpuint (seen->len, ==, 2);
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpstr (((CareEvent *) seen->pdata[i])->author, ==, "m-carer2");
}

/* 2. A visit.started reusing another carer's visit id, with another
 * client, was merged into that carer's visit. */
static void
test_visit_id_taken (Rules        *r,
                     gconstpointer data)
{
  gint64 t = now_ms () - 3600000;
  g_autoptr(CarePushResult) first = push (r->carer2, started (r->carer2, "v-c", "c-2", t), NULL);
  g_autoptr(CarePushResult) second = push (r->carer, started (r->carer, "v-c", "c-1", t + 1000), NULL);
  g_autoptr(GPtrArray) seen = supervisor_sees (r, "v-c");

  g_autofree char *listed = NULL, *none = NULL;

  g_assert_cmpint (item (first, 0)->status, ==, CARE_PUSH_ACCEPTED);
  assert_refused (second, 0, "conflict");
  g_assert_cmpuint (seen->len, ==, 1);
  /* The co-op sees the refusal and its reason, not just a count. */
  listed = fixture_admin (&r->f, TRUE, "rejections", r->f.data, r->carer->device, NULL);
  g_assert_nonnull (strstr (listed, "conflict"));
  g_assert_nonnull (strstr (listed, "Visit v-c already exists"));
  g_assert_nonnull (strstr (listed, "m-carer"));
  none = fixture_admin (&r->f, TRUE, "rejections", r->f.data, r->carer2->device, NULL);
  g_assert_nonnull (strstr (none, "refused no records"));
  g_assert_cmpstr (json_object_get_string_member (((CareEvent *) seen->pdata[0])->body, "client"), ==, "c-2");
}

/* 3. A record with an id already stored but another body was answered
 * "duplicate", and its sequence number was used up with nothing stored. */
static void
test_same_id_other_content (Rules        *r,
                            gconstpointer data)
{
  CareEvent *x = started (r->carer, "v-d", "c-1", now_ms () - 60000);
  g_autoptr(CareEvent) keep = care_event_copy (x);
  g_autoptr(CarePushResult) a = push (r->carer, x, NULL);
  CareEvent *y = device_event (r->carer, "note.added",
                               "{\"visit\":\"v-d\",\"note\":\"n-d\",\"category\":\"wellbeing\",\"text\":\"Other.\"}");
  g_autoptr(CarePushResult) b = NULL;
  g_autoptr(CarePushResult) c = NULL;
  g_autoptr(CarePushResult) d = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(CareEvent) resend = care_event_copy (keep);
  g_autoptr(CareEvent) changed = care_event_copy (keep);

  g_assert_cmpint (item (a, 0)->status, ==, CARE_PUSH_ACCEPTED);
  /* A new sequence number, x's id, another record. */
  g_free (y->id);
  y->id = g_strdup (keep->id);
  b = push (r->carer, y, NULL);
  assert_refused (b, 0, "conflict");
  /* The very same record again (a retry after a lost answer). */
  {
    g_autoptr(GPtrArray) events = g_ptr_array_new ();
    g_autoptr(GError) error = NULL;

    g_ptr_array_add (events, resend);
    c = sync_push (r->carer->client, events, &error);
    g_assert_no_error (error);
    g_assert_cmpint (item (c, 0)->status, ==, CARE_PUSH_DUPLICATE);
  }
  /* Its sequence number, its id, another body: not a duplicate. */
  json_object_unref (changed->body);
  {
    g_autofree char *text = g_strdup_printf ("{\"visit\":\"v-d\",\"client\":\"c-1\",\"service\":\"respite\",\"at\":%"
                                             G_GINT64_FORMAT "}", now_ms () - 60000);
    g_autoptr(JsonNode) node = json_from_string (text, NULL);
    g_autoptr(GPtrArray) events = g_ptr_array_new ();
    g_autoptr(GError) error = NULL;

    changed->body = json_node_dup_object (node);
    g_ptr_array_add (events, changed);
    d = sync_push (r->carer->client, events, &error);
    g_assert_no_error (error);
    assert_refused (d, 0, "conflict");
  }
  seen = supervisor_sees (r, "v-d");
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (((CareEvent *) seen->pdata[0])->body, "service"), ==, "personal-care");
}

/* A push written by hand (what a hostile tablet can send). */
static char *
raw_push (Rules      *r,
          TestDevice *d,
          const char *body)
{
  g_autofree char *auth = g_strdup_printf ("Carelog %s:%s", d->device, d->key);
  const char *headers[] = { "Carelog-Protocol", "1", "Authorization", auth, "Content-Type", "application/json", NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  char *response = NULL;

  g_assert_cmpuint (raw_request (&r->f, "POST", "/v1/push", headers, bytes, &response), ==, 200);
  return response;
}

static JsonArray *
results_of (const char *response,
            JsonNode  **root)
{
  *root = json_from_string (response, NULL);
  g_assert_nonnull (*root);
  return json_object_get_array_member (json_node_get_object (*root), "r");
}

static const char *
code_of (JsonArray *results,
         guint      i)
{
  JsonNode *n = json_array_get_element (results, i);

  if (!JSON_NODE_HOLDS_OBJECT (n))
    return "accepted";
  g_test_message ("record %u: %s", i, json_object_get_string_member (json_node_get_object (n), "m"));
  return json_object_get_string_member (json_node_get_object (n), "c");
}

/* 4. \u0000 inside a note's text or an id was cut at the NUL and
 * accepted. */
static void
test_nul (Rules        *r,
          gconstpointer data)
{
  gint64 now = now_ms ();
  g_autofree char *body = g_strdup_printf (
    "{\"s\":1,\"a\":\"m-carer\",\"e\":["
    "{\"i\":\"e-1\",\"h\":%" G_GINT64_FORMAT ",\"t\":\"visit.started\",\"b\":{\"visit\":\"v-e\",\"client\":\"c-1\","
    "\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}},"
    "{\"i\":\"e-2\",\"h\":1,\"t\":\"note.added\",\"b\":{\"visit\":\"v-e\",\"note\":\"n-1\",\"category\":\"wellbeing\","
    "\"text\":\"Fine\\u0000. Also: hidden text\"}},"
    "{\"i\":\"e-3\",\"h\":1,\"t\":\"note.added\",\"b\":{\"visit\":\"v-e\",\"note\":\"n-2\\u0000x\",\"category\":\"wellbeing\","
    "\"text\":\"Fine.\"}},"
    "{\"i\":\"e-4\\u0000x\",\"h\":1,\"t\":\"note.added\",\"b\":{\"visit\":\"v-e\",\"note\":\"n-3\",\"category\":\"wellbeing\","
    "\"text\":\"Fine.\"}},"
    "{\"i\":\"e-5\",\"h\":1,\"t\":\"note.added\",\"b\":{\"visit\":\"v-e\",\"note\":\"n-4\",\"category\":\"wellbeing\","
    "\"text\":\"Bell\\u0007 and tab\\t and line\\nbreak.\"}}"
    "]}", now << 16, now - 60000);
  g_autofree char *response = raw_push (r, r->carer, body);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *results = results_of (response, &root);
  g_autoptr(GPtrArray) seen = supervisor_sees (r, "v-e");

  g_assert_cmpstr (code_of (results, 0), ==, "accepted");
  for (guint i = 1; i < 5; i++)
    g_assert_cmpstr (code_of (results, i), ==, "invalid");
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpint (((CareEvent *) seen->pdata[0])->type, ==, CARE_EVENT_VISIT_STARTED);
}

/* 5. A visit started in 2100 and a clock stamp of 2^63-1 were accepted and
 * sent on; clock deltas overflowed. */
static void
test_times (Rules        *r,
            gconstpointer data)
{
  gint64 now = now_ms ();
  CareEvent *future = started (r->carer, "v-f", "c-1", G_GINT64_CONSTANT (4102444800000));   /* 2100-01-01 */
  CareEvent *stamp = started (r->carer, "v-g", "c-1", now - 60000);
  CareEvent *past = started (r->carer, "v-h", "c-1", G_GINT64_CONSTANT (946684800000));      /* 2000-01-01 */
  CareEvent *skewed = started (r->carer, "v-i", "c-1", now + 3 * 24 * 3600000);
  CareEvent *corrected = NULL;
  g_autoptr(CarePushResult) res = NULL;
  g_autoptr(CarePushResult) ok = NULL;
  g_autofree char *overflow = NULL;
  g_autofree char *response = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *results;

  stamp->hlc = G_MAXINT64;
  stamp->wall = now;
  res = push (r->carer, future, stamp, past, skewed, NULL);
  for (guint i = 0; i < 4; i++)
    assert_refused (res, i, "time");
  g_assert_nonnull (strstr (item (res, 0)->reason, "date or time"));

  /* A tablet whose clock was three days fast, once the daemon has learnt
   * the difference: the corrected time is plausible. */
  {
    g_autofree char *body = g_strdup_printf ("{\"visit\":\"v-j\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%"
                                             G_GINT64_FORMAT ",\"clock_offset_ms\":%" G_GINT64_FORMAT "}",
                                             now + 3 * 24 * 3600000, G_GINT64_CONSTANT (-3) * 24 * 3600000);

    corrected = device_event (r->carer, "visit.started", body);
    ok = push (r->carer, corrected, NULL);
    g_assert_cmpint (item (ok, 0)->status, ==, CARE_PUSH_ACCEPTED);
  }

  /* Deltas that overflow a 64-bit clock stamp. */
  overflow = g_strdup_printf (
    "{\"s\":%" G_GINT64_FORMAT ",\"a\":\"m-carer\",\"e\":["
    "{\"i\":\"o-1\",\"h\":9223372036854775000,\"t\":\"hours.added\",\"b\":{\"entry\":\"h-o1\",\"kind\":\"travel\","
    "\"date\":\"2026-11-23\",\"minutes\":5}},"
    "{\"i\":\"o-2\",\"h\":9223372036854775000,\"w\":-9223372036854775000,\"t\":\"hours.added\",\"b\":{\"entry\":\"h-o2\","
    "\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":5}},"
    "{\"i\":\"o-3\",\"h\":1,\"w\":9223372036854775000,\"t\":\"hours.added\",\"b\":{\"entry\":\"h-o3\","
    "\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":5}}"
    "]}", r->carer->next_seq);
  r->carer->next_seq += 3;
  response = raw_push (r, r->carer, overflow);
  results = results_of (response, &root);
  g_assert_cmpstr (code_of (results, 0), ==, "time");
  g_assert_cmpstr (code_of (results, 1), ==, "invalid");
  g_assert_cmpstr (code_of (results, 2), ==, "invalid");
  {
    g_autoptr(GPtrArray) f = supervisor_sees (r, "v-f");
    g_autoptr(GPtrArray) g = supervisor_sees (r, "v-g");
    g_autoptr(GPtrArray) j = supervisor_sees (r, "v-j");

    g_assert_cmpuint (f->len, ==, 0);
    g_assert_cmpuint (g->len, ==, 0);
    g_assert_cmpuint (j->len, ==, 1);
  }
}

/* 6. Unknown body fields of any size were stored and sent on. */
static void
test_unknown_fields (Rules        *r,
                     gconstpointer data)
{
  gint64 t = now_ms () - 60000;
  g_autoptr(CarePushResult) start = push (r->carer, started (r->carer, "v-k", "c-1", t), NULL);
  g_autoptr(GString) big = g_string_new ("{\"visit\":\"v-k\",\"note\":\"n-k\",\"category\":\"wellbeing\",\"text\":\"Fine.\",\"x\":\"");
  g_autoptr(GString) huge = NULL;
  g_autoptr(CarePushResult) res = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  CareEvent *e1, *e2, *e3;

  g_assert_cmpint (item (start, 0)->status, ==, CARE_PUSH_ACCEPTED);
  for (int i = 0; i < 1024 * 1024; i++)
    g_string_append_c (big, 'a' + i % 26);
  g_string_append (big, "\"}");
  huge = g_string_new ("{\"visit\":\"v-k\",\"note\":\"n-l\",\"category\":\"wellbeing\",\"text\":\"Fine.\",\"extra\":[");
  for (int i = 0; i < 300000; i++)
    g_string_append_printf (huge, "%s\"abcdefgh\"", i ? "," : "");
  g_string_append (huge, "]}");
  e1 = device_event (r->carer, "note.added", big->str);
  e2 = device_event (r->carer, "note.added", huge->str);
  e3 = device_event (r->carer, "note.added",
                     "{\"visit\":\"v-k\",\"note\":\"n-m\",\"category\":\"wellbeing\",\"text\":\"Fine.\",\"readers\":\"everyone\"}");
  res = push (r->carer, e1, e2, e3, NULL);
  for (guint i = 0; i < 3; i++)
    assert_refused (res, i, "invalid");
  g_assert_nonnull (strstr (item (res, 0)->reason, "“x”"));
  seen = supervisor_sees (r, "v-k");
  g_assert_cmpuint (seen->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/rules/other-carers-visit", Rules, NULL, rules_setup, test_other_carers_visit, rules_teardown);
  g_test_add ("/server/rules/visit-id-taken", Rules, NULL, rules_setup, test_visit_id_taken, rules_teardown);
  g_test_add ("/server/rules/same-id-other-content", Rules, NULL, rules_setup, test_same_id_other_content, rules_teardown);
  g_test_add ("/server/rules/nul", Rules, NULL, rules_setup, test_nul, rules_teardown);
  g_test_add ("/server/rules/times", Rules, NULL, rules_setup, test_times, rules_teardown);
  g_test_add ("/server/rules/unknown-fields", Rules, NULL, rules_setup, test_unknown_fields, rules_teardown);
  return g_test_run ();
}
