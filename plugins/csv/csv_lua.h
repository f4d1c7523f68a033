/*
 * csv_lua.h — the `csv` Lua module (csv.open: the import's CSV reader for
 * core Lua commands; csv.date: a sheet's date read as the importer reads
 * it; see csv_lua.c).  Registered by the csv plugin through
 * host->register_module.
 */
#ifndef CSV_LUA_H
#define CSV_LUA_H
#include <lua.h>
#include "cwsh.h"

int csv_lua_open(lua_State *L);
/* The host whose vocabulary csv.date reads (the plugin's init). */
void csv_lua_host(cwsh_host *h);
#endif
