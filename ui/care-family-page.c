/* care-family-page.c: what a member of a client's family circle sees.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The family device holds only what the co-op's scope sends it (its
 * clients' visits, the notes shared with the family, the carers' names;
 * docs/family.md), so the page lists what the store has. A visit is
 * confirmed or disputed in the same screen the client sees at the door
 * (CareConfirmWindow, in its family mode).
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-confirm-window.h"
#include "care-family-page.h"
#include "care-family-row.h"
#include "care-ui-util.h"

#define DAYS_SHOWN 60

struct _CareFamilyPage
{
  AdwBin parent_instance;

  GtkLabel *title_label;
  GtkLabel *readership_label;
  GtkListBox *visits_list;
  GtkEntry *message_entry;
  GtkLabel *status_label;

  CareStore *store;
  GListStore *visits;   /* CareFamilyItem, the client's recent visits */
};

G_DEFINE_FINAL_TYPE (CareFamilyPage, care_family_page, ADW_TYPE_BIN)

/* The first client of the circle (messages are about them). */
static char *
circle_client (CareFamilyPage *self)
{
  g_autoptr(GPtrArray) clients = care_store_list_clients (self->store, NULL, NULL);

  return clients != NULL && clients->len > 0 ? g_strdup (g_ptr_array_index (clients, 0)) : NULL;
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return care_family_row_new (item);
}

/* The client's standing choices, as the family reads them: which kinds of
 * note are shared with them, which stay with the care team. */
static void
show_readership (CareFamilyPage *self,
                 const char     *client)
{
  guint n;
  const CareChoice *categories = care_note_categories (&n);
  g_autoptr(GString) shared = g_string_new (NULL);
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; client != NULL && i < n; i++)
    {
      CareReaders choice = care_store_get_client_readers (self->store, client, categories[i].id);
      GString *list = choice == CARE_READERS_FAMILY ? shared : choice != CARE_READERS_INVALID ? kept : NULL;

      if (list != NULL)
        {
          g_autofree char *label = g_utf8_strdown (care_note_category_label (categories[i].id), -1);

          g_string_append_printf (list, "%s%s", list->len > 0 ? ", " : "", label);
        }
    }
  if (shared->len > 0 && kept->len > 0)
    text = g_strdup_printf (_("As the client chose, notes about %s are shared with you; notes about %s are not."),
                            shared->str, kept->str);
  else if (shared->len > 0)
    text = g_strdup_printf (_("As the client chose, notes about %s are shared with you."), shared->str);
  else if (kept->len > 0)
    text = g_strdup_printf (_("As the client chose, notes about %s are not shared with you."), kept->str);
  gtk_label_set_label (self->readership_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->readership_label), text != NULL);
}

void
care_family_page_refresh (CareFamilyPage *self)
{
  CareVisitFilter filter = { 0 };
  g_autoptr(GTimeZone) tz = care_store_get_timezone (self->store);
  g_autoptr(GPtrArray) visits = NULL;
  g_autofree char *client = circle_client (self);
  g_autofree char *client_name = client ? care_store_get_client_name (self->store, client) : NULL;
  g_autofree char *title = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  filter.review = -1;
  filter.from = care_store_now (self->store) - (gint64) DAYS_SHOWN * 24 * 3600 * 1000;
  filter.limit = 50;
  visits = care_store_list_visits (self->store, &filter, NULL);
  title = client_name ? g_strdup_printf (_("Visits to %s"), client_name) : g_strdup (_("Visits"));
  gtk_label_set_label (self->title_label, title);
  show_readership (self, client);
  for (guint i = 0; visits != NULL && i < visits->len; i++)
    {
      const CareVisitSummary *s = g_ptr_array_index (visits, i);
      g_autoptr(CareVisitDetail) d = NULL;

      if (s->visit == NULL || s->started_at <= 0)
        continue;
      d = care_store_get_visit (self->store, s->visit, NULL);
      g_ptr_array_add (items, care_family_item_new (s, d, tz));
    }
  g_list_store_splice (self->visits, 0, g_list_model_get_n_items (G_LIST_MODEL (self->visits)),
                       items->pdata, items->len);
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CareFamilyPage *self = CARE_FAMILY_PAGE (widget);
  CareConfirmWindow *confirm = care_confirm_window_new (self->store, g_variant_get_string (parameter, NULL), TRUE,
                                                        GTK_WINDOW (gtk_widget_get_root (widget)));

  g_signal_connect_object (confirm, "destroy", G_CALLBACK (care_family_page_refresh), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (confirm));
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareFamilyPage *self = CARE_FAMILY_PAGE (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->message_entry))));
  g_autofree char *client = circle_client (self);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (*text == '\0')
    {
      gtk_label_set_label (self->status_label, _("Write the message first."));
      return;
    }
  if (client == NULL)
    {
      gtk_label_set_label (self->status_label, _("This device has no client yet: sync it first."));
      return;
    }
  message = care_store_send_message (self->store, client, text, &error);
  if (message == NULL)
    {
      gtk_label_set_label (self->status_label, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->message_entry), "");
  gtk_label_set_label (self->status_label, _("Saved on this device: it goes to the co-ordinators."));
}

static void
care_family_page_dispose (GObject *object)
{
  g_clear_object (&CARE_FAMILY_PAGE (object)->store);
  g_clear_object (&CARE_FAMILY_PAGE (object)->visits);
  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_FAMILY_PAGE);
  G_OBJECT_CLASS (care_family_page_parent_class)->dispose (object);
}

static void
care_family_page_class_init (CareFamilyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_family_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-family-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareFamilyPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CareFamilyPage, readership_label);
  gtk_widget_class_bind_template_child (widget_class, CareFamilyPage, visits_list);
  gtk_widget_class_bind_template_child (widget_class, CareFamilyPage, message_entry);
  gtk_widget_class_bind_template_child (widget_class, CareFamilyPage, status_label);
  gtk_widget_class_install_action (widget_class, "family.confirm", "s", confirm_action);
  gtk_widget_class_install_action (widget_class, "family.send", NULL, send_action);
}

static void
care_family_page_init (CareFamilyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->visits = g_list_store_new (CARE_TYPE_FAMILY_ITEM);
  gtk_list_box_bind_model (self->visits_list, G_LIST_MODEL (self->visits), create_row_cb, NULL, NULL);
}

GtkWidget *
care_family_page_new (CareStore *store)
{
  CareFamilyPage *self = g_object_new (CARE_TYPE_FAMILY_PAGE, NULL);

  care_follow_store (self, &self->store, store, G_CALLBACK (care_family_page_refresh));
  care_family_page_refresh (self);
  return GTK_WIDGET (self);
}
