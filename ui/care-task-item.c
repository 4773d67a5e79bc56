/* care-task-item.c: one care-plan task on a visit, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The visit page keeps one item per task while the visit is shown: a
 * refresh (sync brings records at any time) updates its "label" and
 * "answer" in place, and care-task-row.ui follows through bindings.
 * "asking" shows the reason entry, "reason" is what the carer types there
 * (bound both ways to the entry by care-task-row.c), so it is the item,
 * not a widget, that holds it.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-task-item.h"
#include "care-ui-util.h"

struct _CareTaskItem
{
  GObject parent_instance;

  char *task;
  char *label;
  char *reason_given;   /* the store's reason for "not done" */
  gboolean essential;
  int answer;           /* -1 unanswered, 0 not done, 1 done */
  gboolean asking;
  gboolean for_done;
  char *reason;         /* typed */
};

G_DEFINE_FINAL_TYPE (CareTaskItem, care_task_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TASK,
  PROP_LABEL,
  PROP_ESSENTIAL,
  PROP_ANSWER,
  PROP_ANSWER_TEXT,
  PROP_DONE,
  PROP_NOT_DONE,
  PROP_ASKING,
  PROP_FOR_DONE,
  PROP_REASON_PROMPT,
  PROP_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_task_item_finalize (GObject *object)
{
  CareTaskItem *self = CARE_TASK_ITEM (object);

  g_free (self->task);
  g_free (self->label);
  g_free (self->reason_given);
  g_free (self->reason);
  G_OBJECT_CLASS (care_task_item_parent_class)->finalize (object);
}

/* "Done", "Not done: reason", "Not answered yet…" */
static char *
answer_text (CareTaskItem *self)
{
  if (self->answer == 1)
    return g_strdup (_("Done"));
  if (self->answer == 0)
    return g_strdup_printf (_("Not done: %s"), self->reason_given != NULL ? self->reason_given : "");
  return g_strdup (self->essential ? _("Not answered yet: needed before check-out") : _("Not answered yet"));
}

static void
care_task_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CareTaskItem *self = CARE_TASK_ITEM (object);

  switch (prop_id)
    {
    case PROP_TASK:
      g_value_set_string (value, self->task);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_ESSENTIAL:
      g_value_set_boolean (value, self->essential);
      break;
    case PROP_ANSWER:
      g_value_set_int (value, self->answer);
      break;
    case PROP_ANSWER_TEXT:
      g_value_take_string (value, answer_text (self));
      break;
    case PROP_DONE:
      g_value_set_boolean (value, self->answer == 1);
      break;
    case PROP_NOT_DONE:
      g_value_set_boolean (value, self->answer == 0);
      break;
    case PROP_ASKING:
      g_value_set_boolean (value, self->asking);
      break;
    case PROP_FOR_DONE:
      g_value_set_boolean (value, self->for_done);
      break;
    case PROP_REASON_PROMPT:
      g_value_set_string (value, self->for_done ? _("The visit is finished: why is it done after all?")
                                                : _("Why was it not done?"));
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_task_item_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CareTaskItem *self = CARE_TASK_ITEM (object);
  const char *text;

  switch (prop_id)
    {
    case PROP_REASON:
      text = g_value_get_string (value);
      if (care_set_string (&self->reason, text != NULL ? text : ""))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_task_item_class_init (CareTaskItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = care_task_item_finalize;
  object_class->get_property = care_task_item_get_property;
  object_class->set_property = care_task_item_set_property;

  properties[PROP_TASK] = g_param_spec_string ("task", NULL, NULL, NULL, ro);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, ro);
  properties[PROP_ESSENTIAL] = g_param_spec_boolean ("essential", NULL, NULL, FALSE, ro);
  properties[PROP_ANSWER] = g_param_spec_int ("answer", NULL, NULL, -1, 1, -1, ro);
  properties[PROP_ANSWER_TEXT] = g_param_spec_string ("answer-text", NULL, NULL, NULL, ro);
  properties[PROP_DONE] = g_param_spec_boolean ("done", NULL, NULL, FALSE, ro);
  properties[PROP_NOT_DONE] = g_param_spec_boolean ("not-done", NULL, NULL, FALSE, ro);
  /* Whether the reason entry is shown, and what it asks. */
  properties[PROP_ASKING] = g_param_spec_boolean ("asking", NULL, NULL, FALSE, ro);
  properties[PROP_FOR_DONE] = g_param_spec_boolean ("for-done", NULL, NULL, FALSE, ro);
  properties[PROP_REASON_PROMPT] = g_param_spec_string ("reason-prompt", NULL, NULL, NULL, ro);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_task_item_init (CareTaskItem *self)
{
  self->answer = -1;
  self->reason = g_strdup ("");   /* bound to an entry, which takes no NULL */
}

CareTaskItem *
care_task_item_new (const CareTaskState *task)
{
  CareTaskItem *self = g_object_new (CARE_TYPE_TASK_ITEM, NULL);

  self->task = g_strdup (task->task);
  self->label = g_strdup (task->label);
  self->essential = task->essential;
  self->answer = task->answer;
  self->reason_given = g_strdup (task->reason);
  return self;
}

void
care_task_item_update (CareTaskItem *self,
                       CareTaskItem *fresh)
{
  gboolean answer_changed;
  gboolean text_changed;

  g_return_if_fail (CARE_IS_TASK_ITEM (self));
  g_return_if_fail (CARE_IS_TASK_ITEM (fresh));

  g_object_freeze_notify (G_OBJECT (self));
  if (care_set_string (&self->label, fresh->label))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
  answer_changed = self->answer != fresh->answer;
  text_changed = answer_changed || self->essential != fresh->essential;
  if (self->essential != fresh->essential)
    {
      self->essential = fresh->essential;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ESSENTIAL]);
    }
  if (answer_changed)
    {
      self->answer = fresh->answer;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWER]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_DONE]);
    }
  if (care_set_string (&self->reason_given, fresh->reason_given))
    text_changed = TRUE;
  if (text_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWER_TEXT]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
care_task_item_get_task (CareTaskItem *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ITEM (self), NULL);
  return self->task;
}

int
care_task_item_get_answer (CareTaskItem *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ITEM (self), -1);
  return self->answer;
}

void
care_task_item_ask (CareTaskItem *self,
                    gboolean      ask,
                    gboolean      for_done)
{
  g_return_if_fail (CARE_IS_TASK_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (!ask && care_set_string (&self->reason, ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
  if (self->for_done != for_done)
    {
      self->for_done = for_done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOR_DONE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON_PROMPT]);
    }
  if (self->asking != ask)
    {
      self->asking = ask;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASKING]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
care_task_item_get_asking (CareTaskItem *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ITEM (self), FALSE);
  return self->asking;
}

gboolean
care_task_item_get_for_done (CareTaskItem *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ITEM (self), FALSE);
  return self->for_done;
}

char *
care_task_item_dup_reason (CareTaskItem *self)
{
  g_return_val_if_fail (CARE_IS_TASK_ITEM (self), NULL);
  return g_strstrip (g_strdup (self->reason));
}
