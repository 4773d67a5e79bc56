/* care-form-item.h: a list item the carer writes in (an answer, a
 * correction): why what she wrote was not saved.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CARE_TYPE_FORM_ITEM (care_form_item_get_type ())
G_DECLARE_DERIVABLE_TYPE (CareFormItem, care_form_item, CARE, FORM_ITEM, GObject)

struct _CareFormItemClass
{
  GObjectClass parent_class;
};

/* Why it was not saved (NULL: it was, or it has not been tried). */
void        care_form_item_set_error (CareFormItem *self,
                                      const char   *message);
const char *care_form_item_get_error (CareFormItem *self);

G_END_DECLS
