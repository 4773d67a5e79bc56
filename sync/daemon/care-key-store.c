/* care-key-store.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "care-key-store.h"

typedef struct
{
  char *store_path;
  char *device;
  char *key;
} KeyOp;

static void
key_op_free (KeyOp *op)
{
  g_free (op->store_path);
  g_free (op->device);
  if (op->key != NULL)
    memset (op->key, 0, strlen (op->key));
  g_free (op->key);
  g_free (op);
}

static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    "coop.carelog.Carelog.DeviceKey", SECRET_SCHEMA_NONE,
    {
      { "device", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static gboolean
use_secret_service (void)
{
  return g_strcmp0 (g_getenv ("CARELOG_KEY_STORE"), "file") != 0;
}

char *
care_key_store_file_path (const char *store_path)
{
  g_autofree char *dir = g_path_get_dirname (store_path);

  return g_build_filename (dir, "device-key", NULL);
}

static gboolean
save_file (KeyOp   *op,
           GError **error)
{
  g_autofree char *path = care_key_store_file_path (op->store_path);
  g_autofree char *contents = g_strdup_printf ("%s %s\n", op->device, op->key);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "This tablet's key could not be saved (%s): free some space "
                   "or ask your co-ordinator for help, then enrol again",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
lookup_file (KeyOp   *op,
             GError **error)
{
  g_autofree char *path = care_key_store_file_path (op->store_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  char *space;
  GStatBuf st;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
    g_chmod (path, 0600);

  g_strstrip (contents);
  space = strchr (contents, ' ');
  if (space == NULL)
    return NULL;
  *space = '\0';
  if (g_strcmp0 (contents, op->device) != 0)
    return NULL;  /* a key for an older enrolment */
  return g_strdup (space + 1);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  KeyOp *op = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  if (use_secret_service ())
    {
      label = g_strdup_printf ("Carelog device key (%s)", op->device);
      if (secret_password_store_sync (key_schema (), SECRET_COLLECTION_DEFAULT, label, op->key,
                                      cancellable, &error,
                                      "device", op->device, "store", op->store_path, NULL))
        {
          g_autofree char *path = care_key_store_file_path (op->store_path);

          /* The Secret Service holds it now: no copy lying around. */
          g_unlink (path);
          g_task_return_boolean (task, TRUE);
          return;
        }
      /* Never a plain file unless the co-op chose it (docs/privacy.md). */
      g_debug ("No Secret Service: %s", error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "This tablet has no keyring to keep its key in (the Secret Service, "
                               "or the Secret portal in the Flatpak): ask your co-ordinator to set "
                               "one up, then enrol again");
      return;
    }

  if (!save_file (op, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
lookup_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KeyOp *op = task_data;
  g_autoptr(GError) error = NULL;
  char *key = NULL;

  if (use_secret_service ())
    {
      key = secret_password_lookup_sync (key_schema (), cancellable, &error,
                                         "device", op->device, "store", op->store_path, NULL);
      if (key != NULL)
        {
          g_task_return_pointer (task, key, g_free);
          return;
        }
      g_clear_error (&error);
    }

  key = lookup_file (op, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, key, g_free);
}

void
care_key_store_forget (const char *store_path,
                       const char *device)
{
  g_autofree char *path = care_key_store_file_path (store_path);
  g_autoptr(GError) error = NULL;

  if (use_secret_service ()
      && !secret_password_clear_sync (key_schema (), NULL, &error,
                                      "device", device, "store", store_path, NULL)
      && error != NULL)
    g_debug ("Could not remove the key from the Secret Service: %s", error->message);
  g_unlink (path);
}

void
care_key_store_save_async (const char          *store_path,
                           const char          *device,
                           const char          *key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  KeyOp *op = g_new0 (KeyOp, 1);

  op->store_path = g_strdup (store_path);
  op->device = g_strdup (device);
  op->key = g_strdup (key);
  g_task_set_source_tag (task, care_key_store_save_async);
  g_task_set_task_data (task, op, (GDestroyNotify) key_op_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
care_key_store_save_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
care_key_store_lookup_async (const char          *store_path,
                             const char          *device,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  KeyOp *op = g_new0 (KeyOp, 1);

  op->store_path = g_strdup (store_path);
  op->device = g_strdup (device);
  g_task_set_source_tag (task, care_key_store_lookup_async);
  g_task_set_task_data (task, op, (GDestroyNotify) key_op_free);
  g_task_run_in_thread (task, lookup_thread);
}

char *
care_key_store_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
