/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ikev2.c: which IKEv2 message this is, and what its response says (RFC 7296).
 *
 * Owns: IKEv2 numbering (every exchange a request, step 1, and its response, step 2, by
 * the R flag; the sender's role by the I flag), the state after each message, the
 * IKE_SA_INIT rounds a COOKIE or INVALID_KE_PAYLOAD answer asks for (section 2.6,
 * 1.3.1), NAT detection (2.23), and the evidence a response or a later INFORMATIONAL
 * carries for the diagnosis.  Must not: find SAs or exchanges (ike_model.c), judge
 * causes (diagnose_v2.c), or touch IKEv1 state.
 */
#include "model_internal.h"

#include <string.h>

/* Hashes of NAT_DETECTION_*_IP are SHA-1 (RFC 7296 section 2.23): IKEv1's value 2. */
#define NAT_DETECTION_SHA1 2

static bool is_error_notify(uint16_t code)
{
    return code > 0 && code <= IKE2_N_ERROR_MAX;
}

static bool has_notify(const ike_msg_t *msg, uint16_t code)
{
    for (unsigned i = 0; i < msg->n_notify; i++)
        if (msg->notify[i] == code)
            return true;
    return false;
}

/* The first notify a response carries that asks for something: an error, or COOKIE. */
static uint16_t answer_notify(const ike_msg_t *msg)
{
    for (unsigned i = 0; i < msg->n_notify; i++)
        if (is_error_notify(msg->notify[i]) || msg->notify[i] == IKE2_N_COOKIE)
            return msg->notify[i];
    return 0;
}

bool ike2_is_retry(const ike_exchange_t *ex, const ike_msg_t *msg)
{
    return ex->kind == IKE_KIND_SA_INIT && ex->highest_step == 2 && !(msg->flags & IKE2_FLAG_RESPONSE);
}

void ike2_link_retry(ike_exchange_t *answered, ike_exchange_t *retry, ike_result_t *res)
{
    answered->retried_in = res->frame;
    retry->retry_of = ike_step_first(answered, 2)->frame; /* its request's copies read it */
    retry->asked_group = answered->asked_group;
}

/* strongSwan's IKE_SA state after the message, as its log and swanctl print it. */
/* IKE_AUTH answered, or the SA came from a rekey: up as far as the headers tell.  A
 * flag, not a walk over the SA's exchanges: every liveness check asks. */
static bool established(const ike_sa_t *sa)
{
    return sa->rekey_of || sa->auth_answered;
}

/* From the headers alone: a Delete or a refusal is readable only with keys, and the
 * state must not change with them. */
static ike_cisco_state_t state_after(const ike_exchange_t *ex, unsigned step)
{
    switch ((ike_kind_t)ex->kind) {
    case IKE_KIND_SA_INIT:
    case IKE_KIND_INTER: return IKE_STATE_V2_CONNECTING;
    case IKE_KIND_AUTH: return step == 2 ? IKE_STATE_V2_ESTABLISHED : IKE_STATE_V2_CONNECTING;
    /* a CHILD SA rekey leaves the IKE SA ESTABLISHED; REKEYING is an IKE SA rekey, whose
     * SA payload only keys can read: not told from the headers */
    default: return established(ex->sa) ? IKE_STATE_V2_ESTABLISHED : IKE_STATE_V2_CONNECTING;
    }
}

/* What a response says about its request: the notify that refuses it (clear in
 * IKE_SA_INIT, readable with keys later), the group INVALID_KE_PAYLOAD asks for. */
static void note_response(ike_exchange_t *ex, const ike_msg_t *msg, const ike_result_t *res)
{
    ike_answer_t *a = &ex->answer;
    uint16_t code = answer_notify(msg);
    /* the answer to the request is its first response (or that response's fragments); a
     * later one with other bytes answers a resend the first did not reach */
    const ike_result_t *first = ike_step_first(ex, 2);
    if (!code || a->notify || (first != res && !(first->notes & IKE_NOTE_FRAGMENT)))
        return;
    a->notify = code;
    a->notify_decrypted = msg->decrypted;
    if (msg->decrypted)
        a->enc_info_frame = msg->frame;
    else
        a->clear_notify_frame = msg->frame;
    if (!a->first_frame)
        a->first_frame = msg->frame;
    if (code == IKE2_N_INVALID_KE_PAYLOAD)
        ex->asked_group = msg->ke_group;
}

/* The original initiator refusing the responder's AUTH says so in an INFORMATIONAL
 * request right after (strongSwan: N(AUTHENTICATION_FAILED); libreswan: a Delete).
 * Readable with keys only: evidence for the IKE_AUTH exchange it follows. */
#define ANSWER_WINDOW 10.0

static void note_refusal_of_auth(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res)
{
    if (!msg->decrypted || (msg->flags & IKE2_FLAG_RESPONSE) || !(msg->flags & IKE2_FLAG_INITIATOR)
        || !has_notify(msg, IKE2_N_AUTHENTICATION_FAILED))
        return;
    for (ike_exchange_t *auth = sa->exchanges; auth; auth = auth->next_in_sa) {
        if (auth->kind != IKE_KIND_AUTH || auth->highest_step != 2 || auth->answer.notify)
            continue;
        if (msg->time - auth->last_time > ANSWER_WINDOW)
            return;
        auth->answer.notify = IKE2_N_AUTHENTICATION_FAILED;
        auth->answer.notify_decrypted = true;
        auth->answer.giveup_frame = msg->frame;
        auth->answer.first_frame = msg->frame;
        sa->phase1_done = false; /* the initiator never took the IKE SA into use */
        res->answers = auth; /* not request_in: an INFORMATIONAL request answers nothing */
        res->answered_step = 2;
        return;
    }
}

/* NAT_DETECTION hashes in IKE_SA_INIT: SHA-1 of the SPIs, address and port. */
static void note_nat_detection(ike_exchange_t *ex, const ike_msg_t *msg)
{
    if (ex->nat == IKE_NAT_DETECTED)
        return;
    int nat = ike_nat_detected(msg, NAT_DETECTION_SHA1);
    if (nat == 1)
        ex->nat = IKE_NAT_DETECTED;
    else if (nat == 0)
        ex->nat = IKE_NAT_NONE;
}

void ike2_number_message(ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res)
{
    ike_sa_t *sa = ex->sa;
    bool response = (msg->flags & IKE2_FLAG_RESPONSE) != 0;
    if (!sa->roles_known)
        ike_learn_roles(sa, msg);
    res->role = (uint8_t)((msg->flags & IKE2_FLAG_INITIATOR) ? IKE_ROLE_INITIATOR : IKE_ROLE_RESPONDER);
    res->step = (uint8_t)(response ? 2 : 1);
    if (!ex->initiator_known) { /* the requester, for answers and views */
        ex->initiator = response ? msg->dst : msg->src;
        ex->initiator_known = true;
        ex->initiator_is_sa_initiator = ex->requester_is_initiator;
    }
    ike_record_step(ex, res);
    if (!response && msg->ip_fragmented)
        ex->ip_fragmented = true;
    if (response && ex->kind == IKE_KIND_AUTH)
        sa->auth_answered = true;
    if (response && !ex->response_length)
        ex->response_length = (uint16_t)(msg->length < UINT16_MAX ? msg->length : UINT16_MAX);
    if (response)
        note_response(ex, msg, res);
    if (ex->kind == IKE_KIND_SA_INIT && msg->n_nat_d)
        note_nat_detection(ex, msg);
    if (ex->kind == IKE_KIND_AUTH && response && res->completes
        && !(ex->answer.notify == IKE2_N_AUTHENTICATION_FAILED))
        sa->phase1_done = true;
    if (ex->kind == IKE_KIND_INFO2)
        note_refusal_of_auth(sa, msg, res);
    res->state = (uint8_t)state_after(ex, res->step);
}

void ike2_note_icmp_error(ike_sa_t *sa, ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res)
{
    res->notes |= IKE_NOTE_ICMP_ERROR;
    if (ex && ex->highest_step == 1 && !(msg->flags & IKE2_FLAG_RESPONSE)) {
        if (!ex->answer.icmp_frame)
            ex->answer.icmp_frame = msg->frame;
        if (!ex->answer.first_frame)
            ex->answer.first_frame = msg->frame;
    }
    /* and of the SA's life: it was up, and nothing listens on the peer's IKE port now */
    if (sa && established(sa) && !sa->peer_gone_in) {
        sa->peer_gone_in = msg->frame;
        res->notes |= IKE_NOTE_PEER_GONE;
    }
}
