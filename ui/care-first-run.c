/* care-first-run.c: enrol this tablet, or try the demo.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Enrolment is the sync daemon's job (it holds the device key): this page
 * hands it the co-ordinator's line over D-Bus and explains what went wrong.
 */
#include "care-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "care-first-run.h"
#include "care-sync-monitor.h"

struct _CareFirstRun
{
  AdwBin parent_instance;

  AdwEntryRow *address_row;
  AdwEntryRow *code_row;
  AdwEntryRow *text_row;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  GtkButton *enrol_button;

  GCancellable *cancellable;
  CareSyncMonitor *monitor;
  char *line;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (CareFirstRun, care_first_run, ADW_TYPE_BIN)

enum {
  SIGNAL_DEMO_REQUESTED,
  SIGNAL_ENROLLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (CareFirstRun *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "first-run.enrol", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "first-run.demo", !busy);
}

static void
show_error (CareFirstRun *self,
            const char   *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
enrol_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CareFirstRun) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = NULL;

  set_busy (self, FALSE);
  profile = care_sync_monitor_enrol_finish (CARE_SYNC_MONITOR (source), result, &error);
  if (error != NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
          || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
          || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED)
          || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED))
        message = g_strdup (_("The sync service is not available on this tablet, so it cannot be enrolled now. Restart the tablet; if this keeps happening, reinstall Carelog. You can try the demo meanwhile."));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
               || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
        message = g_strdup (_("The co-op server did not answer in time. Check that the tablet is connected to a network and try again."));
      else
        {
          g_dbus_error_strip_remote_error (error);
          message = g_strdup_printf (_("Enrolment failed: %s"), error->message);
        }
      show_error (self, message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_ENROLLED], 0, profile);
}

static void
enrol_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CareFirstRun *self = CARE_FIRST_RUN (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (self->busy)
    return;
  line = care_first_run_build_line (gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                                    gtk_editable_get_text (GTK_EDITABLE (self->code_row)),
                                    gtk_editable_get_text (GTK_EDITABLE (self->text_row)),
                                    &error);
  if (line == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_free (self->line);
  self->line = g_steal_pointer (&line);
  if (self->monitor == NULL)
    {
      show_error (self, _("The sync service is not available on this tablet, so it cannot be enrolled now. Restart the tablet; if this keeps happening, reinstall Carelog. You can try the demo meanwhile."));
      return;
    }
  set_busy (self, TRUE);
  care_sync_monitor_enrol (self->monitor, self->line, g_get_host_name (), self->cancellable,
                           enrol_ready_cb, g_object_ref (self));
}

static void
demo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareFirstRun *self = CARE_FIRST_RUN (widget);

  if (self->busy)
    return;
  g_signal_emit (self, signals[SIGNAL_DEMO_REQUESTED], 0);
}

static void
care_first_run_dispose (GObject *object)
{
  CareFirstRun *self = CARE_FIRST_RUN (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (care_first_run_parent_class)->dispose (object);
}

static void
care_first_run_finalize (GObject *object)
{
  CareFirstRun *self = CARE_FIRST_RUN (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->monitor);
  g_free (self->line);
  G_OBJECT_CLASS (care_first_run_parent_class)->finalize (object);
}

static void
care_first_run_class_init (CareFirstRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_first_run_dispose;
  object_class->finalize = care_first_run_finalize;

  signals[SIGNAL_DEMO_REQUESTED] =
    g_signal_new ("demo-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The argument is the profile the sync daemon serves (may be empty). */
  signals[SIGNAL_ENROLLED] =
    g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-first-run.ui");
  gtk_widget_class_bind_template_child (widget_class, CareFirstRun, address_row);
  gtk_widget_class_bind_template_child (widget_class, CareFirstRun, code_row);
  gtk_widget_class_bind_template_child (widget_class, CareFirstRun, text_row);
  gtk_widget_class_bind_template_child (widget_class, CareFirstRun, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareFirstRun, spinner);
  gtk_widget_class_bind_template_child (widget_class, CareFirstRun, enrol_button);
  gtk_widget_class_install_action (widget_class, "first-run.enrol", NULL, enrol_action);
  gtk_widget_class_install_action (widget_class, "first-run.demo", NULL, demo_action);
}

static void
care_first_run_init (CareFirstRun *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

char *
care_first_run_build_line (const char *address,
                           const char *code,
                           const char *text,
                           GError    **error)
{
  g_autofree char *address_s = g_strstrip (g_strdup (address != NULL ? address : ""));
  g_autofree char *code_s = g_strstrip (g_strdup (code != NULL ? code : ""));
  g_autofree char *text_s = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*text_s)
    {
      if (!g_str_has_prefix (text_s, "carelog:"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The enrolment text starts with “carelog:”. Copy all of it from the message your co-ordinator sent, or type the server address and the code instead."));
          return NULL;
        }
      return g_steal_pointer (&text_s);
    }
  if (!*address_s && !*code_s)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Type the co-op server address and the enrolment code your co-ordinator gave you, or paste the enrolment text."));
      return NULL;
    }
  if (!*address_s)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Type the co-op server address too, for example https://care.example.coop."));
      return NULL;
    }
  if (!*code_s)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Type the enrolment code your co-ordinator gave you."));
      return NULL;
    }
  if (strchr (code_s, ':') != NULL || strchr (code_s, ' ') != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The enrolment code has no spaces or colons: check that it was typed as given."));
      return NULL;
    }
  if (!g_str_has_prefix (address_s, "https://") && !g_str_has_prefix (address_s, "http://"))
    {
      char *with_scheme = g_strconcat ("https://", address_s, NULL);

      g_free (address_s);
      address_s = with_scheme;
    }
  while (g_str_has_suffix (address_s, "/"))
    address_s[strlen (address_s) - 1] = '\0';
  /* Without the certificate pin of the full text, the daemon checks the
   * server's certificate the usual way. */
  return g_strdup_printf ("carelog:1:%s:%s:", address_s, code_s);
}

void
care_first_run_set_monitor (CareFirstRun    *self,
                            CareSyncMonitor *monitor)
{
  g_return_if_fail (CARE_IS_FIRST_RUN (self));

  g_set_object (&self->monitor, monitor);
}
