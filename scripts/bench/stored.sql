-- stored.sql — what cwsh's `score` stored, in score.sql's columns.
SELECT m.code, s.period, printf('%.4f', s.score), s.inspections
  FROM score s JOIN market m ON m.id = s.market_id
 ORDER BY m.code, s.period;
