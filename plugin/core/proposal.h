/* proposal.h: transforms as an engineer writes them, "AES-CBC-256/SHA1/MODP-2048/PSK". */
#ifndef IKEDIAG_PROPOSAL_H
#define IKEDIAG_PROPOSAL_H

#include "ike_msg.h"

#include <stddef.h>

/* Phase 1 (RFC 2409 appendix A values).  Returns buf. */
const char *ike_format_phase1(const ike_transform_t *t, char *buf, size_t size);
/* A list of phase-1 transforms joined by ", ", with "+N more" when total > n. */
const char *ike_format_phase1_list(const ike_transform_t *t, unsigned n, unsigned total, char *buf, size_t size);

#endif
