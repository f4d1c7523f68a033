/*
 * fuzz_table.c — fuzz target for `.import FILE TABLE` (plugins/csv/
 * csv_table.c over the CSV reader) into the sqlite plugin's store in
 * memory: the quoting, the header, the field counts, --skip and
 * --skip-bad.  Byte 0 picks the options (bits 0-1: the delimiter sniffed,
 * ',', ';' or tab; bit 2 --skip-bad; bit 3 the encoding detected or
 * GB18030; bits 4-5 --skip 0-3), the rest is the file.
 *
 * Checks: the import ends with "imported N rows into t ..." and table t
 * holding N rows, or with a message and no table t (atomic);
 * integrity_check is clean; and the table round-trips: written out as
 * CSV with every field quoted (quotes doubled, CRLF) and imported again
 * as UTF-8 with ',' into t2, it is the same rows (both EXCEPTs empty, the
 * counts equal), so what the reader made of the quotes survives our own
 * writing of them.
 */
#include <stdint.h>
#include <unistd.h>
#include "../../plugins/csv/csv_table.h"
#define FUZZ_NAME "fuzz_table"
#include "fuzz_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/cwsh-fuzz-table.XXXXXX", file[64], file2[64];

static void unlink_all(void)
{
    char rejects[96];
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", file);
    unlink(rejects);
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", file2);
    unlink(rejects);
    unlink(file);
    unlink(file2);
}

static void cleanup(void)
{
    sqlite_conn_close(&conn);
    unlink_all();
    rmdir(dir);
}

static void setup(void)
{
    store_open();
    if (!mkdtemp(dir)) die("cannot make a scratch directory", NULL);
    snprintf(file, sizeof file, "%s/in.csv", dir);
    snprintf(file2, sizeof file2, "%s/out.csv", dir);
    atexit(cleanup);
}

static void field(FILE *f, const char *s, size_t n, int first)
{
    if (!first) putc(',', f);
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') putc('"', f);
        putc(s[i], f);
    }
    putc('"', f);
}

/* Table t as CSV into file2, header first. */
static void dump(void)
{
    FILE *f = fopen(file2, "wb");
    sqlite3_stmt *st;
    if (!f) die("cannot write the dump", NULL);
    if (sqlite3_prepare_v2(conn.db, "SELECT * FROM t", -1, &st, NULL) != SQLITE_OK) die("cannot read t", NULL);
    int n = sqlite3_column_count(st);
    for (int c = 0; c < n; c++) {
        const char *name = sqlite3_column_name(st, c);
        field(f, name, strlen(name), c == 0);
    }
    fputs("\r\n", f);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < n; c++) {
            const char *s = (const char *)sqlite3_column_blob(st, c);
            field(f, s ? s : "", (size_t)sqlite3_column_bytes(st, c), c == 0);
        }
        fputs("\r\n", f);
    }
    sqlite3_finalize(st);
    if (fclose(f) != 0) die("cannot write the dump", NULL);
}

/* ctab_run as the core calls it: inside a protected call. */
typedef struct args { const ctab_opts *o; char **summary, **err; int rc; } args;
static int l_run(lua_State *L)
{
    args *a = lua_touserdata(L, 1);
    a->rc = ctab_run(host, a->o, a->summary, a->err);
    return 0;
}

static int run(const ctab_opts *o, char **summary, char **err)
{
    args a = { o, summary, err, -1 };
    *summary = *err = NULL;
    lua_pushcfunction(host->L, l_run);
    lua_pushlightuserdata(host->L, &a);
    if (lua_pcall(host->L, 1, 0, 0) != LUA_OK) die("the import raised a Lua error", lua_tostring(host->L, -1));
    if (a.rc == 0 && (!*summary || *err)) die("success without a summary", *err);
    if (a.rc != 0 && (!*err || !**err)) die("a failure without a message", NULL);
    return a.rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!host) setup();
    if (size == 0) return 0;
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0) die("cannot write the input", NULL);
    static const int delims[] = { 0, ',', ';', '\t' };
    ctab_opts o = { 0 };
    o.file = file;
    o.table = "t";
    o.read.delim = delims[data[0] & 3];
    o.skip_bad = !!(data[0] & 4);
    o.read.encoding = (data[0] & 8) ? "GB18030" : NULL;
    o.skip = (data[0] >> 4) & 3;
    char *summary, *err;
    fk_reset();
    int rc = run(&o, &summary, &err);
    long long have = one("SELECT count(*) FROM sqlite_master WHERE name = 't'");
    if (rc != 0) {
        if (have != 0) die("a failed import left its table", err);
    } else {
        long long rows = -1;
        char digits[32];
        size_t k = 0;
        const char *p = summary + strlen("imported ");
        if (strncmp(summary, "imported ", 9) != 0) die("a summary that is not 'imported N rows'", summary);
        for (; *p && *p != ' ' && k < sizeof digits - 1; p++) if (*p != ',') digits[k++] = *p;
        digits[k] = 0;
        rows = strtoll(digits, NULL, 10);
        if (have != 1) die("a successful import without its table", summary);
        if (one("SELECT count(*) FROM t") != rows) die("the table does not hold the rows the summary counts", summary);
        dump();
        ctab_opts o2 = { 0 };
        o2.file = file2;
        o2.table = "t2";
        o2.read.delim = ',';
        o2.read.encoding = "UTF-8";
        char *s2, *e2;
        if (run(&o2, &s2, &e2) != 0) die("the table written out as CSV does not import again", e2);
        if (one("SELECT count(*) FROM t2") != rows
            || one("SELECT count(*) FROM (SELECT * FROM t EXCEPT SELECT * FROM t2)") != 0
            || one("SELECT count(*) FROM (SELECT * FROM t2 EXCEPT SELECT * FROM t)") != 0)
            die("the table does not round-trip through CSV", summary);
        free(s2);
    }
    char buf[64] = "";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(conn.db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (strcmp(buf, "ok") != 0) die("integrity_check", buf);
    if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "%s\n%s", rc == 0 ? summary : err, fk_msg);
    free(summary);
    free(err);
    char *e3 = NULL;
    if (sqlite3_exec(conn.db, "DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS t2;", NULL, NULL, &e3) != SQLITE_OK)
        die("cannot reset the database", e3);
    unlink_all();
    return 0;
}
