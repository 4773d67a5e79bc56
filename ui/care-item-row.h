/* care-item-row.h: a list row built from a template and bound to one item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CARE_TYPE_ITEM_ROW (care_item_row_get_type ())
G_DECLARE_DERIVABLE_TYPE (CareItemRow, care_item_row, CARE, ITEM_ROW, GtkListBoxRow)

struct _CareItemRowClass
{
  GtkListBoxRowClass parent_class;
};

gpointer care_item_row_get_item (CareItemRow *self);

G_END_DECLS
