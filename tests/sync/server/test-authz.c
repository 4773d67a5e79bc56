/* test-authz.c: the authorisation matrix, every role × every record type ×
 * (own visit, a co-carer's visit at a shared client, a visit at a client
 * nobody is assigned to, another carer's visit id), through a real
 * carelog-server on loopback. The family role (a member of c-1's family
 * circle) meets the same targets: m-carer's and m-carer2's visits at c-1
 * (its client), a visit at c-3 and m-carer2's at c-2 (not its clients). Every cell's outcome is asserted, and what
 * the supervisor then sees is checked against what was accepted.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "server-fixture.h"

enum { CARER, SUPERVISOR, ADMINISTRATOR, FAMILY, N_ROLES };
enum { OWN, COCARER, UNASSIGNED, OTHER_ID, N_TARGETS };

static const char *role_members[N_ROLES] = { "m-carer", "m-super", "m-admin", "m-family" };
static const char *target_names[N_TARGETS] = { "own visit", "co-carer's visit", "unassigned client",
                                               "other carer's visit id" };

typedef enum { ACCEPT, FORBIDDEN, CONFLICT } Outcome;

static const char *outcome_codes[] = { NULL, "forbidden", "conflict" };

static const char *record_types[] = {
  "visit.started", "task.answered", "note.added", "visit.finished", "visit.amended", "note.amended",
  "note.retracted", "visit.cancelled", "query.answered", "review.added", "hours.added",
  "member.set", "client.set", "careplan.set", "assignment.set", "schedule.set",
  "circle.set", "visit.verified", "dispute.answered", "message.sent",
};

typedef struct
{
  ServerFixture f;
  TestDevice *devices[N_ROLES];
  TestDevice *carer2;
  guint n;
} Matrix;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* A visit started by starter at client, with a note of the starter's and,
 * from the supervisor, a query about it. Returns the visit id. */
static char *
make_visit (Matrix     *m,
            TestDevice *starter,
            const char *client)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GPtrArray) review = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *uid = g_uuid_string_random ();
  char *visit = g_strdup_printf ("v-%s", uid);
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"%s\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}",
                          visit, client, now_ms () - 3600000);
  g_ptr_array_add (events, device_event (starter, "visit.started", body));
  g_free (body);
  body = g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"n-%s\",\"category\":\"wellbeing\",\"text\":\"Fine.\"}",
                          visit, visit);
  g_ptr_array_add (events, device_event (starter, "note.added", body));
  g_free (body);
  /* The client said at the door that something was not right. */
  body = g_strdup_printf ("{\"visit\":\"%s\",\"outcome\":\"disputed\",\"by\":\"client\",\"text\":\"She left early.\"}",
                          visit);
  g_ptr_array_add (events, device_event (starter, "visit.verified", body));
  push_accepted (starter, events);
  g_free (body);
  body = g_strdup_printf ("{\"review\":\"r-%s\",\"action\":\"query\",\"visit\":\"%s\",\"message\":\"Check the end time.\"}",
                          visit, visit);
  g_ptr_array_add (review, device_event (m->devices[SUPERVISOR], "review.added", body));
  push_accepted (m->devices[SUPERVISOR], review);
  return visit;
}

/* The record of type the writer sends about visit (or, for visit.started,
 * the visit it starts). */
static char *
record_body (const char *type,
             const char *visit,
             const char *client,
             const char *uid,
             gboolean    family)
{
  gint64 now = now_ms ();

  if (g_str_equal (type, "visit.started"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"client\":\"%s\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT "}",
                            visit, client, now - 60000);
  if (g_str_equal (type, "task.answered"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"task\":\"t-1\",\"done\":true}", visit);
  if (g_str_equal (type, "note.added"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"n-%s\",\"category\":\"incident\",\"text\":\"A fall.\"}", visit, uid);
  if (g_str_equal (type, "visit.finished"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"at\":%" G_GINT64_FORMAT "}", visit, now);
  if (g_str_equal (type, "visit.amended"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"field\":\"service\",\"old\":\"personal-care\",\"new\":\"respite\","
                            "\"reason\":\"Wrong service.\"}", visit);
  if (g_str_equal (type, "note.amended"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"n-%s\",\"old\":\"Fine.\",\"new\":\"Tired.\",\"reason\":\"Typo.\"}",
                            visit, visit);
  if (g_str_equal (type, "note.retracted"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"n-%s\",\"reason\":\"Wrong client.\"}", visit, visit);
  if (g_str_equal (type, "visit.cancelled"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"reason\":\"Client in hospital.\"}", visit);
  if (g_str_equal (type, "query.answered"))
    return g_strdup_printf ("{\"review\":\"r-%s\",\"visit\":\"%s\",\"message\":\"The end time is right.\"}", visit, visit);
  if (g_str_equal (type, "review.added"))
    return g_strdup_printf ("{\"review\":\"r2-%s\",\"action\":\"approve\",\"visit\":\"%s\"}", uid, visit);
  if (g_str_equal (type, "hours.added"))
    return g_strdup_printf ("{\"entry\":\"%s\",\"kind\":\"travel\",\"date\":\"2026-11-23\",\"minutes\":20}", visit);
  if (g_str_equal (type, "member.set"))
    return g_strdup_printf ("{\"member\":\"m-%s\",\"name\":\"Eve\",\"role\":\"supervisor\",\"active\":true}", uid);
  if (g_str_equal (type, "client.set"))
    return g_strdup_printf ("{\"client\":\"%s\",\"name\":\"X\",\"address\":\"Y\",\"active\":true}", client);
  if (g_str_equal (type, "careplan.set"))
    return g_strdup_printf ("{\"client\":\"%s\",\"tasks\":[]}", client);
  if (g_str_equal (type, "assignment.set"))
    return g_strdup_printf ("{\"client\":\"%s\",\"carer\":\"m-carer\",\"active\":true}", client);
  if (g_str_equal (type, "circle.set"))
    return g_strdup_printf ("{\"client\":\"%s\",\"member\":\"m-family\",\"active\":true}", client);
  if (g_str_equal (type, "visit.verified"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"outcome\":\"confirmed\",\"by\":\"%s\"}", visit,
                            family ? "family" : "client");
  if (g_str_equal (type, "dispute.answered"))
    return g_strdup_printf ("{\"visit\":\"%s\",\"message\":\"We checked the times with the carer.\"}", visit);
  if (g_str_equal (type, "message.sent"))
    return g_strdup_printf ("{\"message\":\"msg-%s\",\"client\":\"%s\",\"text\":\"Please call me.\"}", uid, client);
  if (g_str_equal (type, "schedule.set"))
    return g_strdup_printf ("{\"schedule\":\"s-%s\",\"client\":\"%s\",\"carer\":\"m-carer\",\"start\":%" G_GINT64_FORMAT ","
                            "\"minutes\":30,\"service\":\"x\"}", uid, client, now);
  g_assert_not_reached ();
}

/* The rule book (docs/sync-protocol.md, "Who may write what"), written out
 * independently of the server's code. */
static Outcome
expected (int         role,
          const char *type,
          int         target,
          gboolean    writer_owns)
{
  gboolean coordinator = role == SUPERVISOR || role == ADMINISTRATOR;
  /* The family's targets at c-1, the client in its circle. */
  gboolean their_client = target == OWN || target == COCARER;

  if (g_str_has_suffix (type, ".set"))
    return FORBIDDEN;
  if (role == FAMILY)
    return (g_str_equal (type, "visit.verified") || g_str_equal (type, "message.sent")) && their_client
           ? ACCEPT : FORBIDDEN;
  if (g_str_equal (type, "message.sent"))
    return FORBIDDEN;
  if (g_str_equal (type, "dispute.answered"))
    return coordinator ? ACCEPT : FORBIDDEN;
  if (g_str_equal (type, "hours.added"))
    /* Own hours always; an entry id another carer's entry has is taken
     * (the OWN cell pushes one first). */
    return target == OWN ? CONFLICT : ACCEPT;
  if (g_str_equal (type, "visit.started"))
    {
      if (target == OTHER_ID)
        return CONFLICT;
      if (target == UNASSIGNED && role == CARER)
        return FORBIDDEN;
      return ACCEPT;
    }
  if (g_str_equal (type, "review.added"))
    return coordinator ? ACCEPT : FORBIDDEN;
  if (writer_owns)
    return ACCEPT;
  if (g_str_equal (type, "task.answered") || g_str_equal (type, "query.answered")
      || g_str_equal (type, "note.amended") || g_str_equal (type, "note.retracted")
      || g_str_equal (type, "visit.verified"))
    return FORBIDDEN;
  return coordinator ? ACCEPT : FORBIDDEN;
}

static void
run_cell (Matrix     *m,
          int         role,
          const char *type,
          int         target)
{
  TestDevice *writer = m->devices[role];
  TestDevice *starter;
  const char *client;
  g_autofree char *visit = NULL;
  g_autofree char *uid = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(CarePushResult) r = NULL;
  g_autoptr(GError) error = NULL;
  CarePushItem *item;
  CareEvent *e;
  Outcome want;
  gboolean starts = g_str_equal (type, "visit.started");
  gboolean hours = g_str_equal (type, "hours.added");

  /* The target visit, started by someone: the writer itself (own), the
   * co-carer at the client both are assigned to, the supervisor at a
   * client nobody is assigned to, the co-carer at their own client. */
  switch (target)
    {
    case OWN:
      /* A family member starts no visits: its "own" is its client's. */
      starter = role == FAMILY ? m->devices[CARER] : writer;
      client = "c-1";
      break;
    case COCARER:
      starter = m->carer2;
      client = "c-1";
      break;
    case UNASSIGNED:
      starter = m->devices[SUPERVISOR];
      client = "c-3";
      break;
    case OTHER_ID:
    default:
      starter = m->carer2;
      client = "c-2";
      break;
    }
  if (starts && target != OTHER_ID)
    visit = g_strdup_printf ("v-new-%s", uid);   /* a new visit at that client */
  else
    visit = make_visit (m, starter, client);
  if (starts && target == OTHER_ID)
    client = "c-1";                               /* the id, with another client */
  if (hours && target == OWN)
    {
      /* An hours entry whose id is already taken, by another carer's
       * entry, is refused like a taken visit id. */
      g_autoptr(GPtrArray) h = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
      g_autofree char *hb = record_body ("hours.added", visit, client, uid, FALSE);

      g_ptr_array_add (h, device_event (m->carer2, "hours.added", hb));
      push_accepted (m->carer2, h);
    }
  body = record_body (type, visit, client, uid, role == FAMILY);
  e = device_event (writer, type, body);
  g_ptr_array_add (events, e);
  r = sync_push (writer->client, events, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->acked_seq, ==, e->seq);     /* allowed or not, the seq is consumed */
  item = g_ptr_array_index (r->items, 0);
  want = expected (role, type, target, !starts && starter == writer);
  g_test_message ("%-15s %-8s %-22s %s%s%s", type, role_members[role], target_names[target],
                  item->status == CARE_PUSH_ACCEPTED ? "accepted" : item->code ? item->code : "?",
                  item->reason ? ": " : "", item->reason ? item->reason : "");
  if (want == ACCEPT)
    g_assert_cmpint (item->status, ==, CARE_PUSH_ACCEPTED);
  else
    {
      g_assert_cmpint (item->status, ==, CARE_PUSH_REJECTED);
      g_assert_cmpstr (item->code, ==, outcome_codes[want]);
      g_assert_cmpuint (strlen (item->reason), >, 20);
    }
  m->n++;
}

/* What the supervisor sees of a visit: the ids of its records. */
static GHashTable *
view_of (GPtrArray  *records,
         const char *visit)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < records->len; i++)
    {
      CareEvent *e = g_ptr_array_index (records, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (e->body, "visit", NULL), visit) == 0)
        g_hash_table_add (ids, g_strdup (e->id));
    }
  return ids;
}

static void
test_matrix (void)
{
  Matrix m = { 0 };
  const char *fast[] = { "--rate", "100000", "--burst", "100000", NULL };

  fixture_setup (&m.f);
  /* c-1 is shared by m-carer and m-carer2; c-3 is nobody's. */
  g_free (fixture_admin (&m.f, TRUE, "assign", m.f.data, "c-1", "m-carer2", NULL));
  g_free (fixture_admin (&m.f, TRUE, "client", "add", m.f.data, "c-3", "--name", "Nadia Russo",
                         "--address", "Via Tevere 3", "--task", "t-1:Medication:essential", NULL));
  g_free (fixture_admin (&m.f, TRUE, "member", "add", m.f.data, "m-family", "--name", "Elena Gallo",
                         "--role", "family", "--client", "c-1", NULL));
  fixture_start (&m.f, fast, NULL);
  for (int role = 0; role < N_ROLES; role++)
    m.devices[role] = device_enrol (&m.f, role_members[role]);
  m.carer2 = device_enrol (&m.f, "m-carer2");

  for (guint t = 0; t < G_N_ELEMENTS (record_types); t++)
    for (int role = 0; role < N_ROLES; role++)
      for (int target = 0; target < N_TARGETS; target++)
        run_cell (&m, role, record_types[t], target);
  g_assert_cmpuint (m.n, ==, G_N_ELEMENTS (record_types) * N_ROLES * N_TARGETS);
  g_test_message ("%u cells checked", m.n);

  for (int role = 0; role < N_ROLES; role++)
    device_free (m.devices[role]);
  device_free (m.carer2);
  fixture_teardown (&m.f);
}

/* What a carer pulls: names, its own clients' lists, its own records and
 * reviews of them; nothing of another carer's client or visits. */
static void
test_scope (void)
{
  Matrix m = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) carer_view = NULL;
  g_autoptr(GPtrArray) super_view = NULL;
  g_autofree char *own = NULL, *other = NULL;
  g_autoptr(GHashTable) seen_other = NULL;
  g_autoptr(GHashTable) seen_own = NULL;

  fixture_setup (&m.f);
  g_free (fixture_admin (&m.f, TRUE, "member", "add", m.f.data, "m-family", "--name", "Elena Gallo",
                         "--role", "family", "--client", "c-1", NULL));
  fixture_start (&m.f, NULL, NULL);
  for (int role = 0; role < N_ROLES; role++)
    m.devices[role] = device_enrol (&m.f, role_members[role]);
  m.carer2 = device_enrol (&m.f, "m-carer2");
  own = make_visit (&m, m.devices[CARER], "c-1");
  other = make_visit (&m, m.carer2, "c-2");

  /* The carer's view is seen from her second tablet: a device is never
   * sent its own records (no echo), her other devices are. */
  {
    TestDevice *second = device_enrol (&m.f, "m-carer");
    g_autoptr(GPtrArray) first_view = pull_all (m.devices[CARER]->client, m.devices[CARER]->next_seq - 1, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < first_view->len; i++)
      g_assert_cmpstr (((CareEvent *) g_ptr_array_index (first_view, i))->device, !=, m.devices[CARER]->device);
    carer_view = pull_all (second->client, 0, &error);
    g_assert_no_error (error);
    device_free (second);
  }
  super_view = pull_all (m.devices[SUPERVISOR]->client, m.devices[SUPERVISOR]->next_seq - 1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < carer_view->len; i++)
    {
      CareEvent *e = g_ptr_array_index (carer_view, i);
      const char *client = json_object_get_string_member_with_default (e->body, "client", NULL);

      g_assert_cmpstr (json_object_get_string_member_with_default (e->body, "visit", ""), !=, other);
      if (e->type != CARE_EVENT_MEMBER_SET)
        g_assert_true (client == NULL || g_str_equal (client, "c-1"));
    }
  seen_own = view_of (carer_view, own);
  g_assert_cmpuint (g_hash_table_size (seen_own), ==, 4);     /* start, note, dispute, the query about it */
  seen_other = view_of (super_view, other);
  g_assert_cmpuint (g_hash_table_size (seen_other), ==, 3);   /* start, note, dispute (its own query is not echoed) */
  /* A carer's tablet never receives a family member's name. */
  for (guint i = 0; i < carer_view->len; i++)
    {
      CareEvent *e = g_ptr_array_index (carer_view, i);

      if (e->type == CARE_EVENT_MEMBER_SET)
        g_assert_cmpstr (json_object_get_string_member (e->body, "role"), !=, "family");
    }

  for (int role = 0; role < N_ROLES; role++)
    device_free (m.devices[role]);
  device_free (m.carer2);
  fixture_teardown (&m.f);
}

/* A note on visit by writer, shared with readers (NULL: the team). */
static void
add_note (TestDevice *writer,
          const char *visit,
          const char *note,
          const char *readers)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"visit\":\"%s\",\"note\":\"%s\",\"category\":\"medication\",\"text\":\"%s\"%s%s%s}",
                          visit, note, note, readers ? ",\"readers\":\"" : "", readers ? readers : "",
                          readers ? "\"" : "");
  g_ptr_array_add (events, device_event (writer, "note.added", body));
  push_accepted (writer, events);
}

/* A device's cursor after pulling everything from the start. */
static char *
end_cursor (CareSyncClient *client)
{
  g_autoptr(GError) error = NULL;
  char *cursor = g_strdup ("");
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(CarePullResult) r = sync_pull (client, cursor, 0, 1000, &error);

      g_assert_no_error (error);
      g_free (cursor);
      cursor = g_strdup (r->next_cursor);
      more = r->more && r->records->len > 0;
    }
  return cursor;
}

/* What a family member's device pulls: its client's visits (check-in and
 * out, the answers, verifications), the notes shared with the family, the
 * names of the carers who visited; nothing of another client, no team or
 * co-ordinators-only note, no rota, no reviews, no co-ordinator's or other
 * member's name; and a second family member linked to another client
 * receives none of it. */
static void
test_family_scope (void)
{
  Matrix m = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) view = NULL;
  g_autoptr(GPtrArray) other_view = NULL;
  g_autoptr(GPtrArray) coordinator_view = NULL;
  g_autoptr(GHashTable) links = NULL;
  g_autofree char *visit = NULL, *other = NULL;
  TestDevice *family, *stranger;
  g_autoptr(GHashTable) seen = NULL;
  guint shared = 0;

  fixture_setup (&m.f);
  g_free (fixture_admin (&m.f, TRUE, "member", "add", m.f.data, "m-family", "--name", "Elena Gallo",
                         "--role", "family", "--client", "c-1", NULL));
  g_free (fixture_admin (&m.f, TRUE, "member", "add", m.f.data, "m-family2", "--name", "Luca Ferri",
                         "--role", "family", "--client", "c-2", NULL));
  g_free (fixture_admin (&m.f, TRUE, "schedule", "add", m.f.data, "s-1", "--client", "c-1", "--carer", "m-carer",
                         "--start", "2026-12-01T09:00", "--minutes", "30", "--service", "personal-care", NULL));
  fixture_start (&m.f, NULL, NULL);
  m.devices[CARER] = device_enrol (&m.f, "m-carer");
  m.devices[SUPERVISOR] = device_enrol (&m.f, "m-super");
  m.carer2 = device_enrol (&m.f, "m-carer2");
  family = device_enrol (&m.f, "m-family");
  stranger = device_enrol (&m.f, "m-family2");
  visit = make_visit (&m, m.devices[CARER], "c-1");
  other = make_visit (&m, m.carer2, "c-2");
  add_note (m.devices[CARER], visit, "n-family", "family");
  add_note (m.devices[CARER], visit, "n-coord", "coordinators");
  add_note (m.devices[SUPERVISOR], visit, "n-super-family", "family");

  coordinator_view = pull_all (m.devices[SUPERVISOR]->client, 0, &error);
  g_assert_no_error (error);
  links = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < coordinator_view->len; i++)
    {
      CareEvent *e = g_ptr_array_index (coordinator_view, i);

      g_hash_table_insert (links, e->id, e->link);
    }
  view = pull_all (family->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < view->len; i++)
    {
      CareEvent *e = g_ptr_array_index (view, i);
      const char *client = json_object_get_string_member_with_default (e->body, "client", NULL);
      const char *v = json_object_get_string_member_with_default (e->body, "visit", NULL);

      g_test_message ("family receives %s", care_event_type_to_string (e->type));
      /* Each record comes with the chain link the co-ordinator's pull
       * gives it: the scopes differ in which records, not in what. */
      g_assert_cmpstr (e->link, ==, g_hash_table_lookup (links, e->id));
      g_assert_true (client == NULL || g_str_equal (client, "c-1"));
      g_assert_true (v == NULL || g_str_equal (v, visit));
      g_assert_cmpint (e->type, !=, CARE_EVENT_REVIEW_ADDED);
      g_assert_cmpint (e->type, !=, CARE_EVENT_SCHEDULE_SET);
      g_assert_cmpint (e->type, !=, CARE_EVENT_ASSIGNMENT_SET);
      if (e->type == CARE_EVENT_MEMBER_SET)
        g_assert_cmpstr (json_object_get_string_member (e->body, "member"), ==, "m-carer");
      if (e->type == CARE_EVENT_CIRCLE_SET)
        g_assert_cmpstr (json_object_get_string_member (e->body, "member"), ==, "m-family");
      if (e->type == CARE_EVENT_NOTE_ADDED)
        {
          g_assert_cmpstr (json_object_get_string_member_with_default (e->body, "readers", "team"), ==, "family");
          shared++;
        }
    }
  g_assert_cmpuint (shared, ==, 2);
  seen = view_of (view, visit);
  /* start, dispute, the two shared notes: not the team note, the
   * co-ordinators-only note or the co-ordinator's query. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, 4);

  other_view = pull_all (stranger->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < other_view->len; i++)
    {
      CareEvent *e = g_ptr_array_index (other_view, i);

      g_assert_cmpstr (json_object_get_string_member_with_default (e->body, "visit", ""), !=, visit);
      g_assert_cmpstr (json_object_get_string_member_with_default (e->body, "client", "c-2"), ==, "c-2");
    }
  g_assert_cmpuint (g_hash_table_size (view_of (other_view, other)), ==, 2);   /* start, dispute */

  /* The circle's cursor holds while the carers it knows visit again, and
   * starts again at a carer's first visit to the client (whose name the
   * circle then receives, records from before included). */
  {
    g_autofree char *cursor = NULL;
    g_autofree char *again = NULL, *first = NULL;
    g_autoptr(CarePullResult) page = NULL;

    cursor = end_cursor (family->client);
    again = make_visit (&m, m.devices[CARER], "c-1");
    page = sync_pull (family->client, cursor, 0, 1000, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (view_of (page->records, again)), >, 0);
    g_free (cursor);
    cursor = g_strdup (page->next_cursor);
    g_free (fixture_admin (&m.f, TRUE, "assign", m.f.data, "c-1", "m-carer2", NULL));
    g_free (cursor);
    cursor = end_cursor (family->client);
    first = make_visit (&m, m.carer2, "c-1");
    g_clear_pointer (&page, care_pull_result_free);
    page = sync_pull (family->client, cursor, 0, 1000, &error);
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_CURSOR_INVALID);
    g_assert_null (page);
    g_clear_error (&error);
  }

  device_free (m.devices[CARER]);
  device_free (m.devices[SUPERVISOR]);
  device_free (m.carer2);
  device_free (family);
  device_free (stranger);
  fixture_teardown (&m.f);
}

/* One push of a visit to each client named, by d's carer. */
static void
push_visits (TestDevice         *d,
             const char * const *clients)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  for (guint i = 0; clients[i] != NULL; i++)
    {
      g_autofree char *uid = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"visit\":\"v-%s\",\"client\":\"%s\",\"service\":\"personal-care\","
                                               "\"at\":%" G_GINT64_FORMAT "}",
                                               uid, clients[i], now_ms () - 3600000 + i * 60000);

      g_ptr_array_add (events, device_event (d, "visit.started", body));
    }
  push_accepted (d, events);
}

/* Whether a pull from cursor is still answered (FALSE: the cursor is no
 * longer valid, the device's scope grew). */
static gboolean
cursor_holds (TestDevice *d,
              const char *cursor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CarePullResult) page = sync_pull (d->client, cursor, 0, 1000, &error);

  if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_CURSOR_INVALID))
    return FALSE;
  g_assert_no_error (error);
  return TRUE;
}

/* The family circle's cursor, with several visits in one push: a carer's
 * visits to clients they visited before leave it alone; their first visit
 * to a client restarts the circle of that client wherever it comes in the
 * push, after the same carer's visits to another client included (the
 * core remembers the client and carer of each visit in the transaction,
 * care_server_core_apply, and asks the store only about a pair it has not
 * met). */
static void
test_family_first_visits_in_one_push (void)
{
  ServerFixture f;
  TestDevice *carer, *newcomer, *family, *family2;
  const char *to_c1[] = { "c-1", "c-1", NULL };
  const char *to_c1_again[] = { "c-1", "c-1", "c-1", NULL };
  const char *to_both[] = { "c-2", "c-2", "c-1", "c-1", NULL };
  const char *to_both_again[] = { "c-2", "c-1", "c-2", NULL };
  g_autofree char *cursor = NULL, *cursor2 = NULL;

  fixture_setup (&f);
  g_free (fixture_admin (&f, TRUE, "member", "add", f.data, "m-family", "--name", "Elena Gallo",
                         "--role", "family", "--client", "c-1", NULL));
  g_free (fixture_admin (&f, TRUE, "member", "add", f.data, "m-family2", "--name", "Luca Ferri",
                         "--role", "family", "--client", "c-2", NULL));
  g_free (fixture_admin (&f, TRUE, "member", "add", f.data, "m-carer3", "--name", "Carla Neri",
                         "--role", "carer", NULL));
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-1", "m-carer3", NULL));
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-2", "m-carer3", NULL));
  fixture_start (&f, NULL, NULL);
  carer = device_enrol (&f, "m-carer");
  newcomer = device_enrol (&f, "m-carer3");
  family = device_enrol (&f, "m-family");
  family2 = device_enrol (&f, "m-family2");

  /* m-carer's first visits to c-1, then more in one push: the circle of
   * c-1 knows m-carer since the first. */
  push_visits (carer, to_c1);
  cursor = end_cursor (family->client);
  push_visits (carer, to_c1_again);
  g_assert_true (cursor_holds (family, cursor));

  /* m-carer3's first visits to c-2 and then to c-1, in one push: both
   * circles start again. */
  g_free (cursor);
  cursor = end_cursor (family->client);
  cursor2 = end_cursor (family2->client);
  push_visits (newcomer, to_both);
  g_assert_false (cursor_holds (family, cursor));
  g_assert_false (cursor_holds (family2, cursor2));

  /* Visits of pairs the co-op knows, in any order: neither does. */
  g_free (cursor);
  g_free (cursor2);
  cursor = end_cursor (family->client);
  cursor2 = end_cursor (family2->client);
  push_visits (newcomer, to_both_again);
  push_visits (carer, to_c1);
  g_assert_true (cursor_holds (family, cursor));
  g_assert_true (cursor_holds (family2, cursor2));

  device_free (carer);
  device_free (newcomer);
  device_free (family);
  device_free (family2);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/authz/matrix", test_matrix);
  g_test_add_func ("/server/authz/scope", test_scope);
  g_test_add_func ("/server/authz/family-scope", test_family_scope);
  g_test_add_func ("/server/authz/family-first-visits-in-one-push", test_family_first_visits_in_one_push);
  return g_test_run ();
}
