#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed inputs for fuzz_parse (see fuzz_parse.c): 4 control bytes, then a datagram.

  make_parse_seeds.py [--pcaps PCAPDIR] [DIR]   (DIR: tests/fuzz/corpus-parse by default)

Writes, replacing the seeds it wrote before (frame-*, body-*, cut-*, hand-*):
  frame-CAPTURE-N  frame N of a few captures of test-pcaps/, from the link layer on, with
                   the control bytes the frame asks for (its ports, the non-ESP marker on
                   UDP 4500, its exchange type and next payload for the body-alone read);
                   byte-identical resends only once
  body-CAPTURE-N   a clear message's body alone (after its header), read from its header's
                   next payload: the SA's proposals and transforms reach the parser
  cut-CAPTURE-N    a frame again, with the snaplen bit set (captured short of reported)
  hand-NAME        bodies no clear capture has: Quick Mode SAs as the dissector decrypts
                   them (phase 2 transforms), notifies, draft NAT-D and fragments
Other files in DIR (regress-*: fuzz_parse findings kept as regression inputs) stay.
Only the Python standard library: pcap files are read with struct.
"""
import argparse
import glob
import os
import struct
import sys

# fuzz_parse.c's exchange_types[], as value -> its first index (bits 4-7 of byte 0).
EXCHANGE_TYPES = [2, 4, 32, 5, 6, 1, 3, 33, 2, 32, 2, 32, 0, 34, 255, 4]
EXCHANGE_INDEX = {}
for i, x in enumerate(EXCHANGE_TYPES):
    EXCHANGE_INDEX.setdefault(x, i)

# (capture, at most this many distinct ISAKMP frames, clear SA bodies, cut variants)
CAPTURES = [
    ("p1-psk-mismatch", 6, 2, 1),
    ("ok-nat-t", 10, 0, 1),
    ("ok-ipv6", 8, 1, 1),
    ("ok-rsa-certs-fragmented", 10, 1, 1),
    ("p2-esp-encryption-mismatch", 6, 0, 0),
    ("p1-dh-group-mismatch", 2, 1, 0),
    ("ok-aggressive-quick", 0, 1, 0),
]
MAX_SEEDS = 60
PREFIXES = ("frame-", "body-", "cut-", "hand-")


def read_pcap(path):
    """(linktype, [frame bytes]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file (pcapng is not read)")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return linktype, frames


def udp_of(linktype, frame):
    """(offset of the UDP header, source port, destination port) or None."""
    if linktype == 1:  # Ethernet, with any 802.1Q tags
        off, ethertype = 14, struct.unpack(">H", frame[12:14])[0] if len(frame) >= 14 else 0
        while ethertype in (0x8100, 0x88A8) and len(frame) >= off + 4:
            ethertype = struct.unpack(">H", frame[off + 2:off + 4])[0]
            off += 4
    elif linktype == 113:  # Linux cooked
        off, ethertype = 16, struct.unpack(">H", frame[14:16])[0] if len(frame) >= 16 else 0
    elif linktype in (101, 12, 14):  # raw IP
        off = 0
        ethertype = 0x0800 if frame and frame[0] >> 4 == 4 else 0x86DD
    else:
        return None
    if ethertype == 0x0800 and len(frame) >= off + 20:
        ihl = (frame[off] & 0x0F) * 4
        frag = struct.unpack(">H", frame[off + 6:off + 8])[0] & 0x1FFF
        if frame[off + 9] != 17 or frag:
            return None
        udp = off + ihl
    elif ethertype == 0x86DD and len(frame) >= off + 40:
        if frame[off + 6] != 17:  # extension headers: not in these captures
            return None
        udp = off + 40
    else:
        return None
    if len(frame) < udp + 8:
        return None
    sport, dport = struct.unpack(">HH", frame[udp:udp + 4])
    return udp, sport, dport


def isakmp_of(linktype, frame):
    """(ISAKMP offset, sport, dport, marker) of an IKEv1 frame, or None."""
    found = udp_of(linktype, frame)
    if not found:
        return None
    udp, sport, dport = found
    if 500 not in (sport, dport) and 4500 not in (sport, dport):
        return None
    marker = 4500 in (sport, dport)
    at = udp + 8 + (4 if marker else 0)
    if len(frame) < at + 28 or (marker and frame[udp + 8:udp + 12] != b"\0\0\0\0"):
        return None  # a NAT-T keepalive or ESP
    if frame[at + 17] >> 4 != 1:
        return None
    return at, sport, dport, marker


def control(sport, dport, marker, exchange, next_payload, snaplen=0):
    raw_ports = not ({sport, dport} <= {500, 4500})
    b0 = (sport == 4500) | (dport == 4500) << 1 | marker << 2 | raw_ports << 3
    b0 |= EXCHANGE_INDEX.get(exchange, 14) << 4
    b1, b2 = next_payload, 0
    if raw_ports:  # fuzz_parse: source = bytes 1-2, destination = bytes 2-1
        b1, b2 = sport >> 8, sport & 0xFF
    return bytes([b0, b1, b2, snaplen])


# ---- hand-written bodies (RFC 2408 section 3 layouts) ----

def payload(next_payload, data):
    return struct.pack(">BBH", next_payload, 0, 4 + len(data)) + data


def tv(attr, value):
    return struct.pack(">HH", 0x8000 | attr, value)


def tlv(attr, value, size):
    return struct.pack(">HH", attr, size) + value.to_bytes(size, "big")


def transform(next_payload, number, transform_id, attrs):
    return payload(next_payload, struct.pack(">BBH", number, transform_id, 0) + b"".join(attrs))


def proposal(next_payload, number, protocol, spi, transforms):
    body = struct.pack(">BBBB", number, protocol, len(spi), len(transforms)) + spi
    return payload(next_payload, body + b"".join(transforms))


def sa(next_payload, proposals):
    return payload(next_payload, struct.pack(">II", 1, 1) + b"".join(proposals))


def notify(next_payload, code, spi=b""):
    return payload(next_payload, struct.pack(">IBBH", 1, 1, len(spi), code) + spi)


def hand_seeds():
    """name -> (exchange type, first payload, body)"""
    pad = bytes(range(1, 8)) + b"\x07"  # padding after a decrypted chain
    qm_sa = sa(10, [
        proposal(2, 1, 3, b"\xc1\x00\x00\x01", [
            transform(3, 1, 12, [tv(1, 1), tlv(2, 3600, 4), tv(4, 61443), tv(5, 5), tv(6, 256), tv(3, 14)]),
            transform(0, 2, 3, [tlv(5, 2, 2), tv(4, 1), tlv(2, 86400, 8)]),
        ]),
        proposal(0, 2, 3, b"\xc1\x00\x00\x02", [transform(0, 1, 11, [tv(5, 1), tv(4, 2)])]),
    ])
    qm1 = payload(1, bytes(20)) + qm_sa + payload(5, bytes(16)) + payload(5, b"\x01\x00\x00\x00\x0a\x00\x00\x01") \
        + payload(0, b"\x01\x00\x00\x00\x0a\x00\x00\x02")
    many = [transform(3 if i < 9 else 0, i + 1, 1, [tv(1, 7), tv(14, 128 + i), tv(2, 2), tv(4, 14), tv(3, 1)])
            for i in range(10)]
    mm_many = sa(13, [proposal(0, 1, 1, b"", many)]) + payload(0, bytes(16))
    info = payload(11, bytes(20)) + notify(11, 14) + notify(12, 24578, bytes(16)) \
        + payload(11, struct.pack(">IBBH", 1, 1, 16, 1) + bytes(16)) + notify(11, 36136, bytes(16)) \
        + notify(0, 24)
    nat_d = payload(10, bytes(128)) + payload(130, bytes(24)) + payload(130, bytes(range(20))) \
        + payload(20, bytes(range(32))) + payload(132, bytes(65)) + payload(0, bytes(range(64)))
    return {
        "qm-phase2-sa": (32, 8, qm1 + pad),
        "mm-ten-transforms": (2, 1, mm_many),
        "info-notifies": (5, 8, info + pad),
        "nat-d-and-fragment": (2, 4, nat_d),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pcaps", default=os.path.join(here, "..", "..", "test-pcaps"))
    parser.add_argument("dir", nargs="?", default=os.path.join(here, "corpus-parse"))
    args = parser.parse_args()

    seeds = {}
    for name, n_frames, n_bodies, n_cuts in CAPTURES:
        path = os.path.join(args.pcaps, name + ".pcap")
        if not os.path.exists(path):
            print(f"make_parse_seeds: {path} missing, skipped", file=sys.stderr)
            continue
        linktype, frames = read_pcap(path)
        seen = set()
        for number, frame in enumerate(frames, 1):
            found = isakmp_of(linktype, frame)
            if not found:
                continue
            at, sport, dport, marker = found
            message = frame[at:]
            if message in seen:
                continue  # a resend
            seen.add(message)
            exchange, next_payload, flags = message[18], message[16], message[19]
            if n_frames > 0:
                seeds[f"frame-{name}-{number}"] = control(sport, dport, marker, exchange, next_payload) + frame
                n_frames -= 1
            if n_cuts > 0:  # three quarters of the frame captured
                seeds[f"cut-{name}-{number}"] = control(sport, dport, marker, exchange, next_payload, 0x80 | 96) \
                    + frame
                n_cuts -= 1
            if n_bodies > 0 and not flags & 1 and next_payload == 1:
                length = struct.unpack(">I", message[24:28])[0]
                seeds[f"body-{name}-{number}"] = control(500, 500, False, exchange, next_payload) \
                    + message[28:max(28, min(length, len(message)))]
                n_bodies -= 1
    for name, (exchange, next_payload, body) in hand_seeds().items():
        seeds[f"hand-{name}"] = control(500, 500, False, exchange, next_payload) + body

    if len(seeds) > MAX_SEEDS:
        sys.exit(f"make_parse_seeds: {len(seeds)} seeds, more than {MAX_SEEDS}: lower the counts")
    os.makedirs(args.dir, exist_ok=True)
    for old in os.listdir(args.dir):
        if old.startswith(PREFIXES):
            os.remove(os.path.join(args.dir, old))
    for name, data in sorted(seeds.items()):
        with open(os.path.join(args.dir, name), "wb") as f:
            f.write(data)
    total = sum(len(d) for d in seeds.values())
    print(f"make_parse_seeds: {len(seeds)} seeds, {total} bytes in {args.dir}")


if __name__ == "__main__":
    main()
