/* A plugin that says CWSH_ABI but hands the host a source of the first
 * layout (no `size`: its first member is the name), as a plugin built
 * while the layout changed without the ABI going up would: the host
 * refuses the source by its size, never calls it, and refuses the plugin,
 * whose command goes with it. */
#include <lauxlib.h>
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);

typedef struct old_source {
    const char *name;
    const char *const *extensions;
    const char *options;
    const char *help;
    int (*import)(cwsh_host *h, const char *file, int argc, const char *const *argv,
                  char **summary, char **err);
} old_source;

static int old_import(cwsh_host *h, const char *file, int argc, const char *const *argv,
                      char **summary, char **err)
{
    return -1;
}
static const char *const ext[] = { "stale", NULL };
static const old_source source = { "stale", ext, NULL, "a source of the first layout", old_import };

static int l_stale(lua_State *L) { lua_pushliteral(L, "stale"); return 1; }

static int init(cwsh_host *h, char **err)
{
    h->register_command(h, "stale", "stale", "the stale plugin's", l_stale);
    h->register_source(h, (const cwsh_source *)(const void *)&source);
    return 0;
}
static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "stale", "0.1", init, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
