#!/bin/bash
# libFuzzer on the pure-C core (fuzz_model.c).  Builds its own folder build-fuzz with
# clang (-fsanitize=fuzzer,address,undefined), replays the regression inputs and the
# core-level reproducers (ctest), then fuzzes from the seeds.
#
#   tests/fuzz/run.sh --short          about a minute; used by tests/run-all.sh
#   tests/fuzz/run.sh --long [SECONDS] before each release: 30 minutes by default, one
#                                      job per core
#   tests/fuzz/run.sh --trace FILE     print what a (crashing) input decodes to
#   tests/fuzz/run.sh --seeds          refresh tests/fuzz/corpus/ after test-pcaps changed
#   IKEDIAG_FUZZ_BUILD=build-fuzz-long tests/fuzz/run.sh --long   (beside a short run)
#
# Seeds: tests/fuzz/corpus/ (committed): hand-written ones and one per capture in
# test-pcaps/ and tests/hostile/captures/ (make_seeds.py, from tshark's header fields);
# --long also converts the captures as they are now.  The growing corpus lives in
# build-fuzz/corpus.  A crash, a sanitizer report or a leak stops the run, keeps the input
# in build-fuzz/findings/ and exits non-zero.  Make every finding a regression test:
#   cp build-fuzz/findings/crash-* tests/fuzz/regressions/SHORT-NAME
set -eu
cd "$(dirname "$0")/../.."
mode=${1:---short}
build=${IKEDIAG_FUZZ_BUILD:-build-fuzz}  # a second folder lets a long run go on beside short ones
fuzz_dir=tests/fuzz

configure_and_build() {
    command -v clang >/dev/null || { echo "fuzz: clang is needed (scripts/install-deps.sh)" >&2; exit 1; }
    CC=clang cmake -S . -B "$build" -G Ninja -DIKEDIAG_CORE_ONLY=ON -DIKEDIAG_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" --target fuzz_model regress_core >/dev/null
}

# The regression inputs and reproducers must pass before any new fuzzing counts.
replay_regressions() {
    ctest --test-dir "$build" -R '^fuzz_' --output-on-failure
}

# seeds_from_captures DIR: one seed per capture of test-pcaps/ and tests/hostile/ in DIR.
seeds_from_captures() {
    for dir in test-pcaps tests/hostile/captures; do
        if ls "$dir"/*.pcap* >/dev/null 2>&1; then
            python3 "$fuzz_dir/make_seeds.py" --pcaps "$dir" "$1" >/dev/null
        fi
    done
}

# gather_seeds [fresh]: the committed corpus, plus the captures as they are now if asked.
gather_seeds() {
    local seeds=$build/seeds
    rm -rf "$seeds" && mkdir -p "$seeds" "$build/corpus" "$build/findings"
    cp "$fuzz_dir"/corpus/* "$seeds"/
    if [ "${1:-}" = fresh ] && command -v tshark >/dev/null; then
        seeds_from_captures "$seeds"
    fi
    echo "fuzz: $(ls "$seeds" | wc -l) seeds"
}

# -max_len: 400 records are plenty to build every state; -timeout: no input may take a
# second (a quadratic table is a finding too); -rss_limit_mb: leaks and blow-ups.
fuzz() {
    local seconds=$1 jobs=$2
    local log=$build/fuzz.log
    set +e
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/tests/fuzz/fuzz_model" -max_total_time="$seconds" -max_len=4800 -timeout=1 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$build/findings/" -jobs="$jobs" -workers="$jobs" \
        "$build/corpus" "$build/seeds" >"$log" 2>&1
    local rc=$?
    set -e
    [ "$jobs" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|^#[0-9]+.*DONE" "$log" | tail -4 || true
    if [ "$rc" != 0 ] || ls "$build"/findings/crash-* "$build"/findings/leak-* "$build"/findings/timeout-* \
        "$build"/findings/oom-* >/dev/null 2>&1; then
        grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20 >&2
        echo "fuzz: FINDING (log: $log; inputs: $build/findings/)" >&2
        return 1
    fi
    echo "fuzz: clean, $seconds s"
}

trace() {
    local bin=$build/fuzz_model_trace
    clang -DFUZZ_MODEL_TRACE -g -fsanitize=fuzzer,address,undefined -Iplugin/core "$fuzz_dir/fuzz_model.c" \
        plugin/core/*.c $(pkg-config --cflags --libs glib-2.0) -o "$bin"
    "$bin" "$@"
}

# replay_then_fuzz SECONDS JOBS [fresh]: replay first, fuzz even when a known regression
# still fails, fail if either did.
replay_then_fuzz() {
    local replay=ok
    configure_and_build
    replay_regressions || replay=failed
    gather_seeds "${3:-}"
    fuzz "$1" "$2"
    [ "$replay" = ok ] || { echo "fuzz: regression inputs or reproducers FAILED (above)" >&2; return 1; }
}

case $mode in
--short) replay_then_fuzz "${IKEDIAG_FUZZ_SECONDS:-60}" 1 ;;
--long) replay_then_fuzz "${2:-1800}" "$(nproc)" fresh ;;
--seeds)
    python3 "$fuzz_dir/make_seeds.py" --hand "$fuzz_dir/corpus"
    seeds_from_captures "$fuzz_dir/corpus"
    ls "$fuzz_dir/corpus" | wc -l
    ;;
--trace)
    shift
    configure_and_build
    trace "$@"
    ;;
*)
    sed -n '2,19p' "$0" >&2
    exit 2
    ;;
esac
