/* SPDX-License-Identifier: GPL-2.0-or-later */
/* builders.c: hand-built IKEv1 messages for the core's unit tests. */
#include "builders.h"

#include <string.h>

enum peer other(enum peer p)
{
    return p == PEER_A ? PEER_B : PEER_A;
}

static void endpoint(ike_endpoint_t *ep, enum peer p, bool nat_t)
{
    memset(ep, 0, sizeof *ep);
    ep->family = 4;
    ep->addr[0] = 198;
    ep->addr[1] = 51;
    ep->addr[2] = 100;
    ep->addr[3] = (uint8_t)(1 + p);
    ep->port = nat_t ? 4500 : 500;
}

void conv_init(conv_t *c, ike_model_t *model, uint64_t icookie, enum peer initiator)
{
    memset(c, 0, sizeof *c);
    c->model = model;
    c->icookie = icookie;
    c->rcookie = icookie ^ 0x5a5a5a5a5a5a5a5aull;
    c->initiator = initiator;
}

ike_msg_t msg_make(const conv_t *c, enum peer from, uint8_t exchange_type, uint32_t message_id, uint8_t flags,
                   uint32_t payloads, uint64_t content_id)
{
    ike_msg_t m;
    memset(&m, 0, sizeof m);
    endpoint(&m.src, from, c->nat_t);
    endpoint(&m.dst, other(from), c->nat_t);
    m.icookie = c->icookie;
    m.rcookie = c->rcookie;
    m.major_version = 1;
    m.exchange_type = exchange_type;
    m.message_id = message_id;
    m.flags = flags;
    m.payloads = payloads;
    m.nat_t = c->nat_t;
    m.digest = c->icookie * 1000003u ^ ((uint64_t)message_id << 20) ^ content_id * 7919u ^ exchange_type;
    return m;
}

ike_result_t *send_msg(conv_t *c, enum peer from, ike_msg_t msg, double dt)
{
    (void)from;
    c->time += dt;
    msg.frame = ++c->frame;
    msg.time = c->time;
    return ike_model_add(c->model, &msg);
}

static ike_msg_t mm_msg(const conv_t *c, unsigned step)
{
    static const uint32_t payloads[] = {
        0,
        IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_VID),
        IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_VID),
        IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_NAT_D),
        IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_NAT_D),
        0,
        0,
    };
    enum peer from = step % 2 ? c->initiator : other(c->initiator);
    ike_msg_t m = msg_make(c, from, IKE_XCHG_MAIN, 0, step >= 5 ? IKE_FLAG_ENCRYPTED : 0, payloads[step], step);
    m.next_payload = step >= 5 ? IKE_PL_ID : (step >= 3 ? IKE_PL_KE : IKE_PL_SA);
    if (step == 1)
        m.rcookie = 0;
    return m;
}

ike_result_t *send_mm(conv_t *c, unsigned step)
{
    return send_msg(c, step % 2 ? c->initiator : other(c->initiator), mm_msg(c, step), 0.01);
}

ike_result_t *send_mm_resend(conv_t *c, unsigned step)
{
    return send_msg(c, step % 2 ? c->initiator : other(c->initiator), mm_msg(c, step), 1.0);
}

ike_result_t *send_am(conv_t *c, unsigned step)
{
    static const uint32_t payloads[] = {
        0,
        IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_ID),
        IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_ID)
            | IKE_PL_BIT(IKE_PL_HASH),
        IKE_PL_BIT(IKE_PL_HASH),
    };
    enum peer from = step == 2 ? other(c->initiator) : c->initiator;
    ike_msg_t m = msg_make(c, from, IKE_XCHG_AGGRESSIVE, 0, 0, payloads[step], 100 + step);
    if (step == 1)
        m.rcookie = 0;
    return send_msg(c, from, m, 0.01);
}

ike_result_t *send_qm(conv_t *c, enum peer from, uint32_t message_id, unsigned content)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_QUICK, message_id, IKE_FLAG_ENCRYPTED, 0, 200 + content);
    m.next_payload = IKE_PL_HASH;
    return send_msg(c, from, m, 0.01);
}

ike_result_t *send_info(conv_t *c, enum peer from, uint32_t message_id, bool encrypted, uint16_t notify)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_INFORMATIONAL, message_id, encrypted ? IKE_FLAG_ENCRYPTED : 0,
                           encrypted ? 0 : IKE_PL_BIT(IKE_PL_NOTIFY), 300 + message_id);
    if (!encrypted && notify) {
        m.notify[0] = notify;
        m.n_notify = 1;
    }
    return send_msg(c, from, m, 0.01);
}

/* ---- additions for test_rules.c and test_sequences.c ---------------------------- */

ike_msg_t build_mm(const conv_t *c, unsigned step)
{
    return mm_msg(c, step);
}

ike_msg_t build_am(const conv_t *c, unsigned step)
{
    static const uint32_t payloads[] = {
        0,
        IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_ID),
        IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_ID)
            | IKE_PL_BIT(IKE_PL_HASH),
        IKE_PL_BIT(IKE_PL_HASH),
    };
    enum peer from = step == 2 ? other(c->initiator) : c->initiator;
    ike_msg_t m = msg_make(c, from, IKE_XCHG_AGGRESSIVE, 0, 0, payloads[step], 100 + step);
    m.next_payload = IKE_PL_SA;
    if (step == 1)
        m.rcookie = 0;
    if (step == 3)
        m.next_payload = IKE_PL_HASH;
    return m;
}

ike_msg_t build_qm(const conv_t *c, enum peer from, uint32_t message_id, unsigned content)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_QUICK, message_id, IKE_FLAG_ENCRYPTED, 0, 200 + content);
    m.next_payload = IKE_PL_HASH;
    return m;
}

ike_msg_t build_info(const conv_t *c, enum peer from, uint32_t message_id, bool encrypted, uint16_t notify)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_INFORMATIONAL, message_id, encrypted ? IKE_FLAG_ENCRYPTED : 0,
                           encrypted ? 0 : IKE_PL_BIT(IKE_PL_NOTIFY), 300 + message_id);
    m.next_payload = encrypted ? IKE_PL_HASH : IKE_PL_NOTIFY;
    if (!encrypted && notify) {
        m.notify[0] = notify;
        m.n_notify = 1;
    }
    return m;
}

ike_result_t *send_info_read(conv_t *c, enum peer from, uint32_t message_id, uint16_t notify)
{
    ike_msg_t m = build_info(c, from, message_id, true, 0);
    m.decrypted = true;
    m.payloads = IKE_PL_BIT(IKE_PL_HASH) | IKE_PL_BIT(IKE_PL_NOTIFY);
    m.notify[0] = notify;
    m.n_notify = 1;
    return send_msg(c, from, m, 0.01);
}

ike_result_t *send_txn(conv_t *c, enum peer from, uint32_t message_id, unsigned content)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_TRANSACTION, message_id, IKE_FLAG_ENCRYPTED, 0, 400 + content);
    m.next_payload = IKE_PL_HASH;
    return send_msg(c, from, m, 0.01);
}

ike_result_t *send_txn_read(conv_t *c, enum peer from, uint32_t message_id, unsigned content, uint8_t cfg_type,
                            ike_xauth_status_t status)
{
    ike_msg_t m = msg_make(c, from, IKE_XCHG_TRANSACTION, message_id, IKE_FLAG_ENCRYPTED,
                           IKE_PL_BIT(IKE_PL_HASH) | IKE_PL_BIT(IKE_PL_ATTR), 400 + content);
    m.next_payload = IKE_PL_HASH;
    m.decrypted = true;
    m.cfg_type = cfg_type;
    m.xauth_status = (uint8_t)status;
    return send_msg(c, from, m, 0.01);
}

void send_phase1_with_auth(conv_t *c, uint16_t auth_method)
{
    for (unsigned step = 1; step <= 6; step++) {
        ike_msg_t m = mm_msg(c, step);
        if (step <= 2) {
            m.n_transforms = m.n_transforms_total = 1;
            m.transforms[0] = (ike_transform_t){ .encryption = 7, .key_length = 128, .hash = 2, .group = 14,
                                                 .auth_method = auth_method };
        }
        send_msg(c, step % 2 ? c->initiator : other(c->initiator), m, 0.01);
    }
}

ike_result_t *send_icmp_quoting(conv_t *c, ike_msg_t quoted, double dt)
{
    quoted.in_icmp_error = true;
    return send_msg(c, other(c->initiator), quoted, dt);
}

void conv_follow(conv_t *to, const conv_t *from)
{
    to->frame = from->frame;
    to->time = from->time;
}

ike_msg_t build_v2(const conv_t *c, enum peer from, uint8_t type, uint32_t message_id, bool response,
                   uint16_t notify, bool read, unsigned content)
{
    bool clear = type == IKE2_XCHG_SA_INIT;
    uint8_t flags = (uint8_t)((from == c->initiator ? IKE2_FLAG_INITIATOR : 0) | (response ? IKE2_FLAG_RESPONSE : 0));
    ike_msg_t m = msg_make(c, from, type, message_id, flags, 0, 900 + content * 2 + response);
    m.major_version = 2;
    if (clear && !response)
        m.rcookie = 0;
    m.next_payload = clear ? IKE2_PL_SA : IKE2_PL_SK;
    m.payloads_v2 = clear ? IKE2_PL_BIT(IKE2_PL_SA) | IKE2_PL_BIT(IKE2_PL_KE) | IKE2_PL_BIT(IKE2_PL_NONCE)
                          : IKE2_PL_BIT(IKE2_PL_SK);
    m.length = 300;
    m.decrypted = !clear && read;
    if (notify && (clear || read)) {
        m.notify[m.n_notify++] = notify;
        m.payloads_v2 |= IKE2_PL_BIT(IKE2_PL_NOTIFY);
    }
    return m;
}

ike_result_t *send_v2(conv_t *c, enum peer from, uint8_t type, uint32_t message_id, bool response, uint16_t notify,
                      bool read, unsigned content)
{
    return send_msg(c, from, build_v2(c, from, type, message_id, response, notify, read, content), 0.01);
}

void send_v2_sa_init(conv_t *c)
{
    send_v2(c, c->initiator, IKE2_XCHG_SA_INIT, 0, false, 0, false, 1);
    send_v2(c, other(c->initiator), IKE2_XCHG_SA_INIT, 0, true, 0, false, 1);
}
