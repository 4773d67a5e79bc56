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
#include "care-bench.h"
#include "care-sync-monitor.h"
#include "care-window.h"

struct _CareApplication
{
  AdwApplication parent_instance;

  char *profile;
  char *store_path;
  CareSyncMonitor *sync_monitor; /* the app's one connection to the daemon */
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

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (application);
  const char *developers[] = { _("The Carelog developers"), NULL };

  /* AdwAboutDialog (libadwaita 1.5) replaces AdwAboutWindow; both have
   * these properties. */
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();
#else
  GtkWidget *about = adw_about_window_new ();
#endif

  g_object_set (about,
                "application-name", _("Carelog"),
                "application-icon", APPLICATION_ID,
                "developer-name", _("The Carelog developers"),
                "version", PACKAGE_VERSION,
                "website", "https://carelog.coop/",
                "issue-url", "https://carelog.coop/issues",
                "license-type", GTK_LICENSE_GPL_3_0,
                "copyright", "© 2026 The Carelog developers",
                "developers", developers,
                /* Translators: your names, one a line, shown in About Carelog. */
                "translator-credits", _("translator-credits"),
                NULL);
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (about, window != NULL ? GTK_WIDGET (window) : NULL);
#else
  gtk_window_set_transient_for (GTK_WINDOW (about), window);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
#endif
}

/* Closes every window: each one's state is already in GSettings (bound),
 * and nothing a carer saved is ever held back in a window. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GList *windows;

  while ((windows = gtk_application_get_windows (application)) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
}

/* The window's size and maximised state follow GSettings both ways. */
static void
bind_window_state (CareWindow *window,
                   GSettings  *settings)
{
  g_settings_bind (settings, "window-width", window, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", window, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", window, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
care_application_startup (GApplication *application)
{
  static const GActionEntry actions[] = {
    { "about", about_action, NULL, NULL, NULL, { 0 } },
    { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  };
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (care_application_parent_class)->startup (application);
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
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
  care_bench_mark ("activate");
  if (self->sync_monitor == NULL)
    self->sync_monitor = care_sync_monitor_new ();
  window = g_object_new (CARE_TYPE_WINDOW,
                         "application", application,
                         "profile", profile,
                         "store-path", self->store_path,
                         "sync-monitor", self->sync_monitor,
                         NULL);
  care_bench_mark ("window-built");
  if (settings != NULL)
    {
      bind_window_state (window, settings);
      if (profile != NULL)
        g_settings_set_string (settings, "last-profile", profile);
    }
  g_signal_connect (window, "profile-changed", G_CALLBACK (profile_changed_cb), NULL);
  /* Flatpak: keep the sync daemon running (Background portal, autostart). */
  care_background_request (window);
  care_bench_watch (window);
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

  g_clear_object (&self->sync_monitor);
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
  app_class->startup = care_application_startup;
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
  care_bench_start ();
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

void
care_application_choose_renderer (void)
{
  /* Without a GPU (no /dev/dri, as in a CPU-only kiosk or a sandbox not
   * given the device), GTK 4.8's GL renderer runs on llvmpipe: libLLVM
   * and a software GL stack add about 70 MB resident and draw on the CPU.
   * Cairo draws this app's flat widgets for less. A GSK_RENDERER the user
   * or the session set is kept. */
  if (g_getenv ("GSK_RENDERER") == NULL && !g_file_test ("/dev/dri", G_FILE_TEST_IS_DIR))
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
}
