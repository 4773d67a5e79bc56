/* test-util.h: helpers shared by the app/ tests.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 now;
} TestClock;

static inline gint64
test_clock_cb (gpointer user_data)
{
  return ((TestClock *) user_data)->now;
}

/* A fresh temp directory, removed (with its files) by test_dir_free. */
static inline char *
test_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("carelog-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
test_dir_free (char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        test_dir_free (g_strdup (path));
      else
        g_unlink (path);
    }
  g_rmdir (dir);
  g_free (dir);
}

/* Opens DIR/name.db as a carer store with identity dev-NAME/carer-NAME and a
 * fixed clock. */
static inline CareStore *
test_store_open (const char *dir,
                 const char *name,
                 CareRole    role,
                 TestClock  *clock)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%s.db", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *device = g_strdup_printf ("dev-%s", name);
  g_autofree char *member = g_strdup_printf ("member-%s", name);
  CareStore *store = care_store_open (path, &error);

  g_assert_no_error (error);
  if (clock != NULL)
    care_store_set_clock (store, test_clock_cb, clock);
  if (care_store_get_device (store) == NULL)
    {
      care_store_set_identity (store, device, member, role, &error);
      g_assert_no_error (error);
    }
  g_assert_true (care_store_set_meta (store, "timezone", "Europe/London", &error));
  g_assert_no_error (error);
  return store;
}

/* A roster event as the co-op would send it. */
static inline CareEvent *
test_roster_event (const char *type,
                   gint64      seq,
                   gint64      hlc,
                   const char *json)
{
  g_autoptr(JsonNode) body = json_from_string (json, NULL);
  CareEvent *e = care_event_new ();

  g_assert_nonnull (body);
  e->id = g_strdup_printf ("coop-%s-%" G_GINT64_FORMAT, type, seq);
  e->device = g_strdup ("coop");
  e->seq = seq;
  e->author = g_strdup ("admin");
  e->hlc = hlc < (1 << 20) ? (G_GINT64_CONSTANT (1790000000000) << 16) + hlc : hlc;
  e->wall = e->hlc >> 16;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (body);
  return e;
}

G_END_DECLS
