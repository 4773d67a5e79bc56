/* care-history-item.c: one entry of a visit's history, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The item holds the sentences a history row shows, made once from the
 * store's CareHistoryEntry; care-history-row.ui binds its labels to them.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-history-item.h"
#include "care-ui-util.h"

struct _CareHistoryItem
{
  GObject parent_instance;

  char *description;
  char *reason;   /* "Reason: …", NULL when the entry has none */
  char *meta;     /* time · sync state */
};

G_DEFINE_FINAL_TYPE (CareHistoryItem, care_history_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DESCRIPTION,
  PROP_REASON,
  PROP_HAS_REASON,
  PROP_META,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_history_item_finalize (GObject *object)
{
  CareHistoryItem *self = CARE_HISTORY_ITEM (object);

  g_free (self->description);
  g_free (self->reason);
  g_free (self->meta);
  G_OBJECT_CLASS (care_history_item_parent_class)->finalize (object);
}

static void
care_history_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareHistoryItem *self = CARE_HISTORY_ITEM (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_HAS_REASON:
      g_value_set_boolean (value, self->reason != NULL);
      break;
    case PROP_META:
      g_value_set_string (value, self->meta);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_history_item_class_init (CareHistoryItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_history_item_finalize;
  object_class->get_property = care_history_item_get_property;

  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_REASON] =
    g_param_spec_boolean ("has-reason", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_META] =
    g_param_spec_string ("meta", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_history_item_init (CareHistoryItem *self)
{
}

CareHistoryItem *
care_history_item_new (const CareHistoryEntry *entry,
                       GTimeZone              *tz)
{
  CareHistoryItem *self;
  g_autofree char *time = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (CARE_TYPE_HISTORY_ITEM, NULL);
  time = care_format_time (entry->wall, tz);
  self->description = g_strdup (entry->description != NULL ? entry->description : "");
  if (entry->reason != NULL && *entry->reason)
    self->reason = g_strdup_printf (_("Reason: %s"), entry->reason);
  self->meta = g_strdup_printf ("%s · %s", time,
                                care_sync_state_label (entry->sync, CARE_REVIEW_NONE));
  return self;
}
