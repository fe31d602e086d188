/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunnel.h: the IPsec SAs a negotiation made, and the ESP that crossed them.
 *
 * Each completed child (a Quick Mode, the child of IKE_AUTH, a CREATE_CHILD_SA) has two
 * IPsec SAs, one per direction.  ESP frames are tied to them by SPI when the keys let the
 * negotiation show its SPIs (IKEv1 QM#1/QM#2, IKEv2 SA payloads), else by the peers'
 * addresses: a new SPI between two peers belongs to the newest child between them whose
 * direction has none yet.  Per direction: packets, bytes, first and last frame, sequence
 * numbers missing.  Then the tunnel's verdict: two-way, one-way (which side is silent),
 * no traffic.  The types are opaque: the glue reads them through the functions below.
 */
#ifndef IKEDIAG_TUNNEL_H
#define IKEDIAG_TUNNEL_H

#include "diagnose.h"
#include "ike_model.h"

#include <stddef.h>

typedef enum ike_esp_match {
    IKE_ESP_MATCH_NONE = 0, /* no negotiation in the capture made this SPI */
    IKE_ESP_MATCH_SPI, /* the negotiation's own SPI (read with keys) */
    IKE_ESP_MATCH_PEERS, /* a new SPI between the child's peers, after it completed */
    IKE_ESP_MATCH_AMBIGUOUS, /* the same, with several such children: given to the newest */
} ike_esp_match_t;

typedef enum ike_esp_dir {
    IKE_ESP_I_TO_R = 0, /* from the child's initiator (QM#1's or the request's sender) */
    IKE_ESP_R_TO_I = 1,
} ike_esp_dir_t;

typedef struct ike_esp_flow ike_esp_flow_t; /* one SPI toward one address */
typedef struct ike_tunnels ike_tunnels_t; /* a model's children and flows */

typedef struct ike_esp_stats {
    uint32_t packets, first_frame, last_frame;
    uint64_t bytes;
    double first_time, last_time;
    uint32_t missing; /* sequence numbers skipped (lost before the capture point, or reordered) */
} ike_esp_stats_t;

ike_tunnels_t *ike_tunnels_new(void);
void ike_tunnels_free(ike_tunnels_t *tunnels);

/* Called by the model: a child completed (the final message of a Quick Mode, an IKE_AUTH
 * or CREATE_CHILD_SA response that refused nothing). */
void ike_tunnels_note_child(ike_tunnels_t *tunnels, const ike_exchange_t *child);
/* Called by the model: an SPI read after the child completed (the last SKF fragment). */
void ike_tunnels_note_child_spi(ike_tunnels_t *tunnels, const ike_exchange_t *child);
/* Called by the model: a new IKE SA came out of `old`'s newest CREATE_CHILD_SA, which was
 * therefore an IKE SA rekey and made no IPsec SA (unless ESP already crossed it). */
void ike_tunnels_note_ike_rekey(ike_tunnels_t *tunnels, const ike_sa_t *old);

/* Called by the model: a readable Delete (keys) ends the children whose SPIs it lists; an
 * INVALID-SPI notify (IKEv1 11, IKEv2 INVALID_SPI) says its sender has no SA for one. */
void ike_tunnels_note_delete(ike_tunnels_t *tunnels, const ike_msg_t *msg);
void ike_tunnels_note_invalid_spi(ike_tunnels_t *tunnels, const ike_msg_t *msg);
/* Their frames for a child, 0 if none. */
uint32_t ike_tunnels_deleted_in(const ike_tunnels_t *tunnels, const ike_exchange_t *child);
uint32_t ike_tunnels_invalid_spi_in(const ike_tunnels_t *tunnels, const ike_exchange_t *child);

/* First pass: count an ESP frame; its flow (NULL when nothing could be tied). */
const ike_esp_flow_t *ike_tunnels_add_esp(ike_tunnels_t *tunnels, const ike_esp_msg_t *esp);
/* Any pass: the flow of an ESP frame counted before, NULL if none. */
const ike_esp_flow_t *ike_tunnels_find(const ike_tunnels_t *tunnels, const ike_esp_msg_t *esp);

const ike_exchange_t *ike_esp_flow_child(const ike_esp_flow_t *flow); /* NULL: no match */
ike_esp_dir_t ike_esp_flow_dir(const ike_esp_flow_t *flow);
ike_esp_match_t ike_esp_flow_match(const ike_esp_flow_t *flow);
uint32_t ike_esp_flow_spi(const ike_esp_flow_t *flow);
/* The frame that made the SPI known: the message that carried it (keys), else the one that
 * completed the child. */
uint32_t ike_esp_flow_negotiated_in(const ike_esp_flow_t *flow);
void ike_esp_flow_stats(const ike_esp_flow_t *flow, ike_esp_stats_t *out);

/* A child's traffic in one direction, all its flows together (a child has one SPI per
 * direction; more means the peers rekeyed without a negotiation in the capture).  False
 * when the child is not a tunnel (not complete, or an IKE SA rekey). */
bool ike_tunnels_child_stats(const ike_tunnels_t *tunnels, const ike_exchange_t *child, ike_esp_dir_t dir,
                             ike_esp_stats_t *out);
/* A rekey, seen in the ESP: this child was negotiated while an older one between the same
 * peers carried ESP, and that ESP stopped within `window` seconds of this one's first
 * (overlapping use is normal) while this one went on; with keys, Quick Modes with other
 * proxy IDs are parallel children, never a rekey.  Fills the older child's last ESP frame and this one's first; false if none. */
bool ike_tunnels_replaces(const ike_tunnels_t *tunnels, const ike_exchange_t *child, double window,
                          uint32_t *old_last, uint32_t *new_first);
/* The same from the older side: the newer child that replaced this one, its first ESP
 * frame and this one's last. */
bool ike_tunnels_replaced_by(const ike_tunnels_t *tunnels, const ike_exchange_t *child, double window,
                             uint32_t *old_last, uint32_t *new_first);

/* The frame that completed a child the tunnels know, 0 otherwise. */
uint32_t ike_tunnels_completed_in(const ike_tunnels_t *tunnels, const ike_exchange_t *child);
/* ESP frames no child could be given. */
uint32_t ike_tunnels_unmatched(const ike_tunnels_t *tunnels);

/* The verdict on a tunnel's traffic: state x evidence -> cause, one table
 * (tunnel_verdict.c) like rules.c's. */
typedef enum ike_tunnel_state {
    IKE_TUNNEL_NOT_A_TUNNEL = 0, /* not a complete child */
    IKE_TUNNEL_TWO_WAY,
    IKE_TUNNEL_ONE_WAY, /* one direction only, for longer than the silence threshold */
    IKE_TUNNEL_ONE_WAY_SO_FAR, /* one direction only, too short a time to judge */
    IKE_TUNNEL_NO_TRAFFIC,
    IKE_TUNNEL_WENT_ONE_WAY, /* both ways, then one side stopped while the other went on */
    IKE_TUNNEL_ANY_STATE, /* rule tables only */
} ike_tunnel_state_t;

/* What else the capture shows about the child's life, strongest first. */
typedef enum ike_tunnel_evidence {
    IKE_TUNNEL_EV_NONE = 0,
    IKE_TUNNEL_EV_INVALID_SPI, /* the silent side answered the ESP with INVALID-SPI */
    IKE_TUNNEL_EV_ESP_AFTER_DELETE, /* ESP went on after a Delete of the child (keys) */
    IKE_TUNNEL_EV_NEW_SA, /* the silent side began a new IKE SA while the ESP went one way */
    IKE_TUNNEL_EV_PEER_GONE, /* DPD or other Informationals unanswered, or ICMP: the peer is gone */
    IKE_TUNNEL_EV_DELETED, /* a Delete ended it, and the ESP with it */
    IKE_TUNNEL_EV_ANY, /* rule tables only */
} ike_tunnel_evidence_t;

typedef struct ike_tunnel_rule {
    uint8_t state; /* ike_tunnel_state_t, or ANY_STATE */
    uint8_t evidence; /* ike_tunnel_evidence_t, or EV_ANY */
    const char *cause; /* public id: "one-way-esp", "no-traffic"; NULL for a healthy state */
    const char *summary;
    const char *candidates;
    const char *check;
    bool warn; /* a warning; else a note */
} ike_tunnel_rule_t;

typedef struct ike_tunnel_verdict {
    uint8_t state; /* ike_tunnel_state_t */
    uint8_t evidence; /* ike_tunnel_evidence_t */
    uint32_t evidence_frame; /* the frame that shows it, 0 if none */
    ike_role_t silent; /* ONE_WAY, WENT_ONE_WAY, PEER_GONE: the child's side that went quiet */
    bool ambiguous; /* without keys: the ESP of all the children between these peers that could be its */
    const ike_exchange_t *paired_with; /* TWO_WAY across two children: the one the other way went on */
    ike_esp_stats_t dir[2]; /* by ike_esp_dir_t */
    uint32_t frame; /* where to show it: the frame that completed the child */
    const ike_tunnel_rule_t *rule; /* NULL for NOT_A_TUNNEL */
} ike_tunnel_verdict_t;

void ike_tunnel_judge(const ike_tunnels_t *tunnels, const ike_exchange_t *child, const ike_diag_context_t *ctx,
                      ike_tunnel_verdict_t *out);
/* The SA's worst tunnel (one-way, then no traffic, then one-way so far, then two-way) and
 * its child; false when the SA completed no child. */
bool ike_tunnel_judge_sa(const ike_tunnels_t *tunnels, const ike_sa_t *sa, const ike_diag_context_t *ctx,
                         ike_tunnel_verdict_t *out, const ike_exchange_t **child);
/* "two-way", "one-way-esp", "one-way-so-far", "no-traffic", "went-one-way" */
const char *ike_tunnel_state_name(const ike_tunnel_verdict_t *v);
/* The sentence, written once for every view: "One-way ESP: QM1 carried 8 packets from the
 * initiator 198.51.100.1 and none back in 14.2 s; likely ... Check: ..." */
const char *ike_tunnel_text(const ike_exchange_t *child, const ike_tunnel_verdict_t *v, char *buf, size_t size);
/* Cisco's counters as the child's initiator would show them: "encaps 8 / decaps 0". */
const char *ike_tunnel_counters(const ike_tunnel_verdict_t *v, char *buf, size_t size);
/* "I→R" / "R→I" */
const char *ike_esp_dir_name(ike_esp_dir_t dir);
const char *ike_esp_match_name(ike_esp_match_t match); /* "spi", "peers", "ambiguous", "none" */
/* Without keys, ESP between the child's peers that could as well be another child's (several
 * complete children waited for their first ESP): its verdict is the group's. */
bool ike_tunnels_child_ambiguous(const ike_tunnels_t *tunnels, const ike_exchange_t *child);

#endif
