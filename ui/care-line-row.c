/* care-line-row.c: a line of a visit's record, bound to a CareLineItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The title and the value are bound to the item in care-line-row.ui;
 * CareItemRow holds the item. A line does not change, so its tone and
 * name are set once when the row is made.
 */
#include "care-config.h"

#include "care-line-row.h"

struct _CareLineRow
{
  CareItemRow parent_instance;
};

G_DEFINE_FINAL_TYPE (CareLineRow, care_line_row, CARE_TYPE_ITEM_ROW)

static void
care_line_row_constructed (GObject *object)
{
  CareLineItem *item = care_item_row_get_item (CARE_ITEM_ROW (object));

  G_OBJECT_CLASS (care_line_row_parent_class)->constructed (object);
  if (care_line_item_get_tone (item) != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (object), care_line_item_get_tone (item));
  if (care_line_item_get_name (item) != NULL)
    gtk_widget_set_name (GTK_WIDGET (object), care_line_item_get_name (item));
}

static void
care_line_row_class_init (CareLineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_line_row_constructed;

  g_type_ensure (CARE_TYPE_LINE_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-line-row.ui");
}

static void
care_line_row_init (CareLineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_line_row_new (CareLineItem *item)
{
  g_return_val_if_fail (CARE_IS_LINE_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_LINE_ROW, "item", item, NULL);
}
