/* SPDX-License-Identifier: GPL-2.0-or-later */
/* views.c: the SA summary every view prints, the tracker that keeps views current
 * during a single pass, and the registration of the views.
 *
 * Owns: the SA-level outcome (complete, phase1, stalled, cut, orphan) and when a
 * view must re-judge an SA.  Must not: judge exchanges itself (ike_diagnose does).
 */
#include "views.h"

#include <wsutil/inet_addr.h>

#include <math.h>
#include <stdio.h>

#include "core/names.h"
#include "core/proposal.h"
#include "ikediag.h"

/* ---- one exchange, one SA --------------------------------------------------------- */

void views_describe_exchange(const ike_exchange_t *ex, const ike_diag_context_t *ctx, exchange_view_t *out)
{
    memset(out, 0, sizeof *out);
    out->exchange = ex;
    out->seconds = -1;
    ike_diagnose(ex, ctx, &out->verdict);
    ike_exchange_name(ex, out->name, sizeof out->name);
    /* A negotiating exchange none of whose messages could be numbered (a malformed
     * first message): nothing of its start is in the capture, so it counts as orphan
     * rather than having no outcome at all. */
    if (out->verdict.outcome == IKE_OUTCOME_NONE && ike_kind_final_step(ike_exchange_kind(ex)))
        out->verdict.outcome = IKE_OUTCOME_ORPHAN;
    out->outcome = ike_outcome_name((ike_outcome_t)out->verdict.outcome);
    if (out->verdict.stall_step)
        ike_stall_label(ike_exchange_kind(ex), out->verdict.stall_step, out->stall, sizeof out->stall);
    if (out->verdict.rule)
        out->cause = out->verdict.rule->cause;
    if (out->verdict.outcome == IKE_OUTCOME_COMPLETE) {
        ike_span_t span = ike_exchange_span(ex);
        out->seconds = span.last_time - span.first_time;
    }
    ike_capture_t *capture = ikediag_capture();
    out->where = capture ? ike_where_name(ike_capture_where(capture, ex)) : NULL;
}

bool views_clock_offset(double *seconds)
{
    ike_capture_t *capture = ikediag_capture();
    double offset; /* point 1's clock minus point 0's */
    if (!capture || !ike_capture_two_points(capture) || !ike_capture_clock_offset(capture, 1, &offset))
        return false;
    *seconds = ike_capture_view_point(capture) == 0 ? offset : -offset;
    return true;
}

bool views_sa_shown(const ike_sa_t *sa)
{
    ike_capture_t *capture = ikediag_capture();
    return !capture || !ike_capture_two_points(capture)
        || ike_capture_point_of_sa(capture, sa) == ike_capture_view_point(capture);
}

bool views_exchange_listed(const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    ike_kind_t kind = ike_exchange_kind(ex);
    if (ex == ike_sa_opening(ike_exchange_sa(ex)) || !ike_kind_judged(kind))
        return false;
    if (kind != IKE_KIND_TRANSACTION && kind != IKE_KIND_INFO2)
        return ike_kind_version(kind) == 2 || kind == IKE_KIND_QUICK;
    ike_verdict_t v;
    ike_diagnose(ex, ctx, &v);
    return v.outcome != IKE_OUTCOME_NONE && v.outcome != IKE_OUTCOME_COMPLETE;
}

/* Stalled is worse than cut, cut worse than orphan: the order a reader cares about. */
static int severity(ike_outcome_t outcome)
{
    switch (outcome) {
    case IKE_OUTCOME_STALLED: return 3;
    case IKE_OUTCOME_CUT: return 2;
    case IKE_OUTCOME_ORPHAN: return 1;
    default: return 0;
    }
}

/* The worst unfinished exchange after phase 1 (the first of equals) and the first that
 * brought the tunnel up: a Quick Mode, IKEv2's IKE_AUTH. */
static void judge_quick_modes(const ike_sa_t *sa, const ike_diag_context_t *ctx, exchange_view_t *worst,
                              exchange_view_t *first_complete)
{
    unsigned seen = 0;
    exchange_view_t v;
    const ike_exchange_t *opening = ike_sa_opening(sa);
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex && seen < VIEWS_MAX_QUICK;
         ex = ike_exchange_next(ex)) {
        ike_kind_t kind = ike_exchange_kind(ex);
        if (ex == opening || !ike_kind_judged(kind) || kind == IKE_KIND_INFO)
            continue;
        seen++;
        views_describe_exchange(ex, ctx, &v);
        bool brings_up = kind == IKE_KIND_QUICK || kind == IKE_KIND_AUTH;
        if (v.verdict.outcome == IKE_OUTCOME_COMPLETE && brings_up && !first_complete->exchange)
            *first_complete = v;
        else if (severity((ike_outcome_t)v.verdict.outcome)
                 > (worst->exchange ? severity((ike_outcome_t)worst->verdict.outcome) : 0))
            *worst = v;
    }
}

/* complete: phase 1 done and a Quick Mode complete; phase1: phase 1 done and nothing
 * else to say; otherwise the verdict of phase 1 or of the worst Quick Mode.  A stalled
 * Quick Mode outranks a completed one (a second child that fails is what the reader is
 * looking for); a cut or orphan one does not.  An SA whose negotiation is not in the
 * capture at all (only Informationals) counts as orphan. */
void views_describe_sa(const ike_sa_t *sa, const ike_diag_context_t *ctx, sa_view_t *out)
{
    memset(out, 0, sizeof *out);
    out->sa = sa;
    out->seconds = -1;
    if (ike_sa_opening(sa)) {
        views_describe_exchange(ike_sa_opening(sa), ctx, &out->judged);
        /* A phase 1 whose start is not in the capture but whose end is counts as done. */
        ike_outcome_t p1 = (ike_outcome_t)out->judged.verdict.outcome;
        if (p1 != IKE_OUTCOME_COMPLETE && !(p1 == IKE_OUTCOME_ORPHAN && ike_sa_up(sa))) {
            out->outcome = out->judged.outcome;
            return;
        }
    }
    exchange_view_t worst = { 0 }, first_complete = { 0 };
    judge_quick_modes(sa, ctx, &worst, &first_complete);
    if (worst.exchange && worst.verdict.outcome == IKE_OUTCOME_STALLED) {
        out->judged = worst;
        out->outcome = worst.outcome;
    } else if (first_complete.exchange) {
        out->judged = first_complete;
        out->outcome = "complete";
        out->seconds = ike_exchange_span(first_complete.exchange).last_time - ike_sa_span(sa).first_time;
    } else if (worst.exchange) {
        out->judged = worst;
        out->outcome = worst.outcome;
    } else if (ike_sa_opening(sa)) {
        out->outcome = "phase1";
        out->seconds = ike_exchange_span(ike_sa_opening(sa)).last_time - ike_sa_span(sa).first_time;
    } else {
        out->outcome = ike_sa_rekey_of(sa) ? "complete" : "orphan"; /* an IKEv2 rekey: up from its start */
    }
}

/* ---- words ------------------------------------------------------------------------ */

const char *views_address(const ike_endpoint_t *ep, char *buf, size_t size)
{
    if (ep->family == 4)
        ws_inet_ntop4(ep->addr, buf, size);
    else if (ep->family == 6)
        ws_inet_ntop6(ep->addr, buf, size);
    else
        g_strlcpy(buf, "?", size);
    return buf;
}

const char *views_peers(const ike_sa_t *sa, char *buf, size_t size)
{
    char a[WS_INET6_ADDRSTRLEN], b[WS_INET6_ADDRSTRLEN];
    ike_endpoint_t initiator, responder;
    if (!ike_sa_roles(sa, &initiator, &responder))
        return g_strlcpy(buf, "?", size), buf;
    snprintf(buf, size, "%s <-> %s", views_address(&initiator, a, sizeof a), views_address(&responder, b, sizeof b));
    return buf;
}

const char *views_phase1_mode(const ike_sa_t *sa)
{
    const ike_exchange_t *opening = ike_sa_opening(sa);
    return opening && ike_sa_version(sa) == 1 ? ike_kind_abbrev(ike_exchange_kind(opening)) : NULL;
}

const char *views_role_address(const ike_sa_t *sa, ike_role_t role, char *buf, size_t size)
{
    ike_endpoint_t initiator, responder;
    if (!ike_sa_roles(sa, &initiator, &responder))
        return NULL;
    return views_address(role == IKE_ROLE_RESPONDER ? &responder : &initiator, buf, size);
}

const char *views_cookies(const ike_sa_t *sa, char *buf, size_t size)
{
    uint64_t icookie, rcookie;
    ike_sa_cookies(sa, &icookie, &rcookie);
    snprintf(buf, size, "%016" G_GINT64_MODIFIER "x/%016" G_GINT64_MODIFIER "x", icookie, rcookie);
    return buf;
}

const char *views_message_label(const ike_result_t *res, char *buf, size_t size)
{
    char label[16];
    if (res->notes & IKE_NOTE_ICMP_ERROR)
        snprintf(label, sizeof label, "ICMP error");
    else if (res->kind == IKE_KIND_NONE)
        snprintf(label, sizeof label, "ISAKMP");
    else
        ike_label(res, label, sizeof label);
    if (res->retrans_count)
        snprintf(buf, size, "%s resend %u", label, res->retrans_count);
    else
        snprintf(buf, size, "%s", label);
    return buf;
}

/* ---- the tracker ------------------------------------------------------------------ */

/* An SA due for re-judging when capture time reaches `when`. */
typedef struct deadline {
    double when;
    const ike_sa_t *sa;
} deadline_t;

struct view_tracker {
    view_refresh_cb refresh;
    void *owner;
    GPtrArray *sas; /* in order of first event */
    GHashTable *counts; /* exchange or SA pointer -> message_counts_t */
    GHashTable *newest_by_peers; /* "initiator>responder" -> newest SA between them */
    GSequence *deadlines; /* deadline_t, earliest first */
    GHashTable *scheduled; /* SA -> its GSequenceIter in deadlines */
    double earliest; /* when of the first deadline, INFINITY if none: an O(1) test per frame */
};

static gint compare_deadlines(gconstpointer a, gconstpointer b, gpointer unused _U_)
{
    const deadline_t *x = a, *y = b;
    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    uint32_t m = ike_sa_number(x->sa), n = ike_sa_number(y->sa);
    return m < n ? -1 : m > n;
}

view_tracker_t *tracker_new(view_refresh_cb refresh, void *owner)
{
    view_tracker_t *t = g_new0(view_tracker_t, 1);
    t->refresh = refresh;
    t->owner = owner;
    t->sas = g_ptr_array_new();
    t->counts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    t->newest_by_peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    t->deadlines = g_sequence_new(g_free);
    t->scheduled = g_hash_table_new(g_direct_hash, g_direct_equal);
    t->earliest = INFINITY;
    return t;
}

void tracker_reset(view_tracker_t *t)
{
    g_ptr_array_set_size(t->sas, 0);
    g_hash_table_remove_all(t->counts);
    g_hash_table_remove_all(t->newest_by_peers);
    g_hash_table_remove_all(t->scheduled);
    g_sequence_remove_range(g_sequence_get_begin_iter(t->deadlines), g_sequence_get_end_iter(t->deadlines));
    t->earliest = INFINITY;
}

void tracker_free(view_tracker_t *t)
{
    if (!t)
        return;
    g_ptr_array_free(t->sas, TRUE);
    g_hash_table_destroy(t->counts);
    g_hash_table_destroy(t->newest_by_peers);
    g_hash_table_destroy(t->scheduled);
    g_sequence_free(t->deadlines);
    g_free(t);
}

const GPtrArray *tracker_sas(const view_tracker_t *t)
{
    /* a single pass may have listed the other capture point's SAs before the copies told
     * which point is the initiator's: drop them now */
    for (guint i = t->sas->len; i-- > 0;)
        if (!views_sa_shown(g_ptr_array_index(t->sas, i)))
            g_ptr_array_remove_index(t->sas, i);
    return t->sas;
}

message_counts_t tracker_counts(const view_tracker_t *t, const ike_sa_t *sa, const ike_exchange_t *ex)
{
    const message_counts_t *c = g_hash_table_lookup(t->counts, ex ? (gconstpointer)ex : (gconstpointer)sa);
    return c ? *c : (message_counts_t){ 0, 0 };
}

static void count_message(view_tracker_t *t, gconstpointer key, const ike_result_t *res)
{
    message_counts_t *c = g_hash_table_lookup(t->counts, key);
    if (!c) {
        c = g_new0(message_counts_t, 1);
        g_hash_table_insert(t->counts, (gpointer)key, c);
    }
    c->messages++;
    if (res->retrans_of)
        c->resends++;
}

/* When silence next changes one of the SA's verdicts: the earliest time an unfinished
 * exchange crosses the threshold, or INFINITY. */
static double next_deadline(const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    double next = INFINITY;
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex; ex = ike_exchange_next(ex)) {
        unsigned final = ike_kind_final_step(ike_exchange_kind(ex));
        unsigned highest = ike_exchange_highest_step(ex);
        double when = ike_exchange_span(ex).last_time + ctx->silence_threshold;
        bool open = ike_exchange_kind(ex) == IKE_KIND_TRANSACTION || (final && highest && highest < final);
        if (open && when > ctx->capture_end && when < next)
            next = when;
    }
    return next;
}

static void schedule(view_tracker_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    GSequenceIter *old = g_hash_table_lookup(t->scheduled, sa);
    if (old) {
        g_sequence_remove(old);
        g_hash_table_remove(t->scheduled, sa);
    }
    double when = next_deadline(sa, ctx);
    if (isfinite(when)) {
        deadline_t *d = g_new(deadline_t, 1);
        *d = (deadline_t){ when, sa };
        g_hash_table_insert(t->scheduled, (gpointer)sa, g_sequence_insert_sorted(t->deadlines, d, compare_deadlines, NULL));
    }
    GSequenceIter *first = g_sequence_get_begin_iter(t->deadlines);
    t->earliest = g_sequence_iter_is_end(first) ? INFINITY : ((deadline_t *)g_sequence_get(first))->when;
}

static void refresh(view_tracker_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    if (!t->refresh)
        return;
    t->refresh(t->owner, sa, ctx);
    schedule(t, sa, ctx);
}

/* A fresh phase 1 between the same peers marks the older SA superseded (a verdict of
 * the older SA changes on a message of the newer one). */
static void note_new_sa(view_tracker_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    g_ptr_array_add(t->sas, (gpointer)sa);
    ike_endpoint_t initiator, responder;
    if (!ike_sa_roles(sa, &initiator, &responder))
        return;
    char a[WS_INET6_ADDRSTRLEN], b[WS_INET6_ADDRSTRLEN];
    char *key = g_strdup_printf("%s>%s", views_address(&initiator, a, sizeof a),
                                views_address(&responder, b, sizeof b));
    const ike_sa_t *older = g_hash_table_lookup(t->newest_by_peers, key);
    g_hash_table_replace(t->newest_by_peers, key, (gpointer)sa);
    if (older)
        refresh(t, older, ctx);
}

/* The shown SA a copy seen at the other capture point belongs to, if it got there. */
static const ike_sa_t *shown_twin(const ike_result_t *res)
{
    ike_capture_t *capture = ikediag_capture();
    uint32_t copy = ike_capture_copy_in(capture, res->frame);
    const ike_result_t *twin = copy ? ike_capture_result_of_frame(capture, copy) : NULL;
    const ike_sa_t *sa = twin && twin->exchange ? ike_exchange_sa(twin->exchange) : NULL;
    return sa && views_sa_shown(sa) ? sa : NULL;
}

const ike_sa_t *tracker_event(view_tracker_t *t, const ike_result_t *res)
{
    ike_diag_context_t ctx;
    ikediag_diag_context(&ctx);
    const ike_sa_t *sa = res && res->exchange ? ike_exchange_sa(res->exchange) : NULL;
    if (sa && !views_sa_shown(sa)) {
        /* the same SA seen at the other capture point: not counted, but its copies
         * change where the shown SA's verdicts say it stopped */
        const ike_sa_t *twin = shown_twin(res);
        if (twin && g_hash_table_contains(t->counts, twin))
            refresh(t, twin, &ctx);
        sa = NULL;
    }
    if (sa) {
        if (!g_hash_table_contains(t->counts, sa))
            note_new_sa(t, sa, &ctx);
        count_message(t, sa, res);
        count_message(t, res->exchange, res);
        refresh(t, sa, &ctx);
    }
    /* Capture time moved on: re-judge the SAs whose silence threshold it crossed. */
    while (ctx.capture_end >= t->earliest) {
        const deadline_t *d = g_sequence_get(g_sequence_get_begin_iter(t->deadlines));
        refresh(t, d->sa, &ctx);
    }
    return sa;
}

/* ---- registration ------------------------------------------------------------------ */

void ikediag_register_views(int proto)
{
    stats_register(proto);
    json_register(proto);
    flow_register(proto);
    filters_register();
    report_register();
}
