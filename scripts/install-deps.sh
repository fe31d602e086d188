#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages ikediag needs to build, run and test (as root).
# Quiet and quick when everything is already there.
set -eu
PACKAGES="wireshark-dev tshark libglib2.0-dev cmake ninja-build pkg-config gcc python3 \
clang libclang-rt-14-dev valgrind util-linux gzip parallel debootstrap"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "ikediag: missing packages:$missing; run this as root (or: sudo $0)" >&2
    exit 1
fi
echo "ikediag: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
