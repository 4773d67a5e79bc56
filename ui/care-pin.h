/* care-pin.h: the carer's PIN that locks the app on this tablet.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_PIN_ERROR (care_pin_error_quark ())

typedef enum
{
  CARE_PIN_ERROR_INVALID,   /* not 4 to 12 digits */
  CARE_PIN_ERROR_WRONG,     /* the PIN does not match */
  CARE_PIN_ERROR_WAIT,      /* too many wrong PINs: try again later */
  CARE_PIN_ERROR_FAILED,    /* the PIN file could not be read or written */
} CarePinError;

#define CARE_PIN_MIN_DIGITS 4
#define CARE_PIN_MAX_DIGITS 12

GQuark   care_pin_error_quark   (void);

char    *care_pin_path_for_store (const char *store_path) G_GNUC_WARN_UNUSED_RESULT;
gboolean care_pin_is_set        (const char *pin_path);
gboolean care_pin_is_valid      (const char *pin);
gboolean care_pin_set           (const char *pin_path,
                                 const char *current,
                                 const char *pin,
                                 GError    **error);
gboolean care_pin_check         (const char *pin_path,
                                 const char *pin,
                                 gint64      now_us,
                                 gint64     *retry_at_us,
                                 GError    **error);
gint64   care_pin_retry_at      (const char *pin_path);
gint64   care_pin_delay_after   (guint       failures);

G_END_DECLS
