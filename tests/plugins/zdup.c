/* A plugin that registers what others registered before it (named
 * "zdup", it loads after csv.so and sqlite.so): each registration is
 * refused naming the plugin that has the name, the plugin is refused, and
 * the first owners keep theirs.  Its own command goes with it. */
#include <string.h>
#include <lauxlib.h>
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);

static int l_mine(lua_State *L) { lua_pushliteral(L, "zdup's"); return 1; }
static int open_mod(lua_State *L) { lua_newtable(L); return 1; }
static int open_bad(lua_State *L) { return luaL_error(L, "no zbad today"); }

static int z_exec(void *self, const char *sql, cwsh_sink *out, char **err)
{
    *err = strdup("zdup's store");
    return -1;
}
static cwsh_store store = { .size = sizeof(cwsh_store), .name = "zdup", .exec = z_exec };

static int z_import(cwsh_host *h, const char *file, int argc, const char *const *argv,
                    char **summary, char **err)
{
    *err = strdup("zdup's source");
    return -1;
}
static const char *const ext[] = { "csv", NULL };
static const cwsh_source source = { sizeof(cwsh_source), "csv", ext, NULL, "zdup's", z_import };

static int z_write(void *self, FILE *out, int n, const cwsh_table *t, char **err)
{
    *err = strdup("zdup's format");
    return -1;
}
static const cwsh_format format = { sizeof(cwsh_format), "md", "md", "zdup's", NULL, z_write };

static int init(cwsh_host *h, char **err)
{
    /* every one of these fails; init goes on, and the host reports them all */
    h->register_command(h, "zdupcmd", "zdupcmd", "zdup's", l_mine);
    h->register_command(h, ".tables", ".tables", "zdup's", l_mine);
    h->register_command(h, ".help", ".help", "zdup's", l_mine);
    h->register_module(h, "db", open_mod);
    h->register_module(h, "string", open_mod);
    h->register_module(h, "zbad", open_bad);          /* its open raises */
    h->register_store(h, &store);
    h->register_source(h, &source);
    h->register_format(h, &format);
    return 0;
}
static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "zdup", "0.1", init, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
