-- commands/units.lua — `units --wuyou`: what each station (所/分局) shows of
-- the marks rules/targets.lua asks of it per year (unit_marks: the 五有
-- 有专班、有计划、有部署、有成效、有总结), and `units mark` recording one
-- with its evidence, who and when (table unit_mark).

local targets = require("targets")

local function year_of(s)
  if s == nil then return require("clock").year() end
  if not s:match("^%d%d%d%d$") then error(("--year needs a year, e.g. 2027, not '%s'"):format(s), 0) end
  return tonumber(s)
end

local function load()
  local tbl, err = targets.load()
  if not tbl then error(err, 0) end
  return tbl
end

local cmdargs = require("cmdargs")
local function parse(args, known) return cmdargs.parse(args, known, "units") end

local function gaps(o)
  local tbl = load()
  local year = year_of(o["--year"])
  local out = { columns = { "station", "year", "has", "lacks", "complete" }, rows = {} }
  for _, u in ipairs(targets.unit_gaps(tbl, year)) do
    out.rows[#out.rows + 1] = { u.unit, year, table.concat(u.has, "、"), table.concat(u.lacks, "、"),
      ("%d/%d"):format(#u.has, #tbl.marks) }
  end
  return out
end

local function mark(pos, o)
  if #pos ~= 3 then error("usage: units mark STATION MARK [--year Y] [--evidence TEXT] --by PERSON", 0) end
  local tbl = load()
  if not tbl.marks then error(tbl.file .. " declares no unit_marks (unit_marks { \"有专班\", ... })", 0) end
  local m = pos[3]
  local known = false
  for _, x in ipairs(tbl.marks) do if x == m then known = true end end
  if not known then
    error(("no mark '%s' in %s:%d (marks: %s)"):format(m, tbl.file, tbl.marks_line, table.concat(tbl.marks, "、")), 0)
  end
  if not o["--by"] or o["--by"] == "" then error("units mark needs --by PERSON (who records it)", 0) end
  local unit = require("engine").find_unit(pos[2])
  local year = year_of(o["--year"])
  require("store").add_unit_mark(unit.id, year, m, o["--evidence"], o["--by"])
  cwsh.notice(("%s %d: %s recorded (by %s)"):format(unit.name, year, m, o["--by"]))
end

cwsh.command {
  name = "units",
  usage = "units [--wuyou] [--year Y] | units mark STATION MARK [--year Y] [--evidence TEXT] --by PERSON",
  help = "the stations' 五有 (the unit_marks of rules/targets.lua) per year: what each has and lacks\n" .. [[
  [--wuyou]      list every station (a unit with markets) with the marks it has and lacks
  --year Y       the year (default: this year)
  mark STATION MARK [--year Y] [--evidence TEXT] --by PERSON
                 record that STATION shows MARK (有专班, 有计划, ...) that year, with who and when
examples:
  units --wuyou --year 2027
  units mark 城东所 有计划 --evidence 城东所2027年创卫工作计划 --by 王芳]],
  complete = function(words, word)
    if #words == 1 then return { "--wuyou", "mark" } end
    local c = cwsh.completers or {}
    if #words == 2 and words[2] == "mark" and c.units then return c.units(true) end
    if #words == 3 and words[2] == "mark" then
      local tbl = targets.load()
      return tbl and tbl.marks or {}
    end
    return { "--year", "--evidence", "--by" }
  end,
  run = function(args)
    if not db then error("no database: the sqlite plugin is not loaded", 0) end
    local o, pos = parse(args, { ["--wuyou"] = "flag", ["--year"] = "value", ["--evidence"] = "value",
      ["--by"] = "value" })
    if pos[1] == "mark" then return mark(pos, o) end
    if #pos > 0 then error(("units: unknown argument '%s' (usage: units [--wuyou] [--year Y] | units mark ...)"):format(pos[1]), 0) end
    -- `units` alone lists them, as `plans` and `upgrades` do (--wuyou says the same)
    return gaps(o)
  end,
}
