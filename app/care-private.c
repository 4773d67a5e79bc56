/* care-private.c: files and folders readable by their user only.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * open() and mkdir() apply the umask, which can only remove permission
 * bits, so 0600 and 0700 never come out wider; an explicit fchmod()/chmod()
 * after creation makes them exactly 0600 and 0700 even under an umask that
 * would take the owner's own bits away. SQLite creates a database's -wal,
 * -journal and -shm files with the mode of the database file itself, so a
 * database file created here keeps its companions private too.
 */
#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "care-private.h"

/* Creates DIR (and missing parents) with mode 0700; a folder that already
 * exists keeps its mode (it may be one the user chose for other files). */
gboolean
care_private_mkdir (const char *dir,
                    GError    **error)
{
  gboolean existed = g_file_test (dir, G_FILE_TEST_IS_DIR);

  if (existed)
    return TRUE;
  if (g_mkdir_with_parents (dir, CARE_PRIVATE_DIR_MODE) != 0 || g_chmod (dir, CARE_PRIVATE_DIR_MODE) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The folder %s cannot be created (%s). Check the path and its permissions."),
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* open(2) with O_CREAT and mode 0600; a file it opens (new or not) is made
 * 0600 if anyone but its owner could read or write it. */
int
care_private_open (const char *path,
                   int         flags,
                   GError    **error)
{
  int fd = g_open (path, flags | O_CREAT | O_CLOEXEC, CARE_PRIVATE_FILE_MODE);
  struct stat st;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The file %s cannot be created (%s). Check that its folder belongs to you."),
                   path, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) == 0 && (st.st_mode & 0777) != CARE_PRIVATE_FILE_MODE
      && fchmod (fd, CARE_PRIVATE_FILE_MODE) != 0)
    g_debug ("Could not make %s private: %s", path, g_strerror (errno));
  return fd;
}

/* Creates PATH empty with mode 0600 if it does not exist, or makes an
 * existing one 0600. */
gboolean
care_private_create (const char *path,
                     GError    **error)
{
  int fd = care_private_open (path, O_RDONLY, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/* Takes group and other permissions away from PATH if it exists (a file
 * left wider by an older version or another program). */
void
care_private_tighten (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 077) != 0
      && g_chmod (path, st.st_mode & 0700) != 0)
    g_debug ("Could not make %s private: %s", path, g_strerror (errno));
}
