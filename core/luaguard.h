/*
 * luaguard.h — bounds on the library functions a count hook cannot stop
 * (pattern matching, string.rep, table.move) while limits are armed, and
 * the sandbox's setmetatable (no __gc) and xpcall (handler after unwind).
 */
#ifndef LUAGUARD_H
#define LUAGUARD_H

#include <lua.h>

/* Wrap the global string and table functions; give the string metatable
 * a copy of the library without dump.  Once, after luaL_openlibs. */
void luaguard_open(lua_State *L);

/* Put the sandbox's setmetatable and xpcall into the table at `safe`
 * (absolute index). */
void luaguard_sandbox(lua_State *L, int safe);

#endif
