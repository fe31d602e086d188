/* SPDX-License-Identifier: GPL-2.0-or-later */
/* builders.h: hand-built IKEv1 messages for the core's unit tests. */
#ifndef IKEDIAG_TEST_BUILDERS_H
#define IKEDIAG_TEST_BUILDERS_H

#include "ike_model.h"

/* Two peers on documentation addresses: A = 198.51.100.1, B = 198.51.100.2. */
enum peer { PEER_A, PEER_B, PEER_C };

typedef struct conv {
    ike_model_t *model;
    uint64_t icookie, rcookie;
    uint32_t frame;
    double time;
    enum peer initiator;
    bool nat_t; /* send on UDP 4500 behind the non-ESP marker */
} conv_t;

void conv_init(conv_t *c, ike_model_t *model, uint64_t icookie, enum peer initiator);

/* Build a message from `from` (PEER_A/B); the digest depends on `content_id`, so the
 * same id twice is a byte-identical resend. */
ike_msg_t msg_make(const conv_t *c, enum peer from, uint8_t exchange_type, uint32_t message_id, uint8_t flags,
                   uint32_t payloads, uint64_t content_id);

/* Send one message through the model, advancing frame and time (dt seconds). */
ike_result_t *send_msg(conv_t *c, enum peer from, ike_msg_t msg, double dt);

/* Main Mode steps 1..6 sent by the right side; step 1 has rcookie 0. */
ike_result_t *send_mm(conv_t *c, unsigned step);
ike_result_t *send_mm_resend(conv_t *c, unsigned step);
ike_result_t *send_am(conv_t *c, unsigned step);
/* Quick Mode step by `from` in the exchange with this message ID. */
ike_result_t *send_qm(conv_t *c, enum peer from, uint32_t message_id, unsigned content);
/* An Informational (new message ID) from `from`, clear with a notify, or encrypted. */
ike_result_t *send_info(conv_t *c, enum peer from, uint32_t message_id, bool encrypted, uint16_t notify);

enum peer other(enum peer p);

/* ---- additions for test_rules.c and test_sequences.c ---------------------------- */

/* The messages send_mm/send_am/send_qm/send_info send, unsent: to adjust a field
 * (rcookie, nat_t, malformed ...) before send_msg. */
ike_msg_t build_mm(const conv_t *c, unsigned step);
ike_msg_t build_am(const conv_t *c, unsigned step);
ike_msg_t build_qm(const conv_t *c, enum peer from, uint32_t message_id, unsigned content);
ike_msg_t build_info(const conv_t *c, enum peer from, uint32_t message_id, bool encrypted, uint16_t notify);
/* An encrypted Informational that the keys decrypted: HASH + N(notify) readable. */
ike_result_t *send_info_read(conv_t *c, enum peer from, uint32_t message_id, uint16_t notify);
/* A Transaction (XAUTH / Mode-Cfg) message, encrypted; same content = same bytes. */
ike_result_t *send_txn(conv_t *c, enum peer from, uint32_t message_id, unsigned content);
/* The same, decrypted by the keys: an Attributes payload of this type, with an
 * XAUTH_STATUS attribute unless status is IKE_XAUTH_NOT_SEEN. */
ike_result_t *send_txn_read(conv_t *c, enum peer from, uint32_t message_id, unsigned content, uint8_t cfg_type,
                            ike_xauth_status_t status);
/* MM#1..MM#6 where MM#2 chooses this phase-1 authentication method (65001: XAUTH PSK). */
void send_phase1_with_auth(conv_t *c, uint16_t auth_method);
/* ---- IKEv2 (RFC 7296) ------------------------------------------------------------ */

/* A request (response false) or response of exchange `type`, message ID `message_id`,
 * from `from`: the I flag when `from` is c->initiator; IKE_SA_INIT in clear (request
 * with rcookie 0), others encrypted (SK) and readable when `read`; one notify if not 0;
 * the same content twice is a byte-identical resend. */
ike_msg_t build_v2(const conv_t *c, enum peer from, uint8_t type, uint32_t message_id, bool response,
                   uint16_t notify, bool read, unsigned content);
ike_result_t *send_v2(conv_t *c, enum peer from, uint8_t type, uint32_t message_id, bool response, uint16_t notify,
                      bool read, unsigned content);
/* IKE_SA_INIT request and response, clear and accepted (frames 1, 2). */
void send_v2_sa_init(conv_t *c);
/* An ICMP error quoting `quoted`, as the glue hands it (in_icmp_error set). */
ike_result_t *send_icmp_quoting(conv_t *c, ike_msg_t quoted, double dt);
/* Interleave two conversations on one capture clock: `to` continues at `from`'s frame
 * and time. */
void conv_follow(conv_t *to, const conv_t *from);

#endif
