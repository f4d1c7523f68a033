-- engine_test.lua — rule unit tests (`cwsh test [DIR] [--run PATTERN]`).
-- Owner: engine helper.
--
-- A test file (rules/tests/*.lua, sandboxed) declares cases:
--
--   case { "暗访扣分加权",
--     inspections = {
--       { kind = "暗访", date = "2027-01-12", results = { A01 = { deduction = 2, count = 2 }, F04 = 1 } },
--       { kind = "督查", date = "2027-01-20", results = { D01 = { count = 8 } } },
--     },
--     expect = { score = 96.1, grade = "不合格", vetoes = { "过期变质商品" },
--                explain = { "A01 地面平整无积水 -2 (2 × 1)" } } }
--
-- A result is a number (the deduction) or { deduction, count, result,
-- note }; result defaults to 不合格 when points are deducted or counted,
-- else 合格.  Items not listed are 合格.  Expectations (all optional):
-- score (to 0.01), grade, tier-free, vetoes (exactly these, any order;
-- {} = none), explain (each string must appear in some explain line),
-- inspections (each inspection's score, in order).
--
-- The cases are scored in memory by engine.detail, the code explain uses,
-- whose item formulas are the ones the SQL path compiles: no database.

local engine = require("engine")
local explain = require("engine_explain")
local rules = require("rules")

local M = {}

local function fixture(set, c, file, line)
  local insps = {}
  for i, x in ipairs(c.inspections or {}) do
    if type(x) ~= "table" then error(("%s:%d: case '%s': inspection %d must be a table"):format(file, line, c[1], i), 0) end
    local res = {}
    for code, r in pairs(x.results or {}) do
      if type(r) == "number" then r = { deduction = r } end
      if type(r) ~= "table" then
        error(("%s:%d: case '%s': result %s must be a number or a table"):format(file, line, c[1], tostring(code)), 0)
      end
      local lost = (r.deduction or 0) > 0 or r.count ~= nil
      res[code] = { deduction = r.deduction or 0, count = r.count, note = r.note,
        result = r.result or (lost and set.domain.results.fail.name or set.domain.results.pass.name) }
    end
    -- an inspection without a kind: the vocabulary's first
    insps[i] = { id = i, kind = x.kind or set.domain.kinds[1].name, date = x.date or "2027-01-01", inspector = x.inspector,
      results = res }
  end
  return insps
end

local function list(t) return table.concat(t, ", ") end

local function same_set(a, b)
  if #a ~= #b then return false end
  local s = {}
  for _, x in ipairs(a) do s[x] = true end
  for _, x in ipairs(b) do if not s[x] then return false end end
  return true
end

-- Run one case; returns a list of failure lines (empty when it passed).
local function run_case(set, c, cov)
  local insps = fixture(set, c, c.file, c.line)
  for _, x in ipairs(insps) do
    for code in pairs(x.results) do
      if not set.by_code[code] then
        return { ("unknown item %s in the fixture"):format(code) }
      end
    end
  end
  local ok, d = pcall(engine.detail, set, insps)
  if not ok then return { "error: " .. tostring(d) } end
  for _, x in ipairs(d.inspections) do
    for code, l in pairs(x.calc.by_code) do if l ~= 0 then cov.items[code] = true end end
    for _, v in ipairs(x.vetoes or {}) do cov.vetoes[v] = true end
    for _, it in ipairs(x.calc.items) do cov.styles[it.it.style] = true end
  end
  for _, v in ipairs(d.period_vetoes or {}) do cov.vetoes[v] = true end
  local e, fails = c.expect or {}, {}
  if #insps == 0 then
    if e.score ~= nil then fails[#fails + 1] = ("score: expected %s, got no score (no inspections)"):format(e.score) end
    return fails
  end
  if e.score ~= nil and math.abs(e.score - d.score) > 0.005 then
    fails[#fails + 1] = ("score: expected %s, got %s"):format(e.score, ("%.4f"):format(d.score):gsub("0+$", ""):gsub("%.$", ""))
  end
  if e.grade ~= nil and e.grade ~= d.grade then
    fails[#fails + 1] = ("grade: expected %s, got %s"):format(e.grade, d.grade)
  end
  if e.vetoes ~= nil and not same_set(e.vetoes, d.vetoes) then
    fails[#fails + 1] = ("vetoes: expected {%s}, got {%s}"):format(list(e.vetoes), list(d.vetoes))
  end
  if e.inspections ~= nil then
    local got = {}
    for i, x in ipairs(d.inspections) do got[i] = explain.trim(x.score) end
    local want = {}
    for i, s in ipairs(e.inspections) do want[i] = explain.trim(s) end
    if list(got) ~= list(want) then
      fails[#fails + 1] = ("inspections: expected {%s}, got {%s}"):format(list(want), list(got))
    end
  end
  if e.explain ~= nil then
    local lines = explain.lines(set, c[1], "test", d)
    for _, want in ipairs(e.explain) do
      local found = false
      for _, l in ipairs(lines) do if l.text:find(want, 1, true) then found = true break end end
      if not found then
        fails[#fails + 1] = ("explain: no line contains %q; the lines are:"):format(want)
        for _, l in ipairs(lines) do fails[#fails + 1] = "    " .. l.text end
      end
    end
  end
  return fails
end

-- Load the cases of every *.lua in dir.
local function load_cases(dir)
  local names, err = cwsh.listdir(dir)
  if not names then error(err, 0) end
  local cases = {}
  local api = {}
  function api.case(t)
    local info = debug.getinfo(2, "Sl")
    local file, line = (info.source or "?"):gsub("^@", ""), info.currentline
    if type(t) ~= "table" or type(t[1]) ~= "string" then
      error(("%s:%d: case expects { \"name\", inspections = {...}, expect = {...} }"):format(file, line), 0)
    end
    t.file, t.line = file, line
    cases[#cases + 1] = t
  end
  for _, n in ipairs(names) do
    if n:match("%.lua$") then
      local chunk, lerr = cwsh.sandbox_load(dir .. "/" .. n, api)
      if not chunk then error(lerr, 0) end
      local ok, e = pcall(cwsh.budget, rules.BUDGET, chunk)
      if not ok then error(tostring(e), 0) end
    end
  end
  return cases
end

local function matches(name, pat)
  if not pat then return true end
  local ok, r = pcall(string.find, name, pat)
  if ok and r then return true end
  return name:find(pat, 1, true) ~= nil
end

-- Run the tests in dir under `set`; returns report text and whether all passed.
function M.run(set, dir, pattern)
  local cases = load_cases(dir)
  local cov = { items = {}, vetoes = {}, styles = {} }
  local out, n, failed = {}, 0, 0
  for _, c in ipairs(cases) do
    if matches(c[1], pattern) then
      n = n + 1
      local fails = run_case(set, c, cov)
      if #fails > 0 then
        failed = failed + 1
        out[#out + 1] = ("FAIL %s (%s:%d)"):format(c[1], c.file, c.line)
        for _, f in ipairs(fails) do out[#out + 1] = "  " .. f end
      end
    end
  end
  local ni, nv, miss_i, miss_v = 0, 0, {}, {}
  for _, it in ipairs(set.items) do
    if cov.items[it.code] then ni = ni + 1 else miss_i[#miss_i + 1] = it.code end
  end
  for _, v in ipairs(set.vetoes) do
    if cov.vetoes[v.name] then nv = nv + 1 else miss_v[#miss_v + 1] = v.name end
  end
  local head = failed == 0 and ("ok %d rule tests"):format(n) or ("FAILED %d of %d rule tests"):format(failed, n)
  out[#out + 1] = ("%s; coverage: %d/%d items, %d/%d vetoes"):format(head, ni, #set.items, nv, #set.vetoes)
  if #miss_i > 0 then out[#out + 1] = "items no test exercised: " .. list(miss_i) end
  if #miss_v > 0 then out[#out + 1] = "vetoes no test exercised: " .. list(miss_v) end
  local styles = {}
  for _, s in ipairs({ "plain", "per_count", "bands" }) do
    local used = false
    for _, it in ipairs(set.items) do if it.style == s then used = true end end
    if used and not cov.styles[s] then styles[#styles + 1] = s end
  end
  if #styles > 0 then out[#out + 1] = "item styles no test exercised: " .. list(styles) end
  return table.concat(out, "\n"), failed == 0, n
end

return M
