/* stats.c: the per-SA table (-z ikediag,sa[,FILTER], Statistics > IKE SAs) and the
 * machine-readable export (-z ikediag,json[,FILTER], tshark only).
 *
 * The table has no "end of capture" hook, so its rows are rewritten whenever the
 * tracker says an SA's verdicts may have changed; after the last frame every row
 * shows the final verdict.  The export has a draw hook and judges everything there.
 */
#include "views.h"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <stdio.h>

#include "core/names.h"
#include "core/proposal.h"
#include "ikediag.h"

/* ---- the table ------------------------------------------------------------------ */

enum column {
    COL_SA, COL_EXCHANGE, COL_PEERS, COL_INITIATOR, COL_COOKIES, COL_FIRST, COL_LAST, COL_MESSAGES,
    COL_RESENDS, COL_OUTCOME, COL_STALL, COL_CAUSE, COL_OFFERED, COL_CHOSEN, COL_TIME, N_COLUMNS
};

/* tshark prints each cell with its format followed by " |". */
static stat_tap_table_item columns[N_COLUMNS] = {
    [COL_SA] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "SA", "%3u" },
    [COL_EXCHANGE] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Exchange", "%-6s" },
    [COL_PEERS] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Peers", "%-31s" },
    [COL_INITIATOR] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Initiator", "%-15s" },
    [COL_COOKIES] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Cookies / message ID", "%-33s" },
    [COL_FIRST] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "First", "%6u" },
    [COL_LAST] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Last", "%6u" },
    [COL_MESSAGES] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Msgs", "%4u" },
    [COL_RESENDS] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Resends", "%3u" },
    [COL_OUTCOME] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Outcome", "%-8s" },
    [COL_STALL] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Stall", "%-5s" },
    [COL_CAUSE] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Cause", "%-18s" },
    [COL_OFFERED] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Offered", "%s" },
    [COL_CHOSEN] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Chosen", "%s" },
    [COL_TIME] = { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Time to complete", "%9s" },
};

static tap_param table_params[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };

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
    g_snprintf(buf, sizeof buf, "%.3f s", seconds);
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

/* The cells every row has: outcome, stall point, cause. */
static void verdict_cells(stat_tap_table_item_type *items, const char *outcome, const exchange_view_t *judged)
{
    items[COL_OUTCOME] = string_item(outcome);
    items[COL_STALL] = string_item(judged->stall[0] ? judged->stall : NULL);
    items[COL_CAUSE] = string_item(judged->cause);
}

static void put_sa_row(stat_tap_table *table, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    char buf[512];
    sa_view_t view;
    views_describe_sa(sa, ctx, &view);
    message_counts_t counts = tracker_counts(table_tracker, sa, NULL);
    stat_tap_table_item_type items[N_COLUMNS];
    items[COL_SA] = uint_item(sa->number);
    g_snprintf(buf, sizeof buf, "SA %s", sa->phase1 ? ike_kind_abbrev((ike_kind_t)sa->phase1->kind) : "");
    items[COL_EXCHANGE] = string_item(g_strchomp(buf));
    items[COL_PEERS] = string_item(views_peers(sa, buf, sizeof buf));
    items[COL_INITIATOR] = string_item(sa->roles_known ? views_address(&sa->initiator, buf, sizeof buf) : NULL);
    items[COL_COOKIES] = string_item(views_cookies(sa, buf, sizeof buf));
    items[COL_FIRST] = uint_item(sa->first_frame);
    items[COL_LAST] = uint_item(sa->last_frame);
    items[COL_MESSAGES] = uint_item(counts.messages);
    items[COL_RESENDS] = uint_item(counts.resends);
    verdict_cells(items, view.outcome, &view.judged);
    items[COL_OFFERED] = string_item(views_offered(sa->phase1, buf, sizeof buf));
    items[COL_CHOSEN] = string_item(views_chosen(sa->phase1, buf, sizeof buf));
    items[COL_TIME] = time_item(view.seconds);
    put_row(table, 0, items);
}

static void put_quick_row(stat_tap_table *table, guint row, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    char buf[512];
    exchange_view_t view;
    views_describe_exchange(ex, ctx, &view);
    message_counts_t counts = tracker_counts(table_tracker, ex->sa, ex);
    stat_tap_table_item_type items[N_COLUMNS];
    items[COL_SA] = uint_item(ex->sa->number);
    items[COL_EXCHANGE] = string_item(view.name);
    items[COL_PEERS] = string_item(views_peers(ex->sa, buf, sizeof buf));
    items[COL_INITIATOR] = string_item(ex->initiator_known ? views_address(&ex->initiator, buf, sizeof buf) : NULL);
    g_snprintf(buf, sizeof buf, "message ID 0x%08x", (guint32)ex->key);
    items[COL_COOKIES] = string_item(buf);
    items[COL_FIRST] = uint_item(ex->first_frame);
    items[COL_LAST] = uint_item(ex->last_frame);
    items[COL_MESSAGES] = uint_item(counts.messages);
    items[COL_RESENDS] = uint_item(counts.resends);
    verdict_cells(items, view.outcome, &view);
    items[COL_OFFERED] = string_item(views_offered(ex, buf, sizeof buf)); /* with keys only */
    items[COL_CHOSEN] = string_item(views_chosen(ex, buf, sizeof buf));
    items[COL_TIME] = time_item(view.seconds);
    put_row(table, row, items);
}

static stat_tap_table *table_of(stat_tap_table_ui *ui, const ike_sa_t *sa)
{
    stat_tap_table *table = g_hash_table_lookup(table_by_sa, GUINT_TO_POINTER(sa->number));
    if (!table) {
        char title[32];
        g_snprintf(title, sizeof title, TABLE_TITLE, sa->number);
        /* Titles are not freed with their table: intern them (one per SA number). */
        table = stat_tap_init_table(g_intern_string(title), N_COLUMNS, 0, NULL);
        stat_tap_add_table(ui, table);
        g_hash_table_insert(table_by_sa, GUINT_TO_POINTER(sa->number), table);
    }
    return table;
}

/* Tracker callback: rewrite the rows of one SA from the model. */
static void refresh_sa_rows(void *owner, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    stat_tap_table *table = table_of(owner, sa);
    put_sa_row(table, sa, ctx);
    guint row = 0;
    for (const ike_exchange_t *ex = sa->exchanges; ex && row < VIEWS_MAX_QUICK; ex = ex->next_in_sa)
        if (ex->kind == IKE_KIND_QUICK)
            put_quick_row(table, ++row, ex, ctx);
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
        REGISTER_PACKET_STAT_GROUP_UNSORTED, "IKE SAs (ikediag)", "ikediag", "ikediag,sa",
        table_init, table_packet, table_reset, table_free_item, NULL,
        N_COLUMNS, columns, G_N_ELEMENTS(table_params), table_params, NULL, 0,
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
    json_string(s, "check", rule ? rule->check : NULL);
    json_string(s, "cisco_log", rule ? rule->cisco_log : NULL);
}

static void json_exchange(GString *s, const view_tracker_t *t, const ike_exchange_t *ex, const ike_diag_context_t *ctx)
{
    exchange_view_t v;
    views_describe_exchange(ex, ctx, &v);
    message_counts_t counts = tracker_counts(t, ex->sa, ex);
    g_string_append_c(s, '{');
    json_string(s, "exchange", v.name);
    json_string(s, "outcome", v.outcome);
    json_uint(s, "first_frame", ex->first_frame);
    json_uint(s, "last_frame", ex->last_frame);
    json_uint(s, "messages", counts.messages);
    json_uint(s, "resends", counts.resends);
    json_seconds(s, "seconds", v.seconds);
    json_verdict(s, &v);
    char buf[512];
    json_string(s, "offered", views_offered(ex, buf, sizeof buf));
    json_string(s, "chosen", views_chosen(ex, buf, sizeof buf));
    json_string(s, "proxy_ids", ex->proxy_ids ? ike_format_proxy_ids(ex->proxy_ids, ex->n_proxy_ids, buf, sizeof buf)
                                               : NULL);
    g_string_append_c(s, '}');
}

static void json_sa_fields(GString *s, const view_tracker_t *t, const ike_sa_t *sa, const sa_view_t *view)
{
    char buf[512];
    message_counts_t counts = tracker_counts(t, sa, NULL);
    json_uint(s, "sa", sa->number);
    json_string(s, "peers", views_peers(sa, buf, sizeof buf));
    json_string(s, "initiator", sa->roles_known ? views_address(&sa->initiator, buf, sizeof buf) : NULL);
    json_string(s, "responder", sa->roles_known ? views_address(&sa->responder, buf, sizeof buf) : NULL);
    g_snprintf(buf, sizeof buf, "%016" G_GINT64_MODIFIER "x", sa->icookie);
    json_string(s, "icookie", buf);
    g_snprintf(buf, sizeof buf, "%016" G_GINT64_MODIFIER "x", sa->rcookie);
    json_string(s, "rcookie", buf);
    json_string(s, "mode", sa->phase1 ? ike_kind_abbrev((ike_kind_t)sa->phase1->kind) : NULL);
    json_uint(s, "first_frame", sa->first_frame);
    json_uint(s, "last_frame", sa->last_frame);
    json_uint(s, "messages", counts.messages);
    json_uint(s, "resends", counts.resends);
    json_string(s, "outcome", view->outcome);
    json_string(s, "judged", view->judged.exchange ? view->judged.name : NULL);
    json_verdict(s, &view->judged);
    json_string(s, "offered", views_offered(sa->phase1, buf, sizeof buf));
    json_string(s, "chosen", views_chosen(sa->phase1, buf, sizeof buf));
    json_seconds(s, "seconds", view->seconds);
}

static void json_print_sa(const view_tracker_t *t, const ike_sa_t *sa, const ike_diag_context_t *ctx)
{
    sa_view_t view;
    views_describe_sa(sa, ctx, &view);
    GString *s = g_string_new("{");
    json_sa_fields(s, t, sa, &view);
    json_key(s, "exchanges");
    g_string_append_c(s, '[');
    unsigned quick = 0;
    for (const ike_exchange_t *ex = sa->exchanges; ex; ex = ex->next_in_sa) {
        if (!ike_kind_final_step((ike_kind_t)ex->kind) || (ex->kind == IKE_KIND_QUICK && ++quick > VIEWS_MAX_QUICK))
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

static void json_init(const char *opt_arg, void *userdata _U_)
{
#define JSON_CLI "ikediag,json"
    const char *filter = g_str_has_prefix(opt_arg, JSON_CLI ",") ? opt_arg + strlen(JSON_CLI ",") : NULL;
    view_tracker_t *tracker = tracker_new(NULL, NULL);
    GString *error = register_tap_listener("ikediag", tracker, filter, TL_REQUIRES_NOTHING, json_reset, json_packet,
                                           json_draw, json_finish);
    if (error) {
        fprintf(stderr, "tshark: Couldn't register ikediag,json: %s\n", error->str);
        g_string_free(error, TRUE);
        tracker_free(tracker);
        exit(1);
    }
}

void json_register(int proto _U_)
{
    static tap_param params[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };
    static stat_tap_ui ui = { REGISTER_PACKET_STAT_GROUP_UNSORTED, "IKE SAs as JSON lines (ikediag)", JSON_CLI,
                              json_init, G_N_ELEMENTS(params), params };
    register_stat_tap_ui(&ui, NULL);
}
