/* care-erase.c: erasing a revoked tablet's care data.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the co-op revokes a tablet (docs/privacy.md), its sync daemon erases
 * the care log and everything beside it that holds care data or a key: the
 * care log and its -wal, -shm, -journal and -session files, and a device key
 * kept in a file. Each is overwritten with zeros, flushed to the disk and
 * removed; on flash storage the old blocks may survive the overwrite, which
 * is why docs/privacy.md also asks for an encrypted data folder. Only these
 * named files are touched: a care log opened with --store may sit in a
 * folder that holds the user's other files.
 *
 * What is left is "<care log>-removed", holding only when the erasure
 * happened: opening the care log is refused from then on
 * (CARE_STORE_ERROR_REMOVED, "This tablet was removed from the co-op"), so
 * the app says so instead of starting an empty care log, until the tablet
 * is enrolled again.
 */
#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "care-erase.h"
#include "care-private.h"

#define ZEROS_SIZE (64 * 1024)

static const char *const companions[] = { "", "-wal", "-shm", "-journal", "-session" };

static char *
marker_path (const char *store_path)
{
  return g_strconcat (store_path, "-removed", NULL);
}

/* Overwrites PATH with zeros, flushes, removes it. A file that does not
 * exist is fine. */
static gboolean
shred (const char *path,
       GError    **error)
{
  static const guint8 zeros[ZEROS_SIZE] = { 0 };
  struct stat st;
  int fd = g_open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  int saved;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      goto fail;
    }
  if (fstat (fd, &st) != 0)
    goto fail_close;
  for (off_t done = 0; S_ISREG (st.st_mode) && done < st.st_size;)
    {
      size_t n = (size_t) MIN ((off_t) ZEROS_SIZE, st.st_size - done);
      ssize_t w = pwrite (fd, zeros, n, done);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        goto fail_close;
      done += w;
    }
  if (fdatasync (fd) != 0)
    goto fail_close;
  close (fd);
  if (g_unlink (path) != 0 && errno != ENOENT)
    goto fail;
  return TRUE;

fail_close:
  saved = errno;
  close (fd);
  errno = saved;
fail:
  saved = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("The file %s could not be erased (%s)."), path, g_strerror (saved));
  return FALSE;
}

/* Erases the care log at STORE_PATH, its companion files and a device key
 * file beside it, then leaves the removal marker. Every file is tried even
 * when one fails; FALSE (with the first failure) if any could not be
 * erased. No process should have the care log open: one that has keeps
 * reading the erased file's old contents until it closes it. */
gboolean
care_erase_profile (const char *store_path,
                    GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (store_path);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *marker = marker_path (store_path);
  g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT "\n", g_get_real_time () / 1000);
  g_autoptr(GError) first = NULL;

  /* The marker first: from now on nothing opens (and so recreates) the
   * care log while it is being erased. */
  if (!g_file_set_contents_full (marker, when, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 CARE_PRIVATE_FILE_MODE, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    g_ptr_array_add (paths, g_strconcat (store_path, companions[i], NULL));
  g_ptr_array_add (paths, g_build_filename (dir, "device-key", NULL));
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!shred (g_ptr_array_index (paths, i), &local_error) && first == NULL)
        first = g_steal_pointer (&local_error);
    }
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

/* Whether the care log at STORE_PATH was erased because the tablet was
 * removed from the co-op; when_ms (may be NULL) says when. */
gboolean
care_erase_is_removed (const char *store_path,
                       gint64     *when_ms)
{
  g_autofree char *marker = marker_path (store_path);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (marker, &contents, NULL, NULL))
    return FALSE;
  if (when_ms != NULL)
    *when_ms = g_ascii_strtoll (contents, NULL, 10);
  return TRUE;
}

/* The tablet is being enrolled again: a new care log may be created. */
void
care_erase_forget_removal (const char *store_path)
{
  g_autofree char *marker = marker_path (store_path);

  g_unlink (marker);
}
