/* test-review-e2e-helper.c: what the review page and the carer's visit page
 * do to a store, as a command for the end-to-end test (test-review-e2e.py).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   test-review-e2e-helper query  STORE VISIT MESSAGE   supervisor's query (prints the review id)
 *   test-review-e2e-helper answer STORE REVIEW MESSAGE  carer's reply to a query
 *   test-review-e2e-helper show   STORE VISIT           prints review=<state> query=<message>,
 *                                                       then per history record
 *                                                       "received: <event> <ms or 0>"
 *
 * The same store calls as the app's pages (care_store_add_review with
 * "query", care_store_answer_query, care_store_get_visit), so what the test
 * checks is what a supervisor and a carer would see.
 */
#include "care-config.h"

#include <stdio.h>

#include "care-store.h"

static const char *
review_name (CareReviewState review)
{
  switch (review) {
    case CARE_REVIEW_NONE:
      return "none";
    case CARE_REVIEW_APPROVED:
      return "approved";
    case CARE_REVIEW_QUERIED:
      return "queried";
    case CARE_REVIEW_FLAGGED:
      return "flagged";
    default:
      return "unknown";
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareStore) store = NULL;

  if (argc < 4) {
    fprintf (stderr, "usage: %s query|answer|show STORE ID [MESSAGE]\n", argv[0]);
    return 2;
  }
  store = care_store_open (argv[2], &error);
  if (store == NULL) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }

  if (g_str_equal (argv[1], "query") && argc == 5) {
    g_autofree char *review = care_store_add_review (store, "query", argv[3], NULL, NULL, argv[4],
                                                     &error);

    if (review == NULL) {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
    printf ("%s\n", review);
    return 0;
  }
  if (g_str_equal (argv[1], "answer") && argc == 5) {
    if (!care_store_answer_query (store, argv[3], argv[4], &error)) {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
    return 0;
  }
  if (g_str_equal (argv[1], "show")) {
    g_autoptr(CareVisitDetail) detail = care_store_get_visit (store, argv[3], &error);

    if (detail == NULL) {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
    printf ("review=%s query=%s\n", review_name (detail->summary.review),
            detail->summary.open_query ? detail->summary.open_query : "");
    for (guint i = 0; i < detail->history->len; i++) {
      const CareHistoryEntry *h = g_ptr_array_index (detail->history, i);

      if (h->type == CARE_EVENT_REVIEW_ADDED)
        printf ("history: %s\n", h->description ? h->description : "");
      /* The sync timeline's "received by the co-op at" (0 = not yet). */
      printf ("received: %s %" G_GINT64_FORMAT "\n", h->event, h->received);
    }
    return 0;
  }
  fprintf (stderr, "usage: %s query|answer|show STORE ID [MESSAGE]\n", argv[0]);
  return 2;
}
