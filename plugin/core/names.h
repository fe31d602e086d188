/* SPDX-License-Identifier: GPL-2.0-or-later */
/* names.h: the words ikediag prints for model values (labels, roles, states, notifies). */
#ifndef IKEDIAG_NAMES_H
#define IKEDIAG_NAMES_H

#include "ike_model.h"

#include <stddef.h>

/* "MM#3", "QM#2", "INFO", "TXN", "AM#?" into buf; returns buf. */
const char *ike_label(const ike_result_t *res, char *buf, size_t size);
/* "MM#5" for a step of a kind. */
const char *ike_step_label(ike_kind_t kind, unsigned step, char *buf, size_t size);
/* An exchange's name in its SA: MM, AM, QM1, QM2 ..., TXN1 ... (numbered within the SA,
 * in order of first appearance), INFO. */
const char *ike_exchange_name(const ike_exchange_t *ex, char *buf, size_t size);
/* The stall point of a verdict: a step label, or XAUTH for a Transaction exchange. */
const char *ike_stall_label(ike_kind_t kind, unsigned stall_step, char *buf, size_t size);
const char *ike_kind_name(ike_kind_t kind); /* "Main Mode" ... */
const char *ike_kind_abbrev(ike_kind_t kind); /* "MM", "AM", "QM", "INFO", "TXN" */
const char *ike_role_name(ike_role_t role); /* "initiator", "responder" */
const char *ike_cisco_state_name(ike_cisco_state_t state);
/* RFC 2408 section 3.14.1 names (not IKEv2's), NULL when unknown. */
const char *ike_notify_name(unsigned code);
/* IKEv2's notify names (RFC 7296 3.10.1), NULL when unknown. */
const char *ike2_notify_name(unsigned code);
/* The name in the registry of that IKE version. */
const char *ike_version_notify_name(unsigned version, unsigned code);
const char *ike_exchange_type_name(unsigned type);

#endif
