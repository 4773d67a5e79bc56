/* carelog-cli.c: record and inspect a local care log without a display.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   carelog-cli [--profile NAME | --store PATH] [--json] COMMAND [ARGUMENTS]
 *
 * Every command and option is described in README.md ("Command-line tool")
 * and by `carelog-cli help`. Output is for people unless --json is given;
 * errors go to standard error as a sentence, with exit status 1.
 */
#include "care-config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>

#include "care-demo.h"
#include "care-store.h"
#include "care-export.h"

typedef struct
{
  char *profile;
  char *store_path;
  gboolean json;
  char *reason;
  char *schedule;
  char *service;
  char *location;
  char *date;
  char *week;
  char *carer;
  char *client;
  char *comment;
  char *message;
  char *role;
  char *from;
  char *to;
  char *output;
  char *device_name;
  gboolean approved_only;
  gboolean exceptions;
  char *review;
  char **args;          /* positional arguments after the command */
  CareStore *store;
} Cli;

typedef gboolean (*CommandFunc) (Cli *cli, GError **error);

typedef struct
{
  const char *name;
  CommandFunc func;
  int min_args;
  const char *usage;
  const char *summary;
} Command;

#define CLI_ERROR (cli_error_quark ())
static G_DEFINE_QUARK (carelog-cli-error-quark, cli_error)

static gboolean
usage_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError    **error,
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

static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static void
json_str (JsonBuilder *b,
          const char  *name,
          const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
json_int (JsonBuilder *b,
          const char  *name,
          gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
print_id (Cli        *cli,
          const char *name,
          const char *id,
          const char *sentence)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_str (b, name, id);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    g_print ("%s\n%s %s\n", sentence, name, id);
}

static void
print_done (Cli        *cli,
            const char *sentence)
{
  if (cli->json)
    g_print ("{ \"ok\" : true }\n");
  else
    g_print ("%s\n", sentence);
}

static char *
format_time (CareStore  *store,
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

static const char *
state_name (CareVisitState state)
{
  const char *names[] = { "upcoming", "late", "in progress", "done", "missed", "cancelled" };

  return state <= CARE_VISIT_CANCELLED ? names[state] : "?";
}

static const char *
sync_name (CareSyncState sync)
{
  const char *names[] = { "on this tablet only", "reached the co-op", "refused by the co-op" };

  return sync <= CARE_SYNC_QUARANTINED ? names[sync] : "?";
}

static const char *
review_name (CareReviewState review)
{
  const char *names[] = { "none", "approved", "queried", "flagged" };

  return review <= CARE_REVIEW_FLAGGED ? names[review] : "?";
}

static char *
flags_text (guint flags)
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

static gboolean
parse_date (const char *text,
            GDate      *date,
            GError    **error)
{
  g_date_clear (date, 1);
  if (text != NULL)
    {
      int y, m, d;

      if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
        return usage_error (error, _("“%s” is not a date: write it as YYYY-MM-DD."), text);
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

static gboolean
get_day (Cli     *cli,
         GDate   *day,
         GError **error)
{
  if (cli->date != NULL)
    return parse_date (cli->date, day, error);
  today_in (cli->store, day);
  return TRUE;
}

/* "HH:MM" on the day of reference_ms, "YYYY-MM-DD HH:MM", or ms. */
static gboolean
parse_time (CareStore  *store,
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
    return usage_error (error, _("“%s” is not a time: write HH:MM, or YYYY-MM-DD HH:MM."), text);
  *out = g_date_time_to_unix (t) * 1000;
  return TRUE;
}

static gboolean
require_reason (Cli     *cli,
                GError **error)
{
  if (cli->reason == NULL || *g_strstrip (cli->reason) == '\0')
    return usage_error (error, _("Say why with --reason \"…\": corrections always keep their reason."));
  return TRUE;
}

/* Commands: recording ----------------------------------------------------- */

static gboolean
cmd_demo (Cli     *cli,
          GError **error)
{
  CareRole role = care_role_from_string (cli->role ? cli->role : "carer");
  g_autofree char *name = NULL;

  if (role == CARE_ROLE_INVALID)
    return usage_error (error, _("--role must be carer, supervisor or administrator."));
  if (care_store_get_device (cli->store) != NULL)
    return usage_error (error, _("This profile is already set up (%s); the demo needs a new profile, "
                                 "e.g. --profile demo."), care_store_get_path (cli->store));
  if (!care_demo_populate (cli->store, role, error))
    return FALSE;
  name = care_store_get_member_name (cli->store, care_store_get_member (cli->store));
  if (!cli->json)
    g_print (_("Demo care log created for %s (%s) in %s\nTry: carelog-cli%s%s %s\n"), name,
             care_role_to_string (role), care_store_get_path (cli->store),
             cli->profile ? " --profile " : "", cli->profile ? cli->profile : "",
             role == CARE_ROLE_CARER ? "today" : "visits --exceptions");
  else
    print_id (cli, "member", care_store_get_member (cli->store), NULL);
  return TRUE;
}

static gboolean
parse_location (const char *text,
                double      out[3],
                GError    **error)
{
  if (sscanf (text, "%lf,%lf,%lf", &out[0], &out[1], &out[2]) != 3)
    return usage_error (error, _("--location takes LAT,LON,ACCURACY_M, e.g. 53.74,-2.01,15."));
  return TRUE;
}

static gboolean
cmd_check_in (Cli     *cli,
              GError **error)
{
  double loc[3];
  g_autofree char *visit = NULL;

  if (cli->location != NULL && !parse_location (cli->location, loc, error))
    return FALSE;
  visit = care_store_check_in (cli->store, cli->args[0], cli->schedule, cli->service,
                               cli->location ? loc : NULL, error);
  if (visit == NULL)
    return FALSE;
  print_id (cli, "visit", visit, _("Checked in. Saved on this tablet."));
  return TRUE;
}

static gboolean
cmd_task (Cli     *cli,
          GError **error)
{
  const char *answer = cli->args[2];
  gboolean done = g_strcmp0 (answer, "done") == 0;

  if (!done && g_strcmp0 (answer, "not-done") != 0)
    return usage_error (error, _("Answer a task with “done” or “not-done” (with --reason)."));
  if (!care_store_answer_task (cli->store, cli->args[0], cli->args[1], done, cli->reason, error))
    return FALSE;
  print_done (cli, _("Task answered. Saved on this tablet."));
  return TRUE;
}

static gboolean
cmd_note (Cli     *cli,
          GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 2);
  g_autofree char *note = care_store_add_note (cli->store, cli->args[0], cli->args[1], text, error);

  if (note == NULL)
    return FALSE;
  print_id (cli, "note", note, _("Note added. Saved on this tablet."));
  return TRUE;
}

static gboolean
cmd_check_out (Cli     *cli,
               GError **error)
{
  if (!care_store_check_out (cli->store, cli->args[0], error))
    return FALSE;
  print_done (cli, _("Checked out. Saved on this tablet."));
  return TRUE;
}

static const char *
amend_field (const char *name)
{
  if (g_strcmp0 (name, "check-in") == 0 || g_strcmp0 (name, "started_at") == 0)
    return "started_at";
  if (g_strcmp0 (name, "check-out") == 0 || g_strcmp0 (name, "finished_at") == 0)
    return "finished_at";
  if (g_strcmp0 (name, "service") == 0)
    return "service";
  return NULL;
}

static gboolean
cmd_amend_visit (Cli     *cli,
                 GError **error)
{
  const char *field = amend_field (cli->args[1]);
  g_autoptr(CareVisitDetail) d = NULL;
  g_autofree char *value = NULL;
  gint64 ms = 0;

  if (field == NULL)
    return usage_error (error, _("Amend check-in, check-out or service."));
  if (!require_reason (cli, error))
    return FALSE;
  d = care_store_get_visit (cli->store, cli->args[0], error);
  if (d == NULL)
    return FALSE;
  if (g_str_equal (field, "service"))
    value = g_strdup (cli->args[2]);
  else if (!parse_time (cli->store, cli->args[2], d->summary.started_at, &ms, error))
    return FALSE;
  else
    value = g_strdup_printf ("%" G_GINT64_FORMAT, ms);
  if (!care_store_amend_visit (cli->store, cli->args[0], field, value, cli->reason, error))
    return FALSE;
  print_done (cli, _("Amendment recorded; the original stays in the visit’s history."));
  return TRUE;
}

static gboolean
cmd_amend_note (Cli     *cli,
                GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);

  if (!require_reason (cli, error)
      || !care_store_amend_note (cli->store, cli->args[0], text, cli->reason, error))
    return FALSE;
  print_done (cli, _("Note corrected; the original stays in its history."));
  return TRUE;
}

static gboolean
cmd_retract_note (Cli     *cli,
                  GError **error)
{
  if (!require_reason (cli, error)
      || !care_store_retract_note (cli->store, cli->args[0], cli->reason, error))
    return FALSE;
  print_done (cli, _("Note withdrawn; it stays in the visit’s history."));
  return TRUE;
}

static gboolean
cmd_hours (Cli     *cli,
           GError **error)
{
  GDate day;
  guint64 minutes;
  g_autofree char *entry = NULL;

  if (!g_ascii_string_to_unsigned (cli->args[1], 10, 1, 1440, &minutes, NULL))
    return usage_error (error, _("Give the minutes as a whole number from 1 to 1440."));
  if (!get_day (cli, &day, error))
    return FALSE;
  entry = care_store_add_hours (cli->store, cli->args[0], &day, (int) minutes, cli->comment, error);
  if (entry == NULL)
    return FALSE;
  print_id (cli, "entry", entry, _("Hours added. Saved on this tablet."));
  return TRUE;
}

static gboolean
cmd_cancel (Cli     *cli,
            GError **error)
{
  const char *visit = cli->args[0];

  if (visit == NULL && cli->schedule == NULL)
    return usage_error (error, _("Name the visit to cancel, or a scheduled visit with --schedule ID."));
  if (!require_reason (cli, error)
      || !care_store_cancel_visit (cli->store, visit, visit ? NULL : cli->schedule, cli->reason, error))
    return FALSE;
  print_done (cli, _("Visit cancelled."));
  return TRUE;
}

static gboolean
cmd_review (Cli     *cli,
            GError **error)
{
  g_autofree char *review = care_store_add_review (cli->store, cli->args[1], cli->args[0], NULL, NULL,
                                                   cli->message, error);

  if (review == NULL)
    return FALSE;
  print_id (cli, "review", review, _("Review recorded."));
  return TRUE;
}

static gboolean
cmd_answer (Cli     *cli,
            GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);

  if (!care_store_answer_query (cli->store, cli->args[0], text, error))
    return FALSE;
  print_done (cli, _("Answer recorded."));
  return TRUE;
}

/* Commands: reading ------------------------------------------------------- */

static void
summary_to_json (JsonBuilder            *b,
                 const CareVisitSummary *s)
{
  json_builder_begin_object (b);
  json_str (b, "visit", s->visit);
  json_str (b, "schedule", s->schedule);
  json_str (b, "client", s->client);
  json_str (b, "client_name", s->client_name);
  json_str (b, "client_address", s->client_address);
  json_str (b, "carer", s->carer);
  json_str (b, "carer_name", s->carer_name);
  json_str (b, "service", s->service);
  json_int (b, "planned_start", s->planned_start);
  json_int (b, "planned_minutes", s->planned_minutes);
  json_int (b, "started_at", s->started_at);
  json_int (b, "finished_at", s->finished_at);
  json_str (b, "state", state_name (s->state));
  json_str (b, "sync", s->sync == CARE_SYNC_LOCAL ? "local" : s->sync == CARE_SYNC_SYNCED ? "synced" : "quarantined");
  json_str (b, "review", review_name (s->review));
  json_str (b, "open_query", s->open_query);
  json_int (b, "flags", s->flags);
  json_builder_end_object (b);
}

static void
print_summary (CareStore              *store,
               const CareVisitSummary *s)
{
  gint64 start = s->started_at ? s->started_at : s->planned_start;
  gint64 end = s->finished_at ? s->finished_at
                              : s->started_at ? 0 : s->planned_start + s->planned_minutes * 60000;
  g_autofree char *a = format_time (store, start, "%H:%M");
  g_autofree char *z = format_time (store, end, "%H:%M");
  g_autofree char *flags = flags_text (s->flags);

  g_print ("%s–%s  %-22s %-12s %s\n", a, z, s->client_name ? s->client_name : s->client,
           state_name (s->state), s->visit ? sync_name (s->sync) : "");
  if (s->client_address != NULL)
    g_print ("             %s\n", s->client_address);
  if (*flags != '\0')
    g_print ("             ! %s\n", flags);
  if (s->open_query != NULL)
    g_print ("             ? query from the co-op: %s\n", s->open_query);
  g_print ("             %s %s\n", s->visit ? "visit" : "schedule", s->visit ? s->visit : s->schedule);
}

static const char *
carer_of (Cli *cli)
{
  return cli->carer != NULL ? cli->carer : care_store_get_member (cli->store);
}

static gboolean
cmd_today (Cli     *cli,
           GError **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  GDate day;
  char buf[64];

  if (carer_of (cli) == NULL)
    return usage_error (error, _("This profile has no carer yet: enrol it, or give --carer MEMBER."));
  if (!get_day (cli, &day, error) || !(list = care_store_list_day (cli->store, carer_of (cli), &day, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        summary_to_json (b, list->pdata[i]);
      json_builder_end_array (b);
      print_json (b);
      return TRUE;
    }
  name = care_store_get_member_name (cli->store, carer_of (cli));
  g_date_strftime (buf, sizeof buf, "%A %e %B %Y", &day);
  g_print (_("Visits on %s for %s\n\n"), buf, name ? name : carer_of (cli));
  for (guint i = 0; i < list->len; i++)
    print_summary (cli->store, list->pdata[i]);
  if (list->len == 0)
    g_print (_("No visits.\n"));
  return TRUE;
}

static void
detail_to_json (JsonBuilder           *b,
                const CareVisitDetail *d)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "summary");
  summary_to_json (b, &d->summary);
  json_builder_set_member_name (b, "tasks");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->tasks->len; i++)
    {
      CareTaskState *t = d->tasks->pdata[i];

      json_builder_begin_object (b);
      json_str (b, "task", t->task);
      json_str (b, "label", t->label);
      json_builder_set_member_name (b, "essential");
      json_builder_add_boolean_value (b, t->essential);
      json_int (b, "answer", t->answer);
      json_str (b, "reason", t->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->notes->len; i++)
    {
      CareNote *n = d->notes->pdata[i];

      json_builder_begin_object (b);
      json_str (b, "note", n->note);
      json_str (b, "category", n->category);
      json_str (b, "text", n->text);
      json_builder_set_member_name (b, "retracted");
      json_builder_add_boolean_value (b, n->retracted);
      json_int (b, "versions", n->versions->len);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->history->len; i++)
    {
      CareHistoryEntry *h = d->history->pdata[i];

      json_builder_begin_object (b);
      json_str (b, "event", h->event);
      json_str (b, "type", care_event_type_to_string (h->type));
      json_str (b, "author", h->author);
      json_int (b, "wall", h->wall);
      json_str (b, "description", h->description);
      json_str (b, "reason", h->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
print_tasks_and_notes (CareStore             *store,
                       const CareVisitDetail *d)
{
  const char *answers[] = { "[ ]", "[x] not done", "[x] done" };

  g_print (_("\nTasks\n"));
  for (guint i = 0; i < d->tasks->len; i++)
    {
      CareTaskState *t = d->tasks->pdata[i];

      g_print ("  %s %s%s%s%s  (%s)\n", answers[t->answer + 1], t->label, t->essential ? _(" — essential") : "",
               t->reason ? ": " : "", t->reason ? t->reason : "", t->task);
    }
  g_print (_("\nNotes\n"));
  for (guint i = 0; i < d->notes->len; i++)
    {
      CareNote *n = d->notes->pdata[i];
      g_autofree char *at = format_time (store, n->created_at, "%H:%M");

      g_print ("  %s [%s]%s %s\n      note %s, %s\n", at, n->category, n->retracted ? _(" (withdrawn)") : "",
               n->text, n->note, sync_name (n->sync));
    }
}

static gboolean
cmd_show (Cli     *cli,
          GError **error)
{
  g_autoptr(CareVisitDetail) d = care_store_get_visit (cli->store, cli->args[0], error);
  g_autoptr(JsonBuilder) b = NULL;

  if (d == NULL)
    return FALSE;
  if (cli->json)
    {
      b = json_builder_new ();
      detail_to_json (b, d);
      print_json (b);
      return TRUE;
    }
  print_summary (cli->store, &d->summary);
  g_print (_("             carer %s, service %s, review %s\n"), d->summary.carer_name,
           d->summary.service, review_name (d->summary.review));
  print_tasks_and_notes (cli->store, d);
  g_print (_("\nHistory\n"));
  for (guint i = 0; i < d->history->len; i++)
    {
      CareHistoryEntry *h = d->history->pdata[i];
      g_autofree char *at = format_time (cli->store, h->wall, "%a %d %b %H:%M");
      g_autofree char *who = care_store_get_member_name (cli->store, h->author);

      g_print ("  %s  %s — %s%s%s\n", at, h->description, who ? who : h->author,
               h->reason ? _("; reason: ") : "", h->reason ? h->reason : "");
    }
  return TRUE;
}

static gboolean
parse_week (Cli     *cli,
            int     *year,
            int     *week,
            GError **error)
{
  GDate day;

  if (cli->week != NULL)
    {
      if (sscanf (cli->week, "%4d-W%2d", year, week) != 2)
        return usage_error (error, _("Write the week like 2026-W47."));
      return TRUE;
    }
  if (!get_day (cli, &day, error))
    return FALSE;
  *week = g_date_get_iso8601_week_of_year (&day);
  *year = g_date_get_year (&day) + (*week == 1 && g_date_get_month (&day) == 12)
          - (*week >= 52 && g_date_get_month (&day) == 1);
  return TRUE;
}

static void
print_week (CareStore           *store,
            const CareWeekHours *w)
{
  g_print (_("Week %d-W%02d  (visits / travel / training / other, hours:minutes)\n\n"),
           w->iso_year, w->iso_week);
  for (int i = 0; i < 7; i++)
    {
      const CareDayHours *d = &w->days[i];
      char buf[32];

      g_date_strftime (buf, sizeof buf, "%a %d %b", &d->date);
      g_print ("  %s   %2" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT "  %2" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT
               "  %2" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT "  %2" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT "\n",
               buf, d->visit_minutes / 60, d->visit_minutes % 60, d->travel_minutes / 60,
               d->travel_minutes % 60, d->training_minutes / 60, d->training_minutes % 60,
               d->other_minutes / 60, d->other_minutes % 60);
    }
  g_print (_("\n  Total %" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT " (planned %" G_GINT64_FORMAT
             ":%02" G_GINT64_FORMAT "), timesheet review: %s\n"),
           w->total_minutes / 60, w->total_minutes % 60, w->planned_minutes / 60,
           w->planned_minutes % 60, review_name (w->review));
}

static gboolean date_bound (Cli *cli, const char *text, gboolean end, gint64 *out, GError **error);

static gboolean
cmd_visits (Cli     *cli,
            GError **error)
{
  CareVisitFilter filter = { cli->carer, cli->client, 0, 0, -1, 0, cli->exceptions, 0, 100 };
  g_autoptr(GPtrArray) list = NULL;
  const char *reviews[] = { "none", "approved", "queried", "flagged" };

  for (int i = 0; cli->review != NULL && i < 4; i++)
    if (g_str_equal (cli->review, reviews[i]))
      filter.review = i;
  if (cli->review != NULL && filter.review < 0)
    return usage_error (error, _("--review takes none, approved, queried or flagged."));
  if (!date_bound (cli, cli->from, FALSE, &filter.from, error) || !date_bound (cli, cli->to, TRUE, &filter.to, error)
      || !(list = care_store_list_visits (cli->store, &filter, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        summary_to_json (b, list->pdata[i]);
      json_builder_end_array (b);
      print_json (b);
      return TRUE;
    }
  for (guint i = 0; i < list->len; i++)
    {
      CareVisitSummary *v = list->pdata[i];
      g_autofree char *day = format_time (cli->store, v->started_at ? v->started_at : v->planned_start, "%a %d %b");

      g_print ("%s  %s\n", day, v->carer_name ? v->carer_name : v->carer);
      print_summary (cli->store, v);
    }
  if (list->len == 0)
    g_print (_("No visits match.\n"));
  return TRUE;
}

static gboolean
cmd_week (Cli     *cli,
          GError **error)
{
  g_autoptr(CareWeekHours) w = NULL;
  int year, week;

  if (carer_of (cli) == NULL)
    return usage_error (error, _("This profile has no carer yet: enrol it, or give --carer MEMBER."));
  if (!parse_week (cli, &year, &week, error)
      || !(w = care_store_get_week_hours (cli->store, carer_of (cli), year, week, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_str (b, "carer", w->carer);
      json_int (b, "iso_year", w->iso_year);
      json_int (b, "iso_week", w->iso_week);
      json_builder_set_member_name (b, "days");
      json_builder_begin_array (b);
      for (int i = 0; i < 7; i++)
        {
          char buf[16];

          g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &w->days[i].date);
          json_builder_begin_object (b);
          json_str (b, "date", buf);
          json_int (b, "visit_minutes", w->days[i].visit_minutes);
          json_int (b, "travel_minutes", w->days[i].travel_minutes);
          json_int (b, "training_minutes", w->days[i].training_minutes);
          json_int (b, "other_minutes", w->days[i].other_minutes);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_int (b, "total_minutes", w->total_minutes);
      json_int (b, "planned_minutes", w->planned_minutes);
      json_str (b, "review", review_name (w->review));
      json_builder_end_object (b);
      print_json (b);
      return TRUE;
    }
  print_week (cli->store, w);
  return TRUE;
}

static gboolean
cmd_outbox (Cli     *cli,
            GError **error)
{
  CareOutboxCounts c;
  g_autoptr(GPtrArray) events = NULL;

  if (!care_store_get_outbox_counts (cli->store, &c, error)
      || !(events = care_store_list_outbox (cli->store, 0, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_int (b, "pending", c.pending);
      json_int (b, "quarantined", c.quarantined);
      json_int (b, "acknowledged", c.acknowledged);
      json_int (b, "last_seq", c.last_seq);
      json_int (b, "acked_seq", c.acked_seq);
      json_builder_set_member_name (b, "records");
      json_builder_begin_array (b);
      for (guint i = 0; i < events->len; i++)
        {
          CareEvent *e = events->pdata[i];
          g_autofree char *reason = NULL;
          CareSyncState sync = care_store_get_event_sync (cli->store, e->id, &reason, NULL);
          JsonNode *node = care_event_to_json (e);

          json_object_set_string_member (json_node_get_object (node), "sync",
                                         sync == CARE_SYNC_QUARANTINED ? "quarantined" : "local");
          if (reason != NULL)
            json_object_set_string_member (json_node_get_object (node), "reason", reason);
          json_builder_add_value (b, node);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
      return TRUE;
    }
  g_print (_("%" G_GINT64_FORMAT " record(s) waiting to reach the co-op, %" G_GINT64_FORMAT
             " refused by it, %" G_GINT64_FORMAT " delivered (sequence %" G_GINT64_FORMAT
             " of %" G_GINT64_FORMAT " acknowledged).\n"),
           c.pending, c.quarantined, c.acknowledged, c.acked_seq, c.last_seq);
  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];
      g_autofree char *at = format_time (cli->store, e->wall, "%a %d %b %H:%M");

      g_autofree char *reason = NULL;
      CareSyncState sync = care_store_get_event_sync (cli->store, e->id, &reason, NULL);

      g_print ("  #%-5" G_GINT64_FORMAT " %s  %-16s %s\n", e->seq, at,
               care_event_type_to_string (e->type), e->id);
      if (sync == CARE_SYNC_QUARANTINED)
        g_print (_("         refused by the co-op: %s\n"), reason ? reason : _("no reason given"));
    }
  return TRUE;
}

static gboolean
cmd_search (Cli     *cli,
            GError **error)
{
  g_autofree char *query = g_strjoinv (" ", cli->args);
  g_autoptr(GPtrArray) hits = care_store_search_notes (cli->store, query, 50, error);

  if (hits == NULL)
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < hits->len; i++)
        {
          CareNoteHit *h = hits->pdata[i];

          json_builder_begin_object (b);
          json_str (b, "note", h->note);
          json_str (b, "visit", h->visit);
          json_str (b, "client_name", h->client_name);
          json_str (b, "category", h->category);
          json_str (b, "snippet", h->snippet);
          json_int (b, "created_at", h->created_at);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
      return TRUE;
    }
  for (guint i = 0; i < hits->len; i++)
    {
      CareNoteHit *h = hits->pdata[i];
      g_autofree char *at = format_time (cli->store, h->created_at, "%a %d %b %H:%M");

      g_print ("%s  %s [%s]\n  %s\n  visit %s\n", at, h->client_name, h->category, h->snippet, h->visit);
    }
  if (hits->len == 0)
    g_print (_("No notes match.\n"));
  return TRUE;
}

static gboolean
cmd_verify (Cli     *cli,
            GError **error)
{
  if (!care_store_verify (cli->store, error))
    return FALSE;
  print_done (cli, _("The care log passed the full integrity check."));
  return TRUE;
}

/* Exports ----------------------------------------------------------------- */

static GOutputStream *
open_output (Cli     *cli,
             GError **error)
{
  g_autoptr(GFile) file = NULL;

  if (cli->output == NULL || g_str_equal (cli->output, "-"))
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  file = g_file_new_for_commandline_arg (cli->output);
  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error));
}

static gboolean
date_bound (Cli        *cli,
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
  if (!parse_date (text, &day, error))
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

static gboolean
cmd_export_visits (Cli     *cli,
                   GError **error)
{
  CareVisitFilter filter = { cli->carer, cli->client, 0, 0, -1, 0, FALSE, 0, 0 };
  g_autoptr(GOutputStream) out = NULL;

  if (!date_bound (cli, cli->from, FALSE, &filter.from, error)
      || !date_bound (cli, cli->to, TRUE, &filter.to, error)
      || !(out = open_output (cli, error)))
    return FALSE;
  return care_export_visits_csv (cli->store, &filter, out, error)
         && g_output_stream_close (out, NULL, error);
}

static gboolean
cmd_export_hours (Cli     *cli,
                  GError **error)
{
  g_autoptr(GOutputStream) out = NULL;
  GDate from, to;

  if (!get_day (cli, &to, error))
    return FALSE;
  from = to;
  g_date_subtract_days (&from, 27);
  if ((cli->from && !parse_date (cli->from, &from, error)) || (cli->to && !parse_date (cli->to, &to, error)))
    return FALSE;
  if (!(out = open_output (cli, error)))
    return FALSE;
  return care_export_hours_csv (cli->store, cli->carer, &from, &to, cli->approved_only, out, error)
         && g_output_stream_close (out, NULL, error);
}

/* The sync daemon --------------------------------------------------------- */

static char *
find_syncd (void)
{
  const char *env = g_getenv ("CARELOG_SYNCD");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  g_autofree char *in_build = dir ? g_build_filename (dir, "..", "sync", "daemon", "carelog-syncd", NULL) : NULL;
  g_autofree char *beside = dir ? g_build_filename (dir, "carelog-syncd", NULL) : NULL;
  const char *candidates[] = { in_build, beside, BINDIR "/carelog-syncd", LIBEXECDIR "/carelog-syncd" };

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return g_strdup (candidates[i]);
  return NULL;
}

static gboolean
run_syncd (Cli         *cli,
           const char  *option,
           const char  *value,
           GError     **error)
{
  g_autofree char *syncd = find_syncd ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status = 0;

  if (syncd == NULL)
    return usage_error (error, _("The sync daemon (carelog-syncd) is not installed. Set CARELOG_SYNCD "
                                 "to its path, or install Carelog completely."));
  g_ptr_array_add (argv, syncd);
  g_ptr_array_add (argv, cli->store_path ? "--store" : "--profile");
  g_ptr_array_add (argv, cli->store_path ? cli->store_path : cli->profile);
  g_ptr_array_add (argv, (char *) option);
  if (value != NULL)
    g_ptr_array_add (argv, (char *) value);
  if (cli->device_name != NULL)
    {
      g_ptr_array_add (argv, "--device-name");
      g_ptr_array_add (argv, cli->device_name);
    }
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    return usage_error (error, _("The sync daemon could not finish (see its message above)."));
  return TRUE;
}

static gboolean
cmd_enrol (Cli     *cli,
           GError **error)
{
  return run_syncd (cli, "--enrol", cli->args[0], error);
}

static gboolean
cmd_sync (Cli     *cli,
          GError **error)
{
  return run_syncd (cli, "--once", NULL, error);
}

/* Main -------------------------------------------------------------------- */

static const Command commands[] = {
  { "demo", cmd_demo, 0, "demo [--role carer|supervisor]", N_("create a demo care log in this profile") },
  { "check-in", cmd_check_in, 1, "check-in CLIENT [--schedule ID] [--service TEXT] [--location LAT,LON,ACC]",
    N_("start a visit; prints the visit id") },
  { "task", cmd_task, 3, "task VISIT TASK done|not-done [--reason TEXT]", N_("answer a care-plan task") },
  { "note", cmd_note, 3, "note VISIT CATEGORY TEXT…", N_("add a care note; prints the note id") },
  { "check-out", cmd_check_out, 1, "check-out VISIT", N_("finish a visit") },
  { "amend-visit", cmd_amend_visit, 3, "amend-visit VISIT check-in|check-out|service VALUE --reason TEXT",
    N_("correct a visit (time as HH:MM or YYYY-MM-DD HH:MM)") },
  { "amend-note", cmd_amend_note, 2, "amend-note NOTE TEXT… --reason TEXT", N_("correct a note") },
  { "retract-note", cmd_retract_note, 1, "retract-note NOTE --reason TEXT", N_("withdraw a note") },
  { "hours", cmd_hours, 2, "hours travel|training|other MINUTES [--date YYYY-MM-DD] [--comment TEXT]",
    N_("add manual hours") },
  { "cancel", cmd_cancel, 0, "cancel VISIT --reason TEXT | cancel --schedule ID --reason TEXT",
    N_("cancel a visit") },
  { "review", cmd_review, 2, "review VISIT approve|query|flag [--message TEXT]", N_("review a visit (supervisors)") },
  { "answer", cmd_answer, 2, "answer REVIEW TEXT…", N_("answer a supervisor's query") },
  { "today", cmd_today, 0, "today [--date YYYY-MM-DD] [--carer MEMBER]", N_("list a day's visits") },
  { "show", cmd_show, 1, "show VISIT", N_("show a visit with its tasks, notes and history") },
  { "visits", cmd_visits, 0,
    "visits [--carer M] [--client C] [--from DATE] [--to DATE] [--review queried|…] [--exceptions]",
    N_("the co-op's visits, newest first (first 100), exceptions first with --exceptions") },
  { "week", cmd_week, 0, "week [--week 2026-W47 | --date YYYY-MM-DD] [--carer MEMBER]", N_("hours of a week") },
  { "outbox", cmd_outbox, 0, "outbox", N_("records not yet acknowledged by the co-op") },
  { "search", cmd_search, 1, "search WORDS…", N_("search the care notes") },
  { "export-visits", cmd_export_visits, 0,
    "export-visits [--from DATE] [--to DATE] [--carer M] [--client C] [--output FILE]", N_("visits as CSV") },
  { "export-hours", cmd_export_hours, 0,
    "export-hours [--from DATE] [--to DATE] [--carer M] [--approved-only] [--output FILE]", N_("hours as CSV") },
  { "verify", cmd_verify, 0, "verify", N_("run the full integrity check") },
  { "enrol", cmd_enrol, 1, "enrol LINE [--device-name NAME]", N_("enrol this profile with a co-op (runs carelog-syncd)") },
  { "sync", cmd_sync, 0, "sync", N_("sync once now (runs carelog-syncd)") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s", _("Usage: carelog-cli [--profile NAME | --store PATH] [--json] COMMAND [ARGUMENTS]\n\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n      %s\n", commands[i].usage, _(commands[i].summary));
}

typedef struct
{
  const char *name;
  gsize offset;
} StringOption;

#define OPT(n, field) { n, G_STRUCT_OFFSET (Cli, field) }
static const StringOption string_options[] = {
  OPT ("--profile", profile), OPT ("--store", store_path), OPT ("--reason", reason),
  OPT ("--schedule", schedule), OPT ("--service", service), OPT ("--location", location),
  OPT ("--date", date), OPT ("--week", week), OPT ("--carer", carer), OPT ("--client", client),
  OPT ("--comment", comment), OPT ("--message", message), OPT ("--role", role), OPT ("--from", from),
  OPT ("--to", to), OPT ("--output", output), OPT ("--device-name", device_name),
  OPT ("--review", review),
};

static gboolean
parse_option (Cli        *cli,
              char      **argv,
              int        *i,
              GError    **error)
{
  const char *arg = argv[*i];

  if (g_str_equal (arg, "--json"))
    return cli->json = TRUE;
  if (g_str_equal (arg, "--approved-only"))
    return cli->approved_only = TRUE;
  if (g_str_equal (arg, "--exceptions"))
    return cli->exceptions = TRUE;
  for (guint k = 0; k < G_N_ELEMENTS (string_options); k++)
    {
      gsize len = strlen (string_options[k].name);
      char **field = G_STRUCT_MEMBER_P (cli, string_options[k].offset);

      if (strncmp (arg, string_options[k].name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
        continue;
      if (arg[len] == '\0' && argv[*i + 1] == NULL)
        return usage_error (error, _("%s needs a value."), string_options[k].name);
      g_free (*field);
      *field = g_strdup (arg[len] == '=' ? arg + len + 1 : argv[++*i]);
      return TRUE;
    }
  return usage_error (error, _("Unknown option %s (see carelog-cli help)."), arg);
}

static gboolean
parse_args (Cli     *cli,
            int      argc,
            char   **argv,
            GPtrArray *positional,
            GError **error)
{
  gboolean options_done = FALSE;

  for (int i = 1; i < argc; i++)
    {
      if (!options_done && g_str_equal (argv[i], "--"))
        options_done = TRUE;
      else if (options_done || !g_str_has_prefix (argv[i], "--"))
        g_ptr_array_add (positional, g_strdup (argv[i]));
      else if (!parse_option (cli, argv, &i, error))
        return FALSE;
    }
  g_ptr_array_add (positional, NULL);
  return TRUE;
}

static void
cli_clear (Cli *cli)
{
  char **strings[] = { &cli->profile, &cli->store_path, &cli->reason, &cli->schedule, &cli->service,
                       &cli->location, &cli->date, &cli->week, &cli->carer, &cli->client, &cli->comment,
                       &cli->message, &cli->role, &cli->from, &cli->to, &cli->output, &cli->device_name,
                       &cli->review };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
  g_clear_object (&cli->store);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Cli, cli_clear)

static gboolean
open_store (Cli     *cli,
            GError **error)
{
  g_autofree char *path = NULL;

  if (cli->store_path != NULL && cli->profile != NULL)
    return usage_error (error, _("Give either --profile or --store, not both."));
  if (cli->store_path == NULL && cli->profile == NULL)
    cli->profile = g_strdup (g_getenv ("CARELOG_PROFILE") ? g_getenv ("CARELOG_PROFILE") : "default");
  if (cli->profile != NULL && (strchr (cli->profile, '/') != NULL || cli->profile[0] == '.'))
    return usage_error (error, _("A profile name cannot contain “/” or start with “.”."));
  path = cli->store_path ? g_strdup (cli->store_path) : care_store_default_path (cli->profile);
  cli->store = care_store_open (path, error);
  return cli->store != NULL;
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static gboolean
run (Cli     *cli,
     int      argc,
     char   **argv,
     GError **error)
{
  g_autoptr(GPtrArray) positional = g_ptr_array_new_with_free_func (g_free);
  const Command *command;

  if (!parse_args (cli, argc, argv, positional, error))
    return FALSE;
  if (positional->len <= 1 || g_str_equal (positional->pdata[0], "help"))
    {
      print_usage (stdout);
      return TRUE;
    }
  command = find_command (positional->pdata[0]);
  if (command == NULL)
    return usage_error (error, _("Unknown command “%s” (see carelog-cli help)."), (char *) positional->pdata[0]);
  if ((int) positional->len - 2 < command->min_args)
    return usage_error (error, _("Usage: carelog-cli %s"), command->usage);
  cli->args = (char **) positional->pdata + 1;
  if (command->func != cmd_enrol && command->func != cmd_sync && !open_store (cli, error))
    return FALSE;
  if (cli->profile == NULL && cli->store_path == NULL)
    cli->profile = g_strdup (g_getenv ("CARELOG_PROFILE") ? g_getenv ("CARELOG_PROFILE") : "default");
  return command->func (cli, error);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(Cli) cli = { 0 };
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  if (!run (&cli, argc, argv, &error))
    {
      g_printerr ("carelog-cli: %s\n", error->message);
      return 1;
    }
  return 0;
}
