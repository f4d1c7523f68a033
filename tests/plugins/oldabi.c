/* A plugin built against the first plugin ABI (CWSH_ABI 1): the structs
 * below are that cwsh.h's, without the `size` fields.  The host must
 * refuse it by its abi before calling anything of it; were it called, its
 * init would call the old host's register_source slot, which this host has
 * at another offset. */
#include <stddef.h>
#include <lua.h>

typedef struct old_source {
    const char *name;
    const char *const *extensions;
    const char *options;
    const char *help;
    int (*import)(void *h, const char *file, int argc, const char *const *argv,
                  char **summary, char **err);
} old_source;

typedef struct old_host {
    int abi;
    lua_State *L;
    const char *db_path;
    const char *rules_dir;
    void (*register_module)(struct old_host *h, const char *name, lua_CFunction open);
    void (*register_command)(struct old_host *h, const char *name, const char *usage,
                             const char *help, lua_CFunction fn);
    void (*register_store)(struct old_host *h, void *store);
    void (*register_source)(struct old_host *h, const old_source *src);
} old_host;

typedef struct old_plugin {
    int abi;
    const char *name;
    const char *version;
    int  (*init)(old_host *h, char **err);
    void (*fini)(old_host *h);
} old_plugin;

const old_plugin *cwsh_plugin_entry(void);

static int old_import(void *h, const char *file, int argc, const char *const *argv,
                      char **summary, char **err)
{
    return -1;
}
static const char *const ext[] = { "old", NULL };
static const old_source source = { "old", ext, NULL, "an ABI 1 source", old_import };

static int init(old_host *h, char **err)
{
    h->register_source(h, &source);
    return 0;
}
static const old_plugin plugin = { 1, "oldabi", "0.1", init, NULL };
const old_plugin *cwsh_plugin_entry(void) { return &plugin; }
