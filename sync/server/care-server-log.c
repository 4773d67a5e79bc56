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

#define H CARE_LOG_HASH_SIZE

void
care_log_leaf_hash (const guint8 *data,
                    gsize         length,
                    guint8        out[H])
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  const guint8 prefix = 0x00;
  gsize out_len = H;

  g_checksum_update (sha, &prefix, 1);
  if (length > 0)
    g_checksum_update (sha, data, length);
  g_checksum_get_digest (sha, out, &out_len);
}

void
care_log_node_hash (const guint8 left[H],
                    const guint8 right[H],
                    guint8       out[H])
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  const guint8 prefix = 0x01;
  gsize out_len = H;

  g_checksum_update (sha, &prefix, 1);
  g_checksum_update (sha, left, H);
  g_checksum_update (sha, right, H);
  g_checksum_get_digest (sha, out, &out_len);
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

/* MTH(D[n]) for n >= 1 */
static void
mth (const guint8 *leaves,
     guint64       n,
     guint8        out[H])
{
  guint64 k;
  guint8 left[H], right[H];

  if (n == 1)
    {
      memcpy (out, leaves, H);
      return;
    }
  k = split_point (n);
  mth (leaves, k, left);
  mth (leaves + k * H, n - k, right);
  care_log_node_hash (left, right, out);
}

void
care_log_root (const guint8 *leaves,
               guint64       size,
               guint8        out[H])
{
  if (size == 0)
    {
      g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
      gsize out_len = H;

      g_checksum_get_digest (sha, out, &out_len);
      return;
    }
  mth (leaves, size, out);
}

static void
append_mth (GByteArray   *proof,
            const guint8 *leaves,
            guint64       n)
{
  guint8 hash[H];

  mth (leaves, n, hash);
  g_byte_array_append (proof, hash, H);
}

/* PATH(m, D[n]) */
static void
path (GByteArray   *proof,
      const guint8 *leaves,
      guint64       n,
      guint64       m)
{
  guint64 k;

  if (n <= 1)
    return;
  k = split_point (n);
  if (m < k)
    {
      path (proof, leaves, k, m);
      append_mth (proof, leaves + k * H, n - k);
    }
  else
    {
      path (proof, leaves + k * H, n - k, m - k);
      append_mth (proof, leaves, k);
    }
}

GBytes *
care_log_inclusion_proof (const guint8 *leaves,
                          guint64       size,
                          guint64       index)
{
  GByteArray *proof;

  if (index >= size)
    return NULL;
  proof = g_byte_array_new ();
  path (proof, leaves, size, index);
  return g_byte_array_free_to_bytes (proof);
}

/* SUBPROOF(m, D[n], b) */
static void
subproof (GByteArray   *proof,
          const guint8 *leaves,
          guint64       n,
          guint64       m,
          gboolean      whole)
{
  guint64 k;

  if (m == n)
    {
      if (!whole)
        append_mth (proof, leaves, n);
      return;
    }
  k = split_point (n);
  if (m <= k)
    {
      subproof (proof, leaves, k, m, whole);
      append_mth (proof, leaves + k * H, n - k);
    }
  else
    {
      subproof (proof, leaves + k * H, n - k, m - k, FALSE);
      append_mth (proof, leaves, k);
    }
}

GBytes *
care_log_consistency_proof (const guint8 *leaves,
                            guint64       size,
                            guint64       old_size)
{
  GByteArray *proof;

  if (old_size > size)
    return NULL;
  proof = g_byte_array_new ();
  if (old_size > 0 && old_size < size)
    subproof (proof, leaves, size, old_size, TRUE);
  return g_byte_array_free_to_bytes (proof);
}

char *
care_log_proof_encode (GBytes *proof)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);

  return care_base64url_encode (data, length);
}
