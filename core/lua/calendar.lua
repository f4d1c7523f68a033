-- calendar.lua — the work calendar: which days are work days, from the
-- State Council's yearly holiday notices transcribed in rules/calendar/YYYY.lua.
--
-- Each file holds one year and runs sandboxed like a rule file, with this API:
--
--   notice "国办发明电〔2024〕12号（2024-11-12）"   the notice it transcribes
--   provisional "why"                  instead of notice: not yet published;
--                                      every use of the year warns
--   holiday { "春节", "2025-01-28", "2025-02-04" }   days off (TO included)
--   workday { "2025-01-26", "春节" }   a weekend day declared a work day
--                                      (调休上班) for that holiday
--
-- A holiday may end in the next year (it is in the file of the year it
-- starts in): its days there are that year's, and the next file declaring
-- one of them too is refused.
--
-- Load checks, each refused with FILE:LINE: a file not named YEAR.lua, a
-- date that is not YYYY-MM-DD or not in the file's year, a range that ends
-- before it starts, a day declared twice, a work day that is not a Saturday
-- or Sunday, a work day for a holiday the file does not declare, a file
-- with neither notice nor provisional (or both).
--
-- The kind of a date is 工作日 (Monday to Friday), 周末, the holiday's
-- name, or 调休上班.  A date in a year no file covers is counted with
-- weekends only and warned about on stderr naming the year (never a silent
-- guess); a date in a provisional year is warned about too.  Each warning
-- is given once until M.reset_warnings() (the calendar command calls it per
-- run).
--
-- The functions (M.kind, M.is_workday, M.add_workdays, M.workdays,
-- M.next_workday) take and return dates as "YYYY-MM-DD"; rules reach them
-- as `calendar.kind(...)` and so on (rules.lua puts M.api in the rule API).

local M = {}

M.BUDGET = 1000000
M.WEEKDAYS = { "周一", "周二", "周三", "周四", "周五", "周六", "周日" }

-- ------------------------------------------------------------ dates
-- Day numbers: days since 1970-01-01 (H. Hinnant's days_from_civil).

local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = y // 400      -- Lua's // floors: no C-style correction for y < 0
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return m <= 2 and y + 1 or y, m, d
end

local function month_days(y, m)
  if m == 2 then return (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) and 29 or 28 end
  return ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
end
M.month_days = month_days

-- "YYYY-MM-DD" -> day number, year | nil
local function parse(s)
  if type(s) ~= "string" then return nil end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > month_days(y, m) then return nil end
  return days_from_civil(y, m, d), y
end
M.parse = parse

local function iso(n)
  local y, m, d = civil_from_days(n)
  return ("%04d-%02d-%02d"):format(y, m, d)
end
M.iso = iso

-- 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday)
local function weekday(n) return (n + 3) % 7 + 1 end
M.weekday = function(date) return weekday(M.day(date)) end

-- A date argument as a day number, or an error naming it.
function M.day(date)
  local n = parse(date)
  if not n then error(("'%s' is not a date (YYYY-MM-DD)"):format(tostring(date)), 0) end
  return n
end

-- ------------------------------------------------------------ loading

local srcpos = require("srcpos")
local fail = srcpos.fail
local function where() local f, l = srcpos.where(3); return f, l end

local function new_api(y, file)
  local api = {}
  -- into_next: the last day of a holiday, which may run on into the next
  -- year (元旦 2023 began on 2022-12-31: it is in the file of the year it
  -- starts in)
  local function date_in(f, l, s, what, into_next)
    local n, yy = parse(s)
    if not n then fail(f, l, "%s: '%s' is not a date (YYYY-MM-DD)", what, tostring(s)) end
    if yy ~= y.year and not (into_next and yy == y.year + 1) then
      fail(f, l, "%s: %s is not in %d (a calendar file holds its own year%s)", what, s, y.year,
        into_next and (", and a holiday's last days the next: %d"):format(y.year + 1) or "")
    end
    return n
  end
  local function claim(f, l, n, what)
    local o = y.days[n]
    if o then fail(f, l, "%s is already declared at line %d (%s)", iso(n), o.line, o.kind) end
  end
  local function source(f, l, field, s)
    if type(s) ~= "string" or s == "" then fail(f, l, "%s expects a string: %s \"...\"", field, field) end
    if y.notice or y.provisional then
      fail(f, l, "%s: the file already says %s at line %d", field, y.notice and "notice" or "provisional", y.source_line)
    end
    y[field], y.source_line = s, l
  end
  function api.notice(s) local f, l = where(); source(f, l, "notice", s) end
  function api.provisional(s) local f, l = where(); source(f, l, "provisional", s) end
  function api.holiday(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
      fail(f, l, "holiday expects { NAME, FROM [, TO] }: holiday { \"春节\", \"%d-01-28\", \"%d-02-04\" }", y.year, y.year)
    end
    local name = t[1]
    local a = date_in(f, l, t[2], "holiday " .. name)
    local b = t[3] == nil and a or date_in(f, l, t[3], "holiday " .. name, true)
    if b < a then fail(f, l, "holiday %s: %s is before %s", name, iso(b), iso(a)) end
    for n = a, b do claim(f, l, n) end
    for n = a, b do
      y.days[n] = { kind = name, line = l }
      -- a day of the next year: M.load gives it to that year
      if civil_from_days(n) == y.year then y.nholiday = y.nholiday + 1 else y.spill[#y.spill + 1] = n end
    end
    y.holidays[name] = y.holidays[name] or l
  end
  function api.workday(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[2]) ~= "string" then
      fail(f, l, "workday expects { DATE, HOLIDAY }: workday { \"%d-01-26\", \"春节\" }", y.year)
    end
    local n = date_in(f, l, t[1], "workday")
    if weekday(n) < 6 then
      fail(f, l, "workday: %s is a %s: only a Saturday or Sunday can be declared a work day", iso(n), M.WEEKDAYS[weekday(n)])
    end
    claim(f, l, n)
    y.days[n] = { kind = "调休上班", ["for"] = t[2], line = l }
    y.nwork = y.nwork + 1
  end
  return api
end

-- A path as messages name it.  From srcpos, not rules.lua: a rule file
-- that asks the calendar while the start-up rule set loads would have the
-- calendar require rules.lua in the middle of its own loading.
local short_path = srcpos.short

-- Load one year's file.  Returns the year's table or raises "file:line: why".
local function load_file(path, year)
  local y = { year = year, days = {}, holidays = {}, nholiday = 0, nwork = 0, spill = {} }
  local chunk, err = cwsh.sandbox_load(path, new_api(y))
  if not chunk then error(err, 0) end
  local ok, e = pcall(cwsh.budget, M.BUDGET, chunk)
  local short = short_path(path)
  y.file = short
  if not ok then
    e = tostring(e)
    if not e:match("%.lua:%d+: ") then e = short .. ": " .. e end
    error(e, 0)
  end
  if not y.notice and not y.provisional then
    error(("%s: declares neither notice \"...\" (the published notice) nor provisional \"why\""):format(short), 0)
  end
  return y
end

-- The days of a holiday that ran on into the next year go to that year's
-- file when there is one (a day it declares too is refused, at its line),
-- else to cal.spill, so that they are holidays whichever file is asked.
local function spill_over(cal)
  for _, year in ipairs(cal.list) do
    local y, nx = cal.years[year], cal.years[year + 1]
    for _, n in ipairs(y.spill) do
      local d = y.days[n]
      if nx and nx.days[n] then
        fail(nx.file, nx.days[n].line, "%s is already declared at %s:%d (%s, which runs on into %d)", iso(n), y.file,
          d.line, d.kind, year + 1)
      end
      local moved = { kind = d.kind, line = d.line, file = y.file }
      if nx then
        nx.days[n] = moved
        nx.nholiday = nx.nholiday + 1
        nx.holidays[d.kind] = nx.holidays[d.kind] or 0     -- a 调休 day of the next file may work for it
      else
        cal.spill[n] = moved
      end
    end
  end
end

-- A 调休上班 day must work for a holiday of its file (or one running on
-- into its year).
local function check_workdays(y)
  for _, d in pairs(y.days) do
    if d["for"] and not y.holidays[d["for"]] then
      fail(y.file, d.line, "workday for '%s', which is not a holiday in this file", d["for"])
    end
  end
end

-- Load every YEAR.lua in `dir`.  Returns { years = {[y] = year}, list =
-- {y...} sorted, dir } or nil, "file:line: why".
function M.load(dir)
  local names = cwsh.listdir(dir)
  local cal = { dir = dir, years = {}, list = {}, spill = {} }
  if not names then return cal end       -- no calendar directory: no years
  local ok, err = pcall(function()
    for _, n in ipairs(names) do
      if n:match("%.lua$") then
        local path = dir .. "/" .. n
        local year = n:match("^(%d%d%d%d)%.lua$")
        if not year then
          error(("%s: a calendar file is named YEAR.lua (e.g. 2026.lua)"):format(short_path(path)), 0)
        end
        year = tonumber(year)
        cal.years[year] = load_file(path, year)
        cal.list[#cal.list + 1] = year
      end
    end
    table.sort(cal.list)
    spill_over(cal)
    for _, year in ipairs(cal.list) do check_workdays(cal.years[year]) end
  end)
  if not ok then return nil, tostring(err) end
  return cal
end

local current

-- Load rules/calendar again (the calendar command does so each run).
function M.reload()
  local cal, err = M.load((cwsh.rules_dir or "rules") .. "/calendar")
  if not cal then error("calendar not loaded: " .. err, 0) end
  current = cal
  return cal
end

function M.get() return current or M.reload() end

-- ------------------------------------------------------------ warnings

local warned = {}
-- held: M.quietly's warnings held back, or nil; years: M.warning_years'
-- { y1, y2 }, or nil
local held, years
function M.reset_warnings() warned = {} end
-- Whether a M.quietly call is running: a command stopped by Ctrl-C left
-- quietly without it restoring `held` (the interrupt raises at every
-- instruction, so no Lua code runs after its pcall), and every later
-- warning of the session was held in a table nobody read.  Warnings are
-- few; the walk of the stack is their cost only.
local function running(fn)
  for level = 3, 1000 do
    local info = debug.getinfo(level, "f")
    if not info then return false end
    if info.func == fn then return true end
  end
  return false
end

local function warn(msg)
  if held and not running(M.quietly) then held = nil end
  if held then held[#held + 1] = msg; return end
  if warned[msg] then return end
  warned[msg] = true
  cwsh.notice("warning: " .. msg)
end

-- Run fn(...) with the warnings held back instead of printed (the ledger
-- counts deadlines inside every import, whose output is the import's);
-- returns fn's first result and the warnings, each once.
function M.quietly(fn, ...)
  local outer = held
  held = {}
  local ok, r = pcall(fn, ...)
  local got = held
  held = outer
  if not ok then error(r, 0) end
  local once, seen = {}, {}
  for _, w in ipairs(got) do if not seen[w] then seen[w] = true; once[#once + 1] = w end end
  return r, once
end

-- Run fn(...) warning only about the years y1 to y2 (the range a command
-- was asked for): the days it looks at beyond them (a schedule's moved
-- occurrences and notices, the rota's whole periods) are counted as
-- always, without a warning about a year nobody asked for.  A Ctrl-C
-- leaves the limit set but unused, as for M.quietly.  (Few statements
-- here: a command that loads this module runs it under its budget.)
function M.warning_years(y1, y2, fn, ...)
  local outer = years
  years = { y1, y2 }
  local ok, r = pcall(fn, ...)
  years = outer
  if not ok then error(r, 0) end
  return r
end

-- Show warnings M.quietly held back (work done ahead that may not be used
-- — the targets table's meetings — warns only when it is).  With
-- `deadlines` (an import's findings counted them), each as the
-- deadlines': a provisional year's once, as `deadlines in 2027 are on a
-- provisional calendar (FILE): why`.
function M.warn_again(list, deadlines)
  for _, msg in ipairs(list or {}) do
    local file, why, year = msg:match("^(%S+) is provisional %((.-)%): .* for (%d+)$")
    if deadlines and file then
      msg = ("deadlines in %s are on a provisional calendar (%s): %s; replace it with the State Council's notice for %s")
        :format(year, file, why, year)
    elseif deadlines then
      msg = "deadlines: " .. msg
    end
    warn(msg)
  end
end

-- The year's table for day number n, or nil after warning.
local function year_of(n)
  local cal = M.get()
  local y = civil_from_days(n)
  local t = cal.years[y]
  if t and not t.provisional then return t end
  if years and not running(M.warning_years) then years = nil end
  if years and (y < years[1] or y > years[2]) then return t end
  if t then
    if t.provisional then
      warn(("%s is provisional (%s): its holidays are the statutory days only, without 调休; replace it with the State Council's notice for %d"):format(
        t.file, t.provisional, y))
    end
    return t
  end
  local first, last = cal.list[1], cal.list[#cal.list]
  cal.short = cal.short or short_path(cal.dir)
  local dir = cal.short
  if not last then
    warn(("no calendar files in %s: %d counted with weekends only"):format(short_path(cal.dir), y))
  elseif y > last then
    warn(("%d is beyond the last calendar year loaded (%d): counted with weekends only, no holidays; add %s/%d.lua"):format(y, last, dir, y))
  elseif y < first then
    warn(("%d is before the first calendar year loaded (%d): counted with weekends only, no holidays"):format(y, first))
  else
    warn(("%d has no calendar file (%s/%d.lua): counted with weekends only, no holidays"):format(y, dir, y))
  end
end

-- ------------------------------------------------------------ queries

-- kind of day number n: 工作日 / 周末 / holiday name / 调休上班, and the
-- holiday a 调休上班 day works for
local function kind_of(n)
  local y = year_of(n)
  local d
  if y then d = y.days[n] else d = M.get().spill[n] end
  if d then return d.kind, d["for"] end
  return weekday(n) >= 6 and "周末" or "工作日"
end

local function workday_n(n)
  local k = kind_of(n)
  return k == "工作日" or k == "调休上班"
end

function M.kind(date) return kind_of(M.day(date)) end
function M.is_workday(date) return workday_n(M.day(date)) end

-- The n-th work day after `date` (before it when n < 0); `date` itself is
-- not counted, and n = 0 gives `date`.
function M.add_workdays(date, n)
  local d = M.day(date)
  n = math.tointeger(n)
  if not n then error("add_workdays: the number of work days must be an integer", 0) end
  local step = n < 0 and -1 or 1
  for _ = 1, math.abs(n) do
    repeat d = d + step until workday_n(d)
  end
  return iso(d)
end

-- `date` when it is a work day, else the first work day after it
-- (before it with dir = "previous").
function M.next_workday(date, dir)
  local d = M.day(date)
  local step = dir == "previous" and -1 or 1
  while not workday_n(d) do d = d + step end
  return iso(d)
end

-- The date n calendar days after `date`.
function M.add_days(date, n) return iso(M.day(date) + n) end

-- Work days from `from` to `to`, both included.
function M.workdays(from, to)
  local a, b = M.day(from), M.day(to)
  if b < a then error(("workdays: %s is before %s"):format(to, from), 0) end
  local c = 0
  for n = a, b do if workday_n(n) then c = c + 1 end end
  return c
end

-- What rules see as `calendar`: the queries only, read-only.
M.api = setmetatable({}, {
  __index = { kind = M.kind, is_workday = M.is_workday, add_workdays = M.add_workdays,
    workdays = M.workdays, next_workday = M.next_workday, weekday = M.weekday },
  __newindex = function() error("calendar is read-only", 2) end,
  __metatable = false,
})

-- Every date of a year (or one month of it) with its kind, for listing.
function M.days(year, month)
  local out = {}
  local m1, m2 = month or 1, month or 12
  for m = m1, m2 do
    for d = 1, month_days(year, m) do
      local n = days_from_civil(year, m, d)
      local k, f = kind_of(n)
      out[#out + 1] = { date = iso(n), weekday = M.WEEKDAYS[weekday(n)], kind = k, ["for"] = f }
    end
  end
  return out
end

return M
