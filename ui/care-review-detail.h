/* care-review-detail.h: one visit as a co-ordinator reviews it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The visit record, tasks, notes with their amendment history, times as
 * recorded and as amended, the sync timeline, and the review actions
 * (approve, query with a message, flag), each a review.added record.
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"
#include "care-reader.h"
#include "care-review-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_REVIEW_DETAIL (care_review_detail_get_type ())
G_DECLARE_FINAL_TYPE (CareReviewDetail, care_review_detail, CARE, REVIEW_DETAIL, AdwBin)

GtkWidget      *care_review_detail_new      (CareStore  *store,
                                             CareReader *reader) G_GNUC_WARN_UNUSED_RESULT;
/* The store a detail made by its parent's template reads and writes. */
void            care_review_detail_set_store (CareReviewDetail *self,
                                              CareStore        *store,
                                              CareReader       *reader);
/* Shows the item's visit; its detail is read off the main thread. */
void            care_review_detail_show     (CareReviewDetail *self,
                                             CareReviewItem   *item);
CareReviewItem *care_review_detail_get_item (CareReviewDetail *self);
/* TRUE while the visit is being read. */
gboolean        care_review_detail_get_loading (CareReviewDetail *self);

G_END_DECLS
