/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenarios.h: a hand-built capture and the verdict it must get (test_rules.c runs them;
 * IKEv1's are in test_rules.c, IKEv2's in scenarios_v2.c). */
#ifndef IKEDIAG_TEST_SCENARIOS_H
#define IKEDIAG_TEST_SCENARIOS_H

#include "builders.h"
#include "diagnose.h"

#include <stddef.h>

typedef const ike_exchange_t *(*build_fn)(conv_t *c);

typedef struct scenario {
    const char *name;
    /* the row, by key */
    const char *cause;
    uint8_t kind, row_step, row_evidence;
    uint16_t row_notify;
    build_fn build;
    /* the verdict */
    uint8_t stall_step, evidence;
    uint16_t notify, sends;
    uint32_t frame;
    uint32_t frames[IKE_MAX_EVIDENCE + 1]; /* 0-terminated */
    const char *text;
} scenario_t;

extern const scenario_t v2_scenarios[];
extern const size_t n_v2_scenarios;

#endif
