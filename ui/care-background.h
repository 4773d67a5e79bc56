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

typedef enum {
  CARE_BACKGROUND_NOT_NEEDED,  /* outside Flatpak: nothing is asked */
  CARE_BACKGROUND_ASKING,      /* waiting for the portal's answer */
  CARE_BACKGROUND_GRANTED,     /* background and autostart allowed */
  CARE_BACKGROUND_REFUSED,     /* the user or the portal said no */
  CARE_BACKGROUND_UNAVAILABLE, /* no Background portal on this session */
} CareBackgroundStatus;

/* Asks org.freedesktop.portal.Background.RequestBackground (autostart,
 * command line carelog-syncd), asynchronously, when running inside a
 * Flatpak (/.flatpak-info exists) or when CARELOG_BACKGROUND_PORTAL=1
 * (tests); CARELOG_BACKGROUND_PORTAL=0 never asks. The answer is shown as a
 * line in window's sync popover ("sync-background"); nothing blocks. */
void                 care_background_request     (CareWindow *window);
CareBackgroundStatus care_background_get_status  (CareWindow *window);
/* The sentence shown in the sync popover, or NULL. */
const char          *care_background_get_message (CareWindow *window);

G_END_DECLS
