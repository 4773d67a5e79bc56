/* care-visit-row.h: a row of a carer's visit list, bound to a CareVisitItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-visit-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_VISIT_ROW (care_visit_row_get_type ())
G_DECLARE_FINAL_TYPE (CareVisitRow, care_visit_row, CARE, VISIT_ROW, CareItemRow)

GtkWidget     *care_visit_row_new      (CareVisitItem *item);
CareVisitItem *care_visit_row_get_item (CareVisitRow *self);

G_END_DECLS
