/* care-test-util.h: helpers for the app's tests: a store with a small co-op,
 * windows at a given size, waiting on conditions, driving widgets.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"
#include "care-window.h"

G_BEGIN_DECLS

typedef gboolean (*CareTestCondition) (gpointer data);

/* gtk_test_init + adw_init + gettext; warnings are fatal. */
void        care_test_init           (int    *argc,
                                      char ***argv);
/* A fresh temporary directory (removed at exit when tests pass). */
char       *care_test_tmpdir         (void) G_GNUC_WARN_UNUSED_RESULT;
/* A store at dir/carelog.db with a carer's identity and a small co-op:
 * three clients (the first with two essential tasks), today's schedule,
 * one visit already done (with a note, an amendment and a supervisor's
 * query). */
char       *care_test_make_store     (const char *dir,
                                      gboolean    with_history) G_GNUC_WARN_UNUSED_RESULT;
/* A co-ordinator's store at dir/carelog.db with the demo co-op
 * (care_demo_populate with the supervisor role). */
char       *care_test_make_supervisor_store (const char *dir) G_GNUC_WARN_UNUSED_RESULT;
/* A co-ordinator's review (approve, query, flag) of a visit, as the co-op
 * sends it. */
void        care_test_add_review     (CareStore  *store,
                                      const char *action,
                                      const char *visit,
                                      const char *message);
/* A co-ordinator's query on a carer's timesheet of this week. */
void        care_test_add_timesheet_query (CareStore  *store,
                                           const char *carer,
                                           const char *message);
/* A family member's store (role family): their client Dorothy Evans, and
 * a carer's finished visit to her with a note shared with the family. */
char       *care_test_make_family_store (const char *dir) G_GNUC_WARN_UNUSED_RESULT;
/* An empty store (first run). */
char       *care_test_make_empty_store (const char *dir) G_GNUC_WARN_UNUSED_RESULT;

/* Iterates the main loop until cond returns TRUE; fails the test after
 * timeout_s seconds (a deadline, not a timing assertion). */
void        care_test_wait           (CareTestCondition cond,
                                      gpointer          data,
                                      double            timeout_s,
                                      const char       *what);
/* Lets pending idle work and a frame or two run. */
void        care_test_settle         (GtkWidget *widget);
/* A window on the store, presented at width×height, ready. */
CareWindow *care_test_window_new     (const char *store_path,
                                      int         width,
                                      int         height) G_GNUC_WARN_UNUSED_RESULT;
void        care_test_window_destroy (CareWindow *window);

GtkWidget  *care_test_find           (GtkWidget  *root,
                                      const char *name);
/* Activates the named widget (a button's click, a row's activation). */
void        care_test_activate       (GtkWidget  *root,
                                      const char *name);
/* The row at index of the list box named list (fails the test if none),
 * and its activation. */
GtkWidget  *care_test_row            (GtkWidget  *root,
                                      const char *list,
                                      int         index);
void        care_test_activate_row   (GtkWidget  *root,
                                      const char *list,
                                      int         index);
void        care_test_set_text       (GtkWidget  *root,
                                      const char *name,
                                      const char *text);
/* Fails the test when an image under root (hidden ones and popovers too)
 * names an icon the icon theme does not have: GTK would draw a broken
 * image in its place. Returns how many icons were checked. */
guint       care_test_assert_icons   (GtkWidget  *root);
/* The visible text of a label, or of all labels under a widget. */
char       *care_test_text_of        (GtkWidget *widget) G_GNUC_WARN_UNUSED_RESULT;
gboolean    care_test_is_visible     (GtkWidget *widget);

/* Renders the window to build_dir/screenshots/name.png; returns the path. */
char       *care_test_screenshot     (GtkWidget  *window,
                                      const char *name) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
