/* care-test-util.c: helpers for the app's tests.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gstdio.h>

#include "care-application.h"
#include "care-demo.h"
#include "care-test-util.h"
#include "care-ui-util.h"

static char *tmp_root;

static void
dark_changed_cb (AdwStyleManager *style)
{
  static GtkCssProvider *dark_css;

  if (dark_css == NULL)
    {
      dark_css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (dark_css, "/coop/carelog/Carelog/style-dark.css");
    }
  if (adw_style_manager_get_dark (style))
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (dark_css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  else
    gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                   GTK_STYLE_PROVIDER (dark_css));
}

void
care_test_init (int    *argc,
                char ***argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  care_application_init_i18n ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* What AdwApplication does for the app from its resource base path. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/coop/carelog/Carelog/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* And style-dark.css while the style is dark. */
  g_signal_connect (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed_cb), NULL);
  dark_changed_cb (adw_style_manager_get_default ());
  /* Screenshots and assertions see the end state, not a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* g_test_init already makes warnings and criticals fatal. */
}

static void
remove_tmp_root (void)
{
  g_autofree char *cmd = NULL;

  if (tmp_root == NULL || g_test_failed ())
    return;
  cmd = g_strdup_printf ("rm -rf '%s'", tmp_root);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp_root);
}

char *
care_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;

  if (tmp_root == NULL)
    {
      tmp_root = g_dir_make_tmp ("carelog-ui-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmp_root);
    }
  {
    static int n;
    char *dir = g_strdup_printf ("%s/%d", tmp_root, ++n);

    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    return dir;
  }
}

/* Co-op records, as the server would send them. */
typedef struct
{
  GPtrArray *events;
  gint64 seq;
  gint64 now;
} Roster;

static void
roster_add (Roster     *roster,
            const char *type,
            const char *body_format,
            ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  CareEvent *event;
  va_list args;

  va_start (args, body_format);
  body = g_strdup_vprintf (body_format, args);
  va_end (args);
  roster->seq++;
  json = g_strdup_printf ("{\"id\":\"coop-%03" G_GINT64_FORMAT "\",\"device\":\"coop\","
                          "\"seq\":%" G_GINT64_FORMAT ",\"author\":\"m-admin\","
                          "\"hlc\":%" G_GINT64_FORMAT ",\"wall\":%" G_GINT64_FORMAT ","
                          "\"type\":\"%s\",\"body\":%s}",
                          roster->seq, roster->seq, (roster->now << 16) + roster->seq,
                          roster->now, type, body);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  event = care_event_from_json (node, &error);
  g_assert_no_error (error);
  g_ptr_array_add (roster->events, event);
}

static gint64
today_at (int hour,
          int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) at = g_date_time_new_local (g_date_time_get_year (now),
                                                   g_date_time_get_month (now),
                                                   g_date_time_get_day_of_month (now),
                                                   hour, minute, 0);

  return g_date_time_to_unix (at) * 1000;
}

static gint64 fixed_clock_ms;

static gint64
fixed_clock (gpointer user_data)
{
  return fixed_clock_ms;
}

char *
care_test_make_empty_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "carelog.db", NULL);
  g_autoptr(CareStore) store = care_store_open (path, &error);

  g_assert_no_error (error);
  return path;
}

char *
care_test_make_store (const char *dir,
                      gboolean    with_history)
{
  g_autoptr(GError) error = NULL;
  char *path = care_test_make_empty_store (dir);
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  Roster roster = { events, 0, g_get_real_time () / 1000 - 3600 * 1000 };

  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (store, "dev-test", "m-carer", CARE_ROLE_CARER, &error));
  g_assert_no_error (error);

  roster_add (&roster, "member.set", "{\"member\":\"m-carer\",\"name\":\"Aisha Khan\",\"role\":\"carer\",\"active\":true}");
  roster_add (&roster, "member.set", "{\"member\":\"m-sup\",\"name\":\"Marco Rossi\",\"role\":\"supervisor\",\"active\":true}");
  roster_add (&roster, "client.set", "{\"client\":\"c-1\",\"name\":\"Dorothy Evans\",\"address\":\"12 Mill Lane, Hebden Bridge\",\"active\":true}");
  roster_add (&roster, "client.set", "{\"client\":\"c-2\",\"name\":\"Samuel Okafor\",\"address\":\"4 Station Road, Todmorden\",\"active\":true}");
  roster_add (&roster, "client.set", "{\"client\":\"c-3\",\"name\":\"Maria Bianchi\",\"address\":\"Flat 2, 9 Church Street, Mytholmroyd\",\"active\":true}");
  roster_add (&roster, "careplan.set", "{\"client\":\"c-1\",\"tasks\":["
              "{\"task\":\"t-med\",\"label\":\"Prompt morning medication\",\"essential\":true},"
              "{\"task\":\"t-shower\",\"label\":\"Help with shower\",\"essential\":true},"
              "{\"task\":\"t-lunch\",\"label\":\"Prepare lunch\",\"essential\":false},"
              "{\"task\":\"t-chat\",\"label\":\"Talk about the day\",\"essential\":false}]}");
  roster_add (&roster, "careplan.set", "{\"client\":\"c-2\",\"tasks\":["
              "{\"task\":\"t-meds2\",\"label\":\"Give evening medication\",\"essential\":true},"
              "{\"task\":\"t-tidy\",\"label\":\"Tidy the kitchen\",\"essential\":false}]}");
  roster_add (&roster, "careplan.set", "{\"client\":\"c-3\",\"tasks\":["
              "{\"task\":\"t-walk\",\"label\":\"Short walk outside\",\"essential\":false}]}");
  for (int c = 1; c <= 3; c++)
    roster_add (&roster, "assignment.set", "{\"client\":\"c-%d\",\"carer\":\"m-carer\",\"active\":true}", c);
  roster_add (&roster, "schedule.set", "{\"schedule\":\"s-1\",\"client\":\"c-3\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT ",\"minutes\":30,\"service\":\"companionship\"}", today_at (7, 30));
  roster_add (&roster, "schedule.set", "{\"schedule\":\"s-2\",\"client\":\"c-1\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT ",\"minutes\":60,\"service\":\"personal-care\"}", today_at (9, 0));
  roster_add (&roster, "schedule.set", "{\"schedule\":\"s-3\",\"client\":\"c-2\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT ",\"minutes\":45,\"service\":\"medication\"}", today_at (23, 0));
  roster_add (&roster, "schedule.set", "{\"schedule\":\"s-4\",\"client\":\"c-3\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT ",\"minutes\":30,\"service\":\"domestic\",\"cancelled\":true}", today_at (23, 30));
  g_assert_true (care_store_apply_page (store, events, "cursor-1", &error));
  g_assert_no_error (error);

  if (with_history)
    {
      g_autofree char *visit = NULL;
      g_autofree char *note = NULL;
      g_autofree char *value = NULL;

      /* The 07:30 visit, done, with a note and a corrected check-out. */
      care_store_set_clock (store, fixed_clock, NULL);
      fixed_clock_ms = today_at (7, 32);
      visit = care_store_check_in (store, "c-3", "s-1", "companionship", NULL, &error);
      g_assert_no_error (error);
      fixed_clock_ms = today_at (7, 40);
      g_assert_true (care_store_answer_task (store, visit, "t-walk", FALSE, "Raining heavily", &error));
      note = care_store_add_note (store, visit, "wellbeing",
                                  "Maria was cheerful and talked about her grandson's visit.", &error);
      g_assert_no_error (error);
      fixed_clock_ms = today_at (7, 58);
      g_assert_true (care_store_check_out (store, visit, &error));
      fixed_clock_ms = today_at (8, 5);
      value = g_strdup_printf ("%" G_GINT64_FORMAT, today_at (8, 2));
      g_assert_true (care_store_amend_visit (store, visit, "finished_at", value,
                                             "Forgot to check out at the door", &error));
      g_assert_no_error (error);

      g_ptr_array_set_size (events, 0);
      /* After the correction in the log's order, whatever the time now. */
      roster.now = MAX (g_get_real_time () / 1000, today_at (8, 30));
      roster_add (&roster, "review.added",
                  "{\"review\":\"r-1\",\"action\":\"query\",\"visit\":\"%s\",\"message\":\"Please check the end time: the visit looks longer than planned.\"}",
                  visit);
      g_assert_true (care_store_apply_page (store, events, "cursor-2", &error));
      g_assert_no_error (error);
      care_store_set_clock (store, NULL, NULL);
    }
  return path;
}

/* A record of another device (a carer's tablet), as a pull delivers it. */
static void
remote_add (GPtrArray  *events,
            gint64      seq,
            gint64      wall,
            const char *type,
            const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"id\":\"carer-%03" G_GINT64_FORMAT "\",\"device\":\"dev-carer\","
                                           "\"seq\":%" G_GINT64_FORMAT ",\"author\":\"m-carer\","
                                           "\"hlc\":%" G_GINT64_FORMAT ",\"wall\":%" G_GINT64_FORMAT ","
                                           "\"type\":\"%s\",\"body\":%s}",
                                           seq, seq, wall << 16, wall, type, body);
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_ptr_array_add (events, care_event_from_json (node, &error));
  g_assert_no_error (error);
}

char *
care_test_make_family_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  char *path = care_test_make_empty_store (dir);
  g_autoptr(CareStore) store = care_store_open (path, &error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  gint64 start = g_get_real_time () / 1000 - 4 * 3600 * 1000;
  Roster roster = { events, 0, start - 24 * 3600 * 1000 };
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  g_assert_true (care_store_set_identity (store, "dev-family", "m-family", CARE_ROLE_FAMILY, &error));
  roster_add (&roster, "member.set", "{\"member\":\"m-carer\",\"name\":\"Aisha Khan\",\"role\":\"carer\",\"active\":true}");
  roster_add (&roster, "member.set", "{\"member\":\"m-family\",\"name\":\"Elena Evans\",\"role\":\"family\",\"active\":true}");
  roster_add (&roster, "client.set", "{\"client\":\"c-1\",\"name\":\"Dorothy Evans\",\"address\":\"12 Mill Lane, Hebden Bridge\",\"active\":true}");
  roster_add (&roster, "careplan.set", "{\"client\":\"c-1\",\"tasks\":["
              "{\"task\":\"t-med\",\"label\":\"Prompt morning medication\",\"essential\":true},"
              "{\"task\":\"t-lunch\",\"label\":\"Prepare lunch\",\"essential\":false}]}");
  roster_add (&roster, "circle.set", "{\"client\":\"c-1\",\"member\":\"m-family\",\"active\":true}");
  body = g_strdup_printf ("{\"visit\":\"v-fam\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}",
                          start);
  remote_add (events, 1, start, "visit.started", body);
  remote_add (events, 2, start + 60000, "task.answered", "{\"visit\":\"v-fam\",\"task\":\"t-med\",\"done\":true}");
  remote_add (events, 3, start + 120000, "task.answered", "{\"visit\":\"v-fam\",\"task\":\"t-lunch\",\"done\":true}");
  remote_add (events, 4, start + 180000, "note.added",
              "{\"visit\":\"v-fam\",\"note\":\"n-fam\",\"category\":\"wellbeing\",\"readers\":\"family\","
              "\"text\":\"Dorothy enjoyed her soup and talked about the garden.\"}");
  g_free (body);
  body = g_strdup_printf ("{\"visit\":\"v-fam\",\"at\":%" G_GINT64_FORMAT "}", start + 45 * 60000);
  remote_add (events, 5, start + 45 * 60000, "visit.finished", body);
  g_assert_true (care_store_apply_page (store, events, "cursor-1", &error));
  g_assert_no_error (error);
  return path;
}

static void
add_review_body (CareStore  *store,
                 const char *body)
{
  static int n;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *cursor = NULL;
  Roster roster = { events, 900 + 10 * n, MAX (g_get_real_time () / 1000, care_store_now (store)) };

  n++;
  roster_add (&roster, "review.added", "%s", body);
  cursor = g_strdup_printf ("cursor-review-%d", n);
  g_assert_true (care_store_apply_page (store, events, cursor, &error));
  g_assert_no_error (error);
}

void
care_test_add_review (CareStore  *store,
                      const char *action,
                      const char *visit,
                      const char *message)
{
  static int n;
  g_autofree char *body = g_strdup_printf ("{\"review\":\"r-visit-%d\",\"action\":\"%s\",\"visit\":\"%s\","
                                           "\"message\":\"%s\"}", ++n, action, visit, message);

  add_review_body (store, body);
}

void
care_test_add_timesheet_query (CareStore  *store,
                               const char *carer,
                               const char *message)
{
  static int n;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *week = g_date_time_format (now, "%G-W%V");
  g_autofree char *body = g_strdup_printf ("{\"review\":\"r-sheet-%d\",\"action\":\"query\",\"carer\":\"%s\","
                                           "\"week\":\"%s\",\"message\":\"%s\"}", ++n, carer, week, message);

  add_review_body (store, body);
}

typedef struct
{
  GtkWidget *widget;
  int width;
  int height;
} SizeWait;

static gboolean
size_reached (gpointer data)
{
  SizeWait *wait = data;

  return gtk_widget_get_width (wait->widget) == wait->width
         && gtk_widget_get_height (wait->widget) == wait->height;
}

void
care_test_wait (CareTestCondition cond,
                gpointer          data,
                double            timeout_s,
                const char       *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          if (cond == size_reached)
            g_printerr ("size: %d×%d\n", gtk_widget_get_width (((SizeWait *) data)->widget),
                        gtk_widget_get_height (((SizeWait *) data)->widget));
          g_error ("Timed out after %.0f s waiting for %s", timeout_s, what);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

typedef struct
{
  GtkWidget *widget;
  guint frames;
  guint target;
} FrameWait;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  FrameWait *wait = data;

  wait->frames++;
  return wait->frames < wait->target ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
frames_done (gpointer data)
{
  FrameWait *wait = data;

  return wait->frames >= wait->target;
}

void
care_test_settle (GtkWidget *widget)
{
  FrameWait wait = { widget, 0, 3 };

  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_widget_add_tick_callback (widget, tick_cb, &wait, NULL);
  gtk_widget_queue_draw (widget);
  care_test_wait (frames_done, &wait, 20, "frames to be drawn");
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
window_ready (gpointer data)
{
  return care_window_is_ready (data);
}

static gboolean
size_has_settled (gpointer data)
{
  SizeWait *wait = data;

  return gtk_widget_get_width (wait->widget) > 0 && gtk_widget_get_mapped (wait->widget);
}

/* The app's "now" in the tests: today at noon, so that what is late,
 * missed or in the future does not depend on when the tests run. It moves
 * on with the monotonic clock from the first reading and never goes back
 * (a check-out must not come before its check-in: taking the monotonic
 * time modulo a minute made it jump back 59 s at each minute boundary),
 * and stays within the 12:00 minute that the tests' texts expect. */
static gint64
noon_clock (gpointer user_data)
{
  static gint64 first = -1;
  gint64 now = g_get_monotonic_time () / 1000;

  if (first < 0)
    first = now;
  return today_at (12, 0) + MIN (now - first, 59999);
}

CareWindow *
care_test_window_new (const char *store_path,
                      int         width,
                      int         height)
{
  CareWindow *window = care_window_new (NULL, NULL, store_path);
  SizeWait size = { GTK_WIDGET (window), width, height };

  /* Without a compositor, client-side decorations add a frame around the
   * window that a kiosk tablet does not have; leave it out so the window is
   * exactly width×height. */
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  care_test_wait (window_ready, window, 30, "the store to open");
  if (care_window_get_store (window) != NULL)
    {
      care_store_set_clock (care_window_get_store (window), noon_clock, NULL);
      care_store_changed (care_window_get_store (window));
    }
  care_test_wait (size_has_settled, &size, 30, "the window to be allocated");
  /* Decorations may take part of the default size: ask for more so that
   * the window itself gets exactly width×height (a step at a time: a
   * window clamped to its minimum first says less about the decorations). */
  for (int attempt = 0; attempt < 4 && !size_reached (&size); attempt++)
    {
      int default_width = 0, default_height = 0;

      gtk_window_get_default_size (GTK_WINDOW (window), &default_width, &default_height);
      gtk_window_set_default_size (GTK_WINDOW (window),
                                   default_width + width - gtk_widget_get_width (GTK_WIDGET (window)),
                                   default_height + height - gtk_widget_get_height (GTK_WIDGET (window)));
      care_test_settle (GTK_WIDGET (window));
    }
  care_test_wait (size_reached, &size, 30, "the window to take its size");
  care_test_settle (GTK_WIDGET (window));
  return window;
}

void
care_test_window_destroy (CareWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

GtkWidget *
care_test_find (GtkWidget  *root,
                const char *name)
{
  GtkWidget *widget = care_find_named (root, name);

  if (widget == NULL)
    g_error ("No widget named “%s”", name);
  return widget;
}

static void
activate (GtkWidget *widget)
{
  g_assert_true (gtk_widget_is_sensitive (widget));
  /* A button's own activation waits 250 ms to show it pressed: click it
   * directly, as a tap does. */
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    g_assert_true (gtk_widget_activate (widget));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
care_test_activate (GtkWidget  *root,
                    const char *name)
{
  activate (care_test_find (root, name));
}

GtkWidget *
care_test_row (GtkWidget  *root,
               const char *list,
               int         index)
{
  GtkWidget *box = care_test_find (root, list);
  GtkListBoxRow *row;

  g_assert_true (GTK_IS_LIST_BOX (box));
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (box), index);
  if (row == NULL)
    g_error ("The list “%s” has no row %d", list, index);
  return GTK_WIDGET (row);
}

void
care_test_activate_row (GtkWidget  *root,
                        const char *list,
                        int         index)
{
  activate (care_test_row (root, list, index));
}

void
care_test_set_text (GtkWidget  *root,
                    const char *name,
                    const char *text)
{
  GtkWidget *widget = care_test_find (root, name);

  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

char *
care_test_text_of (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  collect_text (widget, text);
  return g_string_free (text, FALSE);
}

gboolean
care_test_is_visible (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (!gtk_widget_get_visible (w))
        return FALSE;
      if (GTK_IS_REVEALER (w) && !gtk_revealer_get_child_revealed (GTK_REVEALER (w))
          && !gtk_revealer_get_reveal_child (GTK_REVEALER (w)))
        return FALSE;
    }
  return gtk_widget_get_mapped (widget);
}

char *
care_test_screenshot (GtkWidget  *window,
                      const char *name)
{
  const char *build_dir = g_getenv ("CARELOG_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build_dir != NULL ? build_dir : ".", "screenshots", NULL);
  char *path = g_strdup_printf ("%s/%s.png", dir, name);
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;

  care_test_settle (window);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

char *
care_test_make_supervisor_store (const char *dir)
{
  char *path = g_build_filename (dir, "carelog.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = care_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (care_demo_populate (store, CARE_ROLE_SUPERVISOR, &error));
  g_assert_no_error (error);
  return path;
}

guint
care_test_assert_icons (GtkWidget *root)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (root));
  guint checked = 0;

  if (GTK_IS_IMAGE (root) && gtk_image_get_storage_type (GTK_IMAGE (root)) == GTK_IMAGE_ICON_NAME)
    {
      const char *icon = gtk_image_get_icon_name (GTK_IMAGE (root));

      if (!gtk_icon_theme_has_icon (theme, icon))
        g_error ("The icon “%s” is not in the icon theme “%s”: a broken image is drawn instead",
                 icon, gtk_icon_theme_get_theme_name (theme));
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += care_test_assert_icons (child);
  return checked;
}
