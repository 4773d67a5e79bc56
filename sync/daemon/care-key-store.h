/* care-key-store.h: where this tablet keeps its device key.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The key goes to the Secret Service (libsecret; the Secret portal inside
 * the Flatpak), never to a plain file, unless the co-op explicitly allows
 * one by setting CARELOG_KEY_STORE=file in the tablet's environment (a
 * kiosk image it provisions; the tests): then to a file next to the store
 * readable only by the user (0600). With no Secret Service and no such
 * allowance, saving fails and the enrolment with it (docs/privacy.md).
 * Lookups try both, so a key saved either way is found.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* store_path: the profile's store file; device: the device id. */
void      care_key_store_save_async    (const char          *store_path,
                                        const char          *device,
                                        const char          *key,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  care_key_store_save_finish   (GAsyncResult        *result,
                                        GError             **error);
void      care_key_store_lookup_async  (const char          *store_path,
                                        const char          *device,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* NULL with no error when there is no key. */
char     *care_key_store_lookup_finish (GAsyncResult        *result,
                                        GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* Removes the key from the Secret Service and its file (blocks: call it
 * from a worker thread). */
void      care_key_store_forget        (const char          *store_path,
                                        const char          *device);

/* The fallback file's path for a store. */
char     *care_key_store_file_path     (const char          *store_path) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
