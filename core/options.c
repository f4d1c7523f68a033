/*
 * options.c — the command line (options.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "luahost.h"
#include "options.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Non-zero when s starts as libpq's keyword form does: a keyword, blanks
 * allowed, then '=' ("dbname=demo user=cwsh", "host = /tmp").  Such a
 * string has blanks between its pairs and is still one database. */
static int is_keyword_form(const char *s)
{
    const char *p = s;
    while (is_word_char(*p)) p++;
    if (p == s) return 0;
    while (*p == ' ' || *p == '\t') p++;
    return *p == '=';
}

/* "SCHEME:..." (two or more letters, digits, '+', '.', '-' before the
 * ':'): a store's connection string (sqlite:x.db, postgres:cwsh,
 * "postgres:dbname=demo user=cwsh").  With a blank in it, only the
 * keyword form: "x:y z" is a command line. */
static int has_scheme(const char *arg)
{
    const char *p = arg;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
           || (p > arg && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '.' || *p == '-')))
        p++;
    if (*p != ':' || p - arg < 2) return 0;
    return !strpbrk(arg, " \t") || is_keyword_form(p + 1);
}

/* A DB argument is a connection string or names a file: it has '.' or
 * '/', or exists; a word starting with '.' that is not a file is a
 * dot-command. */
static int looks_like_db(const char *arg)
{
    if (has_scheme(arg)) return 1;
    if (arg[0] == '.' && !strchr(arg, '/') && !exists(arg)) return 0;   /* .help */
    return strchr(arg, '.') || strchr(arg, '/') || exists(arg) || !strcmp(arg, ":memory:");
}

/* A word in a message, quoted up to 40 bytes (as luahost_parse_limit
 * quotes a value), so that the message fits OPTS_ERR_SIZE whatever was
 * typed; a cut never splits a UTF-8 character.  It moves back 3 bytes at
 * most, the longest a character's tail can be: over a run of stray
 * continuation bytes it went back to the start and quoted nothing. */
static void quote(const char *w, int *shown, const char **more)
{
    size_t n = strlen(w), cut = 37;
    if (n <= 40) { *shown = (int)n; *more = ""; return; }
    while (cut > 34 && ((unsigned char)w[cut] & 0xC0) == 0x80) cut--;
    *shown = (int)cut;
    *more = "...";
}

static int refuse(struct opts *o, int i, char *err, size_t errlen, const char *what, const char *w)
{
    int shown;
    const char *more;
    quote(w, &shown, &more);
    snprintf(err, errlen, "%s '%.*s%s'", what, shown, w, more);
    o->bad = i;
    return OPTS_USAGE;
}

/* --max-NAME VALUE, VALUE at argv[i]: the option as typed names it in
 * the message ("option '-max-seconds': 3000000000 seconds is too large
 * ..."). */
static int limit(struct opts *o, int i, const char *opt, const char *v, long long *x,
                 char *err, size_t errlen)
{
    const char *name = opt + strspn(opt, "-") + 4;        /* "max-memory" -> "memory" */
    char why[200];
    if (luahost_parse_limit(name, v, x, why, sizeof why) == 0) return OPTS_RUN;
    snprintf(err, errlen, "option '%s'%s%s", opt, why[0] == ':' ? "" : " ", why);
    o->bad = i;
    return OPTS_USAGE;
}

static void defaults(struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->headers = 1;
    o->mode = RENDER_BOX;
    o->max_instructions = 100000000;   /* about 0.5 s of Lua */
    o->max_memory_mb = 1024;
    o->max_seconds = 30;               /* wall clock, per command */
    o->bad = -1;
}

/* One option word at argv[*i] (with its value, when it takes one). */
static int option(struct opts *o, int argc, char **argv, int *i, char *err, size_t errlen)
{
    const char *a = argv[*i];
    const char *w = a[1] == '-' ? a + 1 : a;               /* --x == -x */
    static const char *const valued[] = {
        "-c", "-f", "-init", "-mode", "-db", "-rules", "-plugins", "-history",
        "-max-instructions", "-max-memory", "-max-seconds",
    };
    const char *v = NULL;
    for (size_t k = 0; k < sizeof valued / sizeof *valued; k++) {
        if (strcmp(w, valued[k])) continue;
        if (*i + 1 >= argc) {
            snprintf(err, errlen, "option '%s' needs an argument", a);
            o->bad = *i;
            return OPTS_USAGE;
        }
        v = argv[++*i];
        break;
    }
    if (!strcmp(w, "-c")) o->cmds[o->ncmds++] = v;
    else if (!strcmp(w, "-f")) o->script = v;
    else if (!strcmp(w, "-init")) o->init = v;
    else if (!strcmp(w, "-db")) o->db = v;
    else if (!strcmp(w, "-rules")) o->rules = v;
    else if (!strcmp(w, "-plugins")) o->plugins = v;
    else if (!strcmp(w, "-history")) o->history = v;
    else if (!strcmp(w, "-mode")) {
        if (render_mode_parse(v, &o->mode) != 0) return refuse(o, *i, err, errlen, "unknown mode", v);
    }
    else if (!strcmp(w, "-max-instructions")) return limit(o, *i, a, v, &o->max_instructions, err, errlen);
    else if (!strcmp(w, "-max-memory")) return limit(o, *i, a, v, &o->max_memory_mb, err, errlen);
    else if (!strcmp(w, "-max-seconds")) return limit(o, *i, a, v, &o->max_seconds, err, errlen);
    else if (!strcmp(w, "-batch")) o->batch = 1;
    else if (!strcmp(w, "-bail")) o->bail = 1;
    else if (!strcmp(w, "-echo")) o->echo = 1;
    else if (!strcmp(w, "-header") || !strcmp(w, "-headers")) o->headers = 1;
    else if (!strcmp(w, "-noheader")) o->headers = 0;
    else if (!strcmp(w, "-bom")) o->bom = 1;
    else if (!strcmp(w, "-version")) return OPTS_VERSION;
    else if (!strcmp(w, "-help") || !strcmp(w, "-h")) return OPTS_HELP;
    else if (render_mode_parse(w + 1, &o->mode) == 0) { /* -csv, -json, ... */ }
    else return refuse(o, *i, err, errlen, "unknown option", a);
    return OPTS_RUN;
}

int opts_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen)
{
    defaults(o);
    if (errlen) err[0] = 0;
    int n = argc > 0 ? argc : 1;
    o->cmds = calloc((size_t)n, sizeof *o->cmds);
    const char **pos = calloc((size_t)n, sizeof *pos);
    o->words = pos;
    if (!o->cmds || !pos) { snprintf(err, errlen, "out of memory"); return OPTS_NOMEM; }
    int npos = 0, commands_started = 0, first_is_db = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (commands_started || a[0] != '-' || !strcmp(a, "-")) {
            /* a DB word lets options follow it; the first command word ends them */
            if (npos == 0) first_is_db = looks_like_db(a);
            if (npos > 0 || !first_is_db) commands_started = 1;
            pos[npos++] = a;
            continue;
        }
        int rc = option(o, argc, argv, &i, err, errlen);
        if (rc != OPTS_RUN) return rc;
    }
    /* --db names the database, so every positional word is a command */
    if (!o->db && first_is_db) {
        o->db = pos[0];
        memmove(pos, pos + 1, (size_t)--npos * sizeof *pos);
        o->each = 1;
    }
    o->nwords = npos;
    return OPTS_RUN;
}

void opts_free(struct opts *o)
{
    free(o->cmds);
    free(o->words);
    o->cmds = o->words = NULL;
    o->ncmds = o->nwords = 0;
}
