/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_internal.h: what ike_model.c, steps.c and answers.c share; not for the glue. */
#ifndef IKEDIAG_MODEL_INTERNAL_H
#define IKEDIAG_MODEL_INTERNAL_H

#include "ike_model.h"

#include <glib.h>

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
