-- store_sqlite.lua — the SQLite store's repository: every query the core's
-- Lua (engine, rules, init, mappings, imports) makes of the store, as named
-- operations over the sqlite plugin's `db` module.  The SQLite dialect
-- (temp.sqlite_master, PRAGMA data_version, total_changes(), group_concat,
-- TEMP tables, scalar min/max, sqlite_schema, pragma_table_info) lives
-- here and nowhere else in the core's Lua; a store of another kind (a
-- PostgreSQL server) provides a store_NAME.lua with the same operations,
-- and store.lua picks the one of the store that is open.
--
-- The schema and its migrations are the store's own, declared in one
-- place in the store plugin (plugins/sqlite/sqlite_schema.c: version N's
-- statements, run in order on open); this module only reads and writes.
--
-- Values come back as plain Lua values; the store's NULL is M.null (the
-- same value as cwsh.null).

local M = { name = "sqlite", server = false }
M.null = db.null

local function nn(v) if v == db.null then return nil end return v end

-- The stamp of a row the analyst records (set_at, recorded_at,
-- deleted_at): clock.lua's now, so a run under CWSH_NOW dates its evidence
-- on the day it computes for.  The schema's DEFAULTs (the real local time)
-- stay for rows written by hand; imported_at and computed_at keep them on
-- purpose: they say when the machine loaded or cached something.
local function stamp() return require("clock").now() end

-- ------------------------------------------------------------ basics

-- Run fn in one transaction (a savepoint inside another): fn's results,
-- or its error after rolling back.
function M.tx(fn, ...) return db.tx(fn, ...) end

-- M.tx for a transaction whose rows all take their keys from rows it
-- reads (the findings of an import, its audit rows): SQLite skips the
-- foreign key checks then, as the import's own load does (a city
-- import's 79,000 findings and 146,000 audit rows cost 0.3 s of
-- lookups).  Inside another transaction the pragma cannot change, and
-- the checks run.  (The plugin turns them on again in C: a restore in
-- Lua after a pcall does not run when Ctrl-C stops the command.)
function M.derived_tx(fn, ...) return db.derived_tx(fn, ...) end

-- The values of one column of a query, as strings; {} when the query
-- fails (an old database without the table): for completion.
local function column(sql, ...)
  local out = {}
  local args = table.pack(...)
  local ok = pcall(function()
    for r in db.query(sql, table.unpack(args, 1, args.n)) do
      if r.v ~= nil and r.v ~= db.null then out[#out + 1] = tostring(r.v) end
    end
  end)
  return ok and out or {}
end

-- ------------------------------------------------- names (completion)

-- Tables, and views unless kind == "table".
function M.table_names(kind)
  return column("SELECT name AS v FROM sqlite_schema WHERE type IN ('table', ?) AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    kind == "table" and "table" or "view")
end

function M.column_names(tbl) return column("SELECT name AS v FROM pragma_table_info(?)", tbl) end
function M.market_codes() return column("SELECT code AS v FROM market ORDER BY code") end
function M.market_names() return column("SELECT name AS v FROM market ORDER BY code") end
function M.market_aliases() return column("SELECT alias AS v FROM market_alias ORDER BY alias") end
function M.unit_names() return column("SELECT name AS v FROM unit WHERE id IN (SELECT unit_id FROM market) ORDER BY name") end
-- The months with inspections, newest first (at most n).
function M.months(n) return column("SELECT DISTINCT substr(date, 1, 7) AS v FROM inspection ORDER BY 1 DESC LIMIT ?", n) end
function M.import_ids() return column("SELECT id AS v FROM import ORDER BY id") end

function M.market_count() return db.one("SELECT count(*) AS n FROM market").n end

-- ------------------------------------------------------------ checklist

-- Mirror the rule set's items into `item` (so imports resolve codes);
-- nothing is written when it mirrors `hash` already.
function M.sync_items(items, hash)
  local r = db.one("SELECT count(*) AS n FROM item WHERE rules_hash = ?", hash)
  if r and r.n == #items then return end
  db.tx(function()
    for _, it in ipairs(items) do
      db.exec([[INSERT INTO item(code, title, category, points, rules_hash) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(code) DO UPDATE SET title = excluded.title, category = excluded.category,
          points = excluded.points, rules_hash = excluded.rules_hash]],
        it.code, it.title, it.category, it.points, hash)
    end
  end)
end

-- Which stored result word means pass, fail and na (table result_word,
-- schema version 3): words = { pass = "合格", ... } from rules/domain.lua.
function M.sync_result_words(words)
  local r = db.one([[SELECT count(*) AS n FROM result_word WHERE (word = ? AND outcome = 'pass')
    OR (word = ? AND outcome = 'fail') OR (word = ? AND outcome = 'na')]], words.pass, words.fail, words.na)
  if r and r.n == 3 then return end
  db.tx(function()
    for _, m in ipairs({ "pass", "fail", "na" }) do
      db.exec("DELETE FROM result_word WHERE outcome = ? OR word = ?", m, words[m])
      db.exec("INSERT INTO result_word(word, outcome) VALUES (?, ?)", words[m], m)
    end
  end)
end

-- { [code] = id } of the store's items.
function M.item_ids()
  local ids = {}
  for r in db.query("SELECT id, code FROM item") do ids[r.code] = r.id end
  return ids
end

-- ------------------------------------------------------------ scoring

-- The column names the scoring expressions (engine_calc) are written in:
-- a result's, and the rule tables' (per item: its category number,
-- points, per-count factor, style and veto-code number).
M.result_cols = { result = "r.result", deduction = "r.deduction", count = "r.count" }
M.item_cols = { points = "ei.points", k = "ei.k", style = "ei.style", cat = "ei.cat", dep = "ei.dep" }
-- The dialect's scalar functions for engine_calc's formulas.
M.fns = { min = "min", max = "max", instr = "instr" }

-- Dialect pieces for operations written once for both stores
-- (store_sqlite_ledger.lua): the concatenating aggregate, and a date
-- column moved by a modifier such as '-30 days' (a parameter).
function M.concat_agg(expr, sep) return ("group_concat(%s, %s)"):format(expr, sep) end
function M.date_shift(col, modifier) return ("date(%s, %s)"):format(col, modifier) end
-- the whole days from date b to date a, an integer
function M.days_between(a, b) return ("CAST(julianday(%s) - julianday(%s) AS INTEGER)"):format(a, b) end
-- Fresh statistics of tables just filled, for a planner that needs them:
-- SQLite plans these joins by their keys, so nothing.
-- (one writer at a time: nothing to hold an import's findings for)
M.pending_free = ""
function M.releasing_pending(n, fn, ...) return fn(...) end
function M.refresh_stats(...) end
function M.grown_stats(tbl, added, cols) end
function M.import_stats(n) end
-- A sub-query's clause that skips rows other transactions lock (one
-- writer: nothing to skip).
M.skip_locked = ""
-- The ids of rows an INSERT ... SELECT gives explicitly (the ledger
-- numbers an import's findings before writing them), increasing in the
-- order `order` and unused: an expression of its select list, and the
-- clause that must end the SELECT for it.  In the caller's write
-- transaction SQLite has one writer, so the highest id in use plus the
-- row's number; the window's sort already gives the rows in that order
-- (an ORDER BY sorted a city import's 79,000 findings a second time).
function M.new_ids(tbl, order)
  local m = db.one(("SELECT coalesce(max(id), 0) AS m FROM %s"):format(tbl)).m
  return ("%d + row_number() OVER (ORDER BY %s)"):format(m, order), ""
end
-- Whether the ledger's recheck probes read a TEMP copy of the import's
-- inspections (market, date, id: the probe reads no inspection row)
-- rather than the inspection table.
M.recheck_copy = true

-- The rule tables the scoring query joins: connection-local TEMP tables,
-- filled when `key` (rules and item ids) changes or they are gone (a
-- .restore replaces the connection's database).
local loaded_key
function M.rule_tables_key()
  return tostring(db.one("SELECT group_concat(id || ':' || code) AS k FROM item").k)
end

-- The engine's rule tables (emptied by the caller) filled: both stores'.
function M.fill_rule_tables(cats, items)
  for _, c in ipairs(cats) do db.exec("INSERT INTO engine_cat(cat, cap) VALUES (?, ?)", c.cat, c.cap) end
  for _, it in ipairs(items) do
    db.exec("INSERT INTO engine_item VALUES (?, ?, ?, ?, ?, ?, ?)", it.id, it.code, it.cat, it.points,
      it.k or db.null, it.style, it.dep or db.null)
  end
end

function M.put_rule_tables(key, cats, items)
  local present = db.one("SELECT count(*) AS n FROM temp.sqlite_master WHERE name = 'engine_item'").n
  if present == 1 and loaded_key == key then return end
  -- forgotten first: a fill stopped half-way (Ctrl-C) must not pass for
  -- the set the tables held before, whose scores it would then give
  loaded_key = nil
  db.exec([[CREATE TEMP TABLE IF NOT EXISTS engine_item(item_id INTEGER PRIMARY KEY,
    code TEXT, cat INTEGER, points REAL, k REAL, style INTEGER, dep INTEGER);
    CREATE TEMP TABLE IF NOT EXISTS engine_cat(cat INTEGER PRIMARY KEY, cap REAL);
    DELETE FROM engine_item; DELETE FROM engine_cat;]])
  M.fill_rule_tables(cats, items)
  loaded_key = key
end

-- Per inspection in [from, to] (optionally one market): id, market_id,
-- date, kind, then `lost` and each of `extra`, expressions over the
-- columns above summed per inspection.  One pass, grouped by (date, id)
-- so SQLite walks the date index in order and needs no sorter.  Rows are
-- arrays; the SQL is kept in M.last_sql.
function M.inspection_sums(lost, extra, from, to, market_id)
  local cols = {}
  for i, e in ipairs(extra) do cols[i] = (", %s AS v%d"):format(e, i) end
  local sql = ([[
SELECT i.id, i.market_id, i.date, i.kind, %s AS lost%s
  FROM inspection i LEFT JOIN result r ON r.inspection_id = i.id
  LEFT JOIN engine_item ei ON ei.item_id = r.item_id
 WHERE i.date BETWEEN :from AND :to%s
 GROUP BY i.date, i.id]]):format(lost, table.concat(cols), market_id and " AND i.market_id = :m" or "")
  M.last_sql = sql
  return db.resultset(sql, { from = from, to = to, m = market_id }).rows
end

-- { [id] = { id, code, name, is_key, unit_id, unit } } of every market.
function M.markets()
  local out = {}
  for r in db.query([[SELECT m.id, m.code, m.name, m.is_key, m.unit_id, u.name AS unit
      FROM market m LEFT JOIN unit u ON u.id = m.unit_id]]) do
    out[r.id] = r
  end
  return out
end

-- A value that changes whenever the inspections may have: this
-- connection's writes (total_changes()), other connections' commits
-- (PRAGMA data_version), the count and last id.
function M.data_stamp()
  local r = db.one("SELECT total_changes() AS c, (SELECT count(*) FROM inspection) AS n, (SELECT max(id) FROM inspection) AS m")
  local v = db.one("PRAGMA data_version")
  local dv
  for _, x in pairs(v) do dv = x end
  return ("%s/%s/%s/%s"):format(r.c, r.n, tostring(r.m), tostring(dv))
end

-- The first and last inspection dates, or nil when there is none.
function M.date_range()
  local r = db.one("SELECT min(date) AS a, max(date) AS b FROM inspection")
  if not r or r.a == db.null then return nil end
  return r.a, r.b
end

-- Replace the stored scores of (period, hash) with rows.
function M.save_scores(period, hash, rows)
  db.tx(function()
    db.exec("DELETE FROM score WHERE period = ? AND rules_hash = ?", period, hash)
    for _, r in ipairs(rows) do
      db.exec([[INSERT INTO score(market_id, period, score, grade, rank, tier, inspections, veto, rules_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)]], r.market_id, period, r.score, r.grade, r.rank, r.tier,
        r.inspections, r.veto or db.null, hash)
    end
  end)
end

-- ------------------------------------------------------------ lookups

function M.unit_by_name(s) return db.one("SELECT id, name FROM unit WHERE name = ?", s) end

-- Station names that contain s or that s contains, shortest first (at most n).
function M.units_like(s, n)
  local out = {}
  for r in db.query([[SELECT name FROM unit WHERE instr(name, :s) > 0 OR instr(:s, name) > 0
      ORDER BY length(name), name LIMIT :n]], { s = s, n = n }) do
    out[#out + 1] = r.name
  end
  return out
end

-- "NAME (CODE)" of markets whose name or alias contains s or that s
-- contains, or whose code holds s; shortest first (at most n).
function M.markets_like(s, n)
  local out = {}
  for r in db.query([[SELECT s FROM (
        SELECT name || ' (' || code || ')' AS s, length(name) AS n FROM market
         WHERE instr(name, :s) > 0 OR instr(:s, name) > 0 OR instr(upper(code), upper(:s)) > 0
        UNION SELECT a.alias || ' (' || m.code || ')', length(a.alias) FROM market_alias a
          JOIN market m ON m.id = a.market_id WHERE instr(a.alias, :s) > 0)
      ORDER BY n, s LIMIT :n]], { s = s, n = n }) do
    out[#out + 1] = r.s
  end
  return out
end

function M.market_by_code(s) return db.one("SELECT id, code, name FROM market WHERE code = ?", s) end

-- Markets whose name or alias is s, by code.
function M.markets_named(s)
  local found = {}
  for x in db.query([[SELECT id, code, name FROM market WHERE name = ?
      UNION SELECT m.id, m.code, m.name FROM market_alias a JOIN market m ON m.id = a.market_id WHERE a.alias = ?
      ORDER BY 2]], s, s) do
    found[#found + 1] = x
  end
  return found
end

-- One market's inspections in [from, to], by date, each with results =
-- { [code] = { result, deduction, count, note } } (nil for NULL).
function M.market_inspections(market_id, from, to)
  local insps, by_id = {}, {}
  for r in db.query([[SELECT id, date, kind, inspector, note FROM inspection
      WHERE market_id = ? AND date BETWEEN ? AND ? ORDER BY date, id]], market_id, from, to) do
    local x = { id = r.id, date = r.date, kind = r.kind, inspector = nn(r.inspector), note = nn(r.note), results = {} }
    insps[#insps + 1] = x
    by_id[r.id] = x
  end
  for r in db.query([[SELECT r.inspection_id AS iid, it.code, r.result, r.deduction, r.count, r.note
      FROM inspection i JOIN result r ON r.inspection_id = i.id JOIN item it ON it.id = r.item_id
      WHERE i.market_id = ? AND i.date BETWEEN ? AND ?]], market_id, from, to) do
    by_id[r.iid].results[r.code] = { result = r.result, deduction = nn(r.deduction), count = nn(r.count), note = nn(r.note) }
  end
  return insps
end

-- ------------------------------------------------------------ imports

-- Every import, oldest first: { id, file, mapping, encoding, rows_ok,
-- rows_bad, imported_at, inspections }.
function M.imports()
  local out = {}
  for r in db.query([[SELECT im.id, im.file, im.mapping, im.encoding, im.rows_ok, im.rows_bad, im.imported_at,
        (SELECT count(*) FROM inspection i WHERE i.import_id = im.id) AS n
      FROM import im ORDER BY im.id]]) do
    out[#out + 1] = { id = r.id, file = r.file, mapping = r.mapping, encoding = r.encoding, rows_ok = r.rows_ok,
      rows_bad = r.rows_bad, imported_at = r.imported_at, inspections = r.n }
  end
  return out
end

function M.import_by_id(n) return db.one("SELECT id, file FROM import WHERE id = ?", n) end

-- The inspections of import n: { id, market_id, date, kind }, by id.
function M.import_inspections(n)
  local out = {}
  for r in db.query("SELECT id, market_id, date, kind FROM inspection WHERE import_id = ? ORDER BY id", n) do
    out[#out + 1] = { id = r.id, market_id = r.market_id, date = r.date, kind = r.kind }
  end
  return out
end

-- Remove import n and what it brought (its inspections and their results
-- go with it: ON DELETE CASCADE); the counts removed.
function M.delete_import(n)
  local c = db.one([[SELECT count(DISTINCT i.id) AS insp, count(r.inspection_id) AS res
    FROM inspection i LEFT JOIN result r ON r.inspection_id = i.id WHERE i.import_id = ?]], n)
  db.exec("DELETE FROM import WHERE id = ?", n)
  return c.insp, c.res
end

-- ------------------------------------------------------------ targets

-- A date for an SQL literal: "YYYY-MM-DD" as it is, nil as a date after
-- every other ("9999-12-31"); anything else is refused (never quoted into SQL).
function M.date_literal(d)
  if d == nil then return "9999-12-31" end
  if type(d) ~= "string" or not d:match("^%d%d%d%d%-%d%d%-%d%d$") then error("store: not a date: " .. tostring(d), 2) end
  return d
end

-- The units the targets table can name, by name: { name, kind, station
-- (has markets), operator (主办单位 of a market or of kind 市场主办单位),
-- key_station (has a key market) }.
function M.target_units()
  local out = {}
  for r in db.query([[SELECT u.name, u.kind,
        CASE WHEN EXISTS (SELECT 1 FROM market m WHERE m.unit_id = u.id) THEN 1 ELSE 0 END AS station,
        CASE WHEN EXISTS (SELECT 1 FROM market m WHERE m.operator_id = u.id) OR u.kind = '市场主办单位' THEN 1 ELSE 0 END AS operator,
        CASE WHEN EXISTS (SELECT 1 FROM market m WHERE m.unit_id = u.id AND m.is_key = 1) THEN 1 ELSE 0 END AS key_station
      FROM unit u ORDER BY u.name]]) do
    out[#out + 1] = { name = r.name, kind = nn(r.kind), station = r.station == 1, operator = r.operator == 1,
      key_station = r.key_station == 1 }
  end
  return out
end

-- Every market with its station and standardisation (改造提升) status, by
-- code: { id, code, name, unit, is_key, std_status, std_year } (nil for NULL).
function M.target_markets()
  local out = {}
  for r in db.query([[SELECT m.id, m.code, m.name, u.name AS unit, m.is_key, m.std_status, m.std_year
      FROM market m LEFT JOIN unit u ON u.id = m.unit_id ORDER BY m.code]]) do
    out[#out + 1] = { id = r.id, code = r.code, name = r.name, unit = nn(r.unit), is_key = r.is_key == 1,
      std_status = nn(r.std_status), std_year = nn(r.std_year) }
  end
  return out
end

-- Each market's latest inspection (latest date, then highest id) dated
-- on or before `upto` (a date; nil: any), by market id: { id, date, kind,
-- results = { [code] = { result, deduction, count } } }; markets without
-- one are absent.
function M.latest_inspections(upto)
  local out, by_id = {}, {}
  local latest = ([[SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY market_id ORDER BY date DESC, id DESC) AS n
      FROM inspection WHERE date <= '%s') WHERE n = 1]]):format(M.date_literal(upto))
  for r in db.query("SELECT id, market_id, date, kind FROM inspection WHERE id IN (" .. latest .. ")") do
    local x = { id = r.id, date = r.date, kind = r.kind, results = {} }
    out[r.market_id] = x
    by_id[r.id] = x
  end
  for r in db.query([[SELECT r.inspection_id AS iid, it.code, r.result, r.deduction, r.count
      FROM result r JOIN item it ON it.id = r.item_id WHERE r.inspection_id IN (]] .. latest .. ")") do
    by_id[r.iid].results[r.code] = { result = r.result, deduction = nn(r.deduction), count = nn(r.count) }
  end
  return out
end

-- The rota's markets (schedule.lua), by code: { code, name, unit, is_key,
-- tier } with tier the market's tier in the most recently stored ranking
-- (the score rows computed last; nil when it has none), and who covers it
-- from the 区域机制 table `assignment`: leader (the person who 包所 its
-- station) and department (the unit that 包挂 the market), nil when none.
-- The rota's markets, by code, with the tier of each in the stored
-- monthly ranking of the latest month before `month` ("YYYY-MM"; the
-- scores computed last for that month), and that month.  Not the ranking
-- stored last: re-scoring an old month changed the current rota.
function M.rota_markets(month)
  local out = {}
  local latest = db.one([[SELECT period, rules_hash FROM score
      WHERE period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' AND period < ?
      ORDER BY period DESC, computed_at DESC, id DESC LIMIT 1]], month)
  for r in db.query([[SELECT m.code, m.name, u.name AS unit, m.is_key, s.tier,
        (SELECT group_concat(p.name, '、') FROM assignment a JOIN person p ON p.id = a.person_id
          WHERE a.kind = '包所' AND a.unit_id = m.unit_id ORDER BY p.name) AS leader,
        (SELECT group_concat(d.name, '、') FROM assignment a JOIN unit d ON d.id = a.unit_id
          WHERE a.kind = '包挂市场' AND a.market_id = m.id ORDER BY d.name) AS department
      FROM market m LEFT JOIN unit u ON u.id = m.unit_id
      LEFT JOIN score s ON s.market_id = m.id AND s.period = :p AND s.rules_hash = :h
      ORDER BY m.code]], { p = latest and latest.period or "", h = latest and latest.rules_hash or "" }) do
    out[#out + 1] = { code = r.code, name = r.name, unit = nn(r.unit), is_key = r.is_key == 1, tier = nn(r.tier),
      leader = nn(r.leader), department = nn(r.department) }
  end
  return out, latest and latest.period
end

-- The rota's inspectors: by station name, the names of its people with
-- `role` (table person), ordered by name then id.
function M.rota_people(role)
  local out = {}
  for r in db.query([[SELECT u.name AS unit, p.name FROM person p JOIN unit u ON u.id = p.unit_id
      WHERE p.role = ? ORDER BY u.name, p.name, p.id]], role) do
    out[r.unit] = out[r.unit] or {}
    table.insert(out[r.unit], r.name)
  end
  return out
end

-- The inspections from `from` to `to` (dates, both included), by date:
-- { code (the market's), date, kind, inspector }, for matching to the rota.
function M.inspections_between(from, to)
  local out = {}
  for r in db.query([[SELECT m.code, i.date, i.kind, i.inspector FROM inspection i JOIN market m ON m.id = i.market_id
      WHERE i.date BETWEEN ? AND ? ORDER BY i.date, i.id]], from, to) do
    out[#out + 1] = { code = r.code, date = r.date, kind = r.kind, inspector = nn(r.inspector) }
  end
  return out
end

-- The manual status of the targets: { [code] = the latest row } and, per
-- code, every row oldest first: { status, from_status, progress, evidence,
-- set_by, set_at } (nil for NULL); with `upto` (a date) only the rows
-- set on or before it.
function M.target_statuses(upto)
  local latest, history = {}, {}
  for r in db.query([[SELECT code, status, from_status, progress, evidence, set_by, set_at
      FROM target_status WHERE substr(set_at, 1, 10) <= ? ORDER BY id]], M.date_literal(upto)) do
    local x = { status = r.status, from_status = nn(r.from_status), progress = nn(r.progress),
      evidence = nn(r.evidence), set_by = r.set_by, set_at = r.set_at }
    latest[r.code] = x
    history[r.code] = history[r.code] or {}
    table.insert(history[r.code], x)
  end
  return latest, history
end

-- Record a manual status change of target `code` (from_status: the status
-- it replaces, nil for the first).
function M.set_target_status(code, status, from_status, progress, evidence, by)
  db.exec([[INSERT INTO target_status(code, status, from_status, progress, evidence, set_by, set_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)]], code, status, from_status or db.null, progress or db.null,
    evidence or db.null, by, stamp())
end

-- The stations (units with markets), by name, with the marks recorded
-- for `year`: { { id, name, marks = { [mark] = { evidence, set_by, set_at } } } }
-- (the latest record of each mark; with `upto`, a date, of those set on
-- or before it).
function M.unit_marks(year, upto)
  local out, by = {}, {}
  for r in db.query("SELECT id, name FROM unit WHERE id IN (SELECT unit_id FROM market) ORDER BY name") do
    local u = { id = r.id, name = r.name, marks = {} }
    out[#out + 1] = u
    by[r.id] = u
  end
  for r in db.query([[SELECT unit_id, mark, evidence, set_by, set_at FROM unit_mark
      WHERE year = ? AND substr(set_at, 1, 10) <= ? ORDER BY id]], year, M.date_literal(upto)) do
    local u = by[r.unit_id]
    if u then u.marks[r.mark] = { evidence = nn(r.evidence), set_by = r.set_by, set_at = r.set_at } end
  end
  return out
end

-- Record that unit `unit_id` shows `mark` in `year`.
function M.add_unit_mark(unit_id, year, mark, evidence, by)
  db.exec("INSERT INTO unit_mark(unit_id, year, mark, evidence, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)",
    unit_id, year, mark, evidence or db.null, by, stamp())
end

-- The plans of `year` (every level), oldest first: { level, owner, title,
-- focus, responsibility, timeline, measures, set_by, set_at } (nil for
-- NULL); with `upto` (a date) only those recorded on or before it.
function M.plans(year, upto)
  local out = {}
  for r in db.query([[SELECT level, owner, title, focus, responsibility, timeline, measures, set_by, set_at
      FROM plan WHERE year = ? AND substr(set_at, 1, 10) <= ? ORDER BY id]], year, M.date_literal(upto)) do
    out[#out + 1] = { level = r.level, owner = r.owner, title = r.title, focus = nn(r.focus),
      responsibility = nn(r.responsibility), timeline = nn(r.timeline), measures = nn(r.measures),
      set_by = r.set_by, set_at = r.set_at }
  end
  return out
end

function M.add_plan(p)
  db.exec([[INSERT INTO plan(level, owner, year, title, focus, responsibility, timeline, measures, set_by, set_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)]], p.level, p.owner, p.year, p.title, p.focus or db.null,
    p.responsibility or db.null, p.timeline or db.null, p.measures or db.null, p.by, stamp())
end

-- Replace the stored targets table of (on_date, hashes) with rows {
-- code, progress, status, evidence } (progress and evidence may be nil).
function M.save_target_progress(on_date, targets_hash, rules_hash, rows)
  db.tx(function()
    db.exec("DELETE FROM target_progress WHERE on_date = ? AND targets_hash = ? AND rules_hash IS ?",
      on_date, targets_hash, rules_hash or db.null)
    for _, r in ipairs(rows) do
      db.exec([[INSERT INTO target_progress(code, on_date, progress, status, evidence, targets_hash, rules_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?)]], r.code, on_date, r.progress or db.null, r.status, r.evidence or db.null,
        targets_hash, rules_hash or db.null)
    end
  end)
end

-- ------------------------------------------------------------ meetings

-- Whether `team` has a meeting recorded on `date`.
function M.meeting_held(team, date)
  return db.one("SELECT 1 AS x FROM meeting WHERE team = ? AND date = ?", team, date) ~= nil
end

-- Record meetings held: rows = { { date, team, attendees, minutes_ref } },
-- all or none (one transaction).
function M.add_meetings(rows)
  local at = stamp()
  db.tx(function()
    for _, r in ipairs(rows) do
      db.exec("INSERT INTO meeting(date, team, attendees, minutes_ref, recorded_at) VALUES (?, ?, ?, ?, ?)",
        r.date, r.team, r.attendees or db.null, r.minutes_ref or db.null, at)
    end
  end)
  return #rows
end

-- The meetings held from `from` to `to` (dates, both included), by date
-- and team: { date, team, attendees, minutes_ref } (nil for NULL).
function M.meetings_between(from, to)
  local out = {}
  for r in db.query([[SELECT date, team, attendees, minutes_ref FROM meeting
      WHERE date BETWEEN ? AND ? ORDER BY date, team, id]], from, to) do
    out[#out + 1] = { date = r.date, team = r.team, attendees = nn(r.attendees), minutes_ref = nn(r.minutes_ref) }
  end
  return out
end

-- Take back team's meeting of `date`: the row moves to meeting_deleted
-- with who, why and when (one transaction).  False when there is none.
function M.delete_meeting(team, date, by, reason)
  local found = false
  db.tx(function()
    local r = db.one("SELECT id, attendees, minutes_ref, recorded_at FROM meeting WHERE team = ? AND date = ?", team, date)
    if not r then return end
    found = true
    db.exec([[INSERT INTO meeting_deleted(date, team, attendees, minutes_ref, recorded_at, deleted_by, reason, deleted_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)]], date, team, r.attendees, r.minutes_ref, r.recorded_at, by, reason, stamp())
    db.exec("DELETE FROM meeting WHERE id = ?", r.id)
  end)
  return found
end

-- The meetings taken back, oldest deletion first: { date, team, attendees,
-- minutes_ref, recorded_at, deleted_by, reason, deleted_at }.
function M.deleted_meetings()
  local out = {}
  for r in db.query([[SELECT date, team, attendees, minutes_ref, recorded_at, deleted_by, reason, deleted_at
      FROM meeting_deleted ORDER BY id]]) do
    out[#out + 1] = { date = r.date, team = r.team, attendees = nn(r.attendees), minutes_ref = nn(r.minutes_ref),
      recorded_at = r.recorded_at, deleted_by = r.deleted_by, reason = r.reason, deleted_at = r.deleted_at }
  end
  return out
end

-- ------------------------------------------------------------ upgrades

-- The facility items recorded for the markets' upgrades (改造提升): by
-- market id, by item the latest row { state, year, note, set_by, set_at },
-- and `history`, every row oldest first { code, item, state, year, note,
-- set_by, set_at } (nil for NULL); with `upto` (a date) only the rows set
-- on or before it.
function M.market_facilities(upto)
  local latest, history = {}, {}
  for r in db.query([[SELECT f.market_id, m.code, f.item, f.state, f.year, f.note, f.set_by, f.set_at
      FROM market_facility f JOIN market m ON m.id = f.market_id WHERE substr(f.set_at, 1, 10) <= ? ORDER BY f.id]],
      M.date_literal(upto)) do
    local x = { code = r.code, item = r.item, state = r.state, year = nn(r.year), note = nn(r.note),
      set_by = r.set_by, set_at = r.set_at }
    latest[r.market_id] = latest[r.market_id] or {}
    latest[r.market_id][r.item] = x
    history[#history + 1] = x
  end
  return latest, history
end

-- Record the state of facility `item` of market `market_id`.
function M.add_market_facility(market_id, item, state, year, note, by)
  db.exec([[INSERT INTO market_facility(market_id, item, state, year, note, set_by, set_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)]], market_id, item, state, year or db.null, note or db.null, by, stamp())
end

-- ---------------------------------------------------------- assessment

-- The bureau's ranks in the published assessments, by date then id:
-- { date, assessor, rank, of_n, source, set_by, set_at }; with `upto` (a
-- date) only those dated and recorded on or before it.
function M.assessments(upto)
  local out = {}
  for r in db.query([[SELECT date, assessor, rank, of_n, source, set_by, set_at FROM assessment
      WHERE date <= :u AND substr(set_at, 1, 10) <= :u ORDER BY date, id]], { u = M.date_literal(upto) }) do
    out[#out + 1] = { date = r.date, assessor = r.assessor, rank = r.rank, of_n = r.of_n, source = nn(r.source),
      set_by = r.set_by, set_at = r.set_at }
  end
  return out
end

function M.add_assessment(a)
  db.exec("INSERT INTO assessment(date, assessor, rank, of_n, source, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    a.date, a.assessor, a.rank, a.of_n, a.source or db.null, a.by, stamp())
end

-- Set market `id`'s standardisation (改造提升) status and year (nil: none).
function M.set_market_upgrade(id, status, year)
  db.exec("UPDATE market SET std_status = ?, std_year = ? WHERE id = ?", status, year or db.null, id)
end

-- the ledger's operations (store_sqlite_ledger.lua) and the bimonthly
-- notice's (store_sqlite_notice.lua), compiled at their first use
setmetatable(M, { __index = function(_, k)
  local v = require("store_sqlite_notice")[k]
  if v ~= nil then return v end
  return require("store_sqlite_ledger")[k]
end })

return M
