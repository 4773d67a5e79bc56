/* cli-read.c: the commands that show the care log.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <inttypes.h>

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "care-verify.h"
#include "care-export-verify.h"
#include "care-checkpoint.h"
#include "care-chain.h"
#include "care-log-verify.h"
#include "care-words.h"
#include "carelog-cli.h"

/* Commands: reading ------------------------------------------------------- */

gboolean
cmd_today (Cli     *cli,
           GError **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  GDate day;
  char buf[64];

  if (cli_carer_of (cli) == NULL)
    return cli_usage_error (error, _("This profile has no carer yet: enrol it, or give --carer MEMBER."));
  if (!cli_get_day (cli, &day, error) || !(list = care_store_list_day (cli->store, cli_carer_of (cli), &day, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        cli_summary_to_json (cli->store, b, list->pdata[i]);
      json_builder_end_array (b);
      cli_print_json (b);
      return TRUE;
    }
  name = care_store_get_member_name (cli->store, cli_carer_of (cli));
  g_date_strftime (buf, sizeof buf, "%A %e %B %Y", &day);
  g_print (_("Visits on %s for %s\n\n"), buf, name ? name : cli_carer_of (cli));
  for (guint i = 0; i < list->len; i++)
    cli_print_summary (cli->store, list->pdata[i]);
  if (list->len == 0)
    g_print (_("No visits.\n"));
  return TRUE;
}

gboolean
cmd_clients (Cli     *cli,
             GError **error)
{
  /* A carer sees their own clients; a supervisor or administrator every
   * client, unless --carer names one carer. */
  const char *carer = cli->carer != NULL ? cli->carer
                      : care_store_get_role (cli->store) == CARE_ROLE_CARER ? care_store_get_member (cli->store)
                                                                            : NULL;
  g_autoptr(GPtrArray) ids = care_store_list_clients (cli->store, carer, error);
  g_autoptr(JsonBuilder) b = NULL;

  if (ids == NULL)
    return FALSE;
  if (cli->json)
    {
      b = json_builder_new ();
      json_builder_begin_array (b);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = ids->pdata[i];
      g_autofree char *name = care_store_get_client_name (cli->store, id);
      g_autofree char *address = care_store_get_client_address (cli->store, id);

      if (cli->json)
        {
          json_builder_begin_object (b);
          cli_json_str (b, "client", id);
          cli_json_str (b, "name", name);
          cli_json_str (b, "address", address);
          json_builder_end_object (b);
        }
      else
        g_print ("%-12s %-24s %s\n", id, name ? name : "", address ? address : "");
    }
  if (cli->json)
    {
      json_builder_end_array (b);
      cli_print_json (b);
    }
  else if (ids->len == 0)
    g_print (_("No clients yet: the co-op’s client list arrives with the first sync.\n"));
  return TRUE;
}

static void
detail_to_json (CareStore             *store,
                JsonBuilder           *b,
                const CareVisitDetail *d)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "summary");
  cli_summary_to_json (store, b, &d->summary);
  json_builder_set_member_name (b, "tasks");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->tasks->len; i++)
    {
      CareTaskState *t = d->tasks->pdata[i];

      json_builder_begin_object (b);
      cli_json_str (b, "task", t->task);
      cli_json_str (b, "label", t->label);
      json_builder_set_member_name (b, "essential");
      json_builder_add_boolean_value (b, t->essential);
      cli_json_int (b, "answer", t->answer);
      cli_json_str (b, "reason", t->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* The client's word (visit.verified, the latest) and its disputes. */
  cli_json_str (b, "verified", d->verified);
  cli_json_str (b, "verified_by", d->verified_by);
  cli_json_str (b, "verified_reason", d->verified_reason);
  cli_json_str (b, "verified_text", d->verified_text);
  json_builder_set_member_name (b, "dispute_open");
  json_builder_add_boolean_value (b, d->dispute_open);
  cli_json_str (b, "dispute_answer", d->dispute_answer);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->notes->len; i++)
    {
      CareNote *n = d->notes->pdata[i];

      json_builder_begin_object (b);
      cli_json_str (b, "note", n->note);
      cli_json_str (b, "category", n->category);
      cli_json_str (b, "text", n->text);
      cli_json_str (b, "readers", care_readers_to_string (n->readers));
      json_builder_set_member_name (b, "retracted");
      json_builder_add_boolean_value (b, n->retracted);
      cli_json_str (b, "author", n->author);
      cli_json_int (b, "created_at", n->created_at);
      /* The original first, then each correction or withdrawal with its reason. */
      json_builder_set_member_name (b, "versions");
      json_builder_begin_array (b);
      for (guint k = 0; k < n->versions->len; k++)
        {
          CareNoteVersion *v = n->versions->pdata[k];

          json_builder_begin_object (b);
          cli_json_str (b, "kind", k == 0 ? "original" : n->retracted && k == n->versions->len - 1
                                                          ? "withdrawn" : "correction");
          cli_json_str (b, "text", v->text);
          cli_json_str (b, "reason", v->reason);
          cli_json_str (b, "author", v->author);
          cli_json_int (b, "at", v->at);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->history->len; i++)
    {
      CareHistoryEntry *h = d->history->pdata[i];

      json_builder_begin_object (b);
      cli_json_str (b, "event", h->event);
      cli_json_str (b, "type", care_event_type_to_string (h->type));
      cli_json_str (b, "author", h->author);
      cli_json_int (b, "wall", h->wall);
      cli_json_str (b, "description", h->description);
      cli_json_str (b, "reason", h->reason);
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
      g_autofree char *at = cli_format_time (store, n->created_at, "%H:%M");

      g_print ("  %s [%s]%s %s\n      note %s, %s, %s\n", at, n->category, n->retracted ? _(" (withdrawn)") : "",
               n->text, n->note, care_note_readers_label (care_readers_to_string (n->readers)),
               cli_sync_name (n->sync));
      for (guint k = 0; n->versions->len > 1 && k < n->versions->len; k++)
        {
          CareNoteVersion *v = n->versions->pdata[k];
          g_autofree char *when = cli_format_time (store, v->at, "%a %d %b %H:%M");
          g_autofree char *who = care_store_get_member_name (store, v->author);
          gboolean withdrawn = n->retracted && k == n->versions->len - 1 && k > 0;

          if (k == 0)
            g_print (_("      original, %s, %s: %s\n"), who ? who : v->author, when, v->text);
          else if (withdrawn)
            g_print (_("      withdrawn, %s, %s; reason: %s\n"), who ? who : v->author, when,
                     v->reason ? v->reason : "");
          else
            g_print (_("      corrected, %s, %s; reason: %s\n        %s\n"), who ? who : v->author, when,
                     v->reason ? v->reason : "", v->text);
        }
    }
}

gboolean
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
      detail_to_json (cli->store, b, d);
      cli_print_json (b);
      return TRUE;
    }
  cli_print_summary (cli->store, &d->summary);
  g_print (_("             carer %s, service %s, review %s\n"), d->summary.carer_name,
           d->summary.service, cli_review_name (d->summary.review));
  print_tasks_and_notes (cli->store, d);
  if (d->verified != NULL)
    {
      g_autofree char *said = care_verification_sentence (d->verified, d->verified_by, d->verified_reason,
                                                          d->verified_text);

      g_print (_("\nThe client's word\n  %s\n"), said);
    }
  if (d->disputes > 0 && d->dispute_open)
    g_print (_("  The dispute is open: a co-ordinator has not answered yet.\n"));
  else if (d->disputes > 0)
    g_print (_("  A co-ordinator answered: %s\n"), d->dispute_answer);
  g_print (_("\nHistory\n"));
  for (guint i = 0; i < d->history->len; i++)
    {
      CareHistoryEntry *h = d->history->pdata[i];
      g_autofree char *at = cli_format_time (cli->store, h->wall, "%a %d %b %H:%M");
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
        return cli_usage_error (error, _("Write the week like 2026-W47."));
      return TRUE;
    }
  if (!cli_get_day (cli, &day, error))
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
  g_print (_("\n  Total %lld:%02lld (planned %lld:%02lld), timesheet review: %s\n"),
           (long long) (w->total_minutes / 60), (long long) (w->total_minutes % 60),
           (long long) (w->planned_minutes / 60), (long long) (w->planned_minutes % 60),
           cli_review_name (w->review));
}

gboolean
cmd_visits (Cli     *cli,
            GError **error)
{
  CareVisitFilter filter = { cli->carer, cli->client, 0, 0, -1, 0, cli->exceptions, 0, 100 };
  g_autoptr(GPtrArray) list = NULL;
  const char *reviews[] = { "none", "approved", "queried", "flagged", "changed" };

  for (int i = 0; cli->review != NULL && i < (int) G_N_ELEMENTS (reviews); i++)
    if (g_str_equal (cli->review, reviews[i]))
      filter.review = i;
  if (cli->review != NULL && filter.review < 0)
    return cli_usage_error (error, _("--review takes none, approved, queried, flagged or changed."));
  if (!cli_check_range (cli, error)
      || !cli_date_bound (cli, cli->from, FALSE, &filter.from, error) || !cli_date_bound (cli, cli->to, TRUE, &filter.to, error)
      || !(list = care_store_list_visits (cli->store, &filter, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        cli_summary_to_json (cli->store, b, list->pdata[i]);
      json_builder_end_array (b);
      cli_print_json (b);
      return TRUE;
    }
  for (guint i = 0; i < list->len; i++)
    {
      CareVisitSummary *v = list->pdata[i];
      g_autofree char *day = cli_format_time (cli->store, v->started_at ? v->started_at : v->planned_start, "%a %d %b");

      g_print ("%s  %s\n", day, v->carer_name ? v->carer_name : v->carer);
      cli_print_summary (cli->store, v);
    }
  if (list->len == 0)
    g_print (_("No visits match.\n"));
  return TRUE;
}

gboolean
cmd_week (Cli     *cli,
          GError **error)
{
  g_autoptr(CareWeekHours) w = NULL;
  int year, week;

  if (cli_carer_of (cli) == NULL)
    return cli_usage_error (error, _("This profile has no carer yet: enrol it, or give --carer MEMBER."));
  if (!parse_week (cli, &year, &week, error)
      || !(w = care_store_get_week_hours (cli->store, cli_carer_of (cli), year, week, error)))
    return FALSE;
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      cli_json_str (b, "carer", w->carer);
      cli_json_int (b, "iso_year", w->iso_year);
      cli_json_int (b, "iso_week", w->iso_week);
      json_builder_set_member_name (b, "days");
      json_builder_begin_array (b);
      for (int i = 0; i < 7; i++)
        {
          char buf[16];

          g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &w->days[i].date);
          json_builder_begin_object (b);
          cli_json_str (b, "date", buf);
          cli_json_int (b, "visit_minutes", w->days[i].visit_minutes);
          cli_json_int (b, "travel_minutes", w->days[i].travel_minutes);
          cli_json_int (b, "training_minutes", w->days[i].training_minutes);
          cli_json_int (b, "other_minutes", w->days[i].other_minutes);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      cli_json_int (b, "total_minutes", w->total_minutes);
      cli_json_int (b, "planned_minutes", w->planned_minutes);
      cli_json_str (b, "review", cli_review_name (w->review));
      json_builder_end_object (b);
      cli_print_json (b);
      return TRUE;
    }
  print_week (cli->store, w);
  return TRUE;
}

gboolean
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
      cli_json_int (b, "pending", c.pending);
      cli_json_int (b, "quarantined", c.quarantined);
      cli_json_int (b, "acknowledged", c.acknowledged);
      cli_json_int (b, "last_seq", c.last_seq);
      cli_json_int (b, "acked_seq", c.acked_seq);
      json_builder_set_member_name (b, "records");
      json_builder_begin_array (b);
      for (guint i = 0; i < events->len; i++)
        {
          CareEvent *e = events->pdata[i];
          g_autofree char *reason = NULL;
          CareSyncState sync = care_store_get_event_sync (cli->store, e->id, &reason, NULL);
          JsonNode *node = care_event_to_json (e);

          json_object_set_string_member (json_node_get_object (node), "sync",
                                         sync == CARE_SYNC_QUARANTINED ? "quarantined"
                                         : sync == CARE_SYNC_HELD ? "held" : "local");
          if (reason != NULL)
            json_object_set_string_member (json_node_get_object (node), "reason", reason);
          json_builder_add_value (b, node);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      cli_print_json (b);
      return TRUE;
    }
  g_print (_("%lld record(s) waiting to reach the co-op, %lld refused by it, %lld delivered "
             "(sequence %lld of %lld acknowledged).\n"),
           (long long) c.pending, (long long) c.quarantined, (long long) c.acknowledged,
           (long long) c.acked_seq, (long long) c.last_seq);
  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];
      g_autofree char *at = cli_format_time (cli->store, e->wall, "%a %d %b %H:%M");

      g_autofree char *reason = NULL;
      CareSyncState sync = care_store_get_event_sync (cli->store, e->id, &reason, NULL);

      g_print ("  #%-5" G_GINT64_FORMAT " %s  %-16s %s\n", e->seq, at,
               care_event_type_to_string (e->type), e->id);
      if (sync == CARE_SYNC_QUARANTINED)
        g_print (_("         refused by the co-op: %s\n"
                   "         (put it right with: carelog-cli correct %s ...)\n"),
                 reason ? reason : _("no reason given"), e->id);
      else if (sync == CARE_SYNC_HELD)
        g_print (_("         held by the co-op until an earlier refused record of its visit is put right\n"));
    }
  return TRUE;
}

gboolean
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
          cli_json_str (b, "note", h->note);
          cli_json_str (b, "visit", h->visit);
          cli_json_str (b, "client_name", h->client_name);
          cli_json_str (b, "category", h->category);
          cli_json_str (b, "snippet", h->snippet);
          cli_json_int (b, "created_at", h->created_at);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      cli_print_json (b);
      return TRUE;
    }
  for (guint i = 0; i < hits->len; i++)
    {
      CareNoteHit *h = hits->pdata[i];
      g_autofree char *at = cli_format_time (cli->store, h->created_at, "%a %d %b %H:%M");

      g_print ("%s  %s [%s]\n  %s\n  visit %s\n", at, h->client_name, h->category, h->snippet, h->visit);
    }
  if (hits->len == 0)
    g_print (_("No notes match.\n"));
  return TRUE;
}

/* What this device kept of the co-op log (docs/verifying-records.md): the
 * co-op's latest checkpoint, signed with the key pinned at enrolment, and
 * the receipt that its latest delivered record is in that log. */
static gboolean
verify_log_receipt (Cli     *cli,
                    GError **error)
{
  g_autofree char *kept = care_store_get_meta (cli->store, "log.checkpoint");
  g_autofree char *key = care_store_get_meta (cli->store, "log.key");
  g_autofree char *receipt_text = care_store_get_meta (cli->store, "log.receipt");
  g_autofree char *alarm = care_store_get_meta (cli->store, "log.alarm");
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *line = NULL;

  if (kept == NULL)
    return TRUE;
  cp = care_checkpoint_from_string (kept, &local);
  if (cp == NULL || !care_checkpoint_verify (cp, key, &local))
    {
      g_set_error (error, CLI_ERROR, 1, _("The co-op checkpoint this device kept does not hold: %s"),
                   local->message);
      return FALSE;
    }
  if (receipt_text != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonObject *o = NULL;
      const char *hash = NULL, *proof_text = NULL;
      g_autoptr(GBytes) proof = NULL;
      guint8 raw[32], leaf[32];
      gint64 index = -1, size = -1;

      if (json_parser_load_from_data (parser, receipt_text, -1, NULL)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          o = json_node_get_object (json_parser_get_root (parser));
          hash = json_object_get_string_member_with_default (o, "hash", NULL);
          proof_text = json_object_get_string_member_with_default (o, "proof", NULL);
          index = json_object_get_int_member_with_default (o, "index", -1);
          size = json_object_get_int_member_with_default (o, "size", -1);
        }
      /* The receipt was checked against the checkpoint of its time; the
       * kept one is that one or a later one that extends it. */
      if (hash == NULL || proof_text == NULL || index < 0 || size != (gint64) cp->size
          || !care_base64url_decode (hash, raw, sizeof raw)
          || (proof = care_log_proof_decode (proof_text, NULL)) == NULL)
        line = g_strdup_printf (_("The co-op's checkpoint holds (its log of %" PRIu64 " records); this "
                                  "device's receipt is for an earlier checkpoint."), cp->size);
      else
        {
          care_log_verify_leaf_hash (raw, sizeof raw, leaf);
          if (!care_log_verify_inclusion (leaf, (guint64) index, cp->size, proof, cp->root, &local))
            {
              g_set_error (error, CLI_ERROR, 1, _("This device's receipt from the co-op does not hold: %s"),
                           local->message);
              return FALSE;
            }
          line = g_strdup_printf (_("The co-op's checkpoint holds, and so does its receipt: this device's latest "
                                    "delivered record is record %" PRId64 " of the co-op's log of %"
                                    PRIu64 "."), index + 1, cp->size);
        }
    }
  else
    line = g_strdup_printf (_("The co-op's checkpoint holds (its log of %" PRIu64 " records)."), cp->size);
  cli_print_done (cli, line);
  if (alarm != NULL)
    {
      g_set_error (error, CLI_ERROR, 1, "%s", alarm);
      return FALSE;
    }
  return TRUE;
}

gboolean
cmd_verify (Cli     *cli,
            GError **error)
{
  g_autoptr(CareVerifier) verifier = care_verifier_new ();
  CareVerifyReport report = { 0 };
  g_autofree char *summary = NULL;
  gboolean ok;

  if (!care_store_verify (cli->store, error) || !care_store_feed_verifier (cli->store, verifier, error))
    return FALSE;
  /* The chains (docs/verifying-records.md): every record's hash and link. */
  ok = care_verifier_finish (verifier, &report);
  summary = g_strdup_printf (_("%" PRIu64 " records of %u devices checked, %" PRIu64
                               " of them in a chain."), report.records, report.devices, report.linked);
  if (!ok)
    {
      g_set_error (error, CLI_ERROR, 1, _("%s %" PRIu64 " problems; the first: %s"), summary,
                   report.problems, report.first_problem);
      care_verify_report_clear (&report);
      return FALSE;
    }
  care_verify_report_clear (&report);
  cli_print_done (cli, summary);
  if (!verify_log_receipt (cli, error))
    return FALSE;
  cli_print_done (cli, _("The care log passed the full integrity check, and every chain holds."));
  return TRUE;
}


/* An exported visit, checked without the co-op (docs/verifying-records.md,
 * "Checking an exported visit"). */
gboolean
cmd_verify_export (Cli     *cli,
                   GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) local = NULL;

  if (!json_parser_load_from_mapped_file (parser, cli->args[0], &local))
    {
      g_set_error (error, CLI_ERROR, 1, _("%s cannot be read as JSON: %s"), cli->args[0], local->message);
      return FALSE;
    }
  if (!care_export_verify (json_parser_get_root (parser), cli->coop_key, report, &local))
    {
      g_print ("%s", report->str);
      g_set_error (error, CLI_ERROR, 1, _("The export does not hold: %s"), local->message);
      return FALSE;
    }
  g_print ("%s", report->str);
  cli_print_done (cli, _("Every record of the export holds."));
  return TRUE;
}
