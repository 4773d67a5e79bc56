/* care-message-item.c: a family's message to the co-ordinators, as a list
 * item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-message-item.h"
#include "care-ui-util.h"

struct _CareMessageItem
{
  GObject parent_instance;

  char *who;
  char *text;
  char *when;
};

G_DEFINE_FINAL_TYPE (CareMessageItem, care_message_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WHO,
  PROP_TEXT,
  PROP_WHEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_message_item_finalize (GObject *object)
{
  CareMessageItem *self = CARE_MESSAGE_ITEM (object);

  g_free (self->who);
  g_free (self->text);
  g_free (self->when);
  G_OBJECT_CLASS (care_message_item_parent_class)->finalize (object);
}

static void
care_message_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareMessageItem *self = CARE_MESSAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_WHO:
      g_value_set_string (value, self->who);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_WHEN:
      g_value_set_string (value, self->when);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_message_item_class_init (CareMessageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = care_message_item_finalize;
  object_class->get_property = care_message_item_get_property;

  /* "Elena Gallo about Dorothy Evans" */
  properties[PROP_WHO] = g_param_spec_string ("who", NULL, NULL, NULL, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_WHEN] = g_param_spec_string ("when", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_message_item_init (CareMessageItem *self)
{
}

CareMessageItem *
care_message_item_new (const CareFamilyMessage *m,
                       GTimeZone               *tz)
{
  CareMessageItem *self;

  g_return_val_if_fail (m != NULL, NULL);

  self = g_object_new (CARE_TYPE_MESSAGE_ITEM, NULL);
  /* Translators: "Elena Gallo about Dorothy Evans". */
  self->who = g_strdup_printf (_("%s about %s"), m->author_name != NULL ? m->author_name : m->author,
                               m->client_name != NULL ? m->client_name : m->client);
  self->text = g_strdup (m->text);
  self->when = care_format_time (m->wall, tz);
  return self;
}
