/* care-history-row.c: a row of a visit's history, bound to a CareHistoryItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the row shows is bound to its item's properties in
 * care-history-row.ui; CareItemRow holds the item.
 */
#include "care-config.h"

#include "care-history-row.h"

struct _CareHistoryRow
{
  CareItemRow parent_instance;
};

G_DEFINE_FINAL_TYPE (CareHistoryRow, care_history_row, CARE_TYPE_ITEM_ROW)

static void
care_history_row_class_init (CareHistoryRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CARE_TYPE_HISTORY_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-history-row.ui");
}

static void
care_history_row_init (CareHistoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_history_row_new (CareHistoryItem *item)
{
  g_return_val_if_fail (CARE_IS_HISTORY_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_HISTORY_ROW, "item", item, NULL);
}
