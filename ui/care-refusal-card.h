/* care-refusal-card.h: a record of the carer's that the co-op refused (or
 * holds behind a refused one), with the co-op's reason and, where the
 * carer can put it right herself, the form to do it; bound to a
 * CareRefusalItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-refusal-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_REFUSAL_CARD (care_refusal_card_get_type ())
G_DECLARE_FINAL_TYPE (CareRefusalCard, care_refusal_card, CARE, REFUSAL_CARD, CareItemRow)

/* Emits "correct" (JsonObject *changes) when the carer puts the record
 * right with a correction that reads; the page writes it. */
GtkWidget *care_refusal_card_new (CareRefusalItem *item);

G_END_DECLS
