-- commands/calendar.lua — `calendar`: the loaded work calendar
-- (rules/calendar/YYYY.lua, see core/lua/calendar.lua) at a glance.
--
--   calendar                      the years loaded, their source and counts
--   calendar YEAR [--month M]     every date with its kind
--   calendar workdays FROM TO     work days from FROM to TO, both included
--
-- The files are read again on every run, so an edited file shows at once;
-- warnings (a provisional year, a year with no file) go to stderr.

local calendar = require("calendar")

local USAGE = "calendar [YEAR [--month M] | workdays FROM TO]"

local function years()
  local cal = calendar.get()
  local out = { columns = { "year", "file", "source", "holidays", "调休上班", "work days" },
    keys = { "year", "file", "source", "holidays", "adjusted_workdays", "workdays" }, rows = {} }
  for _, y in ipairs(cal.list) do
    local t = cal.years[y]
    out.rows[#out.rows + 1] = { y, t.file, t.notice or ("provisional: " .. t.provisional), t.nholiday, t.nwork,
      calendar.workdays(("%d-01-01"):format(y), ("%d-12-31"):format(y)) }
  end
  return out
end

local function list(args)
  local year = args[1]:match("^%d%d%d%d$") and tonumber(args[1])
  if not year then error(("calendar: '%s' is not a year (usage: %s)"):format(args[1], USAGE), 0) end
  local month
  if args[2] == "--month" then
    month = math.tointeger(tonumber(args[3] or ""))
    if not month or month < 1 or month > 12 then
      error(("calendar: --month takes a month 1 to 12, not '%s'"):format(tostring(args[3] or "")), 0)
    end
    if #args > 3 then error("usage: " .. USAGE, 0) end
  elseif args[2] then
    if args[2]:match("^%-%-") then error(("calendar: unknown option '%s'"):format(args[2]), 0) end
    error("usage: " .. USAGE, 0)
  end
  local out = { columns = { "date", "weekday", "kind", "for" }, keys = { "date", "weekday", "kind", "for" }, rows = {} }
  for _, d in ipairs(calendar.days(year, month)) do
    out.rows[#out.rows + 1] = { d.date, d.weekday, d.kind, d["for"] or cwsh.null }
  end
  return out
end

local function workdays(args)
  if #args ~= 3 then error("usage: calendar workdays FROM TO", 0) end
  for i = 2, 3 do
    if not calendar.parse(args[i]) then
      error(("calendar workdays: '%s' is not a date (YYYY-MM-DD)"):format(args[i]), 0)
    end
  end
  local a, b = calendar.parse(args[2]), calendar.parse(args[3])
  if b < a then error(("calendar workdays: %s is before %s"):format(args[3], args[2]), 0) end
  return { columns = { "from", "to", "days", "work days" }, keys = { "from", "to", "days", "workdays" },
    rows = { { args[2], args[3], b - a + 1, calendar.workdays(args[2], args[3]) } } }
end

cwsh.command {
  name = "calendar",
  usage = USAGE,
  help = "the work calendar from rules/calendar/YYYY.lua: the years loaded; every date of a year (or month) with its kind "
    .. "(工作日 / 周末 / the holiday's name / 调休上班); the work days between two dates\n"
    .. [[
A year without a file is counted with weekends only and warned about; a provisional file is warned about.
examples:
  calendar
  calendar 2026 --month 2
  calendar workdays 2026-02-01 2026-02-28]],
  complete = function(words)
    if #words == 1 then
      local out = { "workdays" }
      local ok, cal = pcall(calendar.get)
      if ok then for _, y in ipairs(cal.list) do out[#out + 1] = tostring(y) end end
      return out
    end
    if #words == 2 and words[2] ~= "workdays" then return { "--month" } end
    return {}
  end,
  run = function(args)
    calendar.reload()
    calendar.reset_warnings()
    if #args == 0 then return years() end
    if args[1] == "workdays" then return workdays(args) end
    return list(args)
  end,
}
