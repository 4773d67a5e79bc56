/* test-review-fixture.h: a supervisor's store with visits worth reviewing,
 * built through the real store API (roster and other devices' records as
 * pages from the co-op), for the review tests and benchmarks.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Yesterday (co-op zone Europe/Rome), Anna's tablet recorded six visits of
 * client Rossi, each scheduled for 60 minutes:
 *   ok-1   09:00-10:00                       unremarkable
 *   ok-2   11:00-12:00                       unremarkable
 *   short  13:00-13:30                       short (50 % of planned)
 *   late   14:40-15:40, planned 14:00        late start (40 min)
 *   safe   16:00-17:00, safeguarding note    safeguarding concern
 *   amend  18:00-19:00, end amended to 19:05 amended
 */
#pragma once

#include <json-glib/json-glib.h>
#include "care-store.h"

static gint64 review_fixture_base; /* yesterday 00:00 in the co-op zone, ms */

G_GNUC_UNUSED static char *
review_fixture_uuid7 (gint64 ms)
{
  guint8 b[16];

  for (guint i = 0; i < 6; i++)
    b[i] = (ms >> (8 * (5 - i))) & 0xff;
  for (guint i = 6; i < 16; i++)
    b[i] = g_random_int_range (0, 256);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                          b[12], b[13], b[14], b[15]);
}

G_GNUC_UNUSED static CareEvent *
review_fixture_event (const char   *device,
                      gint64        seq,
                      const char   *author,
                      gint64        wall,
                      CareEventType type,
                      JsonObject   *body)
{
  CareEvent *e = care_event_new ();

  e->id = review_fixture_uuid7 (wall);
  e->device = g_strdup (device);
  e->seq = seq;
  e->author = g_strdup (author);
  e->hlc = wall << 16;
  e->wall = wall;
  e->type = type;
  e->body = body;
  return e;
}

G_GNUC_UNUSED static JsonObject *
review_fixture_body (const char *first_key,
                     ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (ap, const char *))
    json_object_set_string_member (o, k, va_arg (ap, const char *));
  va_end (ap);
  return o;
}

/* ms of yesterday at hh:mm in the co-op zone. */
G_GNUC_UNUSED static gint64
review_fixture_at (int hour,
                   int minute)
{
  return review_fixture_base + ((gint64) hour * 60 + minute) * 60000;
}

G_GNUC_UNUSED static void
review_fixture_roster (GPtrArray *page,
                       gint64     wall)
{
  const char *const members[][3] = {
    { "admin", "Office", "administrator" },
    { "c-anna", "Anna Bianchi", "carer" },
    { "s-sara", "Sara Neri", "supervisor" },
  };
  JsonObject *b;
  JsonArray *tasks = json_array_new ();
  JsonObject *task;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++) {
    b = review_fixture_body ("member", members[i][0], "name", members[i][1], "role",
                             members[i][2], NULL);
    json_object_set_boolean_member (b, "active", TRUE);
    g_ptr_array_add (page, review_fixture_event ("coop", page->len + 1, "admin", wall,
                                                 CARE_EVENT_MEMBER_SET, b));
  }
  b = review_fixture_body ("client", "cl-rossi", "name", "Maria Rossi", "address",
                           "Via Roma 1, Torino", NULL);
  json_object_set_boolean_member (b, "active", TRUE);
  g_ptr_array_add (page, review_fixture_event ("coop", page->len + 1, "admin", wall,
                                               CARE_EVENT_CLIENT_SET, b));
  task = review_fixture_body ("task", "t-lunch", "label", "Prepare lunch", NULL);
  json_object_set_boolean_member (task, "essential", FALSE);
  json_array_add_object_element (tasks, task);
  b = review_fixture_body ("client", "cl-rossi", NULL);
  json_object_set_array_member (b, "tasks", tasks);
  g_ptr_array_add (page, review_fixture_event ("coop", page->len + 1, "admin", wall,
                                               CARE_EVENT_CAREPLAN_SET, b));
  b = review_fixture_body ("client", "cl-rossi", "carer", "c-anna", NULL);
  json_object_set_boolean_member (b, "active", TRUE);
  g_ptr_array_add (page, review_fixture_event ("coop", page->len + 1, "admin", wall,
                                               CARE_EVENT_ASSIGNMENT_SET, b));
}

typedef struct
{
  const char *id;
  int planned_h, planned_m;
  int in_h, in_m, out_h, out_m;
} ReviewFixtureVisit;

#define REVIEW_FIXTURE_RECEIVED_AFTER (2 * 60000)

static const ReviewFixtureVisit review_fixture_visits[] = {
  { "ok-1", 9, 0, 9, 0, 10, 0 },
  { "ok-2", 11, 0, 11, 0, 12, 0 },
  { "short", 13, 0, 13, 0, 13, 30 },
  { "late", 14, 0, 14, 40, 15, 40 },
  { "safe", 16, 0, 16, 0, 17, 0 },
  { "amend", 18, 0, 18, 0, 19, 0 },
};

/* Gives an empty store the supervisor identity and the fixture. */
G_GNUC_UNUSED static void
review_fixture_populate (CareStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roster = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) anna = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Rome");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (yesterday),
                                                   g_date_time_get_month (yesterday),
                                                   g_date_time_get_day_of_month (yesterday), 0, 0,
                                                   0);
  gint64 seq = 0;

  review_fixture_base = g_date_time_to_unix (midnight) * 1000;
  g_assert_true (care_store_set_meta (store, "timezone", "Europe/Rome", &error));
  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (store, "dev-sara", "s-sara", CARE_ROLE_SUPERVISOR,
                                          &error));
  g_assert_no_error (error);

  review_fixture_roster (roster, review_fixture_at (0, 0) - 86400000);
  for (guint i = 0; i < G_N_ELEMENTS (review_fixture_visits); i++) {
    const ReviewFixtureVisit *v = &review_fixture_visits[i];
    g_autofree char *schedule = g_strdup_printf ("sched-%s", v->id);
    JsonObject *b = review_fixture_body ("schedule", schedule, "client", "cl-rossi", "carer",
                                         "c-anna", "service", "personal-care", NULL);

    json_object_set_int_member (b, "start", review_fixture_at (v->planned_h, v->planned_m));
    json_object_set_int_member (b, "minutes", 60);
    g_ptr_array_add (roster, review_fixture_event ("coop", roster->len + 1, "admin",
                                                   review_fixture_at (0, 0) - 86400000,
                                                   CARE_EVENT_SCHEDULE_SET, b));
  }
  g_assert_true (care_store_apply_page (store, roster, "1", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (review_fixture_visits); i++) {
    const ReviewFixtureVisit *v = &review_fixture_visits[i];
    g_autofree char *schedule = g_strdup_printf ("sched-%s", v->id);
    gint64 in = review_fixture_at (v->in_h, v->in_m);
    gint64 out = review_fixture_at (v->out_h, v->out_m);
    JsonObject *b = review_fixture_body ("visit", v->id, "client", "cl-rossi", "service",
                                         "personal-care", "schedule", schedule, NULL);

    json_object_set_int_member (b, "at", in);
    g_ptr_array_add (anna, review_fixture_event ("dev-anna", ++seq, "c-anna", in,
                                                 CARE_EVENT_VISIT_STARTED, b));
    if (g_str_equal (v->id, "safe"))
      g_ptr_array_add (anna, review_fixture_event (
                               "dev-anna", ++seq, "c-anna", in + 60000, CARE_EVENT_NOTE_ADDED,
                               review_fixture_body ("visit", v->id, "note", "n-safe", "category",
                                                    "safeguarding", "text",
                                                    "Bruises on her arm; she would not say why.",
                                                    NULL)));
    b = review_fixture_body ("visit", v->id, NULL);
    json_object_set_int_member (b, "at", out);
    g_ptr_array_add (anna, review_fixture_event ("dev-anna", ++seq, "c-anna", out,
                                                 CARE_EVENT_VISIT_FINISHED, b));
    if (g_str_equal (v->id, "amend")) {
      b = review_fixture_body ("visit", v->id, "field", "finished_at", "reason",
                               "Stayed to finish the washing up", NULL);
      json_object_set_int_member (b, "old", out);
      json_object_set_int_member (b, "new", out + 5 * 60000);
      g_ptr_array_add (anna, review_fixture_event ("dev-anna", ++seq, "c-anna", out + 3600000,
                                                   CARE_EVENT_VISIT_AMENDED, b));
    }
  }
  /* The co-op received each of Anna's records 2 minutes after she made it
   * (the server's "q"): the visit detail's sync timeline shows it. */
  for (guint i = 0; i < anna->len; i++)
    ((CareEvent *) anna->pdata[i])->received = ((CareEvent *) anna->pdata[i])->wall
                                               + REVIEW_FIXTURE_RECEIVED_AFTER;
  g_assert_true (care_store_apply_page (store, anna, "2", &error));
  g_assert_no_error (error);
}
