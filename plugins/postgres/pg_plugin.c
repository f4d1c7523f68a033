/*
 * pg_plugin.c — the postgres plugin's entry: a store on a PostgreSQL
 * server, for the stations of a city or a province working on one
 * database at once.
 *
 * The plugin claims the session only when host->database is a postgres
 * connection string (pg_conn.h); for any other it registers nothing, and
 * the sqlite plugin (loaded after it, in name order) keeps the embedded
 * default.  Claimed, init registers the `db` Lua module and the store; the
 * store's open (called by the core right after loading the plugins)
 * connects and migrates, and a failure there ends cwsh.  fini closes the
 * connection.
 */
#include "cwsh.h"
#include "pg_conn.h"
#include "pg_db.h"
#include "pg_dot.h"
#include "pg_store.h"

const cwsh_plugin *cwsh_plugin_entry(void);

/* Static: the host keeps a pointer to the store until after fini, and
 * Lua closures point at the connection until the lua_State closes. */
static pg_conn conn;
static cwsh_store store;
static const char *database;       /* the host's, valid until fini */
static int (*store_exec)(void *self, const char *sql, cwsh_sink *out, char **err);

static int store_open(void *self, char **err)
{
    (void)self;
    if (conn.pg) return 0;
    return pg_conn_open(&conn, database, err);
}

/* A host that skips open still gets a connected store. */
static int exec_opened(void *self, const char *sql, cwsh_sink *out, char **err)
{
    if (store_open(self, err) != 0) return -1;
    return store_exec(self, sql, out, err);
}

static int init(cwsh_host *h, char **err)
{
    (void)err;
    if (!pg_conn_is_mine(h->database)) return 0;      /* not ours: the sqlite plugin's */
    conn.host = h;
    database = h->database;
    pg_db_use(&conn);
    h->register_module(h, "db", pg_db_open);
    pg_store_init(&store, &conn);
    store_exec = store.exec;
    store.exec = exec_opened;
    store.open = store_open;
    h->register_store(h, &store);
    pg_dot_register(&conn);
    return 0;
}

static void fini(cwsh_host *h)
{
    (void)h;
    pg_conn_close(&conn);
}

static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "postgres", "1.0.0", init, fini };

const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
