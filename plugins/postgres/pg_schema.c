/*
 * pg_schema.c — the sqlite plugin's migrations, in PostgreSQL's dialect.
 *
 * Each migration here is the one of the same number in
 * plugins/sqlite/sqlite_schema.c (read there what each version adds and
 * why); a migration appended there is appended here with the same
 * number.  Dialect: INTEGER PRIMARY KEY is BIGSERIAL (AUTOINCREMENT too:
 * a sequence never hands an id out twice), REAL is DOUBLE PRECISION,
 * dates stay TEXT ('YYYY-MM-DD', compared as strings by the engine), the
 * local time stamps come from to_char(localtimestamp, ...), total() is
 * coalesce(sum(), 0), and WITHOUT ROWID has no counterpart (result's
 * primary key already orders it).
 *
 * Version 4 rebuilt four tables on SQLite to drop CHECK lists of words;
 * version 1 here never had them, so version 4 only adds result_word and
 * the views that count through it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_schema.h"

#define NOW "to_char(localtimestamp, 'YYYY-MM-DD HH24:MI:SS')"

static const char m1_tables[] =
    "CREATE TABLE IF NOT EXISTS unit(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  kind TEXT,\n"
    "  parent_id BIGINT REFERENCES unit(id));\n"
    "CREATE TABLE IF NOT EXISTS person(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  unit_id BIGINT REFERENCES unit(id),\n"
    "  role TEXT,\n"
    "  phone TEXT);\n"
    "CREATE TABLE IF NOT EXISTS market(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  district TEXT,\n"
    "  unit_id BIGINT REFERENCES unit(id),\n"
    "  operator_id BIGINT REFERENCES unit(id),\n"
    "  is_key INTEGER NOT NULL DEFAULT 0 CHECK(is_key IN (0,1)),\n"
    "  stalls INTEGER,\n"
    "  std_status TEXT CHECK(std_status IN ('planned','renovating','upgraded')),\n"
    "  std_year INTEGER);\n"
    "CREATE TABLE IF NOT EXISTS market_alias(\n"
    "  alias TEXT PRIMARY KEY,\n"
    "  market_id BIGINT NOT NULL REFERENCES market(id) ON DELETE CASCADE);\n"
    "CREATE TABLE IF NOT EXISTS assignment(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK(kind IN ('包所','包挂市场')),\n"
    "  person_id BIGINT REFERENCES person(id),\n"
    "  unit_id BIGINT REFERENCES unit(id),\n"
    "  market_id BIGINT REFERENCES market(id),\n"
    "  CHECK(kind <> '包所' OR (person_id IS NOT NULL AND unit_id IS NOT NULL AND market_id IS NULL)),\n"
    "  CHECK(kind <> '包挂市场' OR (unit_id IS NOT NULL AND market_id IS NOT NULL)));\n"
    "CREATE TABLE IF NOT EXISTS item(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  title TEXT NOT NULL,\n"
    "  category TEXT NOT NULL,\n"
    "  points DOUBLE PRECISION NOT NULL,\n"
    "  rules_hash TEXT);\n"
    "CREATE TABLE IF NOT EXISTS import(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  file TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL UNIQUE,\n"
    "  mapping TEXT,\n"
    "  encoding TEXT,\n"
    "  rows_ok BIGINT,\n"
    "  rows_bad BIGINT,\n"
    "  imported_at TEXT NOT NULL DEFAULT " NOW ");\n"
    "CREATE TABLE IF NOT EXISTS inspection(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  ext_id TEXT,\n"
    "  date TEXT NOT NULL,\n"
    "  market_id BIGINT NOT NULL REFERENCES market(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  inspector TEXT,\n"
    "  note TEXT,\n"
    "  import_id BIGINT REFERENCES import(id) ON DELETE CASCADE);\n"
    "CREATE TABLE IF NOT EXISTS result(\n"
    "  inspection_id BIGINT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,\n"
    "  item_id BIGINT NOT NULL REFERENCES item(id),\n"
    "  result TEXT NOT NULL,\n"
    "  deduction DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK(deduction >= 0),\n"
    "  count DOUBLE PRECISION,\n"
    "  note TEXT,\n"
    "  PRIMARY KEY(inspection_id, item_id));\n"
    "CREATE TABLE IF NOT EXISTS score(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  market_id BIGINT NOT NULL REFERENCES market(id) ON DELETE CASCADE,\n"
    "  period TEXT NOT NULL,\n"
    "  score DOUBLE PRECISION,\n"
    "  grade TEXT,\n"
    "  rank BIGINT,\n"
    "  tier TEXT,\n"
    "  inspections BIGINT,\n"
    "  veto TEXT,\n"
    "  rules_hash TEXT NOT NULL,\n"
    "  computed_at TEXT NOT NULL DEFAULT " NOW ",\n"
    "  UNIQUE(market_id, period, rules_hash));\n"
    "CREATE INDEX IF NOT EXISTS inspection_market_date ON inspection(market_id, date);\n"
    "CREATE INDEX IF NOT EXISTS inspection_date ON inspection(date);\n"
    "CREATE INDEX IF NOT EXISTS inspection_import ON inspection(import_id);\n"
    "CREATE INDEX IF NOT EXISTS market_unit ON market(unit_id);\n"
    "CREATE INDEX IF NOT EXISTS score_period ON score(period, rules_hash);\n";

#define V_RESULT \
    "CREATE VIEW v_result AS\n" \
    "SELECT i.date, i.kind, i.inspector, i.ext_id,\n" \
    "       m.code AS market_code, m.name AS market_name, m.is_key, m.district,\n" \
    "       u.name AS unit_name,\n" \
    "       it.code AS item_code, it.title, it.category, it.points,\n" \
    "       r.result, r.deduction, r.count, r.note,\n" \
    "       i.id AS inspection_id, i.import_id, m.id AS market_id, it.id AS item_id\n" \
    "  FROM result r\n" \
    "  JOIN inspection i ON i.id = r.inspection_id\n" \
    "  JOIN market m ON m.id = i.market_id\n" \
    "  JOIN item it ON it.id = r.item_id\n" \
    "  LEFT JOIN unit u ON u.id = m.unit_id;\n"

#define V_INSPECTION(failed) \
    "CREATE VIEW v_inspection AS\n" \
    "SELECT i.id AS inspection_id, i.ext_id, i.date, i.kind, i.inspector,\n" \
    "       m.code AS market_code, m.name AS market_name, m.is_key,\n" \
    "       u.name AS unit_name,\n" \
    "       (SELECT count(*) FROM result r WHERE r.inspection_id = i.id) AS items,\n" \
    "       " failed " AS failed,\n" \
    "       (SELECT coalesce(sum(r.deduction), 0) FROM result r WHERE r.inspection_id = i.id) AS deducted,\n" \
    "       i.note, i.import_id, m.id AS market_id\n" \
    "  FROM inspection i\n" \
    "  JOIN market m ON m.id = i.market_id\n" \
    "  LEFT JOIN unit u ON u.id = m.unit_id;\n"

static const char m2_views[] =
    V_RESULT
    V_INSPECTION("NULL::bigint");

static const char m3_deadline[] =
    "ALTER TABLE inspection ADD COLUMN deadline TEXT;\n";

/* v_result is made again because it names i.* columns as of version 1
 * and SQLite's version 4 rebuilt it; here only v_inspection changes. */
static const char m4_vocabulary[] =
    "DROP VIEW IF EXISTS v_result;\n"
    "DROP VIEW IF EXISTS v_inspection;\n"
    "CREATE TABLE IF NOT EXISTS result_word(\n"
    "  word TEXT PRIMARY KEY,\n"
    "  outcome TEXT NOT NULL CHECK(outcome IN ('pass', 'fail', 'na')));\n"
    V_RESULT
    V_INSPECTION("(SELECT count(*) FROM result r JOIN result_word w ON w.word = r.result\n"
                 "         WHERE r.inspection_id = i.id AND w.outcome = 'fail')");

static const char m5_target_status[] =
    "CREATE TABLE IF NOT EXISTS target_status(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  from_status TEXT,\n"
    "  progress DOUBLE PRECISION CHECK(progress IS NULL OR (progress >= 0 AND progress <= 100)),\n"
    "  evidence TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT " NOW ");\n"
    "CREATE INDEX IF NOT EXISTS target_status_code ON target_status(code, id);\n";

static const char m6_unit_mark[] =
    "CREATE TABLE IF NOT EXISTS unit_mark(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  unit_id BIGINT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  mark TEXT NOT NULL,\n"
    "  evidence TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT " NOW ");\n"
    "CREATE INDEX IF NOT EXISTS unit_mark_unit ON unit_mark(unit_id, year);\n";

static const char m7_plan[] =
    "CREATE TABLE IF NOT EXISTS plan(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  level TEXT NOT NULL CHECK(level IN ('bureau','unit','market')),\n"
    "  owner TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  focus TEXT,\n"
    "  responsibility TEXT,\n"
    "  timeline TEXT,\n"
    "  measures TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT " NOW ");\n";

/* UNIQUE treats NULL rules_hash values as distinct on both stores; the
 * repository deletes a run's rows before writing them again. */
static const char m8_target_progress[] =
    "CREATE TABLE IF NOT EXISTS target_progress(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  on_date TEXT NOT NULL,\n"
    "  progress DOUBLE PRECISION,\n"
    "  status TEXT NOT NULL,\n"
    "  evidence TEXT,\n"
    "  targets_hash TEXT NOT NULL,\n"
    "  rules_hash TEXT,\n"
    "  computed_at TEXT NOT NULL DEFAULT " NOW ",\n"
    "  UNIQUE(code, on_date, targets_hash, rules_hash));\n";

static const char m9_meeting[] =
    "CREATE TABLE IF NOT EXISTS meeting(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  team TEXT NOT NULL,\n"
    "  attendees TEXT,\n"
    "  minutes_ref TEXT,\n"
    "  recorded_at TEXT NOT NULL DEFAULT " NOW ",\n"
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
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  market_id BIGINT NOT NULL REFERENCES market(id) ON DELETE CASCADE,\n"
    "  item TEXT NOT NULL,\n"
    "  state TEXT NOT NULL CHECK(state IN ('planned','renovating','upgraded')),\n"
    "  year INTEGER,\n"
    "  note TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT " NOW ");\n"
    "CREATE INDEX IF NOT EXISTS market_facility_market ON market_facility(market_id, item);\n"
    "CREATE TABLE IF NOT EXISTS assessment(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  assessor TEXT NOT NULL,\n"
    "  rank INTEGER NOT NULL CHECK(rank >= 1),\n"
    "  of_n INTEGER NOT NULL CHECK(of_n >= rank),\n"
    "  source TEXT,\n"
    "  set_by TEXT NOT NULL,\n"
    "  set_at TEXT NOT NULL DEFAULT " NOW ");\n"
    "CREATE TABLE IF NOT EXISTS meeting_deleted(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  team TEXT NOT NULL,\n"
    "  attendees TEXT,\n"
    "  minutes_ref TEXT,\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  deleted_by TEXT NOT NULL,\n"
    "  reason TEXT NOT NULL,\n"
    "  deleted_at TEXT NOT NULL DEFAULT " NOW ");\n";

/* Version 11: the problem ledger (台账): finding, finding_event (its audit
 * trail), finding_milestone, report and report_event.  Triggers (one
 * plpgsql function raising the message it is given) refuse to delete or
 * change an audit row and to delete a finding, as SQLite's do. */
static const char m11_ledger[] =
    "CREATE TABLE IF NOT EXISTS report(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  date TEXT NOT NULL,\n"
    "  channel TEXT,\n"
    "  market_id BIGINT NOT NULL REFERENCES market(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  description TEXT,\n"
    "  reporter TEXT,\n"
    "  contact TEXT,\n"
    "  status TEXT NOT NULL,\n"
    "  verified_by TEXT,\n"
    "  verified_at TEXT,\n"
    "  reason TEXT,\n"
    "  reward DOUBLE PRECISION,\n"
    "  finding_id BIGINT,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS report_date ON report(date);\n"
    "CREATE TABLE IF NOT EXISTS report_event(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  report_id BIGINT NOT NULL REFERENCES report(id),\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  note TEXT);\n"
    "CREATE TABLE IF NOT EXISTS finding(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  source TEXT NOT NULL,\n"
    "  inspection_id BIGINT REFERENCES inspection(id) ON DELETE SET NULL,\n"
    "  import_id BIGINT,\n"
    "  report_id BIGINT REFERENCES report(id),\n"
    "  market_id BIGINT NOT NULL REFERENCES market(id),\n"
    "  item_id BIGINT REFERENCES item(id),\n"
    "  found TEXT NOT NULL,\n"
    "  kind TEXT,\n"
    "  inspector TEXT,\n"
    "  description TEXT,\n"
    "  deduction DOUBLE PRECISION,\n"
    "  severity TEXT NOT NULL,\n"
    "  deadline TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  chain TEXT,\n"
    "  accountable TEXT,\n"
    "  assigned TEXT,\n"
    "  recurs_id BIGINT REFERENCES finding(id),\n"
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
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  finding_id BIGINT NOT NULL REFERENCES finding(id),\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  from_status TEXT,\n"
    "  to_status TEXT,\n"
    "  note TEXT,\n"
    "  evidence TEXT,\n"
    "  deadline TEXT,\n"
    "  inspection_id BIGINT);\n"
    "CREATE INDEX IF NOT EXISTS finding_event_finding ON finding_event(finding_id, id);\n"
    "CREATE TABLE IF NOT EXISTS finding_milestone(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  finding_id BIGINT NOT NULL REFERENCES finding(id),\n"
    "  due TEXT NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  done TEXT);\n"
    "CREATE OR REPLACE FUNCTION cwsh_refuse() RETURNS trigger LANGUAGE plpgsql AS\n"
    "  $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;\n"
    "CREATE TRIGGER finding_event_kept BEFORE DELETE ON finding_event\n"
    "  FOR EACH ROW EXECUTE FUNCTION cwsh_refuse('the ledger''s audit trail is never deleted');\n"
    "CREATE TRIGGER finding_event_fixed BEFORE UPDATE ON finding_event\n"
    "  FOR EACH ROW EXECUTE FUNCTION cwsh_refuse('the ledger''s audit trail is never changed');\n"
    "CREATE TRIGGER finding_kept BEFORE DELETE ON finding\n"
    "  FOR EACH ROW EXECUTE FUNCTION cwsh_refuse('a finding is never deleted: it is withdrawn (已撤销)');\n"
    "CREATE TRIGGER report_event_kept BEFORE DELETE ON report_event\n"
    "  FOR EACH ROW EXECUTE FUNCTION cwsh_refuse('the reports'' audit trail is never deleted');\n";

/* Version 12 (m12_ledger_import): ledger_pending, written by the load
 * (pg_load.c) in the import's transaction; finding's indexes. */
static const char m12_ledger_import[] =
    "DROP INDEX IF EXISTS finding_recurs;\n"
    "DROP INDEX IF EXISTS finding_status;\n"
    "CREATE INDEX IF NOT EXISTS finding_status ON finding(status, market_id, deadline);\n"
    "CREATE TABLE IF NOT EXISTS ledger_pending(\n"
    "  import_id BIGINT PRIMARY KEY);\n";

/* Version 13 (m13_pending_replaces): the import a --replace deleted,
 * written by the load (sqlite_schema.c). */
static const char m13_pending_replaces[] =
    "ALTER TABLE ledger_pending ADD COLUMN IF NOT EXISTS replaces BIGINT;\n";

static const char *const migrations[] = { m1_tables, m2_views, m3_deadline, m4_vocabulary, m5_target_status,
                                          m6_unit_mark, m7_plan, m8_target_progress, m9_meeting,
                                          m10_upgrades_assessment, m11_ledger, m12_ledger_import,
                                          m13_pending_replaces };
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* The advisory lock's key: "cwsh" in ASCII, so other users of advisory
 * locks on the same server can tell it. */
#define LOCK_KEY "1668772712"

int pg_schema_current(void) { return NMIGRATIONS; }

int pg_schema_version(pg_conn *c, char **err)
{
    /* two steps: a query naming a missing table fails to parse, and
     * inside the migration's transaction that would abort it */
    PGresult *r = pg_conn_query(c, "SELECT to_regclass('cwsh_schema') IS NOT NULL", 0, NULL, err);
    if (!r) return -1;
    int have = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    if (!have) return 0;
    r = pg_conn_query(c, "SELECT coalesce(max(version), 0) FROM cwsh_schema", 0, NULL, err);
    if (!r) return -1;
    int v = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static char *refusal(pg_conn *c, int v)
{
    return pg_conn_fmt("database '%s' was made by a newer cwsh (schema version %d, this cwsh knows %d)",
                       c->name, v, NMIGRATIONS);
}

/* Steps from the version found under the lock up to `upto`, in one
 * transaction. */
static int migrate_locked(pg_conn *c, int upto, char **err)
{
    char *e = NULL;
    if (pg_conn_exec(c, "BEGIN; CREATE TABLE IF NOT EXISTS cwsh_schema(version INTEGER NOT NULL)", &e) != 0)
        goto fail;
    int v = pg_schema_version(c, &e);
    if (v < 0) goto fail;
    if (v > NMIGRATIONS) {
        pg_conn_exec(c, "ROLLBACK", &e);
        free(e);
        *err = refusal(c, v);
        return -1;
    }
    for (int next = v + 1; next <= upto; next++) {
        if (pg_conn_exec(c, migrations[next - 1], &e) != 0) {
            char *m = pg_conn_fmt("cannot upgrade database '%s' to schema version %d: %s", c->name, next, e);
            free(e);
            e = m;
            goto fail_worded;
        }
    }
    if (upto > v) {
        char q[128];
        snprintf(q, sizeof q, "DELETE FROM cwsh_schema; INSERT INTO cwsh_schema VALUES (%d)", upto);
        if (pg_conn_exec(c, q, &e) != 0) goto fail;
    }
    if (pg_conn_exec(c, "COMMIT", &e) != 0) goto fail;
    return 0;
fail:
    {
        char *m = pg_conn_fmt("cannot upgrade database '%s' to schema version %d: %s", c->name, upto, e);
        free(e);
        e = m;
    }
fail_worded:
    {
        char *e2 = NULL;
        pg_conn_exec(c, "ROLLBACK", &e2);
        free(e2);
    }
    *err = e;
    return -1;
}

int pg_schema_migrate(pg_conn *c, int upto, char **err)
{
    if (upto < 0 || upto > NMIGRATIONS) upto = NMIGRATIONS;
    /* a newer database is refused before we take any lock or write */
    int v = pg_schema_version(c, err);
    if (v < 0) {
        char *m = pg_conn_fmt("cannot open database '%s': %s", c->name, *err);
        free(*err);
        *err = m;
        return -1;
    }
    if (v > NMIGRATIONS) { *err = refusal(c, v); return -1; }
    if (v >= upto) return 0;
    char *e = NULL;
    if (pg_conn_exec(c, "SELECT pg_advisory_lock(" LOCK_KEY ")", &e) != 0) {
        *err = pg_conn_fmt("cannot upgrade database '%s': %s", c->name, e);
        free(e);
        return -1;
    }
    int rc = migrate_locked(c, upto, err);
    if (pg_conn_exec(c, "SELECT pg_advisory_unlock(" LOCK_KEY ")", &e) != 0) free(e);
    return rc;
}
