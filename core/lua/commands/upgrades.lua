-- commands/upgrades.lua — `upgrades`: the markets' standardisation
-- (改造提升) status, planned / renovating / upgraded with the year, which
-- the targets table's "upgrade 2–3 markets this year" task counts
-- (d:upgraded(year) in rules/targets.lua).  Columns market.std_status and
-- market.std_year.

local STATUSES = { planned = true, renovating = true, upgraded = true }

local function list()
  local out = { columns = { "code", "market", "station", "status", "year" }, rows = {} }
  for _, m in ipairs(require("store").target_markets()) do
    if m.std_status then
      out.rows[#out.rows + 1] = { m.code, m.name, m.unit or cwsh.null, m.std_status, m.std_year or cwsh.null }
    end
  end
  return out
end

local function set(args)
  local code, status, year = args[2], args[3], nil
  if not code or not status or (args[4] and args[4] ~= "--year") or #args > 5 or (args[4] and not args[5]) then
    error("usage: upgrades set MARKET planned|renovating|upgraded [--year Y]", 0)
  end
  if not STATUSES[status] then error(("the status must be planned, renovating or upgraded, not '%s'"):format(status), 0) end
  if args[5] then
    if not args[5]:match("^%d%d%d%d$") then error(("--year needs a year, e.g. 2027, not '%s'"):format(args[5]), 0) end
    year = tonumber(args[5])
  end
  if status == "upgraded" and not year then error("an upgraded market needs --year (the year its upgrade was completed)", 0) end
  local m = require("engine").find_market(code)
  require("store").set_market_upgrade(m.id, status, year)
  cwsh.notice(("%s %s: %s%s"):format(m.code, m.name, status, year and (" " .. year) or ""))
end

cwsh.command {
  name = "upgrades",
  usage = "upgrades | upgrades set MARKET planned|renovating|upgraded [--year Y]",
  help = "the markets' standardisation (改造提升): planned, renovating or upgraded (with the year)\n" .. [[
The targets table's task 4.1.1 (upgrade 2–3 markets this year) counts the markets upgraded this year.
examples:
  upgrades
  upgrades set 解放市场 renovating
  upgrades set M0003 upgraded --year 2027]],
  complete = function(words)
    if #words == 1 then return { "set" } end
    local c = cwsh.completers or {}
    if #words == 2 and c.markets then return c.markets(true) end
    if #words == 3 then return { "planned", "renovating", "upgraded" } end
    return { "--year" }
  end,
  run = function(args)
    if not db then error("no database: the sqlite plugin is not loaded", 0) end
    if #args == 0 then return list() end
    if args[1] == "set" then return set(args) end
    error("usage: upgrades | upgrades set MARKET planned|renovating|upgraded [--year Y]", 0)
  end,
}
