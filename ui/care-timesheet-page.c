/* care-timesheet-page.c: timesheets per carer per ISO week, and payroll
 * exports, for co-ordinators.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A week's timesheets are read on the reader's worker thread; approving a
 * week is one review record (one small commit) on the main thread; exports
 * are written on the worker thread.
 */
#include "care-config.h"

#include <errno.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>
#include <glib/gi18n.h>

#include "care-export.h"
#include "care-ui-util.h"
#include "care-timesheet.h"
#include "care-timesheet-page.h"
#include "care-timesheet-row.h"
#include "care-window.h"

typedef struct
{
  int iso_year;
  int iso_week;
  GPtrArray *weeks;   /* CareWeekHours */
  GPtrArray *names;   /* char *, parallel */
} WeekData;

typedef struct
{
  CareTimesheetExport kind;
  GFile *file;
  GDate from;
  GDate to;
} ExportData;

struct _CareTimesheetPage
{
  AdwBin parent_instance;

  CareWindow *window;   /* weak */
  CareStore *store;
  CareReader *reader;
  GCancellable *cancellable;   /* the week being read */
  GCancellable *lifetime;      /* cancelled when the page goes away */
  int iso_year;
  int iso_week;
  gboolean loading;
  gboolean mapped_once;

  GtkWidget *week_label;
  GtkWidget *status;
  GtkWidget *list;
  GtkWidget *period_dropdown;
  GListStore *weeks;           /* CareTimesheetItem: the week's timesheets */
};

G_DEFINE_FINAL_TYPE (CareTimesheetPage, care_timesheet_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers ---------------------------------------------------------------- */

static void
toast (CareTimesheetPage *self,
       const char        *message)
{
  /* The overlay is the bin's child, not a template child: the template's
   * disposal would unparent it before AdwBin's own. */
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))),
                               adw_toast_new (message));
}

static void
week_data_free (WeekData *data)
{
  g_clear_pointer (&data->weeks, g_ptr_array_unref);
  g_clear_pointer (&data->names, g_ptr_array_unref);
  g_free (data);
}

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static void
set_loading (CareTimesheetPage *self,
             gboolean           loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static char *
week_id (int iso_year,
         int iso_week)
{
  return g_strdup_printf ("%04d-W%02d", iso_year, iso_week);
}

/* The export period: the shown week, or the month of its Thursday. */
static void
export_period (CareTimesheetPage *self,
               GDate             *from,
               GDate             *to)
{
  GDate thursday;

  care_timesheet_week_monday (self->iso_year, self->iso_week, from);
  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->period_dropdown)) == 0)
    {
      *to = *from;
      g_date_add_days (to, 6);
      return;
    }
  thursday = *from;
  g_date_add_days (&thursday, 3);
  g_date_clear (from, 1);
  g_date_set_dmy (from, 1, g_date_get_month (&thursday), g_date_get_year (&thursday));
  g_date_clear (to, 1);
  g_date_set_dmy (to,
                  g_date_get_days_in_month (g_date_get_month (&thursday),
                                            g_date_get_year (&thursday)),
                  g_date_get_month (&thursday), g_date_get_year (&thursday));
}

/* Worker thread ---------------------------------------------------------- */

static gpointer
read_week (CareStore *store,
           gpointer   data,
           GError   **error)
{
  WeekData *w = data;
  WeekData *result = g_new0 (WeekData, 1);

  result->iso_year = w->iso_year;
  result->iso_week = w->iso_week;
  result->weeks = care_timesheet_read_week (store, w->iso_year, w->iso_week, error);
  if (result->weeks == NULL)
    {
      week_data_free (result);
      return NULL;
    }
  result->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < result->weeks->len; i++)
    {
      const CareWeekHours *week = g_ptr_array_index (result->weeks, i);
      char *name = care_store_get_member_name (store, week->carer);

      g_ptr_array_add (result->names, name != NULL ? name : g_strdup (week->carer));
    }
  return result;
}

static gpointer
write_export (CareStore *store,
              gpointer   data,
              GError   **error)
{
  ExportData *e = data;
  g_autoptr(GFileOutputStream) out = NULL;
  gboolean ok;

  out = g_file_replace (e->file, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        NULL, error);
  if (out == NULL)
    return NULL;
  if (e->kind == CARE_TIMESHEET_EXPORT_HOURS)
    {
      ok = care_export_hours_csv (store, NULL, &e->from, &e->to, TRUE, G_OUTPUT_STREAM (out), error);
    }
  else
    {
      g_autoptr(GTimeZone) tz = care_store_get_timezone (store);
      CareVisitFilter filter = { 0 };

      care_timesheet_day_range (tz, &e->from, &e->to, &filter.from, &filter.to);
      filter.review = -1;
      ok = care_export_visits_csv (store, &filter, G_OUTPUT_STREAM (out), error);
    }
  /* On disk before the page says it is saved. */
  if (ok)
    ok = g_output_stream_flush (G_OUTPUT_STREAM (out), NULL, error);
  if (ok && G_IS_FILE_DESCRIPTOR_BASED (out)
      && fsync (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (out))) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The export could not be written to the disk: %s"), g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    {
      /* Closing with a cancelled cancellable leaves any earlier file as it
       * was instead of replacing it with half an export. */
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
      return NULL;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

/* Rows ------------------------------------------------------------------- */

/* Callbacks -------------------------------------------------------------- */

static void
week_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CareTimesheetPage) self = user_data;
  g_autoptr(GError) error = NULL;
  WeekData *data = care_reader_run_finish (CARE_READER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (data == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status), error->message);
      return;
    }
  g_list_store_remove_all (self->weeks);
  for (guint i = 0; i < data->weeks->len; i++)
    {
      g_autoptr(CareTimesheetItem) item = NULL;

      /* The item takes the week. */
      item = care_timesheet_item_new (g_steal_pointer (&g_ptr_array_index (data->weeks, i)),
                                      g_ptr_array_index (data->names, i));
      g_list_store_append (self->weeks, item);
    }
  if (data->weeks->len == 0)
    {
      gtk_label_set_text (GTK_LABEL (self->status), _("No carer has visits in this week."));
    }
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u timesheet", "%u timesheets",
                                                         data->weeks->len),
                                               data->weeks->len);

      gtk_label_set_text (GTK_LABEL (self->status), text);
    }
  week_data_free (data);
}

static void
load (CareTimesheetPage *self)
{
  WeekData *request = g_new0 (WeekData, 1);
  GDate monday, sunday;
  char from[64], to[64];
  g_autofree char *label = NULL;

  care_timesheet_week_monday (self->iso_year, self->iso_week, &monday);
  sunday = monday;
  g_date_add_days (&sunday, 6);
  /* Translators: a short date in the week's title, see strftime(3) */
  g_date_strftime (from, sizeof from, _("%e %b"), &monday);
  g_date_strftime (to, sizeof to, _("%e %b %Y"), &sunday);
  label = g_strdup_printf (_("Week %d, %s – %s"), self->iso_week, g_strstrip (from),
                           g_strstrip (to));
  gtk_label_set_text (GTK_LABEL (self->week_label), label);
  gtk_label_set_text (GTK_LABEL (self->status), _("Reading timesheets…"));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  request->iso_year = self->iso_year;
  request->iso_week = self->iso_week;
  set_loading (self, TRUE);
  care_reader_run_async (self->reader, read_week, request, (GDestroyNotify) week_data_free,
                         (GDestroyNotify) week_data_free, self->cancellable, week_read_cb,
                         g_object_ref (self));
}

static void
move_week (CareTimesheetPage *self,
           int                weeks)
{
  GDate monday;

  care_timesheet_week_monday (self->iso_year, self->iso_week, &monday);
  if (weeks > 0)
    g_date_add_days (&monday, 7 * weeks);
  else
    g_date_subtract_days (&monday, -7 * weeks);
  care_timesheet_iso_week (&monday, &self->iso_year, &self->iso_week);
  load (self);
}

static void
previous_cb (CareTimesheetPage *self)
{
  move_week (self, -1);
}

static void
next_cb (CareTimesheetPage *self)
{
  move_week (self, 1);
}

static void
approve_week (CareTimesheetPage *self,
              const char        *carer)
{
  g_autofree char *week = week_id (self->iso_year, self->iso_week);
  g_autoptr(GError) error = NULL;
  g_autofree char *review = care_store_add_review (self->store, "approve", NULL, carer, week, NULL,
                                                   &error);

  if (review == NULL)
    {
      toast (self, error->message);
      return;
    }
  toast (self, _("Timesheet approved"));
  care_store_changed (self->store);
  load (self);
}

/* Approves at once when there is nothing to warn about; otherwise shows
 * the warnings under the row with "Approve all the same". */
static void
approve_cb (CareTimesheetRow  *row,
            CareTimesheetPage *self)
{
  CareTimesheetItem *item = care_timesheet_row_get_item (row);
  const char *carer = care_timesheet_item_get_carer (item);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = care_store_week_approval_warnings (self->store, carer, self->iso_year,
                                                              self->iso_week, &error);
  g_autoptr(GString) text = g_string_new (_("Before you approve:"));

  if (warnings == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (warnings[0] == NULL)
    {
      approve_week (self, carer);
      return;
    }
  for (guint i = 0; warnings[i] != NULL; i++)
    g_string_append_printf (text, "\n• %s", warnings[i]);
  care_timesheet_item_set_warnings (item, text->str);
}

static void
approve_anyway_cb (CareTimesheetRow  *row,
                   CareTimesheetPage *self)
{
  approve_week (self, care_timesheet_item_get_carer (care_timesheet_row_get_item (row)));
}

/* A review of the week with the row's message (a query, or a withdrawal's
 * reason): refused with empty_hint when there is none. */
static void
send_week_review (CareTimesheetPage *self,
                  CareTimesheetRow  *row,
                  const char        *message,
                  const char        *action,
                  const char        *empty_hint,
                  const char        *done)
{
  const char *carer = care_timesheet_item_get_carer (care_timesheet_row_get_item (row));
  g_autofree char *week = week_id (self->iso_year, self->iso_week);
  g_autoptr(GError) error = NULL;
  g_autofree char *review = NULL;

  if (*message == '\0')
    {
      toast (self, empty_hint);
      return;
    }
  review = care_store_add_review (self->store, action, NULL, carer, week, message, &error);
  if (review == NULL)
    {
      toast (self, error->message);
      return;
    }
  toast (self, done);
  care_store_changed (self->store);
  load (self);
}

static void
withdraw_cb (CareTimesheetRow  *row,
             const char        *message,
             CareTimesheetPage *self)
{
  send_week_review (self, row, message, "withdrawn", _("Write why you withdraw the approval: the carer sees it."),
                    _("Approval withdrawn: the timesheet can be approved again"));
}

static void
query_cb (CareTimesheetRow  *row,
          const char        *message,
          CareTimesheetPage *self)
{
  send_week_review (self, row, message, "query", _("Write what the carer should check before sending the query."),
                    _("Query sent: it reaches the carer's tablet at the next sync"));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CareTimesheetPage *self = user_data;
  GtkWidget *row = care_timesheet_row_new (item);

  g_signal_connect (row, "approve", G_CALLBACK (approve_cb), self);
  g_signal_connect (row, "approve-anyway", G_CALLBACK (approve_anyway_cb), self);
  g_signal_connect (row, "withdraw", G_CALLBACK (withdraw_cb), self);
  g_signal_connect (row, "query", G_CALLBACK (query_cb), self);
  return row;
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CareTimesheetPage *self = CARE_TIMESHEET_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (!care_timesheet_page_export_finish (self, result, &error))
    {
      /* Cancelled: the page is going away. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
    }
  else
    toast (self, _("Export saved"));
}

static void
start_export (CareTimesheetPage   *self,
              CareTimesheetExport  kind,
              GFile               *file)
{
  care_timesheet_page_export_async (self, kind, file, self->lifetime, export_done_cb, NULL);
}

/* Which export a file chooser is for, until it answers. */
typedef struct
{
  CareTimesheetPage *self;   /* a reference */
  CareTimesheetExport kind;
} Choosing;

static Choosing *
choosing_new (CareTimesheetPage   *self,
              CareTimesheetExport  kind)
{
  Choosing *choosing = g_new0 (Choosing, 1);

  choosing->self = g_object_ref (self);
  choosing->kind = kind;
  return choosing;
}

static void
choosing_free (Choosing *choosing)
{
  g_object_unref (choosing->self);
  g_free (choosing);
}

#if GTK_CHECK_VERSION(4, 10, 0)
/* GtkFileDialog is newer than the GTK 4.8 this is built against on Debian
 * 12 (GDK_VERSION_MAX_ALLOWED); on newer GTK it replaces the deprecated
 * GtkFileChooserNative. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
save_chosen_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Choosing *choosing = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, NULL);

  if (file != NULL)
    start_export (choosing->self, choosing->kind, file);
  choosing_free (choosing);
}

static void
choose_file (CareTimesheetPage   *self,
             CareTimesheetExport  kind,
             const char          *title,
             const char          *name)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_save (dialog, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL,
                        save_chosen_cb, choosing_new (self, kind));
}
G_GNUC_END_IGNORE_DEPRECATIONS
#else
static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     Choosing        *choosing)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        start_export (choosing->self, choosing->kind, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file (CareTimesheetPage   *self,
             CareTimesheetExport  kind,
             const char          *title,
             const char          *name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect_data (dialog, "response", G_CALLBACK (chooser_response_cb),
                         choosing_new (self, kind), (GClosureNotify) choosing_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
#endif

static char *
export_name (CareTimesheetPage *self,
             const char        *what)
{
  GDate from, to;
  char a[16], b[16];

  export_period (self, &from, &to);
  g_date_strftime (a, sizeof a, "%Y-%m-%d", &from);
  g_date_strftime (b, sizeof b, "%Y-%m-%d", &to);
  return g_strdup_printf ("carelog-%s-%s-to-%s.csv", what, a, b);
}

static void
export_hours_cb (CareTimesheetPage *self)
{
  g_autofree char *name = export_name (self, "hours");

  choose_file (self, CARE_TIMESHEET_EXPORT_HOURS, _("Export approved hours"), name);
}

static void
export_visits_cb (CareTimesheetPage *self)
{
  g_autofree char *name = export_name (self, "visits");

  choose_file (self, CARE_TIMESHEET_EXPORT_VISITS, _("Export visits"), name);
}

/* Coming back to the page: read the week again (sync may have brought
 * visits, or another page approved something). */
static void
map_cb (CareTimesheetPage *self)
{
  if (self->mapped_once)
    load (self);
  self->mapped_once = TRUE;
}

/* GObject ---------------------------------------------------------------- */

static void
care_timesheet_page_dispose (GObject *object)
{
  CareTimesheetPage *self = CARE_TIMESHEET_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->lifetime != NULL)
    g_cancellable_cancel (self->lifetime);
  g_clear_object (&self->lifetime);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_TIMESHEET_PAGE);
  G_OBJECT_CLASS (care_timesheet_page_parent_class)->dispose (object);
  g_clear_object (&self->weeks);
}

static void
care_timesheet_page_finalize (GObject *object)
{
  CareTimesheetPage *self = CARE_TIMESHEET_PAGE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  G_OBJECT_CLASS (care_timesheet_page_parent_class)->finalize (object);
}

static void
care_timesheet_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CareTimesheetPage *self = CARE_TIMESHEET_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_timesheet_page_class_init (CareTimesheetPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_timesheet_page_dispose;
  object_class->finalize = care_timesheet_page_finalize;
  object_class->get_property = care_timesheet_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-timesheet-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetPage, week_label);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetPage, status);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetPage, list);
  gtk_widget_class_bind_template_child (widget_class, CareTimesheetPage, period_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, previous_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_hours_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_visits_cb);
}

static void
care_timesheet_page_init (CareTimesheetPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->lifetime = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->weeks = g_list_store_new (CARE_TYPE_TIMESHEET_ITEM);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), G_LIST_MODEL (self->weeks), create_row, self, NULL);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
care_timesheet_page_new_for_store (CareStore  *store,
                                   CareReader *reader)
{
  CareTimesheetPage *self;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  GDate today;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_READER (reader), NULL);

  self = g_object_new (CARE_TYPE_TIMESHEET_PAGE, NULL);
  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);

  /* Start on this week, the one whose visits the review list shows; the
   * week before is one tap back. */
  tz = care_store_get_timezone (store);
  utc = g_date_time_new_from_unix_utc (care_store_now (store) / 1000);
  local = g_date_time_to_timezone (utc, tz);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  care_timesheet_iso_week (&today, &self->iso_year, &self->iso_week);
  load (self);
  return GTK_WIDGET (self);
}

GtkWidget *
care_timesheet_page_new (CareWindow *window)
{
  CareTimesheetPage *self;

  g_return_val_if_fail (CARE_IS_WINDOW (window), NULL);

  self = CARE_TIMESHEET_PAGE (
    care_timesheet_page_new_for_store (care_window_get_store (window),
                                       care_window_get_reader (window)));
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  return GTK_WIDGET (self);
}

void
care_timesheet_page_set_week (CareTimesheetPage *self,
                              int                iso_year,
                              int                iso_week)
{
  g_return_if_fail (CARE_IS_TIMESHEET_PAGE (self));

  self->iso_year = iso_year;
  self->iso_week = iso_week;
  load (self);
}

void
care_timesheet_page_get_week (CareTimesheetPage *self,
                              int               *iso_year,
                              int               *iso_week)
{
  g_return_if_fail (CARE_IS_TIMESHEET_PAGE (self));

  if (iso_year != NULL)
    *iso_year = self->iso_year;
  if (iso_week != NULL)
    *iso_week = self->iso_week;
}

void
care_timesheet_page_reload (CareTimesheetPage *self)
{
  g_return_if_fail (CARE_IS_TIMESHEET_PAGE (self));

  load (self);
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (care_reader_run_finish (CARE_READER (source), result, &error) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
care_timesheet_page_export_async (CareTimesheetPage   *self,
                                  CareTimesheetExport  kind,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  ExportData *data = g_new0 (ExportData, 1);
  GTask *task;

  g_return_if_fail (CARE_IS_TIMESHEET_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, care_timesheet_page_export_async);
  data->kind = kind;
  data->file = g_object_ref (file);
  export_period (self, &data->from, &data->to);
  care_reader_run_async (self->reader, write_export, data, (GDestroyNotify) export_data_free, NULL,
                         cancellable, export_written_cb, task);
}

gboolean
care_timesheet_page_export_finish (CareTimesheetPage  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
