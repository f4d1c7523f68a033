-- meetings.lua — the 专班 meetings due (the weekly meetings of
-- rules/schedule.lua on the work calendar) matched to those held (table
-- meeting), for `meetings` and the targets table's d:meetings (task 5.4.1).
--
-- A due meeting is answered by a meeting its team held in the same week
-- (Monday to Sunday) as the day it is due — the day the calendar moved it
-- to, when a holiday did — each held meeting answering one due meeting.

local calendar = require("calendar")
local schedule = require("schedule")

local M = {}

-- The teams with a weekly meeting in schedule `s`, in order, and a set.
function M.teams(s)
  local list, seen = {}, {}
  for _, ev in ipairs(s.events) do
    local t = ev.kind == "meeting" and (ev.unit or ev.name)
    if t and not seen[t] then seen[t] = true; list[#list + 1] = t end
  end
  return list, seen
end

local function monday(date) return calendar.add_days(date, 1 - calendar.weekday(date)) end

-- The meetings due from `from` to `to` (of `team`, or every team), each
-- with .team and .held (the meeting that answers it, or nil), and the
-- meetings held in those weeks (each with .used when it answers one).
function M.match(s, from, to, team)
  local store = require("store")
  local due = {}
  -- the meetings only: a round's notice would look past `to` (and warn
  -- about a year it needs no calendar for)
  local only = { events = {}, file = s.file }
  for _, ev in ipairs(s.events) do if ev.kind == "meeting" then only.events[#only.events + 1] = ev end end
  for _, x in ipairs(schedule.occurrences(only, from, to)) do
    local t = x.event.kind == "meeting" and (x.unit or x.name)
    if t and (not team or t == team) then x.team = t; due[#due + 1] = x end
  end
  local held = store.meetings_between(monday(from), calendar.add_days(monday(to), 6))
  for _, d in ipairs(due) do
    local wk = monday(d.date)
    local last = calendar.add_days(wk, 6)
    for _, h in ipairs(held) do
      if not h.used and h.team == d.team and h.date >= wk and h.date <= last then
        h.used, d.held = true, h
        break
      end
    end
  end
  return due, held
end

return M
