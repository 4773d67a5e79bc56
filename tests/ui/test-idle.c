/* test-idle.c: a window left alone does nothing. It draws no frame and the
 * main loop sleeps (a minute-level clock aside, aligned to the minute), on
 * every screen a carer or a co-ordinator leaves open.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counts, not times: frames drawn ("after-paint" on the window's frame
 * clock) and main-loop wake-ups (calls of the main context's poll function)
 * over a few seconds with nothing happening.
 */
#include "care-config.h"

#include "care-demo.h"
#include "care-test-util.h"
#include "care-ui-util.h"

#define IDLE_SECONDS 3
#define QUIET_SECONDS 3

static GPollFunc real_poll;
static guint polls;

static int
counting_poll (GPollFD *fds,
               guint    n_fds,
               int      timeout)
{
  polls++;
  return real_poll (fds, n_fds, timeout);
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *frames)
{
  (*frames)++;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  guint frames;
  gint64 last_frame_us;
} Quiet;

static void
quiet_paint_cb (GdkFrameClock *clock,
                Quiet         *quiet)
{
  quiet->frames++;
  quiet->last_frame_us = g_get_monotonic_time ();
}

static gboolean
has_quietened (gpointer data)
{
  Quiet *quiet = data;

  return g_get_monotonic_time () - quiet->last_frame_us > QUIET_SECONDS * G_USEC_PER_SEC;
}

/* What a screen does once after it is shown (a list filling in, overlay
 * scrollbars fading out two seconds after the content changed) ends: waits
 * until no frame has been drawn for QUIET_SECONDS. An animation that never
 * ends fails here. */
static void
wait_quiet (CareWindow *window,
            const char *what)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  Quiet quiet = { 0, g_get_monotonic_time () };
  g_autofree char *waiting = g_strdup_printf ("%s to stop drawing", what);
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (quiet_paint_cb), &quiet);

  care_test_wait (has_quietened, &quiet, 30, waiting);
  g_signal_handler_disconnect (clock, handler);
  g_test_message ("%s: %u frames drawn before it was quiet", what, quiet.frames);
}

/* Runs the main loop for IDLE_SECONDS and says how many frames the window
 * drew and how many times the loop woke. */
static void
measure_idle (CareWindow *window,
              guint      *frames,
              guint      *wakes)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gulong handler;

  care_test_settle (GTK_WIDGET (window));
  *frames = 0;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), frames);
  real_poll = g_main_context_get_poll_func (NULL);
  polls = 0;
  g_main_context_set_poll_func (NULL, counting_poll);
  g_timeout_add_seconds (IDLE_SECONDS, quit_cb, loop);
  g_main_loop_run (loop);
  g_main_context_set_poll_func (NULL, real_poll);
  g_signal_handler_disconnect (clock, handler);
  *wakes = polls;
}

static gboolean
minute_has_begun (gpointer data)
{
  return g_get_real_time () / G_USEC_PER_SEC / 60 != *(gint64 *) data;
}

/* The window's clock moves once a minute, at the start of the minute: the
 * measurement is made within one minute, after that update if a minute is
 * about to begin. One wake-up is the test's own timer; one more is
 * tolerated (nothing else may wake the loop). */
static void
assert_idle (CareWindow *window,
             const char *what)
{
  guint frames, wakes;
  gint64 now_s;

  wait_quiet (window, what);
  now_s = g_get_real_time () / G_USEC_PER_SEC;
  if (now_s % 60 >= 60 - IDLE_SECONDS - 1)
    {
      gint64 minute = now_s / 60;

      care_test_wait (minute_has_begun, &minute, 30, "the next minute");
      wait_quiet (window, what);
    }
  measure_idle (window, &frames, &wakes);
  g_test_message ("%s: %u frames, %u main-loop wake-ups in %d s", what, frames, wakes, IDLE_SECONDS);
  if (frames != 0 || wakes > 2)
    g_error ("%s is not idle: %u frames drawn and %u main-loop wake-ups in %d s with nothing happening",
             what, frames, wakes, IDLE_SECONDS);
}

static void
test_carer (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  CareWindow *window = care_test_window_new (path, 800, 1280);
  GtkWidget *root = GTK_WIDGET (window);

  g_assert_cmpstr (care_window_get_screen (window), ==, "home");
  assert_idle (window, "Today");

  /* A visit in progress shows how long it has run: the minute clock. */
  care_test_activate_row (root, "visits-list", 1);
  care_test_activate (root, "check-in");
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  assert_idle (window, "A visit in progress");

  gtk_widget_activate_action (root, "win.back", NULL);
  care_window_set_view (window, "hours");
  assert_idle (window, "Hours");
  care_test_window_destroy (window);
}

static void
test_first_run (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_empty_store (dir);
  CareWindow *window = care_test_window_new (path, 800, 1280);

  g_assert_cmpstr (care_window_get_screen (window), ==, "first-run");
  assert_idle (window, "The first-run screen");
  care_test_window_destroy (window);
}

static gboolean
has_view (gpointer data)
{
  return care_window_get_view (data) != NULL;
}

static void
test_coordinator (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_supervisor_store (dir);
  CareWindow *window;

  window = care_test_window_new (path, 1280, 800);
  care_test_wait (has_view, window, 30, "a view");
  care_window_set_view (window, "review");
  assert_idle (window, "The review page");
  care_window_set_view (window, "timesheets");
  assert_idle (window, "The timesheets page");
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  /* gtk_test_init turns animations off; a tablet has them on. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  g_test_add_func ("/ui/idle/carer", test_carer);
  g_test_add_func ("/ui/idle/first-run", test_first_run);
  g_test_add_func ("/ui/idle/coordinator", test_coordinator);
  return g_test_run ();
}
