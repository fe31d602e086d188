/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proposal.c: transform attributes and proxy IDs in the words engineers use.  Values
 * are RFC 2409 appendix A, RFC 2407 (phase 2, ID types), RFC 3602 (AES), RFC 4868
 * (SHA-2), RFC 3526/5903/8031 (groups); IKEv2's from RFC 7296 3.3.2 and its IANA registries. */
#include "proposal.h"

#include <string.h>

static const char *encryption_name(unsigned v)
{
    switch (v) {
    case 1: return "DES-CBC";
    case 2: return "IDEA-CBC";
    case 3: return "Blowfish-CBC";
    case 4: return "RC5";
    case 5: return "3DES-CBC";
    case 6: return "CAST-CBC";
    case 7: return "AES-CBC";
    case 8: return "Camellia-CBC";
    default: return NULL;
    }
}

static const char *hash_name(unsigned v)
{
    switch (v) {
    case 1: return "MD5";
    case 2: return "SHA1";
    case 3: return "Tiger";
    case 4: return "SHA2-256";
    case 5: return "SHA2-384";
    case 6: return "SHA2-512";
    default: return NULL;
    }
}

static const char *auth_name(unsigned v)
{
    switch (v) {
    case 1: return "PSK";
    case 2: return "DSS";
    case 3: return "RSA-SIG";
    case 4: return "RSA-ENC";
    case 5: return "RSA-REV-ENC";
    case 9: return "ECDSA-256";
    case 10: return "ECDSA-384";
    case 11: return "ECDSA-521";
    case 64221: return "HYBRID-RSA";
    case 65001: return "XAUTH-PSK";
    case 65005: return "XAUTH-RSA";
    default: return NULL;
    }
}

static const char *group_name(unsigned v)
{
    static const char *const names[] = {
        [1] = "MODP-768", [2] = "MODP-1024", [5] = "MODP-1536", [14] = "MODP-2048",
        [15] = "MODP-3072", [16] = "MODP-4096", [17] = "MODP-6144", [18] = "MODP-8192",
        [19] = "ECP-256", [20] = "ECP-384", [21] = "ECP-521", [22] = "MODP-1024-160",
        [23] = "MODP-2048-224", [24] = "MODP-2048-256", [25] = "ECP-192", [26] = "ECP-224",
        [27] = "BP-224", [28] = "BP-256", [29] = "BP-384", [30] = "BP-512",
        [31] = "Curve25519", [32] = "Curve448",
    };
    return v < sizeof names / sizeof names[0] ? names[v] : NULL;
}

/* Called on every frame of an exchange in a visible tree: no printf.  Appends never
 * overrun and always leave the text terminated. */
typedef struct text {
    char *buf;
    size_t size, len;
} text_t;

static text_t text_in(char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    return (text_t){ buf, size, 0 };
}

static void put(text_t *t, const char *s)
{
    while (*s && t->len + 1 < t->size)
        t->buf[t->len++] = *s++;
    if (t->size)
        t->buf[t->len] = '\0';
}

static void put_uint(text_t *t, unsigned v)
{
    char digits[12], *d = digits + sizeof digits;
    *--d = '\0';
    do
        *--d = (char)('0' + v % 10);
    while (v /= 10);
    put(t, d);
}

/* "/NAME", or "/PREFIXvalue" for an unnamed value; nothing for 0; no "/" first. */
static void put_attribute(text_t *t, const char *name, const char *prefix, unsigned v)
{
    if (v == 0)
        return;
    if (t->len)
        put(t, "/");
    if (name) {
        put(t, name);
    } else {
        put(t, prefix);
        put_uint(t, v);
    }
}

static void put_phase1(text_t *t, const ike_transform_t *tr)
{
    put_attribute(t, encryption_name(tr->encryption), "ENC", tr->encryption);
    if (tr->key_length) {
        put(t, "-");
        put_uint(t, tr->key_length);
    }
    put_attribute(t, hash_name(tr->hash), "HASH", tr->hash);
    put_attribute(t, group_name(tr->group), "GROUP", tr->group);
    put_attribute(t, auth_name(tr->auth_method), "AUTH", tr->auth_method);
}

const char *ike_format_phase1(const ike_transform_t *tr, char *buf, size_t size)
{
    text_t t = text_in(buf, size);
    put_phase1(&t, tr);
    return buf;
}

static const char *esp_transform_name(unsigned v)
{
    switch (v) {
    case 2: return "DES-CBC";
    case 3: return "3DES-CBC";
    case 11: return "NULL";
    case 12: return "AES-CBC";
    case 13: return "AES-CTR";
    case 14: return "AES-CCM-8";
    case 15: return "AES-CCM-12";
    case 16: return "AES-CCM-16";
    case 18: return "AES-GCM-8";
    case 19: return "AES-GCM-12";
    case 20: return "AES-GCM-16";
    case 23: return "NULL-AES-GMAC";
    default: return NULL;
    }
}

static const char *esp_auth_name(unsigned v)
{
    switch (v) {
    case 1: return "HMAC-MD5";
    case 2: return "HMAC-SHA1";
    case 5: return "HMAC-SHA2-256";
    case 6: return "HMAC-SHA2-384";
    case 7: return "HMAC-SHA2-512";
    default: return NULL;
    }
}

static const char *encap_mode_name(unsigned v)
{
    switch (v) {
    case 1: return "tunnel";
    case 2: return "transport";
    case 3: case 61443: return "udp-tunnel";
    case 4: case 61444: return "udp-transport";
    default: return NULL;
    }
}

/* AH transform ids, RFC 2407 4.4.3 and RFC 4868. */
static const char *ah_transform_name(unsigned v)
{
    switch (v) {
    case 2: return "HMAC-MD5";
    case 3: return "HMAC-SHA1";
    case 4: return "DES-MAC";
    case 5: return "HMAC-SHA2-256";
    case 6: return "HMAC-SHA2-384";
    case 7: return "HMAC-SHA2-512";
    default: return NULL;
    }
}

/* IPComp transform ids, RFC 2407 4.4.5. */
static const char *ipcomp_transform_name(unsigned v)
{
    switch (v) {
    case 1: return "OUI";
    case 2: return "DEFLATE";
    case 3: return "LZS";
    case 4: return "LZJH";
    default: return NULL;
    }
}

/* "ESP AES-CBC", "AH HMAC-SHA1", "IPCOMP DEFLATE", or the protocol and the raw id. */
static void put_phase2_transform(text_t *t, const ike_transform_t *tr)
{
    const char *protocol = "ESP", *name;
    if (tr->protocol == 2) {
        protocol = "AH";
        name = ah_transform_name(tr->encryption);
    } else if (tr->protocol == 4) {
        protocol = "IPCOMP";
        name = ipcomp_transform_name(tr->encryption);
    } else { /* 3, or 0 when not given */
        name = esp_transform_name(tr->encryption);
    }
    put(t, protocol);
    put(t, " ");
    if (name) {
        put(t, name);
    } else {
        put(t, protocol);
        put_uint(t, tr->encryption);
    }
}

static void put_phase2(text_t *t, const ike_transform_t *tr)
{
    put_phase2_transform(t, tr);
    if (tr->key_length) {
        put(t, "-");
        put_uint(t, tr->key_length);
    }
    put_attribute(t, esp_auth_name(tr->hash), "AUTH", tr->hash);
    put_attribute(t, encap_mode_name(tr->encap_mode), "MODE", tr->encap_mode);
    if (tr->group) {
        const char *group = group_name(tr->group);
        put(t, group ? "/PFS " : "/PFS group ");
        if (group)
            put(t, group);
        else
            put_uint(t, tr->group);
    }
}

const char *ike_format_phase2(const ike_transform_t *tr, char *buf, size_t size)
{
    text_t t = text_in(buf, size);
    put_phase2(&t, tr);
    return buf;
}

/* IKEv2 names as strongSwan logs them ("IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/
 * MODP_2048"), IANA IKEv2 transform registries (RFC 7296 3.3.2, RFC 4868, RFC 7634). */
static const char *v2_encryption_name(unsigned v)
{
    switch (v) {
    case 2: return "DES_CBC";
    case 3: return "3DES_CBC";
    case 11: return "NULL";
    case 12: return "AES_CBC";
    case 13: return "AES_CTR";
    case 14: return "AES_CCM_8";
    case 15: return "AES_CCM_12";
    case 16: return "AES_CCM_16";
    case 18: return "AES_GCM_8";
    case 19: return "AES_GCM_12";
    case 20: return "AES_GCM_16";
    case 21: return "NULL_AES_GMAC";
    case 23: return "CAMELLIA_CBC";
    case 28: return "CHACHA20_POLY1305";
    default: return NULL;
    }
}

static const char *v2_integrity_name(unsigned v)
{
    switch (v) {
    case 1: return "HMAC_MD5_96";
    case 2: return "HMAC_SHA1_96";
    case 5: return "AES_XCBC_96";
    case 8: return "AES_CMAC_96";
    case 12: return "HMAC_SHA2_256_128";
    case 13: return "HMAC_SHA2_384_192";
    case 14: return "HMAC_SHA2_512_256";
    default: return NULL;
    }
}

static const char *v2_prf_name(unsigned v)
{
    switch (v) {
    case 1: return "PRF_HMAC_MD5";
    case 2: return "PRF_HMAC_SHA1";
    case 4: return "PRF_AES128_XCBC";
    case 5: return "PRF_HMAC_SHA2_256";
    case 6: return "PRF_HMAC_SHA2_384";
    case 7: return "PRF_HMAC_SHA2_512";
    case 8: return "PRF_AES128_CMAC";
    default: return NULL;
    }
}

static const char *v2_group_name(unsigned v)
{
    static const char *const names[] = {
        [1] = "MODP_768", [2] = "MODP_1024", [5] = "MODP_1536", [14] = "MODP_2048",
        [15] = "MODP_3072", [16] = "MODP_4096", [17] = "MODP_6144", [18] = "MODP_8192",
        [19] = "ECP_256", [20] = "ECP_384", [21] = "ECP_521", [27] = "ECP_224_BP",
        [28] = "ECP_256_BP", [29] = "ECP_384_BP", [30] = "ECP_512_BP", [31] = "CURVE_25519",
        [32] = "CURVE_448",
    };
    return v < sizeof names / sizeof names[0] ? names[v] : NULL;
}

static void put_v2(text_t *t, const ike_transform_t *tr)
{
    put(t, tr->protocol == 1 ? "IKE:" : tr->protocol == 2 ? "AH:" : "ESP:");
    text_t algorithms = { t->buf + t->len, t->size - t->len, 0 }; /* "/" separators from here */
    put_attribute(&algorithms, v2_encryption_name(tr->encryption), "ENCR", tr->encryption);
    if (tr->encryption && tr->key_length) {
        put(&algorithms, "_");
        put_uint(&algorithms, tr->key_length);
    }
    put_attribute(&algorithms, v2_integrity_name(tr->hash), "INTEG", tr->hash);
    put_attribute(&algorithms, v2_prf_name(tr->prf), "PRF", tr->prf);
    put_attribute(&algorithms, v2_group_name(tr->group), "DH", tr->group);
    if (tr->esn) { /* stored as the transform id + 1; an unnamed one prints its id */
        const char *esn = tr->esn == 1 ? "NO_EXT_SEQ" : tr->esn == 2 ? "EXT_SEQ" : NULL;
        put_attribute(&algorithms, esn, "ESN", esn ? tr->esn : tr->esn - 1u);
    }
    t->len += algorithms.len;
    if (tr->alternatives) {
        put(t, " (+");
        put_uint(t, tr->alternatives);
        put(t, tr->alternatives == 1 ? " algorithm)" : " algorithms)");
    }
}

const char *ike_format_list(const ike_transform_t *tr, unsigned n, unsigned total, ike_proposal_style_t style,
                            char *buf, size_t size)
{
    text_t t = text_in(buf, size);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            put(&t, ", ");
        text_t one = { t.buf + t.len, t.size - t.len, 0 }; /* its "/" separators count from here */
        if (style == IKE_PROPOSAL_V2)
            put_v2(&one, &tr[i]);
        else if (style == IKE_PROPOSAL_PHASE2)
            put_phase2(&one, &tr[i]);
        else
            put_phase1(&one, &tr[i]);
        t.len += one.len;
    }
    if (total > n) {
        put(&t, " +");
        put_uint(&t, total - n);
        put(&t, " more");
    }
    return buf;
}

/* Network prefix length of a mask, or -1 when the mask is not contiguous. */
static int prefix_of(const uint8_t *mask, unsigned len)
{
    int bits = 0;
    unsigned i = 0;
    for (; i < len && mask[i] == 0xff; i++)
        bits += 8;
    if (i < len) {
        for (uint8_t m = mask[i]; m & 0x80; m = (uint8_t)(m << 1))
            bits++;
        if ((uint8_t)(mask[i] << (bits % 8)) != 0)
            return -1;
        for (i++; i < len; i++)
            if (mask[i])
                return -1;
    }
    return bits;
}

static void put_hex(text_t *t, unsigned v)
{
    char digits[8], *d = digits + sizeof digits;
    *--d = '\0';
    do
        *--d = "0123456789abcdef"[v % 16];
    while (v /= 16);
    put(t, d);
}

/* Dotted quad, or eight hex groups (RFC 5952 would compress zeros; this is unambiguous). */
static void put_address(text_t *t, const uint8_t *a, unsigned len)
{
    for (unsigned i = 0; i < len; i += len == 4 ? 1 : 2) {
        if (i)
            put(t, len == 4 ? "." : ":");
        if (len == 4)
            put_uint(t, a[i]);
        else
            put_hex(t, (unsigned)(a[i] << 8 | a[i + 1]));
    }
}

static bool is_v6(unsigned type)
{
    return type == IKE_ID_IPV6_ADDR || type == IKE_ID_IPV6_ADDR_SUBNET || type == IKE_ID_IPV6_ADDR_RANGE;
}

static void put_proxy_id(text_t *t, const ike_proxy_id_t *id)
{
    unsigned alen = is_v6(id->type) ? 16 : 4;
    bool single = id->type == IKE_ID_IPV4_ADDR || id->type == IKE_ID_IPV6_ADDR;
    bool range = id->type == IKE_ID_IPV4_ADDR_RANGE || id->type == IKE_ID_IPV6_ADDR_RANGE;
    bool subnet = id->type == IKE_ID_IPV4_ADDR_SUBNET || id->type == IKE_ID_IPV6_ADDR_SUBNET;
    if (!(single || range || subnet) || id->len < (single ? alen : 2 * alen)) {
        put(t, "ID type "); /* FQDN, DN...: not an address a crypto ACL could hold */
        put_uint(t, id->type);
        return;
    }
    put_address(t, id->data, alen);
    if (range) {
        put(t, "-");
        put_address(t, id->data + alen, alen);
    } else if (subnet) {
        int bits = prefix_of(id->data + alen, alen);
        if (bits >= 0) {
            put(t, "/");
            put_uint(t, (unsigned)bits);
        } else {
            put(t, " mask ");
            put_address(t, id->data + alen, alen);
        }
    }
    if (id->protocol || id->port) {
        const char *proto = id->protocol == 6 ? "tcp" : id->protocol == 17 ? "udp" : id->protocol == 1 ? "icmp" : NULL;
        put(t, " ");
        if (proto) {
            put(t, proto);
        } else {
            put(t, "proto ");
            put_uint(t, id->protocol);
        }
        put(t, "/");
        put_uint(t, id->port);
    }
}

const char *ike_format_proxy_ids(const ike_proxy_id_t *ids, unsigned n, char *buf, size_t size)
{
    text_t t = text_in(buf, size);
    for (unsigned i = 0; i < n && i < 2; i++) {
        if (i)
            put(&t, " <-> ");
        put_proxy_id(&t, &ids[i]);
    }
    return buf;
}
