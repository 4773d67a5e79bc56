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

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "care-erase.h"
#include "carelog-cli.h"

/* Main -------------------------------------------------------------------- */

static const Command commands[] = {
  { "demo", cmd_demo, 0, 0, "demo [--role carer|supervisor]", N_("create a demo care log in this profile") },
  { "check-in", cmd_check_in, 1, 1, "check-in CLIENT [--schedule ID] [--service TEXT] [--location LAT,LON,ACC]",
    N_("start a visit; prints the visit id") },
  { "task", cmd_task, 3, 3, "task VISIT TASK done|not-done [--reason TEXT]", N_("answer a care-plan task") },
  { "note", cmd_note, 3, -1, "note VISIT CATEGORY TEXT… [--readers team|coordinators|family]",
    N_("add a care note; prints the note id") },
  { "check-out", cmd_check_out, 1, 1, "check-out VISIT", N_("finish a visit") },
  { "amend-visit", cmd_amend_visit, 3, 3, "amend-visit VISIT check-in|check-out|service VALUE --reason TEXT",
    N_("correct a visit (time as HH:MM or YYYY-MM-DD HH:MM)") },
  { "amend-note", cmd_amend_note, 2, -1, "amend-note NOTE TEXT… --reason TEXT", N_("correct a note") },
  { "retract-note", cmd_retract_note, 1, 1, "retract-note NOTE --reason TEXT", N_("withdraw a note") },
  { "correct", cmd_correct, 1, -1, "correct RECORD [FIELD=VALUE…]",
    N_("put right a record the co-op refused: the same record with the fields given changed "
       "(at=HH:MM or YYYY-MM-DD HH:MM for a time); prints the new record's id") },
  { "hours", cmd_hours, 2, 2, "hours travel|training|other MINUTES [--date YYYY-MM-DD] [--comment TEXT]",
    N_("add manual hours") },
  { "cancel", cmd_cancel, 0, 1, "cancel VISIT --reason TEXT | cancel --schedule ID --reason TEXT",
    N_("cancel a visit") },
  { "review", cmd_review, 2, 2, "review VISIT approve|query|flag|withdrawn [--message TEXT]", N_("review a visit (supervisors)") },
  { "answer", cmd_answer, 2, -1, "answer VISIT|REVIEW TEXT…",
    N_("answer a supervisor's query on a visit (the visit id, or the review id `show` prints)") },
  { "confirm", cmd_confirm, 1, 1, "confirm VISIT [--by client|family]",
    N_("record that the client (or the family) confirms the visit") },
  { "dispute", cmd_dispute, 2, -1, "dispute VISIT TEXT… [--by client|family]",
    N_("record that something about the visit is not right, in their words") },
  { "no-confirmation", cmd_no_confirmation, 2, 2, "no-confirmation VISIT asleep|declined|unable [--comment TEXT]",
    N_("record why nobody could confirm the visit (carers)") },
  { "answer-dispute", cmd_answer_dispute, 2, -1, "answer-dispute VISIT TEXT…",
    N_("answer a visit's dispute; the family reads it (co-ordinators)") },
  { "message", cmd_message, 2, -1, "message CLIENT TEXT…",
    N_("a family member's message to the co-ordinators about their client") },
  { "messages", cmd_messages, 0, 0, "messages",
    N_("the families' messages to the co-ordinators, newest first (co-ordinators)") },
  { "clients", cmd_clients, 0, 0, "clients [--carer MEMBER]",
    N_("the clients this carer is assigned to (all clients for a supervisor), with id, name and address") },
  { "today", cmd_today, 0, 0, "today [--date YYYY-MM-DD] [--carer MEMBER]", N_("list a day's visits") },
  { "show", cmd_show, 1, 1, "show VISIT", N_("show a visit with its tasks, notes and history") },
  { "visits", cmd_visits, 0, 0,
    "visits [--carer M] [--client C] [--from DATE] [--to DATE] [--review queried|…] [--exceptions]",
    N_("the co-op's visits, newest first (first 100), exceptions first with --exceptions") },
  { "week", cmd_week, 0, 0, "week [--week 2026-W47 | --date YYYY-MM-DD] [--carer MEMBER]", N_("hours of a week") },
  { "outbox", cmd_outbox, 0, 0, "outbox", N_("records not yet acknowledged by the co-op") },
  { "search", cmd_search, 1, -1, "search WORDS…", N_("search the care notes") },
  { "export-visits", cmd_export_visits, 0, 0,
    "export-visits [--from DATE] [--to DATE] [--carer M] [--client C] [--output FILE]", N_("visits as CSV") },
  { "export-hours", cmd_export_hours, 0, 0,
    "export-hours [--from DATE] [--to DATE] [--carer M] [--approved-only] [--output FILE]", N_("hours as CSV") },
  { "verify", cmd_verify, 0, 0, "verify", N_("run the full integrity check") },
  { "verify-export", cmd_verify_export, 1, 1, "verify-export FILE [--coop-key KEY]",
    N_("check an exported visit against the co-op's signed log (no care log needed)") },
  { "enrol", cmd_enrol, 1, 1, "enrol LINE [--device-name NAME]", N_("enrol this profile with a co-op (runs carelog-syncd)") },
  { "sync", cmd_sync, 0, 0, "sync", N_("sync once now (runs carelog-syncd)") },
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
  OPT ("--review", review), OPT ("--readers", readers), OPT ("--by", by), OPT ("--coop-key", coop_key),
};

/* Options go anywhere on the line, as --name VALUE or --name=VALUE;
 * GOptionContext parses them (its own help is off: `help` and --help
 * print the commands). What is left are the command and its arguments. */
static gboolean
parse_args (Cli       *cli,
            int        argc,
            char     **argv,
            GPtrArray *positional,
            GError   **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) local_error = NULL;
  const GOptionEntry flags[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, NULL, NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &cli->help, NULL, NULL },
    { "approved-only", 0, 0, G_OPTION_ARG_NONE, &cli->approved_only, NULL, NULL },
    { "exceptions", 0, 0, G_OPTION_ARG_NONE, &cli->exceptions, NULL, NULL },
  };

  g_array_append_vals (entries, flags, G_N_ELEMENTS (flags));
  for (guint k = 0; k < G_N_ELEMENTS (string_options); k++)
    {
      GOptionEntry entry = { string_options[k].name + 2, 0, 0, G_OPTION_ARG_STRING,
                             G_STRUCT_MEMBER_P (cli, string_options[k].offset), NULL, NULL };

      g_array_append_val (entries, entry);
    }
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, (const GOptionEntry *) entries->data, NULL);
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &local_error))
    return cli_usage_error (error, _("%s (see carelog-cli help)."), local_error->message);
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (positional, g_strdup (args[i]));
  g_ptr_array_add (positional, NULL);
  return TRUE;
}

static void
cli_clear (Cli *cli)
{
  char **strings[] = { &cli->profile, &cli->store_path, &cli->reason, &cli->schedule, &cli->service,
                       &cli->location, &cli->date, &cli->week, &cli->carer, &cli->client, &cli->comment,
                       &cli->message, &cli->role, &cli->from, &cli->to, &cli->output, &cli->device_name,
                       &cli->review, &cli->readers, &cli->by, &cli->coop_key };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
  g_clear_object (&cli->store);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Cli, cli_clear)

static gboolean
open_store (Cli     *cli,
            gboolean may_create,
            GError **error)
{
  g_autofree char *path = NULL;

  if (cli->store_path != NULL && cli->profile != NULL)
    return cli_usage_error (error, _("Give either --profile or --store, not both."));
  if (cli->store_path == NULL && cli->profile == NULL)
    cli->profile = g_strdup (g_getenv ("CARELOG_PROFILE") ? g_getenv ("CARELOG_PROFILE") : "default");
  if (cli->profile != NULL && (strchr (cli->profile, '/') != NULL || cli->profile[0] == '.'))
    return cli_usage_error (error, _("A profile name cannot contain “/” or start with “.”."));
  path = cli->store_path ? g_strdup (cli->store_path) : care_store_default_path (cli->profile);
  /* Only demo makes a new care log; any other command on a profile or a
   * file that does not exist says so, rather than leaving an empty store. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !may_create && !care_erase_is_removed (path, NULL))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (cli->store_path != NULL && !g_file_test (dir, G_FILE_TEST_IS_DIR))
        return cli_usage_error (error, _("The folder %s does not exist: check the --store path."), dir);
      if (cli->store_path != NULL)
        return cli_usage_error (error, _("There is no care log at %s. Check the --store path, or create "
                                         "one there with `carelog-cli --store %s demo` (a demo care log) or "
                                         "`carelog-cli --store %s enrol LINE` (with your co-op’s enrolment "
                                         "line)."), path, path, path);
      return cli_usage_error (error, _("There is no profile “%s” on this machine (no care log at %s). Create "
                                       "it with `carelog-cli --profile %s demo` (a demo care log) or "
                                       "`carelog-cli --profile %s enrol LINE` (with your co-op’s enrolment "
                                       "line)."), cli->profile, path, cli->profile, cli->profile);
    }
  if (cli->store_path != NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        return cli_usage_error (error, _("The folder %s does not exist: check the --store path."), dir);
    }
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
  if (cli->help || positional->len <= 1 || g_str_equal (positional->pdata[0], "help"))
    {
      print_usage (stdout);
      return TRUE;
    }
  command = find_command (positional->pdata[0]);
  if (command == NULL)
    return cli_usage_error (error, _("Unknown command “%s” (see carelog-cli help)."), (char *) positional->pdata[0]);
  if ((int) positional->len - 2 < command->min_args)
    return cli_usage_error (error, _("Usage: carelog-cli %s"), command->usage);
  if (command->max_args >= 0 && (int) positional->len - 2 > command->max_args)
    {
      g_autofree char *takes = command->max_args == 0
        ? g_strdup (_("takes no arguments"))
        : g_strdup_printf (ngettext ("takes at most %d argument", "takes at most %d arguments",
                                     command->max_args), command->max_args);

      return cli_usage_error (error, _("%s %s: “%s” is one too many (put a value with spaces in quotes). "
                                       "Usage: carelog-cli %s"),
                              command->name, takes, (char *) positional->pdata[command->max_args + 1],
                              command->usage);
    }
  cli->args = (char **) positional->pdata + 1;
  if (command->func != cmd_enrol && command->func != cmd_sync && command->func != cmd_verify_export
      && !open_store (cli, command->func == cmd_demo, error))
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
