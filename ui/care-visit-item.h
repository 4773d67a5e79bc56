/* care-visit-item.h: one visit as a carer's lists show it (Today, and the
 * queries to answer), with what a row displays as properties.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_VISIT_ITEM (care_visit_item_get_type ())
G_DECLARE_FINAL_TYPE (CareVisitItem, care_visit_item, CARE, VISIT_ITEM, GObject)

/* Takes ownership of summary. with_day: the row also names the visit's day
 * (lists that span days). */
CareVisitItem          *care_visit_item_new         (CareVisitSummary *summary,
                                                     GTimeZone        *tz,
                                                     gboolean          with_day) G_GNUC_WARN_UNUSED_RESULT;
const CareVisitSummary *care_visit_item_get_summary (CareVisitItem *self);
/* Whether the item shows the same as an item made from summary would. */
gboolean                care_visit_item_shows       (CareVisitItem          *self,
                                                     const CareVisitSummary *summary);
/* What a screen reader says for the row. */
const char             *care_visit_item_get_accessible_label (CareVisitItem *self);

G_END_DECLS
