#!/bin/sh
# csv-import.t — `import` and `.import` end to end through the sqlite
# store: long sheets with English and Chinese headers, a GB18030 wide sheet
# with a 合计 row, atomic failure, --skip-bad and the rejects round trip,
# duplicate refusal and --replace, the external generator's file, and the
# RFC 4180 edge cases through `.import`.  The checklist comes from
# tests/fixtures/csv/rules.lua so that these tests do not move with the
# default rules.
. tests/lib.sh
CSV="$FIX/csv"

# run [ARGS...]: cwsh on t.db with stdin; stdout+stderr in `out`, the time
# of the summary and the import date normalised, and the ledger's warning
# that the fixtures' 2027 deadlines are on the provisional calendar
# dropped (the calendar's tests check it).
run() {
    "$CWSH" "$@" t.db >out.raw 2>&1
    rc=$?
    sed -e 's/ in [0-9][0-9.]* s/ in T s/' -e 's/ (\([^,()]*\), [0-9-]* [0-9:]*); use/ (\1, DATE); use/' \
        -e '/^warning: deadlines in 2027 are on a provisional calendar/d' out.raw >out
    return $rc
}
q() { sqlite3 t.db "$1"; }
RULES='lua package.loaded.rules = dofile("fixtures/csv/rules.lua")'

# --- long, English headers; unknown markets refused, then added
scratch
cp "$CSV/long-en.csv" .
printf '%s\nimport long-en.csv\n' "$RULES" | run
is "$?" 1 "unknown markets: the import fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
<stdin>:2: 2 inspections name 2 unknown markets: M00001 城北市场 (line 2), M00002 健康路市场 (line 6); register them (markets import FILE, markets add) or import with --add-markets; nothing imported
EOF2
is_file want out "unknown markets: one line for all of them"
[ -e long-en.csv.rejects.csv ] && not_ok "unknown markets: no rejects file" || ok "unknown markets: no rejects file"
is "$(q 'SELECT count(*) FROM inspection; SELECT count(*) FROM market; SELECT count(*) FROM import')" "0
0
0" "atomic: nothing imported, not even the markets"
printf '%s\nimport long-en.csv --add-markets\n' "$RULES" | run
is "$?" 0 "--add-markets: imports"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
added 2 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所)
imported 2 inspections (6 item results) from long-en.csv in T s
opened 2 findings in the ledger (deadlines by rules/ledger.lua)
EOF2
is_file want out "long English: summary"
is "$(q "SELECT m.code, m.name, u.name FROM market m LEFT JOIN unit u ON u.id = m.unit_id ORDER BY m.code")" \
"M00001|城北市场|城东所
M00002|健康路市场|城西所" "markets added with their unit"
is "$(q "SELECT i.ext_id, i.date, m.code, i.kind, i.inspector, it.code, r.result, r.deduction, r.count, r.note
         FROM result r JOIN inspection i ON i.id = r.inspection_id JOIN market m ON m.id = i.market_id
         JOIN item it ON it.id = r.item_id ORDER BY i.ext_id, it.code")" \
"I1|2027-01-05|M00001|督查|张伟|A01|不合格|2.0|2.0|积水2处
I1|2027-01-05|M00001|督查|张伟|A02|合格|0.0|0.0|
I1|2027-01-05|M00001|督查|张伟|C02|不合格|1.5||熟食间无纱窗，
已责令整改
I2|2027-01-06|M00002|自查|王芳|A01|合格|0.0|0.0|
I2|2027-01-06|M00002|自查|王芳|A02|不合格|1.0|1.0|地面有垃圾1处，已责令整改
I2|2027-01-06|M00002|自查|王芳|A03|不适用|0.0|0.0|" "long English: the stored rows"

# --- the same file again: refused by its hash; --replace swaps its rows
printf '%s\nimport long-en.csv\n' "$RULES" | run
is "$?" 1 "same content again: refused"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
<stdin>:2: file already imported: import #1 (long-en.csv, DATE); use --replace to swap its rows
EOF2
is_file want out "refusal names the earlier import"
cp long-en.csv renamed.csv
printf '%s\nimport renamed.csv\n' "$RULES" | run
is "$?" 1 "a renamed copy is the same content"
printf '%s\nimport renamed.csv --replace\n' "$RULES" | run
is "$?" 0 "--replace imports"
is "$(q 'SELECT count(*) FROM inspection; SELECT count(*) FROM result; SELECT count(*), max(file) FROM import')" "2
6
1|renamed.csv" "--replace swapped the rows: no duplicates"
grep -qx "replacing import #1 (long-en.csv)" out; is "$?" 0 "--replace says which import it replaces"
# a sheet corrected after its import: the same name, other bytes
sed -i 's/,不合格,2,2,积水2处/,不合格,3,3,积水3处/' renamed.csv
printf '%s\nimport renamed.csv\n' "$RULES" | run
is "$?" 1 "a corrected sheet without --replace: refused"
is 2 "$(grep -c 'is already in the database: import #2 (renamed.csv, [0-9-]*); --replace swaps that import for this file$' out)" \
    "its inspections are in the database: the message says --replace"
printf '%s\nimport renamed.csv --replace\n' "$RULES" | run
is "$?" 0 "a corrected sheet with --replace: imported"
grep -qx "replacing import #2 (renamed.csv)" out; is "$?" 0 "it replaces the import of the same file"
is "$(q "SELECT count(*) FROM inspection; SELECT group_concat(r.deduction) FROM result r JOIN item it ON it.id = r.item_id
         WHERE it.code = 'A01'; SELECT count(*), max(id) FROM import")" "2
3.0,0.0
1|3" "the corrected rows replaced the earlier ones"
cleanup_scratch

# --- long, Chinese headers, BOM, CRLF, other spellings: the same data
scratch
cp "$CSV/long-zh.csv" .
printf '%s\nimport long-zh.csv --add-markets\n' "$RULES" | run
is "$?" 0 "long Chinese: imports"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, CRLF)
added 2 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所)
imported 2 inspections (6 item results) from long-zh.csv in T s
opened 2 findings in the ledger (deadlines by rules/ledger.lua)
EOF2
is_file want out "long Chinese: summary"
is "$(q "SELECT i.ext_id, i.date, it.code, r.result, r.deduction, ifnull(r.count, '-')
         FROM result r JOIN inspection i ON i.id = r.inspection_id JOIN item it ON it.id = r.item_id
         ORDER BY i.ext_id, it.code")" \
"I1|2027-01-05|A01|不合格|2.0|2.0
I1|2027-01-05|A02|合格|0.0|0.0
I1|2027-01-05|C02|不合格|1.5|-
I2|2027-01-06|A01|合格|0.0|0.0
I2|2027-01-06|A02|不合格|1.0|1.0
I2|2027-01-06|A03|不适用|0.0|-" "long Chinese: 2027/1/5, 2027年1月6日, ×/√/是/否/na, full-width numbers"
cleanup_scratch

# --- wide GB18030 sheet, CRLF, 合计 row
scratch
cp "$CSV/wide-gb18030.csv" wide.csv
printf '%s\nimport wide.csv --add-markets\n' "$RULES" | run
is "$?" 0 "wide GB18030: imports"
cat >want <<'EOF2'
mapping: wide (GB18030, 13 columns, CRLF)
wide.csv:1:9: warning: column 9 "C02 防蝇设施完好（熟食"三防"）" is item C02, whose title in the checklist is "防蝇设施完好"
wide.csv:5: skipped a summary row
added 3 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所), M00003 解放市场 (城南所)
imported 3 inspections (12 item results) from wide.csv in T s
opened 4 findings in the ledger (deadlines by rules/ledger.lua)
EOF2
is_file want out "wide: summary row skipped with a notice"
is "$(q "SELECT m.name, i.date, i.kind, i.inspector, ifnull(i.note, ''), group_concat(it.code || '=' || r.result || r.deduction, ' ')
         FROM inspection i JOIN market m ON m.id = i.market_id JOIN result r ON r.inspection_id = i.id
         JOIN item it ON it.id = r.item_id GROUP BY i.id ORDER BY i.id")" \
"城北市场|2027-01-05|督查|张伟|积水2处，熟食间无纱窗|A01=不合格2.0 A02=合格0.0 C02=不合格1.5 F04=合格0.0
健康路市场|2027-01-05|督查|王芳||A01=合格0.0 A02=不合格1.0 C02=合格0.0 F04=不适用0.0
解放市场|2027-01-06|督查|李娜|过期商品|A01=合格0.0 A02=合格0.0 C02=合格0.0 F04=不合格4.0" "wide: the stored inspections"
is "$(q 'SELECT encoding, mapping, rows_ok FROM import')" "GB18030|wide|3" "wide: import recorded"
is "$(q 'SELECT deadline FROM inspection ORDER BY id')" "3天
当日
立行立改" "wide: 整改期限 kept as the sheet words it"
cleanup_scratch

# --- wide: 扣分合计 against the items, titles against the checklist, a
# 问题描述 that names items split among them
scratch
cp "$CSV/long-en.csv" .
{ printf '序号,检查日期,市场编号,市场名称,所属单位,检查人员,A01 地面平整无积水,A02 地面摊位,B02,扣分合计,问题描述,整改期限\n'
  printf '1,2027-02-05,M00001,城北市场,城东所,张伟,2,,1,3,A01地面积水2处；B02 私拉电线1处，限期3日整改；门口堆物,2027/1/8\n'
  printf '2,2027-02-06,M00002,健康路市场,城西所,王芳,1,1,,3,,当日\n'; } >sheet.csv
printf '%s\nimport long-en.csv --add-markets\nimport sheet.csv\n' "$RULES" | run
is "$?" 1 "wide: a total that is not the items' sum fails the import"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
added 2 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所)
imported 2 inspections (6 item results) from long-en.csv in T s
opened 2 findings in the ledger (deadlines by rules/ledger.lua)
mapping: wide (UTF-8, 12 columns, LF)
sheet.csv:1:8: warning: column 8 "A02 地面摊位" is item A02, whose title in the checklist is "地面摊位整洁无垃圾杂物"
sheet.csv:3:10: total deduction 3 is not the sum of the item deductions, 2
<stdin>:3: 1 bad row; nothing imported.  Bad rows are in sheet.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "wide: the title warning names the column; the total's error names both numbers"
printf '%s\nimport sheet.csv --skip-bad\n' "$RULES" | run
is "$?" 0 "wide: --skip-bad imports the good row"
is "$(q "SELECT it.code, r.result, r.deduction, ifnull(r.note, '-') FROM result r JOIN item it ON it.id = r.item_id
         JOIN inspection i ON i.id = r.inspection_id WHERE i.import_id = 2 ORDER BY it.code")" \
"A01|不合格|2.0|地面积水2处
A02|合格|0.0|-
B02|不合格|1.0|私拉电线1处，限期3日整改" "wide: each item named in 问题描述 gets its part as its note"
is "$(q "SELECT note FROM inspection WHERE import_id = 2")" "A01地面积水2处；B02 私拉电线1处，限期3日整改；门口堆物" \
    "wide: the whole 问题描述 stays the inspection's note"
is "$(q "SELECT deadline FROM inspection WHERE import_id = 2")" "2027-01-08" "wide: a 整改期限 date is kept as a date"
cleanup_scratch

# --- bad rows: atomic, then --skip-bad, then the fixed rejects file
scratch
cp "$CSV/bad/23-three-bad-rows.csv" three.csv
cp "$CSV/long-en.csv" .
printf '%s\nimport three.csv --add-markets\n' "$RULES" | run
is "$?" 1 "bad rows: the import fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
three.csv:2:8: item "A99" is not in the checklist
three.csv:4:10: deduction "x" is not a number
three.csv:6:7: kind "巡查" is not one of 自查, 督查, 全面督查, 暗访, 考核
<stdin>:2: 3 bad rows (6 rows rejected with their inspections); nothing imported.  Bad rows are in three.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "bad rows: every error, then the summary"
is "$(q 'SELECT count(*) FROM inspection; SELECT count(*) FROM import')" "0
0" "bad rows: nothing imported"
is "$(wc -l <three.csv.rejects.csv | tr -d ' ')" 7 "rejects file: header and the six rows of the two bad inspections"
printf '%s\nimport three.csv --add-markets --skip-bad\n' "$RULES" | run
is "$?" 1 "--skip-bad that imports nothing fails (a -bail script stops)"
is "$(tail -1 out)" "<stdin>:2: nothing imported from three.csv: every row was rejected (6 rows); they are in three.csv.rejects.csv" "--skip-bad: says nothing was imported"
is "$(q 'SELECT count(*) FROM import; SELECT count(*) FROM market')" "0
0" "--skip-bad with every row rejected keeps nothing, not even the file's record"
# fix the three bad rows in the rejects file and import it
sed -e 's/A99/A01/' -e 's/合格,x,/合格,0,/' -e 's/巡查/自查/' three.csv.rejects.csv >fixed.csv
# a rejects file that is still wrong: its reason column is replaced, not added
sed -e 's/A99/A01/' -e 's/合格,x,/合格,0,/' three.csv.rejects.csv >half.csv
printf '%s\nimport half.csv --skip-bad --add-markets\n' "$RULES" | run
cat >want <<'EOF2'
inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note,reason
I2,2027-01-06,M00002,健康路市场,城西所,王芳,自查,A01,合格,0,0,,"inspection has a bad row at line 6"
I2,2027-01-06,M00002,健康路市场,城西所,王芳,巡查,A02,不合格,1,1,"地面有垃圾1处，已责令整改","kind ""巡查"" is not one of 自查, 督查, 全面督查, 暗访, 考核"
I2,2027-01-06,M00002,健康路市场,城西所,王芳,自查,A03,不适用,0,0,,"inspection has a bad row at line 6"
EOF2
is_file want half.csv.rejects.csv "re-rejected rows get a fresh reason column"
sqlite3 t.db "DELETE FROM result; DELETE FROM inspection; DELETE FROM import"
printf '%s\nimport fixed.csv --add-markets\n' "$RULES" | run
is "$?" 0 "fixed rejects file imports"
is "$(tail -1 out)" "imported 2 inspections (6 item results) from fixed.csv in T s" "fixed rejects: summary (reason column ignored)"
is "$(q 'SELECT count(*), sum(deduction) FROM result')" "6|3.0" "rejects round trip: totals of the corrected sheet"
cleanup_scratch

# --- the external generator's file (market names repeat across codes,
#     notes quoted with full-width commas)
GEN="$ROOT/../shared/tools/gen_inspections.py"
[ -f "$GEN" ] || GEN=/work/shared/tools/gen_inspections.py
if [ -f "$GEN" ] && command -v python3 >/dev/null; then
    scratch
    python3 "$GEN" 20 8 >x.csv
    printf '%s\nimport x.csv --add-markets\n' "$RULES" | run
    is "$?" 0 "generator's file imports with --add-markets"
    rows=$(($(wc -l <x.csv) - 1))
    is "$(q 'SELECT count(*) FROM result')" "$rows" "every generated row is an item result"
    is "$(q 'SELECT count(*) FROM market')" 20 "20 markets by code though names repeat"
    is "$(q "SELECT count(*) FROM result WHERE note LIKE '%，已责令整改'")" \
       "$(grep -c '，已责令整改"$' x.csv)" "quoted notes with full-width commas kept whole"
    cleanup_scratch
else
    ok "# SKIP generator not available"
fi

# --- .import: RFC 4180 cases into plain tables
scratch
cp "$CSV"/rfc/*.csv .
imp() { printf '.import %s\n' "$*" | run; }
imp quotes.csv t1
is "$(q "SELECT name || '|' || note FROM t1")" 'a, b|say "hi"
multi
line|x' ".import: quoted delimiter, doubled quotes, embedded newline"
imp crlf.csv t2
is "$(q "SELECT hex(name), note FROM t2")" "6C310D0A6C32|x
79|z" ".import: CRLF, quoted CRLF kept"
imp bom.csv t3
is "$(q "SELECT name FROM pragma_table_info('t3')")" "名称
备注" ".import: BOM skipped, Chinese column names as written"
imp empty.csv t4
is "$(cat out)" "<stdin>:1: empty.csv: the file is empty (no header row)" ".import: empty file is an error"
imp header-only.csv t5
is "$(q "SELECT count(*) FROM t5; SELECT group_concat(name) FROM pragma_table_info('t5')")" "0
a,b,c" ".import: header only creates the table"
imp no-final-newline.csv t6
is "$(q "SELECT a || b FROM t6")" "12
34" ".import: missing final newline"
imp blank-lines.csv t7
is "$(q "SELECT a || b FROM t7")" "12
34" ".import: blank lines and empty rows skipped"
imp semicolon.csv t8
is "$(q "SELECT a || '/' || b FROM t8")" "1,5/2" ".import: ; sniffed"
imp tab.csv t9
is "$(q "SELECT a || '/' || b FROM t9")" "x y/2" ".import: tab sniffed"
imp pipe.csv t10
is "$(q "SELECT a || '/' || b FROM t10")" "1/2" ".import: | sniffed"
imp pipe.csv t10
is "$(q "SELECT count(*) FROM t10")" 2 ".import: appends to an existing table"
printf 'a,b\n1,2\n3\n' >ragged.csv
imp ragged.csv t11
cat >want <<'EOF2'
ragged.csv:3:2: row has 1 fields, header has 2
<stdin>:1: 1 bad row; nothing imported.  Bad rows are in ragged.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out ".import: ragged row, atomic"
is "$(q "SELECT count(*) FROM sqlite_schema WHERE name = 't11'")" 0 ".import: atomic, not even the table"
printf 'x;y\n#;skip me\na;b\n1;2\n' >skip.csv
imp skip.csv t12 --skip 2 --delimiter ';'
is "$(q "SELECT a || b FROM t12")" "12" ".import --skip N --delimiter"
iconv -f UTF-8 -t GB18030 >gb.csv <<'EOF2'
市场,备注
城北市场,积水
EOF2
imp gb.csv t13
is "$(q "SELECT 市场 || 备注 FROM t13")" "城北市场积水" ".import: GB18030 detected"
imp gb.csv t14 --encoding UTF-8
is "$(cat out)" "<stdin>:1: gb.csv:1:1: invalid UTF-8 byte 0xCA at byte offset 0" ".import --encoding forces, invalid bytes are errors"
cleanup_scratch

# --- a broken mapping file is named with its line
scratch
cp -R "$ROOT/rules" myrules
printf '\n\nmapping {\n  name = "x", layout = "long",\n  fields = { foo = "bar" },\n}\n' >myrules/mappings/x.lua
cp "$CSV/long-en.csv" .
printf 'import long-en.csv\n' | run --rules myrules
is "$(cat out)" "<stdin>:1: cannot load the import mappings: myrules/mappings/x.lua:3: mapping 'x': unknown field 'foo' (fields: inspection_id, date, market_code, market_name, unit, inspector, kind, item_code, result, deduction, count, note, total, deadline)" \
   "broken mapping: file and line of the mapping call"
printf 'mapping { name = "long", layout = "wide", fields = {} }\n' >myrules/mappings/x.lua
printf 'import long-en.csv\n' | run --rules myrules
is "$(cat out)" "<stdin>:1: cannot load the import mappings: myrules/mappings/x.lua:1: mapping 'long' is defined twice (also in long.lua)" \
   "broken mapping: a name used twice"
# found by fuzz_dsl: the file's body ran under the import's limit only,
# an error without a position did not say which file, a default that is
# not a string was passed over
printf 'while true do end\n' >myrules/mappings/x.lua
printf 'import long-en.csv\n' | run --rules myrules
is "$(cat out)" "<stdin>:1: cannot load the import mappings: myrules/mappings/x.lua:1: instruction budget exceeded (1000000 instructions)" \
   "broken mapping: a loop stops at the rule budget, at its line"
printf 'error("no such sheet", 0)\n' >myrules/mappings/x.lua
printf 'import long-en.csv\n' | run --rules myrules
is "$(cat out)" "<stdin>:1: cannot load the import mappings: myrules/mappings/x.lua: no such sheet" \
   "broken mapping: an error without a position names the file"
printf 'mapping { name = "x", layout = "long", fields = { date = "d" }, defaults = { kind = { "督查" } } }\n' >myrules/mappings/x.lua
printf 'import long-en.csv\n' | run --rules myrules
is "$(cat out)" "<stdin>:1: cannot load the import mappings: myrules/mappings/x.lua:1: mapping 'x': defaults.kind must be a string, not a table" \
   "broken mapping: a default is a string"
cleanup_scratch

# --- what Excel adds around a sheet: a title row above the header, and
# trailing columns without a header (",," on every line)
scratch
{ printf '城东所2027年1月督查汇总表,,,,,,,,,,,,,\n'
  sed -e '1s/$/,,/' -e '2,$s/$/,,/' "$CSV/long-en.csv" | sed '3s/,,$//'; } >excel.csv
printf '%s\nimport excel.csv --add-markets\n' "$RULES" | run
is "$?" 0 "title row and unnamed columns: imports"
cat >want <<'EOF2'
excel.csv:1: skipped a title row above the header
mapping: long (UTF-8, 14 columns, LF)
added 2 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所)
imported 2 inspections (6 item results) from excel.csv in T s
opened 2 findings in the ledger (deadlines by rules/ledger.lua)
EOF2
is_file want out "title row and unnamed columns: notice and summary"
is "$(q 'SELECT count(*) FROM result')" 6 "title row and unnamed columns: every result stored"
# a value under a column without a header would be lost: the row is bad
{ printf 'inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note,\n'
  printf 'I9,2027-01-07,M00001,城北市场,城东所,张伟,督查,A01,不合格,1,1,积水1处,见附件\n'; } >stray.csv
printf '%s\nimport stray.csv\n' "$RULES" | run
is "$?" 1 "a value in an unnamed column: the import fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 13 columns, LF)
stray.csv:2:13: value "见附件" in column 13, which has no header
<stdin>:2: 1 bad row; nothing imported.  Bad rows are in stray.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "a value in an unnamed column: exact message"
printf 'city report 2027\n' >title-only.csv
printf '%s\nimport title-only.csv\n' "$RULES" | run
is "$(cat out)" "title-only.csv:1: skipped a title row above the header
<stdin>:2: title-only.csv: no header row after the title" "a title and no header: said so"
cleanup_scratch

# --- a sheet without market codes: names decide, a shared name is refused
scratch
printf '%s\n' "INSERT INTO market(code, name) VALUES ('M1', '城北市场'), ('M3', '解放市场'), ('M9', '解放市场');" >m.sql
{ printf 'date,market_name,kind,item_code,result,deduction\n'
  printf '2027-01-05,城北市场,督查,A01,不合格,1\n2027-01-06,解放市场,督查,A01,不合格,1\n2027-01-07,新市场,督查,A01,合格,0\n'; } >names.csv
printf '%s\n.read m.sql\nimport names.csv --add-markets\n' "$RULES" | run
is "$?" 1 "no code column: a shared name fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 6 columns, LF)
names.csv:3:2: market name "解放市场" belongs to more than one market; the sheet must give the code (市场编号)
<stdin>:3: 1 bad row; nothing imported.  Bad rows are in names.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "no code column: exact messages"
cleanup_scratch

# --- a station's sheet without codes into an empty register: the unknown
# markets in one line each (no rejects file: the register lacks them, the
# rows are fine), then --add-markets registers them with the first free
# codes and their station from 所属单位; a unit against the register is a
# bad row naming both; an earlier run's rejects file goes once the file
# imports
scratch
{ printf '检查日期,市场名称,所属单位,检查人员,检查类型,检查项目,检查结果,扣分\n'
  printf '2027-01-05,城北市场,城东所,张伟,督查,A01,不合格,2\n2027-01-05,城北市场,城东所,张伟,督查,A02,合格,0\n'
  printf '2027-01-06,健康路市场,城西所,王芳,自查,A01,合格,0\n2027-01-07,解放市场,城南所,李娜,督查,A01,合格,0\n'
  printf '2027-01-08,解放市场,城南所,李娜,督查,A01,合格,0\n2027-01-09,解放市场,城南所,李娜,督查,A01,合格,0\n'; } >nocode.csv
printf '%s\nimport nocode.csv\n' "$RULES" | run
is "$?" 1 "no codes, empty register: the import fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 8 columns, LF)
<stdin>:2: 5 inspections name 3 unknown markets: 城北市场 (line 2), 健康路市场 (line 4), 解放市场 (line 5); register them (markets import FILE, markets add) or import with --add-markets; nothing imported
EOF2
is_file want out "unknown markets: once per market, with the count of inspections"
[ -e nocode.csv.rejects.csv ] && not_ok "unknown markets only: no rejects file" || ok "unknown markets only: no rejects file"
printf '%s\nimport nocode.csv --skip-bad\n' "$RULES" | run
is "$?" 1 "--skip-bad with every market unknown: fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 8 columns, LF)
nocode.csv: 5 inspections name 3 unknown markets: 城北市场 (line 2), 健康路市场 (line 4), 解放市场 (line 5); register them (markets import FILE, markets add) or import with --add-markets
<stdin>:2: nothing imported from nocode.csv: every row was rejected (6 rows)
EOF2
is_file want out "--skip-bad, nothing imported: said so, no rejects file named"
[ -e nocode.csv.rejects.csv ] && not_ok "--skip-bad, unknown markets only: no rejects file" || ok "--skip-bad, unknown markets only: no rejects file"
echo stale >nocode.csv.rejects.csv
printf '%s\nmarkets add M0001 城北市场 --station 城东所\nimport nocode.csv --add-markets\n' "$RULES" | run
is "$?" 0 "--add-markets on a sheet without codes: imports"
cat >want <<'EOF2'
added market M0001 城北市场 (城东所)
mapping: long (UTF-8, 8 columns, LF)
added 2 markets to the register: M0002 健康路市场 (城西所), M0003 解放市场 (城南所)
imported 5 inspections (6 item results) from nocode.csv in T s
opened 1 finding in the ledger (deadlines by rules/ledger.lua)
EOF2
is_file want out "--add-markets: how many markets and which codes"
is "$(q "SELECT m.code, m.name, u.name, u.kind FROM market m LEFT JOIN unit u ON u.id = m.unit_id ORDER BY m.code")" \
"M0001|城北市场|城东所|所
M0002|健康路市场|城西所|所
M0003|解放市场|城南所|所" "the new markets got the first free codes and their station from 所属单位"
is "$(q "SELECT m.code, count(*) FROM inspection i JOIN market m ON m.id = i.market_id GROUP BY m.code")" \
"M0001|1
M0002|1
M0003|3" "their inspections are on them"
[ -e nocode.csv.rejects.csv ] && not_ok "the stale rejects file is removed" || ok "the stale rejects file is removed"
{ printf '检查日期,市场名称,所属单位,检查人员,检查类型,检查项目,检查结果,扣分\n'
  printf '2027-02-05,城北市场,城西所,张伟,督查,A01,不合格,2\n2027-02-06,新市场,城北所,王芳,督查,A01,合格,0\n'; } >contra.csv
printf '%s\nimport contra.csv --add-markets\n' "$RULES" | run
is "$?" 1 "a unit against the register: the import fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 8 columns, LF)
contra.csv:2:3: unit "城西所" contradicts the register: market 城北市场 belongs to 城东所
<stdin>:2: 1 bad row; nothing imported.  Bad rows are in contra.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "a unit against the register: a bad row naming both"
is "$(q 'SELECT count(*) FROM market')" 3 "a failed import registers no market"
cleanup_scratch

# --- every problem of a bad row, each with its column; --skip-bad that
# imports nothing stops a -bail script
scratch
cp "$CSV/long-en.csv" .
{ printf 'inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note\n'
  printf 'I1,2027-13-05,M00001,城北市场,城东所,张伟,巡查,A01,好,x,-1,\n'; } >allbad.csv
printf '%s\nimport long-en.csv --add-markets\nimport allbad.csv\n' "$RULES" | run
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
added 2 markets to the register: M00001 城北市场 (城东所), M00002 健康路市场 (城西所)
imported 2 inspections (6 item results) from long-en.csv in T s
opened 2 findings in the ledger (deadlines by rules/ledger.lua)
mapping: long (UTF-8, 12 columns, LF)
allbad.csv:2:2: date "2027-13-05" is not a valid date
allbad.csv:2:7: kind "巡查" is not one of 自查, 督查, 全面督查, 暗访, 考核
allbad.csv:2:9: result "好" is not one of 合格, 不合格, 不适用 (pass, fail, na)
allbad.csv:2:10: deduction "x" is not a number
allbad.csv:2:11: count "-1" is negative
<stdin>:3: 1 bad row; nothing imported.  Bad rows are in allbad.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "every problem of the row is listed, in column order"
is "$(tail -1 allbad.csv.rejects.csv)" 'I1,2027-13-05,M00001,城北市场,城东所,张伟,巡查,A01,好,x,-1,,"date ""2027-13-05"" is not a valid date; kind ""巡查"" is not one of 自查, 督查, 全面督查, 暗访, 考核; result ""好"" is not one of 合格, 不合格, 不适用 (pass, fail, na); deduction ""x"" is not a number; count ""-1"" is negative"' \
    "the rejects file's reason lists them all"
printf '%s\nimport allbad.csv --skip-bad\n.print not reached\n' "$RULES" | run -bail
is "$?" 1 "-bail: --skip-bad that imports nothing exits 1"
is "$(grep -c 'not reached' out)" 0 "-bail: the script stops there"
is "$(tail -1 out)" "<stdin>:2: nothing imported from allbad.csv: every row was rejected (1 row); they are in allbad.csv.rejects.csv" \
    "--skip-bad, nothing imported: the message"
cleanup_scratch

# --- file-level problems: FILE:LINE:, a binary file, the 8 MB record limit
scratch
printf 'PK\003\004\000\000\010\000binary' >sheet.csv
printf '%s\nimport sheet.csv\n' "$RULES" | run
is "$?" 1 "a binary file: the import fails"
is "$(cat out)" '<stdin>:2: sheet.csv: not a text file (a zero byte at offset 4); save the sheet as "CSV UTF-8" or "CSV" and import that' \
    "a binary file is not a text file"
{ printf 'inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note\n'
  printf 'I1,2027-01-05,M1,x,y,z,督查,A01,合格,0,0,ok\nI2,2027-01-05,M1,x,y,z,督查,A01,合格,0,0,"never closed'
  head -c 8400000 /dev/zero | tr '\0' 'a'; } >unbalanced.csv
printf '%s\nimport unbalanced.csv\n' "$RULES" | run
is "$?" 1 "a record over 8 MB: the import fails"
is "$(tail -1 out)" '<stdin>:2: unbalanced.csv:3: record longer than 8 MB (an unbalanced quote?)' \
    "a record over 8 MB: FILE:LINE: where it starts"
printf '.import unbalanced.csv t\n' | run
is "$(cat out)" '<stdin>:1: unbalanced.csv:3: record longer than 8 MB (an unbalanced quote?)' ".import: the same"
cleanup_scratch

# --- an inspection imported twice: from another file with the same
# inspections (a cumulative sheet), rows of one inspection not together,
# a row pasted twice in a wide sheet
scratch
cp "$CSV/long-en.csv" first.csv
printf '%s\nimport first.csv --add-markets\n' "$RULES" | run
{ cat "$CSV/long-en.csv"
  printf 'I3,2027-01-12,M00001,城北市场,城东所,张伟,督查,A01,合格,0,0,\n'; } >cumulative.csv
printf '%s\nimport cumulative.csv\n' "$RULES" | run
is "$?" 1 "inspections already in the database: the import fails"
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
cumulative.csv:2:2: inspection of M00001 on 2027-01-05 (督查, 张伟) is already in the database: import #1 (first.csv, DATE)
cumulative.csv:6:2: inspection of M00002 on 2027-01-06 (自查, 王芳) is already in the database: import #1 (first.csv, DATE)
<stdin>:2: 2 bad rows (6 rows rejected with their inspections); nothing imported.  Bad rows are in cumulative.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
sed -i "s/, [0-9-]*)$/, DATE)/" out
is_file want out "inspections already in the database: named with their import"
printf '%s\nimport cumulative.csv --skip-bad\n' "$RULES" | run
is "$?" 0 "--skip-bad imports only the new inspection"
is "$(q "SELECT ext_id FROM inspection ORDER BY id")" "I1
I2
I3" "a cumulative sheet adds only what is new"
# the same inspections under other ids are still two: ids decide when both have one
sed 's/^I\([0-9]\)/J\1/' "$CSV/long-en.csv" >otherids.csv
printf '%s\nimport otherids.csv\n' "$RULES" | run
is "$?" 0 "other ids: other inspections"
is "$(q 'SELECT count(*) FROM inspection')" 5 "other ids: stored beside the first ones"
# rows of one inspection apart: the second group is refused, with a hint
{ head -5 "$CSV/long-en.csv"; sed -n 6,8p "$CSV/long-en.csv"
  printf 'I1,2027-01-05,M00001,城北市场,城东所,张伟,督查,A03,合格,0,0,\n'; } >apart.csv
rm -f t.db*
printf '%s\nimport apart.csv --add-markets\n' "$RULES" | run
cat >want <<'EOF2'
mapping: long (UTF-8, 12 columns, LF)
apart.csv:9:2: inspection of M00001 on 2027-01-05 (督查, 张伟) already began at line 2: keep an inspection's rows together, and each inspection once
<stdin>:2: 1 bad row; nothing imported.  Bad rows are in apart.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
EOF2
is_file want out "an inspection's rows apart: refused at the second group"
cleanup_scratch

# --- completion of the plugin's commands (mappings.lua)
scratch
printf '%s\n' 'lua print(table.concat(cwsh.complete("import x.csv --mapping ", ""), ","))' \
    'lua print(cwsh.complete("import ", "lo"))' \
    'lua print(table.concat(cwsh.complete("import x.csv ", "--"), ","))' \
    'CREATE TABLE 名录(a);' \
    'lua print(table.concat(cwsh.complete(".import x.csv ", ""), ","))' | run
tables=$(sed -n 4p out)
sed -i 4d out
cat >want <<'EOF2'
long,wide
files
--mapping,--encoding,--delimiter,--skip-bad,--replace,--add-markets
EOF2
is_file want out "completion: mapping names, files, options"
case ",$tables," in
    *,inspection,*名录,*) case ",$tables," in *,id,*) not_ok "completion: .import TABLE offers columns: $tables" ;;
                                               *) ok "completion: .import offers table names" ;; esac ;;
    *) not_ok "completion: .import TABLE: $tables" ;;
esac
cleanup_scratch

# --- a market's code and name: the code decides, the name must agree
scratch
cp "$CSV/long-en.csv" first.csv
printf '%s\nimport first.csv --add-markets\nmarkets alias M00001 城北\n' "$RULES" | run
H=$(head -1 first.csv)
{ echo "$H"; echo "I7,2027-02-01,M00001,健康路市场,城东所,张伟,督查,A01,合格,0,0,"; } >other.csv
printf '%s\nimport other.csv\n' "$RULES" | run
is "$?" 1 "a name that is another market's: refused"
is "$(sed -n 2p out)" 'other.csv:2:4: market name "健康路市场" contradicts the register: M00001 is 城北市场, and 健康路市场 is M00002' \
    "the bad row names both markets"
{ echo "$H"; echo "I8,2027-02-02,M00001,城北,城东所,张伟,督查,A01,合格,0,0,"
  echo "I9,2027-02-03,M00001,城北农贸市场,城东所,张伟,督查,A01,合格,0,0,"
  echo "I10,2027-02-04,M00001,城北农贸市场,城东所,张伟,督查,A01,合格,0,0,"; } >spell.csv
printf '%s\nimport spell.csv\n' "$RULES" | run
is "$?" 0 "an alias, or a spelling the register does not know: imported by the code"
is "$(grep -c 'names it' out)" 1 "the unknown spelling is said once a market"
grep -qx 'spell.csv:3: market M00001 is 城北市场 in the register; the sheet names it 城北农贸市场 (taken by its code; `markets alias M00001 城北农贸市场` records that spelling)' out
is "$?" 0 "with the way to record it"
is "$(q "SELECT count(*) FROM inspection WHERE market_id = (SELECT id FROM market WHERE code = 'M00001')")" 4 \
    "the three are the code's market's"
long=$(printf 'M%0200d' 0)
{ echo "$H"; echo "I11,2027-02-05,$long,长码市场,城东所,张伟,督查,A01,合格,0,0,"; } >longcode.csv
printf '%s\nimport longcode.csv --add-markets\n' "$RULES" | run
is "$?" 1 "a market code over 127 bytes: refused"
is "$(sed -n 2p out)" "longcode.csv:2:3: market code is 201 bytes long (at most 127)" "not cut to 127 bytes"
cleanup_scratch

# --- the rejects file: in place only when complete, an edited one kept
scratch
cp "$CSV/bad/23-three-bad-rows.csv" r.csv
printf '%s\nimport r.csv --add-markets\n' "$RULES" | run
sed -i 's/,A99,/,A01,/' r.csv.rejects.csv
cp r.csv.rejects.csv edited
printf '%s\nimport r.csv --add-markets\n' "$RULES" | run
grep -qx 'the earlier r.csv.rejects.csv was not this import'"'"'s: kept as r.csv.rejects.csv~' out
is "$?" 0 "importing the sheet again keeps a rejects file edited since: the message"
cmp -s edited r.csv.rejects.csv~; is "$?" 0 "the edited rejects file is kept as FILE~"
rm r.csv.rejects.csv~
printf '%s\nimport r.csv --add-markets\n' "$RULES" | run
is "$(grep -c 'kept as' out; ls r.csv.rejects.csv~ 2>/dev/null)" 0 "the same rejects again: replaced without a copy"
rm r.csv.rejects.csv && mkdir r.csv.rejects.csv
printf '%s\nimport r.csv --add-markets\n' "$RULES" | run
is "$(tail -1 out)" "<stdin>:2: 3 bad rows (6 rows rejected with their inspections); nothing imported.  No rejects file: cannot write 'r.csv.rejects.csv': it is not a file; fix the rows in r.csv, or run again with --skip-bad." \
    "a rejects file that cannot be written: the message does not name it as written"
is "$(ls | grep -c 'tmp$')" 0 "and no temporary file is left"
cleanup_scratch

# --- a bad inspection field on every row of it: the other rows' reason says which
scratch
H='inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note'
{ echo "$H"; for it in A01 A02 A03; do echo "I1,46392,M00001,城北市场,城东所,张伟,督查,$it,合格,0,0,"; done; } >serial.csv
printf '%s\nimport serial.csv --add-markets\n' "$RULES" | run
is "$(sed -n 3p serial.csv.rejects.csv)" 'I1,46392,M00001,城北市场,城东所,张伟,督查,A02,合格,0,0,,"inspection has a bad row at line 2 (date ""46392"" is not a valid date)"' \
    "a bad date on every row: the other rows name it too"
cleanup_scratch
done_testing
