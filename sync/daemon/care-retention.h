/* care-retention.h: the daemon's purge of what a carer's tablet no longer keeps.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "care-store.h"

G_BEGIN_DECLS

void   care_retention_purge_async  (CareStore           *store,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* How many visits and schedules went; -1 on error. */
gint64 care_retention_purge_finish (GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
