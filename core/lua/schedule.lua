-- schedule.lua — recurring events on the work calendar (calendar.lua),
-- declared in rules/schedule.lua, and their iCalendar export (RFC 5545).
--
-- rules/schedule.lua runs sandboxed like a rule file, with this API:
--
--   meeting { "专班周例会", unit = "城北所", weekday = "周三", time = "15:00",
--             minutes = 60, on_holiday = "next" }
--       weekly; a day that is not a work day moves to the next work day
--       ("next", the default), the previous one ("previous") or is left
--       out ("skip").  weekday: 周一..周日 (or 1..7); time HH:MM.
--   round { "全面督查", every = 2, start = 1, day = 10, notice = 5,
--           time = "09:00", minutes = 240, on_holiday = "next" }
--       every `every` months from month `start` (1 = January), on day
--       `day` of the month (moved like a meeting); `notice` > 0 adds the
--       round's notice (通知) that many work days before it.
--   inspect { "重点市场督查", markets = "key", every = "week" }
--       the rota: markets = "key" | "other" | "all" and/or tier = "下游"
--       (the tier in the latest stored ranking), every week or month,
--       spread over the period's work days (M.rota), naming who goes.
--   inspectors { role = "干部" }
--       the people of each station with that role (table person) take
--       its visits in turn, each visit naming its inspector (M.rota).
--
-- Load checks, each refused with FILE:LINE and why: an event without a
-- name or declared twice, a weekday, time, day, month count or
-- on_holiday value out of range.
--
-- M.occurrences(from, to) gives, sorted by date, time and name:
--   { date, time, minutes, name, unit, event, moved_from, why, uid }
-- where moved_from and why (the holiday's name) say when the calendar moved
-- it.  The uid is the event's name and its scheduled (unmoved) date
-- hashed, so it stays the same across runs and when a file edit moves it.

local calendar = require("calendar")

local M = {}

M.FILE = "schedule.lua"
M.BUDGET = 1000000

local srcpos = require("srcpos")
local fail = srcpos.fail
local function where() local f, l = srcpos.where(3); return f, l end

local WEEKDAY = {}
for i, w in ipairs(calendar.WEEKDAYS) do WEEKDAY[w] = i; WEEKDAY[i] = i end
local MOVES = { next = true, previous = true, skip = true }

-- The keys each declaration takes (a misspelled one, `mins = 30`, was
-- silently ignored: the default took its place).
local KEYS = {
  meeting = { "unit", "weekday", "time", "minutes", "on_holiday" },
  round = { "unit", "every", "start", "day", "notice", "report", "time", "minutes", "on_holiday" },
  inspect = { "markets", "tier", "every", "time", "minutes", "on_holiday" },
  inspectors = { "role" },
}

-- Refuse a key `kind` does not take, naming it and the valid ones.
local function check_keys(f, l, kind, t, name)
  local valid = {}
  for _, k in ipairs(KEYS[kind]) do valid[k] = true end
  local bad = {}
  for k in pairs(t) do
    if not (valid[k] or (k == 1 and kind ~= "inspectors")) then bad[#bad + 1] = tostring(k) end
  end
  if #bad > 0 then
    table.sort(bad)
    fail(f, l, "%s%s: unknown key%s %s (the keys are %s%s)", kind, name and (" '" .. name .. "'") or "",
      #bad == 1 and "" or "s", table.concat(bad, ", "), kind == "inspectors" and "" or "the name first, ",
      table.concat(KEYS[kind], ", "))
  end
end

local function check_common(f, l, kind, t, s)
  if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
    fail(f, l, "%s expects a table with a name first: %s { \"%s\", ... }", kind, kind, kind == "meeting" and "专班周例会" or "全面督查")
  end
  local name = t[1]
  check_keys(f, l, kind, t, name)
  if s.by_name[name] then fail(f, l, "%s '%s' is declared twice (first at line %d)", kind, name, s.by_name[name].line) end
  local ev = { kind = kind, name = name, line = l, unit = t.unit, on_holiday = t.on_holiday or "next" }
  if ev.unit ~= nil and (type(ev.unit) ~= "string" or ev.unit == "") then fail(f, l, "%s '%s': unit must be a name", kind, name) end
  if not MOVES[ev.on_holiday] then
    fail(f, l, "%s '%s': on_holiday is next, previous or skip, not '%s'", kind, name, tostring(ev.on_holiday))
  end
  if t.time ~= nil then
    local h, m = tostring(t.time):match("^(%d%d?):(%d%d)$")
    if not h or tonumber(h) > 23 or tonumber(m) > 59 then
      fail(f, l, "%s '%s': time is HH:MM, not '%s'", kind, name, tostring(t.time))
    end
    ev.time = ("%02d:%s"):format(tonumber(h), m)
  end
  ev.minutes = t.minutes or 60
  if math.type(ev.minutes) ~= "integer" or ev.minutes <= 0 then
    fail(f, l, "%s '%s': minutes must be a positive whole number", kind, name)
  end
  return ev
end

local function new_api(s, names)
  local api = {}
  -- the work calendar, read-only, as in every rule file (README, "In Lua")
  api.calendar = require("calendar").api
  function api.meeting(t)
    local f, l = where()
    local ev = check_common(f, l, "meeting", t, s)
    ev.weekday = WEEKDAY[t.weekday]
    if not ev.weekday then
      fail(f, l, "meeting '%s': weekday is 周一 to 周日 (or 1 to 7), not '%s'", ev.name, tostring(t.weekday))
    end
    s.events[#s.events + 1] = ev
    s.by_name[ev.name] = ev
  end
  function api.round(t)
    local f, l = where()
    local ev = check_common(f, l, "round", t, s)
    ev.every, ev.start, ev.day, ev.notice, ev.report = t.every or 2, t.start or 1, t.day or 1, t.notice or 0, t.report or 0
    -- start = "YYYY-MM": the months run on across years from that month
    -- (ev.from, a month number: year * 12 + month - 1)
    if type(ev.start) == "string" then
      local y, m = ev.start:match("^(%d%d%d%d)%-(%d%d)$")
      m = tonumber(m)
      if not y or m < 1 or m > 12 then
        fail(f, l, "round '%s': start is a month, 1 to 12, or \"YYYY-MM\", not '%s'", ev.name, ev.start)
      end
      ev.from, ev.start = tonumber(y) * 12 + m - 1, m
    end
    for _, k in ipairs({ "every", "start", "day", "notice", "report" }) do
      local wd = k == "notice" or k == "report"
      if math.type(ev[k]) ~= "integer" or ev[k] < (wd and 0 or 1) then
        fail(f, l, "round '%s': %s must be a whole number%s", ev.name, k, wd and " of work days" or " from 1")
      end
    end
    if ev.every > 12 or ev.start > 12 then fail(f, l, "round '%s': every and start are months, 1 to 12", ev.name) end
    if ev.day > 28 then fail(f, l, "round '%s': day is 1 to 28 (a day every month has)", ev.name) end
    -- a month count that does not divide the year restarted each January
    -- from a bare month (every = 5: May and October, then May again)
    if 12 % ev.every ~= 0 and not ev.from then
      fail(f, l, "round '%s': every = %d does not divide the year's 12 months: give start as \"YYYY-MM\" "
        .. "(the first round's month), and the rounds run on across years from it", ev.name, ev.every)
    end
    s.events[#s.events + 1] = ev
    s.by_name[ev.name] = ev
  end
  function api.inspect(t)
    local f, l = where()
    local ev = check_common(f, l, "inspect", t, s)
    ev.every = t.every or "month"
    if ev.every ~= "week" and ev.every ~= "month" then
      fail(f, l, "inspect '%s': every is week or month, not '%s'", ev.name, tostring(ev.every))
    end
    if t.markets ~= nil and t.markets ~= "key" and t.markets ~= "other" and t.markets ~= "all" then
      fail(f, l, "inspect '%s': markets is key, other or all, not '%s'", ev.name, tostring(t.markets))
    end
    if t.tier ~= nil and (type(t.tier) ~= "string" or t.tier == "") then
      fail(f, l, "inspect '%s': tier must be a tier's name (as the ranking gives it)", ev.name)
    end
    -- a tier the ranking does not give matched no market: nothing scheduled
    if t.tier ~= nil and names and names.tiers and not names.tiers[t.tier] then
      fail(f, l, "inspect '%s': tier '%s' is not a tier of the rule set (%s)", ev.name, t.tier, names.tier_list)
    end
    if t.markets == nil and t.tier == nil then
      fail(f, l, "inspect '%s': say which markets: markets = \"key\" | \"other\" | \"all\", or tier = \"下游\"", ev.name)
    end
    ev.markets, ev.tier = t.markets or "all", t.tier
    s.events[#s.events + 1] = ev
    s.by_name[ev.name] = ev
  end
  function api.inspectors(t)
    local f, l = where()
    if type(t) ~= "table" or type(t.role) ~= "string" or t.role == "" then
      fail(f, l, "inspectors expects the role of the people who inspect: inspectors { role = \"干部\" }")
    end
    check_keys(f, l, "inspectors", t)
    if s.inspectors then fail(f, l, "inspectors is declared twice (first at line %d)", s.inspectors.line) end
    s.inspectors = { role = t.role, line = l }
  end
  return api
end

-- Load rules/schedule.lua (or `path`).  Returns { events, file } or raises
-- "file:line: why".
function M.load(path)
  path = path or ((cwsh.rules_dir or "rules") .. "/" .. M.FILE)
  local s = { events = {}, by_name = {} }
  local chunk, err = cwsh.sandbox_load(path, new_api(s, srcpos.rule_names()))
  if not chunk then error(err, 0) end
  local ok, e = pcall(cwsh.budget, M.BUDGET, chunk)
  s.file = require("rules").short(path)
  if not ok then
    e = tostring(e)
    if not e:match("%.lua:%d+: ") then e = s.file .. ": " .. e end
    error(e, 0)
  end
  return s
end

-- Move day number n per the event's on_holiday; nil when skipped.
local function place(ev, n)
  if calendar.is_workday(calendar.iso(n)) then return n end
  if ev.on_holiday == "skip" then return nil end
  return calendar.parse(calendar.next_workday(calendar.iso(n), ev.on_holiday))
end

local function add(out, ev, name, sched, at, a, b)
  if not at or at < a or at > b then return nil end
  local moved, why
  if at ~= sched then
    moved = calendar.iso(sched)
    why = calendar.kind(moved)
  end
  out[#out + 1] = { date = calendar.iso(at), time = ev.time, minutes = ev.minutes, name = name, unit = ev.unit,
    event = ev, moved_from = moved, why = why,
    uid = cwsh.hash(name .. "\0" .. calendar.iso(sched)):sub(1, 24) .. "@cwsh" }
  return out[#out]
end

-- The markets an inspect event covers, by code.
local function covers(ev, m)
  if ev.tier and m.tier ~= ev.tier then return false end
  if ev.markets == "key" then return m.is_key end
  if ev.markets == "other" then return not m.is_key end
  return true
end

-- The rota: in every week (Monday to Sunday) or month from lo to hi, the
-- markets the event covers are spread evenly over the period's work days
-- in code order (the i-th of N on work day floor((i-1) * W / N) + 1 of W),
-- each naming who goes (the station's 包所 leader, the 包挂 department).
-- `taken` (market code -> day number -> visits) holds the visits the
-- events before this one gave each market: a visit goes to the first work
-- day of the period, from its own and wrapping within the period, that
-- has the fewest of that market's visits — another day than the market's
-- other visits while the period has days enough, as even as can be when
-- it has not (a key market in the 下游 tier had both weekly visits on one
-- day, and an inspection answers one visit).
function M.rota(out, ev, markets, lo, hi, a, b, taken)
  taken = taken or {}
  local list = {}
  for _, m in ipairs(markets) do if covers(ev, m) then list[#list + 1] = m end end
  if #list == 0 then return end
  local p = lo
  while p <= hi do
    local first, last
    if ev.every == "week" then
      first = p - (calendar.weekday(calendar.iso(p)) - 1)
      last = first + 6
    else
      local y, m = calendar.iso(p):match("^(%d+)%-(%d+)")
      y, m = tonumber(y), tonumber(m)
      first = calendar.parse(("%04d-%02d-01"):format(y, m))
      last = first + calendar.month_days(y, m) - 1
    end
    local wd = {}
    for n = first, last do if calendar.is_workday(calendar.iso(n)) then wd[#wd + 1] = n end end
    for i, m in ipairs(list) do
      if #wd > 0 then
        local mine = taken[m.code] or {}
        taken[m.code] = mine
        local j0 = (i - 1) * #wd // #list + 1
        local n, fewest
        for k = 0, #wd - 1 do
          local d = wd[(j0 - 1 + k) % #wd + 1]
          if not fewest or (mine[d] or 0) < fewest then n, fewest = d, mine[d] or 0 end
          if fewest == 0 then break end
        end
        mine[n] = (mine[n] or 0) + 1
        local who = {}
        if m.leader then who[#who + 1] = m.leader end
        if m.department then who[#who + 1] = m.department end
        local o = add(out, ev, ev.name, n, n, a, b)
        if o then
          o.market, o.market_name, o.unit = m.code, m.name, m.unit
          o.period_from, o.period_to = calendar.iso(first), calendar.iso(last)
          o.who = #who > 0 and table.concat(who, "、") or nil
          o.uid = cwsh.hash(ev.name .. "\0" .. m.code .. "\0" .. calendar.iso(first)):sub(1, 24) .. "@cwsh"
        end
      end
    end
    p = last + 1
  end
end

local function monday(n) return n - (calendar.weekday(calendar.iso(n)) - 1) end

-- A weekly meeting is one a week (Monday to Sunday): an occurrence the
-- calendar moved into another week that has its own (one scheduled in
-- that week, moved within it or not) is merged into the week's own, which
-- stays; of several moved into a week without its own, the earliest
-- stays (it says which day was missed).  2026-02-18 (春节) moved to
-- 02-24 sat beside the week's own 02-25, and the team that met every
-- week it could was counted short.
local function one_a_week(list)
  local own, moved_in = {}, {}
  for _, o in ipairs(list) do
    local wk = monday(calendar.parse(o.date))
    local sched = o.moved_from and calendar.parse(o.moved_from) or calendar.parse(o.date)
    local k = o.name .. "\0" .. wk
    if monday(sched) == wk then
      if not own[k] then own[k] = o end
    elseif not moved_in[k] or o.moved_from < moved_in[k].moved_from then
      moved_in[k] = o
    end
  end
  local kept = {}
  for _, o in ipairs(list) do
    local k = o.name .. "\0" .. monday(calendar.parse(o.date))
    if own[k] == o or (not own[k] and moved_in[k] == o) then kept[#kept + 1] = o end
  end
  return kept
end

-- The rounds of `ev` scheduled from day lo to day hi, as day numbers: on
-- day `day` of every `every`-th month, from month `start` of each year,
-- or, with start = "YYYY-MM" (ev.from), from that month on across years.
local function round_days(ev, lo, hi)
  local out = {}
  local y1 = tonumber(calendar.iso(lo):sub(1, 4))
  local y2 = tonumber(calendar.iso(hi):sub(1, 4))
  local function at(k)
    local n = calendar.parse(("%04d-%02d-%02d"):format(k // 12, k % 12 + 1, ev.day))
    if n >= lo and n <= hi then out[#out + 1] = n end
  end
  if ev.from then
    local k = math.max(ev.from, y1 * 12)
    k = k + (ev.from - k) % ev.every
    while k <= y2 * 12 + 11 do at(k); k = k + ev.every end
  else
    for y = y1, y2 do
      for m = ev.start, 12, ev.every do at(y * 12 + m - 1) end
    end
  end
  return out
end

-- Every occurrence from `from` to `to` (dates, both included); `markets`
-- (store.rota_markets) for the inspect events, `people` (station -> the
-- names of its inspectors, store.rota_people) to name who inspects.
-- The calendar's warnings are of the years from `from` to `to` only: the
-- days looked at before and after (moved occurrences, notices, reports,
-- the rota's whole periods) warned about a year nobody asked for.
function M.occurrences(s, from, to, markets, people)
  local a, b = calendar.day(from), calendar.day(to)
  if b < a then error(("schedule: %s is before %s"):format(to, from), 0) end
  return calendar.warning_years(tonumber(from:sub(1, 4)), tonumber(to:sub(1, 4)), function()
    return M._occurrences(s, a, b, markets, people)
  end)
end

function M._occurrences(s, a, b, markets, people)
  local out = {}
  local taken = {}
  for _, ev in ipairs(s.events) do
    -- a day moved to the next work day can come from up to a holiday's
    -- length before `from`, one moved to the previous from after `to`, a
    -- round's notice from a round up to `notice` work days after `to`, its
    -- report from one `report` work days before `from`: look that far
    -- and a month more only
    local lo = ev.on_holiday == "next" and a - 31 or a
    local hi = ev.on_holiday == "previous" and b + 31 or b
    if (ev.notice or 0) > 0 then
      hi = math.max(hi, calendar.parse(calendar.add_workdays(calendar.iso(b), ev.notice)) + 31)
    end
    if (ev.report or 0) > 0 then
      lo = math.min(lo, calendar.parse(calendar.add_workdays(calendar.iso(a), -ev.report)) - 31)
    end
    if ev.kind == "meeting" then
      local n = lo + (ev.weekday - calendar.weekday(calendar.iso(lo))) % 7
      local mine = {}
      while n <= hi do
        add(mine, ev, ev.name, n, place(ev, n), lo, hi)
        n = n + 7
      end
      for _, o in ipairs(one_a_week(mine)) do
        local d = calendar.parse(o.date)
        if d >= a and d <= b then out[#out + 1] = o end
      end
    elseif ev.kind == "inspect" then
      -- two months either side: a period's placement depends on the
      -- visits the events before it gave its markets in every period
      -- that overlaps it, and theirs on the ones before them
      M.rota(out, ev, markets or {}, a - 62, b + 62, a, b, taken)
    else
      for _, n in ipairs(round_days(ev, lo, hi)) do
        local at = place(ev, n)
        add(out, ev, ev.name, n, at, a, b)
        if at and ev.notice > 0 then
          local nd = calendar.parse(calendar.add_workdays(calendar.iso(at), -ev.notice))
          local o = add(out, { kind = "notice", minutes = 0, unit = ev.unit }, ev.name .. "通知", n, nd, a, b)
          if o then o.event, o.moved_from, o.why = ev, nil, nil end
        end
        if at and ev.report > 0 then
          local rd = calendar.parse(calendar.add_workdays(calendar.iso(at), ev.report))
          local o = add(out, { kind = "report", minutes = 0, unit = ev.unit }, ev.name .. "通报", n, rd, a, b)
          if o then o.event, o.moved_from, o.why = ev, nil, nil end
        end
      end
    end
  end
  -- an event moved onto a day it is held anyway, or two moved onto the
  -- same day, is held once: the earliest moved occurrence stays (it says
  -- which day was missed)
  local best = {}
  for _, o in ipairs(out) do
    local k = o.name .. "\0" .. (o.market or "") .. "\0" .. o.date
    local b = best[k]
    if not b or (o.moved_from and (not b.moved_from or o.moved_from < b.moved_from)) then best[k] = o end
  end
  local kept = {}
  for _, o in ipairs(out) do
    if best[o.name .. "\0" .. (o.market or "") .. "\0" .. o.date] == o then kept[#kept + 1] = o end
  end
  out = kept
  table.sort(out, function(x, y)
    if x.date ~= y.date then return x.date < y.date end
    if (x.time or "") ~= (y.time or "") then return (x.time or "") < (y.time or "") end
    if x.name ~= y.name then return x.name < y.name end
    return (x.market or "") < (y.market or "")
  end)
  if people then M.inspectors(out, people) end
  return out
end

-- The rota's inspectors: a station's visits of one day (every visit of a
-- day in the range is listed, whatever the range) go to its inspectors in
-- turn, in the listing's order, the day's first to the one the day's
-- number picks: two visits of a day go to two people while the station
-- has two, and the first visit of each day moves along the list, so
-- the visits spread over the people as over the days, and any range
-- names the same inspector for a visit.
function M.inspectors(list, people)
  local turn = {}
  for _, o in ipairs(list) do
    local staff = o.market and o.unit and people[o.unit]
    if staff and #staff > 0 then
      local key = o.unit .. "\0" .. o.date
      turn[key] = (turn[key] or 0) + 1
      o.inspector = staff[(calendar.day(o.date) + turn[key] - 1) % #staff + 1]
    end
  end
end

-- The rota's visits among `list` that no inspection in `insp` (sorted by
-- date: { code, date }) answers: a visit is answered by an inspection of
-- its market within its week or month, each inspection answering one
-- visit.  Visits are taken by the end of their period and given the
-- earliest unused inspection in it (which answers as many as can be).
function M.missed(list, insp)
  local visits = {}
  for _, o in ipairs(list) do if o.market then visits[#visits + 1] = o end end
  table.sort(visits, function(x, y)
    if x.period_to ~= y.period_to then return x.period_to < y.period_to end
    if x.period_from ~= y.period_from then return x.period_from > y.period_from end
    return x.date < y.date
  end)
  local by_market = {}
  for _, i in ipairs(insp) do
    by_market[i.code] = by_market[i.code] or {}
    local t = by_market[i.code]
    t[#t + 1] = { date = i.date, used = false }
  end
  local out = {}
  for _, v in ipairs(visits) do
    local hit
    for _, i in ipairs(by_market[v.market] or {}) do
      if not i.used and i.date >= v.period_from and i.date <= v.period_to then hit = i; break end
    end
    if hit then hit.used = true else out[#out + 1] = v end
  end
  table.sort(out, function(x, y)
    if x.date ~= y.date then return x.date < y.date end
    if x.name ~= y.name then return x.name < y.name end
    return x.market < y.market
  end)
  return out, #visits
end

-- ------------------------------------------------------------ iCalendar

-- TEXT value escaping (RFC 5545 3.3.11).  A line end of any kind (CRLF,
-- LF, a lone CR) is \n; other control characters are not TSAFE-CHARs
-- and are dropped (a lone CR or an ESC from a CSV cell would break the
-- content line, or the terminal of whoever reads the file).
local function esc(s)
  return (tostring(s):gsub("\\", "\\\\"):gsub(";", "\\;"):gsub(",", "\\,"):gsub("\r?\n", "\\n")
    :gsub("\r", "\\n"):gsub("[%z\1-\8\11-\31\127]", ""))
end
M.escape = esc

-- Fold a content line at 75 octets (3.1) without splitting a UTF-8
-- character: continuation lines start with a space, which counts.
local function fold(line)
  local parts, i, n, width = {}, 1, #line, 75
  while n - i + 1 > width do
    local j = i + width                  -- the first byte of the next part
    while j > i and (line:byte(j) or 0) & 0xC0 == 0x80 do j = j - 1 end
    if j == i then j = i + width end     -- not UTF-8: no character to keep whole
    parts[#parts + 1] = line:sub(i, j - 1)
    i, width = j, 74
  end
  parts[#parts + 1] = line:sub(i)
  return table.concat(parts, "\r\n ")
end
M.fold = fold

local function stamp(date, time)
  return date:gsub("%-", "") .. (time and ("T" .. time:gsub(":", "") .. "00") or "")
end

local function add_minutes(date, time, minutes)
  local h, m = time:match("^(%d+):(%d+)$")
  local t = tonumber(h) * 60 + tonumber(m) + minutes
  local n = calendar.parse(date) + t // 1440
  t = t % 1440
  return calendar.iso(n), ("%02d:%02d"):format(t // 60, t % 60)
end

-- The calendar text for `list` (occurrences); `now` the DTSTAMP (UTC,
-- "YYYYMMDDTHHMMSSZ").  Timed events are in TZID Asia/Shanghai (with its
-- VTIMEZONE: UTC+8, no daylight saving), untimed ones whole days.
function M.ics(list, now)
  local L = { "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cwsh//schedule//ZH", "CALSCALE:GREGORIAN",
    "X-WR-TIMEZONE:Asia/Shanghai",
    "BEGIN:VTIMEZONE", "TZID:Asia/Shanghai", "BEGIN:STANDARD", "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "TZNAME:CST", "END:STANDARD", "END:VTIMEZONE" }
  for _, o in ipairs(list) do
    L[#L + 1] = "BEGIN:VEVENT"
    L[#L + 1] = "UID:" .. o.uid
    L[#L + 1] = "DTSTAMP:" .. now
    if o.time then
      L[#L + 1] = "DTSTART;TZID=Asia/Shanghai:" .. stamp(o.date, o.time)
      L[#L + 1] = "DTEND;TZID=Asia/Shanghai:" .. stamp(add_minutes(o.date, o.time, o.minutes))
    else
      L[#L + 1] = "DTSTART;VALUE=DATE:" .. stamp(o.date)
      L[#L + 1] = "DTEND;VALUE=DATE:" .. stamp(calendar.add_days(o.date, 1))
    end
    L[#L + 1] = "SUMMARY:" .. esc(o.market_name and (o.name .. " " .. o.market_name) or o.name)
    local desc = {}
    if o.unit then desc[#desc + 1] = o.unit end
    if o.market then desc[#desc + 1] = ("%s（%s）"):format(o.market_name, o.market) end
    if o.inspector then desc[#desc + 1] = "检查：" .. o.inspector end
    if o.who then desc[#desc + 1] = "负责：" .. o.who end
    if o.moved_from then desc[#desc + 1] = ("原定%s（%s）"):format(o.moved_from, o.why) end
    if #desc > 0 then L[#L + 1] = "DESCRIPTION:" .. esc(table.concat(desc, "\n")) end
    L[#L + 1] = "CATEGORIES:" .. esc(o.event.kind == "meeting" and "例会" or "督查")
    if o.unit or o.market_name then L[#L + 1] = "LOCATION:" .. esc(o.market_name or o.unit) end
    L[#L + 1] = "END:VEVENT"
  end
  L[#L + 1] = "END:VCALENDAR"
  for i, l in ipairs(L) do L[i] = fold(l) end
  return table.concat(L, "\r\n") .. "\r\n"
end

return M
