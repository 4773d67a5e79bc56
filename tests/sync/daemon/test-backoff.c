/* test-backoff.c: retry delays after failed rounds.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-backoff.h"

static void
test_grows_and_caps (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  CareBackoff backoff;
  guint ceiling = 1000;

  care_backoff_init (&backoff, 1000, 60000);
  for (guint i = 0; i < 12; i++)
    {
      guint delay = care_backoff_next (&backoff, 0, rand);

      /* Jitter: between half and all of the current ceiling. */
      g_assert_cmpuint (delay, >=, ceiling / 2);
      g_assert_cmpuint (delay, <=, ceiling);
      ceiling = MIN (ceiling * 2, 60000);
    }
  care_backoff_reset (&backoff);
  g_assert_cmpuint (care_backoff_next (&backoff, 0, rand), <=, 1000);
}

static void
test_retry_after_is_a_floor (void)
{
  CareBackoff backoff;

  care_backoff_init (&backoff, 1000, 60000);
  g_assert_cmpuint (care_backoff_next (&backoff, 30, NULL), ==, 30000);
  /* Even above the cap: the server asked for it. */
  g_assert_cmpuint (care_backoff_next (&backoff, 120, NULL), ==, 120000);
}

static void
test_jitter_spreads (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint min = G_MAXUINT, max = 0;

  for (guint i = 0; i < 200; i++)
    {
      CareBackoff backoff;
      guint delay;

      care_backoff_init (&backoff, 1000, 60000);
      delay = care_backoff_next (&backoff, 0, rand);
      min = MIN (min, delay);
      max = MAX (max, delay);
    }
  /* A co-op's tablets back from the same outage do not retry in step. */
  g_assert_cmpuint (max - min, >, 300);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/backoff/grows-and-caps", test_grows_and_caps);
  g_test_add_func ("/daemon/backoff/retry-after-is-a-floor", test_retry_after_is_a_floor);
  g_test_add_func ("/daemon/backoff/jitter-spreads", test_jitter_spreads);
  return g_test_run ();
}
