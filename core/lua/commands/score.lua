-- commands/score.lua — `score` and `rank units`.  Owner: engine helper.

local engine = require("engine")
local periods = require("engine_period")

local cmdargs = require("cmdargs")
local opts = cmdargs.parse

local function null(v) if v == nil then return cwsh.null end return v end

-- Every row names its market by code too: names repeat across districts.
-- `keys` are what the data modes (csv, tsv, json) print as column names.
local COLUMNS = { "rank", "code", "market", "station", "score", "grade", "tier", "Δ", "inspections", "veto" }
local KEYS = { "rank", "code", "market", "station", "score", "grade", "tier", "delta", "inspections", "veto" }
local FORMATS = { [5] = "%.1f", [8] = "%+.1f" }

local function rs(rows, o, market)
  local out = { columns = COLUMNS, keys = KEYS, formats = FORMATS, rows = {} }
  for _, r in ipairs(rows) do
    if (not o["--unit"] or r.unit == o["--unit"]) and (not market or r.market_id == market.id)
        and (not o["--key"] or r.is_key) then
      out.rows[#out.rows + 1] = { r.rank, r.code, r.name, null(r.unit), r.score, r.grade, r.tier, null(r.delta),
        r.inspections, null(r.veto) }
    end
  end
  return out
end
local none = engine.no_inspections

-- Completion: options, then each option's values (markets, stations,
-- years), else periods (cwsh.completers in init.lua).
local OPTIONS = { "--unit", "--market", "--key", "--year-by-month" }
local VALUES = { ["--market"] = "markets", ["--unit"] = "units", ["--year-by-month"] = "years" }

local function complete(words, word)
  local c = cwsh.completers or {}
  local v = VALUES[words[#words]]
  if v then return c[v] and c[v](true) or {} end    -- markets: codes and names, as --market matches
  if word:match("^%-") then return OPTIONS end
  return c.periods and c.periods() or {}
end

cwsh.command {
  name = "score",
  complete = complete,
  usage = "score [PERIOD] [--unit U] [--market M] [--key] | score --year-by-month YEAR",
  help = "score and rank markets for a period (default: the latest month with data) and store the scores\n"
    .. periods.HELP .. "\n" .. [[
  --unit U               show the markets of station U (所/分局) only; ranks and tiers stay among all markets
  --market M             show market M only (its code, name or alias)
  --key                  show the key markets (重点市场) only
  --year-by-month YEAR   score and store every month of YEAR, one line a month
Δ (delta in csv/json) is the change against the previous period of the same kind.
A period without inspections is an error (exit code 1).
examples:
  score 2027-03
  score 2027-Q1 --unit 城东所
  score 2027-H1 --market M0003
  score 2027-01-01..2027-01-15 --key
  score --year-by-month 2027]],
  run = function(args)
    local o, pos = opts(args, { ["--unit"] = "value", ["--market"] = "value", ["--key"] = "flag",
      ["--year-by-month"] = "value" })
    if #pos > 1 then error("score: one period at most (usage: " .. "score [PERIOD] [--unit U] [--market M] [--key])", 0) end
    if o["--year-by-month"] then
      local y = tonumber(o["--year-by-month"])
      if not y or not o["--year-by-month"]:match("^%d%d%d%d$") then error("--year-by-month needs a year, e.g. 2027", 0) end
      local out = { columns = { "period", "markets", "mean", "vetoed" }, formats = { [3] = "%.2f" }, rows = {} }
      -- one transaction for the twelve months: stopped midway (Ctrl-C, a
      -- limit), the command stores none of them
      -- the twelve months and the December before them (January's Δ) from
      -- one pass over the store: twelve month queries cost a round trip
      -- and a plan each (on the server 30-70 ms apiece)
      local months = periods.months_of(y)
      local list = { periods.prev(months[1]) }
      for _, p in ipairs(months) do list[#list + 1] = p end
      engine.preload(list)
      engine.atomically(function()
        for _, p in ipairs(months) do
          local rows = engine.score(p)
          local s, v = 0, 0
          for _, r in ipairs(rows) do s = s + r.score; if r.veto then v = v + 1 end end
          out.rows[#out.rows + 1] = { p.name, #rows, #rows > 0 and s / #rows or cwsh.null, v }
        end
      end)
      return out
    end
    local market = o["--market"] and engine.find_market(o["--market"])
    if o["--unit"] then engine.find_unit(o["--unit"]) end
    local rows, p = engine.score(pos[1])
    if #rows == 0 then none(p) end
    return rs(rows, o, market)
  end,
}

-- Stations ranked by the mean of their markets' scores.
local function units(period)
  local set = engine.current_set()
  local rows, p = engine.score_period(period, set)
  return engine.rank_units(rows, set), p
end

cwsh.command {
  name = "rank",
  usage = "rank units [PERIOD]",
  help = "rank the stations (所/分局) by their markets' mean score, in tiers\n" .. periods.HELP .. [[

examples:
  rank units 2027-03
  rank units 2027-Q1]],
  complete = function(words)
    if #words == 1 then return { "units" } end
    if #words == 2 and cwsh.completers then return cwsh.completers.periods() end
    return {}
  end,
  run = function(args)
    if args[1] ~= "units" then error("usage: rank units [PERIOD]", 0) end
    if #args > 2 then error("rank units: one period at most", 0) end
    local list, p = units(args[2])
    if #list == 0 then none(p) end
    local out = { columns = { "rank", "station", "markets", "score", "tier", "vetoed" }, formats = { [4] = "%.1f" }, rows = {} }
    for _, u in ipairs(list) do
      out.rows[#out.rows + 1] = { u.rank, u.unit, u.n, u.score, u.tier, u.vetoed }
    end
    return out
  end,
}
