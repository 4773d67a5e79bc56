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
#include "care-server-admin.h"

static const char usage_text[] =
  "Usage:\n"
  "  carelog-server init DIR [--timezone ZONE]\n"
  "  carelog-server serve DIR --listen ADDR:PORT --cert FILE --key FILE [--public-url URL]\n"
  "                 [--rate N] [--burst N] [--enrolments-per-minute N] | --insecure-http (loopback only)\n"
  "  carelog-server member add DIR MEMBER --name NAME --role carer|supervisor|administrator\n"
  "  carelog-server member add DIR MEMBER --update [--name NAME] [--role ROLE]   (change or reactivate)\n"
  "  carelog-server member deactivate DIR MEMBER\n"
  "  carelog-server client add DIR CLIENT --name NAME --address ADDRESS [--task ID:LABEL[:essential]]...\n"
  "  carelog-server careplan set DIR CLIENT --task ID:LABEL[:essential]...\n"
  "  carelog-server assign DIR CLIENT CARER [--remove]\n"
  "  carelog-server schedule add DIR SCHEDULE --client C --carer M --start YYYY-MM-DDTHH:MM --minutes N --service S\n"
  "  carelog-server rota import DIR FILE.csv   (schedule,client,carer,start,minutes,service)\n"
  "  carelog-server device enrol DIR MEMBER [--expires HOURS] [--url URL] [--pin PIN]\n"
  "  carelog-server device revoke DIR DEVICE\n"
  "  carelog-server device list DIR\n"
  "  carelog-server backup DIR FILE\n"
  "  carelog-server restore DIR FILE   (with the server stopped)\n"
  "  carelog-server help | --help | -h\n";

static int
fail (GError *error)
{
  g_printerr ("carelog-server: %s\n", error->message);
  return 1;
}

static int
usage (void)
{
  g_printerr ("%s", usage_text);
  return 2;
}

static int
lock_dir (const char *dir,
          GError    **error)
{
  g_autofree char *path = g_build_filename (dir, "serve.lock", NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) != 0)
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
  g_autofree char *tz = NULL;
  GOptionEntry entries[] = {
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &tz, NULL, NULL },
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
  store = care_server_sqlite_open (argv[1], TRUE, tz ? tz : "UTC", &error);
  if (store == NULL)
    return fail (error);
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
  double rate = 20;
  int burst = 40;
  int enrolments = 10;
  GOptionEntry entries[] = {
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
  g_autofree char *url = NULL, *pin = NULL;
  CareServerStore *store;
  CareServerOptions options = { 0 };
  int lock;

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 2 || listen == NULL || rate <= 0 || burst < 1 || enrolments < 1)
    return usage ();
  lock = lock_dir (argv[1], &error);
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
  gboolean update = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, NULL, NULL },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, NULL, NULL },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update, NULL, NULL },
    { NULL }
  };
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
  if (deactivate && (update || name != NULL || role != NULL))
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
          g_printerr ("carelog-server: give --name and --role carer, supervisor or administrator.\n");
          return 2;
        }
    }
  json_object_set_string_member (body, "member", argv[3]);
  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "role", role);
  json_object_set_boolean_member (body, "active", !deactivate);
  if (!append (store, CARE_EVENT_MEMBER_SET, body, &error))
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

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
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
  gboolean remove = FALSE;
  GOptionEntry entries[] = {
    { "remove", 0, 0, G_OPTION_ARG_NONE, &remove, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autoptr(JsonObject) body = json_object_new ();

  if (!parse_options (entries, &argc, &argv, &error))
    return fail (error);
  if (argc != 4)
    return usage ();
  store = open_store (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!store->vtable->client_exists (store, argv[2]) || !store->vtable->member_exists (store, argv[3], NULL, NULL))
    {
      g_printerr ("carelog-server: add the client and the member first (“client add”, “member add”).\n");
      return 1;
    }
  json_object_set_string_member (body, "client", argv[2]);
  json_object_set_string_member (body, "carer", argv[3]);
  json_object_set_boolean_member (body, "active", !remove);
  if (!append (store, CARE_EVENT_ASSIGNMENT_SET, body, &error))
    return fail (error);
  g_print ("%s %s %s.\n", argv[3], remove ? "no longer assigned to" : "assigned to", argv[2]);
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
  g_autofree char *tzname = store->vtable->get_meta (store, "timezone");
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  CareRole role = CARE_ROLE_INVALID;

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
  if (minutes < 1 || minutes > 24 * 60)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s lasts %" G_GINT64_FORMAT " minutes; give its length in minutes, "
                   "from 1 to 1440 (with --minutes, or the rota's minutes column).", schedule, minutes);
      return FALSE;
    }
  if (!store->vtable->client_exists (store, client))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "Schedule %s names client “%s”, who is not in the co-op: add them first with “client add”.",
                   schedule, client);
      return FALSE;
    }
  if (!store->vtable->member_exists (store, carer, &role, NULL))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND,
                   "Schedule %s names carer “%s”, who is not a member: add them first with “member add … --role carer”.",
                   schedule, carer);
      return FALSE;
    }
  if (role != CARE_ROLE_CARER)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s names %s, who is a %s, not a carer: only carers are scheduled for visits.",
                   schedule, carer, care_role_to_string (role) ?: "member");
      return FALSE;
    }
  if (!store->vtable->member_is_active (store, carer))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s names %s, who has been deactivated; schedule another carer, or reactivate "
                   "them with “carelog-server member add DIR %s --update”.", schedule, carer, carer);
      return FALSE;
    }
  if (!store->vtable->is_assigned (store, client, carer))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "Schedule %s: %s is not assigned to client %s, so their tablet would not receive the visit; "
                   "assign them first with “carelog-server assign DIR %s %s”.",
                   schedule, carer, client, client, carer);
      return FALSE;
    }
  json_object_set_string_member (body, "schedule", schedule);
  json_object_set_string_member (body, "client", client);
  json_object_set_string_member (body, "carer", carer);
  json_object_set_int_member (body, "start", g_date_time_to_unix (dt) * 1000);
  json_object_set_int_member (body, "minutes", minutes);
  json_object_set_string_member (body, "service", service ? service : "");
  return append (store, CARE_EVENT_SCHEDULE_SET, body, error);
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
  if (argc != 4 || !g_str_equal (argv[1], "add") || client == NULL || carer == NULL)
    return usage ();
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  if (!add_schedule (store, argv[3], client, carer, start, minutes, service, &error))
    return fail (error);
  g_print ("Visit %s scheduled.\n", argv[3]);
  return 0;
}

static int
cmd_rota (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareServerStore) store = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint added = 0;

  if (argc != 4 || !g_str_equal (argv[1], "import"))
    return usage ();
  if (!g_file_get_contents (argv[3], &text, NULL, &error))
    return fail (error);
  store = open_store (argv[2], &error);
  if (store == NULL)
    return fail (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      char *line = g_strstrip (lines[i]);
      char *end;
      gint64 minutes;

      if (*line == '\0' || *line == '#' || g_str_has_prefix (line, "schedule,"))
        continue;
      f = g_strsplit (line, ",", 7);
      if (g_strv_length (f) != 6)
        {
          g_printerr ("carelog-server: %s line %u: expected schedule,client,carer,start,minutes,service.\n",
                      argv[3], i + 1);
          return 1;
        }
      for (guint j = 0; f[j]; j++)
        g_strstrip (f[j]);
      minutes = g_ascii_strtoll (f[4], &end, 10);
      if (*end != '\0')
        {
          g_printerr ("carelog-server: %s line %u: “%s” is not a number of minutes.\n", argv[3], i + 1, f[4]);
          return 1;
        }
      if (!add_schedule (store, f[0], f[1], f[2], f[3], minutes, f[5], &error))
        {
          g_printerr ("carelog-server: %s line %u: %s\n", argv[3], i + 1, error->message);
          return 1;
        }
      added++;
    }
  g_print ("Imported %u scheduled visits.\n", added);
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
  GOptionEntry entries[] = {
    { "expires", 0, 0, G_OPTION_ARG_INT, &hours, NULL, NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, NULL, NULL },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, NULL, NULL },
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
      if (!store->vtable->revoke_device (store, argv[3], &error))
        return fail (error);
      g_print ("Device %s revoked: its next request is refused.\n", argv[3]);
      return 0;
    }
  if (g_str_equal (argv[1], "list") && argc == 3)
    {
      g_autoptr(GPtrArray) devices = store->vtable->list_devices (store, &error);

      if (devices == NULL)
        return fail (error);
      g_print ("%-22s %-16s %-13s %-8s %-20s %10s %8s %8s  %s\n", "DEVICE", "MEMBER", "ROLE", "STATE",
               "LAST CONTACT", "ACKED SEQ", "PENDING", "REJECTED", "NAME");
      for (guint i = 0; i < devices->len; i++)
        {
          CareDeviceInfo *d = g_ptr_array_index (devices, i);
          g_autofree char *contact = NULL;

          if (d->last_contact > 0)
            {
              g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (d->last_contact / 1000);

              contact = g_date_time_format (dt, "%Y-%m-%d %H:%M:%SZ");
            }
          g_print ("%-22s %-16s %-13s %-8s %-20s %10" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT "  %s\n",
                   d->device, d->member, care_role_to_string (d->role) ?: "?",
                   d->revoked ? "revoked" : "active", contact ? contact : "never",
                   d->acked_seq, d->pending, d->rejected, d->name);
        }
      return 0;
    }
  return usage ();
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

static int
cmd_restore (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  int lock;

  if (argc != 3)
    return usage ();
  lock = lock_dir (argv[1], &error);
  if (lock < 0)
    return fail (error);
  if (!care_server_sqlite_restore (argv[1], argv[2], &summary, &error))
    {
      close (lock);
      return fail (error);
    }
  close (lock);
  g_print ("Restored %s from %s. Devices will re-send what the backup lacks and download again.\n",
           argv[1], argv[2]);
  g_print ("%s", summary);
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
    { "schedule", cmd_schedule },
    { "rota", cmd_rota },
    { "device", cmd_device },
    { "backup", cmd_backup },
    { "restore", cmd_restore },
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
