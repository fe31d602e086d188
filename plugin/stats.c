/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats.c: the per-SA table (-z ikediag,sa[,FILTER], Statistics > IKE SAs) and the
 * machine-readable export (-z ikediag,json[,FILTER], tshark only).
 *
 * The table has no "end of capture" hook, so its rows are rewritten whenever the
 * tracker says an SA's verdicts may have changed; after the last frame every row
 * shows the final verdict.  The export has a draw hook and judges everything there.
 */
#include "views.h"

#include "compat.h"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <math.h>
#include <stdio.h>

#include "core/names.h"
#include "core/proposal.h"
#include "core/tunnel.h"
#include "ikediag.h"

/* ---- the table ------------------------------------------------------------------ */

/* Verdict first: what a reader opens the table for, then where and when. */
enum column {
    COL_SA, COL_EXCHANGE, COL_OUTCOME, COL_STALL, COL_CAUSE, COL_DIAGNOSIS, COL_VERDICT_IN, COL_PEERS,
    COL_INITIATOR, COL_FIRST, COL_LAST, COL_MESSAGES, COL_RESENDS, COL_TIME, COL_OFFERED, COL_CHOSEN, COL_COOKIES,
    COL_WHERE, COL_TUNNEL, COL_ESP, N_COLUMNS
};

/* tshark prints each cell with its format followed by " |". */
static stat_tap_table_item columns[N_COLUMNS] = {
    [COL_SA] = { .type = TABLE_ITEM_UINT, .align = TAP_ALIGN_RIGHT, .column_name = "SA", .field_format = "%3u" },
    [COL_EXCHANGE] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Exchange", .field_format = "%-6s" },
    [COL_OUTCOME] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Outcome", .field_format = "%-8s" },
    [COL_STALL] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Stall", .field_format = "%-5s" },
    [COL_CAUSE] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Cause", .field_format = "%-18s" },
    [COL_DIAGNOSIS] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Diagnosis", .field_format = "%-30s" },
    [COL_VERDICT_IN] = { .type = TABLE_ITEM_UINT, .align = TAP_ALIGN_RIGHT, .column_name = "Verdict in", .field_format = "%6u" },
    [COL_PEERS] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Peers", .field_format = "%-31s" },
    [COL_INITIATOR] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Initiator", .field_format = "%-15s" },
    [COL_FIRST] = { .type = TABLE_ITEM_UINT, .align = TAP_ALIGN_RIGHT, .column_name = "First", .field_format = "%6u" },
    [COL_LAST] = { .type = TABLE_ITEM_UINT, .align = TAP_ALIGN_RIGHT, .column_name = "Last", .field_format = "%6u" },
    [COL_MESSAGES] = { .type = TABLE_ITEM_UINT, .align = TAP_ALIGN_RIGHT, .column_name = "Msgs", .field_format = "%4u" },
    [COL_RESENDS] = { .type = TABLE_ITEM_UINT, .align = TAP_ALIGN_RIGHT, .column_name = "Resends", .field_format = "%3u" },
    [COL_TIME] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_RIGHT, .column_name = "Time to complete", .field_format = "%9s" },
    [COL_OFFERED] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Offered", .field_format = "%s" },
    [COL_CHOSEN] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Chosen", .field_format = "%s" },
    [COL_COOKIES] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Cookies / message ID", .field_format = "%s" },
    /* last, so readers of the older columns by position are not disturbed (0.5) */
    [COL_WHERE] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Where", .field_format = "%s" },
    /* appended in 0.6: a complete child's ESP (tunnel.h) */
    [COL_TUNNEL] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Tunnel", .field_format = "%s" },
    [COL_ESP] = { .type = TABLE_ITEM_STRING, .align = TAP_ALIGN_LEFT, .column_name = "Encaps / decaps", .field_format = "%s" },
};

static tap_param table_params[] = {
    { .type = PARAM_FILTER, .name = "filter", .title = "Filter", .optional = TRUE },
};

static view_tracker_t *table_tracker;
static GHashTable *table_by_sa; /* SA number -> its stat_tap_table */

#define TABLE_TITLE "IKE SA %u"

static stat_tap_table_item_type uint_item(guint value)
{
    return (stat_tap_table_item_type){ .type = TABLE_ITEM_UINT, .value.uint_value = value };
}

static stat_tap_table_item_type string_item(const char *value)
{
    return (stat_tap_table_item_type){ .type = TABLE_ITEM_STRING, .value.string_value = g_strdup(value ? value : "-") };
}

static stat_tap_table_item_type time_item(double seconds)
{
    char buf[32];
    if (seconds < 0)
        return string_item("-");
    snprintf(buf, sizeof buf, "%.3f s", seconds);
    return string_item(buf);
}

static void free_strings(stat_tap_table_item_type *items, guint n)
{
    for (guint i = 0; i < n; i++)
        if (items[i].type == TABLE_ITEM_STRING) {
            g_free((char *)items[i].value.string_value);
            items[i].value.string_value = NULL;
        }
}

static void put_row(stat_tap_table *table, guint row, stat_tap_table_item_type *items)
{
    if (row < table->num_elements)
        free_strings(stat_tap_get_field_data(table, row, 0), N_COLUMNS);
    stat_tap_init_table_row(table, row, N_COLUMNS, items);
}

/* An exchange listed while it waited (an INFORMATIONAL request) leaves the list once
 * answered: the rows past the list go.  stat_tap_init_table_row() grows the table one
 * g_new0'd row at a time, so shrinking it frees those rows the same way. */
static void drop_rows_from(stat_tap_table *table, guint first)
{
    if (first >= table->num_elements)
        return;
    for (guint row = first; row < table->num_elements; row++) {
        free_strings(stat_tap_get_field_data(table, row, 0), N_COLUMNS);
        g_free(table->elements[row]);
        table->elements[row] = NULL;
    }
    table->num_elements = first;
}

/* The cells every row has: outcome, stall point, cause, its words, and the frame that
 * carries the verdict (Go to Packet: the stat-table API gives rows no actions). */
static void verdict_cells(stat_tap_table_item_type *items, const char *outcome, const exchange_view_t *judged)
{
    items[COL_OUTCOME] = string_item(outcome);
    items[COL_STALL] = string_item(judged->stall[0] ? judged->stall : NULL);
    items[COL_CAUSE] = string_item(judged->cause);
    items[COL_DIAGNOSIS] = string_item(judged->verdict.rule ? judged->verdict.rule->summary : NULL);
    items[COL_VERDICT_IN] = uint_item(judged->exchange ? judged->verdict.frame : 0);
    items[COL_WHERE] = string_item(judged->where);
    items[COL_TUNNEL] = string_item(NULL);
    items[COL_ESP] = string_item(NULL);
}

/* A complete child's ESP, as its initiator's 'show crypto ipsec sa' would count it. */
static void tunnel_cells(stat_tap_table_item_type *items, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    ike_tunnel_verdict_t v;
    const ike_model_t *model = ikediag_model();
    if (!model)
        return;
    ike_tunnel_judge(ike_model_tunnels(model), ex, ctx, &v);
    const char *state = ike_tunnel_state_name(&v);
    if (!state)
        return;
    char buf[48];
    g_free((char *)items[COL_TUNNEL].value.string_value);
    g_free((char *)items[COL_ESP].value.string_value);
    items[COL_TUNNEL] = string_item(state);
    snprintf(buf, sizeof buf, "%u / %u", v.dir[IKE_ESP_I_TO_R].packets, v.dir[IKE_ESP_R_TO_I].packets);
    items[COL_ESP] = string_item(buf);
}

static void put_sa_row(stat_tap_table *table, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    char buf[512];
    sa_view_t view;
    views_describe_sa(sa, ctx, &view);
    message_counts_t counts = tracker_counts(table_tracker, sa, NULL);
    stat_tap_table_item_type items[N_COLUMNS];
    items[COL_SA] = uint_item(ike_sa_number(sa));
    const char *mode = views_phase1_mode(sa);
    snprintf(buf, sizeof buf, "SA %s", ike_sa_version(sa) == 2 ? "IKEv2" : mode ? mode : "");
    items[COL_EXCHANGE] = string_item(g_strchomp(buf));
    items[COL_PEERS] = string_item(views_peers(sa, buf, sizeof buf));
    items[COL_INITIATOR] = string_item(views_role_address(sa, IKE_ROLE_INITIATOR, buf, sizeof buf));
    items[COL_COOKIES] = string_item(views_cookies(sa, buf, sizeof buf));
    ike_span_t span = ike_sa_span(sa);
    items[COL_FIRST] = uint_item(span.first_frame);
    items[COL_LAST] = uint_item(span.last_frame);
    items[COL_MESSAGES] = uint_item(counts.messages);
    items[COL_RESENDS] = uint_item(counts.resends);
    verdict_cells(items, view.outcome, &view.judged);
    ike_tunnel_verdict_t tunnel;
    const ike_exchange_t *child;
    const ike_model_t *model = ikediag_model();
    if (model && ike_tunnel_judge_sa(ike_model_tunnels(model), sa, ctx, &tunnel, &child))
        tunnel_cells(items, child, ctx); /* the SA row: its most worrying child's */
    items[COL_OFFERED] = string_item(ike_exchange_offered(ike_sa_negotiation(sa), buf, sizeof buf));
    items[COL_CHOSEN] = string_item(ike_exchange_chosen(ike_sa_negotiation(sa), buf, sizeof buf));
    items[COL_TIME] = time_item(view.seconds);
    put_row(table, 0, items);
}

static void put_quick_row(stat_tap_table *table, guint row, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    char buf[512];
    exchange_view_t view;
    views_describe_exchange(ex, ctx, &view);
    message_counts_t counts = tracker_counts(table_tracker, ike_exchange_sa(ex), ex);
    stat_tap_table_item_type items[N_COLUMNS];
    items[COL_SA] = uint_item(ike_sa_number(ike_exchange_sa(ex)));
    items[COL_EXCHANGE] = string_item(view.name);
    items[COL_PEERS] = string_item(views_peers(ike_exchange_sa(ex), buf, sizeof buf));
    ike_endpoint_t initiator;
    bool initiator_known = ike_exchange_initiator(ex, &initiator);
    items[COL_INITIATOR] = string_item(initiator_known ? views_address(&initiator, buf, sizeof buf) : NULL);
    snprintf(buf, sizeof buf, "message ID 0x%08x", ike_exchange_message_id(ex));
    items[COL_COOKIES] = string_item(buf);
    ike_span_t span = ike_exchange_span(ex);
    items[COL_FIRST] = uint_item(span.first_frame);
    items[COL_LAST] = uint_item(span.last_frame);
    items[COL_MESSAGES] = uint_item(counts.messages);
    items[COL_RESENDS] = uint_item(counts.resends);
    verdict_cells(items, view.outcome, &view);
    tunnel_cells(items, ex, ctx);
    items[COL_OFFERED] = string_item(ike_exchange_offered(ex, buf, sizeof buf)); /* with keys only */
    items[COL_CHOSEN] = string_item(ike_exchange_chosen(ex, buf, sizeof buf));
    items[COL_TIME] = time_item(view.seconds);
    put_row(table, row, items);
}

static stat_tap_table *table_of(stat_tap_table_ui *ui, const ike_sa_t *sa)
{
    stat_tap_table *table = g_hash_table_lookup(table_by_sa, GUINT_TO_POINTER(ike_sa_number(sa)));
    if (!table) {
        char title[32];
        snprintf(title, sizeof title, TABLE_TITLE, ike_sa_number(sa));
        /* Titles are not freed with their table: intern them (one per SA number). */
        table = stat_tap_init_table(g_intern_string(title), N_COLUMNS, 0, NULL);
        stat_tap_add_table(ui, table);
        g_hash_table_insert(table_by_sa, GUINT_TO_POINTER(ike_sa_number(sa)), table);
    }
    return table;
}

/* Tracker callback: rewrite the rows of one SA from the model. */
static void refresh_sa_rows(void *owner, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    stat_tap_table *table = table_of(owner, sa);
    put_sa_row(table, sa, ctx);
    guint row = 0;
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex && row < VIEWS_MAX_QUICK; ex = ike_exchange_next(ex))
        if (views_exchange_listed(ex, ctx))
            put_quick_row(table, ++row, ex, ctx);
    drop_rows_from(table, row + 1);
}

static stat_tap_table_ui *table_ui; /* the registered table, once tshark or the GUI opened it */

static void table_init(stat_tap_table_ui *ui)
{
    table_ui = ui;
    if (!table_tracker)
        table_tracker = tracker_new(refresh_sa_rows, ui);
    if (!table_by_sa)
        table_by_sa = g_hash_table_new(g_direct_hash, g_direct_equal);
    /* The GUI resets the tables before the first packet, while ui->tables is still NULL. */
    if (!ui->tables)
        ui->tables = g_array_new(FALSE, TRUE, sizeof(stat_tap_table *));
    /* Tables may survive from an earlier run (the GUI frees them separately). */
    g_hash_table_remove_all(table_by_sa);
    for (guint i = 0; ui->tables && i < ui->tables->len; i++) {
        stat_tap_table *table = g_array_index(ui->tables, stat_tap_table *, i);
        guint number;
        if (sscanf(table->title, TABLE_TITLE, &number) == 1)
            g_hash_table_insert(table_by_sa, GUINT_TO_POINTER(number), table);
    }
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    stat_data_t *stat_data = tapdata;
    if (!table_tracker || !table_by_sa)
        table_init(stat_data->stat_tap_data);
    return tracker_event(table_tracker, data) ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void table_reset(stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; row++) {
        stat_tap_table_item_type *items = stat_tap_get_field_data(table, row, 0);
        free_strings(items, table->num_fields);
        for (guint i = 0; i < table->num_fields; i++)
            items[i] = items[i].type == TABLE_ITEM_STRING ? string_item("") : uint_item(0);
    }
    if (table_tracker)
        tracker_reset(table_tracker);
}

static void table_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_,
                            stat_tap_table_item_type *field)
{
    free_strings(field, 1);
}

/* The table's tracker lives as long as the process; free it at shutdown, before the
 * plugin is unloaded (tshark never calls a table's free callback for it, and valgrind
 * reports what an unloaded plugin's statics pointed to as definitely lost). */
static void table_shutdown(void)
{
    if (table_tracker)
        tracker_free(table_tracker);
    table_tracker = NULL;
    if (table_by_sa)
        g_hash_table_destroy(table_by_sa);
    table_by_sa = NULL;
    if (table_ui && table_ui->tables) {
        free_stat_tables(table_ui);
        if (table_ui->tables)
            g_array_free(table_ui->tables, TRUE);
        table_ui->tables = NULL;
    }
}

void stats_register(int proto _U_)
{
    register_shutdown_routine(table_shutdown);
    static stat_tap_table_ui ui = {
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
        .title = "IKE SAs (ikediag)",
        .tap_name = "ikediag",
        .cli_string = "ikediag,sa",
        .stat_tap_init_cb = table_init,
        .packet_func = table_packet,
        .stat_tap_reset_table_cb = table_reset,
        .stat_tap_free_table_item_cb = table_free_item,
        .nfields = N_COLUMNS,
        .fields = columns,
        .nparams = G_N_ELEMENTS(table_params),
        .params = table_params,
    };
    register_stat_tap_table_ui(&ui);
}

/* ---- the JSON export -------------------------------------------------------------- */

/* One JSON object per IKE SA and line, for ikediag-scan; keys are a public interface. */
#define JSON_HEADER "# ikediag json 1"

static void json_key(GString *s, const char *key)
{
    char last = s->len ? s->str[s->len - 1] : '{';
    g_string_append_printf(s, "%s\"%s\":", last == '{' || last == '[' ? "" : ",", key);
}

static void json_string(GString *s, const char *key, const char *value)
{
    json_key(s, key);
    if (!value || !value[0]) {
        g_string_append(s, "null");
        return;
    }
    g_string_append_c(s, '"');
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(s, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(s, "\\u%04x", *p);
        else
            g_string_append_c(s, (char)*p);
    }
    g_string_append_c(s, '"');
}

static void json_uint(GString *s, const char *key, guint64 value)
{
    json_key(s, key);
    g_string_append_printf(s, "%" G_GUINT64_FORMAT, value);
}

static void json_seconds(GString *s, const char *key, double seconds)
{
    json_key(s, key);
    if (seconds < 0)
        g_string_append(s, "null");
    else
        g_string_append_printf(s, "%.6f", seconds);
}

/* Absolute time of a frame (epoch seconds, as the model keeps them) in UTC ISO 8601 with
 * microseconds, e.g. "2026-05-03T20:08:41.123456Z". */
static void json_time(GString *s, const char *key, double epoch)
{
    json_key(s, key);
    gint64 usec = (gint64)floor(epoch * 1e6 + 0.5);
    gint64 secs = usec >= 0 ? usec / 1000000 : -((-usec + 999999) / 1000000);
    GDateTime *dt = g_date_time_new_from_unix_utc(secs);
    if (!dt) {
        g_string_append(s, "null");
        return;
    }
    gchar *text = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    g_string_append_printf(s, "\"%s.%06dZ\"", text, (int)(usec - secs * 1000000));
    g_free(text);
    g_date_time_unref(dt);
}

static void json_span(GString *s, ike_span_t span)
{
    json_uint(s, "first_frame", span.first_frame);
    json_uint(s, "last_frame", span.last_frame);
    json_time(s, "first_time", span.first_time);
    json_time(s, "last_time", span.last_time);
}

/* Outcome, stall point, cause and its words, evidence: the same for an SA and an exchange. */
static void json_verdict(GString *s, const exchange_view_t *v)
{
    const ike_rule_t *rule = v->verdict.rule;
    char evidence[256] = "";
    if (v->exchange && (v->verdict.outcome == IKE_OUTCOME_STALLED || v->verdict.outcome == IKE_OUTCOME_CUT))
        ike_evidence_text(v->exchange, &v->verdict, evidence, sizeof evidence);
    json_string(s, "stall", v->stall);
    json_string(s, "cause", v->cause);
    json_string(s, "summary", rule ? rule->summary : NULL);
    json_string(s, "evidence", evidence);
    json_key(s, "evidence_frames");
    g_string_append_c(s, '[');
    for (unsigned i = 0; i < v->verdict.n_evidence; i++)
        g_string_append_printf(s, "%s%u", i ? "," : "", v->verdict.evidence_frames[i]);
    g_string_append_c(s, ']');
    json_string(s, "candidates", rule ? rule->candidates : NULL);
    char path_check[256] = "";
    ike_capture_t *capture = ikediag_capture();
    if (rule && capture && v->where) /* the path at fault: the devices between, not the peers */
        ike_where_check(capture, v->exchange, ike_capture_where(capture, v->exchange), path_check, sizeof path_check);
    json_string(s, "check", path_check[0] ? path_check : rule ? rule->check : NULL);
    json_string(s, "cisco_log", rule ? rule->cisco_log : NULL);
    json_string(s, "where", v->where);
}

static void json_direction(GString *s, const char *key, const ike_esp_stats_t *d)
{
    json_key(s, key);
    g_string_append_c(s, '{');
    json_uint(s, "packets", d->packets);
    json_uint(s, "bytes", d->bytes);
    json_uint(s, "missing", d->missing);
    json_key(s, "first_frame");
    g_string_append_printf(s, d->packets ? "%u" : "null", d->first_frame);
    json_key(s, "last_frame");
    g_string_append_printf(s, d->packets ? "%u" : "null", d->last_frame);
    g_string_append_c(s, '}');
}

/* A child's ESP: null unless it is a complete child (tunnel.h). */
static void json_tunnel(GString *s, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    ike_tunnel_verdict_t v;
    const ike_model_t *model = ikediag_model();
    if (model)
        ike_tunnel_judge(ike_model_tunnels(model), ex, ctx, &v);
    json_key(s, "tunnel");
    if (!model || !ike_tunnel_state_name(&v)) {
        g_string_append(s, "null");
        return;
    }
    char text[1536];
    g_string_append_c(s, '{');
    json_string(s, "state", ike_tunnel_state_name(&v));
    json_string(s, "cause", v.rule->cause);
    json_string(s, "silent", v.rule->cause && v.silent ? ike_role_name(v.silent) : NULL);
    json_uint(s, "encaps", v.dir[IKE_ESP_I_TO_R].packets);
    json_uint(s, "decaps", v.dir[IKE_ESP_R_TO_I].packets);
    json_direction(s, "i_to_r", &v.dir[IKE_ESP_I_TO_R]);
    json_direction(s, "r_to_i", &v.dir[IKE_ESP_R_TO_I]);
    json_key(s, "ambiguous");
    g_string_append(s, v.ambiguous ? "true" : "false");
    json_string(s, "text", ike_tunnel_text(ex, &v, text, sizeof text));
    g_string_append_c(s, '}');
}

static void json_exchange(GString *s, const view_tracker_t *t, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    exchange_view_t v;
    views_describe_exchange(ex, ctx, &v);
    message_counts_t counts = tracker_counts(t, ike_exchange_sa(ex), ex);
    g_string_append_c(s, '{');
    json_string(s, "exchange", v.name);
    json_string(s, "outcome", v.outcome);
    json_span(s, ike_exchange_span(ex));
    json_uint(s, "messages", counts.messages);
    json_uint(s, "resends", counts.resends);
    json_seconds(s, "seconds", v.seconds);
    json_verdict(s, &v);
    char buf[512];
    json_string(s, "offered", ike_exchange_offered(ex, buf, sizeof buf));
    json_string(s, "chosen", ike_exchange_chosen(ex, buf, sizeof buf));
    json_string(s, "proxy_ids", ike_exchange_proxy_ids(ex, buf, sizeof buf));
    json_tunnel(s, ex, ctx);
    g_string_append_c(s, '}');
}

static void json_sa_fields(GString *s, const view_tracker_t *t, const ike_sa_t *sa, const sa_view_t *view,
                           const ike_diag_context_t *ctx)
{
    char buf[512];
    message_counts_t counts = tracker_counts(t, sa, NULL);
    json_uint(s, "sa", ike_sa_number(sa));
    /* Unknown roles: null, as every key without a value (the table shows "?"). */
    ike_endpoint_t initiator, responder;
    json_string(s, "peers", ike_sa_roles(sa, &initiator, &responder) ? views_peers(sa, buf, sizeof buf) : NULL);
    json_string(s, "initiator", views_role_address(sa, IKE_ROLE_INITIATOR, buf, sizeof buf));
    json_string(s, "responder", views_role_address(sa, IKE_ROLE_RESPONDER, buf, sizeof buf));
    uint64_t icookie, rcookie;
    ike_sa_cookies(sa, &icookie, &rcookie);
    snprintf(buf, sizeof buf, "%016" G_GINT64_MODIFIER "x", icookie);
    json_string(s, "icookie", buf);
    snprintf(buf, sizeof buf, "%016" G_GINT64_MODIFIER "x", rcookie);
    json_string(s, "rcookie", buf);
    json_uint(s, "version", ike_sa_version(sa));
    json_string(s, "mode", views_phase1_mode(sa));
    json_span(s, ike_sa_span(sa));
    json_uint(s, "messages", counts.messages);
    json_uint(s, "resends", counts.resends);
    json_string(s, "outcome", view->outcome);
    json_string(s, "judged", view->judged.exchange ? view->judged.name : NULL);
    json_verdict(s, &view->judged);
    json_string(s, "offered", ike_exchange_offered(ike_sa_negotiation(sa), buf, sizeof buf));
    json_string(s, "chosen", ike_exchange_chosen(ike_sa_negotiation(sa), buf, sizeof buf));
    json_seconds(s, "seconds", view->seconds);
    ike_tunnel_verdict_t tunnel;
    const ike_exchange_t *child;
    const ike_model_t *model = ikediag_model();
    bool has_tunnel = model && ike_tunnel_judge_sa(ike_model_tunnels(model), sa, ctx, &tunnel, &child);
    json_string(s, "tunnel", has_tunnel ? ike_tunnel_state_name(&tunnel) : NULL); /* its worst child's */
    double offset;
    json_key(s, "clock_offset"); /* the other capture point's clock minus this one's */
    if (views_clock_offset(&offset))
        g_string_append_printf(s, "%.6f", offset);
    else
        g_string_append(s, "null");
}

static void json_print_sa(const view_tracker_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    sa_view_t view;
    views_describe_sa(sa, ctx, &view);
    GString *s = g_string_new("{");
    json_sa_fields(s, t, sa, &view, ctx);
    json_key(s, "exchanges");
    g_string_append_c(s, '[');
    unsigned listed = 0;
    for (const ike_exchange_t *ex = ike_sa_first_exchange(sa); ex; ex = ike_exchange_next(ex)) {
        if ((ex != ike_sa_opening(sa) && !views_exchange_listed(ex, ctx)) || ++listed > VIEWS_MAX_QUICK)
            continue;
        if (s->str[s->len - 1] != '[')
            g_string_append_c(s, ',');
        json_exchange(s, t, ex, ctx);
    }
    g_string_append(s, "]}");
    puts(s->str);
    g_string_free(s, TRUE);
}

static tap_packet_status json_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    tracker_event(tapdata, data);
    return TAP_PACKET_DONT_REDRAW;
}

static void json_reset(void *tapdata)
{
    tracker_reset(tapdata);
}

/* Drawn after the last frame: the model and the capture's end are final. */
static void json_draw(void *tapdata)
{
    ike_diag_context_t ctx;
    ikediag_diag_context(&ctx);
    puts(JSON_HEADER);
    const GPtrArray *sas = tracker_sas(tapdata);
    for (guint i = 0; i < sas->len; i++)
        json_print_sa(tapdata, g_ptr_array_index(sas, i), &ctx);
}

static void json_finish(void *tapdata)
{
    tracker_free(tapdata);
}

#define JSON_CLI "ikediag,json"

static gboolean json_start(const char *opt_arg)
{
    const char *filter = g_str_has_prefix(opt_arg, JSON_CLI ",") ? opt_arg + strlen(JSON_CLI ",") : NULL;
    view_tracker_t *tracker = tracker_new(NULL, NULL);
    GString *error = register_tap_listener("ikediag", tracker, filter, TL_REQUIRES_NOTHING, json_reset, json_packet,
                                           json_draw, json_finish);
    if (error) {
        fprintf(stderr, "tshark: Couldn't register ikediag,json: %s\n", error->str);
        g_string_free(error, TRUE);
        tracker_free(tracker);
        return FALSE;
    }
    return TRUE;
}

void json_register(int proto _U_)
{
    static const compat_cli_command_t json = { JSON_CLI, "IKE SAs as JSON lines (ikediag)", json_start };
    compat_register_cli(&json);
}
