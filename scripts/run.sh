#!/bin/sh
# make run: the main job on the embedded default database with the bundled
# demo data (import, score, ranking), then the interactive shell when
# stdin is a terminal.
set -e
BUILD=${1:-build}
"$BUILD/cwsh" -bail -f scripts/demo/main.cwsh
if [ -t 0 ]; then exec "$BUILD/cwsh"; fi
