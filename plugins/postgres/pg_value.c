/*
 * pg_value.c — typed cells from text results (see pg_value.h).
 *
 * The type OIDs are PostgreSQL's fixed catalogue numbers
 * (src/include/catalog/pg_type.dat); libpq-dev ships no header with them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pg_value.h"

enum { T_BOOL = 16, T_INT8 = 20, T_INT2 = 21, T_INT4 = 23, T_OID = 26,
       T_FLOAT4 = 700, T_FLOAT8 = 701, T_NUMERIC = 1700 };

void pg_value_get(const PGresult *r, int row, int col, cwsh_value *v)
{
    memset(v, 0, sizeof *v);
    if (PQgetisnull(r, row, col)) { v->type = CWSH_NULL; return; }
    const char *s = PQgetvalue(r, row, col);
    switch (PQftype(r, col)) {
    case T_BOOL:
        v->type = CWSH_INT;
        v->i = s[0] == 't';
        return;
    case T_INT2: case T_INT4: case T_INT8: case T_OID:
        v->type = CWSH_INT;
        v->i = strtoll(s, NULL, 10);
        return;
    case T_NUMERIC:
        /* NaN, fractions and whole numbers beyond 64 bits (1e300, a sum
         * of big integers) are reals, as SQLite gives them: strtoll
         * would clip those to INT64_MAX/MIN without a word */
        if (!strpbrk(s, ".eEN")) {
            char *end;
            errno = 0;
            long long x = strtoll(s, &end, 10);
            if (!*end && errno != ERANGE) { v->type = CWSH_INT; v->i = x; return; }
        }
        /* fall through */
    case T_FLOAT4: case T_FLOAT8:
        v->type = CWSH_REAL;
        v->r = strtod(s, NULL);
        return;
    default:
        v->type = CWSH_TEXT;
        v->s = s;
        v->n = (size_t)PQgetlength(r, row, col);
    }
}
