/* care-timesheet-page.h: timesheets per carer per ISO week, and payroll
 * exports, for co-ordinators.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CareWindow adds it as the "timesheets" view for co-ordinators (see
 * care-window.h).
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"
#include "care-reader.h"

G_BEGIN_DECLS

typedef struct _CareWindow CareWindow;

typedef enum {
  CARE_TIMESHEET_EXPORT_HOURS,   /* approved timesheets, per carer per day */
  CARE_TIMESHEET_EXPORT_VISITS,  /* every visit of the period, with its review state */
} CareTimesheetExport;

#define CARE_TYPE_TIMESHEET_PAGE (care_timesheet_page_get_type ())
G_DECLARE_FINAL_TYPE (CareTimesheetPage, care_timesheet_page, CARE, TIMESHEET_PAGE, AdwBin)

/* The hook CareWindow calls. */
GtkWidget *care_timesheet_page_new           (CareWindow *window) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget *care_timesheet_page_new_for_store (CareStore  *store,
                                              CareReader *reader) G_GNUC_WARN_UNUSED_RESULT;
void       care_timesheet_page_set_week      (CareTimesheetPage *self,
                                              int                iso_year,
                                              int                iso_week);
/* The ISO week shown; a new page shows the week of the store's today. */
void       care_timesheet_page_get_week      (CareTimesheetPage *self,
                                              int               *iso_year,
                                              int               *iso_week);
void       care_timesheet_page_reload        (CareTimesheetPage *self);
/* Writes the export for the chosen period to file, off the main thread
 * (what the Export buttons do after the file chooser). */
void       care_timesheet_page_export_async  (CareTimesheetPage   *self,
                                              CareTimesheetExport  kind,
                                              GFile               *file,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean   care_timesheet_page_export_finish (CareTimesheetPage  *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
