/* test-derive.c: visit states, flags, reviews, hours and queries.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-export.h"
#include "care-store.h"
#include "care-store-private.h"
#include "test-util.h"

#define MIN_MS G_GINT64_CONSTANT (60000)
/* Thursday 19 November 2026, 10:00 in London (GMT). */
#define T0 G_GINT64_CONSTANT (1795082400000)

typedef struct
{
  char *dir;
  TestClock clock;
  CareStore *store;
  TestDevice coop;
  TestDevice other;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_dir_new ();
  f->clock.now = T0 - 60 * MIN_MS;
  f->store = test_store_open (f->dir, "t", GPOINTER_TO_INT (data), &f->clock);
  f->coop = (TestDevice) { "coop", "admin", 0, 0 };
  f->other = (TestDevice) { "dev-other", "member-o", 0, 0 };
  test_apply (f->store, test_device_event (&f->coop, T0 - 86400000, "member.set",
                                           "{\"member\":\"member-t\",\"name\":\"Ana Lima\",\"role\":\"carer\",\"active\":true}"));
  test_apply (f->store, test_device_event (&f->coop, T0 - 86400000, "client.set",
                                           "{\"client\":\"c1\",\"name\":\"Rose Field\",\"address\":\"1 High St\",\"active\":true}"));
  test_apply (f->store, test_device_event (&f->coop, T0 - 86400000, "careplan.set",
                                           "{\"client\":\"c1\",\"tasks\":[{\"task\":\"meds\",\"label\":\"Prompt medication\",\"essential\":true}]}"));
  test_apply (f->store, test_device_event (&f->coop, T0 - 86400000, "schedule.set",
                                           "{\"schedule\":\"s1\",\"client\":\"c1\",\"carer\":\"member-t\",\"start\":%"
                                           G_GINT64_FORMAT ",\"minutes\":60,\"service\":\"home care\"}", T0));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  test_dir_free (f->dir);
}

static CareVisitDetail *
get (Fixture    *f,
     const char *visit)
{
  g_autoptr(GError) error = NULL;
  CareVisitDetail *d = care_store_get_visit (f->store, visit, &error);

  g_assert_no_error (error);
  return d;
}

static void
test_states (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CareVisitDetail) a = get (f, "s1");
  g_autoptr(CareVisitDetail) b = NULL;
  g_autoptr(CareVisitDetail) c = NULL;
  g_autoptr(CareVisitDetail) d = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (a->summary.state, ==, CARE_VISIT_UPCOMING);
  g_assert_null (a->summary.visit);
  g_assert_cmpint (a->summary.planned_minutes, ==, 60);
  f->clock.now = T0 + 10 * MIN_MS;
  b = get (f, "s1");
  g_assert_cmpint (b->summary.state, ==, CARE_VISIT_LATE);
  f->clock.now = T0 + 61 * MIN_MS;
  c = get (f, "s1");
  g_assert_cmpint (c->summary.state, ==, CARE_VISIT_MISSED);
  g_assert_true (c->summary.flags & CARE_VISIT_FLAG_MISSED);
  g_assert_true (care_store_cancel_visit (f->store, NULL, "s1", "Client in hospital", &error));
  g_assert_no_error (error);
  d = get (f, "s1");
  g_assert_cmpint (d->summary.state, ==, CARE_VISIT_CANCELLED);
  g_assert_false (d->summary.flags & CARE_VISIT_FLAG_MISSED);
}

static void
test_flags (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  g_autofree char *note = NULL;
  g_autoptr(CareVisitDetail) a = NULL;
  g_autoptr(CareVisitDetail) b = NULL;

  f->clock.now = T0 + 20 * MIN_MS;
  visit = care_store_check_in (f->store, "c1", "s1", NULL, NULL, &error);
  g_assert_no_error (error);
  note = care_store_add_note (f->store, visit, "safeguarding", "Bruise on arm", &error);
  g_assert_true (care_store_answer_task (f->store, visit, "meds", FALSE, "Refused", &error));
  f->clock.now += 30 * MIN_MS;
  g_assert_true (care_store_check_out (f->store, visit, &error));
  g_assert_no_error (error);
  a = get (f, visit);
  g_assert_cmpint (a->summary.state, ==, CARE_VISIT_DONE);
  g_assert_cmpuint (a->summary.flags, ==, CARE_VISIT_FLAG_LATE_START | CARE_VISIT_FLAG_SHORT
                    | CARE_VISIT_FLAG_SAFEGUARDING | CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE);
  g_assert_true (care_store_retract_note (f->store, note, "Wrong client", &error));
  g_assert_true (care_store_amend_visit (f->store, visit, "started_at", "1795082400000", "Arrived on time", &error));
  g_assert_no_error (error);
  b = get (f, visit);
  g_assert_cmpuint (b->summary.flags, ==, CARE_VISIT_FLAG_AMENDED | CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE);
  g_assert_cmpint (b->summary.started_at, ==, T0);
  g_assert_cmpint (b->summary.recorded_started_at, ==, T0 + 20 * MIN_MS);
  g_assert_true (((CareNote *) b->notes->pdata[0])->retracted);
}

static void
test_clock_warning (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CareVisitDetail) d = NULL;

  /* A device whose clock is an hour behind the time its stamps carry. */
  test_apply (f->store, test_device_event (&f->other, T0, "visit.started",
                                           "{\"visit\":\"v9\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}",
                                           T0 - 60 * MIN_MS));
  d = get (f, "v9");
  g_assert_true (d->summary.flags & CARE_VISIT_FLAG_CLOCK_WARNING);
  g_assert_cmpstr (d->summary.carer, ==, "member-o");
}

/* Another device (which does not enforce this tablet's rules) amends a
 * check-out to 70 minutes after the amendment was made: flagged. An
 * amendment into the past is an ordinary correction and is not. */
static void
test_clock_warning_amendment (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(CareVisitDetail) before = NULL;
  g_autoptr(CareVisitDetail) after = NULL;

  test_apply (f->store, test_device_event (&f->other, T0, "visit.started",
                                           "{\"visit\":\"v8\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}",
                                           T0));
  test_apply (f->store, test_device_event (&f->other, T0 + 30 * MIN_MS, "visit.finished",
                                           "{\"visit\":\"v8\",\"at\":%" G_GINT64_FORMAT "}", T0 + 30 * MIN_MS));
  test_apply (f->store, test_device_event (&f->other, T0 + 31 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v8\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"left late\"}",
                                           T0 + 30 * MIN_MS, T0 + 25 * MIN_MS));
  before = get (f, "v8");
  g_assert_false (before->summary.flags & CARE_VISIT_FLAG_CLOCK_WARNING);
  g_assert_true (before->summary.flags & CARE_VISIT_FLAG_AMENDED);
  test_apply (f->store, test_device_event (&f->other, T0 + 32 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v8\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"left late\"}",
                                           T0 + 25 * MIN_MS, T0 + 102 * MIN_MS));
  after = get (f, "v8");
  g_assert_true (after->summary.flags & CARE_VISIT_FLAG_CLOCK_WARNING);
  g_assert_cmpint (after->summary.finished_at, ==, T0 + 102 * MIN_MS);
}

static void
test_out_of_order (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CareEvent *started = test_device_event (&f->other, T0, "visit.started",
                                          "{\"visit\":\"v1\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0);
  CareEvent *note = test_device_event (&f->other, T0 + 1000, "note.added",
                                       "{\"visit\":\"v1\",\"note\":\"n1\",\"category\":\"nutrition\",\"text\":\"Ate soup\"}");
  CareEvent *finished = test_device_event (&f->other, T0 + 2000, "visit.finished",
                                           "{\"visit\":\"v1\",\"at\":%" G_GINT64_FORMAT "}", T0 + 60 * MIN_MS);
  g_autoptr(CareVisitDetail) d = NULL;
  g_autoptr(GPtrArray) hits = NULL;

  test_apply (f->store, finished);
  test_apply (f->store, note);
  d = care_store_get_visit (f->store, "v1", &error);
  g_assert_null (d);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
  hits = care_store_search_notes (f->store, "soup", 10, NULL);
  g_assert_cmpuint (hits->len, ==, 0);
  test_apply (f->store, started);
  d = get (f, "v1");
  g_assert_cmpint (d->summary.state, ==, CARE_VISIT_DONE);
  /* Done without its essential task, as recorded elsewhere: flagged, not refused. */
  g_assert_true (d->summary.flags & CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE);
  g_assert_cmpuint (d->notes->len, ==, 1);
}

static void
test_concurrent_amendments (Fixture       *f,
                            gconstpointer  data)
{
  TestDevice a = { "dev-a", "member-a", 0, 0 };
  TestDevice b = { "dev-b", "member-b", 0, 0 };
  g_autoptr(CareVisitDetail) d = NULL;
  gint64 hlc = T0 + 2 * 60 * MIN_MS;
  CareEvent *ea, *eb;

  test_apply (f->store, test_device_event (&a, T0, "visit.started",
                                           "{\"visit\":\"v1\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0));
  test_apply (f->store, test_device_event (&a, T0 + 60 * MIN_MS, "visit.finished",
                                           "{\"visit\":\"v1\",\"at\":%" G_GINT64_FORMAT "}", T0 + 60 * MIN_MS));
  /* Both devices amend the check-out with the same clock stamp: device id decides. */
  a.last_hlc = b.last_hlc = (hlc << 16) - 1;
  ea = test_device_event (&a, hlc, "visit.amended", "{\"visit\":\"v1\",\"field\":\"finished_at\",\"old\":%"
                          G_GINT64_FORMAT ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"a\"}",
                          T0 + 60 * MIN_MS, T0 + 50 * MIN_MS);
  eb = test_device_event (&b, hlc, "visit.amended", "{\"visit\":\"v1\",\"field\":\"finished_at\",\"old\":%"
                          G_GINT64_FORMAT ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"b\"}",
                          T0 + 60 * MIN_MS, T0 + 55 * MIN_MS);
  g_assert_cmpint (ea->hlc, ==, eb->hlc);
  test_apply (f->store, eb);
  test_apply (f->store, ea);
  d = get (f, "v1");
  g_assert_cmpint (d->summary.finished_at, ==, T0 + 55 * MIN_MS);
  g_assert_cmpuint (d->history->len, ==, 4);
  g_assert_cmpstr (((CareHistoryEntry *) d->history->pdata[2])->reason, ==, "a");
  g_assert_cmpstr (((CareHistoryEntry *) d->history->pdata[3])->reason, ==, "b");
  /* Both kept; the second replaced a value its writer had not seen: the
   * visit is flagged for a person to look at. */
  g_assert_true (d->summary.flags & CARE_VISIT_FLAG_CONCURRENT);
  g_assert_true (d->summary.flags & CARE_VISIT_FLAG_AMENDED);
}

/* One amendment after another, each seeing the last: not concurrent; two
 * check-outs of one visit from two tablets: concurrent, both kept. */
static void
test_concurrent_flag (Fixture       *f,
                      gconstpointer  data)
{
  TestDevice a = { "dev-a", "member-a", 0, 0 };
  TestDevice a2 = { "dev-a2", "member-a", 0, 0 };
  g_autoptr(CareVisitDetail) d1 = NULL;
  g_autoptr(CareVisitDetail) d2 = NULL;

  test_apply (f->store, test_device_event (&a, T0, "visit.started",
                                           "{\"visit\":\"v1\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0));
  test_apply (f->store, test_device_event (&a, T0 + 60 * MIN_MS, "visit.finished",
                                           "{\"visit\":\"v1\",\"at\":%" G_GINT64_FORMAT "}", T0 + 60 * MIN_MS));
  test_apply (f->store, test_device_event (&a, T0 + 61 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v1\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"a\"}", T0 + 60 * MIN_MS, T0 + 50 * MIN_MS));
  test_apply (f->store, test_device_event (&a, T0 + 62 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v1\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"b\"}", T0 + 50 * MIN_MS, T0 + 45 * MIN_MS));
  d1 = get (f, "v1");
  g_assert_false (d1->summary.flags & CARE_VISIT_FLAG_CONCURRENT);
  test_apply (f->store, test_device_event (&a2, T0 + 59 * MIN_MS, "visit.finished",
                                           "{\"visit\":\"v1\",\"at\":%" G_GINT64_FORMAT "}", T0 + 59 * MIN_MS));
  d2 = get (f, "v1");
  g_assert_true (d2->summary.flags & CARE_VISIT_FLAG_CONCURRENT);
}

static void
test_review (Fixture       *f,
             gconstpointer  data)
{
  TestDevice sup = { "dev-sup", "member-s", 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  g_autoptr(CareVisitDetail) a = NULL;
  g_autoptr(CareVisitDetail) b = NULL;
  g_autoptr(CareVisitDetail) c = NULL;
  g_autofree char *review = NULL;
  g_autofree char *open_review = NULL;
  g_autofree char *closed = NULL;

  f->clock.now = T0;
  visit = care_store_check_in (f->store, "c1", "s1", NULL, NULL, &error);
  g_assert_true (care_store_answer_task (f->store, visit, "meds", TRUE, NULL, &error));
  f->clock.now += 60 * MIN_MS;
  g_assert_true (care_store_check_out (f->store, visit, &error));
  review = care_store_add_review (f->store, "approve", visit, NULL, NULL, NULL, &error);
  g_assert_null (review);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_RULE);
  g_clear_error (&error);
  test_apply (f->store, test_device_event (&sup, f->clock.now + 1000, "review.added",
                                           "{\"review\":\"r1\",\"action\":\"query\",\"visit\":\"%s\",\"message\":\"Check the end time\"}", visit));
  a = get (f, visit);
  g_assert_cmpint (a->summary.review, ==, CARE_REVIEW_QUERIED);
  g_assert_cmpstr (a->summary.open_query, ==, "Check the end time");
  open_review = care_store_get_open_review (f->store, visit);
  g_assert_cmpstr (open_review, ==, "r1");
  f->clock.now += 5 * MIN_MS;
  g_assert_true (care_store_answer_query (f->store, "r1", "It is right", &error));
  g_assert_no_error (error);
  b = get (f, visit);
  g_assert_cmpint (b->summary.review, ==, CARE_REVIEW_NONE);
  g_assert_null (b->summary.open_query);
  closed = care_store_get_open_review (f->store, visit);
  g_assert_null (closed);
  test_apply (f->store, test_device_event (&sup, f->clock.now + 1000, "review.added",
                                           "{\"review\":\"r2\",\"action\":\"approve\",\"visit\":\"%s\"}", visit));
  c = get (f, visit);
  g_assert_cmpint (c->summary.review, ==, CARE_REVIEW_APPROVED);
}

static void
test_supervisor_review (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *review = NULL;
  g_autoptr(CareVisitDetail) d = NULL;

  test_apply (f->store, test_device_event (&f->other, T0, "visit.started",
                                           "{\"visit\":\"v1\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0));
  f->clock.now = T0 + 5 * MIN_MS;
  review = care_store_add_review (f->store, "query", "v1", NULL, NULL, "Why so early?", &error);
  g_assert_no_error (error);
  d = get (f, "v1");
  g_assert_cmpint (d->summary.review, ==, CARE_REVIEW_QUERIED);
  /* The carer amending the visit after a query closes it. */
  test_apply (f->store, test_device_event (&f->other, T0 + 10 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v1\",\"field\":\"service\",\"old\":\"x\",\"new\":\"y\",\"reason\":\"typo\"}"));
  g_clear_pointer (&d, care_visit_detail_free);
  d = get (f, "v1");
  g_assert_cmpint (d->summary.review, ==, CARE_REVIEW_NONE);
  g_assert_cmpstr (d->summary.service, ==, "y");
}

static void
add_done_visit (Fixture    *f,
                const char *id,
                gint64      start,
                gint64      end)
{
  test_apply (f->store, test_device_event (&f->other, start, "visit.started",
                                           "{\"visit\":\"%s\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", id, start));
  test_apply (f->store, test_device_event (&f->other, end, "visit.finished",
                                           "{\"visit\":\"%s\",\"at\":%" G_GINT64_FORMAT "}", id, end));
}

static void
test_hours (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CareWeekHours) w = NULL;
  g_autoptr(CareWeekHours) dst = NULL;
  g_autoptr(GError) error = NULL;
  GDate day;
  /* Wednesday 18 Nov 23:00 to Thursday 01:00: split at midnight. */
  gint64 wed = G_GINT64_CONSTANT (1795042800000);
  /* Sunday 25 Oct 2026, 00:30 BST to 03:30 GMT: four real hours. */
  gint64 dst_start = G_GINT64_CONSTANT (1792884600000);

  add_done_visit (f, "v1", wed, wed + 120 * MIN_MS);
  add_done_visit (f, "v2", T0, T0 + 45 * MIN_MS);
  test_apply (f->store, test_device_event (&f->other, T0 + 50 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v2\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"late check-out\"}",
                                           T0 + 45 * MIN_MS, T0 + 30 * MIN_MS));
  add_done_visit (f, "v3", T0 + 120 * MIN_MS, T0 + 180 * MIN_MS);
  test_apply (f->store, test_device_event (&f->other, T0, "visit.started",
                                           "{\"visit\":\"v4\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0 + 240 * MIN_MS));
  test_apply (f->store, test_device_event (&f->other, T0, "visit.cancelled",
                                           "{\"visit\":\"v4\",\"reason\":\"client out\"}"));
  test_apply (f->store, test_device_event (&f->other, T0, "hours.added",
                                           "{\"entry\":\"h1\",\"kind\":\"travel\",\"date\":\"2026-11-20\",\"minutes\":25}"));
  test_apply (f->store, test_device_event (&f->other, T0, "review.added",
                                           "{\"review\":\"r1\",\"action\":\"query\",\"carer\":\"member-o\",\"week\":\"2026-W47\",\"message\":\"Travel?\"}"));
  w = care_store_get_week_hours (f->store, "member-o", 2026, 47, &error);
  g_assert_no_error (error);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 16, 11, 2026);
  g_assert_cmpint (g_date_compare (&w->days[0].date, &day), ==, 0);
  g_assert_cmpint (w->days[2].visit_minutes, ==, 60);
  g_assert_cmpint (w->days[3].visit_minutes, ==, 60 + 30 + 60);
  g_assert_cmpint (w->days[4].travel_minutes, ==, 25);
  g_assert_cmpint (w->total_minutes, ==, 60 + 150 + 25);
  g_assert_cmpint (w->review, ==, CARE_REVIEW_QUERIED);
  g_assert_cmpstr (w->review_id, ==, "r1");
  g_assert_cmpstr (w->review_message, ==, "Travel?");
  g_assert_cmpuint (w->entries->len, ==, 1);
  g_assert_cmpstr (((CareHoursEntry *) w->entries->pdata[0])->entry, ==, "h1");
  g_assert_cmpint (((CareHoursEntry *) w->entries->pdata[0])->minutes, ==, 25);

  add_done_visit (f, "v5", dst_start, dst_start + 240 * MIN_MS);
  dst = care_store_get_week_hours (f->store, "member-o", 2026, 43, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dst->days[6].visit_minutes, ==, 240);

  g_clear_pointer (&w, care_week_hours_free);
  w = care_store_get_week_hours (f->store, "member-t", 2026, 47, &error);
  g_assert_cmpint (w->planned_minutes, ==, 60);
}

/* Manual hours are corrected by their carer with a reason (a new record:
 * the first stays in the log); 0 minutes withdraws an entry; an entry of
 * someone else's is never taken over. */
static void
test_hours_correction (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CareWeekHours) w = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = NULL;
  const CareHoursEntry *e;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 18, 11, 2026);
  entry = care_store_add_hours (f->store, "travel", &day, 90, "Bus to Rose", &error);
  g_assert_no_error (error);
  f->clock.now += MIN_MS;

  g_assert_false (care_store_correct_hours (f->store, entry, "travel", &day, 45, "Bus to Rose", NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "why"));
  g_clear_error (&error);
  g_assert_false (care_store_correct_hours (f->store, entry, "travel", &day, 45, "Bus to Rose", "  ", &error));
  g_clear_error (&error);

  g_assert_true (care_store_correct_hours (f->store, entry, "travel", &day, 45, "Bus to Rose",
                                           "It was 45 minutes, not 90", &error));
  g_assert_no_error (error);
  w = care_store_get_week_hours (f->store, "member-t", 2026, 47, &error);
  g_assert_no_error (error);
  g_assert_cmpint (w->days[2].travel_minutes, ==, 45);
  g_assert_cmpuint (w->entries->len, ==, 1);
  e = w->entries->pdata[0];
  g_assert_cmpstr (e->entry, ==, entry);
  g_assert_cmpint (e->minutes, ==, 45);
  g_assert_cmpstr (e->comment, ==, "Bus to Rose");

  f->clock.now += MIN_MS;
  g_assert_true (care_store_correct_hours (f->store, entry, "travel", &day, 0, "Bus to Rose", "Entered twice", &error));
  g_clear_pointer (&w, care_week_hours_free);
  w = care_store_get_week_hours (f->store, "member-t", 2026, 47, &error);
  g_assert_cmpint (w->days[2].travel_minutes, ==, 0);
  g_assert_cmpint (((CareHoursEntry *) w->entries->pdata[0])->minutes, ==, 0);

  /* A new entry needs minutes; someone else's entry is not taken over. */
  g_assert_null (care_store_add_hours (f->store, "travel", &day, 0, NULL, &error));
  g_clear_error (&error);
  test_apply (f->store, test_device_event (&f->other, T0, "hours.added",
                                           "{\"entry\":\"h-other\",\"kind\":\"travel\",\"date\":\"2026-11-18\",\"minutes\":30}"));
  g_assert_false (care_store_correct_hours (f->store, "h-other", "travel", &day, 5, NULL, "Mine now", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "new id"));
}

static JsonArray *
review_saw (Fixture    *f,
            const char *review)
{
  g_autoptr(GPtrArray) all = care_store_list_all_events (f->store, NULL);

  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = all->pdata[i];

      if (e->type == CARE_EVENT_REVIEW_ADDED
          && g_strcmp0 (json_object_get_string_member (e->body, "review"), review) == 0)
        return json_array_ref (json_object_get_array_member (e->body, "saw"));
    }
  g_assert_not_reached ();
}

static CareReviewState
visit_review (Fixture    *f,
              const char *visit)
{
  g_autoptr(CareVisitDetail) d = get (f, visit);

  return d->summary.review;
}

/* A visit approval names the records it saw; a record it did not name
 * (later, or made offline before it and arriving after) reopens the visit
 * as changed after approval; approving again holds; withdrawing needs a
 * reason and leaves the visit unreviewed, with the reason in its history. */
static void
test_visit_approval_holds (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *w1 = NULL;
  g_autoptr(JsonArray) saw = NULL;
  g_autoptr(CareVisitDetail) d = NULL;
  CareHistoryEntry *last;

  add_done_visit (f, "v1", T0, T0 + 45 * MIN_MS);
  f->clock.now = T0 + 60 * MIN_MS;
  w1 = care_store_add_review (f->store, "withdrawn", "v1", NULL, NULL, "Mistake", &error);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_RULE);   /* nothing to withdraw */
  g_clear_error (&error);
  r1 = care_store_add_review (f->store, "approve", "v1", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  saw = review_saw (f, r1);
  g_assert_cmpuint (json_array_get_length (saw), ==, 2);
  g_assert_cmpint (visit_review (f, "v1"), ==, CARE_REVIEW_APPROVED);

  /* A check-out correction the approval did not see. */
  test_apply (f->store, test_device_event (&f->other, T0 + 70 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v1\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"left later\"}",
                                           T0 + 45 * MIN_MS, T0 + 60 * MIN_MS));
  g_assert_cmpint (visit_review (f, "v1"), ==, CARE_REVIEW_CHANGED);

  f->clock.now = T0 + 80 * MIN_MS;
  r2 = care_store_add_review (f->store, "approve", "v1", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (visit_review (f, "v1"), ==, CARE_REVIEW_APPROVED);

  /* A note written offline before that approval, arriving after it. */
  test_apply (f->store, test_device_event (&f->other, T0 + 50 * MIN_MS, "note.added",
                                           "{\"visit\":\"v1\",\"note\":\"n1\",\"category\":\"wellbeing\","
                                           "\"text\":\"Tired today.\"}"));
  g_assert_cmpint (visit_review (f, "v1"), ==, CARE_REVIEW_CHANGED);
  r3 = care_store_add_review (f->store, "approve", "v1", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (visit_review (f, "v1"), ==, CARE_REVIEW_APPROVED);

  /* Withdrawing: a reason is needed. */
  g_clear_pointer (&w1, g_free);
  w1 = care_store_add_review (f->store, "withdrawn", "v1", NULL, NULL, "  ", &error);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
  g_clear_error (&error);
  w1 = care_store_add_review (f->store, "withdrawn", "v1", NULL, NULL, "Hours disputed by the family", &error);
  g_assert_no_error (error);
  d = get (f, "v1");
  g_assert_cmpint (d->summary.review, ==, CARE_REVIEW_NONE);
  last = g_ptr_array_index (d->history, d->history->len - 1);
  g_assert_cmpstr (last->description, ==, "Approval withdrawn: Hours disputed by the family");

}

static char *
hours_csv (Fixture *f,
           gboolean approved_only)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GDate) from = g_date_new_dmy (16, G_DATE_NOVEMBER, 2026);
  g_autoptr(GDate) to = g_date_new_dmy (22, G_DATE_NOVEMBER, 2026);
  g_autoptr(GError) error = NULL;

  g_assert_true (care_export_hours_csv (f->store, "member-o", from, to, approved_only, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static CareReviewState
week_review (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareWeekHours) w = care_store_get_week_hours (f->store, "member-o", 2026, 47, &error);

  g_assert_no_error (error);
  return w->review;
}

/* A timesheet approval names every record that makes the week: 15 minutes
 * of travel added afterwards reopen it (changed after approval, on this
 * tablet as on the carer's) and leave it out of the approved-only export
 * until it is approved again; so does a visit moved out of the week.
 * Approving warns of open queries, unreviewed exceptions and days to come;
 * withdrawing needs a reason. */
static void
test_week_approval_holds (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *r1 = NULL, *r2 = NULL, *w1 = NULL, *q = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(JsonArray) saw = NULL;

  add_done_visit (f, "v1", T0 - 24 * 60 * MIN_MS, T0 - 23 * 60 * MIN_MS);   /* Wednesday */
  add_done_visit (f, "v2", T0, T0 + 60 * MIN_MS);                           /* Thursday */
  test_apply (f->store, test_device_event (&f->other, T0 + 61 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v2\",\"field\":\"finished_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"left early\"}",
                                           T0 + 60 * MIN_MS, T0 + 50 * MIN_MS));
  test_apply (f->store, test_device_event (&f->other, T0, "hours.added",
                                           "{\"entry\":\"h1\",\"kind\":\"travel\",\"date\":\"2026-11-19\",\"minutes\":20}"));
  f->clock.now = T0 + 2 * 60 * MIN_MS;   /* Thursday noon: four days to come, Thursday included */
  q = care_store_add_review (f->store, "query", "v1", NULL, NULL, "Was the client in?", &error);
  g_assert_no_error (error);
  warnings = care_store_week_approval_warnings (f->store, "member-o", 2026, 47, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (warnings), ==, 3);
  g_assert_cmpstr (warnings[0], ==, "1 visit this week has an open query.");
  g_assert_cmpstr (warnings[1], ==, "1 visit this week has an exception (late, short, missed, amended…) that nobody has reviewed.");
  g_assert_cmpstr (warnings[2], ==, "The week is not over: 4 days are still to come.");

  r1 = care_store_add_review (f->store, "approve", NULL, "member-o", "2026-W47", NULL, &error);
  g_assert_no_error (error);
  saw = review_saw (f, r1);
  g_assert_cmpuint (json_array_get_length (saw), ==, 6);   /* 2 visits × 2, 1 amendment, 1 entry */
  g_assert_cmpint (week_review (f), ==, CARE_REVIEW_APPROVED);
  csv = hours_csv (f, TRUE);
  g_assert_nonnull (strstr (csv, "member-o"));
  g_clear_pointer (&csv, g_free);

  /* The carer adds 15 minutes of travel to that week. */
  test_apply (f->store, test_device_event (&f->other, T0 + 3 * 60 * MIN_MS, "hours.added",
                                           "{\"entry\":\"h2\",\"kind\":\"travel\",\"date\":\"2026-11-18\",\"minutes\":15}"));
  g_assert_cmpint (week_review (f), ==, CARE_REVIEW_CHANGED);
  csv = hours_csv (f, TRUE);
  g_assert_null (strstr (csv, "member-o"));
  g_clear_pointer (&csv, g_free);
  csv = hours_csv (f, FALSE);
  g_assert_nonnull (strstr (csv, "changed-after-approval"));
  g_clear_pointer (&csv, g_free);

  f->clock.now += 60 * MIN_MS;
  r2 = care_store_add_review (f->store, "approve", NULL, "member-o", "2026-W47", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (week_review (f), ==, CARE_REVIEW_APPROVED);

  /* v1 moved into the week before: this week is no longer what was approved. */
  test_apply (f->store, test_device_event (&f->other, T0 + 5 * 60 * MIN_MS, "visit.amended",
                                           "{\"visit\":\"v1\",\"field\":\"started_at\",\"old\":%" G_GINT64_FORMAT
                                           ",\"new\":%" G_GINT64_FORMAT ",\"reason\":\"wrong day\"}",
                                           T0 - 24 * 60 * MIN_MS, T0 - 7 * 24 * 60 * MIN_MS));
  g_assert_cmpint (week_review (f), ==, CARE_REVIEW_CHANGED);

  w1 = care_store_add_review (f->store, "withdrawn", NULL, "member-o", "2026-W47", "Travel not agreed", &error);
  g_assert_no_error (error);
  g_assert_cmpint (week_review (f), ==, CARE_REVIEW_NONE);
}

/* On a finished visit, changing a task's answer is a correction: without a
 * reason it is refused; with one, the history keeps both answers and says
 * what changed and why. Before check-out an answer can change freely. */
static void
test_task_change (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  g_autoptr(CareVisitDetail) d = NULL;
  CareHistoryEntry *last;
  CareTaskState *t;

  f->clock.now = T0;
  visit = care_store_check_in (f->store, "c1", "s1", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (care_store_answer_task (f->store, visit, "meds", TRUE, NULL, &error));
  g_assert_true (care_store_answer_task (f->store, visit, "meds", FALSE, "Had already taken them", &error));
  g_assert_no_error (error);
  f->clock.now += 60 * MIN_MS;
  g_assert_true (care_store_check_out (f->store, visit, &error));
  g_assert_no_error (error);

  g_assert_false (care_store_answer_task (f->store, visit, "meds", TRUE, NULL, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "reason"));
  g_clear_error (&error);
  g_assert_false (care_store_answer_task (f->store, visit, "meds", TRUE, " ", &error));
  g_clear_error (&error);
  /* The same answer again is no change. */
  g_assert_true (care_store_answer_task (f->store, visit, "meds", FALSE, "Had already taken them", &error));
  g_assert_true (care_store_answer_task (f->store, visit, "meds", TRUE, "Found the blister pack: she took them with me", &error));
  g_assert_no_error (error);
  d = get (f, visit);
  t = g_ptr_array_index (d->tasks, 0);
  g_assert_cmpint (t->answer, ==, 1);
  last = g_ptr_array_index (d->history, d->history->len - 1);
  g_assert_cmpstr (last->description, ==, "Task “Prompt medication” changed from not done to done");
  g_assert_cmpstr (last->reason, ==, "Found the blister pack: she took them with me");
  /* The earlier answers stay in the history. */
  g_assert_cmpuint (d->history->len, ==, 6);   /* check-in, 4 answers, check-out */
}

static void
test_list_visits (Fixture       *f,
                  gconstpointer  data)
{
  CareVisitFilter all = { NULL, NULL, 0, 0, -1, 0, TRUE, 0, 0 };
  CareVisitFilter by_carer = { "member-o", NULL, 0, 0, -1, 0, FALSE, 0, 0 };
  CareVisitFilter missed = { NULL, "c1", 0, 0, -1, CARE_VISIT_FLAG_MISSED, FALSE, 0, 0 };
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;
  g_autoptr(GError) error = NULL;
  gint64 counts[7];

  add_done_visit (f, "v1", T0 - 120 * MIN_MS, T0 - 100 * MIN_MS);
  add_done_visit (f, "v2", T0 - 300 * MIN_MS, T0 - 240 * MIN_MS);
  test_apply (f->store, test_device_event (&f->other, T0, "note.added",
                                           "{\"visit\":\"v2\",\"note\":\"n\",\"category\":\"safeguarding\",\"text\":\"Fell\"}"));
  f->clock.now = T0 + 2 * 60 * MIN_MS;
  a = care_store_list_visits (f->store, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpstr (((CareVisitSummary *) a->pdata[0])->visit, ==, "v2");
  g_assert_cmpstr (((CareVisitSummary *) a->pdata[1])->schedule, ==, "s1");
  b = care_store_list_visits (f->store, &by_carer, &error);
  g_assert_cmpuint (b->len, ==, 2);
  g_assert_cmpstr (((CareVisitSummary *) b->pdata[0])->visit, ==, "v1");
  c = care_store_list_visits (f->store, &missed, &error);
  g_assert_cmpuint (c->len, ==, 1);
  /* Paging one at a time gives the same order. */
  for (guint i = 0; i < a->len + 1; i++)
    {
      CareVisitFilter page = all;
      g_autoptr(GPtrArray) one = NULL;

      page.offset = i;
      page.limit = 1;
      one = care_store_list_visits (f->store, &page, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (one->len, ==, i < a->len ? 1 : 0);
      if (i < a->len)
        {
          CareVisitSummary *x = one->pdata[0], *y = a->pdata[i];

          g_assert_cmpstr (x->visit ? x->visit : x->schedule, ==, y->visit ? y->visit : y->schedule);
        }
    }
  g_assert_true (care_store_count_exceptions (f->store, &all, counts, &error));
  g_assert_cmpint (counts[0], ==, 1);
  g_assert_cmpint (counts[1], ==, 1);
  g_assert_cmpint (counts[3], ==, 0);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autofree char *n1 = care_store_add_note (f->store, visit, "nutrition", "Ate porridge and a banana", &error);
  g_autofree char *n2 = care_store_add_note (f->store, visit, "wellbeing", "Talked about the café", &error);
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;
  g_autoptr(GPtrArray) d = NULL;

  a = care_store_search_notes (f->store, "porr", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 1);
  g_assert_cmpstr (((CareNoteHit *) a->pdata[0])->client_name, ==, "Rose Field");
  g_assert_nonnull (strstr (((CareNoteHit *) a->pdata[0])->snippet, "[porridge]"));
  b = care_store_search_notes (f->store, "cafe \"OR* (", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->len, ==, 0);
  g_assert_true (care_store_amend_note (f->store, n1, "Ate toast", "wrong breakfast", &error));
  c = care_store_search_notes (f->store, "porridge", 10, &error);
  g_assert_cmpuint (c->len, ==, 0);
  g_assert_true (care_store_retract_note (f->store, n2, "wrong client", &error));
  d = care_store_search_notes (f->store, "café", 10, &error);
  g_assert_cmpuint (d->len, ==, 0);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, role) \
  g_test_add (path, Fixture, GINT_TO_POINTER (role), fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/derive/states", test_states, CARE_ROLE_CARER);
  ADD ("/app/derive/flags", test_flags, CARE_ROLE_CARER);
  ADD ("/app/derive/clock-warning", test_clock_warning, CARE_ROLE_CARER);
  ADD ("/app/derive/clock-warning-amendment", test_clock_warning_amendment, CARE_ROLE_CARER);
  ADD ("/app/derive/out-of-order", test_out_of_order, CARE_ROLE_CARER);
  ADD ("/app/derive/concurrent-amendments", test_concurrent_amendments, CARE_ROLE_CARER);
  ADD ("/app/derive/concurrent-flag", test_concurrent_flag, CARE_ROLE_CARER);
  ADD ("/app/derive/review", test_review, CARE_ROLE_CARER);
  ADD ("/app/derive/supervisor-review", test_supervisor_review, CARE_ROLE_SUPERVISOR);
  ADD ("/app/hours/week", test_hours, CARE_ROLE_CARER);
  ADD ("/app/hours/correction", test_hours_correction, CARE_ROLE_CARER);
  ADD ("/app/derive/visit-approval-holds", test_visit_approval_holds, CARE_ROLE_SUPERVISOR);
  ADD ("/app/hours/week-approval-holds", test_week_approval_holds, CARE_ROLE_SUPERVISOR);
  ADD ("/app/derive/task-change", test_task_change, CARE_ROLE_CARER);
  ADD ("/app/query/list-visits", test_list_visits, CARE_ROLE_SUPERVISOR);
  ADD ("/app/query/search", test_search, CARE_ROLE_CARER);
  return g_test_run ();
}
