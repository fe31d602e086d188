#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate every capture (run as root): sudo test-pcaps/generate/make-all.sh [NAME...]
# Each scenario runs in its own process with its own namespaces; nothing is left behind.
# Derived captures (slices of another capture, DERIVED_FROM=...) run last.
dir=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
if [ $# -eq 0 ]; then
    set -- $(cd "$dir/scenarios" && grep -L '^DERIVED_FROM=' *.sh | sed 's/\.sh$//') \
           $(cd "$dir/scenarios" && grep -l '^DERIVED_FROM=' *.sh | sed 's/\.sh$//')
fi
rc=0
for s in "$@"; do
    "$dir/run-scenario.sh" "$s" || { echo "FAILED: $s" >&2; rc=1; }
done
exit $rc
