#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the plugin with proposed patches applied, without touching the work tree:
#   bench/build_variant.sh NAME [PATCH...]   -> bench/out/variants/NAME/build/plugins
# Copies the current sources (plugin/, cmake/, tests/unit, CMakeLists.txt) so a
# proposal is measured against exactly what the baseline build measures.
set -eu
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
name=$1; shift
dest=$bench/out/variants/$name
rm -rf "$dest/src"
mkdir -p "$dest/src/tests"
cp -r "$repo/CMakeLists.txt" "$repo/cmake" "$repo/plugin" "$dest/src/"
cp -r "$repo/tests/unit" "$dest/src/tests/"
for patch in "$@"; do
    [ -s "$patch" ] || continue  # empty: the proposal is in the sources already
    patch -s -d "$dest/src" -p1 < "$patch"
done
cmake -S "$dest/src" -B "$dest/build" -G Ninja >/dev/null
cmake --build "$dest/build" --target ikediag >/dev/null
echo "$dest/build/plugins"
