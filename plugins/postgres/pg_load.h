/*
 * pg_load.h — inspection loads and generic table loads on the server
 * (owned by the postgres helper).
 *
 * An inspection load is one transaction (a savepoint inside the user's):
 * the file's hash is locked first (pg_advisory_xact_lock), so of two
 * sessions importing the same file one imports and the other, once the
 * first commits, is refused by the hash as a second import always is.
 * Inspections and item results stream with COPY ... FROM STDIN straight
 * into inspection and result, a MB at a time: each flush takes exactly
 * as many ids from inspection's sequence as it sends inspections, and
 * the results' COPY of one flush runs on the server while the loader
 * builds the next one (non-blocking libpq); markets and stations the sheet adds
 * go in at once (ON CONFLICT: a station another session just added is
 * used, not a failure).  Ctrl-C cancels the server's statement
 * (PQcancel) and the load rolls back.
 */
#ifndef PG_LOAD_H
#define PG_LOAD_H

#include "cwsh.h"

/* Set the loader functions of `st` (st->self is the pg_conn). */
void pg_load_fill(cwsh_store *st);

#endif
