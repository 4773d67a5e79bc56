/* care-family-page.h: what a member of a client's family circle sees.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_FAMILY_PAGE (care_family_page_get_type ())

G_DECLARE_FINAL_TYPE (CareFamilyPage, care_family_page, CARE, FAMILY_PAGE, AdwBin)

/* The visits to the clients in the family circle, newest first: who came,
 * when, the tasks done, the notes shared with the family, the client's
 * word and the co-ordinator's answer; "Confirm or dispute" on each, and a
 * message to the co-ordinators. */
GtkWidget *care_family_page_new     (CareStore      *store);
void       care_family_page_refresh (CareFamilyPage *self);

G_END_DECLS
