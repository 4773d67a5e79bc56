/* care-erase.h: erasing a revoked tablet's care data.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean care_erase_profile        (const char *store_path,
                                    GError    **error);
gboolean care_erase_is_removed     (const char *store_path,
                                    gint64     *when_ms);
void     care_erase_forget_removal (const char *store_path);

G_END_DECLS
