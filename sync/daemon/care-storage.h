/* care-storage.h: whether the tablet's data folder is on an encrypted volume.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the daemon reports to the co-op (Carelog-Storage), docs/privacy.md. */
#define CARE_STORAGE_DM_CRYPT "dm-crypt"
#define CARE_STORAGE_FSCRYPT  "fscrypt"
#define CARE_STORAGE_PLAIN    "plain"
#define CARE_STORAGE_UNKNOWN  "unknown"

const char *care_storage_detect (const char *path);

G_END_DECLS
