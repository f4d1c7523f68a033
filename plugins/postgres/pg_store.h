/*
 * pg_store.h — the cwsh_store the postgres plugin registers (owned by the
 * postgres helper): SQL at the prompt into a sink, statement
 * completeness, Ctrl-C through PQcancel, and the loaders of pg_load.h.
 */
#ifndef PG_STORE_H
#define PG_STORE_H

#include "cwsh.h"
#include "pg_conn.h"

/* Fill `st` for connection `c` (borrowed: it must outlive the store). */
void pg_store_init(cwsh_store *st, pg_conn *c);

#endif
