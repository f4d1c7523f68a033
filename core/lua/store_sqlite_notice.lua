-- store_sqlite_notice.lua — the SQLite queries of the bimonthly notice
-- (core/lua/notice.lua), merged into store_sqlite.lua's repository.

local M = {}

-- Per market and item in [from, to]: the inspections in which the item
-- lost points and the points lost, `lost` being the engine's expression
-- of an item's points lost (over r.* and the rule table engine_item ei).
-- Rows { market_id, code, times, lost }, items that lost nothing left out.
-- `can` (an expression over the same columns) keeps the result rows that
-- can lose points at all.
function M.item_losses(lost, from, to, can)
  -- the expression once per result row, in the inner query; the
  -- sub-query is aliased and the default filter is TRUE, not 1, so that
  -- PostgreSQL takes the same text (it wants an alias on a sub-query in
  -- FROM and a boolean after AND)
  local sql = ([[
SELECT market_id, code, sum(CASE WHEN l > 0 THEN 1 ELSE 0 END) AS times, sum(l) AS lost
  FROM (SELECT i.market_id AS market_id, ei.code AS code, (%s) AS l
          FROM inspection i JOIN result r ON r.inspection_id = i.id
          JOIN engine_item ei ON ei.item_id = r.item_id
         WHERE i.date BETWEEN :from AND :to AND (%s)) AS x
 GROUP BY market_id, code
HAVING sum(l) > 0]]):format(lost, can or "TRUE")
  local out = {}
  for r in db.query(sql, { from = from, to = to }) do out[#out + 1] = r end
  return out
end

-- Inspections in [from, to]: how many, and of how many markets.
function M.inspection_count(from, to)
  return db.one("SELECT count(*) AS n, count(DISTINCT market_id) AS m FROM inspection WHERE date BETWEEN ? AND ?",
    from, to)
end

-- ------------------------------------------------------------ the ledger on a date

-- The ledger as it stood on `date` (the notice's date), from the audit
-- trail: a finding's status is the one its last event on or before
-- `date` left it in, its deadline the last one an event set by then.  An
-- event's date is the day it was true: a 立项 the day the problem was
-- found, a recheck (复查) the day of the inspection that did it, any
-- other change the day it was recorded; so a fix recorded after `date`
-- does not count, and a notice issued again later says what the
-- published one said.  (The finding's own status and deadline columns
-- are today's, which is why they are not read here.)
local OPEN = "('立项', '整改中', '复查未通过', '长期整改')"
local STATE = [[
WITH ev AS (
  SELECT e.finding_id, e.id, e.to_status, e.deadline,
         CASE WHEN e.action = '立项' THEN f.found
              WHEN e.inspection_id IS NOT NULL THEN coalesce(i.date, substr(e.at, 1, 10))
              ELSE substr(e.at, 1, 10) END AS d
    FROM finding f JOIN finding_event e ON e.finding_id = f.id
    LEFT JOIN inspection i ON i.id = e.inspection_id
   WHERE f.found <= :to),
lastev AS (SELECT finding_id, max(id) AS id FROM ev WHERE d <= :date AND to_status IS NOT NULL GROUP BY finding_id),
lastdl AS (SELECT finding_id, max(id) AS id FROM ev WHERE d <= :date AND deadline IS NOT NULL GROUP BY finding_id),
fixes AS (SELECT finding_id, max(CASE WHEN to_status = '待复查' THEN d END) AS fixed_on,
                 max(CASE WHEN to_status = '已销号' THEN d END) AS closed_on
            FROM ev WHERE d <= :date GROUP BY finding_id),
st0 AS (
  SELECT f.id, f.market_id, f.item_id, f.found, le.to_status AS status,
         coalesce(de.deadline, f.deadline) AS deadline, coalesce(x.fixed_on, x.closed_on) AS fixed_on
    FROM finding f JOIN lastev l ON l.finding_id = f.id JOIN finding_event le ON le.id = l.id
    LEFT JOIN lastdl dl ON dl.finding_id = f.id LEFT JOIN finding_event de ON de.id = dl.id
    LEFT JOIN fixes x ON x.finding_id = f.id
   WHERE le.to_status IS NOT NULL AND le.to_status <> '已撤销'),
st AS (
  SELECT s.*, CASE WHEN s.status IN ('待复查', '已销号') THEN 1 ELSE 0 END AS fixed,
         CASE WHEN s.status IN ]] .. OPEN .. [[ AND (s.deadline < :date OR (s.status = '长期整改' AND EXISTS (
           SELECT 1 FROM finding_milestone ms WHERE ms.finding_id = s.id AND ms.due < :date
              AND (ms.done IS NULL OR ms.done > :date)))) THEN 1 ELSE 0 END AS overdue,
         CASE WHEN s.found < :from THEN 1 ELSE 0 END AS carried
    FROM st0 s)
]]

-- Per market, the findings found from `from` to `to` as they stood on
-- `date` (found, fixed: 待复查 or 已销号, closed: 已销号, fixed_on_time,
-- due, open, overdue) and `carried`: the findings found before `from`
-- still open and overdue on `date` (the earlier rounds' problems the
-- notice hands over again).  Rows { market, name, unit, found, fixed,
-- closed, fixed_on_time, due, open, overdue, carried }.  And the open
-- findings the notice lists, at most `per_market` a market (all when
-- nil, none when 0), overdue first, then by deadline and id: { id,
-- market, market_id, market_name, unit, item, description, found,
-- deadline, status, overdue, carried, assigned }.
function M.notice_ledger(from, to, date, per_market)
  local args = { from = from, to = to, date = date }
  local by_market = {}
  for r in db.query(STATE .. [[
SELECT m.code AS market, m.name AS name, u.name AS unit, c.* FROM
  (SELECT market_id,
          sum(1 - carried) AS found,
          sum(CASE WHEN carried = 0 THEN fixed ELSE 0 END) AS fixed,
          sum(CASE WHEN carried = 0 AND status = '已销号' THEN 1 ELSE 0 END) AS closed,
          sum(CASE WHEN carried = 0 AND fixed = 1 AND fixed_on <= deadline THEN 1 ELSE 0 END) AS fixed_on_time,
          sum(CASE WHEN carried = 0 AND (fixed = 1 OR deadline <= :date) THEN 1 ELSE 0 END) AS due,
          sum(CASE WHEN carried = 0 THEN 1 - fixed ELSE 0 END) AS open,
          sum(CASE WHEN carried = 0 THEN overdue ELSE 0 END) AS overdue,
          sum(CASE WHEN carried = 1 THEN overdue ELSE 0 END) AS carried
     FROM st WHERE carried = 0 OR overdue = 1 GROUP BY market_id) c
  JOIN market m ON m.id = c.market_id LEFT JOIN unit u ON u.id = m.unit_id]], args) do
    local function n(v) return tonumber(v) or 0 end
    by_market[#by_market + 1] = { market = r.market, name = r.name, unit = r.unit ~= db.null and r.unit or nil,
      found = n(r.found), fixed = n(r.fixed), closed = n(r.closed), fixed_on_time = n(r.fixed_on_time),
      due = n(r.due), open = n(r.open), overdue = n(r.overdue), carried = n(r.carried) }
  end
  local open = {}
  if per_market ~= 0 then
    local cap = ""
    if per_market then cap = " WHERE x.k <= :per_market"; args.per_market = per_market end
    for r in db.query(STATE .. ([[
SELECT f.id, m.id AS market_id, m.code AS market, m.name AS market_name, u.name AS unit, it.code AS item,
       f.description, f.found, x.deadline, x.status, x.overdue, x.carried, f.assigned FROM
  (SELECT o.*, row_number() OVER (PARTITION BY o.market_id ORDER BY o.overdue DESC, o.deadline, o.id) AS k
     FROM st o WHERE o.fixed = 0 AND (o.carried = 0 OR o.overdue = 1)) x
  JOIN finding f ON f.id = x.id
  JOIN market m ON m.id = f.market_id LEFT JOIN unit u ON u.id = m.unit_id
  LEFT JOIN item it ON it.id = f.item_id%s
 ORDER BY m.code, x.k]]):format(cap), args) do
      local function nn(v) if v == db.null then return nil end return v end
      open[#open + 1] = { id = r.id, market_id = r.market_id, market = r.market, market_name = r.market_name,
        unit = nn(r.unit), item = nn(r.item), description = nn(r.description), found = r.found,
        deadline = r.deadline, status = r.status, overdue = tonumber(r.overdue) == 1,
        carried = tonumber(r.carried) == 1, assigned = nn(r.assigned) }
    end
  end
  return by_market, open
end

return M
