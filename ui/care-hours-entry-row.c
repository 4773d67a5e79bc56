/* care-hours-entry-row.c: one manual hours entry, corrected with a reason.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row shows the entry; expanded, it offers the new length (0 withdraws
 * the entry) and asks why. "correct" carries both; the page writes the
 * correction and reads the week again.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-hours-entry-row.h"
#include "care-ui-util.h"

struct _CareHoursEntryRow
{
  AdwExpanderRow parent_instance;

  GtkLabel *amount_label;
  GtkSpinButton *hours_spin;
  GtkSpinButton *minutes_spin;
  GtkEntry *reason_entry;
  GtkLabel *error_label;

  CareHoursEntry entry;
};

G_DEFINE_FINAL_TYPE (CareHoursEntryRow, care_hours_entry_row, ADW_TYPE_EXPANDER_ROW)

enum {
  SIGNAL_CORRECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "travel") == 0)
    return _("Travel");
  if (g_strcmp0 (kind, "training") == 0)
    return _("Training");
  return _("Other");
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareHoursEntryRow *self = CARE_HOURS_ENTRY_ROW (widget);
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
  int minutes = gtk_spin_button_get_value_as_int (self->hours_spin) * 60
                + gtk_spin_button_get_value_as_int (self->minutes_spin);

  if (*reason == '\0')
    {
      care_hours_entry_row_set_error (self, _("Say why you are correcting it: the co-ordinator sees the reason."));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CORRECT], 0, minutes, reason);
}

/* Enter in the reason saves, as the button does. */
static void
reason_activate_cb (CareHoursEntryRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "entry.save", NULL);
}

static void
care_hours_entry_row_finalize (GObject *object)
{
  CareHoursEntryRow *self = CARE_HOURS_ENTRY_ROW (object);

  g_free (self->entry.entry);
  g_free (self->entry.kind);
  g_free (self->entry.comment);
  G_OBJECT_CLASS (care_hours_entry_row_parent_class)->finalize (object);
}

static void
care_hours_entry_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_HOURS_ENTRY_ROW);
  G_OBJECT_CLASS (care_hours_entry_row_parent_class)->dispose (object);
}

static void
care_hours_entry_row_class_init (CareHoursEntryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_hours_entry_row_dispose;
  object_class->finalize = care_hours_entry_row_finalize;

  /* minutes (0 withdraws the entry), reason */
  signals[SIGNAL_CORRECT] =
    g_signal_new ("correct", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-hours-entry-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CareHoursEntryRow, amount_label);
  gtk_widget_class_bind_template_child (widget_class, CareHoursEntryRow, hours_spin);
  gtk_widget_class_bind_template_child (widget_class, CareHoursEntryRow, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, CareHoursEntryRow, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, CareHoursEntryRow, error_label);
  gtk_widget_class_bind_template_callback (widget_class, reason_activate_cb);
  gtk_widget_class_install_action (widget_class, "entry.save", NULL, save_action);
}

static void
care_hours_entry_row_init (CareHoursEntryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_hours_entry_row_new (const CareHoursEntry *entry)
{
  CareHoursEntryRow *self;
  g_autofree char *amount = NULL;
  g_autofree char *day = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (CARE_TYPE_HOURS_ENTRY_ROW, NULL);
  self->entry.entry = g_strdup (entry->entry);
  self->entry.kind = g_strdup (entry->kind);
  self->entry.date = entry->date;
  self->entry.minutes = entry->minutes;
  self->entry.comment = g_strdup (entry->comment);

  day = care_format_day (&entry->date);
  amount = entry->minutes > 0 ? care_format_minutes (entry->minutes) : g_strdup (_("Withdrawn"));
  title = g_strdup_printf ("%s · %s", kind_label (entry->kind), day);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  if (entry->comment != NULL && *entry->comment)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), entry->comment);
  gtk_label_set_label (self->amount_label, amount);
  gtk_spin_button_set_value (self->hours_spin, (double) (entry->minutes / 60));
  gtk_spin_button_set_value (self->minutes_spin, (double) (entry->minutes % 60));
  subtitle = g_strdup_printf (_("%s, %s: correct it"), title, amount);
  care_set_accessible_label (GTK_WIDGET (self), subtitle);
  return GTK_WIDGET (self);
}

const CareHoursEntry *
care_hours_entry_row_get_entry (CareHoursEntryRow *self)
{
  g_return_val_if_fail (CARE_IS_HOURS_ENTRY_ROW (self), NULL);

  return &self->entry;
}

void
care_hours_entry_row_set_error (CareHoursEntryRow *self,
                                const char        *message)
{
  g_return_if_fail (CARE_IS_HOURS_ENTRY_ROW (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}
