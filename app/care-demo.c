/* care-demo.c: a demo co-op to try Carelog without a server.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo is a small home-care co-op in the Calder Valley: three carers, a
 * co-ordinator, seven clients with care plans, a week of rota around today
 * and the history a real week leaves (done visits, notes, an amendment, a
 * co-ordinator's open query, a safeguarding concern, a missed and a cancelled
 * visit, manual hours). The records are made as the co-op's server and the
 * carers' tablets would have made them, and inserted in one transaction;
 * the local member's records from today are left unsent, the rest count as
 * already synced. A fixed random seed makes every demo the same.
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-demo.h"
#include "care-store-private.h"

#define MIN_MS (G_GINT64_CONSTANT (60) * 1000)

typedef struct
{
  const char *id;
  const char *name;
  const char *role;
  const char *device;
} DemoMember;

static const DemoMember members[] = {
  { "m-ana", "Ana Lima", "carer", "tablet-ana" },
  { "m-tom", "Tom Okafor", "carer", "tablet-tom" },
  { "m-priya", "Priya Shah", "carer", "tablet-priya" },
  { "m-maria", "Maria Rossi", "supervisor", "desk-maria" },
  { "m-sam", "Sam Baker", "administrator", "coop-server" },
};

typedef struct
{
  const char *id;
  const char *name;
  const char *address;
  const char *tasks;  /* "id|label|essential;..." */
} DemoClient;

static const DemoClient clients[] = {
  { "c-rose", "Rose Whitfield", "14 Mill Lane, Hebden Bridge HX7 8AB",
    "meds-am|Prompt morning medication|1;wash|Help with washing and dressing|0;breakfast|Prepare breakfast|0" },
  { "c-arthur", "Arthur Pennington", "3 Birchcliffe Road, Hebden Bridge HX7 8JA",
    "insulin|Check blood sugar and prompt insulin|1;lunch|Prepare lunch|0;walk|Short walk round the garden|0" },
  { "c-edith", "Edith Okonkwo", "Flat 2, 27 Market Street, Todmorden OL14 5DU",
    "skin|Check skin for pressure areas|1;shower|Help with shower|0;meds|Prompt medication|1" },
  { "c-george", "George Halloran", "9 Cross Lee Road, Todmorden OL14 8EG",
    "meds|Prompt medication|1;meal|Heat and serve evening meal|0;bins|Put the bins out (Thursdays)|0" },
  { "c-margaret", "Margaret Sowerby", "41 Burnley Road, Mytholmroyd HX7 5LH",
    "catheter|Catheter care|1;fluids|Encourage fluids and record intake|0;bed|Help into bed|0" },
  { "c-winifred", "Winifred Ashworth", "6 Church Lane, Heptonstall HX7 7NS",
    "meds|Prompt medication|1;lunch|Prepare lunch|0;company|Sit and chat|0" },
  { "c-frank", "Frank Delaney", "18 Hangingroyd Lane, Hebden Bridge HX7 7DD",
    "transfer|Hoist transfer with a second carer|1;breakfast|Prepare breakfast|0" },
};

/* Carer index → client indexes they are assigned to. */
static const int assigned[3][4] = { { 0, 1, 2, 5 }, { 3, 4, 0, 6 }, { 2, 6, 1, 4 } };

typedef struct
{
  int hour, minute, minutes;
  const char *service;
} Slot;

static const Slot slots[] = {
  { 8, 0, 60, "personal care" },
  { 12, 0, 30, "lunch call" },
  { 16, 30, 45, "home care" },
  { 19, 30, 30, "evening call" },
};

static const char *notes[][2] = {
  { "wellbeing", "In good spirits, talked about her grandson's visit at the weekend." },
  { "nutrition", "Ate most of the porridge, half a cup of tea. Fridge is getting low on milk." },
  { "personal-care", "Full wash and change of clothes; skin intact, no redness." },
  { "medication", "Morning tablets taken with breakfast. Blister pack has 4 days left." },
  { "wellbeing", "A bit low today, missing his wife. Sat with him for ten minutes." },
  { "nutrition", "Drank two glasses of water while I was there; reminded about fluids." },
  { "personal-care", "Helped with shower; used the new bath seat, worked well." },
  { "incident", "Smoke alarm chirping (low battery). Told the family, they will replace it." },
};

typedef struct
{
  CareStore *store;
  GRand *rand;
  GTimeZone *tz;
  GPtrArray *events;        /* CareEvent */
  GHashTable *seqs;         /* device → last seq */
  const DemoMember *local;
  gint64 now;
  gint64 local_cutoff;      /* own records after this stay unsent */
  gint64 counter;
} Demo;

static void
demo_clear (Demo *d)
{
  g_clear_pointer (&d->rand, g_rand_free);
  g_clear_pointer (&d->tz, g_time_zone_unref);
  g_clear_pointer (&d->events, g_ptr_array_unref);
  g_clear_pointer (&d->seqs, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Demo, demo_clear)

static JsonObject *
add (Demo             *d,
     const DemoMember *who,
     gint64            wall,
     CareEventType     type)
{
  CareEvent *e = care_event_new ();

  /* Sequence numbers are given in time order by insert_all. */
  e->id = care_id_new (wall);
  e->device = g_strdup (who->device);
  e->author = g_strdup (who->id);
  e->hlc = care_hlc_pack (wall, (d->counter++) & 0xffff);
  e->wall = wall;
  e->type = type;
  e->body = json_object_new ();
  g_ptr_array_add (d->events, e);
  return e->body;
}

static const DemoMember *admin (void) { return &members[4]; }
static const DemoMember *supervisor (void) { return &members[3]; }

static void
add_tasks_member (JsonObject *body,
                  const char *spec)
{
  g_auto(GStrv) tasks = g_strsplit (spec, ";", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; tasks[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (tasks[i], "|", 3);
      JsonObject *t = json_object_new ();

      json_object_set_string_member (t, "task", parts[0]);
      json_object_set_string_member (t, "label", parts[1]);
      json_object_set_boolean_member (t, "essential", g_str_equal (parts[2], "1"));
      json_array_add_object_element (array, t);
    }
  json_object_set_array_member (body, "tasks", array);
}

static void
add_roster (Demo  *d,
            gint64 at)
{
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonObject *b = add (d, admin (), at, CARE_EVENT_MEMBER_SET);

      json_object_set_string_member (b, "member", members[i].id);
      json_object_set_string_member (b, "name", members[i].name);
      json_object_set_string_member (b, "role", members[i].role);
      json_object_set_boolean_member (b, "active", TRUE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      JsonObject *b = add (d, admin (), at, CARE_EVENT_CLIENT_SET);

      json_object_set_string_member (b, "client", clients[i].id);
      json_object_set_string_member (b, "name", clients[i].name);
      json_object_set_string_member (b, "address", clients[i].address);
      json_object_set_boolean_member (b, "active", TRUE);
      b = add (d, admin (), at, CARE_EVENT_CAREPLAN_SET);
      json_object_set_string_member (b, "client", clients[i].id);
      add_tasks_member (b, clients[i].tasks);
    }
  for (guint c = 0; c < 3; c++)
    for (guint k = 0; k < 4; k++)
      {
        JsonObject *b = add (d, admin (), at, CARE_EVENT_ASSIGNMENT_SET);

        json_object_set_string_member (b, "client", clients[assigned[c][k]].id);
        json_object_set_string_member (b, "carer", members[c].id);
        json_object_set_boolean_member (b, "active", TRUE);
      }
}

static gint64
slot_time (Demo  *d,
           int    day,
           const Slot *slot)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (d->now / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, d->tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (d->tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);
  g_autoptr(GDateTime) date = g_date_time_add_days (midnight, day);
  g_autoptr(GDateTime) t = g_date_time_new (d->tz, g_date_time_get_year (date),
                                            g_date_time_get_month (date),
                                            g_date_time_get_day_of_month (date),
                                            slot->hour, slot->minute, 0);

  return g_date_time_to_unix (t) * 1000;
}

typedef struct
{
  int carer, client, day;
  const Slot *slot;
  char *schedule;
  gint64 start;
} Planned;

static void
add_schedule (Demo    *d,
              Planned *p,
              gboolean cancelled)
{
  JsonObject *b = add (d, admin (), p->start - 7 * 24 * 60 * MIN_MS, CARE_EVENT_SCHEDULE_SET);

  json_object_set_string_member (b, "schedule", p->schedule);
  json_object_set_string_member (b, "client", clients[p->client].id);
  json_object_set_string_member (b, "carer", members[p->carer].id);
  json_object_set_int_member (b, "start", p->start);
  json_object_set_int_member (b, "minutes", p->slot->minutes);
  json_object_set_string_member (b, "service", p->slot->service);
  if (cancelled)
    json_object_set_boolean_member (b, "cancelled", TRUE);
}

static JsonObject *
visit_event (Demo             *d,
             const DemoMember *who,
             gint64            at,
             CareEventType     type,
             const char       *visit)
{
  JsonObject *b = add (d, who, at, type);

  json_object_set_string_member (b, "visit", visit);
  return b;
}

static void
answer_tasks (Demo       *d,
              Planned    *p,
              const char *visit,
              gint64      at)
{
  g_auto(GStrv) tasks = g_strsplit (clients[p->client].tasks, ";", -1);
  const DemoMember *who = &members[p->carer];

  for (guint i = 0; tasks[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (tasks[i], "|", 3);
      gboolean essential = g_str_equal (parts[2], "1");
      gboolean done = essential || g_rand_int_range (d->rand, 0, 5) > 0;
      JsonObject *b = visit_event (d, who, at + i * MIN_MS, CARE_EVENT_TASK_ANSWERED, visit);

      json_object_set_string_member (b, "task", parts[0]);
      json_object_set_boolean_member (b, "done", done);
      if (!done)
        json_object_set_string_member (b, "reason", "Client said not today");
    }
}

static void
add_note (Demo       *d,
          Planned    *p,
          const char *visit,
          gint64      at,
          const char *category,
          const char *text)
{
  g_autofree char *note = care_id_new (at);
  JsonObject *b = visit_event (d, &members[p->carer], at, CARE_EVENT_NOTE_ADDED, visit);

  json_object_set_string_member (b, "note", note);
  json_object_set_string_member (b, "category", category);
  json_object_set_string_member (b, "text", text);
}

/* Returns the visit id. */
static char *
add_visit (Demo    *d,
           Planned *p,
           gint64   start,
           gint64   end)
{
  char *visit = care_id_new (start);
  const DemoMember *who = &members[p->carer];
  JsonObject *b = visit_event (d, who, start, CARE_EVENT_VISIT_STARTED, visit);

  json_object_set_string_member (b, "client", clients[p->client].id);
  json_object_set_string_member (b, "schedule", p->schedule);
  json_object_set_string_member (b, "service", p->slot->service);
  json_object_set_int_member (b, "at", start);
  answer_tasks (d, p, visit, start + 5 * MIN_MS);
  if (g_rand_int_range (d->rand, 0, 2) == 0)
    {
      guint n = g_rand_int_range (d->rand, 0, G_N_ELEMENTS (notes));

      add_note (d, p, visit, start + 15 * MIN_MS, notes[n][0], notes[n][1]);
    }
  if (end > 0)
    {
      b = visit_event (d, who, end, CARE_EVENT_VISIT_FINISHED, visit);
      json_object_set_int_member (b, "at", end);
    }
  return visit;
}

static void
add_amendment (Demo       *d,
               Planned    *p,
               const char *visit,
               gint64      old_end,
               gint64      new_end)
{
  JsonObject *b = visit_event (d, &members[p->carer], old_end + 40 * MIN_MS, CARE_EVENT_VISIT_AMENDED, visit);

  json_object_set_string_member (b, "field", "finished_at");
  json_object_set_int_member (b, "old", old_end);
  json_object_set_int_member (b, "new", new_end);
  json_object_set_string_member (b, "reason", "Forgot to check out before leaving; I left at the planned time.");
}

static void
add_review (Demo       *d,
            const char *visit,
            gint64      at,
            const char *action,
            const char *message)
{
  g_autofree char *review = care_id_new (at);
  JsonObject *b = visit_event (d, supervisor (), at, CARE_EVENT_REVIEW_ADDED, visit);

  json_object_set_string_member (b, "review", review);
  json_object_set_string_member (b, "action", action);
  if (message != NULL)
    json_object_set_string_member (b, "message", message);
}

/* The history of one past slot; special cases make the week look real. */
static void
add_history (Demo    *d,
             Planned *p)
{
  gint64 late = g_rand_int_range (d->rand, -5, 12) * MIN_MS;
  gint64 start = p->start + late;
  gint64 end = start + (p->slot->minutes + g_rand_int_range (d->rand, -3, 6)) * MIN_MS;
  gboolean first = p->slot == &slots[0];
  g_autofree char *visit = NULL;

  if (p->carer == 1 && p->day == -2 && p->slot == &slots[1])
    return; /* missed: nobody came */
  if (p->carer == 0 && p->day == -1 && p->slot == &slots[1])
    end = start + 12 * MIN_MS; /* short: queried below */
  if (p->carer == 2 && p->day == -3 && first)
    start += 25 * MIN_MS; /* a late start */
  if (end > d->now)
    end = 0; /* still in progress */
  visit = add_visit (d, p, start, end);
  if (p->carer == 0 && p->day == -2 && first && end > 0)
    add_amendment (d, p, visit, end, p->start + p->slot->minutes * MIN_MS);
  if (p->carer == 0 && p->day == -1 && first)
    add_note (d, p, visit, start + 20 * MIN_MS, "safeguarding",
              "Bruising on her left forearm. She said she fell against the door on Tuesday but "
              "seemed unsure. Photographed with consent and phoned the office.");
  if (p->carer == 0 && p->day == -1 && p->slot == &slots[1])
    add_review (d, visit, d->now - 3 * 60 * MIN_MS, "query",
                "This visit is recorded as 12 minutes of 30. Please check the check-out time.");
  else if (p->day <= -2 && end > 0 && g_rand_int_range (d->rand, 0, 3) > 0)
    add_review (d, visit, end + 20 * 60 * MIN_MS, "approve", NULL);
}

static void
add_hours (Demo       *d,
           int         day,
           const char *kind,
           int         minutes,
           const char *comment)
{
  gint64 at = slot_time (d, day, &slots[3]) + 60 * MIN_MS;
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (at / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (t, d->tz);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *entry = care_id_new (at);
  JsonObject *b = add (d, &members[0], at, CARE_EVENT_HOURS_ADDED);

  json_object_set_string_member (b, "entry", entry);
  json_object_set_string_member (b, "kind", kind);
  json_object_set_string_member (b, "date", date);
  json_object_set_int_member (b, "minutes", minutes);
  json_object_set_string_member (b, "comment", comment);
}

static void
add_week (Demo *d)
{
  for (int day = -3; day <= 3; day++)
    for (int c = 0; c < 3; c++)
      for (guint s = 0; s < G_N_ELEMENTS (slots); s++)
        {
          Planned p = { c, assigned[c][(s + day + 8) % 4], day, &slots[s], NULL, 0 };
          gboolean cancelled = c == 2 && day == -1 && s == 2;

          p.start = slot_time (d, day, p.slot);
          p.schedule = g_strdup_printf ("s-%s-%+d-%u", members[c].id + 2, day, s);
          add_schedule (d, &p, cancelled);
          if (!cancelled && p.start < d->now)
            add_history (d, &p);
          g_free (p.schedule);
        }
  add_hours (d, -1, "travel", 25, "Bus to Heptonstall, road closed");
  add_hours (d, -2, "training", 120, "Moving and handling refresher");
}

static int
by_hlc (gconstpointer a,
        gconstpointer b)
{
  const CareEvent *x = *(CareEvent **) a;
  const CareEvent *y = *(CareEvent **) b;

  return x->hlc < y->hlc ? -1 : x->hlc > y->hlc;
}

static gboolean
insert_all (Demo    *d,
            GError **error)
{
  g_autoptr(CareDirty) dirty = care_dirty_new ();
  gint64 acked = 0;

  g_ptr_array_sort (d->events, by_hlc);
  for (guint i = 0; i < d->events->len; i++)
    {
      CareEvent *e = d->events->pdata[i];
      gboolean own = g_str_equal (e->device, d->local->device);
      int sync = own && e->wall > d->local_cutoff ? SYNC_LOCAL : SYNC_SYNCED;
      gboolean inserted;

      e->seq = GPOINTER_TO_SIZE (g_hash_table_lookup (d->seqs, e->device)) + 1;
      g_hash_table_insert (d->seqs, e->device, GSIZE_TO_POINTER (e->seq));
      if (!care_event_validate (e, error)
          || !care_store_insert_event (d->store, e, sync, dirty, &inserted, error))
        return FALSE;
      if (sync == SYNC_SYNCED && g_str_equal (e->device, d->local->device))
        acked = MAX (acked, e->seq);
    }
  if (!care_store_derive_flush (d->store, dirty, error))
    return FALSE;
  if (acked > 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, acked);

      return care_store_set_meta (d->store, "acked_seq", text, error);
    }
  return TRUE;
}

static gboolean
populate_locked (Demo     *d,
                 CareRole  role,
                 GError  **error)
{
  d->local = role == CARE_ROLE_CARER ? &members[0] : role == CARE_ROLE_SUPERVISOR ? &members[3] : &members[4];
  add_roster (d, d->now - 30 * 24 * 60 * MIN_MS);
  add_week (d);
  if (!care_store_set_meta (d->store, "timezone", "Europe/London", error)
      || !care_store_set_meta (d->store, "coop_name", "Calder Valley Care Co-op", error)
      || !care_store_set_meta (d->store, "device", d->local->device, error)
      || !care_store_set_meta (d->store, "member", d->local->id, error)
      || !care_store_set_meta (d->store, "role", care_role_to_string (role), error)
      || !care_store_set_meta (d->store, "demo", "1", error))
    return FALSE;
  return insert_all (d, error);
}

gboolean
care_demo_populate (CareStore *store,
                    CareRole   role,
                    GError   **error)
{
  g_auto(Demo) d = { 0 };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  if (care_store_get_device (store) != NULL)
    return TRUE;
  if (care_role_to_string (role) == NULL)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_INVALID,
                   _("The demo profile can be a carer, a co-ordinator or an administrator."));
      return FALSE;
    }
  d.store = store;
  d.rand = g_rand_new_with_seed (20261123);
  d.tz = g_time_zone_new_identifier ("Europe/London");
  if (d.tz == NULL)
    d.tz = g_time_zone_new_utc ();
  d.events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  d.seqs = g_hash_table_new (g_str_hash, g_str_equal);
  d.now = care_store_now (store);
  d.local_cutoff = d.now - 12 * 60 * MIN_MS;
  if (!care_store_begin (store, error))
    return FALSE;
  if (!populate_locked (&d, role, error))
    {
      care_store_rollback (store);
      return FALSE;
    }
  if (!care_store_commit (store, error))
    return FALSE;
  /* Re-read the identity the transaction wrote. */
  return care_store_set_identity (store, d.local->device, d.local->id, role, error);
}
