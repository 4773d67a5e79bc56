/* care-family-item.h: a visit as the client's family reads it, as a list
 * item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_FAMILY_ITEM (care_family_item_get_type ())
G_DECLARE_FINAL_TYPE (CareFamilyItem, care_family_item, CARE, FAMILY_ITEM, GObject)

/* detail may be NULL (the visit could not be read). Nothing is kept: the
 * texts are made here. */
CareFamilyItem *care_family_item_new       (const CareVisitSummary *summary,
                                            const CareVisitDetail  *detail,
                                            GTimeZone              *tz) G_GNUC_WARN_UNUSED_RESULT;
const char     *care_family_item_get_visit (CareFamilyItem *self);

G_END_DECLS
