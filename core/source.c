/*
 * source.c — `import FILE... [--source NAME] [OPTIONS]`: picks the source
 * for each FILE and hands it the rest of the words.
 *
 * The choice: `--source NAME`; else the source one of whose extensions
 * FILE ends with (case ignored: Excel writes .CSV); else, when only one
 * source is loaded, that one, so a sheet saved as .txt still imports.
 *
 * Several files (or a pattern: the words reach the command unglobbed, so
 * `import 收件/第3周-*.csv` is expanded here) are imported one after another,
 * each in its own transaction as if imported alone: a week's sheets from
 * every station in one command, the good ones in, the bad ones named.
 */
#include <glob.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>
#include <lauxlib.h>
#include "source.h"
#include "cwshlib.h"
#include "luahost.h"

static int has_extension(const cwsh_source *src, const char *file)
{
    const char *dot = strrchr(file, '.');
    if (!dot || strchr(dot, '/')) return 0;
    for (const char *const *e = src->extensions; e && *e; e++)
        if (!strcasecmp(dot + 1, *e)) return 1;
    return 0;
}

static const cwsh_source *by_name(const session *s, const char *name)
{
    return source_find(s, name, NULL);
}

/* "csv, xlsx" */
static void names(const session *s, luaL_Buffer *b)
{
    for (int i = 0; i < s->nsources; i++) {
        if (i) luaL_addstring(b, ", ");
        luaL_addstring(b, s->sources[i]->name);
    }
}

/* Raise "<before><what><after><the sources' names>)". */
static int no_source(lua_State *L, const session *s, const char *before, const char *what,
                     const char *after)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, before);
    luaL_addstring(&b, what);
    luaL_addstring(&b, after);
    names(s, &b);
    luaL_addstring(&b, ")");
    luaL_pushresult(&b);
    return lua_error(L);
}

/* Import one file; 0, or -1 with its message on the Lua stack. */
static int import_one(lua_State *L, session *s, const cwsh_source *src, const char *file,
                      int argc, const char **argv)
{
    for (int i = 0; !src && i < s->nsources; i++)
        if (has_extension(s->sources[i], file)) src = s->sources[i];
    if (!src && s->nsources == 1) src = s->sources[0];
    if (!src) {
        lua_pushfstring(L, "import: no source reads '%s'; name one with --source NAME (sources: ", file);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        names(s, &b);
        luaL_addstring(&b, ")");
        luaL_pushresult(&b);
        lua_concat(L, 2);
        return -1;
    }
    char *summary = NULL, *err = NULL;
    s->loaded_import = 0;
    int rc = src->import(&s->host, file, argc, argv, &summary, &err);
    long long id = s->loaded_import;
    s->loaded_import = 0;
    if (rc != 0) {
        lua_pushstring(L, err ? err : "import failed");
        free(err);
        free(summary);
        return -1;
    }
    /* the summary is for people: stderr, whatever the mode (stdout is data) */
    if (summary && *summary) s->host.noticef(&s->host, "%s", summary);
    free(summary);
    if (id > 0) {
        /* committed: the `import` event for Lua handlers (events.lua),
         * which report their own failures, so the import stands; they
         * run outside the command's limits (luahost_call_unlimited) */
        lua_getglobal(L, "cwsh");
        if (lua_getfield(L, -1, "_imported") == LUA_TFUNCTION) {
            lua_pushinteger(L, (lua_Integer)id);
            if (luahost_call_unlimited(s, 1, 0) != LUA_OK) {
                /* Ctrl-C after the commit stops the ledger, not the
                 * import: say what stands and what is owed (not the
                 * file of cwsh's own Lua that the stop came through) */
                if (s->interrupted) {
                    s->host.noticef(&s->host, "import #%lld is in; Ctrl-C stopped what runs after it (the ledger "
                                    "opening its findings, handlers): `ledger sync` opens the findings it lacks", id);
                    lua_pop(L, 1);
                } else {
                    /* a handler whose failure is the command's (the
                     * ledger's: "import #N is in, but ..."): the import
                     * stands, the command fails with its message */
                    lua_remove(L, -2);
                    return -1;
                }
            }
        } else {
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* A sheet's rejected rows, written next to it by an import that failed
 * (FILE.rejects.csv): a pattern like 周报-*.csv would match them and
 * import them again, so a pattern leaves them out; named, they import. */
static int is_rejects(const char *path)
{
    size_t n = strlen(path), k = sizeof ".rejects.csv" - 1;
    return n > k && !strcasecmp(path + n - k, ".rejects.csv");
}

/* push_matches(table, glob_t *, want_rejects): append the glob's names to
 * the table, leaving out rejects files unless they were asked for;
 * returns how many were left out. */
static int push_matches(lua_State *L)
{
    const glob_t *g = lua_touserdata(L, 2);
    int want_rejects = lua_toboolean(L, 3);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    lua_Integer skipped = 0;
    for (size_t i = 0; i < g->gl_pathc; i++) {
        if (!want_rejects && is_rejects(g->gl_pathv[i])) { skipped++; continue; }
        lua_pushstring(L, g->gl_pathv[i]);
        lua_rawseti(L, 1, ++n);
    }
    lua_pushinteger(L, skipped);
    return 1;
}

/* Append FILE, or what the pattern FILE matches (sorted, as a shell
 * does, rejects files left out), to the table at the top of the stack; a
 * name with glob characters that names a file is that file.  Raises when
 * nothing matches. */
static void add_files(session *s, lua_State *L, const char *word)
{
    int t = lua_gettop(L);
    struct stat st;
    if (!strpbrk(word, "*?[") || stat(word, &st) == 0) {
        lua_pushstring(L, word);
        lua_rawseti(L, t, (lua_Integer)lua_rawlen(L, t) + 1);
        return;
    }
    glob_t g;
    int rc = glob(word, 0, NULL, &g);
    if (rc != 0) {
        globfree(&g);       /* GLOB_NOSPACE may leave a partial list */
        if (rc == GLOB_NOMATCH) luaL_error(L, "import: no file matches '%s'", word);
        luaL_error(L, rc == GLOB_NOSPACE ? "out of memory" : "import: cannot read the directories of '%s'", word);
    }
    /* the names go into Lua under a pcall, so that running out of memory
     * there still frees g before the error goes on */
    lua_pushcfunction(L, push_matches);
    lua_pushvalue(L, t);
    lua_pushlightuserdata(L, &g);
    lua_pushboolean(L, is_rejects(word));
    int failed = lua_pcall(L, 3, 1, 0) != LUA_OK;
    size_t skipped = failed ? 0 : (size_t)lua_tointeger(L, -1);
    int none = !failed && skipped == g.gl_pathc;
    globfree(&g);
    if (failed) lua_error(L);
    lua_pop(L, 1);
    if (none) luaL_error(L, "import: '%s' matches only rejects files (name them to import them)", word);
    if (skipped)
        s->host.noticef(&s->host, "import: '%s' leaves out %zu rejects file%s (name %s to import %s)",
                        word, skipped, skipped > 1 ? "s" : "", skipped > 1 ? "them" : "it",
                        skipped > 1 ? "them" : "it");
}

/* A failure of one of several files, printed as it comes: its message
 * names the file already when it says where ("x.csv:17:3: ..."). */
static void tell_failure(session *s, const char *file, const char *msg)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (strstr(msg, base)) s->host.noticef(&s->host, "%s", msg);
    else s->host.noticef(&s->host, "%s: %s", file, msg);
}

/* Lua stack: the command's words.  Raises the source's message on failure
 * (the command's failure); the summary goes to stderr. */
static int l_import(lua_State *L)
{
    session *s = session_current;
    int n = lua_gettop(L);
    int nfile = 0;
    while (nfile < n && luaL_checkstring(L, nfile + 1)[0] != '-') nfile++;
    if (nfile == 0) return luaL_error(L, "usage: import FILE... [--source NAME] [OPTIONS]");
    const cwsh_source *src = NULL;
    /* the words after the files, without --source NAME; kept on the Lua stack */
    const char **argv = lua_newuserdatauv(L, sizeof *argv * (size_t)(n + 1), 0);
    int argc = 0;
    for (int i = nfile + 1; i <= n; i++) {
        const char *a = luaL_checkstring(L, i);
        if (strcmp(a, "--source") != 0) { argv[argc++] = a; continue; }
        if (i == n) return luaL_error(L, "--source needs a name");
        const char *name = luaL_checkstring(L, ++i);
        if (!(src = by_name(s, name)))
            return no_source(L, s, "import: no source is named '", name, "' (sources: ");
    }
    argv[argc] = NULL;
    lua_newtable(L);
    int files = lua_gettop(L);
    for (int i = 1; i <= nfile; i++) add_files(s, L, lua_tostring(L, i));
    lua_Integer total = (lua_Integer)lua_rawlen(L, files);
    if (total == 1) {
        lua_rawgeti(L, files, 1);
        if (import_one(L, s, src, lua_tostring(L, -1), argc, argv) != 0) return lua_error(L);
        return 0;
    }
    /* several: each on its own; the failed ones' names gathered */
    lua_newtable(L);
    int failed = lua_gettop(L);
    lua_Integer done = 0, i;
    for (i = 1; i <= total && !s->interrupted; i++) {
        lua_rawgeti(L, files, i);
        const char *file = lua_tostring(L, -1);
        if (import_one(L, s, src, file, argc, argv) == 0) {
            done++;
            lua_pop(L, 1);
            continue;
        }
        tell_failure(s, file, lua_tostring(L, -1));
        lua_pop(L, 1);
        lua_rawseti(L, failed, (lua_Integer)lua_rawlen(L, failed) + 1);
    }
    if (s->interrupted)
        return luaL_error(L, "import interrupted: %d of %d files imported", (int)done, (int)total);
    lua_Integer nfailed = (lua_Integer)lua_rawlen(L, failed);
    if (nfailed == 0) return 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (i = 1; i <= nfailed; i++) {
        if (i > 1) luaL_addstring(&b, ", ");
        lua_rawgeti(L, failed, i);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    return luaL_error(L, "import: %d of %d files failed (%d imported): %s", (int)nfailed, (int)total,
                      (int)done, lua_tostring(L, -1));
}

/* import's usage and help, rebuilt from the sources registered so far:
 * one source gives its options to the usage line; several each get a
 * line of the help with theirs. */
static void register_import(session *s)
{
    lua_State *L = s->L;
    luaL_Buffer u, h;
    const cwsh_source *one = s->nsources == 1 ? s->sources[0] : NULL;
    luaL_buffinit(L, &u);
    luaL_addstring(&u, "import FILE...");
    if (one && one->options) {
        luaL_addstring(&u, " ");
        luaL_addstring(&u, one->options);
    } else if (!one) {
        luaL_addstring(&u, " [--source NAME] [OPTIONS]");
    }
    luaL_pushresult(&u);
    luaL_buffinit(L, &h);
    if (!one) luaL_addstring(&h, "import a file through the source that reads it:");
    for (int i = 0; i < s->nsources; i++) {
        const cwsh_source *x = s->sources[i];
        if (!one) {
            luaL_addstring(&h, "\n  ");
            luaL_addstring(&h, x->name);
            for (const char *const *e = x->extensions; e && *e; e++) {
                luaL_addstring(&h, e == x->extensions ? " (." : ", .");
                luaL_addstring(&h, *e);
                if (!e[1]) luaL_addstring(&h, ")");
            }
            if (x->options) { luaL_addstring(&h, " "); luaL_addstring(&h, x->options); }
            luaL_addstring(&h, ": ");
        }
        luaL_addstring(&h, x->help ? x->help : "");
    }
    if (one) {               /* .help import names the source even when alone */
        luaL_addstring(&h, "\nsource: ");
        luaL_addstring(&h, one->name);
        for (const char *const *e = one->extensions; e && *e; e++) {
            luaL_addstring(&h, e == one->extensions ? " (." : ", .");
            luaL_addstring(&h, *e);
            if (!e[1]) luaL_addstring(&h, ")");
        }
        luaL_addstring(&h, "; a plugin can add sources for other kinds of file");
    }
    luaL_pushresult(&h);
    cwshlib_register_c(s, "import", lua_tostring(L, -2), lua_tostring(L, -1), l_import);
    lua_pop(L, 2);
}

int source_register(session *s, const cwsh_source *src, const char *owner)
{
    if (s->nsources == SESSION_MAX_SOURCES) return -1;
    s->source_owner[s->nsources] = owner;
    s->sources[s->nsources++] = src;
    register_import(s);
    return 0;
}

const cwsh_source *source_find(const session *s, const char *name, const char **owner)
{
    for (int i = 0; i < s->nsources; i++)
        if (!strcmp(s->sources[i]->name, name)) {
            if (owner) *owner = s->source_owner[i];
            return s->sources[i];
        }
    return NULL;
}

void source_withdraw(session *s, const char *owner)
{
    int n = 0;
    for (int i = 0; i < s->nsources; i++) {
        const char *o = s->source_owner[i];
        if (o == owner || (o && owner && !strcmp(o, owner))) continue;
        s->source_owner[n] = o;
        s->sources[n++] = s->sources[i];
    }
    if (n == s->nsources) return;
    s->nsources = n;
    if (n > 0) { register_import(s); return; }
    lua_getfield(s->L, LUA_REGISTRYINDEX, "cwsh.commands");
    lua_pushnil(s->L);
    lua_setfield(s->L, -2, "import");
    lua_pop(s->L, 1);
}
