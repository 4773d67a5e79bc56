/* care-private.h: files and folders readable by their user only.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file that holds care data or a key (a care log and its -wal, -shm
 * and -session files, a device key, an export, a server's database and its
 * backups) is created with mode 0600 in a folder of mode 0700, whatever the
 * process's umask.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_PRIVATE_FILE_MODE 0600
#define CARE_PRIVATE_DIR_MODE  0700

gboolean care_private_mkdir   (const char *dir,
                               GError    **error);
int      care_private_open    (const char *path,
                               int         flags,
                               GError    **error);
gboolean care_private_create  (const char *path,
                               GError    **error);
void     care_private_tighten (const char *path);

G_END_DECLS
