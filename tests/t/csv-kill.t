#!/bin/sh
# csv-kill.t — an import killed with SIGKILL midway leaves the database as
# it was: the earlier import intact, nothing of the killed one, and
# PRAGMA integrity_check "ok" (checked with the sqlite3 CLI).
. tests/lib.sh
scratch
RULES='lua package.loaded.rules = dofile("fixtures/csv/rules.lua")'

# a big long-format sheet: 27,000 inspections x 37 items = 999,000 rows
awk 'BEGIN {
    split("A01 A02 A03 A04 A05 A06 B01 B02 B03 B04 B05 B06 C01 C02 C03 C04 C05 C06 D01 D02 D03 D04 E01 E02 E03 E04 F01 F02 F03 F04 F05 F06 G01 G02 G03 G04 G05", it, " ")
    print "inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note"
    for (i = 1; i <= 27000; i++) {
        m = i % 100 + 101   # not the markets of small.csv, whose units differ
        d = sprintf("2027-%02d-%02d", i % 12 + 1, i % 28 + 1)
        for (k = 1; k <= 37; k++)
            if ((i + k) % 7 == 0)
                printf "K%06d,%s,M%05d,市场%d,城东所,张伟,督查,%s,不合格,1,1,\"问题%d处，已责令整改\"\n", i, d, m, m, it[k], k
            else
                printf "K%06d,%s,M%05d,市场%d,城东所,张伟,督查,%s,合格,0,0,\n", i, d, m, m, it[k]
    }
}' >big.csv
size=$(wc -c <big.csv)

cp "$FIX/csv/long-en.csv" small.csv
printf '%s\nimport small.csv --add-markets\n' "$RULES" | "$CWSH" t.db >/dev/null 2>&1
is "$?" 0 "a first import"
before=$(sqlite3 t.db "SELECT count(*) FROM inspection; SELECT count(*) FROM result; SELECT count(*) FROM market; SELECT count(*) FROM import")

# midway PID SIGNAL: send SIGNAL to the import once it is midway: the
# file is read twice (hash, then rows), so when the second pass has read
# a third of it.  Prints yes when sent, no when the import ended first.
midway() {
    for i in $(seq 1 600); do
        kill -0 "$1" 2>/dev/null || break
        rchar=$(awk '/^rchar/ { print $2 }' /proc/"$1"/io 2>/dev/null || echo 0)
        if [ "${rchar:-0}" -gt $((size + size / 3)) ]; then kill -"$2" "$1" && echo yes && return; fi
        sleep 0.05
    done
    echo no
}

# the cwsh process is the pipeline's last member: $! is its own pid
printf '%s\nimport big.csv --add-markets\n' "$RULES" | "$CWSH" t.db >out 2>&1 &
pid=$!
killed=$(midway $pid KILL)
wait $pid 2>/dev/null
is "$killed" yes "the import was killed while running"
is "$(sqlite3 t.db 'PRAGMA integrity_check')" ok "integrity_check ok after SIGKILL"
is "$(sqlite3 t.db "SELECT count(*) FROM inspection; SELECT count(*) FROM result; SELECT count(*) FROM market; SELECT count(*) FROM import")" \
   "$before" "the database is as it was before the killed import"

# and the same import runs to the end afterwards, in bounded memory
# (not under a sanitizer: its shadow memory is not the importer's)
if [ -x /usr/bin/time ] && ! ldd "$CWSH" 2>/dev/null | grep -q -e libasan -e libtsan; then
    printf '%s\nimport big.csv --add-markets\n' "$RULES" | /usr/bin/time -f '%M' -o rss "$CWSH" t.db >out 2>&1
    rc=$?
    kb=$(tail -1 rss)
    if [ "$kb" -lt 65536 ]; then ok "peak RSS ${kb} KB for a $((size / 1048576)) MB file (under 64 MB)"
    else not_ok "peak RSS ${kb} KB for a $((size / 1048576)) MB file (under 64 MB)"; fi
else
    printf '%s\nimport big.csv --add-markets\n' "$RULES" | "$CWSH" t.db >out 2>&1
    rc=$?
    ok "# SKIP peak RSS not measured (no /usr/bin/time, or a sanitizer build)"
fi
is "$rc" 0 "the import then completes"
is "$(sqlite3 t.db 'SELECT count(*) FROM result')" 999006 "all rows there once"

# Ctrl-C (SIGINT) midway through the real store: the import rolls back,
# says so, the script stops with exit code 1, the database is unchanged
sed 's/^K/L/' big.csv >big2.csv
before=$(sqlite3 t.db "SELECT count(*) FROM inspection; SELECT count(*) FROM result; SELECT count(*) FROM import")
printf '%s\nimport big2.csv\n.print not reached\n' "$RULES" | "$CWSH" t.db >out 2>&1 &
pid=$!
sent=$(midway $pid INT)
wait $pid; rc=$?
is "$sent" yes "SIGINT sent while the import ran"
is "$rc" 1 "an interrupted import fails the script"
grep -q "import interrupted; nothing imported" out; r=$?; is "$r" 0 "the import says it was interrupted"; [ "$r" = 0 ] || diag <out
grep -q 'not reached' out; is "$?" 1 "the script stops there"
is "$(sqlite3 t.db "SELECT count(*) FROM inspection; SELECT count(*) FROM result; SELECT count(*) FROM import")" \
   "$before" "the database is as it was before the interrupted import"
is "$(sqlite3 t.db 'PRAGMA integrity_check')" ok "integrity_check ok after SIGINT"

# Ctrl-C in the second of three files: the first stays imported, the
# second rolls back, the third is not begun, and the command says so
sed -e 's/^I/N/' -e 's/2027-01-0/2027-02-0/' small.csv >feb.csv
sed -e 's/^I/P/' -e 's/2027-01-0/2027-03-0/' small.csv >mar.csv
before=$(sqlite3 t.db "SELECT count(*) + 2 FROM inspection; SELECT count(*) + 6 FROM result; SELECT count(*) + 1 FROM import")
printf '%s
import feb.csv big2.csv mar.csv
' "$RULES" | "$CWSH" t.db >out 2>&1 &
pid=$!
sent=$(midway $pid INT)
wait $pid; rc=$?
is "$sent" yes "SIGINT sent while the second file imported"
is "$rc" 1 "an interrupted import of several files fails the script"
grep -q "import interrupted: 1 of 3 files imported" out; r=$?
is "$r" 0 "the command says how many files were imported"; [ "$r" = 0 ] || diag <out
is "$(sqlite3 t.db "SELECT count(*) FROM inspection; SELECT count(*) FROM result; SELECT count(*) FROM import")" \
   "$before" "the first file is in, the interrupted one and the third are not"
is "$(sqlite3 t.db "SELECT group_concat(file, ' ') FROM import WHERE file IN ('feb.csv', 'big2.csv', 'mar.csv')")" \
   feb.csv "only the file before the interrupt is recorded"
cleanup_scratch
done_testing
