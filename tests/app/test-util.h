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

/* A simulated remote device making events. */
typedef struct
{
  const char *device;
  const char *author;
  gint64 seq;
  gint64 last_hlc;
} TestDevice;

static inline CareEvent *
test_device_event (TestDevice *d,
                   gint64      wall,
                   const char *type,
                   const char *format,
                   ...) G_GNUC_PRINTF (4, 5);

static inline CareEvent *
test_device_event (TestDevice *d,
                   gint64      wall,
                   const char *type,
                   const char *format,
                   ...)
{
  va_list args;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  CareEvent *e = care_event_new ();

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);
  body = json_from_string (json, &error);
  g_assert_no_error (error);
  e->seq = ++d->seq;
  e->id = g_strdup_printf ("%s-%" G_GINT64_FORMAT, d->device, e->seq);
  e->device = g_strdup (d->device);
  e->author = g_strdup (d->author);
  e->hlc = d->last_hlc = MAX ((wall << 16), d->last_hlc + 1);
  e->wall = wall;
  e->type = care_event_type_from_string (type);
  e->body = json_node_dup_object (body);
  g_assert_true (care_event_validate (e, NULL));
  return e;
}

/* Applies one event as a page of one. */
static inline void
test_apply (CareStore *store,
            CareEvent *event)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) care_event_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (page, event);
  g_assert_true (care_store_apply_page (store, page, NULL, &error));
  g_assert_no_error (error);
}
