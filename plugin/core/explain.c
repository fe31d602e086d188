/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain.c: per-message explanations, grounded in RFC 2409 section 5 and the seed
 * article (Cisco debug walk-through).  Data only. */
#include "explain.h"

#include <stddef.h>

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

const char *ike_explain(ike_kind_t kind, unsigned step)
{
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
