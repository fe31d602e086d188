/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ike_parse.c: the ISAKMP header, payload chain, SA, notify, ID and NAT-D payloads from bytes.
 *
 * Owns: RFC 2408 section 3 layouts.  Must not: number, judge or remember anything.
 */
#include "ike_parse.h"

#include <string.h>

#define UDP_HEADER_SIZE 8
#define GENERIC_HEADER_SIZE 4 /* next payload, reserved, payload length: RFC 2408 3.2 */
#define SA_HEADER_SIZE 12 /* + DOI, situation (IPsec DOI: 4 bytes, RFC 2407 section 4.6.1) */
#define PROPOSAL_HEADER_SIZE 8 /* + proposal #, protocol, SPI size, # transforms: 3.5 */
#define TRANSFORM_HEADER_SIZE 8 /* + transform #, transform id, reserved: 3.6 */
#define NOTIFY_TYPE_OFFSET 10 /* after DOI, protocol, SPI size: 3.14 */
#define ID_DATA_OFFSET 8 /* after ID type, protocol, port: RFC 2407 section 4.6.2 */
#define ATTR_TV_BIT 0x8000u /* attribute format: type/value, else type/length/value: 3.3 */

/* Payload numbers outside RFC 2408's range that ikediag knows. */
#define PL_NAT_D_DRAFT 130 /* draft-ietf-ipsec-nat-t-ike-02, before RFC 3947's 20 */
#define PL_FRAGMENT 132 /* IKEv1 fragmentation (Cisco, strongSwan) */

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

long ike_find_message(const ike_bytes_t *datagram, uint16_t src_port, uint16_t dst_port, bool non_esp_marker)
{
    size_t before = UDP_HEADER_SIZE + (non_esp_marker ? IKE_NON_ESP_MARKER_SIZE : 0);
    long first = -1;
    for (size_t udp = 0; udp + before + IKE_HEADER_SIZE <= datagram->captured; udp++) {
        const uint8_t *p = datagram->data + udp;
        if (be16(p) != src_port || be16(p + 2) != dst_port)
            continue;
        if (non_esp_marker && be32(p + UDP_HEADER_SIZE) != 0)
            continue;
        size_t message = udp + before;
        if ((size_t)be32(datagram->data + message + 24) + before == be16(p + 4))
            return (long)message;
        if (first < 0)
            first = (long)message;
    }
    return first;
}

static bool is_ike_port(uint16_t port)
{
    return port == 500 || port == 4500;
}

/* An IPv4 (no options, RFC 791) or IPv6 (no extension header, RFC 8200) header at `at`
 * that carries UDP between IKE ports, with room for the ISAKMP header behind it: the
 * offset of that header, or -1.  Endpoints filled. */
static long quoted_at(const ike_bytes_t *b, size_t at, ike_endpoint_t *src, ike_endpoint_t *dst)
{
    const uint8_t *p = b->data + at;
    size_t left = b->captured - at, ip_len;
    if (left >= 20 && p[0] == 0x45 && p[9] == 17) {
        ip_len = 20;
        src->family = dst->family = 4;
        memcpy(src->addr, p + 12, 4);
        memcpy(dst->addr, p + 16, 4);
    } else if (left >= 40 && (p[0] >> 4) == 6 && p[6] == 17) {
        ip_len = 40;
        src->family = dst->family = 6;
        memcpy(src->addr, p + 8, 16);
        memcpy(dst->addr, p + 24, 16);
    } else {
        return -1;
    }
    if (left < ip_len + UDP_HEADER_SIZE)
        return -1;
    const uint8_t *udp = p + ip_len;
    src->port = be16(udp);
    dst->port = be16(udp + 2);
    if (!is_ike_port(src->port) || !is_ike_port(dst->port))
        return -1;
    size_t message = at + ip_len + UDP_HEADER_SIZE;
    if (src->port == 4500 || dst->port == 4500)
        message += IKE_NON_ESP_MARKER_SIZE;
    return message + IKE_HEADER_SIZE <= b->captured ? (long)message : -1;
}

long ike_find_quoted_message(const ike_bytes_t *frame, ike_endpoint_t *src, ike_endpoint_t *dst)
{
    for (size_t at = frame->captured; at-- > 0;) {
        ike_endpoint_t s = { 0 }, d = { 0 };
        long message = quoted_at(frame, at, &s, &d);
        if (message >= 0) {
            *src = s;
            *dst = d;
            return message;
        }
    }
    return -1;
}

#define IP_PROTO_UDP 17
#define IP_PROTO_ESP 50
#define ESP_HEADER_SIZE 8 /* SPI, sequence number: RFC 4303 section 2 */

/* An IP header at `p` from src to dst carrying `protocol`: its length, else 0; `payload`
 * gets the length of what follows it as the header says. */
static size_t ip_header_at(const uint8_t *p, size_t left, const ike_esp_msg_t *esp, unsigned protocol,
                           size_t *payload)
{
    if (esp->src.family == 4 && left >= 20 && (p[0] >> 4) == 4 && p[9] == protocol
        && !memcmp(p + 12, esp->src.addr, 4) && !memcmp(p + 16, esp->dst.addr, 4)) {
        size_t ihl = (size_t)(p[0] & 0x0F) * 4u, total = be16(p + 2);
        *payload = total > ihl ? total - ihl : 0;
        return ihl >= 20 ? ihl : 0;
    }
    if (esp->src.family == 6 && left >= 40 && (p[0] >> 4) == 6 && p[6] == protocol
        && !memcmp(p + 8, esp->src.addr, 16) && !memcmp(p + 24, esp->dst.addr, 16)) {
        *payload = be16(p + 4);
        return 40;
    }
    return 0;
}

/* The ESP header behind an IP header at `at`: 1 found, 0 not there, -1 a non-ESP marker. */
static int esp_at(const ike_bytes_t *frame, size_t at, bool in_udp, ike_esp_msg_t *esp)
{
    unsigned protocol = in_udp ? IP_PROTO_UDP : IP_PROTO_ESP;
    size_t before = in_udp ? UDP_HEADER_SIZE : 0;
    const uint8_t *p = frame->data + at;
    size_t payload = 0, ip_len = ip_header_at(p, frame->captured - at, esp, protocol, &payload);
    if (!ip_len || at + ip_len + before + ESP_HEADER_SIZE > frame->captured)
        return 0;
    const uint8_t *h = p + ip_len;
    if (in_udp && (be16(h) != esp->src.port || be16(h + 2) != esp->dst.port))
        return 0;
    esp->spi = be32(h + before);
    if (!esp->spi) /* a non-ESP marker: IKE on UDP 4500, or a keepalive */
        return -1;
    esp->sequence = be32(h + before + 4);
    esp->length = (uint32_t)(payload > before ? payload - before : 0);
    return 1;
}

/* Where the IP header usually starts: Ethernet, raw IP, Linux cooked (SLL), one VLAN tag,
 * SLL2.  Tried first: ESP is the bulk of a VPN capture, and this is its per-frame cost. */
static const size_t usual_ip_offsets[] = { 14, 0, 16, 18, 20 };

bool ike_find_esp(const ike_bytes_t *frame, bool in_udp, ike_esp_msg_t *esp)
{
    for (size_t i = 0; i < sizeof usual_ip_offsets / sizeof usual_ip_offsets[0]; i++) {
        size_t at = usual_ip_offsets[i];
        int found = at + 20 <= frame->captured ? esp_at(frame, at, in_udp, esp) : 0;
        if (found)
            return found > 0;
    }
    for (size_t at = 0; at + 20 <= frame->captured; at++) {
        int found = esp_at(frame, at, in_udp, esp);
        if (found)
            return found > 0;
    }
    return false;
}

bool ike_parse_header(const ike_bytes_t *bytes, ike_msg_t *msg)
{
    if (bytes->captured < IKE_HEADER_SIZE)
        return false;
    const uint8_t *h = bytes->data;
    msg->icookie = be64(h);
    msg->rcookie = be64(h + 8);
    msg->next_payload = h[16];
    msg->major_version = h[17] >> 4;
    msg->exchange_type = h[18];
    msg->flags = h[19];
    msg->message_id = be32(h + 20);
    msg->length = be32(h + 24);
    return true;
}

/* Where an SA attribute lands in ike_transform_t: phase 1 per RFC 2409 appendix A,
 * phase 2 per RFC 2407 section 4.5. */
typedef struct attribute_slot {
    uint16_t type;
    size_t offset;
    bool wide; /* a uint16_t member, else uint8_t */
} attribute_slot_t;

#define SLOT(type, member, wide) { type, offsetof(ike_transform_t, member), wide }
static const attribute_slot_t phase1_slots[] = {
    SLOT(1, encryption, true), SLOT(2, hash, false), SLOT(3, auth_method, true),
    SLOT(4, group, false), SLOT(14, key_length, true), { 0, 0, false },
};
static const attribute_slot_t phase2_slots[] = {
    SLOT(3, group, false), SLOT(4, encap_mode, true), SLOT(5, hash, false),
    SLOT(6, key_length, true), { 0, 0, false },
};

static void store_attribute(ike_transform_t *t, const attribute_slot_t *slots, uint16_t type, uint32_t value)
{
    for (; slots->type; slots++) {
        if (slots->type != type)
            continue;
        uint8_t *member = (uint8_t *)t + slots->offset;
        if (slots->wide) {
            uint16_t v = (uint16_t)value;
            memcpy(member, &v, sizeof v);
        } else {
            *member = (uint8_t)value;
        }
        return;
    }
}

static void read_attributes(const uint8_t *a, size_t length, const attribute_slot_t *slots, ike_transform_t *t)
{
    size_t off = 0;
    while (off + 4 <= length) {
        uint16_t type = be16(a + off), value_len = be16(a + off + 2);
        if (type & ATTR_TV_BIT) {
            store_attribute(t, slots, type & ~ATTR_TV_BIT, value_len); /* the value itself */
            off += 4;
            continue;
        }
        if (off + 4 + value_len > length)
            return;
        uint32_t value = 0;
        for (unsigned i = 0; i < value_len && value_len <= 4; i++)
            value = value << 8 | a[off + 4 + i];
        if (value_len <= 4)
            store_attribute(t, slots, type, value);
        off += 4 + value_len;
    }
}

/* The transforms of one proposal (RFC 2408 sections 3.5, 3.6). */
static void read_transforms(const uint8_t *p, size_t length, const attribute_slot_t *slots, uint8_t protocol,
                            ike_msg_t *msg)
{
    size_t off = 0;
    unsigned type = IKE_PL_TRANSFORM;
    while (type == IKE_PL_TRANSFORM && off + TRANSFORM_HEADER_SIZE <= length) {
        const uint8_t *t = p + off;
        size_t t_len = be16(t + 2);
        if (t_len < TRANSFORM_HEADER_SIZE || off + t_len > length)
            return;
        if (msg->n_transforms_total < UINT8_MAX)
            msg->n_transforms_total++;
        if (msg->n_transforms < IKE_MSG_MAX_TRANSFORMS) {
            ike_transform_t *transform = &msg->transforms[msg->n_transforms++];
            memset(transform, 0, sizeof *transform);
            if (slots == phase2_slots) {
                transform->encryption = t[5]; /* the AH, ESP or IPComp transform id (RFC 2407 4.4) */
                transform->protocol = protocol;
            }
            read_attributes(t + TRANSFORM_HEADER_SIZE, t_len - TRANSFORM_HEADER_SIZE, slots, transform);
        }
        type = t[0];
        off += t_len;
    }
}

/* Protocol ids of a proposal that make an IPsec SA (RFC 2407 4.4.1 and RFC 7296 3.3.1 agree:
 * 2 AH, 3 ESP), and their SPI size. */
#define CHILD_SPI_SIZE 4
static bool is_child_protocol(unsigned protocol) { return protocol == 2 || protocol == 3; }

static void read_sa(const uint8_t *sa, size_t length, ike_msg_t *msg)
{
    const attribute_slot_t *slots;
    if (msg->exchange_type == IKE_XCHG_MAIN || msg->exchange_type == IKE_XCHG_AGGRESSIVE)
        slots = phase1_slots;
    else if (msg->exchange_type == IKE_XCHG_QUICK)
        slots = phase2_slots;
    else
        return;
    size_t off = SA_HEADER_SIZE;
    unsigned type = IKE_PL_PROPOSAL;
    while (type == IKE_PL_PROPOSAL && off + PROPOSAL_HEADER_SIZE <= length) {
        const uint8_t *p = sa + off;
        size_t p_len = be16(p + 2), spi_size = p[6];
        if (p_len < PROPOSAL_HEADER_SIZE + spi_size || off + p_len > length)
            return;
        size_t skip = PROPOSAL_HEADER_SIZE + spi_size;
        if (slots == phase2_slots && is_child_protocol(p[5]) && spi_size == CHILD_SPI_SIZE && !msg->child_spi)
            msg->child_spi = be32(p + PROPOSAL_HEADER_SIZE);
        read_transforms(p + skip, p_len - skip, slots, p[5], msg);
        type = p[0];
        off += p_len;
    }
}

/* An Attributes payload (draft-dukes-ike-mode-cfg-02 section 3.2): its type, and the
 * XAUTH_STATUS attribute among its TV/TLV attributes (RFC 2408 section 3.3 format). */
#define CFG_ATTRIBUTES_OFFSET 8 /* after type, reserved, identifier */
static void read_cfg(const uint8_t *p, size_t length, ike_msg_t *msg)
{
    if (length < CFG_ATTRIBUTES_OFFSET)
        return;
    msg->cfg_type = p[4];
    for (size_t off = CFG_ATTRIBUTES_OFFSET; off + 4 <= length;) {
        uint16_t type = be16(p + off) & (uint16_t)~ATTR_TV_BIT;
        bool tv = (be16(p + off) & ATTR_TV_BIT) != 0;
        size_t value_len = tv ? 2 : be16(p + off + 2);
        const uint8_t *value = tv ? p + off + 2 : p + off + 4;
        if (!tv && off + 4 + value_len > length)
            return;
        if (type == IKE_ATTR_XAUTH_STATUS && value_len == 2)
            msg->xauth_status = be16(value) ? IKE_XAUTH_OK : IKE_XAUTH_FAIL;
        off += tv ? 4 : 4 + value_len;
    }
}

/* The payload kind as ike_msg_t keeps it: drafts and fragments folded in, 0 if none. */
static unsigned kind_of(unsigned type)
{
    if (type == PL_NAT_D_DRAFT)
        return IKE_PL_NAT_D;
    if (type == PL_FRAGMENT)
        return IKE_PL_FRAGMENT;
    return type < IKE_PL_FRAGMENT ? type : 0; /* 31 itself is unassigned: not a fragment */
}

/* What a notify's SPI and data say (RFC 2408 3.14): the DPD sequence number (RFC 3706
 * 5.1: R-U-THERE and its ACK carry it as 4 bytes of data), the SPI INVALID-SPI names. */
#define NOTIFY_SPI_SIZE_OFFSET 9
#define NOTIFY_SPI_OFFSET 12
static void read_notify_data(const uint8_t *p, size_t length, ike_msg_t *msg)
{
    if (length < NOTIFY_SPI_OFFSET)
        return;
    uint16_t code = be16(p + NOTIFY_TYPE_OFFSET);
    size_t spi_size = p[NOTIFY_SPI_SIZE_OFFSET], data = NOTIFY_SPI_OFFSET + spi_size;
    if ((code == IKE_N_R_U_THERE || code == IKE_N_R_U_THERE_ACK) && length >= data + 4 && !msg->has_dpd_sequence) {
        msg->dpd_sequence = be32(p + data);
        msg->has_dpd_sequence = true;
    }
    if (code == IKE_N_INVALID_SPI && spi_size == CHILD_SPI_SIZE && length >= data)
        msg->invalid_spi = be32(p + NOTIFY_SPI_OFFSET);
}

/* A Delete payload's ESP or AH SPIs: protocol, SPI size, count, then the SPIs, at
 * `at` (IKEv1 has the DOI before them, IKEv2 not). */
#define DELETE_PROTOCOL_OFFSET 8
#define DELETE_PROTOCOL_OFFSET_V2 4
static void read_deleted_spis(const uint8_t *p, size_t length, size_t at, ike_msg_t *msg)
{
    if (length < at + 4 || !is_child_protocol(p[at]) || p[at + 1] != CHILD_SPI_SIZE)
        return;
    unsigned count = be16(p + at + 2);
    for (unsigned i = 0; i < count && msg->n_deleted < IKE_MSG_MAX_DELETED; i++) {
        size_t spi = at + 4 + (size_t)i * CHILD_SPI_SIZE;
        if (spi + CHILD_SPI_SIZE > length)
            return;
        msg->deleted_spi[msg->n_deleted++] = be32(p + spi);
    }
}

static void read_payload(unsigned type, const uint8_t *p, size_t length, ike_msg_t *msg)
{
    size_t data_len = length - GENERIC_HEADER_SIZE;
    switch (type) {
    case IKE_PL_SA:
        read_sa(p, length, msg);
        break;
    case IKE_PL_NOTIFY:
        if (length >= NOTIFY_TYPE_OFFSET + 2 && msg->n_notify < IKE_MSG_MAX_NOTIFY)
            msg->notify[msg->n_notify++] = be16(p + NOTIFY_TYPE_OFFSET);
        read_notify_data(p, length, msg);
        break;
    case IKE_PL_DELETE:
        read_deleted_spis(p, length, DELETE_PROTOCOL_OFFSET, msg);
        break;
    case IKE_PL_ID: /* in Quick Mode: the proxy IDs */
        if (msg->exchange_type == IKE_XCHG_QUICK && length >= ID_DATA_OFFSET && msg->n_proxy_ids < 2) {
            ike_proxy_id_t *id = &msg->proxy_ids[msg->n_proxy_ids++];
            size_t n = length - ID_DATA_OFFSET;
            id->type = p[4];
            id->protocol = p[5];
            id->port = be16(p + 6);
            id->len = (uint8_t)(n < IKE_PROXY_ID_MAX_DATA ? n : IKE_PROXY_ID_MAX_DATA);
            memcpy(id->data, p + ID_DATA_OFFSET, id->len);
        }
        break;
    case IKE_PL_ATTR:
        read_cfg(p, length, msg);
        break;
    case IKE_PL_NAT_D: /* the hash (RFC 3947 section 3.2) */
        if (data_len && data_len <= IKE_NAT_D_MAX_LEN && msg->n_nat_d < IKE_MSG_MAX_NAT_D) {
            memcpy(msg->nat_d[msg->n_nat_d], p + GENERIC_HEADER_SIZE, data_len);
            msg->nat_d_len[msg->n_nat_d++] = (uint8_t)data_len;
        }
        break;
    default:
        break;
    }
}

void ike_parse_body(const ike_bytes_t *body, ike_msg_t *msg)
{
    size_t off = 0;
    unsigned type = msg->next_payload;
    while (type != 0) {
        if (off + GENERIC_HEADER_SIZE > body->reported) {
            msg->malformed = true;
            return;
        }
        if (off + GENERIC_HEADER_SIZE > body->captured)
            return; /* cut by the snaplen: nothing wrong with the message */
        const uint8_t *p = body->data + off;
        size_t length = be16(p + 2);
        if (length < GENERIC_HEADER_SIZE || off + length > body->reported) {
            msg->malformed = true;
            return;
        }
        type = kind_of(type);
        if (type)
            msg->payloads |= IKE_PL_BIT(type);
        if (off + length > body->captured)
            return;
        if (type)
            read_payload(type, p, length, msg);
        type = p[0];
        off += length;
    }
}

/* ---- IKEv2 (RFC 7296 section 3) ------------------------------------------------- */

#define IKE2_NOTIFY_TYPE_OFFSET 6 /* after protocol id and SPI size: 3.10 */
#define IKE2_NOTIFY_SPI_OFFSET 8

static void read_notify_v2(const uint8_t *p, size_t length, ike_msg_t *msg)
{
    if (length < IKE2_NOTIFY_SPI_OFFSET)
        return;
    uint16_t code = be16(p + IKE2_NOTIFY_TYPE_OFFSET);
    size_t data = IKE2_NOTIFY_SPI_OFFSET + p[5], data_len = length > data ? length - data : 0;
    if (msg->n_notify < IKE_MSG_MAX_NOTIFY)
        msg->notify[msg->n_notify++] = code;
    if (code == IKE2_N_INVALID_KE_PAYLOAD && data_len >= 2)
        msg->ke_group = be16(p + data);
    if (code == IKE2_N_INVALID_SPI && data_len >= CHILD_SPI_SIZE) /* RFC 7296 3.10.1: the SPI is the data */
        msg->invalid_spi = be32(p + data);
    bool nat_d = code == IKE2_N_NAT_DETECTION_SOURCE_IP || code == IKE2_N_NAT_DETECTION_DESTINATION_IP;
    if (!nat_d || !data_len || data_len > IKE_NAT_D_MAX_LEN || msg->n_nat_d >= IKE_MSG_MAX_NAT_D)
        return;
    /* the destination's hash first, as ike_nat_detected() reads IKEv1's */
    unsigned slot = msg->n_nat_d++;
    if (code == IKE2_N_NAT_DETECTION_DESTINATION_IP && slot > 0) {
        memmove(msg->nat_d[1], msg->nat_d[0], sizeof msg->nat_d[0] * slot);
        memmove(msg->nat_d_len + 1, msg->nat_d_len, slot);
        slot = 0;
    }
    memcpy(msg->nat_d[slot], p + data, data_len);
    msg->nat_d_len[slot] = (uint8_t)data_len;
}

/* RFC 7296 3.3.2: transform types, and the Key Length attribute (TV, type 14). */
enum { IKE2_TRANSFORM_ENCR = 1, IKE2_TRANSFORM_PRF, IKE2_TRANSFORM_INTEG, IKE2_TRANSFORM_DH, IKE2_TRANSFORM_ESN };
#define IKE2_TRANSFORM_HEADER_SIZE 8
#define IKE2_ATTR_KEY_LENGTH 0x800e

/* One transform into its proposal's summary: the first algorithm of each type. */
static void take_transform_v2(const uint8_t *t, size_t length, ike_transform_t *out)
{
    unsigned type = t[4], id = be16(t + 6);
    uint16_t *slot16 = type == IKE2_TRANSFORM_ENCR ? &out->encryption : NULL;
    uint8_t *slot8 = type == IKE2_TRANSFORM_PRF     ? &out->prf
                     : type == IKE2_TRANSFORM_INTEG ? &out->hash
                     : type == IKE2_TRANSFORM_DH    ? &out->group
                     : type == IKE2_TRANSFORM_ESN   ? &out->esn
                                                    : NULL;
    if (type == IKE2_TRANSFORM_ESN)
        id++; /* id 0 (no ESN) is a value here */
    if ((slot16 && *slot16) || (slot8 && *slot8)) {
        out->alternatives++;
        return;
    }
    if (slot16)
        *slot16 = (uint16_t)id;
    else if (slot8)
        *slot8 = (uint8_t)(id < UINT8_MAX ? id : UINT8_MAX);
    if (type == IKE2_TRANSFORM_ENCR && length >= IKE2_TRANSFORM_HEADER_SIZE + 4 && be16(t + 8) == IKE2_ATTR_KEY_LENGTH)
        out->key_length = be16(t + 10);
}

/* An IKEv2 SA payload (RFC 7296 3.3.1: proposals laid out as IKEv1's, after the generic
 * header): each proposal's summary, the first proposal's protocol, and its SPI when it is
 * a child's.  Only the message's first SA payload. */
static void read_sa_v2(const uint8_t *p, size_t length, ike_msg_t *msg)
{
    if (length < GENERIC_HEADER_SIZE + PROPOSAL_HEADER_SIZE || msg->sa_protocol)
        return;
    const uint8_t *proposal = p + GENERIC_HEADER_SIZE;
    msg->sa_protocol = proposal[5];
    if (length >= GENERIC_HEADER_SIZE + PROPOSAL_HEADER_SIZE + CHILD_SPI_SIZE && is_child_protocol(proposal[5]) && proposal[6] == CHILD_SPI_SIZE)
        msg->child_spi = be32(proposal + PROPOSAL_HEADER_SIZE);
    for (size_t off = GENERIC_HEADER_SIZE; off + PROPOSAL_HEADER_SIZE <= length;) {
        const uint8_t *prop = p + off;
        size_t prop_len = be16(prop + 2), first = PROPOSAL_HEADER_SIZE + prop[6];
        if (prop_len < first || off + prop_len > length)
            return; /* a lying length: what was read stays */
        if (msg->n_transforms_total < UINT8_MAX)
            msg->n_transforms_total++;
        if (msg->n_transforms < IKE_MSG_MAX_TRANSFORMS) {
            ike_transform_t *out = &msg->transforms[msg->n_transforms++];
            *out = (ike_transform_t){ .protocol = prop[5] };
            for (size_t t = first; t + IKE2_TRANSFORM_HEADER_SIZE <= prop_len;) {
                size_t t_len = be16(prop + t + 2);
                if (t_len < IKE2_TRANSFORM_HEADER_SIZE || t + t_len > prop_len)
                    break;
                take_transform_v2(prop + t, t_len, out);
                t += t_len;
            }
        }
        if (prop[0] == 0) /* the last proposal */
            return;
        off += prop_len;
    }
}

unsigned ike2_parse_body(const ike_bytes_t *body, unsigned first_type, ike_msg_t *msg)
{
    size_t off = 0;
    unsigned type = first_type;
    while (type != 0) {
        if (off + GENERIC_HEADER_SIZE > body->reported) {
            msg->malformed = true;
            return 0;
        }
        if (off + GENERIC_HEADER_SIZE > body->captured)
            return 0;
        const uint8_t *p = body->data + off;
        size_t length = be16(p + 2);
        if (length < GENERIC_HEADER_SIZE || off + length > body->reported) {
            msg->malformed = true;
            return 0;
        }
        if (type >= 32 && type < 64)
            msg->payloads_v2 |= IKE2_PL_BIT(type);
        if (type == IKE2_PL_SK)
            return p[0];
        if (type == IKE2_PL_SKF) {
            /* the fragment numbers sit past the generic header: read them only if captured */
            if (length >= 8 && off + 8 <= body->captured) {
                msg->fragment_number = be16(p + 4);
                msg->fragment_total = be16(p + 6);
            }
            return p[0];
        }
        if (off + length > body->captured)
            return 0;
        if (type == IKE2_PL_NOTIFY)
            read_notify_v2(p, length, msg);
        else if (type == IKE2_PL_KE && length >= 6)
            msg->ke_group = be16(p + 4);
        else if (type == IKE2_PL_SA)
            read_sa_v2(p, length, msg);
        else if (type == IKE2_PL_DELETE)
            read_deleted_spis(p, length, DELETE_PROTOCOL_OFFSET_V2, msg);
        type = p[0];
        off += length;
    }
    return 0;
}
