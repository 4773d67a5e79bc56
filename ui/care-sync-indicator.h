/* care-sync-indicator.h: the header's sync state, from the sync daemon.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"
#include "care-sync-monitor.h"

G_BEGIN_DECLS

#define CARE_TYPE_SYNC_INDICATOR (care_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncIndicator, care_sync_indicator, CARE, SYNC_INDICATOR, AdwBin)

GtkWidget  *care_sync_indicator_new           (void);
void        care_sync_indicator_set_store     (CareSyncIndicator *self,
                                               CareStore         *store);
/* Re-reads the local outbox counts (after a write). */
void        care_sync_indicator_refresh       (CareSyncIndicator *self);
/* TRUE once the daemon answered on the bus. */
gboolean    care_sync_indicator_get_available (CareSyncIndicator *self);
/* The one-line summary shown in the header. */
const char *care_sync_indicator_get_summary   (CareSyncIndicator *self);
/* Icon (and the number of records waiting) only, for narrow windows. */
void        care_sync_indicator_set_compact   (CareSyncIndicator *self,
                                               gboolean           compact);
/* The daemon proxy, or NULL when the service is not available. */
void        care_sync_indicator_set_monitor   (CareSyncIndicator *self,
                                               CareSyncMonitor   *monitor);

G_END_DECLS
