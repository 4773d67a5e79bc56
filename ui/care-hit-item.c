/* care-hit-item.c: a care note found by a search, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-hit-item.h"
#include "care-ui-util.h"

struct _CareHitItem
{
  GObject parent_instance;

  char *visit;
  char *title;
  char *snippet;       /* markup, the match in bold */
  char *accessible;
};

G_DEFINE_FINAL_TYPE (CareHitItem, care_hit_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SNIPPET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_hit_item_finalize (GObject *object)
{
  CareHitItem *self = CARE_HIT_ITEM (object);

  g_free (self->visit);
  g_free (self->title);
  g_free (self->snippet);
  g_free (self->accessible);
  G_OBJECT_CLASS (care_hit_item_parent_class)->finalize (object);
}

static void
care_hit_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CareHitItem *self = CARE_HIT_ITEM (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SNIPPET:
      g_value_set_string (value, self->snippet);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_hit_item_class_init (CareHitItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_hit_item_finalize;
  object_class->get_property = care_hit_item_get_property;

  /* "client · category · when" */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Pango markup: the note's words around the match, the match in bold. */
  properties[PROP_SNIPPET] =
    g_param_spec_string ("snippet", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_hit_item_init (CareHitItem *self)
{
}

/* "... the [word] here ..." → escaped markup with the match in bold. */
static char *
snippet_markup (const char *snippet)
{
  g_autofree char *escaped = g_markup_escape_text (snippet != NULL ? snippet : "", -1);
  GString *markup = g_string_new (NULL);

  for (const char *p = escaped; *p; p++)
    {
      if (*p == '[')
        g_string_append (markup, "<b>");
      else if (*p == ']')
        g_string_append (markup, "</b>");
      else
        g_string_append_c (markup, *p);
    }
  return g_string_free (markup, FALSE);
}

CareHitItem *
care_hit_item_new (const CareNoteHit *hit,
                   GTimeZone         *tz)
{
  CareHitItem *self;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (hit != NULL, NULL);

  self = g_object_new (CARE_TYPE_HIT_ITEM, NULL);
  utc = g_date_time_new_from_unix_utc (hit->created_at / 1000);
  local = g_date_time_to_timezone (utc, tz);
  /* Translators: a date and time in search results, see g_date_time_format() */
  when = g_date_time_format (local, _("%e %b, %H:%M"));
  self->visit = g_strdup (hit->visit);
  self->title = g_strdup_printf ("%s · %s · %s", hit->client_name != NULL ? hit->client_name : "",
                                 care_note_category_label (hit->category), g_strstrip (when));
  self->snippet = snippet_markup (hit->snippet);
  self->accessible = g_strdup_printf (_("Open the visit: %s"), self->title);
  return self;
}

const char *
care_hit_item_get_visit (CareHitItem *self)
{
  g_return_val_if_fail (CARE_IS_HIT_ITEM (self), NULL);
  return self->visit;
}

const char *
care_hit_item_get_accessible_label (CareHitItem *self)
{
  g_return_val_if_fail (CARE_IS_HIT_ITEM (self), NULL);
  return self->accessible;
}
