/*
 * dot.c — built-in dot-commands.  Each is a C command: it receives its
 * words as string arguments and raises a Lua error to fail.  The number
 * of words is checked before it runs: too few or too many is the error
 * "usage: .NAME ARGS" (the usage line of .help).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <lauxlib.h>
#include "dot.h"
#include "connstr.h"
#include "cwshlib.h"
#include "luahost.h"
#include "outenc.h"
#include "plugin.h"
#include "render.h"
#include "shell.h"

#define SES session_current

static int on_off(lua_State *L, int i)
{
    const char *v = luaL_checkstring(L, i);
    if (!strcasecmp(v, "on") || !strcmp(v, "1") || !strcasecmp(v, "yes")) return 1;
    if (!strcasecmp(v, "off") || !strcmp(v, "0") || !strcasecmp(v, "no")) return 0;
    return luaL_error(L, "expected on or off, not '%s'", v);
}

#define MODE_USAGE ".mode [MODE] [--wrap N] [--excel | --bom] [--encoding E]"

/* .mode [MODE] [--excel|--bom] [--encoding E]: the options are for csv
 * and tsv (outenc.h); a .mode without them is UTF-8 without a BOM again,
 * unless --bom was on the command line. */
/* The mode as .mode and .show say it: "box --wrap 40", "csv (UTF-8 with
 * BOM)", "csv (gb18030)". */
static const char *mode_text(const session *s, char *buf, size_t size)
{
    const char *m = render_mode_name(s->render.mode);
    if (s->render.wrap) snprintf(buf, size, "%s --wrap %d", m, s->render.wrap);
    else snprintf(buf, size, "%s%s%s%s", m, s->csv_encoding[0] ? " (" : s->csv_bom ? " (UTF-8 with BOM)" : "",
                  s->csv_encoding, s->csv_encoding[0] ? ")" : "");
    return buf;
}

static int d_mode(lua_State *L)
{
    session *s = SES;
    int n = lua_gettop(L);
    if (n == 0) {
        char buf[128];
        fprintf(cwshlib_text_out(s), "current output mode: %s\n", mode_text(s, buf, sizeof buf));
        return 0;
    }
    enum render_mode m;
    const char *name = luaL_checkstring(L, 1);
    if (name[0] == '-') return luaL_error(L, "usage: %s", MODE_USAGE);
    if (render_mode_parse(name, &m) != 0)
        return luaL_error(L, "unknown mode '%s' (box, table, csv, tsv, json, markdown, line, list)", name);
    int bom = s->bom_option, wrap = 0, csvopt = 0;
    const char *enc = "";
    for (int i = 2; i <= n; i++) {
        const char *a = luaL_checkstring(L, i);
        if (!strcmp(a, "--wrap")) {
            const char *v = i < n ? luaL_checkstring(L, ++i) : "";
            char *end;
            long w = strtol(v, &end, 10);
            if (!*v || *end || w < 0 || w > 10000)
                return luaL_error(L, "--wrap needs a width in display columns (0 = none), not '%s'", v);
            if (m != RENDER_BOX && m != RENDER_TABLE)
                return luaL_error(L, ".mode %s: --wrap is for box and table", name);
            wrap = (int)w;
            continue;
        }
        csvopt = 1;
        if (!strcmp(a, "--excel") || !strcmp(a, "--bom")) bom = 1;
        else if (!strcmp(a, "--encoding") && i < n) enc = luaL_checkstring(L, ++i);
        else if (!strcmp(a, "--encoding")) return luaL_error(L, "--encoding needs an encoding, e.g. gb18030");
        else if (a[0] != '-') return luaL_error(L, "usage: %s", MODE_USAGE);
        else return luaL_error(L, ".mode: unknown option '%s' (usage: %s)", a, MODE_USAGE);
    }
    if (csvopt && m != RENDER_CSV && m != RENDER_TSV)
        return luaL_error(L, ".mode %s: --excel, --bom and --encoding are for csv and tsv", name);
    if (!strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8")) enc = "";
    if (*enc && (strlen(enc) >= sizeof s->csv_encoding || !outenc_known(enc)))
        return luaL_error(L, "--encoding: iconv cannot write '%s' (try gb18030)", enc);
    if (*enc && bom) return luaL_error(L, "a BOM is for UTF-8: --excel and --bom go without --encoding");
    s->render.mode = m;
    s->render.wrap = wrap;
    s->csv_bom = s->render.excel = bom;
    snprintf(s->csv_encoding, sizeof s->csv_encoding, "%s", enc);
    return 0;
}

static int d_headers(lua_State *L) { SES->render.headers = on_off(L, 1); return 0; }
static int d_timer(lua_State *L) { SES->timer = on_off(L, 1); return 0; }
static int d_bail(lua_State *L) { SES->bail = on_off(L, 1); return 0; }
static int d_echo(lua_State *L) { SES->echo = on_off(L, 1); return 0; }

/* Owned copy: render_config keeps a pointer. */
static char *nullvalue;

static int d_nullvalue(lua_State *L)
{
    free(nullvalue);
    nullvalue = strdup(luaL_optstring(L, 1, ""));
    SES->render.nullvalue = nullvalue;
    return 0;
}

/* A separator as sqlite3's .separator takes it: \t \n \r \\ are the
 * characters they name, everything else (a UTF-8 ， or 、 too) is itself.
 * Owned copies, as the nullvalue's. */
static char *separator, *rowsep;

static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out) return NULL;
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) { *o++ = *s; continue; }
        switch (*++s) {
        case 't': *o++ = '\t'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        default: *o++ = *s; break;
        }
    }
    *o = 0;
    return out;
}

static int d_separator(lua_State *L)
{
    const char *col = luaL_checkstring(L, 1), *row = luaL_optstring(L, 2, NULL);
    char *c = unescape(col), *r = row ? unescape(row) : NULL;
    if (!c || (row && !r)) { free(c); free(r); return luaL_error(L, "out of memory"); }
    if (!*c) { free(c); free(r); return luaL_error(L, "the column separator cannot be empty"); }
    free(separator);
    separator = c;
    SES->render.separator = separator;
    if (r) {
        free(rowsep);
        rowsep = r;
        SES->render.rowsep = rowsep;
    }
    return 0;
}

/* .output/.once: the file left is checked as it closes (its failure is
 * this command's), then the new one opened. */
static int set_output(lua_State *L, const char *path, int once)
{
    char *err;
    int rc = session_set_output(SES, path, once, &err);
    if (rc == 0) return 0;
    lua_pushstring(L, err ? err : "out of memory");
    free(err);
    return lua_error(L);
}

static int d_output(lua_State *L)
{
    const char *path = luaL_optstring(L, 1, NULL);
    if (path && !strcmp(path, "stdout")) path = NULL;
    return set_output(L, path, 0);
}

static int d_once(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    set_output(L, path, 2);     /* 2: survives this command, ends after the next */
    return 0;
}

static int d_read(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    FILE *f = fopen(path, "r");
    if (!f) return luaL_error(L, "cannot open '%s': %s", path, strerror(errno));
    int rc = shell_file(SES, f, path);
    fclose(f);
    if (rc != 0 && !shell_quit)
        return luaL_error(L, shell_interrupted() ? "'%s' interrupted" : "'%s' stopped at an error", path);
    return 0;
}

static int d_quit(lua_State *L) { (void)L; shell_quit = 1; return 0; }

static int d_print(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++)
        fprintf(SES->out, "%s%s", i > 1 ? " " : "", lua_tostring(L, i));
    fputc('\n', SES->out);
    return 0;
}

typedef struct { lua_State *L; int i; } plug_ud;

static void add_plugin(void *ud, const cwsh_plugin *p, const char *path)
{
    plug_ud *u = ud;
    lua_State *L = u->L;
    const char *base = strrchr(path, '/');
    lua_createtable(L, 3, 0);
    lua_pushstring(L, p->name);
    lua_rawseti(L, -2, 1);
    lua_pushstring(L, p->version);
    lua_rawseti(L, -2, 2);
    lua_pushstring(L, base ? base + 1 : path);
    lua_rawseti(L, -2, 3);
    lua_rawseti(L, -2, ++u->i);
}

/* .plugins: a result set, so it renders in every mode. */
static int d_plugins(lua_State *L)
{
    lua_createtable(L, 0, 2);
    lua_createtable(L, 3, 0);
    const char *cols[] = { "name", "version", "file" };
    for (int i = 0; i < 3; i++) {
        lua_pushstring(L, cols[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_newtable(L);
    plug_ud u = { L, 0 };
    plugin_each(SES, add_plugin, &u);
    lua_setfield(L, -2, "rows");
    return 1;
}

#define LIMIT_USAGE ".limit [instructions N | memory MB | seconds S]"

/* .limit NAME VALUE sets one of luahost's limits (for the next command);
 * .limit alone shows them. */
static int d_limit(lua_State *L)
{
    session *s = SES;
    if (lua_gettop(L) == 1) return luaL_error(L, "usage: %s", LIMIT_USAGE);
    if (lua_gettop(L) == 2) {
        const char *what = luaL_checkstring(L, 1), *num = luaL_checkstring(L, 2), *bad;
        long long v;
        char why[200];
        if (luahost_limit_max(what) < 0) return luaL_error(L, "usage: %s", LIMIT_USAGE);
        if (luahost_parse_limit(what, num, &v, why, sizeof why) != 0)
            return luaL_error(L, ".limit %s%s%s", what, why[0] == ':' ? "" : " ", why);
        if (luahost_set_limit(s, what, v, &bad) != 0) return luaL_error(L, ".limit %s %s: %s", what, num, bad);
        return 0;
    }
    long long ins = 0, mem = 0, sec = 0;
    luahost_get_limit(s, "instructions", &ins);
    luahost_get_limit(s, "memory", &mem);
    luahost_get_limit(s, "seconds", &sec);
    fprintf(cwshlib_text_out(s), "instructions %lld\nmemory %lld MB (in use %.1f MB)\nseconds %lld\n",
            ins, mem, luahost_memory(s) / 1048576.0, sec);
    return 0;
}

/* A separator as .separator takes it back: \t \n \r \\ spelled out. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\t': fputs("\\t", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\\': fputs("\\\\", f); break;
        default: fputc(*s, f); break;
        }
    }
}

static int d_show(lua_State *L)
{
    session *s = SES;
    (void)L;
    char *db = connstr_mask(s->db_path);       /* a server's string may hold a password */
    /* every setting a dot-command changes, as sqlite3's .show lists them */
    FILE *f = cwshlib_text_out(s);
    char mode[128];
    fprintf(f, "        db: %s\n     rules: %s\n   plugins: %s\n      mode: %s\n"
            "   headers: %s\n nullvalue: \"%s\"\n separator: \"",
            db, s->rules_dir, s->plugins_dir, mode_text(s, mode, sizeof mode),
            s->render.headers ? "on" : "off", s->render.nullvalue ? s->render.nullvalue : "");
    put_escaped(f, s->render.separator ? s->render.separator : "|");
    fputs("\" \"", f);
    put_escaped(f, s->render.rowsep ? s->render.rowsep : "\n");
    fprintf(f, "\"\n     timer: %s\n      bail: %s\n      echo: %s\n    output: %s\n",
            s->timer ? "on" : "off", s->bail ? "on" : "off", s->echo ? "on" : "off",
            s->out == stdout ? "stdout" : s->out_once ? "a file (.once)" : "a file (.output)");
    free(db);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* .help [TOPIC]: every registered command, dot-commands first. */
static int d_help(lua_State *L)
{
    session *s = SES;
    FILE *out = cwshlib_text_out(s);          /* for people */
    const char *topic = luaL_optstring(L, 1, NULL);
    if (topic) {
        if (!cwshlib_push_command(L, topic)) {
            char dotted[80];
            snprintf(dotted, sizeof dotted, ".%s", topic);
            lua_pop(L, 1);
            if (!cwshlib_push_command(L, dotted))
                return luaL_error(L, "no help for '%s': not a command", topic);
        }
        lua_getfield(L, -1, "usage");
        lua_getfield(L, -2, "help");
        fprintf(out, "usage: %s\n", lua_tostring(L, -2));
        const char *h = lua_tostring(L, -1);
        if (h && *h) fprintf(out, "%s%s", h, h[strlen(h) - 1] == '\n' ? "" : "\n");
        return 0;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.commands");
    int t = lua_gettop(L);
    size_t n = 0, cap = 64;
    const char **names = malloc(cap * sizeof *names);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = lua_tostring(L, -1);   /* keys stay alive in the table */
    }
    qsort(names, n, sizeof *names, cmp_str);
    for (int pass = 0; pass < 2; pass++) {
        fprintf(out, pass == 0 ? "Dot-commands:\n" : "\nCommands:\n");
        for (size_t i = 0; i < n; i++) {
            if ((names[i][0] == '.') != (pass == 0)) continue;
            lua_getfield(L, t, names[i]);
            lua_getfield(L, -1, "usage");
            /* a lazily loaded command (cmdload.lua) carries its summary:
             * reading its help would compile its module */
            if (lua_getfield(L, -2, "summary") != LUA_TSTRING) {
                lua_pop(L, 1);
                lua_getfield(L, -2, "help");
            }
            const char *usage = lua_tostring(L, -2), *help = lua_tostring(L, -1);
            size_t hl = help ? strcspn(help, "\n") : 0;
            const char *u = usage ? usage : names[i];
            if (strlen(u) > 30)         /* a long usage gets a line of its own */
                fprintf(out, "  %s\n  %-30s %.*s\n", u, "", (int)hl, help ? help : "");
            else
                fprintf(out, "  %-30s %.*s\n", u, (int)hl, help ? help : "");
            lua_pop(L, 3);
        }
    }
    fprintf(out, "\nAnything else is SQL (ended by ';'), '= expr' (Lua value) or 'lua' (a Lua block).\n"
                    "'.help NAME' shows one command in full.\n");
    free(names);
    return 0;
}

/* Run the command in upvalue 4 when it got between upvalue 1 and 2
 * words (2: -1 for any number), else fail with its usage (upvalue 3). */
static int checked(lua_State *L)
{
    int n = lua_gettop(L);
    lua_Integer min = lua_tointeger(L, lua_upvalueindex(1)), max = lua_tointeger(L, lua_upvalueindex(2));
    if (n < min || (max >= 0 && n > max))
        return luaL_error(L, "usage: %s", lua_tostring(L, lua_upvalueindex(3)));
    return lua_tocfunction(L, lua_upvalueindex(4))(L);
}

void dot_register(session *s)
{
    static const struct {
        const char *name, *usage, *help;
        lua_CFunction fn;
        int min, max;                   /* words it takes; max -1: any */
    } cmds[] = {
        { ".help", ".help [TOPIC]", "list commands, or show one in full", d_help, 0, 1 },
        { ".mode", MODE_USAGE, "output mode: box table csv tsv json markdown line list\n"
          "  --wrap N: box/table cells wider than N columns go on over lines\n"
          "  --excel (or --bom): csv/tsv with a UTF-8 BOM, so that Chinese Excel opens it\n"
          "  --encoding E: csv/tsv written in E instead of UTF-8 (gb18030 for older Excel)", d_mode, 0, 4 },
        { ".headers", ".headers on|off", "show column names", d_headers, 1, 1 },
        { ".nullvalue", ".nullvalue [TEXT]", "text shown for NULL (default empty)", d_nullvalue, 0, 1 },
        { ".separator", ".separator COL [ROW]", "list mode's column separator (any text: | ， \\t) and end of row (\\n)",
          d_separator, 1, 2 },
        { ".output", ".output [FILE]", "send output to FILE, or back to stdout", d_output, 0, 1 },
        { ".once", ".once FILE", "send the next command's output to FILE", d_once, 1, 1 },
        { ".read", ".read FILE", "run the commands in FILE", d_read, 1, 1 },
        { ".timer", ".timer on|off", "show the time each command takes", d_timer, 1, 1 },
        { ".bail", ".bail on|off", "stop at the first error", d_bail, 1, 1 },
        { ".echo", ".echo on|off", "print each command before running it", d_echo, 1, 1 },
        { ".print", ".print TEXT...", "print TEXT", d_print, 0, -1 },
        { ".plugins", ".plugins", "list loaded plugins", d_plugins, 0, 0 },
        { ".limit", LIMIT_USAGE, "show or set the Lua limits per command", d_limit, 0, 2 },
        { ".show", ".show", "show the current settings", d_show, 0, 0 },
        { ".quit", ".quit", "leave cwsh", d_quit, 0, 0 },
        { ".exit", ".exit", "leave cwsh", d_quit, 0, 0 },
    };
    lua_State *L = s->L;
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        cwshlib_register_c(s, cmds[i].name, cmds[i].usage, cmds[i].help, cmds[i].fn);
        cwshlib_push_command(L, cmds[i].name);
        lua_pushinteger(L, cmds[i].min);
        lua_pushinteger(L, cmds[i].max);
        lua_pushstring(L, cmds[i].usage);
        lua_pushcfunction(L, cmds[i].fn);
        lua_pushcclosure(L, checked, 4);
        lua_setfield(L, -2, "run");
        lua_pop(L, 1);
    }
}
