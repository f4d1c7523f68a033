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

-- The fixed setting as "YYYY-MM-DD HH:MM:SS", or nil for the real clock.
local function fixed()
  local s = M.fixed or os.getenv("CWSH_NOW")
  if s and s:match("^%d%d%d%d%-%d%d%-%d%d$") then return s .. " 00:00:00" end
  if s and s:match("^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d$") then return s end
  return nil
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
