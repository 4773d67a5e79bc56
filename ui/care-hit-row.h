/* care-hit-row.h: a note found by a search, bound to a CareHitItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-hit-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_HIT_ROW (care_hit_row_get_type ())
G_DECLARE_FINAL_TYPE (CareHitRow, care_hit_row, CARE, HIT_ROW, CareItemRow)

GtkWidget   *care_hit_row_new      (CareHitItem *item);
CareHitItem *care_hit_row_get_item (CareHitRow *self);

G_END_DECLS
