/* A plugin whose init fails after registering one of everything: it is
 * refused with its message, and none of what it registered stays (its
 * `.tables` must not replace the store's, its store not the sqlite one;
 * named "failinit" it loads before sqlite.so). */
#include <string.h>
#include <lauxlib.h>
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);

static int l_tables(lua_State *L) { lua_pushliteral(L, "failinit's .tables"); return 1; }
static int open_mod(lua_State *L) { lua_newtable(L); return 1; }

static int f_exec(void *self, const char *sql, cwsh_sink *out, char **err)
{
    *err = strdup("failinit's store");
    return -1;
}
static cwsh_store store = { .size = sizeof(cwsh_store), .name = "failinit", .exec = f_exec };

static int f_import(cwsh_host *h, const char *file, int argc, const char *const *argv,
                    char **summary, char **err)
{
    *err = strdup("failinit's source");
    return -1;
}
static const char *const ext[] = { "fail", NULL };
static const cwsh_source source = { sizeof(cwsh_source), "failinit", ext, NULL, "never", f_import };

static int f_write(void *self, FILE *out, int n, const cwsh_table *t, char **err)
{
    *err = strdup("failinit's format");
    return -1;
}
static const cwsh_format format = { sizeof(cwsh_format), "fail", "fail", "never", NULL, f_write };

static int init(cwsh_host *h, char **err)
{
    h->register_command(h, ".tables", ".tables", "failinit's", l_tables);
    h->register_command(h, "failcmd", "failcmd", "failinit's", l_tables);
    h->register_module(h, "failinit", open_mod);
    h->register_store(h, &store);
    h->register_source(h, &source);
    h->register_format(h, &format);
    *err = strdup("no licence file");
    return -1;
}
static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "failinit", "0.1", init, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
