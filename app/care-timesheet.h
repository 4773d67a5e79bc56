/* care-timesheet.h: timesheets per carer per ISO week, for supervisors.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hours themselves are the store's (care_store_get_week_hours); this
 * finds whose timesheets a week has and reads them all.
 */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

/* ISO 8601 week-numbering year and week of a day. */
void       care_timesheet_iso_week     (const GDate *day,
                                        int         *iso_year,
                                        int         *iso_week);
/* The Monday of an ISO week. */
void       care_timesheet_week_monday  (int          iso_year,
                                        int          iso_week,
                                        GDate       *monday);
/* [from, to) in ms of the days [first, last] in the zone. */
void       care_timesheet_day_range    (GTimeZone   *tz,
                                        const GDate *first,
                                        const GDate *last,
                                        gint64      *from,
                                        gint64      *to);
/* Calls func for every visit matching filter (offset and limit ignored),
 * newest first, reading the store a window of time at a time: the store
 * sorts each query's matches before applying its offset, so one long query
 * paged by offset costs a sort per page, while windows of a day cost one
 * small sort each. Returning FALSE from func stops with its error. */
typedef gboolean (*CareVisitFunc) (const CareVisitSummary *summary,
                                   gpointer                user_data,
                                   GError                **error);
gboolean   care_timesheet_foreach_visit (CareStore             *store,
                                         const CareVisitFilter *filter,
                                         CareVisitFunc          func,
                                         gpointer               user_data,
                                         GError               **error);
/* Carers with a visit (scheduled or actual) starting in [from, to) ms,
 * sorted by id (char *). */
GPtrArray *care_timesheet_list_carers  (CareStore  *store,
                                        gint64      from,
                                        gint64      to,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* The week's CareWeekHours of every carer with visits in it, by carer id. */
GPtrArray *care_timesheet_read_week    (CareStore  *store,
                                        int         iso_year,
                                        int         iso_week,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
