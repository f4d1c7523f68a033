/*
 * luahost.h — the session's one lua_State: allocator with a memory cap,
 * instruction budget and Ctrl-C through a count hook, the sandbox for rule
 * files, and the one protected-call path all Lua goes through.
 */
#ifndef LUAHOST_H
#define LUAHOST_H

#include "session.h"

/* Create s->L with the standard libraries (trusted core Lua) and the `cwsh`
 * module.  0 on success, -1 with *err malloc'd. */
int luahost_open(session *s, char **err);
void luahost_close(session *s);

/* Call the function below `nargs` arguments on the stack in protected mode
 * with a traceback-free message handler, under the session's limits for a
 * command (instruction budget, wall-clock time; the memory cap always
 * holds) and the Ctrl-C hook.  A stop reads "instruction budget exceeded
 * (N instructions)", "time limit exceeded (N s)", "memory limit exceeded
 * (N MB)" or "interrupted".  Like lua_pcall: on error the message string
 * is left on the stack.  [-(nargs+1), +(nresults|1)] */
int luahost_call(session *s, int nargs, int nresults);

/* A plugin's protected call of the function below `nargs` arguments,
 * inside the running command (its limits go on counting; no new ones).
 * Like lua_pcall, with the message made for people as luahost_call makes
 * it.  *stop is set when the failure stops the whole command (a limit,
 * Ctrl-C, out of memory) rather than being the called code's own error:
 * every further call would fail the same way. */
int luahost_pcall(session *s, int nargs, int nresults, int *stop);

/* Call as trusted core Lua with none of the running command's limits
 * (which are restored afterwards); LUA_OK, or an error with its message
 * on the stack.  For the import event's handlers. */
int luahost_call_unlimited(session *s, int nargs, int nresults);

/* The limits by name: "instructions" (per command), "memory" (MB, the
 * whole lua_State), "seconds" (wall-clock time per command; each rule
 * function's 0.5 s is CPU time, cwsh.budget); 0 = none.  A new
 * value holds from the next command.  set: 0, or -1 with *why (static
 * text) for an unknown name or a value out of 0..luahost_limit_max(name).
 * get: 0, or -1 for an unknown name.  (.limit and cwsh.limit use these.) */
int luahost_set_limit(session *s, const char *name, long long value, const char **why);
int luahost_get_limit(session *s, const char *name, long long *value);
long long luahost_limit_max(const char *name);     /* -1: unknown name */
/* TEXT as the value of limit NAME: 0 with *value, or -1 with the reason
 * in why ("needs a whole number of seconds (0 = none), not '1e3'"). */
int luahost_parse_limit(const char *name, const char *text, long long *value, char *why, size_t whysize);

/* Async-signal-safe: make the running Lua code stop at its next
 * instruction with "interrupted". */
void luahost_interrupt(session *s);

/* For C functions whose loops a count hook cannot interrupt: raise the
 * stop in force, if any (Ctrl-C, a time limit that has passed, a memory
 * or budget stop), at the calling Lua line, as the hook would.  Cheap
 * enough to call every few thousand steps. */
void luahost_poll(lua_State *L);

/* Run a file of trusted Lua (core/lua: init.lua and the modules it loads)
 * without the command limits (the memory cap holds; rule code it runs
 * through cwsh.budget is limited all the same).  0 or -1 with the error
 * printed. */
int luahost_dofile(session *s, const char *path);

/* Sandboxed load of a rule file (a regular file only; read once):
 * pushes its text, the chunk and its environment, or returns -1 with the
 * message pushed.  The environment reads from the
 * table at `api` (absolute index), then the allow-listed builtins, and
 * raises on any other name.  The libraries there (string, table, math,
 * utf8, coroutine, os's time functions) are read-only proxies shared by
 * every rule file: setting a field raises at the assigning line. */
int luahost_sandbox_load(session *s, const char *path, int api);

/* Bytes currently allocated by Lua. */
size_t luahost_memory(session *s);

/* Push the shared NULL value (registry-held userdata). */
void luahost_push_null(lua_State *L);

#endif
