/* carelog-syncd.c: the sync daemon's entry point.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include <locale.h>

#include "care-config.h"
#include "care-syncd.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  return care_syncd_main (argc, argv);
}
