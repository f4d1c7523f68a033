/*
 * fuzz_html.c — fuzz target for the HTML writer of the notice
 * (core/lua/notice_html.lua, with chart.escape): every text of a
 * document — the notice's texts, the period, a section's heading, text
 * and notes, a table's title, columns, cells, grade and tier (which also
 * go into class attributes) — comes from the input, split at 0xFF bytes
 * and used in turn.
 *
 * Checks: the document has as many < and > as the same document with
 * every text "x", and as many quotes outside attribute values (a cell's
 * class attribute comes and goes with its width), so no text opens a
 * tag, ends one or leaves an attribute; every & starts one of the entities the escaper
 * writes; escape(s) unescapes back to s; all within the budget.
 */
#include <stdint.h>
#include "fuzz_lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char checker[] =
    "local html, chart = require('notice_html'), require('chart')\n"
    "local function fail(m) error('INV: ' .. m, 0) end\n"
    "local function doc(next)\n"
    "  local t = { title = next(), issuer = next(), number = next(), intro = next(),\n"
    "    closing = next(), signoff = next(), date = next() }\n"
    "  local set = { title = next(), columns = { next(), next(), next(), next() },\n"
    "    keys = { 'name', 'grade', 'tier', 'score' }, rows = {} }\n"
    "  for i = 1, 3 do set.rows[i] = { next(), next(), next(), i * 1.5 } end\n"
    "  set.print = { rows = { 1, 3 }, gap = next(), note = next() }\n"
    "  local sum = { columns = { next(), next() }, rows = { { 3, 4.5 } }, formats = { '%d', '%.1f' } }\n"
    "  return { texts = t, period = { from = next(), to = next(), name = next() },\n"
    "    sections = { { kind = 'summary', heading = next(), text = next(), notes = { next(), next() },\n"
    "                   charts = {}, tables = { sum, set } },\n"
    "                 { kind = 'problems', heading = next(), text = next(), empty = true, notes = {},\n"
    "                   charts = {}, tables = { set } } } }\n"
    "end\n"
    "local function count(s, c) return select(2, s:gsub(c, '')) end\n"
    "local plain = html.render(doc(function() return 'x' end))\n"
    "-- quotes outside attribute values (=\"...\"), in the CSS: a cell's class\n"
    "-- attribute comes and goes with its width, the quotes of a text must not\n"
    "local function loose(s)\n"
    "  local n, at, inside = 0, s:find('\"', 1, true), false\n"
    "  while at do\n"
    "    if inside then inside = false\n"
    "    elseif s:sub(at - 1, at - 1) == '=' then inside = true\n"
    "    else n = n + 1 end\n"
    "    at = s:find('\"', at + 1, true)\n"
    "  end\n"
    "  return n\n"
    "end\n"
    "local marks = { count(plain, '<'), count(plain, '>'), loose(plain) }\n"
    "return function(input)\n"
    "  local parts = {}\n"
    "  for p in (input .. '\\255'):gmatch('(.-)\\255') do parts[#parts + 1] = p end\n"
    "  for _, s in ipairs(parts) do\n"
    "    local e = chart.escape(s)\n"
    "    if e:find('[<>\"\\']') then fail('escape leaves markup') end\n"
    "    local back = e:gsub('&(#?%w+);', { amp = '&', lt = '<', gt = '>', quot = '\"', ['#39'] = \"'\" })\n"
    "    if back ~= s then fail('escape does not unescape back') end\n"
    "  end\n"
    "  local i = 0\n"
    "  local out = html.render(doc(function() i = i % #parts + 1 return parts[i] end))\n"
    "  if count(out, '<') ~= marks[1] or count(out, '>') ~= marks[2] or loose(out) ~= marks[3] then\n"
    "    fail('a text changed the markup')\n"
    "  end\n"
    "  local at = out:find('&', 1, true)\n"
    "  while at do\n"
    "    local ok = false\n"
    "    for _, e in ipairs({ '&amp;', '&lt;', '&gt;', '&quot;', '&#39;' }) do\n"
    "      if out:sub(at, at + #e - 1) == e then ok = true end\n"
    "    end\n"
    "    if not ok then fail('an & that is not an entity the escaper writes: ' .. out:sub(at, at + 8)) end\n"
    "    at = out:find('&', at + 1, true)\n"
    "  end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = fuzz_lua("fuzz_html");
    if (lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.html") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        if (luaL_loadstring(L, checker) != LUA_OK || fuzz_call("fuzz_html", 0, 1) != LUA_OK)
            fuzz_die("fuzz_html", lua_tostring(L, -1));
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.html");
    }
    lua_pushlstring(L, (const char *)data, size);
    if (fuzz_call("fuzz_html", 1, 0) != LUA_OK) fuzz_die("fuzz_html", lua_tostring(L, -1));
    lua_settop(L, 0);
    return 0;
}
