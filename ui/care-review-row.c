/* care-review-row.c: a visit in the co-ordinator's review list.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list's factory (care-review-list-item.ui) binds "item" to the list
 * item's; the labels are bound to the item's properties in
 * care-review-row.ui. Only the accessible label is set here: GTK 4.8
 * cannot bind it.
 */
#include "care-config.h"

#include "care-review-row.h"
#include "care-ui-util.h"

struct _CareReviewRow
{
  GtkBox parent_instance;

  CareReviewItem *item;
  gulong notify_id;
};

G_DEFINE_FINAL_TYPE (CareReviewRow, care_review_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
accessible_label_cb (CareReviewRow *self)
{
  g_autofree char *label = NULL;

  if (self->item == NULL)
    return;
  g_object_get (self->item, "accessible-label", &label, NULL);
  care_set_accessible_label (GTK_WIDGET (self), label != NULL ? label : "");
}

static void
set_item (CareReviewRow  *self,
          CareReviewItem *item)
{
  if (self->item == item)
    return;
  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_id, self->item);
  g_set_object (&self->item, item);
  if (item != NULL)
    {
      self->notify_id = g_signal_connect_object (item, "notify::accessible-label",
                                                 G_CALLBACK (accessible_label_cb), self, G_CONNECT_SWAPPED);
      accessible_label_cb (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

static void
care_review_row_dispose (GObject *object)
{
  CareReviewRow *self = CARE_REVIEW_ROW (object);

  set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_REVIEW_ROW);
  G_OBJECT_CLASS (care_review_row_parent_class)->dispose (object);
}

static void
care_review_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CareReviewRow *self = CARE_REVIEW_ROW (object);

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
care_review_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CareReviewRow *self = CARE_REVIEW_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_review_row_class_init (CareReviewRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_review_row_dispose;
  object_class->get_property = care_review_row_get_property;
  object_class->set_property = care_review_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, CARE_TYPE_REVIEW_ITEM,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-review-row.ui");
}

static void
care_review_row_init (CareReviewRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CareReviewItem *
care_review_row_get_item (CareReviewRow *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_ROW (self), NULL);

  return self->item;
}
