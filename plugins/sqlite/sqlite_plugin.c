/*
 * sqlite_plugin.c — the sqlite plugin's entry: the store behind cwsh.
 *
 * init opens host->db_path (created on first use, migrated to the current
 * schema), registers the `db` Lua module, the store and the dot-commands.
 * fini closes the database; statements still held by Lua userdata are
 * finalized then and their userdata become inert.
 */
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

static int init(cwsh_host *h, char **err)
{
    conn.host = h;
    if (sqlite_conn_open(&conn, h->db_path ? h->db_path : ":memory:", err) != 0) return -1;
    sqlite_db_use(&conn);
    h->register_module(h, "db", sqlite_db_open);
    sqlite_store_init(&store, &conn);
    h->register_store(h, &store);
    sqlite_dot_register(&conn);
    return 0;
}

static void fini(cwsh_host *h)
{
    (void)h;
    sqlite_conn_close(&conn);
}

static const cwsh_plugin plugin = { CWSH_ABI, "sqlite", "1.0.0", init, fini };

const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
