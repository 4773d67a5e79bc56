/* care-refusal-card.c: a refused (or held) record and how to put it right.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "title" and "reason" are properties the template shows. A refused
 * check-in or check-out can be put right with the right time, a refused
 * note with the right words: the card writes the correction (a new record
 * that names the refused one, docs/sync-protocol.md "Refused records") and
 * emits "corrected". Anything else, and a held record, says what happens
 * next; nothing the carer wrote is lost either way.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-refusal-card.h"
#include "care-ui-util.h"

typedef enum
{
  FORM_NONE,
  FORM_TIME,
  FORM_TEXT,
} Form;

struct _CareRefusalCard
{
  GtkBox parent_instance;

  GtkLabel *hint_label;
  GtkEntry *time_entry;
  GtkTextView *text_view;
  GtkLabel *error_label;
  GtkButton *correct_button;

  CareStore *store;
  CareEvent *record;
  GTimeZone *tz;
  Form form;
  char *title;
  char *reason;
};

G_DEFINE_FINAL_TYPE (CareRefusalCard, care_refusal_card, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_REASON,
  N_PROPS
};

enum {
  SIGNAL_CORRECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_error (CareRefusalCard *self,
           const char      *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
correct_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CareRefusalCard *self = CARE_REFUSAL_CARD (widget);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(CareEvent) correction = NULL;
  g_autoptr(GError) error = NULL;

  if (self->form == FORM_TIME)
    {
      gint64 at = json_object_get_int_member_with_default (self->record->body, "at", 0);
      gint64 ms;

      if (!care_parse_time (gtk_editable_get_text (GTK_EDITABLE (self->time_entry)), at, self->tz, &ms, &error))
        {
          set_error (self, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->time_entry));
          return;
        }
      json_object_set_int_member (changes, "at", ms);
    }
  else if (self->form == FORM_TEXT)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
      if (*text == '\0')
        {
          set_error (self, _("Write the note first."));
          gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
          return;
        }
      json_object_set_string_member (changes, "text", text);
    }
  else
    return;
  correction = care_store_correct (self->store, self->record->id, changes, &error);
  if (correction == NULL)
    {
      set_error (self, error->message);
      return;
    }
  set_error (self, NULL);
  /* The page rebuilds its cards on "corrected": keep this one alive until
   * the emission is over. */
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CORRECTED], 0);
  g_object_unref (self);
}

static void
entry_activate_cb (CareRefusalCard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "refusal.correct", NULL);
}

static void
care_refusal_card_dispose (GObject *object)
{
  CareRefusalCard *self = CARE_REFUSAL_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_REFUSAL_CARD);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (care_refusal_card_parent_class)->dispose (object);
}

static void
care_refusal_card_finalize (GObject *object)
{
  CareRefusalCard *self = CARE_REFUSAL_CARD (object);

  g_clear_pointer (&self->record, care_event_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->title);
  g_free (self->reason);
  G_OBJECT_CLASS (care_refusal_card_parent_class)->finalize (object);
}

static void
care_refusal_card_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareRefusalCard *self = CARE_REFUSAL_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_refusal_card_class_init (CareRefusalCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_refusal_card_dispose;
  object_class->finalize = care_refusal_card_finalize;
  object_class->get_property = care_refusal_card_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CORRECTED] =
    g_signal_new ("corrected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-refusal-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, hint_label);
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, time_entry);
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, text_view);
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, correct_button);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_install_action (widget_class, "refusal.correct", NULL, correct_action);
}

static void
care_refusal_card_init (CareRefusalCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* What the carer can change herself for this kind of record. */
static Form
form_for (CareEventType type)
{
  switch (type)
    {
    case CARE_EVENT_VISIT_STARTED:
    case CARE_EVENT_VISIT_FINISHED:
      return FORM_TIME;
    case CARE_EVENT_NOTE_ADDED:
      return FORM_TEXT;
    default:
      return FORM_NONE;
    }
}

GtkWidget *
care_refusal_card_new (CareStore              *store,
                       const CareHistoryEntry *entry,
                       GTimeZone              *tz)
{
  CareRefusalCard *self = g_object_new (CARE_TYPE_REFUSAL_CARD, NULL);
  g_autofree char *why = NULL;
  gboolean held = entry->sync == CARE_SYNC_HELD;

  self->store = g_object_ref (store);
  self->tz = g_time_zone_ref (tz);
  self->record = care_store_get_own_event (store, entry->event, NULL);
  care_store_get_event_sync (store, entry->event, &why, NULL);
  self->title = g_strdup_printf (held ? _("Waiting: %s") : _("Refused by the co-op: %s"),
                                 entry->description != NULL ? entry->description : "");
  self->reason = g_strdup (held ? _("The co-op keeps it, safe, until the refused record of this visit before it "
                                    "is put right.")
                                : why != NULL && *why != '\0' ? why : _("The co-op gave no reason."));
  self->form = held || self->record == NULL ? FORM_NONE : form_for (self->record->type);
  gtk_widget_set_name (GTK_WIDGET (self), held ? "refusal-held" : "refusal");
  switch (self->form)
    {
    case FORM_TIME:
      {
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (
          json_object_get_int_member_with_default (self->record->body, "at", 0) / 1000);
        g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
        g_autofree char *hhmm = local != NULL ? g_date_time_format (local, "%H:%M") : NULL;

        gtk_editable_set_text (GTK_EDITABLE (self->time_entry), hhmm != NULL ? hhmm : "");
        gtk_label_set_label (self->hint_label,
                             _("If the time was wrong, give the right time and put it right. Otherwise your "
                               "co-ordinator can accept or dismiss it at the co-op; nothing is lost."));
        gtk_widget_set_visible (GTK_WIDGET (self->time_entry), TRUE);
        break;
      }
    case FORM_TEXT:
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view),
                                json_object_get_string_member_with_default (self->record->body, "text", ""), -1);
      gtk_label_set_label (self->hint_label,
                           _("Change the note as it should read and put it right, or ask your co-ordinator "
                             "to accept or dismiss it; nothing is lost."));
      gtk_widget_set_visible (GTK_WIDGET (self->text_view), TRUE);
      break;
    case FORM_NONE:
    default:
      gtk_label_set_label (self->hint_label,
                           held ? _("It goes to the co-op by itself once that one is put right.")
                                : _("Your co-ordinator can accept or dismiss it at the co-op; nothing is lost."));
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->correct_button), self->form != FORM_NONE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
  return GTK_WIDGET (self);
}
