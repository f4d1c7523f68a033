-- engine_calc.lua — the scoring arithmetic, written once.  Owner: engine helper.
--
-- An item's points lost are a formula over the result row (deduction,
-- count, result) and the item's parameters (points, per_count).  Each item
-- style's formula is written here once, as a small expression tree, and
-- compiled two ways: to SQL (engine.lua sums it over millions of rows in
-- SQLite) and to a Lua function (explain and the rule tests score a
-- handful of inspections in memory).  Category caps, the inspection's
-- total, vetoes, the period's combination, grades, ranks and tiers are
-- Lua below and run per inspection or per market, never per result row;
-- the category cap, the only step besides the item formula that SQL also
-- does, is the expression CAP below.
--
-- Formulas (NULL propagates as in SQL; `coalesce` takes the first non-NULL):
--   plain       min(deduction, points)
--   per_count   min(max(0, coalesce(count * per_count, deduction)), points)
--   bands       coalesce(points * (10 - max(0, min(10, count))) / 10,
--                        min(deduction, points))
--   any style   0 when the result is 不适用; 0 when it is 合格 (the
--               vocabulary's words for na and pass), except
--               under band grading, where a 合格 grade (7–8) keeps
--               only part of the points.  The importer refuses a 合格
--               row with a deduction, but sheets write the number of
--               things counted on a pass too (合格,0,3): not findings.

local M = {}

local D, C, P, K = { "col", "deduction" }, { "col", "count" }, { "par", "points" }, { "par", "k" }

M.formulas = {
  plain = { "min", D, P },
  per_count = { "min", { "max", 0, { "coalesce", { "mul", C, K }, D } }, P },
  bands = { "coalesce", { "div", { "mul", P, { "sub", 10, { "max", 0, { "min", 10, C } } } }, 10 },
    { "min", D, P } },
}
M.style_ids = { plain = 0, per_count = 1, bands = 2 }

-- ------------------------------------------------------------ to SQL

local function num(x) return ("%.17g"):format(x) end

-- cols: { deduction = "r.deduction", ... }, pars: { points = "ei.points", ... },
-- fns: the store's names of the scalar min and max ({ min = "least", ... }
-- in PostgreSQL; default SQLite's min and max).
local SQLITE_FNS = { min = "min", max = "max" }
local function sql(e, cols, pars, fns)
  if type(e) == "number" then return num(e) end
  local op = e[1]
  if op == "col" then return cols[e[2]] end
  if op == "par" then return pars[e[2]] end
  local a, b = sql(e[2], cols, pars, fns), sql(e[3], cols, pars, fns)
  if op == "min" then return ("%s(%s, %s)"):format(fns.min, a, b) end
  if op == "max" then return ("%s(%s, %s)"):format(fns.max, a, b) end
  if op == "coalesce" then return ("coalesce(%s, %s)"):format(a, b) end
  if op == "mul" then return ("(%s * %s)"):format(a, b) end
  if op == "div" then return ("(%s / %s)"):format(a, b) end
  if op == "sub" then return ("(%s - %s)"):format(a, b) end
  error("engine_calc: unknown operator " .. tostring(op))
end

-- The SQL expression of an item's points lost, all styles in one CASE.
-- `words` are the stored result words (the vocabulary's, rules/domain.lua:
-- set.domain.results): { pass = { name = ... }, na = { name = ... } }.
local function quote(s) return "'" .. s:gsub("'", "''") .. "'" end

function M.lost_sql(cols, pars, fns, words)
  fns = fns or SQLITE_FNS
  local parts = { ("CASE WHEN %s = %s OR (%s = %s AND %s <> %d) THEN 0 ELSE CASE %s"):format(
    cols.result, quote(words.na.name), cols.result, quote(words.pass.name), pars.style,
    M.style_ids.bands, pars.style) }
  for _, style in ipairs({ "per_count", "bands" }) do
    parts[#parts + 1] = (" WHEN %d THEN %s"):format(M.style_ids[style], sql(M.formulas[style], cols, pars, fns))
  end
  parts[#parts + 1] = (" ELSE %s END END"):format(sql(M.formulas.plain, cols, pars, fns))
  return table.concat(parts)
end

-- Whether a category's cap can bind: only when it is below the sum of its
-- items' points (rules.lua computes items_points at load).
function M.binds(c) return c.cap < (c.items_points or math.huge) - 1e-9 end

-- The category cap: a category never loses more than its cap.
function M.cap_sql(sum, cap, fns) return ("%s(%s, %s)"):format((fns or SQLITE_FNS).min, sum, cap) end
local function cap(sum, c) return math.min(sum, c) end

-- ------------------------------------------------------------ to Lua

local function lua(e)
  if type(e) == "number" then return function() return e end end
  local op = e[1]
  if op == "col" then local k = e[2]; return function(r) return r[k] end end
  if op == "par" then local k = e[2]; return function(_, it) return it[k] end end
  local a, b = lua(e[2]), lua(e[3])
  if op == "coalesce" then
    return function(r, it) local x = a(r, it); if x == nil then return b(r, it) end; return x end
  end
  local f
  if op == "min" then f = math.min elseif op == "max" then f = math.max
  elseif op == "mul" then f = function(x, y) return x * y end
  elseif op == "div" then f = function(x, y) return x / y end
  elseif op == "sub" then f = function(x, y) return x - y end
  else error("engine_calc: unknown operator " .. tostring(op)) end
  return function(r, it)
    local x, y = a(r, it), b(r, it)
    if x == nil or y == nil then return nil end
    return f(x, y)
  end
end

local compiled = {}
for style, e in pairs(M.formulas) do compiled[style] = lua(e) end

-- Points lost on item `it` for result row r = { result, deduction, count }
-- (absent values are nil); `words` as for lost_sql.
function M.item_lost(it, r, words)
  if r.result == words.na.name or (r.result == words.pass.name and it.style ~= "bands") then return 0 end
  local row = { deduction = r.deduction or 0, count = r.count }
  return compiled[it.style](row, { points = it.points, k = it.per_count }) or 0
end

-- ------------------------------------------------------ one inspection

-- Score one inspection in memory.  insp = { kind, date, results = { [code]
-- = { result, deduction, count, note } } }.  Returns { lost, score,
-- items = { {it, lost, row}... } in checklist order, cats = { {name, sum,
-- cap, lost} } for categories that lost points, by_code = { code -> lost } }.
-- Result codes not in the set are ignored (as the SQL join ignores them).
function M.inspection(set, insp)
  local out = { items = {}, cats = {}, by_code = {} }
  local sums = {}
  for _, it in ipairs(set.items) do
    local r = insp.results[it.code]
    if r then
      local l = M.item_lost(it, r, set.domain.results)
      out.by_code[it.code] = l
      if l ~= 0 then
        out.items[#out.items + 1] = { it = it, lost = l, row = r }
        sums[it.category] = (sums[it.category] or 0) + l
      end
    end
  end
  local lost = 0
  for _, c in ipairs(set.categories) do
    local s = sums[c.name]
    if s then
      local l = cap(s, c.cap)
      out.cats[#out.cats + 1] = { name = c.name, sum = s, cap = c.cap, lost = l, capped = l < s }
      lost = lost + l
    end
  end
  out.lost = lost
  out.score = set.total - lost
  return out
end

-- ------------------------------------------------------------- vetoes

-- Scoring fetches only the items a veto's dry runs read at load; a veto
-- that reads another one at scoring time (a branch the dry runs did not
-- take) would see 0 there, so it is an error that says what to declare.
local function check_seen(v, seen)
  for code in pairs(seen) do
    local known = false
    for _, c in ipairs(v.items) do if c == code then known = true end end
    if not known then
      error(("%s:%d: veto '%s' reads item %s, which its dry runs did not: declare items = {...}"):format(
        v.file, v.line, v.name, code), 0)
    end
  end
end

-- The vetoes an inspection triggers.  `lost` maps item code -> points
-- lost.  `memo` (a table kept for one scoring run) remembers each veto's
-- answer per kind and values of its items, so a veto runs once per
-- distinct combination, not once per inspection.
function M.vetoes(set, rules, lost, kind, memo)
  local fired
  for vi, v in ipairs(set.vetoes) do
    if v.period then goto next end
    local key = { vi, kind }
    for _, code in ipairs(v.items) do key[#key + 1] = num(lost[code] or 0) end
    key = table.concat(key, "\1")
    local r = memo and memo[key]
    if r == nil then
      local seen = {}
      r = rules.call_veto(v, rules.inspection(set, lost, kind, seen))
      check_seen(v, seen)
      if memo then memo[key] = r end
    end
    if r then fired = fired or {}; fired[#fired + 1] = v.name end
    ::next::
  end
  return fired
end

-- The period vetoes one market's period triggers.  `list` holds { kind,
-- date, score, lost = { code -> points lost } } per inspection, `score`
-- the combined score.  Run once per market and period: nothing to
-- memoise.  A veto with period = "month" judges each calendar month's
-- inspections on their own (with that month's score) and vetoes the
-- period when one month is vetoed.  Returns the names that fired and, per
-- name, the lists of inspections it judged when it fired (the whole
-- period, or each month that fired), for explain.
function M.period_vetoes(set, rules, list, score)
  local fired, where = nil, {}
  local months, order
  for _, v in ipairs(set.vetoes) do
    if v.period then
      local groups = { { list = list, score = score } }
      if v.period == "month" then
        if not months then
          months, order = {}, {}
          for _, x in ipairs(list) do
            local k = x.date:sub(1, 7)
            if not months[k] then months[k] = {}; order[#order + 1] = k end
            table.insert(months[k], x)
          end
          table.sort(order)
        end
        groups = {}
        for _, k in ipairs(order) do
          groups[#groups + 1] = { month = k, list = months[k], score = M.combine(set, months[k]) }
        end
      end
      for _, g in ipairs(groups) do
        local seen = {}
        local r = rules.call_veto(v, rules.period(set, g.list, g.score, seen))
        check_seen(v, seen)
        if r then
          if not where[v.name] then fired = fired or {}; fired[#fired + 1] = v.name; where[v.name] = {} end
          table.insert(where[v.name], g)
        end
      end
    end
  end
  return fired, where
end

-- Whether the set has period vetoes (scoring then keeps each
-- inspection's veto items).
function M.has_period_vetoes(set)
  for _, v in ipairs(set.vetoes) do if v.period then return true end end
  return false
end

-- ------------------------------------------------------------- periods

function M.weight(set, kind)
  return set.combine.weights[kind] or set.combine.default_weight
end

-- Combine a market's inspections in a period: list of { score, kind,
-- date, id }.  Returns the period score and the weight of each.
function M.combine(set, list)
  local m = set.combine.method
  if #list == 0 then return nil end
  if m == "worst" then
    local s = math.huge
    for _, x in ipairs(list) do s = math.min(s, x.score) end
    return s
  elseif m == "latest" then
    local best = list[1]
    for _, x in ipairs(list) do
      if x.date > best.date or (x.date == best.date and x.id > best.id) then best = x end
    end
    return best.score
  end
  local sw, s = 0, 0
  for _, x in ipairs(list) do
    local w = M.weight(set, x.kind)
    s = s + w * x.score
    sw = sw + w
  end
  return s / sw
end

-- The grade of a score as it is shown, to one decimal (score, explain and
-- the documents print "%.1f"): 89.96 shows as 90.0 and is graded 90.0, so
-- a table never says "90.0 良好".
function M.grade(set, score, vetoed)
  if vetoed then return set.grades[#set.grades].name end
  score = tonumber(("%.1f"):format(score))
  for _, g in ipairs(set.grades) do if score >= g.min then return g.name end end
  return set.grades[#set.grades].name
end

-- Same score as shown, same rank (competition ranking 1, 1, 3): scores
-- are compared to one decimal, as every table and notice prints them, so
-- two markets listed at 90.0 never get ranks 1 and 2.  Ties are listed by
-- key (market code).  Sets .rank and .tier on each row (tiers: thirds by
-- rank, ties share a tier).
-- (the same rounding as grade: printf's, not a hand-made one)
local function shown(score) return tonumber(("%.1f"):format(score)) end

function M.rank(set, rows, key)
  for _, r in ipairs(rows) do r._shown = shown(r.score) end
  table.sort(rows, function(a, b)
    if a._shown ~= b._shown then return a._shown > b._shown end
    return a[key] < b[key]
  end)
  local n, k = #rows, #set.tiers
  for i, r in ipairs(rows) do
    if i > 1 and rows[i - 1]._shown == r._shown then r.rank = rows[i - 1].rank
    else r.rank = i end
    r.tier = set.tiers[(r.rank - 1) * k // n + 1]
  end
  for _, r in ipairs(rows) do r._shown = nil end
  return rows
end

return M
