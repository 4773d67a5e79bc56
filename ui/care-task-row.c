/* care-task-row.c: one care-plan task on a visit.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row lives as long as the visit is shown: a refresh (sync brings
 * records at any time) sets its properties again and the template's
 * bindings follow, so what the carer is typing is never rebuilt away.
 * The buttons act through the page's visit.task-* actions, with the task
 * id as target.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-task-row.h"
#include "care-ui-util.h"

struct _CareTaskRow
{
  GtkListBoxRow parent_instance;

  GtkButton *done_button;
  GtkButton *not_done_button;
  GtkEntry *reason_entry;
  GtkButton *save_button;

  char *task;
  char *label;
  char *answer_text;
  gboolean essential;
  int answer;
  gboolean asking;
  gboolean for_done;
};

G_DEFINE_FINAL_TYPE (CareTaskRow, care_task_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_ESSENTIAL,
  PROP_ANSWER_TEXT,
  PROP_ANSWERED,
  PROP_ASKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (CareTaskRow *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
reason_activate_cb (CareTaskRow *self)
{
  /* Enter saves the reason, as the Save button does. */
  gtk_widget_activate (GTK_WIDGET (self->save_button));
}

static void
care_task_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_TASK_ROW);
  G_OBJECT_CLASS (care_task_row_parent_class)->dispose (object);
}

static void
care_task_row_finalize (GObject *object)
{
  CareTaskRow *self = CARE_TASK_ROW (object);

  g_free (self->task);
  g_free (self->label);
  g_free (self->answer_text);
  G_OBJECT_CLASS (care_task_row_parent_class)->finalize (object);
}

static void
care_task_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CareTaskRow *self = CARE_TASK_ROW (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_ESSENTIAL:
      g_value_set_boolean (value, self->essential);
      break;
    case PROP_ANSWER_TEXT:
      g_value_set_string (value, self->answer_text);
      break;
    case PROP_ANSWERED:
      g_value_set_boolean (value, self->answer >= 0);
      break;
    case PROP_ASKING:
      g_value_set_boolean (value, self->asking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_task_row_class_init (CareTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = care_task_row_dispose;
  object_class->finalize = care_task_row_finalize;
  object_class->get_property = care_task_row_get_property;

  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties[PROP_ESSENTIAL] = g_param_spec_boolean ("essential", NULL, NULL, FALSE, flags);
  /* "Done", "Not done: reason", "Not answered yet…" */
  properties[PROP_ANSWER_TEXT] = g_param_spec_string ("answer-text", NULL, NULL, NULL, flags);
  properties[PROP_ANSWERED] = g_param_spec_boolean ("answered", NULL, NULL, FALSE, flags);
  /* Whether the reason entry is shown. */
  properties[PROP_ASKING] = g_param_spec_boolean ("asking", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  self->answer = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_task_row_new (guint index)
{
  CareTaskRow *self = g_object_new (CARE_TYPE_TASK_ROW, NULL);
  g_autofree char *name = g_strdup_printf ("task-row-%u", index);
  g_autofree char *done = g_strdup_printf ("task-done-%u", index);
  g_autofree char *not_done = g_strdup_printf ("task-not-done-%u", index);
  g_autofree char *reason = g_strdup_printf ("task-reason-%u", index);
  g_autofree char *save = g_strdup_printf ("task-save-%u", index);

  gtk_widget_set_name (GTK_WIDGET (self), name);
  gtk_widget_set_name (GTK_WIDGET (self->done_button), done);
  gtk_widget_set_name (GTK_WIDGET (self->not_done_button), not_done);
  gtk_widget_set_name (GTK_WIDGET (self->reason_entry), reason);
  gtk_widget_set_name (GTK_WIDGET (self->save_button), save);
  return GTK_WIDGET (self);
}

void
care_task_row_set_task (CareTaskRow         *self,
                        const CareTaskState *task)
{
  g_autofree char *answer_text = NULL;
  g_autofree char *done_a11y = NULL;
  g_autofree char *not_done_a11y = NULL;

  g_return_if_fail (CARE_IS_TASK_ROW (self));
  g_return_if_fail (task != NULL);

  if (g_strcmp0 (self->task, task->task) != 0)
    {
      g_free (self->task);
      self->task = g_strdup (task->task);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->done_button), "s", task->task);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->not_done_button), "s", task->task);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->save_button), "s", task->task);
    }
  set_string (self, &self->label, task->label, PROP_LABEL);
  if (self->essential != task->essential)
    {
      self->essential = task->essential;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ESSENTIAL]);
    }
  if (task->answer == 1)
    answer_text = g_strdup (_("Done"));
  else if (task->answer == 0)
    answer_text = g_strdup_printf (_("Not done: %s"), task->reason != NULL ? task->reason : "");
  else
    answer_text = g_strdup (task->essential ? _("Not answered yet: needed before check-out")
                                            : _("Not answered yet"));
  set_string (self, &self->answer_text, answer_text, PROP_ANSWER_TEXT);
  if (self->answer != task->answer)
    {
      self->answer = task->answer;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED]);
    }
  /* The chosen answer is the highlighted button. */
  if (task->answer == 1)
    gtk_widget_add_css_class (GTK_WIDGET (self->done_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->done_button), "suggested-action");
  if (task->answer == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->not_done_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->not_done_button), "suggested-action");
  done_a11y = g_strdup_printf (_("Done: %s"), task->label);
  not_done_a11y = g_strdup_printf (_("Not done: %s"), task->label);
  care_set_accessible_label (GTK_WIDGET (self->done_button), done_a11y);
  care_set_accessible_label (GTK_WIDGET (self->not_done_button), not_done_a11y);
}

const char *
care_task_row_get_task (CareTaskRow *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ROW (self), NULL);

  return self->task;
}

void
care_task_row_ask_reason (CareTaskRow *self,
                          gboolean     ask,
                          gboolean     for_done)
{
  g_autofree char *a11y = NULL;

  g_return_if_fail (CARE_IS_TASK_ROW (self));

  /* Asked again (a refresh): nothing to do, and the focus stays. */
  if (self->asking == ask && self->for_done == for_done)
    return;
  if (!ask)
    gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), "");
  self->for_done = for_done;
  gtk_entry_set_placeholder_text (self->reason_entry, for_done
                                  ? _("The visit is finished: why is it done after all?")
                                  : _("Why was it not done?"));
  a11y = for_done ? g_strdup_printf (_("Why is “%s” done after all?"), self->label)
                  : g_strdup_printf (_("Why was “%s” not done?"), self->label);
  care_set_accessible_label (GTK_WIDGET (self->reason_entry), a11y);
  care_set_accessible_label (GTK_WIDGET (self->save_button), a11y);
  if (self->asking != ask)
    {
      self->asking = ask;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASKING]);
    }
  if (ask)
    gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
}

char *
care_task_row_dup_reason (CareTaskRow *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ROW (self), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
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
