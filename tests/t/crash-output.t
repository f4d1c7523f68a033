#!/bin/sh
# What a full disk and a closed pipe leave of the session's output
# (.once, .output, stdout): a write that failed is said, fails its command
# (so -bail stops) and the exit; a reader that closed the pipe is not.
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=

"$CWSH" -bail n.db -c ".once /dev/full" -c "select 1 as a;" -c ".print after" >out 2>err
is 1 "$?" ".once on a full disk: exit 1"
printf "%s\n" "-c:2: cannot write '/dev/full': No space left on device" >expect
is_file expect err "... the select fails naming the file and why"
printf '' >expect
is_file expect out "... and -bail stops before .print"

"$CWSH" n.db -c ".output /dev/full" -c ".print x" -c ".output" -c ".print back" >out 2>err
is 1 "$?" ".output on a full disk: exit 1 (no -bail)"
printf "%s\n" "-c:2: cannot write '/dev/full': No space left on device" >expect
is_file expect err "... the command that wrote fails"
printf 'back\n' >expect
is_file expect out "... the session goes on"

"$CWSH" --mode csv n.db -c "ledger --all" >/dev/full 2>err
is 1 "$?" "stdout on a full disk: exit 1"
printf '0 findings\n%s\n' "-c:1: cannot write the output: No space left on device" >expect
is_file expect err "... said as the output"

"$CWSH" n.db -c ".print x" >/dev/full 2>err
is 1 "$?" "a .print to stdout on a full disk: exit 1"

# a closed pipe: quiet, whether SIGPIPE kills cwsh or is ignored
"$CWSH" n.db -c "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 200000) SELECT x FROM c;" 2>err | head -1 >/dev/null
printf '' >expect
is_file expect err "a reader that closes the pipe: nothing said"
(trap '' PIPE; "$CWSH" n.db -c "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 200000) SELECT x FROM c;" 2>err | head -1 >/dev/null)
is_file expect err "... and with SIGPIPE ignored (EPIPE)"

# a small file system filled by .output: the file's close is checked
mkdir small
if mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
    "$CWSH" -bail n.db -c ".output small/q.csv" -c ".mode csv" \
        -c "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) SELECT x, 'abcdefghij' FROM c;" \
        -c ".print after" >out 2>err
    is 1 "$?" ".output filling a small file system: exit 1"
    printf "%s\n" "-c:3: cannot write 'small/q.csv': No space left on device" >expect
    is_file expect err "... the select fails, naming the file"
    umount small
else
    echo "ok - .output filling a small file system: exit 1 # SKIP cannot mount a tmpfs"
    echo "ok - ... the select fails, naming the file # SKIP cannot mount a tmpfs"
    _tap_n=$((_tap_n + 2))
fi

cleanup_scratch
done_testing
