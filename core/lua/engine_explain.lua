-- engine_explain.lua — the lines of an explanation.  Owner: engine helper.
--
-- Used by `explain` (which prints them) and by the rule tests (whose
-- `explain` expectations are matched against them), so both say the same.

local calc = require("engine_calc")

local M = {}

local function fmt(x) return ("%.1f"):format(x) end
local function trim(x) return (("%.2f"):format(x):gsub("0+$", ""):gsub("%.$", "")) end

-- What triggered a period veto: for each period (or month, for period =
-- "month") it fired on, the inspections that lost points on the items the
-- veto reads ("2027-02: 2027-02-03 督查, 2027-02-17 暗访"); a veto that
-- reads no item (one counting inspections) names the period and how many.
function M.period_at(v, groups)
  local out = {}
  for _, g in ipairs(groups or {}) do
    local names = {}
    for _, x in ipairs(g.list) do
      for _, c in ipairs(v.items) do
        if (x.lost[c] or 0) > 0 then names[#names + 1] = x.date .. " " .. x.kind; break end
      end
    end
    local label = g.month or "the period"
    if #names == 0 then
      names[1] = ("%d inspection%s"):format(#g.list, #g.list == 1 and "" or "s")
    end
    out[#out + 1] = label .. ": " .. table.concat(names, ", ")
  end
  if #out == 0 then out[1] = "the period" end
  return out
end

-- The lines of an explanation (header, then one per lost item, caps,
-- vetoes, total) for a detail from engine.market_detail.  Shared with the
-- rule tests, whose `explain` expectations match these lines.
function M.lines(set, label, pname, d)
  local out = {}
  local kinds, order = {}, {}
  for _, x in ipairs(d.inspections) do
    if not kinds[x.kind] then kinds[x.kind] = 0; order[#order + 1] = x.kind end
    kinds[x.kind] = kinds[x.kind] + 1
  end
  local parts = {}
  for _, k in ipairs(order) do
    if set.combine.method == "weighted" then
      parts[#parts + 1] = ("%s ×%d weight %s"):format(k, kinds[k], trim(calc.weight(set, k)))
    else
      parts[#parts + 1] = ("%s ×%d"):format(k, kinds[k])
    end
  end
  out[#out + 1] = { kind = "header", text = ("%s  %s  %s %s (%d inspection%s%s: %s)"):format(label, pname,
    fmt(d.score), d.grade, #d.inspections, #d.inspections == 1 and "" or "s", set.combine.method ~= "weighted" and ", " .. set.combine.method or "",
    table.concat(parts, ", ")) }
  for _, x in ipairs(d.inspections) do
    for _, l in ipairs(x.calc.items) do
      local it, row = l.it, l.row
      local how = ""
      if it.style == "per_count" and row.count then
        how = (" (%s × %s%s)"):format(trim(row.count), trim(it.per_count),
          row.count * it.per_count > it.points and ", cap " .. trim(it.points) or "")
      elseif it.style == "bands" and row.count then how = (" (grade %s/10)"):format(trim(row.count))
      elseif (row.deduction or 0) > it.points then how = (" (cap %s)"):format(trim(it.points)) end
      out[#out + 1] = { kind = "item", insp = x, it = it, lost = l.lost, how = how, row = row,
        text = ("%s %s %s %s %s -%s%s %s %s:%d"):format(x.date, x.kind, x.inspector or "-", it.code, it.title,
          trim(l.lost), how, row.note and ('"' .. row.note .. '"') or "-", it.file, it.line) }
    end
    for _, c in ipairs(x.calc.cats) do
      if c.capped then
        local decl = set.by_category[c.name]
        out[#out + 1] = { kind = "cap", insp = x, cat = c, decl = decl, text = ("%s %s cap %s: -%s → -%s  %s:%d"):format(x.date, c.name, trim(c.cap),
          trim(c.sum), trim(c.lost), decl.file, decl.line) }
      end
    end
    out[#out + 1] = { kind = "inspection", text = ("%s %s %s: %s%s"):format(x.date, x.kind, x.inspector or "-",
      trim(x.score), x.vetoes and ("  veto: " .. table.concat(x.vetoes, "、")) or "") }
  end
  if #d.vetoes > 0 then
    for _, name in ipairs(d.vetoes) do
      for _, v in ipairs(set.vetoes) do
        if v.name == name then
          local at = {}
          for _, x in ipairs(d.inspections) do
            for _, n in ipairs(x.vetoes or {}) do
              if n == name then at[#at + 1] = x.date .. " " .. x.kind end
            end
          end
          if v.period then at = M.period_at(v, d.period_where[name]) end
          out[#out + 1] = { kind = "veto", veto = v, at = at, text = ("veto: %s (%s) → %s  %s:%d"):format(name,
            table.concat(at, ", "), d.grade, v.file, v.line) }
        end
      end
    end
  else
    out[#out + 1] = { kind = "veto", text = "vetoes: none" }
  end
  out[#out + 1] = { kind = "total", text = ("total: %s %s"):format(fmt(d.score), d.grade) }
  return out
end


M.trim = trim

return M
