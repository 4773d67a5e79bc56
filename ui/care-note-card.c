/* care-note-card.c: a care note's card, bound to a CareNoteItem.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The labels, the Urgent tag, the corrections and the Correct button's
 * visibility are bound to the item in care-note-card.ui. What a binding
 * cannot carry (style classes, the button's action target and accessible
 * label) is set once here, when the card is made.
 */
#include "care-config.h"

#include "care-note-card.h"
#include "care-ui-util.h"

struct _CareNoteCard
{
  CareItemRow parent_instance;

  GtkWidget *text;
  GtkWidget *correct;
};

G_DEFINE_FINAL_TYPE (CareNoteCard, care_note_card, CARE_TYPE_ITEM_ROW)

static void
care_note_card_constructed (GObject *object)
{
  CareNoteCard *self = CARE_NOTE_CARD (object);
  CareNoteItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));
  g_autofree char *correct_label = NULL;
  gboolean urgent, retracted;

  G_OBJECT_CLASS (care_note_card_parent_class)->constructed (object);

  g_object_get (item, "urgent", &urgent, "retracted", &retracted,
                "correct-label", &correct_label, NULL);
  if (urgent)
    gtk_widget_add_css_class (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (self)), "urgent-card");
  if (retracted)
    gtk_widget_add_css_class (self->text, "retracted");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->correct), "s",
                                    care_note_item_get_note (item));
  care_set_accessible_label (self->correct, correct_label);
}

static void
care_note_card_class_init (CareNoteCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_note_card_constructed;

  g_type_ensure (CARE_TYPE_NOTE_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-note-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CareNoteCard, text);
  gtk_widget_class_bind_template_child (widget_class, CareNoteCard, correct);
}

static void
care_note_card_init (CareNoteCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_note_card_new (CareNoteItem *item)
{
  g_return_val_if_fail (CARE_IS_NOTE_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_NOTE_CARD, "item", item, NULL);
}
