/* test_names.c: labels, notify names (RFC 2408, not IKEv2), explanations, proposals. */
#include "explain.h"
#include "names.h"
#include "proposal.h"

#include <glib.h>
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
    g_assert_cmpstr(ike_format_list(list, 2, 3, false, buf, sizeof buf), ==,
                    "AES-CBC-256/SHA2-256/MODP-2048/PSK, 3DES-CBC/SHA1/MODP-1024/RSA-SIG +1 more");
    ike_transform_t odd = { .encryption = 99, .hash = 2 };
    g_assert_cmpstr(ike_format_phase1(&odd, buf, sizeof buf), ==, "ENC99/SHA1");
    g_assert_cmpstr(ike_format_phase1(&t, buf, 8), ==, "AES-CBC");
    ike_transform_t esp = { .encryption = 12, .key_length = 128, .hash = 5, .encap_mode = 61443, .group = 14 };
    g_assert_cmpstr(ike_format_phase2(&esp, buf, sizeof buf), ==, "ESP AES-CBC-128/HMAC-SHA2-256/udp-tunnel/PFS MODP-2048");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/names/notify-ikev1", test_notify_names_are_ikev1);
    g_test_add_func("/names/explanations", test_explanations_name_payloads);
    g_test_add_func("/names/proposal-format", test_proposal_format);
    return g_test_run();
}
