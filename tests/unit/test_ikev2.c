/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ikev2.c: IKEv2 numbering and links in the model (ikev2.c, ike_model.c).
 *
 * Labels and roles from the R and I flags, exchanges keyed by message ID and requester
 * (RFC 7296 section 2.2: each side numbers its own requests), IKE_SA_INIT rounds after a
 * COOKIE or INVALID_KE_PAYLOAD answer, resends and fragments, states, rekeyed IKE SAs,
 * and a response without its request.  The verdicts are test_rules.c's (scenarios_v2.c).
 */
#include "builders.h"
#include "model_internal.h"
#include "diagnose.h"
#include "explain.h"
#include "ike_parse.h"
#include "names.h"

#include <glib.h>
#include <string.h>

#define SA_INIT IKE2_XCHG_SA_INIT
#define AUTH IKE2_XCHG_AUTH
#define CHILD IKE2_XCHG_CREATE_CHILD_SA
#define INFO IKE2_XCHG_INFORMATIONAL

static const ike_diag_context_t long_capture = { .capture_end = 100000, .silence_threshold = 10 };

static void assert_msg(const ike_result_t *r, const char *label, ike_role_t role, const char *state)
{
    char buf[16];
    g_assert_cmpstr(ike_label(r, buf, sizeof buf), ==, label);
    g_assert_cmpint(r->role, ==, role);
    g_assert_cmpstr(ike_cisco_state_name((ike_cisco_state_t)r->state), ==, state);
}

static ike_outcome_t outcome_of(const ike_exchange_t *ex)
{
    ike_verdict_t v;
    ike_diagnose(ex, &long_capture, &v);
    return (ike_outcome_t)v.outcome;
}

/* A normal SA, then the responder asks first (its own message ID 0) while the initiator's
 * requests go on at 2: two exchanges with message ID 0, told apart by the requester. */
static void test_requests_from_both_sides(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x2001, PEER_A);
    ike_result_t *r[8];
    r[0] = send_v2(&c, PEER_A, SA_INIT, 0, false, 0, false, 1);
    r[1] = send_v2(&c, PEER_B, SA_INIT, 0, true, 0, false, 1);
    r[2] = send_v2(&c, PEER_A, AUTH, 1, false, 0, false, 2);
    r[3] = send_v2(&c, PEER_B, AUTH, 1, true, 0, false, 2);
    r[4] = send_v2(&c, PEER_B, INFO, 0, false, 0, false, 3); /* the responder's first request */
    r[5] = send_v2(&c, PEER_A, INFO, 0, true, 0, false, 3);
    r[6] = send_v2(&c, PEER_A, CHILD, 2, false, 0, false, 4);
    r[7] = send_v2(&c, PEER_B, CHILD, 2, true, 0, false, 4);
    assert_msg(r[0], "SA_INIT#1", IKE_ROLE_INITIATOR, "CONNECTING");
    assert_msg(r[1], "SA_INIT#2", IKE_ROLE_RESPONDER, "CONNECTING");
    assert_msg(r[2], "AUTH#1", IKE_ROLE_INITIATOR, "CONNECTING");
    assert_msg(r[3], "AUTH#2", IKE_ROLE_RESPONDER, "ESTABLISHED");
    assert_msg(r[4], "INFO#1", IKE_ROLE_RESPONDER, "ESTABLISHED");
    assert_msg(r[5], "INFO#2", IKE_ROLE_INITIATOR, "ESTABLISHED");
    assert_msg(r[6], "CHILD#1", IKE_ROLE_INITIATOR, "ESTABLISHED");
    assert_msg(r[7], "CHILD#2", IKE_ROLE_RESPONDER, "ESTABLISHED");
    /* the responder's INFORMATIONAL (message ID 0) is not the initiator's IKE_SA_INIT's */
    g_assert_true(r[4]->exchange != r[0]->exchange);
    g_assert_false(r[4]->exchange->requester_is_initiator);
    for (unsigned i = 1; i < 8; i += 2) {
        g_assert_cmpuint(r[i]->request_in, ==, r[i - 1]->frame);
        g_assert_cmpuint(r[i - 1]->response_in, ==, r[i]->frame);
        g_assert_true(r[i]->exchange == r[i - 1]->exchange);
        g_assert_cmpint(outcome_of(r[i]->exchange), ==, IKE_OUTCOME_COMPLETE);
    }
    g_assert_true(r[0]->exchange->sa->phase1_done);
    g_assert_cmpuint(r[0]->exchange->sa->version, ==, 2);
    char name[16];
    g_assert_cmpstr(ike_exchange_name(r[4]->exchange, name, sizeof name), ==, "INFO1");
    g_assert_cmpstr(ike_exchange_name(r[6]->exchange, name, sizeof name), ==, "CHILD1");
    g_assert_cmpstr(ike_exchange_name(r[2]->exchange, name, sizeof name), ==, "AUTH");
    ike_model_free(model);
}

/* INVALID_KE_PAYLOAD asking for group 19, then the same SPIi again with message ID 0:
 * a new round, linked to the answer, explained; the first round is done, not stalled. */
static void test_invalid_ke_retry(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x2002, PEER_A);
    ike_result_t *first = send_v2(&c, PEER_A, SA_INIT, 0, false, 0, false, 1);
    ike_msg_t answer = build_v2(&c, PEER_B, SA_INIT, 0, true, IKE2_N_INVALID_KE_PAYLOAD, false, 1);
    answer.rcookie = 0; /* strongSwan answers with responder SPI zero */
    answer.ke_group = 19;
    ike_result_t *refusal = send_msg(&c, PEER_B, answer, 0.01);
    ike_result_t *retry = send_v2(&c, PEER_A, SA_INIT, 0, false, 0, false, 5);
    ike_result_t *reply = send_v2(&c, PEER_B, SA_INIT, 0, true, 0, false, 5);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 1);
    assert_msg(retry, "SA_INIT#1", IKE_ROLE_INITIATOR, "CONNECTING");
    g_assert_true(retry->exchange != first->exchange);
    g_assert_cmpuint(ike_result_retry_of(retry), ==, refusal->frame);
    g_assert_cmpuint(retry->retrans_of, ==, 0);
    g_assert_false(retry->notes & IKE_NOTE_UNEXPECTED);
    g_assert_cmpuint(reply->request_in, ==, retry->frame);
    g_assert_cmpuint(refusal->request_in, ==, first->frame);
    g_assert_cmpint(outcome_of(first->exchange), ==, IKE_OUTCOME_COMPLETE);
    g_assert_cmpuint(ike_result_refusal(refusal), ==, IKE2_N_INVALID_KE_PAYLOAD);
    char buf[256], name[16];
    g_assert_nonnull(strstr(ike_explain_message(retry, buf, sizeof buf), "a retry with DH group 19"));
    g_assert_cmpstr(ike_exchange_name(retry->exchange, name, sizeof name), ==, "SA_INIT2");
    /* the retry's first copy again is a resend of it, not a third round */
    ike_result_t *again = send_v2(&c, PEER_A, SA_INIT, 0, false, 0, false, 5);
    g_assert_cmpuint(again->retrans_of, ==, retry->frame);
    ike_model_free(model);
}

/* Three SKF fragments of one IKE_AUTH request and of its response (RFC 7383), then the
 * whole request resent: fragments are one message, resends count per fragment. */
static void test_fragments(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x2003, PEER_A);
    send_v2_sa_init(&c);
    ike_result_t *f[6];
    for (unsigned i = 0; i < 6; i++) {
        enum peer from = i < 3 ? PEER_A : PEER_B;
        ike_msg_t m = build_v2(&c, from, AUTH, 1, i >= 3, 0, false, 10 + i);
        m.payloads_v2 = IKE2_PL_BIT(IKE2_PL_SKF);
        m.fragment_number = (uint16_t)(i % 3 + 1);
        m.fragment_total = 3;
        f[i] = send_msg(&c, from, m, 0.01);
    }
    for (unsigned i = 0; i < 6; i++) {
        g_assert_true(f[i]->notes & IKE_NOTE_FRAGMENT);
        g_assert_false(f[i]->notes & (IKE_NOTE_UNEXPECTED | IKE_NOTE_REQUEST_MISSING));
        g_assert_true(f[i]->exchange == f[0]->exchange);
    }
    g_assert_true(f[3]->completes);
    g_assert_false(f[4]->completes);
    g_assert_cmpuint(f[3]->request_in, ==, f[2]->frame); /* the last fragment of the request */
    g_assert_cmpuint(f[0]->response_in, ==, f[3]->frame);
    g_assert_cmpint(outcome_of(f[0]->exchange), ==, IKE_OUTCOME_COMPLETE);
    ike_model_free(model);
}

/* An IKE SA rekeyed by CREATE_CHILD_SA: the new SPI pair's first message is an
 * INFORMATIONAL (the old SA's Delete goes on the old pair); it is a rekey, up from its start. */
static void test_ike_rekey(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c, rekeyed;
    conv_init(&c, model, 0x2004, PEER_A);
    send_v2_sa_init(&c);
    send_v2(&c, PEER_A, AUTH, 1, false, 0, false, 2);
    send_v2(&c, PEER_B, AUTH, 1, true, 0, false, 2);
    send_v2(&c, PEER_A, CHILD, 2, false, 0, false, 3);
    send_v2(&c, PEER_B, CHILD, 2, true, 0, false, 3);
    conv_init(&rekeyed, model, 0x2005, PEER_A);
    conv_follow(&rekeyed, &c);
    ike_result_t *info = send_v2(&rekeyed, PEER_A, INFO, 0, false, 0, false, 4);
    const ike_sa_t *old = ike_model_first_sa(model), *sa = info->exchange->sa;
    g_assert_true(sa != old);
    g_assert_true(sa->rekey_of == old);
    assert_msg(info, "INFO#1", IKE_ROLE_INITIATOR, "ESTABLISHED");
    g_assert_cmpuint(old->superseded_in, ==, 0);
    /* a fresh IKE_SA_INIT between the same peers is a new attempt, not a rekey */
    conv_t fresh;
    conv_init(&fresh, model, 0x2006, PEER_A);
    conv_follow(&fresh, &rekeyed);
    ike_result_t *init = send_v2(&fresh, PEER_A, SA_INIT, 0, false, 0, false, 1);
    g_assert_null(init->exchange->sa->rekey_of);
    ike_model_free(model);
}

/* A capture that starts after a request: its response is an orphan, noted once. */
static void test_response_without_request(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x2007, PEER_A);
    ike_result_t *r = send_v2(&c, PEER_B, AUTH, 1, true, 0, false, 2);
    assert_msg(r, "AUTH#2", IKE_ROLE_RESPONDER, "ESTABLISHED");
    g_assert_true(r->notes & IKE_NOTE_REQUEST_MISSING);
    g_assert_cmpuint(r->request_in, ==, 0);
    g_assert_cmpint(outcome_of(r->exchange), ==, IKE_OUTCOME_ORPHAN);
    ike_model_free(model);
}

/* An IKEv2 SA payload (RFC 7296 3.3): each proposal summed up as the first algorithm of
 * each transform type; a second ENCR counts as an alternative; the Key Length attribute. */
static void test_sa_payload_proposals(void)
{
    static const uint8_t sa[] = {
        0, 0, 0, 64, /* SA payload: no next, 64 bytes */
        2, 0, 0, 52, 1, 1, 0, 5, /* proposal 1, more follow: IKE, no SPI, 5 transforms */
        3, 0, 0, 12, 1, 0, 0, 12, 0x80, 0x0e, 0, 128, /* ENCR AES_CBC, key length 128 */
        3, 0, 0, 8, 1, 0, 0, 20, /* ENCR AES_GCM_16: an alternative */
        3, 0, 0, 8, 3, 0, 0, 12, /* INTEG HMAC_SHA2_256_128 */
        3, 0, 0, 8, 2, 0, 0, 5, /* PRF HMAC_SHA2_256 */
        0, 0, 0, 8, 4, 0, 0, 14, /* D-H MODP_2048 */
        0, 0, 0, 8, 2, 1, 0, 0, /* proposal 2, the last: IKE, ... */
    };
    /* ... whose length says 8 but it holds no transform: read, with nothing in it */
    ike_bytes_t body = { sa, sizeof sa, sizeof sa };
    ike_msg_t msg = { .major_version = 2 };
    ike2_parse_body(&body, IKE2_PL_SA, &msg);
    g_assert_false(msg.malformed);
    g_assert_cmpuint(msg.sa_protocol, ==, 1);
    g_assert_cmpuint(msg.n_transforms, ==, 2);
    g_assert_cmpuint(msg.n_transforms_total, ==, 2);
    const ike_transform_t *p = &msg.transforms[0];
    g_assert_cmpuint(p->protocol, ==, 1);
    g_assert_cmpuint(p->encryption, ==, 12);
    g_assert_cmpuint(p->key_length, ==, 128);
    g_assert_cmpuint(p->hash, ==, 12);
    g_assert_cmpuint(p->prf, ==, 5);
    g_assert_cmpuint(p->group, ==, 14);
    g_assert_cmpuint(p->alternatives, ==, 1);
    g_assert_cmpuint(msg.transforms[1].encryption, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ikev2/requests-from-both-sides", test_requests_from_both_sides);
    g_test_add_func("/ikev2/invalid-ke-retry", test_invalid_ke_retry);
    g_test_add_func("/ikev2/fragments", test_fragments);
    g_test_add_func("/ikev2/ike-rekey", test_ike_rekey);
    g_test_add_func("/ikev2/response-without-request", test_response_without_request);
    g_test_add_func("/ikev2/sa-payload-proposals", test_sa_payload_proposals);
    return g_test_run();
}
