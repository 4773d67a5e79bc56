/* care-refusal-item.c: a refused (or held) record, as a list item.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Made once per read of the visit from the store: "title", "reason" and
 * "hint" are the card's words; "asks-time", "asks-text" and "correctable"
 * say which form the card shows. A refused check-in or check-out can be
 * put right with the right time ("time"), a refused note with the right
 * words ("text"): both are what the carer is typing, bound both ways by
 * care-refusal-card.c. Anything else, and a held record, only says what
 * happens next; nothing the carer wrote is lost either way. Why the
 * correction was not saved is the "error" of CareFormItem.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-refusal-item.h"
#include "care-ui-util.h"

typedef enum
{
  FORM_NONE,
  FORM_TIME,
  FORM_TEXT,
} Form;

struct _CareRefusalItem
{
  CareFormItem parent_instance;

  char *event;
  char *key;            /* the event and whether held: a kept item is the same card */
  gint64 at;            /* the refused record's time (ms), FORM_TIME */
  GTimeZone *tz;
  Form form;
  gboolean held;
  char *title;
  char *reason;
  char *hint;
  char *time;           /* typed: HH:MM */
  char *text;           /* typed: the note as it should read */
};

G_DEFINE_FINAL_TYPE (CareRefusalItem, care_refusal_item, CARE_TYPE_FORM_ITEM)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_REASON,
  PROP_HINT,
  PROP_HELD,
  PROP_ASKS_TIME,
  PROP_ASKS_TEXT,
  PROP_CORRECTABLE,
  PROP_TIME,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_refusal_item_finalize (GObject *object)
{
  CareRefusalItem *self = CARE_REFUSAL_ITEM (object);

  g_free (self->event);
  g_free (self->key);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->title);
  g_free (self->reason);
  g_free (self->hint);
  g_free (self->time);
  g_free (self->text);
  G_OBJECT_CLASS (care_refusal_item_parent_class)->finalize (object);
}

static void
care_refusal_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareRefusalItem *self = CARE_REFUSAL_ITEM (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_HINT:
      g_value_set_string (value, self->hint);
      break;
    case PROP_HELD:
      g_value_set_boolean (value, self->held);
      break;
    case PROP_ASKS_TIME:
      g_value_set_boolean (value, self->form == FORM_TIME);
      break;
    case PROP_ASKS_TEXT:
      g_value_set_boolean (value, self->form == FORM_TEXT);
      break;
    case PROP_CORRECTABLE:
      g_value_set_boolean (value, self->form != FORM_NONE);
      break;
    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_refusal_item_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CareRefusalItem *self = CARE_REFUSAL_ITEM (object);

  switch (prop_id)
    {
    case PROP_TIME:
      if (care_set_string (&self->time, g_value_get_string (value) != NULL ? g_value_get_string (value) : ""))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_TEXT:
      if (care_set_string (&self->text, g_value_get_string (value) != NULL ? g_value_get_string (value) : ""))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_refusal_item_class_init (CareRefusalItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = care_refusal_item_finalize;
  object_class->get_property = care_refusal_item_get_property;
  object_class->set_property = care_refusal_item_set_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, ro);
  properties[PROP_HINT] = g_param_spec_string ("hint", NULL, NULL, NULL, ro);
  properties[PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, ro);
  properties[PROP_ASKS_TIME] = g_param_spec_boolean ("asks-time", NULL, NULL, FALSE, ro);
  properties[PROP_ASKS_TEXT] = g_param_spec_boolean ("asks-text", NULL, NULL, FALSE, ro);
  properties[PROP_CORRECTABLE] = g_param_spec_boolean ("correctable", NULL, NULL, FALSE, ro);
  properties[PROP_TIME] = g_param_spec_string ("time", NULL, NULL, NULL, rw);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_refusal_item_init (CareRefusalItem *self)
{
  /* Bound to an entry and a text buffer, which take no NULL. */
  self->time = g_strdup ("");
  self->text = g_strdup ("");
}

/* What the carer can change herself for this kind of record. */
static Form
form_for (CareEventType type)
{
  switch (type)
    {
    case CARE_EVENT_VISIT_STARTED:
    case CARE_EVENT_VISIT_FINISHED:
      return FORM_TIME;
    case CARE_EVENT_NOTE_ADDED:
      return FORM_TEXT;
    default:
      return FORM_NONE;
    }
}

CareRefusalItem *
care_refusal_item_new (CareStore              *store,
                       const CareHistoryEntry *entry,
                       GTimeZone              *tz)
{
  CareRefusalItem *self = g_object_new (CARE_TYPE_REFUSAL_ITEM, NULL);
  g_autoptr(CareEvent) record = care_store_get_own_event (store, entry->event, NULL);
  g_autofree char *why = NULL;

  self->event = g_strdup (entry->event);
  self->tz = g_time_zone_ref (tz);
  self->held = entry->sync == CARE_SYNC_HELD;
  self->key = g_strconcat (self->held ? "held " : "refused ", entry->event, NULL);
  care_store_get_event_sync (store, entry->event, &why, NULL);
  self->title = g_strdup_printf (self->held ? _("Waiting: %s") : _("Refused by the co-op: %s"),
                                 entry->description != NULL ? entry->description : "");
  self->reason = g_strdup (self->held ? _("The co-op keeps it, safe, until the refused record of this visit "
                                          "before it is put right.")
                                      : why != NULL && *why != '\0' ? why : _("The co-op gave no reason."));
  self->form = self->held || record == NULL ? FORM_NONE : form_for (record->type);
  switch (self->form)
    {
    case FORM_TIME:
      {
        g_autoptr(GDateTime) utc = NULL;
        g_autoptr(GDateTime) local = NULL;

        self->at = json_object_get_int_member_with_default (record->body, "at", 0);
        utc = g_date_time_new_from_unix_utc (self->at / 1000);
        local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
        if (local != NULL)
          {
            g_free (self->time);
            self->time = g_date_time_format (local, "%H:%M");
          }
        self->hint = g_strdup (_("If the time was wrong, give the right time and put it right. Otherwise your "
                                 "co-ordinator can accept or dismiss it at the co-op; nothing is lost."));
        break;
      }
    case FORM_TEXT:
      care_set_string (&self->text, json_object_get_string_member_with_default (record->body, "text", ""));
      self->hint = g_strdup (_("Change the note as it should read and put it right, or ask your co-ordinator "
                               "to accept or dismiss it; nothing is lost."));
      break;
    case FORM_NONE:
    default:
      self->hint = g_strdup (self->held ? _("It goes to the co-op by itself once that one is put right.")
                                        : _("Your co-ordinator can accept or dismiss it at the co-op; "
                                            "nothing is lost."));
      break;
    }
  return self;
}

const char *
care_refusal_item_get_event (CareRefusalItem *self)
{
  g_return_val_if_fail (CARE_IS_REFUSAL_ITEM (self), NULL);
  return self->event;
}

const char *
care_refusal_item_get_key (CareRefusalItem *self)
{
  g_return_val_if_fail (CARE_IS_REFUSAL_ITEM (self), NULL);
  return self->key;
}

gboolean
care_refusal_item_get_held (CareRefusalItem *self)
{
  g_return_val_if_fail (CARE_IS_REFUSAL_ITEM (self), FALSE);
  return self->held;
}

JsonObject *
care_refusal_item_dup_changes (CareRefusalItem *self,
                               GError         **error)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  g_return_val_if_fail (CARE_IS_REFUSAL_ITEM (self), NULL);

  if (self->form == FORM_TIME)
    {
      gint64 ms;

      if (!care_parse_time (self->time, self->at, self->tz, &ms, error))
        return NULL;
      json_object_set_int_member (changes, "at", ms);
    }
  else if (self->form == FORM_TEXT)
    {
      g_autofree char *text = g_strstrip (g_strdup (self->text));

      if (*text == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Write the note first."));
          return NULL;
        }
      json_object_set_string_member (changes, "text", text);
    }
  else
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Your co-ordinator can accept or dismiss it at the co-op; nothing is lost."));
      return NULL;
    }
  return g_steal_pointer (&changes);
}
