/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.c: capture points, copies matched across them, clocks, and where.
 *
 * Owns: one model per capture point, the record of every message's bytes digest, time and
 * addresses while two points exist, the matching of copies, the clock offset and which end
 * each point is at, and the where of an exchange.
 * Must not: number messages or judge causes (the models and diagnose.c do, per point),
 * reorder anything by another point's clock, or know about epan.
 */
#include "capture.h"
#include "model_internal.h"
#include "names.h"

#include <arpa/inet.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Before a second point shows up only this many newest messages are kept: enough for the
 * other point's first copies to find theirs, bounded so a one-point capture keeps nothing
 * that grows. */
#define ONE_POINT_WINDOW 256u
/* The two sightings of one copy are this close once the clocks' offset is taken out: the
 * transit between the points, far below any resend interval (0.5 s and up). */
#define SAME_COPY_TOLERANCE 0.25
/* Offset samples kept per direction; their median is the estimate. */
#define OFFSET_SAMPLES 64u
/* Copies of one message compared when matching, like the model's resend window. */
#define MATCH_WINDOW 32u
/* A hostile capture of endless copies stays bounded: past this, nothing more is matched. */
#define MAX_RECORDS (1u << 22)

typedef struct copy_record {
    uint32_t frame;
    uint32_t match; /* index + 1 of the same copy at another point, 0 if none */
    uint32_t prev_same; /* index + 1 of the previous record with the same digest */
    uint8_t point;
    double time;
    uint64_t digest;
    ike_endpoint_t src, dst;
} copy_record_t;

typedef struct capture_point {
    uint32_t interface_id;
    ike_model_t *model;
    double first_time, last_time;
} capture_point_t;

/* Differences (time at point p) - (time at point 0) of copies seen once at each, split by
 * sender: group 0 is the first sender seen at point 0, group 1 the other end. */
typedef struct offset_samples {
    double d[2][OFFSET_SAMPLES];
    unsigned n[2];
} offset_samples_t;

struct ike_capture {
    ike_model_config_t config;
    capture_point_t points[IKE_MAX_POINTS];
    unsigned n_points;
    bool multi; /* a second point showed up: records are kept and matched */
    GArray *records; /* copy_record_t, in feeding (frame) order */
    GHashTable *newest_by_digest; /* digest -> digest_entry_t */
    ike_endpoint_t first_sender; /* of point 0: the offset's group 0 */
    bool first_sender_known;
    offset_samples_t samples[IKE_MAX_POINTS];
    uint32_t matches;
    bool sides_current; /* side[] was worked out after the newest record */
    char *silent_name; /* a declared interface with no frame at all, beside one point */
    ike_role_t side[IKE_MAX_POINTS];
};

ike_capture_t *ike_capture_new(const ike_model_config_t *config)
{
    ike_capture_t *capture = g_new0(ike_capture_t, 1);
    capture->config = *config;
    capture->records = g_array_new(FALSE, FALSE, sizeof(copy_record_t));
    return capture;
}

void ike_capture_free(ike_capture_t *capture)
{
    if (!capture)
        return;
    for (unsigned p = 0; p < capture->n_points; p++)
        ike_model_free(capture->points[p].model);
    g_array_free(capture->records, TRUE);
    g_free(capture->silent_name);
    if (capture->newest_by_digest)
        g_hash_table_destroy(capture->newest_by_digest);
    g_free(capture);
}

static copy_record_t *record_at(const ike_capture_t *capture, uint32_t index_plus_one)
{
    return index_plus_one ? &g_array_index(capture->records, copy_record_t, index_plus_one - 1) : NULL;
}

/* ---- clocks ----------------------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *values, unsigned n)
{
    double sorted[OFFSET_SAMPLES];
    memcpy(sorted, values, n * sizeof *values);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* Seen where it is sent first: a message of group 0 shows at point p after (offset +
 * transit), one of group 1 before (offset - transit).  Both directions give the offset
 * without the transit; one direction gives it with the transit, a few milliseconds. */
static bool point_offset(const ike_capture_t *capture, unsigned point, double *offset)
{
    if (point == 0 || point >= capture->n_points) {
        *offset = 0;
        return point == 0;
    }
    const offset_samples_t *s = &capture->samples[point];
    if (s->n[0] && s->n[1])
        *offset = (median(s->d[0], s->n[0]) + median(s->d[1], s->n[1])) / 2;
    else if (s->n[0] || s->n[1])
        *offset = s->n[0] ? median(s->d[0], s->n[0]) : median(s->d[1], s->n[1]);
    else
        *offset = 0;
    return s->n[0] || s->n[1];
}

bool ike_capture_clock_offset(ike_capture_t *capture, unsigned point, double *offset)
{
    return point_offset(capture, point, offset);
}

static void add_offset_sample(ike_capture_t *capture, const copy_record_t *a, const copy_record_t *b)
{
    if (a->point > b->point) {
        const copy_record_t *t = a;
        a = b;
        b = t;
    }
    if (a->point != 0)
        return; /* offsets are against point 0 */
    offset_samples_t *s = &capture->samples[b->point];
    unsigned group = !ike_same_address(&a->src, &capture->first_sender);
    if (s->n[group] < OFFSET_SAMPLES)
        s->d[group][s->n[group]++] = b->time - a->time;
}

/* The time of a record on point 0's clock. */
static double common_time(const ike_capture_t *capture, const copy_record_t *r)
{
    double offset;
    point_offset(capture, r->point, &offset);
    return r->time - offset;
}

/* ---- matching ---------------------------------------------------------------------- */

/* The same copy at another point: with the clocks' offset known, the unmatched copy whose
 * time is closest; before it is known, the oldest unmatched one (the n-th copy here is
 * the n-th copy there).  A message sent once and seen once at each point is a clock
 * sample. */
static void match_record(ike_capture_t *capture, uint32_t index_plus_one)
{
    copy_record_t *r = record_at(capture, index_plus_one);
    uint32_t best = 0, candidates = 0, here = 0;
    double best_residual = SAME_COPY_TOLERANCE, r_time = common_time(capture, r);
    bool clocks_known = capture->matches > 0;
    unsigned walked = 0;
    for (uint32_t i = r->prev_same; i && walked < MATCH_WINDOW; i = record_at(capture, i)->prev_same, walked++) {
        const copy_record_t *c = record_at(capture, i);
        if (c->point == r->point) {
            here++;
            continue;
        }
        candidates++;
        if (c->match)
            continue;
        if (!clocks_known) {
            best = i; /* the walk goes newest first: the last one kept is the oldest */
            continue;
        }
        double residual = fabs(r_time - common_time(capture, c));
        if (residual <= best_residual) {
            best_residual = residual;
            best = i;
        }
    }
    if (!best)
        return;
    copy_record_t *c = record_at(capture, best);
    r->match = best;
    c->match = index_plus_one;
    capture->matches++;
    if (candidates == 1 && here == 0)
        add_offset_sample(capture, c, r);
}

/* One entry per distinct digest; the key is its own digest field. */
typedef struct digest_entry {
    uint64_t digest;
    uint32_t newest; /* index + 1 of the newest record with it */
} digest_entry_t;

static void index_record(ike_capture_t *capture, uint32_t index_plus_one)
{
    copy_record_t *r = record_at(capture, index_plus_one);
    digest_entry_t *entry = g_hash_table_lookup(capture->newest_by_digest, &r->digest);
    if (!entry) {
        entry = g_new0(digest_entry_t, 1);
        entry->digest = r->digest;
        g_hash_table_insert(capture->newest_by_digest, &entry->digest, entry);
    }
    r->prev_same = entry->newest;
    entry->newest = index_plus_one;
}

/* The second point: from now on every message is matched; the window kept so far is
 * indexed so the new point's first copies find theirs. */
static void become_multi(ike_capture_t *capture)
{
    capture->multi = true;
    capture->newest_by_digest = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
    for (guint i = 0; i < capture->records->len; i++)
        index_record(capture, i + 1);
}

static void record_message(ike_capture_t *capture, unsigned point, const ike_msg_t *msg)
{
    GArray *records = capture->records;
    if (!capture->multi && records->len == ONE_POINT_WINDOW)
        g_array_remove_range(records, 0, ONE_POINT_WINDOW / 2);
    if (records->len >= MAX_RECORDS)
        return;
    if (!capture->first_sender_known && point == 0) {
        capture->first_sender = msg->src;
        capture->first_sender_known = true;
    }
    copy_record_t r = { .frame = msg->frame, .point = (uint8_t)point, .time = msg->time, .digest = msg->digest,
                        .src = msg->src, .dst = msg->dst };
    g_array_append_val(records, r);
    capture->sides_current = false;
    if (capture->multi) {
        index_record(capture, records->len);
        match_record(capture, records->len);
    }
}

/* ---- points ------------------------------------------------------------------------ */

static unsigned point_of_interface(ike_capture_t *capture, uint32_t interface_id, double time)
{
    for (unsigned p = 0; p < capture->n_points; p++)
        if (capture->points[p].interface_id == interface_id)
            return p;
    if (capture->n_points == IKE_MAX_POINTS)
        return IKE_MAX_POINTS - 1;
    capture_point_t *point = &capture->points[capture->n_points];
    point->interface_id = interface_id;
    point->model = ike_model_new(&capture->config);
    point->first_time = time;
    if (++capture->n_points == 2)
        become_multi(capture);
    return capture->n_points - 1;
}

ike_result_t *ike_capture_add(ike_capture_t *capture, const ike_msg_t *msg, uint32_t interface_id)
{
    unsigned p = point_of_interface(capture, interface_id, msg->time);
    capture_point_t *point = &capture->points[p];
    point->last_time = msg->time;
    if (!msg->in_icmp_error) /* a quoted message was not sent again: not a copy */
        record_message(capture, p, msg);
    return ike_model_add(point->model, msg);
}

struct ike_tunnels *ike_capture_tunnels(const ike_capture_t *capture, uint32_t interface_id)
{
    for (unsigned p = 0; p < capture->n_points; p++)
        if (capture->points[p].interface_id == interface_id)
            return ike_model_tunnels(capture->points[p].model);
    return NULL;
}

ike_result_t *ike_capture_result_of_frame(const ike_capture_t *capture, uint32_t frame)
{
    for (unsigned p = 0; p < capture->n_points; p++) {
        ike_result_t *res = ike_model_result_of_frame(capture->points[p].model, frame);
        if (res)
            return res;
    }
    return NULL;
}

unsigned ike_capture_point_count(const ike_capture_t *capture) { return capture->n_points; }

ike_model_t *ike_capture_model(const ike_capture_t *capture, unsigned point)
{
    return point < capture->n_points ? capture->points[point].model : NULL;
}

uint32_t ike_capture_point_interface(const ike_capture_t *capture, unsigned point)
{
    return point < capture->n_points ? capture->points[point].interface_id : 0;
}

unsigned ike_capture_point_of_frame(const ike_capture_t *capture, uint32_t frame)
{
    for (unsigned p = 1; p < capture->n_points; p++)
        if (ike_model_result_of_frame(capture->points[p].model, frame))
            return p;
    return 0;
}

unsigned ike_capture_point_of_sa(const ike_capture_t *capture, const ike_sa_t *sa)
{
    return ike_capture_point_of_frame(capture, sa->first_frame);
}

void ike_capture_note_silent_point(ike_capture_t *capture, uint32_t interface_id, const char *name)
{
    if (capture->n_points != 1 || capture->silent_name)
        return;
    capture->silent_name = name ? g_strdup(name) : g_strdup_printf("interface %u", interface_id);
}

/* One point beside a silent one: nothing was matched because nothing arrived there. */
static bool beside_silent_point(const ike_capture_t *capture)
{
    return capture->silent_name && capture->n_points == 1;
}

bool ike_capture_two_points(ike_capture_t *capture) { return capture->matches > 0 || beside_silent_point(capture); }

/* ---- copies ------------------------------------------------------------------------ */

/* Records are in frame order: a binary search. */
static copy_record_t *record_of_frame(const ike_capture_t *capture, uint32_t frame)
{
    guint lo = 0, hi = capture->records->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        uint32_t f = g_array_index(capture->records, copy_record_t, mid).frame;
        if (f == frame)
            return &g_array_index(capture->records, copy_record_t, mid);
        if (f < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

uint32_t ike_capture_copy_in(ike_capture_t *capture, uint32_t frame)
{
    const copy_record_t *r = capture->matches ? record_of_frame(capture, frame) : NULL;
    return r && r->match ? record_at(capture, r->match)->frame : 0;
}

/* Another point was already capturing when the copy was sent (on that point's clock).
 * Captures at both ends are stopped together, and a pcapng does not say when: a copy
 * after the other point's last frame counts as lost, one before its first does not. */
static bool other_point_was_listening(const ike_capture_t *capture, const copy_record_t *r)
{
    double t = common_time(capture, r);
    for (unsigned p = 0; p < capture->n_points; p++) {
        double offset;
        point_offset(capture, p, &offset);
        if (p != r->point && t >= capture->points[p].first_time - offset - SAME_COPY_TOLERANCE)
            return true;
    }
    return false;
}

/* Another point saw something later than this copy: had the copy reached it, its twin
 * would be in by now.  Stricter than the above, for what is decided while the file is
 * still being read (which end a point is at). */
static bool other_point_moved_past(const ike_capture_t *capture, const copy_record_t *r)
{
    double t = common_time(capture, r);
    for (unsigned p = 0; p < capture->n_points; p++) {
        double offset;
        point_offset(capture, p, &offset);
        if (p != r->point && capture->points[p].last_time - offset > t + SAME_COPY_TOLERANCE)
            return true;
    }
    return false;
}

bool ike_capture_copy_lost(ike_capture_t *capture, uint32_t frame)
{
    if (beside_silent_point(capture))
        return ike_model_result_of_frame(capture->points[0].model, frame) != NULL;
    const copy_record_t *r = capture->matches ? record_of_frame(capture, frame) : NULL;
    return r && !r->match && other_point_was_listening(capture, r);
}

static bool same_endpoint(const ike_endpoint_t *a, const ike_endpoint_t *b)
{
    return a->port == b->port && ike_same_address(a, b);
}

bool ike_capture_translated(ike_capture_t *capture, uint32_t frame, ike_endpoint_t *src, ike_endpoint_t *dst)
{
    const copy_record_t *r = capture->matches ? record_of_frame(capture, frame) : NULL;
    const copy_record_t *c = r ? record_at(capture, r->match) : NULL;
    if (!c || (same_endpoint(&r->src, &c->src) && same_endpoint(&r->dst, &c->dst)))
        return false;
    *src = c->src;
    *dst = c->dst;
    return true;
}

/* ---- sides ------------------------------------------------------------------------- */

/* The SA role of a record's sender, in the model of its own point. */
static ike_role_t sender_role(const ike_capture_t *capture, const copy_record_t *r)
{
    const ike_result_t *res = ike_model_result_of_frame(capture->points[r->point].model, r->frame);
    return res && res->exchange ? ike_sa_role_of(res->exchange->sa, &r->src) : IKE_ROLE_UNKNOWN;
}

static ike_role_t other_role(ike_role_t role)
{
    return role == IKE_ROLE_INITIATOR ? IKE_ROLE_RESPONDER
         : role == IKE_ROLE_RESPONDER ? IKE_ROLE_INITIATOR
                                      : IKE_ROLE_UNKNOWN;
}

/* Two points: from the clocks when both ends' messages were matched (each end's are seen
 * first at its own point), else from a copy seen at one point only (it is seen where it
 * left) while the other point went on capturing after it.  Worked out again only when
 * something new was recorded. */
static void work_out_sides(ike_capture_t *capture)
{
    if (capture->sides_current)
        return;
    capture->sides_current = true;
    memset(capture->side, 0, sizeof capture->side);
    if (capture->n_points != 2 || !capture->matches)
        return;
    const offset_samples_t *s = &capture->samples[1];
    if (s->n[0] && s->n[1]) {
        /* group 0 is seen later at point 1 than group 1, taking the offset out: its sender
         * is at point 0 */
        bool sender0_at_point0 = median(s->d[0], s->n[0]) > median(s->d[1], s->n[1]);
        ike_role_t role0 = IKE_ROLE_UNKNOWN; /* the role of group 0's sender */
        for (guint i = 0; i < capture->records->len && !role0; i++) {
            const copy_record_t *r = record_at(capture, i + 1);
            if (r->point == 0 && ike_same_address(&r->src, &capture->first_sender))
                role0 = sender_role(capture, r);
        }
        capture->side[0] = sender0_at_point0 ? role0 : other_role(role0);
        capture->side[1] = other_role(capture->side[0]);
        if (capture->side[0])
            return;
    }
    for (guint i = 0; i < capture->records->len; i++) {
        const copy_record_t *r = record_at(capture, i + 1);
        ike_role_t role = r->match ? IKE_ROLE_UNKNOWN : sender_role(capture, r);
        if (role && other_point_moved_past(capture, r)) {
            capture->side[r->point] = role;
            capture->side[!r->point] = other_role(role);
            return;
        }
    }
}

ike_role_t ike_capture_point_side(ike_capture_t *capture, unsigned point)
{
    work_out_sides(capture);
    return point < IKE_MAX_POINTS ? capture->side[point] : IKE_ROLE_UNKNOWN;
}

unsigned ike_capture_view_point(ike_capture_t *capture)
{
    for (unsigned p = 0; p < capture->n_points; p++)
        if (ike_capture_point_side(capture, p) == IKE_ROLE_INITIATOR)
            return p;
    return 0;
}

/* ---- where ------------------------------------------------------------------------- */

/* Some copy of a step's message reached another point (resends share its bytes, so the
 * records with its digest are all its copies). */
static bool step_crossed(const ike_capture_t *capture, const ike_exchange_t *ex, unsigned step)
{
    const ike_result_t *first = ex ? ike_step_first(ex, step) : NULL;
    const copy_record_t *r = first ? record_of_frame(capture, first->frame) : NULL;
    const digest_entry_t *entry = r && capture->newest_by_digest
                                      ? g_hash_table_lookup(capture->newest_by_digest, &r->digest) : NULL;
    unsigned walked = 0;
    for (uint32_t i = entry ? entry->newest : 0; i && walked < 2 * MATCH_WINDOW; i = record_at(capture, i)->prev_same) {
        if (record_at(capture, i)->match)
            return true;
        walked++;
    }
    return false;
}

/* The sender's role in the IKE SA: a Quick Mode's roles are its own (RFC 2409 5.5). */
static ike_role_t sa_role_of_sender(const ike_result_t *res)
{
    const ike_exchange_t *ex = res->exchange;
    bool swapped = ex->kind == IKE_KIND_QUICK && ex->initiator_known && !ex->initiator_is_sa_initiator;
    return swapped ? other_role((ike_role_t)res->role) : (ike_role_t)res->role;
}

/* The same exchange at another point, found through any of its messages' copies. */
static const ike_exchange_t *counterpart(ike_capture_t *capture, const ike_exchange_t *ex)
{
    for (unsigned s = 1; s <= IKE_MAX_STEP; s++) {
        const ike_result_t *copies[2] = { ike_step_first(ex, s), ike_step_last(ex, s) };
        for (unsigned c = 0; c < 2; c++) {
            uint32_t copy = copies[c] ? ike_capture_copy_in(capture, copies[c]->frame) : 0;
            const ike_result_t *res = copy ? ike_capture_result_of_frame(capture, copy) : NULL;
            if (res && res->exchange)
                return res->exchange;
        }
    }
    return NULL;
}

/* The newest message anybody sent in the exchange, as seen at whichever point has it. */
typedef struct newest_message {
    const ike_exchange_t *holder;
    unsigned step;
    bool crossed;
    ike_role_t sender;
    uint16_t port; /* its UDP destination port */
} newest_message_t;

static bool find_newest(ike_capture_t *capture, const ike_exchange_t *ex, newest_message_t *m)
{
    const ike_exchange_t *other = counterpart(capture, ex);
    m->step = MAX(ex->highest_step, other ? other->highest_step : 0);
    if (!m->step)
        return false;
    m->holder = ike_step_first(ex, m->step) ? ex : other;
    /* a Transaction counts steps it does not record, and a counterpart found by digest
     * need not be of the same kind: nothing to place then (found by fuzz_model) */
    const ike_result_t *first = m->holder ? ike_step_first(m->holder, m->step) : NULL;
    if (!first)
        return false;
    const copy_record_t *sent = record_of_frame(capture, first->frame);
    m->crossed = step_crossed(capture, ex, m->step) || step_crossed(capture, other, m->step);
    m->sender = sa_role_of_sender(first);
    m->port = sent ? sent->dst.port : 0; /* beside a silent point only the newest are kept */
    return m->sender != IKE_ROLE_UNKNOWN;
}

ike_where_t ike_capture_where(ike_capture_t *capture, const ike_exchange_t *ex)
{
    unsigned final = ike_kind_final_step((ike_kind_t)ex->kind);
    newest_message_t m;
    if (!ike_capture_two_points(capture) || !final || !find_newest(capture, ex, &m))
        return IKE_WHERE_UNKNOWN;
    bool by_initiator = m.sender == IKE_ROLE_INITIATOR;
    if (!m.crossed)
        return by_initiator ? IKE_WHERE_PATH_TO_RESPONDER : IKE_WHERE_PATH_TO_INITIATOR;
    if (m.step == final) /* it arrived: done, unless it was a refusal (IKEv2 answers so) */
        return ike_result_refusal(ike_step_first(m.holder, final)) == 0 ? IKE_WHERE_NONE
             : by_initiator                                          ? IKE_WHERE_INITIATOR
                                                                     : IKE_WHERE_RESPONDER;
    return by_initiator ? IKE_WHERE_RESPONDER : IKE_WHERE_INITIATOR; /* it got it, went no further */
}

const char *ike_where_name(ike_where_t where)
{
    static const char *const names[] = {
        [IKE_WHERE_UNKNOWN] = NULL,
        [IKE_WHERE_NONE] = "none",
        [IKE_WHERE_PATH_TO_RESPONDER] = "path-to-responder",
        [IKE_WHERE_PATH_TO_INITIATOR] = "path-to-initiator",
        [IKE_WHERE_RESPONDER] = "responder",
        [IKE_WHERE_INITIATOR] = "initiator",
    };
    return (unsigned)where < G_N_ELEMENTS(names) ? names[where] : NULL;
}

const char *ike_where_text(ike_capture_t *capture, const ike_exchange_t *ex, ike_where_t where, char *buf,
                           size_t size)
{
    newest_message_t m;
    char label[16];
    buf[0] = '\0';
    if (where == IKE_WHERE_UNKNOWN || where == IKE_WHERE_NONE || !find_newest(capture, ex, &m))
        return buf;
    ike_step_label((ike_kind_t)ex->kind, m.step, label, sizeof label);
    const char *sender = ike_role_name(m.sender), *receiver = ike_role_name(other_role(m.sender));
    if ((where == IKE_WHERE_PATH_TO_RESPONDER || where == IKE_WHERE_PATH_TO_INITIATOR) && beside_silent_point(capture))
        snprintf(buf, size, "the %s never received %s: it left the %s's end, and the other capture point (%s) holds "
                 "no frame at all (nothing reached it, or it was not capturing)", receiver, label, sender,
                 capture->silent_name);
    else if (where == IKE_WHERE_PATH_TO_RESPONDER || where == IKE_WHERE_PATH_TO_INITIATOR)
        snprintf(buf, size, "the %s never received %s: it left the %s's end and no copy reached the %s's", receiver,
                 label, sender, receiver);
    else if (m.step == ike_kind_final_step((ike_kind_t)ex->kind)) /* a refusal that arrived */
        snprintf(buf, size, "the %s refused the negotiation in %s, and it arrived: the fault is at the %s, not on the path",
                 sender, label, sender);
    else
        snprintf(buf, size, "%s reached the %s, which refused or ignored it: the fault is at the %s, not on the path",
                 label, receiver, receiver);
    return buf;
}

const char *ike_where_check(ike_capture_t *capture, const ike_exchange_t *ex, ike_where_t where, char *buf,
                            size_t size)
{
    newest_message_t m;
    buf[0] = '\0';
    if ((where == IKE_WHERE_PATH_TO_RESPONDER || where == IKE_WHERE_PATH_TO_INITIATOR) && find_newest(capture, ex, &m))
        snprintf(buf, size, "the devices between the peers (firewalls, NAT, routers' ACLs) for UDP %s toward the %s",
                 m.port == 500 ? "500" : m.port == 4500 ? "4500" : "500 and 4500", ike_role_name(other_role(m.sender)));
    return buf;
}

/* ---- a NAT between the points ----------------------------------------------------------- */

static const char *endpoint_text(const ike_endpoint_t *ep, char *buf, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (ep->family == 4 || ep->family == 6)
        inet_ntop(ep->family == 6 ? AF_INET6 : AF_INET, ep->addr, host, sizeof host);
    snprintf(buf, size, ep->family == 6 ? "[%s]:%u" : "%s:%u", host, ep->port);
    return buf;
}

const char *ike_capture_nat_text(ike_capture_t *capture, uint32_t frame, char *buf, size_t size)
{
    buf[0] = '\0';
    const copy_record_t *r = capture->matches ? record_of_frame(capture, frame) : NULL;
    const copy_record_t *c = r ? record_at(capture, r->match) : NULL;
    if (!c)
        return buf;
    /* the end translated: the sender when its source differs, else the receiver */
    bool sender = !same_endpoint(&r->src, &c->src);
    const ike_endpoint_t *here = sender ? &r->src : &r->dst, *there = sender ? &c->src : &c->dst;
    if (same_endpoint(here, there))
        return buf;
    ike_role_t sender_end = sender_role(capture, r);
    ike_role_t translated = sender ? sender_end : other_role(sender_end);
    ike_role_t here_end = ike_capture_point_side(capture, r->point);
    char a[64], b[64];
    if (translated && here_end) /* inside at its own end, outside at the other */
        snprintf(buf, size, "a NAT between the capture points: the %s is %s at its own end and %s at the %s's",
                 ike_role_name(translated), endpoint_text(here_end == translated ? here : there, a, sizeof a),
                 endpoint_text(here_end == translated ? there : here, b, sizeof b),
                 ike_role_name(other_role(translated)));
    else
        snprintf(buf, size, "a NAT between the capture points: %s here is %s at the other point",
                 endpoint_text(here, a, sizeof a), endpoint_text(there, b, sizeof b));
    return buf;
}
