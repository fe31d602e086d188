#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerate the hostile captures in tests/hostile/captures/ (committed; run this only
after changing a case):  python3 tests/hostile/make_captures.py

Each case is a list of frames built by hand (ikepcap.py), written as a text2pcap hexdump
and turned into pcap by text2pcap; the snaplen and duplicate cases are then derived with
editcap -s and mergecap, the way such captures happen in the field.  Random bytes come
from a seeded generator, so a rerun gives identical files.  What each capture should
make ikediag print is written down in check_hostile.py, from this construction.

Addresses (documentation ranges only):
  I  198.51.100.1   initiator         R  198.51.100.2   responder
  C  203.0.113.5    a second initiator that reuses I's cookie
  N  203.0.113.254  I as seen behind a NAT (the NAT-T case)
  I6 2001:db8::1 / R6 2001:db8::2   the IPv6 case
"""
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ikepcap as ike  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures")
ADDR = {"I": "198.51.100.1", "R": "198.51.100.2", "C": "203.0.113.5", "N": "203.0.113.254",
        "I6": "2001:db8::1", "R6": "2001:db8::2"}
START = 1700000000.0  # 2023-11-14, any fixed time keeps the files reproducible


class Capture:
    """Frames in order, each `gap` seconds after the previous one."""

    def __init__(self):
        self.records = []
        self.time = START

    def add(self, src, dst, payload, sport=500, dport=500, marker=False, gap=0.05):
        self.time += gap
        self.records.append((self.time, ike.frame(ADDR[src], ADDR[dst], sport, dport, payload, marker)))

    def exchange(self, messages, peers, **kw):
        """Messages as (role, bytes) from ikepcap; `peers` maps role -> address name."""
        for role, payload in messages:
            other = "R" if role == "I" else "I"
            self.add(peers[role], peers[other], payload, **kw)


def cookies(rng):
    return rng.randbytes(8), rng.randbytes(8)


def direct():
    return {"I": "I", "R": "R"}


def main_quick(rng):
    """MM#1..#6, QM#1..#3, then an encrypted DPD Informational: a healthy IPv4 SA."""
    cap = Capture()
    ic, rc = cookies(rng)
    cap.exchange(ike.main_mode(rng, ic, rc), direct())
    cap.exchange(ike.quick_mode(rng, ic, rc, 0x1A2B3C4D), direct())
    cap.add("I", "R", ike.encrypted_message(ic, rc, ike.XCHG_INFO, ike.PL_HASH, rng.randbytes(64), 0x0BADCAFE),
            gap=10)
    return cap


def same_cookie_two_peers(rng):
    """I and C both start Main Mode to R with the same initiator cookie (a cookie
    collision, or one peer replaying another's); R answers each with its own rcookie.
    Frames interleave: I, C, R->I, R->C, I, C, R->I, R->C (MM#1..MM#4 of each)."""
    cap = Capture()
    ic = rng.randbytes(8)
    mm_i = ike.main_mode(rng, ic, rng.randbytes(8))[:4]
    mm_c = ike.main_mode(rng, ic, rng.randbytes(8))[:4]
    for (role, a), (_, c) in zip(mm_i, mm_c):
        if role == "I":
            cap.add("I", "R", a)
            cap.add("C", "R", c)
        else:
            cap.add("R", "I", a)
            cap.add("R", "C", c)
    return cap


def message_id_reuse(rng):
    """SA 1: Main Mode, QM#1 and QM#2 with ID M, then an encrypted Informational that
    reuses M, then QM#3 with M.  SA 2 (another cookie, same peers): Main Mode and a whole
    Quick Mode that also uses M.  SA 3: MM#1..MM#5, a QM#1 with message ID 0 (phase 1's,
    against RFC 2409), then MM#6."""
    cap = Capture()
    mid = 0x11223344
    ic, rc = cookies(rng)
    cap.exchange(ike.main_mode(rng, ic, rc), direct())
    qm = ike.quick_mode(rng, ic, rc, mid)
    cap.exchange(qm[:2], direct())
    cap.add("I", "R", ike.encrypted_message(ic, rc, ike.XCHG_INFO, ike.PL_HASH, rng.randbytes(64), mid))
    cap.exchange(qm[2:], direct())
    ic2, rc2 = cookies(rng)
    cap.exchange(ike.main_mode(rng, ic2, rc2), direct())
    cap.exchange(ike.quick_mode(rng, ic2, rc2, mid), direct())
    ic3, rc3 = cookies(rng)
    mm = ike.main_mode(rng, ic3, rc3)
    cap.exchange(mm[:5], direct())
    cap.exchange(ike.quick_mode(rng, ic3, rc3, 0)[:1], direct())
    cap.exchange(mm[5:], direct())
    return cap


def many_quick_modes(rng):
    """One SA that lives long: Main Mode, 256 Quick Modes (hourly rekeys for ten days,
    or 256 child SAs), then a DPD Informational from the initiator.  Counters of 8 bits
    wrap here."""
    cap = Capture()
    ic, rc = cookies(rng)
    cap.exchange(ike.main_mode(rng, ic, rc), direct())
    for n in range(1, 257):
        for role, msg in ike.quick_mode(rng, ic, rc, 0x51000000 + n):
            cap.add(role, "R" if role == "I" else "I", msg, gap=0.01)
    cap.add("I", "R", ike.encrypted_message(ic, rc, ike.XCHG_INFO, ike.PL_HASH, rng.randbytes(64), 0x0D0D0D0D), gap=5)
    return cap


UNKNOWN_EXCHANGE_TYPES = (243, 0, 1, 3, 33, 255)


def unknown_exchange_types(rng):
    """One IKEv1 message per exchange type ikediag does not number (243, 0, Base 1,
    Authentication Only 3, New Group 33, 255), each shaped like a first message (rcookie
    0, SA offer); then a real MM#1 that reuses the cookie of the type-243 message."""
    cap = Capture()
    first_cookie = None
    for xchg in UNKNOWN_EXCHANGE_TYPES:
        ic = rng.randbytes(8)
        first_cookie = first_cookie or ic
        offer = ike.sa_payload([ike.phase1_transform(1)])
        cap.add("I", "R", ike.message(ic, bytes(8), xchg, [(ike.PL_SA, offer)]))
    cap.add("I", "R", ike.main_mode(rng, first_cookie, rng.randbytes(8))[0][1])
    return cap


def ikev2_on_500(rng):
    """IKEv2 (version 0x20) on UDP 500: IKE_SA_INIT request/response, IKE_AUTH request/
    response (SK payload, random), an INFORMATIONAL; then a version-0x20 header that
    claims exchange type 2 (Main Mode), which must still count as IKEv2."""
    cap = Capture()
    ic, rc = cookies(rng)
    transform = struct.pack("!BBHBBH", 0, 0, 12, 1, 0, 12) + struct.pack("!HH", 0x800E, 128)
    proposal = struct.pack("!BBHBBBB", 0, 0, 8 + len(transform), 1, 1, 0, 1) + transform
    sa_init = [(33, proposal), (34, struct.pack("!HH", 14, 0) + rng.randbytes(256)), (40, rng.randbytes(32))]
    v2 = 0x20
    cap.add("I", "R", ike.message(ic, bytes(8), 34, sa_init, flags=0x08, version=v2))
    cap.add("R", "I", ike.message(ic, rc, 34, sa_init, flags=0x20, version=v2))
    cap.add("I", "R", ike.message(ic, rc, 35, [(46, rng.randbytes(160))], message_id=1, flags=0x08, version=v2))
    cap.add("R", "I", ike.message(ic, rc, 35, [(46, rng.randbytes(144))], message_id=1, flags=0x20, version=v2))
    cap.add("I", "R", ike.message(ic, rc, 37, [(46, rng.randbytes(48))], message_id=2, flags=0x08, version=v2))
    cap.add("I", "R", ike.message(rng.randbytes(8), bytes(8), ike.XCHG_MAIN,
                                  [(ike.PL_SA, ike.sa_payload([ike.phase1_transform(1)]))], version=v2))
    return cap


def garbage(rng, length, version_byte):
    """Random bytes whose ISAKMP version byte (offset 17), if present, is fixed."""
    data = bytearray(rng.randbytes(length))
    if length > 17:
        data[17] = version_byte
    return bytes(data)


def garbage_and_keepalives(rng):
    """UDP 500: a lone 0xff (NAT keepalive), a lone 0x00, 16, 27 bytes of noise, 28 and
    300 bytes with a version byte that is neither 1.x nor 2.x, an empty datagram.
    UDP 4500: a lone 0xff, a bare non-ESP marker, marker + 0xff, marker + 20 and + 28
    bytes of noise, an ESP-looking datagram.  Then one real MM#1."""
    cap = Capture()
    for data in (b"\xff", b"\x00", rng.randbytes(16), rng.randbytes(27), garbage(rng, 28, 0x00),
                 garbage(rng, 300, 0xF0), b""):
        cap.add("I", "R", data)
    for data, marker in ((b"\xff", False), (b"", True), (b"\xff", True), (rng.randbytes(20), True),
                         (garbage(rng, 28, 0x30), True), (b"\x00\x00\x12\x34" + rng.randbytes(60), False)):
        cap.add("I", "R", data, sport=4500, dport=4500, marker=marker)
    ic, rc = cookies(rng)
    cap.add("I", "R", ike.main_mode(rng, ic, rc)[0][1])
    return cap


def set_length(msg, value):
    return msg[:24] + struct.pack("!I", value) + msg[28:]


def lying_length(rng):
    """Main Mode whose header length field lies: MM#1 says 65535 (more than the frame),
    MM#2 says 40 (cuts its SA payload), MM#3 says 20 (less than a header), MM#4 says
    0xffffffff; MM#5 and MM#6 are honest."""
    cap = Capture()
    ic, rc = cookies(rng)
    mm = ike.main_mode(rng, ic, rc)
    lies = [65535, 40, 20, 0xFFFFFFFF, None, None]
    cap.exchange([(role, set_length(m, lie) if lie is not None else m) for (role, m), lie in zip(mm, lies)],
                 direct())
    return cap


def ipv6_main_mode(rng):
    """The main_quick exchange between 2001:db8::1 (initiator) and 2001:db8::2."""
    cap = Capture()
    ic, rc = cookies(rng)
    peers = {"I": "I6", "R": "R6"}
    cap.exchange(ike.main_mode(rng, ic, rc), peers)
    cap.exchange(ike.quick_mode(rng, ic, rc, 0x0C0FFEE0), peers)
    return cap


def nat_t_float(rng):
    """I behind a NAT (seen as N): MM#1..MM#4 on UDP 500, then MM#5, MM#6 and a whole
    Quick Mode on UDP 4500 behind the non-ESP marker, a NAT keepalive (0xff) and one ESP
    packet on 4500."""
    cap = Capture()
    ic, rc = cookies(rng)
    peers = {"I": "N", "R": "R"}
    mm = ike.main_mode(rng, ic, rc)
    cap.exchange(mm[:4], peers)
    floated = dict(sport=4500, dport=4500, marker=True)
    cap.exchange(mm[4:], peers, **floated)
    cap.exchange(ike.quick_mode(rng, ic, rc, 0x5EED0001), peers, **floated)
    cap.add("N", "R", b"\xff", sport=4500, dport=4500)
    cap.add("N", "R", b"\x00\x00\x10\x01\x00\x00\x00\x01" + rng.randbytes(80), sport=4500, dport=4500)
    return cap


CASES = {
    "main-quick": main_quick,
    "same-cookie-two-peers": same_cookie_two_peers,
    "message-id-reuse": message_id_reuse,
    "unknown-exchange-types": unknown_exchange_types,
    "ikev2-on-500": ikev2_on_500,
    "garbage-and-keepalives": garbage_and_keepalives,
    "lying-length": lying_length,
    "ipv6-main-mode": ipv6_main_mode,
    "nat-t-float": nat_t_float,
    "many-quick-modes": many_quick_modes,
}


def run(cmd):
    """Quietly (text2pcap prints a ruler even with -q); the output only on failure."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit("%s failed:\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))


def text2pcap(records, path):
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as dump:
        dump.write(ike.hexdump(records))
        dump.flush()
        run(["text2pcap", "-q", "-F", "pcap", "-t", "%s.%f", dump.name, path])


def ip_fragment(src, dst, size):
    """Every IPv4 datagram of the Ethernet pcap `src` cut into fragments of at most `size`
    bytes of payload (a multiple of 8), as a path with a small MTU does (RFC 791): the
    ISAKMP message then exists only in the IP dissector's reassembled datagram."""
    data = open(src, "rb").read()
    out, pos, ident = [data[:24]], 24, 0x4000
    while pos < len(data):
        ident += 1  # one IP ID per datagram, as a sender's counter gives
        sec, usec, caplen, _ = struct.unpack("<IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        eth, ip = frame[:14], frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        header, payload = ip[:ihl], ip[ihl:struct.unpack("!H", ip[2:4])[0]]
        for off in range(0, len(payload), size):
            piece = payload[off:off + size]
            more = 0x2000 if off + size < len(payload) else 0
            h = bytearray(header)
            h[2:4] = struct.pack("!H", ihl + len(piece))
            h[4:6] = struct.pack("!H", ident)
            h[6:8] = struct.pack("!H", more | off // 8)
            h[10:12] = b"\0\0"
            total = sum(struct.unpack("!%dH" % (ihl // 2), bytes(h)))
            while total > 0xFFFF:
                total = (total & 0xFFFF) + (total >> 16)
            h[10:12] = struct.pack("!H", ~total & 0xFFFF)
            record = eth + bytes(h) + piece
            out.append(struct.pack("<IIII", sec, usec, len(record), len(record)) + record)
    with open(dst, "wb") as f:
        f.write(b"".join(out))


def derived(out):
    """Captures made from main-quick the way tools and paths make them: a small snaplen
    (60 bytes leaves 18 of ISAKMP, less than a header; 70 leaves the header alone), a
    capture merged with itself (every frame twice, same time stamp), and every datagram
    in IP fragments of 96 bytes."""
    base = os.path.join(out, "main-quick.pcap")
    for snaplen in (60, 70):
        run(["editcap", "-s", str(snaplen), base, os.path.join(out, "snaplen-%d.pcap" % snaplen)])
    run(["mergecap", "-F", "pcap", "-w", os.path.join(out, "duplicate-frames.pcap"), base, base])
    ip_fragment(base, os.path.join(out, "ip-fragments.pcap"), 96)


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, (name, build) in enumerate(CASES.items(), 1):
        text2pcap(build(random.Random(seed)).records, os.path.join(OUT, name + ".pcap"))
    derived(OUT)
    print("wrote %d captures to %s" % (len(CASES) + 4, OUT))


if __name__ == "__main__":
    main()
