#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Recompute the NAT-D hashes (RFC 3947) of a capture, for the MANIFEST `nat` lines.

    test-pcaps/generate/natd.py NAME

For every frame with NAT-D payloads (MM#3/MM#4, AM#2/AM#3) it hashes
CKY-I | CKY-R | IP | port of the packet as captured (destination for the first NAT-D,
source for the others) with the hash whose length matches, and says whether each
payload matches.  An SA reads `none` when every NAT-D of both peers matches the
addresses seen here, `detected` otherwise.  A mismatch only says the sender hashed
other addresses than the ones on the wire here: a real NAT, or a faked NAT-D
(strongSwan's kernel-libipsec); the daemons' logs tell which.
"""
import hashlib
import os
import socket
import subprocess
import sys

HASHES = {16: hashlib.md5, 20: hashlib.sha1, 32: hashlib.sha256, 48: hashlib.sha384, 64: hashlib.sha512}


def main():
    name = sys.argv[1]
    pcap = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", name + ".pcap")
    out = subprocess.run(
        ["tshark", "-r", pcap, "-Y", "isakmp.ike.nat_hash && !icmp", "-T", "fields", "-E", "separator=\t",
         "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number", "-e", "isakmp.ispi", "-e", "isakmp.rspi",
         "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "udp.srcport", "-e", "udp.dstport",
         "-e", "isakmp.ike.nat_hash"], capture_output=True, text=True, check=True).stdout
    verdict = {}
    order = []
    for line in out.splitlines():
        f = line.split("\t")
        frame, ci, cr = f[0], f[1].replace(":", ""), f[2].replace(":", "")
        src, dst = (f[3], f[4]) if f[3] else (f[5], f[6])
        sport, dport = int(f[7]), int(f[8])
        fam = socket.AF_INET6 if ":" in src else socket.AF_INET

        def h(ip, port, n):
            data = bytes.fromhex(ci + cr) + socket.inet_pton(fam, ip) + port.to_bytes(2, "big")
            return HASHES[n](data).hexdigest()

        res = []
        for i, hx in enumerate(f[9].replace(":", "").split(",")):
            n = len(hx) // 2
            ip, port, what = (dst, dport, "dst") if i == 0 else (src, sport, "src")
            ok = n in HASHES and h(ip, port, n) == hx
            res.append("%s %s:%d %s" % (what, ip, port, "match" if ok else "MISMATCH"))
            if ci not in verdict:
                verdict[ci] = "none"
                order.append(ci)
            if not ok:
                verdict[ci] = "detected"
        print("frame %s icookie %s: %s" % (frame, ci, "; ".join(res)))
    for ci in order:
        print("icookie %s: nat %s" % (ci, verdict[ci]))


if __name__ == "__main__":
    main()
