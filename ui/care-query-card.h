/* care-query-card.h: a co-ordinator's query on a carer's timesheet, with
 * its message and a box for the carer's answer, bound to a CareQueryItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-query-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_QUERY_CARD (care_query_card_get_type ())
G_DECLARE_FINAL_TYPE (CareQueryCard, care_query_card, CARE, QUERY_CARD, CareItemRow)

GtkWidget *care_query_card_new (CareQueryItem *item);

G_END_DECLS
