/*
 * pg_sql.h — PostgreSQL's lexical structure, as far as the shell needs it
 * (owned by the postgres helper): where a statement ends, whether the
 * text typed so far ends with a complete one, and the `db` module's
 * placeholders (`?`, `?NNN`, `:name`, `@name`, `$name`) rewritten as
 * PostgreSQL's $n.
 *
 * Quoting understood: '...' ('' inside), E'...' (backslash escapes),
 * "..." identifiers, $tag$...$tag$ dollar quotes, -- line comments and
 * nested block comments (slash-star ... star-slash).  Nothing here allocates except
 * pg_sql_translate.
 */
#ifndef PG_SQL_H
#define PG_SQL_H

#include <stddef.h>

/* The length of the first statement of s[0..n): up to and including its
 * ';', or n when it has none (*terminated = 0 then). */
size_t pg_sql_statement(const char *s, size_t n, int *terminated);

/* Non-zero when s[0..n) holds only blanks and comments. */
int pg_sql_blank(const char *s, size_t n);

/* Non-zero when `sql` ends with a complete statement: a ';' outside
 * quotes and comments, followed by nothing but blanks and comments. */
int pg_sql_complete(const char *sql);

/* The placeholders of one statement, as pg_sql_translate found them:
 * names[i] is the name of $i+1 (":x" -> "x"), NULL for a positional one. */
typedef struct pg_params {
    int n;
    char **names;
} pg_params;

/* `sql` with its placeholders rewritten as $1, $2 ...: each `?` the next
 * number, `?NNN` number NNN, each distinct :name/@name/$name one number
 * (the same name twice, the same number); PostgreSQL's own $1 stays as
 * it is and counts.  `::` casts and everything quoted are left alone.
 * malloc'd; NULL on out of memory.  p is filled (pg_params_free). */
char *pg_sql_translate(const char *sql, size_t len, pg_params *p);
void pg_params_free(pg_params *p);

#endif
