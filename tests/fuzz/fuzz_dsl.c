/*
 * fuzz_dsl.c — fuzz target for the rule DSL and the mapping loader: the
 * text of one file of a rules directory, loaded sandboxed under the
 * limits of a command by the loader cwsh uses for it (core/lua/rules.lua,
 * domain.lua, ledger_rules.lua, mappings.lua).  The first byte picks the
 * file (modulo 5): 0 rules/checklist.lua, 1 rules/scoring.lua (a rule
 * set, loaded whole and as the import's partial set, with the shipped
 * other files beside it), 2 rules/ledger.lua, 3 rules/mappings/zz.lua
 * (after the shipped long.lua and wide.lua), 4 rules/domain.lua; the rest
 * is its text.
 *
 * Checks: a load ends within the limits (the budget, the time or the
 * memory cap of the command stopping it is a runaway, a finding) with the
 * file loaded or an error that is a string, raised by no core module's
 * own code, and whose leading FILE:LINE, where it has one, names a file
 * of the rules directory.  A rule set that loads has items of positive,
 * finite points in declared categories and kinds of positive, finite
 * weights, and scores a fixed inspection (one item failed, one passed,
 * one not applicable, ...) to a number no higher than its total, with
 * its vetoes, a period's combination and a grade among its own, or a
 * message.  The ledger's rules that load give
 * every item a class of whole days and a default chain, and the deadlines
 * of its classes and words are counted on the calendar within the
 * limits.  A mapping that loads has what the importer
 * (plugins/csv/csv_map.c) reads: a name, a layout, fields of known names
 * mapped to header names, converters that are known or functions,
 * defaults of known fields that are strings or numbers, and lists of
 * strings; it is a plain table (no metatable) and remembers its file.
 */
#include <stdint.h>
#include "fuzz_lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char driver[] =
    "local rules, ledger, mappings = require('rules'), require('ledger_rules'), require('mappings')\n"
    "local calc, calendar = require('engine_calc'), require('calendar')\n"
    "local core = cwsh_fuzz_core\n"
    "local FILES = { 'checklist.lua', 'scoring.lua', 'ledger.lua', 'mappings/zz.lua', 'domain.lua',\n"
    "  'mappings/long.lua', 'mappings/wide.lua' }\n"
    "local function inv(fmt, ...) error('INV: ' .. fmt:format(...), 0) end\n"
    "-- an error of a load: a string, not from the core's code, naming a\n"
    "-- file of the rules directory where it starts with a position\n"
    "local function message(e, what)\n"
    "  if type(e) ~= 'string' then inv('%s: an error that is a %s, not a message', what, type(e)) end\n"
    "  if e:find(core, 1, true) or e:find('[C]:', 1, true) or e:find('^%?:') then\n"
    "    inv('%s: an error from no rule file: %s', what, e)\n"
    "  end\n"
    /* (the position is at the start: a match over a whole message of
     * more than 270 bytes (a long string the message quotes) is refused by
     * the guard against backtracking, core/luaguard.c, as in a rule) */
    "  local file, line = e:sub(1, 200):match('^([^\\n:]-%.lua):(%-?%d+): ')\n"
    "  if file then\n"
    "    local known = false\n"
    "    for _, f in ipairs(FILES) do if file == 'rules/' .. f then known = true end end\n"
    "    if not known then inv('%s: an error naming %s, not a file of the rules: %s', what, file, e) end\n"
    "    if tonumber(line) < 1 then inv('%s: an error at line %s: %s', what, line, e) end\n"
    "  end\n"
    "  return e\n"
    "end\n"
    "local function finite(x) return type(x) == 'number' and x == x and x > -math.huge and x < math.huge end\n"
    "local function check_set(set, partial)\n"
    "  if #set.items == 0 then inv('a set without items loaded') end\n"
    "  for _, it in ipairs(set.items) do\n"
    "    if type(it.code) ~= 'string' or type(it.title) ~= 'string' then inv('an item without code or title') end\n"
    "    if not finite(it.points) or it.points <= 0 then inv('item %s has points %s', it.code, tostring(it.points)) end\n"
    "    if it.per_count ~= nil and not (finite(it.per_count) and it.per_count > 0) then\n"
    "      inv('item %s has per_count %s', it.code, tostring(it.per_count)) end\n"
    "    if set.by_code[it.code] ~= it then inv('item %s is not found by its code', it.code) end\n"
    "    if not partial and not set.by_category[it.category] then inv('item %s in no declared category', it.code) end\n"
    "  end\n"
    "  if not finite(set.total) then inv('the total is %s', tostring(set.total)) end\n"
    "  for _, k in ipairs(set.domain.kinds) do\n"
    "    if not finite(k.weight) or k.weight <= 0 then inv('kind %s weighs %s', k.name, tostring(k.weight)) end\n"
    "  end\n"
    "  for _, c in ipairs(set.categories) do\n"
    "    if not finite(c.cap) then inv('category %s caps at %s', c.name, tostring(c.cap)) end\n"
    "  end\n"
    "  if type(set.hash) ~= 'string' then inv('a set without a hash') end\n"
    "end\n"
    "local function score(set)\n"
    "  local res = set.domain.results\n"
    "  local k1, k2 = set.domain.kinds[1].name, set.domain.kinds[#set.domain.kinds].name\n"
    "  local insp = { kind = k1, date = '2027-01-05', results = {} }\n"
    "  for i, it in ipairs(set.items) do\n"
    "    local r = ({ { result = res.fail.name, deduction = 1, count = 2 }, { result = res.pass.name },\n"
    "      { result = res.na.name }, { result = res.fail.name, deduction = 0.5 } })[i % 4 + 1]\n"
    "    insp.results[it.code] = r\n"
    "  end\n"
    "  local out = calc.inspection(set, insp)\n"
    "  if not finite(out.score) or out.score > set.total + 1e-9 or out.lost < 0 then\n"
    "    inv('a score of %s, %s lost, of %s', tostring(out.score), tostring(out.lost), tostring(set.total)) end\n"
    "  local ok, fired = pcall(calc.vetoes, set, rules, out.by_code, k1, {})\n"
    "  if not ok then message(fired, 'a veto'); fired = nil end\n"
    "  local list = { { kind = k1, score = out.score, date = '2027-01-05', id = 1, lost = out.by_code },\n"
    "    { kind = k2, score = set.total, date = '2027-02-03', id = 2, lost = {} } }\n"
    "  local s = calc.combine(set, list)\n"
    "  if not finite(s) then inv('a period scored %s', tostring(s)) end\n"
    "  local ok2, pf = pcall(calc.period_vetoes, set, rules, list, s)\n"
    "  if not ok2 then message(pf, 'a period veto'); pf = nil end\n"
    "  local g = calc.grade(set, s, fired ~= nil or pf ~= nil)\n"
    "  local known = false\n"
    "  for _, b in ipairs(set.grades) do if b.name == g then known = true end end\n"
    "  if not known then inv('a grade %s that the set does not have', tostring(g)) end\n"
    "end\n"
    "local function ruleset(dir)\n"
    "  local ok, set, err = pcall(rules.load, dir)\n"
    "  if not ok then inv('rules.load raised: %s', tostring(set)) end\n"
    "  if set then check_set(set); score(set) else message(err, 'a rule set') end\n"
    "  ok, set, err = pcall(rules.load, dir, true)\n"
    "  if not ok then inv('rules.load (partial) raised: %s', tostring(set)) end\n"
    "  if set then check_set(set, true) else message(err, 'a partial rule set') end\n"
    "end\n"
    "local function strings(v)\n"
    "  if type(v) == 'string' then return true end\n"
    "  if type(v) ~= 'table' or getmetatable(v) then return false end\n"
    "  for _, s in ipairs(v) do if type(s) ~= 'string' then return false end end\n"
    "  return true\n"
    "end\n"
    "local FIELD, CONV = {}, {}\n"
    "for _, f in ipairs(mappings.fields) do FIELD[f] = true end\n"
    "for _, c in ipairs(mappings.converters) do CONV[c] = true end\n"
    "local function check_mapping(m, dir)\n"
    "  local name = tostring(m.name)\n"
    "  if getmetatable(m) then inv('mapping %s has a metatable', name) end\n"
    "  if type(m.name) ~= 'string' or m.name == '' then inv('a mapping without a name') end\n"
    "  if m.layout ~= 'long' and m.layout ~= 'wide' then inv('mapping %s: layout %s', name, tostring(m.layout)) end\n"
    "  if type(m.fields) ~= 'table' or getmetatable(m.fields) then inv('mapping %s: no fields', name) end\n"
    "  for k, v in next, m.fields do\n"
    "    if not FIELD[k] then inv('mapping %s: field %s', name, tostring(k)) end\n"
    "    if not strings(v) then inv('mapping %s: field %s maps to a %s', name, k, type(v)) end\n"
    "  end\n"
    "  for _, key in ipairs({ 'convert', 'defaults' }) do\n"
    "    local t = m[key]\n"
    "    if t ~= nil and (type(t) ~= 'table' or getmetatable(t)) then inv('mapping %s: %s is a %s', name, key, type(t)) end\n"
    "    for k, v in next, t or {} do\n"
    "      if not FIELD[k] then inv('mapping %s: %s of field %s', name, key, tostring(k)) end\n"
    "      if key == 'convert' and type(v) ~= 'function' and not CONV[v] then\n"
    "        inv('mapping %s: converter %s', name, tostring(v)) end\n"
    "      if key == 'defaults' and type(v) ~= 'string' and type(v) ~= 'number' then\n"
    "        inv('mapping %s: a default of %s that is a %s', name, k, type(v)) end\n"
    "    end\n"
    "  end\n"
    "  for _, key in ipairs({ 'ignore', 'summary' }) do\n"
    "    if m[key] ~= nil and not strings(m[key]) then inv('mapping %s: %s is not strings', name, key) end\n"
    "  end\n"
    "  if type(m.file) ~= 'string' or m.file:sub(1, #dir + 1) ~= dir .. '/' then inv('mapping %s: file %s', name, tostring(m.file)) end\n"
    "end\n"
    "return function(which, dir)\n"
    "  if which == 0 or which == 1 or which == 4 then return ruleset(dir) end\n"
    "  if which == 2 then\n"
    "    local ok, r = pcall(ledger.load, dir .. '/ledger.lua')\n"
    "    if not ok then\n"
    "      message(r, 'the ledger')\n"
    "      -- (or the checklist's line whose severity the ledger no longer has)\n"
    "      if r:sub(1, #'rules/ledger.lua') ~= 'rules/ledger.lua' and not (r:match('^rules/checklist%.lua:%d+: ')\n"
    "          and r:find('rules/ledger.lua', 1, true)) then inv('a ledger error not naming its file: %s', r) end\n"
    "      return\n"
    "    end\n"
    "    for _, it in ipairs({ { code = 'A01', severity = '立行立改', category = '环境卫生' }, { code = 'Z9' }, false }) do\n"
    "      local c = ledger.class_of(r, it or nil)\n"
    "      if type(c) ~= 'table' or math.type(c.days) ~= 'integer' or c.days < 0 then inv('an item without a class of whole days') end\n"
    "      for _, key in ipairs({ 'accountable', 'assigned' }) do\n"
    "        local i = ledger.order_of(r, key, it or nil)\n"
    "        if type(i) ~= 'number' then inv('no %s order', key) end\n"
    "        ledger.pick_order(r, key, i, { ['所'] = '城东所' })\n"
    "      end\n"
    "    end\n"
    "    if ledger.word_days(r, '12个工作日') ~= 12 then inv('12个工作日 is not 12 work days') end\n"
    "    -- the deadlines an import computes, day by day on the calendar\n"
    "    for _, c in ipairs(r.class_list) do calendar.add_workdays('2027-01-05', c.days) end\n"
    "    for w in pairs(r.words) do calendar.add_workdays('2027-01-05', ledger.word_days(r, w)) end\n"
    "    return\n"
    "  end\n"
    "  local mdir = dir .. '/mappings'\n"
    "  local ok, list = pcall(mappings.all, mdir)\n"
    "  if not ok then\n"
    "    message(list, 'a mapping')\n"
    "    if not list:find('rules/mappings/zz.lua', 1, true) then inv('a mapping error not naming its file: %s', list) end\n"
    "    return\n"
    "  end\n"
    "  if type(list) ~= 'table' or #list < 2 then inv('the shipped mappings are gone') end\n"
    "  for _, m in ipairs(list) do check_mapping(m, mdir) end\n"
    "end\n";

/* the shipped files the input replaces, to put back after each run */
static const char *const files[] = { "rules/checklist.lua", "rules/scoring.lua", "rules/ledger.lua",
                                     "rules/mappings/zz.lua", "rules/domain.lua" };
static char *shipped[5];
static size_t shipped_len[5];
static char rules_dir[128];

static void read_shipped(int i)
{
    FILE *f = fopen(files[i], "rb");
    if (!f) fuzz_die("fuzz_dsl", "no shipped rule file (run me from the repository's root)");
    shipped[i] = malloc(1 << 20);
    shipped_len[i] = fread(shipped[i], 1, 1 << 20, f);
    fclose(f);
}

static void setup(lua_State *L)
{
    /* a rules directory named rules, as cwsh's is, with the shipped files */
    snprintf(rules_dir, sizeof rules_dir, "%s/rules", fuzz_rules);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/mappings' && cp rules/domain.lua rules/checklist.lua "
             "rules/scoring.lua rules/ledger.lua '%s/' && cp rules/mappings/*.lua '%s/mappings/' "
             "&& cp -R rules/calendar '%s/'", rules_dir, rules_dir, rules_dir, rules_dir);
    if (system(cmd) != 0) fuzz_die("fuzz_dsl", "cannot copy the rules");
    for (int i = 0; i < 5; i++) if (i != 3) read_shipped(i);
    free(fuzz_session.rules_dir);
    fuzz_session.rules_dir = strdup(rules_dir);
    lua_getglobal(L, "cwsh");
    lua_pushstring(L, rules_dir);
    lua_setfield(L, -2, "rules_dir");
    lua_pop(L, 1);
    lua_pushstring(L, fuzz_session.lua_dir);
    lua_setglobal(L, "cwsh_fuzz_core");
    if (luaL_loadstring(L, driver) != LUA_OK || fuzz_call("fuzz_dsl", 0, 1) != LUA_OK)
        fuzz_die("fuzz_dsl", lua_tostring(L, -1));
    lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.dsl");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = fuzz_lua("fuzz_dsl");
    if (!rules_dir[0]) setup(L);
    if (size == 0) return 0;
    int which = data[0] % 5;
    fuzz_write("fuzz_dsl", files[which], data + 1, size - 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.dsl");
    lua_pushinteger(L, which);
    lua_pushstring(L, rules_dir);
    if (fuzz_call("fuzz_dsl", 2, 0) != LUA_OK) fuzz_die("fuzz_dsl", lua_tostring(L, -1));
    if (which == 3) {
        char path[256];
        snprintf(path, sizeof path, "%s/mappings/zz.lua", rules_dir);
        remove(path);
    } else {
        fuzz_write("fuzz_dsl", files[which], shipped[which], shipped_len[which]);
    }
    lua_settop(L, 0);
    return 0;
}
