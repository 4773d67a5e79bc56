/* care-task-row.c: one care-plan task on a visit.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The label, the Essential tag, the answer's words, whether the reason is
 * asked and its prompt are bound to the CareTaskItem in care-task-row.ui;
 * the reason's entry is bound to the item's "reason" both ways, so what
 * the carer types lives in the item and a refresh that keeps the item
 * keeps it. What a binding cannot carry (the chosen answer's highlight,
 * the buttons' accessible labels, the focus when the reason is asked)
 * follows the item's notifications here. The buttons act through the
 * page's visit.task-* actions, with the task id as target.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-task-row.h"
#include "care-ui-util.h"

struct _CareTaskRow
{
  CareItemRow parent_instance;

  GtkButton *done_button;
  GtkButton *not_done_button;
  GtkEntry *reason_entry;
  GtkButton *save_button;
};

G_DEFINE_FINAL_TYPE (CareTaskRow, care_task_row, CARE_TYPE_ITEM_ROW)

static void
reason_activate_cb (CareTaskRow *self)
{
  /* Enter saves the reason, as the Save button does. */
  gtk_widget_activate (GTK_WIDGET (self->save_button));
}

static void
set_class (GtkWidget  *widget,
           const char *css_class,
           gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* The chosen answer is the highlighted button; the buttons and the reason
 * name the task for a screen reader. */
static void
show_item (CareTaskRow *self)
{
  CareTaskItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));
  g_autofree char *label = NULL;
  g_autofree char *done = NULL;
  g_autofree char *not_done = NULL;
  g_autofree char *why = NULL;
  int answer = care_task_item_get_answer (item);

  g_object_get (item, "label", &label, NULL);
  set_class (GTK_WIDGET (self->done_button), "suggested-action", answer == 1);
  set_class (GTK_WIDGET (self->not_done_button), "suggested-action", answer == 0);
  done = g_strdup_printf (_("Done: %s"), label);
  not_done = g_strdup_printf (_("Not done: %s"), label);
  why = care_task_item_get_for_done (item) ? g_strdup_printf (_("Why is “%s” done after all?"), label)
                                           : g_strdup_printf (_("Why was “%s” not done?"), label);
  care_set_accessible_label (GTK_WIDGET (self->done_button), done);
  care_set_accessible_label (GTK_WIDGET (self->not_done_button), not_done);
  care_set_accessible_label (GTK_WIDGET (self->reason_entry), why);
  care_set_accessible_label (GTK_WIDGET (self->save_button), why);
}

/* Connected after the template's bindings: the entry is shown by then. */
static void
item_notify_cb (CareTaskRow *self,
                GParamSpec  *pspec)
{
  CareTaskItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "reason"))
    return;   /* the carer typing */
  show_item (self);
  if ((g_str_equal (name, "asking") || g_str_equal (name, "for-done")) && care_task_item_get_asking (item))
    gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
}

static void
care_task_row_constructed (GObject *object)
{
  CareTaskRow *self = CARE_TASK_ROW (object);
  CareTaskItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));
  const char *task = care_task_item_get_task (item);

  G_OBJECT_CLASS (care_task_row_parent_class)->constructed (object);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->done_button), "s", task);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->not_done_button), "s", task);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->save_button), "s", task);
  g_object_bind_property (item, "reason", self->reason_entry, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (item, "notify", G_CALLBACK (item_notify_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  show_item (self);
}

static void
care_task_row_class_init (CareTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_task_row_constructed;

  g_type_ensure (CARE_TYPE_TASK_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-task-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CareTaskRow, done_button);
  gtk_widget_class_bind_template_child (widget_class, CareTaskRow, not_done_button);
  gtk_widget_class_bind_template_child (widget_class, CareTaskRow, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, CareTaskRow, save_button);
  gtk_widget_class_bind_template_callback (widget_class, reason_activate_cb);
}

static void
care_task_row_init (CareTaskRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_task_row_new (CareTaskItem *item)
{
  g_return_val_if_fail (CARE_IS_TASK_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_TASK_ROW, "item", item, NULL);
}

void
care_task_row_focus_reason (CareTaskRow *self)
{
  g_return_if_fail (CARE_IS_TASK_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
}

void
care_task_row_focus_done (CareTaskRow *self)
{
  g_return_if_fail (CARE_IS_TASK_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
}
