/* test-cli.c: the real carelog-cli binary, as scripts and people use it.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "test-util.h"

typedef struct
{
  char *dir;
  char *store;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static Result
cli (Fixture    *f,
     const char *first,
     ...) G_GNUC_NULL_TERMINATED;

static Result
run_cli (gboolean    with_store,
         Fixture    *f,
         const char *first,
         va_list     args)
{
  const char *build = g_getenv ("CARELOG_BUILD_DIR");
  g_autofree char *bin = g_build_filename (build ? build : ".", "app", "carelog-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  g_ptr_array_add (argv, bin);
  if (with_store)
    {
      g_ptr_array_add (argv, "--store");
      g_ptr_array_add (argv, f->store);
    }
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r.out, &r.err, &r.status, &error));
  g_assert_no_error (error);
  r.status = WIFEXITED (r.status) ? WEXITSTATUS (r.status) : 255;
  return r;
}

/* carelog-cli --store FIXTURE'S STORE ARGS… */
static Result
cli (Fixture    *f,
     const char *first,
     ...)
{
  va_list args;
  Result r;

  va_start (args, first);
  r = run_cli (TRUE, f, first, args);
  va_end (args);
  return r;
}

/* carelog-cli ARGS… (no --store) */
static Result
cli_bare (Fixture    *f,
          const char *first,
          ...) G_GNUC_NULL_TERMINATED;

static Result
cli_bare (Fixture    *f,
          const char *first,
          ...)
{
  va_list args;
  Result r;

  va_start (args, first);
  r = run_cli (FALSE, f, first, args);
  va_end (args);
  return r;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static char *
json_field (const char *text,
            const char *name)
{
  g_autoptr(JsonNode) node = parse (text);

  return g_strdup (json_object_get_string_member (json_node_get_object (node), name));
}

static void
assert_ok (Result *r)
{
  if (r->status != 0)
    g_error ("carelog-cli failed (%d): %s", r->status, r->err);
}

static void
assert_fails (Result     *r,
              const char *needle)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "carelog-cli: "));
  if (strstr (r->err, needle) == NULL)
    g_error ("“%s” does not say “%s”", r->err, needle);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Result) r = { 0 };

  f->dir = test_dir_new ();
  f->store = g_build_filename (f->dir, "cli.db", NULL);
  r = cli (f, "demo", NULL);
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, "Ana Lima"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->store);
  test_dir_free (f->dir);
}

static void
test_visit (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Result) in = cli (f, "check-in", "c-rose", "--json", NULL);
  g_autofree char *visit = NULL;
  g_autofree char *note = NULL;

  assert_ok (&in);
  visit = json_field (in.out, "visit");
  {
    g_auto(Result) early = cli (f, "check-out", visit, NULL);
    g_auto(Result) task = cli (f, "task", visit, "meds-am", "done", NULL);
    g_auto(Result) skip = cli (f, "task", visit, "wash", "not-done", "--reason", "Client declined", NULL);
    g_auto(Result) n = cli (f, "note", visit, "nutrition", "Ate", "porridge", "--json", NULL);
    g_auto(Result) out = cli (f, "check-out", visit, NULL);
    g_auto(Result) show = cli (f, "show", visit, "--json", NULL);
    g_auto(Result) human = cli (f, "show", visit, NULL);
    g_autoptr(JsonNode) detail = NULL;
    JsonObject *summary;

    assert_fails (&early, "Prompt morning medication");
    assert_ok (&task);
    assert_ok (&skip);
    assert_ok (&n);
    note = json_field (n.out, "note");
    assert_ok (&out);
    assert_ok (&show);
    detail = parse (show.out);
    summary = json_object_get_object_member (json_node_get_object (detail), "summary");
    g_assert_cmpstr (json_object_get_string_member (summary, "state"), ==, "done");
    g_assert_cmpstr (json_object_get_string_member (summary, "sync"), ==, "local");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (detail), "notes")), ==, 1);
    assert_ok (&human);
    g_assert_nonnull (strstr (human.out, "Ate porridge"));
    g_assert_nonnull (strstr (human.out, "Client declined"));
  }
  {
    /* A time ahead of now is refused, not recorded (70 minutes ahead). */
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *future = g_strdup_printf ("%" G_GINT64_FORMAT, (g_date_time_to_unix (now) + 70 * 60) * 1000);
    g_auto(Result) ahead = cli (f, "amend-visit", visit, "check-out", future, "--reason", "left late", NULL);
    g_auto(Result) show = cli (f, "show", visit, "--json", NULL);
    g_autoptr(JsonNode) detail = NULL;
    JsonObject *summary;

    assert_fails (&ahead, "in the future");
    assert_ok (&show);
    detail = parse (show.out);
    summary = json_object_get_object_member (json_node_get_object (detail), "summary");
    g_assert_cmpint (json_object_get_int_member (summary, "flags") & (1 << 4), ==, 0); /* not amended */
  }
  {
    g_auto(Result) amend = cli (f, "amend-note", note, "Ate", "toast", "--reason", "wrong breakfast", NULL);
    g_auto(Result) noreason = cli (f, "amend-visit", visit, "service", "night care", NULL);
    g_auto(Result) service = cli (f, "amend-visit", visit, "service", "night care", "--reason", "typo", NULL);
    g_auto(Result) search = cli (f, "search", "toast", "--json", NULL);
    g_autoptr(JsonNode) hits = NULL;

    assert_ok (&amend);
    {
      /* Both texts and the reason stay visible after the correction. */
      g_auto(Result) human = cli (f, "show", visit, NULL);
      g_auto(Result) json = cli (f, "show", visit, "--json", NULL);
      g_autoptr(JsonNode) detail = NULL;
      JsonObject *n;
      JsonArray *versions;

      assert_ok (&human);
      g_assert_nonnull (strstr (human.out, "Ate porridge"));
      g_assert_nonnull (strstr (human.out, "Ate toast"));
      g_assert_nonnull (strstr (human.out, "wrong breakfast"));
      assert_ok (&json);
      detail = parse (json.out);
      n = json_array_get_object_element (json_object_get_array_member (json_node_get_object (detail), "notes"), 0);
      g_assert_cmpstr (json_object_get_string_member (n, "text"), ==, "Ate toast");
      versions = json_object_get_array_member (n, "versions");
      g_assert_cmpuint (json_array_get_length (versions), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (versions, 0), "kind"), ==, "original");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (versions, 0), "text"), ==, "Ate porridge");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (versions, 1), "kind"), ==, "correction");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (versions, 1), "text"), ==, "Ate toast");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (versions, 1), "reason"), ==, "wrong breakfast");
    }
    assert_fails (&noreason, "--reason");
    assert_ok (&service);
    assert_ok (&search);
    hits = parse (search.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (hits)), ==, 1);
  }
}

static void
test_outbox_and_hours (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Result) before = cli (f, "outbox", "--json", NULL);
  g_auto(Result) hours = cli (f, "hours", "travel", "30", "--comment", "bus", "--json", NULL);
  g_auto(Result) after = cli (f, "outbox", "--json", NULL);
  g_auto(Result) week = cli (f, "week", "--json", NULL);
  g_auto(Result) today = cli (f, "today", NULL);
  g_auto(Result) verify = cli (f, "verify", NULL);
  g_auto(Result) csv = cli (f, "export-visits", NULL);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) w = NULL;

  assert_ok (&before);
  assert_ok (&hours);
  assert_ok (&after);
  a = parse (before.out);
  b = parse (after.out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (b), "pending"), ==,
                   json_object_get_int_member (json_node_get_object (a), "pending") + 1);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json_node_get_object (b), "records")), ==,
                   json_object_get_int_member (json_node_get_object (b), "pending"));
  assert_ok (&week);
  w = parse (week.out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (w), "total_minutes"), >=, 30);
  assert_ok (&today);
  g_assert_nonnull (strstr (today.out, "Visits on"));
  assert_ok (&verify);
  assert_ok (&csv);
  g_assert_cmpuint (strlen (csv.out), >, 0);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Result) unknown = cli (f, "fly", NULL);
  g_auto(Result) usage = cli (f, "task", "v1", NULL);
  g_auto(Result) client = cli (f, "check-in", "c-nobody", NULL);
  g_auto(Result) visit = cli (f, "check-out", "no-such-visit", NULL);
  g_auto(Result) again = cli (f, "demo", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);
  g_auto(Result) corrupt = { 0 };

  assert_fails (&unknown, "Unknown command");
  assert_fails (&usage, "Usage: carelog-cli task");
  assert_fails (&client, "Unknown client c-nobody: `carelog-cli clients` lists them");
  assert_fails (&visit, "no-such-visit");
  assert_fails (&again, "already set up");
  {
    g_auto(Result) visits = cli (f, "export-visits", "--from", "2026-11-25", "--to", "2026-11-20", NULL);
    g_auto(Result) hours = cli (f, "export-hours", "--from", "2026-11-25", "--to", "2026-11-20", NULL);
    g_auto(Result) list = cli (f, "visits", "--from", "2026-11-25", "--to", "2026-11-20", NULL);
    g_auto(Result) same = cli (f, "export-visits", "--from", "2026-11-20", "--to", "2026-11-20", NULL);

    assert_fails (&visits, "--from 2026-11-25 is after --to 2026-11-20");
    g_assert_cmpstr (visits.out, ==, "");
    assert_fails (&hours, "after it ends");
    g_assert_cmpstr (hours.out, ==, "");
    assert_fails (&list, "is after");
    assert_ok (&same);
  }
  g_assert_true (g_file_set_contents (junk, "this is not a care log, it is a shopping list: milk, eggs, "
                                      "bread, tea, soap and a birthday card for Rose", -1, NULL));
  g_free (f->store);
  f->store = g_strdup (junk);
  corrupt = cli (f, "today", NULL);
  assert_fails (&corrupt, "left exactly as it was");
}

/* A carer answers the co-op's query with what `show` and `today` print:
 * the visit id, or the review id shown next to the query. */
static void
test_answer_query (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Result) queried = cli (f, "visits", "--review", "queried", "--json", NULL);
  g_autoptr(JsonNode) list = NULL;
  JsonObject *summary;
  g_autofree char *visit = NULL;
  g_autofree char *review = NULL;

  assert_ok (&queried);
  list = parse (queried.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  summary = json_array_get_object_element (json_node_get_array (list), 0);
  visit = g_strdup (json_object_get_string_member (summary, "visit"));
  review = g_strdup (json_object_get_string_member (summary, "open_review"));
  g_assert_nonnull (review);
  {
    g_auto(Result) show = cli (f, "show", visit, NULL);
    g_auto(Result) json = cli (f, "show", visit, "--json", NULL);
    g_autoptr(JsonNode) detail = NULL;

    assert_ok (&show);
    g_assert_nonnull (strstr (show.out, review));
    g_assert_nonnull (strstr (show.out, "carelog-cli answer"));
    assert_ok (&json);
    detail = parse (json.out);
    summary = json_object_get_object_member (json_node_get_object (detail), "summary");
    g_assert_cmpstr (json_object_get_string_member (summary, "open_review"), ==, review);
  }
  {
    g_auto(Result) wrong = cli (f, "answer", "no-such-review", "It", "was", "right", NULL);
    g_auto(Result) answer = cli (f, "answer", visit, "Checked:", "she", "sent", "me", "home", "early", NULL);
    g_auto(Result) again = cli (f, "answer", visit, "Again", NULL);
    g_auto(Result) json = cli (f, "show", visit, "--json", NULL);
    g_auto(Result) show = cli (f, "show", visit, NULL);
    g_autoptr(JsonNode) detail = NULL;

    assert_fails (&wrong, "visit id");
    assert_ok (&answer);
    assert_fails (&again, "no open query");
    assert_ok (&json);
    detail = parse (json.out);
    summary = json_object_get_object_member (json_node_get_object (detail), "summary");
    g_assert_cmpstr (json_object_get_string_member (summary, "review"), ==, "none");
    g_assert_true (json_object_get_null_member (summary, "open_review"));
    assert_ok (&show);
    g_assert_nonnull (strstr (show.out, "she sent me home early"));
  }
}

/* Cancelling a scheduled visit shows in its history (who, when, why), and
 * only once. */
static void
test_cancel_schedule (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Result) cancel = cli (f, "cancel", "--schedule", "s-ana-+1-0", "--reason", "Client in hospital", NULL);
  g_auto(Result) again = cli (f, "cancel", "--schedule", "s-ana-+1-0", "--reason", "Client in hospital", NULL);
  g_auto(Result) show = cli (f, "show", "schedule:s-ana-+1-0", NULL);
  g_auto(Result) json = cli (f, "show", "schedule:s-ana-+1-0", "--json", NULL);
  g_auto(Result) outbox = cli (f, "outbox", "--json", NULL);
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonNode) box = NULL;
  JsonArray *history, *records;
  JsonObject *entry;
  guint cancels = 0;

  assert_ok (&cancel);
  assert_fails (&again, "already been cancelled");
  g_assert_nonnull (strstr (again.err, "Client in hospital"));
  assert_ok (&show);
  g_assert_nonnull (strstr (show.out, "cancelled"));
  g_assert_nonnull (strstr (show.out, "Ana Lima"));
  g_assert_nonnull (strstr (show.out, "Client in hospital"));
  assert_ok (&json);
  detail = parse (json.out);
  history = json_object_get_array_member (json_node_get_object (detail), "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  entry = json_array_get_object_element (history, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "visit.cancelled");
  g_assert_cmpstr (json_object_get_string_member (entry, "author"), ==, "m-ana");
  g_assert_cmpstr (json_object_get_string_member (entry, "reason"), ==, "Client in hospital");
  g_assert_cmpint (json_object_get_int_member (entry, "wall"), >, 0);
  assert_ok (&outbox);
  box = parse (outbox.out);
  records = json_object_get_array_member (json_node_get_object (box), "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    cancels += g_str_equal (json_object_get_string_member (json_array_get_object_element (records, i), "type"),
                            "visit.cancelled");
  g_assert_cmpuint (cancels, ==, 1);
}

/* Help, stray arguments, and profiles or files that do not exist. */
static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *data_dir = g_build_filename (f->dir, "data", NULL);
  g_autofree char *profile_db = g_build_filename (data_dir, "profiles", "nobody", "carelog.db", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", "x.db", NULL);
  g_autofree char *absent = g_build_filename (f->dir, "absent.db", NULL);

  {
    g_auto(Result) help = cli_bare (f, "--help", NULL);
    g_auto(Result) h = cli_bare (f, "help", NULL);
    g_auto(Result) extra = cli (f, "today", "tomorrow", NULL);
    g_auto(Result) split = cli (f, "amend-visit", "v1", "check-out", "2026-11-23", "10:30", "--reason", "x", NULL);
    g_auto(Result) text = cli (f, "search", "porridge", "toast", NULL);
    g_auto(Result) unknown = cli (f, "today", "--tomorrow", NULL);
    g_auto(Result) no_value = cli (f, "today", "--carer", NULL);
    g_auto(Result) equals = cli (f, "today", "--date=2026-11-23", NULL);

    assert_ok (&help);
    g_assert_true (g_str_has_prefix (help.out, "Usage: carelog-cli"));
    g_assert_nonnull (strstr (help.out, "check-in CLIENT"));
    assert_ok (&h);
    g_assert_cmpstr (h.out, ==, help.out);

    /* Options are parsed by GOptionContext, anywhere on the line. */
    assert_fails (&unknown, "Unknown option --tomorrow");
    assert_fails (&no_value, "Missing argument for --carer");
    assert_ok (&equals);
    assert_fails (&extra, "“tomorrow” is one too many");
    assert_fails (&split, "“10:30” is one too many");
    assert_ok (&text);
  }
  g_setenv ("CARELOG_DATA_DIR", data_dir, TRUE);
  {
    const char *readers[] = { "today", "show", "week", "outbox", "search", "visits", "export-visits",
                              "export-hours", "verify", "check-in" };

    for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
      {
        gboolean one = g_str_equal (readers[i], "show") || g_str_equal (readers[i], "search")
                       || g_str_equal (readers[i], "check-in");
        g_auto(Result) r = cli_bare (f, "--profile", "nobody", readers[i], one ? "x" : NULL, NULL);

        assert_fails (&r, "There is no profile “nobody”");
        g_assert_nonnull (strstr (r.err, "--profile nobody demo"));
        g_assert_nonnull (strstr (r.err, "enrol"));
        g_assert_false (g_file_test (profile_db, G_FILE_TEST_EXISTS));
      }
  }
  {
    g_auto(Result) demo = cli_bare (f, "--profile", "nobody", "demo", NULL);
    g_auto(Result) today = cli_bare (f, "--profile", "nobody", "today", NULL);

    g_auto(Result) again = cli_bare (f, "--profile", "nobody", "demo", NULL);
    g_auto(Result) role = cli_bare (f, "--profile", "other", "demo", "--role", "administrator", NULL);

    assert_ok (&demo);
    assert_ok (&today);
    /* Suggests a profile that is free, not the one in use. */
    assert_fails (&again, "already set up");
    g_assert_nonnull (strstr (again.err, "--profile nobody-2 demo"));
    assert_fails (&role, "--role takes carer or supervisor.");
  }
  g_unsetenv ("CARELOG_DATA_DIR");
  {
    g_auto(Result) folder = cli_bare (f, "--store", missing, "today", NULL);
    g_auto(Result) folder_demo = cli_bare (f, "--store", missing, "demo", NULL);
    g_auto(Result) file = cli_bare (f, "--store", absent, "visits", NULL);

    assert_fails (&folder, "does not exist");
    assert_fails (&folder_demo, "does not exist");
    assert_fails (&file, "There is no care log at");
    g_assert_false (g_file_test (absent, G_FILE_TEST_EXISTS));
  }
}

/* `clients` lists this carer's clients (id, name, address). */
static void
test_clients (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Result) text = cli (f, "clients", NULL);
  g_auto(Result) json = cli (f, "clients", "--json", NULL);
  g_autoptr(JsonNode) list = NULL;
  JsonArray *a;
  gboolean rose = FALSE;

  assert_ok (&text);
  g_assert_nonnull (strstr (text.out, "c-rose"));
  g_assert_nonnull (strstr (text.out, "Rose Whitfield"));
  g_assert_nonnull (strstr (text.out, "14 Mill Lane, Hebden Bridge HX7 8AB"));
  assert_ok (&json);
  list = parse (json.out);
  a = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (a), >, 0);
  g_assert_cmpuint (json_array_get_length (a), <, 7); /* only her clients, not all seven */
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *c = json_array_get_object_element (a, i);

      g_assert_nonnull (json_object_get_string_member (c, "name"));
      g_assert_nonnull (json_object_get_string_member (c, "address"));
      rose |= g_str_equal (json_object_get_string_member (c, "client"), "c-rose");
    }
  g_assert_true (rose);
}

static void
test_syncd (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *script = g_build_filename (f->dir, "fake-syncd", NULL);
  g_autofree char *log = g_build_filename (f->dir, "syncd.log", NULL);
  g_autofree char *body = g_strdup_printf ("#!/bin/sh\necho \"$@\" >> '%s'\n", log);
  g_autofree char *logged = NULL;

  g_assert_true (g_file_set_contents (script, body, -1, NULL));
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  g_setenv ("CARELOG_SYNCD", script, TRUE);
  {
    /* The fixture's store is the local demo: it has no co-op. */
    g_auto(Result) demo_enrol = cli (f, "enrol", "carelog:1:https://127.0.0.1:1:code:pin", NULL);
    g_auto(Result) demo_sync = cli (f, "sync", NULL);

    assert_fails (&demo_enrol, "local demo");
    assert_fails (&demo_sync, "local demo");
    g_assert_false (g_file_test (log, G_FILE_TEST_EXISTS));
  }
  g_free (f->store);
  f->store = g_build_filename (f->dir, "work.db", NULL);
  {
    g_auto(Result) enrol = cli (f, "enrol", "carelog:1:https://127.0.0.1:1:code:pin", NULL);
    g_auto(Result) sync = cli (f, "sync", NULL);

    assert_ok (&enrol);
    g_assert_nonnull (strstr (enrol.out, "arrive at the next sync"));
    g_assert_nonnull (strstr (enrol.out, "sync` now"));
    assert_ok (&sync);
  }
  g_unsetenv ("CARELOG_SYNCD");
  g_assert_true (g_file_get_contents (log, &logged, NULL, NULL));
  g_assert_nonnull (strstr (logged, "--enrol carelog:1:https://127.0.0.1:1:code:pin"));
  g_assert_nonnull (strstr (logged, "--once"));
  g_assert_nonnull (strstr (logged, f->store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/app/cli/visit", Fixture, NULL, fixture_set_up, test_visit, fixture_tear_down);
  g_test_add ("/app/cli/outbox-and-hours", Fixture, NULL, fixture_set_up, test_outbox_and_hours, fixture_tear_down);
  g_test_add ("/app/cli/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/app/cli/answer-query", Fixture, NULL, fixture_set_up, test_answer_query, fixture_tear_down);
  g_test_add ("/app/cli/cancel-schedule", Fixture, NULL, fixture_set_up, test_cancel_schedule, fixture_tear_down);
  g_test_add ("/app/cli/usage", Fixture, NULL, fixture_set_up, test_usage, fixture_tear_down);
  g_test_add ("/app/cli/clients", Fixture, NULL, fixture_set_up, test_clients, fixture_tear_down);
  g_test_add ("/app/cli/sync-daemon", Fixture, NULL, fixture_set_up, test_syncd, fixture_tear_down);
  return g_test_run ();
}
