#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ikediag benchmark in one command (run as root or as a user; never on the network):
#
#   bench/run.sh [--quick] [--plugin-dir DIR] [--label NAME] [--regenerate] [--no-callgrind]
#                [--proposals] [--timeout SECONDS] [--runs N] [--runs-1m N] [--commands LIST]
#                [--commands-1m LIST]
#
# 1. builds the plugin (unless --plugin-dir names a built plugin folder),
# 2. generates the captures into bench/out/ if missing (mixes a, b, c at 10k, 100k and
#    1M frames; --quick: 10k and 100k only, 3 runs),
# 3. times tshark with the plugin enabled and disabled (measure.py),
# 4. counts instructions with callgrind on the 10k captures (callgrind.py),
# 5. prints the tables (report.py) and keeps them in bench/out/results-LABEL.md.
# --proposals measures the current sources with bench/proposals/[0-9]*.patch applied
# instead (label "proposed"), built in bench/out/variants/ without touching the tree.
# A run over --timeout seconds (default 900) ends that capture's measurements.
# At 1M frames only --commands-1m run (default: the issue's three, summary, 2pass and
# fields): tshark's own -z expert is quadratic in distinct summaries (README).
set -eu
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
out=$bench/out
quick=0 regenerate=0 callgrind=1 plugin_dir="" label=baseline proposals=0 timeout=900 runs="" runs_1m=3
commands=summary,2pass,fields,q-expert,q-sa commands_1m=summary,2pass,fields
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --regenerate) regenerate=1 ;;
    --no-callgrind) callgrind=0 ;;
    --proposals) proposals=1 ;;
    --timeout) timeout=$2; shift ;;
    --runs) runs=$2; shift ;;
    --runs-1m) runs_1m=$2; shift ;;
    --commands) commands=$2; shift ;;
    --commands-1m) commands_1m=$2; shift ;;
    --plugin-dir) plugin_dir=$2; shift ;;
    --label) label=$2; shift ;;
    *) echo "usage: $0 [--quick] [--plugin-dir DIR] [--label NAME] [--regenerate] [--no-callgrind]" \
            "[--proposals] [--timeout SECONDS] [--runs N] [--runs-1m N] [--commands LIST]" \
            "[--commands-1m LIST]" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$out"
chmod 755 "$out"

if [ $proposals = 1 ]; then
    # against the current sources; a proposal already applied leaves an empty patch
    python3 "$bench/proposals/make-patches.py" || true
    plugin_dir=$("$bench/build_variant.sh" proposed "$bench"/proposals/[0-9]*.patch)
    [ "$label" = baseline ] && label=proposed
elif [ -z "$plugin_dir" ]; then
    cmake -S "$repo" -B "$repo/build" -G Ninja >/dev/null
    cmake --build "$repo/build" --target ikediag >/dev/null
    plugin_dir=$repo/build/plugins
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 1; }

if [ $quick = 1 ]; then sizes="10000 100000"; : "${runs:=3}"; else sizes="10000 100000 1000000"; : "${runs:=5}"; fi
for n in $sizes; do
    for mix in a b c; do
        f=$out/$mix-$n.pcap
        if [ $regenerate = 1 ] || [ ! -f "$f" ]; then
            python3 "$bench/gen_capture.py" --mix $mix --frames $n --out "$f"
        fi
    done
done
# tshark's start-up, subtracted from per-frame times: the first frame of mix a
python3 - "$out/a-10000.pcap" "$out/one-frame.pcap" <<'EOF'
import os, struct, sys
data = open(sys.argv[1], "rb").read()
length = struct.unpack("<I", data[32:36])[0]
open(sys.argv[2], "wb").write(data[:40 + length])
os.chmod(sys.argv[2], 0o644)
EOF

times=$out/times-$label.jsonl
rm -f "$times"
{ echo "# $(date -u +%FT%TZ) label=$label plugin=$plugin_dir"
  echo "# $(nproc) CPUs: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(free -g | awk '/Mem:/ {print $2 " GiB RAM"}')"
  echo "# $(tshark --version 2>/dev/null | head -1); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$out/machine-$label.txt"

for n in $sizes; do
    # fewer runs on 1M frames: one run of the five commands takes minutes there
    r=$runs c=$commands; [ "$n" = 1000000 ] && r=$runs_1m c=$commands_1m
    python3 "$bench/measure.py" --plugin-dir "$plugin_dir" --label "$label" --runs $r --json "$times" \
        --timeout "$timeout" --startup-capture "$out/one-frame.pcap" --commands $c \
        --capture "$out/a-$n.pcap" --capture "$out/b-$n.pcap" --capture "$out/c-$n.pcap"
done
# The SA cap bounds the flood's memory: the largest flood again with a small cap.
largest=${sizes##* }
python3 "$bench/measure.py" --plugin-dir "$plugin_dir" --label "$label" --runs 1 --json "$times" \
    --timeout "$timeout" --commands summary --extra "-o ikediag.max_sas:20000" --capture "$out/c-$largest.pcap"

cg=$out/callgrind-$label.jsonl
if [ $callgrind = 1 ]; then
    rm -f "$cg"
    python3 "$bench/callgrind.py" --plugin-dir "$plugin_dir" --label "$label" --json "$cg" \
        --startup-capture "$out/one-frame.pcap" \
        --commands summary,fields --capture "$out/a-10000.pcap" --capture "$out/b-10000.pcap"
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine-$label.txt"

{ cat "$out/machine-$label.txt"; echo
  python3 "$bench/report.py" --times "$times" $( [ -f "$cg" ] && echo --callgrind "$cg" ) --label "$label"
} | tee "$out/results-$label.md"
