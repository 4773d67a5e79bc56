/* care-note-item.c: one care note of a visit, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The item holds what a note card shows, made once from the store's
 * CareNote; care-note-card.ui binds its labels and buttons to it.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-note-item.h"
#include "care-ui-util.h"

struct _CareNoteItem
{
  GObject parent_instance;

  char *note;          /* note id: the target of visit.amend-note */
  char *category;      /* the category, in words */
  char *time;          /* when it was written */
  char *readers;       /* who may read it, in words */
  char *text;
  char *versions;      /* Pango markup: each correction and the text before it; NULL if none */
  char *sync;          /* where the note is, in words */
  char *correct_label; /* accessible label of the Correct button */
  gboolean urgent;
  gboolean retracted;
};

G_DEFINE_FINAL_TYPE (CareNoteItem, care_note_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NOTE,
  PROP_CATEGORY,
  PROP_TIME,
  PROP_READERS,
  PROP_TEXT,
  PROP_VERSIONS,
  PROP_HAS_VERSIONS,
  PROP_SYNC,
  PROP_CORRECT_LABEL,
  PROP_URGENT,
  PROP_RETRACTED,
  PROP_CORRECTABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_note_item_finalize (GObject *object)
{
  CareNoteItem *self = CARE_NOTE_ITEM (object);

  g_free (self->note);
  g_free (self->category);
  g_free (self->time);
  g_free (self->readers);
  g_free (self->text);
  g_free (self->versions);
  g_free (self->sync);
  g_free (self->correct_label);
  G_OBJECT_CLASS (care_note_item_parent_class)->finalize (object);
}

static void
care_note_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CareNoteItem *self = CARE_NOTE_ITEM (object);
  const char *strings[N_PROPS] = {
    [PROP_NOTE] = self->note,
    [PROP_CATEGORY] = self->category,
    [PROP_TIME] = self->time,
    [PROP_READERS] = self->readers,
    [PROP_TEXT] = self->text,
    [PROP_VERSIONS] = self->versions,
    [PROP_SYNC] = self->sync,
    [PROP_CORRECT_LABEL] = self->correct_label,
  };

  switch (prop_id)
    {
    case PROP_HAS_VERSIONS:
      g_value_set_boolean (value, self->versions != NULL);
      break;
    case PROP_URGENT:
      g_value_set_boolean (value, self->urgent);
      break;
    case PROP_RETRACTED:
      g_value_set_boolean (value, self->retracted);
      break;
    case PROP_CORRECTABLE:
      g_value_set_boolean (value, !self->retracted);
      break;
    default:
      if (prop_id > PROP_0 && prop_id < N_PROPS)
        g_value_set_string (value, strings[prop_id]);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
care_note_item_class_init (CareNoteItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_note_item_finalize;
  object_class->get_property = care_note_item_get_property;

  properties[PROP_NOTE] = string_property ("note");
  properties[PROP_CATEGORY] = string_property ("category");
  properties[PROP_TIME] = string_property ("time");
  properties[PROP_READERS] = string_property ("readers");
  properties[PROP_TEXT] = string_property ("text");
  properties[PROP_VERSIONS] = string_property ("versions");
  properties[PROP_HAS_VERSIONS] = boolean_property ("has-versions");
  properties[PROP_SYNC] = string_property ("sync");
  properties[PROP_CORRECT_LABEL] = string_property ("correct-label");
  properties[PROP_URGENT] = boolean_property ("urgent");
  properties[PROP_RETRACTED] = boolean_property ("retracted");
  properties[PROP_CORRECTABLE] = boolean_property ("correctable");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_note_item_init (CareNoteItem *self)
{
}

/* Every correction, newest first: when and why, then the text before it. */
static char *
versions_markup (const CareNote *note,
                 GTimeZone      *tz)
{
  GString *markup;

  if (note->versions == NULL || note->versions->len < 2)
    return NULL;
  markup = g_string_new (NULL);
  for (guint i = note->versions->len - 1; i >= 1; i--)
    {
      const CareNoteVersion *v = g_ptr_array_index (note->versions, i);
      const CareNoteVersion *before = g_ptr_array_index (note->versions, i - 1);
      g_autofree char *at = care_format_time (v->at, tz);
      g_autofree char *line = g_strdup_printf (_("Corrected at %s: %s"), at,
                                               v->reason != NULL ? v->reason : "");
      g_autofree char *was = g_strdup_printf (_("Before: %s"), before->text);
      g_autofree char *escaped = g_markup_printf_escaped ("<b>%s</b>\n%s", line, was);

      if (markup->len > 0)
        g_string_append_c (markup, '\n');
      g_string_append (markup, escaped);
    }
  return g_string_free (markup, FALSE);
}

CareNoteItem *
care_note_item_new (const CareNote *note,
                    GTimeZone      *tz)
{
  CareNoteItem *self;

  g_return_val_if_fail (note != NULL, NULL);

  self = g_object_new (CARE_TYPE_NOTE_ITEM, NULL);
  self->note = g_strdup (note->note);
  self->category = g_strdup (care_note_category_label (note->category));
  self->time = care_format_time (note->created_at, tz);
  self->readers = g_strdup (care_note_readers_label (care_readers_to_string (note->readers)));
  self->text = g_strdup (note->text);
  self->versions = versions_markup (note, tz);
  self->sync = g_strdup (care_sync_state_label (note->sync, CARE_REVIEW_NONE));
  self->correct_label = g_strdup_printf (_("Correct the %s note written at %s"),
                                         self->category, self->time);
  self->urgent = note->urgent;
  self->retracted = note->retracted;
  return self;
}

const char *
care_note_item_get_note (CareNoteItem *self)
{
  g_return_val_if_fail (CARE_IS_NOTE_ITEM (self), NULL);
  return self->note;
}
