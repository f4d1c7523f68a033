/*
 * pg_schema.h — the data model on a PostgreSQL server (owned by the
 * postgres helper): the sqlite plugin's numbered migrations
 * (plugins/sqlite/sqlite_schema.c) in PostgreSQL's dialect, with the same
 * numbers, so a database of version N has the same tables, columns and
 * views on either store.  The version is the one row of table
 * cwsh_schema.
 */
#ifndef PG_SCHEMA_H
#define PG_SCHEMA_H

#include "pg_conn.h"

/* The schema version this plugin migrates to. */
int pg_schema_current(void);

/* The database's version: 0 for one cwsh never touched, -1 with *err. */
int pg_schema_version(pg_conn *c, char **err);

/* Bring the database to version `upto` (-1: the current one).  Under
 * pg_advisory_lock: of several cwsh starting at once one migrates, the
 * others wait and then find the work done.  Every step of one run is one
 * transaction: a failing step leaves the old version.  A database of a
 * newer version is refused untouched.  0, or -1 with *err. */
int pg_schema_migrate(pg_conn *c, int upto, char **err);

#endif
