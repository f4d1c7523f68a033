/*
 * fuzz_lua.h — a session's lua_State for fuzz targets of the core's Lua:
 * the real luahost (allocator, limits, sandbox) and cwsh module, the
 * core's modules found in core/lua and a scratch rules directory holding
 * a copy of rules/calendar, both relative to the working directory (make
 * fuzz and make test run from the repository's root).  One state for the
 * whole run, as libFuzzer calls the target again and again.
 */
#ifndef FUZZ_LUA_H
#define FUZZ_LUA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "luahost.h"

static session fuzz_session;
static char fuzz_rules[64];

static void fuzz_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_rules);
    if (fuzz_rules[0] && system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", fuzz_rules);
}

static void fuzz_die(const char *name, const char *what)
{
    fprintf(stderr, "%s: %s\n", name, what);
    abort();
}

/* The state, made on first use; limits of 10^7 instructions, 64 MB and
 * 5 s per call so that a runaway is found, not waited for. */
static lua_State *fuzz_lua(const char *name)
{
    session *s = &fuzz_session;
    if (s->L) return s->L;
    session_current = s;
    s->out = fopen("/dev/null", "w");
    s->lua_dir = realpath("core/lua", NULL);
    if (!s->lua_dir) fuzz_die(name, "run me from the repository's root (core/lua not found)");
    strcpy(fuzz_rules, "/tmp/cwsh-fuzz.XXXXXX");
    if (!mkdtemp(fuzz_rules)) fuzz_die(name, "cannot make a scratch directory");
    atexit(fuzz_cleanup);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp -R rules/calendar '%s/calendar'", fuzz_rules);
    if (system(cmd) != 0) fuzz_die(name, "cannot copy rules/calendar");
    s->rules_dir = strdup(fuzz_rules);
    s->max_instructions = 10000000;
    s->max_memory = (size_t)64 << 20;
    s->max_seconds = 5;
    char *err = NULL;
    if (luahost_open(s, &err) != 0) fuzz_die(name, err ? err : "cannot open Lua");
    return s->L;
}

/* Call the function below nargs arguments under the limits; a stop by
 * a limit is a runaway, which is a finding.  Returns the lua_pcall
 * status with the results or the message on the stack. */
static inline int fuzz_call(const char *name, int nargs, int nresults)
{
    int st = luahost_call(&fuzz_session, nargs, nresults);
    if (st != LUA_OK) {
        const char *m = lua_tostring(fuzz_session.L, -1);
        if (m && (strstr(m, "instruction budget exceeded") || strstr(m, "time limit exceeded")
                  || strstr(m, "memory limit exceeded")))
            fuzz_die(name, m);
    }
    return st;
}

/* Write the bytes to DIR/REL (under the scratch rules directory). */
static inline void fuzz_write(const char *name, const char *rel, const void *data, size_t size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fuzz_rules, rel);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) fuzz_die(name, "cannot write a scratch file");
}

#endif
