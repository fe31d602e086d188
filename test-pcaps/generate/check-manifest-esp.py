#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check MANIFEST's `esp` and `tunnel` lines against the captures with stock tshark only
(no ikediag plugin).  Called by check-manifest.sh.

    test-pcaps/generate/check-manifest-esp.py [CAPTURE...]

For every block (or those named):
  - line syntax: `esp FRAME SA CHILD I>R|R>I` or `esp FRAME - - -`, `tunnel SA CHILD
    two-way|no-traffic|one-way-esp responder|initiator`;
  - every ESP frame of the capture has exactly one `esp` line, and every `esp` line names
    an ESP frame (a capture with ESP frames and no `esp` line fails too);
  - the child named exists in the capture (IKE SAs numbered by first appearance of the
    initiator SPI, Quick Modes by message ID within the SA, IKEv2 AUTH / CHILD1...), and
    the block has `exchange SA CHILD complete`;
  - direction: I>R exactly when the ESP source address is the address that sent the child
    exchange's first message at the same capture point (interface);
  - SPIs: one SPI per (SA, CHILD, DIR), different ones for different triples; with the
    keys, where tshark decrypts the child exchange's SA payloads, the I>R SPI is the one
    of the answer (the responder's inbound SPI) and the R>I SPI the request's;
  - `tunnel` lines: one per child with `esp` lines (and maybe others: `no-traffic`), each
    state what the `esp` lines of that child say, or what the rest of the capture says on
    top: `dead-peer` when one side sent two Informationals or more, a second apart or
    more, after the other side's last ISAKMP packet (DPD with nothing back); `stale-spi`
    when the child's ESP went one way at its end (frames from one address after the other
    address's last ESP on that child) and a later IKE SA whose first message comes from the
    silent address began after that last ESP from it and before the child's last ESP frame
    (the silent side negotiates afresh while the other still sends on the old SPI); `two-way`
    for a child one way whose other way went on a sibling child of the same IKE SA (each
    side sending on the child it installed last, after a simultaneous initiation).
Exit 1 on any mismatch.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("esp_lines", os.path.join(os.path.dirname(os.path.abspath(__file__)), "esp-lines.py"))
# only the tshark helpers (field reading, PDML proposal SPIs) are shared, not the derivation
esp_lines = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(esp_lines)

DIR = esp_lines.DIR
MANIFEST = esp_lines.MANIFEST
STATES = {"two-way", "no-traffic", "one-way-esp", "dead-peer", "stale-spi"}
DPD_MIN_INTERVAL = 1.0  # seconds: a burst of Informationals is a teardown, DPD asks at an interval


def blocks():
    out, cur = {}, None
    for l in open(MANIFEST):
        l = l.rstrip("\n")
        if l.startswith("capture "):
            cur = l.split()[1]
            out[cur] = []
        elif not l.strip():
            cur = None
        if cur:
            out[cur].append(l)
    return out


def children(cap):
    """(sa, name) -> dict(src={iface: addr}, first_src, frames, msgs) from the ISAKMP headers"""
    rows = esp_lines.fields(cap, "isakmp && !icmp && !icmpv6",
                            ["frame.number", "frame.interface_id", "ip.src", "ipv6.src", "isakmp.version",
                             "isakmp.ispi", "isakmp.exchangetype", "isakmp.messageid", "isakmp.flags"])
    sas, ex, nq, nc, keyname = {}, {}, {}, {}, {}
    for r in rows:
        sa = sas.setdefault(r["isakmp.ispi"], len(sas) + 1)
        et = int(r["isakmp.exchangetype"] or 0)
        v2 = r["isakmp.version"].endswith("20") or r["isakmp.version"] == "32"
        mid = int(r["isakmp.messageid"] or "0", 0)
        flags = int(r["isakmp.flags"] or "0", 16)
        if not v2 and et == 32:
            k = (sa, "qm", mid)
            if k not in keyname:
                nq[sa] = nq.get(sa, 0) + 1
                keyname[k] = "QM%d" % nq[sa]
        elif v2 and et == 35:
            k = (sa, "auth")
            keyname.setdefault(k, "AUTH")
        elif v2 and et == 36:
            resp = bool(flags & 0x20)
            k = (sa, "child", mid, bool(flags & 0x08) != resp)
            if k not in keyname:
                nc[sa] = nc.get(sa, 0) + 1
                keyname[k] = "CHILD%d" % nc[sa]
        else:
            continue
        name = (sa, keyname[k])
        src = r["ip.src"] or r["ipv6.src"]
        iface = r["frame.interface_id"] or "0"
        e = ex.setdefault(name, dict(src={}, first_src=src, msgs=[], v2=v2))
        e["src"].setdefault(iface, src)
        is_req = not (flags & 0x20) if v2 else src == e["src"][iface]
        e["msgs"].append((int(r["frame.number"]), is_req))
    return ex


def check(capname, block):
    errs = []
    err = errs.append
    cap = os.path.join(DIR, capname)
    esp_l, tun_l = {}, {}
    for l in block:
        t = l.split()
        if not t:
            continue
        if t[0] == "esp":
            ok = len(t) == 5 and t[1].isdigit() and (t[2:] == ["-", "-", "-"] or (
                t[2].isdigit() and re.match(r"^(QM[0-9]+|AUTH|CHILD[0-9]+)$", t[3]) and t[4] in ("I>R", "R>I")))
            if not ok:
                err("bad esp line: " + l)
                continue
            if int(t[1]) in esp_l:
                err("two esp lines for frame " + t[1])
            esp_l[int(t[1])] = None if t[2] == "-" else (int(t[2]), t[3], t[4])
        elif t[0] == "tunnel":
            ok = len(t) >= 4 and t[1].isdigit() and t[3] in STATES and (
                (t[3] == "one-way-esp" and len(t) == 5 and t[4] in ("responder", "initiator")) or
                (t[3] != "one-way-esp" and len(t) == 4))
            if not ok:
                err("bad tunnel line: " + l)
                continue
            key = (int(t[1]), t[2])
            if key in tun_l:
                err("two tunnel lines for SA %d %s" % key)
            tun_l[key] = " ".join(t[3:])
    esp = esp_lines.fields(cap, "esp", ["frame.number", "frame.interface_id", "ip.src", "ipv6.src", "esp.spi"])
    if not esp and not esp_l and not tun_l:
        return errs
    frames = {int(r["frame.number"]): r for r in esp}
    if set(frames) != set(esp_l):
        miss = sorted(set(frames) - set(esp_l))
        extra = sorted(set(esp_l) - set(frames))
        if miss:
            err("ESP frames without an esp line: %s" % miss)
        if extra:
            err("esp lines for frames that are not ESP: %s" % extra)
    ex = children(cap) if esp_l or tun_l else {}
    exch_complete = set()
    for l in block:
        t = l.split()
        if t and t[0] == "exchange" and len(t) >= 4 and t[3] == "complete":
            exch_complete.add((int(t[1]), t[2]))
    spi_of, triple_of = {}, {}
    seen = {}
    for num, v in sorted(esp_l.items()):
        if num not in frames or v is None:
            continue
        sa, child, d = v
        r = frames[num]
        spi = "%08x" % int(r["esp.spi"], 0)
        if (sa, child) not in ex:
            err("esp %d: no child exchange SA %d %s in the capture" % (num, sa, child))
            continue
        if (sa, child) not in exch_complete:
            err("esp %d: no `exchange %d %s complete` line" % (num, sa, child))
        e = ex[(sa, child)]
        src = r["ip.src"] or r["ipv6.src"]
        req = e["src"].get(r["frame.interface_id"] or "0", e["first_src"])
        if (src == req) != (d == "I>R"):
            err("esp %d: %s, but the ESP comes from %s and SA %d %s's request from %s" % (num, d, src, sa, child, req))
        if spi_of.setdefault((sa, child, d), spi) != spi:
            err("esp %d: SPI %s, but SA %d %s %s is SPI %s in an earlier frame" % (num, spi, sa, child, d, spi_of[(sa, child, d)]))
        if triple_of.setdefault(spi, (sa, child, d)) != (sa, child, d):
            err("esp %d: SPI %s is SA %d %s %s in an earlier frame" % ((num, spi) + triple_of[spi]))
        seen.setdefault((sa, child), set()).add(d)
    # with keys: the SPIs the child exchanges carry
    keys = [l.split()[1] for l in block if l.startswith("keys ")]
    cfg = esp_lines.keydir(os.path.join(DIR, keys[0])) if keys and keys[0] != "-" else None
    if cfg and spi_of:
        want = sorted({n for (sa, c, d) in spi_of for n, _ in ex.get((sa, c), {"msgs": []})["msgs"]})
        spis = esp_lines.proposal_spis(cap, cfg, want)
        for (sa, c, d), spi in spi_of.items():
            got = set()
            for n, is_req in ex[(sa, c)]["msgs"]:
                if is_req == (d == "R>I"):
                    got |= spis.get(n, set())
            if got and spi not in got:
                err("SA %d %s %s: ESP SPI %s, but the decrypted %s carries %s" % (
                    sa, c, d, spi, "request" if d == "R>I" else "answer", sorted(got)))
    for key, dirs in seen.items():
        if key not in tun_l:
            err("SA %d %s has esp lines but no tunnel line" % key)
    for key, state in tun_l.items():
        if key not in exch_complete:
            err("tunnel %d %s: no `exchange %d %s complete` line" % (key + key))
        dirs = seen.get(key, set())
        want = {frozenset(["I>R", "R>I"]): "two-way", frozenset(["I>R"]): "one-way-esp responder",
                frozenset(["R>I"]): "one-way-esp initiator", frozenset(): "no-traffic"}[frozenset(dirs)]
        pair = want.startswith("one-way") and paired(key, dirs, esp_l, frames, ex)
        if state == "dead-peer":
            if not unanswered_informationals(cap):
                err("tunnel %d %s dead-peer, but no side's Informationals went unanswered" % key)
        elif state == "stale-spi":
            why = new_sa_by_silent(cap, key, esp_l)
            if why:
                err("tunnel %d %s stale-spi, but %s" % (key + (why,)))
        elif state != want and not (state == "two-way" and pair):
            err("tunnel %d %s %s, but its esp lines say %s" % (key + (state, want)))
    return errs


def unanswered_informationals(cap):
    """Two Informationals or more from one address, DPD_MIN_INTERVAL apart or more, after
    the other address's last ISAKMP packet."""
    rows = esp_lines.fields(cap, "isakmp && !icmp && !icmpv6",
                            ["frame.time_epoch", "ip.src", "ipv6.src", "isakmp.exchangetype"])
    last_from, lone = {}, {}
    for r in rows:
        src, t = r["ip.src"] or r["ipv6.src"], float(r["frame.time_epoch"])
        for other in list(lone):
            if other != src:
                lone[other] = []
        if r["isakmp.exchangetype"].split(",")[0] in ("5", "37"):
            lone.setdefault(src, []).append(t)
        last_from[src] = t
    return any(len(ts) >= 2 and ts[-1] - ts[0] >= DPD_MIN_INTERVAL for ts in lone.values())


def new_sa_by_silent(cap, key, esp_l):
    """None when the child's ESP went one way at its end and a later IKE SA begun by the
    silent address started between the silent side's last ESP on the child and the child's
    last ESP frame; else why not."""
    rows = esp_lines.fields(cap, "esp", ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst"])
    mine = [(int(r["frame.number"]), r["ip.src"] or r["ipv6.src"], r["ip.dst"] or r["ipv6.dst"]) for r in rows
            if esp_l.get(int(r["frame.number"])) and esp_l[int(r["frame.number"])][:2] == key]
    if not mine:
        return "it has no ESP"
    last, talker, silent = mine[-1]
    quiet = [n for n, src, _ in mine if src == silent]
    after = [n for n, src, _ in mine if src == talker and n > max(quiet or [0])]
    if not after:
        return "its ESP did not go one way at its end"
    isk = esp_lines.fields(cap, "isakmp && !icmp && !icmpv6", ["frame.number", "ip.src", "ipv6.src", "isakmp.ispi"])
    sas, first = {}, {}
    for r in isk:
        sa = sas.setdefault(r["isakmp.ispi"], len(sas) + 1)
        first.setdefault(sa, (int(r["frame.number"]), r["ip.src"] or r["ipv6.src"]))
    for sa, (num, src) in sorted(first.items()):
        if sa > key[0] and src == silent and max(quiet or [0]) < num < last:
            return None
    return "no later IKE SA begun by the silent %s between its last ESP on the child (%s) and the child's last ESP (frame %d)" % (
        silent, max(quiet) if quiet else "none", last)


def paired(key, dirs, esp_l, frames, ex):
    """The child's ESP comes from one address; a sibling child of the same SA carries ESP
    from the other address."""
    def sources(k):
        return {frames[n]["ip.src"] or frames[n]["ipv6.src"] for n, v in esp_l.items()
                if v and (v[0], v[1]) == k and n in frames}
    mine = sources(key)
    for (sa, child) in ex:
        if sa == key[0] and child != key[1] and sources((sa, child)) - mine:
            return True
    return False


def main():
    bl = blocks()
    caps = sys.argv[1:] or list(bl)
    rc = 0
    todo = [c for c in caps if c in bl and os.path.exists(os.path.join(DIR, c))]  # check-manifest.sh reports the rest
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(int(os.environ.get("IKEDIAG_JOBS", os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda c: check(c, bl[c]), todo))
    for c, errs in zip(todo, results):
        for e in errs:
            print("%s: %s" % (c, e))
        rc |= bool(errs)
    print("check-manifest-esp: %d captures, %s" % (len(caps), "FAILED" if rc else "ok"))
    sys.exit(rc)


if __name__ == "__main__":
    main()
