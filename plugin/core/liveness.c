/* SPDX-License-Identifier: GPL-2.0-or-later */
/* liveness.c: what an IKE SA's Informationals say of its peers once it is up.
 *
 * Owns: linking an IKEv1 R-U-THERE to its ACK (RFC 3706), counting the Informationals a side
 * sends with nothing back (DPD going unanswered: the tunnel verdicts read them).  Must not:
 * judge (tunnel_verdict.c does) or number messages (ike_model.c, steps.c).
 */
#include "model_internal.h"

#include <glib.h>

/* An R-U-THERE waiting for its ACK (RFC 3706 section 5.1: the ACK repeats the sequence
 * number; each is an Informational with its own message ID, so only this links them). */
typedef struct dpd_request {
    uint64_t key; /* SA number << 32 | sequence number */
    ike_result_t *request;
    ike_endpoint_t sender;
} dpd_request_t;

static bool has_notify(const ike_msg_t *msg, uint16_t code)
{
    for (unsigned i = 0; i < msg->n_notify; i++)
        if (msg->notify[i] == code)
            return true;
    return false;
}

void ike_link_dpd(GHashTable *dpd_requests, const ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res)
{
    if (!msg->has_dpd_sequence)
        return;
    uint64_t key = (uint64_t)sa->number << 32 | msg->dpd_sequence;
    if (has_notify(msg, IKE_N_R_U_THERE) && !g_hash_table_contains(dpd_requests, &key)) {
        dpd_request_t *d = g_new(dpd_request_t, 1);
        *d = (dpd_request_t){ .key = key, .request = res, .sender = msg->src };
        g_hash_table_insert(dpd_requests, &d->key, d);
        return;
    }
    dpd_request_t *d = has_notify(msg, IKE_N_R_U_THERE_ACK) ? g_hash_table_lookup(dpd_requests, &key) : NULL;
    if (!d || ike_same_address(&d->sender, &msg->src) || d->request->response_in)
        return;
    d->request->response_in = msg->frame;
    res->request_in = d->request->frame;
}

/* Who has been talking alone: an Informational from a side counts until the other side
 * sends anything (an ICMP error is not the peer speaking). */
void ike_note_liveness(ike_sa_t *sa, const ike_msg_t *msg)
{
    ike_role_t role = ike_sa_role_of(sa, &msg->src);
    if (role == IKE_ROLE_UNKNOWN)
        return;
    unsigned me = role == IKE_ROLE_INITIATOR ? 0 : 1;
    sa->lone_infos[1 - me] = 0;
    bool info = msg->exchange_type == IKE_XCHG_INFORMATIONAL || msg->exchange_type == IKE2_XCHG_INFORMATIONAL;
    bool deletes = ike_msg_has(msg, IKE_PL_DELETE) || ike2_msg_has(msg, IKE2_PL_DELETE); /* asks nothing */
    if (!info || deletes || sa->lone_infos[me] == UINT16_MAX)
        return;
    sa->lone_last[me] = msg->time;
    if (!sa->lone_infos[me]++) {
        sa->lone_since[me] = msg->time;
        sa->lone_since_frame[me] = msg->frame;
    }
}
