/* care-bench.h: the start-up benchmark's timing points (CARELOG_BENCH=1,
 * see tests/ui/bench-startup.c); nothing happens without that variable.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "care-window.h"

G_BEGIN_DECLS

/* Notes the start time when CARELOG_BENCH is set. */
void care_bench_start (void);
/* Prints "WHAT-ms N", the time since the start, when benchmarking. */
void care_bench_mark  (const char *what);
/* When benchmarking: prints when the store is ready and its first frame
 * drawn, opens the visit named by CARELOG_BENCH_VISIT, prints the resident
 * memory once it is drawn, and quits. */
void care_bench_watch (CareWindow *window);

G_END_DECLS
