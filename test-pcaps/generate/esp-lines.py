#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The `esp` and `tunnel` lines of MANIFEST blocks, from the daemons' logs and stock tshark.

    test-pcaps/generate/esp-lines.py [--write] [CAPTURE...]

Without CAPTURE: every MANIFEST block whose capture has ESP frames, plus the esp-* and
v2-esp-* captures (made for the tunnel's life, with or without ESP).  Prints the lines
per capture; --write replaces the block's old `esp`/`tunnel` lines in MANIFEST by them,
right after the block's last `exchange` line (idempotent).

How (no ikediag plugin):
  - IKE SAs numbered 1, 2 ... by first appearance of their initiator SPI (cookie), as the
    `exchange` lines number them; child exchanges named as the `exchange` lines do:
    IKEv1 QM1, QM2 ... (message IDs within the SA, by first appearance, failed ones too),
    IKEv2 AUTH, CHILD1, CHILD2 ... (CREATE_CHILD_SA, keyed by message ID and requester);
  - each child exchange's SPIs from its decrypted SA payloads (tshark with the key file:
    ESP/AH proposals, 4-byte SPI; the request carries the requester's inbound SPI, the
    answer the responder's), cross-checked against the strongSwan logs ("CHILD_SA
    net{N} established with SPIs IN_i OUT_o") and libreswan's ("ESP=>0xOUT <0xIN"): every
    decrypted pair must be a logged pair, each side's log the mirror of the other's, and
    every ESP SPI of a logged child must belong to a decrypted exchange;
  - a child exchange completed (has a `tunnel` line) when both SPIs are known and a log
    says established;
  - ESP frames (tshark esp.spi): the responder's inbound SPI means I>R, the requester's
    R>I; cross-checked with the addresses: I>R iff the ESP source is the address that
    sent the child exchange's first message at the same capture point (interface).
  - the `tunnel` state from the ESP directions (two-way, one-way-esp, no-traffic), except
    `stale-spi` when a log has the restart marker (a daemon killed and started again, as
    the esp-stale-spi* scenarios write it) and the new daemon then initiated an IKE SA
    that is in the capture (its logged Ka / SK_ei is the key file's key for that SA's
    SPIs, and its first message comes from the address the new daemon logged sending
    from), and an older child's ESP from the other address still went on, on the old
    SPI, after that first message, while none came from the restarted side after its
    restart (its last ESP on the child before the other side's one-way frames).
Exit 1 when a source disagrees with another.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(DIR, "generate")
MANIFEST = os.path.join(DIR, "MANIFEST")


def tshark(args, cfg=None):
    env = dict(os.environ)
    if cfg:
        env["WIRESHARK_CONFIG_DIR"] = cfg
    else:  # no user profile (no keys, no plugin preferences)
        env["WIRESHARK_CONFIG_DIR"] = EMPTY
    return subprocess.run(["tshark"] + args, capture_output=True, text=True, env=env, check=True).stdout


EMPTY = tempfile.mkdtemp(prefix="esp-lines-empty.")


def fields(cap, flt, names, cfg=None):
    out = tshark(["-r", cap, "-Y", flt, "-T", "fields", "-E", "occurrence=f"] +
                 [a for n in names for a in ("-e", n)], cfg)
    return [dict(zip(names, line.split("\t"))) for line in out.splitlines()]


def hexs(v):
    return v.replace(":", "").lower()


def keydir(cap_keys):
    if not cap_keys or not os.path.exists(cap_keys):
        return None
    d = tempfile.mkdtemp(prefix="esp-lines-keys.")
    v1, v2 = [], []
    for line in open(cap_keys):
        line = line.strip()
        if line:
            (v1 if len(line.split(",")) == 2 else v2).append(line)
    for name, lines in (("ikev1_decryption_table", v1), ("ikev2_decryption_table", v2)):
        with open(os.path.join(d, name), "w") as f:
            f.write("".join(l + "\n" for l in lines))
    return d


def log_files(name):
    """the two logs of a capture, following a derived capture to its source"""
    out = []
    for side in ("left", "right"):
        p = os.path.join(DIR, "logs", "%s.%s.log" % (name, side))
        if not os.path.exists(p):
            continue
        first = open(p).readline()
        m = re.match(r"# derived capture: see logs/(\S+)", first)
        if m:
            p = os.path.join(DIR, "logs", m.group(1))
        out.append((side, p))
    return out


def log_children(name):
    """[(side, inbound, outbound)] from the logs"""
    kids = []
    for side, p in log_files(name):  # (strongSwan logs a rekeyed child's inbound and outbound halves alike)
        for line in open(p, errors="replace"):
            m = re.search(r"CHILD_SA \S+ established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o", line)
            if m:
                kids.append((side, m.group(1), m.group(2)))
                continue
            m = re.search(r"IPsec SA established .*=>0x([0-9a-f]{8}) <0x([0-9a-f]{8})", line)
            if m:
                kids.append((side, m.group(2), m.group(1)))
    return list(dict.fromkeys(kids))


RESTART = re.compile(r"^# ---- (\w+) daemon killed .*started again")


def logged_keys(lines):
    """the IKEv1 Ka and IKEv2 SK_ei keys (hex) in log lines, in order"""
    keys, want, cur = [], 0, ""
    for line in lines:
        m = re.search(r"(encryption key Ka|Sk_ei secret) => ([0-9]+) bytes", line)
        if m:
            want, cur = int(m.group(2)), ""
            continue
        if want > 0:
            body = re.sub(r"^.*\]\s*(<[^>]*>\s*)?\s*[0-9]+: ", "", line)
            for t in body.split()[:16]:
                if want > 0 and re.match(r"^[0-9A-Fa-f]{2}$", t):
                    cur += t.lower()
                    want -= 1
            if want == 0:
                keys.append(cur)
    return keys


def restarted_initiations(name):
    """[(side, src, dst, keys)]: a log with the restart marker whose new daemon initiated an
    IKE SA: the address it sent the first message from and to, and the keys it logged"""
    out = []
    for side, p in log_files(name):
        lines = open(p, errors="replace").read().splitlines()
        at = [i for i, l in enumerate(lines) if RESTART.match(l)]
        if not at:
            continue
        after = lines[at[-1] + 1:]
        init = [i for i, l in enumerate(after) if re.search(r"initiating (Main Mode |Aggressive Mode )?IKE_SA \S+ to ", l)]
        if not init:
            continue
        src = dst = None
        for l in after[init[0]:]:
            m = re.search(r"sending packet: from (\S+)\[\d+\] to (\S+)\[\d+\]", l)
            if m:
                src, dst = m.group(1), m.group(2)
                break
        if src:
            out.append((side, src, dst, logged_keys(after)))
    return out


def proposal_spis(cap, cfg, frames):
    """frame -> set of 4-byte ESP/AH proposal SPIs in its (decrypted) SA payloads"""
    if not frames:
        return {}
    flt = "frame.number in {%s}" % ",".join(str(f) for f in frames)
    root = ET.fromstring(tshark(["-r", cap, "-Y", flt, "-T", "pdml"], cfg))
    res = {}
    for pkt in root.iter("packet"):
        num = None
        for f in pkt.iter("field"):
            if f.get("name") == "frame.number":
                num = int(f.get("show"))
                break
        spis = set()
        for f in pkt.iter("field"):
            if f.get("name") == "isakmp.typepayload" and f.get("show") == "2":  # Proposal
                proto = size = spi = None
                for c in f:
                    n = c.get("name")
                    if n == "isakmp.prop.protoid":
                        proto = c.get("show")
                    elif n == "isakmp.spisize":
                        size = c.get("show")
                    elif n == "isakmp.spi":
                        spi = hexs(c.get("value") or c.get("show"))
                if proto in ("2", "3") and size == "4" and spi:
                    spis.add(spi)
        res[num] = spis
    return res


class Fail(Exception):
    pass


def derive(capname):
    cap = os.path.join(DIR, capname)
    name = re.sub(r"\.pcap(ng)?$", "", capname)
    block = manifest_block(capname)
    keys = None
    for l in block:
        if l.startswith("keys ") and l.split()[1] != "-":
            keys = os.path.join(DIR, l.split()[1])
    cfg = keydir(keys)
    problems = []

    isk = fields(cap, "isakmp && !icmp && !icmpv6",
                 ["frame.number", "frame.interface_id", "ip.src", "ipv6.src", "isakmp.version",
                  "isakmp.ispi", "isakmp.exchangetype", "isakmp.messageid", "isakmp.flags"])
    sas = {}        # ispi -> number
    exch = {}       # key -> dict(name, sa, src{iface}, frames, req_frames, resp_frames)
    order = []
    nqm, nchild = {}, {}
    for r in isk:
        ispi = hexs(r["isakmp.ispi"])
        sa = sas.setdefault(ispi, len(sas) + 1)
        et = int(r["isakmp.exchangetype"] or 0)
        v2 = r["isakmp.version"] in ("0x20", "0x00000020", "32") or r["isakmp.version"].endswith("20")
        mid = int(r["isakmp.messageid"], 0) if r["isakmp.messageid"] else 0
        flags = int(r["isakmp.flags"], 16) if r["isakmp.flags"] else 0
        src = r["ip.src"] or r["ipv6.src"]
        iface = r["frame.interface_id"] or "0"
        num = int(r["frame.number"])
        if not v2 and et == 32:
            key = (sa, "qm", mid)
            if key not in exch:
                nqm[sa] = nqm.get(sa, 0) + 1
                exch[key] = dict(name="QM%d" % nqm[sa], sa=sa, v2=False)
        elif v2 and et == 35:
            key = (sa, "auth")
            if key not in exch:
                exch[key] = dict(name="AUTH", sa=sa, v2=True)
        elif v2 and et == 36:
            is_resp = bool(flags & 0x20)
            req_is_i = bool(flags & 0x08) != is_resp
            key = (sa, "child", mid, req_is_i)
            if key not in exch:
                nchild[sa] = nchild.get(sa, 0) + 1
                exch[key] = dict(name="CHILD%d" % nchild[sa], sa=sa, v2=True)
        else:
            continue
        e = exch[key]
        if key not in order:
            order.append(key)
            e.update(src={}, first_src=src, frames=[], msgs=[])
        e["frames"].append(num)
        if iface not in e["src"]:
            e["src"][iface] = src
        if e["v2"]:
            is_req = not (flags & 0x20)
        else:
            is_req = src == e["src"][iface]
        e["msgs"].append((num, is_req))

    # SPIs from the decrypted SA payloads
    allframes = [n for k in order for n in exch[k]["frames"]]
    spis = proposal_spis(cap, cfg, allframes) if cfg else {}
    for k in order:
        e = exch[k]
        e["i"], e["r"] = set(), set()
        for num, is_req in e["msgs"]:
            (e["i"] if is_req else e["r"]).update(spis.get(num, set()))
        for w in ("i", "r"):
            if len(e[w]) > 1:
                problems.append("%s SA %d %s: several %s SPIs %s" % (capname, e["sa"], e["name"], w, sorted(e[w])))
            e[w] = min(e[w]) if e[w] else None

    # the logs
    kids = log_children(name)
    logged = {}
    for side, inb, outb in kids:
        logged.setdefault(frozenset((inb, outb)), []).append((side, inb, outb))
    for pair, ent in logged.items():
        sides = [s for s, _, _ in ent]
        if len(set(sides)) != len(sides) or (len(ent) == 2 and ent[0][1] != ent[1][2]):
            problems.append("%s: logs disagree on %s" % (capname, ent))
    for k in order:
        e = exch[k]
        e["established"] = False
        if e["i"] and e["r"]:
            pair = frozenset((e["i"], e["r"]))
            if pair in logged:
                e["established"] = True

    # ESP frames
    esp = fields(cap, "esp", ["frame.number", "frame.interface_id", "ip.src", "ipv6.src", "esp.spi"])
    by_spi = {}
    for k in order:
        e = exch[k]
        if e["r"]:
            by_spi[e["r"]] = (k, "I>R")
        if e["i"]:
            by_spi[e["i"]] = (k, "R>I")
    lines = []
    seen = {}
    for r in esp:
        spi = "%08x" % int(r["esp.spi"], 0)
        num = int(r["frame.number"])
        src = r["ip.src"] or r["ipv6.src"]
        iface = r["frame.interface_id"] or "0"
        if spi not in by_spi:
            lines.append("esp %d - - -" % num)
            for pair, ent in logged.items():
                if spi in pair:
                    problems.append("%s: ESP frame %d SPI %s is a logged child %s but no decrypted exchange made it"
                                    % (capname, num, spi, ent))
            continue
        k, d = by_spi[spi]
        e = exch[k]
        reqsrc = e["src"].get(iface, e["first_src"])
        if (src == reqsrc) != (d == "I>R"):
            problems.append("%s: ESP frame %d SPI %s %s by the SPIs, but its source %s vs the request's %s"
                            % (capname, num, spi, d, src, reqsrc))
        if not e["established"]:
            problems.append("%s: ESP frame %d on SPIs of SA %d %s, not established per the logs" % (capname, num, e["sa"], e["name"]))
        lines.append("esp %d %d %s %s" % (num, e["sa"], e["name"], d))
        seen.setdefault(k, set()).add(d)
    stale, stale_notes = stale_spi(cap, name, keys, isk, sas, exch, order, esp, by_spi)
    for k in order:
        e = exch[k]
        if not e["established"]:
            continue
        s = seen.get(k, set())
        state = {frozenset(["I>R", "R>I"]): "two-way", frozenset(["I>R"]): "one-way-esp responder",
                 frozenset(["R>I"]): "one-way-esp initiator", frozenset(): "no-traffic"}[frozenset(s)]
        if k in stale:
            state = "stale-spi"
        lines.append("tunnel %d %s %s" % (e["sa"], e["name"], state))
    # logged children the capture's decrypted exchanges never made (fine if no ESP uses them)
    made = {frozenset((exch[k]["i"], exch[k]["r"])) for k in order if exch[k]["i"] and exch[k]["r"]}
    notes = ["# logged child SPIs %s: no decrypted exchange of the capture made them" % "/".join(sorted(p))
             for p in logged if p not in made]
    for k in order:
        e = exch[k]
        if e["i"] and e["r"] and not e["established"] and log_files(name):
            notes.append("# SA %d %s negotiated SPIs %s/%s but no log says established" % (e["sa"], e["name"], e["i"], e["r"]))
    return lines, notes + stale_notes, problems


def stale_spi(cap, name, keys, isk, sas, exch, order, esp, by_spi):
    """The children whose tunnel is `stale-spi` (see the header), and a note for each."""
    found, notes = set(), []
    inits = restarted_initiations(name)
    if not inits or not keys:
        return found, notes
    key_of = {}     # SA number -> its key in the key file (IKEv1 Ka, IKEv2 SK_ei)
    for line in open(keys):
        f = line.strip().split(",")
        if len(f) == 2 and f[0] in sas:
            key_of[sas[f[0]]] = f[1]
        elif len(f) > 2 and f[0] in sas:
            key_of[sas[f[0]]] = f[2]
    first = {}      # SA number -> (frame, source, destination) of its first ISAKMP frame
    for r in isk:
        sa = sas[hexs(r["isakmp.ispi"])]
        if sa not in first:
            first[sa] = int(r["frame.number"]), r["ip.src"] or r["ipv6.src"]
    for side, src, dst, logged in inits:
        new = [sa for sa, (num, fsrc) in sorted(first.items()) if fsrc == src and key_of.get(sa) in logged]
        if not new:
            continue
        new_sa, new_frame = new[0], first[new[0]][0]
        for k in order:
            e = exch[k]
            if e["sa"] >= new_sa or not e["established"]:
                continue
            mine = [int(r["frame.number"]) for r in esp if by_spi.get("%08x" % int(r["esp.spi"], 0), (None,))[0] == k]
            from_silent = [int(r["frame.number"]) for r in esp if int(r["frame.number"]) in mine and (r["ip.src"] or r["ipv6.src"]) == src]
            from_other = [n for n in mine if n not in from_silent and n > max(from_silent or [0])]
            if from_other and new_frame > max(from_silent or [0]) and new_frame < max(from_other):
                found.add(k)
                notes.append("# stale-spi: SA %d %s: %s log: daemon restarted (marker), then it initiated SA %d "
                             "(frame %d from %s, its logged key is the key file's); ESP on the old SPI from the "
                             "other side only, frames %d-%d (%d), the last after frame %d; %s's last ESP on it: %s"
                             % (e["sa"], e["name"], side, new_sa, new_frame, src, min(from_other), max(from_other),
                                len(from_other), new_frame, src, max(from_silent) if from_silent else "none"))
    return found, notes


def manifest_block(capname):
    out, on = [], False
    for l in open(MANIFEST):
        l = l.rstrip("\n")
        if l.startswith("capture "):
            on = l.split()[1] == capname
        elif on and not l.strip():
            break
        if on:
            out.append(l)
    return out


def default_captures():
    caps = []
    for l in open(MANIFEST):
        if l.startswith("capture "):
            c = l.split()[1]
            p = os.path.join(DIR, c)
            if not os.path.exists(p):
                continue
            if re.match(r"(v2-)?esp-", c) or tshark(["-r", p, "-Y", "esp", "-c", "1000000", "-T", "fields", "-e", "frame.number"]).strip():
                caps.append(c)
    return caps


def write(results):
    text = open(MANIFEST).read().split("\n")
    out, cur, i = [], None, 0
    # drop old esp/tunnel lines of the blocks written, then insert after the last exchange line
    blocks = []
    for l in text:
        if l.startswith("capture "):
            cur = l.split()[1]
        if cur in results and (l.startswith("esp ") or l.startswith("tunnel ")):
            continue
        out.append(l)
        if not l.strip():
            cur = None
    final, cur, pending = [], None, None
    # position: after the last `exchange` line of each block
    last_ex = {}
    cur = None
    for idx, l in enumerate(out):
        if l.startswith("capture "):
            cur = l.split()[1]
        elif not l.strip():
            cur = None
        if cur in results and l.startswith("exchange "):
            last_ex[cur] = idx
    for c in results:
        if c not in last_ex:
            raise Fail("%s: no exchange line to put the lines after" % c)
    for idx, l in enumerate(out):
        final.append(l)
        for c, at in last_ex.items():
            if at == idx:
                final.extend(results[c])
    open(MANIFEST, "w").write("\n".join(final))


def main():
    args = sys.argv[1:]
    do_write = "--write" in args
    args = [a for a in args if a != "--write"]
    caps = args or default_captures()
    results, bad = {}, False
    for c in caps:
        lines, notes, problems = derive(c)
        print("# capture %s" % c)
        for l in notes + lines:
            print(l)
        for p in problems:
            print("esp-lines: " + p, file=sys.stderr)
            bad = True
        results[c] = lines
    if do_write:
        if bad:
            print("esp-lines: not writing MANIFEST: the sources disagree", file=sys.stderr)
        else:
            write(results)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
