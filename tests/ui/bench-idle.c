/* bench-idle.c: what a window costs while nobody touches it. Carelog on a
 * carer's one-year store (Today showing) and a plain libadwaita window (the
 * baseline, bench-idle-baseline) are each started, left to settle, then
 * watched for three periods of 20 s: wake-ups (context switches of all the
 * process's threads, from /proc) and CPU time (utime + stime). Figures are
 * medians of the periods, scaled to a minute.
 *
 * CARELOG_BENCH_IDLE_SECONDS changes the length of a period.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PERIODS 3
#define SETTLE_SECONDS 8

/* Context switches per thread (a thread that ends between two samples
 * takes its count with it), and the process's CPU time. */
typedef struct
{
  GHashTable *switches; /* thread id → count */
  guint64 cpu_ticks;
} Sample;

static guint64
field_after (const char *text,
             const char *key)
{
  const char *line = strstr (text, key);

  return line != NULL ? g_ascii_strtoull (line + strlen (key), NULL, 10) : 0;
}

static Sample
sample_process (const char *pid)
{
  Sample sample = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), 0 };
  g_autofree char *task_dir = g_build_filename ("/proc", pid, "task", NULL);
  g_autofree char *stat_path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *stat = NULL;
  g_autoptr(GDir) dir = g_dir_open (task_dir, 0, NULL);
  const char *task;

  while (dir != NULL && (task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, task, "status", NULL);
      g_autofree char *status = NULL;

      guint64 switches;

      if (!g_file_get_contents (path, &status, NULL, NULL))
        continue;
      switches = field_after (status, "\nvoluntary_ctxt_switches:")
                 + field_after (status, "\nnonvoluntary_ctxt_switches:");
      g_hash_table_insert (sample.switches, g_strdup (task), GSIZE_TO_POINTER (switches));
    }
  /* Fields 14 and 15 of /proc/PID/stat, after the command in parentheses. */
  if (g_file_get_contents (stat_path, &stat, NULL, NULL))
    {
      const char *p = strrchr (stat, ')');
      g_auto(GStrv) fields = p != NULL ? g_strsplit (p + 2, " ", 0) : NULL;

      if (fields != NULL && g_strv_length (fields) > 13)
        sample.cpu_ticks = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
    }
  return sample;
}

/* Switches made between two samples by the threads alive at the second. */
static guint64
switches_between (Sample *before,
                  Sample *after)
{
  GHashTableIter iter;
  gpointer task, count;
  guint64 total = 0;

  g_hash_table_iter_init (&iter, after->switches);
  while (g_hash_table_iter_next (&iter, &task, &count))
    total += GPOINTER_TO_SIZE (count) - GPOINTER_TO_SIZE (g_hash_table_lookup (before->switches, task));
  return total;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values)
{
  qsort (values, PERIODS, sizeof (double), compare_double);
  return values[PERIODS / 2];
}

typedef struct
{
  double wakeups_per_minute;
  double cpu_percent;
} Figures;

static Figures
measure (const char * const *argv,
         const char          *what,
         guint                period_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  double wakes[PERIODS], cpu[PERIODS];
  const char *pid;
  long ticks_per_s = sysconf (_SC_CLK_TCK);
  Figures figures;

  g_assert_no_error (error);
  pid = g_subprocess_get_identifier (process);
  g_usleep (SETTLE_SECONDS * G_USEC_PER_SEC);
  for (guint i = 0; i < PERIODS; i++)
    {
      Sample before = sample_process (pid);
      Sample after;

      g_usleep (period_s * G_USEC_PER_SEC);
      after = sample_process (pid);
      wakes[i] = switches_between (&before, &after) * 60.0 / period_s;
      cpu[i] = 100.0 * (after.cpu_ticks - before.cpu_ticks) / ticks_per_s / period_s;
      g_hash_table_unref (before.switches);
      g_hash_table_unref (after.switches);
      g_print ("# %s, period %u: %.0f wake-ups/min, %.2f %% CPU\n", what, i + 1, wakes[i], cpu[i]);
    }
  g_assert_false (g_subprocess_get_if_exited (process));
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  figures.wakeups_per_minute = median (wakes);
  figures.cpu_percent = median (cpu);
  return figures;
}

int
main (int   argc,
      char *argv[])
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  const char *period_env = g_getenv ("CARELOG_BENCH_IDLE_SECONDS");
  guint period_s = period_env != NULL ? (guint) atoi (period_env) : 20;
  g_autofree char *app = g_build_filename (build != NULL ? build : ".", "ui", "carelog", NULL);
  g_autofree char *baseline = g_build_filename (build != NULL ? build : ".", "tests", "ui",
                                                "bench-idle-baseline", NULL);
  g_autofree char *gen = g_build_filename (build != NULL ? build : ".", "tests", "app", "carelog-gen", NULL);
  g_autofree char *dir = g_dir_make_tmp ("carelog-bench-idle-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "carelog.db", NULL);
  const char *gen_args[] = { gen, "carer", path, NULL };
  const char *app_args[] = { app, "--store", path, NULL };
  const char *baseline_args[] = { baseline, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  Figures base, carelog;

  g_assert_nonnull (dir);
  g_assert_true (period_s > 0);
  g_spawn_sync (NULL, (char **) gen_args, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  base = measure (baseline_args, "plain libadwaita window", period_s);
  carelog = measure (app_args, "carelog, one-year store, Today", period_s);
  g_print ("idle-baseline [plain libadwaita window]: median %.0f wake-ups a minute, %.2f %% of a core (%d periods of %u s)\n",
           base.wakeups_per_minute, base.cpu_percent, PERIODS, period_s);
  g_print ("idle-carelog [one-year store, Today]: median %.0f wake-ups a minute (%+.0f against the baseline), %.2f %% of a core (%+.2f points) (%d periods of %u s)\n",
           carelog.wakeups_per_minute, carelog.wakeups_per_minute - base.wakeups_per_minute,
           carelog.cpu_percent, carelog.cpu_percent - base.cpu_percent, PERIODS, period_s);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (path, (const char *[]) { "", "-wal", "-shm" }[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
  return 0;
}
