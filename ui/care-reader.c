/* care-reader.c: reads of the store that run off the main thread.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include "care-reader.h"

struct _CareReader
{
  GObject parent_instance;

  char *path;
  GMutex lock;          /* guards store; held for the whole read */
  CareStore *store;     /* opened lazily in the worker */
};

G_DEFINE_FINAL_TYPE (CareReader, care_reader, G_TYPE_OBJECT)

typedef struct
{
  CareReadFunc func;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CareReader *self = source_object;
  ReadJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->store == NULL)
    {
      self->store = care_store_open (self->path, &error);
      if (self->store == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  result = job->func (self->store, job->data, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, job->result_free);
}

static void
care_reader_finalize (GObject *object)
{
  CareReader *self = CARE_READER (object);

  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  G_OBJECT_CLASS (care_reader_parent_class)->finalize (object);
}

static void
care_reader_class_init (CareReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = care_reader_finalize;
}

static void
care_reader_init (CareReader *self)
{
  g_mutex_init (&self->lock);
}

CareReader *
care_reader_new (const char *path)
{
  CareReader *self = g_object_new (CARE_TYPE_READER, NULL);

  self->path = g_strdup (path);
  return self;
}

const char *
care_reader_get_path (CareReader *self)
{
  g_return_val_if_fail (CARE_IS_READER (self), NULL);

  return self->path;
}

void
care_reader_run_async (CareReader          *self,
                       CareReadFunc         func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadJob *job;

  g_return_if_fail (CARE_IS_READER (self));

  job = g_new0 (ReadJob, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, care_reader_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  g_task_run_in_thread (task, read_thread);
}

gpointer
care_reader_run_finish (CareReader    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
