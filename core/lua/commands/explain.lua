-- commands/explain.lua — `explain MARKET [PERIOD]`: a market's score built
-- up line by line.  Owner: engine helper.
--
-- The numbers come from engine.market_detail, which scores the market's
-- inspections in memory with the same formulas the SQL path uses; a test
-- checks that the totals equal `score`'s for every market of the demo data.

local engine = require("engine")

local explain = require("engine_explain")
local function fmt(x) return ("%.1f"):format(x) end
local trim = explain.trim

cwsh.command {
  name = "explain",
  usage = "explain MARKET [PERIOD]",
  help = "show how a market's score for a period is made: every deduction with its inspection, note and rule",
  complete = function(words)         -- words: "explain" and the words before this one
    local c = cwsh.completers
    if not c then return {} end
    if #words == 1 then return c.markets() end
    if #words == 2 then return c.periods() end
    return {}
  end,
  run = function(args)
    if #args < 1 or #args > 2 then error("usage: explain MARKET [PERIOD]", 0) end
    local set = engine.current_set()
    local m = engine.find_market(args[1])
    local p = engine.parse_period(args[2])
    local d = engine.market_detail(set, m.id, p)
    local label = ("%s (%s)"):format(m.name, m.code)
    if #d.inspections == 0 then
      return ("%s: no inspection in %s (%s..%s)"):format(label, p.name, p.from, p.to)
    end
    local ls = explain.lines(set, label, p.name, d)
    cwsh.print(ls[1].text)
    local rs = { columns = { "date", "kind", "inspector", "item", "title", "lost", "note", "rule" },
      formats = { [6] = "%.1f" }, rows = {} }
    local tail = {}
    for i = 2, #ls do
      local l = ls[i]
      if l.kind == "item" then
        rs.rows[#rs.rows + 1] = { l.insp.date, l.insp.kind, l.insp.inspector or cwsh.null, l.it.code,
          l.it.title, -l.lost, l.row.note and (l.row.note .. l.how) or (l.how:gsub("^ ", "")), ("%s:%d"):format(l.it.file, l.it.line) }
      elseif l.kind ~= "inspection" then
        tail[#tail + 1] = l.text
      end
    end
    if #rs.rows > 0 then cwsh.render(rs) else cwsh.print("no points lost") end
    local scores = {}
    for _, x in ipairs(d.inspections) do
      scores[#scores + 1] = ("%s %s %s"):format(x.date:sub(6), x.kind, trim(x.score))
    end
    table.insert(tail, #tail, "inspections: " .. table.concat(scores, ", "))
    return table.concat(tail, "\n")
  end,
}

