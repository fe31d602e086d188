#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate one capture: sudo test-pcaps/generate/run-scenario.sh NAME
# Writes test-pcaps/NAME.pcap, NAME.keys, logs/NAME.{left,right}.log
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 SCENARIO" >&2; exit 2; }
f=$GEN_DIR/scenarios/$1.sh
[ -f "$f" ] || { echo "no such scenario: $f" >&2; exit 2; }
run_scenario "$f"
