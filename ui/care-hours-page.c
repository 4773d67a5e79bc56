/* care-hours-page.c: this week's and last week's hours, and manual entries.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The two weeks are computed by the store in the reader's thread; adding an
 * entry is one small commit on the main thread.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-hours-entry-row.h"
#include "care-hours-page.h"
#include "care-hours-week.h"
#include "care-query-item.h"
#include "care-ui-util.h"

#define N_DAYS 14

struct _CareHoursPage
{
  AdwBin parent_instance;

  GtkLabel *error_label;
  GtkFlowBox *flow;
  CareHoursWeek *this_week;
  CareHoursWeek *last_week;
  GtkDropDown *kind_dropdown;
  GtkDropDown *day_dropdown;
  GtkSpinButton *hours_spin;
  GtkSpinButton *minutes_spin;
  GtkEntry *comment_entry;
  GtkLabel *form_error;

  CareStore *store;
  CareReader *reader;
  GCancellable *cancellable;
  GDate days[N_DAYS];   /* the day dropdown's days, newest first */
  guint n_days;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (CareHoursPage, care_hours_page, ADW_TYPE_BIN)


typedef struct
{
  char *member;
  int year[2];
  int week[2];
} WeeksQuery;

typedef struct
{
  CareWeekHours *weeks[2];
} WeeksResult;

static void
weeks_query_free (WeeksQuery *query)
{
  g_free (query->member);
  g_free (query);
}

static void
weeks_result_free (WeeksResult *result)
{
  g_clear_pointer (&result->weeks[0], care_week_hours_free);
  g_clear_pointer (&result->weeks[1], care_week_hours_free);
  g_free (result);
}

static gpointer
read_weeks (CareStore *store,
            gpointer   data,
            GError   **error)
{
  WeeksQuery *query = data;
  WeeksResult *result = g_new0 (WeeksResult, 1);

  for (int i = 0; i < 2; i++)
    {
      result->weeks[i] = care_store_get_week_hours (store, query->member, query->year[i],
                                                    query->week[i], error);
      if (result->weeks[i] == NULL)
        {
          weeks_result_free (result);
          return NULL;
        }
    }
  return result;
}

static void
entry_correct_cb (CareHoursPage     *self,
                  CareHoursEntryRow *row,
                  int                minutes,
                  const char        *reason)
{
  const CareHoursEntry *entry = care_hours_entry_row_get_entry (row);
  g_autoptr(GError) error = NULL;

  if (!care_store_correct_hours (self->store, entry->entry, entry->kind, &entry->date, minutes,
                                 entry->comment, reason, &error))
    {
      care_hours_entry_row_set_error (row, error->message);
      return;
    }
  care_store_changed (self->store);   /* this page too is read again */
}

static void
query_reply_cb (CareHoursPage *self,
                CareQueryItem *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = care_query_item_dup_reply (query);

  if (!care_store_answer_query (self->store, care_query_item_get_review (query), reply, &error))
    {
      care_form_item_set_error (CARE_FORM_ITEM (query), error->message);
      return;
    }
  care_store_changed (self->store);   /* this page too is read again */
}

static void
fill_days (CareHoursPage *self)
{
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self->store);
  g_autoptr(GDateTime) now_utc = g_date_time_new_from_unix_utc (care_store_now (self->store) / 1000);
  g_autoptr(GDateTime) now = g_date_time_to_timezone (now_utc, tz);
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  GDate today;
  int weekday;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  weekday = g_date_get_weekday (&today);   /* Monday = 1 */
  self->n_days = MIN (N_DAYS, (guint) (weekday + 7));
  for (guint i = 0; i < self->n_days; i++)
    {
      g_autofree char *label = NULL;

      self->days[i] = today;
      g_date_subtract_days (&self->days[i], i);
      if (i == 0)
        label = g_strdup (_("Today"));
      else if (i == 1)
        label = g_strdup (_("Yesterday"));
      else
        label = care_format_day (&self->days[i]);
      gtk_string_list_append (list, label);
    }
  gtk_drop_down_set_model (self->day_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->day_dropdown, 0);
}

static void
weeks_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CareHoursPage) self = user_data;
  g_autoptr(GError) error = NULL;
  WeeksResult *weeks = care_reader_run_finish (CARE_READER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), weeks == NULL);
  if (weeks == NULL)
    {
      gtk_label_set_label (self->error_label, error != NULL ? error->message : "");
      return;
    }
  care_hours_week_show (self->this_week, weeks->weeks[0]);
  care_hours_week_show (self->last_week, weeks->weeks[1]);
  weeks_result_free (weeks);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  static const char * const kinds[] = { "travel", "training", "other" };
  CareHoursPage *self = CARE_HOURS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *comment = NULL;
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  guint day = gtk_drop_down_get_selected (self->day_dropdown);
  int minutes = gtk_spin_button_get_value_as_int (self->hours_spin) * 60
                + gtk_spin_button_get_value_as_int (self->minutes_spin);

  if (self->store == NULL || day >= self->n_days)
    return;
  if (minutes <= 0)
    {
      gtk_label_set_label (self->form_error, _("Set how long it took, in hours and minutes."));
      gtk_widget_set_visible (GTK_WIDGET (self->form_error), TRUE);
      return;
    }
  comment = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));
  entry = care_store_add_hours (self->store, kinds[MIN (kind, 2)], &self->days[day], minutes,
                                *comment ? comment : NULL, &error);
  if (entry == NULL)
    {
      gtk_label_set_label (self->form_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->form_error), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), FALSE);
  gtk_spin_button_set_value (self->hours_spin, 0);
  gtk_spin_button_set_value (self->minutes_spin, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  care_store_changed (self->store);   /* this page too is read again */
}

static void
care_hours_page_dispose (GObject *object)
{
  CareHoursPage *self = CARE_HOURS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (care_hours_page_parent_class)->dispose (object);
}

static void
care_hours_page_finalize (GObject *object)
{
  CareHoursPage *self = CARE_HOURS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  G_OBJECT_CLASS (care_hours_page_parent_class)->finalize (object);
}

static void
care_hours_page_class_init (CareHoursPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CARE_TYPE_HOURS_WEEK);
  object_class->dispose = care_hours_page_dispose;
  object_class->finalize = care_hours_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-hours-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, flow);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, this_week);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, last_week);
  gtk_widget_class_bind_template_callback (widget_class, entry_correct_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_reply_cb);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, day_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, hours_spin);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, form_error);
  gtk_widget_class_install_action (widget_class, "hours.add", NULL, add_action);
}

static void
care_hours_page_init (CareHoursPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* The flow box only lays the weeks side by side when there is room; its
   * cells are not things to focus or select. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->flow));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gtk_widget_set_focusable (child, FALSE);
      gtk_widget_set_valign (child, GTK_ALIGN_START);
    }
}

/* Hidden, the page is read again when it is shown. */
static void
store_changed_cb (CareHoursPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    care_hours_page_refresh (self);
}

void
care_hours_page_set_store (CareHoursPage *self,
                           CareStore     *store,
                           CareReader    *reader)
{
  g_return_if_fail (CARE_IS_HOURS_PAGE (self));

  care_follow_store (self, &self->store, store, G_CALLBACK (store_changed_cb));
  g_set_object (&self->reader, reader);
  if (store != NULL && care_store_get_member (store) != NULL)
    fill_days (self);
}

void
care_hours_page_refresh (CareHoursPage *self)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) now_utc = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) week_ago = NULL;
  WeeksQuery *query;

  g_return_if_fail (CARE_IS_HOURS_PAGE (self));

  if (self->store == NULL || self->reader == NULL || care_store_get_member (self->store) == NULL)
    return;
  if (self->n_days == 0)
    fill_days (self);
  tz = care_store_get_timezone (self->store);
  now_utc = g_date_time_new_from_unix_utc (care_store_now (self->store) / 1000);
  now = g_date_time_to_timezone (now_utc, tz);
  week_ago = g_date_time_add_days (now, -7);
  query = g_new0 (WeeksQuery, 1);
  query->member = g_strdup (care_store_get_member (self->store));
  query->year[0] = g_date_time_get_week_numbering_year (now);
  query->week[0] = g_date_time_get_week_of_year (now);
  query->year[1] = g_date_time_get_week_numbering_year (week_ago);
  query->week[1] = g_date_time_get_week_of_year (week_ago);
  self->loading = TRUE;
  care_reader_run_async (self->reader, read_weeks, query, (GDestroyNotify) weeks_query_free,
                         (GDestroyNotify) weeks_result_free, self->cancellable,
                         weeks_ready_cb, g_object_ref (self));
}

gboolean
care_hours_page_is_loading (CareHoursPage *self)
{
  g_return_val_if_fail (CARE_IS_HOURS_PAGE (self), FALSE);

  return self->loading;
}
