/* care-words.h: the names a person reads for the care log's fixed values
 * (note categories, service types), shared by the store's visit history,
 * the app and the command-line tool so that every screen says the same.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Note categories and service types, in display order. */
typedef struct
{
  const char *id;
  const char *label;   /* untranslated; pass through _() */
} CareChoice;

const CareChoice *care_note_categories       (guint *n_categories);
const CareChoice *care_services              (guint *n_services);
/* The translated name of a category or service; a service the co-op's rota
 * names freely ("lunch call") is shown as it is, with a capital. */
const char       *care_note_category_label   (const char *id);
const char       *care_service_label         (const char *id);
/* One sentence for the client's word on a visit (visit.verified), e.g.
 * "Confirmed by the client" or "Disputed by the family: she left early". */
char             *care_verification_sentence (const char *outcome,
                                              const char *by,
                                              const char *reason,
                                              const char *text) G_GNUC_WARN_UNUSED_RESULT;
/* Why nobody could confirm, in CareChoice form (asleep, declined, unable). */
const CareChoice *care_no_confirm_reasons    (guint *n_reasons);

/* Who may read a note, in CareReaders order (team, coordinators, family):
 * the choice a carer makes as she writes, and the label a note shows. */
const CareChoice *care_note_readers_choices  (guint *n_readers);
const char       *care_note_readers_label    (const char *id);

G_END_DECLS
