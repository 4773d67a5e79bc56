/* care-sync-engine.h: one sync round between the local store and the co-op.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A round pushes every unsent record in batches (per-record results: a
 * rejected record is quarantined with the server's reason while the rest
 * flows; a gap is answered by re-sending from the sequence the server
 * expects), then pulls pages from the server, applying each page and its
 * cursor in one store transaction. A server restored from an older backup
 * (it is behind this device) gets everything it lacks again; a cursor the
 * server no longer knows is dropped and the pull starts over, keeping local
 * unsent records. The round never schedules or retries by itself: the
 * caller (the service) decides when to run it again.
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"
#include "care-sync-client.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 pushed;            /* records the server accepted or already had */
  gint64 quarantined;       /* records the server refused in this round */
  gint64 pulled;            /* records received */
  guint requests;
  guint64 bytes_sent;
  guint64 bytes_received;
  gboolean pull_deferred;   /* the first full pull waits for an unmetered link */
  gboolean server_behind;   /* the server had lost records: they were re-sent */
  gboolean cursor_reset;
} CareSyncReport;

#define CARE_TYPE_SYNC_ENGINE (care_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncEngine, care_sync_engine, CARE, SYNC_ENGINE, GObject)

CareSyncEngine *care_sync_engine_new            (CareStore      *store,
                                                 CareSyncClient *client) G_GNUC_WARN_UNUSED_RESULT;
/* allow_bulk: FALSE on a metered link (a first full pull is deferred). */
void            care_sync_engine_run_async      (CareSyncEngine      *self,
                                                 gboolean             allow_bulk,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* Live sync: one pull that waits up to wait seconds for records for this
 * tablet, and the pages after it. Finished with care_sync_engine_run_finish. */
void            care_sync_engine_live_async     (CareSyncEngine      *self,
                                                 guint                wait,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        care_sync_engine_run_finish     (CareSyncEngine  *self,
                                                 GAsyncResult    *result,
                                                 CareSyncReport  *report,
                                                 GError         **error);
/* Server time minus device time (ms) from the last response; 0 = not seen. */
gint64          care_sync_engine_get_clock_offset (CareSyncEngine *self);
gboolean        care_sync_engine_has_clock_offset (CareSyncEngine *self);
/* After a RATE_LIMITED failure: the server's Retry-After in seconds. */
guint           care_sync_engine_get_retry_after  (CareSyncEngine *self);

G_END_DECLS
