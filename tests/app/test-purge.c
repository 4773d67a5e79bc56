/* test-purge.c: retention on a carer's tablet removes exactly what it
 * should, and the append-only rule allows nothing else.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-store-private.h"
#include "test-util.h"

#define T0 G_GINT64_CONSTANT (1795000000000) /* 2026-11-19 */
#define MIN_MS (60 * 1000)
#define DAY_MS (G_GINT64_CONSTANT (24) * 3600 * 1000)

typedef struct
{
  char *dir;
  TestClock clock;
  CareStore *store;
  char *kept_query, *kept_unsent, *kept_recent, *kept_open, *gone, *gone_cancelled;
} Fixture;

static CareEvent *
received (CareEvent *e,
          gint64     at)
{
  e->received = at;
  return e;
}

static void
roster (Fixture *f)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *s1 = g_strdup_printf ("{\"schedule\":\"s1\",\"client\":\"c1\",\"carer\":\"member-t\",\"start\":%"
                                         G_GINT64_FORMAT ",\"minutes\":60,\"service\":\"home care\"}", T0);
  g_autofree char *s2 = g_strdup_printf ("{\"schedule\":\"s2\",\"client\":\"c1\",\"carer\":\"member-t\",\"start\":%"
                                         G_GINT64_FORMAT ",\"minutes\":60,\"service\":\"home care\"}", T0 + 40 * DAY_MS);

  g_ptr_array_add (page, received (test_roster_event ("member.set", 1, 1, "{\"member\":\"member-t\",\"name\":\"Ana Lima\",\"role\":\"carer\",\"active\":true}"), T0));
  g_ptr_array_add (page, received (test_roster_event ("client.set", 2, 2, "{\"client\":\"c1\",\"name\":\"Rose Field\",\"address\":\"1 High St\",\"active\":true}"), T0));
  g_ptr_array_add (page, received (test_roster_event ("assignment.set", 3, 3, "{\"client\":\"c1\",\"carer\":\"member-t\",\"active\":true}"), T0));
  g_ptr_array_add (page, received (test_roster_event ("schedule.set", 4, 4, s1), T0));
  g_ptr_array_add (page, received (test_roster_event ("schedule.set", 5, 5, s2), T0));
  g_assert_true (care_store_apply_page (f->store, page, "cursor-1", &error));
  g_assert_no_error (error);
}

static char *
visit (Fixture    *f,
       const char *schedule,
       const char *note,
       gboolean    finish)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n = NULL;
  char *v = care_store_check_in (f->store, "c1", schedule, NULL, NULL, &error);

  g_assert_no_error (error);
  f->clock.now += 10 * MIN_MS;
  n = care_store_add_note (f->store, v, "wellbeing", note, &error);
  g_assert_no_error (error);
  if (finish)
    {
      f->clock.now += 10 * MIN_MS;
      g_assert_true (care_store_check_out (f->store, v, &error));
      g_assert_no_error (error);
    }
  return v;
}

/* The co-op acknowledged everything so far, received now (a push answer's "q"). */
static void
acked (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CareReceipt receipt = { 1, 1000, f->clock.now };

  g_assert_true (care_store_mark_acked_received (f->store, 1000, &receipt, 1, &error));
  g_assert_no_error (error);
}

static void
supervisor_review (Fixture    *f,
                   const char *v,
                   const char *action,
                   gint64      seq)
{
  TestDevice super = { "dev-super", "member-super", seq - 1, 0 };
  CareEvent *e = test_device_event (&super, f->clock.now, "review.added",
                                    "{\"review\":\"r-%s\",\"visit\":\"%s\",\"action\":\"%s\",\"message\":\"Please check the end time\"}",
                                    v, v, action);

  test_apply (f->store, received (e, f->clock.now));
}

static gint64
count (CareStore  *store,
       const char *sql,
       const char *arg)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gboolean
try_delete (CareStore  *store,
            const char *subject)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (store->db, "DELETE FROM events WHERE subject = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = test_dir_new ();
  f->clock.now = T0 + 2 * MIN_MS;
  f->store = test_store_open (f->dir, "t", CARE_ROLE_CARER, &f->clock);
  roster (f);

  /* Delivered 20 days ago and approved: goes. */
  f->gone = visit (f, "s1", "Gone: she enjoyed the garden.", TRUE);
  /* Delivered 20 days ago and cancelled: goes. */
  f->gone_cancelled = visit (f, NULL, "Gone too: nobody answered the door.", FALSE);
  g_assert_true (care_store_cancel_visit (f->store, f->gone_cancelled, NULL, "Client in hospital", &error));
  g_assert_no_error (error);
  /* Delivered 20 days ago but queried and not answered: stays. */
  f->kept_query = visit (f, NULL, "Kept: the query is open.", TRUE);
  /* Still in progress: stays. */
  f->kept_open = visit (f, NULL, "Kept: still in progress.", FALSE);
  acked (f);
  f->clock.now += 10 * MIN_MS;
  supervisor_review (f, f->gone, "approve", 1);
  supervisor_review (f, f->kept_query, "query", 2);

  /* Delivered 5 days ago: stays. */
  f->clock.now += 15 * DAY_MS;
  f->kept_recent = visit (f, NULL, "Kept: delivered recently.", TRUE);
  acked (f);
  /* Never delivered: stays, however old. */
  f->kept_unsent = visit (f, NULL, "Kept: not delivered yet.", TRUE);
  f->clock.now += 5 * DAY_MS;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  g_free (f->gone);
  g_free (f->gone_cancelled);
  g_free (f->kept_query);
  g_free (f->kept_open);
  g_free (f->kept_recent);
  g_free (f->kept_unsent);
  test_dir_free (f->dir);
}

static const char SQL_EVENTS_OF[] = "SELECT count(*) FROM events WHERE subject = ?";
static const char SQL_VISIT_ROW[] = "SELECT count(*) FROM visits WHERE vkey = ?";
static const char SQL_NOTES_OF[] = "SELECT count(*) FROM notes WHERE visit = ?";

static void
test_purge_exactly (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *after = NULL;
  g_autofree char *rebuilt = NULL;
  const char *kept[] = { f->kept_query, f->kept_open, f->kept_recent, f->kept_unsent };
  gint64 kept_events[G_N_ELEMENTS (kept)];
  gint64 roster_before = count (f->store, "SELECT count(*) FROM events WHERE type IN ('member.set','client.set','assignment.set')", NULL);
  guint purged, total = 0, rounds = 0;

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    kept_events[i] = count (f->store, SQL_EVENTS_OF, kept[i]);
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, f->gone), >, 3);

  /* Small batches: one visit (and one schedule) at a time. */
  do
    {
      g_assert_true (care_store_purge (f->store, 1, &purged, &error));
      g_assert_no_error (error);
      total += purged;
      rounds++;
    }
  while (purged > 0);
  /* Two visits and schedule s1 (ended, its visit gone); s2 is in the future. */
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpuint (rounds, ==, 3);

  for (guint i = 0; i < 2; i++)
    {
      const char *v = i == 0 ? f->gone : f->gone_cancelled;

      g_assert_cmpint (count (f->store, SQL_EVENTS_OF, v), ==, 0);
      g_assert_cmpint (count (f->store, SQL_VISIT_ROW, v), ==, 0);
      g_assert_cmpint (count (f->store, SQL_NOTES_OF, v), ==, 0);
    }
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM reviews WHERE visit = ?", f->gone), ==, 0);
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, "s1"), ==, 0);
  g_assert_cmpint (count (f->store, SQL_VISIT_ROW, "schedule:s1"), ==, 0);
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, "s2"), ==, 1);
  hits = care_store_search_notes (f->store, "garden", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_assert_cmpint (count (f->store, SQL_EVENTS_OF, kept[i]), ==, kept_events[i]);
      g_assert_cmpint (count (f->store, SQL_VISIT_ROW, kept[i]), ==, 1);
      g_assert_cmpint (count (f->store, SQL_NOTES_OF, kept[i]), ==, 1);
    }
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events WHERE type IN ('member.set','client.set','assignment.set')", NULL),
                   ==, roster_before);

  /* The derived state is what the remaining records make: no phantom
   * "missed" visit for the purged one's schedule after a rebuild. */
  after = care_store_dump_derived (f->store, &error);
  g_assert_no_error (error);
  g_assert_true (care_store_rebuild_derived (f->store, &error));
  g_assert_no_error (error);
  rebuilt = care_store_dump_derived (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, rebuilt);
}

static void
test_nothing_else (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The rule refuses any other deletion: kept visits, the roster, and a
   * visit that would go at the next purge but not before the purge says so
   * (purge_before not set yet). */
  for (guint i = 0; i < 4; i++)
    {
      const char *v = (const char *[]) { f->kept_query, f->kept_open, f->kept_recent, f->kept_unsent }[i];

      g_assert_false (try_delete (f->store, v));
    }
  g_assert_false (try_delete (f->store, "c1"));
  g_assert_false (try_delete (f->store, f->gone));
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, f->gone), >, 3);
}

static void
test_supervisor_keeps (void)
{
  g_autofree char *dir = test_dir_new ();
  TestClock clock = { T0 };
  g_autoptr(CareStore) store = test_store_open (dir, "s", CARE_ROLE_SUPERVISOR, &clock);
  TestDevice carer = { "dev-t", "member-t", 0, 0 };
  g_autoptr(GError) error = NULL;
  guint purged = 1;

  test_apply (store, received (test_device_event (&carer, T0, "visit.started",
                                                  "{\"visit\":\"v1\",\"client\":\"c1\",\"service\":\"home care\",\"at\":%" G_GINT64_FORMAT "}", T0), T0));
  test_apply (store, received (test_device_event (&carer, T0 + MIN_MS, "visit.finished",
                                                  "{\"visit\":\"v1\",\"at\":%" G_GINT64_FORMAT "}", T0 + MIN_MS), T0));
  clock.now += 365 * DAY_MS;
  g_assert_true (care_store_set_meta (store, "purge_before", "99999999999999", &error));
  g_assert_true (care_store_purge (store, 10, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 0);
  g_assert_false (try_delete (store, "v1"));
  g_assert_cmpint (count (store, SQL_EVENTS_OF, "v1"), ==, 2);
  g_clear_object (&store);
  test_dir_free (g_steal_pointer (&dir));
}

static void
test_retention_setting (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint purged;

  g_assert_cmpuint (care_store_get_retention_days (f->store), ==, CARE_STORE_RETENTION_DAYS);
  /* The co-op keeps 30 days: nothing is old enough yet. */
  g_assert_true (care_store_set_meta (f->store, "retention_days", "30", &error));
  g_assert_true (care_store_purge (f->store, 10, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 0);
  /* 2 days: the recent one goes too. */
  g_assert_true (care_store_set_meta (f->store, "retention_days", "2", &error));
  g_assert_true (care_store_purge (f->store, 10, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, f->kept_recent), ==, 0);
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, f->kept_unsent), >, 0);
  g_assert_cmpint (count (f->store, SQL_EVENTS_OF, f->kept_query), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/purge/exactly", test_purge_exactly);
  ADD ("/app/purge/nothing-else", test_nothing_else);
  ADD ("/app/purge/setting", test_retention_setting);
  g_test_add_func ("/app/purge/supervisor-keeps", test_supervisor_keeps);
  return g_test_run ();
}
