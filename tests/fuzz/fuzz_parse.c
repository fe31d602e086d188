/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_parse.c: libFuzzer target for ike_parse.c on raw bytes.
 *
 * The input is 4 control bytes, then a "datagram" (a frame from its link layer on, a
 * reassembled IP payload, or a decrypted body: whatever the fuzzer makes of it):
 *
 *   0  bit 0: source port 4500 (else 500), bit 1: destination port 4500 (else 500),
 *      bit 2: non-ESP marker expected, bit 3: raw ports instead (source = bytes 1-2,
 *      destination = bytes 2-1), bits 4-7: exchange type of the body read on its own
 *   1  next payload of the body read on its own
 *   2  (raw ports only)
 *   3  snaplen: bit 7 clear, everything captured; set, only (bits 0-6)/128 of it
 *
 * What runs: ike_find_message on the datagram; if found, ike_parse_header there and
 * ike_parse_body on the body after the header, cut to the header's length as the glue
 * does; then ike_parse_body on the whole datagram as if it were a decrypted body, both
 * on the captured bytes and on all of them.  Each call sees a malloc'd copy of exactly
 * the captured bytes, so AddressSanitizer reports any read past them.  Beyond crashes
 * and sanitizer reports, the target checks what the parser promises: the counts stay
 * within their arrays, a found message lies behind a UDP header with the ports asked
 * for, and a shorter capture never makes a body malformed nor shows more than the whole.
 * Seeds: tests/fuzz/corpus-parse/ (make_parse_seeds.py, real frames from test-pcaps/).
 */
#include "ike_parse.h"
#include "proposal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTROL_SIZE 4

static const uint8_t exchange_types[16] = {
    IKE_XCHG_MAIN, IKE_XCHG_AGGRESSIVE, IKE_XCHG_QUICK, IKE_XCHG_INFORMATIONAL, IKE_XCHG_TRANSACTION,
    IKE_XCHG_BASE, IKE_XCHG_AUTH_ONLY, IKE_XCHG_NEW_GROUP, IKE_XCHG_MAIN, IKE_XCHG_QUICK,
    IKE_XCHG_MAIN, IKE_XCHG_QUICK, 0, 34, 255, IKE_XCHG_AGGRESSIVE,
};

static void check(int ok)
{
    if (!ok)
        abort(); /* a broken promise: libFuzzer keeps the input as a crash */
}

static void check_msg(const ike_msg_t *m)
{
    check(m->n_notify <= IKE_MSG_MAX_NOTIFY);
    check(m->n_transforms <= IKE_MSG_MAX_TRANSFORMS);
    check(m->n_transforms <= m->n_transforms_total);
    check(m->n_nat_d <= IKE_MSG_MAX_NAT_D);
    for (unsigned i = 0; i < m->n_nat_d; i++)
        check(m->nat_d_len[i] >= 1 && m->nat_d_len[i] <= IKE_NAT_D_MAX_LEN);
    check((m->payloads & 1u) == 0); /* payload type 0 ends the chain, it is never one */
    check(m->n_proxy_ids <= 2);
    for (unsigned i = 0; i < m->n_proxy_ids; i++)
        check(m->proxy_ids[i].len <= IKE_PROXY_ID_MAX_DATA);
    char text[256]; /* proxy IDs of any bytes are worded within the buffer */
    ike_format_proxy_ids(m->proxy_ids, m->n_proxy_ids, text, sizeof text);
    check(strlen(text) < sizeof text);
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* The body read on its own from `data`: `captured` of `reported` bytes. */
static void body_alone(const uint8_t *data, size_t captured, size_t reported, uint8_t next, uint8_t exchange,
                       ike_msg_t *m)
{
    memset(m, 0, sizeof *m);
    m->next_payload = next;
    m->exchange_type = exchange;
    ike_bytes_t body = { data, captured, reported };
    ike_parse_body(&body, m);
    check_msg(m);
    /* the same bytes as an IKEv2 chain (RFC 7296 section 3.2), from the same first type */
    memset(m, 0, sizeof *m);
    m->major_version = 2;
    unsigned inner = ike2_parse_body(&body, next, m);
    check_msg(m);
    check(inner < 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    if (size < CONTROL_SIZE)
        return 0;
    const uint8_t *control = input;
    size_t reported = size - CONTROL_SIZE;
    size_t captured = control[3] & 0x80 ? reported * (control[3] & 0x7f) / 128 : reported;
    bool marker = control[0] & 0x04;
    uint16_t src = control[0] & 0x01 ? 4500 : 500, dst = control[0] & 0x02 ? 4500 : 500;
    if (control[0] & 0x08) {
        src = (uint16_t)(control[1] << 8 | control[2]);
        dst = (uint16_t)(control[2] << 8 | control[1]);
    }
    uint8_t exchange = exchange_types[control[0] >> 4], next = control[1];

    /* exactly the captured bytes, and all of them: reads past either are reported */
    uint8_t *cut = malloc(captured), *whole = malloc(reported);
    if ((!cut && captured) || (!whole && reported)) {
        free(cut);
        free(whole);
        return 0;
    }
    if (captured)
        memcpy(cut, input + CONTROL_SIZE, captured);
    if (reported)
        memcpy(whole, input + CONTROL_SIZE, reported);

    ike_bytes_t datagram = { cut, captured, reported };
    long at = ike_find_message(&datagram, src, dst, marker);
    check(at >= -1);
    if (at >= 0) {
        size_t before = 8 + (marker ? IKE_NON_ESP_MARKER_SIZE : 0);
        size_t m_at = (size_t)at;
        check(m_at >= before && m_at + IKE_HEADER_SIZE <= captured);
        check(be16(cut + m_at - before) == src && be16(cut + m_at - before + 2) == dst);
        if (marker)
            check(memcmp(cut + m_at - IKE_NON_ESP_MARKER_SIZE, "\0\0\0\0", 4) == 0);

        ike_msg_t m;
        memset(&m, 0, sizeof m);
        ike_bytes_t message = { cut + m_at, captured - m_at, reported - m_at };
        check(ike_parse_header(&message, &m));
        ike_bytes_t body = { message.data + IKE_HEADER_SIZE, message.captured - IKE_HEADER_SIZE,
                             message.reported - IKE_HEADER_SIZE };
        size_t declared = m.length > IKE_HEADER_SIZE ? m.length - IKE_HEADER_SIZE : 0;
        if (declared <= body.reported) { /* as the glue: no payload of a lying header */
            body.reported = declared;
            if (body.captured > declared)
                body.captured = declared;
            ike_parse_body(&body, &m);
            check_msg(&m);
        }
    }

    /* the header alone, wherever the datagram starts */
    ike_msg_t h;
    memset(&h, 0, sizeof h);
    check(ike_parse_header(&datagram, &h) == (captured >= IKE_HEADER_SIZE));

    /* the datagram as a decrypted body: a snaplen cut may end the walk early, never
     * make it malformed, and never show what the whole does not */
    ike_msg_t c, w;
    body_alone(cut, captured, reported, next, exchange, &c);
    body_alone(whole, reported, reported, next, exchange, &w);
    check(!c.malformed || w.malformed);
    check((c.payloads & ~w.payloads) == 0);
    check(c.n_notify <= w.n_notify);
    check(memcmp(c.notify, w.notify, c.n_notify * sizeof c.notify[0]) == 0);
    check(c.n_transforms <= w.n_transforms && c.n_transforms_total <= w.n_transforms_total);
    check(memcmp(c.transforms, w.transforms, c.n_transforms * sizeof c.transforms[0]) == 0);
    check(c.n_nat_d <= w.n_nat_d);
    for (unsigned i = 0; i < c.n_nat_d; i++)
        check(c.nat_d_len[i] == w.nat_d_len[i] && memcmp(c.nat_d[i], w.nat_d[i], c.nat_d_len[i]) == 0);

    free(cut);
    free(whole);
    return 0;
}
