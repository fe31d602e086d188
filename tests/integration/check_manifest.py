#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run tshark with the built plugin over every capture in test-pcaps/MANIFEST and
compare each ISAKMP frame's msg, role and resend flag, and each exchange's outcome,
stall point and cause, with what the manifest says (written from the peers' logs).

Every other field of the README's field table is checked on every frame too
(check_fields below): sa, exchange, phase, state, request_in, response_in,
retransmission and its count derived from the frame lines by protocol rules
(derive.py); nat, offered, chosen, evidence from the manifest's nat, offered, chosen
and evidence lines; the expert infos of every frame (id, group, severity); cause.text,
cause.cisco and explain present exactly where expected, with their key facts.

Two-pass (-2) is the reference; with keys the numbering must be identical and the
cause is the manifest's keys cause where it gives one; single pass must not crash and
must show no cause other than the expected one.
"""
import argparse
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import derive  # noqa: E402
import manifest  # noqa: E402
import wsjson  # noqa: E402
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
        want = ex.expected(with_keys)
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


# The README's expert infos: id -> (group, severity), as documented there.
EXPERTS = {
    "ikediag.resend": ("Sequence", "Note"),
    "ikediag.complete": ("Sequence", "Chat"),
    "ikediag.stalled.*": ("Sequence", "Warning"),  # one per cause: ikediag.stalled.psk_mismatch ...
    "ikediag.unanswered": ("Sequence", "Warning"),
    "ikediag.peer_gone": ("Sequence", "Warning"),
    "ikediag.error_notify": ("Response code", "Warning"),
    "ikediag.cut": ("Sequence", "Note"),
    "ikediag.request_missing": ("Sequence", "Note"),
    "ikediag.not_analysed": ("Undecoded", "Note"),
    "ikediag.malformed": ("Malformed", "Note"),
    "ikediag.unexpected": ("Sequence", "Note"),
    "ikediag.sa_limit": ("Protocol", "Warning"),
    "ikediag.one_way_esp": ("Sequence", "Warning"),
    "ikediag.no_traffic": ("Sequence", "Note"),
    "ikediag.stale_spi": ("Sequence", "Warning"),
    "ikediag.dead_peer": ("Sequence", "Warning"),
}
# The tunnel's verdict on a completing frame: which one is check_tunnels.py's to say.
TUNNEL_EXPERTS = ("ikediag.one_way_esp", "ikediag.no_traffic", "ikediag.stale_spi", "ikediag.dead_peer")
EXPLAIN_PREFIX = {"INFO": "Informational", "TXN": "Transaction"}


def json_run(ts, pcap, config_dir=None):
    """Every frame's ikediag fields, experts and ISAKMP header (two passes)."""
    out = ts.run(["-2", "-r", pcap, "-T", "json", "-J", "frame isakmp ikediag", "-Y", "ikediag"],
                 config_dir=config_dir).stdout
    return wsjson.read(out)


def rows_of(frames):
    """The -T fields rows read_run() takes, from a JSON run."""
    return [[str(num)] + [",".join(fr.all(f)) for f in FIELDS[1:]] for num, fr in sorted(frames.items())]


def as_int(value):
    return None if value is None else int(value) if isinstance(value, str) else [int(v) for v in value]


def unanswered(cap, want, frames, num):
    """The third copy of a message gets ikediag.unanswered when nothing came back since its
    first copy: no frame of the other peer in its SA and no ICMP error (a frame ikediag
    shows that the MANIFEST does not number) in between."""
    exp = want[num]
    if exp["count"] != 2:
        return False
    first = exp["retransmission"]
    if exp["version"] == 2:  # a request is answered by its own #2 (or an ICMP error), nothing else
        return exp["msg"].endswith("#1") and not any(
            (n in frames and n not in want) or (want.get(n) and want[n]["xkey"] == exp["xkey"]
                                                and want[n]["msg"].endswith("#2"))
            for n in range(first + 1, num))
    for n in range(first + 1, num):
        other = want.get(n)
        if other is None and n in frames:
            return False  # an ICMP error quoting an IKE message
        if other and other["sa"] == exp["sa"] and other["role"] != exp["role"]:
            return False
    return True


def check_fields(cap, frames, tag, errors, with_keys):
    """Every field of the README's table and every expert info, on every ISAKMP frame."""
    headers = {}
    for num in cap.frames:
        fr = frames.get(num)
        if fr is None or "isakmp.ispi" not in fr.isakmp:
            errors.append("%s frame %d: no ISAKMP header in the capture's JSON" % (tag, num))
            return
        headers[num] = (fr.isakmp["isakmp.ispi"], fr.isakmp.get("isakmp.messageid", ""))
    want = derive.derive(cap, headers)
    if with_keys:  # RFC 3706: an R-U-THERE and its ACK, readable with keys, are linked
        for request, ack in cap.dpd:
            want[request]["response_in"], want[ack]["request_in"] = ack, request
    def outcome(e, keys):
        return (e.expected(keys) or ("none",))[0]
    stalled = {(e.sa, e.name): e for e in cap.exchanges if outcome(e, with_keys) == "stalled"}
    stalled_ever = {(e.sa, e.name) for e in cap.exchanges if "stalled" in (outcome(e, False), outcome(e, True))}
    by_name = {(e.sa, e.name): e for e in cap.exchanges}
    verdict_frames = {}
    for num, exp in sorted(want.items()):
        fr = frames[num]
        where = "%s frame %d (%s)" % (tag, num, exp["msg"])

        def expect(name, value, got):
            if got != value:
                errors.append("%s: %s expected %s, got %s" % (where, name, value, got))
        expect("ikediag.sa", exp["sa"], as_int(fr.get("ikediag.sa")))
        expect("ikediag.exchange", exp["exchange"], fr.get("ikediag.exchange"))
        expect("ikediag.phase", exp["phase"], as_int(fr.get("ikediag.phase")))
        expect("ikediag.state", exp["state"], fr.get("ikediag.state"))
        expect("ikediag.request_in", exp["request_in"], as_int(fr.get("ikediag.request_in")))
        expect("ikediag.response_in", exp["response_in"], as_int(fr.get("ikediag.response_in")))
        expect("ikediag.retransmission", exp["retransmission"], as_int(fr.get("ikediag.retransmission")))
        expect("ikediag.retransmission.count", exp["count"], as_int(fr.get("ikediag.retransmission.count")))
        expect("ikediag.version", exp["version"], as_int(fr.get("ikediag.version")))
        kind = derive.kind(exp["msg"])
        v2 = exp["version"] == 2
        prefix = exp["msg"] + ":" if v2 else EXPLAIN_PREFIX.get(kind, exp["msg"] + ":")
        explain = fr.get("ikediag.explain")
        if not isinstance(explain, str) or not explain.startswith(prefix):
            errors.append("%s: ikediag.explain should be one text starting with %s, got %s"
                          % (where, prefix, explain))
        # NAT-D: on a phase-1 exchange's frames from MM#3 (AM#2) on, once known (RFC 3947)
        nat_msgs = ("MM#3", "MM#4", "MM#5", "MM#6", "AM#2", "AM#3")
        nat = cap.nat.get(exp["sa"]) if exp["msg"] in nat_msgs else None
        expect("ikediag.nat", nat, fr.get("ikediag.nat"))
        # phase-1 proposals on the phase-1 exchange's frames (Quick Mode's, with keys, are not listed)
        if kind in ("MM", "AM"):
            expect("ikediag.offered", cap.offered.get(exp["sa"]), fr.get("ikediag.offered"))
            step = int(exp["msg"].split("#")[1])
            expect("ikediag.chosen", cap.chosen.get(exp["sa"]) if step >= 2 else None, fr.get("ikediag.chosen"))
        elif kind == "QM" and not with_keys:
            expect("ikediag.offered", None, fr.get("ikediag.offered"))
            expect("ikediag.chosen", None, fr.get("ikediag.chosen"))
        elif kind == "SA_INIT":
            # the round's first proposal, in clear; its choice on its answers once one made it
            key = (exp["sa"], exp["xname"])
            expect("ikediag.offered", cap.offered_v2.get(key), fr.get("ikediag.offered"))
            chosen = cap.chosen_v2.get(key) if exp["msg"] == "SA_INIT#2" else None
            expect("ikediag.chosen", chosen, fr.get("ikediag.chosen"))
        elif v2 and not with_keys:  # AUTH's and CREATE_CHILD_SA's SA payloads are encrypted
            expect("ikediag.offered", None, fr.get("ikediag.offered"))
        elif kind == "INFO" and fr.get("ikediag.offered") is not None and not with_keys:
            expect("ikediag.offered (the refused request's)", cap.offered.get(exp["sa"]), fr.get("ikediag.offered"))
        # expert infos: group and severity as documented, and which ones this frame has
        for eid, group, severity, message in fr.experts:
            documented = EXPERTS.get("ikediag.stalled.*" if eid.startswith("ikediag.stalled.") else eid)
            if documented != (group, severity):
                errors.append("%s: expert %s is %s/%s, the README says %s" % (where, eid, group, severity,
                                                                               documented))
        ids = sorted(e[0] for e in fr.experts if e[0] not in TUNNEL_EXPERTS)
        want_ids = []
        if exp["retransmission"]:
            want_ids.append("ikediag.resend")
        if exp["msg"] in derive.FINAL and not exp["retransmission"] and not exp["fragment"]:
            want_ids.append("ikediag.complete")
        elif v2 and exp["msg"] in ("AUTH#2", "CHILD#2") and not exp["retransmission"] and not exp["fragment"]:
            listed = by_name.get((exp["sa"], exp["xname"]))
            if not listed or (listed.expected(with_keys) or ("none",))[0] == "complete":
                want_ids.append("ikediag.complete")
        notify = cap.notifies.get(num)
        is_error = notify and (notify[0] < 16384 if v2 else notify[0] <= 8191)
        if is_error and (with_keys or notify[2] == "clear"):
            want_ids.append("ikediag.error_notify")
            msg = [e[3] for e in fr.experts if e[0] == "ikediag.error_notify"]
            fact = "%s (%d) in reply to" % (notify[1], notify[0])
            asked = "(frame %s)" % exp["request_in"] if exp["request_in"] else ")"
            if msg and (fact not in msg[0] or not msg[0].endswith(asked)):
                errors.append("%s: error notify should say %s ... %s, says %s" % (where, fact, asked, msg[0]))
        if with_keys and num in cap.undecrypted:
            want_ids.append("ikediag.malformed")
        if exp["request_missing"]:
            want_ids.append("ikediag.request_missing")
        if exp.get("unexpected"):
            want_ids.append("ikediag.unexpected")
        outcomes = split(",".join(fr.all("ikediag.outcome")))
        names = split(",".join(fr.all("ikediag.verdict.exchange")))
        for name, outcome in zip(names, outcomes):
            ex = by_name.get((exp["sa"], name))
            if outcome == "stalled" and ex:
                want_ids.append("ikediag.stalled." + ex.expected(with_keys)[2].replace("-", "_"))
        want_ids += ["ikediag.cut"] * outcomes.count("cut")
        if unanswered(cap, want, frames, num):
            want_ids.append("ikediag.unanswered")
        expect("expert infos", sorted(want_ids), ids)
        # the verdict's free text and Cisco line: on stalled verdict frames only
        for name, outcome in zip(names, outcomes):
            if outcome == "stalled":
                verdict_frames[(exp["sa"], name)] = num
        n_stalled = outcomes.count("stalled")
        expect("number of ikediag.cause.text", n_stalled, len(fr.all("ikediag.cause.text")))
        expect("number of ikediag.cause.cisco", n_stalled, len(fr.all("ikediag.cause.cisco")))
        expect("number of ikediag.stalled", n_stalled, len(fr.all("ikediag.stalled")))
    for key, ex in sorted(stalled.items()):
        num = verdict_frames.get(key)
        if num is None:
            continue  # compare_verdicts reports a missing verdict
        fr = frames[num]
        where = "%s SA %d %s verdict (frame %d)" % (tag, key[0], key[1], num)
        ev = cap.evidence.get(key)
        if ev is None:
            errors.append("%s: MANIFEST has no evidence line" % where)
            continue
        got_ev = [int(v) for v in fr.all("ikediag.evidence")]
        if got_ev != ev:
            errors.append("%s: evidence expected %s, got %s" % (where, ev, got_ev))
        # key facts of the diagnosis: the stall point, the request and how often it went out
        first = ev[0]
        sent = 1 + sum(1 for w in want.values() if w["retransmission"] == first)
        times = {1: "sent once", 2: "sent twice"}.get(sent, "sent %d times" % sent)
        stall = ex.expected(with_keys)[1]
        if stall == "XAUTH":  # no request resent: the evidence names the frames
            facts = ["Stalled at XAUTH:", "frame %d" % first]
        else:
            facts = ["Stalled at %s:" % stall, "%s %s" % (want[first]["msg"], times)]
        notify = [cap.notifies[f] for f in ev if f in cap.notifies and (with_keys or cap.notifies[f][2] == "clear")]
        facts += [n[1] for n in notify]
        text = " ".join(fr.all("ikediag.cause.text"))
        for fact in facts:
            if fact not in text:
                errors.append("%s: ikediag.cause.text lacks %r: %s" % (where, fact, text[:200]))
        if not any(c.strip() for c in fr.all("ikediag.cause.cisco")):
            errors.append("%s: empty ikediag.cause.cisco" % where)
    for key in cap.evidence:
        if key not in stalled_ever:
            errors.append("%s: evidence line for %s, which is not a stalled exchange" % (tag, key))


def check_capture(ts, pcaps, cap):
    errors = []
    pcap = ts.stage_file(os.path.join(pcaps, cap.name))
    clear_proxies = {}
    clear_json = json_run(ts, pcap)
    frames, verdicts = read_run(rows_of(clear_json), clear_proxies)
    check_fields(cap, clear_json, "two-pass", errors, with_keys=False)
    if clear_proxies:
        errors.append("without keys frames show proxy IDs: %s" % clear_proxies)
    compare_frames(cap, frames, "two-pass", errors)
    compare_verdicts(cap, verdicts, "two-pass", errors, with_keys=False)

    _, single_verdicts = read_run(ts.fields(pcap, FIELDS))
    check_single_pass(cap, single_verdicts, errors)

    if cap.keys:
        conf = ts.config_dir_with_keys(os.path.join(pcaps, cap.keys))
        proxies = {}
        keys_json = json_run(ts, pcap, config_dir=conf)
        key_frames, key_verdicts = read_run(rows_of(keys_json), proxies)
        check_fields(cap, keys_json, "with keys", errors, with_keys=True)
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

    # merged two-point captures (vantage lines) are check_two_points.py's
    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST")) if not c.unavailable and not c.vantages]
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
