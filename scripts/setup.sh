#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# README command 1: install what is needed, build, install the plugin into Wireshark's
# global plugin folder, and show ikediag numbering the messages of a bundled capture.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build
cmake --install build
echo
echo "== ikediag on test-pcaps/p1-psk-mismatch.pcap (tshark -2):"
tshark -2 -r test-pcaps/p1-psk-mismatch.pcap 2>/dev/null \
    -T fields -E header=y -e frame.number -e ip.src -e udp.dstport -e ikediag.msg -e ikediag.role \
    -e ikediag.retransmission -e ikediag.stall -e ikediag.cause -Y ikediag
echo
echo "== the verdict:"
tshark -2 -r test-pcaps/p1-psk-mismatch.pcap -Y ikediag.cause -T fields -e ikediag.cause.text 2>/dev/null
