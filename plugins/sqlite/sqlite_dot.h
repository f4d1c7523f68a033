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

/* Register the commands with c->host; `c` must outlive them. */
void sqlite_dot_register(sqlite_conn *c);

#endif
