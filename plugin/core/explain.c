/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain.c: per-message explanations, grounded in RFC 2409 section 5 and the seed
 * article (Cisco debug walk-through).  Data only. */
#include "explain.h"
#include "model_internal.h"

#include <stddef.h>
#include <stdio.h>

static const char *const main_mode[] = {
    [1] = "MM#1: the initiator's SA payload: its ISAKMP policies, one transform per 'crypto isakmp "
          "policy' (strongSwan 'proposals'): encryption, hash, DH group, authentication method, lifetime.",
    [2] = "MM#2: the responder picks the one policy it accepts and returns it; no match "
          "means a NO-PROPOSAL-CHOSEN notify instead.",
    [3] = "MM#3: the initiator's Diffie-Hellman public value and nonce, plus NAT-D hashes "
          "that reveal a NAT on the path (RFC 3947).",
    [4] = "MM#4: the responder's Diffie-Hellman value (KE), nonce and NAT-D hashes; both sides now "
          "derive the keys (SKEYID) from the DH secret, the nonces and the pre-shared key.",
    [5] = "MM#5: the initiator's identity (ID) and proof (HASH_I, made with the pre-shared key, or a "
          "signature), encrypted with the new keys; on UDP 4500 once NAT-T is in use.",
    [6] = "MM#6: the responder's identity and proof, encrypted; when the initiator accepts "
          "it, phase 1 is up (Cisco QM_IDLE).",
};

static const char *const aggressive_mode[] = {
    [1] = "AM#1: policies, Diffie-Hellman value, nonce and identity in one clear message; "
          "the identity is not protected.",
    [2] = "AM#2: the responder's chosen policy, DH value, nonce, identity and its hash "
          "proving the pre-shared key; enough to attack the PSK offline.",
    [3] = "AM#3: the initiator's hash proving the pre-shared key; phase 1 is up.",
};

static const char *const quick_mode[] = {
    [1] = "QM#1: HASH(1), the initiator's transform sets (ESP encryption, integrity, mode), a nonce, "
          "a DH value with PFS, and the proxy IDs from the crypto ACL; encrypted under phase 1.",
    [2] = "QM#2: HASH(2), the responder's chosen transform, its nonce (and DH value with PFS) and "
          "the proxy IDs; a mismatch gives NO-PROPOSAL-CHOSEN or INVALID-ID-INFORMATION instead.",
    [3] = "QM#3: HASH(3), the initiator's acknowledgement of QM#2; both IPsec SAs (one per "
          "direction) are installed and ESP can flow.",
};

/* IKEv2, RFC 7296 section 1.2-1.4: request [1] and response [2] of each exchange. */
static const char *const sa_init[] = {
    [1] = "SA_INIT#1: IKE_SA_INIT request: the initiator's IKE proposals (encryption, integrity, PRF, "
          "DH group), its DH value (KE) for the first group, a nonce and NAT detection hashes, in clear.",
    [2] = "SA_INIT#2: IKE_SA_INIT response: the chosen proposal, the responder's KE and nonce; or only "
          "a notify: NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD (another group), COOKIE (send it back).",
};
static const char *const auth[] = {
    [1] = "AUTH#1: IKE_AUTH request, encrypted: the initiator's identity (IDi), its proof (AUTH: PSK or "
          "signature, or EAP), and the first CHILD SA: ESP proposals and traffic selectors (TSi/TSr).",
    [2] = "AUTH#2: IKE_AUTH response, encrypted: the responder's identity and AUTH, the chosen ESP proposal "
          "and selectors; or AUTHENTICATION_FAILED; TS_UNACCEPTABLE or NO_PROPOSAL_CHOSEN refuse only the child.",
};
static const char *const child[] = {
    [1] = "CHILD#1: CREATE_CHILD_SA request, encrypted: a new or rekeyed CHILD SA (REKEY_SA), or an IKE SA "
          "rekey (an SA payload for IKE), with nonces and optionally a DH value (PFS).",
    [2] = "CHILD#2: CREATE_CHILD_SA response, encrypted: the chosen proposal, or a refusal notify.",
};
static const char *const informational[] = {
    [1] = "INFO#1: INFORMATIONAL request, encrypted: a Delete, a notify, or nothing at all (a liveness "
          "check, IKEv2's dead peer detection).",
    [2] = "INFO#2: INFORMATIONAL response, encrypted: each request is answered, empty if nothing to say.",
};
static const char *const intermediate[] = {
    [1] = "INTER#1: IKE_INTERMEDIATE request (RFC 9242): more key exchanges before IKE_AUTH.",
    [2] = "INTER#2: IKE_INTERMEDIATE response.",
};

const char *ike_explain(ike_kind_t kind, unsigned step)
{
    if (ike_kind_version(kind) == 2) {
        if (step < 1 || step > 2)
            return NULL;
        switch (kind) {
        case IKE_KIND_SA_INIT: return sa_init[step];
        case IKE_KIND_AUTH: return auth[step];
        case IKE_KIND_CHILD: return child[step];
        case IKE_KIND_INFO2: return informational[step];
        default: return intermediate[step];
        }
    }
    switch (kind) {
    case IKE_KIND_MAIN: return step >= 1 && step <= 6 ? main_mode[step] : NULL;
    case IKE_KIND_AGGRESSIVE: return step >= 1 && step <= 3 ? aggressive_mode[step] : NULL;
    case IKE_KIND_QUICK: return step >= 1 && step <= 3 ? quick_mode[step] : NULL;
    case IKE_KIND_INFO:
        return "Informational: a notify (an error such as NO-PROPOSAL-CHOSEN, or DPD "
               "R-U-THERE) or a Delete; encrypted once phase-1 keys exist.";
    case IKE_KIND_TRANSACTION:
        return "Transaction (Mode-Cfg/XAUTH): user authentication or address assignment "
               "after phase 1, unusual between site-to-site peers.";
    default: return NULL;
    }
}

const char *ike_explain_message(const ike_result_t *res, char *buf, size_t size)
{
    const char *text = ike_explain((ike_kind_t)res->kind, res->step);
    const ike_exchange_t *ex = res->exchange;
    uint32_t retry_of = ike_result_retry_of(res);
    if (!text || !retry_of)
        return text;
    if (ex->asked_group)
        snprintf(buf, size, "%s This one is a retry with DH group %u, as the responder asked in frame %u "
                 "(INVALID_KE_PAYLOAD).", text, ex->asked_group, retry_of);
    else
        snprintf(buf, size, "%s This one is a retry with the COOKIE the responder sent in frame %u.", text,
                 retry_of);
    return buf;
}
