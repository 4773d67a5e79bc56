/* care-reader.h: reads of the store that run off the main thread.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Searches, weeks of hours and other reads that may touch many rows run in
 * a worker thread on a second connection to the same file (SQLite's WAL lets
 * it read while the main thread writes). One read runs at a time.
 */
#pragma once

#include <gio/gio.h>
#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_READER (care_reader_get_type ())
G_DECLARE_FINAL_TYPE (CareReader, care_reader, CARE, READER, GObject)

/* Runs in the worker thread with the reader's own connection; returns a new
 * result, or NULL and sets error. */
typedef gpointer (*CareReadFunc) (CareStore *store,
                                  gpointer   data,
                                  GError   **error);

CareReader *care_reader_new         (const char *path) G_GNUC_WARN_UNUSED_RESULT;
const char *care_reader_get_path    (CareReader *self);
void        care_reader_run_async   (CareReader          *self,
                                     CareReadFunc         func,
                                     gpointer             data,
                                     GDestroyNotify       data_free,
                                     GDestroyNotify       result_free,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* Returns the func's result (owned by the caller). */
gpointer    care_reader_run_finish  (CareReader    *self,
                                     GAsyncResult  *result,
                                     GError       **error);

G_END_DECLS
