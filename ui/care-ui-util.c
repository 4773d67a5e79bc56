/* care-ui-util.c: formatting shared by the app's pages.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "care-ui-util.h"

static const CareChoice categories[] = {
  { "personal-care", N_("Personal care") },
  { "nutrition", N_("Nutrition") },
  { "medication", N_("Medication") },
  { "wellbeing", N_("Wellbeing and mood") },
  { "incident", N_("Incident") },
  { "safeguarding", N_("Safeguarding concern") },
};

static const CareChoice services[] = {
  { "personal-care", N_("Personal care") },
  { "domestic", N_("Domestic support") },
  { "medication", N_("Medication support") },
  { "companionship", N_("Companionship") },
  { "respite", N_("Respite") },
};

const CareChoice *
care_note_categories (guint *n_categories)
{
  *n_categories = G_N_ELEMENTS (categories);
  return categories;
}

const CareChoice *
care_services (guint *n_services)
{
  *n_services = G_N_ELEMENTS (services);
  return services;
}

static const char *
choice_label (const CareChoice *choices,
              guint             n,
              const char       *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      return _(choices[i].label);
  return id != NULL ? id : "";
}

const char *
care_note_category_label (const char *id)
{
  return choice_label (categories, G_N_ELEMENTS (categories), id);
}

const char *
care_service_label (const char *id)
{
  const char *label = choice_label (services, G_N_ELEMENTS (services), id);
  g_autofree char *capitalised = NULL;
  char first[8] = { 0 };

  /* The co-op's rota may name services freely ("lunch call"): shown as a
   * label, with a capital. */
  if (label != id || id == NULL || !g_unichar_islower (g_utf8_get_char (id)))
    return label;
  g_unichar_to_utf8 (g_unichar_totitle (g_utf8_get_char (id)), first);
  capitalised = g_strconcat (first, g_utf8_next_char (id), NULL);
  return g_intern_string (capitalised);
}

char *
care_format_time (gint64     ms,
                  GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("--:--");
  local = g_date_time_to_timezone (utc, tz);
  /* Translators: a time of day, see g_date_time_format() */
  return g_date_time_format (local, _("%H:%M"));
}

char *
care_format_day (const GDate *date)
{
  char buf[128];

  /* Translators: a day in the hours list, see strftime(3) */
  if (g_date_strftime (buf, sizeof buf, _("%A %e %B"), date) == 0)
    return g_strdup ("");
  return g_strdup (g_strstrip (buf));
}

char *
care_format_minutes (gint64 minutes)
{
  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  /* Translators: hours and minutes, e.g. "2 h 05" */
  return g_strdup_printf (_("%d h %02d"), (int) (minutes / 60), (int) (minutes % 60));
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
    return _("Queried by a supervisor");
  switch (sync)
    {
    case CARE_SYNC_LOCAL:
      return _("Only on this tablet");
    case CARE_SYNC_SYNCED:
      return _("Reached the co-op");
    case CARE_SYNC_QUARANTINED:
      return _("Refused by the co-op");
    default:
      return "";
    }
}

const char *
care_sync_state_icon (CareSyncState   sync,
                      CareReviewState review)
{
  if (review == CARE_REVIEW_QUERIED)
    return "dialog-question-symbolic";
  switch (sync)
    {
    case CARE_SYNC_SYNCED:
      return "emblem-ok-symbolic";
    case CARE_SYNC_QUARANTINED:
      return "dialog-warning-symbolic";
    case CARE_SYNC_LOCAL:
    default:
      return "document-save-symbolic";
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
