/* care-window.c: the main window: first run, Today, a visit, hours, search.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is opened in a worker thread (a year of visits is more than a
 * small commit); the window shows a spinner until it is ready, then the
 * first-run screen when the profile has no identity yet, else Today.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-demo.h"
#include "care-erase.h"
#include "care-first-run.h"
#include "care-hours-page.h"
#include "care-search-page.h"
#include "care-sync-indicator.h"
#include "care-today-page.h"
#include "care-ui-util.h"
#include "care-visit-page.h"
#include "care-review-page.h"
#include "care-timesheet-page.h"
#include "care-family-page.h"
#include "care-messages-page.h"
#include "care-window.h"
#include "care-lock-page.h"
#include "care-pin.h"

struct _CareWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header;
  GtkButton *back_button;
  GtkMenuButton *menu_button;
  AdwWindowTitle *window_title;
  CareSyncIndicator *sync_indicator;
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwViewStack *view_stack;
  CareLock *lock;
  AdwViewSwitcherBar *switcher_bar;
  CareFirstRun *first_run;
  CareTodayPage *today_page;
  CareHoursPage *hours_page;
  CareSearchPage *search_page;
  CareVisitPage *visit_page;
  AdwStatusPage *error_page;

  char *profile;
  char *store_path;
  CareStore *store;
  CareReader *reader;
  CareSyncMonitor *sync_monitor;
  GCancellable *cancellable;
  guint tick_id;
  gboolean workspaces_added;
  CareFamilyPage *family_page;   /* a family member's device only */
  CareMessagesPage *messages_page; /* a co-ordinator's only */
  gboolean wide;
  GtkWidget *title_ref;       /* the window title, kept while swapped out */
  GtkWidget *header_switcher; /* the views in the header, on wide windows */
};

G_DEFINE_FINAL_TYPE (CareWindow, care_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_STORE_PATH,
  PROP_SYNC_MONITOR,
  N_PROPS
};

enum {
  SIGNAL_READY,
  SIGNAL_PROFILE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char *path;
  gboolean demo;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_free (job->path);
  g_free (job);
}

static void
open_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  OpenJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (job->path);
  g_autoptr(CareStore) store = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create the folder %s: %s"),
                               dir, g_strerror (saved_errno));
      return;
    }
  store = care_store_open (job->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->demo && !care_demo_populate (store, CARE_ROLE_CARER, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

/* The view shown if it is in one of its sub-pages (a workspace with a
 * "subpage" property: the review list's visit), else NULL. */
static GtkWidget *
view_in_subpage (CareWindow *self)
{
  GtkWidget *view = adw_view_stack_get_visible_child (self->view_stack);
  gboolean subpage = FALSE;

  if (view == NULL || g_object_class_find_property (G_OBJECT_GET_CLASS (view), "subpage") == NULL)
    return NULL;
  g_object_get (view, "subpage", &subpage, NULL);
  return subpage ? view : NULL;
}

static void
update_chrome (CareWindow *self)
{
  const char *screen = gtk_stack_get_visible_child_name (self->stack);
  gboolean home = g_strcmp0 (screen, "home") == 0;
  gboolean visit = g_strcmp0 (screen, "visit") == 0;
  gboolean subpage = visit || (home && view_in_subpage (self) != NULL);

  GtkWidget *title_widget = home && self->wide && !subpage ? self->header_switcher : self->title_ref;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), subpage);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->back_button), visit ? _("Back to today") : _("Back to the list"));
  care_set_accessible_label (GTK_WIDGET (self->back_button), visit ? _("Back to today") : _("Back to the list"));
  /* A sub-page has a back button instead of the main menu (HIG). */
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), !subpage);
  /* Wide windows show the views in the header, narrow ones at the bottom
   * where a thumb reaches them. */
  adw_view_switcher_bar_set_reveal (self->switcher_bar, home && !self->wide && !subpage);
  if (adw_header_bar_get_title_widget (self->header) != title_widget)
    adw_header_bar_set_title_widget (self->header, title_widget);
  if (visit)
    adw_window_title_set_title (self->window_title, care_visit_page_get_title (self->visit_page));
  else if (home)
    {
      AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack,
                                                         adw_view_stack_get_visible_child (self->view_stack));

      adw_window_title_set_title (self->window_title,
                                  page != NULL ? adw_view_stack_page_get_title (page) : _("Carelog"));
    }
  else
    adw_window_title_set_title (self->window_title, _("Carelog"));

  if (self->store != NULL && care_store_get_member (self->store) != NULL)
    {
      g_autofree char *name = care_store_get_member_name (self->store,
                                                          care_store_get_member (self->store));

      adw_window_title_set_subtitle (self->window_title, name != NULL ? name : "");
    }
  else
    adw_window_title_set_subtitle (self->window_title, "");
}

static void
show_screen (CareWindow *self,
             const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  /* A spinner spins on a page that is no longer shown: its animation would
   * lay the window out again at every frame, all day. */
  gtk_spinner_set_spinning (self->spinner, g_strcmp0 (name, "loading") == 0);
  update_chrome (self);
}

static void
add_role_workspaces (CareWindow *self)
{
  CareRole role;

  if (self->workspaces_added || self->store == NULL)
    return;
  role = care_store_get_role (self->store);
  if (role == CARE_ROLE_FAMILY)
    {
      /* Their client's visits, and nothing of a carer's day or hours. */
      self->workspaces_added = TRUE;
      self->family_page = CARE_FAMILY_PAGE (care_family_page_new (self->store));
      care_window_add_workspace (self, GTK_WIDGET (self->family_page), "family", _("Visits"),
                                 "x-office-calendar-symbolic");
      adw_view_stack_set_visible_child_name (self->view_stack, "family");
      adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->today_page)), FALSE);
      adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->hours_page)), FALSE);
      return;
    }
  if (role != CARE_ROLE_SUPERVISOR && role != CARE_ROLE_ADMINISTRATOR)
    return;
  self->workspaces_added = TRUE;
  care_window_add_workspace (self, care_review_page_new (self), "review",
                             _("Review"), "emblem-documents-symbolic");
  adw_view_stack_set_visible_child_name (self->view_stack, "review");
  care_window_add_workspace (self, care_timesheet_page_new (self), "timesheets",
                             _("Timesheets"), "x-office-spreadsheet-symbolic");
  self->messages_page = CARE_MESSAGES_PAGE (care_messages_page_new (self->store));
  care_window_add_workspace (self, GTK_WIDGET (self->messages_page), "messages",
                             _("Messages"), "mail-unread-symbolic");
}

/* What the store holds changed: the window's subtitle (the member's
 * name) follows; every page follows it itself. */
static void
store_changed_cb (CareWindow *self)
{
  update_chrome (self);
}

static void
set_store (CareWindow *self,
           CareStore  *store)
{
  care_follow_store (self, &self->store, store, G_CALLBACK (store_changed_cb));
  g_clear_object (&self->reader);
  self->reader = care_reader_new (care_store_get_path (store));

  care_sync_indicator_set_store (self->sync_indicator, store);
  care_today_page_set_store (self->today_page, store);
  care_hours_page_set_store (self->hours_page, store, self->reader);
  care_search_page_set_reader (self->search_page, self->reader);

  if (care_store_get_device (store) == NULL)
    show_screen (self, "first-run");
  else
    {
      add_role_workspaces (self);
      show_screen (self, "home");
    }
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

static void
show_error (CareWindow *self,
            GError     *error)
{
  g_autofree char *text = NULL;
  gboolean removed = g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_REMOVED);

  adw_status_page_set_title (self->error_page, removed ? _("This tablet was removed from the co-op")
                                                       : _("The care log could not be opened"));
  adw_status_page_set_icon_name (self->error_page, removed ? "security-high-symbolic" : "dialog-error-symbolic");
  if (removed)
    text = g_strdup (error->message);
  else if (g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CORRUPT))
    text = g_strdup_printf (_("%s\n\nThe file was left untouched. Do not delete it: ask your co-op's administrator to recover it. (%s)"),
                            error->message, self->store_path);
  else
    text = g_strdup_printf ("%s\n\n(%s)", error->message, self->store_path);
  adw_status_page_set_description (self->error_page, text);
  show_screen (self, "error");
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

static void
open_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CareWindow *self = CARE_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = g_task_propagate_pointer (G_TASK (result), &error);

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  set_store (self, store);
}

static void
open_store (CareWindow *self,
            gboolean    demo)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, open_ready_cb, NULL);
  OpenJob *job = g_new0 (OpenJob, 1);

  job->path = g_strdup (self->store_path);
  job->demo = demo;
  g_task_set_source_tag (task, open_store);
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  show_screen (self, "loading");
  g_task_run_in_thread (task, open_store_thread);
}

static void
switch_profile (CareWindow *self,
                const char *profile,
                gboolean    demo)
{
  if (profile != NULL && g_strcmp0 (profile, self->profile) != 0)
    {
      g_free (self->profile);
      self->profile = g_strdup (profile);
      g_free (self->store_path);
      self->store_path = care_store_default_path (profile);
      {
        g_autofree char *pin_path = care_pin_path_for_store (self->store_path);

        care_lock_set_pin_path (self->lock, pin_path);
      }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
      g_signal_emit (self, signals[SIGNAL_PROFILE_CHANGED], 0, profile);
    }
  care_follow_store (self, &self->store, NULL, G_CALLBACK (store_changed_cb));
  open_store (self, demo);
}

static void
demo_requested_cb (CareWindow *self)
{
  /* A store given with --store is used as it is; otherwise the demo gets a
   * profile of its own, so that enrolling later starts clean. */
  switch_profile (self, self->profile != NULL ? "demo" : NULL, TRUE);
}

static void
enrolled_cb (CareWindow *self,
             const char *profile)
{
  switch_profile (self, profile != NULL && *profile && self->profile != NULL ? profile : NULL, FALSE);
}

static void
open_visit_cb (CareWindow             *self,
               const CareVisitSummary *summary)
{
  care_visit_page_show_summary (self->visit_page, self->store, summary);
  show_screen (self, "visit");
}

static void
start_visit_cb (CareWindow *self,
                const char *client,
                const char *client_name)
{
  care_visit_page_show_new (self->visit_page, self->store, client, client_name);
  show_screen (self, "visit");
}

static void
search_open_visit_cb (CareWindow *self,
                      const char *visit)
{
  care_window_open_visit (self, visit);
}

static void
view_changed_cb (CareWindow *self)
{
  const char *view = adw_view_stack_get_visible_child_name (self->view_stack);

  if (self->store != NULL && g_strcmp0 (view, "hours") == 0)
    care_hours_page_refresh (self->hours_page);
  if (g_strcmp0 (view, "search") == 0)
    care_search_page_focus (self->search_page);
  update_chrome (self);
}

static void
daemon_store_changed_cb (CareWindow *self)
{
  g_autoptr(GError) removed = NULL;

  /* The co-op revoked this tablet and the daemon erased the care log
   * (docs/privacy.md): nothing about clients stays on screen. */
  if (self->store != NULL && care_erase_is_removed (self->store_path, NULL))
    {
      care_follow_store (self, &self->store, NULL, G_CALLBACK (store_changed_cb));
      g_set_error_literal (&removed, CARE_STORE_ERROR, CARE_STORE_ERROR_REMOVED,
                           _("Its care records were erased from it. To use it again, ask your co-ordinator "
                             "to enrol it."));
      show_error (self, removed);
      return;
    }
  if (self->store != NULL)
    care_store_changed (self->store);
}

static gboolean tick_cb (gpointer user_data);

/* The clock the window shows (late, missed) moves by the minute: one
 * wake-up at the start of each minute, none in between. */
static void
schedule_tick (CareWindow *self)
{
  gint64 now_ms = g_get_real_time () / 1000;

  self->tick_id = g_timeout_add (60000 - now_ms % 60000 + 50, tick_cb, self);
}

static gboolean
tick_cb (gpointer user_data)
{
  CareWindow *self = user_data;

  /* Late and missed follow the clock. */
  if (self->store != NULL)
    care_today_page_refresh (self->today_page);
  schedule_tick (self);
  return G_SOURCE_REMOVE;
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareWindow *self = CARE_WINDOW (widget);
  GtkWidget *view = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "home") == 0
                    ? view_in_subpage (self) : NULL;

  if (view != NULL)
    gtk_widget_activate_action (view, "review.back", NULL);
  else
    care_window_go_home (self);
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareWindow *self = CARE_WINDOW (widget);

  if (self->store == NULL || care_store_get_device (self->store) == NULL)
    return;
  care_window_set_view (self, g_variant_get_string (parameter, NULL));
}

/* Below this width the header keeps the sync indicator to its icon; from
 * the wide width on, the views move from the bottom bar to the header. */
#define COMPACT_WIDTH 500
#define WIDE_WIDTH 1000

static void
width_changed_cb (CareWindow *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  care_sync_indicator_set_compact (self->sync_indicator, width > 0 && width < COMPACT_WIDTH);
  if (self->wide != (width >= WIDE_WIDTH))
    {
      self->wide = width >= WIDE_WIDTH;
      update_chrome (self);
    }
}

static void
care_window_constructed (GObject *object)
{
  CareWindow *self = CARE_WINDOW (object);

  G_OBJECT_CLASS (care_window_parent_class)->constructed (object);

  if (self->store_path == NULL)
    self->store_path = care_store_default_path (self->profile != NULL ? self->profile : "default");
  /* A window made without the application's monitor (the tests) has its own. */
  if (self->sync_monitor == NULL)
    self->sync_monitor = care_sync_monitor_new ();
  care_sync_indicator_set_monitor (self->sync_indicator, self->sync_monitor);
  care_first_run_set_monitor (self->first_run, self->sync_monitor);
  g_signal_connect_object (self->sync_monitor, "store-changed",
                           G_CALLBACK (daemon_store_changed_cb), self, G_CONNECT_SWAPPED);
  {
    /* The app lock: opens locked when the profile has a PIN. */
    g_autofree char *pin_path = care_pin_path_for_store (self->store_path);

    self->lock = care_lock_new (ADW_APPLICATION_WINDOW (self), pin_path);
  }
  open_store (self, FALSE);
}

static void
care_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CareWindow *self = CARE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_STORE_PATH:
      g_value_set_string (value, self->store_path);
      break;
    case PROP_SYNC_MONITOR:
      g_value_set_object (value, self->sync_monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CareWindow *self = CARE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_free (self->profile);
      self->profile = g_value_dup_string (value);
      break;
    case PROP_STORE_PATH:
      g_free (self->store_path);
      self->store_path = g_value_dup_string (value);
      break;
    case PROP_SYNC_MONITOR:
      g_set_object (&self->sync_monitor, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_window_dispose (GObject *object)
{
  CareWindow *self = CARE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->title_ref);
  g_clear_object (&self->header_switcher);
  g_clear_object (&self->lock);
  G_OBJECT_CLASS (care_window_parent_class)->dispose (object);
}

static void
care_window_finalize (GObject *object)
{
  CareWindow *self = CARE_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->sync_monitor);
  g_free (self->profile);
  g_free (self->store_path);
  G_OBJECT_CLASS (care_window_parent_class)->finalize (object);
}

static void
care_window_class_init (CareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_window_constructed;
  object_class->get_property = care_window_get_property;
  object_class->set_property = care_window_set_property;
  object_class->dispose = care_window_dispose;
  object_class->finalize = care_window_finalize;

  properties[PROP_PROFILE] =
    g_param_spec_string ("profile", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STORE_PATH] =
    g_param_spec_string ("store-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The application's connection to the sync daemon. */
  properties[PROP_SYNC_MONITOR] =
    g_param_spec_object ("sync-monitor", NULL, NULL, CARE_TYPE_SYNC_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when the store has been opened (or could not be). */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted when the window moved to another profile (the demo). */
  signals[SIGNAL_PROFILE_CHANGED] =
    g_signal_new ("profile-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CARE_TYPE_FIRST_RUN);
  g_type_ensure (CARE_TYPE_HOURS_PAGE);
  g_type_ensure (CARE_TYPE_SEARCH_PAGE);
  g_type_ensure (CARE_TYPE_SYNC_INDICATOR);
  g_type_ensure (CARE_TYPE_TODAY_PAGE);
  g_type_ensure (CARE_TYPE_VISIT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/coop/carelog/Carelog/care-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CareWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, header);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, first_run);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, today_page);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, hours_page);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, search_page);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, visit_page);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, error_page);
  gtk_widget_class_bind_template_callback (widget_class, demo_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, enrolled_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_visit_cb);
  gtk_widget_class_bind_template_callback (widget_class, start_visit_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_open_visit_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.view", "s", "search");
}

static void
care_window_init (CareWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->title_ref = g_object_ref (GTK_WIDGET (self->window_title));
  self->header_switcher = g_object_ref_sink (adw_view_switcher_new ());
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (self->header_switcher), self->view_stack);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (self->header_switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  schedule_tick (self);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (width_changed_cb), NULL);
  update_chrome (self);
}

CareWindow *
care_window_new (GtkApplication *application,
                 const char     *profile,
                 const char     *store_path)
{
  return g_object_new (CARE_TYPE_WINDOW,
                       "application", application,
                       "profile", profile,
                       "store-path", store_path,
                       NULL);
}

CareSyncMonitor *
care_window_get_sync_monitor (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);

  return self->sync_monitor;
}

CareStore *
care_window_get_store (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);

  return self->store;
}

CareReader *
care_window_get_reader (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);

  return self->reader;
}

CareLock *
care_window_get_lock (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);
  return self->lock;
}

const char *
care_window_get_profile (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);

  return self->profile;
}

gboolean
care_window_is_ready (CareWindow *self)
{
  const char *screen;

  g_return_val_if_fail (CARE_IS_WINDOW (self), FALSE);

  screen = gtk_stack_get_visible_child_name (self->stack);
  return g_strcmp0 (screen, "loading") != 0;
}

const char *
care_window_get_screen (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
care_window_get_view (CareWindow *self)
{
  g_return_val_if_fail (CARE_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
care_window_set_view (CareWindow *self,
                      const char *name)
{
  g_return_if_fail (CARE_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
  show_screen (self, "home");
}

void
care_window_open_visit (CareWindow *self,
                        const char *visit)
{
  g_return_if_fail (CARE_IS_WINDOW (self));
  g_return_if_fail (visit != NULL);

  if (self->store == NULL)
    return;
  care_visit_page_show_visit (self->visit_page, self->store, visit);
  show_screen (self, "visit");
}

void
care_window_go_home (CareWindow *self)
{
  g_return_if_fail (CARE_IS_WINDOW (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "visit") != 0)
    return;
  care_today_page_refresh (self->today_page);
  show_screen (self, "home");
}

void
care_window_add_workspace (CareWindow *self,
                           GtkWidget  *page,
                           const char *name,
                           const char *title,
                           const char *icon_name)
{
  g_return_if_fail (CARE_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));

  adw_view_stack_add_titled_with_icon (self->view_stack, page, name, title, icon_name);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "subpage") != NULL)
    g_signal_connect_object (page, "notify::subpage", G_CALLBACK (update_chrome), self, G_CONNECT_SWAPPED);
}

void
care_window_show_toast (CareWindow *self,
                        const char *message)
{
  g_return_if_fail (CARE_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}
