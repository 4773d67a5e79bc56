/* test-export.c: CSV exports of visits and hours against hand-computed
 * fixtures.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fixture is a co-op in Europe/Rome (CET, UTC+1; CEST, UTC+2 from
 * 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC), built through the real
 * store API in a real SQLite file: the roster arrives as a page of server
 * records, Anna's visits are recorded on "her tablet" (this store) with a
 * controlled clock, Bruno's visit and the supervisor's reviews arrive as
 * pages from other devices. Every expected figure below was worked out by
 * hand from the times in the comments; all times are written in UTC.
 *
 * Anna (c-anna), week 2026-W11:
 *   V1  Tue 10 Mar 23:30 -> Wed 11 Mar 00:45 CET       30 on the 10th, 45 on the 11th
 *   V3  Thu 12 Mar 09:00 -> 10:00 CET (scheduled, 60 planned), check-out
 *       amended to 10:30, then amended again to 10:20   80 on the 12th
 *   V4  Fri 13 Mar 14:00 CET checked in, cancelled at 14:30   0
 *   V9  Sun 15 Mar 23:00 -> Mon 16 Mar 01:00 CET       60 on the 15th (W11), 60 on the 16th (W12)
 *   travel 25 min on the 11th, training 120 on the 12th, other 15 on the 13th
 *   a scheduled visit on the 13th at 16:00, cancelled: plans nothing
 *   W11: 30 + (45 + 25) + (80 + 120) + 15 + 60 = 375 minutes, 60 planned, approved
 * Anna, 2026-W13:
 *   V5  Sun 29 Mar 01:30 CET -> 03:30 CEST (spring forward)  60 real minutes; queried
 * Anna, 2026-W43:
 *   V8  Tue 20 Oct 09:00 -> 10:00 CEST, check-in amended to 08:40  80
 *   V7  Sun 25 Oct 01:30 CEST -> 02:30 CET (fall back)       120 real minutes
 * Bruno (c-bruno, name "Verdi, Bruno"), 2026-W11:
 *   V2  Wed 11 Mar 08:00 -> 09:00 CET                        60
 */

#include "care-config.h"

#include <glib/gstdio.h>

#include "care-export.h"

/* Runs a call that sets error on failure, showing the error's message. */
#define CHECK(call)                                                                                \
  G_STMT_START {                                                                                   \
    gboolean ok_ = (call);                                                                         \
    g_assert_no_error (error);                                                                     \
    g_assert_true (ok_);                                                                           \
  } G_STMT_END

typedef struct
{
  char *dir;
  char *path;
  CareStore *store;
  gint64 now;
  gint64 server_seq;
  char *v1, *v3, *v4, *v5, *v7, *v8, *v9;
} Fixture;

static gint64
utc (int year,
     int month,
     int day,
     int hour,
     int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt) * 1000;
}

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return f->now;
}

/* A time-ordered (version 7) UUID for records made by the test's "other
 * devices". */
static char *
uuid7 (gint64 ms)
{
  guint8 b[16];

  for (guint i = 0; i < 6; i++)
    b[i] = (ms >> (8 * (5 - i))) & 0xff;
  for (guint i = 6; i < 16; i++)
    b[i] = g_random_int_range (0, 256);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                          b[12], b[13], b[14], b[15]);
}

static CareEvent *
remote_event (const char   *device,
              gint64        seq,
              const char   *author,
              gint64        wall,
              CareEventType type,
              JsonObject   *body)
{
  CareEvent *e = care_event_new ();

  e->id = uuid7 (wall);
  e->device = g_strdup (device);
  e->seq = seq;
  e->author = g_strdup (author);
  e->hlc = wall << 16;
  e->wall = wall;
  e->type = type;
  e->body = body;
  return e;
}

static JsonObject *
body_new (const char *first_key,
          ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (ap, const char *))
    json_object_set_string_member (o, k, va_arg (ap, const char *));
  va_end (ap);
  return o;
}

static void
apply (Fixture   *f,
       GPtrArray *page)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, ++f->server_seq);

  CHECK (care_store_apply_page (f->store, page, cursor, &error));
}

static void
add_member (GPtrArray  *page,
            Fixture    *f,
            const char *member,
            const char *name,
            const char *role)
{
  JsonObject *b = body_new ("member", member, "name", name, "role", role, NULL);

  json_object_set_boolean_member (b, "active", TRUE);
  g_ptr_array_add (page, remote_event ("coop", page->len + 1, "admin", f->now,
                                       CARE_EVENT_MEMBER_SET, b));
}

static void
add_schedule (GPtrArray  *page,
              Fixture    *f,
              const char *schedule,
              gint64      start,
              int         minutes,
              gboolean    cancelled)
{
  JsonObject *b = body_new ("schedule", schedule, "client", "cl-rossi", "carer", "c-anna",
                            "service", "personal-care", NULL);

  json_object_set_int_member (b, "start", start);
  json_object_set_int_member (b, "minutes", minutes);
  if (cancelled)
    json_object_set_boolean_member (b, "cancelled", TRUE);
  g_ptr_array_add (page, remote_event ("coop", page->len + 1, "admin", f->now,
                                       CARE_EVENT_SCHEDULE_SET, b));
}

static void
roster (Fixture *f)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  JsonObject *b;
  JsonArray *tasks;
  JsonObject *task;

  add_member (page, f, "admin", "Office", "administrator");
  add_member (page, f, "c-anna", "Anna Bianchi", "carer");
  add_member (page, f, "c-bruno", "Verdi, Bruno", "carer");
  add_member (page, f, "s-sara", "Sara Neri", "supervisor");

  b = body_new ("client", "cl-rossi", "name", "Rossi, \"Nonna\" Maria", "address",
                "Via Roma 1\nScala B, Torino", NULL);
  json_object_set_boolean_member (b, "active", TRUE);
  g_ptr_array_add (page, remote_event ("coop", page->len + 1, "admin", f->now,
                                       CARE_EVENT_CLIENT_SET, b));

  tasks = json_array_new ();
  task = body_new ("task", "t-lunch", "label", "Prepare lunch", NULL);
  json_object_set_boolean_member (task, "essential", FALSE);
  json_array_add_object_element (tasks, task);
  b = body_new ("client", "cl-rossi", NULL);
  json_object_set_array_member (b, "tasks", tasks);
  g_ptr_array_add (page, remote_event ("coop", page->len + 1, "admin", f->now,
                                       CARE_EVENT_CAREPLAN_SET, b));

  for (guint i = 0; i < 2; i++) {
    b = body_new ("client", "cl-rossi", "carer", i == 0 ? "c-anna" : "c-bruno", NULL);
    json_object_set_boolean_member (b, "active", TRUE);
    g_ptr_array_add (page, remote_event ("coop", page->len + 1, "admin", f->now,
                                         CARE_EVENT_ASSIGNMENT_SET, b));
  }

  /* Thu 12 Mar 09:00 CET, 60 minutes; Fri 13 Mar 16:00 CET, cancelled. */
  add_schedule (page, f, "sched-1", utc (2026, 3, 12, 8, 0), 60, FALSE);
  add_schedule (page, f, "sched-2", utc (2026, 3, 13, 15, 0), 60, TRUE);
  apply (f, page);
}

static char *
visit (Fixture    *f,
       const char *schedule,
       gint64      start,
       gint64      end)
{
  g_autoptr(GError) error = NULL;
  char *id;

  f->now = start;
  id = care_store_check_in (f->store, "cl-rossi", schedule, "personal-care", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  f->now = end;
  CHECK (care_store_check_out (f->store, id, &error));
  return id;
}

static void
amend (Fixture    *f,
       gint64      at,
       const char *visit_id,
       const char *field,
       gint64      value,
       const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  f->now = at;
  CHECK (care_store_amend_visit (f->store, visit_id, field, text, reason, &error));
}

static void
hours (Fixture    *f,
       gint64      at,
       const char *kind,
       int         day,
       int         minutes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) date = g_date_new_dmy (day, G_DATE_MARCH, 2026);
  g_autofree char *id = NULL;

  f->now = at;
  id = care_store_add_hours (f->store, kind, date, minutes, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
}

/* Bruno's tablet and the supervisor's desktop, as pages from the co-op. */
static void
other_devices (Fixture *f)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  gint64 in = utc (2026, 3, 11, 7, 0), out = utc (2026, 3, 11, 8, 0);
  JsonObject *b;

  b = body_new ("visit", "v-bruno-1", "client", "cl-rossi", "service", "personal-care", NULL);
  json_object_set_int_member (b, "at", in);
  g_ptr_array_add (page, remote_event ("dev-bruno", 1, "c-bruno", in, CARE_EVENT_VISIT_STARTED, b));
  b = body_new ("visit", "v-bruno-1", NULL);
  json_object_set_int_member (b, "at", out);
  g_ptr_array_add (page, remote_event ("dev-bruno", 2, "c-bruno", out, CARE_EVENT_VISIT_FINISHED, b));
  apply (f, page);
}

static void
reviews (Fixture *f)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  gint64 at = utc (2026, 10, 31, 12, 0);

  g_ptr_array_add (page, remote_event ("dev-sara", 1, "s-sara", at, CARE_EVENT_REVIEW_ADDED,
                                       body_new ("review", "r-1", "action", "approve", "carer",
                                                 "c-anna", "week", "2026-W11", NULL)));
  g_ptr_array_add (page, remote_event ("dev-sara", 2, "s-sara", at + 1000, CARE_EVENT_REVIEW_ADDED,
                                       body_new ("review", "r-2", "action", "query", "carer",
                                                 "c-anna", "week", "2026-W13", "message",
                                                 "Please check the Sunday visit", NULL)));
  apply (f, page);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("carelog-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "carelog.db", NULL);
  f->store = care_store_open (f->path, &error);
  g_assert_no_error (error);
  f->now = utc (2026, 3, 1, 9, 0);
  care_store_set_clock (f->store, fixture_clock, f);
  CHECK (care_store_set_meta (f->store, "timezone", "Europe/Rome", &error));
  CHECK (care_store_set_identity (f->store, "dev-anna", "c-anna", CARE_ROLE_CARER, &error));

  roster (f);
  other_devices (f);

  /* V1: Tue 10 Mar 23:30 CET -> Wed 11 Mar 00:45 CET. */
  f->v1 = visit (f, NULL, utc (2026, 3, 10, 22, 30), utc (2026, 3, 10, 23, 45));
  hours (f, utc (2026, 3, 11, 12, 0), "travel", 11, 25);
  /* V3: Thu 12 Mar 09:00 -> 10:00 CET; check-out amended to 10:30, then to 10:20. */
  f->v3 = visit (f, "sched-1", utc (2026, 3, 12, 8, 0), utc (2026, 3, 12, 9, 0));
  amend (f, utc (2026, 3, 12, 10, 0), f->v3, "finished_at", utc (2026, 3, 12, 9, 30),
         "Forgot to check out");
  amend (f, utc (2026, 3, 12, 10, 5), f->v3, "finished_at", utc (2026, 3, 12, 9, 20),
         "Checked my notes: I left at 10:20");
  hours (f, utc (2026, 3, 12, 12, 0), "training", 12, 120);
  /* V4: checked in Fri 13 Mar 14:00 CET by mistake, cancelled at 14:30
   * (the store refuses to cancel a checked-out visit). */
  f->now = utc (2026, 3, 13, 13, 0);
  f->v4 = care_store_check_in (f->store, "cl-rossi", NULL, "personal-care", NULL, &error);
  g_assert_no_error (error);
  f->now = utc (2026, 3, 13, 13, 30);
  care_store_cancel_visit (f->store, f->v4, NULL, "Started the wrong client's visit", &error);
  g_assert_no_error (error);
  hours (f, utc (2026, 3, 13, 15, 0), "other", 13, 15);
  /* V9: Sun 15 Mar 23:00 CET -> Mon 16 Mar 01:00 CET, across weeks. */
  f->v9 = visit (f, NULL, utc (2026, 3, 15, 22, 0), utc (2026, 3, 16, 0, 0));
  /* V5: Sun 29 Mar 01:30 CET -> 03:30 CEST: one real hour. */
  f->v5 = visit (f, NULL, utc (2026, 3, 29, 0, 30), utc (2026, 3, 29, 1, 30));
  /* V8: Tue 20 Oct 09:00 -> 10:00 CEST, check-in amended to 08:40. */
  f->v8 = visit (f, NULL, utc (2026, 10, 20, 7, 0), utc (2026, 10, 20, 8, 0));
  amend (f, utc (2026, 10, 20, 9, 0), f->v8, "started_at", utc (2026, 10, 20, 6, 40),
         "I arrived at 08:40 but checked in late");
  /* V7: Sun 25 Oct 01:30 CEST -> 02:30 CET: two real hours. */
  f->v7 = visit (f, NULL, utc (2026, 10, 24, 23, 30), utc (2026, 10, 25, 1, 30));

  reviews (f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  g_assert_finalize_object (f->store);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->v1);
  g_free (f->v3);
  g_free (f->v4);
  g_free (f->v5);
  g_free (f->v7);
  g_free (f->v8);
  g_free (f->v9);
}

/* Helpers ---------------------------------------------------------------- */

static char *
export_hours (Fixture    *f,
              const char *carer,
              GDate      *from,
              GDate      *to,
              gboolean    approved_only)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  CHECK (care_export_hours_csv (f->store, carer, from, to, approved_only, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

#define HOURS_HEADER                                                                               \
  "carer_id,carer_name,date,iso_week,visit_minutes,travel_minutes,training_minutes,"               \
  "other_minutes,total_minutes,week_total_minutes,week_planned_minutes,week_review,timezone\r\n"

/* Parses RFC 4180 text strictly (CRLF line ends, quoted fields); returns
 * rows as NULL-terminated string arrays. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0') {
    if (*p == '"') {
      for (p++;; p++) {
        g_assert_true (*p != '\0');
        if (*p == '"' && p[1] == '"') {
          g_string_append_c (field, '"');
          p++;
        } else if (*p == '"') {
          p++;
          break;
        } else {
          g_string_append_c (field, *p);
        }
      }
    } else {
      while (*p != ',' && *p != '\r' && *p != '\0') {
        g_assert_true (*p != '\n' && *p != '"');
        g_string_append_c (field, *p++);
      }
    }
    g_ptr_array_add (fields, g_strdup (field->str));
    g_string_truncate (field, 0);
    if (*p == ',') {
      p++;
    } else {
      g_assert_cmpint (p[0], ==, '\r');
      g_assert_cmpint (p[1], ==, '\n');
      p += 2;
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
      fields = g_ptr_array_new_with_free_func (g_free);
    }
  }
  g_assert_cmpuint (fields->len, ==, 0);
  return rows;
}

static int
column (GStrv header, const char *name)
{
  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], name))
      return i;
  g_error ("no column %s", name);
  return -1;
}

static GStrv
row_of_visit (GPtrArray  *rows,
              const char *visit_id)
{
  for (guint i = 1; i < rows->len; i++) {
    GStrv row = g_ptr_array_index (rows, i);

    if (g_strcmp0 (row[0], visit_id) == 0)
      return row;
  }
  g_error ("visit %s not exported", visit_id);
  return NULL;
}

/* Tests ------------------------------------------------------------------ */

static void
test_hours_march (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GDate) from = g_date_new_dmy (9, G_DATE_MARCH, 2026);
  g_autoptr(GDate) to = g_date_new_dmy (31, G_DATE_MARCH, 2026);
  g_autofree char *csv = export_hours (f, NULL, from, to, FALSE);

  g_assert_cmpstr (csv, ==,
                   HOURS_HEADER
                   "c-anna,Anna Bianchi,2026-03-10,2026-W11,30,0,0,0,30,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-11,2026-W11,45,25,0,0,70,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-12,2026-W11,80,0,120,0,200,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-13,2026-W11,0,0,0,15,15,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-15,2026-W11,60,0,0,0,60,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-16,2026-W12,60,0,0,0,60,60,0,none,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-29,2026-W13,60,0,0,0,60,60,0,queried,Europe/Rome\r\n"
                   "c-bruno,\"Verdi, Bruno\",2026-03-11,2026-W11,60,0,0,0,60,60,0,none,Europe/Rome\r\n");
}

static void
test_hours_approved_only (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GDate) from = g_date_new_dmy (1, G_DATE_MARCH, 2026);
  g_autoptr(GDate) to = g_date_new_dmy (31, G_DATE_MARCH, 2026);
  g_autofree char *all = export_hours (f, NULL, from, to, TRUE);
  g_autofree char *bruno = export_hours (f, "c-bruno", from, to, TRUE);

  g_assert_cmpstr (all, ==,
                   HOURS_HEADER
                   "c-anna,Anna Bianchi,2026-03-10,2026-W11,30,0,0,0,30,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-11,2026-W11,45,25,0,0,70,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-12,2026-W11,80,0,120,0,200,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-13,2026-W11,0,0,0,15,15,375,60,approved,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-03-15,2026-W11,60,0,0,0,60,375,60,approved,Europe/Rome\r\n");
  g_assert_cmpstr (bruno, ==, HOURS_HEADER);
}

static void
test_hours_autumn (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GDate) from = g_date_new_dmy (19, G_DATE_OCTOBER, 2026);
  g_autoptr(GDate) to = g_date_new_dmy (25, G_DATE_OCTOBER, 2026);
  g_autofree char *csv = export_hours (f, "c-anna", from, to, FALSE);

  g_assert_cmpstr (csv, ==,
                   HOURS_HEADER
                   "c-anna,Anna Bianchi,2026-10-20,2026-W43,80,0,0,0,80,200,0,none,Europe/Rome\r\n"
                   "c-anna,Anna Bianchi,2026-10-25,2026-W43,120,0,0,0,120,200,0,none,Europe/Rome\r\n");
}

/* The store's own week figures, which the export and the timesheet screen
 * both show. */
static void
test_week_hours (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CareWeekHours) w11 = care_store_get_week_hours (f->store, "c-anna", 2026, 11, &error);
  g_autoptr(CareWeekHours) w13 = NULL;
  g_autoptr(CareWeekHours) w43 = NULL;
  const gint64 visit[7] = { 0, 30, 45, 80, 0, 0, 60 };

  g_assert_no_error (error);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (w11->days[i].visit_minutes, ==, visit[i]);
  g_assert_cmpint (w11->days[2].travel_minutes, ==, 25);
  g_assert_cmpint (w11->days[3].training_minutes, ==, 120);
  g_assert_cmpint (w11->days[4].other_minutes, ==, 15);
  g_assert_cmpint (w11->total_minutes, ==, 375);
  g_assert_cmpint (w11->planned_minutes, ==, 60);
  g_assert_cmpint (w11->review, ==, CARE_REVIEW_APPROVED);

  w13 = care_store_get_week_hours (f->store, "c-anna", 2026, 13, &error);
  g_assert_no_error (error);
  g_assert_cmpint (w13->days[6].visit_minutes, ==, 60);
  g_assert_cmpint (w13->total_minutes, ==, 60);
  g_assert_cmpint (w13->review, ==, CARE_REVIEW_QUERIED);

  w43 = care_store_get_week_hours (f->store, "c-anna", 2026, 43, &error);
  g_assert_no_error (error);
  g_assert_cmpint (w43->days[1].visit_minutes, ==, 80);
  g_assert_cmpint (w43->days[6].visit_minutes, ==, 120);
  g_assert_cmpint (w43->total_minutes, ==, 200);
}

static void
test_visits (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *csv = NULL;
  CareVisitFilter filter = { 0 };
  GStrv header, row;

  filter.from = utc (2026, 3, 1, 0, 0);
  filter.to = utc (2026, 11, 1, 0, 0);
  filter.review = -1;
  filter.limit = 2; /* ignored: the export pages through everything */
  /* The client's word (EVV client verification): confirmed at the door,
   * and "asleep" for another visit. */
  f->now = utc (2026, 11, 1, 0, 0);
  CHECK (care_store_verify_visit (f->store, f->v1, "confirmed", "client", NULL, NULL, &error));
  CHECK (care_store_verify_visit (f->store, f->v3, "not-possible", NULL, "asleep", NULL, &error));
  CHECK (care_export_visits_csv (f->store, &filter, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  csv = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));

  g_assert_true (g_str_has_prefix (csv, "visit_id,schedule_id,carer_id,carer_name,client_id,"
                                        "client_name,location,service,date,planned_start,"
                                        "planned_minutes,start,end,recorded_start,recorded_end,"
                                        "minutes,state,review,exceptions,open_query,sync,"
                                        "timezone,client_verification,verified_by,not_verified_reason\r\n"));
  /* A client name with a comma and quotes, an address with a line break. */
  g_assert_nonnull (strstr (csv, ",\"Rossi, \"\"Nonna\"\" Maria\",\"Via Roma 1\nScala B, Torino\","));

  rows = parse_csv (csv);
  header = g_ptr_array_index (rows, 0);
  /* Eight visits (Anna's V1, V3, V4, V5, V7, V8, V9 and Bruno's) and the
   * cancelled scheduled visit. */
  g_assert_cmpuint (rows->len, ==, 1 + 8 + 1);
  for (guint i = 1; i < rows->len; i++) {
    row = g_ptr_array_index (rows, i);
    g_assert_cmpuint (g_strv_length (row), ==, g_strv_length (header));
    g_assert_cmpstr (row[column (header, "timezone")], ==, "Europe/Rome");
    g_assert_cmpstr (row[column (header, "client_name")], ==, "Rossi, \"Nonna\" Maria");
  }

  row = row_of_visit (rows, f->v1);
  g_assert_cmpstr (row[column (header, "date")], ==, "2026-03-10");
  g_assert_cmpstr (row[column (header, "start")], ==, "2026-03-10T23:30:00+01:00");
  g_assert_cmpstr (row[column (header, "end")], ==, "2026-03-11T00:45:00+01:00");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "75");
  g_assert_cmpstr (row[column (header, "state")], ==, "done");
  g_assert_cmpstr (row[column (header, "location")], ==, "Via Roma 1\nScala B, Torino");
  g_assert_cmpstr (row[column (header, "client_verification")], ==, "confirmed");
  g_assert_cmpstr (row[column (header, "verified_by")], ==, "client");

  row = row_of_visit (rows, f->v3);
  g_assert_cmpstr (row[column (header, "schedule_id")], ==, "sched-1");
  g_assert_cmpstr (row[column (header, "planned_start")], ==, "2026-03-12T09:00:00+01:00");
  g_assert_cmpstr (row[column (header, "planned_minutes")], ==, "60");
  g_assert_cmpstr (row[column (header, "end")], ==, "2026-03-12T10:20:00+01:00");
  g_assert_cmpstr (row[column (header, "recorded_end")], ==, "2026-03-12T10:00:00+01:00");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "80");
  g_assert_nonnull (strstr (row[column (header, "exceptions")], "amended"));
  g_assert_cmpstr (row[column (header, "client_verification")], ==, "not-possible");
  g_assert_cmpstr (row[column (header, "not_verified_reason")], ==, "asleep");

  row = row_of_visit (rows, f->v4);
  g_assert_cmpstr (row[column (header, "state")], ==, "cancelled");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "0");

  row = row_of_visit (rows, f->v5);
  g_assert_cmpstr (row[column (header, "start")], ==, "2026-03-29T01:30:00+01:00");
  g_assert_cmpstr (row[column (header, "end")], ==, "2026-03-29T03:30:00+02:00");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "60");

  row = row_of_visit (rows, f->v7);
  g_assert_cmpstr (row[column (header, "date")], ==, "2026-10-25");
  g_assert_cmpstr (row[column (header, "start")], ==, "2026-10-25T01:30:00+02:00");
  g_assert_cmpstr (row[column (header, "end")], ==, "2026-10-25T02:30:00+01:00");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "120");

  row = row_of_visit (rows, f->v8);
  g_assert_cmpstr (row[column (header, "start")], ==, "2026-10-20T08:40:00+02:00");
  g_assert_cmpstr (row[column (header, "recorded_start")], ==, "2026-10-20T09:00:00+02:00");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "80");

  row = row_of_visit (rows, "v-bruno-1");
  g_assert_cmpstr (row[column (header, "carer_name")], ==, "Verdi, Bruno");
  g_assert_cmpstr (row[column (header, "minutes")], ==, "60");
}

static void
test_hours_bad_period (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) from = g_date_new_dmy (31, G_DATE_MARCH, 2026);
  g_autoptr(GDate) to = g_date_new_dmy (1, G_DATE_MARCH, 2026);

  g_assert_false (care_export_hours_csv (f->store, NULL, from, to, FALSE, out, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/export/hours/march", test_hours_march);
  ADD ("/app/export/hours/approved-only", test_hours_approved_only);
  ADD ("/app/export/hours/autumn", test_hours_autumn);
  ADD ("/app/export/hours/week", test_week_hours);
  ADD ("/app/export/hours/bad-period", test_hours_bad_period);
  ADD ("/app/export/visits", test_visits);
#undef ADD

  return g_test_run ();
}
