#!/bin/sh
# A .document still open when cwsh ends is written then, and said so.
. tests/lib.sh
scratch

printf '.document end.md\nselect 2 as two;\n' | "$CWSH" t.db >out 2>err
is 0 "$?" "a document open at the end: exit 0"
printf '┌─────┐\n│ two │\n├─────┤\n│   2 │\n└─────┘\n' >expect
is_file expect out "its result set still prints"
printf "cwsh: wrote 1 result set to 'end.md' (md)\n" >expect
is_file expect err "the exit says it wrote the document"
printf '## select 2 as two;\n\n| two |\n|----:|\n|   2 |\n' >expect
is_file expect end.md "the document holds the result set under its statement"

printf '.document x.csv\nselect 1 as a;\nselect 2 as b;\n' | "$CWSH" t.db >/dev/null 2>&1
printf 'select 1 as a;\r\na\r\n1\r\n\r\nselect 2 as b;\r\nb\r\n2\r\n' >expect
is_file expect x.csv "csv: title, header, rows; a blank record between result sets"

# in a data mode the screen shows a result set's keys (delta), the
# document, a file for people, its headings (Δ)
printf '.mode csv\n.document k.md\n= {columns = {"市场", "Δ"}, keys = {"market", "delta"}, rows = {{"解放市场", 1}}}\n' \
    | "$CWSH" t.db >out 2>/dev/null
printf 'market,delta\r\n解放市场,1\r\n' >expect
is_file expect out "csv mode: the screen has the keys"
printf '|   市场   | Δ |\n|----------|--:|\n| 解放市场 | 1 |\n' >expect
is_file expect k.md "... the document the headings"

# a document that cannot be written at the end: said so, exit 1
printf '.document /dev/full --format md\nselect 1 as a;\n' | "$CWSH" t.db >/dev/null 2>err
is 1 "$?" "a document that fails to write at the end: exit 1"
printf "cwsh: cannot write '/dev/full': No space left on device\n" >expect
is_file expect err "the failure names the file and why"

cleanup_scratch
done_testing
