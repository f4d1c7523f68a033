/*
 * complete.c — glue between readline and cwsh.complete(line, word,
 * pending): `line` is the input up to the word, `pending` "sql" or "lua"
 * on a continuation line.  Lua returns an array of candidates, or the
 * string "files" to ask for readline's own file-name completion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <lauxlib.h>
#include <readline/readline.h>
#include "complete.h"
#include "luahost.h"
#include "shell.h"

static char **cands;
static size_t ncands, next_cand;

static char *generator(const char *text, int state)
{
    (void)text;
    if (state == 0) next_cand = 0;
    return next_cand < ncands ? strdup(cands[next_cand++]) : NULL;
}

static void clear(void)
{
    for (size_t i = 0; i < ncands; i++) free(cands[i]);
    free(cands);
    cands = NULL;
    ncands = 0;
}

static char **complete(const char *text, int start, int end)
{
    session *s = session_current;
    lua_State *L = s->L;
    int base = lua_gettop(L);
    (void)end;
    clear();
    rl_attempted_completion_over = 1;
    lua_getglobal(L, "cwsh");
    if (lua_getfield(L, -1, "complete") != LUA_TFUNCTION) { lua_settop(L, base); return NULL; }
    /* in a quote the user opened, the line before the word is without
     * its quote (a word being typed, not an empty one given) */
    int from = start;
    if (rl_completion_quote_character && from > 0 && rl_line_buffer[from - 1] == rl_completion_quote_character)
        from--;
    lua_pushlstring(L, rl_line_buffer, (size_t)from);
    lua_pushstring(L, text);
    const char *pending = shell_pending();
    if (pending) lua_pushstring(L, pending); else lua_pushnil(L);
    if (luahost_call(s, 3, 1) != LUA_OK) { lua_settop(L, base); return NULL; }
    if (lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "files")) {
        lua_settop(L, base);
        rl_attempted_completion_over = 0;     /* readline completes files */
        return NULL;
    }
    if (lua_type(L, -1) == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        cands = calloc(n + 1, sizeof *cands);
        /* a candidate with a blank (a market "新华 菜场") goes in quoted,
         * so that the command gets it as one word; inside a quote the
         * user opened, readline closes it */
        int in_quote = rl_completion_quote_character != 0;
        for (size_t i = 1; cands && i <= n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            const char *c = lua_tostring(L, -1);
            if (c && strncasecmp(c, text, strlen(text)) == 0) {
                char *q = NULL;
                if (!in_quote && strpbrk(c, " \t\"'")) {
                    const char *mark = strchr(c, '"') ? "'" : "\"";
                    if (asprintf(&q, "%s%s%s", mark, c, mark) < 0) q = NULL;
                } else {
                    q = strdup(c);
                }
                if (q) cands[ncands++] = q;
            }
            lua_pop(L, 1);
        }
    }
    lua_settop(L, base);
    if (ncands == 0) return NULL;
    return rl_completion_matches(text, generator);
}

void complete_install(session *s)
{
    (void)s;
    rl_readline_name = "cwsh";
    rl_attempted_completion_function = complete;
    /* words end at blanks and SQL punctuation; '.' stays inside words so
     * ".tables" and "t.col" complete as one */
    rl_variable_bind("completion-ignore-case", "on");   /* sel -> SELECT */
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(,";
    rl_completer_quote_characters = "\"'";
}
