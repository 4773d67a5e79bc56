/* care-storage.c: whether the tablet's data folder is on an encrypted volume.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/privacy.md: a co-op requires carers' tablets to keep Carelog's data
 * on an encrypted volume, and the daemon says which kind with every request
 * (Carelog-Storage), so that "carelog-server device list" shows it and a
 * co-op that requires it refuses the others. Two kinds are recognised:
 *
 *   fscrypt:  the folder itself has an encryption policy
 *             (FS_IOC_GET_ENCRYPTION_POLICY_EX answers one);
 *   dm-crypt: the file system's block device is, or sits on, a device-mapper
 *             target whose uuid starts with "CRYPT-" (LUKS or plain
 *             dm-crypt), found through /proc/self/mountinfo and the slaves in
 *             /sys/dev/block, so LVM or RAID on LUKS counts too.
 *
 * Anything else is "plain"; "unknown" when the folder cannot be examined.
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fscrypt.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "care-storage.h"

#define MAX_DEPTH 8

static gboolean
has_fscrypt_policy (const char *dir)
{
  struct fscrypt_get_policy_ex_arg arg = { .policy_size = sizeof arg.policy };
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  gboolean found;

  if (fd < 0)
    return FALSE;
  found = ioctl (fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg) == 0;
  close (fd);
  return found;
}

/* Whether the block device MAJ:MIN is a dm-crypt target or sits on one. */
static gboolean
is_dm_crypt (guint maj,
             guint min,
             guint depth)
{
  g_autofree char *sys = g_strdup_printf ("/sys/dev/block/%u:%u", maj, min);
  g_autofree char *uuid_path = g_build_filename (sys, "dm", "uuid", NULL);
  g_autofree char *slaves = g_build_filename (sys, "slaves", NULL);
  g_autofree char *uuid = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (depth > MAX_DEPTH)
    return FALSE;
  if (g_file_get_contents (uuid_path, &uuid, NULL, NULL) && g_str_has_prefix (uuid, "CRYPT-"))
    return TRUE;
  dir = g_dir_open (slaves, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *dev_path = g_build_filename (slaves, name, "dev", NULL);
      g_autofree char *dev = NULL;
      guint a, b;

      if (g_file_get_contents (dev_path, &dev, NULL, NULL) && sscanf (dev, "%u:%u", &a, &b) == 2
          && is_dm_crypt (a, b, depth + 1))
        return TRUE;
    }
  return FALSE;
}

/* The block device of the file system holding PATH (a real path), from
 * the longest mount point that contains it; FALSE when there is none (a
 * network or virtual file system). */
static gboolean
block_device_of (const char *path,
                 guint      *maj,
                 guint      *min)
{
  g_autofree char *info = NULL;
  g_auto(GStrv) lines = NULL;
  gsize best = 0;
  gboolean found = FALSE;

  if (!g_file_get_contents ("/proc/self/mountinfo", &info, NULL, NULL))
    return FALSE;
  lines = g_strsplit (info, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);
      const char *source = NULL;
      gsize len;
      guint a, b;

      if (g_strv_length (f) < 10 || sscanf (f[2], "%u:%u", &a, &b) != 2)
        continue;
      len = strlen (f[4]);
      if (!(g_str_equal (f[4], "/") || (g_str_has_prefix (path, f[4]) && (path[len] == '/' || path[len] == '\0')))
          || len < best)
        continue;
      /* After the optional fields: " - fstype source options". */
      for (guint j = 6; f[j] != NULL; j++)
        if (g_str_equal (f[j], "-") && f[j + 1] != NULL && f[j + 2] != NULL)
          {
            source = f[j + 2];
            break;
          }
      best = len;
      found = TRUE;
      *maj = a;
      *min = b;
      /* btrfs and others report an anonymous device: its source names the real one. */
      if (a == 0 && source != NULL && g_str_has_prefix (source, "/dev/"))
        {
          struct stat st;

          if (stat (source, &st) == 0 && S_ISBLK (st.st_mode))
            {
              *maj = major (st.st_rdev);
              *min = minor (st.st_rdev);
            }
        }
    }
  return found;
}

const char *
care_storage_detect (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *real = NULL;
  guint maj = 0, min = 0;

#if CARE_FAULT_HOOKS
  /* Test builds: the tests cannot make an encrypted volume. */
  const char *forced = g_getenv ("CARELOG_TEST_STORAGE");

  if (forced != NULL)
    return g_intern_string (forced);
#endif
  real = realpath (dir, NULL);
  if (real == NULL)
    return CARE_STORAGE_UNKNOWN;
  if (has_fscrypt_policy (real))
    return CARE_STORAGE_FSCRYPT;
  if (!block_device_of (real, &maj, &min))
    return CARE_STORAGE_UNKNOWN;
  return is_dm_crypt (maj, min, 0) ? CARE_STORAGE_DM_CRYPT : CARE_STORAGE_PLAIN;
}
