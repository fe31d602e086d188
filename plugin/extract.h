/* extract.h: the stock ISAKMP dissector's fields -> ike_msg_t.  The only code that
 * knows `isakmp.*` names. */
#ifndef IKEDIAG_EXTRACT_H
#define IKEDIAG_EXTRACT_H

#include <epan/packet.h>

#include "core/ike_msg.h"

/* Resolve field names to ids (every same-name variant); call from handoff. */
void extract_resolve_fields(void);
/* The field ids the post-dissector needs primed; a new array each call. */
GArray *extract_wanted_fields(void);
/* Whether ISAKMP dissected something in this frame: the post-dissector's early exit,
 * a walk over the frame's layer ids (proto_is_frame_protocol compares names). */
gboolean extract_frame_has_isakmp(packet_info *pinfo);
/* True and msg filled when the frame's tree carries an ISAKMP header. */
gboolean extract_message(packet_info *pinfo, proto_tree *tree, ike_msg_t *msg);

#endif
