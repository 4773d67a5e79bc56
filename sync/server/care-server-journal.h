/* care-server-journal.h: the co-op server's restore-safe device journal.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DIR/devices.journal lives beside the database, not in it, so a restore
 * (which replaces the database with an older copy) does not roll it back.
 * Every enrolment and revocation is appended to it (one JSON object a line,
 * written and fsync'd before the database commit that makes it take
 * effect), and so is every restore. From it a restore re-admits the tablets
 * enrolled after the backup (with the same key, so they carry on by
 * themselves and send again what the backup lacks), revokes again the
 * tablets revoked after it, and moves the co-op's own record numbering past
 * anything an earlier restore handed out.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARE_JOURNAL_ENROLLED,
  CARE_JOURNAL_REVOKED,
  CARE_JOURNAL_RESTORED,
} CareJournalKind;

typedef struct
{
  CareJournalKind kind;
  char *device;       /* enrolled, revoked */
  char *member;       /* enrolled */
  char *name;         /* enrolled: the tablet's name */
  char *key_hash;     /* enrolled */
  char *mode;         /* revoked: "erase" or "retire" (docs/privacy.md); NULL from older journals */
  gint64 at;          /* ms since 1970 */
  gint64 coop_seq;    /* restored: where the co-op's numbering went on */
} CareJournalEntry;

gboolean   care_server_journal_enrolled (const char  *dir,
                                         const char  *device,
                                         const char  *member,
                                         const char  *name,
                                         const char  *key_hash,
                                         gint64       at,
                                         GError     **error);
gboolean   care_server_journal_revoked  (const char  *dir,
                                         const char  *device,
                                         const char  *mode,
                                         gint64       at,
                                         GError     **error);
gboolean   care_server_journal_restored (const char  *dir,
                                         gint64       coop_seq,
                                         gint64       at,
                                         GError     **error);
/* The entries in the order they were written (an empty array when there is
 * no journal; a torn last line, from a crash while writing, is skipped). */
GPtrArray *care_server_journal_read     (const char  *dir,
                                         GError     **error);

void care_journal_entry_free (CareJournalEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareJournalEntry, care_journal_entry_free)

G_END_DECLS
