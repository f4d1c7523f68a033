#!/bin/sh
# sandbox-escape.t — attempts to get out of the rule sandbox, from a rule
# file (at start-up and at `.rules reload`) and from an import mapping
# (its file's body and a converter run per cell).  Each is refused with
# its exact message naming the file and line, nothing it attempted
# happens, and the shell answers the next command.  The attempts are
# tests/fixtures/escape/rules.txt and mappings.txt: blocks of
#   == NAME
#   the Lua of the attempt (one or more lines)
#   -> the message expected
. tests/lib.sh
scratch
cp -r "$ROOT/rules" rules
cp "$FIX/csv/long-en.csv" x.csv
"$CWSH" -batch --rules rules t.db </dev/null >/dev/null 2>&1
ITEMS0=$("$CWSH" -list -noheader --rules rules t.db -c "select count(*) from item" 2>&1)

# blocks FILE: split FILE into NAME.lua / NAME.want under cases/
blocks() {
    rm -rf cases; mkdir cases
    awk '/^== /{name=$2; next} /^-> /{sub(/^-> /, ""); print > ("cases/" name ".want"); close("cases/" name ".want"); next}
         {print >> ("cases/" name ".lua")}' "$1"
}

# run_cwsh OUT ARGS...: cwsh with a 20 s timeout; 124 means it hung
run_cwsh() {
    _o=$1; shift
    timeout 20 "$CWSH" -batch -list --max-memory 32 --rules rules t.db "$@" >"$_o" 2>&1
    echo $? >"$_o.rc"
}

# answered OUT NAME: the last line is the next command's answer
answered() {
    if [ "$(cat "$1.rc")" = 124 ]; then not_ok "$2: cwsh hung"; return; fi
    is "still answering" "$(tail -n 1 "$1")" "$2: the shell answers afterwards"
}

blocks "$FIX/escape/rules.txt"
n=0
for lua in cases/*.lua; do
    name=$(basename "$lua" .lua)
    want=$(cat "cases/$name.want")
    rm -f rules/zz.lua
    # at .rules reload
    printf 'lua assert(os.rename("attack.lua", "rules/zz.lua"))\n.rules reload\nselect '"'"'still answering'"'"';\n' >s.cwsh
    cp "$lua" attack.lua
    run_cwsh out <s.cwsh
    is "<stdin>:2: rules not reloaded: $want" "$(head -n 1 out)" "rule $name: refused at reload"
    answered out "rule $name at reload"
    # at start-up, where the core's own Lua runs without limits
    printf "select 'still answering';\n" >s2.cwsh
    run_cwsh out2 <s2.cwsh
    is "rules not loaded: $want" "$(head -n 1 out2)" "rule $name: refused at start-up"
    answered out2 "rule $name at start-up"
    n=$((n + 1))
done
rm -f rules/zz.lua
[ -e pwned ] && not_ok "an attempt created ./pwned" || ok "no attempt reached the file system"
is 42 "$n" "rule attempts run"

# mappings: the body runs when an import reads the mappings; the
# converter per cell (under tight limits, so that a memory bomb stays
# small and a loop stops soon: 10 million instructions, 64 MB)
mapping_file() {   # mapping_file CONVERTER_BODY
    cat <<EOT
mapping {
  name = "evil", layout = "long",
  fields = { inspection_id = "inspection_id", date = "date", market_code = "market_code",
    market_name = "market_name", unit = "unit", inspector = "inspector", kind = "kind",
    item_code = "item_code", result = "result", deduction = "deduction", count = "count", note = "note" },
  convert = { date = "date", result = "result", deduction = "number", count = "number",
    note = function(s) $1 end },
}
EOT
}
blocks "$FIX/escape/mappings.txt"
n=0
for lua in cases/*.lua; do
    name=$(basename "$lua" .lua)
    want=$(cat "cases/$name.want")
    case "$name" in
        body-*) { cat "$lua"; mapping_file "return s"; } >rules/mappings/zz.lua ;;
        *) mapping_file "$(cat "$lua")" >rules/mappings/zz.lua ;;
    esac
    # the command's time limit is wall-clock: loose enough that a loaded
    # machine still reaches the memory and instruction stops first, tight
    # for the C loop that only time stops
    case "$name" in table-*) secs=2 ;; *) secs=20 ;; esac
    printf '.limit seconds %s\n.limit memory 64\n.limit instructions 10000000\nimport x.csv --mapping evil --add-markets\nselect '"'"'still answering'"'"';\n' "$secs" >s.cwsh
    run_cwsh out <s.cwsh
    got=$(grep -v '^mapping: evil' out | head -n 1)
    is "$want" "$got" "mapping $name: refused"
    answered out "mapping $name"
    n=$((n + 1))
done
rm -f rules/mappings/zz.lua
is 15 "$n" "mapping attempts run"
is 0 "$("$CWSH" -list -noheader --rules rules t.db -c "select count(*) from inspection" 2>&1)" "no attempt imported anything"
is "$ITEMS0" "$("$CWSH" -list -noheader --rules rules t.db -c "select count(*) from item" 2>&1)" "the checklist in the database is whole"

# a veto whose items are a table with looping metamethods: read raw at
# load (rawlen, rawget), so its metamethods never run and the rules load
cat >rules/zz.lua <<'EOT'
veto { "循环项", items = setmetatable({}, { __index = function() while true do end end,
  __len = function() while true do end end }), when = function(i) return false end }
EOT
printf ".rules reload\nselect 'still answering';\n" >s2.cwsh
run_cwsh out <s2.cwsh
is "rules reloaded: 2027 (HASH): 37 items, 7 categories, 3 vetoes, 100 points" \
    "$(sed -n '1s/([0-9a-f]*)/(HASH)/p' out)" "a veto's looping items are not run: the rules load"
answered out "a veto's looping items"
rm rules/zz.lua

# a FIFO named like a rule file, a mapping or the file to import: refused
# at once (reading it would wait for a writer, and a writer could serve
# one text to the hash and another to the run)
mkfifo rules/zz.lua
printf "select 'still answering';\n" >s2.cwsh
run_cwsh out <s2.cwsh
is "rules not loaded: cannot load 'rules/zz.lua': not a regular file" "$(head -n 1 out)" "a FIFO rule file is refused"
answered out "a FIFO rule file"
rm rules/zz.lua
mkfifo rules/mappings/zz.lua fifo.csv
printf "import x.csv\nimport fifo.csv\nselect 'still answering';\n" >s.cwsh
run_cwsh out <s.cwsh
is "<stdin>:1: cannot load the import mappings: cannot load 'rules/mappings/zz.lua': not a regular file" "$(sed -n 1p out)" "a FIFO mapping is refused"
is "<stdin>:2: cannot import 'fifo.csv': not a regular file" "$(sed -n 2p out)" "a FIFO to import is refused"
answered out "a FIFO to import"
rm rules/mappings/zz.lua
cleanup_scratch
done_testing
