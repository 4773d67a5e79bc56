/* care-enrol.h: enrolling this tablet with the co-op.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Takes the line a co-ordinator hands over, asks the server for a device id
 * and key, keeps the key (care-key-store.h) and writes the identity and the
 * server's address and certificate pin into the store's meta. Used by the
 * D-Bus Enrol method and by `carelog-syncd --enrol`.
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"
#include "care-sync-client.h"

G_BEGIN_DECLS

void           care_enrol_async     (CareStore           *store,
                                     const char          *line,
                                     const char          *device_name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
CareEnrolment *care_enrol_finish    (GAsyncResult  *result,
                                     GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* A client for an enrolled store, or NULL (key looked up asynchronously). */
void            care_enrol_client_async  (CareStore           *store,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
CareSyncClient *care_enrol_client_finish (GAsyncResult  *result,
                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* A sentence a carer can act on, for any error a round or enrolment gives. */
char           *care_sync_error_to_sentence (const GError *error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
