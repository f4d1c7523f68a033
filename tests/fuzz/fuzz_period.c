/*
 * fuzz_period.c — fuzz target for the period parser of `score`, `rank`,
 * `notice` and the other commands that take a PERIOD
 * (core/lua/engine_period.lua: 2027-03, 2027-B1, 2027-Q1, 2027-H1, 2027,
 * 2027-01-01..2027-02-28), and for prev(), the period a change is
 * measured against.
 *
 * Checks: parse never raises and ends within the budget; a refusal is a
 * message quoting the text; a period has a kind, from and to are valid
 * dates with from <= to, its name parses back to the same period (for
 * the one before 1900-01-01, outside the years a period may name, it need
 * not), a
 * month-based period runs from the first of a month to the last day of
 * one and is as long as its kind says (a month 28-31 days, two months
 * 59-62, a quarter 90-92, a half-year 181-184, a year 365-366), a range
 * is the two dates as written; prev() is a period of the same kind (and,
 * for a range, as many days) that ends the day before it starts, and
 * passes the same checks.
 */
#include <stdint.h>
#include "fuzz_lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char checker[] =
    "local periods, calendar = require('engine_period'), require('calendar')\n"
    "local function fail(m) error('INV: ' .. m, 0) end\n"
    "local span = { month = { 28, 31 }, bimonth = { 59, 62 }, quarter = { 90, 92 },\n"
    "  half = { 181, 184 }, year = { 365, 366 } }\n"
    "local function check(p, what, back)\n"
    "  if type(p) ~= 'table' then fail(what .. ' is a ' .. type(p) .. ', not a period') end\n"
    "  for _, k in ipairs({ 'name', 'kind', 'from', 'to' }) do\n"
    "    if type(p[k]) ~= 'string' then fail(what .. ' has no ' .. k) end\n"
    "  end\n"
    "  local a, b = calendar.parse(p.from), calendar.parse(p.to)\n"
    "  if not a or not b then fail(what .. ' runs from ' .. p.from .. ' to ' .. p.to .. ': not dates') end\n"
    "  if b < a then fail(what .. ' ends before it starts') end\n"
    "  local again = back and periods.parse(p.name)\n"
    "  if back and (not again or again.kind ~= p.kind or again.from ~= p.from or again.to ~= p.to) then\n"
    "    fail(what .. \"'s name '\" .. p.name .. \"' does not parse back to it\")\n"
    "  end\n"
    "  local len = span[p.kind]\n"
    "  if len then\n"
    "    if p.from:sub(9) ~= '01' or calendar.parse(calendar.add_days(p.to, 1)) == nil\n"
    "       or calendar.add_days(p.to, 1):sub(9) ~= '01' then\n"
    "      fail(what .. ' is not whole months: ' .. p.from .. '..' .. p.to)\n"
    "    end\n"
    "    if b - a + 1 < len[1] or b - a + 1 > len[2] then fail(what .. ' is ' .. (b - a + 1) .. ' days long') end\n"
    "  elseif p.kind ~= 'range' then\n"
    "    fail(what .. ' is of an unknown kind ' .. p.kind)\n"
    "  end\n"
    "  return a, b\n"
    "end\n"
    "return function(s)\n"
    "  local p, err = periods.parse(s)\n"
    "  if not p then\n"
    "    if type(err) ~= 'string' then fail('a refusal without a message') end\n"
    "    if not err:find(s, 1, true) then fail('the message does not quote the text: ' .. err) end\n"
    "    return\n"
    "  end\n"
    "  local a, b = check(p, 'the period', true)\n"
    "  if p.kind == 'range' and s ~= p.from .. '..' .. p.to then fail('a range that is not the dates written') end\n"
    "  if p.kind == 'month' and p.from ~= s .. '-01' then fail('a month that does not start on its first') end\n"
    "  local q = periods.prev(p)\n"
    "  local qa, qb = check(q, 'the previous period', q.from >= '1900')\n"
    "  if q.kind ~= p.kind then fail('the previous period is a ' .. q.kind) end\n"
    "  if qb + 1 ~= a then fail('the previous period ' .. q.name .. ' does not end the day before ' .. p.name) end\n"
    "  if p.kind == 'range' and qb - qa ~= b - a then fail('the previous range is not as long') end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = fuzz_lua("fuzz_period");
    if (lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.period") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        if (luaL_loadstring(L, checker) != LUA_OK || fuzz_call("fuzz_period", 0, 1) != LUA_OK)
            fuzz_die("fuzz_period", lua_tostring(L, -1));
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.period");
    }
    lua_pushlstring(L, (const char *)data, size);
    if (fuzz_call("fuzz_period", 1, 0) != LUA_OK) fuzz_die("fuzz_period", lua_tostring(L, -1));
    lua_settop(L, 0);
    return 0;
}
