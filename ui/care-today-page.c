/* care-today-page.c: a carer's day (today, or a day before or after), the
 * queries waiting for an answer on any day, and starting an unscheduled
 * visit.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lists are GListStores (CareVisitItem for the visits and the queries,
 * CareClientItem for the clients) bound to their list boxes; a read of the
 * store replaces the items and the rows follow.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-client-row.h"
#include "care-today-page.h"
#include "care-ui-util.h"
#include "care-visit-row.h"

struct _CareTodayPage
{
  AdwBin parent_instance;

  GtkLabel *date_label;
  GtkButton *today_button;
  GtkLabel *error_label;
  GtkBox *queries_box;
  GtkListBox *queries_list;
  GtkListBox *visits_list;
  GtkButton *unscheduled_button;
  GtkRevealer *clients_revealer;
  GtkListBox *clients_list;
  GtkLabel *placeholder;

  CareStore *store;
  GListStore *visits;   /* CareVisitItem, the day's visits in time order */
  GListStore *queries;  /* CareVisitItem, open queries on any day */
  GListStore *clients;  /* CareClientItem, the carer's clients */
  int day_offset;       /* the day shown, in days from today */
};

G_DEFINE_FINAL_TYPE (CareTodayPage, care_today_page, ADW_TYPE_BIN)

enum {
  SIGNAL_OPEN_VISIT,
  SIGNAL_START_VISIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How many open queries Today lists at most. */
#define MAX_QUERIES 20

static GtkWidget *
create_visit_row_cb (gpointer item,
                     gpointer user_data)
{
  return care_visit_row_new (item);
}

static GtkWidget *
create_client_row_cb (gpointer item,
                      gpointer user_data)
{
  return care_client_row_new (item);
}

static void
fill_clients (CareTodayPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  const char *member = care_store_get_member (self->store);

  clients = care_store_list_clients (self->store, member, &error);
  if (clients == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      g_list_store_remove_all (self->clients);
      return;
    }
  for (guint i = 0; i < clients->len; i++)
    {
      const char *client = g_ptr_array_index (clients, i);
      g_autofree char *name = care_store_get_client_name (self->store, client);

      g_ptr_array_add (items, care_client_item_new (client, name));
    }
  g_list_store_splice (self->clients, 0, g_list_model_get_n_items (G_LIST_MODEL (self->clients)),
                       items->pdata, items->len);
}

static void
visit_activated_cb (CareTodayPage *self,
                    GtkListBoxRow *row)
{
  CareVisitItem *item;

  if (!CARE_IS_VISIT_ROW (row))
    return;
  item = care_visit_row_get_item (CARE_VISIT_ROW (row));
  g_signal_emit (self, signals[SIGNAL_OPEN_VISIT], 0, care_visit_item_get_summary (item));
}

static void
client_activated_cb (CareTodayPage *self,
                     GtkListBoxRow *row)
{
  CareClientItem *item;

  if (!CARE_IS_CLIENT_ROW (row))
    return;
  item = care_client_row_get_item (CARE_CLIENT_ROW (row));
  gtk_revealer_set_reveal_child (self->clients_revealer, FALSE);
  g_signal_emit (self, signals[SIGNAL_START_VISIT], 0, care_client_item_get_id (item),
                 care_client_item_get_name (item));
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
move_day (CareTodayPage *self,
          int            offset)
{
  if (self->store == NULL)
    return;
  self->day_offset = offset;
  gtk_revealer_set_reveal_child (self->clients_revealer, FALSE);
  care_today_page_refresh (self);
}

static void
previous_day_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CareTodayPage *self = CARE_TODAY_PAGE (widget);

  move_day (self, self->day_offset - 1);
}

static void
next_day_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CareTodayPage *self = CARE_TODAY_PAGE (widget);

  move_day (self, self->day_offset + 1);
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  move_day (CARE_TODAY_PAGE (widget), 0);
}

static void
care_today_page_finalize (GObject *object)
{
  CareTodayPage *self = CARE_TODAY_PAGE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->visits);
  g_clear_object (&self->queries);
  g_clear_object (&self->clients);
  G_OBJECT_CLASS (care_today_page_parent_class)->finalize (object);
}

static void
care_today_page_class_init (CareTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = care_today_page_finalize;

  /* The argument is a const CareVisitSummary *, valid during emission. */
  signals[SIGNAL_OPEN_VISIT] =
    g_signal_new ("open-visit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* client id, client name */
  signals[SIGNAL_START_VISIT] =
    g_signal_new ("start-visit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (CARE_TYPE_VISIT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, date_label);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, today_button);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, queries_box);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, queries_list);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, visits_list);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, unscheduled_button);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, clients_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, clients_list);
  gtk_widget_class_bind_template_child (widget_class, CareTodayPage, placeholder);
  gtk_widget_class_bind_template_callback (widget_class, visit_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, client_activated_cb);
  gtk_widget_class_install_action (widget_class, "today.choose-client", NULL, choose_client_action);
  gtk_widget_class_install_action (widget_class, "today.previous-day", NULL, previous_day_action);
  gtk_widget_class_install_action (widget_class, "today.next-day", NULL, next_day_action);
  gtk_widget_class_install_action (widget_class, "today.today", NULL, today_action);
}

static void
care_today_page_init (CareTodayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->visits = g_list_store_new (CARE_TYPE_VISIT_ITEM);
  gtk_list_box_bind_model (self->visits_list, G_LIST_MODEL (self->visits),
                           create_visit_row_cb, NULL, NULL);
  self->queries = g_list_store_new (CARE_TYPE_VISIT_ITEM);
  gtk_list_box_bind_model (self->queries_list, G_LIST_MODEL (self->queries),
                           create_visit_row_cb, NULL, NULL);
  self->clients = g_list_store_new (CARE_TYPE_CLIENT_ITEM);
  gtk_list_box_bind_model (self->clients_list, G_LIST_MODEL (self->clients),
                           create_client_row_cb, NULL, NULL);
}

/* Replaces a list's items with visits read from the store (taking them),
 * unless they show the same: the minute's refresh then draws nothing. */
static void
replace_items (GListStore *list,
               GPtrArray  *visits,
               GTimeZone  *tz,
               gboolean    with_day)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean same = n == visits->len;

  for (guint i = 0; same && i < n; i++)
    {
      g_autoptr(CareVisitItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      same = care_visit_item_shows (item, g_ptr_array_index (visits, i));
    }
  if (same)
    return;
  for (guint i = 0; i < visits->len; i++)
    g_ptr_array_add (items, care_visit_item_new (g_steal_pointer (&visits->pdata[i]), tz, with_day));
  g_list_store_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                       items->pdata, items->len);
}

/* The open queries on other days than the one shown (the day's own are in
 * its list, with their message). */
static void
refresh_queries (CareTodayPage *self,
                 GTimeZone     *tz,
                 GPtrArray     *day_visits)
{
  g_autoptr(GPtrArray) queried = NULL;
  CareVisitFilter filter = { 0 };

  filter.carer = care_store_get_member (self->store);
  filter.review = CARE_REVIEW_QUERIED;
  filter.limit = MAX_QUERIES;
  queried = care_store_list_visits (self->store, &filter, NULL);
  if (queried == NULL)
    queried = g_ptr_array_new ();
  for (guint i = queried->len; i-- > 0;)
    {
      const CareVisitSummary *q = g_ptr_array_index (queried, i);

      for (guint k = 0; day_visits != NULL && k < day_visits->len; k++)
        if (g_strcmp0 (((CareVisitSummary *) g_ptr_array_index (day_visits, k))->visit, q->visit) == 0)
          {
            g_ptr_array_remove_index (queried, i);
            break;
          }
    }
  replace_items (self->queries, queried, tz, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->queries_box), queried->len > 0);
}

void
care_today_page_set_store (CareTodayPage *self,
                           CareStore     *store)
{
  g_return_if_fail (CARE_IS_TODAY_PAGE (self));

  care_follow_store (self, &self->store, store, G_CALLBACK (care_today_page_refresh));
  self->day_offset = 0;
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
  gboolean today;
  GDate date;

  g_return_if_fail (CARE_IS_TODAY_PAGE (self));

  if (self->store == NULL || care_store_get_member (self->store) == NULL)
    return;
  today = self->day_offset == 0;
  tz = care_store_get_timezone (self->store);
  now = g_date_time_new_from_unix_utc (care_store_now (self->store) / 1000);
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (now, tz);

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, g_date_time_get_day_of_month (local),
                    g_date_time_get_month (local), g_date_time_get_year (local));
  }
  if (self->day_offset > 0)
    g_date_add_days (&date, self->day_offset);
  else if (self->day_offset < 0)
    g_date_subtract_days (&date, -self->day_offset);
  day = care_format_day (&date);
  gtk_label_set_label (self->date_label, day);
  gtk_widget_set_visible (GTK_WIDGET (self->today_button), !today);
  /* An unscheduled visit starts now, with the client. */
  gtk_widget_set_visible (GTK_WIDGET (self->unscheduled_button), today);
  gtk_label_set_label (self->placeholder,
                       today ? _("No visits planned today. Start an unscheduled visit below if you are with a client.")
                             : _("No visits on this day."));

  visits = care_store_list_day (self->store, care_store_get_member (self->store), &date, &error);
  refresh_queries (self, tz, visits);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), visits == NULL);
  if (visits == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      return;
    }
  replace_items (self->visits, visits, tz, FALSE);
}

GListModel *
care_today_page_get_visits (CareTodayPage *self)
{
  g_return_val_if_fail (CARE_IS_TODAY_PAGE (self), NULL);

  return G_LIST_MODEL (self->visits);
}

int
care_today_page_get_day_offset (CareTodayPage *self)
{
  g_return_val_if_fail (CARE_IS_TODAY_PAGE (self), 0);

  return self->day_offset;
}
