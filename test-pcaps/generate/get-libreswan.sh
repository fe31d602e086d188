#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Unpack Debian's libreswan (it conflicts with the strongSwan packages, so it is not
# installed) into $LIBRESWAN_ROOT (default /opt/ikediag-libreswan) for the scenarios with
# a libreswan side:  sudo test-pcaps/generate/get-libreswan.sh
set -eu
root=${LIBRESWAN_ROOT:-/opt/ikediag-libreswan}
[ -x "$root/usr/libexec/ipsec/pluto" ] && { echo "libreswan already in $root"; exit 0; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends libnss3-tools libldns3 libevent-pthreads-2.1-7 \
    libunbound8 libcurl3-nss >/dev/null
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && chown _apt "$tmp" 2>/dev/null; apt-get download libreswan)
mkdir -p "$root"; dpkg -x "$tmp"/libreswan_*.deb "$root"
echo "libreswan $("$root/usr/libexec/ipsec/pluto" --version 2>&1 | head -1) in $root"
