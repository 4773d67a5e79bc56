/* care-review-model.h: the co-ordinator's visit list, read page by page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of CareReviewItem over care_store_list_visits(). Pages of
 * visits are read on the reader's worker thread, never on the main thread,
 * and only the pages near what is being shown are kept: the list works the
 * same on a store of a million events as on a demo profile. The model grows
 * as the view scrolls towards its end (the store gives no total), and an
 * item whose page was dropped comes back as a placeholder that fills in
 * when its page has been read again.
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"
#include "care-reader.h"
#include "care-review-item.h"

G_BEGIN_DECLS

#define CARE_REVIEW_MODEL_PAGE_SIZE 100
#define CARE_REVIEW_N_FLAGS 8

#define CARE_TYPE_REVIEW_MODEL (care_review_model_get_type ())
G_DECLARE_FINAL_TYPE (CareReviewModel, care_review_model, CARE, REVIEW_MODEL, GObject)

CareReviewModel       *care_review_model_new         (CareReader *reader) G_GNUC_WARN_UNUSED_RESULT;
/* Copies the filter (offset and limit are ignored) and reads again. */
void                   care_review_model_set_filter  (CareReviewModel       *self,
                                                      const CareVisitFilter *filter);
const CareVisitFilter *care_review_model_get_filter  (CareReviewModel *self);
/* The time zone the items show times in (the co-op's); before the first read. */
void                   care_review_model_set_timezone (CareReviewModel *self,
                                                       GTimeZone       *tz);
/* Reads everything again (after a write, or when sync brought records). */
void                   care_review_model_reload      (CareReviewModel *self);
/* TRUE until the first page and the exception counts of the current
 * filter have been read. */
gboolean               care_review_model_get_loading (CareReviewModel *self);
/* TRUE once the last page has been read: n_items is then the total. */
gboolean               care_review_model_get_complete (CareReviewModel *self);
/* Visits per exception (index = bit of CareVisitFlags) for the current
 * filter without its flags_any; NULL until read. */
const gint64          *care_review_model_get_counts  (CareReviewModel *self);
/* How many pages are held in memory (for tests). */
guint                  care_review_model_get_n_cached_pages (CareReviewModel *self);
/* Reads one item's visit again (after a review was added to it). */
void                   care_review_model_refresh_item (CareReviewModel *self,
                                                       CareReviewItem  *item);

G_END_DECLS
