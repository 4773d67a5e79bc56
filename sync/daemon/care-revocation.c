/* care-revocation.c: a revoked tablet erases the co-op's care data.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A co-ordinator revokes a tablet with a choice (docs/privacy.md): erase at
 * once (the server answers every request with "removed"), or retire (the
 * tablet may still push, and its pulls are answered "retired": it delivers
 * what it holds, then erases). Nothing is erased on any other refusal: an
 * unknown key or an old-style revocation stops syncing and keeps the
 * records, as before.
 *
 * Erasing: care_erase_profile (app/) overwrites and removes the care log and
 * its companion files, the key leaves the Secret Service, and the tablet
 * then tells the co-op (POST /v1/erased) with the key it still holds in
 * memory, so that "carelog-server device list" shows it as erased or
 * retired.
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-erase.h"
#include "care-key-store.h"
#include "care-revocation.h"

typedef struct
{
  char *store_path;
  char *device;
  CareSyncClient *client;
  gboolean confirmed;
} EraseOp;

static void
erase_op_free (EraseOp *op)
{
  g_free (op->store_path);
  g_free (op->device);
  g_clear_object (&op->client);
  g_free (op);
}

const char *
care_revocation_sentence (void)
{
  return _("This tablet was removed from the co-op: its care records were erased from it. "
           "To use it again, ask your co-ordinator to enrol it.");
}

/* Whether ERROR (from a round) says this tablet must erase the co-op's
 * care data now: revoked to erase at once, or retired with nothing left to
 * deliver. STORE is asked how many records still wait to be sent. */
gboolean
care_revocation_must_erase (const GError *error,
                            CareStore    *store)
{
  CareOutboxCounts counts = { 0 };

  if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REMOVED))
    return TRUE;
  if (!g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_RETIRED))
    return FALSE;
  /* Retiring: erase only once everything has been delivered (records the
   * co-op refused cannot be, and go with the rest). */
  return care_store_get_outbox_counts (store, &counts, NULL) && counts.pending == 0;
}

static void
confirmed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EraseOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->confirmed = care_sync_client_confirm_erased_finish (CARE_SYNC_CLIENT (source), result, &error);
  if (!op->confirmed)
    g_debug ("The co-op was not told of the erasure: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
erase_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  EraseOp *op = task_data;
  GError *error = NULL;

  care_key_store_forget (op->store_path, op->device);
  if (!care_erase_profile (op->store_path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
erased_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EraseOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  care_sync_client_confirm_erased_async (op->client, g_task_get_cancellable (task), confirmed_cb,
                                         g_object_ref (task));
}

/* The care log is closed (its last reference gone): erase it. */
static void
store_closed_cb (gpointer  data,
                 GObject  *where_the_store_was)
{
  GTask *task = data;
  EraseOp *op = g_task_get_task_data (task);
  g_autoptr(GTask) worker = g_task_new (NULL, g_task_get_cancellable (task), erased_cb, task);

  g_task_set_task_data (worker, op, NULL);
  g_task_run_in_thread (worker, erase_thread);
}

/* Erases STORE's care log and its key, then tells the co-op through CLIENT.
 * STORE is the caller's last reference (transfer full): the erasure starts
 * once every other holder (a finishing round) has let it go, so that no
 * open connection writes the files again. *confirmed says whether the
 * co-op heard it (best effort: it refuses this tablet either way). */
void
care_revocation_erase_async (CareStore           *store,
                             CareSyncClient      *client,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  EraseOp *op = g_new0 (EraseOp, 1);

  op->store_path = g_strdup (care_store_get_path (store));
  op->device = g_strdup (care_store_get_device (store));
  op->client = g_object_ref (client);
  g_task_set_source_tag (task, care_revocation_erase_async);
  g_task_set_task_data (task, op, (GDestroyNotify) erase_op_free);
  g_object_weak_ref (G_OBJECT (store), store_closed_cb, task);
  g_object_unref (store);
}

gboolean
care_revocation_erase_finish (GAsyncResult  *result,
                              gboolean      *confirmed,
                              GError       **error)
{
  EraseOp *op = g_task_get_task_data (G_TASK (result));

  if (confirmed != NULL)
    *confirmed = op->confirmed;
  return g_task_propagate_boolean (G_TASK (result), error);
}
