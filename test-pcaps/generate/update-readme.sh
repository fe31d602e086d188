#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Refresh the scenario list in README.md from the DESC line of each scenario file.
dir=$(cd "$(dirname "$0")/.." && pwd)
list=$(for f in "$dir"/generate/scenarios/*.sh; do
    n=$(basename "$f" .sh)
    d=$(sed -n 's/^DESC="\(.*\)"$/\1/p' "$f" | head -1)
    echo "- \`$n\`: $d"
done)
awk -v list="$list" '
    /^## Scenarios/ { print; print ""; print list; print ""; skip=1; next }
    skip && /^## / { skip=0 }
    !skip { print }' "$dir/README.md" > "$dir/README.md.new" && mv "$dir/README.md.new" "$dir/README.md"
