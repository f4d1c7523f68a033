-- markets.sql — a small data set for the rules transcripts (engine helper).
-- 2027-01: 甲 94 (暗访 90 weight 1.5 + 督查 100), 乙 94 (tie), 丙 89.99,
-- 丁 99 with 过期商品 (veto), 戊 90; 己 no inspection; 2026-12: 甲 95.
INSERT INTO unit(name, kind) VALUES ('城东所', '所'), ('城西所', '所'), ('城南所', '所');
INSERT INTO market(code, name, unit_id, is_key) VALUES
  ('M1', '甲市场', 1, 1), ('M2', '乙市场', 1, 0), ('M3', '丙市场', 2, 0),
  ('M4', '丁市场', 2, 0), ('M5', '戊市场', 3, 0), ('M6', '己市场', 3, 0);
INSERT INTO inspection(id, date, market_id, kind, inspector, note) VALUES
  (1, '2027-01-12', 1, '暗访', '王芳', NULL),
  (2, '2027-01-20', 1, '督查', '张伟', NULL),
  (3, '2027-01-08', 2, '督查', '张伟', NULL),
  (4, '2027-01-09', 3, '督查', '李娜', NULL),
  (5, '2027-01-10', 4, '督查', '李娜', NULL),
  (6, '2027-01-11', 5, '自查', '赵磊', NULL),
  (7, '2026-12-15', 1, '督查', '张伟', NULL);
WITH v(iid, code, result, deduction, count, note) AS (VALUES
    (1, 'A05', '不合格', 4, NULL, '垃圾隔夜未清'),
    (1, 'A06', '不合格', 5, NULL, '公厕无人保洁'),
    (1, 'A03', '不合格', 2, NULL, '排水沟淤积'),
    (1, 'A01', '合格', 0, NULL, NULL),
    (2, 'A01', '合格', 0, NULL, NULL),
    (3, 'A01', '不合格', 1, 2, '积水2处'),
    (3, 'E01', '不合格', 4, 6, '占道经营6户'),
    (4, 'A05', '不合格', 4, NULL, NULL),
    (4, 'A06', '不合格', 4, NULL, NULL),
    (4, 'A03', '不合格', 2.01, NULL, NULL),
    (5, 'F04', '不合格', 1, 1, '过期商品1件'),
    (6, 'D01', '不合格', 3, 0, '宣传栏未更新'),
    (6, 'B04', '不适用', 0, NULL, '无停车场'),
    (6, 'A02', '不合格', 7, NULL, NULL),
    (7, 'A02', '不合格', 5, NULL, NULL),
    (7, 'C03', '不合格', 0, 2, '鼠迹2处')
  )
INSERT INTO result(inspection_id, item_id, result, deduction, count, note)
  SELECT v.iid, it.id, v.result, v.deduction, v.count, v.note FROM v JOIN item it ON it.code = v.code;
