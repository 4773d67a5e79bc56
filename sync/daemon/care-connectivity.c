/* care-connectivity.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include <NetworkManager.h>

#include "care-connectivity.h"

struct _CareConnectivity
{
  GObject parent_instance;

  GCancellable *cancellable;
  NMClient *nm;
  GNetworkMonitor *monitor;
  gulong monitor_handler;
  CareLink link;
  gboolean metered;
};

G_DEFINE_FINAL_TYPE (CareConnectivity, care_connectivity, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_link (CareConnectivity *self,
          CareLink          link,
          gboolean          metered)
{
  if (self->link == link && self->metered == metered)
    return;

  g_debug ("Connectivity: %s%s (%s)", care_link_to_string (link),
           metered ? ", metered" : "", care_connectivity_get_backend (self));
  self->link = link;
  self->metered = metered;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static CareLink
link_from_nm (NMClient *nm)
{
  NMState state = nm_client_get_state (nm);

  if (state < NM_STATE_CONNECTED_LOCAL)
    return CARE_LINK_NONE;

  switch (nm_client_get_connectivity (nm))
    {
    case NM_CONNECTIVITY_NONE:
      return CARE_LINK_NONE;
    case NM_CONNECTIVITY_PORTAL:
      return CARE_LINK_PORTAL;
    case NM_CONNECTIVITY_LIMITED:
      return CARE_LINK_LIMITED;
    case NM_CONNECTIVITY_FULL:
      return CARE_LINK_FULL;
    case NM_CONNECTIVITY_UNKNOWN:
    default:
      /* Connectivity checking is off: go by the global state. */
      return state == NM_STATE_CONNECTED_GLOBAL ? CARE_LINK_FULL : CARE_LINK_LIMITED;
    }
}

static void
update_from_nm (CareConnectivity *self)
{
  NMMetered metered = nm_client_get_metered (self->nm);

  set_link (self, link_from_nm (self->nm),
            metered == NM_METERED_YES || metered == NM_METERED_GUESS_YES);
}

static void
update_from_monitor (CareConnectivity *self)
{
  CareLink link;

  if (!g_network_monitor_get_network_available (self->monitor))
    link = CARE_LINK_NONE;
  else
    switch (g_network_monitor_get_connectivity (self->monitor))
      {
      case G_NETWORK_CONNECTIVITY_FULL:
        link = CARE_LINK_FULL;
        break;
      case G_NETWORK_CONNECTIVITY_PORTAL:
        link = CARE_LINK_PORTAL;
        break;
      case G_NETWORK_CONNECTIVITY_LIMITED:
        link = CARE_LINK_LIMITED;
        break;
      case G_NETWORK_CONNECTIVITY_LOCAL:
      default:
        link = CARE_LINK_NONE;
        break;
      }
  set_link (self, link, g_network_monitor_get_network_metered (self->monitor));
}

static void
monitor_notify_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  update_from_monitor (CARE_CONNECTIVITY (user_data));
}

static void
use_monitor (CareConnectivity *self,
             gboolean          use)
{
  if (use && self->monitor == NULL)
    {
      g_debug ("NetworkManager is not running: following GNetworkMonitor");
      self->monitor = g_object_ref (g_network_monitor_get_default ());
      self->monitor_handler = g_signal_connect_object (self->monitor, "notify",
                                                       G_CALLBACK (monitor_notify_cb),
                                                       self, 0);
      update_from_monitor (self);
    }
  else if (!use && self->monitor != NULL)
    {
      g_clear_signal_handler (&self->monitor_handler, self->monitor);
      g_clear_object (&self->monitor);
    }
}

static void
nm_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  CareConnectivity *self = CARE_CONNECTIVITY (user_data);
  gboolean running = nm_client_get_nm_running (self->nm);

  use_monitor (self, !running);
  if (running)
    update_from_nm (self);
}

static void
nm_client_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CareConnectivity) self = user_data;
  g_autoptr(GError) error = NULL;
  NMClient *nm = nm_client_new_finish (result, &error);

  if (nm == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Cannot reach NetworkManager: %s", error->message);
          use_monitor (self, TRUE);
        }
      return;
    }

  self->nm = nm;
  g_signal_connect_object (nm, "notify::" NM_CLIENT_NM_RUNNING, G_CALLBACK (nm_notify_cb), self, 0);
  g_signal_connect_object (nm, "notify::" NM_CLIENT_CONNECTIVITY, G_CALLBACK (nm_notify_cb), self, 0);
  g_signal_connect_object (nm, "notify::" NM_CLIENT_STATE, G_CALLBACK (nm_notify_cb), self, 0);
  g_signal_connect_object (nm, "notify::" NM_CLIENT_METERED, G_CALLBACK (nm_notify_cb), self, 0);
  nm_notify_cb (NULL, NULL, self);
}

static void
care_connectivity_dispose (GObject *object)
{
  CareConnectivity *self = CARE_CONNECTIVITY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  use_monitor (self, FALSE);
  g_clear_object (&self->nm);

  G_OBJECT_CLASS (care_connectivity_parent_class)->dispose (object);
}

static void
care_connectivity_class_init (CareConnectivityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_connectivity_dispose;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
care_connectivity_init (CareConnectivity *self)
{
  self->link = CARE_LINK_UNKNOWN;
  self->cancellable = g_cancellable_new ();
}

CareConnectivity *
care_connectivity_new (void)
{
  CareConnectivity *self = g_object_new (CARE_TYPE_CONNECTIVITY, NULL);

  nm_client_new_async (self->cancellable, nm_client_ready_cb, g_object_ref (self));
  return self;
}

CareLink
care_connectivity_get_link (CareConnectivity *self)
{
  g_return_val_if_fail (CARE_IS_CONNECTIVITY (self), CARE_LINK_UNKNOWN);
  return self->link;
}

gboolean
care_connectivity_get_metered (CareConnectivity *self)
{
  g_return_val_if_fail (CARE_IS_CONNECTIVITY (self), FALSE);
  return self->metered;
}

const char *
care_connectivity_get_backend (CareConnectivity *self)
{
  g_return_val_if_fail (CARE_IS_CONNECTIVITY (self), "none");
  if (self->monitor != NULL)
    return "gio";
  if (self->nm != NULL)
    return "networkmanager";
  return "none";
}

const char *
care_link_to_string (CareLink link)
{
  switch (link)
    {
    case CARE_LINK_NONE:
      return "none";
    case CARE_LINK_PORTAL:
      return "portal";
    case CARE_LINK_LIMITED:
      return "limited";
    case CARE_LINK_FULL:
      return "full";
    case CARE_LINK_UNKNOWN:
    default:
      return "unknown";
    }
}
