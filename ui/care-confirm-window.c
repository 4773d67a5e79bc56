/* care-confirm-window.c: the client's word on a visit, at the door.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened on the carer's tablet after check-out (the check-out is already
 * saved: nothing here can hold it back), and on a family member's device
 * for a visit afterwards. Written for the person cared for: large plain
 * words, the carer's name, the times and the tasks of this visit. Each
 * answer is one visit.verified record (docs/family.md).
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-confirm-window.h"
#include "care-ui-util.h"

struct _CareConfirmWindow
{
  AdwWindow parent_instance;

  GtkStack *stack;
  GtkLabel *visit_label;
  GtkLabel *tasks_label;
  GtkWidget *who_box;
  GtkToggleButton *family_toggle;
  GtkRevealer *dispute_revealer;
  GtkEntry *dispute_entry;
  GtkLabel *error_label;
  GtkWidget *carer_box;
  GtkLabel *thanks_label;

  CareStore *store;
  char *visit;
  gboolean family;
};

G_DEFINE_FINAL_TYPE (CareConfirmWindow, care_confirm_window, ADW_TYPE_WINDOW)

/* The visit in the client's words: who came, when, what was done. */
static void
describe_visit (CareConfirmWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareVisitDetail) d = care_store_get_visit (self->store, self->visit, &error);
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self->store);
  g_autoptr(GString) tasks = g_string_new (NULL);
  g_autoptr(GString) not_done = g_string_new (NULL);
  g_autofree char *from = NULL, *to = NULL, *visit = NULL;

  if (d == NULL)
    {
      gtk_label_set_label (self->visit_label, error->message);
      return;
    }
  from = care_format_time (d->summary.started_at, tz);
  to = d->summary.finished_at > 0 ? care_format_time (d->summary.finished_at, tz) : NULL;
  /* Translators: e.g. "Ana Lima was with you from 09:02 to 09:41." */
  visit = to != NULL ? g_strdup_printf (_("%s was with you from %s to %s."), d->summary.carer_name, from, to)
                     : g_strdup_printf (_("%s was with you from %s."), d->summary.carer_name, from);
  gtk_label_set_label (self->visit_label, visit);
  for (guint i = 0; i < d->tasks->len; i++)
    {
      const CareTaskState *t = g_ptr_array_index (d->tasks, i);

      if (t->answer == 1)
        g_string_append_printf (tasks, "• %s\n", t->label);
      else if (t->answer == 0)
        g_string_append_printf (not_done, "• %s%s%s\n", t->label, t->reason ? ": " : "", t->reason ? t->reason : "");
    }
  if (tasks->len > 0)
    g_string_prepend (tasks, _("Done today:\n"));
  if (not_done->len > 0)
    g_string_append_printf (tasks, "%s%s", _("Not done:\n"), not_done->str);
  if (tasks->len == 0)
    g_string_append (tasks, _("No tasks were written down for this visit."));
  while (tasks->len > 0 && tasks->str[tasks->len - 1] == '\n')
    g_string_truncate (tasks, tasks->len - 1);
  gtk_label_set_label (self->tasks_label, tasks->str);
}

static void
show_error (CareConfirmWindow *self,
            const char        *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static const char *
answered_by (CareConfirmWindow *self)
{
  return self->family || gtk_toggle_button_get_active (self->family_toggle) ? "family" : "client";
}

static void
record (CareConfirmWindow *self,
        const char        *outcome,
        const char        *by,
        const char        *reason,
        const char        *text,
        const char        *thanks)
{
  g_autoptr(GError) error = NULL;

  if (!care_store_verify_visit (self->store, self->visit, outcome, by, reason, text, &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_label_set_label (self->thanks_label, thanks);
  gtk_stack_set_visible_child_name (self->stack, "thanks");
}

static void
yes_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CareConfirmWindow *self = CARE_CONFIRM_WINDOW (widget);

  record (self, "confirmed", answered_by (self), NULL, NULL, _("Thank you. The visit is confirmed."));
}

static void
not_right_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CareConfirmWindow *self = CARE_CONFIRM_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->dispute_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->dispute_entry));
}

static void
send_dispute_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CareConfirmWindow *self = CARE_CONFIRM_WINDOW (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->dispute_entry))));

  if (*text == '\0')
    {
      show_error (self, _("Write a few words about what is not right first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->dispute_entry));
      return;
    }
  record (self, "disputed", answered_by (self), NULL, text,
          _("Thank you. A co-ordinator will look at it and answer you."));
}

static void
nobody_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CareConfirmWindow *self = CARE_CONFIRM_WINDOW (widget);

  record (self, "not-possible", NULL, g_variant_get_string (parameter, NULL), NULL,
          _("Saved: nobody could confirm this visit."));
}

static void
dispute_activate_cb (CareConfirmWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "confirm.send-dispute", NULL);
}

static void
care_confirm_window_dispose (GObject *object)
{
  CareConfirmWindow *self = CARE_CONFIRM_WINDOW (object);

  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_CONFIRM_WINDOW);
  G_OBJECT_CLASS (care_confirm_window_parent_class)->dispose (object);
}

static void
care_confirm_window_finalize (GObject *object)
{
  g_free (CARE_CONFIRM_WINDOW (object)->visit);
  G_OBJECT_CLASS (care_confirm_window_parent_class)->finalize (object);
}

static void
care_confirm_window_class_init (CareConfirmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_confirm_window_dispose;
  object_class->finalize = care_confirm_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-confirm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, visit_label);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, tasks_label);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, who_box);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, family_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, dispute_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, dispute_entry);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, carer_box);
  gtk_widget_class_bind_template_child (widget_class, CareConfirmWindow, thanks_label);
  gtk_widget_class_bind_template_callback (widget_class, dispute_activate_cb);
  gtk_widget_class_install_action (widget_class, "confirm.yes", NULL, yes_action);
  gtk_widget_class_install_action (widget_class, "confirm.not-right", NULL, not_right_action);
  gtk_widget_class_install_action (widget_class, "confirm.send-dispute", NULL, send_dispute_action);
  gtk_widget_class_install_action (widget_class, "confirm.nobody", "s", nobody_action);
}

static void
care_confirm_window_init (CareConfirmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CareConfirmWindow *
care_confirm_window_new (CareStore  *store,
                         const char *visit,
                         gboolean    family,
                         GtkWindow  *parent)
{
  CareConfirmWindow *self = g_object_new (CARE_TYPE_CONFIRM_WINDOW, NULL);

  self->store = g_object_ref (store);
  self->visit = g_strdup (visit);
  self->family = family;
  /* The family answers as the family; only a carer says why nobody could. */
  gtk_widget_set_visible (self->who_box, !family);
  gtk_widget_set_visible (self->carer_box, !family);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      /* As big as the screen it covers, on a tablet or a phone. */
      gtk_window_set_default_size (GTK_WINDOW (self), gtk_widget_get_width (GTK_WIDGET (parent)),
                                   gtk_widget_get_height (GTK_WIDGET (parent)));
    }
  describe_visit (self);
  return self;
}
