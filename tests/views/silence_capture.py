#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small synthetic IKEv1 capture whose verdicts depend on silence seen only through
frames that are not ISAKMP (documentation addresses, written with the stdlib):

  SA 1  Main Mode complete, QM1 complete, QM2 = one QM#1 then silence
  SA 2  (other peers) MM#1 once, then silence
  then 15 s of unrelated UDP: both become "stalled" only if the views see time pass
  after the last ISAKMP frame.  Single pass must then agree with two-pass (-2).

Usage: silence_capture.py OUT.pcap
"""
import struct
import sys

A, B = bytes([198, 51, 100, 1]), bytes([198, 51, 100, 2])
C, D = bytes([203, 0, 113, 1]), bytes([203, 0, 113, 2])


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp_frame(src, dst, port, payload):
    udp = struct.pack("!HHHH", port, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + udp


def payload(next_payload, body):
    return struct.pack("!BBH", next_payload, 0, 4 + len(body)) + body


def sa_payload():
    """RFC 2409 appendix A: AES-CBC (7), 128 bits, SHA2-256 (4), PSK (1), MODP-2048 (14)."""
    attrs = b"".join(struct.pack("!HH", 0x8000 | t, v) for t, v in [(1, 7), (14, 128), (2, 4), (3, 1), (4, 14)])
    transform = payload(0, struct.pack("!BBH", 1, 1, 0) + attrs)
    proposal = payload(0, struct.pack("!BBBB", 1, 1, 0, 1) + transform)
    return payload(0, struct.pack("!II", 1, 1) + proposal)  # DOI IPsec, SIT_IDENTITY_ONLY


def isakmp(icookie, rcookie, next_payload, exchange, flags, message_id, body):
    """RFC 2408 section 3.1 header, version 1.0."""
    return struct.pack("!QQBBBBII", icookie, rcookie, next_payload, 0x10, exchange, flags, message_id,
                       28 + len(body)) + body


def main_mode(icookie, rcookie, step):
    if step in (1, 2):
        return isakmp(icookie, rcookie if step == 2 else 0, 1, 2, 0, 0, sa_payload())
    if step in (3, 4):  # KE, NONCE
        return isakmp(icookie, rcookie, 4, 2, 0, 0, payload(10, bytes([step]) * 64) + payload(0, b"\7" * 16))
    return isakmp(icookie, rcookie, 5, 2, 1, 0, bytes([step]) * 48)  # encrypted, ID first


def quick_mode(icookie, rcookie, message_id, step):
    return isakmp(icookie, rcookie, 8, 32, 1, message_id, bytes([0x40 + step]) * 64)


def main(out):
    frames = []

    def send(t, src, dst, data, port=500):
        frames.append((1700000000 + t, udp_frame(src, dst, port, data)))

    i, r = 0x3333333333333333, 0x4444444444444444
    for step in range(1, 7):
        send(step * 0.1, *((A, B) if step % 2 else (B, A)), main_mode(i, r, step))
    for step, (src, dst) in enumerate(((A, B), (B, A), (A, B)), 1):
        send(1.0 + step * 0.1, src, dst, quick_mode(i, r, 0x01020304, step))
    send(1.5, C, D, main_mode(0x5555555555555555, 0, 1))
    send(2.0, A, B, quick_mode(i, r, 0x05060708, 1))
    for k in range(1, 16):
        send(2.0 + k, A, B, b"\0" * 20, port=53)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))  # pcap, Ethernet
        for t, data in sorted(frames, key=lambda fr: fr[0]):
            f.write(struct.pack("<IIII", int(t), round((t % 1) * 1e6), len(data), len(data)) + data)


if __name__ == "__main__":
    main(sys.argv[1])
