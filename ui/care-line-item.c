/* care-line-item.c: one line of a visit's record, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line does not change once made: a new read of the visit makes new
 * lines.
 */
#include "care-config.h"

#include "care-line-item.h"

struct _CareLineItem
{
  GObject parent_instance;

  char *title;
  char *value;
  char *amount;
  char *tone;
  char *name;
};

G_DEFINE_FINAL_TYPE (CareLineItem, care_line_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_VALUE,
  PROP_HAS_VALUE,
  PROP_AMOUNT,
  PROP_HAS_AMOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_line_item_finalize (GObject *object)
{
  CareLineItem *self = CARE_LINE_ITEM (object);

  g_free (self->title);
  g_free (self->value);
  g_free (self->amount);
  g_free (self->tone);
  g_free (self->name);
  G_OBJECT_CLASS (care_line_item_parent_class)->finalize (object);
}

static void
care_line_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CareLineItem *self = CARE_LINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    case PROP_HAS_VALUE:
      g_value_set_boolean (value, self->value != NULL);
      break;
    case PROP_AMOUNT:
      g_value_set_string (value, self->amount);
      break;
    case PROP_HAS_AMOUNT:
      g_value_set_boolean (value, self->amount != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_line_item_class_init (CareLineItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_line_item_finalize;
  object_class->get_property = care_line_item_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_VALUE] =
    g_param_spec_boolean ("has-value", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* A figure at the end of the line, e.g. a day's hours. */
  properties[PROP_AMOUNT] =
    g_param_spec_string ("amount", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_AMOUNT] =
    g_param_spec_boolean ("has-amount", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_line_item_init (CareLineItem *self)
{
}

CareLineItem *
care_line_item_new (const char *title,
                    const char *value,
                    const char *tone,
                    const char *name)
{
  CareLineItem *self = g_object_new (CARE_TYPE_LINE_ITEM, NULL);

  self->title = g_strdup (title != NULL ? title : "");
  self->value = g_strdup (value != NULL && *value != '\0' ? value : "—");
  self->tone = g_strdup (tone);
  self->name = g_strdup (name);
  return self;
}

CareLineItem *
care_line_item_new_amount (const char *title,
                           const char *value,
                           const char *amount,
                           const char *tone,
                           const char *name)
{
  CareLineItem *self = g_object_new (CARE_TYPE_LINE_ITEM, NULL);

  self->title = g_strdup (title != NULL ? title : "");
  self->value = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  self->amount = g_strdup (amount);
  self->tone = g_strdup (tone);
  self->name = g_strdup (name);
  return self;
}

const char *
care_line_item_get_title (CareLineItem *self)
{
  g_return_val_if_fail (CARE_IS_LINE_ITEM (self), NULL);
  return self->title;
}

const char *
care_line_item_get_tone (CareLineItem *self)
{
  g_return_val_if_fail (CARE_IS_LINE_ITEM (self), NULL);
  return self->tone;
}

const char *
care_line_item_get_name (CareLineItem *self)
{
  g_return_val_if_fail (CARE_IS_LINE_ITEM (self), NULL);
  return self->name;
}
