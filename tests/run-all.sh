#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README command 2: every test.  Installs what is missing (as root), then:
#   1. the plugin and the core, built warning-free; unit tests and integration tests (ctest)
#   2. the core and its unit tests again under AddressSanitizer + UBSan
#   3. tshark with the plugin under valgrind over every capture (tests/valgrind.sh)
#   4. a short libFuzzer run on the core (tests/fuzz/run.sh --short)
#   5. the tutorial and the README's docs section still match the plugin's real output
#   6. test-pcaps/MANIFEST against the captures with stock tshark only (no plugin)
#   7. Wireshark 4.4 (Debian 13) and 4.6 (forky): in a chroot of each, the build with -Werror
#      and the integration, views, hostile and unit tests with that release's tshark
#   8. the three Debian packages (4.0, 4.4, 4.6): built in their chroots, installed into a
#      fresh copy of each, loaded, run on a bundled capture, purged (tests/compat/)
# It ends with one "N passed, M failed" line and exits non-zero if anything failed.
# A step whose script is missing or not executable fails; it is never skipped.
set -u
cd "$(dirname "$0")/.."
./scripts/install-deps.sh || exit 1

# The chroots of the other releases download and unpack while the host's steps run.
mkdir -p build-compat
tests/compat/prepare.sh >build-compat/prepare.log 2>&1 &
prepare_pid=$!

passed=0 failed=0 failed_steps=""
step() {
    local name=$1; shift
    echo "== $name"
    if "$@"; then passed=$((passed + 1)); echo "== $name: ok"
    else failed=$((failed + 1)); failed_steps="$failed_steps
  - $name"; echo "== $name: FAILED"; fi
}

# run_script SCRIPT ARGS...: a step's script, which must be there and executable.
run_script() {
    [ -f "$1" ] && [ -x "$1" ] || { echo "run-all: $1 is missing or not executable" >&2; return 1; }
    "$@"
}

build_and_test() {
    cmake -S . -B build -G Ninja -DCMAKE_C_FLAGS="-Werror" >/dev/null &&
    cmake --build build &&
    ctest --test-dir build --output-on-failure
}

sanitized_core() {
    CC=${SANITIZER_CC:-gcc} cmake -S . -B build-asan -G Ninja -DIKEDIAG_CORE_ONLY=ON -DIKEDIAG_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
    cmake --build build-asan &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure
}

step "build, unit and integration tests" build_and_test
step "unit tests under ASan/UBSan" sanitized_core
step "plugin under valgrind" run_script tests/valgrind.sh build/plugins
step "short fuzz run" run_script tests/fuzz/run.sh --short
step "docs are current" env CHECK=1 NO_BUILD=1 docs/make-tutorial.sh
step "MANIFEST against stock tshark" run_script test-pcaps/generate/check-manifest.sh

chroots_ready() {
    wait "$prepare_pid" && cat build-compat/prepare.log ||
        { cat build-compat/prepare.log; echo "chroots could not be made (debootstrap or the mirror)"; false; }
}
packages_install() {
    local r ok=0
    for r in bookworm trixie forky; do tests/compat/package-test.sh "$r" || ok=1; done
    tests/compat/user-install.sh || ok=1
    return $ok
}
step "chroots of Debian 12, 13 and forky" chroots_ready
step "Wireshark 4.4 (Debian 13): build -Werror, tests, package" run_script tests/compat/build-and-test.sh trixie
step "Wireshark 4.6 (Debian forky): build -Werror, tests, package" run_script tests/compat/build-and-test.sh forky
step "Wireshark 4.0 (Debian 12): package" run_script tests/compat/build-and-test.sh bookworm --package-only
step "packages: install, load, diagnose, purge; the per-user install" packages_install

# the failed steps last: a CI log shown by its tail still names them
echo "run-all: $passed passed, $failed failed$failed_steps"
[ "$failed" = 0 ]
