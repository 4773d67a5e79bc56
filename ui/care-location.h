/* care-location.h: the device's position, when it offers one: from the
 * Location portal inside a Flatpak (org.freedesktop.portal.Location on the
 * session bus; the sandbox has no system bus), from GeoClue2 directly
 * elsewhere.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never blocks: care_location_start() asks in the background (GeoClue2 on
 * the system bus; CARELOG_GEOCLUE_BUS=session and CARELOG_LOCATION=portal
 * or geoclue for tests) and keeps the latest fix. Any failure (no portal or
 * GeoClue, permission denied) only means no fix.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CARE_TYPE_LOCATION (care_location_get_type ())
G_DECLARE_FINAL_TYPE (CareLocation, care_location, CARE, LOCATION, GObject)

/* The app's one instance (never freed). */
CareLocation *care_location_get_default (void);
/* Starts asking for updates unless already started or starting. */
void          care_location_start       (CareLocation *self);
/* The latest fix if under 2 minutes old: lat_lon_acc gets latitude,
 * longitude and accuracy in metres. */
/* Stops asking and forgets the fix. */
void          care_location_stop        (CareLocation *self);
gboolean      care_location_get_fix     (CareLocation *self,
                                         double        lat_lon_acc[3]);

G_END_DECLS
