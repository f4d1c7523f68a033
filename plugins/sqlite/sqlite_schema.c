/*
 * sqlite_schema.c — the data model as numbered migrations.
 *
 * Version 1: the tables.  Integer keys everywhere, names in one place.
 *
 *   unit        a unit of the bureau or outside it, kind as the rules name
 *               it (局, 所/分局 for stations, 科室, 市场主办单位);
 *               parent_id makes the tree.
 *   person      people with their unit, role (一把手 分管领导 干部 管理员
 *               保洁员) and phone.
 *   assignment  the 区域机制: kind 包所 = person_id 包 the station unit_id;
 *               kind 包挂市场 = the department unit_id (and optionally a
 *               person_id) 包挂 market_id.
 *   market      code (unique, the key the sheets use), name, district, the
 *               station (unit_id) and operator (operator_id) units, the key
 *               market flag is_key (重点市场), stall count, the
 *               standardisation status planned/renovating/upgraded + year.
 *   market_alias  other spellings of a market's name in real sheets.
 *   item        the checklist as the rules define it (code, title,
 *               category, points) with the hash of the rules that wrote it;
 *               the rules are the source of truth, the table mirrors them.
 *   import      one imported file: name, content hash (unique: a file is
 *               imported once), mapping, encoding, rows accepted/rejected,
 *               local time.  AUTOINCREMENT: an id is never reused, so
 *               "import #3" means one thing forever.
 *   inspection  one visit: ext_id (the sheet's own id), date (YYYY-MM-DD),
 *               market, kind (a kind of rules/domain.lua), inspector, note,
 *               the import that brought it (deleting the import deletes it).
 *   result      one checklist item's outcome in one inspection (the word
 *               of rules/domain.lua that means pass, fail or na), points
 *               deducted as recorded (>= 0), count of
 *               findings, note.  WITHOUT ROWID, clustered by inspection.
 *               No index on item_id: with a few dozen items it hardly
 *               narrows a search, costs 40 % of an import's insert time,
 *               and misled the planner into walking one item's results
 *               for a market's month; questions about items go through
 *               inspection(date) or inspection(market_id, date).
 *
 *   score       a market's score for a period (YYYY-MM, YYYY-Qn, ...) under
 *               one rule set (rules_hash), with grade, rank, tier, number of
 *               inspections, veto reason and time of computation.
 *
 * Version 2: views for analysts (one SELECT answers ad-hoc questions).
 *
 *   v_result      one flat row per item result with its inspection, market,
 *                 station and checklist item.
 *   v_inspection  one row per inspection with item counts and the points
 *                 deducted in it.
 *
 * Version 3: inspection.deadline, the sheet's 整改期限 (an ISO date when
 * it gives one, else its text: 3天, 立行立改), kept for the ledger.
 *
 * Version 4: the words leave the schema.  Versions 1 and 2 checked kinds,
 * result words, unit kinds and roles against lists of Chinese words (and
 * v_inspection counted '不合格' rows); the vocabulary now lives in the
 * rules (rules/domain.lua), so version 4 rebuilds unit, person,
 * inspection and result without those CHECKs, keeping every row, and
 * adds
 *
 *   result_word   which stored result word means pass, fail or na; the
 *                 rules mirror their vocabulary into it (core/lua/rules.lua,
 *                 like the checklist into item), and v_inspection counts
 *                 `failed` through it.
 *
 * The text of versions 1 and 2 was edited when version 4 came (their word
 * lists dropped): every database goes through version 4, which makes the
 * same tables whatever version 1 made, so a fresh file and an upgraded one
 * still end identical.  Version 4 runs with foreign keys off (dropping
 * inspection would otherwise cascade to result); it copies every row with
 * its id, so no key changes.
 *
 * Version 5: target_status, the targets table's manual status and its
 * audit trail (see m5_target_status).
 * Version 6: unit_mark, the 五有 evidence per unit and year (see
 * m6_unit_mark).
 * Version 7: plan, the three levels of plans with their 四明确 (see m7_plan).
 * Version 8: target_progress, the computed targets table with the hashes
 * that computed it (see m8_target_progress).
 * Version 9: meeting, the 专班 meetings held (see m9_meeting).
 * Version 10: market_facility, assessment and meeting_deleted (see
 * m10_upgrades_assessment).
 * Version 11: the problem ledger (台账): finding, its audit trail
 * finding_event, finding_milestone, and the public reports (群众举报)
 * report with report_event (see m11_ledger).
 * Version 12: ledger_pending, an import's findings owed, and finding's
 * indexes for the ledger's import path and lists (see m12_ledger_import).
 * Version 13: ledger_pending.replaces, the import an --replace import
 * took the place of (see m13_pending_replaces).
 *
 * To change the schema, append a migration; never edit a released one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite_schema.h"

static const char m1_tables[] =
    "CREATE TABLE IF NOT EXISTS unit(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  kind TEXT,\n"
    "  parent_id INTEGER REFERENCES unit(id));\n"
    "CREATE TABLE IF NOT EXISTS person(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  unit_id INTEGER REFERENCES unit(id),\n"
    "  role TEXT,\n"
    "  phone TEXT);\n"
    "CREATE TABLE IF NOT EXISTS market(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  district TEXT,\n"
    "  unit_id INTEGER REFERENCES unit(id),\n"
    "  operator_id INTEGER REFERENCES unit(id),\n"
    "  is_key INTEGER NOT NULL DEFAULT 0 CHECK(is_key IN (0,1)),\n"
    "  stalls INTEGER,\n"
    "  std_status TEXT CHECK(std_status IN ('planned','renovating','upgraded')),\n"
    "  std_year INTEGER);\n"
    "CREATE TABLE IF NOT EXISTS market_alias(\n"
    "  alias TEXT PRIMARY KEY,\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id) ON DELETE CASCADE);\n"
    "CREATE TABLE IF NOT EXISTS assignment(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK(kind IN ('包所','包挂市场')),\n"
    "  person_id INTEGER REFERENCES person(id),\n"
    "  unit_id INTEGER REFERENCES unit(id),\n"
    "  market_id INTEGER REFERENCES market(id),\n"
    "  CHECK(kind <> '包所' OR (person_id IS NOT NULL AND unit_id IS NOT NULL AND market_id IS NULL)),\n"
    "  CHECK(kind <> '包挂市场' OR (unit_id IS NOT NULL AND market_id IS NOT NULL)));\n"
    "CREATE TABLE IF NOT EXISTS item(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  title TEXT NOT NULL,\n"
    "  category TEXT NOT NULL,\n"
    "  points REAL NOT NULL,\n"
    "  rules_hash TEXT);\n"
    "CREATE TABLE IF NOT EXISTS import(\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  file TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL UNIQUE,\n"
    "  mapping TEXT,\n"
    "  encoding TEXT,\n"
    "  rows_ok INTEGER,\n"
    "  rows_bad INTEGER,\n"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n"
    "CREATE TABLE IF NOT EXISTS inspection(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  ext_id TEXT,\n"
    "  date TEXT NOT NULL,\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  inspector TEXT,\n"
    "  note TEXT,\n"
    "  import_id INTEGER REFERENCES import(id) ON DELETE CASCADE);\n"
    "CREATE TABLE IF NOT EXISTS result(\n"
    "  inspection_id INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,\n"
    "  item_id INTEGER NOT NULL REFERENCES item(id),\n"
    "  result TEXT NOT NULL,\n"
    "  deduction REAL NOT NULL DEFAULT 0 CHECK(deduction >= 0),\n"
    "  count REAL,\n"
    "  note TEXT,\n"
    "  PRIMARY KEY(inspection_id, item_id)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS score(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id) ON DELETE CASCADE,\n"
    "  period TEXT NOT NULL,\n"
    "  score REAL,\n"
    "  grade TEXT,\n"
    "  rank INTEGER,\n"
    "  tier TEXT,\n"
    "  inspections INTEGER,\n"
    "  veto TEXT,\n"
    "  rules_hash TEXT NOT NULL,\n"
    "  computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')),\n"
    "  UNIQUE(market_id, period, rules_hash));\n"
    "CREATE INDEX IF NOT EXISTS inspection_market_date ON inspection(market_id, date);\n"
    "CREATE INDEX IF NOT EXISTS inspection_date ON inspection(date);\n"
    "CREATE INDEX IF NOT EXISTS inspection_import ON inspection(import_id);\n"

    "CREATE INDEX IF NOT EXISTS market_unit ON market(unit_id);\n"
    "CREATE INDEX IF NOT EXISTS score_period ON score(period, rules_hash);\n";

static const char m2_views[] =
    "CREATE VIEW IF NOT EXISTS v_result AS\n"
    "SELECT i.date, i.kind, i.inspector, i.ext_id,\n"
    "       m.code AS market_code, m.name AS market_name, m.is_key, m.district,\n"
    "       u.name AS unit_name,\n"
    "       it.code AS item_code, it.title, it.category, it.points,\n"
    "       r.result, r.deduction, r.count, r.note,\n"
    "       i.id AS inspection_id, i.import_id, m.id AS market_id, it.id AS item_id\n"
    "  FROM result r\n"
    "  JOIN inspection i ON i.id = r.inspection_id\n"
    "  JOIN market m ON m.id = i.market_id\n"
    "  JOIN item it ON it.id = r.item_id\n"
    "  LEFT JOIN unit u ON u.id = m.unit_id;\n"
    "CREATE VIEW IF NOT EXISTS v_inspection AS\n"
    "SELECT i.id AS inspection_id, i.ext_id, i.date, i.kind, i.inspector,\n"
    "       m.code AS market_code, m.name AS market_name, m.is_key,\n"
    "       u.name AS unit_name,\n"
    "       (SELECT count(*) FROM result r WHERE r.inspection_id = i.id) AS items,\n"
    "       NULL AS failed,  -- version 4 counts them\n"
    "       (SELECT total(r.deduction) FROM result r WHERE r.inspection_id = i.id) AS deducted,\n"
    "       i.note, i.import_id, m.id AS market_id\n"
    "  FROM inspection i\n"
    "  JOIN market m ON m.id = i.market_id\n"
    "  LEFT JOIN unit u ON u.id = m.unit_id;\n";

static const char m3_deadline[] =
    "ALTER TABLE inspection ADD COLUMN deadline TEXT;\n";


/* Version 4: the tables as versions 1 and 3 made them, without the lists of
 * words, and the result words' meanings in a table of their own. */
static const char m4_vocabulary[] =
    "DROP VIEW IF EXISTS v_result;\n"
    "DROP VIEW IF EXISTS v_inspection;\n"
    "CREATE TABLE unit_v4(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  kind TEXT,\n"
    "  parent_id INTEGER REFERENCES unit(id));\n"
    "INSERT INTO unit_v4 SELECT id, name, kind, parent_id FROM unit;\n"
    "DROP TABLE unit;\n"
    "ALTER TABLE unit_v4 RENAME TO unit;\n"
    "CREATE TABLE person_v4(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  unit_id INTEGER REFERENCES unit(id),\n"
    "  role TEXT,\n"
    "  phone TEXT);\n"
    "INSERT INTO person_v4 SELECT id, name, unit_id, role, phone FROM person;\n"
    "DROP TABLE person;\n"
    "ALTER TABLE person_v4 RENAME TO person;\n"
    "CREATE TABLE inspection_v4(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  ext_id TEXT,\n"
    "  date TEXT NOT NULL,\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  inspector TEXT,\n"
    "  note TEXT,\n"
    "  import_id INTEGER REFERENCES import(id) ON DELETE CASCADE,\n"
    "  deadline TEXT);\n"
    "INSERT INTO inspection_v4 SELECT id, ext_id, date, market_id, kind, inspector, note, import_id,\n"
    "  deadline FROM inspection;\n"
    "DROP TABLE inspection;\n"
    "ALTER TABLE inspection_v4 RENAME TO inspection;\n"
    "CREATE INDEX inspection_market_date ON inspection(market_id, date);\n"
    "CREATE INDEX inspection_date ON inspection(date);\n"
    "CREATE INDEX inspection_import ON inspection(import_id);\n"
    "CREATE TABLE result_v4(\n"
    "  inspection_id INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,\n"
    "  item_id INTEGER NOT NULL REFERENCES item(id),\n"
    "  result TEXT NOT NULL,\n"
    "  deduction REAL NOT NULL DEFAULT 0 CHECK(deduction >= 0),\n"
    "  count REAL,\n"
    "  note TEXT,\n"
    "  PRIMARY KEY(inspection_id, item_id)) WITHOUT ROWID;\n"
    "INSERT INTO result_v4 SELECT inspection_id, item_id, result, deduction, count, note FROM result;\n"
    "DROP TABLE result;\n"
    "ALTER TABLE result_v4 RENAME TO result;\n"
    "CREATE TABLE IF NOT EXISTS result_word(\n"
    "  word TEXT PRIMARY KEY,\n"
    "  outcome TEXT NOT NULL CHECK(outcome IN ('pass', 'fail', 'na')));\n"
    "CREATE VIEW v_result AS\n"
    "SELECT i.date, i.kind, i.inspector, i.ext_id,\n"
    "       m.code AS market_code, m.name AS market_name, m.is_key, m.district,\n"
    "       u.name AS unit_name,\n"
    "       it.code AS item_code, it.title, it.category, it.points,\n"
    "       r.result, r.deduction, r.count, r.note,\n"
    "       i.id AS inspection_id, i.import_id, m.id AS market_id, it.id AS item_id\n"
    "  FROM result r\n"
    "  JOIN inspection i ON i.id = r.inspection_id\n"
    "  JOIN market m ON m.id = i.market_id\n"
    "  JOIN item it ON it.id = r.item_id\n"
    "  LEFT JOIN unit u ON u.id = m.unit_id;\n"
    "CREATE VIEW v_inspection AS\n"
    "SELECT i.id AS inspection_id, i.ext_id, i.date, i.kind, i.inspector,\n"
    "       m.code AS market_code, m.name AS market_name, m.is_key,\n"
    "       u.name AS unit_name,\n"
    "       (SELECT count(*) FROM result r WHERE r.inspection_id = i.id) AS items,\n"
    "       (SELECT count(*) FROM result r JOIN result_word w ON w.word = r.result\n"
    "         WHERE r.inspection_id = i.id AND w.outcome = 'fail') AS failed,\n"
    "       (SELECT total(r.deduction) FROM result r WHERE r.inspection_id = i.id) AS deducted,\n"
    "       i.note, i.import_id, m.id AS market_id\n"
    "  FROM inspection i\n"
    "  JOIN market m ON m.id = i.market_id\n"
    "  LEFT JOIN unit u ON u.id = m.unit_id;\n";


/* Version 5: the targets table's manual status (`targets set`), one row
 * per change so the rows are the audit trail: the task's code in
 * rules/targets.lua, the status set and the one it replaced, progress
 * (0-100, optional), evidence, who and when.  The latest row of a code is
 * its status. */
static const char m5_target_status[] =
    "CREATE TABLE IF NOT EXISTS target_status(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  from_status TEXT,\n"
    "  progress REAL CHECK(progress IS NULL OR (progress >= 0 AND progress <= 100)),\n"
    "  evidence TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n"
    "CREATE INDEX IF NOT EXISTS target_status_code ON target_status(code, id);\n";

/* Version 6: unit_mark, the evidence a unit recorded for one of the marks
 * rules/targets.lua asks of every station per year (the 五有: 有专班、有计划、
 * 有部署、有成效、有总结; the words are the rules', not the schema's), with
 * who and when.  A mark recorded again adds a row: the rows are its history. */
static const char m6_unit_mark[] =
    "CREATE TABLE IF NOT EXISTS unit_mark(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  mark TEXT NOT NULL,\n"
    "  evidence TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n"
    "CREATE INDEX IF NOT EXISTS unit_mark_unit ON unit_mark(unit_id, year);\n";

/* Version 7: plan, the work plans at three levels (the bureau's overall
 * plan, a station's or market operator's plan, a market's 实施方案), each
 * with its 四明确: focus (重点), responsibility (责任), timeline (时限),
 * measures (措施); a plan without one of them is incomplete.  owner is
 * the unit (bureau, unit levels) or market code (market level) as named. */
static const char m7_plan[] =
    "CREATE TABLE IF NOT EXISTS plan(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  level TEXT NOT NULL CHECK(level IN ('bureau','unit','market')),\n"
    "  owner TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  focus TEXT,\n"
    "  responsibility TEXT,\n"
    "  timeline TEXT,\n"
    "  measures TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n";

/* Version 8: target_progress, the targets table as `targets` computed it
 * for a date: each task's progress, status and evidence with the hash of
 * the targets table and of the scoring rules that computed them, so a
 * published figure can be reproduced (a run for the same date and hashes
 * replaces its rows). */
static const char m8_target_progress[] =
    "CREATE TABLE IF NOT EXISTS target_progress(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  on_date TEXT NOT NULL,\n"
    "  progress REAL,\n"
    "  status TEXT NOT NULL,\n"
    "  evidence TEXT,\n"
    "  targets_hash TEXT NOT NULL,\n"
    "  rules_hash TEXT,\n"
    "  computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')),\n"
    "  UNIQUE(code, on_date, targets_hash, rules_hash));\n";

/* Version 9: meeting, one 专班 meeting held (`meetings add`, `meetings
 * import`): its date, the team as rules/schedule.lua names it (a unit's
 * name, not a key: the bureau's 专班 and 领导小组 need not be units),
 * attendees and the minutes' reference, who recorded it and when.  A team
 * meets once a day: (team, date) is unique. */
static const char m9_meeting[] =
    "CREATE TABLE IF NOT EXISTS meeting(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  team TEXT NOT NULL,\n"
    "  attendees TEXT,\n"
    "  minutes_ref TEXT,\n"
    "  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')),\n"
    "  UNIQUE(team, date));\n"
    "CREATE INDEX IF NOT EXISTS meeting_date ON meeting(date);\n";

/* Version 10: market_facility, the state of each facility item of a
 * market's upgrade (改造提升: the items are rules/targets.lua's
 * upgrade_items — 地面、货台、电线、给排水、停车场、环卫设施、公共设施 — not
 * the schema's), one row per change so the rows are its history;
 * assessment, the bureau's rank in a published assessment of the 省/市创卫办
 * (task 6.1.1, 确保中游、力争上游); meeting_deleted, a meeting taken back by
 * `meetings delete`, kept with who deleted it, when and why. */
static const char m10_upgrades_assessment[] =
    "CREATE TABLE IF NOT EXISTS market_facility(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id) ON DELETE CASCADE,\n"
    "  item TEXT NOT NULL,\n"
    "  state TEXT NOT NULL CHECK(state IN ('planned','renovating','upgraded')),\n"
    "  year INTEGER,\n"
    "  note TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n"
    "CREATE INDEX IF NOT EXISTS market_facility_market ON market_facility(market_id, item);\n"
    "CREATE TABLE IF NOT EXISTS assessment(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  assessor TEXT NOT NULL,\n"
    "  rank INTEGER NOT NULL CHECK(rank >= 1),\n"
    "  of_n INTEGER NOT NULL CHECK(of_n >= rank),\n"
    "  source TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n"
    "CREATE TABLE IF NOT EXISTS meeting_deleted(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  team TEXT NOT NULL,\n"
    "  attendees TEXT,\n"
    "  minutes_ref TEXT,\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  deleted_by TEXT NOT NULL,\n"
    "  reason TEXT NOT NULL,\n"
    "  deleted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S','now','localtime')));\n";

/* Version 11: the problem ledger (台账, core/lua/ledger.lua).
 *
 *   finding            one problem registered (立项): its source (the
 *                      inspection's kind, 群众举报, 上级通报, ...), the
 *                      inspection that found it (SET NULL when an import
 *                      is undone or replaced: the finding stays, marked
 *                      withdrawn or relinked) and the import (a plain
 *                      number, no key: it outlives the import), or the
 *                      report; market, item, the date found, the source
 *                      inspection's kind and inspector (with market, item
 *                      and date they identify it again after --replace),
 *                      description, points lost, severity, deadline, the
 *                      status (立项 整改中 待复查 已销号 复查未通过 长期整改
 *                      已撤销; 逾期 is never stored, it is derived from the
 *                      deadline), the responsibility chain as the data held
 *                      it, the accountable and assigned person, the
 *                      earlier finding it recurs and the recurrence count,
 *                      the dates of the last rectification and of 销号.
 *   finding_event      the audit trail: one row per change (who, when,
 *                      action, from -> to, note, evidence, deadline, the
 *                      inspection of a recheck).  Triggers refuse to
 *                      delete or change a row, and to delete a finding.
 *   finding_milestone  the milestones of a 长期整改 finding.
 *   report             a public report (群众举报): date, channel, market,
 *                      kind, description, the reporter and contact (stored
 *                      whole, masked in every listing), status, who
 *                      verified it, the finding it opened, the reward.
 *   report_event       the report's audit trail (verification, unmasking).
 */
static const char m11_ledger[] =
    "CREATE TABLE IF NOT EXISTS report(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  channel TEXT,\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  description TEXT,\n"
    "  reporter TEXT,\n"
    "  contact TEXT,\n"
    "  status TEXT NOT NULL,\n"
    "  verified_by TEXT,\n"
    "  verified_at TEXT,\n"
    "  reason TEXT,\n"
    "  reward REAL,\n"
    "  finding_id INTEGER,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS report_date ON report(date);\n"
    "CREATE TABLE IF NOT EXISTS report_event(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  report_id INTEGER NOT NULL REFERENCES report(id),\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  note TEXT);\n"
    "CREATE TABLE IF NOT EXISTS finding(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  source TEXT NOT NULL,\n"
    "  inspection_id INTEGER REFERENCES inspection(id) ON DELETE SET NULL,\n"
    "  import_id INTEGER,\n"
    "  report_id INTEGER REFERENCES report(id),\n"
    "  market_id INTEGER NOT NULL REFERENCES market(id),\n"
    "  item_id INTEGER REFERENCES item(id),\n"
    "  found TEXT NOT NULL,\n"
    "  kind TEXT,\n"
    "  inspector TEXT,\n"
    "  description TEXT,\n"
    "  deduction REAL,\n"
    "  severity TEXT NOT NULL,\n"
    "  deadline TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  chain TEXT,\n"
    "  accountable TEXT,\n"
    "  assigned TEXT,\n"
    "  recurs_id INTEGER REFERENCES finding(id),\n"
    "  recurrence INTEGER NOT NULL DEFAULT 0,\n"
    "  fixed TEXT,\n"
    "  closed TEXT,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS finding_market_item ON finding(market_id, item_id, found);\n"
    "CREATE INDEX IF NOT EXISTS finding_found ON finding(found);\n"
    "CREATE INDEX IF NOT EXISTS finding_status ON finding(status, deadline);\n"
    "CREATE INDEX IF NOT EXISTS finding_import ON finding(import_id);\n"
    "CREATE INDEX IF NOT EXISTS finding_inspection ON finding(inspection_id);\n"
    "CREATE INDEX IF NOT EXISTS finding_recurs ON finding(recurs_id);\n"
    "CREATE TABLE IF NOT EXISTS finding_event(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  finding_id INTEGER NOT NULL REFERENCES finding(id),\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  from_status TEXT,\n"
    "  to_status TEXT,\n"
    "  note TEXT,\n"
    "  evidence TEXT,\n"
    "  deadline TEXT,\n"
    "  inspection_id INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS finding_event_finding ON finding_event(finding_id, id);\n"
    "CREATE TABLE IF NOT EXISTS finding_milestone(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  finding_id INTEGER NOT NULL REFERENCES finding(id),\n"
    "  due TEXT NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  done TEXT);\n"
    "CREATE TRIGGER IF NOT EXISTS finding_event_kept BEFORE DELETE ON finding_event\n"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger''s audit trail is never deleted'); END;\n"
    "CREATE TRIGGER IF NOT EXISTS finding_event_fixed BEFORE UPDATE ON finding_event\n"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger''s audit trail is never changed'); END;\n"
    "CREATE TRIGGER IF NOT EXISTS finding_kept BEFORE DELETE ON finding\n"
    "  BEGIN SELECT RAISE(ABORT, 'a finding is never deleted: it is withdrawn (已撤销)'); END;\n"
    "CREATE TRIGGER IF NOT EXISTS report_event_kept BEFORE DELETE ON report_event\n"
    "  BEGIN SELECT RAISE(ABORT, 'the reports'' audit trail is never deleted'); END;\n";

/* Version 12: the ledger's import path (core/lua/store_sqlite_ledger.lua).
 *
 *   ledger_pending  an import whose findings are not opened yet: the
 *                   load adds its row in the import's own transaction
 *                   (sqlite_load.c), and the ledger deletes it in the
 *                   transaction that opens the findings, so an import
 *                   the process is killed after (the import event runs
 *                   after the commit) is still owed its findings, which
 *                   the next cwsh opens at start-up (ledger.lua,
 *                   open_pending).  Rows put into import by SQL owe
 *                   nothing.
 *
 * and two indexes of finding: finding_recurs goes (no query looks a
 * finding up by the one it recurs, and a finding is never deleted, so
 * the foreign key never asks either); finding_status becomes (status,
 * market_id, deadline): the open findings of the markets an import
 * rechecks, the open ledger by station and the overdue list by status
 * and deadline are each read from it. */
static const char m12_ledger_import[] =
    "DROP INDEX IF EXISTS finding_recurs;\n"
    "DROP INDEX IF EXISTS finding_status;\n"
    "CREATE INDEX IF NOT EXISTS finding_status ON finding(status, market_id, deadline);\n"
    "CREATE TABLE IF NOT EXISTS ledger_pending(\n"
    "  import_id INTEGER PRIMARY KEY);\n";

/* Version 13: ledger_pending.replaces, the import an `import --replace`
 * deleted in the same transaction (sqlite_load.c): the ledger relinks
 * that import's findings, and only that one's, to the new rows.  (It
 * took "the findings of any import that is gone": a session importing
 * another file while a replace's findings waited for their relink took
 * them for its own replaced ones and withdrew them.) */
static const char m13_pending_replaces[] =
    /* the table again rather than ADD COLUMN, which SQLite cannot make
     * conditional: every step may meet a table it made already */
    "CREATE TABLE ledger_pending_13(\n"
    "  import_id INTEGER PRIMARY KEY,\n"
    "  replaces INTEGER);\n"
    "INSERT INTO ledger_pending_13(import_id) SELECT import_id FROM ledger_pending;\n"
    "DROP TABLE ledger_pending;\n"
    "ALTER TABLE ledger_pending_13 RENAME TO ledger_pending;\n";

static const char *const migrations[] = { m1_tables, m2_views, m3_deadline, m4_vocabulary, m5_target_status,
                                          m6_unit_mark, m7_plan, m8_target_progress, m9_meeting,
                                          m10_upgrades_assessment, m11_ledger, m12_ledger_import,
                                          m13_pending_replaces };
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int sqlite_schema_current(void) { return NMIGRATIONS; }

__attribute__((format(printf, 1, 2)))
static char *fmt_err(const char *fmt, ...)
{
    char *p;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0) abort();
    va_end(ap);
    return p;
}

char *sqlite_schema_refusal(const char *name, int v)
{
    char *p;
    if (asprintf(&p, "database '%s' was made by a newer cwsh (schema version %d, "
                     "this cwsh knows %d)", name, v, NMIGRATIONS) < 0)
        abort();
    return p;
}

int sqlite_schema_version(sqlite3 *db, char **err)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (v < 0 && asprintf(err, "cannot read the schema version: %s", sqlite3_errmsg(db)) < 0)
        abort();
    return v;
}

/* Every migration after the file's version up to `upto`, in one write
 * transaction: a crash or a failing step leaves the file at its old
 * version, never half-way.  The version is read again inside the
 * transaction, because another process may have upgraded the file
 * between our first look and the lock. */
static int fk_on(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static int migrate_tx(sqlite3 *db, const char *name, int upto, char **err);

int sqlite_schema_check(sqlite3 *db, const char *name, char **err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL) != SQLITE_OK) {
        *err = fmt_err("cannot check database '%s': %s", name, sqlite3_errmsg(db));
        return -1;
    }
    int rc = sqlite3_step(st);
    const char *what = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (rc == SQLITE_ROW && what && !strcmp(what, "ok")) { sqlite3_finalize(st); return 0; }
    /* one database checked: the header naming it says nothing */
    static const char main_db[] = "*** in database main ***\n";
    if (what && !strncmp(what, main_db, sizeof main_db - 1)) what += sizeof main_db - 1;
    if (what) *err = fmt_err("database '%s' is damaged: %s", name, what);
    else *err = fmt_err("cannot check database '%s': %s", name, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
}

int sqlite_schema_complete(sqlite3 *db, const char *name, char **err)
{
    /* what a new database has: the migrations run on an empty one */
    sqlite3 *ref;
    char *e = NULL;
    if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK
        || sqlite_schema_migrate(ref, "a new database", -1, &e) != 0) {
        *err = fmt_err("cannot check database '%s': %s", name, e ? e : sqlite3_errmsg(ref));
        free(e);
        sqlite3_close(ref);
        return -1;
    }
    sqlite3_stmt *want, *have;
    int rc = 0;
    if (sqlite3_prepare_v2(ref, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                                "ORDER BY rowid", -1, &want, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2", -1, &have, NULL)
               != SQLITE_OK) {
        *err = fmt_err("cannot check database '%s': %s", name, sqlite3_errmsg(db));
        sqlite3_finalize(want);
        sqlite3_close(ref);
        return -1;
    }
    while (rc == 0 && sqlite3_step(want) == SQLITE_ROW) {
        sqlite3_bind_text(have, 1, (const char *)sqlite3_column_text(want, 0), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(have, 2, (const char *)sqlite3_column_text(want, 1), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(have) != SQLITE_ROW) {
            *err = fmt_err("database '%s' is not a whole cwsh database: it has no %s %s", name,
                           (const char *)sqlite3_column_text(want, 0), (const char *)sqlite3_column_text(want, 1));
            rc = -1;
        }
        sqlite3_reset(have);
    }
    sqlite3_finalize(want);
    sqlite3_finalize(have);
    sqlite3_close(ref);
    return rc;
}

/* Tables are rebuilt with foreign keys off, which only works outside a
 * transaction; they are turned back on whatever happens. */
static int migrate(sqlite3 *db, const char *name, int upto, char **err)
{
    int fk = fk_on(db);
    if (fk) sqlite3_exec(db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    int rc = migrate_tx(db, name, upto, err);
    if (fk) sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return rc;
}

static int migrate_tx(sqlite3 *db, const char *name, int upto, char **err)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        *err = fmt_err("cannot upgrade database '%s' to schema version %d: %s", name, upto,
                       sqlite3_errmsg(db));
        return -1;
    }
    int v = sqlite_schema_version(db, err);
    if (v < 0) goto fail;
    if (v > NMIGRATIONS) { *err = sqlite_schema_refusal(name, v); goto fail; }
    /* the upgrade rewrites tables: on a damaged file it could lose rows
     * without a word, or stop half-way through what it reads */
    if (v < upto && sqlite_schema_check(db, name, err) != 0) goto fail;
    for (int next = v + 1; next <= upto; next++) {
        if (sqlite3_exec(db, migrations[next - 1], NULL, NULL, NULL) != SQLITE_OK) {
            *err = fmt_err("cannot upgrade database '%s' to schema version %d: %s", name, next,
                           sqlite3_errmsg(db));
            goto fail;
        }
    }
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", upto > v ? upto : v);
    if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        *err = fmt_err("cannot upgrade database '%s' to schema version %d: %s", name, upto,
                       sqlite3_errmsg(db));
        goto fail;
    }
    return 0;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int sqlite_schema_migrate(sqlite3 *db, const char *name, int upto, char **err)
{
    if (upto < 0 || upto > NMIGRATIONS) upto = NMIGRATIONS;
    int v = sqlite_schema_version(db, err);
    if (v < 0) return -1;
    if (v > NMIGRATIONS) { *err = sqlite_schema_refusal(name, v); return -1; }
    return v < upto ? migrate(db, name, upto, err) : 0;
}
