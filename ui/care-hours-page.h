/* care-hours-page.h: this week's and last week's hours, and manual entries.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-reader.h"
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_HOURS_PAGE (care_hours_page_get_type ())
G_DECLARE_FINAL_TYPE (CareHoursPage, care_hours_page, CARE, HOURS_PAGE, AdwBin)

void     care_hours_page_set_store  (CareHoursPage *self,
                                     CareStore     *store,
                                     CareReader    *reader);
/* Reloads both weeks in the background. */
void     care_hours_page_refresh    (CareHoursPage *self);
/* TRUE while a reload runs (for tests). */
gboolean care_hours_page_is_loading (CareHoursPage *self);

G_END_DECLS
