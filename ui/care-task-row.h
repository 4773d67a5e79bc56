/* care-task-row.h: one care-plan task on a visit: its answer, Done / Not
 * done, and the reason asked when one is needed; bound to a CareTaskItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-item-row.h"
#include "care-task-item.h"

G_BEGIN_DECLS

#define CARE_TYPE_TASK_ROW (care_task_row_get_type ())
G_DECLARE_FINAL_TYPE (CareTaskRow, care_task_row, CARE, TASK_ROW, CareItemRow)

GtkWidget *care_task_row_new          (CareTaskItem *item);
void       care_task_row_focus_reason (CareTaskRow *self);
void       care_task_row_focus_done   (CareTaskRow *self);

G_END_DECLS
