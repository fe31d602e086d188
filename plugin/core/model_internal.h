/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_internal.h: what ike_model.c, steps.c and answers.c share; not for the glue. */
#ifndef IKEDIAG_MODEL_INTERNAL_H
#define IKEDIAG_MODEL_INTERNAL_H

#include "ike_model.h"

#include <glib.h>

/* What the side that owes the next message did instead of sending it: filled at ingest,
 * read by the diagnosis.  Frames are the first of each kind, 0 if none. */
typedef struct ike_answer {
    uint32_t clear_notify_frame; /* a clear Informational with a notify */
    uint32_t enc_info_frame; /* an encrypted Informational, readable or not */
    uint32_t peer_resend_frame; /* it resent its previous message */
    uint32_t giveup_frame; /* an Informational from the side that sent the last message */
    uint32_t icmp_frame; /* an ICMP error quoting the last message (nothing listens there) */
    uint32_t first_frame; /* the first of any evidence, resends of the last message included */
    uint16_t notify; /* first error notify code read in those replies, 0 if none */
    bool notify_decrypted; /* that code was read with keys */
    bool delete_seen;
} ike_answer_t;

/* An exchange is allocated by kind: the fixed part, then the first and the latest copy of
 * each of its steps (Main Mode six of each, Quick Mode three, IKEv2 two, Informationals
 * and Transactions none): read them with ike_step_first/_last.  Members are ordered by
 * size so that nothing pads. */
struct ike_exchange {
    uint64_t key; /* first, so the exchanges table is a set: kind, SA number, message ID */
    ike_sa_t *sa;
    ike_exchange_t *next_in_sa; /* in order of first appearance */
    ike_exchange_t *next_pending; /* Quick Mode: the next younger one not yet complete */
    struct stored_result *newest_original; /* the model's own: where resends are found */
    /* Proposals: phase 1 from MM#1/AM#1 and MM#2/AM#2 (clear); Quick Mode from QM#1 and
     * QM#2 when the keys decrypt them. */
    ike_transform_t *offered; /* NULL until seen */
    ike_proxy_id_t *proxy_ids; /* QM#1's IDci, IDcr (keys); NULL until seen */
    double first_time, last_time;
    double final_time; /* when the final step (MM#6, AM#3, QM#3) was first sent */
    double final_after; /* seconds between the message it answers and that final step */
    uint32_t index; /* Quick Modes 1, 2, ... within their SA; INFO/TXN likewise */
    uint32_t first_frame, last_frame;
    uint32_t retried_in; /* IKEv2 IKE_SA_INIT: the retry its response asked for */
    uint32_t retry_of; /* IKEv2 IKE_SA_INIT: the response (COOKIE, INVALID_KE) this round obeys */
    uint32_t child_spi[2]; /* a child's ESP/AH SPIs by ike_esp_dir_t (the receiver's choice: I→R
                            * carries step 2's, R→I step 1's); 0 until read with keys */
    uint32_t child_spi_frame[2]; /* the messages that carried them */
    uint32_t xauth_status_frame; /* Transaction: the frame that SET the status, 0 if none */
    ike_answer_t answer; /* to the pending step (highest_step + 1) */
    ike_endpoint_t initiator; /* the sender of step 1 (QM, TXN), the requester (IKEv2) */
    ike_transform_t chosen;
    uint16_t asked_group; /* IKEv2: the DH group INVALID_KE_PAYLOAD asked for */
    uint16_t response_length; /* IKEv2: the ISAKMP length of the first response */
    uint8_t kind; /* ike_kind_t */
    uint8_t n_steps; /* the kind's final step: how many steps[] keeps of each copy */
    uint8_t highest_step;
    uint8_t first_step; /* the step of the first message seen */
    uint8_t nat; /* ike_nat_t: what the NAT-D payloads of MM#3/MM#4 (AM#2/AM#3) say */
    uint8_t n_offered; /* in offered[] */
    uint8_t n_offered_total; /* in the message, may be more */
    uint8_t n_proxy_ids; /* in proxy_ids */
    uint8_t xauth_status; /* Transaction: ike_xauth_status_t of the gateway's SET (keys) */
    bool initiator_is_sa_initiator; /* Quick Mode: sent by the phase-1 initiator? */
    bool initiator_known;
    bool sent_on_500; /* some message of it went over plain UDP 500 */
    bool floated; /* its newest step went over UDP 4500 after others went over 500 */
    bool has_chosen;
    bool pfs_offered; /* QM#1 carried a KE payload */
    bool requester_is_initiator; /* IKEv2: the request came from the original initiator */
    bool ip_fragmented; /* IKEv2: a copy of the request came in IP fragments */
    bool rekeys_ike; /* CREATE_CHILD_SA whose SA payload is for an IKE SA (keys): no IPsec SA */
    ike_result_t *steps[]; /* first copies of steps 1..n_steps, then the latest copies */
};

/* The first or the latest copy of a step, NULL if not seen or not a step of its kind. */
static inline ike_result_t *ike_step_first(const ike_exchange_t *ex, unsigned step)
{
    return step >= 1 && step <= ex->n_steps ? ex->steps[step - 1] : NULL;
}

static inline ike_result_t *ike_step_last(const ike_exchange_t *ex, unsigned step)
{
    return step >= 1 && step <= ex->n_steps ? ex->steps[ex->n_steps + step - 1] : NULL;
}

/* Records a copy of a step of the exchange's kind (steps.c numbers only those). */
static inline void ike_set_step(ike_exchange_t *ex, unsigned step, bool first, ike_result_t *res)
{
    if (step >= 1 && step <= ex->n_steps)
        ex->steps[(first ? 0 : ex->n_steps) + step - 1] = res;
}

struct ike_sa {
    uint64_t icookie; /* first, so the SAs-by-cookie table is a set of SAs */
    uint64_t rcookie;
    ike_sa_t *next_same_cookie;
    ike_exchange_t *exchanges, *last_exchange, *phase1;
    ike_exchange_t *pending_quick; /* Quick Modes not yet complete, oldest first */
    uint32_t number; /* 1, 2, ... in order of first appearance */
    uint32_t first_frame, last_frame;
    uint32_t superseded_in; /* frame of a fresh MM#1/AM#1 between the same peers */
    const ike_sa_t *next_between_peers; /* the next SA the same two addresses began, either way */
    const ike_sa_t *rekey_of; /* IKEv2: the established SA whose CREATE_CHILD_SA made this one */
    uint32_t peer_gone_in; /* first ICMP error quoting its message after phase 1 was done */
    /* Informationals each side sent since the other's last message (DPD with nothing back,
     * RFC 3706 / RFC 7296 2.4), by phase-1 role (0 initiator, 1 responder), and the first. */
    uint16_t lone_infos[2];
    uint32_t lone_since_frame[2];
    double lone_since[2], lone_last[2];
    double first_time, last_time;
    ike_endpoint_t initiator, responder; /* addresses of the phase-1 roles */
    bool roles_known;
    bool phase1_done; /* IKEv2: IKE_AUTH answered, and not refused (keys may tell) */
    bool auth_answered; /* IKEv2: an IKE_AUTH response seen: up as far as headers tell */
    uint8_t version; /* 1 or 2 */
    uint32_t n_quick; /* Quick Modes */
    uint32_t n_of_kind[IKE_KIND_COUNT]; /* exchanges of each kind: their index */
};

bool ike_same_address(const ike_endpoint_t *a, const ike_endpoint_t *b);
/* Order-independent key of two addresses (ports left out). */
uint64_t ike_peers_key(const ike_endpoint_t *a, const ike_endpoint_t *b);
/* The sender's role in the IKE SA (phase-1 roles), unknown when the SA has none. */
ike_role_t ike_sa_role_of(const ike_sa_t *sa, const ike_endpoint_t *sender);
/* Who owes the next message of an exchange. */
ike_role_t ike_next_speaker(const ike_exchange_t *ex);
/* Ties an Informational to the exchange it answers; returns that exchange or NULL. */
ike_exchange_t *ike_attach_informational(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res);
/* An ICMP error quoting a message: evidence for the pending exchange, if any. */
void ike_note_icmp_error(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res);

/* Phase-1 roles from the first message that shows them; false while unknown. */
bool ike_learn_roles(ike_sa_t *sa, const ike_msg_t *msg);

/* steps.c: the message's step, role and state; records it in its exchange. */
void ike_number_message(ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res);
/* Links a message to the request it answers (request_in / response_in). */
void ike_link_request(ike_exchange_t *ex, ike_result_t *res);
/* Offered proposals from step 1, the chosen one from step 2. */
void ike_note_proposals(ike_exchange_t *ex, const ike_msg_t *msg, const ike_result_t *res);
/* What the NAT-D payloads say, once the negotiated hash is known. */
void ike_note_nat_detection(ike_exchange_t *ex, const ike_msg_t *msg);

/* steps.c: records a numbered step in its exchange (first/last copy, links, completion). */
void ike_record_step(ike_exchange_t *ex, ike_result_t *res);

/* ikev2.c: IKEv2 numbering (request/response by the R flag, roles by the I flag), the
 * answers a response carries, the IKE_SA_INIT retry rounds. */
void ike2_number_message(ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res);
/* A new IKE_SA_INIT request after the answer that asked for it (COOKIE, INVALID_KE). */
bool ike2_is_retry(const ike_exchange_t *ex, const ike_msg_t *msg);
void ike2_link_retry(ike_exchange_t *answered, ike_exchange_t *retry, ike_result_t *res);
/* An ICMP error quoting an IKEv2 message: evidence for its exchange `ex` (NULL if not
 * seen), or that the peer of an established SA is gone. */
void ike2_note_icmp_error(ike_sa_t *sa, ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res);

/* liveness.c: an R-U-THERE remembered in `dpd_requests` (dpd_request_t by SA number and
 * sequence, freed with the table), its ACK linked to it; Informationals each side sent
 * since the other's last message (sa->lone_*). */
void ike_link_dpd(GHashTable *dpd_requests, const ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res);
void ike_note_liveness(ike_sa_t *sa, const ike_msg_t *msg);

#endif
