/* care-server-store.c: what both co-op stores share (care-server-store.h):
 * ids, keys, epochs, enrolment codes and the interface's free functions.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "care-server-store.h"

G_DEFINE_QUARK (care-server-error-quark, care_server_error)

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
fill_random (void  *buf,
             gsize  len)
{
  guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = getrandom (p, len, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom failed: %s", g_strerror (errno));
        }
      p += n;
      len -= (gsize) n;
    }
}

char *
care_server_random_token (gsize n_bytes)
{
  g_autofree guint8 *raw = g_malloc (n_bytes);
  g_autofree char *b64 = NULL;
  GString *out;

  fill_random (raw, n_bytes);
  b64 = g_base64_encode (raw, n_bytes);
  out = g_string_new (NULL);
  for (const char *p = b64; *p && *p != '='; p++)
    g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (out, FALSE);
}

#define DEVICE_ID_RANDOM_BYTES 9

char *
care_server_new_device_id (void)
{
  g_autofree char *rnd = care_server_random_token (DEVICE_ID_RANDOM_BYTES);

  return g_strdup_printf ("d-%s", rnd);
}

gboolean
care_server_device_id_is_valid (const char *device)
{
  if (device == NULL || !g_str_has_prefix (device, "d-")
      || strlen (device) != 2 + DEVICE_ID_RANDOM_BYTES / 3 * 4)
    return FALSE;
  for (const char *p = device + 2; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
care_server_uuid7 (void)
{
  guint8 b[16];
  guint64 ms = (guint64) now_ms ();

  fill_random (b, sizeof b);
  for (int i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (8 * (5 - i)));
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
care_server_sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

char *
care_server_store_new_epoch (void)
{
  guint8 b[4];

  fill_random (b, sizeof b);
  return g_strdup_printf ("%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
}

static const char *const revoke_modes[] = { [CARE_REVOKE_ERASE] = "erase", [CARE_REVOKE_RETIRE] = "retire" };

const char *
care_revoke_mode_to_string (CareRevokeMode mode)
{
  return mode == CARE_REVOKE_ERASE || mode == CARE_REVOKE_RETIRE ? revoke_modes[mode] : NULL;
}

CareRevokeMode
care_revoke_mode_from_string (const char *mode)
{
  if (g_strcmp0 (mode, revoke_modes[CARE_REVOKE_ERASE]) == 0)
    return CARE_REVOKE_ERASE;
  if (g_strcmp0 (mode, revoke_modes[CARE_REVOKE_RETIRE]) == 0)
    return CARE_REVOKE_RETIRE;
  return CARE_REVOKE_REFUSE;
}

char *
care_server_store_code_hash (const char *code)
{
  g_autoptr(GString) norm = g_string_new (NULL);

  for (const char *p = code; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (norm, g_ascii_toupper (*p));
  return care_server_sha256_hex (norm->str);
}

char *
care_server_store_new_enrolment_code (char **code_hash)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  guint8 raw[16];
  GString *code = g_string_new (NULL);

  fill_random (raw, sizeof raw);
  for (guint i = 0; i < sizeof raw; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, alphabet[raw[i] & 31]);
    }
  *code_hash = care_server_store_code_hash (code->str);
  return g_string_free (code, FALSE);
}

void
care_server_store_close (CareServerStore *self)
{
  if (self != NULL)
    self->vtable->close (self);
}

void
care_push_job_free (CarePushJob *job)
{
  if (job == NULL)
    return;
  g_free (job->device);
  g_free (job->key);
  g_clear_pointer (&job->request, care_push_request_free);
  g_clear_error (&job->error);
  if (job->results)
    g_string_free (job->results, TRUE);
  g_free (job);
}

void
care_rejection_free (CareRejection *rejection)
{
  if (rejection == NULL)
    return;
  g_free (rejection->device);
  g_free (rejection->member);
  g_free (rejection->id);
  g_free (rejection->code);
  g_free (rejection->message);
  g_clear_pointer (&rejection->record, care_event_free);
  g_free (rejection->subject);
  g_free (rejection->state);
  g_free (rejection->behind);
  g_free (rejection->resolution);
  g_free (rejection->resolved_by);
  g_free (rejection);
}

void
care_device_row_free (CareDeviceRow *row)
{
  if (row == NULL)
    return;
  g_free (row->key_hash);
  g_free (row->member);
  g_free (row->member_name);
  g_free (row->head);
  g_free (row->sign_key);
  g_free (row);
}

void
care_stored_event_free (CareStoredEvent *stored)
{
  if (stored == NULL)
    return;
  care_event_free (stored->event);
  g_free (stored);
}

void
care_device_info_free (CareDeviceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->device);
  g_free (info->member);
  g_free (info->name);
  g_free (info->storage);
  g_free (info);
}

void
care_enrol_result_free (CareEnrolResult *result)
{
  if (result == NULL)
    return;
  g_free (result->device);
  g_free (result->key);
  g_free (result->member);
  g_free (result->name);
  g_free (result->timezone);
  g_free (result);
}
