/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_model.c: numbering, roles, SAs, request/response links and resends. */
#include "builders.h"
#include "model_internal.h"
#include "names.h"

#include <glib.h>

static ike_model_t *model;

static void setup(void) { model = ike_model_new(NULL); }
static void teardown(void) { ike_model_free(model); }

static void assert_label(const ike_result_t *r, const char *label, ike_role_t role)
{
    char buf[16];
    g_assert_cmpstr(ike_label(r, buf, sizeof buf), ==, label);
    g_assert_cmpint(r->role, ==, role);
}

static void test_main_mode_numbering(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x1111, PEER_A);
    const char *labels[] = { NULL, "MM#1", "MM#2", "MM#3", "MM#4", "MM#5", "MM#6" };
    ike_result_t *r[7];
    for (unsigned s = 1; s <= 6; s++) {
        r[s] = send_mm(&c, s);
        assert_label(r[s], labels[s], s % 2 ? IKE_ROLE_INITIATOR : IKE_ROLE_RESPONDER);
        g_assert_cmpuint(r[s]->exchange->sa->number, ==, 1);
    }
    g_assert_cmpuint(r[2]->request_in, ==, r[1]->frame);
    g_assert_cmpuint(r[1]->response_in, ==, r[2]->frame);
    g_assert_cmpuint(r[6]->request_in, ==, r[5]->frame);
    g_assert_cmpuint(r[3]->request_in, ==, 0); /* MM#3 starts a new pair */
    g_assert_true(r[6]->completes);
    g_assert_cmpstr(ike_cisco_state_name(r[6]->state), ==, "QM_IDLE");
    g_assert_cmpstr(ike_cisco_state_name(r[2]->state), ==, "MM_SA_SETUP");
    g_assert_cmpstr(ike_cisco_state_name(r[4]->state), ==, "MM_KEY_EXCH");
    teardown();
}

static void test_resend_keeps_label(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x2222, PEER_A);
    for (unsigned s = 1; s <= 5; s++)
        send_mm(&c, s);
    ike_result_t *first = c.model ? NULL : NULL;
    ike_result_t *r1 = send_mm_resend(&c, 5);
    ike_result_t *r2 = send_mm_resend(&c, 5);
    assert_label(r1, "MM#5", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(r1->retrans_of, ==, 5);
    g_assert_cmpuint(r1->retrans_count, ==, 1);
    g_assert_cmpuint(r2->retrans_of, ==, 5);
    g_assert_cmpuint(r2->retrans_count, ==, 2);
    g_assert_false(r2->completes);
    (void)first;
    /* a resend by the responder of its MM#4 keeps MM#4 */
    ike_result_t *r4 = send_mm_resend(&c, 4);
    assert_label(r4, "MM#4", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(r4->retrans_of, ==, 4);
    teardown();
}

static void test_quick_modes_interleaved_and_responder_rekey(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x3333, PEER_A);
    for (unsigned s = 1; s <= 6; s++)
        send_mm(&c, s);
    ike_result_t *a1 = send_qm(&c, PEER_A, 0xaaaa, 1);
    ike_result_t *b1 = send_qm(&c, PEER_B, 0xbbbb, 1); /* rekey from the phase-1 responder */
    ike_result_t *a2 = send_qm(&c, PEER_B, 0xaaaa, 2);
    ike_result_t *b2 = send_qm(&c, PEER_A, 0xbbbb, 2);
    ike_result_t *a3 = send_qm(&c, PEER_A, 0xaaaa, 3);
    ike_result_t *b3 = send_qm(&c, PEER_B, 0xbbbb, 3);
    assert_label(a1, "QM#1", IKE_ROLE_INITIATOR);
    assert_label(b1, "QM#1", IKE_ROLE_INITIATOR);
    assert_label(a2, "QM#2", IKE_ROLE_RESPONDER);
    assert_label(b2, "QM#2", IKE_ROLE_RESPONDER);
    assert_label(a3, "QM#3", IKE_ROLE_INITIATOR);
    assert_label(b3, "QM#3", IKE_ROLE_INITIATOR);
    g_assert_cmpuint(a1->exchange->index, ==, 1);
    g_assert_cmpuint(b1->exchange->index, ==, 2);
    g_assert_false(b1->exchange->initiator_is_sa_initiator);
    g_assert_cmpuint(a2->request_in, ==, a1->frame);
    g_assert_cmpuint(b3->request_in, ==, b2->frame);
    g_assert_true(a3->completes && b3->completes);
    teardown();
}

static void test_info_roles_and_nat_t_float(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x4444, PEER_B);
    for (unsigned s = 1; s <= 4; s++)
        send_mm(&c, s);
    c.nat_t = true;
    ike_result_t *m5 = send_mm(&c, 5);
    ike_result_t *m6 = send_mm(&c, 6);
    assert_label(m5, "MM#5", IKE_ROLE_INITIATOR);
    assert_label(m6, "MM#6", IKE_ROLE_RESPONDER);
    g_assert_cmpuint(m6->exchange->sa->number, ==, 1);
    ike_result_t *i = send_info(&c, PEER_A, 0x77, true, 0);
    assert_label(i, "INFO", IKE_ROLE_RESPONDER);
    teardown();
}

static void test_orphan_response_and_several_sas(void)
{
    setup();
    conv_t a, b;
    conv_init(&a, model, 0x5555, PEER_A);
    conv_init(&b, model, 0x6666, PEER_B);
    b.frame = 100;
    ike_result_t *orphan = send_mm(&b, 2); /* MM#2 whose MM#1 is not in the capture */
    ike_result_t *first = send_mm(&a, 1);
    assert_label(orphan, "MM#2", IKE_ROLE_RESPONDER);
    g_assert_true(orphan->notes & IKE_NOTE_REQUEST_MISSING);
    g_assert_true(orphan->notes & IKE_NOTE_FIRST_ORPHAN_OF_SOURCE);
    g_assert_cmpuint(orphan->exchange->sa->number, ==, 1);
    g_assert_cmpuint(first->exchange->sa->number, ==, 2);
    conv_t b2;
    conv_init(&b2, model, 0x6667, PEER_B);
    b2.frame = 200;
    ike_result_t *orphan2 = send_mm(&b2, 2);
    g_assert_true(orphan2->notes & IKE_NOTE_REQUEST_MISSING);
    g_assert_false(orphan2->notes & IKE_NOTE_FIRST_ORPHAN_OF_SOURCE); /* once per source */
    teardown();
}

static void test_not_analysed(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x7777, PEER_A);
    ike_msg_t m = msg_make(&c, PEER_A, 243, 0, 0, 0, 1);
    ike_result_t *r = send_msg(&c, PEER_A, m, 0);
    g_assert_cmpint(r->kind, ==, IKE_KIND_NONE);
    g_assert_true(r->notes & IKE_NOTE_UNKNOWN_EXCHANGE);
    /* IKEv2 session resumption (RFC 5723, exchange type 38) is not numbered either */
    m = msg_make(&c, PEER_A, 38, 0, IKE2_FLAG_INITIATOR, 0, 2);
    m.major_version = 2;
    r = send_msg(&c, PEER_A, m, 0);
    g_assert_cmpint(r->kind, ==, IKE_KIND_NONE);
    g_assert_true(r->notes & IKE_NOTE_UNKNOWN_EXCHANGE);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 0);
    teardown();
}

static void test_same_cookie_two_peers(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x8888, PEER_A);
    ike_result_t *a = send_mm(&c, 1);
    ike_msg_t m = msg_make(&c, PEER_C, IKE_XCHG_MAIN, 0, 0, IKE_PL_BIT(IKE_PL_SA), 9);
    m.rcookie = 0;
    m.src.addr[3] = 77; /* another initiator, same cookie */
    ike_result_t *b = send_msg(&c, PEER_C, m, 0.1);
    g_assert_cmpuint(a->exchange->sa->number, ==, 1);
    g_assert_cmpuint(b->exchange->sa->number, ==, 2);
    assert_label(b, "MM#1", IKE_ROLE_INITIATOR);
    teardown();
}

static void test_sa_cap(void)
{
    ike_model_config_t cfg = { .max_sas = 2 };
    model = ike_model_new(&cfg);
    conv_t c;
    ike_result_t *r = NULL;
    for (uint64_t i = 1; i <= 4; i++) {
        conv_init(&c, model, i, PEER_A);
        c.frame = (uint32_t)i * 10;
        r = send_mm(&c, 1);
        if (i == 3)
            g_assert_true(r->notes & IKE_NOTE_CAP_REACHED);
    }
    g_assert_true(r->notes & IKE_NOTE_NOT_TRACKED);
    g_assert_cmpuint(ike_model_sa_count(model), ==, 2);
    g_assert_true(ike_model_cap_reached(model));
    /* the frame that reached the cap keeps its note; later ones are not kept at all */
    g_assert_true(ike_model_result_of_frame(model, 31)->notes & IKE_NOTE_CAP_REACHED);
    g_assert_null(ike_model_result_of_frame(model, 41));
    g_assert_nonnull(ike_model_result_of_frame(model, 21));
    teardown();
}

/* Later passes find each frame's result by its number, across result blocks, and
 * nothing for frames the model never saw. */
static void test_results_by_frame(void)
{
    model = ike_model_new(&(ike_model_config_t){ 0 });
    g_assert_null(ike_model_result_of_frame(model, 1));
    enum { N = 2500 }; /* more than two blocks */
    static ike_result_t *added[N];
    conv_t c;
    for (unsigned i = 0; i < N; i++) {
        conv_init(&c, model, 1000 + i, PEER_A);
        c.frame = 3 * i + 1; /* frames 2, 5, 8, ...: gaps between them */
        added[i] = send_mm(&c, 1);
    }
    for (unsigned i = 0; i < N; i++) {
        g_assert_true(ike_model_result_of_frame(model, 3 * i + 2) == added[i]);
        g_assert_null(ike_model_result_of_frame(model, 3 * i + 3));
        g_assert_null(ike_model_result_of_frame(model, 3 * i + 1));
    }
    g_assert_null(ike_model_result_of_frame(model, 3 * N + 5));
    g_assert_null(ike_model_result_of_frame(model, 0));
    teardown();
}

/* A resend is found among the newest originals of its own exchange, so a hostile
 * exchange of endless distinct messages costs the same per message. */
static void test_resend_window(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x77, PEER_A);
    for (unsigned step = 1; step <= 6; step++)
        send_mm(&c, step);
    ike_result_t *first = send_txn(&c, PEER_B, 0xabc, 0);
    ike_result_t *newest = NULL;
    for (unsigned i = 1; i <= 40; i++)
        newest = send_txn(&c, PEER_B, 0xabc, i);
    ike_result_t *again = send_txn(&c, PEER_B, 0xabc, 40);
    g_assert_cmpuint(again->retrans_of, ==, newest->frame);
    g_assert_true(again->exchange == first->exchange);
    ike_result_t *too_old = send_txn(&c, PEER_B, 0xabc, 0); /* 41 originals ago */
    g_assert_cmpuint(too_old->retrans_of, ==, 0);
    /* the Main Mode keeps its own originals: its resends are still found */
    ike_result_t *mm5 = send_mm_resend(&c, 5);
    g_assert_cmpuint(mm5->retrans_count, ==, 1);
    teardown();
}

/* The early warning: the third send of a request with nothing back is marked, once;
 * an answer of any kind before it (here an ICMP error) means something came back. */
static void test_unanswered_warning(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x1111, PEER_A);
    ike_result_t *first = send_mm(&c, 1);
    ike_result_t *second = send_mm_resend(&c, 1);
    ike_result_t *third = send_mm_resend(&c, 1);
    ike_result_t *fourth = send_mm_resend(&c, 1);
    g_assert_false(first->notes & IKE_NOTE_UNANSWERED);
    g_assert_false(second->notes & IKE_NOTE_UNANSWERED);
    g_assert_true(third->notes & IKE_NOTE_UNANSWERED);
    g_assert_false(fourth->notes & IKE_NOTE_UNANSWERED);

    conv_t d;
    conv_init(&d, model, 0x2222, PEER_A);
    conv_follow(&d, &c);
    ike_msg_t mm1 = build_mm(&d, 1);
    send_msg(&d, PEER_A, mm1, 1);
    send_icmp_quoting(&d, mm1, 0.001);
    send_mm_resend(&d, 1);
    g_assert_false(send_mm_resend(&d, 1)->notes & IKE_NOTE_UNANSWERED);

    conv_t e; /* a reply, then the initiator repeats MM#3: MM#3 is the newest step, unanswered */
    conv_init(&e, model, 0x3333, PEER_A);
    conv_follow(&e, &d);
    send_mm(&e, 1);
    send_mm(&e, 2);
    send_mm(&e, 3);
    send_mm_resend(&e, 3);
    g_assert_true(send_mm_resend(&e, 3)->notes & IKE_NOTE_UNANSWERED);
    teardown();
}

/* An ICMP error quoting a message of an SA that is up (a DPD R-U-THERE) says the
 * peer's daemon is gone: noted once, on the SA and on the first such frame. */
static void test_peer_gone_after_completion(void)
{
    setup();
    conv_t c;
    conv_init(&c, model, 0x4444, PEER_A);
    for (unsigned s = 1; s <= 6; s++)
        send_mm(&c, s);
    send_qm(&c, PEER_A, 0x77, 1);
    send_qm(&c, PEER_B, 0x77, 2);
    ike_result_t *qm3 = send_qm(&c, PEER_A, 0x77, 3);
    ike_msg_t dpd = build_info(&c, PEER_A, 0x5001, true, 0);
    send_msg(&c, PEER_A, dpd, 2);
    ike_result_t *icmp = send_icmp_quoting(&c, dpd, 0.001);
    g_assert_true(icmp->notes & IKE_NOTE_PEER_GONE);
    g_assert_cmpuint(qm3->exchange->sa->peer_gone_in, ==, icmp->frame);
    ike_msg_t again = build_info(&c, PEER_A, 0x5002, true, 0);
    send_msg(&c, PEER_A, again, 2);
    g_assert_false(send_icmp_quoting(&c, again, 0.001)->notes & IKE_NOTE_PEER_GONE);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/model/main-mode-numbering", test_main_mode_numbering);
    g_test_add_func("/model/resend-keeps-label", test_resend_keeps_label);
    g_test_add_func("/model/quick-modes-interleaved", test_quick_modes_interleaved_and_responder_rekey);
    g_test_add_func("/model/info-roles-nat-t", test_info_roles_and_nat_t_float);
    g_test_add_func("/model/orphan-and-several-sas", test_orphan_response_and_several_sas);
    g_test_add_func("/model/not-analysed", test_not_analysed);
    g_test_add_func("/model/same-cookie-two-peers", test_same_cookie_two_peers);
    g_test_add_func("/model/sa-cap", test_sa_cap);
    g_test_add_func("/model/results-by-frame", test_results_by_frame);
    g_test_add_func("/model/resend-window", test_resend_window);
    g_test_add_func("/model/unanswered-warning", test_unanswered_warning);
    g_test_add_func("/model/peer-gone-after-completion", test_peer_gone_after_completion);
    return g_test_run();
}
