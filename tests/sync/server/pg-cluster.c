/* pg-cluster.c: a throwaway PostgreSQL cluster for the tests (see
 * pg-cluster.h).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pg-cluster.h"

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <libpq-fe.h>

const char *
pg_cluster_bindir (void)
{
  const char *dir = g_getenv ("CARELOG_PG_BINDIR");

  return dir != NULL && *dir != '\0' ? dir : "/usr/lib/postgresql/15/bin";
}

/* Runs argv (as cluster->user when set); FALSE with the command's output in
 * error when it fails. */
static gboolean
run_as (PgCluster          *cluster,
        const char * const *argv,
        GError            **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  int status = 0;

  if (cluster->user != NULL)
    {
      g_ptr_array_add (args, (gpointer) "runuser");
      g_ptr_array_add (args, (gpointer) "-u");
      g_ptr_array_add (args, cluster->user);
      g_ptr_array_add (args, (gpointer) "--");
    }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  /* The cluster's user cannot read the test's working directory. */
  if (!g_spawn_sync (cluster->dir, (char **) args->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s: ", argv[0], out != NULL ? out : "");
      return FALSE;
    }
  return TRUE;
}

/* A conninfo value in single quotes (a folder or database name may hold
 * spaces). */
static char *
conninfo_quote (const char *value)
{
  GString *out = g_string_new ("'");

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

static char *
conninfo_for (PgCluster  *cluster,
              const char *db)
{
  g_autofree char *host = conninfo_quote (cluster->dir);
  g_autofree char *name = conninfo_quote (db);

  return g_strdup_printf ("host=%s dbname=%s user=carelog", host, name);
}

/* The cluster is stopped and its folder removed by a watchdog that waits
 * for the end of its stdin: pg_cluster_stop closes it, and so does the
 * death of the test process, so a test that crashes leaves no PostgreSQL
 * running. */
static gboolean
start_watchdog (PgCluster *cluster,
                GError   **error)
{
  g_autofree char *pg_ctl = g_build_filename (pg_cluster_bindir (), "pg_ctl", NULL);
  g_autofree char *q_ctl = g_shell_quote (pg_ctl);
  g_autofree char *q_data = g_shell_quote (cluster->data);
  g_autofree char *q_dir = g_shell_quote (cluster->dir);
  g_autofree char *as = cluster->user != NULL ? g_strdup_printf ("runuser -u %s -- ", cluster->user)
                                              : g_strdup ("");
  g_autofree char *script = g_strdup_printf ("cat >/dev/null; cd /; "
                                             "%s%s -D %s -m immediate -w stop >/dev/null 2>&1; "
                                             "rm -rf %s",
                                             as, q_ctl, q_data, q_dir);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };

  return g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                   &cluster->watchdog, &cluster->watchdog_stdin, NULL, NULL, error);
}

/* pg_ctl start on the cluster's folder: only the Unix socket in the
 * folder; no fsync (a test's cluster does not outlive a crash of the
 * machine), except for benchmarks (CARELOG_PG_DURABLE=1: commits on disk,
 * as the SQLite store's are). */
static gboolean
ctl_start (PgCluster *cluster,
           GError   **error)
{
  g_autofree char *pg_ctl = g_build_filename (pg_cluster_bindir (), "pg_ctl", NULL);
  g_autofree char *log = g_build_filename (cluster->dir, "server.log", NULL);
  g_autofree char *options = g_strdup_printf ("-k '%s' -c listen_addresses=''%s", cluster->dir,
                                              g_strcmp0 (g_getenv ("CARELOG_PG_DURABLE"), "1") == 0
                                              ? "" : " -c fsync=off -c full_page_writes=off");
  g_autofree char *pidfile = g_build_filename (cluster->data, "postmaster.pid", NULL);
  g_autofree char *pidtext = NULL;
  const char *argv[] = { pg_ctl, "-D", cluster->data, "-l", log, "-o", options, "-w", "-t", "120", "start", NULL };

  if (!run_as (cluster, argv, error))
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (log, &text, NULL, NULL))
        g_prefix_error (error, "%s\n", text);
      return FALSE;
    }
  if (g_file_get_contents (pidfile, &pidtext, NULL, NULL))
    cluster->pid = (GPid) g_ascii_strtoll (pidtext, NULL, 10);
  return TRUE;
}

gboolean
pg_cluster_pause (PgCluster *cluster,
                  GError   **error)
{
  g_autofree char *pg_ctl = g_build_filename (pg_cluster_bindir (), "pg_ctl", NULL);
  const char *argv[] = { pg_ctl, "-D", cluster->data, "-m", "fast", "-w", "stop", NULL };

  return run_as (cluster, argv, error);
}

gboolean
pg_cluster_resume (PgCluster *cluster,
                   GError   **error)
{
  return ctl_start (cluster, error);
}

PgCluster *
pg_cluster_start (GError **error)
{
  g_autoptr(PgCluster) cluster = g_new0 (PgCluster, 1);
  g_autofree char *initdb = g_build_filename (pg_cluster_bindir (), "initdb", NULL);

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is missing: install the postgresql package (.ci/debian-packages)", initdb);
      return NULL;
    }
  cluster->dir = g_dir_make_tmp ("carelog-pg-XXXXXX", error);
  if (cluster->dir == NULL)
    return NULL;
  cluster->data = g_build_filename (cluster->dir, "data", NULL);

  /* PostgreSQL refuses to run as root. */
  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("postgres");

      if (pw == NULL)
        pw = getpwnam ("nobody");
      if (pw == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "running as root and neither a postgres nor a nobody user exists");
          return NULL;
        }
      cluster->user = g_strdup (pw->pw_name);
      if (chown (cluster->dir, pw->pw_uid, pw->pw_gid) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "chown %s: %s", cluster->dir, g_strerror (errno));
          return NULL;
        }
    }

  if (!start_watchdog (cluster, error))
    return NULL;
  {
    const char *argv[] = { initdb, "-D", cluster->data, "-U", "carelog", "-A", "trust",
                           "-E", "UTF8", "--locale=C", "--no-sync", NULL };
    if (!run_as (cluster, argv, error))
      return NULL;
  }
  if (!ctl_start (cluster, error))
    return NULL;
  cluster->conninfo = conninfo_for (cluster, "postgres");
  return g_steal_pointer (&cluster);
}

char *
pg_cluster_create_db (PgCluster  *cluster,
                      const char *name,
                      char      **url,
                      GError    **error)
{
  PGconn *conn = PQconnectdb (cluster->conninfo);
  g_autofree char *sql = NULL;
  char *ident;
  PGresult *res;
  gboolean ok;

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "connect: %s", PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }
  /* A database name cannot be a bound parameter; it is quoted as an
   * identifier. */
  ident = PQescapeIdentifier (conn, name, strlen (name));
  sql = g_strdup_printf ("CREATE DATABASE %s", ident);
  PQfreemem (ident);
  res = PQexec (conn, sql);
  ok = PQresultStatus (res) == PGRES_COMMAND_OK;
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", sql, PQerrorMessage (conn));
  PQclear (res);
  PQfinish (conn);
  if (!ok)
    return NULL;
  if (url != NULL)
    {
      g_autofree char *host = g_uri_escape_string (cluster->dir, NULL, FALSE);
      g_autofree char *db = g_uri_escape_string (name, NULL, FALSE);

      *url = g_strdup_printf ("postgresql:///%s?host=%s&user=carelog", db, host);
    }
  return conninfo_for (cluster, name);
}

void
pg_cluster_stop (PgCluster *cluster)
{
  if (cluster == NULL)
    return;
  if (cluster->watchdog > 0)
    {
      int status;

      close (cluster->watchdog_stdin);
      while (waitpid (cluster->watchdog, &status, 0) < 0 && errno == EINTR)
        ;
    }
  else if (cluster->dir != NULL)
    g_rmdir (cluster->dir);
  g_free (cluster->dir);
  g_free (cluster->data);
  g_free (cluster->user);
  g_free (cluster->conninfo);
  g_free (cluster);
}
