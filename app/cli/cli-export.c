/* cli-export.c: CSV exports and the sync daemon.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <unistd.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>

#include "carelog-cli.h"

/* Exports ----------------------------------------------------------------- */

static GOutputStream *
open_output (Cli     *cli,
             GError **error)
{
  g_autoptr(GFile) file = NULL;

  if (cli->output == NULL || g_str_equal (cli->output, "-"))
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  file = g_file_new_for_commandline_arg (cli->output);
  /* Private (0600), like every file that holds care data. */
  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE,
                                          G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                          NULL, error));
}

gboolean
cmd_export_visits (Cli     *cli,
                   GError **error)
{
  CareVisitFilter filter = { cli->carer, cli->client, 0, 0, -1, 0, FALSE, 0, 0 };
  g_autoptr(GOutputStream) out = NULL;

  if (!cli_check_range (cli, error)
      || !cli_date_bound (cli, cli->from, FALSE, &filter.from, error)
      || !cli_date_bound (cli, cli->to, TRUE, &filter.to, error)
      || !(out = open_output (cli, error)))
    return FALSE;
  return care_export_visits_csv (cli->store, &filter, out, error)
         && g_output_stream_close (out, NULL, error);
}

gboolean
cmd_export_hours (Cli     *cli,
                  GError **error)
{
  g_autoptr(GOutputStream) out = NULL;
  GDate from, to;

  if (!cli_get_day (cli, &to, error))
    return FALSE;
  from = to;
  g_date_subtract_days (&from, 27);
  if ((cli->from && !cli_parse_date (cli->from, &from, error)) || (cli->to && !cli_parse_date (cli->to, &to, error)))
    return FALSE;
  if (g_date_compare (&from, &to) > 0)
    {
      char a[16], z[16];

      g_date_strftime (a, sizeof a, "%Y-%m-%d", &from);
      g_date_strftime (z, sizeof z, "%Y-%m-%d", &to);
      return cli_usage_error (error, _("The period starts (%s) after it ends (%s): give the earlier date "
                                       "with --from and the later with --to (both days are included)."),
                              a, z);
    }
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
    return cli_usage_error (error, _("The sync daemon (carelog-syncd) is not installed. Set CARELOG_SYNCD "
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
    return cli_usage_error (error, _("The sync daemon could not finish (see its message above)."));
  return TRUE;
}

/* The CLI's demo profile has no co-op: enrolling it would send invented
 * records to a real co-op, and syncing it has nobody to talk to. */
static gboolean
refuse_local_demo (Cli        *cli,
                   const char *what,
                   GError    **error)
{
  g_autofree char *path = cli->store_path ? g_strdup (cli->store_path) : care_store_default_path (cli->profile);
  g_autoptr(CareStore) store = NULL;
  g_autofree char *demo = NULL;
  g_autofree char *url = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS) || (store = care_store_open (path, NULL)) == NULL)
    return TRUE;
  demo = care_store_get_meta (store, "demo");
  url = care_store_get_meta (store, "server_url");
  if (g_strcmp0 (demo, "1") == 0 && url == NULL)
    return cli_usage_error (error, _("%s holds the command-line tool’s local demo care log, which has no co-op "
                                     "server, so it cannot %s. Use a new profile for a real co-op, "
                                     "e.g. `carelog-cli --profile work enrol LINE`."),
                            path, what);
  return TRUE;
}

gboolean
cmd_enrol (Cli     *cli,
           GError **error)
{
  if (!refuse_local_demo (cli, _("be enrolled"), error))
    return FALSE;
  if (!run_syncd (cli, "--enrol", cli->args[0], error))
    return FALSE;
  if (!cli->json)
    g_print (_("The co-op’s records (clients, care plans, the rota) arrive at the next sync: run "
               "`carelog-cli %s %s sync` now, or let the sync daemon do it once online.\n"),
             cli->store_path ? "--store" : "--profile", cli->store_path ? cli->store_path : cli->profile);
  return TRUE;
}

gboolean
cmd_sync (Cli     *cli,
          GError **error)
{
  return refuse_local_demo (cli, _("sync"), error) && run_syncd (cli, "--once", NULL, error);
}

