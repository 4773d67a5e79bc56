/* cli-record.c: the commands that record care.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "carelog-cli.h"

/* Commands: recording ----------------------------------------------------- */

gboolean
cmd_demo (Cli     *cli,
          GError **error)
{
  CareRole role = cli->role ? care_role_from_string (cli->role) : CARE_ROLE_CARER;
  g_autofree char *name = NULL;

  if (role != CARE_ROLE_CARER && role != CARE_ROLE_SUPERVISOR)
    return cli_usage_error (error, _("--role takes carer or supervisor."));
  if (care_store_get_device (cli->store) != NULL)
    {
      g_autofree char *other = NULL;

      if (cli->store_path != NULL)
        return cli_usage_error (error, _("%s is already set up; the demo needs a new file, e.g. "
                                         "`carelog-cli --store demo.db demo`, or a new profile."),
                                care_store_get_path (cli->store));
      /* Suggest a profile name that is free. */
      for (int n = 2; other == NULL || g_file_test (other, G_FILE_TEST_EXISTS); n++)
        {
          g_autofree char *free_name = g_strdup_printf ("%s-%d", cli->profile, n);

          g_free (other);
          other = care_store_default_path (free_name);
          if (!g_file_test (other, G_FILE_TEST_EXISTS) || n > 99)
            return cli_usage_error (error, _("The profile “%s” is already set up (%s); the demo needs a "
                                             "new profile, e.g. `carelog-cli --profile %s demo`."),
                                    cli->profile, care_store_get_path (cli->store), free_name);
        }
    }
  if (!care_demo_populate (cli->store, role, error))
    return FALSE;
  name = care_store_get_member_name (cli->store, care_store_get_member (cli->store));
  if (!cli->json)
    g_print (_("Demo care log created for %s (%s) in %s\nTry: carelog-cli%s%s %s\n"), name,
             care_role_to_string (role), care_store_get_path (cli->store),
             cli->profile ? " --profile " : "", cli->profile ? cli->profile : "",
             role == CARE_ROLE_CARER ? "today" : "visits --exceptions");
  else
    cli_print_id (cli, "member", care_store_get_member (cli->store), NULL);
  return TRUE;
}

static gboolean
parse_location (const char *text,
                double      out[3],
                GError    **error)
{
  if (sscanf (text, "%lf,%lf,%lf", &out[0], &out[1], &out[2]) != 3)
    return cli_usage_error (error, _("--location takes LAT,LON,ACCURACY_M, e.g. 53.74,-2.01,15."));
  return TRUE;
}

gboolean
cmd_check_in (Cli     *cli,
              GError **error)
{
  double loc[3];
  g_autofree char *visit = NULL;
  g_autoptr(GError) local = NULL;

  if (cli->location != NULL && !parse_location (cli->location, loc, error))
    return FALSE;
  visit = care_store_check_in (cli->store, cli->args[0], cli->schedule, cli->service,
                               cli->location ? loc : NULL, &local);
  if (visit == NULL)
    {
      g_autofree char *name = care_store_get_client_name (cli->store, cli->args[0]);

      if (g_error_matches (local, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND) && name == NULL)
        return cli_usage_error (error, _("Unknown client %s: `carelog-cli clients` lists them (sync to "
                                         "receive the co-op’s latest list)."), cli->args[0]);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  cli_print_id (cli, "visit", visit, _("Checked in. Saved on this tablet."));
  return TRUE;
}

gboolean
cmd_task (Cli     *cli,
          GError **error)
{
  const char *answer = cli->args[2];
  gboolean done = g_strcmp0 (answer, "done") == 0;

  if (!done && g_strcmp0 (answer, "not-done") != 0)
    return cli_usage_error (error, _("Answer a task with “done” or “not-done” (with --reason)."));
  if (!care_store_answer_task (cli->store, cli->args[0], cli->args[1], done, cli->reason, error))
    return FALSE;
  cli_print_done (cli, _("Task answered. Saved on this tablet."));
  return TRUE;
}

gboolean
cmd_note (Cli     *cli,
          GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 2);
  CareReaders readers = care_readers_from_string (cli->readers);
  g_autofree char *note = NULL;

  if (readers == CARE_READERS_INVALID)
    return cli_usage_error (error, _("Say who may read the note with --readers team, coordinators or family."));
  note = care_store_add_note_for (cli->store, cli->args[0], cli->args[1], text, readers, error);
  if (note == NULL)
    return FALSE;
  cli_print_id (cli, "note", note, _("Note added. Saved on this tablet."));
  return TRUE;
}

/* FIELD=VALUE: a time for "at" and the other *_at fields (as HH:MM or
 * YYYY-MM-DD HH:MM), true/false, a whole number, else text. */
static gboolean
parse_change (Cli        *cli,
              const char *arg,
              JsonObject *changes,
              GError    **error)
{
  const char *eq = strchr (arg, '=');
  g_autofree char *name = eq != NULL ? g_strndup (arg, eq - arg) : NULL;
  const char *value = eq != NULL ? eq + 1 : NULL;
  gint64 number;
  char *end = NULL;

  if (name == NULL || *name == '\0')
    return cli_usage_error (error, _("Give each change as FIELD=VALUE, for example at=14:30."));
  if (g_str_equal (name, "at") || g_str_has_suffix (name, "_at"))
    {
      if (!cli_parse_time (cli->store, value, care_store_now (cli->store), &number, error))
        return FALSE;
      json_object_set_int_member (changes, name, number);
    }
  else if (g_str_equal (value, "true") || g_str_equal (value, "false"))
    json_object_set_boolean_member (changes, name, g_str_equal (value, "true"));
  else if ((number = g_ascii_strtoll (value, &end, 10), *value != '\0' && *end == '\0'))
    json_object_set_int_member (changes, name, number);
  else
    json_object_set_string_member (changes, name, value);
  return TRUE;
}

gboolean
cmd_correct (Cli     *cli,
             GError **error)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(CareEvent) event = NULL;

  for (guint i = 1; cli->args[i] != NULL; i++)
    if (!parse_change (cli, cli->args[i], changes, error))
      return FALSE;
  event = care_store_correct (cli->store, cli->args[0], changes, error);
  if (event == NULL)
    return FALSE;
  cli_print_id (cli, "record", event->id,
                _("Correction saved on this tablet; it goes to the co-op at the next sync."));
  return TRUE;
}

gboolean
cmd_check_out (Cli     *cli,
               GError **error)
{
  if (!care_store_check_out (cli->store, cli->args[0], error))
    return FALSE;
  cli_print_done (cli, _("Checked out. Saved on this tablet."));
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

gboolean
cmd_amend_visit (Cli     *cli,
                 GError **error)
{
  const char *field = amend_field (cli->args[1]);
  g_autoptr(CareVisitDetail) d = NULL;
  g_autofree char *value = NULL;
  gint64 ms = 0;

  if (field == NULL)
    return cli_usage_error (error, _("Amend check-in, check-out or service."));
  if (!cli_require_reason (cli, error))
    return FALSE;
  d = care_store_get_visit (cli->store, cli->args[0], error);
  if (d == NULL)
    return FALSE;
  if (g_str_equal (field, "service"))
    value = g_strdup (cli->args[2]);
  else if (!cli_parse_time (cli->store, cli->args[2], d->summary.started_at, &ms, error))
    return FALSE;
  else
    value = g_strdup_printf ("%" G_GINT64_FORMAT, ms);
  if (!care_store_amend_visit (cli->store, cli->args[0], field, value, cli->reason, error))
    return FALSE;
  cli_print_done (cli, _("Amendment recorded; the original stays in the visit’s history."));
  return TRUE;
}

gboolean
cmd_amend_note (Cli     *cli,
                GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);

  if (!cli_require_reason (cli, error)
      || !care_store_amend_note (cli->store, cli->args[0], text, cli->reason, error))
    return FALSE;
  cli_print_done (cli, _("Note corrected; the original stays in its history."));
  return TRUE;
}

gboolean
cmd_retract_note (Cli     *cli,
                  GError **error)
{
  if (!cli_require_reason (cli, error)
      || !care_store_retract_note (cli->store, cli->args[0], cli->reason, error))
    return FALSE;
  cli_print_done (cli, _("Note withdrawn; it stays in the visit’s history."));
  return TRUE;
}

gboolean
cmd_hours (Cli     *cli,
           GError **error)
{
  GDate day;
  guint64 minutes;
  g_autofree char *entry = NULL;

  if (!g_ascii_string_to_unsigned (cli->args[1], 10, 1, 1440, &minutes, NULL))
    return cli_usage_error (error, _("Give the minutes as a whole number from 1 to 1440."));
  if (!cli_get_day (cli, &day, error))
    return FALSE;
  entry = care_store_add_hours (cli->store, cli->args[0], &day, (int) minutes, cli->comment, error);
  if (entry == NULL)
    return FALSE;
  cli_print_id (cli, "entry", entry, _("Hours added. Saved on this tablet."));
  return TRUE;
}

gboolean
cmd_cancel (Cli     *cli,
            GError **error)
{
  const char *visit = cli->args[0];

  if (visit == NULL && cli->schedule == NULL)
    return cli_usage_error (error, _("Name the visit to cancel, or a scheduled visit with --schedule ID."));
  if (!cli_require_reason (cli, error)
      || !care_store_cancel_visit (cli->store, visit, visit ? NULL : cli->schedule, cli->reason, error))
    return FALSE;
  cli_print_done (cli, visit ? _("Visit cancelled. Saved on this tablet.")
                             : _("Scheduled visit cancelled. Saved on this tablet."));
  return TRUE;
}

gboolean
cmd_review (Cli     *cli,
            GError **error)
{
  g_autofree char *review = care_store_add_review (cli->store, cli->args[1], cli->args[0], NULL, NULL,
                                                   cli->message, error);

  if (review == NULL)
    return FALSE;
  cli_print_id (cli, "review", review, _("Review recorded."));
  return TRUE;
}

gboolean
cmd_answer (Cli     *cli,
            GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);
  g_autofree char *review = care_store_get_open_review (cli->store, cli->args[0]);
  g_autoptr(CareVisitDetail) visit = NULL;

  /* A visit id (what `today` and `show` print) answers that visit's open query. */
  if (review == NULL && (visit = care_store_get_visit (cli->store, cli->args[0], NULL)) != NULL
      && visit->summary.visit != NULL)
    return cli_usage_error (error, _("Visit %s has no open query from the co-op to answer."), cli->args[0]);
  if (!care_store_answer_query (cli->store, review ? review : cli->args[0], text, error))
    return FALSE;
  cli_print_done (cli, _("Answer recorded. Saved on this tablet."));
  return TRUE;
}

