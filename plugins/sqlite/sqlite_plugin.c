/*
 * sqlite_plugin.c — the sqlite plugin's entry: the store behind cwsh.
 *
 * init registers the `db` Lua module, the store and the dot-commands; it
 * does not touch the database, so that a database that cannot be opened
 * is not taken for a broken plugin.  The store's open (called by the
 * core right after loading the plugins: host_open_store) opens
 * host->database (a path, or sqlite:PATH), created on first use and migrated to the current
 * schema; a failure there ends cwsh.
 * Another store kind's connection string (postgresql://...) claimed by
 * its plugin leaves this one unregistered.
 * fini closes the database; statements still held by Lua userdata are
 * finalized then and their userdata become inert.
 */
#include <string.h>
#include "cwsh.h"
#include "sqlite_conn.h"
#include "sqlite_db.h"
#include "sqlite_dot.h"
#include "sqlite_store.h"

const cwsh_plugin *cwsh_plugin_entry(void);

/* Static: the host keeps a pointer to the store until after fini, and
 * Lua userdata point at the connection until the lua_State closes. */
static sqlite_conn conn;
static cwsh_store store;
static const char *db_path;        /* the host's database, valid until fini */
static int (*store_exec)(void *self, const char *sql, cwsh_sink *out, char **err);

static int store_open(void *self, char **err)
{
    (void)self;
    if (conn.db) return 0;
    const char *path = sqlite_conn_path(db_path, err);
    return path && sqlite_conn_open(&conn, path, err) == 0 ? 0 : -1;
}

/* The store's exec: opens the database first when no one has, so that a
 * host that skips open still gets a working store. */
static int exec_opened(void *self, const char *sql, cwsh_sink *out, char **err)
{
    if (store_open(self, err) != 0) return -1;
    return store_exec(self, sql, out, err);
}

/* A refused registration refuses the plugin (the host says why), so the
 * return values need no checking here. */
static int init(cwsh_host *h, char **err)
{
    (void)err;
    /* A server's connection string that a store plugin loaded before
     * this one (postgres, in name order) has claimed: that store is the
     * session's.  Unclaimed, this store registers and its open refuses
     * the string by name. */
    if (h->database && h->store(h) && (strstr(h->database, "://") || sqlite_conn_scheme_end(h->database)))
        return 0;
    conn.host = h;
    db_path = h->database ? h->database : ":memory:";
    sqlite_db_use(&conn);
    h->register_module(h, "db", sqlite_db_open);
    sqlite_store_init(&store, &conn);
    store_exec = store.exec;
    store.exec = exec_opened;
    store.open = store_open;
    h->register_store(h, &store);
    sqlite_dot_register(&conn);
    return 0;
}

static void fini(cwsh_host *h)
{
    (void)h;
    sqlite_conn_close(&conn);
}

static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "sqlite", "1.0.0", init, fini };

const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
