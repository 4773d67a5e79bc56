/* care-family-item.c: a visit as the client's family reads it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a family row shows is a read-only property here, made once from
 * the visit's summary and detail; care-family-row.ui binds them.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-family-item.h"
#include "care-ui-util.h"

enum {
  PROP_0,
  /* Texts */
  PROP_TITLE,
  PROP_CLIENT,
  PROP_TASKS,
  PROP_NOTES,
  PROP_VERIFICATION,
  PROP_ANSWER,
  /* Switches */
  PROP_HAS_TASKS,
  PROP_HAS_NOTES,
  PROP_HAS_VERIFICATION,
  PROP_HAS_ANSWER,
  PROP_FINISHED,
  N_PROPS
};

#define FIRST_SWITCH PROP_HAS_TASKS

struct _CareFamilyItem
{
  GObject parent_instance;

  char *visit;
  char *text[N_PROPS];
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (CareFamilyItem, care_family_item, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
care_family_item_finalize (GObject *object)
{
  CareFamilyItem *self = CARE_FAMILY_ITEM (object);

  g_free (self->visit);
  for (guint i = 0; i < N_PROPS; i++)
    g_free (self->text[i]);
  G_OBJECT_CLASS (care_family_item_parent_class)->finalize (object);
}

static void
care_family_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CareFamilyItem *self = CARE_FAMILY_ITEM (object);

  if (prop_id == PROP_FINISHED)
    g_value_set_boolean (value, self->finished);
  else if (prop_id >= FIRST_SWITCH && prop_id < N_PROPS)
    /* has-X: whether the text before it, X, is there */
    g_value_set_boolean (value, self->text[prop_id - FIRST_SWITCH + PROP_TASKS] != NULL);
  else if (prop_id > PROP_0 && prop_id < FIRST_SWITCH)
    g_value_set_string (value, self->text[prop_id]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_family_item_class_init (CareFamilyItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *names[N_PROPS] = {
    NULL, "title", "client", "tasks", "notes", "verification", "answer",
    "has-tasks", "has-notes", "has-verification", "has-answer", "finished",
  };
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = care_family_item_finalize;
  object_class->get_property = care_family_item_get_property;

  for (guint i = PROP_TITLE; i < N_PROPS; i++)
    properties[i] = i < FIRST_SWITCH ? g_param_spec_string (names[i], NULL, NULL, NULL, flags)
                                     : g_param_spec_boolean (names[i], NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_family_item_init (CareFamilyItem *self)
{
}

CareFamilyItem *
care_family_item_new (const CareVisitSummary *s,
                      const CareVisitDetail  *d,
                      GTimeZone              *tz)
{
  CareFamilyItem *self;
  g_autofree char *day = NULL, *from = NULL, *to = NULL;
  const char *carer;

  g_return_val_if_fail (s != NULL, NULL);

  self = g_object_new (CARE_TYPE_FAMILY_ITEM, NULL);
  self->visit = g_strdup (s->visit);
  self->finished = s->finished_at > 0;
  day = care_format_date (s->started_at, tz);
  from = care_format_time (s->started_at, tz);
  to = s->finished_at > 0 ? care_format_time (s->finished_at, tz) : NULL;
  carer = s->carer_name ? s->carer_name : "";
  /* Translators: "Mon 1 Dec: Ana Lima, 09:02 to 09:41". */
  self->text[PROP_TITLE] = to != NULL ? g_strdup_printf (_("%s: %s, %s to %s"), day, carer, from, to)
                                      : g_strdup_printf (_("%s: %s, from %s"), day, carer, from);
  self->text[PROP_CLIENT] = g_strdup (s->client_name);
  if (d == NULL)
    return self;
  if (d->tasks->len > 0)
    {
      guint done = 0;

      for (guint i = 0; i < d->tasks->len; i++)
        done += ((const CareTaskState *) g_ptr_array_index (d->tasks, i))->answer == 1;
      self->text[PROP_TASKS] = g_strdup_printf (_("Tasks done: %u of %u"), done, d->tasks->len);
    }
  {
    g_autoptr(GString) notes = g_string_new (NULL);

    for (guint i = 0; i < d->notes->len; i++)
      {
        const CareNote *n = g_ptr_array_index (d->notes, i);

        if (!n->retracted && n->text != NULL)
          g_string_append_printf (notes, "%s%s", notes->len > 0 ? "\n\n" : "", n->text);
      }
    if (notes->len > 0)
      self->text[PROP_NOTES] = g_string_free (g_steal_pointer (&notes), FALSE);
  }
  if (d->verified != NULL)
    self->text[PROP_VERIFICATION] = care_verification_sentence (d->verified, d->verified_by, d->verified_reason,
                                                                d->verified_text);
  if (d->dispute_answer != NULL)
    self->text[PROP_ANSWER] = g_strdup_printf (_("The co-ordinator answered: %s"), d->dispute_answer);
  return self;
}

const char *
care_family_item_get_visit (CareFamilyItem *self)
{
  g_return_val_if_fail (CARE_IS_FAMILY_ITEM (self), NULL);
  return self->visit;
}
