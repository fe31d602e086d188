#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libFuzzer on the pure-C core: fuzz_model.c (the model, diagnosis and labels) and
# fuzz_parse.c (ike_parse.c on raw bytes).  Builds its own folder build-fuzz with clang
# (-fsanitize=fuzzer,address,undefined), replays the regression inputs, the parser's
# seeds and the core-level reproducers (ctest), then fuzzes from the seeds: fuzz_model
# three quarters of the time, fuzz_parse the rest.
#
#   tests/fuzz/run.sh --short          about a minute (IKEDIAG_FUZZ_SECONDS, 60 by default:
#                                      45 s fuzz_model, 15 s fuzz_parse); used by
#                                      tests/run-all.sh
#   tests/fuzz/run.sh --long [SECONDS] before each release: 30 minutes by default, split
#                                      the same way, one job per core
#   tests/fuzz/run.sh --trace FILE     print what a (crashing) fuzz_model input decodes to
#   tests/fuzz/run.sh --seeds          refresh tests/fuzz/corpus/ and corpus-parse/ after
#                                      test-pcaps changed
#   IKEDIAG_FUZZ_BUILD=build-fuzz-long tests/fuzz/run.sh --long   (beside a short run)
#
# Seeds: tests/fuzz/corpus/ (committed): hand-written ones and one per capture in
# test-pcaps/ and tests/hostile/captures/ (make_seeds.py, from tshark's header fields);
# --long also converts the captures as they are now.  tests/fuzz/corpus-parse/
# (committed, make_parse_seeds.py): ISAKMP frames of a few captures, raw.  The growing
# corpora live in build-fuzz/corpus and build-fuzz/corpus-parse.  A crash, a sanitizer
# report or a leak stops the run, keeps the input in build-fuzz/findings/ (fuzz_parse's
# named parse-crash-* and so on) and exits non-zero.  Make every finding a regression test:
#   cp build-fuzz/findings/crash-* tests/fuzz/regressions/SHORT-NAME
#   cp build-fuzz/findings/parse-crash-* tests/fuzz/corpus-parse/regress-SHORT-NAME
set -eu
cd "$(dirname "$0")/../.."
mode=${1:---short}
build=${IKEDIAG_FUZZ_BUILD:-build-fuzz}  # a second folder lets a long run go on beside short ones
fuzz_dir=tests/fuzz

configure_and_build() {
    command -v clang >/dev/null || { echo "fuzz: clang is needed (scripts/install-deps.sh)" >&2; exit 1; }
    CC=clang cmake -S . -B "$build" -G Ninja -DIKEDIAG_CORE_ONLY=ON -DIKEDIAG_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" --target fuzz_model fuzz_parse regress_core >"$build/build.log" 2>&1 || {
        echo "fuzz: the build failed ($build/build.log):" >&2
        grep -m 20 -E 'error|Error' "$build/build.log" >&2
        exit 1
    }
}

# The regression inputs and reproducers must pass before any new fuzzing counts.
# Each of the three must be registered: a missing one would otherwise pass in silence.
replay_regressions() {
    local listed t
    listed=$(ctest --test-dir "$build" -N)
    for t in fuzz_regress_core fuzz_regressions fuzz_parse_seeds; do
        grep -q ": $t\$" <<<"$listed" || { echo "fuzz: ctest $t is not registered" >&2; return 1; }
    done
    ctest --test-dir "$build" -R '^fuzz_' --no-tests=error --output-on-failure
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
    rm -rf "$build/seeds-parse" && mkdir -p "$build/seeds-parse" "$build/corpus-parse"
    cp "$fuzz_dir"/corpus-parse/* "$build/seeds-parse"/
    echo "fuzz_parse: $(ls "$build/seeds-parse" | wc -l) seeds"
}

# run_target TARGET SECONDS JOBS MAX_LEN PREFIX CORPUS SEEDS: libFuzzer on one target;
# its findings are build/findings/PREFIXcrash-*, PREFIXleak-* ...  -timeout: no input may
# take a second (a quadratic table is a finding too); -rss_limit_mb: leaks and blow-ups.
run_target() {
    local target=$1 seconds=$2 jobs=$3 max_len=$4 prefix=$5 corpus=$6 seeds=$7
    local log=$build/$target.log
    set +e
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=1 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$build/findings/$prefix" -jobs="$jobs" -workers="$jobs" \
        "$corpus" "$seeds" >"$log" 2>&1
    local rc=$?
    set -e
    [ "$jobs" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|^#[0-9]+.*DONE" "$log" |
        tail -4 || true
    # ls fails when any one pattern matches nothing: count what it lists instead
    if [ "$rc" != 0 ] || ls "$build/findings/${prefix}"crash-* "$build/findings/${prefix}"leak-* \
        "$build/findings/${prefix}"timeout-* "$build/findings/${prefix}"oom-* 2>/dev/null | grep -q .; then
        grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20 >&2
        echo "$target: FINDING (log: $log; inputs: $build/findings/${prefix}*)" >&2
        return 1
    fi
    echo "$target: clean, $seconds s"
}

# The model: 400 records (-max_len 4800) are plenty to build every state.
fuzz() { run_target fuzz_model "$1" "$2" 4800 "" "$build/corpus" "$build/seeds"; }
# The parser: one input is a frame (an Ethernet jumbo frame fits) or a decrypted body.
fuzz_parse() { run_target fuzz_parse "$1" "$2" 9100 parse- "$build/corpus-parse" "$build/seeds-parse"; }

trace() {
    local bin=$build/fuzz_model_trace
    clang -DFUZZ_MODEL_TRACE -g -fsanitize=fuzzer,address,undefined -Iplugin/core "$fuzz_dir/fuzz_model.c" \
        plugin/core/*.c $(pkg-config --cflags --libs glib-2.0) -o "$bin"
    "$bin" "$@"
}

# replay_then_fuzz SECONDS JOBS [fresh]: replay first, fuzz even when a known regression
# still fails, fail if either did.  SECONDS in all: a quarter (at least 1 s) for
# fuzz_parse, the rest for fuzz_model; both run even when the first finds something.
replay_then_fuzz() {
    local replay=ok found=no
    local parse_seconds=$(($1 / 4))
    [ "$parse_seconds" -ge 1 ] || parse_seconds=1
    local model_seconds=$(($1 - parse_seconds))
    [ "$model_seconds" -ge 1 ] || model_seconds=1
    configure_and_build
    replay_regressions || replay=failed
    gather_seeds "${3:-}"
    fuzz "$model_seconds" "$2" || found=yes
    fuzz_parse "$parse_seconds" "$2" || found=yes
    [ "$replay" = ok ] || { echo "fuzz: regression inputs or reproducers FAILED (above)" >&2; return 1; }
    [ "$found" = no ]
}

case $mode in
--short) replay_then_fuzz "${IKEDIAG_FUZZ_SECONDS:-60}" 1 ;;
--long) replay_then_fuzz "${2:-1800}" "$(nproc)" fresh ;;
--seeds)
    python3 "$fuzz_dir/make_seeds.py" --hand "$fuzz_dir/corpus"
    seeds_from_captures "$fuzz_dir/corpus"
    ls "$fuzz_dir/corpus" | wc -l
    python3 "$fuzz_dir/make_parse_seeds.py" --pcaps test-pcaps "$fuzz_dir/corpus-parse"
    ;;
--trace)
    shift
    configure_and_build
    trace "$@"
    ;;
*)
    sed -n '2,26p' "$0" >&2
    exit 2
    ;;
esac
