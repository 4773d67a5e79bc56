/* cli-util.c: errors, output and parsing shared by the commands.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "carelog-cli.h"

G_DEFINE_QUARK (carelog-cli-error-quark, cli_error)

gboolean
cli_usage_error (GError    **error,
                 const char *format,
                 ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CLI_ERROR, 0, message);
  return FALSE;
}

/* Output helpers ---------------------------------------------------------- */

void
cli_print_json (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

void
cli_json_str (JsonBuilder *b,
              const char  *name,
              const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
cli_json_int (JsonBuilder *b,
              const char  *name,
              gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
cli_print_id (Cli        *cli,
              const char *name,
              const char *id,
              const char *sentence)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      cli_json_str (b, name, id);
      json_builder_end_object (b);
      cli_print_json (b);
    }
  else
    g_print ("%s\n%s %s\n", sentence, name, id);
}

void
cli_print_done (Cli        *cli,
                const char *sentence)
{
  if (cli->json)
    g_print ("{ \"ok\" : true }\n");
  else
    g_print ("%s\n", sentence);
}

char *
cli_format_time (CareStore  *store,
                 gint64      ms,
                 const char *format)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (store);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (ms <= 0)
    return g_strdup ("--:--");
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, format);
}

const char *
cli_state_name (CareVisitState state)
{
  const char *names[] = { "upcoming", "late", "in progress", "done", "missed", "cancelled" };

  return state <= CARE_VISIT_CANCELLED ? names[state] : "?";
}

const char *
cli_sync_name (CareSyncState sync)
{
  const char *names[] = { "on this tablet only", "reached the co-op", "refused by the co-op", "put right",
                          "held by the co-op" };

  return sync <= CARE_SYNC_HELD ? names[sync] : "?";
}

const char *
cli_review_name (CareReviewState review)
{
  const char *names[] = { "none", "approved", "queried", "flagged", "changed after approval" };

  return review <= CARE_REVIEW_CHANGED ? names[review] : "?";
}

char *
cli_flags_text (guint flags)
{
  const char *names[] = { "SAFEGUARDING", "missed", "late start", "short", "amended",
                          "clock warning", "essential task not done" };
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & (1u << i))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Parsing ----------------------------------------------------------------- */

gboolean
cli_parse_date (const char *text,
                GDate      *date,
                GError    **error)
{
  g_date_clear (date, 1);
  if (text != NULL)
    {
      int y, m, d;

      if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
        return cli_usage_error (error, _("“%s” is not a date: write it as YYYY-MM-DD."), text);
      g_date_set_dmy (date, d, m, y);
    }
  return TRUE;
}

static void
today_in (CareStore *store,
          GDate     *date)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (store);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (care_store_now (store) / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
}

gboolean
cli_get_day (Cli     *cli,
             GDate   *day,
             GError **error)
{
  if (cli->date != NULL)
    return cli_parse_date (cli->date, day, error);
  today_in (cli->store, day);
  return TRUE;
}

/* "HH:MM" on the day of reference_ms, "YYYY-MM-DD HH:MM", or ms. */
gboolean
cli_parse_time (CareStore  *store,
                const char *text,
                gint64      reference_ms,
                gint64     *out,
                GError    **error)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (store);
  g_autoptr(GDateTime) ref = g_date_time_new_from_unix_utc (MAX (reference_ms, care_store_now (store)) / 1000);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) t = NULL;
  int y, mo, d, h, mi;
  char extra;

  if (reference_ms > 0)
    g_date_time_unref (g_steal_pointer (&ref)), ref = g_date_time_new_from_unix_utc (reference_ms / 1000);
  local = g_date_time_to_timezone (ref, tz);
  if (sscanf (text, "%2d:%2d%c", &h, &mi, &extra) == 2)
    t = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                         g_date_time_get_day_of_month (local), h, mi, 0);
  else if (sscanf (text, "%4d-%2d-%2d%*1[ T]%2d:%2d%c", &y, &mo, &d, &h, &mi, &extra) == 5)
    t = g_date_time_new (tz, y, mo, d, h, mi, 0);
  else if (strlen (text) >= 10 && strspn (text, "0123456789") == strlen (text))
    return (*out = g_ascii_strtoll (text, NULL, 10)) > 0;
  if (t == NULL || h > 23 || mi > 59)
    return cli_usage_error (error, _("“%s” is not a time: write HH:MM, or YYYY-MM-DD HH:MM."), text);
  *out = g_date_time_to_unix (t) * 1000;
  return TRUE;
}

gboolean
cli_require_reason (Cli     *cli,
                    GError **error)
{
  if (cli->reason == NULL || *g_strstrip (cli->reason) == '\0')
    return cli_usage_error (error, _("Say why with --reason \"…\": corrections always keep their reason."));
  return TRUE;
}

void
cli_summary_to_json (CareStore              *store,
                     JsonBuilder            *b,
                     const CareVisitSummary *s)
{
  g_autofree char *review = s->open_query && s->visit ? care_store_get_open_review (store, s->visit) : NULL;

  json_builder_begin_object (b);
  cli_json_str (b, "visit", s->visit);
  cli_json_str (b, "schedule", s->schedule);
  cli_json_str (b, "client", s->client);
  cli_json_str (b, "client_name", s->client_name);
  cli_json_str (b, "client_address", s->client_address);
  cli_json_str (b, "carer", s->carer);
  cli_json_str (b, "carer_name", s->carer_name);
  cli_json_str (b, "service", s->service);
  cli_json_int (b, "planned_start", s->planned_start);
  cli_json_int (b, "planned_minutes", s->planned_minutes);
  cli_json_int (b, "started_at", s->started_at);
  cli_json_int (b, "finished_at", s->finished_at);
  cli_json_str (b, "state", cli_state_name (s->state));
  cli_json_str (b, "sync", s->sync == CARE_SYNC_LOCAL ? "local" : s->sync == CARE_SYNC_SYNCED ? "synced"
                           : s->sync == CARE_SYNC_HELD ? "held" : "quarantined");
  cli_json_str (b, "review", cli_review_name (s->review));
  cli_json_str (b, "open_query", s->open_query);
  cli_json_str (b, "open_review", review);
  cli_json_int (b, "flags", s->flags);
  json_builder_end_object (b);
}

void
cli_print_summary (CareStore              *store,
                   const CareVisitSummary *s)
{
  gint64 start = s->started_at ? s->started_at : s->planned_start;
  gint64 end = s->finished_at ? s->finished_at
                              : s->started_at ? 0 : s->planned_start + s->planned_minutes * 60000;
  g_autofree char *a = cli_format_time (store, start, "%H:%M");
  g_autofree char *z = cli_format_time (store, end, "%H:%M");
  g_autofree char *flags = cli_flags_text (s->flags);

  g_print ("%s–%s  %-22s %-12s %s\n", a, z, s->client_name ? s->client_name : s->client,
           cli_state_name (s->state), s->visit ? cli_sync_name (s->sync) : "");
  if (s->client_address != NULL)
    g_print ("             %s\n", s->client_address);
  if (*flags != '\0')
    g_print ("             ! %s\n", flags);
  if (s->open_query != NULL)
    {
      g_autofree char *review = s->visit ? care_store_get_open_review (store, s->visit) : NULL;

      g_print (_("             ? query from the co-op: %s\n"), s->open_query);
      if (review != NULL && g_strcmp0 (care_store_get_member (store), s->carer) == 0)
        g_print (_("               review %s; answer it with: carelog-cli answer %s \"YOUR ANSWER\"\n"),
                 review, s->visit);
      else if (review != NULL)
        g_print (_("               review %s\n"), review);
    }
  g_print ("             %s %s\n", s->visit ? "visit" : "schedule", s->visit ? s->visit : s->schedule);
}

const char *
cli_carer_of (Cli *cli)
{
  return cli->carer != NULL ? cli->carer : care_store_get_member (cli->store);
}

gboolean
cli_date_bound (Cli        *cli,
                const char *text,
                gboolean    end,
                gint64     *out,
                GError    **error)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (cli->store);
  GDate day;
  gint64 start, stop;

  *out = 0;
  if (text == NULL)
    return TRUE;
  if (!cli_parse_date (text, &day, error))
    return FALSE;
  {
    g_autoptr(GDateTime) a = g_date_time_new (tz, g_date_get_year (&day), g_date_get_month (&day),
                                              g_date_get_day (&day), 0, 0, 0);
    g_autoptr(GDateTime) b = g_date_time_add_days (a, 1);

    start = g_date_time_to_unix (a) * 1000;
    stop = g_date_time_to_unix (b) * 1000;
  }
  *out = end ? stop : start;
  return TRUE;
}


/* --from after --to is a mistake, not an empty period. */
gboolean
cli_check_range (Cli     *cli,
                 GError **error)
{
  GDate from, to;

  if (cli->from == NULL || cli->to == NULL)
    return TRUE;
  if (!cli_parse_date (cli->from, &from, error) || !cli_parse_date (cli->to, &to, error))
    return FALSE;
  if (g_date_compare (&from, &to) > 0)
    return cli_usage_error (error, _("--from %s is after --to %s: give the earlier date with --from "
                                     "(both days are included)."), cli->from, cli->to);
  return TRUE;
}
