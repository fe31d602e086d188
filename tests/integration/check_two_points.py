#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures taken at both ends at once and merged (MANIFEST blocks with `vantage` lines):
what ikediag must say of each copy and of where each negotiation stopped.

From the MANIFEST (written from both points' bytes and the daemons' logs, never from the
plugin), on every ISAKMP frame of a two-pass run:
- its message, sender role and resend flag as seen at its own capture point (a copy at
  the second point is never a resend of the first point's copy);
- ikediag.sa, request_in, response_in, retransmission and its count derived per capture
  point by the one-point rules (derive.py over that point's frames alone);
- ikediag.vantage (the interface's name), ikediag.copy_in (the same copy at the other
  point, exactly the `copy` pairs), the ikediag.copy_lost note on exactly the `lost`
  frames, ikediag.translated on the `translated` frames;
and per capture: the `exchange` verdicts at the initiator's point, the `where` of each
exchange in the -z ikediag,json view (which lists the initiator's point; also in a single
pass, as ikediag-scan reads it) and in the -z ikediag,sa table's Where column, the clock
offset within 50 ms of `offset`, and the same numbering in a single pass.
"""
import argparse
import concurrent.futures
import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import derive  # noqa: E402
import manifest  # noqa: E402
import wsjson  # noqa: E402
from wsrun import Tshark  # noqa: E402

OFFSET_TOLERANCE = 0.05  # seconds: transit and timestamping, far below any offset tested
NEW_EXPERTS = {"ikediag.copy_lost": ("Sequence", "Note"), "ikediag.where_note": ("Sequence", "Note")}


def as_int(value):
    return None if value is None else int(value) if isinstance(value, str) else [int(v) for v in value]


def frames_at(cap, frames, interface):
    """The MANIFEST block cut down to one capture point's frames."""
    sub = copy.copy(cap)
    sub.frames = {n: f for n, f in cap.frames.items() if frames[n].interface == interface}
    return sub


def check_numbering(cap, frames, tag, errors):
    for num, exp in sorted(cap.frames.items()):
        fr = frames.get(num)
        got = (fr.get("ikediag.msg"), fr.get("ikediag.role"), fr.get("ikediag.retransmission") is not None) if fr \
            else None
        if got != (exp.msg, exp.role, exp.resend):
            errors.append("%s frame %d: expected %s, got %s" % (tag, num, (exp.msg, exp.role, exp.resend), got))


def check_per_point_links(cap, frames, errors):
    """The one-point rules, applied to each point's frames alone."""
    for interface in cap.vantages:
        sub = frames_at(cap, frames, interface)
        headers = {n: (frames[n].isakmp.get("isakmp.ispi"), frames[n].isakmp.get("isakmp.messageid", ""))
                   for n in sub.frames}
        for num, exp in sorted(derive.derive(sub, headers).items()):
            fr = frames[num]
            for name, key in (("ikediag.sa", "sa"), ("ikediag.request_in", "request_in"),
                              ("ikediag.response_in", "response_in"), ("ikediag.retransmission", "retransmission"),
                              ("ikediag.retransmission.count", "count")):
                if as_int(fr.get(name)) != exp[key]:
                    errors.append("frame %d (%s, point %d): %s expected %s, got %s"
                                  % (num, exp["msg"], interface, name, exp[key], fr.get(name)))


def check_copies(cap, frames, errors):
    for num in sorted(cap.frames):
        fr = frames[num]
        name = cap.vantages.get(fr.interface, ("?",))[0]
        if fr.get("ikediag.vantage") != name:
            errors.append("frame %d: ikediag.vantage expected %s, got %s" % (num, name, fr.get("ikediag.vantage")))
        if as_int(fr.get("ikediag.copy_in")) != cap.copies.get(num):
            errors.append("frame %d: ikediag.copy_in expected %s, got %s"
                          % (num, cap.copies.get(num), fr.get("ikediag.copy_in")))
        lost = [e for e in fr.experts if e[0] == "ikediag.copy_lost"]
        if bool(lost) != (num in cap.lost):
            errors.append("frame %d: copy_lost note expected %s, got %s" % (num, num in cap.lost, lost))
        # translated: on every copy pair when there is a NAT (the MANIFEST lists one frame per
        # mapping and direction: its far copy carries NEW), on none without one
        want = cap.translated.get(num)
        got = fr.get("ikediag.translated")
        if (got is not None) != bool(cap.translated and num in cap.copies) or (want and want[1] not in (got or "")):
            errors.append("frame %d: ikediag.translated expected %s, got %s"
                          % (num, want[1] if want else bool(cap.translated and num in cap.copies), got))
        for eid, group, severity, _ in fr.experts:
            if eid in NEW_EXPERTS and NEW_EXPERTS[eid] != (group, severity):
                errors.append("frame %d: expert %s is %s/%s, the README says %s" % (num, eid, group, severity,
                                                                                   NEW_EXPERTS[eid]))


def initiator_point(cap):
    return next(i for i, (_, side) in cap.vantages.items() if side == "initiator")


def check_verdicts(cap, frames, errors):
    """The initiator's point gives the MANIFEST's exchange verdicts, with the where lines."""
    got = {}
    for num, fr in frames.items():
        if fr.interface != initiator_point(cap) or fr.get("ikediag.sa") is None:
            continue
        sa = as_int(fr.get("ikediag.sa"))
        outcomes = fr.all("ikediag.outcome")
        stalls, causes, wheres = list(fr.all("ikediag.stall")), list(fr.all("ikediag.cause")), fr.all("ikediag.where")
        for i, (name, outcome) in enumerate(zip(fr.all("ikediag.verdict.exchange"), outcomes)):
            stall = stalls.pop(0) if outcome in ("stalled", "cut") and stalls else "-"
            cause = causes.pop(0) if outcome == "stalled" and causes else "-"
            got[(sa, name)] = (outcome, stall, cause, wheres[i] if i < len(wheres) else None)
    for ex in cap.exchanges:
        want = (ex.expected(False) or ("none", "-", "-")) + (cap.where.get((ex.sa, ex.name)),)
        if got.get((ex.sa, ex.name)) != want:
            errors.append("SA %d %s at the initiator's point: expected %s, got %s"
                          % (ex.sa, ex.name, want, got.get((ex.sa, ex.name))))


def check_view(ts, pcap, cap, errors, passes=("-2",)):
    out = ts.run(["-q", "-n", "-r", pcap, *passes, "-z", "ikediag,json"]).stdout
    sas = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    got = {}
    for sa in sas:
        for ex in sa["exchanges"]:
            got[(sa["sa"], ex["exchange"])] = ex["where"]
        offset = sa["clock_offset"]
        want = (cap.offset or 0.0) if cap.copies else None  # no copy matched: no clock to compare
        if (offset is None) != (want is None) or (want is not None and abs(offset - want) > OFFSET_TOLERANCE):
            errors.append("-z ikediag,json SA %d: clock_offset %s, expected %.3f" % (sa["sa"], offset, want))
    silent_point = not cap.copies  # known only once the first pass is over (README)
    for key, want in sorted(cap.where.items()):
        if not passes and silent_point:
            want = None
        if got.get(key) != want:
            errors.append("-z ikediag,json SA %d %s: where expected %s, got %s" % (key + (want, got.get(key))))
    # the table's Where column (18th): the SA row shows its judged exchange's, each other row its own
    table = ts.run(["-q", "-n", "-r", pcap, *passes, "-z", "ikediag,sa"]).stdout
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 3 or not cells[0].isdigit():
            continue
        sa, name = int(cells[0]), cells[1]
        want = got.get((sa, name[3:] if name.startswith("SA ") else name))
        if name.startswith("SA "):
            judged = next((s["judged"] for s in sas if s["sa"] == sa), None)
            want = got.get((sa, judged))
        if cells[17] != (want or "-"):
            errors.append("-z ikediag,sa SA %d %s: Where column %s, expected %s" % (sa, name, cells[17], want))
    if len(sas) != len({e.sa for e in cap.exchanges}):
        errors.append("-z ikediag,json lists %d SAs, MANIFEST %d" % (len(sas), len({e.sa for e in cap.exchanges})))


def check_capture(ts, pcaps, cap):
    errors = []
    pcap = ts.stage_file(os.path.join(pcaps, cap.name))
    out = ts.run(["-2", "-r", pcap, "-T", "json", "-J", "frame isakmp ikediag", "-Y", "ikediag"]).stdout
    frames = wsjson.read(out)
    missing = sorted(set(cap.frames) - set(frames))
    if missing:
        return ["frames %s: no ikediag tree" % missing]
    check_numbering(cap, frames, "two-pass", errors)
    check_per_point_links(cap, frames, errors)
    check_copies(cap, frames, errors)
    check_verdicts(cap, frames, errors)
    check_view(ts, pcap, cap, errors)
    single_errors = []  # what ikediag-scan reads: one pass, drawn at the end
    check_view(ts, pcap, cap, single_errors, passes=())
    errors += ["single pass " + e for e in single_errors]
    single = {}
    for row in ts.fields(pcap, ["frame.number", "ikediag.msg", "ikediag.role", "ikediag.retransmission"]):
        row += [""] * (4 - len(row))
        if row[1]:
            single[int(row[0])] = wsjson.Frame(int(row[0]), fields={
                "ikediag.msg": [row[1]], "ikediag.role": [row[2]],
                **({"ikediag.retransmission": [row[3]]} if row[3] else {})})
    check_numbering(cap, single, "single pass", errors)
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--pcaps", required=True)
    ap.add_argument("--only", help="check only this capture")
    args = ap.parse_args()
    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST")) if c.vantages and not c.unavailable]
    if args.only:
        caps = [c for c in caps if c.name == args.only]
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
    print("two points: %d captures, %d failed" % (len(caps), failed))
    return 1 if failed or not caps else 0


if __name__ == "__main__":
    sys.exit(main())
