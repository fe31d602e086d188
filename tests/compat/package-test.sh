#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# package-test.sh: install a release's ikediag .deb into a fresh copy of that release's
# minimal chroot the way a user would (apt-get install ./ikediag_*.deb), check that its
# tshark loads the plugin and diagnoses a bundled capture, then remove it and check that
# nothing it installed is left.
#
# Owns: the user's view of the package.  Must not: build it (build-and-test.sh does).
#
#   tests/compat/package-test.sh RELEASE        uses build-packages/RELEASE/ikediag_*.deb
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
release=${1:?usage: package-test.sh RELEASE}
chroot_sh=$here/tests/compat/chroot.sh
cache=${IKEDIAG_CHROOTS:-$here/build-chroots}

fail() { echo "package-test $release: FAIL: $*" >&2; exit 1; }

deb=$(ls "$here/build-packages/$release"/ikediag_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no package in build-packages/$release (run build-and-test.sh $release first)"
version=$(dpkg-deb -f "$deb" Version)
echo "package-test $release: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
echo "package-test $release: Depends: $(dpkg-deb -f "$deb" Depends)"

base=$("$chroot_sh" base "$release")
fresh=$cache/pkgtest-$release
"$chroot_sh" remove "$fresh"
cp -a "$base" "$fresh"
trap '"$chroot_sh" remove "$fresh"' EXIT
cp "$deb" "$fresh/root/"
run() { "$chroot_sh" run "$fresh" "$@"; }

# 1. Install: apt resolves libwireshark's ABI package (and tshark to use it) by itself.
# shellcheck disable=SC2046
run apt-get $("$chroot_sh" apt-opts "$release") install -y -qq --no-install-recommends \
    "/root/$(basename "$deb")" tshark >"$cache/pkgtest-$release.log" 2>&1 ||
    fail "apt-get install failed; see $cache/pkgtest-$release.log"
run dpkg -L ikediag >"$fresh/root/files"
# The package must depend on the ABI package that owns this release's libwireshark.
abi=$(run dpkg-query -S '*/libwireshark.so.*' | head -n 1 | cut -d: -f1)
dpkg-deb -f "$deb" Depends | tr ',' '\n' | grep -q "^ *$abi\( \|$\)" || fail "Depends does not name $abi"
grep -q '/epan/ikediag.so$' "$fresh/root/files" || fail "the package has no plugin"

# 2. Loaded: tshark (as root: the global plugin folder) lists it with our version.
listed=$(run tshark -G plugins | grep '^ikediag\.so' || true)
echo "package-test $release: tshark -G plugins: $listed"
upstream=${version%%-*}
echo "$listed" | grep -q "ikediag.so[[:space:]]*$upstream[[:space:]]" || fail "tshark does not list ikediag $upstream"

# 3. Used: the psk-mismatch capture numbered and diagnosed as test-pcaps/MANIFEST says.
msgs=$(run tshark -2 -r /src/test-pcaps/p1-psk-mismatch.pcap -Y ikediag -T fields -e ikediag.msg | tr '\n' ' ')
echo "package-test $release: messages: $msgs"
[ "$msgs" = "MM#1 MM#2 MM#3 MM#4 MM#5 INFO MM#5 INFO MM#5 INFO MM#5 INFO " ] || fail "unexpected numbering"
cause=$(run tshark -2 -r /src/test-pcaps/p1-psk-mismatch.pcap -Y ikediag.cause -T fields -e ikediag.stall -e ikediag.cause)
echo "package-test $release: verdict: $cause"
[ "$cause" = "MM#5	psk-mismatch" ] || fail "unexpected verdict"
run test -x /usr/bin/ikediag-scan || fail "no /usr/bin/ikediag-scan"

# 4. Removed cleanly: purge leaves none of the files it installed.
run apt-get purge -y -qq ikediag >>"$cache/pkgtest-$release.log" 2>&1 || fail "apt-get purge failed"
left=""
while read -r path; do
    [ -f "$fresh$path" ] || [ -L "$fresh$path" ] && left="$left $path"
done <"$fresh/root/files"
[ -z "$left" ] || fail "files left after purge:$left"
echo "package-test $release: installed, loaded, diagnosed, purged cleanly"
