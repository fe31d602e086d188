#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Markdown tables from the JSON lines that measure.py and callgrind.py append.

  report.py --times out/times.jsonl [--callgrind out/callgrind.jsonl] [--label NAME]

Per-frame times subtract tshark's start-up (the same command, same mode, on a
one-frame capture), so that 10k-frame files are comparable with 1M-frame ones.
"""
import argparse
import json
import re


def load(path, label):
    rows = []
    for line in open(path):
        row = json.loads(line)
        if label is None or row.get("label") == label:
            rows.append(row)
    return rows


def latest(rows):
    """The last measurement of each (label, capture, command, extra)."""
    out = {}
    for r in rows:
        out[(r.get("label"), r["capture"], r["command"], r.get("extra", ""))] = r
    return list(out.values())


def size_of(row):
    m = re.search(r"-(\d+)\.pcap", row["capture"])
    return int(m.group(1)) if m else 0


def mix_of(row):
    return row["capture"][0]


def fmt(v, spec="%.3f"):
    return spec % v if v is not None else "-"


def per_frame_us(row, mode, key):
    """Microseconds per frame of `key` (wall or cpu), start-up subtracted."""
    if not row.get(mode):
        return None
    start = row.get("startup", {}).get(mode) or {"wall": 0, "cpu": 0}
    return (row[mode][key] - start[key]) / row["meta"]["frames"] * 1e6


def overhead_table(rows, key):
    print("| mix | frames | command | on (s) | off (s) | ratio | ratio of the fastest runs | per frame on (us) "
          "| per frame off (us) | peak RSS on / off (MiB) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: (mix_of(r), size_of(r), r["command"])):
        if r.get("extra"):
            continue
        on, off = r.get("on"), r.get("off")
        ratio = on[key] / off[key] if on and off else None
        # a shared machine only ever adds time: the fastest of each is the least disturbed
        fastest = on[key + "_min"] / off[key + "_min"] if on and off and off.get(key + "_min") else None
        rss = "%s / %s" % (fmt(on and on["rss_kib"] / 1024, "%.0f"), fmt(off and off["rss_kib"] / 1024, "%.0f"))
        note = "" if not r.get("failed") else " (%s)" % "; ".join(
            "%s: %s" % (k, v.split(":")[0] if "timeout" not in v else v) for k, v in r["failed"].items())
        print("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%s" % (
            mix_of(r), r["meta"]["frames"], r["command"], fmt(on and on[key]), fmt(off and off[key]),
            fmt(ratio), fmt(fastest), fmt(per_frame_us(r, "on", key), "%.2f"), fmt(per_frame_us(r, "off", key), "%.2f"),
            rss, note))


def growth_table(rows, key):
    print("| mix | command | us/frame on 10k | 100k | 1M | 1M / 10k | plugin's own us/frame (on - off) 10k | 100k | 1M |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    by = {}
    for r in rows:
        if not r.get("extra"):
            by.setdefault((mix_of(r), r["command"]), {})[size_of(r)] = r
    for (mix, command), sizes in sorted(by.items()):
        on = [per_frame_us(sizes[s], "on", key) if s in sizes else None for s in (10000, 100000, 1000000)]
        off = [per_frame_us(sizes[s], "off", key) if s in sizes else None for s in (10000, 100000, 1000000)]
        own = [a - b if a is not None and b is not None else None for a, b in zip(on, off)]
        growth = on[2] / on[0] if on[0] and on[2] else None
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            mix, command, *(fmt(v, "%.2f") for v in on), fmt(growth, "%.2f"), *(fmt(v, "%.2f") for v in own)))


def memory_table(rows):
    print("| capture | command | options | SAs | orphans | RSS on - off (MiB) | bytes per SA or orphan |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: (mix_of(r), size_of(r), r["command"])):
        if mix_of(r) not in "bc" or not r.get("on") or not r.get("off"):
            continue
        meta = r["meta"]
        units = meta.get("sas") or meta.get("orphans") or 1
        delta = (r["on"]["rss_kib"] - r["off"]["rss_kib"]) * 1024
        print("| %s | %s | %s | %d | %d | %.1f | %.0f |" % (r["capture"], r["command"], r.get("extra") or "-",
                                                         meta.get("sas", 0), meta.get("orphans", 0),
                                                         delta / 2 ** 20, delta / units))


def callgrind_table(rows):
    print("| build | capture | command | Ir/frame on | Ir/frame off | ratio | Ir/frame, on - off "
          "| Ir in dissect_ikediag per frame | per ISAKMP frame | biggest plugin functions (inclusive Ir per ISAKMP frame) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        ike = max(r["meta"].get("ike_frames", 0), 1)
        top = ", ".join("%s %.0f" % (fn, ir / ike) for fn, ir in r["top"][1:6] if not fn.startswith("0x"))
        if not r.get("ir_startup_off"):
            continue  # without start-up counts the whole-process figures mean little
        on, off = r["ir_per_frame_on"], r["ir_per_frame_off"]
        print("| %s | %s | %s | %.0f | %.0f | %.3f | %.0f | %.0f | %.0f | %s |" % (r["label"], r["capture"], r["command"],
                                                           on, off, on / off,
                                                           on - off, r["ir_dissect_per_frame"],
                                                           r["ir_dissect_per_ike_frame"], top))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--times")
    ap.add_argument("--callgrind")
    ap.add_argument("--label")
    ap.add_argument("--key", default="cpu", choices=("cpu", "wall"),
                    help="cpu (user+sys, robust on a shared machine) or wall")
    args = ap.parse_args()
    if args.times:
        rows = latest(load(args.times, args.label))
        print("### Overhead (median %s time; ratio = plugin on / plugin off)\n" % args.key)
        overhead_table(rows, args.key)
        print("\n### Growth (median %s time per frame, start-up subtracted)\n" % args.key)
        growth_table(rows, args.key)
        print("\n### Memory (peak RSS, plugin on - plugin off)\n")
        memory_table(rows)
    if args.callgrind:
        print("\n### Instructions (callgrind)\n")
        callgrind_table(latest(load(args.callgrind, args.label)))


if __name__ == "__main__":
    main()
