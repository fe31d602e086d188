#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# user-install.sh: the per-user install of the README works: configured with
# IKEDIAG_INSTALL_SCOPE=user and installed with --prefix ~/.local, the plugin lands in the
# personal plugin folder that `tshark -G folders` names, and that user's tshark loads it.
# Runs against the host's Wireshark, as uid 65534 with a scratch HOME.
# Wireshark reads its global plugin folder first and refuses a second ikediag.so ("found in
# multiple directories"), so a system-wide install (README command 1) shadows the personal
# one; the test then points the global folder at an empty one to see the personal copy alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "user-install: FAIL: $*" >&2; exit 1; }

home=$(mktemp -d /tmp/ikediag-home.XXXXXX)
trap 'rm -rf "$home"' EXIT
chmod 755 "$home"
cmake -S . -B build-user -G Ninja -DIKEDIAG_INSTALL_SCOPE=user >/dev/null
cmake --build build-user --target ikediag >/dev/null
cmake --install build-user --prefix "$home/.local" >/dev/null
chown -R 65534:65534 "$home"

global_dir=$(tshark -G folders 2>/dev/null | awk -F'\t' '/^Global Plugins:/ {print $NF}')
no_global=()
if [ -n "$global_dir" ] && [ -f "$global_dir/epan/ikediag.so" ]; then
    mkdir -p "$home/no-global-plugins"
    no_global=(WIRESHARK_PLUGIN_DIR="$home/no-global-plugins")
    echo "user-install: a system-wide $global_dir/epan/ikediag.so would shadow the personal copy; reading the personal folder alone"
fi
as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME="$home" PATH=/usr/bin:/bin "${no_global[@]}" "$@"; }
personal=$(as_user tshark -G folders | awk -F'\t' '/^Personal Plugins:/ {print $NF}')
[ -n "$personal" ] || fail "tshark -G folders names no personal plugin folder"
[ -f "$personal/epan/ikediag.so" ] || fail "no ikediag.so in $personal/epan (installed: $(find "$home" -name ikediag.so))"
listed=$(as_user tshark -G plugins | grep '^ikediag\.so' || true)
case $listed in
    *"$personal/epan/ikediag.so"*) echo "user-install: $listed" ;;
    *) fail "tshark does not list $personal/epan/ikediag.so (got: '$listed')" ;;
esac
