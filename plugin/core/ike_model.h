/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ike_model.h: IKE SAs, their exchanges, and what each message is (MM#3, QM#2 ...).
 *
 * The model is fed one ike_msg_t per ISAKMP header, in capture order, once (the first
 * pass).  It answers with an ike_result_t that lives as long as the model, so the glue
 * can keep a pointer per frame and render from it on every later pass.  Requests learn
 * their response frame later (like tcp.analysis.acks_frame), so results are mutable
 * until the model is freed.  No epan include below plugin/core.
 */
#ifndef IKEDIAG_IKE_MODEL_H
#define IKEDIAG_IKE_MODEL_H

#include "ike_msg.h"

#include <stddef.h>

/* The exchange kinds of both versions: the version is part of the kind, so every rule,
 * name and step table says which it is for (ike_kind_version). */
typedef enum ike_kind {
    IKE_KIND_NONE = 0, /* not analysed: unknown exchange type, over the cap */
    IKE_KIND_MAIN,
    IKE_KIND_AGGRESSIVE,
    IKE_KIND_QUICK,
    IKE_KIND_INFO,
    IKE_KIND_TRANSACTION,
    /* IKEv2, RFC 7296: each a request (step 1) and its response (step 2) */
    IKE_KIND_SA_INIT,
    IKE_KIND_AUTH,
    IKE_KIND_CHILD, /* CREATE_CHILD_SA */
    IKE_KIND_INFO2, /* INFORMATIONAL */
    IKE_KIND_INTER, /* IKE_INTERMEDIATE, RFC 9242 */
} ike_kind_t;

#define IKE_KIND_COUNT 11

typedef enum ike_role {
    IKE_ROLE_UNKNOWN = 0,
    IKE_ROLE_INITIATOR,
    IKE_ROLE_RESPONDER,
} ike_role_t;

/* Per-frame notes: facts that did not fit, marked instead of guessed. */
enum ike_note {
    IKE_NOTE_REQUEST_MISSING = 1u << 0, /* a response whose request is not in the capture */
    IKE_NOTE_UNKNOWN_EXCHANGE = 1u << 1,
    /* 1u << 2 was IKE_NOTE_IKEV2 until ikediag analysed IKEv2 (0.4) */
    IKE_NOTE_MALFORMED = 1u << 3,
    IKE_NOTE_UNEXPECTED = 1u << 4, /* does not fit the exchange's sequence */
    IKE_NOTE_ROLE_UNKNOWN = 1u << 5, /* the SA's initiator is not in the capture */
    IKE_NOTE_NOT_TRACKED = 1u << 6, /* the SA cap was reached */
    IKE_NOTE_CAP_REACHED = 1u << 7, /* the first frame refused by the cap */
    IKE_NOTE_FIRST_ORPHAN_OF_SOURCE = 1u << 8, /* report REQUEST_MISSING once per source */
    IKE_NOTE_ICMP_ERROR = 1u << 9, /* an ICMP error quoting a message: evidence, not a message */
    IKE_NOTE_FRAGMENT = 1u << 10, /* an IKE fragment: its siblings share its step */
    IKE_NOTE_UNANSWERED = 1u << 11, /* the third send of a request with nothing back yet */
    IKE_NOTE_PEER_GONE = 1u << 12, /* the first ICMP error quoting a message of a done SA */
};

/* Cisco IOS state names after a message, for readers who learned IKE from debugs. */
typedef enum ike_cisco_state {
    IKE_STATE_NONE = 0,
    IKE_STATE_MM_NO_STATE,
    IKE_STATE_MM_SA_SETUP,
    IKE_STATE_MM_KEY_EXCH,
    IKE_STATE_AG_INIT_EXCH,
    IKE_STATE_AG_AUTH,
    IKE_STATE_QM_IDLE,
    /* IKEv2: strongSwan's IKE_SA states, as `swanctl --list-sas` and its log print them */
    IKE_STATE_V2_CONNECTING,
    IKE_STATE_V2_ESTABLISHED,
} ike_cisco_state_t;

typedef enum ike_nat {
    IKE_NAT_UNKNOWN = 0, /* no NAT-D, or the hash algorithm is not known */
    IKE_NAT_NONE,
    IKE_NAT_DETECTED, /* so both sides move to UDP 4500 after MM#4 (RFC 3947 section 4) */
} ike_nat_t;

typedef struct ike_sa ike_sa_t;
typedef struct ike_exchange ike_exchange_t;

/* Highest step of any exchange: Main Mode has six messages. */
#define IKE_MAX_STEP 6

typedef struct ike_result {
    ike_exchange_t *exchange; /* NULL when kind is NONE */
    ike_exchange_t *answers; /* INFO: the pending exchange it answered, or NULL */
    uint32_t frame;
    uint32_t request_in; /* the message this one answers, 0 if none */
    uint32_t response_in; /* the message that answers this one, 0 until seen */
    uint32_t retrans_of; /* first copy of a byte-identical resend, 0 if original */
    uint16_t retrans_count; /* 1 for the first resend */
    uint16_t resent; /* on a first copy: how many resends followed it */
    uint16_t notify; /* first readable notify code, 0 if none */
    uint8_t kind; /* ike_kind_t */
    uint8_t step; /* 1..6 for MM, 1..3 for AM/QM, 0 for INFO/TXN */
    uint8_t role; /* ike_role_t of the sender in its own exchange */
    uint8_t state; /* ike_cisco_state_t after this message */
    uint16_t notes; /* enum ike_note */
    uint8_t exchange_type; /* the raw header value, for unknown types */
    uint8_t answered_step; /* INFO: the step of `answers` it replied to (request_in) */
    bool completes; /* the last message of its exchange (MM#6, AM#3, QM#3), original copy */
} ike_result_t;

typedef struct ike_model ike_model_t;

typedef struct ike_model_config {
    uint32_t max_sas; /* stop tracking new SAs past this many; 0 = no cap */
} ike_model_config_t;

ike_model_t *ike_model_new(const ike_model_config_t *config);
void ike_model_free(ike_model_t *model);

/* Feed one message (first pass, capture order).  Never NULL.  A frame past the SA cap
 * gets a result that lives only until the next call, and is not kept. */
ike_result_t *ike_model_add(ike_model_t *model, const ike_msg_t *msg);

/* The kept result of a frame added earlier, or NULL: what every later pass renders. */
ike_result_t *ike_model_result_of_frame(const ike_model_t *model, uint32_t frame);

/* Iterate SAs in order of first appearance. */
const ike_sa_t *ike_model_first_sa(const ike_model_t *model);
const ike_sa_t *ike_model_next_sa(const ike_sa_t *sa);

/* The IPsec SAs its children made and the ESP that crossed them (tunnel.h). */
struct ike_tunnels *ike_model_tunnels(const ike_model_t *model);

/* The time and frame of the last message the model saw: the end of the capture as far
 * as IKE is concerned, for silence-based verdicts. */
double ike_model_last_time(const ike_model_t *model);
uint32_t ike_model_sa_count(const ike_model_t *model);
bool ike_model_cap_reached(const ike_model_t *model);

/* ---- what the glue reads of an SA and an exchange: the structs stay in core ---- */

/* When something was seen: its first and last message. */
typedef struct ike_span {
    uint32_t first_frame, last_frame;
    double first_time, last_time;
} ike_span_t;

uint32_t ike_sa_number(const ike_sa_t *sa); /* 1, 2 ... in order of first appearance */
unsigned ike_sa_version(const ike_sa_t *sa); /* 1 or 2 */
ike_span_t ike_sa_span(const ike_sa_t *sa);
void ike_sa_cookies(const ike_sa_t *sa, uint64_t *icookie, uint64_t *rcookie); /* IKEv2: the SPIs */
/* The addresses of the phase-1 (IKE SA) initiator and responder; false while unknown. */
bool ike_sa_roles(const ike_sa_t *sa, ike_endpoint_t *initiator, ike_endpoint_t *responder);
/* Its exchanges in order of first appearance, and the one that opened it (Main or
 * Aggressive Mode, IKE_SA_INIT), NULL if not in the capture. */
const ike_exchange_t *ike_sa_first_exchange(const ike_sa_t *sa);
const ike_exchange_t *ike_sa_opening(const ike_sa_t *sa);
/* Phase 1 done, or IKE_AUTH answered and not refused. */
bool ike_sa_up(const ike_sa_t *sa);
/* IKEv2: the established SA whose CREATE_CHILD_SA made this one, or NULL. */
const ike_sa_t *ike_sa_rekey_of(const ike_sa_t *sa);
/* The first ICMP error quoting its message after it was up, 0 if none. */
uint32_t ike_sa_peer_gone_in(const ike_sa_t *sa);

ike_kind_t ike_exchange_kind(const ike_exchange_t *ex);
const ike_sa_t *ike_exchange_sa(const ike_exchange_t *ex);
const ike_exchange_t *ike_exchange_next(const ike_exchange_t *ex); /* in its SA, or NULL */
uint32_t ike_exchange_index(const ike_exchange_t *ex); /* Quick Mode 1, 2 ... of its kind in its SA */
ike_span_t ike_exchange_span(const ike_exchange_t *ex);
unsigned ike_exchange_highest_step(const ike_exchange_t *ex);
/* The sender of its first step (Quick Mode); false when the capture does not show it. */
bool ike_exchange_initiator(const ike_exchange_t *ex, ike_endpoint_t *initiator);
/* What the NAT-D payloads say (phase 1). */
ike_nat_t ike_exchange_nat(const ike_exchange_t *ex);
/* Quick Mode's proxy IDs (keys), formatted; NULL when not seen. */
const char *ike_exchange_proxy_ids(const ike_exchange_t *ex, char *buf, size_t size);
/* The first (or latest) copy of a step, NULL if not seen. */
const ike_result_t *ike_exchange_step(const ike_exchange_t *ex, unsigned step, bool latest);
/* How the pending step was answered: the first evidence frame, and the first encrypted
 * Informational among it; 0 if none. */
uint32_t ike_exchange_evidence_frame(const ike_exchange_t *ex);
uint32_t ike_exchange_encrypted_reply_frame(const ike_exchange_t *ex);

/* The first later SA between the same two addresses (either side initiating) whose phase
 * 1 completed, among the next few: the peers worked after this SA.  NULL if none. */
const ike_sa_t *ike_sa_later_up(const ike_sa_t *sa);
/* An SA with a Quick Mode that completed. */
bool ike_sa_has_complete_quick(const ike_sa_t *sa);

/* The error notify a message answers a request with, 0 if none: an IKEv1 Informational
 * that answers a pending exchange (res->answers), an IKEv2 response, or an IKEv2
 * INFORMATIONAL refusing the responder's AUTH.  The request is res->request_in. */
uint16_t ike_result_refusal(const ike_result_t *res);

/* IKEv2: the IKE_SA_INIT response (COOKIE, INVALID_KE_PAYLOAD) that this retried request
 * obeys, 0 if none.  Kept by the exchange (one per round), not by every frame. */
uint32_t ike_result_retry_of(const ike_result_t *res);

/* The message completes a negotiation: MM#6, AM#3, QM#3 (first copies); in IKEv2 an
 * IKE_AUTH or CREATE_CHILD_SA response that refuses nothing. */
bool ike_result_completes(const ike_result_t *res);
/* What it completes: "Phase 1", "Quick Mode", "IKE_AUTH", "CREATE_CHILD_SA". */
const char *ike_completion_name(ike_kind_t kind);

/* The proposals the exchange's request offered and the one its answer chose, in its own
 * terms (phase 1, Quick Mode, IKEv2): clear in phase 1 and IKE_SA_INIT, with keys in
 * Quick Mode, IKE_AUTH and CREATE_CHILD_SA.  NULL when the capture does not show them. */
const char *ike_exchange_offered(const ike_exchange_t *ex, char *buf, size_t size);
const char *ike_exchange_chosen(const ike_exchange_t *ex, char *buf, size_t size);
/* The exchange whose proposals stand for the IKE SA: phase 1, or the last IKE_SA_INIT
 * round (a COOKIE or INVALID_KE_PAYLOAD answer starts another); NULL if none. */
const ike_exchange_t *ike_sa_negotiation(const ike_sa_t *sa);

/* The message ID its messages carry: 0 for phase 1 (RFC 2409 5), a Quick Mode's own. */
uint32_t ike_exchange_message_id(const ike_exchange_t *ex);

/* 1 or 2; 0 for IKE_KIND_NONE. */
unsigned ike_kind_version(ike_kind_t kind);

/* The step that ends an exchange of this kind (6, 3, 3; 2 for each IKEv2 kind), or 0
 * for INFO/TXN. */
unsigned ike_kind_final_step(ike_kind_t kind);

/* Exchanges that get a verdict: the negotiating ones, and Transaction exchanges (XAUTH,
 * whose failure stops the SA before Quick Mode).  Informationals only answer others. */
bool ike_kind_judged(ike_kind_t kind);

#endif
