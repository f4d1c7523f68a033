/*
 * fuzz_restore.c — fuzz target for a database file from other hands: the
 * input is the file, driven through the two ways cwsh takes one in.
 *
 * Open: sqlite_conn_open() on it, as cwsh opens its database (the
 * pragmas, then the migrations of plugins/sqlite/sqlite_schema.c).  It
 * opens at the current schema version, or it fails with a message and
 * the file's bytes as they were (no half-done upgrade).  A file it
 * upgraded passes PRAGMA integrity_check; one already at the current
 * version is opened as it is (cwsh does not read a whole database at
 * every start), so damage it brought may stay.
 *
 * Restore: sqlite_dot_restore() of it, the body of `.restore FILE`, into
 * a cwsh database holding a unit, a market, an import and an inspection.
 * It succeeds, the input being a cwsh database (a schema version of 1 to
 * the current one in its header), and the database passes integrity_check
 * at the current version with every table, index and view a new cwsh
 * database has, or it
 * fails with a message and the database's content (its schema and every
 * table's rows, digested with SHA-256) exactly as before.
 *
 * Each run writes the input into a scratch directory of the process and
 * removes every file it made there (the database, its -wal, -shm and
 * -journal).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../core/sha256.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_dot.h"
#include "../../plugins/sqlite/sqlite_schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/cwsh-fuzz-restore.XXXXXX", in[64], target[64];
static unsigned char *tmpl;           /* the target database's file, to start each run from */
static size_t ntmpl;
static char *names;                   /* "type name\n" of every object of a new database */

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_restore: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* the file and what SQLite may have made beside it */
static void remove_db(const char *path)
{
    static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
    char p[96];
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, tails[i]);
        unlink(p);
    }
}

static void cleanup(void)
{
    remove_db(in);
    remove_db(target);
    rmdir(dir);
    free(tmpl);
    sqlite3_free(names);
}

static void write_file(const char *path, const void *data, size_t size)
{
    remove_db(path);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) die("cannot write", path);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot read", path);
    size_t cap = 4096, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap) buf = realloc(buf, cap *= 2);
    fclose(f);
    if (!buf) die("out of memory", NULL);
    *size = n;
    return buf;
}

static void file_digest(const char *path, unsigned char out[32])
{
    size_t n;
    unsigned char *b = read_file(path, &n);
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, b, n);
    sha256_final(&c, out);
    free(b);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sqlite3_errmsg(db), sql);
    return st;
}

/* Every column of every row of `sql`, each with its type, into c. */
static void digest_rows(sha256_ctx *c, sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = prepare(db, sql);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            unsigned char type = (unsigned char)sqlite3_column_type(st, i);
            const void *v = sqlite3_column_blob(st, i);
            uint32_t n = (uint32_t)sqlite3_column_bytes(st, i);
            sha256_update(c, &type, 1);
            sha256_update(c, &n, sizeof n);
            if (n) sha256_update(c, v, n);
        }
    if (rc != SQLITE_DONE) die(sqlite3_errmsg(db), sql);
    sqlite3_finalize(st);
}

/* The database's content: its version, schema and every table's rows
 * (in the b-tree's order, the same for the same content). */
static void db_digest(sqlite3 *db, unsigned char out[32])
{
    sha256_ctx c;
    sha256_init(&c);
    digest_rows(&c, db, "PRAGMA user_version");
    digest_rows(&c, db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
    sqlite3_stmt *st = prepare(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", (const char *)sqlite3_column_text(st, 0));
        digest_rows(&c, db, sql);
        sqlite3_free(sql);
    }
    sqlite3_finalize(st);
    sha256_final(&c, out);
}

static char *text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = prepare(db, sql);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_mprintf("%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
    sqlite3_finalize(st);
    return v ? v : sqlite3_mprintf("(no row)");
}

/* "type name\n" of every object but SQLite's own, in order. */
static char *schema_names(sqlite3 *db)
{
    return text(db, "SELECT group_concat(type || ' ' || name, char(10)) FROM"
                    " (SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                    "  ORDER BY type, name)");
}

/* Every object of a new database is in db (a user's own may be too). */
static void check_objects(sqlite3 *db)
{
    sqlite3_stmt *st = prepare(db, "SELECT count(*) FROM sqlite_schema WHERE type || ' ' || name = ?1");
    for (const char *p = names, *end; *p; p = *end ? end + 1 : end) {
        end = strchr(p, '\n');
        if (!end) end = p + strlen(p);
        sqlite3_bind_text(st, 1, p, (int)(end - p), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) {
            char *what = sqlite3_mprintf("%.*s", (int)(end - p), p);
            die("a restored database without", what);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* An opened database is at the current version, and sound when `whole`;
 * `what` names it in the message. */
static void check_sound(sqlite3 *db, const char *what, int whole)
{
    char *ic = text(db, "PRAGMA integrity_check");
    if (whole && strcmp(ic, "ok") != 0) die(what, ic);
    sqlite3_free(ic);
    char *err = NULL;
    if (sqlite_schema_version(db, &err) != sqlite_schema_current()) die(what, "not at the current schema version");
    free(err);
}

static void setup(void)
{
    if (!mkdtemp(dir)) die("cannot make a scratch directory", NULL);
    snprintf(in, sizeof in, "%s/in.db", dir);
    snprintf(target, sizeof target, "%s/target.db", dir);
    atexit(cleanup);
    sqlite_conn c = { 0 };
    char *err = NULL;
    if (sqlite_conn_open(&c, target, &err) != 0) die("cannot make the target database", err);
    if (sqlite_conn_exec(&c,
            "INSERT INTO unit(name, kind) VALUES ('城东所', '所');"
            "INSERT INTO market(code, name, unit_id) VALUES ('M00001', '城北市场', 1);"
            "INSERT INTO import(file, hash, rows_ok, rows_bad) VALUES ('a.csv', 'h1', 1, 0);"
            "INSERT INTO inspection(date, market_id, kind, import_id) VALUES ('2026-12-01', 1, '日常', 1);",
            &err) != 0)
        die("cannot fill the target database", err);
    names = schema_names(c.db);
    sqlite_conn_close(&c);
    tmpl = read_file(target, &ntmpl);
}

/* The schema version in a database file's header (-1: not one). */
static long header_version(const uint8_t *data, size_t size)
{
    if (size < 100 || memcmp(data, "SQLite format 3", 16) != 0) return -1;
    return (long)((uint32_t)data[60] << 24 | (uint32_t)data[61] << 16 | (uint32_t)data[62] << 8 | data[63]);
}

/* Open the input as cwsh's database. */
static void open_path(const uint8_t *data, size_t size)
{
    unsigned char before[32], after[32];
    write_file(in, data, size);
    file_digest(in, before);
    sqlite_conn c = { 0 };
    char *err = NULL;
    if (sqlite_conn_open(&c, in, &err) == 0) {
        check_sound(c.db, "an opened database", header_version(data, size) != sqlite_schema_current());
        sqlite_conn_close(&c);
    } else {
        if (!err || !*err) die("a failed open without a message", NULL);
        file_digest(in, after);
        if (memcmp(before, after, sizeof before) != 0) die("a failed open changed the file", err);
        if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "open: %s\n", err);
        free(err);
    }
    remove_db(in);
}

/* .restore the input into the target database. */
static void restore_path(const uint8_t *data, size_t size)
{
    write_file(in, data, size);
    write_file(target, tmpl, ntmpl);
    sqlite_conn c = { 0 };
    char *err = NULL;
    if (sqlite_conn_open(&c, target, &err) != 0) die("cannot open the target database", err);
    unsigned char before[32], after[32];
    db_digest(c.db, before);
    if (sqlite_dot_restore(&c, in, &err) == 0) {
        long v = header_version(data, size);
        if (v < 1 || v > sqlite_schema_current()) die("restored a file that is not a cwsh database", NULL);
        check_sound(c.db, "a restored database", 1);
        check_objects(c.db);
    } else {
        if (!err || !*err) die("a failed restore without a message", NULL);
        db_digest(c.db, after);
        if (memcmp(before, after, sizeof before) != 0) die("a failed restore changed the database", err);
        if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "restore: %s\n", err);
        free(err);
    }
    sqlite_conn_close(&c);
    remove_db(in);
    remove_db(target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!tmpl) setup();
    restore_path(data, size);
    open_path(data, size);
    return 0;
}
