/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_capture.c: two capture points in one file: copies, losses, clocks and where.
 *
 * Each test writes down what each host sent and which copies crossed the path, then
 * "captures" it at both ends (the sender's end at once, the other end after 2 ms of
 * transit, on its own clock) and merges the two by timestamp, as mergecap does. */
#include "builders.h"
#include "model_internal.h"
#include "capture.h"

#include <glib.h>
#include <math.h>

#define TRANSIT 0.002
#define MAX_SENDS 32

typedef struct send {
    ike_msg_t msg;
    double time; /* on the initiator's clock */
    bool lost; /* never reached the other end */
} send_t;

typedef struct sighting {
    ike_msg_t msg;
    uint32_t interface_id;
    double at; /* on the capturing point's clock */
    unsigned send; /* index into the sends */
} sighting_t;

typedef struct two_points {
    send_t sends[MAX_SENDS];
    unsigned n_sends;
    double clock; /* the initiator's */
    conv_t conv; /* for the builders: addresses, cookies */
    ike_capture_t *capture;
    uint32_t frame_of[MAX_SENDS][2]; /* the frame of each send at point (interface) 0 and 1 */
} two_points_t;

static void tp_init(two_points_t *tp)
{
    memset(tp, 0, sizeof *tp);
    conv_init(&tp->conv, NULL, 0x1111222233334444ull, PEER_A);
    ike_model_config_t config = { 0 };
    tp->capture = ike_capture_new(&config);
}

static void tp_send(two_points_t *tp, ike_msg_t msg, double dt, bool lost)
{
    g_assert_cmpuint(tp->n_sends, <, MAX_SENDS);
    tp->clock += dt;
    tp->sends[tp->n_sends++] = (send_t){ .msg = msg, .time = tp->clock, .lost = lost };
}

static int by_time(const void *a, const void *b)
{
    double x = ((const sighting_t *)a)->at, y = ((const sighting_t *)b)->at;
    return (x > y) - (x < y);
}

/* Interface 0 is at the initiator (PEER_A), interface 1 at the responder; the responder's
 * clock runs `offset` seconds ahead.  With `one_point`, only interface 0 was captured. */
static void tp_capture(two_points_t *tp, double offset, bool one_point)
{
    sighting_t seen[2 * MAX_SENDS];
    unsigned n = 0;
    for (unsigned i = 0; i < tp->n_sends; i++) {
        const send_t *s = &tp->sends[i];
        bool from_a = s->msg.src.addr[3] == 1;
        uint32_t near = from_a ? 0 : 1;
        seen[n++] = (sighting_t){ s->msg, near, s->time + (near ? offset : 0), i };
        if (!s->lost)
            seen[n++] = (sighting_t){ s->msg, !near, s->time + TRANSIT + (near ? 0 : offset), i };
    }
    qsort(seen, n, sizeof *seen, by_time);
    uint32_t frame = 0;
    for (unsigned k = 0; k < n; k++) {
        if (one_point && seen[k].interface_id == 1)
            continue;
        ike_msg_t m = seen[k].msg;
        m.frame = ++frame;
        m.time = seen[k].at;
        ike_capture_add(tp->capture, &m, seen[k].interface_id);
        tp->frame_of[seen[k].send][seen[k].interface_id] = m.frame;
    }
}

static const ike_exchange_t *first_exchange(two_points_t *tp, unsigned point)
{
    const ike_sa_t *sa = ike_model_first_sa(ike_capture_model(tp->capture, point));
    g_assert_nonnull(sa);
    return sa->exchanges;
}

static void main_mode(two_points_t *tp, unsigned last_step, unsigned lost_step, unsigned copies_of_lost)
{
    for (unsigned step = 1; step <= last_step; step++) {
        bool lost = step == lost_step;
        for (unsigned copy = 0; copy < (lost ? copies_of_lost : 1); copy++)
            tp_send(tp, build_mm(&tp->conv, step), copy ? 1.0 * copy : 0.01, lost);
    }
}

static void test_complete_with_clock_offset(void)
{
    two_points_t tp;
    tp_init(&tp);
    main_mode(&tp, 6, 0, 0);
    tp_capture(&tp, 2.5, false);
    g_assert_cmpuint(ike_capture_point_count(tp.capture), ==, 2);
    g_assert_true(ike_capture_two_points(tp.capture));
    for (unsigned i = 0; i < tp.n_sends; i++) { /* every copy linked to its twin, both ways */
        g_assert_cmpuint(ike_capture_copy_in(tp.capture, tp.frame_of[i][0]), ==, tp.frame_of[i][1]);
        g_assert_cmpuint(ike_capture_copy_in(tp.capture, tp.frame_of[i][1]), ==, tp.frame_of[i][0]);
        g_assert_false(ike_capture_copy_lost(tp.capture, tp.frame_of[i][0]));
        const ike_result_t *at_responder = ike_capture_result_of_frame(tp.capture, tp.frame_of[i][1]);
        g_assert_cmpuint(at_responder->retrans_of, ==, 0); /* a copy is not a resend */
        g_assert_cmpuint(at_responder->step, ==, i + 1);
    }
    double offset;
    g_assert_true(ike_capture_clock_offset(tp.capture, 1, &offset));
    g_assert_cmpfloat(fabs(offset - 2.5), <, 0.001);
    g_assert_cmpint(ike_capture_point_side(tp.capture, 0), ==, IKE_ROLE_INITIATOR);
    g_assert_cmpint(ike_capture_point_side(tp.capture, 1), ==, IKE_ROLE_RESPONDER);
    g_assert_cmpuint(ike_capture_view_point(tp.capture), ==, 0);
    g_assert_cmpint(ike_capture_where(tp.capture, first_exchange(&tp, 0)), ==, IKE_WHERE_NONE);
    g_assert_cmpint(ike_capture_where(tp.capture, first_exchange(&tp, 1)), ==, IKE_WHERE_NONE);
    ike_capture_free(tp.capture);
}

/* MM#5 resent three times, no copy arrives: the path to the responder. */
static void test_lost_on_the_way_to_the_responder(void)
{
    two_points_t tp;
    tp_init(&tp);
    main_mode(&tp, 5, 5, 3);
    tp_capture(&tp, -4.0, false);
    for (unsigned i = 4; i < 7; i++) {
        g_assert_cmpuint(ike_capture_copy_in(tp.capture, tp.frame_of[i][0]), ==, 0);
        g_assert_true(ike_capture_copy_lost(tp.capture, tp.frame_of[i][0]));
    }
    g_assert_false(ike_capture_copy_lost(tp.capture, tp.frame_of[3][1])); /* MM#4 arrived */
    g_assert_cmpint(ike_capture_point_side(tp.capture, 0), ==, IKE_ROLE_RESPONDER);
    /* the responder's point comes first in the file (its clock is 4 s behind), yet the
     * views show the initiator's */
    g_assert_cmpuint(ike_capture_point_interface(tp.capture, 0), ==, 1);
    unsigned view = ike_capture_view_point(tp.capture);
    g_assert_cmpuint(ike_capture_point_interface(tp.capture, view), ==, 0);
    ike_where_t where = ike_capture_where(tp.capture, first_exchange(&tp, view));
    g_assert_cmpint(where, ==, IKE_WHERE_PATH_TO_RESPONDER);
    char text[256];
    ike_where_text(tp.capture, first_exchange(&tp, view), where, text, sizeof text);
    g_assert_nonnull(strstr(text, "the responder never received MM#5"));
    ike_where_check(tp.capture, first_exchange(&tp, view), where, text, sizeof text);
    g_assert_nonnull(strstr(text, "UDP 500 toward the responder")); /* MM#5 on 500: no NAT-T in the builders */
    g_assert_cmpstr(ike_where_name(where), ==, "path-to-responder");
    ike_capture_free(tp.capture);
}

/* MM#2 never reaches the initiator, which resends MM#1; the responder answers each copy. */
static void test_answer_lost_on_the_way_back(void)
{
    two_points_t tp;
    tp_init(&tp);
    for (unsigned copy = 0; copy < 3; copy++) {
        tp_send(&tp, build_mm(&tp.conv, 1), copy ? 1.0 : 0.0, false);
        tp_send(&tp, build_mm(&tp.conv, 2), 0.01, true);
    }
    tp_capture(&tp, 0.7, false);
    g_assert_cmpint(ike_capture_where(tp.capture, first_exchange(&tp, 0)), ==, IKE_WHERE_PATH_TO_INITIATOR);
    /* each copy of MM#1 found its own twin, though all three are the same bytes */
    for (unsigned i = 0; i < 6; i += 2)
        g_assert_cmpuint(ike_capture_copy_in(tp.capture, tp.frame_of[i][0]), ==, tp.frame_of[i][1]);
    /* at the responder, the second MM#1 is a resend of the first there, not of frame 1 */
    const ike_result_t *second = ike_capture_result_of_frame(tp.capture, tp.frame_of[2][1]);
    g_assert_cmpuint(second->retrans_of, ==, tp.frame_of[0][1]);
    ike_capture_free(tp.capture);
}

/* A middle copy lost: the copies around it still pair with their own twins. */
static void test_middle_copy_lost(void)
{
    two_points_t tp;
    tp_init(&tp);
    main_mode(&tp, 2, 0, 0);
    tp_send(&tp, build_mm(&tp.conv, 3), 0.01, false);
    tp_send(&tp, build_mm(&tp.conv, 3), 1.0, true);
    tp_send(&tp, build_mm(&tp.conv, 3), 2.0, false);
    tp_capture(&tp, 1.3, false);
    g_assert_cmpuint(ike_capture_copy_in(tp.capture, tp.frame_of[2][0]), ==, tp.frame_of[2][1]);
    g_assert_true(ike_capture_copy_lost(tp.capture, tp.frame_of[3][0]));
    g_assert_cmpuint(ike_capture_copy_in(tp.capture, tp.frame_of[4][0]), ==, tp.frame_of[4][1]);
    /* MM#3 reached the responder, which never answered */
    g_assert_cmpint(ike_capture_where(tp.capture, first_exchange(&tp, 0)), ==, IKE_WHERE_RESPONDER);
    char text[256];
    ike_where_check(tp.capture, first_exchange(&tp, 0), IKE_WHERE_RESPONDER, text, sizeof text);
    g_assert_cmpstr(text, ==, ""); /* an endpoint fault: the rule's own checks stand */
    ike_where_text(tp.capture, first_exchange(&tp, 0), IKE_WHERE_RESPONDER, text, sizeof text);
    g_assert_nonnull(strstr(text, "MM#3 reached the responder, which refused or ignored it"));
    ike_capture_free(tp.capture);
}

/* One capture point: nothing of this layer shows. */
static void test_one_point(void)
{
    two_points_t tp;
    tp_init(&tp);
    main_mode(&tp, 5, 5, 3);
    tp_capture(&tp, 0, true);
    g_assert_cmpuint(ike_capture_point_count(tp.capture), ==, 1);
    g_assert_false(ike_capture_two_points(tp.capture));
    g_assert_false(ike_capture_copy_lost(tp.capture, tp.frame_of[4][0]));
    g_assert_cmpint(ike_capture_where(tp.capture, first_exchange(&tp, 0)), ==, IKE_WHERE_UNKNOWN);
    g_assert_null(ike_where_name(IKE_WHERE_UNKNOWN));
    const ike_result_t *resend = ike_capture_result_of_frame(tp.capture, tp.frame_of[5][0]);
    g_assert_cmpuint(resend->retrans_of, ==, tp.frame_of[4][0]);
    ike_capture_free(tp.capture);
}

/* The other end's capture holds nothing at all: every copy was lost on its way there. */
static void test_beside_a_silent_point(void)
{
    two_points_t tp;
    tp_init(&tp);
    main_mode(&tp, 1, 1, 4);
    tp_capture(&tp, 0, true);
    g_assert_false(ike_capture_two_points(tp.capture));
    ike_capture_note_silent_point(tp.capture, 1, "vright");
    g_assert_true(ike_capture_two_points(tp.capture));
    g_assert_true(ike_capture_copy_lost(tp.capture, tp.frame_of[3][0]));
    ike_where_t where = ike_capture_where(tp.capture, first_exchange(&tp, 0));
    g_assert_cmpint(where, ==, IKE_WHERE_PATH_TO_RESPONDER);
    char text[256];
    ike_where_text(tp.capture, first_exchange(&tp, 0), where, text, sizeof text);
    g_assert_nonnull(strstr(text, "the other capture point (vright) holds no frame at all"));
    double offset;
    g_assert_false(ike_capture_clock_offset(tp.capture, 1, &offset));
    ike_capture_free(tp.capture);
}

/* A NAT between the points: the copy carries other addresses there. */
static void test_translated(void)
{
    two_points_t tp;
    tp_init(&tp);
    main_mode(&tp, 2, 0, 0);
    tp_capture(&tp, 0, false);
    ike_endpoint_t src, dst;
    g_assert_false(ike_capture_translated(tp.capture, tp.frame_of[0][0], &src, &dst));
    ike_capture_free(tp.capture);

    tp_init(&tp);
    ike_msg_t m = build_mm(&tp.conv, 1), natted = m; /* the same bytes, behind a NAT */
    natted.src.addr[2] = 113;
    natted.src.port = 40001;
    m.frame = 1;
    natted.frame = 2;
    natted.time = m.time + TRANSIT;
    ike_capture_add(tp.capture, &m, 0);
    ike_capture_add(tp.capture, &natted, 1);
    g_assert_true(ike_capture_translated(tp.capture, 1, &src, &dst));
    g_assert_cmpuint(src.port, ==, 40001);
    g_assert_cmpuint(src.addr[2], ==, 113);
    g_assert_cmpuint(dst.port, ==, 500);
    g_assert_true(ike_capture_translated(tp.capture, 2, &src, &dst));
    g_assert_cmpuint(src.port, ==, 500);
    char text[256]; /* one message: which end each point is at is not known */
    g_assert_cmpstr(ike_capture_nat_text(tp.capture, 1, text, sizeof text), ==,
                    "a NAT between the capture points: 198.51.100.1:500 here is 198.51.113.1:40001 at the other point");
    ike_capture_free(tp.capture);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/capture/complete_with_clock_offset", test_complete_with_clock_offset);
    g_test_add_func("/capture/lost_on_the_way_to_the_responder", test_lost_on_the_way_to_the_responder);
    g_test_add_func("/capture/answer_lost_on_the_way_back", test_answer_lost_on_the_way_back);
    g_test_add_func("/capture/middle_copy_lost", test_middle_copy_lost);
    g_test_add_func("/capture/one_point", test_one_point);
    g_test_add_func("/capture/translated", test_translated);
    g_test_add_func("/capture/beside_a_silent_point", test_beside_a_silent_point);
    return g_test_run();
}
