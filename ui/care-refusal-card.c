/* care-refusal-card.c: a refused (or held) record and how to put it right.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words, the form shown and the error are bound to the
 * CareRefusalItem in care-refusal-card.ui; the time entry and the note's
 * text are bound to the item's "time" and "text" both ways, so what the
 * carer types lives in the item. "Put right" (or Enter in the time) asks
 * the item for the correction's changes: a time that is no time is
 * refused here, with the reason; otherwise "correct" gives the changes to
 * the page, which writes the correction (a new record that names the
 * refused one, docs/sync-protocol.md "Refused records").
 */
#include "care-config.h"

#include "care-refusal-card.h"

struct _CareRefusalCard
{
  CareItemRow parent_instance;

  GtkEntry *time_entry;
  GtkTextView *text_view;
  GtkButton *correct_button;
};

G_DEFINE_FINAL_TYPE (CareRefusalCard, care_refusal_card, CARE_TYPE_ITEM_ROW)

enum {
  SIGNAL_CORRECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
correct_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CareRefusalCard *self = CARE_REFUSAL_CARD (widget);
  CareRefusalItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(GError) error = NULL;

  changes = care_refusal_item_dup_changes (item, &error);
  if (changes == NULL)
    {
      care_form_item_set_error (CARE_FORM_ITEM (item), error->message);
      if (gtk_widget_get_visible (GTK_WIDGET (self->time_entry)))
        gtk_widget_grab_focus (GTK_WIDGET (self->time_entry));
      else if (gtk_widget_get_visible (GTK_WIDGET (self->text_view)))
        gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
      return;
    }
  care_form_item_set_error (CARE_FORM_ITEM (item), NULL);
  g_signal_emit (self, signals[SIGNAL_CORRECT], 0, changes);
}

static void
entry_activate_cb (CareRefusalCard *self)
{
  /* Enter puts it right, as the button does. */
  gtk_widget_activate (GTK_WIDGET (self->correct_button));
}

static void
care_refusal_card_constructed (GObject *object)
{
  CareRefusalCard *self = CARE_REFUSAL_CARD (object);
  CareRefusalItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));

  G_OBJECT_CLASS (care_refusal_card_parent_class)->constructed (object);

  /* The tests find the card by what it is. */
  gtk_widget_set_name (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (self)),
                       care_refusal_item_get_held (item) ? "refusal-held" : "refusal");
  g_object_bind_property (item, "time", self->time_entry, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (item, "text", gtk_text_view_get_buffer (self->text_view), "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

static void
care_refusal_card_class_init (CareRefusalCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_refusal_card_constructed;

  signals[SIGNAL_CORRECT] =
    g_signal_new ("correct", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  g_type_ensure (CARE_TYPE_REFUSAL_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-refusal-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, time_entry);
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, text_view);
  gtk_widget_class_bind_template_child (widget_class, CareRefusalCard, correct_button);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_install_action (widget_class, "refusal.correct", NULL, correct_action);
}

static void
care_refusal_card_init (CareRefusalCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_refusal_card_new (CareRefusalItem *item)
{
  g_return_val_if_fail (CARE_IS_REFUSAL_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_REFUSAL_CARD, "item", item, NULL);
}
