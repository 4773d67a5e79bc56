/* care-syncd.h: command line of carelog-syncd.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   carelog-syncd [--profile NAME | --store PATH]             the session service
 *   carelog-syncd [--profile NAME | --store PATH] --once      one round, then exit
 *   carelog-syncd [--profile NAME | --store PATH] --enrol LINE [--device-name NAME]
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int care_syncd_main (int    argc,
                     char **argv);

G_END_DECLS
