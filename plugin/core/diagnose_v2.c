/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_v2.c: where an IKEv2 exchange stopped and what the capture shows of why.
 *
 * Every IKEv2 exchange is a request and its response (RFC 7296 section 1.2), so the
 * stall point is always the response (SA_INIT#2, AUTH#2, CHILD#2, INFO#2): never sent,
 * never arrived, or refusing the request.  Owns: the outcome and the evidence of an
 * IKEv2 exchange, and its sentence.  Must not: hold causes in code (rules.c does), or
 * judge IKEv1 (diagnose.c).
 */
#include "diagnose.h"
#include "model_internal.h"
#include "names.h"

#include <stdio.h>
#include <string.h>

/* An unreadable IKE_AUTH or CREATE_CHILD_SA response this small carries one notify, not
 * IDr, AUTH, SA and TS, or SA, nonce and TS (about 80 bytes with AES-CBC and SHA-256; a
 * normal answer is 170 and more). */
#define SMALL_RESPONSE 128u

static const ike_result_t *request_of(const ike_exchange_t *ex) { return ike_step_first(ex, 1); }
static const ike_result_t *response_of(const ike_exchange_t *ex) { return ike_step_first(ex, 2); }

/* The IKE_SA_INIT the SA's other exchanges went after: on UDP 500, with NAT found. */
static bool nat_then_float(const ike_exchange_t *ex)
{
    const ike_exchange_t *init = ex->sa->phase1;
    return init && init->sent_on_500 && init->nat == IKE_NAT_DETECTED && !ex->sent_on_500;
}

static ike_evidence_t classify_unanswered(const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    const ike_answer_t *a = &ex->answer;
    bool resent = request_of(ex)->resent > 0;
    bool silent_long = ctx->capture_end - ex->last_time >= ctx->silence_threshold;
    if (a->icmp_frame)
        return IKE_EV_ICMP_UNREACHABLE;
    if (ex->kind == IKE_KIND_SA_INIT && ike_sa_later_up(ex->sa))
        return IKE_EV_LATER_SA_UP;
    if (!resent && !silent_long && !ex->sa->superseded_in)
        return IKE_EV_NONE;
    if (ex->kind == IKE_KIND_AUTH && nat_then_float(ex))
        return IKE_EV_NAT_SILENCE;
    if (ex->ip_fragmented && resent)
        return IKE_EV_IP_FRAGMENTS;
    if (resent)
        return IKE_EV_RESENT;
    return ex->sa->superseded_in ? IKE_EV_SUPERSEDED : IKE_EV_SILENCE;
}

static ike_evidence_t classify_answered(const ike_exchange_t *ex)
{
    const ike_answer_t *a = &ex->answer;
    const ike_result_t *response = response_of(ex);
    if (a->notify && a->notify_decrypted)
        return IKE_EV_READ_NOTIFY;
    if (a->notify)
        return IKE_EV_CLEAR_NOTIFY;
    if (a->peer_resend_frame)
        return IKE_EV_PEER_RESEND;
    /* unreadable and tiny: a refusal, not an IDr/AUTH/SA/TS (SA/nonce/TS) answer */
    bool negotiates = ex->kind == IKE_KIND_AUTH || ex->kind == IKE_KIND_CHILD;
    if (negotiates && response && !(response->notes & IKE_NOTE_FRAGMENT) && ex->response_length
        && ex->response_length < SMALL_RESPONSE)
        return IKE_EV_SMALL_RESPONSE;
    return IKE_EV_NONE;
}

/* IKE_SA_INIT answered, and nothing of the SA after it: IKE_AUTH never seen. */
static bool nothing_after(const ike_exchange_t *ex)
{
    return ex->kind == IKE_KIND_SA_INIT && !ex->retried_in && !ex->next_in_sa && !ex->answer.notify;
}

/* IKE_AUTH never seen after IKE_SA_INIT (stall point AUTH#1, step 3 of IKE_SA_INIT):
 * with a NAT found, UDP 4500 is where it went (RFC 7296 section 2.23). */
static ike_evidence_t classify_no_auth(const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    bool silent_long = ctx->capture_end - ex->last_time >= ctx->silence_threshold;
    if (!silent_long && !ex->sa->superseded_in)
        return IKE_EV_NONE;
    return ex->nat == IKE_NAT_DETECTED ? IKE_EV_NAT_SILENCE : silent_long ? IKE_EV_SILENCE : IKE_EV_SUPERSEDED;
}

/* An answered exchange: done (*complete), stalled (the evidence), or cut (IKE_EV_NONE). */
static ike_evidence_t judge_answered(const ike_exchange_t *ex, const ike_diag_context_t *ctx, uint8_t *stall,
                                     bool *complete)
{
    uint16_t notify = ex->answer.notify;
    bool asks_retry = notify == IKE2_N_COOKIE || notify == IKE2_N_INVALID_KE_PAYLOAD;
    *complete = asks_retry && ex->retried_in; /* obeyed by a new round: a note, not a stall */
    if (*complete)
        return IKE_EV_NONE;
    ike_evidence_t evidence = classify_answered(ex);
    if (asks_retry) { /* the retry follows at once: only silence or a fresh attempt says it never came */
        bool silent_long = ctx->capture_end - ex->last_time >= ctx->silence_threshold;
        return silent_long || ex->sa->superseded_in ? evidence : IKE_EV_NONE;
    }
    if (evidence != IKE_EV_NONE)
        return evidence;
    if (nothing_after(ex)) {
        *stall = 3;
        return classify_no_auth(ex, ctx);
    }
    *complete = true;
    return IKE_EV_NONE;
}

void ike2_diagnose(const ike_exchange_t *ex, const ike_diag_context_t *ctx, ike_verdict_t *v)
{
    *v = (ike_verdict_t){ 0 };
    if (ex->highest_step == 0)
        return;
    const ike_result_t *first = ike_step_first(ex, ex->first_step);
    v->frame = ex->last_frame;
    if (first->notes & IKE_NOTE_REQUEST_MISSING) {
        v->outcome = IKE_OUTCOME_ORPHAN;
        return;
    }
    v->stall_step = 2;
    v->sends = (uint16_t)(1u + request_of(ex)->resent);
    v->so_far = ctx->partial;
    ike_evidence_t evidence;
    if (ex->highest_step == 2) {
        bool complete;
        evidence = judge_answered(ex, ctx, &v->stall_step, &complete);
        if (complete) {
            *v = (ike_verdict_t){ .outcome = IKE_OUTCOME_COMPLETE, .frame = ex->last_frame };
            return;
        }
    } else {
        evidence = classify_unanswered(ex, ctx);
    }
    const ike_answer_t *a = &ex->answer;
    if (a->giveup_frame > v->frame)
        v->frame = a->giveup_frame;
    v->evidence = (uint8_t)evidence;
    v->notify = a->notify;
    if (evidence == IKE_EV_NONE) {
        v->outcome = IKE_OUTCOME_CUT;
        return;
    }
    v->outcome = IKE_OUTCOME_STALLED;
    v->rule = ike_rule_find((ike_kind_t)ex->kind, ex->highest_step, v->stall_step, evidence, v->notify);
    ike_verdict_add_evidence(v, request_of(ex)->frame);
    ike_verdict_add_evidence(v, ike_step_last(ex, 1)->frame);
    if (response_of(ex))
        ike_verdict_add_evidence(v, response_of(ex)->frame);
    ike_verdict_add_evidence(v, a->peer_resend_frame);
    ike_verdict_add_evidence(v, a->giveup_frame);
    ike_verdict_add_evidence(v, a->icmp_frame);
    if (evidence == IKE_EV_LATER_SA_UP)
        ike_verdict_add_evidence(v, ike_sa_later_up(ex->sa)->first_frame);
    else
        ike_verdict_add_evidence(v, ex->sa->superseded_in);
}

/* "the responder" owes every response of an exchange the initiator requested. */
static const char *answering_side(const ike_exchange_t *ex)
{
    return ex->requester_is_initiator ? "responder" : "initiator";
}

const char *ike2_evidence_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size)
{
    char request[16], sent[64], code_buf[24];
    ike_step_label((ike_kind_t)ex->kind, 1, request, sizeof request);
    const char *who = answering_side(ex);
    ike_sent_phrase(request, v->sends, v->so_far, sent, sizeof sent);
    const char *code = ike2_notify_name(v->notify);
    if (!code) {
        snprintf(code_buf, sizeof code_buf, "notify %u", v->notify);
        code = code_buf;
    }
    const ike_answer_t *a = &ex->answer;
    switch ((ike_evidence_t)v->evidence) {
    case IKE_EV_READ_NOTIFY:
        if (a->giveup_frame) /* the initiator refusing the responder's AUTH */
            snprintf(buf, size, "%s and answered; then the initiator sent %s in an INFORMATIONAL (read with keys)",
                     sent, code);
        else
            snprintf(buf, size, "%s; the %s answered %s (read with keys)", sent, who, code);
        break;
    case IKE_EV_CLEAR_NOTIFY:
        if (v->notify == IKE2_N_INVALID_KE_PAYLOAD && ex->asked_group)
            snprintf(buf, size, "%s; the %s answered INVALID_KE_PAYLOAD asking for DH group %u, and no "
                     "retry followed", sent, who, ex->asked_group);
        else if (v->notify == IKE2_N_COOKIE)
            snprintf(buf, size, "%s; the %s answered with a COOKIE, and no retry with it followed", sent, who);
        else
            snprintf(buf, size, "%s; the %s answered %s in clear", sent, who, code);
        break;
    case IKE_EV_SMALL_RESPONSE:
        snprintf(buf, size, "%s; the %s's answer is encrypted and only %u bytes: one notify, no %s", sent, who,
                 ex->response_length, ex->kind == IKE_KIND_AUTH ? "IDr, AUTH, SA or TS" : "SA, nonce or TS");
        break;
    case IKE_EV_PEER_RESEND:
        snprintf(buf, size, "%s; the %s answered, and the request came again, as if the answer never arrived",
                 sent, who);
        break;
    case IKE_EV_ICMP_UNREACHABLE:
        snprintf(buf, size, "%s; the %s's host answered ICMP unreachable: nothing listens on its IKE port",
                 sent, who);
        break;
    case IKE_EV_NAT_SILENCE:
        if (v->stall_step == 3)
            snprintf(buf, size, "%s and answered; the NAT detection hashes show a NAT, so IKE_AUTH moves to "
                     "UDP 4500, and nothing was seen there", sent);
        else
            snprintf(buf, size, "%s on UDP 4500 after IKE_SA_INIT found a NAT; nothing came back", sent);
        break;
    case IKE_EV_IP_FRAGMENTS:
        snprintf(buf, size, "%s in IP fragments, never answered", sent);
        break;
    case IKE_EV_RESENT:
        snprintf(buf, size, "%s, never answered", sent);
        break;
    case IKE_EV_LATER_SA_UP:
        snprintf(buf, size, "%s, never answered", sent);
        break;
    case IKE_EV_SUPERSEDED:
        snprintf(buf, size, "%s, %s; the same peers started again in frame %u", sent,
                 v->stall_step == 3 ? "answered, then no IKE_AUTH" : "never answered", ex->sa->superseded_in);
        break;
    case IKE_EV_SILENCE:
        if (v->stall_step == 3)
            snprintf(buf, size, "%s and answered, then no IKE_AUTH", sent);
        else
            snprintf(buf, size, "%s, then silence", sent);
        break;
    default:
        snprintf(buf, size, "%s%s; the capture ends before anything else", sent,
                 v->stall_step == 3 ? " and answered" : "");
        break;
    }
    return buf;
}
