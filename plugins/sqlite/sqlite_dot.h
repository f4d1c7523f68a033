/*
 * sqlite_dot.h — the sqlite plugin's dot-commands (owned by the sqlite
 * helper): .tables .schema .indexes .backup .restore .dbinfo.
 *
 * Listings return result sets, so they print in every output mode;
 * .schema returns the CREATE statements as text.
 */
#ifndef SQLITE_DOT_H
#define SQLITE_DOT_H

#include "sqlite_conn.h"

/* .restore FILE without its Lua wrapper (also for tests/fuzz/
 * fuzz_restore.c): replace c's database with FILE's content, then bring
 * it to the current schema.  A file that is not a cwsh database (schema
 * version 0) or a newer one is refused untouched.  0, or -1 with *err
 * malloc'd. */
int sqlite_dot_restore(sqlite_conn *c, const char *path, char **err);

/* Register the commands with c->host; `c` must outlive them. */
void sqlite_dot_register(sqlite_conn *c);

#endif
