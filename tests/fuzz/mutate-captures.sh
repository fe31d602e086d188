#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture-level fuzzing in the style of Wireshark's tools/fuzz-test.sh: N iterations, each
# takes the next capture of test-pcaps/ and tests/hostile/captures/ (round robin), flips
# bytes with editcap -E 0.02 (a new random mutation each time), and reads it with tshark
# and the plugin (odd iterations single pass, even ones -2; always -V so rendering runs).
#
#   tests/fuzz/mutate-captures.sh N             plugin built with ASan+UBSan in
#                                               build-asan-plugin/, tshark given libasan
#                                               by LD_PRELOAD: fast, catches what ASan does
#   tests/fuzz/mutate-captures.sh --valgrind N  the normal build/plugins under valgrind
#                                               memcheck (errors fatal): about 10x slower
#
# A failure is a crash (signal, abort), a sanitizer or valgrind report, or a dissector bug
# in IKEDIAG.  Each one is read again with the plugin disabled: if tshark still fails it
# is Wireshark's own bug (kept as failures/wireshark-*, not counted), otherwise the
# capture is kept in tests/fuzz/failures/ with its log, and the exit status is 1.  Turn a
# kept capture into a regression test: copy it to tests/hostile/captures/ and add its
# expectation to tests/hostile/check_hostile.py.
set -eu
cd "$(dirname "$0")/../.."
use_valgrind=no
if [ "${1:-}" = --valgrind ]; then use_valgrind=yes; shift; fi
iterations=${1:?usage: tests/fuzz/mutate-captures.sh [--valgrind] N}
jobs=${IKEDIAG_MUTATE_JOBS:-$(nproc)}
failures=tests/fuzz/failures

captures=$(ls test-pcaps/*.pcap* tests/hostile/captures/*.pcap* 2>/dev/null || true)
[ -n "$captures" ] || { echo "mutate: no captures" >&2; exit 1; }

if [ "$use_valgrind" = yes ]; then
    plugin_dir=build/plugins
    [ -d "$plugin_dir" ] || cmake --build build >/dev/null
else
    plugin_dir=build-asan-plugin/plugins
    cmake -S . -B build-asan-plugin -G Ninja -DIKEDIAG_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build-asan-plugin --target ikediag >/dev/null
fi

stage=$(mktemp -d /tmp/ikediag-mutate.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage/in" "$stage/home" "$stage/work" "$failures"
cp -r "$plugin_dir" "$stage/plugins"
n=0
for c in $captures; do
    cp "$c" "$stage/in/$(printf %03d $n)-$(basename "$c")"
    n=$((n + 1))
done
chmod -R a+rX "$stage"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$stage/home" "$stage/work"

cat >"$stage/run-one.sh" <<'EOF'
#!/bin/bash
# run-one.sh ITERATION: mutate one capture, read it, print "ok", "FAIL file" or "WIRESHARK file"
set -u
i=$1
inputs=("$STAGE"/in/*)
src=${inputs[$((i % ${#inputs[@]}))]}
name=$(printf %05d "$i")-$(basename "$src" | sed 's/^[0-9]*-//; s/\.gz$//')
mutated=$STAGE/work/$name
editcap -E 0.02 "$src" "$mutated" 2>/dev/null || { echo "ok"; exit 0; }
chmod 644 "$mutated"
passes=(); [ $((i % 2)) = 0 ] && passes=(-2)
as_user=(); [ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
run() {  # run EXTRA-ARGS...: tshark on the mutated capture; the exit code, log in $mutated.log
    local tool=()
    local sanitizer=()
    if [ "$USE_VALGRIND" = yes ]; then
        tool=(valgrind --error-exitcode=99 --errors-for-leak-kinds=definite --leak-check=full -q
              --suppressions="$STAGE/wireshark.supp" --suppressions=/usr/share/glib-2.0/valgrind/glib.supp)
    else
        sanitizer=(LD_PRELOAD="$ASAN_LIB" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1
                   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1)
    fi
    timeout 300 "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$STAGE/home" WIRESHARK_PLUGIN_DIR="$STAGE/plugins" \
        "${sanitizer[@]}" "${tool[@]}" tshark "${passes[@]}" -V -r "$mutated" "$@" >/dev/null 2>"$mutated.log"
}
rc=0; run || rc=$?
if [ "$rc" = 0 ] && ! grep -q "Dissector bug, protocol IKEDIAG" "$mutated.log"; then
    rm -f "$mutated" "$mutated.log"
    echo "ok"
    exit 0
fi
mv "$mutated.log" "$mutated.plugin.log"
rc_without=0; run --disable-protocol ikediag || rc_without=$?
if [ "$rc_without" != 0 ]; then echo "WIRESHARK $name (exit $rc, $rc_without without the plugin)"
else echo "FAIL $name (exit $rc)"; fi
EOF
chmod 755 "$stage/run-one.sh"
# Wireshark's own start-up leaks, per release (tests/wireshark-MAJOR.MINOR.supp: each
# release leaks differently), readable by uid 65534.
ws_release=$(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\)\.[0-9].*/\1/p')
[ -f "tests/wireshark-$ws_release.supp" ] || { echo "valgrind: no tests/wireshark-$ws_release.supp for this tshark (${ws_release:-unknown}): run once, read the leaks, write it" >&2; exit 1; }
cp "tests/wireshark-$ws_release.supp" "$stage/wireshark.supp"
chmod a+r "$stage/wireshark.supp"

export STAGE=$stage USE_VALGRIND=$use_valgrind ASAN_LIB=$(gcc -print-file-name=libasan.so)

# The set-up must load the plugin (a silent load failure would make every run "ok").
cp tests/hostile/captures/main-quick.pcap "$stage/sanity.pcap" && chmod a+r "$stage/sanity.pcap"
as_user=(); [ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
preload=(); [ "$use_valgrind" = no ] && preload=(LD_PRELOAD="$ASAN_LIB" ASAN_OPTIONS=detect_leaks=0)
first=$(timeout 300 "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" \
    "${preload[@]}" tshark -r "$stage/sanity.pcap" -c 1 -T fields -e ikediag.msg 2>&1 || true)
[ "$first" = "MM#1" ] || { echo "mutate: tshark does not run the plugin from $plugin_dir: $first" >&2; exit 1; }
start=$(date +%s)
# Progress every 30 s while the runs go on in parallel.
seq 1 "$iterations" | xargs -P "$jobs" -n 1 "$stage/run-one.sh" >"$stage/results" &
runner=$!
while kill -0 "$runner" 2>/dev/null; do
    sleep 30
    echo "mutate: $(wc -l <"$stage/results") of $iterations done, $(grep -c '^FAIL' "$stage/results") failures"
done
wait "$runner" || true
results=$(cat "$stage/results")
for line in $(grep -oE '^(FAIL|WIRESHARK) [^ ]+' <<<"$results" | tr ' ' '|'); do
    kind=${line%%|*} name=${line#*|}
    prefix=$([ "$kind" = FAIL ] && echo ikediag || echo wireshark)
    cp "$stage/work/$name" "$failures/$prefix-$name"
    cp "$stage/work/$name.plugin.log" "$failures/$prefix-$name.log"
done
grep -E '^(FAIL|WIRESHARK)' <<<"$results" || true
ours=$(grep -c '^FAIL' <<<"$results" || true)
theirs=$(grep -c '^WIRESHARK' <<<"$results" || true)
echo "mutate: $iterations mutated captures ($([ "$use_valgrind" = yes ] && echo valgrind || echo ASan)), " \
     "$ours ikediag failures, $theirs Wireshark-only failures, $(( $(date +%s) - start )) s" \
     "$([ $((ours + theirs)) -gt 0 ] && echo "(kept in $failures/)")"
[ "$ours" = 0 ]
