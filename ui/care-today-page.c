/* care-today-page.c: today's visits and starting an unscheduled one.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-today-page.h"
#include "care-ui-util.h"

struct _CareTodayPage
{
  AdwBin parent_instance;

  GtkLabel *date_label;
  GtkLabel *error_label;
  GtkListBox *visits_list;
  GtkRevealer *clients_revealer;
  GtkListBox *clients_list;

  CareStore *store;
  GPtrArray *visits;    /* CareVisitSummary, in list order */
  GPtrArray *clients;   /* char *, ids in list order */
};

G_DEFINE_FINAL_TYPE (CareTodayPage, care_today_page, ADW_TYPE_BIN)

enum {
  SIGNAL_OPEN_VISIT,
  SIGNAL_START_VISIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
visit_row_new (const CareVisitSummary *v,
               GTimeZone              *tz,
               guint                   index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *sync_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *state;
  GtkWidget *time_label;
  g_autofree char *time = NULL;
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *name = g_strdup_printf ("visit-row-%u", index);
  const char *service = care_service_label (v->service);
  const char *sync = care_sync_state_label (v->sync, v->review);

  if (v->started_at > 0)
    time = care_format_time (v->started_at, tz);
  else if (v->planned_start > 0)
    time = care_format_time (v->planned_start, tz);
  else
    time = g_strdup ("--:--");

  gtk_widget_set_name (row, name);
  gtk_widget_set_size_request (row, -1, 64);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  time_label = gtk_label_new (time);
  gtk_widget_add_css_class (time_label, "title-4");
  gtk_widget_add_css_class (time_label, "numeric");
  gtk_widget_set_valign (time_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), time_label);

  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), care_label_new_wrapped (v->client_name != NULL ? v->client_name : v->client, "heading"));
  if (v->client_address != NULL && *v->client_address)
    details = g_strdup_printf ("%s · %s", service, v->client_address);
  else
    details = g_strdup (service);
  gtk_box_append (GTK_BOX (text), care_label_new_wrapped (details, "dim-label"));

  /* The state and, once started, where the record is: under the name, so
   * that narrow screens and large text keep the name readable. */
  state = gtk_label_new (care_visit_state_label (v->state));
  gtk_widget_set_name (state, "visit-state");
  gtk_widget_add_css_class (state, "visit-state");
  gtk_widget_add_css_class (state, care_visit_state_css_class (v->state));
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (sync_box), state);
  if (v->visit != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (care_sync_state_icon (v->sync, v->review));
      GtkWidget *label = care_label_new_wrapped (sync, "caption");

      gtk_widget_set_name (label, "row-sync-state");
      gtk_widget_set_margin_start (icon, 4);
      gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (sync_box), icon);
      gtk_box_append (GTK_BOX (sync_box), label);
      if (v->review == CARE_REVIEW_QUERIED)
        gtk_widget_add_css_class (sync_box, "warning");
    }
  gtk_widget_set_margin_top (sync_box, 2);
  gtk_box_append (GTK_BOX (text), sync_box);
  gtk_box_append (GTK_BOX (box), text);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  accessible = g_strdup_printf (v->visit != NULL ? _("%s, %s, %s, %s") : _("%s, %s, %s"),
                                time,
                                v->client_name != NULL ? v->client_name : v->client,
                                care_visit_state_label (v->state),
                                sync);
  care_set_accessible_label (row, accessible);
  return row;
}

static void
fill_clients (CareTodayPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  const char *member = care_store_get_member (self->store);

  care_clear_container (GTK_WIDGET (self->clients_list));
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  self->clients = g_ptr_array_new_with_free_func (g_free);
  clients = care_store_list_clients (self->store, member, &error);
  if (clients == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  for (guint i = 0; i < clients->len; i++)
    {
      const char *client = g_ptr_array_index (clients, i);
      g_autofree char *name = care_store_get_client_name (self->store, client);
      g_autofree char *widget_name = g_strdup_printf ("client-row-%u", i);
      g_autofree char *accessible = NULL;
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label = care_label_new_wrapped (name != NULL ? name : client, NULL);

      gtk_widget_set_name (row, widget_name);
      gtk_widget_set_size_request (row, -1, 52);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      accessible = g_strdup_printf (_("Start a visit to %s"), name != NULL ? name : client);
      care_set_accessible_label (row, accessible);
      gtk_list_box_append (self->clients_list, row);
      g_ptr_array_add (self->clients, g_strdup (client));
    }
  if (clients->len == 0)
    {
      GtkWidget *label = care_label_new_wrapped (_("No clients are assigned to you yet."), "dim-label");

      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_widget_set_margin_start (label, 12);
      gtk_list_box_append (self->clients_list, label);
    }
}

static void
visit_activated_cb (CareTodayPage *self,
                    GtkListBoxRow *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (self->visits == NULL || index < 0 || (guint) index >= self->visits->len)
    return;
  g_signal_emit (self, signals[SIGNAL_OPEN_VISIT], 0, g_ptr_array_index (self->visits, index));
}

static void
client_activated_cb (CareTodayPage *self,
                     GtkListBoxRow *row)
{
  int index = gtk_list_box_row_get_index (row);
  const char *client;
  g_autofree char *name = NULL;

  if (self->clients == NULL || index < 0 || (guint) index >= self->clients->len)
    return;
  client = g_ptr_array_index (self->clients, index);
  name = care_store_get_client_name (self->store, client);
  gtk_revealer_set_reveal_child (self->clients_revealer, FALSE);
  g_signal_emit (self, signals[SIGNAL_START_VISIT], 0, client, name != NULL ? name : client);
}

static void
choose_client_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CareTodayPage *self = CARE_TODAY_PAGE (widget);
  gboolean reveal = !gtk_revealer_get_reveal_child (self->clients_revealer);

  if (self->store == NULL)
    return;
  if (reveal)
    fill_clients (self);
  gtk_revealer_set_reveal_child (self->clients_revealer, reveal);
}

static void
care_today_page_dispose (GObject *object)
{
  G_OBJECT_CLASS (care_today_page_parent_class)->dispose (object);
}

static void
care_today_page_finalize (GObject *object)
{
  CareTodayPage *self = CARE_TODAY_PAGE (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->visits, g_ptr_array_unref);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  G_OBJECT_CLASS (care_today_page_parent_class)->finalize (object);
}

static void
care_today_page_class_init (CareTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_today_page_dispose;
  object_class->finalize = care_today_page_finalize;

  /* The argument is a const CareVisitSummary *, valid during emission. */
  signals[SIGNAL_OPEN_VISIT] =
    g_signal_new ("open-visit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* client id, client name */
  signals[SIGNAL_START_VISIT] =
    g_signal_new ("start-visit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, date_label);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, visits_list);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, clients_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, clients_list);
  gtk_widget_class_bind_template_callback (widget_class, visit_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, client_activated_cb);
  gtk_widget_class_install_action (widget_class, "today.choose-client", NULL, choose_client_action);
}

static void
care_today_page_init (CareTodayPage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  placeholder = care_label_new_wrapped (_("No visits planned today. Start an unscheduled visit below if you are with a client."),
                                        "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->visits_list, placeholder);
}

void
care_today_page_set_store (CareTodayPage *self,
                           CareStore     *store)
{
  g_return_if_fail (CARE_IS_TODAY_PAGE (self));

  g_set_object (&self->store, store);
  gtk_revealer_set_reveal_child (self->clients_revealer, FALSE);
  care_today_page_refresh (self);
}

void
care_today_page_refresh (CareTodayPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autofree char *day = NULL;
  GDate date;

  g_return_if_fail (CARE_IS_TODAY_PAGE (self));

  if (self->store == NULL || care_store_get_member (self->store) == NULL)
    return;
  tz = care_store_get_timezone (self->store);
  now = g_date_time_new_from_unix_utc (care_store_now (self->store) / 1000);
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (now, tz);

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, g_date_time_get_day_of_month (local),
                    g_date_time_get_month (local), g_date_time_get_year (local));
  }
  day = care_format_day (&date);
  gtk_label_set_label (self->date_label, day);

  visits = care_store_list_day (self->store, care_store_get_member (self->store), &date, &error);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), visits == NULL);
  if (visits == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      return;
    }
  care_clear_container (GTK_WIDGET (self->visits_list));
  for (guint i = 0; i < visits->len; i++)
    gtk_list_box_append (self->visits_list, visit_row_new (g_ptr_array_index (visits, i), tz, i));
  g_clear_pointer (&self->visits, g_ptr_array_unref);
  self->visits = g_steal_pointer (&visits);
}

GPtrArray *
care_today_page_get_visits (CareTodayPage *self)
{
  g_return_val_if_fail (CARE_IS_TODAY_PAGE (self), NULL);

  return self->visits;
}
