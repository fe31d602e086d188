/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.c: the ladder diagram (-z flow,ikediag,network; Statistics > Flow Graph).
 *
 * One arrow per ISAKMP message, labelled MM#n/AM#n/QM#n/INFO with resends marked; the
 * comment names the SA and, on the frame that shows it, each exchange's verdict.  In a
 * file merged from two capture points, one arrow per send, "(lost)" when it never got
 * to the other point.  ESP is drawn one arrow per burst ("ESP ×40"), so the ladder stays
 * readable: a burst is one child's ESP in one direction, and it ends when its IKE SA
 * draws an arrow (a DPD, a rekey, a Delete) or after the silence threshold without ESP.
 *
 * During a single pass a verdict can move to a later frame or change when silence
 * passes the threshold, so the items of the current run are kept by frame and their
 * comments rewritten (tracker callback).  (Taps run after a frame is marked visited,
 * so PINFO_FD_VISITED cannot tell the first pass from a later one.)
 */
#include "views.h"

#include "compat.h"

#include <epan/tap.h>

#include "core/names.h"
#include "ikediag.h"

/* The items of the current single-pass run, to rewrite comments as verdicts change. */
typedef struct flow_item {
    seq_analysis_item_t *sai;
    const ike_result_t *res;
} flow_item_t;

/* One arrow for a run of ESP frames of one child in one direction. */
typedef struct esp_burst {
    seq_analysis_item_t *sai;
    guint sa_arrows; /* its IKE SA's arrows when the burst last grew */
    guint32 packets, last_frame;
    guint64 bytes;
    double first_time, last_time;
} esp_burst_t;

static struct {
    const seq_analysis_info_t *sainfo; /* the run the items belong to */
    guint n_items; /* items we added to it */
    guint32 last_frame;
    GHashTable *items; /* frame number -> flow_item_t */
    GHashTable *verdict_frame; /* exchange -> frame whose comment carries its verdict */
    GHashTable *bursts; /* burst_key() -> the esp_burst_t growing now */
    GHashTable *sa_arrows; /* ike_sa_t -> IKE arrows drawn for it */
    view_tracker_t *tracker;
} run;

/* "SA 1 MM stalled at MM#5: psk-mismatch (pre-shared key mismatch)". */
static void append_verdict(GString *s, const ike_exchange_t *ex, const ike_diag_context_t *ctx, uint32_t frame)
{
    exchange_view_t v;
    views_describe_exchange(ex, ctx, &v);
    if (!v.outcome || v.verdict.frame != frame)
        return;
    g_string_append_printf(s, "; %s %s", v.name, v.outcome);
    if (v.stall[0])
        g_string_append_printf(s, " at %s", v.stall);
    if (v.verdict.rule)
        g_string_append_printf(s, ": %s (%s)", v.cause, v.verdict.rule->summary);
    else if (v.verdict.outcome == IKE_OUTCOME_CUT)
        g_string_append(s, " (capture ends)");
    else if (v.verdict.outcome == IKE_OUTCOME_ORPHAN)
        g_string_append(s, " (request not in capture)");
}

static gchar *comment_of(const ike_result_t *res, const ike_diag_context_t *ctx)
{
    if (!res->exchange)
        return g_strdup(res->notes & IKE_NOTE_ICMP_ERROR ? "quotes an IKE message: nothing listens there"
                                                         : "not analysed");
    GString *s = g_string_new(NULL);
    g_string_printf(s, "SA %u", ike_sa_number(ike_exchange_sa(res->exchange)));
    const char *notify = res->notify ? ike_version_notify_name(ike_kind_version((ike_kind_t)res->kind), res->notify) : NULL;
    if (notify)
        g_string_append_printf(s, " %s", notify);
    if (ike_kind_judged(ike_exchange_kind(res->exchange)))
        append_verdict(s, res->exchange, ctx, res->frame);
    if (res->answers && res->answers != res->exchange)
        append_verdict(s, res->answers, ctx, res->frame);
    return g_string_free(s, FALSE);
}

static void rewrite_comment(uint32_t frame, const ike_diag_context_t *ctx)
{
    flow_item_t *item = g_hash_table_lookup(run.items, GUINT_TO_POINTER(frame));
    if (!item)
        return;
    g_free(item->sai->comment);
    item->sai->comment = comment_of(item->res, ctx);
}

/* Tracker callback: move each exchange's verdict to its current frame. */
static void refresh_sa_comments(void *owner _U_, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex; ex = ike_exchange_next(ex)) {
        if (!ike_kind_judged(ike_exchange_kind(ex)))
            continue;
        ike_verdict_t v;
        ike_diagnose(ex, ctx, &v);
        uint32_t old = GPOINTER_TO_UINT(g_hash_table_lookup(run.verdict_frame, ex));
        g_hash_table_insert(run.verdict_frame, (gpointer)ex, GUINT_TO_POINTER(v.frame));
        rewrite_comment(v.frame, ctx);
        if (old && old != v.frame)
            rewrite_comment(old, ctx);
    }
}

static void forget_run(void)
{
    if (run.items)
        g_hash_table_destroy(run.items);
    if (run.verdict_frame)
        g_hash_table_destroy(run.verdict_frame);
    if (run.bursts)
        g_hash_table_destroy(run.bursts);
    if (run.sa_arrows)
        g_hash_table_destroy(run.sa_arrows);
    tracker_free(run.tracker);
    memset(&run, 0, sizeof run);
}

/* Items are owned by the flow graph, which frees them on a reset we do not see (a
 * GUI retap).  A retap starts again from the first frame with fewer items: forget the
 * old run's pointers before touching anything. */
static void follow_run(const seq_analysis_info_t *sainfo, guint32 frame)
{
    if (run.sainfo == sainfo && frame > run.last_frame && g_queue_get_length(sainfo->items) >= run.n_items) {
        run.last_frame = frame;
        return;
    }
    forget_run();
    run.sainfo = sainfo;
    run.last_frame = frame;
    run.items = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    run.verdict_frame = g_hash_table_new(g_direct_hash, g_direct_equal);
    run.bursts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    run.sa_arrows = g_hash_table_new(g_direct_hash, g_direct_equal);
    run.tracker = tracker_new(refresh_sa_comments, NULL);
}

/* An arrow from this frame's addresses and ports, in the row of its IKE SA (0: none);
 * the caller labels it. */
static seq_analysis_item_t *new_arrow(packet_info *pinfo, seq_analysis_info_t *sainfo, const ike_sa_t *sa)
{
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai)
        return NULL;
    sai->frame_number = pinfo->num;
    sequence_analysis_use_color_filter(pinfo, sai);
    sai->port_src = (guint16)pinfo->srcport;
    sai->port_dst = (guint16)pinfo->destport;
    sai->conv_num = (guint16)(sa ? ike_sa_number(sa) : 0);
    sai->line_style = 1;
    sai->display = TRUE;
    g_queue_push_tail(sainfo->items, sai);
    run.n_items++;
    return sai;
}

static seq_analysis_item_t *add_item(packet_info *pinfo, seq_analysis_info_t *sainfo, const ike_result_t *res)
{
    char label[32];
    seq_analysis_item_t *sai = new_arrow(pinfo, sainfo, res->exchange ? ike_exchange_sa(res->exchange) : NULL);
    if (!sai)
        return NULL;
    views_message_label(res, label, sizeof label);
    ike_capture_t *capture = ikediag_capture();
    sai->frame_label = capture && ike_capture_copy_lost(capture, res->frame) ? g_strconcat(label, " (lost)", NULL)
                                                                            : g_strdup(label);
    return sai;
}

/* Two capture points: one arrow per send.  The shown point's copies draw it; a copy seen
 * only at the other point (lost before it reached the shown one) draws its own. */
static bool shows(const ike_result_t *res)
{
    ike_capture_t *capture = ikediag_capture();
    return !res->exchange || views_sa_shown(ike_exchange_sa(res->exchange))
        || !ike_capture_copy_in(capture, res->frame);
}

/* A child's direction: its address with the direction in the low bit (exchanges are
 * aligned), or the flow itself for ESP no negotiation made. */
static gconstpointer burst_key(const ike_esp_flow_t *flow)
{
    const ike_exchange_t *child = ike_esp_flow_child(flow);
    return child ? (gconstpointer)((guintptr)child | (guintptr)ike_esp_flow_dir(flow)) : (gconstpointer)flow;
}

static guint sa_arrows(const ike_sa_t *sa)
{
    return sa ? GPOINTER_TO_UINT(g_hash_table_lookup(run.sa_arrows, sa)) : 0;
}

/* "ESP ×12" and "SA 1 QM1 ESP I→R: 12 packets, 1440 bytes, frames 10-40, 11.2 s". */
static void describe_burst(esp_burst_t *b, const ike_esp_flow_t *flow)
{
    const ike_exchange_t *child = ike_esp_flow_child(flow);
    char name[16];
    g_free(b->sai->frame_label);
    g_free(b->sai->comment);
    b->sai->frame_label = g_strdup_printf("ESP ×%u", b->packets);
    GString *s = g_string_new(NULL);
    if (child)
        g_string_printf(s, "SA %u %s ESP %s: ", ike_sa_number(ike_exchange_sa(child)),
                        ike_exchange_name(child, name, sizeof name), ike_esp_dir_name(ike_esp_flow_dir(flow)));
    else
        g_string_printf(s, "ESP SPI 0x%08x, no negotiation in the capture: ", ike_esp_flow_spi(flow));
    g_string_append_printf(s, "%u packet%s, %" G_GUINT64_FORMAT " bytes", b->packets, b->packets == 1 ? "" : "s",
                           b->bytes);
    if (b->packets > 1)
        g_string_append_printf(s, ", frames %u-%u, %.1f s", b->sai->frame_number, b->last_frame,
                               b->last_time - b->first_time);
    else
        g_string_append_printf(s, ", frame %u", b->last_frame);
    b->sai->comment = g_string_free(s, FALSE);
}

/* An ESP frame joins its direction's burst, or starts one: after its IKE SA drew an
 * arrow, or after the silence threshold without ESP. */
static bool add_esp(packet_info *pinfo, seq_analysis_info_t *sainfo, const ike_esp_flow_t *flow,
                    const ike_esp_msg_t *esp, const ike_diag_context_t *ctx)
{
    const ike_exchange_t *child = ike_esp_flow_child(flow);
    const ike_sa_t *sa = child ? ike_exchange_sa(child) : NULL;
    if (sa && !views_sa_shown(sa))
        return false;
    esp_burst_t *b = g_hash_table_lookup(run.bursts, burst_key(flow));
    bool grows = b && b->sa_arrows == sa_arrows(sa) && esp->time - b->last_time <= ctx->silence_threshold;
    if (!grows) {
        seq_analysis_item_t *sai = new_arrow(pinfo, sainfo, sa);
        if (!sai)
            return false;
        b = g_new0(esp_burst_t, 1);
        *b = (esp_burst_t){ .sai = sai, .first_time = esp->time };
        g_hash_table_insert(run.bursts, (gpointer)burst_key(flow), b);
    }
    b->sa_arrows = sa_arrows(sa);
    b->packets++;
    b->bytes += esp->length;
    b->last_frame = esp->frame;
    b->last_time = esp->time;
    describe_burst(b, flow);
    return !grows;
}

static tap_packet_status flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                                     tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = tapdata;
    const ike_result_t *res = data;
    ike_diag_context_t ctx;
    ikediag_diag_context(&ctx);
    follow_run(sainfo, pinfo->num);
    const ike_esp_flow_t *flow;
    ike_esp_msg_t esp;
    if (!res && ikediag_tapped_esp(pinfo->num, &flow, &esp)) {
        tracker_event(run.tracker, NULL);
        return add_esp(pinfo, sainfo, flow, &esp, &ctx) ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
    }
    seq_analysis_item_t *sai = res && shows(res) ? add_item(pinfo, sainfo, res) : NULL;
    if (sai) {
        sai->comment = comment_of(res, &ctx);
        flow_item_t *item = g_new(flow_item_t, 1);
        *item = (flow_item_t){ sai, res };
        g_hash_table_insert(run.items, GUINT_TO_POINTER(pinfo->num), item);
        const ike_sa_t *sa = res->exchange ? ike_exchange_sa(res->exchange) : NULL;
        if (sa)
            g_hash_table_insert(run.sa_arrows, (gpointer)sa, GUINT_TO_POINTER(sa_arrows(sa) + 1));
    }
    tracker_event(run.tracker, res);
    return sai ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

void flow_register(int proto)
{
    register_seq_analysis("ikediag", "IKE and ESP (ikediag)", proto, "ikediag", TL_REQUIRES_NOTHING, flow_packet);
    register_cleanup_routine(forget_run);
}
