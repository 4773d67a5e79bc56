/* care-rules.h: the care log's rule book, one copy for the tablet and the
 * co-op server.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A record that is valid by itself (care_event_validate) is judged here
 * against who writes it and against the history of the visit it is about.
 * The judge (the tablet's store before it appends, the server core before
 * it stores a pushed record) gathers what the rules need into a
 * CareRuleContext; the rules themselves know nothing of either store.
 * docs/sync-protocol.md ("The rule book") says the same for people.
 */
#pragma once

#include <glib.h>

#include "care-event.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_VERDICT_ACCEPT,
  CARE_VERDICT_INVALID,     /* breaks a care-log rule against the visit's history */
  CARE_VERDICT_FORBIDDEN,   /* the writer may not write this record */
  CARE_VERDICT_CONFLICT,    /* would take over an existing visit */
  CARE_VERDICT_NO_VISIT,    /* names a visit the judge does not have */
} CareVerdict;

typedef struct
{
  /* The writer: the member the device belongs to, and the device. */
  const char *member;
  const char *device;
  CareRole role;
  /* visit.started: whether the writer is assigned to the body's client
   * (only asked of carers); for a family member's records, whether the
   * record's client (care_rules_client_of) is in their family circle. */
  gboolean assigned;
  /* visit.cancelled of a scheduled visit, or visit.started of one: the
   * carer whose rota it is on; NULL when the judge does not know (then only
   * the judge's own checks apply). */
  const char *schedule_carer;
  /* query.answered: the review it answers (its action, and the carer a
   * timesheet review is about); NULL when unknown. */
  const char *review_action;
  const char *review_carer;
  /* The records the judge has about the record's visit (CareEvent, any
   * order), the record itself excluded; empty when the visit is unknown.
   * For hours.added, the records of its entry id (NULL: not looked up).
   * Unused for other records. */
  GPtrArray *history;
  /* Records of history that the writer could not have had when it made the
   * record (pointers into history); NULL when it had them all. Rules are
   * held against what the writer had: a record that breaks one only
   * because of a concurrent record is accepted (the app flags the visit). */
  GHashTable *unseen;
} CareRuleContext;

/* The visit a record is about, or NULL for records about no visit
 * (hours, a timesheet review or its answer, a scheduled visit's
 * cancellation, roster records). */
const char  *care_rules_visit_of (const CareEvent *event);
/* The client a record is about: its body's "client", else the client of
 * its visit's visit.started in history; NULL when neither says. */
const char  *care_rules_client_of (const CareEvent *event,
                                   GPtrArray       *history);

/* Judges event (already valid by itself). On anything but
 * CARE_VERDICT_ACCEPT, error (CARE_STORE_ERROR_RULE) holds a sentence the
 * writer can act on. */
CareVerdict  care_rules_judge    (const CareEvent       *event,
                                  const CareRuleContext *context,
                                  GError               **error);

G_END_DECLS
