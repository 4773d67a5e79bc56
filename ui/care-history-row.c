/* care-history-row.c: a row of a visit's history, bound to a CareHistoryItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the row shows is bound to its item's properties in
 * care-history-row.ui; the code only holds the item.
 */
#include "care-config.h"

#include "care-history-row.h"

struct _CareHistoryRow
{
  GtkListBoxRow parent_instance;

  CareHistoryItem *item;
};

G_DEFINE_FINAL_TYPE (CareHistoryRow, care_history_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_history_row_dispose (GObject *object)
{
  CareHistoryRow *self = CARE_HISTORY_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_HISTORY_ROW);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (care_history_row_parent_class)->dispose (object);
}

static void
care_history_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CareHistoryRow *self = CARE_HISTORY_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_history_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CareHistoryRow *self = CARE_HISTORY_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      self->item = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_history_row_class_init (CareHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_history_row_dispose;
  object_class->get_property = care_history_row_get_property;
  object_class->set_property = care_history_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, CARE_TYPE_HISTORY_ITEM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  return g_object_new (CARE_TYPE_HISTORY_ROW, "item", item, NULL);
}
