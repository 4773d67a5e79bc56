/* care-backoff.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-backoff.h"

void
care_backoff_init (CareBackoff *self,
                   guint        base_ms,
                   guint        max_ms)
{
  self->base_ms = MAX (base_ms, 1);
  self->max_ms = MAX (max_ms, self->base_ms);
  self->failures = 0;
}

void
care_backoff_reset (CareBackoff *self)
{
  self->failures = 0;
}

guint
care_backoff_next (CareBackoff *self,
                   guint        retry_after_s,
                   GRand       *rand)
{
  guint64 ceiling = self->base_ms;
  guint64 floor_ms = (guint64) retry_after_s * 1000;
  guint64 delay;
  double jitter;

  for (guint i = 0; i < self->failures && ceiling < self->max_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, self->max_ms);
  if (self->failures < G_MAXUINT)
    self->failures++;

  jitter = rand ? g_rand_double_range (rand, 0.5, 1.0) : g_random_double_range (0.5, 1.0);
  delay = (guint64) (ceiling * jitter);
  delay = MAX (delay, floor_ms);
  return (guint) MIN (delay, (guint64) G_MAXUINT);
}
