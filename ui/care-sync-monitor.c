/* care-sync-monitor.c: the application's one connection to the sync daemon.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns the only proxy for coop.carelog.Carelog.Sync. Widgets observe it:
 * "changed" when the daemon's state (its properties, whether it runs)
 * changes, "store-changed" when the daemon wrote to the store, and the
 * "available" and "progress" properties; and what the Background portal
 * answered ("background-status", "background-message"), which the sync
 * indicator shows.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-sync-monitor.h"

#define SYNC_OBJECT_PATH "/coop/carelog/Carelog/Sync"
#define ENROL_TIMEOUT_MS (90 * 1000)

struct _CareSyncMonitor
{
  GObject parent_instance;

  GCancellable *cancellable;
  CareDbusSync *proxy;
  char *progress;
  gboolean available;
  CareBackgroundStatus background_status;
  char *background_message;
};

G_DEFINE_FINAL_TYPE (CareSyncMonitor, care_sync_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AVAILABLE,
  PROP_PROGRESS,
  PROP_BACKGROUND_STATUS,
  PROP_BACKGROUND_MESSAGE,
  PROP_HAS_BACKGROUND_MESSAGE,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_STORE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_progress (CareSyncMonitor *self,
              char            *progress)
{
  if (g_strcmp0 (self->progress, progress) == 0)
    {
      g_free (progress);
      return;
    }
  g_free (self->progress);
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
update_available (CareSyncMonitor *self)
{
  g_autofree char *owner = self->proxy != NULL
                           ? g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->proxy)) : NULL;
  gboolean available = owner != NULL;

  if (available == self->available)
    return;
  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
properties_changed_cb (GDBusProxy      *proxy,
                       GVariant        *changed,
                       GStrv            invalidated,
                       CareSyncMonitor *self)
{
  if (g_strcmp0 (care_dbus_sync_get_state (self->proxy), "syncing") != 0)
    set_progress (self, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
name_owner_cb (GObject         *proxy,
               GParamSpec      *pspec,
               CareSyncMonitor *self)
{
  update_available (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
progress_cb (CareDbusSync    *proxy,
             const char      *phase,
             gint64           done,
             gint64           total,
             CareSyncMonitor *self)
{
  gboolean push = g_strcmp0 (phase, "push") == 0;

  if (total > 0)
    set_progress (self, g_strdup_printf (push ? _("Sending %d of %d…") : _("Receiving %d of %d…"),
                                         (int) done, (int) total));
  else
    set_progress (self, g_strdup (push ? _("Sending…") : _("Receiving…")));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
store_changed_cb (CareDbusSync    *proxy,
                  CareSyncMonitor *self)
{
  g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0);
}

static void
proxy_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CareSyncMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  CareDbusSync *proxy = care_dbus_sync_proxy_new_for_bus_finish (result, &error);

  if (proxy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Sync service not available: %s", error->message);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  self->proxy = proxy;
  g_signal_connect_object (proxy, "g-properties-changed", G_CALLBACK (properties_changed_cb), self, 0);
  g_signal_connect_object (proxy, "notify::g-name-owner", G_CALLBACK (name_owner_cb), self, 0);
  g_signal_connect_object (proxy, "progress", G_CALLBACK (progress_cb), self, 0);
  g_signal_connect_object (proxy, "store-changed", G_CALLBACK (store_changed_cb), self, 0);
  update_available (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
call_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

/* Calls a method of the daemon; without a proxy, says the service is not
 * there (as D-Bus would). */
static void
call (CareSyncMonitor     *self,
      const char          *method,
      GVariant            *parameters,
      int                  timeout_ms,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data,
      gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->proxy == NULL)
    {
      g_variant_unref (g_variant_ref_sink (parameters));
      g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN,
                               _("The sync service is not available on this tablet."));
      return;
    }
  g_dbus_proxy_call (G_DBUS_PROXY (self->proxy), method, parameters, G_DBUS_CALL_FLAGS_NONE,
                     timeout_ms, cancellable, call_ready_cb, g_steal_pointer (&task));
}

static void
care_sync_monitor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareSyncMonitor *self = CARE_SYNC_MONITOR (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_PROGRESS:
      g_value_set_string (value, self->progress);
      break;
    case PROP_BACKGROUND_STATUS:
      g_value_set_int (value, self->background_status);
      break;
    case PROP_BACKGROUND_MESSAGE:
      g_value_set_string (value, self->background_message);
      break;
    case PROP_HAS_BACKGROUND_MESSAGE:
      g_value_set_boolean (value, self->background_message != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_sync_monitor_dispose (GObject *object)
{
  CareSyncMonitor *self = CARE_SYNC_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->proxy);
  G_OBJECT_CLASS (care_sync_monitor_parent_class)->dispose (object);
}

static void
care_sync_monitor_finalize (GObject *object)
{
  CareSyncMonitor *self = CARE_SYNC_MONITOR (object);

  g_clear_object (&self->cancellable);
  g_free (self->progress);
  g_free (self->background_message);
  G_OBJECT_CLASS (care_sync_monitor_parent_class)->finalize (object);
}

static void
care_sync_monitor_class_init (CareSyncMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = care_sync_monitor_get_property;
  object_class->dispose = care_sync_monitor_dispose;
  object_class->finalize = care_sync_monitor_finalize;

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS] =
    g_param_spec_string ("progress", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* A CareBackgroundStatus */
  properties[PROP_BACKGROUND_STATUS] =
    g_param_spec_int ("background-status", NULL, NULL, 0, G_MAXINT, CARE_BACKGROUND_NOT_NEEDED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BACKGROUND_MESSAGE] =
    g_param_spec_string ("background-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_BACKGROUND_MESSAGE] =
    g_param_spec_boolean ("has-background-message", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STORE_CHANGED] =
    g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
care_sync_monitor_init (CareSyncMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  care_dbus_sync_proxy_new_for_bus (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                    SYNC_BUS_NAME, SYNC_OBJECT_PATH, self->cancellable,
                                    proxy_ready_cb, g_object_ref (self));
}

CareSyncMonitor *
care_sync_monitor_new (void)
{
  return g_object_new (CARE_TYPE_SYNC_MONITOR, NULL);
}

CareDbusSync *
care_sync_monitor_get_proxy (CareSyncMonitor *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_MONITOR (self), NULL);

  return self->proxy;
}

gboolean
care_sync_monitor_get_available (CareSyncMonitor *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_MONITOR (self), FALSE);

  return self->available;
}

const char *
care_sync_monitor_get_progress (CareSyncMonitor *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_MONITOR (self), NULL);

  return self->progress;
}

void
care_sync_monitor_sync_now (CareSyncMonitor     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CARE_IS_SYNC_MONITOR (self));

  call (self, "SyncNow", g_variant_new ("()"), -1, cancellable, callback, user_data,
        care_sync_monitor_sync_now);
}

gboolean
care_sync_monitor_sync_now_finish (CareSyncMonitor  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_autoptr(GVariant) reply = g_task_propagate_pointer (G_TASK (result), error);

  return reply != NULL;
}

void
care_sync_monitor_enrol (CareSyncMonitor     *self,
                         const char          *line,
                         const char          *device_name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (CARE_IS_SYNC_MONITOR (self));

  call (self, "Enrol", g_variant_new ("(ss)", line, device_name), ENROL_TIMEOUT_MS,
        cancellable, callback, user_data, care_sync_monitor_enrol);
}

char *
care_sync_monitor_enrol_finish (CareSyncMonitor  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_autoptr(GVariant) reply = g_task_propagate_pointer (G_TASK (result), error);

  if (reply == NULL)
    return NULL;
  /* The daemon's Profile property names the profile it enrolled. */
  return care_dbus_sync_dup_profile (self->proxy);
}

void
care_sync_monitor_set_background (CareSyncMonitor      *self,
                                  CareBackgroundStatus  status,
                                  const char           *message)
{
  g_return_if_fail (CARE_IS_SYNC_MONITOR (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->background_status != status)
    {
      self->background_status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_STATUS]);
    }
  if (g_strcmp0 (self->background_message, message) != 0)
    {
      gboolean had = self->background_message != NULL;

      g_free (self->background_message);
      self->background_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_MESSAGE]);
      if (had != (message != NULL))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_BACKGROUND_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

CareBackgroundStatus
care_sync_monitor_get_background_status (CareSyncMonitor *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_MONITOR (self), CARE_BACKGROUND_NOT_NEEDED);

  return self->background_status;
}

const char *
care_sync_monitor_get_background_message (CareSyncMonitor *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_MONITOR (self), NULL);

  return self->background_message;
}
