#!/bin/sh
# Command-line options, exit codes and where cwsh finds its files.
. tests/lib.sh
scratch

out=$("$CWSH" --version); is "cwsh 1.0.0" "$out" "--version"
"$CWSH" --help | head -1 >actual
echo "usage: cwsh [OPTIONS] [DB] [COMMAND...]" >expect
is_file expect actual "--help starts with the usage line"

"$CWSH" --frobnicate >out 2>&1; rc=$?
is 2 "$rc" "an unknown option exits 2"
printf "cwsh: unknown option '--frobnicate'\nTry 'cwsh --help'.\n" >expect
is_file expect out "an unknown option is named"
"$CWSH" -c >out 2>&1; is 2 "$?" "a missing option argument exits 2"

out=$("$CWSH" -c '.print one' -c '.print two' </dev/null); is "one
two" "$out" "-c is repeatable and runs in order"

printf '.print from a file\n= 1 + 1\n' >s.cwsh
out=$("$CWSH" -f s.cwsh </dev/null); is "from a file
2" "$out" "-f runs a script"

out=$(printf '.print piped\n' | "$CWSH"); is "piped" "$out" "stdin that is not a terminal is a script"

"$CWSH" -bail -c '= error("x", 0)' -c '.print not reached' >out 2>&1; rc=$?
is 1 "$rc" "-bail: a failing command exits 1"
printf -- '-c:1: x\n' >expect; is_file expect out "-bail stops at the first error"
"$CWSH" -c '= error("x", 0)' -c '.print reached' >out 2>&1; rc=$?
is 1 "$rc" "without -bail later commands run, exit code still 1"
grep -qx reached out; is 0 "$?" "without -bail the next command runs"
"$CWSH" -c '.print ok' >/dev/null 2>&1; is 0 "$?" "success exits 0"

# init file: default ~/.cwshrc, -init FILE overrides
echo '.print from cwshrc' >"$HOME/.cwshrc"
out=$("$CWSH" -c '.print cmd'); is "from cwshrc
cmd" "$out" "~/.cwshrc runs first"
echo '.print from init' >init.cwsh
out=$("$CWSH" -init init.cwsh -c '.print cmd'); is "from init
cmd" "$out" "-init FILE replaces ~/.cwshrc"
rm "$HOME/.cwshrc"

# arguments after a DB are commands, one each (sqlite3 style); without a
# DB the words form one command line
out=$("$CWSH" x.db '.print a' '.print b'); is "a
b" "$out" "DB then COMMAND arguments"
out=$("$CWSH" .print "两个 词"); is "两个 词" "$out" "words without a DB form one command"
out=$("$CWSH" "= 1 + 1"); is "2" "$out" "a whole command line in one word runs as typed"
"$CWSH" -c '.print a' -c '= error("x", 0)' >out 2>&1
printf 'a\n-c:2: x\n' >expect
is_file expect out "command-line commands are numbered like lines: the second -c is -c:2"

# .show reports where things live
"$CWSH" -c .show >out
grep -q "^        db: $HOME/.local/share/cwsh/cwsh.db\$" out; is 0 "$?" "default database under ~/.local/share/cwsh"
CWSH_DB=$T/other.db "$CWSH" -c .show | grep -q "db: $T/other.db"; is 0 "$?" "CWSH_DB overrides the default database"
"$CWSH" --rules fixtures/core -c .show | grep -q "rules: $FIX/core\$"; is 0 "$?" "--rules DIR"

# output modes from the command line
out=$("$CWSH" --mode csv -c "= {columns={'a','b'}, rows={{1,'x,y'}}}" | od -An -c | tr -s ' ')
is ' a , b \r \n 1 , " x , y " \r \n' "$out" "--mode csv: RFC 4180, CRLF"
out=$("$CWSH" -noheader --mode csv -c "= {columns={'a'}, rows={{1}}}" | tr -d '\r'); is '1' "$out" "-noheader"
out=$("$CWSH" -json -c "= {columns={'a'}, rows={{1}}}"); is '[{"a":1}]' "$out" "-json is --mode json"

# .output and .once
printf ".once o1.txt\n.print to once\n.print to stdout\n.output o2.txt\n.print a\n.print b\n.output\n.print back\n" >s2.cwsh
out=$("$CWSH" -f s2.cwsh); is "to stdout
back" "$out" ".once and .output leave stdout for the rest"
is "to once" "$(cat o1.txt)" ".once writes the next command's output"
is "a
b" "$(cat o2.txt)" ".output writes until reset"

# .timer prints sqlite3-style run times
"$CWSH" -c '.timer on' -c '= 1' >out
grep -Eq '^Run Time: real [0-9]+\.[0-9]{3} user [0-9]+\.[0-9]{6} sys [0-9]+\.[0-9]{6}$' out; is 0 "$?" ".timer on"

# .help lists dot-commands and commands, .help NAME shows one
"$CWSH" -c '.help .mode' >out
printf 'usage: .mode [MODE]\noutput mode: box table csv tsv json markdown line list\n' >expect
is_file expect out ".help TOPIC"
"$CWSH" -c .help | grep -c '^  \.' >n; test "$(cat n)" -ge 16; is 0 "$?" ".help lists the dot-commands"

cleanup_scratch
done_testing
