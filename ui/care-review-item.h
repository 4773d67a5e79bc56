/* care-review-item.h: one row of the co-ordinator's review list.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The review list model hands out items before their page has been read
 * from the store; such an item has no summary yet and notifies "summary"
 * when it arrives.
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_REVIEW_ITEM (care_review_item_get_type ())
G_DECLARE_FINAL_TYPE (CareReviewItem, care_review_item, CARE, REVIEW_ITEM, GObject)

/* Takes ownership of summary (NULL: not read yet); times are shown in tz
 * (NULL: the local zone). */
CareReviewItem         *care_review_item_new         (CareVisitSummary *summary,
                                                      GTimeZone        *tz) G_GNUC_WARN_UNUSED_RESULT;
/* NULL while the item is still being read. */
const CareVisitSummary *care_review_item_get_summary (CareReviewItem *self);
/* Takes ownership of summary. */
void                    care_review_item_set_summary (CareReviewItem   *self,
                                                      CareVisitSummary *summary);
/* A key that names the row: the visit id, or "schedule:" and the rota id. */
char                   *care_review_item_dup_key     (CareReviewItem *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
