/* test-key-store.c: the device key without a Secret Service: refused,
 * unless the co-op allows a file only the user can read, next to the store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "care-key-store.h"

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  char *key;
  GError *error;
} Wait;

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = care_key_store_save_finish (result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
found_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->key = care_key_store_lookup_finish (result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static char *
lookup (const char *store,
        const char *device)
{
  Wait wait = { g_main_loop_new (NULL, FALSE) };

  care_key_store_lookup_async (store, device, NULL, found_cb, &wait);
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  g_main_loop_unref (wait.loop);
  return wait.key;
}

static void
test_file_fallback (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carelog-key-XXXXXX", NULL);
  g_autofree char *store = g_build_filename (dir, "carelog.db", NULL);
  g_autofree char *path = care_key_store_file_path (store);
  g_autofree char *key = NULL;
  g_autofree char *other = NULL;
  g_autofree char *missing = NULL;
  Wait wait = { g_main_loop_new (NULL, FALSE) };
  GStatBuf st;

  g_setenv ("CARELOG_KEY_STORE", "file", TRUE);
  care_key_store_save_async (store, "d-1", "secret-key", NULL, saved_cb, &wait);
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_main_loop_unref (wait.loop);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  key = lookup (store, "d-1");
  g_assert_cmpstr (key, ==, "secret-key");
  /* A key from an older enrolment is not this device's. */
  other = lookup (store, "d-2");
  g_assert_null (other);

  g_unlink (path);
  missing = lookup (store, "d-1");
  g_assert_null (missing);
  g_rmdir (dir);
}

/* With no Secret Service and no allowance from the co-op, the key is not
 * saved at all rather than left in a plain file. */
static void
test_no_plain_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carelog-key-XXXXXX", NULL);
  g_autofree char *store = g_build_filename (dir, "carelog.db", NULL);
  g_autofree char *path = care_key_store_file_path (store);
  Wait wait = { g_main_loop_new (NULL, FALSE) };

  g_unsetenv ("CARELOG_KEY_STORE");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/carelog-test-bus", TRUE);
  care_key_store_save_async (store, "d-1", "secret-key", NULL, saved_cb, &wait);
  g_main_loop_run (wait.loop);
  g_assert_false (wait.ok);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (wait.error->message, "co-ordinator"));
  g_clear_error (&wait.error);
  g_main_loop_unref (wait.loop);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/key-store/no-plain-file", test_no_plain_file);
  g_test_add_func ("/daemon/key-store/file-fallback", test_file_fallback);
  return g_test_run ();
}
