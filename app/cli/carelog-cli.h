/* carelog-cli.h: what the parts of carelog-cli share.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-demo.h"
#include "care-export.h"
#include "care-store.h"

G_BEGIN_DECLS

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
  gboolean help;
  char *review;
  char *readers;
  char *by;
  char *coop_key;
  char **args;          /* positional arguments after the command */
  CareStore *store;
} Cli;

typedef gboolean (*CommandFunc) (Cli *cli, GError **error);

typedef struct
{
  const char *name;
  CommandFunc func;
  int min_args;
  int max_args;         /* -1: any number (free text) */
  const char *usage;
  const char *summary;
} Command;

#define CLI_ERROR (cli_error_quark ())
GQuark cli_error_quark (void);

/* cli-util.c: errors, output and parsing shared by the commands. */
gboolean    cli_usage_error     (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);
void        cli_print_json      (JsonBuilder *b);
void        cli_json_str        (JsonBuilder *b, const char *name, const char *value);
void        cli_json_int        (JsonBuilder *b, const char *name, gint64 value);
void        cli_print_id        (Cli *cli, const char *name, const char *id, const char *sentence);
void        cli_print_done      (Cli *cli, const char *sentence);
char       *cli_format_time     (CareStore *store, gint64 ms, const char *format);
const char *cli_state_name      (CareVisitState state);
const char *cli_sync_name       (CareSyncState sync);
const char *cli_review_name     (CareReviewState review);
char       *cli_flags_text      (guint flags);
gboolean    cli_parse_date      (const char *text, GDate *date, GError **error);
gboolean    cli_get_day         (Cli *cli, GDate *day, GError **error);
gboolean    cli_parse_time      (CareStore *store, const char *text, gint64 reference_ms, gint64 *out, GError **error);
gboolean    cli_require_reason  (Cli *cli, GError **error);
void        cli_summary_to_json (CareStore *store, JsonBuilder *b, const CareVisitSummary *s);
void        cli_print_summary   (CareStore *store, const CareVisitSummary *s);
const char *cli_carer_of        (Cli *cli);
gboolean    cli_check_range     (Cli *cli, GError **error);
gboolean    cli_date_bound      (Cli *cli, const char *text, gboolean end, gint64 *out, GError **error);

/* The commands (cli-record.c, cli-read.c, cli-export.c). */
gboolean cmd_demo (Cli *cli, GError **error);
gboolean cmd_check_in (Cli *cli, GError **error);
gboolean cmd_task (Cli *cli, GError **error);
gboolean cmd_note (Cli *cli, GError **error);
gboolean cmd_check_out (Cli *cli, GError **error);
gboolean cmd_correct (Cli *cli, GError **error);
gboolean cmd_messages (Cli *cli, GError **error);
gboolean cmd_amend_visit (Cli *cli, GError **error);
gboolean cmd_amend_note (Cli *cli, GError **error);
gboolean cmd_retract_note (Cli *cli, GError **error);
gboolean cmd_hours (Cli *cli, GError **error);
gboolean cmd_cancel (Cli *cli, GError **error);
gboolean cmd_review (Cli *cli, GError **error);
gboolean cmd_answer (Cli *cli, GError **error);
gboolean cmd_today (Cli *cli, GError **error);
gboolean cmd_clients (Cli *cli, GError **error);
gboolean cmd_show (Cli *cli, GError **error);
gboolean cmd_visits (Cli *cli, GError **error);
gboolean cmd_week (Cli *cli, GError **error);
gboolean cmd_outbox (Cli *cli, GError **error);
gboolean cmd_search (Cli *cli, GError **error);
gboolean cmd_verify (Cli *cli, GError **error);
gboolean cmd_verify_export (Cli *cli, GError **error);
gboolean cmd_export_visits (Cli *cli, GError **error);
gboolean cmd_export_hours (Cli *cli, GError **error);
gboolean cmd_enrol (Cli *cli, GError **error);
gboolean cmd_sync (Cli *cli, GError **error);
/* cli-family.c */
gboolean cmd_confirm (Cli *cli, GError **error);
gboolean cmd_dispute (Cli *cli, GError **error);
gboolean cmd_no_confirmation (Cli *cli, GError **error);
gboolean cmd_answer_dispute (Cli *cli, GError **error);
gboolean cmd_message (Cli *cli, GError **error);

G_END_DECLS
