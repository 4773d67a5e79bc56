/* care-query-item.c: a co-ordinator's query on a carer's timesheet, as a
 * list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "message" is the co-ordinator's question; "reply" is what the carer is
 * typing (care-query-card.c binds the entry to it both ways, so a refresh
 * that keeps the item keeps the answer); why the answer was not saved is
 * the "error" of CareFormItem.
 */
#include "care-config.h"

#include "care-query-item.h"
#include "care-ui-util.h"

struct _CareQueryItem
{
  CareFormItem parent_instance;

  char *review;
  char *message;
  char *reply;
};

G_DEFINE_FINAL_TYPE (CareQueryItem, care_query_item, CARE_TYPE_FORM_ITEM)

enum {
  PROP_0,
  PROP_REVIEW,
  PROP_MESSAGE,
  PROP_REPLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_query_item_finalize (GObject *object)
{
  CareQueryItem *self = CARE_QUERY_ITEM (object);

  g_free (self->review);
  g_free (self->message);
  g_free (self->reply);
  G_OBJECT_CLASS (care_query_item_parent_class)->finalize (object);
}

static void
care_query_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CareQueryItem *self = CARE_QUERY_ITEM (object);

  switch (prop_id)
    {
    case PROP_REVIEW:
      g_value_set_string (value, self->review);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_REPLY:
      g_value_set_string (value, self->reply);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_query_item_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CareQueryItem *self = CARE_QUERY_ITEM (object);

  switch (prop_id)
    {
    case PROP_REVIEW:
      g_free (self->review);
      self->review = g_value_dup_string (value);
      break;
    case PROP_MESSAGE:
      g_free (self->message);
      self->message = g_value_dup_string (value);
      break;
    case PROP_REPLY:
      if (care_set_string (&self->reply, g_value_get_string (value) != NULL ? g_value_get_string (value) : ""))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_query_item_class_init (CareQueryItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = care_query_item_finalize;
  object_class->get_property = care_query_item_get_property;
  object_class->set_property = care_query_item_set_property;

  properties[PROP_REVIEW] =
    g_param_spec_string ("review", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLY] = g_param_spec_string ("reply", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_query_item_init (CareQueryItem *self)
{
  self->reply = g_strdup ("");   /* bound to an entry, which takes no NULL */
}

CareQueryItem *
care_query_item_new (const char *review,
                     const char *message)
{
  return g_object_new (CARE_TYPE_QUERY_ITEM, "review", review, "message", message, NULL);
}

const char *
care_query_item_get_review (CareQueryItem *self)
{
  g_return_val_if_fail (CARE_IS_QUERY_ITEM (self), NULL);
  return self->review;
}

char *
care_query_item_dup_reply (CareQueryItem *self)
{
  g_return_val_if_fail (CARE_IS_QUERY_ITEM (self), NULL);
  return g_strstrip (g_strdup (self->reply));
}
