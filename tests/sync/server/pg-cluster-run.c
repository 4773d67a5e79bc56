/* pg-cluster-run: a throwaway PostgreSQL cluster (pg-cluster.h) for the
 * daemon tests' harness (tests/sync/daemon/harness.py): creates a database
 * NAME, prints its postgresql:// URL on a line, and stops the cluster when
 * its standard input ends (so a harness that dies leaves nothing running).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: pg-cluster-run NAME...
 */
#include <stdio.h>
#include <unistd.h>

#include "pg-cluster.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PgCluster) cluster = NULL;
  char buf[256];

  if (argc < 2)
    {
      fprintf (stderr, "Usage: pg-cluster-run NAME...\n");
      return 2;
    }
  cluster = pg_cluster_start (&error);
  if (cluster == NULL)
    {
      fprintf (stderr, "pg-cluster-run: %s\n", error->message);
      return 1;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *url = NULL;
      g_autofree char *conninfo = pg_cluster_create_db (cluster, argv[i], &url, &error);

      if (conninfo == NULL)
        {
          fprintf (stderr, "pg-cluster-run: %s\n", error->message);
          return 1;
        }
      printf ("%s\n", url);
    }
  fflush (stdout);
  while (read (STDIN_FILENO, buf, sizeof buf) > 0)
    ;
  return 0;
}
