/* care-timesheet-row.c: a carer's week on the Timesheets page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything shown is bound to the item in care-timesheet-row.ui; the row
 * only says what was asked (signals) and names its widgets after the carer
 * (for the tests and for accessibility labels that say whose week it is).
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-timesheet-row.h"
#include "care-ui-util.h"

struct _CareTimesheetRow
{
  CareItemRow parent_instance;

  GtkWidget *summary;
  GtkWidget *approve;
  GtkWidget *changed;
  GtkWidget *warnings;
  GtkWidget *warnings_text;
  GtkWidget *anyway;
  GtkWidget *withdraw_toggle;
  GtkWidget *withdraw_entry;
  GtkWidget *withdraw_send;
  GtkWidget *query_toggle;
  GtkWidget *query_entry;
  GtkWidget *query_send;
  GtkWidget *days;
};

G_DEFINE_FINAL_TYPE (CareTimesheetRow, care_timesheet_row, CARE_TYPE_ITEM_ROW)

enum {
  SIGNAL_APPROVE,
  SIGNAL_APPROVE_ANYWAY,
  SIGNAL_WITHDRAW,
  SIGNAL_QUERY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
approve_clicked_cb (CareTimesheetRow *self)
{
  g_signal_emit (self, signals[SIGNAL_APPROVE], 0);
}

static void
anyway_clicked_cb (CareTimesheetRow *self)
{
  g_signal_emit (self, signals[SIGNAL_APPROVE_ANYWAY], 0);
}

static void
send_message (CareTimesheetRow *self,
              GtkWidget        *entry,
              guint             signal)
{
  g_autofree char *message = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*message == '\0')
    gtk_widget_grab_focus (entry);
  g_signal_emit (self, signals[signal], 0, message);
}

static void
withdraw_clicked_cb (CareTimesheetRow *self)
{
  send_message (self, self->withdraw_entry, SIGNAL_WITHDRAW);
}

static void
query_clicked_cb (CareTimesheetRow *self)
{
  send_message (self, self->query_entry, SIGNAL_QUERY);
}

static GtkWidget *
day_label_new (gpointer item,
               gpointer user_data)
{
  GtkWidget *label = gtk_label_new (gtk_string_object_get_string (item));

  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

/* Names after the carer, and labels that say whose week it is. */
static void
name_widgets (CareTimesheetRow *self)
{
  CareTimesheetItem *item = care_timesheet_row_get_item (self);
  const char *carer = care_timesheet_item_get_carer (item);
  const char *name = care_timesheet_item_get_name (item);
  const struct { GtkWidget *widget; const char *prefix; } names[] = {
    { self->approve, "approve-week-" }, { self->changed, "week-changed-" },
    { self->warnings, "approve-warnings-" }, { self->warnings_text, "approve-warnings-text-" },
    { self->anyway, "approve-anyway-" }, { self->withdraw_toggle, "withdraw-week-toggle-" },
    { self->withdraw_entry, "withdraw-reason-" }, { self->withdraw_send, "withdraw-week-" },
    { self->query_toggle, "query-week-" }, { self->query_entry, "week-message-" },
    { self->query_send, "send-week-query-" },
  };
  g_autofree char *approve = g_strdup_printf (_("Approve the timesheet of %s"), name);
  g_autofree char *anyway = g_strdup_printf (_("Approve the timesheet of %s all the same"), name);
  g_autofree char *withdraw = g_strdup_printf (_("Withdraw the approval of the timesheet of %s"), name);
  g_autofree char *query = g_strdup_printf (_("Ask %s about this timesheet"), name);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *widget_name = g_strconcat (names[i].prefix, carer, NULL);

      gtk_widget_set_name (names[i].widget, widget_name);
    }
  care_set_accessible_label (self->approve, approve);
  care_set_accessible_label (self->anyway, anyway);
  care_set_accessible_label (self->withdraw_toggle, withdraw);
  care_set_accessible_label (self->withdraw_send, withdraw);
  care_set_accessible_label (self->withdraw_entry, _("Why the approval is withdrawn"));
  care_set_accessible_label (self->query_toggle, query);
  care_set_accessible_label (self->query_send, query);
  care_set_accessible_label (self->query_entry, _("Message to the carer about this timesheet"));
}

static void
care_timesheet_row_constructed (GObject *object)
{
  CareTimesheetRow *self = CARE_TIMESHEET_ROW (object);
  CareTimesheetItem *item = care_timesheet_row_get_item (self);
  gboolean off_plan;

  G_OBJECT_CLASS (care_timesheet_row_parent_class)->constructed (object);
  name_widgets (self);
  g_object_get (item, "off-plan", &off_plan, NULL);
  if (off_plan)
    gtk_widget_add_css_class (self->summary, "warning");
  gtk_flow_box_bind_model (GTK_FLOW_BOX (self->days), care_timesheet_item_get_days (item),
                           day_label_new, NULL, NULL);
}

static void
care_timesheet_row_class_init (CareTimesheetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_timesheet_row_constructed;

  signals[SIGNAL_APPROVE] = g_signal_new ("approve", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_APPROVE_ANYWAY] = g_signal_new ("approve-anyway", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_WITHDRAW] = g_signal_new ("withdraw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_QUERY] = g_signal_new ("query", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-timesheet-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, summary);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, approve);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, changed);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, warnings);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, warnings_text);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, anyway);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, withdraw_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, withdraw_entry);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, withdraw_send);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, query_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, query_entry);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, query_send);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetRow, days);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, anyway_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, withdraw_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_clicked_cb);
}

static void
care_timesheet_row_init (CareTimesheetRow *self)
{
  g_type_ensure (CARE_TYPE_TIMESHEET_ITEM);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_timesheet_row_new (CareTimesheetItem *item)
{
  g_return_val_if_fail (CARE_IS_TIMESHEET_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_TIMESHEET_ROW, "item", item, NULL);
}

CareTimesheetItem *
care_timesheet_row_get_item (CareTimesheetRow *self)
{
  g_return_val_if_fail (CARE_IS_TIMESHEET_ROW (self), NULL);
  return care_item_row_get_item (CARE_ITEM_ROW (self));
}
