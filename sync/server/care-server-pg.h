/* care-server-pg.h: the co-op server's PostgreSQL store.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Chosen per co-op at init (carelog-server init DIR --store
 * postgresql://…): the data directory keeps the certificates, the device
 * journal and store.ini, whose [store] postgres entry names the database.
 */
#pragma once

#include "care-server-store.h"

G_BEGIN_DECLS

/* The PostgreSQL URL (or conninfo) in DIR's store.ini; NULL: the co-op is
 * on SQLite (DIR/carelog.db). */
char            *care_server_pg_url    (const char *dir);
gboolean         care_server_pg_is_url (const char *store);
/* create: a new co-op in an empty database (and DIR/store.ini naming it);
 * else the co-op DIR's store.ini names, migrated to this version. */
CareServerStore *care_server_pg_open   (const char *dir,
                                        const char *url,
                                        gboolean    create,
                                        const char *timezone,
                                        GError    **error);

/* Restores a pg_dump backup (carelog-server backup) into the co-op's
 * database, with the same recovery rules as the SQLite store's restore
 * (care_server_sqlite_restore). The co-op's servers must be stopped. */
gboolean         care_server_pg_restore (const char *dir,
                                         const char *url,
                                         const char *path,
                                         char      **summary,
                                         GError    **error);

/* Moves the SQLite co-op in DIR into an empty PostgreSQL database (every
 * table, in one transaction: positions, epoch, chains and the co-op log
 * unchanged, so tablets carry on), then names it in DIR/store.ini and keeps
 * the SQLite file aside as carelog.db.before-postgresql. The server must
 * be stopped. */
gboolean         care_server_pg_migrate_store (const char *dir,
                                               const char *url,
                                               char      **summary,
                                               GError    **error);

G_END_DECLS
