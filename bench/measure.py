#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time tshark over benchmark captures with the ikediag plugin enabled and disabled.

For each capture and command, runs alternate on/off (on,off,off,on,... so drift
cancels), `--runs` times each, under /usr/bin/time for peak RSS.  Reports the median
wall time of each, their ratio, median CPU time, and peak RSS; per-frame times
subtract tshark's start-up (the same command on a one-frame capture).

tshark ignores WIRESHARK_PLUGIN_DIR as root, so every run drops to uid 65534 with
setpriv; the plugin folder and HOME are staged in a mktemp -d folder it can read.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

# The commands timed; every one dissects every frame (`-q` alone would not).
COMMANDS = {
    "summary": [],  # default one-line summary, to /dev/null
    "2pass": ["-2"],  # two passes, summary of the second to /dev/null
    "fields": ["-T", "fields", "-e", "ikediag.msg"],
    "q-sa": ["-q", "-z", "ikediag,sa"],  # single pass, the SA table at the end
    "q-expert": ["-q", "-z", "expert,note"],
}


class Stage:
    def __init__(self, plugin_dir, timeout=None):
        self.timeout = timeout
        self.dir = tempfile.mkdtemp(prefix="ikediag-bench-")
        os.chmod(self.dir, 0o755)
        self.plugins = os.path.join(self.dir, "plugins")
        shutil.copytree(plugin_dir, self.plugins)
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        for root, dirs, files in os.walk(self.dir):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        if os.getuid() == 0:
            os.chown(self.home, 65534, 65534)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self):
        return {"PATH": "/usr/bin:/bin", "HOME": self.home, "WIRESHARK_PLUGIN_DIR": self.plugins,
                "LC_ALL": "C.UTF-8"}

    def prefix(self):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.getuid() == 0 else []

    def time_run(self, args):
        """(wall seconds, cpu seconds, peak RSS KiB) of one tshark run, output discarded."""
        stats = os.path.join(self.dir, "time.out")
        cmd = ["/usr/bin/time", "-f", "%U %S %M", "-o", stats] + self.prefix() + ["tshark"] + args
        t0 = time.perf_counter()
        # its own process group, so a timeout ends tshark too and not only /usr/bin/time
        proc = subprocess.Popen(cmd, env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError("timeout: over %d s" % self.timeout)
        proc.stderr = stderr
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError("tshark %s failed (exit %d): %s" % (" ".join(args), proc.returncode,
                                                                  proc.stderr[-2000:]))
        user, system, rss = open(stats).read().split()[-3:]
        return wall, float(user) + float(system), int(rss)


def readable_by_nobody(path):
    """tshark runs as uid 65534: every folder above the capture must be searchable."""
    p = os.path.dirname(os.path.abspath(path))
    while p != "/":
        if not os.stat(p).st_mode & 0o001:
            return False
        p = os.path.dirname(p)
    return os.stat(path).st_mode & 0o004 != 0


def measure(stage, capture, command, runs, extra=()):
    base = ["-r", capture] + COMMANDS[command] + list(extra)
    results, failed = {"on": [], "off": []}, {}
    for i in range(runs):
        order = ("on", "off") if i % 2 == 0 else ("off", "on")
        for mode in order:
            if mode in failed:
                continue
            args = base + (["--disable-protocol", "ikediag"] if mode == "off" else [])
            try:
                results[mode].append(stage.time_run(args))
            except RuntimeError as e:  # reported, not fatal: the other mode still tells something
                failed[mode] = str(e)
    out = {"failed": failed}
    for mode, rows in results.items():
        if mode in failed:
            out[mode] = None
            continue
        out[mode] = {
            "wall": statistics.median(r[0] for r in rows),
            "cpu": statistics.median(r[1] for r in rows),
            "wall_min": min(r[0] for r in rows),  # contention only ever adds time
            "cpu_min": min(r[1] for r in rows),
            "rss_kib": max(r[2] for r in rows),
            "walls": [round(r[0], 4) for r in rows],
        }
    if out["on"] and out["off"]:
        out["ratio"] = out["on"]["wall"] / out["off"]["wall"]
        out["cpu_ratio"] = out["on"]["cpu"] / out["off"]["cpu"]
    return out


def describe(row):
    def part(mode):
        m = row[mode]
        return "%s %7.3fs rss %7d KiB" % (mode, m["wall"], m["rss_kib"]) if m else "%s FAILED" % mode
    ratio = "ratio %.3f (cpu %.3f)" % (row["ratio"], row["cpu_ratio"]) if "ratio" in row else ""
    failed = "; ".join(row["failed"].values())[:300]
    return "%-9s %-16s %-9s %s | %s %s %s" % (row["label"], row["capture"], row["command"], part("on"), part("off"), ratio, failed)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True, help="folder laid out as 4.0/epan/ikediag.so")
    ap.add_argument("--capture", action="append", required=True, help="capture (its .json sidecar is read)")
    ap.add_argument("--startup-capture", help="a one-frame capture, to subtract tshark's start-up")
    ap.add_argument("--commands", default="summary,2pass,fields,q-sa")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--extra", default="", help="more tshark arguments, space-separated (e.g. -o ...)")
    ap.add_argument("--json", required=True, help="append one JSON line per measurement here")
    ap.add_argument("--label", default="baseline", help="names the plugin build in the output")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds before a run counts as failed")
    args = ap.parse_args()

    stage = Stage(args.plugin_dir, args.timeout)
    try:
        for capture in args.capture:
            if not readable_by_nobody(capture):
                sys.exit("%s is not readable by uid 65534" % capture)
            meta = json.load(open(capture + ".json")) if os.path.exists(capture + ".json") else {}
            timed_out = None
            for command in args.commands.split(","):
                if timed_out:  # one timeout with the plugin on says enough about this capture
                    print("%-9s %-16s %-9s skipped: %s timed out" % (args.label, os.path.basename(capture), command,
                                                                      timed_out), flush=True)
                    continue
                row = {"label": args.label, "capture": os.path.basename(capture), "command": command, "meta": meta,
                       "extra": args.extra, "loadavg": os.getloadavg()[0]}
                row.update(measure(stage, capture, command, args.runs, args.extra.split()))
                if args.startup_capture:
                    row["startup"] = measure(stage, args.startup_capture, command, max(3, args.runs),
                                             args.extra.split())
                with open(args.json, "a") as f:
                    f.write(json.dumps(row) + "\n")
                print(describe(row), flush=True)
                if "timeout" in row["failed"].get("on", ""):
                    timed_out = command
    finally:
        stage.close()


if __name__ == "__main__":
    main()
