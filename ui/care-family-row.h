/* care-family-row.h: a visit on the family's page, bound to a
 * CareFamilyItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-family-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_FAMILY_ROW (care_family_row_get_type ())
G_DECLARE_FINAL_TYPE (CareFamilyRow, care_family_row, CARE, FAMILY_ROW, CareItemRow)

GtkWidget *care_family_row_new (CareFamilyItem *item);

G_END_DECLS
