/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_tunnel.c: ESP tied to its child by SPI (keys) or by peers, counted per direction,
 * and the tunnel verdicts: two-way, one-way (which side is silent), no traffic. */
#include "builders.h"
#include "model_internal.h"
#include "tunnel.h"

#include <glib.h>

#define QM_ID 0x1234u
#define SPI_TO_A 0xc0000001u /* chosen by A (QM#1's sender): carried R→I */
#define SPI_TO_B 0xc0000002u

/* Phase 1 and one Quick Mode initiated by A; with `keys`, QM#1/QM#2 show their SPIs. */
static void build_tunnel(conv_t *c, bool keys)
{
    conv_init(c, ike_model_new(NULL), 0x1111222233334444ull, PEER_A);
    for (unsigned step = 1; step <= 6; step++)
        send_mm(c, step);
    ike_msg_t qm1 = build_qm(c, PEER_A, QM_ID, 1), qm2 = build_qm(c, PEER_B, QM_ID, 2);
    qm1.child_spi = keys ? SPI_TO_A : 0;
    qm2.child_spi = keys ? SPI_TO_B : 0;
    send_msg(c, PEER_A, qm1, 0.1);
    send_msg(c, PEER_B, qm2, 0.1);
    send_qm(c, PEER_A, QM_ID, 3);
}

static const ike_exchange_t *quick_mode(const conv_t *c)
{
    const ike_exchange_t *ex = ike_model_first_sa(c->model)->exchanges;
    while (ex && ex->kind != IKE_KIND_QUICK)
        ex = ex->next_in_sa;
    g_assert_nonnull(ex);
    return ex;
}

static const ike_esp_flow_t *esp(conv_t *c, enum peer from, uint32_t spi, uint32_t sequence, double dt)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_QUICK, 0, 0, 0, 0); /* for its endpoints */
    c->time += dt;
    ike_esp_msg_t e = { .frame = ++c->frame, .time = c->time, .src = m.src, .dst = m.dst, .spi = spi,
                        .sequence = sequence, .length = 100 };
    return ike_tunnels_add_esp(ike_model_tunnels(c->model), &e);
}

static void judge(const conv_t *c, double end, ike_tunnel_verdict_t *v)
{
    const ike_diag_context_t ctx = { .capture_end = end, .silence_threshold = 10 };
    ike_tunnel_judge(ike_model_tunnels(c->model), quick_mode(c), &ctx, v);
}

static void test_by_spi_two_way(void)
{
    conv_t c;
    build_tunnel(&c, true);
    const ike_esp_flow_t *out = esp(&c, PEER_A, SPI_TO_B, 1, 1), *back = esp(&c, PEER_B, SPI_TO_A, 1, 0.01);
    g_assert_nonnull(out);
    g_assert_nonnull(back);
    g_assert_true(ike_esp_flow_child(out) == quick_mode(&c));
    g_assert_cmpint(ike_esp_flow_dir(out), ==, IKE_ESP_I_TO_R);
    g_assert_cmpint(ike_esp_flow_dir(back), ==, IKE_ESP_R_TO_I);
    g_assert_cmpint(ike_esp_flow_match(out), ==, IKE_ESP_MATCH_SPI);
    g_assert_cmpuint(ike_esp_flow_negotiated_in(out), ==, 8); /* QM#2 carried B's SPI */
    g_assert_cmpuint(ike_esp_flow_negotiated_in(back), ==, 7);
    ike_tunnel_verdict_t v;
    judge(&c, c.time, &v);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "two-way");
    g_assert_cmpuint(v.frame, ==, 9); /* QM#3 */
    g_assert_null(v.rule->cause);
    ike_model_free(c.model);
}

/* An SPI that is not the negotiation's, with keys: not taken for the child. */
static void test_unknown_spi_with_keys(void)
{
    conv_t c;
    build_tunnel(&c, true);
    const ike_esp_flow_t *stale = esp(&c, PEER_A, 0xdead0001u, 7, 1);
    g_assert_null(ike_esp_flow_child(stale));
    g_assert_cmpint(ike_esp_flow_match(stale), ==, IKE_ESP_MATCH_NONE);
    g_assert_cmpuint(ike_tunnels_unmatched(ike_model_tunnels(c.model)), ==, 1);
    ike_model_free(c.model);
}

static void test_by_peers_one_way_and_gaps(void)
{
    conv_t c;
    build_tunnel(&c, false);
    for (uint32_t seq = 1; seq <= 8; seq++)
        esp(&c, PEER_A, 0xabcd0001u, seq == 5 ? 6 : seq, 2); /* 5 never seen, 6 twice */
    const ike_esp_flow_t *f = esp(&c, PEER_A, 0xabcd0001u, 9, 2);
    g_assert_cmpint(ike_esp_flow_match(f), ==, IKE_ESP_MATCH_PEERS);
    g_assert_cmpint(ike_esp_flow_dir(f), ==, IKE_ESP_I_TO_R);
    ike_esp_stats_t s;
    ike_esp_flow_stats(f, &s);
    g_assert_cmpuint(s.packets, ==, 9);
    g_assert_cmpuint(s.bytes, ==, 900);
    g_assert_cmpuint(s.missing, ==, 1);
    ike_tunnel_verdict_t v;
    judge(&c, c.time, &v); /* 16 s of one-way ESP */
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "one-way-esp");
    g_assert_cmpint(v.silent, ==, IKE_ROLE_RESPONDER);
    g_assert_cmpstr(v.rule->cause, ==, "one-way-esp");
    char text[1536];
    ike_tunnel_text(quick_mode(&c), &v, text, sizeof text);
    g_assert_nonnull(strstr(text, "QM1 carried 9 packets from its initiator and none back from the responder"));
    g_assert_nonnull(strstr(text, "encaps 9 / decaps 0"));
    judge(&c, c.time - 9, &v); /* the same, 7 s in: too soon */
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "one-way-so-far");
    ike_model_free(c.model);
}

static void test_no_traffic_and_not_a_tunnel(void)
{
    conv_t c;
    build_tunnel(&c, false);
    ike_tunnel_verdict_t v;
    judge(&c, c.time + 30, &v);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "no-traffic");
    g_assert_false(v.rule->warn);
    /* Main Mode makes no IPsec SA */
    const ike_diag_context_t ctx = { .capture_end = c.time, .silence_threshold = 10 };
    ike_tunnel_judge(ike_model_tunnels(c.model), ike_model_first_sa(c.model)->phase1, &ctx, &v);
    g_assert_null(ike_tunnel_state_name(&v));
    ike_model_free(c.model);
}

/* A rekey without keys: the old SPIs stay with QM1, the new ones go to QM2. */
static void test_rekey_by_peers(void)
{
    conv_t c;
    build_tunnel(&c, false);
    esp(&c, PEER_A, 0x1000u, 1, 1);
    esp(&c, PEER_B, 0x2000u, 1, 0.01);
    send_qm(&c, PEER_A, QM_ID + 1, 1);
    send_qm(&c, PEER_B, QM_ID + 1, 2);
    send_qm(&c, PEER_A, QM_ID + 1, 3);
    const ike_esp_flow_t *old = esp(&c, PEER_A, 0x1000u, 2, 0.5); /* overlap is normal */
    const ike_esp_flow_t *new_out = esp(&c, PEER_A, 0x3000u, 1, 0.5);
    const ike_esp_flow_t *new_back = esp(&c, PEER_B, 0x4000u, 1, 0.01);
    g_assert_true(ike_esp_flow_child(old) == quick_mode(&c));
    g_assert_true(ike_esp_flow_child(new_out) != quick_mode(&c));
    g_assert_true(ike_esp_flow_child(new_out) == ike_esp_flow_child(new_back));
    g_assert_cmpuint(ike_esp_flow_child(new_out)->index, ==, 2);
    /* the ESP moved across the rekey: QM1's last ESP (the overlap) links to QM2's first */
    ike_esp_stats_t old_stats, new_stats;
    ike_esp_flow_stats(old, &old_stats);
    ike_esp_flow_stats(new_out, &new_stats);
    uint32_t old_last = 0, new_first = 0;
    const ike_tunnels_t *t = ike_model_tunnels(c.model);
    g_assert_true(ike_tunnels_replaces(t, ike_esp_flow_child(new_out), 10, &old_last, &new_first));
    g_assert_cmpuint(old_last, ==, old_stats.last_frame);
    g_assert_cmpuint(new_first, ==, new_stats.first_frame);
    g_assert_true(ike_tunnels_replaced_by(t, quick_mode(&c), 10, &old_last, &new_first));
    g_assert_cmpuint(new_first, ==, new_stats.first_frame);
    g_assert_false(ike_tunnels_replaces(t, quick_mode(&c), 10, &old_last, &new_first));
    /* the old child going on long after the new one began: parallel children, no rekey */
    esp(&c, PEER_A, 0x1000u, 3, 30);
    g_assert_false(ike_tunnels_replaces(t, ike_esp_flow_child(new_out), 10, &old_last, &new_first));
    ike_model_free(c.model);
}

/* Both ways, then the responder goes quiet and the initiator's DPD goes unanswered. */
static void test_dead_peer(void)
{
    conv_t c;
    build_tunnel(&c, false);
    esp(&c, PEER_A, 0x1000u, 1, 1);
    esp(&c, PEER_B, 0x2000u, 1, 0.01);
    ike_tunnel_verdict_t v;
    send_info(&c, PEER_A, 0x7001, true, 0); /* a burst of two: a teardown's Deletes, not DPD */
    send_info(&c, PEER_A, 0x7002, true, 0);
    judge(&c, c.time + 30, &v);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "two-way");
    send_info(&c, PEER_A, 0x7003, true, 0); /* now spread over seconds */
    c.time += 4;
    send_info(&c, PEER_A, 0x7004, true, 0);
    judge(&c, c.time + 30, &v);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "dead-peer");
    g_assert_cmpint(v.silent, ==, IKE_ROLE_RESPONDER);
    /* anything from the responder: alive */
    send_info(&c, PEER_B, 0x7005, true, 0);
    judge(&c, c.time + 30, &v);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "two-way");
    ike_model_free(c.model);
}

/* With keys: a Delete of the child's SPI, and ESP that goes on after it. */
static void test_esp_after_delete(void)
{
    conv_t c;
    build_tunnel(&c, true);
    esp(&c, PEER_A, SPI_TO_B, 1, 1);
    esp(&c, PEER_B, SPI_TO_A, 1, 0.01);
    ike_msg_t del = build_info(&c, PEER_B, 0x7001, true, 0);
    del.payloads |= IKE_PL_BIT(IKE_PL_DELETE);
    del.n_deleted = 1;
    del.deleted_spi[0] = SPI_TO_B; /* B deletes the SA it receives on */
    ike_result_t *deleted = send_msg(&c, PEER_B, del, 1);
    ike_tunnel_verdict_t v;
    judge(&c, c.time, &v);
    g_assert_cmpint(v.evidence, ==, IKE_TUNNEL_EV_DELETED);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "two-way");
    esp(&c, PEER_A, SPI_TO_B, 2, 1);
    judge(&c, c.time, &v);
    g_assert_cmpstr(ike_tunnel_state_name(&v), ==, "stale-spi");
    g_assert_cmpuint(v.evidence_frame, ==, deleted->frame);
    g_assert_cmpuint(ike_tunnels_deleted_in(ike_model_tunnels(c.model), quick_mode(&c)), ==, deleted->frame);
    ike_model_free(c.model);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tunnel/by-spi-two-way", test_by_spi_two_way);
    g_test_add_func("/tunnel/unknown-spi-with-keys", test_unknown_spi_with_keys);
    g_test_add_func("/tunnel/by-peers-one-way-and-gaps", test_by_peers_one_way_and_gaps);
    g_test_add_func("/tunnel/no-traffic", test_no_traffic_and_not_a_tunnel);
    g_test_add_func("/tunnel/rekey-by-peers", test_rekey_by_peers);
    g_test_add_func("/tunnel/dead-peer", test_dead_peer);
    g_test_add_func("/tunnel/esp-after-delete", test_esp_after_delete);
    return g_test_run();
}
