/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunnel.c: ESP frames tied to the children that negotiated them, counted per direction.
 *
 * Owns: the children a model completed, the ESP flows (one SPI toward one address) and
 * their counters, the matching by SPI or by peers.  Must not: read bytes (the glue finds
 * the ESP header), number IKE messages, or format anything but through tunnel_verdict.c.
 * Per ESP frame of a known flow: one hash lookup and a few counters, nothing allocated.
 */
#include "tunnel.h"
#include "model_internal.h"

#include <glib.h>
#include <string.h>

/* Bounds for hostile captures: a flow per new SPI, so at most this many; a new SPI is
 * offered to at most this many children between the same peers, newest first. */
#define MAX_FLOWS 65536u
#define MAX_CANDIDATES 64u

typedef struct child_entry child_entry_t;

struct ike_esp_flow {
    ike_esp_flow_t *next_same_spi;
    ike_esp_flow_t *next_of_child;
    child_entry_t *entry; /* NULL: no match */
    ike_endpoint_t dst;
    uint32_t spi;
    uint8_t dir, match;
    uint32_t next_sequence; /* the one expected next */
    ike_esp_stats_t stats;
};

struct child_entry {
    const ike_exchange_t *child;
    child_entry_t *older_between_peers;
    ike_esp_flow_t *flows;
    ike_endpoint_t initiator, responder;
    uint32_t completed_in;
    uint32_t deleted_in; /* a readable Delete of one of its SPIs */
    uint32_t invalid_spi_in; /* an INVALID-SPI notify naming one of its SPIs */
    bool has_dir[2];
    bool ambiguous; /* a candidate of ESP that could as well be another child's */
    bool ike_rekey; /* a CREATE_CHILD_SA that rekeyed the IKE SA: no IPsec SA */
};

struct ike_tunnels {
    GHashTable *flows_by_spi; /* spi -> first flow with that SPI */
    GHashTable *children; /* exchange -> child_entry_t */
    GHashTable *newest_by_pair; /* &pair key -> newest child_entry_t between two addresses */
    GHashTable *spi_owner; /* spi -> child_entry_t whose negotiation carried it (keys) */
    GPtrArray *pair_keys; /* the keys of newest_by_pair, owned */
    uint32_t n_flows, unmatched;
};

ike_tunnels_t *ike_tunnels_new(void)
{
    ike_tunnels_t *t = g_new0(ike_tunnels_t, 1);
    t->flows_by_spi = g_hash_table_new(g_direct_hash, g_direct_equal);
    t->children = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    t->newest_by_pair = g_hash_table_new(g_int64_hash, g_int64_equal);
    t->spi_owner = g_hash_table_new(g_direct_hash, g_direct_equal);
    t->pair_keys = g_ptr_array_new_with_free_func(g_free);
    return t;
}

static void free_flow_chain(gpointer key G_GNUC_UNUSED, gpointer value, gpointer data G_GNUC_UNUSED)
{
    for (ike_esp_flow_t *f = value, *next; f; f = next) {
        next = f->next_same_spi;
        g_free(f);
    }
}

void ike_tunnels_free(ike_tunnels_t *t)
{
    if (!t)
        return;
    g_hash_table_foreach(t->flows_by_spi, free_flow_chain, NULL);
    g_hash_table_destroy(t->flows_by_spi);
    g_hash_table_destroy(t->children);
    g_hash_table_destroy(t->newest_by_pair);
    g_hash_table_destroy(t->spi_owner);
    g_ptr_array_free(t->pair_keys, TRUE);
    g_free(t);
}

/* ---- children ---------------------------------------------------------------------- */

static void own_spi(ike_tunnels_t *t, child_entry_t *entry, uint32_t spi)
{
    if (spi && !g_hash_table_contains(t->spi_owner, GUINT_TO_POINTER(spi)))
        g_hash_table_insert(t->spi_owner, GUINT_TO_POINTER(spi), entry);
}

void ike_tunnels_note_child(ike_tunnels_t *t, const ike_exchange_t *child)
{
    if (!child->initiator_known || child->rekeys_ike || g_hash_table_contains(t->children, child))
        return;
    child_entry_t *entry = g_new0(child_entry_t, 1);
    entry->child = child;
    entry->initiator = child->initiator;
    const ike_sa_t *sa = child->sa;
    entry->responder = ike_same_address(&sa->initiator, &child->initiator) ? sa->responder : sa->initiator;
    entry->completed_in = child->last_frame;
    g_hash_table_insert(t->children, (gpointer)child, entry);
    own_spi(t, entry, child->child_spi[IKE_ESP_I_TO_R]);
    own_spi(t, entry, child->child_spi[IKE_ESP_R_TO_I]);

    uint64_t pair = ike_peers_key(&entry->initiator, &entry->responder);
    entry->older_between_peers = g_hash_table_lookup(t->newest_by_pair, &pair);
    if (!entry->older_between_peers) {
        uint64_t *key = g_memdup2(&pair, sizeof pair);
        g_ptr_array_add(t->pair_keys, key);
        g_hash_table_insert(t->newest_by_pair, key, entry);
    } else {
        g_hash_table_insert(t->newest_by_pair, &pair, entry); /* keeps the stored key */
    }
}

void ike_tunnels_note_child_spi(ike_tunnels_t *t, const ike_exchange_t *child)
{
    child_entry_t *entry = g_hash_table_lookup(t->children, child);
    if (entry) {
        own_spi(t, entry, child->child_spi[IKE_ESP_I_TO_R]);
        own_spi(t, entry, child->child_spi[IKE_ESP_R_TO_I]);
    }
}

void ike_tunnels_note_ike_rekey(ike_tunnels_t *t, const ike_sa_t *old)
{
    const ike_exchange_t *newest = NULL;
    for (const ike_exchange_t *ex = old->exchanges; ex; ex = ex->next_in_sa)
        if (ex->kind == IKE_KIND_CHILD && g_hash_table_contains(t->children, ex))
            newest = ex;
    child_entry_t *entry = newest ? g_hash_table_lookup(t->children, newest) : NULL;
    if (entry && !entry->flows)
        entry->ike_rekey = true;
}

/* The child an SPI belongs to: the negotiation's own, else the flow that carried it. */
static child_entry_t *entry_of_spi(const ike_tunnels_t *t, uint32_t spi)
{
    child_entry_t *entry = g_hash_table_lookup(t->spi_owner, GUINT_TO_POINTER(spi));
    for (ike_esp_flow_t *f = g_hash_table_lookup(t->flows_by_spi, GUINT_TO_POINTER(spi)); f && !entry;
         f = f->next_same_spi)
        entry = f->entry;
    return entry;
}

void ike_tunnels_note_delete(ike_tunnels_t *t, const ike_msg_t *msg)
{
    for (unsigned i = 0; i < msg->n_deleted; i++) {
        child_entry_t *entry = entry_of_spi(t, msg->deleted_spi[i]);
        if (entry && !entry->deleted_in)
            entry->deleted_in = msg->frame;
    }
}

void ike_tunnels_note_invalid_spi(ike_tunnels_t *t, const ike_msg_t *msg)
{
    child_entry_t *entry = msg->invalid_spi ? entry_of_spi(t, msg->invalid_spi) : NULL;
    if (entry && !entry->invalid_spi_in)
        entry->invalid_spi_in = msg->frame;
}

uint32_t ike_tunnels_deleted_in(const ike_tunnels_t *t, const ike_exchange_t *child)
{
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    return entry ? entry->deleted_in : 0;
}

uint32_t ike_tunnels_invalid_spi_in(const ike_tunnels_t *t, const ike_exchange_t *child)
{
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    return entry ? entry->invalid_spi_in : 0;
}

/* ---- flows ------------------------------------------------------------------------- */

/* ike_same_address, inlined: this runs once per ESP frame. */
static inline bool same_host(const ike_endpoint_t *a, const ike_endpoint_t *b)
{
    return a->family == b->family && !memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4);
}

static ike_esp_flow_t *lookup(const ike_tunnels_t *t, uint32_t spi, const ike_endpoint_t *dst)
{
    ike_esp_flow_t *f = g_hash_table_lookup(t->flows_by_spi, GUINT_TO_POINTER(spi));
    while (f && !same_host(&f->dst, dst))
        f = f->next_same_spi;
    return f;
}

static ike_esp_dir_t dir_of(const child_entry_t *entry, const ike_endpoint_t *src)
{
    return ike_same_address(&entry->initiator, src) ? IKE_ESP_I_TO_R : IKE_ESP_R_TO_I;
}

/* The child whose negotiation carried the SPI, toward the side that chose it. */
static child_entry_t *by_spi(const ike_tunnels_t *t, const ike_esp_msg_t *esp, ike_esp_dir_t *dir)
{
    child_entry_t *entry = g_hash_table_lookup(t->spi_owner, GUINT_TO_POINTER(esp->spi));
    if (!entry)
        return NULL;
    *dir = dir_of(entry, &esp->src);
    bool to_receiver = ike_same_address(*dir == IKE_ESP_I_TO_R ? &entry->responder : &entry->initiator, &esp->dst);
    return to_receiver && entry->child->child_spi[*dir] == esp->spi ? entry : NULL;
}

static bool candidate(const child_entry_t *entry, const ike_esp_msg_t *esp, ike_esp_dir_t *dir)
{
    bool same_peers = (ike_same_address(&entry->initiator, &esp->src) && ike_same_address(&entry->responder, &esp->dst))
        || (ike_same_address(&entry->initiator, &esp->dst) && ike_same_address(&entry->responder, &esp->src));
    if (!same_peers || entry->ike_rekey)
        return false;
    *dir = dir_of(entry, &esp->src);
    return !entry->has_dir[*dir] && !entry->child->child_spi[*dir];
}

/* Without keys: the newest child between the two addresses with no SPI yet that way.  A
 * rekey's new SPIs go to the new child so.  When older ones wait too (parallel children:
 * one per crypto ACL line, or a simultaneous initiation), nothing says which: all of them
 * are marked, and judged together. */
static child_entry_t *by_peers(const ike_tunnels_t *t, const ike_esp_msg_t *esp, ike_esp_dir_t *dir, bool *ambiguous)
{
    uint64_t pair = ike_peers_key(&esp->src, &esp->dst);
    child_entry_t *chosen = NULL;
    ike_esp_dir_t d;
    *ambiguous = false;
    child_entry_t *entry = g_hash_table_lookup(t->newest_by_pair, &pair);
    for (unsigned n = 0; entry && n < MAX_CANDIDATES; entry = entry->older_between_peers, n++) {
        if (!candidate(entry, esp, &d))
            continue;
        if (chosen) {
            *ambiguous = chosen->ambiguous = entry->ambiguous = true;
        } else {
            chosen = entry;
            *dir = d;
        }
    }
    return chosen;
}

static ike_esp_flow_t *new_flow(ike_tunnels_t *t, const ike_esp_msg_t *esp)
{
    ike_esp_flow_t *flow = g_new0(ike_esp_flow_t, 1);
    flow->spi = esp->spi;
    flow->dst = esp->dst;
    ike_esp_dir_t dir = IKE_ESP_I_TO_R;
    child_entry_t *entry = by_spi(t, esp, &dir);
    flow->match = IKE_ESP_MATCH_SPI;
    if (!entry) {
        bool ambiguous;
        entry = by_peers(t, esp, &dir, &ambiguous);
        flow->match = !entry ? IKE_ESP_MATCH_NONE : ambiguous ? IKE_ESP_MATCH_AMBIGUOUS : IKE_ESP_MATCH_PEERS;
    }
    flow->dir = (uint8_t)dir;
    if (entry) {
        flow->entry = entry;
        /* a guess among several claims nothing: the next new SPI is as open as this one */
        entry->has_dir[dir] |= flow->match != IKE_ESP_MATCH_AMBIGUOUS;
        ike_esp_flow_t **tail = &entry->flows;
        while (*tail)
            tail = &(*tail)->next_of_child;
        *tail = flow;
    }
    flow->next_same_spi = g_hash_table_lookup(t->flows_by_spi, GUINT_TO_POINTER(esp->spi));
    g_hash_table_insert(t->flows_by_spi, GUINT_TO_POINTER(esp->spi), flow);
    t->n_flows++;
    return flow;
}

/* RFC 4303 section 3.3.3: each SA's sequence numbers count up by one from 1, so a jump
 * is ESP that never reached the capture point (or comes later, reordered). */
static void count(ike_esp_flow_t *flow, const ike_esp_msg_t *esp)
{
    ike_esp_stats_t *s = &flow->stats;
    if (!s->packets) {
        s->first_frame = esp->frame;
        s->first_time = esp->time;
    } else if (esp->sequence > flow->next_sequence) {
        s->missing += esp->sequence - flow->next_sequence;
    }
    if (!s->packets || esp->sequence >= flow->next_sequence)
        flow->next_sequence = esp->sequence + 1;
    s->packets++;
    s->bytes += esp->length;
    s->last_frame = esp->frame;
    s->last_time = esp->time;
}

const ike_esp_flow_t *ike_tunnels_add_esp(ike_tunnels_t *t, const ike_esp_msg_t *esp)
{
    ike_esp_flow_t *flow = lookup(t, esp->spi, &esp->dst);
    if (!flow && t->n_flows >= MAX_FLOWS) {
        t->unmatched++;
        return NULL;
    }
    if (!flow)
        flow = new_flow(t, esp);
    if (!flow->entry)
        t->unmatched++;
    count(flow, esp);
    return flow;
}

const ike_esp_flow_t *ike_tunnels_find(const ike_tunnels_t *t, const ike_esp_msg_t *esp)
{
    return lookup(t, esp->spi, &esp->dst);
}

const ike_exchange_t *ike_esp_flow_child(const ike_esp_flow_t *flow) { return flow->entry ? flow->entry->child : NULL; }
ike_esp_dir_t ike_esp_flow_dir(const ike_esp_flow_t *flow) { return (ike_esp_dir_t)flow->dir; }
ike_esp_match_t ike_esp_flow_match(const ike_esp_flow_t *flow) { return (ike_esp_match_t)flow->match; }
uint32_t ike_esp_flow_spi(const ike_esp_flow_t *flow) { return flow->spi; }
void ike_esp_flow_stats(const ike_esp_flow_t *flow, ike_esp_stats_t *out) { *out = flow->stats; }

uint32_t ike_esp_flow_negotiated_in(const ike_esp_flow_t *flow)
{
    if (!flow->entry)
        return 0;
    uint32_t carried = flow->match == IKE_ESP_MATCH_SPI ? flow->entry->child->child_spi_frame[flow->dir] : 0;
    return carried ? carried : flow->entry->completed_in;
}

static void add_stats(ike_esp_stats_t *sum, const ike_esp_stats_t *s)
{
    if (!s->packets)
        return;
    if (!sum->packets || s->first_frame < sum->first_frame) {
        sum->first_frame = s->first_frame;
        sum->first_time = s->first_time;
    }
    if (!sum->packets || s->last_frame > sum->last_frame) {
        sum->last_frame = s->last_frame;
        sum->last_time = s->last_time;
    }
    sum->packets += s->packets;
    sum->bytes += s->bytes;
    sum->missing += s->missing;
}

/* The ESP of every ambiguous child between the same peers as `child`, one way. */
static void group_stats(const ike_tunnels_t *t, const child_entry_t *entry, const ike_endpoint_t *from,
                        ike_esp_stats_t *out)
{
    uint64_t pair = ike_peers_key(&entry->initiator, &entry->responder);
    const child_entry_t *e = g_hash_table_lookup(t->newest_by_pair, &pair);
    for (unsigned n = 0; e && n < MAX_CANDIDATES; e = e->older_between_peers, n++)
        for (const ike_esp_flow_t *f = e->ambiguous ? e->flows : NULL; f; f = f->next_of_child) {
            bool sent_by = f->match == IKE_ESP_MATCH_AMBIGUOUS
                && ike_same_address(f->dir == IKE_ESP_I_TO_R ? &e->initiator : &e->responder, from);
            if (sent_by)
                add_stats(out, &f->stats);
        }
}

bool ike_tunnels_child_stats(const ike_tunnels_t *t, const ike_exchange_t *child, ike_esp_dir_t dir,
                             ike_esp_stats_t *out)
{
    memset(out, 0, sizeof *out);
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    if (!entry || entry->ike_rekey || !child->sa->phase1_done) /* IKEv2: an IKE_AUTH refused after all */
        return false;
    for (const ike_esp_flow_t *f = entry->flows; f; f = f->next_of_child)
        if (f->dir == dir && f->match != IKE_ESP_MATCH_AMBIGUOUS)
            add_stats(out, &f->stats);
    if (entry->ambiguous)
        group_stats(t, entry, dir == IKE_ESP_I_TO_R ? &entry->initiator : &entry->responder, out);
    return true;
}

/* A child's own ESP (both ways, ambiguous flows left out): first and last frame and time. */
static bool own_span(const child_entry_t *e, ike_esp_stats_t *span)
{
    memset(span, 0, sizeof *span);
    for (const ike_esp_flow_t *f = e->flows; f; f = f->next_of_child)
        if (f->match != IKE_ESP_MATCH_AMBIGUOUS)
            add_stats(span, &f->stats);
    return span->packets > 0;
}

static bool same_proxy_ids(const ike_exchange_t *a, const ike_exchange_t *b)
{
    if (!a->proxy_ids || !b->proxy_ids) /* without keys nothing says otherwise */
        return true;
    if (a->n_proxy_ids != 2 || b->n_proxy_ids != 2)
        return a->n_proxy_ids == b->n_proxy_ids;
    /* IDci first: a rekey begun by the other side names the two the other way round */
    size_t one = sizeof *a->proxy_ids;
    return (!memcmp(&a->proxy_ids[0], &b->proxy_ids[0], one) && !memcmp(&a->proxy_ids[1], &b->proxy_ids[1], one))
        || (!memcmp(&a->proxy_ids[0], &b->proxy_ids[1], one) && !memcmp(&a->proxy_ids[1], &b->proxy_ids[0], one));
}

/* `newer` took over from `older`: it was negotiated while the older carried ESP, the
 * older stopped within the window after the newer began, the newer went on past it, and
 * they protect the same traffic. */
static bool took_over(const child_entry_t *older, const child_entry_t *newer, double window, uint32_t *old_last,
                      uint32_t *new_first)
{
    ike_esp_stats_t o, n;
    if (!own_span(older, &o) || !own_span(newer, &n) || !same_proxy_ids(older->child, newer->child))
        return false;
    /* negotiated while the older one carried traffic: children that all came up before
     * any ESP (parallel ones, a simultaneous initiation) replace nothing */
    if (newer->completed_in < o.first_frame)
        return false;
    if (o.last_time > n.first_time + window || n.last_frame <= o.last_frame || n.first_frame <= o.first_frame)
        return false;
    *old_last = o.last_frame;
    *new_first = n.first_frame;
    return true;
}

/* The nearest older child between the same peers that carried ESP. */
static const child_entry_t *previous_with_esp(const child_entry_t *entry)
{
    const child_entry_t *older = entry->older_between_peers;
    for (unsigned n = 0; older && n < MAX_CANDIDATES; older = older->older_between_peers, n++)
        if (!older->ike_rekey && older->flows)
            return older;
    return NULL;
}

bool ike_tunnels_replaces(const ike_tunnels_t *t, const ike_exchange_t *child, double window, uint32_t *old_last,
                          uint32_t *new_first)
{
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    const child_entry_t *older = entry ? previous_with_esp(entry) : NULL;
    return older && took_over(older, entry, window, old_last, new_first);
}

bool ike_tunnels_replaced_by(const ike_tunnels_t *t, const ike_exchange_t *child, double window, uint32_t *old_last,
                             uint32_t *new_first)
{
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    if (!entry)
        return false;
    uint64_t pair = ike_peers_key(&entry->initiator, &entry->responder);
    const child_entry_t *newer = g_hash_table_lookup(t->newest_by_pair, &pair);
    for (unsigned n = 0; newer && newer != entry && n < MAX_CANDIDATES; newer = newer->older_between_peers, n++)
        if (previous_with_esp(newer) == entry && took_over(entry, newer, window, old_last, new_first))
            return true;
    return false;
}

uint32_t ike_tunnels_completed_in(const ike_tunnels_t *t, const ike_exchange_t *child)
{
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    return entry ? entry->completed_in : 0;
}

uint32_t ike_tunnels_unmatched(const ike_tunnels_t *t) { return t->unmatched; }

bool ike_tunnels_child_ambiguous(const ike_tunnels_t *t, const ike_exchange_t *child)
{
    const child_entry_t *entry = g_hash_table_lookup(t->children, child);
    return entry && entry->ambiguous;
}

