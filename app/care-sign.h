/* care-sign.h: a device's Ed25519 signing key (issue 12, Deliver 2).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each tablet makes a key pair at enrolment (or, enrolled before this
 * existed, at its next sync), keeps the private half with its device key,
 * and registers the public half with the co-op. Each push signs the head
 * of the chain it extends (care_chain_head_message). Keys and signatures
 * are base64url without padding: a key 43 characters, a signature 86.
 * Nettle's Ed25519 (RFC 8032, "PureEdDSA" over the message bytes).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_SIGN_KEY_LEN 43
#define CARE_SIGNATURE_LEN 86

/* A new private key (32 random bytes from getrandom). */
char     *care_sign_key_new        (GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* The public half of a private key; NULL when it is not a key. */
char     *care_sign_public_key     (const char *private_key) G_GNUC_WARN_UNUSED_RESULT;
char     *care_sign                (const char *private_key,
                                    const char *message) G_GNUC_WARN_UNUSED_RESULT;
gboolean  care_sign_verify         (const char *public_key,
                                    const char *message,
                                    const char *signature);
gboolean  care_sign_key_is_valid   (const char *public_key);

/* The device key and the signing key kept together as one secret
 * ("KEY.SIGNING"): the key store holds one secret per device. A secret
 * from before signing keys has no ".": *signing is then NULL. */
char     *care_sign_join_secret    (const char *device_key,
                                    const char *signing_key) G_GNUC_WARN_UNUSED_RESULT;
void      care_sign_split_secret   (const char *secret,
                                    char      **device_key,
                                    char      **signing_key);

G_END_DECLS
