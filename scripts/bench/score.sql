-- score.sql — the hand-written reference for `score` (issue 5): every
-- market's score for every month of the data in one SQL statement, from
-- the default rules (rules/checklist.lua, rules/scoring.lua) written out
-- by hand.  Owner: bench helper.
--
--   item lost        0 when 不适用 or 合格; per-count items
--                    min(count * rate, points) when counted; otherwise
--                    min(deduction, points)
--   inspection score 100.0 - sum over categories of min(category lost, category points)
--   month score      mean of the inspections' scores weighted by kind
--
-- Output: market code, period, score (4 decimals), inspections — the
-- columns stored.sql reads back from cwsh's score table.
WITH weight(kind, w) AS (
  VALUES ('自查', 1.0), ('督查', 1.0), ('全面督查', 1.0), ('暗访', 1.5), ('考核', 1.0)
),
per_count(code, rate) AS (
  VALUES ('A01', 1), ('A02', 1), ('A04', 1), ('B02', 1), ('C01', 1), ('C03', 0.5),
         ('C06', 0.5), ('D03', 0.5), ('E01', 1), ('E02', 1), ('E03', 0.5), ('E04', 1),
         ('F03', 1), ('F04', 1)
),
lost_item AS (
  SELECT r.inspection_id, it.category,
         CASE WHEN r.result = '不适用' OR r.result = '合格' THEN 0
              WHEN pc.rate IS NOT NULL AND r.count IS NOT NULL THEN min(r.count * pc.rate, it.points)
              ELSE min(r.deduction, it.points) END AS lost
    FROM result r JOIN item it ON it.id = r.item_id
    LEFT JOIN per_count pc ON pc.code = it.code
),
cat_points(category, points) AS (
  SELECT category, sum(points) FROM item GROUP BY category
),
lost_cat AS (
  SELECT l.inspection_id, min(sum(l.lost), c.points) AS lost
    FROM lost_item l JOIN cat_points c ON c.category = l.category
   GROUP BY l.inspection_id, l.category
),
lost_insp AS (
  SELECT inspection_id, sum(lost) AS lost FROM lost_cat GROUP BY inspection_id
),
insp AS (
  SELECT i.market_id, substr(i.date, 1, 7) AS period, i.kind,
         100.0 - coalesce(l.lost, 0) AS score
    FROM inspection i LEFT JOIN lost_insp l ON l.inspection_id = i.id
)
SELECT m.code, s.period, printf('%.4f', s.score), s.n
  FROM (SELECT market_id, period, sum(w.w * score) / sum(w.w) AS score, count(*) AS n
          FROM insp JOIN weight w ON w.kind = insp.kind
         GROUP BY market_id, period) s
  JOIN market m ON m.id = s.market_id
 ORDER BY m.code, s.period;
