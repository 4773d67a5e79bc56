/* pg-cluster.h: a throwaway PostgreSQL cluster for the tests and benchmarks
 * of the PostgreSQL store: initdb and pg_ctl from Debian's postgresql
 * package in a temporary folder, listening only on a Unix socket in that
 * folder, run as an unprivileged user (postgres, else nobody) when the test
 * runs as root, as CI does.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *dir;        /* the temporary folder: data/, the socket, server.log */
  char *data;       /* dir/data, the cluster */
  char *user;       /* the unprivileged user it runs as, NULL when not root */
  char *conninfo;   /* "host='DIR' dbname='postgres' user=carelog" */
  GPid  pid;        /* the postmaster */
  GPid  watchdog;   /* stops the cluster when its stdin ends */
  int   watchdog_stdin;
} PgCluster;

/* The folder of initdb and pg_ctl: $CARELOG_PG_BINDIR, else
 * /usr/lib/postgresql/15/bin. */
const char *pg_cluster_bindir    (void);

/* initdb (trust authentication, superuser "carelog", no fsync unless
 * CARELOG_PG_DURABLE=1, for benchmarks) and pg_ctl
 * start; NULL with error when PostgreSQL cannot be started. */
PgCluster  *pg_cluster_start     (GError   **error);

/* A new empty database in the cluster; returns its conninfo
 * ("host='DIR' dbname='NAME' user=carelog") and, when url is given, the same
 * as a postgresql:// URL. */
char       *pg_cluster_create_db (PgCluster  *cluster,
                                  const char *name,
                                  char      **url,
                                  GError    **error);

/* pg_ctl stop (fast) and start again on the same cluster: the database
 * unreachable for a while, then back. */
gboolean    pg_cluster_pause     (PgCluster  *cluster,
                                  GError    **error);
gboolean    pg_cluster_resume    (PgCluster  *cluster,
                                  GError    **error);

/* pg_ctl stop (immediate) and removes the folder; the same happens when
 * the test process dies without calling it. NULL-safe. */
void        pg_cluster_stop      (PgCluster *cluster);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PgCluster, pg_cluster_stop)

G_END_DECLS
