/*
 * pg_value.h — a cell of a PostgreSQL result as cwsh sees it (owned by
 * the postgres helper).  Results come in text form; the column's type
 * says what the text is: integers (int2/4/8, oid) are CWSH_INT, floats
 * and numeric CWSH_REAL (a numeric without a fraction, as sum() of
 * integers gives, an integer when it fits int64; beyond, a real, never
 * clipped), booleans 1/0 as SQLite has them, NULL
 * CWSH_NULL, everything else text.
 */
#ifndef PG_VALUE_H
#define PG_VALUE_H

#include <libpq-fe.h>
#include "cwsh.h"

/* Cell (row, col) of r into *v; v->s borrows r's memory. */
void pg_value_get(const PGresult *r, int row, int col, cwsh_value *v);

#endif
