/* care-review-model.c: the co-ordinator's visit list, read page by page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-review-model.h"

#define PAGE_SIZE CARE_REVIEW_MODEL_PAGE_SIZE
/* Pages kept in memory; about 3,000 rows, a few hundred kilobytes. */
#define MAX_PAGES 32

typedef struct
{
  guint index;
  GPtrArray *items;     /* CareReviewItem */
  guint64 used;         /* for dropping the least recently used page */
} Page;

/* A filter with its own copies of the strings, for the worker thread. */
typedef struct
{
  CareVisitFilter filter;
  char *carer;
  char *client;
} FilterCopy;

typedef struct
{
  CareReviewModel *self;
  guint generation;
  guint page;
  gboolean extend;
  CareReviewItem *item;   /* refresh_item */
} Request;

struct _CareReviewModel
{
  GObject parent_instance;

  CareReader *reader;
  GTimeZone *tz;              /* the items' times, or NULL for the local zone */
  FilterCopy *filter;
  GCancellable *cancellable;
  guint generation;

  guint n_items;
  gboolean complete;
  gboolean extending;
  gboolean first_page_pending;
  gboolean counts_pending;
  GHashTable *pages;    /* page index -> Page */
  guint64 tick;

  gint64 counts[CARE_REVIEW_N_FLAGS];
  gboolean counts_known;
};

static void care_review_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CareReviewModel, care_review_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      care_review_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COMPLETE,
  N_PROPS
};

enum {
  SIGNAL_COUNTS_CHANGED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers ---------------------------------------------------------------- */

static FilterCopy *
filter_copy_new (const CareVisitFilter *filter)
{
  FilterCopy *copy = g_new0 (FilterCopy, 1);

  if (filter != NULL)
    copy->filter = *filter;
  else
    copy->filter.review = -1;
  copy->carer = g_strdup (copy->filter.carer);
  copy->client = g_strdup (copy->filter.client);
  copy->filter.carer = copy->carer;
  copy->filter.client = copy->client;
  copy->filter.offset = 0;
  copy->filter.limit = PAGE_SIZE;
  return copy;
}

static void
filter_copy_free (FilterCopy *copy)
{
  g_free (copy->carer);
  g_free (copy->client);
  g_free (copy);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FilterCopy, filter_copy_free)

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->items);
  g_free (page);
}

static Page *
page_new (guint      index,
          guint      n_placeholders,
          GTimeZone *tz)
{
  Page *page = g_new0 (Page, 1);

  page->index = index;
  page->items = g_ptr_array_new_full (PAGE_SIZE, g_object_unref);
  for (guint i = 0; i < n_placeholders; i++)
    g_ptr_array_add (page->items, care_review_item_new (NULL, tz));
  return page;
}

static Request *
request_new (CareReviewModel *self,
             guint            page,
             gboolean         extend)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->generation = self->generation;
  request->page = page;
  request->extend = extend;
  return request;
}

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->item);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
set_loading (CareReviewModel *self,
             gboolean         first_page_pending,
             gboolean         counts_pending)
{
  gboolean was = self->first_page_pending || self->counts_pending;

  self->first_page_pending = first_page_pending;
  self->counts_pending = counts_pending;
  if (was != (first_page_pending || counts_pending))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
drop_old_pages (CareReviewModel *self)
{
  while (g_hash_table_size (self->pages) > MAX_PAGES)
    {
      GHashTableIter iter;
      gpointer key, value;
      gpointer oldest_key = NULL;
      guint64 oldest = G_MAXUINT64;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Page *page = value;

          if (page->used < oldest)
            {
              oldest = page->used;
              oldest_key = key;
            }
        }
      g_hash_table_remove (self->pages, oldest_key);
    }
}

/* Worker thread ---------------------------------------------------------- */

static gpointer
read_page (CareStore *store,
           gpointer   data,
           GError   **error)
{
  FilterCopy *copy = data;

  return care_store_list_visits (store, &copy->filter, error);
}

static gpointer
read_counts (CareStore *store,
             gpointer   data,
             GError   **error)
{
  FilterCopy *copy = data;
  gint64 *counts = g_new0 (gint64, CARE_REVIEW_N_FLAGS);

  if (!care_store_count_exceptions (store, &copy->filter, counts, error))
    {
      g_free (counts);
      return NULL;
    }
  return counts;
}

static gpointer
read_visit (CareStore *store,
            gpointer   data,
            GError   **error)
{
  return care_store_get_visit (store, data, error);
}

/* Callbacks -------------------------------------------------------------- */

static void
report_error (CareReviewModel *self,
              const GError    *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static void
page_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  CareReviewModel *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = care_reader_run_finish (CARE_READER (source), result, &error);
  CareVisitSummary **summaries;
  gsize n = 0;
  Page *page;

  if (request->generation != self->generation)
    return;
  if (request->extend)
    self->extending = FALSE;
  if (visits == NULL)
    {
      if (request->page == 0)
        set_loading (self, FALSE, self->counts_pending);
      report_error (self, error);
      return;
    }

  summaries = (CareVisitSummary **) g_ptr_array_steal (visits, &n);
  if (request->extend && request->page * PAGE_SIZE == self->n_items)
    {
      guint old = self->n_items;

      page = page_new (request->page, 0, self->tz);
      for (gsize i = 0; i < n; i++)
        g_ptr_array_add (page->items, care_review_item_new (summaries[i], self->tz));
      page->used = ++self->tick;
      g_hash_table_replace (self->pages, GUINT_TO_POINTER (request->page), page);
      self->n_items += n;
      if (n < PAGE_SIZE)
        {
          self->complete = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
        }
      drop_old_pages (self);
      if (request->page == 0)
        set_loading (self, FALSE, self->counts_pending);
      if (n > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n);
    }
  else
    {
      /* A page read again after it was dropped: fill its placeholders. The
       * store may have changed in the meantime; extra rows are left out. */
      page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (request->page));
      for (gsize i = 0; i < n; i++)
        {
          if (page != NULL && i < page->items->len)
            care_review_item_set_summary (g_ptr_array_index (page->items, i), summaries[i]);
          else
            care_visit_summary_free (summaries[i]);
        }
    }
  g_free (summaries);
}

static void
counts_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  CareReviewModel *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *counts = care_reader_run_finish (CARE_READER (source), result, &error);

  if (request->generation != self->generation)
    return;
  set_loading (self, self->first_page_pending, FALSE);
  if (counts == NULL)
    {
      report_error (self, error);
      return;
    }
  memcpy (self->counts, counts, sizeof self->counts);
  self->counts_known = TRUE;
  g_signal_emit (self, signals[SIGNAL_COUNTS_CHANGED], 0);
}

static void
visit_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CareVisitDetail) detail = care_reader_run_finish (CARE_READER (source), result, &error);

  if (detail == NULL)
    {
      report_error (request->self, error);
      return;
    }
  care_review_item_set_summary (request->item, care_visit_summary_copy (&detail->summary));
}

static void
read_page_async (CareReviewModel *self,
                 guint            index,
                 gboolean         extend)
{
  FilterCopy *copy = filter_copy_new (&self->filter->filter);

  copy->filter.offset = index * PAGE_SIZE;
  if (extend)
    self->extending = TRUE;
  care_reader_run_async (self->reader, read_page, copy, (GDestroyNotify) filter_copy_free,
                         (GDestroyNotify) g_ptr_array_unref, self->cancellable, page_read_cb,
                         request_new (self, index, extend));
}

static void
read_counts_async (CareReviewModel *self)
{
  FilterCopy *copy = filter_copy_new (&self->filter->filter);

  copy->filter.flags_any = 0;
  care_reader_run_async (self->reader, read_counts, copy, (GDestroyNotify) filter_copy_free,
                         g_free, self->cancellable, counts_read_cb, request_new (self, 0, FALSE));
}

/* GListModel ------------------------------------------------------------- */

static GType
care_review_model_get_item_type (GListModel *model)
{
  return CARE_TYPE_REVIEW_ITEM;
}

static guint
care_review_model_get_n_items (GListModel *model)
{
  return CARE_REVIEW_MODEL (model)->n_items;
}

static gpointer
care_review_model_get_item (GListModel *model,
                            guint       position)
{
  CareReviewModel *self = CARE_REVIEW_MODEL (model);
  guint index = position / PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    {
      page = page_new (index, MIN (PAGE_SIZE, self->n_items - index * PAGE_SIZE), self->tz);
      g_hash_table_replace (self->pages, GUINT_TO_POINTER (index), page);
      read_page_async (self, index, FALSE);
    }
  page->used = ++self->tick;

  /* Close to the end of what is known: read the next page. */
  if (!self->complete && !self->extending && position + PAGE_SIZE / 2 >= self->n_items)
    read_page_async (self, self->n_items / PAGE_SIZE, TRUE);

  if (position % PAGE_SIZE >= page->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (page->items, position % PAGE_SIZE));
}

static void
care_review_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = care_review_model_get_item_type;
  iface->get_n_items = care_review_model_get_n_items;
  iface->get_item = care_review_model_get_item;
}

/* GObject ---------------------------------------------------------------- */

static void
care_review_model_dispose (GObject *object)
{
  CareReviewModel *self = CARE_REVIEW_MODEL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  G_OBJECT_CLASS (care_review_model_parent_class)->dispose (object);
}

static void
care_review_model_finalize (GObject *object)
{
  CareReviewModel *self = CARE_REVIEW_MODEL (object);

  g_clear_object (&self->reader);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->filter, filter_copy_free);
  G_OBJECT_CLASS (care_review_model_parent_class)->finalize (object);
}

static void
care_review_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareReviewModel *self = CARE_REVIEW_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, care_review_model_get_loading (self));
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_review_model_class_init (CareReviewModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_review_model_dispose;
  object_class->finalize = care_review_model_finalize;
  object_class->get_property = care_review_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_COUNTS_CHANGED] =
    g_signal_new ("counts-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  /* A read failed; the GError's message says what to do. */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
care_review_model_init (CareReviewModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->filter = filter_copy_new (NULL);
  self->cancellable = g_cancellable_new ();
}

/* Public API ------------------------------------------------------------- */

CareReviewModel *
care_review_model_new (CareReader *reader)
{
  CareReviewModel *self;

  g_return_val_if_fail (CARE_IS_READER (reader), NULL);

  self = g_object_new (CARE_TYPE_REVIEW_MODEL, NULL);
  self->reader = g_object_ref (reader);
  return self;
}

void
care_review_model_set_timezone (CareReviewModel *self,
                                GTimeZone       *tz)
{
  g_return_if_fail (CARE_IS_REVIEW_MODEL (self));

  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = tz != NULL ? g_time_zone_ref (tz) : NULL;
}

void
care_review_model_reload (CareReviewModel *self)
{
  guint old;
  gboolean was_complete;

  g_return_if_fail (CARE_IS_REVIEW_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;

  old = self->n_items;
  was_complete = self->complete;
  self->n_items = 0;
  self->complete = FALSE;
  self->extending = FALSE;
  g_hash_table_remove_all (self->pages);
  set_loading (self, TRUE, TRUE);
  if (was_complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  if (old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);

  read_page_async (self, 0, TRUE);
  read_counts_async (self);
}

void
care_review_model_set_filter (CareReviewModel       *self,
                              const CareVisitFilter *filter)
{
  g_return_if_fail (CARE_IS_REVIEW_MODEL (self));

  g_clear_pointer (&self->filter, filter_copy_free);
  self->filter = filter_copy_new (filter);
  care_review_model_reload (self);
}

const CareVisitFilter *
care_review_model_get_filter (CareReviewModel *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_MODEL (self), NULL);

  return &self->filter->filter;
}

gboolean
care_review_model_get_loading (CareReviewModel *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_MODEL (self), FALSE);

  return self->first_page_pending || self->counts_pending;
}

gboolean
care_review_model_get_complete (CareReviewModel *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_MODEL (self), FALSE);

  return self->complete;
}

const gint64 *
care_review_model_get_counts (CareReviewModel *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_MODEL (self), NULL);

  return self->counts_known ? self->counts : NULL;
}

void
care_review_model_refresh_item (CareReviewModel *self,
                                CareReviewItem  *item)
{
  const CareVisitSummary *summary;
  Request *request;

  g_return_if_fail (CARE_IS_REVIEW_MODEL (self));
  g_return_if_fail (CARE_IS_REVIEW_ITEM (item));

  summary = care_review_item_get_summary (item);
  if (summary == NULL || summary->visit == NULL)
    return;
  request = request_new (self, 0, FALSE);
  request->item = g_object_ref (item);
  care_reader_run_async (self->reader, read_visit, g_strdup (summary->visit), g_free,
                         (GDestroyNotify) care_visit_detail_free, NULL, visit_read_cb, request);
}

guint
care_review_model_get_n_cached_pages (CareReviewModel *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_MODEL (self), 0);

  return g_hash_table_size (self->pages);
}
