/* care-hours-week.h: one week of a carer's hours on the Hours page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_HOURS_WEEK (care_hours_week_get_type ())
G_DECLARE_FINAL_TYPE (CareHoursWeek, care_hours_week, CARE, HOURS_WEEK, GtkBox)

/* Shows the week (copied from, not kept). */
void care_hours_week_show (CareHoursWeek       *self,
                           const CareWeekHours *week);

G_END_DECLS
