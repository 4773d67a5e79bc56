/* care-export.h: CSV exports of visits and hours (payroll).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Columns are documented in docs/exports.md. Times are in the co-op's time
 * zone, which every file states in a column.
 */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

/* Visits matching the filter (limit ignored: all of them), streamed. */
gboolean care_export_visits_csv (CareStore             *store,
                                 const CareVisitFilter *filter,
                                 GOutputStream         *out,
                                 GError               **error);

/* Hours per carer per day in [from, to] (inclusive days, co-op time zone):
 * visit minutes (as amended, split at midnight, real elapsed time across
 * daylight-saving changes, cancelled visits count nothing) and manual
 * entries, with each ISO week's timesheet review state. carer NULL = all.
 * approved_only: only weeks whose timesheet is approved (payroll). */
gboolean care_export_hours_csv  (CareStore     *store,
                                 const char    *carer,
                                 const GDate   *from,
                                 const GDate   *to,
                                 gboolean       approved_only,
                                 GOutputStream *out,
                                 GError       **error);

G_END_DECLS
