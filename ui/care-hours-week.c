/* care-hours-week.c: one week of a carer's hours on the Hours page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A template (care-hours-week.ui): the week's heading and review state,
 * the co-ordinator's query with its answer box, the days and the total as
 * CareLineRows bound to a GListStore, and the manual entries, each
 * correctable. "title" ("This week") and "prefix" (naming the total and
 * the entries for the tests: "this-total", "this-entry-0") are set by the
 * page's template. A correction and an answer are the page's to write:
 * they are emitted as "correct" and "reply".
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-hours-entry-row.h"
#include "care-hours-week.h"
#include "care-line-row.h"
#include "care-query-card.h"
#include "care-query-item.h"
#include "care-ui-util.h"

struct _CareHoursWeek
{
  GtkBox parent_instance;

  char *title;
  char *prefix;
  GListStore *days;     /* CareLineItem: the seven days and the total */
  GListStore *queries;  /* CareQueryItem: the co-ordinator's open query, if any */

  GtkLabel *heading_label;
  GtkLabel *review_label;
  GtkListBox *query_list;
  GtkListBox *days_list;
  GtkBox *entries_box;
  GtkListBox *entries_list;
};

G_DEFINE_FINAL_TYPE (CareHoursWeek, care_hours_week, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PREFIX,
  N_PROPS
};

enum {
  SIGNAL_CORRECT,
  SIGNAL_REPLY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *
create_day_row_cb (gpointer item,
                   gpointer user_data)
{
  return care_line_row_new (item);
}

static void
entry_correct_cb (CareHoursWeek     *self,
                  int                minutes,
                  const char        *reason,
                  CareHoursEntryRow *row)
{
  g_signal_emit (self, signals[SIGNAL_CORRECT], 0, row, minutes, reason);
}

static void
query_send_cb (CareHoursWeek *self,
               CareQueryCard *card)
{
  g_signal_emit (self, signals[SIGNAL_REPLY], 0, care_item_row_get_item (CARE_ITEM_ROW (card)));
}

static GtkWidget *
create_query_card_cb (gpointer item,
                      gpointer user_data)
{
  GtkWidget *card = care_query_card_new (item);

  g_signal_connect_object (card, "send", G_CALLBACK (query_send_cb), user_data, G_CONNECT_SWAPPED);
  return card;
}

static const char *
query_key (gpointer item)
{
  return care_query_item_get_review (item);
}

static void
show_days (CareHoursWeek       *self,
           const CareWeekHours *week)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *total = care_format_minutes (week->total_minutes);
  g_autofree char *total_name = g_strdup_printf ("%s-total", self->prefix != NULL ? self->prefix : "week");
  g_autofree char *planned = NULL;

  for (int d = 0; d < 7; d++)
    {
      const CareDayHours *day = &week->days[d];
      gint64 minutes = day->visit_minutes + day->travel_minutes + day->training_minutes
                       + day->other_minutes;
      g_autofree char *name = g_date_valid (&day->date) ? care_format_day (&day->date) : g_strdup ("");
      g_autofree char *amount = care_format_minutes (minutes);
      g_autofree char *breakdown = care_format_day_hours (day, " · ");

      g_ptr_array_add (items, care_line_item_new_amount (name, breakdown, minutes > 0 ? amount : "–", NULL, NULL));
    }
  if (week->planned_minutes > 0)
    {
      g_autofree char *length = care_format_minutes (week->planned_minutes);

      planned = g_strdup_printf (_("Planned: %s"), length);
    }
  g_ptr_array_add (items, care_line_item_new_amount (_("Total"), planned, total, "heading", total_name));
  g_list_store_splice (self->days, 0, g_list_model_get_n_items (G_LIST_MODEL (self->days)),
                       items->pdata, items->len);
}

/* The week's manual entries, each correctable. Their rows hold what is
 * being typed, so they are rows of their own, made for each read. */
static void
show_entries (CareHoursWeek       *self,
              const CareWeekHours *week)
{
  guint n = week->entries != NULL ? week->entries->len : 0;

  care_clear_container (GTK_WIDGET (self->entries_list));
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = care_hours_entry_row_new (g_ptr_array_index (week->entries, i));
      g_autofree char *name = g_strdup_printf ("%s-entry-%u", self->prefix != NULL ? self->prefix : "week", i);

      gtk_widget_set_name (row, name);
      g_signal_connect_object (row, "correct", G_CALLBACK (entry_correct_cb), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->entries_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->entries_box), n > 0);
}

void
care_hours_week_show (CareHoursWeek       *self,
                      const CareWeekHours *week)
{
  g_autofree char *heading = NULL;

  g_return_if_fail (CARE_IS_HOURS_WEEK (self));
  g_return_if_fail (week != NULL);

  heading = g_strdup_printf (_("%s (week %d)"), self->title != NULL ? self->title : "", week->iso_week);
  gtk_label_set_label (self->heading_label, heading);
  gtk_label_set_label (self->review_label, care_review_state_label (week->review));
  gtk_widget_set_css_classes (GTK_WIDGET (self->review_label),
                              (const char *[]) { "caption", care_review_state_css_class (week->review), NULL });
  /* A query on the timesheet: its question, and the answer box (the same
   * query keeps its item, and the answer being typed). */
  {
    g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_object_unref);

    if (week->review == CARE_REVIEW_QUERIED && week->review_id != NULL)
      g_ptr_array_add (queries, care_query_item_new (week->review_id,
                                                     week->review_message != NULL && *week->review_message
                                                     ? week->review_message : _("Please check these hours.")));
    care_list_store_merge (self->queries, queries, query_key, NULL);
    gtk_widget_set_visible (GTK_WIDGET (self->query_list), queries->len > 0);
  }
  show_days (self, week);
  show_entries (self, week);
}

/* The parts the tests look for: "this-entries", "this-week-review". */
static void
care_hours_week_constructed (GObject *object)
{
  CareHoursWeek *self = CARE_HOURS_WEEK (object);
  const char *prefix = self->prefix != NULL ? self->prefix : "week";
  g_autofree char *entries = g_strdup_printf ("%s-entries", prefix);
  g_autofree char *review = g_strdup_printf ("%s-week-review", prefix);
  g_autofree char *days = g_strdup_printf (_("Hours, %s"), self->title != NULL ? self->title : "");

  G_OBJECT_CLASS (care_hours_week_parent_class)->constructed (object);
  care_set_accessible_label (GTK_WIDGET (self->days_list), days);
  gtk_widget_set_name (GTK_WIDGET (self->entries_list), entries);
  gtk_widget_set_name (GTK_WIDGET (self->review_label), review);
}

static void
care_hours_week_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_HOURS_WEEK);
  G_OBJECT_CLASS (care_hours_week_parent_class)->dispose (object);
}

static void
care_hours_week_finalize (GObject *object)
{
  CareHoursWeek *self = CARE_HOURS_WEEK (object);

  g_free (self->title);
  g_free (self->prefix);
  g_clear_object (&self->days);
  g_clear_object (&self->queries);
  G_OBJECT_CLASS (care_hours_week_parent_class)->finalize (object);
}

static void
care_hours_week_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CareHoursWeek *self = CARE_HOURS_WEEK (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PREFIX:
      g_value_set_string (value, self->prefix);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_hours_week_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CareHoursWeek *self = CARE_HOURS_WEEK (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      break;
    case PROP_PREFIX:
      g_free (self->prefix);
      self->prefix = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_hours_week_class_init (CareHoursWeekClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_hours_week_constructed;
  object_class->dispose = care_hours_week_dispose;
  object_class->finalize = care_hours_week_finalize;
  object_class->get_property = care_hours_week_get_property;
  object_class->set_property = care_hours_week_set_property;

  /* "This week", "Last week" */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (entry row, minutes, reason): the carer corrects a manual entry. */
  signals[SIGNAL_CORRECT] =
    g_signal_new ("correct", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, CARE_TYPE_HOURS_ENTRY_ROW, G_TYPE_INT, G_TYPE_STRING);
  /* (query item): the carer answers the co-ordinator's query with the
   * item's "reply". */
  signals[SIGNAL_REPLY] =
    g_signal_new ("reply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CARE_TYPE_QUERY_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-hours-week.ui");
  gtk_widget_class_bind_template_child (widget_class, CareHoursWeek, heading_label);
  gtk_widget_class_bind_template_child (widget_class, CareHoursWeek, review_label);
  gtk_widget_class_bind_template_child (widget_class, CareHoursWeek, query_list);
  gtk_widget_class_bind_template_child (widget_class, CareHoursWeek, days_list);
  gtk_widget_class_bind_template_child (widget_class, CareHoursWeek, entries_box);
  gtk_widget_class_bind_template_child (widget_class, CareHoursWeek, entries_list);
}

static void
care_hours_week_init (CareHoursWeek *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->days = g_list_store_new (CARE_TYPE_LINE_ITEM);
  gtk_list_box_bind_model (self->days_list, G_LIST_MODEL (self->days), create_day_row_cb, NULL, NULL);
  self->queries = g_list_store_new (CARE_TYPE_QUERY_ITEM);
  gtk_list_box_bind_model (self->query_list, G_LIST_MODEL (self->queries), create_query_card_cb, self, NULL);
}
