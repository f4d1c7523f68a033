/*
 * csv_lua.h — the `csv` Lua module (csv.open: the import's CSV reader for
 * core Lua commands; see csv_lua.c).  Registered by the csv plugin through
 * host->register_module.
 */
#ifndef CSV_LUA_H
#define CSV_LUA_H
#include <lua.h>

int csv_lua_open(lua_State *L);
#endif
