/* proposal.c: phase-1 transform attributes in the words engineers use.  Values are
 * RFC 2409 appendix A, RFC 3602 (AES), RFC 4868 (SHA-2), RFC 3526/5903/8031 (groups). */
#include "proposal.h"

#include <stdio.h>
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

/* Appends "/NAME" or "/PREFIX#value" for an unnamed value; nothing for 0. */
static void append(char *buf, size_t size, const char *name, const char *prefix, unsigned v)
{
    size_t len = strlen(buf);
    if (v == 0 || len >= size)
        return;
    const char *sep = len ? "/" : "";
    if (name)
        snprintf(buf + len, size - len, "%s%s", sep, name);
    else
        snprintf(buf + len, size - len, "%s%s%u", sep, prefix, v);
}

const char *ike_format_phase1(const ike_transform_t *t, char *buf, size_t size)
{
    if (!size)
        return buf;
    buf[0] = '\0';
    append(buf, size, encryption_name(t->encryption), "ENC", t->encryption);
    if (t->key_length) {
        size_t len = strlen(buf);
        if (len < size)
            snprintf(buf + len, size - len, "-%u", t->key_length);
    }
    append(buf, size, hash_name(t->hash), "HASH", t->hash);
    append(buf, size, group_name(t->group), "GROUP", t->group);
    append(buf, size, auth_name(t->auth_method), "AUTH", t->auth_method);
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

const char *ike_format_phase2(const ike_transform_t *t, char *buf, size_t size)
{
    if (!size)
        return buf;
    snprintf(buf, size, "ESP ");
    size_t len = strlen(buf);
    const char *enc = esp_transform_name(t->encryption);
    if (enc)
        snprintf(buf + len, size - len, "%s", enc);
    else
        snprintf(buf + len, size - len, "ESP%u", t->encryption);
    len = strlen(buf);
    if (t->key_length && len < size)
        snprintf(buf + len, size - len, "-%u", t->key_length);
    append(buf, size, esp_auth_name(t->hash), "AUTH", t->hash);
    append(buf, size, encap_mode_name(t->encap_mode), "MODE", t->encap_mode);
    len = strlen(buf);
    if (t->group && len < size) {
        const char *group = group_name(t->group);
        if (group)
            snprintf(buf + len, size - len, "/PFS %s", group);
        else
            snprintf(buf + len, size - len, "/PFS group %u", t->group);
    }
    return buf;
}

const char *ike_format_list(const ike_transform_t *t, unsigned n, unsigned total, bool quick, char *buf,
                            size_t size)
{
    char one[96];
    size_t len = 0;
    if (!size)
        return buf;
    buf[0] = '\0';
    for (unsigned i = 0; i < n && len < size; i++) {
        const char *text = quick ? ike_format_phase2(&t[i], one, sizeof one) : ike_format_phase1(&t[i], one, sizeof one);
        snprintf(buf + len, size - len, "%s%s", i ? ", " : "", text);
        len = strlen(buf);
    }
    if (total > n && len < size)
        snprintf(buf + len, size - len, " +%u more", total - n);
    return buf;
}
