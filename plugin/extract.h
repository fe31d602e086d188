/* SPDX-License-Identifier: GPL-2.0-or-later */
/* extract.h: an ISAKMP message in a dissected frame -> ike_msg_t.  The only code that
 * knows where the stock dissectors leave ISAKMP bytes (layers and data sources). */
#ifndef IKEDIAG_EXTRACT_H
#define IKEDIAG_EXTRACT_H

#include <epan/packet.h>

#include "core/ike_msg.h"

/* Resolve the protocol ids of the layers a frame is tested for; call from handoff. */
void extract_resolve_protocols(void);
/* What the stock dissectors found in this frame, from one walk over its layer ids
 * (proto_is_frame_protocol compares names): ISAKMP, ESP (plain or in UDP), or neither,
 * the post-dissector's early exit. */
typedef enum extract_kind { EXTRACT_OTHER, EXTRACT_ISAKMP, EXTRACT_ESP } extract_kind_t;
extract_kind_t extract_frame_kind(packet_info *pinfo);
/* True and esp filled when the frame's ESP header is found behind its IP (and UDP) header. */
gboolean extract_esp(packet_info *pinfo, tvbuff_t *tvb, ike_esp_msg_t *esp);
/* True and msg filled when the frame (`tvb`, as the post-dissector gets it) carries
 * an ISAKMP header on UDP. */
gboolean extract_message(packet_info *pinfo, tvbuff_t *tvb, ike_msg_t *msg);

#endif
