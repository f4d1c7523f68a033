#!/bin/sh
# Transcript tests: tests/transcripts/AREA/NAME.cwsh is fed to cwsh on stdin
# in a fresh scratch directory (fixtures/ links tests/fixtures); stdout and
# stderr together must equal NAME.out.  Optional NAME.args holds the command
# line arguments (one line, shell words), NAME.rc the expected exit code
# (default 0), NAME.setup a shell snippet run first in the scratch directory.
# CWSH_REGEN=1 rewrites every NAME.out with what cwsh printed: review the
# change with git diff before committing it.  Elapsed times in summaries
# ("in 0.0 s") are compared as "in T s".  TRANSCRIPTS="AREA/NAME ..."
# runs only those (make check-valgrind).
. tests/lib.sh
for in in $(find "$ROOT/tests/transcripts" -name '*.cwsh' | sort); do
    base=${in%.cwsh}
    name=${base#"$ROOT/tests/transcripts/"}
    case " ${TRANSCRIPTS:-$name} " in *" $name "*) ;; *) continue ;; esac
    scratch
    [ -f "$base.setup" ] && . "$base.setup"
    args=""; [ -f "$base.args" ] && args=$(cat "$base.args")
    want_rc=0; [ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
    eval "\"\$CWSH\" $args" <"$in" >actual.raw 2>&1
    rc=$?
    # elapsed times vary from run to run: "imported ... in 0.0 s" -> "in T s"
    sed -E 's/ in [0-9]+\.[0-9] s/ in T s/g' actual.raw >actual
    [ "${CWSH_REGEN:-}" = 1 ] && cp actual "$base.out"
    if [ "$rc" != "$want_rc" ]; then
        not_ok "$name: exit code $rc, expected $want_rc"; diag <actual
    else
        is_file "$base.out" actual "$name"
    fi
    cleanup_scratch
done
done_testing
