/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_esp.c: the tunnel's life in the tree: ESP frames tied to their child, and the
 * tunnel's verdict on the frame that completed the child.
 *
 * Owns: the ikediag.child, ikediag.esp.* and ikediag.tunnel.* fields and the tunnel
 * expert infos (a public interface).  Must not: count or match ESP (core/tunnel.c), or
 * write a sentence of its own (core/tunnel_verdict.c writes them).
 */
#include "render.h"

#include <epan/expert.h>
#include <epan/proto.h>
#include <string.h>

#include "core/names.h"
#include "core/tunnel.h"

static int proto_ikediag = -1;
static int hf_child = -1, hf_esp_dir = -1, hf_esp_negotiated_in = -1, hf_esp_match = -1;
static int hf_tunnel = -1, hf_tunnel_text = -1, hf_tunnel_encaps = -1, hf_tunnel_decaps = -1;
static int hf_tunnel_first_esp = -1, hf_tunnel_missing = -1, hf_tunnel_likely = -1, hf_tunnel_check = -1;
static gint ett_esp = -1, ett_tunnel_text = -1;
static expert_field ei_one_way = EI_INIT, ei_no_traffic = EI_INIT, ei_stale_spi = EI_INIT, ei_dead_peer = EI_INIT;
static expert_field ei_after_delete = EI_INIT;
static int hf_esp_after_delete = -1, hf_esp_replaces = -1, hf_esp_replaced_by = -1;

void render_esp_register_fields(int proto)
{
    static hf_register_info hf[] = {
        { &hf_child, { "Child SA", "ikediag.child", FT_STRING, BASE_NONE, NULL, 0, "The exchange that negotiated this ESP's SPI: QM1, QM2 ... (IKEv1), AUTH, CHILD1 ... (IKEv2), within ikediag.sa", HFILL } },
        { &hf_esp_dir, { "ESP direction", "ikediag.esp.dir", FT_STRING, BASE_NONE, NULL, 0, "I→R from the child's initiator (QM#1's or the request's sender), R→I back", HFILL } },
        { &hf_esp_negotiated_in, { "SPI negotiated in", "ikediag.esp.negotiated_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "The message that carried this SPI (keys), else the one that completed the child", HFILL } },
        { &hf_esp_match, { "Matched by", "ikediag.esp.match", FT_STRING, BASE_NONE, NULL, 0, "spi: the negotiation's own SPI (read with keys); peers: a new SPI between the child's peers after it completed; none: no negotiation in the capture made it", HFILL } },
        { &hf_tunnel, { "Tunnel", "ikediag.tunnel", FT_STRING, BASE_NONE, NULL, 0, "The child's ESP: two-way, one-way-esp, one-way-so-far, no-traffic", HFILL } },
        { &hf_tunnel_text, { "Tunnel, in words", "ikediag.tunnel.text", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tunnel_likely, { "Likely", "ikediag.tunnel.likely", FT_STRING, BASE_NONE, NULL, 0, "What the tunnel's cause could be, which one capture cannot tell apart", HFILL } },
        { &hf_tunnel_check, { "What to check", "ikediag.tunnel.check", FT_STRING, BASE_NONE, NULL, 0, "Where to look, in Cisco and strongSwan terms", HFILL } },
        { &hf_tunnel_encaps, { "Encaps", "ikediag.tunnel.encaps", FT_UINT32, BASE_DEC, NULL, 0, "ESP packets from the child's initiator, as its 'show crypto ipsec sa' would count them", HFILL } },
        { &hf_tunnel_decaps, { "Decaps", "ikediag.tunnel.decaps", FT_UINT32, BASE_DEC, NULL, 0, "ESP packets back to the child's initiator", HFILL } },
        { &hf_tunnel_first_esp, { "First ESP", "ikediag.tunnel.first_esp", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "The first ESP frame of this child, either way", HFILL } },
        { &hf_esp_after_delete, { "After the Delete in", "ikediag.esp.after_delete", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "This ESP comes after a Delete (read with keys) ended its SA", HFILL } },
        { &hf_esp_replaces, { "Replaces the ESP ending in", "ikediag.esp.replaces", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "On a rekeyed child's first ESP frame: the last ESP frame of the child it replaced", HFILL } },
        { &hf_esp_replaced_by, { "Replaced by the ESP from", "ikediag.esp.replaced_by", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "On a child's last ESP frame: the first ESP frame of the child that replaced it (a rekey)", HFILL } },
        { &hf_tunnel_missing, { "ESP missing", "ikediag.tunnel.missing", FT_UINT32, BASE_DEC, NULL, 0, "Sequence numbers skipped, both ways: ESP lost before the capture point, or reordered (RFC 4303 3.3.3)", HFILL } },
    };
    static gint *ett[] = { &ett_esp, &ett_tunnel_text };
    static ei_register_info ei[] = {
        { &ei_one_way, { "ikediag.one_way_esp", PI_SEQUENCE, PI_WARN, "One-way ESP: nothing comes back through the tunnel", EXPFILL } },
        { &ei_no_traffic, { "ikediag.no_traffic", PI_SEQUENCE, PI_NOTE, "Tunnel up, no ESP in the capture", EXPFILL } },
        { &ei_stale_spi, { "ikediag.stale_spi", PI_SEQUENCE, PI_WARN, "Stale SPI: ESP on an SA the other side no longer has", EXPFILL } },
        { &ei_dead_peer, { "ikediag.dead_peer", PI_SEQUENCE, PI_WARN, "Dead peer: the tunnel's far side stopped answering", EXPFILL } },
        { &ei_after_delete, { "ikediag.esp_after_delete", PI_SEQUENCE, PI_NOTE, "ESP after its SA was deleted", EXPFILL } },
    };
    proto_ikediag = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}

static void add_string(proto_tree *tree, int hf, const char *value)
{
    proto_item_set_generated(proto_tree_add_string(tree, hf, NULL, 0, 0, value));
}

static void add_uint(proto_tree *tree, int hf, guint32 value)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf, NULL, 0, 0, value));
}

/* A rekey in the ESP: this child's first frame links back, the old child's last forward. */
static void render_rekey_links(packet_info *pinfo, proto_tree *st, const ike_tunnels_t *tunnels,
                               const ike_exchange_t *child, double window)
{
    guint32 old_last, new_first;
    if (ike_tunnels_replaces(tunnels, child, window, &old_last, &new_first) && new_first == pinfo->num)
        add_uint(st, hf_esp_replaces, old_last);
    if (ike_tunnels_replaced_by(tunnels, child, window, &old_last, &new_first) && old_last == pinfo->num)
        add_uint(st, hf_esp_replaced_by, new_first);
}

void render_esp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ike_tunnels_t *tunnels,
                const ike_esp_flow_t *flow, double window)
{
    const ike_exchange_t *owner = ike_esp_flow_child(flow);
    guint32 deleted_in = owner ? ike_tunnels_deleted_in(tunnels, owner) : 0;
    proto_item *ti = proto_tree_add_item(tree, proto_ikediag, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    proto_tree *st = proto_item_add_subtree(ti, ett_esp);
    const ike_exchange_t *child = ike_esp_flow_child(flow);
    const char *dir = ike_esp_dir_name(ike_esp_flow_dir(flow));
    char name[16];
    if (child) {
        ike_exchange_name(child, name, sizeof name);
        proto_item_append_text(ti, ": ESP of SA %u %s %s", ike_sa_number(ike_exchange_sa(child)), name, dir);
        add_uint(st, render_field_sa(), ike_sa_number(ike_exchange_sa(child)));
        add_string(st, hf_child, name);
        add_string(st, hf_esp_dir, dir);
        add_uint(st, hf_esp_negotiated_in, ike_esp_flow_negotiated_in(flow));
        render_rekey_links(pinfo, st, tunnels, child, window);
        if (deleted_in && deleted_in < pinfo->num) {
            add_uint(st, hf_esp_after_delete, deleted_in);
            expert_add_info_format(pinfo, ti, &ei_after_delete, "ESP on %s's SPI after its Delete in frame %u", name,
                                   deleted_in);
        }
    } else {
        proto_item_append_text(ti, ": ESP that no negotiation in the capture made");
    }
    add_string(st, hf_esp_match, ike_esp_match_name(ike_esp_flow_match(flow)));
}

void render_tunnel(packet_info *pinfo, proto_tree *tree, proto_item *ti, const ike_result_t *res,
                   const render_options_t *opt)
{
    if (!opt->final || !opt->capture || !res->exchange)
        return; /* the traffic comes after the child: judged once the capture is read */
    const ike_model_t *model = ike_capture_model(opt->capture, ike_capture_point_of_frame(opt->capture, res->frame));
    ike_tunnel_verdict_t v;
    ike_tunnel_judge(ike_model_tunnels(model), res->exchange, &opt->diag, &v);
    const char *state = ike_tunnel_state_name(&v);
    if (!state || v.frame != res->frame)
        return;
    char text[1536], name[16];
    add_string(tree, hf_child, ike_exchange_name(res->exchange, name, sizeof name));
    add_string(tree, hf_tunnel, state);
    ike_tunnel_text(res->exchange, &v, text, sizeof text);
    if (v.rule->cause) { /* where the eye goes: the Info column and the subtree's title */
        col_append_fstr(pinfo->cinfo, COL_INFO, " TUNNEL: %s", v.rule->cause);
        proto_item_append_text(ti, " (tunnel %s)", v.rule->cause);
    }
    if (tree) {
        /* tree labels stop at 240 characters: the label gets the sentence up to its
         * candidates, which get an item of their own, as does the check */
        const char *likely = strstr(text, "; likely ");
        proto_item *it = proto_tree_add_string(tree, hf_tunnel_text, NULL, 0, 0, text);
        proto_item_set_generated(it);
        if (likely && v.rule->cause) {
            proto_item_set_text(it, "Tunnel, in words: %.*s", (int)(likely - text), text);
            proto_tree *st = proto_item_add_subtree(it, ett_tunnel_text);
            add_string(st, hf_tunnel_likely, v.rule->candidates);
            add_string(st, hf_tunnel_check, v.rule->check);
        }
        add_uint(tree, hf_tunnel_encaps, v.dir[IKE_ESP_I_TO_R].packets);
        add_uint(tree, hf_tunnel_decaps, v.dir[IKE_ESP_R_TO_I].packets);
        guint32 first = v.dir[IKE_ESP_I_TO_R].first_frame;
        guint32 back = v.dir[IKE_ESP_R_TO_I].first_frame;
        if (!first || (back && back < first))
            first = back;
        if (first)
            add_uint(tree, hf_tunnel_first_esp, first);
        add_uint(tree, hf_tunnel_missing, v.dir[IKE_ESP_I_TO_R].missing + v.dir[IKE_ESP_R_TO_I].missing);
    }
    static const struct {
        const char *cause;
        expert_field *ei;
    } experts[] = { { "one-way-esp", &ei_one_way }, { "no-traffic", &ei_no_traffic },
                    { "stale-spi", &ei_stale_spi }, { "dead-peer", &ei_dead_peer } };
    const char *likely = strstr(text, "; likely "); /* the expert gets the headline, like a stall's */
    int headline = likely ? (int)(likely - text) : (int)strlen(text);
    for (size_t i = 0; i < G_N_ELEMENTS(experts); i++)
        if (v.rule->cause && !strcmp(v.rule->cause, experts[i].cause))
            expert_add_info_format(pinfo, ti, experts[i].ei, "%.*s", headline, text);
}
