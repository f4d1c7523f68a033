/*
 * fuzz_ics.c — fuzz target for the iCalendar writer's TEXT escaping and
 * line folding (core/lua/schedule.lua escape and fold, RFC 5545 3.3.11
 * and 3.1), which `schedule --ics` applies to names from the register
 * and the rules.
 *
 * Checks: the escaped text holds no control character but TAB (TSAFE-
 * CHAR), no ; , or \ unescaped, and unescapes to the text with its line
 * ends as \n and other control characters dropped; "SUMMARY:" .. it,
 * folded, has lines of at most 75 octets, each continuation starting with
 * a space, that unfold to the line, and cuts no UTF-8 character when the
 * line is valid UTF-8; both finish within the instruction budget.
 */
#include <stdint.h>
#include "fuzz_lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char checker[] =
    "local sched = require('schedule')\n"
    "return function(s)\n"
    "  local e = sched.escape(s)\n"
    "  if e:find('[%z\\1-\\8\\10-\\31\\127]') then error('INV: a control character in escaped TEXT', 0) end\n"
    "  if e:gsub('\\\\.', ''):find('[;,\\\\]') then error('INV: an unescaped ; , or \\\\', 0) end\n"
    "  local want = s:gsub('\\r\\n', '\\n'):gsub('\\r', '\\n'):gsub('[%z\\1-\\8\\11-\\31\\127]', '')\n"
    "  local back = e:gsub('\\\\(.)', function(c) return c == 'n' and '\\n' or c end)\n"
    "  if back ~= want then error('INV: unescape(escape(s)) is not s', 0) end\n"
    "  local line = 'SUMMARY:' .. e\n"
    "  local parts = {}\n"
    "  for p in (sched.fold(line) .. '\\r\\n'):gmatch('(.-)\\r\\n') do parts[#parts + 1] = p end\n"
    "  local joined = parts[1]\n"
    "  for i, p in ipairs(parts) do\n"
    "    if #p > 75 then error('INV: a folded line of more than 75 octets', 0) end\n"
    "    if i > 1 then\n"
    "      if p:sub(1, 1) ~= ' ' then error('INV: a continuation line without its space', 0) end\n"
    "      joined = joined .. p:sub(2)\n"
    "    end\n"
    "  end\n"
    "  if joined ~= line then error('INV: unfolding does not give the line back', 0) end\n"
    "  if utf8.len(line) then\n"
    "    for i, p in ipairs(parts) do\n"
    "      if not utf8.len(i > 1 and p:sub(2) or p) then error('INV: a fold cuts a UTF-8 character', 0) end\n"
    "    end\n"
    "  end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = fuzz_lua("fuzz_ics");
    if (lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.ics") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        if (luaL_loadstring(L, checker) != LUA_OK || fuzz_call("fuzz_ics", 0, 1) != LUA_OK)
            fuzz_die("fuzz_ics", lua_tostring(L, -1));
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.ics");
    }
    lua_pushlstring(L, (const char *)data, size);
    if (fuzz_call("fuzz_ics", 1, 0) != LUA_OK) fuzz_die("fuzz_ics", lua_tostring(L, -1));
    lua_settop(L, 0);
    return 0;
}
