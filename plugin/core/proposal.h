/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proposal.h: transforms as an engineer writes them, "AES-CBC-256/SHA1/MODP-2048/PSK". */
#ifndef IKEDIAG_PROPOSAL_H
#define IKEDIAG_PROPOSAL_H

#include "ike_msg.h"

#include <stdbool.h>
#include <stddef.h>

/* Phase 1 (RFC 2409 appendix A values).  Returns buf. */
const char *ike_format_phase1(const ike_transform_t *t, char *buf, size_t size);

/* Phase 2 (RFC 2407 section 4.5, RFC 3947 encapsulation modes), e.g.
 * "ESP AES-CBC-256/HMAC-SHA2-256/tunnel/PFS MODP-2048". */
const char *ike_format_phase2(const ike_transform_t *t, char *buf, size_t size);
/* Whose terms an exchange's proposals are in. */
typedef enum ike_proposal_style {
    IKE_PROPOSAL_PHASE1, /* Main and Aggressive Mode */
    IKE_PROPOSAL_PHASE2, /* Quick Mode */
    IKE_PROPOSAL_V2, /* IKEv2, one summary per proposal: "IKE:AES_CBC_128/HMAC_SHA2_256_128/..." */
} ike_proposal_style_t;

/* The transforms (IKEv2: proposals) of one exchange, joined by ", "; "+N more" when the
 * message had more than were kept. */
const char *ike_format_list(const ike_transform_t *t, unsigned n, unsigned total, ike_proposal_style_t style,
                            char *buf, size_t size);

/* Quick Mode proxy IDs as "192.0.2.0/28 <-> 192.0.2.128/28" (IDci <-> IDcr; a protocol
 * or port other than any follows its address: "192.0.2.1 udp/500").  Returns buf. */
const char *ike_format_proxy_ids(const ike_proxy_id_t *ids, unsigned n, char *buf, size_t size);

#endif
