/* care-review-visit.h: what the co-ordinator's visit detail shows, as
 * properties for its template to bind.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_REVIEW_VISIT (care_review_visit_get_type ())
G_DECLARE_FINAL_TYPE (CareReviewVisit, care_review_visit, CARE, REVIEW_VISIT, GObject)

/* A visit from its summary, and from its detail once read (detail NULL:
 * the record, its tasks, notes and history are not read yet). names maps
 * member ids to names (or NULL); times are shown in tz. Nothing is kept:
 * the texts are made here. */
CareReviewVisit *care_review_visit_new (const CareVisitSummary *summary,
                                        const CareVisitDetail  *detail,
                                        GHashTable             *names,
                                        GTimeZone              *tz) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
