/* care-message-item.h: a family's message to the co-ordinators, as a list
 * item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_MESSAGE_ITEM (care_message_item_get_type ())
G_DECLARE_FINAL_TYPE (CareMessageItem, care_message_item, CARE, MESSAGE_ITEM, GObject)

/* Nothing of message is kept: the texts are made here, times shown in tz. */
CareMessageItem *care_message_item_new (const CareFamilyMessage *message,
                                        GTimeZone               *tz) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
