/* care-retention.c: the daemon's purge of what a carer's tablet no longer keeps.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After a round that succeeded, the daemon removes what the co-op's
 * retention period lets go (care_store_purge, docs/privacy.md): off the main
 * thread, on a connection of its own (a sibling of the daemon's, see
 * care_store_open_sibling), in small batches each in its own
 * short transaction, with a pause between batches, so that the app's and
 * the daemon's own writes never wait long behind it.
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include "care-config.h"

#include "care-retention.h"
#include "care-store.h"

#define BATCH 20
#define PAUSE_US (20 * 1000)

static void
purge_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CareStore *store = task_data;
  GError *error = NULL;
  gint64 total = 0;
  guint purged = 0;

  do
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, &error)
          || !care_store_purge (store, BATCH, &purged, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      total += purged;
      if (purged > 0)
        g_usleep (PAUSE_US);
    }
  while (purged > 0);
  g_task_return_int (task, total);
}

/* STORE is the daemon's own connection: the thread works on a sibling
 * connection (care_store_open_sibling), which keeps STORE alive until the
 * purge ends (an erasure on revocation waits for it). */
void
care_retention_purge_async (CareStore           *store,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  CareStore *sibling = care_store_open_sibling (store, &error);

  g_task_set_source_tag (task, care_retention_purge_async);
  if (sibling == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, sibling, g_object_unref);
  g_task_run_in_thread (task, purge_thread);
}

gint64
care_retention_purge_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}
