/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ikediag.h: what the plugin's views (the -z table, the flow graph) share with the
 * post-dissector: the file-scoped model and the tap its results are queued on. */
#ifndef IKEDIAG_IKEDIAG_H
#define IKEDIAG_IKEDIAG_H

#include "core/capture.h"
#include "core/diagnose.h"
#include "core/ike_model.h"
#include "core/tunnel.h"

/* The capture points of the open file, and the model of the one the views show. */
ike_capture_t *ikediag_capture(void);
ike_model_t *ikediag_model(void);
/* The tap: data is the frame's `const ike_result_t *`, or NULL for a frame without one
 * (queued only while a view listens, so views can follow capture time). */
int ikediag_tap_id(void);
/* The ESP frame whose NULL tap event is being read: its flow and header.  False for any
 * other frame (the flow graph draws ESP bursts from it). */
bool ikediag_tapped_esp(uint32_t frame, const ike_esp_flow_t **flow, ike_esp_msg_t *esp);
/* The diagnosis context for the whole capture as read so far. */
void ikediag_diag_context(ike_diag_context_t *ctx);
/* Registers the -z table and the flow graph (views.c). */
void ikediag_register_views(int proto);

#endif
