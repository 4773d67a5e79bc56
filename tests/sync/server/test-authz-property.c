/* test-authz-property.c: a property of the co-op server. Whatever an enrolled,
 * hostile carer's tablet pushes (random record types, aimed at another
 * carer's visits, notes, hours, reviews and rota, with random field
 * values, duplicated and reused ids), what the supervisor sees of anyone
 * else's visits, hours and rota does not change.
 *
 * Seeded: CARELOG_PROPERTY_SEED=N replays a run, CARELOG_PROPERTY_STEPS=N
 * sets its length (default 600 records).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "server-fixture.h"

/* The victim's things (m-carer2), and the hostile carer's own. */
static const char *victim_ids[] = { "v-b1", "v-b2", "n-b1", "n-b2", "h-b1", "r-b1", "r-b2", "s-b1" };
static const char *own_ids[] = { "v-a1", "n-a1", "h-a1" };
static const char *types[] = {
  "visit.started", "task.answered", "note.added", "visit.finished", "visit.amended", "note.amended",
  "note.retracted", "visit.cancelled", "query.answered", "hours.added", "review.added", "member.set",
  "assignment.set", "schedule.set",
};

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static int
by_text (gconstpointer a,
         gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A string of everything the supervisor receives that concerns anyone but
 * the hostile member: every record not authored by it, and every record
 * (whoever wrote it) about one of the victim's things. */
static char *
others_view (TestDevice *super,
             const char *hostile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pull_all (super->client, super->next_seq - 1, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = g_ptr_array_index (all, i);
      g_autoptr(JsonNode) node = care_event_to_json (e);
      g_autofree char *text = json_to_string (node, FALSE);
      /* About one of the victim's visits, hours entries, reviews, or a
       * scheduled visit on her rota (an id of one kind reused as another
       * kind, a visit named like her hours entry, touches nothing of hers). */
      const char *visit = json_object_get_string_member_with_default (e->body, "visit", NULL);
      const char *entry = json_object_get_string_member_with_default (e->body, "entry", NULL);
      const char *schedule = json_object_get_string_member_with_default (e->body, "schedule", NULL);
      const char *review = json_object_get_string_member_with_default (e->body, "review", NULL);
      gboolean names_victim = g_strcmp0 (visit, "v-b1") == 0 || g_strcmp0 (visit, "v-b2") == 0
                              || g_strcmp0 (entry, "h-b1") == 0 || g_strcmp0 (schedule, "s-b1") == 0
                              || g_strcmp0 (review, "r-b1") == 0 || g_strcmp0 (review, "r-b2") == 0;
      if (g_strcmp0 (e->author, hostile) != 0 || names_victim)
        g_ptr_array_add (lines, g_steal_pointer (&text));
    }
  g_ptr_array_sort (lines, by_text);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) lines->pdata[i]);
  return g_string_free (out, FALSE);
}

static const char *
pick (GRand       *rng,
      const char **list,
      guint        n)
{
  return list[g_rand_int_range (rng, 0, n)];
}

/* An id: mostly the victim's, sometimes the hostile carer's own, sometimes
 * new. */
static const char *
some_id (GRand *rng,
         char   buf[32])
{
  switch (g_rand_int_range (rng, 0, 6))
    {
    case 0:
    case 1:
    case 2:
      return pick (rng, victim_ids, G_N_ELEMENTS (victim_ids));
    case 3:
      return pick (rng, own_ids, G_N_ELEMENTS (own_ids));
    default:
      g_snprintf (buf, 32, "x-%u", g_rand_int (rng));
      return buf;
    }
}

static gint64
some_time (GRand *rng)
{
  static const gint64 offsets[] = { -7200000, -600000, 0, 600000, -86400000 };

  return now_ms () + offsets[g_rand_int_range (rng, 0, G_N_ELEMENTS (offsets))];
}

/* A record body of type, each field drawn at random. */
static char *
random_body (GRand      *rng,
             const char *type)
{
  char a[32], b[32];
  const char *clients[] = { "c-1", "c-2", "c-3" };
  const char *fields[] = { "started_at", "finished_at", "service" };
  const char *client = pick (rng, clients, G_N_ELEMENTS (clients));

  if (g_str_equal (type, "visit.started"))
    return g_rand_boolean (rng)
      ? g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"%s\",\"service\":\"respite\",\"at\":%" G_GINT64_FORMAT "}",
                         some_id (rng, a), client, some_time (rng))
      : g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"%s\",\"service\":\"respite\",\"at\":%" G_GINT64_FORMAT
                         ",\"schedule\":\"%s\"}", some_id (rng, a), client, some_time (rng), some_id (rng, b));
  if (g_str_equal (type, "task.answered"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"task\":\"t-1\",\"done\":%s,\"reason\":\"No.\"}", some_id (rng, a),
                            g_rand_boolean (rng) ? "true" : "false");
  if (g_str_equal (type, "note.added"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"%s\",\"category\":\"safeguarding\",\"text\":\"Invented.\"}",
                            some_id (rng, a), some_id (rng, b));
  if (g_str_equal (type, "visit.finished"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"at\":%" G_GINT64_FORMAT "}", some_id (rng, a), some_time (rng));
  if (g_str_equal (type, "visit.amended"))
    {
      const char *field = pick (rng, fields, G_N_ELEMENTS (fields));

      if (g_str_equal (field, "service"))
        return g_strdup_printf ("{\"visit\":\"%s\",\"field\":\"service\",\"old\":\"personal-care\",\"new\":\"none\","
                                "\"reason\":\"Because.\"}", some_id (rng, a));
      return g_strdup_printf ("{\"visit\":\"%s\",\"field\":\"%s\",\"old\":1,\"new\":%" G_GINT64_FORMAT
                              ",\"reason\":\"Because.\"}", some_id (rng, a), field, some_time (rng));
    }
  if (g_str_equal (type, "note.amended"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"%s\",\"old\":\"x\",\"new\":\"Changed.\",\"reason\":\"Because.\"}",
                            some_id (rng, a), some_id (rng, b));
  if (g_str_equal (type, "note.retracted"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"%s\",\"reason\":\"Because.\"}", some_id (rng, a), some_id (rng, b));
  if (g_str_equal (type, "visit.cancelled"))
    return g_rand_boolean (rng)
      ? g_strdup_printf ("{\"visit\":\"%s\",\"reason\":\"Because.\"}", some_id (rng, a))
      : g_strdup_printf ("{\"schedule\":\"%s\",\"reason\":\"Because.\"}", some_id (rng, a));
  if (g_str_equal (type, "query.answered"))
    return g_rand_boolean (rng)
      ? g_strdup_printf ("{\"review\":\"%s\",\"visit\":\"%s\",\"message\":\"Fine.\"}", some_id (rng, a), some_id (rng, b))
      : g_strdup_printf ("{\"review\":\"%s\",\"message\":\"Fine.\"}", some_id (rng, a));
  if (g_str_equal (type, "hours.added"))
    return g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":600}",
                            some_id (rng, a));
  if (g_str_equal (type, "review.added"))
    return g_strdup_printf ("{\"review\":\"%s\",\"action\":\"approve\",\"visit\":\"%s\"}", some_id (rng, a), some_id (rng, b));
  if (g_str_equal (type, "member.set"))
    return g_strdup ("{\"member\":\"m-carer2\",\"name\":\"Mallory\",\"role\":\"carer\",\"active\":false}");
  if (g_str_equal (type, "assignment.set"))
    return g_strdup_printf ("{\"client\":\"%s\",\"carer\":\"m-carer\",\"active\":true}", client);
  if (g_str_equal (type, "schedule.set"))
    return g_strdup_printf ("{\"schedule\":\"s-b1\",\"client\":\"c-2\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT
                            ",\"minutes\":30,\"service\":\"x\"}", now_ms ());
  g_assert_not_reached ();
}

static void
test_hostile_tablet (void)
{
  ServerFixture f;
  TestDevice *hostile, *victim, *super;
  const char *seed_env = g_getenv ("CARELOG_PROPERTY_SEED");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  guint steps = g_getenv ("CARELOG_PROPERTY_STEPS") ? atoi (g_getenv ("CARELOG_PROPERTY_STEPS")) : 600;
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) setup = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) review = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *before = NULL, *after = NULL;
  const char *fast[] = { "--rate", "100000", "--burst", "100000", NULL };
  gint64 t = now_ms () - 7200000;
  guint accepted = 0, refused = 0;
  g_autofree char *body = NULL;

  g_test_message ("seed %u (CARELOG_PROPERTY_SEED=%u replays this run)", seed, seed);
  fixture_setup (&f);
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-1", "m-carer2", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-b1", "--client", "c-2", "--carer", "m-carer2",
                         "--start", "2030-01-07T09:00", "--minutes", "30", "--service", "personal-care", NULL));
  fixture_start (&f, fast, NULL);
  hostile = device_enrol (&f, "m-carer");
  victim = device_enrol (&f, "m-carer2");
  super = device_enrol (&f, "m-super");

  /* The victim's history: a finished visit at the shared client with a
   * note and a task, a visit at her own client with a note, hours. */
  body = g_strdup_printf ("{\"visit\":\"v-b1\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}", t);
  g_ptr_array_add (setup, device_event (victim, "visit.started", body));
  g_ptr_array_add (setup, device_event (victim, "task.answered", "{\"visit\":\"v-b1\",\"task\":\"t-1\",\"done\":true}"));
  g_ptr_array_add (setup, device_event (victim, "note.added",
                                        "{\"visit\":\"v-b1\",\"note\":\"n-b1\",\"category\":\"wellbeing\",\"text\":\"Cheerful.\"}"));
  g_free (body);
  body = g_strdup_printf ("{\"visit\":\"v-b1\",\"at\":%" G_GINT64_FORMAT "}", t + 1800000);
  g_ptr_array_add (setup, device_event (victim, "visit.finished", body));
  g_free (body);
  body = g_strdup_printf ("{\"visit\":\"v-b2\",\"client\":\"c-2\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}", t + 3600000);
  g_ptr_array_add (setup, device_event (victim, "visit.started", body));
  g_ptr_array_add (setup, device_event (victim, "note.added",
                                        "{\"visit\":\"v-b2\",\"note\":\"n-b2\",\"category\":\"nutrition\",\"text\":\"Ate well.\"}"));
  g_ptr_array_add (setup, device_event (victim, "hours.added",
                                        "{\"entry\":\"h-b1\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":20}"));
  push_accepted (victim, setup);
  g_ptr_array_add (review, device_event (super, "review.added",
                                         "{\"review\":\"r-b1\",\"action\":\"query\",\"visit\":\"v-b1\",\"message\":\"End time?\"}"));
  g_ptr_array_add (review, device_event (super, "review.added",
                                         "{\"review\":\"r-b2\",\"action\":\"query\",\"carer\":\"m-carer2\",\"week\":\"2026-W48\",\"message\":\"Travel?\"}"));
  push_accepted (super, review);
  before = others_view (super, "m-carer");

  /* The hostile tablet: its own visit first (so that some of its records
   * are about something it may write), then random records in batches. */
  {
    g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
    g_autofree char *own_body = g_strdup_printf ("{\"visit\":\"v-a1\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%"
                                                 G_GINT64_FORMAT "}", t);

    g_ptr_array_add (own, device_event (hostile, "visit.started", own_body));
    push_accepted (hostile, own);
  }
  for (guint done = 0; done < steps;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
      g_autoptr(CarePushResult) r = NULL;
      g_autoptr(GError) error = NULL;
      guint n = g_rand_int_range (rng, 1, 20);

      for (guint i = 0; i < n; i++, done++)
        {
          const char *type = pick (rng, types, G_N_ELEMENTS (types));
          g_autofree char *b = random_body (rng, type);
          CareEvent *e = device_event (hostile, type, b);

          /* Now and then: reuse an id the victim's records have, or lie
           * about the author. */
          if (g_rand_int_range (rng, 0, 10) == 0)
            {
              CareEvent *v = g_ptr_array_index (setup, g_rand_int_range (rng, 0, setup->len));

              g_free (e->id);
              e->id = g_strdup (v->id);
            }
          if (g_rand_int_range (rng, 0, 15) == 0)
            {
              g_free (e->author);
              e->author = g_strdup ("m-carer2");
            }
          g_ptr_array_add (batch, e);
        }
      r = sync_push (hostile->client, batch, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < r->items->len; i++)
        if (((CarePushItem *) g_ptr_array_index (r->items, i))->status == CARE_PUSH_ACCEPTED)
          accepted++;
        else
          refused++;
    }
  after = others_view (super, "m-carer");
  g_test_message ("%u hostile records accepted (about its own things), %u refused", accepted, refused);
  if (g_strcmp0 (before, after) != 0)
    g_error ("seed %u: the supervisor's view of others changed:\nbefore:\n%s\nafter:\n%s", seed, before, after);
  g_assert_cmpuint (refused, >, 0);

  device_free (hostile);
  device_free (victim);
  device_free (super);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/authz/property/others-unchanged", test_hostile_tablet);
  return g_test_run ();
}
