/* care-verify.h: checking chains and signatures, for anyone.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier is written apart from the code that builds the chain
 * (care-chain.c computes a hash; nothing here links or signs anything), so
 * that a mistake in building is not repeated in checking. It knows no
 * store: `carelog-server verify` and `carelog-cli verify` read their
 * database and feed it, and it names the first record that was altered,
 * is missing, or is out of order (docs/verifying-records.md).
 *
 * Records are fed device by device or interleaved, but each device's
 * records in increasing seq. Everything else (refused or purged records'
 * hashes, keys, signatures, the expected heads) is given before the
 * records.
 */
#pragma once

#include <glib.h>

#include "care-event.h"

G_BEGIN_DECLS

typedef struct _CareVerifier CareVerifier;

typedef struct
{
  guint64 records;      /* records checked */
  guint64 linked;       /* of which in a chain (not before it) */
  guint64 signatures;   /* signatures that hold */
  guint devices;        /* chains */
  guint64 problems;
  char *first_problem;  /* a sentence naming the record; NULL when none */
} CareVerifyReport;

CareVerifier *care_verifier_new            (void);
void          care_verifier_free           (CareVerifier *self);

/* The holder should have every record of this device: a gap in its
 * sequence not covered by add_known is a missing record. */
void          care_verifier_expect_all     (CareVerifier *self,
                                            const char   *device);
/* A record the holder does not keep but whose hash it knows (refused by
 * the co-op, purged by retention). */
void          care_verifier_add_known      (CareVerifier *self,
                                            const char   *device,
                                            gint64        seq,
                                            const char   *hash);
/* The device's latest record, as the holder last recorded it apart from
 * the records (the co-op's device row, a tablet's own chain head): a
 * later record removed, or the last one changed, shows here. */
void          care_verifier_set_head       (CareVerifier *self,
                                            const char   *device,
                                            gint64        seq,
                                            const char   *hash);
void          care_verifier_add_key        (CareVerifier *self,
                                            const char   *device,
                                            const char   *public_key);
void          care_verifier_add_signature  (CareVerifier *self,
                                            const char   *device,
                                            gint64        seq,
                                            const char   *head,
                                            const char   *signature);
/* stored_hash: the hash the holder stored with the record (NULL: none). */
void          care_verifier_add_record     (CareVerifier    *self,
                                            const CareEvent *event,
                                            const char      *stored_hash);
/* Checks what is left (heads, signatures of records never fed) and fills
 * report; TRUE when there is no problem. */
gboolean      care_verifier_finish         (CareVerifier     *self,
                                            CareVerifyReport *report);
void          care_verify_report_clear     (CareVerifyReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareVerifier, care_verifier_free)

G_END_DECLS
