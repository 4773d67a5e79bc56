/* care-client-row.c: a client to start a visit to, bound to a
 * CareClientItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The name is bound to the item in care-client-row.ui; CareItemRow holds
 * the item. The accessible label, which a binding cannot set, is set once
 * when the row is made.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-client-row.h"
#include "care-ui-util.h"

struct _CareClientRow
{
  CareItemRow parent_instance;
};

G_DEFINE_FINAL_TYPE (CareClientRow, care_client_row, CARE_TYPE_ITEM_ROW)

static void
care_client_row_constructed (GObject *object)
{
  CareClientRow *self = CARE_CLIENT_ROW (object);
  g_autofree char *label = NULL;

  G_OBJECT_CLASS (care_client_row_parent_class)->constructed (object);
  label = g_strdup_printf (_("Start a visit to %s"),
                           care_client_item_get_name (care_client_row_get_item (self)));
  care_set_accessible_label (GTK_WIDGET (self), label);
}

static void
care_client_row_class_init (CareClientRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_client_row_constructed;

  g_type_ensure (CARE_TYPE_CLIENT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-client-row.ui");
}

static void
care_client_row_init (CareClientRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_client_row_new (CareClientItem *item)
{
  g_return_val_if_fail (CARE_IS_CLIENT_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_CLIENT_ROW, "item", item, NULL);
}

CareClientItem *
care_client_row_get_item (CareClientRow *self)
{
  g_return_val_if_fail (CARE_IS_CLIENT_ROW (self), NULL);
  return care_item_row_get_item (CARE_ITEM_ROW (self));
}
