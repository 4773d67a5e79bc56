/* test-readership.c: the client's standing choice of who reads notes of
 * each category (issue 17, Deliver 3), through a real carelog-server on
 * loopback: set with `carelog-server client readership`, carried to the
 * client's carers and family, and enforced by the scope whatever a
 * tablet's note says.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>

#include "server-fixture.h"

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
push (TestDevice *d,
      CareEvent  *e)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);

  g_ptr_array_add (events, e);
  push_accepted (d, events);
}

static CareEvent *
note (TestDevice *d,
      const char *id,
      const char *category,
      const char *readers)
{
  g_autofree char *body = g_strdup_printf ("{\"visit\":\"v-1\",\"note\":\"%s\",\"category\":\"%s\","
                                           "\"text\":\"Note %s.\",\"readers\":\"%s\"}", id, category, id, readers);

  return device_event (d, "note.added", body);
}

/* The note ids d pulls (and whether it received the client's choice). */
static char *
notes_pulled (TestDevice *d,
              gboolean   *got_choice)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pull_all (d->client, d->next_seq - 1, &error);
  GString *ids = g_string_new (NULL);

  g_assert_no_error (error);
  *got_choice = FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      CareEvent *e = all->pdata[i];

      if (e->type == CARE_EVENT_NOTE_ADDED)
        g_string_append_printf (ids, "%s%s", ids->len ? " " : "", json_object_get_string_member (e->body, "note"));
      *got_choice |= e->type == CARE_EVENT_CLIENT_READERSHIP;
    }
  return g_string_free (ids, FALSE);
}

static void
test_readership (void)
{
  ServerFixture f;
  TestDevice *carer, *carer2, *family, *super;
  g_autofree char *shown = NULL, *none = NULL, *bad = NULL;
  g_autofree char *visit = NULL;
  g_autofree char *seen = NULL;
  gboolean got_choice;

  fixture_setup (&f);
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-1", "m-carer2", NULL));
  g_free (fixture_admin (&f, TRUE, "member", "add", f.data, "m-family", "--name", "Elena Gallo",
                         "--role", "family", "--client", "c-1", NULL));
  none = fixture_admin (&f, TRUE, "client", "readership", f.data, "c-1", NULL);
  g_assert_nonnull (strstr (none, "made no choice"));
  bad = fixture_admin (&f, FALSE, "client", "readership", f.data, "c-1", "medication=everyone", NULL);
  shown = fixture_admin (&f, TRUE, "client", "readership", f.data, "c-1", "medication=family",
                         "personal-care=team", "incident=coordinators", NULL);
  g_assert_nonnull (strstr (shown, "medication"));
  fixture_start (&f, NULL, NULL);
  carer = device_enrol (&f, "m-carer");
  carer2 = device_enrol (&f, "m-carer2");
  family = device_enrol (&f, "m-family");
  super = device_enrol (&f, "m-super");

  visit = g_strdup_printf ("{\"visit\":\"v-1\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":%"
                           G_GINT64_FORMAT "}", now_ms () - 3600000);
  push (carer, device_event (carer, "visit.started", visit));
  /* What each note asks for, against what the client chose. */
  push (carer, note (carer, "n-med", "medication", "family"));          /* family: shared */
  push (carer, note (carer, "n-med-team", "medication", "team"));       /* the carer narrowed it */
  push (carer, note (carer, "n-care", "personal-care", "family"));      /* the client said not the family */
  push (carer, note (carer, "n-inc", "incident", "team"));              /* co-ordinators only */
  push (carer, note (carer, "n-mood", "wellbeing", "family"));          /* no choice: the note decides */

  seen = notes_pulled (family, &got_choice);
  g_assert_cmpstr (seen, ==, "n-med n-mood");
  g_assert_true (got_choice);
  g_free (seen);
  /* Another carer of the client receives the choice (her own notes there
   * follow it) but never a colleague's visit notes. */
  seen = notes_pulled (carer2, &got_choice);
  g_assert_cmpstr (seen, ==, "");
  g_assert_true (got_choice);
  g_free (seen);
  seen = notes_pulled (super, &got_choice);
  g_assert_cmpstr (seen, ==, "n-med n-med-team n-care n-inc n-mood");
  g_free (seen);

  /* The client changes their mind: medication notes stay in the team.
   * The family's share shrinks from the next pull on (the cursor starts
   * again; what a device already holds is not taken back). */
  g_free (fixture_admin (&f, TRUE, "client", "readership", f.data, "c-1", "medication=team", NULL));
  seen = notes_pulled (family, &got_choice);
  g_assert_cmpstr (seen, ==, "n-mood");

  device_free (carer);
  device_free (carer2);
  device_free (family);
  device_free (super);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/readership", test_readership);
  return g_test_run ();
}
