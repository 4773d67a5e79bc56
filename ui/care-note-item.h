/* care-note-item.h: one care note of a visit, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_NOTE_ITEM (care_note_item_get_type ())
G_DECLARE_FINAL_TYPE (CareNoteItem, care_note_item, CARE, NOTE_ITEM, GObject)

CareNoteItem *care_note_item_new (const CareNote *note,
                                  GTimeZone      *tz);

const char   *care_note_item_get_note (CareNoteItem *self);

G_END_DECLS
