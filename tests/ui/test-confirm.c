/* test-confirm.c: the client's word at the door, through the real widgets:
 * after check-out the confirmation screen opens over the visit; each answer
 * is one visit.verified record in the store on disk, and check-out never
 * waits for it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-confirm-window.h"
#include "care-test-util.h"
#include "care-ui-util.h"
#include "care-visit-page.h"

typedef struct
{
  char *dir;
  char *path;
  CareWindow *window;
  char *visit;
} Door;

/* The confirmation screen now open, or NULL. */
static GtkWidget *
confirm_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (CARE_IS_CONFIRM_WINDOW (w) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

/* Check in to Dorothy Evans's 09:00 visit, answer its tasks, check out. */
static GtkWidget *
check_out (Door *d)
{
  GtkWidget *root;
  GtkWidget *page;

  d->dir = care_test_tmpdir ();
  d->path = care_test_make_store (d->dir, FALSE);
  d->window = care_test_window_new (d->path, 360, 640);
  root = GTK_WIDGET (d->window);
  care_test_activate_row (root, "visits-list", 1);
  care_test_activate (root, "check-in");
  care_test_activate (care_test_row (root, "tasks-list", 0), "task-done");
  care_test_activate (care_test_row (root, "tasks-list", 1), "task-done");
  care_test_activate (care_test_row (root, "tasks-list", 2), "task-done");
  page = gtk_widget_get_ancestor (care_test_find (root, "check-out"), CARE_TYPE_VISIT_PAGE);
  d->visit = g_strdup (care_visit_page_get_visit (CARE_VISIT_PAGE (page)));
  g_assert_null (confirm_window ());
  care_test_activate (root, "check-out");
  care_test_settle (root);
  g_assert_nonnull (confirm_window ());
  return confirm_window ();
}

static CareVisitDetail *
stored (Door *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (d->path, &error);
  CareVisitDetail *detail;

  g_assert_no_error (error);
  detail = care_store_get_visit (store, d->visit, &error);
  g_assert_no_error (error);
  return detail;
}

static void
door_clear (Door *d)
{
  care_test_window_destroy (d->window);
  g_free (d->dir);
  g_free (d->path);
  g_free (d->visit);
}

static gboolean
contains (GtkWidget  *root,
          const char *name,
          const char *needle)
{
  g_autofree char *text = care_test_text_of (care_test_find (root, name));

  return strstr (text, needle) != NULL;
}

/* Whether the family's visit at index says needle. */
static gboolean
row_contains (GtkWidget  *root,
              int         index,
              const char *needle)
{
  g_autofree char *text = care_test_text_of (care_test_row (root, "family-visits", index));

  return strstr (text, needle) != NULL;
}

/* One tap: confirmed by the client. The screen says who came, when, and
 * what was done, in plain words. */
static void
test_yes (void)
{
  Door d = { 0 };
  GtkWidget *confirm = check_out (&d);
  g_autoptr(CareVisitDetail) before = stored (&d);
  g_autoptr(CareVisitDetail) after = NULL;

  /* The check-out is saved before anyone answers. */
  g_assert_cmpint (before->summary.state, ==, CARE_VISIT_DONE);
  g_assert_null (before->verified);
  g_assert_true (contains (confirm, "confirm-visit", before->summary.carer_name));
  g_assert_true (contains (confirm, "confirm-visit", "was with you from"));
  g_assert_true (contains (confirm, "confirm-tasks", "Done today"));
  care_test_activate (confirm, "confirm-yes");
  g_assert_false (care_test_is_visible (care_test_find (confirm, "confirm-error")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (care_test_find (confirm, "confirm-stack"))), ==, "thanks");
  after = stored (&d);
  g_assert_cmpstr (after->verified, ==, "confirmed");
  g_assert_cmpstr (after->verified_by, ==, "client");
  door_clear (&d);
}

/* "Something is not right", said by a family member present: a few words
 * are needed; they are kept as the dispute. */
static void
test_not_right (void)
{
  Door d = { 0 };
  GtkWidget *confirm = check_out (&d);
  g_autoptr(CareVisitDetail) after = NULL;

  care_test_activate (confirm, "confirm-by-family");
  care_test_activate (confirm, "confirm-not-right");
  care_test_activate (confirm, "confirm-send-dispute");
  g_assert_true (care_test_is_visible (care_test_find (confirm, "confirm-error")));
  {
    g_autoptr(CareVisitDetail) none = stored (&d);

    g_assert_null (none->verified);   /* nothing written without words */
  }
  care_test_set_text (confirm, "confirm-dispute-text", "The shower was not done, she says.");
  g_signal_emit_by_name (care_test_find (confirm, "confirm-dispute-text"), "activate");
  care_test_settle (confirm);
  after = stored (&d);
  g_assert_cmpstr (after->verified, ==, "disputed");
  g_assert_cmpstr (after->verified_by, ==, "family");
  g_assert_cmpstr (after->verified_text, ==, "The shower was not done, she says.");
  g_assert_true (after->dispute_open);
  door_clear (&d);
}

/* Nobody could answer: the carer says why. */
static void
test_nobody (void)
{
  Door d = { 0 };
  GtkWidget *confirm = check_out (&d);
  g_autoptr(CareVisitDetail) after = NULL;

  care_test_activate (confirm, "confirm-nobody-asleep");
  after = stored (&d);
  g_assert_cmpstr (after->verified, ==, "not-possible");
  g_assert_cmpstr (after->verified_reason, ==, "asleep");
  g_assert_null (after->verified_by);
  door_clear (&d);
}

/* "Not now" closes it: the visit stays checked out, with no answer. */
static void
test_later (void)
{
  Door d = { 0 };
  GtkWidget *confirm = check_out (&d);
  g_autoptr(CareVisitDetail) after = NULL;

  care_test_activate (confirm, "confirm-later");
  care_test_settle (GTK_WIDGET (d.window));
  g_assert_null (confirm_window ());
  after = stored (&d);
  g_assert_cmpint (after->summary.state, ==, CARE_VISIT_DONE);
  g_assert_null (after->verified);
  door_clear (&d);
}

/* A family member's device: their client's visit, the shared note, and
 * "Confirm or dispute" opening the same screen in the family's mode (no
 * "who is answering", no carer's part); a message to the co-ordinators. */
static void
test_family_view (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_family_store (dir);
  CareWindow *window = care_test_window_new (path, 360, 640);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *confirm;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(CareVisitDetail) detail = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (care_window_get_view (window), ==, "family");
  g_assert_true (contains (root, "family-title", "Dorothy Evans"));
  g_assert_true (row_contains (root, 0, "Aisha Khan"));
  g_assert_true (row_contains (root, 0, "Dorothy enjoyed her soup"));
  g_assert_true (row_contains (root, 0, "Tasks done: 2 of 2"));
  care_test_activate (care_test_row (root, "family-visits", 0), "family-confirm");
  care_test_settle (root);
  confirm = confirm_window ();
  g_assert_nonnull (confirm);
  g_assert_false (care_test_is_visible (care_test_find (confirm, "confirm-by-client")));
  g_assert_false (care_test_is_visible (care_test_find (confirm, "confirm-nobody-asleep")));
  care_test_activate (confirm, "confirm-not-right");
  care_test_set_text (confirm, "confirm-dispute-text", "Mum says lunch was cold.");
  care_test_activate (confirm, "confirm-send-dispute");
  gtk_window_destroy (GTK_WINDOW (confirm));
  care_test_settle (root);
  g_assert_true (row_contains (root, 0, "Disputed by the family: Mum says lunch was cold."));
  care_test_set_text (root, "family-message", "Please call me about next week.");
  care_test_activate (root, "family-send");
  g_assert_true (contains (root, "family-status", "goes to the co-ordinators"));
  care_test_window_destroy (window);

  store = care_store_open (path, &error);
  g_assert_no_error (error);
  detail = care_store_get_visit (store, "v-fam", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (detail->verified, ==, "disputed");
  g_assert_cmpstr (detail->verified_by, ==, "family");
  outbox = care_store_list_outbox (store, 10, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_cmpint (((CareEvent *) outbox->pdata[1])->type, ==, CARE_EVENT_MESSAGE_SENT);
}

static CareEvent *
coop_record (const char *id,
             const char *device,
             gint64      seq,
             const char *author,
             const char *type,
             const char *body)
{
  g_autoptr(JsonNode) node = json_from_string (body, NULL);
  CareEvent *e = care_event_new ();

  e->id = g_strdup (id);
  e->device = g_strdup (device);
  e->seq = seq;
  e->author = g_strdup (author);
  e->wall = g_get_real_time () / 1000 - 600000 + seq;
  e->hlc = e->wall << 16;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (node);
  return e;
}

/* A co-ordinator reads the families' messages on their own page: who
 * wrote, about which client, the words, newest first. */
static void
test_messages (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_supervisor_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) clients = care_store_list_clients (store, NULL, &error);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *first = NULL, *second = NULL, *heading = NULL;
  g_autofree char *client_name = NULL, *row0 = NULL, *row1 = NULL;
  CareWindow *window;
  GtkWidget *root;

  g_assert_no_error (error);
  g_assert_cmpuint (clients->len, >, 0);
  client_name = care_store_get_client_name (store, clients->pdata[0]);
  g_ptr_array_add (page, coop_record ("01a24800-0000-7000-8000-000000000001", "coop", 901, "coop", "member.set",
                                      "{\"member\":\"m-elena\",\"name\":\"Elena Gallo\",\"role\":\"family\","
                                      "\"active\":true}"));
  first = g_strdup_printf ("{\"message\":\"msg-1\",\"client\":\"%s\",\"text\":\"Mum seemed tired on Sunday.\"}",
                           (char *) clients->pdata[0]);
  second = g_strdup_printf ("{\"message\":\"msg-2\",\"client\":\"%s\",\"text\":\"Thank you for the birthday "
                            "card.\"}", (char *) clients->pdata[0]);
  g_ptr_array_add (page, coop_record ("01a24800-0000-7000-8000-000000000002", "d-elena", 1, "m-elena", "message.sent",
                                      first));
  g_ptr_array_add (page, coop_record ("01a24800-0000-7000-8000-000000000003", "d-elena", 2, "m-elena", "message.sent",
                                      second));
  g_assert_true (care_store_apply_page (store, page, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  window = care_test_window_new (path, 800, 900);
  root = GTK_WIDGET (window);
  care_window_set_view (window, "messages");
  care_test_settle (root);
  g_assert_false (care_test_is_visible (care_test_find (root, "messages-empty")));
  heading = g_strdup_printf ("Elena Gallo about %s", client_name);
  row0 = care_test_text_of (care_test_row (root, "messages-list", 0));
  row1 = care_test_text_of (care_test_row (root, "messages-list", 1));
  g_assert_nonnull (strstr (row0, "Thank you for the birthday card."));
  g_assert_nonnull (strstr (row0, heading));
  g_assert_nonnull (strstr (row1, "Mum seemed tired on Sunday."));
  care_test_window_destroy (window);
}

/* The family reads the client's standing choices on their page. */
static void
test_family_readership (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_family_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) clients = care_store_list_clients (store, NULL, &error);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *body = NULL, *text = NULL;
  CareWindow *window;

  g_assert_no_error (error);
  body = g_strdup_printf ("{\"client\":\"%s\",\"readers\":{\"medication\":\"family\",\"personal-care\":\"team\"}}",
                          (char *) clients->pdata[0]);
  g_ptr_array_add (page, coop_record ("01a24900-0000-7000-8000-000000000001", "coop", 950, "coop",
                                      "client.readership", body));
  g_assert_true (care_store_apply_page (store, page, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  window = care_test_window_new (path, 800, 900);
  text = care_test_text_of (care_test_find (GTK_WIDGET (window), "family-readership"));
  g_assert_nonnull (strstr (text, "medication are shared with you"));
  g_assert_nonnull (strstr (text, "personal care are not"));
  care_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  g_test_add_func ("/ui/confirm/yes", test_yes);
  g_test_add_func ("/ui/confirm/not-right", test_not_right);
  g_test_add_func ("/ui/confirm/nobody", test_nobody);
  g_test_add_func ("/ui/confirm/later", test_later);
  g_test_add_func ("/ui/family/view", test_family_view);
  g_test_add_func ("/ui/family/messages", test_messages);
  g_test_add_func ("/ui/family/readership", test_family_readership);
  return g_test_run ();
}
