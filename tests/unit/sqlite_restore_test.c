/*
 * sqlite_restore_test.c — .restore (sqlite_dot_restore) and Ctrl-C: an
 * interrupt that comes once the copy into the database has committed
 * does not turn the done restore into "interrupted" (the database was
 * replaced); one that comes before it leaves the database as it was.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_dot.h"

static int copies_done, press_in_copy, pressed;
static char notice[512];

/* The copies report progress; the one numbered press_in_copy (1: the
 * staging copy, 2: the copy into the database) gets Ctrl-C at its first
 * report, which comes after the step that copied every page. */
static void fake_progress(cwsh_host *h, const char *what, long long done, long long bytes, long long total)
{
    (void)h; (void)what; (void)bytes; (void)total;
    if (done < 0) { copies_done++; return; }
    if (copies_done + 1 == press_in_copy) pressed = 1;
}
static int fake_interrupted(cwsh_host *h) { (void)h; return pressed; }
static void fake_noticef(cwsh_host *h, const char *fmt, ...)
{
    (void)h;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notice, sizeof notice, fmt, ap);
    va_end(ap);
}

static char *one(sqlite_conn *c, const char *sql)
{
    sqlite3_stmt *st;
    char *r = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        r = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return r ? r : strdup("(none)");
}

static void try(int press, const char *want_err, const char *want_unit, const char *want_notice, const char *name)
{
    static cwsh_host host;
    host.progress = fake_progress;
    host.interrupted = fake_interrupted;
    host.noticef = fake_noticef;
    sqlite_conn c = { 0 };
    c.host = &host;
    char *err = NULL, n2[200];
    unlink("restore-test-a.db");
    if (sqlite_conn_open(&c, "restore-test-a.db", &err) != 0) { printf("Bail out! %s\n", err); exit(1); }
    sqlite_conn_exec(&c, "INSERT INTO unit(name) VALUES ('原来的所')", &err);
    copies_done = 0; pressed = 0; press_in_copy = press; notice[0] = 0;
    int rc = sqlite_dot_restore(&c, "restore-test-b.db", &err);
    snprintf(n2, sizeof n2, "%s: result", name);
    tap_is(rc == 0 ? "ok" : err, want_err, n2);
    tap_is_int(rc, strcmp(want_err, "ok") ? -1 : 0, name);
    free(err);
    pressed = 0;
    char *u = one(&c, "SELECT group_concat(name) FROM unit");
    snprintf(n2, sizeof n2, "%s: the database", name);
    tap_is(u, want_unit, n2);
    free(u);
    snprintf(n2, sizeof n2, "%s: the notice", name);
    tap_is(notice, want_notice, n2);
    sqlite_conn_close(&c);
}

int main(void)
{
    char *err = NULL, dir[] = "/tmp/cwsh-restore-test.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) { printf("Bail out! no scratch directory\n"); return 1; }
    sqlite_conn b = { 0 };
    unlink("restore-test-b.db");
    if (sqlite_conn_open(&b, "restore-test-b.db", &err) != 0
        || sqlite_conn_exec(&b, "INSERT INTO unit(name) VALUES ('备份的所')", &err) != 0) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    sqlite_conn_close(&b);

    try(0, "ok", "备份的所", "", "no Ctrl-C: restored");
    try(1, "restore from 'restore-test-b.db' failed: interrupted", "原来的所", "",
        "Ctrl-C while staging: interrupted, the database as it was");
    try(2, "ok", "备份的所",
        "restored from 'restore-test-b.db': the copy had committed when Ctrl-C came",
        "Ctrl-C after the copy committed: restored, and said");

    const char *const files[] = { "restore-test-a.db", "restore-test-a.db-wal", "restore-test-a.db-shm",
                                  "restore-test-b.db", "restore-test-b.db-wal", "restore-test-b.db-shm" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) unlink(files[i]);
    if (chdir("/") == 0) rmdir(dir);
    return tap_done();
}
