-- rules.lua — the rule DSL, loading and checking a rule set, the active
-- set, atomic reload and the `.rules` dot-command.  Owner: engine helper.
--
-- A rule set is the vocabulary rules/domain.lua (loaded by core/lua/domain.lua)
-- and every other rules/*.lua file (sorted by name; the subdirectories
-- mappings/ and tests/ are not rules; targets.lua is the targets table,
-- loaded by core/lua/targets.lua, and schedule.lua the schedule, loaded by
-- core/lua/schedule.lua), each run sandboxed through
-- cwsh.sandbox_load with the DSL below as its API.  Rule files are
-- untrusted: the DSL functions here are trusted and record the file:line
-- of every declaration (debug.getinfo is not in the sandbox, so the
-- caller's position is taken here, at level 2).
--
--   name "2027"
--   item { "A01", "地面平整无积水", category = "环境卫生", points = 4,
--          per_count = 1, severity = "立行立改" }      -- style: per count
--   item { "D01", "健康教育宣传栏规范", category = "健康教育与公示",
--          points = 3, bands = true }                -- style: 10-point band
--   item { "F04", "无过期变质商品", category = "食品安全与活禽", points = 4 }
--   category { "环境卫生", points = 22 }              -- cap
--   veto { "过期变质商品", when = function(i) return i:lost("F04") > 0 end }
--          -- i:lost(code), i:kept(code), i:score_rate(code, ...), i.kind
--   grades { {90, "优秀"}, {80, "良好"}, {70, "合格"}, {0, "不合格"} }
--   tiers { "上游", "中游", "下游" }
--   combine { method = "weighted" }   -- weights: the kinds' (domain.lua);
--          weights = { [kind] = w } overrides them, default_weight = 1
--   total(100)
--   calendar.add_workdays("2026-02-13", 1)   -- the work calendar (calendar.lua)
--
-- Load checks (each refused with the file:line of the declaration): an item
-- without points, a duplicate item code, an item in an undeclared category,
-- a veto naming an unknown item, items whose points do not add up to the
-- declared total, grades whose last band starts above 0, an item's
-- severity that ledger.lua does not declare, a period veto counting a kind
-- domain.lua lacks.  A veto's items are found by a dry run at load: its
-- `when` runs once on an inspection that lost nothing and once on one that
-- lost everything, and every item it asks about is recorded (an unknown
-- one is an error).  A veto may also list them: `items = {"F01", "F02"}`.
-- At scoring time a veto is evaluated once per distinct combination of
-- those items' values (memoised), so asking about an item the dry runs did
-- not see is refused with the veto's file:line: declare it in `items`.
--
-- Every rule function (file bodies, `when`) runs under cwsh.budget, so an
-- endless loop stops with "instruction budget exceeded" and the rule's
-- file:line, and a failed load or reload leaves the active set as it was
-- (the new set is built completely before it replaces the old one).

local domain = require("domain")

local M = {}

M.BUDGET = 1000000          -- instructions per rule function call

local active                -- the active rule set

local srcpos = require("srcpos")
local fail = srcpos.fail
local function where(level) local f, l = srcpos.where(level + 1); return f, l end
-- a number that is not NaN nor infinite: 0/0 passes `<= 0` checks and
-- makes every sum it is in NaN, which then compares unequal to nothing
local function finite(x) return type(x) == "number" and x == x and x > -math.huge and x < math.huge end

-- --------------------------------------------------------- inspections
-- The object a veto's `when` receives.  `v` maps item code -> points lost
-- (after the item's own cap), `kind` the inspection kind (自查 督查 全面督查
-- 暗访 考核).  Nothing else is visible, so a veto's answer depends only on
-- the kind and its items' values, which is what makes memoising it sound.  Item codes that
-- the set does not know are errors; `seen` records what was asked.

-- The methods live in a table of their own that no rule can reach: with
-- __index = Insp, `i.__index` handed a veto the shared class, and a rule
-- set could replace `lost` for every other (a draft in whatif, the
-- active one).
local Insp, insp_methods = {}, {}
Insp.__index = insp_methods
Insp.__metatable = false
Insp.__newindex = function() error("an inspection is read-only", 2) end
-- The values live outside the object, so a rule cannot change them.
local priv = setmetatable({}, { __mode = "k" })

function M.inspection(set, lost, kind, seen)
  local o = setmetatable({}, Insp)
  rawset(o, "kind", kind)
  priv[o] = { set = set, lost = lost, seen = seen }
  return o
end

local function item_of(self, code)
  local p = priv[self]
  local it = p.set.by_code[code]
  if not it then error(("unknown item '%s'"):format(tostring(code)), 3) end
  if p.seen then p.seen[code] = true end
  return it, p.lost[code] or 0
end

-- points lost on item `code` in this inspection
function insp_methods:lost(code)
  local _, l = item_of(self, code)
  return l
end

-- points kept on the items, as a share of their points (1 = nothing lost)
function insp_methods:score_rate(...)
  local pts, lost = 0, 0
  for _, code in ipairs({ ... }) do
    local it, l = item_of(self, code)
    pts = pts + it.points
    lost = lost + l
  end
  if pts == 0 then return 1 end
  return (pts - lost) / pts
end

-- points kept on one item
function insp_methods:kept(code)
  local it, l = item_of(self, code)
  return it.points - l
end

-- ------------------------------------------------------------- periods
-- The object a period veto's `when` receives (veto { ..., period = true }):
-- one market's inspections in the period being scored.  `list` holds {
-- kind, score, lost = { code -> points lost } } per inspection and
-- `score` the period's combined score.  Read-only, like an inspection.

local Period, period_methods = {}, {}
Period.__index = period_methods
Period.__metatable = false
Period.__newindex = function() error("a period is read-only", 2) end

function M.period(set, list, score, seen)
  local o = setmetatable({}, Period)
  priv[o] = { set = set, list = list, score = score, seen = seen }
  return o
end

local function period_item(self, code)
  local p = priv[self]
  if not p.set.by_code[code] then error(("unknown item '%s'"):format(tostring(code)), 3) end
  if p.seen then p.seen[code] = true end
  return p
end

-- number of inspections in the period, of one kind when given (a kind the
-- vocabulary lacks is an error: it counted 0 and the veto never fired)
function period_methods:count(kind)
  local d = priv[self].set.domain
  if kind ~= nil and not d.by_kind[kind] then
    error(("p:count: unknown kind '%s' (kinds of %s: %s)"):format(tostring(kind), d.file,
      table.concat(domain.kind_names(d), ", ")), 2)
  end
  local n = 0
  for _, x in ipairs(priv[self].list) do if not kind or x.kind == kind then n = n + 1 end end
  return n
end

-- number of inspections in which item `code` lost points
function period_methods:times(code)
  local n = 0
  for _, x in ipairs(period_item(self, code).list) do if (x.lost[code] or 0) > 0 then n = n + 1 end end
  return n
end

-- points lost on item `code`, summed over the period's inspections
function period_methods:lost(code)
  local s = 0
  for _, x in ipairs(period_item(self, code).list) do s = s + (x.lost[code] or 0) end
  return s
end

-- the period's score (the inspections combined), and its worst inspection
function period_methods:score() return priv[self].score or priv[self].set.total end
function period_methods:worst()
  local w
  for _, x in ipairs(priv[self].list) do if not w or x.score < w then w = x.score end end
  return w or priv[self].set.total
end

-- ------------------------------------------------------------ the DSL

local function new_api(set)
  local api = {}
  -- the work calendar (core/lua/calendar.lua): calendar.kind(date),
  -- is_workday, add_workdays(date, n), workdays(from, to), next_workday
  api.calendar = require("calendar").api
  local function pos() local f, l = where(3); return f, l end

  function api.name(s)
    local f, l = pos()
    if type(s) ~= "string" then fail(f, l, "name expects a string: name \"2027\"") end
    set.name = s
  end

  function api.item(t)
    local f, l = pos()
    if type(t) ~= "table" then fail(f, l, "item expects a table: item { \"A01\", \"title\", category = ..., points = ... }") end
    -- every field read once: a table of the rule's may have an __index
    -- that answers differently the next time (a checked 4, then 0/0)
    local code, title = t[1] or t.code, t[2] or t.title
    t = { points = t.points, category = t.category, per_count = t.per_count, bands = t.bands,
      severity = t.severity }
    if type(code) ~= "string" or code == "" then fail(f, l, "item without a code") end
    if type(title) ~= "string" then fail(f, l, "item %s has no title", code) end
    if set.by_code[code] then
      local o = set.by_code[code]
      fail(f, l, "duplicate item code %s (first declared at %s:%d)", code, o.file, o.line)
    end
    if type(t.points) ~= "number" then fail(f, l, "item %s has no points", code) end
    if not finite(t.points) then fail(f, l, "item %s: points must be a finite number", code) end
    if t.points <= 0 then fail(f, l, "item %s: points must be positive", code) end
    if type(t.category) ~= "string" then fail(f, l, "item %s has no category", code) end
    if t.per_count ~= nil and (not finite(t.per_count) or t.per_count <= 0) then
      fail(f, l, "item %s: per_count must be a positive number", code)
    end
    if t.bands ~= nil and t.bands ~= true and t.bands ~= false then
      fail(f, l, "item %s: bands must be true or false", code)
    end
    if t.per_count and t.bands then fail(f, l, "item %s: per_count and bands exclude each other", code) end
    if t.severity ~= nil and type(t.severity) ~= "string" then fail(f, l, "item %s: severity must be a string", code) end
    local it = { code = code, title = title, category = t.category, points = t.points,
      severity = t.severity, per_count = t.per_count, bands = t.bands or nil,
      style = t.per_count and "per_count" or (t.bands and "bands" or "plain"),
      file = f, line = l }
    set.items[#set.items + 1] = it
    set.by_code[code] = it
  end

  function api.category(t)
    local f, l = pos()
    if type(t) ~= "table" then fail(f, l, "category expects { \"name\", points = N }") end
    t = { t[1], points = t.points }             -- read once (see item)
    if type(t[1]) ~= "string" then fail(f, l, "category expects { \"name\", points = N }") end
    if type(t.points) ~= "number" then fail(f, l, "category %s has no points", t[1]) end
    if not finite(t.points) then fail(f, l, "category %s: points must be a finite number", t[1]) end
    if set.by_category[t[1]] then fail(f, l, "duplicate category %s", t[1]) end
    local c = { name = t[1], cap = t.points, file = f, line = l }
    set.categories[#set.categories + 1] = c
    set.by_category[c.name] = c
  end

  function api.veto(t)
    local f, l = pos()
    if type(t) == "table" then t = { t[1], when = t.when, items = t.items, period = t.period } end   -- read once
    if type(t) ~= "table" or type(t[1]) ~= "string" then fail(f, l, "veto expects { \"name\", when = function(i) ... end }") end
    if type(t.when) ~= "function" then fail(f, l, "veto %s has no 'when' function", t[1]) end
    if t.items ~= nil and type(t.items) ~= "table" then fail(f, l, "veto %s: items must be a list of item codes", t[1]) end
    -- copied here, under the rule's budget: the checks read them later
    -- without one, and a table of the rule's may have metamethods
    local declared
    if t.items ~= nil then
      declared = {}
      for i = 1, rawlen(t.items) do
        local c = rawget(t.items, i)
        if type(c) ~= "string" then fail(f, l, "veto %s: items must be a list of item codes", t[1]) end
        declared[i] = c
      end
    end
    if t.period ~= nil and type(t.period) ~= "boolean" and t.period ~= "month" then
      fail(f, l, "veto %s: period must be true, false or \"month\" (each month of the period on its own)", t[1])
    end
    set.vetoes[#set.vetoes + 1] = { name = t[1], when = t.when, declared = declared, period = t.period or false,
      file = f, line = l }
  end

  function api.grades(t)
    local f, l = pos()
    if type(t) ~= "table" or #t == 0 then fail(f, l, "grades expects { {90, \"优秀\"}, ... }") end
    local g, last = {}, math.huge
    for _, b in ipairs(t) do
      if type(b) == "table" then b = { b[1], b[2] } end    -- read once (see item)
      if type(b) ~= "table" or type(b[1]) ~= "number" or type(b[2]) ~= "string" then
        fail(f, l, "grades: each band is {minimum, \"name\"}")
      end
      if b[1] ~= b[1] or b[1] >= last then fail(f, l, "grades: minimums must decrease") end
      last = b[1]
      g[#g + 1] = { min = b[1], name = b[2] }
    end
    -- the last band grades every lower score and every vetoed market:
    -- starting above 0, it gave a score below all bands and a vetoed
    -- market that band's name (良好 for a veto)
    if last > 0 then
      fail(f, l, "grades: the last band must start at 0, not %g: it is the grade of every lower score and of a vetoed market (add {0, \"不合格\"})", last)
    end
    set.grades, set.grades_at = g, { file = f, line = l }
  end

  function api.tiers(t)
    local f, l = pos()
    if type(t) ~= "table" or #t == 0 then fail(f, l, "tiers expects { \"上游\", \"中游\", \"下游\" }") end
    local names = {}                            -- read once (see item)
    for _, s in ipairs(t) do
      if type(s) ~= "string" then fail(f, l, "tiers: names must be strings") end
      names[#names + 1] = s
    end
    if #names == 0 then fail(f, l, "tiers expects { \"上游\", \"中游\", \"下游\" }") end
    set.tiers = names
  end

  function api.combine(t)
    local f, l = pos()
    if type(t) ~= "table" then fail(f, l, "combine expects { method = \"weighted\" | \"worst\" | \"latest\", ... }") end
    t = { method = t.method, weights = t.weights, default_weight = t.default_weight }   -- read once (see item)
    local m = t.method or "weighted"
    if m ~= "weighted" and m ~= "worst" and m ~= "latest" then
      fail(f, l, "combine: unknown method '%s' (weighted, worst, latest)", tostring(m))
    end
    local w = {}
    for k, v in pairs(t.weights or {}) do
      if type(k) ~= "string" or not finite(v) or v <= 0 then
        fail(f, l, "combine: weights are kind = positive number")
      end
      w[k] = v
    end
    if t.default_weight ~= nil and (not finite(t.default_weight) or t.default_weight <= 0) then
      fail(f, l, "combine: default_weight must be a positive number")
    end
    set.combine = { method = m, weights = w, default_weight = t.default_weight or 1, file = f, line = l }
  end

  -- on("import", fn): a handler of the core's events (events.lua), kept
  -- with this rule set.
  function api.on(name, fn)
    local f, l = pos()
    local ok, err = pcall(require("events").check, name, fn, 0)
    if not ok then fail(f, l, "%s", err) end
    set.handlers = set.handlers or {}
    set.handlers[name] = set.handlers[name] or {}
    table.insert(set.handlers[name], { fn = fn, file = f, line = l })
  end

  function api.total(n)
    local f, l = pos()
    if type(n) ~= "number" then fail(f, l, "total expects a number: total(100)") end
    if not finite(n) then fail(f, l, "total must be a finite number") end
    set.total, set.total_at = n, { file = f, line = l }
  end

  return api
end

-- --------------------------------------------------------------- checks

-- An error from rule code, without a position that is not the rule's own
-- (a stop by the instruction budget can carry the host's position).
function M.clean(err, file)
  local msg = tostring(err)
  -- coroutine.wrap adds the resuming line to an error that has its own
  -- position: keep the inner one, where the rule was running
  local outer = msg:match("^([^\n]-%.lua:%d+: )[^\n]-%.lua:%d+: ")
  if outer then msg = msg:sub(#outer + 1) end
  local at = msg:match("^([^\n]-%.lua):%d+: ")
  if at and at ~= file then msg = msg:gsub("^[^\n]-%.lua:%d+: ", "", 1) end
  return msg
end

-- Run a veto's `when` under the instruction budget; errors name the veto.
-- The message for an error raised by a veto's `when`: the line in the
-- rule file that was running when there is one (a budget stop inside the
-- veto), else where the veto is declared.
function M.veto_error(v, err)
  local msg = tostring(err)
  local file, line, rest = msg:match("^([^\n]-%.lua):(%d+): (.*)$")
  if file ~= v.file then file, line, rest = v.file, v.line, M.clean(msg, v.file) end
  return ("%s:%s: veto '%s': %s"):format(file, line, v.name, rest)
end

-- `when` must answer true or false: 0 is true in Lua, so a veto returning
-- i:lost("F04") would veto every inspection, and a forgotten `return`
-- would veto none.
local function answer(v, ...)
  local r = ...
  if select("#", ...) == 0 then r = nil end
  if type(r) == "boolean" then return r end
  -- a string or a number by its value, anything else by its type: this
  -- runs outside the budget, so no __tostring of the rule's may run here
  local what = select("#", ...) == 0 and "nothing" or type(r) == "string" and ("string %q"):format(r)
    or type(r) == "number" and ("number %s"):format(tostring(r)) or type(r)
  error(("%s:%d: veto '%s': when returned %s, not true or false (write a comparison: i:lost(\"F04\") > 0)"):format(
    v.file, v.line, v.name, what), 0)
end

function M.call_veto(v, insp)
  local res = table.pack(pcall(cwsh.budget, M.BUDGET, v.when, insp))
  if not res[1] then error(M.veto_error(v, res[2]), 0) end
  return answer(v, table.unpack(res, 2, res.n))
end

local function check(set)
  if #set.items == 0 then error("no items in the rule set", 0) end
  for _, it in ipairs(set.items) do
    if not set.by_category[it.category] then
      fail(it.file, it.line, "item %s: category '%s' is not declared (category { \"%s\", points = N })",
        it.code, it.category, it.category)
    end
  end
  local sum = 0
  for _, it in ipairs(set.items) do sum = sum + it.points end
  if set.total then
    if math.abs(sum - set.total) > 1e-9 then
      fail(set.total_at.file, set.total_at.line, "items add up to %g points, total declares %g", sum, set.total)
    end
  else
    set.total = sum
  end
  for _, c in ipairs(set.categories) do
    local s = 0
    for _, it in ipairs(set.items) do if it.category == c.name then s = s + it.points end end
    c.items_points = s
  end
  -- vetoes: declared items must exist; dry runs find what `when` reads
  for _, v in ipairs(set.vetoes) do
    local deps = {}
    for _, code in ipairs(v.declared or {}) do
      if not set.by_code[code] then fail(v.file, v.line, "veto '%s' names unknown item '%s'", v.name, tostring(code)) end
      deps[code] = true
    end
    local all = {}
    for _, it in ipairs(set.items) do all[it.code] = it.points end
    for _, lost in ipairs({ {}, all }) do
      local seen = {}
      local arg = M.inspection(set, lost, set.domain.kinds[1].name, seen)
      if v.period then      -- one inspection of every kind, so `p:count(kind) > 0 and ...` reads on
        local list = {}
        for _, k in ipairs(domain.kind_names(set.domain)) do list[#list + 1] = { kind = k, score = set.total, lost = lost } end
        arg = M.period(set, list, nil, seen)
      end
      local res = table.pack(pcall(cwsh.budget, M.BUDGET, v.when, arg))
      local ok, err = res[1], res[2]
      if ok then answer(v, table.unpack(res, 2, res.n)) end
      if not ok then
        local msg = tostring(err):gsub("^[^:]*:%d+: ", "")
        if msg:find("^unknown item") then
          fail(v.file, v.line, "veto '%s' names %s", v.name, msg)
        end
        error(M.veto_error(v, err), 0)
      end
      for code in pairs(seen) do deps[code] = true end
    end
    local list = {}
    for code in pairs(deps) do list[#list + 1] = code end
    table.sort(list)
    v.items = list
  end
  set.grades = set.grades or { { min = 90, name = "优秀" }, { min = 80, name = "良好" },
    { min = 70, name = "合格" }, { min = -math.huge, name = "不合格" } }
  set.tiers = set.tiers or { "上游", "中游", "下游" }
  set.combine = set.combine or { method = "weighted", weights = {}, default_weight = 1 }
  -- the kinds' weights come from the vocabulary; combine { weights } overrides them
  local w = {}
  for _, k in ipairs(set.domain.kinds) do w[k.name] = k.weight end
  for k, v in pairs(set.combine.weights) do
    if not set.domain.by_kind[k] then
      fail(set.combine.file, set.combine.line, "combine: weight for '%s', which is not an inspection kind (%s)",
        k, table.concat(domain.kind_names(set.domain), ", "))
    end
    w[k] = v
  end
  set.combine.weights = w
end

-- Load the rule set in `dir`: the vocabulary (domain.lua, see
-- core/lua/domain.lua) and every other *.lua file.  Returns the set, or
-- nil and "file:line: msg".
--
-- partial: only what an import needs, the vocabulary and the checklist,
-- from the files that load: vetoes, grades, tiers and combine are left
-- out, and a file that fails is skipped (set.skipped holds why), so that
-- a broken scoring.lua does not stop imports.
-- The files of the rules directory that are not scoring rules: each has
-- its own loader (targets.lua, schedule.lua, ledger_rules.lua, rewards.lua).
M.NOT_RULES = { ["targets.lua"] = true, ["schedule.lua"] = true, ["ledger.lua"] = true, ["rewards.lua"] = true }

-- Every item's severity must be a class of the ledger's rules (ledger.lua
-- of the set's directory, or its defaults): an unknown one took the
-- default class without a word.  A ledger.lua that does not load is not
-- this set's fault; the ledger commands report it.
local function check_severities(set)
  local lrules = require("ledger_rules")
  local ok, r = pcall(lrules.read, set.dir .. "/" .. lrules.FILE, set)
  if ok then lrules.check_items(r, set) end
end

function M.load(dir, partial)
  local names, err = cwsh.listdir(dir)
  if not names then return nil, err end
  local voc, verr = domain.load(dir)
  if not voc then return nil, verr end
  local set = { dir = dir, domain = voc, items = {}, by_code = {}, categories = {}, by_category = {},
    vetoes = {}, files = {}, skipped = {} }
  -- the hash covers the bytes that ran (each file is read once, by
  -- cwsh.sandbox_load): the vocabulary's (the weights are in it), then
  -- every rule file's
  local texts = { voc.text or "" }
  for _, n in ipairs(names) do
    if n:match("%.lua$") and n ~= domain.FILE and not M.NOT_RULES[n] then
      set.files[#set.files + 1] = dir .. "/" .. n
    end
  end
  if #set.files == 0 then return nil, ("no rule files (*.lua) in '%s'"):format(dir) end
  local api = new_api(set)
  if partial then
    for _, k in ipairs({ "veto", "grades", "tiers", "combine" }) do api[k] = function() end end
  end
  local function run(path, i)
    local chunk, lerr, text = cwsh.sandbox_load(path, api)
    if not chunk then error(lerr, 0) end
    texts[i + 1] = text
    local cok, cerr = pcall(cwsh.budget, M.BUDGET, chunk)
    if not cok then
      local short = M.short(path)
      cerr = M.clean(cerr, short)
      if cerr:sub(1, #short + 1) ~= short .. ":" then cerr = short .. ": " .. cerr end
      error(cerr, 0)
    end
  end
  local ok, e = pcall(function()
    for i, path in ipairs(set.files) do
      if not partial then
        run(path, i)
      else                      -- a file that fails leaves nothing behind
        local ni, nc = #set.items, #set.categories
        local fok, ferr = pcall(run, path, i)
        if not fok then
          for i = #set.items, ni + 1, -1 do set.by_code[set.items[i].code] = nil; set.items[i] = nil end
          for i = #set.categories, nc + 1, -1 do
            set.by_category[set.categories[i].name] = nil; set.categories[i] = nil
          end
          set.skipped[#set.skipped + 1] = tostring(ferr)
        end
      end
    end
    check(set)
    if not partial then check_severities(set) end
  end)
  -- what a partial set lacks most likely comes from a file it skipped
  if not ok and partial and #set.skipped > 0 then return nil, set.skipped[1] end
  if not ok then return nil, tostring(e) end
  for i = 1, #set.files do texts[i + 1] = texts[i + 1] or "" end   -- a skipped file that did not compile
  set.hash = cwsh.hash(table.concat(texts) .. (partial and "\0partial" or ""))
  set.name = set.name or dir:match("([^/]+)/*$") or dir
  set.ncategories = #set.categories
  set.partial = partial or nil
  return set
end

-- What the other files of the rules directory (ledger.lua, schedule.lua,
-- rewards.lua) may name, so a typo there is refused where it is declared:
-- from `set`, else the active set, else what an import reads.  { domain,
-- by_code, items = "A01, A02, ...", by_category, tiers = { [name] = true }
-- and tier_list (nil for a partial set: it skips scoring.lua's tiers) },
-- or nil when no set has been loaded (those files are checked on their own).
function M.names(set)
  set = set or active or partial
  if not set then return nil end
  if not set.names then
    local codes = {}
    for _, it in ipairs(set.items) do codes[#codes + 1] = it.code end
    local n = { domain = set.domain, by_code = set.by_code, items = table.concat(codes, ", "),
      by_category = set.by_category }
    if not set.partial then
      n.tiers, n.tier_list = {}, table.concat(set.tiers, ", ")
      for _, t in ipairs(set.tiers) do n.tiers[t] = true end
    end
    set.names = n
  end
  return set.names
end

-- ----------------------------------------------------------- the store

-- Mirror the items into the store's `item` table so imports resolve codes,
-- and the result words (which stored word means pass, fail, na) for the
-- views that count failures.  Skipped when the store already mirrors this
-- set (no write at start-up).
function M.sync(set)
  if not db then return end
  local store = require("store")
  local res = set.domain.results
  store.sync_result_words({ pass = res.pass.name, fail = res.fail.name, na = res.na.name })
  store.sync_items(set.items, set.hash)
end

function M.current() return active end

-- What an import needs, { items, domain, hash }: from the active set,
-- else (a rule file does not load, e.g. a broken scoring.lua) from the
-- files that do (M.load partial, read once until the next reload and
-- mirrored into the store like an active set).  The core turns it into the C
-- vocabulary plugins get (host->domain); the same table while the set is
-- active, so the core builds that once.  Returns the view, or nil and why.
local partial                -- the fallback set, until the next reload
function M.import_view()
  local set = active or partial
  if not set then
    local err
    set, err = M.load(cwsh.rules_dir, true)
    if not set then return nil, err end
    local ok, serr = pcall(M.sync, set)
    if not ok then return nil, "cannot write the checklist into the database: " .. tostring(serr) end
    partial = set
  end
  set.view = set.view or { items = set.items, domain = set.domain, hash = set.hash }
  return set.view
end

-- Make `set` active (and mirror it into the store).
function M.activate(set)
  local ok, err = pcall(M.sync, set)
  if not ok then cwsh.notice("rules: cannot write the checklist into the database: " .. tostring(err)) end
  active = set
  return set
end

-- Load cwsh.rules_dir; on error the active set stays.  Returns set | nil, err.
function M.reload(dir)
  partial = nil               -- the files changed, maybe: read them again
  local set, err = M.load(dir or cwsh.rules_dir)
  if not set then return nil, err end
  return M.activate(set)
end

-- The name a rule file's messages use (srcpos.short).
M.short = srcpos.short

local function summary(set)
  return ("%s (%s): %d items, %d categories, %d vetoes, %g points"):format(set.name,
    set.hash:sub(1, 7), #set.items, #set.categories, #set.vetoes, set.total)
end
M.summary = summary

cwsh.command {
  name = ".rules",
  usage = ".rules [reload]",
  help = "show the active rule set; `reload` loads rules/ again (on error the current set stays)",
  complete = function() return { "reload" } end,
  run = function(args)
    local sub = args[1]
    if sub == "reload" then
      local set, err = M.reload()
      if not set then
        error(("rules not reloaded: %s\nthe active rules stay: %s"):format(err,
          active and summary(active) or "none"), 0)
      end
      return "rules reloaded: " .. summary(set)
    elseif sub ~= nil then
      error((".rules: unknown argument '%s' (usage: .rules [reload])"):format(sub), 0)
    end
    if not active then return "no rules loaded (rules directory: " .. tostring(cwsh.rules_dir) .. ")" end
    local lines = { "rules " .. summary(active), "hash " .. active.hash }
    local d = active.domain
    local kinds = {}
    for _, k in ipairs(d.kinds) do
      kinds[#kinds + 1] = k.weight == 1 and k.name or ("%s×%g"):format(k.name, k.weight)
    end
    local units = {}
    for _, u in ipairs(d.units) do units[#units + 1] = u.name end
    lines[#lines + 1] = ("  %s: kinds %s; results %s %s %s; units %s; %d date forms"):format(d.file,
      table.concat(kinds, " "), d.results.pass.name, d.results.fail.name, d.results.na.name,
      table.concat(units, " "), #d.dates)
    for _, f in ipairs(active.files) do
      local short, n, nv = M.short(f), 0, 0
      for _, it in ipairs(active.items) do if it.file == short then n = n + 1 end end
      for _, v in ipairs(active.vetoes) do if v.file == short then nv = nv + 1 end end
      lines[#lines + 1] = ("  %s: %d items, %d vetoes"):format(short, n, nv)
    end
    for _, c in ipairs(active.categories) do
      local n = 0
      for _, it in ipairs(active.items) do if it.category == c.name then n = n + 1 end end
      lines[#lines + 1] = ("  category %s: %d items, cap %g"):format(c.name, n, c.cap)
    end
    for _, v in ipairs(active.vetoes) do
      lines[#lines + 1] = ("  veto %s (%s) at %s:%d"):format(v.name, table.concat(v.items, ","), v.file, v.line)
    end
    return table.concat(lines, "\n")
  end,
}

-- Load the default rules at start-up; an error is reported, not fatal.
-- The module is registered first: what a rule file reaches while loading
-- may require("rules"), and a module still loading is not in
-- package.loaded, so require would run this file again, which would load
-- the rules again, and so on until the C stack overflowed.
package.loaded.rules = M
if cwsh.rules_dir then
  local set, err = M.reload()
  if not set then cwsh.notice("rules not loaded: " .. tostring(err)) end
end

return M
