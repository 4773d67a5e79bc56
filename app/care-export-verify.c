/* care-export-verify.c: checking an exported visit.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-export-verify.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "care-chain.h"
#include "care-checkpoint.h"
#include "care-event.h"
#include "care-log-verify.h"
#include "care-sign.h"

#define MAX_RECORDS 100000

static GQuark
export_error_quark (void)
{
  return g_quark_from_static_string ("care-export-verify-error");
}

typedef struct
{
  CareEvent *event;
  char *hash;          /* recomputed from the record */
} Item;

static void
item_clear (Item *item)
{
  g_clear_pointer (&item->event, care_event_free);
  g_clear_pointer (&item->hash, g_free);
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

static gboolean
int_member (JsonObject *o,
            const char *name,
            gint64     *out)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

static const Item *
find_item (GArray     *items,
           const char *device,
           gint64      seq)
{
  for (guint i = 0; i < items->len; i++)
    {
      const Item *it = &g_array_index (items, Item, i);

      if (it->event->seq == seq && g_str_equal (it->event->device, device))
        return it;
    }
  return NULL;
}

static char *
when (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* The device's signature over a head at or after the record, with the
 * chain from the record to that head through the export's records. */
static gboolean
check_signature (GArray      *items,
                 const Item  *item,
                 JsonObject  *sig,
                 GString     *line,
                 GError     **error)
{
  const char *head = string_member (sig, "head");
  const char *signature = string_member (sig, "sig");
  const char *key = string_member (sig, "key");
  g_autofree char *message = NULL;
  const Item *cur = item;
  gint64 head_seq;

  if (head == NULL || signature == NULL || key == NULL || !int_member (sig, "seq", &head_seq)
      || head_seq < item->event->seq || head_seq - item->event->seq > MAX_RECORDS)
    {
      g_set_error (error, export_error_quark (), 0, _("Record %s: its signature entry is malformed."),
                   item->event->id);
      return FALSE;
    }
  for (gint64 seq = item->event->seq + 1; seq <= head_seq; seq++)
    {
      const Item *next = find_item (items, item->event->device, seq);

      if (next == NULL || g_strcmp0 (next->event->link, cur->hash) != 0)
        {
          g_set_error (error, export_error_quark (), 0,
                       _("Record %s: the chain from it to the signed record number %" PRId64
                         " is broken at number %" PRId64 "."), item->event->id, head_seq, seq);
          return FALSE;
        }
      cur = next;
    }
  message = care_chain_head_message (item->event->device, head_seq, cur->hash);
  if (!g_str_equal (cur->hash, head) || !care_sign_verify (key, message, signature))
    {
      g_set_error (error, export_error_quark (), 0,
                   _("Record %s: the device's signature over record number %" PRId64 " does not hold."),
                   item->event->id, head_seq);
      return FALSE;
    }
  g_string_append_printf (line, _("; signed by device %s (key %s)"), item->event->device, key);
  return TRUE;
}

gboolean
care_export_verify (JsonNode   *root,
                    const char *coop_key,
                    GString    *report,
                    GError    **error)
{
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autoptr(CareCheckpoint) cosigned = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *cp_when = NULL;
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *records_node;
  JsonArray *records;

  g_array_set_clear_func (items, (GDestroyNotify) item_clear);
  if (g_strcmp0 (string_member (o, "format"), "carelog-visit-proof:1") != 0)
    {
      g_set_error_literal (error, export_error_quark (), 0,
                           _("This is not an exported visit with proofs (format carelog-visit-proof:1): export "
                             "it with “carelog-server export-visit”."));
      return FALSE;
    }
  cp = care_checkpoint_from_json (json_object_get_member (o, "checkpoint"), &local);
  if (cp == NULL || !care_checkpoint_verify (cp, coop_key, &local))
    {
      g_set_error (error, export_error_quark (), 0, _("The export's checkpoint: %s"), local->message);
      return FALSE;
    }
  cp_when = when (cp->time);
  g_string_append_printf (report, _("The co-op's checkpoint holds: its log had %" PRIu64 " records on %s "
                                    "(epoch %s), signed with key %s%s.\n"),
                          cp->size, cp_when, cp->epoch, cp->key,
                          coop_key != NULL ? _(", the key you gave")
                                           : _(" (check with the co-op that this is its key)"));
  if (json_object_has_member (o, "cosigned"))
    {
      const char *proof_text = string_member (o, "cosigned_consistency");
      g_autoptr(GBytes) proof = NULL;
      CareCheckpointStep step;

      cosigned = care_checkpoint_from_json (json_object_get_member (o, "cosigned"), &local);
      if (cosigned == NULL || !care_checkpoint_verify (cosigned, cp->key, &local)
          || !care_checkpoint_follows (cosigned, cp, proof_text, &step, &local)
          || step == CARE_CHECKPOINT_NEW_EPOCH)
        {
          g_set_error (error, export_error_quark (), 0, _("The export's cosigned checkpoint: %s"),
                       local != NULL ? local->message : _("it is of another epoch"));
          return FALSE;
        }
      for (guint i = 0; i < cosigned->witnesses->len; i++)
        {
          CareCosignature *c = g_ptr_array_index (cosigned->witnesses, i);

          g_string_append_printf (report, _("Witness “%s” (key %s) cosigned the co-op's log of %" PRIu64
                                            " records, which the checkpoint extends.\n"),
                                  c->name, c->key, cosigned->size);
        }
    }
  records_node = json_object_get_member (o, "records");
  if (records_node == NULL || !JSON_NODE_HOLDS_ARRAY (records_node)
      || json_array_get_length (records = json_node_get_array (records_node)) == 0
      || json_array_get_length (records) > MAX_RECORDS)
    {
      g_set_error_literal (error, export_error_quark (), 0, _("The export holds no records."));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *e = json_array_get_element (records, i);
      JsonObject *eo = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      Item item = { 0 };

      item.event = eo != NULL ? care_event_from_json (json_object_get_member (eo, "record"), &local) : NULL;
      if (item.event == NULL)
        {
          g_set_error (error, export_error_quark (), 0, _("Entry %u of the export is not a record: %s"), i + 1,
                       local != NULL ? local->message : _("not an object"));
          return FALSE;
        }
      item.hash = care_event_hash (item.event);
      g_array_append_val (items, item);
      /* Every record's own hash first: a changed byte is named as such,
       * not as a broken chain of the record before it. */
      if (g_strcmp0 (string_member (eo, "hash"), item.hash) != 0)
        {
          g_set_error (error, export_error_quark (), 0,
                       _("Record %s was altered: its content no longer gives the hash the export states."),
                       item.event->id);
          return FALSE;
        }
    }
  for (guint i = 0; i < items->len; i++)
    {
      const Item *item = &g_array_index (items, Item, i);
      JsonObject *eo = json_node_get_object (json_array_get_element (records, i));
      JsonNode *sig = json_object_get_member (eo, "signature");
      const char *proof_text = string_member (eo, "inclusion");
      g_autoptr(GBytes) proof = NULL;
      g_autoptr(GString) line = g_string_new (NULL);
      guint8 raw[32], leaf[32];
      gint64 index;

      if (!int_member (eo, "index", &index) || proof_text == NULL
          || (proof = care_log_proof_decode (proof_text, &local)) == NULL
          || !care_base64url_decode (item->hash, raw, sizeof raw))
        {
          g_set_error (error, export_error_quark (), 0, _("Record %s: its inclusion proof is malformed."),
                       item->event->id);
          return FALSE;
        }
      care_log_verify_leaf_hash (raw, sizeof raw, leaf);
      if (!care_log_verify_inclusion (leaf, (guint64) index, cp->size, proof, cp->root, &local))
        {
          g_set_error (error, export_error_quark (), 0,
                       _("Record %s is not in the co-op's signed log as the export claims: %s"), item->event->id,
                       local->message);
          return FALSE;
        }
      g_string_append_printf (line, _("Record %s (%s, device %s, number %" PRId64 "): unaltered, "
                                      "record %" PRId64 " of the co-op's signed log"),
                              item->event->id, care_event_type_to_string (item->event->type), item->event->device,
                              item->event->seq, index + 1);
      if (sig != NULL)
        {
          if (!JSON_NODE_HOLDS_OBJECT (sig)
              || !check_signature (items, item, json_node_get_object (sig), line, error))
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, export_error_quark (), 0, _("Record %s: its signature entry is malformed."),
                             item->event->id);
              return FALSE;
            }
        }
      else
        g_string_append (line, _("; no device signature in this export (its chain to a signed record runs "
                                 "through records of other visits)"));
      g_string_append (report, line->str);
      g_string_append (report, ".\n");
    }
  return TRUE;
}
