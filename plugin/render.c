/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render.c: ikediag's fields, Info column and expert infos, drawn from stored results.
 *
 * Owns: every ikediag.* field and expert id (a public interface), and turning a
 * result and a verdict into them.  Runs on every pass; formats strings only for items
 * someone will see (a visible tree or a referenced field).
 */
#include "render.h"

#include <epan/to_str.h>
#include <epan/expert.h>
#include <epan/proto.h>
#include <math.h>
#include <stdio.h>

#include <string.h>

#include "compat.h"
#include "core/explain.h"
#include "core/names.h"
#include "core/proposal.h"

static int proto_ikediag = -1;
static int hf_sa = -1, hf_exchange = -1, hf_msg = -1, hf_phase = -1, hf_role = -1;
static int hf_request_in = -1, hf_response_in = -1, hf_retrans = -1, hf_retrans_count = -1;
static int hf_state = -1, hf_explain = -1, hf_outcome = -1, hf_stall = -1, hf_cause = -1;
static int hf_cause_text = -1, hf_cause_cisco = -1, hf_evidence = -1, hf_offered = -1, hf_chosen = -1;
static int hf_verdict_exchange = -1, hf_cause_check = -1, hf_cause_likely = -1, hf_nat = -1, hf_proxy_ids = -1;
static int hf_stalled = -1, hf_version = -1, hf_retry_of = -1;
static int hf_vantage = -1, hf_copy_in = -1, hf_where = -1, hf_where_text = -1, hf_clock_offset = -1;
static int hf_translated = -1;
static gint ett_ikediag = -1, ett_verdict = -1;

static expert_field ei_resend = EI_INIT, ei_complete = EI_INIT, ei_request_missing = EI_INIT;
static expert_field ei_not_analysed = EI_INIT, ei_malformed = EI_INIT, ei_unexpected = EI_INIT;
static expert_field ei_error_notify = EI_INIT, ei_cut = EI_INIT, ei_cap = EI_INIT, ei_unanswered = EI_INIT;
static expert_field ei_peer_gone = EI_INIT, ei_copy_lost = EI_INIT, ei_where = EI_INIT;

/* One expert field per cause, "ikediag.stalled.psk_mismatch" with the summary "Stalled:
 * pre-shared key mismatch", so that Expert Information grouped by summary reads as a
 * diagnosis.  Made from the rule table at registration, in static storage: epan keeps
 * pointers to the names and summaries for the program's lifetime. */
#define MAX_STALL_EXPERTS 64
typedef struct stall_expert {
    const char *cause;
    expert_field ei;
    char name[64];
    char summary[96];
} stall_expert_t;
static stall_expert_t stall_experts[MAX_STALL_EXPERTS];
static ei_register_info stall_expert_info[MAX_STALL_EXPERTS];
static unsigned n_stall_experts;

static void register_stall_experts(expert_module_t *em)
{
    for (size_t r = 0; r < ike_rule_count && n_stall_experts < MAX_STALL_EXPERTS; r++) {
        const ike_rule_t *rule = &ike_rules[r];
        bool seen = false;
        for (unsigned i = 0; i < n_stall_experts && !seen; i++)
            seen = !strcmp(stall_experts[i].cause, rule->cause);
        if (seen)
            continue;
        stall_expert_t *se = &stall_experts[n_stall_experts];
        se->cause = rule->cause;
        se->ei = (expert_field)EI_INIT;
        snprintf(se->name, sizeof se->name, "ikediag.stalled.%s", rule->cause);
        g_strdelimit(se->name + strlen("ikediag.stalled."), "-", '_');
        snprintf(se->summary, sizeof se->summary, "Stalled: %s", rule->summary);
        stall_expert_info[n_stall_experts] = (ei_register_info){
            .ids = &se->ei,
            .eiinfo = { .name = se->name, .group = PI_SEQUENCE, .severity = PI_WARN, .summary = se->summary, EXPFILL },
        };
        n_stall_experts++;
    }
    expert_register_field_array(em, stall_expert_info, n_stall_experts);
}

static expert_field *stall_expert(const char *cause)
{
    for (unsigned i = 0; i < n_stall_experts; i++)
        if (!strcmp(stall_experts[i].cause, cause))
            return &stall_experts[i].ei;
    return NULL; /* not reached: every rule's cause is registered */
}

void render_register_fields(int proto)
{
    static hf_register_info hf[] = {
        { &hf_sa, { "IKE SA", "ikediag.sa", FT_UINT32, BASE_DEC, NULL, 0, "IKE SA number in this capture, in order of first appearance", HFILL } },
        { &hf_version, { "IKE version", "ikediag.version", FT_UINT8, BASE_DEC, NULL, 0, "1 or 2", HFILL } },
        { &hf_exchange, { "Exchange", "ikediag.exchange", FT_STRING, BASE_NONE, NULL, 0, "Main Mode, Aggressive Mode, Quick Mode, Informational, Transaction; IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL, IKE_INTERMEDIATE", HFILL } },
        { &hf_msg, { "Message", "ikediag.msg", FT_STRING, BASE_NONE, NULL, 0, "MM#1..MM#6, AM#1..AM#3, QM#1..QM#3, INFO, TXN; SA_INIT#1/#2, AUTH#1/#2, CHILD#1/#2, INFO#1/#2, INTER#1/#2 (request/response)", HFILL } },
        { &hf_retry_of, { "Retry asked in", "ikediag.retry_of", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "IKEv2: the IKE_SA_INIT response (COOKIE, INVALID_KE_PAYLOAD) this new IKE_SA_INIT request obeys", HFILL } },
        { &hf_phase, { "Phase", "ikediag.phase", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_role, { "Sender role", "ikediag.role", FT_STRING, BASE_NONE, NULL, 0, "The sender's role in its own exchange", HFILL } },
        { &hf_request_in, { "Request in", "ikediag.request_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, "The message this one answers", HFILL } },
        { &hf_response_in, { "Response in", "ikediag.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, "The message that answers this one", HFILL } },
        { &hf_retrans, { "Retransmission of", "ikediag.retransmission", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0, "First copy of this byte-identical message", HFILL } },
        { &hf_retrans_count, { "Retransmission count", "ikediag.retransmission.count", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_state, { "State", "ikediag.state", FT_STRING, BASE_NONE, NULL, 0, "The state after this message: IKEv1 as Cisco 'show crypto isakmp sa' names it, IKEv2 as strongSwan's IKE_SA states", HFILL } },
        { &hf_explain, { "Explanation", "ikediag.explain", FT_STRING, BASE_NONE, NULL, 0, "What this message carries and does", HFILL } },
        { &hf_nat, { "NAT", "ikediag.nat", FT_STRING, BASE_NONE, NULL, 0, "What the NAT-D payloads say (RFC 3947): detected (MM#5 onward on UDP 4500) or none", HFILL } },
        { &hf_verdict_exchange, { "Verdict for", "ikediag.verdict.exchange", FT_STRING, BASE_NONE, NULL, 0, "The exchange this verdict is about: MM, AM, QM1, QM2 ... within ikediag.sa", HFILL } },
        { &hf_outcome, { "Outcome", "ikediag.outcome", FT_STRING, BASE_NONE, NULL, 0, "complete, stalled, cut or orphan", HFILL } },
        { &hf_stall, { "Stalled at", "ikediag.stall", FT_STRING, BASE_NONE, NULL, 0, "The message that never came or was never accepted", HFILL } },
        { &hf_cause, { "Cause", "ikediag.cause", FT_STRING, BASE_NONE, NULL, 0, "Stable cause id", HFILL } },
        { &hf_cause_text, { "Diagnosis", "ikediag.cause.text", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_cause_likely, { "Likely", "ikediag.cause.likely", FT_STRING, BASE_NONE, NULL, 0, "One candidate the capture cannot tell from the others", HFILL } },
        { &hf_cause_check, { "What to check", "ikediag.cause.check", FT_STRING, BASE_NONE, NULL, 0, "Where to look in Cisco and strongSwan configuration", HFILL } },
        { &hf_cause_cisco, { "A Cisco responder would log", "ikediag.cause.cisco", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_evidence, { "Evidence", "ikediag.evidence", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "Frames that support the diagnosis", HFILL } },
        { &hf_offered, { "Offered", "ikediag.offered", FT_STRING, BASE_NONE, NULL, 0, "Proposals offered in MM#1/AM#1 or SA_INIT#1, or (with keys) in QM#1, AUTH#1, CHILD#1", HFILL } },
        { &hf_chosen, { "Chosen", "ikediag.chosen", FT_STRING, BASE_NONE, NULL, 0, "Proposal chosen in MM#2/AM#2 or SA_INIT#2, or (with keys) in QM#2, AUTH#2, CHILD#2", HFILL } },
        { &hf_stalled, { "Stalled", "ikediag.stalled", FT_NONE, BASE_NONE, NULL, 0, "On the frame that carries a stalled exchange's verdict (the expert info is ikediag.stalled.<cause>)", HFILL } },
        { &hf_vantage, { "Capture point", "ikediag.vantage", FT_STRING, BASE_NONE, NULL, 0, "Where this copy was captured, in a file merged from captures at both ends: the interface name, or its id", HFILL } },
        { &hf_copy_in, { "Same copy at the other point", "ikediag.copy_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "The same send of this message (byte-identical ISAKMP) seen at the other capture point", HFILL } },
        { &hf_translated, { "At the other point", "ikediag.translated", FT_STRING, BASE_NONE, NULL, 0, "The addresses and ports this copy carries at the other capture point, when a NAT between the points changed them", HFILL } },
        { &hf_where, { "Where", "ikediag.where", FT_STRING, BASE_NONE, NULL, 0, "From both capture points: none, path-to-responder, path-to-initiator, responder, initiator", HFILL } },
        { &hf_where_text, { "Where, in words", "ikediag.where.text", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_clock_offset, { "Clock offset", "ikediag.clock_offset", FT_DOUBLE, BASE_NONE, NULL, 0, "Seconds this capture point's clock runs ahead of the other's, from the matched copies", HFILL } },
        { &hf_proxy_ids, { "Proxy IDs", "ikediag.proxy_ids", FT_STRING, BASE_NONE, NULL, 0, "QM#1's identities (with keys): the initiator's <-> the responder's, as its crypto ACL or traffic selectors say", HFILL } },
    };
    static gint *ett[] = { &ett_ikediag, &ett_verdict };
    static ei_register_info ei[] = {
        { &ei_resend, { "ikediag.resend", PI_SEQUENCE, PI_NOTE, "Retransmission", EXPFILL } },
        { &ei_complete, { "ikediag.complete", PI_SEQUENCE, PI_CHAT, "Exchange complete", EXPFILL } },
        { &ei_request_missing, { "ikediag.request_missing", PI_SEQUENCE, PI_NOTE, "Request not in capture", EXPFILL } },
        { &ei_not_analysed, { "ikediag.not_analysed", PI_UNDECODED, PI_NOTE, "Not analysed", EXPFILL } },
        { &ei_malformed, { "ikediag.malformed", PI_MALFORMED, PI_NOTE, "Malformed ISAKMP message", EXPFILL } },
        { &ei_unexpected, { "ikediag.unexpected", PI_SEQUENCE, PI_NOTE, "Message does not fit its exchange", EXPFILL } },
        { &ei_error_notify, { "ikediag.error_notify", PI_RESPONSE_CODE, PI_WARN, "Error notify", EXPFILL } },
        { &ei_unanswered, { "ikediag.unanswered", PI_SEQUENCE, PI_WARN, "Request resent, nothing back yet", EXPFILL } },
        { &ei_peer_gone, { "ikediag.peer_gone", PI_SEQUENCE, PI_WARN, "Peer's IKE daemon gone after the SA was up", EXPFILL } },
        { &ei_copy_lost, { "ikediag.copy_lost", PI_SEQUENCE, PI_NOTE, "Copy never reached the other capture point", EXPFILL } },
        { &ei_where, { "ikediag.where_note", PI_SEQUENCE, PI_NOTE, "Where the negotiation lost its way, from both capture points", EXPFILL } },
        { &ei_cut, { "ikediag.cut", PI_SEQUENCE, PI_NOTE, "Capture ends before the exchange finished", EXPFILL } },
        { &ei_cap, { "ikediag.sa_limit", PI_PROTOCOL, PI_WARN, "SA limit reached", EXPFILL } },
    };
    proto_ikediag = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
    register_stall_experts(em);
    render_esp_register_fields(proto);
}

int render_field_sa(void) { return hf_sa; }

/* Format only for items that will be seen or filtered on. */
#define WANTED(tree, hf) proto_field_is_referenced(tree, hf)

static proto_item *add_generated_string(proto_tree *tree, int hf, const char *value)
{
    proto_item *it = value ? proto_tree_add_string(tree, hf, NULL, 0, 0, value) : NULL;
    proto_item_set_generated(it);
    return it;
}

static void add_generated_uint(proto_tree *tree, int hf, guint32 value)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf, NULL, 0, 0, value));
}

static const char *arrow(ike_role_t role)
{
    return role == IKE_ROLE_INITIATOR ? "I\u2192R" : role == IKE_ROLE_RESPONDER ? "R\u2192I" : "?";
}

static unsigned phase_of(const ike_result_t *res)
{
    if (ike_kind_version((ike_kind_t)res->kind) == 2) /* the IKE SA (1), then children (2) */
        return res->kind == IKE_KIND_CHILD
            || (res->kind == IKE_KIND_INFO2 && res->state != IKE_STATE_V2_CONNECTING) ? 2 : 1;
    if (res->kind == IKE_KIND_QUICK)
        return 2;
    if (res->kind == IKE_KIND_MAIN || res->kind == IKE_KIND_AGGRESSIVE)
        return 1;
    return res->state == IKE_STATE_QM_IDLE ? 2 : 1;
}

static void render_not_analysed(packet_info *pinfo, proto_item *ti, const ike_result_t *res)
{
    const char *name = ike_exchange_type_name(res->exchange_type);
    if (res->notes & IKE_NOTE_UNKNOWN_EXCHANGE) {
        col_append_fstr(pinfo->cinfo, COL_INFO, " [exchange %u: not analysed]", res->exchange_type);
        expert_add_info_format(pinfo, ti, &ei_not_analysed, "Exchange type %u (%s) is not numbered by ikediag",
                               res->exchange_type, name ? name : "unknown");
    } else if (res->notes & IKE_NOTE_ICMP_ERROR) {
        col_append_str(pinfo->cinfo, COL_INFO, " [ICMP error quoting an IKE message]");
        if (res->notes & IKE_NOTE_PEER_GONE)
            expert_add_info_format(pinfo, ti, &ei_peer_gone, "ICMP error quoting a message of an IKE SA that was up: "
                                   "nothing listens on the peer's IKE port any more (its daemon stopped or the "
                                   "host restarted); the SA is dead on that side");
    } else if (res->notes & IKE_NOTE_CAP_REACHED) {
        expert_add_info_format(pinfo, ti, &ei_cap, "IKE SA limit reached: this and later new SAs are not tracked "
                               "(preference ikediag.max_sas)");
    }
}

/* IKEv2's IKE_AUTH or CREATE_CHILD_SA response completes only if its verdict says so (a
 * refusal may be readable only with keys, or seen only later). */
static bool completes(const ike_result_t *res, const render_options_t *opt)
{
    if (!ike_result_completes(res))
        return false;
    if (ike_kind_version((ike_kind_t)res->kind) == 1)
        return true;
    ike_verdict_t v;
    ike_diagnose(res->exchange, &opt->diag, &v);
    return v.outcome == IKE_OUTCOME_COMPLETE;
}

static void render_message_experts(packet_info *pinfo, proto_item *ti, const ike_result_t *res, const char *label,
                                   const render_options_t *opt)
{
    if (res->retrans_of)
        expert_add_info_format(pinfo, ti, &ei_resend, "Retransmission of %s (frame %u)", label, res->retrans_of);
    if (completes(res, opt))
        expert_add_info_format(pinfo, ti, &ei_complete, "%s complete (%s)", ike_completion_name((ike_kind_t)res->kind),
                               label);
    if ((res->notes & IKE_NOTE_REQUEST_MISSING) && (res->notes & IKE_NOTE_FIRST_ORPHAN_OF_SOURCE))
        expert_add_info_format(pinfo, ti, &ei_request_missing,
                               "%s: request not in capture (reported once per source)", label);
    if (res->notes & IKE_NOTE_UNANSWERED)
        expert_add_info_format(pinfo, ti, &ei_unanswered, "%s sent %u times, nothing back yet", label,
                               res->retrans_count + 1u);
    if (res->notes & IKE_NOTE_UNEXPECTED)
        expert_add_info_format(pinfo, ti, &ei_unexpected, "%s does not fit its exchange's sequence", label);
    if (res->notes & IKE_NOTE_MALFORMED)
        expert_add_info_format(pinfo, ti, &ei_malformed,
                               "This ISAKMP message does not parse (a length overruns it, or a wrong key or stale IV decrypted it to garbage); numbered from its header and bytes");
    if (ike_result_refusal(res)) {
        const ike_exchange_t *refused = res->answers ? res->answers : res->exchange;
        unsigned asked_step = res->answers ? res->answered_step : 1;
        const char *code = ike_version_notify_name(ike_kind_version((ike_kind_t)res->kind), res->notify);
        char asked[16];
        ike_step_label(ike_exchange_kind(refused), asked_step, asked, sizeof asked);
        uint32_t asked_in = res->request_in ? res->request_in : ike_exchange_step(refused, asked_step, true)->frame;
        expert_add_info_format(pinfo, ti, &ei_error_notify, "%s (%u) in reply to %s (frame %u)",
                               code ? code : "notify", res->notify, asked, asked_in);
    }
}

static void render_proxy_ids(proto_tree *tree, const ike_exchange_t *ex)
{
    char buf[256];
    if (WANTED(tree, hf_proxy_ids) && ike_exchange_proxy_ids(ex, buf, sizeof buf))
        add_generated_string(tree, hf_proxy_ids, buf);
}

/* Phase-1 proposals on the phase-1 exchange's frames; a Quick Mode's on its own (keys). */
static void render_proposals(proto_tree *tree, const ike_result_t *res)
{
    const ike_exchange_t *ex = res->exchange;
    char buf[512];
    if (WANTED(tree, hf_offered) && ike_exchange_offered(ex, buf, sizeof buf))
        add_generated_string(tree, hf_offered, buf);
    /* NAT-D travels in MM#3/MM#4, in Aggressive Mode from AM#2 on (RFC 3947 3.1) */
    ike_nat_t nat = ike_exchange_nat(ex);
    if (nat != IKE_NAT_UNKNOWN && res->step >= (ike_exchange_kind(ex) == IKE_KIND_AGGRESSIVE ? 2 : 3))
        add_generated_string(tree, hf_nat, nat == IKE_NAT_DETECTED ? "detected" : "none");
    if (res->step >= 2 && WANTED(tree, hf_chosen) && ike_exchange_chosen(ex, buf, sizeof buf))
        add_generated_string(tree, hf_chosen, buf);
    render_proxy_ids(tree, ex);
}

/* ---- capture points: a file merged from captures taken at both ends ------------------ */

static const char *endpoint_text(packet_info *pinfo, const ike_endpoint_t *ep)
{
    address addr;
    set_address(&addr, ep->family == 6 ? AT_IPv6 : AT_IPv4, ep->family == 6 ? 16 : 4, ep->addr);
    const char *host = address_to_str(pinfo->pool, &addr);
    return ep->family == 6 ? wmem_strdup_printf(pinfo->pool, "[%s]:%u", host, ep->port)
                           : wmem_strdup_printf(pinfo->pool, "%s:%u", host, ep->port);
}

/* Which point saw this copy, its twin at the other point, or that it never got there. */
static void render_copies(packet_info *pinfo, proto_tree *st, proto_item *ti, const ike_result_t *res,
                          const char *label, const render_options_t *opt)
{
    ike_capture_t *capture = opt->capture;
    if (!capture || !ike_capture_two_points(capture) || (res->notes & IKE_NOTE_ICMP_ERROR))
        return;
    if (st) {
        guint32 interface_id = compat_interface_id(pinfo);
        const char *name = compat_interface_name(pinfo, interface_id);
        add_generated_string(st, hf_vantage, name ? name : wmem_strdup_printf(pinfo->pool, "interface %u", interface_id));
    }
    ike_endpoint_t src, dst;
    uint32_t copy = ike_capture_copy_in(capture, res->frame);
    if (copy && st) {
        add_generated_uint(st, hf_copy_in, copy);
        if (ike_capture_translated(capture, res->frame, &src, &dst)) {
            char nat[256];
            proto_item *it = add_generated_string(st, hf_translated,
                                                  wmem_strdup_printf(pinfo->pool, "%s -> %s", endpoint_text(pinfo, &src),
                                                                     endpoint_text(pinfo, &dst)));
            if (*ike_capture_nat_text(capture, res->frame, nat, sizeof nat))
                proto_item_append_text(it, " (%s)", nat);
        }
    }
    /* only once the whole file is read: the twin may come later in it */
    if (!copy && opt->final && ike_capture_copy_lost(capture, res->frame)) {
        ike_role_t sender = (ike_role_t)res->role;
        const char *receiver = sender == IKE_ROLE_INITIATOR ? "responder" : sender == IKE_ROLE_RESPONDER ? "initiator" : "other";
        expert_add_info_format(pinfo, ti, &ei_copy_lost, "%s copy %u left the %s and never reached the %s's capture point",
                               label, res->retrans_count + 1u, ike_role_name(sender), receiver);
    }
}

/* On a verdict: where it stopped, from both points, and this point's clock. */
static void render_where(packet_info *pinfo, proto_tree *tree, proto_item *ti, const ike_exchange_t *ex,
                         const ike_result_t *res, const render_options_t *opt)
{
    ike_capture_t *capture = opt->capture;
    ike_where_t where = capture ? ike_capture_where(capture, ex) : IKE_WHERE_UNKNOWN;
    if (where == IKE_WHERE_UNKNOWN)
        return;
    add_generated_string(tree, hf_where, ike_where_name(where));
    char text[512];
    if (*ike_where_text(capture, ex, where, text, sizeof text)) {
        add_generated_string(tree, hf_where_text, text);
        expert_add_info_format(pinfo, ti, &ei_where, "Where: %s", text);
    }
    double offset;
    unsigned point = ike_capture_point_of_frame(capture, res->frame);
    if (ike_capture_clock_offset(capture, point ? point : 1, &offset) && tree) {
        offset = point ? offset : -offset;
        proto_item_set_generated(proto_tree_add_double_format_value(tree, hf_clock_offset, NULL, 0, 0, offset,
                                                                    "%+.3f s (this capture point's clock minus the other's)",
                                                                    fabs(offset) < 0.0005 ? 0.0 : offset));
    }
}

/* One item per "; "-separated clause of a rule's text. */
static void add_clauses(proto_tree *tree, int hf, const char *text)
{
    gchar **clauses = g_strsplit(text, "; ", -1);
    for (gchar **c = clauses; *c; c++)
        add_generated_string(tree, hf, *c);
    g_strfreev(clauses);
}

static void render_verdict(packet_info *pinfo, proto_tree *tree, proto_item *ti, const ike_exchange_t *ex,
                           const ike_verdict_t *v, const ike_result_t *res, const render_options_t *opt)
{
    char name[16], stall[16], evidence[256], text[1536];
    const char *outcome = ike_outcome_name((ike_outcome_t)v->outcome);
    if (!outcome)
        return;
    add_generated_string(tree, hf_verdict_exchange, ike_exchange_name(ex, name, sizeof name));
    add_generated_string(tree, hf_outcome, outcome);
    render_where(pinfo, tree, ti, ex, res, opt);
    if (v->outcome == IKE_OUTCOME_COMPLETE || v->outcome == IKE_OUTCOME_ORPHAN)
        return;
    ike_stall_label(ike_exchange_kind(ex), v->stall_step, stall, sizeof stall);
    add_generated_string(tree, hf_stall, stall);
    ike_evidence_text(ex, v, evidence, sizeof evidence);
    if (v->outcome == IKE_OUTCOME_CUT) {
        expert_add_info_format(pinfo, ti, &ei_cut, "Capture ends waiting for %s (%s)", stall, evidence);
        return;
    }
    const ike_rule_t *rule = v->rule;
    proto_item_set_generated(proto_tree_add_item(tree, hf_stalled, NULL, 0, 0, ENC_NA));
    add_generated_string(tree, hf_cause, rule->cause);
    char headline[512];
    ike_verdict_headline(ex, v, headline, sizeof headline);
    if (WANTED(tree, hf_cause_text)) {
        proto_item *it = add_generated_string(tree, hf_cause_text, ike_verdict_text(ex, v, text, sizeof text));
        /* tree labels stop at 240 characters: the label gets the sentence, the
         * clauses of the candidates and of the check get an item each */
        proto_item_set_text(it, "Diagnosis: %s", headline);
        add_clauses(proto_item_add_subtree(it, ett_verdict), hf_cause_likely, rule->candidates);
    }
    char path_check[256] = "";
    if (opt->capture) /* the path at fault: check the devices between, not the peers */
        ike_where_check(opt->capture, ex, ike_capture_where(opt->capture, ex), path_check, sizeof path_check);
    if (path_check[0])
        add_generated_string(tree, hf_cause_check, path_check);
    else if (WANTED(tree, hf_cause_check))
        add_clauses(tree, hf_cause_check, rule->check);
    if (rule->cisco_log[0])
        add_generated_string(tree, hf_cause_cisco, rule->cisco_log);
    for (unsigned i = 0; i < v->n_evidence; i++)
        add_generated_uint(tree, hf_evidence, v->evidence_frames[i]);
    /* the verdict sits on a reply: show what the refused request offered */
    if (ex != res->exchange && WANTED(tree, hf_offered) && ike_exchange_offered(ex, text, sizeof text))
        add_generated_string(tree, hf_offered, text);
    if (ex != res->exchange)
        render_proxy_ids(tree, ex);
    expert_add_info_format(pinfo, ti, stall_expert(rule->cause), "%s", headline);
}

unsigned render_verdicts(const ike_result_t *res, const render_options_t *opt, ike_verdict_t out[2],
                         const ike_exchange_t *exchanges[2])
{
    const ike_exchange_t *candidates[2] = { res->exchange, res->answers };
    unsigned n = 0;
    for (unsigned i = 0; i < 2; i++) {
        const ike_exchange_t *ex = candidates[i];
        if (!ex || !ike_kind_judged(ike_exchange_kind(ex)) || (i == 1 && ex == candidates[0]))
            continue;
        ike_diagnose(ex, &opt->diag, &out[n]);
        /* Once the capture is whole, on the exchange's last frame; before, only a verdict
         * the evidence proves, once, on its first evidence frame. */
        if (opt->final ? out[n].frame != res->frame
                       : out[n].outcome != IKE_OUTCOME_STALLED || ike_exchange_evidence_frame(ex) != res->frame)
            continue;
        exchanges[n++] = ex;
    }
    return n;
}

gboolean render_warns(const ike_result_t *res, const render_options_t *opt)
{
    if (res->notes & (IKE_NOTE_UNANSWERED | IKE_NOTE_PEER_GONE))
        return TRUE;
    if (ike_result_refusal(res))
        return TRUE;
    ike_verdict_t verdicts[2];
    const ike_exchange_t *judged[2];
    return res->kind != IKE_KIND_NONE && render_verdicts(res, opt, verdicts, judged) > 0;
}

/* The subtree's title: the message, and on every frame of a stalled exchange its
 * verdict, so that a glance at any of its frames tells. */
static void render_title(proto_item *ti, const ike_result_t *res, const char *label, const render_options_t *opt)
{
    proto_item_append_text(ti, ": %s %s", label, arrow((ike_role_t)res->role));
    const ike_exchange_t *ex = ike_kind_judged((ike_kind_t)res->kind) ? res->exchange : res->answers;
    if (!ex)
        return;
    ike_verdict_t v;
    ike_diagnose(ex, &opt->diag, &v);
    if (v.outcome != IKE_OUTCOME_STALLED)
        return;
    char stall[16];
    ike_stall_label(ike_exchange_kind(ex), v.stall_step, stall, sizeof stall);
    proto_item_append_text(ti, " (SA %u stalled at %s: %s)", ike_sa_number(ike_exchange_sa(ex)), stall, v.rule->cause);
}

/* What the message is, where it sits, its links. */
static void render_message(proto_tree *st, const ike_result_t *res, const char *label, const render_options_t *opt)
{
    const ike_exchange_t *ex = res->exchange;
    add_generated_uint(st, hf_sa, ike_sa_number(ike_exchange_sa(ex)));
    add_generated_uint(st, hf_version, ike_kind_version((ike_kind_t)res->kind));
    add_generated_string(st, hf_exchange, ike_kind_name((ike_kind_t)res->kind));
    add_generated_string(st, hf_msg, label);
    add_generated_uint(st, hf_phase, phase_of(res));
    add_generated_string(st, hf_role, ike_role_name((ike_role_t)res->role));
    if (res->request_in)
        add_generated_uint(st, hf_request_in, res->request_in);
    if (res->response_in)
        add_generated_uint(st, hf_response_in, res->response_in);
    if (res->retrans_of) {
        add_generated_uint(st, hf_retrans, res->retrans_of);
        add_generated_uint(st, hf_retrans_count, res->retrans_count);
    }
    uint32_t retry_of = ike_result_retry_of(res);
    if (retry_of)
        add_generated_uint(st, hf_retry_of, retry_of);
    add_generated_string(st, hf_state, ike_cisco_state_name((ike_cisco_state_t)res->state));
    if (opt->explain) {
        char why[512];
        add_generated_string(st, hf_explain, ike_explain_message(res, why, sizeof why));
    }
    if (ike_kind_final_step((ike_kind_t)res->kind))
        render_proposals(st, res);
}

/* The Info column: "[MM#5 I→R, resend 3]", and on a verdict frame " STALLED: cause". */
static void render_info(packet_info *pinfo, const ike_result_t *res, const char *label, const ike_verdict_t *verdicts,
                        unsigned n)
{
    if (res->retrans_count)
        col_append_fstr(pinfo->cinfo, COL_INFO, " [%s %s, resend %u]", label, arrow((ike_role_t)res->role),
                        res->retrans_count);
    else
        col_append_lstr(pinfo->cinfo, COL_INFO, " [", label, " ", arrow((ike_role_t)res->role), "]",
                        COL_ADD_LSTR_TERMINATOR);
    for (unsigned i = 0; i < n; i++)
        if (verdicts[i].rule)
            col_append_lstr(pinfo->cinfo, COL_INFO, " STALLED: ", verdicts[i].rule->cause, COL_ADD_LSTR_TERMINATOR);
}

void render_result(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ike_result_t *res,
                   const render_options_t *opt)
{
    char label[16];
    proto_item *ti = proto_tree_add_item(tree, proto_ikediag, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    if (res->kind == IKE_KIND_NONE) {
        render_not_analysed(pinfo, ti, res);
        return;
    }
    ike_label(res, label, sizeof label);
    ike_verdict_t verdicts[2];
    const ike_exchange_t *judged[2];
    unsigned n = render_verdicts(res, opt, verdicts, judged);
    render_info(pinfo, res, label, verdicts, n);
    proto_tree *st = NULL;
    if (tree) { /* the first pass of tshark without -V, -T or filters has none */
        render_title(ti, res, label, opt);
        st = proto_item_add_subtree(ti, ett_ikediag);
    }
    /* the verdict first: what a reader opens the subtree for */
    for (unsigned i = 0; i < n; i++)
        render_verdict(pinfo, st, ti, judged[i], &verdicts[i], res, opt);
    if (ike_result_completes(res))
        render_tunnel(pinfo, st, ti, res, opt);
    if (st)
        render_message(st, res, label, opt);
    render_copies(pinfo, st, ti, res, label, opt);
    render_message_experts(pinfo, ti, res, label, opt);
}
