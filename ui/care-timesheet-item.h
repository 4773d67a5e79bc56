/* care-timesheet-item.h: one carer's week on the Timesheets page, as a
 * list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_TIMESHEET_ITEM (care_timesheet_item_get_type ())
G_DECLARE_FINAL_TYPE (CareTimesheetItem, care_timesheet_item, CARE, TIMESHEET_ITEM, GObject)

/* Takes week. */
CareTimesheetItem   *care_timesheet_item_new       (CareWeekHours     *week,
                                                    const char        *name);
const char          *care_timesheet_item_get_carer (CareTimesheetItem *self);
const char          *care_timesheet_item_get_name  (CareTimesheetItem *self);
/* The seven days, Monday first, as GtkStringObject ("Mon\n2 h 05"). */
GListModel          *care_timesheet_item_get_days  (CareTimesheetItem *self);
/* What to check before approving; shown under the row. */
void                 care_timesheet_item_set_warnings (CareTimesheetItem *self,
                                                       const char        *text);

G_END_DECLS
