/* care-ui-util.h: formatting shared by the app's pages.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "care-store.h"

G_BEGIN_DECLS

/* Note categories and service types, in display order. */
typedef struct
{
  const char *id;
  const char *label;   /* untranslated; pass through _() */
} CareChoice;

const CareChoice *care_note_categories       (guint *n_categories);
const CareChoice *care_services              (guint *n_services);
const char       *care_note_category_label   (const char *id);
const char       *care_service_label         (const char *id);

char       *care_format_time            (gint64      ms,
                                         GTimeZone  *tz) G_GNUC_WARN_UNUSED_RESULT;
char       *care_format_day             (const GDate *date) G_GNUC_WARN_UNUSED_RESULT;
char       *care_format_minutes         (gint64 minutes) G_GNUC_WARN_UNUSED_RESULT;
/* "HH:MM" on the day of ref_ms in tz; FALSE with error when malformed. */
gboolean    care_parse_time             (const char *text,
                                         gint64      ref_ms,
                                         GTimeZone  *tz,
                                         gint64     *out_ms,
                                         GError    **error);

const char *care_visit_state_label      (CareVisitState state);
const char *care_visit_state_css_class  (CareVisitState state);
const char *care_sync_state_label       (CareSyncState   sync,
                                         CareReviewState review);
const char *care_sync_state_icon        (CareSyncState   sync,
                                         CareReviewState review);
const char *care_review_state_label     (CareReviewState review);

/* Sets the accessible label of a widget. */
void        care_set_accessible_label   (GtkWidget  *widget,
                                         const char *label);

/* Finds a descendant by its widget name (gtk_widget_set_name / name="" in
 * .ui); used by the tests and by a few pages. */
GtkWidget  *care_find_named             (GtkWidget  *root,
                                         const char *name);

/* Removes every child of a GtkBox or GtkListBox. */
void        care_clear_container        (GtkWidget *container);

/* A left-aligned label that wraps (at characters too, for long words), with
 * an optional style class. */
GtkWidget  *care_label_new_wrapped      (const char *text,
                                         const char *css_class);

G_END_DECLS
