-- commands/targets.lua — `targets`: the targets breakdown table
-- (目标任务细化分解表) of rules/targets.lua with each task's progress and
-- status computed from the data (core/lua/targets.lua), and `targets show
-- CODE` for one task in full.

local targets = require("targets")

local cmdargs = require("cmdargs")
local function opts(args, known) return cmdargs.parse(args, known, "targets") end

local function null(v) if v == nil then return cwsh.null end return v end

local function today(o)
  local s = o["--on"]
  if s == nil then return require("clock").today() end
  if not targets.is_date(s) then error(("--on needs a date YYYY-MM-DD, not '%s'"):format(s), 0) end
  return s
end

local function load()
  local tbl, err = targets.load()
  if not tbl then error(err, 0) end
  return tbl
end

local COLUMNS = { "code", "task", "lead", "deadline", "progress %", "status", "evidence" }
local KEYS = { "code", "task", "lead", "deadline", "progress", "status", "evidence" }

local function table_of(o)
  local level = o["--level"]
  if level and not targets.LEVELS[level] then
    error(("--level must be bureau, unit or market, not '%s'"):format(level), 0)
  end
  local tbl = load()
  local involves = o["--unit"] and targets.unit_filter(tbl, o["--unit"])
  local rows = targets.compute(tbl, today(o))
  local out = { columns = COLUMNS, keys = KEYS, formats = { [5] = "%.0f" }, rows = {} }
  local areas = {}
  for _, r in ipairs(rows) do
    local t = r.task
    if t.area then areas[t.area] = true end
    if (not involves or involves(t)) and (not o["--area"] or t.area == o["--area"])
        and (not level or t.level == level) and (not (o["--lagging"] or o["--overdue"]) or r.status == "滞后" or r.status == "出错") then
      out.rows[#out.rows + 1] = { t.code, t.title, t.lead, null(t.deadline), null(r.progress), r.status, null(r.evidence) }
    end
  end
  if o["--area"] and not areas[o["--area"]] then
    local list = {}
    for a in pairs(areas) do list[#list + 1] = a end
    table.sort(list)
    error(("no area '%s' in %s (areas: %s)"):format(o["--area"], tbl.file, table.concat(list, ", ")), 0)
  end
  return out
end

local function show(code, o)
  local tbl = load()
  local t = tbl.by_code[code]
  if not t then error(("no task %s in %s"):format(code, tbl.file), 0) end
  local on = today(o)
  local r
  for _, x in ipairs(targets.compute(tbl, on)) do if x.task == t then r = x end end
  local out = { columns = { "field", "value" }, rows = {} }
  local function add(k, v) if v ~= nil and v ~= "" then out.rows[#out.rows + 1] = { k, v } end end
  add("code", t.code)
  add("task", t.title)
  add("area", t.area)
  add("level", t.level)
  add("target", t.target)
  add("measures", t.measures)
  local function with_units(x)
    local units = targets.COLLECTIVES[x] and targets.expand(x) or {}
    return #units > 0 and ("%s（%s）"):format(x, table.concat(units, "、")) or x
  end
  add("lead", with_units(t.lead))
  -- a collective with the units of the database it covers: 各所、分局（城东所、城西所）
  local support = {}
  for _, x in ipairs(t.support) do support[#support + 1] = with_units(x) end
  add("support", table.concat(support, "、"))
  add("person", t.person)
  add("standard", t.standard)
  add("deadline", t.deadline)
  if t.phase then add("phase", t.phase[1] .. ".." .. t.phase[2]) end
  add("on", on)
  local elapsed = targets.elapsed(t, on)
  if elapsed then add("elapsed", ("阶段已过 %.0f %%"):format(elapsed)) end
  add("progress", r.progress and ("%.0f %%"):format(r.progress) or nil)
  add("status", r.status)
  add("evidence", r.evidence)
  for _, s in ipairs(r.inputs or {}) do add("input", s) end
  for _, h in ipairs(r.history or {}) do
    add("history", ("%s %s: %s → %s%s%s"):format(h.set_at, h.set_by, h.from_status or "未启动", h.status,
      h.progress and (" " .. ("%g"):format(h.progress) .. " %") or "", h.evidence and ("，" .. h.evidence) or ""))
  end
  add("rule", ("%s:%d"):format(t.file, t.line))
  return out
end

local OPTIONS = { "--unit", "--area", "--level", "--lagging", "--overdue", "--on", "show" }

cwsh.command {
  name = "targets",
  usage = "targets [--unit U] [--area A] [--level bureau|unit|market] [--lagging] [--on DATE] | targets show CODE [--on DATE]"
    .. " | targets set CODE --status S [--progress N] [--evidence TEXT] --by PERSON",
  help = "the targets breakdown table (目标任务细化分解表) of rules/targets.lua: each task's progress and status\n" .. [[
  --unit U      tasks that unit U leads (牵头) or supports (配合), itself or as one of a collective (各所、分局 ...)
  --area A      tasks of area A
  --level L     tasks at level L: bureau (局), unit (所/分局/市场主办单位) or market
  --lagging     tasks that are 滞后 (or whose check failed); --overdue says the same
  --on DATE     compute the status as on DATE (default: today)
  show CODE     one task in full: its fields, what its check read, its manual status history, its rule file:line
  set CODE --status S [--progress N] [--evidence TEXT] --by PERSON
                record the status (未启动, 推进中, 已完成) of a task without a check, kept with who and when
progress % is the check's done / due; a task without a check has none.
status: 已完成 (100 %), 滞后 (deadline passed, or behind its pace: the elapsed share of the phase,
or below 100 % of what was due up to the day), 未达标 (a check's 0 %), 未启动 (before the phase, or
no status recorded), 推进中; 出错 when the check failed (its error is the evidence).
The table for --on DATE reads only what was dated and recorded on or before DATE.
examples:
  targets
  targets --unit 城东所 --lagging
  targets show 3.2.1]],
  complete = function(words, word)
    if #words == 1 and not word:match("^%-") then return { "show", "set" } end
    if words[#words] == "--status" then return { "未启动", "推进中", "已完成" } end
    local c = cwsh.completers or {}
    if words[#words] == "--unit" and c.units then return c.units(true) end
    if words[#words] == "--level" then return { "bureau", "unit", "market" } end
    if words[#words] == "show" or words[#words] == "set" then
      local tbl = targets.load()
      local out = {}
      for _, t in ipairs(tbl and tbl.tasks or {}) do out[#out + 1] = t.code end
      return out
    end
    return OPTIONS
  end,
  run = function(args)
    if args[1] == "set" then
      local so, pos = opts(args, { ["--status"] = "value", ["--evidence"] = "value", ["--by"] = "value",
        ["--progress"] = "value" })
      if #pos ~= 2 then error("usage: targets set CODE --status S [--progress N] [--evidence TEXT] --by PERSON", 0) end
      if not so["--status"] then error("targets set needs --status 未启动, 推进中 or 已完成", 0) end
      local p
      if so["--progress"] then
        p = tonumber(so["--progress"])
        if not p or p < 0 or p > 100 then error(("--progress must be a number 0–100, not '%s'"):format(so["--progress"]), 0) end
      end
      cwsh.notice(targets.set(load(), pos[2], so["--status"], p, so["--evidence"], so["--by"]))
      return
    end
    local o, pos = opts(args, { ["--unit"] = "value", ["--area"] = "value", ["--level"] = "value",
      ["--lagging"] = "flag", ["--overdue"] = "flag", ["--on"] = "value" })
    if pos[1] == "show" then
      if #pos ~= 2 then error("usage: targets show CODE", 0) end
      return show(pos[2], o)
    end
    if #pos > 0 then error(("targets: unknown argument '%s' (usage: targets [options] | targets show CODE)"):format(pos[1]), 0) end
    return table_of(o)
  end,
}
