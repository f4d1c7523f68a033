/*
 * luahost.c — the session's lua_State.
 *
 * Limits come from the allocator and a count hook (STYLE 6): the allocator
 * refuses growth past max_memory; the hook counts instructions against the
 * budget of the running command and, once the budget is spent, the
 * command's time is up or Ctrl-C was pressed, re-arms itself for every
 * instruction so that a pcall inside a rule cannot swallow the stop.
 *
 * Two clocks: the command's limit (--max-seconds) is wall-clock time, what
 * the user waits, like psql's statement_timeout; the 0.5 s of each rule
 * function (cwsh.budget) is CPU time of the thread running Lua, what the
 * rule costs, so that a rule set is accepted or refused the same way on
 * an idle and on a loaded machine.  The CPU clock is a system call, so it
 * is read only once the wall clock says it could have passed (a thread
 * gets at most one second of CPU a second): cpu_check_at.
 *
 * Time is checked in the hook (every HOOK_STEP instructions) and in the
 * allocator (every ALLOC_STEP allocations, and at every large one), since
 * a few instructions can take long: `s = s .. "x"` copies a growing
 * string, a C function such as gsub runs as one instruction.  The
 * allocator only marks the time as up and arms the hook, so that the stop
 * carries the position of the running line; if the hook does not get to
 * run within TIME_GRACE (a long C function), the allocator refuses growth,
 * which ends that function with a memory error reported as the time stop.
 *
 * Trusted core Lua (init.lua and the modules it loads) runs without the
 * command limits; rule code it runs through cwsh.budget gets the user's
 * limits all the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>
#include "luahost.h"
#include "cwshlib.h"
#include "luaguard.h"

#define HOOK_STEP 1000
#define ALLOC_STEP 64
#define ALLOC_BIG 65536
#define TIME_GRACE 0.1
/* each cwsh.budget call (every rule function) stops after this much CPU */
#define CALL_SECONDS 0.5

session *session_current;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread: the one that runs Lua. */
static double cputime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hook(lua_State *L, lua_Debug *ar);

enum { PASSED_NONE, PASSED_WALL, PASSED_CPU };

/* Which time limit has passed: the wall-clock deadline, then the CPU
 * one, whose clock is read only when it could have passed. */
static int time_passed(session *s)
{
    if (s->deadline <= 0 && s->cpu_deadline <= 0) return PASSED_NONE;
    double now = mono();
    if (s->deadline > 0 && now >= s->deadline) return PASSED_WALL;
    if (s->cpu_deadline > 0 && now >= s->cpu_check_at) {
        double used = cputime();
        if (used >= s->cpu_deadline) return PASSED_CPU;
        s->cpu_check_at = now + (s->cpu_deadline - used);
    }
    return PASSED_NONE;
}

/* A time limit has passed (`which`, from time_passed): every instruction
 * raises from now on. */
static void time_up(session *s, lua_State *L, int which)
{
    if (s->time_over) return;
    s->time_over = which;
    s->time_over_at = mono();
    s->over_seconds = which == PASSED_CPU ? s->cpu_seconds : s->deadline_seconds;
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
}

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    session *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        s->lua_mem -= old;
        return NULL;
    }
    /* Only growth can be refused: Lua requires shrinking to succeed. */
    if (nsize > old) {
        if (s->max_memory && s->lua_mem + (nsize - old) > s->max_memory && !s->time_raising) {
            /* under limits the stop holds, like the budget's: a pcall
             * that caught it is stopped at its next instruction */
            if ((s->budget_size > 0 || s->deadline > 0 || s->cpu_deadline > 0) && !s->mem_over) {
                s->mem_over = 1;
                lua_sethook(s->L, hook, LUA_MASKCOUNT, 1);
            }
            return NULL;
        }
        if (s->deadline > 0 || s->cpu_deadline > 0) {
            if (s->time_over) {
                if (!s->time_raising && mono() - s->time_over_at > TIME_GRACE) return NULL;
            } else if (++s->alloc_tick % ALLOC_STEP == 0 || nsize - old >= ALLOC_BIG) {
                int passed = time_passed(s);
                if (passed) time_up(s, s->L, passed);
            }
        }
    }
    void *p = realloc(ptr, nsize);
    if (p) s->lua_mem = s->lua_mem - old + nsize;
    return p;
}

size_t luahost_memory(session *s) { return s->lua_mem; }

/* "time limit exceeded (30 s)" into buf. */
static const char *time_message(double seconds, char *buf, size_t size)
{
    snprintf(buf, size, "time limit exceeded (%g s)", seconds);
    return buf;
}

static void push_memory_message(lua_State *L, session *s)
{
    lua_pushfstring(L, "memory limit exceeded (%d MB)", (int)(s->max_memory >> 20));
}

/* "FILE:LINE: " of the first Lua function from `level` up (a C function
 * polling may be called by another, sort's comparator by sort), or "". */
static void push_where(lua_State *L, int level)
{
    lua_Debug ar;
    for (; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) break;
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
        if (level > 0 && *ar.what != 'C') break;   /* a Lua function without lines */
    }
    lua_pushliteral(L, "");
}

/* Raise `msg` at the position of the code that was running (level 0
 * inside a hook, 1 in a C function), so a runaway rule is named by its
 * own file:line. */
static int stop_error(lua_State *L, int level, const char *msg)
{
    session *s = session_current;
    s->time_raising = 1;              /* the message may allocate */
    push_where(L, level);
    lua_pushstring(L, msg);
    lua_concat(L, 2);
    s->time_raising = 0;
    return lua_error(L);
}

static const char *budget_message(long long n, char *buf, size_t size)
{
    snprintf(buf, size, "instruction budget exceeded (%lld instructions)", n);
    return buf;
}

/* Make a stop hold at the next instruction of L and of the main thread:
 * a coroutine has its own hook, and a pcall around a coroutine.wrap that
 * caught the stop would let the main thread run on for up to HOOK_STEP
 * instructions, a loop of them each getting a new budget's worth. */
static void hold(session *s, lua_State *L)
{
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    if (s->L && s->L != L) lua_sethook(s->L, hook, LUA_MASKCOUNT, 1);
}

/* Raise the stop in force, if any: a memory stop, Ctrl-C, a time limit
 * (found passed now or before), a spent budget.  The stop is made to
 * hold in the thread that runs and in the main one (hold). */
static void raise_stop(lua_State *L, int level)
{
    session *s = session_current;
    char msg[96];
    if (s->mem_over) {
        hold(s, L);
        snprintf(msg, sizeof msg, "memory limit exceeded (%d MB)", (int)(s->max_memory >> 20));
        stop_error(L, level, msg);
    }
    if (s->interrupted) {
        hold(s, L);
        stop_error(L, level, "interrupted");
    }
    if (!s->time_over) {
        int passed = time_passed(s);
        if (passed) time_up(s, L, passed);
    }
    if (s->time_over) {
        hold(s, L);
        stop_error(L, level, time_message(s->over_seconds, msg, sizeof msg));
    }
    if (s->budget_over && s->budget_size > 0) {
        hold(s, L);
        stop_error(L, level, budget_message(s->budget_size, msg, sizeof msg));
    }
}

/* The count hook, armed in every thread (coroutines inherit it): every
 * HOOK_STEP instructions, or every instruction once a stop is in force.
 * A thread left at every instruction by an earlier stop goes back to
 * HOOK_STEP, counting what it ran. */
static void hook(lua_State *L, lua_Debug *ar)
{
    session *s = session_current;
    char msg[96];
    (void)ar;
    raise_stop(L, 0);
    int step = lua_gethookcount(L);
    if (step != HOOK_STEP) lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_STEP);
    if (s->budget_size <= 0) return;
    s->budget_left -= step;
    if (s->budget_left > 0) return;
    s->budget_over = 1;
    hold(s, L);
    stop_error(L, 0, budget_message(s->budget_size, msg, sizeof msg));
}

void luahost_poll(lua_State *L)
{
    session *s = session_current;
    if (s && s->L && !s->time_raising) raise_stop(L, 1);
}

/* Arm the hook for a budget of n instructions (0 = unlimited), a
 * wall-clock deadline and a CPU one (0 = none; the seconds are the
 * limits named in the message).  The hook stays armed without any, so
 * that a coroutine created now inherits it and Ctrl-C stops it too
 * (luahost_interrupt reaches the main thread only). */
static void arm(session *s, long long n, double deadline, double seconds,
                double cpu_deadline, double cpu_seconds)
{
    s->budget_size = n;
    s->budget_left = n;
    s->budget_over = 0;
    s->deadline = deadline;
    s->deadline_seconds = seconds;
    s->cpu_deadline = cpu_deadline;
    s->cpu_seconds = cpu_seconds;
    s->cpu_check_at = 0;
    s->time_over = 0;
    s->over_seconds = 0;
    s->time_raising = 0;
    s->mem_over = 0;
    lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_STEP);
}

/* The next Lua instruction raises "interrupted".  Count events only: a
 * call or return event would also fire on the call of the message
 * handler, replacing the message a C function raised when it stopped for
 * the interrupt itself ("import interrupted; nothing imported"). */
void luahost_interrupt(session *s)
{
    s->interrupted = 1;
    if (s->L) lua_sethook(s->L, hook, LUA_MASKCOUNT, 1);
}

/* Message handler: keep the message; tracebacks only on request, since
 * the people reading these errors are analysts, not Lua programmers. */
static int msgh(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    if (getenv("CWSH_TRACEBACK")) luaL_traceback(L, L, msg, 1);
    return 1;
}

/* A protected call under the command's limits, or none (trusted). */
static int call(session *s, int nargs, int nresults, int trusted)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    int was_trusted = s->trusted;
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    s->trusted = trusted;
    if (trusted) arm(s, 0, 0, 0, 0, 0);
    else arm(s, s->max_instructions, s->max_seconds > 0 ? mono() + (double)s->max_seconds : 0,
             (double)s->max_seconds, 0, 0);
    int st = lua_pcall(L, nargs, nresults, base);
    int time_over = s->time_over;
    double seconds = s->over_seconds;
    arm(s, 0, 0, 0, 0, 0);
    s->trusted = was_trusted;
    lua_remove(L, base);
    if (st == LUA_ERRMEM) {
        lua_pop(L, 1);
        if (time_over) {
            char msg[64];
            lua_pushstring(L, time_message(seconds, msg, sizeof msg));
        } else {
            push_memory_message(L, s);
        }
    }
    return st;
}

int luahost_call(session *s, int nargs, int nresults)
{
    return call(s, nargs, nresults, 0);
}

/* Trusted core Lua inside a running command, outside its limits: the
 * import event's handlers, whose work (the ledger opening findings) grows
 * with the file the user chose to import, not with anything a limit is
 * there to stop; a province file's findings take longer than the 30 s a
 * command may run.  Ctrl-C still stops them.  The command's limits are
 * put back as they were, still counting. */
int luahost_call_unlimited(session *s, int nargs, int nresults)
{
    long long size = s->budget_size, left = s->budget_left;
    double deadline = s->deadline, seconds = s->deadline_seconds;
    double cpu_deadline = s->cpu_deadline, cpu_seconds = s->cpu_seconds;
    int st = call(s, nargs, nresults, 1);
    arm(s, size, deadline, seconds, cpu_deadline, cpu_seconds);
    s->budget_left = left;
    return st;
}

/* A plugin's call of Lua inside the running command: its limits stay as
 * they are (the command's budget and deadline go on counting). */
int luahost_pcall(session *s, int nargs, int nresults, int *stop)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    int st = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    *stop = 0;
    if (st == LUA_OK) return st;
    if (st == LUA_ERRMEM) {
        char msg[64];
        lua_pop(L, 1);
        if (s->time_over) lua_pushstring(L, time_message(s->over_seconds, msg, sizeof msg));
        else push_memory_message(L, s);
    }
    *stop = st == LUA_ERRMEM || s->interrupted || s->time_over || s->mem_over
            || (s->budget_over && s->budget_size > 0);
    return st;
}

int luahost_dofile(session *s, const char *path)
{
    if (luaL_loadfilex(s->L, path, "t") != LUA_OK || call(s, 0, 0, 1) != LUA_OK) {
        session_error(s, lua_tostring(s->L, -1));
        lua_pop(s->L, 1);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- limits */

static const struct {
    const char *name;
    long long max;
    const char *unit, *zero;        /* for messages: "seconds", "none" */
} limits[] = {
    { "instructions", LLONG_MAX, "instructions", "none" },
    { "memory", (long long)(SIZE_MAX >> 20), "MB", "no cap" },
    { "seconds", INT_MAX, "seconds", "none" },
};

static int limit_index(const char *name)
{
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (!strcmp(name, limits[i].name)) return (int)i;
    return -1;
}

long long luahost_limit_max(const char *name)
{
    int i = limit_index(name);
    return i < 0 ? -1 : limits[i].max;
}

/* One rule for --max-NAME and .limit NAME: decimal digits only, so that
 * 1e3, 0x10, 30.5 or -1 are refused, not read as something else.  The
 * reason follows the option's name: "needs ...", or ": N is too large". */
int luahost_parse_limit(const char *name, const char *text, long long *value, char *why, size_t whysize)
{
    int i = limit_index(name);
    if (i < 0) { snprintf(why, whysize, "unknown limit (instructions, memory, seconds)"); return -1; }
    size_t n = strlen(text);
    /* the text quoted up to 40 bytes, so that the reason after it always
     * fits the caller's buffer (a 300-digit value cut it off) */
    int shown = n > 40 ? 37 : (int)n;
    const char *more = n > 40 ? "..." : "";
    if (n == 0 || strspn(text, "0123456789") != n) {
        snprintf(why, whysize, "needs a whole number of %s (0 = %s), not '%.*s%s'", limits[i].unit,
                 limits[i].zero, shown, text, more);
        return -1;
    }
    errno = 0;
    unsigned long long x = strtoull(text, NULL, 10);
    if (errno == ERANGE || x > (unsigned long long)limits[i].max) {
        /* "option '--max-memory': 99999999 MB is too large", ".limit memory: ..." */
        snprintf(why, whysize, ": %.*s%s %s is too large (at most %lld)", shown, text, more, limits[i].unit,
                 limits[i].max);
        return -1;
    }
    *value = (long long)x;
    return 0;
}

int luahost_set_limit(session *s, const char *name, long long value, const char **why)
{
    long long max = luahost_limit_max(name);
    if (max < 0) { *why = "unknown limit (instructions, memory, seconds)"; return -1; }
    if (value < 0 || value > max) { *why = "out of range"; return -1; }
    if (!strcmp(name, "instructions")) s->max_instructions = value;
    else if (!strcmp(name, "memory")) s->max_memory = (size_t)value << 20;
    else s->max_seconds = value;
    return 0;
}

int luahost_get_limit(session *s, const char *name, long long *value)
{
    if (!strcmp(name, "instructions")) *value = s->max_instructions;
    else if (!strcmp(name, "memory")) *value = (long long)(s->max_memory >> 20);
    else if (!strcmp(name, "seconds")) *value = s->max_seconds;
    else return -1;
    return 0;
}

/* cwsh.limit(name [, value]): the limit in force, after setting it to
 * value (for the next command).  Names as for .limit. */
static int l_limit(lua_State *L)
{
    session *s = session_current;
    const char *name = luaL_checkstring(L, 1);
    long long v;
    if (!lua_isnoneornil(L, 2)) {
        const char *why;
        lua_Integer n = luaL_checkinteger(L, 2);
        if (luahost_set_limit(s, name, (long long)n, &why) != 0)
            return luaL_error(L, "limit %s %I: %s", name, n, why);
    }
    if (luahost_get_limit(s, name, &v) != 0)
        return luaL_error(L, "unknown limit '%s' (instructions, memory, seconds)", name);
    lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

/* ---------------------------------------------------------------- budget */

/* cwsh.trusted(fn, ...): call fn with the command's limits suspended and
 * then restored as they were: for the core's own code that a command
 * happens to reach first (a command module compiled at its first use,
 * the modules it requires), which must not fail or not under a small
 * --max-instructions as the user's code would.  Ctrl-C still stops it.
 * Not in a rule file's environment. */
static int l_trusted(lua_State *L)
{
    session *s = session_current;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    long long size = s->budget_size, left = s->budget_left;
    double deadline = s->deadline, seconds = s->deadline_seconds;
    double cpu = s->cpu_deadline, cpu_seconds = s->cpu_seconds;
    int was_trusted = s->trusted;
    /* the hook as it was (counting at its step, or at every instruction
     * for a stop in force) comes back with the limits */
    lua_Hook h = lua_gethook(s->L);
    int mask = lua_gethookmask(s->L), count = lua_gethookcount(s->L);
    arm(s, 0, 0, 0, 0, 0);
    s->trusted = 1;
    int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    arm(s, size, deadline, seconds, cpu, cpu_seconds);
    s->budget_left = left;
    s->trusted = was_trusted;
    lua_sethook(s->L, h, mask, count);
    if (s->interrupted) luahost_interrupt(s);
    if (st != LUA_OK) return lua_error(L);
    return lua_gettop(L);
}

/* cwsh.budget(n, fn, ...): call fn under a budget of n instructions and
 * CALL_SECONDS of CPU time, inside the command's own limits (or,
 * from trusted code, under the user's limits).  Errors propagate after
 * the outer limits are restored, so the caller can catch and annotate
 * them. */
static int l_budget(lua_State *L)
{
    session *s = session_current;
    char msg[96];
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    long long outer_size = s->budget_size, outer_left = s->budget_left;
    double outer_deadline = s->deadline, outer_seconds = s->deadline_seconds;
    double outer_cpu = s->cpu_deadline, outer_cpu_seconds = s->cpu_seconds;
    if (s->budget_over && outer_size > 0)
        return luaL_error(L, "%s", budget_message(outer_size, msg, sizeof msg));
    if (s->time_over)
        return luaL_error(L, "%s", time_message(s->over_seconds, msg, sizeof msg));
    long long inner = n;
    int inner_is_outer = 0;                /* the command's budget is the smaller */
    if (outer_size > 0) {
        if (outer_left < inner) { inner = outer_left; inner_is_outer = 1; }
    } else if (s->trusted && s->max_instructions > 0 && s->max_instructions < inner) {
        inner = s->max_instructions;
    }
    /* the command's wall-clock deadline holds as it is; the CPU one is
     * ours, or an enclosing budget's if that ends first */
    double cpu = cputime() + CALL_SECONDS, cpu_seconds = CALL_SECONDS;
    int cpu_is_outer = 0;
    if (outer_cpu > 0 && outer_cpu <= cpu) {
        cpu = outer_cpu;
        cpu_seconds = outer_cpu_seconds;
        cpu_is_outer = 1;
    }
    arm(s, inner > 0 ? inner : 1, outer_deadline, outer_seconds, cpu, cpu_seconds);
    int st = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    long long used = (inner > 0 ? inner : 1) - s->budget_left;
    int inner_over = s->budget_over, inner_time_over = s->time_over;
    double seconds = s->over_seconds;
    /* the stop was an outer limit's: the wall clock's (always the
     * command's), or an enclosing budget's CPU time */
    int time_is_outer = inner_time_over == PASSED_WALL || (inner_time_over == PASSED_CPU && cpu_is_outer);
    arm(s, outer_size, outer_deadline, outer_seconds, outer_cpu, outer_cpu_seconds);
    if (outer_size > 0) s->budget_left = outer_left - used;
    if (s->interrupted) luahost_interrupt(s);
    if (st != LUA_OK && st != LUA_ERRMEM && !lua_isstring(L, -1)) {
        /* never let the caller (trusted, unlimited) run a rule's
         * __tostring: an error object becomes its type */
        const char *t = luaL_typename(L, -1);
        lua_pop(L, 1);
        lua_pushfstring(L, "error object is a %s value, not a message", t);
    }
    if (st != LUA_OK) {
        if (st == LUA_ERRMEM) {         /* lua_error would make it a plain error */
            lua_pop(L, 1);
            if (inner_time_over) lua_pushstring(L, time_message(seconds, msg, sizeof msg));
            else push_memory_message(L, s);
        }
        if (inner_over && inner_is_outer) {   /* it was the command's budget */
            s->budget_over = 1;
            lua_sethook(L, hook, LUA_MASKCOUNT, 1);
        }
        if (time_is_outer) time_up(s, L, inner_time_over);
        return lua_error(L);
    }
    return lua_gettop(L) - 1;
}

/* --------------------------------------------------------------- sandbox */

static const char *const safe_globals[] = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "select",
    "tonumber", "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen",
    "setmetatable", "getmetatable", "print", "_VERSION", NULL
};
static const char *const safe_libs[] = { "string", "table", "math", "utf8", "coroutine", NULL };

/* load(chunk [, name [, mode [, env]]]) for rules: text only, and the
 * environment defaults to the caller's sandbox rather than _G. */
static int l_sandbox_load(lua_State *L)
{
    size_t n;
    const char *chunk = luaL_checklstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, chunk, n, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushvalue(L, has_env ? 4 : lua_upvalueindex(1));
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    return 1;
}

/* __newindex of a frozen library: upvalue 1 its name.  Raised at the
 * assigning line of the rule file (level 1: the caller of this
 * metamethod). */
static int frozen_newindex(lua_State *L)
{
    const char *key = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "cannot set %s.%s: the libraries are read-only in rule files "
                      "(assign a local instead)", lua_tostring(L, lua_upvalueindex(1)), key);
}

/* __pairs of a frozen library: next over the contents (upvalue 1 next,
 * upvalue 2 the contents). */
static int frozen_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushnil(L);
    return 3;
}

/* Replace the table on top with a read-only proxy of it: an empty table
 * whose __index is the contents and whose __newindex raises, with a
 * locked metatable.  Every rule file of every rule set shares these, so
 * a rule that sets math.min cannot change another file's math, nor the
 * next reload's.  [-1, +1] */
static void freeze(lua_State *L, const char *name)
{
    int contents = lua_gettop(L);
    lua_newtable(L);                              /* the proxy */
    lua_createtable(L, 0, 4);                     /* its metatable */
    lua_pushvalue(L, contents);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, frozen_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_getglobal(L, "next");
    lua_pushvalue(L, contents);
    lua_pushcclosure(L, frozen_pairs, 2);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_replace(L, contents);
}

/* Build the table of allow-listed builtins once: frozen copies of the
 * libraries, so a rule can neither change the host's nor another rule
 * file's. [-0, +1] */
static void push_safe(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.safe") == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    for (int i = 0; safe_globals[i]; i++) {
        lua_getglobal(L, safe_globals[i]);
        lua_setfield(L, -2, safe_globals[i]);
    }
    luaguard_sandbox(L, lua_gettop(L));
    for (int i = 0; safe_libs[i]; i++) {
        lua_newtable(L);
        lua_getglobal(L, safe_libs[i]);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_settable(L, -5);
        }
        lua_pop(L, 1);
        if (i == 0) {                /* string.dump: no bytecode either way */
            lua_pushnil(L);
            lua_setfield(L, -2, "dump");
        }
        freeze(L, safe_libs[i]);
        lua_setfield(L, -2, safe_libs[i]);
    }
    lua_newtable(L);                              /* os: time only */
    lua_getglobal(L, "os");
    const char *os_ok[] = { "time", "date", "clock", "difftime", NULL };
    for (int i = 0; os_ok[i]; i++) {
        lua_getfield(L, -1, os_ok[i]);
        lua_setfield(L, -3, os_ok[i]);
    }
    lua_pop(L, 1);
    freeze(L, "os");
    lua_setfield(L, -2, "os");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.safe");
}

/* __index of a sandbox environment: upvalue 1 the api table, 2 the safe
 * builtins.  Unknown names are errors at the reading line (level 2). */
static int env_index(lua_State *L)
{
    if (lua_type(L, lua_upvalueindex(1)) == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        if (lua_gettable(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) return 1;
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
    return luaL_error(L, "undefined global");
}

/* Shorten a path under the rules directory to "<dirname>/<rest>" so that
 * messages read "rules/checklist.lua:14" wherever the tree lives. */
static void push_chunkname(session *s, const char *path)
{
    const char *d = s->rules_dir;
    size_t dn = d ? strlen(d) : 0;
    if (dn && strncmp(path, d, dn) == 0 && path[dn] == '/') {
        const char *base = strrchr(d, '/');
        base = base ? base + 1 : d;
        lua_pushfstring(s->L, "@%s%s", base, path + dn);
    } else {
        lua_pushfstring(s->L, "@%s", path);
    }
}

int luahost_sandbox_load(session *s, const char *path, int api)
{
    lua_State *L = s->L;
    /* Not blocking in open (a FIFO waits there for a writer), and only a
     * regular file: a FIFO or a device could serve endless bytes, or
     * other bytes on the next read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        lua_pushfstring(L, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        push_chunkname(s, path);                      /* "@rules/x.lua" */
        lua_pushfstring(L, "cannot load '%s': not a regular file", lua_tostring(L, -1) + 1);
        lua_remove(L, -2);
        return -1;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        lua_pushfstring(L, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t n;
    do {
        char *p = luaL_prepbuffer(&b);
        n = fread(p, 1, LUAL_BUFFERSIZE, f);
        luaL_addsize(&b, n);
    } while (n == LUAL_BUFFERSIZE);
    fclose(f);
    luaL_pushresult(&b);                              /* text */
    push_chunkname(s, path);                          /* text name */
    size_t len;
    const char *text = lua_tolstring(L, -2, &len);
    if (luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t") != LUA_OK) {
        lua_replace(L, -3);                           /* msg name */
        lua_pop(L, 1);
        return -1;
    }
    lua_remove(L, -2);                                /* text chunk */
    lua_newtable(L);                                  /* text chunk env */
    lua_newtable(L);                                  /* chunk env mt */
    lua_pushvalue(L, api);
    push_safe(L);
    lua_pushcclosure(L, env_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);                            /* locked: it holds the api */
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);                             /* chunk env env */
    lua_pushcclosure(L, l_sandbox_load, 1);           /* chunk env load */
    lua_setfield(L, -2, "load");                      /* env.load: rawset */
    lua_pushvalue(L, -1);
    lua_setupvalue(L, -3, 1);                         /* chunk's _ENV */
    return 0;
}

/* cwsh.sandbox_load(path, api) -> chunk, env, text | nil, err: text the
 * bytes that were compiled, for hashing what runs (the file is read
 * once). */
static int l_sandbox_load_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    if (lua_isnoneornil(L, 2)) { lua_newtable(L); lua_replace(L, 2); }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (luahost_sandbox_load(session_current, path, 2) != 0) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_rotate(L, 3, -1);                             /* chunk env text */
    return 3;
}

/* ----------------------------------------------------------------- NULL */

static int null_tostring(lua_State *L) { lua_pushliteral(L, "NULL"); return 1; }

void luahost_push_null(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.nullvalue");
}

static void make_null(lua_State *L)
{
    lua_newuserdatauv(L, 0, 0);
    luaL_newmetatable(L, "cwsh.null");     /* __name, and testudata works */
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.nullvalue");
}

/* ------------------------------------------------------------------ open */

int luahost_open(session *s, char **err)
{
    s->L = lua_newstate(l_alloc, s);
    if (!s->L) { *err = strdup("cannot create the Lua state"); return -1; }
    lua_State *L = s->L;
    luaL_openlibs(L);
    luaguard_open(L);
    make_null(L);
    /* Strings share one metatable whose __index is the real string
     * library; hide it so a rule cannot reach and rewrite the host's. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    cwshlib_open(s);                      /* global cwsh */
    lua_getglobal(L, "cwsh");
    lua_pushcfunction(L, l_budget);
    lua_setfield(L, -2, "budget");
    lua_pushcfunction(L, l_trusted);
    lua_setfield(L, -2, "trusted");
    lua_pushcfunction(L, l_limit);
    lua_setfield(L, -2, "limit");
    lua_pushcfunction(L, l_sandbox_load_file);
    lua_setfield(L, -2, "sandbox_load");
    lua_pop(L, 1);
    /* core Lua modules are found in lua_dir */
    lua_getglobal(L, "package");
    lua_pushfstring(L, "%s/?.lua", s->lua_dir);
    lua_setfield(L, -2, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
    return 0;
}

void luahost_close(session *s)
{
    if (s->L) lua_close(s->L);
    s->L = NULL;
}
