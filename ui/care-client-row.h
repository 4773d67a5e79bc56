/* care-client-row.h: a client to start a visit to, bound to a
 * CareClientItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-client-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_CLIENT_ROW (care_client_row_get_type ())
G_DECLARE_FINAL_TYPE (CareClientRow, care_client_row, CARE, CLIENT_ROW, CareItemRow)

GtkWidget      *care_client_row_new      (CareClientItem *item);
CareClientItem *care_client_row_get_item (CareClientRow *self);

G_END_DECLS
