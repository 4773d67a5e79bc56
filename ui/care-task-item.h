/* care-task-item.h: one care-plan task on a visit, as a list item: its
 * answer as the store has it, and the reason the carer is asked for.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_TASK_ITEM (care_task_item_get_type ())
G_DECLARE_FINAL_TYPE (CareTaskItem, care_task_item, CARE, TASK_ITEM, GObject)

CareTaskItem *care_task_item_new        (const CareTaskState *task);
/* Takes what the store says now from fresh (label, answer): a reason
 * being asked for and typed stays. */
void          care_task_item_update     (CareTaskItem *self,
                                         CareTaskItem *fresh);
const char   *care_task_item_get_task   (CareTaskItem *self);
int           care_task_item_get_answer (CareTaskItem *self);
/* Asks for the reason (ask) or stops asking, which forgets what was
 * typed; for_done: why a finished visit's "not done" becomes "done". */
void          care_task_item_ask        (CareTaskItem *self,
                                         gboolean      ask,
                                         gboolean      for_done);
gboolean      care_task_item_get_asking (CareTaskItem *self);
gboolean      care_task_item_get_for_done (CareTaskItem *self);
/* The reason typed, stripped (never NULL). */
char         *care_task_item_dup_reason (CareTaskItem *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
