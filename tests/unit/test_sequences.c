/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sequences.c: the model's rules (ike_model.c) and their verdicts (diagnose.c) on
 * hand-built sequences: silence, orphans, recovery, superseding, DPD, reused message
 * IDs, interleaved and simultaneous exchanges, Transaction exchanges, request/response
 * links, ICMP errors, duplicates, malformed messages and the SA cap.
 *
 * Frames count from 1 per conversation (conv_follow joins two on one clock).
 * ONCE_A_BUG marks a check that caught a core bug, now fixed: it fails like any other,
 * and its message names the bug.
 */
#include "builders.h"
#include "model_internal.h"
#include "diagnose.h"
#include "names.h"

#include <glib.h>
#include <string.h>

#define ONCE_A_BUG(fixed, what) g_assert_true((fixed) && "regression: " what)

static const ike_diag_context_t long_capture = { .capture_end = 100000, .silence_threshold = 10 };

static void assert_label(const ike_result_t *r, const char *label, ike_role_t role)
{
    char buf[16];
    g_assert_cmpstr(ike_label(r, buf, sizeof buf), ==, label);
    g_assert_cmpint(r->role, ==, role);
}

static ike_verdict_t diagnose(const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    ike_verdict_t v;
    ike_diagnose(ex, ctx, &v);
    return v;
}

static void assert_complete(const ike_exchange_t *ex)
{
    ike_verdict_t v = diagnose(ex, &long_capture);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_COMPLETE);
    g_assert_cmpuint(v.stall_step, ==, 0);
    g_assert_cmpint(v.evidence, ==, IKE_EV_NONE);
    g_assert_null(v.rule);
    g_assert_cmpuint(v.n_evidence, ==, 0);
}

static void assert_stalled(const ike_exchange_t *ex, const ike_diag_context_t *ctx, unsigned stall,
                           ike_evidence_t evidence, const char *cause)
{
    ike_verdict_t v = diagnose(ex, ctx);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpuint(v.stall_step, ==, stall);
    g_assert_cmpint(v.evidence, ==, evidence);
    g_assert_nonnull(v.rule);
    g_assert_cmpstr(v.rule->cause, ==, cause);
}

static ike_result_t *phase1(conv_t *c)
{
    ike_result_t *r = NULL;
    for (unsigned s = 1; s <= 6; s++)
        r = send_mm(c, s);
    return r;
}

static const ike_sa_t *nth_sa(const ike_model_t *model, unsigned n)
{
    const ike_sa_t *sa = ike_model_first_sa(model);
    while (sa && --n)
        sa = ike_model_next_sa(sa);
    return sa;
}

/* ---- silence ---------------------------------------------------------------------- */

static void test_cut_vs_stalled_threshold(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x100, PEER_A);
    ike_result_t *m1 = send_msg(&c, PEER_A, build_mm(&c, 1), 1.0); /* t = 1.0 */
    const ike_exchange_t *ex = m1->exchange;

    ike_diag_context_t ctx = { .capture_end = 10.5, .silence_threshold = 10 }; /* 9.5 s */
    ike_verdict_t v = diagnose(ex, &ctx);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_CUT);
    g_assert_cmpuint(v.stall_step, ==, 2);
    g_assert_cmpint(v.evidence, ==, IKE_EV_NONE);
    g_assert_null(v.rule);
    g_assert_cmpuint(v.n_evidence, ==, 0);
    g_assert_cmpuint(v.sends, ==, 1);
    g_assert_cmpuint(v.frame, ==, 1);
    char text[256];
    g_assert_cmpstr(ike_evidence_text(ex, &v, text, sizeof text), ==,
                    "MM#1 sent once; the capture ends before anything else");

    ctx.capture_end = 11.0; /* exactly the threshold: stalled */
    v = diagnose(ex, &ctx);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpint(v.evidence, ==, IKE_EV_SILENCE);
    g_assert_cmpstr(v.rule->cause, ==, "no-response");
    g_assert_cmpuint(v.n_evidence, ==, 1);
    g_assert_cmpuint(v.evidence_frames[0], ==, 1);

    ctx.silence_threshold = 10.5; /* the threshold is the context's, not a constant */
    g_assert_cmpint(diagnose(ex, &ctx).outcome, ==, IKE_OUTCOME_CUT);

    /* a resend is evidence at once: stalled although the capture ends with it */
    send_msg(&c, PEER_A, build_mm(&c, 1), 2.0); /* t = 3.0 */
    ike_diag_context_t now = { .capture_end = 3.0, .silence_threshold = 10 };
    v = diagnose(ex, &now);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpint(v.evidence, ==, IKE_EV_RESENT);
    g_assert_cmpuint(v.sends, ==, 2);

    /* Quick Mode on another SA: QM#2 at t = 101, silence counted from the exchange's
     * own last message, not the SA's or the capture's */
    conv_t d;
    conv_init(&d, model, 0x101, PEER_A);
    d.frame = 100;
    phase1(&d);
    d.time = 99.0;
    send_msg(&d, PEER_A, build_qm(&d, PEER_A, 0x42, 1), 1.0);
    ike_result_t *q2 = send_msg(&d, PEER_B, build_qm(&d, PEER_B, 0x42, 2), 1.0);
    ctx = (ike_diag_context_t){ .capture_end = 110.75, .silence_threshold = 10 };
    v = diagnose(q2->exchange, &ctx);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_CUT);
    g_assert_cmpuint(v.stall_step, ==, 3);
    ctx.capture_end = 111.0;
    assert_stalled(q2->exchange, &ctx, 3, IKE_EV_SILENCE, "qm3-missing");
    ike_model_free(model);
}

/* ---- orphans ---------------------------------------------------------------------- */

static void test_orphan_mm2_first(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x300, PEER_A);
    ike_result_t *r[7] = { 0 };
    for (unsigned s = 2; s <= 6; s++)
        r[s] = send_mm(&c, s); /* frames 1..5 */
    assert_label(r[2], "MM#2", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(r[2]->notes & (IKE_NOTE_REQUEST_MISSING | IKE_NOTE_FIRST_ORPHAN_OF_SOURCE), ==,
                     IKE_NOTE_REQUEST_MISSING | IKE_NOTE_FIRST_ORPHAN_OF_SOURCE);
    g_assert_cmpuint(r[2]->request_in, ==, 0);
    assert_label(r[3], "MM#3", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(r[3]->notes & IKE_NOTE_REQUEST_MISSING, ==, 0);
    assert_label(r[6], "MM#6", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(r[4]->request_in, ==, 2);
    g_assert_cmpuint(r[6]->request_in, ==, 4);
    const ike_sa_t *sa = r[2]->exchange->sa;
    g_assert_true(sa->roles_known);
    g_assert_cmpuint(sa->initiator.addr[3], ==, 1); /* learned from MM#2's destination */
    g_assert_cmpuint(sa->responder.addr[3], ==, 2);

    ike_verdict_t v = diagnose(r[2]->exchange, &long_capture);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_ORPHAN);
    g_assert_cmpstr(ike_outcome_name((ike_outcome_t)v.outcome), ==, "orphan");
    g_assert_cmpuint(v.stall_step, ==, 0);
    g_assert_cmpint(v.evidence, ==, IKE_EV_NONE);
    g_assert_null(v.rule);
    g_assert_cmpuint(v.n_evidence, ==, 0);
    g_assert_cmpuint(v.frame, ==, 5);

    /* an MM#2 alone, long silence after it: still an orphan, never "stalled" */
    conv_t e;
    conv_init(&e, model, 0x301, PEER_A);
    ike_result_t *lone = send_mm(&e, 2);
    g_assert_cmpint(diagnose(lone->exchange, &long_capture).outcome, ==, IKE_OUTCOME_ORPHAN);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 2);
    ike_model_free(model);
}

/* ---- recovery --------------------------------------------------------------------- */

static void test_recovers_after_error_notify(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x400, PEER_A);
    ike_result_t *r5 = NULL;
    for (unsigned s = 1; s <= 5; s++)
        r5 = send_mm(&c, s);
    const ike_exchange_t *ex = r5->exchange;
    ike_result_t *info = send_info(&c, PEER_B, 0x77, true, 0); /* 6 */
    g_assert_true(info->answers == ex);
    g_assert_cmpuint(info->request_in, ==, 5);
    g_assert_cmpuint(info->answered_step, ==, 5);
    g_assert_cmpuint(ex->answer.enc_info_frame, ==, 6);
    assert_stalled(ex, &long_capture, 5, IKE_EV_ENC_INFO, "psk-mismatch");
    send_mm_resend(&c, 5); /* 7 */
    ike_result_t *r6 = send_mm(&c, 6); /* 8 */
    g_assert_cmpuint(r6->request_in, ==, 7);
    g_assert_true(r6->completes);
    g_assert_true(ex->sa->phase1_done);
    g_assert_cmpuint(ex->answer.enc_info_frame, ==, 0); /* progress clears the answer */
    assert_complete(ex);

    /* Quick Mode: refused once, resent, then answered */
    conv_t d;
    conv_init(&d, model, 0x401, PEER_A);
    phase1(&d);
    ike_result_t *q1 = send_qm(&d, PEER_A, 0x51, 1); /* 7 */
    send_info(&d, PEER_B, 0x52, true, 0);
    send_qm(&d, PEER_A, 0x51, 1); /* 9 */
    ike_result_t *q2 = send_qm(&d, PEER_B, 0x51, 2);
    ike_result_t *q3 = send_qm(&d, PEER_A, 0x51, 3);
    g_assert_cmpuint(q2->request_in, ==, 9);
    g_assert_true(q3->completes);
    assert_complete(q1->exchange);
    ike_model_free(model);
}

/* libreswan answers MM#1 with a clear N(14), message ID 0, responder cookie 0 (section
 * 4a); its initiator keeps resending MM#1, and once the responder's policy is fixed the
 * next copy is answered. */
static void test_recovers_after_notify_with_message_id_0(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x402, PEER_A);
    ike_result_t *m1 = send_mm(&c, 1);
    ike_msg_t n = build_info(&c, PEER_B, 0, false, IKE_N_NO_PROPOSAL_CHOSEN);
    n.rcookie = 0;
    ike_result_t *info = send_msg(&c, PEER_B, n, 0.01); /* 2 */
    g_assert_true(info->answers == m1->exchange);
    send_mm_resend(&c, 1); /* 3 */
    ike_result_t *m2 = send_mm(&c, 2); /* 4 */
    /* Once a bug (message-id-0): exchanges were keyed by SA and message ID only, so the
     * Informational with ID 0 evicted the Main Mode exchange; MM#2 then opened a second
     * Main Mode.  The key now has the kind too (exchange_key). */
    ONCE_A_BUG(m2->exchange == m1->exchange, "an Informational with message ID 0 evicts the phase-1 exchange");
    g_assert_cmpuint(m2->request_in, ==, 3);
    g_assert_cmpuint(m2->notes & IKE_NOTE_REQUEST_MISSING, ==, 0);
    for (unsigned s = 3; s <= 6; s++)
        g_assert_true(send_mm(&c, s)->exchange == m1->exchange);
    assert_complete(m1->exchange);
    g_assert_true(m1->exchange->sa->phase1 == m1->exchange);
    ike_model_free(model);
}

/* ---- superseding ------------------------------------------------------------------ */

static void test_fresh_mm1_supersedes(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t s1, s2, back, s4;
    conv_init(&s1, model, 0x500, PEER_A);
    ike_result_t *r5 = NULL;
    for (unsigned s = 1; s <= 5; s++)
        r5 = send_mm(&s1, s);
    conv_init(&s2, model, 0x501, PEER_A);
    conv_follow(&s2, &s1);
    ike_result_t *fresh = send_mm(&s2, 1); /* 6 */
    const ike_sa_t *sa1 = r5->exchange->sa, *sa2 = fresh->exchange->sa;
    g_assert_cmpuint(sa1->superseded_in, ==, 6);
    g_assert_cmpuint(sa2->superseded_in, ==, 0);

    ike_diag_context_t now = { .capture_end = s2.time, .silence_threshold = 10 };
    ike_verdict_t v = diagnose(r5->exchange, &now);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpuint(v.stall_step, ==, 5);
    g_assert_cmpint(v.evidence, ==, IKE_EV_SUPERSEDED);
    g_assert_cmpstr(v.rule->cause, ==, "psk-mismatch");
    g_assert_cmpuint(v.n_evidence, ==, 2);
    g_assert_cmpuint(v.evidence_frames[0], ==, 5);
    g_assert_cmpuint(v.evidence_frames[1], ==, 6);
    g_assert_cmpuint(v.frame, ==, 5);
    char text[256];
    g_assert_cmpstr(ike_evidence_text(r5->exchange, &v, text, sizeof text), ==,
                    "MM#5 sent once, never answered; the same peers started a fresh phase 1 in frame 6");

    /* the other peer initiating is not a fresh attempt of this SA */
    conv_init(&back, model, 0x502, PEER_B);
    conv_follow(&back, &s2);
    send_mm(&back, 1); /* 7 */
    g_assert_cmpuint(sa2->superseded_in, ==, 0);
    /* a resent last message is stronger evidence than a fresh attempt */
    {
        ike_model_t *m = ike_model_new(NULL);
        conv_t r1, r2;
        conv_init(&r1, m, 0x510, PEER_A);
        ike_result_t *m1 = send_mm(&r1, 1);
        send_mm_resend(&r1, 1);
        conv_init(&r2, m, 0x511, PEER_A);
        conv_follow(&r2, &r1);
        send_mm(&r2, 1);
        g_assert_cmpuint(m1->exchange->sa->superseded_in, ==, 3);
        assert_stalled(m1->exchange, &long_capture, 2, IKE_EV_RESENT, "no-response");
        ike_model_free(m);
    }

    /* a third attempt from A supersedes the second although B tried in between (both
     * ends with auto=start, section 11.7); the first keeps its frame */
    conv_init(&s4, model, 0x503, PEER_A);
    conv_follow(&s4, &back);
    send_mm(&s4, 1); /* 8 */
    g_assert_cmpuint(sa1->superseded_in, ==, 6);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 4);
    /* BUG(supersede-direction): last_sa_by_peers is keyed by the unordered address pair,
     * so B's attempt hides A's older SA from A's next attempt.  Fix in test report. */
    ONCE_A_BUG(sa2->superseded_in == 8, "a fresh MM#1 does not supersede when the other peer initiated in between");
    ike_model_free(model);
}

/* ---- DPD -------------------------------------------------------------------------- */

static void test_dpd_on_healthy_sa(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x600, PEER_A);
    const ike_exchange_t *p1 = phase1(&c)->exchange;
    send_qm(&c, PEER_A, 0x61, 1);
    send_qm(&c, PEER_B, 0x61, 2);
    const ike_exchange_t *qm = send_qm(&c, PEER_A, 0x61, 3)->exchange; /* 9 */
    ike_result_t *dpd[6];
    dpd[0] = send_info(&c, PEER_A, 0x1001, true, 0); /* unreadable R-U-THERE */
    dpd[1] = send_info(&c, PEER_B, 0x1002, true, 0); /* and its ACK */
    dpd[2] = send_info_read(&c, PEER_A, 0x1003, IKE_N_R_U_THERE);
    dpd[3] = send_info_read(&c, PEER_B, 0x1004, IKE_N_R_U_THERE_ACK);
    dpd[4] = send_info(&c, PEER_B, 0x1005, true, 0); /* the responder asks too */
    dpd[5] = send_info(&c, PEER_A, 0x1006, true, 0);
    for (unsigned i = 0; i < 6; i++) {
        bool from_a = i == 0 || i == 2 || i == 5;
        assert_label(dpd[i], "INFO", from_a ? IKE_ROLE_INITIATOR : IKE_ROLE_RESPONDER);
        g_assert_null(dpd[i]->answers);
        g_assert_cmpuint(dpd[i]->request_in, ==, 0);
        g_assert_cmpuint(dpd[i]->exchange->index, ==, i + 1);
    }
    g_assert_cmpuint(dpd[2]->notify, ==, IKE_N_R_U_THERE);
    assert_complete(p1);
    assert_complete(qm);
    g_assert_cmpuint(p1->answer.enc_info_frame, ==, 0);
    g_assert_cmpuint(qm->answer.enc_info_frame, ==, 0);
    ike_model_free(model);
}

/* A rekeyed IKE SA carries DPD before any Quick Mode (the IPsec SAs stay on the old one
 * until they rekey): that is not a refused MM#6. */
static void test_dpd_before_first_quick_mode(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c, d;
    conv_init(&c, model, 0x601, PEER_A);
    const ike_exchange_t *p1 = phase1(&c)->exchange;
    c.time += 30; /* dpddelay */
    ike_result_t *ask = send_info(&c, PEER_A, 0x2001, true, 0);
    ike_result_t *ack = send_info(&c, PEER_B, 0x2002, true, 0);
    assert_label(ask, "INFO", IKE_ROLE_INITIATOR);
    assert_label(ack, "INFO", IKE_ROLE_RESPONDER);

    conv_init(&d, model, 0x602, PEER_A);
    const ike_exchange_t *p2 = phase1(&d)->exchange;
    d.time += 30;
    send_info_read(&d, PEER_A, 0x2003, IKE_N_R_U_THERE);
    send_info_read(&d, PEER_B, 0x2004, IKE_N_R_U_THERE_ACK);

    /* BUG(dpd-mm6): final_step_refused() takes any encrypted Informational from the
     * initiator after MM#6 with no Quick Mode as a refusal, even a readable R-U-THERE and
     * even when the responder acknowledged it.  Fix in test report. */
    ONCE_A_BUG(diagnose(p2, &long_capture).outcome == IKE_OUTCOME_COMPLETE,
              "a readable R-U-THERE after MM#6 makes phase 1 'stalled at MM#6, peer-auth-rejected'");
    ONCE_A_BUG(diagnose(p1, &long_capture).outcome == IKE_OUTCOME_COMPLETE,
              "an acknowledged DPD after MM#6 makes phase 1 'stalled at MM#6, peer-auth-rejected'");
    assert_complete(p1);
    assert_complete(p2);
    ike_model_free(model);
}

/* ---- message IDs ------------------------------------------------------------------ */

static void test_info_reuses_quick_mode_message_id(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x700, PEER_A);
    phase1(&c);
    const uint32_t id = 0x7007;
    ike_result_t *q1 = send_qm(&c, PEER_A, id, 1);
    send_qm(&c, PEER_B, id, 2);
    ike_result_t *q3 = send_qm(&c, PEER_A, id, 3); /* 9 */
    const ike_exchange_t *qm = q1->exchange;
    ike_result_t *info = send_info(&c, PEER_B, id, true, 0); /* 10: a Delete in the same ID */
    assert_label(info, "INFO", IKE_ROLE_RESPONDER);
    g_assert_cmpint(info->kind, ==, IKE_KIND_INFO);
    g_assert_true(info->exchange != qm);
    g_assert_cmpuint(info->exchange->index, ==, 1);
    g_assert_null(info->answers);
    g_assert_cmpuint(info->request_in, ==, 0);
    assert_complete(qm);

    /* the Quick Mode keeps its bytes: a late QM#3 copy is still QM#3 of that exchange */
    ike_result_t *again = send_qm(&c, PEER_A, id, 3); /* 11 */
    assert_label(again, "QM#3", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(again->retrans_of, ==, q3->frame);
    g_assert_true(again->exchange == qm);
    g_assert_false(again->completes);

    ike_result_t *next = send_qm(&c, PEER_A, 0x7008, 1);
    send_qm(&c, PEER_B, 0x7008, 2);
    send_qm(&c, PEER_A, 0x7008, 3);
    g_assert_cmpuint(next->exchange->index, ==, 2);
    assert_complete(next->exchange);
    assert_complete(qm);

    unsigned kinds[8], n = 0;
    for (const ike_exchange_t *ex = qm->sa->exchanges; ex && n < 8; ex = ex->next_in_sa)
        kinds[n++] = ex->kind;
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmpuint(kinds[0], ==, IKE_KIND_MAIN);
    g_assert_cmpuint(kinds[1], ==, IKE_KIND_QUICK);
    g_assert_cmpuint(kinds[2], ==, IKE_KIND_INFO);
    g_assert_cmpuint(kinds[3], ==, IKE_KIND_QUICK);
    ike_model_free(model);
}

/* ---- interleaved Quick Modes ------------------------------------------------------ */

static void test_interleaved_quick_modes_one_silent(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x800, PEER_A);
    phase1(&c);
    ike_result_t *x1 = send_qm(&c, PEER_A, 0x8001, 1); /* 7 */
    ike_result_t *y1 = send_qm(&c, PEER_A, 0x8002, 1);
    ike_result_t *y2 = send_qm(&c, PEER_B, 0x8002, 2);
    ike_result_t *y3 = send_qm(&c, PEER_A, 0x8002, 3);
    assert_label(y2, "QM#2", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(y2->request_in, ==, y1->frame);
    g_assert_true(y3->completes);
    g_assert_cmpuint(x1->exchange->index, ==, 1);
    g_assert_cmpuint(y1->exchange->index, ==, 2);
    assert_complete(y1->exchange);
    assert_stalled(x1->exchange, &long_capture, 2, IKE_EV_SILENCE, "qm-no-response");
    /* DPD half a minute later, unreadable: no answer to the silent Quick Mode */
    c.time += 30;
    ike_result_t *ask = send_info(&c, PEER_B, 0x8003, true, 0);
    send_info(&c, PEER_A, 0x8004, true, 0);
    g_assert_null(ask->answers);
    assert_stalled(x1->exchange, &long_capture, 2, IKE_EV_SILENCE, "qm-no-response");
    ike_model_free(model);
}

/* QM#1 dropped by the responder (it lost the IKE SA's state, or waits for XAUTH); its
 * DPD half a minute later is not a refusal of that Quick Mode. */
static void test_dpd_while_quick_mode_pending(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x803, PEER_A);
    phase1(&c);
    ike_result_t *q1 = send_qm(&c, PEER_A, 0x8301, 1); /* 7 */
    c.time += 30;
    ike_result_t *ask = send_info(&c, PEER_B, 0x8302, true, 0);
    send_info(&c, PEER_A, 0x8303, true, 0);
    /* BUG(dpd-window): any Informational from the responder while a Quick Mode waits is
     * taken as its refusal, however late.  Fix in test report. */
    ONCE_A_BUG(ask->answers == NULL, "a DPD 30 s after QM#1 is taken as its refusal (qm-rejected)");
    assert_stalled(q1->exchange, &long_capture, 2, IKE_EV_SILENCE, "qm-no-response");
    ike_model_free(model);
}

/* Two Quick Modes in flight; the responder refuses the first with an encrypted notify
 * (its SPI would say which, but only with keys) and completes the second. */
static void test_interleaved_quick_modes_one_refused(void)
{
    ike_model_t *model = ike_model_new(NULL), *model2 = ike_model_new(NULL);
    conv_t c, d;
    conv_init(&c, model, 0x801, PEER_A);
    phase1(&c);
    ike_result_t *x1 = send_qm(&c, PEER_A, 0x8101, 1); /* 7 */
    ike_result_t *y1 = send_qm(&c, PEER_A, 0x8102, 1); /* 8 */
    ike_result_t *no = send_info(&c, PEER_B, 0x8103, true, 0); /* 9 */
    send_qm(&c, PEER_B, 0x8102, 2);
    send_qm(&c, PEER_A, 0x8102, 3);
    assert_complete(y1->exchange);

    /* the same, with the refusal after the second completed (another capture: a second
     * phase 1 between the same peers would supersede the first) */
    conv_init(&d, model2, 0x802, PEER_A);
    phase1(&d);
    ike_result_t *dx1 = send_qm(&d, PEER_A, 0x8201, 1);
    ike_result_t *dy1 = send_qm(&d, PEER_A, 0x8202, 1);
    send_qm(&d, PEER_B, 0x8202, 2);
    send_qm(&d, PEER_A, 0x8202, 3);
    ike_result_t *late = send_info(&d, PEER_B, 0x8203, true, 0);
    assert_complete(dy1->exchange);

    /* BUG(waiting-quick): the SA remembers only its newest Quick Mode (waiting_quick), so
     * the notify goes to the one that later completes, or to nothing once it has; the
     * refused one ends "qm-no-response" on silence.  Fix in test report. */
    ONCE_A_BUG(no->answers == x1->exchange, "an Informational answers the newest Quick Mode, not the pending one");
    ONCE_A_BUG(late->answers == dx1->exchange, "an Informational after the newest Quick Mode completed answers nothing");
    ike_diag_context_t now = { .capture_end = c.time, .silence_threshold = 10 };
    ike_verdict_t v = diagnose(x1->exchange, &now);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpint(v.evidence, ==, IKE_EV_ENC_INFO);
    g_assert_cmpstr(v.rule->cause, ==, "qm-rejected");
    g_assert_cmpuint(v.n_evidence, ==, 2);
    g_assert_cmpuint(v.evidence_frames[0], ==, 7);
    g_assert_cmpuint(v.evidence_frames[1], ==, 9);
    assert_stalled(dx1->exchange, &now, 2, IKE_EV_ENC_INFO, "qm-rejected");
    assert_complete(y1->exchange);
    assert_complete(dy1->exchange);
    ike_model_free(model);
    ike_model_free(model2);
}

/* ---- both peers initiate ---------------------------------------------------------- */

static void test_simultaneous_main_modes(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t a, b;
    conv_init(&a, model, 0x900, PEER_A);
    conv_init(&b, model, 0x901, PEER_B);
    ike_result_t *ra[7], *rb[7];
    for (unsigned s = 1; s <= 6; s++) {
        conv_follow(&a, &b);
        ra[s] = send_mm(&a, s);
        conv_follow(&b, &a);
        rb[s] = send_mm(&b, s);
    }
    g_assert_cmpuint(ike_model_sa_count(model), ==, 2);
    const ike_sa_t *sa_a = ra[1]->exchange->sa, *sa_b = rb[1]->exchange->sa;
    g_assert_true(nth_sa(model, 1) == sa_a);
    g_assert_true(nth_sa(model, 2) == sa_b);
    g_assert_cmpuint(sa_a->initiator.addr[3], ==, 1);
    g_assert_cmpuint(sa_a->responder.addr[3], ==, 2);
    g_assert_cmpuint(sa_b->initiator.addr[3], ==, 2);
    g_assert_cmpuint(sa_b->responder.addr[3], ==, 1);
    g_assert_cmpuint(sa_a->superseded_in, ==, 0);
    g_assert_cmpuint(sa_b->superseded_in, ==, 0);
    const char *labels[] = { NULL, "MM#1", "MM#2", "MM#3", "MM#4", "MM#5", "MM#6" };
    for (unsigned s = 1; s <= 6; s++) {
        ike_role_t role = s % 2 ? IKE_ROLE_INITIATOR : IKE_ROLE_RESPONDER;
        assert_label(ra[s], labels[s], role);
        assert_label(rb[s], labels[s], role);
        g_assert_true(ra[s]->exchange->sa == sa_a);
        g_assert_true(rb[s]->exchange->sa == sa_b);
        g_assert_cmpuint(ra[s]->frame, ==, 2 * s - 1);
        g_assert_cmpuint(rb[s]->frame, ==, 2 * s);
    }
    g_assert_cmpuint(ra[2]->request_in, ==, 1);
    g_assert_cmpuint(rb[2]->request_in, ==, 2);
    assert_complete(ra[1]->exchange);
    assert_complete(rb[1]->exchange);
    ike_model_free(model);
}

/* ---- Transaction exchanges -------------------------------------------------------- */

static void test_transaction_after_mm6(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xa00, PEER_A);
    const ike_exchange_t *p1 = phase1(&c)->exchange;
    /* XAUTH: the gateway (phase-1 responder) asks, the client answers */
    ike_result_t *t[6];
    t[0] = send_txn(&c, PEER_B, 0xa001, 1); /* 7: REQUEST user/password */
    t[1] = send_txn(&c, PEER_A, 0xa001, 2); /* REPLY */
    t[2] = send_txn(&c, PEER_B, 0xa001, 3); /* SET status */
    t[3] = send_txn(&c, PEER_A, 0xa001, 4); /* ACK */
    /* Mode-Cfg pull: the client asks */
    t[4] = send_txn(&c, PEER_A, 0xa002, 5);
    t[5] = send_txn(&c, PEER_B, 0xa002, 6);
    for (unsigned i = 0; i < 6; i++) {
        bool from_gateway = i == 0 || i == 2 || i == 5;
        assert_label(t[i], "TXN", from_gateway ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR);
        g_assert_cmpint(t[i]->kind, ==, IKE_KIND_TRANSACTION);
        g_assert_cmpuint(t[i]->step, ==, 0);
        g_assert_cmpuint(t[i]->request_in, ==, 0);
        g_assert_null(t[i]->answers);
        g_assert_cmpuint(t[i]->retrans_of, ==, 0);
        g_assert_cmpstr(ike_cisco_state_name((ike_cisco_state_t)t[i]->state), ==, "QM_IDLE");
        g_assert_cmpuint(t[i]->exchange->index, ==, i < 4 ? 1 : 2);
    }
    g_assert_true(t[0]->exchange == t[3]->exchange);
    g_assert_true(t[4]->exchange != t[0]->exchange);
    g_assert_cmpint(diagnose(t[0]->exchange, &long_capture).outcome, ==, IKE_OUTCOME_NONE);
    /* no Quick Mode yet: the Transaction exchange is not a refusal of MM#6 */
    assert_complete(p1);
    /* a resent TXN keeps its label */
    ike_result_t *again = send_txn(&c, PEER_A, 0xa002, 5);
    assert_label(again, "TXN", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(again->retrans_of, ==, t[4]->frame);

    ike_result_t *q1 = send_qm(&c, PEER_A, 0xa003, 1);
    send_qm(&c, PEER_B, 0xa003, 2);
    send_qm(&c, PEER_A, 0xa003, 3);
    g_assert_cmpuint(q1->exchange->index, ==, 1);
    assert_complete(q1->exchange);
    assert_complete(p1);
    ike_model_free(model);
}

/* A responder's QM#2 resend that left before QM#3 could reach it crosses QM#3 on the
 * wire: not evidence that QM#3 was lost.  One that left later is. */
static void test_qm2_resend_crossing_qm3(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xb00, PEER_A);
    phase1(&c);
    ike_result_t *q1 = send_qm(&c, PEER_A, 0xb001, 1);
    send_qm(&c, PEER_B, 0xb001, 2);
    send_msg(&c, PEER_A, build_qm(&c, PEER_A, 0xb001, 3), 4.0); /* a slow initiator */
    ike_result_t *crossing = send_msg(&c, PEER_B, build_qm(&c, PEER_B, 0xb001, 2), 0.5);
    g_assert_cmpuint(crossing->retrans_of, ==, q1->frame + 1);
    assert_complete(q1->exchange);
    /* its next timer fires long after QM#3 arrived: QM#3 was not accepted */
    send_msg(&c, PEER_B, build_qm(&c, PEER_B, 0xb001, 2), 8.0);
    assert_stalled(q1->exchange, &long_capture, 3, IKE_EV_PEER_RESEND, "qm3-lost");
    ike_model_free(model);
}

/* The XAUTH client deletes the SA right after the gateway's FAIL: the Delete is about
 * XAUTH, not a refusal of MM#6 (test-pcaps/xauth-wrong-password, libreswan clients). */
static void test_delete_after_failed_xauth(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xc00, PEER_A);
    send_phase1_with_auth(&c, 65001);
    const ike_exchange_t *p1 = ike_model_first_sa(model)->phase1;
    send_txn_read(&c, PEER_B, 0xc001, 1, IKE_CFG_REQUEST, IKE_XAUTH_NOT_SEEN);
    send_txn_read(&c, PEER_A, 0xc001, 2, IKE_CFG_REPLY, IKE_XAUTH_NOT_SEEN);
    ike_result_t *set = send_txn_read(&c, PEER_B, 0xc002, 3, IKE_CFG_SET, IKE_XAUTH_FAIL);
    send_txn_read(&c, PEER_A, 0xc002, 4, IKE_CFG_ACK, IKE_XAUTH_NOT_SEEN);
    ike_result_t *del = send_info(&c, PEER_A, 0xc003, true, 0);
    g_assert_null(del->answers);
    assert_complete(p1);
    assert_stalled(set->exchange, &long_capture, 1, IKE_EV_XAUTH_STATUS, "xauth-failed");
    /* the first Transaction exchange is not the stall: XAUTH went on after it */
    g_assert_cmpint(diagnose(ike_model_result_of_frame(model, 7)->exchange, &long_capture).outcome, ==,
                    IKE_OUTCOME_NONE);
    ike_model_free(model);
}

/* ---- request/response links ------------------------------------------------------- */

static void test_request_response_links(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xb00, PEER_A);
    ike_result_t *f[12] = { 0 };
    f[1] = send_mm(&c, 1);
    f[2] = send_mm_resend(&c, 1);
    f[3] = send_mm(&c, 2); /* answers the latest copy */
    f[4] = send_mm_resend(&c, 1); /* MM#2 lost: MM#1 again */
    f[5] = send_mm_resend(&c, 2); /* the responder's cached reply */
    f[6] = send_mm(&c, 3);
    f[7] = send_mm(&c, 4);
    f[8] = send_mm(&c, 5);
    f[9] = send_mm(&c, 6);
    g_assert_cmpuint(f[3]->request_in, ==, 2);
    g_assert_cmpuint(f[1]->response_in, ==, 3);
    g_assert_cmpuint(f[2]->response_in, ==, 3);
    g_assert_cmpuint(f[4]->response_in, ==, 5);
    g_assert_cmpuint(f[5]->request_in, ==, 4);
    g_assert_cmpuint(f[5]->retrans_of, ==, 3);
    g_assert_cmpuint(f[5]->retrans_count, ==, 1);
    g_assert_cmpuint(f[4]->retrans_of, ==, 1);
    g_assert_cmpuint(f[4]->retrans_count, ==, 2);
    g_assert_cmpuint(f[1]->resent, ==, 2);
    g_assert_cmpuint(f[3]->resent, ==, 1);
    g_assert_cmpuint(f[1]->request_in, ==, 0);
    g_assert_cmpuint(f[6]->request_in, ==, 0);
    g_assert_cmpuint(f[6]->response_in, ==, 7);
    g_assert_cmpuint(f[7]->request_in, ==, 6);
    g_assert_cmpuint(f[8]->response_in, ==, 9);
    g_assert_cmpuint(f[9]->request_in, ==, 8);
    g_assert_cmpuint(f[9]->response_in, ==, 0);
    g_assert_true(f[9]->completes);
    g_assert_false(f[5]->completes);

    /* Quick Mode, QM#1 resent before QM#2 */
    ike_result_t *q1 = send_qm(&c, PEER_A, 0xb1, 1); /* 10 */
    ike_result_t *q1b = send_qm(&c, PEER_A, 0xb1, 1); /* 11 */
    ike_result_t *q2 = send_qm(&c, PEER_B, 0xb1, 2); /* 12 */
    ike_result_t *q3 = send_qm(&c, PEER_A, 0xb1, 3); /* 13 */
    g_assert_cmpuint(q2->request_in, ==, 11);
    g_assert_cmpuint(q1->response_in, ==, 12);
    g_assert_cmpuint(q1b->response_in, ==, 12);
    g_assert_cmpuint(q3->request_in, ==, 12);
    g_assert_cmpuint(q2->response_in, ==, 13);

    /* an Informational that answers a pending step links to its latest copy */
    conv_t d;
    conv_init(&d, model, 0xb01, PEER_A);
    send_mm(&d, 1);
    send_mm_resend(&d, 1);
    ike_result_t *n = send_info(&d, PEER_B, 0xb2, false, IKE_N_NO_PROPOSAL_CHOSEN);
    g_assert_cmpuint(n->request_in, ==, 2);
    g_assert_cmpuint(n->answered_step, ==, 1);
    g_assert_cmpuint(n->notify, ==, IKE_N_NO_PROPOSAL_CHOSEN);
    ike_model_free(model);
}

/* ---- ICMP errors ------------------------------------------------------------------ */

static void test_icmp_error_quoting_mm1(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xc00, PEER_A);
    ike_result_t *m1 = send_mm(&c, 1);
    /* the quoted MM#1 has MM#1's bytes: still not a resend, not a message */
    ike_result_t *icmp = send_icmp_quoting(&c, build_mm(&c, 1), 0.001); /* 2 */
    g_assert_cmpuint(icmp->notes, ==, IKE_NOTE_ICMP_ERROR);
    g_assert_null(icmp->exchange);
    g_assert_cmpint(icmp->kind, ==, IKE_KIND_NONE);
    g_assert_cmpuint(icmp->step, ==, 0);
    g_assert_cmpuint(icmp->retrans_of, ==, 0);
    g_assert_cmpuint(m1->resent, ==, 0);
    g_assert_cmpuint(m1->response_in, ==, 0);
    g_assert_cmpuint(m1->exchange->answer.icmp_frame, ==, 2);
    ike_result_t *again = send_mm_resend(&c, 1); /* 3: a real resend is of MM#1, not the ICMP */
    g_assert_cmpuint(again->retrans_of, ==, 1);
    ike_diag_context_t now = { .capture_end = c.time, .silence_threshold = 10 };
    ike_verdict_t v = diagnose(m1->exchange, &now);
    g_assert_cmpint(v.evidence, ==, IKE_EV_ICMP_UNREACHABLE); /* stronger than the resend */
    g_assert_cmpstr(v.rule->cause, ==, "no-response");
    g_assert_cmpuint(v.sends, ==, 2);
    g_assert_cmpuint(v.n_evidence, ==, 3);
    g_assert_cmpuint(v.evidence_frames[2], ==, 2);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 1);

    /* quoting an MM#1 the capture does not have: no SA */
    conv_t d;
    conv_init(&d, model, 0xc01, PEER_A);
    d.frame = 10;
    ike_result_t *stray = send_icmp_quoting(&d, build_mm(&d, 1), 0.1);
    g_assert_cmpuint(stray->notes, ==, IKE_NOTE_ICMP_ERROR);
    g_assert_null(stray->exchange);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 1);
    g_assert_null(ike_model_next_sa(ike_model_first_sa(model)));
    ike_model_free(model);
}

/* ---- duplicates ------------------------------------------------------------------- */

static void test_same_frame_twice_is_a_resend(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xd00, PEER_A);
    ike_msg_t m = build_mm(&c, 1);
    ike_result_t *a = send_msg(&c, PEER_A, m, 0);
    ike_result_t *b = send_msg(&c, PEER_A, m, 0); /* the same bytes, the same instant */
    assert_label(b, "MM#1", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(b->retrans_of, ==, 1);
    g_assert_cmpuint(b->retrans_count, ==, 1);
    g_assert_cmpuint(a->resent, ==, 1);
    g_assert_true(b->exchange == a->exchange);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 1);
    ike_result_t *r2 = send_mm(&c, 2);
    g_assert_cmpuint(r2->request_in, ==, 2);
    ike_msg_t m2 = build_mm(&c, 2);
    ike_result_t *r2b = send_msg(&c, PEER_B, m2, 0);
    assert_label(r2b, "MM#2", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(r2b->retrans_of, ==, 3);
    g_assert_cmpuint(a->exchange->highest_step, ==, 2);
    ike_diag_context_t now = { .capture_end = c.time, .silence_threshold = 10 };
    ike_verdict_t v = diagnose(a->exchange, &now);
    g_assert_cmpint(v.evidence, ==, IKE_EV_RESENT);
    g_assert_cmpuint(v.sends, ==, 2);
    g_assert_cmpuint(v.stall_step, ==, 3);
    ike_model_free(model);
}

/* ---- malformed messages ----------------------------------------------------------- */

static void test_malformed_numbered_from_header(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xe00, PEER_A);
    for (unsigned s = 1; s <= 2; s++)
        send_mm(&c, s);
    /* MM#3 cut short: the KE was read, the nonce not */
    ike_msg_t m3 = build_mm(&c, 3);
    m3.malformed = true;
    m3.payloads = IKE_PL_BIT(IKE_PL_KE);
    ike_result_t *r3 = send_msg(&c, PEER_A, m3, 0.01);
    assert_label(r3, "MM#3", IKE_ROLE_INITIATOR);
    g_assert_true(r3->notes & IKE_NOTE_MALFORMED);
    send_mm(&c, 4);
    /* MM#5 decrypted with a wrong key: the glue drops every payload read inside */
    ike_msg_t m5 = build_mm(&c, 5);
    m5.malformed = true;
    m5.payloads = 0;
    ike_result_t *r5 = send_msg(&c, PEER_A, m5, 0.01); /* 5 */
    assert_label(r5, "MM#5", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(r5->notes, ==, IKE_NOTE_MALFORMED);
    ike_result_t *r5b = send_msg(&c, PEER_A, m5, 1.0); /* 6: its resend */
    assert_label(r5b, "MM#5", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(r5b->retrans_of, ==, 5);
    g_assert_cmpuint(r5b->notes, ==, IKE_NOTE_MALFORMED);
    /* the responder's Informational, malformed under the initiator's key */
    ike_msg_t n = build_info(&c, PEER_B, 0xe1, true, 0);
    n.malformed = true;
    ike_result_t *rn = send_msg(&c, PEER_B, n, 0.01); /* 7 */
    g_assert_true(rn->answers == r5->exchange);
    ike_verdict_t v = diagnose(r5->exchange, &long_capture);
    g_assert_cmpint(v.evidence, ==, IKE_EV_ENC_INFO);
    g_assert_cmpstr(v.rule->cause, ==, "psk-mismatch");
    g_assert_cmpuint(v.sends, ==, 2);

    /* a malformed Quick Mode is numbered by order as any other */
    conv_t d;
    conv_init(&d, model, 0xe01, PEER_A);
    phase1(&d);
    ike_msg_t q = build_qm(&d, PEER_A, 0xe2, 1);
    q.malformed = true;
    ike_result_t *rq = send_msg(&d, PEER_A, q, 0.01);
    assert_label(rq, "QM#1", IKE_ROLE_INITIATOR);
    g_assert_true(rq->notes & IKE_NOTE_MALFORMED);

    /* MM#1 truncated right after the header: only the header's next payload (SA) says
     * what it is */
    conv_t e;
    conv_init(&e, model, 0xe02, PEER_A);
    ike_msg_t m1 = build_mm(&e, 1);
    m1.malformed = true;
    m1.payloads = 0;
    g_assert_cmpuint(m1.next_payload, ==, IKE_PL_SA);
    ike_result_t *r1 = send_msg(&e, PEER_A, m1, 0.01);
    g_assert_true(r1->notes & IKE_NOTE_MALFORMED);
    /* BUG(next-payload): the model never reads msg->next_payload, so a malformed clear
     * message whose payloads the dissector could not read is MM#? with no roles.  Fix in
     * test report. */
    ONCE_A_BUG(r1->step == 1, "a malformed MM#1 with no payload read is not numbered from its header");
    assert_label(r1, "MM#1", IKE_ROLE_INITIATOR);
    g_assert_true(r1->exchange->sa->roles_known);
    assert_label(send_mm(&e, 2), "MM#2", IKE_ROLE_RESPONDER);
    ike_model_free(model);
}

/* ---- bounds ----------------------------------------------------------------------- */

static void test_sa_cap_100k_cookies(void)
{
    ike_model_config_t cfg = { .max_sas = 1000 };
    ike_model_t *model = ike_model_new(&cfg);
    conv_t c;
    unsigned cap_notes = 0, untracked = 0, cap_frame = 0;
    for (uint32_t i = 1; i <= 100000; i++) {
        conv_init(&c, model, 0x1000000000ull + i, i % 2 ? PEER_A : PEER_B);
        c.frame = i - 1;
        c.time = i * 0.001;
        ike_result_t *r = send_mm(&c, 1);
        g_assert_cmpuint(r->frame, ==, i);
        if (r->notes & IKE_NOTE_CAP_REACHED) {
            cap_notes++;
            cap_frame = i;
        }
        if (r->notes & IKE_NOTE_NOT_TRACKED)
            untracked++;
        if (i > 1000) {
            g_assert_null(r->exchange);
            g_assert_cmpint(r->kind, ==, IKE_KIND_NONE);
        } else {
            g_assert_cmpuint(r->exchange->sa->number, ==, i);
        }
    }
    g_assert_cmpuint(cap_notes, ==, 1);
    g_assert_cmpuint(cap_frame, ==, 1001);
    g_assert_cmpuint(untracked, ==, 100000 - 1001);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 1000);
    g_assert_true(ike_model_cap_reached(model));
    unsigned walked = 0;
    for (const ike_sa_t *sa = ike_model_first_sa(model); sa; sa = ike_model_next_sa(sa))
        walked++;
    g_assert_cmpuint(walked, ==, 1000);

    /* tracked SAs keep going past the cap; untracked ones stay untracked */
    conv_init(&c, model, 0x1000000000ull + 7, PEER_A);
    c.frame = 100000;
    ike_result_t *r2 = send_mm(&c, 2);
    assert_label(r2, "MM#2", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(r2->exchange->sa->number, ==, 7);
    g_assert_cmpuint(r2->request_in, ==, 7);
    conv_init(&c, model, 0x1000000000ull + 5000, PEER_B);
    c.frame = 100001;
    ike_result_t *late = send_mm(&c, 2);
    g_assert_cmpuint(late->notes & (IKE_NOTE_NOT_TRACKED | IKE_NOTE_CAP_REACHED), ==, IKE_NOTE_NOT_TRACKED);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 1000);
    ike_model_free(model);
}

/* A hub rekeys many IPsec SAs under one IKE SA (20 proxy-ID pairs, hourly, a day long:
 * 480 Quick Modes).  Their numbers must not wrap, and a DPD after them is no refusal. */
static void test_many_quick_modes(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0xf00, PEER_A);
    const ike_exchange_t *p1 = phase1(&c)->exchange;
    const ike_exchange_t *qm[301] = { 0 };
    ike_result_t *dpd = NULL;
    for (uint32_t i = 1; i <= 300; i++) {
        qm[i] = send_qm(&c, PEER_A, 0xf0000 + i, 1)->exchange;
        send_qm(&c, PEER_B, 0xf0000 + i, 2);
        g_assert_true(send_qm(&c, PEER_A, 0xf0000 + i, 3)->completes);
        if (i == 256) {
            c.time += 30;
            dpd = send_info(&c, PEER_A, 0xf1, true, 0);
        }
    }
    assert_complete(qm[256]);
    assert_complete(qm[300]);
    /* BUG(uint8-counters): ike_sa.n_quick/n_other and ike_exchange.index are uint8_t:
     * Quick Mode 256 is "QM0" in the views, and with n_quick wrapped to 0 the model thinks
     * no Quick Mode ever followed phase 1, so a DPD makes it "stalled at MM#6".  Fix in
     * test report. */
    ONCE_A_BUG(qm[256]->index == 256, "Quick Mode numbers wrap at 256 (uint8_t)");
    g_assert_cmpuint(qm[300]->index, ==, 300);
    g_assert_cmpuint(p1->sa->n_quick, ==, 300);
    g_assert_null(dpd->answers);
    assert_complete(p1);
    ike_model_free(model);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sequences/cut-vs-stalled-threshold", test_cut_vs_stalled_threshold);
    g_test_add_func("/sequences/orphan-mm2-first", test_orphan_mm2_first);
    g_test_add_func("/sequences/recovers-after-error-notify", test_recovers_after_error_notify);
    g_test_add_func("/sequences/recovers-after-notify-message-id-0", test_recovers_after_notify_with_message_id_0);
    g_test_add_func("/sequences/fresh-mm1-supersedes", test_fresh_mm1_supersedes);
    g_test_add_func("/sequences/dpd-on-healthy-sa", test_dpd_on_healthy_sa);
    g_test_add_func("/sequences/dpd-before-first-quick-mode", test_dpd_before_first_quick_mode);
    g_test_add_func("/sequences/info-reuses-quick-mode-message-id", test_info_reuses_quick_mode_message_id);
    g_test_add_func("/sequences/interleaved-quick-modes-one-silent", test_interleaved_quick_modes_one_silent);
    g_test_add_func("/sequences/interleaved-quick-modes-one-refused", test_interleaved_quick_modes_one_refused);
    g_test_add_func("/sequences/dpd-while-quick-mode-pending", test_dpd_while_quick_mode_pending);
    g_test_add_func("/sequences/simultaneous-main-modes", test_simultaneous_main_modes);
    g_test_add_func("/sequences/transaction-after-mm6", test_transaction_after_mm6);
    g_test_add_func("/sequences/qm2-resend-crossing-qm3", test_qm2_resend_crossing_qm3);
    g_test_add_func("/sequences/delete-after-failed-xauth", test_delete_after_failed_xauth);
    g_test_add_func("/sequences/request-response-links", test_request_response_links);
    g_test_add_func("/sequences/icmp-error-quoting-mm1", test_icmp_error_quoting_mm1);
    g_test_add_func("/sequences/same-frame-twice", test_same_frame_twice_is_a_resend);
    g_test_add_func("/sequences/malformed-numbered-from-header", test_malformed_numbered_from_header);
    g_test_add_func("/sequences/sa-cap-100k-cookies", test_sa_cap_100k_cookies);
    g_test_add_func("/sequences/many-quick-modes", test_many_quick_modes);
    return g_test_run();
}
