/* care-task-row.h: one care-plan task on a visit: its answer, Done / Not
 * done, and the reason asked when one is needed.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_TASK_ROW (care_task_row_get_type ())
G_DECLARE_FINAL_TYPE (CareTaskRow, care_task_row, CARE, TASK_ROW, GtkListBoxRow)

/* index names the row's widgets for the tests (task-done-INDEX, …). */
GtkWidget  *care_task_row_new           (guint                index);
/* Shows the task as the store has it now; a reason being typed stays. */
void        care_task_row_set_task      (CareTaskRow         *self,
                                         const CareTaskState *task);
const char *care_task_row_get_task      (CareTaskRow *self);
/* Shows or hides the reason entry; for_done: the reason a finished visit's
 * "not done" becomes "done". Showing focuses it. */
void        care_task_row_ask_reason    (CareTaskRow *self,
                                         gboolean     ask,
                                         gboolean     for_done);
/* The reason typed, stripped (never NULL). */
char       *care_task_row_dup_reason    (CareTaskRow *self) G_GNUC_WARN_UNUSED_RESULT;
void        care_task_row_focus_reason  (CareTaskRow *self);
void        care_task_row_focus_done    (CareTaskRow *self);

G_END_DECLS
