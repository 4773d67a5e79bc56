/* test-pg-cluster.c: the throwaway PostgreSQL cluster of the tests starts
 * as an unprivileged user on a Unix socket in its own folder, takes
 * databases and parameterised statements, runs beside a second one, and
 * leaves nothing behind.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "pg-cluster.h"

static PGconn *
connect_ok (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("connect %s: %s", conninfo, PQerrorMessage (conn));
  return conn;
}

static void
exec_ok (PGconn     *conn,
         const char *sql,
         int         n,
         const char * const *values,
         ExecStatusType want)
{
  PGresult *res = PQexecParams (conn, sql, n, NULL, values, NULL, NULL, 0);

  if (PQresultStatus (res) != want)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (res);
}

/* Whether pid runs (a zombie waiting to be reaped does not). */
static gboolean
process_alive (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  end = strrchr (stat, ')');
  return end != NULL && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

static void
test_cluster_lifecycle (void)
{
  g_autoptr(GError) error = NULL;
  PgCluster *a = pg_cluster_start (&error);
  PgCluster *b;
  g_autofree char *dir = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *url = NULL;
  const char *values[] = { "a carer's note, with 'quotes'; DROP TABLE t; --" };
  PGconn *conn;
  PGresult *res;
  struct stat st;
  GPid pid;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  dir = g_strdup (a->dir);
  pid = a->pid;
  g_assert_cmpint (pid, >, 0);
  g_assert_true (process_alive (pid));

  /* It runs as someone other than root, in a folder that person owns. */
  g_assert_cmpint (stat (a->data, &st), ==, 0);
  if (geteuid () == 0)
    {
      g_assert_nonnull (a->user);
      g_assert_cmpuint (st.st_uid, !=, 0);
    }
  /* A Unix socket in the folder and no TCP port. */
  {
    g_autofree char *sock = g_build_filename (a->dir, ".s.PGSQL.5432", NULL);
    g_assert_true (g_file_test (sock, G_FILE_TEST_EXISTS));
  }

  conninfo = pg_cluster_create_db (a, "coop one", &url, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "postgresql:///coop%20one?host="));

  /* The URL form reaches the same database as the conninfo. */
  conn = connect_ok (conninfo);
  exec_ok (conn, "CREATE TABLE t (note text NOT NULL)", 0, NULL, PGRES_COMMAND_OK);
  exec_ok (conn, "INSERT INTO t (note) VALUES ($1)", 1, values, PGRES_COMMAND_OK);
  PQfinish (conn);
  conn = connect_ok (url);
  res = PQexecParams (conn, "SELECT note, current_database () FROM t", 0, NULL, NULL, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (res), ==, 1);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, values[0]);
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "coop one");
  PQclear (res);
  PQfinish (conn);

  /* A second cluster at the same time (tests run in parallel). */
  b = pg_cluster_start (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->dir, !=, b->dir);
  conn = connect_ok (b->conninfo);
  res = PQexec (conn, "SELECT count(*) FROM pg_database WHERE datname = 'coop one'");
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "0");
  PQclear (res);
  PQfinish (conn);
  pg_cluster_stop (b);

  /* A database that exists already is an error, not a crash. */
  g_assert_null (pg_cluster_create_db (a, "coop one", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  pg_cluster_stop (a);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_false (process_alive (pid));
}

/* A test that dies leaves no cluster behind: the watchdog stops it. */
static void
test_cluster_crash (void)
{
  g_autofree char *where = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPid pid;

  if (g_test_subprocess ())
    {
      PgCluster *c = pg_cluster_start (&error);
      g_autofree char *line = NULL;

      g_assert_no_error (error);
      line = g_strdup_printf ("%s\n%d\n", c->dir, (int) c->pid);
      g_assert_true (g_file_set_contents (g_getenv ("CARELOG_PG_CRASH_FILE"), line, -1, NULL));
      abort ();
    }
  where = g_build_filename (g_get_tmp_dir (), "carelog-pg-crash-XXXXXX", NULL);
  close (g_mkstemp (where));
  g_setenv ("CARELOG_PG_CRASH_FILE", where, TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_assert_true (g_file_get_contents (where, &text, NULL, NULL));
  g_unlink (where);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  pid = (GPid) g_ascii_strtoll (lines[1], NULL, 10);
  g_assert_cmpint (pid, >, 0);
  /* The watchdog works after the test process is gone; wait for it (a
   * limit only so that a broken watchdog ends the test). */
  for (guint i = 0; i < 1200 && (process_alive (pid) || g_file_test (lines[0], G_FILE_TEST_EXISTS)); i++)
    g_usleep (G_USEC_PER_SEC / 10);
  g_assert_false (process_alive (pid));
  g_assert_false (g_file_test (lines[0], G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/cluster/lifecycle", test_cluster_lifecycle);
  g_test_add_func ("/pg/cluster/crash", test_cluster_crash);
  return g_test_run ();
}
