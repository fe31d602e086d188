#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Minimal ICMP echo (this machine has no ping binary): ping.py SRC DST [COUNT]"""
import os, socket, struct, sys, time

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF

src, dst = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((src, 0))
s.settimeout(1.0)
ident = os.getpid() & 0xFFFF
ok = 0
for seq in range(1, count + 1):
    payload = b"ikediag-ping" + bytes(20)
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
    s.sendto(pkt, (dst, 0))
    t0 = time.time()
    try:
        while time.time() - t0 < 1.0:
            data = s.recv(2048)
            ihl = (data[0] & 0x0F) * 4
            t, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if t == 0 and rid == ident and rseq == seq:
                ok += 1
                print("reply seq=%d from %s" % (seq, dst))
                break
    except socket.timeout:
        print("timeout seq=%d" % seq)
    time.sleep(0.3)
sys.exit(0 if ok else 1)
