/* care-enrol.c
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "carelog-syncd"

#include "care-enrol.h"
#include "care-key-store.h"
#include "care-sign.h"
#include "care-storage.h"

typedef struct
{
  CareStore *store;
  CareSyncClient *client;
  CareEnrolment *enrolment;
  gboolean taking_back;   /* the profile holds records: enrol it again under its device id */
  char *signing;          /* the signing key made for this enrolment */
} EnrolData;

static void
enrol_data_free (EnrolData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->client);
  g_free (data->signing);
  g_clear_pointer (&data->enrolment, care_enrolment_free);
  g_free (data);
}

static gboolean
write_identity (CareStore      *store,
                CareEnrolment  *enrolment,
                GError        **error)
{
  const struct { const char *key; const char *value; } meta[] = {
    { "server_url", enrolment->url },
    { "server_pin", enrolment->pin ? enrolment->pin : "" },
    { "member_name", enrolment->member_name },
    { "timezone", enrolment->timezone },
    /* The co-op log key, pinned at enrolment (docs/verifying-records.md). */
    { "log.key", enrolment->log_key },
  };

  /* The store refuses a second identity when it holds records of the
   * first; then nothing else changes. */
  if (!care_store_set_identity (store, enrolment->device, enrolment->member,
                                enrolment->role, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (meta); i++)
    if (meta[i].value != NULL && !care_store_set_meta (store, meta[i].key, meta[i].value, error))
      return FALSE;
  return TRUE;
}

static void
key_saved_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrolData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!care_key_store_save_finish (result, &error)
      || !write_identity (data->store, data->enrolment, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->enrolment), (GDestroyNotify) care_enrolment_free);
}

static void
enrolled_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrolData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *device = care_store_get_device (data->store);
  g_autofree char *secret = NULL;

  data->enrolment = care_sync_client_enrol_finish (data->client, result, &error);
  if (data->enrolment == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Taken back under the same identity, or nothing changes: the records
   * on this tablet were written as this device and this member. */
  if (data->taking_back
      && (g_strcmp0 (data->enrolment->device, device) != 0
          || g_strcmp0 (data->enrolment->member, care_store_get_member (data->store)) != 0))
    {
      g_task_return_new_error (task, CARE_STORE_ERROR, CARE_STORE_ERROR_RULE,
                               "This enrolment code is for another member, or the co-op server "
                               "cannot take this tablet back: nothing was changed. Ask your co-ordinator "
                               "for a code for the member this tablet belongs to");
      return;
    }
  /* The signing key pair was made for this enrolment, its public half
   * registered with it (care-sign.h); it is kept with the device key. */
  secret = care_sign_join_secret (data->enrolment->key, data->signing);
  care_key_store_save_async (care_store_get_path (data->store), data->enrolment->device,
                             secret, g_task_get_cancellable (task),
                             key_saved_cb, g_object_ref (task));
}

void
care_enrol_async (CareStore           *store,
                  const char          *line,
                  const char          *device_name,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(CareEnrolmentLine) parsed = NULL;
  g_autoptr(GError) error = NULL;
  gboolean taking_back = FALSE;
  EnrolData *data;

  g_task_set_source_tag (task, care_enrol_async);
  /* A profile holding records asks the co-op to take it back under its
   * device id (a server restored from a backup made before this tablet was
   * enrolled); the server refuses if it knows that id. */
  if (care_store_get_device (store) != NULL)
    {
      CareOutboxCounts counts = { 0 };

      taking_back = care_store_get_outbox_counts (store, &counts, NULL) && counts.last_seq > 0;
    }
  parsed = care_enrolment_line_parse (line, &error);
  if (parsed == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (EnrolData, 1);
  data->store = g_object_ref (store);
  data->taking_back = taking_back;
  data->client = care_sync_client_new (parsed->url, parsed->pin,
                                       taking_back ? care_store_get_device (store) : NULL, NULL);
  /* (/proc and /sys are in memory: this does not wait on the disk.) */
  care_sync_client_set_storage (data->client, care_storage_detect (care_store_get_path (store)));
  g_task_set_task_data (task, data, (GDestroyNotify) enrol_data_free);
  /* The signing key pair is made now: its public half is registered with
   * the enrolment itself, so no one else holding the device key can
   * register theirs first (docs/verifying-records.md). */
  data->signing = care_sign_key_new (&error);
  if (data->signing == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  care_sync_client_set_signing_key (data->client, data->signing);
  care_sync_client_enrol_async (data->client, parsed->code,
                                device_name && *device_name ? device_name : g_get_host_name (),
                                cancellable, enrolled_cb, g_object_ref (task));
}

CareEnrolment *
care_enrol_finish (GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GTask *task;
  CareSyncClient *client;
} KeySave;

static void
signing_key_saved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  KeySave *save = user_data;
  g_autoptr(GError) error = NULL;

  /* Without the saved key the tablet would sign with one it then loses:
   * it pushes unsigned until the key can be kept. */
  if (!care_key_store_save_finish (result, &error))
    {
      g_warning ("The tablet's signing key could not be kept, so its records are sent unsigned for now: %s",
                 error->message);
      care_sync_client_set_signing_key (save->client, NULL);
    }
  g_task_return_pointer (save->task, save->client, g_object_unref);
  g_object_unref (save->task);
  g_free (save);
}

static void
key_found_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CareStore *store = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = care_key_store_lookup_finish (result, &error);
  g_autofree char *key = NULL, *signing = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pin = NULL;
  g_autoptr(CareSyncClient) client = NULL;
  KeySave *save;

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  care_sign_split_secret (secret, &key, &signing);
  url = care_store_get_meta (store, "server_url");
  if (key == NULL || url == NULL || *url == '\0')
    {
      g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                               "This tablet's key is missing: ask your co-ordinator to enrol it again");
      return;
    }
  pin = care_store_get_meta (store, "server_pin");
  client = care_sync_client_new (url, pin && *pin ? pin : NULL, care_store_get_device (store), key);
  care_sync_client_set_storage (client, care_storage_detect (care_store_get_path (store)));
  if (signing != NULL)
    {
      care_sync_client_set_signing_key (client, signing);
      g_task_return_pointer (task, g_steal_pointer (&client), g_object_unref);
      return;
    }
  /* Enrolled before signing keys existed: make one now and keep it with
   * the device key; the next push registers its public half. */
  signing = care_sign_key_new (NULL);
  if (signing == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&client), g_object_unref);
      return;
    }
  g_free (secret);
  secret = care_sign_join_secret (key, signing);
  care_sync_client_set_signing_key (client, signing);
  save = g_new0 (KeySave, 1);
  save->client = g_steal_pointer (&client);
  save->task = g_object_ref (task);
  care_key_store_save_async (care_store_get_path (store), care_store_get_device (store), secret,
                             g_task_get_cancellable (task), signing_key_saved_cb, save);
}

void
care_enrol_client_async (CareStore           *store,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, care_enrol_client_async);
  g_task_set_task_data (task, g_object_ref (store), g_object_unref);
  if (care_store_get_device (store) == NULL)
    {
      g_task_return_new_error (task, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_ENROLLED,
                               "This tablet is not enrolled with the co-op yet: ask your "
                               "co-ordinator for an enrolment code");
      return;
    }
  care_key_store_lookup_async (care_store_get_path (store), care_store_get_device (store),
                               cancellable, key_found_cb, g_object_ref (task));
}

CareSyncClient *
care_enrol_client_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
care_sync_error_to_sentence (const GError *error)
{
  if (error->domain == CARE_SYNC_ERROR)
    switch ((CareSyncError) error->code)
      {
      case CARE_SYNC_ERROR_NETWORK:
        return g_strdup ("The co-op server cannot be reached. Your records are safe on this "
                         "tablet and will be sent when it can be reached");
      case CARE_SYNC_ERROR_TLS:
        return g_strdup ("The server did not prove it is your co-op's server, so nothing was "
                         "sent: tell your co-ordinator");
      case CARE_SYNC_ERROR_PORTAL:
        return g_strdup ("This network wants you to sign in before anything can be sent: "
                         "open the browser and sign in to the network");
      case CARE_SYNC_ERROR_UNAUTHORIZED:
        return g_strdup ("The co-op server refused this tablet's key: ask your co-ordinator "
                         "to enrol it again");
      case CARE_SYNC_ERROR_UNENCRYPTED:
        return g_strdup ("The co-op accepts only tablets whose data is on an encrypted disk, and "
                         "this tablet's is not: ask your co-ordinator to set up disk encryption on it");
      case CARE_SYNC_ERROR_REMOVED:
      case CARE_SYNC_ERROR_RETIRED:
        return g_strdup ("This tablet was removed from the co-op: it sends the records it still "
                         "holds, then erases the co-op's care records from it");
      case CARE_SYNC_ERROR_FORBIDDEN:
        return g_strdup ("The co-op server says your account may not do this: ask your "
                         "co-ordinator");
      case CARE_SYNC_ERROR_ENROLMENT:
        return g_strdup ("That enrolment code is unknown, already used or expired: ask your "
                         "co-ordinator for a new one");
      case CARE_SYNC_ERROR_RATE_LIMITED:
        return g_strdup ("The co-op server is busy. Your records are safe on this tablet and "
                         "sync will try again shortly");
      case CARE_SYNC_ERROR_TOO_LARGE:
        return g_strdup ("The co-op server refused a batch as too large. Your records are safe "
                         "on this tablet; sync will try again with smaller batches");
      case CARE_SYNC_ERROR_VERSION:
        return g_strdup ("The co-op server needs a newer Carelog: update Carelog on this tablet");
      case CARE_SYNC_ERROR_BAD_REQUEST:
        return g_strdup ("The co-op server did not understand this tablet: update Carelog, or "
                         "tell your co-ordinator");
      case CARE_SYNC_ERROR_LOG:
        /* Says what was found, and whom to tell. */
        return g_strdup (error->message);
      case CARE_SYNC_ERROR_CURSOR_INVALID:
      case CARE_SYNC_ERROR_SERVER_BEHIND:
      case CARE_SYNC_ERROR_SERVER:
      default:
        return g_strdup ("The co-op server had a problem. Your records are safe on this tablet "
                         "and sync will try again");
      }
  if (error->domain == CARE_STORE_ERROR && error->code == CARE_STORE_ERROR_NOT_ENROLLED)
    return g_strdup ("This tablet is not enrolled with the co-op yet: ask your co-ordinator "
                     "for an enrolment code");
  return g_strdup (error->message);
}
