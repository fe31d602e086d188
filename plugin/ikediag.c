/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ikediag.c: plugin entry points, preferences, file-scoped state, the post-dissector.
 *
 * Owns: the model's lifetime (one per capture file, created in the init routine and
 * freed in the cleanup routine), feeding it on the first pass, and storing each
 * frame's result so every later pass renders the same thing.
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "compat.h"
#include "extract.h"
#include "ikediag.h"
#include "render.h"
#include "core/tunnel.h"

#ifndef VERSION
#error "VERSION is the project version, defined by CMakeLists.txt"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

/* The ESP frame just dissected, for the views its tap event reaches (taps run after the
 * frame's dissection, before the next frame's). */
static struct {
    uint32_t frame;
    const ike_esp_flow_t *flow;
    ike_esp_msg_t esp;
} tapped_esp;

static int proto_ikediag = -1;
static int ikediag_tap = -1;
static int expert_tap = -1; /* epan's, to know whether expert infos have a reader */
static dissector_handle_t ikediag_handle;

/* Preferences; the apply callback refuses values outside these bounds. */
#define SILENCE_DEFAULT 10
#define SILENCE_MAX 86400
#define MAX_SAS_DEFAULT 500000
static guint pref_silence_seconds = SILENCE_DEFAULT;
static guint pref_max_sas = MAX_SAS_DEFAULT;
static compat_pref_bool_t pref_explain = TRUE;

/* File scope: the capture points with their models, and the time of the newest frame. */
static ike_capture_t *capture;
/* Frames of any kind per interface on the first pass, to find a capture point that saw
 * nothing at all (capture.h: ike_capture_note_silent_point). */
#define COUNTED_INTERFACES 8u
static guint32 frames_on_interface[COUNTED_INTERFACES];
static gboolean silent_points_known;
static double capture_end;
static gboolean capture_end_known;

ike_capture_t *ikediag_capture(void) { return capture; }

/* The model of the point the views show (the only one in a one-point capture). */
ike_model_t *ikediag_model(void)
{
    return capture && ike_capture_point_count(capture) ? ike_capture_model(capture, ike_capture_view_point(capture))
                                                       : NULL;
}
int ikediag_tap_id(void) { return ikediag_tap; }

void ikediag_diag_context(ike_diag_context_t *ctx)
{
    ctx->capture_end = capture_end;
    ctx->silence_threshold = pref_silence_seconds;
    ctx->partial = false;
}

static void init_file_state(void)
{
    ike_model_config_t config = { .max_sas = pref_max_sas };
    capture = ike_capture_new(&config);
    capture_end = 0;
    capture_end_known = FALSE;
    memset(frames_on_interface, 0, sizeof frames_on_interface);
    silent_points_known = FALSE;
    memset(&tapped_esp, 0, sizeof tapped_esp);
    expert_tap = find_tap_id("expert");
}

static void cleanup_file_state(void)
{
    ike_capture_free(capture);
    capture = NULL;
    memset(&tapped_esp, 0, sizeof tapped_esp); /* its flow went with the capture */
}

/* Once the first pass is over: a file merged from two captures whose second interface
 * holds no frame at all, beside the one that saw IKE, is a capture point nothing reached.
 * Only the simplest shape is believed: exactly two declared interfaces. */
static void find_silent_point(packet_info *pinfo)
{
    silent_points_known = TRUE;
    if (!capture || ike_capture_point_count(capture) != 1)
        return;
    guint32 declared = 0, silent = 0, silent_id = 0;
    for (guint32 id = 0; id < COUNTED_INTERFACES; id++) {
        if (!compat_interface_name(pinfo, id))
            continue; /* not in the file, or unnamed: not believed */
        declared++;
        if (frames_on_interface[id] == 0) {
            silent++;
            silent_id = id;
        }
    }
    if (declared == 2 && silent == 1)
        ike_capture_note_silent_point(capture, silent_id, compat_interface_name(pinfo, silent_id));
}

static void note_frame_time(packet_info *pinfo)
{
    guint32 id = compat_interface_id(pinfo);
    frames_on_interface[MIN(id, COUNTED_INTERFACES - 1)]++;
    double t = nstime_to_sec(&pinfo->abs_ts);
    if (!capture_end_known || t > capture_end) {
        capture_end = t;
        capture_end_known = TRUE;
    }
}

/* The views re-judge silence-based verdicts as capture time passes (views.c): a frame
 * without an IKE result is a NULL tap event, queued only when a view listens. */
static int tick_views(packet_info *pinfo)
{
    if (have_tap_listener(ikediag_tap))
        tap_queue_packet(ikediag_tap, pinfo, NULL);
    return 0;
}

bool ikediag_tapped_esp(uint32_t frame, const ike_esp_flow_t **flow, ike_esp_msg_t *esp)
{
    if (!tapped_esp.flow || tapped_esp.frame != frame)
        return false;
    *flow = tapped_esp.flow;
    *esp = tapped_esp.esp;
    return true;
}

/* An ESP frame: counted on the first pass, tied to its child on every pass that shows it
 * or that a view reads. */
static int dissect_esp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    ike_tunnels_t *tunnels = capture ? ike_capture_tunnels(capture, compat_interface_id(pinfo)) : NULL;
    ike_esp_msg_t esp;
    gboolean first_pass = !PINFO_FD_VISITED(pinfo), view = have_tap_listener(ikediag_tap);
    if (!tunnels || (!first_pass && !tree && !view) || !extract_esp(pinfo, tvb, &esp))
        return tick_views(pinfo);
    const ike_esp_flow_t *flow = first_pass ? ike_tunnels_add_esp(tunnels, &esp) : ike_tunnels_find(tunnels, &esp);
    if (flow && tree)
        render_esp(tvb, pinfo, tree, tunnels, flow, pref_silence_seconds);
    if (flow && view) {
        tapped_esp.frame = pinfo->num;
        tapped_esp.flow = flow;
        tapped_esp.esp = esp;
    }
    tick_views(pinfo);
    /* accepted: epan would otherwise take ikediag off the frame's layers again, once per
     * ESP frame (and the frame does carry an ikediag subtree) */
    return flow ? (int)tvb_captured_length(tvb) : 0;
}

static int dissect_ikediag(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!PINFO_FD_VISITED(pinfo))
        note_frame_time(pinfo); /* silence is measured to the end of the capture, ESP included */
    else if (!silent_points_known)
        find_silent_point(pinfo);
    extract_kind_t kind = extract_frame_kind(pinfo);
    if (kind != EXTRACT_ISAKMP)
        return kind == EXTRACT_ESP ? dissect_esp(tvb, pinfo, tree) : tick_views(pinfo);

    if (!capture)
        return tick_views(pinfo);
    /* the models keep results by frame: no per-frame proto data */
    ike_result_t *res = ike_capture_result_of_frame(capture, pinfo->num);
    if (!res && !PINFO_FD_VISITED(pinfo)) {
        ike_msg_t msg;
        if (!extract_message(pinfo, tvb, &msg))
            return tick_views(pinfo);
        res = ike_capture_add(capture, &msg, compat_interface_id(pinfo));
    }
    if (!res)
        return tick_views(pinfo);

    render_options_t opt = { .explain = pref_explain, .final = PINFO_FD_VISITED(pinfo), .capture = capture };
    ikediag_diag_context(&opt.diag);
    if (!opt.final) { /* single pass: the capture as read up to this frame */
        opt.diag.capture_end = nstime_to_sec(&pinfo->abs_ts);
        opt.diag.partial = true;
    }
    /* Nobody reads a frame without tree, columns or expert tap (tshark -2's first pass,
     * -q without -z expert), except the GUI's expert indicator, fed by warnings. */
    if (tree || pinfo->cinfo || have_tap_listener(expert_tap) || (!opt.final && render_warns(res, &opt)))
        render_result(tvb, pinfo, tree, res, &opt);
    tap_queue_packet(ikediag_tap, pinfo, res);
    return tvb_captured_length(tvb);
}

static void apply_preferences(void)
{
    if (pref_silence_seconds == 0 || pref_silence_seconds > SILENCE_MAX) {
        report_failure("ikediag.silence_seconds must be 1..%u seconds (got %u); using %u.", SILENCE_MAX,
                       pref_silence_seconds, SILENCE_DEFAULT);
        pref_silence_seconds = SILENCE_DEFAULT;
    }
}

static void proto_register_ikediag(void)
{
    proto_ikediag = proto_register_protocol("IKE diagnosis", "IKEDIAG", "ikediag");
    render_register_fields(proto_ikediag);

    module_t *prefs = prefs_register_protocol(proto_ikediag, apply_preferences);
    prefs_register_uint_preference(prefs, "silence_seconds", "Seconds of silence that make a stall",
                                   "An exchange with no resend and no reply is 'stalled' after this many seconds "
                                   "of capture without progress, and 'cut' when the capture ends sooner (1..86400).",
                                   10, &pref_silence_seconds);
    prefs_register_uint_preference(prefs, "max_sas", "Most IKE SAs to track per capture",
                                   "Past this many SAs new ones are not tracked (one expert note says so); "
                                   "bounds memory on hostile captures. 0 means no limit.",
                                   10, &pref_max_sas);
    prefs_register_bool_preference(prefs, "explain", "Explain each message",
                                   "Add ikediag.explain: what each IKE message carries and does.", &pref_explain);

    ikediag_handle = register_dissector("ikediag", dissect_ikediag, proto_ikediag);
    register_postdissector(ikediag_handle);
    register_init_routine(init_file_state);
    register_cleanup_routine(cleanup_file_state);
    ikediag_tap = register_tap("ikediag");
    ikediag_register_views(proto_ikediag);
}

static void proto_reg_handoff_ikediag(void)
{
    extract_resolve_protocols();
}

void plugin_register(void)
{
    static proto_plugin plugin = {
        .register_protoinfo = proto_register_ikediag,
        .register_handoff = proto_reg_handoff_ikediag,
    };
    proto_register_plugin(&plugin);
}
