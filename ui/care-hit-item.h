/* care-hit-item.h: a care note found by a search, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_HIT_ITEM (care_hit_item_get_type ())
G_DECLARE_FINAL_TYPE (CareHitItem, care_hit_item, CARE, HIT_ITEM, GObject)

/* Nothing of hit is kept: the texts are made here, times shown in tz. */
CareHitItem *care_hit_item_new                  (const CareNoteHit *hit,
                                                 GTimeZone         *tz) G_GNUC_WARN_UNUSED_RESULT;
/* The visit the note belongs to, or NULL. */
const char  *care_hit_item_get_visit            (CareHitItem *self);
const char  *care_hit_item_get_accessible_label (CareHitItem *self);

G_END_DECLS
