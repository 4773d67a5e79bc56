/* care-checkpoint.h: the co-op log's signed checkpoints (issue 12).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A checkpoint says "the co-op's log, in epoch E, had SIZE records and
 * this root hash at TIME", signed with the co-op's log key (Ed25519). The
 * co-op's witnesses cosign a checkpoint after checking that it extends
 * the last one they cosigned. Tablets, the witness and `carelog-cli
 * verify-export` read and check checkpoints here; the server makes them
 * (sync/server/care-server-ledger.c). The signed texts, byte for byte
 * (docs/verifying-records.md, "Checkpoints"):
 *
 *   carelog-checkpoint:1 KEY EPOCH SIZE ROOT TIME
 *   carelog-cosign:1 KEY EPOCH SIZE ROOT TIME
 *
 * single spaces; KEY the co-op's public log key and ROOT the tree head,
 * both base64url without padding; SIZE and TIME (ms since 1970) decimal.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;            /* the witness's own name for itself */
  char *key;             /* its public key */
  char *sig;             /* over care_checkpoint_cosign_message */
} CareCosignature;

typedef struct
{
  char *key;             /* the co-op's public log key */
  char *epoch;           /* a restore from backup starts a new epoch */
  guint64 size;
  guint8 root[32];
  gint64 time;
  char *sig;
  GPtrArray *witnesses;  /* CareCosignature */
} CareCheckpoint;

void            care_checkpoint_free            (CareCheckpoint *self);
CareCheckpoint *care_checkpoint_copy            (const CareCheckpoint *self);
char           *care_checkpoint_message         (const CareCheckpoint *self) G_GNUC_WARN_UNUSED_RESULT;
char           *care_checkpoint_cosign_message  (const CareCheckpoint *self) G_GNUC_WARN_UNUSED_RESULT;
void            care_checkpoint_add_cosignature (CareCheckpoint *self,
                                                 const char     *name,
                                                 const char     *key,
                                                 const char     *sig);

/* Strict: every member present with its type, sizes and keys well formed;
 * unknown members are refused. NULL with a sentence otherwise. */
CareCheckpoint *care_checkpoint_from_json       (JsonNode       *node,
                                                 GError        **error);
CareCheckpoint *care_checkpoint_from_string     (const char     *text,
                                                 GError        **error);
JsonNode       *care_checkpoint_to_json         (const CareCheckpoint *self);
char           *care_checkpoint_to_string       (const CareCheckpoint *self) G_GNUC_WARN_UNUSED_RESULT;

/* The co-op's signature and every cosignature hold. expected_key: the
 * co-op's key as this holder pinned it (NULL: not pinned yet). */
gboolean        care_checkpoint_verify          (const CareCheckpoint *self,
                                                 const char     *expected_key,
                                                 GError        **error);

typedef enum
{
  CARE_CHECKPOINT_SAME,        /* nothing new */
  CARE_CHECKPOINT_EXTENDS,     /* the log grew, and the proof shows it only grew */
  CARE_CHECKPOINT_NEW_EPOCH,   /* the co-op declared a new epoch (a restore) */
} CareCheckpointStep;

/* Whether `next` may follow `last` (both already verified): in the same
 * epoch the log may only grow, and `consistency` (the travelling proof
 * text; may be NULL when the sizes are equal) must show that it did.
 * FALSE, with a sentence that names both checkpoints, when the co-op's
 * log was rewritten, shrank or forked. */
gboolean        care_checkpoint_follows         (const CareCheckpoint *last,
                                                 const CareCheckpoint *next,
                                                 const char     *consistency,
                                                 CareCheckpointStep *step,
                                                 GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareCheckpoint, care_checkpoint_free)

G_END_DECLS
