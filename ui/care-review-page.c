/* care-review-page.c: the co-ordinator's review workspace.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page is a template (care-review-page.ui); only the exception chips,
 * one per exception of the one list, are added here.
 *
 * All reads go through the reader's worker thread; the only writes done
 * here are review records, one small commit each, on the main thread (bulk
 * approval writes them a few at a time from an idle callback so the window
 * keeps drawing).
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-review-detail.h"
#include "care-review-model.h"
#include "care-review-page.h"
#include "care-review-row.h"
#include "care-ui-util.h"
#include "care-timesheet.h"
#include "care-window.h"

/* Carers offered in the filter: those with visits in this many past days. */
#define CARER_WINDOW_DAYS 35
/* Bulk approval handles at most this many visits at a time. */
#define BULK_MAX 5000
/* Review records written per main-loop iteration during bulk approval: one
 * small commit at a time, so the window keeps drawing between them. */
#define BULK_CHUNK 1

typedef enum {
  PERIOD_LAST_7_DAYS,
  PERIOD_TODAY,
  PERIOD_THIS_WEEK,
  PERIOD_LAST_WEEK,
  PERIOD_LAST_30_DAYS,
  PERIOD_ALL,
  PERIOD_CUSTOM,
} Period;

typedef struct
{
  GPtrArray *carer_ids;
  GPtrArray *carer_names;
  GPtrArray *client_ids;
  GPtrArray *client_names;
} Choices;

struct _CareReviewPage
{
  AdwBin parent_instance;

  CareWindow *window;         /* weak */
  CareStore *store;
  CareReader *reader;
  GTimeZone *tz;
  CareReviewModel *model;
  GCancellable *cancellable;

  GPtrArray *carer_ids;       /* index in the drop-down - 1 */
  GPtrArray *client_ids;

  GtkWidget *stack;
  GtkWidget *chips;
  GtkWidget *carer_dropdown;
  GtkWidget *client_dropdown;
  GtkWidget *period_dropdown;
  GtkWidget *from_entry;
  GtkWidget *to_entry;
  GtkWidget *review_dropdown;
  GtkWidget *first_toggle;
  GtkWidget *flag_toggles[CARE_REVIEW_N_FLAGS];
  GtkWidget *any_toggle;
  GtkWidget *status;
  GtkWidget *list_view;
  GtkWidget *bulk_button;
  GtkWidget *bulk_revealer;
  GtkWidget *bulk_label;
  GtkWidget *bulk_confirm;
  GtkWidget *detail;
  gboolean updating_toggles;

  GtkWidget *refresh_revealer;
  CareSyncMonitor *sync_monitor;
  gboolean stale;             /* records arrived since the list was read */

  GPtrArray *bulk_visits;     /* ids waiting to be approved */
  guint bulk_done;
  guint bulk_id;
};

G_DEFINE_FINAL_TYPE (CareReviewPage, care_review_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SUBPAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers ---------------------------------------------------------------- */

static void
toast (CareReviewPage *self,
       const char     *message)
{
  AdwToast *t = adw_toast_new (message);

  /* The overlay is the bin's child, not a template child: the template's
   * disposal would unparent it before AdwBin's own. */
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))), t);
}

static void
choices_free (Choices *c)
{
  g_clear_pointer (&c->carer_ids, g_ptr_array_unref);
  g_clear_pointer (&c->carer_names, g_ptr_array_unref);
  g_clear_pointer (&c->client_ids, g_ptr_array_unref);
  g_clear_pointer (&c->client_names, g_ptr_array_unref);
  g_free (c);
}

static gboolean
parse_day (const char *text,
           GTimeZone  *tz,
           gint64     *ms)
{
  unsigned y, m, d;
  char tail;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || sscanf (text, "%u-%u-%u%c", &y, &m, &d, &tail) != 3
      || !g_date_valid_dmy (d, m, y))
    return FALSE;
  dt = g_date_time_new (tz, y, m, d, 0, 0, 0);
  *ms = g_date_time_to_unix (dt) * 1000;
  return TRUE;
}

/* [from, to) of the chosen period, in ms; FALSE when custom dates are not
 * valid yet. */
static gboolean
period_range (CareReviewPage *self,
              gint64         *from,
              gint64         *to)
{
  gint64 now = care_store_now (self->store);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  int weekday = g_date_time_get_day_of_week (local) - 1; /* Monday 0 */

  *from = *to = 0;
  switch ((Period) gtk_drop_down_get_selected (GTK_DROP_DOWN (self->period_dropdown)))
    {
    case PERIOD_LAST_7_DAYS:
      *from = care_day_start (now, self->tz, -6);
      *to = care_day_start (now, self->tz, 1);
      break;
    case PERIOD_TODAY:
      *from = care_day_start (now, self->tz, 0);
      *to = care_day_start (now, self->tz, 1);
      break;
    case PERIOD_THIS_WEEK:
      *from = care_day_start (now, self->tz, -weekday);
      *to = care_day_start (now, self->tz, 7 - weekday);
      break;
    case PERIOD_LAST_WEEK:
      *from = care_day_start (now, self->tz, -weekday - 7);
      *to = care_day_start (now, self->tz, -weekday);
      break;
    case PERIOD_LAST_30_DAYS:
      *from = care_day_start (now, self->tz, -29);
      *to = care_day_start (now, self->tz, 1);
      break;
    case PERIOD_CUSTOM: {
      const char *a = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
      const char *b = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));

      if (!parse_day (a, self->tz, from) || !parse_day (b, self->tz, to))
        return FALSE;
      *to = care_day_start (*to, self->tz, 1);
      break;
    }
    case PERIOD_ALL:
    default:
      break;
    }
  return TRUE;
}

static void
build_filter (CareReviewPage  *self,
              CareVisitFilter *filter,
              gboolean        *valid)
{
  guint carer = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->carer_dropdown));
  guint client = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->client_dropdown));
  guint review = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->review_dropdown));

  memset (filter, 0, sizeof *filter);
  if (carer > 0 && carer - 1 < self->carer_ids->len)
    filter->carer = g_ptr_array_index (self->carer_ids, carer - 1);
  if (client > 0 && client - 1 < self->client_ids->len)
    filter->client = g_ptr_array_index (self->client_ids, client - 1);
  *valid = period_range (self, &filter->from, &filter->to);
  /* Any, not reviewed, queried, approved, flagged. */
  switch (review)
    {
    case 1:
      filter->review = CARE_REVIEW_NONE;
      break;
    case 2:
      filter->review = CARE_REVIEW_QUERIED;
      break;
    case 3:
      filter->review = CARE_REVIEW_APPROVED;
      break;
    case 4:
      filter->review = CARE_REVIEW_FLAGGED;
      break;
    default:
      filter->review = -1;
      break;
    }
  for (guint bit = 0; bit < CARE_REVIEW_N_FLAGS; bit++)
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->flag_toggles[bit])))
      filter->flags_any |= 1u << bit;
  filter->exceptions_first = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->first_toggle));
}

static void
apply_filter (CareReviewPage *self)
{
  CareVisitFilter filter;
  gboolean valid;

  build_filter (self, &filter, &valid);
  if (!valid)
    {
      gtk_label_set_text (GTK_LABEL (self->status),
                          _("Write both dates as year-month-day, for example 2026-11-23."));
      return;
    }
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->bulk_revealer), FALSE);
  care_review_model_set_filter (self->model, &filter);
}

static void
update_status (CareReviewPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = NULL;

  if (care_review_model_get_loading (self->model) && n == 0)
    text = g_strdup (_("Reading visits…"));
  else if (n == 0)
    text = g_strdup (_("No visits match these filters."));
  else if (care_review_model_get_complete (self->model))
    text = g_strdup_printf (ngettext ("%u visit", "%u visits", n), n);
  else
    text = g_strdup_printf (_("More than %u visits; scroll for more"), n);
  gtk_label_set_text (GTK_LABEL (self->status), text);
}

static void
update_counts (CareReviewPage *self)
{
  const gint64 *counts = care_review_model_get_counts (self->model);

  for (guint bit = 0; bit < CARE_REVIEW_N_FLAGS; bit++)
    {
      g_autofree char *label = NULL;
      g_autofree char *a11y = NULL;

      if (counts != NULL)
        {
          label = g_strdup_printf ("%s · %" G_GINT64_FORMAT, care_flag_label (bit), counts[bit]);
          a11y = g_strdup_printf (_("Show only: %s (%lld visits)"),
                                  care_flag_label (bit), (long long) counts[bit]);
        }
      else
        {
          label = g_strdup (care_flag_label (bit));
          a11y = g_strdup_printf (_("Show only: %s"), care_flag_label (bit));
        }
      gtk_button_set_label (GTK_BUTTON (self->flag_toggles[bit]), label);
      care_set_accessible_label (self->flag_toggles[bit], a11y);
      /* An exception no visit has is not offered (unless it is chosen), so
       * that the chips that matter fit. */
      gtk_widget_set_visible (gtk_widget_get_parent (self->flag_toggles[bit]),
                              counts == NULL || counts[bit] > 0
                              || gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->flag_toggles[bit])));
    }
}

/* Callbacks -------------------------------------------------------------- */

static void
filter_changed_cb (CareReviewPage *self)
{
  gboolean custom = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->period_dropdown))
                    == PERIOD_CUSTOM;

  gtk_widget_set_visible (self->from_entry, custom);
  gtk_widget_set_visible (self->to_entry, custom);
  if (!self->updating_toggles)
    apply_filter (self);
}

static void
any_toggled_cb (CareReviewPage *self)
{
  gboolean active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->any_toggle));

  self->updating_toggles = TRUE;
  for (guint bit = 0; bit < CARE_REVIEW_N_FLAGS; bit++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->flag_toggles[bit]), active);
  self->updating_toggles = FALSE;
  apply_filter (self);
}

static void
model_changed_cb (CareReviewPage *self)
{
  update_status (self);
}

static void
model_error_cb (CareReviewPage *self,
                GError         *error)
{
  toast (self, error->message);
}

static void
activate_cb (GtkListView    *view,
             guint           position,
             CareReviewPage *self)
{
  g_autoptr(CareReviewItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (item == NULL || care_review_item_get_summary (item) == NULL)
    return;
  care_review_detail_show (CARE_REVIEW_DETAIL (self->detail), item);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "detail");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBPAGE]);
}

/* Back from a visit to the list: the window's header has the button (HIG),
 * as Escape and Alt+Left do. */
static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareReviewPage *self = CARE_REVIEW_PAGE (widget);

  if (!care_review_page_get_subpage (self))
    return;
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "list");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBPAGE]);
}

static void
reviewed_cb (CareReviewPage *self,
             CareReviewItem *item,
             const char     *action)
{
  care_review_model_refresh_item (self->model, item);
  if (self->store != NULL)
    care_store_changed (self->store);
}

static void
detail_toast_cb (CareReviewPage *self,
                 const char     *message)
{
  toast (self, message);
}

/* Records arriving through sync ----------------------------------------- */

static void
refresh_clicked_cb (CareReviewPage *self)
{
  self->stale = FALSE;
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->refresh_revealer), FALSE);
  care_review_model_reload (self->model);
}

/* The sync daemon wrote records to the store: offer to show them rather
 * than moving the list under the co-ordinator's finger. */
static void
store_changed_cb (CareReviewPage *self)
{
  self->stale = TRUE;
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->refresh_revealer), TRUE);
}

static void
map_cb (CareReviewPage *self)
{
  if (self->stale)
    refresh_clicked_cb (self);
}

/* Bulk approval ---------------------------------------------------------- */

static gboolean
add_unremarkable (const CareVisitSummary *s,
                  gpointer                user_data,
                  GError                **error)
{
  GPtrArray *ids = user_data;

  if (s->visit != NULL && s->flags == 0 && s->state == CARE_VISIT_DONE
      && s->review == CARE_REVIEW_NONE)
    g_ptr_array_add (ids, g_strdup (s->visit));
  /* Enough for one go: stop (without an error). */
  return ids->len < BULK_MAX;
}

/* Worker thread: the unremarkable visits of the filter, not yet reviewed. */
static gpointer
scan_unremarkable (CareStore *store,
                   gpointer   data,
                   GError   **error)
{
  CareVisitFilter filter = *(CareVisitFilter *) data;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GError *local = NULL;

  filter.review = CARE_REVIEW_NONE;
  filter.flags_any = 0;
  filter.exceptions_first = FALSE;
  if (!care_timesheet_foreach_visit (store, &filter, add_unremarkable, ids, &local)
      && local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

typedef struct
{
  CareVisitFilter filter;
  char *carer;
  char *client;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  g_free (data->carer);
  g_free (data->client);
  g_free (data);
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CareReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = care_reader_run_finish (CARE_READER (source), result, &error);
  g_autofree char *text = NULL;
  g_autofree char *button = NULL;

  /* Cancelled: the page is going away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->bulk_button, TRUE);
  if (ids == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (ids->len == 0)
    {
      toast (self, _("Every visit in this list has an exception or a review already."));
      return;
    }
  g_clear_pointer (&self->bulk_visits, g_ptr_array_unref);
  self->bulk_visits = g_steal_pointer (&ids);
  text = g_strdup_printf (ngettext (
                                       "Approve %u finished visit with no exceptions that nobody "
                                       "has reviewed yet?",
                                       "Approve %u finished visits with no exceptions that nobody "
                                       "has reviewed yet?",
                                       self->bulk_visits->len),
                          self->bulk_visits->len);
  button = g_strdup_printf (_("Approve %u"), self->bulk_visits->len);
  gtk_label_set_text (GTK_LABEL (self->bulk_label), text);
  gtk_button_set_label (GTK_BUTTON (self->bulk_confirm), button);
  care_set_accessible_label (self->bulk_confirm, text);
  gtk_widget_set_sensitive (self->bulk_confirm, TRUE);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->bulk_revealer), TRUE);
}

static void
bulk_clicked_cb (CareReviewPage *self)
{
  ScanData *data = g_new0 (ScanData, 1);
  gboolean valid;

  build_filter (self, &data->filter, &valid);
  data->carer = g_strdup (data->filter.carer);
  data->client = g_strdup (data->filter.client);
  data->filter.carer = data->carer;
  data->filter.client = data->client;
  gtk_widget_set_sensitive (self->bulk_button, FALSE);
  care_reader_run_async (self->reader, scan_unremarkable, data, (GDestroyNotify) scan_data_free,
                         (GDestroyNotify) g_ptr_array_unref, self->cancellable, scan_done_cb,
                         g_object_ref (self));
}

static void
bulk_finish (CareReviewPage *self,
             const GError   *error)
{
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->bulk_id, g_source_remove);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->bulk_revealer), FALSE);
  gtk_widget_set_sensitive (self->bulk_button, TRUE);
  if (error != NULL)
    text = g_strdup_printf (_("%u visits approved, then: %s"), self->bulk_done, error->message);
  else
    text = g_strdup_printf (ngettext ("%u visit approved", "%u visits approved",
                                         self->bulk_done),
                            self->bulk_done);
  toast (self, text);
  g_clear_pointer (&self->bulk_visits, g_ptr_array_unref);
  care_review_model_reload (self->model);
  if (self->store != NULL)
    care_store_changed (self->store);
}

static gboolean
bulk_step_cb (gpointer user_data)
{
  CareReviewPage *self = user_data;

  for (guint i = 0; i < BULK_CHUNK && self->bulk_done < self->bulk_visits->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *review =
        care_store_add_review (self->store, "approve", g_ptr_array_index (self->bulk_visits,
                                                                          self->bulk_done),
                               NULL, NULL, NULL, &error);

      if (review == NULL)
        {
          self->bulk_id = 0;
          bulk_finish (self, error);
          return G_SOURCE_REMOVE;
        }
      self->bulk_done++;
    }
  if (self->bulk_done >= self->bulk_visits->len)
    {
      self->bulk_id = 0;
      bulk_finish (self, NULL);
      return G_SOURCE_REMOVE;
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Approving… %u of %u"), self->bulk_done,
                                               self->bulk_visits->len);

      gtk_label_set_text (GTK_LABEL (self->bulk_label), text);
      return G_SOURCE_CONTINUE;
    }
}

static void
bulk_confirm_cb (CareReviewPage *self)
{
  if (self->bulk_visits == NULL || self->bulk_id != 0)
    return;
  self->bulk_done = 0;
  gtk_widget_set_sensitive (self->bulk_confirm, FALSE);
  gtk_widget_set_sensitive (self->bulk_button, FALSE);
  self->bulk_id = g_idle_add (bulk_step_cb, self);
}

static void
bulk_cancel_cb (CareReviewPage *self)
{
  if (self->bulk_id != 0)
    return;
  g_clear_pointer (&self->bulk_visits, g_ptr_array_unref);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->bulk_revealer), FALSE);
}

/* Choices for the drop-downs --------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      names)
{
  return g_utf8_collate (g_hash_table_lookup (names, a), g_hash_table_lookup (names, b));
}

static gboolean
add_carer_name (const CareVisitSummary *s,
                gpointer                user_data,
                GError                **error)
{
  GHashTable *seen = user_data;

  if (s->carer != NULL && !g_hash_table_contains (seen, s->carer))
    g_hash_table_insert (seen, g_strdup (s->carer),
                         g_strdup (s->carer_name ? s->carer_name : s->carer));
  return TRUE;
}

/* Worker thread. */
static gpointer
read_choices (CareStore *store,
              gpointer   data,
              GError   **error)
{
  Choices *c = g_new0 (Choices, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GTimeZone) tz = care_store_get_timezone (store);
  g_autoptr(GPtrArray) clients = care_store_list_clients (store, NULL, error);
  g_autoptr(GList) keys = NULL;
  CareVisitFilter filter = { 0 };
  gint64 now = care_store_now (store);

  if (clients == NULL)
    {
      choices_free (c);
      return NULL;
    }
  c->client_ids = g_ptr_array_new_with_free_func (g_free);
  c->client_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < clients->len; i++)
    {
      const char *id = g_ptr_array_index (clients, i);
      char *name = care_store_get_client_name (store, id);

      g_ptr_array_add (c->client_ids, g_strdup (id));
      g_ptr_array_add (c->client_names, name != NULL ? name : g_strdup (id));
    }

  /* The store has no list of members: offer the carers with visits in the
   * last weeks (and the coming one). */
  filter.from = care_day_start (now, tz, -CARER_WINDOW_DAYS);
  filter.to = care_day_start (now, tz, 8);
  filter.review = -1;
  if (!care_timesheet_foreach_visit (store, &filter, add_carer_name, seen, error))
    {
      choices_free (c);
      return NULL;
    }
  c->carer_ids = g_ptr_array_new_with_free_func (g_free);
  c->carer_names = g_ptr_array_new_with_free_func (g_free);
  keys = g_hash_table_get_keys (seen);
  keys = g_list_sort_with_data (keys, compare_names, seen);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_ptr_array_add (c->carer_ids, g_strdup (l->data));
      g_ptr_array_add (c->carer_names, g_strdup (g_hash_table_lookup (seen, l->data)));
    }
  return c;
}

static void
fill_dropdown (GtkWidget  *dropdown,
               const char *all,
               GPtrArray  *names)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, all);
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (names, i));
  gtk_drop_down_set_model (GTK_DROP_DOWN (dropdown), G_LIST_MODEL (list));
  g_object_unref (list);
}

static void
choices_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CareReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Choices *c = care_reader_run_finish (CARE_READER (source), result, &error);

  if (c == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  self->updating_toggles = TRUE;
  g_ptr_array_unref (self->carer_ids);
  self->carer_ids = g_ptr_array_ref (c->carer_ids);
  g_ptr_array_unref (self->client_ids);
  self->client_ids = g_ptr_array_ref (c->client_ids);
  fill_dropdown (self->carer_dropdown, _("All carers"), c->carer_names);
  fill_dropdown (self->client_dropdown, _("All clients"), c->client_names);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->carer_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->client_dropdown), 0);
  self->updating_toggles = FALSE;
  choices_free (c);
}

/* Building --------------------------------------------------------------- */

/* One chip per exception; the chips are the buttons, not their cells. */
static void
add_flag_chips (CareReviewPage *self)
{
  for (guint bit = 0; bit < CARE_REVIEW_N_FLAGS; bit++)
    {
      g_autofree char *name = g_strdup_printf ("flag-%u", bit);
      GtkWidget *toggle = gtk_toggle_button_new_with_label (care_flag_label (bit));

      gtk_widget_set_name (toggle, name);
      gtk_widget_set_size_request (toggle, -1, 44);
      gtk_widget_add_css_class (toggle, care_flag_css_class (bit));
      g_signal_connect_swapped (toggle, "toggled", G_CALLBACK (filter_changed_cb), self);
      self->flag_toggles[bit] = toggle;
      gtk_flow_box_append (GTK_FLOW_BOX (self->chips), toggle);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (self->chips); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

/* GObject ---------------------------------------------------------------- */

static void
care_review_page_dispose (GObject *object)
{
  CareReviewPage *self = CARE_REVIEW_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->bulk_id, g_source_remove);
  if (self->sync_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_monitor, self);
  g_clear_object (&self->sync_monitor);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_REVIEW_PAGE);
  G_OBJECT_CLASS (care_review_page_parent_class)->dispose (object);
}

static void
care_review_page_finalize (GObject *object)
{
  CareReviewPage *self = CARE_REVIEW_PAGE (object);

  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->carer_ids, g_ptr_array_unref);
  g_clear_pointer (&self->client_ids, g_ptr_array_unref);
  g_clear_pointer (&self->bulk_visits, g_ptr_array_unref);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  G_OBJECT_CLASS (care_review_page_parent_class)->finalize (object);
}

static void
care_review_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CareReviewPage *self = CARE_REVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_SUBPAGE:
      g_value_set_boolean (value, care_review_page_get_subpage (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_review_page_class_init (CareReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_review_page_dispose;
  object_class->finalize = care_review_page_finalize;
  object_class->get_property = care_review_page_get_property;

  /* TRUE while a visit is shown instead of the list: the window's header
   * then offers the way back. */
  properties[PROP_SUBPAGE] =
    g_param_spec_boolean ("subpage", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "review.back", NULL, back_action);
  /* The list's rows are built from care-review-list-item.ui. */
  g_type_ensure (CARE_TYPE_REVIEW_ROW);
  g_type_ensure (CARE_TYPE_REVIEW_ITEM);
  g_type_ensure (CARE_TYPE_REVIEW_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, carer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, client_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, review_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, first_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, chips);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, any_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, status);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, bulk_button);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, bulk_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, bulk_label);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, bulk_confirm);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, detail);
  gtk_widget_class_bind_template_child (widget_class, CareReviewPage, refresh_revealer);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, any_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, bulk_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, bulk_confirm_cb);
  gtk_widget_class_bind_template_callback (widget_class, bulk_cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, reviewed_cb);
  gtk_widget_class_bind_template_callback (widget_class, detail_toast_cb);
}

static void
care_review_page_init (CareReviewPage *self)
{
  /* The template's signals (a drop-down's first selection) may come before
   * the model: filter_changed_cb waits for it. */
  self->updating_toggles = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->updating_toggles = FALSE;
  add_flag_chips (self);
  self->cancellable = g_cancellable_new ();
  self->carer_ids = g_ptr_array_new_with_free_func (g_free);
  self->client_ids = g_ptr_array_new_with_free_func (g_free);
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
care_review_page_new_for_store (CareStore  *store,
                                CareReader *reader)
{
  CareReviewPage *self;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_READER (reader), NULL);

  self = g_object_new (CARE_TYPE_REVIEW_PAGE, NULL);
  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->tz = care_store_get_timezone (store);
  self->model = care_review_model_new (reader);
  care_review_model_set_timezone (self->model, self->tz);
  care_review_detail_set_store (CARE_REVIEW_DETAIL (self->detail), store, reader);
  {
    g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->model)));

    gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view), GTK_SELECTION_MODEL (selection));
  }
  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::complete", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "counts-changed", G_CALLBACK (update_counts), self);
  g_signal_connect_swapped (self->model, "error", G_CALLBACK (model_error_cb), self);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
  update_counts (self);
  care_reader_run_async (self->reader, read_choices, NULL, NULL, (GDestroyNotify) choices_free,
                         self->cancellable, choices_read_cb, g_object_ref (self));
  apply_filter (self);
  return GTK_WIDGET (self);
}

GtkWidget *
care_review_page_new (CareWindow *window)
{
  CareReviewPage *self;

  g_return_val_if_fail (CARE_IS_WINDOW (window), NULL);

  self = CARE_REVIEW_PAGE (care_review_page_new_for_store (care_window_get_store (window),
                                                           care_window_get_reader (window)));
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  care_review_page_set_sync_monitor (self, care_window_get_sync_monitor (window));
  return GTK_WIDGET (self);
}

void
care_review_page_set_sync_monitor (CareReviewPage  *self,
                                   CareSyncMonitor *monitor)
{
  g_return_if_fail (CARE_IS_REVIEW_PAGE (self));

  if (self->sync_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_monitor, self);
  g_set_object (&self->sync_monitor, monitor);
  if (monitor != NULL)
    g_signal_connect_object (monitor, "store-changed", G_CALLBACK (store_changed_cb), self,
                             G_CONNECT_SWAPPED);
}

void
care_review_page_reload (CareReviewPage *self)
{
  g_return_if_fail (CARE_IS_REVIEW_PAGE (self));

  care_review_model_reload (self->model);
}

GListModel *
care_review_page_get_model (CareReviewPage *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_PAGE (self), NULL);

  return G_LIST_MODEL (self->model);
}

gboolean
care_review_page_get_subpage (CareReviewPage *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_PAGE (self), FALSE);

  return self->stack != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)), "detail") == 0;
}
