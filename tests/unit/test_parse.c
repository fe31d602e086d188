/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_parse.c: ike_parse.c on messages built byte by byte (RFC 2408 section 3).
 *
 * Every message here is written field by field, big-endian, by the small builders
 * below; lengths are patched once a payload is complete.  The parser always reads a
 * copy of exactly `captured` bytes, so the sanitizer build catches any read past it.
 */
#include "ike_msg.h"
#include "ike_parse.h"

#include <glib.h>
#include <string.h>

/* ---- builders: big-endian fields appended to a GByteArray ---- */

static void put8(GByteArray *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    g_byte_array_append(b, &x, 1);
}

static void put16(GByteArray *b, unsigned v)
{
    put8(b, v >> 8 & 0xff);
    put8(b, v & 0xff);
}

static void put32(GByteArray *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}

static void put64(GByteArray *b, uint64_t v)
{
    put32(b, (uint32_t)(v >> 32));
    put32(b, (uint32_t)v);
}

static void put_bytes(GByteArray *b, const uint8_t *bytes, size_t n)
{
    g_byte_array_append(b, bytes, (guint)n);
}

/* n bytes of a pattern that is not zero and reads as no payload type ikediag knows */
static void put_filler(GByteArray *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        put8(b, (uint8_t)(0xa0 | ((seed + i) & 0x0f)));
}

static void set16(GByteArray *b, size_t at, unsigned v)
{
    b->data[at] = (uint8_t)(v >> 8);
    b->data[at + 1] = (uint8_t)v;
}

static void set32(GByteArray *b, size_t at, uint32_t v)
{
    set16(b, at, v >> 16);
    set16(b, at + 2, v & 0xffff);
}

/* The ISAKMP header (RFC 2408 3.1); end_message() fills its length field. */
static size_t header(GByteArray *b, uint64_t icookie, uint64_t rcookie, unsigned next, unsigned version,
                     unsigned exchange, unsigned flags, uint32_t message_id)
{
    size_t at = b->len;
    put64(b, icookie);
    put64(b, rcookie);
    put8(b, next);
    put8(b, version);
    put8(b, exchange);
    put8(b, flags);
    put32(b, message_id);
    put32(b, 0);
    return at;
}

static void end_message(GByteArray *b, size_t at)
{
    set32(b, at + 24, (uint32_t)(b->len - at));
}

/* A generic payload header (RFC 2408 3.2): next payload, reserved, length; proposals
 * and transforms start the same way.  end_payload() fills the length. */
static size_t begin_payload(GByteArray *b, unsigned next)
{
    size_t at = b->len;
    put8(b, next);
    put8(b, 0);
    put16(b, 0);
    return at;
}

static void end_payload(GByteArray *b, size_t at)
{
    set16(b, at + 2, (unsigned)(b->len - at));
}

/* A payload ikediag reads only the kind of (KE, nonce, VID, hash...). */
static void opaque(GByteArray *b, unsigned next, size_t data_len)
{
    size_t at = begin_payload(b, next);
    put_filler(b, data_len, (uint8_t)data_len);
    end_payload(b, at);
}

/* SA (3.4) with the IPsec DOI and situation SIT_IDENTITY_ONLY (RFC 2407 4.6.1). */
static size_t begin_sa(GByteArray *b, unsigned next)
{
    size_t at = begin_payload(b, next);
    put32(b, 1);
    put32(b, 1);
    return at;
}

/* Proposal (3.5): next is 2 while more proposals follow, else 0. */
static size_t begin_proposal(GByteArray *b, unsigned next, unsigned number, unsigned protocol, unsigned spi_size,
                             unsigned n_transforms)
{
    size_t at = begin_payload(b, next);
    put8(b, number);
    put8(b, protocol);
    put8(b, spi_size);
    put8(b, n_transforms);
    for (unsigned i = 0; i < spi_size; i++)
        put8(b, 0xc0 + i);
    return at;
}

/* Transform (3.6): next is 3 while more transforms follow, else 0. */
static size_t begin_transform(GByteArray *b, unsigned next, unsigned number, unsigned transform_id)
{
    size_t at = begin_payload(b, next);
    put8(b, number);
    put8(b, transform_id);
    put16(b, 0);
    return at;
}

/* Data attributes (3.3): TV (AF bit set, the value in the length field) and TLV. */
static void attr_tv(GByteArray *b, unsigned type, unsigned value)
{
    put16(b, 0x8000 | type);
    put16(b, value);
}

static void attr_tlv(GByteArray *b, unsigned type, const uint8_t *value, size_t len)
{
    put16(b, type);
    put16(b, (unsigned)len);
    put_bytes(b, value, len);
}

/* A TLV attribute holding `value` in `len` big-endian bytes (len <= 8). */
static void attr_tlv_uint(GByteArray *b, unsigned type, uint64_t value, size_t len)
{
    uint8_t v[8];
    for (size_t i = 0; i < len; i++)
        v[i] = (uint8_t)(value >> (8 * (len - 1 - i)));
    attr_tlv(b, type, v, len);
}

/* Notification (3.14): DOI, protocol ISAKMP, SPI size, notify type, SPI. */
static void notify(GByteArray *b, unsigned next, unsigned code, unsigned spi_size)
{
    size_t at = begin_payload(b, next);
    put32(b, 1);
    put8(b, 1);
    put8(b, spi_size);
    put16(b, code);
    for (unsigned i = 0; i < spi_size; i++)
        put8(b, 0x50 + i);
    end_payload(b, at);
}

/* NAT-D (RFC 3947 3.2), or its draft number 130: the hash right after the header. */
static void nat_d(GByteArray *b, unsigned next, const uint8_t *hash, size_t len)
{
    size_t at = begin_payload(b, next);
    put_bytes(b, hash, len);
    end_payload(b, at);
}

static void hash_bytes(uint8_t *hash, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        hash[i] = (uint8_t)(seed + 7 * i);
}

/* ---- parsing the way the glue does, on an exact-size copy ---- */

static ike_msg_t parse_cut(const GByteArray *b, size_t captured)
{
    g_assert_cmpuint(captured, >=, IKE_HEADER_SIZE);
    g_assert_cmpuint(captured, <=, b->len);
    uint8_t *copy = g_malloc(captured);
    memcpy(copy, b->data, captured);
    ike_msg_t m;
    memset(&m, 0, sizeof m);
    ike_bytes_t whole = { copy, captured, b->len };
    g_assert_true(ike_parse_header(&whole, &m));
    ike_bytes_t body = { copy + IKE_HEADER_SIZE, captured - IKE_HEADER_SIZE, b->len - IKE_HEADER_SIZE };
    ike_parse_body(&body, &m);
    g_free(copy);
    return m;
}

static ike_msg_t parse(const GByteArray *b)
{
    return parse_cut(b, b->len);
}

/* A body alone (a decrypted one), read from `next` in a message of `exchange` type. */
static ike_msg_t parse_body_only(const GByteArray *b, size_t captured, unsigned next, unsigned exchange)
{
    uint8_t *copy = g_malloc(captured ? captured : 1);
    memcpy(copy, b->data, captured);
    ike_msg_t m;
    memset(&m, 0, sizeof m);
    m.next_payload = (uint8_t)next;
    m.exchange_type = (uint8_t)exchange;
    ike_bytes_t body = { copy, captured, b->len };
    ike_parse_body(&body, &m);
    g_free(copy);
    return m;
}

static long find_cut(const GByteArray *f, size_t captured, uint16_t src, uint16_t dst, bool marker)
{
    uint8_t *copy = g_malloc(captured ? captured : 1);
    memcpy(copy, f->data, captured);
    ike_bytes_t d = { copy, captured, f->len };
    long at = ike_find_message(&d, src, dst, marker);
    g_free(copy);
    return at;
}

static long find(const GByteArray *f, uint16_t src, uint16_t dst, bool marker)
{
    return find_cut(f, f->len, src, dst, marker);
}

#define PL(t) IKE_PL_BIT(t)

/* ---- header ---- */

static void test_header_fields(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 0x0102030405060708ull, 0xf1e2d3c4b5a69788ull, IKE_PL_HASH, 0x10, IKE_XCHG_QUICK,
                      IKE_FLAG_ENCRYPTED | IKE_FLAG_AUTH_ONLY, 0xdeadbeef);
    put_filler(b, 36, 1); /* an encrypted body */
    end_message(b, h);

    ike_msg_t m;
    memset(&m, 0, sizeof m);
    ike_bytes_t bytes = { b->data, b->len, b->len };
    g_assert_true(ike_parse_header(&bytes, &m));
    g_assert_cmphex(m.icookie, ==, 0x0102030405060708ull);
    g_assert_cmphex(m.rcookie, ==, 0xf1e2d3c4b5a69788ull);
    g_assert_cmpuint(m.next_payload, ==, IKE_PL_HASH);
    g_assert_cmpuint(m.major_version, ==, 1);
    g_assert_cmpuint(m.exchange_type, ==, IKE_XCHG_QUICK);
    g_assert_cmphex(m.flags, ==, IKE_FLAG_ENCRYPTED | IKE_FLAG_AUTH_ONLY);
    g_assert_cmphex(m.message_id, ==, 0xdeadbeef);
    g_assert_cmpuint(m.length, ==, 64);

    /* the major version is the high nibble: 0x21 is IKEv2's 2.1, not 33 or 1 */
    b->data[17] = 0x21;
    b->data[16] = 130; /* header next payload kept raw, not folded */
    set32(b, 24, 0x80000001u);
    g_assert_true(ike_parse_header(&bytes, &m));
    g_assert_cmpuint(m.major_version, ==, 2);
    g_assert_cmpuint(m.next_payload, ==, 130);
    g_assert_cmphex(m.length, ==, 0x80000001u);
    g_byte_array_unref(b);
}

static void test_header_needs_28_captured_bytes(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    opaque(b, 0, 20);
    end_message(b, h);

    for (size_t captured = 0; captured < IKE_HEADER_SIZE; captured++) {
        uint8_t *copy = g_malloc(captured ? captured : 1);
        memcpy(copy, b->data, captured);
        ike_msg_t m;
        memset(&m, 0, sizeof m);
        ike_bytes_t bytes = { copy, captured, b->len }; /* reported is long enough: no matter */
        g_assert_false(ike_parse_header(&bytes, &m));
        g_free(copy);
    }
    ike_msg_t m = parse_cut(b, IKE_HEADER_SIZE); /* exactly a header: fine */
    g_assert_cmpuint(m.icookie, ==, 1);
    g_assert_cmpuint(m.rcookie, ==, 2);
    g_assert_cmpuint(m.length, ==, b->len);
    g_assert_false(m.malformed);
    g_assert_cmpuint(m.payloads, ==, 0);

    ike_bytes_t none = { NULL, 0, 0 };
    g_assert_false(ike_parse_header(&none, &m));
    g_byte_array_unref(b);
}

/* ---- payload kinds ---- */

static void test_payload_kinds(void)
{
    uint8_t hash[20];
    hash_bytes(hash, sizeof hash, 0x31);
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    size_t sa = begin_sa(b, IKE_PL_KE); /* an SA without proposals */
    end_payload(b, sa);
    opaque(b, IKE_PL_NONCE, 128);
    opaque(b, IKE_PL_VID, 32);
    opaque(b, 130, 16);
    nat_d(b, 132, hash, sizeof hash); /* the draft NAT-D */
    opaque(b, 200, 40); /* a fragment */
    opaque(b, 77, 5); /* unknown types >= 32 */
    opaque(b, 255, 0);
    opaque(b, IKE_PL_HASH, 3);
    opaque(b, 0, 20);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==,
                    PL(IKE_PL_SA) | PL(IKE_PL_KE) | PL(IKE_PL_NONCE) | PL(IKE_PL_VID) | PL(IKE_PL_NAT_D) |
                        PL(IKE_PL_FRAGMENT) | PL(IKE_PL_HASH));
    g_assert_true(ike_msg_has(&m, IKE_PL_NAT_D));
    g_assert_true(ike_msg_has(&m, IKE_PL_FRAGMENT));
    g_assert_false(ike_msg_has(&m, IKE_PL_NAT_OA));
    /* the draft NAT-D is read as RFC 3947's */
    g_assert_cmpuint(m.n_nat_d, ==, 1);
    g_assert_cmpuint(m.nat_d_len[0], ==, sizeof hash);
    g_assert_cmpmem(m.nat_d[0], m.nat_d_len[0], hash, sizeof hash);
    g_assert_cmpuint(m.n_transforms, ==, 0);
    g_byte_array_unref(b);
}

static void test_unassigned_31_is_not_a_fragment(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_HASH, 0x10, IKE_XCHG_MAIN, 0, 0);
    opaque(b, 31, 8); /* payload number 31 is unassigned; the fragment bit is 132's */
    opaque(b, 0, 8);
    end_message(b, h);
    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_HASH));
    g_assert_false(ike_msg_has(&m, IKE_PL_FRAGMENT));
    g_byte_array_unref(b);
}

/* An identification payload (RFC 2407 4.6.2): ID type, protocol, port, data. */
static void id_payload(GByteArray *b, unsigned next, unsigned type, unsigned protocol, unsigned port,
                       const uint8_t *data, size_t len)
{
    size_t at = begin_payload(b, next);
    put8(b, type);
    put8(b, protocol);
    put16(b, port);
    put_bytes(b, data, len);
    end_payload(b, at);
}

/* A decrypted QM#1 (RFC 2409 5.5): HASH(1), SA, Nonce, IDci, IDcr. */
static void test_quick_mode_proxy_ids(void)
{
    static const uint8_t ci[8] = { 192, 0, 2, 0, 255, 255, 255, 240 };
    static const uint8_t cr[4] = { 198, 51, 100, 7 };
    static const uint8_t third[8] = { 203, 0, 113, 0, 255, 255, 255, 0 };
    GByteArray *b = g_byte_array_new();
    opaque(b, IKE_PL_NONCE, 20); /* HASH(1) */
    opaque(b, IKE_PL_ID, 16);
    id_payload(b, IKE_PL_ID, IKE_ID_IPV4_ADDR_SUBNET, 0, 0, ci, sizeof ci);
    id_payload(b, IKE_PL_ID, IKE_ID_IPV4_ADDR, 17, 500, cr, sizeof cr);
    id_payload(b, 0, IKE_ID_IPV4_ADDR_SUBNET, 0, 0, third, sizeof third); /* a third is ignored */
    ike_msg_t m = parse_body_only(b, b->len, IKE_PL_HASH, IKE_XCHG_QUICK);
    g_assert_false(m.malformed);
    g_assert_cmpuint(m.n_proxy_ids, ==, 2);
    g_assert_cmpuint(m.proxy_ids[0].type, ==, IKE_ID_IPV4_ADDR_SUBNET);
    g_assert_cmpuint(m.proxy_ids[0].protocol, ==, 0);
    g_assert_cmpmem(m.proxy_ids[0].data, m.proxy_ids[0].len, ci, sizeof ci);
    g_assert_cmpuint(m.proxy_ids[1].type, ==, IKE_ID_IPV4_ADDR);
    g_assert_cmpuint(m.proxy_ids[1].protocol, ==, 17);
    g_assert_cmpuint(m.proxy_ids[1].port, ==, 500);
    g_assert_cmpmem(m.proxy_ids[1].data, m.proxy_ids[1].len, cr, sizeof cr);

    /* the same payloads in Main Mode are the peers' identities (MM#5), not proxy IDs */
    ike_msg_t mm = parse_body_only(b, b->len, IKE_PL_HASH, IKE_XCHG_MAIN);
    g_assert_true(ike_msg_has(&mm, IKE_PL_ID));
    g_assert_cmpuint(mm.n_proxy_ids, ==, 0);
    g_byte_array_unref(b);
}

static void test_payload_kinds_from_header_next(void)
{
    /* the walk starts from the header's next payload, folded the same way */
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, 132, 0x10, IKE_XCHG_MAIN, 0, 0);
    opaque(b, 0, 100);
    end_message(b, h);
    ike_msg_t m = parse(b);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_FRAGMENT));
    g_assert_false(m.malformed);

    b->data[16] = 0; /* none: nothing read, even with bytes after the header */
    m = parse(b);
    g_assert_cmphex(m.payloads, ==, 0);
    g_assert_false(m.malformed);

    b->data[16] = 99; /* unknown: walked, nothing kept */
    m = parse(b);
    g_assert_cmphex(m.payloads, ==, 0);
    g_assert_false(m.malformed);
    g_byte_array_unref(b);
}

/* ---- notify ---- */

static void test_notify_codes(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_HASH, 0x10, IKE_XCHG_INFORMATIONAL, 0, 0x12345678);
    opaque(b, IKE_PL_NOTIFY, 20);
    notify(b, IKE_PL_NOTIFY, IKE_N_NO_PROPOSAL_CHOSEN, 0);
    notify(b, IKE_PL_DELETE, IKE_N_INITIAL_CONTACT, 16); /* with the cookies as SPI */
    opaque(b, IKE_PL_NOTIFY, 16);
    notify(b, IKE_PL_NOTIFY, IKE_N_R_U_THERE_ACK, 16); /* 0x8d29: above 0x7fff */
    notify(b, IKE_PL_NOTIFY, IKE_N_AUTHENTICATION_FAILED, 0);
    notify(b, 0, IKE_N_PAYLOAD_MALFORMED, 0); /* a fifth: past IKE_MSG_MAX_NOTIFY */
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_HASH) | PL(IKE_PL_NOTIFY) | PL(IKE_PL_DELETE));
    g_assert_cmpuint(m.n_notify, ==, IKE_MSG_MAX_NOTIFY);
    g_assert_cmpuint(m.notify[0], ==, IKE_N_NO_PROPOSAL_CHOSEN);
    g_assert_cmpuint(m.notify[1], ==, IKE_N_INITIAL_CONTACT);
    g_assert_cmpuint(m.notify[2], ==, IKE_N_R_U_THERE_ACK);
    g_assert_cmpuint(m.notify[3], ==, IKE_N_AUTHENTICATION_FAILED);
    g_byte_array_unref(b);
}

/* An Attributes payload (draft-dukes-ike-mode-cfg-02 3.2): type, reserved, identifier,
 * then attributes in RFC 2408 3.3 format. */
static size_t begin_cfg(GByteArray *b, unsigned next, unsigned cfg_type)
{
    size_t at = begin_payload(b, next);
    put8(b, cfg_type);
    put8(b, 0);
    put16(b, 0);
    return at;
}

static ike_msg_t parse_cfg(unsigned cfg_type, bool tv, unsigned status)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_HASH, 0x10, IKE_XCHG_TRANSACTION, 0, 0x7001);
    opaque(b, IKE_PL_ATTR, 20);
    size_t at = begin_cfg(b, 0, cfg_type);
    put16(b, 16521); /* XAUTH_USER_NAME, TLV, 3 bytes: the status is found behind it */
    put16(b, 3);
    put_filler(b, 3, 1);
    if (tv) {
        put16(b, 0x8000 | IKE_ATTR_XAUTH_STATUS);
        put16(b, status);
    } else {
        put16(b, IKE_ATTR_XAUTH_STATUS);
        put16(b, 0); /* an ACK's empty TLV: no status */
    }
    end_payload(b, at);
    end_message(b, h);
    ike_msg_t m = parse(b);
    g_byte_array_unref(b);
    return m;
}

static void test_xauth_status(void)
{
    ike_msg_t fail = parse_cfg(IKE_CFG_SET, true, 0);
    g_assert_false(fail.malformed);
    g_assert_cmpuint(fail.cfg_type, ==, IKE_CFG_SET);
    g_assert_cmpuint(fail.xauth_status, ==, IKE_XAUTH_FAIL);
    ike_msg_t ok = parse_cfg(IKE_CFG_SET, true, 1);
    g_assert_cmpuint(ok.xauth_status, ==, IKE_XAUTH_OK);
    ike_msg_t ack = parse_cfg(IKE_CFG_ACK, false, 0);
    g_assert_cmpuint(ack.cfg_type, ==, IKE_CFG_ACK);
    g_assert_cmpuint(ack.xauth_status, ==, IKE_XAUTH_NOT_SEEN);
}

static void test_notify_too_short_for_a_type(void)
{
    /* a notify payload that ends before its type field: its kind, no code */
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_NOTIFY, 0x10, IKE_XCHG_INFORMATIONAL, 0, 0);
    size_t n = begin_payload(b, IKE_PL_NOTIFY);
    put32(b, 1); /* DOI */
    put8(b, 1); /* protocol */
    put8(b, 0); /* SPI size; the type is missing */
    end_payload(b, n);
    notify(b, 0, IKE_N_INVALID_COOKIE, 0);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_NOTIFY));
    g_assert_cmpuint(m.n_notify, ==, 1);
    g_assert_cmpuint(m.notify[0], ==, IKE_N_INVALID_COOKIE);
    g_byte_array_unref(b);
}

/* ---- SA: phase 1 ---- */

/* The phase-1 SA used below: one proposal, three transforms, TV and TLV forms. */
static void phase1_sa(GByteArray *b, unsigned next)
{
    size_t sa = begin_sa(b, next);
    size_t p = begin_proposal(b, 0, 1, 1 /* PROTO_ISAKMP */, 0, 3);

    size_t t = begin_transform(b, IKE_PL_TRANSFORM, 1, 1 /* KEY_IKE */);
    attr_tv(b, 1, 7); /* AES-CBC */
    attr_tv(b, 14, 256);
    attr_tv(b, 2, 4); /* SHA2-256 */
    attr_tv(b, 5, 1); /* group type MODP: no slot in phase 1 (phase 2's auth algorithm) */
    attr_tv(b, 4, 14);
    attr_tv(b, 3, 1); /* pre-shared key; phase 2 would read it as the PFS group */
    attr_tv(b, 11, 1); /* life type seconds */
    attr_tlv_uint(b, 12, 28800, 4); /* life duration */
    end_payload(b, t);

    t = begin_transform(b, IKE_PL_TRANSFORM, 2, 1);
    attr_tv(b, 1, 5); /* 3DES-CBC */
    attr_tlv_uint(b, 2, 2, 2); /* SHA1, as a 2-byte TLV */
    attr_tlv_uint(b, 4, 2, 4); /* MODP-1024, as a 4-byte TLV */
    attr_tlv_uint(b, 14, 192, 1);
    attr_tv(b, 3, 65001); /* XAUTHInitPreShared */
    end_payload(b, t);

    t = begin_transform(b, 0, 3, 1);
    /* TLVs longer than 4 bytes are ignored and skipped whole: they change nothing set
     * before them, and the bytes inside (here TV attributes group 5, encryption 7) are
     * not read as attributes */
    static const uint8_t inner[8] = { 0x80, 0x04, 0x00, 0x05, 0x80, 0x01, 0x00, 0x07 };
    attr_tv(b, 1, 6);
    attr_tlv(b, 1, inner, sizeof inner);
    attr_tv(b, 2, 2);
    attr_tlv_uint(b, 2, 1, 5);
    attr_tv(b, 4, 19);
    end_payload(b, t);

    end_payload(b, p);
    end_payload(b, sa);
}

static void check_phase1_sa(const ike_msg_t *m)
{
    g_assert_cmpuint(m->n_transforms, ==, 3);
    g_assert_cmpuint(m->n_transforms_total, ==, 3);
    const ike_transform_t *t = m->transforms;
    g_assert_cmpuint(t[0].encryption, ==, 7);
    g_assert_cmpuint(t[0].key_length, ==, 256);
    g_assert_cmpuint(t[0].hash, ==, 4);
    g_assert_cmpuint(t[0].group, ==, 14);
    g_assert_cmpuint(t[0].auth_method, ==, 1);
    g_assert_cmpuint(t[0].encap_mode, ==, 0);

    g_assert_cmpuint(t[1].encryption, ==, 5);
    g_assert_cmpuint(t[1].hash, ==, 2);
    g_assert_cmpuint(t[1].group, ==, 2);
    g_assert_cmpuint(t[1].key_length, ==, 192);
    g_assert_cmpuint(t[1].auth_method, ==, 65001);

    g_assert_cmpuint(t[2].encryption, ==, 6);
    g_assert_cmpuint(t[2].key_length, ==, 0);
    g_assert_cmpuint(t[2].hash, ==, 2);
    g_assert_cmpuint(t[2].group, ==, 19);
    g_assert_cmpuint(t[2].auth_method, ==, 0);
}

static void test_phase1_transforms_main_mode(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 0, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    phase1_sa(b, IKE_PL_VID);
    opaque(b, 0, 16);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_SA) | PL(IKE_PL_VID));
    check_phase1_sa(&m);
    g_byte_array_unref(b);
}

static void test_phase1_transforms_aggressive_mode(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 0, IKE_PL_SA, 0x10, IKE_XCHG_AGGRESSIVE, 0, 0);
    phase1_sa(b, IKE_PL_KE);
    opaque(b, IKE_PL_NONCE, 128);
    opaque(b, IKE_PL_ID, 8);
    opaque(b, 0, 20);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_SA) | PL(IKE_PL_KE) | PL(IKE_PL_NONCE) | PL(IKE_PL_ID));
    check_phase1_sa(&m);
    g_byte_array_unref(b);
}

static void test_no_transforms_outside_main_aggressive_quick(void)
{
    static const unsigned others[] = { IKE_XCHG_INFORMATIONAL, IKE_XCHG_TRANSACTION, IKE_XCHG_BASE,
                                       IKE_XCHG_NEW_GROUP, 0 };
    for (unsigned i = 0; i < G_N_ELEMENTS(others); i++) {
        GByteArray *b = g_byte_array_new();
        size_t h = header(b, 1, 2, IKE_PL_SA, 0x10, others[i], 0, 7);
        phase1_sa(b, IKE_PL_NOTIFY);
        notify(b, 0, IKE_N_NO_PROPOSAL_CHOSEN, 0);
        end_message(b, h);
        ike_msg_t m = parse(b);
        g_assert_false(m.malformed);
        g_assert_cmphex(m.payloads, ==, PL(IKE_PL_SA) | PL(IKE_PL_NOTIFY));
        g_assert_cmpuint(m.n_transforms, ==, 0);
        g_assert_cmpuint(m.n_transforms_total, ==, 0);
        g_assert_cmpuint(m.n_notify, ==, 1); /* the walk went on past the SA */
        g_byte_array_unref(b);
    }
}

/* ---- SA: phase 2 ---- */

static void test_phase2_transforms_quick_mode(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_HASH, 0x10, IKE_XCHG_QUICK, 0, 0xa1b2c3d4);
    opaque(b, IKE_PL_SA, 20);
    size_t sa = begin_sa(b, IKE_PL_NONCE);

    size_t p = begin_proposal(b, IKE_PL_PROPOSAL, 1, 3 /* ESP */, 4, 2);
    size_t t = begin_transform(b, IKE_PL_TRANSFORM, 1, 12 /* ESP_AES */);
    attr_tv(b, 1, 1); /* life type: phase 1's encryption slot, not phase 2's */
    attr_tlv_uint(b, 2, 3600, 4); /* life duration */
    attr_tv(b, 4, 61443); /* UDP-Encapsulated-Tunnel (draft) */
    attr_tv(b, 5, 5); /* HMAC-SHA2-256 */
    attr_tv(b, 6, 256);
    attr_tv(b, 3, 14); /* PFS group */
    attr_tv(b, 14, 99); /* phase 1's key length: no slot in phase 2 */
    end_payload(b, t);
    t = begin_transform(b, 0, 2, 3 /* ESP_3DES */);
    attr_tlv_uint(b, 5, 2, 2); /* HMAC-SHA1 as a TLV */
    attr_tlv_uint(b, 4, 1, 1); /* tunnel */
    attr_tv(b, 3, 2);
    end_payload(b, t);
    end_payload(b, p);

    p = begin_proposal(b, 0, 2, 2 /* AH */, 4, 1);
    t = begin_transform(b, 0, 1, 3 /* AH_SHA, RFC 2407 4.4.3 */);
    attr_tv(b, 5, 2);
    attr_tv(b, 4, 2); /* transport */
    end_payload(b, t);
    end_payload(b, p);
    end_payload(b, sa);

    opaque(b, IKE_PL_ID, 12);
    opaque(b, IKE_PL_ID, 12);
    opaque(b, 0, 12);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_HASH) | PL(IKE_PL_SA) | PL(IKE_PL_NONCE) | PL(IKE_PL_ID));
    g_assert_cmpuint(m.n_transforms, ==, 3);
    g_assert_cmpuint(m.n_transforms_total, ==, 3);
    const ike_transform_t *x = m.transforms;
    g_assert_cmpuint(x[0].encryption, ==, 12);
    g_assert_cmpuint(x[0].encap_mode, ==, 61443);
    g_assert_cmpuint(x[0].hash, ==, 5);
    g_assert_cmpuint(x[0].key_length, ==, 256);
    g_assert_cmpuint(x[0].group, ==, 14);
    g_assert_cmpuint(x[0].auth_method, ==, 0);

    g_assert_cmpuint(x[1].encryption, ==, 3);
    g_assert_cmpuint(x[1].hash, ==, 2);
    g_assert_cmpuint(x[1].encap_mode, ==, 1);
    g_assert_cmpuint(x[1].group, ==, 2);
    g_assert_cmpuint(x[1].key_length, ==, 0);

    g_assert_cmpuint(x[0].protocol, ==, 3); /* each transform keeps its proposal's protocol */
    g_assert_cmpuint(x[1].protocol, ==, 3);
    g_assert_cmpuint(x[2].protocol, ==, 2);
    g_assert_cmpuint(x[2].encryption, ==, 3);
    g_assert_cmpuint(x[2].hash, ==, 2);
    g_assert_cmpuint(x[2].encap_mode, ==, 2);
    g_assert_cmpuint(x[2].group, ==, 0);

    /* the same body decrypted, read on its own (the glue's encrypted case) */
    GByteArray *body = g_byte_array_new();
    put_bytes(body, b->data + IKE_HEADER_SIZE, b->len - IKE_HEADER_SIZE);
    put_filler(body, 11, 0); /* padding */
    put8(body, 11); /* pad length */
    ike_msg_t d = parse_body_only(body, body->len, IKE_PL_HASH, IKE_XCHG_QUICK);
    g_assert_false(d.malformed);
    g_assert_cmphex(d.payloads, ==, m.payloads);
    g_assert_cmpuint(d.n_transforms, ==, 3);
    g_assert_cmpmem(d.transforms, sizeof d.transforms[0] * 3, m.transforms, sizeof m.transforms[0] * 3);
    g_byte_array_unref(body);
    g_byte_array_unref(b);
}

static void test_transforms_capped(void)
{
    /* ten transforms over two proposals: eight kept in order, ten counted */
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 0, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    size_t sa = begin_sa(b, IKE_PL_VID);
    unsigned n = 0;
    for (unsigned prop = 1; prop <= 2; prop++) {
        unsigned count = prop == 1 ? 6 : 4;
        size_t p = begin_proposal(b, prop == 1 ? IKE_PL_PROPOSAL : 0, prop, 1, 0, count);
        for (unsigned i = 1; i <= count; i++) {
            n++;
            size_t t = begin_transform(b, i < count ? IKE_PL_TRANSFORM : 0, i, 1);
            attr_tv(b, 1, n);
            attr_tv(b, 4, 100 + n);
            end_payload(b, t);
        }
        end_payload(b, p);
    }
    end_payload(b, sa);
    opaque(b, 0, 16);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_SA) | PL(IKE_PL_VID));
    g_assert_cmpuint(m.n_transforms, ==, IKE_MSG_MAX_TRANSFORMS);
    g_assert_cmpuint(m.n_transforms_total, ==, 10);
    for (unsigned i = 0; i < IKE_MSG_MAX_TRANSFORMS; i++) {
        g_assert_cmpuint(m.transforms[i].encryption, ==, i + 1);
        g_assert_cmpuint(m.transforms[i].group, ==, 101 + i);
    }
    g_byte_array_unref(b);
}

static void test_proposal_with_bad_lengths_reads_what_fits(void)
{
    /* a transform whose length overruns its proposal ends that proposal's transforms;
     * the SA payload itself is sound, so the message is not malformed */
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 0, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    size_t sa = begin_sa(b, IKE_PL_VID);
    size_t p = begin_proposal(b, 0, 1, 1, 0, 2);
    size_t t = begin_transform(b, IKE_PL_TRANSFORM, 1, 1);
    attr_tv(b, 1, 7);
    end_payload(b, t);
    t = begin_transform(b, 0, 2, 1);
    attr_tv(b, 1, 5);
    end_payload(b, t);
    set16(b, t + 2, 200); /* the second transform claims more than the proposal holds */
    end_payload(b, p);
    end_payload(b, sa);
    opaque(b, 0, 16);
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_SA) | PL(IKE_PL_VID));
    g_assert_cmpuint(m.n_transforms, ==, 1);
    g_assert_cmpuint(m.n_transforms_total, ==, 1);
    g_assert_cmpuint(m.transforms[0].encryption, ==, 7);
    g_byte_array_unref(b);

    /* bytes after the last transform (next 0) and after the last proposal (next 0),
     * inside their lengths, that would read as one more of each: not read */
    b = g_byte_array_new();
    h = header(b, 1, 0, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    sa = begin_sa(b, 0);
    p = begin_proposal(b, 0, 1, 1, 0, 1);
    t = begin_transform(b, 0, 1, 1);
    attr_tv(b, 1, 7);
    end_payload(b, t);
    t = begin_transform(b, 0, 2, 1); /* trailing bytes shaped as a transform */
    attr_tv(b, 1, 5);
    end_payload(b, t);
    end_payload(b, p);
    p = begin_proposal(b, 0, 2, 1, 0, 1); /* trailing bytes shaped as a proposal */
    t = begin_transform(b, 0, 1, 1);
    attr_tv(b, 1, 3);
    end_payload(b, t);
    end_payload(b, p);
    end_payload(b, sa);
    end_message(b, h);
    m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmpuint(m.n_transforms, ==, 1);
    g_assert_cmpuint(m.n_transforms_total, ==, 1);
    g_assert_cmpuint(m.transforms[0].encryption, ==, 7);
    g_byte_array_unref(b);
}

/* ---- NAT-D ---- */

static void test_nat_d_hashes(void)
{
    uint8_t h20[20], h32[32], h65[65], h64[64], h16[16];
    hash_bytes(h20, sizeof h20, 1);
    hash_bytes(h32, sizeof h32, 2);
    hash_bytes(h65, sizeof h65, 3);
    hash_bytes(h64, sizeof h64, 4);
    hash_bytes(h16, sizeof h16, 5);
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 2, IKE_PL_KE, 0x10, IKE_XCHG_MAIN, 0, 0);
    opaque(b, IKE_PL_NONCE, 256);
    opaque(b, IKE_PL_NAT_D, 32);
    nat_d(b, IKE_PL_NAT_D, h20, sizeof h20);
    nat_d(b, IKE_PL_NAT_D, h20, 0); /* empty: no hash */
    nat_d(b, IKE_PL_NAT_D, h32, sizeof h32);
    nat_d(b, IKE_PL_NAT_D, h65, sizeof h65); /* over IKE_NAT_D_MAX_LEN: skipped */
    nat_d(b, IKE_PL_NAT_D, h64, sizeof h64);
    nat_d(b, 0, h16, sizeof h16); /* a fourth: past IKE_MSG_MAX_NAT_D */
    end_message(b, h);

    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_KE) | PL(IKE_PL_NONCE) | PL(IKE_PL_NAT_D));
    g_assert_cmpuint(m.n_nat_d, ==, IKE_MSG_MAX_NAT_D);
    g_assert_cmpmem(m.nat_d[0], m.nat_d_len[0], h20, sizeof h20);
    g_assert_cmpmem(m.nat_d[1], m.nat_d_len[1], h32, sizeof h32);
    g_assert_cmpmem(m.nat_d[2], m.nat_d_len[2], h64, sizeof h64);
    /* nothing written past a hash's length */
    for (unsigned i = sizeof h20; i < IKE_NAT_D_MAX_LEN; i++)
        g_assert_cmpuint(m.nat_d[0][i], ==, 0);
    g_byte_array_unref(b);
}

/* ---- malformed and short bodies ---- */

/* MM#1-like: SA (one transform), VID, notify, NAT-D; returns where each payload starts. */
static GByteArray *four_payloads(size_t at[4])
{
    uint8_t hash[20];
    hash_bytes(hash, sizeof hash, 9);
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 1, 0, IKE_PL_SA, 0x10, IKE_XCHG_MAIN, 0, 0);
    at[0] = b->len;
    size_t sa = begin_sa(b, IKE_PL_VID);
    size_t p = begin_proposal(b, 0, 1, 1, 0, 1);
    size_t t = begin_transform(b, 0, 1, 1);
    attr_tv(b, 1, 7);
    end_payload(b, t);
    end_payload(b, p);
    end_payload(b, sa);
    at[1] = b->len;
    opaque(b, IKE_PL_NOTIFY, 16);
    at[2] = b->len;
    notify(b, IKE_PL_NAT_D, IKE_N_INITIAL_CONTACT, 0);
    at[3] = b->len;
    nat_d(b, 0, hash, sizeof hash);
    end_message(b, h);
    return b;
}

static void test_four_payloads_whole(void)
{
    size_t at[4];
    GByteArray *b = four_payloads(at);
    ike_msg_t m = parse(b);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_SA) | PL(IKE_PL_VID) | PL(IKE_PL_NOTIFY) | PL(IKE_PL_NAT_D));
    g_assert_cmpuint(m.n_transforms, ==, 1);
    g_assert_cmpuint(m.n_notify, ==, 1);
    g_assert_cmpuint(m.n_nat_d, ==, 1);
    g_byte_array_unref(b);
}

static void test_malformed_payload_length_under_4(void)
{
    for (unsigned bad = 0; bad < 4; bad++) {
        size_t at[4];
        GByteArray *b = four_payloads(at);
        set16(b, at[2] + 2, bad); /* the notify */
        ike_msg_t m = parse(b);
        g_assert_true(m.malformed);
        /* what came before is kept, nothing after is read */
        g_assert_true(ike_msg_has(&m, IKE_PL_SA));
        g_assert_true(ike_msg_has(&m, IKE_PL_VID));
        g_assert_cmpuint(m.n_transforms, ==, 1);
        g_assert_cmpuint(m.n_notify, ==, 0);
        g_assert_false(ike_msg_has(&m, IKE_PL_NAT_D));
        g_assert_cmpuint(m.n_nat_d, ==, 0);
        g_byte_array_unref(b);
    }
}

static void test_malformed_payload_overruns_reported(void)
{
    size_t at[4];
    GByteArray *b = four_payloads(at);
    set16(b, at[3] + 2, (unsigned)(b->len - at[3] + 1)); /* the last, one byte too long */
    ike_msg_t m = parse(b);
    g_assert_true(m.malformed);
    g_assert_cmpuint(m.n_notify, ==, 1);
    g_assert_cmpuint(m.n_nat_d, ==, 0);
    g_byte_array_unref(b);

    b = four_payloads(at);
    set16(b, at[1] + 2, 0xffff); /* a middle one */
    m = parse(b);
    g_assert_true(m.malformed);
    g_assert_true(ike_msg_has(&m, IKE_PL_SA));
    g_assert_cmpuint(m.n_notify, ==, 0);
    g_byte_array_unref(b);

    /* the overrun counts against `reported` even when the capture stops first */
    b = four_payloads(at);
    set16(b, at[3] + 2, 0x1000);
    m = parse_cut(b, at[3] + 4); /* the NAT-D's generic header captured, nothing more */
    g_assert_true(m.malformed);
    g_byte_array_unref(b);
}

static void test_malformed_chain_runs_past_the_end(void)
{
    /* the last payload names a next one, but the body ends */
    size_t at[4];
    GByteArray *b = four_payloads(at);
    b->data[at[3]] = IKE_PL_VID;
    ike_msg_t m = parse(b);
    g_assert_true(m.malformed);
    g_assert_cmpuint(m.n_nat_d, ==, 1);
    g_byte_array_unref(b);

    /* 1 to 3 bytes after it: still no room for a generic header */
    for (unsigned extra = 1; extra < 4; extra++) {
        b = four_payloads(at);
        b->data[at[3]] = IKE_PL_VID;
        put_filler(b, extra, 0);
        end_message(b, 0);
        m = parse(b);
        g_assert_true(m.malformed);
        g_byte_array_unref(b);
    }
}

static void test_snaplen_is_not_malformed(void)
{
    size_t at[4];
    GByteArray *b = four_payloads(at);
    ike_msg_t whole = parse(b);

    /* cut inside the notify payload: the SA and VID are kept, the notify is unread */
    ike_msg_t m = parse_cut(b, at[2] + 6);
    g_assert_false(m.malformed);
    g_assert_true(ike_msg_has(&m, IKE_PL_SA));
    g_assert_true(ike_msg_has(&m, IKE_PL_VID));
    g_assert_cmpuint(m.n_transforms, ==, 1);
    g_assert_cmpuint(m.transforms[0].encryption, ==, 7);
    g_assert_cmpuint(m.n_notify, ==, 0);
    g_assert_false(ike_msg_has(&m, IKE_PL_NAT_D));

    /* cut one byte short of the end: all but the NAT-D hash */
    m = parse_cut(b, b->len - 1);
    g_assert_false(m.malformed);
    g_assert_cmpuint(m.n_notify, ==, 1);
    g_assert_cmpuint(m.n_nat_d, ==, 0);

    /* every cut: never malformed, never more than the whole message gives */
    for (size_t captured = IKE_HEADER_SIZE; captured <= b->len; captured++) {
        m = parse_cut(b, captured);
        g_assert_false(m.malformed);
        g_assert_cmphex(m.payloads & ~whole.payloads, ==, 0);
        g_assert_cmpuint(m.n_transforms, <=, whole.n_transforms);
        g_assert_cmpuint(m.n_notify, <=, whole.n_notify);
        g_assert_cmpuint(m.n_nat_d, <=, whole.n_nat_d);
        if (captured >= at[1])
            g_assert_cmpuint(m.n_transforms, ==, 1); /* the SA was whole */
    }
    m = parse_cut(b, b->len);
    g_assert_cmpuint(m.n_nat_d, ==, 1);
    g_byte_array_unref(b);
}

static void test_padding_after_the_chain(void)
{
    /* a decrypted body: the chain ends (next payload 0), then padding that would read
     * as a payload with an absurd length */
    GByteArray *b = g_byte_array_new();
    opaque(b, IKE_PL_NOTIFY, 20);
    notify(b, 0, IKE_N_R_U_THERE, 16);
    put8(b, IKE_PL_SA);
    put8(b, 0);
    put16(b, 0xffff);
    put_filler(b, 3, 0);
    put8(b, 7); /* pad length */
    ike_msg_t m = parse_body_only(b, b->len, IKE_PL_HASH, IKE_XCHG_INFORMATIONAL);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_HASH) | PL(IKE_PL_NOTIFY));
    g_assert_cmpuint(m.n_notify, ==, 1);
    g_assert_cmpuint(m.notify[0], ==, IKE_N_R_U_THERE);

    /* the same chain with no padding at all */
    ike_msg_t bare = parse_body_only(b, b->len - 8, IKE_PL_HASH, IKE_XCHG_INFORMATIONAL);
    g_assert_false(bare.malformed);
    g_assert_cmphex(bare.payloads, ==, m.payloads);
    g_byte_array_unref(b);
}

static void test_empty_body(void)
{
    GByteArray *b = g_byte_array_new();
    put8(b, 0); /* keep a valid pointer; the body itself is 0 bytes */
    ike_msg_t m = parse_body_only(b, 0, 0, IKE_XCHG_MAIN);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, 0);
    /* a next payload with no body at all: malformed */
    ike_bytes_t empty = { b->data, 0, 0 };
    memset(&m, 0, sizeof m);
    m.next_payload = IKE_PL_SA;
    ike_parse_body(&empty, &m);
    g_assert_true(m.malformed);
    /* but a body cut to nothing by the snaplen is fine */
    ike_bytes_t cut = { b->data, 0, 100 };
    memset(&m, 0, sizeof m);
    m.next_payload = IKE_PL_SA;
    ike_parse_body(&cut, &m);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, 0);
    g_byte_array_unref(b);
}

/* ---- ike_find_message ---- */

/* A small MM#1: SA-less, a VID; its header length field set. */
static GByteArray *small_message(void)
{
    GByteArray *b = g_byte_array_new();
    size_t h = header(b, 0x1122334455667788ull, 0, IKE_PL_VID, 0x10, IKE_XCHG_MAIN, 0, 0);
    opaque(b, 0, 16);
    end_message(b, h);
    return b;
}

/* Ethernet (14) + IPv4 (20) + UDP (8) + `payload`; the UDP length counts the payload. */
static GByteArray *frame_ipv4(const uint8_t src_ip[4], const uint8_t dst_ip[4], uint16_t sport, uint16_t dport,
                              const uint8_t *marker, const GByteArray *message)
{
    size_t payload_len = (marker ? 4 : 0) + message->len;
    GByteArray *f = g_byte_array_new();
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
    put_bytes(f, macs, sizeof macs);
    put16(f, 0x0800);
    put8(f, 0x45);
    put8(f, 0);
    put16(f, (unsigned)(20 + 8 + payload_len));
    put16(f, 0x1234);
    put16(f, 0x4000);
    put8(f, 64);
    put8(f, 17);
    put16(f, 0);
    put_bytes(f, src_ip, 4);
    put_bytes(f, dst_ip, 4);
    put16(f, sport);
    put16(f, dport);
    put16(f, (unsigned)(8 + payload_len));
    put16(f, 0);
    if (marker)
        put_bytes(f, marker, 4);
    put_bytes(f, message->data, message->len);
    return f;
}

static const uint8_t ip_a[4] = { 192, 0, 2, 1 }, ip_b[4] = { 198, 51, 100, 2 };
static const uint8_t zero_marker[4] = { 0, 0, 0, 0 };

static void test_find_in_ipv4_frame(void)
{
    GByteArray *msg = small_message();
    GByteArray *f = frame_ipv4(ip_a, ip_b, 500, 500, NULL, msg);
    g_assert_cmpint(find(f, 500, 500, false), ==, 14 + 20 + 8);
    g_assert_cmpmem(f->data + 42, msg->len, msg->data, msg->len);
    /* the ports belong to the frame's direction */
    g_assert_cmpint(find(f, 500, 4500, false), ==, -1);
    g_assert_cmpint(find(f, 4500, 500, false), ==, -1);
    g_byte_array_unref(f);

    f = frame_ipv4(ip_a, ip_b, 4500, 500, NULL, msg);
    g_assert_cmpint(find(f, 4500, 500, false), ==, 42);
    g_assert_cmpint(find(f, 500, 4500, false), ==, -1);
    g_assert_cmpint(find(f, 500, 500, false), ==, -1);
    g_byte_array_unref(f);

    /* arbitrary ports (a responder on another port) */
    f = frame_ipv4(ip_a, ip_b, 1701, 62465, NULL, msg);
    g_assert_cmpint(find(f, 1701, 62465, false), ==, 42);
    g_byte_array_unref(f);
    g_byte_array_unref(msg);
}

static void test_find_in_ipv6_frame(void)
{
    GByteArray *msg = small_message();
    GByteArray *f = g_byte_array_new();
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
    put_bytes(f, macs, sizeof macs);
    put16(f, 0x86dd);
    put32(f, 0x60000000);
    put16(f, 8 + msg->len);
    put8(f, 17);
    put8(f, 64);
    for (unsigned i = 0; i < 32; i++)
        put8(f, i < 16 ? (i == 0 ? 0x20 : i == 15 ? 1 : 0) : (i == 16 ? 0x20 : i == 31 ? 2 : 0));
    put16(f, 500);
    put16(f, 500);
    put16(f, 8 + msg->len);
    put16(f, 0);
    put_bytes(f, msg->data, msg->len);
    g_assert_cmpint(find(f, 500, 500, false), ==, 14 + 40 + 8);
    g_byte_array_unref(f);
    g_byte_array_unref(msg);
}

static void test_find_behind_non_esp_marker(void)
{
    GByteArray *msg = small_message();
    GByteArray *f = frame_ipv4(ip_a, ip_b, 4500, 4500, zero_marker, msg);
    g_assert_cmpint(find(f, 4500, 4500, true), ==, 42 + 4);
    g_byte_array_unref(f);

    /* not a zero marker: an ESP packet's SPI, no IKE message */
    static const uint8_t spi[4] = { 0, 0, 0, 1 };
    f = frame_ipv4(ip_a, ip_b, 4500, 4500, spi, msg);
    g_assert_cmpint(find(f, 4500, 4500, true), ==, -1);
    g_byte_array_unref(f);
    static const uint8_t spi_high[4] = { 0x80, 0, 0, 0 };
    f = frame_ipv4(ip_a, ip_b, 4500, 4500, spi_high, msg);
    g_assert_cmpint(find(f, 4500, 4500, true), ==, -1);
    g_byte_array_unref(f);
    g_byte_array_unref(msg);
}

static void test_find_marker_counts_in_the_udp_length(void)
{
    /* a datagram (say a reassembled IP payload) with two zero-marker candidates: a decoy
     * UDP header whose length is wrong right before the real one; the real one's length
     * agrees only if the marker is counted in it */
    GByteArray *msg = small_message();
    GByteArray *d = g_byte_array_new();
    put16(d, 4500);
    put16(d, 4500);
    put16(d, 9); /* agrees with nothing */
    put16(d, 0);
    put32(d, 0); /* its marker */
    size_t real = d->len;
    put16(d, 4500);
    put16(d, 4500);
    put16(d, (unsigned)(8 + 4 + msg->len));
    put16(d, 0);
    put32(d, 0);
    put_bytes(d, msg->data, msg->len);
    g_assert_cmpint(find(d, 4500, 4500, true), ==, (long)(real + 12));

    /* no length agrees: the first candidate */
    set16(d, real + 4, (unsigned)(8 + msg->len));
    g_assert_cmpint(find(d, 4500, 4500, true), ==, 12);
    g_byte_array_unref(d);
    g_byte_array_unref(msg);
}

static void test_find_prefers_agreeing_length(void)
{
    /* the ports' bytes in the source address: 198.51.100.1 is c6 33 64 01, a UDP header
     * from 50739 to 25601 at offset 26 whose "length" is the destination address */
    GByteArray *msg = small_message();
    static const uint8_t decoy[4] = { 198, 51, 100, 1 };
    enum { DECOY_SRC = 198 << 8 | 51, DECOY_DST = 100 << 8 | 1 };
    GByteArray *f = frame_ipv4(decoy, ip_b, DECOY_SRC, DECOY_DST, NULL, msg);
    g_assert_cmpint(find(f, DECOY_SRC, DECOY_DST, false), ==, 42);

    /* the real UDP length disagrees too: the first match, the decoy */
    set16(f, 38, (unsigned)(8 + msg->len + 2));
    g_assert_cmpint(find(f, DECOY_SRC, DECOY_DST, false), ==, 26 + 8);

    g_byte_array_unref(f);

    /* a later header that agrees beats an earlier real one that does not: a UDP header
     * from 500 to 500 inside the VID's data, with a 28-byte "message" after it whose
     * length field agrees with its UDP length */
    GByteArray *inner = g_byte_array_new();
    size_t h = header(inner, 0x0a0b0c0d0e0f1011ull, 0, IKE_PL_VID, 0x10, IKE_XCHG_MAIN, 0, 0);
    size_t vid = begin_payload(inner, 0);
    put_filler(inner, 6, 0);
    size_t fake = inner->len;
    put16(inner, 500);
    put16(inner, 500);
    put16(inner, 8 + 40);
    put16(inner, 0);
    put_filler(inner, 24, 3);
    put32(inner, 40);
    end_payload(inner, vid);
    end_message(inner, h);
    f = frame_ipv4(ip_a, ip_b, 500, 500, NULL, inner);
    set16(f, 38, 0x7777); /* the real UDP length: wrong */
    g_assert_cmpint(find(f, 500, 500, false), ==, (long)(42 + fake + 8));
    set16(f, 38, (unsigned)(8 + inner->len)); /* both agree: the first that does */
    g_assert_cmpint(find(f, 500, 500, false), ==, 42);
    g_byte_array_unref(f);
    g_byte_array_unref(inner);
    g_byte_array_unref(msg);
}

static void test_find_not_there(void)
{
    GByteArray *msg = small_message();
    GByteArray *f = frame_ipv4(ip_a, ip_b, 500, 500, NULL, msg);
    g_assert_cmpint(find(f, 500, 4500, false), ==, -1);
    g_assert_cmpint(find(f, 4500, 4500, true), ==, -1);
    /* empty and tiny datagrams */
    g_assert_cmpint(find_cut(f, 0, 500, 500, false), ==, -1);
    g_assert_cmpint(find_cut(f, 8, 500, 500, false), ==, -1);
    g_byte_array_unref(f);
    g_byte_array_unref(msg);
}

static void test_find_needs_a_header_after_udp(void)
{
    GByteArray *msg = small_message();
    GByteArray *f = frame_ipv4(ip_a, ip_b, 500, 500, NULL, msg);
    /* captured up to 27 bytes after the UDP header: no room for a header */
    g_assert_cmpint(find_cut(f, 42 + 27, 500, 500, false), ==, -1);
    g_assert_cmpint(find_cut(f, 42 + 28, 500, 500, false), ==, 42);
    g_byte_array_unref(f);

    /* the same behind the marker, which takes 4 bytes of its own */
    f = frame_ipv4(ip_a, ip_b, 4500, 4500, zero_marker, msg);
    g_assert_cmpint(find_cut(f, 46 + 27, 4500, 4500, true), ==, -1);
    g_assert_cmpint(find_cut(f, 46 + 28, 4500, 4500, true), ==, 46);
    g_byte_array_unref(f);

    /* a message of 27 bytes in all */
    GByteArray *tiny = g_byte_array_new();
    put_bytes(tiny, msg->data, 27);
    f = frame_ipv4(ip_a, ip_b, 500, 500, NULL, tiny);
    g_assert_cmpint(find(f, 500, 500, false), ==, -1);
    g_byte_array_unref(f);
    g_byte_array_unref(tiny);
    g_byte_array_unref(msg);
}

/* ---- the whole way, as the glue goes ---- */

static void test_frame_to_message(void)
{
    uint8_t h1[20], h2[20];
    hash_bytes(h1, sizeof h1, 0x10);
    hash_bytes(h2, sizeof h2, 0x20);
    GByteArray *msg = g_byte_array_new();
    size_t h = header(msg, 0xcd7e86ae154555f5ull, 0x42d3575ade425965ull, IKE_PL_KE, 0x10, IKE_XCHG_MAIN, 0, 0);
    opaque(msg, IKE_PL_NONCE, 128);
    opaque(msg, IKE_PL_NAT_D, 32);
    nat_d(msg, IKE_PL_NAT_D, h1, sizeof h1);
    nat_d(msg, 0, h2, sizeof h2);
    end_message(msg, h);
    GByteArray *f = frame_ipv4(ip_a, ip_b, 4500, 4500, zero_marker, msg);
    put32(f, 0xdeadbeef); /* an Ethernet trailer after the datagram */

    long at = find(f, 4500, 4500, true);
    g_assert_cmpint(at, ==, 46);
    ike_msg_t m;
    memset(&m, 0, sizeof m);
    ike_bytes_t message = { f->data + at, f->len - (size_t)at, f->len - (size_t)at };
    g_assert_true(ike_parse_header(&message, &m));
    g_assert_cmphex(m.icookie, ==, 0xcd7e86ae154555f5ull);
    g_assert_cmphex(m.rcookie, ==, 0x42d3575ade425965ull);
    g_assert_cmpuint(m.length, ==, msg->len);
    ike_bytes_t body = { message.data + IKE_HEADER_SIZE, m.length - IKE_HEADER_SIZE, m.length - IKE_HEADER_SIZE };
    ike_parse_body(&body, &m);
    g_assert_false(m.malformed);
    g_assert_cmphex(m.payloads, ==, PL(IKE_PL_KE) | PL(IKE_PL_NONCE) | PL(IKE_PL_NAT_D));
    g_assert_cmpuint(m.n_nat_d, ==, 2);
    g_assert_cmpmem(m.nat_d[0], m.nat_d_len[0], h1, sizeof h1);
    g_assert_cmpmem(m.nat_d[1], m.nat_d_len[1], h2, sizeof h2);
    g_byte_array_unref(f);
    g_byte_array_unref(msg);
}

/* An ICMP port unreachable from 198.51.100.2 quoting MM#1 from 198.51.100.1:500: outer
 * IPv4 + ICMP, then the quoted IPv4 + UDP + ISAKMP header.  The quoted endpoints are
 * read from the bytes, not the outer ones. */
static void test_find_quoted_message(void)
{
    uint8_t frame[20 + 8 + 20 + 8 + 4 + 28] = { 0 }; /* room for a non-ESP marker too */
    uint8_t *outer = frame, *icmp = frame + 20, *ip = icmp + 8, *udp = ip + 20, *isakmp = udp + 8;
    outer[0] = 0x45, outer[9] = 1; /* ICMP */
    memcpy(outer + 12, (uint8_t[]){ 198, 51, 100, 2 }, 4);
    memcpy(outer + 16, (uint8_t[]){ 198, 51, 100, 1 }, 4);
    icmp[0] = 3, icmp[1] = 3;
    ip[0] = 0x45, ip[9] = 17;
    memcpy(ip + 12, (uint8_t[]){ 198, 51, 100, 1 }, 4);
    memcpy(ip + 16, (uint8_t[]){ 198, 51, 100, 2 }, 4);
    udp[0] = 0x01, udp[1] = 0xf4, udp[2] = 0x01, udp[3] = 0xf4; /* 500 -> 500 */
    isakmp[17] = 0x10, isakmp[18] = 2; /* IKEv1 Main Mode */
    ike_bytes_t b = { frame, sizeof frame, sizeof frame };
    ike_endpoint_t src, dst;
    g_assert_cmpint(ike_find_quoted_message(&b, &src, &dst), ==, isakmp - frame);
    g_assert_cmpuint(src.family, ==, 4);
    g_assert_cmpmem(src.addr, 4, ((uint8_t[]){ 198, 51, 100, 1 }), 4);
    g_assert_cmpmem(dst.addr, 4, ((uint8_t[]){ 198, 51, 100, 2 }), 4);
    g_assert_cmpuint(src.port, ==, 500);
    /* on 4500 the non-ESP marker comes first */
    udp[1] = 0x94, udp[0] = 0x11, udp[3] = 0x94, udp[2] = 0x11;
    g_assert_cmpint(ike_find_quoted_message(&b, &src, &dst), ==, isakmp - frame + 4);
    /* not an IKE port: nothing */
    udp[1] = 0x35, udp[0] = 0;
    g_assert_cmpint(ike_find_quoted_message(&b, &src, &dst), ==, -1);
    /* cut before the ISAKMP header: nothing */
    udp[0] = 0x01, udp[1] = 0xf4, udp[2] = 0x01, udp[3] = 0xf4;
    b.captured = (size_t)(isakmp - frame) + 27;
    g_assert_cmpint(ike_find_quoted_message(&b, &src, &dst), ==, -1);
}

/* ---- ike_find_esp ---- */

static ike_esp_msg_t esp_between(const uint8_t src[4], const uint8_t dst[4], uint16_t sport, uint16_t dport)
{
    ike_esp_msg_t e = { .src = { .family = 4, .port = sport }, .dst = { .family = 4, .port = dport } };
    memcpy(e.src.addr, src, 4);
    memcpy(e.dst.addr, dst, 4);
    return e;
}

/* ESP in UDP 4500 behind Ethernet (the usual offset), then behind 3 bytes of something
 * else (found by the scan), plain ESP (IP protocol 50), and a non-ESP marker (IKE). */
static void test_find_esp(void)
{
    GByteArray *esp = g_byte_array_new();
    put_bytes(esp, (const uint8_t[]){ 0xc0, 0x00, 0x00, 0x01, 0, 0, 0, 7 }, 8); /* SPI, sequence 7 */
    opaque(esp, 0, 40);
    GByteArray *f = frame_ipv4(ip_a, ip_b, 4500, 4500, NULL, esp);
    ike_bytes_t b = { f->data, f->len, f->len };
    ike_esp_msg_t e = esp_between(ip_a, ip_b, 4500, 4500);
    g_assert_true(ike_find_esp(&b, true, &e));
    g_assert_cmphex(e.spi, ==, 0xc0000001u);
    g_assert_cmpuint(e.sequence, ==, 7);
    g_assert_cmpuint(e.length, ==, esp->len); /* all the UDP payload */
    /* the other way, or as plain ESP: not this frame */
    ike_esp_msg_t back = esp_between(ip_b, ip_a, 4500, 4500);
    g_assert_false(ike_find_esp(&b, true, &back));
    g_assert_false(ike_find_esp(&b, false, &e));

    GByteArray *shifted = g_byte_array_new();
    put_bytes(shifted, (const uint8_t[]){ 9, 9, 9 }, 3);
    put_bytes(shifted, f->data, f->len);
    ike_bytes_t s = { shifted->data, shifted->len, shifted->len };
    e = esp_between(ip_a, ip_b, 4500, 4500);
    g_assert_true(ike_find_esp(&s, true, &e));
    g_assert_cmphex(e.spi, ==, 0xc0000001u);

    /* plain ESP: protocol 50, no UDP header */
    f->data[14 + 9] = 50;
    memmove(f->data + 14 + 20, f->data + 14 + 20 + 8, f->len - 14 - 20 - 8);
    e = esp_between(ip_a, ip_b, 0, 0);
    g_assert_true(ike_find_esp(&b, false, &e));
    g_assert_cmphex(e.spi, ==, 0xc0000001u);

    /* a zero SPI is the non-ESP marker: IKE, not ESP */
    GByteArray *ike = small_message();
    GByteArray *g = frame_ipv4(ip_a, ip_b, 4500, 4500, zero_marker, ike);
    ike_bytes_t c = { g->data, g->len, g->len };
    e = esp_between(ip_a, ip_b, 4500, 4500);
    g_assert_false(ike_find_esp(&c, true, &e));
    /* cut inside the ESP header */
    c.captured = 14 + 20 + 8 + 6;
    g_assert_false(ike_find_esp(&c, true, &e));
    g_byte_array_unref(g);
    g_byte_array_unref(ike);
    g_byte_array_unref(shifted);
    g_byte_array_unref(f);
    g_byte_array_unref(esp);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/parse/find-esp", test_find_esp);
    g_test_add_func("/parse/header/fields", test_header_fields);
    g_test_add_func("/parse/quick-mode-proxy-ids", test_quick_mode_proxy_ids);
    g_test_add_func("/parse/unassigned-31-is-not-a-fragment", test_unassigned_31_is_not_a_fragment);
    g_test_add_func("/parse/header/needs-28-bytes", test_header_needs_28_captured_bytes);
    g_test_add_func("/parse/payloads/kinds", test_payload_kinds);
    g_test_add_func("/parse/payloads/from-header-next", test_payload_kinds_from_header_next);
    g_test_add_func("/parse/notify/codes", test_notify_codes);
    g_test_add_func("/parse/notify/too-short", test_notify_too_short_for_a_type);
    g_test_add_func("/parse/cfg/xauth-status", test_xauth_status);
    g_test_add_func("/parse/sa/phase1-main", test_phase1_transforms_main_mode);
    g_test_add_func("/parse/sa/phase1-aggressive", test_phase1_transforms_aggressive_mode);
    g_test_add_func("/parse/sa/not-read-elsewhere", test_no_transforms_outside_main_aggressive_quick);
    g_test_add_func("/parse/sa/phase2-quick", test_phase2_transforms_quick_mode);
    g_test_add_func("/parse/sa/transforms-capped", test_transforms_capped);
    g_test_add_func("/parse/sa/bad-transform-length", test_proposal_with_bad_lengths_reads_what_fits);
    g_test_add_func("/parse/nat-d/hashes", test_nat_d_hashes);
    g_test_add_func("/parse/body/whole", test_four_payloads_whole);
    g_test_add_func("/parse/body/length-under-4", test_malformed_payload_length_under_4);
    g_test_add_func("/parse/body/overruns-reported", test_malformed_payload_overruns_reported);
    g_test_add_func("/parse/body/chain-past-end", test_malformed_chain_runs_past_the_end);
    g_test_add_func("/parse/body/snaplen", test_snaplen_is_not_malformed);
    g_test_add_func("/parse/body/padding", test_padding_after_the_chain);
    g_test_add_func("/parse/body/empty", test_empty_body);
    g_test_add_func("/parse/find/ipv4", test_find_in_ipv4_frame);
    g_test_add_func("/parse/find/ipv6", test_find_in_ipv6_frame);
    g_test_add_func("/parse/find/non-esp-marker", test_find_behind_non_esp_marker);
    g_test_add_func("/parse/find/marker-in-udp-length", test_find_marker_counts_in_the_udp_length);
    g_test_add_func("/parse/find/agreeing-length", test_find_prefers_agreeing_length);
    g_test_add_func("/parse/find/not-there", test_find_not_there);
    g_test_add_func("/parse/find/needs-header", test_find_needs_a_header_after_udp);
    g_test_add_func("/parse/frame-to-message", test_frame_to_message);
    g_test_add_func("/parse/find/quoted-in-icmp", test_find_quoted_message);
    return g_test_run();
}
