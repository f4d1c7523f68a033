/*
 * fuzz_import.c — fuzz target for `import` end to end: the CSV reader,
 * the long and wide mappings (rules/mappings/long.lua and wide.lua, as the csv unit tests
 * load them), the converters, grouping and checks of the import pipeline
 * (plugins/csv/csv_import.c and the files it drives) and the sqlite
 * plugin's loader into a database in memory with the schema migrated.
 * The first byte picks the options (bits 0-1: mapping auto, long, wide or
 * upper; bit 2 --add-markets; bit 3 --skip-bad; bit 4 the parsing
 * thread), the rest is the file.
 *
 * Checks: the import ends with a summary, or with a message and nothing
 * of it stored (inspections, results, imports and markets as before);
 * what is stored passes PRAGMA integrity_check and foreign_key_check, and
 * every inspection stored belongs to the import row it names.
 */
#include <stdint.h>
#include <unistd.h>
#include "../../plugins/csv/csv_import.h"
#define FUZZ_NAME "fuzz_import"
#include "fuzz_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/cwsh-fuzz-import.XXXXXX", file[64];

static void cleanup(void)
{
    sqlite_conn_close(&conn);
    char rejects[96];
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", file);
    unlink(rejects);
    unlink(file);
    rmdir(dir);
}

static void setup(void)
{
    store_open();
    char *err = NULL;
    if (sqlite3_exec(conn.db,
            "WITH i(code, pts) AS (VALUES ('A01',4),('A02',4),('A03',3),('A04',3),('A05',4),('A06',4),"
            "('B01',3),('B02',3),('B03',2),('B04',2),('B05',2),('B06',2),('C01',3),('C02',3),('C03',2),"
            "('C04',2),('C05',2),('C06',2),('D01',3),('D02',2),('D03',2),('D04',3),('E01',4),('E02',3),"
            "('E03',2),('E04',3),('F01',4),('F02',3),('F03',3),('F04',4),('F05',2),('F06',2),('G01',2),"
            "('G02',2),('G03',2),('G04',2),('G05',2))"
            " INSERT INTO item(code, title, category, points) SELECT code, '项目' || code, '类', pts FROM i;"
            "INSERT INTO unit(name, kind) VALUES ('城东所', '所'), ('城西所', '所');"
            "INSERT INTO market(code, name, unit_id) VALUES ('M00001', '城北市场', 1), ('M00002', '健康路市场', 2);",
            NULL, NULL, &err) != SQLITE_OK)
        die("cannot seed the database", err);
    if (!mkdtemp(dir)) die("cannot make a scratch directory", NULL);
    snprintf(file, sizeof file, "%s/in.csv", dir);
    atexit(cleanup);
}

static const char *text(const char *sql)
{
    static char buf[256];
    sqlite3_stmt *st;
    buf[0] = 0;
    if (sqlite3_prepare_v2(conn.db, sql, -1, &st, NULL) != SQLITE_OK) die("bad check query", sql);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

/* cimp_run as the core calls it: inside a protected call. */
typedef struct args { const cimp_opts *o; char **summary, **err; int rc; } args;
static int l_run(lua_State *L)
{
    args *a = lua_touserdata(L, 1);
    a->rc = cimp_run(host, a->o, a->summary, a->err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!host) setup();
    if (size == 0) return 0;
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0) die("cannot write the input", NULL);
    static const char *const mappings[] = { NULL, "long", "wide", "upper" };
    cimp_opts o = { 0 };
    o.file = file;
    o.mapping = mappings[data[0] & 3];
    o.add_markets = !!(data[0] & 4);
    o.skip_bad = !!(data[0] & 8);
    o.threads = (data[0] & 16) ? 1 : 0;
    long long before = one("SELECT (SELECT count(*) FROM market) * 1000000 + (SELECT count(*) FROM inspection)");
    char *summary = NULL, *err = NULL;
    fk_reset();                  /* the messages of the last input */
    args a = { &o, &summary, &err, -1 };
    lua_pushcfunction(host->L, l_run);
    lua_pushlightuserdata(host->L, &a);
    if (lua_pcall(host->L, 1, 0, 0) != LUA_OK) die("the import raised a Lua error", lua_tostring(host->L, -1));
    if (a.rc == 0) {
        if (!summary || err) die("success without a summary", err);
    } else {
        if (!err || !*err) die("a failure without a message", NULL);
        long long after = one("SELECT (SELECT count(*) FROM market) * 1000000 + (SELECT count(*) FROM inspection)");
        if (after != before || one("SELECT count(*) FROM import") != 0) die("a failed import stored something", err);
    }
    if (strcmp(text("PRAGMA integrity_check"), "ok") != 0) die("integrity_check", text("PRAGMA integrity_check"));
    if (one("SELECT count(*) FROM pragma_foreign_key_check") != 0) die("foreign_key_check", NULL);
    if (one("SELECT count(*) FROM inspection WHERE import_id IS NULL OR import_id NOT IN (SELECT id FROM import)") != 0)
        die("an inspection without its import", NULL);
    if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "%s\n%s", a.rc == 0 ? summary : err, fk_msg);
    free(summary);
    free(err);
    /* back to the seeded database for the next input */
    char *e2 = NULL;
    if (sqlite3_exec(conn.db, "DELETE FROM result; DELETE FROM inspection; DELETE FROM import;"
                     " DELETE FROM market WHERE id > 2; DELETE FROM unit WHERE id > 2;", NULL, NULL, &e2) != SQLITE_OK)
        die("cannot reset the database", e2);
    return 0;
}
