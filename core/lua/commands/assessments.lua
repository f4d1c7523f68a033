-- commands/assessments.lua — `assessments`: the bureau's rank in the
-- assessments the 省/市创卫办 publish (table assessment), each with its
-- tier by the scoring rules' tiers (thirds of the ranks, as markets are
-- tiered).  The targets table's task 6.1.1 (确保中游、力争上游) reads the
-- latest (d:assessment()).

local USAGE = "assessments | assessments add DATE ASSESSOR RANK OF_N [--source TEXT] --by PERSON"

local cmdargs = require("cmdargs")
local function opts(args, known) return cmdargs.parse(args, known, "assessments") end

local function tier(rank, of_n)
  local set = require("rules").current()
  local tiers = set and set.tiers or { "上游", "中游", "下游" }
  return tiers[(rank - 1) * #tiers // of_n + 1]
end

local function whole(s, what)
  local n = tonumber(s)
  if not n or math.type(n) ~= "integer" or n < 1 then error(("%s must be a whole number from 1, not '%s'"):format(what, s), 0) end
  return n
end

local function add(args)
  local o, pos = opts(args, { ["--source"] = "value", ["--by"] = "value" })
  if #pos ~= 4 then error("usage: assessments add DATE ASSESSOR RANK OF_N [--source TEXT] --by PERSON", 0) end
  local date, assessor = pos[1], pos[2]
  if not require("calendar").parse(date) then error(("assessments add: '%s' is not a date (YYYY-MM-DD)"):format(date), 0) end
  local rank, of_n = whole(pos[3], "RANK"), whole(pos[4], "OF_N")
  if rank > of_n then error(("RANK %d is beyond OF_N %d (the number of units ranked)"):format(rank, of_n), 0) end
  if not o["--by"] or o["--by"] == "" then error("assessments add needs --by PERSON (who records it)", 0) end
  local today = require("clock").today()
  if date > today then
    error(("assessments add: %s is after today (%s): record an assessment once it is published"):format(date, today), 0)
  end
  require("store").add_assessment({ date = date, assessor = assessor, rank = rank, of_n = of_n, source = o["--source"],
    by = o["--by"] })
  cwsh.notice(("%s %s: rank %d of %d (%s)"):format(date, assessor, rank, of_n, tier(rank, of_n)))
end

local function list()
  local out = { columns = { "date", "assessor", "rank", "of", "tier", "source", "by" },
    keys = { "date", "assessor", "rank", "of_n", "tier", "source", "by" }, rows = {} }
  for _, a in ipairs(require("store").assessments()) do
    out.rows[#out.rows + 1] = { a.date, a.assessor, a.rank, a.of_n, tier(a.rank, a.of_n), a.source or cwsh.null, a.set_by }
  end
  return out
end

cwsh.command {
  name = "assessments",
  usage = USAGE,
  help = "the bureau's rank in the assessments the 省/市创卫办 publish, with its tier (上游 / 中游 / 下游)\n" .. [[
The tier is the scoring rules' tiers over the ranks (thirds: rank 5 of 12 is 中游).
The targets table's task 6.1.1 (确保中游、力争上游) reads the latest.
examples:
  assessments add 2027-06-30 市创卫办 5 12 --source 市创卫办通报〔2027〕6号 --by 王芳
  assessments]],
  complete = function(words)
    if #words == 1 then return { "add" } end
    return { "--source", "--by" }
  end,
  run = function(args)
    if not db then error("no database: the sqlite plugin is not loaded", 0) end
    if #args == 0 then return list() end
    if args[1] == "add" then return add(table.move(args, 2, #args, 1, {})) end
    error("usage: " .. USAGE, 0)
  end,
}
