/* care-verify.c: checking chains and signatures, for anyone.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Deliberately separate from the code that links and signs records: it
 * shares only care_event_hash (the definition of a record's hash) and
 * Ed25519 verification, and it re-derives every expectation itself.
 */
#include "care-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "care-chain.h"
#include "care-sign.h"
#include "care-verify.h"

typedef struct
{
  char *device;
  gboolean expect_all;
  gboolean dense;          /* a tablet's seq is dense; the co-op's jumps after a restore */
  gint64 last_seq;         /* the last record fed or known (0: none) */
  char *last_hash;         /* its hash; NULL: not known */
  char *last_id;           /* its id; NULL: known only by hash */
  gint64 head_seq;         /* 0: no head given */
  char *head_hash;
  char *key;
} Chain;

typedef struct
{
  char *head;
  char *signature;
} Signature;

struct _CareVerifier
{
  GHashTable *chains;      /* device → Chain */
  GHashTable *known;       /* "device seq" → hash */
  GHashTable *signatures;  /* "device seq" → Signature */
  CareVerifyReport report;
};

static void
chain_free (Chain *chain)
{
  g_free (chain->device);
  g_free (chain->last_hash);
  g_free (chain->last_id);
  g_free (chain->head_hash);
  g_free (chain->key);
  g_free (chain);
}

static void
signature_free (Signature *s)
{
  g_free (s->head);
  g_free (s->signature);
  g_free (s);
}

CareVerifier *
care_verifier_new (void)
{
  CareVerifier *self = g_new0 (CareVerifier, 1);

  self->chains = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) chain_free);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) signature_free);
  return self;
}

void
care_verifier_free (CareVerifier *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->chains);
  g_hash_table_unref (self->known);
  g_hash_table_unref (self->signatures);
  care_verify_report_clear (&self->report);
  g_free (self);
}

void
care_verify_report_clear (CareVerifyReport *report)
{
  g_clear_pointer (&report->first_problem, g_free);
}

static Chain *
chain_of (CareVerifier *self,
          const char   *device)
{
  Chain *chain = g_hash_table_lookup (self->chains, device);

  if (chain == NULL)
    {
      chain = g_new0 (Chain, 1);
      chain->device = g_strdup (device);
      chain->dense = g_strcmp0 (device, "coop") != 0;
      g_hash_table_insert (self->chains, chain->device, chain);
      self->report.devices++;
    }
  return chain;
}

static char *
key_of (const char *device,
        gint64      seq)
{
  return g_strdup_printf ("%s %" G_GINT64_FORMAT, device, seq);
}

/* "" when the record is known but its hash is not. */
static const char *
known_hash (CareVerifier *self,
            const char   *device,
            gint64        seq)
{
  g_autofree char *key = key_of (device, seq);

  return g_hash_table_lookup (self->known, key);
}

static void problem (CareVerifier *self,
                     const char   *format,
                     ...) G_GNUC_PRINTF (2, 3);

static void
problem (CareVerifier *self,
         const char   *format,
         ...)
{
  va_list args;

  self->report.problems++;
  if (self->report.first_problem != NULL)
    return;
  va_start (args, format);
  self->report.first_problem = g_strdup_vprintf (format, args);
  va_end (args);
}

void
care_verifier_expect_all (CareVerifier *self,
                          const char   *device)
{
  chain_of (self, device)->expect_all = TRUE;
}

void
care_verifier_add_known (CareVerifier *self,
                         const char   *device,
                         gint64        seq,
                         const char   *hash)
{
  chain_of (self, device);
  /* "" for a record whose hash is not known (made before the chain). */
  g_hash_table_insert (self->known, key_of (device, seq), g_strdup (hash != NULL ? hash : ""));
}

void
care_verifier_set_head (CareVerifier *self,
                        const char   *device,
                        gint64        seq,
                        const char   *hash)
{
  Chain *chain = chain_of (self, device);

  chain->head_seq = seq;
  g_free (chain->head_hash);
  chain->head_hash = g_strdup (hash);
}

void
care_verifier_add_key (CareVerifier *self,
                       const char   *device,
                       const char   *public_key)
{
  Chain *chain = chain_of (self, device);

  g_free (chain->key);
  chain->key = g_strdup (public_key);
}

void
care_verifier_add_signature (CareVerifier *self,
                             const char   *device,
                             gint64        seq,
                             const char   *head,
                             const char   *signature)
{
  Signature *s = g_new0 (Signature, 1);

  chain_of (self, device);
  s->head = g_strdup (head);
  s->signature = g_strdup (signature);
  g_hash_table_insert (self->signatures, key_of (device, seq), s);
}

/* Moves the chain over the records after last_seq the holder knows only by
 * hash (refused, purged). */
static void
advance_known (CareVerifier *self,
               Chain        *chain)
{
  const char *hash;

  while ((hash = known_hash (self, chain->device, chain->last_seq + 1)) != NULL)
    {
      chain->last_seq++;
      g_free (chain->last_hash);
      chain->last_hash = *hash != '\0' ? g_strdup (hash) : NULL;
      g_clear_pointer (&chain->last_id, g_free);
    }
}

/* The signature over (device, seq), whose record's hash is hash. */
static void
check_signature (CareVerifier *self,
                 Chain        *chain,
                 gint64        seq,
                 const char   *id,
                 const char   *hash)
{
  g_autofree char *key = key_of (chain->device, seq);
  Signature *s = g_hash_table_lookup (self->signatures, key);
  g_autofree char *message = NULL;

  if (s == NULL)
    return;
  if (g_strcmp0 (s->head, hash) != 0)
    problem (self, _("Record %s (device %s, number %" G_GINT64_FORMAT ") is not the record the device signed: "
                     "it was altered after it was sent."), id, chain->device, seq);
  else if (chain->key == NULL)
    problem (self, _("Device %s has signatures but no registered key: its key was removed."), chain->device);
  else
    {
      message = care_chain_head_message (chain->device, seq, hash);
      if (care_sign_verify (chain->key, message, s->signature))
        self->report.signatures++;
      else
        problem (self, _("The signature of device %s over its record number %" G_GINT64_FORMAT " does not hold: "
                         "the signature, or the device's key, was altered."), chain->device, seq);
    }
  g_hash_table_remove (self->signatures, key);
}

void
care_verifier_add_record (CareVerifier    *self,
                          const CareEvent *event,
                          const char      *stored_hash)
{
  Chain *chain = chain_of (self, event->device);
  g_autofree char *hash = care_event_hash (event);
  const char *previous = NULL;

  self->report.records++;
  if (event->link != NULL)
    self->report.linked++;
  if (event->seq <= chain->last_seq)
    {
      problem (self, _("Record %s (device %s, number %" G_GINT64_FORMAT ") is out of order: it comes after the "
                       "device's record number %" G_GINT64_FORMAT "."),
               event->id, event->device, event->seq, chain->last_seq);
      return;
    }
  if (stored_hash != NULL && strcmp (stored_hash, hash) != 0)
    problem (self, _("Record %s (device %s, number %" G_GINT64_FORMAT ") was altered: its content no longer "
                     "gives the hash stored with it."), event->id, event->device, event->seq);
  advance_known (self, chain);
  /* The record before it: a tablet's is number seq - 1; the co-op's is its
   * previous record, known only to a holder of all of them. */
  if (chain->dense && event->seq != chain->last_seq + 1)
    {
      if (chain->expect_all)
        problem (self, _("Device %s's record number %" G_GINT64_FORMAT " is missing: the records go from number "
                         "%" G_GINT64_FORMAT " to number %" G_GINT64_FORMAT " (%s)."),
                 event->device, chain->last_seq + 1, chain->last_seq, event->seq, event->id);
    }
  else if (chain->dense || chain->expect_all)
    previous = chain->last_seq == 0 ? CARE_CHAIN_START : chain->last_hash;
  if (event->link != NULL && previous != NULL && strcmp (event->link, previous) != 0)
    problem (self, _("Record %s (device %s, number %" G_GINT64_FORMAT ") does not follow the record before it "
                     "(%s, number %" G_GINT64_FORMAT "): that record was altered, removed or moved, or this "
                     "one's link was changed."),
             event->id, event->device, event->seq, chain->last_id ? chain->last_id : _("known only by its hash"),
             chain->last_seq);
  check_signature (self, chain, event->seq, event->id, hash);
  g_free (chain->last_id);
  chain->last_id = g_strdup (event->id);
  chain->last_seq = event->seq;
  g_free (chain->last_hash);
  chain->last_hash = g_steal_pointer (&hash);
}

gboolean
care_verifier_finish (CareVerifier     *self,
                      CareVerifyReport *report)
{
  GHashTableIter iter;
  Chain *chain;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->chains);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &chain))
    {
      advance_known (self, chain);
      if (chain->head_seq == 0 || chain->head_hash == NULL)
        continue;
      if (chain->last_seq < chain->head_seq)
        problem (self, _("Device %s's records from number %" G_GINT64_FORMAT " to its latest, number "
                         "%" G_GINT64_FORMAT ", are missing."),
                 chain->device, chain->last_seq + 1, chain->head_seq);
      else if (chain->last_seq > chain->head_seq)
        problem (self, _("Device %s's record number %" G_GINT64_FORMAT " comes after the device's latest record "
                         "(number %" G_GINT64_FORMAT "): it was added afterwards."),
                 chain->device, chain->head_seq + 1, chain->head_seq);
      else if (g_strcmp0 (chain->last_hash, chain->head_hash) != 0)
        problem (self, _("Device %s's latest record (number %" G_GINT64_FORMAT ") was altered: it is not the "
                         "record the device last made."), chain->device, chain->head_seq);
    }
  /* Signatures over records known only by hash (refused by the co-op). */
  g_hash_table_iter_init (&iter, self->signatures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, " ", 2);
      gint64 seq = g_ascii_strtoll (parts[1], NULL, 10);
      const char *hash = known_hash (self, parts[0], seq);
      Signature *s = value;
      Chain *c = chain_of (self, parts[0]);
      g_autofree char *message = care_chain_head_message (parts[0], seq, s->head);

      if (hash == NULL)
        problem (self, _("Device %s signed its record number %" G_GINT64_FORMAT ", which is missing."),
                 parts[0], seq);
      else if (strcmp (hash, s->head) != 0 || c->key == NULL || !care_sign_verify (c->key, message, s->signature))
        problem (self, _("The signature of device %s over its record number %" G_GINT64_FORMAT " does not hold."),
                 parts[0], seq);
      else
        self->report.signatures++;
    }
  *report = self->report;
  self->report.first_problem = NULL;
  return report->problems == 0;
}
