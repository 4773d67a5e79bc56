/* care-message-row.h: a family's message, bound to a CareMessageItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-message-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_MESSAGE_ROW (care_message_row_get_type ())
G_DECLARE_FINAL_TYPE (CareMessageRow, care_message_row, CARE, MESSAGE_ROW, CareItemRow)

GtkWidget *care_message_row_new (CareMessageItem *item);

G_END_DECLS
