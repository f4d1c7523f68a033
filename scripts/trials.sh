# trials.sh — the preamble shared by check-crash.sh and
# check-concurrency.sh, sourced with TRIALS_NAME set (crash, conc):
# BUILD (the first argument, absolute), ROOT (the repository, the cwd
# they are run from), CWSH, a scratch directory W (removed at exit) as
# cwd with its own HOME, and TAP: tap ok|not NAME (n, fail), ms.
set -u
BUILD=${1:-build}
ROOT=$(pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CWSH="$BUILD/cwsh"
W=$(mktemp -d "${TMPDIR:-/tmp}/cwsh-$TRIALS_NAME.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
export HOME="$W/home" NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
mkdir -p home
n=0 fail=0
tap() { n=$((n + 1)); if [ "$1" = ok ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
# milliseconds since the epoch
ms() { date +%s%3N; }
