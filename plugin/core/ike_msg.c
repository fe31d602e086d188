/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ike_msg.c: the byte digest that identifies a resend, and the NAT-D check. */
#include "ike_msg.h"

#include <glib.h>
#include <string.h>

/* A resend is byte-identical, and the model compares digests within one SA only
 * (take_resend): a 64-bit multiply-xorshift mix over 8-byte words tells messages apart
 * with no allocation, at about a tenth of MD5's instructions (bench/RESULTS.md). */
uint64_t ike_digest(const uint8_t *bytes, unsigned length)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ length;
    unsigned i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        memcpy(&word, bytes + i, 8);
        h = (h ^ word) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    memcpy(&tail, bytes + i, length - i);
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

static bool checksum_type(unsigned hash_algorithm, GChecksumType *type)
{
    switch (hash_algorithm) {
    case 1: *type = G_CHECKSUM_MD5; return true;
    case 2: *type = G_CHECKSUM_SHA1; return true;
    case 4: *type = G_CHECKSUM_SHA256; return true;
    case 5: *type = G_CHECKSUM_SHA384; return true;
    case 6: *type = G_CHECKSUM_SHA512; return true;
    default: return false;
    }
}

/* HASH(CKY-I | CKY-R | IP | Port), RFC 3947 section 3.2. */
static bool nat_d_matches(const ike_msg_t *msg, GChecksumType type, const ike_endpoint_t *ep, unsigned which)
{
    uint8_t buf[8 + 8 + 16 + 2], sum[IKE_NAT_D_MAX_LEN];
    gsize sum_len = sizeof sum;
    unsigned addr_len = ep->family == 6 ? 16 : 4, n = 0;
    for (int i = 7; i >= 0; i--)
        buf[n++] = (uint8_t)(msg->icookie >> (8 * i));
    for (int i = 7; i >= 0; i--)
        buf[n++] = (uint8_t)(msg->rcookie >> (8 * i));
    memcpy(buf + n, ep->addr, addr_len);
    n += addr_len;
    buf[n++] = (uint8_t)(ep->port >> 8);
    buf[n++] = (uint8_t)ep->port;
    GChecksum *checksum = g_checksum_new(type);
    g_checksum_update(checksum, buf, n);
    g_checksum_get_digest(checksum, sum, &sum_len);
    g_checksum_free(checksum);
    return msg->nat_d_len[which] == sum_len && memcmp(msg->nat_d[which], sum, sum_len) == 0;
}

int ike_nat_detected(const ike_msg_t *msg, unsigned hash_algorithm)
{
    GChecksumType type;
    if (msg->n_nat_d < 2 || !checksum_type(hash_algorithm, &type) || !msg->src.family)
        return -1;
    if (!nat_d_matches(msg, type, &msg->dst, 0))
        return 1;
    for (unsigned i = 1; i < msg->n_nat_d; i++)
        if (nat_d_matches(msg, type, &msg->src, i))
            return 0;
    return 1;
}
