/* care-query-item.h: a co-ordinator's query on a carer's timesheet, as a
 * list item: its message, the answer being written and why it was not
 * sent.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-form-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_QUERY_ITEM (care_query_item_get_type ())
G_DECLARE_FINAL_TYPE (CareQueryItem, care_query_item, CARE, QUERY_ITEM, CareFormItem)

/* review: the query's review id, which the answer names. */
CareQueryItem *care_query_item_new        (const char *review,
                                           const char *message);
const char    *care_query_item_get_review (CareQueryItem *self);
/* The answer as typed, stripped (never NULL). */
char          *care_query_item_dup_reply  (CareQueryItem *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
