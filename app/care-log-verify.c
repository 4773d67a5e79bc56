/* care-log-verify.c: checking the co-op log's proofs (RFC 9162).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verification algorithms of RFC 9162 sections 2.1.3.2 (inclusion)
 * and 2.1.4.2 (consistency), step by step as numbered there. Nothing here
 * builds a tree.
 */
#include "care-config.h"

#include "care-log-verify.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-chain.h"

#define H 32

static GQuark
log_error_quark (void)
{
  return g_quark_from_static_string ("care-log-verify-error");
}

static gboolean
fail (GError    **error,
      const char *message)
{
  g_set_error_literal (error, log_error_quark (), 0, message);
  return FALSE;
}

void
care_log_verify_leaf_hash (const guint8 *data,
                           gsize         length,
                           guint8        out[H])
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  const guint8 prefix[1] = { 0x00 };
  gsize out_len = H;

  g_checksum_update (sha, prefix, 1);
  if (length > 0)
    g_checksum_update (sha, data, length);
  g_checksum_get_digest (sha, out, &out_len);
}

static void
hash_children (const guint8 left[H],
               const guint8 right[H],
               guint8       out[H])
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  const guint8 prefix[1] = { 0x01 };
  guint8 l[H], r[H];
  gsize out_len = H;

  /* out may be left or right */
  memcpy (l, left, H);
  memcpy (r, right, H);
  g_checksum_update (sha, prefix, 1);
  g_checksum_update (sha, l, H);
  g_checksum_update (sha, r, H);
  g_checksum_get_digest (sha, out, &out_len);
}

/* The step both algorithms share after hashing a left sibling: "if
 * LSB(fn) is not set, right-shift both fn and sn equally until either
 * LSB(fn) is set or fn is 0". */
static void
climb_right_edge (guint64 *fn,
                  guint64 *sn)
{
  while (*fn != 0 && (*fn & 1) == 0)
    {
      *fn >>= 1;
      *sn >>= 1;
    }
}

GBytes *
care_log_proof_decode (const char *text,
                       GError    **error)
{
  gsize text_len;

  if (text == NULL)
    {
      fail (error, _("The proof is missing."));
      return NULL;
    }
  text_len = strlen (text);
  for (guint count = 0; count <= CARE_LOG_PROOF_MAX; count++)
    {
      gsize bytes = (gsize) count * H;

      if ((bytes * 4 + 2) / 3 == text_len)
        {
          g_autofree guint8 *data = g_malloc (bytes > 0 ? bytes : 1);

          if (bytes > 0 && !care_base64url_decode (text, data, bytes))
            break;
          return g_bytes_new (data, bytes);
        }
    }
  fail (error, _("The proof is not a list of hashes this program can read."));
  return NULL;
}

gboolean
care_log_verify_inclusion (const guint8  leaf_hash[H],
                           guint64       index,
                           guint64       size,
                           GBytes       *proof,
                           const guint8  root[H],
                           GError      **error)
{
  gsize length = 0;
  const guint8 *path = g_bytes_get_data (proof, &length);
  guint64 fn, sn;
  guint8 r[H];

  if (length % H != 0 || length / H > CARE_LOG_PROOF_MAX)
    return fail (error, _("The proof is not a list of hashes this program can read."));
  /* 1. */
  if (index >= size)
    return fail (error, _("The record's position is beyond the end of the log."));
  /* 2. */
  fn = index;
  sn = size - 1;
  memcpy (r, leaf_hash, H);
  /* 3. */
  for (gsize i = 0; i < length / H; i++)
    {
      const guint8 *p = path + i * H;

      if (sn == 0)
        return fail (error, _("The proof is longer than the log is deep."));
      if ((fn & 1) == 1 || fn == sn)
        {
          hash_children (p, r, r);
          climb_right_edge (&fn, &sn);
        }
      else
        hash_children (r, p, r);
      fn >>= 1;
      sn >>= 1;
    }
  /* 4. */
  if (sn != 0)
    return fail (error, _("The proof is shorter than the log is deep."));
  if (memcmp (r, root, H) != 0)
    return fail (error, _("The record is not in the log the checkpoint describes."));
  return TRUE;
}

gboolean
care_log_verify_consistency (guint64       old_size,
                             const guint8  old_root[H],
                             guint64       size,
                             const guint8  root[H],
                             GBytes       *proof,
                             GError      **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);
  g_autoptr(GPtrArray) path = g_ptr_array_new ();
  guint64 fn, sn;
  guint8 fr[H], sr[H];

  if (length % H != 0 || length / H > CARE_LOG_PROOF_MAX)
    return fail (error, _("The proof is not a list of hashes this program can read."));
  if (old_size > size)
    return fail (error, _("The log is shorter than it was: the co-op has removed records from it."));
  /* The cases the RFC's algorithm leaves out: an empty old tree is a
   * prefix of everything; an unchanged size must keep its head. */
  if (old_size == 0 || old_size == size)
    {
      if (length != 0)
        return fail (error, _("The proof is longer than the log is deep."));
      if (old_size == size && memcmp (old_root, root, H) != 0)
        return fail (error, _("The log has the same length but a different head: the co-op has rewritten it."));
      return TRUE;
    }
  /* 1. */
  if (length == 0)
    return fail (error, _("The proof is missing."));
  /* 2. */
  if ((old_size & (old_size - 1)) == 0)
    g_ptr_array_add (path, (gpointer) old_root);
  for (gsize i = 0; i < length / H; i++)
    g_ptr_array_add (path, (gpointer) (data + i * H));
  /* 3. */
  fn = old_size - 1;
  sn = size - 1;
  /* 4. */
  while ((fn & 1) == 1)
    {
      fn >>= 1;
      sn >>= 1;
    }
  /* 5. */
  memcpy (fr, path->pdata[0], H);
  memcpy (sr, path->pdata[0], H);
  /* 6. */
  for (guint i = 1; i < path->len; i++)
    {
      const guint8 *c = path->pdata[i];

      if (sn == 0)
        return fail (error, _("The proof is longer than the log is deep."));
      if ((fn & 1) == 1 || fn == sn)
        {
          hash_children (c, fr, fr);
          hash_children (c, sr, sr);
          climb_right_edge (&fn, &sn);
        }
      else
        hash_children (sr, c, sr);
      fn >>= 1;
      sn >>= 1;
    }
  /* 7. */
  if (sn != 0)
    return fail (error, _("The proof is shorter than the log is deep."));
  if (memcmp (fr, old_root, H) != 0 || memcmp (sr, root, H) != 0)
    return fail (error, _("The co-op's log does not extend the checkpoint this device kept: it has rewritten or forked its history."));
  return TRUE;
}
