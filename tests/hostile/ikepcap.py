# SPDX-License-Identifier: GPL-2.0-or-later
"""ikepcap: build IKEv1/IKEv2 messages and whole Ethernet frames by hand, and write them
as a text2pcap hexdump or straight as pcap bytes.

Only what the hostile captures need: RFC 2408 generic payloads, a phase-1 SA offer
(RFC 2409 appendix A attributes), KE/NONCE/NAT-D, an encrypted body of random bytes (no
keys exist, so nobody can tell), a notify, the RFC 3948 non-ESP marker on UDP 4500,
and real IPv4/IPv6/UDP checksums so no other dissector complains.
Addresses must be documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
2001:db8::/32); frame() refuses anything else.
"""
import ipaddress
import struct

# RFC 2408 section 3.1 payload and exchange numbers
PL_NONE, PL_SA, PL_PROPOSAL, PL_TRANSFORM, PL_KE, PL_ID, PL_HASH = 0, 1, 2, 3, 4, 5, 8
PL_NONCE, PL_NOTIFY, PL_DELETE, PL_VID, PL_NAT_D = 10, 11, 12, 13, 20
XCHG_MAIN, XCHG_AGGRESSIVE, XCHG_INFO, XCHG_TRANSACTION, XCHG_QUICK = 2, 4, 5, 6, 32
FLAG_ENCRYPTED = 0x01
VID_NAT_T_RFC3947 = bytes.fromhex("4a131c81070358455c5728f20e95452f")
VID_DPD = bytes.fromhex("afcad71368a1f1c96b8696fc77570100")
NON_ESP_MARKER = b"\x00\x00\x00\x00"

DOCUMENTATION_NETS = [ipaddress.ip_network(n) for n in
                      ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]


def header(icookie, rcookie, next_payload, exchange, flags, message_id, body_len, version=0x10):
    """The 28-byte ISAKMP header; `body_len` is what follows it (the length field counts both)."""
    return struct.pack("!8s8sBBBBII", icookie, rcookie, next_payload, version, exchange, flags,
                       message_id, 28 + body_len)


def chain(payloads):
    """Generic payload headers (RFC 2408 section 3.2) for a list of (type, body); returns
    (first payload type, bytes)."""
    out = b""
    for i, (_, body) in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else PL_NONE
        out += struct.pack("!BBH", nxt, 0, 4 + len(body)) + body
    return (payloads[0][0] if payloads else PL_NONE), out


def message(icookie, rcookie, exchange, payloads, message_id=0, flags=0, version=0x10):
    first, body = chain(payloads)
    return header(icookie, rcookie, first, exchange, flags, message_id, len(body), version) + body


def encrypted_message(icookie, rcookie, exchange, first_payload, body, message_id=0):
    """E flag set; the body is opaque (random bytes standing in for ciphertext)."""
    return header(icookie, rcookie, first_payload, exchange, FLAG_ENCRYPTED, message_id, len(body)) + body


def phase1_transform(number, encryption=7, key_length=128, hash_alg=4, auth=1, group=14, last=True):
    """One KEY_IKE transform with TV attributes (RFC 2409 appendix A)."""
    attrs = b"".join(struct.pack("!HH", 0x8000 | t, v) for t, v in
                     ((1, encryption), (14, key_length), (2, hash_alg), (3, auth), (4, group), (11, 1), (12, 28800)))
    body = struct.pack("!BBH", number, 1, 0) + attrs
    return struct.pack("!BBH", PL_NONE if last else PL_TRANSFORM, 0, 4 + len(body)) + body


def sa_payload(transforms):
    """An SA payload body (DOI IPsec, identity-only situation) with one ISAKMP proposal."""
    proposal_body = struct.pack("!BBBB", 1, 1, 0, len(transforms)) + b"".join(transforms)
    proposal = struct.pack("!BBH", PL_NONE, 0, 4 + len(proposal_body)) + proposal_body
    return struct.pack("!II", 1, 1) + proposal


def notify_payload(code, data=b""):
    return struct.pack("!IBBH", 1, 1, 0, code) + data


# ---- whole exchanges, as (sender, payload bytes) lists ---------------------------------

def main_mode(rng, icookie, rcookie, initiator="I", responder="R"):
    """MM#1..MM#6 (RFC 2409 section 5.1): SA, SA, KE+NONCE+NAT-D x2 both ways, then two
    encrypted messages whose clear next-payload is ID."""
    offer = sa_payload([phase1_transform(1, last=False), phase1_transform(2, encryption=5, key_length=0,
                                                                           hash_alg=2, group=2)])
    chosen = sa_payload([phase1_transform(1)])
    ke = [(PL_KE, rng.randbytes(256)), (PL_NONCE, rng.randbytes(32)),
          (PL_NAT_D, rng.randbytes(32)), (PL_NAT_D, rng.randbytes(32))]
    ke_r = [(PL_KE, rng.randbytes(256)), (PL_NONCE, rng.randbytes(32)),
            (PL_NAT_D, rng.randbytes(32)), (PL_NAT_D, rng.randbytes(32))]
    zero = bytes(8)
    return [
        (initiator, message(icookie, zero, XCHG_MAIN, [(PL_SA, offer), (PL_VID, VID_NAT_T_RFC3947), (PL_VID, VID_DPD)])),
        (responder, message(icookie, rcookie, XCHG_MAIN, [(PL_SA, chosen), (PL_VID, VID_NAT_T_RFC3947)])),
        (initiator, message(icookie, rcookie, XCHG_MAIN, ke)),
        (responder, message(icookie, rcookie, XCHG_MAIN, ke_r)),
        (initiator, encrypted_message(icookie, rcookie, XCHG_MAIN, PL_ID, rng.randbytes(80))),
        (responder, encrypted_message(icookie, rcookie, XCHG_MAIN, PL_ID, rng.randbytes(80))),
    ]


def quick_mode(rng, icookie, rcookie, message_id, initiator="I", responder="R"):
    """QM#1..QM#3 (RFC 2409 section 5.5): encrypted whole, clear next-payload HASH."""
    return [(initiator, encrypted_message(icookie, rcookie, XCHG_QUICK, PL_HASH, rng.randbytes(288), message_id)),
            (responder, encrypted_message(icookie, rcookie, XCHG_QUICK, PL_HASH, rng.randbytes(272), message_id)),
            (initiator, encrypted_message(icookie, rcookie, XCHG_QUICK, PL_HASH, rng.randbytes(48), message_id))]


# ---- frames --------------------------------------------------------------------------

def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _check_documentation(addr):
    if not any(addr in net for net in DOCUMENTATION_NETS):
        raise ValueError("%s is not a documentation address" % addr)


def frame(src, dst, sport, dport, payload, non_esp_marker=False):
    """Ethernet II + IPv4/IPv6 + UDP (+ the RFC 3948 non-ESP marker) around `payload`."""
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    _check_documentation(s)
    _check_documentation(d)
    data = (NON_ESP_MARKER if non_esp_marker else b"") + payload
    udp_len = 8 + len(data)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + data
    if s.version == 4:
        pseudo = s.packed + d.packed + struct.pack("!BBH", 0, 17, udp_len)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0x1234, 0x4000, 64, 17, 0, s.packed, d.packed)
        ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
        ethertype = 0x0800
    else:
        pseudo = s.packed + d.packed + struct.pack("!IxxxB", udp_len, 17)
        ip = struct.pack("!IHBB16s16s", 0x60000000, udp_len, 17, 64, s.packed, d.packed)
        ethertype = 0x86DD
    csum = _checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    eth = bytes.fromhex("020000000002020000000001") + struct.pack("!H", ethertype)
    return eth + ip + udp


def hexdump(records):
    """text2pcap input (use `text2pcap -t %s.%f`): a time line, then offset + 16 bytes a line."""
    lines = []
    for t, data in records:
        lines.append("%.6f" % t)
        for off in range(0, len(data), 16):
            lines.append("%06x  %s" % (off, " ".join("%02x" % b for b in data[off:off + 16])))
        lines.append("")
    return "\n".join(lines) + "\n"


def pcap_header(snaplen=65535):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)


def pcap_record(t, data):
    sec = int(t)
    usec = int(round((t - sec) * 1e6))
    return struct.pack("<IIII", sec, usec, len(data), len(data)) + data
