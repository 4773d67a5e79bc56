/* care-export-verify.h: checking an exported visit, for anyone.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `carelog-server export-visit` writes a visit's records with what a third
 * party needs to check them (format carelog-visit-proof:1,
 * docs/verifying-records.md "Checking an exported visit"). This checks
 * such a file without the co-op's server or database: each record's hash,
 * its inclusion in the co-op's signed log, the device's signature where the
 * export carries it, and the witnesses' cosignatures. It uses only the
 * record hash, the log verifier and Ed25519 verification, never the code
 * that builds the log.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* coop_key: the co-op's log key as the checker learnt it from the co-op
 * (NULL: take the file's, and say so in report). report: one line per
 * record and for the checkpoint. FALSE, with the first problem in error,
 * when anything does not hold. */
gboolean care_export_verify (JsonNode   *root,
                             const char *coop_key,
                             GString    *report,
                             GError    **error);

G_END_DECLS
