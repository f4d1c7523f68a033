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

return M
