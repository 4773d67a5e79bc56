/* care-review-item.c: one row of the co-ordinator's review list.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a row shows is a property here, computed from the summary; setting
 * the summary (its page was read) notifies them all, and the row's
 * template bindings follow.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-review-item.h"
#include "care-ui-util.h"

#define N_FLAG_BITS 9

struct _CareReviewItem
{
  GObject parent_instance;

  CareVisitSummary *summary;
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (CareReviewItem, care_review_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_WHEN,
  PROP_TITLE,
  PROP_STATE,
  PROP_REVIEW_LABEL,
  PROP_REVIEW_CLASSES,
  PROP_FLAGS_TEXT,
  PROP_FLAGS_CLASSES,
  PROP_HAS_FLAGS,
  PROP_NOTE,
  PROP_HAS_NOTE,
  PROP_ACCESSIBLE_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
when_text (CareReviewItem *self)
{
  const CareVisitSummary *s = self->summary;
  gint64 start = s->started_at != 0 ? s->started_at : s->planned_start;
  gint64 end = s->finished_at != 0 ? s->finished_at : s->planned_start + s->planned_minutes * 60000;
  g_autofree char *day = care_format_date (start, self->tz);
  g_autofree char *from = care_format_time (start, self->tz);
  g_autofree char *to = care_format_time (end, self->tz);

  return g_strdup_printf ("%s\n%s–%s", day, from, to);
}

static char *
title_text (CareReviewItem *self)
{
  const CareVisitSummary *s = self->summary;

  return g_strdup_printf ("%s · %s", s->client_name ? s->client_name : s->client,
                          s->carer_name ? s->carer_name : s->carer);
}

/* The review as a co-ordinator reads it: an answered query is not "not
 * reviewed yet", it waits for a look at the answer. */
static const char *
review_label (const CareVisitSummary *s)
{
  if (s->review == CARE_REVIEW_NONE && s->answer != NULL)
    return _("Answered by the carer");
  return care_review_state_label (s->review);
}

static const char *
review_class (const CareVisitSummary *s)
{
  if (s->review == CARE_REVIEW_NONE && s->answer != NULL)
    return "accent";
  return care_review_state_css_class (s->review);
}

static char *
flags_text (const CareVisitSummary *s,
            gboolean               *serious)
{
  GString *text = g_string_new (NULL);

  *serious = FALSE;
  for (guint bit = 0; bit < N_FLAG_BITS; bit++)
    {
      if ((s->flags & (1u << bit)) == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, care_flag_label (bit));
      if (g_str_equal (care_flag_css_class (bit), "error"))
        *serious = TRUE;
    }
  return g_string_free (text, FALSE);
}

static char *
note_text (const CareVisitSummary *s)
{
  if (s->open_query != NULL)
    return g_strdup_printf (_("Query: %s"), s->open_query);
  if (s->answer != NULL)
    return g_strdup_printf (_("The carer answered: %s"), s->answer);
  return NULL;
}

static void
care_review_item_finalize (GObject *object)
{
  CareReviewItem *self = CARE_REVIEW_ITEM (object);

  g_clear_pointer (&self->summary, care_visit_summary_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  G_OBJECT_CLASS (care_review_item_parent_class)->finalize (object);
}

static void
care_review_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CareReviewItem *self = CARE_REVIEW_ITEM (object);
  const CareVisitSummary *s = self->summary;
  gboolean serious = FALSE;

  if (prop_id == PROP_LOADED)
    {
      g_value_set_boolean (value, s != NULL);
      return;
    }
  if (s == NULL)
    {
      /* Still being read: a row says so, and nothing else. */
      if (prop_id == PROP_TITLE || prop_id == PROP_ACCESSIBLE_LABEL)
        g_value_set_string (value, _("Reading…"));
      return;
    }
  switch (prop_id)
    {
    case PROP_WHEN:
      g_value_take_string (value, when_text (self));
      break;
    case PROP_TITLE:
      g_value_take_string (value, title_text (self));
      break;
    case PROP_STATE:
      g_value_set_string (value, care_visit_state_label (s->state));
      break;
    case PROP_REVIEW_LABEL:
      g_value_set_string (value, review_label (s));
      break;
    case PROP_REVIEW_CLASSES:
      {
        const char *classes[] = { "review-state", review_class (s), NULL };

        g_value_set_boxed (value, classes);
      }
      break;
    case PROP_FLAGS_TEXT:
      g_value_take_string (value, flags_text (s, &serious));
      break;
    case PROP_FLAGS_CLASSES:
      {
        g_autofree char *unused = flags_text (s, &serious);
        const char *classes[] = { "caption-heading", serious ? "error" : "warning", NULL };

        g_value_set_boxed (value, classes);
      }
      break;
    case PROP_HAS_FLAGS:
      g_value_set_boolean (value, s->flags != 0);
      break;
    case PROP_NOTE:
      g_value_take_string (value, note_text (s));
      break;
    case PROP_HAS_NOTE:
      g_value_set_boolean (value, s->open_query != NULL || s->answer != NULL);
      break;
    case PROP_ACCESSIBLE_LABEL:
      {
        g_autofree char *title = title_text (self);
        g_autofree char *when = when_text (self);
        g_autofree char *flags = flags_text (s, &serious);
        g_autofree char *note = note_text (s);

        g_value_take_string (value, g_strdup_printf ("%s, %s, %s · %s. %s %s", title, when,
                                                     care_visit_state_label (s->state), review_label (s),
                                                     flags, note != NULL ? note : ""));
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_review_item_class_init (CareReviewItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = care_review_item_finalize;
  object_class->get_property = care_review_item_get_property;

  /* Notified whenever the summary is set or replaced, as are the others. */
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  /* "Tue 10 Mar 2026\n09:00–10:00" */
  properties[PROP_WHEN] = g_param_spec_string ("when", NULL, NULL, NULL, flags);
  /* "client · carer" */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_REVIEW_LABEL] = g_param_spec_string ("review-label", NULL, NULL, NULL, flags);
  properties[PROP_REVIEW_CLASSES] = g_param_spec_boxed ("review-classes", NULL, NULL, G_TYPE_STRV, flags);
  /* The exceptions: "Late start · Short" */
  properties[PROP_FLAGS_TEXT] = g_param_spec_string ("flags-text", NULL, NULL, NULL, flags);
  properties[PROP_FLAGS_CLASSES] = g_param_spec_boxed ("flags-classes", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_HAS_FLAGS] = g_param_spec_boolean ("has-flags", NULL, NULL, FALSE, flags);
  /* The open query, or the carer's answer to it. */
  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, NULL, flags);
  properties[PROP_HAS_NOTE] = g_param_spec_boolean ("has-note", NULL, NULL, FALSE, flags);
  properties[PROP_ACCESSIBLE_LABEL] = g_param_spec_string ("accessible-label", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_review_item_init (CareReviewItem *self)
{
}

CareReviewItem *
care_review_item_new (CareVisitSummary *summary,
                      GTimeZone        *tz)
{
  CareReviewItem *self = g_object_new (CARE_TYPE_REVIEW_ITEM, NULL);

  self->summary = summary;
  self->tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  return self;
}

const CareVisitSummary *
care_review_item_get_summary (CareReviewItem *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_ITEM (self), NULL);

  return self->summary;
}

void
care_review_item_set_summary (CareReviewItem   *self,
                              CareVisitSummary *summary)
{
  g_return_if_fail (CARE_IS_REVIEW_ITEM (self));

  g_clear_pointer (&self->summary, care_visit_summary_free);
  self->summary = summary;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_LOADED; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

char *
care_review_item_dup_key (CareReviewItem *self)
{
  g_return_val_if_fail (CARE_IS_REVIEW_ITEM (self), NULL);

  if (self->summary == NULL)
    return NULL;
  if (self->summary->visit != NULL)
    return g_strdup (self->summary->visit);
  return g_strconcat ("schedule:", self->summary->schedule, NULL);
}
