/* care-message-row.c: a family's message, bound to a CareMessageItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the row shows is bound to its item in care-message-row.ui;
 * CareItemRow holds the item.
 */
#include "care-config.h"

#include "care-message-row.h"

struct _CareMessageRow
{
  CareItemRow parent_instance;
};

G_DEFINE_FINAL_TYPE (CareMessageRow, care_message_row, CARE_TYPE_ITEM_ROW)

static void
care_message_row_class_init (CareMessageRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CARE_TYPE_MESSAGE_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-message-row.ui");
}

static void
care_message_row_init (CareMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_message_row_new (CareMessageItem *item)
{
  g_return_val_if_fail (CARE_IS_MESSAGE_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_MESSAGE_ROW, "item", item, NULL);
}
