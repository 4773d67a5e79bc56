/* care-review-detail.c: one visit as a supervisor reviews it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-review-detail.h"
#include "care-review-model.h"
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

  GtkWidget *scroller;
  GtkWidget *clamp;
  GtkWidget *content;       /* rebuilt for each visit */
  GtkWidget *message_entry;
  GtkWidget *action_error;
};

G_DEFINE_FINAL_TYPE (CareReviewDetail, care_review_detail, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
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

static GtkWidget *
add_group (GtkWidget  *box,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (GTK_BOX (box), group);
  return group;
}

/* A row with a label and a value typed by people: never parsed as markup. */
static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL && *value ? value : "—");
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static void
add_row_take (GtkWidget  *group,
              const char *title,
              char       *value)
{
  add_row (group, title, value);
  g_free (value);
}

static GtkWidget *
badge (const char *text,
       const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "caption-heading");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
action_button (CareReviewDetail *self,
               const char       *name,
               const char       *label,
               const char       *css_class,
               GCallback         callback)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_name (button, name);
  gtk_widget_set_size_request (button, -1, 44);
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  g_signal_connect_swapped (button, "clicked", callback, self);
  return button;
}

/* Building the page ------------------------------------------------------ */

static const char *
person (CareReviewDetail *self,
        const char       *member)
{
  const char *name = self->names != NULL && member != NULL
                       ? g_hash_table_lookup (self->names, member)
                       : NULL;

  return name != NULL ? name : member != NULL ? member : "";
}

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

static void
build_header (CareReviewDetail       *self,
              GtkWidget              *box,
              const CareVisitSummary *s)
{
  g_autofree char *title = g_strdup_printf ("%s — %s", s->client_name ? s->client_name : s->client,
                                            s->carer_name ? s->carer_name : s->carer);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *badges = gtk_flow_box_new ();
  g_autofree char *state = g_strdup_printf ("%s · %s", care_visit_state_label (s->state),
                                            care_review_state_label (s->review));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_set_name (label, "detail-title");
  gtk_box_append (GTK_BOX (box), label);

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (badges), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (badges), 8);
  gtk_flow_box_append (GTK_FLOW_BOX (badges), badge (state, "dim-label"));
  for (guint bit = 0; bit < CARE_REVIEW_N_FLAGS; bit++)
    if (s->flags & (1u << bit))
      gtk_flow_box_append (GTK_FLOW_BOX (badges), badge (care_flag_label (bit),
                                                         care_flag_css_class (bit)));
  gtk_box_append (GTK_BOX (box), badges);

  if (s->open_query != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Open query: %s"), s->open_query);
      GtkWidget *query = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (query), TRUE);
      gtk_label_set_xalign (GTK_LABEL (query), 0);
      gtk_widget_add_css_class (query, "warning");
      gtk_widget_set_name (query, "open-query");
      gtk_box_append (GTK_BOX (box), query);
    }
  /* The carer's answer, at the top where the query was: it waits for the
   * co-ordinator's look, not at the bottom of the history. */
  if (s->answer != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The carer answered: %s"), s->answer);
      GtkWidget *answer = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (answer), TRUE);
      gtk_label_set_xalign (GTK_LABEL (answer), 0);
      gtk_widget_add_css_class (answer, "accent");
      gtk_widget_set_name (answer, "carer-answer");
      gtk_box_append (GTK_BOX (box), answer);
    }
}

static void
build_evv (CareReviewDetail       *self,
           GtkWidget              *box,
           const CareVisitDetail  *d,
           const CareVisitSummary *s)
{
  GtkWidget *group = add_group (box, _("Visit record"),
                                _("Service, client, date, place, carer and times, as the co-op must keep them"));
  g_autofree char *location = NULL;

  add_row (group, _("Type of service"), care_service_label (s->service));
  add_row (group, _("Client"), s->client_name ? s->client_name : s->client);
  add_row_take (group, _("Date"),
                care_format_datetime (s->started_at ? s->started_at : s->planned_start,
                                             self->tz));
  if (d != NULL && d->has_location)
    location = g_strdup_printf (_("%s\nRecorded at %.5f, %.5f (within %.0f m)"),
                                s->client_address ? s->client_address : "", d->lat, d->lon,
                                d->accuracy_m);
  else
    location = g_strdup_printf (_("%s\nThe device did not record a position"),
                                s->client_address ? s->client_address : "");
  add_row (group, _("Location"), location);
  add_row (group, _("Carer"), s->carer_name ? s->carer_name : s->carer);
  add_row_take (group, _("Start"), care_format_datetime (s->started_at, self->tz));
  add_row_take (group, _("End"), care_format_datetime (s->finished_at, self->tz));
}

static void
build_times (CareReviewDetail       *self,
             GtkWidget              *box,
             const CareVisitSummary *s)
{
  GtkWidget *group = add_group (box, _("Times"), NULL);
  g_autofree char *planned = NULL;

  if (s->planned_start != 0)
    {
      g_autofree char *when = care_format_datetime (s->planned_start, self->tz);
      g_autofree char *length = care_format_minutes (s->planned_minutes);

      planned = g_strdup_printf (_("%s for %s"), when, length);
    }
  else
    {
      planned = g_strdup (_("Unscheduled visit"));
    }
  add_row (group, _("Planned"), planned);
  add_row_take (group, _("Check-in as recorded"),
                care_format_datetime (s->recorded_started_at, self->tz));
  add_row_take (group, _("Check-out as recorded"),
                care_format_datetime (s->recorded_finished_at, self->tz));
  if (s->started_at != s->recorded_started_at)
    add_row_take (group, _("Check-in as amended"),
                  care_format_datetime (s->started_at, self->tz));
  if (s->finished_at != s->recorded_finished_at)
    add_row_take (group, _("Check-out as amended"),
                  care_format_datetime (s->finished_at, self->tz));
  if (s->started_at != 0 && s->finished_at > s->started_at)
    add_row_take (group, _("Length"),
                  care_format_minutes ((s->finished_at - s->started_at + 30000) / 60000));
}

static void
build_tasks (CareReviewDetail      *self,
             GtkWidget             *box,
             const CareVisitDetail *d)
{
  GtkWidget *group = add_group (box, _("Tasks"), NULL);

  if (d->tasks == NULL || d->tasks->len == 0)
    {
      add_row (group, _("No care-plan tasks"), NULL);
      return;
    }
  for (guint i = 0; i < d->tasks->len; i++)
    {
      const CareTaskState *t = g_ptr_array_index (d->tasks, i);
      g_autofree char *title = t->essential ? g_strdup_printf (_("%s (essential)"), t->label)
                                            : g_strdup (t->label);
      g_autofree char *answer = NULL;

      if (t->answer == 1)
        answer = g_strdup (_("Done"));
      else if (t->answer == 0)
        answer = g_strdup_printf (_("Not done: %s"), t->reason ? t->reason : "");
      else
        answer = g_strdup (_("Not answered"));
      add_row (group, title, answer);
    }
}

/* The client's word on the visit, and a dispute with the carer's and the
 * family's words side by side (docs/family.md). */
static void
build_verification (CareReviewDetail      *self,
                    GtkWidget             *box,
                    const CareVisitDetail *d)
{
  GtkWidget *group = add_group (box, _("The client’s word"), NULL);
  GtkWidget *row;

  if (d->verified == NULL)
    {
      add_row (group, _("Nobody has confirmed or disputed this visit"), NULL);
      return;
    }
  /* Every word on it, in order: the carer's at the door, the family's
   * later, the co-ordinator's answers, each with who and when. */
  for (guint i = 0; d->history != NULL && i < d->history->len; i++)
    {
      const CareHistoryEntry *h = g_ptr_array_index (d->history, i);
      g_autofree char *when = NULL, *who = NULL;

      if (h->type != CARE_EVENT_VISIT_VERIFIED && h->type != CARE_EVENT_DISPUTE_ANSWERED)
        continue;
      when = care_format_datetime (h->wall, self->tz);
      /* Translators: who wrote it, then when. */
      who = g_strdup_printf (_("%s, %s"), person (self, h->author), when);
      row = add_row (group, h->description, who);
      gtk_widget_set_name (row, "client-word");
    }
  if (d->disputes > 0)
    {
      row = add_row (group, d->dispute_open ? _("The dispute is open: answer it so the family knows")
                                            : _("Answered"),
                     d->dispute_answer);
      if (d->dispute_open)
        gtk_widget_add_css_class (row, "error");
    }
}

static void
build_notes (CareReviewDetail      *self,
             GtkWidget             *box,
             const CareVisitDetail *d)
{
  GtkWidget *group = add_group (box, _("Care notes"), NULL);

  if (d->notes == NULL || d->notes->len == 0)
    {
      add_row (group, _("No notes"), NULL);
      return;
    }
  for (guint i = 0; i < d->notes->len; i++)
    {
      const CareNote *n = g_ptr_array_index (d->notes, i);
      g_autoptr(GString) text = g_string_new (n->retracted ? _("Retracted. ") : "");
      g_autofree char *when = care_format_datetime (n->created_at, self->tz);
      /* Translators: a note's heading: its category, who may read it, when it was written. */
      g_autofree char *title = g_strdup_printf (_("%s%s · %s · %s"), n->urgent ? "⚠ " : "",
                                                care_note_category_label (n->category),
                                                care_note_readers_label (care_readers_to_string (n->readers)), when);
      GtkWidget *row;

      g_string_append (text, n->text ? n->text : "");
      for (guint v = 1; n->versions != NULL && v < n->versions->len; v++)
        {
          const CareNoteVersion *prev = g_ptr_array_index (n->versions, v - 1);
          const CareNoteVersion *ver = g_ptr_array_index (n->versions, v);
          g_autofree char *at = care_format_datetime (ver->at, self->tz);

          g_string_append_printf (text, _("\n— Amended %s by %s (%s); before: “%s”"), at,
                                  person (self, ver->author), ver->reason ? ver->reason : "",
                                  prev->text ? prev->text : "");
        }
      row = add_row (group, title, text->str);
      if (n->urgent)
        gtk_widget_add_css_class (row, "error");
    }
}

static void
build_history (CareReviewDetail      *self,
               GtkWidget             *box,
               const CareVisitDetail *d)
{
  GtkWidget *group = add_group (box, _("History and sync"),
                                _("When each record was made on the device, and whether it has "
                                  "reached the co-op"));

  for (guint i = 0; d->history != NULL && i < d->history->len; i++)
    {
      const CareHistoryEntry *h = g_ptr_array_index (d->history, i);
      g_autofree char *at = care_format_datetime (h->wall, self->tz);
      g_autofree char *received = care_received_label (h->sync, h->received, self->tz);
      g_autofree char *sub = NULL;

      /* The sync timeline: recorded on the tablet at (its own clock), then
       * received by the co-op at (the server's clock). */
      if (h->reason != NULL)
        sub = g_strdup_printf (_("Recorded on the device %s at %s by %s · %s\nReason: %s"),
                               h->device ? h->device : "", at, person (self, h->author),
                               received, h->reason);
      else
        sub = g_strdup_printf (_("Recorded on the device %s at %s by %s · %s"),
                               h->device ? h->device : "", at, person (self, h->author),
                               received);
      add_row (group, h->description ? h->description : "", sub);
    }
}

static void
build_actions (CareReviewDetail       *self,
               GtkWidget              *box,
               const CareVisitSummary *s)
{
  GtkWidget *group = add_group (box, _("Review"), NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *approve, *query, *flag;

  if (s->visit == NULL)
    {
      add_row (group, _("This visit was never started: there is no record to review yet."), NULL);
      return;
    }

  self->message_entry = gtk_entry_new ();
  gtk_widget_set_name (self->message_entry, "query-message");
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->message_entry),
                                  _("Message to the carer, e.g. “Please check the end time”"));
  care_set_accessible_label (self->message_entry, _("Message for a query or a flag"));
  gtk_widget_set_size_request (self->message_entry, -1, 44);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->message_entry);

  approve = action_button (self, "approve-button", _("Approve"), "suggested-action",
                           G_CALLBACK (approve_clicked_cb));
  query = action_button (self, "query-button", _("Send query"), NULL,
                         G_CALLBACK (query_clicked_cb));
  flag = action_button (self, "flag-button", _("Flag"), "destructive-action",
                        G_CALLBACK (flag_clicked_cb));
  care_set_accessible_label (approve, _("Approve this visit"));
  care_set_accessible_label (query, _("Send a query about this visit to the carer"));
  care_set_accessible_label (flag, _("Flag this visit"));
  gtk_widget_set_margin_top (buttons, 12);
  gtk_box_append (GTK_BOX (buttons), approve);
  gtk_box_append (GTK_BOX (buttons), query);
  gtk_box_append (GTK_BOX (buttons), flag);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), buttons);

  /* An approval can be withdrawn, with a reason (the message above). */
  if (s->review == CARE_REVIEW_APPROVED || s->review == CARE_REVIEW_CHANGED)
    {
      GtkWidget *withdraw = action_button (self, "withdraw-button", _("Withdraw approval"), NULL,
                                           G_CALLBACK (withdraw_clicked_cb));

      care_set_accessible_label (withdraw, _("Withdraw the approval of this visit, saying why in the message"));
      gtk_widget_set_halign (withdraw, GTK_ALIGN_START);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), withdraw);
    }
  if (s->review == CARE_REVIEW_CHANGED)
    add_row (group, _("Changed after approval: a record the approval did not include came in "
                      "(see the history). Check it, then approve again."), NULL);

  self->action_error = gtk_label_new (NULL);
  gtk_widget_set_name (self->action_error, "action-error");
  gtk_label_set_wrap (GTK_LABEL (self->action_error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->action_error), 0);
  gtk_widget_add_css_class (self->action_error, "error");
  gtk_widget_set_visible (self->action_error, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->action_error);
}

static void
rebuild (CareReviewDetail *self)
{
  const CareVisitSummary *s = NULL;
  GtkWidget *box;

  self->message_entry = NULL;
  self->action_error = NULL;
  if (self->detail != NULL)
    s = &self->detail->summary;
  else if (self->item != NULL)
    s = care_review_item_get_summary (self->item);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  if (s != NULL)
    {
      build_header (self, box, s);
      build_actions (self, box, s);
      build_evv (self, box, self->detail, s);
      build_times (self, box, s);
      if (self->detail != NULL)
        {
          build_tasks (self, box, self->detail);
          build_notes (self, box, self->detail);
          build_verification (self, box, self->detail);
          build_history (self, box, self->detail);
        }
    }
  self->content = box;
  adw_clamp_set_child (ADW_CLAMP (self->clamp), box);
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
  rebuild (self);
}

static void
load (CareReviewDetail *self)
{
  const CareVisitSummary *s = care_review_item_get_summary (self->item);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->detail, care_visit_detail_free);
  rebuild (self);
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
  const char *message = gtk_editable_get_text (GTK_EDITABLE (self->message_entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *review = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (message));

  if (s == NULL || s->visit == NULL)
    return;
  if ((g_str_equal (action, "query") || g_str_equal (action, "withdrawn")) && *trimmed == '\0')
    {
      gtk_label_set_text (GTK_LABEL (self->action_error),
                          g_str_equal (action, "query")
                            ? _("Write what the carer should check before sending the query.")
                            : _("Write why you withdraw the approval in the message first."));
      gtk_widget_set_visible (self->action_error, TRUE);
      gtk_widget_grab_focus (self->message_entry);
      return;
    }
  review = care_store_add_review (self->store, action, s->visit, NULL, NULL,
                                  *trimmed != '\0' ? trimmed : NULL, &error);
  if (review == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->action_error), error->message);
      gtk_widget_set_visible (self->action_error, TRUE);
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_review_detail_class_init (CareReviewDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_review_detail_dispose;
  object_class->finalize = care_review_detail_finalize;
  object_class->get_property = care_review_detail_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A review record was written for the item: (item, action). */
  signals[SIGNAL_REVIEWED] =
    g_signal_new ("reviewed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, CARE_TYPE_REVIEW_ITEM, G_TYPE_STRING);
  /* Something to tell the supervisor briefly. */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
care_review_detail_init (CareReviewDetail *self)
{
  self->clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (self->clamp), 720);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->clamp);
  adw_bin_set_child (ADW_BIN (self), self->scroller);
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
care_review_detail_new (CareStore  *store,
                        CareReader *reader)
{
  CareReviewDetail *self;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_READER (reader), NULL);

  self = g_object_new (CARE_TYPE_REVIEW_DETAIL, NULL);
  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->tz = care_store_get_timezone (store);
  return GTK_WIDGET (self);
}

void
care_review_detail_show (CareReviewDetail *self,
                         CareReviewItem   *item)
{
  g_return_if_fail (CARE_IS_REVIEW_DETAIL (self));
  g_return_if_fail (CARE_IS_REVIEW_ITEM (item));

  g_set_object (&self->item, item);
  load (self);
  gtk_adjustment_set_value (
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
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
