/* care-server-admin.h: carelog-server's command line.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

int care_server_main (int    argc,
                      char **argv);
