/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rules.c: every row of the rule table (rules.c) reached by a hand-built capture.
 *
 * Each scenario is a message sequence as a real peer sends it (reference:
 * shared/reference/ike-failures-on-the-wire.md sections 4-6, 10, 11) and the verdict
 * ike_diagnose must give for it: outcome, stall point, evidence, the exact row of
 * ike_rules[], sends, evidence frames, the verdict frame and the evidence sentence.
 *
 * Scenarios name their row by its key (kind, stall step, evidence, notify, cause), not by
 * its index, so inserting a row does not silently shift them onto another one.  The
 * coverage test walks ike_rules[]: a row that no scenario reaches fails it, except the
 * catch-alls that ike_diagnose cannot reach, and that is proved, not assumed.
 */
#include "builders.h"
#include "model_internal.h"
#include "diagnose.h"
#include "names.h"

#include <glib.h>
#include <string.h>

#define QM_ID 0x0a0b0c0du

#include "scenarios.h"

/* ---- sequences ---------------------------------------------------------------------- */

static const ike_exchange_t *phase1(conv_t *c)
{
    ike_result_t *r = NULL;
    for (unsigned s = 1; s <= 6; s++)
        r = send_mm(c, s);
    return r->exchange;
}

static const ike_exchange_t *main_until(conv_t *c, unsigned last)
{
    ike_result_t *r = NULL;
    for (unsigned s = 1; s <= last; s++)
        r = send_mm(c, s);
    return r->exchange;
}

/* MM#1 answered by strongSwan: a clear N(14), responder cookie set, random message ID. */
static const ike_exchange_t *mm1_n14_strongswan(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 1);
    send_info(c, PEER_B, 0x5eed0001, false, IKE_N_NO_PROPOSAL_CHOSEN);
    return ex;
}

/* libreswan responder: N(14) with message ID 0 and responder cookie 0, once per MM#1
 * copy; a libreswan initiator ignores it and resends (section 11.1). */
static const ike_exchange_t *mm1_n14_libreswan(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 1);
    ike_msg_t n = build_info(c, PEER_B, 0, false, IKE_N_NO_PROPOSAL_CHOSEN);
    n.rcookie = 0;
    send_msg(c, PEER_B, n, 0.01);
    for (unsigned i = 0; i < 2; i++) {
        send_mm_resend(c, 1);
        send_msg(c, PEER_B, n, 0.01);
    }
    return ex;
}

static const ike_exchange_t *mm1_resent(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 1);
    for (unsigned i = 0; i < 3; i++)
        send_mm_resend(c, 1);
    return ex;
}

static const ike_exchange_t *mm1_icmp(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 1);
    send_icmp_quoting(c, build_mm(c, 1), 0.001);
    return ex;
}

static const ike_exchange_t *mm1_silence(conv_t *c)
{
    return main_until(c, 1);
}

/* 25 s later the other peer initiates a new SA that completes MM and QM (frames 2-10). */
static void peer_brings_up_later_sa(conv_t *c)
{
    conv_t back;
    conv_init(&back, c->model, c->icookie + 1, other(c->initiator));
    conv_follow(&back, c);
    back.time += 25;
    for (unsigned step = 1; step <= 6; step++)
        send_mm(&back, step);
    for (unsigned step = 1; step <= 3; step++)
        send_qm(&back, step == 2 ? c->initiator : other(c->initiator), 0x1a7e, step);
}

static const ike_exchange_t *mm1_later_sa_up(conv_t *c)
{
    const ike_exchange_t *ex = send_mm(c, 1)->exchange;
    peer_brings_up_later_sa(c);
    return ex;
}

static const ike_exchange_t *am1_later_sa_up(conv_t *c)
{
    const ike_exchange_t *ex = send_am(c, 1)->exchange;
    peer_brings_up_later_sa(c);
    return ex;
}

static const ike_exchange_t *am1_notify(conv_t *c, uint16_t code)
{
    const ike_exchange_t *ex = send_am(c, 1)->exchange;
    send_info(c, PEER_B, 0x5eed0002, false, code);
    return ex;
}

static const ike_exchange_t *am1_n24(conv_t *c) { return am1_notify(c, IKE_N_AUTHENTICATION_FAILED); }
static const ike_exchange_t *am1_n29(conv_t *c) { return am1_notify(c, IKE_N_UNSUPPORTED_EXCHANGE_TYPE); }
static const ike_exchange_t *am1_n14(conv_t *c) { return am1_notify(c, IKE_N_NO_PROPOSAL_CHOSEN); }

static const ike_exchange_t *am1_resent(conv_t *c)
{
    const ike_exchange_t *ex = send_am(c, 1)->exchange;
    send_am(c, 1);
    send_am(c, 1);
    return ex;
}

/* strongSwan responder without a PSK for this peer: clear N(17) after MM#3. */
static const ike_exchange_t *mm3_n17(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 3);
    send_info(c, PEER_B, 0x5eed0003, false, IKE_N_INVALID_KEY_INFORMATION);
    return ex;
}

/* ASA without a tunnel-group: MM#2 sent, then silence after MM#3. */
static const ike_exchange_t *mm3_resent(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 3);
    send_mm_resend(c, 3);
    send_mm_resend(c, 3);
    return ex;
}

/* MM#1..MM#4 on UDP 500, MM#5 floats to 4500 and is resent; nothing comes back. */
static const ike_exchange_t *mm5_float_blocked(conv_t *c)
{
    main_until(c, 4);
    c->nat_t = true;
    const ike_exchange_t *ex = send_mm(c, 5)->exchange;
    send_mm_resend(c, 5);
    send_mm_resend(c, 5);
    return ex;
}

/* libreswan: no connection for the initiator's ID, encrypted N(18) read with keys; it
 * keeps retransmitting MM#4 too. */
static const ike_exchange_t *mm5_n18_read(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    send_info_read(c, PEER_B, 0x5eed0004, IKE_N_INVALID_ID_INFORMATION);
    send_mm_resend(c, 4);
    return ex;
}

/* strongSwan: no peer config for IDii, encrypted N(24) read with keys. */
static const ike_exchange_t *mm5_n24_read(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    send_info_read(c, PEER_B, 0x5eed0005, IKE_N_AUTHENTICATION_FAILED);
    return ex;
}

/* strongSwan PSK mismatch (section 10): MM#5 on 4500, an encrypted Informational to
 * port 500 per MM#5 copy. */
static const ike_exchange_t *mm5_enc_info(conv_t *c)
{
    main_until(c, 4);
    c->nat_t = true;
    const ike_exchange_t *ex = send_mm(c, 5)->exchange;
    c->nat_t = false;
    send_info(c, PEER_B, 0x5eed0006, true, 0);
    c->nat_t = true;
    send_mm_resend(c, 5);
    c->nat_t = false;
    send_info(c, PEER_B, 0x5eed0007, true, 0);
    return ex;
}

/* libreswan PSK mismatch (section 11.4): both sides resend, nobody answers. */
static const ike_exchange_t *mm5_peer_resend(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    send_mm_resend(c, 5);
    send_mm_resend(c, 4);
    send_mm_resend(c, 5);
    return ex;
}

/* ASA-like responder: clear N(16), message ID 0, in reply to each MM#5 (section 6). */
static const ike_exchange_t *mm5_clear_n16(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    ike_msg_t n = build_info(c, PEER_B, 0, false, IKE_N_PAYLOAD_MALFORMED);
    send_msg(c, PEER_B, n, 0.01);
    send_mm_resend(c, 5);
    send_msg(c, PEER_B, n, 0.01);
    return ex;
}

/* Cisco IOS responder: silence; the initiator resends MM#5 four times. */
static const ike_exchange_t *mm5_resent(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    for (unsigned i = 0; i < 4; i++)
        send_mm_resend(c, 5);
    return ex;
}

/* libreswan: HASH rejected, encrypted N(23) read with keys. */
static const ike_exchange_t *mm5_n23_read(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    send_info_read(c, PEER_B, 0x5eed0008, IKE_N_INVALID_HASH_INFORMATION);
    return ex;
}

/* The initiator gives up on MM#5 with an encrypted Delete. */
static const ike_exchange_t *mm5_giveup(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 5);
    send_info(c, PEER_A, 0x5eed0009, true, 0);
    return ex;
}

/* strongSwan initiator Deletes on an unexpected remote ID after MM#6; no Quick Mode. */
static const ike_exchange_t *mm6_refused(conv_t *c)
{
    const ike_exchange_t *ex = phase1(c);
    send_info(c, PEER_A, 0x5eed000a, true, 0);
    return ex;
}

/* strongSwan <-> strongSwan aggressive PSK mismatch (section 10): the initiator sends an
 * encrypted N(24), the responder resends AM#2. */
static const ike_exchange_t *am2_enc_info(conv_t *c)
{
    send_am(c, 1);
    const ike_exchange_t *ex = send_am(c, 2)->exchange;
    send_info(c, PEER_A, 0x5eed000b, true, 0);
    send_am(c, 2);
    return ex;
}

/* libreswan initiator: clear INVALID-HASH-INFORMATION (section 11.5). */
static const ike_exchange_t *am2_clear_n23(conv_t *c)
{
    send_am(c, 1);
    const ike_exchange_t *ex = send_am(c, 2)->exchange;
    send_info(c, PEER_A, 0x5eed000c, false, IKE_N_INVALID_HASH_INFORMATION);
    return ex;
}

static const ike_exchange_t *qm1_read(conv_t *c, uint16_t code)
{
    phase1(c);
    const ike_exchange_t *ex = send_qm(c, PEER_A, QM_ID, 1)->exchange;
    send_info_read(c, PEER_B, 0x5eed000d, code);
    return ex;
}

static const ike_exchange_t *qm1_n14(conv_t *c) { return qm1_read(c, IKE_N_NO_PROPOSAL_CHOSEN); }
static const ike_exchange_t *qm1_n18(conv_t *c) { return qm1_read(c, IKE_N_INVALID_ID_INFORMATION); }
/* strongSwan: "negotiated DH group not supported" -> N(17) */
static const ike_exchange_t *qm1_n17(conv_t *c) { return qm1_read(c, IKE_N_INVALID_KEY_INFORMATION); }

/* libreswan responder: a fresh encrypted notify per QM#1 copy (section 11.2). */
static const ike_exchange_t *qm1_enc_info(conv_t *c)
{
    phase1(c);
    const ike_exchange_t *ex = send_qm(c, PEER_A, QM_ID, 1)->exchange;
    send_info(c, PEER_B, 0x5eed000e, true, 0);
    send_qm(c, PEER_A, QM_ID, 1);
    send_info(c, PEER_B, 0x5eed000f, true, 0);
    return ex;
}

static const ike_exchange_t *qm1_resent(conv_t *c)
{
    phase1(c);
    const ike_exchange_t *ex = send_qm(c, PEER_A, QM_ID, 1)->exchange;
    send_qm(c, PEER_A, QM_ID, 1);
    send_qm(c, PEER_A, QM_ID, 1);
    return ex;
}

static const ike_exchange_t *qm1_silence(conv_t *c)
{
    phase1(c);
    return send_qm(c, PEER_A, QM_ID, 1)->exchange;
}

/* libreswan initiator that cannot install the SA: nothing after QM#2 (section 11.8). */
static const ike_exchange_t *qm2_silence(conv_t *c)
{
    phase1(c);
    send_qm(c, PEER_A, QM_ID, 1);
    return send_qm(c, PEER_B, QM_ID, 2)->exchange;
}

/* strongSwan initiator that cannot install the SA: an encrypted Delete (section 10). */
static const ike_exchange_t *qm2_delete(conv_t *c)
{
    phase1(c);
    send_qm(c, PEER_A, QM_ID, 1);
    const ike_exchange_t *ex = send_qm(c, PEER_B, QM_ID, 2)->exchange;
    send_info(c, PEER_A, 0x5eed0010, true, 0);
    return ex;
}

/* strongSwan responder retransmits QM#2 when QM#3 does not come. */
static const ike_exchange_t *qm2_resent(conv_t *c)
{
    phase1(c);
    send_qm(c, PEER_A, QM_ID, 1);
    const ike_exchange_t *ex = send_qm(c, PEER_B, QM_ID, 2)->exchange;
    send_qm(c, PEER_B, QM_ID, 2);
    send_qm(c, PEER_B, QM_ID, 2);
    return ex;
}

/* MM#2 lost on the way back (asymmetric filtering): the initiator resends MM#1, the
 * responder its cached MM#2 (section 3). */
static const ike_exchange_t *mm2_lost(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 2);
    send_mm_resend(c, 1);
    send_mm_resend(c, 2);
    send_mm_resend(c, 1);
    return ex;
}

static const ike_exchange_t *mm2_silence(conv_t *c)
{
    return main_until(c, 2);
}

/* MM#4 lost on the way back: the initiator resends MM#3, the responder its MM#4. */
static const ike_exchange_t *mm4_lost(conv_t *c)
{
    const ike_exchange_t *ex = main_until(c, 4);
    send_mm_resend(c, 3);
    send_mm_resend(c, 4);
    send_mm_resend(c, 3);
    return ex;
}

/* MM#4 arrived and the initiator never sent MM#5 (no key; or a capture on port 500
 * only, after the float). */
static const ike_exchange_t *mm4_silence(conv_t *c)
{
    return main_until(c, 4);
}

/* A NAT between the peers: MM#2 chose SHA1, MM#3/MM#4 carry NAT-D hashes that do not
 * match the addresses on the wire; MM#5 went to UDP 4500 and never showed, then the
 * initiator started again. */
static const ike_exchange_t *mm4_nat_silence(conv_t *c)
{
    const ike_exchange_t *ex = send_mm(c, 1)->exchange;
    ike_msg_t m2 = build_mm(c, 2);
    m2.n_transforms = m2.n_transforms_total = 1;
    m2.transforms[0] = (ike_transform_t){ .encryption = 7, .hash = 2, .group = 14, .auth_method = 1 };
    send_msg(c, PEER_B, m2, 0.01);
    for (unsigned step = 3; step <= 4; step++) {
        ike_msg_t m = build_mm(c, step);
        m.n_nat_d = 2;
        m.nat_d_len[0] = m.nat_d_len[1] = 20; /* SHA1-sized, hashing other addresses */
        memset(m.nat_d[0], 0x11 * step, 20);
        memset(m.nat_d[1], 0x22 * step, 20);
        send_msg(c, step == 3 ? PEER_A : PEER_B, m, 0.01);
    }
    conv_t retry;
    conv_init(&retry, c->model, c->icookie + 1, PEER_A);
    retry.frame = c->frame;
    retry.time = c->time + 7;
    send_mm(&retry, 1);
    c->frame = retry.frame;
    return ex;
}

static const ike_exchange_t *am2_lost(conv_t *c)
{
    const ike_exchange_t *ex = send_am(c, 1)->exchange;
    send_am(c, 2);
    send_am(c, 1);
    send_am(c, 2);
    send_am(c, 1);
    return ex;
}

static const ike_exchange_t *qm2_lost(conv_t *c)
{
    phase1(c);
    const ike_exchange_t *ex = send_qm(c, PEER_A, QM_ID, 1)->exchange;
    send_qm(c, PEER_B, QM_ID, 2);
    send_qm(c, PEER_A, QM_ID, 1);
    send_qm(c, PEER_B, QM_ID, 2);
    send_qm(c, PEER_A, QM_ID, 1);
    return ex;
}

/* The final step went out, and its receiver repeated the message it answers on its own
 * retransmission timer (seconds later), as if the final step never arrived. */
static const ike_exchange_t *qm3_lost(conv_t *c)
{
    phase1(c);
    const ike_exchange_t *ex = send_qm(c, PEER_A, QM_ID, 1)->exchange;
    send_qm(c, PEER_B, QM_ID, 2);
    send_qm(c, PEER_A, QM_ID, 3);
    send_msg(c, PEER_B, build_qm(c, PEER_B, QM_ID, 2), 4.0);
    send_qm(c, PEER_A, QM_ID, 3);
    return ex;
}

static const ike_exchange_t *am3_lost(conv_t *c)
{
    const ike_exchange_t *ex = send_am(c, 1)->exchange;
    send_am(c, 2);
    send_am(c, 3);
    send_msg(c, other(c->initiator), build_am(c, 2), 4.0);
    return ex;
}

static const ike_exchange_t *mm6_lost(conv_t *c)
{
    const ike_exchange_t *ex = send_mm(c, 1)->exchange;
    for (unsigned step = 2; step <= 6; step++)
        send_mm(c, step);
    send_mm_resend(c, 5);
    return ex;
}

/* XAUTH after phase 1: the gateway (phase-1 responder B) asks, the client answers, the
 * gateway SETs the status, the client ACKs (draft-beaulieu-ike-xauth-02 section 4). */
#define XAUTH_PSK 65001

static const ike_exchange_t *xauth_status_fail(conv_t *c)
{
    send_phase1_with_auth(c, XAUTH_PSK);
    send_txn_read(c, PEER_B, 0x7001, 1, IKE_CFG_REQUEST, IKE_XAUTH_NOT_SEEN);
    send_txn_read(c, PEER_A, 0x7001, 2, IKE_CFG_REPLY, IKE_XAUTH_NOT_SEEN);
    const ike_exchange_t *ex = send_txn_read(c, PEER_B, 0x7002, 3, IKE_CFG_SET, IKE_XAUTH_FAIL)->exchange;
    send_txn_read(c, PEER_A, 0x7002, 4, IKE_CFG_ACK, IKE_XAUTH_NOT_SEEN);
    return ex;
}

static const ike_exchange_t *xauth_unreadable(conv_t *c)
{
    send_phase1_with_auth(c, XAUTH_PSK);
    send_txn(c, PEER_B, 0x7001, 1);
    send_txn(c, PEER_A, 0x7001, 2);
    const ike_exchange_t *ex = send_txn(c, PEER_B, 0x7002, 3)->exchange;
    send_txn(c, PEER_A, 0x7002, 4);
    return ex;
}

static const ike_exchange_t *xauth_then_delete(conv_t *c)
{
    const ike_exchange_t *ex = xauth_unreadable(c);
    send_info(c, PEER_B, 0x7003, true, 0);
    return ex;
}

/* libreswan as gateway after a failed XAUTH: it asks again, the client never answers. */
static const ike_exchange_t *xauth_asked_again(conv_t *c)
{
    xauth_unreadable(c);
    return send_txn(c, PEER_B, 0x7004, 5)->exchange;
}

/* ---- the scenarios ------------------------------------------------------------------ */

#define MM IKE_KIND_MAIN
#define AM IKE_KIND_AGGRESSIVE
#define QM IKE_KIND_QUICK
#define TXN IKE_KIND_TRANSACTION
#define ANY IKE_EV_ANY

static const scenario_t scenarios[] = {
    /* MM#1 not answered by MM#2 */
    { "strongswan-n14", "isakmp-policy", MM, 2, IKE_EV_CLEAR_NOTIFY, 0, mm1_n14_strongswan,
      2, IKE_EV_CLEAR_NOTIFY, 14, 1, 2, { 1, 2 },
      "MM#1 sent once; the responder answered NO-PROPOSAL-CHOSEN in clear" },
    { "libreswan-n14-per-resend", "isakmp-policy", MM, 2, IKE_EV_CLEAR_NOTIFY, 0, mm1_n14_libreswan,
      2, IKE_EV_CLEAR_NOTIFY, 14, 3, 5, { 1, 5, 2 },
      "MM#1 sent 3 times; the responder answered NO-PROPOSAL-CHOSEN in clear" },
    { "later-sa-up", "no-response", MM, 2, IKE_EV_LATER_SA_UP, 0, mm1_later_sa_up,
      2, IKE_EV_LATER_SA_UP, 0, 1, 1, { 1, 2 }, "MM#1 sent once, never answered; superseded by SA 2 (complete)" },
    { "resent", "no-response", MM, 2, IKE_EV_RESENT, 0, mm1_resent,
      2, IKE_EV_RESENT, 0, 4, 4, { 1, 4 }, "MM#1 sent 4 times, never answered" },
    { "icmp-unreachable", "no-response", MM, 2, ANY, 0, mm1_icmp,
      2, IKE_EV_ICMP_UNREACHABLE, 0, 1, 2, { 1, 2 },
      "MM#1 sent once; the responder's host answered ICMP unreachable: nothing listens on its IKE port" },
    { "silence", "no-response", MM, 2, ANY, 0, mm1_silence,
      2, IKE_EV_SILENCE, 0, 1, 1, { 1 }, "MM#1 sent once, then silence" },

    /* AM#1 not answered by AM#2 */
    { "n24", "aggressive-refused", AM, 2, IKE_EV_CLEAR_NOTIFY, IKE_N_AUTHENTICATION_FAILED, am1_n24,
      2, IKE_EV_CLEAR_NOTIFY, 24, 1, 2, { 1, 2 },
      "AM#1 sent once; the responder answered AUTHENTICATION-FAILED in clear" },
    { "n29", "aggressive-refused", AM, 2, IKE_EV_CLEAR_NOTIFY, IKE_N_UNSUPPORTED_EXCHANGE_TYPE, am1_n29,
      2, IKE_EV_CLEAR_NOTIFY, 29, 1, 2, { 1, 2 },
      "AM#1 sent once; the responder answered UNSUPPORTED-EXCHANGE-TYPE in clear" },
    { "n14", "isakmp-policy", AM, 2, IKE_EV_CLEAR_NOTIFY, 0, am1_n14,
      2, IKE_EV_CLEAR_NOTIFY, 14, 1, 2, { 1, 2 },
      "AM#1 sent once; the responder answered NO-PROPOSAL-CHOSEN in clear" },
    { "later-sa-up", "no-response", AM, 2, IKE_EV_LATER_SA_UP, 0, am1_later_sa_up,
      2, IKE_EV_LATER_SA_UP, 0, 1, 1, { 1, 2 }, "AM#1 sent once, never answered; superseded by SA 2 (complete)" },
    { "resent", "no-response", AM, 2, ANY, 0, am1_resent,
      2, IKE_EV_RESENT, 0, 3, 3, { 1, 3 }, "AM#1 sent 3 times, never answered" },

    /* MM#3 not answered by MM#4 */
    { "strongswan-n17", "key-exchange", MM, 4, ANY, 0, mm3_n17,
      4, IKE_EV_CLEAR_NOTIFY, 17, 1, 4, { 3, 4 },
      "MM#3 sent once; the responder answered INVALID-KEY-INFORMATION in clear" },
    { "asa-silent", "key-exchange", MM, 4, ANY, 0, mm3_resent,
      4, IKE_EV_RESENT, 0, 3, 5, { 3, 5 }, "MM#3 sent 3 times, never answered" },

    /* MM#5 not answered by MM#6 */
    { "float-resent", "nat-t-blocked", MM, 5, IKE_EV_FLOAT_SILENCE, 0, mm5_float_blocked,
      5, IKE_EV_FLOAT_SILENCE, 0, 3, 7, { 5, 7 },
      "MM#5 sent 3 times on UDP 4500 after the NAT-T float; nothing came back" },
    { "libreswan-n18-read", "id-mismatch", MM, 5, IKE_EV_READ_NOTIFY, IKE_N_INVALID_ID_INFORMATION, mm5_n18_read,
      5, IKE_EV_READ_NOTIFY, 18, 1, 7, { 5, 6, 7 },
      "MM#5 sent once; the responder answered INVALID-ID-INFORMATION (read with keys)" },
    { "strongswan-n24-read", "id-mismatch", MM, 5, IKE_EV_READ_NOTIFY, IKE_N_AUTHENTICATION_FAILED, mm5_n24_read,
      5, IKE_EV_READ_NOTIFY, 24, 1, 6, { 5, 6 },
      "MM#5 sent once; the responder answered AUTHENTICATION-FAILED (read with keys)" },
    { "strongswan-enc-info", "psk-mismatch", MM, 5, ANY, 0, mm5_enc_info,
      5, IKE_EV_ENC_INFO, 0, 2, 7, { 5, 7, 6 },
      "MM#5 sent twice; the responder answered with an encrypted Informational" },
    { "libreswan-mm4-resends", "psk-mismatch", MM, 5, ANY, 0, mm5_peer_resend,
      5, IKE_EV_PEER_RESEND, 0, 3, 8, { 5, 8, 7 },
      "MM#5 sent 3 times; the responder resent MM#4 instead of answering" },
    { "asa-clear-n16", "psk-mismatch", MM, 5, ANY, 0, mm5_clear_n16,
      5, IKE_EV_CLEAR_NOTIFY, 16, 2, 7, { 5, 7, 6 },
      "MM#5 sent twice; the responder answered PAYLOAD-MALFORMED in clear" },
    { "ios-silent", "psk-mismatch", MM, 5, ANY, 0, mm5_resent,
      5, IKE_EV_RESENT, 0, 5, 9, { 5, 9 }, "MM#5 sent 5 times, never answered" },
    { "libreswan-n23-read", "psk-mismatch", MM, 5, ANY, 0, mm5_n23_read,
      5, IKE_EV_READ_NOTIFY, 23, 1, 6, { 5, 6 },
      "MM#5 sent once; the responder answered INVALID-HASH-INFORMATION (read with keys)" },
    { "initiator-gives-up", "psk-mismatch", MM, 5, ANY, 0, mm5_giveup,
      5, IKE_EV_GIVEUP, 0, 1, 6, { 5, 6 },
      "MM#5 sent once, never answered; the sender then gave up with an Informational" },

    /* MM#6 arrived and was refused */
    { "strongswan-delete", "peer-auth-rejected", MM, 6, ANY, 0, mm6_refused,
      6, IKE_EV_ENC_INFO, 0, 1, 7, { 6, 7 },
      "MM#6 sent once; the initiator answered with an encrypted Informational" },

    /* AM#2 arrived and was refused */
    { "strongswan-enc-info", "psk-mismatch", AM, 3, ANY, 0, am2_enc_info,
      3, IKE_EV_ENC_INFO, 0, 2, 4, { 2, 4, 3 },
      "AM#2 sent twice; the initiator answered with an encrypted Informational" },
    { "libreswan-clear-n23", "psk-mismatch", AM, 3, ANY, 0, am2_clear_n23,
      3, IKE_EV_CLEAR_NOTIFY, 23, 1, 3, { 2, 3 },
      "AM#2 sent once; the initiator answered INVALID-HASH-INFORMATION in clear" },

    /* QM#1 not answered by QM#2 */
    { "n14-read", "transform-set", QM, 2, IKE_EV_READ_NOTIFY, IKE_N_NO_PROPOSAL_CHOSEN, qm1_n14,
      2, IKE_EV_READ_NOTIFY, 14, 1, 8, { 7, 8 },
      "QM#1 sent once; the responder answered NO-PROPOSAL-CHOSEN (read with keys)" },
    { "n18-read", "proxy-id", QM, 2, IKE_EV_READ_NOTIFY, IKE_N_INVALID_ID_INFORMATION, qm1_n18,
      2, IKE_EV_READ_NOTIFY, 18, 1, 8, { 7, 8 },
      "QM#1 sent once; the responder answered INVALID-ID-INFORMATION (read with keys)" },
    { "n17-read", "qm-rejected", QM, 2, IKE_EV_READ_NOTIFY, 0, qm1_n17,
      2, IKE_EV_READ_NOTIFY, 17, 1, 8, { 7, 8 },
      "QM#1 sent once; the responder answered INVALID-KEY-INFORMATION (read with keys)" },
    { "libreswan-enc-info", "qm-rejected", QM, 2, IKE_EV_ENC_INFO, 0, qm1_enc_info,
      2, IKE_EV_ENC_INFO, 0, 2, 9, { 7, 9, 8 },
      "QM#1 sent twice; the responder answered with an encrypted Informational" },
    { "resent", "qm-no-response", QM, 2, ANY, 0, qm1_resent,
      2, IKE_EV_RESENT, 0, 3, 9, { 7, 9 }, "QM#1 sent 3 times, never answered" },
    { "silence", "qm-no-response", QM, 2, ANY, 0, qm1_silence,
      2, IKE_EV_SILENCE, 0, 1, 7, { 7 }, "QM#1 sent once, then silence" },

    /* QM#2 arrived, QM#3 never did */
    { "libreswan-silence", "qm3-missing", QM, 3, ANY, 0, qm2_silence,
      3, IKE_EV_SILENCE, 0, 1, 8, { 8 }, "QM#2 sent once, then silence" },
    { "strongswan-delete", "qm3-missing", QM, 3, ANY, 0, qm2_delete,
      3, IKE_EV_ENC_INFO, 0, 1, 9, { 8, 9 },
      "QM#2 sent once; the initiator answered with an encrypted Informational" },
    { "qm2-resent", "qm3-missing", QM, 3, ANY, 0, qm2_resent,
      3, IKE_EV_RESENT, 0, 3, 10, { 8, 10 }, "QM#2 sent 3 times, never answered" },

    /* a reply lost on the way back: the initiator repeats its request */
    { "mm2-lost", "reply-lost", MM, 3, IKE_EV_PEER_RESEND, 0, mm2_lost,
      3, IKE_EV_PEER_RESEND, 0, 2, 5, { 2, 4, 3 },
      "MM#2 sent twice; the initiator resent MM#1 instead of answering" },
    { "mm4-lost", "reply-lost", MM, 5, IKE_EV_PEER_RESEND, 0, mm4_lost,
      5, IKE_EV_PEER_RESEND, 0, 2, 7, { 4, 6, 5 },
      "MM#4 sent twice; the initiator resent MM#3 instead of answering" },
    { "am2-lost", "reply-lost", AM, 3, IKE_EV_PEER_RESEND, 0, am2_lost,
      3, IKE_EV_PEER_RESEND, 0, 2, 5, { 2, 4, 3 },
      "AM#2 sent twice; the initiator resent AM#1 instead of answering" },
    { "qm2-lost", "reply-lost", QM, 3, IKE_EV_PEER_RESEND, 0, qm2_lost,
      3, IKE_EV_PEER_RESEND, 0, 2, 11, { 8, 10, 9 },
      "QM#2 sent twice; the initiator resent QM#1 instead of answering" },
    { "mm6-lost", "reply-lost", MM, 6, IKE_EV_PEER_RESEND, 0, mm6_lost,
      6, IKE_EV_PEER_RESEND, 0, 1, 7, { 6, 7 },
      "MM#6 sent once; the initiator then resent MM#5, as if MM#6 never arrived" },

    /* the final step sent, and its receiver repeats what it answered */
    { "qm3-lost", "qm3-lost", QM, 3, IKE_EV_PEER_RESEND, 0, qm3_lost,
      3, IKE_EV_PEER_RESEND, 0, 2, 11, { 9, 11, 10 },
      "QM#3 sent twice; the responder then resent QM#2, as if QM#3 never arrived" },
    { "am3-lost", "am3-lost", AM, 3, IKE_EV_PEER_RESEND, 0, am3_lost,
      3, IKE_EV_PEER_RESEND, 0, 1, 4, { 3, 4 },
      "AM#3 sent once; the responder then resent AM#2, as if AM#3 never arrived" },

    /* XAUTH after phase 1, and no Quick Mode */
    { "status-fail-read", "xauth-failed", TXN, 1, IKE_EV_XAUTH_STATUS, 0, xauth_status_fail,
      1, IKE_EV_XAUTH_STATUS, 0, 1, 10, { 9, 10 },
      "the gateway's XAUTH status in frame 9 says FAIL (read with keys)" },
    { "silence", "xauth-failed", TXN, 1, ANY, 0, xauth_unreadable,
      1, IKE_EV_SILENCE, 0, 1, 10, { 9, 10 },
      "XAUTH ran in a Transaction exchange (frames 9-10), then silence instead of QM#1" },
    { "asked-again", "xauth-failed", TXN, 1, ANY, 0, xauth_asked_again,
      1, IKE_EV_RESENT, 0, 1, 11, { 11 },
      "after earlier XAUTH rounds, a new Transaction exchange in frame 11 was never answered" },
    { "delete", "xauth-failed", TXN, 1, ANY, 0, xauth_then_delete,
      1, IKE_EV_GIVEUP, 0, 1, 11, { 9, 10, 11 },
      "XAUTH ran in a Transaction exchange (frames 9-10), then an Informational in frame 11 instead of QM#1" },

    /* MM#4 arrived, MM#5 never seen */
    { "nat-then-nothing-on-4500", "nat-t-blocked", MM, 5, IKE_EV_NAT_SILENCE, 0, mm4_nat_silence,
      5, IKE_EV_NAT_SILENCE, 0, 1, 4, { 4, 5 },
      "MM#4 sent once; NAT-D shows a NAT, so MM#5 moves to UDP 4500, and nothing was seen there" },
    { "mm4-silence", "mm5-missing", MM, 5, ANY, 0, mm4_silence,
      5, IKE_EV_SILENCE, 0, 1, 4, { 4 }, "MM#4 sent once, then silence" },

    /* the Main Mode catch-all: MM#2 arrived, MM#3 never came */
    { "mm3-never-sent", "unclassified", MM, 0, ANY, 0, mm2_silence,
      3, IKE_EV_SILENCE, 0, 1, 2, { 2 }, "MM#2 sent once, then silence" },
};

#define N_V1 (sizeof scenarios / sizeof scenarios[0])
#define N_SCENARIOS (N_V1 + n_v2_scenarios)

/* IKEv1's scenarios, then IKEv2's. */
static const scenario_t *scenario_at(size_t k)
{
    return k < N_V1 ? &scenarios[k] : &v2_scenarios[k - N_V1];
}

/* The catch-alls that no capture can reach (see test_unreachable_fallbacks). */
static bool unreachable_row(const ike_rule_t *r)
{
    return (r->kind == AM || r->kind == QM) && r->stall_step == 0 && r->evidence == ANY && r->notify == 0
        && strcmp(r->cause, "unclassified") == 0;
}

/* ---- checks ------------------------------------------------------------------------- */

/* The one row a scenario names; -1 if none (or several) match its key. */
static int row_of(const scenario_t *s)
{
    int found = -1;
    for (size_t i = 0; i < ike_rule_count; i++) {
        const ike_rule_t *r = &ike_rules[i];
        if (r->kind == s->kind && r->stall_step == s->row_step && r->evidence == s->row_evidence
            && r->notify == s->row_notify && strcmp(r->cause, s->cause) == 0) {
            if (found >= 0)
                return -1;
            found = (int)i;
        }
    }
    return found;
}

static unsigned n_frames(const scenario_t *s)
{
    unsigned n = 0;
    while (n < IKE_MAX_EVIDENCE && s->frames[n])
        n++;
    return n;
}

static void test_scenario(gconstpointer data)
{
    const scenario_t *s = data;
    int row = row_of(s);
    if (row < 0) {
        g_test_message("scenario %s names no single row of ike_rules[] (%s)", s->name, s->cause);
        g_test_fail();
        return;
    }

    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xc0ffee0000000000ull + g_str_hash(s->name) * 64u + s->kind, PEER_A);
    const ike_exchange_t *ex = s->build(&c);
    g_assert_nonnull(ex);
    g_assert_cmpuint(ex->kind, ==, s->kind);

    double end = ike_model_last_time(model);
    ike_diag_context_t later = { .capture_end = end + 60, .silence_threshold = 20 };
    ike_verdict_t v;
    ike_diagnose(ex, &later, &v);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpuint(v.stall_step, ==, s->stall_step);
    g_assert_cmpint(v.evidence, ==, s->evidence);
    g_assert_cmpuint(v.notify, ==, s->notify);
    g_assert_cmpuint(v.sends, ==, s->sends);
    g_assert_cmpuint(v.frame, ==, s->frame);
    g_assert_true(v.rule == &ike_rules[row]);
    g_assert_cmpstr(v.rule->cause, ==, s->cause);
    g_assert_cmpuint(v.n_evidence, ==, n_frames(s));
    for (unsigned i = 0; i < v.n_evidence; i++)
        g_assert_cmpuint(v.evidence_frames[i], ==, s->frames[i]);
    /* the rule's stall point and evidence are what the verdict says, where it names one */
    if (ike_rules[row].stall_step)
        g_assert_cmpuint(ike_rules[row].stall_step, ==, v.stall_step);
    if (ike_rules[row].evidence != ANY)
        g_assert_cmpuint(ike_rules[row].evidence, ==, v.evidence);
    if (ike_rules[row].notify)
        g_assert_cmpuint(ike_rules[row].notify, ==, v.notify);

    char text[256];
    g_assert_cmpstr(ike_evidence_text(ex, &v, text, sizeof text), ==, s->text);

    /* The same capture ending right after the last message: evidence other than
     * silence needs no wait; silence alone is a cut. */
    ike_diag_context_t now = { .capture_end = end, .silence_threshold = 20 };
    ike_verdict_t w;
    ike_diagnose(ex, &now, &w);
    /* IKEv2's COOKIE and INVALID_KE_PAYLOAD ask for a retry: only silence says none came */
    bool asks_retry = s->kind == IKE_KIND_SA_INIT && (s->notify == IKE2_N_COOKIE || s->notify == IKE2_N_INVALID_KE_PAYLOAD);
    bool needs_silence = s->evidence == IKE_EV_SILENCE || (s->evidence == IKE_EV_FLOAT_SILENCE && s->sends == 1)
        || asks_retry;
    if (needs_silence) {
        g_assert_cmpint(w.outcome, ==, IKE_OUTCOME_CUT);
        g_assert_cmpint(w.evidence, ==, IKE_EV_NONE);
        g_assert_cmpuint(w.stall_step, ==, s->stall_step);
        g_assert_null(w.rule);
        g_assert_cmpuint(w.n_evidence, ==, 0);
    } else {
        g_assert_cmpint(w.outcome, ==, v.outcome);
        g_assert_cmpint(w.evidence, ==, v.evidence);
        g_assert_true(w.rule == v.rule);
        g_assert_cmpuint(w.n_evidence, ==, v.n_evidence);
    }
    ike_model_free(model);
}

/* Every row is reached by some scenario, or is a catch-all proved unreachable. */
static void test_every_row_covered(void)
{
    g_assert_cmpuint(ike_rule_count, >, 0);
    for (size_t i = 0; i < ike_rule_count; i++) {
        const ike_rule_t *r = &ike_rules[i];
        unsigned hits = 0;
        for (size_t k = 0; k < N_SCENARIOS; k++)
            if (row_of(scenario_at(k)) == (int)i)
                hits++;
        if (unreachable_row(r)) {
            g_assert_cmpuint(hits, ==, 0);
            continue;
        }
        if (hits == 0) {
            g_test_message("ike_rules[%zu] (%s, stall %u, evidence %u, notify %u) has no scenario in test_rules.c",
                           i, r->cause, r->stall_step, r->evidence, r->notify);
            g_test_fail();
        }
    }
    /* and no scenario names a row that is not there */
    for (size_t k = 0; k < N_SCENARIOS; k++)
        if (row_of(scenario_at(k)) < 0) {
            g_test_message("scenario %s names no single row of ike_rules[] (%s)", scenario_at(k)->name,
                           scenario_at(k)->cause);
            g_test_fail();
        }
}

/* The stall points ike_diagnose can produce for a kind: after highest step h, the next
 * one; for Main Mode also MM#5 (sent, not accepted) and MM#6 (refused). */
static unsigned stall_points(ike_kind_t kind, unsigned out[8])
{
    unsigned n = 0, final = ike_kind_final_step(kind);
    for (unsigned h = 1; h < final; h++)
        if (!(kind == MM && h == 5))
            out[n++] = h + 1;
    if (kind == MM) {
        out[n++] = 5;
        out[n++] = 6;
    }
    return n;
}

/* Aggressive and Quick Mode stall only at steps 2 and 3, and rows cover both for any
 * evidence, so their catch-alls answer only lookups no capture makes.  Prove it, and
 * check that the catch-alls still answer such a lookup. */
static void test_unreachable_fallbacks(void)
{
    static const uint16_t codes[] = { 0, 1, 4, 7, 9, 14, 16, 17, 18, 23, 24, 29, 30, 8191, 24576, 36136 };
    const ike_kind_t kinds[] = { MM, AM, QM };
    for (unsigned k = 0; k < G_N_ELEMENTS(kinds); k++) {
        const ike_rule_t *fallback = ike_rule_lookup(kinds[k], 99, IKE_EV_SILENCE, 0);
        g_assert_nonnull(fallback);
        g_assert_cmpstr(fallback->cause, ==, "unclassified");
        g_assert_cmpuint(fallback->kind, ==, kinds[k]);
        unsigned steps[8];
        unsigned n = stall_points(kinds[k], steps);
        for (unsigned i = 0; i < n; i++)
            for (unsigned ev = IKE_EV_READ_NOTIFY; ev < IKE_EV_ANY; ev++)
                for (unsigned c = 0; c < G_N_ELEMENTS(codes); c++) {
                    const ike_rule_t *r = ike_rule_lookup(kinds[k], steps[i], (ike_evidence_t)ev, codes[c]);
                    g_assert_nonnull(r);
                    if (unreachable_row(fallback))
                        g_assert_true(r != fallback);
                }
    }
    unsigned count = 0;
    for (size_t i = 0; i < ike_rule_count; i++)
        count += unreachable_row(&ike_rules[i]);
    g_assert_cmpuint(count, ==, 2);
}

/* A phase-1 refusal names the IKE version among its candidates and checks: an IKEv1
 * MM#1 to an IKEv2-only strongSwan is answered NO-PROPOSAL-CHOSEN like a policy mismatch
 * (test-pcaps/p1-version-mismatch). */
static void test_policy_names_ike_version(void)
{
    unsigned found = 0;
    for (size_t i = 0; i < ike_rule_count; i++) {
        const ike_rule_t *r = &ike_rules[i];
        if (strcmp(r->cause, "isakmp-policy"))
            continue;
        found++;
        g_assert_nonnull(strstr(r->candidates, "IKE version mismatch"));
        g_assert_nonnull(strstr(r->check, "IKE version"));
    }
    g_assert_cmpuint(found, ==, 2); /* Main and Aggressive Mode */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t k = 0; k < N_SCENARIOS; k++) {
        const scenario_t *s = scenario_at(k);
        char kind[16];
        g_strlcpy(kind, ike_kind_abbrev((ike_kind_t)s->kind), sizeof kind);
        for (char *p = kind; *p; p++)
            *p = g_ascii_tolower(*p);
        char *path = g_strdup_printf("/rules/%s/%s/%s", kind, s->cause, s->name);
        g_test_add_data_func(path, s, test_scenario);
        g_free(path);
    }
    g_test_add_func("/rules/every-row-covered", test_every_row_covered);
    g_test_add_func("/rules/unreachable-fallbacks", test_unreachable_fallbacks);
    g_test_add_func("/rules/policy-names-ike-version", test_policy_names_ike_version);
    return g_test_run();
}
