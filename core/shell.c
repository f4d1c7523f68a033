/*
 * shell.c — input splitting and dispatch, the readline loop, Ctrl-C.
 */
#include <errno.h>
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
#include "split.h"
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

/* Returns -1 (the pending text kept as it was) when out of memory. */
static int pend_add(const char *text)
{
    size_t n = strlen(text);
    if (pend.len + n + 2 > pend.cap) {
        size_t cap = (pend.len + n + 2) * 2;
        char *b = realloc(pend.buf, cap);
        if (!b) return -1;
        pend.buf = b;
        pend.cap = cap;
    }
    if (pend.len) pend.buf[pend.len++] = '\n';
    memcpy(pend.buf + pend.len, text, n + 1);
    pend.len += n;
    return 0;
}

static void pend_reset(void)
{
    pend.mode = IN_NONE;
    pend.len = 0;
    if (pend.buf) pend.buf[0] = 0;
}

/* Add a line to the pending input.  Out of memory drops the statement
 * being continued, with a message: -1 under -bail, else 0. */
static int pend_more(session *s, const char *text)
{
    if (pend_add(text) == 0) return 0;
    session_error(s, "out of memory: the statement being continued is dropped");
    s->failed = 1;
    pend_reset();
    return s->bail ? -1 : 0;
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

/* Ctrl-C.  At the interactive prompt it drops the line (sigint_at_prompt,
 * handled by readline's event hook); during a command it stops that
 * command (luahost_interrupt, the store's interrupt).  A script -- stdin
 * that is not a terminal, -f, -c, -init, .read -- stops at Ctrl-C as
 * sqlite3's does: sigint_seen stays set until the interactive loop takes
 * the next line, so every script level ends, with exit code 1. */
static volatile sig_atomic_t sigint_seen;
static int sigint_told;             /* the stop's message is out */
static int work_depth;              /* nested work: .read runs lines */

/* When a script must stop for Ctrl-C: say so once, and fail. */
static int script_interrupted(session *s)
{
    if (!sigint_seen || !s->src_name) return 0;
    if (!sigint_told) { session_error(s, "interrupted"); sigint_told = 1; }
    s->failed = 1;
    pend_reset();
    return 1;
}

/* Bracket every unit of work: Ctrl-C state, timer, .once, failure. */
static void sigint_handler(int restart);

static int begin_work(session *s, stamp *t0)
{
    s->interrupted = 0;
    clearerr(s->out);           /* an earlier failed write must not stop this output */
    if (work_depth++ == 0) sigint_handler(1);
    s->running = 1;
    *t0 = now();
    return 0;
}

/* Undo begin_work for input that turned out to be incomplete. */
static void abandon_work(session *s)
{
    if (--work_depth == 0) { s->running = 0; sigint_handler(0); }
}

static int end_work(session *s, stamp *t0, int rc)
{
    if (--work_depth == 0) { s->running = 0; sigint_handler(0); }
    progress_clear();
    if (s->timer) {
        stamp t1 = now();
        fprintf(s->out, "Run Time: real %.3f user %.6f sys %.6f\n", t1.real - t0->real,
                t1.user - t0->user, t1.sys - t0->sys);
    }
    if (session_after_command(s) != 0) rc = -1;     /* a write failed: said */
    s->interrupted = 0;
    if (rc != 0) {
        s->failed = 1;
        if (sigint_seen) sigint_told = 1;      /* its error was the message */
    }
    if (script_interrupted(s)) return -1;
    if (rc != 0 && s->bail) return -1;
    return 0;
}

/* ------------------------------------------------------------------ SQL */

/* Run SQL text whose first line is line `line` of the input, one
 * statement at a time, so that an error names the line its statement
 * starts on.  A statement ends at the first ';' that completes it (the
 * store knows triggers and quotes). */
static int sql_complete(void *store, const char *sql)
{
    const cwsh_store *st = store;
    return st->complete(st->self, sql);
}

static int run_sql(session *s, const char *sql, int line)
{
    if (!s->store) {
        session_error(s, "no store is open (the sqlite plugin is missing or failed to start), so SQL cannot run");
        return -1;
    }
    char *text = strdup(sql);
    if (!text) { session_error(s, "out of memory"); return -1; }
    int here = s->src_line, rc = 0;
    char *p = text;
    while (rc == 0) {
        char *e;
        char *q = split_sql_next(p, &e, sql_complete, s->store);
        if (!q) break;
        line += split_newlines(p, q);
        char keep = *e;
        *e = 0;
        char *err = NULL;
        s->src_line = line;
        const char *title = s->title;
        s->title = q;                   /* each statement titles its result set */
        int failed = s->store->exec(s->store->self, q, s->host.output(&s->host), &err) != 0;
        s->title = title;
        /* Ctrl-C while the rows printed: the query was done, the output
         * stopped; said as for a query stopped */
        if (!failed && s->interrupted) failed = 1;
        if (failed) {
            /* the store's own "interrupted; ..." says more (a transaction lost) */
            if (s->interrupted && !(err && !strncmp(err, "interrupted", 11))) {
                free(err);
                err = strdup("interrupted");
            }
            session_error(s, err ? err : "SQL failed");
            rc = -1;
        }
        free(err);
        s->src_line = here;
        *e = keep;
        line += split_newlines(q, e);
        p = e;
    }
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ Lua */

/* Print the values a call returned (the function's arguments).  Upvalue
 * 1 true (`= expr`, `lua`): every value, nil included, tab-separated on
 * one line, as lua.c prints them; else (a command's results) each value
 * but nil on its own line.  Result sets render as tables either way. */
static int show_values(lua_State *L)
{
    session *s = session_current;
    int all = lua_toboolean(L, lua_upvalueindex(1));
    int top = lua_gettop(L), on_line = 0, nl = 0;
    for (int i = 1; i <= top; i++) {
        int rs = 0;
        if (lua_type(L, i) == LUA_TTABLE) {
            rs = lua_getfield(L, i, "columns") == LUA_TTABLE;
            lua_pop(L, 1);
        }
        if (rs) {
            if (on_line && !nl) fputc('\n', s->out);
            on_line = 0;
            if (cwshlib_render(s, i) != 0) return lua_error(L);
        } else if (all) {
            size_t n;
            const char *p = luaL_tolstring(L, i, &n);
            if (on_line++) fputc('\t', s->out);
            fwrite(p, 1, n, s->out);
            nl = n > 0 && p[n - 1] == '\n';
            lua_pop(L, 1);
        } else if (!lua_isnil(L, i)) {
            cwshlib_show(s, i);
        }
    }
    if (on_line && !nl) fputc('\n', s->out);
    return 0;
}

/* Show every value a call left above `base`, in protected mode (a
 * __tostring may fail); -1 when showing failed. */
static int show_results(session *s, int base, int all)
{
    lua_State *L = s->L;
    int rc = 0;
    if (lua_gettop(L) > base) {
        lua_pushboolean(L, all);
        lua_pushcclosure(L, show_values, 1);
        lua_insert(L, base + 1);
        if (luahost_call(s, lua_gettop(L) - base - 1, 0) != LUA_OK) {
            session_error(s, lua_tostring(L, -1));
            rc = -1;
        }
    }
    lua_settop(L, base);
    return rc;
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
    return show_results(s, base, 1);
}

/* ------------------------------------------------------------- commands */

/* A command's failure, for people: a stop (Ctrl-C, a limit) caught in the
 * core's own Lua or in SQL would name an internal file and line
 * ("/usr/share/cwsh/lua/engine.lua:119: interrupted") or the engine's
 * whole query ("interrupted (in: SELECT ...)"): it names the user's
 * command instead ("score interrupted", "score: time limit exceeded
 * (30 s)"); session_error adds the script's line.  Dot-commands and
 * messages that already name the command keep theirs. */
static void command_error(session *s, const char *name, const char *msg)
{
    char buf[600];
    size_t nl = strlen(name);
    size_t dl = s->lua_dir ? strlen(s->lua_dir) : 0;
    int own = msg && dl && !strncmp(msg, s->lua_dir, dl) && msg[dl] == '/';   /* cwsh's own Lua */
    if (!msg || (name[0] == '.' && !own) || (!strncmp(msg, name, nl) && msg[nl] == ' ')) {
        session_error(s, msg);
        return;
    }
    if (s->interrupted) {
        snprintf(buf, sizeof buf, "%s interrupted", name);
        session_error(s, buf);
        return;
    }
    const char *at = own ? strstr(msg, ".lua:") : NULL;
    const char *rest = at ? strchr(at + 5, ':') : NULL;
    if (rest && rest[1] == ' ') {
        snprintf(buf, sizeof buf, "%s: %s", name, rest + 2);
        session_error(s, buf);
        return;
    }
    session_error(s, msg);
}

typedef struct words_call {
    int n;
    char **w;
    const char *rest;
    int found;
} words_call;

/* Lua stack: (words_call *) -> the command's table, its run function and
 * its arguments, or nothing when there is no such command.  Called
 * protected: a lazily loaded command's stub compiles its module at the
 * first lookup, and any of these pushes may run out of memory. */
static int push_call(lua_State *L)
{
    words_call *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    if (!cwshlib_push_command(L, a->w[0])) return 0;
    a->found = 1;
    lua_getfield(L, 1, "c");
    int is_c = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 1, "run");
    if (is_c) {
        luaL_checkstack(L, a->n, "too many words");
        for (int i = 1; i < a->n; i++) lua_pushstring(L, a->w[i]);
    } else {
        lua_createtable(L, a->n - 1, 1);
        for (int i = 1; i < a->n; i++) {
            lua_pushstring(L, a->w[i]);
            lua_rawseti(L, -2, i);
        }
        lua_pushstring(L, a->rest);
        lua_setfield(L, -2, "line");
    }
    return lua_gettop(L);
}

int shell_run_words(session *s, int n, char **w, const char *rest)
{
    lua_State *L = s->L;
    int base = lua_gettop(L);
    words_call a = { n, w, rest, 0 };
    lua_pushcfunction(L, push_call);
    lua_pushlightuserdata(L, &a);
    if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK) {
        command_error(s, w[0], lua_tostring(L, -1));
        lua_settop(L, base);
        return -1;
    }
    if (!a.found) {
        lua_settop(L, base);
        char msg[300];
        snprintf(msg, sizeof msg, "unknown command '%s' (type .help for the list)", w[0]);
        session_error(s, msg);
        return -1;
    }
    int cmd = base + 1;
    int nargs = lua_gettop(L) - cmd - 1;
    int st = luahost_call(s, nargs, LUA_MULTRET);
    if (st != LUA_OK) {
        command_error(s, w[0], lua_tostring(L, -1));
        lua_settop(L, base);
        return -1;
    }
    int rc = show_results(s, cmd, 0);
    lua_settop(L, base);
    return rc;
}

static int run_command_line(session *s, const char *line)
{
    int n;
    const char *werr;
    char **w = words_split(line, &n, &werr);
    if (!w) { session_error(s, werr); return -1; }
    int rc = n ? shell_run_words(s, n, w, split_rest(line)) : 0;
    free(w);
    return rc;
}

static int is_command(void *ctx, const char *word, size_t n)
{
    session *s = ctx;
    char name[64];
    if (n == 0 || n >= sizeof name) return 0;
    memcpy(name, word, n);
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
    const char *title = s->title;
    s->title = text;
    int rc = fn(s, text, arg);
    s->title = title;
    return end_work(s, &t0, rc < 0 ? -1 : 0);
}

static int do_sql(session *s, const char *t, int line) { return run_sql(s, t, line); }
static int do_cmd(session *s, const char *t, int a) { (void)a; return run_command_line(s, t); }

int shell_line(session *s, const char *line)
{
    if (shell_quit || script_interrupted(s)) return -1;
    if (s->echo) fprintf(s->out, "%s\n", line);
    int rc = 0;
    if (pend.mode == IN_SQL) {
        int dropped_rc = pend_more(s, line);
        if (pend.mode == IN_NONE) return dropped_rc;        /* out of memory */
        if (s->store && s->store->complete(s->store->self, pend.buf)) {
            rc = work(s, do_sql, pend.buf, pend.line);
            pend_reset();
        }
        return shell_quit ? -1 : rc;
    }
    if (pend.mode == IN_LUA || pend.mode == IN_EXPR) {
        int dropped_rc = pend_more(s, line);
        if (pend.mode == IN_NONE) return dropped_rc;        /* out of memory */
        int expr = pend.mode == IN_EXPR;
        stamp t0;
        begin_work(s, &t0);
        int here = s->src_line;
        s->src_line = pend.line;        /* errors name the block's first line */
        int r = run_lua(s, pend.buf, expr, 1);
        s->src_line = here;
        if (r == 1) { abandon_work(s); return 0; }
        pend_reset();
        rc = end_work(s, &t0, r);
        return shell_quit ? -1 : rc;
    }
    const char *p;
    int kind = split_line(line, &p, is_command, s);
    if (kind == SPLIT_BLANK) return 0;
    pend.line = s->src_line;        /* errors name a statement's first line */
    if (kind == SPLIT_COMMAND) {
        rc = work(s, do_cmd, p, 0);
    } else if (kind == SPLIT_EXPR) {
        stamp t0;
        begin_work(s, &t0);
        int r = run_lua(s, p, 1, 1);
        if (r == 1) { pend.mode = IN_EXPR; abandon_work(s); return pend_more(s, p); }
        rc = end_work(s, &t0, r);
    } else if (kind == SPLIT_LUA) {
        const char *code = p;
        pend.mode = IN_LUA;
        if (*code) {
            stamp t0;
            begin_work(s, &t0);
            int r = run_lua(s, code, 0, 1);
            if (r == 1) { abandon_work(s); return pend_more(s, code); }
            pend_reset();
            rc = end_work(s, &t0, r);
        }
    } else {
        if (!s->store || s->store->complete(s->store->self, p)) {
            rc = work(s, do_sql, p, s->src_line);
        } else {
            pend.mode = IN_SQL;
            rc = pend_more(s, p);
        }
    }
    return shell_quit ? -1 : rc;
}

int shell_flush(session *s)
{
    int rc = 0, here = s->src_line;
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
        s->src_line = pend.line;
        int r = run_lua(s, pend.buf, pend.mode == IN_EXPR, 0);
        s->src_line = here;
        rc = end_work(s, &t0, r);
    }
    s->src_line = here;
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
    /* Ctrl-C while waiting for input ends getline with EINTR */
    if (rc == 0 && script_interrupted(s)) rc = -1;
    if (rc == 0 && shell_flush(s) != 0 && s->bail) rc = -1;
    free(line);
    s->src_name = old_name;
    s->src_line = old_line;
    return rc;
}

/* The command line's commands (-c, or the words after DB) are numbered
 * as the lines of one script: the second -c is "-c:2". */
static int command_lines;
const char shell_args[] = "cwsh";

static int run_command(session *s, const char *text, const char *name)
{
    /* -c text may hold several lines: feed them like a script */
    const char *old = s->src_name;
    s->src_name = name;
    s->src_line = command_lines;
    int rc = 0;
    const char *p = text;
    while (rc == 0 && *p) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        s->src_line++;
        if (!line) { session_error(s, "out of memory"); s->failed = 1; rc = -1; break; }
        rc = shell_line(s, line);
        free(line);
        p += n;
        if (*p) p++;
    }
    /* SQL without its final ';' runs, as `sqlite3 DB "SELECT 1"` and
     * `psql -c` do: the command line ends the statement */
    if (rc == 0 && pend.mode == IN_SQL) {
        rc = work(s, do_sql, pend.buf, pend.line);
        pend_reset();
    }
    if (rc == 0) rc = shell_flush(s);
    command_lines = s->src_line;
    s->src_name = old;
    return rc;
}

int shell_command(session *s, const char *text) { return run_command(s, text, "-c"); }
int shell_args_command(session *s, const char *text) { return run_command(s, text, shell_args); }

int shell_interrupted(void) { return sigint_seen; }

const char *shell_pending(void)
{
    if (pend.mode == IN_SQL) return "sql";
    if (pend.mode == IN_LUA || pend.mode == IN_EXPR) return "lua";
    return NULL;
}

/* ---------------------------------------------------------- interactive */

static volatile sig_atomic_t sigint_at_prompt;

static void on_sigint(int sig)
{
    (void)sig;
    session *s = session_current;
    if (!s) return;
    if (s->running) {
        sigint_seen = 1;
        luahost_interrupt(s);
        if (s->store) s->store->interrupt(s->store->self);
    } else if (s->interactive) {
        sigint_at_prompt = 1;
    } else {
        sigint_seen = 1;            /* between a script's lines */
    }
}

/* Ctrl-C at the prompt drops the line being typed (and any multi-line
 * input pending) and gives a fresh prompt, as psql does, instead of
 * ending the session.  Readline is left as a key leaves it, not changed
 * from inside a signal: the read below returns; in a history search a ^G
 * ends the search first (its match must not become the line, to run at
 * the next Enter); then a newline accepts the line, which the loop
 * drops.  revert-all-at-newline (shell_interactive) undoes what was
 * typed into a line recalled from history, and the history position goes
 * back to the end, as after any line. */
static int line_dropped;            /* the line readline returns is not run */
static int accept_next;             /* the search is ended: the newline next */

static int shell_getc(FILE *in)
{
    for (;;) {
        if (sigint_at_prompt) {
            sigint_at_prompt = 0;
            line_dropped = accept_next = 1;
            if (RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH)) return CTRL('G');
        }
        if (accept_next) { accept_next = 0; return '\n'; }
        unsigned char c;
        ssize_t n = read(fileno(in), &c, 1);
        if (n == 1) return c;
        if (n < 0 && errno == EINTR) { rl_check_signals(); continue; }
        return EOF;
    }
}

/* SIGINT's handler.  `restart`: interrupted system calls are restarted,
 * which is what a running command needs (a write to the terminal
 * interrupted by Ctrl-C would fail with EINTR, lose its row and leave the
 * stream's error flag set: begin_work); between commands they are not, so
 * that the read of the next line (readline's, a script's) returns and
 * Ctrl-C takes effect at once. */
static void sigint_handler(int restart)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGINT, &sa, NULL);
}

void shell_signals(void);
void shell_signals(void) { sigint_handler(0); }

int shell_interactive(session *s)
{
    rl_catch_signals = 0;
    rl_getc_function = shell_getc;
    rl_variable_bind("revert-all-at-newline", "on");
    complete_install(s);
    /* A statement over several lines is one history entry, as in sqlite3
     * and psql: lines are collected until the statement is complete.  In
     * the file, entries are separated by timestamp lines (#1700000000), so
     * that one with line breaks reads back whole. */
    history_comment_char = '#';
    history_write_timestamps = 1;
    history_multiline_entries = 1;
    if (s->history_path) read_history(s->history_path);
    s->src_name = NULL;
    int rc = 0;
    char *entry = NULL;          /* the lines of a statement still open */
    for (;;) {
        const char *prompt = pend.mode == IN_NONE ? "cwsh> " : "  ...> ";
        char *line = readline(prompt);
        if (line && line_dropped) {         /* Ctrl-C: nothing runs, nothing is kept */
            line_dropped = 0;
            pend_reset();
            free(entry);
            entry = NULL;
            free(line);
            continue;
        }
        if (!line) {
            fputc('\n', stdout);
            /* Ctrl-D inside a statement: say what was dropped (sqlite3
             * says "incomplete input"), and a Lua block still open runs,
             * as at the end of a script */
            if (pend.mode != IN_NONE) shell_flush(s);
            break;
        }
        s->src_line++;
        rc = shell_line(s, line);
        if (*line || entry) {
            char *joined = NULL;
            if (entry && asprintf(&joined, "%s\n%s", entry, line) < 0) joined = NULL;
            free(entry);
            entry = joined ? joined : strdup(line);
        }
        if (entry && pend.mode == IN_NONE) {
            add_history(entry);
            /* append now: a killed session keeps what was typed */
            if (s->history_path && append_history(1, s->history_path) != 0)
                write_history(s->history_path);
            free(entry);
            entry = NULL;
        }
        free(line);
        sigint_seen = 0;        /* back at the prompt: a Ctrl-C is spent */
        sigint_told = 0;
        if (shell_quit) break;
        rc = 0;                 /* interactive failures do not end the session */
    }
    free(entry);
    if (s->history_path) history_truncate_file(s->history_path, 2000);
    return rc;
}
