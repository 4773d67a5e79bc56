/* care-timesheet-row.h: a carer's week on the Timesheets page, bound to a
 * CareTimesheetItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-timesheet-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_TIMESHEET_ROW (care_timesheet_row_get_type ())
G_DECLARE_FINAL_TYPE (CareTimesheetRow, care_timesheet_row, CARE, TIMESHEET_ROW, CareItemRow)

/* Signals: "approve", "approve-anyway", and "withdraw" and "query" with
 * the typed message (empty: the entry has the focus again, for the page
 * to say what to write). */
GtkWidget         *care_timesheet_row_new      (CareTimesheetItem *item);
CareTimesheetItem *care_timesheet_row_get_item (CareTimesheetRow  *self);

G_END_DECLS
