-- commands/meetings.lua — `meetings`: the 专班 meetings held (table meeting,
-- recorded by `meetings add` and `meetings import`) against the weekly
-- meetings rules/schedule.lua makes due on the work calendar
-- (core/lua/schedule.lua), per team and period.
--
-- (core/lua/meetings.lua matches them); `meetings delete` takes one back,
-- kept in meeting_deleted with who, why and when.

local calendar = require("calendar")
local schedule = require("schedule")

local USAGE = "meetings [--missing] [--team T] [PERIOD] | meetings add DATE TEAM [--attendees A,B] [--minutes REF] | "
  .. "meetings import FILE [--encoding E] | meetings delete DATE TEAM --by PERSON --reason TEXT | meetings deleted"

local function need_db(what)
  if not db then error(("meetings %s: no database: the sqlite plugin is not loaded"):format(what), 0) end
  return require("store")
end

local teams = require("meetings").teams

local cmdargs = require("cmdargs")
local function opts(args, known) return cmdargs.parse(args, known, "meetings") end

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
local function blank(s) if s == nil or trim(s) == "" then return nil end return trim(s) end
-- Attendees as one 、-separated list, whether given with , ， or 、 (a
-- character class would split the multi-byte ones).
local function names(s)
  s = blank(s)
  if not s then return nil end
  s = s:gsub("%s*,%s*", "、"):gsub("%s*，%s*", "、"):gsub("%s*、%s*", "、")
  return s
end

-- One meeting's fields checked: nil and why when the date or team is bad.
local function check(date, team, known, list)
  if not calendar.parse(date) then return nil, ("'%s' is not a date (YYYY-MM-DD)"):format(date) end
  if not known[team] then
    return nil, ("'%s' has no weekly meeting in rules/schedule.lua (teams: %s)"):format(team, table.concat(list, "、"))
  end
  return true
end

local function add(args)
  local o, pos = opts(args, { ["--attendees"] = "value", ["--minutes"] = "value" })
  if #pos ~= 2 then error("usage: meetings add DATE TEAM [--attendees A,B] [--minutes REF]", 0) end
  local store = need_db("add")
  local date, team = pos[1], pos[2]
  local list, known = teams(schedule.load())
  local ok, why = check(date, team, known, list)
  if not ok then error("meetings add: " .. why, 0) end
  if store.meeting_held(team, date) then
    error(("meetings add: %s's meeting of %s is recorded already"):format(team, date), 0)
  end
  local att = names(o["--attendees"])
  store.add_meetings({ { date = date, team = team, attendees = att, minutes_ref = blank(o["--minutes"]) } })
  cwsh.notice(("recorded %s's meeting of %s (%s)"):format(team, date, calendar.WEEKDAYS[calendar.weekday(date)]))
end

local HEADER = { date = "date", ["日期"] = "date", team = "team", ["专班"] = "team", ["团队"] = "team",
  attendees = "attendees", ["参会人员"] = "attendees", minutes = "minutes", ["纪要"] = "minutes",
  ["会议纪要"] = "minutes" }

-- meetings import FILE: a CSV with the columns date, team (required),
-- attendees, minutes (English or Chinese headers), all rows or none.
local function import(args)
  local o, pos = opts(args, { ["--encoding"] = "value" })
  if #pos ~= 1 then error("usage: meetings import FILE [--encoding E]", 0) end
  local store = need_db("import")
  local file = pos[1]
  local list, known = teams(schedule.load())
  local r <close> = csv.open(file, { encoding = o["--encoding"] })
  local line, fields, why, wcol = r:next()
  if not line then error(("%s: the file is empty (no header row)"):format(file), 0) end
  if not fields then error(("%s:%d:%d: %s"):format(file, line, wcol, why), 0) end
  local col = {}
  for j, h in ipairs(fields) do
    local k = HEADER[trim(h):lower()]
    if k then col[k] = j end
  end
  for _, k in ipairs({ "date", "team" }) do
    if not col[k] then
      error(("%s:%d: the header has no %s column (%s)"):format(file, line, k,
        k == "date" and "date/日期" or "team/专班"), 0)
    end
  end
  local rows, errs, seen = {}, {}, {}
  while true do
    line, fields, why, wcol = r:next()
    if not line then break end
    if not fields then
      errs[#errs + 1] = ("%s:%d:%d: %s"):format(file, line, wcol, why)
    else
      local date, team = trim(fields[col.date] or ""), trim(fields[col.team] or "")
      if date ~= "" or team ~= "" then
        local ok, e = check(date, team, known, list)
        local k = team .. "\0" .. date
        if not ok then
          errs[#errs + 1] = ("%s:%d:%d: %s"):format(file, line, calendar.parse(date) and col.team or col.date, e)
        elseif seen[k] then
          errs[#errs + 1] = ("%s:%d:%d: %s's meeting of %s is listed twice (first at line %d)"):format(file, line,
            col.date, team, date, seen[k])
        elseif store.meeting_held(team, date) then
          errs[#errs + 1] = ("%s:%d:%d: %s's meeting of %s is recorded already"):format(file, line, col.date, team, date)
        else
          seen[k] = line
          rows[#rows + 1] = { date = date, team = team, attendees = col.attendees and names(fields[col.attendees]),
            minutes_ref = col.minutes and blank(fields[col.minutes]) }
        end
      end
    end
  end
  if #errs > 0 then
    error(table.concat(errs, "\n") .. ("\n%s: nothing imported (%d error%s)"):format(file, #errs,
      #errs == 1 and "" or "s"), 0)
  end
  store.add_meetings(rows)
  cwsh.notice(("%s: recorded %d meeting%s"):format(file, #rows, #rows == 1 and "" or "s"))
end

-- meetings delete DATE TEAM --by P --reason R: a meeting recorded by
-- mistake is taken back, not erased: the row moves to meeting_deleted
-- with who, why and when (`meetings deleted` lists them), and the
-- meeting counts as not held again.
local function delete(args)
  local o, pos = opts(args, { ["--by"] = "value", ["--reason"] = "value" })
  if #pos ~= 2 then error("usage: meetings delete DATE TEAM --by PERSON --reason TEXT", 0) end
  local store = need_db("delete")
  local date, team = pos[1], pos[2]
  if not calendar.parse(date) then error(("meetings delete: '%s' is not a date (YYYY-MM-DD)"):format(date), 0) end
  local by, reason = blank(o["--by"]), blank(o["--reason"])
  if not by or not reason then
    error("meetings delete needs --by PERSON and --reason TEXT: a deletion is kept with who and why", 0)
  end
  if not store.delete_meeting(team, date, by, reason) then
    error(("meetings delete: no meeting of %s on %s is recorded"):format(team, date), 0)
  end
  cwsh.notice(("deleted %s's meeting of %s (by %s: %s); kept in meeting_deleted"):format(team, date, by, reason))
end

local function deleted(args)
  if #args > 0 then error("usage: meetings deleted", 0) end
  local store = need_db("deleted")
  local out = { columns = { "team", "date", "attendees", "minutes", "recorded", "deleted", "by", "reason" },
    keys = { "team", "date", "attendees", "minutes", "recorded_at", "deleted_at", "deleted_by", "reason" }, rows = {} }
  local null = cwsh.null
  for _, r in ipairs(store.deleted_meetings()) do
    out.rows[#out.rows + 1] = { r.team, r.date, r.attendees or null, r.minutes_ref or null, r.recorded_at,
      r.deleted_at, r.deleted_by, r.reason }
  end
  return out
end

local function list_meetings(args)
  local o, pos = opts(args, { ["--missing"] = "flag", ["--team"] = "value" })
  if #pos > 1 then error("usage: meetings [--missing] [--team T] [PERIOD]", 0) end
  local store = need_db("")
  local ptext = pos[1] or require("clock").month()
  local p = require("engine_period").parse(ptext)
  if not p then
    local ok, err = pcall(require("engine").parse_period, ptext)
    error(ok and ("meetings: '%s' is not a period"):format(ptext) or err, 0)
  end
  calendar.reload()
  calendar.reset_warnings()
  local s = schedule.load()
  local order = {}
  for i, t in ipairs((teams(s))) do order[t] = i end
  if o["--team"] and not order[o["--team"]] then
    error(("meetings: '%s' has no weekly meeting in rules/schedule.lua (teams: %s)"):format(o["--team"],
      table.concat((teams(s)), "、")), 0)
  end
  local due, held = require("meetings").match(s, p.from, p.to, o["--team"])
  local rows = {}
  for _, d in ipairs(due) do
    if not d.held or not o["--missing"] then
      rows[#rows + 1] = { team = d.team, date = d.date, due = d, held = d.held }
    end
  end
  local n_held = 0
  for _, d in ipairs(due) do if d.held then n_held = n_held + 1 end end
  if not o["--missing"] then
    for _, h in ipairs(held) do
      if not h.used and h.date >= p.from and h.date <= p.to and (not o["--team"] or h.team == o["--team"]) then
        rows[#rows + 1] = { team = h.team, date = h.date, held = h }
      end
    end
  end
  table.sort(rows, function(x, y)
    local a, b = order[x.team] or math.huge, order[y.team] or math.huge
    if a ~= b then return a < b end
    if x.team ~= y.team then return x.team < y.team end
    return x.date < y.date
  end)
  local out = { columns = { "team", "due", "weekday", "moved from", "held", "attendees", "minutes" },
    keys = { "team", "due", "weekday", "moved_from", "held", "attendees", "minutes" }, rows = {} }
  local null = cwsh.null
  for _, r in ipairs(rows) do
    local d, h = r.due, r.held
    out.rows[#out.rows + 1] = { r.team, d and d.date or null, calendar.WEEKDAYS[calendar.weekday(d and d.date or h.date)],
      d and d.moved_from and ("%s %s"):format(d.moved_from, d.why) or null,
      h and h.date or (d and "未召开") or null, h and h.attendees or null, h and h.minutes_ref or null }
  end
  cwsh.notice(("%s: %d of %d due meeting%s held, %d missing"):format(p.name or ptext, n_held, #due,
    #due == 1 and "" or "s", #due - n_held))
  return out
end

cwsh.command {
  name = "meetings",
  usage = USAGE,
  help = "the 专班 meetings held against the weekly meetings rules/schedule.lua makes due, per team and period\n"
    .. [[
meetings add DATE TEAM records one (TEAM as rules/schedule.lua names it: 市场监管局, 城东所, ...);
meetings import FILE records a CSV's rows (columns date/日期, team/专班, attendees/参会人员, minutes/纪要),
all or none.  meetings [PERIOD] lists each due meeting with the one held in its week (Monday to Sunday
of the day it is due, after a holiday moved it), and meetings held beyond those; --missing only the
due meetings none answers; --team T one team.  Without PERIOD: this month.
A team rules/schedule.lua does not declare is refused (add its meeting { } there first).
meetings delete DATE TEAM --by PERSON --reason TEXT takes back a meeting recorded by mistake: it
counts as not held again and is kept, with who, why and when, in meetings deleted.
examples:
  meetings add 2026-10-08 城东所 --attendees 张伟,李娜 --minutes 城东〔2026〕41号
  meetings import 例会记录.csv
  meetings --missing 2026-10
  meetings delete 2026-10-08 城东所 --by 王芳 --reason 日期录错]],
  complete = function(words)
    if words[#words] == "import" then return "files" end
    if #words == 1 then return { "add", "import", "delete", "deleted", "--missing", "--team" } end
    if words[2] == "delete" then return { "--by", "--reason" } end
    return { "--missing", "--team", "--attendees", "--minutes" }
  end,
  run = function(args)
    local sub = args[1]
    if sub == "add" then return add(table.move(args, 2, #args, 1, {})) end
    if sub == "import" then return import(table.move(args, 2, #args, 1, {})) end
    if sub == "delete" then return delete(table.move(args, 2, #args, 1, {})) end
    if sub == "deleted" then return deleted(table.move(args, 2, #args, 1, {})) end
    return list_meetings(args)
  end,
}
