/* care-query-card.c: a co-ordinator's query on a timesheet, and the answer.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message and the error are bound to the CareQueryItem in
 * care-query-card.ui; the answer's entry is bound to the item's "reply"
 * both ways, so what the carer types lives in the item. Send (or Enter)
 * emits "send" once there is an answer; the page writes it and puts in the
 * item's "error" why it could not.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-query-card.h"

struct _CareQueryCard
{
  CareItemRow parent_instance;

  GtkEntry *reply_entry;
  GtkButton *send_button;
};

G_DEFINE_FINAL_TYPE (CareQueryCard, care_query_card, CARE_TYPE_ITEM_ROW)

enum {
  SIGNAL_SEND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareQueryCard *self = CARE_QUERY_CARD (widget);
  CareQueryItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));
  g_autofree char *reply = care_query_item_dup_reply (item);

  if (*reply == '\0')
    {
      care_form_item_set_error (CARE_FORM_ITEM (item), _("Write your answer first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->reply_entry));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SEND], 0);
}

static void
reply_activate_cb (CareQueryCard *self)
{
  /* Enter sends, as the button does. */
  gtk_widget_activate (GTK_WIDGET (self->send_button));
}

static void
care_query_card_constructed (GObject *object)
{
  CareQueryCard *self = CARE_QUERY_CARD (object);
  CareQueryItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));

  G_OBJECT_CLASS (care_query_card_parent_class)->constructed (object);

  g_object_bind_property (item, "reply", self->reply_entry, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

static void
care_query_card_class_init (CareQueryCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_query_card_constructed;

  /* The carer sends the answer in the item's "reply". */
  signals[SIGNAL_SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (CARE_TYPE_QUERY_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-query-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CareQueryCard, reply_entry);
  gtk_widget_class_bind_template_child (widget_class, CareQueryCard, send_button);
  gtk_widget_class_bind_template_callback (widget_class, reply_activate_cb);
  gtk_widget_class_install_action (widget_class, "query.send", NULL, send_action);
}

static void
care_query_card_init (CareQueryCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_query_card_new (CareQueryItem *item)
{
  g_return_val_if_fail (CARE_IS_QUERY_ITEM (item), NULL);
  return g_object_new (CARE_TYPE_QUERY_CARD, "item", item, NULL);
}
