/* care-review-row.c: a visit in the co-ordinator's review list.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A CareItemRow like every row of the app, in a GtkListView: the list's
 * factory (care-review-list-item.ui) binds "item" to the list item's, so
 * one row shows one visit after another as the list scrolls, and the
 * labels bound to the item's properties in care-review-row.ui follow.
 * Only the accessible label is set here (GTK 4.8 cannot bind it): it
 * follows "notify::item", and the item's own "notify::accessible-label".
 */
#include "care-config.h"

#include "care-review-row.h"
#include "care-ui-util.h"

struct _CareReviewRow
{
  CareItemRow parent_instance;

  CareReviewItem *watched;   /* the item whose accessible label is followed */
  gulong notify_id;
};

G_DEFINE_FINAL_TYPE (CareReviewRow, care_review_row, CARE_TYPE_ITEM_ROW)

static void
accessible_label_cb (CareReviewRow *self)
{
  g_autofree char *label = NULL;

  if (self->watched != NULL)
    g_object_get (self->watched, "accessible-label", &label, NULL);
  care_set_accessible_label (GTK_WIDGET (self), label != NULL ? label : "");
}

static void
item_changed_cb (CareReviewRow *self)
{
  CareReviewItem *item = care_item_row_get_item (CARE_ITEM_ROW (self));

  if (self->watched == item)
    return;
  if (self->watched != NULL)
    g_clear_signal_handler (&self->notify_id, self->watched);
  g_set_object (&self->watched, item);
  if (item != NULL)
    self->notify_id = g_signal_connect_object (item, "notify::accessible-label",
                                               G_CALLBACK (accessible_label_cb), self, G_CONNECT_SWAPPED);
  accessible_label_cb (self);
}

static void
care_review_row_dispose (GObject *object)
{
  CareReviewRow *self = CARE_REVIEW_ROW (object);

  if (self->watched != NULL)
    g_clear_signal_handler (&self->notify_id, self->watched);
  g_clear_object (&self->watched);
  G_OBJECT_CLASS (care_review_row_parent_class)->dispose (object);
}

static void
care_review_row_class_init (CareReviewRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_review_row_dispose;

  g_type_ensure (CARE_TYPE_REVIEW_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-review-row.ui");
  /* The list view's row is the row, and the list item: this is its
   * content, not a list box's row inside it. */
  gtk_widget_class_set_css_name (widget_class, "reviewrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
care_review_row_init (CareReviewRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::item", G_CALLBACK (item_changed_cb), NULL);
}
