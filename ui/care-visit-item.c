/* care-visit-item.c: one visit as a carer's lists show it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An item is made from one read of the store and does not change: a list
 * that reads again replaces its items, and the rows bound to them follow.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-ui-util.h"
#include "care-visit-item.h"

struct _CareVisitItem
{
  GObject parent_instance;

  CareVisitSummary *summary;
  char *time;
  char *day;
  char *details;
  char *open_query;
  char *accessible;
};

G_DEFINE_FINAL_TYPE (CareVisitItem, care_visit_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME,
  PROP_DAY,
  PROP_HAS_DAY,
  PROP_CLIENT_NAME,
  PROP_DETAILS,
  PROP_STATE_LABEL,
  PROP_STATE_CLASSES,
  PROP_HAS_SYNC,
  PROP_SYNC_LABEL,
  PROP_SYNC_ICON,
  PROP_QUERIED,
  PROP_OPEN_QUERY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
client_name (CareVisitItem *self)
{
  return self->summary->client_name != NULL ? self->summary->client_name : "";
}

static void
care_visit_item_finalize (GObject *object)
{
  CareVisitItem *self = CARE_VISIT_ITEM (object);

  g_clear_pointer (&self->summary, care_visit_summary_free);
  g_free (self->time);
  g_free (self->day);
  g_free (self->details);
  g_free (self->open_query);
  g_free (self->accessible);
  G_OBJECT_CLASS (care_visit_item_parent_class)->finalize (object);
}

static void
care_visit_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CareVisitItem *self = CARE_VISIT_ITEM (object);
  const CareVisitSummary *v = self->summary;

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;
    case PROP_DAY:
      g_value_set_string (value, self->day);
      break;
    case PROP_HAS_DAY:
      g_value_set_boolean (value, self->day != NULL);
      break;
    case PROP_CLIENT_NAME:
      g_value_set_string (value, client_name (self));
      break;
    case PROP_DETAILS:
      g_value_set_string (value, self->details);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, care_visit_state_label (v->state));
      break;
    case PROP_STATE_CLASSES:
      {
        const char *classes[] = { "visit-state", care_visit_state_css_class (v->state), NULL };

        g_value_set_boxed (value, classes);
      }
      break;
    case PROP_HAS_SYNC:
      g_value_set_boolean (value, v->visit != NULL);
      break;
    case PROP_SYNC_LABEL:
      g_value_set_string (value, care_sync_state_label (v->sync, v->review));
      break;
    case PROP_SYNC_ICON:
      g_value_set_string (value, care_sync_state_icon (v->sync, v->review));
      break;
    case PROP_QUERIED:
      g_value_set_boolean (value, v->review == CARE_REVIEW_QUERIED);
      break;
    case PROP_OPEN_QUERY:
      g_value_set_string (value, self->open_query);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_visit_item_class_init (CareVisitItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = care_visit_item_finalize;
  object_class->get_property = care_visit_item_get_property;

  /* The check-in time, else the planned start: "09:00". */
  properties[PROP_TIME] = g_param_spec_string ("time", NULL, NULL, NULL, flags);
  /* "Wed 2 Dec 2026" in lists that span days, else NULL. */
  properties[PROP_DAY] = g_param_spec_string ("day", NULL, NULL, NULL, flags);
  properties[PROP_HAS_DAY] = g_param_spec_boolean ("has-day", NULL, NULL, FALSE, flags);
  properties[PROP_CLIENT_NAME] = g_param_spec_string ("client-name", NULL, NULL, NULL, flags);
  /* The service and the address. */
  properties[PROP_DETAILS] = g_param_spec_string ("details", NULL, NULL, NULL, flags);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, flags);
  /* The state badge's style classes. */
  properties[PROP_STATE_CLASSES] = g_param_spec_boxed ("state-classes", NULL, NULL, G_TYPE_STRV, flags);
  /* Whether the visit has records (a planned visit not started has none). */
  properties[PROP_HAS_SYNC] = g_param_spec_boolean ("has-sync", NULL, NULL, FALSE, flags);
  properties[PROP_SYNC_LABEL] = g_param_spec_string ("sync-label", NULL, NULL, NULL, flags);
  properties[PROP_SYNC_ICON] = g_param_spec_string ("sync-icon", NULL, NULL, NULL, flags);
  properties[PROP_QUERIED] = g_param_spec_boolean ("queried", NULL, NULL, FALSE, flags);
  /* "A co-ordinator asked: …" for an open query, else NULL. */
  properties[PROP_OPEN_QUERY] = g_param_spec_string ("open-query", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_visit_item_init (CareVisitItem *self)
{
}

CareVisitItem *
care_visit_item_new (CareVisitSummary *summary,
                     GTimeZone        *tz,
                     gboolean          with_day)
{
  CareVisitItem *self;
  const char *service;
  gint64 at;

  g_return_val_if_fail (summary != NULL, NULL);

  self = g_object_new (CARE_TYPE_VISIT_ITEM, NULL);
  self->summary = summary;
  at = summary->started_at > 0 ? summary->started_at : summary->planned_start;
  self->time = at > 0 ? care_format_time (at, tz) : g_strdup ("--:--");
  if (with_day && at > 0)
    self->day = care_format_date (at, tz);
  service = care_service_label (summary->service);
  if (summary->client_address != NULL && *summary->client_address)
    self->details = g_strdup_printf ("%s · %s", service, summary->client_address);
  else
    self->details = g_strdup (service);
  if (summary->review == CARE_REVIEW_QUERIED && summary->open_query != NULL)
    self->open_query = g_strdup_printf (_("A co-ordinator asked: %s"), summary->open_query);
  if (summary->visit != NULL)
    self->accessible = g_strdup_printf (_("%s, %s, %s, %s"),
                                        self->day != NULL ? self->day : self->time,
                                        client_name (self),
                                        care_visit_state_label (summary->state),
                                        care_sync_state_label (summary->sync, summary->review));
  else
    self->accessible = g_strdup_printf (_("%s, %s, %s"), self->time, client_name (self),
                                        care_visit_state_label (summary->state));
  return self;
}

const CareVisitSummary *
care_visit_item_get_summary (CareVisitItem *self)
{
  g_return_val_if_fail (CARE_IS_VISIT_ITEM (self), NULL);

  return self->summary;
}

const char *
care_visit_item_get_accessible_label (CareVisitItem *self)
{
  g_return_val_if_fail (CARE_IS_VISIT_ITEM (self), NULL);

  return self->accessible;
}

gboolean
care_visit_item_shows (CareVisitItem          *self,
                       const CareVisitSummary *summary)
{
  const CareVisitSummary *v;

  g_return_val_if_fail (CARE_IS_VISIT_ITEM (self), FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  v = self->summary;
  return g_strcmp0 (v->visit, summary->visit) == 0 && g_strcmp0 (v->schedule, summary->schedule) == 0
         && g_strcmp0 (v->client_name, summary->client_name) == 0
         && g_strcmp0 (v->client_address, summary->client_address) == 0
         && g_strcmp0 (v->service, summary->service) == 0 && v->planned_start == summary->planned_start
         && v->started_at == summary->started_at && v->state == summary->state && v->sync == summary->sync
         && v->review == summary->review && g_strcmp0 (v->open_query, summary->open_query) == 0;
}
