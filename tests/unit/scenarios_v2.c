/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenarios_v2.c: every IKEv2 row of the rule table reached by a hand-built capture.
 *
 * Sequences as strongSwan and libreswan send them (shared/reference/ikev2-on-the-wire.md,
 * RFC 7296): IKE_SA_INIT refused in clear or never answered, IKE_AUTH refused (readable
 * with keys, or too small to be an answer), lost or unanswered, CREATE_CHILD_SA and
 * INFORMATIONAL requests that go wrong.  A is the original initiator; frames count
 * from 1.  Expected values are worked out from the sequence, as comments say.
 */
#include "scenarios.h"

#include <string.h>

#define SA_INIT IKE2_XCHG_SA_INIT
#define AUTH IKE2_XCHG_AUTH
#define CHILD IKE2_XCHG_CREATE_CHILD_SA
#define INFO IKE2_XCHG_INFORMATIONAL
#define INTER IKE2_XCHG_INTERMEDIATE

/* ---- IKE_SA_INIT -------------------------------------------------------------------- */

/* A's IKE_SA_INIT request; with `nat`, NAT detection hashes that match no address: a NAT
 * on the path (RFC 7296 section 2.23). */
static ike_msg_t sa_init_request(const conv_t *c, bool nat)
{
    ike_msg_t init = build_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1);
    if (nat) {
        init.n_nat_d = 2;
        init.nat_d_len[0] = init.nat_d_len[1] = 20;
        memset(init.nat_d[0], 0x11, 20);
        memset(init.nat_d[1], 0x22, 20);
    }
    return init;
}

static const ike_exchange_t *sa_init_answered(conv_t *c, uint16_t notify, uint16_t group)
{
    const ike_exchange_t *ex = send_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1)->exchange;
    ike_msg_t answer = build_v2(c, PEER_B, SA_INIT, 0, true, notify, false, 1);
    answer.ke_group = group;
    send_msg(c, PEER_B, answer, 0.01);
    return ex;
}

static const ike_exchange_t *sa_init_n14(conv_t *c) { return sa_init_answered(c, IKE2_N_NO_PROPOSAL_CHOSEN, 0); }
static const ike_exchange_t *sa_init_invalid_ke(conv_t *c) { return sa_init_answered(c, IKE2_N_INVALID_KE_PAYLOAD, 19); }
static const ike_exchange_t *sa_init_cookie(conv_t *c) { return sa_init_answered(c, IKE2_N_COOKIE, 0); }
static const ike_exchange_t *sa_init_n7(conv_t *c) { return sa_init_answered(c, IKE2_N_INVALID_SYNTAX, 0); }

/* the answer (2) never reaches A, which resends its request a second later (3) */
static const ike_exchange_t *sa_init_reply_lost(conv_t *c)
{
    const ike_exchange_t *ex = sa_init_answered(c, 0, 0);
    send_msg(c, PEER_A, build_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1), 1.0);
    return ex;
}

static const ike_exchange_t *sa_init_resent(conv_t *c)
{
    const ike_exchange_t *ex = send_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1)->exchange;
    send_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1);
    send_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1);
    return ex;
}

/* B brings up its own IKE SA 25 s later (frames 2-5): A's unanswered attempt is superseded. */
static const ike_exchange_t *sa_init_later_sa_up(conv_t *c)
{
    const ike_exchange_t *ex = send_v2(c, PEER_A, SA_INIT, 0, false, 0, false, 1)->exchange;
    conv_t back;
    conv_init(&back, c->model, c->icookie + 1, PEER_B);
    conv_follow(&back, c);
    back.time += 25;
    send_v2_sa_init(&back);
    send_v2(&back, PEER_B, AUTH, 1, false, 0, false, 2);
    send_v2(&back, PEER_A, AUTH, 1, true, 0, false, 2);
    return ex;
}

/* IKE_SA_INIT (1, 2) answered, then nothing; the request's hashes show a NAT or not */
static const ike_exchange_t *sa_init_then_nothing(conv_t *c, bool nat)
{
    ike_msg_t init = sa_init_request(c, nat);
    const ike_exchange_t *ex = send_msg(c, PEER_A, init, 0.01)->exchange;
    send_v2(c, PEER_B, SA_INIT, 0, true, 0, false, 1);
    return ex;
}

/* strongSwan gives up on IKE_AUTH and starts over with a new SPI (frame 3), as in
 * test-pcaps/v2-nat-t-blocked */
static const ike_exchange_t *no_auth_behind_nat(conv_t *c)
{
    const ike_exchange_t *ex = sa_init_then_nothing(c, true);
    conv_t again;
    conv_init(&again, c->model, c->icookie + 1, PEER_A);
    conv_follow(&again, c);
    again.time += 30;
    send_v2(&again, PEER_A, SA_INIT, 0, false, 0, false, 1);
    return ex;
}
static const ike_exchange_t *no_auth(conv_t *c) { return sa_init_then_nothing(c, false); }

/* ---- IKE_AUTH (message ID 1, after SA_INIT in frames 1-2) --------------------------- */

static const ike_exchange_t *auth_answered(conv_t *c, uint16_t notify)
{
    send_v2_sa_init(c);
    const ike_exchange_t *ex = send_v2(c, PEER_A, AUTH, 1, false, 0, true, 2)->exchange;
    send_v2(c, PEER_B, AUTH, 1, true, notify, true, 2);
    return ex;
}

static const ike_exchange_t *auth_n24(conv_t *c) { return auth_answered(c, IKE2_N_AUTHENTICATION_FAILED); }
static const ike_exchange_t *auth_n38(conv_t *c) { return auth_answered(c, IKE2_N_TS_UNACCEPTABLE); }
static const ike_exchange_t *auth_n14(conv_t *c) { return auth_answered(c, IKE2_N_NO_PROPOSAL_CHOSEN); }

/* strongSwan as initiator refusing the responder's AUTH: INFORMATIONAL with N(24). */
static const ike_exchange_t *auth_refused_by_initiator(conv_t *c)
{
    const ike_exchange_t *ex = auth_answered(c, 0);
    send_v2(c, PEER_A, INFO, 2, false, IKE2_N_AUTHENTICATION_FAILED, true, 3);
    return ex;
}

static const ike_exchange_t *auth_small_answer(conv_t *c)
{
    send_v2_sa_init(c);
    const ike_exchange_t *ex = send_v2(c, PEER_A, AUTH, 1, false, 0, false, 2)->exchange;
    ike_msg_t answer = build_v2(c, PEER_B, AUTH, 1, true, 0, false, 2);
    answer.length = 80;
    send_msg(c, PEER_B, answer, 0.01);
    return ex;
}

/* the answer (frame 4) never reaches A, which resends its request 2 s later (frame 5);
 * B answers the copy with a copy (frame 6) */
static const ike_exchange_t *auth_reply_lost(conv_t *c)
{
    const ike_exchange_t *ex = auth_answered(c, 0);
    send_msg(c, PEER_A, build_v2(c, PEER_A, AUTH, 1, false, 0, true, 2), 2.0);
    send_v2(c, PEER_B, AUTH, 1, true, 0, true, 2);
    return ex;
}

/* IKE_AUTH sent 3 times (frames 3-5); `setup` shapes it */
static const ike_exchange_t *auth_resent(conv_t *c, bool nat, bool fragmented)
{
    ike_msg_t init = sa_init_request(c, nat);
    send_msg(c, PEER_A, init, 0.01);
    send_v2(c, PEER_B, SA_INIT, 0, true, 0, false, 1);
    c->nat_t = nat;
    const ike_exchange_t *ex = NULL;
    for (unsigned i = 0; i < 3; i++) {
        ike_msg_t request = build_v2(c, PEER_A, AUTH, 1, false, 0, false, 2);
        request.ip_fragmented = fragmented;
        ex = send_msg(c, PEER_A, request, 1.0)->exchange;
    }
    return ex;
}

static const ike_exchange_t *auth_float_blocked(conv_t *c) { return auth_resent(c, true, false); }
static const ike_exchange_t *auth_fragments(conv_t *c) { return auth_resent(c, false, true); }
static const ike_exchange_t *auth_unanswered(conv_t *c) { return auth_resent(c, false, false); }

/* ---- after IKE_AUTH (frames 1-4): CREATE_CHILD_SA, INFORMATIONAL --------------------- */

static void establish_ike_sa(conv_t *c)
{
    auth_answered(c, 0);
}

static const ike_exchange_t *child_answered(conv_t *c, uint16_t notify)
{
    establish_ike_sa(c);
    const ike_exchange_t *ex = send_v2(c, PEER_A, CHILD, 2, false, 0, true, 3)->exchange;
    send_v2(c, PEER_B, CHILD, 2, true, notify, true, 3);
    return ex;
}

static const ike_exchange_t *child_n38(conv_t *c) { return child_answered(c, IKE2_N_TS_UNACCEPTABLE); }
static const ike_exchange_t *child_n14(conv_t *c) { return child_answered(c, IKE2_N_NO_PROPOSAL_CHOSEN); }

static const ike_exchange_t *child_small_answer(conv_t *c)
{
    establish_ike_sa(c);
    const ike_exchange_t *ex = send_v2(c, PEER_A, CHILD, 2, false, 0, false, 3)->exchange;
    ike_msg_t answer = build_v2(c, PEER_B, CHILD, 2, true, 0, false, 3);
    answer.length = 80;
    send_msg(c, PEER_B, answer, 0.01);
    return ex;
}

static const ike_exchange_t *child_reply_lost(conv_t *c)
{
    const ike_exchange_t *ex = child_answered(c, 0);
    send_msg(c, PEER_A, build_v2(c, PEER_A, CHILD, 2, false, 0, true, 3), 2.0);
    send_v2(c, PEER_B, CHILD, 2, true, 0, true, 3);
    return ex;
}

static const ike_exchange_t *request_resent(conv_t *c, uint8_t type)
{
    establish_ike_sa(c);
    const ike_exchange_t *ex = NULL;
    for (unsigned i = 0; i < 3; i++)
        ex = send_msg(c, PEER_A, build_v2(c, PEER_A, type, 2, false, 0, false, 3), 1.0)->exchange;
    return ex;
}

static const ike_exchange_t *child_unanswered(conv_t *c) { return request_resent(c, CHILD); }
static const ike_exchange_t *liveness_unanswered(conv_t *c) { return request_resent(c, INFO); }

static const ike_exchange_t *intermediate_unanswered(conv_t *c)
{
    send_v2_sa_init(c);
    const ike_exchange_t *ex = send_v2(c, PEER_A, INTER, 1, false, 0, false, 2)->exchange;
    send_msg(c, PEER_A, build_v2(c, PEER_A, INTER, 1, false, 0, false, 2), 1.0);
    return ex;
}

/* ---- the scenarios ------------------------------------------------------------------ */

#define K_SA_INIT IKE_KIND_SA_INIT
#define K_AUTH IKE_KIND_AUTH
#define K_CHILD IKE_KIND_CHILD
#define K_INFO IKE_KIND_INFO2
#define K_INTER IKE_KIND_INTER
#define ANY IKE_EV_ANY
#define CLEAR IKE_EV_CLEAR_NOTIFY
#define READ IKE_EV_READ_NOTIFY

const scenario_t v2_scenarios[] = {
    /* IKE_SA_INIT answered in clear: the request (1) and the refusal (2) */
    { "n14", "ike-proposal", K_SA_INIT, 2, CLEAR, IKE2_N_NO_PROPOSAL_CHOSEN, sa_init_n14,
      2, CLEAR, 14, 1, 2, { 1, 2 }, "SA_INIT#1 sent once; the responder answered NO_PROPOSAL_CHOSEN in clear" },
    { "invalid-ke-no-retry", "dh-group", K_SA_INIT, 2, CLEAR, IKE2_N_INVALID_KE_PAYLOAD, sa_init_invalid_ke,
      2, CLEAR, 17, 1, 2, { 1, 2 },
      "SA_INIT#1 sent once; the responder answered INVALID_KE_PAYLOAD asking for DH group 19, and no retry followed" },
    { "cookie-no-retry", "cookie-ignored", K_SA_INIT, 2, CLEAR, IKE2_N_COOKIE, sa_init_cookie,
      2, CLEAR, IKE2_N_COOKIE, 1, 2, { 1, 2 },
      "SA_INIT#1 sent once; the responder answered with a COOKIE, and no retry with it followed" },
    { "n7", "ike-proposal", K_SA_INIT, 2, CLEAR, 0, sa_init_n7,
      2, CLEAR, 7, 1, 2, { 1, 2 }, "SA_INIT#1 sent once; the responder answered INVALID_SYNTAX in clear" },
    { "answer-lost", "reply-lost", K_SA_INIT, 2, IKE_EV_PEER_RESEND, 0, sa_init_reply_lost,
      2, IKE_EV_PEER_RESEND, 0, 2, 3, { 1, 3, 2 },
      "SA_INIT#1 sent twice; the responder answered, and the request came again, as if the answer never arrived" },
    /* never answered */
    { "later-sa-up", "no-response", K_SA_INIT, 2, IKE_EV_LATER_SA_UP, 0, sa_init_later_sa_up,
      2, IKE_EV_LATER_SA_UP, 0, 1, 1, { 1, 2 },
      "SA_INIT#1 sent once, never answered; superseded by SA 2 (complete)" },
    { "resent", "no-response", K_SA_INIT, 2, ANY, 0, sa_init_resent,
      2, IKE_EV_RESENT, 0, 3, 3, { 1, 3 }, "SA_INIT#1 sent 3 times, never answered" },

    /* IKE_SA_INIT answered (1, 2), IKE_AUTH never seen: the stall point is AUTH#1 */
    { "nat-then-nothing-on-4500", "nat-t-blocked", K_SA_INIT, 3, IKE_EV_NAT_SILENCE, 0, no_auth_behind_nat,
      3, IKE_EV_NAT_SILENCE, 0, 1, 2, { 1, 2, 3 },
      "SA_INIT#1 sent once and answered; the NAT detection hashes show a NAT, so IKE_AUTH moves to UDP 4500, "
      "and nothing was seen there" },
    { "silence", "auth-missing", K_SA_INIT, 3, ANY, 0, no_auth,
      3, IKE_EV_SILENCE, 0, 1, 2, { 1, 2 }, "SA_INIT#1 sent once and answered, then no IKE_AUTH" },

    /* IKE_AUTH (3) answered (4) with a refusal read with the keys */
    { "n24-read", "auth-failed", K_AUTH, 2, READ, IKE2_N_AUTHENTICATION_FAILED, auth_n24,
      2, READ, 24, 1, 4, { 3, 4 }, "AUTH#1 sent once; the responder answered AUTHENTICATION_FAILED (read with keys)" },
    { "initiator-refuses", "auth-failed", K_AUTH, 2, READ, IKE2_N_AUTHENTICATION_FAILED, auth_refused_by_initiator,
      2, READ, 24, 1, 5, { 3, 4, 5 },
      "AUTH#1 sent once and answered; then the initiator sent AUTHENTICATION_FAILED in an INFORMATIONAL (read with keys)" },
    { "n38-read", "ts-unacceptable", K_AUTH, 2, READ, IKE2_N_TS_UNACCEPTABLE, auth_n38,
      2, READ, 38, 1, 4, { 3, 4 }, "AUTH#1 sent once; the responder answered TS_UNACCEPTABLE (read with keys)" },
    { "n14-read", "child-proposal", K_AUTH, 2, READ, IKE2_N_NO_PROPOSAL_CHOSEN, auth_n14,
      2, READ, 14, 1, 4, { 3, 4 }, "AUTH#1 sent once; the responder answered NO_PROPOSAL_CHOSEN (read with keys)" },
    /* without keys */
    { "small-answer", "auth-failed", K_AUTH, 2, IKE_EV_SMALL_RESPONSE, 0, auth_small_answer,
      2, IKE_EV_SMALL_RESPONSE, 0, 1, 4, { 3, 4 },
      "AUTH#1 sent once; the responder's answer is encrypted and only 80 bytes: one notify, no IDr, AUTH, SA or TS" },
    { "answer-lost", "reply-lost", K_AUTH, 2, IKE_EV_PEER_RESEND, 0, auth_reply_lost,
      2, IKE_EV_PEER_RESEND, 0, 2, 6, { 3, 5, 4 },
      "AUTH#1 sent twice; the responder answered, and the request came again, as if the answer never arrived" },
    { "nat-then-4500-silent", "nat-t-blocked", K_AUTH, 2, IKE_EV_NAT_SILENCE, 0, auth_float_blocked,
      2, IKE_EV_NAT_SILENCE, 0, 3, 5, { 3, 5 },
      "AUTH#1 sent 3 times on UDP 4500 after IKE_SA_INIT found a NAT; nothing came back" },
    { "ip-fragments", "fragments-dropped", K_AUTH, 2, IKE_EV_IP_FRAGMENTS, 0, auth_fragments,
      2, IKE_EV_IP_FRAGMENTS, 0, 3, 5, { 3, 5 }, "AUTH#1 sent 3 times in IP fragments, never answered" },
    { "resent", "auth-no-response", K_AUTH, 2, ANY, 0, auth_unanswered,
      2, IKE_EV_RESENT, 0, 3, 5, { 3, 5 }, "AUTH#1 sent 3 times, never answered" },

    /* CREATE_CHILD_SA (5) after the IKE SA is up */
    { "n38-read", "ts-unacceptable", K_CHILD, 2, READ, IKE2_N_TS_UNACCEPTABLE, child_n38,
      2, READ, 38, 1, 6, { 5, 6 }, "CHILD#1 sent once; the responder answered TS_UNACCEPTABLE (read with keys)" },
    { "n14-read", "rekey-refused", K_CHILD, 2, READ, IKE2_N_NO_PROPOSAL_CHOSEN, child_n14,
      2, READ, 14, 1, 6, { 5, 6 }, "CHILD#1 sent once; the responder answered NO_PROPOSAL_CHOSEN (read with keys)" },
    { "small-answer", "rekey-refused", K_CHILD, 2, IKE_EV_SMALL_RESPONSE, 0, child_small_answer,
      2, IKE_EV_SMALL_RESPONSE, 0, 1, 6, { 5, 6 },
      "CHILD#1 sent once; the responder's answer is encrypted and only 80 bytes: one notify, no SA, nonce or TS" },
    { "answer-lost", "reply-lost", K_CHILD, 2, IKE_EV_PEER_RESEND, 0, child_reply_lost,
      2, IKE_EV_PEER_RESEND, 0, 2, 8, { 5, 7, 6 },
      "CHILD#1 sent twice; the responder answered, and the request came again, as if the answer never arrived" },
    { "resent", "unclassified", K_CHILD, 2, ANY, 0, child_unanswered,
      2, IKE_EV_RESENT, 0, 3, 7, { 5, 7 }, "CHILD#1 sent 3 times, never answered" },

    /* INFORMATIONAL: a liveness check (5) resent, never answered */
    { "liveness-resent", "dead-peer", K_INFO, 2, ANY, 0, liveness_unanswered,
      2, IKE_EV_RESENT, 0, 3, 7, { 5, 7 }, "INFO#1 sent 3 times, never answered" },

    /* IKE_INTERMEDIATE (RFC 9242) unanswered */
    { "resent", "unclassified", K_INTER, 2, ANY, 0, intermediate_unanswered,
      2, IKE_EV_RESENT, 0, 2, 4, { 3, 4 }, "INTER#1 sent twice, never answered" },
};

const size_t n_v2_scenarios = sizeof v2_scenarios / sizeof v2_scenarios[0];
