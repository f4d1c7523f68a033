#!/bin/sh
# check-valgrind.sh BUILD — memcheck over the unit binaries, the fuzz
# replays and a representative set of cwsh runs (the transcripts named in
# VG_TRANSCRIPTS: imports, scoring, explain, what-if, the shell's input
# kinds).  Any memcheck error or definite leak fails it; the reports are
# printed.  Output is TAP, so the figures read like `make test`'s.
set -u
BUILD=${1:-build}
ROOT=$(pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
VG_TRANSCRIPTS=${VG_TRANSCRIPTS:-"sqlite/imports rules/score rules/recheck core/shell-values core/shell-sql-lines"}
LOG=$(mktemp -d "${TMPDIR:-/tmp}/cwsh-vg.XXXXXX")
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
# a cwsh that runs under memcheck, for the transcript test's $CWSH
cat >"$LOG/cwsh" <<WRAP
#!/bin/sh
exec $VG --log-file="$LOG/cwsh.%p" "$BUILD/cwsh" "\$@"
WRAP
chmod +x "$LOG/cwsh"
n=0 fail=0
result() {   # result NAME RC LOGFILES...
    name=$1 rc=$2; shift 2
    n=$((n + 1))
    if [ "$rc" = 0 ] && ! [ -s "$LOG/all" ]; then echo "ok $n - $name"
    else fail=$((fail + 1)); echo "not ok $n - $name (exit $rc)"; sed 's/^/# /' "$LOG/all" | head -60; fi
    rm -f "$LOG/all"
}
for bin in "$BUILD"/tests/*; do
    case "$bin" in *.d) continue ;; esac
    [ -x "$bin" ] || continue
    $VG --log-file="$LOG/all" "$bin" >/dev/null 2>"$LOG/stderr"
    result "unit ${bin##*/}" $?
done
for bin in "$BUILD"/fuzz/replay_*; do
    case "$bin" in *.d) continue ;; esac
    name=${bin##*/replay_}
    $VG --log-file="$LOG/all" "$bin" "$ROOT/tests/fuzz/corpus/$name" >/dev/null 2>&1
    result "fuzz replay $name" $?
done
out=$(CWSH_RUN="$LOG/cwsh" TRANSCRIPTS="$VG_TRANSCRIPTS" BUILD="$BUILD" sh tests/t/transcripts.t 2>&1)
rc=$?
cat "$LOG"/cwsh.* >"$LOG/all" 2>/dev/null
printf '%s\n' "$out" | grep '^not ok' >>"$LOG/all"
result "cwsh under memcheck: $(printf '%s\n' "$out" | grep -c '^ok ') transcripts ($VG_TRANSCRIPTS)" $rc
echo "1..$n"
rm -rf "$LOG"
[ "$fail" = 0 ]
