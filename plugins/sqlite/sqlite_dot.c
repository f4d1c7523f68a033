/*
 * sqlite_dot.c — dot-commands over the plugin's connection.
 *
 * The host calls a C command with its words as string arguments and no
 * context, so the connection is a file-static set at registration.  A
 * failure is a Lua error with a message that names the subject; a wrong
 * number of words is "usage: .NAME ARGS", the usage line of .help.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lauxlib.h>
#include "sqlite_dot.h"
#include "sqlite_schema.h"

static sqlite_conn *conn;

#define U_TABLES ".tables [PATTERN]"
#define U_SCHEMA ".schema [TABLE]"
#define U_INDEXES ".indexes [TABLE]"
#define U_BACKUP ".backup FILE"
#define U_RESTORE ".restore FILE"
#define U_DBINFO ".dbinfo"

/* Between min and max words, else the command's usage is the error. */
static void check_args(lua_State *L, int min, int max, const char *usage)
{
    int n = lua_gettop(L);
    if (n < min || n > max) luaL_error(L, "usage: %s", usage);
}

/* A statement owned by a Lua userdata, so that a Lua error (out of
 * memory while building rows) cannot leak it. [-0, +1, e] */
static sqlite3_stmt **guard_new(lua_State *L)
{
    sqlite3_stmt **g = lua_newuserdatauv(L, sizeof *g, 0);
    *g = NULL;
    luaL_setmetatable(L, "cwsh.sqlite.guard");
    return g;
}

static int guard_gc(lua_State *L)
{
    sqlite3_stmt **g = luaL_checkudata(L, 1, "cwsh.sqlite.guard");
    sqlite3_finalize(*g);
    *g = NULL;
    return 0;
}

/* Raise the connection's message, finalizing the guarded statement. */
static int guard_error(lua_State *L, sqlite3_stmt **g)
{
    lua_pushstring(L, sqlite3_errmsg(conn->db));
    sqlite3_finalize(*g);
    *g = NULL;
    return lua_error(L);
}

/* Run `sql` with text parameters `args` (NULLs bind NULL) and push a
 * result set table { columns, rows }.  Raises on error. [-0, +1, e] */
static void push_resultset(lua_State *L, const char *sql, int nargs, const char *const *args)
{
    sqlite3_stmt **g = guard_new(L);
    if (sqlite3_prepare_v2(conn->db, sql, -1, g, NULL) != SQLITE_OK) guard_error(L, g);
    sqlite3_stmt *st = *g;
    for (int i = 0; i < nargs; i++)
        if (args[i]) sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
    int n = sqlite3_column_count(st);
    lua_createtable(L, 0, 2);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, sqlite3_column_name(st, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_newtable(L);
    int rc;
    lua_Integer r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lua_createtable(L, n, 0);
        for (int i = 0; i < n; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
                lua_pushinteger(L, sqlite3_column_int64(st, i));
            else if (sqlite3_column_type(st, i) == SQLITE_NULL)
                conn->host->push_null(L);
            else
                lua_pushstring(L, (const char *)sqlite3_column_text(st, i));
            lua_rawseti(L, -2, i + 1);
        }
        lua_rawseti(L, -2, ++r);
    }
    if (rc != SQLITE_DONE) guard_error(L, g);
    sqlite3_finalize(st);
    *g = NULL;
    lua_setfield(L, -2, "rows");
    lua_remove(L, -2);                          /* the guard */
}

static int rows_in(lua_State *L, int idx)
{
    lua_getfield(L, idx, "rows");
    int n = (int)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return n;
}

/* .tables [PATTERN] */
static int d_tables(lua_State *L)
{
    check_args(L, 0, 1, U_TABLES);
    const char *pat = luaL_optstring(L, 1, NULL);
    const char *args[] = { pat };
    push_resultset(L,
        "SELECT name, type FROM sqlite_schema"
        " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        "   AND (?1 IS NULL OR name LIKE ?1)"
        " ORDER BY name", 1, args);
    if (pat && rows_in(L, -1) == 0) return luaL_error(L, "no table or view matches '%s'", pat);
    return 1;
}

/* .schema [TABLE]: the CREATE statements, in the order they were made. */
static int d_schema(lua_State *L)
{
    check_args(L, 0, 1, U_SCHEMA);
    const char *pat = luaL_optstring(L, 1, NULL);
    static const char q[] =
        "SELECT sql FROM sqlite_schema"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        "   AND (?1 IS NULL OR tbl_name LIKE ?1 OR name LIKE ?1)"
        " ORDER BY rowid";
    sqlite3_stmt **g = guard_new(L);
    if (sqlite3_prepare_v2(conn->db, q, -1, g, NULL) != SQLITE_OK) return guard_error(L, g);
    if (pat) sqlite3_bind_text(*g, 1, pat, -1, SQLITE_TRANSIENT);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int n = 0, rc;
    while ((rc = sqlite3_step(*g)) == SQLITE_ROW) {
        luaL_addstring(&b, (const char *)sqlite3_column_text(*g, 0));
        luaL_addstring(&b, ";\n");
        n++;
    }
    if (rc != SQLITE_DONE) return guard_error(L, g);
    sqlite3_finalize(*g);
    *g = NULL;
    luaL_pushresult(&b);
    if (pat && n == 0) return luaL_error(L, "no table, view or index matches '%s'", pat);
    return 1;
}

/* .indexes [TABLE] */
static int d_indexes(lua_State *L)
{
    check_args(L, 0, 1, U_INDEXES);
    const char *pat = luaL_optstring(L, 1, NULL);
    const char *args[] = { pat };
    push_resultset(L,
        "SELECT m.name AS \"table\", il.name AS \"index\","
        "       (SELECT group_concat(name, ', ') FROM"
        "          (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) AS columns,"
        "       il.\"unique\","
        "       CASE il.origin WHEN 'c' THEN 'CREATE INDEX' WHEN 'u' THEN 'UNIQUE'"
        "                      ELSE 'PRIMARY KEY' END AS origin"
        "  FROM sqlite_schema m, pragma_index_list(m.name) il"
        " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        "   AND (?1 IS NULL OR m.name LIKE ?1)"
        " ORDER BY 1, 2", 1, args);
    if (pat && rows_in(L, -1) == 0) {
        lua_pop(L, 1);
        const char *a2[] = { pat };
        push_resultset(L, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name LIKE ?1",
                       1, a2);
        if (rows_in(L, -1) == 0) return luaL_error(L, "no table matches '%s'", pat);
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/* Consecutive BUSY/LOCKED answers a copy waits through (50 ms each),
 * about the connection's busy timeout: another process writing holds the
 * copy back for a moment, never for ever. */
#define COPY_BUSY_TRIES 100

/* Copy all of `from` into `to` page by page, with progress and Ctrl-C
 * through `h` (none when NULL).  Ctrl-C during the last step, which
 * commits the copy, does not undo it: the copy is reported done (the
 * caller may say the interrupt came after).
 * Returns NULL or a static/SQLite message. */
static const char *copy(cwsh_host *h, sqlite3 *to, sqlite3 *from, const char *what)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) return sqlite3_errmsg(to);
    int rc, busy = 0;
    do {
        rc = sqlite3_backup_step(b, 1024);
        int total = sqlite3_backup_pagecount(b), left = sqlite3_backup_remaining(b);
        if (h && h->progress) h->progress(h, what, total - left, 0, 0);
        if (rc != SQLITE_DONE && h && h->interrupted && h->interrupted(h)) {
            sqlite3_backup_finish(b);
            return "interrupted";
        }
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busy > COPY_BUSY_TRIES) {
                sqlite3_backup_finish(b);
                return rc == SQLITE_BUSY ? "the database is busy (another process is writing); try again"
                                         : "the database is locked by a statement still running";
            }
            sqlite3_sleep(50);
        } else busy = 0;
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    if (h && h->progress) h->progress(h, what, -1, 0, 0);
    sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? NULL : sqlite3_errstr(rc);
}

/* Remove a database file that was not finished and its companions. */
static void remove_db(const char *path)
{
    static const char *const ext[] = { "", "-journal", "-wal", "-shm" };
    char p[4200];
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        snprintf(p, sizeof p, "%s%s", path, ext[i]);
        unlink(p);
    }
}

/* .backup FILE: an online copy, consistent even while others write.  It
 * is built under a temporary name beside FILE and renamed into place
 * when whole: a backup that fails (a full disk, Ctrl-C) leaves no file,
 * and a FILE that was there before stays as it was. */
static int d_backup(lua_State *L)
{
    check_args(L, 1, 1, U_BACKUP);
    const char *path = luaL_checkstring(L, 1);
    /* the source's own write transaction makes every step SQLITE_LOCKED */
    if (!sqlite3_get_autocommit(conn->db))
        return luaL_error(L, "cannot back up inside a transaction (COMMIT or ROLLBACK first)");
    char *copyp = strdup(path), *basep = strdup(path), tmp[4096];
    if (!copyp || !basep) { free(copyp); free(basep); return luaL_error(L, "out of memory"); }
    int n = snprintf(tmp, sizeof tmp, "%s/.%s.tmp.XXXXXX", dirname(copyp), basename(basep));
    free(copyp); free(basep);
    if (n < 0 || (size_t)n >= sizeof tmp) return luaL_error(L, "cannot open '%s' for the backup: name too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0) return luaL_error(L, "cannot open '%s' for the backup: %s", path, strerror(errno));
    mode_t u = umask(0);
    umask(u);
    fchmod(fd, 0666 & ~u);      /* as SQLite would create it, not mkstemp's 0600 */
    close(fd);
    sqlite3 *to;
    if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        lua_pushfstring(L, "cannot open '%s' for the backup: %s", path, to ? sqlite3_errmsg(to) : "out of memory");
        sqlite3_close(to);
        remove_db(tmp);
        return lua_error(L);
    }
    const char *err = copy(conn->host, to, conn->db, "backup");
    if (err) lua_pushfstring(L, "backup to '%s' failed: %s", path, err);
    /* the copy carries the WAL flag; a backup is better one plain file */
    else if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        lua_pushfstring(L, "backup to '%s' failed: %s", path, err = sqlite3_errmsg(to));
    if (sqlite3_close(to) != SQLITE_OK && !err) lua_pushfstring(L, "backup to '%s' failed: %s", path, err = "cannot close it");
    if (!err) {
        /* on disk before it takes the name (the copy's commit synced it;
         * this is the journal mode's change and the directory) */
        int f = open(tmp, O_RDONLY);
        if (f >= 0) { fsync(f); close(f); }
        if (rename(tmp, path) != 0) lua_pushfstring(L, "backup to '%s' failed: %s", path, err = strerror(errno));
    }
    if (err) { remove_db(tmp); return lua_error(L); }
    return 0;
}

static int page_size(sqlite3 *db)
{
    sqlite3_stmt *st;
    int n = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

/* `from` (the file `path`) copied into a private temporary database,
 * checked and brought to the current schema there: the database is
 * replaced only by a copy known whole and current, never left with a
 * damaged file's content or one whose upgrade failed half-way.  NULL with
 * *err malloc'd on failure. */
static sqlite3 *staged(cwsh_host *h, sqlite3 *from, const char *path, char **err)
{
    sqlite3 *tmp;
    if (sqlite3_open_v2("", &tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        *err = sqlite_conn_fmt("cannot restore from '%s': no temporary database: %s", path,
                               tmp ? sqlite3_errmsg(tmp) : "out of memory");
        sqlite3_close(tmp);
        return NULL;
    }
    const char *cerr = copy(h, tmp, from, "restore");
    if (cerr) *err = sqlite_conn_fmt("restore from '%s' failed: %s", path, cerr);
    else if (sqlite_schema_check(tmp, path, err) == 0 && sqlite_schema_migrate(tmp, path, -1, err) == 0
             && sqlite_schema_complete(tmp, path, err) == 0)
        return tmp;
    sqlite3_close(tmp);
    return NULL;
}

int sqlite_dot_restore(sqlite_conn *c, const char *path, char **err)
{
    *err = NULL;
    if (c->loading) { *err = sqlite_conn_fmt("cannot restore while an import is running"); return -1; }
    if (!sqlite3_get_autocommit(c->db)) {
        *err = sqlite_conn_fmt("cannot restore inside a transaction (COMMIT or ROLLBACK first)");
        return -1;
    }
    if (access(path, R_OK) != 0) {
        *err = sqlite_conn_fmt("cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    sqlite3 *from;
    if (sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        *err = sqlite_conn_fmt("cannot open '%s': %s", path, sqlite3_errmsg(from));
        sqlite3_close(from);
        return -1;
    }
    char *e = NULL;
    int v = sqlite_schema_version(from, &e);
    free(e);
    if (v < 0)
        *err = sqlite_conn_fmt("cannot restore from '%s': %s", path, sqlite3_errmsg(from));
    /* every cwsh database has a version: this one would be migrated on
     * top of whatever it holds, after replacing ours */
    else if (v == 0)
        *err = sqlite_conn_fmt("cannot restore from '%s': it is not a cwsh database "
                               "(schema version 0)", path);
    else if (v > sqlite_schema_current())
        *err = sqlite_schema_refusal(path, v);
    if (*err) { sqlite3_close(from); return -1; }
    sqlite3 *tmp = staged(c->host, from, path, err);
    sqlite3_close(from);
    if (!tmp) return -1;
    /* Ctrl-C while staging: stop before the database is touched (the
     * copy ignores one that comes after its last step) */
    if (c->host && c->host->interrupted && c->host->interrupted(c->host)) {
        sqlite3_close(tmp);
        *err = sqlite_conn_fmt("restore from '%s' failed: interrupted", path);
        return -1;
    }
    /* a WAL database keeps its page size: the copy of a file with another
     * one goes into the rollback journal, and WAL comes back after */
    if (page_size(tmp) != page_size(c->db))
        sqlite3_exec(c->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    /* idle cached statements would hold no locks, but leased ones (an
     * open db.query) would make the copy fail: the message says so */
    const char *cerr = copy(c->host, c->db, tmp, "restore");
    if (cerr) *err = sqlite_conn_fmt("restore from '%s' failed: %s", path, cerr);
    else if (c->host && c->host->interrupted && c->host->interrupted(c->host) && c->host->noticef)
        c->host->noticef(c->host, "restored from '%s': the copy had committed when Ctrl-C came", path);
    sqlite3_close(tmp);
    sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    return *err ? -1 : 0;
}

/* .restore FILE (sqlite_dot_restore) */
static int d_restore(lua_State *L)
{
    check_args(L, 1, 1, U_RESTORE);
    char *err;
    if (sqlite_dot_restore(conn, luaL_checkstring(L, 1), &err) == 0) return 0;
    lua_pushstring(L, err);
    free(err);
    return lua_error(L);
}

/* .dbinfo: the file, its schema version and how much it holds. */
static int d_dbinfo(lua_State *L)
{
    check_args(L, 0, 0, U_DBINFO);
    char ver[32];
    snprintf(ver, sizeof ver, "%d", sqlite_schema_current());
    const char *args[] = { conn->path, ver };
    push_resultset(L,
        "SELECT 'file' AS key, ?1 AS value"
        " UNION ALL SELECT 'schema version', (SELECT user_version FROM pragma_user_version)"
        "   || ' (this cwsh knows ' || ?2 || ')'"
        " UNION ALL SELECT 'journal mode', (SELECT journal_mode FROM pragma_journal_mode)"
        " UNION ALL SELECT 'size', ((SELECT page_count FROM pragma_page_count)"
        "   * (SELECT page_size FROM pragma_page_size)) || ' bytes'"
        " UNION ALL SELECT 'sqlite', sqlite_version()"
        " UNION ALL SELECT 'units', (SELECT count(*) FROM unit)"
        " UNION ALL SELECT 'markets', (SELECT count(*) FROM market)"
        " UNION ALL SELECT 'checklist items', (SELECT count(*) FROM item)"
        " UNION ALL SELECT 'imports', (SELECT count(*) FROM import)"
        " UNION ALL SELECT 'inspections', (SELECT count(*) FROM inspection)"
        " UNION ALL SELECT 'item results', (SELECT count(*) FROM result)"
        " UNION ALL SELECT 'scores', (SELECT count(*) FROM score)", 2, args);
    return 1;
}

void sqlite_dot_register(sqlite_conn *c)
{
    conn = c;
    cwsh_host *h = c->host;
    lua_State *L = h->L;
    if (luaL_newmetatable(L, "cwsh.sqlite.guard")) {
        lua_pushcfunction(L, guard_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    h->register_command(h, ".tables", U_TABLES,
                        "list tables and views (PATTERN as in LIKE)", d_tables);
    h->register_command(h, ".schema", U_SCHEMA,
                        "show the CREATE statements, of TABLE and its indexes", d_schema);
    h->register_command(h, ".indexes", U_INDEXES,
                        "list indexes with their columns", d_indexes);
    h->register_command(h, ".backup", U_BACKUP,
                        "copy the database to FILE (safe while others write)", d_backup);
    h->register_command(h, ".restore", U_RESTORE,
                        "replace the database with FILE's content (from .backup)", d_restore);
    h->register_command(h, ".dbinfo", U_DBINFO,
                        "show the database file, schema version and row counts", d_dbinfo);
}
