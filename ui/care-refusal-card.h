/* care-refusal-card.h: a record of the carer's that the co-op refused (or
 * holds behind a refused one), with the co-op's reason and, where the
 * carer can put it right herself, the form to do it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_REFUSAL_CARD (care_refusal_card_get_type ())
G_DECLARE_FINAL_TYPE (CareRefusalCard, care_refusal_card, CARE, REFUSAL_CARD, GtkBox)

/* entry: the record as the visit's history shows it (its sync state must be
 * CARE_SYNC_QUARANTINED or CARE_SYNC_HELD). Emits "corrected" once a
 * correction is saved on the tablet. */
GtkWidget *care_refusal_card_new (CareStore              *store,
                                  const CareHistoryEntry *entry,
                                  GTimeZone              *tz);

G_END_DECLS
