#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# prepare.sh: make (or reuse) the build chroots of every release ikediag is tested against,
# in parallel: downloads dominate, so three at once take about as long as one.
#
#   tests/compat/prepare.sh [RELEASE...]      default: bookworm trixie forky
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
releases=${*:-bookworm trixie forky}
pids=()
for r in $releases; do
    "$here/tests/compat/chroot.sh" dev "$r" >/dev/null &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] && echo "compat: chroots ready: $releases"
exit "$failed"
