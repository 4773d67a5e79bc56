/* care-messages-page.c: the families' messages to the co-ordinators.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read from the co-ordinator's care log each time the page is shown or the
 * log changes (care_messages_page_refresh); at most the latest 200.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-message-row.h"
#include "care-messages-page.h"
#include "care-ui-util.h"

#define MESSAGES_SHOWN 200

struct _CareMessagesPage
{
  AdwBin parent_instance;

  GtkLabel *empty_label;
  GtkListBox *messages_list;

  CareStore *store;
  GListStore *messages;   /* CareMessageItem, newest first */
};

G_DEFINE_FINAL_TYPE (CareMessagesPage, care_messages_page, ADW_TYPE_BIN)

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return care_message_row_new (item);
}

void
care_messages_page_refresh (CareMessagesPage *self)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CARE_IS_MESSAGES_PAGE (self));
  messages = care_store_list_messages (self->store, MESSAGES_SHOWN, &error);
  if (messages == NULL)
    {
      g_list_store_remove_all (self->messages);
      gtk_label_set_label (self->empty_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->empty_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->messages_list), FALSE);
      return;
    }
  tz = care_store_get_timezone (self->store);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (items, care_message_item_new (messages->pdata[i], tz));
  g_list_store_splice (self->messages, 0, g_list_model_get_n_items (G_LIST_MODEL (self->messages)),
                       items->pdata, items->len);
  gtk_label_set_label (self->empty_label, _("No messages from families."));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), messages->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->messages_list), messages->len > 0);
}

static void
care_messages_page_dispose (GObject *object)
{
  CareMessagesPage *self = CARE_MESSAGES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_MESSAGES_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->messages);
  G_OBJECT_CLASS (care_messages_page_parent_class)->dispose (object);
}

static void
care_messages_page_class_init (CareMessagesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_messages_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-messages-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareMessagesPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, CareMessagesPage, messages_list);
  gtk_widget_class_bind_template_callback (widget_class, care_messages_page_refresh);
}

static void
care_messages_page_init (CareMessagesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->messages = g_list_store_new (CARE_TYPE_MESSAGE_ITEM);
  gtk_list_box_bind_model (self->messages_list, G_LIST_MODEL (self->messages), create_row_cb, NULL, NULL);
}

/* Hidden, the page is read again when it is shown (on "map"). */
static void
store_changed_cb (CareMessagesPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    care_messages_page_refresh (self);
}

GtkWidget *
care_messages_page_new (CareStore *store)
{
  CareMessagesPage *self = g_object_new (CARE_TYPE_MESSAGES_PAGE, NULL);

  care_follow_store (self, &self->store, store, G_CALLBACK (store_changed_cb));
  return GTK_WIDGET (self);
}
