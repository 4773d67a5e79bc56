/* care-application.c: the Carelog application.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Options: --profile NAME (or CARELOG_PROFILE) opens that profile's store;
 * --store PATH opens a store file directly (tests, support). Several
 * instances may run for different profiles, so the application is
 * NON_UNIQUE.
 */
#include "care-config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "care-application.h"
#include "care-background.h"
#include "care-window.h"

struct _CareApplication
{
  AdwApplication parent_instance;

  char *profile;
  char *store_path;
};

G_DEFINE_FINAL_TYPE (CareApplication, care_application, ADW_TYPE_APPLICATION)

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "last-profile"))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
profile_changed_cb (CareWindow *window,
                    const char *profile)
{
  g_autoptr(GSettings) settings = settings_new_if_installed ();

  if (settings != NULL && profile != NULL)
    g_settings_set_string (settings, "last-profile", profile);
}

static gboolean
close_request_cb (CareWindow *window)
{
  g_autoptr(GSettings) settings = settings_new_if_installed ();
  int width, height;

  if (settings == NULL)
    return FALSE;
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (window)));
  if (!gtk_window_is_maximized (GTK_WINDOW (window)))
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  return FALSE;
}

/* CARELOG_BENCH=1 (the startup benchmark): print when the first frame
 * showing the opened store has been drawn, then open the visit named by
 * CARELOG_BENCH_VISIT, print the resident memory once it is drawn, quit. */
static gint64 bench_start_us;

static long
resident_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static void
bench_visit_painted_cb (GdkFrameClock *clock,
                        CareWindow    *window)
{
  g_signal_handlers_disconnect_by_func (clock, bench_visit_painted_cb, window);
  g_print ("visit-drawn-ms %.1f\nrss-kb %ld\n",
           (g_get_monotonic_time () - bench_start_us) / 1000.0, resident_kb ());
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
}

static void
bench_wait_visit_frame_cb (gpointer data)
{
  CareWindow *window = data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_visit_painted_cb), window);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

static void
bench_first_painted_cb (GdkFrameClock *clock,
                        CareWindow    *window)
{
  const char *visit = g_getenv ("CARELOG_BENCH_VISIT");

  g_signal_handlers_disconnect_by_func (clock, bench_first_painted_cb, window);
  g_print ("first-frame-ms %.1f\n", (g_get_monotonic_time () - bench_start_us) / 1000.0);
  if (visit != NULL)
    care_window_open_visit (window, visit);
  /* Wait for the next frame, not the end of this one. */
  g_idle_add_once (bench_wait_visit_frame_cb, window);
}

static void
bench_ready_cb (CareWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_print ("store-ready-ms %.1f\n", (g_get_monotonic_time () - bench_start_us) / 1000.0);
  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_first_painted_cb), window);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

static void
care_application_activate (GApplication *application)
{
  CareApplication *self = CARE_APPLICATION (application);
  g_autoptr(GSettings) settings = settings_new_if_installed ();
  g_autofree char *profile = NULL;
  CareWindow *window;

  if (self->store_path == NULL)
    profile = self->profile != NULL ? g_strdup (self->profile) : care_application_default_profile ();
  if (bench_start_us != 0)
    g_print ("activate-ms %.1f\n", (g_get_monotonic_time () - bench_start_us) / 1000.0);
  window = care_window_new (GTK_APPLICATION (application), profile, self->store_path);
  if (bench_start_us != 0)
    g_print ("window-built-ms %.1f\n", (g_get_monotonic_time () - bench_start_us) / 1000.0);
  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (window),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (window));
      if (profile != NULL)
        g_settings_set_string (settings, "last-profile", profile);
    }
  g_signal_connect (window, "profile-changed", G_CALLBACK (profile_changed_cb), NULL);
  g_signal_connect (window, "close-request", G_CALLBACK (close_request_cb), NULL);
  /* Flatpak: keep the sync daemon running (Background portal, autostart). */
  care_background_request (window);
  if (bench_start_us != 0)
    g_signal_connect (window, "ready", G_CALLBACK (bench_ready_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static int
care_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  CareApplication *self = CARE_APPLICATION (application);
  const char *value = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("carelog %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "profile", "&s", &value))
    {
      if (*value == '\0' || strchr (value, '/') != NULL || value[0] == '.')
        {
          g_printerr (_("“%s” is not a profile name: use letters, digits and dashes.\n"), value);
          return 2;
        }
      self->profile = g_strdup (value);
    }
  if (g_variant_dict_lookup (options, "store", "^&ay", &value))
    self->store_path = g_canonicalize_filename (value, NULL);
  return -1;
}

static void
care_application_finalize (GObject *object)
{
  CareApplication *self = CARE_APPLICATION (object);

  g_free (self->profile);
  g_free (self->store_path);
  G_OBJECT_CLASS (care_application_parent_class)->finalize (object);
}

static void
care_application_class_init (CareApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = care_application_finalize;
  app_class->activate = care_application_activate;
  app_class->handle_local_options = care_application_handle_local_options;
}

static void
care_application_init (CareApplication *self)
{
  static const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, NULL,
      N_("Open this profile (default: the last one used)"), N_("NAME") },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open this store file instead of a profile's"), N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

CareApplication *
care_application_new (void)
{
  if (g_getenv ("CARELOG_BENCH") != NULL)
    bench_start_us = g_get_monotonic_time ();

  return g_object_new (CARE_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/coop/carelog/Carelog",
                       NULL);
}

char *
care_application_default_profile (void)
{
  const char *env = g_getenv ("CARELOG_PROFILE");
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *last = NULL;

  if (env != NULL && *env)
    return g_strdup (env);
  settings = settings_new_if_installed ();
  if (settings != NULL)
    last = g_settings_get_string (settings, "last-profile");
  if (last != NULL && *last)
    return g_steal_pointer (&last);
  return g_strdup ("default");
}

void
care_application_init_i18n (void)
{
  const char *localedir = g_getenv ("CARELOG_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
