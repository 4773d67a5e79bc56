/* care-line-item.h: one line of a visit's record (a title and what it
 * says), as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CARE_TYPE_LINE_ITEM (care_line_item_get_type ())
G_DECLARE_FINAL_TYPE (CareLineItem, care_line_item, CARE, LINE_ITEM, GObject)

/* value NULL or empty shows as "—"; tone is a style class ("error",
 * "warning") or NULL; name names the row for the tests, or NULL. */
CareLineItem *care_line_item_new       (const char *title,
                                        const char *value,
                                        const char *tone,
                                        const char *name) G_GNUC_WARN_UNUSED_RESULT;
/* A line with a figure at its end (amount); value NULL or empty is left
 * out. */
CareLineItem *care_line_item_new_amount (const char *title,
                                         const char *value,
                                         const char *amount,
                                         const char *tone,
                                         const char *name) G_GNUC_WARN_UNUSED_RESULT;
const char   *care_line_item_get_title (CareLineItem *self);
const char   *care_line_item_get_tone  (CareLineItem *self);
const char   *care_line_item_get_name  (CareLineItem *self);

G_END_DECLS
