/* care-hit-row.c: a note found by a search, bound to a CareHitItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The title and the words around the match are bound to the item in
 * care-hit-row.ui; CareItemRow holds the item. The accessible label, which
 * a binding cannot set, is set once when the row is made.
 */
#include "care-config.h"

#include "care-hit-row.h"
#include "care-ui-util.h"

struct _CareHitRow
{
  CareItemRow parent_instance;
};

G_DEFINE_FINAL_TYPE (CareHitRow, care_hit_row, CARE_TYPE_ITEM_ROW)

static void
care_hit_row_constructed (GObject *object)
{
  CareHitRow *self = CARE_HIT_ROW (object);

  G_OBJECT_CLASS (care_hit_row_parent_class)->constructed (object);
  care_set_accessible_label (GTK_WIDGET (self),
                             care_hit_item_get_accessible_label (care_hit_row_get_item (self)));
}

static void
care_hit_row_class_init (CareHitRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_hit_row_constructed;

  g_type_ensure (CARE_TYPE_HIT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-hit-row.ui");
}

static void
care_hit_row_init (CareHitRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_hit_row_new (CareHitItem *item)
{
  g_return_val_if_fail (CARE_IS_HIT_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_HIT_ROW, "item", item, NULL);
}

CareHitItem *
care_hit_row_get_item (CareHitRow *self)
{
  g_return_val_if_fail (CARE_IS_HIT_ROW (self), NULL);
  return care_item_row_get_item (CARE_ITEM_ROW (self));
}
