/* care-chain.h: a record's hash, and the chain of a device's records.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place that hashes a record (tablet, server, verifier and the
 * command-line tools all call it). docs/verifying-records.md describes the
 * encoding byte for byte so that anyone can recompute it:
 *
 *   hash = SHA-256 of the record's canonical JSON: one object with the
 *          members author, body, device, hlc, id, link (only when the
 *          record has one), seq, type, wall; keys sorted, no white space,
 *          strings escaped only where JSON requires it, integral numbers as
 *          integers, other numbers in their shortest round-trip form.
 *
 * written as base64url without padding (43 characters).
 *
 * A record's link is the hash of its device's previous record (by seq), or
 * CARE_CHAIN_START for a device's first record. A record without a link is
 * "before the chain" (stored before this existed).
 */
#pragma once

#include <glib.h>

#include "care-event.h"

G_BEGIN_DECLS

/* base64url length of a SHA-256 without padding. */
#define CARE_HASH_LEN 43
/* The link of a device's first record: 32 zero bytes. */
#define CARE_CHAIN_START "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* The canonical encoding the hash is taken over (UTF-8, no NUL). */
char     *care_event_canonical     (const CareEvent *event) G_GNUC_WARN_UNUSED_RESULT;
/* The record's hash, base64url (CARE_HASH_LEN characters). */
char     *care_event_hash          (const CareEvent *event) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE when text is CARE_HASH_LEN base64url characters. */
gboolean  care_hash_is_valid       (const char *text);

/* base64url without padding, and back (NULL when text is not exactly
 * base64url of len bytes). */
/* The base64url alphabet (RFC 4648, section 5), and a character's value
 * in it (-1: not in it). */
extern const char care_base64url_alphabet[];
int       care_base64url_value     (char          c);
char     *care_base64url_encode    (const guint8 *data,
                                    gsize         len) G_GNUC_WARN_UNUSED_RESULT;
gboolean  care_base64url_decode    (const char   *text,
                                    guint8       *out,
                                    gsize         len);

/* What a device's push batch signs (docs/verifying-records.md): the
 * head of the chain it extends, "carelog-head:1 DEVICE SEQ HASH". */
char     *care_chain_head_message  (const char *device,
                                    gint64      seq,
                                    const char *hash) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
