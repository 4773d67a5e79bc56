/* care-pin.c: the carer's PIN that locks the app on this tablet.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The PIN is kept only as an Argon2id hash (libsodium's crypto_pwhash_str:
 * a random salt and the cost are part of the string) in a small key file
 * beside the profile's care log, mode 0600 in a 0700 folder, written
 * durably. Wrong PINs count in the same file, so a restart does not reset
 * the back-off: from the fourth wrong PIN in a row, each further try waits
 * twice as long as the one before (30 s, 1 min, 2 min … at most an hour).
 *
 * What the PIN protects: the app on a tablet left unlocked, picked up or
 * shared. It does not protect the files themselves from someone who copies
 * them off the tablet (a 4-digit PIN hash falls to a search in minutes):
 * that is the encrypted volume's job (docs/privacy.md).
 */
#include "care-config.h"

#include <errno.h>
#include <string.h>
#include <sodium.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "care-pin.h"
#include "care-private.h"

#define GROUP "pin"
#define FREE_TRIES 3
#define FIRST_DELAY_US (30 * G_USEC_PER_SEC)
#define MAX_DELAY_US ((gint64) 3600 * G_USEC_PER_SEC)

G_DEFINE_QUARK (care-pin-error-quark, care_pin_error)

char *
care_pin_path_for_store (const char *store_path)
{
  g_autofree char *dir = g_path_get_dirname (store_path);

  return g_build_filename (dir, "lock.ini", NULL);
}

gboolean
care_pin_is_valid (const char *pin)
{
  size_t n = pin != NULL ? strlen (pin) : 0;

  if (n < CARE_PIN_MIN_DIGITS || n > CARE_PIN_MAX_DIGITS)
    return FALSE;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

/* How long the carer waits after FAILURES wrong PINs in a row. */
gint64
care_pin_delay_after (guint failures)
{
  gint64 delay = FIRST_DELAY_US;

  if (failures <= FREE_TRIES)
    return 0;
  for (guint i = FREE_TRIES + 1; i < failures && delay < MAX_DELAY_US; i++)
    delay *= 2;
  return MIN (delay, MAX_DELAY_US);
}

static GKeyFile *
load (const char *pin_path,
      GError    **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;

  if (!g_key_file_load_from_file (file, pin_path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error_literal (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                             _("No PIN is set on this tablet."));
      else
        g_set_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                     _("The PIN could not be read (%s). Ask your co-ordinator to set this tablet up again."),
                     local_error->message);
      return NULL;
    }
  hash = g_key_file_get_string (file, GROUP, "hash", NULL);
  if (hash == NULL || !g_str_has_prefix (hash, "$argon2id$"))
    {
      g_set_error_literal (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                           _("The PIN file on this tablet is damaged. Ask your co-ordinator to set this tablet up again."));
      return NULL;
    }
  return g_steal_pointer (&file);
}

static gboolean
save (GKeyFile   *file,
      const char *pin_path,
      GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (pin_path);
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  data = g_key_file_to_data (file, &length, NULL);
  if (!care_private_mkdir (dir, &local_error)
      || !g_file_set_contents_full (pin_path, data, length,
                                    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    CARE_PRIVATE_FILE_MODE, &local_error))
    {
      g_set_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                   _("The PIN could not be saved (%s). Free some space on the tablet and try again."),
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
care_pin_is_set (const char *pin_path)
{
  g_autoptr(GKeyFile) file = load (pin_path, NULL);

  return file != NULL;
}

/* The time (real, microseconds) before which no PIN is tried, or 0. */
gint64
care_pin_retry_at (const char *pin_path)
{
  g_autoptr(GKeyFile) file = load (pin_path, NULL);

  return file != NULL ? g_key_file_get_int64 (file, GROUP, "retry-after", NULL) : 0;
}

gboolean
care_pin_check (const char *pin_path,
                const char *pin,
                gint64      now_us,
                gint64     *retry_at_us,
                GError    **error)
{
  g_autoptr(GKeyFile) file = load (pin_path, error);
  g_autofree char *hash = NULL;
  gint64 retry_after;
  guint failures;

  if (retry_at_us != NULL)
    *retry_at_us = 0;
  if (file == NULL)
    return FALSE;
  retry_after = g_key_file_get_int64 (file, GROUP, "retry-after", NULL);
  failures = (guint) CLAMP (g_key_file_get_int64 (file, GROUP, "failures", NULL), 0, G_MAXINT);
  if (retry_after > now_us)
    {
      if (retry_at_us != NULL)
        *retry_at_us = retry_after;
      g_set_error_literal (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WAIT,
                           _("Too many wrong PINs. Wait before trying again."));
      return FALSE;
    }
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                           _("The PIN cannot be checked on this tablet."));
      return FALSE;
    }
  hash = g_key_file_get_string (file, GROUP, "hash", NULL);
  if (pin != NULL && care_pin_is_valid (pin)
      && crypto_pwhash_str_verify (hash, pin, strlen (pin)) == 0)
    {
      if (failures != 0 || retry_after != 0)
        {
          g_key_file_set_int64 (file, GROUP, "failures", 0);
          g_key_file_set_int64 (file, GROUP, "retry-after", 0);
          /* Failing to reset the count is not a reason to stay locked. */
          save (file, pin_path, NULL);
        }
      return TRUE;
    }

  /* Counted, durably, before the carer is told: a restart does not help. */
  failures++;
  g_key_file_set_int64 (file, GROUP, "failures", failures);
  retry_after = care_pin_delay_after (failures) > 0 ? now_us + care_pin_delay_after (failures) : 0;
  g_key_file_set_int64 (file, GROUP, "retry-after", retry_after);
  if (!save (file, pin_path, error))
    return FALSE;
  if (retry_at_us != NULL)
    *retry_at_us = retry_after;
  g_set_error_literal (error, CARE_PIN_ERROR, CARE_PIN_ERROR_WRONG,
                       _("That PIN is not right."));
  return FALSE;
}

/* Sets the PIN to PIN, or removes it when PIN is NULL or empty. When a PIN
 * is already set, CURRENT must match it (wrong ones count as at the lock). */
gboolean
care_pin_set (const char *pin_path,
              const char *current,
              const char *pin,
              GError    **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  char hash[crypto_pwhash_STRBYTES];

  if (care_pin_is_set (pin_path)
      && !care_pin_check (pin_path, current, g_get_real_time (), NULL, error))
    return FALSE;
  if (pin == NULL || *pin == '\0')
    {
      if (g_unlink (pin_path) != 0 && errno != ENOENT)
        {
          g_set_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                       _("The PIN could not be removed (%s)."), g_strerror (errno));
          return FALSE;
        }
      return TRUE;
    }
  if (!care_pin_is_valid (pin))
    {
      g_set_error (error, CARE_PIN_ERROR, CARE_PIN_ERROR_INVALID,
                   _("A PIN is %d to %d digits."), CARE_PIN_MIN_DIGITS, CARE_PIN_MAX_DIGITS);
      return FALSE;
    }
  if (sodium_init () < 0
      || crypto_pwhash_str_alg (hash, pin, strlen (pin),
                                crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, CARE_PIN_ERROR, CARE_PIN_ERROR_FAILED,
                           _("The PIN could not be saved: the tablet is short of memory."));
      return FALSE;
    }
  g_key_file_set_string (file, GROUP, "hash", hash);
  g_key_file_set_int64 (file, GROUP, "failures", 0);
  g_key_file_set_int64 (file, GROUP, "retry-after", 0);
  sodium_memzero (hash, sizeof hash);
  return save (file, pin_path, error);
}
