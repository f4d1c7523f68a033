-- commands/schedule.lua — `schedule`: the occurrences of rules/schedule.lua's
-- recurring events (core/lua/schedule.lua) on the work calendar, listed or
-- written as an iCalendar file.

local calendar = require("calendar")
local schedule = require("schedule")

local USAGE = "schedule [FROM [TO] | MONTH] [--unit U] [--market M] [--person P] [--ics FILE] | schedule --missed PERIOD [--unit U] [--market M] [--person P]"

-- FROM TO from the arguments: two dates, one date (to itself), a month
-- YYYY-MM, or nothing (this month on the clock: clock.lua).
local function range(pos)
  local function month(s)
    local y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
    m = tonumber(m)
    if not y or m < 1 or m > 12 then return nil end
    return ("%s-%02d-01"):format(y, m), ("%s-%02d-%02d"):format(y, m, calendar.month_days(tonumber(y), m))
  end
  if #pos == 0 then return month(require("clock").month()) end
  if #pos == 1 and month(pos[1]) then return month(pos[1]) end
  if #pos > 2 then error("usage: " .. USAGE, 0) end
  for _, d in ipairs(pos) do
    if not calendar.parse(d) then error(("schedule: '%s' is not a date (YYYY-MM-DD) or a month (YYYY-MM)"):format(d), 0) end
  end
  return pos[1], pos[2] or pos[1]
end

-- Write `text` to `path` whole or not at all: into a temporary file in
-- the same directory, every write and the close checked, then renamed
-- over the path (a full disk left a partial file under the final name,
-- and said it wrote it).  A path that is a device or a pipe (/dev/stdout)
-- is written in place: there is nothing to rename over.
local function write_whole(path, text)
  local function fail(err) error(("schedule: cannot write %s: %s"):format(path, tostring(err):gsub("^[^:]*: ", "")), 0) end
  local kind = cwsh.filekind(path)
  if kind == "directory" then fail("Is a directory") end
  local tmp = kind == "other" and path or (path .. ".tmp" .. tostring(os.time()) .. tostring(math.random(1e6)))
  local f, err = io.open(tmp, "wb")
  if not f then fail(err) end
  local ok, werr = f:write(text)
  if ok then ok, werr = f:flush() end
  local cok, cerr = f:close()
  if ok and not cok then ok, werr = cok, cerr end
  if ok and tmp ~= path then ok, werr = os.rename(tmp, path) end
  if not ok then
    if tmp ~= path then os.remove(tmp) end
    fail(werr)
  end
end

-- Refuse a --unit that is no unit of rules/schedule.lua's events and no
-- station (a unit that markets belong to): it listed nothing, silently.
local function check_unit(unit, s)
  local known, units, stations = {}, {}, {}
  for _, ev in ipairs(s.events) do
    if ev.unit and not known[ev.unit] then known[ev.unit] = true; units[#units + 1] = ev.unit end
  end
  if db then
    -- every station is listed, a unit of the schedule too (it said
    -- "stations: none" where all four were the schedule's units)
    for r in db.query("SELECT DISTINCT u.name FROM unit u JOIN market m ON m.unit_id = u.id ORDER BY u.name") do
      stations[#stations + 1] = r.name
      known[r.name] = true
    end
  end
  if known[unit] then return end
  error(("schedule: '%s' is no station and no unit of %s (stations: %s; units of %s: %s)"):format(unit, s.file,
    #stations > 0 and table.concat(stations, "、") or "none", s.file,
    #units > 0 and table.concat(units, "、") or "none"), 0)
end

cwsh.command {
  name = "schedule",
  usage = USAGE,
  help = "the recurring events of rules/schedule.lua (weekly 专班 meetings, the bimonthly 全面督查 and its notice) "
    .. "from FROM to TO on the work calendar, an event on a holiday moved as declared; --ics FILE writes them as iCalendar\n"
    .. [[
Without dates: this month.  --unit, --market (code or name) and --person (the inspector, or the
leader or department who covers the market) keep some.
--missed PERIOD lists the rota's visits in PERIOD that no imported inspection answers (an inspection of
the market in the visit's week or month answers one visit).
examples:
  schedule 2026-10
  schedule 2026-09-01 2026-12-31 --unit 城东所
  schedule 2026-01-01 2026-12-31 --ics 督查日程.ics]],
  complete = function(words)
    if words[#words] == "--ics" then return "files" end
    if words[#words] == "--missed" and cwsh.completers then return cwsh.completers.periods() end
    if words[#words] == "--unit" and cwsh.completers then return cwsh.completers.units() end
    if words[#words] == "--market" and cwsh.completers then return cwsh.completers.markets(true) end
    return { "--unit", "--market", "--person", "--ics", "--missed" }
  end,
  run = function(args)
    calendar.reload()
    calendar.reset_warnings()
    local o, pos = require("cmdargs").parse(args, { ["--unit"] = "value", ["--ics"] = "value", ["--market"] = "value",
      ["--person"] = "value", ["--missed"] = "value" }, "schedule")
    local unit, ics, market, person, missed = o["--unit"], o["--ics"], o["--market"], o["--person"], o["--missed"]
    local from, to
    if missed then
      if #pos > 0 or ics then error("usage: schedule --missed PERIOD [--unit U] [--market M] [--person P]", 0) end
      if not db then error("schedule --missed: no database: the sqlite plugin is not loaded", 0) end
      local p = require("engine_period").parse(missed)
      if not p then
        local ok, err = pcall(require("engine").parse_period, missed)
        error(ok and ("schedule --missed: '%s' is not a period"):format(missed) or err, 0)
      end
      from, to = p.from, p.to
    else
      from, to = range(pos)
    end
    local s = schedule.load()
    if unit then check_unit(unit, s) end
    local markets, people, ranking
    for _, ev in ipairs(s.events) do
      if ev.kind == "inspect" and not markets then
        if db then markets, ranking = require("store").rota_markets(from:sub(1, 7))
        else cwsh.notice("warning: no database: the market inspections are not scheduled") end
      end
    end
    -- the tiers are the stored ranking of the month before the range's
    -- first (the latest one stored before it), for the whole listing
    for _, ev in ipairs(s.events) do
      if ev.kind == "inspect" and ev.tier and markets and #markets > 0 then
        cwsh.notice(ranking and ("note: the tiers are those of the stored ranking of %s (the latest before %s)")
          :format(ranking, from:sub(1, 7))
          or ("note: no ranking stored before %s: no market is in a tier"):format(from:sub(1, 7)))
        break
      end
    end
    if markets and s.inspectors then people = require("store").rota_people(s.inspectors.role) end
    local list = {}
    for _, o in ipairs(schedule.occurrences(s, from, to, markets, people)) do
      if (not unit or o.unit == unit) and (not market or o.market == market or o.market_name == market)
        and (not person or o.inspector == person
          or (o.who and ("、" .. o.who .. "、"):find("、" .. person .. "、", 1, true))) then
        list[#list + 1] = o
      end
    end
    if missed then
      local lo, hi = from, to
      for _, o in ipairs(list) do
        if o.period_from and o.period_from < lo then lo = o.period_from end
        if o.period_to and o.period_to > hi then hi = o.period_to end
      end
      local miss, n = schedule.missed(list, require("store").inspections_between(lo, hi))
      local out = { columns = { "date", "weekday", "event", "market", "unit", "inspector", "who", "week or month" },
        keys = { "date", "weekday", "event", "market", "unit", "inspector", "who", "period" }, rows = {} }
      for _, o in ipairs(miss) do
        out.rows[#out.rows + 1] = { o.date, calendar.WEEKDAYS[calendar.weekday(o.date)], o.name,
          ("%s %s"):format(o.market, o.market_name), o.unit or cwsh.null, o.inspector or cwsh.null, o.who or cwsh.null,
          ("%s..%s"):format(o.period_from, o.period_to) }
      end
      cwsh.notice(("%s: %d of %d scheduled inspection%s without an imported inspection"):format(missed, #miss, n,
        n == 1 and "" or "s"))
      return out
    end
    if ics then
      write_whole(ics, schedule.ics(list, require("clock").utc_stamp()))
      cwsh.notice(("wrote %d event%s from %s to %s to %s"):format(#list, #list == 1 and "" or "s", from, to, ics))
      return
    end
    local out = { columns = { "date", "weekday", "time", "event", "unit", "market", "inspector", "who", "moved from" },
      keys = { "date", "weekday", "time", "event", "unit", "market", "inspector", "who", "moved_from" }, rows = {} }
    for _, o in ipairs(list) do
      out.rows[#out.rows + 1] = { o.date, calendar.WEEKDAYS[calendar.weekday(o.date)], o.time or cwsh.null, o.name,
        o.unit or cwsh.null, o.market and ("%s %s"):format(o.market, o.market_name) or cwsh.null,
        o.inspector or cwsh.null, o.who or cwsh.null,
        o.moved_from and ("%s %s"):format(o.moved_from, o.why) or cwsh.null }
    end
    return out
  end,
}
