-- engine_period.lua — scoring periods.  Owner: engine helper.
--
--   2027-01                  month
--   2027-B1 .. 2027-B6       two months (B1 = Jan–Feb; the bimonthly rounds)
--   2027-Q1 .. 2027-Q4       quarter
--   2027-H1, 2027-H2         half-year
--   2027                     year
--   2027-01-01..2027-03-15   date range (both ends included)
--
-- parse(s) -> { name, kind, from, to } | nil, err;  prev(p) is the period
-- of the same kind just before (for a range: as many days, ending the day
-- before it starts).

local M = {}

-- The period forms, for the commands' full help (.help score).
M.HELP = [[
PERIOD is one of
  2027-01                  a month
  2027-B1 .. 2027-B6       two months (B1 = January and February: the bimonthly rounds)
  2027-Q1 .. 2027-Q4       a quarter
  2027-H1, 2027-H2         a half-year
  2027                     a year
  2027-01-01..2027-03-15   a range of days, both ends included
without one, the latest month with inspections.]]

local function ymd(y, m, d) return ("%04d-%02d-%02d"):format(y, m, d) end

-- Day arithmetic is the calendar module's (one civil-date algorithm).
local calendar = require("calendar")
local days_in = calendar.month_days

local function months(y, m1, m2, name, kind)
  return { name = name, kind = kind, from = ymd(y, m1, 1), to = ymd(y, m2, days_in(y, m2)),
    year = y, m1 = m1, m2 = m2 }
end

local function valid_date(s) return calendar.parse(s) ~= nil end

-- The years a period may fall in: those of the dates an import accepts
-- (csv_conv.c), so that a period and the one before it (for Δ) are always
-- periods whose names parse back (0000-01's would be in year -1).
local YEAR_MIN, YEAR_MAX = 1900, 2999
local function out_of_range(s, text)
  local y = tonumber(text:sub(1, 4))
  if y < YEAR_MIN or y > YEAR_MAX then
    return ("period '%s': the year must be %d..%d"):format(s, YEAR_MIN, YEAR_MAX)
  end
end

function M.parse(s)
  if type(s) ~= "string" then return nil, "no period" end
  local why = s:match("^%d%d%d%d") and out_of_range(s, s)
  if why then return nil, why end
  local y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
  if y then
    y, m = tonumber(y), tonumber(m)
    if m < 1 or m > 12 then return nil, ("period '%s': month must be 01..12"):format(s) end
    return months(y, m, m, s, "month")
  end
  local n
  y, n = s:match("^(%d%d%d%d)%-[Bb](%d)$")
  if y then
    y, n = tonumber(y), tonumber(n)
    if n < 1 or n > 6 then return nil, ("period '%s': bimonth must be B1..B6"):format(s) end
    return months(y, 2 * n - 1, 2 * n, ("%d-B%d"):format(y, n), "bimonth")
  end
  y, n = s:match("^(%d%d%d%d)%-[Qq](%d)$")
  if y then
    y, n = tonumber(y), tonumber(n)
    if n < 1 or n > 4 then return nil, ("period '%s': quarter must be Q1..Q4"):format(s) end
    return months(y, 3 * n - 2, 3 * n, ("%d-Q%d"):format(y, n), "quarter")
  end
  y, n = s:match("^(%d%d%d%d)%-[Hh](%d)$")
  if y then
    y, n = tonumber(y), tonumber(n)
    if n < 1 or n > 2 then return nil, ("period '%s': half-year must be H1 or H2"):format(s) end
    return months(y, 6 * n - 5, 6 * n, ("%d-H%d"):format(y, n), "half")
  end
  y = s:match("^(%d%d%d%d)$")
  if y then return months(tonumber(y), 1, 12, s, "year") end
  local a, b = s:match("^(%d%d%d%d%-%d%d%-%d%d)%.%.(%d%d%d%d%-%d%d%-%d%d)$")
  if a then
    if not valid_date(a) then return nil, ("period '%s': '%s' is not a valid date"):format(s, a) end
    if not valid_date(b) then return nil, ("period '%s': '%s' is not a valid date"):format(s, b) end
    if b < a then return nil, ("period '%s': the range ends before it starts"):format(s) end
    why = out_of_range(s, b)
    if why then return nil, why end
    return { name = s, kind = "range", from = a, to = b }
  end
  return nil, ("'%s' is not a period (2027-01, 2027-B1, 2027-Q1, 2027-H1, 2027, 2027-01-01..2027-03-15)"):format(s)
end

function M.prev(p)
  if p.kind == "range" then
    local a, b = calendar.day(p.from), calendar.day(p.to)
    local len = b - a + 1
    local from, to = calendar.iso(a - len), calendar.iso(a - 1)
    return { name = from .. ".." .. to, kind = "range", from = from, to = to }
  end
  local span = p.m2 - p.m1 + 1
  local y, m1 = p.year, p.m1 - span
  if m1 < 1 then y, m1 = y - 1, m1 + 12 end
  local name
  if p.kind == "month" then name = ("%d-%02d"):format(y, m1)
  elseif p.kind == "bimonth" then name = ("%d-B%d"):format(y, (m1 + 1) // 2)
  elseif p.kind == "quarter" then name = ("%d-Q%d"):format(y, (m1 + 2) // 3)
  elseif p.kind == "half" then name = ("%d-H%d"):format(y, (m1 + 5) // 6)
  else name = tostring(y) end
  return months(y, m1, m1 + span - 1, name, p.kind)
end

-- Every month of a year, as periods.
function M.months_of(year)
  local out = {}
  for m = 1, 12 do out[m] = months(year, m, m, ("%d-%02d"):format(year, m), "month") end
  return out
end

M.days, M.civil = days, civil

return M
