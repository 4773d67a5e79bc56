/* care-connectivity.h: is there a network worth syncing over?
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Asks NetworkManager (libnm, created asynchronously) and follows its
 * connectivity, state and metered properties; where NetworkManager is not
 * on the system bus (another distribution, a Flatpak without the
 * permission) it follows GNetworkMonitor instead, with the same meaning.
 * Emits "changed" whenever the link or metered flag really changes.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CARE_LINK_UNKNOWN,  /* not yet known (still asking NetworkManager) */
  CARE_LINK_NONE,     /* offline */
  CARE_LINK_PORTAL,   /* behind a captive portal: sign in to the network first */
  CARE_LINK_LIMITED,  /* connected, but the internet may not be reachable */
  CARE_LINK_FULL,
} CareLink;

#define CARE_TYPE_CONNECTIVITY (care_connectivity_get_type ())
G_DECLARE_FINAL_TYPE (CareConnectivity, care_connectivity, CARE, CONNECTIVITY, GObject)

CareConnectivity *care_connectivity_new         (void) G_GNUC_WARN_UNUSED_RESULT;
CareLink          care_connectivity_get_link    (CareConnectivity *self);
gboolean          care_connectivity_get_metered (CareConnectivity *self);
/* "networkmanager", "gio" or "none" (not decided yet). */
const char       *care_connectivity_get_backend (CareConnectivity *self);
const char       *care_link_to_string           (CareLink link);

G_END_DECLS
