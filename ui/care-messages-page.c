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

#include "care-messages-page.h"
#include "care-ui-util.h"

#define MESSAGES_SHOWN 200

struct _CareMessagesPage
{
  AdwBin parent_instance;

  GtkLabel *empty_label;
  GtkListBox *messages_list;

  CareStore *store;
};

G_DEFINE_FINAL_TYPE (CareMessagesPage, care_messages_page, ADW_TYPE_BIN)

static GtkWidget *
message_row_new (const CareFamilyMessage *m,
                 guint                    index,
                 GTimeZone               *tz)
{
  g_autofree char *name = g_strdup_printf ("message-%u", index);
  GtkWidget *box;
  GtkWidget *row = care_list_row_new (name, &box);
  g_autofree char *when = care_format_time (m->wall, tz);
  /* Translators: "Elena Gallo about Dorothy Evans". */
  g_autofree char *who = g_strdup_printf (_("%s about %s"), m->author_name != NULL ? m->author_name : m->author,
                                          m->client_name != NULL ? m->client_name : m->client);
  GtkWidget *heading = care_label_new_wrapped (who, "heading");
  GtkWidget *text = care_label_new_wrapped (m->text, NULL);

  gtk_widget_set_name (text, "message-text");
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), care_label_new_wrapped (when, "dim-label"));
  return row;
}

void
care_messages_page_refresh (CareMessagesPage *self)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CARE_IS_MESSAGES_PAGE (self));
  care_clear_container (GTK_WIDGET (self->messages_list));
  messages = care_store_list_messages (self->store, MESSAGES_SHOWN, &error);
  if (messages == NULL)
    {
      gtk_label_set_label (self->empty_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->empty_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->messages_list), FALSE);
      return;
    }
  tz = care_store_get_timezone (self->store);
  for (guint i = 0; i < messages->len; i++)
    gtk_list_box_append (self->messages_list, message_row_new (messages->pdata[i], i, tz));
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
}

GtkWidget *
care_messages_page_new (CareStore *store)
{
  CareMessagesPage *self = g_object_new (CARE_TYPE_MESSAGES_PAGE, NULL);

  self->store = g_object_ref (store);
  return GTK_WIDGET (self);
}
