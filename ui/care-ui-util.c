/* care-ui-util.c: the app's words and formats, one place for every page.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "care-ui-util.h"

static GDateTime *
local_time (gint64     ms,
            GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = ms != 0 ? g_date_time_new_from_unix_utc (ms / 1000) : NULL;

  return utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
}

/* %e pads a single-digit day ("Fri  4 Dec", with a space or a figure
 * space): one plain space reads better in a sentence. */
static char *
unpad_day (char *text)
{
  g_autoptr(GRegex) padding = g_regex_new ("(?: |\u2007)+", 0, 0, NULL);
  char *single = g_regex_replace_literal (padding, g_strstrip (text), -1, 0, " ", 0, NULL);

  g_free (text);
  return single;
}

/* ms in tz with a g_date_time_format() format; "—" for 0. */
static char *
format_local (gint64      ms,
              GTimeZone  *tz,
              const char *format)
{
  g_autoptr(GDateTime) local = local_time (ms, tz);

  return local != NULL ? unpad_day (g_date_time_format (local, format)) : g_strdup ("—");
}

char *
care_format_time (gint64     ms,
                  GTimeZone *tz)
{
  /* Translators: a time of day, see g_date_time_format() */
  return format_local (ms, tz, _("%H:%M"));
}

char *
care_format_date (gint64     ms,
                  GTimeZone *tz)
{
  /* Translators: a date, see g_date_time_format() */
  return format_local (ms, tz, _("%a %e %b %Y"));
}

char *
care_format_datetime (gint64     ms,
                      GTimeZone *tz)
{
  /* Translators: a date and time, see g_date_time_format() */
  return format_local (ms, tz, _("%a %e %b %Y, %H:%M"));
}

gint64
care_day_start (gint64     ms,
                GTimeZone *tz,
                int        days)
{
  g_autoptr(GDateTime) local = local_time (ms, tz);
  g_autoptr(GDateTime) midnight = NULL;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  if (days > 0)
    g_date_add_days (&day, days);
  else if (days < 0)
    g_date_subtract_days (&day, -days);
  midnight = g_date_time_new (tz, g_date_get_year (&day), g_date_get_month (&day),
                              g_date_get_day (&day), 0, 0, 0);
  return g_date_time_to_unix (midnight) * 1000;
}

char *
care_format_day (const GDate *date)
{
  char buf[128];

  /* Translators: a day in the hours list, see strftime(3) */
  if (g_date_strftime (buf, sizeof buf, _("%A %e %B"), date) == 0)
    return g_strdup ("");
  return unpad_day (g_strdup (buf));
}

char *
care_format_minutes (gint64 minutes)
{
  if (minutes < 0)
    return g_strdup ("—");
  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  /* Translators: hours and minutes, e.g. "2 h 05" */
  return g_strdup_printf (_("%d h %02d"), (int) (minutes / 60), (int) (minutes % 60));
}

char *
care_format_day_hours (const CareDayHours *day,
                       const char         *separator)
{
  GString *text = g_string_new (NULL);
  gint64 minutes[] = {
    day->visit_minutes, day->travel_minutes, day->training_minutes, day->other_minutes,
  };

  for (guint i = 0; i < G_N_ELEMENTS (minutes); i++)
    {
      g_autofree char *amount = NULL;

      if (minutes[i] <= 0)
        continue;
      amount = care_format_minutes (minutes[i]);
      if (text->len > 0)
        g_string_append (text, separator);
      switch (i)
        {
        case 0:
          g_string_append_printf (text, _("visits %s"), amount);
          break;
        case 1:
          g_string_append_printf (text, _("travel %s"), amount);
          break;
        case 2:
          g_string_append_printf (text, _("training %s"), amount);
          break;
        default:
          g_string_append_printf (text, _("other %s"), amount);
          break;
        }
    }
  return g_string_free (text, FALSE);
}

gboolean
care_parse_time (const char *text,
                 gint64      ref_ms,
                 GTimeZone  *tz,
                 gint64     *out_ms,
                 GError    **error)
{
  g_autoptr(GDateTime) ref_utc = g_date_time_new_from_unix_utc (ref_ms / 1000);
  g_autoptr(GDateTime) ref = g_date_time_to_timezone (ref_utc, tz);
  g_autoptr(GDateTime) result = NULL;
  unsigned hour = 0, minute = 0;
  char tail = 0;

  if (text == NULL
      || sscanf (text, "%u:%u%c", &hour, &minute, &tail) != 2
      || hour > 23 || minute > 59)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Write the time as hours and minutes, for example 09:30."));
      return FALSE;
    }
  result = g_date_time_new (tz,
                            g_date_time_get_year (ref),
                            g_date_time_get_month (ref),
                            g_date_time_get_day_of_month (ref),
                            (int) hour, (int) minute, 0);
  *out_ms = g_date_time_to_unix (result) * 1000;
  return TRUE;
}

const char *
care_visit_state_label (CareVisitState state)
{
  switch (state)
    {
    case CARE_VISIT_UPCOMING:
      return _("Upcoming");
    case CARE_VISIT_LATE:
      return _("Late");
    case CARE_VISIT_IN_PROGRESS:
      return _("In progress");
    case CARE_VISIT_DONE:
      return _("Done");
    case CARE_VISIT_MISSED:
      return _("Missed");
    case CARE_VISIT_CANCELLED:
      return _("Cancelled");
    default:
      return "";
    }
}

/* How a review state looks: approved in green, anything that needs a look
 * in the warning colour, not reviewed faded. */
const char *
care_review_state_css_class (CareReviewState review)
{
  switch (review)
    {
    case CARE_REVIEW_APPROVED:
      return "success";
    case CARE_REVIEW_QUERIED:
    case CARE_REVIEW_FLAGGED:
    case CARE_REVIEW_CHANGED:
      return "warning";
    case CARE_REVIEW_NONE:
    default:
      return "dim-label";
    }
}

const char *
care_visit_state_css_class (CareVisitState state)
{
  switch (state)
    {
    case CARE_VISIT_LATE:
      return "warning";
    case CARE_VISIT_IN_PROGRESS:
      return "accent";
    case CARE_VISIT_DONE:
      return "success";
    case CARE_VISIT_MISSED:
      return "error";
    case CARE_VISIT_UPCOMING:
    case CARE_VISIT_CANCELLED:
    default:
      return "dim-label";
    }
}

const char *
care_sync_state_label (CareSyncState   sync,
                       CareReviewState review)
{
  if (review == CARE_REVIEW_QUERIED)
    return _("Queried by a co-ordinator");
  switch (sync)
    {
    case CARE_SYNC_LOCAL:
      return _("Not yet at the co-op");
    case CARE_SYNC_SYNCED:
      return _("Reached the co-op");
    case CARE_SYNC_QUARANTINED:
      return _("Refused by the co-op");
    case CARE_SYNC_SET_ASIDE:
      return _("Put right");
    case CARE_SYNC_HELD:
      return _("Waiting for a refused record to be put right");
    default:
      return "";
    }
}

const char *
care_sync_state_icon (CareSyncState   sync,
                      CareReviewState review)
{
  /* A query is a message to answer; a record not yet at the co-op waits
   * to go up to it. */
  if (review == CARE_REVIEW_QUERIED)
    return "mail-unread-symbolic";
  switch (sync)
    {
    case CARE_SYNC_SYNCED:
      return "emblem-ok-symbolic";
    case CARE_SYNC_QUARANTINED:
    case CARE_SYNC_HELD:
      return "dialog-warning-symbolic";
    case CARE_SYNC_SET_ASIDE:
      return "edit-undo-symbolic";
    case CARE_SYNC_LOCAL:
    default:
      return "network-transmit-symbolic";
    }
}

const char *
care_review_state_label (CareReviewState review)
{
  switch (review)
    {
    case CARE_REVIEW_APPROVED:
      return _("Approved");
    case CARE_REVIEW_QUERIED:
      return _("Queried");
    case CARE_REVIEW_FLAGGED:
      return _("Flagged");
    case CARE_REVIEW_CHANGED:
      return _("Changed after approval");
    case CARE_REVIEW_NONE:
    default:
      return _("Not reviewed yet");
    }
}

char *
care_received_label (CareSyncState sync,
                     gint64        received,
                     GTimeZone    *tz)
{
  if (received > 0)
    {
      g_autofree char *at = care_format_datetime (received, tz);

      /* Translators: %s is a date and time, e.g. "Mon 23 Nov 2026, 10:42". */
      return g_strdup_printf (_("Received by the co-op at %s"), at);
    }
  return g_strdup (care_sync_state_label (sync, CARE_REVIEW_NONE));
}

const char *
care_flag_label (guint bit)
{
  switch (1u << bit)
    {
    case CARE_VISIT_FLAG_SAFEGUARDING:
      return _("Safeguarding concern");
    case CARE_VISIT_FLAG_MISSED:
      return _("Missed");
    case CARE_VISIT_FLAG_LATE_START:
      return _("Late start");
    case CARE_VISIT_FLAG_SHORT:
      return _("Short visit");
    case CARE_VISIT_FLAG_AMENDED:
      return _("Amended");
    case CARE_VISIT_FLAG_CLOCK_WARNING:
      return _("Device clock");
    case CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE:
      return _("Essential task not done");
    case CARE_VISIT_FLAG_CONCURRENT:
      return _("Changed on two devices");
    case CARE_VISIT_FLAG_DISPUTED:
      return _("Disputed by the client or family");
    default:
      return "";
    }
}

const char *
care_flag_css_class (guint bit)
{
  switch (1u << bit)
    {
    case CARE_VISIT_FLAG_SAFEGUARDING:
    case CARE_VISIT_FLAG_MISSED:
    case CARE_VISIT_FLAG_ESSENTIAL_NOT_DONE:
    case CARE_VISIT_FLAG_DISPUTED:
      return "error";
    default:
      return "warning";
    }
}

void
care_set_accessible_label (GtkWidget  *widget,
                           const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

GtkWidget *
care_find_named (GtkWidget  *root,
                 const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = care_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
care_set_string (char      **field,
                 const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
care_follow_store (gpointer    view,
                   CareStore **field,
                   CareStore  *store,
                   GCallback   changed)
{
  if (*field == store)
    return;
  if (*field != NULL)
    g_signal_handlers_disconnect_by_func (*field, changed, view);
  g_set_object (field, store);
  if (store != NULL)
    g_signal_connect_object (store, "changed", changed, view, G_CONNECT_SWAPPED);
}

void
care_list_store_merge (GListStore        *store,
                       GPtrArray         *fresh,
                       CareItemKeyFunc    key,
                       CareItemUpdateFunc update)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same = n == fresh->len;

  for (guint i = 0; i < fresh->len; i++)
    {
      gpointer item = g_ptr_array_index (fresh, i);

      for (guint j = 0; j < n; j++)
        {
          g_autoptr(GObject) old = g_list_model_get_item (model, j);

          if (g_strcmp0 (key (old), key (item)) == 0)
            {
              if (update != NULL)
                update (old, item);
              item = old;
              break;
            }
        }
      g_ptr_array_add (items, g_object_ref (item));
      if (same)
        {
          g_autoptr(GObject) at = g_list_model_get_item (model, i);

          same = at == item;
        }
    }
  if (!same)
    g_list_store_splice (store, 0, n, items->pdata, items->len);
}

void
care_clear_container (GtkWidget *container)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (container)) != NULL)
    {
      if (GTK_IS_LIST_BOX (container))
        gtk_list_box_remove (GTK_LIST_BOX (container), child);
      else if (GTK_IS_BOX (container))
        gtk_box_remove (GTK_BOX (container), child);
      else
        gtk_widget_unparent (child);
    }
}

GtkWidget *
care_label_new_wrapped (const char *text,
                        const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}
