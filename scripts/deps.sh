#!/bin/sh
# Install the Debian packages cwsh needs when some are missing.  As root it
# runs apt-get; otherwise it prints the exact command and stops.
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
    echo "cwsh: installing$missing" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive $cmd -qq; } >&2 || exit 1
else
    echo "cwsh: missing Debian packages; run as root:" >&2
    echo "  $cmd" >&2
    exit 1
fi
