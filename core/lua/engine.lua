-- engine.lua — scoring markets from the store.  Owner: engine helper.
--
-- One SQL statement per period computes, for every inspection, the points
-- lost after item and category caps (engine_calc's formulas compiled to
-- SQL) and the points lost on the items the vetoes read.  Lua then works
-- per inspection (vetoes, memoised per distinct values) and per market
-- (combination, grade, rank, tier).  No Lua runs per result row.
--
--   engine.score_period(period [, set])  -> rows (plain tables, ranked)
--   engine.score(period, set, opts)      -> rows with .delta, stored
--   engine.market_detail(set, market_id, period) -> what explain shows

local calc = require("engine_calc")
local periods = require("engine_period")
local rules = require("rules")

local M = {}

local function cur() 
  local set = rules.current()
  if not set then error("no rules loaded: fix the rules and run .rules reload", 0) end
  return set
end
M.current_set = cur

local function need_db()
  if not db then error("no database: the sqlite plugin is not loaded", 0) end
end

-- The codes the vetoes read, in a fixed order.
local function veto_codes(set)
  local seen, out = {}, {}
  for _, v in ipairs(set.vetoes) do
    for _, c in ipairs(v.items) do
      if not seen[c] then seen[c] = true; out[#out + 1] = c end
    end
  end
  return out
end

-- Write `set`'s items and caps into temp tables the scoring SQL joins.
-- Items whose code the store does not know have no results: left out.
-- Rebuilt when the set or the store's item ids change (.restore can
-- change them) or the temp tables are gone.
local loaded_key
local function load_rule_tables(set)
  local ids_now = db.one("SELECT group_concat(id || ':' || code) AS k FROM item").k
  local present = db.one("SELECT count(*) AS n FROM temp.sqlite_master WHERE name = 'engine_item'").n
  local key = set.hash .. "|" .. tostring(ids_now)
  if present == 1 and loaded_key == key then return end
  db.exec([[CREATE TEMP TABLE IF NOT EXISTS engine_item(item_id INTEGER PRIMARY KEY,
    code TEXT, cat INTEGER, points REAL, k REAL, style INTEGER, dep INTEGER);
    CREATE TEMP TABLE IF NOT EXISTS engine_cat(cat INTEGER PRIMARY KEY, cap REAL);
    DELETE FROM engine_item; DELETE FROM engine_cat;]])
  local ids = {}
  for r in db.query("SELECT id, code FROM item") do ids[r.code] = r.id end
  -- A category whose cap is at least its items' points can never reach
  -- it (an item never loses more than its points): its items get cat 0
  -- and are summed without a cap, which saves SQLite a CASE per row.
  local cat_ix = {}
  for i, c in ipairs(set.categories) do
    cat_ix[c.name] = calc.binds(c) and i or 0
    db.exec("INSERT INTO engine_cat(cat, cap) VALUES (?, ?)", i, c.cap)
  end
  local dep = {}
  for i, c in ipairs(veto_codes(set)) do dep[c] = i end
  for _, it in ipairs(set.items) do
    if ids[it.code] then
      db.exec("INSERT INTO engine_item VALUES (?, ?, ?, ?, ?, ?, ?)", ids[it.code], it.code,
        cat_ix[it.category], it.points, it.per_count or db.null, calc.style_ids[it.style], dep[it.code] or db.null)
    end
  end
  loaded_key = key
end

local LOST = calc.lost_sql({ result = "r.result", deduction = "r.deduction", count = "r.count" },
  { points = "ei.points", k = "ei.k", style = "ei.style" })

-- Per inspection in [from, to] (optionally one market): id, market_id,
-- date, kind, lost, v1..vn (points lost on each veto code).  One pass,
-- grouped by (date, id) so SQLite walks the date index in order and needs
-- no sorter; each category's sum is capped, then added up.
local function inspection_rows(set, from, to, market_id)
  load_rule_tables(set)
  local codes = veto_codes(set)
  local cats, vcols, binding = {}, {}, false
  for i, c in ipairs(set.categories) do
    if calc.binds(c) then
      binding = true
      cats[#cats + 1] = calc.cap_sql(("coalesce(sum(CASE ei.cat WHEN %d THEN %s END), 0)"):format(i, LOST),
        ("%.17g"):format(c.cap))
    end
  end
  table.insert(cats, 1, binding and ("coalesce(sum(CASE ei.cat WHEN 0 THEN %s END), 0)"):format(LOST)
    or ("coalesce(sum(%s), 0)"):format(LOST))
  for i = 1, #codes do
    vcols[i] = (", sum(CASE ei.dep WHEN %d THEN %s END) AS v%d"):format(i, LOST, i)
  end
  local sql = ([[
SELECT i.id, i.market_id, i.date, i.kind, %s AS lost%s
  FROM inspection i LEFT JOIN result r ON r.inspection_id = i.id
  LEFT JOIN engine_item ei ON ei.item_id = r.item_id
 WHERE i.date BETWEEN :from AND :to%s
 GROUP BY i.date, i.id]]):format(table.concat(cats, " + "), table.concat(vcols),
    market_id and " AND i.market_id = :m" or "")
  M.last_sql = sql                     -- for a look with `= require("engine").last_sql`
  return db.resultset(sql, { from = from, to = to, m = market_id }).rows, codes
end

local function markets()
  local out = {}
  for r in db.query([[SELECT m.id, m.code, m.name, m.is_key, m.unit_id, u.name AS unit
      FROM market m LEFT JOIN unit u ON u.id = m.unit_id]]) do
    out[r.id] = r
  end
  return out
end

local function nn(v) if v == db.null then return nil end return v end

-- Add the names in `fired` (or nil) to the list-and-set `to`, once each.
local function add_vetoes(to, fired)
  for _, v in ipairs(fired or {}) do
    if not to[v] then to[v] = true; to[#to + 1] = v end
  end
end

-- Score every market with inspections in period p (a parsed period)
-- under `set`.  Rows: { market_id, code, name, unit, unit_id, is_key,
-- score, grade, rank, tier, inspections, vetoes, kinds }, ranked.
local function score_parsed(set, p)
  local insp, codes = inspection_rows(set, p.from, p.to)
  local memo, by_market, list = {}, {}, {}
  local keep = calc.has_period_vetoes(set)
  for _, r in ipairs(insp) do
    local id, mid, date, kind, lost = r[1], r[2], r[3], r[4], r[5]
    local lost_by = {}
    for i, c in ipairs(codes) do lost_by[c] = nn(r[5 + i]) or 0 end
    local fired = calc.vetoes(set, rules, lost_by, kind, memo)
    local m = by_market[mid]
    if not m then
      m = { market_id = mid, list = {}, vetoes = {} }
      by_market[mid] = m
      list[#list + 1] = m
    end
    m.list[#m.list + 1] = { id = id, date = date, kind = kind, score = set.total - lost, lost = keep and lost_by or nil }
    add_vetoes(m.vetoes, fired)
  end
  local info = markets()
  local rows = {}
  for _, m in ipairs(list) do
    local mk = info[m.market_id] or { code = "?" .. m.market_id, name = "?" }
    local score = calc.combine(set, m.list)
    if keep then add_vetoes(m.vetoes, calc.period_vetoes(set, rules, m.list, score)) end
    rows[#rows + 1] = { market_id = m.market_id, code = mk.code, name = mk.name, unit = nn(mk.unit),
      unit_id = nn(mk.unit_id), is_key = mk.is_key == 1, score = score,
      grade = calc.grade(set, score, #m.vetoes > 0), inspections = #m.list,
      vetoes = m.vetoes, veto = #m.vetoes > 0 and table.concat(m.vetoes, "、") or nil }
  end
  return calc.rank(set, rows, "code")
end

-- Results are remembered per (period, rules) while the data is unchanged
-- (total_changes() counts this connection's writes, data_version other
-- connections' commits), so the previous period for Δ is not scored twice.
local cache = {}
local function data_stamp()
  local r = db.one("SELECT total_changes() AS c, (SELECT count(*) FROM inspection) AS n, (SELECT max(id) FROM inspection) AS m")
  local v = db.one("PRAGMA data_version")
  local dv
  for _, x in pairs(v) do dv = x end
  return ("%s/%s/%s/%s"):format(r.c, r.n, tostring(r.m), tostring(dv))
end

function M.parse_period(s)
  if s == nil then
    need_db()
    local r = db.one("SELECT max(date) AS d FROM inspection")
    if not r or r.d == db.null then error("no inspections in the database: import some first", 0) end
    return periods.parse(r.d:sub(1, 7))
  end
  local p, err = periods.parse(s)
  if not p then error(err, 0) end
  return p
end

local function cached(set, p)
  local key = p.name .. "|" .. set.hash
  local stamp = data_stamp()
  local c = cache[key]
  if c and c.stamp == stamp then return c.rows end
  local rows = score_parsed(set, p)
  cache[key] = { stamp = stamp, rows = rows }
  return rows
end

-- Plain rows for a period (string or parsed), under `set` (default: active).
function M.score_period(period, set)
  need_db()
  set = set or cur()
  local p = type(period) == "table" and period or M.parse_period(period)
  return cached(set, p), p
end

-- Score, compute Δ against the previous period, store in `score`.
function M.score(period, set)
  need_db()
  set = set or cur()
  local p = type(period) == "table" and period or M.parse_period(period)
  local rows = cached(set, p)
  local prev = cached(set, periods.prev(p))
  local before = {}
  for _, r in ipairs(prev) do before[r.market_id] = r.score end
  for _, r in ipairs(rows) do r.delta = before[r.market_id] and r.score - before[r.market_id] or nil end
  db.tx(function()
    db.exec("DELETE FROM score WHERE period = ? AND rules_hash = ?", p.name, set.hash)
    for _, r in ipairs(rows) do
      db.exec([[INSERT INTO score(market_id, period, score, grade, rank, tier, inspections, veto, rules_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)]], r.market_id, p.name, r.score, r.grade, r.rank, r.tier,
        r.inspections, r.veto or db.null, set.hash)
    end
  end)
  -- our own writes moved total_changes(): re-stamp what we just computed
  local stamp = data_stamp()
  cache[p.name .. "|" .. set.hash].stamp = stamp
  local pk = periods.prev(p).name .. "|" .. set.hash
  if cache[pk] then cache[pk].stamp = stamp end
  return rows, p
end

-- A period without inspections is an error for score, rank and whatif (a
-- script scoring a month whose sheets are not imported yet must stop); it
-- names the dates the database has.
function M.no_inspections(p)
  local r = db.one("SELECT min(date) AS a, max(date) AS b FROM inspection")
  local have = r and r.a ~= db.null and ("; the database has inspections from %s to %s"):format(r.a, r.b)
    or "; the database has no inspections: import some first"
  error(("no inspections in %s (%s..%s)%s"):format(p.name, p.from, p.to, have), 0)
end

-- "; did you mean X, Y?" for a name nobody has: the names (from SQL
-- `sql`, one column `s`, bound to the text) that contain it or that it
-- contains, at most five; "" when there are none.
local function did_you_mean(sql, s)
  local out = {}
  for r in db.query(sql, { s = s }) do
    if #out == 5 then break end
    out[#out + 1] = r.s
  end
  if #out == 0 then return "" end
  return "; did you mean " .. table.concat(out, ", ") .. "?"
end

-- Find a station (unit) by name; unknown is an error with a did-you-mean.
function M.find_unit(s)
  need_db()
  local r = db.one("SELECT id, name FROM unit WHERE name = ?", s)
  if r then return r end
  error(("no station '%s'%s"):format(s, did_you_mean([[SELECT name AS s FROM unit
      WHERE instr(name, :s) > 0 OR instr(:s, name) > 0 ORDER BY length(name), name]], s)), 0)
end

-- Run fn with everything it stores in one transaction of the store.
function M.atomically(fn)
  need_db()
  return db.tx(fn)
end

-- Find a market by code, name or alias.  Errors name the candidates.
function M.find_market(s)
  need_db()
  local r = db.one("SELECT id, code, name FROM market WHERE code = ?", s)
  if r then return r end
  local found = {}
  for x in db.query([[SELECT id, code, name FROM market WHERE name = ?
      UNION SELECT m.id, m.code, m.name FROM market_alias a JOIN market m ON m.id = a.market_id WHERE a.alias = ?
      ORDER BY 2]], s, s) do
    found[#found + 1] = x
  end
  if #found == 1 then return found[1] end
  if #found == 0 then
    error(("no market '%s' (give its code or name)%s"):format(s, did_you_mean([[SELECT s FROM (
        SELECT name || ' (' || code || ')' AS s, length(name) AS n FROM market
         WHERE instr(name, :s) > 0 OR instr(:s, name) > 0 OR instr(upper(code), upper(:s)) > 0
        UNION SELECT a.alias || ' (' || m.code || ')', length(a.alias) FROM market_alias a
          JOIN market m ON m.id = a.market_id WHERE instr(a.alias, :s) > 0)
      ORDER BY n, s]], s)), 0)
  end
  local codes = {}
  for _, x in ipairs(found) do codes[#codes + 1] = x.code end
  error(("market name '%s' is ambiguous: codes %s"):format(s, table.concat(codes, ", ")), 0)
end

-- Everything explain shows for one market and period, computed in memory
-- (engine_calc.inspection) from the market's result rows.
function M.market_detail(set, market_id, p)
  need_db()
  local insps, by_id = {}, {}
  for r in db.query([[SELECT id, date, kind, inspector, note FROM inspection
      WHERE market_id = ? AND date BETWEEN ? AND ? ORDER BY date, id]], market_id, p.from, p.to) do
    local x = { id = r.id, date = r.date, kind = r.kind, inspector = nn(r.inspector), note = nn(r.note), results = {} }
    insps[#insps + 1] = x
    by_id[r.id] = x
  end
  for r in db.query([[SELECT r.inspection_id AS iid, it.code, r.result, r.deduction, r.count, r.note
      FROM inspection i JOIN result r ON r.inspection_id = i.id JOIN item it ON it.id = r.item_id
      WHERE i.market_id = ? AND i.date BETWEEN ? AND ?]], market_id, p.from, p.to) do
    by_id[r.iid].results[r.code] = { result = r.result, deduction = nn(r.deduction), count = nn(r.count), note = nn(r.note) }
  end
  return M.detail(set, insps)
end

-- Score inspections in memory: insps = { { id, date, kind, results = {
-- [code] = { result, deduction, count, note } } }... }.  The rule tests
-- and explain both come here.
function M.detail(set, insps)
  local memo, vetoes = {}, {}
  for _, x in ipairs(insps) do
    x.calc = calc.inspection(set, x)
    x.score = x.calc.score
    x.vetoes = calc.vetoes(set, rules, x.calc.by_code, x.kind, memo)
    x.lost = x.calc.by_code
    add_vetoes(vetoes, x.vetoes)
  end
  local score = calc.combine(set, insps)
  local period = score and calc.period_vetoes(set, rules, insps, score)
  add_vetoes(vetoes, period)
  return { inspections = insps, score = score, vetoes = vetoes, period_vetoes = period or {},
    grade = score and calc.grade(set, score, #vetoes > 0) }
end

return M
