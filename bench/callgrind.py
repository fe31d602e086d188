#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Instruction counts (callgrind) of tshark with the ikediag plugin on and off.

Per capture and command: the whole process's instructions with the plugin enabled and
disabled (their difference per frame is everything the plugin costs, the tree that its
primed fields force included), and the inclusive instructions of the plugin's entry
points (the post-dissector dissect_ikediag, tap callbacks *_packet) from
callgrind_annotate.  Instruction counts do not depend on the load of the machine.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import COMMANDS, Stage  # noqa: E402

LINE = re.compile(r"^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(\S+):(\S+)(?:\s+\[(\S+)\])?\s*$")


def run_callgrind(stage, args, name, keep=None):
    """(total Ir, {plugin function: inclusive Ir}); keep: where to save the annotation."""
    out = os.path.join(stage.dir, "cg", name)
    cmd = stage.prefix() + ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "tshark"] + args
    proc = subprocess.run(cmd, env=stage.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError("callgrind %s failed: %s" % (" ".join(args), proc.stderr[-1500:]))
    total = int(re.search(r"Collected : (\d+)", proc.stderr).group(1))
    annotate = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--auto=no", out],
                              capture_output=True, text=True).stdout
    if keep:
        with open(keep, "w") as f:
            f.write(annotate)
    # callgrind_annotate names the object on some lines only: learn the plugin's
    # function names from those, then take each one's largest (inclusive) count.
    rows = [(m.group(3), int(m.group(1).replace(",", "")), m.group(4))
            for m in map(LINE.match, annotate.splitlines()) if m]
    names = {fn for fn, _, obj in rows if obj and obj.endswith("ikediag.so")}
    plugin = {}
    for fn, ir, _ in rows:
        if fn in names:
            plugin[fn] = max(plugin.get(fn, 0), ir)
    return total, plugin


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--capture", action="append", required=True)
    ap.add_argument("--commands", default="summary,fields")
    ap.add_argument("--label", default="baseline", help="names the plugin build in the output")
    ap.add_argument("--json", required=True)
    ap.add_argument("--startup-capture", help="a one-frame capture: its counts are subtracted per frame")
    args = ap.parse_args()

    stage = Stage(args.plugin_dir)
    os.makedirs(os.path.join(stage.dir, "cg"))
    os.chmod(os.path.join(stage.dir, "cg"), 0o777)
    try:
        for capture in args.capture:
            meta = json.load(open(capture + ".json")) if os.path.exists(capture + ".json") else {}
            frames = meta.get("frames") or 1
            for command in args.commands.split(","):
                start_on = start_off = 0
                if args.startup_capture:
                    base = ["-r", args.startup_capture] + COMMANDS[command]
                    start_on, _ = run_callgrind(stage, base, "start-on")
                    start_off, _ = run_callgrind(stage, base + ["--disable-protocol", "ikediag"], "start-off")
                base = ["-r", capture] + COMMANDS[command]
                keep = os.path.join(os.path.dirname(os.path.abspath(args.json)), "callgrind-%s-%s-%s.txt" % (
                    args.label, os.path.basename(capture), command))
                on_total, plugin = run_callgrind(stage, base, "on", keep)
                off_total, _ = run_callgrind(stage, base + ["--disable-protocol", "ikediag"], "off")
                entry = plugin.get("dissect_ikediag", 0)
                taps = sum(v for k, v in plugin.items() if k.endswith("_packet"))
                row = {"label": args.label, "capture": os.path.basename(capture), "command": command, "meta": meta,
                       "ir_on": on_total, "ir_off": off_total, "ir_startup_on": start_on, "ir_startup_off": start_off,
                       "ir_per_frame_on": (on_total - start_on) / frames, "ir_per_frame_off": (off_total - start_off) / frames,
                       "ir_delta_per_frame": (on_total - off_total) / frames,
                       "ir_dissect_ikediag": entry, "ir_taps": taps,
                       "ir_dissect_per_frame": entry / frames,
                       "ir_dissect_per_ike_frame": entry / max(meta.get("ike_frames", 0), 1),
                       "top": sorted(plugin.items(), key=lambda kv: -kv[1])[:15]}
                with open(args.json, "a") as f:
                    f.write(json.dumps(row) + "\n")
                print("%-10s %-16s %-8s Ir on-off per frame %8.0f | dissect_ikediag per frame %8.0f per IKE frame %8.0f"
                      " | taps %d" % (args.label, row["capture"], command, row["ir_delta_per_frame"],
                                      row["ir_dissect_per_frame"], row["ir_dissect_per_ike_frame"], taps), flush=True)
    finally:
        stage.close()


if __name__ == "__main__":
    main()
