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
#include "care-query-card.h"
#include "care-ui-util.h"

#define N_DAYS 14

struct _CareHoursPage
{
  AdwBin parent_instance;

  GtkLabel *error_label;
  GtkFlowBox *flow;
  GtkBox *this_week_box;
  GtkBox *last_week_box;
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

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
entry_correct_cb (CareHoursEntryRow *row,
                  int                minutes,
                  const char        *reason,
                  CareHoursPage     *self)
{
  const CareHoursEntry *entry = care_hours_entry_row_get_entry (row);
  g_autoptr(GError) error = NULL;

  if (!care_store_correct_hours (self->store, entry->entry, entry->kind, &entry->date, minutes,
                                 entry->comment, reason, &error))
    {
      care_hours_entry_row_set_error (row, error->message);
      return;
    }
  care_hours_page_refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
query_reply_cb (CareQueryCard *card,
                const char    *text,
                CareHoursPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!care_store_answer_query (self->store, care_query_card_get_review (card), text, &error))
    {
      care_query_card_set_error (card, error->message);
      return;
    }
  care_hours_page_refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* The week's manual entries, each correctable. */
static void
add_entries (CareHoursPage       *self,
             GtkBox              *box,
             const CareWeekHours *week,
             const char          *prefix)
{
  GtkWidget *list;
  g_autofree char *list_name = g_strdup_printf ("%s-entries", prefix);

  if (week->entries == NULL || week->entries->len == 0)
    return;
  gtk_box_append (box, care_label_new_wrapped (_("Travel, training and other time"), "heading"));
  list = gtk_list_box_new ();
  gtk_widget_set_name (list, list_name);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  care_set_accessible_label (list, _("Travel, training and other time"));
  for (guint i = 0; i < week->entries->len; i++)
    {
      GtkWidget *row = care_hours_entry_row_new (g_ptr_array_index (week->entries, i));
      g_autofree char *name = g_strdup_printf ("%s-entry-%u", prefix, i);

      gtk_widget_set_name (row, name);
      g_signal_connect_object (row, "correct", G_CALLBACK (entry_correct_cb), self, 0);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_box_append (box, list);
}

static void
fill_week (CareHoursPage       *self,
           GtkBox              *box,
           const char          *title,
           const CareWeekHours *week,
           const char          *prefix)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *heading;
  GtkWidget *review;
  g_autofree char *heading_text = g_strdup_printf (_("%s (week %d)"), title, week->iso_week);
  g_autofree char *total = care_format_minutes (week->total_minutes);
  g_autofree char *total_text = NULL;
  g_autofree char *list_a11y = g_strdup_printf (_("Hours, %s"), title);

  care_clear_container (GTK_WIDGET (box));

  heading = care_label_new_wrapped (heading_text, "heading");
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_box_append (GTK_BOX (header), heading);
  review = gtk_label_new (care_review_state_label (week->review));
  gtk_widget_set_name (review, g_strcmp0 (prefix, "this") == 0 ? "this-week-review" : "last-week-review");
  gtk_widget_add_css_class (review, "caption");
  if (week->review == CARE_REVIEW_APPROVED)
    gtk_widget_add_css_class (review, "success");
  else if (week->review == CARE_REVIEW_QUERIED || week->review == CARE_REVIEW_FLAGGED
           || week->review == CARE_REVIEW_CHANGED)
    gtk_widget_add_css_class (review, "warning");
  else
    gtk_widget_add_css_class (review, "dim-label");
  gtk_box_append (GTK_BOX (header), review);
  gtk_box_append (box, header);
  /* A query on the timesheet: its question, and the answer box. */
  if (week->review == CARE_REVIEW_QUERIED && week->review_id != NULL)
    {
      GtkWidget *card = care_query_card_new (week->review_id,
                                             week->review_message != NULL && *week->review_message
                                             ? week->review_message : _("Please check these hours."));

      g_signal_connect_object (card, "reply", G_CALLBACK (query_reply_cb), self, 0);
      gtk_box_append (box, card);
    }

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  care_set_accessible_label (list, list_a11y);
  for (int d = 0; d < 7; d++)
    {
      const CareDayHours *day = &week->days[d];
      gint64 minutes = day->visit_minutes + day->travel_minutes + day->training_minutes
                       + day->other_minutes;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *amount;
      g_autofree char *name = g_date_valid (&day->date) ? care_format_day (&day->date) : g_strdup ("");
      g_autofree char *amount_text = care_format_minutes (minutes);
      g_autofree char *breakdown = care_format_day_hours (day, " · ");
      g_autofree char *widget_name = g_strdup_printf ("%s-day-%d", prefix, d);

      gtk_widget_set_name (row, widget_name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), breakdown);
      amount = gtk_label_new (minutes > 0 ? amount_text : "–");
      gtk_widget_add_css_class (amount, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  {
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *amount = gtk_label_new (total);
    g_autofree char *widget_name = g_strdup_printf ("%s-total", prefix);

    gtk_widget_set_name (row, widget_name);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Total"));
    if (week->planned_minutes > 0)
      {
        g_autofree char *planned = care_format_minutes (week->planned_minutes);

        total_text = g_strdup_printf (_("Planned: %s"), planned);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), total_text);
      }
    gtk_widget_add_css_class (amount, "heading");
    gtk_widget_add_css_class (amount, "numeric");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
    gtk_list_box_append (GTK_LIST_BOX (list), row);
  }
  gtk_box_append (box, list);
  add_entries (self, box, week, prefix);
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
  fill_week (self, self->this_week_box, _("This week"), weeks->weeks[0], "this");
  fill_week (self, self->last_week_box, _("Last week"), weeks->weeks[1], "last");
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
  care_hours_page_refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
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

  object_class->dispose = care_hours_page_dispose;
  object_class->finalize = care_hours_page_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-hours-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, flow);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, this_week_box);
  gtk_widget_class_bind_template_child (widget_class, CareHoursPage, last_week_box);
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

void
care_hours_page_set_store (CareHoursPage *self,
                           CareStore     *store,
                           CareReader    *reader)
{
  g_return_if_fail (CARE_IS_HOURS_PAGE (self));

  g_set_object (&self->store, store);
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
