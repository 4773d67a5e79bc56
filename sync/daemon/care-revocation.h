/* care-revocation.h: a revoked tablet erases the co-op's care data.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-store.h"
#include "care-sync-client.h"

G_BEGIN_DECLS

gboolean care_revocation_must_erase (const GError *error,
                                     CareStore    *store);

void     care_revocation_erase_async  (CareStore           *store,
                                       CareSyncClient      *client,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean care_revocation_erase_finish (GAsyncResult        *result,
                                       gboolean            *confirmed,
                                       GError             **error);

const char *care_revocation_sentence (void);

G_END_DECLS
