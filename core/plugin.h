/*
 * plugin.h — loading plugins (shared objects) with dlopen.
 *
 * plugin_load_dir loads every *.so in a directory in name order.  A plugin
 * with a missing entry symbol, another ABI or layout (cwsh_plugin.size),
 * the name of a plugin already loaded (a copy or a symlink under another
 * file name), a failing init or a refused registration (a name another
 * plugin registered, a struct of another layout) is refused with a
 * message naming the file, everything it registered is withdrawn
 * (host_withdraw), and the session goes on without it.
 * The list owns the dlopen handles.  Shutdown is in two steps because the
 * lua_State holds functions and userdata of plugin code: plugin_fini_all
 * (reverse order), then close the lua_State, then plugin_unload_all
 * (dlclose).
 */
#ifndef PLUGIN_H
#define PLUGIN_H
#include "session.h"

int plugin_load(session *s, const char *path);      /* 0 loaded, -1 refused */
void plugin_load_dir(session *s, const char *dir);
void plugin_fini_all(session *s);
void plugin_unload_all(session *s);

/* Calls fn for each loaded plugin (for .plugins). */
void plugin_each(session *s, void (*fn)(void *ud, const cwsh_plugin *p,
                                        const char *path), void *ud);
#endif
