/* postgres_sql_test.c — unit tests of the postgres plugin's lexical
 * scanner: where statements end, completeness at the prompt, and the db
 * module's placeholders rewritten as $n. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "../../plugins/postgres/pg_sql.h"

static size_t stmt_len(const char *s, int *term) { return pg_sql_statement(s, strlen(s), term); }

/* The translation of `sql`, with its parameters as "name,name,?" (? for
 * positional): "SQL | PARAMS". */
static char *tr(const char *sql)
{
    pg_params p;
    char *t = pg_sql_translate(sql, strlen(sql), &p);
    if (!t) return strdup("(null)");
    size_t cap = strlen(t) + 256;
    char *out = malloc(cap);
    size_t o = (size_t)snprintf(out, cap, "%s |", t);
    for (int i = 0; i < p.n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, " %s", p.names[i] ? p.names[i] : "?");
    free(t);
    pg_params_free(&p);
    return out;
}

static void is_tr(const char *sql, const char *want, const char *name)
{
    char *got = tr(sql);
    tap_is(got, want, name);
    free(got);
}

int main(void)
{
    int term;
    tap_is_int((int)stmt_len("SELECT 1; SELECT 2;", &term), 9, "a statement ends at its ';'");
    tap_is_int(term, 1, "... and is terminated");
    tap_is_int((int)stmt_len("SELECT 'a;b'; x", &term), 13, "not at a ';' in a string");
    tap_is_int((int)stmt_len("SELECT 'it''s;'; x", &term), 16, "'' inside a string");
    tap_is_int((int)stmt_len("SELECT E'\\';'; x", &term), 14, "E'' strings take backslash escapes");
    tap_is_int((int)stmt_len("SELECT \"a;\"; x", &term), 12, "nor in a quoted identifier");
    tap_is_int((int)stmt_len("SELECT $$;$$; x", &term), 13, "nor in a dollar quote");
    tap_is_int((int)stmt_len("SELECT $f$ $$; $f$; x", &term), 19, "a tagged dollar quote holds $$");
    tap_is_int((int)stmt_len("SELECT $1; x", &term), 10, "$1 is a parameter, not a quote");
    tap_is_int((int)stmt_len("SELECT 1 -- ;\n; x", &term), 15, "nor in a line comment");
    tap_is_int((int)stmt_len("SELECT /* /* ; */ ; */ 1; x", &term), 25, "nor in nested block comments");
    tap_is_int((int)stmt_len("SELECT 'open;", &term), 13, "an open string runs to the end");
    tap_is_int(term, 0, "... unterminated");

    tap_is_int(pg_sql_complete("SELECT 1;"), 1, "complete: ends with ';'");
    tap_is_int(pg_sql_complete("SELECT 1; -- done\n"), 1, "complete: a comment after the ';'");
    tap_is_int(pg_sql_complete("SELECT 1"), 0, "incomplete: no ';'");
    tap_is_int(pg_sql_complete("SELECT 'a;"), 0, "incomplete: inside a string");
    tap_is_int(pg_sql_complete("SELECT $$a;"), 0, "incomplete: inside a dollar quote");
    tap_is_int(pg_sql_complete("SELECT 1; /* open"), 0, "incomplete: an open block comment");
    tap_is_int(pg_sql_complete("SELECT 1; SELECT 2"), 0, "incomplete: a second statement begun");
    tap_is_int(pg_sql_complete("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;"), 1,
               "complete: a function body with ';' inside");
    tap_is_int(pg_sql_complete("   "), 0, "nothing is no complete statement");

    is_tr("SELECT ? + ?", "SELECT $1 + $2 | ? ?", "? in order");
    is_tr("SELECT ?2, ?1", "SELECT $2, $1 | ? ?", "?NNN by number");
    is_tr("SELECT :a, @b, $c, :a", "SELECT $1, $2, $3, $1 | a b c", "named: one number per name");
    is_tr("SELECT x::int, '?', \"?\" -- ?\n", "SELECT x::int, '?', \"?\" -- ?\n |", "casts, quotes and comments stay");
    is_tr("SELECT $1, ?", "SELECT $1, $2 | ? ?", "PostgreSQL's own $1 counts");
    is_tr("SELECT $$ :x ? $$", "SELECT $$ :x ? $$ |", "nothing inside a dollar quote");
    return tap_done();
}
