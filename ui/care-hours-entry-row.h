/* care-hours-entry-row.h: one manual hours entry (travel, training, other)
 * on the Hours page, which its carer corrects with a reason.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_HOURS_ENTRY_ROW (care_hours_entry_row_get_type ())
G_DECLARE_FINAL_TYPE (CareHoursEntryRow, care_hours_entry_row, CARE, HOURS_ENTRY_ROW, AdwExpanderRow)

GtkWidget            *care_hours_entry_row_new       (const CareHoursEntry *entry);
const CareHoursEntry *care_hours_entry_row_get_entry (CareHoursEntryRow *self);
/* Shows why a correction was not saved (NULL hides it). */
void                  care_hours_entry_row_set_error (CareHoursEntryRow *self,
                                                      const char        *message);

G_END_DECLS
