/* care-backoff.h: retry delays for failed sync rounds.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exponential backoff with jitter: the n-th consecutive failure waits a
 * random time between half and all of min (max, base * 2^(n-1)), so that a
 * co-op's tablets coming back from the same outage do not all retry at the
 * same instant. A server's Retry-After is a floor, never shortened.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint base_ms;
  guint max_ms;
  guint failures;
} CareBackoff;

void  care_backoff_init    (CareBackoff *self,
                            guint        base_ms,
                            guint        max_ms);
void  care_backoff_reset   (CareBackoff *self);
/* Records one more failure and returns the delay before the next try, in
 * ms. retry_after_s is the server's Retry-After (0 when none). rand may be
 * NULL (the global generator). */
guint care_backoff_next    (CareBackoff *self,
                            guint        retry_after_s,
                            GRand       *rand);

G_END_DECLS
