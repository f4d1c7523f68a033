/* A plugin whose init fails: refused with its message. */
#include <string.h>
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);
static int init(cwsh_host *h, char **err) { (void)h; *err = strdup("no licence file"); return -1; }
static const cwsh_plugin plugin = { CWSH_ABI, "failinit", "0.1", init, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
