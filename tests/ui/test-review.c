/* test-review.c: the supervisor's review flow through the real widgets.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a real store file (see test-review-fixture.h): filter to exceptions,
 * open a visit, query it, approve another, bulk-approve the unremarkable
 * ones, approve a timesheet and export it; then check what the store holds.
 */
#include "care-config.h"

#include <glib/gstdio.h>

#include "care-demo.h"
#include "care-review-detail.h"
#include "care-review-model.h"
#include "care-review-page.h"
#include "care-review-row.h"
#include "care-ui-util.h"
#include "care-timesheet.h"
#include "care-timesheet-page.h"
#include "care-test-util.h"
#include "care-window.h"
#include "test-review-fixture.h"

#define WAIT_SECONDS 30

typedef struct
{
  char *dir;
  char *path;
  CareStore *store;
  CareReader *reader;
  GtkWidget *window;
} Fixture;

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until cond holds; fails the test after a generous
 * deadline (the condition, not the time, is what is tested). */
static void
wait_for (Condition     cond,
          gpointer      data,
          const char   *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!cond (data)) {
    if (g_get_monotonic_time () > deadline)
      g_error ("Timed out waiting for %s", what);
    g_main_context_iteration (NULL, FALSE);
    g_usleep (1000);
  }
}

static gboolean
withdraw_shown (gpointer data)
{
  Fixture *f = data;

  GtkWidget *button = care_find_named (f->window, "withdraw-button");

  return button != NULL && gtk_widget_get_mapped (button);
}

static gboolean
withdraw_gone (gpointer data)
{
  return !withdraw_shown (data);
}

static gboolean
model_ready (gpointer data)
{
  CareReviewModel *model = data;

  return !care_review_model_get_loading (model);
}

static gboolean
detail_ready (gpointer data)
{
  GtkWidget *title = care_find_named (data, "detail-title");

  return !care_review_detail_get_loading (data) && title != NULL
         && *gtk_label_get_text (GTK_LABEL (title)) != '\0';
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_reveal_child (data);
}

static gboolean
not_revealed (gpointer data)
{
  return !gtk_revealer_get_reveal_child (data);
}

static gboolean
not_loading (gpointer data)
{
  gboolean loading;

  g_object_get (data, "loading", &loading, NULL);
  return !loading;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}


static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
count_frame (guint *painted)
{
  (*painted)++;
}

static gboolean
two_frames (gpointer data)
{
  return *(guint *) data >= 2;
}

/* Writes what the window shows to $CARELOG_BUILD_DIR/screenshots/NAME.png
 * (not committed) so that anyone can look at the supervisor's screens. */
static void
screenshot (Fixture    *f,
            const char *name)
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build ? build : ".", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s/%s.png", dir, name);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (f->window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;
  guint painted = 0;
  GdkFrameClock *clock;
  gulong id;

  /* Wait for layout and two painted frames (with a deadline). */
  wait_for (mapped, f->window, "the window on screen");
  clock = gtk_widget_get_frame_clock (f->window);
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (count_frame), &painted);
  gtk_widget_queue_draw (f->window);
  wait_for (two_frames, &painted, "two painted frames");
  g_signal_handler_disconnect (clock, id);
  width = gtk_widget_get_width (f->window);
  height = gtk_widget_get_height (f->window);
  if (width <= 0 || height <= 0) {
    g_test_message ("screenshot %s: the window has no size", name);
    return;
  }
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL) {
    g_test_message ("screenshot %s: nothing drawn", name);
    return;
  }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  gdk_texture_save_to_png (texture, file);
  g_test_message ("screenshot: %s", file);
}

/* Every control a supervisor can use has a name for assistive technology:
 * its own text, or an accessible label. Returns how many were checked. */
static guint
check_accessible_labels (GtkWidget *root)
{
  guint checked = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    gboolean control = GTK_IS_BUTTON (child) || GTK_IS_DROP_DOWN (child) || GTK_IS_ENTRY (child)
                       || GTK_IS_LIST_VIEW (child);

    if (control && gtk_widget_get_visible (child)) {
      const char *text = GTK_IS_BUTTON (child) ? gtk_button_get_label (GTK_BUTTON (child)) : NULL;

      if ((text == NULL || *text == '\0')
          && !gtk_test_accessible_has_property (GTK_ACCESSIBLE (child),
                                                GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("%s “%s” has no accessible label", G_OBJECT_TYPE_NAME (child),
                 gtk_widget_get_name (child));
      checked++;
    }
    /* A drop-down's and a list's insides are GTK's own. */
    if (!GTK_IS_DROP_DOWN (child) && !GTK_IS_LIST_VIEW (child))
      checked += check_accessible_labels (child);
  }
  return checked;
}

static GtkWidget *
find (Fixture    *f,
      const char *name)
{
  GtkWidget *w = care_find_named (f->window, name);

  if (w == NULL)
    g_error ("no widget named %s", name);
  return w;
}

static void
click (Fixture    *f,
       const char *name)
{
  GtkWidget *button = find (f, name);

  /* A button the co-ordinator cannot see cannot be clicked either. */
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Back from a visit to the list, as the window's header button does. */
static void
go_back (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (find (f, "review-stack"), "review.back", NULL));
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("carelog-review-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "carelog.db", NULL);
  f->store = care_store_open (f->path, &error);
  g_assert_no_error (error);
  if (data != NULL) {
    g_assert_true (care_demo_populate (f->store, CARE_ROLE_SUPERVISOR, &error));
    g_assert_no_error (error);
  } else {
    review_fixture_populate (f->store);
  }
  f->reader = care_reader_new (f->path);
  f->window = gtk_window_new ();
  if (GPOINTER_TO_INT (data) == 2)
    gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 640);
  else
    gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 1000);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
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

static CareReviewPage *
show_review_page (Fixture *f)
{
  GtkWidget *page = care_review_page_new_for_store (f->store, f->reader);
  CareReviewModel *model = CARE_REVIEW_MODEL (care_review_page_get_model (CARE_REVIEW_PAGE (page)));

  gtk_window_set_child (GTK_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for (model_ready, model, "the first page of visits");
  /* All dates: the fixture is yesterday, but do not depend on the default. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "period-filter")), 5);
  wait_for (model_ready, model, "the visits of all dates");
  return CARE_REVIEW_PAGE (page);
}

static const CareVisitSummary *
summary_at (GListModel *model,
            guint       position)
{
  g_autoptr(CareReviewItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  /* The item stays alive in the model's page. */
  return care_review_item_get_summary (item);
}

static guint
position_of (GListModel *model,
             const char *visit)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
    const CareVisitSummary *s = summary_at (model, i);

    if (s != NULL && g_strcmp0 (s->visit, visit) == 0)
      return i;
  }
  g_error ("visit %s not in the list", visit);
  return 0;
}

static gboolean
acknowledgement_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel)
          && g_strcmp0 (gtk_widget_get_name (toplevel), "safeguarding-acknowledge") == 0
          && gtk_widget_get_visible (toplevel))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (toplevel);
          return TRUE;
        }
    }
  return FALSE;
}

static CareReviewState
review_of (Fixture    *f,
           const char *visit,
           char      **open_query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareVisitDetail) detail = care_store_get_visit (f->store, visit, &error);

  g_assert_no_error (error);
  if (open_query != NULL)
    *open_query = g_strdup (detail->summary.open_query);
  return detail->summary.review;
}

static void
open_visit (Fixture    *f,
            GListModel *model,
            const char *visit)
{
  GtkWidget *detail = find (f, "review-detail");

  g_signal_emit_by_name (find (f, "visit-list"), "activate", position_of (model, visit));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "review-stack"))), ==,
                   "detail");
  wait_for (detail_ready, detail, "the visit's detail");
  g_assert_true (care_review_detail_get_item (CARE_REVIEW_DETAIL (detail)) != NULL);
}

static void
collect_review_rows (GtkWidget *widget,
                     GPtrArray *rows)
{
  if (CARE_IS_REVIEW_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_review_rows (child, rows);
}

/* The review list's rows are the app's one row, CareItemRow, each showing
 * the item of its place in the list; a row is rebound to another item as
 * a recycled list view row is, and shows that one. */
static void
check_review_rows (Fixture    *f,
                   GListModel *model)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(CareReviewItem) first = g_list_model_get_item (model, 0);
  g_autoptr(CareReviewItem) second = NULL;
  g_autofree char *first_flags = NULL;
  g_autofree char *second_flags = NULL;
  GtkWidget *row;

  collect_review_rows (find (f, "visit-list"), rows);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      CareReviewItem *item = care_item_row_get_item (rows->pdata[i]);
      gboolean listed = FALSE;

      g_assert_true (CARE_IS_ITEM_ROW (rows->pdata[i]));
      g_assert_true (CARE_IS_REVIEW_ITEM (item));
      for (guint j = 0; j < g_list_model_get_n_items (model) && !listed; j++)
        {
          g_autoptr(CareReviewItem) at = g_list_model_get_item (model, j);

          listed = at == item;
        }
      g_assert_true (listed);
    }

  /* The first visit, and the next one with other exceptions. */
  g_object_get (first, "flags-text", &first_flags, NULL);
  for (guint i = 1; i < g_list_model_get_n_items (model) && second == NULL; i++)
    {
      g_autoptr(CareReviewItem) item = g_list_model_get_item (model, i);

      g_clear_pointer (&second_flags, g_free);
      g_object_get (item, "flags-text", &second_flags, NULL);
      if (g_strcmp0 (second_flags, first_flags) != 0)
        second = g_steal_pointer (&item);
    }
  g_assert_nonnull (second);
  row = g_object_ref_sink (g_object_new (CARE_TYPE_REVIEW_ROW, NULL));
  g_object_set (row, "item", first, NULL);
  g_assert_true (care_item_row_get_item (CARE_ITEM_ROW (row)) == (gpointer) first);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (care_find_named (row, "review-row-flags"))), ==, first_flags);
  g_object_set (row, "item", second, NULL);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (care_find_named (row, "review-row-flags"))), ==, second_flags);
  g_object_set (row, "item", NULL, NULL);
  g_object_unref (row);
}

static void
test_review_flow (Fixture      *f,
                  gconstpointer data)
{
  CareReviewPage *page = show_review_page (f);
  GListModel *model = care_review_page_get_model (page);
  CareReviewModel *review_model = CARE_REVIEW_MODEL (model);
  const gint64 *counts;
  g_autofree char *query = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;
  CareVisitFilter unreviewed = { 0 };
  g_autoptr(GPtrArray) left = NULL;
  guint n;

  /* Six visits; exceptions first. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_cmpuint (summary_at (model, 0)->flags, !=, 0);
  counts = care_review_model_get_counts (review_model);
  g_assert_nonnull (counts);
  g_assert_cmpint (counts[0], ==, 1); /* safeguarding */
  g_assert_cmpint (counts[2], ==, 1); /* late start */
  g_assert_cmpint (counts[3], ==, 1); /* short */
  g_assert_cmpint (counts[4], ==, 1); /* amended */
  g_assert_nonnull (strstr (gtk_button_get_label (GTK_BUTTON (find (f, "flag-0"))), "1"));
  check_review_rows (f, model);
  screenshot (f, "review-list");
  g_assert_cmpuint (check_accessible_labels (find (f, "review-stack")), >=, 10);

  /* Filter to exceptions: the four with one. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (f, "exceptions-only")), TRUE);
  wait_for (model_ready, model, "the exceptions");
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (summary_at (model, i)->flags, !=, 0);

  /* Open the short visit and query it. */
  open_visit (f, model, "short");
  gtk_editable_set_text (GTK_EDITABLE (find (f, "query-message")),
                         "Please check the end time: 30 minutes of 60");
  click (f, "query-button");
  g_assert_cmpint (review_of (f, "short", &query), ==, CARE_REVIEW_QUERIED);
  g_assert_cmpstr (query, ==, "Please check the end time: 30 minutes of 60");
  wait_for (detail_ready, find (f, "review-detail"), "the queried visit");
  g_assert_true (gtk_widget_get_mapped (find (f, "open-query")));
  {
    /* The sync timeline: Anna's check-in, recorded on her tablet at 13:00,
     * received by the co-op 2 minutes later; the query, made on this desk,
     * not yet received. */
    g_autoptr(GTimeZone) rome = g_time_zone_new_identifier ("Europe/Rome");
    g_autofree char *recorded = care_format_datetime (review_fixture_at (13, 0), rome);
    g_autofree char *received = care_format_datetime (review_fixture_at (13, 0)
                                                             + REVIEW_FIXTURE_RECEIVED_AFTER, rome);
    g_autofree char *expect = g_strdup_printf ("at %s by Anna Bianchi · Received by the co-op at %s",
                                               recorded, received);
    g_autofree char *text = care_test_text_of (find (f, "review-detail"));

    if (strstr (text, expect) == NULL)
      g_error ("The visit detail does not show “%s”:\n%s", expect, text);
    g_assert_nonnull (strstr (text, "Not yet at the co-op"));
    /* No ids on screen: not the tablet's, not the carer's. */
    g_assert_null (strstr (text, "dev-anna"));
    g_assert_null (strstr (text, "c-anna"));
  }
  screenshot (f, "review-detail");
  g_assert_cmpuint (check_accessible_labels (find (f, "review-detail")), >=, 4);

  /* A query needs a message. */
  gtk_editable_set_text (GTK_EDITABLE (find (f, "query-message")), "  ");
  click (f, "query-button");
  g_assert_true (gtk_widget_get_visible (find (f, "action-error")));

  /* Anna answers from her tablet: the list and the visit show the answer
   * (not "Not reviewed yet"), and Back in the header returns to the list. */
  {
    g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
    g_autofree char *review = care_store_get_open_review (f->store, "short");
    gint64 wall = g_get_real_time () / 1000 + 60000;

    g_assert_nonnull (review);
    g_ptr_array_add (records, review_fixture_event ("dev-anna", 100, "c-anna", wall, CARE_EVENT_QUERY_ANSWERED,
                                                 review_fixture_body ("review", review, "visit", "short",
                                                                      "message", "I left early: her daughter came.",
                                                                      NULL)));
    g_assert_true (care_store_apply_page (f->store, records, "answered", &error));
    g_assert_no_error (error);
  }
  go_back (f);
  g_assert_false (care_review_page_get_subpage (page));
  care_review_page_reload (page);
  wait_for (model_ready, model, "the list after the answer");
  {
    g_autofree char *shown = care_test_text_of (find (f, "visit-list"));

    if (strstr (shown, "Answered by the carer") == NULL || strstr (shown, "I left early") == NULL)
      g_error ("The list does not show the carer's answer:\n%s", shown);
  }
  open_visit (f, model, "short");
  g_assert_true (care_review_page_get_subpage (page));
  {
    g_autofree char *shown = care_test_text_of (find (f, "carer-answer"));

    g_assert_cmpstr (shown, ==, "The carer answered: I left early: her daughter came.");
  }

  /* Back, open the amended visit and approve it. */
  go_back (f);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "review-stack"))), ==,
                   "list");
  open_visit (f, model, "amend");
  click (f, "approve-button");
  g_assert_cmpint (review_of (f, "amend", NULL), ==, CARE_REVIEW_APPROVED);
  /* The approval can be withdrawn, with a reason; then approved again. */
  wait_for (withdraw_shown, f, "the withdraw button");
  click (f, "withdraw-button");
  g_assert_true (gtk_widget_get_visible (find (f, "action-error")));
  g_assert_cmpint (review_of (f, "amend", NULL), ==, CARE_REVIEW_APPROVED);
  gtk_editable_set_text (GTK_EDITABLE (find (f, "query-message")), "Approved the wrong visit");
  click (f, "withdraw-button");
  g_assert_cmpint (review_of (f, "amend", NULL), ==, CARE_REVIEW_NONE);
  wait_for (withdraw_gone, f, "the visit after the withdrawal");
  click (f, "approve-button");
  g_assert_cmpint (review_of (f, "amend", NULL), ==, CARE_REVIEW_APPROVED);
  go_back (f);

  /* All visits again; bulk-approve the unremarkable ones (ok-1, ok-2). */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (f, "exceptions-only")), FALSE);
  wait_for (model_ready, model, "all visits");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  click (f, "bulk-approve");
  wait_for (revealed, find (f, "bulk-revealer"), "the bulk approval question");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (f, "bulk-confirm"))), ==, "Approve 2");
  click (f, "bulk-confirm");
  wait_for (not_revealed, find (f, "bulk-revealer"), "bulk approval");
  wait_for (model_ready, model, "the list after bulk approval");
  g_assert_cmpint (review_of (f, "ok-1", NULL), ==, CARE_REVIEW_APPROVED);
  g_assert_cmpint (review_of (f, "ok-2", NULL), ==, CARE_REVIEW_APPROVED);
  /* Visits with an exception were left for a person to look at. */
  g_assert_cmpint (review_of (f, "late", NULL), ==, CARE_REVIEW_NONE);
  g_assert_cmpint (review_of (f, "safe", NULL), ==, CARE_REVIEW_NONE);
  /* Answered, waiting for the co-ordinator's look. */
  g_assert_cmpint (review_of (f, "short", NULL), ==, CARE_REVIEW_NONE);

  /* The store agrees: three visits left unreviewed, all exceptions. */
  unreviewed.review = CARE_REVIEW_NONE;
  left = care_store_list_visits (f->store, &unreviewed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 3);
  for (guint i = 0; i < left->len; i++)
    g_assert_cmpuint (((CareVisitSummary *) g_ptr_array_index (left, i))->flags, !=, 0);

  /* Filtering by review state. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "review-filter")), 3);
  wait_for (model_ready, model, "the approved visits");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* Approving the safeguarding visit asks to acknowledge the concern:
   * cancelled, nothing is approved; acknowledged, it is. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "review-filter")), 0);
  wait_for (model_ready, model, "all visits again");
  open_visit (f, model, "safe");
  for (guint i = 0; i < 2; i++)
    {
      const char *response = i == 0 ? "cancel" : "approve";
      AdwMessageDialog *dialog;

      click (f, "approve-button");
      wait_for (acknowledgement_shown, &dialog, "the safeguarding question");
      g_assert_cmpint (review_of (f, "safe", NULL), ==, CARE_REVIEW_NONE);
      adw_message_dialog_response (dialog, response);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  g_assert_cmpint (review_of (f, "safe", NULL), ==, CARE_REVIEW_APPROVED);
}

/* Stands in for the sync daemon: owns its name on the session bus, so that
 * a CareSyncMonitor's proxy takes this connection's signals as the
 * daemon's. */
static GDBusConnection *
own_sync_name (void)
{
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "coop.carelog.Carelog.Sync", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (reply);
  return bus;
}

static gboolean
monitor_available (gpointer data)
{
  return care_sync_monitor_get_available (data);
}

/* Emits the sync daemon's StoreChanged until the page shows it. */
static gboolean
store_changed_shown (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  g_dbus_connection_emit_signal (bus, NULL, "/coop/carelog/Carelog/Sync",
                                 "coop.carelog.Carelog.Sync", "StoreChanged", NULL, NULL);
  g_dbus_connection_flush_sync (bus, NULL, NULL);
  return gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (
    find (f, "refresh-button"))));
}

/* Records that sync brings are offered, not pushed under the finger. */
static void
test_sync_arrival (Fixture      *f,
                   gconstpointer data)
{
  CareReviewPage *page = show_review_page (f);
  GListModel *model = care_review_page_get_model (page);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) daemon = own_sync_name ();
  g_autoptr(CareSyncMonitor) monitor = care_sync_monitor_new ();
  gint64 in = review_fixture_at (20, 0), out = review_fixture_at (20, 45);
  JsonObject *b;

  wait_for (monitor_available, monitor, "the monitor to see the daemon");
  care_review_page_set_sync_monitor (page, monitor);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  b = review_fixture_body ("visit", "extra", "client", "cl-rossi", "service", "personal-care",
                           NULL);
  json_object_set_int_member (b, "at", in);
  g_ptr_array_add (events, review_fixture_event ("dev-anna", 100, "c-anna", in,
                                                 CARE_EVENT_VISIT_STARTED, b));
  b = review_fixture_body ("visit", "extra", NULL);
  json_object_set_int_member (b, "at", out);
  g_ptr_array_add (events, review_fixture_event ("dev-anna", 101, "c-anna", out,
                                                 CARE_EVENT_VISIT_FINISHED, b));
  g_assert_true (care_store_apply_page (f->store, events, "3", &error));
  g_assert_no_error (error);

  wait_for (store_changed_shown, f, "the offer to show new records");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  click (f, "refresh-button");
  wait_for (model_ready, model, "the list with the new visit");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (care_timesheet_page_export_finish (CARE_TIMESHEET_PAGE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
export_failed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (care_timesheet_page_export_finish (CARE_TIMESHEET_PAGE (source), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  *(gboolean *) user_data = TRUE;
}

static void
test_timesheet (Fixture      *f,
                gconstpointer data)
{
  GtkWidget *page = care_timesheet_page_new_for_store (f->store, f->reader);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Rome");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (review_fixture_at (12, 0) / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareWeekHours) week = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *week_name = NULL;
  g_autofree char *button = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *file_path = g_build_filename (f->dir, "hours.csv", NULL);
  gboolean done = FALSE;
  GDate day;
  int iso_year, iso_week;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  care_timesheet_iso_week (&day, &iso_year, &iso_week);

  gtk_window_set_child (GTK_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  {
    /* Timesheets open on this week (the store's today), not last week. */
    g_autoptr(GTimeZone) store_tz = care_store_get_timezone (f->store);
    g_autoptr(GDateTime) now_utc = g_date_time_new_from_unix_utc (care_store_now (f->store) / 1000);
    g_autoptr(GDateTime) now = g_date_time_to_timezone (now_utc, store_tz);
    int shown_year, shown_week;

    care_timesheet_page_get_week (CARE_TIMESHEET_PAGE (page), &shown_year, &shown_week);
    g_assert_cmpint (shown_year, ==, g_date_time_get_week_numbering_year (now));
    g_assert_cmpint (shown_week, ==, g_date_time_get_week_of_year (now));
  }
  care_timesheet_page_set_week (CARE_TIMESHEET_PAGE (page), iso_year, iso_week);
  wait_for (not_loading, page, "the week's timesheets");
  screenshot (f, "review-timesheets");
  g_assert_cmpuint (check_accessible_labels (page), >=, 6);

  /* Visits: 60 + 60 + 30 + 60 + 60 + 65 = 335 minutes; 360 planned. */
  week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
  g_assert_no_error (error);
  g_assert_cmpint (week->total_minutes, ==, 335);
  g_assert_cmpint (week->planned_minutes, ==, 360);
  g_assert_cmpint (week->review, ==, CARE_REVIEW_NONE);

  /* A query about the week first: the carer sees it on their hours. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (f, "query-week-c-anna")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (find (f, "week-message-c-anna")),
                         "Sunday looks long: was the 13:00 visit really 30 minutes?");
  click (f, "send-week-query-c-anna");
  g_clear_pointer (&week, care_week_hours_free);
  week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
  g_assert_no_error (error);
  g_assert_cmpint (week->review, ==, CARE_REVIEW_QUERIED);
  wait_for (not_loading, page, "the week after the query");

  /* Approving warns first: the week has exceptions nobody reviewed (and,
   * this week, days still to come); nothing is written until the
   * supervisor approves all the same. */
  button = g_strdup ("approve-week-c-anna");
  click (f, button);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "approve-warnings-c-anna"))));
  {
    g_autofree char *warning = care_test_text_of (find (f, "approve-warnings-text-c-anna"));

    g_assert_nonnull (strstr (warning, "Before you approve:"));
    g_assert_nonnull (strstr (warning, "that nobody has reviewed"));
  }
  g_clear_pointer (&week, care_week_hours_free);
  week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
  g_assert_cmpint (week->review, ==, CARE_REVIEW_QUERIED);
  click (f, "approve-anyway-c-anna");
  g_clear_pointer (&week, care_week_hours_free);
  week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
  g_assert_no_error (error);
  g_assert_cmpint (week->review, ==, CARE_REVIEW_APPROVED);
  wait_for (not_loading, page, "the week after approval");
  /* An approved week offers no approval (the row's button is bound to the
   * week's state). */
  {
    GtkWidget *approve = care_find_named (f->window, button);

    g_assert_true (approve == NULL || !gtk_widget_is_visible (approve));
  }

  /* The payroll export of the week holds Anna's approved day. */
  file = g_file_new_for_path (file_path);
  care_timesheet_page_export_async (CARE_TIMESHEET_PAGE (page), CARE_TIMESHEET_EXPORT_HOURS, file,
                                    NULL, export_done_cb, &done);
  wait_for (flag_set, &done, "the export");
  g_assert_true (g_file_get_contents (file_path, &csv, NULL, &error));
  g_assert_no_error (error);
  week_name = g_strdup_printf (",%04d-W%02d,335,0,0,0,335,335,360,approved,Europe/Rome\r\n",
                               iso_year, iso_week);
  g_assert_nonnull (strstr (csv, week_name));
  g_assert_true (g_str_has_prefix (csv, "carer_id,carer_name,date,"));

  /* The visits of the week, whatever their review state. */
  {
    g_autofree char *visits_path = g_build_filename (f->dir, "visits.csv", NULL);
    g_autoptr(GFile) visits_file = g_file_new_for_path (visits_path);
    g_autofree char *visits_csv = NULL;
    g_auto(GStrv) lines = NULL;

    done = FALSE;
    care_timesheet_page_export_async (CARE_TIMESHEET_PAGE (page), CARE_TIMESHEET_EXPORT_VISITS,
                                      visits_file, NULL, export_done_cb, &done);
    wait_for (flag_set, &done, "the visits export");
    g_assert_true (g_file_get_contents (visits_path, &visits_csv, NULL, &error));
    g_assert_no_error (error);
    lines = g_strsplit (visits_csv, "\r\n", -1);
    /* A header, six visits, and the empty string after the last CRLF. */
    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 6 + 1);
    g_assert_true (g_str_has_prefix (lines[0], "visit_id,"));
  }

  /* A folder that does not exist: an error, nothing written. */
  {
    g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", "hours.csv", NULL);
    g_autoptr(GFile) nowhere = g_file_new_for_path (missing);

    done = FALSE;
    care_timesheet_page_export_async (CARE_TIMESHEET_PAGE (page), CARE_TIMESHEET_EXPORT_VISITS,
                                      nowhere, NULL, export_failed_cb, &done);
    wait_for (flag_set, &done, "the failed export");
    g_assert_false (g_file_query_exists (nowhere, NULL));
  }

  /* Anna adds 15 minutes of travel to the approved week: it is changed
   * after approval, says so, and leaves the approved-only export. */
  {
    g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
    g_autoptr(GDate) monday = g_date_new ();
    g_autofree char *approved_only = NULL;
    char date[16];
    JsonObject *b;

    care_timesheet_week_monday (iso_year, iso_week, monday);
    g_date_strftime (date, sizeof date, "%Y-%m-%d", monday);
    b = review_fixture_body ("entry", "h-travel", "kind", "travel", "date", date, NULL);
    json_object_set_int_member (b, "minutes", 15);
    g_ptr_array_add (later, review_fixture_event ("dev-anna", 15, "c-anna", g_get_real_time () / 1000,
                                                  CARE_EVENT_HOURS_ADDED, b));
    g_assert_true (care_store_apply_page (f->store, later, "3", &error));
    g_assert_no_error (error);
    g_clear_pointer (&week, care_week_hours_free);
    week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
    g_assert_cmpint (week->review, ==, CARE_REVIEW_CHANGED);
    care_timesheet_page_set_week (CARE_TIMESHEET_PAGE (page), iso_year, iso_week);
    wait_for (not_loading, page, "the week changed after approval");
    g_assert_nonnull (find (f, "week-changed-c-anna"));
    g_assert_nonnull (find (f, "approve-week-c-anna"));   /* approve again */
    done = FALSE;
    care_timesheet_page_export_async (CARE_TIMESHEET_PAGE (page), CARE_TIMESHEET_EXPORT_HOURS, file,
                                      NULL, export_done_cb, &done);
    wait_for (flag_set, &done, "the export after the change");
    g_assert_true (g_file_get_contents (file_path, &approved_only, NULL, &error));
    g_assert_null (strstr (approved_only, "c-anna"));

    /* Withdrawing needs a reason; with one, the week is not approved. */
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (f, "withdraw-week-toggle-c-anna")), TRUE);
    click (f, "withdraw-week-c-anna");
    g_clear_pointer (&week, care_week_hours_free);
    week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
    g_assert_cmpint (week->review, ==, CARE_REVIEW_CHANGED);
    gtk_editable_set_text (GTK_EDITABLE (find (f, "withdraw-reason-c-anna")), "Travel was not agreed");
    click (f, "withdraw-week-c-anna");
    g_clear_pointer (&week, care_week_hours_free);
    week = care_store_get_week_hours (f->store, "c-anna", iso_year, iso_week, &error);
    g_assert_cmpint (week->review, ==, CARE_REVIEW_NONE);
  }
}

/* The demo co-op's supervisor profile opens with exceptions to review. */
static void
test_demo (Fixture      *f,
           gconstpointer data)
{
  CareReviewPage *page = show_review_page (f);
  GListModel *model = care_review_page_get_model (page);
  const gint64 *counts = care_review_model_get_counts (CARE_REVIEW_MODEL (model));
  gint64 total = 0;

  if (g_list_model_get_n_items (model) == 0) {
    g_test_skip ("The demo profile has no visits yet (care_demo_populate)");
    return;
  }
  g_assert_nonnull (counts);
  for (guint i = 0; i < CARE_REVIEW_N_FLAGS; i++)
    total += counts[i];
  g_assert_cmpint (total, >, 0);
  g_assert_cmpuint (summary_at (model, 0)->flags, !=, 0);
  if (GPOINTER_TO_INT (data) == 2) {
    /* A phone-sized window: everything still fits, nothing is cut off. */
    g_assert_cmpint (gtk_widget_get_width (f->window), <=, 360);
    screenshot (f, "review-narrow");
    g_signal_emit_by_name (find (f, "visit-list"), "activate", 0);
    wait_for (detail_ready, find (f, "review-detail"), "the visit's detail");
    screenshot (f, "review-narrow-detail");
  } else {
    gboolean found = FALSE;

    screenshot (f, "review-demo");
    /* A missed visit (scheduled, never started) opens too, with nothing to
     * approve. */
    for (guint i = 0; i < g_list_model_get_n_items (model) && !found; i++) {
      const CareVisitSummary *s = summary_at (model, i);

      if (s != NULL && s->visit == NULL && s->state == CARE_VISIT_MISSED) {
        g_signal_emit_by_name (find (f, "visit-list"), "activate", i);
        wait_for (detail_ready, find (f, "review-detail"), "the missed visit's detail");
        g_assert_true (gtk_widget_get_mapped (find (f, "detail-title")));
        g_assert_false (gtk_widget_get_mapped (find (f, "approve-button")));
        found = TRUE;
      }
    }
    if (!found)
      g_test_message ("the demo has no missed visit to open");
  }
}

/* The app's window opens a supervisor's profile on the review workspace,
 * with the timesheets next to it. */
static gboolean
list_shown (gpointer data)
{
  GtkWidget *list = care_find_named (data, "visit-list");

  return list != NULL && gtk_widget_get_mapped (list);
}

static void
test_window (Fixture      *f,
             gconstpointer data)
{
  CareWindow *window = care_test_window_new (f->path, 800, 1000);
  g_autofree char *shot = NULL;

  g_assert_cmpstr (care_window_get_view (window), ==, "review");
  care_test_wait (list_shown, window, 30, "the review list");
  g_assert_nonnull (care_find_named (GTK_WIDGET (window), "exceptions-only"));
  shot = care_test_screenshot (GTK_WIDGET (window), "review-window");
  /* A visit opened from the list: the way back is in the header, where the
   * main menu was (HIG), and Escape takes it too. */
  {
    GtkWidget *list = care_find_named (GTK_WIDGET (window), "visit-list");
    GtkWidget *page = gtk_widget_get_ancestor (list, CARE_TYPE_REVIEW_PAGE);

    g_assert_false (care_test_is_visible (care_find_named (GTK_WIDGET (window), "back-button")));
    g_signal_emit_by_name (list, "activate", 0);
    g_assert_true (care_review_page_get_subpage (CARE_REVIEW_PAGE (page)));
    g_assert_true (care_test_is_visible (care_find_named (GTK_WIDGET (window), "back-button")));
    g_assert_false (care_test_is_visible (care_find_named (GTK_WIDGET (window), "main-menu")));
    care_test_activate (GTK_WIDGET (window), "back-button");
    g_assert_false (care_review_page_get_subpage (CARE_REVIEW_PAGE (page)));
    g_assert_false (care_test_is_visible (care_find_named (GTK_WIDGET (window), "back-button")));
  }
  care_window_set_view (window, "timesheets");
  g_assert_cmpstr (care_window_get_view (window), ==, "timesheets");
  g_assert_nonnull (care_find_named (GTK_WIDGET (window), "timesheet-list"));
  care_test_wait (not_loading, care_find_named (GTK_WIDGET (window), "timesheet-list") != NULL
                                 ? gtk_widget_get_ancestor (care_find_named (GTK_WIDGET (window),
                                                                             "timesheet-list"),
                                                           CARE_TYPE_TIMESHEET_PAGE)
                                : NULL,
                 30, "the timesheets");
  g_clear_pointer (&shot, g_free);
  shot = care_test_screenshot (GTK_WIDGET (window), "review-window-timesheets");
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/review/flow", Fixture, NULL, fixture_set_up, test_review_flow,
              fixture_tear_down);
  g_test_add ("/ui/review/window", Fixture, NULL, fixture_set_up, test_window, fixture_tear_down);
  g_test_add ("/ui/review/sync-arrival", Fixture, NULL, fixture_set_up, test_sync_arrival,
              fixture_tear_down);
  g_test_add ("/ui/review/timesheet", Fixture, NULL, fixture_set_up, test_timesheet,
              fixture_tear_down);
  g_test_add ("/ui/review/demo", Fixture, GINT_TO_POINTER (1), fixture_set_up, test_demo,
              fixture_tear_down);
  g_test_add ("/ui/review/narrow", Fixture, GINT_TO_POINTER (2), fixture_set_up, test_demo,
              fixture_tear_down);
  return g_test_run ();
}
