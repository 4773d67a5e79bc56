/* care-review-util.h: labels and formatting for the supervisor's pages.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "care-store.h"
#include "care-ui-util.h"

G_BEGIN_DECLS

/* Translated names of the exceptions, by bit of CareVisitFlags. */
const char *care_review_flag_label       (guint bit);
/* A CSS class for an exception's badge: "error" or "warning". */
const char *care_review_flag_css_class   (guint bit);
const char *care_review_sync_label       (CareSyncState sync);
/* The sync timeline's second half for one history record: "Received by the
 * co-op at <time>" when the co-op's receive time is known, "Not yet received
 * by the co-op" for a record only on this device, else the sync label. */
char       *care_review_received_label   (CareSyncState sync,
                                          gint64        received,
                                          GTimeZone    *tz) G_GNUC_WARN_UNUSED_RESULT;

/* "Tue 10 Mar 2026, 23:30" in the co-op's zone; "—" for 0. */
char       *care_review_format_datetime  (gint64     ms,
                                          GTimeZone *tz) G_GNUC_WARN_UNUSED_RESULT;
char       *care_review_format_date      (gint64     ms,
                                          GTimeZone *tz) G_GNUC_WARN_UNUSED_RESULT;
char       *care_review_format_time      (gint64     ms,
                                          GTimeZone *tz) G_GNUC_WARN_UNUSED_RESULT;
char       *care_review_format_minutes   (gint64 minutes) G_GNUC_WARN_UNUSED_RESULT;
/* Midnight (co-op zone) of the day d days after the day of ms, in ms. */
gint64      care_review_day_start        (gint64     ms,
                                          GTimeZone *tz,
                                          int        days);

G_END_DECLS
