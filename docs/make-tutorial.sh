#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/make-tutorial.sh: re-make docs/tutorial.md and docs/README-docs.md by running every
# command they show (real tshark with the plugin from the build tree, on test-pcaps/).
#
#   docs/make-tutorial.sh               # configure and build, then write
#   BUILD_DIR=/tmp/b docs/make-tutorial.sh
#   NO_BUILD=1 docs/make-tutorial.sh    # use the plugin already in $BUILD_DIR
#   CHECK=1 docs/make-tutorial.sh       # write nothing, fail if the docs are stale
#
# Then docs/check-docs.py: every relative link and anchor in the Markdown files resolves.
#
# Needs tshark (Debian: tshark, wireshark-dev to build).  Stops, writing nothing, if a
# command fails or a verdict differs from what the text says (see docs/make_tutorial.py).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
if [ "${NO_BUILD:-0}" != 1 ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja >/dev/null
    cmake --build "$BUILD_DIR" >/dev/null
fi
[ -f "$BUILD_DIR/plugins/4.0/epan/ikediag.so" ] || { echo "make-tutorial: no plugin in $BUILD_DIR" >&2; exit 1; }
python3 "$ROOT/docs/make_tutorial.py" ${CHECK:+--check} "$BUILD_DIR/plugins"
# relative links and anchors of every Markdown file, the scanner page against its manual page
python3 "$ROOT/docs/check-docs.py"
