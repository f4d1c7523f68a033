#!/bin/sh
# fuzz-replay.t — every fuzz target (tests/fuzz/fuzz_*.c) replayed over its
# corpus (tests/fuzz/corpus/NAME, where crashers found by `make fuzz` are
# kept) and over the CSV fixtures: no crash, no broken invariant (under
# ASan+UBSan in `make check-sanitize`).
. tests/lib.sh
for bin in "$BUILD"/fuzz/replay_*; do
    case "$bin" in *.d) continue ;; esac
    name=${bin##*/replay_}
    out=$("$bin" "$ROOT/tests/fuzz/corpus/$name" "$ROOT/tests/fixtures/csv" 2>&1)
    rc=$?
    n=$(printf '%s\n' "$out" | grep -c '^ok ')
    bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
    if [ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$n" -gt 0 ]; then ok "fuzz target $name: $n inputs replayed"
    else not_ok "fuzz target $name (exit $rc)"; printf '%s\n' "$out" | grep -v '^ok ' | tail -20 | diag; fi
done
done_testing
