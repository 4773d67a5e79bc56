/* care-search-page.c: search across care notes.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Searches run in the reader's thread; a newer search cancels the older.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-hit-row.h"
#include "care-search-page.h"
#include "care-ui-util.h"

#define MAX_HITS 100

struct _CareSearchPage
{
  AdwBin parent_instance;

  GtkSearchEntry *entry;
  GtkLabel *status_label;
  GtkListBox *results;

  CareReader *reader;
  GCancellable *cancellable;
  GListStore *hits;    /* CareHitItem, the results shown */
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (CareSearchPage, care_search_page, ADW_TYPE_BIN)

enum {
  SIGNAL_OPEN_VISIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gpointer
read_hits (CareStore *store,
           gpointer   data,
           GError   **error)
{
  return care_store_search_notes (store, data, MAX_HITS, error);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return care_hit_row_new (item);
}

/* Replaces the results with hits (taking them; NULL: none). */
static void
show_hits (CareSearchPage *self,
           GPtrArray      *hits)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; hits != NULL && i < hits->len; i++)
    g_ptr_array_add (items, care_hit_item_new (g_ptr_array_index (hits, i), tz));
  g_list_store_splice (self->hits, 0, g_list_model_get_n_items (G_LIST_MODEL (self->hits)),
                       items->pdata, items->len);
  gtk_widget_set_visible (GTK_WIDGET (self->results), items->len > 0);
}

static void
hits_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CareSearchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = care_reader_run_finish (CARE_READER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  show_hits (self, hits);
  if (hits == NULL)
    {
      gtk_label_set_label (self->status_label, error != NULL ? error->message : "");
      return;
    }
  if (hits->len == 0)
    gtk_label_set_label (self->status_label, _("No notes contain that."));
  else
    {
      g_autofree char *status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note found",
                                                              "%u notes found", hits->len),
                                                 hits->len);

      gtk_label_set_label (self->status_label, status);
    }
}

static void
search_changed_cb (CareSearchPage *self)
{
  care_search_page_search (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
row_activated_cb (CareSearchPage *self,
                  GtkListBoxRow  *row)
{
  const char *visit;

  if (!CARE_IS_HIT_ROW (row))
    return;
  visit = care_hit_item_get_visit (care_hit_row_get_item (CARE_HIT_ROW (row)));
  if (visit != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_VISIT], 0, visit);
}

static void
care_search_page_dispose (GObject *object)
{
  CareSearchPage *self = CARE_SEARCH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (care_search_page_parent_class)->dispose (object);
}

static void
care_search_page_finalize (GObject *object)
{
  CareSearchPage *self = CARE_SEARCH_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->reader);
  g_clear_object (&self->hits);
  G_OBJECT_CLASS (care_search_page_parent_class)->finalize (object);
}

static void
care_search_page_class_init (CareSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_search_page_dispose;
  object_class->finalize = care_search_page_finalize;

  signals[SIGNAL_OPEN_VISIT] =
    g_signal_new ("open-visit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-search-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareSearchPage, entry);
  gtk_widget_class_bind_template_child (widget_class, CareSearchPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, CareSearchPage, results);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
care_search_page_init (CareSearchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->hits = g_list_store_new (CARE_TYPE_HIT_ITEM);
  gtk_list_box_bind_model (self->results, G_LIST_MODEL (self->hits), create_row_cb, NULL, NULL);
}

void
care_search_page_set_reader (CareSearchPage *self,
                             CareReader     *reader)
{
  g_return_if_fail (CARE_IS_SEARCH_PAGE (self));

  g_set_object (&self->reader, reader);
}

void
care_search_page_focus (CareSearchPage *self)
{
  g_return_if_fail (CARE_IS_SEARCH_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

void
care_search_page_search (CareSearchPage *self,
                         const char     *query)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CARE_IS_SEARCH_PAGE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  text = g_strstrip (g_strdup (query != NULL ? query : ""));
  if (self->reader == NULL || *text == '\0')
    {
      self->busy = FALSE;
      show_hits (self, NULL);
      gtk_label_set_label (self->status_label,
                           _("Type a word to find it in the care notes on this tablet."));
      return;
    }
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), query) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), query);
  self->cancellable = g_cancellable_new ();
  self->busy = TRUE;
  gtk_label_set_label (self->status_label, _("Searching…"));
  care_reader_run_async (self->reader, read_hits, g_steal_pointer (&text), g_free,
                         (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                         hits_ready_cb, g_object_ref (self));
}

gboolean
care_search_page_is_busy (CareSearchPage *self)
{
  g_return_val_if_fail (CARE_IS_SEARCH_PAGE (self), FALSE);

  return self->busy;
}

guint
care_search_page_get_n_hits (CareSearchPage *self)
{
  g_return_val_if_fail (CARE_IS_SEARCH_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->hits));
}
