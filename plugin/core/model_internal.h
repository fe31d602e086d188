/* model_internal.h: what ike_model.c and answers.c share; not for the glue. */
#ifndef IKEDIAG_MODEL_INTERNAL_H
#define IKEDIAG_MODEL_INTERNAL_H

#include "ike_model.h"

bool ike_same_address(const ike_endpoint_t *a, const ike_endpoint_t *b);
/* The sender's role in the IKE SA (phase-1 roles), unknown when the SA has none. */
ike_role_t ike_sa_role_of(const ike_sa_t *sa, const ike_endpoint_t *sender);
/* Who owes the next message of an exchange. */
ike_role_t ike_next_speaker(const ike_exchange_t *ex);
/* Ties an Informational to the exchange it answers; returns that exchange or NULL. */
ike_exchange_t *ike_attach_informational(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res);
/* An ICMP error quoting a message: evidence for the pending exchange, if any. */
void ike_note_icmp_error(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res);

#endif
