/*
 * fuzz_options.c — fuzz target for the command line (opts_parse,
 * core/options.c).  The input, split at NUL bytes, is argv after "cwsh"
 * (at most 63 words; a NUL at the end makes an empty last word).
 *
 * Checks against a reference scan written here, word by word: the result
 * (run, --help, --version or a usage error) and, for a usage error, the
 * word at fault and the exact message (its word quoted up to 40 bytes,
 * a UTF-8 character not cut, at least 34 bytes shown); a message always fits the buffer, and a
 * smaller buffer holds its start.  For a run, every field: each string
 * is argv's own pointer of the right word, -c commands in order, the last
 * of a repeated option, limits as luahost_parse_limit reads their text,
 * the DB word and the command words.  Parsing twice gives the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "luahost.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS 64

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_options: invariant broken: %s\n", what); abort(); }
}

/* ------------------------------------------------------- the reference */

static int is_db_word(const char *a)
{
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-";
    size_t k = strchr(alpha, a[0]) && a[0] ? 1 + strspn(a + 1, more) : 0;
    if (k >= 2 && a[k] == ':') {
        /* with a blank in it, only libpq's keyword form: KEY, blanks, '=' */
        if (!strpbrk(a, " \t")) return 1;
        static const char key[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
        size_t w = strspn(a + k + 1, key);
        if (w > 0 && a[k + 1 + w + strspn(a + k + 1 + w, " \t")] == '=') return 1;
    }
    struct stat st;
    int file = stat(a, &st) == 0;
    if (a[0] == '.' && !strchr(a, '/')) return file;
    return strchr(a, '.') || strchr(a, '/') || file || !strcmp(a, ":memory:");
}

static int mode_of(const char *name)
{
    static const char *const modes[] = { "box", "table", "csv", "tsv", "json", "markdown", "line", "list" };
    for (int m = 0; m < 8; m++)
        if (!strcasecmp(name, modes[m])) return m;
    return -1;
}

/* what opts_parse should have made of argv */
struct ref {
    int rc, bad;
    char msg[OPTS_ERR_SIZE];
    int cmds[MAXARGS], ncmds;
    int script, init, history, rules, plugins, dbopt, db;   /* argv indices, 0: none */
    int batch, bail, echo, headers, bom, mode;
    long long lim[3];
    int words[MAXARGS], nwords, each;
};

static void quoted(char *out, size_t size, const char *what, const char *w)
{
    size_t n = strlen(w), cut = n;
    if (n > 40) for (cut = 37; cut > 34 && ((unsigned char)w[cut] & 0xC0) == 0x80; cut--) {}
    snprintf(out, size, "%s '%.*s%s'", what, (int)cut, w, n > 40 ? "..." : "");
}

static void reference(int argc, char **argv, struct ref *r)
{
    static const char *const limits[] = { "instructions", "memory", "seconds" };
    memset(r, 0, sizeof *r);
    r->headers = 1;
    r->lim[0] = 100000000, r->lim[1] = 1024, r->lim[2] = 30;
    r->bad = -1;
    int pos[MAXARGS], np = 0, started = 0, first_db = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (started || a[0] != '-' || !a[1]) {
            if (np == 0) first_db = is_db_word(a);
            started = np > 0 || !first_db;
            pos[np++] = i;
            continue;
        }
        const char *n = a + (a[1] == '-' ? 2 : 1);
        int takes = !strcmp(n, "c") || !strcmp(n, "f") || !strcmp(n, "init") || !strcmp(n, "mode")
                    || !strcmp(n, "db") || !strcmp(n, "rules") || !strcmp(n, "plugins")
                    || !strcmp(n, "history") || !strncmp(n, "max-", 4);
        int lim = -1;
        for (int k = 0; k < 3; k++)
            if (!strncmp(n, "max-", 4) && !strcmp(n + 4, limits[k])) lim = k;
        if (!strncmp(n, "max-", 4) && lim < 0) takes = 0;
        if (takes && i + 1 == argc) {
            r->rc = OPTS_USAGE, r->bad = i;
            snprintf(r->msg, sizeof r->msg, "option '%s' needs an argument", a);
            return;
        }
        int v = takes ? ++i : 0;
        if (!strcmp(n, "c")) r->cmds[r->ncmds++] = v;
        else if (!strcmp(n, "f")) r->script = v;
        else if (!strcmp(n, "init")) r->init = v;
        else if (!strcmp(n, "db")) r->dbopt = v;
        else if (!strcmp(n, "rules")) r->rules = v;
        else if (!strcmp(n, "plugins")) r->plugins = v;
        else if (!strcmp(n, "history")) r->history = v;
        else if (!strcmp(n, "mode")) {
            r->mode = mode_of(argv[v]);
            if (r->mode < 0) { r->rc = OPTS_USAGE, r->bad = v; quoted(r->msg, sizeof r->msg, "unknown mode", argv[v]); return; }
        } else if (lim >= 0) {
            char why[200];
            if (luahost_parse_limit(limits[lim], argv[v], &r->lim[lim], why, sizeof why) != 0) {
                r->rc = OPTS_USAGE, r->bad = v;
                snprintf(r->msg, sizeof r->msg, "option '%s'%s%s", a, why[0] == ':' ? "" : " ", why);
                return;
            }
        }
        else if (!strcmp(n, "batch")) r->batch = 1;
        else if (!strcmp(n, "bail")) r->bail = 1;
        else if (!strcmp(n, "echo")) r->echo = 1;
        else if (!strcmp(n, "header") || !strcmp(n, "headers")) r->headers = 1;
        else if (!strcmp(n, "noheader")) r->headers = 0;
        else if (!strcmp(n, "bom")) r->bom = 1;
        else if (!strcmp(n, "version")) { r->rc = OPTS_VERSION; return; }
        else if (!strcmp(n, "help") || !strcmp(n, "h")) { r->rc = OPTS_HELP; return; }
        else if (mode_of(n) >= 0) r->mode = mode_of(n);
        else { r->rc = OPTS_USAGE, r->bad = i; quoted(r->msg, sizeof r->msg, "unknown option", a); return; }
    }
    r->db = r->dbopt;
    int from = 0;
    if (!r->dbopt && first_db) r->db = pos[0], from = 1, r->each = 1;
    for (int k = from; k < np; k++) r->words[r->nwords++] = pos[k];
}

/* ------------------------------------------------------------ the checks */

static const char *at(char **argv, int i) { return i ? argv[i] : NULL; }

static void compare(int rc, const struct opts *o, const char *err, const struct ref *r, char **argv)
{
    check(rc == r->rc, "the result is the reference's");
    if (rc == OPTS_USAGE) {
        check(o->bad == r->bad, "the word at fault is the reference's");
        check(err[0] && strlen(err) < OPTS_ERR_SIZE, "a usage error has a message that fits");
        check(!strcmp(err, r->msg), "the message is the reference's");
        const char *w = argv[o->bad];
        size_t n = strlen(w) < 30 ? strlen(w) : 30;
        check(memmem(err, strlen(err), w, n) != NULL, "the message names the word at fault");
        return;
    }
    check(o->bad == -1 && !err[0], "no word at fault, no message");
    if (rc != OPTS_RUN) return;
    check(o->ncmds == r->ncmds, "as many -c commands");
    for (int k = 0; k < o->ncmds; k++) check(o->cmds[k] == argv[r->cmds[k]], "each -c command is its argv word");
    check(o->script == at(argv, r->script) && o->init == at(argv, r->init) && o->history == at(argv, r->history)
          && o->rules == at(argv, r->rules) && o->plugins == at(argv, r->plugins), "each value is the last one's word");
    check(o->db == at(argv, r->db), "the DB is --db's word or the DB word");
    check(o->batch == r->batch && o->bail == r->bail && o->echo == r->echo && o->headers == r->headers
          && o->bom == r->bom, "the flags");
    check((int)o->mode == r->mode, "the mode");
    check(o->max_instructions == r->lim[0] && o->max_memory_mb == r->lim[1] && o->max_seconds == r->lim[2],
          "the limits are luahost_parse_limit's");
    check(o->nwords == r->nwords && o->each == r->each, "the command words");
    for (int k = 0; k < o->nwords; k++) check(o->words[k] == argv[r->words[k]], "each command word is its argv word");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[MAXARGS + 1] = { "cwsh" };
    int argc = 1;
    for (char *p = buf; argc < MAXARGS && p <= buf + size; p += strlen(p) + 1) argv[argc++] = p;
    argv[argc] = NULL;

    struct opts o, again;
    char err[OPTS_ERR_SIZE], err2[OPTS_ERR_SIZE], small[16];
    int rc = opts_parse(argc, argv, &o, err, sizeof err);
    struct ref r;
    reference(argc, argv, &r);
    compare(rc, &o, err, &r, argv);

    int rc2 = opts_parse(argc, argv, &again, err2, sizeof err2);
    check(rc2 == rc && !strcmp(err, err2), "parsing twice: the same result and message");
    compare(rc2, &again, err2, &r, argv);
    opts_free(&again);

    size_t cut = 1 + size % sizeof small;
    rc2 = opts_parse(argc, argv, &again, small, cut);
    check(rc2 == rc && strlen(small) < cut && !strncmp(small, err, strlen(small))
          && strlen(small) == (strlen(err) < cut - 1 ? strlen(err) : cut - 1),
          "a smaller buffer holds the message's start");
    opts_free(&again);
    opts_free(&o);
    free(buf);
    return 0;
}
