/* care-server-admin.c: carelog-server's commands.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Administrative changes (members, clients, care plans, assignments, the
 * rota) are written as server records, so they reach devices by pull.
 */
#define G_LOG_DOMAIN "carelog-server"

#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib-unix.h>
#include <qrencode.h>

#include "care-server.h"
#include "care-private.h"
#include "care-server-admin.h"
#include "care-server-ledger.h"
#include "care-server-witness.h"
#include "care-server-core.h"
#include "care-server-pg.h"

static const char usage_text[] =
  "Usage:\n"
  "  carelog-server init DIR [--timezone ZONE] [--store postgresql://USER@HOST/DATABASE]\n"
  "                 (the co-op in SQLite in DIR, or in an empty PostgreSQL database: DIR keeps its settings)\n"
  "  carelog-server serve DIR --listen ADDR:PORT --cert FILE --key FILE [--public-url URL]\n"
  "                 [--rate N] [--burst N] [--enrolments-per-minute N] | --insecure-http (loopback only)\n"
  "                 [--header-timeout S] [--body-timeout S] [--idle-timeout S] [--max-connections N]\n"
  "                 [--max-connections-per-address N] [--body-memory MIB] [--anonymous-rate N] [--anonymous-burst N]\n"
  "  carelog-server member add DIR MEMBER --name NAME --role carer|supervisor|administrator\n"
  "  carelog-server member add DIR MEMBER --name NAME --role family --client CLIENT [--client CLIENT]...\n"
  "                 (a member of a client's family circle: their device holds that client's visits only)\n"
  "  carelog-server member add DIR MEMBER --update [--name NAME] [--role ROLE]   (change or reactivate)\n"
  "  carelog-server member deactivate DIR MEMBER\n"
  "  carelog-server client add DIR CLIENT --name NAME --address ADDRESS [--task ID:LABEL[:essential]]...\n"
  "  carelog-server client deactivate DIR CLIENT   (also cancels the client's future rota)\n"
  "  carelog-server client readership DIR CLIENT [CATEGORY=team|coordinators|family|default]...\n"
  "                 (who may read the client's notes of each category, as the client chose)\n"
  "  carelog-server careplan set DIR CLIENT --task ID:LABEL[:essential]...\n"
  "  carelog-server assign DIR CLIENT CARER [--remove [--cancel-rota]]\n"
  "  carelog-server circle DIR CLIENT MEMBER [--remove]   (link a family member to one more client, or unlink)\n"
  "  carelog-server schedule add DIR SCHEDULE --client C --carer M --start YYYY-MM-DDTHH:MM --minutes N --service S\n"
  "  carelog-server schedule move DIR SCHEDULE [--start YYYY-MM-DDTHH:MM] [--minutes N] [--carer M] [--service S]\n"
  "  carelog-server schedule cancel DIR SCHEDULE\n"
  "  carelog-server rota import DIR FILE.csv   (CSV with a header: schedule,client,carer,start,minutes,service;\n"
  "                 all lines are imported or none)\n"
  "  carelog-server device enrol DIR MEMBER [--expires HOURS] [--url URL] [--pin PIN]\n"
  "  carelog-server device revoke DIR DEVICE [--retire | --erase]   (retire: deliver, then erase; the default)\n"
  "  carelog-server device list DIR\n"
  "  carelog-server rejections DIR [DEVICE] [--open]   (the records the co-op refused or holds, with the reasons)\n"
  "  carelog-server rejections accept DIR DEVICE SEQ --reason TEXT [--by MEMBER]   (take a refused record as sent)\n"
  "  carelog-server rejections dismiss DIR DEVICE SEQ --reason TEXT [--by MEMBER]  (leave it out for good)\n"
  "  carelog-server verify DIR   (recompute every chain and signature; names the first record that is wrong)\n"  "  carelog-server checkpoint DIR   (sign a checkpoint of the co-op log now and print it)\n"  "  carelog-server export-visit DIR VISIT FILE.json [--csv FILE.csv]   (a visit with its proofs, for a\n"
  "                 third party: check it with carelog-cli verify-export FILE.json)\n"
  "  carelog-server witnesses DIR | witnesses add DIR NAME KEY   (who cosigns the co-op's checkpoints)\n"
  "  carelog-server witness init WDIR | witness watch WDIR URL [--pin PIN] [--once] [--every SECONDS]\n"
  "                 (be another co-op's witness: check its log only grows, and cosign it)\n"
  "  carelog-server export-client DIR CLIENT FILE   (everything held about one client, JSON lines)\n"
  "  carelog-server require-encryption DIR [yes|no]   (refuse tablets whose data folder is not encrypted)\n"
  "  carelog-server retention DIR [DAYS]   (how long carers' tablets keep delivered visits; default 14)\n"
  "  carelog-server backup DIR FILE   (SQLite: a copy of the database; PostgreSQL: pg_dump's custom format)\n"
  "  carelog-server restore DIR FILE   (with the co-op's servers stopped)\n"
  "  carelog-server migrate-store DIR postgresql://USER@HOST/DATABASE   (move a co-op from SQLite into an\n"
  "                 empty PostgreSQL database, with the server stopped; tablets carry on)\n"
  "  carelog-server help | --help | -h\n";

static int
fail (GError *error)
{
  g_printerr ("carelog-server: %s\n", error->message);
  return 1;
}

/* A tablet's state in “device list”: active; revoked before erasing
 * existed (refused only); erasing or retiring (ordered at its next contact);
 * erased or retired (it confirmed it erased the co-op's care records, at
 * once or after delivering them). */
static const char *
device_state (const CareDeviceInfo *d)
{
  if (!d->revoked)
    return "active";
  switch (d->revoke_mode)
    {
    case CARE_REVOKE_ERASE:
      return d->erased ? "erased" : "erasing";
    case CARE_REVOKE_RETIRE:
      return d->erased ? "retired" : "retiring";
    case CARE_REVOKE_REFUSE:
    default:
      return "revoked";
    }
}

static int
usage (void)
{
  g_printerr ("%s", usage_text);
  return 2;
}

/* serve holds DIR/serve.lock while it runs, restore while it restores. A
 * co-op in PostgreSQL may be served by several processes from one data
 * directory (shared: docs/deployment.md); restore still needs them all
 * stopped. */
static int
lock_dir (const char *dir,
          gboolean    shared,
          GError    **error)
{
  g_autofree char *path = g_build_filename (dir, "serve.lock", NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || flock (fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_BUSY,
                   "A carelog-server is already serving %s; stop it first.", dir);
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

static gboolean
parse_options (GOptionEntry *entries,
               int          *argc,
               char       ***argv,
               GError      **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);

  g_option_context_set_help_enabled (ctx, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  return g_option_context_parse (ctx, argc, argv, error);
}

static CareServerStore *
open_store (const char *dir,
            GError    **error)
{
  g_autofree char *url = care_server_pg_url (dir);

  if (url != NULL)
    return care_server_pg_open (dir, url, FALSE, NULL, error);
  return care_server_sqlite_open (dir, FALSE, NULL, error);
}

/* ---- init / serve ---- */

/* Whether NAME is a time zone the co-op can use: an IANA name (Europe/Rome,
 * UTC) this machine's tz database knows. GLib also takes offsets (+01:00) and
 * POSIX rules (CET-1CEST,M3.5.0,...); those are refused, since tablets are
 * told the zone by name. */
static gboolean
check_timezone (const char *name,
                GError    **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  gboolean shape = name != NULL && g_ascii_isalpha (name[0]) && strstr (name, "..") == NULL
                   && !g_str_equal (name, "localtime");

  for (const char *c = name; shape && *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("/_+-", *c) == NULL)
      shape = FALSE;
  if (shape)
    tz = g_time_zone_new_identifier (name);
  if (tz == NULL)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "“%s” is not a time zone this machine knows; give an IANA name such as "
                   "Europe/Rome or UTC (the names are under /usr/share/zoneinfo; install the "
                   "tzdata package if that folder is missing).", name ? name : "");
      return FALSE;
    }
  return TRUE;
}

static int
cmd_init (int argc, char **argv)
{
  g_autofree char *tz = NULL, *store_url = NULL;
  GOptionEntry entries[] = {
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &tz, NULL, NULL },
    { "store", 0, 0, G_OPTION_ARG_STRING, &store_url, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 2)
    return usage ();
  if (!check_timezone (tz ? tz : "UTC", &error))
    return fail (error);
  if (store_url != NULL && !care_server_pg_is_url (store_url))
    {
      g_printerr ("carelog-server: --store takes a PostgreSQL URL (postgresql://USER@HOST/DATABASE); "
                  "without it the co-op is kept in SQLite in %s.\n", argv[1]);
      return 2;
    }
  if (store_url != NULL)
    store = care_server_pg_open (argv[1], store_url, TRUE, tz ? tz : "UTC", &error);
  else
    store = care_server_sqlite_open (argv[1], TRUE, tz ? tz : "UTC", &error);
  if (store == NULL)
    return fail (error);
  /* The co-op log key, made now so that every server process signs with it. */
  {
    g_autoptr(CareLedger) ledger = care_ledger_new (store, argv[1], &error);

    if (ledger == NULL)
      return fail (error);
  }
  if (store_url != NULL)
    g_print ("Created a co-op in the PostgreSQL database; %s keeps its settings.\n", argv[1]);
  else
    g_print ("Created a co-op database in %s.\n", argv[1]);
  return 0;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static int
cmd_serve (int argc, char **argv)
{
  g_autofree char *listen = NULL, *cert = NULL, *key = NULL, *public_url = NULL;
  gboolean insecure = FALSE;
  double rate = CARE_SERVER_DEFAULT_RATE;
  int burst = CARE_SERVER_DEFAULT_BURST;
  int enrolments = CARE_SERVER_DEFAULT_ENROLMENTS_PER_MINUTE;
  /* The HTTP layer's limits (docs/deployment.md, "Limits"). */
  int header_timeout = CARE_SERVER_DEFAULT_HEADER_TIMEOUT;
  int body_timeout = CARE_SERVER_DEFAULT_BODY_TIMEOUT;
  int idle_timeout = CARE_SERVER_DEFAULT_IDLE_TIMEOUT;
  int max_connections = CARE_SERVER_DEFAULT_MAX_CONNECTIONS;
  int max_per_address = CARE_SERVER_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  int body_memory = CARE_SERVER_DEFAULT_BODY_MEMORY;
  double anonymous_rate = CARE_SERVER_DEFAULT_ANONYMOUS_RATE;
  int anonymous_burst = CARE_SERVER_DEFAULT_ANONYMOUS_BURST;
  GOptionEntry entries[] = {
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout, NULL, NULL },
    { "body-timeout", 0, 0, G_OPTION_ARG_INT, &body_timeout, NULL, NULL },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, NULL, NULL },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, NULL, NULL },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address, NULL, NULL },
    { "body-memory", 0, 0, G_OPTION_ARG_INT, &body_memory, NULL, NULL },
    { "anonymous-rate", 0, 0, G_OPTION_ARG_DOUBLE, &anonymous_rate, NULL, NULL },
    { "anonymous-burst", 0, 0, G_OPTION_ARG_INT, &anonymous_burst, NULL, NULL },
    { "enrolments-per-minute", 0, 0, G_OPTION_ARG_INT, &enrolments, NULL, NULL },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, NULL, NULL },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, NULL, NULL },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, NULL, NULL },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url, NULL, NULL },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure, NULL, NULL },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, NULL, NULL },
    { "burst", 0, 0, G_OPTION_ARG_INT, &burst, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL, *pin = NULL, *pg_url = NULL;
  CareServerStore *store;
  CareServerOptions options = { 0 };
  int lock;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 2 || listen == NULL || rate <= 0 || burst < 1 || enrolments < 1)
    return usage ();
  if (header_timeout < 1 || body_timeout < 1 || idle_timeout < 1 || max_connections < 1 || max_per_address < 1
      || body_memory < 4 || anonymous_rate <= 0 || anonymous_burst < 1)
    {
      g_printerr ("carelog-server: time limits, connection limits and rates must be at least 1, "
                  "--body-memory at least 4 (MiB, one largest request).\n");
      return 2;
    }
  pg_url = care_server_pg_url (argv[1]);
  lock = lock_dir (argv[1], pg_url != NULL, &error);
  if (lock < 0)
    return fail (error);
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  options.listen = listen;
  options.cert_path = cert;
  options.key_path = key;
  options.insecure_http = insecure;
  options.public_url = public_url;
  options.rate = rate;
  options.burst = (guint) burst;
  options.enrolments_per_minute = (guint) enrolments;
  options.header_timeout = (guint) header_timeout;
  options.body_timeout = (guint) body_timeout;
  options.idle_timeout = (guint) idle_timeout;
  options.max_connections = (guint) max_connections;
  options.max_connections_per_address = (guint) max_per_address;
  options.body_memory = (guint) body_memory;
  options.anonymous_rate = anonymous_rate;
  options.anonymous_burst = (guint) anonymous_burst;
  options.data_dir = argv[1];
  server = care_server_new (store, &options);
  if (!care_server_start (server, &url, &pin, &error))
    return fail (error);
  /* What "device enrol" puts into enrolment lines. */
  if (!store->vtable->set_meta (store, "url", url, &error)
      || !store->vtable->set_meta (store, "pin", pin ? pin : "", &error))
    return fail (error);
  g_print ("carelog-server: listening on %s\n", url);
  if (pin != NULL)
    g_print ("carelog-server: certificate pin %s\n", pin);
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  care_server_stop (server);
  close (lock);
  return 0;
}

/* ---- members, clients, care plans, assignments, rota ---- */

static GPtrArray  *future_schedules   (CareServerStore *store,
                                       const char      *client,
                                       const char      *carer);
static JsonObject *cancelled_copy     (JsonObject      *body);
static char       *describe_schedule  (CareServerStore *store,
                                       JsonObject      *body);

static gboolean
append (CareServerStore *store,
        CareEventType    type,
        JsonObject      *body,
        GError         **error)
{
  return store->vtable->append_server_record (store, type, body, NULL, error);
}

static int
cmd_member (int argc, char **argv)
{
  g_autofree char *name = NULL, *role = NULL;
  g_auto(GStrv) clients = NULL;
  gboolean update = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, NULL, NULL },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, NULL, NULL },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update, NULL, NULL },
    { "client", 0, 0, G_OPTION_ARG_STRING_ARRAY, &clients, NULL, NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (CareEventType));
  CareEventType type = CARE_EVENT_MEMBER_SET;
  CareRole current = CARE_ROLE_INVALID;
  g_autofree char *current_name = NULL;
  gboolean exists;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  gboolean deactivate;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4 || !(g_str_equal (argv[1], "add") || g_str_equal (argv[1], "deactivate")))
    return usage ();
  deactivate = g_str_equal (argv[1], "deactivate");
  if (deactivate && (update || name != NULL || role != NULL || clients != NULL))
    return usage ();
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  exists = store->vtable->member_exists (store, argv[3], &current, &current_name);
  if (deactivate)
    {
      if (!exists)
        {
          g_printerr ("carelog-server: there is no member “%s”.\n", argv[3]);
          return 1;
        }
      name = g_steal_pointer (&current_name);
      role = g_strdup (care_role_to_string (current));
    }
  else if (exists && !update)
    {
      g_printerr ("carelog-server: member %s already exists (%s, %s%s); nothing was changed. "
                  "To change their name or role, or to reactivate them, run the same command with --update; "
                  "to add someone else, choose an id not yet in use.\n",
                  argv[3], current_name, care_role_to_string (current) ?: "?",
                  store->vtable->member_is_active (store, argv[3]) ? "" : ", deactivated");
      return 1;
    }
  else if (!exists && update)
    {
      g_printerr ("carelog-server: there is no member “%s” to update; leave out --update to add them.\n", argv[3]);
      return 1;
    }
  else
    {
      /* --update keeps what it is not told to change. */
      if (name == NULL && exists)
        name = g_steal_pointer (&current_name);
      if (role == NULL && exists)
        role = g_strdup (care_role_to_string (current));
      if (name == NULL || care_role_from_string (role) == CARE_ROLE_INVALID)
        {
          g_printerr ("carelog-server: give --name and --role carer, supervisor, administrator or family.\n");
          return 2;
        }
      if ((clients != NULL) != (care_role_from_string (role) == CARE_ROLE_FAMILY && (!exists || clients != NULL)))
        {
          g_printerr ("carelog-server: a family member is linked to their client with --client CLIENT "
                      "(one or more); only a family member is.\n");
          return 2;
        }
    }
  json_object_set_string_member (body, "member", argv[3]);
  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "role", role);
  json_object_set_boolean_member (body, "active", !deactivate);
  g_array_append_val (types, type);
  g_ptr_array_add (bodies, json_object_ref (body));
  /* The member and their circle in one transaction: all or nothing. */
  for (guint i = 0; clients != NULL && clients[i] != NULL; i++)
    {
      JsonObject *link = json_object_new ();

      if (!store->vtable->client_exists (store, clients[i]))
        {
          g_printerr ("carelog-server: there is no client “%s”: add the client first (“client add”).\n", clients[i]);
          json_object_unref (link);
          return 1;
        }
      type = CARE_EVENT_CIRCLE_SET;
      json_object_set_string_member (link, "client", clients[i]);
      json_object_set_string_member (link, "member", argv[3]);
      json_object_set_boolean_member (link, "active", TRUE);
      g_array_append_val (types, type);
      g_ptr_array_add (bodies, link);
    }
  if (!store->vtable->append_server_records (store, (CareEventType *) types->data,
                                             (JsonObject **) bodies->pdata, bodies->len, NULL, &error))
    return fail (error);
  g_print ("Member %s %s.\n", argv[3], deactivate ? "deactivated" : update ? "updated" : "added");
  return 0;
}

static JsonArray *
parse_tasks (char   **tasks,
             GError **error)
{
  g_autoptr(JsonArray) out = json_array_new ();

  for (guint i = 0; tasks != NULL && tasks[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (tasks[i], ":", 3);
      JsonObject *t;

      if (g_strv_length (parts) < 2 || (parts[2] != NULL && !g_str_equal (parts[2], "essential")))
        {
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                       "“%s” is not a task; write ID:LABEL or ID:LABEL:essential.", tasks[i]);
          return NULL;
        }
      t = json_object_new ();
      json_object_set_string_member (t, "task", parts[0]);
      json_object_set_string_member (t, "label", parts[1]);
      json_object_set_boolean_member (t, "essential", parts[2] != NULL);
      json_array_add_object_element (out, t);
    }
  return g_steal_pointer (&out);
}

/* Records that cancel each of the visits in SCHEDULES, appended to
 * types/bodies. */
static void
cancel_all (GPtrArray *schedules,
            GArray    *types,
            GPtrArray *bodies)
{
  for (guint i = 0; i < schedules->len; i++)
    {
      CareEventType type = CARE_EVENT_SCHEDULE_SET;

      g_array_append_val (types, type);
      g_ptr_array_add (bodies, cancelled_copy (g_ptr_array_index (schedules, i)));
    }
}

static void
print_schedules (CareServerStore *store,
                 GPtrArray       *schedules)
{
  for (guint i = 0; i < schedules->len; i++)
    {
      g_autofree char *what = describe_schedule (store, g_ptr_array_index (schedules, i));

      g_print ("  %s\n", what);
    }
}

/* The client stays in the history; tablets no longer offer them for a new
 * visit, and their visits still to come are cancelled with them. */
static int
client_deactivate (const char *dir,
                   const char *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = open_store (dir, &error);
  g_autoptr(GPtrArray) latest = NULL, future = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (CareEventType));
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;
  CareEventType type = CARE_EVENT_CLIENT_SET;

  if (store == NULL)
    return fail (error);
  latest = store->vtable->client_records (store, CARE_EVENT_CLIENT_SET, client, "client");
  if (latest->len == 0)
    {
      g_printerr ("carelog-server: there is no client “%s”.\n", client);
      return 1;
    }
  if (!json_object_get_boolean_member_with_default (g_ptr_array_index (latest, 0), "active", TRUE))
    {
      g_printerr ("carelog-server: client %s is already deactivated; nothing was changed. To reactivate them, "
                  "run “carelog-server client add DIR %s --name … --address …”.\n", client, client);
      return 1;
    }
  json_node_set_object (node, g_ptr_array_index (latest, 0));
  copy = json_node_copy (node);
  json_object_set_boolean_member (json_node_get_object (copy), "active", FALSE);
  g_array_append_val (types, type);
  g_ptr_array_add (bodies, json_object_ref (json_node_get_object (copy)));
  future = future_schedules (store, client, NULL);
  cancel_all (future, types, bodies);
  if (!store->vtable->append_server_records (store, (CareEventType *) types->data,
                                             (JsonObject **) bodies->pdata, bodies->len, NULL, &error))
    return fail (error);
  g_print ("Client %s deactivated; %u visit(s) still to come were cancelled. Their records stay in the "
           "care log.\n", client, future->len);
  print_schedules (store, future);
  return 0;
}

/* The client's standing choice of who reads notes of each category
 * (docs/family.md): shown, or changed category by category. */
static int
client_readership (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = open_store (argv[0], &error);
  g_autoptr(GPtrArray) latest = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  JsonObject *chosen = json_object_new ();
  guint n;

  json_object_set_string_member (body, "client", argv[1]);
  json_object_set_object_member (body, "readers", chosen);
  if (store == NULL)
    return fail (error);
  if (!store->vtable->client_exists (store, argv[1]))
    {
      g_printerr ("carelog-server: there is no client %s (“client add” first).\n", argv[1]);
      return 1;
    }
  latest = store->vtable->client_records (store, CARE_EVENT_CLIENT_READERSHIP, argv[1], "client");
  if (latest != NULL && latest->len > 0)
    {
      JsonObject *before = json_object_get_object_member (latest->pdata[0], "readers");
      JsonObjectIter iter;
      const char *category;
      JsonNode *value;

      json_object_iter_init (&iter, before);
      while (json_object_iter_next (&iter, &category, &value))
        json_object_set_member (chosen, category, json_node_copy (value));
    }
  for (int i = 2; i < argc; i++)
    {
      g_auto(GStrv) pair = g_strsplit (argv[i], "=", 2);

      if (g_strv_length (pair) != 2)
        {
          g_printerr ("carelog-server: give each choice as CATEGORY=READERS, for example medication=family.\n");
          return 1;
        }
      if (g_str_equal (pair[1], "default"))
        json_object_remove_member (chosen, pair[0]);
      else
        json_object_set_string_member (chosen, pair[0], pair[1]);
    }
  if (argc > 2 && !append (store, CARE_EVENT_CLIENT_READERSHIP, body, &error))
    return fail (error);
  n = json_object_get_size (chosen);
  g_print (n == 0 ? "Client %s made no choice: each note is read as its writer chose (the care team by default).\n"
                  : "Client %s chose who reads their notes:\n", argv[1]);
  {
    JsonObjectIter iter;
    const char *category;
    JsonNode *value;

    json_object_iter_init (&iter, chosen);
    while (json_object_iter_next (&iter, &category, &value))
      g_print ("  %-14s %s\n", category,
               g_str_equal (json_node_get_string (value), "family") ? "the care team and the family"
               : g_str_equal (json_node_get_string (value), "team") ? "the care team (not the family)"
                                                                      : "the co-ordinators only");
  }
  return 0;
}

static int
cmd_client (int argc, char **argv)
{
  g_autofree char *name = NULL, *address = NULL;
  g_auto(GStrv) tasks = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, NULL, NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, NULL, NULL },
    { "task", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tasks, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) plan = json_object_new ();
  JsonArray *task_array;

  if (argc >= 4 && g_str_equal (argv[1], "readership"))
    return client_readership (argc - 2, argv + 2);
  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc == 4 && g_str_equal (argv[1], "deactivate") && name == NULL && address == NULL && tasks == NULL)
    return client_deactivate (argv[2], argv[3]);
  if (argc != 4 || !g_str_equal (argv[1], "add") || name == NULL || address == NULL)
    return usage ();
  task_array = parse_tasks (tasks, &error);
  if (task_array == NULL)
    return fail (error);
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  json_object_set_string_member (body, "client", argv[3]);
  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "address", address);
  json_object_set_boolean_member (body, "active", TRUE);
  json_object_set_string_member (plan, "client", argv[3]);
  json_object_set_array_member (plan, "tasks", task_array);
  if (!append (store, CARE_EVENT_CLIENT_SET, body, &error)
      || !append (store, CARE_EVENT_CAREPLAN_SET, plan, &error))
    return fail (error);
  g_print ("Client %s saved with %u care-plan tasks.\n", argv[3], g_strv_length (tasks ? tasks : (char *[]) { NULL }));
  return 0;
}

static int
cmd_careplan (int argc, char **argv)
{
  g_auto(GStrv) tasks = NULL;
  GOptionEntry entries[] = {
    { "task", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tasks, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(JsonObject) plan = json_object_new ();
  JsonArray *task_array;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4 || !g_str_equal (argv[1], "set"))
    return usage ();
  task_array = parse_tasks (tasks, &error);
  if (task_array == NULL)
    return fail (error);
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  if (!store->vtable->client_exists (store, argv[3]))
    {
      g_printerr ("carelog-server: there is no client “%s”; add it with “client add”.\n", argv[3]);
      return 1;
    }
  json_object_set_string_member (plan, "client", argv[3]);
  json_object_set_array_member (plan, "tasks", task_array);
  if (!append (store, CARE_EVENT_CAREPLAN_SET, plan, &error))
    return fail (error);
  g_print ("Care plan of %s saved.\n", argv[3]);
  return 0;
}

static int
cmd_assign (int argc, char **argv)
{
  gboolean remove = FALSE, cancel_rota = FALSE;
  GOptionEntry entries[] = {
    { "remove", 0, 0, G_OPTION_ARG_NONE, &remove, NULL, NULL },
    { "cancel-rota", 0, 0, G_OPTION_ARG_NONE, &cancel_rota, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GPtrArray) future = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new ();
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (CareEventType));
  CareEventType type = CARE_EVENT_ASSIGNMENT_SET;
  CareRole role = CARE_ROLE_INVALID;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4 || (cancel_rota && !remove))
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!store->vtable->client_exists (store, argv[2]) || !store->vtable->member_exists (store, argv[3], &role, NULL))
    {
      g_printerr ("carelog-server: add the client and the member first (“client add”, “member add”).\n");
      return 1;
    }
  if (role == CARE_ROLE_FAMILY)
    {
      g_printerr ("carelog-server: %s is in a client's family circle, not a carer: link them with "
                  "“carelog-server circle %s %s %s”.\n", argv[3], argv[1], argv[2], argv[3]);
      return 1;
    }
  json_object_set_string_member (body, "client", argv[2]);
  json_object_set_string_member (body, "carer", argv[3]);
  json_object_set_boolean_member (body, "active", !remove);
  g_array_append_val (types, type);
  g_ptr_array_add (bodies, body);
  future = remove ? future_schedules (store, argv[2], argv[3]) : g_ptr_array_new ();
  /* The cancellations go in the same transaction: all or nothing. */
  if (cancel_rota)
    cancel_all (future, types, owned);
  for (guint i = 0; i < owned->len; i++)
    g_ptr_array_add (bodies, g_ptr_array_index (owned, i));
  if (!store->vtable->append_server_records (store, (CareEventType *) types->data,
                                             (JsonObject **) bodies->pdata, bodies->len, NULL, &error))
    return fail (error);
  g_print ("%s %s %s.\n", argv[3], remove ? "no longer assigned to" : "assigned to", argv[2]);
  if (remove && !cancel_rota && future->len > 0)
    {
      g_print ("%u visit(s) of %s at %s are still on the rota:\n", future->len, argv[3], argv[2]);
      print_schedules (store, future);
      g_print ("Cancel them with “carelog-server assign %s %s %s --remove --cancel-rota”, or give each to another "
               "carer with “carelog-server schedule move %s SCHEDULE --carer MEMBER”.\n",
               argv[1], argv[2], argv[3], argv[1]);
    }
  else if (cancel_rota)
    {
      g_print ("%u visit(s) still to come were cancelled:\n", future->len);
      print_schedules (store, future);
    }
  return 0;
}

/* A family member's circle: the clients whose visits their device holds. */
static int
cmd_circle (int argc, char **argv)
{
  gboolean remove = FALSE;
  GOptionEntry entries[] = {
    { "remove", 0, 0, G_OPTION_ARG_NONE, &remove, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  CareRole role = CARE_ROLE_INVALID;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!store->vtable->client_exists (store, argv[2]) || !store->vtable->member_exists (store, argv[3], &role, NULL)
      || role != CARE_ROLE_FAMILY)
    {
      g_printerr ("carelog-server: add the client first (“client add”), and the member with “member add … "
                  "--role family --client CLIENT”.\n");
      return 1;
    }
  json_object_set_string_member (body, "client", argv[2]);
  json_object_set_string_member (body, "member", argv[3]);
  json_object_set_boolean_member (body, "active", !remove);
  if (!append (store, CARE_EVENT_CIRCLE_SET, body, &error))
    return fail (error);
  g_print ("%s %s the family circle of %s.\n", argv[3], remove ? "is no longer in" : "is now in", argv[2]);
  return 0;
}

/* A start time in the co-op's zone: YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS,
 * with T or a space. Parsed by hand: GLib 2.74's ISO 8601 parser wants
 * seconds and also takes forms (week dates, offsets) a rota must not hold. */
static GDateTime *
parse_start (const char *start,
             GTimeZone  *tz)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  int year, month, day, hour, minute, second = 0;
  size_t len;
  GDateTime *dt;

  if (start == NULL)
    return NULL;
  len = strlen (start);
  if (len != 16 && len != 19)
    return NULL;
  for (size_t i = 0; i < len; i++)
    {
      char c = start[i];

      if (shape[i] == 'd' ? !g_ascii_isdigit (c)
          : shape[i] == 'T' ? (c != 'T' && c != ' ')
          : c != shape[i])
        return NULL;
    }
  year = atoi (start);
  month = atoi (start + 5);
  day = atoi (start + 8);
  hour = atoi (start + 11);
  minute = atoi (start + 14);
  if (len == 19)
    second = atoi (start + 17);
  if (month < 1 || month > 12 || day < 1 || day > g_date_get_days_in_month (month, year)
      || hour > 23 || minute > 59 || second > 59)
    return NULL;
  dt = g_date_time_new (tz, year, month, day, hour, minute, second);
  return dt;
}

/* A rota start time (the co-op's local time) in ms since 1970. */
static gboolean
start_to_ms (CareServerStore *store,
             const char      *start,
             gint64          *ms,
             GError         **error)
{
  g_autofree char *tzname = store->vtable->get_meta (store, "timezone");
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  /* Never silently UTC: a co-op made before zones were checked, or a
   * machine without tzdata. */
  if (!check_timezone (tzname ? tzname : "UTC", error))
    {
      g_prefix_error (error, "The co-op's time zone cannot be used: ");
      return FALSE;
    }
  tz = g_time_zone_new_identifier (tzname ? tzname : "UTC");
  dt = parse_start (start, tz);
  if (dt == NULL)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "“%s” is not a start time; write the co-op's local date and time as "
                   "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, for example 2026-11-24T08:30.",
                   start ? start : "");
      return FALSE;
    }
  *ms = g_date_time_to_unix (dt) * 1000;
  return TRUE;
}

/* The body of a schedule.set, once the rota's rules hold. */
static JsonObject *
schedule_body (CareServerStore *store,
               const char      *schedule,
               const char      *client,
               const char      *carer,
               gint64           start_ms,
               gint64           minutes,
               const char      *service,
               GError         **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  CareRole role = CARE_ROLE_INVALID;

  if (minutes < 1 || minutes > 24 * 60)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s lasts %" G_GINT64_FORMAT " minutes; give its length in minutes, "
                   "from 1 to 1440 (with --minutes, or the rota's minutes column).", schedule, minutes);
      return NULL;
    }
  if (!store->vtable->client_exists (store, client))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "Schedule %s names client “%s”, who is not in the co-op: add them first with “client add”.",
                   schedule, client);
      return NULL;
    }
  if (!store->vtable->member_exists (store, carer, &role, NULL))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "Schedule %s names carer “%s”, who is not a member: add them first with “member add … --role carer”.",
                   schedule, carer);
      return NULL;
    }
  if (role != CARE_ROLE_CARER)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s names %s, who is a %s, not a carer: only carers are scheduled for visits.",
                   schedule, carer, care_role_to_string (role) ?: "member");
      return NULL;
    }
  if (!store->vtable->member_is_active (store, carer))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s names %s, who has been deactivated; schedule another carer, or reactivate "
                   "them with “carelog-server member add DIR %s --update”.", schedule, carer, carer);
      return NULL;
    }
  if (!store->vtable->is_assigned (store, client, carer))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s: %s is not assigned to client %s, so their tablet would not receive the visit; "
                   "assign them first with “carelog-server assign DIR %s %s”.",
                   schedule, carer, client, client, carer);
      return NULL;
    }
  json_object_set_string_member (body, "schedule", schedule);
  json_object_set_string_member (body, "client", client);
  json_object_set_string_member (body, "carer", carer);
  json_object_set_int_member (body, "start", start_ms);
  json_object_set_int_member (body, "minutes", minutes);
  json_object_set_string_member (body, "service", service ? service : "");
  return g_steal_pointer (&body);
}

/* The latest record of a scheduled visit, or NULL with an error saying so. */
static JsonObject *
find_schedule (CareServerStore *store,
               const char      *schedule,
               GError         **error)
{
  g_autofree char *client = store->vtable->schedule_client (store, schedule);
  g_autoptr(GPtrArray) records = NULL;

  if (client != NULL)
    records = store->vtable->client_records (store, CARE_EVENT_SCHEDULE_SET, client, "schedule");
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      JsonObject *body = g_ptr_array_index (records, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (body, "schedule", NULL), schedule) == 0)
        return json_object_ref (body);
    }
  g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
               "The rota has no visit “%s”; add it with “carelog-server schedule add”.", schedule);
  return NULL;
}

static gboolean
schedule_is_cancelled (JsonObject *body)
{
  return json_object_get_boolean_member_with_default (body, "cancelled", FALSE);
}

/* The client's scheduled visits still to come and not cancelled, of CARER
 * only when it is not NULL. */
static GPtrArray *
future_schedules (CareServerStore *store,
                  const char      *client,
                  const char      *carer)
{
  g_autoptr(GPtrArray) records = store->vtable->client_records (store, CARE_EVENT_SCHEDULE_SET, client, "schedule");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *body = g_ptr_array_index (records, i);

      if (schedule_is_cancelled (body)
          || json_object_get_int_member_with_default (body, "start", 0) <= now
          || (carer != NULL && g_strcmp0 (json_object_get_string_member_with_default (body, "carer", NULL), carer) != 0))
        continue;
      g_ptr_array_add (out, json_object_ref (body));
    }
  return out;
}

static JsonObject *
cancelled_copy (JsonObject *body)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, body);
  copy = json_node_copy (node);
  json_object_set_boolean_member (json_node_get_object (copy), "cancelled", TRUE);
  return json_object_ref (json_node_get_object (copy));
}

static char *
describe_schedule (CareServerStore *store,
                   JsonObject      *body)
{
  g_autofree char *tzname = store->vtable->get_meta (store, "timezone");
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (tzname ? tzname : "UTC");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (json_object_get_int_member_with_default (body, "start", 0) / 1000);
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  local = g_date_time_to_timezone (utc, tz);
  when = g_date_time_format (local, "%Y-%m-%d %H:%M");

  return g_strdup_printf ("%s on %s (%s, %" G_GINT64_FORMAT " minutes)",
                          json_object_get_string_member_with_default (body, "schedule", "?"), when,
                          json_object_get_string_member_with_default (body, "carer", "?"),
                          json_object_get_int_member_with_default (body, "minutes", 0));
}

static gboolean
add_schedule (CareServerStore *store,
              const char      *schedule,
              const char      *client,
              const char      *carer,
              const char      *start,
              gint64           minutes,
              const char      *service,
              GError         **error)
{
  g_autoptr(JsonObject) body = NULL;
  gint64 ms = 0;

  if (!start_to_ms (store, start, &ms, error))
    return FALSE;
  body = schedule_body (store, schedule, client, carer, ms, minutes, service, error);
  return body != NULL && append (store, CARE_EVENT_SCHEDULE_SET, body, error);
}

static int
schedule_move (CareServerStore *store,
               const char      *schedule,
               const char      *carer,
               const char      *start,
               int              minutes,
               const char      *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) old = find_schedule (store, schedule, &error);
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *was = NULL, *now = NULL;
  gint64 ms;

  if (old == NULL)
    return fail (error);
  if (schedule_is_cancelled (old))
    {
      g_printerr ("carelog-server: visit %s was cancelled; schedule a new one with “schedule add”.\n", schedule);
      return 1;
    }
  ms = json_object_get_int_member_with_default (old, "start", 0);
  if (start != NULL && !start_to_ms (store, start, &ms, &error))
    return fail (error);
  body = schedule_body (store, schedule, json_object_get_string_member_with_default (old, "client", ""),
                       carer ? carer : json_object_get_string_member_with_default (old, "carer", ""), ms,
                       minutes > 0 ? minutes : json_object_get_int_member_with_default (old, "minutes", 0),
                       service ? service : json_object_get_string_member_with_default (old, "service", ""), &error);
  if (body == NULL || !append (store, CARE_EVENT_SCHEDULE_SET, body, &error))
    return fail (error);
  was = describe_schedule (store, old);
  now = describe_schedule (store, body);
  g_print ("Visit moved: was %s, now %s.\n", was, now);
  return 0;
}

static int
schedule_cancel (CareServerStore *store,
                 const char      *schedule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) old = find_schedule (store, schedule, &error);
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *what = NULL;

  if (old == NULL)
    return fail (error);
  what = describe_schedule (store, old);
  if (schedule_is_cancelled (old))
    {
      g_printerr ("carelog-server: visit %s is already cancelled; nothing was changed.\n", what);
      return 1;
    }
  body = cancelled_copy (old);
  if (!append (store, CARE_EVENT_SCHEDULE_SET, body, &error))
    return fail (error);
  g_print ("Visit %s cancelled; the carer's tablet shows it as cancelled at its next sync.\n", what);
  return 0;
}

static int
cmd_schedule (int argc, char **argv)
{
  g_autofree char *client = NULL, *carer = NULL, *start = NULL, *service = NULL;
  int minutes = 0;
  GOptionEntry entries[] = {
    { "client", 0, 0, G_OPTION_ARG_STRING, &client, NULL, NULL },
    { "carer", 0, 0, G_OPTION_ARG_STRING, &carer, NULL, NULL },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, NULL, NULL },
    { "minutes", 0, 0, G_OPTION_ARG_INT, &minutes, NULL, NULL },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4)
    return usage ();
  if (g_str_equal (argv[1], "add") ? (client == NULL || carer == NULL)
      : g_str_equal (argv[1], "move") ? (client != NULL || (carer == NULL && start == NULL && minutes == 0 && service == NULL))
      : g_str_equal (argv[1], "cancel") ? (client || carer || start || minutes || service)
      : TRUE)
    return usage ();
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  if (g_str_equal (argv[1], "move"))
    return schedule_move (store, argv[3], carer, start, minutes, service);
  if (g_str_equal (argv[1], "cancel"))
    return schedule_cancel (store, argv[3]);
  if (!add_schedule (store, argv[3], client, carer, start, minutes, service, &error))
    return fail (error);
  g_print ("Visit %s scheduled.\n", argv[3]);
  return 0;
}

/* ---- rota import: RFC 4180 CSV ---- */

typedef struct
{
  GStrv fields;
  guint line;        /* where the row starts in the file, from 1 */
} CsvRow;

static void
csv_row_free (CsvRow *row)
{
  g_strfreev (row->fields);
  g_free (row);
}

static gboolean
is_blank (GString *s)
{
  for (gsize i = 0; i < s->len; i++)
    if (!g_ascii_isspace (s->str[i]))
      return FALSE;
  return TRUE;
}

/* Rows of TEXT: fields separated by commas; a field in double quotes may
 * hold commas, line breaks and doubled quotes; CRLF or LF line ends; a
 * leading UTF-8 byte order mark is skipped; blank lines and lines starting
 * with # are skipped. Unquoted fields are trimmed. */
static GPtrArray *
parse_csv (const char *text,
           gsize       len,
           GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) csv_row_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text, *end = text + len;
  guint line = 1, row_line = 1;
  gboolean quoted = FALSE, was_quoted = FALSE, row_started = FALSE;

  if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  if (!g_utf8_validate (p, end - p, NULL))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "The file is not UTF-8 text; save it from your spreadsheet as “CSV UTF-8”.");
      return NULL;
    }
  for (;; p++)
    {
      char c = p < end ? *p : '\0';

      if (quoted)
        {
          if (p >= end)
            {
              g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                           "line %u: a quoted field is not closed (a \" is missing).", row_line);
              return NULL;
            }
          if (c == '"' && p + 1 < end && p[1] == '"')
            g_string_append_c (field, '"'), p++;
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                line++;
              g_string_append_c (field, c);
            }
          continue;
        }
      if (c == '"' && !was_quoted && is_blank (field))
        {
          g_string_truncate (field, 0);
          quoted = was_quoted = row_started = TRUE;
          continue;
        }
      if (c == ',' || c == '\n' || c == '\r' || p >= end)
        {
          if (c == '\r' && p + 1 < end && p[1] == '\n')
            p++;
          if (!was_quoted)
            g_strstrip (field->str), g_string_set_size (field, strlen (field->str));
          if (c == ',' || row_started || field->len > 0)
            {
              g_ptr_array_add (fields, g_strndup (field->str, field->len));
              row_started = TRUE;
            }
          g_string_truncate (field, 0);
          was_quoted = FALSE;
          if (c != ',')
            {
              if (fields->len > 0 && !(fields->len == 1 && ((char *) fields->pdata[0])[0] == '#'))
                {
                  CsvRow *row = g_new0 (CsvRow, 1);

                  g_ptr_array_add (fields, NULL);
                  row->fields = (GStrv) g_ptr_array_steal (fields, NULL);
                  row->line = row_line;
                  g_ptr_array_add (rows, row);
                }
              g_ptr_array_set_size (fields, 0);
              row_started = FALSE;
              if (p >= end)
                break;
              line++;
              row_line = line;
            }
          continue;
        }
      if (was_quoted)
        {
          if (c == ' ' || c == '\t')
            continue;
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                       "line %u: text after a closing quote; inside a quoted field write a quote as \"\".", line);
          return NULL;
        }
      g_string_append_c (field, c);
      row_started = TRUE;
    }
  return g_steal_pointer (&rows);
}

enum { COL_SCHEDULE, COL_CLIENT, COL_CARER, COL_START, COL_MINUTES, COL_SERVICE, N_COLS };
static const char *columns[N_COLS] = { "schedule", "client", "carer", "start", "minutes", "service" };

/* The column of each field, from a header row; FALSE when the row is not a
 * header (then the columns are in the documented order). */
static gboolean
read_header (CsvRow  *row,
             int     *map,
             GError **error)
{
  guint n = g_strv_length (row->fields);
  gboolean seen[N_COLS] = { FALSE };

  for (guint i = 0; i < n; i++)
    {
      int col = -1;

      for (int c = 0; c < N_COLS; c++)
        if (g_ascii_strcasecmp (g_strstrip (row->fields[i]), columns[c]) == 0)
          col = c;
      if (col < 0)
        {
          if (i == 0)
            return FALSE;
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                       "line %u: unknown column “%s”; the columns are schedule, client, carer, start, "
                       "minutes and service.", row->line, row->fields[i]);
          return FALSE;
        }
      if (seen[col])
        {
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                       "line %u: column “%s” appears twice.", row->line, columns[col]);
          return FALSE;
        }
      seen[col] = TRUE;
      map[i] = col;
    }
  for (int c = 0; c < COL_SERVICE; c++)
    if (!seen[c])
      {
        g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                     "line %u: the header has no column “%s”.", row->line, columns[c]);
        return FALSE;
      }
  return TRUE;
}

#define MAX_REPORTED 20

static int
cmd_rota (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (CareEventType));
  g_autoptr(GHashTable) lines_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int map[N_COLS + 64];
  guint n_cols = N_COLS, first = 0, errors = 0;
  gsize len = 0;

  if (argc != 4 || !g_str_equal (argv[1], "import"))
    return usage ();
  if (!g_file_get_contents (argv[3], &text, &len, &error))
    return fail (error);
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  rows = parse_csv (text, len, &error);
  if (rows == NULL)
    {
      g_printerr ("carelog-server: %s %s Nothing was imported.\n", argv[3], error->message);
      return 1;
    }
  for (int c = 0; c < N_COLS; c++)
    map[c] = c;
  if (rows->len > 0)
    {
      CsvRow *head = g_ptr_array_index (rows, 0);

      if (g_strv_length (head->fields) <= G_N_ELEMENTS (map) && read_header (head, map, &error))
        {
          n_cols = g_strv_length (head->fields);
          first = 1;
        }
      else if (error != NULL)
        {
          g_printerr ("carelog-server: %s %s Nothing was imported.\n", argv[3], error->message);
          return 1;
        }
    }
  /* Every line is checked before anything is written. */
  for (guint i = first; i < rows->len; i++)
    {
      CsvRow *row = g_ptr_array_index (rows, i);
      const char *f[N_COLS] = { NULL };
      g_autoptr(GError) local = NULL;
      JsonObject *body = NULL;
      char *end = NULL;
      gint64 minutes = 0, ms = 0;
      gpointer other;

      if (g_strv_length (row->fields) != n_cols)
        g_set_error (&local, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                     "%u fields where the %s has %u (schedule, client, carer, start, minutes, service); "
                     "put a field holding a comma in double quotes.",
                     g_strv_length (row->fields), first ? "header" : "rota", n_cols);
      else
        {
          for (guint j = 0; j < n_cols; j++)
            f[map[j]] = row->fields[j];
          minutes = g_ascii_strtoll (f[COL_MINUTES], &end, 10);
          if (f[COL_SCHEDULE][0] == '\0')
            g_set_error (&local, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID, "the schedule id is empty.");
          else if (f[COL_MINUTES][0] == '\0' || *end != '\0')
            g_set_error (&local, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                         "“%s” is not a number of minutes.", f[COL_MINUTES]);
          else if (g_hash_table_lookup_extended (lines_of, f[COL_SCHEDULE], NULL, &other))
            g_set_error (&local, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                         "visit %s is also on line %u; give each visit its own id.",
                         f[COL_SCHEDULE], GPOINTER_TO_UINT (other));
          else if (start_to_ms (store, f[COL_START], &ms, &local))
            body = schedule_body (store, f[COL_SCHEDULE], f[COL_CLIENT], f[COL_CARER], ms, minutes,
                                  f[COL_SERVICE], &local);
        }
      if (body == NULL)
        {
          if (errors++ < MAX_REPORTED)
            g_printerr ("carelog-server: %s line %u: %s\n", argv[3], row->line, local->message);
          continue;
        }
      g_hash_table_insert (lines_of, g_strdup (f[COL_SCHEDULE]), GUINT_TO_POINTER (row->line));
      g_ptr_array_add (bodies, body);
      g_array_append_val (types, (CareEventType) { CARE_EVENT_SCHEDULE_SET });
    }
  if (errors > 0)
    {
      if (errors > MAX_REPORTED)
        g_printerr ("carelog-server: … and %u more lines with errors.\n", errors - MAX_REPORTED);
      g_printerr ("carelog-server: %u of %u lines of %s have errors; nothing was imported. "
                  "Correct them and import the whole file again.\n", errors, rows->len - first, argv[3]);
      return 1;
    }
  if (!store->vtable->append_server_records (store, (CareEventType *) types->data,
                                             (JsonObject **) bodies->pdata, bodies->len, NULL, &error))
    {
      g_printerr ("carelog-server: %s: %s Nothing was imported.\n", argv[3], error->message);
      return 1;
    }
  g_print ("Imported %u scheduled visits.\n", bodies->len);
  return 0;
}

/* ---- devices ---- */

static void
print_qr (const char *text)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  int quiet = 2;

  if (qr == NULL)
    return;
  /* Two module rows per text line; light modules drawn, for dark terminals. */
  for (int y = -quiet; y < qr->width + quiet; y += 2)
    {
      for (int x = -quiet; x < qr->width + quiet; x++)
        {
          gboolean top = y >= 0 && y < qr->width && x >= 0 && x < qr->width
                         && (qr->data[y * qr->width + x] & 1);
          gboolean bottom = y + 1 >= 0 && y + 1 < qr->width && x >= 0 && x < qr->width
                            && (qr->data[(y + 1) * qr->width + x] & 1);

          g_print ("%s", !top && !bottom ? "█" : !top ? "▀" : !bottom ? "▄" : " ");
        }
      g_print ("\n");
    }
  QRcode_free (qr);
}

static int
cmd_device (int argc, char **argv)
{
  int hours = 72;
  g_autofree char *url = NULL, *pin = NULL;
  gboolean erase = FALSE, retire = FALSE;
  GOptionEntry entries[] = {
    { "expires", 0, 0, G_OPTION_ARG_INT, &hours, NULL, NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, NULL, NULL },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, NULL, NULL },
    { "erase", 0, 0, G_OPTION_ARG_NONE, &erase, NULL, NULL },
    { "retire", 0, 0, G_OPTION_ARG_NONE, &retire, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc < 3)
    return usage ();
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  if (g_str_equal (argv[1], "enrol") && argc == 4)
    {
      g_autofree char *code = NULL, *line = NULL;
      CareEnrolmentLine parts;
      CareRole role;
      gint64 expires;

      if (!store->vtable->member_exists (store, argv[3], &role, NULL))
        {
          g_printerr ("carelog-server: there is no member “%s”; add them with “member add”.\n", argv[3]);
          return 1;
        }
      if (url == NULL)
        url = store->vtable->get_meta (store, "url");
      if (pin == NULL)
        pin = store->vtable->get_meta (store, "pin");
      if (url == NULL)
        {
          g_printerr ("carelog-server: the server's address is not known yet: start “serve” once, or give --url and --pin.\n");
          return 1;
        }
      if (hours < 1)
        return usage ();
      expires = g_get_real_time () / 1000 + (gint64) hours * 3600 * 1000;
      code = store->vtable->create_enrolment (store, argv[3], expires, &error);
      if (code == NULL)
        return fail (error);
      parts.url = url;
      parts.code = code;
      parts.pin = pin && *pin ? pin : NULL;
      line = care_enrolment_line_format (&parts);
      g_print ("%s\n", line);
      print_qr (line);
      g_print ("One-time enrolment code for %s (%s), valid for %d hours.\n", argv[3], care_role_to_string (role), hours);
      return 0;
    }
  if (g_str_equal (argv[1], "revoke") && argc == 4)
    {
      CareRevokeMode mode = erase ? CARE_REVOKE_ERASE : CARE_REVOKE_RETIRE;

      if (erase && retire)
        {
          g_printerr ("carelog-server: choose one: --retire (deliver, then erase) or --erase (erase at once).\n");
          return 2;
        }
      if (!store->vtable->revoke_device (store, argv[3], mode, &error))
        return fail (error);
      if (mode == CARE_REVOKE_ERASE)
        g_print ("Device %s revoked: at its next contact it erases the co-op's care records, including any "
                 "it has not delivered; “device list” shows when it has.\n", argv[3]);
      else
        g_print ("Device %s revoked: at its next contact it delivers the records it still holds, then erases "
                 "the co-op's care records; “device list” shows when it has. For a lost or stolen tablet, "
                 "revoke with --erase instead.\n", argv[3]);
      return 0;
    }
  if (g_str_equal (argv[1], "list") && argc == 3)
    {
      g_autoptr(GPtrArray) devices = store->vtable->list_devices (store, &error);

      if (devices == NULL)
        return fail (error);
      g_print ("%-22s %-16s %-13s %-8s %-20s %10s %8s %8s %-8s  %s\n", "DEVICE", "MEMBER", "ROLE", "STATE",
               "LAST CONTACT", "ACKED SEQ", "PENDING", "REJECTED", "STORAGE", "NAME");
      for (guint i = 0; i < devices->len; i++)
        {
          CareDeviceInfo *d = g_ptr_array_index (devices, i);
          g_autofree char *contact = NULL;

          if (d->last_contact > 0)
            {
              g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (d->last_contact / 1000);

              contact = g_date_time_format (dt, "%Y-%m-%d %H:%M:%SZ");
            }
          g_print ("%-22s %-16s %-13s %-8s %-20s %10" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
                   " %-8s  %s\n",
                   d->device, d->member, care_role_to_string (d->role) ?: "?",
                   device_state (d), contact ? contact : "never",
                   d->acked_seq, d->pending, d->rejected, d->storage ? d->storage : "-", d->name);
        }
      return 0;
    }
  return usage ();
}

/* ---- verification (docs/verifying-records.md) ---- */

static void
print_report (const CareVerifyReport *report)
{
  g_print ("%" G_GUINT64_FORMAT " records of %u devices checked (%" G_GUINT64_FORMAT " in a chain, the others "
           "from before the chain); %" G_GUINT64_FORMAT " device signatures hold.\n",
           report->records, report->devices, report->linked, report->signatures);
}

/* Every chain and signature, and the co-op log's latest checkpoint, as
 * `verify` prints them; FALSE when something does not hold. */
static gboolean
check_all (const char      *dir,
           CareServerStore *store,
           GError         **error)
{
  g_autoptr(CareVerifier) verifier = care_verifier_new ();
  g_autoptr(CareLedger) ledger = NULL;
  g_autoptr(GString) log_report = g_string_new (NULL);
  g_autoptr(GError) local = NULL;
  CareVerifyReport report = { 0 };
  gboolean ok;

  if (!store->vtable->feed_verifier (store, verifier, error))
    return FALSE;
  ok = care_verifier_finish (verifier, &report);
  print_report (&report);
  if (!ok)
    g_printerr ("carelog-server: %" G_GUINT64_FORMAT " problems; the first: %s\n", report.problems,
                report.first_problem);
  else
    g_print ("Every chain and signature holds.\n");
  care_verify_report_clear (&report);
  /* The co-op log: its latest checkpoint still holds over what is stored. */
  ledger = care_ledger_new (store, dir, error);
  if (ledger == NULL)
    return FALSE;
  if (!care_ledger_verify (ledger, log_report, &local))
    {
      g_printerr ("carelog-server: %s\n", local->message);
      ok = FALSE;
    }
  else
    g_print ("%s", log_report->str);
  if (!ok)
    g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID, "");
  return ok;
}

static int
cmd_verify (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;

  if (argc != 2)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!check_all (argv[1], store, &error))
    {
      if (error->message[0] != '\0')
        return fail (error);
      return 1;
    }
  return 0;
}

/* ---- the co-op log ---- */

/* Signs a checkpoint now (when the log grew) and prints it. */
static int
cmd_checkpoint (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(CareLedger) ledger = NULL;
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autofree char *text = NULL;

  if (argc != 2)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL || (ledger = care_ledger_new (store, argv[1], &error)) == NULL
      || (cp = care_ledger_checkpoint (ledger, &error)) == NULL)
    return fail (error);
  text = care_checkpoint_to_string (cp);
  g_print ("%s\n", text);
  return 0;
}

/* An export: readable by this user only, never written over a file,
 * synced. */
static gboolean
write_private_file (const char *path,
                    const char *text,
                    GError    **error)
{
  gsize len = strlen (text);
  int fd = care_private_open (path, O_WRONLY | O_EXCL, error);

  if (fd < 0)
    return FALSE;
  if (write (fd, text, len) != (ssize_t) len || fsync (fd) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "%s could not be written (%s); it is incomplete, delete it.", path, g_strerror (errno));
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* One visit with what a third party needs to check it. */
static int
cmd_export_visit (int argc, char **argv)
{
  g_autofree char *csv_path = NULL;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(CareLedger) ledger = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GString) csv = NULL;
  g_autofree char *text = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4)
    return usage ();
  csv = csv_path != NULL ? g_string_new (NULL) : NULL;
  store = open_store (argv[1], &error);
  if (store == NULL || (ledger = care_ledger_new (store, argv[1], &error)) == NULL
      || !care_ledger_export_visit (ledger, argv[2], &json, csv, &error))
    return fail (error);
  text = json_to_string (json, TRUE);
  if (!write_private_file (argv[3], text, &error)
      || (csv != NULL && !write_private_file (csv_path, csv->str, &error)))
    return fail (error);
  g_print ("Visit %s written to %s%s%s, with what anyone needs to check it: carelog-cli verify-export %s\n",
           argv[2], argv[3], csv != NULL ? " and " : "", csv != NULL ? csv_path : "", argv[3]);
  return 0;
}

/* The co-op's witnesses: list, or register one. */
static int
cmd_witnesses (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autofree char *list = NULL;

  if (argc == 5 && g_str_equal (argv[1], "add"))
    {
      store = open_store (argv[2], &error);
      if (store == NULL || !care_ledger_add_witness (store, argv[3], argv[4], &error))
        return fail (error);
      g_print ("Witness “%s” registered: its cosignatures now go with the co-op's checkpoints.\n", argv[3]);
      return 0;
    }
  if (argc != 2)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  list = store->vtable->get_meta (store, "log.witnesses");
  g_print ("%s", list != NULL && list[0] != '\0' ? list : "No witness is registered.\n");
  return 0;
}

/* ---- refusals ---- */

/* Where a refusal stands, for people. */
static const char *
refusal_state (const CareRejection *r)
{
  if (g_strcmp0 (r->state, "held") == 0)
    return "held";
  if (g_strcmp0 (r->state, "open") == 0)
    return "open";
  return r->state != NULL ? r->state : "open";
}

/* A co-ordinator's answer to a refused record: accept or dismiss. */
static int
cmd_rejections_answer (gboolean accept, int argc, char **argv)
{
  g_autofree char *reason = NULL, *by = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, NULL, NULL },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  CareRole role = CARE_ROLE_INVALID;
  gint64 seq;
  char *end = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4)
    return usage ();
  seq = g_ascii_strtoll (argv[3], &end, 10);
  if (end == argv[3] || *end != '\0' || seq < 1)
    {
      g_printerr ("carelog-server: SEQ is the refused record's number on its tablet, as "
                  "“carelog-server rejections %s %s” lists it.\n", argv[1], argv[2]);
      return 1;
    }
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (by != NULL && (!store->vtable->member_exists (store, by, &role, NULL)
                     || (role != CARE_ROLE_SUPERVISOR && role != CARE_ROLE_ADMINISTRATOR)))
    {
      g_printerr ("carelog-server: --by names the co-ordinator who answers: %s is not a supervisor or an "
                  "administrator of this co-op.\n", by);
      return 1;
    }
  if (!care_server_core_resolve_refusal (store, argv[2], seq, accept, reason, by, &error))
    return fail (error);
  g_print (accept ? "Accepted record %s of tablet %s: it is in the care log now, and the tablet is told at its "
                    "next sync. Records held behind it were judged again (carelog-server rejections %s %s).\n"
                  : "Dismissed record %s of tablet %s: it stays out of the care log, and the tablet is told at its "
                    "next sync. Records held behind it were judged again (carelog-server rejections %s %s).\n",
           argv[3], argv[2], argv[1], argv[2]);
  return 0;
}

static int
cmd_rejections (int argc, char **argv)
{
  gboolean open_only = FALSE;
  GOptionEntry entries[] = {
    { "open", 0, 0, G_OPTION_ARG_NONE, &open_only, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint shown = 0;

  if (argc >= 2 && (g_str_equal (argv[1], "accept") || g_str_equal (argv[1], "dismiss")))
    return cmd_rejections_answer (g_str_equal (argv[1], "accept"), argc - 1, argv + 1);
  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 2 && argc != 3)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  list = store->vtable->list_rejections (store, argc == 3 ? argv[2] : NULL, &error);
  if (list == NULL)
    return fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      CareRejection *r = g_ptr_array_index (list, i);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (r->at / 1000);
      g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%SZ") : g_strdup ("?");
      const char *state = refusal_state (r);

      if (open_only && !g_str_equal (state, "open") && !g_str_equal (state, "held"))
        continue;
      if (shown++ == 0)
        g_print ("%-20s %-22s %-16s %6s %-9s %-9s %-38s  %s\n", "WHEN", "DEVICE", "MEMBER", "SEQ", "CODE", "STATE",
                 "RECORD", "REASON");
      g_print ("%-20s %-22s %-16s %6" G_GINT64_FORMAT " %-9s %-9s %-38s  %s", when, r->device,
               r->member ? r->member : "?", r->seq, r->code, state, r->id ? r->id : "(none)", r->message);
      if (g_str_equal (state, "held"))
        g_print (" [behind %s]", r->behind);
      else if (r->resolution != NULL)
        g_print (" [%s: %s%s%s]", state, r->resolution, r->resolved_by ? ", by " : "",
                 r->resolved_by ? r->resolved_by : "");
      g_print ("\n");
    }
  if (shown == 0)
    g_print ("The co-op has %s records%s%s.\n", open_only ? "no refused records waiting for an answer, and no held"
                                                            : "refused no", argc == 3 ? " from " : "",
             argc == 3 ? argv[2] : "");
  return 0;
}

/* ---- a subject-access request (docs/privacy.md) ---- */

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return fsync (fd) == 0;
}

static int
cmd_export_client (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint count = 0;
  int fd;

  if (argc != 4)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!store->vtable->client_exists (store, argv[2]))
    {
      g_printerr ("carelog-server: there is no client “%s”; see the co-op's clients with the app or its exports.\n",
                  argv[2]);
      return 1;
    }
  if (!store->vtable->export_client (store, argv[2], out, &count, &error))
    return fail (error);
  /* Care data: readable by this user only, and never written over a file. */
  fd = care_private_open (argv[3], O_WRONLY | O_EXCL, &error);
  if (fd < 0)
    {
      g_printerr ("carelog-server: %s An export is never written over an existing file: choose a new name.\n",
                  error->message);
      return 1;
    }
  if (!write_all (fd, out->str, out->len))
    {
      g_printerr ("carelog-server: %s could not be written (%s); it is incomplete, delete it.\n", argv[3],
                  g_strerror (errno));
      close (fd);
      return 1;
    }
  close (fd);
  g_print ("Wrote %u records about client %s to %s (one JSON object a line; see docs/privacy.md).\n",
           count, argv[2], argv[3]);
  return 0;
}

/* ---- encrypted tablets (docs/privacy.md) ---- */

static int
cmd_require_encryption (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autofree char *value = NULL;

  if ((argc != 2 && argc != 3) || (argc == 3 && !g_str_equal (argv[2], "yes") && !g_str_equal (argv[2], "no")))
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (argc == 3
      && !store->vtable->set_meta (store, "require_encryption", g_str_equal (argv[2], "yes") ? "1" : "0", &error))
    return fail (error);
  value = store->vtable->get_meta (store, "require_encryption");
  if (g_strcmp0 (value, "1") == 0)
    g_print ("Tablets whose data folder is not on an encrypted disk are not enrolled and receive nothing (what "
             "they recorded is still accepted); “device list” shows each tablet's STORAGE.%s\n",
             argc == 3 ? " Restart the server for this to take effect." : "");
  else
    g_print ("Tablets are accepted whether or not their data folder is encrypted; “device list” shows each "
             "tablet's STORAGE.%s\n", argc == 3 ? " Restart the server for this to take effect." : "");
  return 0;
}

/* ---- retention (docs/privacy.md) ---- */

static int
cmd_retention (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autofree char *days = NULL;
  guint64 n;

  if (argc != 2 && argc != 3)
    return usage ();
  if (argc == 3 && !g_ascii_string_to_unsigned (argv[2], 10, 1, 3650, &n, NULL))
    {
      g_printerr ("carelog-server: the retention period is a number of days from 1 to 3650.\n");
      return 2;
    }
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (argc == 3)
    {
      if (!store->vtable->set_meta (store, "retention_days", argv[2], &error))
        return fail (error);
      g_print ("Carers' tablets keep a visit %s days after it reached the co-op and its review closed. "
               "Restart the server for tablets to receive the new period at their next sync.\n", argv[2]);
      return 0;
    }
  days = store->vtable->get_meta (store, "retention_days");
  g_print ("Carers' tablets keep a visit %s days after it reached the co-op and its review closed%s.\n",
           days ? days : "14", days ? "" : " (the default)");
  return 0;
}

/* ---- backup and restore ---- */

static int
cmd_backup (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;

  if (argc != 3)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL || !store->vtable->backup (store, argv[2], &error))
    return fail (error);
  g_print ("Backed up %s to %s.\n", argv[1], argv[2]);
  return 0;
}

/* ---- moving a co-op to PostgreSQL ---- */

static int
cmd_migrate_store (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  int lock;

  if (argc != 3 || !care_server_pg_is_url (argv[2]))
    return usage ();
  lock = lock_dir (argv[1], FALSE, &error);
  if (lock < 0)
    return fail (error);
  if (!care_server_pg_migrate_store (argv[1], argv[2], &summary, &error))
    {
      close (lock);
      return fail (error);
    }
  close (lock);
  g_print ("%s", summary);
  g_print ("Start the server again: tablets carry on where they were.\n");
  return 0;
}

static int
cmd_restore (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(CareLedger) ledger = NULL;
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autofree char *url = NULL;
  int lock;

  if (argc != 3)
    return usage ();
  lock = lock_dir (argv[1], FALSE, &error);
  if (lock < 0)
    return fail (error);
  url = care_server_pg_url (argv[1]);
  if (url != NULL ? !care_server_pg_restore (argv[1], url, argv[2], &summary, &error)
                  : !care_server_sqlite_restore (argv[1], argv[2], &summary, &error))
    {
      close (lock);
      return fail (error);
    }
  g_print ("Restored %s from %s. Devices will re-send what the backup lacks and download again.\n",
           argv[1], argv[2]);
  g_print ("%s", summary);
  /* The restored records are checked before anyone syncs with them, and
   * the co-op log's new epoch is declared at once in a signed checkpoint
   * (docs/verifying-records.md, "Restores"). */
  store = open_store (argv[1], &error);
  if (store == NULL)
    {
      close (lock);
      return fail (error);
    }
  if (!check_all (argv[1], store, &error) && error->message[0] != '\0')
    g_printerr ("carelog-server: %s\n", error->message);
  g_clear_error (&error);
  ledger = care_ledger_new (store, argv[1], &error);
  cp = ledger != NULL ? care_ledger_checkpoint (ledger, &error) : NULL;
  close (lock);
  if (cp == NULL)
    return fail (error);
  g_print ("The co-op log goes on in a new epoch (%s) from the backup's %" G_GUINT64_FORMAT " records: tablets "
           "and witnesses see the restore declared in its signed checkpoint.\n", cp->epoch, cp->size);
  g_print ("Records the co-op itself wrote after the backup (members, clients, rota, reviews) are not in it: "
           "make those changes again.\n");
  return 0;
}

int
care_server_main (int    argc,
                  char **argv)
{
  static const struct
  {
    const char *name;
    int (*func) (int, char **);
  } commands[] = {
    { "init", cmd_init },
    { "serve", cmd_serve },
    { "member", cmd_member },
    { "client", cmd_client },
    { "careplan", cmd_careplan },
    { "assign", cmd_assign },
    { "circle", cmd_circle },
    { "schedule", cmd_schedule },
    { "rota", cmd_rota },
    { "device", cmd_device },
    { "rejections", cmd_rejections },
    { "verify", cmd_verify },
    { "backup", cmd_backup },
    { "retention", cmd_retention },
    { "require-encryption", cmd_require_encryption },
    { "export-client", cmd_export_client },
    { "restore", cmd_restore },
    { "migrate-store", cmd_migrate_store },
    { "checkpoint", cmd_checkpoint },
    { "export-visit", cmd_export_visit },
    { "witnesses", cmd_witnesses },
    { "witness", care_server_witness_main },
  };

  if (argc < 2)
    return usage ();
  /* An explicit request for help is answered on stdout, successfully:
   * "help", "--help" or "-h", alone or after a command word. */
  for (int i = 1; i < argc && i <= 2; i++)
    if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h") || (i == 1 && g_str_equal (argv[i], "help")))
      {
        g_print ("%s", usage_text);
        return 0;
      }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (argc - 1, argv + 1);
  return usage ();
}
