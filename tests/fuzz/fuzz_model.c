/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_model.c: libFuzzer target for the pure-C core (plugin/core).
 *
 * The input is a sequence of fixed-size records, one ike_msg_t each (a short tail is
 * ignored).  Each field is drawn from a small table rather than taken raw, so that
 * messages meet (same cookies, same peers, same bytes) often enough to build SAs,
 * exchanges, resends and answers; a few table slots keep raw values for the odd cases.
 * The record layout (12 bytes):
 *
 *   0  sender peer (bits 0-1), receiver peer (bits 2-3), UDP 4500 + non-ESP marker
 *      (bit 4), IPv6 (bit 5), malformed (bit 6), decrypted (bit 7)
 *   1  initiator cookie (bits 0-2, one of 8), responder cookie (bits 3-5, 0 = none),
 *      major version (bits 6-7: 1, 1, 2, 0)
 *   2  exchange type (bits 0-3, table below), header flags (bits 4-7)
 *   3  message ID (bits 0-2: 0 or one of 7), header next payload (bits 3-7)
 *   4-5 payload kinds: bit i of this 16-bit word = payload_kinds[i]
 *   6  notify count (bits 0-2, at most IKE_MSG_MAX_NOTIFY), first code (bits 3-7)
 *   7  second and later codes (bits 0-3, 4-7)
 *   8  byte digest: one of 64 values (bits 0-5), so byte-identical resends happen;
 *      quoted in an ICMP error (bit 6)
 *   9  time step: a signed number of quarter seconds (time may go backwards)
 *  10  transforms in the message (bits 0-3, at most IKE_MSG_MAX_TRANSFORMS kept)
 *      and attribute values (bits 4-7)
 *  11  header length field (raw), and the frame number skips ahead by bits 0-1; the
 *      capture point (pcapng interface) is bits 5-7 modulo 5
 *
 * A record whose major version decodes to 0 is an ESP frame instead (tunnel.h): peers as
 * byte 0, SPI from a table by byte 3 bits 0-2, sequence number bytes 4-5, length byte 10.
 * IKE messages carry a child SPI from that table by byte 7 bits 0-2 and, in IKEv2, an SA
 * protocol by byte 6 bits 0-1.
 *
 * Messages go through the capture points (capture.h): copies, losses, offsets and where
 * are asked of every frame.  After the messages: ike_diagnose, ike_evidence_text and
 * ike_label on every exchange of every SA of every point (at the capture end and long
 * after it), then everything is freed.  A crash,
 * a sanitizer report or a leak is a finding; a finding becomes a file under
 * tests/fuzz/regressions/, replayed by ctest in the fuzz build (run.sh).
 */
#include "capture.h"
#include "model_internal.h" /* the chosen transform, fed to every notation below */
#include "diagnose.h"
#include "explain.h"
#include "ike_model.h"
#include "names.h"
#include "proposal.h"
#include "tunnel.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* -DFUZZ_MODEL_TRACE prints each decoded message and its label, to read a finding or
 * check a seed (run.sh --trace FILE). */
#ifdef FUZZ_MODEL_TRACE
#include <stdio.h>
static void trace(const ike_msg_t *m, const ike_result_t *res)
{
    char label[16];
    printf("frame %u t=%.2f %u->%u%s v%u xchg %u flags %x mid %x pl %x n%u digest %llu: %s sa %u%s\n", m->frame, m->time,
           m->src.addr[m->src.family == 6 ? 15 : 3], m->dst.addr[m->dst.family == 6 ? 15 : 3], m->nat_t ? " 4500" : "",
           m->major_version, m->exchange_type, m->flags, m->message_id, m->payloads, m->n_notify,
           (unsigned long long)m->digest, ike_label(res, label, sizeof label),
           res->exchange ? ike_sa_number(ike_exchange_sa(res->exchange)) : 0, res->retrans_of ? " resend" : "");
}
#else
#define trace(m, res) ((void)0)
#endif

#define RECORD_SIZE 12
#define MAX_SAS 8 /* small, so the cap is reached too */

static const uint8_t exchange_types[16] = {
    IKE_XCHG_MAIN, IKE_XCHG_MAIN, IKE_XCHG_MAIN, IKE_XCHG_AGGRESSIVE, IKE_XCHG_AGGRESSIVE,
    IKE_XCHG_INFORMATIONAL, IKE_XCHG_INFORMATIONAL, IKE_XCHG_TRANSACTION, IKE_XCHG_QUICK, IKE_XCHG_QUICK,
    IKE_XCHG_QUICK, IKE_XCHG_BASE, IKE_XCHG_NEW_GROUP, 243, 0, 255,
};

/* IKEv2's (RFC 7296 section 3.1, 9242), with types it does not analyse. */
static const uint8_t exchange_types_v2[16] = {
    IKE2_XCHG_SA_INIT, IKE2_XCHG_SA_INIT, IKE2_XCHG_SA_INIT, IKE2_XCHG_AUTH, IKE2_XCHG_AUTH, IKE2_XCHG_AUTH,
    IKE2_XCHG_CREATE_CHILD_SA, IKE2_XCHG_CREATE_CHILD_SA, IKE2_XCHG_INFORMATIONAL, IKE2_XCHG_INFORMATIONAL,
    IKE2_XCHG_INFORMATIONAL, IKE2_XCHG_INTERMEDIATE, 38, IKE_XCHG_MAIN, 0, 255,
};

/* Cookies 4 and 5 share their low 32 bits (GLib 2.74 hashes 64-bit keys by those). */
static const uint64_t cookies[8] = {
    0x1111111111111111ull, 0x2222222222222222ull, 0x0102030405060708ull, 0xffffffffffffffffull,
    0x0000000100000000ull, 0x0000000200000000ull, 1, 0x8000000000000000ull,
};

static const uint32_t message_ids[8] = { 0, 0x11223344, 0xdeadbeef, 1, 0xffffffff, 0x80000000, 2, 0x11223345 };

static const uint8_t payload_kinds[16] = {
    IKE_PL_SA, IKE_PL_KE, IKE_PL_NONCE, IKE_PL_ID, IKE_PL_HASH, IKE_PL_SIG, IKE_PL_NOTIFY, IKE_PL_DELETE,
    IKE_PL_VID, IKE_PL_NAT_D, IKE_PL_CERT, IKE_PL_CERTREQ, IKE_PL_ATTR, IKE_PL_PROPOSAL, IKE_PL_NAT_OA, 31,
};

static const uint16_t notify_codes[16] = {
    IKE_N_NO_PROPOSAL_CHOSEN, IKE_N_PAYLOAD_MALFORMED, IKE_N_INVALID_ID_INFORMATION,
    IKE_N_INVALID_HASH_INFORMATION, IKE_N_AUTHENTICATION_FAILED, IKE_N_UNSUPPORTED_EXCHANGE_TYPE,
    IKE_N_INVALID_KEY_INFORMATION, IKE_N_INVALID_COOKIE, IKE_N_R_U_THERE, IKE_N_R_U_THERE_ACK,
    IKE_N_INITIAL_CONTACT, IKE_N_RESPONDER_LIFETIME, 0, IKE_N_ERROR_MAX, 8192, 65535,
};

/* Four peers on documentation addresses (198.51.100.1-4 or 2001:db8::1-4). */
static const uint32_t spis[8] = { 0, 0xc0000001, 0xc0000002, 0xc0000003, 0xc0000004, 0xffffffff, 1, 0xc0000001 };

static void make_endpoint(ike_endpoint_t *ep, unsigned peer, bool ipv6, bool nat_t)
{
    memset(ep, 0, sizeof *ep);
    ep->port = nat_t ? 4500 : 500;
    if (ipv6) {
        static const uint8_t prefix[4] = { 0x20, 0x01, 0x0d, 0xb8 };
        ep->family = 6;
        memcpy(ep->addr, prefix, sizeof prefix);
        ep->addr[15] = (uint8_t)(1 + peer);
    } else {
        static const uint8_t net[3] = { 198, 51, 100 };
        ep->family = 4;
        memcpy(ep->addr, net, sizeof net);
        ep->addr[3] = (uint8_t)(1 + peer);
    }
}

static void decode_transforms(ike_msg_t *msg, uint8_t b)
{
    unsigned n = b & 0x0f;
    msg->n_transforms_total = (uint8_t)n;
    msg->n_transforms = (uint8_t)(n < IKE_MSG_MAX_TRANSFORMS ? n : IKE_MSG_MAX_TRANSFORMS);
    for (unsigned i = 0; i < msg->n_transforms; i++) {
        unsigned v = (b >> 4) + i;
        ike_transform_t *t = &msg->transforms[i];
        t->encryption = (uint16_t)(v % 10);
        t->key_length = (uint16_t)(v & 1 ? 128u << (v % 3) : 0);
        t->hash = (uint8_t)(v % 8);
        t->auth_method = (uint16_t)(v % 5 == 4 ? 65001 : v % 5);
        t->group = (uint8_t)(v * 7 % 40);
        t->encap_mode = (uint16_t)(v % 3 == 2 ? 61443 : v % 3);
    }
}

/* One record -> one message; *frame and *time carry over from the previous record. */
static void decode_message(const uint8_t *r, uint32_t *frame, double *time, ike_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
    bool nat_t = r[0] & 0x10, ipv6 = r[0] & 0x20;
    make_endpoint(&msg->src, r[0] & 3, ipv6, nat_t);
    make_endpoint(&msg->dst, (r[0] >> 2) & 3, ipv6, nat_t);
    msg->nat_t = nat_t;
    msg->malformed = r[0] & 0x40;
    msg->decrypted = r[0] & 0x80;

    static const uint8_t versions[4] = { 1, 1, 2, 0 };
    msg->icookie = cookies[r[1] & 7];
    msg->rcookie = (r[1] >> 3) & 7 ? cookies[(r[1] >> 3) & 7] ^ 0xa5a5a5a5a5a5a5a5ull : 0;
    msg->major_version = versions[r[1] >> 6];

    msg->exchange_type = exchange_types[r[2] & 0x0f];
    msg->flags = r[2] >> 4;
    if (msg->major_version == 2) { /* IKEv2: its exchange types, I and R flags, payload kinds */
        msg->exchange_type = exchange_types_v2[r[2] & 0x0f];
        msg->flags = (uint8_t)(((r[2] >> 4) & 1) << 3 | ((r[2] >> 5) & 1) << 5);
        msg->payloads_v2 = ((unsigned)r[4] | (unsigned)r[5] << 8) << 1 | (r[2] >> 6);
        msg->ke_group = (uint16_t)(r[10] & 0x1f);
        msg->ip_fragmented = r[2] & 0x80;
    }
    msg->message_id = message_ids[r[3] & 7];
    msg->next_payload = r[3] >> 3;

    unsigned kinds = (unsigned)r[4] | (unsigned)r[5] << 8;
    for (unsigned i = 0; i < 16; i++)
        if (kinds & (1u << i))
            msg->payloads |= IKE_PL_BIT(payload_kinds[i]);

    unsigned n_notify = r[6] & 7;
    msg->n_notify = (uint8_t)(n_notify < IKE_MSG_MAX_NOTIFY ? n_notify : IKE_MSG_MAX_NOTIFY);
    const uint8_t code_index[IKE_MSG_MAX_NOTIFY] = { (uint8_t)(r[6] >> 3), r[7] & 0x0f, r[7] >> 4,
                                                     (uint8_t)((r[7] + r[6]) & 0x0f) };
    for (unsigned i = 0; i < msg->n_notify; i++)
        msg->notify[i] = code_index[i] < 16 ? notify_codes[code_index[i]] : (uint16_t)(code_index[i] * 997u);

    msg->child_spi = spis[r[7] & 7];
    msg->sa_protocol = msg->major_version == 2 ? r[6] & 3 : 0;
    msg->digest = r[8] & 0x3f;
    msg->in_icmp_error = r[8] & 0x40;
    decode_transforms(msg, r[10]);
    msg->length = (uint32_t)r[11] << (r[11] & 3) * 8;

    *time += (int8_t)r[9] * 0.25;
    *frame += 1 + (r[11] & 3);
    msg->frame = *frame;
    msg->time = *time;
}

/* What render.c does with a result: every string it could format. */
static void render_like_the_plugin(const ike_result_t *res)
{
    char label[16], buf[512];
    ike_label(res, label, sizeof label);
    ike_role_name((ike_role_t)res->role);
    ike_cisco_state_name((ike_cisco_state_t)res->state);
    ike_explain((ike_kind_t)res->kind, res->step);
    ike_notify_name(res->notify);
    ike_exchange_type_name(res->exchange_type);
    if (!res->exchange)
        return;
    const ike_exchange_t *ex = res->exchange;
    ike_exchange_offered(ex, buf, sizeof buf);
    if (ike_exchange_chosen(ex, buf, sizeof buf)) { /* and in the other styles: any bytes */
        ike_format_list(&ex->chosen, 1, 1, IKE_PROPOSAL_V2, buf, sizeof buf);
        ike_format_phase1(&ex->chosen, buf, sizeof buf);
        ike_format_phase2(&ex->chosen, buf, sizeof buf);
    }
    (void)ike_sa_number(ike_exchange_sa(ex));
    if (res->answers) {
        const ike_exchange_t *target = res->answers;
        unsigned asked = ike_exchange_highest_step(target);
        const ike_result_t *req = ike_exchange_step(target, asked, true);
        ike_step_label(ike_exchange_kind(target), asked, label, sizeof label);
        if (req)
            (void)req->frame;
    }
}

static void diagnose_exchange(const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    ike_verdict_t v;
    char stall[16], text[256];
    ike_diagnose(ex, ctx, &v);
    if (!ike_outcome_name((ike_outcome_t)v.outcome))
        return;
    ike_step_label(ike_exchange_kind(ex), v.stall_step, stall, sizeof stall);
    ike_evidence_text(ex, &v, text, sizeof text);
    if (v.rule)
        (void)(v.rule->cause[0] + v.rule->summary[0] + v.rule->cisco_log[0]);
    for (unsigned i = 0; i < v.n_evidence; i++)
        (void)v.evidence_frames[i];
    for (unsigned step = 0; step <= IKE_MAX_STEP; step++) {
        const ike_result_t *first = ike_exchange_step(ex, step, false), *last = ike_exchange_step(ex, step, true);
        if (first)
            render_like_the_plugin(first);
        if (last)
            render_like_the_plugin(last);
    }
}

static void judge_tunnel(const ike_model_t *model, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    ike_tunnel_verdict_t v;
    char text[1536];
    ike_tunnel_judge(ike_model_tunnels(model), ex, ctx, &v);
    (void)ike_tunnel_state_name(&v);
    ike_tunnel_text(ex, &v, text, sizeof text);
    ike_tunnel_counters(&v, text, sizeof text);
    uint32_t old_last, new_first;
    (void)ike_tunnels_replaces(ike_model_tunnels(model), ex, ctx->silence_threshold, &old_last, &new_first);
    (void)ike_tunnels_replaced_by(ike_model_tunnels(model), ex, ctx->silence_threshold, &old_last, &new_first);
}

static void diagnose_all(const ike_model_t *model)
{
    double end = ike_model_last_time(model);
    const ike_diag_context_t at_end = { .capture_end = end, .silence_threshold = 10 };
    const ike_diag_context_t long_after = { .capture_end = end + 3600, .silence_threshold = 1 };
    for (const ike_sa_t *sa = ike_model_first_sa(model); sa; sa = ike_model_next_sa(sa)) {
        for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex; ex = ike_exchange_next(ex)) {
            diagnose_exchange(ex, &at_end);
            diagnose_exchange(ex, &long_after);
            judge_tunnel(model, ex, &at_end);
            judge_tunnel(model, ex, &long_after);
        }
    }
    (void)ike_model_sa_count(model);
    (void)ike_model_cap_reached(model);
}

/* What the plugin asks of the capture points, on every frame and exchange. */
static void ask_capture(ike_capture_t *capture, const ike_result_t *res)
{
    char text[512];
    ike_endpoint_t src, dst;
    double offset;
    (void)ike_capture_copy_in(capture, res->frame);
    (void)ike_capture_copy_lost(capture, res->frame);
    (void)ike_capture_translated(capture, res->frame, &src, &dst);
    (void)ike_capture_view_point(capture);
    (void)ike_capture_clock_offset(capture, 1, &offset);
    if (res->exchange) {
        ike_where_t where = ike_capture_where(capture, res->exchange);
        ike_where_text(capture, res->exchange, where, text, sizeof text);
        ike_where_check(capture, res->exchange, where, text, sizeof text);
        (void)ike_capture_point_of_sa(capture, res->exchange->sa);
    }
}

/* An ESP record: counted by the tunnels of its point, found again, its flow read. */
static void add_esp(ike_capture_t *capture, const uint8_t *r, const ike_msg_t *msg, uint32_t interface_id)
{
    ike_tunnels_t *tunnels = ike_capture_tunnels(capture, interface_id);
    if (!tunnels)
        return;
    ike_esp_msg_t esp = { .frame = msg->frame, .time = msg->time, .src = msg->src, .dst = msg->dst };
    esp.spi = spis[r[3] & 7];
    esp.sequence = (uint32_t)r[4] | (uint32_t)r[5] << 8;
    esp.length = r[10];
    const ike_esp_flow_t *flow = ike_tunnels_add_esp(tunnels, &esp);
    if (flow != ike_tunnels_find(tunnels, &esp))
        __builtin_trap(); /* every later pass must find the flow the first pass counted */
    if (flow) {
        ike_esp_stats_t stats;
        ike_esp_flow_stats(flow, &stats);
        (void)ike_esp_flow_negotiated_in(flow);
        (void)ike_esp_dir_name(ike_esp_flow_dir(flow));
        (void)ike_esp_match_name(ike_esp_flow_match(flow));
        (void)ike_esp_flow_child(flow);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ike_model_config_t config = { .max_sas = MAX_SAS };
    ike_capture_t *capture = ike_capture_new(&config);
    uint32_t frame = 0;
    double time = 1000;
    for (size_t off = 0; off + RECORD_SIZE <= size; off += RECORD_SIZE) {
        ike_msg_t msg;
        decode_message(data + off, &frame, &time, &msg);
        /* up to five interfaces: the fifth shares the fourth's model */
        uint32_t interface_id = (data[off + 11] >> 5) % 5u;
        if (msg.major_version == 0) {
            add_esp(capture, data + off, &msg, interface_id);
            continue;
        }
        const ike_result_t *res = ike_capture_add(capture, &msg, interface_id);
        trace(&msg, res);
        /* later passes find every kept result by its frame */
        const ike_result_t *kept = ike_capture_result_of_frame(capture, msg.frame);
        if (!(res->notes & IKE_NOTE_NOT_TRACKED) && (!kept || kept->frame != msg.frame))
            __builtin_trap();
        /* the single pass renders as it goes, judging with the capture so far */
        const ike_diag_context_t so_far = { .capture_end = msg.time, .silence_threshold = 10 };
        render_like_the_plugin(res);
        if (res->exchange)
            diagnose_exchange(res->exchange, &so_far);
        if (res->answers)
            diagnose_exchange(res->answers, &so_far);
        ask_capture(capture, res);
    }
    for (unsigned p = 0; p < ike_capture_point_count(capture); p++)
        diagnose_all(ike_capture_model(capture, p));
    ike_capture_free(capture);
    return 0;
}
