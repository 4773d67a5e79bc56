/* care-timesheet.c: timesheets per carer per ISO week, for supervisors.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-timesheet.h"

/* Visits are read in pages of this many, in windows of this long. */
#define PAGE_SIZE 10000
#define WINDOW_MS G_GINT64_CONSTANT (24 * 60 * 60 * 1000)

void
care_timesheet_iso_week (const GDate *day,
                         int         *iso_year,
                         int         *iso_week)
{
  GDate thursday = *day;
  int weekday = g_date_get_weekday (day); /* Monday 1 .. Sunday 7 */

  /* The week belongs to the year that holds its Thursday. */
  if (weekday < 4)
    g_date_add_days (&thursday, 4 - weekday);
  else if (weekday > 4)
    g_date_subtract_days (&thursday, weekday - 4);
  *iso_year = g_date_get_year (&thursday);
  *iso_week = g_date_get_iso8601_week_of_year (day);
}

void
care_timesheet_week_monday (int    iso_year,
                            int    iso_week,
                            GDate *monday)
{
  /* 4 January is always in week 1. */
  g_date_clear (monday, 1);
  g_date_set_dmy (monday, 4, G_DATE_JANUARY, iso_year);
  g_date_subtract_days (monday, g_date_get_weekday (monday) - 1);
  g_date_add_days (monday, (iso_week - 1) * 7);
}

static gint64
midnight (GTimeZone   *tz,
          const GDate *day)
{
  g_autoptr(GDateTime) dt = g_date_time_new (tz, g_date_get_year (day), g_date_get_month (day),
                                             g_date_get_day (day), 0, 0, 0);

  return g_date_time_to_unix (dt) * 1000;
}

void
care_timesheet_day_range (GTimeZone   *tz,
                          const GDate *first,
                          const GDate *last,
                          gint64      *from,
                          gint64      *to)
{
  GDate after = *last;

  g_date_add_days (&after, 1);
  *from = midnight (tz, first);
  *to = midnight (tz, &after);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* One query's worth of visits: all of [from, to), paged by offset. */
static gboolean
foreach_in_range (CareStore             *store,
                  const CareVisitFilter *filter,
                  CareVisitFunc          func,
                  gpointer               user_data,
                  GError               **error)
{
  CareVisitFilter page = *filter;

  page.offset = 0;
  page.limit = PAGE_SIZE;
  for (;;) {
    g_autoptr(GPtrArray) visits = care_store_list_visits (store, &page, error);

    if (visits == NULL)
      return FALSE;
    for (guint i = 0; i < visits->len; i++)
      if (!func (g_ptr_array_index (visits, i), user_data, error))
        return FALSE;
    if (visits->len < PAGE_SIZE)
      return TRUE;
    page.offset += visits->len;
  }
}

gboolean
care_timesheet_foreach_visit (CareStore             *store,
                              const CareVisitFilter *filter,
                              CareVisitFunc          func,
                              gpointer               user_data,
                              GError               **error)
{
  CareVisitFilter window;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);

  /* An open period cannot be cut into windows. */
  if (filter->from == 0 || filter->to == 0 || filter->to - filter->from <= WINDOW_MS)
    return foreach_in_range (store, filter, func, user_data, error);

  window = *filter;
  for (gint64 end = filter->to; end > filter->from; end = window.from) {
    window.to = end;
    window.from = MAX (filter->from, end - WINDOW_MS);
    if (!foreach_in_range (store, &window, func, user_data, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
add_carer (const CareVisitSummary *s,
           gpointer                user_data,
           GError                **error)
{
  GHashTable *seen = user_data;

  if (s->carer != NULL && !g_hash_table_contains (seen, s->carer))
    g_hash_table_add (seen, g_strdup (s->carer));
  return TRUE;
}

GPtrArray *
care_timesheet_list_carers (CareStore *store,
                            gint64     from,
                            gint64     to,
                            GError   **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) carers = g_ptr_array_new_with_free_func (g_free);
  CareVisitFilter filter = { 0 };
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  filter.from = from;
  filter.to = to;
  filter.review = -1;
  if (!care_timesheet_foreach_visit (store, &filter, add_carer, seen, error))
    return NULL;

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (carers, g_strdup (key));
  g_ptr_array_sort (carers, compare_strings);
  return g_steal_pointer (&carers);
}

GPtrArray *
care_timesheet_read_week (CareStore *store,
                          int        iso_year,
                          int        iso_week,
                          GError   **error)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (store);
  g_autoptr(GPtrArray) carers = NULL;
  g_autoptr(GPtrArray) weeks = g_ptr_array_new_with_free_func ((GDestroyNotify) care_week_hours_free);
  GDate monday, sunday;
  gint64 from, to;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  care_timesheet_week_monday (iso_year, iso_week, &monday);
  sunday = monday;
  g_date_add_days (&sunday, 6);
  /* A visit that started late on the Sunday before counts in this week. */
  g_date_subtract_days (&monday, 1);
  care_timesheet_day_range (tz, &monday, &sunday, &from, &to);
  carers = care_timesheet_list_carers (store, from, to, error);
  if (carers == NULL)
    return NULL;
  for (guint i = 0; i < carers->len; i++) {
    CareWeekHours *week = care_store_get_week_hours (store, g_ptr_array_index (carers, i),
                                                     iso_year, iso_week, error);

    if (week == NULL)
      return NULL;
    g_ptr_array_add (weeks, week);
  }
  return g_steal_pointer (&weeks);
}
