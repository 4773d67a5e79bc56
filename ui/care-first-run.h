/* care-first-run.h: enrol this tablet, or try the demo.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "care-sync-monitor.h"

G_BEGIN_DECLS

#define CARE_TYPE_FIRST_RUN (care_first_run_get_type ())
G_DECLARE_FINAL_TYPE (CareFirstRun, care_first_run, CARE, FIRST_RUN, AdwBin)

/* Builds the one-line enrolment text from what was typed; NULL and an error
 * a person can act on when something is missing. */
char *care_first_run_build_line (const char *address,
                                 const char *code,
                                 const char *text,
                                 GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/* Enrolment goes through the application's sync monitor. */
void  care_first_run_set_monitor (CareFirstRun    *self,
                                  CareSyncMonitor *monitor);

G_END_DECLS
