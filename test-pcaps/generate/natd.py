#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""natd.py: what the NAT-D payloads of each IKE SA in a capture say, from stock tshark
fields only (no ikediag), for check-manifest.sh.

RFC 3947 section 3.2: NAT-D = HASH(CKY-I | CKY-R | IP | Port), HASH the negotiated
phase-1 hash (the Hash-Algorithm attribute of the responder's chosen transform in
MM#2/AM#2).  The first NAT-D payload of a message is the hash of the receiver's
address and port (the packet's destination), the others of the sender's (its source).
If a hash does not match the address and port the packet really carries, a NAT (or
a peer that fakes one, as strongSwan's kernel-libipsec does to force UDP
encapsulation) sits between them: `detected`; if every NAT-D of the SA matches:
`none`.  An SA whose messages carry no NAT-D gets no line.

    natd.py --fields     the same, and "offered SA P" / "chosen SA P" (the first transform of
                         MM#1/AM#1 and MM#2/AM#2 as ENCR-KEYLEN/HASH/GROUP/AUTH), from `tshark -T fields -E occurrence=a -E aggregator=,`
                         output on stdin whose columns are FIELDS, then 3 others, then
                         PROPOSAL_FIELDS (as check-manifest.sh runs it)
    natd.py CAPTURE      prints "nat SA detected|none ICOOKIE" per SA with NAT-D payloads, SA
                         numbered 1, 2, ... by first appearance of its initiator cookie
    natd.py --v2-proposals CAPTURE
                         IKEv2: "offered SA ROUND P" / "chosen SA ROUND P" per IKE_SA_INIT round
                         (SA_INIT, SA_INIT2 ...: a request with other bytes than the SA's earlier
                         ones, after a COOKIE or INVALID_KE_PAYLOAD), the first proposal of its
                         request and of its first answer that carries an SA payload, as
                         strongSwan logs one ("IKE:AES_CBC_128/HMAC_SHA2_256_128/
                         PRF_HMAC_SHA2_256/MODP_2048"): the first algorithm of each type, and
                         " (+N algorithm(s))" for the others of a type (RFC 7296 3.3.2)
"""
import hashlib
import ipaddress
import subprocess
import sys

HASHES = {1: hashlib.md5, 2: hashlib.sha1, 4: hashlib.sha256, 5: hashlib.sha384, 6: hashlib.sha512}
FIELDS = ["frame.number", "isakmp.ispi", "isakmp.rspi", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "udp.srcport", "udp.dstport", "isakmp.ike.attr.hash_algorithm", "isakmp.ike.nat_hash", "isakmp.flags"]


# (the hash algorithm is FIELDS' own column: tshark prints a field given twice only once)
PROPOSAL_FIELDS = ["isakmp.ike.attr.encryption_algorithm", "isakmp.ike.attr.key_length",
                   "isakmp.ike.attr.group_description", "isakmp.ike.attr.authentication_method"]
PROPOSAL_AT = len(FIELDS) + 3
# RFC 2409 appendix A, RFC 3526, draft-beaulieu-ike-xauth (65001) values, in the README's notation
ENCR = {1: "DES-CBC", 5: "3DES-CBC", 7: "AES-CBC"}
HASH_NAMES = {1: "MD5", 2: "SHA1", 4: "SHA2-256", 5: "SHA2-384", 6: "SHA2-512"}
GROUPS = {2: "MODP-1024", 5: "MODP-1536", 14: "MODP-2048", 15: "MODP-3072", 16: "MODP-4096"}
AUTH = {1: "PSK", 3: "RSA-SIG", 65001: "XAUTH-PSK"}


def proposals(lines):
    """[(sa, "offered"|"chosen", proposal)] from the first transform of each SA's clear
    phase-1 messages that carry one (rcookie zero: offered; else chosen)."""
    order, out, seen = [], [], set()
    for line in lines:
        cols = (line.split("\t") + [""] * (PROPOSAL_AT + 4))
        icookie, rcookie = cols[1].split(",")[0], cols[2].split(",")[0]
        if icookie not in order:
            order.append(icookie)
        encr_, keylen_, group_, auth_ = (c.split(",")[0] for c in cols[PROPOSAL_AT:PROPOSAL_AT + 4])
        attrs = [encr_, keylen_, cols[FIELDS.index("isakmp.ike.attr.hash_algorithm")].split(",")[0], group_, auth_]
        if not all(attrs[i] for i in (0, 2, 3, 4)):
            continue
        encr, keylen, hash_, group, auth = (int(a) if a else 0 for a in attrs)
        which = "offered" if rcookie in ("", "0000000000000000") else "chosen"
        sa = order.index(icookie) + 1
        if (sa, which) in seen:
            continue
        seen.add((sa, which))
        text = "%s%s/%s/%s/%s" % (ENCR.get(encr, "ENCR%d" % encr), "-%d" % keylen if keylen else "",
                                  HASH_NAMES.get(hash_, "HASH%d" % hash_), GROUPS.get(group, "GROUP%d" % group),
                                  AUTH.get(auth, "AUTH%d" % auth))
        out.append((sa, which, text))
    return out


def parse(out):
    for line in out.splitlines():
        yield dict(zip(FIELDS, (line.split("\t") + [""] * len(FIELDS))[:len(FIELDS)]))


def rows(pcap):
    cmd = ["tshark", "-r", pcap, "-Y", "isakmp && !icmp && !icmpv6", "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    return parse(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def natd(rows_):
    order, hash_alg, verdict = [], {}, {}
    for r in rows_:
        icookie = r["isakmp.ispi"].split(",")[0]
        if icookie not in order:
            order.append(icookie)
        if int(r["isakmp.flags"].split(",")[0] or "0", 16) & 1:
            continue  # encrypted: no readable NAT-D
        rcookie = r["isakmp.rspi"].split(",")[0]
        algs = [int(a) for a in r["isakmp.ike.attr.hash_algorithm"].split(",") if a]
        if algs and rcookie != "0000000000000000":
            hash_alg[icookie] = algs[0]  # the responder's single chosen transform
        hashes = [h for h in r["isakmp.ike.nat_hash"].split(",") if h]
        if not hashes or icookie not in hash_alg:
            continue
        src = r["ip.src"] or r["ipv6.src"]
        dst = r["ip.dst"] or r["ipv6.dst"]
        fn = HASHES[hash_alg[icookie]]

        def h(addr, port):
            return fn(bytes.fromhex(icookie + rcookie) + ipaddress.ip_address(addr).packed
                      + int(port).to_bytes(2, "big")).hexdigest()
        ok = hashes[0] == h(dst, r["udp.dstport"]) and all(x == h(src, r["udp.srcport"]) for x in hashes[1:])
        verdict[icookie] = "detected" if (verdict.get(icookie) == "detected" or not ok) else "none"
    return [(i + 1, c, verdict[c]) for i, c in enumerate(order) if c in verdict]


# IANA IKEv2 transform registries (RFC 7296 3.3.2, RFC 4868), in strongSwan's spelling
V2_TYPES = {1: "encr", 2: "prf", 3: "integ", 4: "dh", 5: "esn"}
V2_NAMES = {
    "encr": {3: "3DES_CBC", 12: "AES_CBC", 13: "AES_CTR", 18: "AES_GCM_8", 19: "AES_GCM_12", 20: "AES_GCM_16",
             28: "CHACHA20_POLY1305"},
    "integ": {2: "HMAC_SHA1_96", 12: "HMAC_SHA2_256_128", 13: "HMAC_SHA2_384_192", 14: "HMAC_SHA2_512_256"},
    "prf": {2: "PRF_HMAC_SHA1", 5: "PRF_HMAC_SHA2_256", 6: "PRF_HMAC_SHA2_384", 7: "PRF_HMAC_SHA2_512"},
    "dh": {14: "MODP_2048", 15: "MODP_3072", 16: "MODP_4096", 19: "ECP_256", 20: "ECP_384", 31: "CURVE_25519"},
    "esn": {0: "NO_EXT_SEQ", 1: "EXT_SEQ"},
}
V2_PREFIX = {"encr": "ENCR", "integ": "INTEG", "prf": "PRF", "dh": "DH", "esn": "ESN"}
V2_KEYED = {12, 13, 14, 15, 16, 18, 19, 20, 23}  # ciphers that carry a Key Length attribute
V2_FIELDS = ["udp.payload", "isakmp.ispi", "isakmp.exchangetype", "isakmp.flag_r", "isakmp.prop.protoid", "isakmp.prop.transforms",
             "isakmp.tf.type", "isakmp.ike2.attr.key_length"] + ["isakmp.tf.id." + t for t in V2_TYPES.values()]


def v2_first_proposal(row):
    ints = {f: [int(v) for v in row[f].split(",") if v] for f in V2_FIELDS[4:]}
    if not ints["isakmp.prop.transforms"]:
        return None
    cursor = {t: 0 for t in V2_TYPES.values()}
    keys = iter(ints["isakmp.ike2.attr.key_length"])
    first, extra = {}, 0
    for type_ in ints["isakmp.tf.type"][:ints["isakmp.prop.transforms"][0]]:
        t = V2_TYPES[type_]
        tid = ints["isakmp.tf.id." + t][cursor[t]]
        cursor[t] += 1
        keylen = next(keys, None) if t == "encr" and tid in V2_KEYED else None
        if t in first:
            extra += 1
        else:
            first[t] = (tid, keylen)
    parts = []
    for t in ("encr", "integ", "prf", "dh", "esn"):
        if t in first:
            tid, keylen = first[t]
            name = V2_NAMES[t].get(tid, "%s%d" % (V2_PREFIX[t], tid))
            parts.append(name + ("_%d" % keylen if keylen else ""))
    proto = {1: "IKE", 2: "AH"}.get(ints["isakmp.prop.protoid"][0], "ESP")
    return "%s:%s%s" % (proto, "/".join(parts),
                        " (+%d algorithm%s)" % (extra, "" if extra == 1 else "s") if extra else "")


def v2_proposals(pcap):
    cmd = ["tshark", "-r", pcap, "-Y", "isakmp && !icmp && !icmpv6", "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "separator=\t"]
    for f in V2_FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    order, seen, requests = [], set(), {}
    for line in out.splitlines():
        row = dict(zip(V2_FIELDS, (line.split("\t") + [""] * len(V2_FIELDS))[:len(V2_FIELDS)]))
        ispi = row["isakmp.ispi"].split(",")[0]
        if ispi not in order:
            order.append(ispi)
        if row["isakmp.exchangetype"].split(",")[0] != "34":
            continue
        sa = order.index(ispi) + 1
        response = row["isakmp.flag_r"].split(",")[0] in ("1", "True")
        rounds = requests.setdefault(sa, [])
        if not response and row["udp.payload"] not in rounds:
            rounds.append(row["udp.payload"])  # a new round; a byte-identical resend is not
        name = "SA_INIT" if len(rounds) <= 1 else "SA_INIT%d" % len(rounds)
        which = "chosen" if response else "offered"
        proposal = v2_first_proposal(row)
        if proposal and (sa, name, which) not in seen:
            seen.add((sa, name, which))
            print("%s %d %s %s" % (which, sa, name, proposal))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--v2-proposals":
        return v2_proposals(sys.argv[2])
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    text = sys.stdin.read() if sys.argv[1] == "--fields" else None
    for sa, icookie, nat in natd(parse(text) if text is not None else rows(sys.argv[1])):
        print("nat %d %s %s" % (sa, nat, icookie))
    if text is not None:
        for sa, which, proposal in proposals(text.splitlines()):
            print("%s %d %s" % (which, sa, proposal))


if __name__ == "__main__":
    main()
