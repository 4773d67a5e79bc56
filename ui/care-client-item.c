/* care-client-item.c: one of the carer's clients, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-client-item.h"

struct _CareClientItem
{
  GObject parent_instance;

  char *id;
  char *name;
};

G_DEFINE_FINAL_TYPE (CareClientItem, care_client_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_client_item_finalize (GObject *object)
{
  CareClientItem *self = CARE_CLIENT_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  G_OBJECT_CLASS (care_client_item_parent_class)->finalize (object);
}

static void
care_client_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CareClientItem *self = CARE_CLIENT_ITEM (object);

  if (prop_id == PROP_NAME)
    g_value_set_string (value, self->name);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_client_item_class_init (CareClientItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_client_item_finalize;
  object_class->get_property = care_client_item_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_client_item_init (CareClientItem *self)
{
}

CareClientItem *
care_client_item_new (const char *id,
                      const char *name)
{
  CareClientItem *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (CARE_TYPE_CLIENT_ITEM, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name != NULL ? name : id);
  return self;
}

const char *
care_client_item_get_id (CareClientItem *self)
{
  g_return_val_if_fail (CARE_IS_CLIENT_ITEM (self), NULL);
  return self->id;
}

const char *
care_client_item_get_name (CareClientItem *self)
{
  g_return_val_if_fail (CARE_IS_CLIENT_ITEM (self), NULL);
  return self->name;
}
