/* care-review-visit.c: what the co-ordinator's visit detail shows.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every text, switch and list of care-review-detail.ui is a read-only
 * property here, made once from the visit's summary and detail; a new read
 * of the visit makes a new object and the template's bindings follow.
 * Lists are GListStores of CareLineItem.
 */
#include "care-config.h"

#include <glib/gi18n.h>

#include "care-line-item.h"
#include "care-review-visit.h"
#include "care-ui-util.h"

enum {
  PROP_0,
  /* Texts */
  PROP_TITLE,
  PROP_OPEN_QUERY,
  PROP_ANSWER,
  /* Switches */
  PROP_HAS_OPEN_QUERY,
  PROP_HAS_ANSWER,
  PROP_LOADED,
  PROP_REVIEWABLE,
  PROP_NEVER_STARTED,
  PROP_CAN_WITHDRAW,
  PROP_CHANGED,
  /* Lists of CareLineItem */
  PROP_BADGES,
  PROP_RECORD,
  PROP_TIMES,
  PROP_TASKS,
  PROP_NOTES,
  PROP_WORDS,
  PROP_HISTORY,
  N_PROPS
};

#define FIRST_TEXT PROP_TITLE
#define FIRST_SWITCH PROP_HAS_OPEN_QUERY
#define FIRST_LIST PROP_BADGES

struct _CareReviewVisit
{
  GObject parent_instance;

  char *text[N_PROPS];
  gboolean on[N_PROPS];
  GListStore *list[N_PROPS];
};

G_DEFINE_FINAL_TYPE (CareReviewVisit, care_review_visit, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
care_review_visit_finalize (GObject *object)
{
  CareReviewVisit *self = CARE_REVIEW_VISIT (object);

  for (guint i = 0; i < N_PROPS; i++)
    {
      g_free (self->text[i]);
      g_clear_object (&self->list[i]);
    }
  G_OBJECT_CLASS (care_review_visit_parent_class)->finalize (object);
}

static void
care_review_visit_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CareReviewVisit *self = CARE_REVIEW_VISIT (object);

  if (prop_id >= FIRST_LIST && prop_id < N_PROPS)
    g_value_set_object (value, self->list[prop_id]);
  else if (prop_id >= FIRST_SWITCH && prop_id < FIRST_LIST)
    g_value_set_boolean (value, self->on[prop_id]);
  else if (prop_id >= FIRST_TEXT && prop_id < FIRST_SWITCH)
    g_value_set_string (value, self->text[prop_id]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
care_review_visit_class_init (CareReviewVisitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *names[N_PROPS] = {
    NULL, "title", "open-query", "answer", "has-open-query", "has-answer", "loaded",
    "reviewable", "never-started", "can-withdraw", "changed", "badges", "record", "times",
    "tasks", "notes", "words", "history",
  };
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = care_review_visit_finalize;
  object_class->get_property = care_review_visit_get_property;

  for (guint i = FIRST_TEXT; i < N_PROPS; i++)
    {
      if (i < FIRST_SWITCH)
        properties[i] = g_param_spec_string (names[i], NULL, NULL, NULL, flags);
      else if (i < FIRST_LIST)
        properties[i] = g_param_spec_boolean (names[i], NULL, NULL, FALSE, flags);
      else
        properties[i] = g_param_spec_object (names[i], NULL, NULL, G_TYPE_LIST_MODEL, flags);
    }
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_review_visit_init (CareReviewVisit *self)
{
  for (guint i = FIRST_LIST; i < N_PROPS; i++)
    self->list[i] = g_list_store_new (CARE_TYPE_LINE_ITEM);
}

static void
add_line (CareReviewVisit *self,
          guint            list,
          const char      *title,
          const char      *value,
          const char      *tone,
          const char      *name)
{
  g_autoptr(CareLineItem) line = care_line_item_new (title, value, tone, name);

  g_list_store_append (self->list[list], line);
}

static const char *
person (GHashTable *names,
        const char *member)
{
  const char *name = names != NULL && member != NULL ? g_hash_table_lookup (names, member) : NULL;

  return name != NULL ? name : member != NULL ? member : "";
}

static void
make_summary (CareReviewVisit        *self,
              const CareVisitSummary *s,
              const CareVisitDetail  *d,
              GTimeZone              *tz)
{
  const char *client = s->client_name ? s->client_name : s->client;
  const char *carer = s->carer_name ? s->carer_name : s->carer;

  self->text[PROP_TITLE] = g_strdup_printf ("%s — %s", client, carer);
  {
    g_autofree char *state = g_strdup_printf ("%s · %s", care_visit_state_label (s->state),
                                              care_review_state_label (s->review));

    add_line (self, PROP_BADGES, state, NULL, "dim-label", NULL);
  }
  /* Every exception, the dispute too (the list's filters leave it out). */
  for (guint bit = 0; (1u << bit) <= CARE_VISIT_FLAG_DISPUTED; bit++)
    if (s->flags & (1u << bit))
      add_line (self, PROP_BADGES, care_flag_label (bit), NULL, care_flag_css_class (bit), NULL);
  if (s->open_query != NULL)
    self->text[PROP_OPEN_QUERY] = g_strdup_printf (_("Open query: %s"), s->open_query);
  /* The carer's answer, at the top where the query was: it waits for the
   * co-ordinator's look, not at the bottom of the history. */
  if (s->answer != NULL)
    self->text[PROP_ANSWER] = g_strdup_printf (_("The carer answered: %s"), s->answer);

  /* The visit record, as the co-op must keep it. */
  {
    g_autofree char *date = care_format_datetime (s->started_at ? s->started_at : s->planned_start, tz);
    g_autofree char *location = NULL;
    g_autofree char *start = care_format_datetime (s->started_at, tz);
    g_autofree char *end = care_format_datetime (s->finished_at, tz);

    if (d != NULL && d->has_location)
      location = g_strdup_printf (_("%s\nRecorded at %.5f, %.5f (within %.0f m)"),
                                  s->client_address ? s->client_address : "",
                                  d->lat, d->lon, d->accuracy_m);
    else
      location = g_strdup_printf (_("%s\nThe device did not record a position"),
                                  s->client_address ? s->client_address : "");
    add_line (self, PROP_RECORD, _("Type of service"), care_service_label (s->service), NULL, NULL);
    add_line (self, PROP_RECORD, _("Client"), client, NULL, NULL);
    add_line (self, PROP_RECORD, _("Date"), date, NULL, NULL);
    add_line (self, PROP_RECORD, _("Location"), location, NULL, NULL);
    add_line (self, PROP_RECORD, _("Carer"), carer, NULL, NULL);
    add_line (self, PROP_RECORD, _("Start"), start, NULL, NULL);
    add_line (self, PROP_RECORD, _("End"), end, NULL, NULL);
  }

  /* The times as planned, as recorded and as amended. */
  {
    g_autofree char *planned = NULL;
    g_autofree char *recorded_start = care_format_datetime (s->recorded_started_at, tz);
    g_autofree char *recorded_end = care_format_datetime (s->recorded_finished_at, tz);

    if (s->planned_start != 0)
      {
        g_autofree char *when = care_format_datetime (s->planned_start, tz);
        g_autofree char *length = care_format_minutes (s->planned_minutes);

        planned = g_strdup_printf (_("%s for %s"), when, length);
      }
    add_line (self, PROP_TIMES, _("Planned"), planned != NULL ? planned : _("Unscheduled visit"),
              NULL, NULL);
    add_line (self, PROP_TIMES, _("Check-in as recorded"), recorded_start, NULL, NULL);
    add_line (self, PROP_TIMES, _("Check-out as recorded"), recorded_end, NULL, NULL);
    if (s->started_at != s->recorded_started_at)
      {
        g_autofree char *at = care_format_datetime (s->started_at, tz);

        add_line (self, PROP_TIMES, _("Check-in as amended"), at, NULL, NULL);
      }
    if (s->finished_at != s->recorded_finished_at)
      {
        g_autofree char *at = care_format_datetime (s->finished_at, tz);

        add_line (self, PROP_TIMES, _("Check-out as amended"), at, NULL, NULL);
      }
    if (s->started_at != 0 && s->finished_at > s->started_at)
      {
        g_autofree char *length = care_format_minutes ((s->finished_at - s->started_at + 30000) / 60000);

        add_line (self, PROP_TIMES, _("Length"), length, NULL, NULL);
      }
  }

  self->on[PROP_HAS_OPEN_QUERY] = self->text[PROP_OPEN_QUERY] != NULL;
  self->on[PROP_HAS_ANSWER] = self->text[PROP_ANSWER] != NULL;
  self->on[PROP_REVIEWABLE] = s->visit != NULL;
  self->on[PROP_NEVER_STARTED] = s->visit == NULL;
  /* An approval can be withdrawn, with a reason (the message). */
  self->on[PROP_CAN_WITHDRAW] = s->visit != NULL
                                && (s->review == CARE_REVIEW_APPROVED || s->review == CARE_REVIEW_CHANGED);
  self->on[PROP_CHANGED] = s->visit != NULL && s->review == CARE_REVIEW_CHANGED;
}

static void
make_tasks (CareReviewVisit       *self,
            const CareVisitDetail *d)
{
  if (d->tasks == NULL || d->tasks->len == 0)
    add_line (self, PROP_TASKS, _("No care-plan tasks"), NULL, NULL, NULL);
  for (guint i = 0; d->tasks != NULL && i < d->tasks->len; i++)
    {
      const CareTaskState *t = g_ptr_array_index (d->tasks, i);
      g_autofree char *title = t->essential ? g_strdup_printf (_("%s (essential)"), t->label)
                                            : g_strdup (t->label);
      g_autofree char *answer = NULL;

      if (t->answer == 1)
        answer = g_strdup (_("Done"));
      else if (t->answer == 0)
        answer = g_strdup_printf (_("Not done: %s"), t->reason ? t->reason : "");
      else
        answer = g_strdup (_("Not answered"));
      add_line (self, PROP_TASKS, title, answer, NULL, NULL);
    }
}

static void
make_notes (CareReviewVisit       *self,
            const CareVisitDetail *d,
            GHashTable            *names,
            GTimeZone             *tz)
{
  if (d->notes == NULL || d->notes->len == 0)
    add_line (self, PROP_NOTES, _("No notes"), NULL, NULL, NULL);
  for (guint i = 0; d->notes != NULL && i < d->notes->len; i++)
    {
      const CareNote *n = g_ptr_array_index (d->notes, i);
      g_autoptr(GString) text = g_string_new (n->retracted ? _("Retracted. ") : "");
      g_autofree char *when = care_format_datetime (n->created_at, tz);
      /* Translators: a note's heading: its category, who may read it, when it was written. */
      g_autofree char *title = g_strdup_printf (_("%s%s · %s · %s"), n->urgent ? "⚠ " : "",
                                                care_note_category_label (n->category),
                                                care_note_readers_label (care_readers_to_string (n->readers)), when);

      g_string_append (text, n->text ? n->text : "");
      for (guint v = 1; n->versions != NULL && v < n->versions->len; v++)
        {
          const CareNoteVersion *prev = g_ptr_array_index (n->versions, v - 1);
          const CareNoteVersion *ver = g_ptr_array_index (n->versions, v);
          g_autofree char *at = care_format_datetime (ver->at, tz);

          g_string_append_printf (text, _("\n— Amended %s by %s (%s); before: “%s”"), at,
                                  person (names, ver->author), ver->reason ? ver->reason : "",
                                  prev->text ? prev->text : "");
        }
      add_line (self, PROP_NOTES, title, text->str, n->urgent ? "error" : NULL, NULL);
    }
}

/* The client's word on the visit, and a dispute with the carer's and the
 * family's words side by side (docs/family.md). */
static void
make_words (CareReviewVisit       *self,
            const CareVisitDetail *d,
            GHashTable            *names,
            GTimeZone             *tz)
{
  if (d->verified == NULL)
    {
      add_line (self, PROP_WORDS, _("Nobody has confirmed or disputed this visit"), NULL, NULL, NULL);
      return;
    }
  /* Every word on it, in order: the carer's at the door, the family's
   * later, the co-ordinator's answers, each with who and when. */
  for (guint i = 0; d->history != NULL && i < d->history->len; i++)
    {
      const CareHistoryEntry *h = g_ptr_array_index (d->history, i);
      g_autofree char *when = NULL, *who = NULL;

      if (h->type != CARE_EVENT_VISIT_VERIFIED && h->type != CARE_EVENT_DISPUTE_ANSWERED)
        continue;
      when = care_format_datetime (h->wall, tz);
      /* Translators: who wrote it, then when. */
      who = g_strdup_printf (_("%s, %s"), person (names, h->author), when);
      add_line (self, PROP_WORDS, h->description, who, NULL, "client-word");
    }
  if (d->disputes > 0)
    add_line (self, PROP_WORDS,
              d->dispute_open ? _("The dispute is open: answer it so the family knows") : _("Answered"),
              d->dispute_answer, d->dispute_open ? "error" : NULL, NULL);
}

static void
make_history (CareReviewVisit       *self,
              const CareVisitDetail *d,
              GHashTable            *names,
              GTimeZone             *tz)
{
  for (guint i = 0; d->history != NULL && i < d->history->len; i++)
    {
      const CareHistoryEntry *h = g_ptr_array_index (d->history, i);
      g_autofree char *at = care_format_datetime (h->wall, tz);
      g_autofree char *received = care_received_label (h->sync, h->received, tz);
      g_autofree char *sub = NULL;

      /* The sync timeline: recorded at (the device's own clock) by whom,
       * then received by the co-op at (the server's clock). Which device
       * is an id, not something to show a person. */
      if (h->reason != NULL)
        sub = g_strdup_printf (_("Recorded at %s by %s · %s\nReason: %s"),
                               at, person (names, h->author), received, h->reason);
      else
        sub = g_strdup_printf (_("Recorded at %s by %s · %s"),
                               at, person (names, h->author), received);
      add_line (self, PROP_HISTORY, h->description, sub, NULL, NULL);
    }
}

CareReviewVisit *
care_review_visit_new (const CareVisitSummary *summary,
                       const CareVisitDetail  *detail,
                       GHashTable             *names,
                       GTimeZone              *tz)
{
  CareReviewVisit *self;

  g_return_val_if_fail (summary != NULL || detail != NULL, NULL);

  self = g_object_new (CARE_TYPE_REVIEW_VISIT, NULL);
  make_summary (self, detail != NULL ? &detail->summary : summary, detail, tz);
  self->on[PROP_LOADED] = detail != NULL;
  if (detail != NULL)
    {
      make_tasks (self, detail);
      make_notes (self, detail, names, tz);
      make_words (self, detail, names, tz);
      make_history (self, detail, names, tz);
    }
  return self;
}
