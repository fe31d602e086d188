/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunnel_verdict.c: what a tunnel's traffic says, as data, and its sentence.
 *
 * Owns: the tunnel rule table (state -> cause) and every sentence about a tunnel's ESP,
 * written once for the tree, the views and the JSON.  Must not: count or match ESP
 * (tunnel.c does).  Cause ids are a public interface, like rules.c's.
 */
#include "names.h"
#include "tunnel.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define CHECK_RETURN_PATH                                                                            \
    "On the silent peer: 'show crypto ipsec sa' there (decaps rising, encaps 0: it receives and "   \
    "sends nothing back); its route to the other side's protected network through the tunnel "    \
    "(strongSwan kernel-libipsec: 'ip route show table 220'), its crypto ACL or traffic selector " \
    "for the return traffic, NAT exemption for the VPN traffic (ASA 'nat (inside,outside) source "   \
    "static ...'), its inside firewall and the hosts behind it; on the path back: IP protocol 50 "   \
    "and UDP 4500 from the silent peer."

static const ike_tunnel_rule_t tunnel_rules[] = {
    { IKE_TUNNEL_TWO_WAY, NULL, "ESP both ways", "", "", false },
    { IKE_TUNNEL_ONE_WAY, "one-way-esp", "one-way ESP",
      "the silent peer receives the traffic and sends none back into the tunnel: no route for the "
      "return traffic through the tunnel, a narrower crypto ACL or traffic selector, a missing NAT "
      "exemption, a firewall or a host behind it that does not answer; or its ESP is dropped on the "
      "way back (a firewall or NAT for IP 50 or UDP 4500)",
      CHECK_RETURN_PATH, true },
    { IKE_TUNNEL_ONE_WAY_SO_FAR, NULL, "ESP one way so far", "", "", false },
    { IKE_TUNNEL_NO_TRAFFIC, "no-traffic", "no ESP",
      "nothing sent traffic that matches the tunnel while the capture ran (the capture may simply be "
      "short); or the traffic is not routed into the tunnel on either side",
      "Send traffic that matches the crypto ACL / traffic selectors ('ping' from a host in one "
      "protected network to one in the other) and watch 'show crypto ipsec sa' / 'swanctl --list-sas' "
      "counters.",
      false },
};

static const ike_tunnel_rule_t *rule_for(ike_tunnel_state_t state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tunnel_rules); i++)
        if (tunnel_rules[i].state == state)
            return &tunnel_rules[i];
    return NULL;
}

void ike_tunnel_judge(const ike_tunnels_t *t, const ike_exchange_t *child, const ike_diag_context_t *ctx,
                      ike_tunnel_verdict_t *out)
{
    memset(out, 0, sizeof *out);
    if (!ike_tunnels_child_stats(t, child, IKE_ESP_I_TO_R, &out->dir[IKE_ESP_I_TO_R])
        || !ike_tunnels_child_stats(t, child, IKE_ESP_R_TO_I, &out->dir[IKE_ESP_R_TO_I]))
        return;
    out->frame = ike_tunnels_completed_in(t, child);
    bool to_r = out->dir[IKE_ESP_I_TO_R].packets > 0, to_i = out->dir[IKE_ESP_R_TO_I].packets > 0;
    if (to_r && to_i) {
        out->state = IKE_TUNNEL_TWO_WAY;
    } else if (!to_r && !to_i) {
        out->state = IKE_TUNNEL_NO_TRAFFIC;
    } else {
        const ike_esp_stats_t *seen = &out->dir[to_r ? IKE_ESP_I_TO_R : IKE_ESP_R_TO_I];
        out->silent = to_r ? IKE_ROLE_RESPONDER : IKE_ROLE_INITIATOR;
        bool long_enough = ctx->capture_end - seen->first_time >= ctx->silence_threshold;
        out->state = long_enough ? IKE_TUNNEL_ONE_WAY : IKE_TUNNEL_ONE_WAY_SO_FAR;
    }
    out->rule = rule_for((ike_tunnel_state_t)out->state);
}

/* How much a state asks for a look, for the SA's summary. */
static unsigned concern(ike_tunnel_state_t state)
{
    switch (state) {
    case IKE_TUNNEL_ONE_WAY: return 4;
    case IKE_TUNNEL_NO_TRAFFIC: return 3;
    case IKE_TUNNEL_ONE_WAY_SO_FAR: return 2;
    case IKE_TUNNEL_TWO_WAY: return 1;
    default: return 0;
    }
}

bool ike_tunnel_judge_sa(const ike_tunnels_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx,
                         ike_tunnel_verdict_t *out, const ike_exchange_t **child)
{
    memset(out, 0, sizeof *out);
    *child = NULL;
    for (const ike_exchange_t *ex = sa->exchanges; ex; ex = ex->next_in_sa) {
        ike_tunnel_verdict_t v;
        ike_tunnel_judge(t, ex, ctx, &v);
        if (concern((ike_tunnel_state_t)v.state) > concern((ike_tunnel_state_t)out->state)) {
            *out = v;
            *child = ex;
        }
    }
    return *child != NULL;
}

const char *ike_tunnel_state_name(const ike_tunnel_verdict_t *v)
{
    switch (v->state) {
    case IKE_TUNNEL_TWO_WAY: return "two-way";
    case IKE_TUNNEL_ONE_WAY: return "one-way-esp";
    case IKE_TUNNEL_ONE_WAY_SO_FAR: return "one-way-so-far";
    case IKE_TUNNEL_NO_TRAFFIC: return "no-traffic";
    default: return NULL;
    }
}

const char *ike_esp_dir_name(ike_esp_dir_t dir) { return dir == IKE_ESP_I_TO_R ? "I→R" : "R→I"; }

const char *ike_esp_match_name(ike_esp_match_t match)
{
    return match == IKE_ESP_MATCH_SPI ? "spi" : match == IKE_ESP_MATCH_PEERS ? "peers" : "none";
}

const char *ike_tunnel_counters(const ike_tunnel_verdict_t *v, char *buf, size_t size)
{
    snprintf(buf, size, "encaps %u / decaps %u", v->dir[IKE_ESP_I_TO_R].packets, v->dir[IKE_ESP_R_TO_I].packets);
    return buf;
}

static const char *packets(uint32_t n) { return n == 1 ? "packet" : "packets"; }

const char *ike_tunnel_text(const ike_exchange_t *child, const ike_tunnel_verdict_t *v, char *buf, size_t size)
{
    char name[16], counters[48];
    ike_exchange_name(child, name, sizeof name);
    ike_tunnel_counters(v, counters, sizeof counters);
    const ike_esp_stats_t *to_r = &v->dir[IKE_ESP_I_TO_R], *to_i = &v->dir[IKE_ESP_R_TO_I];
    const ike_esp_stats_t *seen = to_r->packets ? to_r : to_i;
    const char *sender = to_r->packets ? "initiator" : "responder";
    switch (v->state) {
    case IKE_TUNNEL_TWO_WAY:
        snprintf(buf, size, "ESP both ways: %s carried %u %s from its initiator and %u back (%s, as the initiator counts)",
                 name, to_r->packets, packets(to_r->packets), to_i->packets, counters);
        break;
    case IKE_TUNNEL_ONE_WAY:
        snprintf(buf, size,
                 "One-way ESP: %s carried %u %s from its %s and none back from the %s in %.1f s (%s, as the "
                 "initiator counts); likely %s. Check: %s",
                 name, seen->packets, packets(seen->packets), sender, ike_role_name(v->silent),
                 seen->last_time - seen->first_time, counters, v->rule->candidates, v->rule->check);
        break;
    case IKE_TUNNEL_ONE_WAY_SO_FAR:
        snprintf(buf, size, "ESP one way so far: %s carried %u %s from its %s and none back yet (%s)", name,
                 seen->packets, packets(seen->packets), sender, counters);
        break;
    case IKE_TUNNEL_NO_TRAFFIC: {
        /* without keys a CREATE_CHILD_SA that rekeyed the IKE SA shows no protocol */
        bool maybe_ike = child->kind == IKE_KIND_CHILD && !child->child_spi[0] && !child->child_spi[1];
        snprintf(buf, size, "No ESP: %s came up and no ESP crossed it in the capture%s; likely %s. Check: %s", name,
                 maybe_ike ? " (unless, unreadable without keys, it rekeyed the IKE SA)" : "", v->rule->candidates,
                 v->rule->check);
        break;
    }
    default:
        buf[0] = '\0';
    }
    return buf;
}
