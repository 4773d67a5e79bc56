/* care-log-answer.c: checking the co-op log's answer.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-log-answer.h"

#include <string.h>

#include "care-chain.h"
#include "care-log-verify.h"
#include "care-protocol.h"
#include "care-sync-client.h"

void
care_log_answer_free (CareLogAnswer *self)
{
  if (self == NULL)
    return;
  care_checkpoint_free (self->checkpoint);
  care_checkpoint_free (self->cosigned);
  g_free (self->consistency);
  g_free (self->inclusion);
  g_free (self);
}

static gboolean
bad (GError    **error,
     const char *message)
{
  g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PORTAL, "The co-op log's answer is malformed: %s", message);
  return FALSE;
}

static const char *
proof_member (JsonObject *o,
              const char *name,
              gboolean   *ok)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL)
    return NULL;
  /* 64 hashes of 32 bytes in base64url at most. */
  if (json_node_get_value_type (n) != G_TYPE_STRING || strlen (json_node_get_string (n)) > 2731)
    {
      *ok = FALSE;
      return NULL;
    }
  return json_node_get_string (n);
}

CareLogAnswer *
care_log_answer_decode (JsonNode *root,
                        GError  **error)
{
  g_autoptr(CareLogAnswer) a = g_new0 (CareLogAnswer, 1);
  g_autoptr(GError) local = NULL;
  JsonObject *o;
  JsonNode *n;
  gboolean ok = TRUE;
  const char *text;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad (error, "not an object"), NULL;
  o = json_node_get_object (root);
  a->checkpoint = care_checkpoint_from_json (json_object_get_member (o, "checkpoint"), &local);
  if (a->checkpoint == NULL)
    return bad (error, local->message), NULL;
  n = json_object_get_member (o, "cosigned");
  if (n != NULL && (a->cosigned = care_checkpoint_from_json (n, &local)) == NULL)
    return bad (error, local->message), NULL;
  text = proof_member (o, "consistency", &ok);
  a->consistency = g_strdup (text);
  n = json_object_get_member (o, "inclusion");
  if (n != NULL)
    {
      JsonObject *io = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      JsonNode *index = io ? json_object_get_member (io, "index") : NULL;

      text = io ? proof_member (io, "proof", &ok) : NULL;
      if (index == NULL || json_node_get_value_type (index) != G_TYPE_INT64 || json_node_get_int (index) < 0
          || text == NULL)
        ok = FALSE;
      else
        {
          a->has_inclusion = TRUE;
          a->index = (guint64) json_node_get_int (index);
          a->inclusion = g_strdup (text);
        }
    }
  if (!ok)
    return bad (error, "a proof is not text of a proof's length"), NULL;
  return g_steal_pointer (&a);
}

static gboolean
log_error (GError    **error,
           const char *message)
{
  g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_LOG, "%s", message);
  return FALSE;
}

gboolean
care_log_answer_check (const CareLogAnswer  *self,
                       const CareCheckpoint *last,
                       const char           *pinned_key,
                       const char           *head_hash,
                       CareCheckpointStep   *step,
                       gboolean             *included,
                       GError              **error)
{
  g_autoptr(GError) local = NULL;

  *included = FALSE;
  *step = CARE_CHECKPOINT_SAME;
  if (!care_checkpoint_verify (self->checkpoint, pinned_key, &local))
    return log_error (error, local->message);
  if (last != NULL && !care_checkpoint_follows (last, self->checkpoint, self->consistency, step, &local))
    return log_error (error, local->message);
  if (last == NULL)
    *step = CARE_CHECKPOINT_EXTENDS;
  if (self->cosigned != NULL)
    {
      if (!care_checkpoint_verify (self->cosigned, self->checkpoint->key, &local))
        return log_error (error, local->message);
      if (g_strcmp0 (self->cosigned->epoch, self->checkpoint->epoch) != 0
          || self->cosigned->size > self->checkpoint->size)
        return log_error (error, "The co-op's cosigned checkpoint is not one of its current log.");
    }
  if (head_hash != NULL && self->has_inclusion)
    {
      g_autoptr(GBytes) proof = care_log_proof_decode (self->inclusion, &local);
      guint8 raw[32], leaf[32];

      if (!care_base64url_decode (head_hash, raw, sizeof raw))
        return log_error (error, "A record hash this device kept is damaged.");
      care_log_verify_leaf_hash (raw, sizeof raw, leaf);
      if (proof == NULL
          || !care_log_verify_inclusion (leaf, self->index, self->checkpoint->size, proof,
                                         self->checkpoint->root, &local))
        {
          g_autofree char *text = g_strdup_printf ("The co-op's log does not hold this device's latest delivered "
                                                   "record as it claims (%s). Tell the co-op's administrator.",
                                                   local ? local->message : "no proof");

          return log_error (error, text);
        }
      *included = TRUE;
    }
  return TRUE;
}

char *
care_log_answer_receipt (const CareLogAnswer *self,
                         const char          *hash)
{
  g_autoptr(GString) out = g_string_new ("{\"hash\":");

  care_json_append_string (out, hash);
  g_string_append_printf (out, ",\"index\":%" G_GUINT64_FORMAT ",\"size\":%" G_GUINT64_FORMAT ",\"proof\":",
                          self->index, self->checkpoint->size);
  care_json_append_string (out, self->inclusion);
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}
