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

local function days_in(y, m)
  local d = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if m == 2 and (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) then return 29 end
  return d[m]
end

local function months(y, m1, m2, name, kind)
  return { name = name, kind = kind, from = ymd(y, m1, 1), to = ymd(y, m2, days_in(y, m2)),
    year = y, m1 = m1, m2 = m2 }
end

local function valid_date(s)
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  return y and m >= 1 and m <= 12 and d >= 1 and d <= days_in(y, m)
end

-- Days since 1970-01-01 (civil calendar) and back.
local function days(s)
  local y, m, d = s:match("^(%d+)%-(%d+)%-(%d+)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp + (mp < 10 and 3 or -9)
  return ymd(m <= 2 and y + 1 or y, m, d)
end

function M.parse(s)
  if type(s) ~= "string" then return nil, "no period" end
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
    return { name = s, kind = "range", from = a, to = b }
  end
  return nil, ("'%s' is not a period (2027-01, 2027-B1, 2027-Q1, 2027-H1, 2027, 2027-01-01..2027-03-15)"):format(s)
end

function M.prev(p)
  if p.kind == "range" then
    local a, b = days(p.from), days(p.to)
    local len = b - a + 1
    local from, to = civil(a - len), civil(a - 1)
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
