/* care-bench.c: the start-up benchmark's timing points.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <stdlib.h>
#include <string.h>

#include "care-bench.h"

static gint64 start_us;

static long
status_kb (const char *status,
           const char *field)
{
  const char *line = status != NULL ? strstr (status, field) : NULL;

  return line != NULL ? strtol (line + strlen (field), NULL, 10) : -1;
}

/* Resident memory, and where it is: the heap and other anonymous memory,
 * mapped files (the libraries: libLLVM under llvmpipe) and shared memory
 * (the X server's shared images). One read of /proc/self/status. */
static void
print_resident (void)
{
  g_autofree char *status = NULL;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  g_print ("rss-kb %ld\n", status_kb (status, "VmRSS:"));
  g_print ("rss-anon-kb %ld\nrss-file-kb %ld\nrss-shmem-kb %ld\n", status_kb (status, "RssAnon:"),
           status_kb (status, "RssFile:"), status_kb (status, "RssShmem:"));
}

static void
visit_painted_cb (GdkFrameClock *clock,
                  CareWindow    *window)
{
  g_signal_handlers_disconnect_by_func (clock, visit_painted_cb, window);
  care_bench_mark ("visit-drawn");
  print_resident ();
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_visit_frame_cb (gpointer data)
{
  CareWindow *window = data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_signal_connect (clock, "after-paint", G_CALLBACK (visit_painted_cb), window);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

static void
first_painted_cb (GdkFrameClock *clock,
                  CareWindow    *window)
{
  const char *visit = g_getenv ("CARELOG_BENCH_VISIT");

  g_signal_handlers_disconnect_by_func (clock, first_painted_cb, window);
  care_bench_mark ("first-frame");
  if (visit != NULL)
    care_window_open_visit (window, visit);
  /* Wait for the next frame, not the end of this one. */
  g_idle_add_once (wait_visit_frame_cb, window);
}

static void
ready_cb (CareWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  care_bench_mark ("store-ready");
  g_signal_connect (clock, "after-paint", G_CALLBACK (first_painted_cb), window);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

void
care_bench_start (void)
{
  if (g_getenv ("CARELOG_BENCH") != NULL)
    start_us = g_get_monotonic_time ();
}

void
care_bench_mark (const char *what)
{
  if (start_us != 0)
    g_print ("%s-ms %.1f\n", what, (g_get_monotonic_time () - start_us) / 1000.0);
}

void
care_bench_watch (CareWindow *window)
{
  if (start_us != 0)
    g_signal_connect (window, "ready", G_CALLBACK (ready_cb), NULL);
}
