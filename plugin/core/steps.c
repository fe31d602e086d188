/* SPDX-License-Identifier: GPL-2.0-or-later */
/* steps.c: which step of its exchange a message is, and what that step changes.
 *
 * Owns: Main Mode, Aggressive Mode and Quick Mode numbering (RFC 2409 sections 5.1,
 * 5.4, 5.5), the request each step answers, the Cisco IOS state after it, and what the
 * first two steps carry (proposals, NAT-D).  Must not: find SAs or exchanges, or keep
 * anything of its own: ike_model.c hands it the exchange.
 */
#include "model_internal.h"

#include <glib.h>
#include <string.h>

/* Main Mode: SA payload -> 1/2, KE or NONCE -> 3/4, encrypted or ID -> 5/6
 * (RFC 2409 section 5.1); the responder's message is the initiator's plus one. */
static unsigned main_mode_step(const ike_msg_t *msg, ike_role_t role)
{
    unsigned base;
    if ((msg->flags & IKE_FLAG_ENCRYPTED) || ike_msg_has(msg, IKE_PL_FRAGMENT))
        base = 5; /* only MM#5/MM#6 (certificates) grow large enough to be fragmented */
    else if (ike_msg_has(msg, IKE_PL_SA))
        base = 1;
    else if (ike_msg_has(msg, IKE_PL_KE) || ike_msg_has(msg, IKE_PL_NONCE))
        base = 3;
    else if (ike_msg_has(msg, IKE_PL_ID) || ike_msg_has(msg, IKE_PL_HASH) || ike_msg_has(msg, IKE_PL_SIG))
        base = 5;
    else
        return 0;
    return base + (role == IKE_ROLE_RESPONDER);
}

/* Aggressive Mode, RFC 2409 section 5.4: AM#1 and AM#2 carry the SA, AM#3 does not. */
static unsigned aggressive_step(const ike_msg_t *msg, ike_role_t role)
{
    if (role == IKE_ROLE_RESPONDER)
        return 2;
    if (role == IKE_ROLE_INITIATOR)
        return ike_msg_has(msg, IKE_PL_SA) ? 1 : 3;
    return 0;
}

/* Quick Mode is encrypted whole: number by order.  The first sender is its initiator. */
static unsigned quick_step(ike_exchange_t *ex, const ike_msg_t *msg, ike_role_t *role)
{
    if (!ex->initiator_known) {
        ex->initiator = msg->src;
        ex->initiator_known = true;
        ex->initiator_is_sa_initiator = ike_sa_role_of(ex->sa, &msg->src) == IKE_ROLE_INITIATOR;
    }
    if (ike_same_address(&ex->initiator, &msg->src)) {
        *role = IKE_ROLE_INITIATOR;
        return ex->highest_step >= 2 ? 3 : 1;
    }
    *role = IKE_ROLE_RESPONDER;
    return 2;
}

static unsigned step_answered_by(ike_kind_t kind, unsigned step)
{
    if (ike_kind_version(kind) == 2)
        return step == 2 ? 1 : 0; /* a response answers its request */
    if (kind == IKE_KIND_MAIN)
        return step % 2 == 0 ? step - 1 : 0; /* 1->2, 3->4, 5->6 */
    if (kind == IKE_KIND_AGGRESSIVE || kind == IKE_KIND_QUICK)
        return step > 1 ? step - 1 : 0;
    return 0;
}

static ike_cisco_state_t state_after(const ike_exchange_t *ex, unsigned step)
{
    static const uint8_t main_states[] = {
        IKE_STATE_NONE, IKE_STATE_MM_NO_STATE, IKE_STATE_MM_SA_SETUP, IKE_STATE_MM_SA_SETUP,
        IKE_STATE_MM_KEY_EXCH, IKE_STATE_MM_KEY_EXCH, IKE_STATE_QM_IDLE,
    };
    static const uint8_t aggressive_states[] = {
        IKE_STATE_NONE, IKE_STATE_AG_INIT_EXCH, IKE_STATE_AG_AUTH, IKE_STATE_QM_IDLE,
    };
    if (ex->kind == IKE_KIND_MAIN && step <= 6)
        return main_states[step];
    if (ex->kind == IKE_KIND_AGGRESSIVE && step <= 3)
        return aggressive_states[step];
    if (ex->sa->phase1_done || ex->kind == IKE_KIND_QUICK)
        return IKE_STATE_QM_IDLE;
    return IKE_STATE_NONE;
}

/* Offered proposals from step 1, the chosen one from step 2: clear in phase 1 (RFC
 * 2409) and IKE_SA_INIT, readable in Quick Mode, IKE_AUTH and CREATE_CHILD_SA only with
 * keys, like QM#1's proxy IDs. */
void ike_note_proposals(ike_exchange_t *ex, const ike_msg_t *msg, const ike_result_t *res)
{
    if (res->retrans_of)
        return;
    if (res->step == 1 && msg->n_proxy_ids && !ex->proxy_ids) {
        ex->proxy_ids = g_memdup2(msg->proxy_ids, msg->n_proxy_ids * sizeof *msg->proxy_ids);
        ex->n_proxy_ids = msg->n_proxy_ids;
    }
    if (!msg->n_transforms)
        return;
    if (res->step == 1 && !ex->offered) {
        ex->offered = g_memdup2(msg->transforms, msg->n_transforms * sizeof *msg->transforms);
        ex->n_offered = msg->n_transforms;
        ex->n_offered_total = msg->n_transforms_total;
        ex->pfs_offered = ike_msg_has(msg, IKE_PL_KE);
    } else if (res->step == 2 && !ex->has_chosen) {
        ex->chosen = msg->transforms[0];
        ex->has_chosen = true;
    }
}

/* NAT-D (RFC 3947 section 3.2) hashes with the negotiated hash, so it is checked once
 * the responder's choice is known; one mismatch anywhere means a NAT on the path. */
void ike_note_nat_detection(ike_exchange_t *ex, const ike_msg_t *msg)
{
    if (!ex->has_chosen || ex->nat == IKE_NAT_DETECTED)
        return;
    int nat = ike_nat_detected(msg, ex->chosen.hash);
    if (nat == 1)
        ex->nat = IKE_NAT_DETECTED;
    else if (nat == 0)
        ex->nat = IKE_NAT_NONE;
}

/* ---- the entry point ------------------------------------------------------------ */

void ike_link_request(ike_exchange_t *ex, ike_result_t *res)
{
    unsigned req = step_answered_by(ex->kind, res->step);
    if (!req || !ike_step_last(ex, req))
        return;
    res->request_in = ike_step_last(ex, req)->frame;
    if (!ike_step_last(ex, req)->response_in)
        ike_step_last(ex, req)->response_in = res->frame;
    if (!ike_step_first(ex, req)->response_in)
        ike_step_first(ex, req)->response_in = res->frame;
}

void ike_record_step(ike_exchange_t *ex, ike_result_t *res)
{
    unsigned step = res->step;
    unsigned req = step_answered_by(ex->kind, step);
    if (ex->highest_step == 0)
        ex->first_step = (uint8_t)step;
    if (req && !ike_step_first(ex, req))
        res->notes |= IKE_NOTE_REQUEST_MISSING;
    bool repeat = ike_step_first(ex, step) != NULL;
    if (repeat && !(ike_step_first(ex, step)->notes & IKE_NOTE_FRAGMENT))
        res->notes |= IKE_NOTE_UNEXPECTED; /* the same step again, with new bytes */
    if (!repeat)
        ike_set_step(ex, step, true, res);
    ike_set_step(ex, step, false, res);
    if (step > ex->highest_step) {
        ex->highest_step = (uint8_t)step;
        memset(&ex->answer, 0, sizeof ex->answer);
    }
    if (step == ike_kind_final_step(ex->kind) && !repeat) {
        res->completes = true;
        if (ex->kind == IKE_KIND_MAIN || ex->kind == IKE_KIND_AGGRESSIVE)
            ex->sa->phase1_done = true;
        else if (ex->kind == IKE_KIND_QUICK)
            for (ike_exchange_t **p = &ex->sa->pending_quick; *p; p = &(*p)->next_pending)
                if (*p == ex) {
                    *p = ex->next_pending;
                    break;
                }
    }
    ike_link_request(ex, res);
}

static ike_role_t phase1_role(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res)
{
    if (!sa->roles_known && !ike_learn_roles(sa, msg)) {
        res->notes |= IKE_NOTE_ROLE_UNKNOWN;
        return IKE_ROLE_UNKNOWN;
    }
    return ike_sa_role_of(sa, &msg->src);
}

/* A Transaction exchange has no numbered steps: it is asked (highest_step 1) and
 * answered by the other side (2).  With keys, the gateway's XAUTH status. */
static void note_transaction(ike_exchange_t *ex, const ike_msg_t *msg)
{
    if (!ex->initiator_known) {
        ex->initiator = msg->src;
        ex->initiator_known = true;
        ex->highest_step = 1;
    } else if (!ike_same_address(&ex->initiator, &msg->src)) {
        ex->highest_step = 2;
    }
    if (msg->cfg_type == IKE_CFG_SET && msg->xauth_status && !ex->xauth_status_frame) {
        ex->xauth_status = msg->xauth_status;
        ex->xauth_status_frame = msg->frame;
        ex->answer.first_frame = msg->frame; /* a single pass can show a FAIL here */
    }
}

void ike_number_message(ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res)
{
    if (ike_kind_version((ike_kind_t)ex->kind) == 2) {
        ike2_number_message(ex, msg, res);
        return;
    }
    ike_sa_t *sa = ex->sa;
    ike_role_t role = IKE_ROLE_UNKNOWN;
    unsigned step = 0;
    switch (ex->kind) {
    case IKE_KIND_MAIN:
        role = phase1_role(sa, msg, res);
        step = role ? main_mode_step(msg, role) : 0;
        break;
    case IKE_KIND_AGGRESSIVE:
        role = phase1_role(sa, msg, res);
        step = aggressive_step(msg, role);
        break;
    case IKE_KIND_QUICK:
        step = quick_step(ex, msg, &role);
        break;
    default: /* INFO, TXN: the sender's role in the IKE SA */
        role = ike_sa_role_of(sa, &msg->src);
        if (!role)
            res->notes |= IKE_NOTE_ROLE_UNKNOWN;
        break;
    }
    res->role = (uint8_t)role;
    res->step = (uint8_t)step;
    if (ex->kind == IKE_KIND_INFO) {
        res->answers = ike_attach_informational(sa, msg, res);
    } else if (ex->kind == IKE_KIND_TRANSACTION) {
        note_transaction(ex, msg);
    } else if (step == 0) {
        res->notes |= IKE_NOTE_UNEXPECTED;
    } else {
        ike_record_step(ex, res);
    }
    res->state = (uint8_t)state_after(ex, step);
}
