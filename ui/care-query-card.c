/* care-query-card.c: a co-ordinator's query on a timesheet, and the answer.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "message" and "review" are properties the template shows; "reply" says
 * what the carer wrote, and the page writes it.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-query-card.h"

struct _CareQueryCard
{
  GtkBox parent_instance;

  GtkEntry *reply_entry;
  GtkLabel *error_label;

  char *review;
  char *message;
};

G_DEFINE_FINAL_TYPE (CareQueryCard, care_query_card, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_REVIEW,
  PROP_MESSAGE,
  N_PROPS
};

enum {
  SIGNAL_REPLY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CareQueryCard *self = CARE_QUERY_CARD (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reply_entry))));

  if (*text == '\0')
    {
      care_query_card_set_error (self, _("Write your answer first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->reply_entry));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_REPLY], 0, text);
}

static void
reply_activate_cb (CareQueryCard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "query.send", NULL);
}

static void
care_query_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CARE_TYPE_QUERY_CARD);
  G_OBJECT_CLASS (care_query_card_parent_class)->dispose (object);
}

static void
care_query_card_finalize (GObject *object)
{
  CareQueryCard *self = CARE_QUERY_CARD (object);

  g_free (self->review);
  g_free (self->message);
  G_OBJECT_CLASS (care_query_card_parent_class)->finalize (object);
}

static void
care_query_card_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CareQueryCard *self = CARE_QUERY_CARD (object);

  switch (prop_id)
    {
    case PROP_REVIEW:
      g_value_set_string (value, self->review);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_query_card_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CareQueryCard *self = CARE_QUERY_CARD (object);

  switch (prop_id)
    {
    case PROP_REVIEW:
      g_free (self->review);
      self->review = g_value_dup_string (value);
      break;
    case PROP_MESSAGE:
      g_free (self->message);
      self->message = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_query_card_class_init (CareQueryCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_query_card_dispose;
  object_class->finalize = care_query_card_finalize;
  object_class->get_property = care_query_card_get_property;
  object_class->set_property = care_query_card_set_property;

  properties[PROP_REVIEW] =
    g_param_spec_string ("review", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the answer's text */
  signals[SIGNAL_REPLY] =
    g_signal_new ("reply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/coop/carelog/Carelog/care-query-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CareQueryCard, reply_entry);
  gtk_widget_class_bind_template_child (widget_class, CareQueryCard, error_label);
  gtk_widget_class_bind_template_callback (widget_class, reply_activate_cb);
  gtk_widget_class_install_action (widget_class, "query.send", NULL, send_action);
}

static void
care_query_card_init (CareQueryCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_query_card_new (const char *review,
                     const char *message)
{
  return g_object_new (CARE_TYPE_QUERY_CARD, "review", review, "message", message, NULL);
}

const char *
care_query_card_get_review (CareQueryCard *self)
{
  g_return_val_if_fail (CARE_IS_QUERY_CARD (self), NULL);

  return self->review;
}

void
care_query_card_set_error (CareQueryCard *self,
                           const char    *message)
{
  g_return_if_fail (CARE_IS_QUERY_CARD (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}
