-- targets.lua — the targets breakdown table (目标任务细化分解表): the DSL
-- of rules/targets.lua, loading it, and computing each task's progress
-- and status.
--
--   task { "3.2.1", "两个规范",                  -- hierarchical code, the task
--     area = "宣传", level = "market",          -- level: bureau | unit | market
--     target = "...", measures = "...",         -- what counts as done, how
--     lead = "办公室", support = { "各所" },      -- 牵头 and 配合 units
--     person = "张伟", standard = "...",         -- responsible, acceptance
--     deadline = "2027-06-30",                  -- or phase = { FROM, TO }
--     check = function(d) return done, due, "evidence" end }
--   unit_marks { "有专班", "有计划", "有部署", "有成效", "有总结" }
--                                              -- what each station shows per year
--   upgrade_items { "地面", "货台", ... }        -- the facility items of an upgrade
--
-- The file is untrusted like every rule file: it runs through
-- cwsh.sandbox_load with `task` as its only API, and each `check` runs
-- under cwsh.budget with `d`, a read-only view of the data (below).  A
-- check that fails shows its error (with the file:line) in its row;
-- progress is done / due, never a number the check did not compute.

local rules = require("rules")
local calc = require("engine_calc")

local M = { FILE = "targets.lua", BUDGET = rules.BUDGET }
M.LEVELS = { bureau = true, unit = true, market = true }

local function where(level)
  local info = debug.getinfo(level + 1, "Sl")
  return (info and info.source or "?"):gsub("^@", ""), info and info.currentline or 0
end

local function fail(file, line, fmt, ...) error(("%s:%d: " .. fmt):format(file, line, ...), 0) end

-- "YYYY-MM-DD" naming a day of the calendar (2027-02-30 does not).
local function is_date(s)
  if type(s) ~= "string" then return false end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or m < 1 or m > 12 or d < 1 then return false end
  local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
  local len = ({ 31, leap and 29 or 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
  return d <= len
end
M.is_date = is_date


-- Days since 1970-01-01 of "YYYY-MM-DD" (proleptic Gregorian).
function M.days(s)
  local y, m, d = s:match("^(%d+)%-(%d+)%-(%d+)")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- The upgrade states in the bureau's words (the store keeps planned,
-- renovating, upgraded; the commands take either).
M.STATE_ZH = { planned = "计划改造", renovating = "改造中", upgraded = "已改造" }
M.PLAN_ZH = { bureau = "全局总体规划", unit = "所、分局、主办单位的计划", market = "市场实施方案" }

local STRINGS = { "area", "target", "measures", "lead", "person", "standard" }

-- Every field a task may have (besides its code and title first).
local FIELDS = { "code", "title", "area", "level", "target", "measures", "lead", "support", "person", "standard",
  "deadline", "phase", "pace", "check" }
local FIELD = {}
for _, k in ipairs(FIELDS) do FIELD[k] = true end

-- How a task's status is judged before its deadline (README, "Status"):
-- phase, its progress against the elapsed share of the phase; deadline,
-- at its deadline only (an all-or-nothing deliverable of the phase's end);
-- to_date, a check counting what was due up to the day (behind below 100 %).
M.PACES = { phase = true, deadline = true, to_date = true }

-- Levenshtein distance of two short ASCII words, for "did you mean".
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a:sub(i, i) == b:sub(j, j) and 0 or 1))
    end
    prev = cur
  end
  return prev[#b]
end

local function unknown_field(k)
  local best, bd
  if type(k) == "string" then
    for _, f in ipairs(FIELDS) do
      local dd = distance(k, f)
      if dd <= 2 and (not bd or dd < bd) then best, bd = f, dd end
    end
  end
  return ("unknown field %s%s (fields: %s)"):format(type(k) == "string" and k or ("[" .. tostring(k) .. "]"),
    best and ("; did you mean " .. best .. "?") or "", table.concat(FIELDS, ", ", 3))
end

local function new_api(tbl)
  local api = {}
  -- the work calendar, read-only, as in every rule file (README, "In Lua")
  api.calendar = require("calendar").api
  function api.task(t)
    local f, l = where(2)
    if type(t) ~= "table" then fail(f, l, "task expects a table: task { \"1.1\", \"title\", lead = ..., deadline = ... }") end
    local code, title = t[1] or t.code, t[2] or t.title
    if type(code) ~= "string" or not code:match("^%d+[%.%d]*$") or code:match("%.%.") or code:match("%.$") then
      fail(f, l, "task code must be numbers joined by dots (\"3.2.1\"), not %s",
        type(code) == "string" and ("%q"):format(code) or tostring(code))
    end
    for k in pairs(t) do
      if not (k == 1 or k == 2 or FIELD[k]) then fail(f, l, "task %s: %s", code, unknown_field(k)) end
    end
    if tbl.by_code[code] then
      local o = tbl.by_code[code]
      fail(f, l, "duplicate task code %s (first declared at %s:%d)", code, o.file, o.line)
    end
    if type(title) ~= "string" or title == "" then fail(f, l, "task %s has no title", code) end
    for _, k in ipairs(STRINGS) do
      if t[k] ~= nil and type(t[k]) ~= "string" then fail(f, l, "task %s: %s must be a string", code, k) end
    end
    if type(t.lead) ~= "string" or t.lead == "" then fail(f, l, "task %s has no lead unit (lead = \"...\", 牵头)", code) end
    local support = t.support or {}
    if type(support) == "string" then support = { support } end
    if type(support) ~= "table" then fail(f, l, "task %s: support must be a list of units", code) end
    for _, u in ipairs(support) do
      if type(u) ~= "string" then fail(f, l, "task %s: support must be a list of units", code) end
    end
    local level = t.level or "bureau"
    if not M.LEVELS[level] then
      fail(f, l, "task %s: level must be bureau, unit or market, not %s", code, tostring(level))
    end
    if t.deadline ~= nil and t.phase ~= nil then fail(f, l, "task %s: give a deadline or a phase, not both", code) end
    if t.deadline ~= nil and not is_date(t.deadline) then
      if type(t.deadline) == "string" and t.deadline:match("^%d%d%d%d%-%d%d%-%d%d$") then
        fail(f, l, "task %s: deadline %s is not a day of the calendar", code, t.deadline)
      end
      fail(f, l, "task %s: deadline must be a date YYYY-MM-DD, not %s", code, tostring(t.deadline))
    end
    local phase
    if t.phase ~= nil then
      local p = t.phase
      if type(p) == "table" then
        for i = 1, 2 do
          if type(p[i]) == "string" and p[i]:match("^%d%d%d%d%-%d%d%-%d%d$") and not is_date(p[i]) then
            fail(f, l, "task %s: phase %s %s is not a day of the calendar", code, i == 1 and "start" or "end", p[i])
          end
        end
      end
      if type(p) ~= "table" or not is_date(p[1]) or not is_date(p[2]) or p[1] > p[2] then
        fail(f, l, "task %s: phase must be { \"YYYY-MM-DD\", \"YYYY-MM-DD\" }, its start first", code)
      end
      phase = { p[1], p[2] }
    end
    if t.pace ~= nil and not M.PACES[t.pace] then
      fail(f, l, "task %s: pace must be phase, deadline or to_date, not %s", code, tostring(t.pace))
    end
    if t.pace == "to_date" and t.check == nil then
      fail(f, l, "task %s: pace = \"to_date\" needs a check (that counts what was due up to the day)", code)
    end
    if t.check ~= nil and type(t.check) ~= "function" then fail(f, l, "task %s: check must be a function(d)", code) end
    local task = { code = code, title = title, level = level, support = { table.unpack(support) }, phase = phase,
      deadline = t.deadline or (phase and phase[2]), check = t.check, pace = t.pace or "phase", file = f, line = l }
    for _, k in ipairs(STRINGS) do task[k] = t[k] end
    tbl.tasks[#tbl.tasks + 1] = task
    tbl.by_code[code] = task
  end
  -- NAME { "a", "b" } once: a list of distinct words, kept as tbl[key]
  -- (with the line of the declaration, for "declared twice")
  local function word_list(name, key, t, example, what, each)
    local f, l = where(3)
    if type(t) ~= "table" or #t == 0 then fail(f, l, "%s expects a list of %s: %s", name, what, example) end
    if tbl[key] then fail(f, l, "%s is declared twice (first at line %d)", name, tbl[key .. "_line"]) end
    local seen = {}
    for _, m in ipairs(t) do
      if type(m) ~= "string" or m == "" then fail(f, l, "%s: each %s is a word", name, each) end
      if seen[m] then fail(f, l, "%s: %s is listed twice", name, m) end
      seen[m] = true
    end
    tbl[key], tbl[key .. "_line"] = { table.unpack(t) }, l
  end
  -- unit_marks { "有专班", ... }: what every station must show each year (the 五有)
  function api.unit_marks(t)
    word_list("unit_marks", "marks", t, 'unit_marks { "有专班", "有计划" }', "marks", "mark")
  end
  -- upgrade_items { "地面", ... }: the facility items a market's upgrade
  -- (改造提升) brings to the standard (`upgrades item`)
  function api.upgrade_items(t)
    word_list("upgrade_items", "upgrade_items", t, 'upgrade_items { "地面", "货台" }', "facility items", "item")
  end
  return api
end

-- Codes sort by their numbers: 2.10 after 2.9.
local function code_less(a, b)
  local x, y = {}, {}
  for n in a:gmatch("%d+") do x[#x + 1] = tonumber(n) end
  for n in b:gmatch("%d+") do y[#y + 1] = tonumber(n) end
  for i = 1, math.max(#x, #y) do
    if (x[i] or -1) ~= (y[i] or -1) then return (x[i] or -1) < (y[i] or -1) end
  end
  return false
end

-- Load DIR/targets.lua: the table { tasks, by_code, file, hash }, or nil
-- and "file:line: why".
function M.load(dir)
  dir = dir or cwsh.rules_dir
  if not dir then return nil, "no rules directory" end
  local path = dir .. "/" .. M.FILE
  local fh, oerr, code = io.open(path, "rb")
  if not fh and code == 2 then return nil, ("no targets table: %s does not exist"):format(rules.short(path)) end
  if not fh then return nil, ("%s: %s"):format(rules.short(path), (tostring(oerr):gsub("^.-: ", "", 1))) end
  local text = fh:read("a")
  fh:close()
  local tbl = { tasks = {}, by_code = {}, file = rules.short(path), hash = cwsh.hash(text) }
  local chunk, lerr = cwsh.sandbox_load(path, new_api(tbl))
  if not chunk then return nil, tostring(lerr) end
  local ok, err = pcall(cwsh.budget, M.BUDGET, chunk)
  if not ok then
    err = rules.clean(err, tbl.file)
    if err:sub(1, #tbl.file + 1) ~= tbl.file .. ":" then err = tbl.file .. ": " .. err end
    return nil, err
  end
  if #tbl.tasks == 0 then return nil, tbl.file .. ": no tasks (task { \"1.1\", \"title\", lead = ... })" end
  table.sort(tbl.tasks, function(a, b) return code_less(a.code, b.code) end)
  return tbl
end

-- ------------------------------------------------------------ the data

-- A read-only copy: what a check changes in it, it changes in its copy.
local function copy(v)
  if type(v) ~= "table" then return v end
  local o = {}
  for k, x in pairs(v) do o[k] = copy(x) end
  return o
end

-- The data view a check receives, built once per `targets` run outside
-- the budget (the latest inspections scored under the active rule set):
--   d.today, d.year                    the date the table is computed for
--   d:markets{ key = true, unit = U }  markets: { code, name, unit, key,
--                                      std_status, std_year, latest }
--     latest: nil or { date, kind, score, lost = { [item] = points } }
--   d:passes(m, "D01", ...)            m's latest inspection lost nothing
--                                      on these items (false without one)
--   d:upgrades(year)                   markets with an upgrade: { code, name, unit,
--                                      status, year, items = { [item] = state }, lacks }
--   d:upgraded(year)                   markets upgraded (改造提升) that year with
--                                      every upgrade_items item upgraded
--   d:marks(year)                      stations: { unit, has, lacks } of the unit_marks (五有)
--   d:plans(level, year)               plans: { level, owner, title, missing (四明确) }
--   d:stations()                       the stations' names
--   d:meetings(from, to)               { due, held, teams = { { team, due, held } } }:
--                                      the weekly 专班 meetings due and held
--   d:assessment()                     the latest published assessment of the bureau:
--                                      { date, assessor, rank, of_n, tier, source } or nil
--   d:ledger(from, to)                 the problem ledger's totals of the findings
--                                      found from..to: { found, closed, closed_on_time,
--                                      due, open, overdue } (ledger.lua's figures)
--   d:inputs()                         what the check read, for `targets show`
--
-- What a check reads is noted for `targets show`, market by market (the
-- fields of a market's latest inspection it reads, each d:passes with its
-- answer), with the rule file:line that asked.
function M.data(today, tbl)
  local store = require("store")
  local set = rules.current()
  local list = {}
  if db and store.target_markets then
    -- only what was dated on or before the table's day
    local latest = store.latest_inspections(today)
    for _, m in ipairs(store.target_markets()) do
      local x = latest[m.id]
      local l
      if x and set then
        local c = calc.inspection(set, x)
        l = { date = x.date, kind = x.kind, score = c.score, lost = c.by_code }
      end
      list[#list + 1] = { id = m.id, code = m.code, name = m.name, unit = m.unit, key = m.is_key,
        std_status = m.std_status, std_year = m.std_year, latest = l }
    end
  end
  local D = { today = today, year = tonumber(today:sub(1, 4)) }
  local read, seen = {}, {}
  local function note(s) read[#read + 1] = s end
  -- once per run of a check: "what (file:line)" with the line of the rule that asked
  local function note_at(level, key, s)
    if key then
      if seen[key] then return end
      seen[key] = true
    end
    local info = debug.getinfo(level + 1, "Sl")
    local at = info and info.currentline and info.currentline > 0
      and (" (%s:%d)"):format(rules.short((info.source or "?"):gsub("^@", "")), info.currentline) or ""
    note(s .. at)
  end
  local function label(m) return ("%s %s"):format(m.code, m.name) end
  -- a market as a check sees it: reads of latest (and of its score) are
  -- noted; writes change the check's own copy
  local raw_of = setmetatable({}, { __mode = "k" })
  local function view(m)
    local c = copy(m)
    c.id = nil
    local lt = c.latest
    c.latest = nil
    local lv
    if lt then
      lv = setmetatable({}, {
        __index = function(_, k)
          if k == "score" then note_at(2, m.code .. "\0score", ("%s：最近一次 %s %s，得分 %g"):format(label(m), lt.date, lt.kind, lt.score)) end
          return lt[k]
        end,
        __pairs = function() return next, lt, nil end,
        __metatable = false })   -- a check reads the values, not our functions
    end
    local v = setmetatable({}, {
      __index = function(_, k)
        if k == "latest" then
          if not lv then note_at(2, m.code .. "\0latest", ("%s：未检查"):format(label(m))) end
          return lv
        end
        return c[k]
      end,
      __pairs = function()
        local all = {}
        for k, x in pairs(c) do all[k] = x end
        all.latest = lv
        return next, all, nil
      end,
      __metatable = false })
    raw_of[v] = m
    return v
  end
  function D.markets(_, f)
    f = f or {}
    local out = {}
    for _, m in ipairs(list) do
      if (f.key == nil or m.key == f.key) and (f.unit == nil or m.unit == f.unit) then out[#out + 1] = view(m) end
    end
    note(("%s：%d 个"):format(f.key and "重点市场" or (f.unit and (f.unit .. "的市场") or "市场"), #out))
    return out
  end
  function D.passes(_, m, ...)
    local r = type(m) == "table" and (raw_of[m] or m)
    if type(r) ~= "table" or not r.code then error("d:passes(market, item...): a market from d:markets()", 2) end
    local codes = { ... }
    for _, code in ipairs(codes) do
      if not set or not set.by_code[code] then error(("unknown item '%s'"):format(tostring(code)), 2) end
    end
    local l = r.latest
    local items = table.concat(codes, "、")
    if not l then
      note_at(2, nil, ("%s %s 不合格：未检查"):format(label(r), items))
      return false
    end
    local lost = {}
    for _, code in ipairs(codes) do
      if (l.lost[code] or 0) > 0 then lost[#lost + 1] = ("%s −%g"):format(code, l.lost[code]) end
    end
    if #lost > 0 then
      note_at(2, nil, ("%s %s 不合格：%s %s 扣分 %s"):format(label(r), items, l.date, l.kind, table.concat(lost, "、")))
      return false
    end
    note_at(2, nil, ("%s %s 合格：%s %s"):format(label(r), items, l.date, l.kind))
    return true
  end
  -- the markets with an upgrade status or facility items, each with its
  -- items' states and the upgrade_items not upgraded
  local facilities
  function D.upgrades(_, year)
    if not facilities then facilities = (db and store.market_facilities) and store.market_facilities(today) or {} end
    local out = {}
    for _, m in ipairs(list) do
      local f = facilities[m.id] or {}
      if m.std_status or next(f) then
        local x = { code = m.code, name = m.name, unit = m.unit, status = m.std_status, year = m.std_year,
          items = {}, lacks = {} }
        for item, r in pairs(f) do x.items[item] = r.state end
        for _, item in ipairs(tbl.upgrade_items or {}) do
          local r = f[item]
          if not r or r.state ~= "upgraded" or (year and r.year and r.year > year) then x.lacks[#x.lacks + 1] = item end
        end
        out[#out + 1] = x
      end
    end
    return out
  end
  function D.upgraded(_, year)
    local n = 0
    for _, m in ipairs(D.upgrades(nil, year)) do
      if m.status == "upgraded" and m.year == year then
        if #m.lacks == 0 then
          n = n + 1
          note_at(2, nil, ("%s %s：%d 年已改造，计入"):format(m.code, m.name, year))
        else
          note_at(2, nil, ("%s %s：%d 年已改造，未计入：%s 未达标"):format(m.code, m.name, year,
            table.concat(m.lacks, "、")))
        end
      elseif m.status then
        note(("%s %s：%s%s"):format(m.code, m.name, M.STATE_ZH[m.status] or m.status, m.year and ("（" .. m.year .. " 年）") or ""))
      end
    end
    note(("%s 年改造提升的市场：%d 个"):format(tostring(year), n))
    return n
  end
  -- d:marks(year): the stations and the unit_marks each lacks that year
  function D.marks(_, year)
    year = year or D.year
    local out = {}
    for _, u in ipairs(M.unit_gaps(tbl, year, today)) do out[#out + 1] = copy(u) end
    note(("%s 年的所、分局：%d 个"):format(tostring(year), #out))
    for _, u in ipairs(out) do
      if #u.lacks > 0 then note(("%s 缺%s"):format(u.unit, table.concat(u.lacks, "、"))) end
    end
    return out
  end
  -- d:plans(level, year): the plans { level, owner, title, missing }
  function D.plans(_, level, year)
    year = year or D.year
    local out = {}
    for _, p in ipairs(M.plans(year, today)) do
      if level == nil or p.level == level then out[#out + 1] = copy(p) end
    end
    note(("%s 年%s：%d 份"):format(tostring(year), M.PLAN_ZH[level] or "计划", #out))
    for _, p in ipairs(out) do
      if #p.missing > 0 then note(("%s：%s 缺%s"):format(p.owner, p.title, table.concat(p.missing, "、"))) end
    end
    return out
  end
  -- d:stations(): the names of the stations (units with markets)
  function D.stations()
    local out = {}
    for _, u in ipairs(M.unit_gaps({ marks = {} }, D.year)) do out[#out + 1] = u.unit end
    return out
  end
  -- d:operators(): the names of the market operators (市场主办单位)
  function D.operators()
    local out = {}
    if db and store.target_units then
      for _, u in ipairs(store.target_units()) do if u.operator then out[#out + 1] = u.name end end
    end
    return out
  end
  -- d:rounds(year, kind): the bimonthly rounds (每两月全面督查) of `year`
  -- begun by the day: { from, to, markets, inspected, complete, ended },
  -- complete when every market had an inspection of `kind` (default
  -- 全面督查) in the two months, ended when they are over
  function D.rounds(_, year, kind)
    year = year or D.year
    kind = kind or "全面督查"
    if math.type(year) ~= "integer" or type(kind) ~= "string" then error("d:rounds(year, kind): a year and a kind", 2) end
    local out = {}
    for b = 1, 6 do
      local from = ("%04d-%02d-01"):format(year, 2 * b - 1)
      local next_month = M.days(("%04d-%02d-01"):format(b == 6 and year + 1 or year, b == 6 and 1 or 2 * b + 1))
      local to = ("%04d-%02d-%02d"):format(year, 2 * b, next_month - M.days(("%04d-%02d-01"):format(year, 2 * b)))
      if from > today then break end
      local seen_m, n = {}, 0
      if db and store.inspections_between then
        for _, x in ipairs(store.inspections_between(from, to < today and to or today)) do
          if x.kind == kind and not seen_m[x.code] then seen_m[x.code] = true; n = n + 1 end
        end
      end
      local r = { from = from, to = to, markets = #list, inspected = n, complete = #list > 0 and n >= #list,
        ended = to < today }
      out[#out + 1] = r
      note_at(2, nil, ("%s 至 %s %s：%d 个市场中 %d 个%s"):format(from, to, kind, #list, n,
        r.complete and "，本轮完成" or (r.ended and "，本轮未完成" or "，本轮进行中")))
    end
    return out
  end
  -- d:meetings(from, to): the weekly meetings of rules/schedule.lua due
  -- from `from` to `to` and how many of them were held (meetings.lua)
  local matched = {}
  local function match(from, to)
    local k = from .. "\0" .. to
    local calendar = require("calendar")
    if not matched[k] then
      local warnings = {}
      local ok, due = pcall(function()
        local r, w = calendar.quietly(require("meetings").match, require("schedule").load(), from, to)
        warnings = w
        return r
      end)
      matched[k] = { ok = ok, due = due, warnings = warnings }
    end
    calendar.warn_again(matched[k].warnings)
    if not matched[k].ok then error(matched[k].due, 0) end
    return matched[k].due
  end
  function D.meetings(_, from, to)
    local calendar = require("calendar")
    if not calendar.parse(tostring(from)) or not calendar.parse(tostring(to)) then
      error("d:meetings(from, to): two dates YYYY-MM-DD", 2)
    end
    local out = { due = 0, held = 0, teams = {} }
    if not db or not store.meetings_between then return out end
    local due = match(from, to)
    local by = {}
    for _, x in ipairs(due) do
      local t = by[x.team]
      if not t then t = { team = x.team, due = 0, held = 0 }; by[x.team] = t; out.teams[#out.teams + 1] = t end
      t.due, out.due = t.due + 1, out.due + 1
      if x.held then t.held, out.held = t.held + 1, out.held + 1 end
    end
    for _, t in ipairs(out.teams) do
      note_at(2, nil, ("%s：%s 至 %s 应开例会 %d 次，已开 %d 次"):format(t.team, from, to, t.due, t.held))
    end
    return out
  end
  -- d:assessment(): the latest published assessment, its tier by the
  -- rules' tiers over the ranks (thirds of of_n, as markets are tiered)
  function D.assessment()
    if not db or not store.assessments then return nil end
    local all = store.assessments(today)
    local a = all[#all]
    if not a then
      note_at(2, nil, ("截至 %s 尚无考核排名记录"):format(today))
      return nil
    end
    local tiers = set and set.tiers or { "上游", "中游", "下游" }
    a.tier = tiers[(a.rank - 1) * #tiers // a.of_n + 1]
    note_at(2, nil, ("%s %s：第 %d 名 / %d（%s）%s"):format(a.date, a.assessor, a.rank, a.of_n, a.tier,
      a.source and ("，" .. a.source) or ""))
    return { date = a.date, assessor = a.assessor, rank = a.rank, of_n = a.of_n, tier = a.tier, source = a.source }
  end
  -- d:ledger(from, to): one aggregate in the store (cheap under the budget)
  function D.ledger(_, from, to)
    if type(from) ~= "string" or type(to) ~= "string" then error("d:ledger(from, to): two dates YYYY-MM-DD", 2) end
    local t = { found = 0, fixed = 0, closed = 0, closed_on_time = 0, due = 0, open = 0, overdue = 0 }
    if db and store.ledger_dialect then t = store.ledger_totals(from, to, today) end
    note_at(2, nil, ("台账 %s 至 %s：立项 %d，已整改 %d，销号 %d，到期 %d 件中按期销号 %d，逾期 %d"):format(from, to,
      t.found, t.fixed, t.closed, t.due, t.closed_on_time, t.overdue))
    return t
  end
  function D.inputs() return read end
  -- this year's meetings so far are matched here, outside the checks'
  -- budget: a year of every team's weekly meetings costs a check a third
  -- of its instructions, more with more stations (an error waits for the
  -- check that asks)
  if db and store.meetings_between then
    local from = ("%d-01-01"):format(D.year)
    if today >= from then
      pcall(require("calendar").quietly, match, from, today)
    end
  end
  local proxy = setmetatable({}, { __index = D, __newindex = function() error("the data is read-only", 2) end,
    __metatable = false })
  return proxy, read, seen
end

-- ---------------------------------------------------------- computing

-- Run one task's check: progress (0..100 or nil), evidence, error.
local function run_check(task, d)
  local res = table.pack(pcall(cwsh.budget, M.BUDGET, task.check, d))
  if not res[1] then
    local msg = tostring(res[2])
    local file, line, rest = msg:match("^([^\n]-%.lua):(%d+): (.*)$")
    if file ~= task.file then file, line, rest = task.file, task.line, rules.clean(msg, task.file) end
    return nil, nil, ("%s:%s: %s"):format(file, line, rest)
  end
  local done, due, ev = res[2], res[3], res[4]
  -- what was returned, as the analyst would write it (nan and inf alike on every platform)
  -- (a value of the rule's own is named by its type: its __tostring would
  -- run here, outside the rule's budget)
  local function shown(x)
    if type(x) == "string" then return ("%q"):format(x) end
    if type(x) ~= "number" then return type(x) end
    if x ~= x then return "nan" end
    if x == math.huge then return "inf" elseif x == -math.huge then return "-inf" end
    return math.type(x) == "float" and ("%g"):format(x) or tostring(x)
  end
  local why
  if type(done) ~= "number" or type(due) ~= "number" then why = "it must return done, due (two numbers ≥ 0) and optional evidence"
  elseif done ~= done or due ~= due or math.abs(done) == math.huge or math.abs(due) == math.huge then
    why = "done and due must be finite numbers (0/0 is nan, x/0 is inf)"
  elseif done < 0 or due < 0 then why = "it must return done, due (two numbers ≥ 0) and optional evidence"
  elseif done > due then why = "done cannot exceed due"
  end
  if why then
    return nil, nil, ("%s:%d: check returned %s, %s: %s"):format(task.file, task.line, shown(done), shown(due), why)
  end
  if type(ev) == "number" then ev = shown(ev)
  elseif ev ~= nil and type(ev) ~= "string" then
    return nil, nil, ("%s:%d: check returned %s as its evidence: evidence is text"):format(task.file, task.line, type(ev))
  end
  local evidence = ("%s/%s"):format(shown(done), shown(due)) .. (ev and ("; " .. ev) or "")
  if due == 0 then return nil, evidence .. "（尚无应完成项）" end
  return done / due * 100, evidence
end

-- The share of the task's phase elapsed on `today` (0..100), nil for a
-- task without a phase.
function M.elapsed(task, today)
  if not task.phase then return nil end
  if today < task.phase[1] then return 0 end
  local a, b, t = M.days(task.phase[1]), M.days(task.phase[2]), M.days(today)
  return b > a and math.min(100, (t - a) / (b - a) * 100) or 100
end

-- Status from progress, the deadline and the task's pace on `today`
-- (README, "Status"); measured: the progress came from a check (0 % of
-- a check is 未达标, what the data says, not 未启动, which only the people
-- doing a task can say).
function M.status(task, progress, today, measured)
  local over = task.deadline and today > task.deadline
  -- before its phase a task has not started, whatever its check counts
  if task.phase and today < task.phase[1] then return (progress and progress >= 100) and "已完成" or "未启动" end
  if task.pace == "to_date" then
    -- done of what was due up to the day: complete only once the phase is over
    if progress and progress >= 100 then return (over or not task.deadline) and "已完成" or "推进中" end
    if over or (progress and progress < 100) then return "滞后" end
    return "未启动"
  end
  if progress and progress >= 100 then return "已完成" end
  if over then return "滞后" end
  if task.pace == "phase" and task.phase and progress and today >= task.phase[1] then
    local elapsed = M.elapsed(task, today)
    if progress < elapsed then return "滞后", elapsed end
  end
  if progress == 0 and measured then return "未达标" end
  if not progress or progress == 0 then return "未启动" end
  return "推进中"
end

-- Each station's marks in `year`: { unit, has = { marks }, lacks = { marks },
-- evidence = { [mark] = "text（by，date）" } } in the order tbl.marks lists them.
function M.unit_gaps(tbl, year, upto)
  local store = require("store")
  if not tbl.marks then error(tbl.file .. " declares no unit_marks (unit_marks { \"有专班\", ... })", 0) end
  if not db or not store.unit_marks then return {} end
  local out = {}
  for _, u in ipairs(store.unit_marks(year, upto)) do
    local x = { unit = u.name, has = {}, lacks = {}, evidence = {} }
    for _, m in ipairs(tbl.marks) do
      local r = u.marks[m]
      if r then
        x.has[#x.has + 1] = m
        x.evidence[m] = ("%s（%s，%s）"):format(r.evidence or m, r.set_by, r.set_at:sub(1, 10))
      else
        x.lacks[#x.lacks + 1] = m
      end
    end
    out[#out + 1] = x
  end
  return out
end

-- The 四明确 a plan must state, in order: its field and the word.
M.FOUR = { { "focus", "重点" }, { "responsibility", "责任" }, { "timeline", "时限" }, { "measures", "措施" } }

-- Whether a 四明确 field states something: nil, "" and blanks (spaces,
-- ideographic spaces, tabs) do not.
function M.blank(v)
  return v == nil or v == cwsh.null or tostring(v):gsub("\u{3000}", ""):match("^%s*$") ~= nil
end

-- The 四明确 a plan p lacks: { words }.
function M.missing(p)
  local out = {}
  for _, f in ipairs(M.FOUR) do
    if M.blank(p[f[1]]) then out[#out + 1] = f[2] end
  end
  return out
end

-- The plans of `year` (recorded on or before `upto`, a date, when given),
-- each with missing = { words of the 四明确 it lacks }.
function M.plans(year, upto)
  local store = require("store")
  if not db or not store.plans then return {} end
  local out = store.plans(year, upto)
  for _, p in ipairs(out) do p.missing = M.missing(p) end
  return out
end

-- ------------------------------------------------------------ units

-- The collective names a task's lead or support may give (the work plan
-- speaks of 各所、分局 and 各市场主办单位), and the units each covers: a
-- station is a unit with markets or of kind 所/分局, an operator the
-- 主办单位 of a market or a unit of kind 市场主办单位, a department a unit
-- of kind 科室.
M.COLLECTIVES = {
  ["各所、分局"] = "station", ["各所"] = "station",
  ["各市场主办单位"] = "operator", ["市场主办单位"] = "operator",
  ["重点市场所在所、分局"] = "key_station",
  ["局机关各科室"] = "department",
}

local function covered(kind, u)
  if kind == "station" then return u.station or u.kind == "所" or u.kind == "分局"
  elseif kind == "operator" then return u.operator
  elseif kind == "key_station" then return u.key_station
  elseif kind == "department" then return u.kind == "科室" end
  return false
end

local function units()
  local store = require("store")
  return (db and store.target_units) and store.target_units() or {}
end

-- The units of the database that the name n of a task covers: n itself,
-- or every unit of the collective n (in name order); {} for none.
function M.expand(n)
  local out = {}
  local kind = M.COLLECTIVES[n]
  for _, u in ipairs(units()) do
    if u.name == n or (kind and covered(kind, u)) then out[#out + 1] = u.name end
  end
  return out
end

-- A predicate on tasks: whether `name` leads or supports the task, itself
-- or as one of a collective the task names.  An unknown name (neither in
-- the database nor in the table) is an error listing the valid ones.
function M.unit_filter(tbl, name)
  local all = units()
  local u
  for _, x in ipairs(all) do if x.name == name then u = x end end
  local named = {}
  for _, t in ipairs(tbl.tasks) do
    named[t.lead] = true
    for _, x in ipairs(t.support) do named[x] = true end
  end
  if not u and not named[name] then
    local list, seen, extra = {}, {}, {}
    for _, x in ipairs(all) do list[#list + 1] = x.name; seen[x.name] = true end
    for n in pairs(named) do if not seen[n] then extra[#extra + 1] = n end end
    table.sort(extra)
    error(("no unit '%s': give a unit of the database (%s) or one %s names (%s)"):format(name,
      #list > 0 and table.concat(list, ", ") or "none", tbl.file, table.concat(extra, ", ")), 0)
  end
  local function covers(n)
    if n == name then return true end
    local kind = M.COLLECTIVES[n]
    return kind ~= nil and u ~= nil and covered(kind, u)
  end
  return function(t)
    if covers(t.lead) then return true end
    for _, x in ipairs(t.support) do if covers(x) then return true end end
    return false
  end
end

-- The statuses `targets set` records (a task without a check).
M.MANUAL = { ["未启动"] = true, ["推进中"] = true, ["已完成"] = true }

-- The manual statuses in the store (set on or before `upto`, a date,
-- when given): latest by code, and every change.
function M.manual(upto)
  local store = require("store")
  if not db or not store.target_statuses then return {}, {} end
  return store.target_statuses(upto)
end

local function manual_evidence(m)
  return ("%s（%s，%s）"):format(m.evidence or m.status, m.set_by, m.set_at:sub(1, 10))
end

-- Every task's row: { task, progress, status, evidence, error, inputs,
-- elapsed, manual (the latest manual status), history }.
function M.compute(tbl, today)
  local rows = {}
  local d, read, seen = M.data(today, tbl)
  local latest, history = M.manual(today)
  for _, t in ipairs(tbl.tasks) do
    local r = { task = t, history = history[t.code] }
    if t.check then
      for i = #read, 1, -1 do read[i] = nil end
      for k in pairs(seen) do seen[k] = nil end
      r.progress, r.evidence, r.error = run_check(t, d)
      r.inputs = { table.unpack(read) }
    elseif latest[t.code] then
      local m = latest[t.code]
      r.manual = m
      r.progress = m.progress or (m.status == "已完成" and 100 or nil)
      r.evidence = manual_evidence(m)
    end
    if r.error then
      r.status, r.evidence = "出错", r.error
    else
      r.status, r.elapsed = M.status(t, r.progress, today, t.check ~= nil)
      -- a manual status stands unless the dates say the task lags
      if r.manual and r.status ~= "滞后" then r.status = r.manual.status end
    end
    rows[#rows + 1] = r
  end
  -- stored like scores: with the hashes that computed them
  local store = require("store")
  if db and store.save_target_progress then
    local set = rules.current()
    local save = {}
    for _, r in ipairs(rows) do
      save[#save + 1] = { code = r.task.code, progress = r.progress, status = r.status, evidence = r.evidence }
    end
    store.save_target_progress(today, tbl.hash, set and set.hash, save)
  end
  return rows
end

-- Record a manual status for task `code` of tbl; the message to print.
function M.set(tbl, code, status, progress, evidence, by)
  local t = tbl.by_code[code]
  if not t then error(("no task %s in %s"):format(code, tbl.file), 0) end
  if t.check then
    error(("task %s computes its progress from the data (%s:%d): set records the status of tasks without a check"):format(
      code, t.file, t.line), 0)
  end
  if not M.MANUAL[status] then error(("--status must be 未启动, 推进中 or 已完成, not '%s'"):format(status), 0) end
  if type(by) ~= "string" or by == "" then error("targets set needs --by PERSON (who records it)", 0) end
  local store = require("store")
  if not db or not store.set_target_status then error("no database: the sqlite plugin is not loaded", 0) end
  local latest = M.manual()
  local from = latest[code] and latest[code].status or nil
  store.set_target_status(code, status, from, progress, evidence, by)
  return ("task %s: %s → %s (by %s)"):format(code, from or "未启动", status, by)
end

return M
