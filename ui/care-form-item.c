/* care-form-item.c: a list item the carer writes in.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The items of cards with a form (CareQueryItem, CareRefusalItem) derive
 * from this: "error" is why what the carer wrote was not saved, and
 * "has-error" whether there is one; the cards' templates bind a label's
 * text and visibility to them.
 */
#include "care-config.h"

#include "care-form-item.h"
#include "care-ui-util.h"

typedef struct
{
  char *error;
} CareFormItemPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (CareFormItem, care_form_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ERROR,
  PROP_HAS_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_form_item_finalize (GObject *object)
{
  CareFormItemPrivate *priv = care_form_item_get_instance_private (CARE_FORM_ITEM (object));

  g_free (priv->error);
  G_OBJECT_CLASS (care_form_item_parent_class)->finalize (object);
}

static void
care_form_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CareFormItemPrivate *priv = care_form_item_get_instance_private (CARE_FORM_ITEM (object));

  switch (prop_id)
    {
    case PROP_ERROR:
      g_value_set_string (value, priv->error);
      break;
    case PROP_HAS_ERROR:
      g_value_set_boolean (value, priv->error != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_form_item_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  if (prop_id == PROP_ERROR)
    care_form_item_set_error (CARE_FORM_ITEM (object), g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_form_item_class_init (CareFormItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_form_item_finalize;
  object_class->get_property = care_form_item_get_property;
  object_class->set_property = care_form_item_set_property;

  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_ERROR] =
    g_param_spec_boolean ("has-error", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_form_item_init (CareFormItem *self)
{
}

void
care_form_item_set_error (CareFormItem *self,
                          const char   *message)
{
  CareFormItemPrivate *priv;
  gboolean had;

  g_return_if_fail (CARE_IS_FORM_ITEM (self));

  priv = care_form_item_get_instance_private (self);
  had = priv->error != NULL;
  if (!care_set_string (&priv->error, message))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  if (had != (message != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ERROR]);
}

const char *
care_form_item_get_error (CareFormItem *self)
{
  CareFormItemPrivate *priv;

  g_return_val_if_fail (CARE_IS_FORM_ITEM (self), NULL);

  priv = care_form_item_get_instance_private (self);
  return priv->error;
}
