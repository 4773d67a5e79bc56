/* care-query-card.h: a co-ordinator's query on a carer's timesheet, with
 * its message and a box for the carer's answer.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CARE_TYPE_QUERY_CARD (care_query_card_get_type ())
G_DECLARE_FINAL_TYPE (CareQueryCard, care_query_card, CARE, QUERY_CARD, GtkBox)

/* review: the query's review id, which the answer names. */
GtkWidget  *care_query_card_new        (const char *review,
                                        const char *message);
const char *care_query_card_get_review (CareQueryCard *self);
/* Shows why the answer was not saved (NULL hides it). */
void        care_query_card_set_error  (CareQueryCard *self,
                                        const char    *message);

G_END_DECLS
