/* care-review-util.c: labels and formatting for the supervisor's pages.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-review-util.h"

const char *
care_review_flag_label (guint bit)
{
  switch (1u << bit) {
    case CARE_VISIT_FLAG_SAFEGUARDING:
      return _("Safeguarding concern");
    case CARE_VISIT_FLAG_MISSED:
      return _("Missed");
    case CARE_VISIT_FLAG_LATE_START:
      return _("Late start");
    case CARE_VISIT_FLAG_SHORT:
      return _("Short visit");
    case CARE_VISIT_FLAG_AMENDED:
      return _("Amended");
    case CARE_VISIT_FLAG_CLOCK_WARNING:
      return _("Device clock");
    case CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE:
      return _("Essential task not done");
    default:
      return "";
  }
}

const char *
care_review_flag_css_class (guint bit)
{
  switch (1u << bit) {
    case CARE_VISIT_FLAG_SAFEGUARDING:
    case CARE_VISIT_FLAG_MISSED:
    case CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE:
      return "error";
    default:
      return "warning";
  }
}

const char *
care_review_sync_label (CareSyncState sync)
{
  switch (sync) {
    case CARE_SYNC_LOCAL:
      return _("Not yet at the co-op");
    case CARE_SYNC_SYNCED:
      return _("Reached the co-op");
    case CARE_SYNC_QUARANTINED:
      return _("Refused by the co-op");
    default:
      return "";
  }
}

char *
care_review_received_label (CareSyncState sync,
                            gint64        received,
                            GTimeZone    *tz)
{
  if (received > 0) {
    g_autofree char *at = care_review_format_datetime (received, tz);

    /* Translators: %s is a date and time, e.g. "Mon 23 Nov 2026, 10:42". */
    return g_strdup_printf (_("Received by the co-op at %s"), at);
  }
  if (sync == CARE_SYNC_LOCAL)
    return g_strdup (_("Not yet received by the co-op"));
  return g_strdup (care_review_sync_label (sync));
}

static GDateTime *
local_time (gint64     ms,
            GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);

  return utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
}

char *
care_review_format_datetime (gint64     ms,
                             GTimeZone *tz)
{
  g_autoptr(GDateTime) local = NULL;

  if (ms == 0 || (local = local_time (ms, tz)) == NULL)
    return g_strdup ("—");
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%a %e %b %Y, %H:%M"));
}

char *
care_review_format_date (gint64     ms,
                         GTimeZone *tz)
{
  g_autoptr(GDateTime) local = NULL;

  if (ms == 0 || (local = local_time (ms, tz)) == NULL)
    return g_strdup ("—");
  /* Translators: a date, see g_date_time_format() */
  return g_date_time_format (local, _("%a %e %b %Y"));
}

char *
care_review_format_time (gint64     ms,
                         GTimeZone *tz)
{
  g_autoptr(GDateTime) local = NULL;

  if (ms == 0 || (local = local_time (ms, tz)) == NULL)
    return g_strdup ("—");
  /* Translators: a time of day, see g_date_time_format() */
  return g_date_time_format (local, _("%H:%M"));
}

char *
care_review_format_minutes (gint64 minutes)
{
  if (minutes < 0)
    return g_strdup ("—");
  /* Translators: hours and minutes, e.g. "7:05" */
  return g_strdup_printf (_("%d:%02d"), (int) (minutes / 60), (int) (minutes % 60));
}

gint64
care_review_day_start (gint64     ms,
                       GTimeZone *tz,
                       int        days)
{
  g_autoptr(GDateTime) local = local_time (ms, tz);
  g_autoptr(GDateTime) midnight = NULL;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  if (days > 0)
    g_date_add_days (&day, days);
  else if (days < 0)
    g_date_subtract_days (&day, -days);
  midnight = g_date_time_new (tz, g_date_get_year (&day), g_date_get_month (&day),
                              g_date_get_day (&day), 0, 0, 0);
  return g_date_time_to_unix (midnight) * 1000;
}

