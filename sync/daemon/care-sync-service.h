/* care-sync-service.h: the coop.carelog.Carelog.Sync D-Bus object and the
 * scheduler deciding when a sync round runs.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A round starts when connectivity returns (full or limited), shortly after
 * a local commit (the store's files are watched with inotify and the event
 * debounced), on SyncNow, after a failure when its backoff expires, and on a
 * slow periodic timer while online. While offline (or behind a captive
 * portal) no timer runs at all: the daemon sleeps until the network changes.
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"
#include "care-connectivity.h"
#include "care-sync-dbus.h"

G_BEGIN_DECLS

#define CARE_TYPE_SYNC_SERVICE (care_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncService, care_sync_service, CARE, SYNC_SERVICE, CareDbusSyncSkeleton)

/* store is NULL when this tablet was removed from the co-op (its care log
 * erased): the service then only says so, until it is enrolled again. */
CareSyncService *care_sync_service_new        (CareStore        *store,
                                               const char       *store_path,
                                               const char       *profile,
                                               CareConnectivity *connectivity) G_GNUC_WARN_UNUSED_RESULT;
/* Reads the enrolment (key lookup is asynchronous) and starts scheduling. */
void             care_sync_service_start      (CareSyncService *self);
void             care_sync_service_sync_now   (CareSyncService *self);

G_END_DECLS
