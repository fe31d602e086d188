/* extract.c: read an ISAKMP message from the stock dissector's primed fields.
 *
 * Owns: field names, the same-name v1/v2 field ids, and mapping field_info values to
 * ike_msg_t.  Must not: number, judge or render anything.
 *
 * When a frame holds two ISAKMP headers (a Cisco fragment and the message reassembled
 * from it), the last header is the message; header fields are matched to it by offset.
 */
#include "extract.h"

#include <epan/proto.h>
#include <wireshark.h>

#include <stddef.h>
#include <string.h>

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#define FI_FV(fi) ((fi)->value) /* 4.2 made field_info.value a pointer */
#else
#define FI_FV(fi) (&(fi)->value)
#endif

enum field {
    F_ISAKMP, /* the protocol: its range is the raw message */
    F_MALFORMED, /* _ws.malformed: the dissector gave up somewhere in the frame */
    F_ISPI,
    F_RSPI,
    F_NEXT_PAYLOAD,
    F_MAJOR_VERSION,
    F_EXCHANGE_TYPE,
    F_FLAGS,
    F_MESSAGE_ID,
    F_LENGTH,
    F_PAYLOAD_TYPE,
    F_NOTIFY_TYPE,
    F_TRANSFORM_NUMBER,
    F_ENCRYPTION,
    F_KEY_LENGTH,
    F_HASH,
    F_AUTH_METHOD,
    F_GROUP,
    F_ESP_TRANSFORM, /* phase 2, decrypted QM only */
    F_ESP_KEY_LENGTH,
    F_ESP_AUTH,
    F_ESP_GROUP,
    F_ESP_ENCAP,
    F_NAT_D,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    [F_ISAKMP] = "isakmp",
    [F_MALFORMED] = "_ws.malformed",
    [F_ISPI] = "isakmp.ispi",
    [F_RSPI] = "isakmp.rspi",
    [F_NEXT_PAYLOAD] = "isakmp.nextpayload",
    [F_MAJOR_VERSION] = "isakmp.mjver",
    [F_EXCHANGE_TYPE] = "isakmp.exchangetype",
    [F_FLAGS] = "isakmp.flags",
    [F_MESSAGE_ID] = "isakmp.messageid",
    [F_LENGTH] = "isakmp.length",
    [F_PAYLOAD_TYPE] = "isakmp.typepayload",
    [F_NOTIFY_TYPE] = "isakmp.notify.msgtype",
    [F_TRANSFORM_NUMBER] = "isakmp.trans.number",
    [F_ENCRYPTION] = "isakmp.ike.attr.encryption_algorithm",
    [F_KEY_LENGTH] = "isakmp.ike.attr.key_length",
    [F_HASH] = "isakmp.ike.attr.hash_algorithm",
    [F_AUTH_METHOD] = "isakmp.ike.attr.authentication_method",
    [F_GROUP] = "isakmp.ike.attr.group_description",
    [F_ESP_TRANSFORM] = "isakmp.trans.id",
    [F_ESP_KEY_LENGTH] = "isakmp.ipsec.attr.key_length",
    [F_ESP_AUTH] = "isakmp.ipsec.attr.auth_algorithm",
    [F_ESP_GROUP] = "isakmp.ipsec.attr.group_description",
    [F_ESP_ENCAP] = "isakmp.ipsec.attr.encap_mode",
    [F_NAT_D] = "isakmp.ike.nat_hash",
};

/* Offsets of header fields in an ISAKMP header, RFC 2408 section 3.1. */
#define HDR_NEXT_PAYLOAD 16
#define HDR_SIZE 28

#define MAX_IDS 4 /* ISAKMP registers some names twice (IKEv1 and IKEv2) */
static int field_ids[F_COUNT][MAX_IDS];

/* Protocol ids of the layers a frame is tested for, resolved once. */
static int proto_isakmp = -1, proto_udpencap = -1, proto_icmp = -1, proto_icmpv6 = -1;

/* pinfo->layers holds protocol ids: comparing ints costs a few instructions a layer,
 * proto_is_frame_protocol() looks up and compares each layer's name (about 450
 * instructions a frame, on every frame of the capture). */
static gboolean frame_has_layer(packet_info *pinfo, int proto)
{
    for (wmem_list_frame_t *l = wmem_list_head(pinfo->layers); l; l = wmem_list_frame_next(l))
        if (GPOINTER_TO_INT(wmem_list_frame_data(l)) == proto)
            return TRUE;
    return FALSE;
}

gboolean extract_frame_has_isakmp(packet_info *pinfo)
{
    return proto_isakmp != -1 && frame_has_layer(pinfo, proto_isakmp);
}

void extract_resolve_fields(void)
{
    proto_isakmp = proto_get_id_by_filter_name("isakmp");
    proto_udpencap = proto_get_id_by_filter_name("udpencap");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    for (int f = 0; f < F_COUNT; f++) {
        for (int i = 0; i < MAX_IDS; i++)
            field_ids[f][i] = -1;
        int proto = proto_get_id_by_filter_name(field_names[f]);
        if (proto != -1) {
            field_ids[f][0] = proto;
            continue;
        }
        header_field_info *hf = proto_registrar_get_byname(field_names[f]);
        while (hf && hf->same_name_prev_id != -1)
            hf = proto_registrar_get_nth(hf->same_name_prev_id);
        for (int i = 0; hf && i < MAX_IDS; hf = hf->same_name_next)
            field_ids[f][i++] = hf->id;
    }
}

GArray *extract_wanted_fields(void)
{
    GArray *wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), F_COUNT * 2);
    for (int f = 0; f < F_COUNT; f++)
        for (int i = 0; i < MAX_IDS && field_ids[f][i] != -1; i++)
            g_array_append_val(wanted, field_ids[f][i]);
    return wanted;
}

/* The primed field_infos of a field: the first of its same-name ids that has any. */
static GPtrArray *finfos(proto_tree *tree, enum field f)
{
    for (int i = 0; i < MAX_IDS && field_ids[f][i] != -1; i++) {
        GPtrArray *a = proto_get_finfo_ptr_array(tree, field_ids[f][i]);
        if (a && a->len)
            return a;
    }
    return NULL;
}

static guint32 uint_of(const field_info *fi)
{
    return fvalue_get_uinteger((fvalue_t *)FI_FV(fi)); /* 4.0 takes no const */
}

/* The header field of the message at `hdr`: the occurrence `offset` bytes into it. */
static const field_info *header_field(proto_tree *tree, enum field f, const field_info *hdr, int offset)
{
    GPtrArray *a = finfos(tree, f);
    for (guint i = 0; a && i < a->len; i++) {
        const field_info *fi = a->pdata[i];
        if (fi->ds_tvb == hdr->ds_tvb && fi->start == hdr->start + offset)
            return fi;
    }
    return NULL;
}

static guint64 cookie_of(const field_info *fi)
{
    guint8 bytes[8];
    if (!fi || fi->length != 8)
        return 0;
    tvb_memcpy(fi->ds_tvb, bytes, fi->start, 8);
    guint64 v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | bytes[i];
    return v;
}

static void copy_endpoint(ike_endpoint_t *ep, const address *addr, guint32 port)
{
    memset(ep, 0, sizeof *ep);
    ep->port = (uint16_t)port;
    if (addr->type == AT_IPv4 && addr->len == 4) {
        ep->family = 4;
        memcpy(ep->addr, addr->data, 4);
    } else if (addr->type == AT_IPv6 && addr->len == 16) {
        ep->family = 6;
        memcpy(ep->addr, addr->data, 16);
    }
}

/* Payload kinds and notify codes that belong to this message (its own data source,
 * or the decrypted one that hangs below it). */
static gboolean in_message(const field_info *fi, const field_info *hdr)
{
    if (fi->ds_tvb != hdr->ds_tvb)
        return TRUE; /* decrypted payloads live in their own data source */
    return fi->start >= hdr->start && (hdr->length < 0 || fi->start < hdr->start + hdr->length);
}

static void read_payloads(proto_tree *tree, const field_info *hdr, ike_msg_t *msg)
{
    GPtrArray *a = finfos(tree, F_PAYLOAD_TYPE);
    for (guint i = 0; a && i < a->len; i++) {
        const field_info *fi = a->pdata[i];
        if (!in_message(fi, hdr))
            continue;
        guint32 type = uint_of(fi);
        if (type == 130) /* NAT-D, draft-ietf-ipsec-nat-t-ike-02 */
            type = IKE_PL_NAT_D;
        else if (type == 132) /* IKE fragment (Cisco, strongSwan) */
            type = IKE_PL_FRAGMENT;
        if (type < 32)
            msg->payloads |= IKE_PL_BIT(type);
        if (fi->ds_tvb != hdr->ds_tvb && (msg->flags & IKE_FLAG_ENCRYPTED))
            msg->decrypted = true;
    }
    a = finfos(tree, F_NOTIFY_TYPE);
    for (guint i = 0; a && i < a->len && msg->n_notify < IKE_MSG_MAX_NOTIFY; i++)
        if (in_message(a->pdata[i], hdr))
            msg->notify[msg->n_notify++] = (uint16_t)uint_of(a->pdata[i]);
}

/* Which transform an attribute belongs to: the last one that starts before it. */
static int transform_of(const field_info *attr, GPtrArray *starts)
{
    int found = -1;
    for (guint i = 0; i < starts->len && i < IKE_MSG_MAX_TRANSFORMS; i++) {
        const field_info *t = starts->pdata[i];
        if (t->ds_tvb == attr->ds_tvb && t->start < attr->start)
            found = (int)i;
    }
    return found;
}

/* The attribute fields of a phase-1 (RFC 2409 appendix A) or phase-2 (RFC 2407 4.5)
 * transform, and where each lands in ike_transform_t. */
typedef struct attr_field {
    enum field field;
    size_t offset;
    bool wide; /* a uint16_t member, else uint8_t */
} attr_field_t;

#define ATTR(f, member, w) { f, offsetof(ike_transform_t, member), w }
static const attr_field_t phase1_attrs[] = {
    ATTR(F_ENCRYPTION, encryption, true), ATTR(F_KEY_LENGTH, key_length, true), ATTR(F_HASH, hash, false),
    ATTR(F_AUTH_METHOD, auth_method, true), ATTR(F_GROUP, group, false),
};
static const attr_field_t phase2_attrs[] = {
    ATTR(F_ESP_TRANSFORM, encryption, true), ATTR(F_ESP_KEY_LENGTH, key_length, true),
    ATTR(F_ESP_AUTH, hash, false), ATTR(F_ESP_GROUP, group, false), ATTR(F_ESP_ENCAP, encap_mode, true),
};

static void read_transforms(proto_tree *tree, ike_msg_t *msg, const attr_field_t *attrs, size_t n_attrs)
{
    GPtrArray *starts = finfos(tree, F_TRANSFORM_NUMBER);
    if (!starts)
        return;
    msg->n_transforms_total = (uint8_t)MIN(starts->len, 255u);
    msg->n_transforms = (uint8_t)MIN(starts->len, (guint)IKE_MSG_MAX_TRANSFORMS);
    for (size_t k = 0; k < n_attrs; k++) {
        GPtrArray *a = finfos(tree, attrs[k].field);
        for (guint i = 0; a && i < a->len; i++) {
            int t = transform_of(a->pdata[i], starts);
            if (t < 0)
                continue;
            guint8 *member = (guint8 *)&msg->transforms[t] + attrs[k].offset;
            guint32 v = uint_of(a->pdata[i]);
            if (attrs[k].wide)
                *(uint16_t *)(void *)member = (uint16_t)v;
            else
                *member = (uint8_t)v;
        }
    }
}

/* NAT-D hashes, in payload order (RFC 3947 section 3.2). */
static void read_nat_d(proto_tree *tree, const field_info *hdr, ike_msg_t *msg)
{
    GPtrArray *a = finfos(tree, F_NAT_D);
    for (guint i = 0; a && i < a->len && msg->n_nat_d < IKE_MSG_MAX_NAT_D; i++) {
        const field_info *fi = a->pdata[i];
        if (!in_message(fi, hdr) || fi->length <= 0 || fi->length > IKE_NAT_D_MAX_LEN)
            continue;
        tvb_memcpy(fi->ds_tvb, msg->nat_d[msg->n_nat_d], fi->start, fi->length);
        msg->nat_d_len[msg->n_nat_d++] = (uint8_t)fi->length;
    }
}

static void read_digest(const field_info *hdr, ike_msg_t *msg)
{
    gint available = tvb_captured_length_remaining(hdr->ds_tvb, hdr->start);
    gint len = hdr->length > 0 ? MIN(hdr->length, available) : available;
    if (len <= 0)
        return;
    msg->digest = ike_digest(tvb_get_ptr(hdr->ds_tvb, hdr->start, len), (unsigned)len);
}

gboolean extract_message(packet_info *pinfo, proto_tree *tree, ike_msg_t *msg)
{
    GPtrArray *headers = finfos(tree, F_ISAKMP);
    if (!headers)
        return FALSE;
    const field_info *hdr = headers->pdata[headers->len - 1];
    const field_info *ispi = header_field(tree, F_ISPI, hdr, 0);
    const field_info *type = header_field(tree, F_EXCHANGE_TYPE, hdr, 18);
    if (!ispi || !type)
        return FALSE; /* shorter than a header: a keepalive or garbage */

    memset(msg, 0, sizeof *msg);
    const field_info *fi;
    msg->frame = pinfo->num;
    msg->time = nstime_to_sec(&pinfo->abs_ts);
    copy_endpoint(&msg->src, &pinfo->src, pinfo->srcport);
    copy_endpoint(&msg->dst, &pinfo->dst, pinfo->destport);
    msg->icookie = cookie_of(ispi);
    msg->rcookie = cookie_of(header_field(tree, F_RSPI, hdr, 8));
    msg->exchange_type = (uint8_t)uint_of(type);
    if ((fi = header_field(tree, F_NEXT_PAYLOAD, hdr, HDR_NEXT_PAYLOAD)))
        msg->next_payload = (uint8_t)uint_of(fi);
    if ((fi = header_field(tree, F_MAJOR_VERSION, hdr, 17)))
        msg->major_version = (uint8_t)uint_of(fi);
    if ((fi = header_field(tree, F_FLAGS, hdr, 19)))
        msg->flags = (uint8_t)uint_of(fi);
    if ((fi = header_field(tree, F_MESSAGE_ID, hdr, 20)))
        msg->message_id = uint_of(fi);
    if ((fi = header_field(tree, F_LENGTH, hdr, 24)))
        msg->length = uint_of(fi);
    msg->malformed = finfos(tree, F_MALFORMED) != NULL;
    msg->nat_t = frame_has_layer(pinfo, proto_udpencap);
    msg->in_icmp_error = frame_has_layer(pinfo, proto_icmp) || frame_has_layer(pinfo, proto_icmpv6);

    read_payloads(tree, hdr, msg);
    /* A wrong key or a resend (its IV is stale) decrypts to garbage: trust nothing
     * read inside an encrypted body that the dissector found malformed. */
    if ((msg->flags & IKE_FLAG_ENCRYPTED) && msg->malformed) {
        msg->payloads = 0;
        msg->n_notify = 0;
        msg->decrypted = false;
    }
    if (msg->exchange_type == IKE_XCHG_MAIN || msg->exchange_type == IKE_XCHG_AGGRESSIVE) {
        read_transforms(tree, msg, phase1_attrs, G_N_ELEMENTS(phase1_attrs));
        if (ike_msg_has(msg, IKE_PL_NAT_D))
            read_nat_d(tree, hdr, msg);
    }
    else if (msg->exchange_type == IKE_XCHG_QUICK && msg->decrypted)
        read_transforms(tree, msg, phase2_attrs, G_N_ELEMENTS(phase2_attrs));
    read_digest(hdr, msg);
    return TRUE;
}
