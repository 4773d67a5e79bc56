/* care-history-row.h: a row of a visit's history, bound to a CareHistoryItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-history-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_HISTORY_ROW (care_history_row_get_type ())
G_DECLARE_FINAL_TYPE (CareHistoryRow, care_history_row, CARE, HISTORY_ROW, CareItemRow)

GtkWidget *care_history_row_new (CareHistoryItem *item);

G_END_DECLS
