/* A plugin with the first layout of cwsh_plugin (no `size`) that claims
 * the current CWSH_ABI: the host reads `size` where this struct has its
 * name and refuses it without calling init. */
#include "cwsh.h"
typedef struct old_plugin {
    int abi;
    const char *name;
    const char *version;
    int  (*init)(cwsh_host *h, char **err);
    void (*fini)(cwsh_host *h);
} old_plugin;
const old_plugin *cwsh_plugin_entry(void);
static int init(cwsh_host *h, char **err) { return h->register_source(h, NULL); }
static const old_plugin plugin = { CWSH_ABI, "oldlayout", "0.1", init, NULL };
const old_plugin *cwsh_plugin_entry(void) { return &plugin; }
