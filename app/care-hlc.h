/* care-hlc.h: hybrid logical clock stamps, packed as (physical ms << 16) | logical.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A stamp never goes backwards on one store, stays close to real time, and
 * orders a record after every record its device had seen when it was made.
 * Ties between devices are broken by device id, then sequence number.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_HLC_LOGICAL_BITS 16
/* The largest physical part a stamp can hold (year 6429). */
#define CARE_HLC_MAX_PHYSICAL (G_MAXINT64 >> CARE_HLC_LOGICAL_BITS)

/* physical_ms is clamped to 0..CARE_HLC_MAX_PHYSICAL: the shift never
 * overflows. */
static inline gint64
care_hlc_pack (gint64 physical_ms, guint logical)
{
  guint64 physical = (guint64) CLAMP (physical_ms, 0, CARE_HLC_MAX_PHYSICAL);

  return (gint64) ((physical << CARE_HLC_LOGICAL_BITS) | (logical & 0xffff));
}

static inline gint64
care_hlc_physical (gint64 hlc)
{
  return hlc >> CARE_HLC_LOGICAL_BITS;
}

static inline guint
care_hlc_logical (gint64 hlc)
{
  return (guint) (hlc & 0xffff);
}

/* The stamp for a new local record, given the latest stamp this store has
 * seen (sent or received) and the wall clock. */
gint64 care_hlc_now     (gint64 last,
                         gint64 wall_ms);
/* The latest stamp after observing a remote one. */
gint64 care_hlc_observe (gint64 last,
                         gint64 remote);

G_END_DECLS
