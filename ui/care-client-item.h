/* care-client-item.h: one of the carer's clients, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CARE_TYPE_CLIENT_ITEM (care_client_item_get_type ())
G_DECLARE_FINAL_TYPE (CareClientItem, care_client_item, CARE, CLIENT_ITEM, GObject)

/* name NULL: the client's id stands in for it. */
CareClientItem *care_client_item_new      (const char *id,
                                           const char *name) G_GNUC_WARN_UNUSED_RESULT;
const char     *care_client_item_get_id   (CareClientItem *self);
const char     *care_client_item_get_name (CareClientItem *self);

G_END_DECLS
