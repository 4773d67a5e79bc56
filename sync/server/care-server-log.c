/* care-server-log.c: building the co-op's Merkle log (RFC 9162).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The recursive definitions of RFC 9162 section 2.1, as written there:
 * MTH, PATH and PROOF/SUBPROOF. Each call walks the leaves it covers, so a
 * proof costs O(size) hashes; that is for a store that keeps only leaves.
 */
#include "care-config.h"

#include "care-server-log.h"

#include "care-chain.h"

#include <string.h>
#include <nettle/sha2.h>

#define H CARE_LOG_HASH_SIZE

void
care_log_leaf_hash (const guint8 *data,
                    gsize         length,
                    guint8        out[H])
{
  struct sha256_ctx sha;
  const guint8 prefix = 0x00;

  sha256_init (&sha);
  sha256_update (&sha, 1, &prefix);
  sha256_update (&sha, length, data);
  sha256_digest (&sha, H, out);
}

void
care_log_node_hash (const guint8 left[H],
                    const guint8 right[H],
                    guint8       out[H])
{
  struct sha256_ctx sha;
  const guint8 prefix = 0x01;

  sha256_init (&sha);
  sha256_update (&sha, 1, &prefix);
  sha256_update (&sha, H, left);
  sha256_update (&sha, H, right);
  sha256_digest (&sha, H, out);
}

/* The largest power of two strictly below n (n >= 2). */
static guint64
split_point (guint64 n)
{
  guint64 k = 1;

  while (k << 1 < n)
    k <<= 1;
  return k;
}

/* The tree keeps, for each level k, the hash of every complete subtree of
 * 2^k leaves that starts at a multiple of 2^k (level 0: the leaves). Every
 * subtree the RFC's recursions below meet whose size is a power of two is
 * such a subtree (the recursion only ever splits at powers of two), so its
 * hash is looked up rather than computed again: a head or a proof costs
 * O(log² n) hashes instead of O(n). */
#define LEVELS 64

struct _CareLogTree
{
  guint64 size;
  GByteArray *levels[LEVELS];
  /* Finding a leaf: open addressing over the leaves' first eight bytes
   * (uniform: they are SHA-256 output), each slot a leaf index + 1 (0:
   * empty), at most half full: 8 to 16 bytes a leaf. Leaves past the
   * 4,294,967,294th are still in the tree but not found. */
  guint32 *slots;
  guint64 n_slots;              /* a power of two, or 0 */
};

CareLogTree *
care_log_tree_new (void)
{
  CareLogTree *t = g_new0 (CareLogTree, 1);

  t->levels[0] = g_byte_array_new ();
  return t;
}

void
care_log_tree_free (CareLogTree *t)
{
  if (t == NULL)
    return;
  for (guint k = 0; k < LEVELS; k++)
    if (t->levels[k] != NULL)
      g_byte_array_unref (t->levels[k]);
  g_free (t->slots);
  g_free (t);
}

static guint64
leaf_key (const guint8 *leaf)
{
  guint64 key;

  memcpy (&key, leaf, sizeof key);
  return key;
}

/* Adds leaf `index` to the finder; the first of equal leaves is kept. */
static void
finder_add (CareLogTree *t,
            guint64      index)
{
  const guint8 *leaf = t->levels[0]->data + index * H;
  guint64 mask = t->n_slots - 1;

  if (index >= G_MAXUINT32)
    return;
  for (guint64 i = leaf_key (leaf) & mask;; i = (i + 1) & mask)
    {
      if (t->slots[i] == 0)
        {
          t->slots[i] = (guint32) (index + 1);
          return;
        }
      if (memcmp (t->levels[0]->data + (guint64) (t->slots[i] - 1) * H, leaf, H) == 0)
        return;
    }
}

static void
finder_grow (CareLogTree *t)
{
  if (t->size * 2 <= t->n_slots)
    return;
  g_free (t->slots);
  t->n_slots = MAX (t->n_slots * 2, 1024);
  while (t->size * 2 > t->n_slots)
    t->n_slots *= 2;
  t->slots = g_new0 (guint32, t->n_slots);
  for (guint64 i = 0; i < t->size; i++)
    finder_add (t, i);
}

gboolean
care_log_tree_find (CareLogTree  *t,
                    const guint8  leaf[H],
                    guint64      *index)
{
  guint64 mask = t->n_slots - 1;

  if (t->n_slots == 0)
    return FALSE;
  for (guint64 i = leaf_key (leaf) & mask; t->slots[i] != 0; i = (i + 1) & mask)
    if (memcmp (t->levels[0]->data + (guint64) (t->slots[i] - 1) * H, leaf, H) == 0)
      {
        *index = (guint64) t->slots[i] - 1;
        return TRUE;
      }
  return FALSE;
}

guint64
care_log_tree_size (CareLogTree *t)
{
  return t->size;
}

void
care_log_tree_append (CareLogTree  *t,
                      const guint8  leaf[H])
{
  guint8 node[H];

  g_byte_array_append (t->levels[0], leaf, H);
  t->size++;
  if (t->size * 2 > t->n_slots)
    finder_grow (t);
  else
    finder_add (t, t->size - 1);
  /* Each completed pair at a level makes one node above it. */
  for (guint k = 0; k + 1 < LEVELS && t->levels[k]->len / H % 2 == 0; k++)
    {
      const guint8 *pair = t->levels[k]->data + t->levels[k]->len - 2 * H;

      care_log_node_hash (pair, pair + H, node);
      if (t->levels[k + 1] == NULL)
        t->levels[k + 1] = g_byte_array_new ();
      g_byte_array_append (t->levels[k + 1], node, H);
    }
}

/* MTH(D[offset : offset + n]) for n >= 1 */
static void
mth (CareLogTree *t,
     guint64      offset,
     guint64      n,
     guint8       out[H])
{
  guint64 k;
  guint8 left[H], right[H];

  if ((n & (n - 1)) == 0)
    {
      guint level = (guint) g_bit_nth_lsf (n, -1);

      g_assert (offset % n == 0 && t->levels[level] != NULL && (offset / n + 1) * H <= t->levels[level]->len);
      memcpy (out, t->levels[level]->data + offset / n * H, H);
      return;
    }
  k = split_point (n);
  mth (t, offset, k, left);
  mth (t, offset + k, n - k, right);
  care_log_node_hash (left, right, out);
}

void
care_log_tree_root (CareLogTree *t,
                    guint64      size,
                    guint8       out[H])
{
  g_return_if_fail (size <= t->size);
  if (size == 0)
    {
      g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
      gsize out_len = H;

      g_checksum_get_digest (sha, out, &out_len);
      return;
    }
  mth (t, 0, size, out);
}

static void
append_mth (GByteArray  *proof,
            CareLogTree *t,
            guint64      offset,
            guint64      n)
{
  guint8 hash[H];

  mth (t, offset, n, hash);
  g_byte_array_append (proof, hash, H);
}

/* PATH(m, D[offset : offset + n]) */
static void
path (GByteArray  *proof,
      CareLogTree *t,
      guint64      offset,
      guint64      n,
      guint64      m)
{
  guint64 k;

  if (n <= 1)
    return;
  k = split_point (n);
  if (m < k)
    {
      path (proof, t, offset, k, m);
      append_mth (proof, t, offset + k, n - k);
    }
  else
    {
      path (proof, t, offset + k, n - k, m - k);
      append_mth (proof, t, offset, k);
    }
}

GBytes *
care_log_tree_inclusion_proof (CareLogTree *t,
                               guint64      size,
                               guint64      index)
{
  GByteArray *proof;

  if (index >= size || size > t->size)
    return NULL;
  proof = g_byte_array_new ();
  path (proof, t, 0, size, index);
  return g_byte_array_free_to_bytes (proof);
}

/* SUBPROOF(m, D[offset : offset + n], b) */
static void
subproof (GByteArray  *proof,
          CareLogTree *t,
          guint64      offset,
          guint64      n,
          guint64      m,
          gboolean     whole)
{
  guint64 k;

  if (m == n)
    {
      if (!whole)
        append_mth (proof, t, offset, n);
      return;
    }
  k = split_point (n);
  if (m <= k)
    {
      subproof (proof, t, offset, k, m, whole);
      append_mth (proof, t, offset + k, n - k);
    }
  else
    {
      subproof (proof, t, offset + k, n - k, m - k, FALSE);
      append_mth (proof, t, offset, k);
    }
}

GBytes *
care_log_tree_consistency_proof (CareLogTree *t,
                                 guint64      size,
                                 guint64      old_size)
{
  GByteArray *proof;

  if (old_size > size || size > t->size)
    return NULL;
  proof = g_byte_array_new ();
  if (old_size > 0 && old_size < size)
    subproof (proof, t, 0, size, old_size, TRUE);
  return g_byte_array_free_to_bytes (proof);
}

/* ---- over a plain array of leaves ---- */

static CareLogTree *
tree_of (const guint8 *leaves,
         guint64       size)
{
  CareLogTree *t = care_log_tree_new ();

  for (guint64 i = 0; i < size; i++)
    care_log_tree_append (t, leaves + i * H);
  return t;
}

void
care_log_root (const guint8 *leaves,
               guint64       size,
               guint8        out[H])
{
  g_autoptr(CareLogTree) t = tree_of (leaves, size);

  care_log_tree_root (t, size, out);
}

GBytes *
care_log_inclusion_proof (const guint8 *leaves,
                          guint64       size,
                          guint64       index)
{
  g_autoptr(CareLogTree) t = NULL;

  if (index >= size)
    return NULL;
  t = tree_of (leaves, size);
  return care_log_tree_inclusion_proof (t, size, index);
}

GBytes *
care_log_consistency_proof (const guint8 *leaves,
                            guint64       size,
                            guint64       old_size)
{
  g_autoptr(CareLogTree) t = NULL;

  if (old_size > size)
    return NULL;
  t = tree_of (leaves, size);
  return care_log_tree_consistency_proof (t, size, old_size);
}

char *
care_log_proof_encode (GBytes *proof)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);

  return care_base64url_encode (data, length);
}
