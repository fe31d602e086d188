#!/bin/bash
# Regenerate every capture (run as root): sudo test-pcaps/generate/make-all.sh [NAME...]
# Each scenario runs in its own process with its own namespaces; nothing is left behind.
dir=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
if [ $# -eq 0 ]; then set -- $(ls "$dir/scenarios" | sed -n 's/\.sh$//p'); fi
rc=0
for s in "$@"; do
    "$dir/run-scenario.sh" "$s" || { echo "FAILED: $s" >&2; rc=1; }
done
exit $rc
