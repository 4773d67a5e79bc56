/* care-sync-indicator.c: the header's sync state, from the sync daemon.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It observes the application's CareSyncMonitor (which owns the D-Bus
 * proxy). When the daemon does not run, the indicator says so and still
 * shows what waits in this profile's outbox: the records are safe on the
 * tablet either way.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-sync-indicator.h"
#include "care-sync-monitor.h"
#include "care-ui-util.h"

struct _CareSyncIndicator
{
  AdwBin parent_instance;

  GtkMenuButton *button;
  GtkImage *icon;
  GtkLabel *summary_label;
  GtkLabel *state_label;
  GtkLabel *waiting_label;
  GtkLabel *last_label;
  GtkLabel *problem_label;

  GCancellable *cancellable;
  CareSyncMonitor *monitor;
  CareDbusSync *proxy; /* the monitor's, while update() runs */
  CareStore *store;
  char *summary;
  gint64 pending;
  gboolean compact;
};

G_DEFINE_FINAL_TYPE (CareSyncIndicator, care_sync_indicator, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
proxy_available (CareSyncIndicator *self)
{
  return self->monitor != NULL && care_sync_monitor_get_available (self->monitor);
}

static gint64
local_pending (CareSyncIndicator *self,
               gint64            *quarantined)
{
  CareOutboxCounts counts = { 0 };

  *quarantined = 0;
  if (self->store == NULL || !care_store_get_outbox_counts (self->store, &counts, NULL))
    return 0;
  *quarantined = counts.quarantined;
  return counts.pending;
}

/* summary: the state in a few words; compact_summary: in fewer still, for
 * a phone's header (NULL: the same). */
static void
set_summary (CareSyncIndicator *self,
             const char        *icon_name,
             const char        *summary,
             const char        *compact_summary)
{
  g_free (self->summary);
  self->summary = g_strdup (summary);
  gtk_image_set_from_icon_name (self->icon, icon_name);
  /* Narrow windows say it in words too, only shorter: a bare number or a
   * tick does not say whether a record reached the co-op. */
  gtk_label_set_label (self->summary_label,
                       self->compact && compact_summary != NULL ? compact_summary : summary);
  /* The header bar hands end widgets their minimum: make it the whole text. */
  gtk_label_set_width_chars (self->summary_label, -1);
  gtk_label_set_ellipsize (self->summary_label, PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), TRUE);
  /* On a phone the words take the icon's place, on two short lines. */
  gtk_widget_set_visible (GTK_WIDGET (self->icon), !self->compact);
  gtk_label_set_wrap (self->summary_label, self->compact);
  gtk_label_set_justify (self->summary_label, GTK_JUSTIFY_CENTER);
  if (self->compact)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "caption");
      gtk_widget_add_css_class (GTK_WIDGET (self->button), "compact");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "caption");
      gtk_widget_remove_css_class (GTK_WIDGET (self->button), "compact");
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), summary);
  gtk_label_set_label (self->state_label, summary);
  care_set_accessible_label (GTK_WIDGET (self->button), summary);
}

static void
set_problem (CareSyncIndicator *self,
             const char        *problem)
{
  gtk_label_set_label (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL && *problem);
}

static void
update (CareSyncIndicator *self)
{
  gint64 quarantined = 0;
  gint64 pending = local_pending (self, &quarantined);
  g_autofree char *waiting = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *problem = NULL;
  const char *state;
  gint64 last_sync;

  self->proxy = self->monitor != NULL ? care_sync_monitor_get_proxy (self->monitor) : NULL;
  self->pending = pending;
  if (pending > 0)
    waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%d record waiting to reach the co-op",
                                            "%d records waiting to reach the co-op",
                                            (gulong) pending),
                               (int) pending);
  else
    waiting = g_strdup (_("Everything recorded here has reached the co-op."));
  if (quarantined > 0)
    problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "The co-op refused %d record: it is kept on this tablet. Ask your co-ordinator to look at it.",
                                            "The co-op refused %d records: they are kept on this tablet. Ask your co-ordinator to look at them.",
                                            (gulong) quarantined),
                               (int) quarantined);
  gtk_label_set_label (self->waiting_label, waiting);

  if (!proxy_available (self))
    {
      set_summary (self, "network-offline-symbolic", _("Not syncing"), NULL);
      gtk_label_set_label (self->state_label, _("The sync service is not available"));
      gtk_label_set_label (self->last_label,
                           _("Your records are kept safe on this tablet. They are sent when the sync service runs."));
      set_problem (self, problem);
      gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now", FALSE);
      return;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now", TRUE);
  state = care_dbus_sync_get_state (self->proxy);
  last_sync = care_dbus_sync_get_last_sync (self->proxy);
  if (last_sync > 0)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
      g_autofree char *time = care_format_time (last_sync, tz);
      g_autofree char *text = g_strdup_printf (_("Last synced at %s"), time);

      gtk_label_set_label (self->last_label, text);
    }
  else
    gtk_label_set_label (self->last_label, _("Not synced yet"));

  if (g_strcmp0 (state, "offline") == 0)
    {
      set_summary (self, "network-offline-symbolic", _("Offline"), NULL);
    }
  else if (g_strcmp0 (state, "portal") == 0)
    {
      set_summary (self, "network-wireless-acquiring-symbolic", _("Sign-in needed"), NULL);
      if (problem == NULL)
        problem = g_strdup (_("This network asks you to sign in. Open the web browser and sign in; sync continues by itself."));
    }
  else if (g_strcmp0 (state, "syncing") == 0)
    {
      const char *progress = care_sync_monitor_get_progress (self->monitor);

      set_summary (self, "emblem-synchronizing-symbolic", _("Syncing…"), NULL);
      if (progress != NULL)
        gtk_label_set_label (self->state_label, progress);
    }
  else if (g_strcmp0 (state, "error") == 0)
    {
      const char *error = care_dbus_sync_get_last_error (self->proxy);

      set_summary (self, "dialog-warning-symbolic", _("Sync problem"), NULL);
      if (problem == NULL)
        problem = g_strdup (error != NULL && *error ? error
                            : _("Sync failed. It is tried again by itself; if it keeps failing, tell your co-ordinator."));
    }
  else if (g_strcmp0 (state, "removed") == 0)
    {
      set_summary (self, "security-high-symbolic", _("Removed from the co-op"), C_("sync state, short", "Removed"));
      g_free (problem);
      problem = g_strdup (care_dbus_sync_get_last_error (self->proxy));
    }
  else if (g_strcmp0 (state, "not-enrolled") == 0)
    {
      set_summary (self, "dialog-warning-symbolic", _("Not enrolled"), NULL);
      if (problem == NULL)
        problem = g_strdup (_("Ask your co-ordinator for an enrolment code to connect this tablet to the co-op."));
    }
  else if (pending > 0)
    {
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d waiting", "%d waiting",
                                              (gulong) pending),
                                 (int) pending);
      set_summary (self, "document-send-symbolic", summary, NULL);
    }
  else if (last_sync > 0 && care_dbus_sync_get_live (self->proxy))
    {
      /* Both directions current: nothing waits to go, and what the co-op
       * has for this tablet arrives as it comes (live sync). */
      set_summary (self, "emblem-ok-symbolic", _("Synced"), C_("sync state, short", "Synced"));
    }
  else if (last_sync > 0)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
      g_autofree char *time = care_format_time (last_sync, tz);

      /* Everything went up; what the co-op has for this tablet is known only
       * up to the last sync (metered link, or live sync not running). */
      summary = g_strdup_printf (_("All sent; news from the co-op as of %s"), time);
      set_summary (self, "emblem-ok-symbolic", summary, C_("sync state, short", "Sent"));
    }
  else
    set_summary (self, "emblem-synchronizing-symbolic", _("Not synced"), NULL);

  if (care_dbus_sync_get_clock_warning (self->proxy))
    {
      gint64 minutes = care_dbus_sync_get_clock_offset (self->proxy) / 60000;
      g_autofree char *clock = g_strdup_printf (_("This tablet's clock is %d minutes away from the co-op's. Set the right time in the settings; times recorded meanwhile are marked for checking."),
                                                (int) ABS (minutes));

      if (problem != NULL)
        {
          char *both = g_strconcat (problem, "\n", clock, NULL);

          g_free (problem);
          problem = both;
        }
      else
        problem = g_steal_pointer (&clock);
    }
  set_problem (self, problem);
}

static void
monitor_changed_cb (CareSyncIndicator *self)
{
  update (self);
}

static void
sync_now_ready_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CareSyncIndicator) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!care_sync_monitor_sync_now_finish (CARE_SYNC_MONITOR (source), result, &error))
    {
      g_autofree char *message = NULL;

      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf (_("Could not start sync: %s"), error->message);
      set_problem (self, message);
    }
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (widget);

  if (!proxy_available (self))
    return;
  care_sync_monitor_sync_now (self->monitor, self->cancellable,
                              sync_now_ready_cb, g_object_ref (self));
}

static void
care_sync_indicator_dispose (GObject *object)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (care_sync_indicator_parent_class)->dispose (object);
}

static void
care_sync_indicator_finalize (GObject *object)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_free (self->summary);
  G_OBJECT_CLASS (care_sync_indicator_parent_class)->finalize (object);
}

static void
care_sync_indicator_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (object);

  if (prop_id == PROP_MONITOR)
    g_value_set_object (value, self->monitor);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_sync_indicator_class_init (CareSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_sync_indicator_dispose;
  object_class->finalize = care_sync_indicator_finalize;
  object_class->get_property = care_sync_indicator_get_property;

  /* The sync monitor shown (care_sync_indicator_set_monitor). */
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, CARE_TYPE_SYNC_MONITOR,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, state_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, last_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, problem_label);
  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
}

static void
care_sync_indicator_init (CareSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update (self);
}

GtkWidget *
care_sync_indicator_new (void)
{
  return g_object_new (CARE_TYPE_SYNC_INDICATOR, NULL);
}

void
care_sync_indicator_set_store (CareSyncIndicator *self,
                               CareStore         *store)
{
  g_return_if_fail (CARE_IS_SYNC_INDICATOR (self));

  care_follow_store (self, &self->store, store, G_CALLBACK (update));
  update (self);
}

void
care_sync_indicator_refresh (CareSyncIndicator *self)
{
  g_return_if_fail (CARE_IS_SYNC_INDICATOR (self));

  update (self);
}

gboolean
care_sync_indicator_get_available (CareSyncIndicator *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_INDICATOR (self), FALSE);

  return proxy_available (self);
}

const char *
care_sync_indicator_get_summary (CareSyncIndicator *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_INDICATOR (self), NULL);

  return self->summary;
}

void
care_sync_indicator_set_compact (CareSyncIndicator *self,
                                 gboolean           compact)
{
  g_return_if_fail (CARE_IS_SYNC_INDICATOR (self));

  compact = !!compact;
  if (self->compact == compact)
    return;
  self->compact = compact;
  update (self);
}

void
care_sync_indicator_set_monitor (CareSyncIndicator *self,
                                 CareSyncMonitor   *monitor)
{
  g_return_if_fail (CARE_IS_SYNC_INDICATOR (self));

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    /* The daemon's writes come as the store's "changed" (care_follow_store). */
    g_signal_connect_object (monitor, "changed", G_CALLBACK (monitor_changed_cb), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
  update (self);
}
