/* care-event.c: event types, validation and JSON encoding.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "care-chain.h"
#include "care-event.h"
#include "care-hlc.h"
#include "care-id.h"
#include "care-json.h"
#include "care-store.h"

typedef enum
{
  F_ID,        /* 1..64 printable ASCII */
  F_LABEL,     /* non-empty text up to 500 characters */
  F_TEXT,      /* text up to CARE_TEXT_MAX_LEN (may be empty) */
  F_TIME,      /* integer ms since the epoch, > 0 */
  F_BOOL,
  F_MINUTES,   /* integer 1..1440 */
  F_DATE,      /* "YYYY-MM-DD" */
  F_WEEK,      /* "YYYY-Www" */
  F_CATEGORY,
  F_HOURS_KIND,
  F_ROLE,
  F_ACTION,
  F_AMEND_FIELD,
  F_ANY,       /* checked by the type's own rule */
  F_LOCATION,
  F_TASKS,
  F_OFFSET,    /* integer ms, at most a year either way */
  F_READERS,
  F_OUTCOME,
  F_BY,
  F_NO_CONFIRM,
  F_RESOLUTION,
  F_SEQ,       /* integer >= 1 */
} FieldKind;

typedef struct
{
  const char *name;
  FieldKind kind;
  gboolean optional;
} Field;

typedef gboolean (*ExtraCheck) (JsonObject *body, GError **error);

typedef struct
{
  const char *name;
  gboolean roster;
  const char *subject[3];   /* body members tried in turn */
  Field fields[10];
  ExtraCheck extra;
} TypeInfo;

static gboolean check_task_answered (JsonObject *body, GError **error);
static gboolean check_visit_amended (JsonObject *body, GError **error);
static gboolean check_visit_cancelled (JsonObject *body, GError **error);
static gboolean check_review_added (JsonObject *body, GError **error);
static gboolean check_visit_verified (JsonObject *body, GError **error);
static gboolean check_hours_added (JsonObject *body, GError **error);
static gboolean check_refusal_resolved (JsonObject *body, GError **error);
static gboolean check_client_readership (JsonObject *body, GError **error);

/* Any record a tablet writes may say which refused record it corrects. */
static const Field corrects_field = { "corrects", F_ID, TRUE };
/* ... and that record's hash (app/care-chain.h), so that a correction
 * names what it corrects beyond doubt (docs/verifying-records.md). */
static const Field corrects_hash_field = { "corrects_hash", F_ID, TRUE };

static const TypeInfo types[CARE_EVENT_N_TYPES] = {
  [CARE_EVENT_VISIT_STARTED] = { "visit.started", FALSE, { "visit" },
    { { "visit", F_ID }, { "client", F_ID }, { "service", F_LABEL }, { "at", F_TIME },
      { "schedule", F_ID, TRUE }, { "location", F_LOCATION, TRUE },
      { "clock_offset_ms", F_OFFSET, TRUE } } },
  [CARE_EVENT_TASK_ANSWERED] = { "task.answered", FALSE, { "visit" },
    { { "visit", F_ID }, { "task", F_ID }, { "done", F_BOOL }, { "reason", F_TEXT, TRUE } },
    check_task_answered },
  [CARE_EVENT_NOTE_ADDED] = { "note.added", FALSE, { "visit" },
    { { "visit", F_ID }, { "note", F_ID }, { "category", F_CATEGORY }, { "text", F_TEXT },
      { "readers", F_READERS, TRUE } } },
  [CARE_EVENT_VISIT_FINISHED] = { "visit.finished", FALSE, { "visit" },
    { { "visit", F_ID }, { "at", F_TIME }, { "clock_offset_ms", F_OFFSET, TRUE } } },
  [CARE_EVENT_VISIT_AMENDED] = { "visit.amended", FALSE, { "visit" },
    { { "visit", F_ID }, { "field", F_AMEND_FIELD }, { "old", F_ANY }, { "new", F_ANY },
      { "reason", F_TEXT } },
    check_visit_amended },
  [CARE_EVENT_NOTE_AMENDED] = { "note.amended", FALSE, { "visit" },
    { { "visit", F_ID }, { "note", F_ID }, { "old", F_TEXT }, { "new", F_TEXT },
      { "reason", F_TEXT } } },
  [CARE_EVENT_NOTE_RETRACTED] = { "note.retracted", FALSE, { "visit" },
    { { "visit", F_ID }, { "note", F_ID }, { "reason", F_TEXT } } },
  [CARE_EVENT_HOURS_ADDED] = { "hours.added", FALSE, { "entry" },
    { { "entry", F_ID }, { "kind", F_HOURS_KIND }, { "date", F_DATE }, { "minutes", F_ANY },
      { "comment", F_TEXT, TRUE }, { "reason", F_TEXT, TRUE } },
    check_hours_added },
  [CARE_EVENT_VISIT_CANCELLED] = { "visit.cancelled", FALSE, { "visit", "schedule" },
    { { "visit", F_ID, TRUE }, { "schedule", F_ID, TRUE }, { "reason", F_TEXT } },
    check_visit_cancelled },
  [CARE_EVENT_QUERY_ANSWERED] = { "query.answered", FALSE, { "visit", "review" },
    { { "review", F_ID }, { "visit", F_ID, TRUE }, { "message", F_TEXT } } },
  [CARE_EVENT_MEMBER_SET] = { "member.set", TRUE, { "member" },
    { { "member", F_ID }, { "name", F_LABEL }, { "role", F_ROLE }, { "active", F_BOOL } } },
  [CARE_EVENT_CLIENT_SET] = { "client.set", TRUE, { "client" },
    { { "client", F_ID }, { "name", F_LABEL }, { "address", F_TEXT }, { "active", F_BOOL } } },
  [CARE_EVENT_CAREPLAN_SET] = { "careplan.set", TRUE, { "client" },
    { { "client", F_ID }, { "tasks", F_TASKS } } },
  [CARE_EVENT_ASSIGNMENT_SET] = { "assignment.set", TRUE, { "client" },
    { { "client", F_ID }, { "carer", F_ID }, { "active", F_BOOL } } },
  [CARE_EVENT_SCHEDULE_SET] = { "schedule.set", TRUE, { "schedule" },
    { { "schedule", F_ID }, { "client", F_ID }, { "carer", F_ID }, { "start", F_TIME },
      { "minutes", F_MINUTES }, { "service", F_LABEL }, { "cancelled", F_BOOL, TRUE } } },
  [CARE_EVENT_REVIEW_ADDED] = { "review.added", FALSE, { "visit", "carer" },
    { { "review", F_ID }, { "action", F_ACTION }, { "visit", F_ID, TRUE }, { "carer", F_ID, TRUE },
      { "week", F_WEEK, TRUE }, { "message", F_TEXT, TRUE }, { "saw", F_ANY, TRUE } },
    check_review_added },
  [CARE_EVENT_CIRCLE_SET] = { "circle.set", TRUE, { "client" },
    { { "client", F_ID }, { "member", F_ID }, { "active", F_BOOL } } },
  [CARE_EVENT_VISIT_VERIFIED] = { "visit.verified", FALSE, { "visit" },
    { { "visit", F_ID }, { "outcome", F_OUTCOME }, { "by", F_BY, TRUE }, { "reason", F_NO_CONFIRM, TRUE },
      { "text", F_TEXT, TRUE } },
    check_visit_verified },
  [CARE_EVENT_DISPUTE_ANSWERED] = { "dispute.answered", FALSE, { "visit" },
    { { "visit", F_ID }, { "message", F_TEXT } } },
  [CARE_EVENT_MESSAGE_SENT] = { "message.sent", FALSE, { "message" },
    { { "message", F_ID }, { "client", F_ID }, { "text", F_TEXT } } },
  /* Written by the co-op only (hence "roster": no tablet may push it). */
  [CARE_EVENT_REFUSAL_RESOLVED] = { "refusal.resolved", TRUE, { "device" },
    { { "device", F_ID }, { "member", F_ID }, { "seq", F_SEQ }, { "refused", F_ID, TRUE },
      { "outcome", F_RESOLUTION }, { "correction", F_ID, TRUE }, { "reason", F_TEXT, TRUE },
      { "released", F_ANY, TRUE } },
    check_refusal_resolved },
  /* The client's standing choice of who may read notes of each category,
   * set with a co-ordinator: {"client", "readers": {category: readers}}. */
  [CARE_EVENT_CLIENT_READERSHIP] = { "client.readership", TRUE, { "client" },
    { { "client", F_ID }, { "readers", F_ANY } },
    check_client_readership },
};

static const char *categories[] = {
  "personal-care", "nutrition", "medication", "wellbeing", "incident", "safeguarding", NULL
};
static const char *hours_kinds[] = { "travel", "training", "other", NULL };
static const char *roles[] = { "carer", "supervisor", "administrator", "family", NULL };
static const char *outcomes[] = { "confirmed", "disputed", "not-possible", NULL };
static const char *answered_by[] = { "client", "family", NULL };
static const char *no_confirm_reasons[] = { "asleep", "declined", "unable", NULL };
static const char *resolutions[] = { "corrected", "accepted", "dismissed", NULL };
static const char *release_outcomes[] = { "accepted", "refused", "held", NULL };
static const char *actions[] = { "approve", "query", "flag", "withdrawn", NULL };
static const char *amend_fields[] = { "started_at", "finished_at", "service", NULL };
/* In CareReaders order. */
static const char *readers[] = { "team", "coordinators", "family", NULL };

G_STATIC_ASSERT (G_N_ELEMENTS (types) == CARE_EVENT_N_TYPES);

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

const char *
care_readers_to_string (CareReaders r)
{
  return r >= CARE_READERS_TEAM && r <= CARE_READERS_FAMILY ? readers[r] : NULL;
}

CareReaders
care_readers_from_string (const char *name)
{
  if (name == NULL)
    return CARE_READERS_TEAM;
  for (int i = 0; readers[i] != NULL; i++)
    if (g_str_equal (readers[i], name))
      return (CareReaders) i;
  return CARE_READERS_INVALID;
}

/* How widely a note is read: co-ordinators only < the care team < the
 * family too. */
static int
readers_width (CareReaders r)
{
  return r == CARE_READERS_COORDINATORS ? 0 : r == CARE_READERS_TEAM ? 1 : 2;
}

CareReaders
care_readers_effective (CareReaders note,
                        CareReaders choice)
{
  if (choice == CARE_READERS_INVALID || readers_width (note) <= readers_width (choice))
    return note;
  return choice;
}

CareReaders
care_readership_choice (JsonObject *readership_body,
                        const char *category)
{
  JsonObject *chosen = readership_body != NULL
                       ? json_object_get_object_member (readership_body, "readers") : NULL;
  const char *name;

  if (chosen == NULL || category == NULL || !json_object_has_member (chosen, category))
    return CARE_READERS_INVALID;
  name = json_object_get_string_member_with_default (chosen, category, NULL);
  return name != NULL ? care_readers_from_string (name) : CARE_READERS_INVALID;
}

CareReaders
care_note_readers (const CareEvent *note_added)
{
  CareReaders r = care_readers_from_string (care_event_body_string (note_added, "readers"));

  return r == CARE_READERS_INVALID ? CARE_READERS_COORDINATORS : r;
}

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID, message);
  return FALSE;
}

const char *
care_event_type_to_string (CareEventType type)
{
  if (type < 0 || type >= CARE_EVENT_N_TYPES)
    return NULL;
  return types[type].name;
}

CareEventType
care_event_type_from_string (const char *name)
{
  for (int i = 0; name != NULL && i < CARE_EVENT_N_TYPES; i++)
    if (g_str_equal (types[i].name, name))
      return i;
  return CARE_EVENT_INVALID;
}

gboolean
care_event_type_is_roster (CareEventType type)
{
  return type >= 0 && type < CARE_EVENT_N_TYPES && types[type].roster;
}

const char *
care_role_to_string (CareRole role)
{
  if (role < 0 || role > CARE_ROLE_FAMILY)
    return NULL;
  return roles[role];
}

CareRole
care_role_from_string (const char *name)
{
  for (int i = 0; name != NULL && roles[i] != NULL; i++)
    if (g_str_equal (roles[i], name))
      return i;
  return CARE_ROLE_INVALID;
}

CareEvent *
care_event_new (void)
{
  CareEvent *event = g_new0 (CareEvent, 1);

  event->type = CARE_EVENT_INVALID;
  return event;
}

CareEvent *
care_event_copy (const CareEvent *event)
{
  CareEvent *copy = care_event_new ();

  copy->id = g_strdup (event->id);
  copy->device = g_strdup (event->device);
  copy->seq = event->seq;
  copy->author = g_strdup (event->author);
  copy->hlc = event->hlc;
  copy->wall = event->wall;
  copy->type = event->type;
  /* Bodies are never changed after creation, so the copy shares it. */
  copy->body = event->body != NULL ? json_object_ref (event->body) : NULL;
  copy->received = event->received;
  copy->link = g_strdup (event->link);
  copy->body_text = g_strdup (event->body_text);
  return copy;
}

JsonObject *
care_event_body_ref (const CareEvent *event)
{
  g_autoptr(JsonNode) node = NULL;

  if (event->body != NULL)
    return json_object_ref (event->body);
  if (event->body_text != NULL)
    node = care_json_parse (event->body_text, strlen (event->body_text), CARE_JSON_MAX_DEPTH, NULL);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_dup_object (node) : json_object_new ();
}

JsonObject *
care_event_ensure_body (CareEvent *event)
{
  if (event->body == NULL && event->body_text != NULL)
    event->body = care_event_body_ref (event);
  return event->body;
}

void
care_event_free (CareEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->id);
  g_free (event->device);
  g_free (event->author);
  g_free (event->link);
  g_free (event->body_text);
  g_clear_pointer (&event->body, json_object_unref);
  g_free (event);
}

static gboolean
in_list (const char  *value,
         const char **list)
{
  return value != NULL && g_strv_contains (list, value);
}

static gboolean
check_enum (const char  *name,
            JsonNode    *node,
            const char **list,
            GError     **error)
{
  const char *value = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                        ? json_node_get_string (node) : NULL;
  g_autofree char *allowed = NULL;

  if (in_list (value, list))
    return TRUE;
  allowed = g_strjoinv (", ", (char **) list);
  return invalid (error, _("The field “%s” must be one of: %s."), name, allowed);
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
check_string (const char *name,
              JsonNode   *node,
              gsize       min,
              gsize       max,
              GError    **error)
{
  const char *s;
  glong len;

  if (!node_is_string (node))
    return invalid (error, _("The field “%s” must be text."), name);
  s = json_node_get_string (node);
  if (!g_utf8_validate (s, -1, NULL))
    return invalid (error, _("The field “%s” is not valid UTF-8 text."), name);
  if (!care_text_is_clean (s))
    return invalid (error, _("The field “%s” contains a control character (such as NUL); only tabs and "
                             "line breaks may be used."), name);
  len = g_utf8_strlen (s, -1);
  if ((gsize) len < min)
    return invalid (error, _("The field “%s” must not be empty."), name);
  if ((gsize) len > max)
    return invalid (error, _("The field “%s” is too long (at most %lu characters)."),
                    name, (unsigned long) max);
  return TRUE;
}

static gboolean
check_date (const char *name,
            JsonNode   *node,
            GError    **error)
{
  const char *s = node_is_string (node) ? json_node_get_string (node) : NULL;
  int y, m, d;
  char extra;

  if (s == NULL || strlen (s) != 10 || sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3
      || !g_date_valid_dmy (d, m, y))
    return invalid (error, _("The field “%s” must be a date written YYYY-MM-DD."), name);
  return TRUE;
}

static gboolean
check_week (const char *name,
            JsonNode   *node,
            GError    **error)
{
  const char *s = node_is_string (node) ? json_node_get_string (node) : NULL;
  int y, w;
  char extra;

  if (s == NULL || strlen (s) != 8 || sscanf (s, "%4d-W%2d%c", &y, &w, &extra) != 2
      || y < 1970 || w < 1 || w > 53)
    return invalid (error, _("The field “%s” must be an ISO week written like 2026-W47."), name);
  return TRUE;
}

static gboolean
check_location (const char *name,
                JsonNode   *node,
                GError    **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *members[] = { "lat", "lon", "accuracy_m" };
  double lat, lon, acc;

  if (o == NULL || json_object_get_size (o) != G_N_ELEMENTS (members))
    return invalid (error, _("The field “%s” must be an object with lat, lon and accuracy_m, and nothing else."), name);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (!json_object_has_member (o, members[i])
        || !node_is_number (json_object_get_member (o, members[i])))
      return invalid (error, _("The field “%s.%s” must be a number."), name, members[i]);
  lat = json_object_get_double_member (o, "lat");
  lon = json_object_get_double_member (o, "lon");
  acc = json_object_get_double_member (o, "accuracy_m");
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180 || acc < 0)
    return invalid (error, _("The field “%s” holds an impossible position."), name);
  return TRUE;
}

static gboolean
check_tasks (const char *name,
             JsonNode   *node,
             GError    **error)
{
  JsonArray *a = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (a == NULL)
    return invalid (error, _("The field “%s” must be a list of tasks."), name);
  if (json_array_get_length (a) > CARE_PLAN_MAX_TASKS)
    return invalid (error, _("The field “%s” has more than %d tasks."), name, CARE_PLAN_MAX_TASKS);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *item = json_array_get_element (a, i);
      JsonObject *t = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      JsonNode *n;

      if (t == NULL)
        return invalid (error, _("Task %u in “%s” must be an object."), i + 1, name);
      n = json_object_get_member (t, "task");
      if (n == NULL || !node_is_string (n) || !care_id_is_valid (json_node_get_string (n)))
        return invalid (error, _("Task %u in “%s” needs a valid “task” id."), i + 1, name);
      n = json_object_get_member (t, "label");
      if (n == NULL || !check_string ("label", n, 1, 500, NULL))
        return invalid (error, _("Task %u in “%s” needs a “label”."), i + 1, name);
      n = json_object_get_member (t, "essential");
      if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
        return invalid (error, _("Task %u in “%s” needs “essential” true or false."), i + 1, name);
      if (json_object_get_size (t) != 3)
        return invalid (error, _("Task %u in “%s” may have only “task”, “label” and “essential”."), i + 1, name);
    }
  return TRUE;
}

static gboolean
check_field (const Field *f,
             JsonNode    *node,
             GError     **error)
{
  switch (f->kind)
    {
    case F_ID:
      if (!node_is_string (node) || !care_id_is_valid (json_node_get_string (node)))
        return invalid (error, _("The field “%s” must be an id of 1 to %d printable characters."),
                        f->name, CARE_ID_MAX_LEN);
      return TRUE;
    case F_LABEL:
      return check_string (f->name, node, 1, 500, error);
    case F_TEXT:
      return check_string (f->name, node, 0, CARE_TEXT_MAX_LEN, error);
    case F_TIME:
      if (!node_is_int (node) || json_node_get_int (node) <= 0)
        return invalid (error, _("The field “%s” must be a time in milliseconds since 1970."), f->name);
      return TRUE;
    case F_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return invalid (error, _("The field “%s” must be true or false."), f->name);
      return TRUE;
    case F_MINUTES:
      if (!node_is_int (node) || json_node_get_int (node) < 1 || json_node_get_int (node) > 1440)
        return invalid (error, _("The field “%s” must be a number of minutes from 1 to 1440."), f->name);
      return TRUE;
    case F_DATE:
      return check_date (f->name, node, error);
    case F_WEEK:
      return check_week (f->name, node, error);
    case F_CATEGORY:
      return check_enum (f->name, node, categories, error);
    case F_HOURS_KIND:
      return check_enum (f->name, node, hours_kinds, error);
    case F_ROLE:
      return check_enum (f->name, node, roles, error);
    case F_ACTION:
      return check_enum (f->name, node, actions, error);
    case F_AMEND_FIELD:
      return check_enum (f->name, node, amend_fields, error);
    case F_LOCATION:
      return check_location (f->name, node, error);
    case F_OFFSET:
      if (!node_is_int (node) || json_node_get_int (node) < -CARE_CLOCK_OFFSET_MAX_MS
          || json_node_get_int (node) > CARE_CLOCK_OFFSET_MAX_MS)
        return invalid (error, _("The field “%s” must be a clock difference of at most a year, in milliseconds."),
                        f->name);
      return TRUE;
    case F_READERS:
      return check_enum (f->name, node, readers, error);
    case F_OUTCOME:
      return check_enum (f->name, node, outcomes, error);
    case F_BY:
      return check_enum (f->name, node, answered_by, error);
    case F_NO_CONFIRM:
      return check_enum (f->name, node, no_confirm_reasons, error);
    case F_RESOLUTION:
      return check_enum (f->name, node, resolutions, error);
    case F_SEQ:
      if (!node_is_int (node) || json_node_get_int (node) < 1)
        return invalid (error, _("The field “%s” must be a sequence number, 1 or more."), f->name);
      return TRUE;
    case F_TASKS:
      return check_tasks (f->name, node, error);
    case F_ANY:
    default:
      return TRUE;
    }
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
check_task_answered (JsonObject *body,
                     GError    **error)
{
  g_autofree char *reason = g_strdup (json_object_get_string_member_with_default (body, "reason", ""));

  if (!json_object_get_boolean_member (body, "done") && g_strstrip (reason)[0] == '\0')
    return invalid (error, _("The field “reason” is needed when a task was not done: say why."));
  return TRUE;
}

/* An entry's minutes are 1 to 1440; a correction (it gives a reason) may
 * set 0, withdrawing an entry made by mistake. */
static gboolean
check_hours_added (JsonObject *body,
                   GError    **error)
{
  JsonNode *minutes = json_object_get_member (body, "minutes");
  gboolean correction = json_object_has_member (body, "reason");
  gint64 low = correction ? 0 : 1;
  g_autofree char *reason = g_strdup (json_object_get_string_member_with_default (body, "reason", ""));

  if (correction && g_strstrip (reason)[0] == '\0')
    return invalid (error, _("The field “reason” is needed when hours are corrected: say why."));
  if (!node_is_int (minutes) || json_node_get_int (minutes) < low || json_node_get_int (minutes) > 1440)
    return invalid (error, _("The field “minutes” must be a number of minutes from %d to 1440."), (int) low);
  return TRUE;
}

/* Who answered, and why not when nobody could: a confirmation or a
 * dispute says by whom (and a dispute what is wrong); "not possible" says
 * why, and is nobody's answer. */
static gboolean
check_visit_verified (JsonObject *body,
                      GError    **error)
{
  const char *outcome = json_object_get_string_member (body, "outcome");
  gboolean has_by = json_object_has_member (body, "by");
  gboolean has_reason = json_object_has_member (body, "reason");
  g_autofree char *text = g_strdup (json_object_get_string_member_with_default (body, "text", ""));

  if (g_str_equal (outcome, "not-possible"))
    {
      if (!has_reason || has_by)
        return invalid (error, _("A visit nobody could confirm needs “reason” (asleep, declined or unable) "
                                 "and no “by”."));
      return TRUE;
    }
  if (!has_by || has_reason)
    return invalid (error, _("A confirmation or a dispute needs “by” (client or family) and no “reason”."));
  if (g_str_equal (outcome, "disputed") && g_strstrip (text)[0] == '\0')
    return invalid (error, _("The field “text” is needed when something is not right: say what."));
  return TRUE;
}

/* What became of the records held behind a refused one when it was put
 * right: [{"id", "seq", "outcome": accepted|refused|held, "c", "m"}]. */
static gboolean
check_refusal_resolved (JsonObject *body,
                        GError    **error)
{
  JsonNode *node = json_object_get_member (body, "released");
  JsonArray *released = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  const char *outcome = json_object_get_string_member (body, "outcome");

  if (g_str_equal (outcome, "corrected") != json_object_has_member (body, "correction"))
    return invalid (error, _("A refusal put right by a correction names the correction, and only then."));
  if (node != NULL && released == NULL)
    return invalid (error, _("The field “released” must be a list."));
  for (guint i = 0; released != NULL && i < json_array_get_length (released); i++)
    {
      JsonNode *item = json_array_get_element (released, i);
      JsonObject *r = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      static const Field id = { "id", F_ID }, seq = { "seq", F_SEQ }, m = { "m", F_TEXT, TRUE }, c = { "c", F_ID, TRUE };
      JsonNode *n;

      if (r == NULL || json_object_get_size (r) > 5 || !json_object_has_member (r, "outcome")
          || !check_enum ("outcome", json_object_get_member (r, "outcome"), release_outcomes, error))
        return invalid (error, _("Released record %u must be an object with id, seq and outcome."), i + 1);
      if (!json_object_has_member (r, "id") || !check_field (&id, json_object_get_member (r, "id"), error)
          || !json_object_has_member (r, "seq") || !check_field (&seq, json_object_get_member (r, "seq"), error)
          || ((n = json_object_get_member (r, "m")) != NULL && !check_field (&m, n, error))
          || ((n = json_object_get_member (r, "c")) != NULL && !check_field (&c, n, error)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_client_readership (JsonObject *body,
                         GError    **error)
{
  JsonNode *node = json_object_get_member (body, "readers");
  JsonObject *readers_of = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObjectIter iter;
  const char *category;
  JsonNode *value;

  if (readers_of == NULL)
    return invalid (error, _("The field “readers” must map note categories to who reads them."));
  json_object_iter_init (&iter, readers_of);
  while (json_object_iter_next (&iter, &category, &value))
    {
      if (!in_list (category, categories))
        return invalid (error, _("“%s” is not a note category."), care_text_is_clean (category) ? category : "?");
      if (!check_enum (category, value, readers, error))
        return FALSE;
    }
  return TRUE;
}

const char *
care_event_corrects (const CareEvent *event)
{
  if (event->body == NULL || care_event_type_is_roster (event->type))
    return NULL;
  return json_object_get_string_member_with_default (event->body, "corrects", NULL);
}

gboolean
care_event_check_correction (const CareEvent *correction,
                             const CareEvent *refused,
                             GError         **error)
{
  if (correction->type != refused->type)
    return invalid (error, _("A correction is a record of the same kind as the refused one (%s)."),
                    care_event_type_to_string (refused->type));
  if (g_strcmp0 (correction->device, refused->device) != 0 || g_strcmp0 (correction->author, refused->author) != 0)
    return invalid (error, _("Only the tablet that wrote a refused record can correct it."));
  if (g_strcmp0 (care_event_get_subject (correction), care_event_get_subject (refused)) != 0)
    return invalid (error, _("A correction is about the same visit or entry as the refused record."));
  if (json_object_has_member (correction->body, "corrects_hash"))
    {
      const char *said = json_object_get_string_member_with_default (correction->body, "corrects_hash", NULL);
      g_autofree char *hash = care_event_hash (refused);

      if (said == NULL || !care_hash_is_valid (said) || !g_str_equal (said, hash))
        return invalid (error, _("This correction names the refused record by a hash that is not that record's: "
                                 "the record it corrects is not the one this tablet wrote."));
    }
  return TRUE;
}

/* The care log's order: (hlc, device, seq). */
static int
log_order (const CareEvent *a,
           const CareEvent *b)
{
  int c;

  if (a->hlc != b->hlc)
    return a->hlc < b->hlc ? -1 : 1;
  c = g_strcmp0 (a->device, b->device);
  if (c != 0)
    return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

gboolean
care_event_check_task_change (const CareEvent *answer,
                              GPtrArray       *visit_events,
                              GError         **error)
{
  const char *task = json_object_get_string_member_with_default (answer->body, "task", NULL);
  gboolean done = json_object_get_boolean_member_with_default (answer->body, "done", FALSE);
  const CareEvent *previous = NULL;
  gboolean finished = FALSE;

  for (guint i = 0; visit_events != NULL && i < visit_events->len; i++)
    {
      const CareEvent *e = g_ptr_array_index (visit_events, i);

      if (e == answer || log_order (e, answer) >= 0)
        continue;
      if (e->type == CARE_EVENT_VISIT_FINISHED)
        finished = TRUE;
      else if (e->type == CARE_EVENT_TASK_ANSWERED
               && g_strcmp0 (json_object_get_string_member_with_default (e->body, "task", NULL), task) == 0
               && (previous == NULL || log_order (e, previous) > 0))
        previous = e;
    }
  if (finished && previous != NULL
      && json_object_get_boolean_member_with_default (previous->body, "done", FALSE) != done
      && is_blank (json_object_get_string_member_with_default (answer->body, "reason", "")))
    return invalid (error, _("This visit is finished, so changing a task’s answer is a correction: say why "
                             "in “reason” (the earlier answer stays in the history)."));
  return TRUE;
}

static gboolean
check_visit_amended (JsonObject *body,
                     GError    **error)
{
  const char *field = json_object_get_string_member (body, "field");
  gboolean is_time = !g_str_equal (field, "service");
  const char *names[] = { "old", "new" };

  for (guint i = 0; i < 2; i++)
    {
      JsonNode *n = json_object_get_member (body, names[i]);

      if (is_time && (!node_is_int (n) || json_node_get_int (n) < 0))
        return invalid (error, _("The field “%s” must be a time in milliseconds for “%s”."), names[i], field);
      if (!is_time && !check_string (names[i], n, i == 0 ? 0 : 1, 500, error))
        return FALSE;
    }
  if (is_time && json_object_get_int_member (body, "new") <= 0)
    return invalid (error, _("The field “new” must be a time in milliseconds since 1970."));
  return TRUE;
}

static gboolean
check_visit_cancelled (JsonObject *body,
                       GError    **error)
{
  if (json_object_has_member (body, "visit") == json_object_has_member (body, "schedule"))
    return invalid (error, _("A cancellation names either a “visit” or a “schedule”, not both or neither."));
  return TRUE;
}

static gboolean
check_review_added (JsonObject *body,
                    GError    **error)
{
  gboolean visit = json_object_has_member (body, "visit");
  gboolean sheet = json_object_has_member (body, "carer") && json_object_has_member (body, "week");
  const char *action = json_object_get_string_member (body, "action");
  const char *message = json_object_get_string_member_with_default (body, "message", "");
  JsonNode *saw = json_object_get_member (body, "saw");

  if (visit == sheet)
    return invalid (error, _("A review names either a “visit”, or a “carer” and a “week”."));
  if (g_str_equal (action, "query") && !json_object_has_member (body, "message"))
    return invalid (error, _("The field “message” is needed for a query: say what to check."));
  if (g_str_equal (action, "withdrawn") && is_blank (message))
    return invalid (error, _("The field “message” is needed to withdraw an approval: say why."));
  if (saw == NULL)
    return TRUE;
  if (!g_str_equal (action, "approve"))
    return invalid (error, _("The field “saw” belongs to an approval only."));
  if (!JSON_NODE_HOLDS_ARRAY (saw) || json_array_get_length (json_node_get_array (saw)) > CARE_REVIEW_SAW_MAX)
    return invalid (error, _("The field “saw” must be a list of at most %d record ids."), CARE_REVIEW_SAW_MAX);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (saw)); i++)
    {
      static const Field id = { "saw", F_ID, FALSE };

      if (!check_field (&id, json_array_get_element (json_node_get_array (saw), i), error))
        return FALSE;
    }
  return TRUE;
}

static const Field *
find_field (const TypeInfo *info,
            const char     *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (info->fields) && info->fields[i].name != NULL; i++)
    if (g_str_equal (info->fields[i].name, name))
      return &info->fields[i];
  if (!info->roster && g_str_equal (name, corrects_field.name))
    return &corrects_field;
  if (!info->roster && g_str_equal (name, corrects_hash_field.name))
    return &corrects_hash_field;
  return NULL;
}

/* The size of a node written as compact JSON, counting every string's UTF-8
 * bytes once (escapes aside): cheap, and an upper bound for what is stored. */
static gsize
encoded_size (JsonNode *node)
{
  gsize size = 0;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        size = 2;
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          size += strlen (name) + 4 + encoded_size (member);
      }
      return size;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        size = 2;
        for (guint i = 0; i < json_array_get_length (a); i++)
          size += 1 + encoded_size (json_array_get_element (a, i));
      }
      return size;
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) == G_TYPE_STRING ? strlen (json_node_get_string (node)) + 2 : 24;
    case JSON_NODE_NULL:
    default:
      return 4;
    }
}

static gboolean
validate_body (const TypeInfo *info,
               JsonObject     *body,
               GError        **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gsize size = 2;

  /* Nothing a tablet does not understand is stored or sent on: a newer
   * field comes with a newer protocol, not silently. */
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &member))
    {
      if (find_field (info, name) == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (name, MIN (strlen (name), 64));

          return invalid (error, _("The field “%s” is not part of a “%s” record; it was not stored."),
                          care_text_is_clean (shown) ? shown : "?", info->name);
        }
      size += strlen (name) + 4 + encoded_size (member);
    }
  if (size > CARE_RECORD_MAX_BYTES)
    return invalid (error, _("The record is too large (%lu bytes; at most %d)."),
                    (unsigned long) size, CARE_RECORD_MAX_BYTES);
  for (guint i = 0; i < G_N_ELEMENTS (info->fields) && info->fields[i].name != NULL; i++)
    {
      const Field *f = &info->fields[i];
      JsonNode *node = json_object_get_member (body, f->name);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          if (f->optional && node == NULL)
            continue;
          if (f->optional)
            return invalid (error, _("The field “%s” must be left out rather than null."), f->name);
          return invalid (error, _("The field “%s” is missing from a “%s” record."), f->name, info->name);
        }
      if (!check_field (f, node, error))
        return FALSE;
    }
  return info->extra == NULL || info->extra (body, error);
}

gboolean
care_event_validate (const CareEvent *event,
                     GError         **error)
{
  if (event->type < 0 || event->type >= CARE_EVENT_N_TYPES)
    return invalid (error, _("The field “type” is not a known record type."));
  if (!care_id_is_valid (event->id))
    return invalid (error, _("The field “id” must be an id of 1 to %d printable characters."), CARE_ID_MAX_LEN);
  if (!care_id_is_valid (event->device))
    return invalid (error, _("The field “device” must be an id of 1 to %d printable characters."), CARE_ID_MAX_LEN);
  if (!care_id_is_valid (event->author))
    return invalid (error, _("The field “author” must be an id of 1 to %d printable characters."), CARE_ID_MAX_LEN);
  if (event->seq < 1)
    return invalid (error, _("The field “seq” must be 1 or more."));
  if (event->hlc <= 0)
    return invalid (error, _("The field “hlc” must be a positive clock stamp."));
  if (event->wall <= 0)
    return invalid (error, _("The field “wall” must be a time in milliseconds since 1970."));
  if (event->body == NULL)
    return invalid (error, _("The field “body” is missing."));
  if (event->link != NULL && !care_hash_is_valid (event->link))
    return invalid (error, _("The field “link” must be a record hash: %d base64url characters."), CARE_HASH_LEN);
  return validate_body (&types[event->type], event->body, error);
}

const char *
care_event_body_string (const CareEvent *event,
                        const char      *name)
{
  return json_object_get_string_member_with_default (event->body, name, NULL);
}

gint64
care_event_body_int (const CareEvent *event,
                     const char      *name)
{
  return json_object_get_int_member_with_default (event->body, name, 0);
}

gboolean
care_text_is_clean (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f))
        return FALSE;
    }
  return TRUE;
}

/* A time for a sentence, in UTC (the judge knows no time zone). */
static char *
format_utc (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms > -G_GINT64_CONSTANT (62135596800000) && ms < G_GINT64_CONSTANT (253402300799000))
    dt = g_date_time_new_from_unix_utc (ms / 1000);
  if (dt == NULL)
    return g_strdup (_("an impossible date"));
  return g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");
}

static gboolean
time_in_window (const char *what,
                gint64      at,
                gint64      now_ms,
                GError    **error)
{
  g_autofree char *when = NULL, *now = NULL;
  gint64 latest;

  if (__builtin_add_overflow (now_ms, CARE_TIME_AHEAD_MS, &latest))
    latest = G_MAXINT64;
  if (at >= CARE_TIME_MIN_MS && at <= latest)
    return TRUE;
  /* what is marked N_(): translated only for a refusal (looking up a
   * translation for every record the server takes cost more than the
   * check). */
  what = _(what);
  when = format_utc (at);
  now = format_utc (now_ms);
  if (at < CARE_TIME_MIN_MS)
    return invalid (error, _("The %s (%s) is before 2020, when this co-op's care log cannot have begun "
                             "(the co-op's clock says %s): the tablet's date or time is wrong. Set the "
                             "tablet's date and time, then record it again."), what, when, now);
  return invalid (error, _("The %s (%s) is more than two days after the co-op's clock (%s): the tablet's "
                           "date or time is wrong, or the time given was. Set the tablet's date and time, "
                           "then record it again."), what, when, now);
}

gboolean
care_event_check_times (const CareEvent *event,
                        gint64           now_ms,
                        GError         **error)
{
  JsonObject *b = event->body;
  gint64 offset = 0;

  if (!time_in_window (N_("time on the tablet's clock when this was recorded"),
                       care_hlc_physical (event->hlc), now_ms, error)
      || !time_in_window (N_("time on the tablet's clock when this was recorded"), event->wall, now_ms, error))
    return FALSE;
  if (b == NULL)
    return TRUE;
  if (json_object_has_member (b, "clock_offset_ms"))
    offset = CLAMP (json_object_get_int_member (b, "clock_offset_ms"),
                    -CARE_CLOCK_OFFSET_MAX_MS, CARE_CLOCK_OFFSET_MAX_MS);
  if ((event->type == CARE_EVENT_VISIT_STARTED || event->type == CARE_EVENT_VISIT_FINISHED)
      && json_object_has_member (b, "at"))
    {
      gint64 at = json_object_get_int_member (b, "at"), corrected;

      if (__builtin_add_overflow (at, offset, &corrected))
        corrected = at;
      if (!time_in_window (event->type == CARE_EVENT_VISIT_STARTED ? N_("check-in time") : N_("check-out time"),
                           corrected, now_ms, error))
        return FALSE;
    }
  if (event->type == CARE_EVENT_VISIT_AMENDED
      && !g_str_equal (json_object_get_string_member_with_default (b, "field", "service"), "service")
      && !time_in_window (N_("amended time"), json_object_get_int_member_with_default (b, "new", 0), now_ms, error))
    return FALSE;
  return TRUE;
}

JsonNode *
care_event_to_json (const CareEvent *event)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonNode *body = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (body, event->body != NULL ? event->body : json_object_new ());
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, event->id);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, event->device);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, event->seq);
  json_builder_set_member_name (b, "author");
  json_builder_add_string_value (b, event->author);
  json_builder_set_member_name (b, "hlc");
  json_builder_add_int_value (b, event->hlc);
  json_builder_set_member_name (b, "wall");
  json_builder_add_int_value (b, event->wall);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, care_event_type_to_string (event->type));
  json_builder_set_member_name (b, "body");
  json_builder_add_value (b, body);
  if (event->link != NULL)
    {
      json_builder_set_member_name (b, "link");
      json_builder_add_string_value (b, event->link);
    }
  if (event->received > 0)
    {
      json_builder_set_member_name (b, "received");
      json_builder_add_int_value (b, event->received);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
get_string_member (JsonObject *o,
                   const char *name,
                   char      **out,
                   GError    **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !node_is_string (n))
    return invalid (error, _("The field “%s” is missing or not text."), name);
  *out = g_strdup (json_node_get_string (n));
  return TRUE;
}

static gboolean
get_int_member (JsonObject *o,
                const char *name,
                gint64     *out,
                GError    **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !node_is_int (n))
    return invalid (error, _("The field “%s” is missing or not a whole number."), name);
  *out = json_node_get_int (n);
  return TRUE;
}

CareEvent *
care_event_from_json (JsonNode *node,
                      GError  **error)
{
  g_autoptr(CareEvent) event = care_event_new ();
  g_autofree char *type = NULL;
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *body;

  if (o == NULL)
    return invalid (error, _("A record must be a JSON object.")), NULL;
  if (!get_string_member (o, "id", &event->id, error)
      || !get_string_member (o, "device", &event->device, error)
      || !get_int_member (o, "seq", &event->seq, error)
      || !get_string_member (o, "author", &event->author, error)
      || !get_int_member (o, "hlc", &event->hlc, error)
      || !get_int_member (o, "wall", &event->wall, error)
      || !get_string_member (o, "type", &type, error))
    return NULL;
  event->type = care_event_type_from_string (type);
  body = json_object_get_member (o, "body");
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return invalid (error, _("The field “body” must be a JSON object.")), NULL;
  event->body = json_node_dup_object (body);
  /* Optional: when the co-op received it; absent = unknown. */
  if (json_object_has_member (o, "received")
      && !get_int_member (o, "received", &event->received, error))
    return NULL;
  event->received = MAX (event->received, 0);
  /* Optional: the chain link; absent = before the chain. */
  if (json_object_has_member (o, "link") && !get_string_member (o, "link", &event->link, error))
    return NULL;
  if (!care_event_validate (event, error))
    return NULL;
  return g_steal_pointer (&event);
}

const char *
care_event_get_subject (const CareEvent *event)
{
  if (event->type < 0 || event->type >= CARE_EVENT_N_TYPES || event->body == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (types[0].subject) && types[event->type].subject[i]; i++)
    {
      const char *name = types[event->type].subject[i];

      if (json_object_has_member (event->body, name))
        return json_object_get_string_member_with_default (event->body, name, NULL);
    }
  return NULL;
}
