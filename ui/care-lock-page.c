/* care-lock-page.c: the app lock (the carer's PIN after a time idle).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CareLock watches one window. When a PIN is set for the window's profile
 * (care-pin.c), the window opens locked, and locks again after the idle
 * time (GSettings lock-idle-seconds, 5 minutes by default) or on "Lock now".
 * Locking takes the window's content out and puts the lock page in its
 * place: while locked, no widget about clients is in the window at all
 * (not merely covered), and the header goes with it. Unlocking puts the
 * same content back, so the carer is where she was, with what she typed.
 *
 * Idle costs nothing: input only notes the time; one one-shot timer per
 * idle period looks at it and either locks or sleeps for the rest. Time is
 * counted on CLOCK_BOOTTIME, so a tablet suspended in a bag for an hour is
 * locked at the first touch after it wakes.
 *
 * CareLockPage is both the lock screen and the form that sets or changes
 * the PIN (mode "set"). The slow Argon2id check runs off the main thread.
 */
#include "care-config.h"

#include <string.h>
#include <time.h>
#include <glib/gi18n.h>

#include "care-lock-page.h"
#include "care-pin.h"

typedef enum
{
  MODE_UNLOCK,
  MODE_SET,
} Mode;

struct _CareLockPage
{
  GtkWidget parent_instance;

  AdwStatusPage *status;
  GtkWidget *current_entry;
  GtkWidget *pin_entry;
  GtkWidget *repeat_entry;
  GtkButton *button;
  GtkLabel *message;
  GtkWidget *hint;

  Mode mode;
  char *pin_path;
  guint retry_source;
  GCancellable *cancellable;
  gboolean busy;
};

enum { PAGE_SIGNAL_DONE, N_PAGE_SIGNALS };
static guint page_signals[N_PAGE_SIGNALS];

G_DEFINE_FINAL_TYPE (CareLockPage, care_lock_page, GTK_TYPE_WIDGET)

static void
page_show_message (CareLockPage *self,
                   const char   *text)
{
  gtk_label_set_text (self->message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

static void
page_set_sensitive (CareLockPage *self,
                    gboolean      sensitive)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* A focused entry made insensitive keeps blinking without focus (GTK
   * warns): focus leaves first. */
  if (!sensitive && root != NULL)
    gtk_root_set_focus (root, NULL);
  gtk_widget_set_sensitive (self->current_entry, sensitive);
  gtk_widget_set_sensitive (self->pin_entry, sensitive);
  gtk_widget_set_sensitive (self->repeat_entry, sensitive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lock-page.submit", sensitive);
}

static gboolean
retry_ready_cb (gpointer data)
{
  CareLockPage *self = data;

  self->retry_source = 0;
  page_set_sensitive (self, TRUE);
  page_show_message (self, _("You can try your PIN again."));
  gtk_widget_grab_focus (self->mode == MODE_SET && gtk_widget_get_visible (self->current_entry)
                         ? self->current_entry : self->pin_entry);
  return G_SOURCE_REMOVE;
}

/* Wrong PINs back off: the form stays shut until RETRY_AT (real time). One
 * timer, not a countdown: an idle tablet is not woken every second. */
static void
page_wait_until (CareLockPage *self,
                 gint64        retry_at)
{
  gint64 wait_us = retry_at - g_get_real_time ();
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (wait_us <= 0)
    return;
  when = g_date_time_new_from_unix_local (retry_at / G_USEC_PER_SEC + 1);
  clock = g_date_time_format (when, "%H:%M:%S");
  /* Translators: %s is a time of day, such as 14:05:30. */
  text = g_strdup_printf (_("Too many wrong PINs. You can try again at %s."), clock);
  page_show_message (self, text);
  page_set_sensitive (self, FALSE);
  self->retry_source = g_timeout_add ((guint) MIN (wait_us / 1000 + 1, G_MAXUINT), retry_ready_cb, self);
}

typedef struct
{
  Mode mode;
  char *pin_path;
  char *current;
  char *pin;
  gint64 retry_at;
} Attempt;

static void
attempt_free (gpointer data)
{
  Attempt *attempt = data;

  g_free (attempt->pin_path);
  if (attempt->current != NULL)
    memset (attempt->current, 0, strlen (attempt->current));
  if (attempt->pin != NULL)
    memset (attempt->pin, 0, strlen (attempt->pin));
  g_free (attempt->current);
  g_free (attempt->pin);
  g_free (attempt);
}

static void
attempt_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Attempt *attempt = data;
  GError *error = NULL;
  gboolean ok;

  if (attempt->mode == MODE_SET)
    ok = care_pin_set (attempt->pin_path, attempt->current, attempt->pin, &error);
  else
    ok = care_pin_check (attempt->pin_path, attempt->pin, g_get_real_time (),
                         &attempt->retry_at, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
attempt_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  CareLockPage *self = CARE_LOCK_PAGE (source);
  Attempt *attempt = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      page_show_message (self, NULL);
      page_set_sensitive (self, TRUE);
      g_signal_emit (self, page_signals[PAGE_SIGNAL_DONE], 0);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  page_set_sensitive (self, TRUE);
  if (attempt->retry_at > g_get_real_time ())
    {
      page_wait_until (self, attempt->retry_at);
      return;
    }
  if (g_error_matches (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WAIT))
    page_wait_until (self, care_pin_retry_at (self->pin_path));
  else
    page_show_message (self, error->message);
  gtk_widget_grab_focus (self->mode == MODE_SET && gtk_widget_get_visible (self->current_entry)
                         ? self->current_entry : self->pin_entry);
}

static char *
take_text (GtkWidget *entry)
{
  char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  return text;
}

static void
submit (CareLockPage *self)
{
  g_autoptr(GTask) task = NULL;
  Attempt *attempt;

  if (self->busy || self->pin_path == NULL)
    return;
  if (self->mode == MODE_SET
      && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)),
                    gtk_editable_get_text (GTK_EDITABLE (self->repeat_entry))) != 0)
    {
      page_show_message (self, _("The two PINs are not the same. Type the new PIN twice."));
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_entry), "");
      gtk_widget_grab_focus (self->repeat_entry);
      return;
    }
  if (self->mode == MODE_SET
      && !care_pin_is_valid (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry))))
    {
      g_autofree char *text = g_strdup_printf (_("A PIN is %d to %d digits."),
                                               CARE_PIN_MIN_DIGITS, CARE_PIN_MAX_DIGITS);

      page_show_message (self, text);
      gtk_widget_grab_focus (self->pin_entry);
      return;
    }

  attempt = g_new0 (Attempt, 1);
  attempt->mode = self->mode;
  attempt->pin_path = g_strdup (self->pin_path);
  attempt->current = take_text (self->current_entry);
  attempt->pin = take_text (self->pin_entry);
  g_free (take_text (self->repeat_entry));

  self->busy = TRUE;
  page_set_sensitive (self, FALSE);
  page_show_message (self, _("Checking…"));
  task = g_task_new (self, self->cancellable, attempt_done_cb, NULL);
  g_task_set_task_data (task, attempt, attempt_free);
  g_task_run_in_thread (task, attempt_thread);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  submit (CARE_LOCK_PAGE (widget));
}

static void
care_lock_page_dispose (GObject *object)
{
  CareLockPage *self = CARE_LOCK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_LOCK_PAGE);
  G_OBJECT_CLASS (care_lock_page_parent_class)->dispose (object);
}

static void
care_lock_page_finalize (GObject *object)
{
  CareLockPage *self = CARE_LOCK_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->pin_path);
  G_OBJECT_CLASS (care_lock_page_parent_class)->finalize (object);
}

static gboolean
care_lock_page_grab_focus (GtkWidget *widget)
{
  CareLockPage *self = CARE_LOCK_PAGE (widget);

  if (gtk_widget_get_visible (self->current_entry))
    return gtk_widget_grab_focus (self->current_entry);
  return gtk_widget_grab_focus (self->pin_entry);
}

static void
care_lock_page_class_init (CareLockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_lock_page_dispose;
  object_class->finalize = care_lock_page_finalize;
  widget_class->grab_focus = care_lock_page_grab_focus;

  /* Emitted when the right PIN was given, or the new PIN saved. */
  page_signals[PAGE_SIGNAL_DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, status);
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, current_entry);
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, repeat_entry);
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, button);
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, message);
  gtk_widget_class_bind_template_child (widget_class, CareLockPage, hint);
  gtk_widget_class_install_action (widget_class, "lock-page.submit", NULL, submit_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "carelock");
}

static void
care_lock_page_init (CareLockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->current_entry, "activate", G_CALLBACK (gtk_widget_grab_focus), self->pin_entry);
  g_signal_connect_swapped (self->pin_entry, "activate", G_CALLBACK (submit), self);
  g_signal_connect_swapped (self->repeat_entry, "activate", G_CALLBACK (submit), self);
}

static CareLockPage *
care_lock_page_new (Mode        mode,
                    const char *pin_path)
{
  CareLockPage *self = g_object_new (CARE_TYPE_LOCK_PAGE, NULL);
  gboolean has_pin = care_pin_is_set (pin_path);

  self->mode = mode;
  self->pin_path = g_strdup (pin_path);
  gtk_widget_set_visible (self->current_entry, mode == MODE_SET && has_pin);
  gtk_widget_set_visible (self->repeat_entry, mode == MODE_SET);
  gtk_widget_set_visible (self->hint, mode == MODE_UNLOCK);
  if (mode == MODE_SET)
    {
      adw_status_page_set_icon_name (self->status, "dialog-password-symbolic");
      adw_status_page_set_title (self->status, has_pin ? _("Change Your PIN") : _("Set a PIN"));
      adw_status_page_set_description (self->status,
        _("Carelog locks itself when the tablet is left alone, and opens again with this PIN (4 to 12 digits). Leave the new PIN empty to remove it."));
      gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
      g_object_set (self->pin_entry, "placeholder-text", _("New PIN"), NULL);
      gtk_button_set_label (self->button, _("Save PIN"));
    }
  /* Wrong PINs before a restart still count. */
  if (care_pin_retry_at (pin_path) > g_get_real_time ())
    page_wait_until (self, care_pin_retry_at (pin_path));
  return self;
}

/* ---- CareLock: watches a window ---- */

struct _CareLock
{
  GObject parent_instance;

  AdwApplicationWindow *window;   /* weak */
  char *pin_path;
  guint idle_seconds;
  gboolean locked;
  GtkWidget *saved_content;
  CareLockPage *page;
  GtkEventController *input;
  GSimpleActionGroup *actions;
  GSettings *settings;
  gint64 last_input;
  guint idle_source;
};

enum { PROP_0, PROP_IDLE_SECONDS, PROP_LOCKED, N_PROPS };
static GParamSpec *lock_props[N_PROPS];

G_DEFINE_FINAL_TYPE (CareLock, care_lock, G_TYPE_OBJECT)

static gint64
boot_time_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_BOOTTIME, &ts) != 0)
    return g_get_monotonic_time ();
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void arm_idle (CareLock *self, guint seconds);

static gboolean
is_idle_too_long (CareLock *self)
{
  return self->idle_seconds > 0
         && boot_time_us () - self->last_input >= (gint64) self->idle_seconds * G_USEC_PER_SEC;
}

static gboolean
idle_cb (gpointer data)
{
  CareLock *self = data;
  gint64 left_us;

  self->idle_source = 0;
  if (self->locked || self->idle_seconds == 0 || self->pin_path == NULL || !care_pin_is_set (self->pin_path))
    return G_SOURCE_REMOVE;
  if (is_idle_too_long (self))
    {
      care_lock_lock (self);
      return G_SOURCE_REMOVE;
    }
  left_us = (gint64) self->idle_seconds * G_USEC_PER_SEC - (boot_time_us () - self->last_input);
  arm_idle (self, (guint) MAX (1, (left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
  return G_SOURCE_REMOVE;
}

static void
arm_idle (CareLock *self,
          guint     seconds)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->locked || self->idle_seconds == 0 || self->window == NULL)
    return;
  self->idle_source = g_timeout_add_seconds (seconds, idle_cb, self);
}

/* Every event passes here first (capture phase): it only notes the time,
 * unless the tablet slept past the idle time, when it locks instead. */
static gboolean
input_cb (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          gpointer                  data)
{
  CareLock *self = data;

  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_SCROLL:
    case GDK_MOTION_NOTIFY:
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }
  if (!self->locked && self->idle_source != 0 && is_idle_too_long (self))
    {
      care_lock_lock (self);
      return GDK_EVENT_STOP;
    }
  self->last_input = boot_time_us ();
  return GDK_EVENT_PROPAGATE;
}

static void
update_actions (CareLock *self)
{
  gboolean has_pin = self->pin_path != NULL && care_pin_is_set (self->pin_path);
  GAction *now = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "now");
  GAction *set_pin = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "set-pin");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (now), has_pin && !self->locked);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (set_pin), !self->locked);
}

static void
page_done_cb (CareLock *self)
{
  if (!self->locked || self->window == NULL)
    return;
  self->locked = FALSE;
  gtk_window_set_focus (GTK_WINDOW (self->window), NULL);
  adw_application_window_set_content (self->window, self->saved_content);
  g_clear_object (&self->saved_content);
  self->page = NULL;
  self->last_input = boot_time_us ();
  arm_idle (self, self->idle_seconds);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), lock_props[PROP_LOCKED]);
}

void
care_lock_lock (CareLock *self)
{
  g_return_if_fail (CARE_IS_LOCK (self));

  if (self->locked || self->window == NULL || self->pin_path == NULL
      || !care_pin_is_set (self->pin_path))
    return;
  self->locked = TRUE;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  /* Dialogs of this window (a query, an amendment) go with its content. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i - 1);

        if (gtk_window_get_transient_for (toplevel) == GTK_WINDOW (self->window))
          gtk_window_destroy (toplevel);
      }
  }
  /* Focus leaves the content before it leaves the window. */
  gtk_window_set_focus (GTK_WINDOW (self->window), NULL);
  self->saved_content = g_object_ref (adw_application_window_get_content (self->window));
  self->page = care_lock_page_new (MODE_UNLOCK, self->pin_path);
  g_signal_connect_object (self->page, "done", G_CALLBACK (page_done_cb), self, G_CONNECT_SWAPPED);
  adw_application_window_set_content (self->window, GTK_WIDGET (self->page));
  gtk_widget_grab_focus (GTK_WIDGET (self->page));
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), lock_props[PROP_LOCKED]);
}

gboolean
care_lock_get_locked (CareLock *self)
{
  g_return_val_if_fail (CARE_IS_LOCK (self), FALSE);
  return self->locked;
}

void
care_lock_set_idle_seconds (CareLock *self,
                            guint     seconds)
{
  g_return_if_fail (CARE_IS_LOCK (self));

  if (self->idle_seconds == seconds)
    return;
  self->idle_seconds = seconds;
  self->last_input = boot_time_us ();
  if (self->pin_path != NULL && care_pin_is_set (self->pin_path))
    arm_idle (self, seconds);
  else
    g_clear_handle_id (&self->idle_source, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), lock_props[PROP_IDLE_SECONDS]);
}

void
care_lock_set_pin_path (CareLock   *self,
                        const char *pin_path)
{
  g_return_if_fail (CARE_IS_LOCK (self));

  if (g_strcmp0 (pin_path, self->pin_path) == 0)
    return;
  g_free (self->pin_path);
  self->pin_path = g_strdup (pin_path);
  /* Another profile: its own PIN, asked at once. */
  if (self->locked && self->page != NULL)
    {
      g_free (self->page->pin_path);
      self->page->pin_path = g_strdup (pin_path);
    }
  if (pin_path != NULL && care_pin_is_set (pin_path))
    {
      care_lock_lock (self);
    }
  else if (!self->locked)
    g_clear_handle_id (&self->idle_source, g_source_remove);
  update_actions (self);
}

const char *
care_lock_get_pin_path (CareLock *self)
{
  g_return_val_if_fail (CARE_IS_LOCK (self), NULL);
  return self->pin_path;
}

static void
set_pin_done_cb (CareLockPage *page,
                 CareLock     *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  self->last_input = boot_time_us ();
  if (care_pin_is_set (self->pin_path))
    arm_idle (self, self->idle_seconds);
  else
    g_clear_handle_id (&self->idle_source, g_source_remove);
  update_actions (self);
  if (GTK_IS_WINDOW (root))
    gtk_window_destroy (GTK_WINDOW (root));
}

/* The form that sets, changes or removes the PIN, as a dialog over the
 * window. Returns the dialog (owned by GTK). */
GtkWindow *
care_lock_show_set_pin (CareLock *self)
{
  GtkWidget *dialog;
  GtkWidget *box;
  CareLockPage *page;

  g_return_val_if_fail (CARE_IS_LOCK (self), NULL);
  g_return_val_if_fail (self->window != NULL && !self->locked, NULL);

  page = care_lock_page_new (MODE_SET, self->pin_path);
  /* Disconnected if the lock goes first (its window is being destroyed,
   * and the dialog with it). */
  g_signal_connect_object (page, "done", G_CALLBACK (set_pin_done_cb), self, 0);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (page));
  dialog = adw_window_new ();
  gtk_widget_set_name (dialog, "set-pin-dialog");
  gtk_window_set_title (GTK_WINDOW (dialog), _("PIN"));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self->window));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 420, 560);
  adw_window_set_content (ADW_WINDOW (dialog), box);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (page));
  return GTK_WINDOW (dialog);
}

static void
lock_now_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       data)
{
  care_lock_lock (data);
}

static void
set_pin_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  CareLock *self = data;

  if (self->window != NULL && !self->locked)
    gtk_window_present (care_lock_show_set_pin (self));
}

static void
care_lock_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CareLock *self = CARE_LOCK (object);

  switch (prop_id)
    {
    case PROP_IDLE_SECONDS:
      g_value_set_uint (value, self->idle_seconds);
      break;
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_lock_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CareLock *self = CARE_LOCK (object);

  switch (prop_id)
    {
    case PROP_IDLE_SECONDS:
      care_lock_set_idle_seconds (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_lock_dispose (GObject *object)
{
  CareLock *self = CARE_LOCK (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_object (&self->settings);
  if (self->window != NULL)
    {
      gtk_widget_remove_controller (GTK_WIDGET (self->window), self->input);
      gtk_widget_insert_action_group (GTK_WIDGET (self->window), "lock", NULL);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_clear_object (&self->saved_content);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (care_lock_parent_class)->dispose (object);
}

static void
care_lock_finalize (GObject *object)
{
  g_free (CARE_LOCK (object)->pin_path);
  G_OBJECT_CLASS (care_lock_parent_class)->finalize (object);
}

static void
care_lock_class_init (CareLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = care_lock_get_property;
  object_class->set_property = care_lock_set_property;
  object_class->dispose = care_lock_dispose;
  object_class->finalize = care_lock_finalize;

  lock_props[PROP_IDLE_SECONDS] =
    g_param_spec_uint ("idle-seconds", NULL, NULL, 0, 24 * 3600, CARE_LOCK_DEFAULT_IDLE_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lock_props[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, lock_props);
}

static void
care_lock_init (CareLock *self)
{
  static const GActionEntry entries[] = {
    { .name = "now", .activate = lock_now_cb },
    { .name = "set-pin", .activate = set_pin_cb },
  };

  self->idle_seconds = CARE_LOCK_DEFAULT_IDLE_SECONDS;
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
}

CareLock *
care_lock_new (AdwApplicationWindow *window,
               const char           *pin_path)
{
  CareLock *self = g_object_new (CARE_TYPE_LOCK, NULL);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  g_return_val_if_fail (ADW_IS_APPLICATION_WINDOW (window), NULL);

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->input = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (self->input, GTK_PHASE_CAPTURE);
  g_signal_connect (self->input, "event", G_CALLBACK (input_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (window), self->input);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "lock", G_ACTION_GROUP (self->actions));
  self->last_input = boot_time_us ();

  /* The idle time is the co-op's or the carer's setting where the schema is
   * installed; a window without it (the tests) keeps the default. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "lock-idle-seconds"))
    {
      self->settings = g_settings_new (APPLICATION_ID);
      g_settings_bind (self->settings, "lock-idle-seconds", self, "idle-seconds", G_SETTINGS_BIND_GET);
    }
  care_lock_set_pin_path (self, pin_path);
  if (!self->locked && pin_path != NULL && care_pin_is_set (pin_path))
    arm_idle (self, self->idle_seconds);
  update_actions (self);
  return self;
}
