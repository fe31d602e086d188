/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain.h: what each IKE message carries and does, for people learning IKE. */
#ifndef IKEDIAG_EXPLAIN_H
#define IKEDIAG_EXPLAIN_H

#include "ike_model.h"

/* One or two plain sentences (RFC 2409 and the seed article's walk-through), or NULL
 * for a step that does not exist. */
const char *ike_explain(ike_kind_t kind, unsigned step);

#include <stddef.h>

/* The explanation of one message: ike_explain's, and for an IKEv2 IKE_SA_INIT retry why
 * it was sent ("a retry with the COOKIE ...", "... with DH group 19 as the responder
 * asked").  Returns buf or a static string. */
const char *ike_explain_message(const ike_result_t *res, char *buf, size_t size);

#endif
