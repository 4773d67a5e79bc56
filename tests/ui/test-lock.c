/* test-lock.c: the app lock — the carer's PIN, kept as an Argon2id hash,
 * wrong PINs backing off across restarts, and a locked window that holds
 * nothing about clients.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real widgets under Xvfb, a real care log with the test roster (clients
 * Dorothy Evans, Samuel Okafor and Maria Bianchi), a real PIN file.
 */
#include "care-config.h"

#include <glib/gstdio.h>

#include "care-lock-page.h"
#include "care-pin.h"
#include "care-test-util.h"

#define PIN "4711"

static const char *const client_words[] = {
  "Dorothy", "Evans", "Samuel", "Okafor", "Maria", "Bianchi", "Mill Lane", "Station Road", "Church Street",
};

/* Every text in the window's widget tree, the title included. */
static void
collect (GtkWidget *widget,
         GString   *all)
{
  g_autofree char *text = care_test_text_of (widget);

  g_string_append (all, text);
  g_string_append_c (all, '\n');
}

static void
assert_no_client_in (GtkWindow *window)
{
  g_autoptr(GString) all = g_string_new (gtk_window_get_title (window));

  collect (GTK_WIDGET (window), all);
  for (guint i = 0; i < G_N_ELEMENTS (client_words); i++)
    if (strstr (all->str, client_words[i]) != NULL)
      g_error ("The locked window shows “%s”:\n%s", client_words[i], all->str);
}

static gboolean
is_locked (gpointer data)
{
  return care_lock_get_locked (data);
}

static gboolean
is_unlocked (gpointer data)
{
  return !care_lock_get_locked (data);
}

static gboolean
message_settled (gpointer data)
{
  GtkWidget *message = care_test_find (data, "lock-message");
  g_autofree char *text = care_test_text_of (message);

  return gtk_widget_get_visible (message) && strstr (text, "Checking") == NULL;
}

static void
type_pin (CareWindow *window,
          const char *pin)
{
  care_test_set_text (GTK_WIDGET (window), "pin-entry", pin);
  care_test_activate (GTK_WIDGET (window), "pin-button");
}

static char *
make_profile (char **pin_path)
{
  g_autofree char *dir = care_test_tmpdir ();
  char *store = care_test_make_store (dir, TRUE);

  *pin_path = care_pin_path_for_store (store);
  return store;
}

/* The PIN file: a salted Argon2id hash, private, and a back-off counted in
 * it (times are given, so nothing here waits). */
static void
test_pin_file (void)
{
  g_autofree char *pin_path = NULL;
  g_autofree char *store = make_profile (&pin_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 retry_at = 0;
  GStatBuf st;

  g_assert_false (care_pin_is_set (pin_path));
  g_assert_false (care_pin_set (pin_path, NULL, "12a4", &error));
  g_assert_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (care_pin_set (pin_path, NULL, "123", &error));
  g_clear_error (&error);
  g_assert_true (care_pin_set (pin_path, NULL, PIN, &error));
  g_assert_no_error (error);
  g_assert_true (care_pin_is_set (pin_path));

  g_assert_cmpint (g_stat (pin_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (pin_path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "$argon2id$"));
  g_assert_null (strstr (contents, PIN));

  /* Three wrong PINs are free; the fourth waits 30 s, then 1 min … 1 h. */
  g_assert_cmpint (care_pin_delay_after (3), ==, 0);
  g_assert_cmpint (care_pin_delay_after (4), ==, 30 * G_USEC_PER_SEC);
  g_assert_cmpint (care_pin_delay_after (5), ==, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (care_pin_delay_after (40), ==, (gint64) 3600 * G_USEC_PER_SEC);
  for (int i = 0; i < 3; i++)
    {
      g_assert_false (care_pin_check (pin_path, "0000", now, &retry_at, &error));
      g_assert_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WRONG);
      g_assert_cmpint (retry_at, ==, 0);
      g_clear_error (&error);
    }
  g_assert_false (care_pin_check (pin_path, "0000", now, &retry_at, &error));
  g_assert_cmpint (retry_at, ==, now + 30 * G_USEC_PER_SEC);
  g_clear_error (&error);
  /* While waiting, even the right PIN is not tried. */
  g_assert_false (care_pin_check (pin_path, PIN, now + G_USEC_PER_SEC, NULL, &error));
  g_assert_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WAIT);
  g_clear_error (&error);
  g_assert_cmpint (care_pin_retry_at (pin_path), ==, now + 30 * G_USEC_PER_SEC);
  /* Changing the PIN asks for the current one, under the same rules. */
  g_assert_false (care_pin_set (pin_path, PIN, "2468", &error));
  g_assert_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WAIT);
  g_clear_error (&error);
  g_assert_true (care_pin_check (pin_path, PIN, now + 31 * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (care_pin_retry_at (pin_path), ==, 0);
  g_assert_false (care_pin_set (pin_path, "9999", "2468", &error));
  g_assert_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WRONG);
  g_clear_error (&error);
  g_assert_true (care_pin_set (pin_path, PIN, "2468", &error));
  g_assert_true (care_pin_check (pin_path, "2468", g_get_real_time (), NULL, NULL));
  g_assert_false (care_pin_check (pin_path, PIN, g_get_real_time (), NULL, NULL));
  /* Removing it also asks for it. */
  g_assert_true (care_pin_set (pin_path, "2468", NULL, &error));
  g_assert_false (care_pin_is_set (pin_path));
  g_assert_false (g_file_test (pin_path, G_FILE_TEST_EXISTS));
}

/* Locking takes the content out of the window; the right PIN puts the same
 * content back, where the carer was. */
static void
test_lock_and_resume (void)
{
  g_autofree char *pin_path = NULL;
  g_autofree char *store = make_profile (&pin_path);
  CareWindow *window = care_test_window_new (store, 800, 1280);
  CareLock *lock = care_window_get_lock (window);
  GtkWidget *content;
  g_autofree char *view = NULL;
  g_autofree char *before = NULL;

  /* No PIN: nothing locks, "Lock now" is off. */
  g_assert_false (care_lock_get_locked (lock));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "lock.now", NULL)
                  && care_lock_get_locked (lock));
  before = care_test_text_of (GTK_WIDGET (window));
  g_assert_nonnull (strstr (before, "Dorothy Evans"));

  /* The carer sets a PIN through the form. */
  {
    GtkWindow *dialog = care_lock_show_set_pin (lock);

    care_test_set_text (GTK_WIDGET (dialog), "pin-entry", PIN);
    care_test_set_text (GTK_WIDGET (dialog), "pin-repeat", "4712");
    care_test_activate (GTK_WIDGET (dialog), "pin-button");
    care_test_wait (message_settled, dialog, 10, "the PINs to be compared");
    g_assert_false (care_pin_is_set (pin_path));
    care_test_set_text (GTK_WIDGET (dialog), "pin-entry", PIN);
    care_test_set_text (GTK_WIDGET (dialog), "pin-repeat", PIN);
    care_test_activate (GTK_WIDGET (dialog), "pin-button");
    while (!care_pin_is_set (pin_path))
      g_main_context_iteration (NULL, TRUE);
  }

  care_window_set_view (window, "hours");
  view = g_strdup (care_window_get_view (window));
  content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "lock.now", NULL));
  g_assert_true (care_lock_get_locked (lock));
  g_assert_true (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)) != content);
  care_test_settle (GTK_WIDGET (window));
  assert_no_client_in (GTK_WINDOW (window));

  type_pin (window, "1234");
  care_test_wait (message_settled, window, 10, "the wrong PIN to be checked");
  g_assert_true (care_lock_get_locked (lock));
  {
    g_autofree char *text = care_test_text_of (care_test_find (GTK_WIDGET (window), "lock-message"));
    g_assert_nonnull (strstr (text, "not right"));
  }
  type_pin (window, PIN);
  care_test_wait (is_unlocked, lock, 10, "the right PIN to unlock");
  g_assert_true (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)) == content);
  g_assert_cmpstr (care_window_get_view (window), ==, view);
  care_test_window_destroy (window);
}

/* A profile with a PIN opens locked; wrong PINs back off, and a restart
 * does not reset the count. */
static void
test_backoff_survives_restart (void)
{
  g_autofree char *pin_path = NULL;
  g_autofree char *store = make_profile (&pin_path);
  CareWindow *window;
  GtkWidget *entry;

  g_assert_true (care_pin_set (pin_path, NULL, PIN, NULL));
  window = care_test_window_new (store, 360, 640);
  g_assert_true (care_lock_get_locked (care_window_get_lock (window)));
  assert_no_client_in (GTK_WINDOW (window));
  for (int i = 0; i < 4; i++)
    {
      type_pin (window, "0000");
      care_test_wait (message_settled, window, 10, "a wrong PIN to be checked");
    }
  entry = care_test_find (GTK_WIDGET (window), "pin-entry");
  g_assert_false (gtk_widget_get_sensitive (entry));
  {
    g_autofree char *text = care_test_text_of (care_test_find (GTK_WIDGET (window), "lock-message"));
    g_assert_nonnull (strstr (text, "Too many wrong PINs"));
  }
  care_test_window_destroy (window);

  window = care_test_window_new (store, 360, 640);
  g_assert_true (care_lock_get_locked (care_window_get_lock (window)));
  g_assert_false (gtk_widget_get_sensitive (care_test_find (GTK_WIDGET (window), "pin-entry")));
  g_assert_cmpint (care_pin_retry_at (pin_path), >, g_get_real_time ());
  assert_no_client_in (GTK_WINDOW (window));
  care_test_window_destroy (window);
}

/* Left alone past the idle time, the window locks by itself. */
static void
test_idle_lock (void)
{
  g_autofree char *pin_path = NULL;
  g_autofree char *store = make_profile (&pin_path);
  CareWindow *window = care_test_window_new (store, 800, 1280);
  CareLock *lock = care_window_get_lock (window);

  g_assert_false (care_lock_get_locked (lock));
  /* No PIN: idle does nothing. */
  care_lock_set_idle_seconds (lock, 1);
  care_test_settle (GTK_WIDGET (window));
  g_usleep (1200 * 1000);
  care_test_settle (GTK_WIDGET (window));
  g_assert_false (care_lock_get_locked (lock));

  g_assert_true (care_pin_set (pin_path, NULL, PIN, NULL));
  care_lock_set_idle_seconds (lock, 0);
  care_lock_set_idle_seconds (lock, 1);
  care_test_wait (is_locked, lock, 10, "the idle lock");
  assert_no_client_in (GTK_WINDOW (window));
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  g_test_add_func ("/lock/pin-file", test_pin_file);
  g_test_add_func ("/lock/lock-and-resume", test_lock_and_resume);
  g_test_add_func ("/lock/backoff-survives-restart", test_backoff_survives_restart);
  g_test_add_func ("/lock/idle", test_idle_lock);
  return g_test_run ();
}
