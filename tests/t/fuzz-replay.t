#!/bin/sh
# fuzz-replay.t — every fuzz target (tests/fuzz/fuzz_*.c) replayed over its
# corpus (tests/fuzz/corpus/NAME, where crashers found by `make fuzz` are
# kept) and over its seed directories (the Makefile's FUZZ_SEEDS_NAME; keep
# the two in step): no crash, no broken invariant (under ASan+UBSan in
# `make check-sanitize`).
. tests/lib.sh
for bin in "$BUILD"/fuzz/replay_*; do
    case "$bin" in *.d) continue ;; esac
    name=${bin##*/replay_}
    case $name in
        read|conv) seeds="$ROOT/tests/fixtures/csv" ;;
        split) seeds="$ROOT/tests/transcripts" ;;
        *) seeds= ;;
    esac
    out=$("$bin" "$ROOT/tests/fuzz/corpus/$name" $seeds 2>&1)
    rc=$?
    n=$(printf '%s\n' "$out" | grep -c '^ok ')
    bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
    if [ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$n" -gt 0 ]; then ok "fuzz target $name: $n inputs replayed"
    else not_ok "fuzz target $name (exit $rc)"; printf '%s\n' "$out" | grep -v '^ok ' | tail -20 | diag; fi
done
done_testing
