/* test-admin.c: carelog-server's administration commands, run as the real
 * binary the way a co-ordinator types them.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <string.h>
#include <sys/wait.h>

#include "server-fixture.h"

/* The start (ms since the epoch, UTC) of every schedule.set m-carer pulls,
 * by schedule id. */
static GHashTable *
pulled_starts (ServerFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GHashTable *starts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  TestDevice *d;

  fixture_start (f, NULL, NULL);
  d = device_enrol (f, "m-carer");
  records = pull_all (d->client, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      CareEvent *e = g_ptr_array_index (records, i);

      if (e->type == CARE_EVENT_SCHEDULE_SET)
        g_hash_table_insert (starts, g_strdup (json_object_get_string_member (e->body, "schedule")),
                             g_memdup2 (&(gint64) { json_object_get_int_member (e->body, "start") },
                                        sizeof (gint64)));
    }
  device_free (d);
  fixture_stop (f);
  return starts;
}

static gint64
start_of (GHashTable *starts,
          const char *schedule)
{
  gint64 *v = g_hash_table_lookup (starts, schedule);

  g_assert_nonnull (v);
  return *v;
}

/* Start times: HH:MM and HH:MM:SS, with T or a space, in the co-op's zone
 * (Europe/Rome, UTC+1 in November), from "schedule add" and "rota import";
 * other shapes are refused naming both accepted forms. */
static void
test_start_times (void)
{
  ServerFixture f;
  g_autoptr(GHashTable) starts = NULL;
  g_autofree char *csv = NULL, *bad_csv = NULL;
  const char *bad[] = { "2026-11-24T8:30", "2026-11-24T08:30Z", "2026-11-24T08:30:00+01:00",
                        "2026-W48-2T08:30:00", "2026-02-30T08:30", "2026-11-24T24:00", "tomorrow", "" };
  const gint64 base = 1795505400000;   /* 2026-11-24 08:30 in Rome = 07:30 UTC */

  fixture_setup (&f);
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer",
                         "--start", "2026-11-24T08:30", "--minutes", "45", "--service", "p", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-2", "--client", "c-1", "--carer", "m-carer",
                         "--start", "2026-11-24T08:30:15", "--minutes", "45", "--service", "p", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-3", "--client", "c-1", "--carer", "m-carer",
                         "--start", "2026-11-24 09:30", "--minutes", "45", "--service", "p", NULL));
  csv = g_build_filename (f.tmp, "rota.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "schedule,client,carer,start,minutes,service\n"
                                           "s-4,c-1,m-carer,2026-11-24T10:30,30,meal\n"
                                           "s-5,c-1,m-carer,2026-11-24T10:30:30,30,meal\n"
                                           "s-6,c-1,m-carer,2026-11-24 11:30:00,30,meal\n", -1, NULL));
  g_free (fixture_admin (&f, TRUE, "rota", "import", f.data, csv, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *err = fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-9", "--client", "c-1",
                                            "--carer", "m-carer", "--start", bad[i], "--minutes", "45",
                                            "--service", "p", NULL);
      g_autofree char *line = g_strdup_printf ("s-9,c-1,m-carer,%s,30,meal\n", bad[i]);
      g_autofree char *err2 = NULL;

      g_assert_nonnull (err);
      g_assert_nonnull (strstr (err, "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS"));
      bad_csv = g_build_filename (f.tmp, "bad.csv", NULL);
      g_assert_true (g_file_set_contents (bad_csv, line, -1, NULL));
      err2 = fixture_admin (&f, FALSE, "rota", "import", f.data, bad_csv, NULL);
      g_assert_nonnull (err2);
      g_assert_nonnull (strstr (err2, "line 1"));
      g_assert_nonnull (strstr (err2, "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS"));
      g_clear_pointer (&bad_csv, g_free);
    }

  starts = pulled_starts (&f);
  g_assert_cmpuint (g_hash_table_size (starts), ==, 6);   /* none of the refused ones */
  g_assert_cmpint (start_of (starts, "s-1"), ==, base);
  g_assert_cmpint (start_of (starts, "s-2"), ==, base + 15000);
  g_assert_cmpint (start_of (starts, "s-3"), ==, base + 3600000);
  g_assert_cmpint (start_of (starts, "s-4"), ==, base + 2 * 3600000);
  g_assert_cmpint (start_of (starts, "s-5"), ==, base + 2 * 3600000 + 30000);
  g_assert_cmpint (start_of (starts, "s-6"), ==, base + 3 * 3600000);
  fixture_teardown (&f);
}

/* init refuses a zone the tz database does not know (schedules would
 * otherwise be silently in UTC), and creates nothing. */
static void
test_init_timezone (void)
{
  g_autoptr(GError) error = NULL;
  char *tmp = g_dir_make_tmp ("carelog-admin-XXXXXX", &error);
  const char *bad[] = { "Mars/Base", "europe/rome", "+01:00", "CET-1CEST,M3.5.0,M10.5.0/3", "../etc/passwd", "" };
  ServerFixture f = { 0 };

  g_assert_no_error (error);
  f.tmp = tmp;
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *dir = g_build_filename (tmp, "coop", NULL);
      g_autofree char *err = fixture_admin (&f, FALSE, "init", dir, "--timezone", bad[i], NULL);

      g_assert_nonnull (err);
      g_assert_nonnull (strstr (err, "is not a time zone this machine knows"));
      g_assert_nonnull (strstr (err, "Europe/Rome"));
      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/coop%u", tmp, i);
      g_autofree char *out = i == 0 ? fixture_admin (&f, TRUE, "init", dir, "--timezone", "Europe/Rome", NULL)
                                    : fixture_admin (&f, TRUE, "init", dir, NULL);   /* UTC */

      g_assert_nonnull (strstr (out, "Created"));
    }
  fixture_teardown (&f);   /* removes tmp */
}

/* member add refuses an id already in use unless --update is given (which
 * keeps what it is not told to change); schedule add refuses a member who
 * is not a carer, or a carer not assigned to the client. */
static void
test_member_and_schedule_checks (void)
{
  ServerFixture f;
  g_autofree char *err = NULL, *out = NULL;

  fixture_setup (&f);
  err = fixture_admin (&f, FALSE, "member", "add", f.data, "m-carer", "--name", "Someone Else",
                       "--role", "administrator", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "already exists (Anna Rossi, carer)"));
  g_assert_nonnull (strstr (err, "--update"));
  g_clear_pointer (&err, g_free);
  err = fixture_admin (&f, FALSE, "member", "add", f.data, "m-nobody", "--update", "--role", "carer", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "no member “m-nobody” to update"));
  g_clear_pointer (&err, g_free);

  err = fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-super",
                       "--start", "2026-11-24T08:30", "--minutes", "45", "--service", "p", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "m-super, who is a supervisor, not a carer"));
  g_clear_pointer (&err, g_free);
  err = fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer2",
                       "--start", "2026-11-24T08:30", "--minutes", "45", "--service", "p", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "m-carer2 is not assigned to client c-1"));
  g_assert_nonnull (strstr (err, "assign DIR c-1 m-carer2"));
  g_clear_pointer (&err, g_free);
  for (guint i = 0; i < 3; i++)
    {
      const char *minutes[] = { "0", "-30", "1441" };

      err = fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer",
                           "--start", "2026-11-24T08:30", "--minutes", minutes[i], "--service", "p", NULL);
      g_assert_nonnull (err);
      g_assert_nonnull (strstr (err, "from 1 to 1440"));
      g_clear_pointer (&err, g_free);
    }
  err = fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer",
                       "--start", "2026-11-24T08:30", "--service", "p", NULL);   /* no --minutes */
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "from 1 to 1440"));
  g_clear_pointer (&err, g_free);
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-1", "m-carer2", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer2",
                         "--start", "2026-11-24T08:30", "--minutes", "45", "--service", "p", NULL));

  /* A deactivated carer is not scheduled; --update reactivates. */
  g_free (fixture_admin (&f, TRUE, "member", "deactivate", f.data, "m-carer2", NULL));
  err = fixture_admin (&f, FALSE, "schedule", "add", f.data, "s-2", "--client", "c-1", "--carer", "m-carer2",
                       "--start", "2026-11-24T10:30", "--minutes", "45", "--service", "p", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "m-carer2, who has been deactivated"));
  g_clear_pointer (&err, g_free);
  err = fixture_admin (&f, FALSE, "member", "add", f.data, "m-carer2", "--name", "B", "--role", "carer", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "(Bruno Bianchi, carer, deactivated)"));
  g_clear_pointer (&err, g_free);
  g_free (fixture_admin (&f, TRUE, "member", "add", f.data, "m-carer2", "--update", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-2", "--client", "c-1", "--carer", "m-carer2",
                         "--start", "2026-11-24T10:30", "--minutes", "45", "--service", "p", NULL));

  /* --update changes only the role; the name stays. */
  out = fixture_admin (&f, TRUE, "member", "add", f.data, "m-carer", "--update", "--role", "supervisor", NULL);
  g_assert_nonnull (strstr (out, "Member m-carer updated."));
  err = fixture_admin (&f, FALSE, "member", "add", f.data, "m-carer", "--name", "X", "--role", "carer", NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "already exists (Anna Rossi, supervisor)"));
  fixture_teardown (&f);
}

static int
run_status (const char * const *args,
            char              **out,
            char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_build_filename (g_getenv ("CARELOG_BUILD_DIR"), "sync", "server", "carelog-server", NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* help, --help and -h print the usage on stdout and succeed; wrong usage
 * still prints it on stderr and exits 2. */
static void
test_help (void)
{
  const char *asked[][3] = { { "help", NULL }, { "--help", NULL }, { "-h", NULL }, { "member", "--help", NULL },
                             { "schedule", "-h", NULL } };
  const char *wrong[][3] = { { NULL }, { "frobnicate", NULL }, { "member", NULL } };

  for (guint i = 0; i < G_N_ELEMENTS (asked); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (run_status (asked[i], &out, &err), ==, 0);
      g_assert_true (g_str_has_prefix (out, "Usage:"));
      g_assert_nonnull (strstr (out, "schedule add DIR"));
      g_assert_cmpstr (err, ==, "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (run_status (wrong[i], &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "Usage:"));
    }
}

/* The PENDING column of "device list" for DEVICE, waiting (up to a
 * deadline) for it to equal want (want < 0: no waiting); returns the last
 * value seen. */
static gint64
wait_pending (ServerFixture *f,
              const char    *device,
              gint64         want)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 pending = -1;

  do
    {
      g_autofree char *out = fixture_admin (f, TRUE, "device", "list", f->data, NULL);
      g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], device))
          {
            g_auto(GStrv) t = g_strsplit_set (lines[i], " ", -1);
            g_autoptr(GPtrArray) words = g_ptr_array_new ();

            for (guint j = 0; t[j] != NULL; j++)
              if (*t[j] != '\0')
                g_ptr_array_add (words, t[j]);
            /* DEVICE MEMBER ROLE STATE CONTACT(never | date time) ACKED PENDING ... */
            g_assert_cmpuint (words->len, >=, 8);
            pending = g_ascii_strtoll (g_ptr_array_index (words, g_str_equal (g_ptr_array_index (words, 4), "never") ? 6 : 7),
                                       NULL, 10);
          }
      if (pending == want || want < 0)
        break;
      g_usleep (20000);   /* polling for a condition, with a deadline */
    }
  while (g_get_monotonic_time () < deadline);
  return pending;
}

/* device list's PENDING: the records in the device's share the server has
 * not yet sent it; a sync that downloads them clears it at once. */
static void
test_device_pending (void)
{
  ServerFixture f;
  TestDevice *d;
  g_autoptr(GPtrArray) first = NULL, second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  fixture_setup (&f);
  fixture_start (&f, NULL, NULL);
  d = device_enrol (&f, "m-carer");
  g_assert_cmpint (wait_pending (&f, d->device, -1), >, 0);   /* never pulled: all of its share */
  first = pull_all (d->client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wait_pending (&f, d->device, 0), ==, 0);

  csv = g_build_filename (f.tmp, "rota.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "s-1,c-1,m-carer,2026-11-24T08:30,30,meal\n"
                                           "s-2,c-1,m-carer,2026-11-24T12:00,30,meal\n"
                                           "s-3,c-1,m-carer,2026-11-25T08:30,30,meal\n"
                                           "s-4,c-1,m-carer,2026-11-25T12:00,30,meal\n"
                                           "s-5,c-2,m-carer2,2026-11-25T12:00,30,meal\n", -1, NULL));
  g_free (fixture_admin (&f, TRUE, "rota", "import", f.data, csv, NULL));
  g_assert_cmpint (wait_pending (&f, d->device, 4), ==, 4);   /* not c-2's visit */
  second = pull_all (d->client, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wait_pending (&f, d->device, 0), ==, 0);
  device_free (d);
  fixture_teardown (&f);
}

/* The latest schedule.set of each schedule m-carer (or m-carer2) pulls,
 * and the latest client.set of each client, by id. */
static GHashTable *
pulled_latest (ServerFixture *f,
               const char    *member,
               CareEventType  type,
               const char    *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GHashTable *latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  TestDevice *d;

  fixture_start (f, NULL, NULL);
  d = device_enrol (f, member);
  records = pull_all (d->client, 0, &error);
  g_assert_no_error (error);
  /* Pulled in the order the co-op wrote them: the last one counts. */
  for (guint i = 0; i < records->len; i++)
    {
      CareEvent *e = g_ptr_array_index (records, i);

      if (e->type == type)
        g_hash_table_insert (latest, g_strdup (json_object_get_string_member (e->body, key)),
                             json_object_ref (e->body));
    }
  device_free (d);
  fixture_stop (f);
  return latest;
}

/* A start time N days from now, in the co-op's zone, as the rota writes it. */
static char *
days_ahead (int days,
            int hour)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Rome");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_strdup_printf ("%04d-%02d-%02dT%02d:00", g_date_time_get_year (then), g_date_time_get_month (then),
                          g_date_time_get_day_of_month (then), hour);
}

static char *
write_file (ServerFixture *f,
            const char    *name,
            const char    *text)
{
  char *path = g_build_filename (f->tmp, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* rota import is all or nothing: a file with errors on two lines names
 * both (with the file's line numbers, counting a quoted field's line
 * breaks) and stores nothing; corrected, it imports every line once. Real
 * CSV: a UTF-8 byte order mark, CRLF line ends, a header in any column
 * order, quoted fields holding commas, doubled quotes and a line break. */
static void
test_rota_import_all_or_nothing (void)
{
  ServerFixture f;
  g_autoptr(GHashTable) latest = NULL;
  g_autofree char *bad = NULL, *good = NULL, *dup = NULL, *err = NULL, *out = NULL;
  JsonObject *s3;

  fixture_setup (&f);
  bad = write_file (&f, "bad.csv",
                    "\xef\xbb\xbf" "client,schedule,carer,start,minutes,service\r\n"
                    "c-1,s-1,m-carer,2026-11-24T08:30,30,meal\r\n"
                    "c-1,s-2,m-carer,2026-11-24T12:00,30,\"lunch, then a walk\"\r\n"
                    "c-1,s-3,m-carer,2026-11-24T18:00,45,\"supper\r\nand the \"\"evening\"\" round\"\r\n"
                    "c-9,s-4,m-carer,2026-11-25T08:30,30,meal\r\n"
                    "c-1,s-5,m-carer,2026-11-25T12:00,thirty,meal\r\n"
                    "c-1,s-6,m-carer,2026-11-25T18:00,30,meal\r\n");
  err = fixture_admin (&f, FALSE, "rota", "import", f.data, bad, NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "line 6: Schedule s-4 names client “c-9”"));
  g_assert_nonnull (strstr (err, "line 7: “thirty” is not a number of minutes"));
  g_assert_nonnull (strstr (err, "nothing was imported"));
  latest = pulled_latest (&f, "m-carer", CARE_EVENT_SCHEDULE_SET, "schedule");
  g_assert_cmpuint (g_hash_table_size (latest), ==, 0);
  g_clear_pointer (&latest, g_hash_table_unref);

  good = write_file (&f, "good.csv",
                     "\xef\xbb\xbf" "client,schedule,carer,start,minutes,service\r\n"
                     "c-1,s-1,m-carer,2026-11-24T08:30,30,meal\r\n"
                     "c-1,s-2,m-carer,2026-11-24T12:00,30,\"lunch, then a walk\"\r\n"
                     "c-1,s-3,m-carer,2026-11-24T18:00,45,\"supper\r\nand the \"\"evening\"\" round\"\r\n"
                     "c-1,s-6,m-carer,2026-11-25T18:00,30,meal\r\n");
  out = fixture_admin (&f, TRUE, "rota", "import", f.data, good, NULL);
  g_assert_nonnull (strstr (out, "Imported 4 scheduled visits"));
  latest = pulled_latest (&f, "m-carer", CARE_EVENT_SCHEDULE_SET, "schedule");
  g_assert_cmpuint (g_hash_table_size (latest), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (g_hash_table_lookup (latest, "s-2"), "service"), ==,
                   "lunch, then a walk");
  s3 = g_hash_table_lookup (latest, "s-3");
  g_assert_cmpstr (json_object_get_string_member (s3, "service"), ==, "supper\r\nand the \"evening\" round");
  g_assert_cmpint (json_object_get_int_member (s3, "minutes"), ==, 45);

  /* The same visit twice in one file; an unclosed quote. */
  dup = write_file (&f, "dup.csv", "s-7,c-1,m-carer,2026-11-26T08:30,30,meal\n"
                                   "s-7,c-1,m-carer,2026-11-26T09:30,30,meal\n"
                                   "s-8,c-1,m-carer,2026-11-26T10:30,30,\"meal\n");
  g_free (err);
  err = fixture_admin (&f, FALSE, "rota", "import", f.data, dup, NULL);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "line 3: a quoted field is not closed"));
  g_free (dup);
  dup = write_file (&f, "dup.csv", "s-7,c-1,m-carer,2026-11-26T08:30,30,meal\n"
                                   "s-7,c-1,m-carer,2026-11-26T09:30,30,meal\n");
  g_free (err);
  err = fixture_admin (&f, FALSE, "rota", "import", f.data, dup, NULL);
  g_assert_nonnull (strstr (err, "line 2: visit s-7 is also on line 1"));
  fixture_teardown (&f);
}

/* schedule move and cancel; client deactivate cancels the client's visits
 * still to come; assign --remove lists the carer's visits still to come
 * there and --cancel-rota cancels them, and the carer's tablet receives
 * those cancellations although it no longer has the client. */
static void
test_rota_administration (void)
{
  ServerFixture f;
  g_autoptr(GHashTable) latest = NULL, clients = NULL;
  g_autofree char *tomorrow = days_ahead (1, 9), *later = days_ahead (2, 10), *past = days_ahead (-2, 9);
  g_autofree char *out = NULL, *err = NULL;
  JsonObject *b;

  fixture_setup (&f);
  g_free (fixture_admin (&f, TRUE, "assign", f.data, "c-2", "m-carer", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-1", "--client", "c-1", "--carer", "m-carer",
                         "--start", tomorrow, "--minutes", "30", "--service", "meal", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-2", "--client", "c-1", "--carer", "m-carer",
                         "--start", later, "--minutes", "30", "--service", "meal", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-3", "--client", "c-1", "--carer", "m-carer",
                         "--start", past, "--minutes", "30", "--service", "meal", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-4", "--client", "c-2", "--carer", "m-carer",
                         "--start", tomorrow, "--minutes", "30", "--service", "meal", NULL));
  g_free (fixture_admin (&f, TRUE, "schedule", "add", f.data, "s-5", "--client", "c-2", "--carer", "m-carer2",
                         "--start", later, "--minutes", "30", "--service", "meal", NULL));

  /* Move: a new time and length, the rest kept; to a carer not assigned there: refused. */
  out = fixture_admin (&f, TRUE, "schedule", "move", f.data, "s-1", "--start", later, "--minutes", "60", NULL);
  g_assert_nonnull (strstr (out, "Visit moved"));
  err = fixture_admin (&f, FALSE, "schedule", "move", f.data, "s-1", "--carer", "m-carer2", NULL);
  g_assert_nonnull (strstr (err, "not assigned to client c-1"));
  g_clear_pointer (&err, g_free);
  err = fixture_admin (&f, FALSE, "schedule", "cancel", f.data, "s-404", NULL);
  g_assert_nonnull (strstr (err, "The rota has no visit “s-404”"));
  g_clear_pointer (&err, g_free);

  /* Unassigning from c-1 offers to cancel s-1 and s-2 (not the past s-3). */
  g_clear_pointer (&out, g_free);
  out = fixture_admin (&f, TRUE, "assign", f.data, "c-1", "m-carer", "--remove", NULL);
  g_assert_nonnull (strstr (out, "2 visit(s) of m-carer at c-1 are still on the rota"));
  g_assert_nonnull (strstr (out, "--cancel-rota"));
  g_assert_null (strstr (out, "s-3 on"));
  g_clear_pointer (&out, g_free);
  out = fixture_admin (&f, TRUE, "assign", f.data, "c-1", "m-carer", "--remove", "--cancel-rota", NULL);
  g_assert_nonnull (strstr (out, "2 visit(s) still to come were cancelled"));

  /* Cancel one; cancelling it again is refused. */
  g_clear_pointer (&out, g_free);
  out = fixture_admin (&f, TRUE, "schedule", "cancel", f.data, "s-4", NULL);
  err = fixture_admin (&f, FALSE, "schedule", "cancel", f.data, "s-4", NULL);
  g_assert_nonnull (strstr (err, "already cancelled"));
  g_clear_pointer (&err, g_free);
  err = fixture_admin (&f, FALSE, "schedule", "move", f.data, "s-4", "--minutes", "20", NULL);
  g_assert_nonnull (strstr (err, "was cancelled"));
  g_clear_pointer (&err, g_free);

  latest = pulled_latest (&f, "m-carer", CARE_EVENT_SCHEDULE_SET, "schedule");
  b = g_hash_table_lookup (latest, "s-1");
  g_assert_nonnull (b);   /* reaches the carer though they left c-1 */
  g_assert_true (json_object_get_boolean_member_with_default (b, "cancelled", FALSE));
  g_assert_cmpint (json_object_get_int_member (b, "minutes"), ==, 60);
  g_assert_true (json_object_get_boolean_member_with_default (g_hash_table_lookup (latest, "s-2"), "cancelled", FALSE));
  g_assert_false (json_object_get_boolean_member_with_default (g_hash_table_lookup (latest, "s-3"), "cancelled", FALSE));
  g_assert_true (json_object_get_boolean_member_with_default (g_hash_table_lookup (latest, "s-4"), "cancelled", FALSE));
  g_clear_pointer (&latest, g_hash_table_unref);

  /* Deactivating c-2 cancels m-carer2's s-5 with it; a second time is refused. */
  g_clear_pointer (&out, g_free);
  out = fixture_admin (&f, TRUE, "client", "deactivate", f.data, "c-2", NULL);
  g_assert_nonnull (strstr (out, "1 visit(s) still to come were cancelled"));
  err = fixture_admin (&f, FALSE, "client", "deactivate", f.data, "c-2", NULL);
  g_assert_nonnull (strstr (err, "already deactivated"));
  latest = pulled_latest (&f, "m-carer2", CARE_EVENT_SCHEDULE_SET, "schedule");
  g_assert_true (json_object_get_boolean_member_with_default (g_hash_table_lookup (latest, "s-5"), "cancelled", FALSE));
  clients = pulled_latest (&f, "m-carer2", CARE_EVENT_CLIENT_SET, "client");
  b = g_hash_table_lookup (clients, "c-2");
  g_assert_false (json_object_get_boolean_member (b, "active"));
  g_assert_cmpstr (json_object_get_string_member (b, "name"), ==, "Lucia Ferri");
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/admin/help", test_help);
  g_test_add_func ("/admin/device-pending", test_device_pending);
  g_test_add_func ("/admin/start-times", test_start_times);
  g_test_add_func ("/admin/init-timezone", test_init_timezone);
  g_test_add_func ("/admin/member-and-schedule-checks", test_member_and_schedule_checks);
  g_test_add_func ("/admin/rota-import-all-or-nothing", test_rota_import_all_or_nothing);
  g_test_add_func ("/admin/rota-administration", test_rota_administration);
  return g_test_run ();
}
