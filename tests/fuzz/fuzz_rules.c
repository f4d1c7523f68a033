/*
 * fuzz_rules.c — fuzz target for the loaders of the calendar's year files
 * and of rules/schedule.lua (core/lua/calendar.lua, schedule.lua): the
 * text runs sandboxed, as rule files do, under the limits of a command.
 * The first byte picks the file (even: rules/calendar/2027.lua, odd:
 * rules/schedule.lua), the rest is its text.
 *
 * Checks: a load ends within the limits (no runaway: the budget, the
 * time or the memory cap stopping it is a finding) with the file loaded
 * or a message (a string); a schedule that loads is expanded over four
 * months around the new year for two markets, and its --ics text has
 * lines of at most 75 octets ended by CRLF and no other control
 * character.
 */
#include <stdint.h>
#include "fuzz_lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char driver[] =
    "local calendar, schedule = require('calendar'), require('schedule')\n"
    "local markets = {\n"
    "  { code = 'M0001', name = '城北;市场', unit = '城东所', is_key = true, tier = '上游', leader = '张伟' },\n"
    "  { code = 'M0002', name = 'a,b\\\\c', unit = '城西所', is_key = false, department = '卫健局' } }\n"
    "local function message(e)\n"
    "  if type(e) ~= 'string' then error('INV: an error that is a ' .. type(e) .. ', not a message', 0) end\n"
    "end\n"
    "return function(which, dir)\n"
    "  if which == 0 then\n"
    "    local cal, err = calendar.load(dir .. '/calendar')\n"
    "    if not cal then message(err) end\n"
    "    return\n"
    "  end\n"
    "  local ok, s = pcall(schedule.load, dir .. '/schedule.lua')\n"
    "  if not ok then message(s) return end\n"
    "  local ok2, list = pcall(schedule.occurrences, s, '2026-12-01', '2027-03-31', markets)\n"
    "  if not ok2 then message(list) return end\n"
    "  local text = schedule.ics(list, '20270101T000000Z')\n"
    "  if text:sub(-2) ~= '\\r\\n' then error('INV: the calendar does not end with CRLF', 0) end\n"
    /* the lines cut with a plain find: a pattern with a repetition over
     * a calendar of more than 31 KB is refused by the guard that keeps
     * rule code from backtracking for hours (core/luaguard.c), and this
     * driver runs as rule code does */
    "  local pos = 1\n"
    "  while pos <= #text do\n"
    "    local e = text:find('\\r\\n', pos, true)\n"
    "    local line = text:sub(pos, e - 1)\n"
    "    if #line > 75 then error('INV: a line of more than 75 octets: ' .. line, 0) end\n"
    "    if line:find('[%z\\1-\\8\\10-\\31\\127]') then error('INV: a control character in a line', 0) end\n"
    "    pos = e + 2\n"
    "  end\n"
    "end\n";

static char *calendar_2027;
static size_t calendar_2027_len;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = fuzz_lua("fuzz_rules");
    if (lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.rules") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        if (luaL_loadstring(L, driver) != LUA_OK || fuzz_call("fuzz_rules", 0, 1) != LUA_OK)
            fuzz_die("fuzz_rules", lua_tostring(L, -1));
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.rules");
        FILE *f = fopen("rules/calendar/2027.lua", "rb");
        if (!f) fuzz_die("fuzz_rules", "no rules/calendar/2027.lua");
        calendar_2027 = malloc(1 << 20);
        calendar_2027_len = fread(calendar_2027, 1, 1 << 20, f);
        fclose(f);
    }
    if (size == 0) { lua_settop(L, 0); return 0; }
    int which = data[0] & 1;
    fuzz_write("fuzz_rules", which ? "schedule.lua" : "calendar/2027.lua", data + 1, size - 1);
    lua_pushinteger(L, which);
    lua_pushstring(L, fuzz_rules);
    if (fuzz_call("fuzz_rules", 2, 0) != LUA_OK) fuzz_die("fuzz_rules", lua_tostring(L, -1));
    if (!which) fuzz_write("fuzz_rules", "calendar/2027.lua", calendar_2027, calendar_2027_len);
    lua_settop(L, 0);
    return 0;
}
