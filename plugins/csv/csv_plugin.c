/*
 * csv_plugin.c — the csv plugin's entry: registers `import` (inspection
 * sheets through a mapping) and `.import FILE TABLE` (any CSV into a
 * table, the sqlite3 way), parses their options and turns failures into
 * Lua errors (the command's failure message).
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "cwsh.h"
#include "csv_import.h"
#include "csv_table.h"

static cwsh_host *host;

#define IMPORT_USAGE "import FILE [--mapping NAME] [--encoding E] [--delimiter D] " \
                     "[--skip-bad] [--replace] [--add-markets]"
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

/* Value of option i (the next argument); raises when missing. */
static const char *optarg_at(lua_State *L, int i, int n, const char *opt, const char *usage)
{
    if (i + 1 > n) luaL_error(L, "%s needs a value (usage: %s)", opt, usage);
    return lua_tostring(L, i + 1);
}

/* Raise `msg` (malloc'd) as the command's failure; frees it first. */
static int fail(lua_State *L, char *msg)
{
    lua_pushstring(L, msg ? msg : "import failed");
    free(msg);
    return lua_error(L);
}

static int read_opt(lua_State *L, int *i, int n, csvr_opts *ro, const char *usage)
{
    const char *a = lua_tostring(L, *i);
    if (strcmp(a, "--encoding") == 0) {
        ro->encoding = optarg_at(L, *i, n, a, usage);
        (*i)++;
        return 1;
    }
    if (strcmp(a, "--delimiter") == 0) {
        const char *d = optarg_at(L, *i, n, a, usage);
        if (!(ro->delim = delimiter(d)))
            luaL_error(L, "--delimiter must be one of , ; | tab, not \"%s\"", d);
        (*i)++;
        return 1;
    }
    return 0;
}

static int l_import(lua_State *L)
{
    int n = lua_gettop(L);
    cimp_opts o;
    memset(&o, 0, sizeof o);
    o.threads = -1;
    for (int i = 1; i <= n; i++) {
        const char *a = luaL_checkstring(L, i);
        if (read_opt(L, &i, n, &o.read, IMPORT_USAGE)) continue;
        if (strcmp(a, "--mapping") == 0) o.mapping = optarg_at(L, i++, n, a, IMPORT_USAGE);
        else if (strcmp(a, "--skip-bad") == 0) o.skip_bad = 1;
        else if (strcmp(a, "--replace") == 0) o.replace = 1;
        else if (strcmp(a, "--add-markets") == 0) o.add_markets = 1;
        else if (a[0] == '-' && a[1] == '-') return luaL_error(L, "import: unknown option '%s' (usage: %s)", a, IMPORT_USAGE);
        else if (!o.file) o.file = a;
        else return luaL_error(L, "import: one file at a time (usage: %s)", IMPORT_USAGE);
    }
    if (!o.file) return luaL_error(L, "usage: %s", IMPORT_USAGE);
    char *summary = NULL, *err = NULL;
    if (cimp_run(host, &o, &summary, &err) != 0) return fail(L, err);
    lua_pushstring(L, summary);
    free(summary);
    return 1;
}

static int l_dot_import(lua_State *L)
{
    int n = lua_gettop(L);
    ctab_opts o;
    memset(&o, 0, sizeof o);
    for (int i = 1; i <= n; i++) {
        const char *a = luaL_checkstring(L, i);
        if (read_opt(L, &i, n, &o.read, TABLE_USAGE)) continue;
        if (strcmp(a, "--skip") == 0) {
            const char *v = optarg_at(L, i++, n, a, TABLE_USAGE);
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
    char *summary = NULL, *err = NULL;
    if (ctab_run(host, &o, &summary, &err) != 0) return fail(L, err);
    lua_pushstring(L, summary);
    free(summary);
    return 1;
}

static int csv_init_plugin(cwsh_host *h, char **err)
{
    (void)err;
    host = h;
    h->register_command(h, "import", IMPORT_USAGE,
        "Import an inspection sheet (long: a row per item; wide: a row per inspection) "
        "through the mapping in rules/mappings/ whose headers fit; one transaction; "
        "bad rows are listed as FILE:LINE:COLUMN and kept in FILE.rejects.csv.",
        l_import);
    h->register_command(h, ".import", TABLE_USAGE,
        "Import any CSV into TABLE (created from the header when missing, appended otherwise); "
        "UTF-8 or GB18030, delimiter sniffed; atomic.",
        l_dot_import);
    return 0;
}

static void csv_fini_plugin(cwsh_host *h) { (void)h; host = NULL; }

const cwsh_plugin *cwsh_plugin_entry(void);
const cwsh_plugin *cwsh_plugin_entry(void)
{
    static const cwsh_plugin p = { CWSH_ABI, "csv", "1.0.0", csv_init_plugin, csv_fini_plugin };
    return &p;
}
