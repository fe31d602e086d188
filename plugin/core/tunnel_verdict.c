/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunnel_verdict.c: what a tunnel's traffic says, as data, and its sentence.
 *
 * Owns: the tunnel rule table (state -> cause) and every sentence about a tunnel's ESP,
 * written once for the tree, the views and the JSON.  Must not: count or match ESP
 * (tunnel.c does).  Cause ids are a public interface, like rules.c's.
 */
#include "model_internal.h"
#include "names.h"
#include "tunnel.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHECK_RETURN_PATH                                                                            \
    "On the silent peer: 'show crypto ipsec sa' there (decaps rising, encaps 0: it receives and "   \
    "sends nothing back); its route to the other side's protected network through the tunnel "    \
    "(strongSwan kernel-libipsec: 'ip route show table 220'), its crypto ACL or traffic selector " \
    "for the return traffic, NAT exemption for the VPN traffic (ASA 'nat (inside,outside) source "   \
    "static ...'), its inside firewall and the hosts behind it; on the path back: IP protocol 50 "   \
    "and UDP 4500 from the silent peer."

#define CHECK_STALE                                                                            \
    "Clear the stale SAs on the side still sending (Cisco 'clear crypto sa peer ADDRESS', "    \
    "strongSwan 'swanctl --terminate --child NAME'), or let DPD find them: DPD on both sides "  \
    "(Cisco 'crypto isakmp keepalive 10 3 periodic', strongSwan 'dpd_delay'); make the "        \
    "restarted side send INITIAL-CONTACT (Cisco does, strongSwan on its first IKE SA with a "   \
    "peer) so the other side drops the old SAs at once."
#define CHECK_DEAD_PEER                                                                        \
    "Is the peer up: its host, its IKE daemon ('show crypto isakmp sa', 'swanctl --list-sas'); " \
    "the path to it for UDP 500/4500 and ESP (routes, firewalls, a NAT that lost the mapping); " \
    "DPD settings on both sides (Cisco 'crypto isakmp keepalive', strongSwan 'dpd_delay' and "  \
    "'dpd_action')."

static const ike_tunnel_rule_t tunnel_rules[] = {
    { IKE_TUNNEL_ANY_STATE, IKE_TUNNEL_EV_INVALID_SPI, "stale-spi", "stale SPI",
      "the side that answered INVALID-SPI has no SA for that SPI any more (a restart, 'clear crypto sa', "
      "a lifetime that ran out there first) while the other side still sends on it",
      CHECK_STALE, true },
    { IKE_TUNNEL_ANY_STATE, IKE_TUNNEL_EV_ESP_AFTER_DELETE, "stale-spi", "stale SPI",
      "one side deleted the SA and the other went on sending on its SPI: the Delete was lost, or "
      "ignored",
      CHECK_STALE, true },
    /* gather_evidence looks for a new SA only while the ESP goes one way */
    { IKE_TUNNEL_ANY_STATE, IKE_TUNNEL_EV_NEW_SA, "stale-spi", "stale SPI",
      "the silent side lost its SAs (a restart, 'clear crypto sa') and negotiates afresh while the "
      "other still sends on the old SPI, which the silent side drops (strongSwan silently, others "
      "with INVALID-SPI)",
      CHECK_STALE, true },
    { IKE_TUNNEL_ANY_STATE, IKE_TUNNEL_EV_PEER_GONE, "dead-peer", "dead peer",
      "the peer's host or IKE daemon went down, or the path to it broke (IKE and ESP stop together)",
      CHECK_DEAD_PEER, true },
    { IKE_TUNNEL_ONE_WAY, IKE_TUNNEL_EV_ANY, "one-way-esp", "one-way ESP",
      "the silent peer receives the traffic and sends none back into the tunnel: no route for the "
      "return traffic through the tunnel, a narrower crypto ACL or traffic selector, a missing NAT "
      "exemption, a firewall or a host behind it that does not answer; or its ESP is dropped on the "
      "way back (a firewall or NAT for IP 50 or UDP 4500)",
      CHECK_RETURN_PATH, true },
    { IKE_TUNNEL_WENT_ONE_WAY, IKE_TUNNEL_EV_ANY, "one-way-esp", "one-way ESP",
      "the return traffic stopped while the other side went on: a route, firewall or host on the "
      "silent side changed, or its ESP is now dropped on the way back",
      CHECK_RETURN_PATH, true },
    { IKE_TUNNEL_NO_TRAFFIC, IKE_TUNNEL_EV_ANY, "no-traffic", "no ESP",
      "nothing sent traffic that matches the tunnel while the capture ran (the capture may simply be "
      "short); or the traffic is not routed into the tunnel on either side",
      "Send traffic that matches the crypto ACL / traffic selectors ('ping' from a host in one "
      "protected network to one in the other) and watch 'show crypto ipsec sa' / 'swanctl --list-sas' "
      "counters.",
      false },
    { IKE_TUNNEL_ANY_STATE, IKE_TUNNEL_EV_ANY, NULL, "", "", "", false }, /* healthy, or too soon */
};

static const ike_tunnel_rule_t *rule_for(ike_tunnel_state_t state, ike_tunnel_evidence_t evidence)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tunnel_rules); i++) {
        const ike_tunnel_rule_t *r = &tunnel_rules[i];
        if ((r->state == IKE_TUNNEL_ANY_STATE || r->state == state)
            && (r->evidence == IKE_TUNNEL_EV_ANY || r->evidence == evidence))
            return r;
    }
    return NULL; /* not reached: the last row takes everything */
}

/* The child's side that is its IKE SA's initiator or responder. */
static ike_role_t child_role_of(const ike_exchange_t *child, ike_role_t sa_role)
{
    bool same = ike_same_address(&child->initiator, &child->sa->initiator);
    return same ? sa_role : sa_role == IKE_ROLE_INITIATOR ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR;
}

static ike_esp_dir_t dir_from(ike_role_t child_role)
{
    return child_role == IKE_ROLE_INITIATOR ? IKE_ESP_I_TO_R : IKE_ESP_R_TO_I;
}

/* From the ESP alone: both ways, one way, one way after both, none. */
static void judge_state(ike_tunnel_verdict_t *v, const ike_diag_context_t *ctx)
{
    const ike_esp_stats_t *to_r = &v->dir[IKE_ESP_I_TO_R], *to_i = &v->dir[IKE_ESP_R_TO_I];
    if (!to_r->packets && !to_i->packets) {
        v->state = IKE_TUNNEL_NO_TRAFFIC;
    } else if (to_r->packets && to_i->packets) {
        /* both ways; then one side stopped while the other went on for the threshold */
        double gap = to_r->last_time - to_i->last_time;
        v->state = fabs(gap) >= ctx->silence_threshold ? IKE_TUNNEL_WENT_ONE_WAY : IKE_TUNNEL_TWO_WAY;
        v->silent = gap > 0 ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR;
    } else {
        const ike_esp_stats_t *seen = to_r->packets ? to_r : to_i;
        v->silent = to_r->packets ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR;
        bool long_enough = ctx->capture_end - seen->first_time >= ctx->silence_threshold;
        v->state = long_enough ? IKE_TUNNEL_ONE_WAY : IKE_TUNNEL_ONE_WAY_SO_FAR;
    }
}

/* One way on this child, and the other way on a sibling under the same IKE SA at the same
 * time: after a simultaneous initiation each side sends on the child it installed last
 * (RFC 2409 leaves duplicate SAs to the peers), so the tunnel works both ways. */
static void pair_with_sibling(const ike_tunnels_t *t, const ike_exchange_t *child, ike_tunnel_verdict_t *v,
                              const ike_diag_context_t *ctx)
{
    bool one_way = v->state == IKE_TUNNEL_ONE_WAY || v->state == IKE_TUNNEL_ONE_WAY_SO_FAR;
    if (!one_way || v->ambiguous)
        return;
    const ike_esp_stats_t *seen = &v->dir[dir_from(v->silent) == IKE_ESP_I_TO_R ? IKE_ESP_R_TO_I : IKE_ESP_I_TO_R];
    const ike_endpoint_t *silent = v->silent == IKE_ROLE_INITIATOR ? &child->initiator : NULL;
    for (const ike_exchange_t *ex = child->sa->exchanges; ex; ex = ex->next_in_sa) {
        ike_esp_stats_t back;
        if (ex == child || !ex->initiator_known)
            continue;
        bool silent_began_it = silent ? ike_same_address(&ex->initiator, silent)
                                      : !ike_same_address(&ex->initiator, &child->initiator);
        ike_esp_dir_t from_silent = silent_began_it ? IKE_ESP_I_TO_R : IKE_ESP_R_TO_I;
        if (!ike_tunnels_child_stats(t, ex, from_silent, &back) || !back.packets)
            continue;
        bool overlap = back.first_time <= seen->last_time + ctx->silence_threshold
            && back.last_time + ctx->silence_threshold >= seen->first_time;
        if (overlap) {
            v->state = IKE_TUNNEL_TWO_WAY;
            v->paired_with = ex;
            return;
        }
    }
}

static uint32_t last_esp_frame(const ike_tunnel_verdict_t *v)
{
    return MAX(v->dir[0].last_frame, v->dir[1].last_frame);
}

#define DPD_MIN_INTERVAL 1.0 /* seconds */

/* A side of the IKE SA that sent two Informationals or more with nothing back since, and
 * nothing from the other side after them, ESP included; or an ICMP error from its peer. */
static bool peer_gone(const ike_exchange_t *child, ike_tunnel_verdict_t *v)
{
    const ike_sa_t *sa = child->sa;
    for (unsigned talker = 0; talker < 2; talker++) {
        /* DPD asks at an interval (RFC 3706 leaves it to the peers; a second or more): a
         * burst of Informationals is a teardown's Deletes, which nobody answers in IKEv1 */
        if (sa->lone_infos[talker] < 2 || sa->lone_last[talker] - sa->lone_since[talker] < DPD_MIN_INTERVAL)
            continue;
        ike_role_t quiet = child_role_of(child, talker == 0 ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR);
        const ike_esp_stats_t *from_quiet = &v->dir[dir_from(quiet)];
        if (from_quiet->packets && from_quiet->last_time >= sa->lone_since[talker])
            continue;
        v->silent = quiet;
        v->evidence_frame = sa->lone_since_frame[talker];
        return true;
    }
    if (sa->peer_gone_in) {
        v->evidence_frame = sa->peer_gone_in;
        return true;
    }
    return false;
}

/* The silent side began a new IKE SA with the same peer while its old SPIs were in use. */
static bool new_sa_by_silent(const ike_exchange_t *child, ike_tunnel_verdict_t *v)
{
    const ike_sa_t *later = child->sa->next_between_peers;
    const ike_endpoint_t *silent = v->silent == IKE_ROLE_INITIATOR ? &child->initiator : NULL;
    for (unsigned n = 0; later && n < 8; later = later->next_between_peers, n++) {
        bool by_silent = silent ? ike_same_address(&later->initiator, silent)
                                : !ike_same_address(&later->initiator, &child->initiator);
        if (later->roles_known && by_silent && later->first_frame < last_esp_frame(v)) {
            v->evidence_frame = later->first_frame;
            return true;
        }
    }
    return false;
}

static void gather_evidence(const ike_tunnels_t *t, const ike_exchange_t *child, ike_tunnel_verdict_t *v)
{
    uint32_t invalid = ike_tunnels_invalid_spi_in(t, child), deleted = ike_tunnels_deleted_in(t, child);
    bool one_way = v->state == IKE_TUNNEL_ONE_WAY || v->state == IKE_TUNNEL_WENT_ONE_WAY;
    if (invalid) {
        v->evidence = IKE_TUNNEL_EV_INVALID_SPI;
        v->evidence_frame = invalid;
    } else if (deleted && last_esp_frame(v) > deleted) {
        v->evidence = IKE_TUNNEL_EV_ESP_AFTER_DELETE;
        v->evidence_frame = deleted;
    } else if (one_way && new_sa_by_silent(child, v)) {
        v->evidence = IKE_TUNNEL_EV_NEW_SA;
    } else if (peer_gone(child, v)) {
        v->evidence = IKE_TUNNEL_EV_PEER_GONE;
    } else if (deleted) {
        v->evidence = IKE_TUNNEL_EV_DELETED;
        v->evidence_frame = deleted;
    }
}

void ike_tunnel_judge(const ike_tunnels_t *t, const ike_exchange_t *child, const ike_diag_context_t *ctx,
                      ike_tunnel_verdict_t *out)
{
    memset(out, 0, sizeof *out);
    if (!ike_tunnels_child_stats(t, child, IKE_ESP_I_TO_R, &out->dir[IKE_ESP_I_TO_R])
        || !ike_tunnels_child_stats(t, child, IKE_ESP_R_TO_I, &out->dir[IKE_ESP_R_TO_I]))
        return;
    /* an answer that looked like an acceptance but that the diagnosis reads as a refusal
     * (an IKEv2 IKE_AUTH too small to accept, without keys) made no tunnel */
    ike_verdict_t negotiation;
    ike_diagnose(child, ctx, &negotiation);
    if (negotiation.outcome == IKE_OUTCOME_STALLED) {
        memset(out, 0, sizeof *out);
        return;
    }
    out->frame = ike_tunnels_completed_in(t, child);
    judge_state(out, ctx);
    out->ambiguous = ike_tunnels_child_ambiguous(t, child);
    pair_with_sibling(t, child, out, ctx);
    gather_evidence(t, child, out);
    out->rule = rule_for((ike_tunnel_state_t)out->state, (ike_tunnel_evidence_t)out->evidence);
}

/* How much a state asks for a look, for the SA's summary. */
static unsigned concern(const ike_tunnel_verdict_t *v)
{
    if (v->rule && v->rule->cause)
        return v->rule->warn ? 5 : 4;
    return v->state == IKE_TUNNEL_ONE_WAY_SO_FAR ? 2 : v->state ? 1 : 0;
}

bool ike_tunnel_judge_sa(const ike_tunnels_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx,
                         ike_tunnel_verdict_t *out, const ike_exchange_t **child)
{
    memset(out, 0, sizeof *out);
    *child = NULL;
    for (const ike_exchange_t *ex = sa->exchanges; ex; ex = ex->next_in_sa) {
        ike_tunnel_verdict_t v;
        ike_tunnel_judge(t, ex, ctx, &v);
        if (concern(&v) > concern(out)) {
            *out = v;
            *child = ex;
        }
    }
    return *child != NULL;
}

const char *ike_tunnel_state_name(const ike_tunnel_verdict_t *v)
{
    if (v->rule && v->rule->cause)
        return v->rule->cause;
    switch (v->state) {
    case IKE_TUNNEL_TWO_WAY: return "two-way";
    case IKE_TUNNEL_ONE_WAY_SO_FAR: return "one-way-so-far";
    case IKE_TUNNEL_NOT_A_TUNNEL: return NULL;
    default: return "two-way";
    }
}

const char *ike_esp_dir_name(ike_esp_dir_t dir) { return dir == IKE_ESP_I_TO_R ? "I→R" : "R→I"; }

const char *ike_esp_match_name(ike_esp_match_t match)
{
    static const char *const names[] = { "none", "spi", "peers", "ambiguous" };
    return (unsigned)match < G_N_ELEMENTS(names) ? names[match] : "none";
}

const char *ike_tunnel_counters(const ike_tunnel_verdict_t *v, char *buf, size_t size)
{
    snprintf(buf, size, "encaps %u / decaps %u", v->dir[IKE_ESP_I_TO_R].packets, v->dir[IKE_ESP_R_TO_I].packets);
    return buf;
}

static const char *packets(uint32_t n) { return n == 1 ? "packet" : "packets"; }

static const char *other_role_name(ike_role_t role)
{
    return ike_role_name(role == IKE_ROLE_INITIATOR ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR);
}

/* "the responder answered INVALID-SPI in frame 31" ... for the evidence; "" if none. */
static const char *evidence_words(const ike_tunnel_verdict_t *v, const ike_exchange_t *child, char *buf, size_t size)
{
    const ike_sa_t *sa = child->sa;
    unsigned talker = v->silent == child_role_of(child, IKE_ROLE_INITIATOR) ? 1 : 0;
    switch (v->evidence) {
    case IKE_TUNNEL_EV_INVALID_SPI:
        snprintf(buf, size, "; INVALID-SPI came back in frame %u", v->evidence_frame);
        break;
    case IKE_TUNNEL_EV_ESP_AFTER_DELETE:
        snprintf(buf, size, "; ESP went on after the Delete in frame %u", v->evidence_frame);
        break;
    case IKE_TUNNEL_EV_NEW_SA:
        snprintf(buf, size, "; the %s began a new IKE SA in frame %u while ESP still came on the old SPI",
                 ike_role_name(v->silent), v->evidence_frame);
        break;
    case IKE_TUNNEL_EV_PEER_GONE:
        if (sa->lone_infos[talker] >= 2)
            snprintf(buf, size, "; %u Informationals (DPD) from the %s since frame %u got nothing back",
                     sa->lone_infos[talker], other_role_name(v->silent), v->evidence_frame);
        else
            snprintf(buf, size, "; the peer's host answered ICMP unreachable in frame %u", v->evidence_frame);
        break;
    case IKE_TUNNEL_EV_DELETED:
        snprintf(buf, size, "; a Delete ended it in frame %u", v->evidence_frame);
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

/* What the ESP did, in a clause: "QM1 carried 8 packets from its initiator and none back
 * from the responder in 15.2 s" ... */
static void traffic_words(const ike_exchange_t *child, const ike_tunnel_verdict_t *v, char *buf, size_t size)
{
    char name[16];
    ike_exchange_name(child, name, sizeof name);
    const ike_esp_stats_t *to_r = &v->dir[IKE_ESP_I_TO_R], *to_i = &v->dir[IKE_ESP_R_TO_I];
    const ike_esp_stats_t *from_silent = &v->dir[dir_from(v->silent)];
    const ike_esp_stats_t *from_other = &v->dir[dir_from(v->silent) == IKE_ESP_I_TO_R ? IKE_ESP_R_TO_I : IKE_ESP_I_TO_R];
    switch (v->state) {
    case IKE_TUNNEL_NO_TRAFFIC:
        snprintf(buf, size, "%s came up and no ESP crossed it in the capture", name);
        break;
    case IKE_TUNNEL_ONE_WAY:
    case IKE_TUNNEL_ONE_WAY_SO_FAR:
        snprintf(buf, size, "%s carried %u %s from its %s and none back from the %s in %.1f s", name,
                 from_other->packets, packets(from_other->packets), other_role_name(v->silent),
                 ike_role_name(v->silent), from_other->last_time - from_other->first_time);
        break;
    case IKE_TUNNEL_WENT_ONE_WAY:
        snprintf(buf, size, "%s carried ESP both ways until frame %u, then only from its %s (%u %s in all)", name,
                 from_silent->last_frame, other_role_name(v->silent), from_other->packets,
                 packets(from_other->packets));
        break;
    default:
        if (v->paired_with) {
            char other[16];
            snprintf(buf, size, "%s carried %u %s from its initiator and %u back, and the other way went on %s (each "
                     "side sends on the child it installed last)", name, to_r->packets, packets(to_r->packets),
                     to_i->packets, ike_exchange_name(v->paired_with, other, sizeof other));
        } else {
            snprintf(buf, size, "%s carried %u %s from its initiator and %u back", name, to_r->packets,
                     packets(to_r->packets), to_i->packets);
        }
    }
    if (v->ambiguous) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, " (without keys: the ESP of all the children between these peers that "
                 "waited for traffic together; the SPIs do not tell which carried it)");
    }
}

const char *ike_tunnel_text(const ike_exchange_t *child, const ike_tunnel_verdict_t *v, char *buf, size_t size)
{
    if (!v->rule) {
        buf[0] = '\0';
        return buf;
    }
    char traffic[192], counters[48], evidence[160];
    traffic_words(child, v, traffic, sizeof traffic);
    ike_tunnel_counters(v, counters, sizeof counters);
    evidence_words(v, child, evidence, sizeof evidence);
    const ike_tunnel_rule_t *r = v->rule;
    if (!r->cause) { /* healthy, or too soon to tell */
        snprintf(buf, size, "%s: %s (%s, as the initiator counts)%s",
                 v->state == IKE_TUNNEL_ONE_WAY_SO_FAR ? "ESP one way so far" : "ESP both ways", traffic, counters,
                 evidence);
        return buf;
    }
    /* without keys an IKEv2 answer hides whether it refused the child (TS_UNACCEPTABLE,
     * NO_PROPOSAL_CHOSEN inside an accepted IKE_AUTH), and a CREATE_CHILD_SA its protocol */
    bool unread = v->state == IKE_TUNNEL_NO_TRAFFIC && ike_kind_version((ike_kind_t)child->kind) == 2
        && !child->child_spi[0] && !child->child_spi[1];
    const char *hedge = !unread ? ""
        : child->kind == IKE_KIND_CHILD ? " (unless, unreadable without keys, its answer refused the child or it rekeyed the IKE SA)"
                                        : " (unless, unreadable without keys, its answer refused the child)";
    char summary[32];
    g_strlcpy(summary, r->summary, sizeof summary);
    summary[0] = g_ascii_toupper(summary[0]);
    snprintf(buf, size, "%s: %s (%s, as the initiator counts)%s%s; likely %s. Check: %s", summary, traffic, counters,
             evidence, hedge, r->candidates,
             r->check);
    return buf;
}
