/* care-line-row.h: a line of a visit's record, bound to a CareLineItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-line-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_LINE_ROW (care_line_row_get_type ())
G_DECLARE_FINAL_TYPE (CareLineRow, care_line_row, CARE, LINE_ROW, CareItemRow)

GtkWidget *care_line_row_new (CareLineItem *item);

G_END_DECLS
