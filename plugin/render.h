/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render.h: stored results -> tree items, Info column and expert infos, on every pass. */
#ifndef IKEDIAG_RENDER_H
#define IKEDIAG_RENDER_H

#include <epan/packet.h>

#include "core/capture.h"
#include "core/diagnose.h"
#include "core/ike_model.h"
#include "core/tunnel.h"

typedef struct render_options {
    gboolean explain; /* add ikediag.explain (teaching) */
    ike_diag_context_t diag; /* capture end and silence threshold for verdicts */
    gboolean final; /* the model has seen the whole capture (a visited pass) */
    ike_capture_t *capture; /* the capture points: copies, where */
} render_options_t;

void render_register_fields(int proto);
void render_result(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ike_result_t *res,
                   const render_options_t *opt);
/* Whether the result raises a warning in the first pass (a proven stall, an unanswered
 * request, an error notify, a dead peer): the GUI lights its expert indicator from the
 * first pass, which has neither tree nor columns, so such frames are rendered anyway. */
gboolean render_warns(const ike_result_t *res, const render_options_t *opt);
/* The frames whose verdict this result should show (its exchange, and the one an
 * Informational answered), evaluated; returns how many were written (0..2). */
unsigned render_verdicts(const ike_result_t *res, const render_options_t *opt, ike_verdict_t out[2],
                         const ike_exchange_t *exchanges[2]);

/* render.c's ikediag.sa, which ESP frames carry too. */
int render_field_sa(void);

/* render_esp.c: an ESP frame's child and direction; the tunnel verdict on the frame that
 * completed a child (after the first pass: the traffic comes later). */
void render_esp_register_fields(int proto);
/* `window`: seconds an old child's ESP may go on after a new one's began (a rekey). */
void render_esp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ike_tunnels_t *tunnels,
                const ike_esp_flow_t *flow, double window);
void render_tunnel(packet_info *pinfo, proto_tree *tree, proto_item *ti, const ike_result_t *res,
                   const render_options_t *opt);

#endif
