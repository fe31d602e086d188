/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_diagnose.c: outcomes and the rule table, one scenario per row. */
#include "builders.h"
#include "diagnose.h"

#include <glib.h>
#include <string.h>

static ike_model_t *model;
static const ike_diag_context_t long_capture = { .capture_end = 1000, .silence_threshold = 10 };

static const char *cause_of(const ike_exchange_t *ex, const ike_diag_context_t *ctx, ike_verdict_t *v)
{
    ike_diagnose(ex, ctx, v);
    return v->rule ? v->rule->cause : NULL;
}

/* MM#1..MM#5, an encrypted Informational back, MM#5 resent: a PSK mismatch as strongSwan
 * answers it.  Returns MM#5's result. */
static ike_result_t *mm5_refused_once(conv_t *c, uint64_t icookie)
{
    conv_init(c, model, icookie, PEER_A);
    ike_result_t *r = NULL;
    for (unsigned s = 1; s <= 5; s++)
        r = send_mm(c, s);
    send_info(c, PEER_B, 0x99, true, 0);
    send_mm_resend(c, 5);
    return r;
}

static void test_psk_mismatch_encrypted_reply(void)
{
    model = ike_model_new(NULL);
    conv_t c;
    ike_result_t *r = mm5_refused_once(&c, 0x10);
    send_info(&c, PEER_B, 0x98, true, 0);
    ike_verdict_t v;
    g_assert_cmpstr(cause_of(r->exchange, &long_capture, &v), ==, "psk-mismatch");
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_STALLED);
    g_assert_cmpuint(v.stall_step, ==, 5); /* the message the responder never accepted */
    g_assert_cmpint(v.evidence, ==, IKE_EV_ENC_INFO);
    g_assert_cmpuint(v.sends, ==, 2);
    ike_model_free(model);
}

/* The sentences: written once in core, the same in every view.  Judged on part of the
 * capture (single pass), a count says "so far": later frames may add sends. */
static void test_verdict_sentences(void)
{
    model = ike_model_new(NULL);
    conv_t c;
    ike_result_t *r = mm5_refused_once(&c, 0x13);
    ike_verdict_t v;
    char headline[512], text[1536];
    ike_diagnose(r->exchange, &long_capture, &v);
    g_assert_cmpstr(ike_verdict_headline(r->exchange, &v, headline, sizeof headline), ==,
                    "Stalled at MM#5: pre-shared key mismatch (MM#5 sent twice; the responder answered with an "
                    "encrypted Informational)");
    ike_verdict_text(r->exchange, &v, text, sizeof text);
    g_assert_true(g_str_has_prefix(text, headline));
    g_assert_nonnull(strstr(text, "; likely "));
    g_assert_nonnull(strstr(text, ". Check: "));
    ike_diag_context_t partial = long_capture;
    partial.partial = true;
    ike_diagnose(r->exchange, &partial, &v);
    g_assert_nonnull(strstr(ike_verdict_headline(r->exchange, &v, headline, sizeof headline), "MM#5 sent twice so far;"));
    send_mm(&c, 6);
    ike_diagnose(r->exchange, &long_capture, &v);
    g_assert_cmpstr(ike_verdict_headline(r->exchange, &v, headline, sizeof headline), ==, "");
    ike_model_free(model);
}

static void test_policy_mismatch_clear_notify(void)
{
    model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x11, PEER_A);
    ike_result_t *r = send_mm(&c, 1);
    ike_result_t *n = send_info(&c, PEER_B, 0x1234, false, 14);
    ike_verdict_t v;
    g_assert_cmpstr(cause_of(r->exchange, &long_capture, &v), ==, "isakmp-policy");
    g_assert_cmpuint(v.stall_step, ==, 2);
    g_assert_cmpuint(v.frame, ==, n->frame);
    g_assert_true(n->answers == r->exchange);
    ike_model_free(model);
}

static void test_cut_versus_silence(void)
{
    model = ike_model_new(NULL);
    conv_t c;
    conv_init(&c, model, 0x12, PEER_A);
    ike_result_t *r = send_mm(&c, 1);
    ike_verdict_t v;
    ike_diag_context_t short_capture = { .capture_end = c.time + 2, .silence_threshold = 10 };
    g_assert_null(cause_of(r->exchange, &short_capture, &v));
    g_assert_cmpint(v.outcome, ==, IKE_OUTCOME_CUT);
    g_assert_cmpstr(cause_of(r->exchange, &long_capture, &v), ==, "no-response");
    g_assert_cmpint(v.evidence, ==, IKE_EV_SILENCE);
    ike_model_free(model);
}

static void test_every_rule_reachable_by_lookup(void)
{
    for (size_t i = 0; i < ike_rule_count; i++) {
        const ike_rule_t *r = &ike_rules[i];
        ike_evidence_t ev = r->evidence == IKE_EV_ANY ? IKE_EV_SILENCE : (ike_evidence_t)r->evidence;
        const ike_rule_t *found = ike_rule_lookup((ike_kind_t)r->kind, r->stall_step ? r->stall_step : 99, ev,
                                                  r->notify);
        g_assert_nonnull(found);
        g_assert_nonnull(r->cause);
        g_assert_nonnull(r->summary);
        g_assert_nonnull(r->candidates);
        g_assert_nonnull(r->check);
    }
}

/* Wireshark cuts a tree label at 240 characters (ITEM_LABEL_LENGTH): every clause of a
 * rule's candidates and checks becomes an item ("Likely: ", "What to check: "), so each
 * must fit, split at "; " rather than truncated (render.c add_clauses). */
static void assert_clauses_fit(const char *text, const char *prefix, const char *cause)
{
    gchar **clauses = g_strsplit(text, "; ", -1);
    for (gchar **c = clauses; *c; c++)
        if (strlen(prefix) + strlen(*c) + 2 >= 240) {
            g_test_message("%s: a %s clause of %zu characters: %s", cause, prefix, strlen(*c), *c);
            g_test_fail();
        }
    g_strfreev(clauses);
}

static void test_clauses_fit_tree_labels(void)
{
    for (size_t i = 0; i < ike_rule_count; i++) {
        assert_clauses_fit(ike_rules[i].candidates, "Likely: ", ike_rules[i].cause);
        assert_clauses_fit(ike_rules[i].check, "What to check: ", ike_rules[i].cause);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diagnose/psk-mismatch-encrypted-reply", test_psk_mismatch_encrypted_reply);
    g_test_add_func("/diagnose/policy-mismatch-clear-notify", test_policy_mismatch_clear_notify);
    g_test_add_func("/diagnose/verdict-sentences", test_verdict_sentences);
    g_test_add_func("/diagnose/cut-versus-silence", test_cut_versus_silence);
    g_test_add_func("/diagnose/every-rule-has-text", test_every_rule_reachable_by_lookup);
    g_test_add_func("/diagnose/clauses-fit-tree-labels", test_clauses_fit_tree_labels);
    return g_test_run();
}
