/*
 * sqlite_schema.h — the bureau's data model and its migrations (owned by
 * the sqlite helper).  The tables are described in sqlite_schema.c.
 *
 * Migrations are numbered SQL texts compiled in; a database's version is
 * its PRAGMA user_version (0 for a new file).  Each migration runs in its
 * own BEGIN IMMEDIATE transaction that re-reads the version first, so two
 * processes opening a new file at once migrate it once.  A database with a
 * version above sqlite_schema_current() was made by a newer cwsh and is
 * refused, never touched.
 */
#ifndef SQLITE_SCHEMA_H
#define SQLITE_SCHEMA_H

#include <sqlite3.h>

/* The version this build migrates to (the number of migrations). */
int sqlite_schema_current(void);

/* The database's user_version, or -1 with *err malloc'd. */
int sqlite_schema_version(sqlite3 *db, char **err);

/* Migrate `db` (named `name` in messages) up to version `upto`, or to the
 * current version when upto < 0.  Also the test hook that builds a
 * database "as an older cwsh left it".  0, or -1 with *err malloc'd:
 *   database 'X' was made by a newer cwsh (schema version N, this cwsh knows M)
 *   cannot upgrade database 'X' to schema version N: MESSAGE (in: SQL)
 * A failed migration leaves the database at the version before it; a
 * damaged database (sqlite_schema_check) is not upgraded. */
int sqlite_schema_migrate(sqlite3 *db, const char *name, int upto, char **err);

/* PRAGMA integrity_check on `db` (named `name`): 0 when it finds nothing,
 * else -1 with *err malloc'd, "database 'X' is damaged: FIRST PROBLEM".
 * Migrations run it before upgrading. */
int sqlite_schema_check(sqlite3 *db, const char *name, char **err);
/* Whether db has every table, index, view and trigger a new database
 * has (after its migrations): a file from other hands may claim the
 * current version and lack one.  0, or -1 with *err malloc'd naming the
 * first missing. */
int sqlite_schema_complete(sqlite3 *db, const char *name, char **err);

/* The malloc'd refusal message for database `name` at version `v`. */
char *sqlite_schema_refusal(const char *name, int v);

#endif
