#!/bin/sh
# A document (.document, cwsh.write_document) and cwsh.write_file that
# fail to write (a full disk, an xlsx build failing in TMPDIR) keep the
# file that was there: they write a temporary beside it and rename it
# into place when whole.
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=
BIG="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 20000) SELECT x, 'abcdefghij' FROM c;"
leftovers() { ls -A small | grep -v '^fill$' | tr '\n' ' '; }
skip() { echo "ok - $1 # SKIP $2"; _tap_n=$((_tap_n + 1)); }

"$CWSH" n.db -c "lua cwsh.write_file('w.txt', 'one')" -c "lua cwsh.write_file('w.txt', '两')" 2>err
is 0 "$?" "cwsh.write_file: exit 0"
printf '两' >expect
is_file expect w.txt "... the file holds the last text"
"$CWSH" n.db -c "lua cwsh.write_file('no/such/w.txt', 'x')" 2>err
printf "%s\n" "-c:1: cannot write 'no/such/w.txt': No such file or directory" >expect
is_file expect err "... a directory that is not there: said"
ln -s w.txt link.txt
"$CWSH" n.db -c "lua cwsh.write_file('link.txt', 'via link')" 2>err
if [ -L link.txt ] && [ "$(cat w.txt)" = "via link" ]; then ok "... a symbolic link stays, its target is written"
else not_ok "... a symbolic link stays, its target is written"; fi

mkdir small
if mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
    "$CWSH" n.db -c ".document small/good.md" -c "select 1 as a;" -c ".document" >/dev/null 2>&1
    cp small/good.md good.md
    "$CWSH" n.db -c ".document small/good.md" -c "$BIG" -c ".document" >/dev/null 2>err
    is 1 "$?" ".document on a full disk: exit 1"
    printf "%s\n" "-c:3: cannot write 'small/good.md': No space left on device" >expect
    is_file expect err "... said, naming the file"
    is_file good.md small/good.md "... the document that was there is kept"
    is "" "$(leftovers | sed 's/good.md //')" "... no temporary left"

    "$CWSH" n.db -c "lua local r = {} for i = 1, 20000 do r[i] = {i, 'abcdefghij'} end cwsh.write_document('small/good.md', {{columns = {'x', 't'}, rows = r}})" >/dev/null 2>err
    is 1 "$?" "cwsh.write_document on a full disk: exit 1"
    printf "%s\n" "-c:1: lua:1: write_document: cannot write 'small/good.md': No space left on device" >expect
    is_file expect err "... said, naming the file"
    is_file good.md small/good.md "... the document that was there is kept"

    "$CWSH" n.db -c "lua cwsh.write_file('small/good.md', string.rep('x', 100000))" 2>err
    printf "%s\n" "-c:1: cannot write 'small/good.md': No space left on device" >expect
    is_file expect err "cwsh.write_file on a full disk: said"
    is_file good.md small/good.md "... the file that was there is kept"
    is "" "$(leftovers | sed 's/good.md //')" "... no temporary left"

    # notice -o writes through cwsh.write_file: on a full disk the earlier
    # notice stays as it was
    cp "$ROOT"/scripts/demo/markets.csv "$ROOT"/scripts/demo/inspections-2027Q1.csv .
    "$CWSH" nd.db -c "markets import markets.csv" -c "import inspections-2027Q1.csv" >/dev/null 2>&1
    printf 'earlier notice\n' >small/good.html
    dd if=/dev/zero of=small/fill bs=1k count=100 2>/dev/null
    "$CWSH" nd.db -c "notice 2027-B1 --date 2027-03-10 -o small/good.html" >/dev/null 2>err
    is 1 "$?" "notice -o on a full disk: exit 1"
    grep -x -- "-c:1: notice: cannot write 'small/good.html': No space left on device" err >/dev/null
    is 0 "$?" "... said, naming the file"
    is "earlier notice" "$(cat small/good.html)" "... the notice that was there is kept"
    is "" "$(ls -A small | grep -v -e '^good' -e '^fill$' | tr '\n' ' ')" "... no temporary left"
    rm -f small/fill

    # an xlsx workbook is built in TMPDIR first: a full TMPDIR fails it
    if "$CWSH" n.db -c ".document good.xlsx" -c "select 1 as a;" -c ".document" >/dev/null 2>&1 && [ -s good.xlsx ]; then
        cp good.xlsx kept.xlsx
        dd if=/dev/zero of=small/fill bs=1k count=100 2>/dev/null
        TMPDIR="$T/small" "$CWSH" n.db -c ".document good.xlsx" -c "$BIG" -c ".document" >/dev/null 2>err
        is 1 "$?" "xlsx failing in TMPDIR: exit 1"
        is_file kept.xlsx good.xlsx "... the workbook that was there is kept"
        is "" "$(ls -A | grep '^\.good' | tr '\n' ' ')" "... no temporary left beside it"
    else
        for n in "xlsx failing in TMPDIR: exit 1" "... the workbook that was there is kept" "... no temporary left beside it"; do
            skip "$n" "the xlsx plugin is not built"; done
    fi
    umount small
else
    for n in ".document on a full disk: exit 1" "... said, naming the file" "... the document that was there is kept" \
             "... no temporary left" "cwsh.write_document on a full disk: exit 1" "... said, naming the file" "... the document that was there is kept" \
             "cwsh.write_file on a full disk: said" "... the file that was there is kept" "... no temporary left" \
             "notice -o on a full disk: exit 1" "... said, naming the file" "... the notice that was there is kept" "... no temporary left" \
             "xlsx failing in TMPDIR: exit 1" "... the workbook that was there is kept" "... no temporary left beside it"; do
        skip "$n" "cannot mount a tmpfs"; done
fi

cleanup_scratch
done_testing
