/* care-review-item.c: one row of the supervisor's review list.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-review-item.h"

struct _CareReviewItem
{
  GObject parent_instance;

  CareVisitSummary *summary;
};

G_DEFINE_FINAL_TYPE (CareReviewItem, care_review_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_review_item_finalize (GObject *object)
{
  CareReviewItem *self = CARE_REVIEW_ITEM (object);

  g_clear_pointer (&self->summary, care_visit_summary_free);
  G_OBJECT_CLASS (care_review_item_parent_class)->finalize (object);
}

static void
care_review_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CareReviewItem *self = CARE_REVIEW_ITEM (object);

  switch (prop_id) {
    case PROP_LOADED:
      g_value_set_boolean (value, self->summary != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
care_review_item_class_init (CareReviewItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_review_item_finalize;
  object_class->get_property = care_review_item_get_property;

  /* Notified whenever the summary is set or replaced. */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_review_item_init (CareReviewItem *self)
{
}

CareReviewItem *
care_review_item_new (CareVisitSummary *summary)
{
  CareReviewItem *self = g_object_new (CARE_TYPE_REVIEW_ITEM, NULL);

  self->summary = summary;
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
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
