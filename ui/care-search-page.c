/* care-search-page.c: search across care notes.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Searches run in the reader's thread; a newer search cancels the older.
 */
#include "care-config.h"

#include <glib/gi18n.h>

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
  GPtrArray *hits;     /* CareNoteHit */
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

/* "... the [word] here ..." → escaped markup with the match in bold. */
static char *
snippet_markup (const char *snippet)
{
  g_autofree char *escaped = g_markup_escape_text (snippet != NULL ? snippet : "", -1);
  GString *markup = g_string_new (NULL);

  for (const char *p = escaped; *p; p++)
    {
      if (*p == '[')
        g_string_append (markup, "<b>");
      else if (*p == ']')
        g_string_append (markup, "</b>");
      else
        g_string_append_c (markup, *p);
    }
  return g_string_free (markup, FALSE);
}

static GtkWidget *
hit_row_new (const CareNoteHit *hit,
             guint              index,
             GTimeZone         *tz)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title, *text;
  g_autofree char *name = g_strdup_printf ("hit-%u", index);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (hit->created_at / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  /* Translators: a date and time in search results, see g_date_time_format() */
  g_autofree char *when = g_date_time_format (local, _("%e %b, %H:%M"));
  g_autofree char *title_text = g_strdup_printf ("%s · %s · %s",
                                                 hit->client_name != NULL ? hit->client_name : "",
                                                 care_note_category_label (hit->category),
                                                 g_strstrip (when));
  g_autofree char *markup = snippet_markup (hit->snippet);
  g_autofree char *accessible = g_strdup_printf (_("Open the visit: %s"), title_text);

  gtk_widget_set_name (row, name);
  gtk_widget_set_size_request (row, -1, 52);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  title = gtk_label_new (title_text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  text = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (text), markup);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  care_set_accessible_label (row, accessible);
  return row;
}

static void
hits_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CareSearchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = care_reader_run_finish (CARE_READER (source), result, &error);
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  care_clear_container (GTK_WIDGET (self->results));
  g_clear_pointer (&self->hits, g_ptr_array_unref);
  if (hits == NULL)
    {
      gtk_label_set_label (self->status_label, error != NULL ? error->message : "");
      gtk_widget_set_visible (GTK_WIDGET (self->results), FALSE);
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
  for (guint i = 0; i < hits->len; i++)
    gtk_list_box_append (self->results, hit_row_new (g_ptr_array_index (hits, i), i, tz));
  gtk_widget_set_visible (GTK_WIDGET (self->results), hits->len > 0);
  self->hits = g_steal_pointer (&hits);
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
  int index = gtk_list_box_row_get_index (row);
  const CareNoteHit *hit;

  if (self->hits == NULL || index < 0 || (guint) index >= self->hits->len)
    return;
  hit = g_ptr_array_index (self->hits, index);
  if (hit->visit != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_VISIT], 0, hit->visit);
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
  g_clear_pointer (&self->hits, g_ptr_array_unref);
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
      care_clear_container (GTK_WIDGET (self->results));
      gtk_widget_set_visible (GTK_WIDGET (self->results), FALSE);
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

  return self->hits != NULL ? self->hits->len : 0;
}
