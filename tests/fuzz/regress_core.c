/* regress_core.c: core-level reproducers of bugs that the hostile captures and the fuzzing
 * found, each the smallest message sequence that shows it.  Built and run in the fuzz
 * build (tests/fuzz/run.sh) with ASan and UBSan; the end-to-end version of each is a
 * capture in tests/hostile/.  Once a fix lands, a case may move to tests/unit.
 */
#include "diagnose.h"
#include "ike_model.h"
#include "names.h"

#include <glib.h>
#include <string.h>

typedef struct conversation {
    ike_model_t *model;
    uint64_t icookie, rcookie;
    uint32_t frame;
    double time;
} conversation_t;

enum side { INITIATOR, RESPONDER };

/* 198.51.100.1 is the initiator, 198.51.100.2 the responder. */
static void endpoint(ike_endpoint_t *ep, enum side side)
{
    memset(ep, 0, sizeof *ep);
    ep->family = 4;
    ep->addr[0] = 198, ep->addr[1] = 51, ep->addr[2] = 100, ep->addr[3] = side == INITIATOR ? 1 : 2;
    ep->port = 500;
}

static ike_result_t *send_message(conversation_t *c, enum side from, uint8_t type, uint32_t message_id, uint8_t flags,
                                  uint32_t payloads, uint64_t digest)
{
    ike_msg_t m;
    memset(&m, 0, sizeof m);
    endpoint(&m.src, from);
    endpoint(&m.dst, from == INITIATOR ? RESPONDER : INITIATOR);
    m.icookie = c->icookie;
    m.rcookie = payloads == IKE_PL_BIT(IKE_PL_SA) && from == INITIATOR && type == IKE_XCHG_MAIN ? 0 : c->rcookie;
    m.major_version = 1;
    m.exchange_type = type;
    m.message_id = message_id;
    m.flags = flags;
    m.payloads = payloads;
    m.digest = digest;
    m.frame = ++c->frame;
    c->time += 0.01;
    m.time = c->time;
    return ike_model_add(c->model, &m);
}

static ike_result_t *main_mode_step(conversation_t *c, unsigned step)
{
    static const uint32_t payloads[7] = {
        0, IKE_PL_BIT(IKE_PL_SA), IKE_PL_BIT(IKE_PL_SA), IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE),
        IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE), 0, 0,
    };
    return send_message(c, step % 2 ? INITIATOR : RESPONDER, IKE_XCHG_MAIN, 0, step >= 5 ? IKE_FLAG_ENCRYPTED : 0,
                        payloads[step], c->icookie * 31 + step);
}

static ike_result_t *quick_mode_step(conversation_t *c, uint32_t message_id, unsigned step)
{
    return send_message(c, step == 2 ? RESPONDER : INITIATOR, IKE_XCHG_QUICK, message_id, IKE_FLAG_ENCRYPTED, 0,
                        (uint64_t)message_id << 8 | step);
}

static void start(conversation_t *c, ike_model_t *model, uint64_t icookie)
{
    memset(c, 0, sizeof *c);
    c->model = model;
    c->icookie = icookie;
    c->rcookie = icookie ^ 0x5a5a5a5a5a5a5a5aull;
}

static const char *label_of(const ike_result_t *r, char *buf)
{
    return ike_label(r, buf, 16);
}

/* An Informational that reuses a pending Quick Mode's message ID must not cut that
 * Quick Mode in two: its QM#3 is still QM#3 of the same exchange. */
static void test_message_id_reused_by_informational(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conversation_t c;
    char buf[16];
    start(&c, model, 0x1001);
    for (unsigned s = 1; s <= 6; s++)
        main_mode_step(&c, s);
    const uint32_t mid = 0x11223344;
    ike_result_t *q1 = quick_mode_step(&c, mid, 1);
    ike_result_t *q2 = quick_mode_step(&c, mid, 2);
    ike_result_t *info = send_message(&c, INITIATOR, IKE_XCHG_INFORMATIONAL, mid, IKE_FLAG_ENCRYPTED, 0, 0x77);
    ike_result_t *q3 = quick_mode_step(&c, mid, 3);
    g_assert_cmpstr(label_of(info, buf), ==, "INFO");
    g_assert_cmpstr(label_of(q3, buf), ==, "QM#3");
    g_assert_true(q3->exchange == q1->exchange);
    g_assert_cmpuint(q3->request_in, ==, q2->frame);
    ike_verdict_t v;
    const ike_diag_context_t ctx = { .capture_end = c.time + 100, .silence_threshold = 10 };
    ike_diagnose(q1->exchange, &ctx, &v);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_COMPLETE);
    ike_model_free(model);
}

/* A Quick Mode that (against RFC 2409) uses message ID 0, phase 1's, must not take phase
 * 1's place: MM#6 after it still completes Main Mode. */
static void test_quick_mode_with_message_id_zero(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conversation_t c;
    char buf[16];
    start(&c, model, 0x1004);
    ike_result_t *mm1 = NULL;
    for (unsigned s = 1; s <= 5; s++) {
        ike_result_t *r = main_mode_step(&c, s);
        mm1 = mm1 ? mm1 : r;
    }
    ike_result_t *qm = quick_mode_step(&c, 0, 1);
    ike_result_t *mm6 = main_mode_step(&c, 6);
    g_assert_cmpstr(label_of(qm, buf), ==, "QM#1");
    g_assert_cmpstr(label_of(mm6, buf), ==, "MM#6");
    g_assert_true(mm6->exchange == mm1->exchange);
    g_assert_true(mm6->completes);
    ike_model_free(model);
}

/* A byte-identical message from the other peer is not a resend (snaplen-cut headers of
 * MM#3 and MM#4 are identical). */
static void test_same_bytes_from_the_other_peer_are_not_a_resend(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conversation_t c;
    start(&c, model, 0x1002);
    main_mode_step(&c, 1);
    main_mode_step(&c, 2);
    const uint32_t ke = IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE);
    ike_result_t *m3 = send_message(&c, INITIATOR, IKE_XCHG_MAIN, 0, 0, ke, 0xC0FFEE);
    ike_result_t *m4 = send_message(&c, RESPONDER, IKE_XCHG_MAIN, 0, 0, ke, 0xC0FFEE);
    g_assert_cmpuint(m3->retrans_of, ==, 0);
    g_assert_cmpuint(m4->retrans_of, ==, 0);
    g_assert_cmpint(m4->role, ==, IKE_ROLE_RESPONDER);
    ike_model_free(model);
}

/* A long-lived SA with 256 Quick Modes (hourly rekeys for ten days, or 256 child SAs)
 * then a DPD Informational: phase 1 is still complete, the last Quick Mode is number
 * 256, not 0. */
static void test_many_quick_modes_in_one_sa(void)
{
    ike_model_t *model = ike_model_new(NULL);
    conversation_t c;
    start(&c, model, 0x1003);
    ike_result_t *mm6 = NULL;
    for (unsigned s = 1; s <= 6; s++)
        mm6 = main_mode_step(&c, s);
    ike_result_t *last = NULL;
    for (uint32_t q = 1; q <= 256; q++)
        for (unsigned s = 1; s <= 3; s++)
            last = quick_mode_step(&c, 0x100 + q, s);
    send_message(&c, INITIATOR, IKE_XCHG_INFORMATIONAL, 0x99, IKE_FLAG_ENCRYPTED, 0, 0x4242);
    g_assert_cmpuint(last->exchange->index, ==, 256);
    ike_verdict_t v;
    const ike_diag_context_t ctx = { .capture_end = c.time + 100, .silence_threshold = 10 };
    ike_diagnose(mm6->exchange, &ctx, &v);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_COMPLETE);
    ike_model_free(model);
}

/* Seconds to feed n MM#1s with cookies (i+1) << 32: every SA's phase-1 key (SA number
 * << 32 | message ID 0) and every cookie has its low 32 bits zero. */
static double seconds_for_first_messages(unsigned n)
{
    ike_model_t *model = ike_model_new(NULL);
    GTimer *timer = g_timer_new();
    for (unsigned i = 0; i < n; i++) {
        conversation_t c;
        start(&c, model, (uint64_t)(i + 1) << 32);
        c.frame = i;
        main_mode_step(&c, 1);
    }
    double elapsed = g_timer_elapsed(timer, NULL);
    g_timer_destroy(timer);
    ike_model_free(model);
    return elapsed;
}

/* The fastest of a few runs: scheduling noise only ever adds time. */
static double best_seconds_for_first_messages(unsigned n, double good_enough)
{
    double best = seconds_for_first_messages(n);
    for (unsigned i = 1; i < 3 && best > good_enough; i++)
        best = MIN(best, seconds_for_first_messages(n));
    return best;
}

/* Eight times the SAs must cost about eight times the time, not sixty-four: GLib 2.74's
 * g_int64_hash keeps only the low 32 bits, so those keys all share one bucket. */
static void test_many_sas_cost_linear_time(void)
{
    seconds_for_first_messages(1000); /* warm up the allocator */
    double small = best_seconds_for_first_messages(1000, 0);
    double bound = 24 * small + 0.05;
    double large = best_seconds_for_first_messages(8000, bound);
    g_test_message("1000 SAs: %.3f s, 8000 SAs: %.3f s (ratio %.1f)", small, large, large / small);
    g_assert_cmpfloat(large, <, bound);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions(); /* report every case, not just the first failure */
    g_test_add_func("/regress/message-id-reused-by-informational", test_message_id_reused_by_informational);
    g_test_add_func("/regress/quick-mode-with-message-id-zero", test_quick_mode_with_message_id_zero);
    g_test_add_func("/regress/same-bytes-from-other-peer", test_same_bytes_from_the_other_peer_are_not_a_resend);
    g_test_add_func("/regress/many-quick-modes-in-one-sa", test_many_quick_modes_in_one_sa);
    g_test_add_func("/regress/many-sas-cost-linear-time", test_many_sas_cost_linear_time);
    return g_test_run();
}
