-- score.sql — the hand-written reference for `score` (issue 5): every
-- market's score for every month of the data, from the same capped sums
-- the default rules compute, in one SQL statement.  Owner: bench helper.
--
--   inspection score = 100 - sum over categories of
--                      min(category points, sum of min(deduction, item points))
--   month score      = mean of its inspections' scores weighted by kind
--                      (the default rules' weights, below)
--
-- Output: market code, period, score (4 decimals), inspections — the same
-- columns stored.sql reads back from cwsh's score table.
WITH weight(kind, w) AS (
  VALUES ('自查', 1.0), ('督查', 1.0), ('全面督查', 1.0), ('暗访', 1.5), ('考核', 1.0)
),
lost_item AS (
  SELECT r.inspection_id, it.category, min(r.deduction, it.points) AS lost
    FROM result r JOIN item it ON it.id = r.item_id
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
