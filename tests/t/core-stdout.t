#!/bin/sh
# stdout is data, stderr is for people: every command of the README, run
# with --mode json and --mode csv on the demo data, prints on stdout what
# python3's json / csv modules parse as exactly one document (or nothing),
# and its summaries, notices and reports on stderr.
. tests/lib.sh
scratch
ln -s "$ROOT/scripts" scripts
export CWSH_DB="$T/demo.db" CWSH_INIT= CWSH_HISTORY=
"$CWSH" -bail -f scripts/demo/main.cwsh >/dev/null 2>&1; is 0 "$?" "the demo imports"
mkdir draft && cp "$ROOT"/rules/*.lua draft/
sed -i 's/^\(kind { "暗访".*weight = \)1.5 }/\13 }/' draft/domain.lua

# check MODE EXPECT FILE: EXPECT is doc (one document, not empty) or
# empty (nothing at all).  json: json.load of the whole output; csv: RFC
# 4180 records ending in CRLF, every one as wide as the header.
cat >check.py <<'EOF'
import csv, json, sys
mode, expect, path = sys.argv[1:4]
data = open(path, 'rb').read()
if expect == 'empty':
    sys.exit('stdout is not empty: %r' % data[:200] if data else 0)
if not data:
    sys.exit('stdout is empty')
text = data.decode('utf-8')
if mode == 'json':
    json.loads(text)
else:
    if not text.endswith('\r\n'):
        sys.exit('the last record does not end in CRLF')
    rows = list(csv.reader(text.splitlines(True), strict=True))
    widths = set(len(r) for r in rows)
    if len(widths) != 1:
        sys.exit('records of %s fields: %r' % (sorted(widths), rows[:3]))
EOF

run() {   # run MODE EXPECT COMMAND: the command's stdout must parse
    "$CWSH" -bail --mode "$1" -c "$3" >out 2>err; rc=$?
    if [ "$rc" != 0 ]; then not_ok "$1: $3: exit code $rc"; diag <err; return; fi
    if msg=$(python3 check.py "$1" "$2" out 2>&1); then ok "$1: $3: stdout parses ($2)"
    else not_ok "$1: $3: $msg"; head -5 out | diag; fi
}

for mode in json csv; do
    run $mode empty "import scripts/demo/inspections-2027Q1.csv --replace"
    run $mode empty ".import scripts/demo/markets.csv reg_$mode"
    run $mode doc "imports"
    run $mode doc "markets"
    run $mode doc "markets --station 城东所 --key"
    run $mode empty "markets import scripts/demo/markets.csv"
    run $mode empty "markets key M0001 on"
    run $mode doc "score 2027-03"
    run $mode doc "score 2027-Q1 --key"
    run $mode doc "score 2027-03 --unit 城北所 --key"
    run $mode doc "score 2027-03 --market M0003"
    run $mode doc "score --year-by-month 2027"
    run $mode doc "rank units 2027-Q1"
    run $mode doc "explain 解放市场 2027-03"
    run $mode doc "explain M0004 2027-Q1"
    run $mode doc "whatif draft 2027-03"
    run $mode doc "whatif $ROOT/rules 2027-03"
    run $mode empty "test"
    run $mode doc "SELECT item_code, title, count(*) AS failed FROM v_result WHERE is_key AND result = '不合格' AND date LIKE '2027-03%' GROUP BY item_code ORDER BY failed DESC, item_code LIMIT 3;"
    run $mode doc "= {columns = {'排名', '市场', '得分'}, rows = {{1, '解放市场', 94.5}, {3, 'ABC', cwsh.null}}, formats = {nil, nil, '%.1f'}}"
    run $mode doc ".tables"
    run $mode doc ".indexes market"
    run $mode doc ".dbinfo"
    run $mode doc ".plugins"
    run $mode empty ".show"
    run $mode empty ".rules"
    run $mode empty ".help"
    run $mode empty ".help score"
    run $mode empty ".limit"
done

# the summaries are on stderr, whole (its thousands separators once split
# it into three CSV fields on stdout)
"$CWSH" --mode csv -c "import scripts/demo/inspections-2027Q1.csv --replace" 2>err >out
sed -E -e 's/ in [0-9]+\.[0-9] s/ in T s/' -e 's/^replacing import #[0-9]+ /replacing import #N /' err >err2
printf 'mapping: long (UTF-8, 12 columns, LF)\nreplacing import #N (scripts/demo/inspections-2027Q1.csv)\nimported 35 inspections (1,295 item results) from scripts/demo/inspections-2027Q1.csv in T s\nwarning: deadlines in 2027 are on a provisional calendar (rules/calendar/2027.lua): 2027年放假通知尚未发布：仅含法定假日，无调休; replace it with the State Council'\''s notice for 2027\n' >expect
is_file expect err2 "import: mapping and summary on stderr"
"$CWSH" --mode json -c ".import scripts/demo/markets.csv reg_x" 2>err >out
sed -E 's/ in [0-9]+\.[0-9] s/ in T s/' err >err2
echo "imported 5 rows into reg_x from scripts/demo/markets.csv in T s" >expect
is_file expect err2 ".import: its summary on stderr"

# an empty result is an empty array in json, the header alone in csv
is "[]" "$("$CWSH" --mode json -c "score 2027-03 --unit 城北所 --key")" "json: no rows is []"
is "rank,code,market,station,score,grade,tier,delta,inspections,veto" \
   "$("$CWSH" --mode csv -c "score 2027-03 --unit 城北所 --key" | tr -d '\r')" "csv: no rows is the header"

# a period without inspections is an error: stderr, exit code 1, no stdout
"$CWSH" --mode json -c "score 2099-01" >out 2>err; rc=$?
is 1 "$rc" "score of an empty period exits 1"
is "" "$(cat out)" "score of an empty period prints nothing on stdout"
is "-c:1: no inspections in 2099-01 (2099-01-01..2099-01-31); the database has inspections from 2027-01-07 to 2027-03-30" \
   "$(cat err)" "score of an empty period says which dates there are"
"$CWSH" -c "rank units 2099" >out 2>err; is 1 "$?" "rank units of an empty period exits 1"
"$CWSH" -c "whatif draft 2099-Q1" >out 2>err; is 1 "$?" "whatif of an empty period exits 1"
"$CWSH" -c "explain M0001 2099-01" >out 2>err; is 1 "$?" "explain of an empty period exits 1"
is "-c:1: 城北市场 (M0001) has no inspection in 2099-01 (2099-01-01..2099-01-31)" "$(cat err)" "explain names the market and period"

# JSON keys are identifiers, numbers are rounded as shown, every market
# result carries its code
cat >keys.py <<'EOF'
import json, sys
doc = json.load(open(sys.argv[2]))
what = sys.argv[1]
if what == 'score':
    print(' '.join(doc[0].keys()))
    print(' '.join('%s:%r:%r' % (r['code'], r['score'], r['delta']) for r in doc))
elif what == 'whatif':
    print(' '.join(doc[0].keys()))
    print(' '.join('%s:%r:%r:%r' % (r['code'], r['move'], r['score'], r['new_score']) for r in doc))
elif what == 'explain':
    print(' '.join(doc.keys()))
    h = doc['header']
    print(h['code'], h['market'], h['period'], h['score'], h['grade'], len(doc['rows']),
          [v['veto'] for v in doc['vetoes']], doc['vetoes'][0]['inspections'], doc['total'])
EOF
"$CWSH" --mode json -c "score 2027-03" >out
python3 keys.py score out >got
cat >expect <<'EOF'
rank code market station score grade tier delta inspections veto
M0004:97.0:1.0 M0005:96.0:-0.5 M0001:94.3:-1.0 M0003:92.0:-4.1 M0002:82.8:-5.3
EOF
is_file expect got "score in json: ASCII keys, the code, numbers as shown"
"$CWSH" --mode json -c "explain 解放市场 2027-03" >out
python3 keys.py explain out >got
cat >expect <<'EOF'
header inspections rows caps vetoes total
M0003 解放市场 2027-03 92.0 不合格 30 ['过期变质商品'] ['2027-03-04 督查', '2027-03-30 督查'] {'score': 92.0, 'grade': '不合格'}
EOF
is_file expect got "explain in json: one document with header, rows, vetoes and total"
"$CWSH" --mode json -c "whatif draft 2027-Q1" >out 2>/dev/null
python3 keys.py whatif out >got
cat >expect <<'EOF'
code market rank new_rank move score new_score grade tier
M0001:None:94.3:94.0 M0002:None:85.9:85.5
EOF
is_file expect got "whatif in json: the code, new_rank, numbers as shown"
"$CWSH" --mode csv -c "explain 解放市场 2027-03" >out 2>err
head -2 out | tr -d '\r' >got
cat >expect <<'EOF'
code,market,period,date,kind,inspector,item,title,lost,note,rule
M0003,解放市场,2027-03,2027-03-04,督查,刘洋,A02,地面摊位整洁无垃圾杂物,-4.0,"摊位周边垃圾杂物6处 (6 × 1, cap 4)",rules/checklist.lua:18
EOF
is_file expect got "explain in csv: one table whose rows name market and period"
head -1 err >got
echo "解放市场 (M0003)  2027-03  92.0 不合格 (6 inspections: 督查 ×5 weight 1, 全面督查 ×1 weight 1)" >expect
is_file expect got "explain in csv: the heading on stderr"
is "total: 92.0 不合格" "$(tail -1 err)" "explain in csv: the total on stderr"

# -c SQL without its final ';' runs, as in sqlite3 and psql
is "5" "$("$CWSH" -noheader --mode list -c 'SELECT count(*) FROM market')" "-c: SQL without a final ';' runs"
is "1
2" "$("$CWSH" -noheader --mode list -c 'SELECT 1;' -c 'SELECT
2')" "-c: a statement over lines without ';' runs"
"$CWSH" -c 'SELECT nosuch FROM market' >out 2>err; is 1 "$?" "-c: a bad statement without ';' fails"
is "-c:1: no such column: nosuch" "$(cat err)" "-c: its error names -c:1"

# CSV for Excel: a UTF-8 BOM once at the start of each output, or the
# whole result in GB18030
bytes() { od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
is "ef bb bf 61 0d 0a 31 0d 0a 61 0d 0a 32 0d 0a" \
   "$("$CWSH" --bom --mode csv -c "SELECT 1 AS a;" -c "SELECT 2 AS a;" | bytes)" "--bom: one BOM before the first CSV on stdout"
"$CWSH" -c ".mode csv --excel" -c ".once a.csv" -c "SELECT '市场' AS m;" -c ".output b.csv" -c "SELECT 1 AS x;" -c "SELECT 2 AS x;" -c ".output" >out
is "ef bb bf 6d 0d 0a e5 b8 82 e5 9c ba 0d 0a" "$(bytes <a.csv)" ".mode csv --excel: a BOM at the start of a .once file"
is "ef bb bf 78 0d 0a 31 0d 0a 78 0d 0a 32 0d 0a" "$(bytes <b.csv)" ".mode csv --excel: one BOM per .output file"
is "" "$(cat out)" ".mode csv --excel: nothing on stdout"
is "current output mode: csv (UTF-8 with BOM)" "$("$CWSH" -c ".mode csv --excel" -c ".mode" 2>&1)" ".mode tells the BOM (on stderr: csv is a data mode)"
is "63 6f 64 65 2c 6d 61 72 6b 65 74 0d 0a 4d 30 30 30 33 2c bd e2 b7 c5 ca d0 b3 a1 0d 0a" \
   "$("$CWSH" -c ".mode csv --encoding gb18030" -c "SELECT code, name AS market FROM market WHERE code = 'M0003';" | bytes)" \
   ".mode csv --encoding gb18030: the bytes Chinese Excel reads"
"$CWSH" -c ".mode csv --encoding gb18030" -c "score 2027-03" >gb.csv
iconv -f gb18030 -t utf-8 gb.csv | tr -d '\r' | sed -n 2p >got
echo "1,M0004,和庄路农贸市场,城东所,97.0,优秀,上游,+1.0,2," >expect
is_file expect got "score in gb18030 converts back to the same table"
"$CWSH" -c ".mode csv --encoding gbk" -c "SELECT '€😀x' AS a;" >out 2>err
is "61 0d 0a 80 3f 78 0d 0a" "$(bytes <out)" "a character the encoding lacks is '?'"
is "1 character not in gbk written as '?'" "$(cat err)" "... and said on stderr"
"$CWSH" -c ".mode csv --encoding nosuch" >out 2>&1; is 1 "$?" "an unknown encoding fails"
is "-c:1: --encoding: iconv cannot write 'nosuch' (try gb18030)" "$(cat out)" "an unknown encoding is named"
is "-c:1: .mode json: --excel, --bom and --encoding are for csv and tsv" "$("$CWSH" -c ".mode json --excel" 2>&1)" "--excel is for csv and tsv"
is "-c:1: a BOM is for UTF-8: --excel and --bom go without --encoding" "$("$CWSH" -c ".mode csv --excel --encoding gb18030" 2>&1)" "a BOM and another encoding refused"
is "6d 0d 0a e5 b8 82 0d 0a" "$("$CWSH" -c ".mode csv --excel" -c ".mode csv" -c "SELECT '市' AS m;" | bytes)" "a plain .mode csv drops the BOM"

cleanup_scratch
done_testing
