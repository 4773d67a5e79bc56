/* test-crash.c: nothing reported as saved is lost when the process is killed.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A child process (this program with --child) appends records as fast as
 * it can and writes each record's sequence number and id to a pipe only
 * after care_store_append has returned. The parent kills it with SIGKILL at
 * a random moment, again and again. Afterwards every reported record is in
 * the store, the full integrity check passes, the device's sequence numbers
 * have no gaps, and the derived state equals a rebuild from the events.
 */
#include "care-config.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "care-store-private.h"
#include "test-util.h"

#define KILLS 200

static int
run_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autofree char *visit = NULL;

  if (store == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }
  for (guint n = 0;; n++)
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(CareEvent) event = NULL;
      g_autofree char *line = NULL;
      g_autofree char *id = care_id_new (care_store_now (store));
      CareEventType type = CARE_EVENT_NOTE_ADDED;

      if (visit == NULL || n % 8 == 0)
        {
          g_free (visit);
          visit = g_strdup (id);
          type = CARE_EVENT_VISIT_STARTED;
          json_object_set_string_member (body, "visit", visit);
          json_object_set_string_member (body, "client", "c1");
          json_object_set_string_member (body, "service", "home care");
          json_object_set_int_member (body, "at", care_store_now (store));
        }
      else
        {
          json_object_set_string_member (body, "note", id);
          json_object_set_string_member (body, "visit", visit);
          json_object_set_string_member (body, "category", "wellbeing");
          json_object_set_string_member (body, "text", "Chatted about the garden; in good spirits.");
        }
      event = care_store_append (store, type, body, &error);
      if (event == NULL)
        {
          g_printerr ("child: %s\n", error->message);
          return 1;
        }
      line = g_strdup_printf ("%" G_GINT64_FORMAT " %s\n", event->seq, event->id);
      if (write (STDOUT_FILENO, line, strlen (line)) != (ssize_t) strlen (line))
        return 1;
    }
}

static void
read_reports (int         fd,
              GHashTable *reported,
              GString    *pending)
{
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (pending, buf, n);
  for (char *nl; (nl = strchr (pending->str, '\n')) != NULL;)
    {
      g_autofree char *line = g_strndup (pending->str, nl - pending->str);
      char *space = strchr (line, ' ');

      g_assert_nonnull (space);
      g_hash_table_add (reported, g_strdup (space + 1));
      g_string_erase (pending, 0, nl - pending->str + 1);
    }
  /* A line cut short by the kill was never fully reported. */
  g_string_truncate (pending, 0);
}

/* Blocks until the child has reported one record (or has died). */
static void
wait_first_report (int      fd,
                   GString *pending)
{
  char c;
  ssize_t n;

  while ((n = read (fd, &c, 1)) == 1 || (n < 0 && errno == EINTR))
    if (n == 1)
      {
        g_string_append_c (pending, c);
        if (c == '\n')
          return;
      }
  g_error ("the child stopped before its first record");
}

static void
kill_once (const char *self_exe,
           const char *path,
           GHashTable *reported)
{
  const char *argv[] = { self_exe, "--child", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pending = g_string_new (NULL);
  GPid pid;
  int out, status;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  /* A random moment: one kill in four anywhere from start-up (opening
   * after the previous kill), the others after the first reported commit,
   * a few commits in. */
  if (g_test_rand_int_range (0, 4) == 0)
    g_usleep (g_test_rand_int_range (0, 10000));
  else
    wait_first_report (out, pending);
  g_usleep (g_test_rand_int_range (0, 15000));
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) || (WIFEXITED (status) && WEXITSTATUS (status) == 0));
  read_reports (out, reported, pending);
  close (out);
  g_spawn_close_pid (pid);
}

static void
check_store (const char *path,
             GHashTable *reported)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GHashTableIter iter;
  gpointer id;
  gint64 expected = 1;

  g_assert_no_error (error);
  g_assert_true (care_store_verify (store, &error));
  g_assert_no_error (error);
  events = care_store_list_all_events (store, &error);
  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];

      g_hash_table_add (ids, e->id);
      if (g_strcmp0 (e->device, "dev-crash") == 0)
        g_assert_cmpint (e->seq, ==, expected++);
    }
  g_hash_table_iter_init (&iter, reported);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (ids, id))
      g_error ("record %s was reported saved but is missing", (char *) id);
  before = care_store_dump_derived (store, &error);
  g_assert_true (care_store_begin (store, &error));
  g_assert_true (care_store_rebuild_derived (store, &error));
  after = care_store_dump_derived (store, &error);
  care_store_rollback (store);
  g_assert_cmpstr (before, ==, after);
  g_test_message ("%u records reported saved, %u in the store", g_hash_table_size (reported), events->len);
}

static const char *self_exe;

static void
test_crash (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  CareStore *store = care_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (store, "dev-crash", "member-crash", CARE_ROLE_CARER, &error));
  g_object_unref (store);
  for (int i = 0; i < KILLS; i++)
    kill_once (self_exe, path, reported);
  g_assert_cmpuint (g_hash_table_size (reported), >=, KILLS / 2);
  check_store (path, reported);
  test_dir_free (dir);
}

/* Two processes (the app and the command-line tool, say) appending to the
 * same profile at once: each append waits for the other's transaction,
 * sequence numbers stay dense and unique, and a kill of both loses nothing
 * either reported. */
static void
test_two_writers (void)
{
  char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "two.db", NULL);
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  CareStore *store = care_store_open (path, &error);
  const char *argv[] = { self_exe, "--child", path, NULL };
  GPid pids[2];
  int outs[2];

  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (store, "dev-crash", "member-crash", CARE_ROLE_CARER, &error));
  g_object_unref (store);
  for (int round = 0; round < 5; round++)
    {
      GString *pending[2];

      for (int k = 0; k < 2; k++)
        {
          g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                                   NULL, &pids[k], NULL, &outs[k], NULL, &error));
          pending[k] = g_string_new (NULL);
        }
      for (int k = 0; k < 2; k++)
        wait_first_report (outs[k], pending[k]);
      /* Both are writing now; let them contend for a while. */
      g_usleep (g_test_rand_int_range (10000, 50000));
      for (int k = 0; k < 2; k++)
        {
          int status;

          kill (pids[k], SIGKILL);
          g_assert_cmpint (waitpid (pids[k], &status, 0), ==, pids[k]);
          g_assert_true (WIFSIGNALED (status));
          read_reports (outs[k], reported, pending[k]);
          close (outs[k]);
          g_spawn_close_pid (pids[k]);
          g_string_free (pending[k], TRUE);
        }
    }
  check_store (path, reported);
  test_dir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);
  self_exe = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/store/crash", test_crash);
  g_test_add_func ("/app/store/two-writers", test_two_writers);
  return g_test_run ();
}
