/* care-server-log.h: building the co-op's Merkle log (RFC 9162).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The co-op appends every record it accepts to one append-only Merkle
 * tree in the manner of Certificate Transparency (RFC 9162 section 2.1):
 * a leaf hashes as SHA-256(0x00 || leaf), an inner node as
 * SHA-256(0x01 || left || right), and the tree over n leaves splits at
 * the largest power of two below n. This file BUILDS: tree heads,
 * inclusion proofs and consistency proofs, by the recursive definitions of
 * RFC 9162 section 2.1.1, 2.1.3.1 and 2.1.4.1. Checking a proof is
 * app/care-log-verify.c, written apart by the iterative algorithms of
 * sections 2.1.3.2 and 2.1.4.2, so that a mistake here is not repeated
 * there (docs/verifying-records.md "The co-op log").
 *
 * The builder works over the leaf hashes it is given (the store keeps
 * them); a proof is the list of 32-byte hashes, bottom up, as in the RFC.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_LOG_HASH_SIZE 32

/* SHA-256(0x00 || data) */
void    care_log_leaf_hash          (const guint8 *data,
                                     gsize         length,
                                     guint8        out[CARE_LOG_HASH_SIZE]);
/* SHA-256(0x01 || left || right) */
void    care_log_node_hash          (const guint8  left[CARE_LOG_HASH_SIZE],
                                     const guint8  right[CARE_LOG_HASH_SIZE],
                                     guint8        out[CARE_LOG_HASH_SIZE]);

/* The tree head over leaves[0 .. size): `leaves` holds size leaf hashes
 * one after another. The empty tree's head is SHA-256 of nothing. */
void    care_log_root               (const guint8 *leaves,
                                     guint64       size,
                                     guint8        out[CARE_LOG_HASH_SIZE]);
/* The inclusion proof of leaf `index` in the tree of `size` leaves, as
 * concatenated hashes; NULL when index >= size. */
GBytes *care_log_inclusion_proof    (const guint8 *leaves,
                                     guint64       size,
                                     guint64       index);
/* The consistency proof from the tree of `old_size` leaves to the tree of
 * `size` leaves (the first old_size of the same leaves); NULL when
 * old_size > size. Empty when old_size is 0 or equals size. */
GBytes *care_log_consistency_proof  (const guint8 *leaves,
                                     guint64       size,
                                     guint64       old_size);

/* The same over a tree kept as it grows: every complete aligned subtree's
 * hash is kept (64 bytes a leaf in all), so a head or a proof costs
 * O(log² n) hashes, and a leaf is found by its hash (8 to 16 bytes a
 * leaf more). The server keeps one per process
 * (care-server-ledger.c); sizes above may be any up to the tree's. */
typedef struct _CareLogTree CareLogTree;

CareLogTree *care_log_tree_new               (void);
void         care_log_tree_free              (CareLogTree  *tree);
guint64      care_log_tree_size              (CareLogTree  *tree);
void         care_log_tree_append            (CareLogTree  *tree,
                                              const guint8  leaf[CARE_LOG_HASH_SIZE]);
void         care_log_tree_root              (CareLogTree  *tree,
                                              guint64       size,
                                              guint8        out[CARE_LOG_HASH_SIZE]);
/* The index of the first leaf equal to `leaf`; FALSE when none is. */
gboolean     care_log_tree_find              (CareLogTree  *tree,
                                              const guint8  leaf[CARE_LOG_HASH_SIZE],
                                              guint64      *index);
GBytes      *care_log_tree_inclusion_proof   (CareLogTree  *tree,
                                              guint64       size,
                                              guint64       index);
GBytes      *care_log_tree_consistency_proof (CareLogTree  *tree,
                                              guint64       size,
                                              guint64       old_size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareLogTree, care_log_tree_free)

/* A proof as it travels: unpadded base64url of the concatenated hashes. */
char   *care_log_proof_encode       (GBytes       *proof);

G_END_DECLS
