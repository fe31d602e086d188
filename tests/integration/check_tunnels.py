#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tunnel's life (MANIFEST `esp` and `tunnel` lines): every ESP frame tied to the right
IKE SA, child and direction, and each complete child's traffic verdict.

The lines are written from the daemons' logs (the SPIs each CHILD_SA installed) and the
capture's ESP headers read by stock tshark (test-pcaps/generate/esp-lines.py), never from
the plugin.  Checked in a two-pass run with the keys (ESP matched by the SPI the decrypted
Quick Mode or CREATE_CHILD_SA carried: ikediag.esp.match `spi`) and without (matched by
the peers' addresses: `peers`), plus the JSON view's `tunnel` of each child.  Without keys
a CREATE_CHILD_SA that rekeyed the IKE SA cannot be told from a child without traffic:
such an extra `no-traffic` is accepted only in captures with a `rekey` line; and when
several complete children between the peers waited for their first ESP (parallel Quick
Modes, a simultaneous initiation), ESP is `ambiguous`: tied to the right IKE SA's peers
only, and those children judged together (two-way when the ESP went both ways).

The flow graph (-z flow,ikediag,network) draws ESP one arrow per burst: the ESP of one
child in one direction, cut where the child's IKE SA sends an ISAKMP message (IKE SAs
numbered by their initiator SPI's first appearance) or after more than the silence
threshold (10 s) without ESP.  The bursts are computed here from the esp lines and the
frames' times, SPIs and IP lengths read from the stock dissectors.
"""
import argparse
import concurrent.futures
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import manifest  # noqa: E402
from wsrun import Tshark  # noqa: E402

# the tunnel's expert info on its verdict frame, by cause (README: Sequence/Warning, no_traffic Note)
TUNNEL_EXPERTS = {"one-way-esp": "ikediag.one_way_esp", "no-traffic": "ikediag.no_traffic",
                  "stale-spi": "ikediag.stale_spi", "dead-peer": "ikediag.dead_peer"}
FIELDS = ["frame.number", "esp.spi", "ikediag.sa", "ikediag.child", "ikediag.esp.dir", "ikediag.esp.match",
          "ikediag.esp.negotiated_in", "ikediag.tunnel", "ikediag.tunnel.encaps", "ikediag.tunnel.decaps"]
FIELDS += list(TUNNEL_EXPERTS.values())
FIELDS += ["ikediag.esp.replaces", "ikediag.esp.replaced_by"]
DIRS = {"I→R": "I>R", "R→I": "R>I"}
SILENCE = 10.0  # the default ikediag.silence_seconds
STOCK = ["frame.number", "frame.time_relative", "isakmp.ispi", "esp.spi", "ip.len", "ip.hdr_len", "ipv6.plen",
         "udp.srcport"]
BURST = re.compile(r"^(?:\d+ *)?\|(\d+\.\d+) *\|.*\|(?:SA (\d+) (\S+) ESP (I→R|R→I)|ESP SPI (0x[0-9a-f]+),[^:]*): "
                   r"(\d+) packets?, (\d+) bytes, frames? (\d+)(?:-(\d+))?")


def first(value):
    return value.split(",")[0] if value else ""


def check_esp(cap, rows, with_keys, errors):
    """Each ESP frame's SA, child, direction and match; returns the SAs (as MANIFEST writes
    them) whose ESP the plugin could only tie to a group of children (no keys)."""
    tag = "keys" if with_keys else "no keys"
    seen, ambiguous_sas = set(), set()
    for row in rows:
        num, spi, sa, child, direction, match = int(row[0]), row[1], row[2], row[3], row[4], row[5]
        if not spi:
            continue
        seen.add(num)
        want = cap.esp.get(num)
        got = (first(sa) or "-", child or "-", DIRS.get(direction, "-"))
        if want is None:
            errors.append("%s: ESP frame %d has no esp line in MANIFEST" % (tag, num))
        elif match == "ambiguous" and not with_keys and got[0] == want[0]:
            ambiguous_sas.add(want[0])  # several children waited: any of them, judged together
        elif got != want:
            errors.append("%s: ESP frame %d: expected %s, got %s (match %s)" % (tag, num, want, got, match))
        elif want[0] != "-" and match != ("spi" if with_keys else "peers"):
            errors.append("%s: ESP frame %d matched by %r" % (tag, num, match))
    for num in sorted(set(cap.esp) - seen):
        errors.append("%s: MANIFEST esp line for frame %d, which ikediag did not see as ESP" % (tag, num))
    return ambiguous_sas


def group_state(cap):
    """What the ESP of all the capture's children says (its captures have one pair of
    peers, and the group can span IKE SAs): two-way or one way, by direction."""
    dirs = {d for (s, child, d) in cap.esp.values() if s != "-"}
    return {"two-way"} if len(dirs) == 2 else {"one-way-esp", "one-way-so-far"}


def check_tunnel_rows(cap, rows, with_keys, errors, ambiguous_sas=()):
    tag = "keys" if with_keys else "no keys"
    got = {}
    for row in rows:
        if row[7]:
            got[(int(first(row[2])), row[3])] = row[7]
        experts = {name for name, value in zip(TUNNEL_EXPERTS.values(), row[10:]) if value}
        want = {TUNNEL_EXPERTS[row[7]]} if row[7] in TUNNEL_EXPERTS else set()
        if experts != want:
            errors.append("%s: frame %s (%s): experts %s, expected %s" % (tag, row[0], row[7] or "no tunnel",
                                                                          sorted(experts), sorted(want)))
    for key, (state, _silent) in sorted(cap.tunnels.items()):
        if ambiguous_sas and got.get(key) in group_state(cap):
            continue
        if got.get(key) != state:
            errors.append("%s: tunnel %s: expected %s, got %s" % (tag, key, state, got.get(key)))
    for key in sorted(set(got) - set(cap.tunnels)):
        excused = bool(not with_keys and got[key] == "no-traffic" and key[1].startswith("CHILD") and cap.rekeys)
        excused |= bool(ambiguous_sas) and got[key] in group_state(cap)
        # an answer that refused the child inside it is readable with keys only
        refused = [e for e in cap.exchanges if (e.sa, e.name) == key and "stalled" in (e.outcome, e.outcome_with_keys)]
        excused |= not with_keys and got[key] == "no-traffic" and bool(refused)
        if not excused:
            errors.append("%s: tunnel %s: %s, but MANIFEST has no tunnel line" % (tag, key, got[key]))


def check_rekey_links(cap, rows, with_keys, errors):
    """MANIFEST `replaced` lines (from the daemons' logs): the old child's last ESP frame
    links forward to the new child's first, and back.  With keys exactly those links;
    without keys (ESP tied by peers, maybe ambiguous) never a wrong one."""
    tag = "keys" if with_keys else "no keys"
    want = set()
    for old, new in cap.replaced:
        old_frames = [n for n, v in cap.esp.items() if (int(v[0]) if v[0] != "-" else 0, v[1]) == old]
        new_frames = [n for n, v in cap.esp.items() if (int(v[0]) if v[0] != "-" else 0, v[1]) == new]
        if old_frames and new_frames:
            want |= {(max(old_frames), "replaced_by", min(new_frames)), (min(new_frames), "replaces", max(old_frames))}
    got = set()
    for row in rows:
        if row[14]:
            got.add((int(row[0]), "replaces", int(row[14])))
        if row[15]:
            got.add((int(row[0]), "replaced_by", int(row[15])))
    if (got != want) if with_keys else not got <= want:
        errors.append("%s: rekey links %s, MANIFEST's replaced lines give %s" % (tag, sorted(got), sorted(want)))


def check_json(ts, pcap, cap, conf, errors):
    out = ts.run(["-q", "-r", pcap, "-z", "ikediag,json"], config_dir=conf).stdout
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        sa = json.loads(line)
        for ex in sa["exchanges"]:
            want = cap.tunnels.get((sa["sa"], ex["exchange"]))
            t = ex.get("tunnel")
            got = t and (t["state"], t["silent"] if t["state"] == "one-way-esp" else None)
            if want and got != want:
                errors.append("json: SA %d %s: expected %s, got %s" % (sa["sa"], ex["exchange"], want, t))
            if want and t and (t["encaps"] > 0) != (t["i_to_r"]["packets"] > 0):
                errors.append("json: SA %d %s: encaps and i_to_r disagree" % (sa["sa"], ex["exchange"]))


def expected_bursts(cap, stock):
    """The ESP arrows the flow graph should draw: (group, first time, packets, bytes, last frame)."""
    sa_of_ispi, isakmp, esp = {}, [], {}
    for row in stock:
        num, ispi, spi = int(row[0]), first(row[2]), first(row[3])
        if ispi and not spi:
            sa_of_ispi.setdefault(ispi, len(sa_of_ispi) + 1)
            isakmp.append((num, sa_of_ispi[ispi]))
        elif spi and num in cap.esp:
            ip_len = int(first(row[4]) or 0) - int(first(row[5]) or 0) if row[4] else int(first(row[6]))
            sa, child, direction = cap.esp[num]
            group = ("-", spi) if sa == "-" else (sa, child, direction)
            esp.setdefault(group, []).append((num, float(row[1]), ip_len - (8 if first(row[7]) else 0)))
    bursts = []
    for group, frames in esp.items():
        sa = None if group[0] == "-" else int(group[0])
        for i, (num, t, size) in enumerate(frames):
            prev = frames[i - 1] if i else None
            cut = not prev or t - prev[1] > SILENCE or any(prev[0] < n < num and s == sa for n, s in isakmp)
            if cut:
                bursts.append([group, "%.6f" % t, 0, 0, 0])
            bursts[-1][2:] = [bursts[-1][2] + 1, bursts[-1][3] + size, num]
    return sorted(tuple(b) for b in bursts)


def check_bursts(ts, pcap, cap, conf, errors):
    stock = ts.fields(pcap, STOCK, config_dir=conf)
    want = expected_bursts(cap, stock)
    got = []
    out = ts.run(["-q", "-n", "-r", pcap, "-z", "flow,ikediag,network"], config_dir=conf).stdout
    for line in out.splitlines():
        m = BURST.match(line)
        if m:
            t, sa, child, direction, spi, packets, size, first_frame, last = m.groups()
            group = ("-", spi) if spi else (sa, child, DIRS[direction])
            got.append((group, t, int(packets), int(size), int(last or first_frame)))
    if sorted(got) != want:
        errors.append("flow: ESP bursts %s, expected %s" % (sorted(got), want))


def check_capture(ts, pcaps, cap):
    errors = []
    pcap = ts.stage_file(os.path.join(pcaps, cap.name))
    runs = [(False, None)]
    if cap.keys:
        runs.append((True, ts.config_dir_with_keys(os.path.join(pcaps, cap.keys))))
    for with_keys, conf in runs:
        rows = ts.fields(pcap, FIELDS, extra=["-2"], config_dir=conf)
        ambiguous = check_esp(cap, rows, with_keys, errors)
        check_tunnel_rows(cap, rows, with_keys, errors, ambiguous)
        check_rekey_links(cap, rows, with_keys, errors)
    check_json(ts, pcap, cap, runs[-1][1], errors)
    check_bursts(ts, pcap, cap, runs[-1][1], errors)
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--pcaps", required=True)
    ap.add_argument("--only", help="check only this capture")
    args = ap.parse_args()
    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST"))
            if (c.esp or c.tunnels) and not c.vantages and (not args.only or c.name == args.only)]
    if len(caps) < (1 if args.only else 20):
        print("tunnels: only %d captures with esp/tunnel lines in MANIFEST" % len(caps))
        return 1
    ts = Tshark(args.plugin_dir)
    failed = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for cap, errors in pool.map(lambda c: (c, check_capture(ts, args.pcaps, c)), caps):
                failed += bool(errors)
                print("%s %s" % ("FAIL" if errors else "ok  ", cap.name))
                for e in errors:
                    print("    " + e)
    finally:
        ts.close()
    print("tunnels: %d of %d captures failed" % (failed, len(caps)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
