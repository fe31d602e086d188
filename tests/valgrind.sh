#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark with the ikediag plugin under valgrind memcheck, over every capture in
# test-pcaps/ and tests/hostile/captures/: two passes (-2) with the full tree (-V), the
# plugin's -z views (ikediag,sa and flow,ikediag) and the capture's keys when it has a
# .keys file.  Any memcheck error or definite leak is fatal (exit 1), and so is anything
# that would leave part of it unchecked: no captures, or a view tshark does not list.
#
#   tests/valgrind.sh PLUGIN_DIR        e.g. build/plugins (laid out as DIR/4.0/epan/)
#
# As root, tshark ignores WIRESHARK_PLUGIN_DIR, so every run drops to uid 65534 in a
# staging folder that user can read (like tests/integration/wsrun.py).  Suppressed: GLib's
# own list and one leak in Wireshark's start-up; nothing whose stack reaches ikediag.so.
# Files run in parallel, one per core (IKEDIAG_VALGRIND_JOBS to change).
set -eu
cd "$(dirname "$0")/.."
plugin_dir=${1:?usage: tests/valgrind.sh PLUGIN_DIR}
jobs=${IKEDIAG_VALGRIND_JOBS:-$(nproc)}

captures=$(ls test-pcaps/*.pcap* 2>/dev/null || true)
hostile=$(ls tests/hostile/captures/*.pcap* 2>/dev/null || true)
if [ -z "$captures" ] || [ -z "$hostile" ]; then
    echo "valgrind: no captures in test-pcaps/ or tests/hostile/captures/: nothing would be checked" >&2
    exit 1
fi
captures="$captures $hostile"
command -v valgrind >/dev/null || { echo "valgrind: not installed (scripts/install-deps.sh)" >&2; exit 1; }
ls "$plugin_dir"/*/epan/ikediag.so >/dev/null 2>&1 || { echo "valgrind: no */epan/ikediag.so in $plugin_dir" >&2; exit 1; }

stage=$(mktemp -d /tmp/ikediag-valgrind.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage/captures" "$stage/home" "$stage/logs" "$stage/conf"
cp -r "$plugin_dir" "$stage/plugins"
for c in $captures; do
    case $c in tests/hostile/*) name=hostile-$(basename "$c") ;; *) name=$(basename "$c") ;; esac
    cp "$c" "$stage/captures/$name"
    keys=${c%%.pcap*}.keys
    if [ -f "$keys" ]; then  # a Wireshark configuration folder holding just the keys:
        mkdir -p "$stage/conf/$name"  # 2 fields per IKEv1 line, 8 per IKEv2 line
        awk -F, 'NF == 2' "$keys" > "$stage/conf/$name/ikev1_decryption_table"
        awk -F, 'NF == 8' "$keys" > "$stage/conf/$name/ikev2_decryption_table"
    fi
done

# Wireshark's own start-up leaks, per release (tests/wireshark-MAJOR.MINOR.supp: each
# release leaks differently), readable by uid 65534.
ws_release=$(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\)\.[0-9].*/\1/p')
[ -f "tests/wireshark-$ws_release.supp" ] || { echo "valgrind: no tests/wireshark-$ws_release.supp for this tshark (${ws_release:-unknown}): run once, read the leaks, write it" >&2; exit 1; }
cp "tests/wireshark-$ws_release.supp" "$stage/wireshark.supp"
suppressions="--suppressions=$stage/wireshark.supp"
[ -f /usr/share/glib-2.0/valgrind/glib.supp ] && suppressions="$suppressions --suppressions=/usr/share/glib-2.0/valgrind/glib.supp"
chmod -R a+rX "$stage"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$stage/home" "$stage/logs"

as_tshark_user=()
[ "$(id -u)" = 0 ] && as_tshark_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
run_env=(env -i PATH=/usr/bin:/bin HOME="$stage/home" LC_ALL=C.UTF-8 WIRESHARK_PLUGIN_DIR="$stage/plugins")

grep -q 'ikediag' <<<"$("${as_tshark_user[@]}" "${run_env[@]}" tshark -G plugins 2>&1)" ||
    { echo "valgrind: tshark does not load ikediag from $plugin_dir" >&2; exit 1; }
# The plugin's views, always: a tshark that does not know them fails this check (a
# quick run without valgrind says so plainly) instead of silently checking less.
# (tshark -z help cannot tell: it prints to stderr and does not list a plugin's views.)
views=(-z ikediag,sa -z flow,ikediag,network)
first=$(ls "$stage/captures" | head -1)
"${as_tshark_user[@]}" "${run_env[@]}" tshark -q -r "$stage/captures/$first" "${views[@]}" >/dev/null 2>"$stage/views.err" ||
    { echo "valgrind: tshark cannot run the views ${views[*]}:" >&2; head -3 "$stage/views.err" >&2; exit 1; }

# One capture: prints "ok NAME" or "FAIL NAME" and the valgrind summary.
check_one() {
    local name=$1 conf=()
    [ -d "$stage/conf/$name" ] && conf=(WIRESHARK_CONFIG_DIR="$stage/conf/$name")
    local log=$stage/logs/$name.valgrind
    local rc=0
    "${as_tshark_user[@]}" "${run_env[@]}" "${conf[@]}" valgrind --error-exitcode=99 --errors-for-leak-kinds=definite \
        --leak-check=full --num-callers=30 $suppressions --log-file="$log" \
        tshark -2 -V -r "$stage/captures/$name" "${views[@]}" >/dev/null 2>"$stage/logs/$name.stderr" || rc=$?
    if [ "$rc" = 0 ] && ! grep -qi "dissector bug" "$stage/logs/$name.stderr"; then
        echo "ok   $name"
    else
        echo "FAIL $name (exit $rc)"
        grep -E "Invalid|uninitialised|definitely lost|ERROR SUMMARY|ikediag" "$log" | head -20 | sed 's/^/    /'
        sed 's/^/    stderr: /' "$stage/logs/$name.stderr" | head -5
    fi
}
export -f check_one
export stage suppressions
export VIEWS="${views[*]}" AS_USER="${as_tshark_user[*]}" RUN_ENV="${run_env[*]}"

start=$(date +%s)
ls "$stage/captures" | xargs -P "$jobs" -I{} bash -c '
    views=($VIEWS); as_tshark_user=($AS_USER); run_env=($RUN_ENV)
    check_one "$1"' _ {} | tee "$stage/results"
failed=$(grep -c '^FAIL' "$stage/results" || true)
total=$(ls "$stage/captures" | wc -l)
echo "valgrind: $((total - failed)) of $total captures clean, $(( $(date +%s) - start )) s"
[ "$failed" = 0 ]
