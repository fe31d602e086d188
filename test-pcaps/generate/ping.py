#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Minimal ICMP echo (this machine has no ping binary):
    ping.py SRC DST [COUNT [WAIT GAP [REPLIES]]]
WAIT: seconds to wait for each reply (default 1.0), GAP: seconds between pings after that
(default 0.3), REPLIES: stop after that many replies (default: never, COUNT pings).  A send
that fails (no route while a tunnel's child is being replaced) is printed and skipped."""
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
wait = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
gap = float(sys.argv[5]) if len(sys.argv) > 5 else 0.3
enough = int(sys.argv[6]) if len(sys.argv) > 6 else 0
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((src, 0))
s.settimeout(wait)
ident = os.getpid() & 0xFFFF
ok = 0
for seq in range(1, count + 1):
    payload = b"ikediag-ping" + bytes(20)
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
    try:
        s.sendto(pkt, (dst, 0))
    except OSError as e:
        print("send failed seq=%d: %s" % (seq, e.strerror))
        time.sleep(wait + gap)
        continue
    t0 = time.time()
    try:
        while time.time() - t0 < wait:
            data = s.recv(2048)
            ihl = (data[0] & 0x0F) * 4
            t, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if t == 0 and rid == ident and rseq == seq:
                ok += 1
                print("reply seq=%d from %s" % (seq, dst))
                break
    except socket.timeout:
        print("timeout seq=%d" % seq)
    if enough and ok >= enough:
        break
    time.sleep(gap)
sys.exit(0 if ok else 1)
