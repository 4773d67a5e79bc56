/* care-server-witness.h: `carelog-server witness` (care-server-witness.c).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "witness". */
int care_server_witness_main (int    argc,
                              char **argv);

G_END_DECLS
