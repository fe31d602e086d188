#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build large benchmark captures from the real IKE exchanges in test-pcaps/.

Every IKE SA found in the corpus (ISAKMP on UDP 500, or on UDP 4500 behind the 4-byte
zero non-ESP marker) becomes a template.  A template is replayed many times, each copy
with fresh cookies (the same new pair on all its messages, so resends stay
byte-identical), fresh peer addresses and ports from the documentation ranges, and
shifted timestamps.  Mixes:

  a  ~1% IKE inside ESP, ESP-in-UDP, TCP (TLS) and UDP (DNS) background traffic
  b  IKE only: replayed SAs and nothing else
  c  an orphan MM#2 reflection flood: responses with no request, from thousands of
     reflectors, each sent 1-3 times (reflectors resend like any responder)
  e  a tunnel-heavy capture: 95% ESP (70% of it plain, 30% in UDP 4500), ~1% IKE as in
     a, the rest TCP and DNS: the cost of tying ESP to its SAs (issue 14)

Output: pcap, Ethernet, microsecond timestamps.  Python 3 stdlib only.
"""
import argparse
import array
import glob
import heapq
import ipaddress
import json
import os
import random
import struct
import sys

# ---- reading the corpus ----------------------------------------------------------------

LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_SLL, LINKTYPE_SLL2 = 1, 101, 113, 276


def read_pcap(path):
    """Yield (seconds, linktype, frame bytes) from a pcap or pcapng file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        endian = "<" if magic[0] in (0xD4, 0x4D) else ">"
        scale = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
        linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
        pos = 24
        while pos + 16 <= len(data):
            sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[pos:pos + 16])
            yield sec + frac * scale, linktype, data[pos + 16:pos + 16 + caplen]
            pos += 16 + caplen
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from read_pcapng(data)
    else:
        print("skipping %s: not pcap or pcapng" % path, file=sys.stderr)


def read_pcapng(data):
    """Enhanced and simple packet blocks; timestamps assume the default microseconds."""
    endian, pos, linktypes = "<", 0, []
    while pos + 12 <= len(data):
        btype = struct.unpack(endian + "I", data[pos:pos + 4])[0]
        if btype == 0x0A0D0D0A:  # section header: the byte order may change
            endian = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes = []
        blen = struct.unpack(endian + "I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + blen - 4]
        if btype == 1:
            linktypes.append(struct.unpack(endian + "H", body[:2])[0])
        elif btype == 6:
            iface, hi, lo, caplen = struct.unpack(endian + "IIII", body[:16])
            yield ((hi << 32) | lo) * 1e-6, linktypes[iface], body[20:20 + caplen]
        elif btype == 3 and linktypes:
            yield 0.0, linktypes[0], body[4:]
        pos += blen


def ip_packet(linktype, frame):
    """The IP packet inside a link-layer frame, or None."""
    if linktype == LINKTYPE_ETHERNET:
        off, ethertype = 14, struct.unpack("!H", frame[12:14])[0]
        while ethertype in (0x8100, 0x88A8):  # VLAN tags
            ethertype = struct.unpack("!H", frame[off + 2:off + 4])[0]
            off += 4
        return frame[off:] if ethertype in (0x0800, 0x86DD) else None
    if linktype == LINKTYPE_SLL:
        return frame[16:]
    if linktype == LINKTYPE_SLL2:
        return frame[20:]
    if linktype in (LINKTYPE_RAW, 228, 229):
        return frame
    return None


def udp_of(packet):
    """(src addr bytes, dst addr bytes, sport, dport, payload) of a UDP packet, or None."""
    if not packet:
        return None
    version = packet[0] >> 4
    if version == 4:
        ihl = (packet[0] & 15) * 4
        if packet[9] != 17:
            return None
        total = struct.unpack("!H", packet[2:4])[0]
        src, dst, l4 = packet[12:16], packet[16:20], packet[ihl:total]
    elif version == 6:
        if packet[6] != 17:
            return None  # extension headers do not occur in the corpus
        src, dst, l4 = packet[8:24], packet[24:40], packet[40:]
    else:
        return None
    if len(l4) < 8:
        return None
    sport, dport, length = struct.unpack("!HHH", l4[:6])
    return src, dst, sport, dport, l4[8:length]


class Message:
    """One IKE message of a template."""
    __slots__ = ("offset", "from_initiator", "nat_t", "isakmp", "initiator_port")

    def __init__(self, offset, from_initiator, nat_t, isakmp, initiator_port):
        self.offset = offset  # seconds after the template's first message
        self.from_initiator = from_initiator
        self.nat_t = nat_t  # behind the non-ESP marker on UDP 4500
        self.isakmp = isakmp
        self.initiator_port = initiator_port


def isakmp_of(udp):
    """(ISAKMP bytes, nat_t) of a UDP datagram, or None."""
    src, dst, sport, dport, payload = udp
    if 500 in (sport, dport) and len(payload) >= 28:
        return payload, False
    if 4500 in (sport, dport) and len(payload) >= 32 and payload[:4] == b"\0\0\0\0":
        return payload[4:], True
    return None


def load_templates(paths):
    """IKE SAs of the corpus, grouped by initiator cookie, in capture order.  SAs of
    captures named ok-* count four times: a busy concentrator mostly sees success."""
    templates = []
    for path in paths:
        weight = 4 if os.path.basename(path).startswith("ok-") else 1
        by_cookie = {}
        for ts, linktype, frame in read_pcap(path):
            udp = udp_of(ip_packet(linktype, frame))
            found = udp and isakmp_of(udp)
            if not found:
                continue
            isakmp, nat_t = found
            src, dst, sport, dport, _ = udp
            sa = by_cookie.get(isakmp[:8])
            if sa is None:
                sa = by_cookie[isakmp[:8]] = {"start": ts, "initiator": src, "messages": []}
                templates.extend([sa] * weight)
            from_initiator = src == sa["initiator"]
            port = sport if from_initiator else dport
            sa["messages"].append(Message(ts - sa["start"], from_initiator, nat_t, isakmp, port))
    return [t["messages"] for t in templates]


def is_orphan_candidate(message):
    """An MM#2: Main Mode, responder cookie set, message ID 0, first payload SA."""
    h = message.isakmp
    return (not message.from_initiator and h[18] == 2 and h[8:16] != b"\0" * 8
            and h[20:24] == b"\0\0\0\0" and h[16] == 1)


# ---- building frames ---------------------------------------------------------------------

MAC_CONCENTRATOR = bytes.fromhex("020000000001")
MAC_GATEWAY = bytes.fromhex("020000000002")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    words = array.array("H", data)
    if sys.byteorder == "little":
        words.byteswap()
    total = sum(words)
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def ip_frame(src, dst, proto, l4, ident):
    """An Ethernet frame carrying l4 over IPv4 or IPv6 (by address length)."""
    macs = MAC_GATEWAY + MAC_CONCENTRATOR if src in CONCENTRATOR_SET else MAC_CONCENTRATOR + MAC_GATEWAY
    if len(src) == 4:
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident & 0xFFFF, 0x4000, 64, proto, 0,
                             src, dst)
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        return macs + b"\x08\x00" + header + l4
    header = struct.pack("!IHBB16s16s", 0x60000000, len(l4), proto, 64, src, dst)
    return macs + b"\x86\xdd" + header + l4


def udp_frame(src, dst, sport, dport, payload, ident):
    l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    if len(src) == 16:  # IPv6 forbids a zero UDP checksum (RFC 8200 8.1)
        pseudo = src + dst + struct.pack("!IxxxB", len(l4), 17)
        l4 = l4[:6] + struct.pack("!H", checksum(pseudo + l4) or 0xFFFF) + l4[8:]
    return ip_frame(src, dst, 17, l4, ident)


# Documentation addresses only (RFC 5737, RFC 3849).
CONCENTRATORS_V4 = [ipaddress.IPv4Address("192.0.2.%d" % i).packed for i in range(1, 5)]
CONCENTRATORS_V6 = [ipaddress.IPv6Address("2001:db8::%x" % i).packed for i in range(1, 5)]
CONCENTRATOR_SET = frozenset(CONCENTRATORS_V4 + CONCENTRATORS_V6)
PEERS_V4 = [ipaddress.IPv4Address("%s.%d" % (net, i)).packed
            for net in ("198.51.100", "203.0.113") for i in range(1, 255)]


def random_v6_peer(rng):
    return ipaddress.IPv6Address("2001:db8:%x:%x::%x" % (rng.randrange(0x100, 0x10000), rng.randrange(0x10000),
                                                         rng.randrange(1, 0x10000))).packed


class Peer:
    """Addresses and ports of one replayed SA; 70% IPv4 (half behind NAT), 30% IPv6."""

    def __init__(self, rng):
        if rng.random() < 0.7:
            self.initiator, self.responder = rng.choice(PEERS_V4), rng.choice(CONCENTRATORS_V4)
        else:
            self.initiator, self.responder = random_v6_peer(rng), rng.choice(CONCENTRATORS_V6)
        behind_nat = rng.random() < 0.5
        self.ports = {500: rng.randrange(49152, 65536) if behind_nat else 500,  # NATs map to ephemeral ports
                      4500: rng.randrange(49152, 65536) if behind_nat else 4500}

    def initiator_port(self, original):
        return self.ports.get(original, original)


def replay(template, start, rng, ident):
    """(time, frame) of one copy of a template with fresh cookies, peers and ports."""
    icookie, rcookie = rng.randbytes(8), rng.randbytes(8)
    peer = Peer(rng)
    out = []
    for m in template:
        old = m.isakmp
        new_r = rcookie if old[8:16] != b"\0" * 8 else old[8:16]
        isakmp = icookie + new_r + old[16:]
        responder_port = 4500 if m.nat_t else 500
        payload = (b"\0\0\0\0" + isakmp) if m.nat_t else isakmp
        iport = peer.initiator_port(m.initiator_port)
        if m.from_initiator:
            frame = udp_frame(peer.initiator, peer.responder, iport, responder_port, payload, ident)
        else:
            frame = udp_frame(peer.responder, peer.initiator, responder_port, iport, payload, ident)
        out.append((start + m.offset, frame))
    return out


# ---- background traffic -------------------------------------------------------------------

NOISE = random.Random(1).randbytes(1 << 16)  # payload bytes: slices of one random block


def noise(rng, n):
    at = rng.randrange(0, len(NOISE) - n)
    return NOISE[at:at + n]


def imix_size(rng):
    """Inner packet sizes of a busy tunnel: many small, some medium, many full-size."""
    r = rng.random()
    return rng.randrange(40, 120) if r < 0.45 else rng.randrange(500, 640) if r < 0.65 else rng.randrange(1300, 1400)


class Background:
    """ESP (50%), ESP-in-UDP 4500 (20%), TCP with TLS records (20%), DNS (10%)."""

    def __init__(self, rng, esp_only=False):
        self.rng = rng
        self.esp_only = esp_only
        self.tunnels = []  # [src, dst, spi, seq, port or None]
        for _ in range(2000):
            peer = Peer(rng)
            nat_port = peer.ports[4500] if peer.ports[4500] != 4500 else None
            for direction in (0, 1):
                src, dst = (peer.initiator, peer.responder) if direction else (peer.responder, peer.initiator)
                self.tunnels.append([src, dst, rng.randrange(0x100, 1 << 32), 1, nat_port, direction])
        self.flows = []  # [client, server, cport, seq_c, seq_s]
        for _ in range(500):
            self.flows.append([rng.choice(PEERS_V4[254:]), rng.choice(PEERS_V4[:254]), rng.randrange(1024, 65536),
                               rng.randrange(1 << 32), rng.randrange(1 << 32)])
        self.dns_id = 0

    def frame(self, ident):
        r = self.rng.random()
        if self.esp_only:  # 96% of the background, so 95% of a capture with 1% IKE
            if r < 0.96:
                return self.esp(ident, nat=r >= 0.672)
            return self.tcp(ident) if r < 0.99 else self.dns(ident)
        if r < 0.7:
            return self.esp(ident, nat=r >= 0.5)
        if r < 0.9:
            return self.tcp(ident)
        return self.dns(ident)

    def esp(self, ident, nat):
        rng = self.rng
        t = rng.choice(self.tunnels)
        src, dst, spi, seq, nat_port, direction = t
        t[3] += 1
        body = struct.pack("!II", spi, seq) + noise(rng, imix_size(rng) + 30)  # IV, padding, ICV
        if nat and nat_port:
            sport, dport = (nat_port, 4500) if direction else (4500, nat_port)
            return udp_frame(src, dst, sport, dport, body, ident)
        return ip_frame(src, dst, 50, body, ident)

    def tcp(self, ident):
        rng = self.rng
        f = rng.choice(self.flows)
        client, server, cport, seq_c, seq_s = f
        if rng.random() < 0.6:  # server data: one whole TLS application-data record
            n = rng.choice((1448, 1448, rng.randrange(100, 1448)))
            payload = b"\x17\x03\x03" + struct.pack("!H", n - 5) + noise(rng, n - 5)
            hdr = struct.pack("!HHIIBBHHH", 443, cport, seq_s, seq_c, 0x50, 0x18, 501, 0, 0)
            f[4] = (seq_s + n) & 0xFFFFFFFF
            return ip_frame(server, client, 6, hdr + payload, ident)
        hdr = struct.pack("!HHIIBBHHH", cport, 443, seq_c, seq_s, 0x50, 0x10, 501, 0, 0)
        return ip_frame(client, server, 6, hdr, ident)

    def dns(self, ident):
        rng = self.rng
        self.dns_id = (self.dns_id + 1) & 0xFFFF
        name = b"".join(bytes([len(p)]) + p for p in (b"host%d" % rng.randrange(5000), b"example", b"com")) + b"\0"
        question = name + struct.pack("!HH", 1, 1)
        client = rng.choice(PEERS_V4)
        server = CONCENTRATORS_V4[0]
        cport = rng.randrange(1024, 65536)
        if rng.random() < 0.5:
            msg = struct.pack("!HHHHHH", self.dns_id, 0x0100, 1, 0, 0, 0) + question
            return udp_frame(client, server, cport, 53, msg, ident)
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, rng.randrange(1, 255)])
        msg = struct.pack("!HHHHHH", self.dns_id, 0x8180, 1, 1, 0, 0) + question + answer
        return udp_frame(server, client, 53, cport, msg, ident)


COUNTS = {"sas": 0, "orphans": 0}  # what the captures hold, for per-SA figures


# ---- mixes ------------------------------------------------------------------------------

def ike_events(templates, n_frames, duration, rng):
    """(time, frame) of replayed SAs, in time order, with about n_frames frames."""
    plan, total = [], 0
    while total < n_frames:
        t = templates[len(plan) % len(templates)]
        plan.append(t)
        total += len(t)
    COUNTS["sas"] += len(plan)
    step = duration / len(plan)
    pending, seq = [], 0
    for i, t in enumerate(plan):
        start = (i + rng.random()) * step
        while pending and pending[0][0] <= start:
            yield heapq.heappop(pending)[::2]
        for when, frame in replay(t, start, rng, i):
            heapq.heappush(pending, (when, seq, frame))
            seq += 1
    while pending:
        yield heapq.heappop(pending)[::2]


def background_events(n_frames, duration, rng, esp_only=False):
    bg = Background(rng, esp_only)
    step = duration / max(n_frames, 1)
    for i in range(n_frames):
        yield (i + rng.random() * 0.99) * step, bg.frame(i)


def flood_events(templates, n_frames, duration, rng, n_sources=4000):
    """Orphan MM#2s from n_sources reflectors to one victim, each sent 1-3 times."""
    mm2 = [m for t in templates for m in t if is_orphan_candidate(m)]
    if not mm2:
        sys.exit("no MM#2 in the corpus to build flood (c) from")
    sources = PEERS_V4 + [random_v6_peer(rng) for _ in range(n_sources - len(PEERS_V4))]
    victims = {4: ipaddress.IPv4Address("192.0.2.66").packed, 16: ipaddress.IPv6Address("2001:db8::66").packed}
    pending, seq, made, i = [], 0, 0, 0
    step = duration / n_frames * 2  # two copies on average
    while made < n_frames:
        start = i * step
        while pending and pending[0][0] <= start:
            yield heapq.heappop(pending)[::2]
        m = mm2[i % len(mm2)]
        src = sources[rng.randrange(len(sources))]
        isakmp = rng.randbytes(16) + m.isakmp[16:]
        frame = udp_frame(src, victims[len(src)], 500, rng.randrange(49152, 65536), isakmp, i)
        COUNTS["orphans"] += 1
        for copy in range(min(rng.randrange(1, 4), n_frames - made)):
            heapq.heappush(pending, (start + copy * 2.0, seq, frame))  # resend timer
            seq += 1
            made += 1
        i += 1
    while pending:
        yield heapq.heappop(pending)[::2]


def write_pcap(path, events, epoch):
    """Write (time, frame) pairs; returns the number of frames."""
    n = 0
    events = iter(events)
    tmp = path + ".part"
    with open(tmp, "wb", buffering=1 << 20) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        for when, frame in events:
            usec = int(round((epoch + when) * 1e6))
            f.write(struct.pack("<IIII", usec // 1000000, usec % 1000000, len(frame), len(frame)))
            f.write(frame)
            n += 1
    os.chmod(tmp, 0o644)  # tshark runs as an unprivileged user
    os.replace(tmp, path)
    return n


FRAMES_PER_SECOND = {"a": 300.0, "b": 300.0, "c": 2000.0, "e": 300.0}  # a busy concentrator; a flood is faster


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mix", choices="abce", required=True)
    ap.add_argument("--frames", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", default=os.path.join(here, "..", "test-pcaps"),
                    help="folder of *.pcap / *.pcapng captures (default: test-pcaps)")
    ap.add_argument("--seed", type=int, default=2408)
    args = ap.parse_args()

    paths = sorted(glob.glob(os.path.join(args.corpus, "*.pcap")) + glob.glob(os.path.join(args.corpus, "*.pcapng")))
    templates = [t for t in load_templates(paths) if t]
    if not templates:
        sys.exit("no IKE exchange found in %s" % args.corpus)
    rng = random.Random(args.seed)
    duration = args.frames / FRAMES_PER_SECOND[args.mix]
    if args.mix in ("a", "e"):
        ike = list(ike_events(templates, args.frames // 100, duration, rng))
        background = background_events(args.frames - len(ike), duration, rng, esp_only=args.mix == "e")
        events = heapq.merge(ike, background, key=lambda e: e[0])
    elif args.mix == "b":
        events = ike_events(templates, args.frames, duration, rng)
    else:
        events = flood_events(templates, args.frames, duration, rng)
    n = write_pcap(args.out, events, epoch=1.7e9)
    ike_frames = len(ike) if args.mix in ("a", "e") else n
    with open(args.out + ".json", "w") as f:
        json.dump(dict(COUNTS, mix=args.mix, frames=n, ike_frames=ike_frames, corpus=[os.path.basename(p) for p in paths],
                       templates=len({id(t) for t in templates})), f)
    os.chmod(args.out + ".json", 0o644)
    print("%s: %d frames, %d IKE, %d SAs, %d orphans; %d templates from %d captures" %
          (args.out, n, ike_frames, COUNTS["sas"], COUNTS["orphans"], len({id(t) for t in templates}), len(paths)))


if __name__ == "__main__":
    main()
