/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose.c: evaluate an exchange against the rule table (rules.c).
 *
 * Owns: the outcome (complete, stalled, cut, orphan), the stall point, classifying the
 * evidence, picking the rule, and wording the evidence.  Must not: hold causes in
 * code; every cause is a row of ike_rules[].
 */
#include "diagnose.h"
#include "model_internal.h"
#include "names.h"

#include <stdio.h>
#include <string.h>

const char *ike_outcome_name(ike_outcome_t outcome)
{
    switch (outcome) {
    case IKE_OUTCOME_COMPLETE: return "complete";
    case IKE_OUTCOME_STALLED: return "stalled";
    case IKE_OUTCOME_CUT: return "cut";
    case IKE_OUTCOME_ORPHAN: return "orphan";
    default: return NULL;
    }
}

const ike_rule_t *ike_rule_find(ike_kind_t kind, unsigned after_step, unsigned stall_step, ike_evidence_t evidence,
                                uint16_t notify)
{
    for (size_t i = 0; i < ike_rule_count; i++) {
        const ike_rule_t *r = &ike_rules[i];
        if (r->kind == kind && (r->stall_step == stall_step || r->stall_step == 0)
            && (r->after_step == after_step || r->after_step == 0)
            && (r->evidence == evidence || r->evidence == IKE_EV_ANY)
            && (r->notify == notify || r->notify == 0))
            return r;
    }
    return NULL;
}

const ike_rule_t *ike_rule_lookup(ike_kind_t kind, unsigned stall_step, ike_evidence_t evidence, uint16_t notify)
{
    return ike_rule_find(kind, 0, stall_step, evidence, notify);
}

/* The final step was not accepted: its receiver resent the message it answers (QM#3
 * lost or refused, MM#6 lost on the way back); or a finished phase 1 that its initiator
 * answered with an Informational, and no Quick Mode ever followed (MM#6 refused). */
static bool final_step_refused(const ike_exchange_t *ex)
{
    const ike_answer_t *a = &ex->answer;
    if (a->peer_resend_frame)
        return true;
    /* an Informational from the responder after MM#6 (an R-U-THERE-ACK) shows it alive */
    return ex->kind == IKE_KIND_MAIN && ex->sa->n_quick == 0 && !a->giveup_frame
        && (a->enc_info_frame || (a->clear_notify_frame && a->notify));
}

static ike_evidence_t classify(const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    const ike_answer_t *a = &ex->answer;
    const ike_result_t *last = ike_step_first(ex, ex->highest_step);
    if (a->notify && a->notify_decrypted)
        return IKE_EV_READ_NOTIFY;
    if (a->notify && a->clear_notify_frame)
        return IKE_EV_CLEAR_NOTIFY;
    if (a->enc_info_frame)
        return IKE_EV_ENC_INFO;
    if (a->peer_resend_frame)
        return IKE_EV_PEER_RESEND;
    if (a->icmp_frame)
        return IKE_EV_ICMP_UNREACHABLE;
    /* the peer answered the same peers' later attempt: not down, whatever this one saw */
    if (ex->kind != IKE_KIND_QUICK && ex->highest_step == 1 && ike_sa_later_up(ex->sa))
        return IKE_EV_LATER_SA_UP;
    bool silent_long = ctx->capture_end - ex->last_time >= ctx->silence_threshold;
    if (ex->floated && (last->resent || silent_long))
        return IKE_EV_FLOAT_SILENCE;
    /* NAT detected: MM#5 goes to UDP 4500; from here nothing was seen there at all */
    if (ex->kind == IKE_KIND_MAIN && ex->highest_step == 4 && ex->nat == IKE_NAT_DETECTED
        && (last->resent || silent_long || ex->sa->superseded_in))
        return IKE_EV_NAT_SILENCE;
    if (last->resent)
        return IKE_EV_RESENT;
    if (a->giveup_frame)
        return IKE_EV_GIVEUP;
    if (ex->sa->superseded_in)
        return IKE_EV_SUPERSEDED;
    return silent_long ? IKE_EV_SILENCE : IKE_EV_NONE;
}

const char *ike_sent_phrase(const char *label, unsigned sends, bool so_far, char *buf, size_t size)
{
    const char *times = sends == 1 ? "once" : sends == 2 ? "twice" : NULL;
    const char *later = so_far ? " so far" : "";
    if (times)
        snprintf(buf, size, "%s sent %s%s", label, times, later);
    else
        snprintf(buf, size, "%s sent %u times%s", label, sends, later);
    return buf;
}

void ike_verdict_add_evidence(ike_verdict_t *v, uint32_t frame)
{
    if (!frame || v->n_evidence == IKE_MAX_EVIDENCE)
        return;
    for (unsigned i = 0; i < v->n_evidence; i++)
        if (v->evidence_frames[i] == frame)
            return;
    v->evidence_frames[v->n_evidence++] = frame;
}

static void collect_evidence(const ike_exchange_t *ex, ike_verdict_t *v)
{
    const ike_answer_t *a = &ex->answer;
    ike_verdict_add_evidence(v, ike_step_first(ex, ex->highest_step)->frame);
    ike_verdict_add_evidence(v, ike_step_last(ex, ex->highest_step)->frame);
    ike_verdict_add_evidence(v, a->clear_notify_frame);
    ike_verdict_add_evidence(v, a->enc_info_frame);
    ike_verdict_add_evidence(v, a->peer_resend_frame);
    ike_verdict_add_evidence(v, a->giveup_frame);
    ike_verdict_add_evidence(v, a->icmp_frame);
    ike_verdict_add_evidence(v, ex->sa->superseded_in);
    if (v->evidence == IKE_EV_LATER_SA_UP)
        ike_verdict_add_evidence(v, ike_sa_later_up(ex->sa)->first_frame);
}

static uint32_t verdict_frame(const ike_exchange_t *ex)
{
    const ike_answer_t *a = &ex->answer;
    uint32_t frame = ex->last_frame;
    const uint32_t answers[] = { a->clear_notify_frame, a->enc_info_frame, a->peer_resend_frame, a->giveup_frame,
                                 a->icmp_frame };
    for (unsigned i = 0; i < sizeof answers / sizeof answers[0]; i++)
        if (answers[i] > frame)
            frame = answers[i];
    return frame;
}

/* ---- XAUTH (draft-beaulieu-ike-xauth-02) in Transaction exchanges after phase 1 ---- */

/* Phase 1 chose an XAUTH authentication method (65001-65010, draft section 7.2). */
static bool xauth_negotiated(const ike_sa_t *sa)
{
    const ike_exchange_t *p1 = sa->phase1;
    return p1 && p1->has_chosen && p1->chosen.auth_method >= 65001 && p1->chosen.auth_method <= 65010;
}

/* What came after a Transaction exchange in its SA: progress (a Quick Mode, or an XAUTH
 * that succeeded, so a failed try was retried) or only Informationals; the first
 * Informational after it, 0 if none. */
static bool progress_after(const ike_exchange_t *ex, bool *more_xauth, uint32_t *info_frame)
{
    *more_xauth = false;
    *info_frame = 0;
    for (const ike_exchange_t *later = ex->next_in_sa; later; later = later->next_in_sa) {
        if (later->kind == IKE_KIND_QUICK || later->xauth_status == IKE_XAUTH_OK)
            return true;
        if (later->kind == IKE_KIND_TRANSACTION)
            *more_xauth = true;
        else if (later->kind == IKE_KIND_INFO && !*info_frame && later->first_frame > ex->last_frame)
            *info_frame = later->first_frame;
    }
    return false;
}

/* With keys the gateway's XAUTH_STATUS tells.  Without, the SA's last Transaction
 * exchange, on a phase 1 that chose XAUTH, followed by an Informational (a Delete) or by
 * silence instead of Quick Mode (shared/reference: ASA 713166/713167, libreswan refusing
 * Quick Mode until XAUTH is done). */
/* A failure read in an earlier Transaction exchange of the SA carries the verdict. */
static bool failed_before(const ike_exchange_t *ex)
{
    for (const ike_exchange_t *e = ex->sa->exchanges; e && e != ex; e = e->next_in_sa)
        if (e->xauth_status == IKE_XAUTH_FAIL)
            return true;
    return false;
}

static void diagnose_transaction(const ike_exchange_t *ex, const ike_diag_context_t *ctx, ike_verdict_t *v)
{
    bool more_xauth;
    uint32_t info_frame;
    if (progress_after(ex, &more_xauth, &info_frame) || ex->xauth_status == IKE_XAUTH_OK || failed_before(ex))
        return;
    ike_evidence_t evidence;
    if (ex->xauth_status == IKE_XAUTH_FAIL)
        evidence = IKE_EV_XAUTH_STATUS;
    else if (more_xauth || !xauth_negotiated(ex->sa))
        return;
    else if (info_frame)
        evidence = IKE_EV_GIVEUP;
    else if (ex->highest_step == 1 && ex->index > 1)
        evidence = IKE_EV_RESENT; /* asked again after a round, and never answered */
    else if (ctx->capture_end - ex->last_time >= ctx->silence_threshold)
        evidence = IKE_EV_SILENCE;
    else
        evidence = IKE_EV_NONE;
    v->stall_step = 1;
    v->frame = info_frame > ex->last_frame ? info_frame : ex->last_frame;
    if (evidence == IKE_EV_NONE) {
        v->outcome = IKE_OUTCOME_CUT;
        return;
    }
    v->outcome = IKE_OUTCOME_STALLED;
    v->evidence = (uint8_t)evidence;
    v->sends = 1;
    v->so_far = ctx->partial;
    v->rule = ike_rule_find(IKE_KIND_TRANSACTION, 0, 1, evidence, 0);
    ike_verdict_add_evidence(v, ex->xauth_status_frame ? ex->xauth_status_frame : ex->first_frame);
    ike_verdict_add_evidence(v, ex->last_frame);
    ike_verdict_add_evidence(v, info_frame);
}

void ike_diagnose(const ike_exchange_t *ex, const ike_diag_context_t *ctx, ike_verdict_t *v)
{
    *v = (ike_verdict_t){ 0 };
    if (ex->kind == IKE_KIND_TRANSACTION) {
        diagnose_transaction(ex, ctx, v);
        return;
    }
    if (ike_kind_version((ike_kind_t)ex->kind) == 2) {
        ike2_diagnose(ex, ctx, v);
        return;
    }
    unsigned final = ike_kind_final_step((ike_kind_t)ex->kind);
    if (!final || ex->highest_step == 0)
        return;
    v->frame = verdict_frame(ex);
    const ike_result_t *first = ike_step_first(ex, ex->first_step);
    if (first && (first->notes & IKE_NOTE_REQUEST_MISSING)) {
        v->outcome = IKE_OUTCOME_ORPHAN;
        return;
    }
    if (ex->highest_step == final && !final_step_refused(ex)) {
        v->outcome = IKE_OUTCOME_COMPLETE;
        return;
    }
    /* The message that never came (MM#2, QM#2 ...) or was never accepted: MM#5, whose
     * PSK check fails at the responder ("stuck at MM5"), and a refused MM#6. */
    v->stall_step = (uint8_t)(ex->highest_step == final ? final : ex->highest_step + 1u);
    if (ex->kind == IKE_KIND_MAIN && ex->highest_step == 5)
        v->stall_step = 5;
    v->sends = (uint16_t)(1u + ike_step_first(ex, ex->highest_step)->resent);
    v->so_far = ctx->partial;
    v->evidence = (uint8_t)classify(ex, ctx);
    v->notify = ex->answer.notify;
    if (v->evidence == IKE_EV_NONE) {
        v->outcome = IKE_OUTCOME_CUT;
        return;
    }
    v->outcome = IKE_OUTCOME_STALLED;
    v->rule = ike_rule_find((ike_kind_t)ex->kind, ex->highest_step, v->stall_step, (ike_evidence_t)v->evidence,
                            v->notify);
    collect_evidence(ex, v);
}

/* The side that owed the next message, in the exchange's own roles; after the final
 * step, its receiver (the initiator of a refused MM#6, the responder of a lost QM#3). */
static const char *owing_side(const ike_exchange_t *ex)
{
    unsigned final = ike_kind_final_step((ike_kind_t)ex->kind);
    if (ex->highest_step == final && ike_step_first(ex, final))
        return ike_step_first(ex, final)->role == IKE_ROLE_INITIATOR ? "responder" : "initiator";
    unsigned next = ex->highest_step + 1u;
    bool initiator_owes = ex->kind == IKE_KIND_MAIN ? next % 2 == 1 : next != 2;
    return initiator_owes ? "initiator" : "responder";
}

/* Cross-SA context for any verdict: the same peers got a later SA up. */
static void append_later_sa(const ike_sa_t *sa, char *buf, size_t size)
{
    const ike_sa_t *later = ike_sa_later_up(sa);
    size_t len = strlen(buf);
    if (later && len < size)
        snprintf(buf + len, size - len, "; superseded by SA %u (%s)", later->number,
                 later->version == 2 || ike_sa_has_complete_quick(later) ? "complete" : "phase 1 complete");
}

static const char *xauth_evidence_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size)
{
    uint32_t last = v->n_evidence ? v->evidence_frames[v->n_evidence - 1] : 0;
    switch ((ike_evidence_t)v->evidence) {
    case IKE_EV_XAUTH_STATUS:
        snprintf(buf, size, "the gateway's XAUTH status in frame %u says FAIL (read with keys)",
                 ex->xauth_status_frame);
        break;
    case IKE_EV_GIVEUP:
        snprintf(buf, size, "XAUTH ran in a Transaction exchange (frames %u-%u), then an Informational in "
                 "frame %u instead of QM#1", ex->first_frame, ex->last_frame, last);
        break;
    case IKE_EV_RESENT:
        snprintf(buf, size, "after earlier XAUTH rounds, a new Transaction exchange in frame %u was never "
                 "answered", ex->first_frame);
        break;
    default:
        snprintf(buf, size, "XAUTH ran in a Transaction exchange (frames %u-%u), then silence instead of QM#1",
                 ex->first_frame, ex->last_frame);
        break;
    }
    return buf;
}

const char *ike_evidence_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size)
{
    if (ex->kind == IKE_KIND_TRANSACTION)
        return xauth_evidence_text(ex, v, buf, size);
    if (ike_kind_version((ike_kind_t)ex->kind) == 2) {
        ike2_evidence_text(ex, v, buf, size);
        append_later_sa(ex->sa, buf, size);
        return buf;
    }
    char last[16], prev[16];
    const char *who = owing_side(ex);
    const char *code = ike_notify_name(v->notify);
    char code_buf[24];
    if (!code) {
        snprintf(code_buf, sizeof code_buf, "notify %u", v->notify);
        code = code_buf;
    }
    ike_step_label((ike_kind_t)ex->kind, ex->highest_step, last, sizeof last);
    ike_step_label((ike_kind_t)ex->kind, ex->highest_step > 1 ? ex->highest_step - 1u : 1u, prev, sizeof prev);
    char sent[56];
    ike_sent_phrase(last, v->sends, v->so_far, sent, sizeof sent);

    switch ((ike_evidence_t)v->evidence) {
    case IKE_EV_READ_NOTIFY:
        snprintf(buf, size, "%s; the %s answered %s (read with keys)", sent, who, code);
        break;
    case IKE_EV_CLEAR_NOTIFY:
        snprintf(buf, size, "%s; the %s answered %s in clear", sent, who, code);
        break;
    case IKE_EV_ENC_INFO:
        snprintf(buf, size, "%s; the %s answered with an encrypted Informational", sent, who);
        break;
    case IKE_EV_PEER_RESEND:
        if (ex->highest_step == ike_kind_final_step((ike_kind_t)ex->kind))
            snprintf(buf, size, "%s; the %s then resent %s, as if %s never arrived", sent, who, prev, last);
        else
            snprintf(buf, size, "%s; the %s resent %s instead of answering", sent, who, prev);
        break;
    case IKE_EV_ICMP_UNREACHABLE:
        snprintf(buf, size, "%s; the %s's host answered ICMP unreachable: nothing listens on its IKE port", sent,
                 who);
        break;
    case IKE_EV_FLOAT_SILENCE:
        snprintf(buf, size, "%s on UDP 4500 after the NAT-T float; nothing came back", sent);
        break;
    case IKE_EV_NAT_SILENCE:
        snprintf(buf, size, "%s; NAT-D shows a NAT, so MM#5 moves to UDP 4500, and nothing was seen there", sent);
        break;
    case IKE_EV_RESENT:
        snprintf(buf, size, "%s, never answered", sent);
        break;
    case IKE_EV_GIVEUP:
        snprintf(buf, size, "%s, never answered; the sender then gave up with an Informational", sent);
        break;
    case IKE_EV_SUPERSEDED:
        snprintf(buf, size, "%s, never answered; the same peers started a fresh phase 1 in frame %u", sent,
                 ex->sa->superseded_in);
        break;
    case IKE_EV_SILENCE:
        snprintf(buf, size, "%s, then silence", sent);
        break;
    case IKE_EV_LATER_SA_UP:
        snprintf(buf, size, "%s, never answered", sent);
        break;
    default:
        snprintf(buf, size, "%s; the capture ends before anything else", sent);
        break;
    }
    append_later_sa(ex->sa, buf, size);
    return buf;
}

const char *ike_verdict_headline(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size)
{
    char stall[16], evidence[256];
    if (size)
        buf[0] = '\0';
    if (!v->rule)
        return buf;
    ike_stall_label((ike_kind_t)ex->kind, v->stall_step, stall, sizeof stall);
    ike_evidence_text(ex, v, evidence, sizeof evidence);
    snprintf(buf, size, "Stalled at %s: %s (%s)", stall, v->rule->summary, evidence);
    return buf;
}

const char *ike_verdict_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size)
{
    ike_verdict_headline(ex, v, buf, size);
    if (v->rule) {
        size_t len = strlen(buf);
        if (len < size)
            snprintf(buf + len, size - len, "; likely %s. Check: %s", v->rule->candidates, v->rule->check);
    }
    return buf;
}
