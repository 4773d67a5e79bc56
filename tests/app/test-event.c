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
  g_test_add_func ("/app/event/json", test_json_round_trip);
  return g_test_run ();
}
