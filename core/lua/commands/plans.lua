-- commands/plans.lua — `plans`: the work plans at three levels (the
-- bureau's overall plan, each station's or market operator's plan, each
-- market's 实施方案), each to state the 四明确 (重点、责任、时限、措施); a plan
-- missing one is shown incomplete, naming which.  Table plan.

local targets = require("targets")

local cmdargs = require("cmdargs")
local function parse(args, known) return cmdargs.parse(args, known, "plans") end

local function year_of(s)
  if s == nil then return require("clock").year() end
  if not s:match("^%d%d%d%d$") then error(("--year needs a year, e.g. 2027, not '%s'"):format(s), 0) end
  return tonumber(s)
end

local function level_of(s)
  if not targets.LEVELS[s] then error(("the level must be bureau, unit or market, not '%s'"):format(tostring(s)), 0) end
  return s
end

local function list(o)
  local year = year_of(o["--year"])
  local level = o["--level"] and level_of(o["--level"])
  local out = { columns = { "level", "owner", "plan", "重点", "责任", "时限", "措施", "status" },
    keys = { "level", "owner", "plan", "focus", "responsibility", "timeline", "measures", "status" }, rows = {} }
  for _, p in ipairs(targets.plans(year)) do
    if not level or p.level == level then
      local row = { p.level, p.owner, p.title }
      for _, f in ipairs(targets.FOUR) do row[#row + 1] = p[f[1]] or cwsh.null end
      row[#row + 1] = #p.missing == 0 and "完整" or ("不完整（缺%s）"):format(table.concat(p.missing, "、"))
      out.rows[#out.rows + 1] = row
    end
  end
  return out
end

local function add(pos, o)
  if #pos ~= 4 then
    error("usage: plans add LEVEL OWNER TITLE [--year Y] [--focus T] [--responsibility T] [--timeline T] [--measures T] --by PERSON", 0)
  end
  local level = level_of(pos[2])
  local owner = pos[3]
  local engine = require("engine")
  if level == "unit" then owner = engine.find_unit(owner).name
  elseif level == "market" then owner = engine.find_market(owner).code end
  if not o["--by"] or o["--by"] == "" then error("plans add needs --by PERSON (who records it)", 0) end
  local p = { level = level, owner = owner, year = year_of(o["--year"]), title = pos[4], by = o["--by"] }
  -- a blank 四明确 field states nothing: it is stored as missing
  for _, f in ipairs(targets.FOUR) do
    local v = o["--" .. f[1]]
    if not targets.blank(v) then p[f[1]] = v end
  end
  if targets.blank(p.title) then error("plans add: the plan's TITLE is blank", 0) end
  require("store").add_plan(p)
  local missing = targets.missing(p)
  cwsh.notice(("plan %s of %s (%s, %d) recorded%s"):format(p.title, owner, level, p.year,
    #missing > 0 and ("; incomplete: no " .. table.concat(missing, "、")) or ""))
end

cwsh.command {
  name = "plans",
  usage = "plans [--year Y] [--level L] | plans add LEVEL OWNER TITLE [--year Y] [--focus T] [--responsibility T] [--timeline T] [--measures T] --by PERSON",
  help = "the work plans at three levels (bureau, unit, market) and their 四明确 (重点、责任、时限、措施)\n" .. [[
  --year Y    the plans of year Y (default: this year)
  --level L   bureau, unit (a station or market operator) or market
  add LEVEL OWNER TITLE ...   record a plan: OWNER is the bureau's name (bureau), a station (unit)
              or a market's code or name (market); --focus, --responsibility, --timeline and
              --measures are its 重点、责任、时限、措施
A plan without one of the four is 不完整, naming which.
examples:
  plans --year 2027
  plans add unit 城东所 城东所2027年创卫工作计划 --focus 农贸市场周边 --responsibility 所长 --timeline 2027-06-30 --measures 周例会 --by 王芳]],
  complete = function(words)
    if #words == 1 then return { "add", "--year", "--level" } end
    if #words == 2 and words[2] == "add" then return { "bureau", "unit", "market" } end
    if words[#words] == "--level" then return { "bureau", "unit", "market" } end
    return { "--year", "--focus", "--responsibility", "--timeline", "--measures", "--by" }
  end,
  run = function(args)
    if not db then error("no database: the sqlite plugin is not loaded", 0) end
    local o, pos = parse(args, { ["--year"] = "value", ["--level"] = "value", ["--focus"] = "value",
      ["--responsibility"] = "value", ["--timeline"] = "value", ["--measures"] = "value", ["--by"] = "value" })
    if pos[1] == "add" then return add(pos, o) end
    if #pos > 0 then error(("plans: unknown argument '%s' (usage: plans [--year Y] [--level L] | plans add ...)"):format(pos[1]), 0) end
    return list(o)
  end,
}
