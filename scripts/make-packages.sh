#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make-packages.sh: the Debian packages, one per Wireshark release, each built inside a
# minimal chroot of its Debian release (tests/compat/chroot.sh makes and caches them):
#
#   build-packages/bookworm/ikediag_VERSION-1+ws4.0_amd64.deb   Debian 12, Wireshark 4.0
#   build-packages/trixie/ikediag_VERSION-1+ws4.4_amd64.deb     Debian 13, Wireshark 4.4
#   build-packages/forky/ikediag_VERSION-1+ws4.6_amd64.deb      forky,     Wireshark 4.6
#
# Run as root (debootstrap, chroot).  The first run downloads each release (a few minutes).
#   scripts/make-packages.sh [RELEASE...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "make-packages: run as root (chroots)" >&2; exit 1; }
releases=${*:-bookworm trixie forky}
./scripts/install-deps.sh
# shellcheck disable=SC2086
tests/compat/prepare.sh $releases
for r in $releases; do
    tests/compat/build-and-test.sh "$r" --package-only
done
ls -l build-packages/*/ikediag_*.deb
