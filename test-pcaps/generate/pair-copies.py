#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pair-copies.py: which ISAKMP frames of a two-point capture are the same copy of a message
seen at both capture points, from stock tshark fields only (no ikediag plugin).  It writes
the `vantage`, `offset`, `copy`, `lost` and `translated` lines of a MANIFEST block
(test-pcaps/README.md, "Two capture points"), and with --draft a draft of the `frame`
lines, to be checked by hand against inspect.sh and the daemons' logs.

    pair-copies.py [--offset S] [--tolerance T] [--draft] CAPTURE.pcapng

Rules:
  - an ISAKMP frame is one tshark dissects as isakmp, not inside an ICMP error (as in
    check-manifest.sh); its bytes are the UDP payload after any non-ESP marker (a
    reassembled IP datagram counts once, on its last fragment);
  - the interface named `vleft` is the initiator's capture point, `vright` the
    responder's; `--offset S` is what was added to vright's timestamps before merging
    (SHIFT_RIGHT), subtracted again here;
  - frames F and G are a copy pair when they are on different interfaces, carry the same
    bytes, and their times (vright's corrected by the offset) are at most T seconds apart
    (default 0.2: a copy crosses the router in well under a millisecond, a resend of the
    same bytes comes a second or more later); each frame pairs at most once, closest first;
  - an ISAKMP frame with no copy is `lost`;
  - `translated F A B`: for a copy pair whose addresses differ, F the frame at the
    sender's point (the earlier, after the offset), A the address:port that differs as F
    shows it, B as the far point shows it (once per distinct mapping).
"""
import argparse
import subprocess
import sys

FIELDS = ["frame.number", "frame.interface_id", "frame.interface_name", "frame.time_epoch",
          "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "udp.payload",
          "isakmp.version", "isakmp.exchangetype", "isakmp.flags", "isakmp.messageid",
          "isakmp.ispi", "isakmp.rspi", "isakmp.nextpayload"]
ROLES = {"vleft": "initiator", "vright": "responder"}


def read(capture):
    out = subprocess.run(["tshark", "-r", capture, "-Y", "isakmp && !icmp && !icmpv6", "-T", "fields",
                          "-E", "occurrence=l"] + sum([["-e", f] for f in FIELDS], []),
                         capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        c = dict(zip(FIELDS, line.split("\t")))
        p = c["udp.payload"].replace(":", "")
        if p.startswith("00000000"):
            p = p[8:]
        c["bytes"] = p
        c["num"] = int(c["frame.number"])
        c["iface"] = int(c["frame.interface_id"])
        frames.append(c)
    return frames


def interfaces(capture):
    """id -> name for every interface of the file, frames or not (capinfos reads the IDBs)."""
    out = subprocess.run(["capinfos", "-I", capture], capture_output=True, text=True, check=True).stdout
    names, cur = {}, None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Interface #"):
            cur = int(line.split("#")[1].split()[0])
        elif line.startswith("Name = ") and cur is not None:
            names[cur] = line.split("= ", 1)[1]
    return names


def pair(frames, names, offset, tol):
    def t(f):
        return float(f["frame.time_epoch"]) - (offset if names.get(f["iface"]) == "vright" else 0.0)
    cands = []
    for i, a in enumerate(frames):
        for b in frames[i + 1:]:
            if a["iface"] != b["iface"] and a["bytes"] == b["bytes"] and abs(t(a) - t(b)) <= tol:
                cands.append((abs(t(a) - t(b)), a["num"], b["num"], a, b))
    cands.sort(key=lambda x: (x[0], x[1], x[2]))
    paired, pairs = {}, []
    for _, na, nb, a, b in cands:
        if na in paired or nb in paired:
            continue
        sender, far = (a, b) if t(a) <= t(b) else (b, a)
        paired[na], paired[nb] = nb, na
        pairs.append((min(na, nb), max(na, nb), sender, far))
    pairs.sort(key=lambda x: x[0])
    return pairs, paired


def translations(pairs):
    seen, out = set(), []
    for _, _, s, f in pairs:
        for addr, port in (("ip.src", "udp.srcport"), ("ip.dst", "udp.dstport")):
            old, new = "%s:%s" % (s[addr], s[port]), "%s:%s" % (f[addr], f[port])
            if old != new and (old, new) not in seen:
                seen.add((old, new))
                out.append((s["num"], old, new))
    return out


def draft(frames, names, paired):
    """Draft frame lines: label from exchange type, flags, payloads and order; the sender by
    the address (left's packets carry 198.51.100.1 at vleft, anything but 203.0.113.2 at
    vright); resend = the same bytes seen earlier at the same capture point."""
    seen = {}     # (interface, bytes) -> the label and role of the first copy there
    mm = {}       # (icookie, sender) -> count of distinct MM messages from that sender
    qm = {}       # (icookie, msgid) -> [initiator, distinct messages]
    lines = []
    for f in frames:
        left = f["ip.src"] != "203.0.113.2"
        sender = "initiator" if left else "responder"
        key = (f["iface"], f["bytes"])
        resend = key in seen
        ex = int(f["isakmp.exchangetype"] or 0)
        if resend and f["isakmp.version"] != "0x20":
            lab, role = seen[key]
            lines.append("frame %d %s %s resend" % (f["num"], lab, role))
            continue
        if f["isakmp.version"] == "0x20":
            lab = {34: "SA_INIT", 35: "AUTH", 36: "CHILD", 37: "INFO"}.get(ex, "?")
            flags = int(f["isakmp.flags"], 16)
            lab += "#2" if flags & 0x20 else "#1"
            role = "initiator" if flags & 0x08 else "responder"
            lines.append("frame %d %s %s%s msgid %d" % (f["num"], lab, role, " resend" if resend else "",
                                                        int(f["isakmp.messageid"], 16)))
            seen[key] = (lab, role)
            continue
        ic, mid = f["isakmp.ispi"], f["isakmp.messageid"]
        if ex == 2:
            k = (f["iface"], ic, sender)
            mm[k] = mm.get(k, 0) + 1
            n = mm[k]
            lab = "MM#%d" % (2 * n - 1 if left else 2 * n)
            role = sender
        elif ex == 4:
            k = (f["iface"], ic, sender)
            mm[k] = mm.get(k, 0) + 1
            lab = "AM#%d" % (2 * mm[k] - 1 if left else 2)
            role = sender
        elif ex == 32:
            q = qm.setdefault((f["iface"], ic, mid), [sender, 0])
            q[1] += 1
            lab = "QM#%d" % q[1]
            role = "initiator" if sender == q[0] else "responder"
        else:
            lab = {5: "INFO", 6: "TXN"}.get(ex, "?%d" % ex)
            role = sender
        seen[key] = (lab, role)
        lines.append("frame %d %s %s" % (f["num"], lab, role))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offset", type=float, default=0.0, help="seconds added to vright's timestamps")
    ap.add_argument("--tolerance", type=float, default=0.2)
    ap.add_argument("--draft", action="store_true", help="also print draft frame lines")
    ap.add_argument("capture")
    a = ap.parse_args()
    names = interfaces(a.capture)
    frames = read(a.capture)
    pairs, paired = pair(frames, names, a.offset, a.tolerance)
    for i in sorted(names):
        print("vantage %d %s %s" % (i, names[i], ROLES.get(names[i], "?")))
    print("offset %g" % a.offset)
    for x, y, _, _ in pairs:
        print("copy %d %d" % (x, y))
    for f in frames:
        if f["num"] not in paired:
            print("lost %d" % f["num"])
    for num, old, new in translations(pairs):
        print("translated %d %s %s" % (num, old, new))
    if a.draft:
        for line in draft(frames, names, paired):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
