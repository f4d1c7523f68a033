-- ledger.sql — the register and the responsibility chain for the ledger
-- transcripts: two stations, an operator with its 管理员 and 保洁员, the
-- 包所 leader of 城东所 and the department that 包挂 城北市场.
INSERT INTO unit(name, kind) VALUES ('城东所', '所'), ('城西所', '所'), ('城北市场管理公司', '市场主办单位'), ('食品科', '科室');
INSERT INTO market(code, name, unit_id, operator_id, is_key) VALUES
  ('M01', '城北市场', 1, 3, 1), ('M02', '健康路市场', 2, NULL, 1), ('M03', '解放市场', 1, NULL, 0);
INSERT INTO person(name, unit_id, role) VALUES ('张局长', NULL, '局领导'), ('刘管理', 3, '管理员'), ('陈保洁', 3, '保洁员');
INSERT INTO assignment(kind, person_id, unit_id, market_id) VALUES ('包所', 1, 1, NULL), ('包挂市场', NULL, 4, 1);
