/* care-words.c: the names a person reads for the care log's fixed values.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-words.h"

static const CareChoice categories[] = {
  { "personal-care", N_("Personal care") },
  { "nutrition", N_("Nutrition") },
  { "medication", N_("Medication") },
  { "wellbeing", N_("Wellbeing and mood") },
  { "incident", N_("Incident") },
  { "safeguarding", N_("Safeguarding concern") },
};

static const CareChoice services[] = {
  { "personal-care", N_("Personal care") },
  { "domestic", N_("Domestic support") },
  { "medication", N_("Medication support") },
  { "companionship", N_("Companionship") },
  { "respite", N_("Respite") },
};

static const char *choice_label (const CareChoice *choices, guint n, const char *id);

static const CareChoice no_confirm[] = {
  { "asleep", N_("The client was asleep") },
  { "declined", N_("The client did not want to answer") },
  { "unable", N_("The client was not able to answer") },
};

const CareChoice *
care_no_confirm_reasons (guint *n_reasons)
{
  *n_reasons = G_N_ELEMENTS (no_confirm);
  return no_confirm;
}

char *
care_verification_sentence (const char *outcome,
                            const char *by,
                            const char *reason,
                            const char *text)
{
  gboolean family = g_strcmp0 (by, "family") == 0;
  const char *words = text != NULL && *text != '\0' ? text : NULL;

  if (g_strcmp0 (outcome, "confirmed") == 0)
    return g_strdup (family ? _("Confirmed by the family") : _("Confirmed by the client"));
  if (g_strcmp0 (outcome, "disputed") == 0)
    /* Translators: what the client or family said was not right follows. */
    return g_strdup_printf (family ? _("Disputed by the family: %s") : _("Disputed by the client: %s"),
                            words ? words : "");
  /* Translators: e.g. "Nobody could confirm: The client was asleep". */
  return g_strdup_printf (_("Nobody could confirm: %s%s%s"),
                          choice_label (no_confirm, G_N_ELEMENTS (no_confirm), reason),
                          words ? " — " : "", words ? words : "");
}

static const CareChoice readers[] = {
  { "team", N_("The care team") },
  { "coordinators", N_("Co-ordinators only") },
  { "family", N_("Shared with the family") },
};

const CareChoice *
care_note_readers_choices (guint *n_readers)
{
  *n_readers = G_N_ELEMENTS (readers);
  return readers;
}

const CareChoice *
care_note_categories (guint *n_categories)
{
  *n_categories = G_N_ELEMENTS (categories);
  return categories;
}

const CareChoice *
care_services (guint *n_services)
{
  *n_services = G_N_ELEMENTS (services);
  return services;
}

static const char *
choice_label (const CareChoice *choices,
              guint             n,
              const char       *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      return _(choices[i].label);
  return id != NULL ? id : "";
}

const char *
care_note_category_label (const char *id)
{
  return choice_label (categories, G_N_ELEMENTS (categories), id);
}

const char *
care_note_readers_label (const char *id)
{
  return choice_label (readers, G_N_ELEMENTS (readers), id != NULL ? id : "team");
}

const char *
care_service_label (const char *id)
{
  const char *label = choice_label (services, G_N_ELEMENTS (services), id);
  g_autofree char *capitalised = NULL;
  char first[8] = { 0 };

  /* The co-op's rota may name services freely ("lunch call"): shown as a
   * label, with a capital. */
  if (label != id || id == NULL || !g_unichar_islower (g_utf8_get_char (id)))
    return label;
  g_unichar_to_utf8 (g_unichar_totitle (g_utf8_get_char (id)), first);
  capitalised = g_strconcat (first, g_utf8_next_char (id), NULL);
  return g_intern_string (capitalised);
}
