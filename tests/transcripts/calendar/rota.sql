-- rota.sql — markets, 区域机制 assignments and a ranking for the schedule rota transcript:
-- M1 M2 key, M3 M4 M5 not; M4 M5 in the 下游 tier of the rankings of 2026-08 and 2026-09
-- (a listing from a day of September takes August's, one from October September's).
INSERT INTO unit(name, kind) VALUES ('城东所', '所'), ('城西所', '所'), ('食品科', '科'), ('市场科', '科');
INSERT INTO market(code, name, unit_id, is_key) VALUES
  ('M1', '城北市场', 1, 1), ('M2', '健康路市场', 2, 1), ('M3', '和庄路市场', 1, 0), ('M4', '东关市场', 2, 0), ('M5', '西关市场', 2, 0);
INSERT INTO person(name, unit_id, role) VALUES ('张局长', NULL, '局领导'), ('李副局长', NULL, '局领导');
-- the inspectors: 城东所's 王芳 and 陈静, 城西所's 李娜, 赵磊 and 刘洋 (干部); 城东所's 保洁员 does not inspect
INSERT INTO person(name, unit_id, role) VALUES ('王芳', 1, '干部'), ('陈静', 1, '干部'), ('李娜', 2, '干部'),
  ('赵磊', 2, '干部'), ('刘洋', 2, '干部'), ('孙梅', 1, '保洁员');
INSERT INTO assignment(kind, person_id, unit_id, market_id) VALUES ('包所', 1, 1, NULL), ('包所', 2, 2, NULL),
  ('包挂市场', NULL, 3, 1), ('包挂市场', NULL, 4, 2), ('包挂市场', NULL, 4, 5);
INSERT INTO score(market_id, period, score, grade, rank, tier, inspections, rules_hash) VALUES
  (1, '2026-09', 95, '优秀', 1, '上游', 1, 'h'), (2, '2026-09', 90, '优秀', 2, '上游', 1, 'h'),
  (3, '2026-09', 85, '良好', 3, '中游', 1, 'h'), (4, '2026-09', 70, '合格', 4, '下游', 1, 'h'), (5, '2026-09', 60, '不合格', 5, '下游', 1, 'h');
INSERT INTO score(market_id, period, score, grade, rank, tier, inspections, rules_hash) VALUES
  (1, '2026-08', 95, '优秀', 1, '上游', 1, 'h'), (2, '2026-08', 90, '优秀', 2, '上游', 1, 'h'),
  (3, '2026-08', 85, '良好', 3, '中游', 1, 'h'), (4, '2026-08', 70, '合格', 4, '下游', 1, 'h'), (5, '2026-08', 60, '不合格', 5, '下游', 1, 'h');
