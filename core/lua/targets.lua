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

local function is_date(s)
  if type(s) ~= "string" then return false end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  return y ~= nil and m >= 1 and m <= 12 and d >= 1 and d <= 31
end

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

local STRINGS = { "area", "target", "measures", "lead", "person", "standard" }

local function new_api(tbl)
  local api = {}
  function api.task(t)
    local f, l = where(2)
    if type(t) ~= "table" then fail(f, l, "task expects a table: task { \"1.1\", \"title\", lead = ..., deadline = ... }") end
    local code, title = t[1] or t.code, t[2] or t.title
    if type(code) ~= "string" or not code:match("^%d+[%.%d]*$") or code:match("%.%.") or code:match("%.$") then
      fail(f, l, "task code must be numbers joined by dots (\"3.2.1\"), not %s",
        type(code) == "string" and ("%q"):format(code) or tostring(code))
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
      fail(f, l, "task %s: deadline must be a date YYYY-MM-DD, not %s", code, tostring(t.deadline))
    end
    local phase
    if t.phase ~= nil then
      local p = t.phase
      if type(p) ~= "table" or not is_date(p[1]) or not is_date(p[2]) or p[1] > p[2] then
        fail(f, l, "task %s: phase must be { \"YYYY-MM-DD\", \"YYYY-MM-DD\" }, its start first", code)
      end
      phase = { p[1], p[2] }
    end
    if t.check ~= nil and type(t.check) ~= "function" then fail(f, l, "task %s: check must be a function(d)", code) end
    local task = { code = code, title = title, level = level, support = { table.unpack(support) }, phase = phase,
      deadline = t.deadline or (phase and phase[2]), check = t.check, file = f, line = l }
    for _, k in ipairs(STRINGS) do task[k] = t[k] end
    tbl.tasks[#tbl.tasks + 1] = task
    tbl.by_code[code] = task
  end
  -- unit_marks { "有专班", ... }: what every station must show each year (the 五有)
  function api.unit_marks(t)
    local f, l = where(2)
    if type(t) ~= "table" or #t == 0 then fail(f, l, "unit_marks expects a list of marks: unit_marks { \"有专班\", \"有计划\" }") end
    if tbl.marks then fail(f, l, "unit_marks is declared twice (first at line %d)", tbl.marks_line) end
    local seen = {}
    for _, m in ipairs(t) do
      if type(m) ~= "string" or m == "" then fail(f, l, "unit_marks: each mark is a word") end
      if seen[m] then fail(f, l, "unit_marks: %s is listed twice", m) end
      seen[m] = true
    end
    tbl.marks, tbl.marks_line = { table.unpack(t) }, l
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
  local fh = io.open(path, "rb")
  if not fh then return nil, ("no targets table: %s does not exist"):format(rules.short(path)) end
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
--   d:upgraded(year)                   markets upgraded (改造提升) that year
--   d:marks(year)                      stations: { unit, has, lacks } of the unit_marks (五有)
--   d:plans(level, year)               plans: { level, owner, title, missing (四明确) }
--   d:stations()                       the stations' names
--   d:inputs()                         what the check read, for `targets show`
function M.data(today, tbl)
  local store = require("store")
  local set = rules.current()
  local list = {}
  if db and store.target_markets then
    local latest = store.latest_inspections()
    for _, m in ipairs(store.target_markets()) do
      local x = latest[m.id]
      local l
      if x and set then
        local c = calc.inspection(set, x)
        l = { date = x.date, kind = x.kind, score = c.score, lost = c.by_code }
      end
      list[#list + 1] = { code = m.code, name = m.name, unit = m.unit, key = m.is_key,
        std_status = m.std_status, std_year = m.std_year, latest = l }
    end
  end
  local D = { today = today, year = tonumber(today:sub(1, 4)) }
  local read = {}
  local function note(s) read[#read + 1] = s end
  function D.markets(_, f)
    f = f or {}
    local out = {}
    for _, m in ipairs(list) do
      if (f.key == nil or m.key == f.key) and (f.unit == nil or m.unit == f.unit) then out[#out + 1] = copy(m) end
    end
    note(("markets%s: %d"):format(f.key and " (key)" or (f.unit and (" of " .. f.unit) or ""), #out))
    return out
  end
  function D.passes(_, m, ...)
    if type(m) ~= "table" then error("d:passes(market, item...): a market from d:markets()", 2) end
    local l = m.latest
    if not l then return false end
    for _, code in ipairs({ ... }) do
      if not set or not set.by_code[code] then error(("unknown item '%s'"):format(tostring(code)), 2) end
      if (l.lost[code] or 0) > 0 then return false end
    end
    return true
  end
  function D.upgraded(_, year)
    local n = 0
    for _, m in ipairs(list) do if m.std_status == "upgraded" and m.std_year == year then n = n + 1 end end
    note(("markets upgraded in %s: %d"):format(tostring(year), n))
    return n
  end
  -- d:marks(year): the stations and the unit_marks each lacks that year
  function D.marks(_, year)
    year = year or D.year
    local out = {}
    for _, u in ipairs(M.unit_gaps(tbl, year)) do out[#out + 1] = copy(u) end
    note(("stations with marks of %s: %d"):format(tostring(year), #out))
    for _, u in ipairs(out) do
      if #u.lacks > 0 then note(("%s lacks %s"):format(u.unit, table.concat(u.lacks, "、"))) end
    end
    return out
  end
  -- d:plans(level, year): the plans { level, owner, title, missing }
  function D.plans(_, level, year)
    year = year or D.year
    local out = {}
    for _, p in ipairs(M.plans(year)) do
      if level == nil or p.level == level then out[#out + 1] = copy(p) end
    end
    note(("plans%s of %s: %d"):format(level and (" (" .. level .. ")") or "", tostring(year), #out))
    for _, p in ipairs(out) do
      if #p.missing > 0 then note(("%s: %s lacks %s"):format(p.owner, p.title, table.concat(p.missing, "、"))) end
    end
    return out
  end
  -- d:stations(): the names of the stations (units with markets)
  function D.stations()
    local out = {}
    for _, u in ipairs(M.unit_gaps({ marks = {} }, D.year)) do out[#out + 1] = u.unit end
    return out
  end
  function D.inputs() return read end
  local proxy = setmetatable({}, { __index = D, __newindex = function() error("the data is read-only", 2) end,
    __metatable = false })
  return proxy, read
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
  if type(done) ~= "number" or type(due) ~= "number" or done < 0 or due < 0 then
    return nil, nil, ("%s:%d: check returned %s, %s: it must return done, due (two numbers ≥ 0) and optional evidence"):format(
      task.file, task.line, tostring(done), tostring(due))
  end
  if ev ~= nil and type(ev) ~= "string" then ev = tostring(ev) end
  local n = function(x) return math.type(x) == "float" and ("%g"):format(x) or tostring(x) end
  local evidence = ("%s/%s"):format(n(done), n(due)) .. (ev and ("; " .. ev) or "")
  if due == 0 then return nil, evidence .. " (nothing due yet)" end
  return math.min(100, done / due * 100), evidence
end

-- Status from progress, the deadline and the phase on `today`.
function M.status(task, progress, today)
  if progress and progress >= 100 then return "已完成" end
  if task.deadline and today > task.deadline then return "滞后" end
  if task.phase and progress and today >= task.phase[1] then
    local a, b, t = M.days(task.phase[1]), M.days(task.phase[2]), M.days(today)
    local elapsed = b > a and (t - a) / (b - a) * 100 or 100
    if progress < elapsed then return "滞后", elapsed end
  end
  if not progress or progress == 0 then return "未启动" end
  return "推进中"
end

-- Each station's marks in `year`: { unit, has = { marks }, lacks = { marks },
-- evidence = { [mark] = "text（by，date）" } } in the order tbl.marks lists them.
function M.unit_gaps(tbl, year)
  local store = require("store")
  if not tbl.marks then error(tbl.file .. " declares no unit_marks (unit_marks { \"有专班\", ... })", 0) end
  if not db or not store.unit_marks then return {} end
  local out = {}
  for _, u in ipairs(store.unit_marks(year)) do
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

-- The plans of `year`, each with missing = { words of the 四明确 it lacks }.
function M.plans(year)
  local store = require("store")
  if not db or not store.plans then return {} end
  local out = store.plans(year)
  for _, p in ipairs(out) do
    p.missing = {}
    for _, f in ipairs(M.FOUR) do
      if not p[f[1]] or p[f[1]] == "" then p.missing[#p.missing + 1] = f[2] end
    end
  end
  return out
end

-- The statuses `targets set` records (a task without a check).
M.MANUAL = { ["未启动"] = true, ["推进中"] = true, ["已完成"] = true }

-- The manual statuses in the store: latest by code, and every change.
function M.manual()
  local store = require("store")
  if not db or not store.target_statuses then return {}, {} end
  return store.target_statuses()
end

local function manual_evidence(m)
  return ("%s（%s，%s）"):format(m.evidence or m.status, m.set_by, m.set_at:sub(1, 10))
end

-- Every task's row: { task, progress, status, evidence, error, inputs,
-- elapsed, manual (the latest manual status), history }.
function M.compute(tbl, today)
  local rows = {}
  local d, read = M.data(today, tbl)
  local latest, history = M.manual()
  for _, t in ipairs(tbl.tasks) do
    local r = { task = t, history = history[t.code] }
    if t.check then
      for i = #read, 1, -1 do read[i] = nil end
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
      r.status, r.elapsed = M.status(t, r.progress, today)
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
