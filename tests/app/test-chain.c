/* test-chain.c: a record's hash and the chain on a tablet's store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The expected hashes were computed with the Python recipe in
 * docs/verifying-records.md, so these tests also check that the recipe an
 * outsider follows gives what Carelog computes.
 */
#include "care-config.h"

#include <string.h>
#include <sqlite3.h>

#include "care-chain.h"
#include "care-sign.h"
#include "care-verify.h"
#include "care-store.h"
#include "test-util.h"

static CareEvent *
make_event (const char *id,
            const char *device,
            gint64      seq,
            const char *author,
            gint64      hlc,
            gint64      wall,
            const char *type,
            const char *body,
            const char *link)
{
  g_autoptr(JsonNode) node = json_from_string (body, NULL);
  CareEvent *e = care_event_new ();

  g_assert_nonnull (node);
  e->id = g_strdup (id);
  e->device = g_strdup (device);
  e->seq = seq;
  e->author = g_strdup (author);
  e->hlc = hlc;
  e->wall = wall;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (node);
  e->link = g_strdup (link);
  return e;
}

static void
test_known_answers (void)
{
  g_autoptr(CareEvent) a = make_event ("019a4f0c-2b1e-7a7d-8c36-5f0c2b1e9a7d", "d-AbCdEfGhIjKl", 2, "m-anna",
                                       G_GINT64_CONSTANT (121456790110011392), G_GINT64_CONSTANT (1763900000000),
                                       "visit.started",
                                       "{\"visit\":\"v-1\",\"client\":\"c-7\",\"service\":\"personal-care\","
                                       "\"at\":1763900000000,\"location\":{\"lat\":51.5,\"lon\":-0.1275,"
                                       "\"accuracy_m\":12.0}}",
                                       CARE_CHAIN_START);
  /* Escapes, non-ASCII text and numbers in every form the encoding has. */
  g_autoptr(CareEvent) b = make_event ("e-2", "d-x", 1, "m-\xc3\xa4", 65537, 1, "note.added",
                                       "{\"visit\":\"v\",\"note\":\"n\",\"category\":\"wellbeing\","
                                       "\"text\":\"Tab\\there \\\"quoted\\\" back\\\\slash\\nnew \xc3\xa9 \xe2\x98\x83 \\u001f\","
                                       "\"z\":[1e-05,1e20,0.1,123456.789,-0.0,1e15,1.5e16]}",
                                       NULL);
  g_autofree char *canonical_a = care_event_canonical (a);
  g_autofree char *canonical_b = care_event_canonical (b);
  g_autofree char *hash_a = care_event_hash (a);
  g_autofree char *hash_b = care_event_hash (b);

  g_assert_cmpstr (canonical_a, ==,
                   "{\"author\":\"m-anna\",\"body\":{\"at\":1763900000000,\"client\":\"c-7\",\"location\":"
                   "{\"accuracy_m\":12,\"lat\":51.5,\"lon\":-0.1275},\"service\":\"personal-care\",\"visit\":\"v-1\"},"
                   "\"device\":\"d-AbCdEfGhIjKl\",\"hlc\":121456790110011392,\"id\":\"019a4f0c-2b1e-7a7d-8c36-5f0c2b1e9a7d\","
                   "\"link\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"seq\":2,\"type\":\"visit.started\","
                   "\"wall\":1763900000000}");
  g_assert_cmpstr (hash_a, ==, "Umux3Hbw0E1OlYHeGRXTFzA0EYyHAXicfCCLut1rP5k");
  g_assert_cmpstr (canonical_b, ==,
                   "{\"author\":\"m-\xc3\xa4\",\"body\":{\"category\":\"wellbeing\",\"note\":\"n\",\"text\":"
                   "\"Tab\\there \\\"quoted\\\" back\\\\slash\\nnew \xc3\xa9 \xe2\x98\x83 \\u001f\",\"visit\":\"v\","
                   "\"z\":[1e-05,1e+20,0.1,123456.789,0,1000000000000000.0,1.5e+16]},\"device\":\"d-x\",\"hlc\":65537,"
                   "\"id\":\"e-2\",\"seq\":1,\"type\":\"note.added\",\"wall\":1}");
  g_assert_cmpstr (hash_b, ==, "qcs9ejPW1voYEU7rlW0z9_WcShcaRowfI4B3kJE4mjE");
  g_assert_true (care_hash_is_valid (hash_a));
  g_assert_false (care_hash_is_valid ("short"));
  /* The last character must carry no bits beyond the 256. */
  g_assert_false (care_hash_is_valid ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"));
}

/* The member order of the body, or a number written 12 or 12.0, does not
 * change the hash; any change of content does. */
static void
test_hash_is_of_content (void)
{
  g_autoptr(CareEvent) a = make_event ("i", "d", 1, "m", 65536, 1, "hours.added",
                                       "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-01-02\",\"minutes\":30}", NULL);
  g_autoptr(CareEvent) b = make_event ("i", "d", 1, "m", 65536, 1, "hours.added",
                                       "{\"minutes\":30.0,\"date\":\"2026-01-02\",\"kind\":\"travel\",\"entry\":\"e\"}", NULL);
  g_autoptr(CareEvent) c = make_event ("i", "d", 1, "m", 65536, 1, "hours.added",
                                       "{\"entry\":\"e\",\"kind\":\"travel\",\"date\":\"2026-01-02\",\"minutes\":31}", NULL);
  g_autofree char *ha = care_event_hash (a);
  g_autofree char *hb = care_event_hash (b);
  g_autofree char *hc = care_event_hash (c);
  g_autofree char *hd = NULL;

  g_assert_cmpstr (ha, ==, hb);
  g_assert_cmpstr (ha, !=, hc);
  a->link = g_strdup (CARE_CHAIN_START);
  hd = care_event_hash (a);
  g_assert_cmpstr (ha, !=, hd);
}

static void
add_hours (CareStore  *store,
           const char *entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(CareEvent) e = NULL;

  json_object_set_string_member (body, "entry", entry);
  json_object_set_string_member (body, "kind", "travel");
  json_object_set_string_member (body, "date", "2026-01-02");
  json_object_set_int_member (body, "minutes", 20);
  e = care_store_append (store, CARE_EVENT_HOURS_ADDED, body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
}

/* The stored hash column of a record (read with SQLite itself). */
static char *
stored_hash (const char *path,
             gint64      seq)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  char *hash = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT hash FROM events WHERE seq = ?", -1, &s, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (s, 1, seq);
  if (sqlite3_step (s) == SQLITE_ROW)
    hash = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  sqlite3_close (db);
  return hash;
}

/* A tablet's own records: each links to the one before; the first to
 * CARE_CHAIN_START; the stored hash is the hash of the record as read back. */
static void
test_own_chain (void)
{
  g_autofree char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "t.db", NULL);
  TestClock clock = { G_GINT64_CONSTANT (1790000000000) };
  g_autoptr(CareStore) store = test_store_open (dir, "t", CARE_ROLE_CARER, &clock);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = g_strdup (CARE_CHAIN_START);

  add_hours (store, "h1");
  clock.now += 1000;
  add_hours (store, "h2");
  clock.now += 1000;
  add_hours (store, "h3");
  events = care_store_read_unsent (store, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 3);
  for (guint i = 0; i < events->len; i++)
    {
      CareEvent *e = events->pdata[i];
      g_autofree char *hash = care_event_hash (e);
      g_autofree char *stored = stored_hash (path, e->seq);

      g_assert_cmpstr (e->link, ==, previous);
      g_assert_cmpstr (hash, ==, stored);
      g_free (previous);
      previous = g_steal_pointer (&stored);
    }
  g_clear_object (&store);
  test_dir_free (g_steal_pointer (&dir));
}

static CareEvent *
coop_record (gint64      seq,
             const char *name,
             const char *link)
{
  g_autofree char *body = g_strdup_printf ("{\"member\":\"m-%s\",\"name\":\"%s\",\"role\":\"carer\",\"active\":true}",
                                           name, name);
  CareEvent *e = test_roster_event ("member.set", seq, seq, body);

  e->link = g_strdup (link);
  return e;
}

/* A pulled record must not contradict what the tablet holds: another copy
 * of a record it has, or a link to a record it has that is not its hash. */
static void
test_pull_checks_chain (void)
{
  g_autofree char *dir = test_dir_new ();
  TestClock clock = { G_GINT64_CONSTANT (1790000000000) };
  g_autoptr(CareStore) store = test_store_open (dir, "s", CARE_ROLE_SUPERVISOR, &clock);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) rewritten = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) good = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;
  CareEvent *first = coop_record (1, "Anna", CARE_CHAIN_START);
  g_autofree char *h1 = care_event_hash (first);
  CareEvent *second = coop_record (2, "Ben", h1);
  g_autofree char *h2 = care_event_hash (second);
  CareEvent *changed;

  g_ptr_array_add (page, first);
  g_ptr_array_add (page, second);
  g_assert_true (care_store_apply_page (store, page, "c1", &error));
  g_assert_no_error (error);

  /* Record 3 linking to something other than record 2's hash. */
  g_ptr_array_add (bad, coop_record (3, "Cleo", h1));
  g_assert_false (care_store_apply_page (store, bad, "c2", &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CHAIN);
  g_assert_nonnull (strstr (error->message, "coop-member.set-3"));
  g_clear_error (&error);

  /* Record 1 again, with another name: the co-op rewrote it. */
  changed = coop_record (1, "Anne", CARE_CHAIN_START);
  g_ptr_array_add (rewritten, changed);
  g_assert_false (care_store_apply_page (store, rewritten, "c2", &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CHAIN);
  g_clear_error (&error);

  /* The true record 3, and the same page twice, are fine. */
  g_ptr_array_add (good, coop_record (3, "Cleo", h2));
  g_assert_true (care_store_apply_page (store, good, "c3", &error));
  g_assert_no_error (error);
  g_assert_true (care_store_apply_page (store, good, "c3", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  test_dir_free (g_steal_pointer (&dir));
}

/* Ed25519: RFC 8032's first test vector, then what a signature covers. */
static void
test_signatures (void)
{
  guint8 priv[32];
  g_autofree char *rfc_key = NULL, *rfc_public = NULL, *rfc_signature = NULL;
  g_autofree char *key = care_sign_key_new (NULL);
  g_autofree char *public_key = care_sign_public_key (key);
  g_autofree char *head = care_chain_head_message ("d-AbCdEfGhIjKl", 7, CARE_CHAIN_START);
  g_autofree char *signature = care_sign (key, head);
  g_autofree char *other_head = care_chain_head_message ("d-AbCdEfGhIjKl", 8, CARE_CHAIN_START);
  g_autofree char *other_key = care_sign_key_new (NULL);
  g_autofree char *other_public = care_sign_public_key (other_key);
  g_autofree char *secret = care_sign_join_secret ("device-key", key);
  g_autofree char *device_key = NULL, *signing = NULL;

  /* RFC 8032 section 7.1, TEST 1 (the empty message). */
  for (guint i = 0; i < 32; i++)
    {
      static const char hex[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

      priv[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]));
    }
  rfc_key = care_base64url_encode (priv, sizeof priv);
  rfc_public = care_sign_public_key (rfc_key);
  rfc_signature = care_sign (rfc_key, "");
  g_assert_cmpstr (rfc_public, ==, "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  g_assert_cmpstr (rfc_signature, ==,
                   "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc-bRr0lv18FlbviRlUUFDjnoQCw");

  g_assert_cmpuint (strlen (public_key), ==, CARE_SIGN_KEY_LEN);
  g_assert_cmpuint (strlen (signature), ==, CARE_SIGNATURE_LEN);
  g_assert_true (care_sign_verify (public_key, head, signature));
  g_assert_false (care_sign_verify (public_key, other_head, signature));
  g_assert_false (care_sign_verify (other_public, head, signature));
  g_assert_false (care_sign_verify (public_key, head, "not a signature"));
  g_assert_false (care_sign_verify ("not a key", head, signature));

  care_sign_split_secret (secret, &device_key, &signing);
  g_assert_cmpstr (device_key, ==, "device-key");
  g_assert_cmpstr (signing, ==, key);
  g_clear_pointer (&device_key, g_free);
  g_clear_pointer (&signing, g_free);
  care_sign_split_secret ("old-key", &device_key, &signing);
  g_assert_cmpstr (device_key, ==, "old-key");
  g_assert_null (signing);
}

/* A copy of the store at path, changed by sql (the store's triggers
 * dropped first: whoever tampers with the file can), then verified. */
static char *
verify_tampered (const char *dir,
                 const char *path,
                 const char *name,
                 const char *sql,
                 gboolean   *ok)
{
  g_autofree char *copy = g_strdup_printf ("%s/%s.db", dir, name);
  g_autofree char *contents = NULL;
  g_autofree char *script = g_strconcat ("DROP TRIGGER events_immutable; DROP TRIGGER events_append_only;", sql, NULL);
  gsize len = 0;
  sqlite3 *db = NULL;
  char *message = NULL;
  g_autoptr(CareStore) store = NULL;
  g_autoptr(CareVerifier) verifier = care_verifier_new ();
  g_autoptr(GError) error = NULL;
  CareVerifyReport report = { 0 };
  char *problem;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  g_assert_cmpint (sqlite3_open (copy, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, script, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
  store = care_store_open (copy, &error);
  g_assert_no_error (error);
  g_assert_true (care_store_feed_verifier (store, verifier, &error));
  g_assert_no_error (error);
  *ok = care_verifier_finish (verifier, &report);
  problem = g_steal_pointer (&report.first_problem);
  g_test_message ("%s: %s", name, problem ? problem : "no problem");
  return problem;
}

/* On a tablet: one byte changed, a record deleted, two swapped, the latest
 * deleted: each is found, naming the record. */
static void
test_verify_tablet (void)
{
  g_autofree char *dir = test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "t.db", NULL);
  TestClock clock = { G_GINT64_CONSTANT (1790000000000) };
  g_autoptr(CareStore) store = test_store_open (dir, "t", CARE_ROLE_CARER, &clock);
  g_autoptr(CareVerifier) verifier = care_verifier_new ();
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  CareVerifyReport report = { 0 };
  g_autofree char *third = NULL, *fourth = NULL;
  gboolean ok;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *entry = g_strdup_printf ("h%u", i + 1);

      add_hours (store, entry);
      clock.now += 1000;
    }
  events = care_store_read_unsent (store, 0, 10, &error);
  third = g_strdup (((CareEvent *) events->pdata[2])->id);
  fourth = g_strdup (((CareEvent *) events->pdata[3])->id);
  g_assert_true (care_store_feed_verifier (store, verifier, &error));
  g_assert_true (care_verifier_finish (verifier, &report));
  g_assert_cmpuint (report.records, ==, 5);
  g_assert_cmpuint (report.linked, ==, 5);
  care_verify_report_clear (&report);
  g_clear_object (&store);

  {
    g_autofree char *sql = g_strdup_printf ("UPDATE events SET body = replace (body, '20', '21') WHERE id = '%s'", third);
    g_autofree char *problem = verify_tampered (dir, path, "byte", sql, &ok);

    g_assert_false (ok);
    g_assert_nonnull (strstr (problem, third));
    g_assert_nonnull (strstr (problem, "altered"));
  }
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE events SET body = replace (body, '20', '22'), hash = NULL"
                                            " WHERE id = '%s'", third);
    g_autofree char *problem = verify_tampered (dir, path, "byte-and-hash", sql, &ok);

    g_assert_false (ok);
    g_assert_nonnull (strstr (problem, third));
    g_assert_nonnull (strstr (problem, "does not follow"));
  }
  {
    g_autofree char *sql = g_strdup_printf ("DELETE FROM events WHERE id = '%s'", third);
    g_autofree char *problem = verify_tampered (dir, path, "delete", sql, &ok);

    g_assert_false (ok);
    g_assert_nonnull (strstr (problem, "number 3 is missing"));
  }
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE events SET seq = seq + 1000 WHERE id IN ('%s', '%s');"
                                            "UPDATE events SET seq = CASE WHEN seq = 1003 THEN 4 ELSE 3 END"
                                            " WHERE seq > 1000", third, fourth);
    g_autofree char *problem = verify_tampered (dir, path, "swap", sql, &ok);

    g_assert_false (ok);
    g_assert_true (strstr (problem, third) != NULL || strstr (problem, fourth) != NULL);
  }
  {
    g_autofree char *problem = verify_tampered (dir, path, "delete-last", "DELETE FROM events WHERE seq = 5", &ok);

    g_assert_false (ok);
    g_assert_nonnull (strstr (problem, "number 5"));
  }
  test_dir_free (g_steal_pointer (&dir));
}

/* Unpadded base64url against GLib's base64 (RFC 4648 section 5): every
 * length up to 64 bytes round-trips; and of random strings, exactly those
 * that are the canonical spelling of some bytes decode (no padding, no
 * other alphabet, unused low bits zero). */
static void
test_base64url (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.";
  guint8 data[64], back[64];

  for (gsize len = 0; len <= sizeof data; len++)
    for (int round = 0; round < 50; round++)
      {
        g_autofree char *text = NULL;
        g_autofree char *glib = NULL;
        char *pad;

        for (gsize i = 0; i < len; i++)
          data[i] = (guint8) g_test_rand_int_range (0, 256);
        text = care_base64url_encode (data, len);
        glib = g_base64_encode (data, len);
        if ((pad = strchr (glib, '=')) != NULL)
          *pad = '\0';
        g_strdelimit (glib, "+", '-');
        g_strdelimit (glib, "/", '_');
        g_assert_cmpstr (text, ==, glib);
        g_assert_true (care_base64url_decode (text, back, len));
        g_assert_cmpmem (back, len, data, len);
        if (len > 0)
          g_assert_false (care_base64url_decode (text, back, len - 1));
      }
  for (int round = 0; round < 20000; round++)
    {
      gsize len = (gsize) g_test_rand_int_range (1, 33);
      gsize text_len = (len * 4 + 2) / 3;
      g_autofree char *text = g_malloc0 (text_len + 1);
      gboolean valid = TRUE;

      for (gsize i = 0; i < text_len; i++)
        text[i] = alphabet[g_test_rand_int_range (0, g_test_rand_bit () ? 64 : (int) strlen (alphabet))];
      for (gsize i = 0; i < text_len; i++)
        valid = valid && strchr (alphabet, text[i]) - alphabet < 64;
      if (valid)
        {
          /* Canonical when re-encoding what GLib decodes gives it back. */
          g_autofree char *padded = g_strnfill (text_len + (4 - text_len % 4) % 4, '=');
          g_autofree guchar *decoded = NULL;
          g_autofree char *again = NULL;
          gsize decoded_len = 0;

          memcpy (padded, text, text_len);
          g_strdelimit (padded, "-", '+');
          g_strdelimit (padded, "_", '/');
          decoded = g_base64_decode (padded, &decoded_len);
          again = care_base64url_encode (decoded, decoded_len);
          valid = decoded_len == len && g_str_equal (again, text);
        }
      g_assert_cmpint (care_base64url_decode (text, back, len), ==, valid);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/chain/known-answers", test_known_answers);
  g_test_add_func ("/app/chain/base64url", test_base64url);
  g_test_add_func ("/app/chain/hash-is-of-content", test_hash_is_of_content);
  g_test_add_func ("/app/chain/own-records", test_own_chain);
  g_test_add_func ("/app/chain/pull-checks-chain", test_pull_checks_chain);
  g_test_add_func ("/app/chain/signatures", test_signatures);
  g_test_add_func ("/app/chain/verify-tablet", test_verify_tablet);
  return g_test_run ();
}
