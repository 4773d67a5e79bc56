/* care-confirm-window.h: the client's word on a visit, at the door.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_CONFIRM_WINDOW (care_confirm_window_get_type ())

G_DECLARE_FINAL_TYPE (CareConfirmWindow, care_confirm_window, CARE, CONFIRM_WINDOW, AdwWindow)

/* A screen for the client (or a family member) about visit: confirm it in
 * one tap, or say what is not right; on a carer's tablet the carer can
 * record why nobody could answer. family: shown on a family member's own
 * device (they answer as the family; no carer's part). The visit's record
 * is written to store (visit.verified); check-out never waits for it. */
CareConfirmWindow *care_confirm_window_new (CareStore  *store,
                                            const char *visit,
                                            gboolean    family,
                                            GtkWindow  *parent);

G_END_DECLS
