/* care-export.c: CSV exports of visits and hours (payroll).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files follow RFC 4180: a header row, comma-separated fields, CRLF line
 * ends, fields holding a comma, a double quote, CR or LF enclosed in double
 * quotes with inner quotes doubled. Text is UTF-8 without a byte-order mark.
 * Free-text fields (names, addresses, messages) that begin with a character
 * a spreadsheet would read as a formula (= + - @ tab CR) get a leading
 * apostrophe so that opening the file never runs anything. Columns are
 * documented in docs/exports.md; keep the two in step.
 */

#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-export.h"
#include "care-timesheet.h"

/* Output is gathered in a buffer and written when it passes this size. */
#define FLUSH_SIZE (64 * 1024)

typedef struct
{
  GOutputStream *out;
  GString *buf;
  gboolean first_field;
} CsvWriter;

static const char *const flag_names[] = {
  "safeguarding",
  "missed",
  "late-start",
  "short",
  "amended",
  "clock-warning",
  "essential-task-not-done",
};

static void
csv_init (CsvWriter     *w,
          GOutputStream *out)
{
  w->out = out;
  w->buf = g_string_sized_new (FLUSH_SIZE + 4096);
  w->first_field = TRUE;
}

static void
csv_clear (CsvWriter *w)
{
  g_string_free (w->buf, TRUE);
  w->buf = NULL;
}

static gboolean
csv_flush (CsvWriter *w,
           GError   **error)
{
  if (w->buf->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (w->out, w->buf->str, w->buf->len, NULL, NULL, error))
    return FALSE;
  g_string_truncate (w->buf, 0);
  return TRUE;
}

static void
csv_separator (CsvWriter *w)
{
  if (!w->first_field)
    g_string_append_c (w->buf, ',');
  w->first_field = FALSE;
}

/* A field exactly as given, quoted when RFC 4180 requires it. */
static void
csv_field (CsvWriter  *w,
           const char *value)
{
  csv_separator (w);
  if (value == NULL || *value == '\0')
    return;
  if (strpbrk (value, ",\"\r\n") == NULL) {
    g_string_append (w->buf, value);
    return;
  }
  g_string_append_c (w->buf, '"');
  for (const char *p = value; *p != '\0'; p++) {
    if (*p == '"')
      g_string_append_c (w->buf, '"');
    g_string_append_c (w->buf, *p);
  }
  g_string_append_c (w->buf, '"');
}

/* Free text typed by a person: neutralised against formula injection. */
static void
csv_text (CsvWriter  *w,
          const char *value)
{
  g_autofree char *safe = NULL;

  if (value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
    value = safe = g_strconcat ("'", value, NULL);
  csv_field (w, value);
}

static void
csv_int (CsvWriter *w,
         gint64     value)
{
  csv_separator (w);
  g_string_append_printf (w->buf, "%" G_GINT64_FORMAT, value);
}

static gboolean
csv_end_row (CsvWriter *w,
             GError   **error)
{
  g_string_append (w->buf, "\r\n");
  w->first_field = TRUE;
  if (w->buf->len >= FLUSH_SIZE)
    return csv_flush (w, error);
  return TRUE;
}

static gboolean
csv_header (CsvWriter         *w,
            const char *const *names,
            GError           **error)
{
  for (guint i = 0; names[i] != NULL; i++)
    csv_field (w, names[i]);
  return csv_end_row (w, error);
}

/* Local civil time of an instant: the zone's offset at that instant (so
 * the repeated autumn hour gets the right one), then the proleptic
 * Gregorian calendar from the day count (H. Hinnant's days-to-civil). This
 * runs five times per exported visit, so it avoids GDateTime and its
 * allocations. */
typedef struct
{
  int year, month, day, hour, minute, second;
  int offset;              /* seconds east of UTC */
} Civil;

static void
civil_from_ms (GTimeZone *tz,
               gint64     ms,
               Civil     *c)
{
  gint64 secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, secs);
  gint64 local, days, rem, z, era, doe, yoe, doy, mp;

  c->offset = interval >= 0 ? g_time_zone_get_offset (tz, interval) : 0;
  local = secs + c->offset;
  days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  rem = local - days * 86400;
  c->hour = rem / 3600;
  c->minute = rem % 3600 / 60;
  c->second = rem % 60;

  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  c->day = doy - (153 * mp + 2) / 5 + 1;
  c->month = mp < 10 ? mp + 3 : mp - 9;
  c->year = yoe + era * 400 + (c->month <= 2);
}

/* "2026-03-29T03:30:00+02:00" in the co-op's zone; empty for 0 (no time). */
static void
csv_time (CsvWriter *w,
          GTimeZone *tz,
          gint64     ms)
{
  Civil c;
  int off;

  csv_separator (w);
  if (ms == 0)
    return;
  civil_from_ms (tz, ms, &c);
  off = ABS (c.offset) / 60;
  g_string_append_printf (w->buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year, c.month,
                          c.day, c.hour, c.minute, c.second, c.offset < 0 ? '-' : '+', off / 60,
                          off % 60);
}

static void
csv_day_of (CsvWriter *w,
            GTimeZone *tz,
            gint64     ms)
{
  Civil c;

  csv_separator (w);
  if (ms == 0)
    return;
  civil_from_ms (tz, ms, &c);
  g_string_append_printf (w->buf, "%04d-%02d-%02d", c.year, c.month, c.day);
}

static const char *
state_name (CareVisitState state)
{
  switch (state) {
    case CARE_VISIT_UPCOMING:
      return "upcoming";
    case CARE_VISIT_LATE:
      return "late";
    case CARE_VISIT_IN_PROGRESS:
      return "in-progress";
    case CARE_VISIT_DONE:
      return "done";
    case CARE_VISIT_MISSED:
      return "missed";
    case CARE_VISIT_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
  }
}

static const char *
review_name (CareReviewState review)
{
  switch (review) {
    case CARE_REVIEW_NONE:
      return "none";
    case CARE_REVIEW_APPROVED:
      return "approved";
    case CARE_REVIEW_QUERIED:
      return "queried";
    case CARE_REVIEW_FLAGGED:
      return "flagged";
    case CARE_REVIEW_CHANGED:
      return "changed-after-approval";
    default:
      return "unknown";
  }
}

static const char *
sync_name (CareSyncState sync)
{
  switch (sync) {
    case CARE_SYNC_LOCAL:
      return "local";
    case CARE_SYNC_SYNCED:
      return "synced";
    case CARE_SYNC_QUARANTINED:
      return "quarantined";
    case CARE_SYNC_SET_ASIDE:
      return "put-right";
    case CARE_SYNC_HELD:
      return "held";
    default:
      return "unknown";
  }
}

static void
csv_flags (CsvWriter *w,
           guint      flags)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint bit = 0; bit < G_N_ELEMENTS (flag_names); bit++) {
    if ((flags & (1u << bit)) == 0)
      continue;
    if (text->len > 0)
      g_string_append_c (text, ';');
    g_string_append (text, flag_names[bit]);
  }
  csv_field (w, text->str);
}

/* Whole minutes of real elapsed time between two instants, rounded to the
 * nearest minute; 0 when the visit did not take place (cancelled, not
 * started or not finished). */
static gint64
counted_minutes (const CareVisitSummary *s)
{
  gint64 ms;

  if (s->state == CARE_VISIT_CANCELLED || s->started_at == 0 || s->finished_at == 0)
    return 0;
  ms = s->finished_at - s->started_at;
  if (ms <= 0)
    return 0;
  return (ms + 30000) / 60000;
}

static const char *const visit_columns[] = {
  "visit_id",
  "schedule_id",
  "carer_id",
  "carer_name",
  "client_id",
  "client_name",
  "location",
  "service",
  "date",
  "planned_start",
  "planned_minutes",
  "start",
  "end",
  "recorded_start",
  "recorded_end",
  "minutes",
  "state",
  "review",
  "exceptions",
  "open_query",
  "sync",
  "timezone",
  "client_verification",
  "verified_by",
  "not_verified_reason",
  NULL,
};

static void
write_visit_row (CsvWriter              *w,
                 const CareVisitSummary *s,
                 GTimeZone              *tz,
                 const char             *tz_name)
{
  csv_field (w, s->visit);
  csv_field (w, s->schedule);
  csv_field (w, s->carer);
  csv_text (w, s->carer_name);
  csv_field (w, s->client);
  csv_text (w, s->client_name);
  csv_text (w, s->client_address);
  csv_text (w, s->service);
  csv_day_of (w, tz, s->started_at != 0 ? s->started_at : s->planned_start);
  csv_time (w, tz, s->planned_start);
  if (s->planned_start != 0)
    csv_int (w, s->planned_minutes);
  else
    csv_field (w, NULL);
  csv_time (w, tz, s->started_at);
  csv_time (w, tz, s->finished_at);
  csv_time (w, tz, s->recorded_started_at);
  csv_time (w, tz, s->recorded_finished_at);
  csv_int (w, counted_minutes (s));
  csv_field (w, state_name (s->state));
  csv_field (w, review_name (s->review));
  csv_flags (w, s->flags);
  csv_text (w, s->open_query);
  csv_field (w, sync_name (s->sync));
  csv_field (w, tz_name);
}

/* The IANA name of the co-op's zone, or its current UTC offset when the
 * zone has no name (the local zone of some systems). */
static char *
zone_name (GTimeZone *tz)
{
  const char *id = g_time_zone_get_identifier (tz);

  if (id != NULL && *id != '\0' && g_strcmp0 (id, "local") != 0)
    return g_strdup (id);
  else {
    g_autoptr(GDateTime) now = g_date_time_new_now (tz);
    return g_date_time_format (now, "UTC%:z");
  }
}

typedef struct
{
  CsvWriter *w;
  CareStore *store;
  GTimeZone *tz;
  const char *tz_name;
} VisitRows;

static gboolean
visit_row_cb (const CareVisitSummary *s,
              gpointer                user_data,
              GError                **error)
{
  VisitRows *rows = user_data;

  g_autofree char *outcome = NULL, *by = NULL, *reason = NULL;

  write_visit_row (rows->w, s, rows->tz, rows->tz_name);
  /* The EVV client verification (visit.verified, the latest). */
  care_store_get_verification (rows->store, s->visit, &outcome, &by, &reason);
  csv_field (rows->w, outcome);
  csv_field (rows->w, by);
  csv_field (rows->w, reason);
  return csv_end_row (rows->w, error);
}

gboolean
care_export_visits_csv (CareStore             *store,
                        const CareVisitFilter *filter,
                        GOutputStream         *out,
                        GError               **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *tz_name = NULL;
  CareVisitFilter all = { 0 };
  CsvWriter w;
  VisitRows rows;
  gboolean ok;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tz = care_store_get_timezone (store);
  tz_name = zone_name (tz);
  if (filter != NULL)
    all = *filter;
  else
    all.review = -1;

  csv_init (&w, out);
  rows.w = &w;
  rows.store = store;
  rows.tz = tz;
  rows.tz_name = tz_name;
  ok = csv_header (&w, visit_columns, error)
       && care_timesheet_foreach_visit (store, &all, visit_row_cb, &rows, error)
       && csv_flush (&w, error);
  csv_clear (&w);
  return ok;
}

/* Hours ------------------------------------------------------------------ */

static const char *const hours_columns[] = {
  "carer_id",
  "carer_name",
  "date",
  "iso_week",
  "visit_minutes",
  "travel_minutes",
  "training_minutes",
  "other_minutes",
  "total_minutes",
  "week_total_minutes",
  "week_planned_minutes",
  "week_review",
  "timezone",
  NULL,
};

static gboolean
write_carer_hours (CsvWriter   *w,
                   CareStore   *store,
                   const char  *carer,
                   const GDate *from,
                   const GDate *to,
                   gboolean     approved_only,
                   const char  *tz_name,
                   GError     **error)
{
  g_autofree char *name = care_store_get_member_name (store, carer);
  g_autoptr(CareWeekHours) week = NULL;
  GDate day = *from;

  for (; g_date_compare (&day, to) <= 0; g_date_add_days (&day, 1)) {
    const CareDayHours *h;
    int iso_year, iso_week;
    int index = g_date_get_weekday (&day) - 1;
    gint64 total;
    char date_text[16];
    char week_text[16];

    care_timesheet_iso_week (&day, &iso_year, &iso_week);
    if (week == NULL || week->iso_year != iso_year || week->iso_week != iso_week) {
      g_clear_pointer (&week, care_week_hours_free);
      week = care_store_get_week_hours (store, carer, iso_year, iso_week, error);
      if (week == NULL)
        return FALSE;
    }
    if (approved_only && week->review != CARE_REVIEW_APPROVED)
      continue;

    h = &week->days[index];
    total = h->visit_minutes + h->travel_minutes + h->training_minutes + h->other_minutes;
    if (total == 0)
      continue;

    g_date_strftime (date_text, sizeof date_text, "%Y-%m-%d", &day);
    g_snprintf (week_text, sizeof week_text, "%04d-W%02d", iso_year, iso_week);
    csv_field (w, carer);
    csv_text (w, name);
    csv_field (w, date_text);
    csv_field (w, week_text);
    csv_int (w, h->visit_minutes);
    csv_int (w, h->travel_minutes);
    csv_int (w, h->training_minutes);
    csv_int (w, h->other_minutes);
    csv_int (w, total);
    csv_int (w, week->total_minutes);
    csv_int (w, week->planned_minutes);
    csv_field (w, review_name (week->review));
    csv_field (w, tz_name);
    if (!csv_end_row (w, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
care_export_hours_csv (CareStore     *store,
                       const char    *carer,
                       const GDate   *from,
                       const GDate   *to,
                       gboolean       approved_only,
                       GOutputStream *out,
                       GError       **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *tz_name = NULL;
  g_autoptr(GPtrArray) carers = NULL;
  CsvWriter w;
  gboolean ok = FALSE;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (from != NULL && to != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_date_valid (from) || !g_date_valid (to)) {
    g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID,
                 _("The export period is not a valid pair of dates: choose a first and a last day."));
    return FALSE;
  }
  if (g_date_compare (from, to) > 0) {
    g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID,
                 _("The export period ends before it starts: choose a last day on or after the "
                   "first day."));
    return FALSE;
  }

  tz = care_store_get_timezone (store);
  tz_name = zone_name (tz);
  if (carer != NULL) {
    carers = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (carers, g_strdup (carer));
  } else {
    GDate before = *from;
    gint64 start, end;

    /* A visit that started the evening before and crossed midnight into
     * the period counts in it too. */
    g_date_subtract_days (&before, 1);
    care_timesheet_day_range (tz, &before, to, &start, &end);
    carers = care_timesheet_list_carers (store, start, end, error);
    if (carers == NULL)
      return FALSE;
  }

  csv_init (&w, out);
  if (!csv_header (&w, hours_columns, error))
    goto out;
  for (guint i = 0; i < carers->len; i++) {
    if (!write_carer_hours (&w, store, g_ptr_array_index (carers, i), from, to, approved_only,
                            tz_name, error))
      goto out;
  }
  ok = csv_flush (&w, error);

out:
  csv_clear (&w);
  return ok;
}
