/* bench-log.c: what the co-op log costs the server per request (suite
 * 'bench').
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tablet's sync asks for a checkpoint, a consistency proof and an
 * inclusion proof (POST /v1/log). The server keeps the log as a tree of
 * every complete subtree's hash (care_log_tree_*); the baseline, measured
 * in the same run, builds the same answer from the leaves alone, as the
 * first version did. Sizes: 10,000, 100,000 and 1,000,000 records
 * (CARELOG_BENCH_LOG_MAX to stop earlier). Medians over runs.
 */
#include "care-config.h"

#include <stdlib.h>
#include <string.h>

#include "care-server-log.h"
#include "server-fixture.h"

#define H CARE_LOG_HASH_SIZE

static double
answer_ms (CareLogTree  *tree,
           const guint8 *leaves,
           guint64       size)
{
  gint64 t0 = g_get_monotonic_time ();
  guint8 root[H];
  g_autoptr(GBytes) consistency = NULL;
  g_autoptr(GBytes) inclusion = NULL;

  if (tree != NULL)
    {
      care_log_tree_root (tree, size, root);
      consistency = care_log_tree_consistency_proof (tree, size, size - size / 3);
      inclusion = care_log_tree_inclusion_proof (tree, size, size - 7);
    }
  else
    {
      care_log_root (leaves, size, root);
      consistency = care_log_consistency_proof (leaves, size, size - size / 3);
      inclusion = care_log_inclusion_proof (leaves, size, size - 7);
    }
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int argc, char **argv)
{
  guint64 max = g_getenv ("CARELOG_BENCH_LOG_MAX") ? g_ascii_strtoull (g_getenv ("CARELOG_BENCH_LOG_MAX"), NULL, 10)
                                                  : 1000000;
  guint runs = g_getenv ("CARELOG_BENCH_RUNS") ? atoi (g_getenv ("CARELOG_BENCH_RUNS")) : 5;

  g_print ("1..1\n");
  for (guint64 size = 10000; size <= max; size *= 10)
    {
      g_autofree guint8 *leaves = g_malloc (size * H);
      g_autoptr(CareLogTree) tree = care_log_tree_new ();
      g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) rebuilt = g_array_new (FALSE, FALSE, sizeof (double));
      gint64 t0;
      double append_us;

      for (guint64 i = 0; i < size * H; i++)
        leaves[i] = (guint8) g_random_int ();
      t0 = g_get_monotonic_time ();
      for (guint64 i = 0; i < size; i++)
        care_log_tree_append (tree, leaves + i * H);
      append_us = (double) (g_get_monotonic_time () - t0) / size;
      for (guint r = 0; r < runs; r++)
        {
          double a = answer_ms (tree, leaves, size), b = answer_ms (NULL, leaves, size);

          g_array_append_val (kept, a);
          g_array_append_val (rebuilt, b);
        }
      g_print ("# co-op log of %" G_GUINT64_FORMAT " records: a tablet's answer (head, consistency and inclusion "
               "proofs) median %.3f ms from the kept tree, %.1f ms built from the leaves (ratio %.4f); "
               "appending a record to the tree %.2f us; the tree holds %.1f MB\n",
               size, bench_percentile (kept, 0.5), bench_percentile (rebuilt, 0.5),
               bench_percentile (kept, 0.5) / bench_percentile (rebuilt, 0.5), append_us, size * 2.0 * H / 1e6);
    }
  g_print ("ok 1 /bench/log\n");
  return 0;
}
