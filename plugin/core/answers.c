/* SPDX-License-Identifier: GPL-2.0-or-later */
/* answers.c: what the side that owed the next message did instead of sending it.
 *
 * Owns: which pending exchange an Informational or an ICMP error answers, and filling
 * its ike_answer_t (the evidence the diagnosis reads).  Must not: number messages or
 * judge causes.
 */
#include "model_internal.h"

#include <stddef.h>

/* ---- answers: what the peer did instead of the pending step --------------------- */

static bool is_error_notify(uint16_t code)
{
    return code > 0 && code <= IKE_N_ERROR_MAX;
}

/* Who owes the next message: MM#odd and AM#3/QM#3 (and a first Quick Mode after phase
 * 1) come from the initiator, MM#even and AM#2/QM#2 from the responder. */
ike_role_t ike_next_speaker(const ike_exchange_t *ex)
{
    unsigned pending = ex->highest_step + 1u;
    if (ex->kind == IKE_KIND_MAIN)
        return pending % 2 ? IKE_ROLE_INITIATOR : IKE_ROLE_RESPONDER;
    return pending == 2 ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR;
}

/* A refusal comes within a round trip of the copy it refuses; keep-alives (DPD) come
 * after seconds of idleness (dpddelay, 10 s and more). */
#define ANSWER_WINDOW 10.0

static bool in_answer_window(const ike_exchange_t *ex, const ike_msg_t *msg)
{
    return ex->highest_step && msg->time - ex->last_time <= ANSWER_WINDOW;
}

/* Phase 1 is the SA's newest negotiation: only Informationals came after it (no Quick
 * Mode, no XAUTH or Mode-Config Transaction, which a Delete would be about instead). */
static bool phase1_is_newest(const ike_sa_t *sa)
{
    for (const ike_exchange_t *ex = sa->phase1->next_in_sa; ex; ex = ex->next_in_sa)
        if (ex->kind != IKE_KIND_INFO)
            return false;
    return true;
}

/* The exchange an Informational may answer: phase 1 while it is not done, then the
 * oldest Quick Mode still waiting whose last message is recent, then a finished phase 1
 * that nothing but Informationals followed (its MM#6 refused), if recent.  DPD and other
 * traffic of a healthy SA answer nothing. */
static ike_exchange_t *pending_exchange(const ike_sa_t *sa, const ike_msg_t *msg)
{
    if (sa->phase1 && !sa->phase1_done)
        return sa->phase1;
    for (ike_exchange_t *q = sa->pending_quick; q; q = q->next_pending)
        if (in_answer_window(q, msg))
            return q; /* the oldest */
    if (sa->n_quick == 0 && sa->phase1 && in_answer_window(sa->phase1, msg) && phase1_is_newest(sa))
        return sa->phase1;
    return NULL;
}

/* A readable Informational with status notifies only (R-U-THERE, INITIAL-CONTACT) and
 * no Delete is keep-alive traffic, never an answer. */
static bool is_keepalive(const ike_msg_t *msg)
{
    if (!msg->decrypted || !msg->n_notify || ike_msg_has(msg, IKE_PL_DELETE))
        return false;
    for (unsigned i = 0; i < msg->n_notify; i++)
        if (is_error_notify(msg->notify[i]))
            return false;
    return true;
}

static void record_answer(ike_exchange_t *target, const ike_msg_t *msg);

ike_exchange_t *ike_attach_informational(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res)
{
    ike_exchange_t *target = pending_exchange(sa, msg);
    if (!target || target->highest_step == 0 || is_keepalive(msg))
        return NULL;
    res->request_in = ike_step_last(target, target->highest_step)->frame; /* what it answers */
    res->answered_step = target->highest_step;
    /* Without keys nothing says which of several pending Quick Modes a notify refuses:
     * it is evidence for each; those that progress later forget it (record_step). */
    if (target->kind == IKE_KIND_QUICK)
        for (ike_exchange_t *q = target->next_pending; q; q = q->next_pending)
            if (in_answer_window(q, msg))
                record_answer(q, msg);
    record_answer(target, msg);
    return target;
}

static void record_answer(ike_exchange_t *target, const ike_msg_t *msg)
{
    ike_sa_t *sa = target->sa;
    bool sender_is_initiator = target->kind == IKE_KIND_QUICK
        ? target->initiator_known && ike_same_address(&target->initiator, &msg->src)
        : ike_sa_role_of(sa, &msg->src) == IKE_ROLE_INITIATOR;
    ike_answer_t *answer = &target->answer;
    bool encrypted = (msg->flags & IKE_FLAG_ENCRYPTED) != 0;
    if (!answer->first_frame)
        answer->first_frame = msg->frame;

    if ((ike_next_speaker(target) == IKE_ROLE_INITIATOR) != sender_is_initiator) {
        if (!answer->giveup_frame)
            answer->giveup_frame = msg->frame;
        return;
    }
    if (encrypted && !answer->enc_info_frame)
        answer->enc_info_frame = msg->frame;
    if (!encrypted && msg->n_notify && !answer->clear_notify_frame)
        answer->clear_notify_frame = msg->frame;
    for (unsigned i = 0; i < msg->n_notify && !answer->notify; i++) {
        if (is_error_notify(msg->notify[i])) {
            answer->notify = msg->notify[i];
            answer->notify_decrypted = encrypted;
        }
    }
    if (ike_msg_has(msg, IKE_PL_DELETE))
        answer->delete_seen = true;
}

/* An ICMP error quoting a message of a pending exchange: the peer's host answered, but
 * nothing listens on its IKE port.  It numbers nothing and creates no SA.  Quoting a
 * message of an SA already up (a DPD R-U-THERE, a rekey), it tells about the SA's life:
 * the peer's IKE daemon is gone. */
void ike_note_icmp_error(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res)
{
    res->notes |= IKE_NOTE_ICMP_ERROR;
    ike_exchange_t *target = sa ? pending_exchange(sa, msg) : NULL;
    if (target && !target->answer.icmp_frame && target->highest_step) {
        target->answer.icmp_frame = msg->frame;
        if (!target->answer.first_frame)
            target->answer.first_frame = msg->frame;
    } else if (!target && sa && sa->phase1_done && !sa->peer_gone_in) {
        sa->peer_gone_in = msg->frame;
        res->notes |= IKE_NOTE_PEER_GONE;
    }
}
