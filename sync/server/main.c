/* main.c: carelog-server, the co-op server.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <locale.h>

#include "care-server-admin.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  return care_server_main (argc, argv);
}
