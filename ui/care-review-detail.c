/* care-review-detail.c: one visit as a co-ordinator reviews it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page is a template (care-review-detail.ui) bound to "visit", a
 * CareReviewVisit made from the summary at once and from the visit's
 * detail once read off the main thread; its lists are bound to the
 * template's list boxes here. What stays in code is the review itself.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-line-row.h"
#include "care-review-detail.h"
#include "care-review-visit.h"
#include "care-ui-util.h"

struct _CareReviewDetail
{
  AdwBin parent_instance;

  CareStore *store;
  CareReader *reader;
  GTimeZone *tz;
  CareReviewItem *item;
  CareVisitDetail *detail;
  GHashTable *names;        /* member id -> name, for the history */
  GCancellable *cancellable;
  gboolean loading;
  CareReviewVisit *visit;   /* what is shown, made anew at each read */

  GtkFlowBox *badges;
  GtkEditable *message_entry;
  GtkLabel *action_error;
  GtkListBox *record_list;
  GtkListBox *times_list;
  GtkListBox *tasks_list;
  GtkListBox *notes_list;
  GtkListBox *words_list;
  GtkListBox *history_list;
};

G_DEFINE_FINAL_TYPE (CareReviewDetail, care_review_detail, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_VISIT,
  N_PROPS
};

enum {
  SIGNAL_REVIEWED,
  SIGNAL_TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers ---------------------------------------------------------------- */

static void
set_loading (CareReviewDetail *self,
             gboolean          loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Building the page ------------------------------------------------------ */

static void review_clicked (CareReviewDetail *self,
                            const char       *action);

static void
approve_clicked_cb (CareReviewDetail *self)
{
  review_clicked (self, "approve");
}

static void
query_clicked_cb (CareReviewDetail *self)
{
  review_clicked (self, "query");
}

static void
flag_clicked_cb (CareReviewDetail *self)
{
  review_clicked (self, "flag");
}

static void
withdraw_clicked_cb (CareReviewDetail *self)
{
  review_clicked (self, "withdrawn");
}

static GtkWidget *
create_line_row_cb (gpointer item,
                    gpointer user_data)
{
  return care_line_row_new (item);
}

static GtkWidget *
create_badge_cb (gpointer item,
                 gpointer user_data)
{
  GtkWidget *label = gtk_label_new (care_line_item_get_title (item));

  gtk_widget_add_css_class (label, "caption-heading");
  if (care_line_item_get_tone (item) != NULL)
    gtk_widget_add_css_class (label, care_line_item_get_tone (item));
  return label;
}

static void
bind_list (GtkListBox      *list,
           CareReviewVisit *visit,
           const char      *property)
{
  g_autoptr(GListModel) model = NULL;

  g_object_get (visit, property, &model, NULL);
  gtk_list_box_bind_model (list, model, create_line_row_cb, NULL, NULL);
}

/* Shows the visit from its summary, or its detail once read: a new visit
 * object, and the template's bindings follow. */
static void
show_visit (CareReviewDetail *self)
{
  const CareVisitSummary *s = self->item != NULL ? care_review_item_get_summary (self->item) : NULL;
  g_autoptr(CareReviewVisit) visit = NULL;
  g_autoptr(GListModel) badges = NULL;

  if (s == NULL && self->detail == NULL)
    return;
  visit = care_review_visit_new (s, self->detail, self->names, self->tz);
  g_object_get (visit, "badges", &badges, NULL);
  gtk_flow_box_bind_model (self->badges, badges, create_badge_cb, NULL, NULL);
  bind_list (self->record_list, visit, "record");
  bind_list (self->times_list, visit, "times");
  bind_list (self->tasks_list, visit, "tasks");
  bind_list (self->notes_list, visit, "notes");
  bind_list (self->words_list, visit, "words");
  bind_list (self->history_list, visit, "history");
  g_set_object (&self->visit, visit);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIT]);
}

/* Reading and writing ---------------------------------------------------- */

typedef struct
{
  CareVisitDetail *detail;
  GHashTable *names;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->detail, care_visit_detail_free);
  g_clear_pointer (&loaded->names, g_hash_table_unref);
  g_free (loaded);
}

static void
add_name (CareStore  *store,
          GHashTable *names,
          const char *member)
{
  char *name;

  if (member == NULL || g_hash_table_contains (names, member))
    return;
  name = care_store_get_member_name (store, member);
  g_hash_table_insert (names, g_strdup (member), name != NULL ? name : g_strdup (member));
}

/* Worker thread: the visit and the names of the people in its history. */
static gpointer
read_visit (CareStore *store,
            gpointer   data,
            GError   **error)
{
  Loaded *loaded = g_new0 (Loaded, 1);

  loaded->detail = care_store_get_visit (store, data, error);
  if (loaded->detail == NULL)
    {
      loaded_free (loaded);
      return NULL;
    }
  loaded->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; loaded->detail->history != NULL && i < loaded->detail->history->len; i++)
    add_name (store, loaded->names,
              ((CareHistoryEntry *) g_ptr_array_index (loaded->detail->history, i))->author);
  for (guint i = 0; loaded->detail->notes != NULL && i < loaded->detail->notes->len; i++)
    {
      const CareNote *n = g_ptr_array_index (loaded->detail->notes, i);

      for (guint v = 0; n->versions != NULL && v < n->versions->len; v++)
        add_name (store, loaded->names, ((CareNoteVersion *) g_ptr_array_index (n->versions, v))->author);
    }
  return loaded;
}

static void
visit_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CareReviewDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = care_reader_run_finish (CARE_READER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (loaded == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message);
      return;
    }
  g_clear_pointer (&self->detail, care_visit_detail_free);
  g_clear_pointer (&self->names, g_hash_table_unref);
  self->detail = g_steal_pointer (&loaded->detail);
  self->names = g_steal_pointer (&loaded->names);
  loaded_free (loaded);
  show_visit (self);
}

static void
load (CareReviewDetail *self)
{
  const CareVisitSummary *s = care_review_item_get_summary (self->item);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->detail, care_visit_detail_free);
  gtk_editable_set_text (self->message_entry, "");
  gtk_widget_set_visible (GTK_WIDGET (self->action_error), FALSE);
  show_visit (self);
  if (s == NULL || (s->visit == NULL && s->schedule == NULL))
    {
      set_loading (self, FALSE);
      return;
    }
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  /* A scheduled visit that never started is read by its rota entry. */
  care_reader_run_async (self->reader, read_visit,
                         s->visit != NULL ? g_strdup (s->visit)
                                          : g_strconcat ("schedule:", s->schedule, NULL),
                         g_free,
                         (GDestroyNotify) loaded_free, self->cancellable,
                         visit_read_cb, g_object_ref (self));
}

static void submit_review (CareReviewDetail *self,
                           const char       *action);

static void
safeguarding_response_cb (CareReviewDetail *self,
                          const char       *response)
{
  if (g_strcmp0 (response, "approve") == 0)
    submit_review (self, "approve");
}

/* Approving a visit with a safeguarding concern asks the co-ordinator to
 * acknowledge the concern first: one tap must not clear it. */
static void
ask_safeguarding_acknowledgement (CareReviewDetail *self)
{
  const char *heading = _("Approve a Visit With a Safeguarding Concern?");
  const char *body = _("The carer recorded a safeguarding concern on this visit. Approve it only once you have read the concern and acted on it as the co-op’s safeguarding policy asks.");
#if ADW_CHECK_VERSION (1, 6, 0)
  AdwDialog *dialog = adw_alert_dialog_new (heading, body);

  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                  "cancel", _("_Cancel"),
                                  "approve", _("I Have Read the Concern: _Approve"),
                                  NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "approve",
                                            ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (safeguarding_response_cb), self,
                           G_CONNECT_SWAPPED);
  adw_dialog_present (dialog, GTK_WIDGET (self));
#else
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  gtk_widget_set_name (dialog, "safeguarding-acknowledge");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "approve", _("I Have Read the Concern: _Approve"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "approve",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (safeguarding_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
#endif
}

static void
review_clicked (CareReviewDetail *self,
                const char       *action)
{
  const CareVisitSummary *s = self->detail ? &self->detail->summary : NULL;

  if (s != NULL && g_str_equal (action, "approve") && (s->flags & CARE_VISIT_FLAG_SAFEGUARDING))
    {
      ask_safeguarding_acknowledgement (self);
      return;
    }
  submit_review (self, action);
}

static void
submit_review (CareReviewDetail *self,
               const char       *action)
{
  const CareVisitSummary *s = self->detail ? &self->detail->summary : NULL;
  const char *message = gtk_editable_get_text (self->message_entry);
  g_autoptr(GError) error = NULL;
  g_autofree char *review = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (message));

  if (s == NULL || s->visit == NULL)
    return;
  if ((g_str_equal (action, "query") || g_str_equal (action, "withdrawn")) && *trimmed == '\0')
    {
      gtk_label_set_text (self->action_error,
                          g_str_equal (action, "query")
                            ? _("Write what the carer should check before sending the query.")
                            : _("Write why you withdraw the approval in the message first."));
      gtk_widget_set_visible (GTK_WIDGET (self->action_error), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->message_entry));
      return;
    }
  review = care_store_add_review (self->store, action, s->visit, NULL, NULL,
                                  *trimmed != '\0' ? trimmed : NULL, &error);
  if (review == NULL)
    {
      gtk_label_set_text (self->action_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->action_error), TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_REVIEWED], 0, self->item, action);
  if (g_str_equal (action, "approve"))
    g_signal_emit (self, signals[SIGNAL_TOAST], 0, _("Visit approved"));
  else if (g_str_equal (action, "query"))
    g_signal_emit (self, signals[SIGNAL_TOAST], 0,
                   _("Query sent: it reaches the carer's tablet at the next sync"));
  else if (g_str_equal (action, "withdrawn"))
    g_signal_emit (self, signals[SIGNAL_TOAST], 0, _("Approval withdrawn"));
  else
    g_signal_emit (self, signals[SIGNAL_TOAST], 0, _("Visit flagged"));
  load (self);
}

/* GObject ---------------------------------------------------------------- */

static void
care_review_detail_dispose (GObject *object)
{
  CareReviewDetail *self = CARE_REVIEW_DETAIL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_REVIEW_DETAIL);
  g_clear_object (&self->visit);
  G_OBJECT_CLASS (care_review_detail_parent_class)->dispose (object);
}

static void
care_review_detail_finalize (GObject *object)
{
  CareReviewDetail *self = CARE_REVIEW_DETAIL (object);

  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->item);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->detail, care_visit_detail_free);
  g_clear_pointer (&self->names, g_hash_table_unref);
  G_OBJECT_CLASS (care_review_detail_parent_class)->finalize (object);
}

static void
care_review_detail_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CareReviewDetail *self = CARE_REVIEW_DETAIL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_VISIT:
      g_value_set_object (value, self->visit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_review_detail_class_init (CareReviewDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_review_detail_dispose;
  object_class->finalize = care_review_detail_finalize;
  object_class->get_property = care_review_detail_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* What is shown; NULL before the first visit. */
  properties[PROP_VISIT] =
    g_param_spec_object ("visit", NULL, NULL, CARE_TYPE_REVIEW_VISIT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A review record was written for the item: (item, action). */
  signals[SIGNAL_REVIEWED] =
    g_signal_new ("reviewed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, CARE_TYPE_REVIEW_ITEM, G_TYPE_STRING);
  /* Something to tell the co-ordinator briefly. */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CARE_TYPE_REVIEW_VISIT);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-review-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, badges);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, message_entry);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, action_error);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, record_list);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, times_list);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, tasks_list);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, notes_list);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, words_list);
  gtk_widget_class_bind_template_child (widget_class, CareReviewDetail, history_list);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, flag_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, withdraw_clicked_cb);
}

static void
care_review_detail_init (CareReviewDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
care_review_detail_new (CareStore  *store,
                        CareReader *reader)
{
  GtkWidget *self;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_READER (reader), NULL);

  self = g_object_new (CARE_TYPE_REVIEW_DETAIL, NULL);
  care_review_detail_set_store (CARE_REVIEW_DETAIL (self), store, reader);
  return self;
}

void
care_review_detail_set_store (CareReviewDetail *self,
                              CareStore        *store,
                              CareReader       *reader)
{
  g_return_if_fail (CARE_IS_REVIEW_DETAIL (self));
  g_return_if_fail (CARE_IS_STORE (store));
  g_return_if_fail (CARE_IS_READER (reader));

  g_set_object (&self->store, store);
  g_set_object (&self->reader, reader);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = care_store_get_timezone (store);
}

void
care_review_detail_show (CareReviewDetail *self,
                         CareReviewItem   *item)
{
  g_return_if_fail (CARE_IS_REVIEW_DETAIL (self));
  g_return_if_fail (CARE_IS_REVIEW_ITEM (item));

  g_set_object (&self->item, item);
  load (self);
  /* The scrolled window is the bin's child, not a template child: the
   * template's disposal would unparent it before AdwBin's own. */
  gtk_adjustment_set_value (
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (adw_bin_get_child (ADW_BIN (self)))), 0);
}

CareReviewItem *
care_review_detail_get_item (CareReviewDetail *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_DETAIL (self), NULL);

  return self->item;
}

gboolean
care_review_detail_get_loading (CareReviewDetail *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_DETAIL (self), FALSE);

  return self->loading;
}
