/* care-store-verify.c: feeding this device's records to the verifier.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only reading: the checking itself is care-verify.c's.
 */
#include "care-config.h"

#include <glib/gi18n-lib.h>

#include "care-chain.h"
#include "care-store-private.h"
#include "care-verify.h"

static const char SQL_PURGED[] = "SELECT device, seq, hash FROM purged";
static const char SQL_RECORDS[] = "SELECT " EVENT_COLUMNS ", hash FROM events ORDER BY device, seq";

gboolean
care_store_feed_verifier (CareStore    *self,
                          CareVerifier *verifier,
                          GError      **error)
{
  g_autofree char *head = NULL;
  g_auto(GStrv) parts = NULL;
  int rc;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  if (!care_store_begin (self, error))
    return FALSE;
  /* This device holds all its own records (or their hashes, once retention
   * purged them), and its latest is recorded apart from them. */
  if (self->device != NULL)
    {
      care_verifier_expect_all (verifier, self->device);
      head = care_store_get_meta (self, "chain_head");
      parts = head != NULL ? g_strsplit (head, " ", 2) : NULL;
      if (parts != NULL && g_strv_length (parts) == 2)
        care_verifier_set_head (verifier, self->device, g_ascii_strtoll (parts[0], NULL, 10), parts[1]);
    }
  /* A co-ordinator's desktop receives every record of the co-op's own. */
  if (self->role != CARE_ROLE_CARER)
    care_verifier_expect_all (verifier, "coop");
  {
    g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_PURGED, error);

    if (stmt == NULL)
      goto fail;
    while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
      care_verifier_add_known (verifier, (const char *) sqlite3_column_text (stmt, 0), sqlite3_column_int64 (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2));
    if (rc == 0)
      goto fail;
  }
  {
    g_autoptr(CareStmt) stmt = care_store_stmt (self, SQL_RECORDS, error);

    if (stmt == NULL)
      goto fail;
    while ((rc = care_store_step (self, stmt, error)) == SQLITE_ROW)
      {
        g_autoptr(CareEvent) event = care_store_event_from_row (stmt, 0, NULL);

        care_verifier_add_record (verifier, event, (const char *) sqlite3_column_text (stmt, 11));
      }
    if (rc == 0)
      goto fail;
  }
  care_store_rollback (self);
  return TRUE;
fail:
  care_store_rollback (self);
  return FALSE;
}
