/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.c: -z ikediag,report[,FILTER] (tshark): the diagnosis as a person reads it.
 *
 * First one line per pair of peers (attempts, outcomes, causes), then per IKE SA a
 * short paragraph wrapped at 80 columns: peers, outcome, the verdict sentence, the
 * evidence frames labelled, the candidates and what to check, one item per line.
 *
 * Owns: the layout of the report.  Must not: judge (ike_diagnose and views_describe_sa
 * do) or word a verdict (the sentences come from core/diagnose.c).
 */
#include "views.h"

#include <epan/tap.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "core/names.h"
#include "core/tunnel.h"
#include "ikediag.h"

#define REPORT_CLI "ikediag,report"
#define REPORT_WIDTH 80

/* Appends `text` as lines of at most REPORT_WIDTH columns: the first starts with
 * `lead`, the others with `indent` spaces.  Words longer than a line stay whole. */
static void wrap(GString *out, const char *lead, unsigned indent, const char *text)
{
    size_t col = strlen(lead);
    g_string_append(out, lead);
    gchar **words = g_strsplit_set(text, " ", -1);
    bool line_empty = true;
    for (gchar **w = words; *w; w++) {
        size_t len = g_utf8_strlen(*w, -1);
        if (!len)
            continue;
        if (!line_empty && col + 1 + len > REPORT_WIDTH) {
            g_string_append_c(out, '\n');
            g_string_append_printf(out, "%*s", indent, "");
            col = indent;
            line_empty = true;
        }
        if (!line_empty) {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, *w);
        col += len;
        line_empty = false;
    }
    g_string_append_c(out, '\n');
    g_strfreev(words);
}

/* A heading, then one wrapped item per "; "-separated clause of `text`. */
static void wrap_clauses(GString *out, const char *heading, const char *text)
{
    g_string_append_printf(out, "  %s:\n", heading);
    gchar **clauses = g_strsplit(text, "; ", -1);
    for (gchar **c = clauses; *c; c++)
        wrap(out, "    - ", 6, *c);
    g_strfreev(clauses);
}

/* "frame 6: INFO from the responder, encrypted". */
static void label_evidence(GString *out, const ike_exchange_t *ex, uint32_t frame)
{
    ike_capture_t *capture = ikediag_capture();
    const ike_result_t *res = capture ? ike_capture_result_of_frame(capture, frame) : NULL;
    char label[40];
    g_string_append_printf(out, "    frame %u", frame);
    if (!res) {
        g_string_append_c(out, '\n');
        return;
    }
    if (res->notes & IKE_NOTE_ICMP_ERROR) {
        g_string_append(out, ": ICMP error quoting an IKE message\n");
        return;
    }
    ike_label(res, label, sizeof label);
    if (res->exchange && ike_exchange_sa(res->exchange) != ike_exchange_sa(ex))
        g_string_append_printf(out, ": %s of SA %u, from its %s", label, ike_sa_number(ike_exchange_sa(res->exchange)),
                               ike_role_name((ike_role_t)res->role));
    else
        g_string_append_printf(out, ": %s from the %s", label, ike_role_name((ike_role_t)res->role));
    if (res->retrans_count)
        g_string_append_printf(out, ", resend %u", res->retrans_count);
    const char *notify = res->notify ? ike_version_notify_name(ike_kind_version((ike_kind_t)res->kind), res->notify) : NULL;
    if (notify)
        g_string_append_printf(out, ", %s", notify);
    else if (frame == ike_exchange_encrypted_reply_frame(ex))
        g_string_append(out, ", encrypted");
    g_string_append_c(out, '\n');
}

static int compare_frames(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void report_verdict(GString *out, const exchange_view_t *v)
{
    const ike_exchange_t *ex = v->exchange;
    const ike_rule_t *rule = v->verdict.rule;
    char buf[512];
    if (!rule) {
        if (v->verdict.outcome == IKE_OUTCOME_CUT) {
            char line[384];
            snprintf(line, sizeof line, "Cut at %s: the capture ends too soon to tell (%s).", v->stall,
                     ike_evidence_text(ex, &v->verdict, buf, sizeof buf));
            wrap(out, "  ", 2, line);
        }
        return;
    }
    wrap(out, "  ", 2, ike_verdict_headline(ex, &v->verdict, buf, sizeof buf));
    g_string_append(out, "  Evidence:\n");
    uint32_t frames[IKE_MAX_EVIDENCE];
    unsigned n = v->verdict.n_evidence;
    memcpy(frames, v->verdict.evidence_frames, n * sizeof frames[0]);
    qsort(frames, n, sizeof frames[0], compare_frames);
    for (unsigned i = 0; i < n; i++)
        label_evidence(out, ex, frames[i]);
    wrap_clauses(out, "Likely", rule->candidates);
    ike_capture_t *capture = ikediag_capture();
    char path_check[256] = "";
    if (capture && v->where) /* the path at fault: the devices between, not the peers */
        ike_where_check(capture, ex, ike_capture_where(capture, ex), path_check, sizeof path_check);
    wrap_clauses(out, "Check", path_check[0] ? path_check : rule->check);
    if (rule->cisco_log[0])
        wrap(out, "  A Cisco responder would log: ", 6, rule->cisco_log);
}

/* A file merged from captures at both ends: where it stopped, and the other clock. */
static void report_where(GString *out, const exchange_view_t *judged)
{
    ike_capture_t *capture = ikediag_capture();
    if (!judged->where || !capture)
        return;
    char text[512], line[640];
    ike_where_text(capture, judged->exchange, ike_capture_where(capture, judged->exchange), text, sizeof text);
    snprintf(line, sizeof line, "Where, from both capture points: %s%s%s.", judged->where, text[0] ? ": " : "", text);
    wrap(out, "  ", 2, line);
    double offset;
    if (views_clock_offset(&offset)) /* no "-0.000" for an offset below the millisecond */
        g_string_append_printf(out, "  The other capture point's clock runs %+.3f s from this one's.\n",
                               fabs(offset) < 0.0005 ? 0.0 : offset);
    const ike_exchange_t *opening = ike_sa_opening(ike_exchange_sa(judged->exchange));
    const ike_result_t *first = opening ? ike_exchange_step(opening, 1, false) : NULL;
    if (first && *ike_capture_nat_text(capture, first->frame, text, sizeof text)) {
        snprintf(line, sizeof line, "Seen from both ends: %s.", text);
        wrap(out, "  ", 2, line);
    }
}

static void report_quick_modes(GString *out, const ike_sa_t *sa, const exchange_view_t *judged,
                               const ike_diag_context_t *ctx)
{
    unsigned n = 0;
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex && n < VIEWS_MAX_QUICK; ex = ike_exchange_next(ex)) {
        if (!views_exchange_listed(ex, ctx) || ex == judged->exchange)
            continue;
        n++;
        exchange_view_t v;
        views_describe_exchange(ex, ctx, &v);
        g_string_append_printf(out, "  %s (message ID 0x%08x): %s", v.name, ike_exchange_message_id(ex), v.outcome);
        if (v.stall[0])
            g_string_append_printf(out, " at %s%s%s", v.stall, v.cause ? ": " : "", v.cause ? v.cause : "");
        g_string_append(out, ".\n");
    }
}

/* Each complete child's traffic, in tunnel_verdict.c's words. */
static void report_tunnels(GString *out, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    const ike_model_t *model = ikediag_model();
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex && model; ex = ike_exchange_next(ex)) {
        ike_tunnel_verdict_t v;
        ike_tunnel_judge(ike_model_tunnels(model), ex, ctx, &v);
        if (!ike_tunnel_state_name(&v))
            continue;
        char text[1536];
        wrap(out, "  Traffic: ", 4, ike_tunnel_text(ex, &v, text, sizeof text));
    }
}

static void report_sa(GString *out, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    char peers[128], initiator[64];
    sa_view_t view;
    views_describe_sa(sa, ctx, &view);
    g_string_append_printf(out, "\nIKE SA %u: %s", ike_sa_number(sa), views_peers(sa, peers, sizeof peers));
    ike_endpoint_t from, to;
    if (ike_sa_roles(sa, &from, &to))
        g_string_append_printf(out, ", initiator %s", views_address(&from, initiator, sizeof initiator));
    ike_span_t span = ike_sa_span(sa);
    g_string_append_printf(out, ", frames %u-%u\n", span.first_frame, span.last_frame);
    g_string_append_printf(out, "  Outcome: %s", view.outcome);
    const ike_exchange_t *judged = view.judged.exchange;
    if (judged && ike_exchange_kind(judged) == IKE_KIND_QUICK)
        g_string_append_printf(out, " (Quick Mode %u)", ike_exchange_index(judged));
    else if (judged && ike_exchange_kind(judged) == IKE_KIND_TRANSACTION)
        g_string_append_printf(out, " (XAUTH, Transaction exchange %u)", ike_exchange_index(judged));
    else if (judged)
        g_string_append_printf(out, " (%s)", ike_kind_name(ike_exchange_kind(judged)));
    if (view.seconds >= 0)
        g_string_append_printf(out, ", %.3f s after its first message", view.seconds);
    g_string_append(out, ".\n");
    if (view.judged.exchange)
        report_verdict(out, &view.judged);
    report_where(out, &view.judged);
    report_quick_modes(out, sa, &view.judged, ctx);
    report_tunnels(out, sa, ctx);
    if (ike_sa_rekey_of(sa))
        g_string_append_printf(out, "  A rekey of IKE SA %u (CREATE_CHILD_SA there; new SPIs from frame %u).\n",
                               ike_sa_number(ike_sa_rekey_of(sa)), span.first_frame);
    if (ike_sa_peer_gone_in(sa)) {
        char line[256];
        snprintf(line, sizeof line, "Afterwards: from frame %u the peer's host answers ICMP unreachable: its IKE "
                 "daemon is gone (stopped, or the host restarted), so the tunnel is dead on that side.",
                 ike_sa_peer_gone_in(sa));
        wrap(out, "  ", 2, line);
    }
}

/* ---- the roll-up: one line per pair of peers ----------------------------------- */

typedef struct peer_pair {
    char name[160]; /* the two addresses, lower first */
    unsigned attempts, complete, stalled, other;
    GString *causes;
} peer_pair_t;

static void pair_name(const ike_sa_t *sa, char *buf, size_t size)
{
    char a[64], b[64];
    ike_endpoint_t from = { 0 }, to = { 0 };
    ike_sa_roles(sa, &from, &to);
    views_address(&from, a, sizeof a);
    views_address(&to, b, sizeof b);
    bool swap = strcmp(a, b) > 0;
    snprintf(buf, size, "%s <-> %s", swap ? b : a, swap ? a : b);
}

static void report_rollup(GString *out, const GPtrArray *sas, const ike_diag_context_t *ctx)
{
    GArray *pairs = g_array_new(FALSE, TRUE, sizeof(peer_pair_t));
    for (guint i = 0; i < sas->len; i++) {
        const ike_sa_t *sa = g_ptr_array_index(sas, i);
        char name[160];
        pair_name(sa, name, sizeof name);
        peer_pair_t *p = NULL;
        for (guint j = 0; j < pairs->len && !p; j++)
            if (!strcmp(g_array_index(pairs, peer_pair_t, j).name, name))
                p = &g_array_index(pairs, peer_pair_t, j);
        if (!p) {
            g_array_set_size(pairs, pairs->len + 1);
            p = &g_array_index(pairs, peer_pair_t, pairs->len - 1);
            g_strlcpy(p->name, name, sizeof p->name);
            p->causes = g_string_new(NULL);
        }
        sa_view_t view;
        views_describe_sa(sa, ctx, &view);
        p->attempts++;
        if (!strcmp(view.outcome, "complete"))
            p->complete++;
        else if (!strcmp(view.outcome, "stalled"))
            p->stalled++;
        else
            p->other++;
        if (view.judged.cause && !strstr(p->causes->str, view.judged.cause))
            g_string_append_printf(p->causes, "%s%s", p->causes->len ? ", " : "", view.judged.cause);
    }
    for (guint j = 0; j < pairs->len; j++) {
        peer_pair_t *p = &g_array_index(pairs, peer_pair_t, j);
        char line[512];
        snprintf(line, sizeof line, "%s: %u IKE SA%s, %u complete, %u stalled, %u other%s%s", p->name, p->attempts,
                 p->attempts == 1 ? "" : "s", p->complete, p->stalled, p->other, p->causes->len ? "; causes: " : "",
                 p->causes->str);
        wrap(out, "", 2, line);
        g_string_free(p->causes, TRUE);
    }
    g_array_free(pairs, TRUE);
}

/* ---- the tap -------------------------------------------------------------------- */

static tap_packet_status report_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    tracker_event(tapdata, data);
    return TAP_PACKET_DONT_REDRAW;
}

static void report_reset(void *tapdata)
{
    tracker_reset(tapdata);
}

/* Drawn after the last frame: the model and the capture's end are final. */
static void report_draw(void *tapdata)
{
    ike_diag_context_t ctx;
    ikediag_diag_context(&ctx);
    const GPtrArray *sas = tracker_sas(tapdata);
    GString *out = g_string_new("=== IKE diagnosis (ikediag) ===\n");
    if (!sas->len)
        g_string_append(out, "No IKEv1 negotiation in this capture.\n");
    report_rollup(out, sas, &ctx);
    for (guint i = 0; i < sas->len; i++)
        report_sa(out, g_ptr_array_index(sas, i), &ctx);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

static void report_finish(void *tapdata)
{
    tracker_free(tapdata);
}

static gboolean report_start(const char *opt_arg)
{
    const char *filter = g_str_has_prefix(opt_arg, REPORT_CLI ",") ? opt_arg + strlen(REPORT_CLI ",") : NULL;
    view_tracker_t *tracker = tracker_new(NULL, NULL);
    GString *error = register_tap_listener("ikediag", tracker, filter, TL_REQUIRES_NOTHING, report_reset,
                                           report_packet, report_draw, report_finish);
    if (error) {
        fprintf(stderr, "tshark: Couldn't register " REPORT_CLI ": %s\n", error->str);
        g_string_free(error, TRUE);
        tracker_free(tracker);
        return FALSE;
    }
    return TRUE;
}

void report_register(void)
{
    static const compat_cli_command_t report = { REPORT_CLI, "IKE diagnosis report (ikediag)", report_start };
    compat_register_cli(&report);
}
