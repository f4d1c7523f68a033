#!/bin/sh
# domain.t — the vocabulary lives in the rules (rules/domain.lua): the
# default rules refuse a kind they do not declare; a broken scoring.lua
# does not stop imports, a broken domain.lua does, with its file:line; a
# database of schema version 2 (word lists in CHECKs) upgrades with its
# rows and then takes a kind the rules add.  The proof that a new kind
# and alias import and score with no C change is
# tests/transcripts/rules/recheck.*.
. tests/lib.sh
D="$FIX/domain"

run() {
    "$CWSH" "$@" >out.raw 2>&1
    rc=$?
    sed -e 's/ in [0-9][0-9.]* s/ in T s/' out.raw >out
    return $rc
}

# --- the default rules know no 复查 and no 待整改
scratch
cp "$D/recheck.csv" .
printf 'import recheck.csv --add-markets\n' | run t.db
is "$?" 1 "default rules: 复查 is refused"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
recheck.csv:4:7: kind "复查" is not one of 自查, 督查, 全面督查, 暗访, 考核
recheck.csv:7:7: kind "RECHECK" is not one of 自查, 督查, 全面督查, 暗访, 考核
recheck.csv:7:9: result "待整改" is not one of 合格, 不合格, 不适用 (pass, fail, na)
<stdin>:1: 2 bad rows (3 rows rejected with their inspections); nothing imported.  Bad rows are in recheck.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "default rules: the kinds listed are the vocabulary's"
cleanup_scratch

# --- a broken scoring.lua: no scores, but imports go on
scratch
cp -r "$ROOT/rules" rules
printf 'veto { "坏", when = function(i) return i:lost("A01") > 0 end\n' >>rules/scoring.lua
cp "$FIX/csv/long-zh.csv" .
printf 'import long-zh.csv --add-markets\n.mode list\nSELECT count(*) AS n FROM result;\nscore 2027-01\n' | run -rules rules t.db
is "$?" 1 "broken scoring.lua: the score fails"
cat >want <<'EOF2'
rules not loaded: rules/scoring.lua:26: '}' expected (to close '{' at line 25) near <eof>
mapping: long (UTF-8, 12 columns, CRLF)
added 2 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所)
imported 2 inspections (6 item results) from long-zh.csv in T s
opened 2 findings in the ledger (deadlines by rules/ledger.lua)
warning: deadlines in 2027 are on a provisional calendar (rules/calendar/2027.lua): 2027年放假通知尚未发布：仅含法定假日，无调休; replace it with the State Council's notice for 2027
n
6
<stdin>:4: no rules loaded: fix the rules and run .rules reload
EOF2
is_file want out "broken scoring.lua: the import needs only the checklist and the vocabulary"
is "$(sqlite3 t.db 'SELECT count(*) FROM item; SELECT group_concat(word || "=" || outcome, " ") FROM result_word')" "37
合格=pass 不合格=fail 不适用=na" "broken scoring.lua: the checklist and the result words are mirrored all the same"

# --- a broken checklist.lua too: nothing to check item codes against
printf 'item { "Z01" }\n' >>rules/checklist.lua
printf 'import long-zh.csv --replace\n' | run -rules rules t.db
is "$?" 1 "broken checklist.lua: the import fails"
is "$(tail -1 out)" "<stdin>:1: cannot import: rules/checklist.lua:77: item Z01 has no title" \
   "broken checklist.lua: the import names the rule file and line"
cleanup_scratch

# --- a broken domain.lua: named with its line
scratch
cp -r "$ROOT/rules" rules
sed -i 's/^unit { "所" }$/unit { "所", suffix = 3 }/' rules/domain.lua
cp "$FIX/csv/long-zh.csv" .
printf 'import long-zh.csv --add-markets\n' | run -rules rules t.db
is "$?" 1 "broken domain.lua: the import fails"
cat >want <<'EOF2'
rules not loaded: rules/domain.lua:38: unit 所: suffix must be a string
<stdin>:1: cannot import: rules/domain.lua:38: unit 所: suffix must be a string
EOF2
is_file want out "broken domain.lua: file:line and why"
cp "$ROOT/rules/domain.lua" rules/domain.lua
printf 'kind { "督查", weight = 2 }\n' >>rules/domain.lua
printf '.rules reload\n' | run -rules rules t.db
is "$(tail -1 out)" "the active rules stay: none" "a kind declared twice: the rules do not load"
is "$(head -1 out)" "rules not loaded: rules/domain.lua:45: kind 督查 is declared twice (first at line 24)" \
   "a kind declared twice: both lines named"
cp "$ROOT/rules/domain.lua" rules/domain.lua
printf 'result { "不及格", means = "fail" }\n' >>rules/domain.lua
run -rules rules t.db -c .rules
is "$(head -1 out)" "rules not loaded: rules/domain.lua:45: result 不及格: fail is already 不合格 (line 32)" \
   "a second word for one outcome: refused"
cp "$ROOT/rules/domain.lua" rules/domain.lua
printf 'kind { "复查", aliases = { "SELF" } }\n' >>rules/domain.lua
run -rules rules t.db -c .rules
is "$(head -1 out)" "rules not loaded: rules/domain.lua:45: kind word 'SELF' is already 自查 (line 23)" \
   "one word for two kinds (ASCII case ignored): refused"
cp "$ROOT/rules/domain.lua" rules/domain.lua
sed -i 's/^item_code .*/item_code "[A-Z"/' rules/domain.lua
printf 'import long-zh.csv --add-markets\n' | run -rules rules t.db
is "$(tail -1 out)" "<stdin>:1: cannot import: rules/domain.lua:40: item_code '[A-Z' is not a regular expression: Unmatched [, [^, [:, [., or [=" \
   "an item_code that is not a regular expression: refused at import"
cp "$ROOT/rules/domain.lua" rules/domain.lua
sed -i 's/^combine { method = "weighted" }/combine { method = "weighted", weights = { ["抽查"] = 2 } }/' rules/scoring.lua
run -rules rules t.db -c .rules
is "$(head -1 out)" "rules not loaded: rules/scoring.lua:18: combine: weight for '抽查', which is not an inspection kind (自查, 督查, 全面督查, 暗访, 考核)" \
   "combine: a weight for a kind the vocabulary lacks is refused"
cleanup_scratch

# --- a database of schema version 2: upgraded, rows kept, words free
scratch
sqlite3 old.db <"$D/v2.sql"
sqlite3 old.db "INSERT INTO inspection(date, market_id, kind) VALUES ('2027-01-08', 1, '复查')" 2>&1 \
    | grep -q "CHECK constraint failed: kind = '自查' OR kind = '督查'"
is "$?" 0 "version 2: its CHECK refuses a kind it does not list"
run old.db -c '.mode list' -c 'SELECT name, kind FROM unit ORDER BY id;' \
    -c 'SELECT market_code, unit_name, kind, inspector, item_code, result, deduction, count, note FROM v_result ORDER BY item_code;' \
    -c 'SELECT inspection_id, items, failed, deducted FROM v_inspection;' -c 'SELECT name, role FROM person;'
is "$?" 0 "version 2: opens"
cat >want <<'EOF2'
name|kind
城南所|所
高新分局|分局
market_code|unit_name|kind|inspector|item_code|result|deduction|count|note
M0003|城南所|督查|陈静|A01|不合格|2.0|2.0|积水
M0003|城南所|督查|陈静|A03|合格|0.0||
inspection_id|items|failed|deducted
1|2|1|2.0
name|role
陈静|干部
EOF2
is_file want out "version 2: every row kept, v_inspection counts failures through result_word"
"$CWSH" current.db "SELECT 1" >/dev/null 2>&1
cur=$(sqlite3 current.db 'PRAGMA user_version')
is "$cur" "$(sqlite3 old.db 'PRAGMA user_version')" "version 2: now at the current version ($cur)"
is "$(sqlite3 old.db "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%督查%' OR sql LIKE '%合格%' OR sql LIKE '%分局%'")" "0" \
   "version 4: no word of the vocabulary in the schema"
is "$(sqlite3 old.db 'PRAGMA foreign_key_check; PRAGMA integrity_check')" "ok" "version 4: keys and pages intact"
cp -r "$ROOT/rules" rules
cp "$D/recheck.lua" rules/domain.lua
cp "$D/recheck.csv" .
printf 'import recheck.csv --add-markets\n' | run -rules rules old.db
is "$?" 0 "version 4: a kind the rules add imports into the upgraded database"
is "$(sqlite3 old.db "SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT kind FROM inspection ORDER BY kind)")" "复查 督查" \
   "version 4: 复查 stored"
cleanup_scratch
done_testing
