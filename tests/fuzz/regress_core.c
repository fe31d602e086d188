/* SPDX-License-Identifier: GPL-2.0-or-later */
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
    g_assert_cmpuint(ike_exchange_index(last->exchange), ==, 256);
    ike_verdict_t v;
    const ike_diag_context_t ctx = { .capture_end = c.time + 100, .silence_threshold = 10 };
    ike_diagnose(mm6->exchange, &ctx, &v);
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_COMPLETE);
    ike_model_free(model);
}

/* Cookies (i+1) << 32: with GLib 2.74's g_int64_hash, which keeps only the low 32 bits,
 * they and every phase-1 key (SA number << 32 | message ID 0) share one bucket. */
static uint64_t low_bits_zero_cookie(uint64_t i)
{
    return (i + 1) << 32;
}

/* Cookies a capture can choose: the inverse of an unkeyed MurmurHash3 finaliser half
 * (xor-shift 33, multiply, xor-shift 33; each step inverts), applied to values whose low
 * 32 bits, GHashTable's hash, are all equal.  Against a seeded hash they are ordinary. */
static uint64_t colliding_cookie(uint64_t i)
{
    uint64_t k = (i + 1) << 32 | 0x1234u;
    k ^= k >> 33;
    k *= 0x4f74430c22a54005ull; /* the inverse of 0xff51afd7ed558ccd modulo 2^64 */
    k ^= k >> 33;
    return k;
}

/* Seconds to add `batch` MM#1s (new SAs) to a model that already holds `held` SAs. */
static double seconds_to_add_sas(uint64_t (*cookie)(uint64_t), unsigned held, unsigned batch)
{
    ike_model_t *model = ike_model_new(NULL);
    conversation_t c;
    for (unsigned i = 0; i < held; i++) {
        start(&c, model, cookie(i));
        main_mode_step(&c, 1);
    }
    GTimer *timer = g_timer_new();
    for (unsigned i = held; i < held + batch; i++) {
        start(&c, model, cookie(i));
        main_mode_step(&c, 1);
    }
    double elapsed = g_timer_elapsed(timer, NULL);
    g_timer_destroy(timer);
    ike_model_free(model);
    return elapsed;
}

/* New SAs must cost about the same with 15,000 SAs in the table as with 1,000; a table
 * whose keys share a bucket makes it about 15 times dearer.  Each figure is the best of
 * three, as scheduling noise only ever adds time. */
static void assert_new_sa_cost_flat(uint64_t (*cookie)(uint64_t), const char *what)
{
    double few = G_MAXDOUBLE, many = G_MAXDOUBLE;
    for (unsigned i = 0; i < 3; i++)
        few = MIN(few, seconds_to_add_sas(cookie, 1000, 2000));
    double bound = 6 * few + 0.03;
    for (unsigned i = 0; i < 3 && many > bound; i++)
        many = MIN(many, seconds_to_add_sas(cookie, 15000, 2000));
    g_test_message("%s: 2000 new SAs next to 1000: %.3f s, next to 15000: %.3f s", what, few, many);
    g_assert_cmpfloat(many, <, bound);
}

static void test_many_sas_cost_linear_time(void)
{
    assert_new_sa_cost_flat(low_bits_zero_cookie, "cookies with low bits zero");
}

/* A crafted capture must not make the SA table quadratic either: the hash needs a seed
 * the capture cannot know. */
static void test_chosen_cookies_cost_linear_time(void)
{
    assert_new_sa_cost_flat(colliding_cookie, "chosen cookies");
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
    g_test_add_func("/regress/chosen-cookies-cost-linear-time", test_chosen_cookies_cost_linear_time);
    return g_test_run();
}
