-- store_postgres.lua — the PostgreSQL store's repository: the same named
-- operations as store_sqlite.lua, over the postgres plugin's `db` module
-- (the same API: `?` and :name placeholders, db.null, db.tx).  The SQL
-- both dialects share is store_sqlite's, reached through __index, so the
-- two repositories do not fork; only what is SQLite's own is written
-- again here: the catalogue (sqlite_schema, pragma_table_info, TEMP
-- tables in temp.sqlite_master), group_concat (string_agg), scalar
-- min/max (NULL-propagating helpers: PostgreSQL's least/greatest skip
-- NULLs, and the scoring formulas rely on NULL propagating), IS ? (IS
-- NOT DISTINCT FROM), instr (strpos), sub-queries in FROM without an
-- alias, and the data stamp (PRAGMA data_version, total_changes()).

local sqlite = require("store_sqlite")
local M = setmetatable({ name = "postgres", server = true }, { __index = sqlite })
M.null = db.null
-- the problem ledger's operations are store_sqlite_ledger.lua's, whose
-- SQL both dialects take; the pieces that differ are below (concat_agg,
-- date_shift, days_between, fns.instr, bounded_cache)
M.ledger_dialect = "postgres"

local function nn(v) if v == db.null then return nil end return v end

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

function M.table_names(kind)
  return column([[SELECT c.relname AS v FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'p', ?) AND c.relname <> 'cwsh_schema'
    ORDER BY 1]], kind == "table" and "r" or "v")
end

function M.column_names(tbl)
  return column([[SELECT column_name AS v FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position]], tbl)
end

-- ------------------------------------------------------------ scoring

-- min and max that give NULL when either side is NULL, as SQLite's
-- scalar min/max do (connection-local functions the plugin makes when it
-- connects, inlined by the planner).
M.fns = { min = "pg_temp.cwsh_min", max = "pg_temp.cwsh_max", instr = "strpos" }

-- string_agg of a sub-query keeps its order; '-30 days' reads as an interval
function M.concat_agg(expr, sep) return ("string_agg(%s, %s)"):format(expr, sep) end
function M.date_shift(col, modifier)
  return ("to_char(CAST(%s AS date) + CAST(%s AS interval), 'YYYY-MM-DD')"):format(col, modifier)
end
function M.days_between(a, b) return ("(CAST(%s AS date) - CAST(%s AS date))"):format(a, b) end
-- temporary tables get no autovacuum, and a big insert into finding
-- outruns it: without statistics the ledger's UPDATE ... FROM joins run
-- as nested loops
function M.refresh_stats(...) db.exec("ANALYZE " .. table.concat({ ... }, ", ")) end
-- The same for a shared table that just got `added` rows, only when
-- its statistics are missing or it at least doubled: ANALYZE holds a
-- lock that conflicts with itself to the end of the transaction, so
-- every import's ledger waited for the others' (56 of 103 waits sampled
-- in 6 concurrent imports), and autovacuum keeps the rest up to date.
-- `cols`, when given, are the only columns analysed: those the
-- statements filter and join on, the planner's only use of the figures
-- (finding's texts took 60 % of a whole ANALYZE: 92 -> 36 ms after a city
-- import's 22,086 findings; autovacuum analyses every column later).
-- A role that owns neither the table nor the database (a station's)
-- may not ANALYZE it: the server would take the lock, skip it and print
-- a warning, so the table is left to autovacuum (pg_load.c does the same).
function M.grown_stats(tbl, added, cols)
  local r = db.one("SELECT c.reltuples, pg_has_role(c.relowner, 'USAGE') OR pg_has_role(d.datdba, 'USAGE') AS may"
    .. " FROM pg_class c, pg_database d WHERE c.oid = CAST(? AS regclass) AND d.datname = current_database()", tbl)
  if r and r.may == 0 then return end
  if not r or r.reltuples < 0 or added > r.reltuples then
    M.refresh_stats(cols and ("%s(%s)"):format(tbl, cols) or tbl)
  end
end
-- The statistics of `result` the recheck probes are planned from, when
-- import n at least doubled the table (the load analyses the small
-- tables only: a whole `result` is most of the database).  Without them
-- the server probed each of a first city import's 22,086 lost items'
-- later inspections through a bitmap scan and a cache that never hit.
function M.import_stats(n)
  local r = db.one("SELECT rows_ok FROM import WHERE id = ?", n)
  if r and r.rows_ok ~= db.null then M.grown_stats("result", r.rows_ok, "inspection_id, item_id, result, deduction") end
end
M.skip_locked = " FOR UPDATE SKIP LOCKED"
-- A pending import's findings are its own session's while it holds the
-- advisory lock its load took before the commit (pg_load.c,
-- hold_pending): a start-up skips it, and the ledger lets it go once the
-- findings are opened.
local PENDING_KEY = 1668772712          -- pg_load.c's PENDING_KEY
M.pending_free = (" AND pg_try_advisory_xact_lock(%d, import_id::int)"):format(PENDING_KEY)
-- fn(...), then import n's findings let go (in C, however fn ends: see
-- db.unlocking in pg_db.c)
function M.releasing_pending(n, fn, ...) return db.unlocking(PENDING_KEY, n, fn, ...) end
-- Ids from the table's own sequence (store_sqlite.new_ids): concurrent
-- sessions interleave but never collide, and no session waits for
-- another's transaction (a lock on the table and its max(id) made every
-- other import's ledger wait).  The server evaluates a volatile select
-- list after the ORDER BY, so the ids increase in that order.
function M.new_ids(tbl, order)
  return ("nextval(pg_get_serial_sequence('%s', 'id'))"):format(tbl), " ORDER BY " .. order
end
-- (Probed instead of inspection, the TEMP copy made the server read every
-- later inspection of the market and sort them: a city import's
-- ledger_new 958 ms -> 1,785 ms.)
M.recheck_copy = false
-- (the server's transaction as it is: see bounded_cache for its checks)
function M.derived_tx(fn, ...) return db.tx(fn, ...) end
-- The ledger opens an import's findings with set-based statements whose
-- keys come from rows of the same transaction (the import's inspections,
-- their markets and items, the findings just made), so the server's
-- per-row foreign key checks only repeat them: a city import's 22,000
-- findings and their audit rows cost 6 s of trigger calls.  As for the
-- import's own rows (pg_load.c), a role that may set
-- session_replication_role runs them without the triggers, after locking
-- the import's inspections FOR KEY SHARE as the checks would; any other
-- role keeps the checks.  (The server manages its own memory: there is
-- no page cache to bound.  What it bounds per sort and hash is work_mem,
-- whose 4 MB default made the sort of a city import's 22,086 new
-- findings spill to disk (83 ms of the 106 ms that read them): 64 MB for
-- this transaction, which SET LOCAL's end with it, or with the user's
-- transaction the import is in.)
function M.bounded_cache(fn, n, ...)
  local args = table.pack(n, ...)
  return db.tx(function()
    db.exec("SET LOCAL work_mem = '64MB'")
    -- in a savepoint of its own: a role that may not set it goes on with the checks
    local fast = pcall(db.tx, function() db.exec("SET LOCAL session_replication_role = replica") end)
    if not fast then return fn(table.unpack(args, 1, args.n)) end
    db.one("SELECT count(*) AS n FROM (SELECT id FROM inspection WHERE import_id = ? FOR KEY SHARE) AS x", n)
    local r = table.pack(pcall(fn, table.unpack(args, 1, args.n)))
    db.exec("SET LOCAL session_replication_role = origin")
    if not r[1] then error(r[2], 0) end
    return table.unpack(r, 2, r.n)   -- all of fn's results (the ledger's five counts)
  end)
end

local loaded_key
function M.rule_tables_key()
  return tostring(db.one("SELECT string_agg(id || ':' || code, ',' ORDER BY id) AS k FROM item").k)
end

function M.put_rule_tables(key, cats, items)
  local present = db.one("SELECT to_regclass('pg_temp.engine_item') IS NOT NULL AS p").p
  if present == 1 and loaded_key == key then return end
  -- forgotten first: a fill stopped half-way (Ctrl-C) must not pass for
  -- the set the tables held before, whose scores it would then give
  loaded_key = nil
  db.exec([[CREATE TEMP TABLE IF NOT EXISTS engine_item(item_id BIGINT PRIMARY KEY,
    code TEXT, cat INTEGER, points DOUBLE PRECISION, k DOUBLE PRECISION, style INTEGER, dep INTEGER);
    CREATE TEMP TABLE IF NOT EXISTS engine_cat(cat INTEGER PRIMARY KEY, cap DOUBLE PRECISION);
    TRUNCATE engine_item, engine_cat]])
  sqlite.fill_rule_tables(cats, items)
  loaded_key = key
end

-- A value that changes whenever the inspections may have.  PostgreSQL
-- has no data_version: the imports (every inspection comes with one, and
-- an import replaced or undone changes their count or last id), the
-- inspections' count and last id, and the tuples written to inspection
-- and result (the statistics' counters, this transaction's included) by
-- SQL typed at the prompt.
function M.data_stamp()
  local r = db.one([[SELECT (SELECT count(*) FROM import) AS ni, (SELECT max(id) FROM import) AS mi,
      (SELECT count(*) FROM inspection) AS n, (SELECT max(id) FROM inspection) AS m,
      (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables
        WHERE relname IN ('inspection', 'result') AND schemaname = current_schema()) AS w,
      pg_stat_get_xact_tuples_inserted('result'::regclass) + pg_stat_get_xact_tuples_updated('result'::regclass)
        + pg_stat_get_xact_tuples_deleted('result'::regclass) AS x]])
  return ("%s/%s/%s/%s/%s/%s"):format(r.ni, tostring(r.mi), r.n, tostring(r.m), tostring(r.w), tostring(r.x))
end

-- One INSERT for all of a period's scores (arrays unnested on the
-- server) instead of a round trip per market.
function M.save_scores(period, hash, rows)
  local ids, sc, gr, rk, ti, ins, ve = {}, {}, {}, {}, {}, {}, {}
  local function arr(t, n)
    local out = {}
    for i = 1, n do
      local v = t[i]
      if v == nil or v == db.null then out[i] = "NULL"
      elseif type(v) == "number" then out[i] = math.type(v) == "integer" and tostring(v) or ("%.17g"):format(v)
      else out[i] = '"' .. tostring(v):gsub('[\\"]', "\\%0") .. '"' end
    end
    return "{" .. table.concat(out, ",") .. "}"
  end
  for i, r in ipairs(rows) do
    ids[i], sc[i], gr[i], rk[i], ti[i], ins[i], ve[i] = r.market_id, r.score, r.grade, r.rank, r.tier, r.inspections, r.veto
  end
  local n = #rows
  db.tx(function()
    -- one session at a time writes a period's scores under one rule set:
    -- two scoring it at once both deleted, then the second's INSERT met
    -- the first's rows ("duplicate key value violates unique constraint")
    db.exec("SELECT pg_advisory_xact_lock(hashtext('cwsh score ' || ? || ' ' || ?))", period, hash)
    db.exec("DELETE FROM score WHERE period = ? AND rules_hash = ?", period, hash)
    if n == 0 then return end
    db.exec([[INSERT INTO score(market_id, period, score, grade, rank, tier, inspections, veto, rules_hash)
      SELECT u.m, ?, u.s, u.g, u.r, u.t, u.i, u.v, ? FROM unnest(?::bigint[], ?::double precision[], ?::text[],
        ?::bigint[], ?::text[], ?::bigint[], ?::text[]) AS u(m, s, g, r, t, i, v)]],
      period, hash, arr(ids, n), arr(sc, n), arr(gr, n), arr(rk, n), arr(ti, n), arr(ins, n), arr(ve, n))
  end)
end

-- ------------------------------------------------------------ lookups

function M.units_like(s, n)
  local out = {}
  for r in db.query([[SELECT name FROM unit WHERE strpos(name, :s) > 0 OR strpos(:s, name) > 0
      ORDER BY length(name), name LIMIT :n]], { s = s, n = n }) do
    out[#out + 1] = r.name
  end
  return out
end

function M.markets_like(s, n)
  local out = {}
  for r in db.query([[SELECT s FROM (
        SELECT name || ' (' || code || ')' AS s, length(name) AS n FROM market
         WHERE strpos(name, :s) > 0 OR strpos(:s, name) > 0 OR strpos(upper(code), upper(:s)) > 0
        UNION SELECT a.alias || ' (' || m.code || ')', length(a.alias) FROM market_alias a
          JOIN market m ON m.id = a.market_id WHERE strpos(a.alias, :s) > 0) AS x
      ORDER BY n, s LIMIT :n]], { s = s, n = n }) do
    out[#out + 1] = r.s
  end
  return out
end

-- ------------------------------------------------------------ targets

function M.latest_inspections(upto)
  local out, by_id = {}, {}
  local latest = ([[SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY market_id ORDER BY date DESC, id DESC) AS n
      FROM inspection WHERE date <= '%s') AS x WHERE n = 1]]):format(sqlite.date_literal(upto))
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

-- The rota's markets, by code, with the tier of each in the stored
-- monthly ranking of the latest month before `month` ("YYYY-MM"; the
-- scores computed last for that month), and that month.  Not the ranking
-- stored last: re-scoring an old month changed the current rota.
function M.rota_markets(month)
  local out = {}
  local latest = db.one([[SELECT period, rules_hash FROM score
      WHERE period ~ '^[0-9]{4}-[0-9]{2}$' AND period < ?
      ORDER BY period DESC, computed_at DESC, id DESC LIMIT 1]], month)
  for r in db.query([[SELECT m.code, m.name, u.name AS unit, m.is_key, s.tier,
        (SELECT string_agg(p.name, '、' ORDER BY p.name) FROM assignment a JOIN person p ON p.id = a.person_id
          WHERE a.kind = '包所' AND a.unit_id = m.unit_id) AS leader,
        (SELECT string_agg(d.name, '、' ORDER BY d.name) FROM assignment a JOIN unit d ON d.id = a.unit_id
          WHERE a.kind = '包挂市场' AND a.market_id = m.id) AS department
      FROM market m LEFT JOIN unit u ON u.id = m.unit_id
      LEFT JOIN score s ON s.market_id = m.id AND s.period = :p AND s.rules_hash = :h
      ORDER BY m.code]], { p = latest and latest.period or "", h = latest and latest.rules_hash or "" }) do
    out[#out + 1] = { code = r.code, name = r.name, unit = nn(r.unit), is_key = r.is_key == 1, tier = nn(r.tier),
      leader = nn(r.leader), department = nn(r.department) }
  end
  return out, latest and latest.period
end

function M.save_target_progress(on_date, targets_hash, rules_hash, rows)
  db.tx(function()
    db.exec("DELETE FROM target_progress WHERE on_date = ? AND targets_hash = ? AND rules_hash IS NOT DISTINCT FROM ?",
      on_date, targets_hash, rules_hash or db.null)
    for _, r in ipairs(rows) do
      db.exec([[INSERT INTO target_progress(code, on_date, progress, status, evidence, targets_hash, rules_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?)]], r.code, on_date, r.progress or db.null, r.status, r.evidence or db.null,
        targets_hash, rules_hash or db.null)
    end
  end)
end

-- ------------------------------------------- the checklist's mirror

-- Sessions starting at once on a new database all mirror the checklist
-- and the result words: under READ COMMITTED their DELETE + INSERT race
-- (duplicate key "result_word_pkey"), so each takes one transaction-
-- scoped advisory lock first; the check inside the lock then sees what
-- the session before it committed and skips.
local function locked(fn)
  return function(...)
    local args = table.pack(...)
    return db.tx(function()
      db.exec("SELECT pg_advisory_xact_lock(7235001)")
      return fn(table.unpack(args, 1, args.n))
    end)
  end
end
M.sync_result_words = locked(sqlite.sync_result_words)
M.sync_items = locked(sqlite.sync_items)

return M
