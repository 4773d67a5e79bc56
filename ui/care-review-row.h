/* care-review-row.h: a visit in the co-ordinator's review list, bound to a
 * CareReviewItem: a CareItemRow that the list view rebinds as it scrolls.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-review-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_REVIEW_ROW (care_review_row_get_type ())
G_DECLARE_FINAL_TYPE (CareReviewRow, care_review_row, CARE, REVIEW_ROW, CareItemRow)

G_END_DECLS
