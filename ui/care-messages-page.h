/* care-messages-page.h: the families' messages to the co-ordinators.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_MESSAGES_PAGE (care_messages_page_get_type ())

G_DECLARE_FINAL_TYPE (CareMessagesPage, care_messages_page, CARE, MESSAGES_PAGE, AdwBin)

/* What the families of the co-op's clients wrote to the co-ordinators
 * (message.sent), newest first: who, about whom, when, their words. */
GtkWidget *care_messages_page_new     (CareStore        *store);
void       care_messages_page_refresh (CareMessagesPage *self);

G_END_DECLS
