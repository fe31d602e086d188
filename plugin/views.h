/* SPDX-License-Identifier: GPL-2.0-or-later */
/* views.h: what the three views (the -z ikediag,sa table, the flow graph and the
 * -z ikediag,json export) share.
 *
 * - An IKE SA and its exchanges described as plain values: outcome, stall point,
 *   cause, times.  The SA-level outcome is decided here and nowhere else.
 * - A tracker that keeps a view current while the first pass is still reading: it
 *   counts messages, and calls the view back for an SA when its verdicts may have
 *   changed: a message of the SA, a fresh phase 1 between the same peers (which
 *   supersedes it), or capture time passing an exchange's silence threshold.
 */
#ifndef IKEDIAG_VIEWS_H
#define IKEDIAG_VIEWS_H

#include <epan/packet.h>

#include "core/diagnose.h"
#include "core/ike_model.h"

/* Quick Mode rows per SA: the model numbers them with a uint8_t, and a cap bounds
 * the work of re-judging an SA on hostile captures. */
#define VIEWS_MAX_QUICK 255u

typedef struct exchange_view {
    const ike_exchange_t *exchange;
    ike_verdict_t verdict;
    char name[16]; /* "MM", "QM1", "SA_INIT2", "CHILD12": as ikediag.verdict.exchange */
    char stall[16]; /* "MM#5", or "" unless stalled or cut */
    const char *outcome; /* ike_outcome_name() */
    const char *cause; /* the rule's stable id, or NULL unless stalled */
    const char *where; /* ike_where_name() from both capture points, NULL with one */
    double seconds; /* first to last message when complete, else < 0 */
} exchange_view_t;

typedef struct sa_view {
    const ike_sa_t *sa;
    const char *outcome; /* complete, phase1, stalled, cut, orphan */
    exchange_view_t judged; /* the exchange the outcome comes from; exchange NULL if none */
    double seconds; /* first message to the first completed Quick Mode (or to phase 1 done) */
} sa_view_t;

void views_describe_exchange(const ike_exchange_t *ex, const ike_diag_context_t *ctx, exchange_view_t *out);
/* The exchanges each view lists under its SA, after the one that opens it: Quick Modes
 * and IKEv2's exchanges; Transaction and INFORMATIONAL exchanges only when their verdict
 * says something went wrong (liveness checks would flood the list). */
bool views_exchange_listed(const ike_exchange_t *ex, const ike_diag_context_t *ctx);
void views_describe_sa(const ike_sa_t *sa, const ike_diag_context_t *ctx, sa_view_t *out);
/* In a file merged from two capture points, the views list the SAs of one point (the
 * initiator's when the copies tell it, capture.h); every SA of a one-point capture. */
bool views_sa_shown(const ike_sa_t *sa);
/* Seconds the other capture point's clock runs ahead of the shown one's; false with one
 * point or before any copy matched. */
bool views_clock_offset(double *seconds);

/* "198.51.100.1" (port left out), "?" when unknown.  Returns buf. */
const char *views_address(const ike_endpoint_t *ep, char *buf, size_t size);
/* "198.51.100.1 <-> 198.51.100.2" in phase-1 roles. */
const char *views_peers(const ike_sa_t *sa, char *buf, size_t size);
/* "MM" or "AM": how an IKEv1 SA opened; NULL for IKEv2 or when not in the capture. */
const char *views_phase1_mode(const ike_sa_t *sa);
/* The address of the SA's initiator or responder, NULL while the roles are unknown. */
const char *views_role_address(const ike_sa_t *sa, ike_role_t role, char *buf, size_t size);
/* The cookies as 16 hex digits each, "i/r". */
const char *views_cookies(const ike_sa_t *sa, char *buf, size_t size);
/* Label of a message for the ladder: "MM#5", "MM#5 resend 2", "INFO". */
const char *views_message_label(const ike_result_t *res, char *buf, size_t size);

typedef struct message_counts {
    unsigned messages, resends;
} message_counts_t;

typedef struct view_tracker view_tracker_t;
/* Called when an SA's verdicts may have changed; ctx is the capture as read so far. */
typedef void (*view_refresh_cb)(void *owner, const ike_sa_t *sa, const ike_diag_context_t *ctx);

/* refresh may be NULL for a view that only draws at the end. */
view_tracker_t *tracker_new(view_refresh_cb refresh, void *owner);
void tracker_free(view_tracker_t *tracker);
void tracker_reset(view_tracker_t *tracker);
/* One tap event.  res is NULL for a frame without an IKE result: it only moves
 * capture time on.  Returns the SA of the event, or NULL. */
const ike_sa_t *tracker_event(view_tracker_t *tracker, const ike_result_t *res);
/* SAs in the order the tracker first saw them. */
const GPtrArray *tracker_sas(const view_tracker_t *tracker);
/* Messages and resends seen of one exchange, or of a whole SA (exchange NULL). */
message_counts_t tracker_counts(const view_tracker_t *tracker, const ike_sa_t *sa, const ike_exchange_t *ex);

/* Registration, one per view (stats.c, flow.c, filters.c, report.c). */
void stats_register(int proto);
void json_register(int proto);
void flow_register(int proto);
void filters_register(void);
void report_register(void);

#endif
