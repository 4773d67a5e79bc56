/* care-timesheet-item.c: one carer's week on the Timesheets page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the row shows is read from properties (the row's template binds to
 * them): the name, the summary line, which actions the week's review state
 * allows, and the warnings shown before an approval.
 */
#include "care-config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "care-timesheet-item.h"
#include "care-ui-util.h"

struct _CareTimesheetItem
{
  GObject parent_instance;

  CareWeekHours *week;
  char *name;
  char *warnings;
  GListStore *days;
};

G_DEFINE_FINAL_TYPE (CareTimesheetItem, care_timesheet_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CARER,
  PROP_NAME,
  PROP_SUMMARY,
  PROP_OFF_PLAN,
  PROP_APPROVABLE,
  PROP_CHANGED,
  PROP_WITHDRAWABLE,
  PROP_WARNINGS,
  PROP_HAS_WARNINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_timesheet_item_finalize (GObject *object)
{
  CareTimesheetItem *self = CARE_TIMESHEET_ITEM (object);

  g_clear_pointer (&self->week, care_week_hours_free);
  g_free (self->name);
  g_free (self->warnings);
  g_clear_object (&self->days);
  G_OBJECT_CLASS (care_timesheet_item_parent_class)->finalize (object);
}

static char *
summary (CareTimesheetItem *self)
{
  g_autofree char *total = care_format_minutes (self->week->total_minutes);
  g_autofree char *planned = care_format_minutes (self->week->planned_minutes);

  return g_strdup_printf (_("%s worked of %s planned · %s"), total, planned,
                          care_review_state_label (self->week->review));
}

static void
care_timesheet_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CareTimesheetItem *self = CARE_TIMESHEET_ITEM (object);
  CareReviewState review = self->week->review;

  switch (prop_id)
    {
    case PROP_CARER:
      g_value_set_string (value, self->week->carer);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SUMMARY:
      g_value_take_string (value, summary (self));
      break;
    case PROP_OFF_PLAN:
      g_value_set_boolean (value, self->week->total_minutes != self->week->planned_minutes);
      break;
    case PROP_APPROVABLE:
      g_value_set_boolean (value, review != CARE_REVIEW_APPROVED);
      break;
    case PROP_CHANGED:
      g_value_set_boolean (value, review == CARE_REVIEW_CHANGED);
      break;
    case PROP_WITHDRAWABLE:
      g_value_set_boolean (value, review == CARE_REVIEW_APPROVED || review == CARE_REVIEW_CHANGED);
      break;
    case PROP_WARNINGS:
      g_value_set_string (value, self->warnings);
      break;
    case PROP_HAS_WARNINGS:
      g_value_set_boolean (value, self->warnings != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_timesheet_item_class_init (CareTimesheetItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = care_timesheet_item_finalize;
  object_class->get_property = care_timesheet_item_get_property;

  properties[PROP_CARER] = g_param_spec_string ("carer", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);
  properties[PROP_OFF_PLAN] = g_param_spec_boolean ("off-plan", NULL, NULL, FALSE, ro);
  properties[PROP_APPROVABLE] = g_param_spec_boolean ("approvable", NULL, NULL, FALSE, ro);
  properties[PROP_CHANGED] = g_param_spec_boolean ("changed", NULL, NULL, FALSE, ro);
  properties[PROP_WITHDRAWABLE] = g_param_spec_boolean ("withdrawable", NULL, NULL, FALSE, ro);
  properties[PROP_WARNINGS] = g_param_spec_string ("warnings", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_WARNINGS] = g_param_spec_boolean ("has-warnings", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_timesheet_item_init (CareTimesheetItem *self)
{
}

CareTimesheetItem *
care_timesheet_item_new (CareWeekHours *week,
                         const char    *name)
{
  static const char *const day_names[] = {
    N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
  };
  CareTimesheetItem *self = g_object_new (CARE_TYPE_TIMESHEET_ITEM, NULL);

  self->week = week;
  self->name = g_strdup (name);
  self->days = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  for (guint d = 0; d < 7; d++)
    {
      const CareDayHours *h = &week->days[d];
      gint64 manual = h->travel_minutes + h->training_minutes + h->other_minutes;
      g_autofree char *visits = care_format_minutes (h->visit_minutes);
      /* Travel, training and other time each by its name, as the carer's
       * hours page shows them. */
      g_autofree char *kinds = care_format_day_hours (h, "\n");
      g_autofree char *text = g_strdup_printf ("%s\n%s", _(day_names[d]), manual > 0 ? kinds : visits);
      g_autoptr(GtkStringObject) day = gtk_string_object_new (text);

      g_list_store_append (self->days, day);
    }
  return self;
}

const char *
care_timesheet_item_get_carer (CareTimesheetItem *self)
{
  g_return_val_if_fail (CARE_IS_TIMESHEET_ITEM (self), NULL);
  return self->week->carer;
}

const char *
care_timesheet_item_get_name (CareTimesheetItem *self)
{
  g_return_val_if_fail (CARE_IS_TIMESHEET_ITEM (self), NULL);
  return self->name;
}

GListModel *
care_timesheet_item_get_days (CareTimesheetItem *self)
{
  g_return_val_if_fail (CARE_IS_TIMESHEET_ITEM (self), NULL);
  return G_LIST_MODEL (self->days);
}

void
care_timesheet_item_set_warnings (CareTimesheetItem *self,
                                  const char        *text)
{
  g_return_if_fail (CARE_IS_TIMESHEET_ITEM (self));
  if (g_strcmp0 (self->warnings, text) == 0)
    return;
  g_free (self->warnings);
  self->warnings = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNINGS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_WARNINGS]);
}
