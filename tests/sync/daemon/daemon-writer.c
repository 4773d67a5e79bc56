/* daemon-writer.c: makes care records in a store, as the app would (one
 * durable commit each), for the benchmarks where 10,000 records through
 * carelog-cli would mostly measure process start-up.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   daemon-writer STORE N CLIENT     N records: visits of 3 records each
 *                                    (check-in, care note, check-out)
 *   daemon-writer STORE N CLIENT TASK1 TASK2
 *                                    N whole visits of 5 records each
 *                                    (check-in, the two tasks answered, a
 *                                    care note, check-out); prints records
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "care-store.h"
#include "care-store-private.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CareStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n;
  guint64 made = 0;

  if ((argc != 4 && argc != 6) || !g_ascii_string_to_unsigned (argv[2], 10, 1, 10000000, &n, NULL))
    {
      g_printerr ("Usage: daemon-writer STORE N CLIENT [TASK1 TASK2]\n");
      return 2;
    }
  store = care_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* The records are test input: made as the app makes them (each its own
   * transaction, through the same rules), but without waiting for the disk
   * after each one, so 50,000 take seconds rather than minutes. */
  if (g_getenv ("CARELOG_WRITER_DURABLE") == NULL)
    sqlite3_exec (store->db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);

  for (guint64 visits = 0; argc == 6 && visits < n && error == NULL; visits++)
    {
      g_autofree char *visit = care_store_check_in (store, argv[3], NULL, "personal-care", NULL, &error);
      g_autofree char *note = NULL;

      if (visit == NULL
          || !care_store_answer_task (store, visit, argv[4], TRUE, NULL, &error)
          || !care_store_answer_task (store, visit, argv[5], TRUE, NULL, &error)
          || (note = care_store_add_note (store, visit, "wellbeing",
                                          "Cheerful today, ate most of lunch and asked about the garden.",
                                          &error)) == NULL
          || !care_store_check_out (store, visit, &error))
        break;
      made += 5;
    }
  while (argc == 4 && made < n)
    {
      g_autofree char *visit = care_store_check_in (store, argv[3], NULL, "personal-care", NULL, &error);
      g_autofree char *note = NULL;

      if (visit == NULL)
        break;
      made++;
      if (made < n)
        {
          note = care_store_add_note (store, visit, "wellbeing",
                                      "Cheerful today, ate most of lunch and asked about the garden.",
                                      &error);
          if (note == NULL)
            break;
          made++;
        }
      if (made < n)
        {
          if (!care_store_check_out (store, visit, &error))
            break;
          made++;
        }
    }
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("%" G_GUINT64_FORMAT "\n", made);
  return 0;
}
