/*
 * sqlite_load.h — the store's bulk loaders (owned by the sqlite helper):
 * inspection loads (cwsh_store.load_*) and generic table loads
 * (cwsh_store.table_*), each one write transaction.
 *
 * A load holds BEGIN IMMEDIATE (or a savepoint inside a transaction the
 * user opened) from begin to end, so the keys it reads into memory at
 * begin (markets by code, name and alias; items by code; units by name)
 * stay true while it runs and no row costs a SELECT: a row is one
 * bind + step + reset of a prepared INSERT.  Only one load runs at a time.
 */
#ifndef SQLITE_LOAD_H
#define SQLITE_LOAD_H

#include "cwsh.h"
#include "sqlite_conn.h"

/* Fill the loader members of `st` (load_*, market_*, inspection, result,
 * table_*); `st->self` must be the sqlite_conn. */
void sqlite_load_fill(cwsh_store *st);

#endif
