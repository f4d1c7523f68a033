/*
 * pg_dot.h — the dot-commands of the postgres store (owned by the
 * postgres helper): .tables [PATTERN], .schema [TABLE], .dbinfo, over the
 * server's catalogue.  Backups are the server's business (pg_dump), so
 * there is no .backup or .restore here.
 */
#ifndef PG_DOT_H
#define PG_DOT_H

#include "pg_conn.h"

/* Register the commands (during init; `c` must outlive them). */
void pg_dot_register(pg_conn *c);

#endif
