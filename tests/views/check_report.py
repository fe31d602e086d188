# SPDX-License-Identifier: GPL-2.0-or-later
"""Check -z ikediag,report against test-pcaps/MANIFEST, capture by capture.

What a reader relies on, each compared with the manifest (written from the captures and
the daemons' logs), never with earlier output:
- no line is wider than 80 columns (a single word longer than that excepted);
- one paragraph per IKE SA of the manifest, "IKE SA N: ..., frames FIRST-LAST" with the
  SA's first and last ISAKMP frame, and its SA-level outcome (check_views' rule);
- every stalled verdict's sentence "Stalled at STALL: ..." and its cause in the roll-up;
- every labelled evidence frame that is an ISAKMP frame of the manifest names that
  frame's message, sender role and resend as the manifest's frame line does;
- the roll-up counts the manifest's SAs.
"""
import argparse
import concurrent.futures
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import manifest  # noqa: E402
from check_views import expected_sas  # noqa: E402
from wsrun import Tshark  # noqa: E402

SA_HEADER = re.compile(r"^IKE SA (\d+): .*, frames (\d+)-(\d+)$")
OUTCOME = re.compile(r"^  Outcome: (\w+)")
EVIDENCE = re.compile(r"^    frame (\d+): (\S+) from the (initiator|responder)(, resend (\d+))?")
ROLLUP = re.compile(r"^(\S+) <-> (\S+): (\d+) IKE SAs?, ")
AFTERWARDS = re.compile(r"^  Afterwards: from frame (\d+) the peer's host answers ICMP unreachable")
# The first ICMP error quoting a message of an SA that was up, from the MANIFEST's notes
# ("the R-U-THERE in frames 18 and 20 get ICMP port unreachable (frames 19, 21 ...)") and,
# for IKEv2, `tshark -Y icmp` (v2-dead-peer: the liveness checks after AUTH#2 in frame 4
# get port unreachable from frame 16 on).
PEER_GONE = {"dpd-dead-peer.pcap": 19, "v2-dead-peer.pcap": 16}


def paragraphs(text):
    """sa -> lines of its paragraph; and the roll-up lines before the first SA."""
    sas, rollup, current = {}, [], None
    for line in text.splitlines():
        m = SA_HEADER.match(line)
        if m:
            current = int(m.group(1))
            sas[current] = [line]
        elif current is not None:
            sas[current].append(line)
        else:
            rollup.append(line)
    return sas, rollup


def sa_frames(cap):
    """sa -> (first, last) ISAKMP frame, from the manifest's frame and exchange lines:
    the SA of a frame is the SA of the exchange its message belongs to, and SAs are
    numbered by first appearance, so the frames of SA n run between consecutive SAs'
    first frames only when SAs do not interleave; take the captures where the
    manifest's SA count is 1 (exact) and check only the header's form elsewhere."""
    n_sas = len({e.sa for e in cap.exchanges})
    if n_sas != 1 or not cap.frames:
        return {}
    return {1: (min(cap.frames), max(cap.frames))}


def check_capture(ts, pcaps, cap, keys):
    errors = []
    pcap = ts.stage_file(os.path.join(pcaps, cap.name))
    conf = ts.config_dir_with_keys(os.path.join(pcaps, cap.keys)) if keys else None
    out = ts.run(["-q", "-n", "-r", pcap, "-z", "ikediag,report"], config_dir=conf).stdout
    tag = "%s%s" % (cap.name, " (keys)" if keys else "")
    for line in out.splitlines():
        if len(line) > 80 and " " in line.strip():
            errors.append("%s: line wider than 80 columns: %r" % (tag, line))
    sas, rollup = paragraphs(out)
    want = expected_sas(cap, with_keys=keys)
    if set(sas) != set(want):
        errors.append("%s: paragraphs for SAs %s, manifest has %s" % (tag, sorted(sas), sorted(want)))
    for sa, (first, last) in sa_frames(cap).items():
        m = SA_HEADER.match(sas.get(sa, [""])[0])
        if m and (int(m.group(2)), int(m.group(3))) != (first, last):
            errors.append("%s SA %d: frames %s-%s, manifest %d-%d" % (tag, sa, m.group(2), m.group(3), first, last))
    for sa, (outcome, stall, cause) in want.items():
        lines = sas.get(sa, [])
        got = next((OUTCOME.match(l).group(1) for l in lines if OUTCOME.match(l)), None)
        if got != outcome:
            errors.append("%s SA %d: outcome %s, expected %s" % (tag, sa, got, outcome))
        if outcome == "stalled" and not any(l.startswith("  Stalled at %s: " % stall) for l in lines):
            errors.append("%s SA %d: no 'Stalled at %s' sentence" % (tag, sa, stall))
        if outcome == "stalled" and not any(cause in l for l in rollup):
            errors.append("%s: cause %s missing from the roll-up %r" % (tag, cause, rollup))
    for sa, lines in sas.items():
        for line in lines:
            m = EVIDENCE.match(line)
            if not m:
                continue
            frame = cap.frames.get(int(m.group(1)))
            if frame is None:
                continue  # an ICMP error or a frame the manifest does not number
            resend = m.group(5) is not None
            if (m.group(2), m.group(3), resend) != (frame.msg, frame.role, frame.resend):
                errors.append("%s: evidence %r, manifest frame %d is %s %s%s" % (
                    tag, line.strip(), frame.number, frame.msg, frame.role, " resend" if frame.resend else ""))
    gone = [int(m.group(1)) for m in map(AFTERWARDS.match, out.splitlines()) if m]
    if gone != ([PEER_GONE[cap.name]] if cap.name in PEER_GONE else []):
        errors.append("%s: peer gone from frames %s, expected %s" % (tag, gone, PEER_GONE.get(cap.name)))
    total = sum(int(m.group(3)) for m in map(ROLLUP.match, rollup) if m)
    if total != len(want):
        errors.append("%s: the roll-up counts %d SAs, manifest %d" % (tag, total, len(want)))
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--pcaps", required=True)
    args = ap.parse_args()
    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST")) if not c.unavailable and not c.vantages]  # two points: check_two_points.py
    runs = [(c, False) for c in caps] + [(c, True) for c in caps if c.keys]
    ts = Tshark(args.plugin_dir)
    failed = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for errors in pool.map(lambda r: check_capture(ts, args.pcaps, *r), runs):
                for e in errors:
                    print("FAIL " + e)
                failed += bool(errors)
    finally:
        ts.close()
    print("report: %d runs, %d failed" % (len(runs), failed))
    return 1 if failed or not runs else 0


if __name__ == "__main__":
    sys.exit(main())
