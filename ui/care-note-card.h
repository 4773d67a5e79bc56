/* care-note-card.h: a care note's card, bound to a CareNoteItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-note-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_NOTE_CARD (care_note_card_get_type ())
G_DECLARE_FINAL_TYPE (CareNoteCard, care_note_card, CARE, NOTE_CARD, CareItemRow)

GtkWidget *care_note_card_new (CareNoteItem *item);

G_END_DECLS
