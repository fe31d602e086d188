/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose.h: where an exchange stopped, the likely cause, and the frames that show it.
 *
 * The verdict is a pure function of an exchange (as the model has it so far), the end of
 * the capture and the silence threshold; the causes live in one table (rules.c).
 */
#ifndef IKEDIAG_DIAGNOSE_H
#define IKEDIAG_DIAGNOSE_H

#include "ike_model.h"

#include <stddef.h>

typedef enum ike_outcome {
    IKE_OUTCOME_NONE = 0, /* not a negotiating exchange (INFO, TXN) */
    IKE_OUTCOME_COMPLETE,
    IKE_OUTCOME_STALLED,
    IKE_OUTCOME_CUT, /* stopped without evidence, the capture ends too soon to tell */
    IKE_OUTCOME_ORPHAN, /* begins with a response whose request is not in the capture */
} ike_outcome_t;

/* The strongest thing the capture shows after the exchange's last progress.  The
 * order is the order of strength: the first that applies is the evidence. */
typedef enum ike_evidence {
    IKE_EV_NONE = 0,
    IKE_EV_READ_NOTIFY, /* an error notify read with keys, from the side that owed the message */
    IKE_EV_CLEAR_NOTIFY, /* an error notify in clear, from that side */
    IKE_EV_ENC_INFO, /* an encrypted Informational from that side, unreadable */
    IKE_EV_PEER_RESEND, /* that side resent its previous message instead */
    IKE_EV_ICMP_UNREACHABLE, /* its host answered with an ICMP error: nothing listens */
    IKE_EV_LATER_SA_UP, /* first message unanswered, and the same peers completed phase 1 later */
    IKE_EV_FLOAT_SILENCE, /* after the float to UDP 4500 nothing came back at all */
    IKE_EV_NAT_SILENCE, /* NAT-D showed a NAT, and nothing was ever seen on UDP 4500 */
    IKE_EV_RESENT, /* the last message was resent and never answered */
    IKE_EV_GIVEUP, /* the last sender sent an Informational (Delete) and stopped */
    IKE_EV_SUPERSEDED, /* the same peers started a fresh phase 1 */
    IKE_EV_SILENCE, /* nothing for at least the silence threshold */
    IKE_EV_XAUTH_STATUS, /* the XAUTH gateway's status says FAIL (read with keys) */
    IKE_EV_SMALL_RESPONSE, /* IKEv2: an unreadable IKE_AUTH or CREATE_CHILD_SA answer too small to accept */
    IKE_EV_IP_FRAGMENTS, /* IKEv2: the unanswered request went out in IP fragments */
    IKE_EV_ANY, /* rule tables only: any evidence */
} ike_evidence_t;

/* One row of the rule table: stall point x evidence -> cause. */
typedef struct ike_rule {
    uint8_t kind; /* ike_kind_t */
    uint8_t stall_step; /* the message that never came or was never accepted */
    uint8_t evidence; /* ike_evidence_t; IKE_EV_ANY matches all */
    uint16_t notify; /* 0 matches any code */
    const char *cause; /* stable public id, e.g. "psk-mismatch" */
    const char *summary; /* a few words: "pre-shared key mismatch" */
    const char *candidates; /* what it cannot tell apart, and vendor caveats */
    const char *check; /* what to check, in Cisco and strongSwan configuration terms */
    const char *cisco_log; /* what a Cisco responder would have logged */
    uint8_t after_step; /* the last message seen before the stall; 0 matches any */
} ike_rule_t;

extern const ike_rule_t ike_rules[];
extern const size_t ike_rule_count;

#define IKE_MAX_EVIDENCE 6

typedef struct ike_verdict {
    uint8_t outcome; /* ike_outcome_t */
    uint8_t stall_step; /* 0 unless stalled or cut */
    uint8_t evidence; /* ike_evidence_t */
    uint16_t notify; /* the error notify code behind the evidence, 0 if none */
    uint16_t sends; /* how often the last message was sent */
    bool so_far; /* judged on part of the capture: later frames may add sends */
    uint32_t frame; /* where to show the verdict: the exchange's last relevant frame */
    uint8_t n_evidence;
    uint32_t evidence_frames[IKE_MAX_EVIDENCE];
    const ike_rule_t *rule; /* NULL unless stalled */
} ike_verdict_t;

typedef struct ike_diag_context {
    double capture_end; /* time of the last frame seen so far */
    double silence_threshold; /* seconds without progress that make a stall */
    bool partial; /* the capture is still being read (single pass): counts are "so far" */
} ike_diag_context_t;

void ike_diagnose(const ike_exchange_t *ex, const ike_diag_context_t *ctx, ike_verdict_t *out);

/* Shared by both versions' diagnosis: a frame added to the verdict's evidence (once,
 * up to IKE_MAX_EVIDENCE), and "MM#5 sent 3 times [so far]" into buf. */
void ike_verdict_add_evidence(ike_verdict_t *v, uint32_t frame);
const char *ike_sent_phrase(const char *label, unsigned sends, bool so_far, char *buf, size_t size);

/* diagnose_v2.c: the same for an IKEv2 exchange, and its evidence sentence. */
void ike2_diagnose(const ike_exchange_t *ex, const ike_diag_context_t *ctx, ike_verdict_t *out);
const char *ike2_evidence_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size);

/* The first rule for a stall point and evidence, after the exchange's last message
 * `after_step`; never NULL for a negotiating kind. */
const ike_rule_t *ike_rule_find(ike_kind_t kind, unsigned after_step, unsigned stall_step, ike_evidence_t evidence,
                                uint16_t notify);
/* The same among the rows that hold whatever the last message was (after_step 0). */
const ike_rule_t *ike_rule_lookup(ike_kind_t kind, unsigned stall_step, ike_evidence_t evidence, uint16_t notify);

const char *ike_outcome_name(ike_outcome_t outcome); /* "complete", "stalled" ... */

/* One sentence of evidence, e.g. "MM#5 sent 3 times; the responder answered with an
 * encrypted Informational".  Returns buf. */
const char *ike_evidence_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size);

/* The verdict's sentences, written once here for every view (tree, expert info, flow
 * graph, report).  Both return buf, "" for a verdict without a rule (complete, cut,
 * orphan).  The headline: "Stalled at MM#5: pre-shared key mismatch (MM#5 sent 4 times;
 * the responder answered with an encrypted Informational)". */
const char *ike_verdict_headline(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size);
/* The headline, then "; likely " the candidates and ". Check: " what to check. */
const char *ike_verdict_text(const ike_exchange_t *ex, const ike_verdict_t *v, char *buf, size_t size);

#endif
