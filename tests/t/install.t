#!/bin/sh
# install.t — `make install PREFIX=... DESTDIR=...` lays out bin/, lib/cwsh/
# and share/cwsh/, the installed binary finds its plugins, Lua and rules
# without any environment variable, and installing again replaces what
# was there instead of nesting copies inside it.
. tests/lib.sh
scratch
D="$T/dest"
inst() { make -C "$ROOT" -s --no-print-directory install BUILD="$BUILD" PREFIX=/opt/cwsh DESTDIR="$D" >make.out 2>&1; }
inst; is "$?" 0 "make install"
for f in bin/cwsh lib/cwsh/plugins/csv.so lib/cwsh/plugins/sqlite.so share/cwsh/lua/init.lua \
         share/cwsh/rules/checklist.lua share/man/man1/cwsh.1; do
    [ -f "$D/opt/cwsh/$f" ]; is "$?" 0 "installed: $f"
done
cd "$T" || exit 1
unset CWSH_DB
out=$(env -u CWSH_RULES -u CWSH_PLUGINS "$D/opt/cwsh/bin/cwsh" :memory: .plugins 2>&1)
case "$out" in *csv*sqlite*|*sqlite*csv*) ok "the installed binary loads its plugins" ;;
    *) not_ok "the installed binary loads its plugins"; echo "$out" | diag ;; esac
out=$("$D/opt/cwsh/bin/cwsh" :memory: .rules 2>&1 | head -1)
case "$out" in "rules 2027 ("*"): 37 items, 7 categories, 2 vetoes, 100 points") ok "and its default rules" ;;
    *) not_ok "and its default rules"; echo "$out" | diag ;; esac
out=$("$D/opt/cwsh/bin/cwsh" :memory: test 2>&1 | head -1)
case "$out" in "ok "*" rule tests; coverage: 37/37 items, 2/2 vetoes") ok "and the rule tests installed with them" ;;
    *) not_ok "and the rule tests installed with them"; echo "$out" | diag ;; esac

# again, with a stale file in the installed rules: replaced, not nested
touch "$D/opt/cwsh/share/cwsh/rules/stale.lua"
inst; is "$?" 0 "make install again"
[ ! -e "$D/opt/cwsh/share/cwsh/lua/lua" ] && [ ! -e "$D/opt/cwsh/share/cwsh/rules/rules" ]
is "$?" 0 "installing again does not nest lua/lua or rules/rules"
[ ! -e "$D/opt/cwsh/share/cwsh/rules/stale.lua" ]; is "$?" 0 "a file gone from the tree is gone from the install"
# a command module that raises when its command is first used (they load
# lazily, at the first lookup): the command fails with the module's
# message and the shell goes on (that lookup once ran unprotected: a Lua
# panic, abort)
printf 'error("units module broken", 0)\n' >"$D/opt/cwsh/share/cwsh/lua/commands/units.lua"
"$D/opt/cwsh/bin/cwsh" u.db -c 'units' -c '.print next' >out 2>&1; rc=$?
is "$rc" 1 "a broken command module: exit code 1, not an abort"
printf -- '-c:1: units module broken\nnext\n' >expect; is_file expect out "a broken command module: its message, and the shell goes on"

# a start-up that fails (here the installed init.lua raises at its end,
# after the commands are registered): with -bail no command runs, so no
# import commits under a session that exits 1; without it they run
printf '\nerror("start-up broken", 0)\n' >>"$D/opt/cwsh/share/cwsh/lua/init.lua"
"$D/opt/cwsh/bin/cwsh" -bail b.db -c 'CREATE TABLE t(a)' >out 2>err; rc=$?
is "$rc" 1 "-bail: a failed start-up exits 1"
printf 'error: start-up broken\n' >expect; is_file expect err "-bail: the start-up's error, and only it"
[ "$(sqlite3 b.db "SELECT count(*) FROM sqlite_master WHERE name = 't'")" = 0 ]
is "$?" 0 "-bail: no command ran after the failed start-up"
"$D/opt/cwsh/bin/cwsh" c.db -c 'CREATE TABLE t(a)' >out 2>err; rc=$?
is "$rc" 1 "without -bail: the failed start-up still exits 1"
[ "$(sqlite3 c.db "SELECT count(*) FROM sqlite_master WHERE name = 't'")" = 1 ]
is "$?" 0 "without -bail: the commands run"
cleanup_scratch
done_testing
