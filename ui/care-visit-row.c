/* care-visit-row.c: a row of a carer's visit list, bound to a CareVisitItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the row shows is bound to its item's properties in
 * care-visit-row.ui; CareItemRow holds the item. The row's accessible
 * label, which a binding cannot set, is set once when it is made.
 */
#include "care-config.h"

#include "care-ui-util.h"
#include "care-visit-row.h"

struct _CareVisitRow
{
  CareItemRow parent_instance;
};

G_DEFINE_FINAL_TYPE (CareVisitRow, care_visit_row, CARE_TYPE_ITEM_ROW)

static void
care_visit_row_constructed (GObject *object)
{
  CareVisitRow *self = CARE_VISIT_ROW (object);

  G_OBJECT_CLASS (care_visit_row_parent_class)->constructed (object);
  care_set_accessible_label (GTK_WIDGET (self),
                             care_visit_item_get_accessible_label (care_visit_row_get_item (self)));
}

static void
care_visit_row_class_init (CareVisitRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_visit_row_constructed;

  g_type_ensure (CARE_TYPE_VISIT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-visit-row.ui");
}

static void
care_visit_row_init (CareVisitRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_visit_row_new (CareVisitItem *item)
{
  g_return_val_if_fail (CARE_IS_VISIT_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_VISIT_ROW, "item", item, NULL);
}

CareVisitItem *
care_visit_row_get_item (CareVisitRow *self)
{
  g_return_val_if_fail (CARE_IS_VISIT_ROW (self), NULL);
  return care_item_row_get_item (CARE_ITEM_ROW (self));
}
