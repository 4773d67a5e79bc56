/* test-review-bench.c: the supervisor's workspace on a 1,000,000-event store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measures, on the co-op-sized store made by the store's generator
 * (tests/app/carelog-gen.c; or CARELOG_BENCH_STORE=path to reuse one):
 *   - changing a filter: from setting it on the review list model to its
 *     first page and exception counts being read (worker thread, as in the
 *     app), over a mix of filters (target < 100 ms); also the time to the
 *     first rows alone (the counts arrive after them);
 *   - opening a visit: care_store_get_visit through the reader, as the
 *     detail page does (target < 50 ms);
 *   - a week's timesheets for every carer (200): care_timesheet_read_week
 *     (target < 500 ms);
 *   - exporting a month: visits CSV and payroll hours CSV to a file
 *     (target < 2 s for both together).
 * Prints the median and the 99th percentile of each.
 */
#include "care-config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "care-export.h"
#include "care-reader.h"
#include "care-review-model.h"
#include "care-timesheet.h"

typedef struct
{
  GArray *ms;
  const char *name;
  double target;
} Series;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (Series *s)
{
  double median, p99;
  guint n = s->ms->len;

  g_array_sort (s->ms, compare_doubles);
  median = g_array_index (s->ms, double, n / 2);
  p99 = g_array_index (s->ms, double, MIN (n - 1, (guint) (n * 0.99)));
  printf ("# %-28s median %8.1f ms  p99 %8.1f ms  (n=%u, target < %.0f ms) %s\n", s->name, median,
          p99, n, s->target, median < s->target ? "OK" : "OVER TARGET");
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* The store -------------------------------------------------------------- */

/* The generated store is kept in the build directory and reused by later
 * runs (the generator is deterministic); delete it to make a new one. */
static char *
bench_store_path (void)
{
  const char *given = g_getenv ("CARELOG_BENCH_STORE");
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  g_autofree char *gen = NULL;
  g_autofree char *path = NULL;
  g_autofree char *partial = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (given != NULL)
    return g_strdup (given);
  gen = g_build_filename (build ? build : ".", "tests", "app", "carelog-gen", NULL);
  path = g_build_filename (build ? build : ".", "tests", "ui", "review-bench-1m.db", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  if (!g_file_test (gen, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;
  /* Generated under another name and renamed when complete, so that an
   * interrupted run never leaves a half-made store to be reused. */
  partial = g_strconcat (path, ".partial", NULL);
  g_unlink (partial);
  {
    const char *argv[] = { gen, "supervisor", partial, "--events", "1000000", NULL };
    double t0 = now_ms ();

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
    printf ("# generated %s in %.1f s\n", path, (now_ms () - t0) / 1000);
  }
  {
    g_autoptr(CareStore) store = care_store_open (partial, &error);

    /* Checkpoint the WAL into the file before renaming it. */
    g_assert_no_error (error);
  }
  g_assert_cmpint (g_rename (partial, path), ==, 0);
  for (const char *const *suffix = (const char *const[]) { "-wal", "-shm", "-session", NULL };
       *suffix != NULL; suffix++) {
    g_autofree char *extra = g_strconcat (partial, *suffix, NULL);

    g_unlink (extra);
  }
  return g_steal_pointer (&path);
}

/* Waiting on the worker thread ------------------------------------------- */

static gboolean
model_loading (CareReviewModel *model)
{
  return care_review_model_get_loading (model);
}

static void
iterate_until_loaded (CareReviewModel *model)
{
  while (model_loading (model))
    g_main_context_iteration (NULL, TRUE);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  double     *first_rows)
{
  if (added > 0 && *first_rows == 0)
    *first_rows = now_ms ();
}

static gpointer
read_visit (CareStore *store,
            gpointer   data,
            GError   **error)
{
  return care_store_get_visit (store, data, error);
}

static void
visit_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareVisitDetail) detail = care_reader_run_finish (CARE_READER (source), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (detail);
  *(gboolean *) user_data = TRUE;
}

/* The benchmark ---------------------------------------------------------- */

static void
bench (void)
{
  g_autofree char *path = bench_store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(CareReader) reader = NULL;
  g_autoptr(CareReviewModel) model = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) carers = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  Series filter_s = { g_array_new (FALSE, FALSE, sizeof (double)), "change a filter", 100 };
  Series rows_s = { g_array_new (FALSE, FALSE, sizeof (double)), "  first rows shown", 100 };
  double first_rows = 0;
  Series kind_s[7] = {
    { g_array_new (FALSE, FALSE, sizeof (double)), "  a week, exceptions first", 100 },
    { g_array_new (FALSE, FALSE, sizeof (double)), "  one carer, a month", 100 },
    { g_array_new (FALSE, FALSE, sizeof (double)), "  one client, all dates", 100 },
    { g_array_new (FALSE, FALSE, sizeof (double)), "  not reviewed, a month", 100 },
    { g_array_new (FALSE, FALSE, sizeof (double)), "  safeguarding, all dates", 100 },
    { g_array_new (FALSE, FALSE, sizeof (double)), "  any exception, a month", 100 },
    { g_array_new (FALSE, FALSE, sizeof (double)), "  everything, exceptions first", 100 },
  };
  Series open_s = { g_array_new (FALSE, FALSE, sizeof (double)), "open a visit", 50 };
  Series sheet_s = { g_array_new (FALSE, FALSE, sizeof (double)), "week's timesheets", 500 };
  Series export_s = { g_array_new (FALSE, FALSE, sizeof (double)), "export a month", 2000 };
  Series visits_s = { g_array_new (FALSE, FALSE, sizeof (double)), "  of which visits CSV", 2000 };
  Series hours_s = { g_array_new (FALSE, FALSE, sizeof (double)), "  of which hours CSV", 2000 };
  gint64 latest = 0, month_from, month_to, week_from = 0, week_to = 0;
  int iso_year, iso_week;
  guint n_sheets = 0;
  GDate last_day, first_day, week_day;

  if (path == NULL) {
    g_test_skip ("No 1,000,000-event store: build tests/app/carelog-gen or set CARELOG_BENCH_STORE");
    return;
  }
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  reader = care_reader_new (path);
  tz = care_store_get_timezone (store);

  /* The store's time span: the latest visit start, by the plain listing. */
  {
    CareVisitFilter all = { .review = -1, .limit = 1 };
    g_autoptr(GPtrArray) first = NULL;
    CareVisitFilter recent = { .review = -1, .limit = 100 };
    g_autoptr(GPtrArray) page = NULL;
    g_autoptr(GDateTime) utc = NULL;
    g_autoptr(GDateTime) local = NULL;

    first = care_store_list_visits (store, &all, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (first->len, >, 0);
    /* Walk back from "now" until a week with visits (the generator may
     * have placed its year anywhere). */
    latest = care_store_now (store);
    for (int back = 0; back < 520; back++) {
      recent.from = latest - (gint64) (back + 1) * 7 * 86400000;
      recent.to = latest - (gint64) back * 7 * 86400000;
      g_clear_pointer (&page, g_ptr_array_unref);
      page = care_store_list_visits (store, &recent, &error);
      g_assert_no_error (error);
      if (page->len > 0) {
        latest = recent.to;
        break;
      }
    }
    g_assert_cmpuint (page->len, >, 0);
    for (guint i = 0; i < page->len; i++) {
      const CareVisitSummary *s = g_ptr_array_index (page, i);

      if (s->visit != NULL)
        g_ptr_array_add (visits, g_strdup (s->visit));
    }
    utc = g_date_time_new_from_unix_utc (latest / 1000);
    local = g_date_time_to_timezone (utc, tz);
    g_date_clear (&last_day, 1);
    g_date_set_dmy (&last_day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                    g_date_time_get_year (local));
  }
  /* The last complete week and the last month before it. */
  week_day = last_day;
  g_date_subtract_days (&week_day, 7);
  care_timesheet_iso_week (&week_day, &iso_year, &iso_week);
  g_date_clear (&first_day, 1);
  g_date_set_dmy (&first_day, 1, g_date_get_month (&week_day), g_date_get_year (&week_day));
  {
    GDate end = first_day;

    g_date_add_months (&end, 1);
    g_date_subtract_days (&end, 1);
    last_day = end;
  }
  care_timesheet_day_range (tz, &first_day, &last_day, &month_from, &month_to);

  {
    GDate monday, sunday;

    care_timesheet_week_monday (iso_year, iso_week, &monday);
    sunday = monday;
    g_date_add_days (&sunday, 6);
    care_timesheet_day_range (tz, &monday, &sunday, &week_from, &week_to);
    carers = care_timesheet_list_carers (store, week_from, week_to, &error);
    g_assert_no_error (error);
    clients = care_store_list_clients (store, NULL, &error);
    g_assert_no_error (error);
    printf ("# store %s: %u carers with visits in week %d-W%02d, %u clients\n", path, carers->len,
            iso_year, iso_week, clients->len);
    g_assert_cmpuint (carers->len, >, 0);
    g_assert_cmpuint (clients->len, >, 0);
  }

  /* Changing a filter. */
  model = care_review_model_new (reader);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &first_rows);
  for (guint i = 0; i < 70; i++) {
    CareVisitFilter f = { .review = -1 };
    double t0;

    switch (i % 7) {
      case 0: /* the default view: a week, exceptions first */
        f.from = week_from;
        f.to = week_to;
        f.exceptions_first = TRUE;
        break;
      case 1: /* one carer, a month */
        f.carer = g_ptr_array_index (carers, i % carers->len);
        f.from = month_from;
        f.to = month_to;
        f.exceptions_first = TRUE;
        break;
      case 2: /* one client, all dates */
        f.client = g_ptr_array_index (clients, i % clients->len);
        f.exceptions_first = TRUE;
        break;
      case 3: /* not reviewed, a month */
        f.review = CARE_REVIEW_NONE;
        f.from = month_from;
        f.to = month_to;
        break;
      case 4: /* safeguarding concerns, all dates */
        f.flags_any = CARE_VISIT_FLAG_SAFEGUARDING;
        f.exceptions_first = TRUE;
        break;
      case 5: /* any exception, a month, exceptions first */
        f.flags_any = 0x7f;
        f.from = month_from;
        f.to = month_to;
        f.exceptions_first = TRUE;
        break;
      default: /* every visit of every date, exceptions first */
        f.exceptions_first = TRUE;
        break;
    }
    first_rows = 0;
    t0 = now_ms ();
    care_review_model_set_filter (model, &f);
    iterate_until_loaded (model);
    if (first_rows > 0)
      g_array_append_val (rows_s.ms, (double) { first_rows - t0 });
    g_array_append_val (filter_s.ms, (double) { now_ms () - t0 });
    g_array_append_val (kind_s[i % 7].ms, (double) { now_ms () - t0 });
  }

  /* Opening a visit. */
  for (guint i = 0; i < 100; i++) {
    gboolean done = FALSE;
    double t0 = now_ms ();

    care_reader_run_async (reader, read_visit,
                           g_strdup (g_ptr_array_index (visits, i % visits->len)), g_free,
                           (GDestroyNotify) care_visit_detail_free, NULL, visit_read_cb, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
    g_array_append_val (open_s.ms, (double) { now_ms () - t0 });
  }

  /* A week's timesheets for all carers. */
  for (guint i = 0; i < 10; i++) {
    double t0 = now_ms ();
    g_autoptr(GPtrArray) weeks = care_timesheet_read_week (store, iso_year, iso_week, &error);

    g_assert_no_error (error);
    n_sheets = weeks->len;
    g_array_append_val (sheet_s.ms, (double) { now_ms () - t0 });
  }
  printf ("# %u timesheets per week\n", n_sheets);

  /* Exporting a month. */
  for (guint i = 0; i < 5; i++) {
    g_autofree char *visits_path = g_build_filename (g_get_tmp_dir (), "carelog-bench-visits.csv",
                                                     NULL);
    g_autofree char *hours_path = g_build_filename (g_get_tmp_dir (), "carelog-bench-hours.csv",
                                                    NULL);
    g_autoptr(GFile) vf = g_file_new_for_path (visits_path);
    g_autoptr(GFile) hf = g_file_new_for_path (hours_path);
    g_autoptr(GFileOutputStream) vout = NULL;
    g_autoptr(GFileOutputStream) hout = NULL;
    CareVisitFilter month = { .review = -1, .from = month_from, .to = month_to };
    double t0 = now_ms (), t1, t2;
    goffset size;

    vout = g_file_replace (vf, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (care_export_visits_csv (store, &month, G_OUTPUT_STREAM (vout), &error));
    g_assert_no_error (error);
    g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (vout), NULL, &error));
    t1 = now_ms ();
    hout = g_file_replace (hf, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (care_export_hours_csv (store, NULL, &first_day, &last_day, FALSE,
                                          G_OUTPUT_STREAM (hout), &error));
    g_assert_no_error (error);
    g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (hout), NULL, &error));
    t2 = now_ms ();
    g_array_append_val (visits_s.ms, (double) { t1 - t0 });
    g_array_append_val (hours_s.ms, (double) { t2 - t1 });
    g_array_append_val (export_s.ms, (double) { t2 - t0 });
    if (i == 0) {
      g_autoptr(GFileInfo) vi = g_file_query_info (vf, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
      g_autoptr(GFileInfo) hi = g_file_query_info (hf, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);

      size = g_file_info_get_size (vi);
      printf ("# month export: visits CSV %" G_GOFFSET_FORMAT " bytes, hours CSV %" G_GOFFSET_FORMAT
              " bytes\n", size, g_file_info_get_size (hi));
    }
    g_unlink (visits_path);
    g_unlink (hours_path);
  }

  report (&filter_s);
  report (&rows_s);
  g_array_unref (rows_s.ms);
  for (guint k = 0; k < 7; k++) {
    report (&kind_s[k]);
    g_array_unref (kind_s[k].ms);
  }
  report (&open_s);
  report (&sheet_s);
  report (&export_s);
  report (&visits_s);
  report (&hours_s);
  for (Series *s = (Series[]) { filter_s, open_s, sheet_s, export_s, visits_s, hours_s }, *end = s + 6;
       s < end; s++)
    g_array_unref (s->ms);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/review", bench);
  return g_test_run ();
}
