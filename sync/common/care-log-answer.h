/* care-log-answer.h: checking the co-op log's answer, for tablets and
 * witnesses alike.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /v1/log answers the latest signed checkpoint, the latest one the
 * witnesses cosigned, a consistency proof from the size the asker kept and
 * an inclusion proof for one record (docs/sync-protocol.md, "The co-op
 * log"). Decoding is strict; checking uses app/care-checkpoint.c and
 * app/care-log-verify.c, never the code that builds the log.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "care-checkpoint.h"

G_BEGIN_DECLS

typedef struct
{
  CareCheckpoint *checkpoint;
  CareCheckpoint *cosigned;    /* NULL: no witness cosigned yet */
  char *consistency;           /* NULL: none sent */
  gboolean has_inclusion;
  guint64 index;
  char *inclusion;
} CareLogAnswer;

void           care_log_answer_free    (CareLogAnswer *self);
CareLogAnswer *care_log_answer_decode  (JsonNode      *root,
                                        GError       **error);

/* Checks the answer against what the asker kept: `last` (NULL: nothing
 * yet), the co-op key it pinned (NULL: none yet), and, when head_hash is
 * given, that the record with that hash is in the checkpoint's log. FALSE
 * with CARE_SYNC_ERROR_LOG and a sentence when the co-op's log was
 * rewritten, forked, shrank, or a signature or proof does not hold.
 * *included: the inclusion proof was there and holds. */
gboolean       care_log_answer_check   (const CareLogAnswer  *self,
                                        const CareCheckpoint *last,
                                        const char           *pinned_key,
                                        const char           *head_hash,
                                        CareCheckpointStep   *step,
                                        gboolean             *included,
                                        GError              **error);

/* The receipt a device keeps for one of its records: {"hash","index",
 * "size","proof"} as JSON text. */
char          *care_log_answer_receipt (const CareLogAnswer *self,
                                        const char          *hash) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareLogAnswer, care_log_answer_free)

G_END_DECLS
