/* care-today-page.h: a carer's day, the queries to answer, and starting an unscheduled visit.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_TODAY_PAGE (care_today_page_get_type ())
G_DECLARE_FINAL_TYPE (CareTodayPage, care_today_page, CARE, TODAY_PAGE, AdwBin)

void  care_today_page_set_store (CareTodayPage *self,
                                 CareStore     *store);
void  care_today_page_refresh   (CareTodayPage *self);
/* The day's visits shown (CareVisitItem). */
GListModel *care_today_page_get_visits     (CareTodayPage *self);
/* The day shown, in days from today (0 = today). */
int         care_today_page_get_day_offset (CareTodayPage *self);

G_END_DECLS
