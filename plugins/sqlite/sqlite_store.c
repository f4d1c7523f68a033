/*
 * sqlite_store.c — SQL at the prompt: every statement of the text runs in
 * turn (prepare_v2's tail), each result set goes to the sink as column
 * names and cwsh_values.  A statement that returns no columns (INSERT,
 * CREATE, ...) prints nothing.  Errors are SQLite's message alone: the
 * user sees the SQL they typed, and scripts get FILE:LINE from the core.
 */
#include <stdlib.h>
#include <string.h>
#include "sqlite_store.h"
#include "sqlite_load.h"

#define MAXCOLS_STACK 64

/* Step one prepared statement into `out`.  0, or -1 with *err set. */
static int run_one(sqlite_conn *c, sqlite3_stmt *st, cwsh_sink *out, char **err)
{
    int ncol = sqlite3_column_count(st);
    cwsh_value stackv[MAXCOLS_STACK];
    const char *stackn[MAXCOLS_STACK];
    cwsh_value *v = stackv;
    const char **names = stackn;
    if (ncol > MAXCOLS_STACK) {
        v = malloc((size_t)ncol * sizeof *v);
        names = malloc((size_t)ncol * sizeof *names);
        if (!v || !names) {
            free(v); free(names);
            *err = sqlite_conn_fmt("out of memory");
            return -1;
        }
    }
    for (int i = 0; i < ncol; i++) {
        names[i] = sqlite3_column_name(st, i);
        if (!names[i]) names[i] = "?";
    }
    /* columns() waits for the first row or the end, so a statement that
     * fails before any row (a runtime error, Ctrl-C) prints nothing but
     * its error; rows that came before an error are still shown */
    int rc, stop = 0, open = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!open) { out->columns(out, ncol, names); open = 1; }
        for (int i = 0; i < ncol; i++) sqlite_conn_value(st, i, &v[i]);
        stop = out->row(out, ncol, v);
    }
    if (!open && ncol > 0 && (stop || rc == SQLITE_DONE)) { out->columns(out, ncol, names); open = 1; }
    if (open) out->end(out);
    int fail = !stop && rc != SQLITE_DONE;
    if (fail) *err = sqlite_conn_error(c, NULL);
    if (v != stackv) { free(v); free(names); }
    return fail ? -1 : 0;
}

static int s_exec(void *self, const char *sql, cwsh_sink *out, char **err)
{
    sqlite_conn *c = self;
    *err = NULL;
    const char *p = sql;
    while (*p) {
        const char *tail = NULL;
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, p, -1, &st, &tail) != SQLITE_OK) {
            *err = sqlite_conn_error(c, NULL);
            return -1;
        }
        if (!st) { p = tail; continue; }         /* blanks or a comment */
        int in_tx = !sqlite3_get_autocommit(c->db);
        int rc = run_one(c, st, out, err);
        sqlite3_finalize(st);
        if (rc != 0) {
            /* SQLite rolls the user's BEGIN back by itself for some
             * failures (an INSERT/UPDATE/DELETE interrupted by Ctrl-C, a
             * full disk, ON CONFLICT ROLLBACK): the statements after would
             * each commit on their own and COMMIT say "no transaction is
             * active".  Say it when it happens. */
            if (in_tx && sqlite3_get_autocommit(c->db)) {
                char *m = sqlite_conn_fmt("%s; the open transaction was rolled back: its changes are gone",
                                          *err ? *err : "the statement failed");
                if (m) { free(*err); *err = m; }
            }
            return -1;
        }
        p = tail;
    }
    return 0;
}

static int s_complete(void *self, const char *sql)
{
    (void)self;
    return sqlite3_complete(sql);
}

static void s_interrupt(void *self)
{
    sqlite_conn *c = self;
    if (c->db) sqlite3_interrupt(c->db);
}

void sqlite_store_init(cwsh_store *st, sqlite_conn *c)
{
    memset(st, 0, sizeof *st);
    st->size = sizeof *st;
    st->name = "sqlite";
    st->server = 0;             /* embedded: a file this process opens */
    st->self = c;
    st->exec = s_exec;
    st->complete = s_complete;
    st->interrupt = s_interrupt;
    sqlite_load_fill(st);
}
