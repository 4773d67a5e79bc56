/* care-application.h: the Carelog application.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CARE_TYPE_APPLICATION (care_application_get_type ())
G_DECLARE_FINAL_TYPE (CareApplication, care_application, CARE, APPLICATION, AdwApplication)

CareApplication *care_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* The profile to open when none is given: CARELOG_PROFILE, else the last one
 * used (GSettings, when its schema is installed), else "default". */
char *care_application_default_profile (void) G_GNUC_WARN_UNUSED_RESULT;

/* Sets up gettext for the app (bindtextdomain etc.). */
void  care_application_init_i18n (void);
/* Before GTK starts: cairo rendering on a machine with no GPU device. */
void  care_application_choose_renderer (void);

G_END_DECLS
