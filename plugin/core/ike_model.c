/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ike_model.c: IKE SA table, exchanges, message numbering and resends.
 *
 * Owns: finding the SA and exchange of a message, deciding its step from what is
 * always in clear (exchange type, E flag, payload kinds, direction, order, bytes),
 * linking requests and responses.  How a pending step was answered is answers.c.
 * Must not: format strings, judge causes (diagnose.c does), or know about epan.
 */
#include "ike_model.h"
#include "model_internal.h"
#include "tunnel.h"

#include <glib.h>
#include <string.h>

#define RESULTS_PER_BLOCK 1024u

/* The exchange and SA tables are sets: each element is its own key. */
G_STATIC_ASSERT(offsetof(ike_exchange_t, key) == 0);
G_STATIC_ASSERT(offsetof(ike_sa_t, icookie) == 0);

struct ike_model {
    ike_model_config_t config;
    GHashTable *sa_by_cookie; /* the first SA of each initiator cookie, keyed by it (its first member) */
    GHashTable *exchanges; /* the set of exchanges, keyed by their first member, key */
    GHashTable *last_sa_by_peers; /* &peers key -> newest SA between two addresses */
    GHashTable *last_sa_by_pair; /* &pair key -> newest SA between them, either direction */
    GHashTable *orphan_sources; /* address keys that already had a missing-request note */
    GHashTable *dpd_requests; /* &dpd_request->key (SA number, sequence) -> its R-U-THERE */
    ike_sa_t *first_sa, *last_sa;
    GPtrArray *result_blocks; /* arrays of RESULTS_PER_BLOCK stored results */
    uint32_t results_in_block;
    uint32_t sa_count;
    double last_time;
    bool cap_reached;
    ike_result_t untracked; /* stands for the frame being added past the SA cap */
    ike_tunnels_t *tunnels; /* the children completed, and the ESP that crossed them */
};

/* A stored result with what resend detection needs. */
typedef struct stored_result {
    ike_result_t pub; /* first, so &stored->pub == stored */
    uint64_t digest;
    struct stored_result *older_original; /* the exchange's previous original message */
} stored_result_t;

/* A resend is looked for among this many newest originals of its exchange: bounded, so
 * a hostile exchange of endless distinct messages stays linear. */
#define RESEND_WINDOW 32u

/* The SA list is threaded through next_same_cookie's sibling: keep a separate link. */
typedef struct sa_node {
    ike_sa_t sa; /* first, so a node is its SA */
    struct sa_node *next;
    uint64_t peers_key, pair_key;
} sa_node_t;

/* The notify a message is about: IKEv1's first; IKEv2's first error or COOKIE (its
 * status notifies, NAT detection and the like, come with every IKE_SA_INIT). */
static uint16_t main_notify(const ike_msg_t *msg)
{
    if (msg->major_version != 2)
        return msg->n_notify ? msg->notify[0] : 0;
    for (unsigned i = 0; i < msg->n_notify; i++)
        if (msg->notify[i] <= IKE2_N_ERROR_MAX || msg->notify[i] == IKE2_N_COOKIE)
            return msg->notify[i];
    return 0;
}

/* ---- small helpers -------------------------------------------------------------- */

/* GLib 2.74 (Debian 12) g_int64_hash keeps only the low 32 bits of a key, and every
 * phase-1 exchange key (SA number << 32 | message ID 0) has low bits 0: they would all
 * collide.  Mix both halves (the MurmurHash3 finaliser).  The finaliser inverts, so a
 * capture could choose cookies that collide; a per-process random seed prevents that. */
static uint64_t hash_seed;

static guint hash_u64(gconstpointer v)
{
    uint64_t k = *(const uint64_t *)v ^ hash_seed;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return (guint)k;
}

bool ike_same_address(const ike_endpoint_t *a, const ike_endpoint_t *b)
{
    size_t len = a->family == 6 ? 16 : 4;
    return a->family == b->family && memcmp(a->addr, b->addr, len) == 0;
}

/* Order-independent key of an address pair, for "a fresh attempt by the same peers". */
uint64_t ike_peers_key(const ike_endpoint_t *a, const ike_endpoint_t *b)
{
    uint64_t ha = 1469598103934665603ull, hb = ha;
    for (unsigned i = 0; i < 16; i++) {
        ha = (ha ^ a->addr[i]) * 1099511628211ull;
        hb = (hb ^ b->addr[i]) * 1099511628211ull;
    }
    return (ha ^ hb) + (ha & hb) * 31u + a->family + b->family;
}

static stored_result_t *new_result(ike_model_t *model)
{
    if (model->result_blocks->len == 0 || model->results_in_block == RESULTS_PER_BLOCK) {
        g_ptr_array_add(model->result_blocks, g_new0(stored_result_t, RESULTS_PER_BLOCK));
        model->results_in_block = 0;
    }
    stored_result_t *block = g_ptr_array_index(model->result_blocks, model->result_blocks->len - 1);
    return &block[model->results_in_block++];
}

/* Past the SA cap nothing is kept: the newest slot is given back and one shared result
 * stands for the frame while it is dissected, so a flood does not grow memory. */
static ike_result_t *not_tracked(ike_model_t *model, stored_result_t *newest)
{
    if (!model->cap_reached) {
        model->cap_reached = true;
        newest->pub.notes |= IKE_NOTE_CAP_REACHED; /* the one frame that says so */
        return &newest->pub;
    }
    model->untracked = newest->pub;
    model->untracked.notes |= IKE_NOTE_NOT_TRACKED;
    memset(newest, 0, sizeof *newest);
    model->results_in_block--;
    return &model->untracked;
}

/* The results are stored in frame order (the first pass): a binary search over the
 * blocks' first frames, then within the block. */
ike_result_t *ike_model_result_of_frame(const ike_model_t *model, uint32_t frame)
{
    GPtrArray *blocks = model->result_blocks;
    guint filled = blocks->len - (blocks->len && model->results_in_block == 0);
    guint lo = 0, hi = filled;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (((stored_result_t *)blocks->pdata[mid])[0].pub.frame <= frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    stored_result_t *block = blocks->pdata[lo - 1];
    guint n = lo == blocks->len ? model->results_in_block : RESULTS_PER_BLOCK;
    guint first = 0, last = n;
    while (first < last) {
        guint mid = first + (last - first) / 2;
        if (block[mid].pub.frame < frame)
            first = mid + 1;
        else
            last = mid;
    }
    return first < n && block[first].pub.frame == frame ? &block[first].pub : NULL;
}

/* ---- SAs -------------------------------------------------------------------------- */

static bool sa_matches(const ike_sa_t *sa, const ike_msg_t *msg)
{
    if (!sa->roles_known)
        return true;
    return (ike_same_address(&sa->initiator, &msg->src) && ike_same_address(&sa->responder, &msg->dst))
        || (ike_same_address(&sa->initiator, &msg->dst) && ike_same_address(&sa->responder, &msg->src));
}

static ike_sa_t *find_sa(ike_model_t *model, const ike_msg_t *msg)
{
    ike_sa_t *sa = g_hash_table_lookup(model->sa_by_cookie, &msg->icookie);
    while (sa && !sa_matches(sa, msg))
        sa = sa->next_same_cookie;
    return sa;
}

static bool is_first_message(const ike_msg_t *msg)
{
    if (msg->major_version == 2) /* IKE_SA_INIT request: RFC 7296 section 1.2 */
        return msg->rcookie == 0 && msg->message_id == 0 && msg->exchange_type == IKE2_XCHG_SA_INIT
            && !(msg->flags & IKE2_FLAG_RESPONSE);
    return msg->rcookie == 0 && msg->message_id == 0
        && (msg->exchange_type == IKE_XCHG_MAIN || msg->exchange_type == IKE_XCHG_AGGRESSIVE)
        && ike_msg_has(msg, IKE_PL_SA);
}

/* Phase-1 roles from a message that reveals them; false when it does not. */
bool ike_learn_roles(ike_sa_t *sa, const ike_msg_t *msg)
{
    if (msg->major_version == 2) { /* every IKEv2 header says it: the I flag */
        bool from_initiator = (msg->flags & IKE2_FLAG_INITIATOR) != 0;
        sa->initiator = from_initiator ? msg->src : msg->dst;
        sa->responder = from_initiator ? msg->dst : msg->src;
        sa->roles_known = true;
        return true;
    }
    bool first = is_first_message(msg);
    bool first_reply = msg->rcookie != 0 && msg->message_id == 0 && ike_msg_has(msg, IKE_PL_SA)
        && (msg->exchange_type == IKE_XCHG_MAIN || msg->exchange_type == IKE_XCHG_AGGRESSIVE);
    if (!first && !first_reply)
        return false;
    sa->initiator = first ? msg->src : msg->dst;
    sa->responder = first ? msg->dst : msg->src;
    sa->roles_known = true;
    return true;
}

static ike_sa_t *new_sa(ike_model_t *model, const ike_msg_t *msg, ike_sa_t *same_cookie_head)
{
    sa_node_t *node = g_new0(sa_node_t, 1);
    ike_sa_t *sa = &node->sa;
    sa->icookie = msg->icookie;
    sa->rcookie = msg->rcookie;
    sa->number = ++model->sa_count;
    sa->first_frame = msg->frame;
    sa->first_time = msg->time;
    sa->version = msg->major_version;
    ike_learn_roles(sa, msg);
    if (same_cookie_head) {
        sa->next_same_cookie = same_cookie_head->next_same_cookie;
        same_cookie_head->next_same_cookie = sa;
    } else {
        g_hash_table_add(model->sa_by_cookie, sa); /* sa is &sa->icookie */
    }
    if (model->last_sa)
        ((sa_node_t *)model->last_sa)->next = node;
    else
        model->first_sa = sa;
    model->last_sa = sa;

    /* IKEv2 rekeys an IKE SA inside the old one (CREATE_CHILD_SA, RFC 7296 section
     * 2.18): the new SPI pair's first message is not IKE_SA_INIT.  Without keys this is
     * what shows it, under an established SA between the same peers that rekeyed. */
    uint64_t pair = ike_peers_key(&msg->src, &msg->dst);
    if (msg->major_version == 2 && !is_first_message(msg) && msg->rcookie) {
        ike_sa_t *old = g_hash_table_lookup(model->last_sa_by_pair, &pair);
        if (old && old->version == 2 && old->phase1_done && old->n_of_kind[IKE_KIND_CHILD]) {
            sa->rekey_of = old;
            ike_tunnels_note_ike_rekey(model->tunnels, old); /* that CREATE_CHILD_SA made no IPsec SA */
        }
    }
    /* A fresh first message between the same two addresses supersedes the older SA. */
    if (is_first_message(msg) || sa->rekey_of) {
        /* from src to dst: an attempt in the other direction does not hide this one */
        node->peers_key = ike_peers_key(&msg->src, &msg->dst) * 3u + ike_peers_key(&msg->src, &msg->src);
        ike_sa_t *older = g_hash_table_lookup(model->last_sa_by_peers, &node->peers_key);
        if (older && !sa->rekey_of && older->superseded_in == 0 && older->roles_known
            && ike_same_address(&older->initiator, &msg->src) && ike_same_address(&older->responder, &msg->dst))
            older->superseded_in = msg->frame;
        g_hash_table_replace(model->last_sa_by_peers, &node->peers_key, sa);
        node->pair_key = pair;
        ike_sa_t *previous = g_hash_table_lookup(model->last_sa_by_pair, &node->pair_key);
        if (previous)
            previous->next_between_peers = sa;
        g_hash_table_replace(model->last_sa_by_pair, &node->pair_key, sa);
    }
    return sa;
}

ike_role_t ike_sa_role_of(const ike_sa_t *sa, const ike_endpoint_t *sender)
{
    if (!sa->roles_known)
        return IKE_ROLE_UNKNOWN;
    if (ike_same_address(&sa->initiator, sender))
        return IKE_ROLE_INITIATOR;
    if (ike_same_address(&sa->responder, sender))
        return IKE_ROLE_RESPONDER;
    return IKE_ROLE_UNKNOWN;
}

/* ---- exchanges ------------------------------------------------------------------- */

static ike_kind_t kind_of(const ike_msg_t *msg)
{
    switch (msg->exchange_type) {
    case IKE_XCHG_MAIN: return IKE_KIND_MAIN;
    case IKE_XCHG_AGGRESSIVE: return IKE_KIND_AGGRESSIVE;
    case IKE_XCHG_QUICK: return IKE_KIND_QUICK;
    case IKE_XCHG_INFORMATIONAL: return IKE_KIND_INFO;
    case IKE_XCHG_TRANSACTION: return IKE_KIND_TRANSACTION;
    default: return IKE_KIND_NONE;
    }
}

static ike_kind_t kind_of_v2(const ike_msg_t *msg)
{
    switch (msg->exchange_type) {
    case IKE2_XCHG_SA_INIT: return IKE_KIND_SA_INIT;
    case IKE2_XCHG_AUTH: return IKE_KIND_AUTH;
    case IKE2_XCHG_CREATE_CHILD_SA: return IKE_KIND_CHILD;
    case IKE2_XCHG_INFORMATIONAL: return IKE_KIND_INFO2;
    case IKE2_XCHG_INTERMEDIATE: return IKE_KIND_INTER;
    default: return IKE_KIND_NONE;
    }
}

static ike_kind_t message_kind(const ike_msg_t *msg)
{
    return msg->major_version == 2 ? kind_of_v2(msg) : kind_of(msg);
}

/* IKEv2: whether the request of the message's exchange came from the original
 * initiator.  Each side numbers its own requests (RFC 7296 section 2.2), so a message ID
 * names an exchange only with the requester: a request's I flag, a response's inverse. */
static bool requested_by_initiator(const ike_msg_t *msg)
{
    bool from_initiator = (msg->flags & IKE2_FLAG_INITIATOR) != 0;
    return (msg->flags & IKE2_FLAG_RESPONSE) ? !from_initiator : from_initiator;
}

/* Quick Modes still waiting, oldest first.  Capped: a peer that starts Quick Modes and
 * never finishes them (or a capture whose timestamps are all zero, which defeats the
 * answer window) must not make every Informational walk a long list. */
#define MAX_PENDING_QUICK 16

static void add_pending_quick(ike_sa_t *sa, ike_exchange_t *ex)
{
    unsigned n = 0;
    ike_exchange_t **tail = &sa->pending_quick;
    while (*tail) {
        tail = &(*tail)->next_pending;
        n++;
    }
    *tail = ex;
    if (n + 1 > MAX_PENDING_QUICK) { /* forget the oldest */
        ike_exchange_t *oldest = sa->pending_quick;
        sa->pending_quick = oldest->next_pending;
        oldest->next_pending = NULL;
    }
}

/* An exchange is its SA, message ID and kind: phase 1 is message ID 0 (RFC 2409
 * section 5), and a message ID reused by another kind (libreswan's and ASA's clear
 * notifies use 0; a broken peer may start a Quick Mode with it) must not hide the
 * exchange that has it; in IKEv2 also who requested it.  Four bits of kind, one of
 * requester, 27 of SA number, 32 of message ID. */
static uint64_t exchange_key(const ike_sa_t *sa, const ike_msg_t *msg, ike_kind_t kind)
{
    uint64_t by_responder = msg->major_version == 2 && !requested_by_initiator(msg);
    return (uint64_t)kind << 60 | by_responder << 59 | (uint64_t)(sa->number & 0x7ffffffu) << 32 | msg->message_id;
}

uint32_t ike_exchange_message_id(const ike_exchange_t *ex)
{
    return (uint32_t)ex->key; /* the low 32 bits of exchange_key() */
}

static ike_exchange_t *add_exchange(ike_model_t *model, ike_sa_t *sa, const ike_msg_t *msg, ike_kind_t kind,
                                    uint64_t key)
{
    unsigned n_steps = ike_kind_final_step(kind);
    ike_exchange_t *ex = g_malloc0(sizeof *ex + 2 * n_steps * sizeof ex->steps[0]);
    ex->n_steps = (uint8_t)n_steps;
    ex->sa = sa;
    ex->key = key;
    ex->kind = kind;
    ex->first_frame = msg->frame;
    ex->first_time = msg->time;
    ex->index = ++sa->n_of_kind[kind];
    if (kind == IKE_KIND_QUICK) {
        sa->n_quick++;
        add_pending_quick(sa, ex);
    }
    /* the exchange that opens the SA: Main or Aggressive Mode, IKEv2's IKE_SA_INIT */
    if ((kind == IKE_KIND_MAIN || kind == IKE_KIND_AGGRESSIVE || kind == IKE_KIND_SA_INIT) && !sa->phase1)
        sa->phase1 = ex;
    ex->requester_is_initiator = msg->major_version == 2 && requested_by_initiator(msg);
    if (sa->last_exchange)
        sa->last_exchange->next_in_sa = ex;
    else
        sa->exchanges = ex;
    sa->last_exchange = ex;
    g_hash_table_add(model->exchanges, ex); /* ex is &ex->key */
    return ex;
}

/* A reflection flood sends thousands of orphan responses: one note per source. */
static void note_orphan_source(ike_model_t *model, const ike_msg_t *msg, ike_result_t *res)
{
    uint64_t key = ike_peers_key(&msg->src, &msg->src);
    if (g_hash_table_contains(model->orphan_sources, &key))
        return;
    g_hash_table_add(model->orphan_sources, g_memdup2(&key, sizeof key));
    res->notes |= IKE_NOTE_FIRST_ORPHAN_OF_SOURCE;
}

/* The original that a message repeats byte for byte, or NULL. */
static stored_result_t *original_of(const ike_exchange_t *ex, uint64_t digest)
{
    stored_result_t *o = ex->newest_original;
    for (unsigned n = 0; o && n < RESEND_WINDOW; o = o->older_original, n++)
        if (o->digest == digest)
            return o;
    return NULL;
}

/* A request sent this often with nothing back is worth a warning while the capture is
 * still being read: the verdict itself needs the silence after it (the GUI's expert
 * indicator shows what the first pass found). */
#define UNANSWERED_AT_RESEND 2

static bool peer_answered(const ike_answer_t *a)
{
    return a->clear_notify_frame || a->enc_info_frame || a->peer_resend_frame || a->icmp_frame;
}

/* The peer repeating its previous message while the other side's is pending; or, once
 * the final step (MM#6, AM#3, QM#3) is out, its receiver repeating the message that step
 * answers: it never accepted the final step.  A repeat sent before the final step could
 * have reached it crossed it on the wire and proves nothing: it must come later after
 * the final step than the final step came after the message it answers. */
static bool is_peer_resend(const ike_exchange_t *ex, const ike_result_t *res, double time)
{
    unsigned final = ike_kind_final_step((ike_kind_t)ex->kind);
    if (ex->highest_step == final && final && ike_step_first(ex, final))
        return res->step + 1u == final && res->role != ike_step_first(ex, final)->role
            && time - ex->final_time > ex->final_after;
    return res->step < ex->highest_step && ike_next_speaker(ex) == res->role;
}

/* A byte-identical copy keeps the label of its first copy (either side may resend). */
static void take_resend(stored_result_t *stored, stored_result_t *first, const ike_msg_t *msg)
{
    ike_result_t *res = &stored->pub, *orig = &first->pub;
    ike_exchange_t *ex = orig->exchange;
    *res = *orig;
    res->frame = msg->frame;
    res->retrans_of = orig->frame;
    res->retrans_count = ++orig->resent;
    res->resent = 0;
    res->response_in = 0;
    res->completes = false;
    res->notes &= (uint16_t)~(IKE_NOTE_REQUEST_MISSING | IKE_NOTE_FIRST_ORPHAN_OF_SOURCE);
    if (res->step) {
        ike_set_step(ex, res->step, false, res);
        ike_link_request(ex, res);
        if (!ex->answer.peer_resend_frame && is_peer_resend(ex, res, msg->time))
            ex->answer.peer_resend_frame = msg->frame;
        bool evidence = res->step == ex->highest_step || ex->answer.peer_resend_frame == msg->frame;
        if (evidence && !ex->answer.first_frame)
            ex->answer.first_frame = msg->frame;
        bool response = ike_kind_version((ike_kind_t)ex->kind) == 2 && res->step == 2; /* answers, not asks */
        if (res->step == ex->highest_step && !response && res->retrans_count == UNANSWERED_AT_RESEND
            && !peer_answered(&ex->answer))
            res->notes |= IKE_NOTE_UNANSWERED;
    }
    ex->last_frame = msg->frame;
    ex->last_time = msg->time;
}

/* A child's SPI, read with keys: step 1 carries the SPI its sender receives on (R→I
 * traffic), step 2 the other's (RFC 2409 section 5.5, RFC 7296 section 1.3). */
static void note_child_spi(ike_exchange_t *ex, const ike_msg_t *msg, const ike_result_t *res)
{
    bool child = ex->kind == IKE_KIND_QUICK || ex->kind == IKE_KIND_AUTH || ex->kind == IKE_KIND_CHILD;
    if (ex->kind == IKE_KIND_CHILD && msg->sa_protocol == IKE2_PROTOCOL_IKE)
        ex->rekeys_ike = true;
    if (!child || !msg->child_spi || (res->step != 1 && res->step != 2))
        return;
    unsigned dir = res->step == 1 ? IKE_ESP_R_TO_I : IKE_ESP_I_TO_R;
    if (!ex->child_spi[dir]) {
        ex->child_spi[dir] = msg->child_spi;
        ex->child_spi_frame[dir] = msg->frame;
    }
}

/* Messages the model does not analyse: marked, never guessed. */
static bool not_analysed(const ike_msg_t *msg, ike_result_t *res)
{
    if (message_kind(msg) == IKE_KIND_NONE) {
        res->notes |= IKE_NOTE_UNKNOWN_EXCHANGE;
        return true;
    }
    return false;
}

ike_result_t *ike_model_add(ike_model_t *model, const ike_msg_t *msg)
{
    /* The header's next payload is in clear even when the dissector read nothing after
     * it (a malformed or truncated message): it names the first payload. */
    ike_msg_t with_header;
    if (msg->next_payload && msg->next_payload < 32 && !(msg->payloads & IKE_PL_BIT(msg->next_payload))) {
        with_header = *msg;
        with_header.payloads |= IKE_PL_BIT(msg->next_payload);
        msg = &with_header;
    }
    stored_result_t *stored = new_result(model);
    ike_result_t *res = &stored->pub;
    res->frame = msg->frame;
    res->exchange_type = msg->exchange_type;
    res->notify = main_notify(msg);
    /* A resend comes from the same sender: the same bytes the other way (two headers
     * alike, cut short by a small snaplen) are not one. */
    stored->digest = msg->digest ^ ike_peers_key(&msg->src, &msg->src);
    if (msg->malformed)
        res->notes |= IKE_NOTE_MALFORMED;
    if (ike_msg_has(msg, IKE_PL_FRAGMENT) || ike2_msg_has(msg, IKE2_PL_SKF))
        res->notes |= IKE_NOTE_FRAGMENT;
    if (msg->time > model->last_time)
        model->last_time = msg->time;
    if (not_analysed(msg, res))
        return res;

    ike_sa_t *sa = find_sa(model, msg);
    if (msg->in_icmp_error && msg->major_version == 2) {
        ike_kind_t quoted = message_kind(msg);
        uint64_t key = sa ? exchange_key(sa, msg, quoted) : 0;
        ike2_note_icmp_error(sa, sa ? g_hash_table_lookup(model->exchanges, &key) : NULL, msg, res);
        return res;
    }
    if (msg->in_icmp_error) {
        ike_note_icmp_error(sa, msg, res);
        return res;
    }
    if (!sa) {
        if (model->config.max_sas && model->sa_count >= model->config.max_sas)
            return not_tracked(model, stored);
        sa = new_sa(model, msg, g_hash_table_lookup(model->sa_by_cookie, &msg->icookie));
    }
    sa->last_frame = msg->frame;
    sa->last_time = msg->time;
    ike_note_liveness(sa, msg);
    if (!sa->rcookie && msg->rcookie)
        sa->rcookie = msg->rcookie;

    ike_kind_t kind = message_kind(msg);
    uint64_t key = exchange_key(sa, msg, kind);
    ike_exchange_t *ex = g_hash_table_lookup(model->exchanges, &key);
    stored_result_t *first = ex ? original_of(ex, stored->digest) : NULL;
    if (first) {
        uint16_t malformed = res->notes & IKE_NOTE_MALFORMED;
        take_resend(stored, first, msg);
        res->notes |= malformed;
        return res;
    }
    ike_exchange_t *answered = ex && ike2_is_retry(ex, msg) ? ex : NULL;
    if (!ex || answered)
        ex = add_exchange(model, sa, msg, kind, key);
    if (answered) /* the new round of IKE_SA_INIT the answer asked for */
        ike2_link_retry(answered, ex, res);
    stored->older_original = ex->newest_original;
    ex->newest_original = stored;
    res->exchange = ex;
    res->kind = ex->kind;
    double previous_time = ex->last_time;
    ex->last_frame = msg->frame;
    ex->last_time = msg->time;
    ike_number_message(ex, msg, res);
    note_child_spi(ex, msg, res);
    if (res->completes) {
        ex->final_time = msg->time;
        ex->final_after = msg->time - previous_time;
    }
    if (res->notes & IKE_NOTE_REQUEST_MISSING)
        note_orphan_source(model, msg, res);
    if (res->step && res->step == ex->highest_step)
        ex->floated = msg->nat_t && ex->sent_on_500;
    ex->sent_on_500 |= !msg->nat_t;
    if (ike_result_completes(res) && ex->kind != IKE_KIND_MAIN && ex->kind != IKE_KIND_AGGRESSIVE)
        ike_tunnels_note_child(model->tunnels, ex);
    if (msg->child_spi) /* a fragmented answer completes with fragment 1, its SPI comes with the last */
        ike_tunnels_note_child_spi(model->tunnels, ex);
    ike_link_dpd(model->dpd_requests, sa, msg, res);
    if (msg->n_deleted)
        ike_tunnels_note_delete(model->tunnels, msg);
    if (msg->invalid_spi)
        ike_tunnels_note_invalid_spi(model->tunnels, msg);
    /* the proposals first: AM#2 carries the chosen hash and its NAT-D together */
    ike_note_proposals(ex, msg, res);
    if (msg->major_version == 2)
        return res;
    if (msg->n_nat_d)
        ike_note_nat_detection(ex, msg);
    return res;
}

/* ---- lifetime and iteration ------------------------------------------------------ */

ike_model_t *ike_model_new(const ike_model_config_t *config)
{
    ike_model_t *model = g_new0(ike_model_t, 1);
    if (!hash_seed)
        hash_seed = (uint64_t)g_random_int() << 32 | g_random_int();
    if (config)
        model->config = *config;
    model->sa_by_cookie = g_hash_table_new(hash_u64, g_int64_equal);
    model->exchanges = g_hash_table_new(hash_u64, g_int64_equal);
    model->last_sa_by_peers = g_hash_table_new(hash_u64, g_int64_equal);
    model->last_sa_by_pair = g_hash_table_new(hash_u64, g_int64_equal);
    model->orphan_sources = g_hash_table_new_full(hash_u64, g_int64_equal, g_free, NULL);
    model->dpd_requests = g_hash_table_new_full(hash_u64, g_int64_equal, NULL, g_free);
    model->result_blocks = g_ptr_array_new_with_free_func(g_free);
    model->tunnels = ike_tunnels_new();
    return model;
}

void ike_model_free(ike_model_t *model)
{
    if (!model)
        return;
    /* Every exchange is on its SA's list, also those a reused message ID replaced. */
    for (sa_node_t *node = (sa_node_t *)model->first_sa; node;) {
        sa_node_t *next = node->next;
        for (ike_exchange_t *ex = node->sa.exchanges; ex;) {
            ike_exchange_t *next_ex = ex->next_in_sa;
            g_free(ex->offered);
            g_free(ex->proxy_ids);
            g_free(ex);
            ex = next_ex;
        }
        g_free(node);
        node = next;
    }
    g_hash_table_destroy(model->exchanges);
    g_hash_table_destroy(model->sa_by_cookie);
    g_hash_table_destroy(model->last_sa_by_peers);
    g_hash_table_destroy(model->last_sa_by_pair);
    g_hash_table_destroy(model->orphan_sources);
    g_hash_table_destroy(model->dpd_requests);
    g_ptr_array_free(model->result_blocks, TRUE);
    ike_tunnels_free(model->tunnels);
    g_free(model);
}

const ike_sa_t *ike_model_first_sa(const ike_model_t *model) { return model->first_sa; }
const ike_sa_t *ike_model_next_sa(const ike_sa_t *sa) { return (const ike_sa_t *)((const sa_node_t *)sa)->next; }
double ike_model_last_time(const ike_model_t *model) { return model->last_time; }
uint32_t ike_model_sa_count(const ike_model_t *model) { return model->sa_count; }
bool ike_model_cap_reached(const ike_model_t *model) { return model->cap_reached; }
ike_tunnels_t *ike_model_tunnels(const ike_model_t *model) { return model->tunnels; }
