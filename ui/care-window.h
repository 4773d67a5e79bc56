/* care-window.h: the main window: first run, Today, a visit, hours, search.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A co-ordinator's or administrator's window adds two workspaces once the
 * store is open: Review (care-review-page.c, the first view) and Timesheets
 * (care-timesheet-page.c). Pages use care_window_get_store(),
 * care_window_get_reader() for reads off the main thread and
 * care_window_open_visit() to show a visit; after a write, a page calls
 * care_store_changed(), whose "changed" every view of the store follows.
 */
#pragma once

#include <adwaita.h>
#include "care-store.h"
#include "care-reader.h"
#include "care-sync-monitor.h"
#include "care-lock-page.h"

G_BEGIN_DECLS

#define CARE_TYPE_WINDOW (care_window_get_type ())
G_DECLARE_FINAL_TYPE (CareWindow, care_window, CARE, WINDOW, AdwApplicationWindow)

/* profile may be NULL when store_path was given directly (--store). */
CareWindow *care_window_new               (GtkApplication *application,
                                           const char     *profile,
                                           const char     *store_path) G_GNUC_WARN_UNUSED_RESULT;
/* NULL until the store has been opened (the "ready" signal). */
CareStore  *care_window_get_store         (CareWindow *self);
CareReader *care_window_get_reader        (CareWindow *self);
/* The connection to the sync daemon (its "store-changed" says when the
 * daemon wrote; the window passes that on as the store's "changed"). */
CareSyncMonitor *care_window_get_sync_monitor (CareWindow *self);
const char *care_window_get_profile       (CareWindow *self);
CareLock   *care_window_get_lock          (CareWindow *self);
gboolean    care_window_is_ready          (CareWindow *self);
/* The visible screen: "loading", "first-run", "home", "visit", "error". */
const char *care_window_get_screen        (CareWindow *self);
/* The visible view of "home": "today", "hours", "search", ... */
const char *care_window_get_view          (CareWindow *self);
void        care_window_set_view          (CareWindow *self,
                                           const char *name);
void        care_window_open_visit        (CareWindow *self,
                                           const char *visit);
void        care_window_go_home           (CareWindow *self);
void        care_window_add_workspace     (CareWindow *self,
                                           GtkWidget  *page,
                                           const char *name,
                                           const char *title,
                                           const char *icon_name);
void        care_window_show_toast        (CareWindow *self,
                                           const char *message);

G_END_DECLS
