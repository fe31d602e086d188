/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ike_parse.h: read an IKEv1 message from its bytes (RFC 2408 section 3).
 *
 * Why ikediag reads bytes instead of the stock dissector's fields: asking epan for any
 * field makes it build a protocol tree for every frame of the capture, IKE or not, and
 * makes the ISAKMP dissector fill every field it would otherwise skip; together about
 * half of what tshark spends on a busy VPN concentrator's capture (README, Performance).
 * The dissector still runs first and still owns decryption and reassembly: the glue
 * hands over the bytes it left in the frame's data sources.
 *
 * Everything here is bounds-checked against the captured length, works on any bytes,
 * and allocates nothing.
 */
#ifndef IKEDIAG_IKE_PARSE_H
#define IKEDIAG_IKE_PARSE_H

#include "ike_msg.h"

#include <stddef.h>

#define IKE_HEADER_SIZE 28 /* RFC 2408 section 3.1 */
#define IKE_NON_ESP_MARKER_SIZE 4 /* RFC 3948 section 2.2: UDP 4500 carries IKE behind it */

/* Bytes as a capture holds them: `captured` may stop short of `reported` (snaplen). */
typedef struct ike_bytes {
    const uint8_t *data;
    size_t captured;
    size_t reported;
} ike_bytes_t;

/* The offset of the ISAKMP header in `datagram`, bytes that hold the UDP header from
 * `src_port` to `dst_port` somewhere (a frame, or a reassembled IP payload), or -1.
 * The dissector already decided the frame is ISAKMP; this only finds where.  A UDP
 * header whose length agrees with the ISAKMP header's wins; else the first with the
 * ports and room for a header (a malformed message is still numbered from its header). */
long ike_find_message(const ike_bytes_t *datagram, uint16_t src_port, uint16_t dst_port, bool non_esp_marker);

/* The IKE message an ICMP or ICMPv6 error quotes (RFC 792, RFC 4443: the offending
 * packet's IP header, its UDP header and the start of its payload), found in the bytes
 * of the error `frame`: the last IPv4 or IPv6 header there that carries UDP from or to
 * port 500 or 4500 (the non-ESP marker skipped on 4500).  Fills the quoted packet's
 * endpoints and returns the ISAKMP header's offset, or -1.  Wireshark 4.4 and later
 * restore the outer addresses and ports before a post-dissector runs, so the quoted
 * ones can only be read here. */
long ike_find_quoted_message(const ike_bytes_t *frame, ike_endpoint_t *src, ike_endpoint_t *dst);

/* The ESP header in the bytes of a frame: behind the first IPv4 or IPv6 header (no
 * extension header) from esp->src to esp->dst that carries ESP (IP protocol 50), or UDP
 * between esp->src.port and esp->dst.port when `in_udp` (RFC 3948: a non-zero SPI where a
 * non-ESP marker would be).  Fills spi, sequence and length; false if not found. */
bool ike_find_esp(const ike_bytes_t *frame, bool in_udp, ike_esp_msg_t *esp);

/* Fills the header fields of `msg` from the message at `bytes` (RFC 2408 section 3.1).
 * False when fewer than IKE_HEADER_SIZE bytes are captured. */
bool ike_parse_header(const ike_bytes_t *bytes, ike_msg_t *msg);

/* Walks the payload chain of an IKEv1 body, clear (right after the header) or as the
 * dissector decrypted it (padding may follow the chain), from the header's next
 * payload (call ike_parse_header first): payload kinds, notify codes, the SA's
 * transforms (phase 1 in Main and Aggressive Mode, phase 2 in Quick Mode), Quick Mode
 * proxy IDs and NAT-D hashes.  Sets msg->malformed when a payload length overruns the body; a body cut
 * short by the snaplen only ends the walk. */
void ike_parse_body(const ike_bytes_t *body, ike_msg_t *msg);

/* Walks an IKEv2 payload chain (RFC 7296 section 3.2: the same generic header, with a
 * critical bit) from `first_type`: payload kinds into payloads_v2, notify codes, the KE
 * group or the group INVALID_KE_PAYLOAD asks for, NAT_DETECTION hashes (stored like
 * IKEv1's NAT-D: the destination's first), SKF fragment numbers.  An SK or SKF payload
 * ends the walk: returns the first payload type inside it, for the body the dissector
 * decrypted, else 0. */
unsigned ike2_parse_body(const ike_bytes_t *body, unsigned first_type, ike_msg_t *msg);
/* The first type of a chain reassembled from SKF fragments, whose type only fragment 1
 * names (RFC 7383 section 2.5): walked for its lengths, read from the second payload on. */
#define IKE2_FIRST_TYPE_UNKNOWN 255u

#endif
