/* care-visit-page.c: one visit: check in, tasks, notes, check out, history.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every button here is one small committed write through the store, then a
 * reload of the visit from the store: what the page shows is what is on disk.
 * Corrections never edit in place: they ask for a reason and appear in the
 * history below.
 */
#include "care-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "care-location.h"
#include "care-refusal-card.h"
#include "care-ui-util.h"
#include "care-confirm-window.h"
#include "care-history-row.h"
#include "care-note-card.h"
#include "care-task-row.h"
#include "care-visit-page.h"

struct _CareVisitPage
{
  AdwBin parent_instance;

  GtkLabel *client_label;
  GtkLabel *address_label;
  GtkLabel *planned_label;
  GtkLabel *state_label;
  GtkImage *sync_icon;
  GtkLabel *sync_label;
  GtkBox *query_box;
  GtkLabel *query_label;
  GtkEntry *reply_entry;
  GtkBox *checkin_box;
  GtkBox *service_box;
  GtkDropDown *service_dropdown;
  GtkBox *times_box;
  AdwActionRow *start_row;
  AdwActionRow *finish_row;
  AdwActionRow *location_row;
  GtkRevealer *amend_revealer;
  GtkLabel *amend_title;
  GtkEntry *amend_time_entry;
  GtkEntry *amend_reason_entry;
  GtkLabel *amend_error;
  GtkBox *tasks_box;
  GtkListBox *tasks_list;
  GtkBox *notes_section;
  GtkListBox *notes_list;
  GtkRevealer *note_amend_revealer;
  GtkTextView *note_amend_text;
  GtkEntry *note_amend_reason;
  GtkLabel *note_amend_error;
  GtkDropDown *category_dropdown;
  GtkDropDown *readers_dropdown;
  GtkLabel *readers_hint;
  GtkTextView *note_text;
  GtkRevealer *safeguarding_revealer;
  GtkLabel *note_error;
  GtkBox *checkout_box;
  GtkLabel *checkout_error;
  GtkBox *history_section;
  GtkListBox *history_list;
  GtkListBox *refusals_list;
  GListStore *tasks;           /* CareTaskItem, care-plan order, bound to tasks_list */
  GListStore *refusals;        /* CareRefusalItem, bound to refusals_list */
  GListStore *history;         /* CareHistoryItem, bound to history_list */
  GListStore *notes;           /* CareNoteItem, bound to notes_list */

  CareStore *store;
  CareVisitSummary *summary;   /* owned copy of what is shown */
  CareVisitDetail *detail;     /* NULL until checked in */
  char *amend_field;           /* "started_at" / "finished_at" being corrected */
  char *amend_note;            /* note being corrected */
};

G_DEFINE_FINAL_TYPE (CareVisitPage, care_visit_page, ADW_TYPE_BIN)


static GTimeZone *
page_timezone (CareVisitPage *self)
{
  return care_store_get_timezone (self->store);
}

static char *
text_view_get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
show_message (GtkLabel   *label,
              const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
written (CareVisitPage *self)
{
  /* Every view of the store is read again, this page too. */
  care_store_changed (self->store);
}

/* Builders */

static GtkWidget *
note_card_create (gpointer item,
                  gpointer user_data)
{
  return care_note_card_new (CARE_NOTE_ITEM (item));
}

static void
refusal_correct_cb (CareVisitPage   *self,
                    JsonObject      *changes,
                    CareRefusalCard *card)
{
  CareRefusalItem *item = care_item_row_get_item (CARE_ITEM_ROW (card));
  g_autoptr(CareEvent) correction = NULL;
  g_autoptr(GError) error = NULL;

  correction = care_store_correct (self->store, care_refusal_item_get_event (item), changes, &error);
  if (correction == NULL)
    {
      care_form_item_set_error (CARE_FORM_ITEM (item), error->message);
      return;
    }
  written (self);
}

static GtkWidget *
refusal_card_create (gpointer item,
                     gpointer user_data)
{
  GtkWidget *card = care_refusal_card_new (CARE_REFUSAL_ITEM (item));

  g_signal_connect_object (card, "correct", G_CALLBACK (refusal_correct_cb), user_data, G_CONNECT_SWAPPED);
  return card;
}

static const char *
refusal_key (gpointer item)
{
  return care_refusal_item_get_key (item);
}

static GtkWidget *
task_row_create (gpointer item,
                 gpointer user_data)
{
  return care_task_row_new (CARE_TASK_ITEM (item));
}

static const char *
task_key (gpointer item)
{
  return care_task_item_get_task (item);
}

static GtkWidget *
history_row_create (gpointer item,
                    gpointer user_data)
{
  return care_history_row_new (CARE_HISTORY_ITEM (item));
}

/* Showing */

/* The task's item and its row (either may be NULL). */
static CareTaskItem *
task_item (CareVisitPage *self,
           const char    *task,
           CareTaskRow  **row)
{
  GListModel *model = G_LIST_MODEL (self->tasks);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CareTaskItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (care_task_item_get_task (item), task) == 0)
        {
          if (row != NULL)
            *row = CARE_TASK_ROW (gtk_list_box_get_row_at_index (self->tasks_list, (int) i));
          return item;   /* the store holds it */
        }
    }
  if (row != NULL)
    *row = NULL;
  return NULL;
}

/* The tasks' items stay while the visit is shown and take each refresh's
 * answers (a reason being asked for and typed stays in its item); the rows
 * are made again only when the care plan itself changed. */
static void
update_tasks (CareVisitPage *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->detail->tasks->len; i++)
    g_ptr_array_add (items, care_task_item_new (g_ptr_array_index (self->detail->tasks, i)));
  care_list_store_merge (self->tasks, items, task_key, (CareItemUpdateFunc) care_task_item_update);
}

/* Asks for the reason under one task (NULL: under none). */
static void
ask_reason_under (CareVisitPage *self,
                  CareTaskItem  *asked,
                  gboolean       for_done)
{
  GListModel *model = G_LIST_MODEL (self->tasks);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CareTaskItem) item = g_list_model_get_item (model, i);

      care_task_item_ask (item, item == asked, for_done);
    }
}

static void
update_view (CareVisitPage *self)
{
  const CareVisitSummary *s = self->summary;
  g_autoptr(GTimeZone) tz = NULL;
  gboolean started, finished, cancelled;

  if (s == NULL || self->store == NULL)
    return;
  tz = page_timezone (self);
  started = s->visit != NULL && s->started_at > 0;
  finished = started && s->finished_at > 0;
  cancelled = s->state == CARE_VISIT_CANCELLED;

  gtk_label_set_label (self->client_label, s->client_name != NULL ? s->client_name : s->client);
  gtk_label_set_label (self->address_label, s->client_address != NULL ? s->client_address : "");
  gtk_widget_set_visible (GTK_WIDGET (self->address_label),
                          s->client_address != NULL && *s->client_address);
  if (s->planned_start > 0)
    {
      g_autofree char *time = care_format_time (s->planned_start, tz);
      g_autofree char *length = care_format_minutes (s->planned_minutes);
      g_autofree char *text = g_strdup_printf (_("%s, planned at %s for %s"),
                                               care_service_label (s->service), time, length);

      gtk_label_set_label (self->planned_label, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("%s, unscheduled visit"),
                                               s->service != NULL ? care_service_label (s->service)
                                                                  : _("Service to choose"));

      gtk_label_set_label (self->planned_label, text);
    }

  gtk_label_set_label (self->state_label, care_visit_state_label (s->state));
  for (int st = CARE_VISIT_UPCOMING; st <= CARE_VISIT_CANCELLED; st++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), care_visit_state_css_class (st));
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), care_visit_state_css_class (s->state));
  gtk_widget_set_visible (GTK_WIDGET (self->sync_icon), s->visit != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_label), s->visit != NULL);
  if (s->visit != NULL)
    {
      gtk_image_set_from_icon_name (self->sync_icon, care_sync_state_icon (s->sync, s->review));
      gtk_label_set_label (self->sync_label, care_sync_state_label (s->sync, s->review));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->query_box), s->open_query != NULL);
  gtk_label_set_label (self->query_label, s->open_query != NULL ? s->open_query : "");

  gtk_widget_set_visible (GTK_WIDGET (self->checkin_box), !started && !cancelled);
  gtk_widget_set_visible (GTK_WIDGET (self->service_box), !started && s->schedule == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->times_box), started);
  gtk_widget_set_visible (GTK_WIDGET (self->tasks_box),
                          started && self->detail != NULL && self->detail->tasks->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->notes_section), started);
  gtk_widget_set_visible (GTK_WIDGET (self->checkout_box), started && !finished);
  gtk_widget_set_visible (GTK_WIDGET (self->history_section), started);
  if (!started && !cancelled)
    care_location_start (care_location_get_default ());   /* a fix ready for check-in */
  if (!started)
    return;

  {
    g_autofree char *start = care_format_time (s->started_at, tz);

    adw_action_row_set_subtitle (self->start_row, start);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->finish_row), finished);
  if (finished)
    {
      g_autofree char *finish = care_format_time (s->finished_at, tz);

      adw_action_row_set_subtitle (self->finish_row, finish);
    }
  if (self->detail != NULL && self->detail->has_location)
    {
      g_autofree char *where = g_strdup_printf (_("%.5f, %.5f (within %.0f m)"),
                                                self->detail->lat, self->detail->lon,
                                                self->detail->accuracy_m);

      adw_action_row_set_subtitle (self->location_row, where);
    }
  else
    adw_action_row_set_subtitle (self->location_row, _("Unavailable"));

  if (self->detail == NULL)
    {
      g_list_store_remove_all (self->tasks);
      g_list_store_remove_all (self->refusals);
      g_list_store_remove_all (self->history);
      g_list_store_remove_all (self->notes);
      gtk_widget_set_visible (GTK_WIDGET (self->refusals_list), FALSE);
      return;
    }
  /* What the co-op refused or holds comes first: it needs the carer. A
   * card the carer is writing in stays as it is. */
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < self->detail->history->len; i++)
      {
        const CareHistoryEntry *entry = g_ptr_array_index (self->detail->history, i);

        if (entry->sync == CARE_SYNC_QUARANTINED || entry->sync == CARE_SYNC_HELD)
          g_ptr_array_add (items, care_refusal_item_new (self->store, entry, tz));
      }
    care_list_store_merge (self->refusals, items, refusal_key, NULL);
    gtk_widget_set_visible (GTK_WIDGET (self->refusals_list), items->len > 0);
  }
  update_tasks (self);
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < self->detail->notes->len; i++)
      g_ptr_array_add (items, care_note_item_new (g_ptr_array_index (self->detail->notes, i), tz));
    g_list_store_splice (self->notes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->notes)),
                         items->pdata, items->len);
  }
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < self->detail->history->len; i++)
      g_ptr_array_add (items, care_history_item_new (g_ptr_array_index (self->detail->history, i), tz));
    g_list_store_splice (self->history, 0, g_list_model_get_n_items (G_LIST_MODEL (self->history)),
                         items->pdata, items->len);
  }
}

static void
reset_forms (CareVisitPage *self)
{
  g_clear_pointer (&self->amend_field, g_free);
  g_clear_pointer (&self->amend_note, g_free);
  ask_reason_under (self, NULL, FALSE);
  gtk_revealer_set_reveal_child (self->amend_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->note_amend_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->safeguarding_revealer, FALSE);
  show_message (self->amend_error, NULL);
  show_message (self->note_amend_error, NULL);
  show_message (self->note_error, NULL);
  show_message (self->checkout_error, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->reply_entry), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_text), "", -1);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_drop_down_set_selected (self->readers_dropdown, 0);
  gtk_drop_down_set_selected (self->service_dropdown, 0);
}

/* Hidden, the page has nothing to show again: opening a visit reads it. */
static void
store_changed_cb (CareVisitPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    care_visit_page_reload (self);
}

static void
set_store (CareVisitPage *self,
           CareStore     *store)
{
  care_follow_store (self, &self->store, store, G_CALLBACK (store_changed_cb));
  g_clear_pointer (&self->detail, care_visit_detail_free);
  g_clear_pointer (&self->summary, care_visit_summary_free);
  /* Another visit: its tasks get items and rows of their own. */
  g_list_store_remove_all (self->tasks);
  reset_forms (self);
}

/* Actions */

static const CareTaskState *
find_task (CareVisitPage *self,
           const char    *task)
{
  if (self->detail == NULL)
    return NULL;
  for (guint i = 0; i < self->detail->tasks->len; i++)
    {
      const CareTaskState *t = g_ptr_array_index (self->detail->tasks, i);

      if (g_strcmp0 (t->task, task) == 0)
        return t;
    }
  return NULL;
}

static void
check_in_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *visit = NULL;
  const char *service;
  double where[3];

  if (self->summary == NULL || self->summary->visit != NULL)
    return;
  service = self->summary->service;
  if (self->summary->schedule == NULL || service == NULL)
    {
      guint n;
      const CareChoice *services = care_services (&n);
      guint selected = gtk_drop_down_get_selected (self->service_dropdown);

      service = services[MIN (selected, n - 1)].id;
    }
  /* A fix under 2 minutes old, else "unavailable": never wait here. */
  visit = care_store_check_in (self->store, self->summary->client, self->summary->schedule, service,
                               care_location_get_fix (care_location_get_default (), where) ? where : NULL,
                               &error);
  if (visit == NULL)
    {
      show_message (self->checkout_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->checkout_box), TRUE);
      return;
    }
  self->summary->visit = g_steal_pointer (&visit);
  written (self);
}

static void
task_done_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *task = g_variant_get_string (parameter, NULL);

  if (self->summary == NULL || self->summary->visit == NULL)
    return;
  /* After check-out, "not done" becoming "done" is a correction: ask why,
   * as for times and notes. */
  if (self->detail != NULL && self->detail->summary.finished_at > 0 && find_task (self, task) != NULL
      && find_task (self, task)->answer == 0)
    {
      ask_reason_under (self, task_item (self, task, NULL), TRUE);
      return;
    }
  ask_reason_under (self, NULL, FALSE);
  if (!care_store_answer_task (self->store, self->summary->visit, task, TRUE, NULL, &error))
    {
      show_message (self->checkout_error, error->message);
      return;
    }
  show_message (self->checkout_error, NULL);
  written (self);
}

static void
task_not_done_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);

  CareTaskItem *item = task_item (self, g_variant_get_string (parameter, NULL), NULL);

  /* The reason entry under the task: why it was not done. */
  if (item != NULL)
    ask_reason_under (self, item, FALSE);
}

static void
task_reason_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *task = g_variant_get_string (parameter, NULL);
  g_autofree char *reason = NULL;
  CareTaskRow *row = NULL;
  CareTaskItem *item = task_item (self, task, &row);
  gboolean for_done;

  if (item == NULL || row == NULL || self->summary->visit == NULL)
    return;
  reason = care_task_item_dup_reason (item);
  for_done = care_task_item_get_for_done (item);
  if (*reason == '\0')
    {
      show_message (self->checkout_error, for_done
                                            ? _("Say why the answer changes after the visit, so the co-op knows.")
                                            : _("Say why the task was not done, so the co-op knows."));
      care_task_row_focus_reason (row);
      return;
    }
  if (!care_store_answer_task (self->store, self->summary->visit, task, for_done, reason, &error))
    {
      show_message (self->checkout_error, error->message);
      return;
    }
  show_message (self->checkout_error, NULL);
  care_task_item_ask (item, FALSE, FALSE);
  written (self);
}

/* The chosen category, or NULL while the first row ("Choose…") is shown:
 * a note has no category until the carer picks one. */
static const char *
selected_category (CareVisitPage *self)
{
  guint n;
  const CareChoice *categories = care_note_categories (&n);
  guint selected = gtk_drop_down_get_selected (self->category_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > n)
    return NULL;
  return categories[selected - 1].id;
}

/* The client's standing choice for the chosen category (docs/family.md):
 * the note starts with it, and the carer sees it as she writes. */
static void
category_changed_cb (CareVisitPage *self)
{
  const char *category = selected_category (self);
  CareReaders choice = self->store != NULL && self->summary != NULL && category != NULL
                       ? care_store_get_client_readers (self->store, self->summary->client, category)
                       : CARE_READERS_INVALID;
  g_autofree char *hint = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->readers_hint), choice != CARE_READERS_INVALID);
  if (choice == CARE_READERS_INVALID)
    return;
  gtk_drop_down_set_selected (self->readers_dropdown, choice);
  hint = g_strdup_printf (_("The client chose who reads notes of this kind: %s. The co-op keeps to it."),
                          care_note_readers_label (care_readers_to_string (choice)));
  gtk_label_set_label (self->readers_hint, hint);
}

static CareReaders
selected_readers (CareVisitPage *self)
{
  guint n;
  const CareChoice *readers = care_note_readers_choices (&n);
  guint selected = gtk_drop_down_get_selected (self->readers_dropdown);

  return care_readers_from_string (readers[MIN (selected, n - 1)].id);
}

static void
save_note (CareVisitPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = text_view_get_text (self->note_text);
  g_autofree char *note = NULL;

  note = care_store_add_note_for (self->store, self->summary->visit, selected_category (self), text,
                                  selected_readers (self), &error);
  gtk_revealer_set_reveal_child (self->safeguarding_revealer, FALSE);
  if (note == NULL)
    {
      show_message (self->note_error, error->message);
      return;
    }
  show_message (self->note_error, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_text), "", -1);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_drop_down_set_selected (self->readers_dropdown, 0);
  written (self);
}

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autofree char *text = text_view_get_text (self->note_text);

  if (self->summary == NULL || self->summary->visit == NULL)
    return;
  if (*text == '\0')
    {
      show_message (self->note_error, _("Write the note first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->note_text));
      return;
    }
  if (selected_category (self) == NULL)
    {
      show_message (self->note_error, _("Choose a category for the note first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->category_dropdown));
      return;
    }
  if (g_strcmp0 (selected_category (self), "safeguarding") == 0)
    {
      /* Ask before recording: it goes to the co-ordinator as urgent. */
      gtk_revealer_set_reveal_child (self->safeguarding_revealer, TRUE);
      return;
    }
  save_note (self);
}

static void
confirm_safeguarding_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);

  if (self->summary == NULL || self->summary->visit == NULL
      || !gtk_revealer_get_reveal_child (self->safeguarding_revealer))
    return;
  save_note (self);
}

static void
cancel_safeguarding_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (CARE_VISIT_PAGE (widget)->safeguarding_revealer, FALSE);
}

static void
check_out_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  int first_missing = -1;

  if (self->summary == NULL || self->summary->visit == NULL || self->detail == NULL)
    return;
  for (guint i = 0; i < self->detail->tasks->len; i++)
    {
      const CareTaskState *t = g_ptr_array_index (self->detail->tasks, i);

      if (t->essential && t->answer < 0)
        {
          g_ptr_array_add (missing, t->label);
          if (first_missing < 0)
            first_missing = (int) i;
        }
    }
  if (missing->len > 0)
    {
      g_autofree char *list = NULL;
      g_autofree char *message = NULL;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **) missing->pdata);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Answer this essential task before checking out: %s.",
                                              "Answer these essential tasks before checking out: %s.",
                                              missing->len - 1),
                                 list);
      show_message (self->checkout_error, message);
      /* Take the carer to the first task to answer: focusing its Done
       * button scrolls the page there. */
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->tasks_list, first_missing);

        if (CARE_IS_TASK_ROW (row))
          care_task_row_focus_done (CARE_TASK_ROW (row));
      }
      return;
    }
  if (!care_store_check_out (self->store, self->summary->visit, &error))
    {
      show_message (self->checkout_error, error->message);
      return;
    }
  show_message (self->checkout_error, NULL);
  written (self);
  /* Saved: now the client's word, which check-out never waits for. */
  gtk_window_present (GTK_WINDOW (care_confirm_window_new (self->store, self->summary->visit, FALSE,
                                                           GTK_WINDOW (gtk_widget_get_root (widget)))));
}

static void
amend_time_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  const char *field = g_variant_get_string (parameter, NULL);
  gboolean start = g_strcmp0 (field, "started_at") == 0;
  gint64 current;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *time = NULL;

  if (self->summary == NULL || self->summary->visit == NULL)
    return;
  current = start ? self->summary->started_at : self->summary->finished_at;
  if (current <= 0)
    return;
  tz = page_timezone (self);
  time = care_format_time (current, tz);
  g_free (self->amend_field);
  self->amend_field = g_strdup (field);
  gtk_label_set_label (self->amend_title, start ? _("Correct the check-in time")
                                                : _("Correct the check-out time"));
  gtk_editable_set_text (GTK_EDITABLE (self->amend_time_entry), time);
  gtk_editable_set_text (GTK_EDITABLE (self->amend_reason_entry), "");
  show_message (self->amend_error, NULL);
  gtk_revealer_set_reveal_child (self->amend_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->amend_time_entry));
}

static void
cancel_amendment_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);

  g_clear_pointer (&self->amend_field, g_free);
  gtk_revealer_set_reveal_child (self->amend_revealer, FALSE);
}

static void
save_amendment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *value = NULL;
  gboolean start;
  gint64 current, new_ms;

  if (self->amend_field == NULL || self->summary == NULL || self->summary->visit == NULL)
    return;
  start = g_strcmp0 (self->amend_field, "started_at") == 0;
  current = start ? self->summary->started_at : self->summary->finished_at;
  tz = page_timezone (self);
  if (!care_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->amend_time_entry)),
                        current, tz, &new_ms, &error))
    {
      show_message (self->amend_error, error->message);
      return;
    }
  /* A check-out after midnight belongs to the next day. */
  if (!start && new_ms < self->summary->started_at)
    new_ms += 24 * 3600 * 1000;
  reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->amend_reason_entry))));
  if (*reason == '\0')
    {
      show_message (self->amend_error, _("Say why the time is corrected: it is kept with the visit's history."));
      gtk_widget_grab_focus (GTK_WIDGET (self->amend_reason_entry));
      return;
    }
  if (new_ms == current)
    {
      show_message (self->amend_error, _("That is the time already recorded."));
      return;
    }
  value = g_strdup_printf ("%" G_GINT64_FORMAT, new_ms);
  if (!care_store_amend_visit (self->store, self->summary->visit, self->amend_field, value, reason,
                               &error))
    {
      show_message (self->amend_error, error->message);
      return;
    }
  g_clear_pointer (&self->amend_field, g_free);
  show_message (self->amend_error, NULL);
  gtk_revealer_set_reveal_child (self->amend_revealer, FALSE);
  written (self);
}

static void
amend_note_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  const char *note_id = g_variant_get_string (parameter, NULL);

  if (self->detail == NULL)
    return;
  for (guint i = 0; i < self->detail->notes->len; i++)
    {
      const CareNote *note = g_ptr_array_index (self->detail->notes, i);

      if (g_strcmp0 (note->note, note_id) != 0)
        continue;
      g_free (self->amend_note);
      self->amend_note = g_strdup (note_id);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_amend_text), note->text, -1);
      gtk_editable_set_text (GTK_EDITABLE (self->note_amend_reason), "");
      show_message (self->note_amend_error, NULL);
      gtk_revealer_set_reveal_child (self->note_amend_revealer, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->note_amend_text));
      return;
    }
}

static void
cancel_note_amendment_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);

  g_clear_pointer (&self->amend_note, g_free);
  gtk_revealer_set_reveal_child (self->note_amend_revealer, FALSE);
}

static void
save_note_amendment_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reason = NULL;

  if (self->amend_note == NULL)
    return;
  text = text_view_get_text (self->note_amend_text);
  reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_amend_reason))));
  if (*text == '\0')
    {
      show_message (self->note_amend_error, _("The corrected note is empty. To take a note back, ask your co-ordinator."));
      return;
    }
  if (*reason == '\0')
    {
      show_message (self->note_amend_error, _("Say why the note is corrected: it is kept with the note's history."));
      gtk_widget_grab_focus (GTK_WIDGET (self->note_amend_reason));
      return;
    }
  if (!care_store_amend_note (self->store, self->amend_note, text, reason, &error))
    {
      show_message (self->note_amend_error, error->message);
      return;
    }
  g_clear_pointer (&self->amend_note, g_free);
  show_message (self->note_amend_error, NULL);
  gtk_revealer_set_reveal_child (self->note_amend_revealer, FALSE);
  written (self);
}

/* The id of the open query's review, which query.answered needs. */
static char *
open_review (CareVisitPage *self)
{
  if (self->summary == NULL || self->summary->visit == NULL || self->summary->open_query == NULL)
    return NULL;
  return care_store_get_open_review (self->store, self->summary->visit);
}

static void
reply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CareVisitPage *self = CARE_VISIT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *review = open_review (self);

  if (review == NULL)
    return;
  message = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reply_entry))));
  if (*message == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->reply_entry));
      return;
    }
  if (!care_store_answer_query (self->store, review, message, &error))
    {
      show_message (self->checkout_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->checkout_box), TRUE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->reply_entry), "");
  written (self);
}

static void
reply_activate_cb (CareVisitPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "visit.reply", NULL);
}

/* GObject */

static void
care_visit_page_dispose (GObject *object)
{
  G_OBJECT_CLASS (care_visit_page_parent_class)->dispose (object);
}

static void
care_visit_page_finalize (GObject *object)
{
  CareVisitPage *self = CARE_VISIT_PAGE (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->summary, care_visit_summary_free);
  g_clear_pointer (&self->detail, care_visit_detail_free);
  g_free (self->amend_field);
  g_free (self->amend_note);
  g_clear_object (&self->tasks);
  g_clear_object (&self->refusals);
  g_clear_object (&self->history);
  g_clear_object (&self->notes);
  G_OBJECT_CLASS (care_visit_page_parent_class)->finalize (object);
}

static void
care_visit_page_class_init (CareVisitPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_visit_page_dispose;
  object_class->finalize = care_visit_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-visit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, client_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, address_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, planned_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, sync_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, query_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, query_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, reply_entry);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, checkin_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, service_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, times_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, start_row);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, finish_row);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, location_row);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, amend_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, amend_title);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, amend_time_entry);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, amend_reason_entry);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, amend_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, tasks_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, tasks_list);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, notes_section);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, notes_list);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, note_amend_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, note_amend_text);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, note_amend_reason);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, note_amend_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, readers_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, readers_hint);
  gtk_widget_class_bind_template_callback (widget_class, category_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, note_text);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, safeguarding_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, note_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, checkout_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, checkout_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, history_section);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, CareVisitPage, refusals_list);
  gtk_widget_class_bind_template_callback (widget_class, reply_activate_cb);

  gtk_widget_class_install_action (widget_class, "visit.check-in", NULL, check_in_action);
  gtk_widget_class_install_action (widget_class, "visit.task-done", "s", task_done_action);
  gtk_widget_class_install_action (widget_class, "visit.task-not-done", "s", task_not_done_action);
  gtk_widget_class_install_action (widget_class, "visit.task-reason", "s", task_reason_action);
  gtk_widget_class_install_action (widget_class, "visit.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "visit.confirm-safeguarding", NULL,
                                   confirm_safeguarding_action);
  gtk_widget_class_install_action (widget_class, "visit.cancel-safeguarding", NULL,
                                   cancel_safeguarding_action);
  gtk_widget_class_install_action (widget_class, "visit.check-out", NULL, check_out_action);
  gtk_widget_class_install_action (widget_class, "visit.amend-time", "s", amend_time_action);
  gtk_widget_class_install_action (widget_class, "visit.cancel-amendment", NULL,
                                   cancel_amendment_action);
  gtk_widget_class_install_action (widget_class, "visit.save-amendment", NULL,
                                   save_amendment_action);
  gtk_widget_class_install_action (widget_class, "visit.amend-note", "s", amend_note_action);
  gtk_widget_class_install_action (widget_class, "visit.cancel-note-amendment", NULL,
                                   cancel_note_amendment_action);
  gtk_widget_class_install_action (widget_class, "visit.save-note-amendment", NULL,
                                   save_note_amendment_action);
  gtk_widget_class_install_action (widget_class, "visit.reply", NULL, reply_action);
}

static GListModel *
choices_model (const CareChoice *choices,
               guint             n,
               const char       *first)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  if (first != NULL)
    gtk_string_list_append (list, first);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, _(choices[i].label));
  return G_LIST_MODEL (list);
}

static void
care_visit_page_init (CareVisitPage *self)
{
  guint n;
  const CareChoice *choices;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->tasks = g_list_store_new (CARE_TYPE_TASK_ITEM);
  gtk_list_box_bind_model (self->tasks_list, G_LIST_MODEL (self->tasks), task_row_create, NULL, NULL);
  self->refusals = g_list_store_new (CARE_TYPE_REFUSAL_ITEM);
  gtk_list_box_bind_model (self->refusals_list, G_LIST_MODEL (self->refusals),
                           refusal_card_create, self, NULL);
  self->history = g_list_store_new (CARE_TYPE_HISTORY_ITEM);
  gtk_list_box_bind_model (self->history_list, G_LIST_MODEL (self->history),
                           history_row_create, NULL, NULL);
  self->notes = g_list_store_new (CARE_TYPE_NOTE_ITEM);
  gtk_list_box_bind_model (self->notes_list, G_LIST_MODEL (self->notes),
                           note_card_create, NULL, NULL);
  choices = care_note_categories (&n);
  gtk_drop_down_set_model (self->category_dropdown,
                           choices_model (choices, n, _("Choose a category")));
  choices = care_note_readers_choices (&n);
  gtk_drop_down_set_model (self->readers_dropdown, choices_model (choices, n, NULL));
  choices = care_services (&n);
  gtk_drop_down_set_model (self->service_dropdown, choices_model (choices, n, NULL));
}

void
care_visit_page_show_summary (CareVisitPage          *self,
                              CareStore              *store,
                              const CareVisitSummary *summary)
{
  g_return_if_fail (CARE_IS_VISIT_PAGE (self));
  g_return_if_fail (summary != NULL);

  set_store (self, store);
  self->summary = care_visit_summary_copy (summary);
  care_visit_page_reload (self);
}

void
care_visit_page_show_visit (CareVisitPage *self,
                            CareStore     *store,
                            const char    *visit)
{
  CareVisitSummary empty = { 0 };

  g_return_if_fail (CARE_IS_VISIT_PAGE (self));

  set_store (self, store);
  empty.visit = (char *) visit;
  self->summary = care_visit_summary_copy (&empty);
  care_visit_page_reload (self);
}

void
care_visit_page_show_new (CareVisitPage *self,
                          CareStore     *store,
                          const char    *client,
                          const char    *client_name)
{
  CareVisitSummary empty = { 0 };

  g_return_if_fail (CARE_IS_VISIT_PAGE (self));

  set_store (self, store);
  empty.client = (char *) client;
  empty.client_name = (char *) client_name;
  empty.state = CARE_VISIT_UPCOMING;
  self->summary = care_visit_summary_copy (&empty);
  care_visit_page_reload (self);
}

void
care_visit_page_reload (CareVisitPage *self)
{
  g_autoptr(GError) error = NULL;
  CareVisitDetail *detail;

  g_return_if_fail (CARE_IS_VISIT_PAGE (self));

  if (self->summary == NULL || self->store == NULL)
    return;
  if (self->summary->visit != NULL)
    {
      detail = care_store_get_visit (self->store, self->summary->visit, &error);
      if (detail == NULL)
        {
          /* Say so rather than leave another visit's details on screen. */
          gtk_label_set_label (self->client_label, _("Visit"));
          gtk_label_set_label (self->planned_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->address_label), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->query_box), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->checkin_box), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->times_box), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->tasks_box), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->notes_section), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->checkout_box), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->history_section), FALSE);
          gtk_label_set_label (self->state_label, "");
          gtk_widget_set_visible (GTK_WIDGET (self->sync_icon), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->sync_label), FALSE);
          return;
        }
      g_clear_pointer (&self->detail, care_visit_detail_free);
      self->detail = detail;
      g_clear_pointer (&self->summary, care_visit_summary_free);
      self->summary = care_visit_summary_copy (&detail->summary);
    }
  update_view (self);
}

const char *
care_visit_page_get_visit (CareVisitPage *self)
{
  g_return_val_if_fail (CARE_IS_VISIT_PAGE (self), NULL);

  return self->summary != NULL ? self->summary->visit : NULL;
}

const char *
care_visit_page_get_title (CareVisitPage *self)
{
  g_return_val_if_fail (CARE_IS_VISIT_PAGE (self), NULL);

  if (self->summary == NULL)
    return "";
  return self->summary->client_name != NULL ? self->summary->client_name : _("Visit");
}
