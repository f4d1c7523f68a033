/*
 * sqlite_store.h — the cwsh_store the sqlite plugin registers (owned by
 * the sqlite helper): SQL text at the prompt into a sink, statement
 * completeness, Ctrl-C, and the loaders of sqlite_load.h.
 */
#ifndef SQLITE_STORE_H
#define SQLITE_STORE_H

#include "cwsh.h"
#include "sqlite_conn.h"

/* Fill `st` for connection `c` (borrowed: it must outlive the store). */
void sqlite_store_init(cwsh_store *st, sqlite_conn *c);

#endif
