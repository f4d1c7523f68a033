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
    local markets, people
    for _, ev in ipairs(s.events) do
      if ev.kind == "inspect" and not markets then
        if db then markets = require("store").rota_markets()
        else cwsh.notice("warning: no database: the market inspections are not scheduled") end
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
      local f, err = io.open(ics, "wb")
      if not f then error(("schedule: cannot write '%s': %s"):format(ics, err), 0) end
      f:write(schedule.ics(list, require("clock").utc_stamp()))
      f:close()
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
