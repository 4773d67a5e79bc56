/* carelog-gen.c: writes large, realistic care logs for benchmarks.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage (the binary is built as <builddir>/tests/app/carelog-gen):
 *
 *   carelog-gen carer PATH [--days N] [--seed N]
 *       A carer's tablet after a year of work: N days (default 365) of a
 *       rota of 7 visits a day ending today, each visit checked in, its
 *       care-plan tasks answered, often a note, checked out; about 2,500
 *       visits and 16,000 records. Today's later visits are still upcoming.
 *       Identity: device "tab-0000", member "carer-0000" (role carer).
 *
 *   carelog-gen supervisor PATH [--events N] [--carers N] [--seed N]
 *       A co-ordinator's desk holding the whole co-op: N carers (default
 *       200) with 3 clients each, 7 visits a day per carer, as many days
 *       (ending today) as it takes to reach N records (default 1,000,000).
 *       Identity: device "desk-0000", member "sup-0000" (role supervisor);
 *       carers are "carer-0000" … , clients "client-00000" … .
 *
 * Both mixes include late starts, short visits, missed visits, amendments,
 * safeguarding notes, approvals and queries, so exception filters have
 * something to find. PATH must not exist. Records are applied in pages of
 * 20,000 (one transaction each) through care_store_apply_page, exactly as
 * the sync daemon would, so derived tables and indexes are the real ones.
 * The same seed gives the same store. Times are in Europe/London.
 */
#include "care-config.h"

#include <stdio.h>

#include "care-store-private.h"

#define MIN_MS G_GINT64_CONSTANT (60000)
#define DAY_MS (24 * 60 * MIN_MS)
#define PAGE 20000
#define SLOTS 7

typedef struct
{
  CareStore *store;
  GRand *rand;
  GTimeZone *tz;
  GPtrArray *page;
  GHashTable *seqs;     /* device → last seq */
  gint64 now;
  gint64 total;
  gint64 limit;
  int carers;
  int days;
  const char *local_device;
} Gen;

static void
flush (Gen *g)
{
  g_autoptr(GError) error = NULL;

  if (!care_store_apply_page (g->store, g->page, NULL, &error))
    g_error ("carelog-gen: %s", error->message);
  g_ptr_array_set_size (g->page, 0);
}

static JsonObject *
add (Gen        *g,
     const char *device,
     const char *author,
     gint64      wall,
     CareEventType type)
{
  CareEvent *e;
  gint64 seq = GPOINTER_TO_SIZE (g_hash_table_lookup (g->seqs, device)) + 1;

  /* Flushed before adding, so the body returned stays alive until then. */
  if (g->page->len >= PAGE)
    flush (g);
  e = care_event_new ();
  g_hash_table_insert (g->seqs, (gpointer) g_intern_string (device), GSIZE_TO_POINTER (seq));
  e->id = care_id_new (wall);
  e->device = g_strdup (device);
  e->seq = seq;
  e->author = g_strdup (author);
  e->hlc = care_hlc_pack (wall, seq & 0xffff);
  e->wall = wall;
  e->type = type;
  e->body = json_object_new ();
  g_ptr_array_add (g->page, e);
  g->total++;
  return e->body;
}

static void
set_str (JsonObject *o,
         const char *name,
         const char *value)
{
  json_object_set_string_member (o, name, value);
}

static void
roster (Gen *g,
        int  clients_per_carer)
{
  gint64 at = g->now - (gint64) (g->days + 30) * DAY_MS;
  static const char *first[] = { "Ana", "Tom", "Priya", "Joe", "Maria", "Kwame", "Lena", "Sam", "Aisha", "Owen" };
  static const char *last[] = { "Lima", "Okafor", "Shah", "Byrne", "Rossi", "Mensah", "Novak", "Baker", "Khan", "Price" };
  static const char *streets[] = { "Mill Lane", "Church Street", "Burnley Road", "Market Street", "Station Road" };

  for (int c = 0; c < g->carers; c++)
    {
      g_autofree char *id = g_strdup_printf ("carer-%04d", c);
      g_autofree char *name = g_strdup_printf ("%s %s", first[c % 10], last[(c / 10) % 10]);
      JsonObject *b = add (g, "coop", "admin", at, CARE_EVENT_MEMBER_SET);

      set_str (b, "member", id);
      set_str (b, "name", name);
      set_str (b, "role", "carer");
      json_object_set_boolean_member (b, "active", TRUE);
      for (int k = 0; k < clients_per_carer; k++)
        {
          int n = c * clients_per_carer + k;
          g_autofree char *client = g_strdup_printf ("client-%05d", n);
          g_autofree char *cname = g_strdup_printf ("%s %s", first[(n + 3) % 10], last[(n * 7) % 10]);
          g_autofree char *address = g_strdup_printf ("%d %s, Hebden Bridge", n % 90 + 1, streets[n % 5]);
          JsonNode *tasks = json_from_string ("[{\"task\":\"meds\",\"label\":\"Prompt medication\",\"essential\":true},"
                                              "{\"task\":\"meal\",\"label\":\"Prepare a meal\",\"essential\":false},"
                                              "{\"task\":\"wash\",\"label\":\"Help with washing\",\"essential\":false}]", NULL);

          b = add (g, "coop", "admin", at, CARE_EVENT_CLIENT_SET);
          set_str (b, "client", client);
          set_str (b, "name", cname);
          set_str (b, "address", address);
          json_object_set_boolean_member (b, "active", TRUE);
          b = add (g, "coop", "admin", at, CARE_EVENT_CAREPLAN_SET);
          set_str (b, "client", client);
          json_object_set_member (b, "tasks", tasks);
          b = add (g, "coop", "admin", at, CARE_EVENT_ASSIGNMENT_SET);
          set_str (b, "client", client);
          set_str (b, "carer", id);
          json_object_set_boolean_member (b, "active", TRUE);
        }
    }
}

typedef struct
{
  int carer;
  char *carer_id;
  char *device;
  char *client;
  char *schedule;
  gint64 start;
  int minutes;
} Slot;

static void
visit_events (Gen  *g,
              Slot *s)
{
  g_autofree char *visit = care_id_new (s->start);
  int roll = g_rand_int_range (g->rand, 0, 1000);
  gint64 start = s->start + g_rand_int_range (g->rand, -5, 10) * MIN_MS + (roll < 50 ? 25 * MIN_MS : 0);
  gint64 end = start + (roll >= 50 && roll < 80 ? s->minutes / 2 : s->minutes + g_rand_int_range (g->rand, -3, 5)) * MIN_MS;
  const char *tasks[] = { "meds", "meal", "wash" };
  JsonObject *b;

  if (roll >= 980)
    return; /* missed */
  b = add (g, s->device, s->carer_id, start, CARE_EVENT_VISIT_STARTED);
  set_str (b, "visit", visit);
  set_str (b, "client", s->client);
  set_str (b, "schedule", s->schedule);
  set_str (b, "service", "home care");
  json_object_set_int_member (b, "at", start);
  for (int t = 0; t < 3; t++)
    {
      b = add (g, s->device, s->carer_id, start + (t + 2) * MIN_MS, CARE_EVENT_TASK_ANSWERED);
      set_str (b, "visit", visit);
      set_str (b, "task", tasks[t]);
      json_object_set_boolean_member (b, "done", t == 0 || roll % 5 != 0);
      if (t != 0 && roll % 5 == 0)
        set_str (b, "reason", "Client said not today");
    }
  if (roll % 2 == 0 || roll >= 970)
    {
      g_autofree char *note = care_id_new (start + 10 * MIN_MS);

      b = add (g, s->device, s->carer_id, start + 10 * MIN_MS, CARE_EVENT_NOTE_ADDED);
      set_str (b, "visit", visit);
      set_str (b, "note", note);
      set_str (b, "category", roll >= 975 ? "safeguarding" : roll % 4 == 0 ? "nutrition" : "wellbeing");
      set_str (b, "text", roll >= 975 ? "Bruising on the left arm; client unsure how it happened. Office informed."
                          : roll % 4 == 0 ? "Ate most of the soup and a yoghurt; drank two cups of tea."
                                          : "In good spirits, talked about the garden and the weather.");
    }
  if (end > g->now)
    return; /* in progress */
  b = add (g, s->device, s->carer_id, end, CARE_EVENT_VISIT_FINISHED);
  set_str (b, "visit", visit);
  json_object_set_int_member (b, "at", end);
  if (roll >= 960 && roll < 970)
    {
      b = add (g, s->device, s->carer_id, end + 30 * MIN_MS, CARE_EVENT_VISIT_AMENDED);
      set_str (b, "visit", visit);
      set_str (b, "field", "finished_at");
      json_object_set_int_member (b, "old", end);
      json_object_set_int_member (b, "new", end - 5 * MIN_MS);
      set_str (b, "reason", "Checked out late, left at the planned time");
    }
  if (roll % 3 == 0 && end + DAY_MS < g->now)
    {
      g_autofree char *review = care_id_new (end + DAY_MS);

      b = add (g, "desk-0000", "sup-0000", end + DAY_MS, CARE_EVENT_REVIEW_ADDED);
      set_str (b, "review", review);
      set_str (b, "visit", visit);
      set_str (b, roll % 100 == 3 ? "message" : "action", roll % 100 == 3 ? "Please check the times" : "approve");
      if (roll % 100 == 3)
        set_str (b, "action", "query");
    }
}

static gint64
day_start (Gen *g,
           int  day)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (g->now / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, g->tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (g->tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);
  g_autoptr(GDateTime) d = g_date_time_add_days (midnight, day);

  return g_date_time_to_unix (d) * 1000;
}

static void
day_of_carer (Gen  *g,
              int   day,
              int   carer,
              int   clients_per_carer)
{
  gint64 midnight = day_start (g, day);
  g_autofree char *carer_id = g_strdup_printf ("carer-%04d", carer);
  g_autofree char *device = g_strdup_printf ("tab-%04d", carer);

  for (int k = 0; k < SLOTS; k++)
    {
      g_autofree char *client = g_strdup_printf ("client-%05d", carer * clients_per_carer + (k + day) % clients_per_carer);
      g_autofree char *schedule = g_strdup_printf ("s-%04d-%d-%d", carer, day, k);
      Slot s = { carer, carer_id, device, client, schedule, midnight + (7 * 60 + 30 + k * 120) * MIN_MS, 45 };
      JsonObject *b = add (g, "coop", "admin", s.start - 7 * DAY_MS, CARE_EVENT_SCHEDULE_SET);

      set_str (b, "schedule", schedule);
      set_str (b, "client", client);
      set_str (b, "carer", carer_id);
      json_object_set_int_member (b, "start", s.start);
      json_object_set_int_member (b, "minutes", s.minutes);
      set_str (b, "service", "home care");
      if (s.start < g->now)
        visit_events (g, &s);
    }
}

static gboolean
finish (Gen        *g,
        const char *device,
        const char *member,
        CareRole    role,
        GError    **error)
{
  flush (g);
  return care_store_set_meta (g->store, "timezone", "Europe/London", error)
         && care_store_set_meta (g->store, "generator", "carelog-gen 1", error)
         && care_store_set_identity (g->store, device, member, role, error);
}

static int
usage (void)
{
  fprintf (stderr, "Usage: carelog-gen carer PATH [--days N] [--seed N]\n"
                   "       carelog-gen supervisor PATH [--events N] [--carers N] [--seed N]\n");
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  Gen g = { 0 };
  gboolean carer;
  guint32 seed = 1;
  gint64 t0 = g_get_monotonic_time ();

  if (argc < 3 || (!g_str_equal (argv[1], "carer") && !g_str_equal (argv[1], "supervisor")))
    return usage ();
  carer = g_str_equal (argv[1], "carer");
  g.days = 365;
  g.carers = carer ? 1 : 200;
  g.limit = carer ? G_MAXINT64 : 1000000;
  for (int i = 3; i + 1 < argc; i += 2)
    {
      gint64 v = g_ascii_strtoll (argv[i + 1], NULL, 10);

      if (g_str_equal (argv[i], "--days")) g.days = v;
      else if (g_str_equal (argv[i], "--events")) g.limit = v;
      else if (g_str_equal (argv[i], "--carers")) g.carers = v;
      else if (g_str_equal (argv[i], "--seed")) seed = v;
      else return usage ();
    }
  if (g_file_test (argv[2], G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "carelog-gen: %s exists; give a new path.\n", argv[2]);
      return 1;
    }
  if (!carer)
    g.days = (int) (g.limit / ((gint64) g.carers * SLOTS * 6.7)) + 1;
  g.store = care_store_open (argv[2], &error);
  if (g.store == NULL)
    g_error ("carelog-gen: %s", error->message);
  g.rand = g_rand_new_with_seed (seed);
  g.tz = g_time_zone_new_identifier ("Europe/London");
  g.page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g.seqs = g_hash_table_new (g_str_hash, g_str_equal);
  g.now = care_store_now (g.store);
  roster (&g, carer ? 12 : 3);
  for (int day = -(g.days - 1); day <= 0 && g.total < g.limit; day++)
    for (int c = 0; c < g.carers && g.total < g.limit; c++)
      day_of_carer (&g, day, c, carer ? 12 : 3);
  if (!finish (&g, carer ? "tab-0000" : "desk-0000", carer ? "carer-0000" : "sup-0000",
               carer ? CARE_ROLE_CARER : CARE_ROLE_SUPERVISOR, &error))
    g_error ("carelog-gen: %s", error->message);
  printf ("%s: %" G_GINT64_FORMAT " records, %d days, %d carer(s), %.1f s\n", argv[2], g.total, g.days,
          g.carers, (g_get_monotonic_time () - t0) / 1e6);
  g_object_unref (g.store);
  g_rand_free (g.rand);
  g_time_zone_unref (g.tz);
  g_ptr_array_unref (g.page);
  g_hash_table_unref (g.seqs);
  return 0;
}
