/* care-server-ledger.c: the co-op log as the server publishes it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-server-ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "care-chain.h"
#include "care-log-verify.h"
#include "care-private.h"
#include "care-protocol.h"
#include "care-server-log.h"
#include "care-sign.h"
#include "care-sync-client.h"

#define KEY_FILE "log.key"
#define META_KEY "log.key"
#define META_CHECKPOINT "log.checkpoint"
#define META_COSIGNED "log.cosigned"
#define META_WITNESSES "log.witnesses"
#define MIN_CHECKPOINT_GAP_MS 1000
#define MAX_WITNESSES 16

struct _CareLedger
{
  CareServerStore *store;
  char *private_key;
  char *public_key;
  GMutex lock;           /* the tree, and making checkpoints */
  CareLogTree *tree;     /* the log as far as read, grown from the store */
};

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* The co-op log key is kept in the co-op's database (meta log.key), so
 * that a backup, a restore, a move to PostgreSQL and every server process
 * over one database sign with the same key. A data directory from before
 * (DIR/log.key) has its key taken in. */
static char *
load_or_make_key (CareServerStore *store,
                  const char      *dir,
                  GError         **error)
{
  g_autofree char *stored = store->vtable->get_meta (store, META_KEY);
  g_autofree char *path = dir != NULL ? g_build_filename (dir, KEY_FILE, NULL) : NULL;
  g_autofree char *key = NULL;
  g_autofree char *public_key = NULL;

  if (stored != NULL)
    {
      public_key = care_sign_public_key (stored);
      if (public_key == NULL)
        {
          g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                               "The co-op log key in the database is damaged; restore the database from a backup.");
          return NULL;
        }
      return g_steal_pointer (&stored);
    }
  if (path != NULL && g_file_get_contents (path, &key, NULL, NULL))
    {
      g_strstrip (key);
      public_key = care_sign_public_key (key);
      if (public_key == NULL)
        g_clear_pointer (&key, g_free);
    }
  if (key == NULL && (key = care_sign_key_new (error)) == NULL)
    return NULL;
  if (!store->vtable->set_meta (store, META_KEY, key, error))
    return NULL;
  if (path != NULL)
    g_unlink (path);
  /* Two processes starting at once on a co-op without a key: both use
   * whichever was stored last. */
  return store->vtable->get_meta (store, META_KEY);
}

CareLedger *
care_ledger_new (CareServerStore *store,
                 const char      *dir,
                 GError         **error)
{
  g_autofree char *key = load_or_make_key (store, dir, error);
  CareLedger *self;

  if (key == NULL)
    return NULL;
  self = g_new0 (CareLedger, 1);
  self->store = store;
  self->public_key = care_sign_public_key (key);
  self->private_key = g_steal_pointer (&key);
  g_mutex_init (&self->lock);
  self->tree = care_log_tree_new ();
  return self;
}

void
care_ledger_free (CareLedger *self)
{
  if (self == NULL)
    return;
  if (self->private_key != NULL)
    memset (self->private_key, 0, strlen (self->private_key));
  g_free (self->private_key);
  g_free (self->public_key);
  g_clear_pointer (&self->tree, care_log_tree_free);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const char *
care_ledger_public_key (CareLedger *self)
{
  return self->public_key;
}

static CareCheckpoint *
stored_checkpoint (CareLedger *self,
                   const char *meta)
{
  g_autofree char *text = self->store->vtable->get_meta (self->store, meta);

  return text != NULL ? care_checkpoint_from_string (text, NULL) : NULL;
}

/* Under the lock: the latest checkpoint, made anew over `leaves` when the
 * log grew and the latest is more than a second old, or does not cover
 * leaf `needed` (a tablet asking for the receipt of what it just pushed). */
/* Under the lock: the tree grown by what the store appended since. */
static gboolean
refresh_locked (CareLedger *self,
                GError    **error)
{
  guint64 from = care_log_tree_size (self->tree), size;
  g_autoptr(GBytes) leaves = self->store->vtable->log_leaves (self->store, from, &size, error);
  const guint8 *data;

  if (leaves == NULL)
    return FALSE;
  data = g_bytes_get_data (leaves, NULL);
  for (guint64 i = 0; i < size - from; i++)
    care_log_tree_append (self->tree, data + i * CARE_LOG_HASH_SIZE);
  return TRUE;
}

/* Under the lock: the position of the record with this hash (unpadded
 * base64url of its SHA-256) in the tree; FALSE when the log holds none. */
static gboolean
find_locked (CareLedger *self,
             const char *hash,
             guint64    *index)
{
  guint8 raw[CARE_LOG_HASH_SIZE], leaf[CARE_LOG_HASH_SIZE];

  if (hash == NULL || !care_base64url_decode (hash, raw, sizeof raw))
    return FALSE;
  care_log_leaf_hash (raw, sizeof raw, leaf);
  return care_log_tree_find (self->tree, leaf, index);
}

static CareCheckpoint *
checkpoint_locked (CareLedger   *self,
                   guint64       needed,
                   GError      **error)
{
  guint64 size = care_log_tree_size (self->tree);
  g_autoptr(CareCheckpoint) last = stored_checkpoint (self, META_CHECKPOINT);
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autofree char *epoch = self->store->vtable->get_meta (self->store, "epoch");
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;

  /* Another server process over the same database signed a larger one
   * since this one read the log: read on, and never sign a smaller log
   * after a larger one (a tablet would take it for a shrunk history). */
  if (last != NULL && g_strcmp0 (last->epoch, epoch) == 0 && last->size > size)
    {
      if (!refresh_locked (self, error))
        return NULL;
      size = care_log_tree_size (self->tree);
      if (last->size >= size)
        return g_steal_pointer (&last);
    }
  if (last != NULL && g_strcmp0 (last->epoch, epoch) == 0 && g_strcmp0 (last->key, self->public_key) == 0
      && (last->size == size
          || (last->size < size && needed < last->size && now_ms () - last->time < MIN_CHECKPOINT_GAP_MS)))
    return g_steal_pointer (&last);
  cp = g_new0 (CareCheckpoint, 1);
  cp->witnesses = g_ptr_array_new ();
  cp->key = g_strdup (self->public_key);
  cp->epoch = g_strdup (epoch != NULL ? epoch : "0");
  cp->size = size;
  care_log_tree_root (self->tree, size, cp->root);
  cp->time = MAX (now_ms (), last != NULL ? last->time + 1 : 0);
  message = care_checkpoint_message (cp);
  cp->sig = care_sign (self->private_key, message);
  text = care_checkpoint_to_string (cp);
  if (!self->store->vtable->set_meta (self->store, META_CHECKPOINT, text, error))
    return NULL;
  return g_steal_pointer (&cp);
}

gboolean
care_ledger_refresh (CareLedger *self,
                     GError    **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  /* Not read yet: the first log request reads the whole log; a push must
   * not (a million leaves take seconds, and answers queue behind it). */
  if (care_log_tree_size (self->tree) > 0)
    ok = refresh_locked (self, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

CareCheckpoint *
care_ledger_checkpoint (CareLedger *self,
                        GError    **error)
{
  CareCheckpoint *cp = NULL;

  g_mutex_lock (&self->lock);
  if (refresh_locked (self, error))
    cp = checkpoint_locked (self, 0, error);
  g_mutex_unlock (&self->lock);
  return cp;
}

GString *
care_ledger_answer (CareLedger *self,
                    gint64      from,
                    const char *hash,
                    GError    **error)
{
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autoptr(CareCheckpoint) cosigned = NULL;
  g_autoptr(GBytes) consistency = NULL;
  g_autoptr(GBytes) inclusion = NULL;
  g_autofree char *cp_text = NULL;
  guint64 index = 0;
  gboolean found;
  GString *out;

  g_mutex_lock (&self->lock);
  found = FALSE;
  if (refresh_locked (self, error))
    {
      found = find_locked (self, hash, &index);
      cp = checkpoint_locked (self, found ? index : 0, error);
    }
  /* The checkpoint may be up to a second older than the tree. */
  if (cp != NULL && from > 0 && (guint64) from < cp->size)
    consistency = care_log_tree_consistency_proof (self->tree, cp->size, (guint64) from);
  if (cp != NULL && found && index < cp->size)
    inclusion = care_log_tree_inclusion_proof (self->tree, cp->size, index);
  g_mutex_unlock (&self->lock);
  if (cp == NULL)
    return NULL;
  out = g_string_new ("{\"checkpoint\":");
  cp_text = care_checkpoint_to_string (cp);
  g_string_append (out, cp_text);
  cosigned = stored_checkpoint (self, META_COSIGNED);
  if (cosigned != NULL && g_strcmp0 (cosigned->epoch, cp->epoch) == 0 && cosigned->size <= cp->size)
    {
      g_autofree char *text = care_checkpoint_to_string (cosigned);

      g_string_append (out, ",\"cosigned\":");
      g_string_append (out, text);
    }
  if (consistency != NULL)
    {
      g_autofree char *text = care_log_proof_encode (consistency);

      g_string_append (out, ",\"consistency\":");
      care_json_append_string (out, text);
    }
  if (inclusion != NULL)
    {
      g_autofree char *text = care_log_proof_encode (inclusion);

      g_string_append_printf (out, ",\"inclusion\":{\"index\":%" G_GUINT64_FORMAT ",\"proof\":", index);
      care_json_append_string (out, text);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
  return out;
}

/* The registered witnesses: one "NAME KEY" per line. */
static char *
witness_name (CareServerStore *store,
              const char      *key)
{
  g_autofree char *text = store->vtable->get_meta (store, META_WITNESSES);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strchr (lines[i], ' ');

      if (space != NULL && g_str_equal (space + 1, key))
        return g_strndup (lines[i], space - lines[i]);
    }
  return NULL;
}

gboolean
care_ledger_add_witness (CareServerStore *store,
                         const char      *name,
                         const char      *key,
                         GError         **error)
{
  g_autofree char *text = store->vtable->get_meta (store, META_WITNESSES);
  g_autofree char *known = NULL;
  g_autoptr(GString) out = g_string_new (text);

  if (name == NULL || name[0] == '\0' || strlen (name) > 64 || strpbrk (name, " \n\t") != NULL)
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                           "A witness's name is one word of at most 64 characters (for example the other co-op's "
                           "or the commissioner's short name).");
      return FALSE;
    }
  if (key == NULL || !care_sign_key_is_valid (key))
    {
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                           "That is not a witness key: give the 43-character key that “carelog-server witness "
                           "--show-key” printed on the witness's machine.");
      return FALSE;
    }
  known = witness_name (store, key);
  if (known != NULL)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_EXISTS,
                   "That key is already registered, for witness “%s”.", known);
      return FALSE;
    }
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  g_string_append_printf (out, "%s %s\n", name, key);
  return store->vtable->set_meta (store, META_WITNESSES, out->str, error);
}

static const char *
body_string (JsonObject *o,
             const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

gboolean
care_ledger_cosign (CareLedger *self,
                    JsonNode   *body,
                    GError    **error)
{
  g_autoptr(CareCheckpoint) latest = NULL;
  g_autoptr(CareCheckpoint) cosigned = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  const char *key, *sig, *root;
  JsonObject *o;
  JsonNode *size;
  gboolean ok;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                           "A cosignature is a JSON object with key, sig, size and root.");
      return FALSE;
    }
  o = json_node_get_object (body);
  key = body_string (o, "key");
  sig = body_string (o, "sig");
  root = body_string (o, "root");
  size = json_object_get_member (o, "size");
  if (key == NULL || sig == NULL || root == NULL || size == NULL
      || json_node_get_value_type (size) != G_TYPE_INT64)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                           "A cosignature is a JSON object with key, sig, size and root.");
      return FALSE;
    }
  name = witness_name (self->store, key);
  if (name == NULL)
    {
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_FORBIDDEN,
                           "This witness key is not registered with the co-op: ask its administrator to run "
                           "“carelog-server witness-add”.");
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  /* Only the co-op's latest checkpoint can be cosigned: the witness read
   * it a moment ago. */
  latest = stored_checkpoint (self, META_CHECKPOINT);
  if (latest == NULL || (guint64) json_node_get_int (size) != latest->size)
    ok = FALSE;
  else
    {
      g_autofree char *latest_root = care_base64url_encode (latest->root, sizeof latest->root);

      ok = g_str_equal (latest_root, root);
    }
  if (!ok)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BAD_REQUEST,
                           "That is not the co-op's latest checkpoint; read it again and cosign that.");
      return FALSE;
    }
  message = care_checkpoint_cosign_message (latest);
  if (!care_sign_verify (key, message, sig))
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_FORBIDDEN,
                           "The witness's signature does not hold for the co-op's latest checkpoint.");
      return FALSE;
    }
  cosigned = stored_checkpoint (self, META_COSIGNED);
  if (cosigned == NULL || cosigned->size != latest->size || g_strcmp0 (cosigned->epoch, latest->epoch) != 0
      || memcmp (cosigned->root, latest->root, sizeof latest->root) != 0)
    {
      g_clear_pointer (&cosigned, care_checkpoint_free);
      cosigned = care_checkpoint_copy (latest);
    }
  if (cosigned->witnesses->len < MAX_WITNESSES)
    care_checkpoint_add_cosignature (cosigned, name, key, sig);
  text = care_checkpoint_to_string (cosigned);
  ok = self->store->vtable->set_meta (self->store, META_COSIGNED, text, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
care_ledger_verify (CareLedger *self,
                    GString    *report,
                    GError    **error)
{
  g_autoptr(GBytes) leaves = NULL;
  g_autoptr(CareCheckpoint) latest = stored_checkpoint (self, META_CHECKPOINT);
  g_autoptr(GError) local = NULL;
  guint8 root[32];
  guint64 size;

  /* Read whole again, not the tree this process keeps. */
  leaves = self->store->vtable->log_leaves (self->store, 0, &size, error);
  if (leaves == NULL)
    return FALSE;
  if (latest == NULL)
    {
      g_string_append_printf (report, "The co-op log holds %" G_GUINT64_FORMAT " records; no checkpoint was "
                              "signed yet.\n", size);
      return TRUE;
    }
  if (!care_checkpoint_verify (latest, self->public_key, &local))
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID, "The co-op's latest checkpoint: %s",
                   local->message);
      return FALSE;
    }
  if (latest->size > size)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "The co-op log holds %" G_GUINT64_FORMAT " records, fewer than the %" G_GUINT64_FORMAT
                   " its latest checkpoint signed: records were removed from it.", size, latest->size);
      return FALSE;
    }
  care_log_root (g_bytes_get_data (leaves, NULL), latest->size, root);
  if (memcmp (root, latest->root, sizeof root) != 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                   "The co-op log's first %" G_GUINT64_FORMAT " records no longer give the root its checkpoint "
                   "signed: the log was altered.", latest->size);
      return FALSE;
    }
  g_string_append_printf (report, "The co-op log holds %" G_GUINT64_FORMAT " records; its latest checkpoint (%"
                          G_GUINT64_FORMAT " records) holds.\n", size, latest->size);
  return TRUE;
}

/* ---- exports ---- */

static void
csv_field (GString    *out,
           const char *text,
           gboolean    last)
{
  g_string_append_c (out, '"');
  for (const char *p = text != NULL ? text : ""; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append (out, last ? "\"\r\n" : "\",");
}

typedef struct
{
  CareEvent *event;
  char *hash;
  guint64 index;
  gboolean found;
} Entry;

static gboolean
in_visit (GPtrArray  *history,
          const char *device,
          gint64      seq)
{
  for (guint i = 0; i < history->len; i++)
    {
      CareStoredEvent *st = g_ptr_array_index (history, i);

      if (st->event->seq == seq && g_str_equal (st->event->device, device))
        return TRUE;
    }
  return FALSE;
}

gboolean
care_ledger_export_visit (CareLedger *self,
                          const char *visit,
                          JsonNode  **json,
                          GString    *csv,
                          GError    **error)
{
  CareServerStore *store = self->store;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) proofs = NULL;
  g_autoptr(GBytes) cosigned_proof = NULL;
  g_autoptr(CareCheckpoint) cp = NULL;
  g_autoptr(CareCheckpoint) cosigned = stored_checkpoint (self, META_COSIGNED);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree Entry *entries = NULL;
  g_autofree char *cp_root = NULL;
  CareServerTx *tx;
  guint64 size, needed = 0, cosigned_size = cosigned != NULL && cosigned->witnesses->len > 0 ? cosigned->size : 0;
  gboolean ok;

  tx = store->vtable->tx_begin (store, error);
  if (tx == NULL)
    return FALSE;
  history = store->vtable->tx_history (tx, visit, ~0u);
  store->vtable->tx_rollback (tx);
  if (history->len == 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_NOT_FOUND, "The co-op holds no records of visit %s.",
                   visit);
      return FALSE;
    }
  entries = g_new0 (Entry, history->len);
  for (guint i = 0; i < history->len; i++)
    entries[i].hash = care_event_hash (((CareStoredEvent *) g_ptr_array_index (history, i))->event);
  g_mutex_lock (&self->lock);
  ok = refresh_locked (self, error);
  for (guint i = 0; ok && i < history->len; i++)
    entries[i].found = find_locked (self, entries[i].hash, &entries[i].index);
  g_mutex_unlock (&self->lock);
  if (!ok)
    {
      for (guint i = 0; i < history->len; i++)
        g_free (entries[i].hash);
      return FALSE;
    }
  for (guint i = 0; i < history->len; i++)
    {
      CareStoredEvent *st = g_ptr_array_index (history, i);

      entries[i].event = st->event;
      if (!entries[i].found)
        {
          g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_INVALID,
                       "Record %s of visit %s is not in the co-op log as it is stored now: it was altered. Run "
                       "“carelog-server verify”.", st->event->id, visit);
          for (guint j = 0; j < history->len; j++)
            g_free (entries[j].hash);
          return FALSE;
        }
      needed = MAX (needed, entries[i].index);
    }
  g_mutex_lock (&self->lock);
  cp = checkpoint_locked (self, needed, error);
  size = care_log_tree_size (self->tree);
  if (cp != NULL && cp->size <= size)
    {
      /* The proofs, under the same lock: against this checkpoint. */
      proofs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < history->len; i++)
        g_ptr_array_add (proofs, care_log_tree_inclusion_proof (self->tree, cp->size, entries[i].index));
      if (cosigned_size > 0 && cosigned_size < cp->size)
        cosigned_proof = care_log_tree_consistency_proof (self->tree, cp->size, cosigned_size);
    }
  g_mutex_unlock (&self->lock);
  if (cp != NULL && cp->size > size)
    {
      g_clear_pointer (&cp, care_checkpoint_free);
      g_set_error_literal (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_BUSY,
                           "The co-op log grew while the export was made; run the command again.");
    }
  if (cp == NULL)
    {
      for (guint j = 0; j < history->len; j++)
        g_free (entries[j].hash);
      return FALSE;
    }
  cp_root = care_base64url_encode (cp->root, sizeof cp->root);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "carelog-visit-proof:1");
  json_builder_set_member_name (b, "visit");
  json_builder_add_string_value (b, visit);
  json_builder_set_member_name (b, "checkpoint");
  json_builder_add_value (b, care_checkpoint_to_json (cp));
  if (cosigned != NULL && g_strcmp0 (cosigned->epoch, cp->epoch) == 0 && cosigned->size <= cp->size
      && cosigned->witnesses->len > 0)
    {
      json_builder_set_member_name (b, "cosigned");
      json_builder_add_value (b, care_checkpoint_to_json (cosigned));
      if (cosigned_proof != NULL)
        {
          g_autofree char *text = care_log_proof_encode (cosigned_proof);

          json_builder_set_member_name (b, "cosigned_consistency");
          json_builder_add_string_value (b, text);
        }
    }
  if (csv != NULL)
    g_string_append (csv, "visit,record,device,seq,type,wall,author,hash,link,leaf_index,inclusion_proof,"
                          "signed_seq,signed_head,signature,device_key,checkpoint_epoch,checkpoint_size,"
                          "checkpoint_root,checkpoint_time,checkpoint_key,checkpoint_sig,record_json\r\n");
  json_builder_set_member_name (b, "records");
  json_builder_begin_array (b);
  for (guint i = 0; i < history->len; i++)
    {
      Entry *e = &entries[i];
      g_autofree char *proof_text = care_log_proof_encode (g_ptr_array_index (proofs, i));
      g_autofree char *head = NULL, *sig = NULL, *record_text = NULL;
      g_autoptr(CareDeviceRow) device = NULL;
      g_autoptr(JsonNode) record = care_event_to_json (e->event);
      gint64 head_seq = 0;
      gboolean signed_here = FALSE;

      if (store->vtable->signed_head_after (store, e->event->device, e->event->seq, &head_seq, &head, &sig)
          && (device = store->vtable->lookup_device (store, e->event->device, NULL)) != NULL
          && device->sign_key != NULL)
        {
          /* Only when the chain from the record to the signed head runs
           * through this visit's records: an export carries no other
           * client's care. */
          signed_here = TRUE;
          for (gint64 seq = e->event->seq + 1; seq <= head_seq && signed_here; seq++)
            signed_here = in_visit (history, e->event->device, seq);
        }
      record_text = json_to_string (record, FALSE);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "record");
      json_builder_add_value (b, g_steal_pointer (&record));
      json_builder_set_member_name (b, "hash");
      json_builder_add_string_value (b, e->hash);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, (gint64) e->index);
      json_builder_set_member_name (b, "inclusion");
      json_builder_add_string_value (b, proof_text);
      if (signed_here)
        {
          json_builder_set_member_name (b, "signature");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, head_seq);
          json_builder_set_member_name (b, "head");
          json_builder_add_string_value (b, head);
          json_builder_set_member_name (b, "sig");
          json_builder_add_string_value (b, sig);
          json_builder_set_member_name (b, "key");
          json_builder_add_string_value (b, device->sign_key);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      if (csv != NULL)
        {
          g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, e->event->seq);
          g_autofree char *wall = g_strdup_printf ("%" G_GINT64_FORMAT, e->event->wall);
          g_autofree char *index = g_strdup_printf ("%" G_GUINT64_FORMAT, e->index);
          g_autofree char *hseq = signed_here ? g_strdup_printf ("%" G_GINT64_FORMAT, head_seq) : NULL;
          g_autofree char *cps = g_strdup_printf ("%" G_GUINT64_FORMAT, cp->size);
          g_autofree char *cpt = g_strdup_printf ("%" G_GINT64_FORMAT, cp->time);

          csv_field (csv, visit, FALSE);
          csv_field (csv, e->event->id, FALSE);
          csv_field (csv, e->event->device, FALSE);
          csv_field (csv, seq, FALSE);
          csv_field (csv, care_event_type_to_string (e->event->type), FALSE);
          csv_field (csv, wall, FALSE);
          csv_field (csv, e->event->author, FALSE);
          csv_field (csv, e->hash, FALSE);
          csv_field (csv, e->event->link, FALSE);
          csv_field (csv, index, FALSE);
          csv_field (csv, proof_text, FALSE);
          csv_field (csv, hseq, FALSE);
          csv_field (csv, signed_here ? head : NULL, FALSE);
          csv_field (csv, signed_here ? sig : NULL, FALSE);
          csv_field (csv, signed_here ? device->sign_key : NULL, FALSE);
          csv_field (csv, cp->epoch, FALSE);
          csv_field (csv, cps, FALSE);
          csv_field (csv, cp_root, FALSE);
          csv_field (csv, cpt, FALSE);
          csv_field (csv, cp->key, FALSE);
          csv_field (csv, cp->sig, FALSE);
          csv_field (csv, record_text, TRUE);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  for (guint j = 0; j < history->len; j++)
    g_free (entries[j].hash);
  *json = json_builder_get_root (b);
  return TRUE;
}
