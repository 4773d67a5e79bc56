/* care-visit-page.h: one visit: check in, tasks, notes, check out, history.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_VISIT_PAGE (care_visit_page_get_type ())
G_DECLARE_FINAL_TYPE (CareVisitPage, care_visit_page, CARE, VISIT_PAGE, AdwBin)

/* A visit from Today: started or not (a scheduled visit not started yet). */
void        care_visit_page_show_summary (CareVisitPage          *self,
                                          CareStore              *store,
                                          const CareVisitSummary *summary);
void        care_visit_page_show_visit   (CareVisitPage *self,
                                          CareStore     *store,
                                          const char    *visit);
/* An unscheduled visit about to start. */
void        care_visit_page_show_new     (CareVisitPage *self,
                                          CareStore     *store,
                                          const char    *client,
                                          const char    *client_name);
void        care_visit_page_reload       (CareVisitPage *self);
/* NULL until checked in. */
const char *care_visit_page_get_visit    (CareVisitPage *self);
const char *care_visit_page_get_title    (CareVisitPage *self);

G_END_DECLS
