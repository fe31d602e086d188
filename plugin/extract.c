/* SPDX-License-Identifier: GPL-2.0-or-later */
/* extract.c: find the ISAKMP message the stock dissectors left in a frame and parse it.
 *
 * Owns: layer ids and data-source names.  Must not: number, judge or render anything.
 *
 * No field is primed (core/ike_parse.h says why): the message is found in the bytes.
 * The dissectors keep their jobs and leave their results as named data sources: IP
 * reassembly (the datagram), IKE fragment reassembly (the whole message, which wins
 * over the last fragment's own header, as it is the message) and decryption (the body).
 */
#include "extract.h"

#include <wireshark.h>

#include <string.h>

#include "compat.h"
#include "core/ike_parse.h"

/* Data sources, as the 4.0 dissectors name them (packet-ip.c, packet-ipv6.c,
 * packet-isakmp.c). */
static const char *const reassembled_datagrams[] = { "Reassembled IPv4", "Reassembled IPv6" };
#define REASSEMBLED_MESSAGE "Reassembled ISAKMP"
#define DECRYPTED_BODY "Decrypted IKE"
#define DECRYPTED_BODY_V2 "Decrypted Data"
#define REASSEMBLED_BODY_V2 "Reassembled IKE2 ISAKMP" /* decrypted SKF fragments, RFC 7383 */

/* Protocol ids of the layers a frame is tested for, resolved once. */
static int proto_isakmp = -1, proto_udpencap = -1, proto_icmp = -1, proto_icmpv6 = -1, proto_esp = -1;

void extract_resolve_protocols(void)
{
    proto_isakmp = proto_get_id_by_filter_name("isakmp");
    proto_udpencap = proto_get_id_by_filter_name("udpencap");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    proto_esp = proto_get_id_by_filter_name("esp");
}

/* pinfo->layers holds protocol ids: comparing ints costs a few instructions a layer,
 * proto_is_frame_protocol() looks up and compares each layer's name (about 450
 * instructions a frame, on every frame of the capture). */
static gboolean frame_has_layer(packet_info *pinfo, int proto)
{
    for (wmem_list_frame_t *l = wmem_list_head(pinfo->layers); l; l = wmem_list_frame_next(l))
        if (GPOINTER_TO_INT(wmem_list_frame_data(l)) == proto)
            return TRUE;
    return FALSE;
}

extract_kind_t extract_frame_kind(packet_info *pinfo)
{
    gboolean esp = FALSE, icmp = FALSE;
    for (wmem_list_frame_t *l = wmem_list_head(pinfo->layers); l; l = wmem_list_frame_next(l)) {
        int proto = GPOINTER_TO_INT(wmem_list_frame_data(l));
        if (proto == proto_isakmp)
            return EXTRACT_ISAKMP; /* ISAKMP wins, quoted in an ICMP error too (evidence) */
        esp |= proto == proto_esp;
        icmp |= proto == proto_icmp || proto == proto_icmpv6;
    }
    return esp && !icmp ? EXTRACT_ESP : EXTRACT_OTHER; /* ESP quoted in an ICMP error was not sent again */
}

/* A tvb's bytes from `offset` on, as the core reads them. */
static ike_bytes_t bytes_of(tvbuff_t *tvb, guint offset)
{
    ike_bytes_t b = { NULL, 0, 0 };
    guint captured = tvb_captured_length(tvb), reported = tvb_reported_length(tvb);
    if (offset >= captured)
        return b;
    b.captured = captured - offset;
    b.reported = reported > offset ? reported - offset : b.captured;
    b.data = tvb_get_ptr(tvb, offset, (gint)b.captured);
    return b;
}

/* The message: reassembled from IKE fragments, else found behind its UDP header in a
 * reassembled IP datagram or in the frame itself. */
static gboolean find_message(packet_info *pinfo, tvbuff_t *frame, gboolean non_esp_marker, ike_bytes_t *msg)
{
    tvbuff_t *whole = compat_data_source_tvb(pinfo, REASSEMBLED_MESSAGE);
    if (whole) {
        *msg = bytes_of(whole, 0);
        return msg->captured > 0;
    }
    tvbuff_t *candidates[G_N_ELEMENTS(reassembled_datagrams) + 1];
    unsigned n = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(reassembled_datagrams); i++)
        if ((candidates[n] = compat_data_source_tvb(pinfo, reassembled_datagrams[i])))
            n++;
    candidates[n++] = frame;
    for (unsigned i = 0; i < n; i++) {
        ike_bytes_t datagram = bytes_of(candidates[i], 0);
        long at = datagram.captured ? ike_find_message(&datagram, (uint16_t)pinfo->srcport,
                                                       (uint16_t)pinfo->destport, non_esp_marker)
                                    : -1;
        if (at >= 0) {
            *msg = bytes_of(candidates[i], (guint)at);
            return TRUE;
        }
    }
    return FALSE;
}

static void copy_endpoint(ike_endpoint_t *ep, const address *addr, guint32 port)
{
    memset(ep, 0, sizeof *ep);
    ep->port = (uint16_t)port;
    if (addr->type == AT_IPv4 && addr->len == 4) {
        ep->family = 4;
        memcpy(ep->addr, addr->data, 4);
    } else if (addr->type == AT_IPv6 && addr->len == 16) {
        ep->family = 6;
        memcpy(ep->addr, addr->data, 16);
    }
}

/* The payloads: in clear after the header, or in the body the dissector decrypted. */
static void read_body(packet_info *pinfo, const ike_bytes_t *message, ike_msg_t *msg)
{
    if (msg->flags & IKE_FLAG_ENCRYPTED) {
        tvbuff_t *decrypted = compat_data_source_tvb(pinfo, DECRYPTED_BODY);
        if (!decrypted)
            return;
        ike_bytes_t body = bytes_of(decrypted, 0);
        ike_parse_body(&body, msg);
        msg->decrypted = TRUE;
        /* A wrong key or a resend (its IV is stale) decrypts to garbage: trust nothing
         * read inside an encrypted body that does not parse. */
        if (msg->malformed) {
            msg->payloads = 0;
            msg->n_notify = 0;
            msg->n_transforms = msg->n_transforms_total = 0;
            msg->n_nat_d = 0;
            msg->decrypted = FALSE;
        }
        return;
    }
    ike_bytes_t body = { message->data + IKE_HEADER_SIZE, message->captured - IKE_HEADER_SIZE,
                         message->reported - IKE_HEADER_SIZE };
    size_t declared = msg->length > IKE_HEADER_SIZE ? msg->length - IKE_HEADER_SIZE : 0;
    if (declared > body.reported) {
        msg->malformed = TRUE; /* the header's length overruns the datagram: like the */
        return; /* dissector, read no payload of a message that lies about its size */
    }
    body.reported = declared;
    body.captured = MIN(body.captured, declared);
    ike_parse_body(&body, msg);
}

/* IKEv2: the clear payload chain after the header, then, when the dissector decrypted
 * the SK payload (keys in ikev2_decryption_table), the chain inside it. */
static void read_body_v2(packet_info *pinfo, const ike_bytes_t *message, ike_msg_t *msg)
{
    tvbuff_t *decrypted;
    size_t declared = msg->length > IKE_HEADER_SIZE ? msg->length - IKE_HEADER_SIZE : 0;
    ike_bytes_t body = { message->data + IKE_HEADER_SIZE, message->captured - IKE_HEADER_SIZE,
                         message->reported - IKE_HEADER_SIZE };
    if (declared > body.reported) {
        msg->malformed = TRUE;
        return;
    }
    body.reported = declared;
    body.captured = MIN(body.captured, declared);
    unsigned inner = ike2_parse_body(&body, msg->next_payload, msg);
    tvbuff_t *reassembled = ike2_msg_has(msg, IKE2_PL_SKF) ? compat_data_source_tvb(pinfo, REASSEMBLED_BODY_V2) : NULL;
    if (reassembled) { /* the last fragment, with keys: the whole message's payloads */
        inner = IKE2_FIRST_TYPE_UNKNOWN;
        decrypted = reassembled;
    } else {
        decrypted = inner ? compat_data_source_tvb(pinfo, DECRYPTED_BODY_V2) : NULL;
    }
    if (!decrypted)
        return;
    ike_msg_t clear = *msg;
    ike_bytes_t plain = bytes_of(decrypted, 0);
    ike2_parse_body(&plain, inner, msg);
    msg->decrypted = !msg->malformed;
    if (msg->malformed) /* a wrong key: trust nothing read inside */
        *msg = clear;
}

/* An ICMP error quoting an IKE message: the quoted packet's endpoints and message,
 * read from the frame (pinfo holds the outer ones from Wireshark 4.4 on). */
static gboolean find_quoted(tvbuff_t *frame, ike_msg_t *msg, ike_bytes_t *message)
{
    ike_bytes_t bytes = bytes_of(frame, 0);
    long at = bytes.captured ? ike_find_quoted_message(&bytes, &msg->src, &msg->dst) : -1;
    if (at < 0)
        return FALSE;
    *message = bytes_of(frame, (guint)at);
    return TRUE;
}

gboolean extract_message(packet_info *pinfo, tvbuff_t *tvb, ike_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
    msg->in_icmp_error = frame_has_layer(pinfo, proto_icmp) || frame_has_layer(pinfo, proto_icmpv6);
    gboolean nat_t = frame_has_layer(pinfo, proto_udpencap);
    ike_bytes_t message;
    if (msg->in_icmp_error) {
        if (!find_quoted(tvb, msg, &message))
            return FALSE;
    } else {
        if (pinfo->ptype != PT_UDP)
            return FALSE; /* ISAKMP on TCP (RFC 8229 is IKEv2's) is not analysed */
        if (!find_message(pinfo, tvb, nat_t, &message))
            return FALSE;
        copy_endpoint(&msg->src, &pinfo->src, pinfo->srcport);
        copy_endpoint(&msg->dst, &pinfo->dst, pinfo->destport);
    }
    if (!ike_parse_header(&message, msg))
        return FALSE; /* shorter than a header: a keepalive or garbage */
    if (msg->major_version != 1 && msg->major_version != 2)
        return FALSE; /* garbage: the dissector reads no exchange type either */

    msg->frame = pinfo->num;
    msg->time = nstime_to_sec(&pinfo->abs_ts);
    msg->nat_t = nat_t;
    if (msg->major_version == 1)
        read_body(pinfo, &message, msg);
    else if (!msg->in_icmp_error)
        read_body_v2(pinfo, &message, msg);
    msg->ip_fragmented = compat_data_source_tvb(pinfo, reassembled_datagrams[0]) != NULL
        || compat_data_source_tvb(pinfo, reassembled_datagrams[1]) != NULL;
    size_t digested = msg->length >= IKE_HEADER_SIZE ? MIN(message.captured, msg->length) : message.captured;
    msg->digest = ike_digest(message.data, (unsigned)digested);
    return TRUE;
}

/* The ESP dissector keeps the SPI and sequence number in its fields; reading them would
 * cost a tree on every frame (core/ike_parse.h), so the 8 header bytes are read here, behind
 * the IP header the frame's addresses name. */
gboolean extract_esp(packet_info *pinfo, tvbuff_t *tvb, ike_esp_msg_t *esp)
{
    gboolean in_udp = pinfo->ptype == PT_UDP;
    copy_endpoint(&esp->src, &pinfo->src, in_udp ? pinfo->srcport : 0);
    copy_endpoint(&esp->dst, &pinfo->dst, in_udp ? pinfo->destport : 0);
    if (!esp->src.family || esp->src.family != esp->dst.family)
        return FALSE;
    /* the captured bytes only: the ESP header is read or not, its length comes from IP */
    guint captured = tvb_captured_length(tvb);
    ike_bytes_t frame = { captured ? tvb_get_ptr(tvb, 0, (gint)captured) : NULL, captured, captured };
    if (!captured || !ike_find_esp(&frame, in_udp, esp))
        return FALSE;
    esp->frame = pinfo->num;
    esp->time = (double)pinfo->abs_ts.secs + pinfo->abs_ts.nsecs / 1e9;
    return TRUE;
}
