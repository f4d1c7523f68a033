/*
 * sqlite_exec_test.c — SQL text through the store into a test sink: every
 * statement runs, result sets arrive as column names and typed values,
 * errors carry SQLite's message, Ctrl-C (interrupt) stops a statement.
 * Owner: sqlite helper.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_store.h"

static sqlite_conn conn;
static cwsh_store st;

/* A sink that writes what it receives as text:
 *   [a,b] INT:1 REAL:2.5 NULL TEXT(6):中文 / ... end */
typedef struct text_sink {
    cwsh_sink k;
    char buf[4096];
    size_t len;
    int rows, stop_after, interrupt_after;
} text_sink;

static void put(text_sink *t, const char *s, size_t n)
{
    if (t->len + n + 1 >= sizeof t->buf) return;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = 0;
}

static void puts_(text_sink *t, const char *s) { put(t, s, strlen(s)); }

static void k_columns(cwsh_sink *k, int n, const char *const *names)
{
    text_sink *t = (text_sink *)k;
    puts_(t, "[");
    for (int i = 0; i < n; i++) { if (i) puts_(t, ","); puts_(t, names[i]); }
    puts_(t, "]");
}

static int k_row(cwsh_sink *k, int n, const cwsh_value *v)
{
    text_sink *t = (text_sink *)k;
    char b[64];
    for (int i = 0; i < n; i++) {
        puts_(t, " ");
        switch (v[i].type) {
        case CWSH_INT: snprintf(b, sizeof b, "INT:%lld", v[i].i); puts_(t, b); break;
        case CWSH_REAL: snprintf(b, sizeof b, "REAL:%g", v[i].r); puts_(t, b); break;
        case CWSH_NULL: puts_(t, "NULL"); break;
        default:
            snprintf(b, sizeof b, "TEXT(%zu):", v[i].n);
            puts_(t, b);
            put(t, v[i].s, v[i].n);
        }
    }
    puts_(t, " /");
    t->rows++;
    if (t->interrupt_after && t->rows == t->interrupt_after) st.interrupt(st.self);
    return t->stop_after && t->rows >= t->stop_after;
}

static void k_end(cwsh_sink *k) { puts_((text_sink *)k, " end;"); }

static text_sink sink(void)
{
    text_sink t;
    memset(&t, 0, sizeof t);
    t.k = (cwsh_sink){ k_columns, k_row, k_end };
    return t;
}

static void run(const char *sql, int want_rc, const char *want_out, const char *want_err,
                const char *name)
{
    text_sink t = sink();
    char *err = NULL;
    int rc = st.exec(st.self, sql, &t.k, &err);
    char n2[200];
    snprintf(n2, sizeof n2, "%s: status", name);
    tap_is_int(rc, want_rc, n2);
    snprintf(n2, sizeof n2, "%s: output", name);
    tap_is(t.buf, want_out, n2);
    snprintf(n2, sizeof n2, "%s: error", name);
    tap_is(err, want_err, n2);
    free(err);
}

/* the host's Ctrl-C flag, as the session keeps it for the whole command */
static int pressed;
static int fake_interrupted(cwsh_host *h) { (void)h; return pressed; }

int main(void)
{
    char *err = NULL;
    if (sqlite_conn_open(&conn, ":memory:", &err) != 0) { printf("Bail out! %s\n", err); return 1; }
    sqlite_store_init(&st, &conn);

    run("SELECT 1 AS a, 2.5 AS b, NULL AS c, '中文' AS d, x'41' AS e;", 0,
        "[a,b,c,d,e] INT:1 REAL:2.5 NULL TEXT(6):中文 TEXT(1):A / end;", NULL, "one row, each type");
    run("CREATE TABLE t(x INTEGER, y TEXT); INSERT INTO t VALUES (9007199254740993, 'a\nb');"
        " -- a comment\n SELECT x, y FROM t; SELECT count(*) AS n FROM t;", 0,
        "[x,y] INT:9007199254740993 TEXT(3):a\nb / end;[n] INT:1 / end;", NULL,
        "several statements: DDL silent, two result sets, 64-bit integers exact");
    run("SELECT x FROM t WHERE 0;", 0, "[x] end;", NULL, "no rows: columns and end only");
    run("   ;  -- nothing\n", 0, "", NULL, "blanks and comments only");
    run("SELEC 1;", -1, "", "near \"SELEC\": syntax error", "syntax error");
    run("SELECT abs(-9223372036854775807 - 1) AS a;", -1, "", "integer overflow",
        "runtime error before any row: no empty header, only the error");
    run("INSERT INTO t VALUES (1, 'kept'); SELECT * FROM nosuch; INSERT INTO t VALUES (2, 'not run');",
        -1, "", "no such table: nosuch", "error stops the text");
    run("SELECT group_concat(y, ',') AS ys FROM t;", 0, "[ys] TEXT(8):a\nb,kept / end;", NULL,
        "statements before the error ran, those after it did not");
    run("INSERT INTO market(code, name, is_key) VALUES ('x', 'y', 2);", -1, "",
        "CHECK constraint failed: is_key IN (0,1)", "constraint message");

    text_sink t = sink();
    t.stop_after = 2;
    int rc = st.exec(st.self, "WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i+1 FROM c "
                     "WHERE i < 5) SELECT i FROM c;", &t.k, &err);
    tap_ok(rc == 0 && !err, "sink asks to stop: no error");
    tap_is(t.buf, "[i] INT:1 / INT:2 / end;", "sink asks to stop: rows stop");

    t = sink();
    t.interrupt_after = 3;
    rc = st.exec(st.self, "WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i+1 FROM c) "
                 "SELECT i FROM c;", &t.k, &err);
    tap_is_int(rc, -1, "interrupt: statement stops");
    tap_is(err, "interrupted", "interrupt: message");
    tap_is(t.buf, "[i] INT:1 / INT:2 / INT:3 / end;", "interrupt: the rows before it are shown");
    free(err);
    err = NULL;
    run("SELECT 1 AS ok;", 0, "[ok] INT:1 / end;", NULL, "after an interrupt the next statement runs");

    /* Ctrl-C pressed before the statement started (between prepare and
     * step, or between two statements): sqlite3_interrupt had nothing to
     * stop, the progress handler sees the session's flag */
    static cwsh_host host;
    host.interrupted = fake_interrupted;
    conn.host = &host;
    pressed = 1;
    t = sink();
    rc = st.exec(st.self, "SELECT 1 AS first; WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i+1 FROM c) "
                 "SELECT count(*) FROM c;", &t.k, &err);
    tap_is_int(rc, -1, "Ctrl-C before an endless statement began: it stops");
    tap_is(err, "interrupted", "Ctrl-C before the statement: message");
    free(err);
    err = NULL;
    pressed = 0;
    run("SELECT 2 AS ok;", 0, "[ok] INT:2 / end;", NULL, "the flag cleared, statements run again");
    conn.host = NULL;

    tap_ok(!st.complete(st.self, "SELECT 1"), "complete: no ';' yet");
    tap_ok(st.complete(st.self, "SELECT 1;"), "complete: ';'");
    tap_ok(!st.complete(st.self, "SELECT ';"), "complete: ';' inside a string");
    tap_ok(!st.complete(st.self, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;"),
           "complete: trigger body open");
    tap_ok(st.complete(st.self, "SELECT '中文'\n;"), "complete: multi-line");
    sqlite_conn_close(&conn);
    return tap_done();
}
