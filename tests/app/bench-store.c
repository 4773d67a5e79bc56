/* bench-store.c: how fast the care log is, on this machine.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run with: meson test -C _build --suite bench --verbose bench-store
 *
 * Prints the median and 99th percentile of each operation over repeated
 * runs, and for the durable append the ratio to a baseline measured in the
 * same run on the same disk: a bare write of the same number of bytes
 * followed by fdatasync. Stores live in <builddir>/bench-cache: the
 * one-year carer store is written afresh each run; the 1,000,000-record
 * supervisor store is written once (about a minute) and reused.
 * Targets: append median < 1 ms; today view and weekly hours < 20 ms on
 * the one-year store; the 1M store opens in < 200 ms and answers a
 * filtered visit list in < 100 ms.
 */
#include "care-config.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "care-store-private.h"

typedef struct
{
  GArray *ms;
} Timer;

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples,
            double  p)
{
  guint i;

  g_array_sort (samples, cmp_double);
  i = (guint) (p * (samples->len - 1) + 0.5);
  return g_array_index (samples, double, MIN (i, samples->len - 1));
}

static double
report (const char *name,
        GArray     *samples,
        double      target_ms)
{
  double median = percentile (samples, 0.5);
  double p99 = percentile (samples, 0.99);

  printf ("%-44s median %8.3f ms   p99 %8.3f ms   (n=%u)%s\n", name, median, p99, samples->len,
          target_ms <= 0 ? "" : median < target_ms ? "   target met" : "   TARGET MISSED");
  return median;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

#define TIMED(samples, expr) \
  G_STMT_START { double _t, _d; _t = now_ms (); expr; _d = now_ms () - _t; g_array_append_val (samples, _d); } G_STMT_END

static char *
cache_dir (void)
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  char *dir = g_build_filename (build ? build : ".", "bench-cache", NULL);

  g_mkdir_with_parents (dir, 0755);
  return dir;
}

static void
remove_store (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-session" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);

      g_unlink (p);
    }
}

static void
generate (const char *kind,
          const char *path)
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  g_autofree char *gen = g_build_filename (build ? build : ".", "tests", "app", "carelog-gen", NULL);
  const char *argv[] = { gen, kind, path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The baseline: write `bytes` and fdatasync, as bare as it gets. */
static double
bench_baseline (const char *dir,
                gsize       bytes)
{
  g_autofree char *path = g_build_filename (dir, "baseline.bin", NULL);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *buf = g_malloc0 (bytes);
  g_autofree char *name = g_strdup_printf ("baseline: write %zu bytes + fdatasync", bytes);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (int i = 0; i < 300; i++)
    TIMED (samples, g_assert_cmpint (pwrite (fd, buf, bytes, (goffset) i * bytes), ==, (ssize_t) bytes);
                    fdatasync (fd));
  close (fd);
  g_unlink (path);
  return report (name, samples, 0);
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

static void
bench_carer (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "carer-1y.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GArray) append = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) today = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) week = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *visit = NULL;
  GDate day;
  goffset wal_before;
  double median, base;
  int n = 300;
  const char *tasks[] = { "meds", "meal", "wash" };

  remove_store (path);
  generate ("carer", path);
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  care_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  wal_before = file_size (wal);
  /* A carer's day, one action at a time: check in, three tasks, a note,
   * check out; each action is one durable commit. */
  for (int i = 0; i < n; i++)
    {
      g_autofree char *note = NULL;
      g_autofree char *id = NULL;
      gboolean ok = TRUE;

      switch (i % 6)
        {
        case 0:
          g_clear_pointer (&visit, g_free);
          TIMED (append, visit = care_store_check_in (store, "client-00001", NULL, "home care", NULL, &error));
          break;
        case 4:
          TIMED (append, note = care_store_add_note (store, visit, "wellbeing", "Cheerful, ate well, no concerns today.", &error));
          break;
        case 5:
          TIMED (append, ok = care_store_check_out (store, visit, &error));
          break;
        default:
          TIMED (append, ok = care_store_answer_task (store, visit, tasks[i % 6 - 1], TRUE, NULL, &error));
          break;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  median = report ("durable append (one user action, fsync'd)", append, 1.0);
  base = bench_baseline (dir, MAX (4096, (gsize) (file_size (wal) - wal_before) / n));
  printf ("%-44s %.2f× the bare write+fdatasync\n", "ratio: append / baseline", median / base);

  g_date_clear (&day, 1);
  g_date_set_time_t (&day, time (NULL));
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(CareWeekHours) w = NULL;

      TIMED (today, list = care_store_list_day (store, "carer-0000", &day, &error));
      g_assert_nonnull (list);
      TIMED (week, w = care_store_get_week_hours (store, "carer-0000", g_date_get_year (&day) - (i % 40 == 0),
                                                  1 + i % 50, &error));
      g_assert_nonnull (w);
    }
  report ("today view, one-year carer store", today, 20.0);
  report ("a week of hours, one-year carer store", week, 20.0);
  g_clear_object (&store);
  {
    g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (double));
    g_autofree char *label = g_strdup_printf ("open one-year store (%.0f MB, with quick_check)", file_size (path) / 1e6);

    for (int i = 0; i < 20; i++)
      {
        CareStore *s = NULL;

        TIMED (open, s = care_store_open (path, &error));
        g_assert_no_error (error);
        g_object_unref (s);
      }
    report (label, open, 200.0);
  }
}

static void
bench_bulk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bulk.db", NULL);
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  const int per_page = 2000;
  gint64 seq = 0;

  remove_store (path);
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  for (int p = 0; p < 10; p++)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

      for (int i = 0; i < per_page; i++)
        {
          CareEvent *e = care_event_new ();
          gint64 wall = G_GINT64_CONSTANT (1790000000000) + seq * 1000;
          g_autofree char *visit = g_strdup_printf ("v%" G_GINT64_FORMAT, seq / 4);

          e->seq = ++seq;
          e->id = care_id_new (wall);
          e->device = g_strdup ("tab-bulk");
          e->author = g_strdup ("carer-bulk");
          e->hlc = care_hlc_pack (wall, 0);
          e->wall = wall;
          e->body = json_object_new ();
          json_object_set_string_member (e->body, "visit", visit);
          if (seq % 4 == 1)
            {
              e->type = CARE_EVENT_VISIT_STARTED;
              json_object_set_string_member (e->body, "client", "c1");
              json_object_set_string_member (e->body, "service", "home care");
              json_object_set_int_member (e->body, "at", wall);
            }
          else
            {
              g_autofree char *note = g_strdup_printf ("n%" G_GINT64_FORMAT, seq);

              e->type = CARE_EVENT_NOTE_ADDED;
              json_object_set_string_member (e->body, "note", note);
              json_object_set_string_member (e->body, "category", "wellbeing");
              json_object_set_string_member (e->body, "text", "Cheerful, ate well, no concerns today.");
            }
          g_ptr_array_add (page, e);
        }
      TIMED (pages, g_assert_true (care_store_apply_page (store, page, NULL, &error)));
    }
  printf ("%-44s median %8.0f records/s (pages of %d, n=%u)\n", "bulk append (apply_page)",
          per_page / percentile (pages, 0.5) * 1000.0, per_page, pages->len);
  g_clear_object (&store);
  remove_store (path);
}

static void
bench_list (CareStore  *store,
            const char *name,
            CareVisitFilter *filter)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (int i = 0; i < 50; i++)
    {
      g_autoptr(GPtrArray) list = NULL;

      TIMED (samples, list = care_store_list_visits (store, filter, &error));
      g_assert_no_error (error);
      n = list->len;
    }
  {
    g_autofree char *label = g_strdup_printf ("1M: %s (%u rows)", name, n);

    report (label, samples, 100.0);
  }
}

static void
bench_supervisor (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "supervisor-1m.db", NULL);
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = NULL;
  gint64 now = g_get_real_time () / 1000, week = 7 * 24 * 3600 * G_GINT64_CONSTANT (1000);
  CareVisitFilter carer_week = { "carer-0042", NULL, now - week, now, -1, 0, FALSE, 0, 0 };
  CareVisitFilter exceptions = { NULL, NULL, now - 4 * week, now, -1,
                                 CARE_VISIT_FLAG_LATE_START | CARE_VISIT_FLAG_SHORT | CARE_VISIT_FLAG_SAFEGUARDING,
                                 TRUE, 0, 0 };
  CareVisitFilter all_first = { NULL, NULL, 0, 0, -1, 0, TRUE, 0, 0 };
  CareVisitFilter queried = { NULL, NULL, 0, 0, CARE_REVIEW_QUERIED, 0, FALSE, 0, 0 };
  CareVisitFilter client = { NULL, "client-00300", 0, 0, -1, 0, FALSE, 0, 0 };

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

      remove_store (tmp);
      printf ("writing the 1,000,000-record store once (cached in %s)…\n", dir);
      generate ("supervisor", tmp);
      g_assert_cmpint (g_rename (tmp, path), ==, 0);
      {
        g_autofree char *from = g_strconcat (tmp, "-session", NULL);
        g_autofree char *to = g_strconcat (path, "-session", NULL);

        g_rename (from, to);
      }
      remove_store (tmp);
    }
  printf ("%-44s %.0f MB\n", "1M store size", file_size (path) / 1e6);
  /* Untimed: migrates a store cached by an older build, warms the cache. */
  g_clear_object (&store);
  store = care_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  for (int i = 0; i < 20; i++)
    {
      CareStore *s = NULL;

      TIMED (open, s = care_store_open (path, &error));
      g_assert_no_error (error);
      g_object_unref (s);
    }
  report ("1M: open (header, schema, session checks)", open, 200.0);
  {
    g_autofree char *session = g_strconcat (path, "-session", NULL);
    g_autoptr(GArray) unclean = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) verify = g_array_new (FALSE, FALSE, sizeof (double));
    CareStore *s = NULL;

    /* As after a power cut: the last session never marked itself closed. */
    g_assert_true (g_file_set_contents (session, "open", -1, NULL));
    TIMED (unclean, s = care_store_open (path, &error));
    g_assert_no_error (error);
    TIMED (verify, g_assert_true (care_store_verify (s, &error)));
    g_object_unref (s);
    report ("1M: open after an unclean shutdown (quick_check)", unclean, 0);
    report ("1M: care_store_verify (full integrity_check)", verify, 0);
  }
  store = care_store_open (path, &error);
  bench_list (store, "one carer, one week", &carer_week);
  bench_list (store, "4 weeks, exception flags, exceptions first", &exceptions);
  bench_list (store, "everything, exceptions first, first 100", &all_first);
  bench_list (store, "open queries", &queried);
  bench_list (store, "one client, newest 100", &client);
  for (int i = 0; i < 20; i++)
    {
      gint64 c[7];

      TIMED (counts, g_assert_true (care_store_count_exceptions (store, &exceptions, c, &error)));
    }
  report ("1M: count exceptions, 4 weeks", counts, 100.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = cache_dir ();

  g_log_set_handler (NULL, G_LOG_LEVEL_MESSAGE, g_log_default_handler, NULL);
  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("Carelog store benchmarks (%s)\n", dir);
  bench_carer (dir);
  bench_bulk (dir);
  bench_supervisor (dir);
  return 0;
}
