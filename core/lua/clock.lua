-- clock.lua — the one clock every "today" and "now" of the analyst's data
-- reads: the ledger and reports, the default month of meetings and
-- schedule, the default year of units and plans, the targets' --on and
-- the stamps cwsh writes into the store (README: "The clock").  One clock
-- so that a run under a fixed date never mixes it with the machine's date
-- (the targets' d:ledger on CWSH_NOW but their status on the real day).
--
-- The clock is M.fixed (trusted Lua may set it: `lua require("clock").fixed
-- = "2026-10-09 10:00:00"`, or the older `require("ledger").clock`), else
-- CWSH_NOW, each "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS", so tests can fix
-- today; else the local time.
--
-- Timings and durations (progress bars, .timer, "in 0.3 s") are not dates
-- of the data: they stay on the real clock and never come here.

local M = {}

-- s ("YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS", a real day and time) as
-- "YYYY-MM-DD HH:MM:SS"; nil when it is neither.
local function normal(s)
  if type(s) ~= "string" then return nil end
  local d, t = s:match("^(%d%d%d%d%-%d%d%-%d%d)$"), "00:00:00"
  if not d then d, t = s:match("^(%d%d%d%d%-%d%d%-%d%d) (%d%d:%d%d:%d%d)$") end
  if not d or not require("calendar").parse(d) then return nil end
  local h, mi, se = t:match("^(%d%d):(%d%d):(%d%d)$")
  if tonumber(h) > 23 or tonumber(mi) > 59 or tonumber(se) > 59 then return nil end
  return d .. " " .. t
end

-- Why CWSH_NOW cannot be the clock, or nil when it is unset, empty or a
-- date (and time) clock.lua reads.  init.lua refuses to start on it: a
-- CWSH_NOW of 2026-02-30 or 2026/10/09 was ignored (the machine's date)
-- or taken as it was, and every deadline and overdue of the session
-- counted from a day that does not exist or was not meant.
function M.invalid()
  local s = os.getenv("CWSH_NOW")
  if s == nil or s == "" or normal(s) then return nil end
  return ("CWSH_NOW '%s' is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"):format(s)
end

-- The fixed setting as "YYYY-MM-DD HH:MM:SS", or nil for the real clock.
local function fixed()
  local s = M.fixed
  if s == nil then s = os.getenv("CWSH_NOW") end
  if s == "" then return nil end
  return normal(s)
end

-- Now, local time, "YYYY-MM-DD HH:MM:SS".
function M.now() return fixed() or os.date("%Y-%m-%d %H:%M:%S") end

-- Today "YYYY-MM-DD", this month "YYYY-MM", this year as a number.
function M.today() return M.now():sub(1, 10) end
function M.month() return M.now():sub(1, 7) end
function M.year() return tonumber(M.now():sub(1, 4)) end

-- Now in UTC as iCalendar writes it ("20261009T020000Z"): the local clock
-- converted through the machine's time zone, as the real clock would be.
function M.utc_stamp()
  local s = fixed()
  if not s then return os.date("!%Y%m%dT%H%M%SZ") end
  local y, mo, d, h, mi, se = s:match("^(%d+)%-(%d+)%-(%d+) (%d+):(%d+):(%d+)$")
  local t = os.time({ year = tonumber(y), month = tonumber(mo), day = tonumber(d),
    hour = tonumber(h), min = tonumber(mi), sec = tonumber(se) })
  return os.date("!%Y%m%dT%H%M%SZ", t)
end

return M
