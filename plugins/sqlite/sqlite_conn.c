/*
 * sqlite_conn.c — open/close the database and the statement cache.
 *
 * The cache is a small fixed array keyed by SQL text (hash, then bytes):
 * the few dozen distinct statements a session runs from Lua are prepared
 * once.  A statement that is leased (an open db.query loop) is not handed
 * out twice; a nested use of the same text gets a fresh, uncached
 * statement that is finalized on release.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "connstr.h"
#include "sqlite_conn.h"
#include "sqlite_schema.h"

char *sqlite_conn_fmt(const char *fmt, ...)
{
    va_list ap;
    char *p;
    va_start(ap, fmt);
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n >= 0) return p;
    /* the message could not be made: say so (callers free it); only when
     * not even that fits is there nothing left to report with */
    if (!(p = strdup("out of memory"))) abort();
    return p;
}

char *sqlite_conn_error(sqlite_conn *c, const char *sql)
{
    const char *msg = c->db ? sqlite3_errmsg(c->db) : "database is closed";
    if (!sql) return sqlite_conn_fmt("%s", msg);
    /* trim the blanks around the statement so the message reads well */
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
    size_t n = strlen(sql);
    while (n && (sql[n - 1] == ' ' || sql[n - 1] == '\n' || sql[n - 1] == '\t'
                 || sql[n - 1] == '\r'))
        n--;
    return sqlite_conn_fmt("%s (in: %.*s)", msg, (int)n, sql);
}

int sqlite_conn_exec(sqlite_conn *c, const char *sql, char **err)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        *err = sqlite_conn_error(c, sql);
        return -1;
    }
    return 0;
}

/* PRAGMAs that return a row (journal_mode) go through prepare/step. */
static int pragma(sqlite_conn *c, const char *sql, char **err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        *err = sqlite_conn_error(c, sql);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    if (rc != SQLITE_DONE) {
        *err = sqlite_conn_error(c, sql);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

const char *sqlite_conn_scheme_end(const char *database)
{
    const char *p = database;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return NULL;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
           || *p == '+' || *p == '.' || *p == '-')
        p++;
    /* two letters at least: "C:" is no scheme */
    return *p == ':' && p - database >= 2 && strncmp(database, "sqlite:", 7) ? p : NULL;
}

const char *sqlite_conn_path(const char *database, char **err)
{
    static const char scheme[] = "sqlite:";
    if (!strncmp(database, scheme, sizeof scheme - 1)) {
        const char *p = database + sizeof scheme - 1;
        if (!strncmp(p, "//", 2)) p += 2;           /* sqlite://PATH too */
        if (*p) return p;
        *err = sqlite_conn_fmt("cannot open database '%s': no file after 'sqlite:'", database);
        return NULL;
    }
    /* SCHEME://... or SCHEME:REST: another kind of store's (a path has
     * no "://", and a file whose name starts with a word and ':' is
     * ./NAME or sqlite:NAME) */
    const char *colon = strstr(database, "://");
    if (!colon) colon = sqlite_conn_scheme_end(database);
    if (colon) {
        char *shown = connstr_mask(database);       /* a server's string may hold a password */
        *err = sqlite_conn_fmt("cannot open database '%s': the sqlite store opens a file "
                               "(PATH or sqlite:PATH), not a '%.*s' server", shown,
                               (int)(colon - database), database);
        free(shown);
        return NULL;
    }
    return database;
}

/* Every PROGRESS_OPS virtual-machine steps: has Ctrl-C been pressed since
 * the command began?  sqlite3_interrupt from the SIGINT handler stops only
 * the statements running at that moment; one that starts after it (the
 * signal landed between prepare and step, or between two statements of a
 * script, while the last result set was still printing) would run to its
 * end.  The session's flag stays set until the command ends, so this
 * catches those, within a few thousand steps. */
#define PROGRESS_OPS 1000
static int on_progress(void *p)
{
    const sqlite_conn *c = p;
    return c->host && c->host->interrupted && c->host->interrupted(c->host);
}

/* SQL at the prompt cannot make the file unopenable: PRAGMA
 * writable_schema is refused when it sets (an UPDATE of sqlite_schema
 * under it left a database that no longer opens); cwsh's upgrades and
 * .restore need no such edits.  Not SQLite's defensive mode, which also
 * takes journal_mode=OFF away without a word: an analyst's bulk load, and
 * the bench's, ran with a journal it had turned off. */
static int authorize(void *ud, int action, const char *a, const char *b, const char *db, const char *trigger)
{
    (void)ud;
    (void)db;
    (void)trigger;
    if (action == SQLITE_PRAGMA && a && b && !sqlite3_stricmp(a, "writable_schema")) return SQLITE_DENY;
    return SQLITE_OK;
}

int sqlite_conn_open(sqlite_conn *c, const char *path, char **err)
{
    cwsh_host *host = c->host;
    memset(c, 0, sizeof *c);
    c->host = host;
    c->path = strdup(path);
    /* cwsh reads no memory statistics: without them SQLite's allocator
     * takes no global mutex (fails harmlessly once SQLite is initialised).
     * NOMUTEX: the connection is used by one thread (sqlite3_interrupt
     * from the SIGINT handler needs no mutex). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                        | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        *err = sqlite_conn_fmt("cannot open database '%s': %s", path,
                               c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite_conn_close(c);
        return -1;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_set_authorizer(c->db, authorize, NULL);
    sqlite3_busy_timeout(c->db, 5000);
    sqlite3_progress_handler(c->db, PROGRESS_OPS, on_progress, c);
    /* a newer cwsh's database is refused before anything touches it */
    char *e = NULL;
    int v = sqlite_schema_version(c->db, &e);
    if (v > sqlite_schema_current()) *err = sqlite_schema_refusal(path, v);
    /* not a database at all: SQLite's reason ("file is not a database") */
    else if (v < 0) *err = sqlite_conn_fmt("cannot open database '%s': %s", path, sqlite3_errmsg(c->db));
    else if (pragma(c, "PRAGMA foreign_keys=ON", &e) != 0
             /* a big import writes tens of MB in one transaction: a page
              * cache that holds it does not spill mid-way (allocated only
              * as used) */
             || pragma(c, "PRAGMA cache_size=-65536", &e) != 0
             /* after a big import the WAL is cut back to 64 MiB at the
              * next checkpoint instead of keeping its largest size */
             || pragma(c, "PRAGMA journal_size_limit=67108864", &e) != 0)
        *err = sqlite_conn_fmt("cannot open database '%s': %s", path, e);
    /* the upgrade before WAL mode: switching writes the file's header, and
     * a file the upgrade refuses (damaged, or a step fails) is left as it
     * came, byte for byte */
    else if (sqlite_schema_migrate(c->db, path, -1, &e) != 0)
        *err = e, e = NULL;
    /* WAL lets an analyst query while another process imports;
     * synchronous=NORMAL is durable enough in WAL (a power cut may lose
     * the last commit, never corrupt the file), not in the rollback
     * journal the upgrade wrote with. */
    else if (pragma(c, "PRAGMA journal_mode=WAL", &e) != 0
             || pragma(c, "PRAGMA synchronous=NORMAL", &e) != 0)
        *err = sqlite_conn_fmt("cannot open database '%s': %s", path, e);
    else
        return 0;
    free(e);
    sqlite_conn_close(c);
    return -1;
}

void sqlite_conn_close(sqlite_conn *c)
{
    for (int i = 0; i < SQLITE_CACHE_SIZE; i++) {
        free(c->cache[i].sql);
        c->cache[i].sql = NULL;
        c->cache[i].st = NULL;
        c->cache[i].busy = 0;
    }
    if (c->db) {
        /* every statement, cached or leased to Lua, goes now; the gen bump
         * tells leftover userdata not to touch theirs */
        sqlite3_stmt *st;
        while ((st = sqlite3_next_stmt(c->db, NULL)) != NULL) sqlite3_finalize(st);
        sqlite3_close(c->db);
        c->db = NULL;
    }
    free(c->path);
    c->path = NULL;
    c->gen++;
}

/* ---------------------------------------------------------------- cache */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;          /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

sqlite3_stmt *sqlite_conn_acquire(sqlite_conn *c, const char *sql, size_t len,
                                  const char **tail, char **err)
{
    *err = NULL;
    if (!c->db) { *err = sqlite_conn_fmt("the database is closed"); return NULL; }
    uint64_t h = hash_bytes(sql, len);
    int victim = -1, nested = 0;
    for (int i = 0; i < SQLITE_CACHE_SIZE; i++) {
        sqlite_cached *e = &c->cache[i];
        if (!e->sql || e->hash != h || e->len != len || memcmp(e->sql, sql, len)) continue;
        if (e->busy) { nested = 1; break; }      /* in use: a fresh statement */
        e->busy = 1;
        e->used = ++c->clock;
        if (tail) *tail = sql + e->tail;
        return e->st;
    }
    /* a free slot, else the least recently used idle one */
    for (int i = 0; !nested && i < SQLITE_CACHE_SIZE; i++) {
        sqlite_cached *e = &c->cache[i];
        if (!e->sql) { victim = i; break; }
        if (!e->busy && (victim < 0 || e->used < c->cache[victim].used)) victim = i;
    }
    sqlite3_stmt *st = NULL;
    const char *t = NULL;
    if (len > (size_t)0x7fffffff) { *err = sqlite_conn_fmt("SQL text too long"); return NULL; }
    if (sqlite3_prepare_v2(c->db, sql, (int)len, &st, &t) != SQLITE_OK) {
        /* the message shows the SQL up to the end of the failing statement */
        char *text = strndup(sql, len);
        *err = sqlite_conn_error(c, text);
        free(text);
        return NULL;
    }
    if (tail) *tail = t;
    if (!st) return NULL;                               /* only blanks or comments */
    if (victim >= 0) {
        sqlite_cached *e = &c->cache[victim];
        if (e->sql) { sqlite3_finalize(e->st); free(e->sql); }
        e->sql = malloc(len + 1);
        if (!e->sql) { e->st = NULL; return st; }      /* uncached then */
        memcpy(e->sql, sql, len);
        e->sql[len] = 0;
        e->len = len;
        e->hash = h;
        e->tail = (size_t)(t - sql);
        e->st = st;
        e->busy = 1;
        e->used = ++c->clock;
    }
    return st;
}

void sqlite_conn_release(sqlite_conn *c, sqlite3_stmt *st)
{
    if (!st) return;
    for (int i = 0; i < SQLITE_CACHE_SIZE; i++)
        if (c->cache[i].st == st && c->cache[i].sql) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            c->cache[i].busy = 0;
            return;
        }
    sqlite3_finalize(st);
}

void sqlite_conn_value(sqlite3_stmt *st, int i, cwsh_value *v)
{
    memset(v, 0, sizeof *v);
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        v->type = CWSH_INT;
        v->i = sqlite3_column_int64(st, i);
        break;
    case SQLITE_FLOAT:
        v->type = CWSH_REAL;
        v->r = sqlite3_column_double(st, i);
        break;
    case SQLITE_NULL:
        v->type = CWSH_NULL;
        break;
    default:                    /* TEXT, and BLOB shown as its bytes */
        v->type = CWSH_TEXT;
        v->s = (const char *)sqlite3_column_text(st, i);
        v->n = (size_t)sqlite3_column_bytes(st, i);
        if (!v->s) { v->s = ""; v->n = 0; }
        break;
    }
}
