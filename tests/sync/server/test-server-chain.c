/* test-server-chain.c: the chain of each device's records on a real
 * carelog-server (docs/verifying-records.md).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include <sqlite3.h>

#include "care-chain.h"
#include "care-sign.h"
#include "server-fixture.h"

typedef struct
{
  ServerFixture f;
} Fixture;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDevice, device_free)

static void
setup (Fixture      *fx,
       gconstpointer data)
{
  fixture_setup (&fx->f);
  fixture_start (&fx->f, NULL, NULL);
}

static void
teardown (Fixture      *fx,
          gconstpointer data)
{
  fixture_teardown (&fx->f);
}

static CareEvent *
hours (TestDevice *d,
       const char *entry)
{
  g_autofree char *body = g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"travel\",\"date\":\"2026-01-02\","
                                           "\"minutes\":20}", entry);

  return device_event (d, "hours.added", body);
}

/* n linked records of d following the record whose hash is *head (which
 * becomes the hash of the last). */
static GPtrArray *
linked_batch (TestDevice *d,
              char      **head,
              guint       n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *entry = g_strdup_printf ("h-%" G_GINT64_FORMAT, d->next_seq);
      CareEvent *e = hours (d, entry);

      e->link = g_strdup (*head);
      g_free (*head);
      *head = care_event_hash (e);
      g_ptr_array_add (events, e);
    }
  return events;
}

static CarePushResult *
push (TestDevice *d,
      GPtrArray  *events)
{
  g_autoptr(GError) error = NULL;
  CarePushResult *r = sync_push (d->client, events, &error);

  g_assert_no_error (error);
  return r;
}

static const char *
code_of (CarePushResult *r,
         guint           i)
{
  CarePushItem *item = g_ptr_array_index (r->items, i);

  return item->status == CARE_PUSH_REJECTED ? item->code : item->status == CARE_PUSH_ACCEPTED ? "accepted"
                                                                                               : "duplicate";
}

/* The supervisor's copy of d's records, by seq. */
static GPtrArray *
pulled_of (ServerFixture *f,
           const char    *device)
{
  g_autoptr(TestDevice) super = device_enrol (f, "m-super");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pull_all (super->client, 0, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = all->pdata[i];

      if (g_strcmp0 (e->device, device) == 0)
        g_ptr_array_add (out, care_event_copy (e));
    }
  return out;
}

/* Linked records are accepted and the supervisor receives them with their
 * links; a record whose link is not the hash of the record before it is
 * refused with code "link", and the chain goes on through it. */
static void
test_links (Fixture      *fx,
            gconstpointer data)
{
  g_autoptr(TestDevice) d = device_enrol (&fx->f, "m-carer");
  g_autofree char *head = g_strdup (CARE_CHAIN_START);
  g_autofree char *wrong = NULL;
  g_autoptr(GPtrArray) first = linked_batch (d, &head, 3);
  g_autoptr(GPtrArray) second = linked_batch (d, &head, 2);
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(CarePushResult) r = NULL;
  g_autoptr(GPtrArray) pulled = NULL;

  push_accepted (d, first);
  /* Only the first record of a batch carries its link on the wire. */
  push_accepted (d, second);

  /* A batch that does not follow the co-op's copy of the chain. */
  wrong = g_strdup (((CareEvent *) first->pdata[0])->link);
  third = linked_batch (d, &wrong, 2);
  r = push (d, third);
  g_assert_cmpstr (code_of (r, 0), ==, "link");
  g_assert_nonnull (strstr (((CarePushItem *) r->items->pdata[0])->reason, "link"));
  /* The next one links to the refused one, as the tablet made it. */
  g_assert_cmpstr (code_of (r, 1), ==, "accepted");

  pulled = pulled_of (&fx->f, d->device);
  g_assert_cmpuint (pulled->len, ==, 6);
  for (guint i = 0; i < 5; i++)
    {
      CareEvent *e = pulled->pdata[i];
      CareEvent *sent = i < 3 ? first->pdata[i] : second->pdata[i - 3];
      g_autofree char *hash = care_event_hash (e);
      g_autofree char *sent_hash = care_event_hash (sent);

      g_assert_cmpstr (e->link, ==, sent->link);
      g_assert_cmpstr (hash, ==, sent_hash);
    }
}

/* Records stored before the chain have no link; the first linked record
 * links to the hash of the last of them. */
static void
test_before_the_chain (Fixture      *fx,
                       gconstpointer data)
{
  g_autoptr(TestDevice) d = device_enrol (&fx->f, "m-carer");
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) bad = NULL;
  g_autoptr(GPtrArray) good = NULL;
  g_autoptr(CarePushResult) r = NULL;
  g_autofree char *head = NULL;
  g_autofree char *start = g_strdup (CARE_CHAIN_START);
  g_autoptr(GPtrArray) pulled = NULL;

  g_ptr_array_add (old, hours (d, "old-1"));
  g_ptr_array_add (old, hours (d, "old-2"));
  push_accepted (d, old);
  head = care_event_hash (old->pdata[1]);

  /* The first linked record links to the last record before the chain. */
  good = linked_batch (d, &head, 1);
  push_accepted (d, good);
  /* Linking to the chain's start instead. */
  bad = linked_batch (d, &start, 1);
  r = push (d, bad);
  g_assert_cmpstr (code_of (r, 0), ==, "link");

  pulled = pulled_of (&fx->f, d->device);
  g_assert_cmpuint (pulled->len, ==, 3);
  g_assert_null (((CareEvent *) pulled->pdata[0])->link);
  g_assert_null (((CareEvent *) pulled->pdata[1])->link);
  g_assert_cmpstr (((CareEvent *) pulled->pdata[2])->link, ==, ((CareEvent *) good->pdata[0])->link);
}

/* The co-op's own records (roster, rota) form one chain. */
static void
test_coop_chain (Fixture      *fx,
                 gconstpointer data)
{
  g_autoptr(GPtrArray) coop = pulled_of (&fx->f, CARE_COOP_DEVICE);
  g_autofree char *previous = g_strdup (CARE_CHAIN_START);

  g_assert_cmpuint (coop->len, >, 5);
  for (guint i = 0; i < coop->len; i++)
    {
      CareEvent *e = coop->pdata[i];

      g_assert_cmpint (e->seq, ==, i + 1);
      g_assert_cmpstr (e->link, ==, previous);
      g_free (previous);
      previous = care_event_hash (e);
    }
}

/* One number from the co-op database (read with SQLite itself). */
static char *
db_text (ServerFixture *f,
         const char    *sql,
         const char    *device)
{
  g_autofree char *path = g_build_filename (f->data, "carelog.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  char *out = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &s, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (s, 1, device, -1, SQLITE_STATIC);
  if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0) != SQLITE_NULL)
    out = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  sqlite3_close (db);
  return out;
}

/* A tablet with a signing key registers it with its first push and signs
 * every push; the co-op keeps the signatures, and refuses a batch signed
 * with another key, or not signed at all, with code "link". */
static void
test_signatures (Fixture      *fx,
                 gconstpointer data)
{
  g_autoptr(TestDevice) d = device_enrol (&fx->f, "m-carer");
  g_autofree char *key = care_sign_key_new (NULL);
  g_autofree char *public_key = care_sign_public_key (key);
  g_autofree char *other = care_sign_key_new (NULL);
  g_autofree char *head = g_strdup (CARE_CHAIN_START);
  g_autofree char *registered = NULL, *signatures = NULL, *last_head = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) forged = NULL;
  g_autoptr(GPtrArray) bare = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(CarePushResult) r = NULL;
  g_autoptr(CarePushResult) r2 = NULL;
  g_autofree char *saved_head = NULL;

  care_sync_client_set_signing_key (d->client, key);
  first = linked_batch (d, &head, 3);
  push_accepted (d, first);
  second = linked_batch (d, &head, 2);
  push_accepted (d, second);
  registered = db_text (&fx->f, "SELECT sign_key FROM devices WHERE device = ?1", d->device);
  g_assert_cmpstr (registered, ==, public_key);
  signatures = db_text (&fx->f, "SELECT count(*) FROM signatures WHERE device = ?1", d->device);
  g_assert_cmpstr (signatures, ==, "2");
  last_head = db_text (&fx->f, "SELECT head FROM signatures WHERE device = ?1 ORDER BY seq DESC", d->device);
  g_assert_cmpstr (last_head, ==, head);

  /* Signed with another key (the registered one cannot be replaced). */
  saved_head = g_strdup (head);
  care_sync_client_set_signing_key (d->client, other);
  forged = linked_batch (d, &head, 2);
  r = push (d, forged);
  g_assert_cmpstr (code_of (r, 0), ==, "link");
  g_assert_cmpstr (code_of (r, 1), ==, "link");
  g_assert_nonnull (strstr (((CarePushItem *) r->items->pdata[0])->reason, "signature"));

  /* Not signed at all. */
  care_sync_client_set_signing_key (d->client, NULL);
  bare = linked_batch (d, &head, 1);
  r2 = push (d, bare);
  g_assert_cmpstr (code_of (r2, 0), ==, "link");

  /* Signed with the tablet's key again, the chain goes on through the
   * refused records. */
  care_sync_client_set_signing_key (d->client, key);
  third = linked_batch (d, &head, 1);
  push_accepted (d, third);
  g_clear_pointer (&registered, g_free);
  registered = db_text (&fx->f, "SELECT sign_key FROM devices WHERE device = ?1", d->device);
  g_assert_cmpstr (registered, ==, public_key);

  /* Revoking keeps the public key, to check what it sent before. */
  g_free (fixture_admin (&fx->f, TRUE, "device", "revoke", fx->f.data, d->device, NULL));
  g_clear_pointer (&registered, g_free);
  registered = db_text (&fx->f, "SELECT sign_key FROM devices WHERE device = ?1", d->device);
  g_assert_cmpstr (registered, ==, public_key);
}

/* Runs SQL on a copy of the co-op database in a directory of its own. */
static char *
tampered_copy (ServerFixture *f,
               const char    *name,
               const char    *sql)
{
  g_autofree char *from = g_build_filename (f->data, "carelog.db", NULL);
  char *dir = g_build_filename (f->tmp, name, NULL);
  g_autofree char *to = g_build_filename (dir, "carelog.db", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, len, NULL));
  g_assert_cmpint (sqlite3_open (to, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
  return dir;
}

/* carelog-server verify recomputes every chain and signature, and names
 * the first record that was altered, removed or moved. */
static void
test_verify (Fixture      *fx,
             gconstpointer data)
{
  g_autoptr(TestDevice) d = device_enrol (&fx->f, "m-carer");
  g_autofree char *key = care_sign_key_new (NULL);
  g_autofree char *head = g_strdup (CARE_CHAIN_START);
  g_autoptr(GPtrArray) first = NULL, second = NULL;
  g_autofree char *out = NULL;
  const char *third_id, *fourth_id, *last_id;
  struct
  {
    const char *name;
    const char *sql;
    const char *expect;
  } cases[] = {
    /* One byte of one record's body. */
    { "byte", "UPDATE events SET body = replace (body, '\"minutes\":20', '\"minutes\":21') WHERE id = '{A}'",
      "was altered" },
    /* The same, with its stored hash removed: the next record's link shows it. */
    { "byte-and-hash", "UPDATE events SET body = replace (body, '\"minutes\":20', '\"minutes\":29'),"
                       " hash = NULL WHERE id = '{A}'", "altered" },
    /* One record deleted. */
    { "delete", "DELETE FROM events WHERE id = '{A}'", "number 3 is missing" },
    /* Two records swapped (their sequence numbers exchanged). */
    { "swap", "UPDATE events SET seq = -seq WHERE id = '{A}' OR id = '{B}';"
              " UPDATE events SET seq = CASE WHEN -seq = 3 THEN 4 ELSE 3 END WHERE seq < 0", "altered" },
  };

  care_sync_client_set_signing_key (d->client, key);
  first = linked_batch (d, &head, 3);
  push_accepted (d, first);
  second = linked_batch (d, &head, 3);
  push_accepted (d, second);
  third_id = ((CareEvent *) first->pdata[2])->id;
  fourth_id = ((CareEvent *) second->pdata[0])->id;
  last_id = ((CareEvent *) second->pdata[2])->id;

  /* While the server runs. */
  out = fixture_admin (&fx->f, TRUE, "verify", fx->f.data, NULL);
  g_assert_nonnull (strstr (out, "Every chain and signature holds"));
  g_assert_nonnull (strstr (out, "2 device signatures hold"));
  /* The copies below are of the database file alone. */
  fixture_stop (&fx->f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) sql = g_string_new (cases[i].sql);
      g_autofree char *dir = NULL;
      g_autofree char *result = NULL;

      g_string_replace (sql, "{A}", third_id, 0);
      g_string_replace (sql, "{B}", fourth_id, 0);
      dir = tampered_copy (&fx->f, cases[i].name, sql->str);
      result = fixture_admin (&fx->f, FALSE, "verify", dir, NULL);

      g_test_message ("%s: %s", cases[i].name, result);
      g_assert_nonnull (result);
      g_assert_nonnull (strstr (result, cases[i].expect));
      /* It names the record: by id, or (deleted) by its number. */
      if (i == 2)
        g_assert_nonnull (strstr (result, d->device));
      else if (i == 3)
        g_assert_true (strstr (result, third_id) != NULL || strstr (result, fourth_id) != NULL);
      else
        g_assert_nonnull (strstr (result, third_id));
    }

  /* The last record deleted: the device's row still says what it was. */
  {
    g_autofree char *sql = g_strdup_printf ("DELETE FROM events WHERE id = '%s'", last_id);
    g_autofree char *dir = tampered_copy (&fx->f, "delete-last", sql);
    g_autofree char *result = fixture_admin (&fx->f, FALSE, "verify", dir, NULL);

    g_assert_nonnull (result);
    g_assert_nonnull (strstr (result, "to its latest, number 6, are missing"));
  }
  /* A co-op record altered (the roster): the co-op's chain shows it. */
  {
    g_autofree char *dir = tampered_copy (&fx->f, "roster",
                                          "UPDATE events SET body = replace (body, 'Anna Rossi', 'Anna Rosso'),"
                                          " hash = NULL WHERE device = 'coop' AND body LIKE '%Anna Rossi%'");
    g_autofree char *result = fixture_admin (&fx->f, FALSE, "verify", dir, NULL);

    g_assert_nonnull (result);
    g_assert_nonnull (strstr (result, "device coop"));
  }
  /* A signature altered. */
  {
    g_autofree char *dir = tampered_copy (&fx->f, "signature",
                                          "UPDATE signatures SET signature = (SELECT signature FROM signatures"
                                          " ORDER BY seq LIMIT 1) WHERE seq = 6");
    g_autofree char *result = fixture_admin (&fx->f, FALSE, "verify", dir, NULL);

    g_assert_nonnull (result);
    g_assert_nonnull (strstr (result, "does not hold"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/chain/links", Fixture, NULL, setup, test_links, teardown);
  g_test_add ("/server/chain/before-the-chain", Fixture, NULL, setup, test_before_the_chain, teardown);
  g_test_add ("/server/chain/coop", Fixture, NULL, setup, test_coop_chain, teardown);
  g_test_add ("/server/chain/signatures", Fixture, NULL, setup, test_signatures, teardown);
  g_test_add ("/server/chain/verify", Fixture, NULL, setup, test_verify, teardown);
  return g_test_run ();
}
