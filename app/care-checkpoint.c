/* care-checkpoint.c: the co-op log's signed checkpoints.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-checkpoint.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "care-chain.h"
#include "care-log-verify.h"
#include "care-sign.h"

#define MAX_WITNESSES 16
#define MAX_NAME 64
#define MAX_EPOCH 64

static GQuark
checkpoint_error_quark (void)
{
  return g_quark_from_static_string ("care-checkpoint-error");
}

static void
cosignature_free (CareCosignature *c)
{
  g_free (c->name);
  g_free (c->key);
  g_free (c->sig);
  g_free (c);
}

void
care_checkpoint_free (CareCheckpoint *self)
{
  if (self == NULL)
    return;
  g_free (self->key);
  g_free (self->epoch);
  g_free (self->sig);
  g_clear_pointer (&self->witnesses, g_ptr_array_unref);
  g_free (self);
}

void
care_checkpoint_add_cosignature (CareCheckpoint *self,
                                 const char     *name,
                                 const char     *key,
                                 const char     *sig)
{
  CareCosignature *c = g_new0 (CareCosignature, 1);

  c->name = g_strdup (name);
  c->key = g_strdup (key);
  c->sig = g_strdup (sig);
  /* A witness cosigns once: a newer cosignature replaces its older one. */
  for (guint i = 0; i < self->witnesses->len; i++)
    if (g_str_equal (((CareCosignature *) g_ptr_array_index (self->witnesses, i))->key, key))
      {
        g_ptr_array_remove_index (self->witnesses, i);
        break;
      }
  g_ptr_array_add (self->witnesses, c);
}

CareCheckpoint *
care_checkpoint_copy (const CareCheckpoint *self)
{
  CareCheckpoint *copy = g_new0 (CareCheckpoint, 1);

  copy->key = g_strdup (self->key);
  copy->epoch = g_strdup (self->epoch);
  copy->size = self->size;
  memcpy (copy->root, self->root, sizeof copy->root);
  copy->time = self->time;
  copy->sig = g_strdup (self->sig);
  copy->witnesses = g_ptr_array_new_with_free_func ((GDestroyNotify) cosignature_free);
  for (guint i = 0; self->witnesses != NULL && i < self->witnesses->len; i++)
    {
      CareCosignature *c = g_ptr_array_index (self->witnesses, i);

      care_checkpoint_add_cosignature (copy, c->name, c->key, c->sig);
    }
  return copy;
}

static char *
signed_text (const char           *what,
             const CareCheckpoint *self)
{
  g_autofree char *root = care_base64url_encode (self->root, sizeof self->root);

  return g_strdup_printf ("%s %s %s %" G_GUINT64_FORMAT " %s %" G_GINT64_FORMAT, what, self->key, self->epoch,
                          self->size, root, self->time);
}

char *
care_checkpoint_message (const CareCheckpoint *self)
{
  return signed_text ("carelog-checkpoint:1", self);
}

char *
care_checkpoint_cosign_message (const CareCheckpoint *self)
{
  return signed_text ("carelog-cosign:1", self);
}

/* ---- JSON ---- */

static gboolean
bad (GError    **error,
     const char *message)
{
  g_set_error_literal (error, checkpoint_error_quark (), 0, message);
  return FALSE;
}

static const char *
member_string (JsonObject *o,
               const char *name,
               gsize       max)
{
  JsonNode *n = json_object_get_member (o, name);
  const char *s;

  if (n == NULL || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (n);
  if (s[0] == '\0' || strlen (s) > max)
    return NULL;
  return s;
}

static gboolean
member_int (JsonObject *o,
            const char *name,
            gint64     *out)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

static gboolean
only_members (JsonObject         *o,
              const char * const *names)
{
  g_autoptr(GList) members = json_object_get_members (o);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (names, l->data))
      return FALSE;
  return TRUE;
}

static gboolean
is_epoch (const char *s)
{
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

CareCheckpoint *
care_checkpoint_from_json (JsonNode *node,
                           GError  **error)
{
  static const char * const names[] = { "key", "epoch", "size", "root", "time", "sig", "witnesses", NULL };
  static const char * const witness_names[] = { "name", "key", "sig", NULL };
  g_autoptr(CareCheckpoint) cp = g_new0 (CareCheckpoint, 1);
  JsonObject *o;
  JsonNode *w;
  const char *key, *epoch, *root, *sig;
  gint64 size, time;

  cp->witnesses = g_ptr_array_new_with_free_func ((GDestroyNotify) cosignature_free);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, _("The co-op's checkpoint is not a JSON object.")), NULL;
  o = json_node_get_object (node);
  key = member_string (o, "key", CARE_SIGN_KEY_LEN);
  epoch = member_string (o, "epoch", MAX_EPOCH);
  root = member_string (o, "root", CARE_HASH_LEN);
  sig = member_string (o, "sig", CARE_SIGNATURE_LEN);
  if (!only_members (o, names) || key == NULL || !care_sign_key_is_valid (key) || epoch == NULL
      || !is_epoch (epoch) || root == NULL || !care_base64url_decode (root, cp->root, sizeof cp->root)
      || sig == NULL || strlen (sig) != CARE_SIGNATURE_LEN || !member_int (o, "size", &size)
      || !member_int (o, "time", &time))
    return bad (error, _("The co-op's checkpoint is malformed: it needs exactly key, epoch, size, root, time "
                         "and sig, each well formed.")), NULL;
  cp->key = g_strdup (key);
  cp->epoch = g_strdup (epoch);
  cp->size = (guint64) size;
  cp->time = time;
  cp->sig = g_strdup (sig);
  w = json_object_get_member (o, "witnesses");
  if (w != NULL)
    {
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (w) || json_array_get_length (a = json_node_get_array (w)) > MAX_WITNESSES)
        return bad (error, _("The co-op's checkpoint lists its witnesses wrongly.")), NULL;
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *wo;
          const char *wname, *wkey, *wsig;

          if (!JSON_NODE_HOLDS_OBJECT (e) || !only_members (wo = json_node_get_object (e), witness_names)
              || (wname = member_string (wo, "name", MAX_NAME)) == NULL
              || (wkey = member_string (wo, "key", CARE_SIGN_KEY_LEN)) == NULL || !care_sign_key_is_valid (wkey)
              || (wsig = member_string (wo, "sig", CARE_SIGNATURE_LEN)) == NULL
              || strlen (wsig) != CARE_SIGNATURE_LEN)
            return bad (error, _("A witness's cosignature on the co-op's checkpoint is malformed.")), NULL;
          care_checkpoint_add_cosignature (cp, wname, wkey, wsig);
        }
    }
  return g_steal_pointer (&cp);
}

CareCheckpoint *
care_checkpoint_from_string (const char *text,
                             GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return bad (error, _("The kept checkpoint is not JSON.")), NULL;
  return care_checkpoint_from_json (json_parser_get_root (parser), error);
}

JsonNode *
care_checkpoint_to_json (const CareCheckpoint *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autofree char *root = care_base64url_encode (self->root, sizeof self->root);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, self->key);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_string_value (b, self->epoch);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) self->size);
  json_builder_set_member_name (b, "root");
  json_builder_add_string_value (b, root);
  json_builder_set_member_name (b, "time");
  json_builder_add_int_value (b, self->time);
  json_builder_set_member_name (b, "sig");
  json_builder_add_string_value (b, self->sig);
  if (self->witnesses != NULL && self->witnesses->len > 0)
    {
      json_builder_set_member_name (b, "witnesses");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->witnesses->len; i++)
        {
          CareCosignature *c = g_ptr_array_index (self->witnesses, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, c->name);
          json_builder_set_member_name (b, "key");
          json_builder_add_string_value (b, c->key);
          json_builder_set_member_name (b, "sig");
          json_builder_add_string_value (b, c->sig);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
care_checkpoint_to_string (const CareCheckpoint *self)
{
  g_autoptr(JsonNode) node = care_checkpoint_to_json (self);

  return json_to_string (node, FALSE);
}

/* ---- checking ---- */

gboolean
care_checkpoint_verify (const CareCheckpoint *self,
                        const char           *expected_key,
                        GError              **error)
{
  g_autofree char *message = care_checkpoint_message (self);
  g_autofree char *cosign = NULL;

  if (expected_key != NULL && g_strcmp0 (expected_key, self->key) != 0)
    return bad (error, _("The co-op's checkpoint is signed with another key than the one this device learnt "
                         "from the co-op before: someone else may be answering for the co-op."));
  if (!care_sign_verify (self->key, message, self->sig))
    return bad (error, _("The co-op's signature on its checkpoint does not hold."));
  cosign = care_checkpoint_cosign_message (self);
  for (guint i = 0; self->witnesses != NULL && i < self->witnesses->len; i++)
    {
      CareCosignature *c = g_ptr_array_index (self->witnesses, i);

      if (!care_sign_verify (c->key, cosign, c->sig))
        {
          g_set_error (error, checkpoint_error_quark (), 0,
                       _("Witness “%s”'s cosignature on the co-op's checkpoint does not hold."), c->name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
care_checkpoint_follows (const CareCheckpoint *last,
                         const CareCheckpoint *next,
                         const char           *consistency,
                         CareCheckpointStep   *step,
                         GError              **error)
{
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *when = NULL;
  g_autoptr(GDateTime) dt = NULL;

  *step = CARE_CHECKPOINT_SAME;
  if (g_strcmp0 (last->epoch, next->epoch) != 0)
    {
      /* Declared by the co-op's own signature (checked by the caller):
       * a restore from a backup, seen as such, never silently. */
      *step = CARE_CHECKPOINT_NEW_EPOCH;
      return TRUE;
    }
  dt = g_date_time_new_from_unix_utc (last->time / 1000);
  when = dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
  if (next->size < last->size)
    {
      g_set_error (error, checkpoint_error_quark (), 0,
                   _("The co-op's log shrank from %" PRIu64 " records (its checkpoint of %s) to %"
                     PRIu64 " without declaring a restore: records were removed from the co-op's "
                     "history. Tell the co-op's administrator."), last->size, when, next->size);
      return FALSE;
    }
  if (next->size == last->size)
    {
      if (memcmp (next->root, last->root, sizeof next->root) != 0)
        {
          g_set_error (error, checkpoint_error_quark (), 0,
                       _("The co-op's log of %" PRIu64 " records no longer has the root it signed on "
                         "%s: its history was rewritten. Tell the co-op's administrator."), last->size, when);
          return FALSE;
        }
      return TRUE;
    }
  proof = consistency != NULL ? care_log_proof_decode (consistency, &local) : NULL;
  if (proof == NULL
      || !care_log_verify_consistency (last->size, last->root, next->size, next->root, proof, &local))
    {
      g_set_error (error, checkpoint_error_quark (), 0,
                   _("The co-op's log of %" PRIu64 " records does not begin with the %"
                     PRIu64 " records it signed on %s: its history was rewritten or forked. "
                     "Tell the co-op's administrator."), next->size, last->size, when);
      return FALSE;
    }
  *step = CARE_CHECKPOINT_EXTENDS;
  return TRUE;
}
