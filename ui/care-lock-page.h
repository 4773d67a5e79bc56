/* care-lock-page.h: the app lock (the carer's PIN after a time idle).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CARE_TYPE_LOCK_PAGE (care_lock_page_get_type ())
G_DECLARE_FINAL_TYPE (CareLockPage, care_lock_page, CARE, LOCK_PAGE, GtkWidget)

#define CARE_TYPE_LOCK (care_lock_get_type ())
G_DECLARE_FINAL_TYPE (CareLock, care_lock, CARE, LOCK, GObject)

#define CARE_LOCK_DEFAULT_IDLE_SECONDS 300

CareLock   *care_lock_new              (AdwApplicationWindow *window,
                                        const char           *pin_path) G_GNUC_WARN_UNUSED_RESULT;
void        care_lock_set_pin_path     (CareLock   *self,
                                        const char *pin_path);
const char *care_lock_get_pin_path     (CareLock   *self);
void        care_lock_set_idle_seconds (CareLock   *self,
                                        guint       seconds);
gboolean    care_lock_get_locked       (CareLock   *self);
void        care_lock_lock             (CareLock   *self);
GtkWindow  *care_lock_show_set_pin     (CareLock   *self);

G_END_DECLS
