/* ike_model.c: IKE SA table, exchanges, message numbering and resends.
 *
 * Owns: finding the SA and exchange of a message, deciding its step from what is
 * always in clear (exchange type, E flag, payload kinds, direction, order, bytes),
 * linking requests and responses.  How a pending step was answered is answers.c.
 * Must not: format strings, judge causes (diagnose.c does), or know about epan.
 */
#include "ike_model.h"
#include "model_internal.h"

#include <glib.h>
#include <string.h>

#define RESULTS_PER_BLOCK 1024u

struct ike_model {
    ike_model_config_t config;
    GHashTable *sa_by_cookie; /* &sa->icookie -> first SA with that cookie */
    GHashTable *exchanges; /* &exchange->key -> exchange */
    GHashTable *last_sa_by_peers; /* &peers key -> newest SA between two addresses */
    GHashTable *orphan_sources; /* address keys that already had a missing-request note */
    ike_sa_t *first_sa, *last_sa;
    GPtrArray *result_blocks; /* arrays of RESULTS_PER_BLOCK stored results */
    uint32_t results_in_block;
    uint32_t sa_count;
    double last_time;
    bool cap_reached;
    ike_result_t untracked; /* stands for the frame being added past the SA cap */
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
    uint64_t peers_key;
} sa_node_t;

unsigned ike_kind_final_step(ike_kind_t kind)
{
    switch (kind) {
    case IKE_KIND_MAIN: return 6;
    case IKE_KIND_AGGRESSIVE:
    case IKE_KIND_QUICK: return 3;
    default: return 0;
    }
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
static uint64_t peers_key(const ike_endpoint_t *a, const ike_endpoint_t *b)
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
    return msg->rcookie == 0 && msg->message_id == 0
        && (msg->exchange_type == IKE_XCHG_MAIN || msg->exchange_type == IKE_XCHG_AGGRESSIVE)
        && ike_msg_has(msg, IKE_PL_SA);
}

/* Phase-1 roles from a message that reveals them; false when it does not. */
static bool learn_roles(ike_sa_t *sa, const ike_msg_t *msg)
{
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
    learn_roles(sa, msg);
    if (same_cookie_head) {
        sa->next_same_cookie = same_cookie_head->next_same_cookie;
        same_cookie_head->next_same_cookie = sa;
    } else {
        g_hash_table_insert(model->sa_by_cookie, &sa->icookie, sa);
    }
    if (model->last_sa)
        ((sa_node_t *)model->last_sa)->next = node;
    else
        model->first_sa = sa;
    model->last_sa = sa;

    /* A fresh first message between the same two addresses supersedes the older SA. */
    if (is_first_message(msg)) {
        /* from src to dst: an attempt in the other direction does not hide this one */
        node->peers_key = peers_key(&msg->src, &msg->dst) * 3u + peers_key(&msg->src, &msg->src);
        ike_sa_t *older = g_hash_table_lookup(model->last_sa_by_peers, &node->peers_key);
        if (older && older->superseded_in == 0 && older->roles_known
            && ike_same_address(&older->initiator, &msg->src) && ike_same_address(&older->responder, &msg->dst))
            older->superseded_in = msg->frame;
        g_hash_table_replace(model->last_sa_by_peers, &node->peers_key, sa);
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
 * exchange that has it.  Three bits of kind, 29 of SA number, 32 of message ID. */
static uint64_t exchange_key(const ike_sa_t *sa, const ike_msg_t *msg, ike_kind_t kind)
{
    return (uint64_t)kind << 61 | (uint64_t)(sa->number & 0x1fffffffu) << 32 | msg->message_id;
}

static ike_exchange_t *add_exchange(ike_model_t *model, ike_sa_t *sa, const ike_msg_t *msg, ike_kind_t kind,
                                    uint64_t key)
{
    ike_exchange_t *ex = g_new0(ike_exchange_t, 1);
    ex->sa = sa;
    ex->key = key;
    ex->kind = kind;
    ex->first_frame = msg->frame;
    ex->first_time = msg->time;
    if (kind == IKE_KIND_QUICK) {
        ex->index = ++sa->n_quick;
        add_pending_quick(sa, ex);
    }
    else if (kind == IKE_KIND_INFO || kind == IKE_KIND_TRANSACTION)
        ex->index = ++sa->n_other;
    if ((kind == IKE_KIND_MAIN || kind == IKE_KIND_AGGRESSIVE) && !sa->phase1)
        sa->phase1 = ex;
    if (sa->last_exchange)
        sa->last_exchange->next_in_sa = ex;
    else
        sa->exchanges = ex;
    sa->last_exchange = ex;
    g_hash_table_insert(model->exchanges, &ex->key, ex);
    return ex;
}

/* ---- numbering ------------------------------------------------------------------- */

/* Main Mode: SA payload -> 1/2, KE or NONCE -> 3/4, encrypted or ID -> 5/6
 * (RFC 2409 section 5.1); the responder's message is the initiator's plus one. */
static unsigned main_mode_step(const ike_msg_t *msg, ike_role_t role)
{
    unsigned base;
    if ((msg->flags & IKE_FLAG_ENCRYPTED) || ike_msg_has(msg, IKE_PL_FRAGMENT))
        base = 5; /* only MM#5/MM#6 (certificates) grow large enough to be fragmented */
    else if (ike_msg_has(msg, IKE_PL_SA))
        base = 1;
    else if (ike_msg_has(msg, IKE_PL_KE) || ike_msg_has(msg, IKE_PL_NONCE))
        base = 3;
    else if (ike_msg_has(msg, IKE_PL_ID) || ike_msg_has(msg, IKE_PL_HASH) || ike_msg_has(msg, IKE_PL_SIG))
        base = 5;
    else
        return 0;
    return base + (role == IKE_ROLE_RESPONDER);
}

/* Aggressive Mode, RFC 2409 section 5.4: AM#1 and AM#2 carry the SA, AM#3 does not. */
static unsigned aggressive_step(const ike_msg_t *msg, ike_role_t role)
{
    if (role == IKE_ROLE_RESPONDER)
        return 2;
    if (role == IKE_ROLE_INITIATOR)
        return ike_msg_has(msg, IKE_PL_SA) ? 1 : 3;
    return 0;
}

/* Quick Mode is encrypted whole: number by order.  The first sender is its initiator. */
static unsigned quick_step(ike_exchange_t *ex, const ike_msg_t *msg, ike_role_t *role)
{
    if (!ex->initiator_known) {
        ex->initiator = msg->src;
        ex->initiator_known = true;
        ex->initiator_is_sa_initiator = ike_sa_role_of(ex->sa, &msg->src) == IKE_ROLE_INITIATOR;
    }
    if (ike_same_address(&ex->initiator, &msg->src)) {
        *role = IKE_ROLE_INITIATOR;
        return ex->highest_step >= 2 ? 3 : 1;
    }
    *role = IKE_ROLE_RESPONDER;
    return 2;
}

static unsigned step_answered_by(ike_kind_t kind, unsigned step)
{
    if (kind == IKE_KIND_MAIN)
        return step % 2 == 0 ? step - 1 : 0; /* 1->2, 3->4, 5->6 */
    if (kind == IKE_KIND_AGGRESSIVE || kind == IKE_KIND_QUICK)
        return step > 1 ? step - 1 : 0;
    return 0;
}

static ike_cisco_state_t state_after(const ike_exchange_t *ex, unsigned step)
{
    static const uint8_t main_states[] = {
        IKE_STATE_NONE, IKE_STATE_MM_NO_STATE, IKE_STATE_MM_SA_SETUP, IKE_STATE_MM_SA_SETUP,
        IKE_STATE_MM_KEY_EXCH, IKE_STATE_MM_KEY_EXCH, IKE_STATE_QM_IDLE,
    };
    static const uint8_t aggressive_states[] = {
        IKE_STATE_NONE, IKE_STATE_AG_INIT_EXCH, IKE_STATE_AG_AUTH, IKE_STATE_QM_IDLE,
    };
    if (ex->kind == IKE_KIND_MAIN && step <= 6)
        return main_states[step];
    if (ex->kind == IKE_KIND_AGGRESSIVE && step <= 3)
        return aggressive_states[step];
    if (ex->sa->phase1_done || ex->kind == IKE_KIND_QUICK)
        return IKE_STATE_QM_IDLE;
    return IKE_STATE_NONE;
}

/* Offered proposals from step 1, the chosen one from step 2: clear in phase 1 (RFC
 * 2409), readable in Quick Mode only with keys. */
static void note_proposals(ike_exchange_t *ex, const ike_msg_t *msg, const ike_result_t *res)
{
    if (!msg->n_transforms || res->retrans_of)
        return;
    if (res->step == 1 && !ex->offered) {
        ex->offered = g_memdup2(msg->transforms, msg->n_transforms * sizeof *msg->transforms);
        ex->n_offered = msg->n_transforms;
        ex->n_offered_total = msg->n_transforms_total;
        ex->pfs_offered = ike_msg_has(msg, IKE_PL_KE);
    } else if (res->step == 2 && !ex->has_chosen) {
        ex->chosen = msg->transforms[0];
        ex->has_chosen = true;
    }
}

/* NAT-D (RFC 3947 section 3.2) hashes with the negotiated hash, so it is checked once
 * the responder's choice is known; one mismatch anywhere means a NAT on the path. */
static void note_nat_detection(ike_exchange_t *ex, const ike_msg_t *msg)
{
    if (!ex->has_chosen || ex->nat == IKE_NAT_DETECTED)
        return;
    int nat = ike_nat_detected(msg, ex->chosen.hash);
    if (nat == 1)
        ex->nat = IKE_NAT_DETECTED;
    else if (nat == 0)
        ex->nat = IKE_NAT_NONE;
}

/* ---- the entry point ------------------------------------------------------------ */

static void link_request(ike_exchange_t *ex, ike_result_t *res)
{
    unsigned req = step_answered_by(ex->kind, res->step);
    if (!req || !ex->step_last[req])
        return;
    res->request_in = ex->step_last[req]->frame;
    if (!ex->step_last[req]->response_in)
        ex->step_last[req]->response_in = res->frame;
    if (!ex->step_first[req]->response_in)
        ex->step_first[req]->response_in = res->frame;
}

static void record_step(ike_exchange_t *ex, ike_result_t *res)
{
    unsigned step = res->step;
    unsigned req = step_answered_by(ex->kind, step);
    if (ex->highest_step == 0)
        ex->first_step = (uint8_t)step;
    if (req && !ex->step_first[req])
        res->notes |= IKE_NOTE_REQUEST_MISSING;
    bool repeat = ex->step_first[step] != NULL;
    if (repeat && !(ex->step_first[step]->notes & IKE_NOTE_FRAGMENT))
        res->notes |= IKE_NOTE_UNEXPECTED; /* the same step again, with new bytes */
    if (!repeat)
        ex->step_first[step] = res;
    ex->step_last[step] = res;
    if (step > ex->highest_step) {
        ex->highest_step = (uint8_t)step;
        memset(&ex->answer, 0, sizeof ex->answer);
    }
    if (step == ike_kind_final_step(ex->kind) && !repeat) {
        res->completes = true;
        if (ex->kind != IKE_KIND_QUICK)
            ex->sa->phase1_done = true;
        else
            for (ike_exchange_t **p = &ex->sa->pending_quick; *p; p = &(*p)->next_pending)
                if (*p == ex) {
                    *p = ex->next_pending;
                    break;
                }
    }
    link_request(ex, res);
}

/* A reflection flood sends thousands of orphan responses: one note per source. */
static void note_orphan_source(ike_model_t *model, const ike_msg_t *msg, ike_result_t *res)
{
    uint64_t key = peers_key(&msg->src, &msg->src);
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
        ex->step_last[res->step] = res;
        link_request(ex, res);
        /* the peer repeating its previous message while the other side's is pending */
        if (res->step < ex->highest_step && ike_next_speaker(ex) == res->role && !ex->answer.peer_resend_frame)
            ex->answer.peer_resend_frame = msg->frame;
        bool evidence = res->step == ex->highest_step || ex->answer.peer_resend_frame == msg->frame;
        if (evidence && !ex->answer.first_frame)
            ex->answer.first_frame = msg->frame;
    }
    ex->last_frame = msg->frame;
    ex->last_time = msg->time;
}

static ike_role_t phase1_role(ike_sa_t *sa, const ike_msg_t *msg, ike_result_t *res)
{
    if (!sa->roles_known && !learn_roles(sa, msg)) {
        res->notes |= IKE_NOTE_ROLE_UNKNOWN;
        return IKE_ROLE_UNKNOWN;
    }
    return ike_sa_role_of(sa, &msg->src);
}

static void number_message(ike_exchange_t *ex, const ike_msg_t *msg, ike_result_t *res)
{
    ike_sa_t *sa = ex->sa;
    ike_role_t role = IKE_ROLE_UNKNOWN;
    unsigned step = 0;
    switch (ex->kind) {
    case IKE_KIND_MAIN:
        role = phase1_role(sa, msg, res);
        step = role ? main_mode_step(msg, role) : 0;
        break;
    case IKE_KIND_AGGRESSIVE:
        role = phase1_role(sa, msg, res);
        step = aggressive_step(msg, role);
        break;
    case IKE_KIND_QUICK:
        step = quick_step(ex, msg, &role);
        break;
    default: /* INFO, TXN: the sender's role in the IKE SA */
        role = ike_sa_role_of(sa, &msg->src);
        if (!role)
            res->notes |= IKE_NOTE_ROLE_UNKNOWN;
        break;
    }
    res->role = (uint8_t)role;
    res->step = (uint8_t)step;
    if (ex->kind == IKE_KIND_INFO || ex->kind == IKE_KIND_TRANSACTION) {
        if (ex->kind == IKE_KIND_INFO)
            res->answers = ike_attach_informational(sa, msg, res);
    } else if (step == 0) {
        res->notes |= IKE_NOTE_UNEXPECTED;
    } else {
        record_step(ex, res);
    }
    res->state = (uint8_t)state_after(ex, step);
}

/* Messages the model does not analyse: marked, never guessed. */
static bool not_analysed(const ike_msg_t *msg, ike_result_t *res)
{
    if (msg->major_version != 1) {
        res->notes |= IKE_NOTE_IKEV2;
        return true;
    }
    if (kind_of(msg) == IKE_KIND_NONE) {
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
    res->notify = msg->n_notify ? msg->notify[0] : 0;
    /* A resend comes from the same sender: the same bytes the other way (two headers
     * alike, cut short by a small snaplen) are not one. */
    stored->digest = msg->digest ^ peers_key(&msg->src, &msg->src);
    if (msg->malformed)
        res->notes |= IKE_NOTE_MALFORMED;
    if (ike_msg_has(msg, IKE_PL_FRAGMENT))
        res->notes |= IKE_NOTE_FRAGMENT;
    if (msg->time > model->last_time)
        model->last_time = msg->time;
    if (not_analysed(msg, res))
        return res;

    ike_sa_t *sa = find_sa(model, msg);
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
    if (!sa->rcookie && msg->rcookie)
        sa->rcookie = msg->rcookie;

    ike_kind_t kind = kind_of(msg);
    uint64_t key = exchange_key(sa, msg, kind);
    ike_exchange_t *ex = g_hash_table_lookup(model->exchanges, &key);
    stored_result_t *first = ex ? original_of(ex, stored->digest) : NULL;
    if (first) {
        uint16_t malformed = res->notes & IKE_NOTE_MALFORMED;
        take_resend(stored, first, msg);
        res->notes |= malformed;
        return res;
    }
    if (!ex)
        ex = add_exchange(model, sa, msg, kind, key);
    stored->older_original = ex->newest_original;
    ex->newest_original = stored;
    res->exchange = ex;
    res->kind = ex->kind;
    ex->last_frame = msg->frame;
    ex->last_time = msg->time;
    number_message(ex, msg, res);
    if (res->notes & IKE_NOTE_REQUEST_MISSING)
        note_orphan_source(model, msg, res);
    if (res->step && res->step == ex->highest_step)
        ex->floated = msg->nat_t && ex->sent_on_500;
    ex->sent_on_500 |= !msg->nat_t;
    if (msg->n_nat_d)
        note_nat_detection(ex, msg);
    note_proposals(ex, msg, res);
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
    model->orphan_sources = g_hash_table_new_full(hash_u64, g_int64_equal, g_free, NULL);
    model->result_blocks = g_ptr_array_new_with_free_func(g_free);
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
            g_free(ex);
            ex = next_ex;
        }
        g_free(node);
        node = next;
    }
    g_hash_table_destroy(model->exchanges);
    g_hash_table_destroy(model->sa_by_cookie);
    g_hash_table_destroy(model->last_sa_by_peers);
    g_hash_table_destroy(model->orphan_sources);
    g_ptr_array_free(model->result_blocks, TRUE);
    g_free(model);
}

const ike_sa_t *ike_model_first_sa(const ike_model_t *model) { return model->first_sa; }
const ike_sa_t *ike_model_next_sa(const ike_sa_t *sa) { return (const ike_sa_t *)((const sa_node_t *)sa)->next; }
double ike_model_last_time(const ike_model_t *model) { return model->last_time; }
uint32_t ike_model_sa_count(const ike_model_t *model) { return model->sa_count; }
bool ike_model_cap_reached(const ike_model_t *model) { return model->cap_reached; }
