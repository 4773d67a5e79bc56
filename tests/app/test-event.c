/* test-event.c: ids, clock stamps, validation and JSON of events.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-event.h"
#include "care-hlc.h"
#include "care-id.h"
#include "care-store.h"

static CareEvent *
event_with (const char *type,
            const char *json)
{
  g_autoptr(JsonNode) body = json_from_string (json, NULL);
  CareEvent *e = care_event_new ();

  g_assert_nonnull (body);
  e->id = care_id_new (1795000000000);
  e->device = g_strdup ("dev-1");
  e->seq = 1;
  e->author = g_strdup ("m-1");
  e->hlc = care_hlc_pack (1795000000000, 0);
  e->wall = 1795000000000;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (body);
  return e;
}

static void
test_id (void)
{
  g_autofree char *a = care_id_new (1795000000000);
  g_autofree char *b = care_id_new (1795000000001);

  g_assert_cmpuint (strlen (a), ==, 36);
  g_assert_cmpint (a[14], ==, '7');
  g_assert_true (strchr ("89ab", a[19]) != NULL);
  g_assert_cmpstr (a, <, b);
  g_assert_true (care_id_is_valid (a));
  g_assert_false (care_id_is_valid (""));
  g_assert_false (care_id_is_valid ("has space"));
}

static void
test_hlc (void)
{
  gint64 t = care_hlc_now (0, 1000);

  g_assert_cmpint (care_hlc_physical (t), ==, 1000);
  /* The wall clock going backwards never makes the stamp go backwards. */
  g_assert_cmpint (care_hlc_now (t, 900), >, t);
  g_assert_cmpint (care_hlc_physical (care_hlc_now (t, 900)), ==, 1000);
  g_assert_cmpint (care_hlc_logical (care_hlc_now (t, 900)), ==, 1);
  g_assert_cmpint (care_hlc_observe (t, care_hlc_pack (5000, 3)), ==, care_hlc_pack (5000, 3));
  g_assert_cmpint (care_hlc_now (care_hlc_pack (5000, 3), 1000), ==, care_hlc_pack (5000, 4));
}

static void
test_types (void)
{
  for (int i = 0; i < CARE_EVENT_N_TYPES; i++)
    g_assert_cmpint (care_event_type_from_string (care_event_type_to_string (i)), ==, i);
  g_assert_cmpstr (care_event_type_to_string (CARE_EVENT_VISIT_STARTED), ==, "visit.started");
  g_assert_cmpint (care_event_type_from_string ("visit.exploded"), ==, CARE_EVENT_INVALID);
  g_assert_true (care_event_type_is_roster (CARE_EVENT_SCHEDULE_SET));
  g_assert_false (care_event_type_is_roster (CARE_EVENT_REVIEW_ADDED));
  g_assert_cmpint (care_role_from_string ("supervisor"), ==, CARE_ROLE_SUPERVISOR);
}

typedef struct
{
  const char *type;
  const char *body;
  const char *field;  /* NULL = valid */
} Case;

static const Case cases[] = {
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"home care\",\"at\":1}", NULL },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"home care\"}", "“at”" },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"\",\"service\":\"x\",\"at\":1}", "“client”" },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":1,\"location\":{\"lat\":91,\"lon\":0,\"accuracy_m\":5}}", "“location”" },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":\"noon\"}", "“at”" },
  { "task.answered", "{\"visit\":\"v\",\"task\":\"t\",\"done\":false}", "“reason”" },
  { "task.answered", "{\"visit\":\"v\",\"task\":\"t\",\"done\":false,\"reason\":\"declined\"}", NULL },
  { "task.answered", "{\"visit\":\"v\",\"task\":\"t\",\"done\":\"yes\"}", "“done”" },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"gossip\",\"text\":\"x\"}", "“category”" },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"safeguarding\",\"text\":\"x\"}", NULL },
  { "visit.finished", "{\"visit\":\"v\"}", "“at”" },
  { "visit.amended", "{\"visit\":\"v\",\"field\":\"colour\",\"old\":1,\"new\":2,\"reason\":\"r\"}", "“field”" },
  { "visit.amended", "{\"visit\":\"v\",\"field\":\"finished_at\",\"old\":1,\"new\":\"2\",\"reason\":\"r\"}", "“new”" },
  { "visit.amended", "{\"visit\":\"v\",\"field\":\"service\",\"old\":\"a\",\"new\":\"b\",\"reason\":\"r\"}", NULL },
  { "visit.amended", "{\"visit\":\"v\",\"field\":\"service\",\"old\":\"a\",\"new\":\"b\"}", "“reason”" },
  { "note.amended", "{\"visit\":\"v\",\"note\":\"n\",\"old\":\"a\",\"reason\":\"r\"}", "“new”" },
  { "note.retracted", "{\"visit\":\"v\",\"note\":\"n\"}", "“reason”" },
  { "hours.added", "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-02-30\",\"minutes\":10}", "“date”" },
  { "hours.added", "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-02-28\",\"minutes\":0}", "“minutes”" },
  { "hours.added", "{\"entry\":\"e\",\"kind\":\"lunch\",\"date\":\"2026-02-28\",\"minutes\":10}", "“kind”" },
  { "visit.cancelled", "{\"reason\":\"ill\"}", "“visit”" },
  { "visit.cancelled", "{\"schedule\":\"s\",\"reason\":\"ill\"}", NULL },
  { "query.answered", "{\"review\":\"r\",\"message\":\"done\"}", NULL },
  { "member.set", "{\"member\":\"m\",\"name\":\"Ana\",\"role\":\"boss\",\"active\":true}", "“role”" },
  { "client.set", "{\"client\":\"c\",\"name\":\"Rose\",\"address\":\"1 Mill Lane\"}", "“active”" },
  { "careplan.set", "{\"client\":\"c\",\"tasks\":[{\"task\":\"t\",\"label\":\"Meds\"}]}", "essential" },
  { "assignment.set", "{\"client\":\"c\",\"carer\":\"m\",\"active\":true}", NULL },
  { "schedule.set", "{\"schedule\":\"s\",\"client\":\"c\",\"carer\":\"m\",\"start\":1,\"minutes\":2000,\"service\":\"x\"}", "“minutes”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"query\",\"visit\":\"v\"}", "“message”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"carer\":\"m\",\"week\":\"2026-W47\"}", NULL },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"carer\":\"m\",\"week\":\"2026-47\"}", "“week”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"visit\":\"v\",\"saw\":[\"e1\",\"e2\"]}", NULL },
  { "review.added", "{\"review\":\"r\",\"action\":\"flag\",\"visit\":\"v\",\"saw\":[\"e1\"]}", "“saw”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"visit\":\"v\",\"saw\":\"e1\"}", "“saw”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"visit\":\"v\",\"saw\":[\"\"]}", "“saw”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"withdrawn\",\"visit\":\"v\"}", "“message”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"withdrawn\",\"visit\":\"v\",\"message\":\"Wrong week\"}", NULL },
  /* Strict input: nothing unknown, no control characters, bounded sizes. */
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"x\",\"mood\":\"ok\"}", "“mood”" },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"a\\u0001b\"}", "control" },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"a\\u0085b\"}", "control" },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"a\\tb\\r\\nc\"}", NULL },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"x\",\"readers\":\"coordinators\"}", NULL },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"x\",\"readers\":\"family\"}", NULL },
  { "note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"x\",\"readers\":\"everyone\"}", "“readers”" },
  /* The client's word on a visit (issue 17). */
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"confirmed\",\"by\":\"client\"}", NULL },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"disputed\",\"by\":\"family\",\"text\":\"She left at 9:10.\"}", NULL },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"disputed\",\"by\":\"family\",\"text\":\"  \"}", "“text”" },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"not-possible\",\"reason\":\"asleep\"}", NULL },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"not-possible\"}", "“reason”" },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"not-possible\",\"reason\":\"asleep\",\"by\":\"client\"}", "“reason”" },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"confirmed\"}", "“by”" },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"confirmed\",\"by\":\"neighbour\"}", "“by”" },
  { "visit.verified", "{\"visit\":\"v\",\"outcome\":\"maybe\",\"by\":\"client\"}", "“outcome”" },
  { "dispute.answered", "{\"visit\":\"v\",\"message\":\"We checked.\"}", NULL },
  { "message.sent", "{\"message\":\"m\",\"client\":\"c\",\"text\":\"Call me.\"}", NULL },
  { "circle.set", "{\"client\":\"c\",\"member\":\"m\",\"active\":true}", NULL },
  { "member.set", "{\"member\":\"m\",\"name\":\"Elena\",\"role\":\"family\",\"active\":true}", NULL },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":1,\"location\":{\"lat\":1,\"lon\":0,\"accuracy_m\":5,\"x\":1}}", "“location”" },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":1,\"clock_offset_ms\":\"fast\"}", "“clock_offset_ms”" },
  { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":1,\"clock_offset_ms\":99999999999999}", "“clock_offset_ms”" },
  { "careplan.set", "{\"client\":\"c\",\"tasks\":[{\"task\":\"t\",\"label\":\"Meds\",\"essential\":true,\"x\":1}]}", "“task”" },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"visit\":\"v\",\"saw\":[\"e-1\",\"e-2\"]}", NULL },
  { "review.added", "{\"review\":\"r\",\"action\":\"approve\",\"visit\":\"v\",\"saw\":[\"e-1\",2]}", "“saw”" },
};

static void
test_validate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CareEvent) e = event_with (cases[i].type, cases[i].body);
      g_autoptr(GError) error = NULL;
      gboolean ok = care_event_validate (e, &error);

      if (cases[i].field == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
      if (strstr (error->message, cases[i].field) == NULL)
        g_error ("case %u: “%s” does not name %s", i, error->message, cases[i].field);
    }
}

/* The whole record is bounded, whatever its fields. */
static void
test_record_size (void)
{
  g_autoptr(GString) body = g_string_new ("{\"visit\":\"v\",\"note\":\"n\",\"old\":\"");
  g_autoptr(CareEvent) e = NULL;
  g_autoptr(GError) error = NULL;

  /* Three texts of 20000 four-byte characters: the biggest valid record. */
  for (int part = 0; part < 3; part++)
    {
      for (int i = 0; i < CARE_TEXT_MAX_LEN; i++)
        g_string_append (body, "\xf0\x9f\x98\x80");
      g_string_append (body, part == 0 ? "\",\"new\":\"" : part == 1 ? "\",\"reason\":\"" : "\"}");
    }
  e = event_with ("note.amended", body->str);
  g_assert_true (care_event_validate (e, &error));
  g_assert_no_error (error);
  g_string_truncate (body, 0);
  g_string_append (body, "{\"client\":\"c\",\"tasks\":[");
  for (int i = 0; i < 101; i++)
    g_string_append_printf (body, "%s{\"task\":\"t-%d\",\"label\":\"x\",\"essential\":false}", i ? "," : "", i);
  g_string_append (body, "]}");
  g_clear_pointer (&e, care_event_free);
  e = event_with ("careplan.set", body->str);
  g_assert_false (care_event_validate (e, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
}

/* Times outside 2020 .. now + 48 h are refused, with the offset the daemon
 * learnt applied; arithmetic at the ends of the range does not overflow. */
static void
test_times (void)
{
  gint64 now = 1795000000000;
  struct { const char *type; const char *body; gint64 hlc_ms; gboolean ok; } t[] = {
    { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":1795000000000}", now, TRUE },
    { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":4102444800000}", now, FALSE },
    { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":946684800000}", now, FALSE },
    { "visit.started", "{\"visit\":\"v\",\"client\":\"c\",\"service\":\"x\",\"at\":1795259200000,"
      "\"clock_offset_ms\":-259200000}", now, TRUE },
    { "visit.finished", "{\"visit\":\"v\",\"at\":9223372036854775807,\"clock_offset_ms\":31622400000}", now, FALSE },
    { "visit.amended", "{\"visit\":\"v\",\"field\":\"finished_at\",\"old\":1,\"new\":4102444800000,\"reason\":\"r\"}", now, FALSE },
    { "hours.added", "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-02-28\",\"minutes\":10}", G_MAXINT64 >> 16, FALSE },
    { "hours.added", "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-02-28\",\"minutes\":10}", now + 3600000, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      g_autoptr(CareEvent) e = event_with (t[i].type, t[i].body);
      g_autoptr(GError) error = NULL;

      e->hlc = care_hlc_pack (t[i].hlc_ms, 7);
      g_assert_true (care_event_validate (e, NULL));
      if (t[i].ok != care_event_check_times (e, now, &error))
        g_error ("case %u: expected %s (%s)", i, t[i].ok ? "accepted" : "refused", error ? error->message : "");
    }
  {
    /* A judge's clock at the very end of the range: no overflow. */
    g_autoptr(CareEvent) e = event_with ("hours.added",
                                         "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-02-28\",\"minutes\":10}");

    g_assert_true (care_event_check_times (e, G_MAXINT64, NULL));
  }
  /* The clock saturates instead of wrapping. */
  g_assert_cmpint (care_hlc_now (G_MAXINT64, now), ==, G_MAXINT64);
  g_assert_cmpint (care_hlc_pack (G_MAXINT64, 0), >, 0);
  g_assert_cmpint (care_hlc_pack (-5, 3), ==, 3);
}

static void
test_common_fields (void)
{
  g_autoptr(CareEvent) e = event_with ("visit.finished", "{\"visit\":\"v\",\"at\":5}");
  g_autoptr(GError) error = NULL;

  e->seq = 0;
  g_assert_false (care_event_validate (e, &error));
  g_assert_nonnull (strstr (error->message, "“seq”"));
}

static void
test_json_round_trip (void)
{
  g_autoptr(CareEvent) e = event_with ("note.added", "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"nutrition\",\"text\":\"Ate well — soup\"}");
  g_autoptr(JsonNode) node = care_event_to_json (e);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareEvent) back = care_event_from_json (node, &error);
  g_autoptr(CareEvent) copy = care_event_copy (e);
  g_autoptr(JsonNode) bad = json_from_string ("{\"id\":\"x\",\"device\":\"d\",\"seq\":1}", NULL);
  g_autoptr(CareEvent) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, e->id);
  g_assert_cmpint (back->hlc, ==, e->hlc);
  g_assert_cmpint (back->type, ==, CARE_EVENT_NOTE_ADDED);
  g_assert_cmpstr (json_object_get_string_member (back->body, "text"), ==, "Ate well — soup");
  g_assert_cmpstr (care_event_get_subject (back), ==, "v");
  g_assert_cmpstr (copy->device, ==, "dev-1");
  none = care_event_from_json (bad, &error);
  g_assert_null (none);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“author”"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/event/id", test_id);
  g_test_add_func ("/app/event/hlc", test_hlc);
  g_test_add_func ("/app/event/types", test_types);
  g_test_add_func ("/app/event/validate", test_validate);
  g_test_add_func ("/app/event/common-fields", test_common_fields);
  g_test_add_func ("/app/event/record-size", test_record_size);
  g_test_add_func ("/app/event/times", test_times);
  g_test_add_func ("/app/event/json", test_json_round_trip);
  return g_test_run ();
}
