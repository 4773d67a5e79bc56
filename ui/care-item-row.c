/* care-item-row.c: a list row built from a template and bound to one item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row of the app derives from this: it holds the row's item in the
 * "item" property, which the subclass's template reads with
 * <lookup name="item">, and disposes the template. A subclass sets its
 * template and calls gtk_widget_init_template() in its own init (while a
 * parent's init runs, the instance is still of the parent's class).
 *
 * A row of a list bound with gtk_list_box_bind_model is made with its item
 * (a construct property: a subclass's constructed() can read it) and
 * keeps it. A row of a GtkListView is recycled: the factory binds
 * "item" to the list item's, so the same row is set to one item after
 * another, and the template's lookups follow; what such a row sets by hand
 * follows "notify::item" (CareReviewRow). Inside a list view the row is
 * not a list box's row: it takes no focus and is not activatable of its
 * own (the list view's row is).
 */
#include "care-config.h"

#include "care-item-row.h"

typedef struct
{
  GObject *item;
} CareItemRowPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (CareItemRow, care_item_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_item_row_dispose (GObject *object)
{
  CareItemRowPrivate *priv = care_item_row_get_instance_private (CARE_ITEM_ROW (object));

  gtk_widget_dispose_template (GTK_WIDGET (object), G_OBJECT_TYPE (object));
  g_clear_object (&priv->item);
  G_OBJECT_CLASS (care_item_row_parent_class)->dispose (object);
}

static void
care_item_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CareItemRowPrivate *priv = care_item_row_get_instance_private (CARE_ITEM_ROW (object));

  if (prop_id == PROP_ITEM)
    g_value_set_object (value, priv->item);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_item_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CareItemRowPrivate *priv = care_item_row_get_instance_private (CARE_ITEM_ROW (object));

  if (prop_id == PROP_ITEM)
    {
      if (g_set_object (&priv->item, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_item_row_class_init (CareItemRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_item_row_dispose;
  object_class->get_property = care_item_row_get_property;
  object_class->set_property = care_item_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_item_row_init (CareItemRow *self)
{
}

/* The row's item (owned by the row; NULL while a recycled row has none). */
gpointer
care_item_row_get_item (CareItemRow *self)
{
  CareItemRowPrivate *priv;

  g_return_val_if_fail (CARE_IS_ITEM_ROW (self), NULL);
  priv = care_item_row_get_instance_private (self);
  return priv->item;
}
