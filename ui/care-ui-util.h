/* care-ui-util.h: the app's words and formats, one place for every page:
 * a carer's and a co-ordinator's screens say the same thing the same way.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "care-store.h"
#include "care-words.h"

G_BEGIN_DECLS

/* "23:30" in tz; "—" for 0. */
char       *care_format_time            (gint64      ms,
                                         GTimeZone  *tz) G_GNUC_WARN_UNUSED_RESULT;
/* "Tue 10 Mar 2026" in tz; "—" for 0. */
char       *care_format_date            (gint64      ms,
                                         GTimeZone  *tz) G_GNUC_WARN_UNUSED_RESULT;
/* "Tue 10 Mar 2026, 23:30" in tz; "—" for 0. */
char       *care_format_datetime        (gint64      ms,
                                         GTimeZone  *tz) G_GNUC_WARN_UNUSED_RESULT;
char       *care_format_day             (const GDate *date) G_GNUC_WARN_UNUSED_RESULT;
/* A length of time: "45 min", "2 h 05"; "—" when negative (unknown). */
char       *care_format_minutes         (gint64 minutes) G_GNUC_WARN_UNUSED_RESULT;
/* A day's hours by kind ("visits 6 h 00", "travel 45 min", "training …",
 * "other …"), the kinds with time, joined by separator. */
char       *care_format_day_hours       (const CareDayHours *day,
                                         const char         *separator) G_GNUC_WARN_UNUSED_RESULT;
/* Midnight (in tz) of the day d days after the day of ms, in ms. */
gint64      care_day_start              (gint64      ms,
                                         GTimeZone  *tz,
                                         int         days);
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
const char *care_review_state_css_class (CareReviewState review);
/* The sync timeline's second half for one history record: "Received by the
 * co-op at <time>" when the co-op's receive time is known, "Not yet at the
 * co-op" for a record only on this device, else the sync label. */
char       *care_received_label         (CareSyncState sync,
                                         gint64        received,
                                         GTimeZone    *tz) G_GNUC_WARN_UNUSED_RESULT;
/* Translated names of the exceptions, by bit of CareVisitFlags, and the
 * CSS class of an exception's badge ("error" or "warning"). */
const char *care_flag_label             (guint bit);
const char *care_flag_css_class         (guint bit);

/* Sets the accessible label of a widget. */
void        care_set_accessible_label   (GtkWidget  *widget,
                                         const char *label);

/* Finds a descendant by its widget name (gtk_widget_set_name / name="" in
 * .ui); used by the tests and by a few pages. */
GtkWidget  *care_find_named             (GtkWidget  *root,
                                         const char *name);

/* Gives store the items of fresh, in fresh's order, keeping each item the
 * store already has under the same key in place of the fresh one (what is
 * typed into it stays): update (kept, fresh), when not NULL, copies what
 * the store says now into the kept item. When the result is the items the
 * store holds, in the same order, the store is left alone: the rows bound
 * to it are not made again. */
typedef const char *(*CareItemKeyFunc)    (gpointer item);
typedef void        (*CareItemUpdateFunc) (gpointer kept,
                                           gpointer fresh);
void        care_list_store_merge       (GListStore        *store,
                                         GPtrArray         *fresh,
                                         CareItemKeyFunc    key,
                                         CareItemUpdateFunc update);

/* Replaces *field with a copy of value; FALSE when they were equal (as
 * g_set_str, which is GLib 2.76). */
gboolean    care_set_string             (char      **field,
                                         const char *value);

/* Sets *field (a view's store) to store, and has changed (called with
 * view) follow that store's "changed" (care_store_changed) instead of the
 * previous store's: each view of the store connects itself. */
void        care_follow_store           (gpointer     view,
                                         CareStore  **field,
                                         CareStore   *store,
                                         GCallback    changed);

/* Removes every child of a GtkBox or GtkListBox. */
void        care_clear_container        (GtkWidget *container);

/* A left-aligned label that wraps (at characters too, for long words), with
 * an optional style class. */
GtkWidget  *care_label_new_wrapped      (const char *text,
                                         const char *css_class);

G_END_DECLS
