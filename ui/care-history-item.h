/* care-history-item.h: one entry of a visit's history, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_HISTORY_ITEM (care_history_item_get_type ())
G_DECLARE_FINAL_TYPE (CareHistoryItem, care_history_item, CARE, HISTORY_ITEM, GObject)

CareHistoryItem *care_history_item_new (const CareHistoryEntry *entry,
                                        GTimeZone              *tz);

G_END_DECLS
