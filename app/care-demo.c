/* care-demo.c: a demo co-op to try Carelog without a server.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-demo.h"

gboolean
care_demo_populate (CareStore *store,
                    CareRole   role,
                    GError   **error)
{
  return TRUE;
}
