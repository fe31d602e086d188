#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed inputs for fuzz_model, in its 12-byte record format (see fuzz_model.c).

  make_seeds.py --hand DIR          hand-written sequences (committed in tests/fuzz/corpus/)
  make_seeds.py --pcaps PCAPDIR DIR one seed per capture in PCAPDIR, from the ISAKMP header
                                    fields tshark reads (no plugin needed)

The converter maps real values onto the target's tables: peers and cookies by order of
first appearance, exchange types, payload kinds and notify codes by table position,
message IDs by first appearance (0 stays 0), the raw bytes' hash onto 64 digests, time
steps onto quarter seconds.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import struct
import subprocess
import sys

# The tables of fuzz_model.c, as value -> index.
EXCHANGE_INDEX = {2: 0, 4: 3, 5: 5, 6: 7, 32: 8, 1: 11, 33: 12, 243: 13, 0: 14, 255: 15}
KIND_BIT = {"SA": 0, "KE": 1, "NONCE": 2, "ID": 3, "HASH": 4, "SIG": 5, "N": 6, "D": 7, "VID": 8,
            "NAT-D": 9, "CERT": 10, "CR": 11, "ATTR": 12, "P": 13, "NAT-OA": 14}
KIND_OF_PAYLOAD = {1: "SA", 2: "P", 4: "KE", 5: "ID", 6: "CERT", 7: "CR", 8: "HASH", 9: "SIG", 10: "NONCE",
                   11: "N", 12: "D", 13: "VID", 14: "ATTR", 20: "NAT-D", 130: "NAT-D", 21: "NAT-OA", 131: "NAT-OA"}
NOTIFY_INDEX = {14: 0, 16: 1, 18: 2, 23: 3, 24: 4, 29: 5, 17: 6, 4: 7, 36136: 8, 36137: 9, 24578: 10,
                24576: 11, 0: 12, 8191: 13, 8192: 14, 65535: 15}
VERSION_BITS = {1: 0, 2: 2, 0: 3}


def record(frm, to, xchg, mid=0, flags=0, kinds=(), icookie=0, rcookie=0, nat=False, v6=False,
           malformed=False, decrypted=False, version=1, np=0, notify=(), digest=0, dt=0.25,
           transforms=0, attrs=0, length=0, icmp=False, skip=0):
    """One message.  frm/to: peer 0..3; icookie 0..7; rcookie 0 (none) or 1..7; mid: index
    0..7 into the message ID table; notify: codes (table values); digest 0..63."""
    b0 = frm | to << 2 | nat << 4 | v6 << 5 | malformed << 6 | decrypted << 7
    b1 = icookie | rcookie << 3 | VERSION_BITS.get(version, 3) << 6
    b2 = EXCHANGE_INDEX.get(xchg, 13) | (flags & 0xF) << 4
    b3 = mid | (np & 31) << 3
    bits = 0
    for k in kinds:
        bits |= 1 << KIND_BIT[k]
    codes = [NOTIFY_INDEX.get(c, 12) for c in notify][:4] + [0, 0, 0]
    b6 = min(len(notify), 4) | codes[0] << 3
    b7 = codes[1] | codes[2] << 4
    b8 = (digest & 0x3F) | icmp << 6
    b9 = max(-128, min(127, int(round(dt * 4)))) & 0xFF
    b10 = min(transforms, 15) | (attrs & 0xF) << 4
    b11 = (length & 0xFC) | (skip & 3)
    return struct.pack("!BBBBHBBBBBB", b0, b1, b2, b3, bits, b6, b7, b8, b9, b10, b11)


# ---- hand-written sequences -----------------------------------------------------------

def main_mode(i=0, r=1, ck=0, rc=1, nat_from=7, base_digest=0, transforms=2):
    """MM#1..MM#6 between peers i and r; steps >= nat_from go over 4500."""
    steps = [("SA", "VID"), ("SA", "VID"), ("KE", "NONCE", "NAT-D"), ("KE", "NONCE", "NAT-D"), (), ()]
    out = []
    for n, kinds in enumerate(steps, 1):
        frm, to = (i, r) if n % 2 else (r, i)
        out.append(record(frm, to, 2, kinds=kinds, icookie=ck, rcookie=0 if n == 1 else rc,
                          flags=1 if n >= 5 else 0, np=5 if n >= 5 else (1 if n < 3 else 4),
                          nat=n >= nat_from, digest=base_digest + n, transforms=transforms if n <= 2 else 0))
    return out


def quick_mode(mid, i=0, r=1, ck=0, rc=1, base_digest=10, steps=3, nat=False):
    return [record(i if n != 2 else r, r if n != 2 else i, 32, mid=mid, flags=1, np=8, icookie=ck, rcookie=rc,
                   digest=base_digest + n, nat=nat) for n in range(1, steps + 1)]


def hand_seeds():
    mm = main_mode()
    seeds = {
        "healthy": mm + quick_mode(1) + [record(0, 1, 5, mid=2, flags=1, np=8, rcookie=1, digest=20, dt=30)],
        "psk-mismatch": mm[:5] + [record(1, 0, 5, mid=3, flags=1, np=8, rcookie=1, digest=21),
                                  record(0, 1, 2, flags=1, np=5, rcookie=1, digest=5, dt=2),
                                  record(0, 1, 2, flags=1, np=5, rcookie=1, digest=5, dt=4)],
        "policy-mismatch": mm[:1] + [record(1, 0, 5, mid=4, kinds=("N",), notify=(14,), rcookie=0, digest=22)],
        "aggressive": [record(0, 1, 4, kinds=("SA", "KE", "NONCE", "ID"), digest=30, transforms=3),
                       record(1, 0, 4, kinds=("SA", "KE", "NONCE", "ID", "HASH"), rcookie=1, digest=31),
                       record(0, 1, 4, kinds=("HASH",), rcookie=1, digest=32)],
        "aggressive-refused": [record(0, 1, 4, kinds=("SA", "KE", "NONCE", "ID"), digest=30),
                               record(1, 0, 5, mid=1, kinds=("N",), notify=(24,), digest=33)],
        "qm-refused-with-keys": mm + quick_mode(1, steps=1) + [
            record(1, 0, 5, mid=2, flags=1, np=8, rcookie=1, kinds=("HASH", "N"), notify=(14,), decrypted=True,
                   digest=40)],
        "nat-t-float-silence": main_mode(nat_from=5)[:5] + [
            record(0, 1, 2, flags=1, np=5, rcookie=1, nat=True, digest=5, dt=d) for d in (1, 2, 4, 8)],
        "same-cookie-two-peers": [main_mode(i=0)[0], main_mode(i=2, base_digest=40)[0], main_mode(i=0)[1],
                                  main_mode(i=2, base_digest=40)[1]],
        "message-id-reuse": mm + quick_mode(1, steps=2) + [record(0, 1, 5, mid=1, flags=1, np=8, rcookie=1,
                                                                   digest=50)] + quick_mode(1)[2:],
        "orphan-responses": [record(1, 0, 2, kinds=("SA",), icookie=c, rcookie=1, digest=c) for c in range(8)],
        "not-analysed": [record(0, 1, x, kinds=("SA",), digest=60 + k, version=v)
                         for k, (x, v) in enumerate([(243, 1), (0, 1), (1, 1), (33, 1), (34, 2), (2, 2), (2, 0)])],
        "cap": [record(p % 4, (p + 1) % 4, 2, kinds=("SA",), icookie=p % 8, digest=p, dt=0.01)
                for p in range(12)],
        "transaction-and-dpd": mm + [record(1, 0, 6, mid=5, flags=1, np=8, rcookie=1, digest=55),
                                     record(0, 1, 6, mid=5, flags=1, np=8, rcookie=1, digest=56),
                                     record(0, 1, 5, mid=6, kinds=("N",), notify=(36136,), rcookie=1, digest=57),
                                     record(1, 0, 5, mid=7, kinds=("N",), notify=(36137,), rcookie=1, digest=58)],
        "icmp-unreachable": [record(0, 1, 2, kinds=("SA",), digest=1),
                             record(0, 1, 2, kinds=("SA",), digest=1, icmp=True, dt=0.01)],
        "time-backwards": mm[:3] + [record(1, 0, 2, kinds=("KE", "NONCE"), rcookie=1, digest=4, dt=-30)],
        "ipv6": [record(0, 1, 2, kinds=("SA",), v6=True, digest=1),
                 record(1, 0, 2, kinds=("SA",), rcookie=1, v6=True, digest=2)],
    }
    return {name: b"".join(recs) for name, recs in seeds.items()}


# ---- captures -> seeds ------------------------------------------------------------------

FIELDS = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "frame.protocols", "isakmp.ispi",
          "isakmp.rspi", "isakmp.mjver", "isakmp.exchangetype", "isakmp.flags", "isakmp.messageid",
          "isakmp.nextpayload", "isakmp.typepayload", "isakmp.notify.msgtype", "isakmp.trans.number",
          "isakmp.length", "udp.payload", "_ws.malformed"]


def first(value):
    return value.split(",")[0] if value else ""


def as_int(value, default=0):
    try:
        return int(first(value), 0)
    except ValueError:
        return default


class Indexer:
    """Value -> small index by first appearance, wrapping at `size`, `offset` first."""

    def __init__(self, size, offset=0):
        self.seen, self.size, self.offset = {}, size, offset

    def __call__(self, value):
        if value not in self.seen:
            self.seen[value] = (self.offset + len(self.seen)) % self.size
        return self.seen[value]


def seed_from_capture(pcap):
    cmd = ["tshark", "-n", "-r", pcap, "-Y", "isakmp", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    peers, cookies, rcookies = Indexer(4), Indexer(8), Indexer(7)
    message_ids, digests = Indexer(7), Indexer(64)
    records, last_time = [], None
    for line in out.splitlines():
        row = line.split("\t") + [""] * len(FIELDS)
        (t, src4, src6, dst4, dst6, protocols, ispi, rspi, mjver, xchg, flags, mid, np, types, notifies,
         transforms, length, payload, malformed) = row[:len(FIELDS)]
        now = float(t or 0)
        dt = 0.25 if last_time is None else now - last_time
        last_time = now
        rc = first(rspi)
        kinds = {KIND_OF_PAYLOAD[int(x)] for x in types.split(",") if x and int(x) in KIND_OF_PAYLOAD}
        codes = [int(x) for x in notifies.split(",") if x][:4]
        icmp = "icmp" in protocols  # an ICMP error quoting the message: its inner addresses
        pick = (lambda v: v.split(",")[-1]) if icmp else first
        records.append(record(
            peers(pick(src4) or pick(src6)), peers(pick(dst4) or pick(dst6)), as_int(xchg), icmp=icmp,
            mid=0 if as_int(mid) == 0 else 1 + message_ids(first(mid)), flags=as_int(flags), kinds=sorted(kinds),
            icookie=cookies(first(ispi)), rcookie=0 if not rc or set(rc) <= {"0"} else 1 + rcookies(rc),
            nat="udpencap" in protocols, v6=bool(src6), malformed=bool(malformed),
            decrypted=False, version=as_int(mjver, 1), np=as_int(np), notify=codes,
            digest=digests(hashlib.md5(payload.encode()).hexdigest()), dt=dt,
            transforms=len([x for x in transforms.split(",") if x]), length=as_int(length) & 0xFF))
    return b"".join(records)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hand", action="store_true", help="write the hand-written seeds")
    ap.add_argument("--pcaps", help="folder of captures (*.pcap, *.pcapng, *.pcap.gz ...)")
    ap.add_argument("out")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    written = 0
    if args.hand:
        for name, data in hand_seeds().items():
            with open(os.path.join(args.out, "hand-" + name), "wb") as f:
                f.write(data)
            written += 1
    if args.pcaps:
        pcaps = sorted(glob.glob(os.path.join(args.pcaps, "*.pcap*")))
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:  # one tshark per core
            seeds = list(pool.map(seed_from_capture, pcaps))
        for pcap, data in zip(pcaps, seeds):
            if data:
                name = "pcap-" + os.path.basename(pcap).split(".")[0]
                with open(os.path.join(args.out, name), "wb") as f:
                    f.write(data)
                written += 1
    print("make_seeds: %d seeds in %s" % (written, args.out))
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
