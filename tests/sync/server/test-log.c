/* test-log.c: the co-op's Merkle log, built by care-server-log.c and
 * checked by app/care-log-verify.c (two implementations of RFC 9162 that
 * share no code): known answers, every proof of every small tree, every
 * kind of damage to a proof, and random text fed to the proof decoder.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-chain.h"
#include "care-checkpoint.h"
#include "care-log-answer.h"
#include "care-log-verify.h"
#include "care-server-log.h"
#include "care-sign.h"
#include "care-sync-client.h"

#define H CARE_LOG_HASH_SIZE
#define MAX_LEAVES 40

static char *
hex (const guint8 *hash)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < H; i++)
    g_string_append_printf (s, "%02x", hash[i]);
  return g_string_free (s, FALSE);
}

/* Leaf i is the bytes "leaf <i>", hashed by the builder. */
static guint8 *
make_leaves (guint64 n,
             guint64 changed)
{
  guint8 *leaves = g_malloc0 (MAX (n, 1) * H);

  for (guint64 i = 0; i < n; i++)
    {
      g_autofree char *data = g_strdup_printf ("leaf %" G_GUINT64_FORMAT "%s", i, i == changed ? " altered" : "");

      care_log_leaf_hash ((const guint8 *) data, strlen (data), leaves + i * H);
    }
  return leaves;
}

/* A leaf is found by its hash, across the finder's growth: every leaf of
 * trees of many sizes, the first of two equal leaves, and no leaf that is
 * not in the tree (nor one that differs in its last byte only). */
static void
test_find (void)
{
  guint64 n = 5000;
  g_autofree guint8 *leaves = make_leaves (n, G_MAXUINT64);
  g_autoptr(CareLogTree) tree = care_log_tree_new ();
  guint8 absent[H];
  guint64 index = 0;

  care_log_leaf_hash ((const guint8 *) "absent", 6, absent);
  g_assert_false (care_log_tree_find (tree, leaves, &index));
  for (guint64 i = 0; i < n; i++)
    {
      care_log_tree_append (tree, leaves + i * H);
      /* Everything appended so far, at sizes across each growth. */
      if ((i & (i + 1)) == 0 || i % 997 == 0 || i == n - 1)
        for (guint64 j = 0; j <= i; j++)
          {
            g_assert_true (care_log_tree_find (tree, leaves + j * H, &index));
            g_assert_cmpuint (index, ==, j);
          }
    }
  g_assert_false (care_log_tree_find (tree, absent, &index));
  memcpy (absent, leaves + 17 * H, H);
  absent[H - 1] ^= 1;
  g_assert_false (care_log_tree_find (tree, absent, &index));
  /* The same record stored twice (a restore) is found where it first is. */
  care_log_tree_append (tree, leaves + 42 * H);
  g_assert_true (care_log_tree_find (tree, leaves + 42 * H, &index));
  g_assert_cmpuint (index, ==, 42);
  g_assert_cmpuint (care_log_tree_size (tree), ==, n + 1);
}

/* The RFC 6962 test vectors (certificate-transparency's reference data):
 * the heads of the trees over the first 0..8 of eight leaves. */
static void
test_known_answers (void)
{
  static const char *leaf_hex[] = { "", "00", "10", "2021", "3031", "40414243",
    "5051525354555657", "606162636465666768696a6b6c6d6e6f" };
  static const char *roots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  guint8 leaves[8 * H];

  for (int i = 0; i < 8; i++)
    {
      guint8 data[16];
      gsize len = strlen (leaf_hex[i]) / 2;
      guint8 again[H];

      for (gsize j = 0; j < len; j++)
        data[j] = (guint8) g_ascii_strtoull ((char[]) { leaf_hex[i][2 * j], leaf_hex[i][2 * j + 1], 0 }, NULL, 16);
      care_log_leaf_hash (data, len, leaves + i * H);
      /* the verifier's own leaf hash agrees */
      care_log_verify_leaf_hash (data, len, again);
      g_assert_cmpmem (again, H, leaves + i * H, H);
    }
  for (int n = 0; n <= 8; n++)
    {
      guint8 root[H];
      g_autofree char *text = NULL;

      care_log_root (leaves, n, root);
      text = hex (root);
      g_assert_cmpstr (text, ==, roots[n]);
    }
}

/* Flip one bit of the proof: hash `which`, bit `bit`. */
static GBytes *
damaged (GBytes *proof,
         gsize   byte,
         int     bit)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);
  g_autofree guint8 *copy = g_memdup2 (data, length);

  copy[byte] ^= (guint8) (1 << bit);
  return g_bytes_new (copy, length);
}

static GBytes *
cut (GBytes *proof,
     gssize  delta)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);
  g_autofree guint8 *copy = g_malloc0 (length + H + 1);

  if (length > 0)
    memcpy (copy, data, length);
  if (delta > 0)
    memset (copy + length, 0x5a, H);
  return g_bytes_new (copy, length + delta * H);
}

static void
test_inclusion (void)
{
  GRand *rand = g_rand_new_with_seed (12);

  for (guint64 n = 1; n <= MAX_LEAVES; n++)
    {
      g_autofree guint8 *leaves = make_leaves (n, G_MAXUINT64);
      g_autofree guint8 *other = make_leaves (n, n / 2);
      guint8 root[H], other_root[H];

      care_log_root (leaves, n, root);
      care_log_root (other, n, other_root);
      g_assert_false (memcmp (root, other_root, H) == 0);
      for (guint64 i = 0; i < n; i++)
        {
          g_autoptr(GBytes) proof = care_log_inclusion_proof (leaves, n, i);
          g_autoptr(GError) error = NULL;
          g_autofree char *text = care_log_proof_encode (proof);
          g_autoptr(GBytes) decoded = care_log_proof_decode (text, &error);
          gsize length = g_bytes_get_size (proof);

          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (proof, decoded));
          g_assert_true (care_log_verify_inclusion (leaves + i * H, i, n, decoded, root, &error));
          g_assert_no_error (error);

          /* another leaf, another position, another size, another head */
          if (n > 1)
            {
              g_assert_false (care_log_verify_inclusion (leaves + ((i + 1) % n) * H, i, n, proof, root, NULL));
              g_assert_false (care_log_verify_inclusion (leaves + i * H, (i + 1) % n, n, proof, root, NULL));
            }
          /* (a proof with another size and the same head can hold: the
           * size is bound to the head by the co-op's signed checkpoint) */
          {
            g_autofree guint8 *longer_log = make_leaves (n + 1, G_MAXUINT64);
            guint8 longer_root[H];

            care_log_root (longer_log, n + 1, longer_root);
            g_assert_false (care_log_verify_inclusion (leaves + i * H, i, n + 1, proof, longer_root, NULL));
          }
          g_assert_false (care_log_verify_inclusion (leaves + i * H, i + n, n, proof, root, NULL));
          if (i != n / 2)
            g_assert_false (care_log_verify_inclusion (leaves + i * H, i, n, proof, other_root, NULL));
          /* one bit of the proof changed (every bit while the tree is small) */
          for (gsize byte = 0; byte < length; byte++)
            for (int bit = 0; bit < 8; bit++)
              {
                g_autoptr(GBytes) bad = NULL;

                if (n > 8 && g_rand_int_range (rand, 0, 64) != 0)
                  continue;
                bad = damaged (proof, byte, bit);
                g_assert_false (care_log_verify_inclusion (leaves + i * H, i, n, bad, root, NULL));
              }
          /* a hash too many or too few */
          {
            g_autoptr(GBytes) longer = cut (proof, 1);

            g_assert_false (care_log_verify_inclusion (leaves + i * H, i, n, longer, root, NULL));
            if (length > 0)
              {
                g_autoptr(GBytes) shorter = cut (proof, -1);

                g_assert_false (care_log_verify_inclusion (leaves + i * H, i, n, shorter, root, NULL));
              }
          }
        }
    }
  g_rand_free (rand);
}

static void
test_consistency (void)
{
  GRand *rand = g_rand_new_with_seed (9162);

  for (guint64 n = 0; n <= MAX_LEAVES; n++)
    {
      g_autofree guint8 *leaves = make_leaves (n, G_MAXUINT64);
      guint8 root[H];

      care_log_root (leaves, n, root);
      for (guint64 m = 0; m <= n; m++)
        {
          g_autoptr(GBytes) proof = care_log_consistency_proof (leaves, n, m);
          g_autoptr(GError) error = NULL;
          g_autofree char *text = care_log_proof_encode (proof);
          g_autoptr(GBytes) decoded = care_log_proof_decode (text, &error);
          gsize length = g_bytes_get_size (proof);
          guint8 old_root[H];

          care_log_root (leaves, m, old_root);
          g_assert_no_error (error);
          g_assert_true (care_log_verify_consistency (m, old_root, n, root, decoded, &error));
          g_assert_no_error (error);

          /* A forked history: the old tree had a different leaf below m.
           * The tablet holds the old head; the co-op now proves from the
           * rewritten tree. */
          if (m > 0)
            {
              guint64 j = g_rand_int_range (rand, 0, (gint32) m);
              g_autofree guint8 *forked = make_leaves (n, j);
              g_autoptr(GBytes) forked_proof = care_log_consistency_proof (forked, n, m);
              guint8 forked_root[H];

              care_log_root (forked, n, forked_root);
              g_assert_false (care_log_verify_consistency (m, old_root, n, forked_root, forked_proof, NULL));
              /* and the true proof does not carry the fork's head */
              g_assert_false (care_log_verify_consistency (m, old_root, n, forked_root, proof, NULL));
            }
          /* a log that shrank */
          if (m < n)
            g_assert_false (care_log_verify_consistency (n, root, m, old_root, proof, NULL));
          /* one bit changed */
          for (gsize byte = 0; byte < length; byte++)
            for (int bit = 0; bit < 8; bit++)
              {
                g_autoptr(GBytes) bad = NULL;

                if (n > 8 && g_rand_int_range (rand, 0, 64) != 0)
                  continue;
                bad = damaged (proof, byte, bit);
                g_assert_false (care_log_verify_consistency (m, old_root, n, root, bad, NULL));
              }
          {
            g_autoptr(GBytes) longer = cut (proof, 1);

            g_assert_false (care_log_verify_consistency (m, old_root, n, root, longer, NULL));
            if (length > 0)
              {
                g_autoptr(GBytes) shorter = cut (proof, -1);

                g_assert_false (care_log_verify_consistency (m, old_root, n, root, shorter, NULL));
              }
          }
        }
    }
  g_rand_free (rand);
}

/* Random text, and valid proofs with characters changed, into the
 * decoder and then the verifiers: nothing crashes, nothing malformed is
 * taken, and no changed proof verifies. (Under the sanitiser pass too.) */
static void
test_decode_fuzz (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .\n\xc3\xa9";
  GRand *rand = g_rand_new_with_seed (2026);
  g_autofree guint8 *leaves = make_leaves (37, G_MAXUINT64);
  guint8 root[H], old_root[H];
  guint taken = 0;

  care_log_root (leaves, 37, root);
  care_log_root (leaves, 21, old_root);
  for (int round = 0; round < 20000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) proof = NULL;
      g_autofree char *text = NULL;

      if (round % 2 == 0)
        {
          int length = g_rand_int_range (rand, 0, 3000);

          text = g_malloc (length + 1);
          for (int i = 0; i < length; i++)
            text[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
          text[length] = '\0';
        }
      else
        {
          g_autoptr(GBytes) good = (round % 4 == 1)
            ? care_log_inclusion_proof (leaves, 37, 11)
            : care_log_consistency_proof (leaves, 37, 21);
          g_autofree char *good_text = care_log_proof_encode (good);
          gsize length = strlen (good_text);

          text = g_strdup (good_text);
          if (length > 0)
            {
              int changes = g_rand_int_range (rand, 1, 4);

              for (int i = 0; i < changes; i++)
                text[g_rand_int_range (rand, 0, (gint32) length)] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
            }
          if (strcmp (text, good_text) == 0)
            continue;
        }
      proof = care_log_proof_decode (text, &error);
      if (proof == NULL)
        {
          g_assert_nonnull (error);
          continue;
        }
      taken++;
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (proof) % H, ==, 0);
      g_assert_cmpuint (g_bytes_get_size (proof) / H, <=, CARE_LOG_PROOF_MAX);
      g_assert_false (care_log_verify_inclusion (leaves + 11 * H, 11, 37, proof, root, NULL));
      g_assert_false (care_log_verify_consistency (21, old_root, 37, root, proof, NULL));
    }
  /* some changed proofs still decode: the verifiers were reached */
  g_assert_cmpuint (taken, >, 100);
  g_rand_free (rand);
}

/* A checkpoint over the first `size` of leaves, signed with key. */
static CareCheckpoint *
sign_checkpoint (const char   *key,
                 const guint8 *leaves,
                 guint64       size,
                 const char   *epoch)
{
  CareCheckpoint *cp = g_new0 (CareCheckpoint, 1);
  g_autofree char *message = NULL;

  cp->witnesses = g_ptr_array_new ();
  cp->key = care_sign_public_key (key);
  cp->epoch = g_strdup (epoch);
  cp->size = size;
  care_log_root (leaves, size, cp->root);
  cp->time = 1796400000000 + (gint64) size;
  message = care_checkpoint_message (cp);
  cp->sig = care_sign (key, message);
  return cp;
}

/* A record hash whose leaf is leaves[i] (make_leaves hashes text; here the
 * leaves are made from record hashes, as the co-op's are). */
static guint8 *
record_leaves (guint64 n,
               char  **hashes)
{
  guint8 *leaves = g_malloc0 (MAX (n, 1) * H);

  for (guint64 i = 0; i < n; i++)
    {
      guint8 raw[H];

      for (int b = 0; b < H; b++)
        raw[b] = (guint8) g_random_int ();
      hashes[i] = care_base64url_encode (raw, H);
      care_log_leaf_hash (raw, H, leaves + i * H);
    }
  return leaves;
}

static char *
answer_text (const CareCheckpoint *cp,
             const guint8         *leaves,
             guint64               from,
             guint64               index)
{
  g_autoptr(GString) out = g_string_new ("{\"v\":2,\"t\":1,\"checkpoint\":");
  g_autofree char *cp_text = care_checkpoint_to_string (cp);
  g_autoptr(GBytes) consistency = care_log_consistency_proof (leaves, cp->size, from);
  g_autoptr(GBytes) inclusion = care_log_inclusion_proof (leaves, cp->size, index);
  g_autofree char *c = care_log_proof_encode (consistency);
  g_autofree char *p = care_log_proof_encode (inclusion);

  g_string_append_printf (out, "%s,\"consistency\":\"%s\",\"inclusion\":{\"index\":%" G_GUINT64_FORMAT
                          ",\"proof\":\"%s\"}}", cp_text, c, index, p);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
answer_holds (const char           *text,
              const CareCheckpoint *last,
              const char           *pinned,
              const char           *head,
              gboolean             *included,
              GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(CareLogAnswer) answer = NULL;
  CareCheckpointStep step;

  *included = FALSE;
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return FALSE;
  answer = care_log_answer_decode (json_parser_get_root (parser), error);
  return answer != NULL && care_log_answer_check (answer, last, pinned, head, &step, included, error);
}

/* The answer a tablet or witness checks (sync/common/care-log-answer.c):
 * a true one holds; a checkpoint signed by another key, one that does not
 * extend the kept one (a rewritten leaf), a shrunk log and a wrong
 * inclusion proof are each refused as CARE_SYNC_ERROR_LOG; and 20,000
 * random mutations of the text never crash it, and never make it accept
 * another checkpoint than the true one. */
static void
test_answer (void)
{
  g_autofree char *key = care_sign_key_new (NULL);
  g_autofree char *other = care_sign_key_new (NULL);
  g_autofree char *pinned = care_sign_public_key (key);
  char *hashes[MAX_LEAVES] = { NULL };
  g_autofree guint8 *leaves = record_leaves (MAX_LEAVES, hashes);
  g_autoptr(CareCheckpoint) last = sign_checkpoint (key, leaves, 20, "e1");
  g_autoptr(CareCheckpoint) next = sign_checkpoint (key, leaves, 33, "e1");
  g_autofree char *good = answer_text (next, leaves, 20, 31);
  g_autoptr(GError) error = NULL;
  gboolean included;

  g_assert_true (answer_holds (good, last, pinned, hashes[31], &included, &error));
  g_assert_no_error (error);
  g_assert_true (included);

  /* Another key than the pinned one. */
  {
    g_autoptr(CareCheckpoint) forged = sign_checkpoint (other, leaves, 33, "e1");
    g_autofree char *text = answer_text (forged, leaves, 20, 31);

    g_assert_false (answer_holds (text, last, pinned, hashes[31], &included, &error));
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_LOG);
    g_clear_error (&error);
  }
  /* One old leaf rewritten, the log signed again. */
  {
    g_autofree guint8 *rewritten = g_memdup2 (leaves, MAX_LEAVES * H);
    g_autoptr(CareCheckpoint) forged = NULL;
    g_autofree char *text = NULL;

    rewritten[5 * H] ^= 1;
    forged = sign_checkpoint (key, rewritten, 33, "e1");
    text = answer_text (forged, rewritten, 20, 31);
    g_assert_false (answer_holds (text, last, pinned, hashes[31], &included, &error));
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_LOG);
    g_assert_nonnull (strstr (error->message, "rewritten"));
    g_clear_error (&error);
  }
  /* A shrunk log, and the same size with another root. */
  {
    g_autoptr(CareCheckpoint) shrunk = sign_checkpoint (key, leaves, 12, "e1");
    g_autofree char *text = answer_text (shrunk, leaves, 0, 3);

    g_assert_false (answer_holds (text, last, pinned, NULL, &included, &error));
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_LOG);
    g_clear_error (&error);
  }
  /* An inclusion proof for another record than the one asked about. */
  g_assert_false (answer_holds (good, last, pinned, hashes[30], &included, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_LOG);
  g_clear_error (&error);
  /* A declared new epoch is taken without a consistency proof. */
  {
    g_autoptr(CareCheckpoint) restored = sign_checkpoint (key, leaves, 12, "e2");
    g_autofree char *text = answer_text (restored, leaves, 0, 3);

    g_assert_true (answer_holds (text, last, pinned, NULL, &included, &error));
    g_assert_no_error (error);
  }

  for (guint round = 0; round < 20000; round++)
    {
      g_autoptr(GString) text = g_string_new (good);
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(CareLogAnswer) answer = NULL;
      guint n = g_random_int_range (1, 4);
      CareCheckpointStep step;

      for (guint k = 0; k < n; k++)
        {
          guint pos = g_random_int_range (0, text->len);

          switch (g_random_int_range (0, 3))
            {
            case 0:
              text->str[pos] = (char) g_random_int_range (32, 127);
              break;
            case 1:
              g_string_erase (text, pos, 1);
              break;
            default:
              {
                static const char alphabet[] = "0123456789\",:{}[]-_aAzZ";

                g_string_insert_c (text, pos, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
              }
              break;
            }
        }
      if (!json_parser_load_from_data (parser, text->str, -1, NULL))
        continue;
      answer = care_log_answer_decode (json_parser_get_root (parser), NULL);
      if (answer == NULL)
        continue;
      if (care_log_answer_check (answer, last, pinned, hashes[31], &step, &included, NULL))
        {
          /* Whatever still passes says exactly what the true answer says. */
          g_assert_cmpuint (answer->checkpoint->size, ==, next->size);
          g_assert_cmpmem (answer->checkpoint->root, H, next->root, H);
          g_assert_cmpstr (answer->checkpoint->epoch, ==, next->epoch);
          g_assert_cmpint (answer->checkpoint->time, ==, next->time);
        }
    }
  for (guint i = 0; i < MAX_LEAVES; i++)
    g_free (hashes[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log/known-answers", test_known_answers);
  g_test_add_func ("/log/inclusion", test_inclusion);
  g_test_add_func ("/log/consistency", test_consistency);
  g_test_add_func ("/log/find", test_find);
  g_test_add_func ("/log/decode-fuzz", test_decode_fuzz);
  g_test_add_func ("/log/answer", test_answer);
  return g_test_run ();
}
