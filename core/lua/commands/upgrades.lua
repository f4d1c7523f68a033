-- commands/upgrades.lua — `upgrades`: the markets' standardisation
-- (改造提升) status, planned / renovating / upgraded with the year
-- (columns market.std_status, market.std_year), and the state of each
-- facility item an upgrade brings to the standard (the upgrade_items of
-- rules/targets.lua; table market_facility, one row per change).  The
-- targets table's "upgrade 2–3 markets this year" task counts the markets
-- upgraded that year with every item upgraded (d:upgraded(year)).

-- The states, given in English or in the bureau's words (计划改造、改造中、
-- 已改造); the store keeps the English, the tables show the Chinese (the
-- words of targets.lua's STATE_ZH, not required here: loading `upgrades`
-- does not load the targets module).
local STATE_ZH = { planned = "计划改造", renovating = "改造中", upgraded = "已改造" }
local STATUSES = {}
for en, zh in pairs(STATE_ZH) do STATUSES[en], STATUSES[zh] = en, en end
local function zh(state) return state and (STATE_ZH[state] or state) or nil end
local USAGE = "upgrades | upgrades set MARKET planned|renovating|upgraded [--year Y] | "
  .. "upgrades item MARKET ITEM planned|renovating|upgraded [--year Y] [--note TEXT] --by PERSON | upgrades items [MARKET]"

local cmdargs = require("cmdargs")
local function opts(args, known) return cmdargs.parse(args, known, "upgrades") end

-- The upgrade_items of rules/targets.lua, or an error naming the file.
local function items()
  local tbl, err = require("targets").load()
  if not tbl then error(err, 0) end
  if not tbl.upgrade_items then
    error(tbl.file .. " declares no upgrade_items (upgrade_items { \"地面\", \"货台\", ... })", 0)
  end
  return tbl.upgrade_items, tbl
end

local function year_of(s)
  if s == nil then return nil end
  if not s:match("^%d%d%d%d$") then error(("--year needs a year, e.g. 2027, not '%s'"):format(s), 0) end
  return tonumber(s)
end

-- The markets with a status or an item: code, market, station, status,
-- year, the items upgraded of those declared, and the ones not upgraded.
local function list()
  local store = require("store")
  local decl = items()
  local latest = store.market_facilities()
  local out = { columns = { "code", "market", "station", "status", "year", "items", "not upgraded" },
    keys = { "code", "market", "station", "status", "year", "items", "not_upgraded" }, rows = {} }
  for _, m in ipairs(store.target_markets()) do
    local f = latest[m.id]
    if m.std_status or f then
      local lacks, n = {}, 0
      for _, it in ipairs(decl) do
        if f and f[it] and f[it].state == "upgraded" then n = n + 1 else lacks[#lacks + 1] = it end
      end
      out.rows[#out.rows + 1] = { m.code, m.name, m.unit or cwsh.null, zh(m.std_status) or cwsh.null,
        m.std_year or cwsh.null, ("%d/%d"):format(n, #decl), #lacks > 0 and table.concat(lacks, "、") or cwsh.null }
    end
  end
  return out
end

local function set(args)
  local o, pos = opts(args, { ["--year"] = "value" })
  if #pos ~= 2 then error("usage: upgrades set MARKET planned|renovating|upgraded [--year Y]", 0) end
  local code, status = pos[1], pos[2]
  if not STATUSES[status] then
    error(("the status must be planned, renovating or upgraded (计划改造、改造中、已改造), not '%s'"):format(status), 0)
  end
  status = STATUSES[status]
  local year = year_of(o["--year"])
  if status == "upgraded" and not year then error("an upgraded market needs --year (the year its upgrade was completed)", 0) end
  local m = require("engine").find_market(code)
  require("store").set_market_upgrade(m.id, status, year)
  cwsh.notice(("%s %s: %s%s"):format(m.code, m.name, status, year and (" " .. year) or ""))
end

-- upgrades item MARKET ITEM STATE: one facility item's state, kept with
-- who and when (the rows are its history).
local function item(args)
  local o, pos = opts(args, { ["--year"] = "value", ["--note"] = "value", ["--by"] = "value" })
  if #pos ~= 3 then
    error("usage: upgrades item MARKET ITEM planned|renovating|upgraded [--year Y] [--note TEXT] --by PERSON", 0)
  end
  local code, it, state = pos[1], pos[2], pos[3]
  local decl, tbl = items()
  local known = false
  for _, x in ipairs(decl) do if x == it then known = true end end
  if not known then
    error(("'%s' is not an upgrade item of %s:%d (%s)"):format(it, tbl.file, tbl.upgrade_items_line,
      table.concat(decl, "、")), 0)
  end
  if not STATUSES[state] then
    error(("the state must be planned, renovating or upgraded (计划改造、改造中、已改造), not '%s'"):format(state), 0)
  end
  state = STATUSES[state]
  local year = year_of(o["--year"])
  if state == "upgraded" and not year then error("an upgraded item needs --year (the year it reached the standard)", 0) end
  local by = o["--by"]
  if not by or by == "" then error("upgrades item needs --by PERSON (who records it)", 0) end
  local m = require("engine").find_market(code)
  require("store").add_market_facility(m.id, it, state, year, o["--note"], by)
  cwsh.notice(("%s %s %s: %s%s (by %s)"):format(m.code, m.name, it, state, year and (" " .. year) or "", by))
end

-- upgrades items [MARKET]: every declared item of the markets with an
-- upgrade (or of MARKET), its latest state, and how many changes it had.
local function item_list(args)
  if #args > 1 then error("usage: upgrades items [MARKET]", 0) end
  local store = require("store")
  local decl = items()
  local only = args[1] and require("engine").find_market(args[1])
  local latest, history = store.market_facilities()
  local changes = {}
  for _, h in ipairs(history) do changes[h.code .. "\0" .. h.item] = (changes[h.code .. "\0" .. h.item] or 0) + 1 end
  local out = { columns = { "code", "market", "item", "state", "year", "note", "by", "at", "changes" },
    keys = { "code", "market", "item", "state", "year", "note", "by", "at", "changes" }, rows = {} }
  local null = cwsh.null
  for _, m in ipairs(store.target_markets()) do
    if (only and m.id == only.id) or (not only and (m.std_status or latest[m.id])) then
      local f = latest[m.id] or {}
      for _, it in ipairs(decl) do
        local r = f[it]
        out.rows[#out.rows + 1] = { m.code, m.name, it, r and zh(r.state) or "未登记", r and r.year or null,
          r and r.note or null, r and r.set_by or null, r and r.set_at or null, changes[m.code .. "\0" .. it] or 0 }
      end
    end
  end
  return out
end

cwsh.command {
  name = "upgrades",
  usage = USAGE,
  help = "the markets' standardisation (改造提升): planned, renovating or upgraded (with the year), and the state of each facility item\n" .. [[
upgrades lists the markets with a status or an item: how many of rules/targets.lua's upgrade_items
(地面、货台、电线、给排水、停车场、环卫设施、公共设施) are upgraded and which are not.
upgrades item records one item's state (kept with who and when); upgrades items lists them per market.
The targets table's task 4.1.1 (upgrade 2–3 markets this year) counts the markets upgraded this year
with every item upgraded.
examples:
  upgrades
  upgrades set 解放市场 renovating
  upgrades item 解放市场 电线 upgraded --year 2027 --note 线路入槽 --by 王芳
  upgrades items 解放市场
  upgrades set M0003 upgraded --year 2027]],
  complete = function(words)
    if #words == 1 then return { "set", "item", "items" } end
    local c = cwsh.completers or {}
    if #words == 2 and c.markets then return c.markets(true) end
    if words[2] == "item" and #words == 3 then
      local ok, decl = pcall(items)
      return ok and decl or {}
    end
    if (words[2] == "set" and #words == 3) or (words[2] == "item" and #words == 4) then
      return { "planned", "renovating", "upgraded" }
    end
    return { "--year", "--note", "--by" }
  end,
  run = function(args)
    if not db then error("no database: the sqlite plugin is not loaded", 0) end
    if #args == 0 then return list() end
    local rest = table.move(args, 2, #args, 1, {})
    if args[1] == "set" then return set(rest) end
    if args[1] == "item" then return item(rest) end
    if args[1] == "items" then return item_list(rest) end
    error("usage: " .. USAGE, 0)
  end,
}
