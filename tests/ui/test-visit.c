/* test-visit.c: visits driven through the real widgets, checked against
 * the store on disk.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-test-util.h"
#include "care-ui-util.h"
#include "care-demo.h"
#include "care-hours-page.h"
#include "care-item-row.h"
#include "care-search-page.h"
#include "care-today-page.h"
#include "care-visit-page.h"

#include <string.h>

static CareStore *
reopen (const char *path)
{
  g_autoptr(GError) error = NULL;
  CareStore *store = care_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static GPtrArray *
outbox_types (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = reopen (path);
  g_autoptr(GPtrArray) events = care_store_list_outbox (store, 1000, &error);
  GPtrArray *types = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (types, (gpointer) care_event_type_to_string (((CareEvent *) events->pdata[i])->type));
  return types;
}

static char *
join_types (GPtrArray *types)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < types->len; i++)
    g_string_append_printf (s, "%s%s", i ? " " : "", (const char *) types->pdata[i]);
  return g_string_free (s, FALSE);
}

static gboolean label_contains (GtkWidget  *root,
                                const char *name,
                                const char *needle);

static gboolean
reason_saved (gpointer root)
{
  return label_contains (care_test_row (root, "tasks-list", 2), "task-row", "Not done: She had already eaten");
}

static gboolean
label_contains (GtkWidget  *root,
                const char *name,
                const char *needle)
{
  g_autofree char *text = care_test_text_of (care_test_find (root, name));

  return strstr (text, needle) != NULL;
}

/* The card of the visit's note at @index, in the order written. */
static GtkWidget *
note_card (GtkWidget *root,
           int        index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (care_test_find (root, "notes-list")), index);

  g_assert_nonnull (row);
  return GTK_WIDGET (row);
}

static void
select_category (GtkWidget  *root,
                 const char *id)
{
  guint n;
  const CareChoice *categories = care_note_categories (&n);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (categories[i].id, id) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (care_test_find (root, "note-category")), i + 1);
}

/* Check in, answer tasks, write a note, check out: the store then holds
 * exactly those records, in that order. */
static void
test_whole_visit (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(GPtrArray) before = outbox_types (path);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(CareVisitDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *types = NULL;
  g_autofree char *visit = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);
  const CareNote *note;

  g_assert_cmpuint (before->len, ==, 0);
  care_test_activate_row (root, "visits-list", 1);      /* Dorothy Evans, 09:00 */
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  g_assert_true (label_contains (root, "visit-client", "Dorothy Evans"));

  care_test_activate (root, "check-in");
  visit = g_strdup (care_visit_page_get_visit (CARE_VISIT_PAGE (gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE))));
  g_assert_nonnull (visit);
  g_assert_true (label_contains (root, "visit-page-state", "In progress"));

  care_test_activate (care_test_row (root, "tasks-list", 0), "task-done");
  care_test_activate (care_test_row (root, "tasks-list", 1), "task-done");
  care_test_activate (care_test_row (root, "tasks-list", 2), "task-not-done");
  care_test_set_text (care_test_row (root, "tasks-list", 2), "task-reason", "She had already eaten");
  /* Records arriving from sync refresh the page: the typed reason stays,
   * in the task's item (the row shows it), and the rows are not made
   * again. */
  {
    GtkWidget *row = care_test_row (root, "tasks-list", 2);
    g_autofree char *reason = NULL;

    care_visit_page_reload (CARE_VISIT_PAGE (gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE)));
    g_assert_true (care_test_row (root, "tasks-list", 2) == row);
    g_object_get (care_item_row_get_item (CARE_ITEM_ROW (row)), "reason", &reason, NULL);
    g_assert_cmpstr (reason, ==, "She had already eaten");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (care_test_find (row, "task-reason"))), ==, "She had already eaten");
    g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == care_test_find (row, "task-reason")
                   || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), care_test_find (row, "task-reason")));
  }
  /* Enter in the reason saves it, as Save does (a button activated so
   * shows itself pressed for a moment, then acts). */
  g_signal_emit_by_name (care_test_find (care_test_row (root, "tasks-list", 2), "task-reason"), "activate");
  care_test_wait (reason_saved, root, 10, "the reason to be saved by Enter");

  /* Who may read it: chosen as she writes, shown on the note. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (care_test_find (root, "note-readers")), CARE_READERS_COORDINATORS);
  /* A note has no category until the carer chooses one. */
  care_test_set_text (root, "note-text", "Took the morning tablets with water.");
  care_test_activate (root, "add-note");
  g_assert_true (label_contains (root, "note-error", "Choose a category for the note"));
  select_category (root, "medication");
  care_test_activate (root, "add-note");
  g_assert_true (label_contains (note_card (root, 0), "note-card-text", "Took the morning tablets with water."));
  g_assert_true (label_contains (note_card (root, 0), "note-read-by", "Co-ordinators only"));
  /* Bound to the note: no Urgent tag, no corrections yet, and its Correct
   * button opens this note. */
  g_assert_false (care_test_is_visible (care_test_find (note_card (root, 0), "urgent-tag")));
  g_assert_false (care_test_is_visible (care_test_find (note_card (root, 0), "note-versions")));
  g_assert_true (care_test_is_visible (care_test_find (note_card (root, 0), "note-amend")));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (care_test_find (root, "notes-list")), 1));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (care_test_find (root, "note-readers"))), ==,
                    CARE_READERS_TEAM);

  care_test_activate (root, "check-out");
  g_assert_false (care_test_is_visible (care_test_find (root, "checkout-error")));
  g_assert_true (label_contains (root, "visit-page-state", "Done"));
  g_assert_true (care_test_is_visible (care_test_find (root, "finish-row")));

  /* After check-out, "not done" becoming "done" is a correction: one tap
   * asks why instead of writing; the answer is written with the reason. */
  care_test_activate (care_test_row (root, "tasks-list", 2), "task-done");
  g_assert_true (care_test_is_visible (care_test_find (care_test_row (root, "tasks-list", 2), "task-reason")));
  g_assert_true (label_contains (care_test_row (root, "tasks-list", 2), "task-row", "Not done: She had already eaten"));
  care_test_set_text (care_test_row (root, "tasks-list", 2), "task-reason", "She ate a second breakfast with me");
  care_test_activate (care_test_row (root, "tasks-list", 2), "task-save");
  g_assert_false (care_test_is_visible (care_find_named (care_test_row (root, "tasks-list", 2), "task-reason")));
  g_assert_false (label_contains (care_test_row (root, "tasks-list", 2), "task-row", "Not done: She"));
  care_test_window_destroy (window);

  /* What is on disk. */
  after = outbox_types (path);
  types = join_types (after);
  g_assert_cmpstr (types, ==,
                   "visit.started task.answered task.answered task.answered note.added visit.finished task.answered");
  store = reopen (path);
  detail = care_store_get_visit (store, visit, &error);
  g_assert_no_error (error);
  g_assert_cmpint (detail->summary.state, ==, CARE_VISIT_DONE);
  g_assert_cmpstr (detail->summary.schedule, ==, "s-2");
  g_assert_cmpstr (detail->summary.client, ==, "c-1");
  g_assert_cmpint (detail->summary.started_at, >, 0);
  g_assert_cmpint (detail->summary.finished_at, >=, detail->summary.started_at);
  g_assert_false (detail->has_location);
  g_assert_cmpuint (detail->tasks->len, ==, 4);
  g_assert_cmpint (((CareTaskState *) detail->tasks->pdata[0])->answer, ==, 1);
  g_assert_cmpint (((CareTaskState *) detail->tasks->pdata[1])->answer, ==, 1);
  g_assert_cmpint (((CareTaskState *) detail->tasks->pdata[2])->answer, ==, 1);
  g_assert_cmpstr (((CareTaskState *) detail->tasks->pdata[2])->reason, ==, "She ate a second breakfast with me");
  g_assert_cmpint (((CareTaskState *) detail->tasks->pdata[3])->answer, ==, -1);
  g_assert_cmpuint (detail->notes->len, ==, 1);
  note = detail->notes->pdata[0];
  g_assert_cmpstr (note->category, ==, "medication");
  g_assert_cmpstr (note->text, ==, "Took the morning tablets with water.");
  g_assert_cmpint (note->readers, ==, CARE_READERS_COORDINATORS);
  g_assert_false (note->urgent);
}

/* Check-out is refused while an essential task is unanswered, and the
 * message names it; nothing is written. */
static void
test_essential_refused (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(GPtrArray) types = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *message = NULL;
  CareWindow *window = care_test_window_new (path, 800, 1000);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *error_label;

  care_test_activate_row (root, "visits-list", 1);
  care_test_activate (root, "check-in");
  care_test_activate (care_test_row (root, "tasks-list", 0), "task-done");     /* medication done, shower not */
  care_test_activate (root, "check-out");

  error_label = care_test_find (root, "checkout-error");
  g_assert_true (care_test_is_visible (error_label));
  message = care_test_text_of (error_label);
  g_assert_nonnull (strstr (message, "Help with shower"));
  g_assert_null (strstr (message, "Prompt morning medication"));
  /* The page goes to the task to answer. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == care_test_find (care_test_row (root, "tasks-list", 1), "task-done"));
  g_assert_true (label_contains (root, "visit-page-state", "In progress"));
  g_assert_false (care_test_is_visible (care_test_find (root, "finish-row")));

  types = outbox_types (path);
  joined = join_types (types);
  g_assert_cmpstr (joined, ==, "visit.started task.answered");

  /* Answering it lets the visit finish. */
  care_test_activate (care_test_row (root, "tasks-list", 1), "task-done");
  care_test_activate (root, "check-out");
  g_assert_false (care_test_is_visible (care_test_find (root, "checkout-error")));
  g_assert_true (label_contains (root, "visit-page-state", "Done"));
  care_test_window_destroy (window);
}

/* Correcting a time asks for a reason, writes an amendment and shows it in
 * the history; the note's earlier text stays readable. */
static void
test_amendment (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autoptr(GPtrArray) types_before = outbox_types (path);
  g_autoptr(GPtrArray) types_after = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(CareVisitDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autofree char *finish = NULL;
  g_autofree char *visit = NULL;
  CareWindow *window = care_test_window_new (path, 1024, 768);
  GtkWidget *root = GTK_WIDGET (window);
  const CareHistoryEntry *last;
  const CareNote *note;

  care_test_activate_row (root, "visits-list", 0);     /* Maria Bianchi, done */
  g_assert_true (label_contains (root, "visit-page-state", "Done"));
  visit = g_strdup (care_visit_page_get_visit (CARE_VISIT_PAGE (gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE))));

  care_test_activate (root, "amend-finish");
  g_assert_true (care_test_is_visible (care_test_find (root, "amend-time")));
  care_test_set_text (root, "amend-time", "08:10");
  care_test_activate (root, "amend-save");
  /* No reason: refused, said why, nothing written. */
  g_assert_true (care_test_is_visible (care_test_find (root, "amend-error")));
  g_assert_true (label_contains (root, "amend-error", "why"));
  types_after = outbox_types (path);
  g_assert_cmpuint (types_after->len, ==, types_before->len);
  g_clear_pointer (&types_after, g_ptr_array_unref);

  care_test_set_text (root, "amend-reason", "Stayed to wait for the nurse");
  care_test_activate (root, "amend-save");
  g_assert_false (care_test_is_visible (care_test_find (root, "amend-error")));
  g_assert_true (label_contains (root, "finish-row", "08:10"));
  g_assert_true (label_contains (root, "history-list", "Reason: Stayed to wait for the nurse"));
  /* The earlier correction is still there too. */
  g_assert_true (label_contains (root, "history-list", "Reason: Forgot to check out at the door"));

  /* A note correction keeps the earlier text visible. */
  care_test_activate (note_card (root, 0), "note-amend");
  care_test_set_text (root, "note-amend-text", "Maria was cheerful and talked about her granddaughter's visit.");
  care_test_set_text (root, "note-amend-reason", "Wrong grandchild");
  care_test_activate (root, "note-amend-save");
  g_assert_true (label_contains (note_card (root, 0), "note-card-text", "granddaughter"));
  g_assert_true (care_test_is_visible (care_test_find (note_card (root, 0), "note-versions")));
  g_assert_true (label_contains (root, "note-versions", "Wrong grandchild"));
  g_assert_true (label_contains (root, "note-versions", "Before: Maria was cheerful and talked about her grandson's visit."));
  care_test_window_destroy (window);

  types_after = outbox_types (path);
  g_assert_cmpuint (types_after->len, ==, types_before->len + 2);
  g_assert_cmpstr (types_after->pdata[types_after->len - 2], ==, "visit.amended");
  g_assert_cmpstr (types_after->pdata[types_after->len - 1], ==, "note.amended");

  store = reopen (path);
  detail = care_store_get_visit (store, visit, &error);
  g_assert_no_error (error);
  finish = care_format_time (detail->summary.finished_at, tz);
  g_assert_cmpstr (finish, ==, "08:10");
  g_assert_cmpint (detail->summary.recorded_finished_at, !=, detail->summary.finished_at);
  last = NULL;
  for (guint i = 0; i < detail->history->len; i++)
    {
      const CareHistoryEntry *e = detail->history->pdata[i];

      if (e->type == CARE_EVENT_VISIT_AMENDED)
        last = e;
    }
  g_assert_nonnull (last);
  g_assert_cmpstr (last->reason, ==, "Stayed to wait for the nurse");
  note = detail->notes->pdata[0];
  g_assert_cmpuint (note->versions->len, ==, 2);
  g_assert_cmpstr (((CareNoteVersion *) note->versions->pdata[1])->reason, ==, "Wrong grandchild");
}

/* A safeguarding concern asks for confirmation, then is marked urgent. */
static void
test_safeguarding (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(GPtrArray) types = NULL;
  g_autofree char *joined = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);

  care_test_activate_row (root, "visits-list", 1);
  care_test_activate (root, "check-in");
  select_category (root, "safeguarding");
  care_test_set_text (root, "note-text", "Unexplained bruise on the left arm.");
  care_test_activate (root, "add-note");
  g_assert_true (care_test_is_visible (care_test_find (root, "safeguarding-confirm")));
  types = outbox_types (path);
  g_assert_cmpuint (types->len, ==, 1);   /* only the check-in so far */
  g_clear_pointer (&types, g_ptr_array_unref);

  care_test_activate (root, "safeguarding-confirm-button");
  g_assert_true (label_contains (note_card (root, 0), "note-card-text", "Unexplained bruise"));
  g_assert_true (care_test_is_visible (care_test_find (note_card (root, 0), "urgent-tag")));
  types = outbox_types (path);
  joined = join_types (types);
  g_assert_cmpstr (joined, ==, "visit.started note.added");
  care_test_window_destroy (window);
}

/* An unscheduled visit for an assigned client. */
static void
test_unscheduled (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(GPtrArray) types = NULL;
  g_autofree char *joined = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);

  care_test_activate (root, "start-unscheduled");
  care_test_activate_row (root, "clients-list", 1);
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  g_assert_true (care_test_is_visible (care_test_find (root, "service-dropdown")));
  care_test_activate (root, "check-in");
  g_assert_true (label_contains (root, "visit-page-state", "In progress"));
  gtk_widget_activate_action (root, "win.back", NULL);
  g_assert_cmpstr (care_window_get_screen (window), ==, "home");
  types = outbox_types (path);
  joined = join_types (types);
  g_assert_cmpstr (joined, ==, "visit.started");
  care_test_window_destroy (window);
}

/* Records another process wrote (the sync daemon) reach every view of the
 * store through one notification, the store's "changed", which each view
 * follows itself: the visit shown, and a Today page that is in no window
 * at all (nothing lists the pages to refresh). */
static void
test_store_changed (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autofree char *visit = NULL;
  g_autoptr(CareStore) own = reopen (path);
  CareTodayPage *loose = g_object_ref_sink (g_object_new (CARE_TYPE_TODAY_PAGE, NULL));
  CareWindow *window = care_test_window_new (path, 360, 900);
  GtkWidget *root = GTK_WIDGET (window);

  care_today_page_set_store (loose, own);
  care_test_activate_row (root, "visits-list", 1);
  care_test_activate (root, "check-in");
  visit = g_strdup (care_visit_page_get_visit (CARE_VISIT_PAGE (gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE))));
  g_assert_false (care_test_is_visible (care_test_find (root, "query-box")));

  {
    g_autoptr(CareStore) daemon = reopen (path);

    care_test_add_review (daemon, "query", visit, "Did she have her lunch?");
  }
  /* Nothing is read again until someone says the store changed. */
  g_assert_false (care_test_is_visible (care_test_find (root, "query-box")));
  g_assert_false (label_contains (GTK_WIDGET (loose), "visits-list", "Did she have her lunch?"));

  care_store_changed (care_window_get_store (window));
  g_assert_true (care_test_is_visible (care_test_find (root, "query-box")));
  g_assert_true (label_contains (root, "query-message", "Did she have her lunch?"));
  g_assert_false (label_contains (GTK_WIDGET (loose), "visits-list", "Did she have her lunch?"));   /* its own store */

  care_store_changed (own);
  g_assert_true (label_contains (GTK_WIDGET (loose), "visits-list", "Did she have her lunch?"));

  care_test_window_destroy (window);
  g_object_unref (loose);
}

/* A supervisor's query is shown on its visit and the carer replies. */
static void
test_query_reply (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autoptr(GPtrArray) types = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);

  g_assert_true (label_contains (root, "visits-list", "Queried by a co-ordinator"));
  care_test_activate_row (root, "visits-list", 0);
  g_assert_true (care_test_is_visible (care_test_find (root, "query-box")));
  g_assert_true (label_contains (root, "query-message", "Please check the end time"));
  /* One word per role, and no ids or slugs on screen: the history names
   * the note's category and the service as the rest of the app does. */
  {
    g_autofree char *shown = care_test_text_of (care_test_find (root, "history-list"));

    g_assert_nonnull (strstr (shown, "A co-ordinator asked: Please check the end time"));
    g_assert_null (strstr (shown, "upervisor"));
    g_assert_null (strstr (shown, "(personal-care)"));
    g_assert_null (strstr (shown, "Note added ("));
  }
  care_test_set_text (root, "query-reply", "I stayed until the family arrived.");
  care_test_activate (root, "query-send");
  g_assert_false (care_test_is_visible (care_test_find (root, "query-box")));
  g_assert_true (label_contains (root, "history-list", "I stayed until the family arrived."));
  care_test_window_destroy (window);

  types = outbox_types (path);
  g_assert_cmpstr (types->pdata[types->len - 1], ==, "query.answered");
}

/* The carer moves between days, and sees the queries waiting for her
 * answer whatever day she is looking at, not only on the visit's day. */
static gint64 test_clock_ms;

static gint64
test_clock (gpointer user_data)
{
  return test_clock_ms;
}

static void
test_days_and_queries (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) at = g_date_time_new_local (g_date_time_get_year (yesterday),
                                                   g_date_time_get_month (yesterday),
                                                   g_date_time_get_day_of_month (yesterday), 10, 0, 0);
  g_autofree char *visit = NULL;
  g_autofree char *shown = NULL;
  CareWindow *window;
  GtkWidget *root;
  GtkWidget *today_page;

  {
    g_autoptr(CareStore) store = reopen (path);

    care_store_set_clock (store, test_clock, NULL);
    test_clock_ms = g_date_time_to_unix (at) * 1000;
    visit = care_store_check_in (store, "c-2", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    test_clock_ms += 40 * 60 * 1000;
    g_assert_true (care_store_answer_task (store, visit, "t-meds2", TRUE, NULL, &error));
    g_assert_true (care_store_check_out (store, visit, &error));
    g_assert_no_error (error);
    care_store_set_clock (store, NULL, NULL);
    care_test_add_review (store, "query", visit, "Was the kitchen tidied?");
  }

  window = care_test_window_new (path, 360, 640);
  root = GTK_WIDGET (window);
  today_page = gtk_widget_get_ancestor (care_test_find (root, "visits-list"), CARE_TYPE_TODAY_PAGE);

  /* Today: yesterday's open query above the day; today's is in the day's
   * list, with its message. */
  g_assert_true (care_test_is_visible (care_test_find (root, "queries-list")));
  g_assert_true (label_contains (root, "queries-list", "A co-ordinator asked: Was the kitchen tidied?"));
  g_assert_false (label_contains (root, "queries-list", "Please check the end time"));
  g_assert_true (label_contains (root, "visits-list", "Please check the end time"));
  g_assert_false (care_test_is_visible (care_test_find (root, "back-to-today")));

  /* The day before: its visit, the queries still there, no unscheduled
   * visit to start in the past. */
  care_test_activate (root, "previous-day");
  g_assert_cmpint (care_today_page_get_day_offset (CARE_TODAY_PAGE (today_page)), ==, -1);
  shown = care_test_text_of (care_test_find (root, "today-date"));
  {
    g_autofree char *expected = NULL;
    GDate day;

    g_date_clear (&day, 1);
    g_date_set_dmy (&day, g_date_time_get_day_of_month (at), g_date_time_get_month (at),
                    g_date_time_get_year (at));
    expected = care_format_day (&day);

    g_assert_cmpstr (shown, ==, expected);
  }
  g_assert_cmpuint (g_list_model_get_n_items (care_today_page_get_visits (CARE_TODAY_PAGE (today_page))), ==, 1);
  g_assert_true (label_contains (root, "visits-list", "Samuel Okafor"));
  {
    g_autofree char *row_text = care_test_text_of (care_test_row (root, "visits-list", 0));

    g_assert_nonnull (strstr (row_text, "Done"));
  }
  g_assert_true (care_test_is_visible (care_test_find (root, "queries-list")));
  g_assert_true (label_contains (root, "queries-list", "Please check the end time"));
  g_assert_false (label_contains (root, "queries-list", "kitchen"));
  g_assert_true (label_contains (root, "visits-list", "Was the kitchen tidied?"));
  g_assert_true (care_test_is_visible (care_test_find (root, "back-to-today")));
  g_assert_false (care_test_is_visible (care_test_find (root, "start-unscheduled")));
  {
    g_autofree char *shot = care_test_screenshot (root, "today-yesterday-360x640");
  }

  /* A query opens its visit, with the reply box; back keeps the day. */
  care_test_activate_row (root, "queries-list", 0);
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  g_assert_true (care_test_is_visible (care_test_find (root, "query-box")));
  gtk_widget_activate_action (root, "win.back", NULL);
  g_assert_cmpstr (care_window_get_screen (window), ==, "home");
  g_assert_cmpint (care_today_page_get_day_offset (CARE_TODAY_PAGE (today_page)), ==, -1);

  care_test_activate (root, "next-day");
  care_test_activate (root, "next-day");
  g_assert_true (label_contains (root, "visits-list", "No visits on this day."));
  care_test_activate (root, "back-to-today");
  g_assert_cmpint (care_today_page_get_day_offset (CARE_TODAY_PAGE (today_page)), ==, 0);
  g_assert_true (label_contains (root, "visits-list", "Dorothy Evans"));
  g_assert_true (care_test_is_visible (care_test_find (root, "start-unscheduled")));
  care_test_window_destroy (window);
}

/* First run: "Try the demo" fills the profile and shows Today. */
static gboolean
home_shown (gpointer data)
{
  return g_strcmp0 (care_window_get_screen (data), "home") == 0;
}

static void
test_demo (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_empty_store (dir);
  g_autoptr(CareStore) store = NULL;
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);

  g_assert_cmpstr (care_window_get_screen (window), ==, "first-run");
  care_test_activate (root, "demo-button");
  care_test_wait (home_shown, window, 30, "the demo profile to open");
  g_assert_nonnull (care_window_get_store (window));
  g_assert_nonnull (care_store_get_device (care_window_get_store (window)));
  {
    g_autofree char *shot = care_test_screenshot (root, "today-demo-360x640");
  }
  care_test_window_destroy (window);
  store = reopen (path);
  g_assert_cmpint (care_store_get_role (store), ==, CARE_ROLE_CARER);

  /* A role the demo does not have is named in the app's words: one word
   * for the co-ordinator, not the role's id. */
  {
    g_autofree char *other_dir = care_test_tmpdir ();
    g_autofree char *other_path = care_test_make_empty_store (other_dir);
    g_autoptr(CareStore) other = reopen (other_path);
    g_autoptr(GError) error = NULL;

    g_assert_false (care_demo_populate (other, CARE_ROLE_INVALID, &error));
    g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "co-ordinator"));
    g_assert_null (strstr (error->message, "upervisor"));
  }
}

/* Enrolment without the sync service says so, in words a carer can act on. */
static void
test_enrol_without_service (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_empty_store (dir);
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *error;

  care_test_activate (root, "enrol-button");
  error = care_test_find (root, "enrol-error");
  g_assert_true (care_test_is_visible (error));
  g_assert_true (label_contains (root, "enrol-error", "server address"));
  care_test_set_text (root, "enrol-text", "not an enrolment");
  care_test_activate (root, "enrol-button");
  g_assert_true (label_contains (root, "enrol-error", "carelog:"));
  care_test_set_text (root, "enrol-text", "carelog:1:https://127.0.0.1:9:CODE:");
  care_test_activate (root, "enrol-button");
  /* The test has a session bus of its own, where nothing provides the
   * sync service. */
  while (!label_contains (root, "enrol-error", "sync service"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (care_window_get_screen (window), ==, "first-run");
  care_test_window_destroy (window);
}

/* Hours: both weeks load in the background; a manual entry is added. */
typedef struct
{
  GtkWidget *root;
  const char *needle;
} TotalWait;

static gboolean
total_shows (gpointer data)
{
  TotalWait *wait = data;
  GtkWidget *total = care_find_named (wait->root, "this-total");
  g_autofree char *text = total != NULL ? care_test_text_of (total) : NULL;

  return text != NULL && strstr (text, wait->needle) != NULL;
}

static gboolean
query_gone (gpointer root)
{
  return care_find_named (root, "timesheet-query") == NULL;
}

static void
test_hours (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autoptr(GPtrArray) types = NULL;
  CareWindow *window;
  GtkWidget *root;
  TotalWait before = { NULL, "30 min" };
  TotalWait after = { NULL, "2 h 00" };
  TotalWait corrected = { NULL, "1 h 30" };

  {
    g_autoptr(CareStore) store = reopen (path);

    care_test_add_timesheet_query (store, "m-carer", "Is the training on the rota?");
  }
  window = care_test_window_new (path, 360, 640);
  root = before.root = after.root = corrected.root = GTK_WIDGET (window);

  care_window_set_view (window, "hours");
  care_test_wait (total_shows, &before, 30, "this week's total (the 30-minute visit)");
  g_assert_true (care_test_is_visible (care_test_find (root, "last-total")));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (care_test_find (root, "hours-kind")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (care_test_find (root, "hours-hours")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (care_test_find (root, "hours-minutes")), 30);
  care_test_set_text (root, "hours-comment", "Moving and handling course");
  care_test_activate (root, "hours-add");
  care_test_wait (total_shows, &after, 30, "this week's total with the training");
  g_assert_false (care_test_is_visible (care_test_find (root, "hours-error")));

  /* The entry is listed and corrected with a reason: none, refused. */
  g_assert_true (label_contains (root, "this-entries", "Training"));
  g_assert_true (label_contains (root, "this-entries", "Moving and handling course"));
  g_assert_true (label_contains (root, "this-entries", "1 h 30"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (care_test_find (root, "this-entry-0")), TRUE);
  care_test_settle (root);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (care_test_find (care_test_find (root, "this-entry-0"), "entry-hours")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (care_test_find (care_test_find (root, "this-entry-0"), "entry-minutes")), 0);
  care_test_activate (care_test_find (root, "this-entry-0"), "entry-save");
  g_assert_true (care_test_is_visible (care_test_find (root, "entry-error")));
  care_test_set_text (care_test_find (root, "this-entry-0"), "entry-reason", "The course ended early");
  g_signal_emit_by_name (care_test_find (care_test_find (root, "this-entry-0"), "entry-reason"), "activate");
  care_test_wait (total_shows, &corrected, 30, "this week's total with the corrected training");
  g_assert_true (label_contains (root, "this-entries", "1 h 00"));
  {
    g_autofree char *shot = care_test_screenshot (root, "hours-entries-360x640");
  }

  /* The co-ordinator's query on the timesheet, with its question; the
   * carer answers it there. */
  g_assert_true (label_contains (root, "timesheet-query-message", "Is the training on the rota?"));
  care_test_activate (care_test_find (root, "this-week"), "timesheet-query-send");
  g_assert_true (label_contains (root, "timesheet-query-error", "Write your answer first."));
  care_test_set_text (care_test_find (root, "this-week"), "timesheet-query-reply", "No, the office booked it by phone.");
  /* The answer being typed lives in the query's item: a refresh keeps the
   * card, and the answer, and the error until it is sent. */
  {
    GtkWidget *card = care_test_find (root, "timesheet-query");

    care_hours_page_refresh (CARE_HOURS_PAGE (gtk_widget_get_ancestor (card, CARE_TYPE_HOURS_PAGE)));
    care_test_settle (root);
    g_assert_true (care_test_find (root, "timesheet-query") == card);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (care_test_find (root, "timesheet-query-reply"))), ==,
                     "No, the office booked it by phone.");
  }
  g_signal_emit_by_name (care_test_find (root, "timesheet-query-reply"), "activate");   /* Enter sends */
  care_test_wait (query_gone, root, 30, "the answered query to leave the week");
  care_test_window_destroy (window);

  types = outbox_types (path);
  g_assert_cmpstr (types->pdata[types->len - 3], ==, "hours.added");
  g_assert_cmpstr (types->pdata[types->len - 2], ==, "hours.added");
  g_assert_cmpstr (types->pdata[types->len - 1], ==, "query.answered");
  {
    g_autoptr(CareStore) store = reopen (path);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GError) error = NULL;
    g_autoptr(CareWeekHours) week = care_store_get_week_hours (store, "m-carer",
                                                               g_date_time_get_week_numbering_year (now),
                                                               g_date_time_get_week_of_year (now), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (week->entries->len, ==, 1);
    g_assert_cmpint (((CareHoursEntry *) week->entries->pdata[0])->minutes, ==, 60);
    g_assert_cmpint (week->review, !=, CARE_REVIEW_QUERIED);
  }
}

/* Search runs off the main thread and a hit opens its visit. */
static gboolean
search_done (gpointer data)
{
  CareSearchPage *page = data;

  return !care_search_page_is_busy (page) && care_search_page_get_n_hits (page) > 0;
}

static void
test_search (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);
  CareSearchPage *page;

  care_window_set_view (window, "search");
  page = CARE_SEARCH_PAGE (gtk_widget_get_ancestor (care_test_find (root, "search-entry"), CARE_TYPE_SEARCH_PAGE));
  care_search_page_search (page, "grandson");
  care_test_wait (search_done, page, 30, "the search to finish");
  g_assert_cmpuint (care_search_page_get_n_hits (page), ==, 1);
  {
    g_autofree char *hit = care_test_text_of (care_test_row (root, "search-results", 0));

    g_assert_nonnull (strstr (hit, "Maria Bianchi"));
  }
  care_test_activate_row (root, "search-results", 0);
  g_assert_cmpstr (care_window_get_screen (window), ==, "visit");
  g_assert_true (label_contains (root, "visit-client", "Maria Bianchi"));

  /* A visit that is not (or no longer) on this tablet: said, not stale. */
  care_window_open_visit (window, "no-such-visit");
  g_assert_false (label_contains (root, "visit-client", "Maria Bianchi"));
  g_assert_false (care_test_is_visible (care_test_find (root, "check-out")));
  care_test_window_destroy (window);
}

/* A record the co-op refused shows on its visit with the co-op's words,
 * and the carer puts it right there: the correction is a new record that
 * names the refused one, which stops counting; records held behind it say
 * they wait, and cannot be changed on their own. */
static void
test_refused_put_right (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(CareVisitDetail) detail = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) started = NULL;
  const char *refused = NULL, *held_note = NULL;
  const CareEvent *correction = NULL;
  g_autofree char *visit = NULL;
  CareWindow *window = care_test_window_new (path, 360, 900);
  GtkWidget *root = GTK_WIDGET (window);

  care_test_activate_row (root, "visits-list", 1);
  care_test_activate (root, "check-in");
  visit = g_strdup (care_visit_page_get_visit (CARE_VISIT_PAGE (gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE))));
  care_test_set_text (root, "note-text", "Cheerful, ate well.");
  select_category (root, "wellbeing");
  care_test_activate (root, "add-note");
  care_test_window_destroy (window);

  /* What the sync daemon writes when the co-op answers. */
  store = reopen (path);
  sent = care_store_list_outbox (store, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sent->len; i++)
    {
      CareEvent *e = sent->pdata[i];

      if (e->type == CARE_EVENT_VISIT_STARTED)
        refused = e->id;
      else if (e->type == CARE_EVENT_NOTE_ADDED)
        held_note = e->id;
    }
  g_assert_true (care_store_quarantine (store, refused, "time", "The check-in time is more than two days after the "
                                        "co-op's clock: set the tablet's date and time.", &error));
  g_assert_true (care_store_quarantine (store, held_note, "held", "Held.", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  window = care_test_window_new (path, 360, 900);
  root = GTK_WIDGET (window);
  care_test_activate_row (root, "visits-list", 1);
  g_assert_true (label_contains (root, "refusal", "more than two days after"));
  g_assert_true (label_contains (root, "refusal", "Refused by the co-op"));
  g_assert_true (label_contains (root, "refusal-held", "Waiting"));
  g_assert_false (care_test_is_visible (care_find_named (care_test_find (root, "refusal-held"), "refusal-correct")));
  /* A time that is no time is refused by the card, with a reason. */
  care_test_set_text (root, "refusal-time", "9h");
  care_test_activate (root, "refusal-correct");
  g_assert_true (care_test_is_visible (care_test_find (root, "refusal-error")));
  /* What the carer typed lives in the card's item: records arriving from
   * sync reload the visit, and the card, its time and its error stay. */
  {
    GtkWidget *card = care_test_find (root, "refusal");

    care_visit_page_reload (CARE_VISIT_PAGE (gtk_widget_get_ancestor (card, CARE_TYPE_VISIT_PAGE)));
    care_test_settle (root);
    g_assert_true (care_test_find (root, "refusal") == card);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (care_test_find (root, "refusal-time"))), ==, "9h");
    g_assert_true (care_test_is_visible (care_test_find (root, "refusal-error")));
  }
  care_test_set_text (root, "refusal-time", "09:05");
  care_test_activate (root, "refusal-correct");
  g_assert_null (care_find_named (root, "refusal"));          /* put right: no longer asks */
  g_assert_nonnull (care_find_named (root, "refusal-held"));  /* still waits for the co-op */
  care_test_window_destroy (window);

  store = reopen (path);
  g_assert_cmpint (care_store_get_event_sync (store, refused, NULL, NULL), ==, CARE_SYNC_SET_ASIDE);
  after = care_store_list_outbox (store, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < after->len; i++)
    if (g_strcmp0 (care_event_corrects (after->pdata[i]), refused) == 0)
      correction = after->pdata[i];
  g_assert_nonnull (correction);
  g_assert_cmpint (correction->type, ==, CARE_EVENT_VISIT_STARTED);
  detail = care_store_get_visit (store, visit, &error);
  g_assert_no_error (error);
  tz = care_store_get_timezone (store);
  started = g_date_time_to_timezone (g_date_time_new_from_unix_utc (detail->summary.started_at / 1000), tz);
  g_assert_cmpint (g_date_time_get_hour (started), ==, 9);
  g_assert_cmpint (g_date_time_get_minute (started), ==, 5);
}

/* The client's standing choice of who reads notes of each kind: the note
 * starts with it, the carer sees it, and a wider choice is refused with a
 * reason before anything is written. */
static void
test_readership (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = reopen (path);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(JsonNode) body = json_from_string ("{\"client\":\"c-1\",\"readers\":{\"medication\":\"family\","
                                               "\"personal-care\":\"team\"}}", NULL);
  g_autoptr(GPtrArray) types = NULL;
  g_autofree char *joined = NULL;
  CareEvent *choice = care_event_new ();
  CareWindow *window;
  GtkWidget *root;

  choice->id = g_strdup ("01a24700-0000-7000-8000-000000000001");
  choice->device = g_strdup ("coop");
  choice->seq = 900;
  choice->author = g_strdup ("m-sup");
  choice->wall = g_get_real_time () / 1000;
  choice->hlc = choice->wall << 16;
  choice->type = CARE_EVENT_CLIENT_READERSHIP;
  choice->body = json_node_dup_object (body);
  g_ptr_array_add (page, choice);
  g_assert_true (care_store_apply_page (store, page, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (care_store_get_client_readers (store, "c-1", "medication"), ==, CARE_READERS_FAMILY);
  g_assert_cmpint (care_store_get_client_readers (store, "c-1", "wellbeing"), ==, CARE_READERS_INVALID);
  g_clear_object (&store);

  window = care_test_window_new (path, 360, 900);
  root = GTK_WIDGET (window);
  care_test_activate_row (root, "visits-list", 1);      /* Dorothy Evans, c-1 */
  care_test_activate (root, "check-in");
  select_category (root, "medication");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (care_test_find (root, "note-readers"))), ==,
                    CARE_READERS_FAMILY);
  g_assert_true (label_contains (root, "note-readers-hint", "Shared with the family"));
  select_category (root, "personal-care");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (care_test_find (root, "note-readers"))), ==,
                    CARE_READERS_TEAM);
  select_category (root, "wellbeing");
  g_assert_false (care_test_is_visible (care_test_find (root, "note-readers-hint")));
  /* Wider than the client chose: refused, with the reason, nothing written. */
  select_category (root, "personal-care");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (care_test_find (root, "note-readers")), CARE_READERS_FAMILY);
  care_test_set_text (root, "note-text", "Helped with a shower.");
  care_test_activate (root, "add-note");
  g_assert_true (label_contains (root, "note-error", "not shared with the family"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (care_test_find (root, "note-readers")), CARE_READERS_TEAM);
  care_test_activate (root, "add-note");
  g_assert_true (label_contains (note_card (root, 0), "note-card-text", "Helped with a shower."));
  care_test_window_destroy (window);
  types = outbox_types (path);
  joined = join_types (types);
  g_assert_cmpstr (joined, ==, "visit.started note.added");
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  g_test_add_func ("/ui/visit/whole", test_whole_visit);
  g_test_add_func ("/ui/visit/essential-refused", test_essential_refused);
  g_test_add_func ("/ui/visit/amendment", test_amendment);
  g_test_add_func ("/ui/visit/safeguarding", test_safeguarding);
  g_test_add_func ("/ui/visit/unscheduled", test_unscheduled);
  g_test_add_func ("/ui/visit/query-reply", test_query_reply);
  g_test_add_func ("/ui/visit/refused-put-right", test_refused_put_right);
  g_test_add_func ("/ui/visit/readership", test_readership);
  g_test_add_func ("/ui/today/days-and-queries", test_days_and_queries);
  g_test_add_func ("/ui/hours/add-entry", test_hours);
  g_test_add_func ("/ui/store/changed", test_store_changed);
  g_test_add_func ("/ui/search/open-hit", test_search);
  g_test_add_func ("/ui/first-run/demo", test_demo);
  g_test_add_func ("/ui/first-run/enrol-without-service", test_enrol_without_service);
  return g_test_run ();
}
