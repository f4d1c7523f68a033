-- commands/explain.lua — `explain MARKET [PERIOD]`: a market's score built
-- up line by line.  Owner: engine helper.
--
-- The numbers come from engine.market_detail, which scores the market's
-- inspections in memory with the same formulas the SQL path uses; a test
-- checks that the totals equal `score`'s for every market of the demo data.

local engine = require("engine")
local calc = require("engine_calc")

local explain = require("engine_explain")
local trim = explain.trim
local json = require("jsondoc")

local COLUMNS = { "date", "kind", "inspector", "item", "title", "lost", "note", "rule" }

-- explain in json mode: one document, its numbers as the table shows them.
--   { "header": { code, market, period, from, to, score, grade, method },
--     "inspections": [ { date, kind, inspector, weight, score, vetoes } ],
--     "rows": [ { date, kind, inspector, item, title, lost, note, rule } ],
--     "caps": [ { date, category, cap, lost, counted, rule } ],
--     "vetoes": [ { veto, period (false, true or "month"), inspections
--                   (what triggered it), grade, rule } ],
--     "total": { score, grade } }
local function document(set, m, p, d, items, tail)
  local n1 = function(x) return json.num(x, "%.1f") end
  local n2 = function(x) return json.num(tonumber(trim(x))) end
  local insps, rows, caps, vetoes = {}, {}, {}, {}
  for _, x in ipairs(d.inspections) do
    insps[#insps + 1] = json.object("date", x.date, "kind", x.kind, "inspector", x.inspector,
      "weight", set.combine.method == "weighted" and n2(calc.weight(set, x.kind)) or nil,
      "score", n2(x.score), "vetoes", x.vetoes or {})
  end
  for _, r in ipairs(items) do
    rows[#rows + 1] = json.object("date", r[1], "kind", r[2], "inspector", r[3], "item", r[4],
      "title", r[5], "lost", n1(r[6]), "note", r[7], "rule", r[8])
  end
  for _, l in ipairs(tail) do
    if l.kind == "cap" then
      caps[#caps + 1] = json.object("date", l.insp.date, "category", l.cat.name, "cap", n2(l.cat.cap),
        "lost", n2(-l.cat.lost), "counted", n2(-l.cat.sum), "rule", ("%s:%d"):format(l.decl.file, l.decl.line))
    elseif l.kind == "veto" and l.veto then
      vetoes[#vetoes + 1] = json.object("veto", l.veto.name,
        "period", l.veto.period == "month" and "month" or l.veto.period and true or false,
        "inspections", l.at, "grade", d.grade,
        "rule", ("%s:%d"):format(l.veto.file, l.veto.line))
    end
  end
  return json.encode(json.object(
    "header", json.object("code", m.code, "market", m.name, "period", p.name, "from", p.from, "to", p.to,
      "score", n1(d.score), "grade", d.grade, "method", set.combine.method),
    "inspections", insps, "rows", rows, "caps", caps, "vetoes", vetoes,
    "total", json.object("score", n1(d.score), "grade", d.grade)))
end

cwsh.command {
  name = "explain",
  usage = "explain MARKET [PERIOD]",
  help = "show how a market's score for a period is made: every deduction with its inspection, note and rule\n"
    .. "MARKET is a code, name or alias (an unknown one suggests the names it may mean).\n"
    .. require("engine_period").HELP .. [[

In json one document (header, inspections, rows, caps, vetoes, total); in csv and tsv
one table of the deductions, the heading and total on stderr.
examples:
  explain 解放市场 2027-03
  explain M0003 2027-Q1
  explain 城北市场 2027-01-01..2027-01-15]],
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
      error(("%s has no inspection in %s (%s..%s)"):format(label, p.name, p.from, p.to), 0)
    end
    local ls = explain.lines(set, label, p.name, d)
    local mode, data = cwsh.mode()
    local items, tail = {}, {}
    for i = 2, #ls do
      local l = ls[i]
      if l.kind == "item" then
        items[#items + 1] = { l.insp.date, l.insp.kind, l.insp.inspector or cwsh.null, l.it.code,
          l.it.title, -l.lost, l.row.note and (l.row.note .. l.how) or (l.how:gsub("^ ", "")),
          ("%s:%d"):format(l.it.file, l.it.line) }
      elseif l.kind ~= "inspection" then
        tail[#tail + 1] = l
      end
    end
    local scores = {}
    for _, x in ipairs(d.inspections) do
      scores[#scores + 1] = ("%s %s %s"):format(x.date:sub(6), x.kind, trim(x.score))
    end
    table.insert(tail, #tail, { kind = "inspections", text = "inspections: " .. table.concat(scores, ", ") })
    if mode == "json" then return cwsh.print(document(set, m, p, d, items, tail)) end
    local rs = { columns = COLUMNS, formats = { [6] = "%.1f" }, rows = items }
    local text = {}
    for _, l in ipairs(tail) do text[#text + 1] = l.text end
    if data then
      -- csv, tsv: one table on stdout, every row naming its market and
      -- period; the heading and the lines below go to stderr
      cwsh.notice(ls[1].text)
      for _, r in ipairs(items) do table.insert(r, 1, m.code); table.insert(r, 2, m.name); table.insert(r, 3, p.name) end
      rs.columns, rs.formats = { "code", "market", "period", table.unpack(COLUMNS) }, { [9] = "%.1f" }
      cwsh.render(rs)
      cwsh.notice(table.concat(text, "\n"))
      return
    end
    cwsh.print(ls[1].text)
    if #items > 0 then cwsh.render(rs) else cwsh.print("no points lost") end
    return table.concat(text, "\n")
  end,
}
