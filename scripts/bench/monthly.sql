-- monthly.sql — analyst query: all markets' scores for one month (@MONTH@),
-- best first, with station, grade, rank and tier.
SELECT s.rank, m.code, m.name, u.name AS unit, s.score, s.grade, s.tier, s.inspections
  FROM score s JOIN market m ON m.id = s.market_id LEFT JOIN unit u ON u.id = m.unit_id
 WHERE s.period = '@MONTH@'
 ORDER BY s.rank, m.code;
