/* care-sign.c: a device's Ed25519 signing key.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n-lib.h>
#include <nettle/eddsa.h>

#include "care-chain.h"
#include "care-sign.h"
#include "care-store.h"

char *
care_sign_key_new (GError **error)
{
  guint8 key[ED25519_KEY_SIZE];
  gsize got = 0;
  char *text;

  while (got < sizeof key)
    {
      ssize_t n = getrandom (key + got, sizeof key - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_FAILED,
                       _("No random numbers for a signing key: %s"), g_strerror (errno));
          return NULL;
        }
      got += (gsize) n;
    }
  text = care_base64url_encode (key, sizeof key);
  memset (key, 0, sizeof key);
  return text;
}

char *
care_sign_public_key (const char *private_key)
{
  guint8 priv[ED25519_KEY_SIZE], pub[ED25519_KEY_SIZE];

  if (!care_base64url_decode (private_key, priv, sizeof priv))
    return NULL;
  ed25519_sha512_public_key (pub, priv);
  memset (priv, 0, sizeof priv);
  return care_base64url_encode (pub, sizeof pub);
}

char *
care_sign (const char *private_key,
           const char *message)
{
  guint8 priv[ED25519_KEY_SIZE], pub[ED25519_KEY_SIZE], signature[ED25519_SIGNATURE_SIZE];

  if (!care_base64url_decode (private_key, priv, sizeof priv))
    return NULL;
  ed25519_sha512_public_key (pub, priv);
  ed25519_sha512_sign (pub, priv, strlen (message), (const guint8 *) message, signature);
  memset (priv, 0, sizeof priv);
  return care_base64url_encode (signature, sizeof signature);
}

gboolean
care_sign_verify (const char *public_key,
                  const char *message,
                  const char *signature)
{
  guint8 pub[ED25519_KEY_SIZE], sig[ED25519_SIGNATURE_SIZE];

  if (message == NULL || !care_base64url_decode (public_key, pub, sizeof pub)
      || !care_base64url_decode (signature, sig, sizeof sig))
    return FALSE;
  return ed25519_sha512_verify (pub, strlen (message), (const guint8 *) message, sig) != 0;
}

gboolean
care_sign_key_is_valid (const char *public_key)
{
  guint8 pub[ED25519_KEY_SIZE];

  return care_base64url_decode (public_key, pub, sizeof pub);
}

char *
care_sign_join_secret (const char *device_key,
                       const char *signing_key)
{
  return signing_key != NULL ? g_strconcat (device_key, ".", signing_key, NULL) : g_strdup (device_key);
}

void
care_sign_split_secret (const char *secret,
                        char      **device_key,
                        char      **signing_key)
{
  const char *dot = secret != NULL ? strchr (secret, '.') : NULL;

  *device_key = dot != NULL ? g_strndup (secret, dot - secret) : g_strdup (secret);
  *signing_key = dot != NULL ? g_strdup (dot + 1) : NULL;
}
