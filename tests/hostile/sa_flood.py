# SPDX-License-Identifier: GPL-2.0-or-later
"""sa_flood: a capture of N MM#1 frames, each with its own random initiator cookie (a
scan, a flood, or a busy concentrator), written straight as pcap bytes: text2pcap would
take minutes for a million frames.  Generated at test time into a temporary folder,
never committed (about 150 MB for a million frames).

Senders cycle through 203.0.113.1..250 towards 198.51.100.2; frame k is at k ms.
"""
import random
import struct

import ikepcap as ike

RESPONDER = "198.51.100.2"
SENDERS = ["203.0.113.%d" % i for i in range(1, 251)]
COOKIE_OFFSET = 14 + 20 + 8  # Ethernet + IPv4 + UDP: the ISAKMP header starts here


def mm1_templates():
    """One MM#1 frame per sender; only the cookie changes from frame to frame.  The UDP
    checksum is 0 (legal on IPv4, RFC 768), so patching the cookie needs no new sum."""
    offer = ike.sa_payload([ike.phase1_transform(1)])
    msg = ike.message(bytes(8), bytes(8), ike.XCHG_MAIN, [(ike.PL_SA, offer), (ike.PL_VID, ike.VID_DPD)])
    templates = []
    for src in SENDERS:
        f = bytearray(ike.frame(src, RESPONDER, 500, 500, msg))
        f[COOKIE_OFFSET - 2:COOKIE_OFFSET] = b"\0\0"
        templates.append(f)
    return templates


def write(path, frames, seed=1):
    """Write `frames` MM#1s with distinct random cookies; returns the number written."""
    rng = random.Random(seed)
    templates = mm1_templates()
    seen = set()
    with open(path, "wb") as out:
        out.write(ike.pcap_header())
        for k in range(frames):
            cookie = rng.getrandbits(64) or 1
            while cookie in seen:  # 64 random bits rarely collide, but "distinct" is the point
                cookie = rng.getrandbits(64) or 1
            seen.add(cookie)
            f = templates[k % len(templates)]
            f[COOKIE_OFFSET:COOKIE_OFFSET + 8] = cookie.to_bytes(8, "big")
            t = 1700000000 + k / 1000.0
            out.write(struct.pack("<IIII", int(t), (k % 1000) * 1000, len(f), len(f)))
            out.write(f)
    return frames
