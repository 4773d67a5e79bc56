/* care-background.h: keep the sync daemon running through the XDG
 * Background portal (Flatpak), and say in the sync area what happens when
 * the portal is missing or refuses.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-window.h"

G_BEGIN_DECLS

/* Asks org.freedesktop.portal.Background.RequestBackground (autostart,
 * command line carelog-syncd), asynchronously, when running inside a
 * Flatpak (/.flatpak-info exists) or when CARELOG_BACKGROUND_PORTAL=1
 * (tests); CARELOG_BACKGROUND_PORTAL=0 never asks. The answer is kept by
 * the window's sync monitor, whose sync indicator shows it as a line in its
 * popover ("sync-background"); nothing blocks. */
void                 care_background_request     (CareWindow *window);
CareBackgroundStatus care_background_get_status  (CareWindow *window);
/* The sentence shown in the sync popover, or NULL. */
const char          *care_background_get_message (CareWindow *window);

G_END_DECLS
