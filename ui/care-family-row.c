/* care-family-row.c: a visit on the family's page, bound to a
 * CareFamilyItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the row shows is bound to its item in care-family-row.ui;
 * CareItemRow holds the item. The confirm button's action target (the
 * visit), which a binding cannot set, is set once when the row is made.
 */
#include "care-config.h"

#include "care-family-row.h"

struct _CareFamilyRow
{
  CareItemRow parent_instance;

  GtkWidget *confirm_button;
};

G_DEFINE_FINAL_TYPE (CareFamilyRow, care_family_row, CARE_TYPE_ITEM_ROW)

static void
care_family_row_constructed (GObject *object)
{
  CareFamilyRow *self = CARE_FAMILY_ROW (object);
  CareFamilyItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));

  G_OBJECT_CLASS (care_family_row_parent_class)->constructed (object);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->confirm_button), "s",
                                    care_family_item_get_visit (item));
}

static void
care_family_row_class_init (CareFamilyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_family_row_constructed;

  g_type_ensure (CARE_TYPE_FAMILY_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-family-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CareFamilyRow, confirm_button);
}

static void
care_family_row_init (CareFamilyRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_family_row_new (CareFamilyItem *item)
{
  g_return_val_if_fail (CARE_IS_FAMILY_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_FAMILY_ROW, "item", item, NULL);
}
