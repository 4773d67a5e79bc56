/* care-review-page.h: the co-ordinator's review workspace.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every synced visit across carers, filtered by carer, client, dates,
 * review state and exceptions, exceptions first, with counts per exception;
 * a visit's detail with approve, query and flag; bulk approval of the
 * unremarkable visits in the list. CareWindow adds it as the "review" view
 * for co-ordinators (see care-window.h).
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"
#include "care-reader.h"
#include "care-sync-monitor.h"

G_BEGIN_DECLS

typedef struct _CareWindow CareWindow;

#define CARE_TYPE_REVIEW_PAGE (care_review_page_get_type ())
G_DECLARE_FINAL_TYPE (CareReviewPage, care_review_page, CARE, REVIEW_PAGE, AdwBin)

/* The hook CareWindow calls. */
GtkWidget *care_review_page_new           (CareWindow *window) G_GNUC_WARN_UNUSED_RESULT;
/* The same page on a store and reader of one's own (tests, benchmarks). */
GtkWidget *care_review_page_new_for_store (CareStore  *store,
                                           CareReader *reader) G_GNUC_WARN_UNUSED_RESULT;
/* Reads the list again (after sync brought records, or another page wrote). */
void       care_review_page_reload        (CareReviewPage *self);
/* The list model, for tests. */
GListModel *care_review_page_get_model    (CareReviewPage *self);
/* Whether a visit is shown instead of the list (action review.back goes
 * back to it). */
gboolean    care_review_page_get_subpage  (CareReviewPage *self);

/* Records the sync daemon brings are offered (a "Show new records" bar)
 * when the monitor says the store changed. */
void        care_review_page_set_sync_monitor (CareReviewPage  *self,
                                               CareSyncMonitor *monitor);

G_END_DECLS
