/* SPDX-License-Identifier: GPL-2.0-or-later */
/* explain.h: what each IKE message carries and does, for people learning IKE. */
#ifndef IKEDIAG_EXPLAIN_H
#define IKEDIAG_EXPLAIN_H

#include "ike_model.h"

/* One or two plain sentences (RFC 2409 and the seed article's walk-through), or NULL
 * for a step that does not exist. */
const char *ike_explain(ike_kind_t kind, unsigned step);

#endif
