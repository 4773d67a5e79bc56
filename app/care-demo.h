/* care-demo.h: a demo profile to try Carelog without a server.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

/* Gives an empty store a local identity (a carer, or a supervisor) and the
 * records a co-op would send: members, clients with care plans, assignments,
 * a week of scheduled visits around today, and some history (done visits,
 * notes, an amendment, a query). Does nothing if the store already has an
 * identity. */
gboolean care_demo_populate (CareStore *store,
                             CareRole   role,
                             GError   **error);

G_END_DECLS
