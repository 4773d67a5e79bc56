/* care-refusal-item.h: a record of the carer's that the co-op refused (or
 * holds behind a refused one), as a list item: the co-op's reason, what
 * the carer can do, and the correction she is writing.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-form-item.h"
#include <json-glib/json-glib.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_REFUSAL_ITEM (care_refusal_item_get_type ())
G_DECLARE_FINAL_TYPE (CareRefusalItem, care_refusal_item, CARE, REFUSAL_ITEM, CareFormItem)

/* entry: the record as the visit's history shows it (its sync state must be
 * CARE_SYNC_QUARANTINED or CARE_SYNC_HELD); the item reads the record and
 * the co-op's reason from store. */
CareRefusalItem *care_refusal_item_new         (CareStore              *store,
                                                const CareHistoryEntry *entry,
                                                GTimeZone              *tz);
/* The refused record's id, which a correction names. */
const char      *care_refusal_item_get_event   (CareRefusalItem *self);
/* The event and its state: the same key is the same card. */
const char      *care_refusal_item_get_key     (CareRefusalItem *self);
gboolean         care_refusal_item_get_held    (CareRefusalItem *self);
/* The correction's changes from what the carer typed ({"at": …} or
 * {"text": …}), or NULL with why not. */
JsonObject      *care_refusal_item_dup_changes (CareRefusalItem *self,
                                                GError         **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
