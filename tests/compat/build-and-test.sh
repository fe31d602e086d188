#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-and-test.sh: build ikediag inside a Debian release's chroot against that release's
# Wireshark, warning-free (-Werror), run its tests there with its own tshark, and make the
# release's Debian package.
#
# Owns: the build, the test run and cpack inside one chroot.  Must not: make chroots
# (chroot.sh) or install the package (package-test.sh).
#
#   tests/compat/build-and-test.sh RELEASE [--package-only]
#
# The package lands in build-packages/RELEASE/.  --package-only builds and packages but
# runs no test (for the host's own release, whose tests run on the host).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
release=${1:?usage: build-and-test.sh RELEASE [--package-only]}
mode=${2:-test}
chroot_sh=$here/tests/compat/chroot.sh

dir=$("$chroot_sh" dev "$release")
out=$here/build-packages/$release
"$chroot_sh" remove "$dir/build"
rm -rf "$out"
mkdir -p "$dir/build" "$out"

# Inside the chroot: /src is the source tree (read-only), /build the build folder.
inside_build='set -e
cmake -S /src -B /build/ikediag -G Ninja -DCMAKE_C_FLAGS=-Werror -DCMAKE_INSTALL_PREFIX=/usr >/build/configure.log
grep -E "ikediag:" /build/configure.log
cmake --build /build/ikediag
cd /build/ikediag && cpack -G DEB >/build/cpack.log && ls /build/ikediag/*.deb'
"$chroot_sh" run "$dir" /bin/sh -c "$inside_build"
cp "$dir"/build/ikediag/*.deb "$out/"

if [ "$mode" != --package-only ]; then
    echo "compat: tests against $("$chroot_sh" run "$dir" tshark --version | head -n 1)"
    # The unit tests and the five that read tshark's output (two-points reads the interface
    # names through compat.c, tunnels the ESP layer each release dissects; the report and the
    # scanner's tests run on the host's release only: they add no Wireshark API).
    "$chroot_sh" run "$dir" ctest --test-dir /build/ikediag --output-on-failure -R '^(unit_.*|integration|two-points|tunnels|views|hostile)$' 
fi
echo "compat: $release: $(ls "$out")"
