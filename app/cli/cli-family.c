/* cli-family.c: the client's word on a visit, from the command line
 * (docs/family.md): confirm, dispute, "nobody could confirm", a
 * co-ordinator's answer to a dispute, a family member's message.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "carelog-cli.h"

/* Who answers: --by, else the family on a family member's own device and
 * the client at the door on a carer's tablet. */
static gboolean
answered_by (Cli         *cli,
             const char **by,
             GError     **error)
{
  if (cli->by == NULL)
    {
      *by = care_store_get_role (cli->store) == CARE_ROLE_FAMILY ? "family" : "client";
      return TRUE;
    }
  if (!g_str_equal (cli->by, "client") && !g_str_equal (cli->by, "family"))
    return cli_usage_error (error, _("Say who answers with --by client or --by family."));
  *by = cli->by;
  return TRUE;
}

gboolean
cmd_confirm (Cli     *cli,
             GError **error)
{
  const char *by;

  if (!answered_by (cli, &by, error)
      || !care_store_verify_visit (cli->store, cli->args[0], "confirmed", by, NULL, NULL, error))
    return FALSE;
  cli_print_done (cli, _("The visit is confirmed. Saved on this device."));
  return TRUE;
}

gboolean
cmd_dispute (Cli     *cli,
             GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);
  const char *by;

  if (!answered_by (cli, &by, error)
      || !care_store_verify_visit (cli->store, cli->args[0], "disputed", by, NULL, text, error))
    return FALSE;
  cli_print_done (cli, _("Your words were saved on this device: a co-ordinator will answer them."));
  return TRUE;
}

gboolean
cmd_no_confirmation (Cli     *cli,
                     GError **error)
{
  const char *reason = cli->args[1];

  if (!g_str_equal (reason, "asleep") && !g_str_equal (reason, "declined") && !g_str_equal (reason, "unable"))
    return cli_usage_error (error, _("Say why nobody could confirm: asleep, declined or unable."));
  if (!care_store_verify_visit (cli->store, cli->args[0], "not-possible", NULL, reason, cli->comment, error))
    return FALSE;
  cli_print_done (cli, _("Saved on this tablet: nobody could confirm this visit."));
  return TRUE;
}

gboolean
cmd_answer_dispute (Cli     *cli,
                    GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);

  if (!care_store_answer_dispute (cli->store, cli->args[0], text, error))
    return FALSE;
  cli_print_done (cli, _("Answer saved: the family will read it, and the dispute is closed."));
  return TRUE;
}

gboolean
cmd_message (Cli     *cli,
             GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args + 1);
  g_autofree char *message = care_store_send_message (cli->store, cli->args[0], text, error);

  if (message == NULL)
    return FALSE;
  cli_print_id (cli, "message", message, _("Message saved on this device: it goes to the co-ordinators."));
  return TRUE;
}

gboolean
cmd_messages (Cli     *cli,
              GError **error)
{
  g_autoptr(GPtrArray) messages = care_store_list_messages (cli->store, 200, error);
  g_autoptr(JsonBuilder) b = NULL;

  if (messages == NULL)
    return FALSE;
  if (cli->json)
    {
      b = json_builder_new ();
      json_builder_begin_array (b);
    }
  for (guint i = 0; i < messages->len; i++)
    {
      CareFamilyMessage *m = messages->pdata[i];
      g_autofree char *at = cli_format_time (cli->store, m->wall, "%a %d %b %H:%M");

      if (cli->json)
        {
          json_builder_begin_object (b);
          cli_json_str (b, "message", m->id);
          cli_json_str (b, "client", m->client);
          cli_json_str (b, "client_name", m->client_name);
          cli_json_str (b, "from", m->author);
          cli_json_str (b, "from_name", m->author_name);
          cli_json_int (b, "at", m->wall);
          cli_json_str (b, "text", m->text);
          json_builder_end_object (b);
        }
      else
        /* Translators: "Mon 30 Nov 14:05  Elena Gallo about Dorothy Evans", then the message. */
        g_print (_("%s  %s about %s\n    %s\n"), at, m->author_name ? m->author_name : m->author,
                 m->client_name ? m->client_name : m->client, m->text);
    }
  if (cli->json)
    {
      json_builder_end_array (b);
      cli_print_json (b);
    }
  else if (messages->len == 0)
    g_print (_("No messages from families.\n"));
  return TRUE;
}
