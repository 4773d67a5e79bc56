/* test-store.c: local appends, the care-log rules, derived visits.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-store-private.h"
#include "test-util.h"

#define T0 G_GINT64_CONSTANT (1795000000000) /* 2026-11-19 */
#define MIN_MS (60 * 1000)

typedef struct
{
  char *dir;
  TestClock clock;
  CareStore *store;
} Fixture;

static void
roster (CareStore *store)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *sched = g_strdup_printf ("{\"schedule\":\"s1\",\"client\":\"c1\",\"carer\":\"member-t\","
                                            "\"start\":%" G_GINT64_FORMAT ",\"minutes\":60,\"service\":\"home care\"}",
                                            T0);

  g_ptr_array_add (page, test_roster_event ("member.set", 1, 1, "{\"member\":\"member-t\",\"name\":\"Ana Lima\",\"role\":\"carer\",\"active\":true}"));
  g_ptr_array_add (page, test_roster_event ("client.set", 2, 2, "{\"client\":\"c1\",\"name\":\"Rose Field\",\"address\":\"1 High St\",\"active\":true}"));
  g_ptr_array_add (page, test_roster_event ("careplan.set", 3, 3,
                                            "{\"client\":\"c1\",\"tasks\":[{\"task\":\"meds\",\"label\":\"Prompt medication\",\"essential\":true},"
                                            "{\"task\":\"lunch\",\"label\":\"Prepare lunch\",\"essential\":false}]}"));
  g_ptr_array_add (page, test_roster_event ("assignment.set", 4, 4, "{\"client\":\"c1\",\"carer\":\"member-t\",\"active\":true}"));
  g_ptr_array_add (page, test_roster_event ("schedule.set", 5, 5, sched));
  g_assert_true (care_store_apply_page (store, page, "cursor-1", &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_dir_new ();
  f->clock.now = T0 + 2 * MIN_MS;
  f->store = test_store_open (f->dir, "t", CARE_ROLE_CARER, &f->clock);
  roster (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  test_dir_free (f->dir);
}

static void
test_append (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", "s1", NULL, NULL, &error);
  g_autoptr(CareVisitDetail) d = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  CareOutboxCounts counts;

  g_assert_no_error (error);
  g_assert_nonnull (visit);
  f->clock.now += 30 * MIN_MS;
  g_assert_true (care_store_answer_task (f->store, visit, "meds", TRUE, NULL, &error));
  g_assert_no_error (error);
  f->clock.now += 30 * MIN_MS;
  g_assert_true (care_store_check_out (f->store, visit, &error));
  g_assert_no_error (error);

  d = care_store_get_visit (f->store, visit, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->summary.state, ==, CARE_VISIT_DONE);
  g_assert_cmpstr (d->summary.client_name, ==, "Rose Field");
  g_assert_cmpstr (d->summary.service, ==, "home care");
  g_assert_cmpint (d->summary.started_at, ==, T0 + 2 * MIN_MS);
  g_assert_cmpint (d->summary.finished_at, ==, T0 + 62 * MIN_MS);
  g_assert_cmpint (d->summary.sync, ==, CARE_SYNC_LOCAL);
  g_assert_cmpuint (d->tasks->len, ==, 2);
  g_assert_cmpuint (d->history->len, ==, 3);

  g_assert_true (care_store_get_outbox_counts (f->store, &counts, &error));
  g_assert_cmpint (counts.pending, ==, 3);
  g_assert_cmpint (counts.last_seq, ==, 3);
  outbox = care_store_list_outbox (f->store, 0, &error);
  g_assert_cmpuint (outbox->len, ==, 3);
  for (guint i = 0; i < outbox->len; i++)
    g_assert_cmpint (((CareEvent *) outbox->pdata[i])->seq, ==, i + 1);
}

static void
expect_error (gboolean ok,
              GError  *error,
              int      code,
              const char *needle)
{
  g_assert_false (ok);
  g_assert_error (error, CARE_STORE_ERROR, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
}

static void
test_rule_checkout_before_checkin (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = care_store_check_out (f->store, "no-such-visit", &error);

  expect_error (ok, error, CARE_STORE_ERROR_NOT_FOUND, "no-such-visit");
}

static void
test_rule_essential_tasks (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  gboolean ok;

  g_assert_no_error (error);
  ok = care_store_check_out (f->store, visit, &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "Prompt medication");
  g_clear_error (&error);
  /* Not done, with a reason, is an answer. */
  g_assert_true (care_store_answer_task (f->store, visit, "meds", FALSE, "Client declined", &error));
  g_assert_true (care_store_check_out (f->store, visit, &error));
  g_assert_no_error (error);
}

static void
test_rule_end_before_start (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autofree char *early = g_strdup_printf ("%" G_GINT64_FORMAT, T0 - 10 * MIN_MS);
  gboolean ok;

  g_assert_true (care_store_answer_task (f->store, visit, "meds", TRUE, NULL, &error));
  f->clock.now -= 5 * MIN_MS;
  ok = care_store_check_out (f->store, visit, &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "before the check-in");
  g_clear_error (&error);
  f->clock.now += 65 * MIN_MS;
  g_assert_true (care_store_check_out (f->store, visit, &error));
  ok = care_store_amend_visit (f->store, visit, "finished_at", early, "typo", &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "before");
}

static void
test_rule_amend_reason (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autofree char *note = care_store_add_note (f->store, visit, "wellbeing", "Cheerful today", &error);
  g_autofree char *later = g_strdup_printf ("%" G_GINT64_FORMAT, T0 + 5 * MIN_MS);
  gboolean ok;

  ok = care_store_amend_visit (f->store, visit, "started_at", later, "  ", &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "reason");
  g_clear_error (&error);
  ok = care_store_amend_note (f->store, note, "Cheerful", "", &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "reason");
  g_clear_error (&error);
  ok = care_store_retract_note (f->store, note, NULL, &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "reason");
  g_clear_error (&error);
  g_assert_true (care_store_amend_visit (f->store, visit, "started_at", later, "Arrived later", &error));
  g_assert_no_error (error);
}

static void
test_rule_unknown_visit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = care_store_add_note (f->store, "nope", "wellbeing", "x", &error);
  gboolean ok;

  g_assert_null (note);
  expect_error (FALSE, error, CARE_STORE_ERROR_NOT_FOUND, "nope");
  g_clear_error (&error);
  ok = care_store_answer_task (f->store, "nope", "meds", TRUE, NULL, &error);
  expect_error (ok, error, CARE_STORE_ERROR_NOT_FOUND, "nope");
  g_clear_error (&error);
  ok = care_store_cancel_visit (f->store, "nope", NULL, "ill", &error);
  expect_error (ok, error, CARE_STORE_ERROR_NOT_FOUND, "nope");
}

static void
test_rule_cancel_and_roles (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", "s1", NULL, NULL, &error);
  g_autofree char *again = NULL;
  g_autofree char *review = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(CareEvent) e = NULL;
  gboolean ok;

  g_assert_no_error (error);
  again = care_store_check_in (f->store, "c1", "s1", NULL, NULL, &error);
  expect_error (again != NULL, error, CARE_STORE_ERROR_RULE, "already been started");
  g_clear_error (&error);
  ok = care_store_cancel_visit (f->store, NULL, "s1", "ill", &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "cancel that visit instead");
  g_clear_error (&error);
  ok = care_store_cancel_visit (f->store, visit, NULL, " ", &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "reason");
  g_clear_error (&error);
  g_assert_true (care_store_cancel_visit (f->store, visit, NULL, "Client in hospital", &error));
  ok = care_store_answer_task (f->store, visit, "meds", TRUE, NULL, &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "cancelled");
  g_clear_error (&error);
  ok = care_store_check_out (f->store, visit, &error);
  expect_error (ok, error, CARE_STORE_ERROR_RULE, "cancelled");
  g_clear_error (&error);
  review = care_store_add_review (f->store, "approve", visit, NULL, NULL, NULL, &error);
  expect_error (review != NULL, error, CARE_STORE_ERROR_RULE, "co-ordinator");
  g_clear_error (&error);
  json_object_set_string_member (body, "client", "c9");
  json_object_set_string_member (body, "name", "New Client");
  json_object_set_string_member (body, "address", "2 Low St");
  json_object_set_boolean_member (body, "active", TRUE);
  e = care_store_append (f->store, CARE_EVENT_CLIENT_SET, body, &error);
  expect_error (e != NULL, error, CARE_STORE_ERROR_RULE, "administrators");
  g_clear_error (&error);
  g_free (again);
  again = care_store_check_in (f->store, "c-unknown", NULL, NULL, NULL, &error);
  expect_error (again != NULL, error, CARE_STORE_ERROR_NOT_FOUND, "client list");
}

static void
test_rule_invalid_body (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(CareEvent) e = NULL;

  json_object_set_string_member (body, "visit", "v1");
  json_object_set_string_member (body, "client", "c1");
  json_object_set_string_member (body, "service", "home care");
  e = care_store_append (f->store, CARE_EVENT_VISIT_STARTED, body, &error);
  g_assert_null (e);
  expect_error (FALSE, error, CARE_STORE_ERROR_INVALID, "“at”");
}

static void
test_apply_page_idempotent (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autoptr(GPtrArray) own = care_store_read_unsent (f->store, 0, 10, &error);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  TestDevice other = { "dev-o", "member-o", 0, 0 };
  g_autofree char *before = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *cursor = NULL;
  CareOutboxCounts c;

  g_ptr_array_add (page, test_device_event (&other, T0, "visit.started",
                                            "{\"visit\":\"vo\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0));
  g_ptr_array_add (page, test_device_event (&other, T0 + 1000, "note.added",
                                            "{\"visit\":\"vo\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"Fine\"}"));
  /* This device's own record, coming back from the server. */
  g_ptr_array_add (page, care_event_copy (own->pdata[0]));
  before = care_store_dump_derived (f->store, &error);
  g_assert_true (care_store_apply_page (f->store, page, "cursor-2", &error));
  once = care_store_dump_derived (f->store, &error);
  g_assert_true (care_store_apply_page (f->store, page, "cursor-2", &error));
  twice = care_store_dump_derived (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, !=, once);
  g_assert_cmpstr (once, ==, twice);
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.pending, ==, 0);
  g_assert_cmpint (c.acknowledged, ==, 1);
  cursor = care_store_get_pull_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "cursor-2");
  g_assert_true (care_store_reset_pull_cursor (f->store, &error));
  g_clear_pointer (&cursor, g_free);
  cursor = care_store_get_pull_cursor (f->store);
  g_assert_null (cursor);
}

/* The co-op's receive time: stored for new records, filled in for this
 * device's own records when they come back in a pull, first value kept;
 * applying the same page twice changes nothing. */
static gint64
history_received (Fixture    *f,
                  const char *visit,
                  const char *event_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareVisitDetail) d = care_store_get_visit (f->store, visit, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < d->history->len; i++)
    {
      CareHistoryEntry *h = d->history->pdata[i];

      if (g_strcmp0 (h->event, event_id) == 0)
        return h->received;
    }
  g_assert_not_reached ();
}

static void
test_apply_page_received (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autoptr(GPtrArray) own = care_store_read_unsent (f->store, 0, 10, &error);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  TestDevice other = { "dev-o", "member-o", 0, 0 };
  const char *own_id;
  g_autofree char *other_id = NULL;
  g_autofree char *old_id = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  CareEvent *e;
  CareOutboxCounts c;

  g_assert_no_error (error);
  g_assert_cmpuint (own->len, ==, 1);
  own_id = ((CareEvent *) own->pdata[0])->id;
  /* Only on the tablet: not yet received. */
  g_assert_cmpint (history_received (f, visit, own_id), ==, 0);

  e = test_device_event (&other, T0, "visit.started",
                         "{\"visit\":\"vo\",\"client\":\"c1\",\"service\":\"x\",\"at\":%" G_GINT64_FORMAT "}", T0);
  e->received = T0 + 10000;
  other_id = g_strdup (e->id);
  g_ptr_array_add (page, e);
  /* From an older server that does not say when it received it. */
  e = test_device_event (&other, T0 + 1000, "note.added",
                         "{\"visit\":\"vo\",\"note\":\"n\",\"category\":\"wellbeing\",\"text\":\"Fine\"}");
  old_id = g_strdup (e->id);
  g_ptr_array_add (page, e);
  /* This device's own record, coming back from the server. */
  e = care_event_copy (own->pdata[0]);
  e->received = T0 + 3 * MIN_MS;
  g_ptr_array_add (page, e);

  g_assert_true (care_store_apply_page (f->store, page, "cursor-2", &error));
  g_assert_no_error (error);
  once = care_store_dump_derived (f->store, &error);
  g_assert_cmpint (history_received (f, visit, own_id), ==, T0 + 3 * MIN_MS);
  g_assert_cmpint (history_received (f, "vo", other_id), ==, T0 + 10000);
  g_assert_cmpint (history_received (f, "vo", old_id), ==, 0);
  g_assert_true (care_store_apply_page (f->store, page, "cursor-2", &error));
  g_assert_no_error (error);
  twice = care_store_dump_derived (f->store, &error);
  g_assert_cmpstr (once, ==, twice);
  g_assert_cmpint (history_received (f, visit, own_id), ==, T0 + 3 * MIN_MS);
  g_assert_cmpint (history_received (f, "vo", other_id), ==, T0 + 10000);
  g_assert_cmpint (history_received (f, "vo", old_id), ==, 0);
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.pending, ==, 0);

  /* A later page (after a server upgrade, or a restore): unknown times are
   * filled in, known ones are kept. */
  for (guint i = 0; i < page->len; i++)
    {
      e = care_event_copy (page->pdata[i]);
      e->received = T0 + 20 * MIN_MS;
      g_ptr_array_add (later, e);
    }
  g_assert_true (care_store_apply_page (f->store, later, "cursor-3", &error));
  g_assert_no_error (error);
  g_assert_cmpint (history_received (f, visit, own_id), ==, T0 + 3 * MIN_MS);
  g_assert_cmpint (history_received (f, "vo", other_id), ==, T0 + 10000);
  g_assert_cmpint (history_received (f, "vo", old_id), ==, T0 + 20 * MIN_MS);
}

static void
test_quarantine (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autofree char *note = care_store_add_note (f->store, visit, "wellbeing", "Fine", &error);
  g_autoptr(GPtrArray) unsent = care_store_read_unsent (f->store, 0, 10, &error);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(CareVisitDetail) d = NULL;
  CareOutboxCounts c;

  g_assert_true (care_store_quarantine (f->store, ((CareEvent *) unsent->pdata[1])->id, "invalid",
                                        "The co-op refused this note", &error));
  g_assert_no_error (error);
  after = care_store_read_unsent (f->store, 0, 10, &error);
  g_assert_cmpuint (after->len, ==, 1);
  outbox = care_store_list_outbox (f->store, 0, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.quarantined, ==, 1);
  g_assert_cmpint (c.pending, ==, 1);
  d = care_store_get_visit (f->store, visit, &error);
  g_assert_cmpint (d->summary.sync, ==, CARE_SYNC_QUARANTINED);
  g_assert_cmpint (((CareNote *) d->notes->pdata[0])->sync, ==, CARE_SYNC_QUARANTINED);
  /* Acknowledging past it leaves it quarantined. */
  g_assert_true (care_store_mark_acked (f->store, 2, &error));
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.quarantined, ==, 1);
  {
    g_autofree char *reason = NULL;

    g_assert_cmpint (care_store_get_event_sync (f->store, ((CareEvent *) unsent->pdata[1])->id, &reason, &error),
                     ==, CARE_SYNC_QUARANTINED);
    g_assert_cmpstr (reason, ==, "The co-op refused this note");
    g_assert_cmpint (care_store_get_event_sync (f->store, ((CareEvent *) unsent->pdata[0])->id, NULL, &error),
                     ==, CARE_SYNC_SYNCED);
  }
  g_assert_false (care_store_quarantine (f->store, "no-such-record", "invalid", "x", &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
}

static void
test_sync_acked (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  g_autofree char *note = care_store_add_note (f->store, visit, "wellbeing", "Fine", &error);
  g_autoptr(GPtrArray) unsent = care_store_read_unsent (f->store, 0, 10, &error);
  CareOutboxCounts c;

  g_assert_cmpuint (unsent->len, ==, 2);
  g_assert_true (care_store_mark_acked (f->store, 2, &error));
  g_assert_true (care_store_mark_acked (f->store, 1, &error));
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.pending, ==, 0);
  g_assert_cmpint (c.acked_seq, ==, 2);
  /* A server claiming more than was ever written cannot mark later records sent. */
  g_assert_true (care_store_mark_acked (f->store, 50, &error));
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.acked_seq, ==, 2);
  g_assert_true (care_store_reset_acked (f->store, 1, &error));
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.pending, ==, 1);
  g_assert_cmpint (c.acked_seq, ==, 1);
  g_assert_no_error (error);
}

/* The push answer's receive time ("q") reaches the visit's history with
 * the acknowledgement: per run of records, the first time learnt kept. */
/* A visit with two notes, not yet sent: its three records as read to be
 * sent. */
static GPtrArray *
three_unsent (Fixture  *f,
              char    **visit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL, *other = NULL;
  GPtrArray *unsent;

  *visit = care_store_check_in (f->store, "c1", NULL, "home care", NULL, &error);
  note = care_store_add_note (f->store, *visit, "wellbeing", "Fine", &error);
  other = care_store_add_note (f->store, *visit, "wellbeing", "Still fine", &error);
  g_assert_no_error (error);
  unsent = care_store_read_unsent (f->store, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unsent->len, ==, 3);
  return unsent;
}

static void
test_sync_acked_received (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  g_autoptr(GPtrArray) unsent = three_unsent (f, &visit);
  const CareReceipt first[] = { { 1, 1, T0 + MIN_MS }, { 3, 3, T0 + 2 * MIN_MS } };
  const CareReceipt again[] = { { 1, 3, T0 + 9 * MIN_MS } };
  CareOutboxCounts c;

  /* The second was refused: it is not in a receipt. */
  g_assert_true (care_store_mark_acked_received (f->store, 3, first, G_N_ELEMENTS (first), &error));
  g_assert_no_error (error);
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.acked_seq, ==, 3);
  g_assert_cmpint (c.pending, ==, 0);
  g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[0])->id), ==, T0 + MIN_MS);
  g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[1])->id), ==, 0);
  g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[2])->id), ==, T0 + 2 * MIN_MS);
  /* A later answer (a duplicate after a lost response) keeps the first. */
  g_assert_true (care_store_mark_acked_received (f->store, 0, again, G_N_ELEMENTS (again), &error));
  g_assert_no_error (error);
  g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[0])->id), ==, T0 + MIN_MS);
  g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[1])->id), ==, T0 + 9 * MIN_MS);
  g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[2])->id), ==, T0 + 2 * MIN_MS);
}

/* Acknowledgement and receipts in one statement per run: a run received
 * beyond the acknowledgement gets its time but stays to be sent, and the
 * acknowledgement never goes past the last record written. */
static void
test_sync_received_past_ack (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  g_autoptr(GPtrArray) unsent = three_unsent (f, &visit);
  const CareReceipt all[] = { { 1, 3, T0 + MIN_MS } };
  CareOutboxCounts c;

  g_assert_true (care_store_mark_acked_received (f->store, 2, all, G_N_ELEMENTS (all), &error));
  g_assert_no_error (error);
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.acked_seq, ==, 2);
  g_assert_cmpint (c.pending, ==, 1);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (history_received (f, visit, ((CareEvent *) unsent->pdata[i])->id), ==, T0 + MIN_MS);
  g_clear_pointer (&unsent, g_ptr_array_unref);
  unsent = care_store_read_unsent (f->store, 0, 10, &error);
  g_assert_cmpuint (unsent->len, ==, 1);
  g_assert_cmpint (((CareEvent *) unsent->pdata[0])->seq, ==, 3);
  /* A server claiming seq 99 acknowledges what exists, no more. */
  g_assert_true (care_store_mark_acked_received (f->store, 99, NULL, 0, &error));
  g_assert_true (care_store_get_outbox_counts (f->store, &c, &error));
  g_assert_cmpint (c.acked_seq, ==, 3);
  g_assert_cmpint (c.pending, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/store/append", test_append);
  ADD ("/app/store/sync/acked-received", test_sync_acked_received);
  ADD ("/app/store/sync/received-past-ack", test_sync_received_past_ack);
  ADD ("/app/store/rule/check-out-before-check-in", test_rule_checkout_before_checkin);
  ADD ("/app/store/rule/essential-tasks", test_rule_essential_tasks);
  ADD ("/app/store/rule/end-before-start", test_rule_end_before_start);
  ADD ("/app/store/rule/amendment-reason", test_rule_amend_reason);
  ADD ("/app/store/rule/unknown-visit", test_rule_unknown_visit);
  ADD ("/app/store/rule/invalid-body", test_rule_invalid_body);
  ADD ("/app/store/rule/cancel-and-roles", test_rule_cancel_and_roles);
  ADD ("/app/store/apply-page", test_apply_page_idempotent);
  ADD ("/app/store/apply-page-received", test_apply_page_received);
  ADD ("/app/store/sync-acked", test_sync_acked);
  ADD ("/app/store/quarantine", test_quarantine);
  return g_test_run ();
}
