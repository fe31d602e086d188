/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h: the capture points of one file, the copies of a message seen at more than one
 * of them, and where a negotiation lost its message.
 *
 * A file merged from captures taken at both ends (mergecap, File > Merge) holds each sent
 * message twice: once where it left, once where it arrived.  Each capture point (a pcapng
 * interface) gets its own model, so numbering, resends and silence mean there exactly what
 * they mean in a one-point capture, and the two hosts' clocks never reorder anything.  The
 * copies are matched across points by the ISAKMP bytes (a NAT changes only IP and UDP), and
 * byte-identical resends by time once the clocks' offset is known.  A file with one
 * interface has one point and behaves as if this layer were not there.
 */
#ifndef IKEDIAG_CAPTURE_H
#define IKEDIAG_CAPTURE_H

#include "diagnose.h"
#include "ike_model.h"

/* Capture points with their own model; interfaces past the last share it. */
#define IKE_MAX_POINTS 4u

/* Where a negotiation lost its way, seen from both ends (issue 16 of the project). */
typedef enum ike_where {
    IKE_WHERE_UNKNOWN = 0, /* one capture point: one side cannot tell */
    IKE_WHERE_NONE, /* complete: the final message reached the other end */
    IKE_WHERE_PATH_TO_RESPONDER, /* the initiator's message never reached the responder's point */
    IKE_WHERE_PATH_TO_INITIATOR, /* the responder's message never reached the initiator's point */
    IKE_WHERE_RESPONDER, /* the responder received it and refused or ignored it */
    IKE_WHERE_INITIATOR, /* the initiator received it and refused or ignored it */
} ike_where_t;

typedef struct ike_capture ike_capture_t;

ike_capture_t *ike_capture_new(const ike_model_config_t *config);
void ike_capture_free(ike_capture_t *capture);

/* Feed one message (first pass, capture order) seen on `interface_id` (0 when the file
 * has no interfaces).  What ike_model_add returns, from the model of that point. */
ike_result_t *ike_capture_add(ike_capture_t *capture, const ike_msg_t *msg, uint32_t interface_id);

/* The tunnels of the point `interface_id` belongs to, for its ESP frames; NULL while that
 * interface has shown no IKE (ESP alone never makes a capture point). */
struct ike_tunnels *ike_capture_tunnels(const ike_capture_t *capture, uint32_t interface_id);

/* The kept result of a frame, from whichever point saw it; NULL if none. */
ike_result_t *ike_capture_result_of_frame(const ike_capture_t *capture, uint32_t frame);

/* Points in order of their first message.  The view point is the one the SA views list:
 * the initiator's end when the copies tell which that is, else the first point. */
unsigned ike_capture_point_count(const ike_capture_t *capture);
ike_model_t *ike_capture_model(const ike_capture_t *capture, unsigned point);
unsigned ike_capture_view_point(ike_capture_t *capture);
uint32_t ike_capture_point_interface(const ike_capture_t *capture, unsigned point);
/* The point a frame was seen at; 0 for a frame not fed. */
unsigned ike_capture_point_of_frame(const ike_capture_t *capture, uint32_t frame);
/* The point an SA's model belongs to. */
unsigned ike_capture_point_of_sa(const ike_capture_t *capture, const ike_sa_t *sa);

/* After the first pass: the file declares one more interface, which holds no frame at
 * all, beside the only point that saw IKE: the other end's capture, where nothing
 * arrived.  Every copy is then lost on its way, and where says so (named `name`). */
void ike_capture_note_silent_point(ike_capture_t *capture, uint32_t interface_id, const char *name);

/* Two points that saw the same copies, or one and a silent one: only then do copies,
 * losses and where mean anything.  Everything below answers from what was fed so far. */
bool ike_capture_two_points(ike_capture_t *capture);
/* The same copy of a frame's message at the other point, 0 if none. */
uint32_t ike_capture_copy_in(ike_capture_t *capture, uint32_t frame);
/* A copy that left its sender and was never seen at the point it was heading to. */
bool ike_capture_copy_lost(ike_capture_t *capture, uint32_t frame);
/* The address and port the copy of `frame` carries at the other point, when they differ
 * from its own (a NAT between the points); false otherwise. */
bool ike_capture_translated(ike_capture_t *capture, uint32_t frame, ike_endpoint_t *src, ike_endpoint_t *dst);
/* "a NAT between the capture points: the initiator is 198.51.100.1:500 at its own end and
 * 203.0.113.254:40001 at the responder's", when the copy of `frame` says so; "" otherwise. */
const char *ike_capture_nat_text(ike_capture_t *capture, uint32_t frame, char *buf, size_t size);
/* The clock of `point` minus the clock of point 0, in seconds, from the matched copies
 * (a message is seen first where it is sent); false while no copy matched. */
bool ike_capture_clock_offset(ike_capture_t *capture, unsigned point, double *offset);
/* The end a point is at (the initiator's or the responder's, of the first SA the copies
 * tell it for), IKE_ROLE_UNKNOWN when nothing tells. */
ike_role_t ike_capture_point_side(ike_capture_t *capture, unsigned point);

/* Where the exchange stopped, from both points: the newest message anybody sent, whether
 * it reached the other end, and whether the end that got it answered. */
ike_where_t ike_capture_where(ike_capture_t *capture, const ike_exchange_t *ex);

/* "path-to-responder" ...; NULL for IKE_WHERE_UNKNOWN (the field is then absent). */
const char *ike_where_name(ike_where_t where);
/* The sentence that says it: "the responder never received MM#5: ...", into buf; "" for
 * UNKNOWN and NONE. */
const char *ike_where_text(ike_capture_t *capture, const ike_exchange_t *ex, ike_where_t where, char *buf,
                           size_t size);
/* When the path is at fault, what to check instead of the peers' configuration: "the
 * devices between the peers (...) for UDP 4500 toward the responder"; "" otherwise. */
const char *ike_where_check(ike_capture_t *capture, const ike_exchange_t *ex, ike_where_t where, char *buf,
                            size_t size);

#endif
