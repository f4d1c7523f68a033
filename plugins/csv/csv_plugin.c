/*
 * csv_plugin.c — the csv plugin's entry: registers the csv source (what
 * the core's `import` runs for inspection sheets, through a mapping) and
 * `.import FILE TABLE` (any CSV into a table, the sqlite3 way), and parses
 * their options.
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "cwsh.h"
#include "csv_import.h"
#include "csv_lua.h"
#include "csv_report.h"
#include "csv_table.h"

static cwsh_host *host;

#define IMPORT_OPTIONS "[--mapping NAME] [--encoding E] [--delimiter D] " \
                       "[--skip-bad] [--replace] [--add-markets]"
#define IMPORT_USAGE "import FILE " IMPORT_OPTIONS
#define TABLE_USAGE ".import FILE TABLE [--encoding E] [--delimiter D] [--skip N] [--skip-bad]"

/* ',', ';', '|', tab: as the character, or by name */
static int delimiter(const char *s)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0) return '\t';
    if (strcmp(s, "comma") == 0) return ',';
    if (strcmp(s, "semicolon") == 0) return ';';
    if (strcmp(s, "pipe") == 0) return '|';
    if (strlen(s) == 1 && strchr(",;|", s[0])) return s[0];
    return 0;
}

/* Raise `msg` (malloc'd) as the command's failure; frees it first. */
static int fail(lua_State *L, char *msg)
{
    lua_pushstring(L, msg ? msg : "import failed");
    free(msg);
    return lua_error(L);
}

/* The value of option argv[*i], which then points at it; NULL with *err
 * when the words end first. */
static const char *value(int argc, const char *const *argv, int *i, const char *usage, char **err)
{
    if (*i + 1 >= argc) {
        *err = crep_msgf("%s needs a value (usage: %s)", argv[*i], usage);
        return NULL;
    }
    return argv[++*i];
}

/* --encoding E and --delimiter D, which import and .import share: 1 when
 * argv[*i] was one (and its value is taken), 0 when it is not, -1 with
 * *err when its value is missing or wrong. */
static int read_opt(int argc, const char *const *argv, int *i, csvr_opts *ro, const char *usage,
                    char **err)
{
    const char *a = argv[*i], *v;
    if (strcmp(a, "--encoding") != 0 && strcmp(a, "--delimiter") != 0) return 0;
    if (!(v = value(argc, argv, i, usage, err))) return -1;
    if (a[2] == 'e') ro->encoding = v;
    else if (!(ro->delim = delimiter(v))) {
        *err = crep_msgf("--delimiter must be one of , ; | tab, not \"%s\"", v);
        return -1;
    }
    return 1;
}

/* The csv source's import (cwsh_source): FILE and its options. */
static int csv_source_import(cwsh_host *h, const char *file, int argc, const char *const *argv,
                             char **summary, char **err)
{
    cimp_opts o;
    memset(&o, 0, sizeof o);
    o.threads = -1;
    o.file = file;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int r = read_opt(argc, argv, &i, &o.read, IMPORT_USAGE, err);
        if (r < 0) return -1;
        if (r > 0) continue;
        if (!strcmp(a, "--mapping")) {
            if (!(o.mapping = value(argc, argv, &i, IMPORT_USAGE, err))) return -1;
        }
        else if (!strcmp(a, "--skip-bad")) o.skip_bad = 1;
        else if (!strcmp(a, "--replace")) o.replace = 1;
        else if (!strcmp(a, "--add-markets")) o.add_markets = 1;
        else if (a[0] == '-' && a[1] == '-') {
            *err = crep_msgf("import: unknown option '%s' (usage: %s)", a, IMPORT_USAGE);
            return -1;
        } else {
            *err = crep_msgf("import: one file at a time (usage: %s)", IMPORT_USAGE);
            return -1;
        }
    }
    return cimp_run(h, &o, summary, err);
}

static const char *const csv_extensions[] = { "csv", "tsv", "txt", NULL };

static const cwsh_source csv_source = {
    sizeof(cwsh_source), "csv", csv_extensions, IMPORT_OPTIONS,
    "an inspection sheet (long: a row per item; wide: a row per inspection) through the mapping "
    "in rules/mappings/ whose headers fit; one transaction; bad rows are listed as "
    "FILE:LINE:COLUMN and kept in FILE.rejects.csv",
    csv_source_import
};

/* .import FILE TABLE [OPTIONS]: the words stay on the Lua stack while
 * argv points at them. */
static int l_dot_import(lua_State *L)
{
    int n = lua_gettop(L);
    const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(n + 1), 0);
    for (int i = 0; i < n; i++) argv[i] = luaL_checkstring(L, i + 1);
    ctab_opts o;
    memset(&o, 0, sizeof o);
    char *err = NULL;
    for (int i = 0; i < n; i++) {
        const char *a = argv[i];
        int r = read_opt(n, argv, &i, &o.read, TABLE_USAGE, &err);
        if (r < 0) return fail(L, err);
        if (r > 0) continue;
        if (strcmp(a, "--skip") == 0) {
            const char *v = value(n, argv, &i, TABLE_USAGE, &err);
            if (!v) return fail(L, err);
            char *end;
            o.skip = strtol(v, &end, 10);
            if (*end || o.skip < 0) return luaL_error(L, "--skip needs a number of rows, not \"%s\"", v);
        } else if (strcmp(a, "--skip-bad") == 0) o.skip_bad = 1;
        else if (strcmp(a, "--csv") == 0) continue;      /* sqlite3's spelling: always CSV here */
        else if (a[0] == '-' && a[1] == '-') return luaL_error(L, ".import: unknown option '%s' (usage: %s)", a, TABLE_USAGE);
        else if (!o.file) o.file = a;
        else if (!o.table) o.table = a;
        else return luaL_error(L, ".import: too many arguments (usage: %s)", TABLE_USAGE);
    }
    if (!o.file || !o.table) return luaL_error(L, "usage: %s", TABLE_USAGE);
    char *summary = NULL;
    if (ctab_run(host, &o, &summary, &err) != 0) return fail(L, err);
    host->noticef(host, "%s", summary);          /* for people: stderr */
    free(summary);
    return 0;
}

static int csv_init_plugin(cwsh_host *h, char **err)
{
    if (!CWSH_HOST_HAS(h, pcall)) {       /* converters are called through it */
        *err = crep_msgf("this cwsh is older than the csv plugin (no host pcall)");
        return -1;
    }
    host = h;
    h->register_source(h, &csv_source);
    csv_lua_host(h);
    h->register_module(h, "csv", csv_lua_open);
    h->register_command(h, ".import", TABLE_USAGE,
        "any CSV into TABLE (created from the header when missing, appended otherwise); "
        "UTF-8 or GB18030, delimiter sniffed; atomic",
        l_dot_import);
    return 0;
}

static void csv_fini_plugin(cwsh_host *h) { (void)h; host = NULL; csv_lua_host(NULL); }

const cwsh_plugin *cwsh_plugin_entry(void);
const cwsh_plugin *cwsh_plugin_entry(void)
{
    static const cwsh_plugin p = { CWSH_PLUGIN_HEAD, "csv", "1.0.0", csv_init_plugin, csv_fini_plugin };
    return &p;
}
