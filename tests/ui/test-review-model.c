/* test-review-model.c: the review list model reads pages, grows as the view
 * scrolls, keeps a bounded number of pages and refills the ones it dropped.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gstdio.h>

#include "care-reader.h"
#include "care-review-model.h"
#include "test-review-fixture.h"

/* More than the model keeps (32 pages of 100). */
#define N_VISITS 3650

typedef struct
{
  char *dir;
  char *path;
  CareStore *store;
  CareReader *reader;
} Fixture;

static void
wait_loaded (CareReviewModel *model)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (care_review_model_get_loading (model)) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_main_context_iteration (NULL, TRUE);
  }
}

static void
wait_item (CareReviewItem *item)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (care_review_item_get_summary (item) == NULL) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_main_context_iteration (NULL, TRUE);
  }
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roster = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  gint64 base = g_get_real_time () / 1000 - (gint64) N_VISITS * 3600000;

  f->dir = g_dir_make_tmp ("carelog-review-model-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "carelog.db", NULL);
  f->store = care_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (f->store, "dev-sara", "s-sara", CARE_ROLE_SUPERVISOR,
                                          &error));
  review_fixture_roster (roster, base - 86400000);
  g_assert_true (care_store_apply_page (f->store, roster, "1", &error));
  g_assert_no_error (error);

  /* One visit an hour, 50 minutes each, newest last. */
  for (guint i = 0; i < N_VISITS; i++) {
    g_autofree char *id = g_strdup_printf ("v-%05u", i);
    gint64 in = base + (gint64) i * 3600000;
    JsonObject *b = review_fixture_body ("visit", id, "client", "cl-rossi", "service",
                                         "personal-care", NULL);

    json_object_set_int_member (b, "at", in);
    g_ptr_array_add (visits, review_fixture_event ("dev-anna", 2 * i + 1, "c-anna", in,
                                                   CARE_EVENT_VISIT_STARTED, b));
    b = review_fixture_body ("visit", id, NULL);
    json_object_set_int_member (b, "at", in + 50 * 60000);
    g_ptr_array_add (visits, review_fixture_event ("dev-anna", 2 * i + 2, "c-anna",
                                                   in + 50 * 60000, CARE_EVENT_VISIT_FINISHED, b));
  }
  g_assert_true (care_store_apply_page (f->store, visits, "2", &error));
  g_assert_no_error (error);
  f->reader = care_reader_new (f->path);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->reader);
  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *p = g_build_filename (f->dir, name, NULL);

    g_unlink (p);
  }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

typedef struct
{
  guint added;
  guint removed;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->added += added;
  changes->removed += removed;
}

static void
test_paging (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(CareReviewModel) model = care_review_model_new (f->reader);
  GListModel *list = G_LIST_MODEL (model);
  CareVisitFilter filter = { .review = -1 };
  Changes changes = { 0 };
  g_autofree char *first_id = NULL;
  guint n;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  care_review_model_set_filter (model, &filter);
  g_assert_true (care_review_model_get_loading (model));
  wait_loaded (model);

  /* One page to start with, not the whole list. */
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, CARE_REVIEW_MODEL_PAGE_SIZE);
  g_assert_false (care_review_model_get_complete (model));
  {
    g_autoptr(CareReviewItem) first = g_list_model_get_item (list, 0);

    /* Newest first. */
    g_assert_cmpstr (care_review_item_get_summary (first)->visit, ==, "v-03649");
    first_id = g_strdup (care_review_item_get_summary (first)->visit);
  }

  /* Scrolling towards the end reads the next page, up to the last. */
  while (!care_review_model_get_complete (model)) {
    guint before = g_list_model_get_n_items (list);
    g_autoptr(CareReviewItem) near_end = g_list_model_get_item (list, before - 1);

    g_assert_nonnull (near_end);
    while (g_list_model_get_n_items (list) == before && !care_review_model_get_complete (model))
      g_main_context_iteration (NULL, TRUE);
  }
  n = g_list_model_get_n_items (list);
  g_assert_cmpuint (n, ==, N_VISITS);
  g_assert_cmpuint (changes.added, ==, N_VISITS);
  g_assert_null (g_list_model_get_item (list, n));

  /* Only a bounded number of pages is kept; the first was dropped while
   * scrolling to the end, and comes back when asked for. */
  g_assert_cmpuint (care_review_model_get_n_cached_pages (model), <=, 32);
  {
    g_autoptr(CareReviewItem) again = g_list_model_get_item (list, 0);

    wait_item (again);
    g_assert_cmpstr (care_review_item_get_summary (again)->visit, ==, first_id);
  }
  {
    g_autoptr(CareReviewItem) last = g_list_model_get_item (list, n - 1);

    wait_item (last);
    g_assert_cmpstr (care_review_item_get_summary (last)->visit, ==, "v-00000");
  }

  /* A new filter starts again from one page. */
  filter.review = CARE_REVIEW_APPROVED;
  care_review_model_set_filter (model, &filter);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_true (care_review_model_get_complete (model));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/ui/review/model/paging", Fixture, NULL, fixture_set_up, test_paging,
              fixture_tear_down);
  return g_test_run ();
}
