/*
 * main.c — start-up, batch versus interactive (the options: options.c).
 *
 *   cwsh [OPTIONS] [DB] [COMMAND...]
 *
 * Start-up order is fixed so that every piece finds what it needs: the
 * Lua state, then the host, built-in dot-commands, plugins (the store
 * registers `db`), the store opening DB (fatal when it cannot), core Lua
 * (init.lua, trusted: command framework, rules, domain commands), the
 * init file, then the work.
 */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lauxlib.h>
#include "cwshlib.h"
#include "dot.h"
#include "host.h"
#include "luahost.h"
#include "options.h"
#include "plugin.h"
#include "document.h"
#include "shell.h"

void shell_signals(void);

static const char usage_text[] =
"usage: cwsh [OPTIONS] [DB] [COMMAND...]\n"
"\n"
"The campaign office's supervision shell: import inspection sheets, score\n"
"and rank markets with Lua rules, query the data with SQL.\n"
"DB is a SQLite file, created on first use, or a connection string:\n"
"sqlite:PATH, or a PostgreSQL server's postgresql://USER@HOST/NAME or\n"
"postgres:NAME (also --db DB).  Without DB: $CWSH_DB if set\n"
"and not empty, else $XDG_DATA_HOME/cwsh/cwsh.db if XDG_DATA_HOME is set and\n"
"not empty, else ~/.local/share/cwsh/cwsh.db (for these two the directories\n"
"are created).\n"
"When the first argument is not a file name (no '.' or '/'), all arguments\n"
"form one command:  cwsh test  runs the rule tests;  cwsh score 2027-01\n"
"\n"
"  -c CMD               run CMD (repeatable), then exit\n"
"  -f FILE              run the commands in FILE, then exit\n"
"  -batch               read stdin as a script even on a terminal\n"
"  -bail                stop at the first error (exit code 1)\n"
"  -echo                print each command before running it\n"
"  -init FILE           run FILE first (default $CWSH_INIT, else ~/.cwshrc)\n"
"  -header, -noheader   column names on or off\n"
"  --bom                csv and tsv output starts with a UTF-8 BOM (for Excel)\n"
"  --mode MODE          box table csv tsv json markdown line list\n"
"                       (also -box, -csv, -json, ...)\n"
"  --db DB              the database (a path or connection string)\n"
"  --rules DIR          rules directory\n"
"  --plugins DIR        plugin directory\n"
"  --history FILE       history file (default $CWSH_HISTORY, else ~/.cwsh_history)\n"
"  --max-instructions N Lua instruction budget per command (default 100000000;\n"
"                       0 = none)\n"
"  --max-seconds N      wall-clock limit per command (default 30; 0 = none)\n"
"  --max-memory MB      cap on the Lua state's memory (default 1024; 0 = none)\n"
"  --version, --help\n"
"\n"
"Environment: CWSH_DB and XDG_DATA_HOME (the default database, above), HOME\n"
"(~), CWSH_INIT (init file instead of ~/.cwshrc; empty: none), CWSH_HISTORY\n"
"(history file instead of ~/.cwsh_history; empty: none), CWSH_TRACEBACK (if\n"
"set, Lua errors come with a traceback), TMPDIR (where the xlsx writer puts\n"
"its work file; default /tmp).\n"
"\n"
"Exit codes: 0 success, 1 a command failed or the database cannot be\n"
"opened, 2 usage error.\n";

/* Start-up allocations (paths, option copies): nothing is open yet, so
 * running out of memory there ends cwsh with a message and exit code 1. */
static void *need(void *p)
{
    if (!p) {
        fputs("cwsh: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s) { return need(strdup(s)); }

static char *join(const char *a, const char *b)
{
    char *p;
    if (asprintf(&p, "%s/%s", a, b) < 0) need(NULL);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Absolute, resolved path if it exists, else a copy. */
static char *real(const char *path)
{
    char buf[PATH_MAX];
    return xstrdup(realpath(path, buf) ? buf : path);
}

static void mkdirs(const char *path)
{
    char *p = xstrdup(path);
    for (char *q = p + 1; *q; q++)
        if (*q == '/') { *q = 0; mkdir(p, 0755); *q = '/'; }
    free(p);
}

/* Where the binary's companions live: next to it in the build tree
 * (build/cwsh, build/plugins, core/lua, rules), or in the installed
 * layout (bin/, lib/cwsh/plugins, share/cwsh/{lua,rules}). */
static void find_paths(session *s)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) { strcpy(exe, "."); n = 1; }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    s->exe_dir = xstrdup(exe);
    char *tree = join(exe, "../core/lua/init.lua");
    if (exists(tree)) {
        char *d = join(exe, "../core/lua");
        s->lua_dir = real(d);
        free(d);
        if (!s->rules_dir) { d = join(exe, "../rules"); s->rules_dir = real(d); free(d); }
        if (!s->plugins_dir) s->plugins_dir = join(exe, "plugins");
    } else {
        char *d = join(exe, "../share/cwsh/lua");
        s->lua_dir = real(d);
        free(d);
        if (!s->rules_dir) { d = join(exe, "../share/cwsh/rules"); s->rules_dir = real(d); free(d); }
        if (!s->plugins_dir) { d = join(exe, "../lib/cwsh/plugins"); s->plugins_dir = real(d); free(d); }
    }
    free(tree);
}

static char *default_db(void)
{
    const char *e = getenv("CWSH_DB");
    if (e && *e) return xstrdup(e);
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char *dir = xdg && *xdg ? join(xdg, "cwsh") : join(home ? home : ".", ".local/share/cwsh");
    char *db = join(dir, "cwsh.db");
    mkdirs(db);
    free(dir);
    return db;
}

static char *home_file(const char *env, const char *name)
{
    const char *e = getenv(env);
    if (e) return *e ? xstrdup(e) : NULL;
    const char *home = getenv("HOME");
    return home ? join(home, name) : NULL;
}

/* Quote a word for the command line so words_split gives it back. */
static void append_word(char **line, size_t *len, const char *w)
{
    int plain = *w && strcspn(w, " \t'\"\\") == strlen(w);
    size_t size = *len + strlen(w) * 2 + 4;
    *line = need(realloc(*line, size));
    char *p = *line + *len;
    if (*len) *p++ = ' ';
    if (plain) {
        p = stpcpy(p, w);
    } else {
        *p++ = '"';
        for (const char *q = w; *q; q++) {
            if (*q == '"' || *q == '\\') *p++ = '\\';
            *p++ = *q;
        }
        *p++ = '"';
        *p = 0;
    }
    *len = (size_t)(p - *line);
}

int main(int argc, char **argv)
{
    static session S;
    session *s = &S;
    session_current = s;
    /* Past RLIMIT_FSIZE (`ulimit -f`) a write would kill cwsh with
     * SIGXFSZ and no word; ignored, the write fails with EFBIG and the
     * command reports it like a full disk. */
    signal(SIGXFSZ, SIG_IGN);
    s->out = stdout;
    s->render.nullvalue = "";
    s->render.cancel = &s->interrupted;      /* Ctrl-C stops the rows printing */
    struct opts o;
    char why[OPTS_ERR_SIZE];
    switch (opts_parse(argc, argv, &o, why, sizeof why)) {
    case OPTS_RUN: break;
    case OPTS_HELP: fputs(usage_text, stdout); opts_free(&o); return 0;
    case OPTS_VERSION: printf("cwsh %s\n", CWSH_VERSION); opts_free(&o); return 0;
    case OPTS_USAGE: fprintf(stderr, "cwsh: %s\nTry 'cwsh --help'.\n", why); opts_free(&o); return 2;
    default: fprintf(stderr, "cwsh: %s\n", why); opts_free(&o); return 1;   /* out of memory */
    }
    s->batch = o.batch;
    s->bail = o.bail;
    s->echo = o.echo;
    s->render.headers = o.headers;
    s->render.mode = o.mode;
    if (o.bom) s->csv_bom = s->bom_option = s->render.excel = 1;   /* csv for Excel */
    s->max_instructions = o.max_instructions;
    s->max_memory = (size_t)o.max_memory_mb << 20;
    s->max_seconds = o.max_seconds;
    if (o.rules) s->rules_dir = real(o.rules);
    if (o.plugins) s->plugins_dir = xstrdup(o.plugins);
    /* `cwsh test` runs the rule tests in memory: without a named
     * database it must not make the default one (or reach $CWSH_DB's
     * server) only to leave it empty */
    if (!o.db && o.nwords > 0 && !strcmp(o.words[0], "test")) s->db_path = xstrdup(":memory:");
    else s->db_path = o.db ? xstrdup(o.db) : default_db();
    find_paths(s);
    s->history_path = o.history ? xstrdup(o.history) : home_file("CWSH_HISTORY", ".cwsh_history");
    s->interactive = !s->batch && !o.script && o.ncmds == 0 && o.nwords == 0 && isatty(0);

    char *err = NULL;
    if (luahost_open(s, &err) != 0) { fprintf(stderr, "cwsh: %s\n", err); return 1; }
    host_init(s);
    dot_register(s);
    document_open(s);
    shell_signals();
    plugin_load_dir(s, s->plugins_dir);
    int rc = 0;
    /* a database that cannot be opened ends cwsh: it is not a plugin
     * that failed, and a shell without its data would only mislead */
    if (host_open_store(s, &err) != 0) {
        fprintf(stderr, "cwsh: %s\n", err);
        free(err);
        s->failed = 1;
        goto out;
    }
    char *init_lua = join(s->lua_dir, "init.lua");
    if (luahost_dofile(s, init_lua) != 0) s->failed = 1;
    free(init_lua);
    /* -bail: a start-up that failed (out of memory listing the commands,
     * say) runs no command, or an import would commit under a session
     * that then exits 1 */
    if (s->failed && s->bail) goto out;

    char *rc_file = o.init ? xstrdup(o.init) : home_file("CWSH_INIT", ".cwshrc");
    if (rc_file && (o.init || exists(rc_file))) {
        FILE *f = fopen(rc_file, "r");
        if (!f) { fprintf(stderr, "cwsh: cannot open '%s': %s\n", rc_file, strerror(errno)); rc = -1; }
        else { rc = shell_file(s, f, rc_file); fclose(f); }
    }
    free(rc_file);

    if (rc == 0 && (o.ncmds || o.script || o.nwords)) {
        for (int i = 0; rc == 0 && i < o.ncmds && !shell_quit; i++) rc = shell_command(s, o.cmds[i]);
        if (rc == 0 && !shell_quit && o.nwords) {
            if (o.each) {                     /* sqlite3 style: each argument a command */
                for (int i = 0; rc == 0 && i < o.nwords && !shell_quit; i++)
                    rc = shell_args_command(s, o.words[i]);
            } else {                           /* `cwsh score 2027-01`: one command */
                char *line = NULL;
                size_t len = 0;
                /* the command's name goes as it is: `cwsh "score 2027-03"`
                 * is a whole command line in one word */
                for (int i = 0; i < o.nwords; i++) {
                    if (i == 0) { line = xstrdup(o.words[0]); len = strlen(line); }
                    else append_word(&line, &len, o.words[i]);
                }
                rc = shell_args_command(s, line);
                free(line);
            }
        }
        if (rc == 0 && o.script && !shell_quit) {
            FILE *f = fopen(o.script, "r");
            if (!f) { fprintf(stderr, "cwsh: cannot open '%s': %s\n", o.script, strerror(errno)); s->failed = 1; }
            else { rc = shell_file(s, f, o.script); fclose(f); }
        }
    } else if (rc == 0 && s->interactive) {
        lua_getglobal(s->L, "cwsh");
        if (lua_getfield(s->L, -1, "banner") == LUA_TFUNCTION && luahost_call(s, 0, 1) == LUA_OK)
            printf("%s\n", lua_tostring(s->L, -1));
        else
            printf("cwsh %s, type .help\n", CWSH_VERSION);
        lua_settop(s->L, 0);
        rc = shell_interactive(s);
    } else if (rc == 0) {
        rc = shell_file(s, stdin, "<stdin>");
    }

out:
    document_end(s);
    if (session_end_output(s) != 0) s->failed = 1;
    plugin_fini_all(s);
    luahost_close(s);
    plugin_unload_all(s);
    opts_free(&o);
    free(s->exe_dir); free(s->lua_dir); free(s->rules_dir); free(s->plugins_dir);
    free(s->db_path); free(s->history_path);
    /* .quit stops the input with rc -1; it is not a failure */
    return (s->failed || (rc != 0 && !shell_quit)) ? 1 : 0;
}
