/*
 * shell.c — input splitting and dispatch, the readline loop, Ctrl-C.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <lauxlib.h>
#include <readline/readline.h>
#include <readline/history.h>
#include "shell.h"
#include "complete.h"
#include "cwshlib.h"
#include "luahost.h"
#include "progress.h"
#include "words.h"

enum { IN_NONE, IN_SQL, IN_LUA, IN_EXPR };

/* Pending multi-line input: the text so far and where it began. */
static struct {
    int mode;
    char *buf;
    size_t len, cap;
    int line;
} pend;

int shell_quit;

static void pend_add(const char *text)
{
    size_t n = strlen(text);
    if (pend.len + n + 2 > pend.cap) {
        pend.cap = (pend.len + n + 2) * 2;
        pend.buf = realloc(pend.buf, pend.cap);
    }
    if (pend.len) pend.buf[pend.len++] = '\n';
    memcpy(pend.buf + pend.len, text, n + 1);
    pend.len += n;
}

static void pend_reset(void)
{
    pend.mode = IN_NONE;
    pend.len = 0;
    if (pend.buf) pend.buf[0] = 0;
}

/* --------------------------------------------------------------- timing */

typedef struct { double real, user, sys; } stamp;

static stamp now(void)
{
    struct timespec ts;
    struct rusage ru;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    getrusage(RUSAGE_SELF, &ru);
    return (stamp){ ts.tv_sec + ts.tv_nsec / 1e9,
                    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
                    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6 };
}

/* Bracket every unit of work: Ctrl-C state, timer, .once, failure. */
static int begin_work(session *s, stamp *t0)
{
    s->interrupted = 0;
    s->running = 1;
    *t0 = now();
    return 0;
}

static int end_work(session *s, stamp *t0, int rc)
{
    s->running = 0;
    progress_clear();
    if (s->timer) {
        stamp t1 = now();
        fprintf(s->out, "Run Time: real %.3f user %.6f sys %.6f\n", t1.real - t0->real,
                t1.user - t0->user, t1.sys - t0->sys);
    }
    session_after_command(s);
    s->interrupted = 0;
    if (rc != 0) {
        s->failed = 1;
        if (s->bail) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ SQL */

static int run_sql(session *s, const char *sql)
{
    if (!s->store) {
        session_error(s, "no store is open (the sqlite plugin is missing or failed to start), so SQL cannot run");
        return -1;
    }
    char *err = NULL;
    int rc = s->store->exec(s->store->self, sql, s->host.output(&s->host), &err);
    if (rc != 0) {
        if (s->interrupted) { free(err); err = strdup("interrupted"); }
        session_error(s, err ? err : "SQL failed");
        free(err);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ Lua */

/* Show every value a call left above `base`. */
static void show_results(session *s, int base)
{
    int top = lua_gettop(s->L);
    for (int i = base + 1; i <= top; i++)
        if (!lua_isnil(s->L, i)) cwshlib_show(s, i);
    lua_settop(s->L, base);
}

static int incomplete(lua_State *L)
{
    size_t n;
    const char *msg = lua_tolstring(L, -1, &n);
    return msg && n >= 5 && strcmp(msg + n - 5, "<eof>") == 0;
}

/* Compile `code` (for IN_EXPR with "return " in front).  Returns 1 when
 * more input is needed, 0 after running it, -1 on error. */
static int run_lua(session *s, const char *code, int expr, int allow_more)
{
    lua_State *L = s->L;
    int base = lua_gettop(L);
    const char *chunk = expr ? lua_pushfstring(L, "return %s", code) : code;
    int st = luaL_loadbufferx(L, chunk, strlen(chunk), "=lua", "t");
    if (expr) lua_remove(L, -2);
    if (st == LUA_ERRSYNTAX && allow_more && incomplete(L)) {
        lua_settop(L, base);
        return 1;
    }
    if (st == LUA_OK) st = luahost_call(s, 0, LUA_MULTRET);
    if (st != LUA_OK) {
        session_error(s, lua_tostring(L, -1));
        lua_settop(L, base);
        return -1;
    }
    show_results(s, base);
    return 0;
}

/* ------------------------------------------------------------- commands */

int shell_run_words(session *s, int n, char **w, const char *rest)
{
    lua_State *L = s->L;
    int base = lua_gettop(L);
    if (!cwshlib_push_command(L, w[0])) {
        lua_settop(L, base);
        char msg[300];
        snprintf(msg, sizeof msg, "unknown command '%s' (type .help for the list)", w[0]);
        session_error(s, msg);
        return -1;
    }
    int cmd = lua_gettop(L);
    lua_getfield(L, cmd, "c");
    int is_c = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, cmd, "run");
    int nargs;
    if (is_c) {
        for (int i = 1; i < n; i++) lua_pushstring(L, w[i]);
        nargs = n - 1;
    } else {
        lua_createtable(L, n - 1, 1);
        for (int i = 1; i < n; i++) {
            lua_pushstring(L, w[i]);
            lua_rawseti(L, -2, i);
        }
        lua_pushstring(L, rest);
        lua_setfield(L, -2, "line");
        nargs = 1;
    }
    int st = luahost_call(s, nargs, LUA_MULTRET);
    if (st != LUA_OK) {
        session_error(s, lua_tostring(L, -1));
        lua_settop(L, base);
        return -1;
    }
    show_results(s, cmd);
    lua_settop(L, base);
    return 0;
}

static int run_command_line(session *s, const char *line)
{
    int n;
    const char *werr;
    char **w = words_split(line, &n, &werr);
    if (!w) { session_error(s, werr); return -1; }
    const char *rest = line + strspn(line, " \t");
    rest += strcspn(rest, " \t");
    rest += strspn(rest, " \t");
    int rc = n ? shell_run_words(s, n, w, rest) : 0;
    free(w);
    return rc;
}

static int is_command(session *s, const char *line)
{
    char name[64];
    size_t n = strcspn(line, " \t");
    if (n == 0 || n >= sizeof name) return 0;
    memcpy(name, line, n);
    name[n] = 0;
    int found = cwshlib_push_command(s->L, name);
    lua_pop(s->L, 1);
    return found;
}

/* ------------------------------------------------------------- dispatch */

static int work(session *s, int (*fn)(session *, const char *, int), const char *text, int arg)
{
    stamp t0;
    begin_work(s, &t0);
    int rc = fn(s, text, arg);
    return end_work(s, &t0, rc < 0 ? -1 : 0);
}

static int do_sql(session *s, const char *t, int a) { (void)a; return run_sql(s, t); }
static int do_cmd(session *s, const char *t, int a) { (void)a; return run_command_line(s, t); }
static int do_lua(session *s, const char *t, int expr) { return run_lua(s, t, expr, 0); }

int shell_line(session *s, const char *line)
{
    if (shell_quit) return -1;
    if (s->echo) fprintf(s->out, "%s\n", line);
    int rc = 0;
    if (pend.mode == IN_SQL) {
        pend_add(line);
        if (s->store && s->store->complete(s->store->self, pend.buf)) {
            rc = work(s, do_sql, pend.buf, 0);
            pend_reset();
        }
        return shell_quit ? -1 : rc;
    }
    if (pend.mode == IN_LUA || pend.mode == IN_EXPR) {
        pend_add(line);
        int expr = pend.mode == IN_EXPR;
        stamp t0;
        begin_work(s, &t0);
        int r = run_lua(s, pend.buf, expr, 1);
        if (r == 1) { s->running = 0; return 0; }
        pend_reset();
        rc = end_work(s, &t0, r);
        return shell_quit ? -1 : rc;
    }
    const char *p = line + strspn(line, " \t\r");
    if (!*p || strncmp(p, "--", 2) == 0 || *p == '#') return 0;
    s->src_line = s->src_line;      /* errors point at the command's first line */
    pend.line = s->src_line;
    if (*p == '.' || is_command(s, p)) {
        rc = work(s, do_cmd, p, 0);
    } else if (*p == '=') {
        stamp t0;
        begin_work(s, &t0);
        int r = run_lua(s, p + 1, 1, 1);
        if (r == 1) { pend.mode = IN_EXPR; pend_add(p + 1); s->running = 0; return 0; }
        rc = end_work(s, &t0, r);
    } else if (strncmp(p, "lua", 3) == 0 && (p[3] == 0 || p[3] == ' ' || p[3] == '\t')) {
        const char *code = p + 3 + strspn(p + 3, " \t");
        pend.mode = IN_LUA;
        if (*code) {
            stamp t0;
            begin_work(s, &t0);
            int r = run_lua(s, code, 0, 1);
            if (r == 1) { pend_add(code); s->running = 0; return 0; }
            pend_reset();
            rc = end_work(s, &t0, r);
        }
    } else {
        if (s->store && s->store->complete(s->store->self, p)) {
            rc = work(s, do_sql, p, 0);
        } else if (!s->store) {
            rc = work(s, do_sql, p, 0);
        } else {
            pend.mode = IN_SQL;
            pend_add(p);
        }
    }
    (void)do_lua;
    return shell_quit ? -1 : rc;
}

int shell_flush(session *s)
{
    int rc = 0;
    if (pend.mode == IN_SQL) {
        char *msg = NULL;
        if (asprintf(&msg, "incomplete SQL (missing ';'?): %s", pend.buf) < 0) msg = NULL;
        s->src_line = pend.line;
        session_error(s, msg);
        free(msg);
        s->failed = 1;
        rc = -1;
    } else if (pend.mode == IN_LUA || pend.mode == IN_EXPR) {
        stamp t0;
        begin_work(s, &t0);
        rc = end_work(s, &t0, run_lua(s, pend.buf, pend.mode == IN_EXPR, 0));
    }
    pend_reset();
    return rc;
}

int shell_file(session *s, FILE *f, const char *name)
{
    const char *old_name = s->src_name;
    int old_line = s->src_line;
    s->src_name = name;
    s->src_line = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        s->src_line++;
        if (shell_line(s, line) != 0) { rc = -1; break; }
    }
    if (rc == 0 && shell_flush(s) != 0 && s->bail) rc = -1;
    free(line);
    s->src_name = old_name;
    s->src_line = old_line;
    return rc;
}

/* The command line's commands (-c, or the words after DB) are numbered
 * as the lines of one script: the second -c is "-c:2". */
static int command_lines;

int shell_command(session *s, const char *text)
{
    /* -c text may hold several lines: feed them like a script */
    const char *old = s->src_name;
    s->src_name = "-c";
    s->src_line = command_lines;
    int rc = 0;
    const char *p = text;
    while (rc == 0 && *p) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        s->src_line++;
        rc = shell_line(s, line);
        free(line);
        p += n;
        if (*p) p++;
    }
    if (rc == 0) rc = shell_flush(s);
    command_lines = s->src_line;
    s->src_name = old;
    return rc;
}

/* ---------------------------------------------------------- interactive */

static volatile sig_atomic_t sigint_at_prompt;

static void on_sigint(int sig)
{
    (void)sig;
    session *s = session_current;
    if (s && s->running) {
        luahost_interrupt(s);
        if (s->store) s->store->interrupt(s->store->self);
    } else {
        sigint_at_prompt = 1;
    }
}

/* Readline calls this when read() is interrupted by a signal: Ctrl-C at
 * the prompt drops the line (and any pending multi-line input) and shows a
 * fresh prompt, the way psql does, instead of ending the session. */
static int on_signal_event(void)
{
    if (sigint_at_prompt) {
        sigint_at_prompt = 0;
        pend_reset();
        rl_replace_line("", 0);
        rl_crlf();
        rl_on_new_line();
        rl_set_prompt("cwsh> ");
        rl_redisplay();
    }
    return 0;
}

void shell_signals(void);
void shell_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: readline must see EINTR */
    sigaction(SIGINT, &sa, NULL);
}

int shell_interactive(session *s)
{
    rl_catch_signals = 0;
    rl_signal_event_hook = on_signal_event;
    complete_install(s);
    if (s->history_path) read_history(s->history_path);
    s->src_name = NULL;
    int rc = 0;
    for (;;) {
        const char *prompt = pend.mode == IN_NONE ? "cwsh> " : "  ...> ";
        char *line = readline(prompt);
        if (!line) { fputc('\n', stdout); break; }
        if (*line) {
            add_history(line);
            /* append now: a killed session keeps what was typed */
            if (s->history_path && append_history(1, s->history_path) != 0)
                write_history(s->history_path);
        }
        s->src_line++;
        rc = shell_line(s, line);
        free(line);
        if (shell_quit) break;
        rc = 0;                 /* interactive failures do not end the session */
    }
    if (s->history_path) history_truncate_file(s->history_path, 2000);
    return rc;
}
