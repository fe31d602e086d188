/* SPDX-License-Identifier: GPL-2.0-or-later */
/* queries.c: what the views ask of the model's kinds, results and SAs.
 *
 * Owns: the accessors through which the glue reads SAs and exchanges (their structs are
 * core's, model_internal.h), and answers computed from stored state (the final step of a
 * kind, its version, whether a message completes or refuses, the later SA that
 * superseded one).  Must not: change the model, or judge causes (diagnose.c,
 * diagnose_v2.c).
 */
#include "ike_model.h"
#include "model_internal.h"

#include <stddef.h>

#include "proposal.h"

static ike_proposal_style_t proposal_style(const ike_exchange_t *ex)
{
    if (ike_kind_version((ike_kind_t)ex->kind) == 2)
        return IKE_PROPOSAL_V2;
    return ex->kind == IKE_KIND_QUICK ? IKE_PROPOSAL_PHASE2 : IKE_PROPOSAL_PHASE1;
}

const char *ike_exchange_offered(const ike_exchange_t *ex, char *buf, size_t size)
{
    if (!ex || !ex->offered)
        return NULL;
    return ike_format_list(ex->offered, ex->n_offered, ex->n_offered_total, proposal_style(ex), buf, size);
}

const char *ike_exchange_chosen(const ike_exchange_t *ex, char *buf, size_t size)
{
    if (!ex || !ex->has_chosen)
        return NULL;
    return ike_format_list(&ex->chosen, 1, 1, proposal_style(ex), buf, size);
}

const ike_exchange_t *ike_sa_negotiation(const ike_sa_t *sa)
{
    const ike_exchange_t *last_round = NULL;
    for (const ike_exchange_t *ex = sa->exchanges; ex; ex = ex->next_in_sa)
        if (ex->kind == IKE_KIND_SA_INIT)
            last_round = ex;
    return last_round ? last_round : sa->phase1;
}

unsigned ike_kind_final_step(ike_kind_t kind)
{
    switch (kind) {
    case IKE_KIND_MAIN: return 6;
    case IKE_KIND_AGGRESSIVE:
    case IKE_KIND_QUICK: return 3;
    case IKE_KIND_SA_INIT:
    case IKE_KIND_AUTH:
    case IKE_KIND_CHILD:
    case IKE_KIND_INFO2:
    case IKE_KIND_INTER: return 2;
    default: return 0;
    }
}

unsigned ike_kind_version(ike_kind_t kind)
{
    return kind >= IKE_KIND_SA_INIT ? 2 : kind != IKE_KIND_NONE;
}

uint32_t ike_result_retry_of(const ike_result_t *res)
{
    return res->exchange && res->step == 1 ? res->exchange->retry_of : 0;
}

bool ike_result_completes(const ike_result_t *res)
{
    if (!res->completes || !res->exchange)
        return false;
    if (ike_kind_version((ike_kind_t)res->kind) == 1)
        return true;
    return (res->kind == IKE_KIND_AUTH || res->kind == IKE_KIND_CHILD) && !res->exchange->answer.notify;
}

const char *ike_completion_name(ike_kind_t kind)
{
    switch (kind) {
    case IKE_KIND_QUICK: return "Quick Mode";
    case IKE_KIND_AUTH: return "IKE_AUTH";
    case IKE_KIND_CHILD: return "CREATE_CHILD_SA";
    default: return "Phase 1";
    }
}

uint16_t ike_result_refusal(const ike_result_t *res)
{
    bool v2 = ike_kind_version((ike_kind_t)res->kind) == 2;
    unsigned max = v2 ? IKE2_N_ERROR_MAX : IKE_N_ERROR_MAX;
    bool answers = res->answers || (v2 && res->step == 2 && res->request_in);
    return answers && res->notify && res->notify <= max ? res->notify : 0;
}

bool ike_kind_judged(ike_kind_t kind)
{
    return ike_kind_final_step(kind) || kind == IKE_KIND_TRANSACTION;
}

/* A flood of attempts between two addresses stays linear: look a few SAs ahead only. */
#define LATER_SA_LOOKAHEAD 16u

const ike_sa_t *ike_sa_later_up(const ike_sa_t *sa)
{
    unsigned n = 0;
    for (const ike_sa_t *later = sa->next_between_peers; later && n < LATER_SA_LOOKAHEAD;
         later = later->next_between_peers, n++)
        if (later->phase1_done)
            return later;
    return NULL;
}

bool ike_sa_has_complete_quick(const ike_sa_t *sa)
{
    for (const ike_exchange_t *ex = sa->exchanges; ex; ex = ex->next_in_sa)
        if (ex->kind == IKE_KIND_QUICK && ex->highest_step == 3)
            return true;
    return false;
}

/* ---- the SA and the exchange as the glue reads them ------------------------------ */

uint32_t ike_sa_number(const ike_sa_t *sa) { return sa->number; }
unsigned ike_sa_version(const ike_sa_t *sa) { return sa->version; }
const ike_exchange_t *ike_sa_first_exchange(const ike_sa_t *sa) { return sa->exchanges; }
const ike_exchange_t *ike_sa_opening(const ike_sa_t *sa) { return sa->phase1; }
bool ike_sa_up(const ike_sa_t *sa) { return sa->phase1_done; }
const ike_sa_t *ike_sa_rekey_of(const ike_sa_t *sa) { return sa->rekey_of; }
uint32_t ike_sa_peer_gone_in(const ike_sa_t *sa) { return sa->peer_gone_in; }

ike_span_t ike_sa_span(const ike_sa_t *sa)
{
    return (ike_span_t){ sa->first_frame, sa->last_frame, sa->first_time, sa->last_time };
}

void ike_sa_cookies(const ike_sa_t *sa, uint64_t *icookie, uint64_t *rcookie)
{
    *icookie = sa->icookie;
    *rcookie = sa->rcookie;
}

bool ike_sa_roles(const ike_sa_t *sa, ike_endpoint_t *initiator, ike_endpoint_t *responder)
{
    if (!sa->roles_known)
        return false;
    *initiator = sa->initiator;
    *responder = sa->responder;
    return true;
}

ike_kind_t ike_exchange_kind(const ike_exchange_t *ex) { return (ike_kind_t)ex->kind; }
const ike_sa_t *ike_exchange_sa(const ike_exchange_t *ex) { return ex->sa; }
const ike_exchange_t *ike_exchange_next(const ike_exchange_t *ex) { return ex->next_in_sa; }
uint32_t ike_exchange_index(const ike_exchange_t *ex) { return ex->index; }
unsigned ike_exchange_highest_step(const ike_exchange_t *ex) { return ex->highest_step; }
ike_nat_t ike_exchange_nat(const ike_exchange_t *ex) { return (ike_nat_t)ex->nat; }
uint32_t ike_exchange_evidence_frame(const ike_exchange_t *ex) { return ex->answer.first_frame; }
uint32_t ike_exchange_encrypted_reply_frame(const ike_exchange_t *ex) { return ex->answer.enc_info_frame; }

ike_span_t ike_exchange_span(const ike_exchange_t *ex)
{
    return (ike_span_t){ ex->first_frame, ex->last_frame, ex->first_time, ex->last_time };
}

bool ike_exchange_initiator(const ike_exchange_t *ex, ike_endpoint_t *initiator)
{
    if (!ex->initiator_known)
        return false;
    *initiator = ex->initiator;
    return true;
}

const char *ike_exchange_proxy_ids(const ike_exchange_t *ex, char *buf, size_t size)
{
    return ex->proxy_ids ? ike_format_proxy_ids(ex->proxy_ids, ex->n_proxy_ids, buf, size) : NULL;
}

const ike_result_t *ike_exchange_step(const ike_exchange_t *ex, unsigned step, bool latest)
{
    return latest ? ike_step_last(ex, step) : ike_step_first(ex, step);
}
