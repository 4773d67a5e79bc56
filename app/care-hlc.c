/* care-hlc.c: hybrid logical clock.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-hlc.h"

gint64
care_hlc_now (gint64 last,
              gint64 wall_ms)
{
  gint64 physical = care_hlc_pack (MAX (wall_ms, 0), 0);

  /* The logical part counts records within one millisecond; when it would
   * overflow, the stamp moves into the next millisecond, which is still
   * greater than everything seen. */
  /* A stamp at the very end of the range stays there rather than wrapping
   * (the co-op refuses stamps far from its clock, so only a damaged store
   * gets here). */
  if (last >= G_MAXINT64)
    return G_MAXINT64;
  return MAX (physical, last + 1);
}

gint64
care_hlc_observe (gint64 last,
                  gint64 remote)
{
  return MAX (last, remote);
}
