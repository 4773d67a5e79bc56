/* test-tls.c: certificate pinning against a real carelog-server over TLS,
 * with a test CA generated at test time by OpenSSL.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "server-fixture.h"

typedef struct
{
  char *dir;
} Pki;

static void
openssl (Pki        *pki,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  va_list ap;

  g_ptr_array_add (argv, (char *) "openssl");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (pki->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", first, err);
}

static void
make_ca (Pki        *pki,
         const char *name)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *subj = g_strdup_printf ("/CN=Carelog test %s", name);

  openssl (pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", key, "-out", pem, "-days", "7", "-subj", subj,
           "-addext", "basicConstraints=critical,CA:TRUE",
           "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL);
}

static void
make_leaf (Pki        *pki,
           const char *name,
           const char *ca)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *csr = g_strconcat (name, ".csr", NULL);
  g_autofree char *ca_pem = ca ? g_strconcat (ca, ".pem", NULL) : NULL;
  g_autofree char *ca_key = ca ? g_strconcat (ca, ".key", NULL) : NULL;
  g_autofree char *ext = g_build_filename (pki->dir, "leaf.ext", NULL);

  g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                            "extendedKeyUsage=serverAuth\n", -1, NULL);
  if (ca == NULL)
    {
      openssl (pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
               "-keyout", key, "-out", pem, "-days", "7", "-subj", "/CN=127.0.0.1",
               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", NULL);
      return;
    }
  openssl (pki, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1", NULL);
  openssl (pki, "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
           "-out", pem, "-days", "7", "-extfile", "leaf.ext", NULL);
}

static char *
concat_pems (Pki        *pki,
             const char *out,
             const char *a,
             const char *b)
{
  g_autofree char *pa = g_strdup_printf ("%s/%s.pem", pki->dir, a);
  g_autofree char *pb = g_strdup_printf ("%s/%s.pem", pki->dir, b);
  g_autofree char *ta = NULL, *tb = NULL, *all = NULL;
  char *path = g_strdup_printf ("%s/%s.pem", pki->dir, out);

  g_assert_true (g_file_get_contents (pa, &ta, NULL, NULL));
  g_assert_true (g_file_get_contents (pb, &tb, NULL, NULL));
  all = g_strconcat (ta, tb, NULL);
  g_assert_true (g_file_set_contents (path, all, -1, NULL));
  return path;
}

static char *
pin_of (Pki        *pki,
        const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.pem", pki->dir, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return care_sync_certificate_pin (cert);
}

/* What a device with this pin gets from the server: the server's own
 * "unauthorized" means the TLS connection was accepted. */
static CareSyncError
try_pin (ServerFixture *f,
         const char    *pin)
{
  g_autoptr(CareSyncClient) c = care_sync_client_new (f->url, pin, "d-nobody", "key");
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePullResult) r = sync_pull (c, "", 0, 10, &error);

  g_assert_null (r);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CARE_SYNC_ERROR);
  g_test_message ("pin %s: %s", pin ? pin : "(none)", error->message);
  return error->code;
}

static void
start_tls (ServerFixture *f,
           Pki           *pki,
           const char    *chain,
           const char    *key_name)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", pki->dir, key_name);
  const char *args[] = { "--cert", chain, "--key", key, NULL };

  fixture_start (f, args, NULL);
  g_assert_true (g_str_has_prefix (f->url, "https://127.0.0.1:"));
}

static void
test_pinning (void)
{
  ServerFixture f;
  Pki pki;
  g_autoptr(GError) error = NULL;
  g_autofree char *chain1 = NULL, *rogue_chain = NULL, *mixed_chain = NULL, *self_signed = NULL;
  g_autofree char *ca1_pin = NULL, *ca2_pin = NULL, *leaf1_pin = NULL, *leaf2_pin = NULL, *self_pin = NULL;
  TestDevice *d;
  g_autoptr(CarePullResult) page = NULL;

  if (!g_find_program_in_path ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  fixture_setup (&f);
  pki.dir = g_build_filename (f.tmp, "pki", NULL);
  g_mkdir (pki.dir, 0700);
  make_ca (&pki, "ca1");
  make_ca (&pki, "ca2");
  make_leaf (&pki, "leaf1", "ca1");
  make_leaf (&pki, "leaf2", "ca2");
  make_leaf (&pki, "self", NULL);
  chain1 = concat_pems (&pki, "chain1", "leaf1", "ca1");
  rogue_chain = concat_pems (&pki, "rogue", "leaf2", "ca2");
  mixed_chain = concat_pems (&pki, "mixed", "leaf2", "ca1");
  self_signed = g_strdup_printf ("%s/self.pem", pki.dir);
  ca1_pin = pin_of (&pki, "ca1");
  ca2_pin = pin_of (&pki, "ca2");
  leaf1_pin = pin_of (&pki, "leaf1");
  leaf2_pin = pin_of (&pki, "leaf2");
  self_pin = pin_of (&pki, "self");

  /* The co-op's CA: the enrolment line carries the CA's pin and a device
   * enrols and syncs with no manual trust step. */
  start_tls (&f, &pki, chain1, "leaf1");
  g_assert_cmpstr (f.pin, ==, ca1_pin);
  d = device_enrol (&f, "m-carer");
  page = sync_pull (d->client, "", 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->records->len, >, 0);
  device_free (d);
  g_assert_cmpint (try_pin (&f, leaf1_pin), ==, CARE_SYNC_ERROR_UNAUTHORIZED);   /* leaf pin works too */
  g_assert_cmpint (try_pin (&f, ca2_pin), ==, CARE_SYNC_ERROR_TLS);              /* another CA */
  g_assert_cmpint (try_pin (&f, self_pin), ==, CARE_SYNC_ERROR_TLS);
  g_assert_cmpint (try_pin (&f, NULL), ==, CARE_SYNC_ERROR_TLS);                 /* no pin, no trust */
  fixture_stop (&f);

  /* An impostor with a certificate from another CA (as a public CA would
   * sign it): refused, even though that chain is internally valid. */
  start_tls (&f, &pki, rogue_chain, "leaf2");
  g_assert_cmpint (try_pin (&f, ca1_pin), ==, CARE_SYNC_ERROR_TLS);
  g_assert_cmpint (try_pin (&f, leaf1_pin), ==, CARE_SYNC_ERROR_TLS);
  g_assert_cmpint (try_pin (&f, leaf2_pin), ==, CARE_SYNC_ERROR_UNAUTHORIZED);
  fixture_stop (&f);

  /* An impostor who appends the co-op's real CA certificate to its chain:
   * the pinned certificate is present but did not sign the leaf. */
  start_tls (&f, &pki, mixed_chain, "leaf2");
  g_assert_cmpint (try_pin (&f, ca1_pin), ==, CARE_SYNC_ERROR_TLS);
  fixture_stop (&f);

  /* A self-signed server certificate, pinned directly. */
  start_tls (&f, &pki, self_signed, "self");
  g_assert_cmpstr (f.pin, ==, self_pin);
  d = device_enrol (&f, "m-super");
  device_free (d);
  g_assert_cmpint (try_pin (&f, ca1_pin), ==, CARE_SYNC_ERROR_TLS);

  g_free (pki.dir);
  fixture_teardown (&f);
}

/* A swapped --cert and --key, or a file that holds neither, is refused
 * with a sentence naming the file and what it should hold. */
static void
test_load_errors (void)
{
  ServerFixture f;
  Pki pki;
  g_autofree char *pem = NULL, *key = NULL, *junk = NULL, *err = NULL;

  if (!g_find_program_in_path ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  fixture_setup (&f);
  pki.dir = g_build_filename (f.tmp, "pki", NULL);
  g_mkdir (pki.dir, 0700);
  make_leaf (&pki, "self", NULL);
  pem = g_strdup_printf ("%s/self.pem", pki.dir);
  key = g_strdup_printf ("%s/self.key", pki.dir);
  junk = g_strdup_printf ("%s/junk.txt", pki.dir);
  g_assert_true (g_file_set_contents (junk, "not a certificate\n", -1, NULL));

  err = fixture_admin (&f, FALSE, "serve", f.data, "--listen", "127.0.0.1:0", "--cert", key, "--key", pem, NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, key));
  g_assert_nonnull (strstr (err, "holds a private key, not a certificate"));
  g_assert_nonnull (strstr (err, "Were --cert and --key swapped?"));
  g_clear_pointer (&err, g_free);

  err = fixture_admin (&f, FALSE, "serve", f.data, "--listen", "127.0.0.1:0", "--cert", pem, "--key", pem, NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "(given with --key) holds a certificate, not a private key"));
  g_clear_pointer (&err, g_free);

  err = fixture_admin (&f, FALSE, "serve", f.data, "--listen", "127.0.0.1:0", "--cert", junk, "--key", key, NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, junk));
  g_assert_nonnull (strstr (err, "holds no PEM certificate"));
  g_clear_pointer (&err, g_free);

  /* And the right way round, it serves. */
  {
    const char *args[] = { "--cert", pem, "--key", key, NULL };

    fixture_start (&f, args, NULL);
    g_assert_nonnull (f.pin);
    fixture_stop (&f);
  }
  g_free (pki.dir);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/tls/pinning", test_pinning);
  g_test_add_func ("/server/tls/load-errors", test_load_errors);
  return g_test_run ();
}
