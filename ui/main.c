/* main.c: carelog, the carer's and co-ordinator's app.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CareApplication) app = NULL;

  care_application_init_i18n ();
  care_application_choose_renderer ();
  app = care_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
