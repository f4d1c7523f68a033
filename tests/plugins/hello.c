/* A well-formed plugin: registers a Lua module and a C command, so tests
 * exercise the host API the way real plugins do. */
#include <lauxlib.h>
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);

static int l_greet(lua_State *L)
{
    lua_pushfstring(L, "你好, %s", luaL_optstring(L, 1, "world"));
    return 1;
}

static int open_hello(lua_State *L)
{
    lua_newtable(L);
    lua_pushcfunction(L, l_greet);
    lua_setfield(L, -2, "greet");
    return 1;
}

static int init(cwsh_host *h, char **err)
{
    (void)err;
    h->register_module(h, "hello", open_hello);
    h->register_command(h, "hello", "hello [NAME]", "greet NAME from a C plugin", l_greet);
    return 0;
}
static const cwsh_plugin plugin = { CWSH_ABI, "hello", "0.1", init, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
