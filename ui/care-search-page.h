/* care-search-page.h: search across care notes.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-reader.h"

G_BEGIN_DECLS

#define CARE_TYPE_SEARCH_PAGE (care_search_page_get_type ())
G_DECLARE_FINAL_TYPE (CareSearchPage, care_search_page, CARE, SEARCH_PAGE, AdwBin)

void     care_search_page_set_reader (CareSearchPage *self,
                                      CareReader     *reader);
void     care_search_page_focus      (CareSearchPage *self);
/* Starts a search now (the entry does it as you type). */
void     care_search_page_search     (CareSearchPage *self,
                                      const char     *query);
gboolean care_search_page_is_busy    (CareSearchPage *self);
guint    care_search_page_get_n_hits (CareSearchPage *self);

G_END_DECLS
