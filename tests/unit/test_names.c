/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_names.c: labels, notify names (RFC 2408, not IKEv2), explanations, proposals. */
#include "explain.h"
#include "ike_msg.h"
#include "names.h"
#include "proposal.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static void test_notify_names_are_ikev1(void)
{
    g_assert_cmpstr(ike_notify_name(14), ==, "NO-PROPOSAL-CHOSEN");
    g_assert_cmpstr(ike_notify_name(16), ==, "PAYLOAD-MALFORMED"); /* IKEv2's 16 differs */
    g_assert_cmpstr(ike_notify_name(18), ==, "INVALID-ID-INFORMATION");
    g_assert_cmpstr(ike_notify_name(24), ==, "AUTHENTICATION-FAILED");
    g_assert_cmpstr(ike_notify_name(36136), ==, "R-U-THERE");
    g_assert_null(ike_notify_name(9999));
}

static void test_explanations_name_payloads(void)
{
    g_assert_nonnull(strstr(ike_explain(IKE_KIND_MAIN, 1), "policies"));
    g_assert_nonnull(strstr(ike_explain(IKE_KIND_MAIN, 3), "Diffie-Hellman"));
    g_assert_nonnull(strstr(ike_explain(IKE_KIND_MAIN, 3), "NAT-D"));
    g_assert_nonnull(strstr(ike_explain(IKE_KIND_MAIN, 5), "pre-shared key"));
    g_assert_nonnull(strstr(ike_explain(IKE_KIND_QUICK, 1), "proxy IDs"));
    g_assert_nonnull(strstr(ike_explain(IKE_KIND_QUICK, 1), "transform sets"));
    /* each message names what it carries */
    static const struct { ike_kind_t kind; unsigned step; const char *word; } carries[] = {
        { IKE_KIND_MAIN, 2, "policy" }, { IKE_KIND_MAIN, 4, "Diffie-Hellman" }, { IKE_KIND_MAIN, 4, "nonce" },
        { IKE_KIND_MAIN, 5, "identity" }, { IKE_KIND_MAIN, 6, "identity" }, { IKE_KIND_AGGRESSIVE, 1, "identity" },
        { IKE_KIND_AGGRESSIVE, 1, "nonce" }, { IKE_KIND_AGGRESSIVE, 2, "hash" }, { IKE_KIND_AGGRESSIVE, 3, "hash" },
        { IKE_KIND_QUICK, 1, "nonce" }, { IKE_KIND_QUICK, 1, "HASH(1)" }, { IKE_KIND_QUICK, 2, "proxy IDs" },
        { IKE_KIND_QUICK, 2, "nonce" }, { IKE_KIND_QUICK, 3, "HASH(3)" }, { IKE_KIND_INFO, 0, "notify" },
        { IKE_KIND_INFO, 0, "Delete" }, { IKE_KIND_TRANSACTION, 0, "XAUTH" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(carries); i++)
        g_assert_nonnull(strstr(ike_explain(carries[i].kind, carries[i].step), carries[i].word));
    for (unsigned s = 1; s <= 6; s++)
        g_assert_nonnull(ike_explain(IKE_KIND_MAIN, s));
    for (unsigned s = 1; s <= 3; s++) {
        g_assert_nonnull(ike_explain(IKE_KIND_AGGRESSIVE, s));
        g_assert_nonnull(ike_explain(IKE_KIND_QUICK, s));
    }
    g_assert_nonnull(ike_explain(IKE_KIND_INFO, 0));
    g_assert_nonnull(ike_explain(IKE_KIND_TRANSACTION, 0));
    g_assert_null(ike_explain(IKE_KIND_MAIN, 7));
}

static void test_proposal_format(void)
{
    char buf[128];
    ike_transform_t t = { .encryption = 7, .key_length = 256, .hash = 4, .group = 14, .auth_method = 1 };
    g_assert_cmpstr(ike_format_phase1(&t, buf, sizeof buf), ==, "AES-CBC-256/SHA2-256/MODP-2048/PSK");
    ike_transform_t u = { .encryption = 5, .hash = 2, .group = 2, .auth_method = 3 };
    ike_transform_t list[2] = { t, u };
    g_assert_cmpstr(ike_format_list(list, 2, 3, IKE_PROPOSAL_PHASE1, buf, sizeof buf), ==,
                    "AES-CBC-256/SHA2-256/MODP-2048/PSK, 3DES-CBC/SHA1/MODP-1024/RSA-SIG +1 more");
    ike_transform_t odd = { .encryption = 99, .hash = 2 };
    g_assert_cmpstr(ike_format_phase1(&odd, buf, sizeof buf), ==, "ENC99/SHA1");
    g_assert_cmpstr(ike_format_phase1(&t, buf, 8), ==, "AES-CBC");
    ike_transform_t esp = { .encryption = 12, .key_length = 128, .hash = 5, .encap_mode = 61443, .group = 14 };
    g_assert_cmpstr(ike_format_phase2(&esp, buf, sizeof buf), ==, "ESP AES-CBC-128/HMAC-SHA2-256/udp-tunnel/PFS MODP-2048");
    /* Cisco 'ah-sha-hmac esp-aes': AH and IPComp ids are not ESP ciphers (RFC 2407 4.4) */
    ike_transform_t ah = { .encryption = 3, .hash = 2, .encap_mode = 1, .protocol = 2 };
    g_assert_cmpstr(ike_format_phase2(&ah, buf, sizeof buf), ==, "AH HMAC-SHA1/HMAC-SHA1/tunnel");
    ike_transform_t comp = { .encryption = 2, .protocol = 4 }, unknown = { .encryption = 9, .protocol = 2 };
    ike_transform_t ah_esp[3] = { ah, esp, comp };
    g_assert_cmpstr(ike_format_list(ah_esp, 3, 3, IKE_PROPOSAL_PHASE2, buf, sizeof buf), ==,
                    "AH HMAC-SHA1/HMAC-SHA1/tunnel, ESP AES-CBC-128/HMAC-SHA2-256/udp-tunnel/PFS MODP-2048, IPCOMP DEFLATE");
    g_assert_cmpstr(ike_format_phase2(&unknown, buf, sizeof buf), ==, "AH AH9");
}

/* IKEv2 proposals read as strongSwan logs them (RFC 7296 3.3.2 registries). */
static void test_proposal_format_v2(void)
{
    char buf[160];
    ike_transform_t ike = { .protocol = 1, .encryption = 12, .key_length = 128, .hash = 12, .prf = 5, .group = 14 };
    ike_transform_t aead = { .protocol = 1, .encryption = 20, .key_length = 256, .prf = 7, .group = 31,
                             .alternatives = 2 };
    ike_transform_t esp = { .protocol = 3, .encryption = 12, .key_length = 256, .hash = 14, .esn = 1 };
    ike_transform_t odd = { .protocol = 3, .encryption = 99, .group = 99, .esn = 8 }; /* ESN id 7 */
    ike_transform_t list[3] = { ike, aead, esp };
    g_assert_cmpstr(ike_format_list(list, 2, 3, IKE_PROPOSAL_V2, buf, sizeof buf), ==,
                    "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048, "
                    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_512/CURVE_25519 (+2 algorithms) +1 more");
    g_assert_cmpstr(ike_format_list(&list[2], 1, 1, IKE_PROPOSAL_V2, buf, sizeof buf), ==,
                    "ESP:AES_CBC_256/HMAC_SHA2_512_256/NO_EXT_SEQ");
    g_assert_cmpstr(ike_format_list(&odd, 1, 1, IKE_PROPOSAL_V2, buf, sizeof buf), ==, "ESP:ENCR99/DH99/ESN7");
}

/* MM#3 as captured (test-pcaps): NAT-D hashes with SHA2-256 over the cookies and each
 * end's address and port, RFC 3947 section 3.2. */
static ike_msg_t captured_mm3(uint64_t icky, uint64_t rcky, const uint8_t src[4], const uint8_t dst[4],
                              const char *hash0, const char *hash1)
{
    ike_msg_t m;
    memset(&m, 0, sizeof m);
    m.icookie = icky;
    m.rcookie = rcky;
    m.src.family = m.dst.family = 4;
    memcpy(m.src.addr, src, 4);
    memcpy(m.dst.addr, dst, 4);
    m.src.port = m.dst.port = 500;
    const char *hex[2] = { hash0, hash1 };
    for (unsigned i = 0; i < 2; i++) {
        for (unsigned b = 0; b < 32; b++)
            sscanf(hex[i] + 2 * b, "%2hhx", &m.nat_d[i][b]);
        m.nat_d_len[i] = 32;
    }
    m.n_nat_d = 2;
    return m;
}

static void test_nat_d_on_real_messages(void)
{
    const uint8_t left[4] = { 198, 51, 100, 1 }, right[4] = { 198, 51, 100, 2 };
    ike_msg_t direct = captured_mm3(0xa9b5b7a8c01e5a70ull, 0x353443a5c775495bull, left, right,
                                    "509fdb8bf98664364e542fb89abc6955cced017185c5b8e6d904d0f81d497fbd",
                                    "3b1fb6f5edb1abac0ae59ad572d3d2bfad47544105d836d20a9395b629c150d4");
    /* ok-main-quick: the destination hash matches, but strongSwan with kernel-libipsec
     * sends a fake hash for itself to force UDP encapsulation, so it reads as a NAT */
    g_assert_cmpint(ike_nat_detected(&direct, 4), ==, 1);
    /* with its true source hash (computed apart, with Python's hashlib) there is none */
    for (unsigned b = 0; b < 32; b++)
        sscanf("6159640cbbe5e8a68cee9c8a252af1fd6792494346087554d5119402362e9e2e" + 2 * b, "%2hhx",
               &direct.nat_d[1][b]);
    g_assert_cmpint(ike_nat_detected(&direct, 4), ==, 0);
    g_assert_cmpint(ike_nat_detected(&direct, 2), ==, 1); /* SHA1 cannot match a SHA2-256 hash */
    g_assert_cmpint(ike_nat_detected(&direct, 99), ==, -1);

    const uint8_t nat_public[4] = { 203, 0, 113, 254 }, responder[4] = { 203, 0, 113, 2 };
    ike_msg_t natted = captured_mm3(0xcd7e86ae154555f5ull, 0x42d3575ade425965ull, nat_public, responder,
                                    "aa1e7702aba5093970e3e602c8acafcff5b7982e16121ff1ed7f0b0529fc7e53",
                                    "97138d1f0db7ad1770fabe11c3a5847994297b20de3a09c3ea3adfa12df286f0");
    g_assert_cmpint(ike_nat_detected(&natted, 4), ==, 1); /* nat-t-4500-blocked-at-nat */
    natted.n_nat_d = 1;
    g_assert_cmpint(ike_nat_detected(&natted, 4), ==, -1);
}

static ike_proxy_id_t proxy_id(unsigned type, unsigned protocol, unsigned port, const uint8_t *data, size_t len)
{
    ike_proxy_id_t id = { (uint8_t)type, (uint8_t)protocol, (uint16_t)port, (uint8_t)len, { 0 } };
    memcpy(id.data, data, len);
    return id;
}

static void test_proxy_ids(void)
{
    char buf[256];
    static const uint8_t net[8] = { 192, 0, 2, 0, 255, 255, 255, 240 }, host[4] = { 192, 0, 2, 130 };
    static const uint8_t odd_mask[8] = { 203, 0, 113, 0, 255, 0, 255, 0 };
    static const uint8_t range[8] = { 198, 51, 100, 10, 198, 51, 100, 20 };
    uint8_t v6[32] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
    memset(v6 + 16, 0xff, 6); /* /48 */
    ike_proxy_id_t ids[2] = { proxy_id(IKE_ID_IPV4_ADDR_SUBNET, 0, 0, net, 8),
                              proxy_id(IKE_ID_IPV4_ADDR, 17, 500, host, 4) };
    g_assert_cmpstr(ike_format_proxy_ids(ids, 2, buf, sizeof buf), ==, "192.0.2.0/28 <-> 192.0.2.130 udp/500");
    ids[0] = proxy_id(IKE_ID_IPV4_ADDR_SUBNET, 50, 0, odd_mask, 8);
    ids[1] = proxy_id(IKE_ID_IPV4_ADDR_RANGE, 6, 443, range, 8);
    g_assert_cmpstr(ike_format_proxy_ids(ids, 2, buf, sizeof buf), ==,
                    "203.0.113.0 mask 255.0.255.0 proto 50/0 <-> 198.51.100.10-198.51.100.20 tcp/443");
    ids[0] = proxy_id(IKE_ID_IPV6_ADDR_SUBNET, 0, 0, v6, 32);
    ids[1] = proxy_id(2 /* ID_FQDN */, 0, 0, (const uint8_t *)"vpn", 3);
    g_assert_cmpstr(ike_format_proxy_ids(ids, 2, buf, sizeof buf), ==, "2001:db8:1:0:0:0:0:0/48 <-> ID type 2");
    ids[0] = proxy_id(IKE_ID_IPV4_ADDR_SUBNET, 0, 0, net, 6); /* too short for its type */
    g_assert_cmpstr(ike_format_proxy_ids(ids, 1, buf, sizeof buf), ==, "ID type 4");
    ids[0] = proxy_id(IKE_ID_IPV4_ADDR_SUBNET, 0, 0, net, 8);
    g_assert_cmpstr(ike_format_proxy_ids(ids, 1, buf, 8), ==, "192.0.2"); /* cut, terminated */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/names/notify-ikev1", test_notify_names_are_ikev1);
    g_test_add_func("/names/proxy-ids", test_proxy_ids);
    g_test_add_func("/names/proposal-format-v2", test_proposal_format_v2);
    g_test_add_func("/names/explanations", test_explanations_name_payloads);
    g_test_add_func("/names/proposal-format", test_proposal_format);
    g_test_add_func("/names/nat-d", test_nat_d_on_real_messages);
    return g_test_run();
}
