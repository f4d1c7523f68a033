-- store_sqlite_ledger.lua — the SQLite repository's operations for the
-- problem ledger (台账, core/lua/ledger.lua) and the public reports
-- (群众举报): findings, their audit trail, milestones, reports.  Merged
-- into store_sqlite.lua's module, so callers use require("store") as for
-- every other operation.  The tables are schema version 10
-- (plugins/sqlite/sqlite_schema.c, m10_ledger); triggers there keep the
-- audit trail from being deleted or changed.

local L = { ledger_dialect = "sqlite" }

local function nn(v) if v == db.null then return nil end return v end
local function null(v) if v == nil then return db.null end return v end

-- The SQL here is what SQLite and PostgreSQL both take (ON CONFLICT DO
-- NOTHING, IS NOT DISTINCT FROM, aliased sub-queries, UPDATE ... FROM);
-- what differs is asked of the store in use (store_NAME.lua), so the
-- postgres store runs these same operations: its concatenating
-- aggregate, its date arithmetic, its instr and its page cache.
local function dialect() return require("store") end
local function concat_agg(expr, sep) return dialect().concat_agg(expr, sep) end

-- ------------------------------------------------------------ findings

L.OPEN_STATUSES = { "立项", "整改中", "复查未通过", "长期整改" }

-- ------------------------------------------------- opening from imports
--
-- (Each UPDATE ... FROM a TEMP table also says `finding.id IN (SELECT id
-- FROM it)`: without statistics on the TEMP table SQLite otherwise scans
-- every finding of the ledger and probes the TEMP table, so each import
-- cost grew with the whole ledger; so the small table drives.)
--
-- An import opens its findings in a few set-based statements, not one
-- Lua call per finding: a province import loses hundreds of thousands of
-- items, and a command's Lua runs under the instruction budget.  The Lua
-- side (ledger.lua) computes what needs the rules and the calendar for
-- the import's few distinct values (found dates, sheet deadlines, items,
-- markets) into TEMP tables; the statements join them.

-- (the words as a list, not a join of result_word: a join for each of a
-- city import's 795,000 results took 0.38 s of the scan, the list 0.19)
local LOST = [[(r.deduction > 0 OR r.result IN (SELECT word FROM result_word WHERE outcome = 'fail'))]]

local function in_list(prefix, list, args)
  local names = {}
  for i, v in ipairs(list) do args[prefix .. i] = v; names[i] = ":" .. prefix .. i end
  return #names > 0 and table.concat(names, ", ") or "NULL"
end

-- The distinct dates of import n's inspections of the kinds listed, and
-- the distinct (date, 整改期限 text) pairs among them.
function L.import_dates(n, kinds)
  local args = { n = n }
  local ks = in_list("k", kinds, args)
  local dates, sheet = {}, {}
  for r in db.query(("SELECT DISTINCT date FROM inspection WHERE import_id = :n AND kind IN (%s) ORDER BY date"):format(ks), args) do
    dates[#dates + 1] = r.date
  end
  for r in db.query(([[SELECT DISTINCT date, deadline FROM inspection WHERE import_id = :n AND kind IN (%s)
      AND deadline IS NOT NULL AND deadline <> '' ORDER BY date, deadline]]):format(ks), args) do
    sheet[#sheet + 1] = { date = r.date, text = r.deadline }
  end
  return dates, sheet
end

-- The responsibility chain of every market import n inspected: { {
-- market_id, links = { [link] = name } } } (names joined with 、).
function L.import_chains(n)
  local out = {}
  for r in db.query(([[SELECT m.id, u.name AS unit, o.name AS operator,
        (SELECT %s FROM (SELECT name FROM person WHERE unit_id = m.operator_id AND role = '管理员' ORDER BY id) AS x) AS mgr,
        (SELECT %s FROM (SELECT name FROM person WHERE unit_id = m.operator_id AND role = '保洁员' ORDER BY id) AS x) AS cln,
        (SELECT %s FROM (SELECT p.name FROM assignment a JOIN person p ON p.id = a.person_id
            WHERE a.kind = '包所' AND a.unit_id = m.unit_id ORDER BY p.id) AS x) AS leader,
        (SELECT %s FROM (SELECT coalesce(p.name, d.name) AS name FROM assignment a
            JOIN unit d ON d.id = a.unit_id LEFT JOIN person p ON p.id = a.person_id
            WHERE a.kind = '包挂市场' AND a.market_id = m.id ORDER BY a.id) AS x) AS dept
      FROM market m LEFT JOIN unit u ON u.id = m.unit_id LEFT JOIN unit o ON o.id = m.operator_id
     WHERE m.id IN (SELECT market_id FROM inspection WHERE import_id = ?) ORDER BY m.id]]):format(
        concat_agg("name", "'、'"), concat_agg("name", "'、'"), concat_agg("name", "'、'"), concat_agg("name", "'、'")), n) do
    out[#out + 1] = { market_id = r.id, links = { ["所"] = nn(r.unit), ["主办单位"] = nn(r.operator),
      ["管理员"] = nn(r.mgr), ["保洁员"] = nn(r.cln), ["包所领导"] = nn(r.leader), ["包挂部门"] = nn(r.dept) } }
  end
  return out
end

local open_import, insert_rows

local TEMP = [[
CREATE TEMP TABLE IF NOT EXISTS ledger_item(item_id INTEGER PRIMARY KEY, severity TEXT, days INTEGER, acc INTEGER, asg INTEGER);
CREATE TEMP TABLE IF NOT EXISTS ledger_due(found TEXT, days INTEGER, due TEXT, PRIMARY KEY(found, days));
CREATE TEMP TABLE IF NOT EXISTS ledger_sheet(found TEXT, text TEXT, due TEXT, PRIMARY KEY(found, text));
CREATE TEMP TABLE IF NOT EXISTS ledger_market(market_id INTEGER PRIMARY KEY, chain TEXT);
CREATE TEMP TABLE IF NOT EXISTS ledger_pick(market_id INTEGER, which TEXT, ord INTEGER, name TEXT, PRIMARY KEY(market_id, which, ord));
CREATE TEMP TABLE IF NOT EXISTS ledger_relink(id INTEGER PRIMARY KEY, iid INTEGER, old_import INTEGER, status TEXT,
  description TEXT, deduction DOUBLE PRECISION);
CREATE TEMP TABLE IF NOT EXISTS ledger_dup(id INTEGER PRIMARY KEY, keep INTEGER, iid INTEGER, found TEXT, kind TEXT, inspector TEXT);
CREATE TEMP TABLE IF NOT EXISTS ledger_pair(market_id INTEGER, item_id INTEGER, PRIMARY KEY(market_id, item_id));
CREATE TEMP TABLE IF NOT EXISTS ledger_recheck(id INTEGER PRIMARY KEY, status TEXT, iid INTEGER, date TEXT, kind TEXT, inspector TEXT, to_status TEXT);
CREATE TEMP TABLE IF NOT EXISTS ledger_new(id INTEGER PRIMARY KEY, iid INTEGER, item_id INTEGER, market_id INTEGER, found TEXT, rc INTEGER,
  kind TEXT, inspector TEXT, description TEXT, deduction DOUBLE PRECISION, sheet TEXT);
CREATE INDEX IF NOT EXISTS ledger_new_key ON ledger_new(market_id, item_id, found, id);
CREATE TEMP TABLE IF NOT EXISTS ledger_depth(id INTEGER PRIMARY KEY, depth INTEGER);
CREATE TEMP TABLE IF NOT EXISTS ledger_prev(id INTEGER PRIMARY KEY, pid INTEGER);
CREATE TEMP TABLE IF NOT EXISTS ledger_insp(market_id INTEGER, date TEXT, id INTEGER, PRIMARY KEY(market_id, date, id));
DELETE FROM ledger_item; DELETE FROM ledger_due; DELETE FROM ledger_sheet; DELETE FROM ledger_market;
DELETE FROM ledger_pick; DELETE FROM ledger_relink; DELETE FROM ledger_recheck; DELETE FROM ledger_depth;
DELETE FROM ledger_prev; DELETE FROM ledger_new; DELETE FROM ledger_insp; DELETE FROM ledger_dup; DELETE FROM ledger_pair;]]

-- Open import n's findings.  p = { at, kinds (that open findings),
-- recheck_kinds, closes (kinds whose recheck closes), window (days),
-- items = { { item_id, severity, days, acc, asg } }, due = { { found, days,
-- due } }, sheet = { { found, text, due } }, markets = { { market_id, chain,
-- acc = { [ord] = name }, asg = { [ord] = name } } } }.  In the caller's
-- transaction.  Returns opened, relinked, withdrawn, rechecked.
function L.open_import(n, p)
  -- bounded memory like the load itself (16 MiB of page cache, not the
  -- queries' 64), whatever the import's size
  return dialect().bounded_cache(open_import, n, p)
end

-- fn(...) under a page cache of 16 MiB (SQLite's; a server keeps its own).
-- (The TEMP tables keep their own 2 MiB: 16 MiB for them too took the
-- province import's peak from 56.5 to 70.6 MB for no time gained.  The
-- plugin puts the size back in C: a restore in Lua after a pcall did not
-- run when Ctrl-C stopped the ledger, and the session kept 16 MiB.)
function L.bounded_cache(fn, ...) return db.with_cache(16384, fn, ...) end

-- The first inspection of import :n after the finding's date (columns
-- %s.market_id, .item_id, .found given as the three names) of a recheck
-- kind that passes the item: one probe of inspection(market_id, date),
-- or of the TEMP copy of the import's inspections of those kinds
-- (ledger_insp, when the store says recheck_copy: SQLite then reads no
-- inspection row for its import and kind, and a city import's 79,000
-- probes took 0.2 s instead of 0.4).
local function recheck_probe(market, item, found, rk)
  if dialect().recheck_copy then
    return ([[(SELECT q.id FROM ledger_insp q
          JOIN result r2 ON r2.inspection_id = q.id AND r2.item_id = %s
         WHERE q.market_id = %s AND q.date > %s AND r2.deduction = 0
           AND r2.result IN (SELECT word FROM result_word WHERE outcome = 'pass')
         ORDER BY q.date, q.id LIMIT 1)]]):format(item, market, found)
  end
  return ([[(SELECT i2.id FROM inspection i2
          JOIN result r2 ON r2.inspection_id = i2.id AND r2.item_id = %s
         WHERE i2.market_id = %s AND i2.date > %s AND i2.import_id = :n AND r2.deduction = 0
           AND r2.result IN (SELECT word FROM result_word WHERE outcome = 'pass')
           AND i2.kind IN (%s)
         ORDER BY i2.date, i2.id LIMIT 1)]]):format(item, market, found, rk)
end

-- rows (arrays of ncols values, db.null for NULL) into table tbl, up to
-- ROWS_PER_INSERT rows a statement: a statement a row was a round trip
-- each on a server, and the snapshot of a city import's 300 markets'
-- chains (1,200 rows) took 130 ms of an import that opened nothing.
local ROWS_PER_INSERT = 200

-- (Positional parameters: SQLite finds a named one's number by a walk
-- of the statement's list of names, and 800 of them made the chains'
-- snapshot of a city import's 1,000 markets cost 36 ms.)
insert_rows = function(tbl, ncols, rows, tail)
  local tuple = "(" .. ("?, "):rep(ncols - 1) .. "?)"
  for first = 1, #rows, ROWS_PER_INSERT do
    local last = math.min(#rows, first + ROWS_PER_INSERT - 1)
    local args, n = {}, 0
    for j = first, last do
      local row = rows[j]
      for k = 1, ncols do n = n + 1; args[n] = null(row[k]) end
    end
    db.exec(("INSERT INTO %s VALUES %s%s"):format(tbl, (tuple .. ", "):rep(last - first) .. tuple, tail or ""), args)
  end
end

-- Each new finding is written once, with what it ends this import with:
-- its id (the next ids, in the order date, inspection, item code), the
-- earlier finding it recurs and the count, and the recheck by a later
-- inspection of the same import (立项 → 待复查, or 已销号), all found
-- first for the import's lost items in a narrow TEMP table (ledger_new).
-- Rewriting the new rows with UPDATEs cost more than writing them (every
-- UPDATE of finding rewrites the row and its indexes).
open_import = function(n, p)
  db.exec(TEMP)
  local items, due, sheet, markets, picks = {}, {}, {}, {}, {}
  for i, x in ipairs(p.items) do items[i] = { x.item_id, x.severity, x.days, x.acc, x.asg } end
  for i, x in ipairs(p.due) do due[i] = { x.found, x.days, x.due } end
  for i, x in ipairs(p.sheet) do sheet[i] = { x.found, x.text, x.due } end
  for i, m in ipairs(p.markets) do
    markets[i] = { m.market_id, null(m.chain) }
    for ord, name in pairs(m.acc) do picks[#picks + 1] = { m.market_id, "a", ord, name } end
    for ord, name in pairs(m.asg) do picks[#picks + 1] = { m.market_id, "s", ord, name } end
  end
  insert_rows("ledger_item", 5, items)
  insert_rows("ledger_due", 3, due, " ON CONFLICT DO NOTHING")
  insert_rows("ledger_sheet", 3, sheet, " ON CONFLICT DO NOTHING")
  insert_rows("ledger_market", 2, markets)
  insert_rows("ledger_pick", 4, picks)
  local args = { n = n, at = p.at }
  local ks = in_list("k", p.kinds, args)
  local rk = in_list("r", p.recheck_kinds, args)
  local ck = in_list("c", p.closes, args)
  -- a server plans the joins below from statistics, which fresh rows lack
  local stats = dialect().refresh_stats
  stats("ledger_item", "ledger_due", "ledger_sheet", "ledger_market", "ledger_pick")
  dialect().import_stats(n)
  args.window = ("-%d days"):format(p.window)
  if dialect().recheck_copy then
    db.exec(("INSERT INTO ledger_insp SELECT market_id, date, id FROM inspection WHERE import_id = :n AND kind IN (%s)")
      :format(rk), args)
  end

  -- a re-import (--replace): the findings of the import it replaced (an
  -- import that is gone; the load deletes its inspections with foreign
  -- keys off, so their inspection_id may even name a reused id) that the
  -- new rows lose again are relinked to them, with their history.  (The
  -- imports that are gone are found from the index on finding(import_id),
  -- not by reading every finding.)  Not those another import replaced
  -- and still owes its relink (its ledger_pending row names them,
  -- schema version 13; this import's own row is gone already): a session
  -- importing another file took them for its own re-import's and
  -- withdrew them while the replacing session was about to relink them.
  local gone = [[f.import_id IN (SELECT DISTINCT g.import_id FROM finding g WHERE g.import_id IS NOT NULL
      AND g.import_id NOT IN (SELECT id FROM import)
      AND g.import_id NOT IN (SELECT replaces FROM ledger_pending WHERE replaces IS NOT NULL))]]
  db.exec(([[INSERT INTO ledger_relink(id, iid, old_import, status)
    SELECT f.id, (SELECT i.id FROM inspection i JOIN result r ON r.inspection_id = i.id AND r.item_id = f.item_id
       WHERE i.import_id = :n AND i.market_id = f.market_id AND i.date = f.found AND i.kind IS NOT DISTINCT FROM f.kind
         AND i.inspector IS NOT DISTINCT FROM f.inspector AND %s LIMIT 1), f.import_id, f.status
      FROM finding f WHERE %s AND f.status <> '已撤销']]):format(LOST, gone), args)
  db.exec([[INSERT INTO finding_event(finding_id, at, action, from_status, to_status, note, inspection_id)
    SELECT id, :at, '重新导入', status, status, '导入 #' || :n || ' 替换了导入 #' || old_import, iid
      FROM ledger_relink WHERE iid IS NOT NULL ORDER BY id]], args)
  db.exec([[INSERT INTO finding_event(finding_id, at, action, from_status, to_status, note)
    SELECT id, :at, '撤销', status, '已撤销', '导入 #' || old_import || ' 已不在（重新导入 #' || :n || ' 不含此问题）'
      FROM ledger_relink WHERE iid IS NULL ORDER BY id]], args)
  stats("ledger_relink")
  -- the corrected row's note and deduction: the finding says what the
  -- sheet now says, its history what it said before (更正)
  db.exec([[UPDATE ledger_relink SET
      description = (SELECT coalesce(r.note, it.title) FROM finding f JOIN result r ON r.inspection_id = ledger_relink.iid
          AND r.item_id = f.item_id JOIN item it ON it.id = r.item_id WHERE f.id = ledger_relink.id),
      deduction = (SELECT r.deduction FROM finding f JOIN result r ON r.inspection_id = ledger_relink.iid
          AND r.item_id = f.item_id WHERE f.id = ledger_relink.id)
    WHERE iid IS NOT NULL]])
  -- (points as the sheet writes them, 2 not 2.0, on both stores)
  local function points(c)
    return ("CASE WHEN %s = CAST(%s AS INTEGER) THEN CAST(CAST(%s AS INTEGER) AS TEXT) ELSE CAST(%s AS TEXT) END")
      :format(c, c, c, c)
  end
  db.exec(([[INSERT INTO finding_event(finding_id, at, action, from_status, to_status, note, inspection_id)
    SELECT f.id, :at, '更正', f.status, f.status, '导入 #' || :n || ' 更正：' ||
        CASE WHEN f.deduction IS DISTINCT FROM l.deduction
          THEN '扣分 ' || coalesce(%s, '无') || ' → ' || coalesce(%s, '无') ELSE '' END ||
        CASE WHEN f.deduction IS DISTINCT FROM l.deduction AND f.description IS DISTINCT FROM l.description THEN '；' ELSE '' END ||
        CASE WHEN f.description IS DISTINCT FROM l.description
          THEN '描述 ' || coalesce(f.description, '无') || ' → ' || coalesce(l.description, '无') ELSE '' END, l.iid
      FROM ledger_relink l JOIN finding f ON f.id = l.id
     WHERE l.iid IS NOT NULL AND (f.deduction IS DISTINCT FROM l.deduction OR f.description IS DISTINCT FROM l.description)
     ORDER BY f.id]]):format(points("f.deduction"), points("l.deduction")), args)
  local relinked = db.exec([[UPDATE finding SET inspection_id = l.iid, import_id = :n, description = l.description,
      deduction = l.deduction FROM ledger_relink l
    WHERE finding.id = l.id AND l.iid IS NOT NULL AND finding.id IN (SELECT id FROM ledger_relink)]], args)
  local withdrawn = db.exec([[UPDATE finding SET status = '已撤销', inspection_id = NULL FROM ledger_relink l
    WHERE finding.id = l.id AND l.iid IS NULL AND finding.id IN (SELECT id FROM ledger_relink)]], args)

  -- rechecks of the earlier findings: per open finding of the import's
  -- markets, its first passing inspection in the import (one probe of
  -- inspection(market_id, date) each; a join of every pass with every
  -- earlier finding grew with their product)
  db.exec(([[INSERT INTO ledger_recheck(id, status, iid, date, kind, inspector, to_status)
    SELECT f.id, f.status, i.id, i.date, i.kind, i.inspector,
           CASE WHEN i.kind IN (%s) THEN '已销号' ELSE '待复查' END FROM finding f
      JOIN inspection i ON i.id = %s
     WHERE f.status IN ('立项', '整改中', '复查未通过', '长期整改', '待复查') AND f.item_id IS NOT NULL
       AND f.market_id IN (SELECT market_id FROM ledger_market)
       AND (f.status <> '待复查' OR i.kind IN (%s))   -- rechecked already, unless this one closes it
       ]]):format(ck, recheck_probe("f.market_id", "f.item_id", "f.found", rk), ck), args)
  stats("ledger_recheck")

  -- every lost item of an inspection of the opening kinds that has no
  -- finding yet (a relinked one has; so has every one when the import's
  -- findings were opened before: `ledger sync`), with its id and recheck
  local again = db.one("SELECT count(*) AS c FROM (SELECT 1 FROM finding WHERE import_id = :n LIMIT 1) AS x", args).c > 0
  -- (The order of the joins is spelled out: after a first import the
  -- statistics say that import_id selects every inspection, and SQLite
  -- then looped over the items outside and built an automatic index of
  -- the inspections for each: a city import's statement 1.0 s -> 0.4 s.)
  local ids, ordered = dialect().new_ids("finding", "i.date, i.id, it.code")
  db.exec(([[INSERT INTO ledger_new(id, iid, item_id, market_id, found, rc, kind, inspector, description, deduction, sheet)
    SELECT %s, i.id, r.item_id, i.market_id, i.date, %s, i.kind, i.inspector, coalesce(r.note, it.title), r.deduction, i.deadline
      FROM inspection i CROSS JOIN result r CROSS JOIN ledger_item li CROSS JOIN item it
     WHERE r.inspection_id = i.id AND li.item_id = r.item_id AND it.id = r.item_id
       AND i.import_id = :n AND i.kind IN (%s) AND %s %s%s]]):format(ids,
    recheck_probe("i.market_id", "r.item_id", "i.date", rk), ks, LOST,
    again and [[AND NOT EXISTS (SELECT 1 FROM finding f WHERE f.inspection_id = i.id AND f.item_id = r.item_id
                       AND f.import_id = :n)]] or "", ordered), args)
  -- An import whose findings are not the latest of their markets (a
  -- sheet sent late, imported after a later one): a stored inspection of
  -- its markets (another import's) on or after its earliest finding, or
  -- a finding by hand there since.  Only then are its findings compared
  -- with the stored ones (same-day findings of another import, later
  -- rechecks, later recurrences): one probe of inspection(market_id,
  -- date) per market, so an import in date order costs no more.
  local minf = db.one("SELECT min(found) AS f FROM ledger_new").f
  local late = minf ~= db.null and minf ~= nil and db.one([[SELECT count(*) AS c FROM (SELECT 1 FROM inspection i
      WHERE i.market_id IN (SELECT market_id FROM ledger_market) AND i.date >= :minf AND i.import_id <> :n
      UNION ALL SELECT 1 FROM finding f WHERE f.import_id IS NULL AND f.found >= :minf
      AND f.market_id IN (SELECT market_id FROM ledger_market) LIMIT 1) AS x]], { minf = minf, n = n }).c > 0

  -- one problem, one finding: an item lost at two inspections of the same
  -- market on the same day (a 督查 and a 全面督查 of one round) is the
  -- finding of the first; the second is recorded on it (同日复见).  So is
  -- one lost the same day as a stored finding (another import's, or the
  -- one `ledger sync` finds opened already).
  db.exec([[INSERT INTO ledger_dup(id, keep, iid, found, kind, inspector)
    SELECT x.id, (SELECT min(y.id) FROM ledger_new y WHERE y.market_id = x.market_id AND y.item_id = x.item_id
        AND y.found = x.found), x.iid, x.found, x.kind, x.inspector
      FROM ledger_new x WHERE EXISTS (SELECT 1 FROM ledger_new y WHERE y.market_id = x.market_id
        AND y.item_id = x.item_id AND y.found = x.found AND y.id < x.id)]])
  if late or again then
    db.exec([[INSERT INTO ledger_dup(id, keep, iid, found, kind, inspector)
      SELECT x.id, (SELECT min(f.id) FROM finding f WHERE f.market_id = x.market_id AND f.item_id = x.item_id
          AND f.found = x.found AND f.status <> '已撤销'), x.iid, x.found, x.kind, x.inspector
        FROM ledger_new x WHERE x.id NOT IN (SELECT id FROM ledger_dup)
         AND EXISTS (SELECT 1 FROM finding f WHERE f.market_id = x.market_id AND f.item_id = x.item_id
           AND f.found = x.found AND f.status <> '已撤销')]])
  end
  db.exec("DELETE FROM ledger_new WHERE id IN (SELECT id FROM ledger_dup)")
  if late then
    -- rechecked by a later inspection the store holds already, as it
    -- would have been had the sheets come in date order
    db.exec(([[UPDATE ledger_new SET rc = (SELECT i2.id FROM inspection i2
          JOIN result r2 ON r2.inspection_id = i2.id AND r2.item_id = ledger_new.item_id
         WHERE i2.market_id = ledger_new.market_id AND i2.date > ledger_new.found AND r2.deduction = 0
           AND r2.result IN (SELECT word FROM result_word WHERE outcome = 'pass') AND i2.kind IN (%s)
         ORDER BY i2.date, i2.id LIMIT 1) WHERE rc IS NULL]]):format(rk), args)
  end
  -- (the columns joined on: its texts took 60 % of the ANALYZE, 50 -> 20
  -- ms for a city import's 22,086 new findings)
  stats("ledger_new(id, iid, item_id, market_id, found, rc, sheet)")

  -- recurrence: the latest earlier finding of the same market and item
  -- within the window, an earlier one of the ledger or a new one, and the
  -- count along that chain (the earlier one's count + 1)
  local within = dialect().date_shift("x.found", ":window")
  -- (y is materialized: flattened into the outer query, each probe ran
  -- once for every mention of po and pn; PostgreSQL 604 → 189 ms)
  db.exec(([[INSERT INTO ledger_prev(id, pid)
    WITH y AS MATERIALIZED (SELECT x.id,
          (SELECT p.id FROM finding p WHERE p.market_id = x.market_id AND p.item_id = x.item_id
              AND p.found < x.found AND p.found >= %s AND p.status <> '已撤销'
            ORDER BY p.found DESC, p.id DESC LIMIT 1) AS po,
          (SELECT q.id FROM ledger_new q WHERE q.market_id = x.market_id AND q.item_id = x.item_id
              AND q.found < x.found AND q.found >= %s
            ORDER BY q.found DESC, q.id DESC LIMIT 1) AS pn
        FROM ledger_new x)
    SELECT id, CASE WHEN pn IS NULL THEN po WHEN po IS NULL THEN pn
                    WHEN (SELECT found FROM finding WHERE id = po) > (SELECT found FROM ledger_new WHERE id = pn) THEN po
                    ELSE pn END
      FROM y WHERE po IS NOT NULL OR pn IS NOT NULL]]):format(within, within), args)
  stats("ledger_prev")
  db.exec([[INSERT INTO ledger_depth(id, depth)
    WITH RECURSIVE c(id, depth) AS (
      -- (the new findings are not in finding yet)
      SELECT l.id, p.recurrence + 1 FROM ledger_prev l JOIN finding p ON p.id = l.pid
      UNION ALL                -- an earlier new finding that recurs nothing
      SELECT l.id, 1 FROM ledger_prev l WHERE l.pid IN (SELECT id FROM ledger_new)
         AND l.pid NOT IN (SELECT id FROM ledger_prev)
      UNION ALL
      SELECT l.id, c.depth + 1 FROM c JOIN ledger_prev l ON l.pid = c.id)
    SELECT id, depth FROM c]], args)
  stats("ledger_depth")

  local opened = db.exec(([[INSERT INTO finding(id, source, inspection_id, import_id, market_id, item_id, found, kind,
      inspector, description, deduction, severity, deadline, status, chain, accountable, assigned, recurs_id,
      recurrence, fixed, closed, created_at)
    SELECT x.id, x.kind, x.iid, :n, x.market_id, x.item_id, x.found, x.kind, x.inspector, x.description,
      x.deduction, li.severity, coalesce(ls.due, ld.due),
      CASE WHEN ri.id IS NULL THEN '立项' WHEN ri.kind IN (%s) THEN '已销号' ELSE '待复查' END,
      lm.chain, pa.name, ps.name, lp.pid, coalesce(d.depth, 0), ri.date,
      CASE WHEN ri.kind IN (%s) THEN ri.date END, :at
      FROM ledger_new x JOIN ledger_item li ON li.item_id = x.item_id
      LEFT JOIN ledger_due ld ON ld.found = x.found AND ld.days = li.days
      LEFT JOIN ledger_sheet ls ON ls.found = x.found AND ls.text = x.sheet
      LEFT JOIN ledger_market lm ON lm.market_id = x.market_id
      LEFT JOIN ledger_pick pa ON pa.market_id = x.market_id AND pa.which = 'a' AND pa.ord = li.acc
      LEFT JOIN ledger_pick ps ON ps.market_id = x.market_id AND ps.which = 's' AND ps.ord = li.asg
      LEFT JOIN inspection ri ON ri.id = x.rc
      LEFT JOIN ledger_prev lp ON lp.id = x.id
      LEFT JOIN ledger_depth d ON d.id = x.id
     ORDER BY x.id]]):format(ck, ck), args)
  dialect().grown_stats("finding", opened, "id, status, market_id, item_id, found, deadline, import_id, inspection_id, recurs_id")
  db.exec([[INSERT INTO finding_event(finding_id, at, by, action, to_status, note, deadline, inspection_id)
    SELECT f.id, :at, f.inspector, '立项', '立项', '导入 #' || :n, f.deadline, f.inspection_id
      FROM ledger_new x JOIN finding f ON f.id = x.id ORDER BY f.id]], args)
  -- the second inspection of the same day on the one finding (once)
  db.exec([[INSERT INTO finding_event(finding_id, at, by, action, from_status, to_status, note, inspection_id)
    SELECT d.keep, :at, d.inspector, '同日复见', f.status, f.status,
        d.found || ' ' || d.kind || ' 该项仍不合格（同一问题，导入 #' || :n || '）', d.iid
      FROM ledger_dup d JOIN finding f ON f.id = d.keep
     WHERE NOT EXISTS (SELECT 1 FROM finding_event e WHERE e.finding_id = d.keep AND e.inspection_id = d.iid)
     ORDER BY d.id]], args)

  -- the rechecks' audit rows, the earlier findings' and the new ones', in
  -- the order of the rechecking inspections
  db.exec(([[INSERT INTO finding_event(finding_id, at, by, action, from_status, to_status, note, inspection_id)
    SELECT id, :at, inspector, '复查', status, to_status, date || ' ' || kind || ' 该项合格', iid FROM (
      SELECT id, status, iid, date, kind, inspector, to_status FROM ledger_recheck
      UNION ALL
      SELECT x.id, '立项', ri.id, ri.date, ri.kind, ri.inspector,
             CASE WHEN ri.kind IN (%s) THEN '已销号' ELSE '待复查' END
        FROM ledger_new x JOIN inspection ri ON ri.id = x.rc) AS e
     ORDER BY date, iid, id]]):format(ck), args)
  local rechecked = db.exec([[UPDATE finding SET status = l.to_status,
      fixed = CASE WHEN l.status = '待复查' THEN finding.fixed ELSE l.date END,
      closed = CASE WHEN l.to_status = '已销号' THEN l.date ELSE finding.closed END
    FROM ledger_recheck l WHERE finding.id = l.id AND finding.id IN (SELECT id FROM ledger_recheck)]])
  rechecked = rechecked + db.one("SELECT count(*) AS c FROM ledger_new WHERE rc IS NOT NULL").c

  -- recurrences: the later findings of the pairs (market, item) of an
  -- import that came late are linked anew (to one of its findings, when
  -- it is now their latest earlier one), and so are those of the
  -- findings a replace withdrew
  if late then
    db.exec([[INSERT INTO ledger_pair(market_id, item_id) SELECT DISTINCT x.market_id, x.item_id FROM ledger_new x
       WHERE EXISTS (SELECT 1 FROM finding f WHERE f.market_id = x.market_id AND f.item_id = x.item_id
         AND f.found > x.found AND f.status <> '已撤销') ON CONFLICT DO NOTHING]])
  end
  if withdrawn > 0 then
    db.exec([[INSERT INTO ledger_pair(market_id, item_id) SELECT DISTINCT f.market_id, f.item_id FROM finding f
       WHERE f.id IN (SELECT id FROM ledger_relink WHERE iid IS NULL) AND f.item_id IS NOT NULL ON CONFLICT DO NOTHING]])
  end
  local recurs = (late or withdrawn > 0) and L.relink_pairs(p.at, args.window, ("导入 #%d"):format(n)) or 0
  return opened, relinked, withdrawn, rechecked, recurs
end

-- Link every finding (not withdrawn) of the pairs in ledger_pair to the
-- latest earlier one of its market and item within the window (`window`
-- as date_shift takes it, "-90 days"), the count along that chain; each
-- finding whose link changes gets an audit row (复发关联, `why` in its
-- note).  Returns how many changed.
function L.relink_pairs(at, window, why)
  local rows = {}
  for r in db.query(([[SELECT f.id, f.market_id, f.item_id, f.found, f.status, f.recurs_id, f.recurrence, %s AS lo
      FROM finding f JOIN ledger_pair p ON p.market_id = f.market_id AND p.item_id = f.item_id
     WHERE f.status <> '已撤销' ORDER BY f.market_id, f.item_id, f.found, f.id]]):format(
      dialect().date_shift("f.found", ":window")), { window = window }) do
    rows[#rows + 1] = { id = r.id, m = r.market_id, it = r.item_id, found = r.found, status = r.status,
      pid = nn(r.recurs_id), n = r.recurrence, lo = r.lo }
  end
  local depth, changed = {}, 0
  local function text(pid, n) return pid and ("#%d 第%d次"):format(pid, n + 1) or "无" end
  for k, x in ipairs(rows) do
    local prev
    for j = k - 1, 1, -1 do
      local y = rows[j]
      if y.m ~= x.m or y.it ~= x.it then break end
      if y.found < x.found then
        if y.found >= x.lo then prev = y end
        break
      end
    end
    local pid, d = prev and prev.id, prev and depth[prev.id] + 1 or 0
    depth[x.id] = d
    if pid ~= x.pid or d ~= x.n then
      changed = changed + 1
      db.exec("UPDATE finding SET recurs_id = ?, recurrence = ? WHERE id = ?", null(pid), d, x.id)
      L.add_event(x.id, { at = at, action = "复发关联", from_status = x.status, to_status = x.status,
        note = ("复发 %s → %s（%s）"):format(text(x.pid, x.n), text(pid, d), why) })
    end
  end
  return changed
end

-- The imports whose findings are owed (ledger_pending, schema version 12:
-- a trigger adds the row in the import's own transaction), by id; {}
-- on a database without the table.
function L.pending_imports()
  local out = {}
  pcall(function()
    for r in db.query("SELECT import_id FROM ledger_pending ORDER BY import_id") do out[#out + 1] = r.import_id end
  end)
  return out
end

-- Import n's findings are opened (in the transaction that opens them):
-- whether it was still owed them, and the import it replaced, if any.
-- (The DELETE decides: on the server it waits for a session opening them
-- right now, and then finds the row gone.)
function L.pending_done(n)
  local ok, r = pcall(db.one, "DELETE FROM ledger_pending WHERE import_id = ? RETURNING replaces", n)
  if not ok or not r then return false end
  return true, nn(r.replaces)
end

-- Whether import n has an inspection of one of the kinds listed.
function L.import_has_kinds(n, kinds)
  local args = { n = n }
  return db.one(("SELECT count(*) AS c FROM (SELECT 1 FROM inspection WHERE import_id = :n AND kind IN (%s) LIMIT 1) AS x")
    :format(in_list("k", kinds, args)), args).c > 0
end

-- The same at start-up (ledger.open_pending), where a row another session
-- holds is one being opened right now: skipped, not waited for (on the
-- server every session starting during another's import waited out that
-- import's whole ledger, then found the row gone).
function L.pending_take(n)
  local ok, c = pcall(db.exec, ([[DELETE FROM ledger_pending WHERE import_id IN
      (SELECT import_id FROM ledger_pending WHERE import_id = ?%s%s)]]):format(dialect().pending_free,
      dialect().skip_locked), n)
  return ok and c > 0
end

-- The market's responsibility chain as the data holds it: { [link] =
-- name } for the links of ledger_rules.LINKS (names joined with 、 when
-- several people hold one), and { unit_id }.
function L.chain_of(market_id)
  local m = db.one([[SELECT m.unit_id, u.name AS unit, m.operator_id, o.name AS operator FROM market m
      LEFT JOIN unit u ON u.id = m.unit_id LEFT JOIN unit o ON o.id = m.operator_id WHERE m.id = ?]], market_id)
  local c = {}
  if not m then return c end
  c["所"], c["主办单位"] = nn(m.unit), nn(m.operator)
  local function names(sql, ...)
    local r = db.one("SELECT " .. concat_agg("n", "'、'") .. " AS v FROM (" .. sql .. ") AS x", ...)
    return r and nn(r.v)
  end
  if nn(m.operator_id) then
    c["管理员"] = names("SELECT name AS n FROM person WHERE unit_id = ? AND role = '管理员' ORDER BY id", m.operator_id)
    c["保洁员"] = names("SELECT name AS n FROM person WHERE unit_id = ? AND role = '保洁员' ORDER BY id", m.operator_id)
  end
  if nn(m.unit_id) then
    c["包所领导"] = names([[SELECT p.name AS n FROM assignment a JOIN person p ON p.id = a.person_id
        WHERE a.kind = '包所' AND a.unit_id = ? ORDER BY p.id]], m.unit_id)
  end
  c["包挂部门"] = names([[SELECT coalesce(p.name, d.name) AS n FROM assignment a JOIN unit d ON d.id = a.unit_id
      LEFT JOIN person p ON p.id = a.person_id WHERE a.kind = '包挂市场' AND a.market_id = ? ORDER BY a.id]], market_id)
  return c
end

-- The findings of import n whose inspection's 整改期限 reads `text`:
-- { { id, market, item, deadline } } by id.
function L.sheet_findings(n, text)
  local out = {}
  for r in db.query([[SELECT f.id, m.code AS market, it.code AS item, f.deadline FROM finding f
      JOIN inspection i ON i.id = f.inspection_id JOIN market m ON m.id = f.market_id
      LEFT JOIN item it ON it.id = f.item_id
     WHERE f.import_id = ? AND i.deadline = ? AND f.status <> '已撤销' ORDER BY f.id]], n, text) do
    out[#out + 1] = { id = r.id, market = r.market, item = nn(r.item), deadline = r.deadline }
  end
  return out
end

-- Whether `name` is a person or a unit of the register (a finding is
-- assigned to one of them: the chain assigns units too).
function L.person_known(name)
  return db.one([[SELECT 1 AS x FROM person WHERE name = :n UNION ALL SELECT 1 FROM unit WHERE name = :n LIMIT 1]],
    { n = name }) ~= nil
end

-- The latest finding of (market, item) found in [from, before) that is not
-- withdrawn: { id, recurrence } or nil.
function L.earlier_finding(market_id, item_id, from, before)
  local r = db.one([[SELECT id, recurrence FROM finding WHERE market_id = ? AND item_id IS NOT DISTINCT FROM ? AND found >= ? AND found < ?
      AND status <> '已撤销' ORDER BY found DESC, id DESC LIMIT 1]], market_id, null(item_id), from, before)
  return r
end

-- Insert a finding (f: the columns of table finding) and its first audit
-- row (立项 by `by` at `at`); its id.
function L.add_finding(f, by, at)
  local _, id = db.exec([[INSERT INTO finding(source, inspection_id, import_id, report_id, market_id, item_id, found,
      kind, inspector, description, deduction, severity, deadline, status, chain, accountable, assigned,
      recurs_id, recurrence, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '立项', ?, ?, ?, ?, ?, ?)]],
    f.source, null(f.inspection_id), null(f.import_id), null(f.report_id), f.market_id, null(f.item_id), f.found,
    null(f.kind), null(f.inspector), null(f.description), null(f.deduction), f.severity, f.deadline,
    null(f.chain), null(f.accountable), null(f.assigned), null(f.recurs_id), f.recurrence or 0, at)
  L.add_event(id, { at = at, by = by, action = "立项", to_status = "立项", deadline = f.deadline, note = f.event_note,
    inspection_id = f.inspection_id })
  return id
end

-- One audit row: e = { at, by, action, from_status, to_status, note,
-- evidence, deadline, inspection_id }.
function L.add_event(finding_id, e)
  db.exec([[INSERT INTO finding_event(finding_id, at, by, action, from_status, to_status, note, evidence, deadline,
      inspection_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)]], finding_id, e.at, null(e.by), e.action,
    null(e.from_status), null(e.to_status), null(e.note), null(e.evidence), null(e.deadline), null(e.inspection_id))
end

-- Move finding `id` to status `to` if its status is one of `from` (a
-- list), setting the columns of `set` too ({ column = value }; columns are
-- the caller's constants).  The check and the change are one statement, so
-- two processes cannot both make it: returns true, or false and the
-- status it has (nil when there is no such finding).
function L.transition(id, from, to, set)
  local keys = {}
  for k in pairs(set or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  local cols, vals = { "status = ?" }, { to }
  for _, k in ipairs(keys) do cols[#cols + 1] = k .. " = ?"; vals[#vals + 1] = null(set[k]) end
  vals[#vals + 1] = id
  for _, s in ipairs(from) do vals[#vals + 1] = s end
  local n = db.exec(("UPDATE finding SET %s WHERE id = ? AND status IN (%s)"):format(table.concat(cols, ", "),
    ("?,"):rep(#from):sub(1, -2)), table.unpack(vals))
  if n == 1 then return true end
  local r = db.one("SELECT status FROM finding WHERE id = ?", id)
  return false, r and r.status
end

local FINDING_COLS = [[f.id, f.source, f.inspection_id, f.import_id, f.report_id, f.market_id, m.code AS market,
  m.name AS market_name, u.name AS unit, it.code AS item, it.title AS item_title, f.found, f.kind, f.inspector,
  f.description, f.deduction, f.severity, f.deadline, f.status, f.chain, f.accountable, f.assigned, f.recurs_id,
  f.recurrence, f.fixed, f.closed, f.created_at]]
local LIST_COLS = [[f.id, m.name AS market_name, u.name AS unit, it.code AS item, f.description, f.found,
  f.deadline, f.status, f.assigned, f.recurs_id, f.recurrence]]
local FINDING_FROM = [[finding f JOIN market m ON m.id = f.market_id LEFT JOIN unit u ON u.id = m.unit_id
  LEFT JOIN item it ON it.id = f.item_id]]

local function finding_row(r)
  local x = {}
  for k, v in pairs(r) do x[k] = nn(v) end
  return x
end

function L.finding(id)
  local r = db.one("SELECT " .. FINDING_COLS .. " FROM " .. FINDING_FROM .. " WHERE f.id = ?", id)
  return r and finding_row(r)
end

-- The `ledger` listing of the findings by filter q = { statuses = {...},
-- market_id, unit, item, person, recurring, exclude_withdrawn, overdue
-- (only those overdue on q.today), order ("unit": by station, deadline
-- and id; else by id), code (the market's code after the id) } on day
-- q.today: a result set whose rows are { id, [code,] market, unit, item, description, found, deadline, status,
-- overdue (逾期N天), assigned, recurs (#N 第M次) }, NULL as db.null.  The
-- store computes every cell, 逾期 included (ledger.overdue's rule: open
-- and past its deadline, or a 长期整改 past a milestone not done), and
-- the rows go to the renderer straight from the statement (db.cursor): a
-- province's 66,473 overdue findings cost 0.4 s when each was a keyed row
-- read into Lua and copied into a listing row by Lua.
-- The findings as they stood at the end of day :today (`ledger --on`):
-- those found by then, each with the status and deadline of its audit
-- trail's latest change by then.  A change counts from the day it
-- happened: a 复查 from its inspection's date, the 立项 from the day
-- found (an import records both later), any other from its stamp.
local AS_OF_FROM = [[(SELECT f0.id, f0.market_id, f0.item_id, f0.description, f0.found, f0.assigned, f0.accountable,
      f0.recurs_id, f0.recurrence,
      coalesce((SELECT e.to_status FROM finding_event e LEFT JOIN inspection i ON i.id = e.inspection_id AND e.action = '复查'
         WHERE e.finding_id = f0.id AND e.to_status IS NOT NULL
           AND coalesce(i.date, CASE WHEN e.action = '立项' THEN f0.found END, substr(e.at, 1, 10)) <= :today
         ORDER BY e.id DESC LIMIT 1), '立项') AS status,
      coalesce((SELECT e.deadline FROM finding_event e WHERE e.finding_id = f0.id AND e.deadline IS NOT NULL
           AND (e.action = '立项' OR substr(e.at, 1, 10) <= :today) ORDER BY e.id DESC LIMIT 1), f0.deadline) AS deadline
    FROM finding f0 WHERE f0.found <= :today) f JOIN market m ON m.id = f.market_id LEFT JOIN unit u ON u.id = m.unit_id
  LEFT JOIN item it ON it.id = f.item_id]]

function L.finding_list(q)
  local where, args, n = {}, { today = q.today }, 0
  local function arg(v) n = n + 1; args["a" .. n] = v; return ":a" .. n end
  if q.statuses then
    local names = {}
    for i, s in ipairs(q.statuses) do names[i] = arg(s) end
    where[#where + 1] = ("f.status IN (%s)"):format(table.concat(names, ", "))
  end
  if q.exclude_withdrawn and not q.statuses then where[#where + 1] = "f.status <> '已撤销'" end
  if q.market_id then where[#where + 1] = "f.market_id = " .. arg(q.market_id) end
  if q.unit then where[#where + 1] = "u.name = " .. arg(q.unit) end
  if q.item then where[#where + 1] = "it.code = " .. arg(q.item) end
  if q.person then
    local instr, p = dialect().fns.instr, arg(q.person)
    where[#where + 1] = ("(%s('、' || f.assigned || '、', '、' || %s || '、') > 0 OR %s('、' || f.accountable || '、', '、' || %s || '、') > 0)"):format(instr, p, instr, p)
  end
  if q.recurring then where[#where + 1] = "f.recurs_id IS NOT NULL" end
  if q.overdue then          -- (a 长期整改 one may be overdue by a milestone)
    where[#where + 1] = "(f.deadline < :today OR f.status = '长期整改')"
  end
  -- the day it is overdue from: its deadline, or its first milestone not
  -- done; NULL when it is not overdue (and so is 逾期N天: || of a NULL is
  -- NULL, on both stores, and the listing of 11,635 overdue findings
  -- evaluates it once less a row)
  local late = [[CASE WHEN f.status IN ('立项', '整改中', '复查未通过', '长期整改') THEN
      CASE WHEN f.deadline < :today THEN f.deadline
           WHEN f.status = '长期整改' THEN (SELECT min(ms.due) FROM finding_milestone ms
             WHERE ms.finding_id = f.id AND (ms.done IS NULL OR ms.done > :today) AND ms.due < :today) END END]]
  local sql = ([[SELECT x.id, %sx.market, x.unit, x.item, x.description, x.found, x.deadline, x.status,
      '逾期' || %s || '天' AS overdue, x.assigned,
      CASE WHEN x.recurs_id IS NOT NULL THEN '#' || x.recurs_id || ' 第' || (x.recurrence + 1) || '次' END AS recurs
    FROM (SELECT f.id, m.code, m.name AS market, u.name AS unit, it.code AS item, f.description, f.found, f.deadline,
        f.status, f.assigned, f.recurs_id, f.recurrence, %s AS late FROM %s%s) x%s
    ORDER BY %s]]):format(q.code and "x.code, " or "", dialect().days_between(":today", "x.late"), late,
    q.as_of and AS_OF_FROM or FINDING_FROM,
    #where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "", q.overdue and " WHERE x.late IS NOT NULL" or "",
    q.order == "unit" and "x.unit, x.deadline, x.id" or "x.id")
  -- (a cursor where the store has one: the renderer steps the statement
  -- and no Lua value is made per cell)
  return (db.cursor or db.resultset)(sql, args)
end

-- The ledger's totals of the findings found from `from` to `to` (both
-- included, withdrawn ones left out) on `today`, in one aggregate (the
-- targets' checks read it under the rule budget): { found, closed,
-- fixed, closed_on_time, due, open, overdue }, defined as ledger.figures does.
function L.ledger_totals(from, to, today)
  -- (CASE, not a sum of comparisons: portable to the postgres store)
  local r = db.one([[SELECT count(*) AS found,
      coalesce(sum(CASE WHEN status IN ('待复查', '已销号') THEN 1 ELSE 0 END), 0) AS fixed,
      coalesce(sum(CASE WHEN status = '已销号' THEN 1 ELSE 0 END), 0) AS closed,
      coalesce(sum(CASE WHEN status = '已销号' AND coalesce(fixed, closed) <= deadline THEN 1 ELSE 0 END), 0)
        AS closed_on_time,
      coalesce(sum(CASE WHEN status = '已销号' OR deadline <= :today THEN 1 ELSE 0 END), 0) AS due,
      coalesce(sum(CASE WHEN status <> '已销号' THEN 1 ELSE 0 END), 0) AS open,
      coalesce(sum(CASE WHEN status IN ('立项', '整改中', '复查未通过', '长期整改') AND (deadline < :today
        OR (status = '长期整改' AND EXISTS (SELECT 1 FROM finding_milestone m WHERE m.finding_id = f.id
          AND m.done IS NULL AND m.due < :today))) THEN 1 ELSE 0 END), 0) AS overdue
    FROM finding f WHERE status <> '已撤销' AND found >= :from AND found <= :to]], { from = from, to = to, today = today })
  return { found = r.found, fixed = r.fixed, closed = r.closed, closed_on_time = r.closed_on_time, due = r.due, open = r.open,
    overdue = r.overdue }
end

-- The expression of "overdue on :today" over a finding f: open and past
-- its deadline, or a 长期整改 past a milestone not done (ledger.overdue).
local OVERDUE = [[(CASE WHEN f.status IN ('立项', '整改中', '复查未通过', '长期整改') AND (f.deadline < :today
    OR (f.status = '长期整改' AND EXISTS (SELECT 1 FROM finding_milestone ms WHERE ms.finding_id = f.id
      AND ms.done IS NULL AND ms.due < :today))) THEN 1 ELSE 0 END)]]

-- The ledger's figures of the findings found from `from` to `to` (both
-- included, withdrawn ones left out) on `today`, counted in the store
-- (ledger.figures shapes them): per market { market, name, unit, found,
-- fixed, closed, closed_on_time, due, open, overdue } and per item { item, name,
-- ... }, in no particular order; and the open findings, at most
-- `per_market` a market (all of them when nil, none when 0), each
-- market's overdue first, then by deadline and id: { id, market,
-- market_name, unit, item, description, found, deadline, status,
-- overdue (boolean), assigned, accountable }, by market then that order.
function L.ledger_figures(from, to, today, per_market)
  local args = { from = from, to = to, today = today }
  local counts = ([[count(*) AS found,
      sum(CASE WHEN f.status IN ('待复查', '已销号') THEN 1 ELSE 0 END) AS fixed,
      sum(CASE WHEN f.status = '已销号' THEN 1 ELSE 0 END) AS closed,
      sum(CASE WHEN f.status = '已销号' AND coalesce(f.fixed, f.closed) <= f.deadline THEN 1 ELSE 0 END)
        AS closed_on_time,
      sum(CASE WHEN f.status = '已销号' OR f.deadline <= :today THEN 1 ELSE 0 END) AS due,
      sum(CASE WHEN f.status <> '已销号' THEN 1 ELSE 0 END) AS open,
      sum(%s) AS overdue]]):format(OVERDUE)
  local period = "f.status <> '已撤销' AND f.found >= :from AND f.found <= :to"
  local function tally(r, x)
    x.found, x.fixed, x.closed, x.closed_on_time, x.due, x.open, x.overdue = r.found, r.fixed, r.closed,
      r.closed_on_time, r.due,
      r.open, r.overdue
    return x
  end
  local by_market, by_item = {}, {}
  for r in db.query(([[SELECT m.code AS market, m.name AS name, u.name AS unit, c.* FROM
      (SELECT f.market_id, %s FROM finding f WHERE %s GROUP BY f.market_id) c
      JOIN market m ON m.id = c.market_id LEFT JOIN unit u ON u.id = m.unit_id]]):format(counts, period), args) do
    by_market[#by_market + 1] = tally(r, { market = r.market, name = r.name, unit = nn(r.unit) })
  end
  for r in db.query(([[SELECT it.code AS item, it.title AS name, c.* FROM
      (SELECT f.item_id, %s FROM finding f WHERE %s GROUP BY f.item_id) c
      LEFT JOIN item it ON it.id = c.item_id]]):format(counts, period), args) do
    by_item[#by_item + 1] = tally(r, { item = nn(r.item), name = nn(r.name) })
  end
  local open = {}
  if per_market ~= 0 then
    local cap = ""
    if per_market then cap = " WHERE x.k <= :per_market"; args.per_market = per_market end
    -- the window numbers each market's open findings in the notice's
    -- order over the few columns it sorts by; the rows it keeps are read
    -- whole afterwards
    for r in db.query(([[SELECT f.id, m.code AS market, m.name AS market_name, u.name AS unit, it.code AS item,
        f.description, f.found, f.deadline, f.status, x.overdue, f.assigned, f.accountable FROM
        (SELECT o.id, o.overdue, row_number() OVER (PARTITION BY o.market_id ORDER BY o.overdue DESC, o.deadline, o.id) AS k
           FROM (SELECT f.id, f.market_id, f.deadline, %s AS overdue
                   FROM finding f WHERE %s AND f.status <> '已销号') o) x
        JOIN finding f ON f.id = x.id
        JOIN market m ON m.id = f.market_id LEFT JOIN unit u ON u.id = m.unit_id
        LEFT JOIN item it ON it.id = f.item_id%s
       ORDER BY m.code, x.k]]):format(OVERDUE, period, cap), args) do
      open[#open + 1] = { id = r.id, market = r.market, market_name = r.market_name, unit = nn(r.unit),
        item = nn(r.item), description = nn(r.description), found = r.found, deadline = r.deadline,
        status = r.status, overdue = r.overdue == 1, assigned = nn(r.assigned), accountable = nn(r.accountable) }
    end
  end
  return by_market, by_item, open
end

-- The audit trail of finding `id`, oldest first.
function L.finding_events(id)
  local out = {}
  for r in db.query([[SELECT at, by, action, from_status, to_status, note, evidence, deadline, inspection_id
      FROM finding_event WHERE finding_id = ? ORDER BY id]], id) do
    out[#out + 1] = finding_row(r)
  end
  return out
end

-- `imports undo` of import n, in the caller's transaction, after its
-- rows are deleted: a finding whose latest change is a recheck (复查) by
-- an inspection that is gone (this import's, or one it replaced) goes
-- back to the status it had (撤销复查), then the import's findings are
-- withdrawn (撤销), each change audited with `note` at `at`.  A few
-- statements whatever the count: a city import's 22,086 findings and
-- 17,934 rechecks, two round trips each, ran past the command's 30 s on
-- the server.  Returns withdrawn, rechecks taken back.
function L.undo_findings(n, at, note, window)
  db.exec("CREATE TEMP TABLE IF NOT EXISTS ledger_back(id INTEGER PRIMARY KEY, from_status TEXT, to_status TEXT)")
  db.exec("DELETE FROM ledger_back")
  local args = { n = n, at = at, note = note }
  db.exec([[INSERT INTO ledger_back(id, from_status, to_status)
    SELECT e.finding_id, e.from_status, e.to_status FROM finding_event e
     WHERE e.action = '复查' AND e.inspection_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM inspection i WHERE i.id = e.inspection_id)
       AND NOT EXISTS (SELECT 1 FROM finding_event x WHERE x.finding_id = e.finding_id AND x.id > e.id)]])
  db.exec([[INSERT INTO finding_event(finding_id, at, action, from_status, to_status, note)
    SELECT b.id, :at, '撤销复查', b.to_status, b.from_status, :note
      FROM ledger_back b JOIN finding f ON f.id = b.id AND f.status = b.to_status ORDER BY b.id]], args)
  -- (the recheck set `closed`, and `fixed` unless the finding was 待复查)
  local back = db.exec([[UPDATE finding SET status = b.from_status, closed = NULL,
      fixed = CASE WHEN b.from_status = '待复查' THEN finding.fixed END
    FROM ledger_back b WHERE finding.id = b.id AND finding.status = b.to_status
      AND finding.id IN (SELECT id FROM ledger_back)]])
  db.exec([[INSERT INTO finding_event(finding_id, at, action, from_status, to_status, note)
    SELECT id, :at, '撤销', status, '已撤销', :note FROM finding
     WHERE import_id = :n AND status <> '已撤销' ORDER BY id]], args)
  local withdrawn = db.exec("UPDATE finding SET status = '已撤销' WHERE import_id = :n AND status <> '已撤销'", args)
  -- the findings that recurred one of them link to the latest earlier
  -- finding not withdrawn (or none), their counts with them
  local recurs = 0
  if withdrawn > 0 and window then
    db.exec("CREATE TEMP TABLE IF NOT EXISTS ledger_pair(market_id INTEGER, item_id INTEGER, PRIMARY KEY(market_id, item_id))")
    db.exec("DELETE FROM ledger_pair")
    db.exec([[INSERT INTO ledger_pair(market_id, item_id) SELECT DISTINCT market_id, item_id FROM finding
       WHERE import_id = :n AND item_id IS NOT NULL]], args)
    recurs = L.relink_pairs(at, window, note)
  end
  return withdrawn, back, recurs
end

-- ------------------------------------------------------------ milestones

function L.add_milestone(finding_id, due, title)
  local _, id = db.exec("INSERT INTO finding_milestone(finding_id, due, title) VALUES (?, ?, ?)", finding_id, due, title)
  return id
end

function L.milestones(finding_id)
  local out = {}
  for r in db.query("SELECT id, due, title, done FROM finding_milestone WHERE finding_id = ? ORDER BY due, id", finding_id) do
    out[#out + 1] = { id = r.id, due = r.due, title = r.title, done = nn(r.done) }
  end
  return out
end

function L.milestone_done(id, date)
  return db.exec("UPDATE finding_milestone SET done = ? WHERE id = ? AND done IS NULL", date, id)
end

-- The earliest milestone not done of each 长期整改 finding: { [id] = due }.
function L.next_milestones()
  local out = {}
  for r in db.query([[SELECT finding_id, min(due) AS due FROM finding_milestone WHERE done IS NULL
      GROUP BY finding_id]]) do
    out[r.finding_id] = r.due
  end
  return out
end

-- ------------------------------------------------------------ reports

function L.add_report(r, at)
  local _, id = db.exec([[INSERT INTO report(date, channel, market_id, kind, description, reporter, contact, status,
      created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '待核实', ?)]], r.date, null(r.channel), r.market_id, r.kind,
    null(r.description), null(r.reporter), null(r.contact), at)
  L.add_report_event(id, at, r.by, "登记", r.note)
  return id
end

-- The reports an earlier import of the file whose hash (16 hex digits)
-- is `hash` registered: { first, last, at, by, note } of their 登记
-- (reports import writes "导入 FILE 第 N 行，文件 HASH"), or nil.
function L.report_import(hash)
  local r = db.one([[SELECT min(report_id) AS first, max(report_id) AS last, min(at) AS at, min(by) AS by,
      min(note) AS note FROM report_event WHERE action = '登记' AND note LIKE ?]], "%，文件 " .. hash)
  if not r or nn(r.first) == nil then return nil end
  return finding_row(r)
end

function L.add_report_event(id, at, by, action, note)
  db.exec("INSERT INTO report_event(report_id, at, by, action, note) VALUES (?, ?, ?, ?, ?)", id, at, null(by),
    action, null(note))
end

local REPORT_COLS = [[r.id, r.date, r.channel, r.market_id, m.code AS market, m.name AS market_name, r.kind,
  r.description, r.reporter, r.contact, r.status, r.verified_by, r.verified_at, r.reason, r.reward, r.finding_id,
  r.created_at]]

function L.report(id)
  local r = db.one("SELECT " .. REPORT_COLS .. " FROM report r JOIN market m ON m.id = r.market_id WHERE r.id = ?", id)
  return r and finding_row(r)
end

-- Reports dated in [from, to] (both optional), by date and id.
function L.reports(from, to)
  local out = {}
  for r in db.query("SELECT " .. REPORT_COLS .. [[ FROM report r JOIN market m ON m.id = r.market_id
      WHERE r.date >= ? AND r.date <= ? ORDER BY r.date, r.id]], from or "0000", to or "9999") do
    out[#out + 1] = finding_row(r)
  end
  return out
end

function L.report_events(id)
  local out = {}
  for r in db.query("SELECT at, by, action, note FROM report_event WHERE report_id = ? ORDER BY id", id) do
    out[#out + 1] = finding_row(r)
  end
  return out
end

-- The rewards paid out: { [report_id] = { at, by, note } }, from the
-- reports' audit trail (action 奖励发放; one per report).
function L.payouts()
  local out = {}
  for r in db.query("SELECT report_id, at, by, note FROM report_event WHERE action = '奖励发放' ORDER BY id") do
    out[r.report_id] = { at = r.at, by = nn(r.by), note = nn(r.note) }
  end
  return out
end

-- The rewards granted for the reports dated in the month `ym` (YYYY-MM)
-- but report `except`: { { reporter, contact, reward } }.  Who is one
-- person is reports.person's to say (a phone's digits, a name trimmed),
-- over the few verified reports of a month.
function L.month_rewards(ym, except)
  local out = {}
  for r in db.query([[SELECT reporter, contact, reward FROM report WHERE substr(date, 1, 7) = ?
      AND status = '属实' AND reward > 0 AND id <> ?]], ym, except or 0) do
    out[#out + 1] = finding_row(r)
  end
  return out
end

-- Move report `id` from 待核实 to `to` with the columns of `set`: true, or
-- false and its status.
function L.report_transition(id, to, set)
  local n = db.exec([[UPDATE report SET status = ?, verified_by = ?, verified_at = ?, reason = ?, reward = ?,
      finding_id = ? WHERE id = ? AND status = '待核实']], to, null(set.verified_by), null(set.verified_at),
    null(set.reason), null(set.reward), null(set.finding_id), id)
  if n == 1 then return true end
  local r = db.one("SELECT status FROM report WHERE id = ?", id)
  return false, r and r.status
end

return L
