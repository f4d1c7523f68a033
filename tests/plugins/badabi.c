/* A plugin built for another ABI: the host must refuse it. */
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);
static const cwsh_plugin plugin = { CWSH_ABI + 98, sizeof(cwsh_plugin), "badabi", "0.1", NULL, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
