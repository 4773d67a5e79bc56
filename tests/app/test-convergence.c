/* test-convergence.c: the same set of events, in any order, with
 * duplicates, gives the same derived state.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three carers' tablets and a supervisor's desk work offline on real
 * stores, through the public API (so the rules decide what gets recorded),
 * and now and then exchange some of their records. Then the union of every
 * record is applied to fresh stores in random orders, in random pages, with
 * records repeated, and to each original store; a canonical dump of every
 * derived table must be identical everywhere.
 */
#include "care-config.h"

#include "care-store-private.h"
#include "test-util.h"

#define MIN_MS G_GINT64_CONSTANT (60000)
#define T0 G_GINT64_CONSTANT (1795082400000)
#define N_DEVICES 4

typedef struct
{
  CareStore *store;
  TestClock clock;
  GPtrArray *visits;  /* ids this device knows of */
  GPtrArray *notes;
} Device;

static const char *
pick (GPtrArray *ids)
{
  return ids->len ? ids->pdata[g_test_rand_int_range (0, ids->len)] : "none";
}

static GPtrArray *
roster (void)
{
  TestDevice coop = { "coop", "admin", 0, 0 };
  GPtrArray *page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  for (int c = 0; c < 3; c++)
    {
      g_ptr_array_add (page, test_device_event (&coop, T0 - 86400000, "client.set",
                                                "{\"client\":\"c%d\",\"name\":\"Client %d\",\"address\":\"%d Mill Lane\",\"active\":true}", c, c, c));
      g_ptr_array_add (page, test_device_event (&coop, T0 - 86400000, "careplan.set",
                                                "{\"client\":\"c%d\",\"tasks\":[{\"task\":\"t1\",\"label\":\"Meds\",\"essential\":%s},"
                                                "{\"task\":\"t2\",\"label\":\"Lunch\",\"essential\":false}]}", c, c ? "true" : "false"));
    }
  for (int s = 0; s < 6; s++)
    g_ptr_array_add (page, test_device_event (&coop, T0 - 86400000, "schedule.set",
                                              "{\"schedule\":\"s%d\",\"client\":\"c%d\",\"carer\":\"member-d%d\",\"start\":%"
                                              G_GINT64_FORMAT ",\"minutes\":45,\"service\":\"home care\"}",
                                              s, s % 3, s % 3, T0 + s * 30 * MIN_MS));
  return page;
}

static void
sync_some (Device *from,
           Device *to)
{
  g_autoptr(GPtrArray) all = care_store_list_all_events (from->store, NULL);
  g_autoptr(GPtrArray) page = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    if (g_test_rand_int_range (0, 3) > 0)
      {
        CareEvent *e = all->pdata[i];
        const char *visit = json_object_get_string_member_with_default (e->body, "visit", NULL);

        g_ptr_array_add (page, e);
        if (e->type == CARE_EVENT_VISIT_STARTED)
          g_ptr_array_add (to->visits, g_strdup (visit));
        if (e->type == CARE_EVENT_NOTE_ADDED)
          g_ptr_array_add (to->notes, g_strdup (json_object_get_string_member (e->body, "note")));
      }
  g_assert_true (care_store_apply_page (to->store, page, NULL, NULL));
}

static void
random_action (Device  *d,
               Device  *devices)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT, d->clock.now - g_test_rand_int_range (0, 60) * MIN_MS);
  char client[8], schedule[8];

  g_snprintf (client, sizeof client, "c%d", g_test_rand_int_range (0, 3));
  g_snprintf (schedule, sizeof schedule, "s%d", g_test_rand_int_range (0, 6));
  d->clock.now += g_test_rand_int_range (0, 10 * 60 * 1000);
  switch (g_test_rand_int_range (0, 12))
    {
    case 0:
    case 1:
      id = care_store_check_in (d->store, client, g_test_rand_bit () ? schedule : NULL, NULL, NULL, &error);
      if (id != NULL)
        g_ptr_array_add (d->visits, g_steal_pointer (&id));
      break;
    case 2:
      care_store_answer_task (d->store, pick (d->visits), g_test_rand_bit () ? "t1" : "t2",
                              g_test_rand_bit (), "declined", &error);
      break;
    case 3:
      id = care_store_add_note (d->store, pick (d->visits), g_test_rand_bit () ? "safeguarding" : "nutrition",
                                g_test_rand_bit () ? "Ate soup and bread" : "Bruise on left arm", &error);
      if (id != NULL)
        g_ptr_array_add (d->notes, g_steal_pointer (&id));
      break;
    case 4:
    case 5:
      care_store_check_out (d->store, pick (d->visits), &error);
      break;
    case 6:
      care_store_amend_visit (d->store, pick (d->visits), g_test_rand_bit () ? "finished_at" : "started_at",
                              when, "corrected", &error);
      break;
    case 7:
      care_store_amend_note (d->store, pick (d->notes), "Ate toast", "wrong food", &error);
      break;
    case 8:
      care_store_retract_note (d->store, pick (d->notes), "wrong client", &error);
      break;
    case 9:
      care_store_cancel_visit (d->store, g_test_rand_bit () ? pick (d->visits) : NULL, schedule, "ill", &error);
      break;
    case 10:
      id = care_store_add_review (d->store, g_test_rand_bit () ? "query" : "approve", pick (d->visits),
                                  NULL, NULL, "Please check", &error);
      break;
    default:
      sync_some (&devices[g_test_rand_int_range (0, N_DEVICES)], d);
      break;
    }
}

static char *
dump (CareStore *store)
{
  g_autoptr(GError) error = NULL;
  char *text = care_store_dump_derived (store, &error);

  g_assert_no_error (error);
  return text;
}

static char *
apply_shuffled (const char *dir,
                int         trial,
                GPtrArray  *all)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autofree char *name = g_strdup_printf ("%s/trial-%d.db", dir, trial);
  g_autoptr(CareStore) store = care_store_open (name, NULL);
  guint i = 0;

  for (guint k = 0; k < all->len; k++)
    {
      g_ptr_array_add (order, all->pdata[k]);
      if (g_test_rand_int_range (0, 5) == 0)
        g_ptr_array_add (order, all->pdata[g_test_rand_int_range (0, all->len)]);
    }
  for (guint k = order->len; k > 1; k--)
    {
      guint j = g_test_rand_int_range (0, k);
      gpointer t = order->pdata[k - 1];

      order->pdata[k - 1] = order->pdata[j];
      order->pdata[j] = t;
    }
  while (i < order->len)
    {
      guint n = g_test_rand_int_range (1, 40);
      g_autoptr(GPtrArray) page = g_ptr_array_new ();

      n = MIN (n, order->len - i);
      for (guint k = 0; k < n; k++)
        g_ptr_array_add (page, order->pdata[i + k]);
      g_assert_true (care_store_apply_page (store, page, "c", NULL));
      if (g_test_rand_int_range (0, 4) == 0)
        g_assert_true (care_store_apply_page (store, page, "c", NULL));
      i += n;
    }
  return dump (store);
}

static GPtrArray *
union_of (Device *devices)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  for (int k = 0; k < N_DEVICES; k++)
    {
      g_autoptr(GPtrArray) events = care_store_list_all_events (devices[k].store, NULL);

      for (guint i = 0; i < events->len; i++)
        {
          CareEvent *e = events->pdata[i];

          if (!g_hash_table_contains (seen, e->id))
            {
              g_ptr_array_add (all, care_event_copy (e));
              g_hash_table_add (seen, ((CareEvent *) all->pdata[all->len - 1])->id);
            }
        }
    }
  return all;
}

static void
run_round (const char *dir,
           int         round)
{
  Device devices[N_DEVICES] = { 0 };
  g_autoptr(GPtrArray) start = roster ();
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *reference = NULL;
  guint64 visits = 0;

  for (int k = 0; k < N_DEVICES; k++)
    {
      g_autofree char *name = g_strdup_printf ("r%d-d%d", round, k);

      devices[k].clock.now = T0 + g_test_rand_int_range (-10, 10) * MIN_MS;
      devices[k].store = test_store_open (dir, name, k == 3 ? CARE_ROLE_SUPERVISOR : CARE_ROLE_CARER,
                                          &devices[k].clock);
      devices[k].visits = g_ptr_array_new_with_free_func (g_free);
      devices[k].notes = g_ptr_array_new_with_free_func (g_free);
      g_assert_true (care_store_apply_page (devices[k].store, start, NULL, NULL));
    }
  for (int step = 0; step < 400; step++)
    random_action (&devices[g_test_rand_int_range (0, N_DEVICES)], devices);
  all = union_of (devices);
  for (int t = 0; t < 4; t++)
    {
      g_autofree char *got = apply_shuffled (dir, round * 10 + t, all);

      if (reference == NULL)
        reference = g_steal_pointer (&got);
      else
        g_assert_cmpstr (got, ==, reference);
    }
  for (int k = 0; k < N_DEVICES; k++)
    {
      g_autofree char *got = NULL;

      g_assert_true (care_store_apply_page (devices[k].store, all, NULL, NULL));
      got = dump (devices[k].store);
      g_assert_cmpstr (got, ==, reference);
      visits += devices[k].visits->len;
      g_ptr_array_unref (devices[k].visits);
      g_ptr_array_unref (devices[k].notes);
      g_object_unref (devices[k].store);
    }
  g_test_message ("round %d: %u events, %" G_GUINT64_FORMAT " visits known, dump %zu bytes",
                  round, all->len, visits, strlen (reference));
  g_assert_cmpuint (all->len, >, 80);
}

static void
test_convergence (void)
{
  char *dir = test_dir_new ();

  for (int round = 0; round < 3; round++)
    run_round (dir, round);
  test_dir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_handler (NULL, G_LOG_LEVEL_MESSAGE, g_log_default_handler, NULL);
  g_test_add_func ("/app/store/convergence", test_convergence);
  return g_test_run ();
}
