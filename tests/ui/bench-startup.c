/* bench-startup.c: cold start of carelog to its first drawn frame with a
 * year of visits (about 2,500), and resident memory after opening a visit.
 * Targets on the reference machine: under 600 ms and under 120 MB.
 *
 * Each run is a new carelog process (`carelog --store PATH`, CARELOG_BENCH=1)
 * timed from spawn to the line it prints after the first frame showing
 * Today has been drawn; the page cache is warm after the first run (the
 * benchmark does not drop caches on a shared machine).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "care-store.h"

#define RUNS 9
#define DAYS 365
#define VISITS_PER_DAY 7

static gint64 clock_ms;

static gint64
fake_clock (gpointer user_data)
{
  return clock_ms;
}

static CareEvent *
roster_event (gint64      seq,
              gint64      now,
              const char *type,
              const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"id\":\"coop-%08" G_GINT64_FORMAT "\",\"device\":\"coop\","
                                           "\"seq\":%" G_GINT64_FORMAT ",\"author\":\"m-admin\","
                                           "\"hlc\":%" G_GINT64_FORMAT ",\"wall\":%" G_GINT64_FORMAT ","
                                           "\"type\":\"%s\",\"body\":%s}",
                                           seq, seq, now << 16, now, type, body);
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  CareEvent *event;

  g_assert_no_error (error);
  event = care_event_from_json (node, &error);
  g_assert_no_error (error);
  return event;
}

static gint64
day_at (GDateTime *today,
        int        days_back,
        int        minute_of_day)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (today, -days_back);
  g_autoptr(GDateTime) at = g_date_time_new_local (g_date_time_get_year (day),
                                                   g_date_time_get_month (day),
                                                   g_date_time_get_day_of_month (day),
                                                   minute_of_day / 60, minute_of_day % 60, 0);

  return g_date_time_to_unix (at) * 1000;
}

/* A carer's year: 12 clients, 7 visits a day, tasks, a note most visits. */
static char *
generate (const char *path,
          guint      *n_visits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  gint64 now = g_get_real_time () / 1000;
  gint64 seq = 0;
  char *last_visit = NULL;

  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (store, "dev-bench", "m-carer", CARE_ROLE_CARER, &error));
  g_ptr_array_add (events, roster_event (++seq, now - 86400000LL * 400, "member.set",
                                         "{\"member\":\"m-carer\",\"name\":\"Aisha Khan\",\"role\":\"carer\",\"active\":true}"));
  for (int c = 0; c < 12; c++)
    {
      g_autofree char *client = g_strdup_printf ("{\"client\":\"c-%d\",\"name\":\"Client %d\",\"address\":\"%d Mill Lane\",\"active\":true}", c, c, c + 1);
      g_autofree char *plan = g_strdup_printf ("{\"client\":\"c-%d\",\"tasks\":["
                                               "{\"task\":\"t-1\",\"label\":\"Prompt medication\",\"essential\":true},"
                                               "{\"task\":\"t-2\",\"label\":\"Help with washing\",\"essential\":true},"
                                               "{\"task\":\"t-3\",\"label\":\"Prepare a meal\",\"essential\":false}]}", c);
      g_autofree char *assign = g_strdup_printf ("{\"client\":\"c-%d\",\"carer\":\"m-carer\",\"active\":true}", c);

      g_ptr_array_add (events, roster_event (++seq, now - 86400000LL * 400, "client.set", client));
      g_ptr_array_add (events, roster_event (++seq, now - 86400000LL * 400, "careplan.set", plan));
      g_ptr_array_add (events, roster_event (++seq, now - 86400000LL * 400, "assignment.set", assign));
    }
  for (int d = DAYS - 1; d >= 0; d--)
    for (int v = 0; v < VISITS_PER_DAY; v++)
      {
        g_autofree char *body = g_strdup_printf ("{\"schedule\":\"s-%d-%d\",\"client\":\"c-%d\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT ",\"minutes\":45,\"service\":\"personal-care\"}",
                                                 d, v, (d + v) % 12, day_at (today, d, 7 * 60 + v * 100));

        g_ptr_array_add (events, roster_event (++seq, now - 86400000LL * 400, "schedule.set", body));
      }
  g_assert_true (care_store_apply_page (store, events, "bench", &error));
  g_assert_no_error (error);

  care_store_set_clock (store, fake_clock, NULL);
  *n_visits = 0;
  for (int d = DAYS - 1; d >= 0; d--)
    for (int v = 0; v < VISITS_PER_DAY; v++)
      {
        gint64 start = day_at (today, d, 7 * 60 + v * 100) + 60000 * ((d * 7 + v) % 11);
        g_autofree char *schedule = g_strdup_printf ("s-%d-%d", d, v);
        g_autofree char *client = g_strdup_printf ("c-%d", (d + v) % 12);
        g_autofree char *visit = NULL;
        g_autofree char *note = NULL;

        if (d == 0 && start > now)
          break;
        clock_ms = start;
        visit = care_store_check_in (store, client, schedule, "personal-care", NULL, &error);
        g_assert_no_error (error);
        clock_ms += 5 * 60000;
        g_assert_true (care_store_answer_task (store, visit, "t-1", TRUE, NULL, &error));
        g_assert_true (care_store_answer_task (store, visit, "t-2", TRUE, NULL, &error));
        g_assert_true (care_store_answer_task (store, visit, "t-3", v % 3 != 0, v % 3 != 0 ? NULL : "Not hungry", &error));
        if (v % 4 != 3)
          {
            clock_ms += 20 * 60000;
            note = care_store_add_note (store, visit, v % 2 ? "wellbeing" : "personal-care",
                                        "Settled and comfortable; ate well and talked about the garden. Skin checked, no concerns.",
                                        &error);
            g_assert_no_error (error);
          }
        clock_ms = start + 45 * 60000;
        g_assert_true (care_store_check_out (store, visit, &error));
        g_assert_no_error (error);
        (*n_visits)++;
        g_free (last_visit);
        last_visit = g_strdup (visit);
      }
  return last_visit;
}

/* A visit done today (or the latest one) to open, and how many there are. */
static char *
pick_visit (const char *path,
            guint      *n_visits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) visits = NULL;
  CareVisitFilter filter = { 0 };
  CareVisitFilter all = { 0 };
  char *visit = NULL;

  g_assert_no_error (error);
  filter.review = -1;
  filter.limit = 1;
  filter.to = care_store_now (store);
  visits = care_store_list_visits (store, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < visits->len && visit == NULL; i++)
    visit = g_strdup (((CareVisitSummary *) visits->pdata[i])->visit);
  g_assert_nonnull (visit);
  /* Count in pages, as the review list does. */
  all.review = -1;
  all.limit = 10000;
  *n_visits = 0;
  for (;;)
    {
      g_autoptr(GPtrArray) page = care_store_list_visits (store, &all, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->len; i++)
        if (((CareVisitSummary *) page->pdata[i])->visit != NULL)
          (*n_visits)++;
      if (page->len < all.limit)
        break;
      all.offset += all.limit;
    }
  return visit;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint index;

  g_array_sort (values, compare_double);
  index = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, MIN (index, values->len - 1));
}

int
main (int   argc,
      char *argv[])
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  g_autofree char *app = g_build_filename (build != NULL ? build : ".", "ui", "carelog", NULL);
  const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
  g_autofree char *template = g_build_filename (base, "carelog-bench-XXXXXX", NULL);
  g_autofree char *dir = g_mkdtemp (template) ? g_strdup (template) : NULL;
  g_autofree char *path = NULL;
  g_autofree char *visit = NULL;
  g_autoptr(GArray) start_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rss_mb = g_array_new (FALSE, FALSE, sizeof (double));
  /* NULL: the app's own choice (cairo when the machine has no GPU device,
   * see care_application_choose_renderer), then GL and cairo forced. */
  const char *renderers[] = { NULL, "gl", "cairo" };
  const char *renderer_names[] = { "app's choice", "GL renderer", "cairo renderer" };
  guint n_visits = 0;
  g_autofree char *gen = NULL;
  g_autofree char *empty_path = NULL;
  g_autoptr(GArray) ready_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double baseline_ms = 1;
  gint64 t0;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (dir);
  path = g_build_filename (dir, "carelog.db", NULL);
  t0 = g_get_monotonic_time ();
  gen = g_build_filename (build != NULL ? build : ".", "tests", "app", "carelog-gen", NULL);
  if (g_file_test (gen, G_FILE_TEST_IS_EXECUTABLE))
    {
      /* The store helper's generator: the shared "one-year carer" store. */
      g_autoptr(GError) error = NULL;
      const char *gen_args[] = { gen, "carer", path, NULL };
      int status = 0;

      g_spawn_sync (NULL, (char **) gen_args, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      visit = pick_visit (path, &n_visits);
      g_print ("# store: carelog-gen carer, %u visits, generated in %.1f s (%s)\n", n_visits,
               (g_get_monotonic_time () - t0) / 1e6, path);
    }
  else
    {
      visit = generate (path, &n_visits);
      g_print ("# store: %u visits over %d days, generated in %.1f s (%s)\n", n_visits, DAYS,
               (g_get_monotonic_time () - t0) / 1e6, path);
    }

  /* The app's choice, GTK's GL renderer (llvmpipe under Xvfb, which alone
   * maps about 70 MB) and the cairo renderer, in the same run. */
  empty_path = g_build_filename (dir, "empty.db", NULL);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CareStore) empty = care_store_open (empty_path, &error);

    g_assert_no_error (error);
  }

  for (guint r = 0; r < G_N_ELEMENTS (renderers); r++)
  for (guint k = 0; k < 2; k++)
  {
  const char *store_path = k == 0 ? empty_path : path;
  const char *store_name = k == 0 ? "empty store (first run), baseline" : "one-year store";

  g_array_set_size (start_ms, 0);
  g_array_set_size (rss_mb, 0);
  g_array_set_size (ready_ms, 0);
  for (int run = 0; run < RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      double frame_ms = -1, kb = -1, in_process_ms = 0, ready = 0;
      double anon_kb = -1, file_kb = -1, shmem_kb = -1;
      char *line;

      g_subprocess_launcher_setenv (launcher, "CARELOG_BENCH", "1", TRUE);
      if (k == 1)
        g_subprocess_launcher_setenv (launcher, "CARELOG_BENCH_VISIT", visit, TRUE);
      if (renderers[r] != NULL)
        g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", renderers[r], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
      t0 = g_get_monotonic_time ();
      process = g_subprocess_launcher_spawn (launcher, &error, app, "--store", store_path, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
      /* Timed from outside, from spawn to the line printed after the
       * first frame: exec, linking and GTK's start-up are included. */
      while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL)
        {
          if (g_str_has_prefix (line, "first-frame-ms "))
            {
              frame_ms = (g_get_monotonic_time () - t0) / 1000.0;
              in_process_ms = g_ascii_strtod (line + 15, NULL);
            }
          else if (g_str_has_prefix (line, "rss-kb "))
            kb = g_ascii_strtod (line + 7, NULL);
          else if (g_str_has_prefix (line, "rss-anon-kb "))
            anon_kb = g_ascii_strtod (line + 12, NULL);
          else if (g_str_has_prefix (line, "rss-file-kb "))
            file_kb = g_ascii_strtod (line + 12, NULL);
          else if (g_str_has_prefix (line, "rss-shmem-kb "))
            shmem_kb = g_ascii_strtod (line + 13, NULL);
          else if (g_str_has_prefix (line, "store-ready-ms "))
            ready = g_ascii_strtod (line + 15, NULL);
          g_free (line);
        }
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait_check (process, NULL, &error));
      g_assert_no_error (error);
      if (frame_ms < 0 || kb < 0)
        g_error ("carelog did not report its first frame and memory");
      /* Where the resident memory is: the heap, mapped files (libraries;
       * libLLVM under llvmpipe) and shared memory (X shared images). */
      g_print ("# %s, %s, run %d: first frame %.0f ms after spawn (%.0f ms after main, store open and Today filled at %.0f ms), rss %.1f MB (anonymous %.1f, files %.1f, shared %.1f)\n",
               renderer_names[r], store_name, run, frame_ms, in_process_ms, ready, kb / 1024,
               anon_kb / 1024, file_kb / 1024, shmem_kb / 1024);
      g_array_append_val (ready_ms, ready);
      g_array_append_val (start_ms, frame_ms);
      kb /= 1024;
      g_array_append_val (rss_mb, kb);
    }
  if (k == 0)
    {
      baseline_ms = percentile (start_ms, 0.5);
      g_print ("baseline [%s, %s]: first frame median %.0f ms, p99 %.0f ms; rss median %.1f MB\n",
               renderer_names[r], store_name, baseline_ms, percentile (start_ms, 0.99),
               percentile (rss_mb, 0.5));
      continue;
    }
  g_print ("startup-to-first-frame [%s, %s]: median %.0f ms, p99 %.0f ms, %.2fx the empty-store baseline; store opened and Today filled at median %.0f ms (target < 600 ms, %d runs)\n",
           renderer_names[r], store_name, percentile (start_ms, 0.5), percentile (start_ms, 0.99),
           percentile (start_ms, 0.5) / baseline_ms, percentile (ready_ms, 0.5), RUNS);
  g_print ("rss-after-opening-a-visit [%s, %s]: median %.1f MB, p99 %.1f MB (target < 120 MB)\n",
           renderer_names[r], store_name, percentile (rss_mb, 0.5), percentile (rss_mb, 0.99));
  }
  g_unlink (path);
  g_unlink (empty_path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return 0;
}
