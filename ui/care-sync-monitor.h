/* care-sync-monitor.h: the application's one connection to the sync daemon.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "care-sync-dbus.h"

G_BEGIN_DECLS

/* Whether the sync daemon may run while the app is closed (the XDG
 * Background portal, asked by care-background.c). */
typedef enum {
  CARE_BACKGROUND_NOT_NEEDED,  /* outside Flatpak: nothing is asked */
  CARE_BACKGROUND_ASKING,      /* waiting for the portal's answer */
  CARE_BACKGROUND_GRANTED,     /* background and autostart allowed */
  CARE_BACKGROUND_REFUSED,     /* the user or the portal said no */
  CARE_BACKGROUND_UNAVAILABLE, /* no Background portal on this session */
} CareBackgroundStatus;

#define CARE_TYPE_SYNC_MONITOR (care_sync_monitor_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncMonitor, care_sync_monitor, CARE, SYNC_MONITOR, GObject)

/* Creates the D-Bus proxy (asynchronously; D-Bus activation starts the
 * daemon when it is installed). */
CareSyncMonitor *care_sync_monitor_new           (void) G_GNUC_WARN_UNUSED_RESULT;
/* The proxy, or NULL while it is being made or when there is no bus. */
CareDbusSync    *care_sync_monitor_get_proxy     (CareSyncMonitor *self);
/* Whether the daemon runs (owns its name): property "available". */
gboolean         care_sync_monitor_get_available (CareSyncMonitor *self);
/* "Sending 3 of 10…" while a sync round runs, else NULL: property
 * "progress". */
const char      *care_sync_monitor_get_progress  (CareSyncMonitor *self);

/* The portal's answer and the sentence that says what it means (NULL:
 * nothing to say): properties "background-status", "background-message",
 * "has-background-message". */
void             care_sync_monitor_set_background (CareSyncMonitor      *self,
                                                   CareBackgroundStatus  status,
                                                   const char           *message);
CareBackgroundStatus care_sync_monitor_get_background_status  (CareSyncMonitor *self);
const char          *care_sync_monitor_get_background_message (CareSyncMonitor *self);

void             care_sync_monitor_sync_now      (CareSyncMonitor     *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         care_sync_monitor_sync_now_finish (CareSyncMonitor  *self,
                                                    GAsyncResult     *result,
                                                    GError          **error);
/* Enrols this tablet with an enrolment line; waits on the network, so with
 * a generous timeout (90 s), never a hang. */
void             care_sync_monitor_enrol         (CareSyncMonitor     *self,
                                                  const char          *line,
                                                  const char          *device_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* On success, the profile the daemon enrolled. */
char            *care_sync_monitor_enrol_finish  (CareSyncMonitor  *self,
                                                  GAsyncResult     *result,
                                                  GError          **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
