#!/usr/bin/env python3
"""Run tshark with the built plugin over every capture in test-pcaps/MANIFEST and
compare each ISAKMP frame's msg, role and resend flag, and each exchange's outcome,
stall point and cause, with what the manifest says (written from the peers' logs).

Two-pass (-2) is the reference; with keys the numbering must be identical and the
cause is the manifest's keys cause where it gives one; single pass must not crash and
must show no cause other than the expected one.
"""
import argparse
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import manifest  # noqa: E402
from wsrun import Tshark  # noqa: E402

FIELDS = ["frame.number", "ikediag.msg", "ikediag.role", "ikediag.retransmission", "ikediag.sa",
          "ikediag.verdict.exchange", "ikediag.outcome", "ikediag.stall", "ikediag.cause", "ikediag.proxy_ids"]
# Causes proven by evidence at a frame (a notify, a reply, a resend): single pass shows them too.
EVIDENCE_CAUSES = {"isakmp-policy", "aggressive-refused", "psk-mismatch", "transform-set", "proxy-id",
                   "qm-rejected", "id-mismatch"}


def split(value):
    return value.split(",") if value else []


def read_run(rows, proxies=None):
    """frames: number -> (msg, role, resend); verdicts: (sa, exchange) -> (outcome, stall, cause);
    proxies (if given) filled with frame -> proxy IDs shown."""
    frames, verdicts = {}, {}
    for row in rows:
        row += [""] * (len(FIELDS) - len(row))
        num, msg, role, retrans, sa, vex, outcome, stall, cause, proxy_ids = row
        if proxy_ids and proxies is not None:
            proxies[int(num)] = proxy_ids
        if msg:
            frames[int(num)] = (msg, role, bool(retrans))
        stalls, causes = split(stall), split(cause)
        for i, (ex, out) in enumerate(zip(split(vex), split(outcome))):
            # stall/cause exist only for stalled and cut verdicts, in the same order
            verdict_stall = stalls.pop(0) if out in ("stalled", "cut") and stalls else "-"
            verdict_cause = causes.pop(0) if out == "stalled" and causes else "-"
            verdicts[(int(sa.split(",")[0]), ex)] = (out, verdict_stall, verdict_cause)
    return frames, verdicts


def compare_frames(cap, frames, tag, errors):
    for num, exp in sorted(cap.frames.items()):
        got = frames.get(num)
        want = (exp.msg, exp.role, exp.resend)
        if got != want:
            errors.append("%s frame %d: expected %s, got %s" % (tag, num, want, got))
    for num in sorted(set(frames) - set(cap.frames)):
        errors.append("%s frame %d: plugin says %s, manifest lists no ISAKMP message there" % (tag, num, frames[num]))


def compare_verdicts(cap, verdicts, tag, errors, with_keys):
    for ex in cap.exchanges:
        cause = ex.cause_with_keys if (with_keys and ex.cause_with_keys) else ex.cause
        want = (ex.outcome, ex.stall, cause)
        got = verdicts.get((ex.sa, ex.name))
        if got != want:
            errors.append("%s SA %d %s: expected %s, got %s" % (tag, ex.sa, ex.name, want, got))


def check_single_pass(cap, verdicts, errors):
    for ex in cap.exchanges:
        got = verdicts.get((ex.sa, ex.name))
        if ex.outcome == "stalled" and ex.cause in EVIDENCE_CAUSES:
            if not got or got[2] != ex.cause:
                errors.append("single pass SA %d %s: expected %s at its evidence frame, got %s"
                              % (ex.sa, ex.name, ex.cause, got))
        elif got and got[0] == "stalled" and got[2] != ex.cause:
            errors.append("single pass SA %d %s: shows %s, expected %s" % (ex.sa, ex.name, got[2], ex.cause))


def check_capture(ts, pcaps, cap):
    errors = []
    pcap = ts.stage_file(os.path.join(pcaps, cap.name))
    clear_proxies = {}
    frames, verdicts = read_run(ts.fields(pcap, FIELDS, extra=["-2"]), clear_proxies)
    if clear_proxies:
        errors.append("without keys frames show proxy IDs: %s" % clear_proxies)
    compare_frames(cap, frames, "two-pass", errors)
    compare_verdicts(cap, verdicts, "two-pass", errors, with_keys=False)

    _, single_verdicts = read_run(ts.fields(pcap, FIELDS))
    check_single_pass(cap, single_verdicts, errors)

    if cap.keys:
        conf = ts.config_dir_with_keys(os.path.join(pcaps, cap.keys))
        proxies = {}
        key_frames, key_verdicts = read_run(ts.fields(pcap, FIELDS, extra=["-2"], config_dir=conf), proxies)
        for num, want in sorted(cap.proxy_ids.items()):
            if proxies.get(num) != want:
                errors.append("with keys frame %d: expected proxy IDs %s, got %s" % (num, want, proxies.get(num)))
        if key_frames != frames:
            errors.append("with keys the numbering differs from without keys")
        compare_frames(cap, key_frames, "with keys", errors)
        compare_verdicts(cap, key_verdicts, "with keys", errors, with_keys=True)
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--pcaps", required=True)
    ap.add_argument("--only", help="check only this capture")
    args = ap.parse_args()

    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST")) if not c.unavailable]
    if args.only:
        caps = [c for c in caps if c.name == args.only]
    ts = Tshark(args.plugin_dir)
    passed = failed = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = pool.map(lambda cap: (cap, check_capture(ts, args.pcaps, cap)), caps)
            for cap, errors in results:
                if errors:
                    failed += 1
                    print("FAIL %s" % cap.name)
                    for e in errors:
                        print("    " + e)
                else:
                    passed += 1
                    print("ok   %s (%d frames, %d exchanges)" % (cap.name, len(cap.frames), len(cap.exchanges)))
    finally:
        ts.close()
    print("integration: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not caps else 0


if __name__ == "__main__":
    sys.exit(main())
