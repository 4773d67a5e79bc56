/* care-log-verify.h: checking the co-op log's proofs, for anyone.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written apart from the code that builds the log
 * (sync/server/care-server-log.c builds by the recursive definitions of
 * RFC 9162; this checks by the iterative algorithms of sections 2.1.3.2
 * and 2.1.4.2 and shares no code with it), so that a mistake in building
 * is not repeated in checking. Hashes are 32 bytes; a proof is the
 * concatenated hashes, bottom up. Tablets, the witness and
 * `carelog-cli verify-export` use it (docs/verifying-records.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_LOG_PROOF_MAX 64   /* hashes: a tree of 2^64 leaves needs no more */

/* SHA-256(0x00 || data): the leaf hash, computed here again on purpose. */
void     care_log_verify_leaf_hash    (const guint8 *data,
                                       gsize         length,
                                       guint8        out[32]);

/* A proof as it travels (unpadded base64url of 0 to CARE_LOG_PROOF_MAX
 * hashes) into bytes; NULL, with a sentence in error, for anything else. */
GBytes  *care_log_proof_decode        (const char   *text,
                                       GError      **error);

/* TRUE when `proof` shows that the leaf with hash `leaf_hash` is leaf
 * `index` of the tree of `size` leaves whose head is `root`. */
gboolean care_log_verify_inclusion    (const guint8  leaf_hash[32],
                                       guint64       index,
                                       guint64       size,
                                       GBytes       *proof,
                                       const guint8  root[32],
                                       GError      **error);

/* TRUE when `proof` shows that the tree of `old_size` leaves with head
 * `old_root` is a prefix of the tree of `size` leaves with head `root`:
 * the co-op appended and did not rewrite or fork. */
gboolean care_log_verify_consistency  (guint64       old_size,
                                       const guint8  old_root[32],
                                       guint64       size,
                                       const guint8  root[32],
                                       GBytes       *proof,
                                       GError      **error);

G_END_DECLS
