/* test-authz.c: the authorisation matrix, roles × actions × own/other's,
 * against a real carelog-server. Every permission and every refusal is
 * checked.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "server-fixture.h"

enum { CARER, SUPERVISOR, ADMINISTRATOR, N_ROLES };

static const char *role_members[N_ROLES] = { "m-carer", "m-super", "m-admin" };

typedef struct
{
  const char *name;
  const char *type;
  const char *body;            /* %s: a fresh id */
  const char *author;          /* NULL: the device's own member */
  gboolean allowed[N_ROLES];
} PushCase;

/* v-c2 is a visit to client c-2 started by m-carer2; c-1 is assigned to
 * m-carer, c-2 is not. */
static const PushCase push_cases[] = {
  { "start a visit, own client", "visit.started",
    "{\"visit\":\"v-%s\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":1763900000000}", NULL,
    { TRUE, TRUE, TRUE } },
  { "start a visit, other's client", "visit.started",
    "{\"visit\":\"v-%s\",\"client\":\"c-2\",\"service\":\"personal-care\",\"at\":1763900000000}", NULL,
    { FALSE, TRUE, TRUE } },
  { "note on other's client's visit", "note.added",
    "{\"visit\":\"v-c2\",\"note\":\"n-%s\",\"category\":\"wellbeing\",\"text\":\"Fine.\"}", NULL,
    { FALSE, TRUE, TRUE } },
  { "amend other's client's visit", "visit.amended",
    "{\"visit\":\"v-c2\",\"field\":\"finished_at\",\"old\":1763900000000,\"new\":1763900600000,\"reason\":\"x %s\"}", NULL,
    { FALSE, TRUE, TRUE } },
  { "record as another member", "hours.added",
    "{\"entry\":\"h-%s\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":20}", "m-carer2",
    { FALSE, FALSE, FALSE } },
  { "own hours", "hours.added",
    "{\"entry\":\"h-%s\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":20}", NULL,
    { TRUE, TRUE, TRUE } },
  { "review a visit", "review.added",
    "{\"review\":\"r-%s\",\"action\":\"approve\",\"visit\":\"v-c2\"}", NULL,
    { FALSE, TRUE, FALSE } },
  { "roster: member.set", "member.set",
    "{\"member\":\"m-%s\",\"name\":\"Eve\",\"role\":\"supervisor\",\"active\":true}", NULL,
    { FALSE, FALSE, FALSE } },
  { "roster: client.set", "client.set",
    "{\"client\":\"c-%s\",\"name\":\"X\",\"address\":\"Y\",\"active\":true}", NULL,
    { FALSE, FALSE, FALSE } },
  { "roster: careplan.set", "careplan.set",
    "{\"client\":\"c-1\",\"tasks\":[{\"task\":\"t-%s\",\"label\":\"X\",\"essential\":false}]}", NULL,
    { FALSE, FALSE, FALSE } },
  { "roster: assignment.set", "assignment.set",
    "{\"client\":\"c-2\",\"carer\":\"m-carer\",\"active\":true}", NULL,
    { FALSE, FALSE, FALSE } },
  { "roster: schedule.set", "schedule.set",
    "{\"schedule\":\"s-%s\",\"client\":\"c-1\",\"carer\":\"m-carer\",\"start\":1763900000000,\"minutes\":30,\"service\":\"x\"}", NULL,
    { FALSE, FALSE, FALSE } },
};

static gboolean
has (GPtrArray  *records,
     const char *type,
     const char *member,
     const char *value)
{
  for (guint i = 0; i < records->len; i++)
    {
      CareEvent *e = g_ptr_array_index (records, i);

      if (g_str_equal (care_event_type_to_string (e->type), type)
          && g_strcmp0 (json_object_get_string_member_with_default (e->body, member, NULL), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_matrix (void)
{
  ServerFixture f;
  TestDevice *devices[N_ROLES];
  TestDevice *carer2;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) setup = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) review = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(CarePushResult) r0 = NULL;
  g_autoptr(CarePushResult) rr = NULL;
  g_autoptr(GPtrArray) carer_view = NULL;
  g_autoptr(GPtrArray) super_view = NULL;
  g_autoptr(GPtrArray) admin_view = NULL;
  guint checked = 0;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  for (int role = 0; role < N_ROLES; role++)
    devices[role] = device_enrol (&f, role_members[role]);
  carer2 = device_enrol (&f, "m-carer2");
  g_ptr_array_add (setup, device_event (carer2, "visit.started",
                                        "{\"visit\":\"v-c2\",\"client\":\"c-2\",\"service\":\"personal-care\",\"at\":1763900000000}"));
  g_ptr_array_add (setup, device_event (carer2, "note.added",
                                        "{\"visit\":\"v-c2\",\"note\":\"n-c2\",\"category\":\"safeguarding\",\"text\":\"Bruises on the arm.\"}"));
  r0 = sync_push (carer2->client, setup, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (r0->items, 1))->status, ==, CARE_PUSH_ACCEPTED);

  for (guint c = 0; c < G_N_ELEMENTS (push_cases); c++)
    for (int role = 0; role < N_ROLES; role++)
      {
        const PushCase *pc = &push_cases[c];
        TestDevice *d = devices[role];
        g_autofree char *uid = g_uuid_string_random ();
        g_auto(GStrv) parts = g_strsplit (pc->body, "%s", -1);
        g_autofree char *body = g_strjoinv (uid, parts);
        g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
        g_autoptr(CarePushResult) r = NULL;
        CareEvent *e = device_event (d, pc->type, body);
        CarePushItem *item;

        if (pc->author != NULL)
          {
            g_free (e->author);
            e->author = g_strdup (pc->author);
          }
        g_ptr_array_add (events, e);
        r = sync_push (d->client, events, &error);
        g_assert_no_error (error);
        g_assert_cmpint (r->acked_seq, ==, e->seq);    /* allowed or not, the seq is consumed */
        item = g_ptr_array_index (r->items, 0);
        g_test_message ("%-32s %-13s %s%s%s", pc->name, role_members[role],
                        item->status == CARE_PUSH_ACCEPTED ? "accepted" : "refused",
                        item->reason ? ": " : "", item->reason ? item->reason : "");
        g_assert_cmpint (item->status, ==, pc->allowed[role] ? CARE_PUSH_ACCEPTED : CARE_PUSH_REJECTED);
        if (!pc->allowed[role])
          g_assert_cmpuint (strlen (item->reason), >, 20);
        checked++;
      }

  /* A review of m-carer's own visit flows back to m-carer only. */
  {
    g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
    g_autoptr(CarePushResult) ro = NULL;

    g_ptr_array_add (own, device_event (devices[CARER], "visit.started",
                                        "{\"visit\":\"v-own\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":1763900000000}"));
    ro = sync_push (devices[CARER]->client, own, &error);
    g_assert_no_error (error);
  }
  g_ptr_array_add (review, device_event (devices[SUPERVISOR], "review.added",
                                         "{\"review\":\"r-own\",\"action\":\"query\",\"visit\":\"v-own\",\"message\":\"Please check the end time.\"}"));
  rr = sync_push (devices[SUPERVISOR]->client, review, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((CarePushItem *) g_ptr_array_index (rr->items, 0))->status, ==, CARE_PUSH_ACCEPTED);

  /* Pull scopes. The carer's view is seen from her second tablet: a device
   * is never sent its own records (no echo), her other devices are. */
  {
    TestDevice *second = device_enrol (&f, "m-carer");
    g_autoptr(GPtrArray) first_view = pull_all (devices[CARER]->client, devices[CARER]->next_seq - 1, &error);

    g_assert_no_error (error);
    g_assert_false (has (first_view, "visit.started", "visit", "v-own"));
    g_assert_true (has (first_view, "review.added", "review", "r-own"));
    for (guint i = 0; i < first_view->len; i++)
      g_assert_cmpstr (((CareEvent *) g_ptr_array_index (first_view, i))->device, !=, devices[CARER]->device);
    carer_view = pull_all (second->client, 0, &error);
    g_assert_no_error (error);
    device_free (second);
  }
  super_view = pull_all (devices[SUPERVISOR]->client, devices[SUPERVISOR]->next_seq - 1, &error);
  g_assert_no_error (error);
  admin_view = pull_all (devices[ADMINISTRATOR]->client, devices[ADMINISTRATOR]->next_seq - 1, &error);
  g_assert_no_error (error);

  /* carer: names of everyone, own clients' roster and care plans, own
   * records and reviews of them; nothing of c-2 or of other carers. */
  g_assert_true (has (carer_view, "member.set", "member", "m-carer2"));
  g_assert_true (has (carer_view, "client.set", "client", "c-1"));
  g_assert_true (has (carer_view, "careplan.set", "client", "c-1"));
  g_assert_true (has (carer_view, "assignment.set", "client", "c-1"));
  g_assert_true (has (carer_view, "visit.started", "visit", "v-own"));
  g_assert_true (has (carer_view, "review.added", "review", "r-own"));
  g_assert_false (has (carer_view, "client.set", "client", "c-2"));
  g_assert_false (has (carer_view, "careplan.set", "client", "c-2"));
  g_assert_false (has (carer_view, "assignment.set", "client", "c-2"));
  g_assert_false (has (carer_view, "visit.started", "visit", "v-c2"));
  g_assert_false (has (carer_view, "note.added", "note", "n-c2"));
  for (guint i = 0; i < carer_view->len; i++)
    {
      CareEvent *e = g_ptr_array_index (carer_view, i);

      if (e->type == CARE_EVENT_REVIEW_ADDED)
        g_assert_cmpstr (json_object_get_string_member (e->body, "review"), ==, "r-own");
      if (!care_event_type_is_roster (e->type) && e->type != CARE_EVENT_REVIEW_ADDED)
        g_assert_cmpstr (e->author, ==, "m-carer");
    }
  checked += 12;

  /* supervisor and administrator: the whole co-op. */
  for (int i = 0; i < 2; i++)
    {
      GPtrArray *view = i == 0 ? super_view : admin_view;

      g_assert_true (has (view, "client.set", "client", "c-2"));
      g_assert_true (has (view, "visit.started", "visit", "v-c2"));
      g_assert_true (has (view, "note.added", "note", "n-c2"));
      g_assert_true (has (view, "visit.started", "visit", "v-own"));
      /* The supervisor wrote it: her own device is not sent it back. */
      g_assert_true (has (view, "review.added", "review", "r-own") == (i == 1));
      checked += 5;
    }
  g_test_message ("%u authorisation checks", checked);

  for (int role = 0; role < N_ROLES; role++)
    device_free (devices[role]);
  device_free (carer2);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/authz/matrix", test_matrix);
  return g_test_run ();
}
