/* test-refusals.c: refused records put right (issue 10, Deliver 5), through
 * a real carelog-server on loopback: a record behind a refused one of the
 * same visit is held, not orphaned; a correction that names the refused
 * record puts it right and releases what was held; a co-ordinator accepts
 * or dismisses a refusal with carelog-server; the tablet learns each
 * outcome from a refusal.resolved record in its pull.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "care-chain.h"
#include "server-fixture.h"

typedef struct
{
  ServerFixture f;
  TestDevice *carer;     /* m-carer: c-1 */
  TestDevice *super;
} Refusals;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
refusals_setup (Refusals     *r,
                gconstpointer data)
{
  fixture_setup (&r->f);
  fixture_start (&r->f, NULL, NULL);
  r->carer = device_enrol (&r->f, "m-carer");
  r->super = device_enrol (&r->f, "m-super");
}

static void
refusals_teardown (Refusals     *r,
                   gconstpointer data)
{
  device_free (r->carer);
  device_free (r->super);
  fixture_teardown (&r->f);
}

static CarePushResult *
push_one (TestDevice *d,
          CareEvent  *e)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;
  CarePushResult *result;

  g_ptr_array_add (events, e);
  result = sync_push (d->client, events, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->items->len, ==, 1);
  return result;
}

/* Pushes e alone; asserts its outcome (NULL code: accepted); returns its
 * id. */
static char *
push_expect (TestDevice *d,
             CareEvent  *e,
             const char *code)
{
  g_autofree char *id = g_strdup (e->id);
  g_autoptr(CarePushResult) result = push_one (d, e);
  CarePushItem *item = g_ptr_array_index (result->items, 0);

  g_test_message ("%s: %s %s", id, item->code ? item->code : "accepted", item->reason ? item->reason : "");
  if (code == NULL)
    g_assert_cmpint (item->status, ==, CARE_PUSH_ACCEPTED);
  else
    {
      g_assert_cmpint (item->status, ==, CARE_PUSH_REJECTED);
      g_assert_cmpstr (item->code, ==, code);
    }
  return g_steal_pointer (&id);
}

static CareEvent *
visit_event (TestDevice *d,
             const char *type,
             const char *visit,
             const char *more)
{
  g_autofree char *body = g_strdup_printf ("{\"visit\":\"%s\"%s%s}", visit, more ? "," : "", more ? more : "");

  return device_event (d, type, body);
}

static CareEvent *
started (TestDevice *d,
         const char *visit,
         gint64      at)
{
  g_autofree char *more = g_strdup_printf ("\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT,
                                           at);

  return visit_event (d, "visit.started", visit, more);
}

static CareEvent *
finished (TestDevice *d,
          const char *visit,
          gint64      at,
          const char *corrects)
{
  g_autofree char *more = corrects ? g_strdup_printf ("\"at\":%" G_GINT64_FORMAT ",\"corrects\":\"%s\"", at, corrects)
                                   : g_strdup_printf ("\"at\":%" G_GINT64_FORMAT, at);

  return visit_event (d, "visit.finished", visit, more);
}

static CareEvent *
note (TestDevice *d,
      const char *visit,
      const char *id)
{
  g_autofree char *more = g_strdup_printf ("\"note\":\"%s\",\"category\":\"wellbeing\",\"text\":\"Cheerful.\"", id);

  return visit_event (d, "note.added", visit, more);
}

/* The records d pulls that are about visit (or every refusal.resolved
 * about d when visit is NULL). */
static GPtrArray *
pulled (TestDevice *d,
        const char *visit,
        const char *resolved_for)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pull_all (d->client, d->next_seq - 1, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = g_ptr_array_index (all, i);

      if (visit != NULL && g_strcmp0 (json_object_get_string_member_with_default (e->body, "visit", NULL), visit) == 0)
        g_ptr_array_add (out, care_event_copy (e));
      else if (resolved_for != NULL && e->type == CARE_EVENT_REFUSAL_RESOLVED
               && g_strcmp0 (json_object_get_string_member (e->body, "device"), resolved_for) == 0)
        g_ptr_array_add (out, care_event_copy (e));
    }
  return out;
}

static gboolean
has_id (GPtrArray  *events,
        const char *id)
{
  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (((CareEvent *) events->pdata[i])->id, id) == 0)
      return TRUE;
  return FALSE;
}

/* A check-out before the check-in is refused; the note and the second
 * check-out written after it on the same visit are held, not stored as
 * orphans; a correction naming the refused check-out is taken and
 * releases the note; the tablet learns it all in one refusal.resolved. */
static void
test_held_then_corrected (Refusals     *r,
                          gconstpointer data)
{
  gint64 t = now_ms () - 3 * 3600 * 1000;
  g_autofree char *start = push_expect (r->carer, started (r->carer, "v-1", t), NULL);
  g_autofree char *bad = push_expect (r->carer, finished (r->carer, "v-1", t - 60000, NULL), "invalid");
  g_autofree char *held = push_expect (r->carer, note (r->carer, "v-1", "n-1"), "held");
  g_autofree char *listed = NULL, *fixed = NULL, *after = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) told = NULL;
  CareEvent *e;
  JsonArray *released;

  seen = pulled (r->super, "v-1", NULL);
  g_assert_cmpuint (seen->len, ==, 1);          /* only the check-in */
  g_assert_true (has_id (seen, start));
  listed = fixture_admin (&r->f, TRUE, "rejections", r->f.data, r->carer->device, NULL);
  g_assert_nonnull (strstr (listed, "open"));
  g_assert_nonnull (strstr (listed, "held"));
  g_assert_nonnull (strstr (listed, bad));

  /* A correction about another visit, or naming a record never refused,
   * is refused with a reason; nothing is released. */
  g_free (push_expect (r->carer, finished (r->carer, "v-1", t + 3600000, "no-such-record"), "invalid"));

  fixed = push_expect (r->carer, finished (r->carer, "v-1", t + 3600000, bad), NULL);
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = pulled (r->super, "v-1", NULL);
  g_assert_true (has_id (seen, fixed));
  g_assert_true (has_id (seen, held));         /* released behind the correction */
  g_assert_false (has_id (seen, bad));

  told = pulled (r->carer, NULL, r->carer->device);
  g_assert_cmpuint (told->len, ==, 1);
  e = told->pdata[0];
  g_assert_cmpstr (json_object_get_string_member (e->body, "outcome"), ==, "corrected");
  g_assert_cmpstr (json_object_get_string_member (e->body, "refused"), ==, bad);
  g_assert_cmpstr (json_object_get_string_member (e->body, "correction"), ==, fixed);
  released = json_object_get_array_member (e->body, "released");
  g_assert_cmpuint (json_array_get_length (released), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (released, 0), "id"), ==, held);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (released, 0), "outcome"), ==,
                   "accepted");
  /* The supervisor's tablet gets it too; another carer's would not. */
  g_clear_pointer (&told, g_ptr_array_unref);
  told = pulled (r->super, NULL, r->carer->device);
  g_assert_cmpuint (told->len, ==, 1);

  after = fixture_admin (&r->f, TRUE, "rejections", r->f.data, r->carer->device, "--open", NULL);
  /* Only the correction that named no refused record still waits for an
   * answer. */
  g_assert_null (strstr (after, bad));
  g_assert_null (strstr (after, "held"));
  g_assert_nonnull (strstr (after, "no-such-record"));
  /* The record that was put right cannot be put right twice. */
  g_free (push_expect (r->carer, finished (r->carer, "v-1", t + 3700000, bad), "invalid"));
  /* The chains still verify, released records and refusals included. */
  g_free (fixture_admin (&r->f, TRUE, "verify", r->f.data, NULL));
}

/* A record refused for its time (a clock days ahead) is accepted by a
 * co-ordinator as sent; one refused as forbidden is dismissed, and the
 * record held behind it is judged again (without its visit it is refused,
 * with a reason, and now waits for an answer of its own). */
static void
test_coordinator_answers (Refusals     *r,
                          gconstpointer data)
{
  gint64 t = now_ms () - 2 * 3600 * 1000;
  g_autofree char *start = push_expect (r->carer, started (r->carer, "v-2", t), NULL);
  g_autofree char *ahead = push_expect (r->carer, finished (r->carer, "v-2", now_ms () + 5 * 24 * 3600000LL, NULL),
                                        "time");
  g_autofree char *unassigned = NULL, *behind = NULL, *out = NULL, *bad = NULL, *listed = NULL;
  g_autofree char *seq_ahead = NULL, *seq_unassigned = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) told = NULL;
  CareEvent *e;
  JsonArray *released;

  seq_ahead = g_strdup_printf ("%" G_GINT64_FORMAT, r->carer->next_seq - 1);
  /* No reason, no answer. */
  bad = fixture_admin (&r->f, FALSE, "rejections", "accept", r->f.data, r->carer->device, seq_ahead, NULL);
  out = fixture_admin (&r->f, TRUE, "rejections", "accept", r->f.data, r->carer->device, seq_ahead,
                       "--reason", "The tablet's clock was wrong; the carer phoned the office at 14:00.",
                       "--by", "m-super", NULL);
  g_assert_nonnull (strstr (out, "Accepted"));
  seen = pulled (r->super, "v-2", NULL);
  g_assert_true (has_id (seen, ahead));
  g_assert_true (has_id (seen, start));

  /* A visit at a client she is not assigned to: refused, its note held. */
  {
    g_autofree char *more = g_strdup_printf ("\"client\":\"c-2\",\"service\":\"personal-care\",\"at\":%" G_GINT64_FORMAT, t);

    unassigned = push_expect (r->carer, visit_event (r->carer, "visit.started", "v-3", more), "forbidden");
  }
  seq_unassigned = g_strdup_printf ("%" G_GINT64_FORMAT, r->carer->next_seq - 1);
  behind = push_expect (r->carer, note (r->carer, "v-3", "n-3"), "held");
  /* A forbidden record's id is fine, but a held one cannot be answered
   * before the record it waits behind. */
  {
    g_autofree char *seq_held = g_strdup_printf ("%" G_GINT64_FORMAT, r->carer->next_seq - 1);
    g_autofree char *refused = fixture_admin (&r->f, FALSE, "rejections", "dismiss", r->f.data, r->carer->device,
                                              seq_held, "--reason", "No.", NULL);
  }
  g_clear_pointer (&out, g_free);
  out = fixture_admin (&r->f, TRUE, "rejections", "dismiss", r->f.data, r->carer->device, seq_unassigned,
                       "--reason", "Not our client: entered on the wrong tablet.", NULL);
  g_assert_nonnull (strstr (out, "Dismissed"));

  told = pulled (r->carer, NULL, r->carer->device);
  g_assert_cmpuint (told->len, ==, 2);
  e = told->pdata[0];
  g_assert_cmpstr (json_object_get_string_member (e->body, "outcome"), ==, "accepted");
  g_assert_cmpstr (json_object_get_string_member (e->body, "refused"), ==, ahead);
  g_assert_cmpstr (e->author, ==, "m-super");
  e = told->pdata[1];
  g_assert_cmpstr (json_object_get_string_member (e->body, "outcome"), ==, "dismissed");
  g_assert_cmpstr (json_object_get_string_member (e->body, "reason"), ==, "Not our client: entered on the wrong tablet.");
  released = json_object_get_array_member (e->body, "released");
  g_assert_cmpuint (json_array_get_length (released), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (released, 0), "id"), ==, behind);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (released, 0), "outcome"), ==,
                   "refused");
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = pulled (r->super, "v-3", NULL);
  g_assert_cmpuint (seen->len, ==, 0);

  listed = fixture_admin (&r->f, TRUE, "rejections", r->f.data, r->carer->device, NULL);
  g_assert_nonnull (strstr (listed, "accepted"));
  g_assert_nonnull (strstr (listed, "dismissed"));
  g_assert_nonnull (strstr (listed, "clock was wrong"));
  g_free (fixture_admin (&r->f, TRUE, "verify", r->f.data, NULL));
}

/* What a co-ordinator cannot accept: a record whose id another record
 * holds (conflict); and nobody answers for a tablet the co-op lacks. */
static void
test_cannot_accept (Refusals     *r,
                    gconstpointer data)
{
  gint64 t = now_ms () - 3600 * 1000;
  g_autofree char *start = push_expect (r->carer, started (r->carer, "v-4", t), NULL);
  g_autofree char *again = push_expect (r->carer, started (r->carer, "v-4", t + 1000), "conflict");
  g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, r->carer->next_seq - 1);
  g_autofree char *refused = fixture_admin (&r->f, FALSE, "rejections", "accept", r->f.data, r->carer->device, seq,
                                            "--reason", "Fine.", NULL);
  g_autofree char *nobody = fixture_admin (&r->f, FALSE, "rejections", "dismiss", r->f.data, "d-nobody", "1",
                                           "--reason", "Fine.", NULL);
  g_autofree char *dismissed = fixture_admin (&r->f, TRUE, "rejections", "dismiss", r->f.data, r->carer->device, seq,
                                              "--reason", "A duplicate check-in.", NULL);

  /* After the dismissal, the visit takes the carer's records again. */
  g_free (push_expect (r->carer, finished (r->carer, "v-4", t + 1800000, NULL), NULL));
}

/* Records replayed at a sequence number the tablet had consumed, with new
 * ids (what a tampered tablet can send, never its own sync): each is
 * answered "seq", and the co-op keeps one open refusal for the number, not
 * one per replay. */
static gint64
count_substrings (const char *text,
                  const char *what)
{
  gint64 n = 0;

  for (const char *p = strstr (text, what); p != NULL; p = strstr (p + 1, what))
    n++;
  return n;
}

static void
test_consumed_once (Refusals     *r,
                    gconstpointer data)
{
  gint64 t = now_ms () - 3600 * 1000;
  g_autofree char *start = push_expect (r->carer, started (r->carer, "v-9", t), NULL);
  gint64 used = r->carer->next_seq - 1;
  g_autofree char *before = fixture_admin (&r->f, TRUE, "rejections", r->f.data, NULL);
  g_autofree char *after = NULL;

  for (guint i = 0; i < 3; i++)
    {
      r->carer->next_seq = used;
      g_free (push_expect (r->carer, started (r->carer, "v-replay", t + 1000 + i), "seq"));
    }
  r->carer->next_seq = used + 1;
  after = fixture_admin (&r->f, TRUE, "rejections", r->f.data, NULL);
  g_test_message ("%s", after);
  g_assert_cmpint (count_substrings (after, "already used"), ==, count_substrings (before, "already used") + 1);
}

/* A tablet may not push refusal.resolved itself (not even a
 * co-ordinator's), and may not correct another tablet's refusal. */
static void
test_forged (Refusals     *r,
             gconstpointer data)
{
  gint64 t = now_ms () - 3600 * 1000;
  g_autofree char *start = push_expect (r->carer, started (r->carer, "v-5", t), NULL);
  g_autofree char *bad = push_expect (r->carer, finished (r->carer, "v-5", t - 1000, NULL), "invalid");
  g_autofree char *forged_body = g_strdup_printf ("{\"device\":\"%s\",\"member\":\"m-carer\",\"seq\":2,"
                                                  "\"refused\":\"%s\",\"outcome\":\"dismissed\",\"reason\":\"x\"}",
                                                  r->carer->device, bad);
  g_autofree char *forged = NULL, *other = NULL, *listed = NULL;
  TestDevice *carer2 = device_enrol (&r->f, "m-carer2");
  g_autofree char *more = g_strdup_printf ("\"at\":%" G_GINT64_FORMAT ",\"corrects\":\"%s\"", t + 60000, bad);

  forged = push_expect (r->super, device_event (r->super, "refusal.resolved", forged_body), "forbidden");
  other = push_expect (carer2, visit_event (carer2, "visit.finished", "v-5", more), "invalid");
  /* A correction names the refused record by id and by hash
   * (corrects_hash): a hash that is not that record's is refused. */
  {
    g_autofree char *wrong_hash = g_strdup_printf ("%s,\"corrects_hash\":\"%s\"", more, CARE_CHAIN_START);

    g_free (push_expect (r->carer, visit_event (r->carer, "visit.finished", "v-5", wrong_hash), "invalid"));
  }
  listed = fixture_admin (&r->f, TRUE, "rejections", r->f.data, r->carer->device, "--open", NULL);
  g_assert_nonnull (strstr (listed, bad));
  device_free (carer2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/refusals/held-then-corrected", Refusals, NULL, refusals_setup, test_held_then_corrected,
              refusals_teardown);
  g_test_add ("/refusals/coordinator-answers", Refusals, NULL, refusals_setup, test_coordinator_answers,
              refusals_teardown);
  g_test_add ("/refusals/cannot-accept", Refusals, NULL, refusals_setup, test_cannot_accept, refusals_teardown);
  g_test_add ("/refusals/consumed-once", Refusals, NULL, refusals_setup, test_consumed_once, refusals_teardown);
  g_test_add ("/refusals/forged", Refusals, NULL, refusals_setup, test_forged, refusals_teardown);
  return g_test_run ();
}
