/* care-server-ledger.h: the co-op log as the server publishes it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store appends every record it stores to the co-op log
 * (CareServerStoreVTable.log_leaves). This signs checkpoints over it with
 * the co-op's log key (kept in the database, meta log.key), answers
 * `POST /v1/log` (the latest checkpoint, a consistency proof from the size
 * a tablet or witness last saw, an inclusion proof for one record), takes
 * the cosignatures of the co-op's registered witnesses, and checks the log
 * for `carelog-server verify` (docs/verifying-records.md).
 */

#pragma once

#include <json-glib/json-glib.h>

#include "care-checkpoint.h"
#include "care-server-store.h"

G_BEGIN_DECLS

typedef struct _CareLedger CareLedger;

CareLedger     *care_ledger_new           (CareServerStore *store,
                                           const char      *dir,
                                           GError         **error);
void            care_ledger_free          (CareLedger      *self);
const char     *care_ledger_public_key    (CareLedger      *self);

/* The latest checkpoint; a new one, signed, when the log grew since the
 * last (at most one a second). */
/* Reads what the store appended to the log since into the tree, once a
 * log request has read the tree (until then, nothing), so that a tablet's
 * log request after a large push does not (the server calls it after each
 * stored push, off the writer). */
gboolean        care_ledger_refresh       (CareLedger      *self,
                                           GError         **error);
CareCheckpoint *care_ledger_checkpoint    (CareLedger      *self,
                                           GError         **error);

/* The answer to POST /v1/log: {"checkpoint":…, "cosigned":… (the latest
 * checkpoint a witness cosigned, when there is one), "consistency": proof
 * from `from` (when 0 < from < size), "inclusion": {"index","proof"} of the
 * record with hash `hash` (when given and in the log)}. */
GString        *care_ledger_answer        (CareLedger      *self,
                                           gint64           from,
                                           const char      *hash,
                                           GError         **error);

/* A witness's cosignature ({"name","key","sig","size","root","epoch"}):
 * taken when the witness is registered and its signature holds for a
 * checkpoint this co-op signed. */
gboolean        care_ledger_cosign        (CareLedger      *self,
                                           JsonNode        *body,
                                           GError         **error);

/* Administration: register a witness's public key under a name. */
gboolean        care_ledger_add_witness   (CareServerStore *store,
                                           const char      *name,
                                           const char      *key,
                                           GError         **error);

/* `carelog-server export-visit`: the visit's records with what a third
 * party needs to check them (docs/verifying-records.md, "Checking an
 * exported visit"): a fresh signed checkpoint, each record's hash, leaf
 * index and inclusion proof, the device's signature over a head at or
 * after it when the chain to that head runs through this visit's records,
 * and the latest cosigned checkpoint with a consistency proof to the
 * checkpoint. json: format carelog-visit-proof:1; csv (may be NULL): one
 * row per record with the same. */
gboolean        care_ledger_export_visit  (CareLedger      *self,
                                           const char      *visit,
                                           JsonNode       **json,
                                           GString         *csv,
                                           GError         **error);

/* For `verify`: the latest checkpoint's root is recomputed from the stored
 * log and its signature checked; every stored record is in the log.
 * Sentences for the administrator go to report; FALSE on a problem
 * (error names it). */
gboolean        care_ledger_verify        (CareLedger      *self,
                                           GString         *report,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareLedger, care_ledger_free)

G_END_DECLS
